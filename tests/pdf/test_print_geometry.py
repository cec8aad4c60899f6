"""What a recipient sees of the forms on paper: the same in PDFium (Chrome, Edge) and Poppler."""

from __future__ import annotations

import io
import itertools
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image

from handbook.model.context import YearContext
from handbook.pdf import engine as P

DPI = 96  # a browser's 100 %
MM = DPI / 25.4


def _ink(img: Image.Image) -> Image.Image:
    """White where a pixel is ink (darker than a light grey), black elsewhere."""
    return img.convert("L").point(lambda v: 255 if v < 235 else 0)


def _runs(cells: list[int], n: int) -> int:
    """The longest run of fully inked cells in one row of `n` cells."""
    best = run = 0
    for v in cells[:n]:
        run = run + 1 if v == 255 else 0
        best = max(best, run)
    return best


def rule_rows(img: Image.Image, frac: float = 0.3, cell: int = 8) -> list[float]:
    """The y (px) of horizontal rules: unbroken ink over `frac` of the width, adjacent rows merged."""
    ink = _ink(img)
    w, h = ink.size
    n = w // cell
    # Each cell is `cell` px of one row: fully inked (255) only where a line runs through all of it.
    cells = list(ink.resize((n, h), Image.Resampling.BOX).tobytes())
    rows = [y for y in range(h) if _runs(cells[y * n : (y + 1) * n], n) >= frac * n]
    out: list[list[int]] = []
    for y in rows:
        if out and y - out[-1][-1] <= 1:
            out[-1].append(y)
        else:
            out.append([y])
    return [sum(r) / len(r) for r in out]


def rule_columns(img: Image.Image, frac: float = 0.2) -> list[int]:
    """The x (px) of vertical rules: columns with ink down `frac` of the page."""
    ink = _ink(img)
    w = ink.width
    means = ink.resize((w, 1), Image.Resampling.BOX).tobytes()
    return [x for x, v in enumerate(means) if v >= frac * 255]


def pdfium_pages(data: bytes) -> list[Image.Image]:
    """Every page as PDFium (Chrome, Edge) draws it, without form fields initialised (a print preview)."""
    doc = pdfium.PdfDocument(data)
    return [page.render(scale=DPI / 72).to_pil() for page in doc]


def poppler_pages(data: bytes, tmp_path: Path) -> list[Image.Image]:
    """Every page as Poppler (pdftoppm: Evince, Okular) draws it."""
    src = tmp_path / "p.pdf"
    src.write_bytes(data)
    for old in tmp_path.glob("p-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), str(src), str(tmp_path / "p")], check=True)
    return [Image.open(p) for p in sorted(tmp_path.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))]


@pytest.fixture(scope="module")
def edition_and_common():
    """The newest edition and the common data."""
    from handbook.model.editions import snapshot

    common, editions = snapshot()
    return editions[max(editions)], common


@pytest.fixture(scope="module")
def printed(edition_and_common):
    """Every form's print and fillable PDF and the edition's form pack (cached by content)."""
    from handbook.model.forms import input_tooltips, load_forms
    from handbook.render.book import PackForm, pack_html
    from handbook.render.forms import form_document, print_css, render_form

    edition, common = edition_and_common
    out, pack = {}, []
    for fid, form in load_forms().items():
        html = form_document(form, YearContext(edition, common))
        out[fid] = P.render_pdf(html, fillable=False)
        out[f"{fid}-fillable"] = P.render_pdf(html, fillable=True, tooltips=input_tooltips(form))
        pack.append(PackForm(fid, form.title, render_form(form, YearContext(edition, common), target="pdf")))
    out["pack"] = P.render_pdf(pack_html(edition, pack, print_css()), fillable=False)
    return out


@pytest.mark.slow
def test_writing_lines_are_plain_paths(printed):
    """No page draws with a pattern or a shading: PDFium leaves tiled shadings out (the lines vanished)."""
    for name, data in printed.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for n, page in enumerate(pdf.pages, start=1):
                res = page.obj.get("/Resources", {})
                assert not len(res.get("/Pattern", {})) and not len(res.get("/Shading", {})), (name, n)


