"""Several editions' PDFs on one pool: the same files as rendering each alone, a shared document made once,
and a failed render stops the batch before anything is published."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.jobs import edition_pdfs as E
from handbook.model.context import year_context
from handbook.pdf import engine as P
from handbook.pdf import fonts as F
from handbook.render.book import BookPage

from .test_pdf import HAND_FORM

pytestmark = pytest.mark.slow


def _pages(year: int) -> list[BookPage]:
    """Four short handbook pages, so the book has its three chunks, a front and a merge."""
    return [
        BookPage(f"p{i}", "第一部分", f"第{i}页", f'<h1 id="p{i}-t">第{i}页</h1><p>{year}年度的第{i}页。</p>')
        for i in range(1, 5)
    ]


def _plan(year: int, site: Path, shared: str, own: str) -> E.EditionPdfs:
    """One edition's PDFs: its book, a document every edition has (`shared`) and one of its own."""
    ctx = year_context(year)
    ed = E.plan_book_pdf(ctx, site, _pages(year))
    epoch = ed.epoch
    outputs = [
        (Path("pdf/shared.pdf"), shared, False, None, P.cache_key(shared, fillable=False, epoch=epoch)),
        (Path("pdf/own.pdf"), own, True, None, P.cache_key(own, fillable=True, epoch=epoch)),
    ]
    ed.outputs = outputs + ed.outputs
    return ed


def _build(tmp: Path, workers: int, years=(2026, 2025), own=HAND_FORM) -> dict[str, bytes]:
    """Render editions in one batch into tmp/cache, site i for the i-th year; the published files by path
    under tmp/site."""
    P.CACHE_DIR = tmp / "cache"
    with E.PdfBatch(workers) as batch:
        for i, y in enumerate(years):
            batch.add(_plan(y, tmp / "site" / str(i), HAND_FORM.replace("测试表", "共用表"),
                            own.replace("测试表", f"第{i}个表")))
        batch.finish()
    return {p.relative_to(tmp / "site").as_posix(): p.read_bytes() for p in (tmp / "site").rglob("*.pdf")}


@pytest.fixture
def cache_dir(monkeypatch):
    monkeypatch.setattr(P, "CACHE_DIR", P.CACHE_DIR)


def test_batch_publishes_what_each_edition_renders_alone(tmp_path, cache_dir):
    pooled = _build(tmp_path / "pool", workers=2)
    serial = _build(tmp_path / "serial", workers=1)
    names = {f"{i}/pdf/{n}" for i, y in enumerate((2026, 2025)) for n in ("shared.pdf", "own.pdf",
                                                                          f"handbook-{y}.pdf")}
    assert set(pooled) == names
    # Byte for byte: the pool changes when a file is made, never what is in it.
    assert pooled == serial
    # Each edition's files carry its own dates, so no two are the same file.
    assert pooled["0/pdf/shared.pdf"] != pooled["1/pdf/shared.pdf"]


def test_a_document_two_sites_share_renders_once(tmp_path, cache_dir):
    got = _build(tmp_path, workers=2, years=(2026, 2026))
    assert got["0/pdf/shared.pdf"] == got["1/pdf/shared.pdf"]
    assert got["0/pdf/handbook-2026.pdf"] == got["1/pdf/handbook-2026.pdf"]
    assert got["0/pdf/own.pdf"] != got["1/pdf/own.pdf"]
    # One shared document, two own ones, and one book: 3 chunks, its front and the merged book.
    assert len(list((tmp_path / "cache").glob("*.pdf"))) == 1 + 2 + 5


def test_failed_render_stops_the_batch_and_publishes_nothing(tmp_path, cache_dir):
    ch = next(c for c in ("\U00020000", "\ue000", "\U0010fffd") if ord(c) not in F.coverage())
    with pytest.raises(F.MissingGlyphError) as err:
        _build(tmp_path, workers=2, own=HAND_FORM.replace("意见和建议", f"意见{ch}建议"))
    assert f"U+{ord(ch):04X}" in str(err.value)
    assert not (tmp_path / "site").exists()
