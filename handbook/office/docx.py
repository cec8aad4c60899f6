"""Word documents (python-docx) from the HTML the kit already renders: drafts in GB/T 9704 layout, forms.

One source per document: the converter walks the HTML of handbook.render (the classes the draft and form
templates use, and a built handbook page's article) and writes the same blocks as Word paragraphs and
tables, so the .docx never holds a second copy of the text.

Fonts are named as offices have them (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) in the East Asian slot,
so Word and WPS use them; the font table gives each a free face as w:altName for a PC that lacks it.
LibreOffice ignores w:altName: on Linux fontconfig gives it Noto Sans CJK SC for these names (the text is
marked zh-CN, so Simplified Chinese glyphs) unless handbook.office.fontconfig's file maps them to the kit's
free faces; every CJK face is one em wide, so the grid is the same.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import docx
import lxml.html
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from ..epoch import source_date_epoch
from ..render.drafts import text_width
from . import styles as st
from .zips import normalize

# Office font names and the installed face LibreOffice should use for each (w:altName in the font table).
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
ALT_NAMES = {
    FANGSONG: "Noto Serif CJK SC",
    XIAOBIAOSONG: "Noto Serif CJK SC",
    SONGTI: "Noto Serif CJK SC",
    HEITI: "Noto Sans CJK SC",
    KAITI: "LXGW WenKai",
}
LATIN = "Times New Roman"
PAGE_FONT = "SimSun"


@dataclass(frozen=True)
class Layout:
    """A page and its body text: size, margins (mm), body size (pt), line pitch (twips) and grid."""

    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    body_pt: float
    line_twips: int | None  # exact line pitch; None: single spacing
    grid: tuple[int, int] | None = None  # (lines, characters) of a GB/T 9704 document grid
    footer_mm: float = 10.0
    gbt: bool = False


# GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, text block 156 x 225 mm, 22 lines x 28 characters, 3号 body.
# 225 mm / 22 lines = 28.98 pt = 579.6 twips a line. The footer's distance puts the page number's line
# 7 mm below the block, where the kit's PDF has it.
GBT9704 = Layout(210, 297, 37, 35, 28, 26, 16, 579, grid=(22, 28), footer_mm=21.9, gbt=True)
TEXT_WIDTH_PT = 156 / 25.4 * 72
# 156 mm / 28 characters = 15.79 pt a character: 3号 (16 pt) tightened by 0.21 pt.
CHAR_PT = TEXT_WIDTH_PT / 28
# The body's character spacing: 28 characters of 3号 fill the 156 mm line (16 - 0.3 = 15.7 pt each;
# justification spreads the remaining 2.6 pt). At -0.25 pt LibreOffice drops a comma it hangs past a
# justified line's end.
BODY_SPACING = -0.3


def layout_faces(layout: Layout) -> st.Faces:
    """The shared styles' faces for a layout: a GB/T 9704 draft's or a form's."""
    if layout.gbt:
        return st.draft_faces(FANGSONG, XIAOBIAOSONG, HEITI, KAITI, CHAR_PT, BODY_SPACING)
    return st.form_faces(SONGTI, HEITI, KAITI, layout.body_pt)


def form_layout(orientation: str, font_size: float) -> Layout:
    """The forms' print page (forms-print.css): A4 portrait or landscape, body at the form's size."""
    if orientation == "landscape":
        return Layout(297, 210, 15, 14, 16, 16, font_size, None, footer_mm=6.0)
    return Layout(210, 297, 18, 16, 20, 18, font_size, None, footer_mm=6.0)


# ------------------------------------------------------------------------------------- XML helpers

def child(parent, tag: str, order: list[str]):
    """parent's w:<tag> child, added in its schema place when missing."""
    el = parent.find(qn(f"w:{tag}"))
    if el is None:
        el = OxmlElement(f"w:{tag}")
        later = order[order.index(tag) + 1 :]
        for i, sibling in enumerate(parent):
            if sibling.tag in {qn(f"w:{t}") for t in later}:
                parent.insert(i, el)
                break
        else:
            parent.append(el)
    return el


