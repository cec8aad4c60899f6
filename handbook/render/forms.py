"""One renderer for forms: the same Jinja template gives the web form and the HTML of both PDFs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup

from ..model.context import YearContext
from ..model.editions import Common, Edition
from ..model.forms import (
    GRADE_VALUES,
    PLACEHOLDERS,
    WIDE_TYPES,
    BallotMember,
    Form,
    FormField,
    _row,
)
from .env import ASSETS_DIR, document, jinja_env
from .register import render_rule

PRINT_CSS = ASSETS_DIR / "forms-print.css"


def _fill(text: str | None, edition: Edition) -> str | None:
    """Replace {theme_short}-style placeholders with edition facts (plain substitution, no evaluation)."""
    if text is None:
        return None
    facts = {
        "label": edition.label,
        "title": edition.title,
        "theme_short": edition.theme_short,
        "member_areas": "、".join(edition.focus.member_areas),
        "year": str(edition.year),
    }
    return re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", lambda m: facts[m.group(1)], text)


def _ballot_probationary(unit: dict, edition: Edition) -> str | None:
    """Whether the superior's ballot leaves 预备党员 unrated: the unit's word, else the edition's."""
    return unit.get("ballot_probationary") or (edition.ballot.probationary if edition.ballot else None)


@dataclass(frozen=True)
class BallotRow:
    """A ballot row as the template draws it: the member and the row's field prefix (r01…)."""

    name: str
    probationary: bool
    row: str


def _cap_figure(common: Common, unit: dict, members: list[BallotRow] | None) -> Markup:
    """The ballot's ⅓ figure (the unit's 优秀比例基数, else the sources' base) or its blank, marked."""
    cap, base = common.tally.cap, unit.get("excellent_base")
    if members is None:
        figure = cap.blank_figure(base)
    else:
        formal = sum(not m.probationary for m in members)
        figure = common.cap_figure(base, total=len(members), formal=formal).figure
    strength = common.rule("excellent-cap").strength
    return render_rule("excellent-cap", {"text": figure, "strength": strength}, stop=False)


def _cap_data(common: Common, unit: dict) -> dict:
    """What the page needs to work out the ballot's ⅓ figure as Common.cap_figure does: rule and base."""
    return {
        "cap": common.tally.cap.model_dump(),
        "grades": common.grade_names,
        "cap_sources": list(common.excellent_cap.sources),
        "base": common.tally.cap.base_of(unit.get("excellent_base")),
    }


def render_form(
    form: Form,
    ctx: YearContext,
    *,
    target: Literal["web", "pdf"] = "web",
    values: dict | None = None,
    members: Sequence[BallotMember] | None = None,
    unit: dict | None = None,
    overlay: bool = False,
) -> str:
    """The form as an HTML fragment; the same markup serves the web page and both PDFs (`unit`: the
    values a form takes of a unit, such as a form example's)."""
    # overlay: the pack's blank lists (ballot, sign-in tables), whose 序号 cells (and the ballot's cap
    # sentence) are fields the pack draws into.
    if target not in ("web", "pdf"):
        raise ValueError(f"target must be 'web' or 'pdf', not {target!r}")
    edition, common = ctx.edition, ctx.common
    members_view = None
    if members is not None:
        members_view = [BallotRow(m.name, m.probationary, _row(i)) for i, m in enumerate(members, start=1)]
    values = {str(k): "" if v is None else str(v) for k, v in (values or {}).items()}
    unit = {str(k): str(v) for k, v in (unit or {}).items()}
    defaults = {"edition_label": edition.label, "unit_branch": unit.get("branch", "")}
    for f in form.fields:
        if f.prefill and f.name and not values.get(f.name):
            values[f.name] = defaults[f.prefill]
    tpl = jinja_env().get_template("form.html.j2")
    html = tpl.render(
        form=form,
        edition=edition,
        common=common,
        target=target,
        values=values,
        members=members_view,
        unit=unit,
        cap=_cap_figure(common, unit, members_view),
        # The web ballot works the figure out for the stored 本支部名单 (members.js with tally-core.js).
        cap_data=_cap_data(common, unit),
        # What the superior's ballot says (the unit's profile first, then the edition): printed as given.
        ballot_excellent=unit.get("ballot_excellent") or (edition.ballot and edition.ballot.excellent),
        exclude_probationary=_ballot_probationary(unit, edition) == "不勾选",
        cap_rule=render_rule("excellent-cap-short", common.rule("excellent-cap-short")),
        probationary_rule=render_rule("probationary", ctx.rule("probationary")),
        fill=lambda t: _fill(t, edition),
        row=_row,
        blocks=_blocks(form),
        grade_values=GRADE_VALUES,
        overlay=overlay,
    )
    return str(Markup(html))


def _layout_rows(form: Form) -> list[list[FormField]]:
    """Body fields grouped into table rows: a layout row appears where its first field is declared."""
    body = [f for f in form.fields if f.area == "body"]
    by_name = {f.name: f for f in body if f.name}
    row_of = {n: tuple(row) for row in form.layout for n in row}
    out: list[list[FormField]] = []
    emitted: set[tuple] = set()
    for f in body:
        row = row_of.get(f.name) if f.name else None
        if row is None:
            out.append([f])
        elif row not in emitted:
            emitted.add(row)
            out.append([by_name[n] for n in row])
    return out


def _blocks(form: Form) -> list[tuple[str, Any]]:
    """Body rows cut into blocks: runs of label/value rows share one ruled table; lists get their own."""
    out: list[tuple[str, Any]] = []
    for row in _layout_rows(form):
        if len(row) == 1 and row[0].type in WIDE_TYPES:
            out.append(("wide", row[0]))
        elif out and out[-1][0] == "rows":
            out[-1][1].append(row)
        else:
            out.append(("rows", [row]))
    return out


def print_css() -> str:
    """The print stylesheet shared by both PDFs."""
    return PRINT_CSS.read_text(encoding="utf-8")


def form_document(
    form: Form,
    ctx: YearContext,
    *,
    values: dict | None = None,
    members: Sequence[BallotMember] | None = None,
    unit: dict | None = None,
    overlay: bool = False,
) -> str:
    """A complete HTML document for WeasyPrint: the pdf rendering of the form with the print CSS."""
    body = render_form(form, ctx, target="pdf", values=values, members=members, unit=unit, overlay=overlay)
    return document(f"{ctx.label}{form.title}", print_css(), body)


def page_numbers_document(orientation: str, pages: int) -> str:
    """`pages` empty pages of the forms' print CSS showing only their page numbers (drawn under a pack's list
    pages, whose layouts leave the number out)."""
    body = f'<div class="zf zf-pdf zf-{orientation}"></div>' * pages
    return document(f"页码（{pages}页）", print_css(), body)


def example_kwargs(form: Form, index: int = 0) -> dict[str, Any]:
    """render_form keyword arguments for one of the form's examples."""
    ex = form.examples[index]
    return {"values": dict(ex.values), "members": ex.members, "unit": ex.unit}
