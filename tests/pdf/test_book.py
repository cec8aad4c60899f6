"""The handbook PDF by stage: pages read from built Material pages, chunks, the front document, the merge."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import lxml.html
import pikepdf
import pytest

from handbook.epoch import DEFAULT_EPOCH
from handbook.model.editions import snapshot
from handbook.pdf import book as pdfbook
from handbook.pdf.engine import render_pdf
from handbook.render.book import Book, BookPage
from macros.book_pages import book_pages, form_order

from .tagcheck import tag_problems

TIP = "点击方框即可勾选"


def _pages(sizes: list[int]) -> tuple[BookPage, ...]:
    return tuple(BookPage(f"p{i}", None, f"第{i}页", "字" * n) for i, n in enumerate(sizes))


def _book(pages) -> Book:
    return Book("2025年度", "主题", "通知", "", tuple(pages))


# ------------------------------------------------------------------------------------------- chunks


def test_chunks_keep_every_page_once_in_order():
    pages = _pages([500, 120, 3000, 80, 900, 1500, 40, 2200])
    for n in (1, 2, 3, 5, 8, 20):
        chunks = _book(pages).chunks(n)
        assert [p for chunk in chunks for p in chunk] == list(pages), n
        assert 1 <= len(chunks) <= min(n, len(pages)) and all(chunks), n


def test_chunks_have_about_equal_text():
    pages = _pages([1000] * 12)
    assert [len(c) for c in _book(pages).chunks(3)] == [4, 4, 4]
    sizes = [sum(len(p.html) for p in c) for c in _book(_pages([900, 1100, 1000, 950, 1050, 1000])).chunks(2)]
    assert max(sizes) <= 1.2 * min(sizes)


def test_small_edit_keeps_the_cuts():
    """A page a little longer moves no chunk boundary, so the other chunks stay cached."""
    sizes = [800, 1200, 700, 1500, 900, 1100, 1000, 600, 1300]
    before = [[p.slug for p in c] for c in _book(_pages(sizes)).chunks(3)]
    sizes[4] += 40
    after = [[p.slug for p in c] for c in _book(_pages(sizes)).chunks(3)]
    assert before == after


# ------------------------------------------------------------------------------------------- HTML


def test_chunk_links_to_other_chunks_carry_the_scheme():
    a = BookPage("p0", None, "甲", '<h1>甲</h1><a href="#p1-x">乙</a><a href="#p0-y">自己</a>')
    b = BookPage("p1", None, "乙", '<h1 id="p1-x">乙</h1>')
    html = _book([a, b]).chunk_html((a,), "hb-anchor:")
    assert 'href="hb-anchor:p1-x"' in html and 'href="#p0-y"' in html


def test_front_puts_each_heading_anchor_on_its_page():
    """The contents' page number of an h2 comes from the placeholder page holding its anchor."""
    a = BookPage("p0", "工作流程", "甲", "", (("p0-a", "一"), ("p0-b", "二")))
    b = BookPage("p1", None, "乙", "", (("p1-c", "三"),))
    html = _book([a, b]).front_html([3, 1], {"p0-a": 0, "p0-b": 2, "p1-c": 3})
    tree = lxml.html.fromstring(html)
    sections = tree.xpath('//div[@class="hb-body"]/section')
    pads = [[[d.get("id") for d in page.xpath("./div")] for page in s.xpath("./div")] for s in sections]
    assert pads == [[["p0-a"], [], ["p0-b"]], [["p1-c"]]]
    assert tree.xpath('//section[@class="hb-page"]/div[position() > 1]/@class') == ["hb-pad", "hb-pad"]
    toc = tree.xpath('//section[contains(@class, "hb-toc")]//a/text()')
    assert toc == ["甲", "一", "二", "乙", "三"]
    assert tree.xpath('//li[@class="hb-sec"]/text()') == ["工作流程"]


def test_book_text_is_escaped_and_page_html_is_not():
    page = BookPage("p0", None, "A<B", "<p>正文</p>", (("p0-h", "x&y"),))
    css = "p { color: #000; } li > p { margin: 0; }"
    html = Book("<年度>", "主题", "通知", css, (page,)).front_html([1], {})
    assert "&lt;年度&gt;" in html and "x&amp;y" in html and "li > p" in html
    assert "<p>正文</p>" in _book([page]).html