def set_east_asian(rpr_parent, name: str, latin: str | None = LATIN) -> None:
    """Name the East Asian font of a run or style (python-docx only sets the Latin slots)."""
    fonts = child(rpr_parent.get_or_add_rPr(), "rFonts", st.RPR_ORDER)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), name)
    # Quotes, dashes and ＿ are shared between scripts; the hint puts them in the East Asian font.
    fonts.set(qn("w:hint"), "eastAsia")


def _font_table(document, names: Iterable[str]) -> None:
    """Declare each office font with a free face as w:altName (python-docx has no font-table API)."""
    part = None
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for name in names:
        font = root.makeelement(qn("w:font"), {qn("w:name"): name})
        alt = font.makeelement(qn("w:altName"), {qn("w:val"): ALT_NAMES[name]})
        charset = font.makeelement(qn("w:charset"), {qn("w:val"): "86"})
        family = "swiss" if name == HEITI else "roman"
        fam = font.makeelement(qn("w:family"), {qn("w:val"): family})
        pitch = font.makeelement(qn("w:pitch"), {qn("w:val"): "variable"})
        font.extend([alt, charset, fam, pitch])
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _defaults(document, font: str, size: float) -> None:
    """Default font, size and language (python-docx has no docDefaults API; the grid uses them)."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for el in list(rpr):
        rpr.remove(el)
    fonts = OxmlElement("w:rFonts")
    for slot, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", font), ("w:cs", LATIN)):
        fonts.set(qn(slot), name)
    sz, sz_cs, lang = OxmlElement("w:sz"), OxmlElement("w:szCs"), OxmlElement("w:lang")
    sz.set(qn("w:val"), str(round(size * 2)))
    sz_cs.set(qn("w:val"), str(round(size * 2)))
    # Chinese text marked zh-CN: LibreOffice then substitutes Simplified Chinese faces, not Japanese ones.
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.extend([fonts, sz, sz_cs, lang])


def _doc_grid(section, line_twips: int) -> None:
    """The GB/T 9704 line grid, 22 lines to the text block (python-docx has no w:docGrid API).

    Lines only: LibreOffice 7.4 misreads the negative w:charSpace Word writes for 28 characters a line
    (it lays out 14), so the 28 characters come from the body's character spacing instead.
    """
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_twips))
    grid.attrib.pop(qn("w:charSpace"), None)


def char_spacing(rpr_parent, pt: float) -> None:
    """Character spacing of a run or style in points (python-docx has no w:spacing API for runs)."""
    child(rpr_parent.get_or_add_rPr(), "spacing", st.RPR_ORDER).set(qn("w:val"), str(round(pt * 20)))


def off_grid(paragraph) -> None:
    """Keep a paragraph off the line grid: a title or a small note keeps its own line height."""
    # python-docx has no w:snapToGrid API; LibreOffice otherwise gives a 22 pt title line two grid lines.
    child(paragraph._p.get_or_add_pPr(), "snapToGrid", st.PPR_ORDER).set(qn("w:val"), "0")


def no_hanging(ppr) -> None:
    """Punctuation stays inside the line (w:overflowPunct off), as WeasyPrint sets the kit's PDF.

    Word and LibreOffice hang a closing mark past a full line by default, so their pages hold more
    text than the kit's and the page breaks (and the 署名's page) differ."""
    child(ppr, "overflowPunct", st.PPR_ORDER).set(qn("w:val"), "1")


def _page_field(paragraph) -> None:
    """Append a PAGE field (python-docx has no field API)."""
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            run.text = text
            continue
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _cell_margins(table, mm: float, vertical_mm: float | None = None) -> None:
    """Cell padding for a whole table (python-docx has no w:tblCellMar API)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    vertical = mm / 2 if vertical_mm is None else vertical_mm
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(Mm(mm if side in ("left", "right") else vertical).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


# ------------------------------------------------------------------------------------- the document


def new_document(layout: Layout, title: str, epoch: int | None = None):
    """An empty document with the layout's page, body style, page numbers and properties."""
    document = docx.Document()
    # python-docx's template carries a 430 kB copy of its styles for Word 2010 that nothing needs.
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rid)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if layout.width > layout.height else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(layout.width), Mm(layout.height)
    section.top_margin, section.bottom_margin = Mm(layout.top), Mm(layout.bottom)
    section.left_margin, section.right_margin = Mm(layout.left), Mm(layout.right)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(layout.footer_mm)
    _defaults(document, FANGSONG if layout.gbt else SONGTI, layout.body_pt)
    st.add_styles(document, layout_faces(layout), latin=LATIN, line_twips=layout.line_twips)
    normal = document.styles["Normal"]
    normal.font.size = Pt(layout.body_pt)
    set_east_asian(normal.element, FANGSONG if layout.gbt else SONGTI)
    pf = normal.paragraph_format
    pf.space_before = pf.space_after = Pt(0)
    if layout.line_twips:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Twips(layout.line_twips)
    # Two lines at least of a paragraph on each page, as gbt9704.css sets orphans and widows.
    pf.widow_control = layout.gbt
    no_hanging(normal.element.get_or_add_pPr())
    if layout.grid:
        _doc_grid(section, layout.line_twips)
        char_spacing(normal.element, BODY_SPACING)
    _footers(document, section, layout)
    _font_table(document, ALT_NAMES)
    props = document.core_properties
    when = dt.datetime.fromtimestamp(source_date_epoch(epoch), dt.timezone.utc).replace(tzinfo=None)
    props.title = title
    props.author = props.last_modified_by = ""
    props.created = props.modified = when
    props.revision = 1
    props.language = "zh-CN"
    return document


