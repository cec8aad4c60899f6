"""The built handbook as a reader meets it: search, checklist ticks, no outside requests, print, scripts."""

from __future__ import annotations

import html
import re

import pytest

from handbook.model.editions import edition_paths, load_all

# Every test here reads a built site (slow); the browser ones also carry `browser`.
pytestmark = pytest.mark.slow

SCRIPTS = ("committee", "general", "group")
CHECKLIST = "checklists/before.html"
# The sentence a host reads to open a meeting; blanks are filled in by hand.
ATTENDANCE = re.compile(r"应到(委员)?＿+人，实到＿+人，缺席＿+人（原因[^）]*）")
# The voting base (正式党员 minus 留党察看) is counted; the 测评 is no 表决, so no quorum is declared for it.
QUORUM = re.compile(r"其中有表决权的党员应到＿+人，实到＿+人")
ZWSP = "\u200b"
ORDINALS = "一二三四五六七八九十"


def _years() -> list[int]:
    """Every edition year, from the file names only (cheap at collection time)."""
    return [int(p.stem) for p in edition_paths()]


def _text(page_html: str) -> str:
    """The article text of a built page, tags stripped and entities decoded."""
    start, end = page_html.find("<article"), page_html.find("</article>")
    body = page_html[start:end] if start != -1 else page_html
    return html.unescape(re.sub(r"<[^>]+>", "", body)).replace(ZWSP, "")


def _tick(page, index: int) -> None:
    """Click a checklist box where a person clicks: Material draws it as a pseudo-element left of the item."""
    indicator = page.locator(".task-list-item .task-list-indicator").nth(index)
    indicator.scroll_into_view_if_needed()
    box = indicator.bounding_box()
    page.mouse.click(box["x"] - 14, box["y"] + 12)


@pytest.fixture(scope="module")
def site(site_cache, latest_year):
    """The newest edition, built once."""
    return site_cache(latest_year)


@pytest.fixture(scope="module")
def base(site, serve):
    """The newest edition served on 127.0.0.1."""
    return serve(site)


@pytest.mark.slow
@pytest.mark.parametrize("year", _years())
def test_scripts_cite_this_editions_notice_and_theme(site_cache, year):
    """Each meeting script names this edition's notice and theme and has the attendance sentence."""
    edition = load_all()[year]
    site = site_cache(year)
    for name in SCRIPTS:
        text = _text((site / "scripts" / f"{name}.html").read_text(encoding="utf-8"))
        assert edition.notice.spoken in text, f"{year} {name}: notice citation missing"
        assert edition.theme_short in text, f"{year} {name}: theme_short missing"
        assert f"{edition.label}{edition.meeting_name}" in text, f"{year} {name}: meeting name"
        assert ATTENDANCE.search(text), f"{year} {name}: attendance sentence missing"
        assert "会议有效" not in text and "尚未掌握" not in text, f"{year} {name}: quorum words or a note"
        if name == "general":
            assert QUORUM.search(text), f"{year} {name}: voting count missing"
            assert "已达到半数以上" not in text and "本次会议可以进行表决" not in text, f"{year} {name}"
        # The "not verified" warning shows once on the first screen: the top banner, no second box.
        page = html.unescape(re.sub(r"<[^>]+>", "", (site / "scripts" / f"{name}.html").read_text("utf-8")))
        assert page.count("尚未全部核实") == (0 if edition.overall == "confirmed" else 1), f"{year} {name}"
        count = re.search(r"今天会议共(\d+)项议程", text)
        assert count, f"{year} {name}: agenda count missing"
        announced = re.findall(r"下面进行第(.)项议程", text)
        assert announced == list(ORDINALS[: int(count.group(1))]), f"{year} {name}: items {announced}"
        assert "{{" not in text and "{%" not in text, f"{year} {name}: unrendered macro"


