"""PDF render workers: small processes with only WeasyPrint and the PDF engine loaded."""

from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import weasyprint  # noqa: F401 - loaded once in the fork server, so every worker starts warm

from ..atomic import write_atomic
from ..pdf import book, engine


def render_job(
    html: str,
    fillable: bool,
    epoch: int,
    cache_dir: Path | None = None,
    tooltips: dict[str, str] | None = None,
    tagged: bool = True,
) -> None:
    """Render into the cache (`cache_dir`: the caller's, for a worker), then free what the render left."""
    if cache_dir is not None:
        engine.CACHE_DIR = cache_dir
    engine.render_pdf(html, fillable=fillable, epoch=epoch, tooltips=tooltips, tagged=tagged)
    # A WeasyPrint render leaves reference cycles holding whole font files (tens of MB a face) that the
    # collector's thresholds seldom reach: without this, each render adds ~50 MB to the process.
    gc.collect()


def book_job(front_html: str, chunk_keys: list[str], epoch: int, key: str, cache_dir: Path | None = None):
    """Render the handbook's front document, merge it with its rendered chunks and cache the book as `key`."""
    if cache_dir is not None:
        engine.CACHE_DIR = cache_dir
    front = engine.render_pdf(front_html, fillable=False, epoch=epoch)
    chunks = [engine.cache_path(k).read_bytes() for k in chunk_keys]
    write_atomic(engine.cache_path(key), book.merge_book(front, chunks, epoch=epoch))
    gc.collect()


def render_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a fresh server process that has only this module loaded: a forked worker's
    memory counts everything its parent held, and the parent may be a whole mkdocs build."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    # Frozen, the modules' objects are left out of every collection: render_job's collection takes
    # milliseconds instead of a tenth of a second.
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.freeze)
