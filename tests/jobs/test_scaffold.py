"""New editions: scaffolded from the newest, never overwritten; a local edition replaces upstream's."""

from __future__ import annotations

import pytest

from handbook.errors import InputError


def test_new_edition_scaffolds_and_refuses_overwrite(editions_copy):
    from handbook.jobs.scaffold import new_edition
    from handbook.model.editions import load_all, snapshot

    ed = editions_copy
    before = load_all()
    newest = max(before)
    # From the newest year whose notice is known (a year still waiting for its notice has nothing to copy).
    known = max(y for y, e in before.items() if not e.pending("notice"))
    path = new_edition(newest + 1, from_year=known)
    assert path == ed / f"{newest + 1}.yml"
    text = path.read_text(encoding="utf-8")
    for key in ("notice", "theme", "theme_short", "study", "focus", "schedule"):
        idx = text.index(f"\n{key}:")
        assert text[:idx].rstrip().splitlines()[-1].startswith("# TODO 核对："), key
    new = snapshot()[1][newest + 1]
    old = before[known]
    assert new.overall == "uncertain" and new.confidence_note
    assert new.confidence.unsure() == ["通知", "主题", "学习内容", "查摆重点", "时间要求"]
    assert new.theme_short.startswith("待核对") and new.theme_short != old.theme_short
    assert new.label == f"{newest + 1}年度" and str(newest + 1) in new.title
    if old.schedule.finish:
        assert new.schedule.finish.year == old.schedule.finish.year + newest + 1 - known
    with pytest.raises(InputError, match="不会覆盖"):
        new_edition(newest + 1, from_year=known)


def test_local_edition_overrides_upstream(editions_copy):
    from handbook.jobs.scaffold import new_edition
    from handbook.model.editions import snapshot

    local = editions_copy.parent / "local"
    _, editions = snapshot()
    year = min(editions)
    path = new_edition(year + 50, from_year=year, into="local")
    assert path.parent == local / "editions"
    # Same year as upstream: the local file wins.
    text = path.read_text(encoding="utf-8").replace(f"year: {year + 50}", f"year: {year}")
    (local / "editions" / f"{year}.yml").write_text(text.replace("待核对：", "本单位："), encoding="utf-8")
    editions = snapshot()[1]
    assert editions[year].theme_short.startswith("本单位：")
    assert year + 50 in editions
