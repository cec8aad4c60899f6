"""HTML of the two assembled PDFs, from templates: the form pack; the handbook's cover, contents, chunks."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup

from ..model.editions import Edition
from .env import ASSETS_DIR, jinja_env

PACK_CSS = ASSETS_DIR / "pack.css"


class BookPage(NamedTuple):
    """One printable handbook page: its article's HTML, ids prefixed by `slug`, in-book links as #id."""

    slug: str
    section: str | None
    title: str
    html: str
    # (anchor id, text) of the page's second-level headings, for the contents.
    headings: tuple[tuple[str, str], ...] = ()


class PackForm(NamedTuple):
    """One form in the pack: its id, title and the body of its print document."""

    id: str
    title: str
    body: str


# The id of each form in the pack is this prefix and the form's id: the contents link to them, and the page
# of the first one is where the printed numbers (and so the PDF's page labels) start.
PACK_ANCHOR = "pk-"


def pack_html(edition: Edition, forms: list[PackForm], css: str) -> str:
    """One document: a cover, contents and every form, numbered throughout (`css`: the forms' print CSS)."""
    return jinja_env().get_template("book/pack.html.j2").render(
        anchor=PACK_ANCHOR,
        label=edition.label,
        theme=edition.theme.text,
        css=Markup(css),
        pack_css=Markup(PACK_CSS.read_text(encoding="utf-8")),
        forms=[f._replace(body=Markup(f.body)) for f in forms],
    )


def _slug(target: str) -> str:
    """The page slug an in-book anchor belongs to (ids are `<slug>-<id>`)."""
    return target.split("-", 1)[0]


@dataclass(frozen=True)
class Book:
    """The handbook: edition facts for the cover, the print style sheet and the pages in menu order."""

    label: str
    theme: str
    notice: str
    css: str
    pages: tuple[BookPage, ...]

    @classmethod
    def of(cls, edition: Edition, pages: list[BookPage], css: str) -> Book:
        """The book of an edition."""
        return cls(edition.label, edition.theme.text, edition.notice.citation, css, tuple(pages))

    def _render(self, name: str, **context) -> str:
        return jinja_env().get_template(f"book/{name}.html.j2").render(book=self._view(), **context)

    def _view(self) -> dict:
        """The book as templates see it: style sheet and page HTML marked safe, text escaped."""
        return {
            "label": self.label,
            "theme": self.theme,
            "notice": self.notice,
            "css": Markup(self.css),
            "pages": self.pages,
        }

    @property
    def html(self) -> str:
        """The whole handbook as one document (the content the finished PDF is cached by)."""
        return self._render("whole", sections=[(p.slug, Markup(p.html)) for p in self.pages])

    def chunks(self, n: int) -> list[tuple[BookPage, ...]]:
        """The pages cut into at most n runs of about equal text, so chunks take about equal time."""
        sizes = [len(p.html) for p in self.pages]
        total, cum = sum(sizes), [0, *itertools.accumulate(sizes)]
        cuts = [0]
        for k in range(1, min(n, len(sizes))):
            # The page boundary nearest to k/n of the text: a small edit seldom moves it, so the other
            # chunks stay cached.
            rest = range(cuts[-1] + 1, len(sizes))
            if rest:
                cuts.append(min(rest, key=lambda i: (abs(cum[i] * n - total * k), i)))
        cuts.append(len(sizes))
        return [self.pages[a:b] for a, b in itertools.pairwise(cuts)]

    def chunk_html(self, pages: tuple[BookPage, ...], link_scheme: str) -> str:
        """Some pages alone; links to other chunks' anchors get `link_scheme` so they survive to the merge."""
        own = {p.slug for p in pages}

        def link(m: re.Match) -> str:
            # WeasyPrint drops links to anchors it does not have; a URI link with an unknown scheme stays,
            # and the merge turns it back into a link to the named destination.
            target = m.group(1)
            return m.group(0) if _slug(target) in own else f'href="{link_scheme}{target}"'

        # The pattern only meets our own markup: the mkdocs side wrote every in-book link as href="#id".
        sections = [(p.slug, Markup(re.sub(r'href="#([^"]+)"', link, p.html))) for p in pages]
        return self._render("chunk", sections=sections)

    def front_html(self, counts: list[int], at: dict[str, int]) -> str:
        """Cover and contents, then an empty numbered page for every body page (`counts`: pages of each
        page; `at`: the body page index of each anchor, so a heading's contents entry gets its number)."""
        if len(counts) != len(self.pages):
            raise ValueError("one page count per page is needed")
        layout, start = [], 0
        for page, count in zip(self.pages, counts, strict=True):
            pads: list[list[str]] = [[] for _ in range(count)]
            for anchor, _ in page.headings:
                if start <= at.get(anchor, -1) < start + count:
                    pads[at[anchor] - start].append(anchor)
            layout.append((page.slug, pads))
            start += count
        return self._render("front", layout=layout)
