"""One renderer for web and PDF: every example of every form.yml, each behaviour against a named example."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from html.parser import HTMLParser

import pytest

from handbook.model.context import YearContext
from handbook.model.editions import snapshot
from handbook.model.forms import BallotMember, get_form, load_forms
from handbook.model.roster import read_roster
from handbook.model.unit import Unit
from handbook.paths import ROOT
from handbook.render.forms import example_kwargs, form_document, render_form

FORMS = load_forms()
# Every example of every form.yml, named "<form id>: <example title>" (the ids pytest shows).
EXAMPLES = {
    f"{fid}: {ex.title}": (fid, i) for fid, f in sorted(FORMS.items()) for i, ex in enumerate(f.examples)
}


@pytest.fixture(scope="module")
def ed():
    """Common data and the 2021 edition."""
    common, editions = snapshot()
    return common, editions[2021]


class Example:
    """One example of a form.yml, rendered for the web or for the PDFs."""

    def __init__(self, name: str, ed):
        self.form_id, self.index = EXAMPLES[name]
        self.form = FORMS[self.form_id]
        self.kwargs = example_kwargs(self.form, self.index)
        self.common, self.edition = ed
        self.ctx = YearContext(self.edition, self.common)

    def html(self, target: str = "web") -> str:
        return render_form(self.form, self.ctx, target=target, **self.kwargs)


def _example(name: str):
    """A fixture for the example of that name in form.yml (a renamed example fails here, loudly)."""

    @pytest.fixture
    def fixture(ed) -> Example:
        return Example(name, ed)

    fixture.__doc__ = f"The form.yml example {name!r}."
    return fixture


blank_ballot = _example("member-ballot: 空白测评表（不知道名单时，留15行手写姓名）")
ballot_from_roster = _example("member-ballot: 按名单生成的测评表（含一名预备党员）")
blank_register = _example("member-register: 空白登记表")
register_for_a_member = _example("member-register: 按名单为一名党员生成，已填姓名")
blank_outline = _example("self-review-outline: 空白提纲")


@pytest.fixture(params=sorted(EXAMPLES))
def example(request, ed) -> Example:
    """Each example of each form.yml in turn."""
    return Example(request.param, ed)


class Inputs(HTMLParser):
    """Collects (tag, type, name) of every named input and the document's text."""

    def __init__(self):
        super().__init__()
        self.inputs: list[tuple[str, str, str]] = []
        self.checked: dict[str, str] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name"):
            self.inputs.append((tag, a.get("type") or tag, a["name"]))
            if a.get("type") == "radio" and "checked" in a:
                self.checked[a["name"]] = a.get("value")

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Inputs:
    p = Inputs()
    p.feed(html)
    return p


@pytest.mark.parametrize("target", ["web", "pdf"])
def test_every_field_name_once(example, target):
    form, kw = example.form, example.kwargs
    html = example.html(target)
    parsed = parse(html)
    found = parsed.inputs
    radios = {name for _, typ, name in found if typ == "radio"}
    singles = Counter(name for _, typ, name in found if typ != "radio")
    assert not [n for n, c in singles.items() if c > 1], "duplicate names"
    assert not radios & set(singles), "a radio group name reused by another input"
    names = set(singles) | radios
    assert names == set(form.input_names(kw["members"]))
    assert all(n.isascii() for n in names)
    # Example values come back in the rendered form.
    for key, value in kw["values"].items():
        if key in radios:
            assert parsed.checked.get(key) == value
        else:
            assert str(value) in html
    assert example.edition.label in html and form.title in html


# One behaviour, one test, against a named example of form.yml.


def test_hint_is_shown_with_edition_facts_and_described(blank_register):
    html = blank_register.html()
    areas = "、".join(blank_register.edition.focus.member_areas)
    assert f"对照合格党员标准和本年度查摆重点（{areas}等方面）" in html
    assert 'aria-describedby="zf-member-register-self_review-hint"' in html
    assert 'id="zf-member-register-self_review-hint"' in html


