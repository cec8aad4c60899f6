"""Documents after the 民主测评: 汇总表, 评定结果表, 反馈单, 流动党员反馈函, 整改公示 (HTML for WeasyPrint).

Every figure comes from the roster, the tally or a form's exported data, and each document says which;
every rule printed carries its source ids. Names and imported text are data to autoescaped templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from ..model.context import YearContext
from ..model.forms import GRADE_VALUES
from ..model.tally import GRADES, Results, Row
from ..model.unit import BLANK, Unit
from .env import ASSETS_DIR, jinja_env
from .register import render_rule

CSS = ASSETS_DIR / "results-print.css"
# What each document is, its file name and the sources that require it (DOMAIN.md, "After the evaluation").
DOCS = {
    "summary": (
        "民主测评结果汇总表",
        "报上级党组织备案：报上一级党（工）委备案（S000），报党委组织部备案（S002），报镇党委备案（S003）",
    ),
    # S000 and S003 file the 测评结果 (the summary), not the grades: only S002 and S004 send grades up.
    "grades": (
        "评定结果表",
        "评定等次报上级党组织审批（S002）或审定（S004）；"
        "S000、S003 要求报上级备案的是党员民主测评结果（见民主测评结果汇总表）",
    ),
    "feedback": ("评定意见反馈单", "评定意见向本人反馈（S000、S003）；评议结果反馈给党员本人（S002）"),
    "mobile": (
        "流动党员评定意见反馈函",
        "流动党员的有关情况和评定意见反馈其组织关系所在党支部（S003，又见 S000）",
    ),
    "publicity": (
        "整改清单和整改承诺公示",
        "整改清单和整改承诺在一定范围内公示，接受党员群众监督（S000、S002、S003）",
    ),
}
BLANK_ROWS = 6


@dataclass
class Publicity:
    """What the 公示 lists: the 整改清单 rows and the members' 承诺, from the forms' exported data."""

    items: list[dict[str, str]] = field(default_factory=list)
    pledges: list[dict[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # file names the rows came from


def share(count: int, valid: int) -> str:
    """A count as a share of the valid ballots, one decimal (a display figure, not a grading rule)."""
    return f"{count * 100 / valid:.1f}%" if valid else "—"


def base_source(unit: Unit, unit_file: Path | None) -> str:
    """Where the ⅓ base comes from: the unit profile's 优秀比例基数, or the sources' words (the default)."""
    if unit_file and unit.excellent_base:
        return f"单位信息 {unit_file.name}“优秀比例基数”"
    return "默认按来源的说法“党员总数”；可在单位信息“优秀比例基数”中改选"


def source_line(results: Results, unit: Unit, unit_file: Path | None) -> dict[str, str]:
    """Where the figures and the ⅓ base on a page come from."""
    base_from = base_source(unit, unit_file)
    return {
        "roster": f"名册 {results.roster_path.name}",
        "tally": f"计票文件 {results.tally.path.name}",
        "valid": results.valid_note,
        "cap": f"{results.figure.sentence}（{'、'.join(results.figure.sources)}；基数：{base_from}）",
    }


def results_static(ctx: YearContext) -> dict:
    """What the result templates print that is the same for every branch of an edition (JSON-able: the
    计票 page embeds it and builds the rest from its tally by the same rules, `tally-results.js`)."""
    edition, common = ctx.edition, ctx.common
    return {
        "label": edition.label,
        "edition": {"title": edition.title, "year": edition.year},
        "blank": str(Markup('<span class="rs-blank">{}</span>').format(BLANK)),
        "date_blank": '<span class="rs-blank">＿＿＿＿年＿＿月＿＿日</span>',
        "grades": list(GRADES),
        "grade_span": len(GRADES) + 2,  # the 预备党员 line's one cell: the grades, 合计 and 未勾选
        "grade_info": {g.name: {"follow_up": g.follow_up, "sources": list(g.sources)} for g in common.grades},
        "docs": {kind: list(words) for kind, words in DOCS.items()},
        "blank_rows": BLANK_ROWS,
        "probationary_sources": "、".join(common.rule("probationary").sources),
        "probationary_html": str(render_rule("probationary", common.rule("probationary"))),
        "cap_rule": str(render_rule("excellent-cap-short", common.rule("excellent-cap-short"))),
    }


def row_facts(results: Results, row: Row) -> dict:
    """One member's line as the templates print it (plain values, no methods)."""
    m, e = row.member, row.entry
    return {
        "label": row.label,
        "member": {
            "category": m.category,
            "group": m.group or "",
            "probationary": m.probationary,
            "mobile": m.mobile,
        },
        "counts": list(row.counts),
        "shares": [share(c, results.valid) for c in row.counts],
        "marks": e.marks,
        "blanks": results.blanks(row),
        "entry": {"proposal": e.proposal or "", "decided": e.decided or "", "note": e.note or ""},
    }


