"""本年度变化: what an edition changes from the previous one, computed from the edition files alone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .editions import STEP_KEYS, STEP_NAMES, Common, Edition, Notice, Sourced, cn_date

# "unknown": the kit knows the fact in neither year, which is not the same as "unchanged".
Kind = Literal["added", "removed", "changed", "same", "unknown"]


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
        return any(c.kind not in ("same", "unknown") for c in self.changes)

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


def _items(old: Iterable[Sourced], new: Iterable[Sourced]) -> list[Change]:
    """Compare two sourced lists by text: new items first, then those dropped, then those kept."""
    old, new = list(old), list(new)
    old_texts, new_texts = {o.text for o in old}, {n.text for n in new}
    out = [Change("added", n.text, tuple(n.sources)) for n in new if n.text not in old_texts]
    out += [Change("removed", o.text, tuple(o.sources)) for o in old if o.text not in new_texts]
    out += [Change("same", n.text, tuple(n.sources)) for n in new if n.text in old_texts]
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
    sections: list[Section] = []

    pt, ct = prev.theme, cur.theme
    sections.append(Section("theme", "主题", [_scalar("", pt.text, pt.sources, ct.text, ct.sources)]))

    pn, cn = prev.notice, cur.notice
    notices = [_scalar("依据的通知", _notice(pn), pn.sources, _notice(cn), cn.sources)]
    old_rel = {n.citation: n for n in prev.related_notices}
    new_rel = {n.citation: n for n in cur.related_notices}
    notices += [Change("added", c, tuple(n.sources), label="参考通知") for c, n in new_rel.items()
                if c not in old_rel]
    notices += [Change("removed", c, tuple(n.sources), label="参考通知") for c, n in old_rel.items()
                if c not in new_rel]
    sections.append(Section("notice", "通知", notices))

    pf, cf = prev.focus, cur.focus
    sections.append(Section("study", "学习内容", _items(prev.study, cur.study)))
    sections.append(Section("committee", "支部委员会查摆重点", _items(pf.committee, cf.committee)))
    sections.append(Section("member", "党员查摆重点", _items(pf.member, cf.member)))

    areas = [Change("added", a, tuple(cur.focus.areas_sources)) for a in cur.focus.member_areas
             if a not in prev.focus.member_areas]
    areas += [Change("removed", a, tuple(prev.focus.areas_sources)) for a in prev.focus.member_areas
              if a not in cur.focus.member_areas]
    areas += [Change("same", a, tuple(cur.focus.areas_sources)) for a in cur.focus.member_areas
              if a in prev.focus.member_areas]
    sections.append(Section("areas", "党员查摆的方面", areas))

    ps, cs = prev.schedule, cur.schedule
    if not _has_dates(ps) and not _has_dates(cs):
        # "以上级通知为准" in both years says nothing was known: never report that as "the same".
        unknown = Change("unknown", "", tuple(cs.sources), label="完成和报送时限")
        sections.append(Section("schedule", "时间安排", [unknown]))
    else:
        sched = [
            _scalar("时间安排", ps.window, ps.sources, cs.window, cs.sources),
            _scalar("全部完成", cn_date(ps.finish), ps.sources, cn_date(cs.finish), cs.sources),
            _scalar("报送上级", cn_date(ps.report), ps.sources, cn_date(cs.report), cs.sources),
        ]
        sched += [
            _scalar(STEP_NAMES[k], cn_date(ps.steps.get(k)), ps.sources, cn_date(cs.steps.get(k)), cs.sources)
            for k in STEP_KEYS
        ]
        sched.append(_scalar("说明", ps.note, ps.sources, cs.note, cs.sources))
        sections.append(Section("schedule", "时间安排", sched))

    rules = []
    for rid in sorted(set(prev.rule_overrides) | set(cur.rule_overrides)):
        o, n = prev.rule_overrides.get(rid), cur.rule_overrides.get(rid)
        label = rid
        if common is not None:
            with contextlib.suppress(KeyError):
                label = common.rule(rid).title
        rules.append(
            _scalar(label, o.text if o else None, o.sources if o else (), n.text if n else None,
                    n.sources if n else ())
        )
    # Shown even when neither year overrides a rule, so the reader sees the rules were compared too.
    sections.append(Section("rules", "评议规则", rules or [Change("same", "两个年度都执行通用评议规则")]))

    old_sp = {s.title: s for s in prev.specials}
    new_sp = {s.title: s for s in cur.specials}
    specials = []
    for t in [*new_sp, *(t for t in old_sp if t not in new_sp)]:
        o, n = old_sp.get(t), new_sp.get(t)
        specials.append(
            _scalar(t, _special_text(o) if o else None, o.sources if o else (),
                    _special_text(n) if n else None, n.sources if n else ())
        )
    sections.append(Section("specials", "本年度特别要求", specials))
    return sections
