"""Form pages in the browser: values survive a reload, export and import, print shows only the form."""

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

pytestmark = [pytest.mark.slow, pytest.mark.browser]


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