# ------------------------------------------------------------------------------------------- built pages


BUILT = """<!doctype html><html><body><div class="md-content"><article class="md-content__inner md-typeset">
<a class="md-content__button md-icon" href="x">edit</a>
<h1 id="top">会前准备清单<a class="headerlink" href="#top">¶</a></h1>
<div class="admonition tip screen-only"><p class="admonition-title">怎样使用</p>
<p>{tip}，“清除勾选”按钮可以全部清空。</p></div>
<h2 id="_1">制定方案</h2>
<ul class="task-list"><li class="task-list-item"><input type="checkbox"> 开会</li></ul>
<p><a href="../rules.html#cap">规则</a> <a href="https://example.org/">外部</a> <a href="#_1">本页</a></p>
<h2 id="_2">来源</h2><p>S000</p>
</article></div></body></html>"""


def test_book_pages_from_built_material_pages(tmp_path):
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "before.html").write_text(BUILT.format(tip=TIP), encoding="utf-8")
    page = '<html><body><article class="md-content__inner">{}</article></body></html>'
    (tmp_path / "rules.html").write_text(page.format("<h1>评议规则</h1>"), encoding="utf-8")
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "talk.html").write_text(page.format("<h1>表</h1><form></form>"), encoding="utf-8")
    entries = [
        ("检查清单", "checklists/before.md", "checklists/before.html"),
        (None, "forms/talk.md", "forms/talk.html"),
        (None, "rules.md", "rules.html"),
        (None, "missing.md", "missing.html"),
    ]
    pages = book_pages(entries, tmp_path)
    found = [(p.slug, p.section, p.title) for p in pages]
    assert found == [("p0", "检查清单", "会前准备清单"), ("p2", None, "评议规则")]
    first = pages[0]
    assert first.headings == (("p0-_1", "制定方案"), ("p0-_2", "来源"))
    assert TIP not in first.html and "清除勾选" not in first.html and "¶" not in first.html
    assert "edit" not in first.html and "<input" not in first.html and 'class="hb-box"' in first.html
    assert 'href="#p2-cap"' in first.html and 'href="#p0-_1"' in first.html
    assert "example.org" not in first.html
    assert form_order(entries) == ["talk"]


# ------------------------------------------------------------------------------------------- merged PDF


def _mini_pages() -> list[BookPage]:
    """Four pages with headings, bold, the italic face and code, and a link from the last to the first."""
    body = "<p>组织生活会要开出质量。<strong>重点</strong>：<em>团结—批评—团结</em>，<code>A-1</code>。</p>"
    body *= 30
    pages = []
    for i, title in enumerate(["第一章 总则", "第二章 流程", "第三章 评议", "第四章 整改"]):
        link = '<p><a href="#p0-h0">回到总则</a></p>' if i == 3 else ""
        html = f'<h1>{title}</h1><h2 id="p{i}-h0">做什么</h2>{body}'
        html += f'<h2 id="p{i}-h1">来源</h2><p>S000</p>{link}'
        headings = ((f"p{i}-h0", "做什么"), (f"p{i}-h1", "来源"))
        pages.append(BookPage(f"p{i}", "工作流程", title, html, headings))
    return pages


@pytest.fixture(scope="module")
def mini_book():
    """A small handbook laid out in two chunks and merged: the merged PDF and its parts."""
    _, editions = snapshot()
    hb = Book.of(editions[max(editions)], _mini_pages(), pdfbook.PRINT_CSS.read_text(encoding="utf-8"))
    parts = hb.chunks(2)
    datas = [render_pdf(hb.chunk_html(p, pdfbook.CHUNK_SCHEME), fillable=False) for p in parts]
    counts, at = [], {}
    for data, part in zip(datas, parts, strict=True):
        total, anchors = pdfbook.anchor_pages(data)
        at |= {name: sum(counts) + i for name, i in anchors.items()}
        counts += pdfbook.section_counts(total, anchors, [p.slug for p in part])
    front = render_pdf(hb.front_html(counts, at), fillable=False)
    return hb, front, datas, pdfbook.merge_book(front, datas, epoch=DEFAULT_EPOCH)


