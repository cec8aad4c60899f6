"""Every failure is a message: hostile and careless inputs get a Chinese error naming the file, never a
traceback; every input has a named size limit; --collect skips a bad file with its reason and goes on."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from handbook import limits
from handbook.cli import main
from handbook.errors import InputError, InputErrors
from handbook.jobs import results as job
from handbook.model.editions import select
from handbook.model.roster import read_roster
from handbook.model.tally import check, load_tally
from handbook.model.unit import load_unit

from . import tally_data as td


def _said(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Errno" not in err
    return err


def _results(tmp_path, data: dict | None = None, people: list[dict] | None = None, extra=()) -> int:
    people = people or td.members(12)
    roster = td.write_roster(tmp_path / "roster.csv", people)
    tally = tmp_path / "tally.json"
    if data is not None:
        td.write_tally(tally, data)
    args = ["results", "--roster", str(roster), "--tally", str(tally), "--out", str(tmp_path / "out")]
    return main([*args, *extra])


@pytest.fixture
def people():
    return td.members(12)


@pytest.fixture
def data(people):
    return td.tally_data(people, valid=10)


# --- the tally --------------------------------------------------------------------------------------------


def test_deeply_nested_tally_is_a_message(tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "tally.json").write_text(f'{{"kind": "zzshh-tally", "version": 1, "members": {deep}}}')
    assert _results(tmp_path) == 2
    assert "tally.json" in (err := _said(capsys)) and "嵌套" in err


def test_five_thousand_digit_count_is_a_message(tmp_path, capsys, data):
    text = json.dumps(data, ensure_ascii=False).replace('"优秀": 0', '"优秀": ' + "9" * 5000, 1)
    assert "9" * 5000 in text
    (tmp_path / "tally.json").write_text(text)
    assert _results(tmp_path) == 2
    assert "tally.json" in (err := _said(capsys)) and "位数过多" in err


def test_counts_as_a_list_is_a_message(tmp_path, capsys, data):
    data["members"][0]["counts"] = [1, 2, 3, 4]
    # The optional second entry with the same mistake must not crash either.
    data["second"] = {"members": [{"name": data["members"][1]["name"], "counts": [1]}]}
    assert _results(tmp_path, data) == 2
    err = _said(capsys)
    assert "members[0].counts" in err and "缺少票数" in err


def test_huge_count_and_counts_above_the_roster_are_errors(tmp_path, capsys, data, people):
    data["members"][0]["counts"]["优秀"] = 1e308
    data["ballots"] = {"issued": 500, "returned": None, "valid": None}
    assert _results(tmp_path, data, people) == 2
    err = _said(capsys)
    assert "（第1行）的“优秀”票数过大（1e+308）" in err
    assert "发出票数500超过名册" in err and "党员人数12" in err


def test_marks_above_the_roster_size_are_an_error(tmp_path, people, data):
    data["ballots"] = {"issued": None, "returned": None, "valid": None}
    data["members"][0]["counts"]["合格"] += 20
    roster = td.write_roster(tmp_path / "r.csv", people)
    with pytest.raises(InputErrors) as e:
        check(load_tally(td.write_tally(tmp_path / "t.json", data)), roster, read_roster(roster).members)
    assert any("超过名册" in str(x) and "党员人数12" in str(x) for x in e.value.errors)


def test_long_note_and_big_tally_file_are_refused_with_the_limit(tmp_path, data, people):
    data["members"][0]["note"] = "说明" * 600
    with pytest.raises(InputErrors) as e:
        roster = td.write_roster(tmp_path / "r.csv", people)
        check(load_tally(td.write_tally(tmp_path / "t.json", data)), roster, read_roster(roster).members)
    assert any("备注太长" in str(x) and "上限 1000" in str(x) for x in e.value.errors)
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(limits.TALLY_LIMITS.size + 1)
    with pytest.raises(InputError, match=r"big\.json: 计票文件太大.*上限为 20 MB"):
        load_tally(big)


def test_tally_xlsx_formulas_without_results_are_refused(tmp_path, people):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "优秀", "合格", "基本合格", "不合格"])
    for p in people:
        ws.append([p["name"], "=1+1", 0, 0, 0])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(InputError, match=r"t\.xlsx: 第2行，第2列: 这个单元格是公式（=1\+1）.*没有保存"):
        load_tally(tmp_path / "t.xlsx")


# --- the roster ---------------------------------------------------------------------------------------------


def test_300_character_name_names_its_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,党员类别\n王芳,正式党员\n" + "长" * 300 + ",正式党员\n", encoding="utf-8")
    with pytest.raises(InputErrors) as e:
        read_roster(path)
    assert [str(x) for x in e.value.errors] == [
        f"{path}:3: 第3行，“姓名”列: 姓名太长（300 个字符，上限 50 个）：请只写姓名，其他写在“备注”列"
    ]


def test_roster_cell_rows_and_file_size_limits(tmp_path):
    long_cell = tmp_path / "cell.csv"
    long_cell.write_text("姓名,党员类别,备注\n王芳,正式党员," + "注" * 600 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"第2行，第C列: 单元格内容太长（600 个字符，上限 500 个）"):
        read_roster(long_cell)
    many = tmp_path / "many.csv"
    rows = "".join(f"党员{i},正式党员\n" for i in range(10_100))
    many.write_text("姓名,党员类别\n" + rows, encoding="utf-8")
    with pytest.raises(InputError, match=r"名册行数太多.*上限为 10000 名党员"):
        read_roster(many)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(limits.ROSTER_LIMITS.size + 1)
    with pytest.raises(InputError, match=r"big\.csv: 名册文件太大（20.0 MB），上限为 20 MB"):
        read_roster(big)


def _roster_xlsx(path: Path, names: list) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "党员类别"])
    for n in names:
        ws.append([n, "正式党员"])
    wb.save(path)
    return path


def test_member_limits_of_a_roster_workbook_and_a_tally(tmp_path, people, data):
    """A roster workbook and a tally with more members than the limit are refused, naming file and limit."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "党员类别"])
    for i in range(limits.ROSTER_LIMITS.rows + limits.EXTRA_ROWS + 1):
        ws.append([f"党员{i}", "正式党员"])
    wb.save(tmp_path / "many.xlsx")
    with pytest.raises(InputError, match=r"many\.xlsx.*名册行数太多.*上限为 10000 名党员"):
        read_roster(tmp_path / "many.xlsx")
    data["members"] = data["members"] * (limits.TALLY_LIMITS.rows // len(data["members"]) + 1)
    with pytest.raises(InputError, match=r"t\.json.*党员太多（10008 名，上限 10000 名）"):
        load_tally(td.write_tally(tmp_path / "t.json", data))


def test_roster_zip_bomb_is_refused_before_reading(tmp_path):
    path = _roster_xlsx(tmp_path / "bomb.xlsx", ["王芳"])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (limits.ROSTER_LIMITS.unpacked + 1))
    assert path.stat().st_size < 1_000_000  # small on disk, 60 MB unpacked
    with pytest.raises(InputError, match=r"bomb\.xlsx: 名册工作簿解压后太大（60.0 MB，上限 60 MB）"):
        read_roster(path)


