"""Pre-filled form packs (`handbook pack`): every form of an edition, filled from a unit's roster and profile.

A pack for one unit holds the member ballot listing every member (预备党员 listed, not graded, with the
one-third cap as a number), the committee ballot, one 民主评议党员登记表 per member with the personal
fields filled, a 谈心谈话安排表 with the pairings the procedure asks for, the statistics form with the
counts the roster gives, the sign-in sheets listing who should attend (the 党员大会's with the 正式/预备党员
counts its quorum sentence needs, one 党小组会 sheet per 党小组), a starter file for the 计票 page
(计票名单.json), and the edition's other forms blank. Fields of the unit (党支部) stay blank for
handwriting when there is no unit profile. Output: one PDF for the whole pack and a folder of single PDFs.

Speed: WeasyPrint renders each layout once per edition and batch (macros.overlay); each unit's pages are
copies of those backgrounds with the values drawn on top, so a batch of hundreds of units takes minutes.

How talk pairings are made from the roster: handbook.model.talks (secretary first, 支委之间 and 支委与党员
at least once, members within their 党小组, a small balanced ring for a branch without groups; 流动党员 by
phone).
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ..epoch import source_date_epoch
from ..errors import InputError, InputErrors
from ..limits import os_message
from ..model.editions import STEP_KEYS, select, snapshot
from ..model.forms import all_forms, ballot_cap
from ..model.roster import Member, RosterError, labels, read_roster
from ..model.talks import TalkPlan, committee_of
from ..model.talks import talk_plan as plan_talks
from ..model.tally import KIND as TALLY_KIND
from ..model.tally import VERSION as TALLY_VERSION
from ..model.unit import Unit, load_unit
from ..office.forms_docx import form_docx, html_form_docx, with_values
from ..outputs import claim_folder
from ..pdf.fonts import covered_codepoints
from ..pdf.overlay import FONT_FAMILY, Canvas, Writer, build_font, build_layout
from ..render.forms import form_document
from ..render.talkplan import TALK_TITLE, talk_plan_html

PACK_FILE = "全套表格.pdf"
SINGLES = "分表"
REGISTERS = "民主评议党员登记表"
TALK_PLAN = "talk-plan"
# Round list templates up so that batches of similar size share one cached WeasyPrint rendering.
BALLOT_ROUND = 20
TALK_ROUND = 50


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


# ---------------------------------------------------------------------------------------------- talks


def _committee(members: list[Member], unit) -> tuple[Member | None, list[Member]]:
    """The 书记 and all 支委 in order (书记, 副书记, 委员), from the roster and the unit profile."""
    return committee_of(members, unit.secretary, unit.deputy, unit.members)


def talk_plan(members: list[Member], unit) -> TalkPlan:
    """The suggested pairings, secretary first (rules and sources: handbook.model.talks)."""
    return plan_talks(members, unit.secretary, unit.deputy, unit.members)


# ---------------------------------------------------------------------------------------------- values


@dataclass
class Register:
    """One member's 登记表: the values to draw and the single file's name."""

    member: Member
    label: str
    values: dict[str, str]


@dataclass
class UnitValues:
    """Every string a unit's pack draws (computed before any drawing, so a batch knows its characters)."""

    key: str
    branch: str
    cap_text: str
    ballot_rows: list[tuple[str, str, bool]]  # 序号, label, 预备党员
    registers: list[Register]
    talk_summary: str
    talk_rows: list[tuple[str, str, str, str, str]]
    stats: dict[str, str]
    members: list[Member] = field(repr=False, default_factory=list)
    warnings: list[str] = field(default_factory=list)
    signin: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def strings(self) -> list[str]:
        """All the text the overlay will draw."""
        out = [self.branch, self.cap_text, self.talk_summary, "不评定等次"]
        out += [v for sheets in self.signin.values() for sheet in sheets for v in sheet.values()]
        out += [s for row in self.ballot_rows for s in row[:2]]
        out += [v for r in self.registers for v in r.values.values()]
        out += [s for row in self.talk_rows for s in row]
        out += list(self.stats.values())
        return out