def _footers(document, section, layout: Layout) -> None:
    """Page numbers "— 1 —": GB/T 9704 4号, odd pages right and even pages left, one character in."""
    size = Pt(14) if layout.gbt else Pt(10)
    if layout.gbt:
        document.settings.odd_and_even_pages_header_footer = True
        feet = (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        )
    else:
        feet = ((section.footer, WD_ALIGN_PARAGRAPH.CENTER),)
    for footer, align in feet:
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if layout.gbt:
            # One 4号 character in from the edge of the text block, as the standard's examples show.
            p.paragraph_format.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else Pt(0)
            p.paragraph_format.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else Pt(0)
        p.add_run("— ")
        _page_field(p)
        p.add_run(" —")
        for r in p.runs:
            r.font.size = size
            # GB/T 9704: 4号半角宋体阿拉伯数字. Named in every slot, or the digits take the Latin default
            # (Times); "SimSun" is 宋体's own English name, which fontconfig also maps to a 宋 face.
            set_east_asian(r._r, PAGE_FONT, latin=PAGE_FONT)


def save(document, epoch: int | None = None) -> bytes:
    """The document's bytes, normalized so equal input gives equal bytes."""
    st.order_package(document)
    buf = io.BytesIO()
    document.save(buf)
    return normalize(buf.getvalue(), source_date_epoch(epoch))


# ------------------------------------------------------------------------------------- HTML to Word

# python-docx's alignments as the w:jc values the styles write.
_JC = {
    WD_ALIGN_PARAGRAPH.LEFT: "left",
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "both",
}
# Runs of ASCII white space collapse as in HTML; U+3000 is content.
_SPACE = re.compile(r"[ \t\r\n]+")
# Web-only parts of a page: source badges (and a script's per-section source lines), the form toolbar,
# heading anchors, download links.
SKIP = {"srcs", "zf-toolbar", "headerlink", "hb-office", "hb-section-srcs"}


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


@dataclass
class Style:
    """How one block is set: font, size, alignment, indent, spacing."""

    font: str | None = None  # None: the Word style's
    size: float | None = None
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    indent_chars: float = 2
    before_lines: float = 0
    after_lines: float = 0
    right_chars: float = 0
    side_pt: float = 0  # left and right indent (the title's one character each side)
    keep_next: bool = False
    spacing: float | None = None  # character spacing in pt, when not the body's
    word: str = st.BODY  # the Word paragraph style; only what differs from it is set on the paragraph


