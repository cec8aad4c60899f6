"""Printing a form page from the browser gives the print PDF's pages: same count, same orientation."""

from __future__ import annotations

import io

import pikepdf
import pytest

from handbook.model.editions import snapshot
from handbook.model.forms import load_forms
from handbook.pdf import engine as P
from handbook.render.forms import form_document

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _pages(data: bytes) -> list[str]:
    """Each page's orientation, "L" (landscape) or "P" (portrait)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return ["L" if float(p.mediabox[2]) > float(p.mediabox[3]) else "P" for p in pdf.pages]


@pytest.mark.browser
def test_web_print_matches_the_print_pdf(page, site_cache, latest_year):
    """Every form: Chromium's print of its page (CSS page size, as a print dialog) = its print PDF's pages."""
    site = site_cache(latest_year)
    common, editions = snapshot()
    edition = editions[latest_year]
    found = {}
    for fid, form in load_forms().items():
        page.goto((site / "forms" / f"{fid}.html").as_uri())
        page.emulate_media(media="print")
        web = _pages(page.pdf(prefer_css_page_size=True))
        pdf = _pages(P.render_pdf(form_document(form, edition, common), fillable=False))
        found[fid] = ("".join(web), "".join(pdf))
    assert all(w == p for w, p in found.values()), {k: v for k, v in found.items() if v[0] != v[1]}
    # The landscape lists print landscape from their first page, with no blank page before them.
    assert found["problem-list-member"] == ("L", "L")
