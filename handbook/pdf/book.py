"""HTML for the two assembled PDFs: the form pack (cover, contents, every form) and the whole handbook."""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import warnings
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pikepdf
from pikepdf import Array, Dictionary

from .fix import save, set_dates

PRINT_CSS = Path(__file__).resolve().parent / "assets" / "print.css"
# The handbook is laid out in chunks of pages on several cores (WeasyPrint lays out on one) and merged.
# A chunk draws no page numbers: the front document (cover, contents and one empty page per body page)
# draws them, with the same @page rules, and merge_book puts each of its body pages under a chunk page.
BOOK_CHUNKS = 3
CHUNK_SCHEME = "hb-anchor:"
NUMBER_XOBJECT = "/HbPageNumber"
CHUNK_CSS = """
@page :left { @bottom-left { content: none; } }
@page :right { @bottom-right { content: none; } }
.hb-body { break-before: auto; }
"""
FRONT_CSS = """
.hb-pad, .hb-pad + .hb-page { break-before: page; }
"""
# The forms' own print CSS numbers pages "— n —"; front pages (cover, contents) neither show nor count one.
PACK_CSS = """
@page front { counter-increment: page 0; @bottom-center { content: none; } }
.pk-front { page: front; break-after: page; font-family: "Noto Serif CJK SC", serif; }
.pk-cover { text-align: center; padding-top: 55mm; }
.pk-cover .pk-label { font-size: 16pt; letter-spacing: 0.1em; }
.pk-cover h1 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 28pt; margin: 8mm 0 14mm;
  letter-spacing: 0.08em; bookmark-level: none; }
.pk-cover .pk-theme { font-size: 13pt; line-height: 1.8; margin: 0 12mm; }
.pk-cover .pk-note { margin-top: 70mm; font-size: 10.5pt; color: #333; }
.pk-toc h2 { font-family: "Noto Sans CJK SC", sans-serif; text-align: center; font-size: 18pt;
  letter-spacing: 1em; margin: 0 0 8mm; bookmark-level: none; }
.pk-form .zf-title { bookmark-level: 1; bookmark-label: content(); }
.pk-toc ol { list-style: none; padding: 0; margin: 0; font-size: 12pt; line-height: 2.2; }
.pk-toc a { color: #000; text-decoration: none; }
.pk-toc a::after { content: leader('·') target-counter(attr(href), page); }
.pk-toc .pk-no { display: inline-block; width: 3em; }
"""


def _body(html: str) -> str:
    """The inside of a document's <body>."""
    start = html.index(">", html.lower().index("<body")) + 1
    return html[start : html.lower().rindex("</body>")]


def _style(html: str) -> str:
    """The concatenated <style> sheets of a document."""
    return "\n".join(re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S | re.I))


def pack_html(edition, docs: list[tuple[str, str, str]]) -> str:
    """One document: a cover, contents and every form (id, title, form_document HTML), numbered throughout."""
    css = _style(docs[0][2]) if docs else ""
    toc = "".join(
        f'<li><a href="#pk-{fid}"><span class="pk-no">表{i}</span>{escape(title)}</a></li>'
        for i, (fid, title, _) in enumerate(docs, 1)
    )
    forms = "".join(f'<div class="pk-form" id="pk-{fid}">{_body(html)}</div>' for fid, _, html in docs)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(edition.label)}组织生活会和民主评议党员表格汇编</title>"
        f"<style>{css}\n.pk-form + .pk-form {{ break-before: page; }}\n{PACK_CSS}</style></head><body>"
        '<section class="pk-front pk-cover">'
        f'<p class="pk-label">{escape(edition.label)}</p>'
        "<h1>组织生活会和民主评议党员<br>表格汇编</h1>"
        f'<p class="pk-theme">{escape(edition.theme.text)}</p>'
        '<p class="pk-note">各表均为可选参考格式，以上级党组织通知要求为准</p>'
        "</section>"
        f'<section class="pk-front pk-toc"><h2>目录</h2><ol>{toc}</ol></section>'
        f"{forms}</body></html>\n"
    )


