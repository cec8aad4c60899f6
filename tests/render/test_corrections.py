"""The corrections of issue 15, each where a secretary or a member would meet it (drafts, sheets, data)."""

from __future__ import annotations

import re

import pytest

from handbook.model.changes import diff_editions
from handbook.model.context import YearContext
from handbook.model.editions import snapshot
from handbook.model.roster import Member
from handbook.model.unit import Unit
from handbook.render.drafts import render_draft
from handbook.render.pack import signin_values
from handbook.render.results import DOCS

COMMON, EDITIONS = snapshot()
YEARS = sorted(EDITIONS)


def text(html: str) -> str:
    """A draft's visible text without its note box (the note is for the secretary, not the document)."""
    html = re.sub(r'<div class="gw-note">.*?</div>', "", html, flags=re.S)
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def roster() -> list[Member]:
    return [
        Member("党员甲", "正式党员", row=2),
        Member("党员乙", "正式党员", row=3, on_probation=True),
        Member("党员丙", "预备党员", row=4),
        Member("党员丁", "正式党员", row=5),
    ]


@pytest.mark.parametrize("year", YEARS)
def test_no_draft_makes_the_survey_a_vote_or_counts_votes_by_full_members(year):
    # Items 1 and 2: the 测评 is no 表决; the vote counts 正式党员 minus 留党察看.
    for kind in ("plan", "notice", "outline", "report"):
        body = text(render_draft(kind, YearContext(EDITIONS[year], COMMON, Unit()), roster()))
        assert "可以进行表决" not in body and "能否进行表决" not in body, (year, kind)
        assert "不能进行民主测评" not in body and "会议有效" not in body, (year, kind)
    outline = text(render_draft("outline", YearContext(EDITIONS[year], COMMON, Unit()), roster()))
    assert "有表决权的党员（正式党员减去受留党察看处分的党员）应到2人" in outline


def test_sign_in_sheet_counts_the_voting_members():
    values = signin_values(roster(), [], "第一党支部")["sign-in-members"][0]
    assert values["expected_full"] == "3" and values["voting_expected"] == "2"


def test_2016_drafts_have_no_survey():
    # Item 4: S004's procedure has no 民主测评 or 班子测评.
    for kind in ("plan", "notice", "outline", "report"):
        body = text(render_draft(kind, YearContext(EDITIONS[2016], COMMON, Unit()), None))
        assert "民主测评" not in body and "班子测评" not in body and "测评表" not in body, kind


@pytest.mark.parametrize("year", YEARS)
def test_report_cites_no_unknown_or_foreign_notice(year):
    # Item 7: a document sent upward leaves the unknown notice blank and never cites another unit's.
    e = EDITIONS[year]
    body = text(render_draft("report", YearContext(e, COMMON, Unit()), None))
    assert "尚未掌握" not in body and "本手册" not in body
    if e.notice.level == "local" or (e.notice.issuer or "").startswith("某") or not e.notice.title:
        assert "《＿＿＿＿＿＿＿＿》" in body
        if e.notice.title:
            assert e.notice.title not in body


def test_2025_study_list_keeps_its_source():
    # Item 8: the study list is the stored page's, each wording cited to its own page.
    e = EDITIONS[2025]
    study = [s.text for s in e.study]
    assert "习近平新时代中国特色社会主义思想" in study and "《中国共产党章程》" in study
    assert e.theme.sources == ["W-2025A"] and "巩固拓展深入贯彻" not in e.theme.text
    other = next(s for s in e.specials if "巩固拓展深入贯彻中央八项规定精神学习教育成果" in (s.text or ""))
    assert other.sources == ["W-2025B"]


def test_changes_keep_one_item_across_wordings_and_specials():
    # Item 9: 党章 and 修改后的党章 are one item; 对照入党誓词 sits in 2021's specials.
    def kinds(prev, cur, key):
        section = next(s for s in diff_editions(EDITIONS[prev], EDITIONS[cur], COMMON) if s.key == key)
        return {(c.kind, c.text) for c in section.changes}

    study = kinds(2021, 2022, "study")
    assert ("added", "修改后的《中国共产党章程》") not in study
    assert ("removed", "《中国共产党章程》") not in study
    member = kinds(2020, 2021, "member")
    assert ("removed", "对照入党誓词") not in member and ("removed", "对照合格党员标准") not in member


def test_results_say_what_each_seed_files():
    # Item 17: S000 and S003 file the 测评结果; grades go up for 审批 (S002) or 审定 (S004).
    grades = DOCS["grades"][1]
    assert "审批（S002）" in grades and "审定（S004）" in grades and "备案（S000、S003）" not in grades
    assert "测评结果" in grades
