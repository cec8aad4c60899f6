"""mkdocs hooks (loaded by path, so imports are absolute): edition facts for the site name and the theme."""

from __future__ import annotations

from pathlib import Path

from handbook.jobs.edition_office import build_edition_office
from handbook.jobs.edition_pdfs import build_edition_pdfs
from macros.book_pages import book_pages, form_order, nav_entries
from macros.context import build_options, current, pdfs_enabled
from macros.local_docs import merge_local_docs
from macros.pages import form_files
from macros.search import refine_index


def on_config(config, **_):
    """Put the edition into the site name and into `extra` for the theme overrides."""
    _, edition, editions = current(config)
    config.site_name = f"{edition.label}组织生活会和民主评议党员工作手册"
    config.extra["edition"] = {
        "year": edition.year,
        "label": edition.label,
        "confidence": edition.overall,
        "confidence_summary": edition.confidence_summary(),
        "confidence_note": edition.confidence_note or "",
        # The year's notice is not out yet: the banner says so rather than "to check".
        "notice_pending": edition.pending("notice"),
        "years": sorted(editions, reverse=True),
    }
    return config


def on_files(files, config, **_):
    """Generate the form pages, then merge a fork's local/docs pages (which may replace any of them)."""
    return merge_local_docs(form_files(files, config), config)


def on_nav(nav, config, files, **_):
    """Keep the nav mkdocs built in this build's configuration: the handbook PDF follows it."""
    build_options(config)["nav"] = nav
    return nav


def on_post_build(config, **_):
    """Refine the search index, then write the edition's PDFs (site/pdf/) and Word/Excel files (site/office/).

    A build without PDFs (macros.site's pdfs=False, or HANDBOOK_PDF=0) skips both downloads.
    """
    # Runs after material's search plugin wrote the index and before its offline plugin (priority -100)
    # copies it into search_index.js, so http and file:// use the same refined index.
    refine_index(Path(config.site_dir))
    if not pdfs_enabled(config):
        return
    common, edition, _ = current(config)
    build_edition_office(edition, common, Path(config.site_dir))
    site_dir = Path(config.site_dir)
    entries = nav_entries(build_options(config)["nav"])
    build_edition_pdfs(
        edition, common, site_dir, book_pages(entries, site_dir), form_order=form_order(entries)
    )
