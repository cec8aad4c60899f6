"""An edition's PDFs: each form's print and fillable PDF, the form pack and the whole handbook."""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

import weasyprint  # noqa: F401 - imported before forking, so each worker starts warm
import yaml

from ..atomic import write_atomic
from ..epoch import edition_epoch
from ..model.forms import input_tooltips, load_forms
from ..paths import ROOT
from ..pdf import book
from ..pdf.engine import cache_key, cache_path, render_pdf
from ..render.forms import form_document


def _mkdocs_nav():
    """The nav of mkdocs.yml, for callers outside a mkdocs build."""
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may carry !ENV or !!python tags; the nav never does.
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader).get("nav") or []


# (relative output path, HTML, fillable, field tooltips of a fillable PDF)
Job = tuple[Path, str, bool, "dict[str, str] | None"]


def _render_job(html: str, fillable: bool, epoch: int, tooltips: dict[str, str] | None) -> None:
    """Worker entry point: render into the cache."""
    render_pdf(html, fillable=fillable, epoch=epoch, tooltips=tooltips)


def edition_jobs(edition, common, nav=None) -> list[Job]:
    """Every form PDF of an edition and the form pack: (relative output path, HTML, fillable, tooltips)."""
    nav = _mkdocs_nav() if nav is None else nav
    forms = load_forms()
    # The pack follows the handbook's menu; forms not in it come after, by id.
    order = {Path(src).stem: i for i, (_, src) in enumerate(book.nav_pages(nav)) if src.startswith("forms/")}
    ids = sorted(forms, key=lambda fid: (order.get(fid, len(order)), fid))
    jobs: list[Job] = []
    docs = []
    for fid in ids:
        html = form_document(forms[fid], edition, common)
        docs.append((fid, forms[fid].title, html))
        jobs.append((Path("forms") / f"{fid}.pdf", html, False, None))
        jobs.append((Path("forms") / f"{fid}-fillable.pdf", html, True, input_tooltips(forms[fid])))
    jobs.append((Path(f"form-pack-{edition.year}.pdf"), book.pack_html(edition, docs), False, None))
    return jobs


def book_key(hb, epoch: int) -> str:
    """The cache key of the merged handbook: its whole content, the chunking and the merge code."""
    merge = hashlib.sha256(Path(book.__file__).read_bytes()).hexdigest()[:16]
    return cache_key(
        f"{hb.html}<!-- chunks {book.BOOK_CHUNKS} merge {merge} -->", fillable=False, epoch=epoch
    )


def _finish_book(hb, chunks, epoch: int) -> bytes:
    """Render the front (cover, contents, numbered pages; it needs every chunk's page counts) and merge."""
    datas = [cache_path(key).read_bytes() for key, _ in chunks]
    pairs = zip(datas, chunks, strict=True)
    counts = [n for data, (_, pages) in pairs for n in book.section_counts(data, pages)]
    front = render_pdf(hb.front_html(counts), fillable=False, epoch=epoch)
    return book.merge_book(front, datas, epoch=epoch)


def build_edition_pdfs(edition, common, site_dir: Path, *, nav=None, workers: int = 2) -> list[Path]:
    """Write site/pdf/: each form's print and fillable PDF, the form pack and the handbook of one edition."""
    site_dir = Path(site_dir)
    nav = _mkdocs_nav() if nav is None else nav
    epoch = edition_epoch(edition.year)
    jobs = [
        (rel, html, fill, tips, cache_key(html, fillable=fill, epoch=epoch, tooltips=tips))
        for rel, html, fill, tips in edition_jobs(edition, common, nav)
    ]
    hb = book.handbook(edition, site_dir, nav)
    key = book_key(hb, epoch)
    jobs.append((Path(f"handbook-{edition.year}.pdf"), None, False, None, key))
    # The handbook is laid out in chunks of pages, in parallel, each cached by content: editing a page
    # lays out only its chunk again. Chunks go first, as the merge waits for them.
    chunks = []
    if not cache_path(key).exists():
        for pages in hb.chunks(book.BOOK_CHUNKS):
            html = hb.chunk_html(pages)
            chunks.append((cache_key(html, fillable=False, epoch=epoch), pages, html))
    todo = {k: (html, False, None) for k, _, html in chunks if not cache_path(k).exists()}
    first = len(todo)
    # Then the longest documents first, so the workers finish together.
    rest = {
        k: (html, fill, tips)
        for _, html, fill, tips, k in jobs
        if html is not None and not cache_path(k).exists()
    }
    todo |= dict(sorted(rest.items(), key=lambda kv: -len(kv[1][0])))
    made = {}
    if len(todo) > 1 and workers > 1:
        # Fork (asked for: Python 3.14 changes the default): workers start with WeasyPrint imported.
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=fork) as pool:
            futures = [pool.submit(_render_job, html, fill, epoch, tip) for html, fill, tip in todo.values()]
            wait(futures[:first])
            for f in futures[:first]:
                f.result()
            if chunks:
                # Here, while the workers go on with the forms.
                made[key] = _finish_book(hb, [(k, pages) for k, pages, _ in chunks], epoch)
            for f in futures[first:]:
                f.result()
    else:
        for html, fill, tips in todo.values():
            _render_job(html, fill, epoch, tips)
        if chunks:
            made[key] = _finish_book(hb, [(k, pages) for k, pages, _ in chunks], epoch)
    for k, data in made.items():
        write_atomic(cache_path(k), data)
    out = []
    for rel, _, _, _, k in jobs:
        dest = site_dir / "pdf" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cache_path(k), dest)
        out.append(dest)
    return out
