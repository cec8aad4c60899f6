"""本年度变化: what an edition changes from the previous one, computed from the edition files alone."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .editions import STEP_KEYS, STEP_NAMES, Common, Edition, Notice, Sourced, cn_date

# "unknown": the kit knows the fact in neither year, which is not the same as "unchanged".
# "pending": this year's notice has not come yet; the fact waits for it.
Kind = Literal["added", "removed", "changed", "same", "unknown", "pending"]


@dataclass(frozen=True)
class Change:
    """One difference (or one thing that stayed): the new text, the old text and their sources."""

    kind: Kind
    text: str
    sources: tuple[str, ...] = ()
    old: str | None = None
    old_sources: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Section:
    """One part of an edition (theme, study list, schedule...) and its changes."""

    key: str
    title: str
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in this part differs from the previous edition."""
        return any(c.kind not in ("same", "unknown", "pending") for c in self.changes)

    @property
    def pending(self) -> bool:
        """Whether this part waits for the year's notice."""
        return any(c.kind == "pending" for c in self.changes)

    @property
    def unknown(self) -> list[str]:
        """Labels of the facts the kit knows in neither year."""
        return [c.label or self.title for c in self.changes if c.kind == "unknown"]


def previous_edition(editions: Mapping[int, Edition], year: int) -> Edition | None:
    """The newest edition older than `year`, or None for the oldest."""
    older = [y for y in editions if y < year]
    return editions[max(older)] if older else None


def _scalar(label: str, old: str | None, old_src, new: str | None, new_src) -> Change:
    if not old and not new:
        return Change("unknown", "", tuple(new_src), label=label)
    if (old or "") == (new or ""):
        return Change("same", new or "", tuple(new_src), label=label)
    if not old:
        return Change("added", new or "", tuple(new_src), label=label)
    if not new:
        return Change("removed", old, tuple(old_src), label=label)
    return Change("changed", new, tuple(new_src), old, tuple(old_src), label)


def _keyed(old: Mapping[str, Iterable[str]], new: Mapping[str, Iterable[str]], *, label: str = "",
           kept: bool = True) -> list[Change]:
    """Compare entries (text -> sources): new ones first, then those dropped, then those kept."""
    out = [Change("added", t, tuple(s), label=label) for t, s in new.items() if t not in old]
    out += [Change("removed", t, tuple(s), label=label) for t, s in old.items() if t not in new]
    if kept:
        out += [Change("same", t, tuple(s), label=label) for t, s in new.items() if t in old]
    return out


# Wording that does not make an item another item: 党章 and 修改后的党章 (2022) are the same study item,
# 合格党员标准 and 新时代合格党员标准 the same standard.
_SAME_ITEM = re.compile(r"修改后的|新时代|对照|[《》“”\s]")


def _key(text: str) -> str:
    return _SAME_ITEM.sub("", text)


def _whole(edition: Edition | None) -> str:
    """Every text of an edition, keyed as _key does: an item elsewhere in it (a special) is still in it."""
    if edition is None:
        return ""

    def strings(obj):
        if isinstance(obj, str):
            yield obj
        elif isinstance(obj, dict):
            for v in obj.values():
                yield from strings(v)
        elif isinstance(obj, list | tuple):
            for v in obj:
                yield from strings(v)

    return _key("|".join(strings(edition.model_dump())))


def _items(old: Iterable[Sourced], new: Iterable[Sourced], prev: Edition | None = None,
           cur: Edition | None = None) -> list[Change]:
    """Compare two sourced lists; an item is new or dropped only if the other edition lacks it whole."""
    olds = {_key(o.text): o for o in old}
    news = {_key(n.text): n for n in new}
    before, after = _whole(prev), _whole(cur)
    was = {k for k in news if k in olds or k in before}
    out = [Change("added", n.text, tuple(n.sources)) for k, n in news.items() if k not in was]
    gone = [o for k, o in olds.items() if k not in news and k not in after]
    out += [Change("removed", o.text, tuple(o.sources)) for o in gone]
    out += [Change("same", n.text, tuple(n.sources)) for k, n in news.items() if k in was]
    return out


def _notice(n: Notice | None) -> str | None:
    # A notice whose title and number are both unknown is not a fact to compare.
    return n.citation if n and (n.title or n.number) else None


def _has_dates(s) -> bool:
    return bool(s.finish or s.report or any(s.steps.values()))


