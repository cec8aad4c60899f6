"""Excel files where people compute (openpyxl): the roster template and the 情况统计表.

The roster template's columns are the ones the kit reads (handbook.model.roster.COLUMNS); the statistics
sheet's rows are the statistics form's fields (forms/statistics/form.yml), so both follow their one source.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..epoch import source_date_epoch
from ..model.editions import Edition
from ..model.forms import Form
from ..model.roster import CATEGORIES, COLUMNS
from .printing import a4_one_page_wide
from .zips import normalize

ROSTER_ROWS = 200
GROUP_SHEET = "党小组"
DATE_COLUMNS = ("出生年月", "入党时间")
YES_NO_COLUMNS = ("流动党员", "领导干部", "留党察看")
WIDTHS = {"姓名": 12, "职务": 24, "出生年月": 12, "入党时间": 12, "党员类别": 12, "党小组": 14}
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = Font(name="宋体", bold=True)
_BODY = Font(name="宋体")


def _props(wb: Workbook, title: str, epoch: int | None) -> None:
    when = dt.datetime.fromtimestamp(source_date_epoch(epoch), dt.timezone.utc).replace(tzinfo=None)
    wb.properties.title = title
    wb.properties.creator = ""
    wb.properties.lastModifiedBy = ""
    wb.properties.created = wb.properties.modified = when


def _bytes(wb: Workbook, epoch: int | None) -> bytes:
    a4_one_page_wide(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return normalize(buf.getvalue(), source_date_epoch(epoch))


def roster_template(groups: list[str] | None = None, *, epoch: int | None = None) -> bytes:
    """An empty roster the kit reads: its columns, lists for 党员类别, 党小组 and 是/否, dates checked."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党员名册"
    heads = list(COLUMNS)
    ws.append(heads)
    for col, name in enumerate(heads, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font, cell.border = _HEAD, _BOX
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(name, 10)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    last = ROSTER_ROWS + 1

    def column(name: str) -> str:
        letter = get_column_letter(heads.index(name) + 1)
        return f"{letter}2:{letter}{last}"

    # The 党小组 list lives on its own sheet, so a branch names its groups once and picks them per member.
    gs = wb.create_sheet(GROUP_SHEET)
    gs.append(["党小组名称（每行一个；名册“党小组”列从这里选）"])
    gs.column_dimensions["A"].width = 40
    for name in groups or []:
        gs.append([name])
    checks = [
        (column("党员类别"), f'"{",".join(CATEGORIES)}"', "党员类别只能是：" + "、".join(CATEGORIES)),
        (column("党小组"), f"={GROUP_SHEET}!$A$2:$A$100", f"请从“{GROUP_SHEET}”表中列出的党小组中选择"),
        (column("性别"), '"男,女"', "性别填“男”或“女”"),
    ]
    checks += [(column(c), '"是,否"', f"{c}填“是”或“否”") for c in YES_NO_COLUMNS]
    for ref, formula, message in checks:
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        dv.error, dv.errorTitle = message, "输入有误"
        dv.add(ref)
        ws.add_data_validation(dv)
    for name in DATE_COLUMNS:
        dv = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1900,1,1)",
            formula2="DATE(2100,12,31)",
            allow_blank=True,
            showErrorMessage=True,
        )
        dv.error, dv.errorTitle = f"{name}请填日期，如 1985-07 或 1985-07-01", "输入有误"
        dv.add(column(name))
        ws.add_data_validation(dv)
        for row in range(2, last + 1):
            ws.cell(row=row, column=heads.index(name) + 1).number_format = "yyyy-mm-dd"
    _props(wb, "党员名册", epoch)
    return _bytes(wb, epoch)


def statistics_sheet(
    form: Form, edition: Edition, values: dict[str, str] | None = None, *, epoch: int | None = None
) -> bytes:
    """The 情况统计表 as a sheet: the form's rows, its counts one per row with a sum, the given values."""
    values = values or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "情况统计表"
    ws.append([f"{edition.label}{form.title}"])
    ws["A1"].font = Font(name="宋体", bold=True, size=14)
    ws.merge_cells("A1:C1")
    head = [f for f in form.fields if f.area == "header"]
    for f in head:
        ws.append([f.label, values.get(f.name, "")])
    for line in form.instructions:
        ws.append([line])
    ws.append(["项目", "数字", "说明"])
    for cell in ws[ws.max_row]:
        cell.font, cell.border = _HEAD, _BOX
    for f in form.fields:
        if f.area != "body":
            continue
        if f.type == "section":
            ws.append([f.label])
            ws.cell(row=ws.max_row, column=1).font = _HEAD
            ws.cell(row=ws.max_row, column=1).fill = PatternFill("solid", fgColor="EEEEEE")
        elif f.type == "counts":
            first = ws.max_row + 1
            for it in f.items:
                ws.append(
                    [
                        f"{f.label}：{it.text}（{it.suffix or ''}）",
                        _number(values.get(f"{f.name}_{it.value}")),
                    ]
                )
            # VALUE(0&cell) adds a number typed as text too (SUM skips it); an empty cell counts 0.
            total = f"=SUMPRODUCT(VALUE(0&B{first}:B{ws.max_row}))"
            ws.append([f"{f.label}：合计", total, "自动计算"])
        else:
            value = values.get(f.name, "")
            ws.append([f.label, _number(value) if f.type == "number" else value, f.hint or ""])
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 40
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.font != _HEAD:
                cell.font = _BODY
    _props(wb, f"{edition.label}{form.title}", epoch)
    return _bytes(wb, epoch)


def _number(value):
    """A count as a number when it is one, so the sheet can add it up."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else (text or None)
