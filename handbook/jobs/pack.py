"""Pre-filled form packs (`handbook pack`): every form of an edition, filled from a unit's roster and profile.

A pack for one unit holds the member ballot listing every member (预备党员 listed, not graded, with the
one-third cap as a number), the committee ballot, one 民主评议党员登记表 per member with the personal
fields filled, a 谈心谈话安排表 with the pairings the procedure asks for, the statistics form with the
counts the roster gives, the sign-in sheets listing who should attend (the 党员大会's with the 正式/预备党员
counts its quorum sentence needs, one 党小组会 sheet per 党小组), a starter file for the 计票 page
(计票名单.json), and the edition's other forms blank. Fields of the unit (党支部) stay blank for
handwriting when there is no unit profile. Output: one PDF for the whole pack and a folder of single PDFs.

How a form is filled is its role (`pack:` in its form.yml, the ROLES below); the roles turn a unit's values
(handbook.render.pack) into one list of pack items that the PDF writer (drawing on layouts,
handbook.pdf.fill) and the Word writer both read.

Speed: WeasyPrint renders each layout once per edition (handbook.pdf.overlay, cached by content); each
unit's pages are copies of those backgrounds with the values drawn on top, so a batch of hundreds of units
takes minutes, and a single unit goes the same way. A list (ballot, talk plan, sign-in sheets) is rendered
with a few pages' rows whatever the roster's size: its continuation page repeats as often as the roster
needs, the 序号 and page numbers drawn per page (handbook.pdf.fill), so a 2,000-member unit costs no more
layout than a small one.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import queue
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..epoch import source_date_epoch
from ..errors import InputError, InputErrors
from ..limits import os_message
from ..model.context import YearContext, year_context
from ..model.editions import STEP_KEYS
from ..model.forms import BallotMember, Form, all_forms
from ..model.roster import RosterError, labels, read_roster
from ..model.unit import Unit, load_unit
from ..office.forms_docx import FilledForms, form_docx, html_form_docx, with_values
from ..outputs import claim_folder
from ..pdf.fill import build_list_layout, cells, fields, fill_pages, list_pages, list_plan, merged_note
from ..pdf.fonts import covered_codepoints
from ..pdf.overlay import (
    FONT_FAMILY,
    Layout,
    OverlayFont,
    PageSpec,
    Writer,
    background_layout,
    build_font,
    build_layout,
)
from ..render.forms import form_document, page_numbers_document
from ..render.output_files import PACK_ALL, PACK_EACH, PACK_FORM, PACK_SINGLES, PACK_TALLY
from ..render.pack import (
    NOT_GRADED,
    Register,
    UnitValues,
    signin_values,
    starter_tally,
    talk_plan,
    unit_values,
)
from ..render.talkplan import TALK_TITLE, talk_plan_html

__all__ = [
    "Register", "UnitValues", "signin_values", "starter_tally", "talk_plan", "unit_values",
]

PACK_FILE = PACK_ALL.path()
SINGLES = PACK_SINGLES
REGISTERS = "民主评议党员登记表"
TALK_PLAN = "talk-plan"
TALLY_FILE = PACK_TALLY.path()
# The page-number documents are rounded up to this many pages, so packs of similar size share one rendering.
NUMBERS_ROUND = 50


class PackError(InputError):
    """A pack could not be made for a unit."""


# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class UnitSource:
    """Where one unit's data lives: its roster and (optionally) its unit profile."""

    key: str
    roster: Path
    unit_file: Path | None = None


