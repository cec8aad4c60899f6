"""A fork's local/docs pages in the site: new pages get a 本单位 section, same-named pages replace upstream's."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_local_page_and_override_in_site(scenario, tmp_path, monkeypatch):
    scenario.page("drafts/plan.md", '# 工作方案\n\n{{ draft("plan") }}\n')
    local = tmp_path / "local"
    (local / "docs").mkdir(parents=True)
    (local / "unit.yml").write_text("党支部: 测试第九党支部\n", encoding="utf-8")
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
