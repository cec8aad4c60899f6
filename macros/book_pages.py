"""The handbook's pages for its PDF, read from Material's built pages in the order of the nav mkdocs built."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath

import lxml.html

from handbook.render.book import BookPage

# Parts of a built page that only make sense on screen: theme buttons, heading permalinks, the page's
# source line, the forms' toolbar, and blocks the site's own print CSS hides (e.g. the checklists' tips).
WEB_ONLY = (
    './/*[contains(@class, "md-content__button") or contains(@class, "headerlink")'
    ' or contains(@class, "md-source-file") or contains(@class, "zf-toolbar")'
    ' or contains(concat(" ", normalize-space(@class), " "), " screen-only ")]|.//script|.//noscript'
)
EXTERNAL = re.compile(r"^[a-z]+:")


def nav_entries(nav) -> list[tuple[str | None, str, str]]:
    """The pages of a mkdocs Navigation in order, as (section title, source path, built path)."""
    return [
        (page.parent.title if page.parent else None, page.file.src_uri, page.file.dest_uri)
        for page in nav.pages
    ]


def form_order(entries) -> list[str]:
    """Form ids in the order the nav lists their pages."""
    return [PurePosixPath(src).stem for _, src, _ in entries if src.startswith("forms/")]


def _article(path: Path):
    """The main article element of a built page (Material), or None."""
    tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    found = tree.xpath(
        '//article[contains(concat(" ", normalize-space(@class), " "), " md-content__inner ")]'
    )
    return found[0] if found else None


def book_pages(entries, site_dir: Path) -> list[BookPage]:
    """Every built page in nav order as a BookPage; form pages are left out (the pack prints them)."""
    site_dir = Path(site_dir)
    found = []
    slugs: dict[str, str] = {}
    for i, (section, src, dest) in enumerate(entries):
        path = site_dir / dest
        art = _article(path) if path.exists() else None
        # A form page is a web form; its printable version is the form pack.
        if art is None or art.xpath(".//form"):
            continue
        slug = f"p{i}"
        slugs[dest] = slug
        found.append((section, src, dest, slug, art))
    pages = []
    for section, src, dest, slug, art in found:
        _clean(art, slug, posixpath.dirname(dest), slugs, site_dir)
        h1 = art.find(".//h1")
        h2s = [(h.get("id"), h.text_content().strip()) for h in art.xpath("./h2[@id]")]
        headings = tuple((anchor, text) for anchor, text in h2s if text)
        inner = (art.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in art)
        title = h1.text_content().strip() if h1 is not None else src
        pages.append(BookPage(slug, section, title, inner, headings))
    return pages


def _clean(art, slug: str, here: str, slugs: dict[str, str], site_dir: Path) -> None:
    """Make a page's article printable: unique ids, links inside the book, no web-only parts."""
    for el in art.xpath(WEB_ONLY):
        el.drop_tree()
    for el in art.xpath(".//*[@id]"):
        el.set("id", f"{slug}-{el.get('id')}")
    for a in art.xpath(".//a[@href]"):
        target, _, frag = a.get("href").partition("#")
        if EXTERNAL.match(target):
            del a.attrib["href"]
            continue
        dest = slugs.get(posixpath.normpath(posixpath.join(here, target))) if target else slug
        if dest is None:
            del a.attrib["href"]
        else:
            a.set("href", f"#{dest}-{frag}" if frag else f"#{dest}")
    for img in art.xpath(".//img[@src]"):
        src = img.get("src")
        if not EXTERNAL.match(src):
            img.set("src", (site_dir / posixpath.normpath(posixpath.join(here, src))).resolve().as_uri())
    # Task lists print as empty boxes to tick by hand.
    for box in art.xpath('.//input[@type="checkbox"]'):
        span = box.makeelement("span", {"class": "hb-box"})
        span.tail = box.tail
        box.getparent().replace(box, span)
