"""Draft documents (工作方案, 通知, 主持词提纲, 情况报告) from an edition, the unit profile and the roster.

One Jinja template per document in templates/docs/ renders both the handbook page fragment and
the PDF (GB/T 9704 layout, assets/gbt9704.css). Autoescape is on and names are passed as data,
never as template source, so a name such as "{{ x }}" or "<b>" prints literally.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model.context import YearContext
from ..model.editions import STEP_KEYS, STEP_NAMES, cn_date
from ..model.roster import Member, labels
from ..model.unit import BLANK, Unit
from .env import ASSETS_DIR, jinja_env
from .register import rule_of

CSS = ASSETS_DIR / "gbt9704.css"
KINDS = {"plan": "工作方案", "notice": "通知", "outline": "主持词提纲", "report": "情况报告"}
# Blanks never break across lines: a split "＿＿月" reads as two blanks on paper.
BLANK_HTML = Markup(f'<span class="gw-blank">{BLANK}</span>')


def date_blank(year: int | None = None) -> Markup:
    """A date to write by hand (＿＿＿＿年＿＿月＿＿日), with the year printed when it is known."""
    return Markup('<span class="gw-blank">{}年＿＿月＿＿日</span>').format(year or "＿＿＿＿")


DATE_BLANK = date_blank()

# A 2号 title line: the 156 mm block less one character each side (gbt9704.css, the .docx's indents).
TITLE_EM = 18
# A long name breaks after its parts (中共｜某某市｜某某局｜机关｜第一党支部), never inside one.
_NAME_PART = re.compile(
    r".+?(?:省|市|区|县|旗|镇|乡|街道|局|厅|委员会|委|办|公司|机关|大学|学院|学校|医院|中心|总支|党组|$)"
)
_TAG = re.compile(r"<[^>]*>")


def text_width(html: str) -> float:
    """Width of a run of text in ems: CJK and full-width characters one, others (digits) 0.6 (Noto Serif)."""
    text = _TAG.sub("", str(html))
    return sum(1 if unicodedata.east_asian_width(c) in "FW" else 0.6 for c in text)


def _words(part) -> list:
    """A title part as unbreakable words: the part itself, or a name longer than a line by its parts."""
    if text_width(part) <= TITLE_EM or _TAG.search(str(part)):
        return [part]
    words = [w for w in _NAME_PART.findall(str(part)) if w]
    return [Markup(escape(w)) for w in words] if "".join(words) == str(part) else [part]


def title_lines(parts: list) -> list[list]:
    """The title's words in lines: fewest lines within TITLE_EM, then the most even (梯形/菱形)."""
    words = [w for p in parts if p for w in _words(p)]
    widths = [text_width(w) for w in words]
    for count in range(1, len(words) + 1):
        best = None
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = list(itertools.pairwise((0, *cuts, len(words))))
            lens = [sum(widths[a:b]) for a, b in bounds]
            # A line may be wider than the block only when it is one word (the renderer then wraps it).
            if any(x > TITLE_EM and b - a > 1 for x, (a, b) in zip(lens, bounds, strict=True)):
                continue
            key = (max(lens), sum(x * x for x in lens))
            if best is None or key < best[0]:
                best = (key, [words[a:b] for a, b in bounds])
        if best:
            return best[1]
    return [words]


def title(*parts) -> Markup:
    """A draft's title broken at word boundaries: each word kept whole, explicit breaks between lines."""
    lines = title_lines(list(parts))
    word = Markup('<span class="gw-word">{}</span>')
    return Markup('<br class="gw-br">').join(Markup("").join(word.format(w) for w in ln) for ln in lines)


def signoff(branch, date) -> Markup:
    """The 署名 centred over the 成文日期, the date four characters in from the right (GB/T 9704 7.3.5).

    A name so long that centring would push it past the right edge ends at the edge instead, the date
    centred under it. The indents (in body characters) are data for the .docx writer as well."""
    sign_w, date_w = text_width(branch), text_width(date)
    date_right = 4.0
    sign_right = date_right + (date_w - sign_w) / 2
    if sign_right < 0:
        sign_right, date_right = 0.0, (sign_w - date_w) / 2
    line = Markup('<p data-right-chars="{0}" style="padding-right: {0}em">{1}</p>')
    return Markup('<div class="gw-sign">\n{}\n{}\n</div>').format(
        line.format(f"{sign_right:g}", branch), line.format(f"{date_right:g}", date)
    )


@dataclass(frozen=True)
class Stats:
    """Counts from the roster that the documents quote (应到人数 and its parts)."""

    total: int
    formal: int
    voting: int  # 有表决权: 正式党员 not under 留党察看
    probationary: int
    mobile: int
    leaders: int