def test_roster_formula_cells_without_results_say_so(tmp_path):
    path = _roster_xlsx(tmp_path / "f.xlsx", ["王芳", '="张"&"三"'])
    with pytest.raises(InputErrors) as e:
        read_roster(path)
    msg = str(e.value.errors[0])
    assert "第3行" in msg and "公式" in msg and "打开并保存" in msg and "姓名为空" not in msg


@pytest.mark.parametrize(
    ("codec", "name", "text"),
    [
        ("big5", "Big5", "姓名,黨員類別\n王芳,正式黨員\n"),
        ("shift_jis", "Shift-JIS", "姓名,党員類別\n王芳,正式党員\n"),
    ],
)
def test_csv_in_another_encoding_gets_a_hint(tmp_path, codec, name, text):
    path = tmp_path / "r.csv"
    path.write_bytes(text.encode(codec))
    with pytest.raises(InputError) as e:
        read_roster(path)
    assert name in str(e.value) and "CSV UTF-8" in str(e.value)


# --- unit profile, years -----------------------------------------------------------------------------------


def test_unit_profile_long_value_and_size(tmp_path):
    path = tmp_path / "unit.yml"
    path.write_text("党支部: 第一党支部\n书记: " + "长" * 600 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unit\.yml:2: 书记: 内容太长（600 个字符，上限 500 个）"):
        load_unit(path)
    with path.open("wb") as f:
        f.truncate(limits.UNIT_LIMITS.size + 1)
    with pytest.raises(InputError, match="单位信息文件太大"):
        load_unit(path)


def test_tally_of_another_year_is_an_error_unless_asked_for(tmp_path, capsys, data):
    assert _results(tmp_path, data, extra=["--edition", "2024"]) == 2
    err = _said(capsys)
    assert "年度不一致" in err and "2025年度" in err and "--allow-year-mismatch" in err
    people = td.members(12)
    roster = td.write_roster(tmp_path / "roster.csv", people)
    tally = load_tally(tmp_path / "tally.json")
    res = check(tally, roster, read_roster(roster).members)
    _, edition, _ = select(2024)
    unit = load_unit(td.write_unit(tmp_path / "u.yml"))
    job._year_checked(res, edition, unit, job.Options(allow_year_mismatch=True))
    assert any("年度不一致（按 --allow-year-mismatch 继续）" in n for n in res.notices)


# --- --collect ------------------------------------------------------------------------------------------


def _books(folder: Path, name: str, year: int = 2025) -> None:
    roster, tally, _, _ = td.branch(folder / "src" / name, n=12, name=name)
    res = check(load_tally(tally), roster, read_roster(roster).members)
    _, edition, _ = select(year)
    out = folder / "in" / name
    out.mkdir(parents=True)
    for fname, blob in job.workbooks(res, job.Options(), edition, name).items():
        (out / fname).write_bytes(blob)


def test_collect_skips_a_link_loop_and_a_damaged_sheet_and_goes_on(tmp_path, capsys):
    _books(tmp_path, "第一党支部")
    _books(tmp_path, "第二党支部")
    inbox = tmp_path / "in"
    os.symlink("loop.xlsx", inbox / "loop.xlsx")
    os.symlink(".", inbox / "第一党支部" / "子文件夹")  # a folder link back to itself
    damaged = inbox / "第二党支部" / "2025年度情况统计表.xlsx"
    wb = load_workbook(damaged)
    wb["说明"].delete_cols(2)  # the 说明 sheet with its value column deleted
    wb.save(damaged)
    bomb = inbox / "第三党支部.xlsx"  # small on disk, a gigabyte-sized cell once unpacked
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"<sst>" + b"x" * (limits.XLSX_LIMITS.unpacked + 1) + b"</sst>")
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(inbox), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "跳过" in said and "loop.xlsx" in said and "符号链接" in said
    assert "第三党支部.xlsx：支部工作簿解压后太大" in said
    assert "2025年度情况统计表.xlsx" in said and "读取 3 个文件（2 个党支部），跳过 3 个" in said
    reading = {r[0]: r[2] for r in load_workbook(out)["读取情况"].iter_rows(min_row=2, values_only=True)}
    assert any("loop.xlsx" in k for k in reading) and any("第二党支部" in k and v for k, v in reading.items())


