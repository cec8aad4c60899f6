"""Forms as Word tables: the print rendering's HTML (render_form, target pdf) written as a .docx.

The same template gives the web form, both PDFs and this file, so the rows, columns and instructions are
the print PDF's. Values (a pre-filled ballot, a member's register, the talk plan) are the inputs' values.
"""

from __future__ import annotations

import lxml.html

from ..model.editions import Common, Edition
from ..model.forms import Form
from ..render.forms import render_form
from .docx import form_layout, html_docx


def with_values(html: str, values: dict[str, str]) -> str:
    """The HTML with each named input and textarea holding its value (for layouts rendered blank)."""
    tree = lxml.html.fromstring(html)
    for el in tree.iter("input", "textarea"):
        value = values.get(el.get("name") or "")
        if not value:
            continue
        if el.tag == "input":
            el.set("value", value)
        else:
            el.text = value
    return lxml.html.tostring(tree, encoding="unicode")


def html_form_docx(
    html: str, title: str, *, orientation: str = "portrait", font_size: float = 10.5, epoch: int | None = None
) -> bytes:
    """A .docx of a form's print HTML (a form template's or a pack layout's such as the talk plan)."""
    return html_docx(
        html,
        form_layout(orientation, font_size),
        title,
        root_xpath='//div[contains(@class, "zf")]',
        epoch=epoch,
    )


def form_docx(
    form: Form,
    edition: Edition,
    common: Common,
    *,
    values: dict | None = None,
    members: list[dict] | None = None,
    unit: dict | None = None,
    epoch: int | None = None,
) -> bytes:
    """A form as a .docx: the print PDF's rows, columns and instructions, pre-filled with any values."""
    html = render_form(form, edition, common, target="pdf", values=values, members=members, unit=unit)
    return html_form_docx(
        html,
        f"{edition.label}{form.title}",
        orientation=form.print.orientation,
        font_size=form.print.font_size,
        epoch=epoch,
    )
