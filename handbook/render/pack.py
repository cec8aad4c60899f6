"""The text a unit's form pack draws (`handbook pack`): ballot rows with the one-third reference, one
register per member, the talk plan's rows and summary, the statistics counts, the sign-in sheets, and the
计票 page's starter file. Pure: from the roster's members and the unit profile, no layout, no drawing.

How talk pairings are made from the roster: handbook.model.talks (secretary first, 支委之间 and 支委与党员
at least once, members within their 党小组, a small balanced ring for a branch without groups; 流动党员 by
phone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.editions import snapshot
from ..model.roster import Member, labels
from ..model.talks import TalkPlan, committee_of
from ..model.talks import talk_plan as plan_talks
from ..model.tally import KIND as TALLY_KIND
from ..model.tally import VERSION as TALLY_VERSION
from .env import jinja_env

# Drawn across a 预备党员's tick cells on the ballot.
NOT_GRADED = "不评定等次"


def _committee(members: list[Member], unit) -> tuple[Member | None, list[Member]]:
    """The 书记 and all 支委 in order (书记, 副书记, 委员), from the roster and the unit profile."""
    return committee_of(members, unit.secretary, unit.deputy, unit.members)


def talk_plan(members: list[Member], unit) -> TalkPlan:
    """The suggested pairings, secretary first (rules and sources: handbook.model.talks)."""
    return plan_talks(members, unit.secretary, unit.deputy, unit.members)


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
        out = [self.branch, self.cap_text, self.talk_summary, NOT_GRADED]
        out += [v for sheets in self.signin.values() for sheet in sheets for v in sheet.values()]
        out += [s for row in self.ballot_rows for s in row[:2]]
        out += [v for r in self.registers for v in r.values.values()]
        out += [s for row in self.talk_rows for s in row]
        out += list(self.stats.values())
        return out


def cap_note() -> str:
    """The terminal's note on the ballots' ⅓ reference: the register's lead and which base it counts."""
    common = snapshot()[0]
    cap = common.tally.cap
    lead = cap.lead_text(common.grade_names[0])
    return (
        f"注：测评表上印出的参考人数（{lead}）按单位信息“优秀比例基数”所选的基数计算，"
        f"未选时按{cap.bases[cap.default_base].text}；只作参考（见手册“评议规则”）。"
    )


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
    # The same words as the ballot template (fields.html.j2, _cap.j2): the register's rules, the base named.
    common = snapshot()[0]
    formal = sum(not m.probationary for m in members)
    figure = common.cap_figure(getattr(unit, "excellent_base", None), total=len(members), formal=formal)
    reference = jinja_env().get_template("_cap.j2").module.ballot_reference
    cap_text = str(reference(common.rule("excellent-cap-short").text, figure.figure))
    cap_text += common.rule("probationary").text
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
    """Each sign-in role's sheets (form.yml `pack:`; one sheet per 党小组) from the roster; an empty sheet has
    blank rows."""
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
    return {"sign-in-members": [general], "sign-in-committee": [board], "sign-in-groups": sheets or [head]}


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


