"""A fork's own data in local/: the unit profile, local editions and pages, and yearly edition scaffolding.

Interfaces other parts of the kit use:
- `local_dir()`: the overlay folder (HANDBOOK_LOCAL_DIR, default local/ in the repository);
- `load_unit(path) -> Unit` and `current_unit() -> Unit` (an empty profile when there is no unit.yml);
- `default_roster() -> Path | None`: local/roster.csv or local/roster.xlsx when present;
- `new_edition(year, ...)`: scaffold editions/<年度>.yml from an earlier edition;
- `merge_local_docs(files, config)`: the mkdocs on_files step that adds local/docs pages.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from . import ROOT
from .errors import InputError
from .yamlio import load_yaml, validate

BLANK = "＿＿＿＿"


def local_dir() -> Path:
    """The fork's overlay folder; HANDBOOK_LOCAL_DIR points a test or a second unit elsewhere."""
    return Path(os.environ.get("HANDBOOK_LOCAL_DIR") or ROOT / "local")


# --- unit profile (local/unit.yml) ---------------------------------------------------------------


class _Strict(BaseModel):
    # Chinese keys in the file (people edit it), English attributes in code; unknown keys are errors.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Meeting(_Strict):
    """Date, time and place of one meeting."""

    date: dt.date | None = Field(None, alias="日期")
    time: str | None = Field(None, alias="时间")
    place: str | None = Field(None, alias="地点")


class Group(_Strict):
    """A 党小组 and its leader."""

    name: str = Field(alias="名称", min_length=1)
    leader: str | None = Field(None, alias="组长")


class Person(_Strict):
    """A contact: the superior's representative or the notice's contact person."""

    name: str | None = Field(None, alias="姓名")
    title: str | None = Field(None, alias="职务")
    phone: str | None = Field(None, alias="电话")


class Meetings(_Strict):
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


class Deadlines(_Strict):
    """The branch's own deadline for each step (where the superior's notice leaves it open)."""

    plan: dt.date | None = Field(None, alias="制定方案")
    study: dt.date | None = Field(None, alias="集中学习")
    talks: dt.date | None = Field(None, alias="谈心谈话")
    problems: dt.date | None = Field(None, alias="查摆问题")
    criticism: dt.date | None = Field(None, alias="批评和自我批评")
    evaluation: dt.date | None = Field(None, alias="民主评议")
    rectify: dt.date | None = Field(None, alias="整改落实")
    report: dt.date | None = Field(None, alias="总结上报")


class Unit(_Strict):
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

    @property
    def committee(self) -> list[str]:
        """Committee members in order: secretary, deputy, members."""
        return [x for x in (self.secretary, self.deputy, *self.members) if x]


def load_unit(path: str | Path) -> Unit:
    """Load and validate a unit profile; errors name the file, the field and the line."""
    path = Path(path)
    data, lines = load_yaml(path)
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


class Blankable:
    """A read-only view for page templates: missing values show as ＿＿＿＿, present ones HTML-escaped."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name: str):
        from markupsafe import Markup, escape

        value = getattr(self._obj, name)
        if value is None or value == []:
            return Markup(BLANK)
        if isinstance(value, BaseModel):
            return Blankable(value)
        if isinstance(value, dt.date):
            return f"{value.year}年{value.month}月{value.day}日"
        if isinstance(value, list):
            return Markup("、").join(escape(str(v)) for v in value)
        return escape(str(value))

    def __bool__(self) -> bool:
        return any(v not in (None, []) for v in self._obj.model_dump().values())


# --- local pages (local/docs) --------------------------------------------------------------------


def merge_local_docs(files, config):
    """Add local/docs pages to the site; a page with an upstream page's path replaces it."""
    from mkdocs.structure.files import File

    docs = local_dir() / "docs"
    if not docs.is_dir():
        return files
    added: list[str] = []
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        rel = path.relative_to(docs).as_posix()
        old = files.get_file_from_path(rel)
        if old is not None:
            files.remove(old)
        elif rel.endswith(".md"):
            added.append(rel)
        files.append(File(rel, str(docs), config["site_dir"], config["use_directory_urls"]))
    if added and config.get("nav") is not None:
        # New pages get their own section so a fork never edits mkdocs.yml (upstream merges stay clean).
        config["nav"].append({"本单位": added})
    return files


