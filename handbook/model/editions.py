"""Editions as data: one YAML file per 年度, validated, with every fact tied to its sources."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .. import settings
from ..errors import InputError, load_each
from ..paths import ROOT, local_dir
from ..yamlio import load_yaml, validate

EDITIONS_DIR = ROOT / "editions"
YEAR_FILE = re.compile(r"^(\d{4})\.yml$")

# The eight stages of the procedure, in order; schedules and pages refer to them by these keys.
STEP_KEYS = ("plan", "study", "talks", "problems", "criticism", "evaluation", "rectify", "report")
STEP_NAMES = {
    "plan": "制定工作方案",
    "study": "组织集中学习",
    "talks": "征求意见和谈心谈话",
    "problems": "查摆问题、形成问题清单",
    "criticism": "开展批评和自我批评",
    "evaluation": "民主评议党员",
    "rectify": "整改落实",
    "report": "总结上报",
}
assert tuple(STEP_NAMES) == STEP_KEYS
# pending: the year's notice is not out yet (the fact is a blank to fill); extracted: taken by
# `handbook new-edition --notice` from the notice's own sentence, to be checked by a person.
Confidence = Literal["confirmed", "extracted", "reported", "uncertain", "pending"]
# The facts of an edition that carry their own confidence flag, and how pages name each flag.
FACT_KEYS = ("notice", "theme", "study", "focus", "schedule")
FACT_NAMES = {
    "notice": "通知", "theme": "主题", "study": "学习内容", "focus": "查摆重点", "schedule": "时间要求",
}
CONFIDENCE_RANK = {"pending": 0, "uncertain": 1, "reported": 2, "extracted": 2, "confirmed": 3}
CONFIDENCE_FLAG = {
    "confirmed": "", "extracted": "摘自通知待核对", "reported": "转引未核对", "uncertain": "需核实",
    "pending": "待上级通知",
}
CONFIDENCE_TIP = {
    "confirmed": "",
    "extracted": "由命令从通知原文中摘出，请对照通知原句核对",
    "reported": "转引自下级文件或公开网页，未与正式通知核对",
    "uncertain": "本手册尚未核实",
    "pending": "本年度上级通知尚未下发，通知到后按通知填写",
}
# Where each fact is found in a notice, for the pages of an edition whose notice has not come yet.
PENDING_HINT = {
    "notice": "通知开头的发文机关、标题和文号（如“组通字〔＿＿〕＿＿号”）",
    "theme": "通知“总体要求”或“基本要求”一节中“以……为主题”的一句",
    "study": "“认真组织学习”一节列出的讲话、全会精神、文件和党内法规",
    "focus": "“查摆问题”一节中对党支部委员会和对党员的要求，以及“在……等方面的问题和不足”",
    "schedule": "通知末尾“在……前完成”和“于……前报送”的日期",
}
# What read-aloud and printed text shows for a fact the notice has not given yet.
BLANK_FILL = "＿＿＿＿＿＿＿＿"
BLANK_SHORT = "＿＿＿＿"
# What read-aloud and draft text prints where a notice's title or number is unknown: a blank to fill.
BLANK_TITLE = "《＿＿＿＿＿＿＿＿》"
BLANK_NUMBER = "＿＿〔＿＿〕＿＿号"
BLANK_ISSUER = "＿＿＿＿＿＿"


class Strict(BaseModel):
    """The base of every input model: unknown keys are errors, so a misspelt key never passes silently."""

    # populate_by_name: the unit profile's keys are Chinese aliases of English attributes.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class UnknownStep(ValueError, KeyError):
    """A step key that is not one of STEP_KEYS: a ValueError for the schema, a KeyError for lookups."""

    def __str__(self) -> str:
        return str(self.args[0])


def check_steps(steps) -> None:
    """Raise UnknownStep naming every step key that is not one of STEP_KEYS."""
    unknown = [s for s in steps if s not in STEP_KEYS]
    if unknown:
        names = "、".join(unknown)
        raise UnknownStep(f"没有这个步骤：{names}；可用的步骤：{'、'.join(STEP_KEYS)}")


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")


def check_sources(ids: list[str], info: ValidationInfo) -> list[str]:
    """A sources list names at least one source, each known to editions/common.yml (when that is read)."""
    known = (info.context or {}).get("source_ids")
    if not ids:
        raise ValueError("至少要有一个来源（每条内容都要注明出处）")
    if known is not None:
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"未知的来源编号 {'、'.join(unknown)}；已有：{'、'.join(sorted(known))}")
    return ids


class Sourced(Strict):
    """A statement and the sources it comes from."""

    text: str = Field(min_length=1)
    sources: list[str]
    # The notice's own sentence the text was taken from (set by `new-edition --notice`, to be checked).
    quote: str | None = None

    _v = field_validator("sources")(check_sources)

    @field_validator("text")
    @classmethod
    def _fold_cjk_spaces(cls, text: str) -> str:
        # YAML folded blocks join lines with a space, which Chinese text must not have.
        return _CJK_SPACE.sub("", text).strip()


class Notice(Strict):
    """A notice (通知) an edition follows."""

    # None: the issuer is not known either (a page cites the title alone).
    issuer: str | None = None
    # None: the kit does not know the title (never guess one); the citation then says so.
    title: str | None = None
    number: str | None = None
    level: Literal["central", "provincial", "city", "county", "local"] = "central"
    confirmed: bool = False
    sources: list[str]

    _v = field_validator("sources")(check_sources)

    @model_validator(mode="after")
    def _confirmed_needs_title(self) -> Notice:
        if self.confirmed and not self.title:
            raise ValueError("已确认（confirmed: true）的通知必须写明标题（title）")
        return self

    @property
    def known(self) -> bool:
        """Whether the kit knows the notice's title."""
        return bool(self.title)

    @property
    def citation(self) -> str:
        """How the notice is cited in running text: 《title》（number）; a plain description when unknown."""
        num = f"（{self.number}）" if self.number else ""
        issuer = self.issuer or ""
        if not self.sources:  # the blank of a year whose notice has not come yet
            return "上级党组织关于本年度组织生活会和民主评议党员的通知（尚未下发）"
        if not self.title:
            # Printed on the handbook PDF's cover too: a blank to fill, never an editor's note.
            unknown = num or "（标题和文号以上级转发的通知为准）"
            return f"{issuer or '上级党组织'}关于本年度组织生活会和民主评议党员的通知{unknown}"
        return f"{issuer}《{self.title}》{num}"

    @property
    def spoken(self) -> str:
        """The citation as read aloud or printed in a draft: unknown parts are blanks, never a note."""
        # A local unit's notice (a college's, a township's) is not the reader's: every part is a blank.
        local = self.level == "local" or (self.issuer or "").startswith("某")
        issuer = BLANK_ISSUER if local or not self.issuer else self.issuer
        title = f"《{self.title}》" if self.title and not local else BLANK_TITLE
        number = self.number if self.number and not local else BLANK_NUMBER
        return f"{issuer}{title}（{number}）"


