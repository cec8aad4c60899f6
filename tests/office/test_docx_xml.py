"""Every generated .docx as XML: properties in the WordprocessingML schema's order, shared named styles.

Word silently drops run properties out of schema order (the body's -0.3 pt character spacing that makes 28
characters fit a line); headings as named styles give Word's navigation pane and a table of contents.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from handbook.model.context import YearContext
from handbook.model.editions import select
from handbook.model.forms import BallotMember, all_forms
from handbook.model.roster import read_roster
from handbook.model.unit import load_unit
from handbook.office.docx import draft_docx
from handbook.office.forms_docx import form_docx
from handbook.render.drafts import KINDS, render_draft

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "local" / "example"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# ECMA-376 Part 1, 5th edition, the xsd:sequence of CT_RPr (EG_RPrBase, with CT_ParaRPr's change marks),
# CT_PPr, CT_TblPr, CT_TcPr and CT_SectPr; written out here, independent of the code under test.
SEQUENCES = {
    "rPr": "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow "
    "emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription tblPrChange",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
    "hideMark headers cellIns cellDel cellMerge tcPrChange",
    "sectPr": "headerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings "
    "sectPrChange",
}


@pytest.fixture(scope="module")
def made() -> dict[str, bytes]:
    """Every form as .docx (blank, and the ballot filled for 30+ members) and every draft."""
    common, edition, _ = select(None)
    unit = load_unit(EXAMPLE / "unit.yml")
    members = read_roster(EXAMPLE / "roster.csv").members
    out = {f"form-{f.id}": form_docx(f, YearContext(edition, common)) for f in all_forms().values()}
    for kind in KINDS:
        html = render_draft(kind, YearContext(edition, common, unit), members, standalone=True)
        out[f"draft-{kind}"] = draft_docx(html, kind)
    return out


def parts(data: bytes) -> dict[str, etree._Element]:
    """The WordprocessingML parts of a .docx (document, styles, headers, footers)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            n: etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.startswith("word/") and n.endswith(".xml") and "theme" not in n
        }


def order_errors(root) -> list[str]:
    """Each property element whose children break its schema sequence."""
    errors = []
    for local, seq in SEQUENCES.items():
        rank = {name: i for i, name in enumerate(seq.split())}
        rank["footerReference"] = rank.get("headerReference", 0)
        for el in root.iter(W + local):
            names = [etree.QName(k).localname for k in el if isinstance(k.tag, str)]
            unknown = [n for n in names if n not in rank]
            ranks = [rank[n] for n in names if n in rank]
            if unknown or ranks != sorted(ranks):
                errors.append(f"{local}: {' '.join(names)}")
    return errors


def test_properties_in_schema_order(made):
    """rPr, pPr, tblPr, tcPr and sectPr children follow ECMA-376's sequence in every part of every file."""
    bad = {}
    for name, data in made.items():
        for part, root in parts(data).items():
            errors = order_errors(root)
            if errors:
                bad[f"{name}:{part}"] = sorted(set(errors))[:3]
    assert not bad, bad


def _styles(data: bytes) -> dict[str, etree._Element]:
    root = parts(data)["word/styles.xml"]
    return {s.get(W + "styleId"): s for s in root.iter(W + "style")}


def _val(el, path: str, attr: str = "val"):
    found = el.find(path.replace("w:", W))
    return None if found is None else found.get(W + attr)


@pytest.mark.parametrize("name", ["draft-notice", "form-member-ballot"])
def test_named_styles(made, name):
    """正文 carries the body's indent and justification; 标题, 标题 1, 标题 2 name their faces, in black."""
    styles = _styles(made[name])
    normal = styles["Normal"]
    assert _val(normal, "w:pPr/w:jc") == "both"
    assert int(_val(normal, "w:pPr/w:ind", "firstLine")) > 0
    draft = name.startswith("draft")
    faces = {
        "Normal": "仿宋_GB2312" if draft else "宋体",
        "Title": "方正小标宋简体" if draft else "宋体",
        "Heading1": "黑体",
        "Heading2": "楷体_GB2312",
    }
    for sid, font in faces.items():
        style = styles[sid]
        assert _val(style, "w:rPr/w:rFonts", "eastAsia") == font, sid
        assert _val(style, "w:rPr/w:color") in (None, "000000", "auto"), sid
        assert _val(style, "w:rPr/w:rFonts", "asciiTheme") is None, sid
    assert _val(styles["Heading1"], "w:pPr/w:outlineLvl") == "0"
    assert _val(styles["Heading2"], "w:pPr/w:outlineLvl") == "1"
    if draft:
        assert _val(normal, "w:rPr/w:sz") == "32"
        # The 28-characters spacing is the body style's, so every added paragraph has it.
        assert _val(normal, "w:rPr/w:spacing") == "-6"
        assert _val(styles["Heading1"], "w:rPr/w:b") in ("0", "false")
        # 标题 2号, 标题 1 and 2 3号 as the body (python-docx's default Heading 1 is 14 pt and blue).
        sizes = {sid: _val(styles[sid], "w:rPr/w:sz") for sid in ("Title", "Heading1", "Heading2")}
        assert sizes == {"Title": "44", "Heading1": "32", "Heading2": "32"}, sizes


