"""Fast pre-filled PDFs: WeasyPrint renders each layout once; values are drawn on copies of its pages.

A `Layout` is one HTML document rendered twice by WeasyPrint: a print version (the page background,
through macros.pdf's cache) and a fillable version that is only read for the rectangle of every named
field. An `OverlayFont` is the form font (Noto Serif CJK SC) subset to every character a batch needs,
taken from one tiny WeasyPrint render, with a Unicode→CID map inverted from its /ToUnicode CMap.
`Writer` then makes each output PDF from pikepdf copies of the background pages plus a content stream
that draws the values inside the field rectangles: no layout engine runs per unit.
"""

from __future__ import annotations

import hashlib
import html as htmlmod
import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..atomic import write_atomic
from ..paths import ROOT
from .engine import WIDGET_FONT_CSS, _add_style, cache_key, render_pdf
from .fix import cid_widths, set_dates

CACHE_DIR = ROOT / ".cache" / "pack"
FONT_FAMILY = "Noto Serif CJK SC"
# Noto CJK's ideographic em box runs from -0.12 to 0.88 of the size around the baseline.
EM_DESCENT = 0.12
EM_CENTER = 0.38
MIN_SIZE = 5.0
PAD = 1.5  # pt of left padding inside a field, as the print CSS gives inputs (0.5 mm)
# Characters that must not start a line (Chinese typesetting): they hang at the end of the line before.
NO_LINE_START = set("，。、；：？！”’）》」』】〕…—·%,.;:?!)]}")
CODE_VERSION = "overlay-1"


class OverlayError(Exception):
    """A layout or the overlay font could not be prepared."""


# ---------------------------------------------------------------------------------------------- font