class Focus(Strict):
    """What the committee and the members measure themselves against (查摆 focus)."""

    committee: list[Sourced]
    member: list[Sourced]
    member_areas: list[str] = Field(min_length=1)
    areas_sources: list[str]

    _v = field_validator("areas_sources")(check_sources)


class Schedule(Strict):
    """Deadlines: one per step (None: the branch's own plan sets it), the finish and the report date."""

    window: str
    # Set when the dates are one local unit's (a township's notice), shown as that unit's example only.
    example_of: str | None = None
    steps: dict[str, dt.date | None]
    finish: dt.date | None
    report: dt.date | None
    note: str | None = None
    sources: list[str]

    _v = field_validator("sources")(check_sources)

    @field_validator("steps")
    @classmethod
    def _known_steps(cls, steps: dict) -> dict:
        check_steps(steps)
        return {k: steps.get(k) for k in STEP_KEYS}

    @model_validator(mode="after")
    def _order(self) -> Schedule:
        if self.finish and self.report and self.report < self.finish:
            raise ValueError(f"上报日期 {self.report} 早于完成日期 {self.finish}")
        for key, day in self.steps.items():
            # Reporting comes after the meetings by design; every other step must fit before the finish.
            if key != "report" and day and self.finish and day > self.finish:
                raise ValueError(f"步骤 {key} 的截止日期 {day} 晚于完成日期 {self.finish}")
        return self