def find_units(directory: Path) -> tuple[list[UnitSource], list[tuple[str, str]]]:
    """DIR/<unit>/unit.yml + roster.csv|xlsx for each unit folder; folders without a roster are failures."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PackError(directory, "找不到单位文件夹")
    units: list[UnitSource] = []
    bad: list[tuple[str, str]] = []
    for sub in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
        rosters = [sub / n for n in ("roster.xlsx", "roster.csv") if (sub / n).is_file()]
        if not rosters:
            bad.append((sub.name, f"{sub}：找不到名册 roster.csv 或 roster.xlsx"))
            continue
        unit_file = sub / "unit.yml"
        units.append(UnitSource(sub.name, rosters[0], unit_file if unit_file.is_file() else None))
    return units, bad


def _load(src: UnitSource):
    unit = load_unit(src.unit_file) if src.unit_file else Unit()
    report = read_roster(src.roster, covered_codepoints())
    return unit, report.members, report.warnings


# ---------------------------------------------------------------------------------------------- roles


@dataclass(frozen=True)
class Sizes:
    """The longest lists of a batch (its largest roster and talk plan): how many pages to number."""

    members: int = 0
    talks: int = 0
    # Rows of each sign-in sheet kind (the 支委, the largest 党小组): each sized to its own list.
    lists: Mapping[str, int] = field(default_factory=dict)

    def rows(self, who: str) -> int:
        """Rows of the sign-in sheets for `who` (members, committee, groups)."""
        return self.lists.get(who, self.members)


@dataclass(frozen=True)
class Item:
    """One document of a unit's pack, read by both writers: its file (no suffix; handbook.render.output_files
    PACK_FORM or PACK_EACH), title and values."""

    role: Role
    form: Form | None  # None: the talk plan
    stem: str
    title: str
    values: dict[str, str]
    rows: tuple = ()  # list rows (ballot, talk plan)
    members: tuple = ()  # the ballot's people for the Word table
    overlay: dict[str, str] = field(default_factory=dict)  # values only the PDF layout has fields for


def _branch(form: Form, uv: UnitValues) -> dict[str, str]:
    """The unit's name in the fields that take it."""
    return {f.name: uv.branch for f in form.fields if f.prefill == "unit_branch"}


def _states(form: Form) -> dict[str, list[str]]:
    """Radio values in document order for each radio input name of the blank form."""
    out: dict[str, list[str]] = {}
    for f in form.fields:
        values = [it.value for it in f.items]
        if f.type == "radio":
            out[f.name] = values
        elif f.type == "grid":
            out |= {f"{f.name}_{r.value}": values for r in f.row_items}
    return out


def _sized(form: Form, ftype: str, rows: int) -> Form:
    """The form with its `ftype` field (ballot, table) showing at least `rows` rows."""
    fields = [
        f.model_copy(update={"rows": max(f.rows or 0, rows) if ftype == "table" else rows})
        if f.type == ftype else f
        for f in form.fields
    ]
    return form.model_copy(update={"fields": fields})


def _safe(name: str) -> str:
    """A file name from a label: path separators and characters Windows refuses become ＿; at most 60
    characters (180 bytes in UTF-8), within every file system's 255-byte limit."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "＿", name)[:60].strip(". ") or "＿"


class Role:
    """A form the pack leaves blank but for the unit's name (no `pack:` in its form.yml)."""

    def layout(self, form: Form, ctx: YearContext) -> Layout:
        """The form rendered blank, with its fields' rectangles."""
        html = form_document(form, ctx)
        return build_layout(form.id, html, font_size=form.print.font_size, states=_states(form))

    def list_rows(self, form: Form, sizes: Sizes) -> int:
        """Rows of the longest list this role draws for `sizes` (0: not a list)."""
        return 0

    def values(self, form: Form, uv: UnitValues) -> dict[str, str]:
        return _branch(form, uv)

    def items(self, n: int, form: Form, uv: UnitValues) -> list[Item]:
        return [Item(self, form, PACK_FORM.stem_of(n=n, title=form.title), form.title, self.values(form, uv))]

    def pages(self, kit: Kit, item: Item) -> list[PageSpec]:
        return fill_pages(kit.font, kit.layouts[item.form.id], item.values)

    def docx(self, kit: Kit, item: Item) -> bytes:
        return form_docx(item.form, kit.ctx, values=item.values, epoch=kit.epoch)


class Statistics(Role):
    """The statistics form with the roster's counts."""

    def values(self, form: Form, uv: UnitValues) -> dict[str, str]:
        return _branch(form, uv) | uv.stats


class Registers(Role):
    """One 登记表 per member, the personal fields filled."""

    def items(self, n: int, form: Form, uv: UnitValues) -> list[Item]:
        return [
            Item(self, form, PACK_EACH.stem_of(n=n, title=REGISTERS, j=j, name=_safe(reg.label)),
                 f"{form.title}（{reg.label}）", reg.values)
            for j, reg in enumerate(uv.registers, start=1)
        ]

    def docx(self, kit: Kit, item: Item) -> bytes:
        if item.form.id not in kit.filled:
            kit.filled[item.form.id] = FilledForms(item.form, kit.ctx, epoch=kit.epoch)
        return kit.filled[item.form.id].docx(item.values)