@pytest.mark.slow
def test_general_meeting_reads_the_ballot_rules(site):
    """The 党员大会 script reads the ballot rules aloud: grades, cap, probationary members, tellers."""
    text = _text((site / "scripts" / "general.html").read_text(encoding="utf-8"))
    words = ["优秀", "合格", "基本合格", "不合格", "三分之一", "预备党员", "不评定等次", "监票人", "计票人"]
    words += ["“好”", "“较好”", "“一般”", "“差”", "不记名"]
    for word in words:
        assert word in text, word


@pytest.mark.browser
def test_search_finds_partial_chinese_words(page, base, shots):
    """Typing 评议 finds pages about 民主评议 (long words are indexed by their dictionary parts)."""
    page.goto(f"{base}/index.html")
    box = page.locator("input.md-search__input")
    box.click()
    # Playwright typing Chinese fires no keyup; End triggers Material's search.
    box.press_sequentially("评议")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    titles = [t.replace(ZWSP, "") for t in page.locator(".md-search-result__item h1").all_inner_texts()]
    page.screenshot(path=str(shots / "search-pingyi.png"))
    assert titles, "no search results"
    assert any("民主评议" in t for t in titles), titles
    assert page.requests.outside() == []


@pytest.mark.browser
def test_search_results_contain_the_word(page, base):
    """Every result for 谈话 contains 谈话 itself, not just one of its characters (precise, not noisy)."""
    page.goto(f"{base}/index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("谈话")
    box.press("End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    items = page.locator(".md-search-result__item").all_inner_texts()
    assert items
    assert all("谈话" in t.replace(ZWSP, "") for t in items), [t[:40] for t in items if "谈话" not in t]


@pytest.mark.browser
def test_search_marks_the_query_not_its_characters(page, base):
    """预备党员 is marked whole (or by its two-character parts), never as the single character 党."""
    page.goto(f"{base}/index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("预备党员")
    box.press("End")
    page.wait_for_selector(".md-search-result__item mark", timeout=15_000)
    marks = [t.replace(ZWSP, "") for t in page.locator(".md-search-result__item mark").all_text_contents()]
    assert "预备党员" in marks
    assert all(len(m) >= 2 for m in marks), sorted(set(marks))
    snippets = "".join(page.locator(".md-search-result__item").all_inner_texts())
    assert not re.search(r"S00\dS00\d", snippets)


@pytest.mark.browser
def test_checklist_ticks_survive_reload_and_clear(page, base, shots):
    """A ticked item stays ticked after a reload; the clear button unticks everything for good."""
    page.goto(f"{base}/{CHECKLIST}")
    page.wait_for_selector(".checklist-toolbar")
    boxes = page.locator(".task-list-item input[type=checkbox]")
    assert boxes.count() > 10
    _tick(page, 2)
    assert boxes.nth(2).is_checked()
    page.screenshot(path=str(shots / "checklist-ticked.png"), full_page=True)

    page.reload()
    page.wait_for_selector(".checklist-toolbar")
    assert boxes.nth(2).is_checked(), "tick lost on reload"
    assert not boxes.nth(0).is_checked()
    stored = page.evaluate("Object.keys(localStorage)")
    assert any(":checklists/before.md" in k and re.search(r":\d{4}:", k) for k in stored), stored

    page.get_by_role("button", name="清除勾选").click()
    assert not boxes.nth(2).is_checked()
    page.reload()
    page.wait_for_selector(".checklist-toolbar")
    assert not boxes.nth(2).is_checked(), "clear did not persist"
    assert page.requests.outside() == []


@pytest.mark.browser
def test_checklist_ticks_work_from_file_urls(page, site):
    """The offline copy opened from disk keeps ticks too (no server, no fetch)."""
    url = (site / CHECKLIST).as_uri()
    page.goto(url)
    page.wait_for_selector(".checklist-toolbar")
    _tick(page, 0)
    page.reload()
    page.wait_for_selector(".checklist-toolbar")
    assert page.locator(".task-list-item input[type=checkbox]").first.is_checked()
    assert page.requests.outside() == []


@pytest.mark.browser
def test_pages_request_nothing_outside(page, base, shots):
    """Scripts and checklists load only from 127.0.0.1; screenshots kept for a person to look at."""
    for path in [f"scripts/{n}.html" for n in SCRIPTS] + [
        "checklists/before.html",
        "checklists/during.html",
        "checklists/after.html",
    ]:
        page.goto(f"{base}/{path}")
        page.wait_for_load_state("networkidle")
        if path == "scripts/general.html":
            page.screenshot(path=str(shots / "script-general.png"), full_page=True)
    assert page.requests.outside() == [], page.requests.outside()


@pytest.mark.browser
def test_print_hides_navigation(page, base, shots):
    """In print media the sidebars, header and buttons are hidden; a PDF is saved for a look."""
    page.goto(f"{base}/{CHECKLIST}")
    page.wait_for_selector(".checklist-toolbar")
    assert page.locator(".md-sidebar--primary").is_visible()
    page.emulate_media(media="print")
    hidden = (
        ".md-sidebar--primary",
        ".md-sidebar--secondary",
        ".md-header",
        ".checklist-toolbar",
        ".md-footer",
    )
    for sel in hidden:
        assert page.locator(sel).first.is_hidden(), f"{sel} visible in print"
    page.screenshot(path=str(shots / "checklist-print.png"), full_page=True)
    page.pdf(path=str(shots / "checklist-print.pdf"), format="A4")
    assert (shots / "checklist-print.pdf").stat().st_size > 1000
    assert page.requests.outside() == []


def _search(page, query: str) -> list[str]:
    """Put a query in the search box as a paste does (an input event, no key); the result titles."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.fill(query)
    page.wait_for_function(
        "q => document.querySelector('.md-search-result__item') && "
        "document.querySelector('input.md-search__input').value === q",
        arg=query,
        timeout=15_000,
    )
    # The list is redrawn as results arrive; wait until it stops changing.
    page.wait_for_timeout(300)
    return [t.replace(ZWSP, "") for t in page.locator(".md-search-result__item h1").all_inner_texts()]


# The page a reader wants first: the whole word in a title or heading beats pages holding only its parts.
FIRST_RESULT = {
    "预备党员": "评议规则",
    "流动党员": "评议规则",
    "评议": "第五步 民主评议党员",
    "谈心谈话": "第二步 征求意见和谈心谈话",
    "不合格": "评议规则",
}


@pytest.mark.browser
def test_search_ranks_the_whole_word_first(page, base, shots):
    """Each query's first result is the page about it, not one that holds only a part (资料来源 for 预备)."""
    page.goto(f"{base}/index.html")
    firsts = {q: _search(page, q)[0] for q in FIRST_RESULT}
    page.screenshot(path=str(shots / "search-ranked.png"))
    assert firsts == FIRST_RESULT
    titles = _search(page, "评议")
    assert titles.index("评议规则") < 3, titles
    # Each of the first pages shows a passage holding the whole word, not one flagged "缺少：预备".
    _search(page, "预备党员")
    shown = [t.replace(ZWSP, "") for t in page.locator(".md-search-result__item").all_inner_texts()[:3]]
    assert all("预备党员" in t.split("\n", 1)[1] and "缺少" not in t for t in shown), shown
    assert page.requests.outside() == []


@pytest.mark.browser
def test_search_reacts_to_pasted_text_offline(page, site):
    """Pasted or dictated text searches at once, also in the offline copy opened from disk."""
    page.goto((site / "index.html").as_uri())
    titles = _search(page, "预备党员")
    assert titles[0] == "评议规则", titles
    assert page.requests.outside() == []


# Anything reaching past the right edge of a 360 px screen, unless it sits in a box that scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === "auto" || o === "scroll") && p.clientWidth <= width) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(".md-content *")) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !scrolls(el)) out.push(el.tagName + "." + el.className);
  }
  return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""


@pytest.mark.browser
def test_no_page_is_wider_than_a_phone(browser, site, base):
    """On a 360 px phone every page of the edition fits the screen; wide tables scroll in their own box."""
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 30
    wide = {}
    for path in pages:
        phone.goto(f"{base}/{path}")
        m = phone.evaluate(OVERFLOW)
        if m["scroll"] > m["width"] or m["out"]:
            wide[path] = m
    ctx.close()
    assert wide == {}
