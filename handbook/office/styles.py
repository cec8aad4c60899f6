"""Word styles every generated .docx shares (drafts, forms, scripts), and the schema order of properties.

The body is Word's built-in Normal (正文 in a Chinese Word) carrying the body's font, size, first-line indent
and justification, so a paragraph a user adds looks like the rest; titles and headings are the built-in
Title (标题), heading 1 (标题 1) and heading 2 (标题 2), so the navigation pane and a table of contents
work. python-docx's template gives these blue theme fonts; every style here is rewritten whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Style ids as python-docx's template (and Word) spell them; Word shows the built-ins by their Chinese names.
BODY = "Normal"
TITLE = "Title"
HEADING_1 = "Heading1"
HEADING_2 = "Heading2"
TABLE_TEXT = "TableText"  # 表格文字: flush left, single spacing, for table cells and a form's field lines


def _names(text: str) -> list[str]:
    return text.split()


# ECMA-376 Part 1 (WordprocessingML) child sequences. Word drops run properties out of this order without a
# word (the body's -0.3 pt w:spacing that makes 28 characters fit would be lost).
RPR_ORDER = _names(
    "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect "
    "bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange"
)
PPR_ORDER = _names(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
    "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
)
TBLPR_ORDER = _names(
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange"
)
TCPR_ORDER = _names(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark "
    "headers cellIns cellDel cellMerge tcPrChange"
)
# Header and footer references come first, in any order among themselves (one rank).
SECTPR_ORDER = _names(
    "headerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols "
    "formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange"
)
ORDERS = {
    "rPr": RPR_ORDER,
    "pPr": PPR_ORDER,
    "tblPr": TBLPR_ORDER,
    "tcPr": TCPR_ORDER,
    "sectPr": SECTPR_ORDER,
}
_W = qn("w:rPr")[: -len("rPr")]


def _rank(order: list[str], el) -> int:
    name = el.tag[len(_W) :] if isinstance(el.tag, str) and el.tag.startswith(_W) else ""
    if name == "footerReference":
        name = "headerReference"
    return order.index(name) if name in order else len(order)


def schema_order(root) -> None:
    """Sort the children of every property element under root into the schema's sequence (stable)."""
    for local, order in ORDERS.items():
        for el in root.iter(qn(f"w:{local}")):
            kids = list(el)
            ranked = sorted(kids, key=lambda k, o=order: _rank(o, k))
            if ranked != kids:
                for k in kids:
                    el.remove(k)
                el.extend(ranked)


def order_package(document) -> None:
    """Schema order in every XML part of a document (body, styles, headers, footers)."""
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            schema_order(element)


@dataclass(frozen=True)
class Face:
    """A paragraph style: East Asian font, size (pt), bold, and its paragraph's indent and alignment."""

    font: str
    size: float
    bold: bool = False
    indent_pt: float = 0.0
    align: str | None = None  # w:jc value
    spacing_pt: float | None = None
    keep_next: bool = False
    outline: int | None = None
    after_twips: int = 0
    single: bool = False  # single line spacing instead of Normal's
    line_pt: float | None = None  # an exact line height instead


def _el(tag: str, **attrs):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _fonts(name: str, latin: str):
    return _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=name, cs=latin, hint="eastAsia")


def _rewrite(style_el, face: Face, latin: str, line_twips: int | None) -> None:
    """Replace a style's paragraph and run properties with face's (black, no theme fonts)."""
    for tag in ("w:pPr", "w:rPr"):
        old = style_el.find(qn(tag))
        if old is not None:
            style_el.remove(old)
    ppr = OxmlElement("w:pPr")
    if face.keep_next:
        ppr.append(_el("w:keepNext"))
    spacing = _el("w:spacing", before=0, after=face.after_twips)
    if face.line_pt:
        spacing.set(qn("w:line"), str(round(face.line_pt * 20)))
        spacing.set(qn("w:lineRule"), "exact")
    elif face.single:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    elif line_twips:
        spacing.set(qn("w:line"), str(line_twips))
        spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    ppr.append(_el("w:ind", firstLine=round(face.indent_pt * 20)))
    if face.align:
        ppr.append(_el("w:jc", val=face.align))
    if face.outline is not None:
        ppr.append(_el("w:outlineLvl", val=face.outline))
    rpr = OxmlElement("w:rPr")
    rpr.append(_fonts(face.font, latin))
    val = "1" if face.bold else "0"
    rpr.extend([_el("w:b", val=val), _el("w:bCs", val=val), _el("w:color", val="000000")])
    if face.spacing_pt is not None:
        rpr.append(_el("w:spacing", val=round(face.spacing_pt * 20)))
    half = round(face.size * 2)
    rpr.extend([_el("w:sz", val=half), _el("w:szCs", val=half)])
    # A style's own properties come after its name, basedOn, next, link, uiPriority, qFormat and rsid.
    style_el.extend([ppr, rpr])


