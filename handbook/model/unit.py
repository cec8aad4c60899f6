"""The unit profile (local/unit.yml) and where a fork keeps its roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field

from ..errors import InputError
from ..limits import UNIT_LIMITS, check_file_size
from ..paths import local_dir
from ..yamlio import load_yaml, validate
from .editions import Strict

BLANK = "＿＿＿＿"


# --- unit profile (local/unit.yml) ---------------------------------------------------------------


class Meeting(Strict):
    """Date, time and place of one meeting."""

    date: dt.date | None = Field(None, alias="日期")
    time: str | None = Field(None, alias="时间")
    place: str | None = Field(None, alias="地点")


class Group(Strict):
    """A 党小组 and its leader."""

    name: str = Field(alias="名称", min_length=1)
    leader: str | None = Field(None, alias="组长")


class Person(Strict):
    """A contact: the superior's representative or the notice's contact person."""

    name: str | None = Field(None, alias="姓名")
    title: str | None = Field(None, alias="职务")
    phone: str | None = Field(None, alias="电话")


class Meetings(Strict):
    """The three kinds of meeting a branch may hold."""

    committee: Meeting = Field(default_factory=Meeting, alias="支委会")
    general: Meeting = Field(default_factory=Meeting, alias="党员大会")
    group: Meeting = Field(default_factory=Meeting, alias="党小组会")


STEP_ALIASES = {
    "制定方案": "plan",
    "集中学习": "study",
    "谈心谈话": "talks",
    "查摆问题": "problems",
    "批评和自我批评": "criticism",
    "民主评议": "evaluation",
    "整改落实": "rectify",
    "总结上报": "report",
}


class Deadlines(Strict):
    """The branch's own deadline for each step (where the superior's notice leaves it open)."""

    plan: dt.date | None = Field(None, alias="制定方案")
    study: dt.date | None = Field(None, alias="集中学习")
    talks: dt.date | None = Field(None, alias="谈心谈话")
    problems: dt.date | None = Field(None, alias="查摆问题")
    criticism: dt.date | None = Field(None, alias="批评和自我批评")
    evaluation: dt.date | None = Field(None, alias="民主评议")
    rectify: dt.date | None = Field(None, alias="整改落实")
    report: dt.date | None = Field(None, alias="总结上报")


class Unit(Strict):
    """The unit profile (local/unit.yml); every field is optional and shows as a blank when missing."""

    unit: str | None = Field(None, alias="单位")
    branch: str | None = Field(None, alias="党支部")
    superior: str | None = Field(None, alias="上级党组织")
    secretary: str | None = Field(None, alias="书记")
    deputy: str | None = Field(None, alias="副书记")
    members: list[str] = Field(default_factory=list, alias="委员")
    groups: list[Group] = Field(default_factory=list, alias="党小组")
    meetings: Meetings = Field(default_factory=Meetings, alias="会议")
    deadlines: Deadlines = Field(default_factory=Deadlines, alias="时限")
    representative: Person = Field(default_factory=Person, alias="上级指导")
    contact: Person = Field(default_factory=Person, alias="联系人")
    # The ⅓ base a unit chose; unset, the sources' words apply (editions/common.yml tally.cap.default_base).
    excellent_base: Literal["正式党员", "党员总数"] | None = Field(None, alias="优秀比例基数")
    # What the superior's ballot says (issue 15 items 10 and 11), printed on the ballot as given, or nothing.
    ballot_excellent: str | None = Field(None, alias="测评表优秀说明")
    ballot_probationary: Literal["勾选", "不勾选"] | None = Field(None, alias="测评表预备党员")

    @property
    def committee(self) -> list[str]:
        """Committee members in order: secretary, deputy, members."""
        return [x for x in (self.secretary, self.deputy, *self.members) if x]


def _long_text(path: Path, data, lines: dict, where: tuple = (), seen: set | None = None) -> None:
    """Refuse a value longer than a unit profile's line of text (a pasted document, a runaway file)."""
    seen = set() if seen is None else seen
    if isinstance(data, dict | list):
        # YAML aliases share one object many times over: visit each once (no "billion laughs").
        if id(data) in seen:
            return
        seen.add(id(data))
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        if isinstance(data, str) and len(data) > UNIT_LIMITS.cell:
            field = ".".join(map(str, where))
            raise InputError(
                path,
                f"内容太长（{len(data)} 个字符，上限 {UNIT_LIMITS.cell} 个）",
                field=field,
                line=lines.get(where),
            )
        return
    for k, v in items:
        _long_text(path, v, lines, (*where, k), seen)


def load_unit(path: str | Path) -> Unit:
    """Load and validate a unit profile; errors name the file, the field and the line."""
    path = Path(path)
    if path.is_file():
        check_file_size(path, "单位信息", UNIT_LIMITS)
    data, lines = load_yaml(path)
    _long_text(path, data, lines)
    if data is None:
        return Unit()
    if not isinstance(data, dict):
        raise InputError(path, "应为“键: 值”形式的单位信息（见 local/example/unit.yml）", line=1)
    return validate(Unit, data, lines, path)


def current_unit() -> Unit:
    """The fork's profile from local/unit.yml, or an empty one."""
    path = local_dir() / "unit.yml"
    return load_unit(path) if path.is_file() else Unit()


def default_roster() -> Path | None:
    """The fork's roster (local/roster.csv or .xlsx), if there is one."""
    for name in ("roster.xlsx", "roster.csv"):
        p = local_dir() / name
        if p.is_file():
            return p
    return None