def _pdffonts(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "f.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def _pdftotext(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def _check_destinations(pdf: pikepdf.Pdf) -> int:
    """Every named destination, outline item and link points at a page of the PDF; returns the link count."""
    pages = {p.objgen for p in pdf.pages}
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    names = dict(tree.items())
    assert names and all(dest[0].objgen in pages for dest in names.values())
    links = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            if "/Dest" in annot:
                links += 1
                assert str(annot.Dest) in names, annot.Dest
            assert not str(annot.get("/A", {}).get("/URI", "")).startswith(pdfbook.CHUNK_SCHEME)
    with pdf.open_outline() as outline:
        todo = list(outline.root)
        while todo:
            item = todo.pop()
            assert item.destination[0].objgen in pages, item.title
            todo += item.children
    return links


@pytest.mark.slow
def test_merged_outline_destinations_and_fonts(mini_book, tmp_path):
    hb, _, datas, merged = mini_book
    assert len(datas) == 2
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        with pdf.open_outline() as outline:
            assert [str(item.title) for item in outline.root] == [p.title for p in hb.pages]
            assert [str(k.title) for k in outline.root[0].children] == ["做什么", "来源"]
        # Two links in the contents per page (title, two h2) and the link across chunks.
        assert _check_destinations(pdf) >= 4 * 3 + 1
    faces = _pdffonts(merged, tmp_path)
    per_chunk = [_pdffonts(d, tmp_path) for d in datas]
    assert all(len(f) >= 3 for f in per_chunk), per_chunk
    assert len(faces) == len(set(faces)), faces
    untagged = {re.sub(r"^[A-Z]{6}\+", "", f) for f in faces}
    assert {re.sub(r"^[A-Z]{6}\+", "", f) for fs in per_chunk for f in fs} <= untagged


@pytest.mark.slow
def test_merged_text_header_and_numbers(mini_book, tmp_path):
    """Text survives the font merge; body pages carry the chapter header and number from 1; contents right."""
    hb, _, _, merged = mini_book
    pages = _pdftotext(merged, tmp_path)
    body = [p for p in pages if re.search(r"—\s*\d+\s*—", p)]
    assert [int(re.findall(r"—\s*(\d+)\s*—", p)[-1]) for p in body] == list(range(1, len(body) + 1))
    # A viewer's page label is the printed number ("— 3 —" is page 3), and the book says its language.
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        numbered = [i for i, p in enumerate(pages) if re.search(r"—\s*\d+\s*—", p)]
        printed = [re.findall(r"—\s*(\d+)\s*—", pages[i])[-1] for i in numbered]
        assert [pdf.pages[i].label for i in numbered] == printed
        assert str(pdf.Root.Lang) == "zh-CN"
    titles = [p.title for p in hb.pages]
    headers = [next(line for line in p.splitlines() if line.strip()).strip() for p in body]
    assert all(h in titles for h in headers), headers
    assert [titles.index(h) for h in headers] == sorted(titles.index(h) for h in headers)
    assert set(headers) == set(titles)
    text = "".join(pages).replace(" ", "")
    assert text.count("团结—批评—团结") == sum(p.html.count("团结—批评—团结") for p in hb.pages)
    assert "A-1" in text and "重点" in text


@pytest.mark.slow
def test_merged_book_is_tagged(mini_book):
    """The merged book has one structure tree over all its pages (chunks and front), as a checker reads it."""
    merged = mini_book[-1]
    with pikepdf.open(io.BytesIO(merged)) as pdf:
        problems, kinds = tag_problems(pdf)
        assert not problems, problems[:10]
        assert {"/Document", "/H1", "/H2", "/P", "/Link"} <= kinds, kinds
        assert len(pdf.Root.StructTreeRoot.K) == 1
        # Every page's content is reached from the tree: each chunk's text is in it.
        assert all("/StructParents" in p.obj for p in pdf.pages)


@pytest.mark.slow
def test_merge_is_deterministic(mini_book):
    _, front, datas, merged = mini_book
    assert pdfbook.merge_book(front, datas, epoch=DEFAULT_EPOCH) == merged


# ------------------------------------------------------------------------------------------- the handbook


@pytest.fixture(scope="module")
def handbook_pdf(site_cache, latest_year) -> bytes:
    return (site_cache(latest_year) / "pdf" / f"handbook-{latest_year}.pdf").read_bytes()


@pytest.mark.slow
def test_handbook_and_form_pack_are_tagged(handbook_pdf, site_cache, latest_year, tmp_path):
    """The handbook (merged from chunks) and the form pack: one sound structure tree with headings,
    paragraphs and tables, and page labels that are the printed numbers."""
    pack = (site_cache(latest_year) / "pdf" / f"form-pack-{latest_year}.pdf").read_bytes()
    for name, data in (("handbook", handbook_pdf), ("pack", pack)):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            problems, kinds = tag_problems(pdf)
            assert not problems, (name, problems[:10])
            assert {"/H1", "/H2", "/P", "/Table"} <= kinds, (name, kinds)
            pages = _pdftotext(data, tmp_path)
            numbered = [i for i, p in enumerate(pages) if re.search(r"—\s*\d+\s*—", p)]
            printed = [re.findall(r"—\s*(\d+)\s*—", pages[i])[-1] for i in numbered]
            assert [pdf.pages[i].label for i in numbered] == printed


@pytest.mark.slow
def test_handbook_has_no_screen_only_tips(handbook_pdf, tmp_path):
    text = "".join(_pdftotext(handbook_pdf, tmp_path)).replace(" ", "").replace("\n", "")
    assert "会前准备清单" in text
    assert TIP not in text and "清除勾选" not in text


@pytest.mark.slow
def test_handbook_contents_list_second_level_headings(handbook_pdf, tmp_path):
    pages = _pdftotext(handbook_pdf, tmp_path)
    first_body = next(i for i, p in enumerate(pages) if re.search(r"—\s*\d+\s*—", p))
    contents = "\n".join(pages[:first_body])
    for heading in ("做什么", "谁来做", "注意事项", "本年度学习内容"):
        assert re.search(rf"^{heading}\s*·+\s*\d+$", contents, re.M), heading


@pytest.mark.slow
def test_handbook_one_font_per_face_and_destinations(handbook_pdf, tmp_path):
    faces = _pdffonts(handbook_pdf, tmp_path)
    assert len(faces) == len(set(faces)), faces
    with pikepdf.open(io.BytesIO(handbook_pdf)) as pdf:
        assert _check_destinations(pdf) > 50


def _body_pages(pages: list[str]) -> list[list[str]]:
    """The numbered pages' lines: running header first, page number last."""
    numbered = [p for p in pages if re.search(r"—\s*\d+\s*—", p)]
    return [[ln.strip() for ln in p.splitlines() if ln.strip()] for p in numbered]


@pytest.mark.slow
def test_handbook_body_pages_carry_the_chapter(handbook_pdf, tmp_path):
    """Each body page's header is its chapter's title: it changes only on a page where that title opens."""
    body = _body_pages(_pdftotext(handbook_pdf, tmp_path))
    headers = [lines[0] for lines in body]
    assert headers.count("第五步 民主评议党员") >= 2 and "会前准备清单" in headers
    for i, lines in enumerate(body):
        if i == 0 or headers[i] != headers[i - 1]:
            assert headers[i] in lines[1:], (i, headers[i], lines[:3])


@pytest.mark.slow
def test_no_page_holds_only_the_sources_block(handbook_pdf, tmp_path):
    """A page's closing 来源 block stays with what precedes it (the evaluation step used to end that way)."""
    for lines in _body_pages(_pdftotext(handbook_pdf, tmp_path)):
        assert lines[1] != "来源", lines


@pytest.mark.browser
def test_site_print_keeps_the_sources_block_together(page, site_cache, latest_year, serve, tmp_path):
    """Printed from the browser, the evaluation step's last sheet holds more than 来源 and its badges."""
    page.goto(f"{serve(site_cache(latest_year))}/steps/evaluation.html")
    page.pdf(path=str(tmp_path / "evaluation.pdf"), format="A4")
    last = _pdftotext((tmp_path / "evaluation.pdf").read_bytes(), tmp_path)
    lines = [ln.strip() for ln in [p for p in last if p.strip()][-1].splitlines() if ln.strip()]
    assert "来源" in lines and lines[0] != "来源", lines