def _paragraph_style(styles, style_id: str, name: str):
    """The paragraph style with this id, added (based on Normal) when the template lacks it."""
    for el in styles.element.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            return el
    el = _el("w:style", type="paragraph", styleId=style_id)
    el.append(_el("w:name", val=name))
    el.append(_el("w:basedOn", val=BODY))
    el.append(_el("w:qFormat"))
    styles.element.append(el)
    return el


@dataclass(frozen=True)
class Faces:
    """The four styles of one kind of document (a GB/T 9704 draft or a form)."""

    body: Face
    title: Face
    heading_1: Face
    heading_2: Face
    table: Face


def draft_faces(
    fangsong: str, xiaobiaosong: str, heiti: str, kaiti: str, char_pt: float, spacing: float
) -> Faces:
    """GB/T 9704: 3号仿宋 body, 2 characters in and justified; 2号小标宋 title; 黑体, 楷体 headings."""
    body = Face(fangsong, 16, indent_pt=2 * char_pt, align="both", spacing_pt=spacing)
    heading = {"indent_pt": 2 * char_pt, "align": "both", "spacing_pt": spacing, "keep_next": True}
    return Faces(
        body=body,
        title=Face(xiaobiaosong, 22, align="center", spacing_pt=0),
        heading_1=Face(heiti, 16, outline=0, **heading),
        heading_2=Face(kaiti, 16, outline=1, **heading),
        table=Face(fangsong, 16, align="left", single=True),
    )


def form_faces(songti: str, heiti: str, kaiti: str, size: float) -> Faces:
    """A form: 宋体 at the form's size, indented 2 characters and justified; a bold 18 pt title."""
    return Faces(
        body=Face(songti, size, indent_pt=2 * size, align="both"),
        title=Face(songti, 18, bold=True, align="center", spacing_pt=0),
        heading_1=Face(heiti, size, bold=True, indent_pt=2 * size, align="both", keep_next=True, outline=0),
        heading_2=Face(kaiti, size, indent_pt=2 * size, align="both", keep_next=True, outline=1),
        # A cell's line is as tall as the print PDF's input boxes (1.6em, forms-print.css).
        table=Face(songti, size, align="left", line_pt=round(size * 1.6, 1)),
    )


def face_map(faces: Faces) -> dict[str, Face]:
    """Each style id's face."""
    return {
        BODY: faces.body,
        TITLE: faces.title,
        HEADING_1: faces.heading_1,
        HEADING_2: faces.heading_2,
        TABLE_TEXT: faces.table,
    }


def add_styles(document, faces: Faces, *, latin: str, line_twips: int | None) -> dict[str, Face]:
    """Write the shared styles into a document; each style id's face (what its runs need not repeat)."""
    styles = document.styles
    table = {
        BODY: (faces.body, "Normal"),
        TITLE: (faces.title, "Title"),
        HEADING_1: (faces.heading_1, "heading 1"),
        HEADING_2: (faces.heading_2, "heading 2"),
        TABLE_TEXT: (faces.table, "表格文字"),
    }
    for style_id, (face, name) in table.items():
        el = _paragraph_style(styles, style_id, name)
        _rewrite(el, face, latin, line_twips)
        if style_id in (TITLE, HEADING_1, HEADING_2):
            # The linked character style would bring back the template's blue theme font.
            link = el.find(qn("w:link"))
            if link is not None:
                el.remove(link)
    return {k: v[0] for k, v in table.items()}
