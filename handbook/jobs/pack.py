"""Pre-filled form packs (`handbook pack`): every form of an edition, filled from a unit's roster and profile.

A pack for one unit holds the member ballot listing every member (预备党员 listed, not graded, with the
one-third cap as a number), the committee ballot, one 民主评议党员登记表 per member with the personal
fields filled, a 谈心谈话安排表 with the pairings the procedure asks for, the statistics form with the
counts the roster gives, and the edition's other forms blank. Fields of the unit (党支部) stay blank for
handwriting when there is no unit profile. Output: one PDF for the whole pack and a folder of single PDFs.

Speed: WeasyPrint renders each layout once per edition and batch (macros.overlay); each unit's pages are
copies of those backgrounds with the values drawn on top, so a batch of hundreds of units takes minutes.

How talk pairings are made from the roster (documented on the 安排表 itself):
- 支部委员: members whose 职务 contains 书记, 副书记 or 委员, plus the people the unit profile names as
  书记/副书记/委员 (the profile decides who the 书记 is when both give one);
- the 书记 talks first: with every other 支委, then with every member (S002 带头; S004 与支部委员、与党员);
- the other 支委 talk with each other (S000, S002, S003) and with the members of their own 党小组;
- members talk pairwise within their 党小组 (S004 按党小组; the whole branch when the roster has no groups);
- a pair with a 流动党员 is marked 电话、网络 (S002, S004).
"""

from __future__ import annotations

import itertools
import math
import multiprocessing as mp
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import escape
from tqdm import tqdm

from ..atomic import replacing_dir
from ..epoch import source_date_epoch
from ..errors import InputError, InputErrors
from ..model.editions import STEP_KEYS, select
from ..model.forms import all_forms, ballot_cap
from ..model.roster import Member, RosterError, labels, read_roster
from ..model.unit import Unit, load_unit
from ..pdf.fonts import covered_codepoints
from ..pdf.overlay import FONT_FAMILY, Canvas, Writer, build_font, build_layout
from ..render.forms import form_document, print_css

PACK_FILE = "全套表格.pdf"
SINGLES = "分表"
REGISTERS = "民主评议党员登记表"
TALK_PLAN = "talk-plan"
TALK_TITLE = "谈心谈话安排表"
# Round list templates up so that batches of similar size share one cached WeasyPrint rendering.
BALLOT_ROUND = 20
TALK_ROUND = 50
SOURCE_IDS = ("S000", "S002", "S003", "S004")


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


@dataclass(frozen=True)
class Talk:
    """One suggested talk: who, with whom, which rule asks for it, how."""

    a: Member
    b: Member
    kind: str
    way: str


def _committee(members: list[Member], unit) -> tuple[Member | None, list[Member]]:
    """The 书记 and all 支委 in order (书记, 副书记, 委员), from the roster's 职务 and the unit profile."""
    by_name: dict[str, list[Member]] = {}
    for m in members:
        by_name.setdefault(m.name, []).append(m)

    def named(name: str | None) -> Member | None:
        found = by_name.get(name or "", [])
        return found[0] if len(found) == 1 else None  # a namesake cannot be told apart by name alone

    def rank(m: Member) -> int | None:
        pos = m.position or ""
        if "副书记" in pos:
            return 1
        if "书记" in pos:
            return 0
        if "委员" in pos:
            return 2
        return None

    ranks: dict[int, int] = {m.row: r for m in members if (r := rank(m)) is not None}
    for person, r in ((named(unit.secretary), 0), (named(unit.deputy), 1)):
        if person is not None:
            ranks[person.row] = r
    for name in unit.members:
        person = named(name)
        if person is not None:
            ranks.setdefault(person.row, 2)
    secretary = named(unit.secretary)
    if secretary is None:
        secretary = next((m for m in members if ranks.get(m.row) == 0), None)
    committee = sorted((m for m in members if m.row in ranks), key=lambda m: (ranks[m.row], m.row))
    if secretary is not None:
        committee = [secretary] + [m for m in committee if m.row != secretary.row]
    return secretary, committee


