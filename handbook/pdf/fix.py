"""Post-processing of WeasyPrint PDFs with pikepdf: compact CJK font subsets and repair AcroForm fields."""

from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import uharfbuzz as hb
from fontTools.cffLib import CFFFontSet
from pikepdf import Array, Dictionary, Name, String

from .tags import artifact_orphans

# Field text uses Adobe's standard Chinese CID font, which is never embedded: every PDF viewer that
# handles Chinese maps it to an installed Song/Ming face. Embedding a real CJK font for typed text costs
# about 20 MB a page (WeasyPrint embeds field fonts whole); a GB2312-sized subset still costs megabytes.
FIELD_FONT = "STSong"
# Where PDFium finds a font for the full-width forms (see _field_fonts).
WIDE_FONT = "HbWide"
_STATE = re.compile(r"^[A-Za-z0-9_.-]+$")
RADIO = 1 << 15
PUSH = 1 << 16
MULTILINE = 1 << 12
# A viewer lays out a multi-line field's text itself, one line per font size (PDFium and Poppler alike;
# neither reads a leading from the field), so the fillable PDF's writing lines are drawn at that pitch.
AREA_SIZE = 12.0
# Poppler puts the first baseline 3 pt plus one size below the field's top, whatever its border; PDFium one
# ascent (0.88 em in STSong-Light's descriptor) below its border. A border this wide, drawn in no colour,
# brings PDFium's lines onto Poppler's (measured: both within 0.5 pt).
AREA_INSET = 5  # whole points: PDFium rounds a border width down
# Where the first writing line's box starts below the field's top: each line box ends in its rule, which
# then runs between the descent of one line of typed text and the top of the next in both viewers.
AREA_FIRST = 5.25


def cid_widths(w) -> dict[int, float]:
    """CID → width from a CIDFont /W array (both its `c [w1 w2 …]` and `c_first c_last w` forms)."""
    out: dict[int, float] = {}
    if w is None:
        return out
    items = list(w)
    i = 0
    while i < len(items):
        first = int(items[i])
        nxt = items[i + 1]
        if isinstance(nxt, Array):
            for k, v in enumerate(nxt):
                out[first + k] = float(v)
            i += 2
        else:
            for c in range(first, int(nxt) + 1):
                out[c] = float(items[i + 2])
            i += 3
    return out


def w_array(widths: dict[int, float], default: float) -> Array:
    """A CIDFont /W array for `widths` (CID → width), leaving out the widths equal to /DW."""
    out: list = []
    for cid in sorted(c for c, w in widths.items() if w != default):
        if out and out[-2] + len(out[-1]) == cid:
            out[-1].append(widths[cid])
        else:
            out += [cid, [widths[cid]]]
    return Array([Array(x) if isinstance(x, list) else x for x in out])


# Flags for the compaction: no hinting, desubroutinized charstrings, a drawn .notdef, no layout closure
# (the page's glyphs are final); without RETAIN_GIDS, which is what makes WeasyPrint's subsets big.
_SUBSET_FLAGS = (
    hb.SubsetFlags.NO_HINTING
    | hb.SubsetFlags.DESUBROUTINIZE
    | hb.SubsetFlags.NOTDEF_OUTLINE
    | hb.SubsetFlags.NO_LAYOUT_CLOSURE
)


def subsetter() -> str:
    """The font subsetter that compacts the fonts and its version (part of the PDF cache key)."""
    return f"uharfbuzz {hb.__version__} (HarfBuzz {hb.version_string()})"


def _compact_cff(data: bytes, cids: set[int]) -> bytes | None:
    """A bare CID-keyed CFF with only the used glyphs, whose CIDs stay the PDF's character codes.

    None (keep WeasyPrint's subset) for anything but a CID-keyed OpenType CFF font or when HarfBuzz fails;
    no second subsetter stands by, so the bytes depend on one tool only.
    """
    if data[:4] != b"OTTO":
        return None
    inp = hb.SubsetInput()
    inp.glyph_set.update(sorted(cids))
    inp.flags = _SUBSET_FLAGS
    try:
        face = hb.subset(hb.Face(data), inp)
    except RuntimeError:
        return None
    cff = face.reference_table("CFF ").data
    return cff if cff and _charset_ok(cff, cids) else None


