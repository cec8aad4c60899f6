"""Pure parts of the PDF layer, without rendering a page: text fitting, CID widths, CMaps, atomic writes."""

from __future__ import annotations

import io
import os

import pikepdf
import pytest
from fontTools.cffLib import CFFFontSet

from handbook.atomic import replacing_dir, write_atomic
from handbook.pdf import fonts as F
from handbook.pdf.fill import list_plan, rows_by_page
from handbook.pdf.fix import cid_widths, tounicode_cmap, w_array
from handbook.pdf.overlay import NO_LINE_START, Canvas, Layout, OverlayError, Widget, build_font

TEXT = "中共示例市第一党支部委员会，王芳（第一党小组，1980年5月）。一二三四五六七八九十"


@pytest.fixture(scope="module")
def font():
    """The form font for the characters these tests draw (read from the installed font, no rendering)."""
    return build_font(set(TEXT) | set("，。"))


def test_wrap_breaks_at_width_and_keeps_punctuation_off_line_starts(font):
    c = Canvas(font)
    size = 10.0
    em = font.width("一", size)
    assert em == pytest.approx(10.0)
    lines = c.wrap("一二三，四五六七。八", 3 * em, size)
    assert lines == ["一二三，", "四五六", "七。八"]  # the comma hangs on the line it closes
    assert all(line[0] not in NO_LINE_START for line in lines)
    assert c.wrap("一二\n三", 10 * em, size) == ["一二", "三"]
    # The first line is shorter by the indent.
    assert c.wrap("一二三四", 3 * em, size, indent=em) == ["一二", "三四"]


def test_fit_shrinks_to_fit_and_never_leaves_the_box(font):
    c = Canvas(font)
    rect = (0.0, 0.0, 60.0, 14.0)
    c.fit(rect, "一二三四五六七八九十", 10.5, lines=1)
    tf = [i for i in c.ops if str(i.operator) == "Tf"]
    td = [i for i in c.ops if str(i.operator) == "Td"]
    assert len(tf) == 1
    size = float(tf[0].operands[1])
    assert size < 10.5
    assert font.width("一二三四五六七八九十", size) <= 60.0 - 2 * 1.5
    x, y = (float(v) for v in td[0].operands)
    assert x >= 0 and 0 <= y <= 14.0
    assert c.cids == {font.cids[ch] for ch in "一二三四五六七八九十"}


def test_fit_breaks_a_label_before_its_parenthesis(font):
    c = Canvas(font)
    c.fit((0.0, 0.0, 100.0, 30.0), "王芳（第一党小组，1980年5月）", 10.5, lines=2)
    shown = [i.operands[0] for i in c.ops if str(i.operator) == "TJ"]
    assert len(shown) == 2
    first = b"".join(bytes(p) for p in shown[0] if isinstance(p, pikepdf.String))
    assert first == b"".join(font.cids[ch].to_bytes(2, "big") for ch in "王芳")


def test_overlay_font_knows_what_it_cannot_draw(font):
    assert font.missing("王芳 一") == []
    assert font.missing("王\ue000芳") == ["\ue000"]
    assert font.missing("\u200d") == []  # a format character needs no glyph


def test_file_subset_holds_exactly_the_files_glyphs(font):
    pdf = pikepdf.new()
    cids = {font.cids[ch] for ch in "王芳"}
    obj = font.embed(pdf, cids)
    cff = obj.DescendantFonts[0].FontDescriptor.FontFile3.read_bytes()
    fs = CFFFontSet()
    fs.decompile(io.BytesIO(cff), None)
    names = fs.topDictIndex[0].charset
    assert {int(n[3:]) for n in names if n != ".notdef"} == cids
    assert b"<738B>" in obj.ToUnicode.read_bytes()  # 王 extracts as text