class Ballot(Role):
    """Every member one row, the one-third reference above, a 预备党员's tick cells merged."""

    def layout(self, form: Form, ctx: YearContext) -> Layout:
        # The 序号 and the reference sentence are fields to draw into (overlay=True).
        grade = next(f for f in form.fields if f.type == "ballot")

        def states(rows: int) -> dict[str, list[str]]:
            return {f"r{i:02d}_{grade.name}": [it.value for it in grade.items] for i in range(1, rows + 1)}

        return build_list_layout(
            form.id,
            lambda rows: form_document(_sized(form, "ballot", rows), ctx, overlay=True),
            font_size=form.print.font_size,
            states_for=states,
        )

    def list_rows(self, form: Form, sizes: Sizes) -> int:
        return sizes.members

    def items(self, n: int, form: Form, uv: UnitValues) -> list[Item]:
        names = labels(uv.members)
        people = tuple(BallotMember(name=names[m.row], probationary=m.probationary) for m in uv.members)
        values = _branch(form, uv)
        return [Item(self, form, PACK_FORM.stem_of(n=n, title=form.title), form.title, values,
                     rows=tuple(uv.ballot_rows), members=people, overlay={"pack_cap": uv.cap_text})]

    def pages(self, kit: Kit, item: Item) -> list[PageSpec]:
        layout = kit.layouts[item.form.id]
        head = item.values | item.overlay
        draw = cells(list(item.rows), ["no", "name"], merged_note(NOT_GRADED))
        return list_pages(kit.font, layout, len(item.rows), head, draw, numbers=kit.numbers_for(layout))

    def docx(self, kit: Kit, item: Item) -> bytes:
        return form_docx(item.form, kit.ctx, values=item.values, members=list(item.members),
                         epoch=kit.epoch)


class SignIn(Role):
    """Sign-in sheets of one meeting kind listing who should come (`who`: members, committee, groups)."""

    def __init__(self, who: str):
        self.who = who

    def layout(self, form: Form, ctx: YearContext) -> Layout:
        # The 序号 cells are fields to draw into (overlay=True): numbers run on over continuation pages.
        return build_list_layout(
            form.id,
            lambda rows: form_document(_sized(form, "table", rows), ctx, overlay=True),
            font_size=form.print.font_size,
            states_for=lambda _: _states(form),
        )

    def list_rows(self, form: Form, sizes: Sizes) -> int:
        return max(sizes.rows(self.who), _table(form).rows or 0)

    def items(self, n: int, form: Form, uv: UnitValues) -> list[Item]:
        sheets = uv.signin.get(f"sign-in-{self.who}") or [{}]
        out = []
        for j, values in enumerate(sheets, start=1):
            group = values.get("group_name")
            if len(sheets) > 1:
                stem = PACK_EACH.stem_of(n=n, title=form.title, j=j, name=_safe(group or str(j)))
            else:
                stem = PACK_FORM.stem_of(n=n, title=form.title)
            out.append(Item(self, form, stem, form.title + (f"（{group}）" if group else ""), values))
        return out

    def pages(self, kit: Kit, item: Item) -> list[PageSpec]:
        """Pages up to the last listed person (at least the form's own rows); the rest of the last page's
        rows keep their 序号 for people who come unlisted."""
        layout = kit.layouts[item.form.id]
        head = {k: v for k, v in item.values.items() if not _ROW_FIELD.match(k)}
        return list_pages(
            kit.font, layout, _listed(item.values), head, fields(item.values),
            numbers=kit.numbers_for(layout), least=_table(item.form).rows or 0, paint_out=False,
        )

    def docx(self, kit: Kit, item: Item) -> bytes:
        listed = sum(1 for k in item.values if k.endswith("_name"))
        form = _sized(item.form, "table", listed)
        return form_docx(form, kit.ctx, values=item.values, epoch=kit.epoch)


TALK_COLUMNS = ("no", "a", "b", "kind", "way")
# A sign-in sheet's row fields (r01_name, r120_group): drawn by the list, not as the sheet's head.
_ROW_FIELD = re.compile(r"r\d+_")