def test_prefill_gives_year_and_branch(register_for_a_member):
    html = register_for_a_member.html("pdf")
    assert re.search(r'name="branch"[^>]*value="第一党支部"', html)
    assert re.search(r'name="review_year"[^>]*value="2021年度"', html)


def test_prefill_stays_empty_without_a_unit_and_never_beats_a_value(blank_register):
    html = blank_register.html()
    assert re.search(r'name="branch"[^>]*value=""', html)
    assert re.search(r'name="review_year"[^>]*value="2021年度"', html)
    blank_register.kwargs["values"] = {"review_year": "2020年度"}
    assert re.search(r'name="review_year"[^>]*value="2020年度"', blank_register.html())


def test_cap_text_names_its_base_and_says_nothing_about_ticks(ballot_from_roster):
    text = "".join(parse(ballot_from_roster.html()).text)
    # Seven members: the sources' base is 党员总数, so about a third of 7 is 2; information, not a cap.
    assert "一般不超过党员总数的三分之一" in text
    assert "按党员总数（含预备党员）7人计，三分之一约为2.3人，即一般不超过2人。" in text
    # No source says how many 优秀 a ballot may tick, and no editor's note reaches a member's ballot.
    for wrong in ("不受此限", "不限制", "尚未核实", "最多"):
        assert wrong not in text


def test_cap_text_of_a_blank_ballot_leaves_the_number_to_write(blank_ballot):
    text = "".join(parse(blank_ballot.html("pdf")).text)
    assert "按党员总数（含预备党员）＿＿人计，三分之一为＿＿人" in text and "尚未核实" not in text


def test_ballot_counts_the_base_the_unit_chose(ballot_from_roster):
    # 优秀比例基数 = 正式党员: the six graded of the seven (one 预备党员), as the results count it.
    kw = dict(ballot_from_roster.kwargs, unit={"excellent_base": "正式党员"})
    html = render_form(ballot_from_roster.form, ballot_from_roster.ctx, **kw)
    assert "按参加评定等次的党员（不含预备党员）6人计，三分之一为2人。" in "".join(parse(html).text)


def test_the_cap_wording_lives_in_common_yml(ballot_from_roster, monkeypatch):
    # One edit of editions/common.yml's tally.cap reaches the ballot, the pack's overlay text and the results.
    from handbook.render import pack as render_pack

    common = ballot_from_roster.common
    words = {"exact": "按{base}{n}人算，{limit}人", "inexact": "按{base}{n}人算，约{limit}人"}
    cap = common.tally.cap.model_copy(update=words)
    changed = common.model_copy(update={"tally": common.tally.model_copy(update={"cap": cap})})
    ballot = ballot_from_roster
    html = render_form(ballot.form, YearContext(ballot.edition, changed), **ballot.kwargs)
    assert "按党员总数（含预备党员）7人算，约2人。" in "".join(parse(html).text)
    sentence = changed.cap_figure(None, 30, 28).sentence
    assert sentence == "“优秀”一般不超过三分之一：按党员总数（含预备党员）30人算，10人"
    monkeypatch.setattr(render_pack, "snapshot", lambda: (changed, {}))
    members = read_roster(ROOT / "local/example/roster.csv").members
    values = render_pack.unit_values("a", Unit(), members, "优秀")
    assert f"按党员总数（含预备党员）{len(members)}人算，" in values.cap_text


def test_ballot_prints_what_the_superior_ballot_says_about_ticks(ballot_from_roster):
    said = "每张测评表勾选“优秀”不超过3人。"
    kw = dict(ballot_from_roster.kwargs, unit={"branch": "第一党支部", "ballot_excellent": said})
    html = render_form(ballot_from_roster.form, ballot_from_roster.ctx, **kw)
    assert said in "".join(parse(html).text)