def _day_parts(prefix: str, day, parts: str) -> dict[str, str]:
    if day is None:
        return {}
    out = {f"{prefix}_y": str(day.year), f"{prefix}_m": str(day.month)}
    if parts == "ymd" and day.day:
        out[f"{prefix}_d"] = str(day.day)
    return out


def unit_values(key: str, unit, members: list[Member], ballot_item: str) -> UnitValues:
    """The pack's values for one unit."""

    names = labels(members)
    branch = unit.branch or ""
    total, cap = ballot_cap([{"category": m.category} for m in members])
    # The same words as the ballot template (fields.html.j2): the register's rules, the base named.
    common = snapshot()[0]
    cap_text = (
        f"供参考：{common.rule('excellent-cap-short').text}按党员总数{total}人计，约为{cap}人。"
        f"{common.rule('probationary').text}"
    )
    # A 预备党员's row is rated unless the superior's ballot leaves it out (the unit's profile says so).
    leave_out = getattr(unit, "ballot_probationary", None) == "不勾选"
    ballot_rows = [
        (str(i), names[m.row] + ("（预备党员）" if m.probationary else ""), m.probationary and leave_out)
        for i, m in enumerate(members, start=1)
    ]
    registers = []
    for m in members:
        values = {"branch": branch, "name": m.name, "gender": m.gender or "", "category": m.category}
        values |= {"ethnicity": m.ethnicity or "", "education": m.education or "", "remarks": m.remarks or ""}
        values["position"] = m.position or ""
        values |= _day_parts("birth", m.birth, "ym") | _day_parts("joined", m.joined, "ymd")
        registers.append(Register(m, names[m.row], {k: v for k, v in values.items() if v}))
    plan = talk_plan(members, unit)
    secretary, committee, talks = plan.secretary, plan.committee, plan.talks
    talk_rows = [
        (str(i), names[t.a.row], names[t.b.row], t.kind, t.way) for i, t in enumerate(talks, start=1)
    ]
    mobile = sum(m.mobile for m in members)
    parts = [f"本支部党员{len(members)}名"]
    if committee:
        who = f"书记{names[secretary.row]}" if secretary else "名册和单位信息中未标明书记"
        parts.append(f"支部委员{len(committee)}名（{who}）")
    else:
        parts.append("名册和单位信息中未标明支部委员（请在名册“支部职务”或“职务”列注明书记、副书记、组织委员等）")
    if mobile:
        parts.append(f"流动党员{mobile}名（电话、网络谈）")
    most = max(plan.per_member().values(), default=0)
    summary = (
        "，".join(parts) + f"。{plan.how()}。每名支委至少与其他支委和分到的党员各谈一次，"
        f"每名党员至少与一名支委谈；共安排谈心谈话{len(talks)}次，每人最多{most}次。"
    )
    stats = {"branch": branch, "members_total": str(len(members))}
    stats["probationary"] = str(sum(m.probationary for m in members))
    uv = UnitValues(
        key, branch, cap_text, ballot_rows, registers, summary, talk_rows, stats, members=list(members)
    )
    uv.signin = signin_values(members, committee, branch)
    return uv


# ---------------------------------------------------------------------------------------------- layouts


@dataclass
class Kit:
    """An edition's layouts for a batch, the overlay font and the PDF writer."""

    edition: object
    forms: list  # Form models in pack order, plus the talk plan marker
    layouts: dict[str, object]
    font: object
    writer: object
    common: object = None  # set by run_batch: the Word files render the forms again
    formats: tuple[str, ...] = ("pdf", "docx")


def _sized_form(form, **rows):
    """The form with its ballot field showing `rows` blank rows."""
    fields = [f.model_copy(update={"rows": rows["ballot"]}) if f.type == "ballot" else f for f in form.fields]
    return form.model_copy(update={"fields": fields})


def _ballot_html(form, edition, common, rows: int) -> str:
    """The blank ballot with `rows` rows whose 序号 and the cap sentence are fields to draw into."""
    return form_document(_sized_form(form, ballot=rows), edition, common, overlay=True)