def nav_pages(nav) -> list[tuple[str | None, str]]:
    """Pages of a mkdocs nav in order, as (section title, docs path); external links are left out."""
    out: list[tuple[str | None, str]] = []

    def walk(items, section):
        for item in items or []:
            if isinstance(item, str):
                out.append((section, item))
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value, title)
                    elif isinstance(value, str) and not re.match(r"^[a-z]+://", value):
                        out.append((section, value))

    walk(nav, None)
    return out


def _article(path: Path):
    """The main article element of a built page (mkdocs-material), or None."""

    tree = lxml.html.fromstring(path.read_bytes())
    found = tree.xpath(
        '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'
    )
    return found[0] if found else None


@dataclass(frozen=True)
class Book:
    """The handbook's parts: document head, front matter (cover, contents) and each page's section."""

    label: str
    front: str
    pages: tuple[tuple[str, str], ...]

    def document(self, body: str, css: str = "") -> str:
        """A whole document with the print style sheet (and `css` after it) around `body`."""
        style = PRINT_CSS.read_text(encoding="utf-8") + css
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(self.label)}组织生活会和民主评议党员工作手册</title><style>{style}</style></head><body>"
            f"{body}</body></html>\n"
        )

    @property
    def html(self) -> str:
        """The whole handbook as one document (the content the finished PDF is cached by)."""
        return self.document(self.front + f'<div class="hb-body">{"".join(s for _, s in self.pages)}</div>')

    def chunks(self, n: int) -> list[tuple[tuple[str, str], ...]]:
        """The pages cut into at most n runs of about equal text, so chunks take about equal time."""
        sizes = [len(html) for _, html in self.pages]
        total, cum = sum(sizes), [0]
        for size in sizes:
            cum.append(cum[-1] + size)
        cuts = [0]
        for k in range(1, min(n, len(sizes))):
            # The page boundary nearest to k/n of the text: a small edit seldom moves it, so the other
            # chunks stay cached.
            rest = range(cuts[-1] + 1, len(sizes))
            if rest:
                cuts.append(min(rest, key=lambda i: (abs(cum[i] * n - total * k), i)))
        cuts.append(len(sizes))
        return [self.pages[a:b] for a, b in itertools.pairwise(cuts)]

    def chunk_html(self, pages: tuple[tuple[str, str], ...]) -> str:
        """Some pages alone, without page numbers; links to other chunks' anchors kept for the merge."""
        own = {slug for slug, _ in pages}

        def link(m: re.Match) -> str:
            target = m.group(1)
            slug = re.match(r"p\d+", target)
            # WeasyPrint drops links to anchors it does not have; an unknown scheme keeps them as URI links
            # that merge_book turns back into links to the named destination.
            return m.group(0) if slug and slug.group(0) in own else f'href="{CHUNK_SCHEME}{target}"'

        body = "".join(re.sub(r'href="#([^"]+)"', link, html) for _, html in pages)
        return self.document(f'<div class="hb-body">{body}</div>', CHUNK_CSS)

    def front_html(self, counts: list[int]) -> str:
        """Cover and contents, then an empty numbered page for every body page (counts: pages per section)."""
        if len(counts) != len(self.pages):
            raise ValueError("one page count per section is needed")
        body = "".join(
            f'<section class="hb-page" id="{slug}"></section>' + '<div class="hb-pad"></div>' * (count - 1)
            for (slug, _), count in zip(self.pages, counts, strict=True)
        )
        return self.document(self.front + f'<div class="hb-body">{body}</div>', FRONT_CSS)