class Special(Strict):
    """A feature of this year only (a combined 专题 meeting, a local checklist such as 四对照四查看)."""

    title: str
    items: list[str] = Field(default_factory=list)
    text: str | None = None
    sources: list[str]

    _v = field_validator("sources")(check_sources)


class Ballot(Strict):
    """What the superior's ballot says (notice or attached ballot): printed as given, or nothing."""

    # Its words on how many 优秀 one ballot may tick; no source gives any, so most editions leave it out.
    excellent: str | None = None
    # Whether the ballot has members tick a grade for a 预备党员 (勾选) or leaves the row out (不勾选).
    probationary: Literal["勾选", "不勾选"] | None = None
    sources: list[str]

    _v = field_validator("sources")(check_sources)


class FactConfidence(Strict):
    """How sure the kit is of each fact of an edition: a confirmed notice number says nothing of the theme."""

    notice: Confidence
    theme: Confidence
    study: Confidence
    focus: Confidence
    schedule: Confidence

    @property
    def overall(self) -> Confidence:
        """The weakest flag: an edition is only as certain as its least certain fact."""
        return min((getattr(self, k) for k in FACT_KEYS), key=CONFIDENCE_RANK.__getitem__)

    def unsure(self) -> list[str]:
        """The facts not confirmed, by their Chinese names."""
        return [FACT_NAMES[k] for k in FACT_KEYS if getattr(self, k) != "confirmed"]


# How binding a rule is, and the words its text must use so that a reader can tell (issue 15):
# 规定 a rule text says it; 一般 guidance ("一般"); 惯例 common practice; 建议 this kit's advice.
Strength = Literal["规定", "一般", "惯例", "建议"]
STRENGTH_WORDS = {"规定": (), "一般": ("一般",), "惯例": ("通行做法", "惯例"), "建议": ("建议",)}
# Hard words a rule weaker than 规定 must not use: guidance or practice never reads as an order.
HARD_WORDS = ("必须", "须", "不得", "应当", "方可")
PHRASE_MAX = 20


class Citation(Strict):
    """Where a rule comes from: a source id and a short phrase found verbatim in it (a W page: its url)."""

    source: str
    phrase: str = Field(min_length=2, max_length=PHRASE_MAX)
    url: str | None = None

    @field_validator("source")
    @classmethod
    def _known(cls, source: str, info: ValidationInfo) -> str:
        check_sources([source], info)
        return source

    @model_validator(mode="after")
    def _web_needs_url(self) -> Citation:
        if self.source.startswith("W") and not (self.url or "").startswith(("http://", "https://")):
            raise ValueError(f"引用网页资料 {self.source} 须写明网页地址（url）和其中的关键语句（phrase）")
        if self.url and not self.source.startswith("W"):
            raise ValueError(f"来源 {self.source} 不是网页资料，不写 url")
        return self


def check_wording(strength: str, text: str) -> None:
    """A rule's text shows its strength: guidance says 一般, practice says so, advice says 建议."""
    words = STRENGTH_WORDS[strength]
    if words and not any(w in text for w in words):
        shown = "”或“".join(words)
        raise ValueError(f"强度为“{strength}”的规则，文字中要写明“{shown}”，让读者看出它的约束力")
    if strength in ("惯例", "建议"):
        hard = [w for w in HARD_WORDS if w in text]
        if hard:
            raise ValueError(f"强度为“{strength}”的规则不能用“{'、'.join(hard)}”这样的硬性措辞")


class RuleText(Strict):
    """A rule's wording, its strength and its citations (also an edition's override of a standing rule)."""

    text: str = Field(min_length=1)
    strength: Strength
    cite: list[Citation] = Field(default_factory=list)

    @field_validator("text")
    @classmethod
    def _fold_cjk_spaces(cls, text: str) -> str:
        return _CJK_SPACE.sub("", text).strip()

    @model_validator(mode="after")
    def _consistent(self) -> RuleText:
        check_wording(self.strength, self.text)
        # Advice is the kit's own; practice is cited as practice (its wording says so) where no page is known.
        if self.strength in ("规定", "一般") and not self.cite:
            raise ValueError(f"强度为“{self.strength}”的规则至少要有一条引用（cite：来源和原文关键语句）")
        if self.strength == "规定" and all(c.source == "W" for c in self.cite):
            raise ValueError("强度为“规定”的规则要引用文件或条文，不能只引用一般网页资料")
        return self

    @property
    def sources(self) -> list[str]:
        """The cited source ids, in order, each once (badges and 来源 lists use them)."""
        return list(dict.fromkeys(c.source for c in self.cite))