class Converter:
    """Writes HTML blocks (drafts, forms, handbook articles) into a python-docx document."""

    def __init__(self, document, layout: Layout, faces: dict[str, st.Face] | None = None):
        self.doc = document
        self.layout = layout
        # What each Word style already sets (the document's styles, also for a box's inner converter).
        self.faces = faces or st.face_map(layout_faces(layout))
        self.pending_break = False
        self.in_cell = False
        # The last body paragraphs written (and their HTML), so the 署名 can keep them on its page.
        self.recent: list = []
        # Looked up once: finding a style by name walks all of python-docx's template styles.
        self.grid_style = document.styles["Table Grid"]

    # -- inline text

    def _runs(self, paragraph, el, style: Style, *, tail: bool = False, bold=False, italic=False) -> None:
        """Add el's text and its children's as runs (form controls become their values or blanks)."""
        cls = _classes(el)
        tag = el.tag if isinstance(el.tag, str) else ""
        if cls & SKIP or tag in ("script", "style", "button"):
            text = None
        elif tag == "input":
            text = self._input_text(el)
        elif tag == "textarea":
            text = el.text_content()
        elif tag == "br":
            paragraph.add_run().add_break()
            text = None
        else:
            text = el.text
        outer = style
        if "zf-hint" in cls:
            # A hint sits under its field, smaller, as on the print PDF.
            if paragraph.text:
                paragraph.add_run().add_break()
            style = replace(style, size=(style.size or self.layout.body_pt) * 0.8)
        b = bold or tag in ("strong", "b")
        i = italic or tag in ("em", "i")
        if text:
            self._add_run(paragraph, text, style, b, i)
        if tag not in ("input", "textarea") and not cls & SKIP:
            for child in el:
                self._runs(paragraph, child, style, tail=True, bold=b, italic=i)
        if cls & {"zf-choice", "zf-field", "zf-count"}:
            # Choices, counts and the fields of a line stand apart, as the print CSS spaces them
            # ("优秀＿＿票　合格＿＿票", not "优秀＿＿票合格＿＿票").
            self._add_run(paragraph, "\u3000" * (2 if "zf-field" in cls else 1), style, False, False)
        if tail and el.tail:
            self._add_run(paragraph, el.tail, outer, bold, italic)

    def _input_text(self, el) -> str | None:
        """An input as text: a radio as a box to tick, a text input as its value or a blank to write on."""
        if el.get("type") == "radio":
            return "☑" if el.get("checked") is not None else "□"
        value = el.get("value") or ""
        if value:
            return value
        short = set((el.get("class") or "").split()) & {"zf-y", "zf-md", "zf-num"}
        if short:
            return "＿＿＿"
        # A ruled cell is itself the space to write in.
        return "" if self.in_cell else "＿＿＿＿＿＿＿＿"

    def _add_run(self, paragraph, text: str, style: Style, bold: bool, italic: bool) -> None:
        text = _SPACE.sub(" ", text)
        if not text.strip() and not paragraph.runs:
            return
        run = paragraph.add_run(text)
        face = self.faces[style.word]
        if style.size and style.size != face.size:
            run.font.size = Pt(style.size)
        if bool(style.bold or bold) != face.bold:
            run.bold = bool(style.bold or bold)
        run.italic = style.italic or italic or None
        if style.font and style.font != face.font:
            set_east_asian(run._r, style.font)
        if style.spacing is not None and style.spacing != face.spacing_pt:
            char_spacing(run._r, style.spacing)

    # -- blocks

    def paragraph(self, el, style: Style, container=None):
        """One paragraph from an element's inline content."""
        target = container if container is not None else self.doc
        p = target.add_paragraph()
        face = self.faces[style.word]
        if style.word != st.BODY:
            p._p.style = style.word
        pf = p.paragraph_format
        char = CHAR_PT if self.layout.gbt else self.layout.body_pt
        if round(style.indent_chars * char * 20) != round(face.indent_pt * 20):
            pf.first_line_indent = Pt(style.indent_chars * char)
        if style.align is not None and _JC.get(style.align) != face.align:
            p.alignment = style.align
        line = Twips(self.layout.line_twips) if self.layout.line_twips else Pt(self.layout.body_pt * 1.5)
        if style.before_lines:
            pf.space_before = Twips(int(line.twips * style.before_lines))
        if style.after_lines:
            pf.space_after = Twips(int(line.twips * style.after_lines))
        if style.right_chars:
            pf.right_indent = Pt(style.right_chars * char)
        if style.side_pt:
            pf.left_indent = pf.right_indent = Pt(style.side_pt)
        if style.keep_next and not face.keep_next:
            pf.keep_with_next = True
        if self.pending_break:
            pf.page_break_before = True
            self.pending_break = False
        if self.layout.gbt and style.size and style.size != self.layout.body_pt:
            off_grid(p)
        if el is not None:
            self._runs(p, el, style)
        self.recent = [*self.recent[-2:], (p, el)]
        return p

    def blocks(self, parent, container=None) -> None:
        """Every block child of `parent`, in order."""
        if parent.text and parent.text.strip():
            p = self.paragraph(None, Style(), container)
            self._add_run(p, parent.text, Style(), False, False)
        for el in parent:
            if not isinstance(el.tag, str):
                continue
            self.block(el, container)

    def title(self, el, container=None) -> None:
        """A document's title: 小标宋 22 pt under GB/T 9704, else a bold Song title."""
        gbt = self.layout.gbt
        size = 22 if gbt else 18
        self.paragraph(
            el,
            Style(
                font=XIAOBIAOSONG if gbt else SONGTI,
                size=size,
                bold=not gbt,
                word=st.TITLE,
                align=WD_ALIGN_PARAGRAPH.CENTER,
                indent_chars=0,
                after_lines=1 if gbt else 0.3,
                spacing=0,
                # gbt9704.css's title margin: render.drafts.title's lines fit in what is left.
                side_pt=size if gbt else 0,
            ),
            container,
        )

    def signoff(self, el, container=None) -> None:
        """The 署名 and date, kept together and with the body lines before them."""
        self.keep_before_sign()
        lines = el.findall("p")
        for i, p in enumerate(lines):
            sign = self.paragraph(
                p,
                Style(
                    align=WD_ALIGN_PARAGRAPH.RIGHT,
                    indent_chars=0,
                    # render.drafts.signoff: the 署名 centred over the date, the date 4 characters in.
                    right_chars=float(p.get("data-right-chars", "4")),
                    before_lines=2 if i == 0 else 0,
                ),
                container,
            )
            sign.paragraph_format.keep_together = True
            sign.paragraph_format.keep_with_next = i < len(lines) - 1

    def block(self, el, container=None) -> None:
        """One block element."""
        tag, cls = el.tag, _classes(el)
        gbt = self.layout.gbt
        if cls & SKIP or tag in ("script", "style", "button"):
            return
        if tag == "h1" or "gw-title" in cls or "zf-title" in cls:
            self.title(el, container)
        elif "gw-h1" in cls or tag == "h2":
            self.paragraph(el, Style(font=HEITI, keep_next=True, bold=not gbt, word=st.HEADING_1), container)
        elif "gw-h2" in cls or tag in ("h3", "h4"):
            self.paragraph(el, Style(font=KAITI, keep_next=True, word=st.HEADING_2), container)
        elif "gw-note" in cls or "admonition" in cls:
            self.boxed(el, container)
        elif "gw-sign" in cls:
            self.signoff(el, container)
        elif "gw-annex" in cls:
            self.pending_break = True
            self.blocks(el, container)
        elif tag == "p":
            self.p(el, cls, container)
        elif tag in ("ul", "ol"):
            for n, li in enumerate(el.findall("li"), start=1):
                mark = f"{n}." if tag == "ol" else "· "
                p = self.paragraph(None, Style(), container)
                self._add_run(p, mark, Style(), False, False)
                self._inline_or_blocks(li, p, container)
        elif tag == "table":
            self.table(el, container)
        elif tag == "form" or tag in ("div", "section", "article", "details", "blockquote", "span", "label"):
            self.blocks(el, container)
        elif tag == "hr":
            return
        else:
            self.paragraph(el, Style(), container)

    def keep_before_sign(self) -> None:
        """The last two body lines at least go to the 署名's page: never a 署名 and date alone (7.3.5)."""
        lines = 0.0
        for p, el in reversed(self.recent):
            pf = p.paragraph_format
            pf.keep_with_next = True
            # Widow control: a paragraph split at the page brings two of its lines at least.
            pf.widow_control = True
            # 附件说明 sits between the body and the 署名 and counts for none of the body's lines.
            if el is None or "gw-attach" not in _classes(el):
                lines += (text_width(el.text_content()) + 2) / 28 if el is not None else 1
            if lines > 1:
                break

    def _inline_or_blocks(self, li, p, container) -> None:
        """A list item's text into p; nested blocks after it."""
        li_text = li.text or ""
        if li_text.strip():
            self._add_run(p, li_text, Style(), False, False)
        for child in li:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("ul", "ol", "p", "div", "table"):
                if child.tag == "p" and not p.text.strip():
                    self._runs(p, child, Style())
                else:
                    self.block(child, container)
            else:
                self._runs(p, child, Style(), tail=True)
        if li.tail and li.tail.strip():
            self._add_run(p, li.tail, Style(), False, False)

    def p(self, el, cls: set[str], container) -> None:
        """A paragraph by its class."""
        gbt = self.layout.gbt
        if cls & {"gw-to", "zf-line"}:
            self.paragraph(el, Style(indent_chars=0), container)
        elif cls & {"gw-center", "zf-edition", "zf-theme"}:
            size = None if gbt else self.layout.body_pt * (0.9 if "zf-edition" in cls else 1)
            self.paragraph(el, Style(indent_chars=0, align=WD_ALIGN_PARAGRAPH.CENTER, size=size), container)
        elif "gw-attach" in cls:
            self.paragraph(el, Style(before_lines=1), container)
        elif "gw-annex-label" in cls:
            self.paragraph(el, Style(font=HEITI, indent_chars=0, after_lines=1), container)
        elif "stage" in cls:
            self.paragraph(el, Style(font=KAITI, indent_chars=0), container)
        elif "admonition-title" in cls:
            self.paragraph(el, Style(font=HEITI, indent_chars=0), container)
        else:
            self.paragraph(el, Style(indent_chars=2 if gbt or "zf-instr" in cls else 0), container)

    def boxed(self, el, container) -> None:
        """A note or admonition in a one-cell ruled table, so it reads as apart from the text."""
        note = "gw-note" in _classes(el)
        table = (container or self.doc).add_table(rows=1, cols=1)
        table.style = self.grid_style
        cell = table.cell(0, 0)
        size = 10.5 if note else self.layout.body_pt
        inner_layout = replace(self.layout, gbt=False, line_twips=None, body_pt=size)
        inner = Converter(self.doc, inner_layout, self.faces)
        inner.blocks(el, cell)
        # A new cell holds one empty paragraph; the content follows it.
        if len(cell.paragraphs) > 1 and not cell.paragraphs[0].text:
            cell._tc.remove(cell.paragraphs[0]._p)
        for p in cell.paragraphs:
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = Pt(size * 1.5)
            if self.layout.gbt:
                off_grid(p)
            for r in p.runs:
                r.font.size = r.font.size or Pt(size)
                if note:
                    set_east_asian(r._r, KAITI)
                    char_spacing(r._r, 0)
        # 6 mm below a box, as the print CSS keeps it apart from the title.
        self.gap(container, 17)

    def table(self, el, container) -> None:
        """An HTML table as a ruled Word table; colspans become merged cells."""
        rows = [tr for tr in el.iter("tr")]
        if not rows:
            return
        grid = []
        ncols = 0
        for tr in rows:
            cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
            spans = [int(c.get("colspan", "1")) for c in cells]
            grid.append(list(zip(cells, spans, strict=True)))
            ncols = max(ncols, sum(spans))
        table = (container or self.doc).add_table(rows=len(rows), cols=ncols)
        table.style = self.grid_style
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # A form's cells are padded as forms-print.css pads them (0.9 mm 1.2 mm).
        _cell_margins(table, 1.2, None if self.layout.gbt else 0.9)
        usable = self.layout.width - self.layout.left - self.layout.right
        widths = _col_widths(el, ncols) or [1 / ncols] * ncols
        for col, w in zip(table.columns, widths, strict=True):
            col.width = Mm(usable * w)
        # The rows once: table.rows[r] and table.cell() build every row each time (minutes for a long list).
        word_rows = list(table.rows)
        for r, row in enumerate(grid):
            if rows[r].getparent().tag == "thead":
                # The column heads repeat at the top of every page a long list runs onto.
                word_rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            cells = word_rows[r].cells
            c = 0
            for cell_el, span in row:
                cell = cells[c]
                if span > 1:
                    cell = cell.merge(cells[c + span - 1])
                cell.width = Mm(usable * sum(widths[c : c + span]))
                self._cell(cell, cell_el)
                c += span
        self.gap(container, 2)

    def gap(self, container, pt: float) -> None:
        """A little space after a table, which has no spacing of its own: an empty line `pt` high."""
        p = (container or self.doc).add_paragraph()
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        p.paragraph_format.line_spacing = Pt(pt)
        if self.layout.gbt:
            off_grid(p)

    def _cell(self, cell, el) -> None:
        """A table cell's content: its text, form controls as values or blanks, textareas as lines."""
        cls = _classes(el)
        p = cell.paragraphs[0]
        p._p.style = st.TABLE_TEXT
        bold = bool(cls & {"zf-section"}) or el.getparent().getparent().tag == "thead"
        if el.tag == "th" or cls & {"zf-no", "zf-tick", "zf-na"}:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if not cls & {"zf-item", "zf-section"} else None
        style = Style(size=self.layout.body_pt, indent_chars=0, word=st.TABLE_TEXT)
        self.in_cell = True
        self._runs(p, el, style, bold=bold)
        self.in_cell = False
        area = el.find(".//textarea")
        if area is not None and not area.text_content().strip():
            for _ in range(max(int(area.get("rows", "2")) - 1, 0)):
                cell.add_paragraph(style=None)._p.style = st.TABLE_TEXT
        if area is not None:
            # A text area's lines at the print PDF's writing pitch (1.8em, forms-print.css), so the
            # form has the print PDF's proportions.
            for para in cell.paragraphs:
                para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                para.paragraph_format.line_spacing = Pt(self.layout.body_pt * 1.8)


