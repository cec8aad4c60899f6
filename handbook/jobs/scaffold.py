"""`handbook new-edition`: a new year's edition scaffolded from an earlier one, with what to check marked."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from ..errors import InputError
from ..model.editions import (
    FACT_KEYS,
    PENDING_FIELDS,
    edition_paths,
    editions_dir,
    load_all,
    load_common,
    load_edition,
)
from ..paths import local_dir
from ..yamlio import load_yaml

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
    data = dict(data)
    pending = [k for k, v in (data.get("confidence") or {}).items() if v == "pending"]
    # A year still waiting for its notice has nothing to copy for those facts: they stay pending.
    for fact in pending:
        for key in PENDING_FIELDS.get(fact, ()):
            data.setdefault(key, None)
    old = int(data["year"])
    delta = year - old
    oldlabel, newlabel = f"{old}年度", f"{year}年度"
    notice = dict(data["notice"] or {})
    if notice.get("title"):
        notice["title"] = notice["title"].replace(oldlabel, newlabel)
    notice["number"] = None
    notice["confirmed"] = False
    theme_short = re.sub(r"^待核对[：:]", "", str(data["theme_short"] or ""))
    out = {
        "year": year,
        "title": str(data.get("title") or f"{oldlabel}基层党组织组织生活会和民主评议党员").replace(
            oldlabel, newlabel
        ),
        "confidence": dict.fromkeys(FACT_KEYS, "uncertain"),
        "confidence_note": (
            f"本年度资料由 handbook new-edition 从{oldlabel}复制生成，"
            f"通知、主题、学习内容、查摆重点和时间安排尚未与{newlabel}上级通知核对。"
        ),
        "notice": notice,
        "theme": data["theme"],
        "theme_short": f"待核对：{theme_short}",
        "study": data["study"],
        "focus": data["focus"],
        "schedule": _shifted_schedule(data["schedule"], delta),
    }
    if data.get("rule_overrides"):
        out["rule_overrides"] = data["rule_overrides"]
    for fact in pending:
        out["confidence"][fact] = "pending"
        for key in PENDING_FIELDS.get(fact, ()):
            out.pop(key, None)
    return _annotated(out, old, year)


def _shifted_schedule(schedule: dict | None, delta: int) -> dict:
    """The previous year's schedule moved by `delta` years (dates and the years named in its text)."""
    sched = dict(schedule or {})
    sched["window"] = _shift_years_in_text(sched.get("window"), delta)
    sched["note"] = _shift_years_in_text(sched.get("note"), delta)
    sched["steps"] = {k: _shift_date(v, delta) for k, v in (sched.get("steps") or {}).items()}
    sched["finish"] = _shift_date(sched.get("finish"), delta)
    sched["report"] = _shift_date(sched.get("report"), delta)
    return sched


def _annotated(out: dict, old: int, year: int) -> str:
    """The new edition's YAML, each field still to check under a "TODO 核对" line."""
    oldlabel, newlabel = f"{old}年度", f"{year}年度"
    parts = [
        f"# {newlabel}: scaffolded by `handbook new-edition {year} --from {old}` on {dt.date.today()}.\n"
        f"# 本文件从{oldlabel}复制而来。请对照{newlabel}上级通知，逐项核对下面标有“TODO 核对”的字段，\n"
        "# 核对后删除该行注释；每核对一项，把 confidence 下对应的一项改为 confirmed（或 reported），\n"
        "# 全部为 confirmed 后删除 confidence_note。上一年度的 related_notices 和 specials 没有复制：\n"
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
    for p in edition_paths():
        if p.name == f"{year}.yml":
            return p
    raise InputError(f"{year}.yml", "找不到该年度的资料文件")