# The fields each fact fills; a pending fact leaves them out of the edition file.
PENDING_FIELDS = {
    "notice": ("notice",), "theme": ("theme", "theme_short"), "study": ("study",), "focus": ("focus",),
    "schedule": ("schedule",),
}


def _blank() -> Sourced:
    # Built without validation: a blank has no source yet, it is what the notice will give.
    return Sourced.model_construct(text=BLANK_FILL, sources=[], quote=None)


def _pending_value(key: str):
    """The blank a pending fact reads as: every page and draft still renders, with ＿＿＿＿ to fill."""
    if key == "notice":
        return Notice.model_construct(
            issuer=None, title=None, number=None, level="central", confirmed=False, sources=[]
        )
    if key == "theme":
        return _blank()
    if key == "theme_short":
        return BLANK_SHORT
    if key == "study":
        return [_blank()]
    if key == "focus":
        return Focus.model_construct(
            committee=[_blank()], member=[_blank()], member_areas=[BLANK_SHORT], areas_sources=[]
        )
    return Schedule.model_construct(
        window="以上级通知为准", example_of=None, steps=dict.fromkeys(STEP_KEYS), finish=None, report=None,
        note=None, sources=[],
    )


class Edition(Strict):
    """One 年度: what that year's notice asks of a party branch."""

    year: int = Field(ge=2000, le=2100)
    title: str
    confidence: FactConfidence
    confidence_note: str | None = None
    # What the year's meetings are called (a 主题教育 year holds a 专题组织生活会).
    meeting_name: str = "组织生活会"
    notice: Notice
    related_notices: list[Notice] = Field(default_factory=list)
    theme: Sourced
    theme_short: str = Field(min_length=2, description="a distinctive phrase of this year's theme")
    study: list[Sourced] = Field(min_length=1)
    focus: Focus
    schedule: Schedule
    specials: list[Special] = Field(default_factory=list)
    rule_overrides: dict[str, RuleText] = Field(default_factory=dict)
    ballot: Ballot | None = None
    # A year whose source follows its own meeting procedure (2016: S004's), shown instead of the usual note.
    procedure: Sourced | None = None
    # The notices this edition was read from (`new-edition --notice`): sources of its own, by id.
    documents: dict[str, Source] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _pending_blanks(cls, data):
        # A fact whose notice has not come yet is left out of the file and read as a blank to fill.
        conf = data.get("confidence") if isinstance(data, dict) else None
        if not isinstance(conf, dict):
            return data
        data = dict(data)
        for fact, keys in PENDING_FIELDS.items():
            if conf.get(fact) != "pending":
                continue
            for key in keys:
                if data.get(key) is not None:
                    raise ValueError(
                        f"confidence.{fact} 为 pending（待上级通知）时不要写 {key}；"
                        f"通知下发后写入 {key}，并把 confidence.{fact} 改为 extracted 或 confirmed"
                    )
                data[key] = _pending_value(key)
        return data

    @model_validator(mode="after")
    def _note_when_unsure(self) -> Edition:
        if self.overall != "confirmed" and not self.confidence_note:
            raise ValueError(
                "有事项的 confidence 不是 confirmed 时，必须用 confidence_note 说明资料尚未核实之处"
            )
        if self.schedule.example_of and self.confidence.schedule == "confirmed":
            raise ValueError(
                "schedule.example_of 表示这是某一单位的时限，不能把 confidence.schedule 标为 confirmed"
            )
        return self

    @property
    def overall(self) -> Confidence:
        """The edition's weakest fact flag (banners use it)."""
        return self.confidence.overall

    def pending(self, fact: str) -> bool:
        """Whether a fact waits for the year's notice (its text is a blank to fill)."""
        return getattr(self.confidence, fact) == "pending"

    @property
    def waiting(self) -> list[str]:
        """The facts waiting for the notice, by their Chinese names."""
        return [FACT_NAMES[k] for k in FACT_KEYS if self.pending(k)]

    def confidence_summary(self) -> str:
        """Which facts are only reported and which need checking, in one line: 主题转引未核对；通知需核实."""
        parts = []
        for level in ("extracted", "reported", "uncertain", "pending"):
            names = [FACT_NAMES[k] for k in FACT_KEYS if getattr(self.confidence, k) == level]
            if names:
                parts.append(f"{'、'.join(names)}{CONFIDENCE_FLAG[level]}")
        return "；".join(parts)

    def flag(self, fact: str) -> tuple[str, str]:
        """A fact's short flag and its explanation; empty for confirmed facts."""
        if fact not in FACT_KEYS:
            raise KeyError(f"unknown fact {fact!r}; facts are {list(FACT_KEYS)}")
        level = getattr(self.confidence, fact)
        return CONFIDENCE_FLAG[level], CONFIDENCE_TIP[level]

    @property
    def label(self) -> str:
        """The edition's name in menus: 2021年度."""
        return f"{self.year}年度"

    @property
    def meeting_season(self) -> str:
        """When the meetings are held: December of the year to March of the next."""
        return f"{self.year}年12月至{self.year + 1}年3月"

    def all_sources(self) -> list[str]:
        """Every source id this edition cites, in first-use order."""
        seen: dict[str, None] = {}

        def walk(obj):
            if isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    if name in ("sources", "areas_sources"):
                        seen.update(dict.fromkeys(getattr(obj, name)))
                    else:
                        walk(getattr(obj, name))
            elif isinstance(obj, list | tuple):
                for x in obj:
                    walk(x)
            elif isinstance(obj, dict):
                for x in obj.values():
                    walk(x)

        walk(self)
        return list(seen)


