"""Drawing a unit's values onto pack layouts: text in its field's box, ticks on chosen radio values, list
rows (ballot, talk plan, sign-in sheets) with unused rows painted out. Geometry only: the text comes from the
caller.

A list layout is rendered once with a few pages' rows whatever the list's length: its first page and its
second (a continuation page: the repeated table head and rows only) are the backgrounds of every list. A
list of any length is its first page, then the continuation page as often as its rows need; the 序号 and the
page number are drawn per page (the page number is a page of a numbers document, rendered by WeasyPrint with
the same @page rules, under the background), so the layout holds nothing that changes from page to page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .engine import add_style
from .overlay import Canvas, Layout, OverlayError, OverlayFont, PageSpec, build_layout

# A list layout's pages carry no page number of their own: list_pages puts the numbers document's under them.
NO_PAGE_NUMBERS = "@page { @bottom-center { content: none; } }"
# Rows of a list layout's first rendering; doubled until there are three pages (the second is then full).
LIST_PROBE = 64

# Draws one row of a list: (canvas, layout, slot on the layout, row number in the list).
RowDrawer = Callable[[Canvas, Layout, int, int], None]


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


# ---------------------------------------------------------------------------------------------- lists


def build_list_layout(
    key: str, html_for: Callable[[int], str], *, font_size: float, states_for: Callable[[int], dict]
) -> Layout:
    """A list layout: `html_for(rows)` rendered without page numbers, with rows enough for three pages."""
    rows = LIST_PROBE
    while True:
        layout = build_layout(key, add_style(html_for(rows), NO_PAGE_NUMBERS), font_size=font_size,
                              states=states_for(rows))
        if layout.n_pages >= 3:
            return layout
        if rows > 4096:
            raise OverlayError(f"{key}: {rows} rows do not fill two pages")
        rows *= 2


def list_plan(layout: Layout, rows: int) -> list[tuple[int, list[tuple[int, int]]]]:
    """The pages a list of `rows` rows takes: (page of the layout, [(slot on it, row of the list)]), the
    first page then the continuation page; slots past `rows` on the last page are the caller's."""
    by_page = rows_by_page(layout)
    first, cont = by_page.get(0, []), by_page.get(1, [])
    if layout.n_pages < 3 or not first or not cont:
        raise OverlayError(f"{layout.key}: a list layout needs a first page and a full continuation page")
    plan = [(0, [(s, s - first[0] + 1) for s in first])]
    done = len(first)
    while done < rows:
        plan.append((1, [(s, s - cont[0] + 1 + done) for s in cont]))
        done += len(cont)
    return plan


def list_pages(
    font: OverlayFont,
    layout: Layout,
    rows: int,
    head: dict[str, str],
    draw_row: RowDrawer,
    *,
    numbers: Layout,
    least: int = 0,
    paint_out: bool = True,
) -> list[PageSpec]:
    """A list of `rows` rows (at least `least`) on a list layout, `head` on its first page, each page over
    its number in `numbers`. Rows past the list on the last page are painted out, or with `paint_out=False`
    keep their 序号 for handwriting (`draw_row` is called for them too, with the row past `rows`)."""
    plan = list_plan(layout, max(rows, least))
    if len(plan) > numbers.n_pages:
        raise OverlayError(f"{layout.key}: {len(plan)} pages, page numbers for {numbers.n_pages}")
    w = layout.widgets
    pages = []
    for k, (p, slots) in enumerate(plan):
        c = Canvas(font)
        draw_values(c, layout, head, p)
        for slot, row in slots:
            if row <= rows or not paint_out:
                draw_row(c, layout, slot, row)
        tail = [slot for slot, row in slots if row > rows]
        if tail and paint_out:
            first, last = f"r{tail[0]:02d}", f"r{tail[-1]:02d}"
            gap = _row_gap(w, tail[0])
            top = w[f"{first}_no"][0].rect[3] + gap / 2 - 0.5
            bottom = w[f"{last}_no"][0].rect[1] - gap / 2 - 1.0
            left = w[f"{first}_no"][0].rect[0] - 6
            right = max(ws[0].rect[2] for k, ws in w.items() if k.startswith(first + "_"))
            c.cover(left, bottom, right + 6, top)
        pages.append(c.page(layout, p, (numbers, k)))
    return pages


def _number(c: Canvas, layout: Layout, slot: int, row: int) -> None:
    """The row's 序号 in its cell."""
    rect = layout.widgets[f"r{slot:02d}_no"][0].rect
    cell = _cell(rect, 2.0, _row_gap(layout.widgets, slot) / 2 - 0.6)
    c.fit(cell, str(row), layout.font_size, align="center", lines=2, pad=2.0)


def cells(rows: list[tuple], cols: list[str], special=None) -> RowDrawer:
    """Rows drawn centred in their cells, a row's values in `cols` order, its 序号 first (ballot, talk plan);
    `special(canvas, layout, slot, row values, gap)` draws more on a row."""

    def draw(c: Canvas, layout: Layout, slot: int, row: int) -> None:
        w = layout.widgets
        values = rows[row - 1]
        gap = _row_gap(w, slot)
        for col, value in zip(cols, values, strict=False):
            cell = _cell(w[f"r{slot:02d}_{col}"][0].rect, 2.0, gap / 2 - 0.6)
            c.fit(cell, value, layout.font_size, align="center", lines=2, pad=2.0)
        if special:
            special(c, layout, slot, values, gap)

    return draw


def fields(values: dict[str, str]) -> RowDrawer:
    """Rows whose values are fields named by row (r01_name, r120_group), each drawn in its field as on any
    form, the 序号 in its cell (sign-in sheets)."""

    by_row: dict[int, dict[str, str]] = {}
    for key, value in values.items():
        if m := re.fullmatch(r"r(\d+)_(.+)", key):
            by_row.setdefault(int(m.group(1)), {})[m.group(2)] = value

    def draw(c: Canvas, layout: Layout, slot: int, row: int) -> None:
        _number(c, layout, slot, row)
        own = {f"r{slot:02d}_{col}": v for col, v in by_row.get(row, {}).items()}
        draw_values(c, layout, own, layout.widgets[f"r{slot:02d}_no"][0].page)

    return draw


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
