"""One embedded font per face in a PDF merged from several documents."""

from __future__ import annotations

import pikepdf


def merge_fonts(pdf: pikepdf.Pdf) -> None:
    """Placeholder until the merge is written."""