class Source(Strict):
    """A document the kit's facts come from: what it is (title, issuer, date), never a build path."""

    title: str
    # notice: a notice an edition was read from by `handbook new-edition --notice` (in the edition file).
    kind: Literal["seed", "notes", "regulation", "web", "notice"]
    issuer: str | None = None
    date: str | None = None
    # The stored public page's address (kind web).
    url: str | None = None
    # Where the project keeps its copy; for maintainers only, never printed in the handbook.
    ref: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _web_has_address(self) -> Source:
        if self.kind == "web" and not self.url:
            raise ValueError("a web source needs the stored page's address (url)")
        return self


class Grade(Strict):
    """One of the four grades and what follows from it."""

    name: str
    follow_up: str
    sources: list[str]
    # Set when the follow-up is a rule of the register restated (an edition's 不合格 override).
    rule: str | None = None

    _v = field_validator("sources")(check_sources)


class Rule(RuleText):
    """A rule of the procedure, stated in the kit's words, with its strength and citations."""

    id: str
    title: str
    configurable: bool = False
    certain: bool = True


def fill(template: str, params: dict) -> str:
    """A message template with each {name} replaced by params[name] (as tally-core.js does)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(params.get(m.group(1), m.group(0))), template)


class CapFigure(BaseModel):
    """The ⅓ guideline worked out for one branch: its base (named), the third and the whole-member limit."""

    model_config = ConfigDict(frozen=True)

    base_kind: str
    base_text: str
    n: int
    third: str  # n/3 as printed: an integer, else one decimal
    limit: int  # whole members: n/3 rounded down
    figure: str  # the count alone (按…人计，三分之一为…人), for lines that state the rule first
    sentence: str  # the lead and the figure: what a result or a check prints
    sources: list[str] = []


class CapRule(Strict):
    """How the 优秀 guideline (一般不超过三分之一) is computed: fraction, bases, default, sentence."""

    numerator: int = Field(gt=0)
    denominator: int = Field(gt=0)
    default_base: str
    bases: dict[str, Sourced]
    lead: str
    exact: str
    inexact: str
    blank: str

    @model_validator(mode="after")
    def _default_is_a_base(self):
        if self.default_base not in self.bases:
            raise ValueError(f"default_base “{self.default_base}”不在 bases（{'、'.join(self.bases)}）中")
        return self

    def base_of(self, chosen: str | None) -> str:
        """The base a unit chose (its 优秀比例基数), else the sources' words (default_base)."""
        return chosen if chosen in self.bases else self.default_base

    def figure(self, base_kind: str | None, total: int, formal: int, grade: str = "优秀") -> CapFigure:
        """The one computation of the ⅓ figure: 党员总数 counts every member, 正式党员 the graded."""
        kind = self.base_of(base_kind)
        n = total if kind == "党员总数" else formal
        whole, rest = divmod(n * self.numerator, self.denominator)
        third = str(whole) if not rest else f"{n * self.numerator / self.denominator:.1f}"
        base_text = self.bases[kind].text
        params = {"grade": grade, "base": base_text, "n": n, "third": third, "limit": whole}
        figure = fill(self.inexact if rest else self.exact, params)
        sentence = f"{fill(self.lead, params)}：{figure}"
        return CapFigure(
            base_kind=kind, base_text=base_text, n=n, third=third, limit=whole, figure=figure,
            sentence=sentence,
        )

    def lead_text(self, grade: str) -> str:
        """The guideline's lead alone (“优秀”一般不超过三分之一), for a heading over its figures."""
        return fill(self.lead, {"grade": grade})

    def blank_figure(self, base_kind: str | None) -> str:
        """The figure with the count left to write in (a ballot printed without a roster)."""
        return fill(self.blank, {"base": self.bases[self.base_of(base_kind)].text})


