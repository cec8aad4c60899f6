"""Rosters (CSV in UTF-8/GBK/GB18030, XLSX) and the unit profile: errors name file, row and column."""

from __future__ import annotations

import datetime as dt
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