def _special_text(s) -> str:
    return "；".join([*([s.text] if s.text else []), *s.items])


def diff_editions(prev: Edition | None, cur: Edition, common: Common | None = None) -> list[Section]:
    """The differences between two editions, part by part; an empty list when there is no previous one."""
    if prev is None:
        return []
    pt, ct = prev.theme, cur.theme
    pf, cf = prev.focus, cur.focus
    sections = [
        Section("theme", "主题", [_scalar("", pt.text, pt.sources, ct.text, ct.sources)]),
        Section("notice", "通知", _notices(prev, cur)),
        Section("study", "学习内容", _items(prev.study, cur.study, prev, cur)),
        Section("committee", "支部委员会查摆重点", _items(pf.committee, cf.committee, prev, cur)),
        Section("member", "党员查摆重点", _items(pf.member, cf.member, prev, cur)),
        Section("areas", "党员查摆的方面", _keyed(
            dict.fromkeys(pf.member_areas, pf.areas_sources), dict.fromkeys(cf.member_areas, cf.areas_sources)
        )),
        Section("schedule", "时间安排", _schedule(prev, cur)),
        Section("rules", "评议规则", _rules(prev, cur, common)),
        Section("specials", "本年度特别要求", _specials(prev, cur)),
    ]
    # A fact still waiting for this year's notice is not a change: it is not known yet.
    return [
        Section(s.key, s.title, [Change("pending", "", label=SECTION_FACT[s.key])])
        if s.key in SECTION_FACT and cur.pending(SECTION_FACT[s.key]) else s
        for s in sections
    ]


# The edition fact (FACT_KEYS) each part of the diff comes from.
SECTION_FACT = {
    "theme": "theme", "notice": "notice", "study": "study", "committee": "focus", "member": "focus",
    "areas": "focus", "schedule": "schedule",
}


def _notices(prev: Edition, cur: Edition) -> list[Change]:
    pn, cn = prev.notice, cur.notice
    related = _keyed({n.citation: n.sources for n in prev.related_notices},
                     {n.citation: n.sources for n in cur.related_notices}, label="参考通知", kept=False)
    return [_scalar("依据的通知", _notice(pn), pn.sources, _notice(cn), cn.sources), *related]


def _schedule(prev: Edition, cur: Edition) -> list[Change]:
    ps, cs = prev.schedule, cur.schedule
    if not _has_dates(ps) and not _has_dates(cs):
        # "以上级通知为准" in both years says nothing was known: never report that as "the same".
        return [Change("unknown", "", tuple(cs.sources), label="完成和报送时限")]
    days = {"全部完成": (ps.finish, cs.finish), "报送上级": (ps.report, cs.report)}
    days |= {STEP_NAMES[k]: (ps.steps.get(k), cs.steps.get(k)) for k in STEP_KEYS}
    return [
        _scalar("时间安排", ps.window, ps.sources, cs.window, cs.sources),
        *(_scalar(label, cn_date(o), ps.sources, cn_date(n), cs.sources) for label, (o, n) in days.items()),
        _scalar("说明", ps.note, ps.sources, cs.note, cs.sources),
    ]


def _rules(prev: Edition, cur: Edition, common: Common | None) -> list[Change]:
    out = []
    for rid in sorted(set(prev.rule_overrides) | set(cur.rule_overrides)):
        o, n = prev.rule_overrides.get(rid), cur.rule_overrides.get(rid)
        label = rid
        if common is not None:
            with contextlib.suppress(KeyError):
                label = common.rule(rid).title
        out.append(_either(label, o, n, lambda r: r.text))
    # Shown even when neither year overrides a rule, so the reader sees the rules were compared too.
    return out or [Change("same", "两个年度都执行通用评议规则")]


def _specials(prev: Edition, cur: Edition) -> list[Change]:
    old = {s.title: s for s in prev.specials}
    new = {s.title: s for s in cur.specials}
    out = []
    for t in [*new, *(t for t in old if t not in new)]:
        out.append(_either(t, old.get(t), new.get(t), _special_text))
    return out


def _either(label: str, old, new, text) -> Change:
    """A part either edition may lack (a rule override, a special): text(part) and its sources."""
    return _scalar(label, text(old) if old else None, old.sources if old else (),
                   text(new) if new else None, new.sources if new else ())
