"""Printing a form page from the browser gives the print PDF's pages: same count, same orientation."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from handbook.model.editions import snapshot
from handbook.model.forms import load_forms
from handbook.pdf import engine as P
from handbook.model.context import YearContext
from handbook.render.forms import form_document

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _pages(data: bytes) -> list[str]:
    """Each page's orientation, "L" (landscape) or "P" (portrait)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return ["L" if float(p.mediabox[2]) > float(p.mediabox[3]) else "P" for p in pdf.pages]


def _rules(data: bytes) -> list[int]:
    """The x positions (pt) of the vertical table rules on the first page, rules closer than 2 pt as one."""
    doc = pypdfium2.PdfDocument(data)
    try:
        xs = sorted(
            (left + right) / 2
            for left, bottom, right, top in (
                o.get_bounds() for o in doc[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=5)
            )
            if right - left < 2 and top - bottom > 8
        )
    finally:
        doc.close()
    merged: list[list[float]] = []
    for x in xs:
        if merged and x - merged[-1][-1] <= 2:
            merged[-1].append(x)
        else:
            merged.append([x])
    return [round(sum(m) / len(m)) for m in merged]


def _same_rules(web: list[int], pdf: list[int]) -> bool:
    return len(web) == len(pdf) and all(abs(a - b) <= 2 for a, b in zip(web, pdf, strict=True))


@pytest.mark.browser
def test_web_print_matches_the_print_pdf(page, site_cache, latest_year):
    """Every form: Chromium's print of its page (CSS page size, as a print dialog) = its print PDF's pages."""
    site = site_cache(latest_year)
    common, editions = snapshot()
    edition = editions[latest_year]
    found, rules = {}, {}
    for fid, form in load_forms().items():
        page.goto((site / "forms" / f"{fid}.html").as_uri())
        page.emulate_media(media="print")
        web_pdf = page.pdf(prefer_css_page_size=True)
        print_pdf = P.render_pdf(form_document(form, YearContext(edition, common)), fillable=False)
        found[fid] = ("".join(_pages(web_pdf)), "".join(_pages(print_pdf)))
        # The columns where the print PDF has them, the table's right rule on the paper (issue 18: web print
        # clipped it, squeezed 序号 and gave the lists equal columns).
        rules[fid] = (_rules(web_pdf), _rules(print_pdf))
    assert all(w == p for w, p in found.values()), {k: v for k, v in found.items() if v[0] != v[1]}
    moved = {k: r for k, r in rules.items() if not _same_rules(*r)}
    assert not moved, moved
    assert all(len(r[0]) >= 3 for r in rules.values())
    # The landscape lists print landscape from their first page, with no blank page before them.
    assert found["problem-list-member"] == ("L", "L")
