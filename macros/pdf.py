"""PDFs: HTML to PDF with WeasyPrint (deterministic, glyph-checked, cached by content); an edition's PDFs."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from . import ROOT
from .atomic import write_atomic

# Part of every cache key, with the source of this module and pdf_fix.py (hashed in cache_key), so
# editing the pipeline never serves a stale PDF; bump it for changes outside those files.
CODE_VERSION = "pdf-5"
CACHE_DIR = ROOT / ".cache" / "pdf"
# 2022-01-01T00:00:00Z: used when neither the caller nor SOURCE_DATE_EPOCH gives a date.
DEFAULT_EPOCH = 1640995200
# WeasyPrint embeds the font of form widgets whole and unsubset; giving widgets a small font that no page
# text uses keeps the CJK text fonts subset, and pdf_fix drops this one after pointing fields at STSong.
WIDGET_FONT_CSS = (
    'input, textarea, select { font-family: "DejaVu Sans Mono" !important; }'
    " input[type=checkbox], input[type=radio] { font-family: inherit; }"
)
log = logging.getLogger("macros.pdf")


class PdfError(Exception):
    """A PDF could not be made as required (a missing glyph, a WeasyPrint font problem)."""


class MissingGlyphError(PdfError):
    """The text uses a character no installed font can draw."""


# ---------------------------------------------------------------------------------------------- glyphs


@cache
def _installed_fonts() -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    """Every installed font file with its Unicode coverage, as fontconfig has already indexed it."""
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}|%{index}|%{charset}\n"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise PdfError(f"cannot list fonts with fc-list (install fontconfig): {exc}") from exc
    fonts = []
    for line in sorted(set(out.splitlines())):
        path, index, charset = line.rsplit("|", 2)
        ranges = []
        for part in charset.split():
            lo, _, hi = part.partition("-")
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        fonts.append((f"{path}#{index}", tuple(ranges)))
    return tuple(fonts)


@cache
def _coverage() -> tuple[tuple[int, int], ...]:
    """The union of all installed fonts' coverage as sorted, merged ranges."""
    ranges = sorted(r for _, rs in _installed_fonts() for r in rs)
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _covered(cp: int) -> bool:
    import bisect

    cov = _coverage()
    i = bisect.bisect_right(cov, (cp, 0x10FFFF + 1)) - 1
    return i >= 0 and cov[i][0] <= cp <= cov[i][1]


@cache
def font_identity() -> str:
    """A digest of the installed fonts (path, size, mtime): a new or changed font invalidates cached PDFs."""
    h = hashlib.sha256()
    for key, _ in _installed_fonts():
        path = key.rsplit("#", 1)[0]
        try:
            st = os.stat(path)
            h.update(f"{key}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{key}:missing\n".encode())
    return h.hexdigest()


