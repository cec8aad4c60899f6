"""A fork's local/docs pages in the site: new pages get a 本单位 section, same-named pages replace upstream's."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_local_page_and_override_in_site(scenario, tmp_path, monkeypatch):
    scenario.page("drafts/plan.md", '# 工作方案\n\n{{ draft("plan") }}\n')
    # As the 主持词 name the superior's representative: from the profile, else a blank in brackets.
    scenario.page("guide.md", "# 指导\n\n上级党组织{{ given(unit.superior) }}的{{ given(unit.representative.name) }}同志\n")
    local = tmp_path / "local"
    (local / "docs").mkdir(parents=True)
    profile = "党支部: 测试第九党支部\n上级指导: {姓名: 测试指导人}\n"
    (local / "unit.yml").write_text(profile, encoding="utf-8")
    (local / "docs" / "our-unit.md").write_text(
        "# 本支部安排\n\n支部：{{ unit.branch }}；书记：{{ unit.secretary }}\n", encoding="utf-8"
    )
    (local / "docs" / "index.md").write_text("# 首页\n\n替换后的首页。\n", encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(local))
    site = scenario.build()
    page = (site / "our-unit.html").read_text(encoding="utf-8")
    assert "支部：测试第九党支部；书记：＿＿＿＿" in page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "替换后的首页" in index
    assert "本单位" in index and "our-unit.html" in index
    assert "测试第九党支部" in (site / "drafts" / "plan.html").read_text(encoding="utf-8")
    assert "上级党组织（＿＿＿＿）的测试指导人同志" in (site / "guide.html").read_text(encoding="utf-8")
