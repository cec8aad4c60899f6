"""Every edition in one site: layout, year menu over http, the offline zip from file://, and 本年度变化."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from handbook.model.changes import diff_editions, previous_edition
from handbook.model.editions import Sourced, load_all, load_common
from handbook.render.changes import changes_markdown
from macros.site import build_all, build_one, pack_offline, site_years

# ---------------------------------------------------------------------------------------------------------
# 本年度变化: a pure function over two editions


@pytest.fixture(scope="module")
def eds():
    """All editions and the common data."""
    return load_all(), load_common()


def _next(ed, **update):
    return ed.model_copy(update={"year": ed.year + 1, **update})


def test_diff_identical_editions_has_no_change(eds):
    editions, common = eds
    base = editions[max(editions)]
    sections = diff_editions(base, _next(base), common)
    assert sections and not any(s.changed for s in sections)


def test_diff_oldest_edition_has_no_previous(eds):
    editions, _ = eds
    oldest = min(editions)
    assert previous_edition(editions, oldest) is None
    assert diff_editions(None, editions[oldest]) == []
    assert "没有上一年度" in changes_markdown(None, editions[oldest], [], lambda *a: "")


def test_diff_finds_each_kind_of_change(eds):
    editions, common = eds
    # A year with dates, so its schedule is compared field by field.
    base = next(e for y, e in sorted(editions.items(), reverse=True) if e.schedule.finish)
    rule_id = next(r.id for r in common.rules if r.id not in base.rule_overrides)
    new_item = Sourced(text="新增的学习材料", sources=["W"])
    cur = _next(
        base,
        theme=Sourced(text="新的主题", sources=["W"]),
        study=[*base.study[1:], new_item],
        focus=base.focus.model_copy(update={"member_areas": [*base.focus.member_areas[1:], "新方面"]}),
        schedule=base.schedule.model_copy(update={"window": "另一个时间段"}),
        rule_overrides={rule_id: Sourced(text="本年度另有规定", sources=["W"])},
    )
    by_key = {s.key: s for s in diff_editions(base, cur, common)}
    assert by_key["theme"].changes[0].kind == "changed"
    assert by_key["theme"].changes[0].old == base.theme.text
    study = {(c.kind, c.text) for c in by_key["study"].changes}
    assert ("added", "新增的学习材料") in study and ("removed", base.study[0].text) in study
    assert ("added", "新方面") in {(c.kind, c.text) for c in by_key["areas"].changes}
    assert ("removed", base.focus.member_areas[0]) in {(c.kind, c.text) for c in by_key["areas"].changes}
    window = next(c for c in by_key["schedule"].changes if c.label == "时间安排")
    assert (window.kind, window.text, window.old) == ("changed", "另一个时间段", base.schedule.window)
    rule = by_key["rules"].changes[0]
    assert rule.kind == "added" and rule.label == common.rule(rule_id).title and rule.sources == ("W",)
    assert not by_key["notice"].changed and not by_key["committee"].changed
    md = changes_markdown(base, cur, list(by_key.values()), lambda *ids: f"[{','.join(ids)}]")
    assert "新的主题[W]" in md and f"<del>{base.study[0].text}</del>" in md


def test_a_fact_unknown_in_both_years_is_not_reported_as_unchanged(eds):
    editions, common = eds
    base = next(e for e in editions.values() if not e.notice.title and not e.schedule.finish)
    cur = _next(base)
    by_key = {s.key: s for s in diff_editions(base, cur, common)}
    assert by_key["notice"].unknown and by_key["schedule"].unknown
    assert not by_key["notice"].changed
    md = changes_markdown(base, cur, list(by_key.values()), lambda *ids: "")
    assert "| [通知](#chg-notice) | 均未掌握 |" in md and "| [时间安排](#chg-schedule) | 均未掌握 |" in md
    notice_part = md.split("{#chg-notice}")[1].split("##")[0]
    assert "两个年度均未掌握" in notice_part and "与上一年度相同" not in notice_part


# ---------------------------------------------------------------------------------------------------------
# The multi-edition site, built once for this module


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
    with pytest.MonkeyPatch.context() as mp, pytest.raises((SystemExit, Exception)):
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
    checked = 0
    # The forms kit marks its forms with data-form-id; the search box is a form too, so scope to the kit.
    field_css = "[data-form-id] textarea"
    forms = sorted((site / "forms").glob("*.html")) if (site / "forms").is_dir() else []
    target = next((f for f in forms if "data-form-id" in f.read_text(encoding="utf-8")
                   and "<textarea" in f.read_text(encoding="utf-8")), None)
    if target is not None:
        page.goto(target.as_uri())
        page.locator(field_css).first.fill("测试保存的内容")
        page.reload()
        assert page.locator(field_css).first.input_value() == "测试保存的内容"
        checked += 1
    checklist = site / "checklists" / "before.html"
    has_js = (site / "assets" / "handbook.js").is_file()
    if has_js and 'type="checkbox"' in checklist.read_text(encoding="utf-8"):
        page.goto(checklist.as_uri())
        box_css = ".task-list-item input[type=checkbox]"
        page.locator(box_css).first.check(force=True)
        page.reload()
        assert page.locator(box_css).first.is_checked()
        checked += 1
    if not checked:
        pytest.skip("neither the forms kit nor stored checklist ticks are in this build yet")
    assert page.requests.outside() == []


@pytest.mark.browser
def test_offline_pdf_links_open(unpacked, years, page):
    site = unpacked / str(years[0])
    pdfs = sorted(site.rglob("*.pdf"))
    if not pdfs:
        pytest.skip("this build has no PDFs yet")
    for html in sorted(site.rglob("*.html")):
        if ".pdf" in html.read_text(encoding="utf-8"):
            break
    page.goto(html.as_uri())
    href = page.locator("a[href$='.pdf']").first.evaluate("a => a.href")
    target = Path(unquote(href.removeprefix("file://")))
    assert target.is_relative_to(unpacked), href  # inside the unzipped folder, not the build folder
    assert target.is_file() and target.read_bytes()[:5] == b"%PDF-"
    assert page.requests.outside() == []
