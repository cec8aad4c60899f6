"""An edition's PDFs: each form's print and fillable PDF, the form pack and the whole handbook. The PDFs of
several editions render on one pool of workers (PdfBatch) while the next edition's pages are built."""

from __future__ import annotations

import hashlib
import heapq
import itertools
import shutil
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..epoch import edition_epoch
from ..model.context import YearContext
from ..model.forms import input_tooltips, load_forms
from ..pdf import book as pdfbook
from ..pdf import fontmerge
from ..pdf.engine import cache_key, cache_path
from ..render import book as renderbook
from ..render.book import PACK_ANCHOR, Book, BookPage, PackForm, pack_html
from ..render.env import TEMPLATES_DIR
from ..render.forms import form_document, print_css, render_form
from ..render.output_files import FORM_FILLABLE, FORM_PACK, FORM_PRINT, HANDBOOK
from .render_pool import book_job, render_job, render_pool

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


@dataclass
class EditionPdfs:
    """Some of one edition's PDFs to make: outputs (path, HTML or None for the book, fillable, tooltips,
    key) and, for its handbook, the book with the chunks still to lay out (none when the book is cached)."""

    site_dir: Path
    year: int
    epoch: int
    outputs: list[tuple[Path, str | None, bool, dict[str, str] | None, str]]
    book: Book | None = None
    book_key: str | None = None
    chunks: list[tuple[str, tuple[BookPage, ...], str]] = field(default_factory=list)

    def front(self) -> str:
        """The front document's HTML (cover, contents, numbered pages): it needs every chunk's page counts."""
        counts: list[int] = []
        at: dict[str, int] = {}
        for key, pages, _ in self.chunks:
            total, anchors = pdfbook.anchor_pages(cache_path(key).read_bytes())
            start = sum(counts)
            at |= {name: start + i for name, i in anchors.items()}
            counts += pdfbook.section_counts(total, anchors, [p.slug for p in pages])
        return self.book.front_html(counts, at)


def plan_form_pdfs(ctx: YearContext, site_dir: Path, *, form_order: list[str] = ()) -> EditionPdfs:
    """Each form's print and fillable PDF and the form pack of one edition (`form_order`: form ids in menu
    order), with their cache keys: they need no built page, so they can render while the pages build."""
    epoch = edition_epoch(ctx.year)
    outputs = [
        (rel, html, fill, tips, cache_key(html, fillable=fill, epoch=epoch, tooltips=tips))
        for rel, html, fill, tips in edition_jobs(ctx, form_order)
    ]
    return EditionPdfs(Path(site_dir), ctx.year, epoch, outputs)


def plan_book_pdf(ctx: YearContext, site_dir: Path, pages: list[BookPage]) -> EditionPdfs:
    """One edition's handbook PDF (`pages`: the built handbook's pages in menu order)."""
    edition = ctx.edition
    epoch = edition_epoch(edition.year)
    hb = Book.of(edition, pages, pdfbook.PRINT_CSS.read_text(encoding="utf-8"))
    key = book_key(hb, epoch)
    outputs = [(Path(HANDBOOK.path(year=edition.year)), None, False, None, key)]
    # The handbook is laid out in chunks of pages, in parallel, each cached by content: editing a page
    # lays out only its chunk again.
    chunks = []
    if not cache_path(key).exists():
        for part in hb.chunks(pdfbook.BOOK_CHUNKS):
            html = hb.chunk_html(part, pdfbook.CHUNK_SCHEME)
            chunks.append((cache_key(html, fillable=False, epoch=epoch), part, html))
    return EditionPdfs(Path(site_dir), edition.year, epoch, outputs, hb, key, chunks)


# Queue order: a book's front and merge first (the last step of its book), then book chunks (which a front
# waits for), then the forms, longest first so the workers finish together.
_FRONT, _CHUNK, _FORM = 0, 1, 2