def pack_forms(forms: dict) -> list:
    """Forms in the order of the procedure (their first step), the talk plan before the talks step's forms."""

    order = list(forms.values())
    items = sorted(order, key=lambda f: (STEP_KEYS.index(f.steps[0]), order.index(f)))
    talks_at = next((i for i, f in enumerate(items) if f.steps[0] == "talks"), len(items))
    return [*items[:talks_at], TALK_PLAN, *items[talks_at:]]


def _states(form) -> dict[str, list[str]]:
    """Radio values in document order for each radio input name of the blank form."""
    out: dict[str, list[str]] = {}
    for f in form.fields:
        values = [it.value for it in f.items]
        if f.type == "radio":
            out[f.name] = values
        elif f.type == "grid":
            out |= {f"{f.name}_{r.value}": values for r in f.row_items}
    return out


def build_kit(edition, common, *, members: int, talks: int, chars: set[str], say=lambda _: None) -> Kit:
    """Render every layout of the pack once (cached across runs) and the overlay font for `chars`."""

    forms = all_forms()
    ballot_rows = max(BALLOT_ROUND, math.ceil(members / BALLOT_ROUND) * BALLOT_ROUND)
    talk_rows = max(TALK_ROUND, math.ceil(talks / TALK_ROUND) * TALK_ROUND)
    layouts = {}
    for form in forms.values():
        t0 = time.perf_counter()
        if form.id in SIGNIN_FORMS:
            html = form_document(signin_sized(form, ballot_rows), edition, common)
            states = _states(form)
        elif form.id == "member-ballot":
            html = _ballot_html(form, edition, common, ballot_rows)
            grade = next(f for f in form.fields if f.type == "ballot")
            states = {
                f"r{i:02d}_{grade.name}": [it.value for it in grade.items] for i in range(1, ballot_rows + 1)
            }
        else:
            html = form_document(form, edition, common)
            states = _states(form)
        layouts[form.id] = build_layout(form.id, html, font_size=form.print.font_size, states=states)
        say(f"版式 {form.title}：{time.perf_counter() - t0:.1f} s")
    layouts[TALK_PLAN] = build_layout(TALK_PLAN, talk_plan_html(edition, common, talk_rows), font_size=10.5)
    fixed = "0123456789" + "".join(f"{edition.label}{TALK_TITLE}")
    font = build_font(set(chars) | set(fixed))
    writer = Writer(font, title=f"{edition.label}组织生活会和民主评议党员表格", epoch=source_date_epoch())
    return Kit(edition, pack_forms(forms), layouts, font, writer)


# ---------------------------------------------------------------------------------------------- drawing


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


def _cell(rect, pad_x: float, pad_y: float):
    x0, y0, x1, y1 = rect
    return (x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y)


def _draw_values(canvas, layout, values: dict[str, str], page: int) -> None:
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


def _simple(kit: Kit, key: str, values: dict[str, str]) -> list:

    layout = kit.layouts[key]
    pages = []
    for p in range(layout.n_pages):
        c = Canvas(kit.font)
        _draw_values(c, layout, values, p)
        pages.append(c.page(layout, p))
    return pages


def _list_pages(kit: Kit, key: str, rows: list[tuple], cols: list[str], head: dict[str, str], special=None):
    """A list layout (ballot, talk plan) filled with `rows`; unused rows of the last page are painted out."""

    layout = kit.layouts[key]
    w = layout.widgets
    n = len(rows)
    last_page = w[f"r{max(n, 1):02d}_no"][0].page
    pages = []
    for p in range(last_page + 1):
        c = Canvas(kit.font)
        _draw_values(c, layout, head, p)
        on_page = _rows_by_page(layout).get(p, [])
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


def _rows_by_page(layout) -> dict[int, list[int]]:
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


def _ballot_special(kit: Kit):
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
        c.fit((x0, y0, x1, y1), "不评定等次", layout.font_size, align="center", lines=1)

    return draw


@dataclass
class Doc:
    """One document of the pack: its single file (relative path) and pages."""

    path: str
    title: str
    pages: list


