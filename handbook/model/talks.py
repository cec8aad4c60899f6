"""谈心谈话 pairings from a roster: who is a 支委, and a talk plan a branch can carry out.

The sources ask that 支委之间 and 支委与党员 talk at least once (S001 普遍进行一次; S000, S002, S003), that
the secretary leads (S002 带头; S004 与支部委员、与党员谈心), that members of a larger branch talk within
their 党小组 (S004), and that 流动党员 talk by phone or online (S002, S004). Nothing asks every member to
talk with every other member, so the plan never pairs everyone with everyone:

- the secretary's talks come first: with every other 支委, then with his or her share of the members;
- every two 支委 talk once (a 支部委员会 has at most seven members, so at most 21 talks);
- every member who is not a 支委 talks with one 支委, shares balanced, a 支委 of the member's 党小组 first;
- members talk within their 党小组: every two members of a small group (up to GROUP_ALL_PAIRS), in a larger
  group each member with GROUP_DEGREE neighbours in roster order;
- a branch without 党小组 pairs each member with NO_GROUP_DEGREE others in roster order (a ring), so a
  30-member branch gets about 30 member talks instead of 435.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import sheet
from .roster import Member

# The posts of a 支部委员会, compared whole (团支部书记 or a bureau's 党组书记 is not a 支委): data shared
# with the 本支部 page (sheet_rules.json).
COMMITTEE_POSTS: dict[str, int] = sheet.RULES["committee_posts"]
_SPLIT = re.compile(sheet.RULES["committee_split"])
GROUP_ALL_PAIRS = 6
GROUP_DEGREE = 4
NO_GROUP_DEGREE = 2
PHONE = "电话、网络"
FACE = "当面"


@dataclass(frozen=True)
class Talk:
    """One suggested talk: who, with whom, which rule asks for it, how."""

    a: Member
    b: Member
    kind: str
    way: str


@dataclass(frozen=True)
class TalkPlan:
    """The pairings and what the plan must say about how they were made."""

    secretary: Member | None
    committee: list[Member]
    talks: list[Talk]
    grouped: bool
    degree: int  # member talks per member (the most, in a larger group or a branch without groups)

    def per_member(self) -> dict[int, int]:
        """How many talks each member (by roster row) takes part in."""
        out = {m.row: 0 for m in self.committee}
        for t in self.talks:
            out[t.a.row] = out.get(t.a.row, 0) + 1
            out[t.b.row] = out.get(t.b.row, 0) + 1
        return out

    def how(self) -> str:
        """The sentence the plan prints about the member-to-member talks."""
        if self.grouped:
            return (
                f"党员在本党小组内相谈：{GROUP_ALL_PAIRS}人以下的小组两两相谈，"
                f"较大的小组每名党员与名册顺序相邻的{GROUP_DEGREE}名组员谈"
            )
        return (
            "本支部名册未分党小组：党员之间不安排两两全谈，"
            f"每名党员按名册顺序与相邻的{NO_GROUP_DEGREE}名党员谈（均衡、少量），可由党支部调整"
        )


def committee_rank(post: str | None) -> int | None:
    """0 书记, 1 副书记, 2 委员 when one of the posts (split at 、，/) is a 支部委员会 post; else None."""
    ranks = [COMMITTEE_POSTS[p] for p in _SPLIT.split(post or "") if p in COMMITTEE_POSTS]
    return min(ranks) if ranks else None


def committee_of(
    members: Sequence[Member], secretary: str | None = None, deputy: str | None = None,
    others: Sequence[str] = (),
) -> tuple[Member | None, list[Member]]:
    """The 书记 and the 支委 in order (书记, 副书记, 委员), from the roster and the unit profile's names."""
    # A 支委 or 支部职务 column decides when the roster has one; else the 职务 column's exact committee posts.
    # A namesake cannot be told apart by name alone, so a profile name matching two members adds nobody.
    by_name: dict[str, list[Member]] = {}
    for m in members:
        by_name.setdefault(m.name, []).append(m)

    def named(name: str | None) -> Member | None:
        found = by_name.get(name or "", [])
        return found[0] if len(found) == 1 else None

    has_column = any(m.committee is not None for m in members)
    ranks: dict[int, int] = {}
    for m in members:
        if has_column:
            if m.committee:
                r = committee_rank(m.committee_post)
                ranks[m.row] = 2 if r is None else r
        else:
            r = committee_rank(m.position)
            if r is not None:
                ranks[m.row] = r
    for person, r in ((named(secretary), 0), (named(deputy), 1)):
        if person is not None:
            ranks[person.row] = r
    for name in others:
        person = named(name)
        if person is not None:
            ranks.setdefault(person.row, 2)
    head = named(secretary) or next((m for m in members if ranks.get(m.row) == 0), None)
    committee = sorted((m for m in members if m.row in ranks), key=lambda m: (ranks[m.row], m.row))
    if head is not None:
        committee = [head] + [m for m in committee if m.row != head.row]
    return head, committee