# The 序号 column's share of a Word list table.
_NO_PCT = 8


def _col_widths(table, ncols: int) -> list[float] | None:
    """Column widths as fractions, from the table's colgroup (percent widths) when it has them."""
    cols = table.findall("colgroup/col")
    if len(cols) != ncols:
        return None
    pct = []
    for col in cols:
        style = col.get("style") or ""
        # A list column's share of what the 序号 column leaves (fields.html.j2's --zf-share).
        share = re.search(r"--zf-share:\s*([\d.]+)", style)
        m = re.search(r"width:\s*([\d.]+)%", style)
        pct.append(float(share.group(1)) * (100 - _NO_PCT) if share else float(m.group(1)) if m else None)
    known = [p for p in pct if p is not None]
    if not known:
        return None
    rest = max(100 - sum(known), 0)
    missing = pct.count(None)
    # The 序号 column has no width; it gets what the others leave, at least 8%.
    fill = max(rest / missing, 8) if missing else 0
    out = [p if p is not None else fill for p in pct]
    total = sum(out)
    return [p / total for p in out]


def html_docx(
    html: str, layout: Layout, title: str, *, root_xpath: str | None = None, epoch: int | None = None
) -> bytes:
    """A .docx of an HTML document or fragment (the blocks under root_xpath, else the body)."""
    tree = lxml.html.fromstring(html)
    found = tree.xpath(root_xpath) if root_xpath else []
    root = found[0] if found else (tree.find("body") if tree.find("body") is not None else tree)
    document = new_document(layout, title, epoch)
    # The template's first paragraph is empty; the content replaces it.
    body = document.element.body
    first = body.find(qn("w:p"))
    conv = Converter(document, layout)
    conv.blocks(root)
    if first is not None:
        body.remove(first)
    return save(document, epoch)


DRAFT_ROOT = '//div[contains(concat(" ", normalize-space(@class), " "), " gw-doc ")]'
ARTICLE_ROOT = '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'


def draft_docx(html: str, title: str, *, epoch: int | None = None) -> bytes:
    """A draft document (render_draft's standalone HTML) as a GB/T 9704 .docx."""
    return html_docx(html, GBT9704, title, root_xpath=DRAFT_ROOT, epoch=epoch)


def article_docx(html: str, title: str, *, epoch: int | None = None) -> bytes:
    """A built handbook page's article (a 主持词) as a GB/T 9704 .docx."""
    return html_docx(html, GBT9704, title, root_xpath=ARTICLE_ROOT, epoch=epoch)