class TallyCheck(Strict):
    """One check of a tally: its id, 错误 (stops the results) or 提示 (printed), and its message template."""

    id: str
    level: Literal["错误", "提示"]
    message: str
    details: dict[str, str] = Field(default_factory=dict)  # templates of the parts a message lists


class TallyVocab(Strict):
    """The tally contract's data (TALLY.md): file kind and versions, ballot words, the ⅓ rule, the checks."""

    kind: str
    versions: list[int] = Field(min_length=1)
    no_grade: list[str]
    max_count: int = Field(gt=0)
    ballots: dict[str, str]
    cap: CapRule
    checks: list[TallyCheck]

    def check(self, check_id: str) -> TallyCheck:
        """A check by its id."""
        for c in self.checks:
            if c.id == check_id:
                return c
        raise KeyError(f"没有计票检查 {check_id}")


class Common(Strict):
    """What all editions share: the source registry, the grades and the standing rules."""

    sources: dict[str, Source]
    grades: list[Grade] = Field(min_length=4, max_length=4)
    committee_grades: Sourced
    excellent_cap: Sourced
    rules: list[Rule]
    legal_basis: list[Sourced]
    tally: TallyVocab

    def cap_figure(self, base_kind: str | None, total: int, formal: int) -> CapFigure:
        """The ⅓ guideline for a branch of `total` members, `formal` of them graded, with its sources."""
        fig = self.tally.cap.figure(base_kind, total, formal, grade=self.grade_names[0])
        return fig.model_copy(update={"sources": list(self.excellent_cap.sources)})

    @property
    def grade_names(self) -> list[str]:
        """优秀, 合格, 基本合格, 不合格."""
        return [g.name for g in self.grades]

    def rule(self, rule_id: str) -> Rule:
        """A rule by its id."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"没有评议规则 {rule_id}；已有：{'、'.join(r.id for r in self.rules)}")


def editions_dir() -> Path:
    """Where edition files live; HANDBOOK_EDITIONS_DIR points a test or a fork elsewhere."""
    return settings.current().editions_dir or EDITIONS_DIR


def load_common(directory: Path | None = None) -> Common:
    """Load editions/common.yml (sources, grades, rules)."""
    path = (directory or editions_dir()) / "common.yml"
    data, lines = load_yaml(path)
    ids = set((data or {}).get("sources", {}) or {}) if isinstance(data, dict) else set()
    return validate(Common, data, lines, path, {"source_ids": ids})


def load_edition(path: Path, common: Common | None = None) -> Edition:
    """Load and validate one edition file."""
    # A local edition's folder has no common.yml: it shares upstream's.
    common = common or load_common(path.parent if (path.parent / "common.yml").is_file() else None)
    data, lines = load_yaml(path)
    own = (data.get("documents") or {}) if isinstance(data, dict) else {}
    ids = set(common.sources) | (set(own) if isinstance(own, dict) else set())
    edition = validate(Edition, data, lines, path, {"source_ids": ids})
    m = YEAR_FILE.match(path.name)
    if m and int(m.group(1)) != edition.year:
        msg = f"年度 {edition.year} 与文件名不符"
        raise InputError(path, msg, "year", lines.get(("year",)))
    return edition


def local_edition_paths() -> list[Path]:
    """A fork's editions in local/editions/, read after editions/."""
    d = local_dir() / "editions"
    return sorted(p for p in d.iterdir() if YEAR_FILE.match(p.name)) if d.is_dir() else []


