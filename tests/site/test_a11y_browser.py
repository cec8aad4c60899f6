"""Accessibility as a screen-reader or keyboard user meets it: axe-core finds nothing on any page type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
# One page of every kind the handbook has; "search" is the home page with the search dialog open.
PAGES = {
    "home": "index.html",
    "step": "steps/evaluation.html",
    "rules": "rules.html",
    "script": "scripts/general.html",
    "checklist": "checklists/before.html",
    "form": "forms/member-ballot.html",
    "register": "forms/member-register.html",
    "member list": "branch.html",
    "forms index": "forms/index.html",
    "drafts": "drafts/plan.html",
    "changes": "changes.html",
    "sources": "sources.html",
    "search": "index.html",
}
# Rules axe marks experimental, wanted here: a control's name must contain its visible text (the year button).
EXTRA_RULES = {"label-content-name-mismatch": {"enabled": True}}


@pytest.fixture(scope="module")
def years_site(site_cache, latest_year, tmp_path_factory):
    """The newest edition in <year>/ beside versions.json, as published: the year menu shows."""
    root = tmp_path_factory.mktemp("a11y")
    (root / str(latest_year)).symlink_to(site_cache(latest_year), target_is_directory=True)
    versions = [{"version": str(latest_year), "title": f"{latest_year}年度", "aliases": ["latest"]}]
    (root / "versions.json").write_text(json.dumps(versions, ensure_ascii=False), encoding="utf-8")
    return root


def _axe(page) -> list[dict]:
    """Run axe-core on the page; every violation as id, impact, count and the first few elements."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (rules) => (await axe.run(document, {rules, resultTypes: ["violations"]})).violations
              .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                          where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""",
        EXTRA_RULES,
    )


SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.browser
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violation(browser, serve, years_site, latest_year, kind, screen):
    """Contrast, labels, names, landmarks and target sizes pass axe-core on every page type and screen."""
    ctx = browser.new_context(**SCREENS[screen])
    page = ctx.new_page()
    page.goto(f"{serve(years_site)}/{latest_year}/{PAGES[kind]}")
    page.wait_for_load_state("networkidle")
    # The theme's year menu appears once versions.json is read; checking before would miss it.
    page.wait_for_selector(".md-version__current", state="attached")
    if kind == "search":
        if screen == "phone":
            page.locator("label.md-header__button[for=__search]").first.click()
        page.locator("input.md-search__input").fill("评议")
        page.wait_for_selector(".md-search-result__item")
        # A result is drawn tinted when pointed at: check that state on one whose excerpt holds a list,
        # since list items and paragraphs are styled apart (the order of results varies between runs).
        page.locator(".md-search-result__link:has(li)").first.hover()
    found = _axe(page)
    ctx.close()
    assert found == [], f"{kind} ({screen})"


@pytest.mark.browser
def test_year_button_name_holds_its_text(page, serve, years_site, latest_year):
    """A voice user says what they see ("2025年度"): the year button's accessible name contains it."""
    page.goto(f"{serve(years_site)}/{latest_year}/index.html")
    button = page.locator(".md-version__current").first
    button.wait_for()
    assert button.inner_text().strip() == f"{latest_year}年度"
    assert f"{latest_year}年度" in button.get_attribute("aria-label")
    assert page.locator("[data-md-component=palette] input, [data-md-component=palette] label").count() == 0


@pytest.mark.browser
def test_checklist_text_ticks_its_box(page, serve, years_site, latest_year):
    """Tapping an item's text ticks its box; the box is named by that text and the target is 24 px or more."""
    page.goto(f"{serve(years_site)}/{latest_year}/checklists/before.html")
    page.wait_for_selector(".checklist-toolbar")
    item = page.locator(".task-list-item").nth(1)
    box = item.locator("input[type=checkbox]")
    label = item.locator("label.task-list-control")
    assert not box.is_checked()
    label.click(position={"x": 120, "y": 8})
    assert box.is_checked()
    assert page.get_by_role("checkbox", name=item.inner_text().strip()[:10]).first.is_checked()
    assert label.bounding_box()["height"] >= 24
    assert page.locator(".checklist-count").inner_text().startswith("已完成 1 ")