def test_paragraphs_use_the_styles(made):
    """A draft's headings are 标题 1/标题 2 paragraphs; its body paragraphs carry no direct indent."""
    doc = parts(made["draft-plan"])["word/document.xml"]
    body = doc.find(W + "body")
    used: dict[str | None, int] = {}
    direct = 0
    for p in body.iter(W + "p"):
        style = _val(p, "w:pPr/w:pStyle")
        used[style] = used.get(style, 0) + 1
        if style is None and p.find(f"{W}pPr/{W}ind") is not None and p.find(f"{W}r") is not None:
            direct += 1
    assert used.get("Title", 0) >= 1
    assert used.get("Heading1", 0) >= 2 and used.get("Heading2", 0) >= 1, used
    # Flush-left lines (主送, 署名) set their own indent; the body paragraphs do not.
    assert direct < used[None] / 4, (direct, used)
    runs_with_font = [
        r
        for p in body.iter(W + "p")
        if _val(p, "w:pPr/w:pStyle") in ("Heading1", "Heading2", "Title")
        for r in p.iter(W + "r")
        if r.find(f"{W}rPr/{W}rFonts") is not None
    ]
    assert not runs_with_font, "headings' fonts come from their styles, not from each run"


def _text(data: bytes) -> str:
    return "".join(t.text or "" for t in parts(data)["word/document.xml"].iter(W + "t"))


@pytest.mark.parametrize("form_id", ["member-ballot", "sign-in-general", "sign-in-group"])
def test_header_rows_repeat(form_id):
    """A list's column heads are a repeating header row (w:tblHeader), so page 2 has them too."""
    common, edition, _ = select(None)
    members = [BallotMember(name=f"党员{i}") for i in range(1, 36)]
    data = form_docx(all_forms()[form_id], YearContext(edition, common), members=members)
    doc = parts(data)["word/document.xml"]
    tables = [t for t in doc.iter(W + "tbl") if len(t.findall(W + "tr")) > 10]
    assert tables, form_id
    for tbl in tables:
        first = tbl.find(W + "tr")
        assert first.find(f"{W}trPr/{W}tblHeader") is not None
        assert "序号" in "".join(t.text or "" for t in first.iter(W + "t"))


def test_fields_of_a_line_stand_apart(made):
    """Counts and their suffixes keep a space between them: "优秀＿＿＿票　合格＿＿＿票"."""
    register = _text(made["form-member-register"])
    assert "票\u3000合格" in register and "票合格" not in register
    sign_in = _text(made["form-sign-in-general"])
    assert "人\u3000预备党员" in sign_in and "人预备党员" not in sign_in


@pytest.mark.parametrize("form_id", ["problem-list-member", "rectification-list", "sign-in-general"])
def test_list_columns_keep_their_shares(form_id):
    """A list's columns in Word have form.yml's widths (as the print PDF), not one width each."""
    common, edition, _ = select(None)
    form = all_forms()[form_id]
    columns = next(f.columns for f in form.fields if f.type == "table")
    doc = parts(form_docx(form, YearContext(edition, common)))["word/document.xml"]
    tbl = next(t for t in doc.iter(W + "tbl") if len(t.find(W + "tblGrid")) == len(columns) + 1)
    grid = [int(c.get(W + "w")) for c in tbl.find(W + "tblGrid")]
    total = sum(c.width for c in columns)
    got = [g / sum(grid[1:]) for g in grid[1:]]
    assert all(abs(g - c.width / total) < 0.01 for g, c in zip(got, columns, strict=True)), (got, columns)
    assert grid[0] < min(grid[1:])