def _table(form: Form):
    """A sign-in form's list (its table field)."""
    return next(f for f in form.fields if f.type == "table")


class TalkPlanRole(Role):
    """The 谈心谈话安排表 (not a form of forms/): the pairings, placed before the talks step's forms."""

    def layout(self, form, ctx: YearContext) -> Layout:
        def html(rows: int) -> str:
            return talk_plan_html(ctx, rows)

        return build_list_layout(TALK_PLAN, html, font_size=10.5, states_for=lambda _: {})

    def list_rows(self, form, sizes: Sizes) -> int:
        return sizes.talks

    def items(self, n: int, form, uv: UnitValues) -> list[Item]:
        values = {"branch": uv.branch, "pack_summary": uv.talk_summary}
        stem = PACK_FORM.stem_of(n=n, title=TALK_TITLE)
        return [Item(self, None, stem, TALK_TITLE, values, rows=tuple(uv.talk_rows))]

    def pages(self, kit: Kit, item: Item) -> list[PageSpec]:
        layout = kit.layouts[TALK_PLAN]
        draw = cells(list(item.rows), list(TALK_COLUMNS))
        numbers = kit.numbers_for(layout)
        return list_pages(kit.font, layout, len(item.rows), item.values, draw, numbers=numbers)

    def docx(self, kit: Kit, item: Item) -> bytes:
        values = dict(item.values)
        for row in item.rows:
            values |= {f"r{int(row[0]):02d}_{k}": v for k, v in zip(TALK_COLUMNS, row, strict=True)}
        html = with_values(talk_plan_html(kit.ctx, max(len(item.rows), 1)), values)
        return html_form_docx(html, f"{kit.ctx.label}{TALK_TITLE}", epoch=kit.epoch)


# A form's `pack:` in its form.yml names its role; a form without one is filled with the unit's name only.
ROLES: dict[str | None, Role] = {
    None: Role(),
    "ballot": Ballot(),
    "register": Registers(),
    "statistics": Statistics(),
    "sign-in-members": SignIn("members"),
    "sign-in-committee": SignIn("committee"),
    "sign-in-groups": SignIn("groups"),
}
TALKS = TalkPlanRole()


@dataclass(frozen=True)
class Entry:
    """One place in the pack's order: a form and its role, or the talk plan (no form)."""

    role: Role
    form: Form | None

    @property
    def key(self) -> str:
        """The layout's key: the form's id, or the talk plan's."""
        return self.form.id if self.form else TALK_PLAN


def pack_entries(forms: Mapping[str, Form]) -> list[Entry]:
    """Forms in the order of the procedure (their first step), the talk plan before the talks step's forms."""
    order = list(forms.values())
    items = sorted(order, key=lambda f: (STEP_KEYS.index(f.steps[0]), order.index(f)))
    talks_at = next((i for i, f in enumerate(items) if f.steps[0] == "talks"), len(items))
    entries = [Entry(ROLES[f.pack], f) for f in items]
    return [*entries[:talks_at], Entry(TALKS, None), *entries[talks_at:]]


def unit_items(entries: list[Entry] | tuple[Entry, ...], uv: UnitValues) -> list[Item]:
    """Every document of a unit's pack, in pack order: what both writers make files of."""
    return [item for n, e in enumerate(entries, start=1) for item in e.role.items(n, e.form, uv)]


# ---------------------------------------------------------------------------------------------- the kit


@dataclass(frozen=True)
class Kit:
    """An edition's layouts for a batch, the overlay font and the PDF writer: everything a unit's pack
    needs besides the unit, built whole by build_kit."""

    ctx: YearContext
    entries: tuple[Entry, ...]
    layouts: Mapping[str, Layout]
    font: OverlayFont
    writer: Writer
    epoch: int
    formats: tuple[str, ...] = ("pdf", "docx")
    # Page numbers drawn under list pages, by orientation ("portrait", "landscape").
    numbers: Mapping[str, Layout] = field(default_factory=dict)
    # Word files converted once per form and filled per member (the 登记表), made as they are first needed.
    filled: dict[str, FilledForms] = field(default_factory=dict, compare=False)

    def numbers_for(self, layout: Layout) -> Layout:
        """The page-number pages for a list layout's pages (by its orientation)."""
        x0, y0, x1, y1 = layout.mediabox(0)
        return self.numbers["landscape" if x1 - x0 > y1 - y0 else "portrait"]

    @property
    def ballot(self) -> Form:
        """The member ballot (its grades name the starter tally's counts and the first item the cap)."""
        return next(e.form for e in self.entries if isinstance(e.role, Ballot))


