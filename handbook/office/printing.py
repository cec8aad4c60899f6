"""Page setup every workbook the kit writes shares: A4, one page wide, the heading rows on every page."""

from __future__ import annotations

from openpyxl import Workbook


def a4_one_page_wide(wb: Workbook, landscape: tuple[str, ...] = ()) -> None:
    """Every sheet prints on A4, scaled to one page wide (as many pages down as it needs)."""
    for ws in wb.worksheets:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if ws.title in landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
