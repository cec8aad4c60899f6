"""Draft documents and page views: names print literally, missing values show as blanks."""

from __future__ import annotations

import pytest

from handbook.model.context import YearContext
from handbook.model.roster import load_roster

HEADER = "姓名,性别,出生年月,入党时间,党员类别,党小组,职务,流动党员,领导干部"


def test_blankable_view():
    from handbook.model.unit import BLANK, Unit
    from handbook.render.view import Blankable

    view = Blankable(Unit.model_validate({"党支部": "<b>支部</b>"}))
    assert str(view.branch) == "&lt;b&gt;支部&lt;/b&gt;"
    assert str(view.secretary) == BLANK and str(view.meetings.general.place) == BLANK


def test_template_syntax_in_names_stays_literal(tmp_path):
    from handbook.model.editions import snapshot
    from handbook.model.unit import Unit
    from handbook.render.drafts import render_draft

    common, editions = snapshot()
    edition = editions[max(editions)]
    path = tmp_path / "r.csv"
    row = "<b>{{ 7*7 }}</b>,男,1980.05,2001.07,正式党员,{% raw %}"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    members = load_roster(path)
    unit = Unit.model_validate({"党支部": "<script>x</script>", "书记": "{{ edition.year }}"})
    html = render_draft("plan", YearContext(edition, common, unit), members)
    assert "&lt;b&gt;{{ 7*7 }}&lt;/b&gt;" in html and "49" not in html
    assert "{% raw %}" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "党支部书记{{ edition.year }}" in html


@pytest.fixture(scope="module")
def editions():
    """Every edition and the common data."""
    from handbook.model.editions import EDITIONS_DIR, load_all, load_common

    return load_all(EDITIONS_DIR), load_common(EDITIONS_DIR)


def test_drafts_leave_blanks_and_keep_the_warning_in_the_cover_note(editions):
    from handbook.render.drafts import render_draft

    eds, common = editions
    for year, ed in sorted(eds.items()):
        for kind in ("plan", "notice", "outline"):
            note, body = render_draft(kind, YearContext(ed, common)).split("</div>", 1)
            assert ed.notice.spoken in body, f"{year} {kind}"
            for internal in ("尚未掌握", "本手册", "某高校", "某市委", "某镇", "某学院"):
                assert internal not in body, f"{year} {kind}: {internal}"
            if ed.pending("notice"):  # the cover note says the notice is not out yet
                assert "尚未下发" in note
            elif "＿" in ed.notice.spoken:
                assert "尚未掌握" in note
            assert "会议有效" not in body


def _title_lines(html: str) -> list[str]:
    """The title's printed lines: the text between its explicit breaks."""
    import re

    title = re.search(r'<h1 class="gw-title">(.*?)</h1>', html).group(1)
    return [re.sub(r"<[^>]+>", "", line) for line in title.split('<br class="gw-br">')]


@pytest.mark.parametrize("with_unit", [False, True])
def test_titles_break_between_words(editions, with_unit):
    """Every draft title of every edition breaks between words ("民主评｜议" never), each line fits."""
    from pathlib import Path

    from handbook.model.unit import load_unit
    from handbook.render.drafts import KINDS, TITLE_EM, render_draft, text_width

    eds, common = editions
    unit = load_unit(Path(__file__).parents[2] / "local" / "example" / "unit.yml") if with_unit else None
    for year, ed in sorted(eds.items()):
        branch = unit.branch if unit else "党支部"
        words = {ed.label, ed.meeting_name, "民主评议党员", "工作方案", "情况的报告", "主持词提纲", branch}
        for kind in KINDS:
            lines = _title_lines(render_draft(kind, YearContext(ed, common, unit), standalone=True))
            whole = "".join(lines)
            for word in words & {w for w in words if w in whole}:
                assert any(word in line for line in lines), (year, kind, word, lines)
            assert all(text_width(line) <= TITLE_EM for line in lines), (year, kind, lines)
            # The fewest lines that hold it: two lines would not take the first words of the next.
            assert len(lines) <= -(-text_width(whole) // TITLE_EM) + 1, (year, kind, lines)


def test_long_branch_name_breaks_after_its_parts():
    """A branch name longer than a title line breaks after 市/局/机关…, not inside a word."""
    from handbook.render.drafts import TITLE_EM, text_width, title_lines

    name = "中共某某省某某市某某区某某局机关第一党支部"
    lines = ["".join(map(str, ln)) for ln in title_lines([name, "2026年度", "组织生活会", "工作方案"])]
    assert all(text_width(ln) <= TITLE_EM for ln in lines)
    assert "".join(lines).startswith(name)
    assert any(ln.endswith(("局", "机关", "市", "区")) for ln in lines), lines


@pytest.mark.parametrize(
    "branch", ["中共示例市某某局机关第一党支部", "一支部", "中共某某省某某市某某区某某局机关第一党支部"]
)
def test_signature_centred_over_date(branch):
    """GB/T 9704 7.3.5: the date four characters in from the right, the 署名 centred over it."""
    import re

    from handbook.render.drafts import DATE_BLANK, signoff, text_width

    html = str(signoff(branch, DATE_BLANK))
    (sign_r, sign), (date_r, date) = re.findall(r'data-right-chars="([\d.]+)"[^>]*>(.*?)</p>', html)
    sign_r, date_r = float(sign_r), float(date_r)
    centre = [r + text_width(t) / 2 for r, t in ((sign_r, sign), (date_r, date))]
    assert centre[0] == pytest.approx(centre[1])
    assert min(sign_r, date_r) >= 0
    assert date_r == 4 or sign_r == 0
