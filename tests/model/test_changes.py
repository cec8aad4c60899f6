"""本年度变化: a pure diff of two editions and its Markdown."""

from __future__ import annotations

import pytest

from handbook.model.changes import diff_editions, previous_edition
from handbook.model.editions import Sourced, load_all, load_common
from handbook.render.changes import changes_markdown


@pytest.fixture(scope="module")
def eds():
    """All editions and the common data."""
    return load_all(), load_common()


def _next(ed, **update):
    return ed.model_copy(update={"year": ed.year + 1, **update})


def test_diff_identical_editions_has_no_change(eds):
    editions, common = eds
    base = editions[max(editions)]
    sections = diff_editions(base, _next(base), common)
    assert sections and not any(s.changed for s in sections)


def test_diff_oldest_edition_has_no_previous(eds):
    editions, _ = eds
    oldest = min(editions)
    assert previous_edition(editions, oldest) is None
    assert diff_editions(None, editions[oldest]) == []
    assert "没有上一年度" in changes_markdown(None, editions[oldest], [], lambda *a: "")


def test_diff_finds_each_kind_of_change(eds):
    editions, common = eds
    # A year with dates, so its schedule is compared field by field.
    base = next(e for y, e in sorted(editions.items(), reverse=True) if e.schedule.finish)
    rule_id = next(r.id for r in common.rules if r.id not in base.rule_overrides)
    new_item = Sourced(text="新增的学习材料", sources=["W"])
    cur = _next(
        base,
        theme=Sourced(text="新的主题", sources=["W"]),
        study=[*base.study[1:], new_item],
        focus=base.focus.model_copy(update={"member_areas": [*base.focus.member_areas[1:], "新方面"]}),
        schedule=base.schedule.model_copy(update={"window": "另一个时间段"}),
        rule_overrides={**base.rule_overrides, rule_id: Sourced(text="本年度另有规定", sources=["W"])},
    )
    by_key = {s.key: s for s in diff_editions(base, cur, common)}
    assert by_key["theme"].changes[0].kind == "changed"
    assert by_key["theme"].changes[0].old == base.theme.text
    study = {(c.kind, c.text) for c in by_key["study"].changes}
    assert ("added", "新增的学习材料") in study and ("removed", base.study[0].text) in study
    assert ("added", "新方面") in {(c.kind, c.text) for c in by_key["areas"].changes}
    assert ("removed", base.focus.member_areas[0]) in {(c.kind, c.text) for c in by_key["areas"].changes}
    window = next(c for c in by_key["schedule"].changes if c.label == "时间安排")
    assert (window.kind, window.text, window.old) == ("changed", "另一个时间段", base.schedule.window)
    rule = next(c for c in by_key["rules"].changes if c.label == common.rule(rule_id).title)
    assert rule.kind == "added" and rule.label == common.rule(rule_id).title and rule.sources == ("W",)
    assert not by_key["notice"].changed and not by_key["committee"].changed
    md = changes_markdown(base, cur, list(by_key.values()), lambda *ids: f"[{','.join(ids)}]")
    assert "新的主题[W]" in md and f"<del>{base.study[0].text}</del>" in md


def test_a_fact_unknown_in_both_years_is_not_reported_as_unchanged(eds):
    editions, common = eds
    base = next(e for e in editions.values() if not e.notice.title and not e.schedule.finish)
    cur = _next(base)
    by_key = {s.key: s for s in diff_editions(base, cur, common)}
    assert by_key["notice"].unknown and by_key["schedule"].unknown
    assert not by_key["notice"].changed
    md = changes_markdown(base, cur, list(by_key.values()), lambda *ids: "")
    assert "| [通知](#chg-notice) | 均未掌握 |" in md and "| [时间安排](#chg-schedule) | 均未掌握 |" in md
    notice_part = md.split("{#chg-notice}")[1].split("##")[0]
    assert "两个年度均未掌握" in notice_part and "与上一年度相同" not in notice_part
