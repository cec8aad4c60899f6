"""Edition data: every file validates; a broken file gets an error naming file, field and line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from handbook import cli
from handbook.errors import InputError, InputErrors
from handbook.model.editions import (
    BLANK_SHORT,
    EDITIONS_DIR,
    deadline_text,
    finish_text,
    load_all,
    load_common,
)
from handbook.model.forms import load_forms

ROOT = Path(__file__).resolve().parents[2]


EDITIONS = load_all(EDITIONS_DIR)


YEARS = sorted(EDITIONS)


def handbook_cmd() -> list[str]:
    """The installed `handbook` command, or the module when run outside the venv."""
    exe = ROOT / ".venv" / "bin" / "handbook"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "handbook.cli"]


def strings(obj) -> list[str]:
    """Every string inside an edition dump (all text a page could show)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in strings(v)]
    return []


def edition_text(year: int) -> str:
    """All of an edition's text, joined."""
    return "\n".join(strings(EDITIONS[year].model_dump(mode="json")))


def test_every_edition_file_validates():
    files = sorted(p.name for p in EDITIONS_DIR.glob("[0-9][0-9][0-9][0-9].yml"))
    assert [f"{y}.yml" for y in YEARS] == files
    assert {2016, 2020, 2021, 2022, 2023, 2024, 2025} <= set(YEARS)
    common = load_common(EDITIONS_DIR)
    for year, ed in EDITIONS.items():
        assert ed.year == year
        assert set(ed.all_sources()) <= set(common.sources), year


