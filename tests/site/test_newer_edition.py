"""An older edition says on every page that a newer one exists and links to the same page in it."""

from __future__ import annotations

import pytest

from macros.site import _all_years, build_all

pytestmark = [pytest.mark.slow, pytest.mark.browser]


# The two newest editions: the banner names the newest edition there is, so the site must hold it.
OLD, NEW = sorted(_all_years())[-2:]


@pytest.fixture
def two_years(scenario, tmp_path):
    """A two-edition scenario site: site/<OLD>/, site/<NEW>/, site/latest/."""
    scenario.page("rules.md", "# 评议规则\n\n{{ rule(\"probationary\") }}\n")
    root = tmp_path / "site"
    build_all(root, [OLD, NEW], scenario.folder / "mkdocs.yml")
    return root


@pytest.mark.parametrize("how", ["file", "http"])
def test_old_page_links_to_the_same_page_of_the_newest_edition(two_years, serve, page, shots, how):
    base = two_years.as_uri() if how == "file" else serve(two_years)
    page.goto(f"{base}/{OLD}/forms/talk-record.html")
    banner = page.locator(".edition-newer")
    assert banner.is_visible()
    assert f"{OLD}年度" in banner.inner_text() and f"{NEW}年度" in banner.inner_text()
    page.screenshot(path=shots / f"newer-edition-{how}.png")
    banner.locator("a").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/{NEW}/forms/talk-record.html"
    assert page.locator(".edition-newer").count() == 0


def test_newest_edition_and_latest_carry_no_such_banner(two_years):
    for rel in (f"{NEW}/index.html", "latest/index.html", f"{NEW}/rules.html"):
        assert "edition-newer" not in (two_years / rel).read_text(encoding="utf-8")
    for rel in (f"{OLD}/index.html", f"{OLD}/rules.html", f"{OLD}/forms/index.html"):
        assert 'class="edition-newer"' in (two_years / rel).read_text(encoding="utf-8")
