"""The handbook's PDF from its parts: page counts of rendered chunks, the merge, outline, destinations."""

from __future__ import annotations

import io
import itertools
import warnings
from pathlib import Path
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem

from . import tags
from .fix import save, set_dates
from .fontmerge import merge_fonts

PRINT_CSS = Path(__file__).resolve().parent / "assets" / "print.css"
# The handbook is laid out in chunks of pages on several cores (WeasyPrint lays out on one) and merged.
# A chunk draws no page numbers: the front document (cover, contents and one empty page per body page)
# draws them, with the same @page rules, and merge_book puts each of its body pages under a chunk page.
BOOK_CHUNKS = 3
# Links from one chunk to another chunk's anchor carry this scheme until the merge resolves them.
CHUNK_SCHEME = "hb-anchor:"
NUMBER_XOBJECT = "/HbPageNumber"


def _dests(pdf: pikepdf.Pdf) -> NameTree | None:
    """A PDF's named destinations."""
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    return NameTree(tree) if tree is not None else None


def anchor_pages(chunk: bytes) -> tuple[int, dict[str, int]]:
    """A rendered chunk's page count and the page index of each of its anchors (named destinations)."""
    with pikepdf.open(io.BytesIO(chunk)) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        tree = _dests(pdf)
        at = {name: index[dest[0].objgen] for name, dest in (tree.items() if tree is not None else [])}
        return len(pdf.pages), at


def section_counts(total: int, at: dict[str, int], slugs: list[str]) -> list[int]:
    """How many of a chunk's `total` pages each section fills (each section starts a page; `at` as above)."""
    starts = [at[slug] for slug in slugs] + [total]
    counts = [b - a for a, b in itertools.pairwise(starts)]
    if starts[0] != 0 or min(counts) < 1:
        raise ValueError(f"chunk sections do not start pages in order: {starts}")
    return counts


def _outline(items, index: dict) -> list[OutlineItem]:
    """Copies of a chunk's outline items, pointing at the same places by page index in the finished book."""
    out = []
    for item in items:
        page, _, left, top, zoom = list(item.destination)
        copy = OutlineItem(
            str(item.title), index[page.objgen], "XYZ", left=float(left), top=float(top), zoom=float(zoom)
        )
        copy.is_closed = item.is_closed
        copy.children.extend(_outline(item.children, index))
        out.append(copy)
    return out


def _number_pages(pdf: pikepdf.Pdf, lead: int, body: int) -> None:
    """Draw each numbered placeholder page (after the chunk pages) under its chunk page, then drop it."""
    for i in range(body):
        # The placeholder carries only the page number in its margin: drawn first, the chunk page on top.
        # (Page.add_underlay would name the resource at random, and the bytes must not change.)
        page = pdf.pages[lead + body + i]
        if "/Resources" not in page.obj:
            page.obj.Resources = Dictionary()
        if "/XObject" not in page.obj.Resources:
            page.obj.Resources.XObject = Dictionary()
        page.obj.Resources.XObject[NUMBER_XOBJECT] = pdf.pages[lead + i].as_form_xobject()
        # An artifact: a screen reader skips the running header and number, as in the chunks' own tags.
        number = f"/Artifact BMC q {NUMBER_XOBJECT} Do Q EMC\n".encode()
        page.contents_add(pdf.make_stream(number), prepend=True)
    del pdf.pages[lead : lead + body]


def _resolve_links(pdf: pikepdf.Pdf, pages, names: set[str]) -> None:
    """Turn the chunks' links to other chunks (CHUNK_SCHEME URIs) into links to named destinations."""
    for page in pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            uri = str(annot.A.get("/URI", "")) if "/A" in annot else ""
            if uri.startswith(CHUNK_SCHEME):
                name = unquote(uri[len(CHUNK_SCHEME) :])
                if name not in names:
                    # WeasyPrint drops a link to a missing anchor; so does the merge.
                    continue
                annot.Dest = pikepdf.String(name)
                del annot["/A"]
            kept.append(annot)
        page.obj.Annots = kept


def page_labels(pdf: pikepdf.Pdf, lead: int) -> None:
    """Viewers show the printed numbers: the `lead` front pages i, ii, …, then "— 1 —" is page label 1."""
    nums = [0, Dictionary(S=Name.r)] if lead else []
    pdf.Root.PageLabels = Dictionary(Nums=Array([*nums, lead, Dictionary(S=Name.D, St=1)]))


def labelled_from(data: bytes, prefix: str) -> bytes:
    """A rendered PDF with page labels from 1 at its first anchor named `prefix`…, roman before it."""
    # That anchor's page is where the printed numbers start, after an unnumbered cover and contents.
    _, at = anchor_pages(data)
    lead = min((i for name, i in at.items() if name.startswith(prefix)), default=0)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_labels(pdf, lead)
        return save(pdf)


def merge_book(front: bytes, chunks: list[bytes], *, epoch: int) -> bytes:
    """The handbook: the front document's cover and contents, then the chunks' pages on its numbered ones."""
    pdf = pikepdf.open(io.BytesIO(front))
    parts = [pikepdf.open(io.BytesIO(c)) for c in chunks]
    try:
        body = sum(len(p.pages) for p in parts)
        lead = len(pdf.pages) - body
        if lead < 1:
            raise ValueError(f"the front document has {len(pdf.pages)} pages for {body} body pages")
        dests: dict[str, tuple[int, list]] = {}
        outline: list[OutlineItem] = []
        # The front's own tags (cover, contents); those of its numbered placeholders go with them.
        trees = [(tags.Tree(pdf, pdf), list(pdf.pages))]
        for part in parts:
            # Page indices as in the finished book (after the numbered placeholders are removed).
            base = len(pdf.pages) - body
            index = {p.objgen: base + i for i, p in enumerate(part.pages)}
            tree = _dests(part)
            for name, dest in tree.items() if tree is not None else []:
                dests.setdefault(name, (index[dest[0].objgen], list(dest)[1:]))
            with part.open_outline() as chunk_outline:
                outline += _outline(chunk_outline.root, index)
            with warnings.catch_warnings():
                # Named destinations and outlines are carried over here, by page index.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                pdf.pages.extend(part.pages)
            trees.append((tags.Tree(pdf, part), list(pdf.pages)[-len(part.pages) :]))
        _number_pages(pdf, lead, body)
        page_labels(pdf, lead)
        pdf.Root.Lang = pikepdf.String("zh-CN")
        _resolve_links(pdf, pdf.pages[lead:], set(dests))
        if "/Names" in pdf.Root:
            del pdf.Root["/Names"]
        tree = NameTree.new(pdf)
        for name in sorted(dests):
            page, rest = dests[name]
            tree[name] = Array([pdf.pages[page].obj, *rest])
        pdf.Root.Names = Dictionary(Dests=tree.obj)
        with pdf.open_outline() as book_outline:
            book_outline.root[:] = outline
        # One structure tree for the whole book: a screen reader reads it in order, in Chinese.
        tags.merge(pdf, trees)
        merge_fonts(pdf)
        set_dates(pdf, epoch)
        return save(pdf)
    finally:
        for part in parts:
            part.close()
        pdf.close()
