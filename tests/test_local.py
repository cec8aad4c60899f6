"""The fork's local/ overlay: rosters, the unit profile, new editions, local pages and the draft documents."""

from __future__ import annotations

import datetime as dt
import subprocess
import warnings

import pytest

from handbook.errors import InputError, InputErrors
from handbook.model.roster import RosterError, RosterWarning, labels, load_roster, read_roster

HEADER = "姓名,性别,出生年月,入党时间,党员类别,党小组,职务,流动党员,领导干部"
ROWS = [
    "张三,男,1975.03,1998.07,正式党员,第一党小组,科长,否,是",
    "李四,女,1982-11,2006-06,正式党员,第一党小组,科员,否,否",
    "王五,男,1979年8月,2003年7月,预备党员,第二党小组,科员,是,否",
    "赵六,女,1990/5/1,2015/6/30,正式,第二党小组,,,",
]


def write_csv(path, lines, encoding="utf-8"):
    """A CSV roster in the given encoding."""
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def errors_of(exc) -> list[InputError]:
    """The individual errors of an InputError or InputErrors."""
    return exc.errors if isinstance(exc, InputErrors) else [exc]


def one_error(path) -> RosterError:
    """Read a bad roster; return its single error."""
    with pytest.raises((InputError, InputErrors)) as info:
        read_roster(path)
    errs = errors_of(info.value)
    assert len(errs) == 1, [str(e) for e in errs]
    return errs[0]


# --- rosters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "BOM"), ("gbk", "GB18030"), ("gb18030", "GB18030")],
)
def test_csv_encodings(tmp_path, encoding, label):
    path = write_csv(tmp_path / "roster.csv", [HEADER, *ROWS], encoding)
    report = read_roster(path)
    assert label in report.encoding
    assert [m.name for m in report.members] == ["张三", "李四", "王五", "赵六"]
    zs, _, ww, zl = report.members
    assert zs.birth.cn == "1975年3月" and zs.leader and zs.row == 2
    assert ww.probationary and ww.mobile and ww.joined.cn == "2003年7月" and ww.group == "第二党小组"
    assert zl.birth.cn == "1990年5月1日" and zl.category == "正式党员" and zl.position is None


def test_xlsx_with_title_row_and_excel_dates(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某某党支部党员名册"])  # a title above the header is common
    ws.append(["序号", "姓名", "性别", "出生日期", "入党时间", "党员类别", "党小组"])
    ws.append([1, "张三", "男", dt.datetime(1980, 5, 1), 1999.1, "正式党员", "第一党小组"])
    ws.append([2, "李四", "女", "1985.06", "2024-07", "预备党员", None])
    path = tmp_path / "名册.xlsx"
    wb.save(path)
    members = load_roster(path)
    assert [m.name for m in members] == ["张三", "李四"]
    assert members[0].birth.cn == "1980年5月1日"
    assert members[0].joined.cn == "1999年10月"  # Excel stores a typed 1999.10 as 1999.1
    assert members[0].row == 3 and members[1].probationary


def test_missing_required_column_lists_found(tmp_path):
    path = write_csv(tmp_path / "r.csv", ["姓名,性别,出生年月", "张三,男,1980.05"])
    err = one_error(path)
    assert err.row == 1 and err.column == "党员类别"
    assert "r.csv" in str(err) and "第1行" in str(err) and "姓名、性别、出生年月" in str(err)


def test_missing_name_column(tmp_path):
    err = one_error(write_csv(tmp_path / "r.csv", ["名单,类别", "张三,正式党员"]))
    assert err.column == "姓名" and "名单" in str(err)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("张三,男,1980.05,2001.07,党员积极分子,第一党小组", "党员类别", "未知的党员类别"),
        (",男,1980.05,2001.07,正式党员,第一党小组", "姓名", "姓名为空"),
        ("张三,男,1980-13,2001.07,正式党员,第一党小组", "出生年月", "13月不存在"),
        ("张三,男,1980.05,1979.06,正式党员,第一党小组", "入党时间", "早于出生年月"),
        ("张三,男,1980.02.30,2001.07,正式党员,第一党小组", "出生年月", "不存在"),
        ("张三,男,去年,2001.07,正式党员,第一党小组", "出生年月", "看不懂的日期"),
        ("张三,男,1980.05,2001.07,正式党员,第一党小组,,也许", "流动党员", "是"),
    ],
)
def test_bad_values_name_file_row_column(tmp_path, row, column, words):
    path = write_csv(
        tmp_path / "bad.csv", ["姓名,性别,出生年月,入党时间,党员类别,党小组,职务,流动党员", ROWS[0], row]
    )
    err = one_error(path)
    assert (err.row, err.column) == (3, column)
    assert "bad.csv:3" in str(err) and f"“{column}”列" in str(err) and words in str(err)


