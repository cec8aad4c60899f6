"""Forms as Word tables: the print rendering's HTML (render_form, target pdf) written as a .docx.

The same template gives the web form, both PDFs and this file, so the rows, columns and instructions are
the print PDF's. Values (a pre-filled ballot, a member's register, the talk plan) are the inputs' values.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

import lxml.html

from ..model.context import YearContext
from ..model.forms import BallotMember, Form
from ..render.forms import render_form
from .docx import form_layout, html_docx
from .zips import rezip


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
    ctx: YearContext,
    *,
    values: dict | None = None,
    members: Sequence[BallotMember] | None = None,
    unit: dict | None = None,
    epoch: int | None = None,
) -> bytes:
    """A form as a .docx: the print PDF's rows, columns and instructions, pre-filled with any values."""
    html = render_form(form, ctx, target="pdf", values=values, members=members, unit=unit)
    return html_form_docx(
        html,
        f"{ctx.label}{form.title}",
        orientation=form.print.orientation,
        font_size=form.print.font_size,
        epoch=epoch,
    )


# Values are drawn into a Word file rendered once with these marks in their places (a private-use pair
# around the field's name), so each member's 登记表 costs a text replacement, not a conversion.
_MARK = "\ue000{}\ue001"
# A value is put in as written only when the converter would have kept it as written: no markup, no runs of
# white space to collapse, no line breaks.
_PLAIN = re.compile(r"^[^\s<>&\ue000\ue001](?:[^\t\r\n<>&\ue000\ue001]|(?<! ) (?! ))*(?<!\s)$")


class FilledForms:
    """Word files of one form for many value sets (a unit's 登记表): each set of filled field names is
    converted once with marks for its values; every file after that is the marked file with the values put
    in, byte for byte what form_docx gives."""

    def __init__(self, form: Form, ctx: YearContext, *, epoch: int | None = None):
        self.form, self.ctx, self.epoch = form, ctx, epoch
        self._marked: dict[frozenset[str], list[tuple[str, bytes]]] = {}

    def docx(self, values: dict[str, str]) -> bytes:
        """The form filled with `values` as a .docx."""
        if not all(_PLAIN.match(v) for v in values.values() if v):
            return form_docx(self.form, self.ctx, values=values, epoch=self.epoch)
        keys = frozenset(k for k, v in values.items() if v)
        if keys not in self._marked:
            marked = {k: _MARK.format(k) for k in keys}
            data = form_docx(self.form, self.ctx, values=marked, epoch=self.epoch)
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                self._marked[keys] = [(i.filename, z.read(i.filename)) for i in z.infolist()]
        entries = self._marked[keys]
        subs = {_MARK.format(k).encode(): escape(values[k]).encode() for k in keys}
        pattern = re.compile(b"\xee\x80\x80[^\xee]*\xee\x80\x81")
        filled = [
            (n, pattern.sub(lambda m: subs[m.group(0)], b) if n == "word/document.xml" else b)
            for n, b in entries
        ]
        return rezip(filled, self.epoch)
