"""Every edition in one site: layout, versions.json, atomic rebuilds, the year menu and the offline zip."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from handbook.errors import InputError
from handbook.model.changes import diff_editions, previous_edition
from handbook.model.editions import Sourced, load_all, load_common
from handbook.render.changes import changes_markdown
from macros.site import build_all, build_one, pack_offline, site_years

# Every test here reads the built multi-edition site (slow); the browser ones also carry `browser`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """Every edition built into <tmp>/site/<年度>/ with latest/, versions.json and index.html."""
    root = tmp_path_factory.mktemp("multi") / "site"
    # PDFs for the newest edition only: rendering every year's PDFs on a cold .cache/pdf takes minutes,
    # and one year is enough to check that the zip's PDF links open.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_PDF", "0")
        build_all(root)
    build_one(max(site_years(root)), root)
    return root


@pytest.fixture(scope="module")
def years(multi):
    """The years built, newest first."""
    return sorted(site_years(multi), reverse=True)


@pytest.fixture(scope="module")
def unpacked(multi, tmp_path_factory):
    """The offline zip unpacked into a new folder, as a reader would; returns the folder with index.html."""
    z = pack_offline(multi, tmp_path_factory.mktemp("dist") / "zzshh-handbook-test.zip")
    dest = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(z) as zf:
        zf.extractall(dest)
    return dest / "zzshh-handbook-test"


def _pair(years):
    """A year and an older one to switch to (prefer 2021 -> 2020, as in the handbook's own examples)."""
    if 2021 in years and 2020 in years:
        return 2021, 2020
    return years[0], years[1]


def test_layout_and_versions_json(multi, years):
    editions = load_all()
    assert years == sorted(editions, reverse=True)
    for y in years:
        assert (multi / str(y) / "index.html").is_file()
        assert (multi / str(y) / "changes.html").is_file()
    latest = (multi / "latest" / "index.html").read_bytes()
    assert latest == (multi / str(years[0]) / "index.html").read_bytes()
    assert 'url=latest/index.html' in (multi / "index.html").read_text(encoding="utf-8")
    versions = json.loads((multi / "versions.json").read_text(encoding="utf-8"))
    assert [v["version"] for v in versions] == [str(y) for y in years]
    assert versions[0] == {"version": str(years[0]), "title": f"{years[0]}年度", "aliases": ["latest"]}
    assert all(v["aliases"] == [] for v in versions[1:])
    oldest = (multi / str(years[-1]) / "changes.html").read_text(encoding="utf-8")
    assert "没有上一年度" in oldest
    newest = (multi / str(years[0]) / "changes.html").read_text(encoding="utf-8")
    assert f"{years[1]}年度" in newest and 'class="src"' in newest


def test_failed_build_leaves_site_untouched(multi, years):
    before = sorted(p.relative_to(multi).as_posix() for p in multi.rglob("*"))
    with pytest.MonkeyPatch.context() as mp, pytest.raises(InputError, match="没有1999年度的资料"):
        mp.setenv("HANDBOOK_PDF", "0")
        build_all(multi, years=[years[-1], 1999])  # built newest first: the oldest builds, then 1999 fails
    assert sorted(p.relative_to(multi).as_posix() for p in multi.rglob("*")) == before
    assert [p.name for p in multi.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.browser
def test_http_year_menu_keeps_the_page(multi, years, serve, page):
    cur, older = _pair(years)
    base = serve(multi)
    page.goto(f"{base}/{cur}/rules.html")
    menu = page.locator(".md-version").first
    menu.wait_for()
    page.wait_for_function("document.querySelectorAll('.md-version__link').length > 0")
    labels = menu.locator(".md-version__link").all_inner_texts()
    assert [t.strip() for t in labels] == [f"{y}年度" for y in years]
    assert page.locator("[data-hb-years]").is_hidden()  # the file:// menu stays out of the way on http
    menu.hover()
    menu.get_by_text(f"{older}年度", exact=True).click()
    page.wait_for_url(f"{base}/{older}/rules.html")
    assert page.requests.outside() == []


@pytest.mark.browser
def test_offline_navigation_and_year_switch(unpacked, years, page, shots):
    cur, older = _pair(years)
    page.goto((unpacked / "index.html").as_uri())
    page.wait_for_url(f"**/{years[0]}/index.html")
    page.locator(".md-nav__link", has_text="评议规则").first.click()
    page.wait_for_url(f"**/{years[0]}/rules.html")
    assert page.locator("h1").first.inner_text().strip()
    page.goto((unpacked / str(cur) / "rules.html").as_uri())
    menu = page.locator("[data-hb-years]")
    assert menu.is_visible()
    assert [t.strip() for t in menu.locator(".md-version__link").all_inner_texts()] == [
        f"{y}年度" for y in years
    ]
    menu.hover()
    page.wait_for_timeout(400)  # material's menu fades in
    page.screenshot(path=str(shots / "offline-year-menu.png"))
    menu.get_by_text(f"{older}年度", exact=True).click()
    page.wait_for_url(f"**/{older}/rules.html")
    page.goto((unpacked / str(cur) / "changes.html").as_uri())
    page.screenshot(path=str(shots / "offline-changes.png"), full_page=True)
    assert page.requests.outside() == []


@pytest.mark.browser
def test_offline_search_finds_partial_words(unpacked, years, page, shots):
    page.goto((unpacked / str(years[0]) / "index.html").as_uri())
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("评议")
    box.press("End")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    # Index text carries invisible zero-width spaces between words; a reader sees 民主评议.
    assert "民主评议" in page.locator(".md-search-result").inner_text().replace("\u200b", "")
    page.screenshot(path=str(shots / "offline-search.png"))
    assert page.requests.outside() == []


@pytest.mark.browser
def test_offline_values_survive_a_reload(unpacked, years, page):
    site = unpacked / str(years[0])
    # The forms kit marks its forms with data-form-id; the search box is a form too, so scope to the kit.
    field = "[data-form-id] #zf-member-register-self_review"
    page.goto((site / "forms" / "member-register.html").as_uri())
    page.locator(field).fill("测试保存的内容")
    page.reload()
    assert page.locator(field).input_value() == "测试保存的内容"
    page.goto((site / "checklists" / "before.html").as_uri())
    box_css = ".task-list-item input[type=checkbox]"
    page.locator(box_css).first.check(force=True)
    page.reload()
    assert page.locator(box_css).first.is_checked()
    assert page.requests.outside() == []


@pytest.mark.browser
def test_offline_pdf_links_open(unpacked, years, page):
    site = unpacked / str(years[0])
    page.goto((site / "forms" / "member-ballot.html").as_uri())
    href = page.locator("a[href$='.pdf']").first.evaluate("a => a.href")
    target = Path(unquote(href.removeprefix("file://")))
    assert target.is_relative_to(unpacked), href  # inside the unzipped folder, not the build folder
    assert target.is_file() and target.read_bytes()[:5] == b"%PDF-"
    assert page.requests.outside() == []