@pytest.mark.slow
def test_pdfium_and_poppler_draw_the_same_lines(printed, tmp_path):
    """Every ruled line (writing lines, table rules) of every form and the pack is drawn by both engines."""
    for name, data in printed.items():
        pages = zip(pdfium_pages(data), poppler_pages(data, tmp_path), strict=True)
        for n, (a, b) in enumerate(pages, start=1):
            ra, rb = rule_rows(a), rule_rows(b)
            assert len(ra) == len(rb), (name, n, len(ra), len(rb))
            assert all(abs(x - y) <= 1.5 for x, y in zip(ra, rb, strict=True)), (name, n, ra, rb)


@pytest.mark.slow
def test_writing_lines_at_the_text_pitch(edition_and_common, tmp_path):
    """Filled text sits on the lines: a long answer's lines of text and the rules share one pitch."""
    from handbook.model.forms import load_forms
    from handbook.render.forms import form_document

    edition, common = edition_and_common
    form = load_forms()["opinion-form"]
    area = next(f for f in form.fields if f.type == "textarea")
    text = "对党支部班子的意见建议" * 20
    data = P.render_pdf(
        form_document(form, YearContext(edition, common), values={area.name: text}), fillable=False
    )
    page = pdfium_pages(data)[0]
    rules = rule_rows(page)
    pitch = 1.8 * 10.5 * DPI / 72  # 1.8em of the 10.5 pt text
    # The first text area's rules: the first chain of rules one pitch apart.
    chain: list[float] = []
    for a, b in itertools.pairwise(rules):
        if abs(b - a - pitch) <= 1.5:
            chain = chain or [a]
            chain.append(b)
        elif chain:
            break
    assert len(chain) >= 6, rules
    # Every line of text lies between two neighbouring rules with a clear gap: nothing within 4 px of a rule.
    ink = _ink(page.convert("L"))
    xs = range(int(ink.width * 0.35), int(ink.width * 0.6), 2)
    span = range(int(chain[0]) - 30, int(chain[-1]) + 1)
    inked = {y for y in span if any(ink.getpixel((x, y)) for x in xs)}
    for r in chain:
        near = {y for y in inked if 1.5 < abs(y - r) <= 4}
        assert not near, (r, sorted(near))
    # The answer fills the first lines one after another (one line of text to each), the rest stay blank.
    filled = [any(a + 4 < y < b - 4 for y in inked) for a, b in itertools.pairwise(chain)]
    assert filled.count(True) >= 4 and filled == sorted(filled, reverse=True), filled


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def table_edges(html: str) -> list[tuple[int, float, float]]:
    """(page, left gap, right gap) in mm between each table's border box and the page's text block."""
    import weasyprint

    px = 25.4 / 96
    out = []
    for n, page in enumerate(weasyprint.HTML(string=html).render().pages, start=1):
        pb = page._page_box
        left, right = pb.margin_left, pb.margin_width() - pb.margin_right
        for b in _boxes(pb):
            if type(b).__name__ == "TableBox":
                x = b.border_box_x()
                out.append((n, (x - left) * px, (right - x - b.border_width()) * px))
    return out


@pytest.mark.slow
def test_tables_are_the_text_blocks_width(edition_and_common):
    """Every form's tables (landscape ones too) and the pack's 谈心谈话安排表 span the text block."""
    from handbook.model.forms import load_forms
    from handbook.render.forms import form_document
    from handbook.render.talkplan import talk_plan_html

    edition, common = edition_and_common
    docs = {fid: form_document(form, YearContext(edition, common)) for fid, form in load_forms().items()}
    docs["talk-plan"] = talk_plan_html(YearContext(edition, common), 30)
    for name, html in docs.items():
        edges = table_edges(html)
        assert edges, name
        for page, left, right in edges:
            assert abs(left) < 0.3 and abs(right) < 0.3, (name, page, round(left, 1), round(right, 1))


