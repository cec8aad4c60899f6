"""The 计票 page's HTML, the starter tally and the sign-in sheets' values (no browser, no PDF)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from handbook.jobs.pack import signin_values, starter_tally
from handbook.model.context import YearContext
from handbook.model.editions import snapshot
from handbook.model.roster import Member
from handbook.model.tally import KIND as TALLY_KIND
from handbook.render.tally import render_tally

CONTROLS = ("input", "select", "textarea")


class Controls(HTMLParser):
    """Form controls with whether each has an accessible name: aria-label, a label around it or label[for]."""

    def __init__(self):
        super().__init__()
        self.open_labels = 0
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.root: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "zt" in (a.get("class") or "").split():
            self.root = a
        if tag == "label":
            self.open_labels += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in CONTROLS:
            self.controls.append(a | {"_tag": tag, "_wrapped": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.open_labels -= 1


@pytest.fixture(scope="module")
def parsed():
    common, editions = snapshot()
    edition = editions[max(editions)]
    html = render_tally(YearContext(edition, common), badges=lambda *ids: "", branch='第一党支部"><b>x</b>')
    p = Controls()
    p.feed(html)
    return p, html, common, edition


def test_every_control_is_labelled(parsed):
    p, _, _, _ = parsed
    assert len(p.controls) >= 10
    unnamed = [
        c for c in p.controls if not (c.get("aria-label") or c["_wrapped"] or c.get("id") in p.label_for)
    ]
    assert unnamed == []


def test_page_carries_the_edition_grades_and_file_kind(parsed):
    p, html, common, edition = parsed
    assert p.root["data-year"] == str(edition.year)
    # The tally contract reaches the page as data from editions/common.yml (file:// forbids fetching it).
    vocab = json.loads(p.root["data-vocab"])
    assert vocab["grades"] == common.grade_names and vocab["kind"] == TALLY_KIND
    assert vocab["versions"] == common.tally.versions and vocab["checks"][0]["level"] in ("错误", "提示")
    assert vocab["cap"]["default_base"] == "党员总数"
    # The unit's branch name is data, printed literally inside the attribute.
    assert p.root["data-branch"] == '第一党支部"><b>x</b>'
    assert "<b>x</b>" not in html
    # The tool sits in a <form>: the handbook PDF leaves such pages out, as it does for the web forms.
    assert '<form class="zt-form"' in html
    # Raw HTML inside Markdown: no blank line may end the block.
    assert "\n\n" not in html


def _members() -> list[Member]:
    return [
        Member("书记甲", "正式党员", group="第一党小组", position="党支部书记", row=2),
        Member("党员乙", "正式党员", group="第一党小组", row=3),
        Member("党员丙", "预备党员", group="第二党小组", row=4),
        Member("党员乙", "正式党员", group="第二党小组", row=5),
    ]


def test_starter_tally_has_the_shared_format():
    data = starter_tally(2025, "第一党支部", _members(), ["优秀", "合格", "基本合格", "不合格"])
    assert set(data) == {"kind", "version", "edition", "branch", "ballots", "members"}
    assert data["kind"] == TALLY_KIND and data["edition"] == 2025
    first = data["members"][0]
    assert first == {
        "name": "书记甲",
        "probationary": False,
        "counts": {"优秀": 0, "合格": 0, "基本合格": 0, "不合格": 0},
        "proposal": None,
        "decided": None,
        "note": "",
    }
    # Namesakes carry the ballot's label, so the counters can tell them apart.
    names = [m["name"] for m in data["members"]]
    assert names[1] == "党员乙（第一党小组）" and names[3] == "党员乙（第二党小组）"
    assert [m["probationary"] for m in data["members"]] == [False, False, True, False]


def test_sign_in_values_from_the_roster():
    members = _members()
    sheets = signin_values(members, members[:1], "第一党支部")
    (general,) = sheets["sign-in-members"]
    assert general["expected_full"] == "3" and general["expected_probationary"] == "1"
    assert general["r03_name"] == "党员丙" and general["r03_category"] == "预备党员"
    assert general["r03_group"] == "第二党小组" and general["branch"] == "第一党支部"
    assert not any(k.endswith(("_signature", "_reason")) for k in general)
    (board,) = sheets["sign-in-committee"]
    assert board["r01_name"] == "书记甲" and board["attendance_expected"] == "1" and "r02_name" not in board
    first, second = sheets["sign-in-groups"]
    assert (first["group_name"], first["attendance_expected"]) == ("第一党小组", "2")
    assert [second[k] for k in ("r01_name", "r02_name")] == ["党员丙", "党员乙（第二党小组）"]


def test_sign_in_without_groups_or_committee_leaves_blank_rows():
    members = [Member("党员甲", "正式党员", row=2), Member("党员乙", "预备党员", row=3)]
    sheets = signin_values(members, [], "")
    assert sheets["sign-in-committee"] == [{}]
    assert sheets["sign-in-groups"] == [{}]
    assert sheets["sign-in-members"][0]["expected_probationary"] == "1"


@pytest.mark.parametrize(
    ("base", "value"), [("正式党员", "正式党员"), ("党员总数", "党员总数"), (None, "党员总数")]
)
def test_the_units_one_third_base_is_the_pages_default(base, value):
    """A unit that chose 优秀比例基数 in its profile finds it chosen on the page (it may still change it)."""
    common, editions = snapshot()
    html = render_tally(YearContext(editions[max(editions)], common), badges=lambda *ids: "", base=base)
    p = Controls()
    p.feed(html)
    assert p.root["data-base"] == value
    checked = [c["value"] for c in p.controls if c.get("name") == "zt-base" and "checked" in c]
    assert checked == [value]


def test_the_base_choice_is_headed_by_the_registers_lead():
    """The ⅓ legend reads tally.cap.lead from common.yml: a fork that rewords the lead sees it on the page."""
    common, editions = snapshot()
    cap = common.tally.cap.model_copy(update={"lead": "“{grade}”原则上不超过三分之一"})
    reworded = common.model_copy(update={"tally": common.tally.model_copy(update={"cap": cap})})
    html = render_tally(YearContext(editions[max(editions)], reworded), badges=lambda *ids: "")
    assert "<legend>“优秀”原则上不超过三分之一：计算基数</legend>" in html
    assert "一般不超过三分之一" not in html
