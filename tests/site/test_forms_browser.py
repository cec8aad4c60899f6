"""Form pages in the browser: values survive a reload, export and import, print shows only the form."""

from __future__ import annotations

import json
import subprocess
import re
import shutil
from collections import Counter
from html.parser import HTMLParser

import pytest

from handbook.errors import InputErrors
from handbook.model.editions import snapshot
from handbook.model.forms import FORMS_DIR, forms_for_step, get_form, load_forms
from handbook.render.forms import example_kwargs, form_document, render_form

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# A 个人自评 longer than the lines the form gives it (as in tests/render/test_forms.py).
LONG_REVIEW = "".join(f"第{i:02d}条学习不够系统联系服务群众不够主动今后改进。" for i in range(1, 21))[:400]


def _pdf_text(path) -> str:
    """The PDF's text without spaces or line breaks, less the 个人自评 label printed beside the text."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out).replace("个人自评", "")


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
