"""The procedure pages and the rules page show the built edition's facts, deadlines and sections."""

from __future__ import annotations

import html
import re

import pytest

from handbook.model.editions import STEP_KEYS, cn_date, deadline_text, snapshot

pytestmark = pytest.mark.slow

SECTIONS = ("做什么", "谁来做", "何时完成", "形成什么材料", "可用表格（均为可选）", "注意事项", "来源")


def text_of(path) -> str:
    """The visible text of a built article, without tags or whitespace (line folding must not matter)."""
    raw = path.read_text(encoding="utf-8")
    article = raw[raw.find("<article") : raw.find("</article>")]
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", article)))


def squash(s: str) -> str:
    """Drop whitespace the same way text_of does."""
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module", params=["latest", 2021])
def built(request, site_cache, latest_year):
    """The newest edition and 2021 (the one with confirmed dates), each built once, with its data."""
    year = latest_year if request.param == "latest" else request.param
    _, editions = snapshot()
    return site_cache(year), editions[year]


@pytest.mark.parametrize("key", STEP_KEYS)
def test_step_page_has_deadline_and_sections(built, key):
    site, edition = built
    page = text_of(site / "steps" / f"{key}.html")
    assert squash(deadline_text(edition, key)) in page
    for section in SECTIONS:
        assert section in page, f"steps/{key}: missing section {section}"


def test_overview_has_every_deadline(built):
    site, edition = built
    page = text_of(site / "steps" / "index.html")
    for key in STEP_KEYS:
        assert squash(deadline_text(edition, key)) in page
    for day in (edition.schedule.finish, edition.schedule.report):
        if day:
            assert cn_date(day) in page
    assert squash(edition.schedule.window) in page
    for meeting in ("支部委员会会议", "党员大会", "党小组会"):
        assert meeting in page


def test_year_specific_lists(built):
    site, edition = built
    study = text_of(site / "steps" / "study.html")
    for item in edition.study:
        assert squash(item.text) in study
    problems = text_of(site / "steps" / "problems.html")
    for item in edition.focus.committee + edition.focus.member:
        assert squash(item.text) in problems
    assert "、".join(edition.focus.member_areas) in problems


def test_rules_page(built):
    site, _ = built
    page = text_of(site / "rules.html")
    for grade in ("优秀", "合格", "基本合格", "不合格"):
        assert grade in page
    # The worked example: 25 full members -> at most 8 rated 优秀.
    assert "25名正式党员" in page and "8名" in page
    assert "需核实" in page and "可配置" in page
    assert "不能以工作建议代替批评意见" in page