def build_kit(
    ctx: YearContext, *, sizes: Sizes, chars: set[str],
    formats: tuple[str, ...] = ("pdf", "docx"), say=lambda _: None,
) -> Kit:
    """Render every layout of the pack once (cached across runs), the page numbers its longest list needs
    (`sizes`) and the overlay font for `chars`."""
    forms = all_forms()
    entries = pack_entries(forms)
    layouts: dict[str, Layout] = {}
    pages = {"portrait": 1}
    for e in [*(Entry(ROLES[f.pack], f) for f in forms.values()), Entry(TALKS, None)]:
        t0 = time.perf_counter()
        layouts[e.key] = layout = e.role.layout(e.form, ctx)
        rows = e.role.list_rows(e.form, sizes)
        if rows:
            orientation = e.form.print.orientation if e.form else "portrait"
            pages[orientation] = max(pages.get(orientation, 1), len(list_plan(layout, rows)))
        say(f"  已排版 {e.form.title if e.form else TALK_TITLE}（{time.perf_counter() - t0:.1f} 秒）")
    numbers = {
        o: background_layout(f"page-numbers-{o}", page_numbers_document(o, _rounded(n, NUMBERS_ROUND)))
        for o, n in sorted(pages.items())
    }
    fixed = "0123456789" + "".join(f"{ctx.label}{TALK_TITLE}")
    font = build_font(set(chars) | set(fixed))
    epoch = source_date_epoch()
    writer = Writer(font, title=f"{ctx.label}组织生活会和民主评议党员表格", epoch=epoch)
    return Kit(ctx, tuple(entries), layouts, font, writer, epoch, formats, numbers=numbers)


def _rounded(n: int, step: int) -> int:
    return max(step, math.ceil(n / step) * step)


# ---------------------------------------------------------------------------------------------- writing


def _check_glyphs(kit: Kit, src: UnitSource, uv: UnitValues) -> None:
    """Refuse text the form font cannot draw, naming the member and the roster row (or the unit file)."""
    errors: list[InputError] = []
    miss = kit.font.missing(uv.branch)
    if miss:
        errors.append(
            PackError(src.unit_file or src.roster, _missing_msg("党支部名称", uv.branch, miss, FONT_FAMILY))
        )
    names = labels(uv.members)
    for m in uv.members:
        # Only what is drawn: the label (with 党小组 and 出生年月 for namesakes) and the 职务.
        for column, text in (("姓名", names[m.row]), ("职务", m.position)):
            miss = kit.font.missing(text or "")
            if miss:
                msg = _missing_msg(f"党员“{m.name}”的{column}", text, miss, FONT_FAMILY)
                errors.append(RosterError(src.roster, msg, row=m.row, column=column))
                break
    if errors:
        raise InputErrors(errors)


def _missing_msg(what: str, text: str, miss: list[str], family: str) -> str:
    chars = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in miss)
    return f"{what}“{text}”中有表格字体 {family} 没有的字 {chars}，无法打印；请改用通用写法或补充字体后再生成"


def starter_json(kit: Kit, uv: UnitValues) -> str:
    """The starter tally as the file the pack writes (grades in the member ballot's order)."""
    grades = [it.text for it in next(f for f in kit.ballot.fields if f.type == "ballot").items]
    data = starter_tally(kit.ctx.year, uv.branch, uv.members, grades)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _first_item(kit: Kit) -> str:
    return next(f for f in kit.ballot.fields if f.type == "ballot").items[0].text


def claim_pack(out: Path, src: UnitSource):
    """The unit's output folder (handbook.outputs): no input in it, not in a site, only an earlier pack."""
    earlier = (Path(out) / PACK_FILE).is_file() or (Path(out) / SINGLES).is_dir()
    return claim_folder(
        out,
        "handbook pack",
        inputs={"名册": src.roster, "单位信息": src.unit_file},
        # A pack from before the manifest: its own files only.
        earlier=lambda rel: earlier and (rel in (PACK_FILE, TALLY_FILE) or rel.startswith(f"{SINGLES}/")),
    )


