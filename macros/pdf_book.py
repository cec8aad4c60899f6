"""HTML for the two assembled PDFs: the form pack (cover, contents, every form) and the whole handbook."""

from __future__ import annotations

import posixpath
import re
from html import escape
from pathlib import Path

PRINT_CSS = Path(__file__).resolve().parent / "assets" / "print.css"
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
    import lxml.html

    tree = lxml.html.fromstring(path.read_bytes())
    found = tree.xpath(
        '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'
    )
    return found[0] if found else None


def handbook_html(edition, site_dir: Path, nav) -> str:
    """The whole handbook as one printable document: cover, contents, then every page in nav order."""
    import lxml.html

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
        parts.append(f'<section class="hb-page" id="{slug}">{art.text or ""}{inner}</section>')
    css = PRINT_CSS.read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(edition.label)}组织生活会和民主评议党员工作手册</title><style>{css}</style></head><body>"
        '<section class="hb-front hb-cover">'
        f'<p class="hb-label">{escape(edition.label)}</p>'
        "<h1>组织生活会和民主评议党员<br>工作手册</h1>"
        f'<p class="hb-theme">{escape(edition.theme.text)}</p>'
        f'<p class="hb-notice">依据：{escape(edition.notice.citation)}</p>'
        "</section>"
        f'<section class="hb-front hb-toc"><h2>目录</h2><ol>{"".join(toc)}</ol></section>'
        f'<div class="hb-body">{"".join(parts)}</div></body></html>\n'
    )


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