def _safe(name: str) -> str:
    """A file name from a label: path separators and characters Windows refuses become ＿; at most 60
    characters (180 bytes in UTF-8), within every file system's 255-byte limit."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "＿", name)[:60].strip(". ") or "＿"


def unit_docs(kit: Kit, uv: UnitValues) -> list[Doc]:
    """Every document of a unit's pack, in pack order."""
    docs: list[Doc] = []
    n = 0
    for form in kit.forms:
        n += 1
        if isinstance(form, str):
            head = {"branch": uv.branch, "pack_summary": uv.talk_summary}
            pages = _list_pages(kit, TALK_PLAN, uv.talk_rows, ["no", "a", "b", "kind", "way"], head)
            docs.append(Doc(f"{SINGLES}/{n:02d}-{TALK_TITLE}.pdf", TALK_TITLE, pages))
            continue
        if form.id == "member-register":
            for j, reg in enumerate(uv.registers, start=1):
                path = f"{SINGLES}/{n:02d}-{REGISTERS}/{j:02d}-{_safe(reg.label)}.pdf"
                docs.append(Doc(path, f"{form.title}（{reg.label}）", _simple(kit, form.id, reg.values)))
            continue
        if form.id in SIGNIN_FORMS:
            docs += signin_docs(kit, form, uv, n)
            continue
        values = {f.name: uv.branch for f in form.fields if f.prefill == "unit_branch"}
        if form.id == "member-ballot":
            head = values | {"pack_cap": uv.cap_text}
            full = [(no, label, prob) for no, label, prob in uv.ballot_rows]
            pages = _list_pages(kit, form.id, full, ["no", "name"], head, _ballot_special(kit))
        else:
            if form.id == "statistics":
                values |= uv.stats
            pages = _simple(kit, form.id, values)
        docs.append(Doc(f"{SINGLES}/{n:02d}-{form.title}.pdf", form.title, pages))
    return docs


# ------------------------------------------------------------------------------------------- sign-in, tally

SIGNIN_FORMS = ("sign-in-committee", "sign-in-general", "sign-in-group")
TALLY_FILE = "计票名单.json"


def _signin_rows(people: list[Member], names: dict[int, str]) -> dict[str, str]:
    """One sign-in row per person: name (as on the ballot), 党小组, 类别; signature and reason stay blank."""
    out: dict[str, str] = {}
    for i, m in enumerate(people, start=1):
        out |= {
            f"r{i:02d}_name": names[m.row],
            f"r{i:02d}_group": m.group or "",
            f"r{i:02d}_category": m.category,
        }
    return {k: v for k, v in out.items() if v}


def signin_values(
    members: list[Member], committee: list[Member], branch: str
) -> dict[str, list[dict[str, str]]]:
    """Each sign-in sheet's values (one sheet per 党小组) from the roster; an empty sheet has blank rows."""
    names = labels(members)
    head = {"branch": branch} if branch else {}
    full = sum(not m.probationary for m in members)
    general = head | _signin_rows(members, names)
    general |= {"expected_full": str(full), "expected_probationary": str(len(members) - full)}
    # 有表决权: 正式党员 minus those under 留党察看 (a roster column).
    general["voting_expected"] = str(sum(m.voting for m in members))
    board = head | (
        _signin_rows(committee, names) | {"attendance_expected": str(len(committee))} if committee else {}
    )
    groups: dict[str, list[Member]] = {}
    for m in members:
        if m.group:
            groups.setdefault(m.group, []).append(m)
    sheets = [
        head | _signin_rows(people, names) | {"group_name": g, "attendance_expected": str(len(people))}
        for g, people in groups.items()
    ]
    return {"sign-in-general": [general], "sign-in-committee": [board], "sign-in-group": sheets or [head]}


def signin_sized(form, rows: int):
    """The sign-in form with at least `rows` rows in its table (a batch's largest roster)."""
    fields = [
        f.model_copy(update={"rows": max(f.rows, rows)}) if f.type == "table" else f for f in form.fields
    ]
    return form.model_copy(update={"fields": fields})