def way(a: Member, b: Member) -> str:
    """A 流动党员 talks by phone or online (S002, S004); everyone else face to face."""
    return PHONE if a.mobile or b.mobile else FACE


def ring_pairs(people: Sequence[Member], degree: int) -> list[tuple[Member, Member]]:
    """Each person paired with `degree` neighbours in order (a circulant graph); every pair when few."""
    n = len(people)
    if n <= degree + 1:
        return list(itertools.combinations(people, 2))
    pairs = [(people[i], people[(i + k) % n]) for k in range(1, degree // 2 + 1) for i in range(n)]
    if degree % 2:
        # An odd degree: the "diameter" pairs add one talk each (one member left out when n is odd).
        pairs += [(people[i], people[i + n // 2]) for i in range(n // 2)]
    return pairs


def assign_to_committee(plain: Sequence[Member], committee: Sequence[Member]) -> list[tuple[Member, Member]]:
    """(支委, member) for every member: balanced shares, a 支委 of the member's own 党小组 preferred."""
    if not committee:
        return []
    load = {c.row: 0 for c in committee}
    out = []
    for m in plain:
        own = [c for c in committee if m.group and c.group == m.group]
        pool = own or list(committee)
        c = min(pool, key=lambda c: (load[c.row], committee.index(c)))
        load[c.row] += 1
        out.append((c, m))
    return out


def talk_plan(
    members: Sequence[Member], secretary: str | None = None, deputy: str | None = None,
    others: Sequence[str] = (),
) -> TalkPlan:
    """The suggested talks, the secretary's first (rules and sources in the module docstring)."""
    head, committee = committee_of(members, secretary, deputy, others)
    crow = {m.row for m in committee}
    plain = [m for m in members if m.row not in crow]
    rest = [c for c in committee if head is None or c.row != head.row]

    shares = assign_to_committee(plain, committee)
    talks: list[Talk] = []
    if head is not None:
        talks += [Talk(head, c, "书记与支委", way(head, c)) for c in rest]
        talks += [Talk(c, m, "书记与党员", way(c, m)) for c, m in shares if c.row == head.row]
    talks += [Talk(a, b, "支委之间", way(a, b)) for a, b in itertools.combinations(rest, 2)]
    talks += [Talk(c, m, "支委与党员", way(c, m)) for c, m in shares if head is None or c.row != head.row]

    grouped = any(m.group for m in members)
    if grouped:
        groups: dict[str, list[Member]] = {}
        for m in plain:
            groups.setdefault(m.group or "", []).append(m)
        for group in groups.values():
            degree = len(group) if len(group) <= GROUP_ALL_PAIRS else GROUP_DEGREE
            talks += [Talk(a, b, "党员之间", way(a, b)) for a, b in ring_pairs(group, degree)]
        degree = GROUP_DEGREE
    else:
        degree = NO_GROUP_DEGREE
        talks += [Talk(a, b, "党员之间", way(a, b)) for a, b in ring_pairs(plain, degree)]
    return TalkPlan(head, committee, talks, grouped, degree)