@pytest.mark.slow
def test_number_heading_on_one_line(edition_and_common):
    """ "序号" keeps its two characters on one line in every list, at every form's body size."""
    from handbook.model.forms import load_forms
    from handbook.render.forms import form_document

    edition, common = edition_and_common
    import weasyprint

    for fid, form in load_forms().items():
        html = form_document(form, YearContext(edition, common))
        if "序号" not in html:
            continue
        for page in weasyprint.HTML(string=html).render().pages:
            for b in _boxes(page._page_box):
                if type(b).__name__ == "LineBox":
                    text = "".join(getattr(t, "text", "") for t in _boxes(b))
                    assert text not in ("序", "号"), fid


def _filled_field(
    data: bytes, name: str, value: str
) -> tuple[bytes, tuple[float, float, float, float], float]:
    """A fillable PDF with `value` typed into field `name` (the viewer draws it), the field's rectangle and
    the page height, in points."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        field = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == name)
        field.V = pikepdf.String(value)
        if "/AP" in field:
            del field["/AP"]  # as a tool that sets values leaves it: NeedAppearances asks viewers to draw
        x0, y0, x1, y1 = (float(v) for v in field.Rect)
        height = float(pdf.pages[0].MediaBox[3])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue(), (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), height


@pytest.mark.slow
def test_typed_text_on_the_writing_lines(printed, tmp_path):
    """In the fillable PDF, text a viewer sets in a text area sits one line of text between two writing
    lines, PDFium (Chrome, Edge) and Poppler alike, with ASCII and full-width punctuation in it."""
    from handbook.pdf.fix import AREA_SIZE

    dpi = 192
    lines = [
        "建议加强理论学习，",
        "密切联系群众（2025）",
        "落实“三会一课”制度；",
        "开展谈心谈话。",
        "意见：ok 1-2",
    ]
    data, rect, height = _filled_field(printed["opinion-form-fillable"], "committee", "\n".join(lines))
    doc = pdfium.PdfDocument(data)
    doc.init_forms()
    seen = {"pdfium": doc[0].render(scale=dpi / 72, may_draw_forms=True).to_pil()}
    src = tmp_path / "f.pdf"
    src.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(src), str(tmp_path / "f")],
        check=True,
    )
    seen["poppler"] = Image.open(next(tmp_path.glob("f-*.png")))
    px = dpi / 72
    box = (
        int(rect[0] * px) + 4,
        int((height - rect[3]) * px),
        int(rect[2] * px) - 4,
        int((height - rect[1]) * px),
    )
    for engine, page in seen.items():
        crop = page.convert("L").crop(box)
        rules = rule_rows(crop)
        gaps = [b - a for a, b in itertools.pairwise(rules)]
        assert len(rules) >= 8 and all(abs(g - AREA_SIZE * px) <= 1 for g in gaps), (engine, rules)
        ink = _ink(crop)
        profile = [sum(ink.crop((0, y, ink.width, y + 1)).tobytes()) // 255 for y in range(ink.height)]
        filled = []
        # The first line of text stands above the first rule: its band starts one pitch higher.
        for a, b in itertools.pairwise([rules[0] - AREA_SIZE * px, *rules]):
            rows = range(int(a + 2), int(b - 1))
            mass = sum(profile[y] for y in rows)
            if mass > 40:
                centre = sum(y * profile[y] for y in rows) / mass
                # A line of text between its two rules, not straddling one: its ink centred in the band.
                assert a + 0.3 * (b - a) < centre < b - 0.3 * (b - a), (engine, a, b, centre)
            filled.append(mass > 40)
        # One line of text to each band, from the first: as many bands filled as lines were typed.
        assert filled[: len(lines)] == [True] * len(lines) and not any(filled[len(lines) :]), (
            engine,
            filled,
            rules,
        )