def test_cid_widths_reads_both_w_forms_and_w_array_writes_them():
    w = pikepdf.Array([3, pikepdf.Array([500, 600]), 10, 12, 250])
    assert cid_widths(w) == {3: 500, 4: 600, 10: 250, 11: 250, 12: 250}
    assert cid_widths(None) == {}
    widths = {1: 500, 2: 1000, 3: 270, 4: 280, 9: 330}
    out = w_array(widths, 1000)
    assert cid_widths(out) == {1: 500, 3: 270, 4: 280, 9: 330}
    assert list(out)[:2] == [1, pikepdf.Array([500])]


def test_tounicode_cmap_ranges_and_single_codes():
    cmap = tounicode_cmap([(0x11, 0x11, "王"), (0x4E00, 0x4EFF, "\u4e00"), (0x20, 0x20, "\U00020000")])
    assert b"3 beginbfrange" in cmap
    assert b"<0011> <0011> <738B>" in cmap
    assert b"<4E00> <4EFF> <4E00>" in cmap
    assert b"<0020> <0020> <D840DC00>" in cmap  # outside the BMP: a surrogate pair


def test_coverage_is_one_answer_for_every_caller():
    serif = F.coverage(("Noto Serif CJK SC",))
    assert ord("王") in serif and ord("\ue000") not in serif
    assert serif <= F.coverage()
    assert F.covered_codepoints() >= serif
    assert F.missing("王 \u200d\ue000王", serif) == ["\ue000"]
    assert F.font_file("No Such Family Here") is None


def _layout(pages: dict[str, int]) -> Layout:
    widgets = {n: [Widget(n, p, (0, 0, 1, 1), "text")] for n, p in pages.items()}
    return Layout("x", b"", widgets, 2)


def test_row_map_belongs_to_its_layout():
    """Rows are kept on the layout object, so a later layout never sees an earlier one's map."""
    first = _layout({"r01_no": 0, "r02_no": 0, "r03_no": 1})
    assert rows_by_page(first) == {0: [1, 2], 1: [3]}
    del first
    second = _layout({"r01_no": 1})
    assert rows_by_page(second) == {1: [1]}


def test_a_list_runs_on_over_the_continuation_page_as_often_as_its_rows_need():
    """Rows 1–3 on the first page, 4–5 on the continuation page, 6 on a last page that is never used."""
    layout = _layout({"r01_no": 0, "r02_no": 0, "r03_no": 0, "r04_no": 1, "r05_no": 1, "r06_no": 2})
    layout.n_pages = 3
    assert list_plan(layout, 0) == [(0, [(1, 1), (2, 2), (3, 3)])]
    assert list_plan(layout, 3) == [(0, [(1, 1), (2, 2), (3, 3)])]
    assert list_plan(layout, 8) == [
        (0, [(1, 1), (2, 2), (3, 3)]),
        (1, [(4, 4), (5, 5)]),
        (1, [(4, 6), (5, 7)]),
        (1, [(4, 8), (5, 9)]),  # row 9 is past the list: the caller paints it out or leaves it blank
    ]
    # Without a full continuation page (the layout's list too short) there is nothing to repeat.
    short = _layout({"r01_no": 0, "r02_no": 1})
    with pytest.raises(OverlayError):
        list_plan(short, 5)


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "a.txt"
    write_atomic(path, b"old")
    assert path.read_bytes() == b"old"

    def boom(*args):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]  # no temporary file left


def test_replacing_dir_swaps_in_whole_or_keeps_the_old(tmp_path):
    dest = tmp_path / "out"
    with replacing_dir(dest) as tmp:
        (tmp / "a").write_text("1")
    assert (dest / "a").read_text() == "1"
    with pytest.raises(RuntimeError), replacing_dir(dest) as tmp:
        (tmp / "b").write_text("2")
        raise RuntimeError("failed half-way")
    assert sorted(p.name for p in dest.iterdir()) == ["a"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with replacing_dir(dest) as tmp:
        (tmp / "c").write_text("3")
    assert sorted(p.name for p in dest.iterdir()) == ["c"]