class _TextCollector(HTMLParser):
    """Characters a reader will see: body text, field values and CSS `content` strings."""

    SKIP = ("script", "title", "template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0
        self.style = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "style":
            self.style = True
        for name, value in attrs:
            if value and name in ("value", "placeholder"):
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag == "style":
            self.style = False

    def handle_data(self, data):
        if self.style:
            for m in re.finditer(r"content\s*:([^;}]*)", data):
                self.chunks += ["".join(t) for t in re.findall(r'"([^"]*)"|\'([^\']*)\'', m.group(1))]
        elif not self.skip:
            self.chunks.append(data)


def check_glyphs(html: str) -> None:
    """Fail when the document's text has a character that no installed font has."""
    parser = _TextCollector()
    parser.feed(html)
    parser.close()
    text = "".join(parser.chunks)
    missing: dict[str, int] = {}
    for ch in set(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if not _covered(ord(ch)):
            missing[ch] = text.index(ch)
    if missing:
        ch = min(missing, key=missing.get)
        at = missing[ch]
        context = text[max(0, at - 12) : at + 12].replace("\n", " ").strip()
        others = "".join(sorted(set(missing) - {ch}))
        more = f" (also missing: {others})" if others else ""
        raise MissingGlyphError(
            f"missing glyph: no installed font has {ch!r} (U+{ord(ch):04X}, "
            f"{unicodedata.name(ch, 'unnamed')}) in “{context}”{more}; "
            "replace the character or install a font that has it"
        )


# ---------------------------------------------------------------------------------------------- render


def source_date_epoch(default: int | None = None) -> int:
    """SOURCE_DATE_EPOCH when set, else the given default (an edition's date), else a fixed constant."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw.isdigit():
        return int(raw)
    return DEFAULT_EPOCH if default is None else default


@cache
def _code_digest() -> str:
    """A digest of the code that turns WeasyPrint's output into the final PDF."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for name in ("pdf.py", "pdf_fix.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def cache_key(html: str, *, fillable: bool, base_url: str | None = None, epoch: int | None = None) -> str:
    """The content key of a PDF: its inputs, WeasyPrint's and this code's versions, the installed fonts."""
    from importlib.metadata import version

    # Versions from package metadata: importing WeasyPrint costs most of a second that warm builds lack.
    meta = {
        "code": CODE_VERSION,
        "source": _code_digest(),
        "weasyprint": version("weasyprint"),
        "pikepdf": version("pikepdf"),
        "fonttools": version("fonttools"),
        "fonts": font_identity(),
        "fillable": bool(fillable),
        "base_url": base_url,
        "epoch": source_date_epoch(epoch),
    }
    h = hashlib.sha256(json.dumps(meta, sort_keys=True).encode())
    h.update(b"\0")
    h.update(html.encode("utf-8"))
    return h.hexdigest()


def cache_path(key: str) -> Path:
    """Where a cached PDF lives."""
    return CACHE_DIR / f"{key}.pdf"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def _weasyprint(html: str, fillable: bool, base_url: str | None) -> bytes:
    """Run WeasyPrint; font problems it reports fail the render, other warnings are passed on."""
    import weasyprint

    if fillable:
        html = _add_style(html, WIDGET_FONT_CSS)
    handler = _Collect()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(handler)
    try:
        data = weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_forms=fillable)
    finally:
        wlog.removeHandler(handler)
    fatal = [r.getMessage() for r in handler.records if re.search(r"font|glyph|subset", r.getMessage(), re.I)]
    if fatal:
        raise PdfError("WeasyPrint font problem: " + "; ".join(fatal))
    return data


def _add_style(html: str, css: str) -> str:
    """Append a style sheet at the end of <head> (or at the start when there is no head)."""
    tag = f"<style>{css}</style>"
    i = html.lower().rfind("</head>")
    return html[:i] + tag + html[i:] if i >= 0 else tag + html


def render_pdf(html: str, *, fillable: bool, base_url: str | None = None, epoch: int | None = None) -> bytes:
    """One HTML document as PDF bytes: cached by content, byte-identical for the same input."""
    path = cache_path(cache_key(html, fillable=fillable, base_url=base_url, epoch=epoch))
    if path.exists():
        return path.read_bytes()
    check_glyphs(html)
    from .pdf_fix import postprocess

    data = postprocess(
        _weasyprint(html, fillable, base_url), fillable=fillable, epoch=source_date_epoch(epoch)
    )
    write_atomic(path, data)
    return data


# ---------------------------------------------------------------------------------------------- edition


def edition_epoch(edition) -> int:
    """An edition's fixed PDF date: 1 December of its year, unless SOURCE_DATE_EPOCH is set."""
    import calendar

    return source_date_epoch(calendar.timegm((edition.year, 12, 1, 0, 0, 0)))


def _mkdocs_nav():
    """The nav of mkdocs.yml, for callers outside a mkdocs build."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may carry !ENV or !!python tags; the nav never does.
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader).get("nav") or []


def _render_job(html: str, fillable: bool, epoch: int) -> None:
    """Worker entry point: render into the cache."""
    render_pdf(html, fillable=fillable, epoch=epoch)


def edition_jobs(edition, common, nav=None) -> list[tuple[Path, str, bool]]:
    """Every form PDF of an edition and the form pack as (relative output path, HTML, fillable)."""
    from .forms import form_document, load_forms
    from .pdf_book import nav_pages, pack_html

    nav = _mkdocs_nav() if nav is None else nav
    forms = load_forms()
    # The pack follows the handbook's menu; forms not in it come after, by id.
    order = {Path(src).stem: i for i, (_, src) in enumerate(nav_pages(nav)) if src.startswith("forms/")}
    ids = sorted(forms, key=lambda fid: (order.get(fid, len(order)), fid))
    jobs: list[tuple[Path, str, bool]] = []
    docs = []
    for fid in ids:
        html = form_document(forms[fid], edition, common)
        docs.append((fid, forms[fid].title, html))
        jobs.append((Path("forms") / f"{fid}.pdf", html, False))
        jobs.append((Path("forms") / f"{fid}-fillable.pdf", html, True))
    jobs.append((Path(f"form-pack-{edition.year}.pdf"), pack_html(edition, docs), False))
    return jobs


def book_key(book, epoch: int) -> str:
    """The cache key of the merged handbook: its whole content, the chunking and the merge code."""
    from . import pdf_book

    merge = hashlib.sha256(Path(pdf_book.__file__).read_bytes()).hexdigest()[:16]
    return cache_key(
        f"{book.html}<!-- chunks {pdf_book.BOOK_CHUNKS} merge {merge} -->", fillable=False, epoch=epoch
    )


def _finish_book(book, chunks, epoch: int) -> bytes:
    """Render the front (cover, contents, numbered pages; it needs every chunk's page counts) and merge."""
    from .pdf_book import merge_book, section_counts

    datas = [cache_path(key).read_bytes() for key, _ in chunks]
    counts = [n for data, (_, pages) in zip(datas, chunks, strict=True) for n in section_counts(data, pages)]
    front = render_pdf(book.front_html(counts), fillable=False, epoch=epoch)
    return merge_book(front, datas, epoch=epoch)


def build_edition_pdfs(edition, common, site_dir: Path, *, nav=None, workers: int = 2) -> list[Path]:
    """Write site/pdf/: each form's print and fillable PDF, the form pack and the handbook of one edition."""
    import shutil
    from concurrent.futures import ProcessPoolExecutor, wait

    from .pdf_book import BOOK_CHUNKS, handbook

    site_dir = Path(site_dir)
    nav = _mkdocs_nav() if nav is None else nav
    epoch = edition_epoch(edition)
    jobs = [
        (rel, html, fill, cache_key(html, fillable=fill, epoch=epoch))
        for rel, html, fill in edition_jobs(edition, common, nav)
    ]
    book = handbook(edition, site_dir, nav)
    key = book_key(book, epoch)
    jobs.append((Path(f"handbook-{edition.year}.pdf"), None, False, key))
    # The handbook is laid out in chunks of pages, in parallel, each cached by content: editing a page
    # lays out only its chunk again. Chunks go first, as the merge waits for them.
    chunks = []
    if not cache_path(key).exists():
        for pages in book.chunks(BOOK_CHUNKS):
            html = book.chunk_html(pages)
            chunks.append((cache_key(html, fillable=False, epoch=epoch), pages, html))
    todo = {k: (html, False) for k, _, html in chunks if not cache_path(k).exists()}
    first = len(todo)
    # Then the longest documents first, so the workers finish together.
    rest = {k: (html, fill) for _, html, fill, k in jobs if html is not None and not cache_path(k).exists()}
    todo |= dict(sorted(rest.items(), key=lambda kv: -len(kv[1][0])))
    made = {}
    if len(todo) > 1 and workers > 1:
        import weasyprint  # noqa: F401 - imported before forking, so each worker starts warm

        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = [pool.submit(_render_job, html, fill, epoch) for html, fill in todo.values()]
            wait(futures[:first])
            for f in futures[:first]:
                f.result()
            if chunks:
                # Here, while the workers go on with the forms.
                made[key] = _finish_book(book, [(k, pages) for k, pages, _ in chunks], epoch)
            for f in futures[first:]:
                f.result()
    else:
        for html, fill in todo.values():
            render_pdf(html, fillable=fill, epoch=epoch)
        if chunks:
            made[key] = _finish_book(book, [(k, pages) for k, pages, _ in chunks], epoch)
    for k, data in made.items():
        write_atomic(cache_path(k), data)
    out = []
    for rel, _, _, k in jobs:
        dest = site_dir / "pdf" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache_path(k), dest)
        out.append(dest)
    return out
