"""Draft documents and page views: names print literally, missing values show as blanks."""

from __future__ import annotations

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
