"""The 谈心谈话 plan: who is a 支委, and a pairing a branch can carry out (never everyone with everyone)."""

from __future__ import annotations

import itertools

import pytest

from handbook.model.roster import Member
from handbook.model.talks import NO_GROUP_DEGREE, committee_of, committee_rank, talk_plan

POSTS = ["党支部书记", "副书记", "组织委员", "宣传委员", "纪检委员"]


def branch(n: int, groups: int = 0, mobile: tuple[int, ...] = ()) -> list[Member]:
    """n members; the first five hold the committee posts; `groups` 党小组 by roster order."""
    out = []
    for i in range(n):
        post = POSTS[i] if i < len(POSTS) and n >= 7 else ("党支部书记" if i == 0 else "科员")
        group = f"第{i * groups // n + 1}党小组" if groups else None
        out.append(Member(name=f"党员{i:02d}", category="正式党员", position=post, group=group,
                          mobile=i in mobile, row=i + 2))
    return out


def pairs(plan) -> set[frozenset[int]]:
    return {frozenset((t.a.row, t.b.row)) for t in plan.talks}


@pytest.mark.parametrize("post", ["团支部书记", "党组书记", "局党组书记", "工会委员", "办公室主任"])
def test_a_title_containing_shuji_is_not_a_committee_post(post):
    assert committee_rank(post) is None


@pytest.mark.parametrize(("post", "rank"), [("党支部书记", 0), ("副书记", 1), ("组织委员", 2),
                                            ("纪检委员", 2), ("党支部书记、局长", 0), ("科长/宣传委员", 2)])
def test_committee_posts_are_read_whole(post, rank):
    assert committee_rank(post) == rank


def test_a_committee_column_decides_over_job_titles():
    ms = [
        Member(name="甲", category="正式党员", position="局党组书记", committee=False, row=2),
        Member(name="乙", category="正式党员", position="科员", committee=True, committee_post="书记",
               row=3),
        Member(name="丙", category="正式党员", position="团支部书记", committee=True,
               committee_post="组织委员", row=4),
        Member(name="丁", category="正式党员", position="党支部书记", committee=False, row=5),
    ]
    head, committee = committee_of(ms)
    assert head.name == "乙" and [m.name for m in committee] == ["乙", "丙"]


@pytest.mark.parametrize("n", [7, 30, 80])
@pytest.mark.parametrize("groups", [0, 3, 8])
def test_plan_meets_the_rules_and_stays_small(n, groups):
    members = branch(n, groups)
    plan = talk_plan(members)
    committee = {m.row for m in plan.committee}
    assert plan.secretary.name == "党员00" and len(committee) == 5
    # The secretary's talks come first.
    first = plan.talks[: len(committee) - 1]
    assert all(t.a.row == plan.secretary.row and t.kind == "书记与支委" for t in first)
    got = pairs(plan)
    # 支委之间: every two committee members once.
    for a, b in itertools.combinations(committee, 2):
        assert frozenset((a, b)) in got
    # 支委与党员: every member talks with at least one 支委.
    for m in members:
        if m.row not in committee:
            assert any(frozenset((m.row, c)) in got for c in committee), m.name
    # Members talk within their 党小组 only.
    by_row = {m.row: m for m in members}
    for t in plan.talks:
        if t.kind == "党员之间" and groups:
            assert by_row[t.a.row].group == by_row[t.b.row].group
    # Never everyone with everyone: a member takes a handful of talks.
    assert len(got) == len(plan.talks), "a pair appears twice"
    per = plan.per_member()
    plain_max = max(v for r, v in per.items() if r not in committee)
    assert plain_max <= 5
    assert len(plan.talks) < n * (n - 1) // 2 or n <= 7


def test_thirty_members_without_groups_get_a_ring_not_435_talks():
    plan = talk_plan(branch(30))
    assert not plan.grouped and "未分党小组" in plan.how() and "两两全谈" in plan.how()
    member_talks = [t for t in plan.talks if t.kind == "党员之间"]
    assert len(member_talks) == 25  # 25 members who are not 支委, each with NO_GROUP_DEGREE others
    per = plan.per_member()
    committee = {m.row for m in plan.committee}
    assert {per[m.row] for m in branch(30) if m.row not in committee} == {NO_GROUP_DEGREE + 1}


def test_shares_of_members_are_balanced_and_follow_the_group():
    # Five groups of six, one 支委 in each: each member's 支委 talk is with the 支委 of the own group.
    members = [m.__class__(**{**m.__dict__, "group": f"第{(i % 5) + 1}党小组"})
               for i, m in enumerate(branch(30))]
    plan = talk_plan(members)
    shares = [t for t in plan.talks if t.kind in ("书记与党员", "支委与党员")]
    loads = [sum(1 for t in shares if t.a.row == c.row) for c in plan.committee]
    assert loads == [5, 5, 5, 5, 5]
    by_row = {m.row: m for m in members}
    assert all(by_row[t.a.row].group == by_row[t.b.row].group for t in shares)


def test_mobile_members_talk_by_phone():
    plan = talk_plan(branch(12, mobile=(9,)))
    for t in plan.talks:
        assert (t.way == "电话、网络") == (9 + 2 in (t.a.row, t.b.row))


def test_unit_profile_names_the_secretary():
    members = branch(10)
    plan = talk_plan(members, secretary="党员03")
    assert plan.secretary.name == "党员03" and plan.committee[0].name == "党员03"