def edition_paths(directory: Path | None = None) -> list[Path]:
    """Edition files, oldest first; a local file replaces the upstream file of the same year."""
    d = directory or editions_dir()
    by_name = {p.name: p for p in d.iterdir() if YEAR_FILE.match(p.name)}
    by_name.update({p.name: p for p in local_edition_paths()})
    return [by_name[name] for name in sorted(by_name)]


def load_all(directory: Path | None = None) -> dict[int, Edition]:
    """Every edition, validated; all errors of all files reported together."""
    d = directory or editions_dir()
    common = load_common(d)
    loaded = load_each(edition_paths(d), lambda p: load_edition(p, common))
    out = {e.year: e for e in loaded}
    if not out:
        raise InputError(d, "没有年度资料文件（应有 2021.yml 这样的文件）")
    return out


def latest_year(directory: Path | None = None) -> int:
    """The newest edition's year, from the file names alone."""
    paths = edition_paths(directory)
    if not paths:
        raise InputError(directory or editions_dir(), "没有年度资料文件（应有 2021.yml 这样的文件）")
    return int(YEAR_FILE.match(paths[-1].name).group(1))


@cache
def _cached_all(directory: str, stamp: tuple) -> tuple[Common, dict[int, Edition]]:
    d = Path(directory)
    return load_common(d), load_all(d)


def snapshot(directory: Path | None = None) -> tuple[Common, dict[int, Edition]]:
    """Common data and all editions, re-read only when a file changed (keeps `mkdocs serve` quick)."""
    d = directory or editions_dir()
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in [*sorted(d.glob("*.yml")), *local_edition_paths()])
    return _cached_all(str(d), stamp)


def select(year: int | None = None) -> tuple[Common, Edition, dict[int, Edition]]:
    """Common data, one edition (default: the newest) and all editions; an unknown year is an input error."""
    common, editions = snapshot()
    year = year or latest_year()
    if year not in editions:
        known = "、".join(str(y) for y in sorted(editions))
        where = "editions/ 或 local/editions/ 中的文件"
        raise InputError("--edition", f"没有{year}年度的资料；已有：{known}（{where}）")
    return common, editions[year], editions


def cn_date(day, blank: str = "") -> str:
    """A date as Chinese documents write it: 2022年3月5日 (1980年5月 when the day is unknown), or blank."""
    # day: a datetime.date or a roster's Day (year, month, day or None).
    if not day:
        return blank
    return f"{day.year}年{day.month}月" + (f"{day.day}日" if day.day else "")


def deadline_text(edition: Edition, step: str) -> str:
    """A step's deadline in words; when the notice leaves it open, the branch's plan sets it."""
    sched = edition.schedule
    day = sched.steps.get(step)
    if sched.example_of:
        # One unit's dates are an example, never the year's deadline.
        example = f"；例：{sched.example_of}要求{cn_date(day)}前" if day else ""
        return f"由本支部方案确定（以上级通知为准{example}）"
    if day:
        return f"{cn_date(day)}前"
    if sched.finish:
        return f"由本支部方案确定（须在{cn_date(sched.finish)}前完成全部工作）"
    return "由本支部方案确定（以上级通知为准）"


def finish_text(edition: Edition) -> str:
    """When all work must be done, in words; one unit's date is given as that unit's example."""
    sched = edition.schedule
    if not sched.finish:
        return "上级通知规定的时间"
    if sched.example_of:
        return f"上级通知规定的时间（例：{sched.example_of}定为{cn_date(sched.finish)}）"
    return cn_date(sched.finish)