def _blank(value, blank: str = BLANK_HTML):
    return value if value not in (None, "", []) else blank


def _when(meeting) -> str:
    """A meeting's date and time in words, blanks where the branch has not decided yet."""
    text = cn_date(meeting.date, DATE_BLANK)
    if meeting.time:
        return Markup("{}{}").format(text, meeting.time)
    return Markup("{}（具体时间{}）").format(text, BLANK_HTML)


# The drafts' filters live on the shared environment (one environment for every template).
_env = jinja_env()
_env.filters["blank"] = _blank
_env.filters["when"] = _when
_env.filters["cn"] = lambda day: cn_date(day, DATE_BLANK)
_env.filters["nostop"] = lambda s: str(s).rstrip("。；;，, ")


def _groups(members: list[Member], names: dict, unit: Unit) -> dict[str, list[str]]:
    """Each 党小组's members (the unit's groups listed even when empty), the rest under 未分党小组."""
    groups: dict[str, list[str]] = {}
    for m in members:
        groups.setdefault(m.group or "未分党小组", []).append(names[m.row])
    for g in unit.groups:
        groups.setdefault(g.name, [])
    return groups


def _stats(members: list[Member]) -> Stats:
    """The roster's counts the drafts state."""
    return Stats(
        total=len(members),
        formal=sum(not m.probationary for m in members),
        voting=sum(m.voting for m in members),
        probationary=sum(m.probationary for m in members),
        mobile=sum(m.mobile for m in members),
        leaders=sum(m.leader for m in members),
    )


def draft_context(ctx: YearContext, members: list[Member] | None, figures: dict | None = None) -> dict:
    """Everything the draft templates use (for the context's unit), with the branch's decisions left blank
    where unknown.

    `figures` are the 情况报告's counts from `handbook results` (render.results.report_figures); without
    them the report leaves every figure blank."""
    edition, unit = ctx.edition, ctx.profile
    members = members or []
    names = labels(members)

    # One unit's dates (schedule.example_of) are an example, never printed as this branch's deadline.
    sched = edition.schedule
    year_sched = not sched.example_of

    def deadline(step: str) -> str:
        day = (sched.steps.get(step) if year_sched else None) or getattr(unit.deadlines, step)
        return Markup("{}前").format(cn_date(day, date_blank(edition.year + 1)))

    def rule(rule_id: str, stop: bool = True) -> Markup:
        return rule_of(ctx, rule_id, stop=stop)

    groups = _groups(members, names, unit)
    leaders = {g.name: g.leader for g in unit.groups}
    stats = _stats(members) if members else None
    return {
        "edition": edition,
        "common": ctx.common,
        "unit": unit,
        "label": edition.label,
        "branch": unit.branch or Markup("{}党支部").format(BLANK_HTML),
        "secretary": unit.secretary or BLANK_HTML,
        "stats": stats,
        "groups": groups,
        "group_leaders": leaders,
        "has_groups": bool(unit.groups) or any(m.group for m in members),
        "deadline": deadline,
        "rule": rule,
        "step_names": STEP_NAMES,
        "step_keys": STEP_KEYS,
        "finish": cn_date(sched.finish if year_sched else None, date_blank(edition.year + 1)),
        "report": (cn_date(sched.report) if year_sched else "") or None,
        "notice": edition.notice.spoken,
        "grades": ctx.grades(),
        "blank": BLANK_HTML,
        "date_blank": DATE_BLANK,
        "figures": figures,
        "title": title,
        "signoff": signoff,
    }


def unit_dates(unit: Unit) -> list[dt.date]:
    """Every date the unit profile sets (meetings and deadlines), to check them against the edition."""
    meetings = [m.date for m in (unit.meetings.committee, unit.meetings.general, unit.meetings.group)]
    return [d for d in (*meetings, *unit.deadlines.model_dump().values()) if d]


def render_draft(
    kind: str,
    ctx: YearContext,
    members: list[Member] | None = None,
    standalone: bool = False,
    figures: dict | None = None,
) -> str:
    """HTML of one draft: a fragment for a handbook page, or a whole document for the PDF."""
    if kind not in KINDS:
        raise KeyError(f"没有草稿 {kind}；可用的草稿：{'、'.join(KINDS)}")
    values = draft_context(ctx, members, figures)
    body = jinja_env().get_template(f"docs/{kind}.html.j2").render(values) + "\n"
    if not standalone:
        return f'<div class="gw-doc gw-{kind}" markdown="0">\n{body}</div>\n'
    page = jinja_env().get_template("docs/_page.html.j2")
    css = Markup(CSS.read_text("utf-8"))
    return page.render(values, body=Markup(body), kind=kind, doc_title=KINDS[kind], css=css) + "\n"