def results_facts(results: Results, branch: str | None, src: dict[str, str]) -> dict:
    """The figures of one branch's tally as the templates print them; `tally-results.js` computes the same
    from the page's tally (tests/render/test_results_engines.py compares both)."""
    rows = [row_facts(results, r) for r in results.rows]
    counts = results.graded_counts()
    b = results.tally.ballots
    return {
        "branch": branch or "",
        "ballots": {
            k: "" if v is None else str(v) for k, v in (("issued", b.issued), ("returned", b.returned))
        },
        "valid": results.valid,
        "rows": rows,
        "mobile": [r for r in rows if r["member"]["mobile"]],
        "formal": sum(not r.member.probationary for r in results.rows),
        "probationary": sum(r.member.probationary for r in results.rows),
        "counts": {g: counts[g] for g in GRADES},
        "undecided": counts[None],
        "src": src,
    }


def results_context(
    results: Results, ctx: YearContext, unit_file: Path | None = None, publicity: Publicity | None = None
) -> dict:
    """Everything the result templates use (for the context's unit), JSON-able (the same templates render
    in Jinja and Nunjucks)."""
    pub, unit = publicity or Publicity(), ctx.profile
    facts = results_facts(results, unit.branch or results.tally.branch, source_line(results, unit, unit_file))
    return (
        results_static(ctx)
        | facts
        | {"publicity": {"rows": pub.items, "pledges": pub.pledges, "sources": pub.sources}}
    )


def render_result(kind: str, ctx: dict) -> str:
    """One result document as a whole HTML page for WeasyPrint."""
    if kind not in DOCS:
        raise KeyError(f"unknown result document {kind!r}; documents are {list(DOCS)}")
    env = jinja_env()
    body = env.get_template(f"results/{kind}.html.j2").render(ctx)
    css = Markup(CSS.read_text("utf-8"))
    title = f"{ctx['label']}{DOCS[kind][0]}"
    return env.get_template("results/_page.html.j2").render(body=Markup(body), css=css, title=title) + "\n"


def register_values(results: Results, row: Row, branch: str | None) -> dict[str, str]:
    """One member's 登记表 values: the pack's roster fields plus 民主测评结果 and 评定等次."""
    m = row.member
    values = {"branch": branch or "", "name": m.name, "gender": m.gender or "", "category": m.category}
    values["position"] = m.position or ""
    for prefix, day, parts in (("birth", m.birth, "ym"), ("joined", m.joined, "ymd")):
        if day:
            values |= {f"{prefix}_y": str(day.year), f"{prefix}_m": str(day.month)}
            if parts == "ymd" and day.day:
                values[f"{prefix}_d"] = str(day.day)
    if m.probationary:
        values["remarks"] = "预备党员参加民主测评，不评定等次"
    else:
        values["result_participants"] = str(results.valid)
        for value, count in zip(GRADE_VALUES, row.counts, strict=True):
            values[f"result_{value}"] = str(count)
        if row.entry.decided:
            values["branch_grade"] = GRADE_VALUES[GRADES.index(row.entry.decided)]
    return {k: v for k, v in values.items() if v}


def statistics_values(
    results: Results, branch: str | None, attended: int | None, expected: int | None
) -> dict:
    """情况统计表 values: totals from the roster, decided grades from the tally, sign-in counts if given."""
    members = [r.member for r in results.rows]
    decided = {g: 0 for g in GRADES}
    for r in results.rows:
        if r.entry.decided and not r.member.probationary:
            decided[r.entry.decided] += 1
    values = {
        "branch": branch or "",
        "members_total": len(members),
        "probationary": sum(m.probationary for m in members),
    }
    if expected is not None:
        values["expected"] = expected
    if attended is not None:
        values["attended"] = attended
    if attended is not None and expected is not None and expected > attended:
        values["absent"] = f"{expected - attended}人；原因："
    if any(decided.values()):
        values |= {f"graded_{v}": decided[g] for v, g in zip(GRADE_VALUES, GRADES, strict=True)}
    return {k: str(v) for k, v in values.items() if v != ""}


def report_figures(
    results: Results, attended: int | None = None, expected: int | None = None, base_from: str = "默认"
) -> dict:
    """The 情况报告's figures with where each comes from (the draft prints blanks for anything missing)."""
    rows = results.rows
    decided = {g: 0 for g in GRADES}
    for r in rows:
        if r.entry.decided and not r.member.probationary:
            decided[r.entry.decided] += 1
    formal = sum(not r.member.probationary for r in rows)
    b = results.tally.ballots
    return {
        "total": len(rows),
        "formal": formal,
        "probationary": len(rows) - formal,
        "mobile": sum(r.member.mobile for r in rows),
        "issued": b.issued,
        "returned": b.returned,
        "valid": results.valid,
        "valid_note": results.valid_note,
        "decided": decided if any(decided.values()) else None,
        "undecided": formal - sum(decided.values()),
        "base_text": results.base_text,
        "base": results.base,
        "cap": results.cap,
        "figure": results.figure,
        "cap_sources": "、".join(results.figure.sources),
        "base_from": base_from,
        "attended": attended,
        "expected": expected,
        "roster": results.roster_path.name,
        "tally": results.tally.path.name,
    }
