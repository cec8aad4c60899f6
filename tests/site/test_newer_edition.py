"""An older edition says on every page that a newer one exists and links to the same page in it."""

from __future__ import annotations

import pytest

from macros.site import build_all

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def two_years(scenario, tmp_path):
    """A two-edition scenario site: site/2024/, site/2025/, site/latest/."""
    scenario.page("rules.md", "# 评议规则\n\n{{ rule(\"probationary\") }}\n")
    root = tmp_path / "site"
    build_all(root, [2024, 2025], scenario.folder / "mkdocs.yml")
    return root


@pytest.mark.parametrize("how", ["file", "http"])
def test_old_page_links_to_the_same_page_of_the_newest_edition(two_years, serve, page, shots, how):
    base = two_years.as_uri() if how == "file" else serve(two_years)
    page.goto(f"{base}/2024/forms/talk-record.html")
    banner = page.locator(".edition-newer")
    assert banner.is_visible()
    assert "2024年度" in banner.inner_text() and "2025年度" in banner.inner_text()
    page.screenshot(path=shots / f"newer-edition-{how}.png")
    banner.locator("a").click()
    page.wait_for_load_state()
    assert page.url == f"{base}/2025/forms/talk-record.html"
    assert page.locator(".edition-newer").count() == 0


def test_newest_edition_and_latest_carry_no_such_banner(two_years):
    for rel in ("2025/index.html", "latest/index.html", "2025/rules.html"):
        assert "edition-newer" not in (two_years / rel).read_text(encoding="utf-8")
    for rel in ("2024/index.html", "2024/rules.html", "2024/forms/index.html"):
        assert 'class="edition-newer"' in (two_years / rel).read_text(encoding="utf-8")