def talk_plan(members: list[Member], unit) -> tuple[Member | None, list[Member], list[Talk]]:
    """The suggested pairings, secretary first (see the module docstring for the rules and sources)."""
    secretary, committee = _committee(members, unit)
    crow = {m.row for m in committee}
    others = [m for m in committee if secretary is None or m.row != secretary.row]
    plain = [m for m in members if m.row not in crow]

    def way(a: Member, b: Member) -> str:
        return "电话、网络" if a.mobile or b.mobile else "当面"

    talks: list[Talk] = []
    if secretary is not None:
        talks += [Talk(secretary, c, "书记与支委", way(secretary, c)) for c in others]
        talks += [Talk(secretary, m, "书记与党员", way(secretary, m)) for m in plain]
    talks += [Talk(a, b, "支委之间", way(a, b)) for a, b in itertools.combinations(others, 2)]
    for c in others:
        talks += [Talk(c, m, "支委与党员", way(c, m)) for m in plain if c.group and m.group == c.group]
    groups: dict[str, list[Member]] = {}
    for m in plain:
        groups.setdefault(m.group or "", []).append(m)
    for group in groups.values():
        talks += [Talk(a, b, "党员之间", way(a, b)) for a, b in itertools.combinations(group, 2)]
    return secretary, committee, talks


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

    def strings(self) -> list[str]:
        """All the text the overlay will draw."""
        out = [self.branch, self.cap_text, self.talk_summary, "不评定等次"]
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
    graded, cap = ballot_cap([{"category": m.category} for m in members])
    cap_text = (
        f"本支部参加等次评定的党员共{graded}人，评为“{ballot_item}”的一般不超过三分之一，即最多{cap}人。"
        "预备党员参加测评，但不评定等次。"
    )
    ballot_rows = [
        (str(i), names[m.row] + ("（预备党员）" if m.probationary else ""), m.probationary)
        for i, m in enumerate(members, start=1)
    ]
    registers = []
    for m in members:
        values = {"branch": branch, "name": m.name, "gender": m.gender or "", "category": m.category}
        values["position"] = m.position or ""
        values |= _day_parts("birth", m.birth, "ym") | _day_parts("joined", m.joined, "ymd")
        registers.append(Register(m, names[m.row], {k: v for k, v in values.items() if v}))
    secretary, committee, talks = talk_plan(members, unit)
    talk_rows = [
        (str(i), names[t.a.row], names[t.b.row], t.kind, t.way) for i, t in enumerate(talks, start=1)
    ]
    mobile = sum(m.mobile for m in members)
    parts = [f"本支部党员{len(members)}名"]
    if committee:
        who = f"书记{names[secretary.row]}" if secretary else "名册和单位信息中未标明书记"
        parts.append(f"支部委员{len(committee)}名（{who}）")
    else:
        parts.append("名册和单位信息中未标明支部委员（请在名册“职务”列注明书记、副书记、委员）")
    if mobile:
        parts.append(f"流动党员{mobile}名")
    summary = "，".join(parts) + f"；按上述规则共安排谈心谈话{len(talks)}对。"
    stats = {"branch": branch, "members_total": str(len(members))}
    stats["probationary"] = str(sum(m.probationary for m in members))
    return UnitValues(
        key, branch, cap_text, ballot_rows, registers, summary, talk_rows, stats, members=list(members)
    )


# ---------------------------------------------------------------------------------------------- layouts


@dataclass
class Kit:
    """An edition's layouts for a batch, the overlay font and the PDF writer."""

    edition: object
    forms: list  # Form models in pack order, plus the talk plan marker
    layouts: dict[str, object]
    font: object
    writer: object
    ballot_rows: int
    talk_rows: int


def _sized_form(form, **rows):
    """The form with its ballot field showing `rows` blank rows."""
    fields = [f.model_copy(update={"rows": rows["ballot"]}) if f.type == "ballot" else f for f in form.fields]
    return form.model_copy(update={"fields": fields})


def _ballot_html(form, edition, common, rows: int) -> str:
    """The blank ballot with `rows` rows whose 序号 and the cap sentence become fields to draw into."""

    html = form_document(_sized_form(form, ballot=rows), edition, common)
    counter = itertools.count(1)
    html = re.sub(
        r'<td class="zf-no">\d+</td>',
        lambda _: f'<td class="zf-no"><input type="text" class="zf-in" name="r{next(counter):02d}_no"></td>',
        html,
    )
    cap = (
        '<p class="zf-instr zf-cap" style="text-indent: 0"><textarea class="zf-in" name="pack_cap" '
        'style="display: block; width: 100%; height: 3.3em"></textarea></p>'
    )
    return re.sub(r'<p class="zf-instr zf-cap">.*?</p>', lambda _: cap, html, count=1, flags=re.S)


