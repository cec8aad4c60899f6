"""The one place that knows which characters the installed fonts can draw."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import subprocess
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont


class PdfError(Exception):
    """A PDF could not be made as required (a missing glyph, a WeasyPrint font problem)."""


class MissingGlyphError(PdfError):
    """The text uses a character no installed font can draw."""



@cache
def _installed_fonts() -> tuple[tuple[str, tuple[tuple[int, int], ...]], ...]:
    """Every installed font file with its Unicode coverage, as fontconfig has already indexed it."""
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}|%{index}|%{charset}\n"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise PdfError(f"cannot list fonts with fc-list (install fontconfig): {exc}") from exc
    fonts = []
    for line in sorted(set(out.splitlines())):
        path, index, charset = line.rsplit("|", 2)
        ranges = []
        for part in charset.split():
            lo, _, hi = part.partition("-")
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        fonts.append((f"{path}#{index}", tuple(ranges)))
    return tuple(fonts)


@cache
def _coverage() -> tuple[tuple[int, int], ...]:
    """The union of all installed fonts' coverage as sorted, merged ranges."""
    ranges = sorted(r for _, rs in _installed_fonts() for r in rs)
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def _covered(cp: int) -> bool:
    cov = _coverage()
    i = bisect.bisect_right(cov, (cp, 0x10FFFF + 1)) - 1
    return i >= 0 and cov[i][0] <= cp <= cov[i][1]


@cache
def font_identity() -> str:
    """A digest of the installed fonts (path, size, mtime): a new or changed font invalidates cached PDFs."""
    h = hashlib.sha256()
    for key, _ in _installed_fonts():
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
    missing: dict[str, int] = {}
    for ch in set(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        if not _covered(ord(ch)):
            missing[ch] = text.index(ch)
    if missing:
        ch = min(missing, key=missing.get)
        at = missing[ch]
        context = text[max(0, at - 12) : at + 12].replace("\n", " ").strip()
        others = "".join(sorted(set(missing) - {ch}))
        more = f" (also missing: {others})" if others else ""
        raise MissingGlyphError(
            f"missing glyph: no installed font has {ch!r} (U+{ord(ch):04X}, "
            f"{unicodedata.name(ch, 'unnamed')}) in “{context}”{more}; "
            "replace the character or install a font that has it"
        )


FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
_FALLBACK_FILES = {
    "Noto Serif CJK SC": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "Noto Sans CJK SC": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}


def _font_file(family: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(
            ["fc-list", family, "file", "index", "family"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    for line in out.splitlines():
        m = re.match(r"(.+?): (.+?):index=(\d+)", line)
        if m and family in m.group(2).split(","):
            return m.group(1), int(m.group(3))
    fallback = _FALLBACK_FILES.get(family)
    return (fallback, -1) if fallback and Path(fallback).exists() else None


@cache
def covered_codepoints() -> frozenset[int] | None:
    """Code points the PDF fonts can draw (union of the Noto CJK SC cmaps); None when no font is found."""
    points: set[int] = set()
    for family in FONT_FAMILIES:
        found = _font_file(family)
        if not found:
            continue
        file, idx = found
        if file.lower().endswith((".ttc", ".otc")):
            coll = TTCollection(file, lazy=True)
            fonts = coll.fonts if idx < 0 else [coll.fonts[idx]]
            for f in fonts:
                if idx >= 0 or f["name"].getDebugName(1) == family:
                    points.update(f.getBestCmap())
        else:
            points.update(TTFont(file, lazy=True).getBestCmap())
    return frozenset(points) if points else None