def signin_docs(kit: Kit, form, uv: UnitValues, n: int) -> list[Doc]:
    """A unit's sign-in sheets of one kind: pages up to the last listed person (or the form's own rows)."""
    sheets = uv.signin.get(form.id) or [{}]
    table = next(f for f in form.fields if f.type == "table")
    layout = kit.layouts[form.id]
    docs = []
    for j, values in enumerate(sheets, start=1):
        listed = [int(k[1:3]) for k in values if re.fullmatch(r"r\d{2}_name", k)]
        last = max(listed) if listed else table.rows
        # Pages past the one holding the last listed row would be blank rows only.
        pages = _simple(kit, form.id, values)[: layout.widgets[f"r{last:02d}_name"][0].page + 1]
        group = values.get("group_name")
        if len(sheets) > 1:
            path = f"{SINGLES}/{n:02d}-{form.title}/{j:02d}-{_safe(group or str(j))}.pdf"
        else:
            path = f"{SINGLES}/{n:02d}-{form.title}.pdf"
        docs.append(Doc(path, form.title + (f"（{group}）" if group else ""), pages))
    return docs


def starter_tally(year: int, branch: str, members: list[Member], grades: list[str]) -> dict:
    """The 计票 page's starting file (TALLY.md format): the ballot's names, zero counts, 预备党员 flagged."""
    names = labels(members)
    return {
        "kind": TALLY_KIND,
        "version": TALLY_VERSION,
        "edition": year,
        "branch": branch,
        "ballots": {"issued": None, "returned": None, "valid": None},
        "members": [
            {
                "name": names[m.row],
                "probationary": m.probationary,
                "counts": dict.fromkeys(grades, 0),
                "proposal": None,
                "decided": None,
                "note": "",
            }
            for m in members
        ],
    }


def starter_json(kit: Kit, uv: UnitValues) -> str:
    """The starter tally as the file the pack writes (grades in the member ballot's order)."""
    form = next(f for f in kit.forms if not isinstance(f, str) and f.id == "member-ballot")
    grades = [it.text for it in next(f for f in form.fields if f.type == "ballot").items]
    data = starter_tally(kit.edition.year, uv.branch, uv.members, grades)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------------------------- writing


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


def write_unit(kit: Kit, src: UnitSource, out: Path) -> tuple[int, list[str]]:
    """Write one unit's pack into `out`, atomically; returns (pages in the pack, warnings)."""
    target = claim_pack(out, src)
    unit, members, warns = _load(src)
    uv = unit_values(src.key, unit, members, _first_item(kit))
    _check_glyphs(kit, src, uv)
    docs = unit_docs(kit, uv)
    with target.writing() as tmp:
        title = f"{kit.edition.label}组织生活会和民主评议党员表格" + (f"（{uv.branch}）" if uv.branch else "")
        all_pages = [p for d in docs for p in d.pages]
        if "pdf" in kit.formats:
            (tmp / PACK_FILE).write_bytes(kit.writer.pdf_bytes(all_pages, title))
            for d in docs:
                path = tmp / d.path
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(kit.writer.pdf_bytes(d.pages, f"{kit.edition.label}{d.title}"))
        if "docx" in kit.formats:
            write_office(tmp, kit, uv)
        (tmp / TALLY_FILE).write_text(starter_json(kit, uv), encoding="utf-8")
    return len(all_pages), warns


def unit_office_docs(kit: Kit, uv: UnitValues) -> list[tuple[str, bytes]]:
    """The pack as Word files, in pack order and named as the single PDFs: each form pre-filled."""
    edition, common, epoch = kit.edition, kit.common, source_date_epoch()
    names = labels(uv.members)
    out: list[tuple[str, bytes]] = []
    for n, form in enumerate(kit.forms, start=1):
        if isinstance(form, str):
            values = {"branch": uv.branch, "pack_summary": uv.talk_summary}
            cols = ("no", "a", "b", "kind", "way")
            for row in uv.talk_rows:
                values |= {f"r{int(row[0]):02d}_{k}": v for k, v in zip(cols, row, strict=True)}
            html = with_values(talk_plan_html(edition, common, max(len(uv.talk_rows), 1)), values)
            data = html_form_docx(html, f"{edition.label}{TALK_TITLE}", epoch=epoch)
            out.append((f"{SINGLES}/{n:02d}-{TALK_TITLE}.docx", data))
            continue
        if form.id == "member-register":
            for j, reg in enumerate(uv.registers, start=1):
                path = f"{SINGLES}/{n:02d}-{REGISTERS}/{j:02d}-{_safe(reg.label)}.docx"
                out.append((path, form_docx(form, edition, common, values=reg.values, epoch=epoch)))
            continue
        if form.id.startswith("sign-in-"):
            sheets = uv.signin.get(form.id) or [{}]
            for j, sheet in enumerate(sheets, start=1):
                listed = sum(1 for k in sheet if k.endswith("_name"))
                data = form_docx(signin_sized(form, listed), edition, common, values=sheet, epoch=epoch)
                name = f"{n:02d}-{form.title}"
                if len(sheets) > 1:
                    name += f"/{j:02d}-{_safe(sheet.get('group_name') or str(j))}"
                out.append((f"{SINGLES}/{name}.docx", data))
            continue
        values = {f.name: uv.branch for f in form.fields if f.prefill == "unit_branch"}
        members = None
        if form.id == "member-ballot":
            members = [{"name": names[m.row], "category": m.category} for m in uv.members]
        elif form.id == "statistics":
            values |= uv.stats
        data = form_docx(form, edition, common, values=values, members=members, epoch=epoch)
        out.append((f"{SINGLES}/{n:02d}-{form.title}.docx", data))
    return out


