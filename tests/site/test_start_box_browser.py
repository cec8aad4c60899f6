"""The home box 本年度从这里开始 reads the browser's date (file://, fixed clock); the banner once a visit."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """The 2025 and 2026 editions side by side, as `make site` lays them out (pages only: no PDFs)."""
    from macros.site import build_edition

    root = tmp_path_factory.mktemp("years")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_PDF", "0")
        for year in (2025, 2026):
            build_edition(year, root / str(year))
    return root


def _open(page, url: str, when: str, width: int = 1280):
    page.set_viewport_size({"width": width, "height": 800})
    page.clock.set_fixed_time(when)
    page.goto(url)
    return page.locator("#hb-start")


def test_in_the_window_the_box_says_so_and_what_to_do(page, two_years, shots):
    box = _open(page, (two_years / "2026" / "index.html").as_uri(), "2026-12-02T09:00:00")
    text = box.inner_text()
    assert "这是 2026年度 的手册" in text and "上级通知尚未下发" in text
    assert "今天是2026年12月2日，正是2026年度" in text
    assert box.locator("ol > li").count() == 3 and "新年度怎样开始" in text
    assert box.get_attribute("data-state") == "current"
    page.screenshot(path=str(shots / "start-2026-1280.png"))
    assert page.requests.outside() == []


def test_after_the_window_it_says_it_passed_and_how_to_go_on(page, two_years):
    box = _open(page, (two_years / "2026" / "index.html").as_uri(), "2027-04-15T09:00:00")
    text = box.inner_text()
    assert box.get_attribute("data-state") == "passed"
    assert "2026年度的会议时间（至2027年3月31日）已经过去" in text and "2027年度的手册还没有发布" in text


def test_an_older_year_links_the_newer_edition(page, two_years):
    box = _open(page, (two_years / "2025" / "index.html").as_uri(), "2026-12-02T09:00:00")
    assert "已经过去" in box.inner_text()
    link = box.locator("a", has_text="2026年度的手册")
    assert link.get_attribute("href") == "../2026/index.html"
    link.click()
    assert page.url.endswith("/2026/index.html")


def test_the_warning_opens_once_a_visit_short_on_a_phone_and_folds(page, two_years, shots):
    _open(page, (two_years / "2026" / "index.html").as_uri(), "2026-12-02T09:00:00", width=360)
    banner = page.locator("details.edition-warning")
    assert banner.evaluate("d => d.open") is True
    assert banner.bounding_box()["height"] <= 80
    page.screenshot(path=str(shots / "start-2026-360.png"))
    page.goto((two_years / "2026" / "steps" / "plan.html").as_uri())
    banner = page.locator("details.edition-warning")
    assert banner.evaluate("d => d.open") is False  # seen once this visit: folded to one line
    assert banner.bounding_box()["height"] <= 60
    banner.locator("summary").click()
    assert banner.evaluate("d => d.open") is True
