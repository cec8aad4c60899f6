"""Rosters as offices keep them: a title row, padded names, date cells, 民族, 流动党员 in 备注, 合计 rows."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from handbook.cli import main
from handbook.errors import InputErrors
from handbook.jobs import pack
from handbook.model.roster import read_roster
from handbook.model.talks import talk_plan

HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "学历", "入党时间", "党员类别", "党小组", "职务",
          "备注"]
ROWS = [
    [1, "王　芳", "女", "汉族", dt.datetime(1985, 3, 1), "大学", "2008.07", "正式党员", "", "党支部书记", ""],
    [2, "阿依古丽·买买提", "女", "维吾尔族", "1990年5月", "研究生", dt.datetime(2015, 6, 30), "正式党员", "",
     "组织委员", ""],
    [3, "李　强", "男", "回族", 1985.03, "大专", "2010年7月", "正式党员", "", "团支部书记",
     "流动党员（在外务工）"],
    [4, "欧阳明月", "女", "汉族", "1992.11", "大学", "2019.06", "正式党员", "", "科员", ""],
    [5, "赵　磊", "男", "满族", "1996.01", "大学", "2025.03", "预备党员", "", "科员", ""],
    [6, "孙　丽", "女", "汉族", "1988.08", "大学", "2012.12", "正式党员", "", "局党组书记", ""],
]


def office_roster(path: Path, rows=ROWS) -> Path:
    """An XLSX as exported from Excel/WPS: title merged across the header, 合计 and 填表人 rows below."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某某局机关党支部党员名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy.mm"
    ws.append([])
    ws.append(["合计", f"{len(rows)}人"])
    ws.append(["填表人：组织委员", None, None, None, "填表日期：2026年1月"])
    ws.append(["注：流动党员在备注栏注明"])
    wb.save(path)
    return path


def test_office_roster_reads_cleanly(tmp_path):
    report = read_roster(office_roster(tmp_path / "名册.xlsx"))
    by = {m.name: m for m in report.members}
    assert list(by) == ["王芳", "阿依古丽·买买提", "李强", "欧阳明月", "赵磊", "孙丽"]
    assert by["王芳"].birth.cn == "1985年3月1日" and by["李强"].birth.cn == "1985年3月"
    assert by["阿依古丽·买买提"].birth.cn == "1990年5月" and by["阿依古丽·买买提"].ethnicity == "维吾尔族"
    assert by["赵磊"].education == "大学" and by["赵磊"].probationary
    assert by["李强"].mobile and not by["王芳"].mobile
    # The trailing rows are skipped, and the notice names them with their rows.
    note = next(w for w in report.warnings if "跳过" in w)
    assert "第10行（合计 6人）" in note and "第11行（填表人" in note and "第12行（注" in note


def test_office_roster_talk_plan(tmp_path):
    members = read_roster(office_roster(tmp_path / "名册.xlsx")).members
    plan = talk_plan(members)
    # 团支部书记 and a bureau's 党组书记 are not 支委.
    assert [m.name for m in plan.committee] == ["王芳", "阿依古丽·买买提"]
    phone = {(t.a.name, t.b.name) for t in plan.talks if t.way == "电话、网络"}
    assert phone and all("李强" in pair for pair in phone)


def test_a_bad_row_still_stops_with_row_and_column(tmp_path):
    bad = [3, "李　强", "男", "回族", "1985.13", "大专", "2010.07", "正式党员", "", "", ""]
    rows = [*ROWS[:2], bad, *ROWS[3:]]
    with pytest.raises(InputErrors) as err:
        read_roster(office_roster(tmp_path / "名册.xlsx", rows))
    text = str(err.value)
    assert "第5行" in text and "出生年月" in text and "名册.xlsx" in text


def test_a_summary_row_between_members_stops_with_its_row(tmp_path):
    rows = [*ROWS[:2], ["小计", "2人"], *ROWS[2:]]
    with pytest.raises(InputErrors) as err:
        read_roster(office_roster(tmp_path / "名册.xlsx", rows))
    # Only trailing rows are skipped; one among the members is neither read as a member nor silently dropped.
    assert "第5行" in str(err.value) and "小计" in str(err.value)


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.mark.slow
def test_office_roster_packs_cleanly(tmp_path, capsys):
    roster = office_roster(tmp_path / "名册.xlsx")
    (tmp_path / "unit.yml").write_text("党支部: 某某局机关党支部\n", encoding="utf-8")
    out = tmp_path / "out"
    unit = str(tmp_path / "unit.yml")
    assert main(["pack", "--roster", str(roster), "--unit", unit, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "跳过" in printed and "合计" in printed
    regs = sorted((out / pack.SINGLES).glob(f"*-{pack.REGISTERS}/*.pdf"))
    assert len(regs) == 6
    texts = [_text(p) for p in regs]
    first = next(t for t in texts if "王芳" in t)
    assert "汉族" in first and "大学" in first and "1985" in first and "党支部书记" in first
    assert any("阿依古丽·买买提" in t and "维吾尔族" in t for t in texts)
    assert any("李强" in t and "流动党员" in t for t in texts)
    assert "王　芳" not in "".join(texts)
    talks = _text(next((out / pack.SINGLES).glob("*-谈心谈话安排表.pdf")))
    assert "电话、网络" in talks and "未分党小组" in talks


def test_year_month_typed_into_a_date_cell(tmp_path):
    """1975.03 typed into a cell formatted as a date shows as 1905-05-28: it is read as March 1975."""
    path = tmp_path / "名册.xlsx"
    office_roster(path)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws.cell(3, 5).value = 1975.03
    ws.cell(3, 5).number_format = "yyyy-mm-dd"
    wb.save(path)
    first = read_roster(path).members[0]
    assert (first.birth.year, first.birth.month) == (1975, 3)
    # A bare year in a date cell cannot be March 1975 or May 1975: an error names the cell.
    ws.cell(3, 5).value = 1975
    wb.save(path)
    with pytest.raises(InputErrors) as exc:
        read_roster(path)
    text = str(exc.value)
    assert "第3行" in text and "出生年月" in text and "1975" in text and "1905" not in text