def write_office(folder: Path, kit: Kit, uv: UnitValues) -> None:
    """Write the pack's Word files next to its single PDFs."""
    for rel, data in unit_office_docs(kit, uv):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _first_item(kit: Kit) -> str:
    form = next(f for f in kit.forms if not isinstance(f, str) and f.id == "member-ballot")
    return next(f for f in form.fields if f.type == "ballot").items[0].text


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


def survey(units: list[UnitSource], ballot_item: str = "优秀") -> tuple[set[str], int, int, dict[str, str]]:
    """First pass: the characters, the largest roster and talk plan, and the units that fail to read."""
    chars: set[str] = set()
    most_members = most_talks = 0
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
    return chars, most_members, most_talks, failed


_KIT: Kit | None = None


def _work(job: tuple[UnitSource, Path]) -> Outcome:
    src, out = job
    try:
        pages, warns = write_unit(_KIT, src, out)
        return Outcome(src.key, out, pages, None, warns)
    except (InputError, InputErrors, OSError) as exc:
        return Outcome(src.key, None, 0, _error_text(exc))
    except Exception as exc:  # one unit's unexpected failure must not stop the others
        return Outcome(src.key, None, 0, f"程序内部错误（{type(exc).__name__}：{str(exc)[:200]}）")


def run_batch(
    units: list[UnitSource],
    out_for,
    *,
    year: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    say=lambda _: None,
    timings: dict | None = None,
    formats: tuple[str, ...] = ("pdf", "docx"),
) -> list[Outcome]:
    """Make a pack for every unit; one unit's failure is recorded and the others go on."""
    global _KIT

    common, edition, _ = select(year)
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    chars, most_members, most_talks, failed = survey(units)
    t1 = time.perf_counter()
    _KIT = build_kit(edition, common, members=most_members, talks=most_talks, chars=chars, say=say)
    _KIT.common, _KIT.formats = common, formats
    t2 = time.perf_counter()
    timings |= {"survey": t1 - t0, "layouts": t2 - t1}
    jobs = [(src, Path(out_for(src))) for src in units if src.key not in failed]
    outcomes = [Outcome(k, None, 0, e) for k, e in failed.items()]
    workers = workers if workers is not None else min(2, os.cpu_count() or 1, len(jobs))
    bar = None
    if progress:

        bar = tqdm(total=len(jobs), file=sys.stderr, unit="个单位", desc="表格包", leave=True)
    try:
        if workers > 1 and len(jobs) > 1:
            # Fork: the workers inherit the kit (layouts, font) instead of rebuilding or pickling it.
            with mp.get_context("fork").Pool(workers) as pool:
                for res in pool.imap_unordered(_work, jobs, chunksize=1):
                    outcomes.append(res)
                    if bar:
                        bar.update()
        else:
            for job in jobs:
                outcomes.append(_work(job))
                if bar:
                    bar.update()
    finally:
        if bar:
            bar.close()
    timings["units"] = time.perf_counter() - t2
    order = {src.key: i for i, src in enumerate(units)}
    return sorted(outcomes, key=lambda o: order.get(o.key, -1))


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
