"""The one place that knows which characters the installed fonts can draw."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import unicodedata
from functools import cache
from html.parser import HTMLParser
from typing import NamedTuple


class PdfError(Exception):
    """A PDF could not be made as required (a missing glyph, a WeasyPrint font problem)."""


class MissingGlyphError(PdfError):
    """The text uses a character no installed font can draw."""


class _Face(NamedTuple):
    key: str  # file#index
    families: tuple[str, ...]
    ranges: tuple[tuple[int, int], ...]  # the code points it has glyphs for
    styles: tuple[str, ...]


@cache
def _installed_fonts() -> tuple[_Face, ...]:
    """Every installed font (file#index, families, Unicode coverage, styles), as fontconfig indexed it."""
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{index}|%{family}|%{style}|%{charset}|%{file}\n"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise PdfError(f"无法用 fc-list 列出已安装的字体（请安装 fontconfig）：{exc}") from exc
    fonts = []
    for line in sorted(set(out.splitlines())):
        index, family, style, charset, path = line.split("|", 4)
        ranges = []
        for part in charset.split():
            lo, _, hi = part.partition("-")
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        key = f"{path}#{index}"
        fonts.append(_Face(key, tuple(family.split(",")), tuple(ranges), tuple(style.split(","))))
    return tuple(fonts)


@cache
def coverage(families: tuple[str, ...] | None = None) -> frozenset[int]:
    """Code points the fonts of `families` (all installed fonts when None) can draw.

    The kit's one answer to "has a font this glyph?": fontconfig's charset of each font, which it
    derives from the font's cmap and has already indexed, so asking costs no font file reads.
    """
    faces = [f for f in _installed_fonts() if families is None or set(f.families) & set(families)]
    ranges = sorted(r for f in faces for r in f.ranges)
    merged: list[list[int]] = []
    for lo, hi in ranges:  # merged first: the fonts overlap much, and sets are slow to fill twice
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return frozenset(cp for lo, hi in merged for cp in range(lo, hi + 1))


def drawn(ch: str) -> bool:
    """Whether a character needs a glyph: spaces and control or format characters draw nothing."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def missing(text: str, cover: frozenset[int]) -> list[str]:
    """Characters of `text` that need a glyph outside `cover`, in order of first appearance."""
    return [ch for ch in dict.fromkeys(text) if drawn(ch) and ord(ch) not in cover]


@cache
def font_identity() -> str:
    """A digest of the installed fonts (path, size, mtime): a new or changed font invalidates cached PDFs."""
    h = hashlib.sha256()
    for face in _installed_fonts():
        key = face.key
        path = key.rsplit("#", 1)[0]
        try:
            st = os.stat(path)
            h.update(f"{key}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{key}:missing\n".encode())
    return h.hexdigest()


class _TextCollector(HTMLParser):
    """Characters a reader will see: body text, field values and CSS `content` strings."""

    SKIP = ("script", "title", "template")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0
        self.style = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "style":
            self.style = True
        for name, value in attrs:
            if value and name in ("value", "placeholder"):
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag == "style":
            self.style = False

    def handle_data(self, data):
        if self.style:
            for m in re.finditer(r"content\s*:([^;}]*)", data):
                self.chunks += ["".join(t) for t in re.findall(r'"([^"]*)"|\'([^\']*)\'', m.group(1))]
        elif not self.skip:
            self.chunks.append(data)


def check_glyphs(html: str) -> None:
    """Fail when the document's text has a character that no installed font has."""
    parser = _TextCollector()
    parser.feed(html)
    parser.close()
    text = "".join(parser.chunks)
    absent = missing(text, coverage())
    if absent:
        ch, others = absent[0], "".join(sorted(absent[1:]))
        at = text.index(ch)
        context = text[max(0, at - 12) : at + 12].replace("\n", " ").strip()
        more = f"（另缺：{others}）" if others else ""
        raise MissingGlyphError(
            f"缺字：已安装的字体都没有 {ch!r}（U+{ord(ch):04X}，{unicodedata.name(ch, 'unnamed')}），"
            f"位于“{context}”{more}；请换用通用字形或安装含该字的字体"
        )


# The PDFs' text faces: roster names must be printable in these.
FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


def covered_codepoints() -> frozenset[int] | None:
    """Code points the PDF text faces can draw; None when neither face is installed (no check then)."""
    return coverage(FONT_FAMILIES) or None


def font_file(family: str) -> tuple[str, int] | None:
    """The regular face of `family` among the installed fonts: (file, index), or None."""
    faces = [f for f in _installed_fonts() if family in f.families]
    faces.sort(key=lambda f: ("Regular" not in f.styles, f.key))
    if not faces:
        return None
    path, _, index = faces[0].key.rpartition("#")
    return path, int(index)
