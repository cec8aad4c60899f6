"""Draft documents and page views: names print literally, missing values show as blanks."""

from __future__ import annotations

import pytest

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
    html = render_draft("plan", edition, common, unit, members)
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
            note, body = render_draft(kind, ed, common).split("</div>", 1)
            assert ed.notice.spoken in body, f"{year} {kind}"
            for internal in ("尚未掌握", "本手册", "某高校", "某市委", "某镇", "某学院"):
                assert internal not in body, f"{year} {kind}: {internal}"
            if ed.pending("notice"):  # the cover note says the notice is not out yet
                assert "尚未下发" in note
            elif "＿" in ed.notice.spoken:
                assert "尚未掌握" in note
            assert "会议有效" not in body