# Progress within one unit: (documents done, documents in all).
Step = Callable[[int, int], None]


def write_unit(kit: Kit, src: UnitSource, out: Path, step: Step | None = None) -> tuple[int, list[str]]:
    """Write one unit's pack into `out`, atomically; returns (pages in the pack, warnings)."""
    target = claim_pack(out, src)
    unit, members, warns = _load(src)
    uv = unit_values(src.key, unit, members, _first_item(kit))
    _check_glyphs(kit, src, uv)
    items = unit_items(kit.entries, uv)
    total = len(items) * (("pdf" in kit.formats) + ("docx" in kit.formats)) or 1
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if step:
            step(done, total)

    pages_of: list[list[PageSpec]] = []
    title = f"{kit.ctx.label}组织生活会和民主评议党员表格" + (f"（{uv.branch}）" if uv.branch else "")
    with target.writing() as tmp:
        if "pdf" in kit.formats:
            for item in items:
                pages = item.role.pages(kit, item)
                pages_of.append(pages)
                data = kit.writer.pdf_bytes(pages, f"{kit.ctx.label}{item.title}")
                _write(tmp / f"{item.stem}.pdf", data)
                tick()
            (tmp / PACK_FILE).write_bytes(kit.writer.pdf_bytes([p for ps in pages_of for p in ps], title))
        if "docx" in kit.formats:
            for item in items:
                _write(tmp / f"{item.stem}.docx", item.role.docx(kit, item))
                tick()
        (tmp / TALLY_FILE).write_text(starter_json(kit, uv), encoding="utf-8")
    return (sum(map(len, pages_of)) if pages_of else _page_count(kit, items)), warns


def _page_count(kit: Kit, items: list[Item]) -> int:
    """Pages of the PDF pack (also reported when only Word files are written)."""
    return sum(len(item.role.pages(kit, item)) for item in items)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# ---------------------------------------------------------------------------------------------- batches


@dataclass
class Outcome:
    """What happened to one unit."""

    key: str
    out: Path | None
    pages: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, InputErrors):
        return "；".join(str(e) for e in exc.errors)
    if isinstance(exc, OSError):
        return str(os_message(exc))
    return str(exc) or type(exc).__name__


def _listed(sheet: dict[str, str]) -> int:
    """The last row a sign-in sheet lists a person in (rows past 99 are r100, r101…)."""
    return max((int(m.group(1)) for k in sheet if (m := re.fullmatch(r"r(\d+)_name", k))), default=0)


@dataclass
class Survey:
    """What the first pass over a batch's rosters found."""

    chars: set[str]  # every character the packs will draw
    sizes: Sizes  # the longest lists
    failed: dict[str, str]  # units that fail to read, with the reason


def survey(units: list[UnitSource], ballot_item: str = "优秀") -> Survey:
    """First pass: the characters, the largest roster and talk plan, the longest list of each sign-in kind,
    and the units that fail to read."""
    chars: set[str] = set()
    most_members = most_talks = 0
    lists = dict.fromkeys(("committee", "groups"), 0)
    failed: dict[str, str] = {}
    for src in units:
        try:
            unit, members, _ = _load(src)
            uv = unit_values(src.key, unit, members, ballot_item)
        except (InputError, InputErrors) as exc:
            failed[src.key] = _error_text(exc)
            continue
        chars.update("".join(uv.strings()))
        most_members = max(most_members, len(uv.ballot_rows))
        most_talks = max(most_talks, len(uv.talk_rows))
        for who in lists:
            sheets = uv.signin.get(f"sign-in-{who}") or []
            lists[who] = max([lists[who], *map(_listed, sheets)])
    return Survey(chars, Sizes(most_members, most_talks, lists), failed)


def _work(kit: Kit, job: tuple[UnitSource, Path], step: Step | None = None) -> Outcome:
    src, out = job
    try:
        pages, warns = write_unit(kit, src, out, step)
        return Outcome(src.key, out, pages, None, warns)
    except (InputError, InputErrors, OSError) as exc:
        return Outcome(src.key, None, 0, _error_text(exc))
    except Exception as exc:  # one unit's unexpected failure must not stop the others
        return Outcome(src.key, None, 0, f"程序内部错误（{type(exc).__name__}：{str(exc)[:200]}）")


