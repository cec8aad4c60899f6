"""The 本年度变化 page body: a diff of two editions as Markdown with source badges."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from ..model.changes import Section
from ..model.editions import PENDING_HINT, Edition
from .register import quoted_rule


def _status(s: Section) -> str:
    """The summary table's cell: changed, the same, unknown in both years, or waiting for the notice."""
    if s.pending:
        return "**待上级通知**"
    if s.changed:
        return "**有变化**"
    return "均未掌握" if not any(c.kind == "same" for c in s.changes) else "相同"


def _unchanged(s: Section) -> str:
    """The text of a part with no change: what is the same, and what neither year's facts give."""
    if not s.unknown:
        return "与上一年度相同。"
    if not any(c.kind == "same" for c in s.changes):
        return "两个年度均未掌握。"
    same = [c.label for c in s.changes if c.kind == "same" and c.label]
    head = f"{'、'.join(same)}与上一年度相同" if same else "其余内容与上一年度相同"
    return f"{head}；{'、'.join(s.unknown)}两个年度均未掌握。"


def _section_lines(s: Section, badge: Callable[..., str]) -> list[str]:
    """One section of the page: its heading, then what changed (or that it waits or is the same)."""
    out = [f"## {s.title} {{#chg-{s.key}}}\n"]
    if s.pending:
        fact = s.changes[0].label
        return [*out, f"待上级通知：通知下发后，按通知中{PENDING_HINT[fact]}填写。\n"]
    if not s.changed:
        return [*out, f"{_unchanged(s)}\n"]
    # A rule's words are the register's (marked as such), whichever year they come from.
    text = quoted_rule if s.key == "rules" else escape
    for c in s.changes:
        if c.kind == "same":
            continue
        label = f"{escape(c.label)}：" if c.label else ""
        if c.kind == "changed":
            out.append(f"- {label}**改为** {text(c.text)}{badge(*c.sources)}")
            out.append(f"    <br>（上一年度：{text(c.old or '')}{badge(*c.old_sources)}）")
        elif c.kind == "added":
            out.append(f"- {label}**新增** {text(c.text)}{badge(*c.sources)}")
        else:
            out.append(f"- {label}**不再列入** <del>{text(c.text)}</del>{badge(*c.sources)}")
    if s.unknown:
        out.append(f"- {'、'.join(s.unknown)}：两个年度均未掌握。")
    same = sum(c.kind == "same" for c in s.changes)
    if same and s.key not in ("schedule", "notice", "theme"):
        out.append(f"- 其余 {same} 项与上一年度相同。")
    out.append("")
    return out


def changes_markdown(
    prev: Edition | None, cur: Edition, sections: list[Section], badge: Callable[..., str]
) -> str:
    """The 本年度变化 page body in Markdown; `badge(*ids)` renders source badges."""
    if prev is None:
        return (
            f"{cur.label}是本手册收录的最早年度，没有上一年度用来比较。"
            "以后各年度的本页列出与上一年度相比的变化。\n"
        )
    out = []
    if cur.waiting:
        out += [
            f"**{cur.label}的上级通知尚未下发。**\n",
            "- **沿用的内容**：工作流程和各步骤做法、评议规则（四个等次、优秀比例、预备党员等）、"
            "表格、主持词和文稿的框架、检查清单、计票与评定，与往年相同，现在就能用来准备。",
            f"- **等待通知的内容**：{'、'.join(cur.waiting)}。手册和文稿中这些地方留有空白（＿＿＿＿），"
            "通知下发后按通知填写；下表中标为“待上级通知”。\n",
        ]
    out += [
        f"与上一年度（**{prev.label}**）相比，{cur.label}的变化如下，均根据两个年度的资料自动对比得出；"
        "角标表示出处，点击可查看；“相同”表示与上一年度一致。\n",
        "| 内容 | 与上一年度相比 |",
        "|---|---|",
    ]
    for s in sections:
        if s.changes:
            out.append(f"| [{s.title}](#chg-{s.key}) | {_status(s)} |")
    out.append("")
    for s in sections:
        if s.changes:
            out += _section_lines(s, badge)
    return "\n".join(out)
