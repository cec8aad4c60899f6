"""PDF pipeline: fields read back with pypdf, ticks drawn by PDFium, fonts, text, determinism, glyphs."""

from __future__ import annotations

import io
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest

from handbook.epoch import DEFAULT_EPOCH
from handbook.model.context import YearContext
from handbook.pdf import engine as P
from handbook.pdf import fonts as F

from .tagcheck import tag_problems

KANGXI = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
RADIO = 1 << 15

HAND_FORM = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试表</title><style>
@page { size: A4; margin: 20mm; }
body { font-family: "Noto Serif CJK SC"; font-size: 11pt; }
h1 { font-family: "Noto Sans CJK SC"; text-align: center; }
table { border-collapse: collapse; width: 100%; } td, th { border: 0.5pt solid #000; padding: 2mm; }
input[type=text], textarea { width: 100%; border: 0; border-bottom: 0.5pt solid #000; height: 1.6em; }
textarea { height: 25mm; border: 0.5pt solid #000; }
input[type=radio], input[type=checkbox] { width: 4mm; height: 4mm; border: 0.5pt solid #000; }
</style></head><body><form>
<h1>民主评议党员测评表</h1>
<p><label for="unit">党支部名称</label><input type="text" id="unit" name="unit"></p>
<table><tr><th>评议项目</th><th>优秀</th><th>合格</th><th>基本合格</th><th>不合格</th></tr>
<tr><td>理想信念</td>
<td><input type="radio" name="g1" value="excellent"></td><td><input type="radio" name="g1" value="pass"></td>
<td><input type="radio" name="g1" value="basic"></td><td><input type="radio" name="g1" value="fail"></td></tr>
<tr><td>纪律规矩</td>
<td><input type="radio" name="g2" value="excellent"></td><td><input type="radio" name="g2" value="pass"></td>
<td><input type="radio" name="g2" value="basic"></td><td><input type="radio" name="g2" value="fail"></td></tr>
</table>
<p><input type="checkbox" name="attended" id="attended"> <label for="attended">已参加集中学习</label></p>
<p><label for="opinion">意见和建议</label></p><textarea id="opinion" name="opinion"></textarea>
</form></body></html>
"""


class _Inputs(HTMLParser):
    """Input names of an HTML document with their kind: text, check or radio."""

    def __init__(self):
        super().__init__()
        self.kinds: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in ("input", "textarea") or not a.get("name"):
            return
        t = a.get("type", "text") if tag == "input" else "textarea"
        if t in ("submit", "button", "hidden"):
            return
        self.kinds[a["name"]] = {"radio": "radio", "checkbox": "check"}.get(t, "text")


def html_inputs(html: str) -> dict[str, str]:
    """What fields a fillable PDF of this HTML must have."""
    p = _Inputs()
    p.feed(html)
    return p.kinds


def pdf_fields(data: bytes) -> dict[str, str]:
    """Fields of a PDF read back with pypdf, as name -> kind; fails on a duplicate name."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    top = reader.trailer["/Root"]["/AcroForm"]["/Fields"]
    names = [str(f.get_object()["/T"]) for f in top]
    assert len(names) == len(set(names)), (
        f"duplicate fields: {sorted(n for n in names if names.count(n) > 1)}"
    )
    kinds = {}
    for name, f in reader.get_fields().items():
        if f.get("/FT") == "/Tx":
            kinds[name] = "text"
        elif f.get("/FT") == "/Btn":
            kinds[name] = "radio" if int(f.get("/Ff", 0)) & RADIO else "check"
    return kinds


def widgets(pdf, name: str):
    """The widget annotations of a field (the field itself, or its kids)."""
    for f in pdf.Root.AcroForm.Fields:
        if str(f.T) == name:
            return list(f.Kids) if "/Kids" in f else [f]
    raise KeyError(name)


def _dark(img, height: float, rect, scale: float) -> int:
    """Dark pixels of a greyscale page image inside a PDF rectangle (1 px in from its edges)."""
    xs, ys = sorted(float(v) for v in rect[0::2]), sorted(float(v) for v in rect[1::2])
    top, bottom = (height - ys[1]) * scale, (height - ys[0]) * scale
    box = (int(xs[0] * scale) + 1, int(top) + 1, int(xs[1] * scale) - 1, int(bottom) - 1)
    return sum(1 for v in img.crop(box).tobytes() if v < 128)


def dark_in_rect(data: bytes, rect, scale: float = 3.0, forms: bool = True) -> int:
    """Dark pixels PDFium draws inside a widget rectangle of page 1 (forms initialised, as a viewer does)."""
    doc = pdfium.PdfDocument(data)
    if forms:
        doc.init_forms()
    page = doc[0]
    img = page.render(scale=scale, may_draw_forms=forms).to_pil().convert("L")
    return _dark(img, page.get_height(), rect, scale)


def poppler_dark_in_rect(data: bytes, rect, tmp_path: Path, scale: float = 3.0) -> int:
    """Dark pixels Poppler (pdftoppm, as Evince and Okular draw) puts inside a rectangle of page 1."""
    from PIL import Image

    src = tmp_path / "p.pdf"
    src.write_bytes(data)
    run = ["pdftoppm", "-gray", "-png", "-singlefile", "-f", "1", "-r", str(72 * scale), str(src)]
    res = subprocess.run([*run, str(tmp_path / "p")], capture_output=True, text=True, check=True)
    assert "Unknown CMap" not in res.stderr, res.stderr  # poppler-data missing: typed text stays blank
    with pikepdf.open(io.BytesIO(data)) as pdf:
        height = float(pdf.pages[0].mediabox[3])
    return _dark(Image.open(tmp_path / "p.png").convert("L"), height, rect, scale)


@pytest.fixture(scope="session")
def edition_and_common():
    """The newest edition and the common data."""
    from handbook.model.editions import snapshot

    common, editions = snapshot()
    return editions[max(editions)], common


@pytest.fixture(scope="session")
def form_pdfs(edition_and_common):
    """Every form's HTML, print and fillable PDF (newest edition), rendered once (cached by content)."""
    from handbook.model.forms import input_tooltips, load_forms
    from handbook.render.forms import form_document

    edition, common = edition_and_common
    out = {}
    for fid, form in load_forms().items():
        html = form_document(form, YearContext(edition, common))
        tips = input_tooltips(form)
        fillable = P.render_pdf(html, fillable=True, tooltips=tips)
        out[fid] = (html, P.render_pdf(html, fillable=False), fillable)
    return out


@pytest.fixture(scope="session")
def hand_pdfs():
    """The hand-written test form, print and fillable."""
    return P.render_pdf(HAND_FORM, fillable=False), P.render_pdf(HAND_FORM, fillable=True)


# ------------------------------------------------------------------------------------------- fields


@pytest.mark.slow
def test_hand_form_fields(hand_pdfs):
    assert pdf_fields(hand_pdfs[1]) == {
        "unit": "text",
        "g1": "radio",
        "g2": "radio",
        "attended": "check",
        "opinion": "text",
    }


@pytest.mark.slow
def test_radio_states_named_after_values(hand_pdfs):
    fields = pypdf.PdfReader(io.BytesIO(hand_pdfs[1])).get_fields()
    assert set(fields["g1"]["/_States_"]) >= {"/excellent", "/pass", "/basic", "/fail"}
    assert set(fields["attended"]["/_States_"]) == {"/Yes", "/Off"}


@pytest.mark.slow
def test_form_field_inventory(form_pdfs):
    """Per form: the fillable PDF has exactly the HTML's inputs, one field per radio group, right types."""
    for fid, (html, _, fillable) in form_pdfs.items():
        assert pdf_fields(fillable) == html_inputs(html), fid


@pytest.mark.slow
def test_fields_have_chinese_tooltips(form_pdfs):
    """Viewers and screen readers name each field in Chinese from the form's labels, never by its id."""
    from handbook.model.forms import input_tooltips, load_forms

    forms = load_forms()
    tips = {}
    for fid, (_, _, fillable) in form_pdfs.items():
        fields = pypdf.PdfReader(io.BytesIO(fillable)).get_fields()
        tips[fid] = {name: f.get("/TU") for name, f in fields.items()}
        assert tips[fid] == input_tooltips(forms[fid]), fid
        assert not [n for n, t in tips[fid].items() if t == n or not re.search("[\u4e00-\u9fff]", t)], fid
    register = tips["member-register"]
    assert (register["self_grade"], register["branch_grade"]) == ("自评等次", "评定等次")
    assert register["birth_m"] == "出生年月（月）"
    assert tips["member-ballot"]["r01_name"] == "第1行 姓名"


@pytest.mark.slow
def test_tooltips_name_fields_and_key_the_cache(hand_pdfs):
    """Tooltips given by the caller land in /TU of the field (a radio group once) and change the cache key."""
    tips = {"unit": "党支部名称", "g1": "理想信念 等次", "attended": "已参加集中学习"}
    assert P.cache_key(HAND_FORM, fillable=True, tooltips=tips) != P.cache_key(HAND_FORM, fillable=True)
    data = P.render_pdf(HAND_FORM, fillable=True, tooltips=tips)
    fields = pypdf.PdfReader(io.BytesIO(data)).get_fields()
    assert {n: f.get("/TU") for n, f in fields.items() if n in tips} == tips
    assert fields["opinion"].get("/TU") != "理想信念 等次"


@pytest.mark.slow
def test_pack_layouts_read_fields_where_the_form_puts_them():
    """A pack layout's field rectangles come from a rendering without the <form> element (WeasyPrint searches
    a form's whole tree for every input's label: minutes for a long list); they are the form's own."""
    from handbook.pdf.overlay import _formless, _widgets

    plain = P.weasyprint_pdf(_formless(HAND_FORM), True, None)
    assert "<form" not in _formless(HAND_FORM)
    assert _widgets(plain) == _widgets(P.weasyprint_pdf(HAND_FORM, True, None))


@pytest.mark.slow
def test_print_pdfs_have_no_fields(form_pdfs):
    for fid, (_, printed, _) in form_pdfs.items():
        with pikepdf.open(io.BytesIO(printed)) as pdf:
            assert "/AcroForm" not in pdf.Root, fid


# ------------------------------------------------------------------------------------------- drawing


@pytest.mark.slow
def test_ticks_are_drawn(hand_pdfs):
    """A tick set in the PDF (value and appearance state) is drawn by PDFium; unset boxes stay empty."""
    with pikepdf.open(io.BytesIO(hand_pdfs[1])) as pdf:
        box = widgets(pdf, "attended")[0]
        radios = widgets(pdf, "g1")
        rects = [list(box.Rect)] + [list(k.Rect) for k in radios]
        before = [dark_in_rect(hand_pdfs[1], r) for r in rects]
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "attended")
        field.V = field.AS = pikepdf.Name.Yes
        group = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "g1")
        group.V = pikepdf.Name("/pass")
        for k in radios:
            k.AS = pikepdf.Name("/pass") if "/pass" in k.AP.N else pikepdf.Name.Off
        buf = io.BytesIO()
        pdf.save(buf)
    after = [dark_in_rect(buf.getvalue(), r) for r in rects]
    pass_index = 1 + [str(v) for v in ("excellent", "pass", "basic", "fail")].index("pass")
    assert after[0] > before[0] + 3, (before, after)
    assert after[pass_index] > before[pass_index] + 3, (before, after)
    assert all(after[i] <= before[i] + 1 for i in range(1, len(rects)) if i != pass_index), (before, after)


def _typed(data: bytes, name: str, value: str) -> tuple[bytes, list]:
    """The fillable PDF with `value` stored in text field `name` as a viewer stores typed text."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == name)
        assert "STSong" in str(field.DA)
        rect = list(field.Rect)
        field.V = pikepdf.String(value)
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue(), rect


@pytest.mark.slow
def test_chinese_typed_into_a_field_shows(hand_pdfs):
    """A Chinese value (as a viewer stores typed text) is drawn with the STSong field font by PDFium."""
    typed, rect = _typed(hand_pdfs[1], "unit", "第一党支部")
    assert dark_in_rect(typed, rect) > dark_in_rect(hand_pdfs[1], rect) + 50


@pytest.mark.slow
def test_poppler_draws_chinese_typed_into_a_field(hand_pdfs, tmp_path):
    """Poppler (Evince, Okular, pdftoppm) draws a typed Chinese value as PDFium does."""
    # NeedAppearances makes Poppler build the appearance with STSong, whose UniGB-UCS2-H CMap comes
    # from poppler-data (scripts/ensure_system.sh installs it).
    typed, rect = _typed(hand_pdfs[1], "unit", "第一党支部")
    blank = poppler_dark_in_rect(hand_pdfs[1], rect, tmp_path)
    assert poppler_dark_in_rect(typed, rect, tmp_path) > blank + 50


@pytest.mark.slow
def test_fillable_pdf_is_small(hand_pdfs, form_pdfs):
    """The whole-font regression (about 21 MB a page) stays fixed."""
    assert len(hand_pdfs[1]) < 2_000_000
    for fid, (_, _, fillable) in form_pdfs.items():
        assert len(fillable) < 2_000_000, fid


# ------------------------------------------------------------------------------------------- fonts, text


def pdffonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_fonts_embedded_as_subsets(form_pdfs, hand_pdfs, tmp_path):
    docs = {"hand": hand_pdfs[0], "hand-fillable": hand_pdfs[1]}
    for fid, (_, printed, fillable) in form_pdfs.items():
        docs[fid], docs[fid + "-fillable"] = printed, fillable
    for name, data in docs.items():
        rows = pdffonts(data, tmp_path)
        assert rows, name
        for row in rows:
            # Columns from the right: object ID (2), uni, sub, emb.
            emb, sub = row[-5], row[-4]
            assert (emb, sub) == ("yes", "yes"), (name, row)


@pytest.mark.slow
def test_text_extracts_as_chinese(form_pdfs, hand_pdfs, tmp_path):
    from handbook.model.forms import load_forms

    forms = load_forms()
    for fid, (_, printed, fillable) in form_pdfs.items():
        for data in (printed, fillable):
            text = pdftotext(data, tmp_path)
            assert forms[fid].title in text.replace(" ", ""), fid
            assert not KANGXI.search(text), (fid, KANGXI.findall(text))
    assert "民主评议党员测评表" in pdftotext(hand_pdfs[1], tmp_path)


# ------------------------------------------------------------------------------------------- build rules


@pytest.mark.slow
def test_byte_identical_without_cache():
    """Two renders of the same input, bypassing the cache, give the same bytes."""
    from handbook.pdf.fix import postprocess

    for fillable in (False, True):
        a, b = (
            postprocess(P.weasyprint_pdf(HAND_FORM, fillable, None, True), fillable=fillable, epoch=epoch)
            for epoch in (DEFAULT_EPOCH, DEFAULT_EPOCH)
        )
        assert a == b
        assert a == P.render_pdf(HAND_FORM, fillable=fillable)


@pytest.mark.slow
def test_cache_hit_skips_weasyprint(hand_pdfs, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("rendered again although the input did not change")

    monkeypatch.setattr(P, "weasyprint_pdf", boom)
    assert P.render_pdf(HAND_FORM, fillable=True) == hand_pdfs[1]


def test_cache_key_depends_on_inputs():
    k = P.cache_key(HAND_FORM, fillable=False)
    assert k != P.cache_key(HAND_FORM, fillable=True)
    assert k != P.cache_key(HAND_FORM + " ", fillable=False)
    assert k != P.cache_key(HAND_FORM, fillable=False, epoch=1)


def test_cache_key_names_the_subsetters(monkeypatch):
    """Another HarfBuzz (ours or WeasyPrint's) makes other font bytes, so it must make another key."""
    k = P.cache_key(HAND_FORM, fillable=False)
    assert P.subsetter().startswith("uharfbuzz ")
    monkeypatch.setattr(P, "subsetter", lambda: "uharfbuzz 0.0.1 (HarfBuzz 1.0.0)")
    assert P.cache_key(HAND_FORM, fillable=False) != k
    monkeypatch.undo()
    monkeypatch.setattr(P, "weasyprint_subsetter", lambda: "fonttools")
    assert P.cache_key(HAND_FORM, fillable=False) != k


def test_missing_glyph_fails_with_the_character(tmp_path, monkeypatch):
    monkeypatch.setattr(P, "CACHE_DIR", tmp_path)
    ch = next(c for c in ("\U00020000", "\ue000", "\U0010fffd") if ord(c) not in F.coverage())
    html = HAND_FORM.replace("意见和建议", f"意见{ch}建议")
    with pytest.raises(F.MissingGlyphError) as err:
        P.render_pdf(html, fillable=False)
    assert f"U+{ord(ch):04X}" in str(err.value) and ch in str(err.value)
    assert not list(tmp_path.glob("*.pdf"))


def test_glyph_check_reads_css_content_and_values():
    ch = next(c for c in ("\U00020000", "\ue000", "\U0010fffd") if ord(c) not in F.coverage())
    with pytest.raises(F.MissingGlyphError):
        F.check_glyphs(f'<style>@page {{ @top-center {{ content: "{ch}"; }} }}</style><p>正文</p>')
    with pytest.raises(F.MissingGlyphError):
        F.check_glyphs(f'<input name="a" value="{ch}">')
    F.check_glyphs(f"<script>var a = '{ch}';</script><p>正文 — 1 —</p>")


# ------------------------------------------------------------------------------------------- edition set


@pytest.mark.slow
def test_edition_pdfs(site_cache, latest_year, edition_and_common, tmp_path):
    """The built site carries every form's two PDFs, the form pack and the handbook, numbered."""
    from handbook.model.forms import load_forms

    edition, _ = edition_and_common
    site = site_cache(latest_year)
    out = site / "pdf"
    forms = load_forms()
    for fid in forms:
        assert (out / "forms" / f"{fid}.pdf").stat().st_size > 5000
        assert (out / "forms" / f"{fid}-fillable.pdf").stat().st_size > 5000
    pack = (out / f"form-pack-{latest_year}.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(pack)) as pdf:
        assert len(pdf.pages) >= len(forms) + 2
    text = pdftotext(pack, tmp_path)
    assert edition.label in text and "目" in text
    for form in forms.values():
        assert form.title in text.replace(" ", "")
    book = (out / f"handbook-{latest_year}.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(book)) as pdf:
        assert len(pdf.pages) > 10
    pages = pdftotext(book, tmp_path).split("\f")
    # Cover and contents carry no number; the first numbered page is "— 1 —" (pdftotext drops the spaces).
    first = next(i for i, page in enumerate(pages) if re.search(r"—\s*\d+\s*—", page))
    assert re.search(r"—\s*1\s*—", pages[first]) and first >= 2
    assert not KANGXI.search("".join(pages))


@pytest.mark.slow
def test_handbook_numbers_run_on_across_chunks(site_cache, latest_year, tmp_path):
    """The handbook is laid out in chunks: body pages still count 1, 2, 3 … and the contents point right."""
    book = (site_cache(latest_year) / "pdf" / f"handbook-{latest_year}.pdf").read_bytes()
    pages = pdftotext(book, tmp_path).split("\f")
    numbered = [(i, re.findall(r"—\s*(\d+)\s*—", page)) for i, page in enumerate(pages)]
    body = [i for i, found in numbered if found]
    assert [int(numbered[i][1][-1]) for i in body] == list(range(1, len(body) + 1))
    entries = re.findall(r"^(\S[^\n·]*?)\s*·{3,}\s*(\d+)$", "\n".join(pages[1 : body[0]]), re.M)
    assert len(entries) > 10
    for title, n in entries:
        # A long heading wraps on its page.
        assert title.replace(" ", "") in re.sub(r"\s", "", pages[body[int(n) - 1]]), (title, n)


@pytest.mark.slow
def test_form_pdfs_are_tagged_for_screen_readers(form_pdfs):
    """Print and fillable PDFs carry a structure tree in reading order, marked, in Chinese (PDF/UA tags)."""
    for fid, (_, printed, fillable) in form_pdfs.items():
        for data in (printed, fillable):
            with pikepdf.open(io.BytesIO(data)) as pdf:
                assert pdf.Root.MarkInfo.Marked, fid
                root = pdf.Root.StructTreeRoot
                assert len(root.K) >= 1 and "/ParentTree" in root, fid
                assert str(pdf.Root.Lang).startswith("zh"), fid
                assert all("/StructParents" in page.obj for page in pdf.pages), fid
                # Page numbers are artifacts; every marked id is reached from the tree.
                assert not tag_problems(pdf)[0], (fid, tag_problems(pdf)[0][:5])