def _worker(kit: Kit, jobs, results) -> None:
    """A forked worker: the kit (layouts, font) comes with the fork, never pickled; jobs until None."""
    for job in iter(jobs.get, None):
        results.put(_work(kit, job))


def _forked(kit: Kit, jobs: list[tuple[UnitSource, Path]], workers: int):
    """Outcomes of `jobs` as `workers` forked processes finish them."""
    ctx = mp.get_context("fork")
    todo, done = ctx.Queue(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(kit, todo, done), daemon=True) for _ in range(workers)]
    for p in procs:
        p.start()
    try:
        for job in jobs:
            todo.put(job)
        for _ in procs:
            todo.put(None)
        for _ in jobs:
            while True:
                try:
                    yield done.get(timeout=5)
                    break
                except queue.Empty:
                    # A worker killed from outside (out of memory) sends nothing: do not wait forever.
                    if not any(p.is_alive() for p in procs):
                        raise RuntimeError("表格包的工作进程意外退出（内存不足？）") from None
        for p in procs:
            p.join()
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()


def run_batch(
    units: list[UnitSource],
    out_for,
    *,
    year: int | None = None,
    workers: int | None = None,
    say=lambda _: None,
    timings: dict | None = None,
    formats: tuple[str, ...] = ("pdf", "docx"),
) -> list[Outcome]:
    """Make a pack for every unit; one unit's failure is recorded and the others go on. A single unit takes
    the same path (layouts once, pages drawn on them). Progress goes to `say` only, in stages, then the
    documents (one unit) or units (a batch) done by tenths."""
    ctx = year_context(year)
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    say(f"正在读取{len(units)}个单位的名册……" if len(units) > 1 else "正在读取名册……")
    found = survey(units)
    t1 = time.perf_counter()
    say(f"名册已读完（最多{found.sizes.members}名党员）；正在排版各表格（每种只排一次，首次较慢）……")
    kit = build_kit(ctx, sizes=found.sizes, chars=found.chars, formats=formats, say=say)
    t2 = time.perf_counter()
    timings |= {"survey": t1 - t0, "layouts": t2 - t1}
    say(f"排版完成（{t2 - t1:.0f} 秒）；正在填写并保存文件……")
    jobs = [(src, Path(out_for(src))) for src in units if src.key not in found.failed]
    outcomes = [Outcome(k, None, 0, e) for k, e in found.failed.items()]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1, len(jobs))
    if len(jobs) == 1:
        outcomes.append(_work(kit, jobs[0], _tenths(say, "已写文件 {done}/{total} 份")))
    else:
        step = _tenths(say, "表格包：已完成 {done}/{total} 个单位")
        finished = _forked(kit, jobs, workers) if workers > 1 else (_work(kit, j) for j in jobs)
        for n, res in enumerate(finished, start=1):
            outcomes.append(res)
            step(n, len(jobs))
    timings["units"] = time.perf_counter() - t2
    order = {src.key: i for i, src in enumerate(units)}
    return sorted(outcomes, key=lambda o: order.get(o.key, -1))


def _tenths(say, line: str) -> Step:
    """A progress step that says `line` (with {done} and {total}) each time another tenth is done."""
    said = 0

    def step(done: int, total: int) -> None:
        nonlocal said
        tenth = done * 10 // max(total, 1)
        if tenth > said:
            said = tenth
            say(line.format(done=done, total=total))

    return step


def summary(outcomes: list[Outcome]) -> list[str]:
    """Closing lines for the terminal, in Chinese."""
    ok = [o for o in outcomes if not o.error]
    bad = [o for o in outcomes if o.error]
    lines = [f"已写入 {len(ok)} 个单位的表格包，共 {sum(o.pages for o in ok)} 页；失败 {len(bad)} 个。"]
    for o in ok:
        lines.append(f"  ✓ {o.key}：{o.pages} 页 → {o.out}")
        lines += [f"    注意：{w}" for w in o.warnings]
    for o in bad:
        lines.append(f"  ✗ {o.key}：{o.error}")
    return lines