def test_probationary_row_is_rated_unless_the_ballot_leaves_it_out(ballot_from_roster):
    def row7(html):
        return re.search(r"<tr><td class=\"zf-no\">7</td>.*?</tr>", html, re.S).group(0)

    # Whether members rate a 预备党员 is the superior ballot's choice: by default the row is rated.
    html = ballot_from_roster.html()
    row = row7(html)
    assert "党员庚" in row and "（预备党员）" in row and "不评定等次" not in row and 'type="radio"' in row
    names = {n for _, _, n in parse(html).inputs}
    assert "r07_grade" in names and "r01_name" not in names  # names are printed, not asked for
    assert names == set(ballot_from_roster.form.input_names(ballot_from_roster.kwargs["members"]))
    # Where the unit (or edition) says the ballot leaves them out, the row says so and has no ticks.
    kw = dict(ballot_from_roster.kwargs, unit={"branch": "第一党支部", "ballot_probationary": "不勾选"})
    html = render_form(ballot_from_roster.form, ballot_from_roster.ctx, **kw)
    row = row7(html)
    assert "不评定等次" in row and 'type="radio"' not in row and 'name="r07_note"' in row


def test_blank_ballot_asks_for_names(blank_ballot):
    names = {n for _, _, n in parse(blank_ballot.html("pdf")).inputs}
    rows = blank_ballot.form.field("grade").rows
    assert {f"r{i:02d}_name" for i in range(1, rows + 1)} <= names
    assert f"r{rows + 1:02d}_name" not in names


def test_names_are_printed_literally(ed):
    common, edition = ed
    evil = "<b>x</b>{{ 1+1 }}"
    html = render_form(
        get_form("member-ballot"),
        YearContext(edition, common),
        target="pdf",
        members=[BallotMember(name=evil)],
        unit={"branch": evil},
    )
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;{{ 1+1 }}" in html
    reg = render_form(
        get_form("member-register"), YearContext(edition, common), target="web", values={"name": evil}
    )
    assert "<b>x</b>" not in reg and "{{ 1+1 }}" in reg


def test_edition_facts_fill_the_header(blank_outline):
    html, edition = blank_outline.html("pdf"), blank_outline.edition
    assert edition.theme_short in html and edition.title in html
    assert "、".join(edition.focus.member_areas) in html


def test_form_document_is_a_whole_page(ed):
    common, edition = ed
    form = get_form("member-register")
    doc = form_document(form, YearContext(edition, common), **example_kwargs(form, 1))
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in doc and '<meta charset="utf-8">' in doc
    assert "@page" in doc and "Noto Serif CJK SC" in doc
    assert 'class="zf zf-pdf' in doc and 'class="zf-toolbar"' not in doc


@pytest.mark.slow
def test_register_prints_on_one_page(ed):
    from weasyprint import HTML

    common, edition = ed
    form = get_form("member-register")
    pdf = HTML(string=form_document(form, YearContext(edition, common), **example_kwargs(form, 1))).render()
    assert len(pdf.pages) == 1


# Twenty distinct numbered sentences, 400 characters: a 个人自评 longer than the lines the form gives it.
LONG_REVIEW = "".join(f"第{i:02d}条学习不够系统联系服务群众不够主动今后改进。" for i in range(1, 21))[:400]


def _pdf_text(path) -> str:
    """The PDF's text without spaces or line breaks, less the 个人自评 label printed beside the text."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out).replace("个人自评", "")


@pytest.mark.slow
def test_register_pdf_prints_long_text_whole(ed, tmp_path):
    """A PDF made from a filled register holds the whole 400-character 个人自评, on one page."""
    from weasyprint import HTML

    common, edition = ed
    form = get_form("member-register")
    assert len(LONG_REVIEW) == 400
    pdf = HTML(
        string=form_document(form, YearContext(edition, common), values={"self_review": LONG_REVIEW})
    ).render()
    assert len(pdf.pages) == 1
    path = tmp_path / "register.pdf"
    pdf.write_pdf(path)
    assert LONG_REVIEW in _pdf_text(path)
