"""mkdocs hooks (loaded by path, so imports are absolute): edition facts for the site name and the theme."""

from __future__ import annotations

import re
from pathlib import Path

from handbook.jobs.edition_office import build_edition_office
from handbook.jobs.edition_pdfs import PdfBatch, plan_book_pdf, plan_form_pdfs
from macros.book_pages import book_pages, form_order, nav_entries
from macros.context import build_options, current, pdfs_enabled
from macros.local_docs import merge_local_docs
from macros.pages import form_files
from macros.search import refine_index


def on_config(config, **_):
    """Put the edition into the site name and into `extra` for the theme overrides."""
    ctx, editions = current(config)
    edition = ctx.edition
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
    """Keep the nav mkdocs built in this build's configuration (the handbook PDF follows it); a build given
    a PdfBatch (macros.site) queues its forms' PDFs now, to render while the pages build."""
    options = build_options(config)
    options["nav"] = nav
    batch = options.get("pdf_batch")
    if batch is not None and pdfs_enabled(config):
        ctx, _ = current(config)
        order = form_order(nav_entries(nav))
        batch.add(plan_form_pdfs(ctx, Path(config.site_dir), form_order=order))
    return nav


# 404.html is served for any missing path, so without a site_url mkdocs writes its links from the server's
# root ("/assets/..."), which misses under /<年度>/ and /latest/. A <base> set first, from the path's year
# folder (else "/"), and links relative to it make one file work in every year folder and at the root.
_BASE_404 = (
    '<script>(function(){var m=location.pathname.match(/^(.*?\\/(?:\\d{4}|latest)\\/)/);'
    "document.write('<base href=\"'+(m?m[1]:'/')+'\">')})()</script>"
)


def relocate_404(site_dir: Path) -> None:
    """Make site/404.html find its assets from any depth of any year folder."""
    path = site_dir / "404.html"
    if not path.is_file():
        return
    html = path.read_text(encoding="utf-8")
    if _BASE_404 in html:
        return
    html = re.sub(r'(\s(?:href|src)=")/(?!/)', r"\1", html)
    html = html.replace('new URL("/",location)', 'new URL(".",document.baseURI)')
    html = html.replace('"search": "/assets/', '"search": "assets/')
    # The theme resolves its config's base against the location, not <base>: give it the base itself.
    html = re.sub(
        r'("base": )"/"(.*?</script>)',
        r'\1"."\2<script>(function(){var c=document.getElementById("__config");'
        r"c.textContent=c.textContent.replace('\"base\": \".\"',"
        r"'\"base\": \"'+document.baseURI+'\"')})()</script>",
        html, count=1, flags=re.S,
    )
    html = html.replace("<head>", "<head>\n" + _BASE_404, 1)
    path.write_text(html, encoding="utf-8")


def on_post_build(config, **_):
    """Refine the search index, then write the edition's PDFs (site/pdf/) and Word/Excel files (site/office/).

    A build without PDFs (macros.site's pdfs=False, or HANDBOOK_PDF=0) skips both downloads. A build given a
    PdfBatch (macros.site) queues its handbook there, and the caller publishes the batch's PDFs when it ends;
    a plain `mkdocs build` renders them here.
    """
    # Runs after material's search plugin wrote the index and before its offline plugin (priority -100)
    # copies it into search_index.js, so http and file:// use the same refined index.
    refine_index(Path(config.site_dir))
    relocate_404(Path(config.site_dir))
    if not pdfs_enabled(config):
        return
    ctx, _ = current(config)
    site_dir = Path(config.site_dir)
    entries = nav_entries(build_options(config)["nav"])
    book = plan_book_pdf(ctx, site_dir, book_pages(entries, site_dir))
    batch = build_options(config).get("pdf_batch")
    if batch is not None:
        batch.add(book)
    # Written while the batch's pool renders (a batch given by the caller is finished by it).
    build_edition_office(ctx, site_dir)
    if batch is None:
        with PdfBatch() as own:
            own.add(plan_form_pdfs(ctx, site_dir, form_order=form_order(entries)))
            own.add(book)
            own.finish()