@dataclass
class OverlayFont:
    """The form font subset to a batch's characters: Unicode→CID, CID widths and the PDF font object."""

    pdf_bytes: bytes
    objgen: tuple[int, int]
    cids: dict[str, int]
    widths: dict[int, float]
    default_width: float = 1000.0
    _pdf: pikepdf.Pdf | None = field(default=None, repr=False)

    @property
    def pdf(self) -> pikepdf.Pdf:
        """The small PDF holding the font object (opened lazily, once per process)."""
        if self._pdf is None:
            self._pdf = pikepdf.open(io.BytesIO(self.pdf_bytes))
        return self._pdf

    def font_object(self):
        """The Type0 font dictionary inside `pdf`."""
        return self.pdf.get_object(self.objgen)

    def missing(self, text: str) -> list[str]:
        """Characters of `text` the font cannot draw (spaces are drawn as gaps)."""
        return [ch for ch in dict.fromkeys(text) if not _is_gap(ch) and ch not in self.cids]

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` at `size` pt."""
        total = 0.0
        for ch in text:
            if _is_gap(ch):
                total += 250 if ch != "\u3000" else 1000
            else:
                total += self.widths.get(self.cids[ch], self.default_width)
        return total * size / 1000

    def tj(self, text: str) -> bytes:
        """A TJ operand array: 2-byte CIDs (Identity-H), spaces as positioning gaps."""
        parts: list[bytes] = []
        run = bytearray()
        for ch in text:
            if _is_gap(ch):
                if run:
                    parts.append(b"<" + run.hex().upper().encode() + b">")
                    run = bytearray()
                parts.append(b"-1000" if ch == "\u3000" else b"-250")
            else:
                run += self.cids[ch].to_bytes(2, "big")
        if run:
            parts.append(b"<" + run.hex().upper().encode() + b">")
        return b"[" + b" ".join(parts) + b"]"


def _is_gap(ch: str) -> bool:
    return ch.isspace()


def _parse_tounicode(data: bytes) -> dict[int, str]:
    """CID → text from a ToUnicode CMap (bfchar and bfrange sections)."""
    out: dict[int, str] = {}

    def text(hexs: bytes) -> str:
        return bytes.fromhex(hexs.decode()).decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block
        ):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if rest.startswith(b"["):
                for i, dst in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", rest)):
                    out[lo_i + i] = text(dst)
            else:
                start = bytes.fromhex(rest[1:-1].decode())
                for i in range(hi_i - lo_i + 1):
                    last = int.from_bytes(start[-2:], "big") + i
                    out[lo_i + i] = (start[:-2] + last.to_bytes(2, "big")).decode(
                        "utf-16-be", errors="replace"
                    )
    return out


def build_font(chars: set[str]) -> OverlayFont:
    """Render `chars` once in the form font and keep that font subset with its Unicode→CID map."""

    wanted = sorted(ch for ch in chars if not _is_gap(ch) and unicodedata.category(ch)[0] != "C")
    # One character per span, spaced: no ligatures, kerning or contextual forms can merge or swap glyphs.
    spans = " ".join(f"<span>{htmlmod.escape(ch)}</span>" for ch in wanted) or "<span>一</span>"
    doc = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        f'@page {{ size: A4; margin: 10mm; }} body {{ font-family: "{FONT_FAMILY}"; font-size: 10pt;'
        " font-variant-ligatures: none; font-kerning: none; word-break: break-all; }</style></head>"
        f"<body><p>{spans}</p></body></html>"
    )
    data = render_pdf(doc, fillable=False)
    pdf = pikepdf.open(io.BytesIO(data))
    best = None
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Subtype") != "/Type0":
            continue
        if "NotoSerifCJK" not in re.sub(r"[\s_-]", "", str(obj.get("/BaseFont", ""))):
            continue
        to_uni = _parse_tounicode(obj.ToUnicode.read_bytes()) if "/ToUnicode" in obj else {}
        if best is None or len(to_uni) > len(best[1]):
            best = (obj, to_uni)
    if best is None:
        raise OverlayError(f"WeasyPrint did not use the font {FONT_FAMILY}: install fonts-noto-cjk")
    obj, to_uni = best
    cids: dict[str, int] = {}
    for cid in sorted(to_uni):
        text = to_uni[cid]
        if len(text) == 1 and text in chars:
            cids.setdefault(text, cid)
    desc = obj.DescendantFonts[0]
    return OverlayFont(
        pdf_bytes=data,
        objgen=obj.objgen,
        cids=cids,
        widths=cid_widths(desc.get("/W")),
        default_width=float(desc.get("/DW", 1000)),
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

    def rect(self, name: str) -> Widget:
        """The single widget of a text field."""
        return self.widgets[name][0]


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _fillable(html: str) -> bytes:
    """The fillable rendering, only to read field rectangles (fields use a small font, as in macros.pdf)."""
    import weasyprint


    handler = _Warnings()
    wlog = logging.getLogger("weasyprint")
    wlog.addHandler(handler)
    try:
        return weasyprint.HTML(string=_add_style(html, WIDGET_FONT_CSS)).write_pdf(pdf_forms=True)
    finally:
        wlog.removeHandler(handler)


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


def build_layout(
    key: str, html: str, *, font_size: float, states: dict[str, list[str]] | None = None
) -> Layout:
    """Render `html` as page background (cached by macros.pdf) plus its field rectangles (cached)."""

    background = render_pdf(html, fillable=False)
    digest = hashlib.sha256((CODE_VERSION + cache_key(html, fillable=True)).encode()).hexdigest()
    path = CACHE_DIR / f"{digest}.json"
    if path.exists():
        raw = json.loads(path.read_text("utf-8"))
        widgets = {n: [Widget(n, w[0], tuple(w[1]), w[2]) for w in ws] for n, ws in raw["widgets"].items()}
        n_pages = raw["pages"]
    else:
        widgets, n_pages = _widgets(_fillable(html))
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


def _num(x: float) -> bytes:
    return (f"{x:.2f}".rstrip("0").rstrip(".") or "0").encode()


class Canvas:
    """Content-stream operators for one page's overlay."""

    def __init__(self, font: OverlayFont):
        self.font = font
        self.ops: list[bytes] = []

    def text(self, x: float, y: float, size: float, text: str) -> None:
        """Draw one line of text with its baseline at (x, y)."""
        if text:
            self.ops.append(
                b"BT /FPack %s Tf %s %s Td %s TJ ET" % (_num(size), _num(x), _num(y), self.font.tj(text))
            )

    def cover(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Paint a white rectangle over part of the background."""
        self.ops.append(b"1 g %s %s %s %s re f 0 g" % (_num(x0), _num(y0), _num(x1 - x0), _num(y1 - y0)))

    def tick(self, rect: tuple[float, float, float, float]) -> None:
        """A tick mark drawn as a path inside a box or circle."""
        x0, y0, x1, y1 = rect
        w, h = x1 - x0, y1 - y0
        self.ops.append(
            b"q 0 G %s w 1 J 1 j %s %s m %s %s l %s %s l S Q"
            % (
                _num(max(0.6, w * 0.12)),
                _num(x0 + w * 0.15),
                _num(y0 + h * 0.5),
                _num(x0 + w * 0.42),
                _num(y0 + h * 0.18),
                _num(x0 + w * 0.95),
                _num(y0 + h * 0.95),
            )
        )

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
                if line or not _is_gap(ch):
                    line += ch
            out.append(line)
        return out

    def bytes(self) -> bytes:
        """The operators as a content stream."""
        return b"\n".join(self.ops)


@dataclass
class PageSpec:
    """One output page: a background page of a layout and the overlay drawn on it."""

    layout: Layout
    page: int
    overlay: bytes


class Writer:
    """Assemble output PDFs from background pages and overlays; each call is one deterministic file."""

    def __init__(self, font: OverlayFont, *, title: str, epoch: int):
        self.font = font
        self.title = title
        self.epoch = epoch

    def pdf_bytes(self, pages: list[PageSpec], title: str | None = None) -> bytes:
        """One PDF of `pages`; backgrounds and the overlay font are copied once per file and shared."""

        pdf = pikepdf.new()
        xobjects: dict[tuple[str, int], object] = {}
        font = None
        for spec in pages:
            k = (spec.layout.key, spec.page)
            if k not in xobjects:
                xobjects[k] = pdf.copy_foreign(spec.layout.xobject(spec.page))
            res = Dictionary(XObject=Dictionary(BG=xobjects[k]))
            content = b"q /BG Do Q"
            if spec.overlay:
                if font is None:
                    font = pdf.copy_foreign(self.font.font_object())
                res.Font = Dictionary(FPack=font)
                content += b"\nq 0 g\n" + spec.overlay + b"\nQ"
            page = Dictionary(
                Type=Name.Page,
                MediaBox=Array(spec.layout.mediabox(spec.page)),
                Resources=res,
                Contents=pdf.make_stream(content),
            )
            pdf.pages.append(pikepdf.Page(page))
        pdf.docinfo.Title = pikepdf.String(title or self.title)
        pdf.docinfo.Producer = pikepdf.String("zzshh-handbook pack")
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
