"""HTML to PDF with WeasyPrint: deterministic, glyph-checked, cached by content."""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import re
from functools import cache
from pathlib import Path

from ..atomic import write_atomic
from ..cache import code_digest
from ..epoch import source_date_epoch
from ..paths import cache_dir
from .fix import AREA_FIRST, AREA_SIZE, postprocess, subsetter
from .fonts import PdfError, check_glyphs, font_identity

# Keys carry a digest of handbook/pdf/ (handbook.cache), so editing the pipeline never serves a stale PDF.
CACHE_DIR = cache_dir("pdf")
# WeasyPrint embeds the font of form widgets whole and unsubset; giving widgets a small font that no page
# text uses keeps the CJK text fonts subset, and pdf_fix drops this one after pointing fields at STSong.
WIDGET_FONT_CSS = (
    'input, textarea, select { font-family: "DejaVu Sans Mono" !important; }'
    " input[type=checkbox], input[type=radio] { font-family: inherit; }"
)
# The writing lines behind a fillable text area go at the pitch viewers give typed text (fix.AREA_SIZE):
# the print templates read these two properties (forms-print.css), with their own pitch as the fallback.
FILLABLE_CSS = (
    WIDGET_FONT_CSS + f" :root {{ --hb-field-pitch: {AREA_SIZE:g}pt; --hb-field-first: {AREA_FIRST:g}pt; }}"
)
log = logging.getLogger("handbook.pdf")


# ---------------------------------------------------------------------------------------------- render


@cache
def weasyprint_subsetter() -> str:
    """What WeasyPrint subsets fonts with: the system's HarfBuzz subsetter when present, else fontTools.

    Its subsets go into the PDF as they are (TrueType faces) or as the input of the compaction, so the
    choice changes bytes. Asked through ctypes as WeasyPrint's loader does, without importing WeasyPrint.
    """
    for name in ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.hb_version_string.restype = ctypes.c_char_p
        return "harfbuzz-subset " + lib.hb_version_string().decode()
    return "fonttools"


def cache_key(
    html: str,
    *,
    fillable: bool,
    base_url: str | None = None,
    epoch: int | None = None,
    tooltips: dict[str, str] | None = None,
    tagged: bool = True,
) -> str:
    """The content key of a PDF: its inputs, WeasyPrint's and this code's versions, the installed fonts."""
    from importlib.metadata import version

    # Versions from package metadata: importing WeasyPrint costs most of a second that warm builds lack.
    meta = {
        "source": code_digest("pdf"),
        "weasyprint": version("weasyprint"),
        "pikepdf": version("pikepdf"),
        "fonttools": version("fonttools"),
        "subsetter": subsetter(),
        "weasyprint_subsetter": weasyprint_subsetter(),
        "fonts": font_identity(),
        "fillable": bool(fillable),
        "base_url": base_url,
        "epoch": source_date_epoch(epoch),
        "tooltips": tooltips if fillable else None,
        "tagged": bool(tagged),
    }
    h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    h.update(b"\0")
    h.update(html.encode("utf-8"))
    return h.hexdigest()


def cache_path(key: str) -> Path:
    """Where a cached PDF lives."""
    return CACHE_DIR / f"{key}.pdf"


class _Collect(logging.Handler):
    """WeasyPrint's log records of one render (warnings and worse)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def weasyprint_pdf(html: str, fillable: bool, base_url: str | None, tagged: bool = False) -> bytes:
    """Run WeasyPrint; font problems it reports fail the render, other warnings are passed on.

    `tagged` writes the structure tree (PDF/UA tags), so a screen reader reads the document in order."""
    import weasyprint

    if fillable:
        html = add_style(html, FILLABLE_CSS)
    handler = _Collect()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(handler)
    try:
        data = weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_forms=fillable, pdf_tags=tagged)
    finally:
        wlog.removeHandler(handler)
    fatal = [r.getMessage() for r in handler.records if re.search(r"font|glyph|subset", r.getMessage(), re.I)]
    if fatal:
        raise PdfError("WeasyPrint font problem: " + "; ".join(fatal))
    return data


def add_style(html: str, css: str) -> str:
    """Append a style sheet at the end of <head> (or at the start when there is no head)."""
    tag = f"<style>{css}</style>"
    i = html.lower().rfind("</head>")
    return html[:i] + tag + html[i:] if i >= 0 else tag + html


def render_pdf(
    html: str,
    *,
    fillable: bool,
    base_url: str | None = None,
    epoch: int | None = None,
    tooltips: dict[str, str] | None = None,
    tagged: bool = True,
    cache: bool = True,
) -> bytes:
    """One HTML document as PDF bytes: cached by content, byte-identical for the same input.

    `tooltips` (field name → text) describe a fillable PDF's fields to viewers and screen readers;
    `tagged` gives the PDF its structure tree (False for a pack's backgrounds, which Writer tags whole);
    `cache=False` for documents with personal data, which must not outlive their output folder.
    """
    path = cache_path(
        cache_key(html, fillable=fillable, base_url=base_url, epoch=epoch, tooltips=tooltips, tagged=tagged)
    )
    if cache and path.exists():
        return path.read_bytes()
    check_glyphs(html)
    data = postprocess(
        weasyprint_pdf(html, fillable, base_url, tagged),
        fillable=fillable,
        epoch=source_date_epoch(epoch),
        tooltips=tooltips,
    )
    if cache:
        write_atomic(path, data)
    return data