def handbook(edition, site_dir: Path, nav) -> Book:
    """The whole handbook: cover, contents, then every page in nav order."""

    pages = []
    slugs: dict[str, str] = {}
    for i, (section, src) in enumerate(nav_pages(nav)):
        html_path = site_dir / re.sub(r"\.md$", ".html", src)
        if not html_path.exists():
            continue
        art = _article(html_path)
        # A form page is a web form; its printable version is the form pack.
        if art is None or art.xpath(".//form"):
            continue
        slug = f"p{i}"
        slugs[re.sub(r"\.md$", ".html", src)] = slug
        pages.append((section, src, slug, art))

    parts, toc = [], []
    last_section = object()
    for section, src, slug, art in pages:
        here = posixpath.dirname(re.sub(r"\.md$", ".html", src))
        _clean(art, slug, here, slugs, site_dir)
        h1 = art.find(".//h1")
        title = h1.text_content().strip() if h1 is not None else src
        if section != last_section and section:
            toc.append(f'<li class="hb-sec">{escape(section)}</li>')
        last_section = section
        toc.append(f'<li><a href="#{slug}">{escape(title)}</a></li>')
        inner = "".join(lxml.html.tostring(c, encoding="unicode") for c in art)
        parts.append((slug, f'<section class="hb-page" id="{slug}">{art.text or ""}{inner}</section>'))
    front = (
        '<section class="hb-front hb-cover">'
        f'<p class="hb-label">{escape(edition.label)}</p>'
        "<h1>组织生活会和民主评议党员<br>工作手册</h1>"
        f'<p class="hb-theme">{escape(edition.theme.text)}</p>'
        f'<p class="hb-notice">依据：{escape(edition.notice.citation)}</p>'
        "</section>"
        f'<section class="hb-front hb-toc"><h2>目录</h2><ol>{"".join(toc)}</ol></section>'
    )
    return Book(edition.label, front, tuple(parts))


def _clean(art, slug: str, here: str, slugs: dict[str, str], site_dir: Path) -> None:
    """Make a page's article printable: unique ids, links inside the book, no web-only controls."""
    for el in art.xpath(
        './/*[contains(@class, "md-content__button") or contains(@class, "headerlink")'
        ' or contains(@class, "md-source-file") or contains(@class, "zf-toolbar")]|.//script|.//noscript'
    ):
        el.getparent().remove(el)
    for el in art.xpath(".//*[@id]"):
        el.set("id", f"{slug}-{el.get('id')}")
    for a in art.xpath(".//a[@href]"):
        href = a.get("href")
        target, _, frag = href.partition("#")
        if re.match(r"^[a-z]+:", target):
            del a.attrib["href"]
            continue
        path = posixpath.normpath(posixpath.join(here, target)) if target else None
        dest = slugs.get(path) if path else slug
        if dest is None:
            del a.attrib["href"]
        else:
            a.set("href", f"#{dest}-{frag}" if frag else f"#{dest}")
    for img in art.xpath(".//img[@src]"):
        src = img.get("src")
        if not re.match(r"^[a-z]+:", src):
            img.set("src", (site_dir / posixpath.normpath(posixpath.join(here, src))).resolve().as_uri())
    # Task lists print as empty boxes to tick by hand.
    for box in art.xpath('.//input[@type="checkbox"]'):
        span = box.makeelement("span", {"class": "hb-box"})
        span.tail = box.tail
        box.getparent().replace(box, span)


# ---------------------------------------------------------------------------------------------- merge


def _dests(pdf) -> list[tuple[object, object]]:
    """A PDF's named destinations as (name, destination array), in the name tree's order."""
    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    out: list[tuple[object, object]] = []

    def walk(node):
        items = list(node.get("/Names", []))
        out.extend(zip(items[0::2], items[1::2], strict=True))
        for kid in node.get("/Kids", []):
            walk(kid)

    if tree is not None:
        walk(tree)
    return out


def section_counts(chunk: bytes, pages: tuple[tuple[str, str], ...]) -> list[int]:
    """How many PDF pages each section of a rendered chunk fills (sections start a page each)."""

    with pikepdf.open(io.BytesIO(chunk)) as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        at = {str(name): index[dest[0].objgen] for name, dest in _dests(pdf)}
        starts = [at[slug] for slug, _ in pages] + [len(pdf.pages)]
    counts = [b - a for a, b in itertools.pairwise(starts)]
    if starts[0] != 0 or min(counts) < 1:
        raise ValueError(f"chunk sections do not start pages in order: {starts}")
    return counts


def _outline(item, index: dict) -> list[tuple]:
    """A chunk's outline items from `item` on as (title, page index, rest of the destination, open, kids)."""
    out = []
    while item is not None:
        dest = list(item.Dest)
        kids = _outline(item.get("/First"), index)
        out.append((item.Title, index[dest[0].objgen], dest[1:], int(item.get("/Count", 0)) >= 0, kids))
        item = item.get("/Next")
    return out