def _charset_ok(cff: bytes, cids: set[int]) -> bool:
    """The compacted CFF is CID-keyed and maps every used CID (the codes in the content streams)."""
    fs = CFFFontSet()
    fs.decompile(io.BytesIO(cff), None)
    top = fs.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return False
    # WeasyPrint subsets with retained glyph ids, so the code in the content stream is the glyph id and
    # the CFF charset maps CID n to glyph n; HarfBuzz keeps those CIDs while renumbering the glyphs.
    got = {0 if n == ".notdef" else int(n[3:]) for n in top.charset}
    return got >= set(cids)


def compact_fonts(pdf: pikepdf.Pdf) -> None:
    """Replace WeasyPrint's OpenType CFF subsets (glyph ids retained, ~100 KB each) by bare CFF subsets."""
    files: dict[tuple[int, int], list] = {}
    for obj in pdf.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Subtype") != "/CIDFontType0":
            continue
        desc = obj.get("/FontDescriptor")
        ff = desc.get("/FontFile3") if desc is not None else None
        if ff is None or ff.get("/Subtype") != "/OpenType":
            continue
        entry = files.setdefault(ff.objgen, [ff, {0}, []])
        entry[1] |= set(cid_widths(obj.get("/W")))
        entry[2].append(desc)
    for ff, cids, descs in files.values():
        data = _compact_cff(ff.read_bytes(), cids)
        if data is None:
            continue
        new = pdf.make_stream(data)
        new.Subtype = Name.CIDFontType0C
        for desc in descs:
            desc.FontFile3 = new


def tounicode_cmap(ranges: list[tuple[int, int, str]], name: str = "Adobe-Identity-UCS") -> bytes:
    """A ToUnicode CMap for 2-byte codes: each (first code, last code, text of the first code).

    Written here because neither pikepdf nor fontTools writes PDF CMaps; codes in a range map to
    consecutive characters, so (c, c, ch) maps one code.
    """
    blocks = []
    for i in range(0, len(ranges), 100):  # at most 100 entries a block, as the CMap format asks
        chunk = ranges[i : i + 100]
        lines = b"".join(
            b"<%04X> <%04X> <%s>\n" % (lo, hi, text.encode("utf-16-be").hex().upper().encode())
            for lo, hi, text in chunk
        )
        blocks.append(b"%d beginbfrange\n%sendbfrange\n" % (len(chunk), lines))
    return (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        + f"/CMapName /{name} def /CMapType 2 def\n".encode()
        + b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        + b"".join(blocks)
        + b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )


# UCS-2 codes map to themselves: one range per high byte, leaving out the surrogates.
_UCS2_TO_UNICODE = tounicode_cmap(
    [(h << 8, (h << 8) | 0xFF, chr(h << 8)) for h in range(256) if not 0xD8 <= h <= 0xDF], "UCS2-Identity"
)


def _descriptor(pdf: pikepdf.Pdf, name: str, flags: int):
    """A font descriptor with STSong-Light's vertical metrics (ascent 880, descent 120: one em a line)."""
    return pdf.make_indirect(
        Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name("/" + name),
            Flags=flags,
            FontBBox=Array([-25, -254, 1000, 880]),
            ItalicAngle=0,
            Ascent=880,
            Descent=-120,
            CapHeight=880,
            StemV=93,
        )
    )


def _cid_font(pdf: pikepdf.Pdf, name: str, ordering: str, supplement: int, encoding: str, **extra):
    """A Type0 font of Adobe's CID collection `ordering`, never embedded (viewers take an installed face)."""
    cid_font = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType0,
        BaseFont=Name("/" + name),
        CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String(ordering), Supplement=supplement),
        FontDescriptor=_descriptor(pdf, name, 6),
        DW=1000,
        # Adobe's CIDs 1-95 (GB1 and Japan1 alike): the proportional Latin glyphs UCS2 CMaps give ASCII.
        W=Array([1, 95, 500]),
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=Name("/" + name),
            Encoding=Name("/" + encoding),
            DescendantFonts=Array([pdf.make_indirect(cid_font)]),
            **extra,
        )
    )