def test_all_errors_reported_together(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, "张三,男,1980-13,,未知", ",女,1980.01,,正式党员"])
    with pytest.raises(InputErrors) as info:
        read_roster(path)
    assert {(e.row, e.column) for e in info.value.errors} == {(2, "出生年月"), (2, "党员类别"), (3, "姓名")}


def test_unexpected_encoding(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(("\n".join([HEADER, *ROWS]) + "\n").encode("utf-16"))
    err = one_error(path)
    assert err.row == 1 and err.column == "（编码）"
    assert "UTF-8" in str(err) and "GB18030" in str(err) and "UTF-16" in str(err)


def test_character_no_font_has(tmp_path):
    from handbook.pdf.fonts import covered_codepoints

    if covered_codepoints() is None:
        pytest.skip("no Noto CJK font installed")
    odd = "\U0003134a"  # a CJK Extension G character outside Noto CJK SC
    assert ord(odd) not in covered_codepoints()
    path = write_csv(tmp_path / "r.csv", [HEADER, ROWS[0], f"李{odd},女,1980.01,2001.01,正式党员"])
    with pytest.raises(InputErrors) as info:
        read_roster(path, covered_codepoints())
    (err,) = info.value.errors
    assert (err.row, err.column) == (3, "姓名")
    assert odd in str(err) and f"李{odd}" in str(err) and "U+3134A" in str(err)


def test_duplicate_names_warn_and_are_told_apart(tmp_path):
    path = write_csv(
        tmp_path / "r.csv",
        [HEADER, ROWS[0], "张三,男,1986.02,2010.07,正式党员,第二党小组,科员,否,否"],
    )
    with pytest.warns(RosterWarning, match="同名“张三”"):
        members = load_roster(path)
    names = labels(members)
    assert names[2] == "张三（第一党小组，1975年3月）" and names[3] == "张三（第二党小组，1986年2月）"


def test_unique_names_do_not_warn(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *ROWS])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_roster(path)


# --- unit profile --------------------------------------------------------------------------------


def test_example_unit_and_roster_load():
    from handbook.model.unit import load_unit
    from handbook.paths import ROOT

    unit = load_unit(ROOT / "local" / "example" / "unit.yml")
    assert unit.branch and unit.secretary == "张三" and unit.groups[0].leader
    assert len(load_roster(ROOT / "local" / "example" / "roster.csv")) >= 3


def test_unit_errors_name_field_and_line(tmp_path):
    from handbook.model.unit import load_unit

    path = tmp_path / "unit.yml"
    path.write_text("党支部: 某支部\n会议:\n  党员大会: {日期: 2026-13-01}\n书计: 张三\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_unit(path)
    found = {(e.field, e.line) for e in info.value.errors}
    assert ("会议.党员大会.日期", 3) in found and ("书计", 4) in found


def test_blankable_view():
    from handbook.model.unit import BLANK, Unit
    from handbook.render.view import Blankable

    view = Blankable(Unit.model_validate({"党支部": "<b>支部</b>"}))
    assert str(view.branch) == "&lt;b&gt;支部&lt;/b&gt;"
    assert str(view.secretary) == BLANK and str(view.meetings.general.place) == BLANK


# --- editions ------------------------------------------------------------------------------------


@pytest.fixture
def editions_copy(tmp_path, monkeypatch):
    """Upstream editions copied to tmp_path, and an empty local overlay there too."""
    import shutil

    from handbook.paths import ROOT

    ed = tmp_path / "editions"
    shutil.copytree(ROOT / "editions", ed)
    local = tmp_path / "local"
    local.mkdir()
    monkeypatch.setenv("HANDBOOK_EDITIONS_DIR", str(ed))
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(local))
    return ed, local