class PdfBatch:
    """Renders the PDFs of one or more editions into the cache, then publishes them into their sites.

    With several workers the renders go to one pool fed by a thread, so the caller builds the next
    edition's pages meanwhile; a key met twice (the same document in two editions) renders once.
    """

    def __init__(self, workers: int = 2):
        self.workers = workers
        self.editions: list[EditionPdfs] = []
        self._cv = threading.Condition()
        self._queue: list = []
        self._order = itertools.count()
        self._running: dict[Future, str] = {}
        self._queued: set[str] = set()
        # Books whose chunks are still rendering: (edition, chunk keys not done yet).
        self._books: list[tuple[EditionPdfs, set[str]]] = []
        self._error: BaseException | None = None
        self._closed = False
        self._pool = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PdfBatch:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def add(self, ed: EditionPdfs) -> None:
        """Queue one edition's PDFs (published by finish())."""
        from ..pdf.engine import CACHE_DIR

        self.editions.append(ed)
        if self.workers <= 1:
            return
        with self._cv:
            waiting = set()
            for k, _, html in ed.chunks:
                if self._push(_CHUNK, k, render_job, html, False, ed.epoch, CACHE_DIR):
                    waiting.add(k)
            if waiting:
                self._books.append((ed, waiting))
            elif ed.chunks:
                self._push_book(ed)
            forms = [o for o in ed.outputs if o[1] is not None]
            for _, html, fill, tips, k in sorted(forms, key=lambda o: -len(o[1])):
                self._push(_FORM, k, render_job, html, fill, ed.epoch, CACHE_DIR, tips)
            if self._queue and self._thread is None:
                self._pool = render_pool(self.workers)
                self._thread = threading.Thread(target=self._feed, name="pdf-batch", daemon=True)
                self._thread.start()
            self._cv.notify_all()

    def finish(self) -> list[Path]:
        """Wait for every render, then copy each edition's PDFs into its site; the files written."""
        if self.workers <= 1:
            for ed in self.editions:
                _render_serial(ed)
        else:
            with self._cv:
                self._closed = True
                self._cv.notify_all()
            if self._thread is not None:
                self._thread.join()
            self._stop()
            if self._error is not None:
                raise self._error
        return [path for ed in self.editions for path in _publish(ed)]

    # -- the feeding thread ------------------------------------------------------------------------------

    def _push(self, rank: int, key: str, fn, *args) -> bool:
        """Queue a render unless its PDF is cached or already queued; True when it is still to be made."""
        if cache_path(key).exists():
            return False
        if key not in self._queued:
            self._queued.add(key)
            heapq.heappush(self._queue, (rank, next(self._order), key, fn, args))
        return True

    def _push_book(self, ed: EditionPdfs) -> None:
        """Queue a book's front and merge, its chunks being rendered."""
        from ..pdf.engine import CACHE_DIR

        chunks = [k for k, _, _ in ed.chunks]
        self._push(_FRONT, ed.book_key, book_job, ed.front(), chunks, ed.epoch, ed.book_key, CACHE_DIR)

    def _wake(self, _future) -> None:
        with self._cv:
            self._cv.notify_all()

    def _feed(self) -> None:
        """Keep each worker one job ahead (so a front goes before the forms queued after it), until closed."""
        with self._cv:
            try:
                while self._error is None:
                    self._reap()
                    while self._queue and len(self._running) < 2 * self.workers:
                        _, _, key, fn, args = heapq.heappop(self._queue)
                        fut = self._pool.submit(fn, *args)
                        self._running[fut] = key
                        fut.add_done_callback(self._wake)
                    if self._closed and not (self._running or self._queue or self._books):
                        return
                    self._cv.wait()
            except BaseException as exc:  # handed to finish(), which raises it in the caller
                self._error = exc

    def _reap(self) -> None:
        """Take the finished renders; a book whose chunks are all done queues its front and merge."""
        for fut in [f for f in self._running if f.done()]:
            key = self._running.pop(fut)
            if fut.exception() is not None:
                self._error = self._error or fut.exception()
                return
            for _, waiting in self._books:
                waiting.discard(key)
        for ed, waiting in self._books:
            if not waiting:
                self._push_book(ed)
        self._books = [(ed, w) for ed, w in self._books if w]

    def _stop(self) -> None:
        """Stop feeding and shut the pool down (waiting for the jobs already handed out)."""
        with self._cv:
            self._closed = True
            self._queue.clear()
            self._books.clear()
            self._cv.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _render_serial(ed: EditionPdfs) -> None:
    """Render one edition's PDFs in this process: the book's chunks, its front and merge, then the forms."""
    for key, _, html in ed.chunks:
        if not cache_path(key).exists():
            render_job(html, False, ed.epoch)
    if ed.chunks and not cache_path(ed.book_key).exists():
        book_job(ed.front(), [k for k, _, _ in ed.chunks], ed.epoch, ed.book_key)
    for _, html, fill, tips, key in ed.outputs:
        if html is not None and not cache_path(key).exists():
            render_job(html, fill, ed.epoch, tooltips=tips)


def build_edition_pdfs(
    ctx: YearContext, site_dir: Path, pages: list[BookPage], *, form_order: list[str] = (), workers: int = 2
) -> list[Path]:
    """Write site/pdf/: each form's print and fillable PDF, the form pack and the handbook of one edition
    (`pages`: the handbook's pages in menu order; `form_order`: form ids in menu order)."""
    with PdfBatch(workers) as batch:
        batch.add(plan_form_pdfs(ctx, site_dir, form_order=form_order))
        batch.add(plan_book_pdf(ctx, site_dir, pages))
        return batch.finish()


def _publish(ed: EditionPdfs) -> list[Path]:
    """Copy each rendered PDF from the cache into the site (the pack with its page labels)."""
    out = []
    pack = Path(FORM_PACK.path(year=ed.year))
    for rel, _, _, _, k in ed.outputs:
        dest = ed.site_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if rel == pack:
            # The pack's numbers start at its first form, after the cover and contents.
            write_atomic(dest, pdfbook.labelled_from(cache_path(k).read_bytes(), PACK_ANCHOR))
        else:
            shutil.copyfile(cache_path(k), dest)
        out.append(dest)
    return out
