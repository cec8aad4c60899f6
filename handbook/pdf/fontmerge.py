"""One embedded font per face in a PDF merged from several documents (the handbook's chunks).

Each chunk embeds its own subset of every face it uses, so a merged book carried one font program per face
per chunk. WeasyPrint subsets with retained glyph ids, so in every chunk a face's character codes are the
same glyph ids of the same font: the subsets can be joined glyph by glyph (fontTools), with widths and
ToUnicode maps joined the same way, and every page pointed at the one joined font. Joining after the merge
keeps the chunks laid out in parallel and cached one by one, and needs no access to the installed fonts.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from .fix import cid_widths

_TAG = re.compile(r"^/?[A-Z]{6}\+")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def _resources(pdf: pikepdf.Pdf):
    """Every resource dictionary reachable from the pages, their form XObjects and annotation appearances."""
    seen: set[tuple[int, int]] = set()
    todo = [page.obj for page in pdf.pages]
    while todo:
        obj = todo.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        res = obj.get("/Resources")
        if not isinstance(res, Dictionary):
            continue
        yield res
        for xobj in (res.get("/XObject") or Dictionary()).values():
            if xobj.get("/Subtype") == "/Form":
                todo.append(xobj)


def _face(font) -> tuple | None:
    """What makes two Type0 fonts subsets of one face (None: a font this module leaves alone)."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    kids = font.get("/DescendantFonts")
    cid = kids[0] if kids is not None and len(kids) == 1 else None
    desc = cid.get("/FontDescriptor") if cid is not None else None
    if desc is None or "/ToUnicode" not in font:
        return None
    base = _TAG.sub("", str(font.get("/BaseFont", "")))
    kind = cid.get("/Subtype")
    if kind == "/CIDFontType0" and desc.get("/FontFile3", {}).get("/Subtype") == "/CIDFontType0C":
        return base, "cff"
    if kind == "/CIDFontType2" and cid.get("/CIDToGIDMap") == "/Identity" and "/FontFile2" in desc:
        return base, "ttf"
    return None


def merge_fonts(pdf: pikepdf.Pdf) -> None:
    """Join the subsets of each face into one font and point every use at it; faces that cannot be joined
    (an unexpected font program) are left as they are."""
    faces: dict[tuple, dict[tuple[int, int], Dictionary]] = {}
    uses = []
    for res in _resources(pdf):
        fonts = res.get("/Font")
        for key, font in (fonts.items() if isinstance(fonts, Dictionary) else []):
            face = _face(font)
            if face is not None:
                faces.setdefault(face, {})[font.objgen] = font
                uses.append((fonts, key, face))
    joined = {}
    for face, fonts in faces.items():
        if len(fonts) > 1:
            font = _join(pdf, [fonts[k] for k in sorted(fonts)], face[1])
            if font is not None:
                joined[face] = font
    for fonts, key, face in uses:
        if face in joined:
            fonts[key] = joined[face]


def _join(pdf: pikepdf.Pdf, fonts: list[Dictionary], kind: str) -> Dictionary | None:
    """The first font, changed to carry the glyphs, widths and text of all of them (None: not joinable)."""
    cids = [cid_widths(f.DescendantFonts[0].get("/W")) for f in fonts]
    descs = [f.DescendantFonts[0].FontDescriptor for f in fonts]
    unicode = [_to_unicode(f.ToUnicode.read_bytes()) for f in fonts]
    if any(u is None for u in unicode):
        return None
    if kind == "cff":
        program = _join_cff([d.FontFile3.read_bytes() for d in descs])
    else:
        program = _join_ttf([d.FontFile2.read_bytes() for d in descs], [set(c) for c in cids])
    if program is None:
        return None
    widths: dict[int, float] = {}
    text: dict[int, bytes] = {}
    for w, u in zip(cids, unicode, strict=True):
        for cid, width in w.items():
            widths.setdefault(cid, width)
        for code, chars in u.items():
            text.setdefault(code, chars)
    first = fonts[0]
    stream = pdf.make_stream(program)
    if kind == "cff":
        stream.Subtype = Name.CIDFontType0C
        descs[0].FontFile3 = stream
    else:
        descs[0].FontFile2 = stream
    first.DescendantFonts[0].W = _w_array(widths)
    first.ToUnicode = pdf.make_stream(_cmap(text))
    return first


def _w_array(widths: dict[int, float]) -> Array:
    """A CIDFont /W array: runs of consecutive CIDs as `first [w1 w2 ...]`."""
    out = Array()
    run: list[int] = []
    for cid in sorted(widths):
        if run and cid != run[-1] + 1:
            out.extend([run[0], Array([widths[c] for c in run])])
            run = []
        run.append(cid)
    if run:
        out.extend([run[0], Array([widths[c] for c in run])])
    return out


