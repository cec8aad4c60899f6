"""Drawing a unit's values onto pack layouts: text in its field's box, ticks on chosen radio values, list
rows (ballot, talk plan) with unused rows painted out. Geometry only: the text comes from the caller."""

from __future__ import annotations

import re

from .overlay import Canvas, Layout, OverlayFont, PageSpec


def _cell(rect, pad_x: float, pad_y: float):
    x0, y0, x1, y1 = rect
    return (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)


def draw_values(canvas, layout, values: dict[str, str], page: int) -> None:
    """Text fields get their text (centred in narrow boxes), radio groups a tick on the chosen value."""
    for name, value in values.items():
        for w in layout.widgets.get(name, []):
            if w.page != page or not value:
                continue
            if w.kind == "text":
                narrow = w.rect[2] - w.rect[0] < 45
                multi = (w.rect[3] - w.rect[1]) > 2.2 * layout.font_size
                canvas.fit(
                    w.rect,
                    value,
                    layout.font_size,
                    align="center" if narrow else "left",
                    lines=None if multi else 1,
                )
            elif w.state == value:
                canvas.tick(w.rect)


def fill_pages(font: OverlayFont, layout: Layout, values: dict[str, str]) -> list[PageSpec]:
    """Every page of `layout` with `values` drawn into their fields."""
    pages = []
    for p in range(layout.n_pages):
        c = Canvas(font)
        draw_values(c, layout, values, p)
        pages.append(c.page(layout, p))
    return pages


def list_pages(
    font: OverlayFont, layout: Layout, rows: list[tuple], cols: list[str], head: dict[str, str], special=None
) -> list[PageSpec]:
    """A list layout (ballot, talk plan) filled with `rows`; unused rows of the last page are painted out."""
    w = layout.widgets
    n = len(rows)
    last_page = w[f"r{max(n, 1):02d}_no"][0].page
    pages = []
    for p in range(last_page + 1):
        c = Canvas(font)
        draw_values(c, layout, head, p)
        on_page = rows_by_page(layout).get(p, [])
        for i in on_page:
            r = f"r{i:02d}"
            if i > n:
                continue
            gap = _row_gap(w, i)
            for col, value in zip(cols, rows[i - 1], strict=False):
                rect = w[f"{r}_{col}"][0].rect
                cell = _cell(rect, 2.0, gap / 2 - 0.6)
                c.fit(cell, value, layout.font_size, align="center", lines=2, pad=2.0)
            if special:
                special(c, layout, i, rows[i - 1], gap)
        tail = [i for i in on_page if i > n]
        if tail:
            first, last = f"r{tail[0]:02d}", f"r{tail[-1]:02d}"
            gap = _row_gap(w, tail[0])
            top = w[f"{first}_no"][0].rect[3] + gap / 2 - 0.5
            bottom = w[f"{last}_no"][0].rect[1] - gap / 2 - 1.0
            left = w[f"{first}_no"][0].rect[0] - 6
            right = max(ws[0].rect[2] for k, ws in w.items() if k.startswith(first + "_")) + 6
            c.cover(left, bottom, right, top)
        pages.append(c.page(layout, p))
    return pages


def rows_by_page(layout) -> dict[int, list[int]]:
    """Row numbers of a list layout on each page (computed once per layout, kept on the layout)."""
    if layout.rows is None:
        out: dict[int, list[int]] = {}
        for name, ws in layout.widgets.items():
            m = re.fullmatch(r"r(\d+)_no", name)
            if m:
                out.setdefault(ws[0].page, []).append(int(m.group(1)))
        layout.rows = {p: sorted(rows) for p, rows in out.items()}
    return layout.rows


def _row_gap(w, i: int) -> float:
    """Vertical distance between one row's field and the next row's (padding plus border)."""
    a = w[f"r{i:02d}_no"][0]
    for j in (i + 1, i - 1):
        b = w.get(f"r{j:02d}_no")
        if b and b[0].page == a.page:
            return abs((a.rect[1] - b[0].rect[3]) if j > i else (b[0].rect[1] - a.rect[3]))
    return 6.0


def merged_note(text: str):
    """A list row special: on a row flagged in its third value, the tick cells become one cell reading `text`
    (a 预备党员's ballot row: 不评定等次)."""

    def draw(c, layout, i: int, row, gap: float) -> None:
        if not row[2]:
            return
        w = layout.widgets
        r = f"r{i:02d}"
        name, note = w[f"{r}_name"][0].rect, w[f"{r}_note"][0].rect
        # Paint out the four tick cells (circles and inner borders) so they read as one merged cell.
        x0, x1 = name[2] + 4.2, note[0] - 4.2
        y0, y1 = name[1] - gap / 2 + 0.6, name[3] + gap / 2 - 0.6
        c.cover(x0, y0, x1, y1)
        c.fit((x0, y0, x1, y1), text, layout.font_size, align="center", lines=1)

    return draw
