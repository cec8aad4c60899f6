"""Form pages come from forms/<id>/form.yml alone: page, heading and menu entry, for a fork's new form too."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow


def _nav_titles(html: str) -> dict[str, str]:
    """Menu entries of a built page: href -> visible title."""
    link = r'<a href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]+?)\s*<'
    return dict(re.findall(link, html))


def test_every_form_folder_gets_a_page_and_a_menu_entry(scenario):
    scenario.add_form("unit-extra", title="本单位补充表")
    site = scenario.build()
    for fid in ("talk-record", "member-ballot", "unit-extra"):
        assert (site / "forms" / f"{fid}.html").is_file()
    page = (site / "forms" / "unit-extra.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>本单位补充表</h1>", page)
    assert 'id="zf-unit-extra"' in page
    nav = _nav_titles((site / "index.html").read_text(encoding="utf-8"))
    assert nav["forms/unit-extra.html"] == "本单位补充表"
    assert nav["forms/member-ballot.html"] == "民主评议党员民主测评表"
    # The forms follow the procedure (talks before evaluation), after the overview page.
    order = [h for h in nav if h.startswith("forms/")]
    assert order.index("forms/index.html") < order.index("forms/talk-record.html")
    assert order.index("forms/talk-record.html") < order.index("forms/member-ballot.html")


def test_a_title_change_in_form_yml_changes_page_and_menu(scenario):
    path = scenario.forms / "talk-record" / "form.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", "title: 谈心谈话记录（新）", text, count=1), encoding="utf-8")
    site = scenario.build()
    page = (site / "forms" / "talk-record.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>谈心谈话记录（新）</h1>", page)
    nav = _nav_titles((site / "index.html").read_text(encoding="utf-8"))
    assert nav["forms/talk-record.html"] == "谈心谈话记录（新）"


def test_a_local_page_replaces_a_generated_form_page(scenario, tmp_path, monkeypatch):
    local = tmp_path / "local"
    (local / "docs" / "forms").mkdir(parents=True)
    (local / "docs" / "forms" / "talk-record.md").write_text("# 本单位的谈话记录\n\n自备表格。\n", encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(local))
    page = (scenario.build() / "forms" / "talk-record.html").read_text(encoding="utf-8")
    assert "自备表格" in page and "zf-page" not in page