def test_handbook_check_exits_zero():
    env = {k: v for k, v in os.environ.items() if k != "HANDBOOK_EDITIONS_DIR"}
    res = subprocess.run([*handbook_cmd(), "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "年度资料：" in res.stdout and f"表格：{len(load_forms())} 张，通过" in res.stdout


def test_theme_short_is_distinctive():
    common_text = (EDITIONS_DIR / "common.yml").read_text(encoding="utf-8")
    for year, ed in EDITIONS.items():
        if ed.pending("theme"):  # a blank to fill until the notice comes
            assert ed.theme_short == BLANK_SHORT and "＿" in ed.theme.text
            continue
        assert ed.theme_short in ed.theme.text, f"{year}: theme_short is not part of the theme"
        assert ed.theme_short not in common_text, f"{year}: theme_short appears in common.yml"
        for other in YEARS:
            if other != year:
                assert ed.theme_short not in edition_text(other), f"{year}'s theme_short appears in {other}"


# What DOMAIN.md gives for each web-only year, and the stored page each fact must cite.
WEB_FACTS = {
    2022: [("theme", "深刻领悟“两个确立”的决定性意义", "W-2022A"), ("study", "党的二十大报告", "W-2022A"),
           ("study", "修改后的《中国共产党章程》", "W-2022A"), ("study", "二十届一中全会", "W-2022A")],
    2023: [("theme", "学思想、强党性、重实践、建新功", "W-2023B"), ("focus", "组织开展主题教育", "W-2023B"),
           ("focus", "抓好自身建设", "W-2023B"), ("focus", "党性修养", "W-2023A")],
    2024: [("theme", "巩固深化党纪学习教育成果", "W-2024A"),
           ("study", "《中国共产党纪律处分条例》", "W-2024A"),
           ("study", "中办发〔2024〕62号", "W-2024A"), ("study", "《中国共产党章程》", "W-2024A")],
    # 2025: the smee.gist page's theme and study list (DOMAIN's 2025 row), each cited to it.
    2025: [("theme", "持续深化中央八项规定精神学习教育", "W-2025A"),
           ("study", "中央八项规定及其实施细则", "W-2025A"),
           ("study", "习近平新时代中国特色社会主义思想", "W-2025A"),
           ("focus", "把自己、职责、工作摆进去", "W-2025A")],
}


def _fact_items(ed, fact):
    if fact == "theme":
        return [ed.theme]
    if fact == "study":
        return ed.study
    return [*ed.focus.committee, *ed.focus.member]


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_web_only_editions_cite_the_stored_page_for_each_fact(year):
    ed = EDITIONS[year]
    note = ed.confidence_note or ""
    assert "上级" in note and ("核对" in note or "为准" in note), "note must point to the notice"
    for fact, words, source in WEB_FACTS[year]:
        hits = [i for i in _fact_items(ed, fact) if words in i.text]
        assert hits, f"{year} {fact}: {words!r} missing"
        assert all(source in i.sources for i in hits), f"{year} {fact}: {words!r} does not cite {source}"
    assert ed.confidence.schedule == "uncertain" and ed.schedule.finish is None and ed.schedule.report is None
    assert all(d is None for d in ed.schedule.steps.values())
    assert "以上级通知为准" in ed.schedule.window
    assert ed.notice.number is None and not ed.notice.confirmed
    # 2024's 六大纪律 focus is weakly supported; 2025's rests on a stored page.
    assert ed.confidence.focus == ("uncertain" if year == 2024 else "reported")


def test_2022_is_not_2021s_wording_and_2023_is_the_topical_meeting():
    assert "深刻认识" not in EDITIONS[2022].theme.text
    e23 = EDITIONS[2023]
    assert e23.meeting_name == "专题组织生活会"
    assert e23.notice.title == "关于基层党组织召开专题组织生活会和开展民主评议党员的通知"
    assert len(e23.focus.committee) == 6 and len(e23.focus.member) == 4


def test_confidence_belongs_to_each_fact():
    e21 = EDITIONS[2021]
    assert e21.confidence.notice == "confirmed" and e21.notice.number == "组通字〔2021〕46号"
    assert e21.confidence.theme != "confirmed" and e21.overall != "confirmed"
    # The township's deadlines are its own: shown as an example, never as the year's deadline.
    assert e21.schedule.example_of == "某镇党委" and e21.confidence.schedule == "uncertain"
    assert "例：某镇党委" in deadline_text(e21, "report") and "例：某镇党委" in finish_text(e21)


def test_every_web_source_has_an_address_and_every_cited_id_exists():
    common = load_common(EDITIONS_DIR)
    web = {k: s for k, s in common.sources.items() if k.startswith("W-")}
    assert len(web) >= 9
    for sid, s in web.items():
        assert s.kind == "web" and s.url and s.url.startswith("http"), f"{sid} has no stored page address"
    cited = {i for ed in EDITIONS.values() for i in ed.all_sources()}
    cited |= {i for r in common.rules for i in r.sources} | {i for g in common.grades for i in g.sources}
    for page in (ROOT / "docs").rglob("*.md"):
        for call in re.findall(r"src\(([^)]*)\)", page.read_text(encoding="utf-8")):
            cited |= set(re.findall(r'"([A-Z][A-Z0-9-]*)"', call))
    unknown = cited - set(common.sources)
    assert not unknown, f"cited ids missing from common.yml: {sorted(unknown)}"


@pytest.mark.parametrize("year", YEARS)
def test_read_aloud_citation_leaves_blanks_never_a_note(year):
    spoken = EDITIONS[year].notice.spoken
    for note in ("尚未掌握", "本手册", "某高校", "某市", "某镇", "某县"):
        assert note not in spoken, f"{year}: {spoken}"
    if not EDITIONS[year].notice.title:
        assert "《＿＿＿＿＿＿＿＿》" in spoken and "〔＿＿〕" in spoken


def test_2016_and_2020_follow_their_seeds():
    e16, e20 = EDITIONS[2016], EDITIONS[2020]
    assert e16.notice.level == "local" and not e16.notice.confirmed
    assert str(e16.schedule.finish) == "2017-03-23" and e16.schedule.example_of
    assert any(s.title == "四对照四查看" and len(s.items) == 4 for s in e16.specials)
    assert e16.focus.member_areas == ["政治合格", "执行纪律合格", "品德合格", "发挥作用合格"]
    assert e16.procedure and "对照检查" in e16.procedure.text and e16.procedure.sources == ["S004"]
    assert str(e20.schedule.finish) == str(e20.schedule.report) == "2021-03-20"
    # S002 cites only the city's notice: the edition follows it and claims no central notice.
    assert e20.notice.number == "连组通〔2021〕2号" and e20.notice.level == "city"
    assert e20.focus.member_areas == ["政治", "思想", "学习", "工作", "能力", "作风"]


def test_2024_does_not_carry_the_stale_copied_theme():
    text = edition_text(2024)
    for stale in ("贵州省代表团", "十九大"):
        assert stale not in text


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line that starts with needle."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.startswith(needle):
            return i
    raise AssertionError(f"{needle!r} not in file")


def replace_line(text: str, start: str, new: str) -> str:
    """Replace the first line that starts with `start`."""
    lines = text.splitlines()
    i = line_of(text, start) - 1
    lines[i] = new
    return "\n".join(lines) + "\n"


ORIGINAL = (EDITIONS_DIR / "2021.yml").read_text(encoding="utf-8")


def _case_misspelt():
    line = line_of(ORIGINAL, "  window:")
    text = replace_line(ORIGINAL, "  window:", "  windw: 2022年1月至2月")
    return text, "schedule.windw", line, "没有这个字段（请检查拼写）"


def _case_missing():
    text = "\n".join(x for x in ORIGINAL.splitlines() if not x.startswith("  window:")) + "\n"
    return text, "schedule.window", line_of(ORIGINAL, "schedule:"), "缺少必填字段"


def _case_impossible_date():
    line = line_of(ORIGINAL, "  finish:")
    return replace_line(ORIGINAL, "  finish:", "  finish: 2022-02-30"), "schedule.finish", line, "应为日期"


def _case_string_date():
    line = line_of(ORIGINAL, "  finish:")
    return replace_line(ORIGINAL, "  finish:", "  finish: 二月底"), "schedule.finish", line, "应为日期"


def _case_unknown_source():
    line = line_of(ORIGINAL, "  sources:")  # the notice's sources come first
    text = replace_line(ORIGINAL, "  sources:", "  sources: [S009]")
    return text, "notice.sources", line, "未知的来源编号 S009"


def _case_yaml_syntax():
    line = line_of(ORIGINAL, "theme_short:")
    return replace_line(ORIGINAL, "theme_short:", "theme_short: 全会: 精神"), None, line, "YAML 格式错误"


def _case_duplicate_key():
    line = line_of(ORIGINAL, "title:")
    lines = ORIGINAL.splitlines()
    lines.insert(line, "title: 重复的标题")
    return "\n".join(lines) + "\n", None, line + 1, f"键 title 重复（第一次出现在第 {line} 行）"


CASES = {
    "misspelt key": _case_misspelt,
    "missing field": _case_missing,
    "impossible date": _case_impossible_date,
    "string date": _case_string_date,
    "unknown source": _case_unknown_source,
    "yaml syntax": _case_yaml_syntax,
    "duplicate key": _case_duplicate_key,
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_edition_names_file_field_and_line(case, editions_copy, capsys):
    text, field, line, words = CASES[case]()
    path = editions_copy / "2021.yml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises((InputError, InputErrors)) as info:
        load_all()
    errors = info.value.errors if isinstance(info.value, InputErrors) else [info.value]
    hits = [e for e in errors if e.field == field and e.line == line]
    assert hits, f"no error at {field}:{line}; got {[str(e) for e in errors]}"
    err = hits[0]
    assert Path(err.file) == path
    assert words in err.message

    assert cli.main(["check"]) != 0
    where = f"{path}:{line}" + (f": {field}" if field else "")
    assert where in capsys.readouterr().err


def test_handbook_check_command_fails_on_a_broken_file(editions_copy):
    text, field, line, _ = _case_misspelt()
    (editions_copy / "2021.yml").write_text(text, encoding="utf-8")
    res = subprocess.run([*handbook_cmd(), "check"], cwd=ROOT, env=dict(os.environ), capture_output=True,
                         text=True, timeout=120)
    assert res.returncode != 0
    assert f"2021.yml:{line}: {field}: 没有这个字段" in res.stderr


def test_good_copy_still_checks(editions_copy, capsys):
    # Negative control for the scenario tests: the untouched copy passes.
    assert cli.main(["check"]) == 0
