"""Fast pre-filled PDFs: WeasyPrint renders each layout once; values are drawn on copies of its pages.

A `Layout` is one HTML document rendered twice by WeasyPrint: a print version (the page background,
through the PDF cache) and a fillable version that is only read for the rectangle of every named
field (rendered without its <form> element: WeasyPrint searches the whole form for each input's label,
which costs the square of a long list's rows). An `OverlayFont` is the form font (Noto Serif CJK SC): its
cmap gives the Unicode→CID map and its hmtx the widths, and HarfBuzz cuts it to a batch's characters
once. `Writer` then makes each output PDF from pikepdf copies of the background pages plus content streams
that draw the values inside the field rectangles, embedding a subset of the batch font cut to that file's
characters: no layout engine runs per unit, and a file carries only its own glyphs.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field

import pikepdf
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator, String

from ..atomic import write_atomic
from ..paths import cache_dir
from .engine import cache_key, render_pdf, weasyprint_pdf
from .fix import set_dates, tounicode_cmap, w_array
from .fonts import coverage, drawn, font_file, missing

CACHE_DIR = cache_dir("pack")
FONT_FAMILY = "Noto Serif CJK SC"
# Noto CJK's ideographic em box runs from -0.12 to 0.88 of the size around the baseline.
EM_DESCENT = 0.12
EM_CENTER = 0.38
MIN_SIZE = 5.0
PAD = 1.5  # pt of left padding inside a field, as the print CSS gives inputs (0.5 mm)
# Characters that must not start a line (Chinese typesetting): they hang at the end of the line before.
NO_LINE_START = set("，。、；：？！”’）》」』】〕…—·%,.;:?!)]}")
# The cuts keep only what a PDF CIDFontType0C needs: outlines (CFF) and the tables HarfBuzz maps with.
_DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "name", "post", "DSIG")
_CUT_FLAGS = (
    hb.SubsetFlags.NO_HINTING
    | hb.SubsetFlags.DESUBROUTINIZE
    | hb.SubsetFlags.NOTDEF_OUTLINE
    | hb.SubsetFlags.NO_LAYOUT_CLOSURE
)


class OverlayError(Exception):
    """A layout or the overlay font could not be prepared."""


# ---------------------------------------------------------------------------------------------- font


def _cut(face: hb.Face, *, glyphs=(), unicodes=()) -> hb.Face:
    """A subset of `face` with the given glyph ids and/or code points (CIDs stay those of the font)."""
    inp = hb.SubsetInput()
    inp.glyph_set.update(glyphs)
    inp.unicode_set.update(unicodes)
    inp.flags = _CUT_FLAGS
    inp.drop_table_tag_set.update(int.from_bytes(tag.encode(), "big") for tag in _DROP_TABLES)
    return hb.subset(face, inp)


@dataclass
class OverlayFont:
    """The form font for drawn values: Unicode→CID, CID widths, and the batch's glyphs to cut per file."""

    family: str
    cids: dict[str, int]
    widths: dict[int, float]
    batch: bytes  # the batch's glyphs as an OpenType font, the source of every file's subset
    descriptor: dict  # FontDescriptor numbers (1000 units per em)
    ros: tuple[str, str, int]
    ps_name: str
    coverage: frozenset[int] = field(repr=False, default=frozenset())
    default_width: float = 1000.0
    _face: hb.Face | None = field(default=None, repr=False)
    _cuts: dict = field(default_factory=dict, repr=False)
    _chars: dict[int, str] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        # CID → character for the ToUnicode map and the cuts (the first character when several share a glyph).
        for ch, cid in sorted(self.cids.items()):
            self._chars.setdefault(cid, ch)

    def missing(self, text: str) -> list[str]:
        """Characters of `text` the font cannot draw (spaces are drawn as gaps)."""
        return missing(text, self.coverage)

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` pt."""
        total = 0.0
        for ch in text:
            if ch.isspace():
                total += 250 if ch != "\u3000" else 1000
            elif drawn(ch):
                total += self.widths.get(self.cids[ch], self.default_width)
        return total * size / 1000

    def tj(self, text: str) -> Array:
        """A TJ operand array: 2-byte CIDs (Identity-H), spaces as positioning gaps."""
        parts: list = []
        run = bytearray()
        for ch in text:
            if ch.isspace():
                if run:
                    parts.append(String(bytes(run)))
                    run = bytearray()
                parts.append(-1000 if ch == "\u3000" else -250)
            elif drawn(ch):
                run += self.cids[ch].to_bytes(2, "big")
        if run:
            parts.append(String(bytes(run)))
        return Array(parts)

    def _cff(self, cids: tuple[int, ...]) -> bytes:
        """The bare CFF of the batch font cut to `cids` (kept for repeated sets, such as blank forms)."""
        if cids not in self._cuts:
            if self._face is None:
                self._face = hb.Face(self.batch)
            if len(self._cuts) > 256:
                self._cuts.clear()
            cut = _cut(self._face, unicodes=[ord(self._chars[c]) for c in cids])
            self._cuts[cids] = cut.reference_table("CFF ").data
        return self._cuts[cids]

    def embed(self, pdf: pikepdf.Pdf, cids: set[int]):
        """A Type0 font in `pdf` holding only the glyphs of `cids` (a file's characters)."""
        used = tuple(sorted(cids))
        digest = hashlib.sha256(repr(used).encode()).digest()
        # The subset tag names the glyph set, so two files with the same glyphs name their font alike.
        base = Name("/" + "".join(chr(65 + b % 26) for b in digest[:6]) + "+" + self.ps_name)
        desc = Dictionary(Type=Name.FontDescriptor, FontName=base, FontFamily=String(self.family))
        for key, value in self.descriptor.items():
            desc[key] = Array(value) if isinstance(value, list) else value
        desc.FontFile3 = pdf.make_stream(self._cff(used), Subtype=Name.CIDFontType0C)
        registry, ordering, supplement = self.ros
        cid_font = Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType0,
            BaseFont=base,
            CIDSystemInfo=Dictionary(
                Registry=String(registry), Ordering=String(ordering), Supplement=supplement
            ),
            FontDescriptor=pdf.make_indirect(desc),
            DW=self.default_width,
            W=w_array({c: self.widths[c] for c in used}, self.default_width),
        )
        return pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.Type0,
                BaseFont=base,
                Encoding=Name("/Identity-H"),
                DescendantFonts=Array([pdf.make_indirect(cid_font)]),
                ToUnicode=pdf.make_stream(tounicode_cmap([(c, c, self._chars[c]) for c in used])),
            )
        )


def build_font(chars: set[str], family: str = FONT_FAMILY) -> OverlayFont:
    """The form font for `chars`: CIDs and widths from its cmap and hmtx, its glyphs cut by HarfBuzz."""
    found = font_file(family)
    if found is None:
        raise OverlayError(f"没有安装表格字体 {family}：请安装 fonts-noto-cjk（见 scripts/ensure_system.sh）")
    path, index = found
    tt = TTFont(path, fontNumber=index, lazy=True)
    if "CFF " not in tt or not hasattr(tt["CFF "].cff.topDictIndex[0], "ROS"):
        raise OverlayError(f"表格字体 {family}（{path}）不是 CID 字体，无法用于填写")
    cover = coverage((family,))
    cmap = tt.getBestCmap()
    upem = tt["head"].unitsPerEm
    hmtx = tt["hmtx"]
    cids: dict[str, int] = {}
    widths: dict[int, float] = {}
    gids = {0}
    for ch in sorted(chars):
        name = cmap.get(ord(ch)) if drawn(ch) and ord(ch) in cover else None
        if name is None:
            continue  # reported by missing() before anything is drawn
        # CID-keyed CFF glyphs are named cidNNNNN after their CID, which is the code a PDF draws them with.
        cids[ch] = int(name[3:])
        widths[cids[ch]] = round(hmtx[name][0] * 1000 / upem)
        gids.add(tt.getGlyphID(name))
    head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]

    def em(v: float) -> int:
        return round(v * 1000 / upem)

    top = tt["CFF "].cff.topDictIndex[0]
    face = hb.Face(hb.Blob.from_file_path(path), index)
    return OverlayFont(
        family=family,
        cids=cids,
        widths=widths,
        # The code points go in too, so the batch font's cmap has them for the cuts per file.
        batch=_cut(face, glyphs=sorted(gids), unicodes=sorted(ord(ch) for ch in cids)).blob.data,
        descriptor={
            "/Flags": 6,
            "/FontBBox": [em(head.xMin), em(head.yMin), em(head.xMax), em(head.yMax)],
            "/ItalicAngle": 0,
            "/Ascent": em(hhea.ascent),
            "/Descent": em(hhea.descent),
            "/CapHeight": em(getattr(os2, "sCapHeight", hhea.ascent)),
            "/StemV": 80,
        },
        ros=(top.ROS[0], top.ROS[1], int(top.ROS[2])),
        ps_name=tt["name"].getDebugName(6) or family.replace(" ", ""),
        coverage=cover,
    )


# ---------------------------------------------------------------------------------------------- layouts


@dataclass(frozen=True)
class Widget:
    """One field rectangle on a page of a layout; `state` is the value a radio kid stands for."""

    name: str
    page: int
    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points, y upwards
    kind: str  # text, radio, check
    state: str | None = None


@dataclass
class Layout:
    """One rendered document: its print pages (background) and its field rectangles."""

    key: str
    pdf_bytes: bytes
    widgets: dict[str, list[Widget]]
    n_pages: int
    font_size: float = 10.5
    rows: dict[int, list[int]] | None = field(default=None, repr=False)  # list rows by page, for callers
    _pdf: pikepdf.Pdf | None = field(default=None, repr=False)
    _xobjects: list | None = field(default=None, repr=False)

    @property
    def pdf(self) -> pikepdf.Pdf:
        """The print PDF, opened lazily once per process."""
        if self._pdf is None:
            self._pdf = pikepdf.open(io.BytesIO(self.pdf_bytes))
        return self._pdf

    def xobject(self, page: int):
        """Page `page` of the print PDF as a form XObject (made once per process)."""
        if self._xobjects is None:
            self._xobjects = [self.pdf.make_indirect(p.as_form_xobject()) for p in self.pdf.pages]
        return self._xobjects[page]

    def mediabox(self, page: int) -> list[float]:
        """The page size of page `page`."""
        return [float(x) for x in self.pdf.pages[page].mediabox]


def _widgets(data: bytes) -> tuple[dict[str, list[Widget]], int]:
    """Every named widget of a fillable PDF, in page and reading order."""
    out: dict[str, list[Widget]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for i, page in enumerate(pdf.pages):
            for a in page.obj.get("/Annots", []):
                if a.get("/Subtype") != "/Widget":
                    continue
                parent = a.get("/Parent")
                name = str(a.get("/T") or (parent.get("/T") if parent is not None else ""))
                ftype = a.get("/FT") or (parent.get("/FT") if parent is not None else None)
                x0, y0, x1, y1 = (float(v) for v in a.Rect)
                rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                kind = "text"
                if ftype == "/Btn":
                    flags = int(a.get("/Ff", parent.get("/Ff", 0) if parent is not None else 0))
                    kind = "radio" if flags & (1 << 15) else "check"
                out.setdefault(name, []).append(Widget(name, i, rect, kind))
        return out, len(pdf.pages)


def _with_states(widgets: dict[str, list[Widget]], states: dict[str, list[str]]) -> dict[str, list[Widget]]:
    """Radio kids get the value they stand for, in item order (WeasyPrint keeps document order)."""
    out = {}
    for name, ws in widgets.items():
        values = states.get(name)
        if values and len(values) == len(ws):
            ws = [Widget(w.name, w.page, w.rect, w.kind, v) for w, v in zip(ws, values, strict=True)]
        out[name] = ws
    return out


def _formless(html: str) -> str:
    """The document with its <form> elements as <div>s: the same boxes, and inputs WeasyPrint files under no
    form, so it does not search the form's whole tree for every input's label (quadratic in a list's rows)."""
    return re.sub(r"<(/?)form\b", r"<\1div", html, flags=re.IGNORECASE)


def background_layout(key: str, html: str) -> Layout:
    """A layout with pages only, no fields (the page numbers drawn under a list's pages)."""
    background = render_pdf(html, fillable=False, tagged=False)
    with pikepdf.open(io.BytesIO(background)) as bg:
        return Layout(key, background, {}, len(bg.pages))


def build_layout(
    key: str, html: str, *, font_size: float, states: dict[str, list[str]] | None = None
) -> Layout:
    """Render `html` as page background (cached by macros.pdf) plus its field rectangles (cached)."""

    # Untagged: values are stamped on this page later and Writer tags each page whole (a Div and a P).
    background = render_pdf(html, fillable=False, tagged=False)
    # cache_key carries the digest of handbook/pdf/ (this module included): no version to bump.
    digest = hashlib.sha256(("layout\0" + cache_key(html, fillable=True)).encode()).hexdigest()
    path = CACHE_DIR / f"{digest}.json"
    if path.exists():
        raw = json.loads(path.read_text("utf-8"))
        widgets = {n: [Widget(n, w[0], tuple(w[1]), w[2]) for w in ws] for n, ws in raw["widgets"].items()}
        n_pages = raw["pages"]
    else:
        widgets, n_pages = _widgets(weasyprint_pdf(_formless(html), True, None))
        raw = {
            "pages": n_pages,
            "widgets": {n: [[w.page, list(w.rect), w.kind] for w in ws] for n, ws in widgets.items()},
        }
        write_atomic(path, json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    with pikepdf.open(io.BytesIO(background)) as bg:
        if len(bg.pages) != n_pages:
            raise OverlayError(
                f"{key}: print and fillable renderings differ in pages ({len(bg.pages)} ≠ {n_pages})"
            )
    return Layout(key, background, _with_states(widgets, states or {}), n_pages, font_size)


# ---------------------------------------------------------------------------------------------- drawing


def _num(x: float) -> float:
    """A coordinate to two decimals (pikepdf writes it short; + 0.0 turns -0.0 into 0)."""
    return round(x, 2) + 0.0


def _op(op: str, *operands) -> ContentStreamInstruction:
    return ContentStreamInstruction(list(operands), Operator(op))


class Canvas:
    """Content-stream instructions for one page's overlay, and the CIDs they draw."""

    def __init__(self, font: OverlayFont):
        self.font = font
        self.ops: list[ContentStreamInstruction] = []
        self.cids: set[int] = set()

    def text(self, x: float, y: float, size: float, text: str) -> None:
        """Draw one line of text with its baseline at (x, y)."""
        if text:
            self.cids.update(self.font.cids[ch] for ch in text if drawn(ch))
            self.ops += [
                _op("BT"),
                _op("Tf", Name.FPack, _num(size)),
                _op("Td", _num(x), _num(y)),
                _op("TJ", self.font.tj(text)),
                _op("ET"),
            ]

    def cover(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Paint a white rectangle over part of the background."""
        self.ops += [
            _op("g", 1),
            _op("re", _num(x0), _num(y0), _num(x1 - x0), _num(y1 - y0)),
            _op("f"),
            _op("g", 0),
        ]

    def tick(self, rect: tuple[float, float, float, float]) -> None:
        """A tick mark drawn as a path inside a box or circle."""
        x0, y0, x1, y1 = rect
        w, h = x1 - x0, y1 - y0
        self.ops += [
            _op("q"),
            _op("G", 0),
            _op("w", _num(max(0.6, w * 0.12))),
            _op("J", 1),
            _op("j", 1),
            _op("m", _num(x0 + w * 0.15), _num(y0 + h * 0.5)),
            _op("l", _num(x0 + w * 0.42), _num(y0 + h * 0.18)),
            _op("l", _num(x0 + w * 0.95), _num(y0 + h * 0.95)),
            _op("S"),
            _op("Q"),
        ]

    def fit(
        self,
        rect: tuple[float, float, float, float],
        text: str,
        size: float,
        *,
        align: str = "left",
        lines: int | None = None,
        pad: float = PAD,
        indent: float = 0.0,
        leading: float = 1.25,
    ) -> None:
        """Draw `text` inside `rect`: one line when it fits, else smaller and wrapped; never outside."""
        if not text:
            return
        x0, y0, x1, y1 = rect
        width, height = x1 - x0 - 2 * pad, y1 - y0
        size = min(size, height * 0.8)
        chosen: tuple[float, list[str]] | None = None
        tries = [text]
        if "（" in text[1:] and "\n" not in text and lines == 2:
            # A label such as 王芳（第一党小组，1980年5月）reads best broken before its parenthesis when
            # that costs at most a quarter of the size; plain wrapping is the fallback.
            at = text.index("（", 1)
            tries.insert(0, text[:at] + "\n" + text[at:])
        for candidate in tries:
            s = size
            while s >= (size * 0.75 if candidate is not tries[-1] else MIN_SIZE):
                max_lines = max(1, int((height + s * (leading - 1)) // (s * leading)))
                if lines is not None:
                    max_lines = min(max_lines, lines)
                wrapped = self.wrap(candidate, width, s, indent=indent * s / size if size else 0)
                if len(wrapped) <= max_lines:
                    chosen = (s, wrapped)
                    break
                s = round(s - 0.25, 2)
            if chosen is not None:
                break
        if chosen is None:
            s = MIN_SIZE
            chosen = (s, self.wrap(text, width, s)[: max(1, int(height // (s * leading)))])
        s, wrapped = chosen
        block = s + (len(wrapped) - 1) * s * leading
        top_baseline = (y0 + y1) / 2 + block / 2 - s + s * EM_DESCENT
        if len(wrapped) == 1:
            # A shrunk single line keeps the baseline full-size text would have: it sits on the ruled line.
            top_baseline = (y0 + y1) / 2 - size / 2 + size * EM_DESCENT
        for i, line in enumerate(wrapped):
            first = indent * s / size if (i == 0 and size) else 0.0
            w = self.font.width(line, s)
            x = x0 + (x1 - x0 - w) / 2 if align == "center" else x0 + pad + first
            self.text(x, top_baseline - i * s * leading, s, line)

    def wrap(self, text: str, width: float, size: float, *, indent: float = 0.0) -> list[str]:
        """Lines of at most `width` pt: any character may break, but no line starts with 。or ，."""
        out: list[str] = []
        for para in text.split("\n"):
            line = ""
            avail = width - indent if not out else width
            for ch in para:
                if line and self.font.width(line + ch, size) > avail and ch not in NO_LINE_START:
                    out.append(line)
                    line = ""
                    avail = width
                if line or not ch.isspace():
                    line += ch
            out.append(line)
        return out

    def page(self, layout: Layout, page: int, under: tuple[Layout, int] | None = None) -> PageSpec:
        """This overlay on page `page` of `layout` (and `under`'s page drawn with it: a page number)."""
        return PageSpec(layout, page, pikepdf.unparse_content_stream(self.ops), frozenset(self.cids), under)


@dataclass
class PageSpec:
    """One output page: a background page of a layout, the overlay drawn on it and the CIDs it uses;
    `under` is a page of another layout drawn with the background (a list page's number)."""

    layout: Layout
    page: int
    overlay: bytes
    cids: frozenset[int] = frozenset()
    under: tuple[Layout, int] | None = None


_BACKGROUND = pikepdf.unparse_content_stream([_op("q"), _op("Do", Name.BG), _op("Q")])
# Tags of an output page: the printed form (the background, its text in reading order) is one division,
# the values drawn on it one paragraph after it: every mark on the page is reached from the tree. A list
# page's number, drawn from another layout, is a pagination artifact.
_FORM_TAG = b"/Div <</MCID 0>> BDC\n"
_VALUES_TAG = b"/P <</MCID 1>> BDC\n"
_TAG_END = b"\nEMC"
_UNDER = (
    b"/Artifact <</Type /Pagination>> BDC\n"
    + pikepdf.unparse_content_stream([_op("q"), _op("Do", Name.PN), _op("Q")])
    + _TAG_END
)
_OVERLAY_START = pikepdf.unparse_content_stream([_op("q"), _op("g", 0)])
_OVERLAY_END = pikepdf.unparse_content_stream([_op("Q")])


class Writer:
    """Assemble output PDFs from background pages and overlays; each call is one deterministic file."""

    def __init__(self, font: OverlayFont, *, title: str, epoch: int):
        self.font = font
        self.title = title
        self.epoch = epoch

    @staticmethod
    def _tag_page(pdf: pikepdf.Pdf, doc: Dictionary, page: Dictionary, values: bool) -> Array:
        """The structure elements of one output page under `doc`: its parent-tree row (by MCID)."""
        row = Array()
        for mcid, kind in enumerate([Name.Div, Name.P] if values else [Name.Div]):
            elem = Dictionary(Type=Name.StructElem, S=kind, P=doc, Pg=page, K=Array([mcid]))
            elem = pdf.make_indirect(elem)
            doc.K.append(elem)
            row.append(elem)
        return row

    @staticmethod
    def _tag_root(pdf: pikepdf.Pdf, doc: Dictionary, parents, n: int) -> None:
        """The structure tree root over `doc`, the document marked and in Chinese."""
        root = Dictionary(Type=Name.StructTreeRoot, K=Array([doc]), ParentTree=parents.obj)
        root.ParentTreeNextKey = n
        doc.P = pdf.make_indirect(root)
        pdf.Root.StructTreeRoot = doc.P
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.Lang = String("zh-CN")

    def pdf_bytes(self, pages: list[PageSpec], title: str | None = None) -> bytes:
        """One PDF of `pages`: backgrounds copied once per file, the font cut to the file's characters."""
        pdf = pikepdf.new()
        cids = set().union(*(spec.cids for spec in pages))
        font = self.font.embed(pdf, cids) if cids else None
        xobjects: dict[tuple[str, int], object] = {}
        doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        parents = pikepdf.NumberTree.new(pdf)

        def xobject(layout: Layout, page: int):
            k = (layout.key, page)
            if k not in xobjects:
                xobjects[k] = pdf.copy_foreign(layout.xobject(page))
            return xobjects[k]

        for n, spec in enumerate(pages):
            res = Dictionary(XObject=Dictionary(BG=xobject(spec.layout, spec.page)))
            content = _FORM_TAG + _BACKGROUND + _TAG_END
            if spec.under:
                res.XObject.PN = xobject(*spec.under)
                content = b"\n".join((content, _UNDER))
            if spec.overlay:
                if spec.cids:
                    res.Font = Dictionary(FPack=font)
                values = b"\n".join((_OVERLAY_START, spec.overlay, _OVERLAY_END))
                content = b"\n".join((content, _VALUES_TAG + values + _TAG_END))
            page = Dictionary(
                Type=Name.Page,
                MediaBox=Array(spec.layout.mediabox(spec.page)),
                Resources=res,
                Contents=pdf.make_stream(content),
                StructParents=n,
            )
            pdf.pages.append(pikepdf.Page(page))
            parents[n] = self._tag_page(pdf, doc, pdf.pages[-1].obj, bool(spec.overlay))
        self._tag_root(pdf, doc, parents, len(pages))
        pdf.docinfo.Title = String(title or self.title)
        # PDF/UA: viewers show the title, not the file name.
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        pdf.docinfo.Producer = String("zzshh-handbook pack")
        set_dates(pdf, self.epoch)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
        pdf.close()
        return out.getvalue()