def test_new_edition_scaffolds_and_refuses_overwrite(editions_copy):
    from handbook.jobs.scaffold import new_edition
    from handbook.model.editions import load_all, snapshot

    ed, _ = editions_copy
    before = load_all()
    newest = max(before)
    path = new_edition(newest + 1)
    assert path == ed / f"{newest + 1}.yml"
    text = path.read_text(encoding="utf-8")
    for key in ("notice", "theme", "theme_short", "study", "focus", "schedule"):
        idx = text.index(f"\n{key}:")
        assert text[:idx].rstrip().splitlines()[-1].startswith("# TODO 核对："), key
    new = snapshot()[1][newest + 1]
    old = before[newest]
    assert new.confidence == "uncertain" and new.confidence_note
    assert new.theme_short.startswith("待核对") and new.theme_short != old.theme_short
    assert new.label == f"{newest + 1}年度" and str(newest + 1) in new.title
    if old.schedule.finish:
        assert new.schedule.finish.year == old.schedule.finish.year + 1
    with pytest.raises(InputError, match="不会覆盖"):
        new_edition(newest + 1)


def test_local_edition_overrides_upstream(editions_copy):
    from handbook.jobs.scaffold import new_edition
    from handbook.model.editions import snapshot

    _, local = editions_copy
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


# --- drafts --------------------------------------------------------------------------------------


def test_template_syntax_in_names_stays_literal(tmp_path):
    from handbook.model.editions import snapshot
    from handbook.model.unit import Unit
    from handbook.render.drafts import render_draft

    common, editions = snapshot()
    edition = editions[max(editions)]
    path = write_csv(tmp_path / "r.csv", [HEADER, "<b>{{ 7*7 }}</b>,男,1980.05,2001.07,正式党员,{% raw %}"])
    members = load_roster(path)
    unit = Unit.model_validate({"党支部": "<script>x</script>", "书记": "{{ edition.year }}"})
    html = render_draft("plan", edition, common, unit, members)
    assert "&lt;b&gt;{{ 7*7 }}&lt;/b&gt;" in html and "49" not in html
    assert "{% raw %}" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "党支部书记{{ edition.year }}" in html


@pytest.mark.slow
def test_drafts_pdfs(tmp_path):
    from handbook.cli import cmd_drafts
    from handbook.model.editions import snapshot
    from handbook.paths import ROOT

    class Args:
        out = str(tmp_path / "drafts")
        unit = str(ROOT / "local" / "example" / "unit.yml")
        roster = str(ROOT / "local" / "example" / "roster.csv")
        edition = None
        format = "pdf"

    assert cmd_drafts(Args()) == 0
    edition = snapshot()[1][max(snapshot()[1])]
    pdfs = sorted((tmp_path / "drafts").glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "中共示例市某某局机关第一党支部" in flat or "主持词提纲" in pdf.name
        if "主持词" not in pdf.name:
            assert "".join(edition.theme_short.split()) in flat or edition.theme.text[:12] in flat
        assert "—1—" in flat
    plan = next(p for p in pdfs if "工作方案" in p.name)
    text = "".join(
        subprocess.run(["pdftotext", str(plan), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "应到会6人" in text and "张三、李四、王五" in text
    # The output folder is replaced whole only when it holds nothing but earlier drafts.
    (tmp_path / "drafts" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="其他文件"):
        cmd_drafts(Args())


# --- local pages in the site ---------------------------------------------------------------------


@pytest.mark.slow
def test_local_page_and_override_in_site(tmp_path, monkeypatch):
    from handbook.model.editions import latest_year
    from macros.site import build_edition

    local = tmp_path / "local"
    (local / "docs").mkdir(parents=True)
    profile = "党支部: 测试第九党支部\n上级指导: {姓名: 测试指导人}\n"
    (local / "unit.yml").write_text(profile, encoding="utf-8")
    (local / "docs" / "our-unit.md").write_text(
        "# 本支部安排\n\n支部：{{ unit.branch }}；书记：{{ unit.secretary }}\n"
    )
    (local / "docs" / "sources.md").write_text("# 资料来源\n\n本单位替换的资料来源页。\n", encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(local))
    site = build_edition(latest_year(), tmp_path / "site")
    page = (site / "our-unit.html").read_text(encoding="utf-8")
    assert "支部：测试第九党支部；书记：＿＿＿＿" in page
    assert "本单位替换的资料来源页" in (site / "sources.html").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "本单位" in index and "our-unit.html" in index
    assert "测试第九党支部" in (site / "drafts" / "plan.html").read_text(encoding="utf-8")
    # The 主持词 name the superior's representative from the profile and leave the rest to fill by hand.
    script = (site / "scripts" / "general.html").read_text(encoding="utf-8")
    assert "上级党组织（＿＿＿＿）的测试指导人同志" in script
