"""Forms kit: form.yml validation, one renderer for web and PDF, the ballot rules, the browser."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from html.parser import HTMLParser

import pytest

from handbook.errors import InputErrors
from handbook.model.editions import snapshot
from handbook.model.forms import FORMS_DIR, forms_for_step, get_form, load_forms
from handbook.render.forms import example_kwargs, form_document, render_form

EXPECTED = {
    "member-register",
    "member-ballot",
    "committee-ballot",
    "statistics",
    "problem-list-committee",
    "problem-list-member",
    "rectification-list",
    "rectification-pledge",
    "talk-record",
    "opinion-form",
    "opinion-summary",
    "meeting-minutes",
    "self-review-outline",
    "sign-in-committee",
    "sign-in-general",
    "sign-in-group",
}
FORMS = load_forms()
CASES = [(fid, i) for fid, f in sorted(FORMS.items()) for i in range(len(f.examples))]


@pytest.fixture(scope="module")
def ed():
    """Common data and the 2021 edition."""
    common, editions = snapshot()
    return common, editions[2021]


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


def test_every_form_validates():
    assert set(FORMS) == EXPECTED
    for f in FORMS.values():
        assert f.optional is True
        assert f.sources and f.steps and f.examples


@pytest.mark.parametrize(
    ("old", "new", "field", "needle"),
    [
        ("type: textarea", "type: essay", "fields[10].type", "Input should be"),
        ("name: gender", "name: name", "fields[3].name", "duplicate field name 'name'"),
        ("name: gender, label: 性别", "name: gender", "fields[3].label", "required field is missing"),
    ],
    ids=["unknown-type", "duplicate-name", "missing-label"],
)
def test_broken_form_names_file_field_line(tmp_path, old, new, field, needle):
    folder = tmp_path / "member-register"
    folder.mkdir()
    src = (FORMS_DIR / "member-register" / "form.yml").read_text(encoding="utf-8")
    broken = src.replace(old, new, 1)
    assert broken != src
    (folder / "form.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputErrors) as exc:
        load_forms(tmp_path)
    msg = str(exc.value)
    assert str(folder / "form.yml") in msg
    assert field in msg and needle in msg
    err = next(e for e in exc.value.errors if e.field == field)
    # The line is the one holding the edit.
    assert new in broken.splitlines()[err.line - 1]


def test_id_must_match_folder(tmp_path):
    folder = tmp_path / "other-name"
    shutil.copytree(FORMS_DIR / "talk-record", folder)
    with pytest.raises(InputErrors, match="must equal the folder name"):
        load_forms(tmp_path)


def test_unknown_form_id_lists_known_ids():
    with pytest.raises(KeyError) as exc:
        get_form("member-balot")
    assert "member-ballot" in str(exc.value) and "talk-record" in str(exc.value)


def test_forms_for_step():
    ids = [f.id for f in forms_for_step("evaluation")]
    assert {"member-ballot", "member-register", "committee-ballot"} <= set(ids)
    with pytest.raises(KeyError):
        forms_for_step("party")


@pytest.mark.parametrize("target", ["web", "pdf"])
@pytest.mark.parametrize(("form_id", "index"), CASES)
def test_every_field_name_once(ed, form_id, index, target):
    common, edition = ed
    form = FORMS[form_id]
    kw = example_kwargs(form, index)
    html = render_form(form, edition, common, target=target, **kw)
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
    assert edition.label in html and form.title in html


def test_ballot_with_members(ed):
    common, edition = ed
    form = get_form("member-ballot")
    members = [{"name": f"党员{i}"} for i in range(1, 9)] + [
        {"name": "党员九", "category": "预备党员"},
        {"name": "党员十", "probationary": True},
    ]
    html = render_form(form, edition, common, target="web", members=members)
    text = "".join(parse(html).text)
    for m in members:
        assert m["name"] in text
    # 8 graded members (the two 预备党员 are not counted): at most floor(8/3) = 2 优秀.
    assert "参加等次评定的党员共8人" in text and "最多2人" in text
    assert text.count("不评定等次") == 3  # two rows plus the instruction line
    names = {n for _, _, n in parse(html).inputs}
    assert "r08_grade" in names and "r09_grade" not in names and "r10_grade" not in names
    assert "r01_name" not in names  # names are printed, not asked for


def test_blank_ballot_leaves_the_number_open(ed):
    common, edition = ed
    form = get_form("member-ballot")
    html = render_form(form, edition, common, target="pdf")
    assert "＿＿" in html and "三分之一" in html
    names = {n for _, _, n in parse(html).inputs}
    assert {f"r{i:02d}_name" for i in range(1, form.field("grade").rows + 1)} <= names


def test_names_are_printed_literally(ed):
    common, edition = ed
    evil = "<b>x</b>{{ 1+1 }}"
    html = render_form(
        get_form("member-ballot"),
        edition,
        common,
        target="pdf",
        members=[{"name": evil}],
        unit={"branch": evil},
    )
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;{{ 1+1 }}" in html
    reg = render_form(get_form("member-register"), edition, common, target="web", values={"name": evil})
    assert "<b>x</b>" not in reg and "{{ 1+1 }}" in reg


def test_edition_facts_fill_the_header(ed):
    common, edition = ed
    html = render_form(get_form("self-review-outline"), edition, common, target="pdf")
    assert edition.theme_short in html and edition.title in html
    assert "、".join(edition.focus.member_areas) in html


def test_form_document_is_a_whole_page(ed):
    common, edition = ed
    form = get_form("member-register")
    doc = form_document(form, edition, common, **example_kwargs(form, 1))
    assert doc.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in doc and '<meta charset="utf-8">' in doc
    assert "@page" in doc and "Noto Serif CJK SC" in doc
    assert 'class="zf zf-pdf' in doc and 'class="zf-toolbar"' not in doc


@pytest.mark.slow
def test_register_prints_on_one_page(ed):
    from weasyprint import HTML

    common, edition = ed
    form = get_form("member-register")
    pdf = HTML(string=form_document(form, edition, common, **example_kwargs(form, 1))).render()
    assert len(pdf.pages) == 1


# Browser: fill, reload, export, clear, import, print.


@pytest.fixture(scope="module")
def forms_site(site_cache, serve, latest_year):
    """The newest edition's site, served on 127.0.0.1."""
    return serve(site_cache(latest_year))