def talk_plan_html(edition, common, rows: int) -> str:
    """The 谈心谈话安排表 layout: fixed rules with their sources, a summary line and `rows` blank rows."""

    def src(*ids: str) -> str:
        return "（依据：" + "、".join(ids) + "）"

    rules = [
        "支委与支委、支委与党员、党员与党员之间都要普遍开展谈心谈话"
        + src("S000", "S002", "S003")
        + "。",
        "党支部书记带头谈心谈话"
        + src("S002")
        + "，与支部委员、与党员谈心"
        + src("S004")
        + "：本表把书记的谈话排在最前。",
        "党员较多的支部，党员之间可按党小组相互谈心" + src("S004") + "。",
        "对外出流动党员可通过电话、网络等方式谈心"
        + src("S002", "S004")
        + "；对困难党员、年老体弱党员要上门谈心"
        + src("S002")
        + "。",
        "本表由名册生成，只是建议：名册“职务”中含“书记”“副书记”“委员”的党员（以及单位信息中列出的书记、"
        "副书记、委员）作为支部委员；书记与每名支委、每名党员谈；其他支委之间相互谈，并与本党小组的党员谈；"
        "党员在本党小组内两两相谈（名册没有党小组的，全体党员两两相谈）。谈话对象、方式和先后由党支部根据实际调整。",
    ]
    sources = "；".join(f"{i}：{common.sources[i].title}" for i in SOURCE_IDS if i in common.sources)
    cols = [("no", "序号", None), ("a", "谈话人", 3), ("b", "谈话对象", 3), ("kind", "类别", 2)]
    cols += [("way", "方式（建议）", 2), ("note", "备注", 3)]
    total = sum(w for _, _, w in cols if w)
    colgroup = "".join(
        '<col class="zf-no">' if w is None else f'<col style="width: {w / total * 100:.1f}%">'
        for _, _, w in cols
    )
    head = "".join(f'<th scope="col">{escape(t)}</th>' for _, t, _ in cols)
    body = "".join(
        "<tr>"
        + "".join(
            ('<td class="zf-no">' if n == "no" else "<td>")
            + f'<input type="text" class="zf-in" name="r{i:02d}_{n}"></td>'
            for n, _, _ in cols
        )
        + "</tr>\n"
        for i in range(1, rows + 1)
    )
    rules_html = "".join(f"<li>{escape(r)}</li>" for r in rules)
    frag = (
        '<div class="zf zf-pdf zf-portrait" style="font-size: 10.5pt">'
        '<form class="zf-form" id="zf-talk-plan">'
        f'<div class="zf-head"><p class="zf-edition">{escape(edition.title)}</p>'
        f'<h2 class="zf-title">{escape(edition.label)}{TALK_TITLE}</h2>'
        '<p class="zf-line"><span class="zf-field"><span class="zf-label">党支部</span>'
        '<span class="zf-colon">：'
        '</span><input type="text" class="zf-in" name="branch"></span></p></div>'
        f'<ol class="zf-rules">{rules_html}</ol>'
        f'<p class="zf-sources">{escape(sources)}</p>'
        '<textarea class="zf-in" name="pack_summary" style="display: block; width: 100%; height: 3.3em">'
        "</textarea>"
        f'<table class="zf-list zf-talks"><colgroup>{colgroup}</colgroup><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></form></div>"
    )
    css = (
        ".zf-rules { margin: 0 0 1mm; padding-left: 2em; } .zf-rules li { margin: 0; }"
        " .zf-sources { font-size: 0.8em; color: #333; margin: 0 0 1mm; }"
        " .zf-talks col.zf-no { width: 12mm; }"
        " .zf-talks td > input.zf-in { display: block; width: 100%; height: 1.6em; }"
    )
    title = escape(f"{edition.label}{TALK_TITLE}")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{print_css()}{css}</style></head>"
        f"<body>{frag}</body></html>\n"
    )


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
        if form.id == "member-ballot":
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
    return Kit(edition, pack_forms(forms), layouts, font, writer, ballot_rows, talk_rows)


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
    """A file name from a label: path separators and characters Windows refuses become ＿."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "＿", name).strip(". ") or "＿"


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


# ---------------------------------------------------------------------------------------------- writing


def _replaceable(out: Path) -> bool:
    """An existing folder may be replaced only when empty or when it holds an earlier pack."""
    return not out.exists() or not any(out.iterdir()) or (out / PACK_FILE).is_file()


def write_unit(kit: Kit, src: UnitSource, out: Path) -> tuple[int, list[str]]:
    """Write one unit's pack into `out`, atomically; returns (pages in the pack, warnings)."""
    unit, members, warns = _load(src)
    uv = unit_values(src.key, unit, members, _first_item(kit))
    _check_glyphs(kit, src, uv)
    docs = unit_docs(kit, uv)
    out = Path(out).resolve()
    if not _replaceable(out):
        raise PackError(out, "输出文件夹已存在且不是表格包，不会替换；请指定新的文件夹")
    with replacing_dir(out) as tmp:
        title = f"{kit.edition.label}组织生活会和民主评议党员表格" + (f"（{uv.branch}）" if uv.branch else "")
        all_pages = [p for d in docs for p in d.pages]
        (tmp / PACK_FILE).write_bytes(kit.writer.pdf_bytes(all_pages, title))
        for d in docs:
            path = tmp / d.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(kit.writer.pdf_bytes(d.pages, f"{kit.edition.label}{d.title}"))
    return len(all_pages), warns


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
        return Outcome(src.key, None, 0, f"{type(exc).__name__}: {exc}")


def run_batch(
    units: list[UnitSource],
    out_for,
    *,
    year: int | None = None,
    workers: int | None = None,
    progress: bool = True,
    say=lambda _: None,
    timings: dict | None = None,
) -> list[Outcome]:
    """Make a pack for every unit; one unit's failure is recorded and the others go on."""
    global _KIT

    common, edition, _ = select(year)
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    chars, most_members, most_talks, failed = survey(units)
    t1 = time.perf_counter()
    _KIT = build_kit(edition, common, members=most_members, talks=most_talks, chars=chars, say=say)
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