def _field_fonts(pdf: pikepdf.Pdf) -> Dictionary:
    """Fonts for /AcroForm /DR: STSong-Light (Chinese text), Helvetica and ZapfDingbats (tick marks).

    PDFium sets ASCII in a Latin font and the full-width forms (，；：（）) in a Japanese one, taken from /DR
    when it has one of that script; a line is as tall as its tallest font. So both stand here with
    STSong-Light's metrics, and every line of typed text is one size tall, as Poppler sets it.
    """
    # Codes are UCS-2 already; saying so lets Poppler (Evince, Okular) encode typed text itself.
    song = _cid_font(
        pdf, "STSong-Light", "GB1", 4, "UniGB-UCS2-H", ToUnicode=pdf.make_stream(_UCS2_TO_UNICODE)
    )
    wide = _cid_font(pdf, "KozMinPr6N-Regular", "Japan1", 6, "UniJIS-UCS2-H")
    helv = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type1,
        BaseFont=Name.Helvetica,
        Encoding=Name.WinAnsiEncoding,
        # ASCII as wide as STSong-Light's Latin glyphs in Poppler, so a line breaks at one place in both.
        FirstChar=32,
        LastChar=126,
        Widths=Array([500] * 95),
        FontDescriptor=_descriptor(pdf, "Helvetica", 32),
    )
    zadb = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats)
    return Dictionary(
        {
            "/" + FIELD_FONT: song,
            "/" + WIDE_FONT: wide,
            "/Helv": pdf.make_indirect(helv),
            "/ZaDb": pdf.make_indirect(zadb),
        }
    )


def _da_font(da) -> tuple[str | None, float]:
    """The font resource name and size a /DA string sets."""
    m = re.search(rb"/([^\s/]+)\s+([\d.]+)\s+Tf", bytes(da))
    return (("/" + m.group(1).decode("latin-1")), float(m.group(2))) if m else (None, 10.0)