# --- new editions ---------------------------------------------------------------------------------

CHECK_FIELDS = {
    "notice": "通知的发文机关、标题和文号",
    "theme": "主题全文",
    "theme_short": "主题简称（去掉“待核对”前缀，改为本年度主题中有代表性的短语）",
    "study": "学习内容",
    "focus": "查摆重点（支委会对照什么、党员看什么、查找哪些方面）",
    "schedule": "时间安排（各步骤时限、完成日期、报送日期）",
}


def _shift_date(d: dt.date | None, years: int) -> dt.date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a non-leap year
        return d.replace(year=d.year + years, day=28)


def _shift_years_in_text(text: str | None, years: int) -> str | None:
    if not text:
        return text
    return re.sub(r"(?<!\d)(\d{4})(?=年)", lambda m: str(int(m.group(1)) + years), text)


def _dump(key: str, value) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=100)


def scaffold_text(source: Path, year: int) -> str:
    """YAML text of a new edition for `year` made from the edition file `source`."""
    data, _ = load_yaml(source)
    old = int(data["year"])
    delta = year - old
    oldlabel, newlabel = f"{old}年度", f"{year}年度"
    notice = dict(data["notice"])
    if notice.get("title"):
        notice["title"] = notice["title"].replace(oldlabel, newlabel)
    notice["number"] = None
    notice["confirmed"] = False
    sched = dict(data["schedule"])
    sched["window"] = _shift_years_in_text(sched.get("window"), delta)
    sched["note"] = _shift_years_in_text(sched.get("note"), delta)
    sched["steps"] = {k: _shift_date(v, delta) for k, v in (sched.get("steps") or {}).items()}
    sched["finish"] = _shift_date(sched.get("finish"), delta)
    sched["report"] = _shift_date(sched.get("report"), delta)
    theme_short = re.sub(r"^待核对[：:]", "", str(data["theme_short"]))
    out = {
        "year": year,
        "title": str(data.get("title") or f"{oldlabel}基层党组织组织生活会和民主评议党员").replace(
            oldlabel, newlabel
        ),
        "confidence": "uncertain",
        "confidence_note": (
            f"本年度资料由 handbook new-edition 从{oldlabel}复制生成，"
            f"通知、主题、学习内容、查摆重点和时间安排尚未与{newlabel}上级通知核对。"
        ),
        "notice": notice,
        "theme": data["theme"],
        "theme_short": f"待核对：{theme_short}",
        "study": data["study"],
        "focus": data["focus"],
        "schedule": sched,
    }
    if data.get("rule_overrides"):
        out["rule_overrides"] = data["rule_overrides"]
    parts = [
        f"# {newlabel}: scaffolded by `handbook new-edition {year} --from {old}` on {dt.date.today()}.\n"
        f"# 本文件从{oldlabel}复制而来。请对照{newlabel}上级通知，逐项核对下面标有“TODO 核对”的字段，\n"
        "# 核对后删除该行注释；全部核对完成后把 confidence 改为 confirmed（或 reported），\n"
        "# 并删除 confidence_note。上一年度的 related_notices 和 specials 没有复制：\n"
        "# 如本年度通知有类似内容，请按通知补充并注明来源。\n"
    ]
    for key, value in out.items():
        if key in CHECK_FIELDS:
            what = CHECK_FIELDS[key]
            parts.append(f"# TODO 核对：{what}——下面仍是{oldlabel}的内容，请按{newlabel}通知修改\n")
        elif key == "rule_overrides":
            parts.append(f"# TODO 核对：{oldlabel}对规则的特别规定是否仍然适用\n")
        parts.append(_dump(key, value))
    return "".join(parts)