def test_collect_of_mixed_years_is_an_error_unless_asked_for(tmp_path, capsys):
    _books(tmp_path, "第一党支部", 2025)
    _books(tmp_path, "第二党支部", 2024)
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(out)]) == 2
    err = _said(capsys)
    assert "年度不一致" in err and "2024年度" in err and "--allow-year-mismatch" in err and not out.exists()
    args = ["results", "--collect", str(tmp_path / "in"), "--out", str(out), "--allow-year-mismatch"]
    assert main(args) == 0 and out.is_file()


def test_collect_names_a_figure_that_is_not_a_number(tmp_path, capsys):
    _books(tmp_path, "第一党支部")
    _books(tmp_path, "第二党支部")
    stats = tmp_path / "in" / "第二党支部" / "2025年度情况统计表.xlsx"
    wb = load_workbook(stats)
    ws = wb["情况统计"]
    row = next(r for r in ws.iter_rows() if r[0].value == "党员总数")
    row[1].value = "十二"  # typed in words
    wb.save(stats)
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    line = next(x for x in said.splitlines() if "2025年度情况统计表.xlsx" in x and "第二党支部" in x)
    assert line.startswith("跳过") and f"第{row[0].row}行“党员总数”：“十二”不是数字" in line
    rows = load_workbook(out)["读取情况"].iter_rows(min_row=2, values_only=True)
    reading = {r[0]: (r[1], r[2]) for r in rows}
    flagged = next(v for k, v in reading.items() if "第二党支部" in k and "情况统计表" in k)
    assert flagged[0] == "已跳过" and "不是数字" in flagged[1]
    branches = [r[1] for r in load_workbook(out)["情况统计汇总"].iter_rows(min_row=3, values_only=True)]
    assert "第一党支部" in branches and "第二党支部" not in branches


def test_form_export_and_workbook_parts_limits(tmp_path, capsys, data):
    """A web form export over 2 MB or with a 5,001-character value, and a workbook of 2,001 parts, are refused
    with the limit."""
    big = tmp_path / "整改清单.json"
    with big.open("wb") as f:
        f.truncate(limits.EXPORT_LIMITS.size + 1)
    assert _results(tmp_path, data, extra=["--rectification", str(big)]) == 2
    assert "整改清单.json: 网页表格导出文件太大（2.0 MB），上限为 2 MB" in _said(capsys)
    long = tmp_path / "承诺书.json"
    values = {"problems": "问" * (limits.EXPORT_LIMITS.cell + 1)}
    long.write_text(json.dumps({"form": "rectification-pledge", "year": 2025, "values": values}), "utf-8")
    assert _results(tmp_path, data, extra=["--pledges", str(long)]) == 2
    assert "values.problems: 填写的内容太长（5001 个字符，上限 5000 个）" in _said(capsys)
    _books(tmp_path, "第一党支部")
    parts = tmp_path / "in" / "第二党支部.xlsx"
    with zipfile.ZipFile(parts, "w") as zf:
        for i in range(limits.ZIP_ENTRIES + 1):
            zf.writestr(f"xl/media/{i}.bin", b"")
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(tmp_path / "汇总.xlsx")]) == 0
    assert "第二党支部.xlsx：支部工作簿内部文件过多（2001 个，上限 2000 个）" in capsys.readouterr().out
