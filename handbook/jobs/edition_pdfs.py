"""An edition's PDFs: each form's print and fillable PDF, the form pack and the whole handbook."""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import FIRST_COMPLETED, wait
from pathlib import Path

from ..atomic import write_atomic
from ..epoch import edition_epoch
from ..model.context import YearContext
from ..model.forms import input_tooltips, load_forms
from ..pdf import book as pdfbook
from ..pdf import engine, fontmerge
from ..pdf.engine import cache_key, cache_path
from ..render import book as renderbook
from ..render.book import PACK_ANCHOR, Book, BookPage, PackForm, pack_html
from ..render.env import TEMPLATES_DIR
from ..render.forms import form_document, print_css, render_form
from ..render.output_files import FORM_FILLABLE, FORM_PACK, FORM_PRINT, HANDBOOK
from .render_pool import render_job, render_pool

# (path under the edition's folder, from handbook.render.output_files; HTML; fillable; field tooltips of a
# fillable PDF)
Job = tuple[Path, str, bool, "dict[str, str] | None"]


def edition_jobs(ctx: YearContext, form_order: list[str] = ()) -> list[Job]:
    """Every form PDF of an edition and the form pack: (path under the site, HTML, fillable, tooltips)."""
    forms = load_forms()
    # The pack follows the handbook's menu (form_order); forms not in it come after, by id.
    order = {fid: i for i, fid in enumerate(form_order)}
    ids = sorted(forms, key=lambda fid: (order.get(fid, len(order)), fid))
    jobs: list[Job] = []
    pack = []
    for fid in ids:
        html = form_document(forms[fid], ctx)
        body = render_form(forms[fid], ctx, target="pdf")
        pack.append(PackForm(fid, forms[fid].title, body))
        jobs.append((Path(FORM_PRINT.path(name=fid)), html, False, None))
        jobs.append((Path(FORM_FILLABLE.path(name=fid)), html, True, input_tooltips(forms[fid])))
    jobs.append((Path(FORM_PACK.path(year=ctx.year)), pack_html(ctx.edition, pack, print_css()), False, None))
    return jobs


def book_key(hb, epoch: int) -> str:
    """The cache key of the merged handbook: its whole content, the chunking, the merge code and the
    templates of the chunk and front documents (the whole document does not show them)."""
    merge = hashlib.sha256()
    sources = [Path(m.__file__) for m in (pdfbook, fontmerge, renderbook)]
    for path in sources + sorted((TEMPLATES_DIR / "book").glob("*.j2")):
        merge.update(path.read_bytes())
    stamp = f"<!-- chunks {pdfbook.BOOK_CHUNKS} merge {merge.hexdigest()[:16]} -->"
    return cache_key(hb.html + stamp, fillable=False, epoch=epoch)


def _front(hb: Book, chunks) -> tuple[str, list[bytes]]:
    """The front document's HTML (cover, contents, numbered pages: it needs every chunk's page counts) and
    the chunks' PDFs."""
    datas = [cache_path(key).read_bytes() for key, _ in chunks]
    counts: list[int] = []
    at: dict[str, int] = {}
    for data, (_, pages) in zip(datas, chunks, strict=True):
        total, anchors = pdfbook.anchor_pages(data)
        start = sum(counts)
        at |= {name: start + i for name, i in anchors.items()}
        counts += pdfbook.section_counts(total, anchors, [p.slug for p in pages])
    return hb.front_html(counts, at), datas


def _merge(front_html: str, datas: list[bytes], epoch: int) -> bytes:
    """The handbook from the rendered front document and the chunks."""
    front = cache_path(cache_key(front_html, fillable=False, epoch=epoch)).read_bytes()
    return pdfbook.merge_book(front, datas, epoch=epoch)


def _book_chunks(hb: Book, key: str, epoch: int) -> list[tuple[str, list, str]]:
    """The handbook's chunks (key, pages, HTML) to lay out, none when the merged book is cached."""
    if cache_path(key).exists():
        return []
    out = []
    for part in hb.chunks(pdfbook.BOOK_CHUNKS):
        html = hb.chunk_html(part, pdfbook.CHUNK_SCHEME)
        out.append((cache_key(html, fillable=False, epoch=epoch), part, html))
    return out


