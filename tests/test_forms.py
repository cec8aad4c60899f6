"""Forms kit: form.yml validation, one renderer for web and PDF, the ballot rules, the browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
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
    pdf = HTML(string=form_document(form, edition, common, values={"self_review": LONG_REVIEW})).render()
    assert len(pdf.pages) == 1
    path = tmp_path / "register.pdf"
    pdf.write_pdf(path)
    assert LONG_REVIEW in _pdf_text(path)


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


def _import(page, tmp_path, name: str, content: str) -> str:
    """Import a file through the form's import control; the status line afterwards."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.evaluate("document.querySelector('.zf-status').textContent = ''")
    page.set_input_files(".zf-import", str(path))
    page.wait_for_function("document.querySelector('.zf-status').textContent !== ''")
    return page.locator(".zf-status").inner_text()


@pytest.mark.browser
@pytest.mark.parametrize(
    "content",
    [
        "[1,2,3]",
        '{"year": 2025, "values": {"r01_name": "某某"}}',
        '{"form": "member-register", "year": 2025, "values": {"name": "某某"}}',
        '{"form": "member-ballot", "year": 2025, "values": [1, 2]}',
        "not json",
    ],
    ids=["array", "no-form-key", "other-form", "values-not-object", "not-json"],
)
def test_import_refuses_what_is_not_this_form(page, forms_site, tmp_path, content):
    """A file that is not this form's export is refused in Chinese and the filled form stays as it was."""
    page.goto(f"{forms_site}/forms/member-ballot.html")
    _fill_ballot(page)
    page.on("dialog", lambda d: pytest.fail(f"unexpected dialog: {d.message}"))
    status = _import(page, tmp_path, "bad.json", content)
    assert status.startswith("导入失败") and "未作改动" in status, status
    _assert_ballot(page)
    page.reload()
    _assert_ballot(page)


@pytest.mark.browser
def test_import_asks_before_replacing_and_names_the_year(page, forms_site, tmp_path):
    """Importing over filled values asks first; a file of another year comes in with a warning naming it."""
    old = json.dumps({"form": "member-ballot", "year": 2020, "values": {"r01_name": "党员丙"}})
    page.goto(f"{forms_site}/forms/member-ballot.html")
    _fill_ballot(page)

    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    status = _import(page, tmp_path, "old.json", old)
    assert asked and "替换" in asked[0]
    assert "取消" in status
    _assert_ballot(page)

    page.once("dialog", lambda d: d.accept())
    status = _import(page, tmp_path, "old.json", old)
    assert "2020年度" in status and "注意" in status, status
    assert page.input_value("#zf-member-ballot-r01_name") == "党员丙"
    assert page.input_value("#zf-member-ballot-r02_note") == ""

    # An empty form takes a file of its own year without a question.
    page.once("dialog", lambda d: d.accept())
    page.click(".zf-clear")
    page.on("dialog", lambda d: pytest.fail(f"unexpected dialog: {d.message}"))
    year = int(page.locator(".zf").get_attribute("data-year"))
    same = json.dumps({"form": "member-ballot", "year": year, "values": {"r01_name": "党员丁"}})
    status = _import(page, tmp_path, "same.json", same)
    assert f"{year}年度" in status and "注意" not in status, status
    assert page.input_value("#zf-member-ballot-r01_name") == "党员丁"


@pytest.mark.browser
def test_browser_print_keeps_long_text(page, forms_site, tmp_path, shots):
    """Printing the register from the page puts the whole 400-character 个人自评 on paper."""
    page.goto(f"{forms_site}/forms/member-register.html")
    page.fill("#zf-member-register-name", "欧阳明月")
    page.fill("#zf-member-register-self_review", LONG_REVIEW)
    page.emulate_media(media="print")
    path = tmp_path / "register-print.pdf"
    page.pdf(path=str(path), format="A4")
    assert LONG_REVIEW in _pdf_text(path)
    assert "欧阳明月" in _pdf_text(path)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(shots / "register-print")], check=True)


PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser):
    """A 360 x 640 touch screen, the narrowest phone the forms are made for."""
    ctx = browser.new_context(**PHONE)
    yield ctx.new_page()
    ctx.close()


@pytest.mark.browser
def test_ballot_and_register_work_on_a_phone(phone, forms_site, shots):
    """At 360 px every ballot choice and 备注 is on screen, a tap on the cell selects, names show whole."""
    phone.goto(f"{forms_site}/forms/member-ballot.html")
    width = phone.evaluate("document.documentElement.clientWidth")
    hits = phone.locator(".zf-ballot .zf-hit")
    assert hits.count() >= 60
    for box in (hits.nth(i).bounding_box() for i in range(8)):
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    phone.fill("#zf-member-ballot-r01_name", "欧阳明月")
    # Tap on the words, away from the circle: the cell is the label.
    first = phone.locator(".zf-ballot tbody tr").first
    first.locator(".zf-hit[data-text=不合格]").tap(position={"x": 60, "y": 20})
    assert phone.is_checked("#zf-member-ballot-r01_grade-unqualified")
    note = phone.locator("#zf-member-ballot-r01_note")
    note.fill("书面参加")
    box = note.bounding_box()
    assert box["width"] >= 150 and box["x"] + box["width"] <= width, box
    phone.locator("form.zf-form").screenshot(path=str(shots / "phone-ballot.png"))

    phone.goto(f"{forms_site}/forms/member-register.html")
    for field, value in (("name", "欧阳明月"), ("gender", "女"), ("ethnicity", "维吾尔族")):
        sel = f"#zf-member-register-{field}"
        phone.fill(sel, value)
        # The whole value is visible: nothing scrolled out of the input.
        assert phone.eval_on_selector(sel, "el => el.scrollWidth <= el.clientWidth"), field
    phone.fill("#zf-member-register-self_review", LONG_REVIEW[:120])
    phone.locator("label.zf-choice", has_text="基本合格").first.tap()
    assert phone.is_checked("#zf-member-register-self_grade-basic")
    phone.locator("form.zf-form").screenshot(path=str(shots / "phone-register.png"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