def _to_unicode(data: bytes) -> dict[int, bytes] | None:
    """A ToUnicode CMap's codes and their UTF-16BE text (None for a range given as an array)."""
    out: dict[int, bytes] = {}
    for block in _BFCHAR.findall(data):
        hexes = _HEX.findall(block)
        for code, chars in zip(hexes[0::2], hexes[1::2], strict=True):
            out.setdefault(int(code, 16), bytes.fromhex(chars.decode()))
    for block in _BFRANGE.findall(data):
        if b"[" in block:
            return None
        hexes = _HEX.findall(block)
        for lo, hi, dst in zip(hexes[0::3], hexes[1::3], hexes[2::3], strict=True):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out.setdefault(code, (start + i).to_bytes(len(dst) // 2, "big"))
    return out


def _cmap(text: dict[int, bytes]) -> bytes:
    """A ToUnicode CMap with one bfchar entry per code (at most 100 per block, as the format asks)."""
    codes = sorted(text)
    blocks = []
    for i in range(0, len(codes), 100):
        part = codes[i : i + 100]
        lines = b"".join(b"<%04x> <%s>\n" % (c, text[c].hex().encode()) for c in part)
        blocks.append(b"%d beginbfchar\n%sendbfchar\n" % (len(part), lines))
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo\n<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        + b"".join(blocks)
        + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


def _private_key(fd) -> tuple:
    """What a CFF font dict's hinting and width defaults are, to match font dicts across subsets."""
    raw = dict(getattr(fd.Private, "rawDict", {}))
    raw.pop("Subrs", None)
    return (*sorted((k, repr(v)) for k, v in raw.items()), repr(getattr(fd, "FontMatrix", None)))


def _join_cff(datas: list[bytes]) -> bytes | None:
    """One CID-keyed CFF holding the glyphs (by CID) of several desubroutinized subsets of one face."""
    sets = []
    for data in datas:
        fs = CFFFontSet()
        fs.decompile(io.BytesIO(data), None)
        top = fs.topDictIndex[0]
        if not hasattr(top, "ROS") or not hasattr(top, "FDArray") or len(fs.GlobalSubrs):
            return None
        if any(getattr(fd.Private, "Subrs", None) for fd in top.FDArray):
            # Subroutines are per font program; the subsets here are made without them.
            return None
        sets.append(fs)
    top = sets[0].topDictIndex[0]
    fd_index = {_private_key(fd): i for i, fd in enumerate(top.FDArray)}
    glyphs: dict[str, tuple] = {}
    for fs in sets:
        t = fs.topDictIndex[0]
        for name in t.charset:
            if name in glyphs:
                continue
            charstring, sel = t.CharStrings.getItemAndSelector(name)
            key = _private_key(t.FDArray[sel])
            if key not in fd_index:
                # A font dict this subset uses and the first does not: compiled with the joined font's
                # strings like its own.
                fd_index[key] = len(top.FDArray)
                top.FDArray.append(t.FDArray[sel])
            fd = fd_index[key]
            charstring.private = top.FDArray[fd].Private
            glyphs[name] = (charstring, fd)
    names = sorted(glyphs, key=lambda n: -1 if n == ".notdef" else int(n[3:]))
    cs = top.CharStrings
    csi = cs.charStringsIndex
    csi.items = [glyphs[n][0] for n in names]
    for attr in ("file", "offsets"):
        if hasattr(csi, attr):
            delattr(csi, attr)
    cs.charStrings = {n: i for i, n in enumerate(names)}
    top.FDSelect.format = None
    top.FDSelect.gidArray = [glyphs[n][1] for n in names]
    top.charset = names
    top.numGlyphs = len(names)
    out = io.BytesIO()
    # compile() asks the OpenType font around the CFF only whether to recompute bounding boxes; a bare CFF
    # has none, and the PDF's font descriptor carries the box.
    sets[0].compile(out, SimpleNamespace(recalcBBoxes=False))
    return out.getvalue()


def _join_ttf(datas: list[bytes], cids: list[set[int]]) -> bytes | None:
    """One TrueType font whose glyph slots hold the glyphs of several retained-gid subsets of one face."""
    fonts = [TTFont(io.BytesIO(d), recalcTimestamp=False) for d in datas]
    base = fonts[0]
    if "glyf" not in base:
        return None
    order = base.getGlyphOrder()
    have = set(cids[0])
    for font, used in zip(fonts[1:], cids[1:], strict=True):
        if "glyf" not in font or len(font.getGlyphOrder()) != len(order):
            return None
        # Glyph names follow each subset's cmap, so glyphs are matched by id, not by name.
        theirs = font.getGlyphOrder()
        todo = sorted(used - have)
        while todo:
            gid = todo.pop()
            if gid >= len(order):
                continue
            glyph = font["glyf"][theirs[gid]]
            if glyph.isComposite():
                for comp in glyph.components:
                    cgid = font.getGlyphID(comp.glyphName)
                    comp.glyphName = order[cgid]
                    if cgid not in have and base["glyf"][order[cgid]].numberOfContours == 0:
                        todo.append(cgid)
            base["glyf"][order[gid]] = glyph
            base["hmtx"][order[gid]] = font["hmtx"][theirs[gid]]
        have |= used
    # The text is horizontal and the PDF's /W array gives the widths: vertical metrics (a 4-byte entry
    # for each of the face's glyph ids) are never read.
    for tag in ("vmtx", "vhea"):
        if tag in base:
            del base[tag]
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()
