"""Built editions: each site shows its own year's facts only, and a broken file leaves the site as it was."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handbook import cli
from handbook.errors import InputError, InputErrors
from handbook.model.editions import EDITIONS_DIR, cn_date, load_all, load_common
from macros.site import build_edition


pytestmark = pytest.mark.slow

EDITIONS = load_all(EDITIONS_DIR)
YEARS = sorted(EDITIONS)
# Another page shows the previous year on purpose; it is the one place other years' themes may appear.
SKIP_PAGES = {"changes.html"}


def site_pages(site: Path) -> list[Path]:
    """The HTML pages of a built site, except the page that compares with the previous year."""
    return sorted(p for p in site.rglob("*.html") if p.name not in SKIP_PAGES)


def page_text(path: Path) -> str:
    """A page's visible text: tags stripped, entities decoded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<script\b.*?</script>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_2024_site_does_not_carry_the_stale_copied_theme(site_cache):
    for page in site_pages(site_cache(2024)):
        text = page_text(page)
        for stale in ("贵州省代表团", "十九大精神"):
            assert stale not in text, f"{page.name} shows {stale}"


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_the_site_untouched(site_cache, editions_copy, tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(site_cache(2021), site)
    before = _digest(site)
    path = editions_copy / "2021.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("\n  window:", "\n  windw:", 1), encoding="utf-8")

    with pytest.raises(InputErrors):
        build_edition(2021, site)
    assert cli.main(["build", "--edition", "2021", "--site-dir", str(site)]) != 0
    assert "schedule.windw" in capsys.readouterr().err
    assert _digest(site) == before
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["editions", "local", "site"], f"a temporary folder was left behind: {left}"


@pytest.mark.parametrize("year", YEARS)
def test_built_edition_shows_its_own_facts_only(site_cache, year):
    ed = EDITIONS[year]
    pages = site_pages(site_cache(year))
    assert pages
    text = "\n".join(page_text(p) for p in pages)

    assert ed.theme_short in text
    if ed.notice.known:
        assert ed.notice.citation in text
    elif ed.pending("notice"):
        assert "尚未下发" in text and "待上级通知" in text
    else:
        assert "尚未掌握" in text
    for n in ed.related_notices:
        assert n.citation in text
    for day in (ed.schedule.finish, ed.schedule.report):
        if day:
            assert cn_date(day) in text
    for s in ed.specials:
        assert s.title in text
    # Each fact carries its own flag where it appears: the theme's next to the theme on the home page.
    home = page_text(site_cache(year) / "index.html")
    short, _ = ed.flag("theme")
    if ed.pending("theme"):
        # A theme still waiting for the notice: the flag stands where the theme would be.
        assert re.search(r"本年度主题\s*待上级通知。\s*待上级通知", home), f"{year}: pending theme not said"
    else:
        theme_at = home.index(ed.theme.text[:12])
        assert short in home[theme_at : theme_at + len(ed.theme.text) + 40], f"{year}: theme flag missing"
    if ed.schedule.example_of:
        assert f"{ed.schedule.example_of}的要求，仅作示例" in text
    for other in YEARS:
        # A year still waiting for its notice has a blank (＿＿＿＿) for a theme, which every site has.
        if other != year and not EDITIONS[other].pending("theme"):
            assert EDITIONS[other].theme_short not in text, f"{year} site shows {other}'s theme"


@pytest.mark.parametrize("year", YEARS)
def test_the_unconfirmed_warning_shows_once_a_page(site_cache, year):
    """Once is enough: the banner at the top of every page, never a second box saying the same."""
    for page in site_pages(site_cache(year)):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        assert text.count("尚未全部核实") <= 1, f"{year} {page.name}"


@pytest.mark.parametrize("year", YEARS)
def test_warning_banner_only_when_unconfirmed(site_cache, year):
    confirmed = EDITIONS[year].overall == "confirmed"
    for page in site_pages(site_cache(year)):
        has_banner = 'class="edition-warning"' in page.read_text(encoding="utf-8")
        assert has_banner != confirmed, f"{year} {page.name}: banner {'shown' if has_banner else 'missing'}"