def _fill_ballot(page):
    page.fill("#zf-member-ballot-branch", "第一党支部")
    page.fill("#zf-member-ballot-r01_name", "党员甲")
    page.check("#zf-member-ballot-r01_grade-excellent")
    page.fill("#zf-member-ballot-r02_name", "党员乙")
    page.check("#zf-member-ballot-r02_grade-qualified")
    page.fill("#zf-member-ballot-r02_note", "书面参加")


def _assert_ballot(page):
    assert page.input_value("#zf-member-ballot-branch") == "第一党支部"
    assert page.input_value("#zf-member-ballot-r01_name") == "党员甲"
    assert page.is_checked("#zf-member-ballot-r01_grade-excellent")
    assert page.is_checked("#zf-member-ballot-r02_grade-qualified")
    assert page.input_value("#zf-member-ballot-r02_note") == "书面参加"


@pytest.mark.browser
def test_values_survive_reload(page, forms_site, shots):
    page.goto(f"{forms_site}/forms/member-ballot.html")
    _fill_ballot(page)
    page.reload()
    _assert_ballot(page)
    page.locator(".zf").screenshot(path=str(shots / "form-member-ballot.png"))

    page.goto(f"{forms_site}/forms/member-register.html")
    page.fill("#zf-member-register-name", "党员甲")
    page.fill("#zf-member-register-birth_y", "1985")
    page.fill("#zf-member-register-birth_m", "6")
    page.fill("#zf-member-register-self_review", "学习不够系统。\n今后按月制定学习计划。")
    page.check("#zf-member-register-self_grade-qualified")
    # Keyboard: the label focuses its input, Tab moves on to the next field.
    page.click("label[for=zf-member-register-gender]")
    page.keyboard.type("F")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "ethnicity"
    page.reload()
    assert page.input_value("#zf-member-register-name") == "党员甲"
    assert page.input_value("#zf-member-register-gender") == "F"
    assert page.input_value("#zf-member-register-self_review").startswith("学习不够系统。")
    assert page.is_checked("#zf-member-register-self_grade-qualified")
    page.locator(".zf").screenshot(path=str(shots / "form-member-register.png"))
    stored = page.evaluate("Object.keys(localStorage)")
    assert any(k.endswith(":form:member-register") and k.startswith("zzshh:") for k in stored)
    assert page.requests.outside() == []


@pytest.mark.browser
def test_export_clear_import(page, forms_site, tmp_path):
    page.goto(f"{forms_site}/forms/member-ballot.html")
    _fill_ballot(page)
    with page.expect_download() as dl:
        page.click(".zf-export")
    saved = tmp_path / "ballot.json"
    dl.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["form"] == "member-ballot" and data["values"]["r01_grade"] == "excellent"

    page.once("dialog", lambda d: d.accept())
    page.click(".zf-clear")
    assert page.input_value("#zf-member-ballot-r01_name") == ""
    assert not page.is_checked("#zf-member-ballot-r01_grade-excellent")
    page.reload()
    assert page.input_value("#zf-member-ballot-r01_name") == ""

    page.set_input_files(".zf-import", str(saved))
    page.wait_for_function("document.querySelector('#zf-member-ballot-r01_name').value === '党员甲'")
    _assert_ballot(page)
    page.reload()
    _assert_ballot(page)
    assert page.requests.outside() == []


@pytest.mark.browser
def test_print_shows_only_the_form(page, forms_site, shots):
    page.goto(f"{forms_site}/forms/member-register.html")
    page.emulate_media(media="print")
    for sel in (
        ".md-header",
        ".md-sidebar--primary",
        ".md-footer",
        ".zf-toolbar",
        ".zf-notice",
        "article h1",
    ):
        assert not page.locator(sel).first.is_visible(), sel
    assert page.locator(".zf-form").is_visible()
    page.screenshot(path=str(shots / "form-member-register-print.png"), full_page=True)
    assert page.requests.outside() == []
