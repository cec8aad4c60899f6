"""An edition's Word and Excel files in site/office/: forms, drafts, 主持词, the roster template, statistics.

Each file is cached by the HTML or data it is made from and this package's code, so a rebuild that
changes nothing writes copies only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..atomic import write_atomic
from ..cache import code_digest, content_key
from ..epoch import edition_epoch
from ..model.context import YearContext
from ..model.forms import all_forms
from ..model.unit import current_unit
from ..office import docx as office_docx
from ..office import forms_docx, xlsx
from ..paths import cache_dir
from ..render.drafts import KINDS, render_draft
from ..render.forms import render_form
from ..render.output_files import (
    DRAFT_WORD,
    FORM_EXCEL,
    FORM_WORD,
    ROSTER_TEMPLATE,
    SCRIPT_WORD,
    SCRIPTS,
    STATISTICS,
)

CACHE_DIR = cache_dir("office")


def cached(source: str, make: Callable[[], bytes], epoch: int) -> bytes:
    """The file made from `source` (the HTML or data it comes from), from the cache when it is there."""
    # The office writers' digest (handbook.cache): editing them makes every cached file stale.
    key = content_key(code_digest("office"), {"epoch": epoch}, source)
    path = CACHE_DIR / f"{key}.bin"
    if path.is_file():
        return path.read_bytes()
    data = make()
    write_atomic(path, data)
    return data


def office_files(ctx: YearContext, site_dir: Path) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """Every office file of an edition: its path under the edition's folder and (source, maker)."""
    site_dir, edition = Path(site_dir), ctx.edition
    epoch = edition_epoch(edition.year)
    unit = current_unit()
    # The site is published: its drafts use the unit profile, never the roster (`handbook drafts` does).
    members = None
    out: dict[str, tuple[str, Callable[[], bytes]]] = {}
    for form in all_forms().values():
        html = render_form(form, ctx, target="pdf")
        out[FORM_WORD.path(name=form.id)] = (
            html,
            lambda h=html, f=form: forms_docx.html_form_docx(
                h,
                f"{edition.label}{f.title}",
                orientation=f.print.orientation,
                font_size=f.print.font_size,
                epoch=epoch,
            ),
        )
    stats = all_forms().get(STATISTICS)
    if stats is not None:
        # The sheet carries the edition's label: two editions never share a cached file.
        src = f"{edition.label}|{stats.model_dump_json()}"
        out[FORM_EXCEL.path(name=STATISTICS)] = (
            src,
            lambda: xlsx.statistics_sheet(stats, edition, epoch=epoch),
        )
    for kind, title in KINDS.items():
        html = render_draft(kind, ctx.with_unit(unit), members, standalone=True)
        name = f"{edition.label}{title}（草稿）"
        out[DRAFT_WORD.path(name=kind)] = (
            html,
            lambda h=html, n=name: office_docx.draft_docx(h, n, epoch=epoch),
        )
    for name, title in SCRIPTS.items():
        # The built page scripts/<name>.html: its article, without the page's badges and links.
        page = site_dir / "scripts" / f"{name}.html"
        if page.is_file():
            html = page.read_text(encoding="utf-8")
            out[SCRIPT_WORD.path(name=name)] = (
                html,
                lambda h=html, t=title: office_docx.article_docx(h, f"{edition.label}{t}", epoch=epoch),
            )
    groups = [g.name for g in unit.groups]
    out[ROSTER_TEMPLATE.path()] = ("|".join(groups), lambda: xlsx.roster_template(groups, epoch=epoch))
    return out


def build_edition_office(ctx: YearContext, site_dir: Path) -> list[Path]:
    """Write site/office/ for one edition; returns the files written."""
    site_dir = Path(site_dir)
    epoch = edition_epoch(ctx.year)
    written = []
    for rel, (source, make) in office_files(ctx, site_dir).items():
        dest = site_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(cached(source, make, epoch))
        written.append(dest)
    return written