def _write_outline(pdf, items: list[tuple], pages: list, parent) -> tuple[list, int]:
    """Outline dictionaries as WeasyPrint writes them (same keys, counts and links)."""

    count = len(items)
    made = []
    for title, page, rest, is_open, kids in items:
        node = pdf.make_indirect(Dictionary(Title=title, Dest=Array([pages[page], *rest])))
        children, kid_count = _write_outline(pdf, kids, pages, node)
        node.Count = kid_count if is_open else -kid_count
        if is_open:
            count += kid_count
        if made:
            node.Prev = made[-1]
            made[-1].Next = node
        if children:
            node.First, node.Last = children[0], children[-1]
        node.Parent = parent
        made.append(node)
    return made, count


def merge_book(front: bytes, chunks: list[bytes], *, epoch: int) -> bytes:
    """The handbook: the front document's cover and contents, then the chunks' pages on its numbered ones."""



    pdf = pikepdf.open(io.BytesIO(front))
    parts = [pikepdf.open(io.BytesIO(c)) for c in chunks]
    try:
        body = sum(len(p.pages) for p in parts)
        lead = len(pdf.pages) - body
        if lead < 1:
            raise ValueError(f"the front document has {len(pdf.pages)} pages for {body} body pages")
        dests: dict[str, tuple] = {}
        outline: list[tuple] = []
        for part in parts:
            # Page indices as in the finished book (after the numbered placeholders are removed).
            base = len(pdf.pages) - body
            index = {p.objgen: base + i for i, p in enumerate(part.pages)}
            for name, dest in _dests(part):
                dests.setdefault(str(name), (name, index[dest[0].objgen], list(dest)[1:]))
            if "/Outlines" in part.Root and "/First" in part.Root.Outlines:
                outline += _outline(part.Root.Outlines.First, index)
            with warnings.catch_warnings():
                # Named destinations and outlines are carried over below, by hand.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                pdf.pages.extend(part.pages)
        for i in range(body):
            # The placeholder carries only the page number in its margin: drawn first, the chunk page on top.
            # (Page.add_underlay would name the resource at random, and the bytes must not change.)
            page = pdf.pages[lead + body + i]
            if "/Resources" not in page.obj:
                page.obj.Resources = Dictionary()
            if "/XObject" not in page.obj.Resources:
                page.obj.Resources.XObject = Dictionary()
            page.obj.Resources.XObject[NUMBER_XOBJECT] = pdf.pages[lead + i].as_form_xobject()
            page.contents_add(pdf.make_stream(f"q {NUMBER_XOBJECT} Do Q\n".encode()), prepend=True)
        del pdf.pages[lead : lead + body]
        pages = [p.obj for p in pdf.pages]

        for page in pdf.pages[lead:]:
            annots = page.obj.get("/Annots")
            if annots is None:
                continue
            kept = Array()
            for annot in annots:
                uri = str(annot.A.get("/URI", "")) if "/A" in annot else ""
                if uri.startswith(CHUNK_SCHEME):
                    found = dests.get(unquote(uri[len(CHUNK_SCHEME) :]))
                    if found is None:
                        # WeasyPrint drops a link to a missing anchor; so does the merge.
                        continue
                    annot.Dest = found[0]
                    del annot["/A"]
                kept.append(annot)
            page.obj.Annots = kept

        names = Array()
        for key in sorted(dests):
            name, page, rest = dests[key]
            names.extend([name, Array([pages[page], *rest])])
        pdf.Root.Names = Dictionary(Dests=Dictionary(Names=names))
        if "/Outlines" in pdf.Root:
            del pdf.Root["/Outlines"]
        if outline:
            root = pdf.make_indirect(Dictionary())
            made, count = _write_outline(pdf, outline, pages, root)
            root.Count, root.First, root.Last = count, made[0], made[-1]
            pdf.Root.Outlines = root
        set_dates(pdf, epoch)
        return save(pdf)
    finally:
        for part in parts:
            part.close()
        pdf.close()