def _render_parallel(todo: dict, first: int, hb: Book, chunks: list, key: str, epoch: int,
                     workers: int) -> dict[str, bytes]:
    """Render `todo` on a pool, the book's `first` chunks first, then its front, merged as soon as it is
    done while the workers go on with the forms; returns the merged book by its key."""
    made: dict[str, bytes] = {}
    parts = [(k, part) for k, part, _ in chunks]
    with render_pool(min(workers, len(todo))) as pool:

        def submit(html: str, fill: bool, tips: dict[str, str] | None = None, tagged: bool = True):
            return pool.submit(render_job, html, fill, epoch, engine.CACHE_DIR, tips, tagged)

        queue = list(todo.values())
        book_jobs = [submit(*queue.pop(0)) for _ in range(first)]
        running, front = set(book_jobs), None
        while queue or running or (chunks and key not in made):
            if chunks and front is None and all(f.done() for f in book_jobs):
                for f in book_jobs:
                    f.result()
                front = _front(hb, parts)
                book_jobs = [submit(front[0], False, None, True)]
                running.add(book_jobs[0])
            # One form waiting per worker at most, so the front goes ahead of the rest once the chunks
            # are done (the executor hands out work in the order it was submitted).
            while queue and len(running) < 2 * workers:
                running.add(submit(*queue.pop(0)))
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for f in done:
                f.result()
            if front is not None and book_jobs[0] in done:
                made[key] = _merge(*front, epoch)
    return made


def _render_serial(todo: dict, hb: Book, chunks: list, key: str, epoch: int) -> dict[str, bytes]:
    """Render `todo` in this process, then the book's front and the merge."""
    for html, fill, tips, tagged in todo.values():
        render_job(html, fill, epoch, tooltips=tips, tagged=tagged)
    if not chunks:
        return {}
    front = _front(hb, [(k, part) for k, part, _ in chunks])
    render_job(front[0], False, epoch)
    return {key: _merge(*front, epoch)}


def build_edition_pdfs(
    ctx: YearContext, site_dir: Path, pages: list[BookPage], *, form_order: list[str] = (), workers: int = 2
) -> list[Path]:
    """Write site/pdf/: each form's print and fillable PDF, the form pack and the handbook of one edition
    (`pages`: the handbook's pages in menu order; `form_order`: form ids in menu order)."""
    site_dir, edition = Path(site_dir), ctx.edition
    epoch = edition_epoch(edition.year)
    jobs = [
        (rel, html, fill, tips, cache_key(html, fillable=fill, epoch=epoch, tooltips=tips))
        for rel, html, fill, tips in edition_jobs(ctx, form_order)
    ]
    hb = Book.of(edition, pages, pdfbook.PRINT_CSS.read_text(encoding="utf-8"))
    key = book_key(hb, epoch)
    jobs.append((Path(HANDBOOK.path(year=edition.year)), None, False, None, key))
    # The handbook is laid out in chunks of pages, in parallel, each cached by content: editing a page
    # lays out only its chunk again. Chunks go first, as the merge waits for them.
    chunks = _book_chunks(hb, key, epoch)
    # The book's parts are tagged: the merge joins their structure trees into one (handbook.pdf.tags).
    todo = {k: (html, False, None, True) for k, _, html in chunks if not cache_path(k).exists()}
    first = len(todo)
    # Then the longest documents first, so the workers finish together.
    rest = {
        k: (html, fill, tips, True)
        for _, html, fill, tips, k in jobs
        if html is not None and not cache_path(k).exists()
    }
    todo |= dict(sorted(rest.items(), key=lambda kv: -len(kv[1][0])))
    if len(todo) > 1 and workers > 1:
        made = _render_parallel(todo, first, hb, chunks, key, epoch, workers)
    else:
        made = _render_serial(todo, hb, chunks, key, epoch)
    for k, data in made.items():
        write_atomic(cache_path(k), data)
    return _publish(jobs, site_dir, edition.year)


def _publish(jobs: list, site_dir: Path, year: int) -> list[Path]:
    """Copy each rendered PDF from the cache into the site (the pack with its page labels)."""
    out = []
    pack = Path(FORM_PACK.path(year=year))
    for rel, _, _, _, k in jobs:
        dest = site_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel == pack:
            # The pack's numbers start at its first form, after the cover and contents.
            write_atomic(dest, pdfbook.labelled_from(cache_path(k).read_bytes(), PACK_ANCHOR))
        else:
            shutil.copyfile(cache_path(k), dest)
        out.append(dest)
    return out