def new_edition(year: int, from_year: int | None = None, into: str = "editions") -> Path:
    """Write a scaffolded edition file for `year`, validated; refuse to overwrite an existing file."""
    from .editions import editions_dir, load_all, load_common, load_edition

    if into not in ("editions", "local"):
        raise InputError("--into", f"应为 editions 或 local，不是“{into}”")
    editions = load_all()
    if from_year is None:
        earlier = [y for y in editions if y < year] or list(editions)
        from_year = max(earlier)
    if from_year not in editions:
        known = "、".join(str(y) for y in sorted(editions))
        raise InputError("--from", f"没有{from_year}年度的资料；已有：{known}")
    source = _edition_file(from_year)
    target_dir = editions_dir() if into == "editions" else local_dir() / "editions"
    target = target_dir / f"{year}.yml"
    if target.exists():
        raise InputError(target, "文件已存在，不会覆盖；如要重新生成，请先自行改名或删除该文件")
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = target_dir / f".{year}.yml.tmp"
    tmp.write_text(scaffold_text(source, year), encoding="utf-8")
    try:
        load_edition(tmp, load_common(editions_dir()))
        if target.exists():  # created meanwhile by someone else: still never overwrite
            raise InputError(target, "文件已存在，不会覆盖")
        tmp.rename(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _edition_file(year: int) -> Path:
    from .editions import edition_paths

    for p in edition_paths():
        if p.name == f"{year}.yml":
            return p
    raise InputError(f"{year}.yml", "找不到该年度的资料文件")


# --- command line ---------------------------------------------------------------------------------


def cmd_new_edition(args) -> int:
    """Scaffold a new yearly edition and tell the secretary what to check."""
    path = new_edition(int(args.year), int(args.from_year) if args.from_year else None, args.into)
    marks = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# TODO 核对"))
    print(f"已生成 {path}（校验通过）")
    print(f"其中 {marks} 处标有“# TODO 核对”：请对照{args.year}年度上级通知逐项修改，")
    print("全部核对后把 confidence 改为 confirmed。")
    return 0


def cmd_roster(args) -> int:
    """Check a roster file and say what was read."""
    from .roster import read_roster

    report = read_roster(args.file)
    print(report.summary())
    if report.ignored_columns:
        print(f"未使用的列：{'、'.join(report.ignored_columns)}")
    for w in report.warnings:
        print(f"注意：{w}")
    return 0


def cmd_drafts(args) -> int:
    """Write the draft 工作方案, 通知 and 主持词提纲 as PDFs."""
    from .drafts import write_drafts

    out = write_drafts(
        Path(args.out),
        unit_file=Path(args.unit) if args.unit else None,
        roster_file=Path(args.roster) if args.roster else None,
        year=int(args.edition) if args.edition else None,
        say=print,
    )
    print(f"文稿草稿已写入 {out}")
    return 0


def add_commands(sub) -> None:
    """Register new-edition, roster and drafts on the `handbook` parser."""
    p = sub.add_parser("new-edition", help="scaffold editions/<年度>.yml from an earlier edition")
    p.add_argument("year", type=int, help="年度, e.g. 2026")
    p.add_argument("--from", dest="from_year", help="copy from this 年度 (default: the newest earlier one)")
    p.add_argument("--into", choices=("editions", "local"), default="editions")
    p.set_defaults(func=cmd_new_edition)

    p = sub.add_parser("roster", help="check a roster file (CSV or XLSX) and report what was read")
    p.add_argument("file")
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("drafts", help="write draft 工作方案 / 通知 / 主持词提纲 PDFs")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--unit", help="unit profile (default: local/unit.yml)")
    p.add_argument("--roster", help="roster CSV/XLSX (default: local/roster.csv or .xlsx)")
    p.add_argument("--edition", help="年度 (default: the newest)")
    p.set_defaults(func=cmd_drafts)
