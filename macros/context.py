"""Which edition a build is for, and the text helpers every renderer shares (dates, deadlines)."""

from __future__ import annotations

import datetime as dt
import os

from .editions import STEP_KEYS, Common, Edition, latest_year, select

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


def selected_year() -> int:
    """The edition chosen by HANDBOOK_EDITION (a year or 'latest'); the newest by default."""
    raw = os.environ.get("HANDBOOK_EDITION", "").strip()
    if not raw or raw == "latest":
        return latest_year()
    if not raw.isdigit():
        raise SystemExit(f"HANDBOOK_EDITION={raw!r}: expected a year such as 2021, or 'latest'")
    return int(raw)


def current() -> tuple[Common, Edition, dict[int, Edition]]:
    """Common data, the selected edition, and all editions."""
    return select(selected_year())


def cn_date(day: dt.date | None) -> str:
    """A date as written in Chinese documents: 2022年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def deadline_text(edition: Edition, step: str) -> str:
    """A step's deadline in words; when the notice leaves it open, the branch's plan sets it."""
    day = edition.schedule.steps.get(step)
    if day:
        return f"{cn_date(day)}前"
    if edition.schedule.finish:
        return f"由本支部方案确定（须在{cn_date(edition.schedule.finish)}前完成全部工作）"
    return "由本支部方案确定（以上级通知为准）"