def _fonts_in_content(pdf: pikepdf.Pdf) -> set[str]:
    """Font resource names any content stream (pages, form XObjects) selects with Tf."""
    used: set[str] = set()
    streams = [p.obj for p in pdf.pages]
    streams += [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    for s in streams:
        for operands, op in pikepdf.parse_content_stream(s, "Tf"):
            if op == pikepdf.Operator("Tf") and operands:
                used.add(str(operands[0]))
    return used


def _rename_state(widget: Dictionary, old: str, new: str) -> None:
    """Rename an appearance state (the on-state of a box) in /AP /N and /D and in /AS."""
    for key in ("/N", "/D"):
        states = widget.AP.get(key) if "/AP" in widget else None
        if states is not None and old in states and old != new:
            states[new] = states[old]
            del states[old]
    if widget.get("/AS") == old:
        widget.AS = Name(new)


def _off_state(pdf: pikepdf.Pdf, widget: Dictionary, cache: dict) -> None:
    """Give a box widget an empty /Off appearance, so viewers can switch a tick off and on again."""
    normal = widget.AP.N
    on = next(iter(normal.keys()))
    bbox = tuple(float(x) for x in normal[on].BBox)
    if bbox not in cache:
        cache[bbox] = pdf.make_stream(
            b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array(list(bbox)), Resources=Dictionary()
        )
    normal.Off = cache[bbox]
    # The on-state was drawn with the page's whole resource dictionary; it only needs graphics states.
    res = normal[on].get("/Resources")
    if res is not None:
        normal[on].Resources = Dictionary(ExtGState=res.ExtGState) if "/ExtGState" in res else Dictionary()
    if "/AS" not in widget:
        widget.AS = Name.Off


def fix_form(pdf: pikepdf.Pdf, tooltips: dict[str, str] | None = None) -> None:
    """Repair WeasyPrint's AcroForm: one field per radio group, on/off appearances, a small CJK field font.

    `tooltips` (field name → text) become the fields' /TU, which viewers show and screen readers speak.
    """
    acro = pdf.Root.get("/AcroForm")
    if acro is None:
        return
    fonts = _field_fonts(pdf)
    old_fonts: set[str] = set()
    off_cache: dict = {}
    fields = Array()
    by_name: dict[str, Dictionary] = {}
    for field in list(acro.Fields):
        if "/Parent" in field:
            # WeasyPrint lists each radio button both as a kid of its group and as a field of its own.
            continue
        name = str(field.get("/T", ""))
        ftype = field.get("/FT")
        flags = int(field.get("/Ff", 0))
        if ftype == "/Btn" and flags & RADIO:
            group = by_name.get(name)
            if group is None:
                group = by_name[name] = field
                fields.append(field)
            _fix_radio(pdf, group, field, off_cache)
            continue
        if name in by_name:
            raise ValueError(f"PDF form field {name!r} appears twice: field names must be unique")
        by_name[name] = field
        fields.append(field)
        if ftype == "/Btn" and not flags & PUSH:
            _rename_state(field, "/on", "/Yes")
            if field.get("/V") == "/on":
                field.V = Name.Yes
            _off_state(pdf, field, off_cache)
            field.DA = String("/ZaDb 0 Tf 0 g")
            field.MK = Dictionary(BC=Array([0, 0, 0]), CA=String("4"))
        elif "/DA" in field:
            font, size = _da_font(field.DA)
            if font:
                old_fonts.add(font)
            if ftype == "/Tx" and flags & MULTILINE:
                size = AREA_SIZE
                field.BS = Dictionary(W=AREA_INSET, S=Name.S)
            field.DA = String(f"/{FIELD_FONT} {size:g} Tf 0 g")
    for field in fields:
        tip = (tooltips or {}).get(str(field.get("/T", "")))
        if tip:
            field.TU = String(tip)
    acro.Fields = fields
    acro.DR = Dictionary(Font=fonts)
    acro.DA = String(f"/{FIELD_FONT} 10 Tf 0 g")
    # Values set by other tools (or typed in viewers that skip appearance streams) get drawn by the viewer.
    acro.NeedAppearances = True
    _drop_unused_fonts(pdf, old_fonts)


def _fix_radio(pdf: pikepdf.Pdf, group: Dictionary, part: Dictionary, off_cache: dict) -> None:
    """Merge a radio group (or a second part of it) into `group`; states are named after the values."""
    opts = [str(o) for o in part.get("/Opt", [])]
    value = part.get("/V", Name.Off)
    kids = list(part.Kids)
    for kid in kids:
        state = next(k for k in kid.AP.N if k != "/Off")
        index = state[1:]
        if index.isdigit() and int(index) < len(opts) and _STATE.match(opts[int(index)]):
            new = "/" + opts[int(index)]
            _rename_state(kid, state, new)
            if value == state:
                value = Name(new)
        for key in ("/T", "/TU", "/FT", "/Ff"):
            if key in kid:
                del kid[key]
        _off_state(pdf, kid, off_cache)
        kid.MK = Dictionary(BC=Array([0, 0, 0]), CA=String("l"))
        kid.DA = String("/ZaDb 0 Tf 0 g")
        if part is not group:
            kid.Parent = group
            group.Kids.append(kid)
    if all(_STATE.match(o) for o in opts) and "/Opt" in group:
        del group["/Opt"]
    if value != "/Off" or "/V" not in group:
        group.V = value
    group.DA = String("/ZaDb 0 Tf 0 g")


def _drop_unused_fonts(pdf: pikepdf.Pdf, names: set[str]) -> None:
    """Remove the fonts WeasyPrint embedded whole for fields, unless some page text also uses them."""
    if not names:
        return
    unused = names - _fonts_in_content(pdf)
    dicts = [p.obj.get("/Resources") for p in pdf.pages]
    dicts += [o.get("/Resources") for o in pdf.objects if isinstance(o, pikepdf.Stream)]
    for res in dicts:
        if res is None or "/Font" not in res:
            continue
        for n in unused:
            if n in res.Font:
                del res.Font[n]


def set_dates(pdf: pikepdf.Pdf, epoch: int) -> None:
    """Creation and modification dates from SOURCE_DATE_EPOCH, so the same input gives the same bytes."""
    stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")
    pdf.docinfo.CreationDate = String(stamp)
    pdf.docinfo.ModDate = String(stamp)


def save(pdf: pikepdf.Pdf) -> bytes:
    """Deterministic, compact serialisation (object streams, an /ID derived from the content)."""
    out = io.BytesIO()
    pdf.remove_unreferenced_resources()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return out.getvalue()


def postprocess(data: bytes, *, fillable: bool, epoch: int, tooltips: dict[str, str] | None = None) -> bytes:
    """All fix-ups for one WeasyPrint PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        compact_fonts(pdf)
        artifact_orphans(pdf)
        if fillable:
            fix_form(pdf, tooltips)
        set_dates(pdf, epoch)
        return save(pdf)
