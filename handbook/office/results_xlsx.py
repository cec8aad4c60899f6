"""Workbooks of `handbook results`: a branch's 评定结果表 and 情况统计表, and the collected workbook.

Each branch workbook carries a 说明 sheet (kind, version, branch, 年度) so `--collect` knows what it reads.
Text is always written as text: a name such as "=1+1" stays a string, never a formula. Bytes are
deterministic (handbook.office.zips.normalize).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..model.tally import GRADES
from .printing import a4_one_page_wide
from .zips import normalize

META_SHEET = "说明"
KIND_GRADES = "zzshh-results-grades"
KIND_STATS = "zzshh-results-statistics"
VERSION = 1
GRADES_SHEET = "评定结果"
STATS_SHEET = "情况统计"
GRADE_HEAD = ("序号", "姓名", "党小组", "类别", *GRADES, "有效票数", "支委会建议等次", "评定等次", "备注")
# 情况统计表 items in the order of forms/statistics/form.yml; the collect step sums them by label.
STAT_ITEMS = (
    "党员总数",
    "正式党员",
    "预备党员（不评定等次）人数",
    "应参加人数",
    "实参加人数",
    "流动党员",
    *(f"评定等次：{g}" for g in GRADES),
    "尚未评定等次的正式党员",
    "发出票数",
    "收回票数",
    "有效票数",
)
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _put(ws, row: int, col: int, value, bold: bool = False, box: bool = False):
    """Set a cell; strings are forced to text so that hostile names never become formulas."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    if box:
        cell.border = _BOX
    return cell


def _title(ws, text: str, width: int) -> None:
    _put(ws, 1, 1, text, bold=True).alignment = Alignment(horizontal="center")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _meta(wb: Workbook, kind: str, branch: str | None, year: int) -> None:
    ws = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(
        (
            ("文件类型", kind),
            ("版本", VERSION),
            ("党支部", branch or ""),
            ("年度", year),
            ("生成工具", "handbook results"),
        ),
        start=1,
    ):
        _put(ws, i, 1, k, bold=True)
        _put(ws, i, 2, v)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 40


def _bytes(wb: Workbook, epoch: int | None) -> bytes:
    # The wide tables (a column per grade or figure) print landscape.
    a4_one_page_wide(wb, landscape=(GRADES_SHEET, "情况统计汇总", "评定结果汇总"))
    buf = io.BytesIO()
    wb.save(buf)
    return normalize(buf.getvalue(), epoch)


def _widths(ws, widths: list[int]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _head_height(ws, row: int = 2) -> None:
    """The heading row tall enough for its wrapped headings: Calc keeps a row's height when a file opens."""
    lines = 1
    for cell in ws[row]:
        width = ws.column_dimensions[cell.column_letter].width or 8.43
        per_line = max(1, int(width // 2.1))  # CJK characters a column of this width holds, bold
        lines = max(lines, -(-len(str(cell.value or "")) // per_line))
    ws.row_dimensions[row].height = 15 * lines


def grades_workbook(
    *, label: str, year: int, branch: str | None, valid: int, rows: list[dict], sources: list[str], epoch=None
) -> bytes:
    """评定结果表.xlsx: a row per member (name, 类别, marks, proposal, decided grade, 备注), its sources."""
    wb = Workbook()
    ws = wb.active
    ws.title = GRADES_SHEET
    _title(ws, f"{label}民主评议党员评定结果表", len(GRADE_HEAD))
    _put(ws, 2, 1, "党支部")
    _put(ws, 2, 2, branch or "")
    _put(ws, 2, 4, "有效票数")
    _put(ws, 2, 5, valid)
    for j, h in enumerate(GRADE_HEAD, start=1):
        _put(ws, 3, j, h, bold=True, box=True)
    for i, r in enumerate(rows, start=1):
        prob = r["category"] == "预备党员"
        cells = [i, r["name"], r["group"], r["category"]]
        cells += [None] * len(GRADES) if prob else list(r["counts"])
        cells += [valid, r["proposal"] or ("不评定等次" if prob else ""), r["decided"] or "", r["note"]]
        for j, v in enumerate(cells, start=1):
            _put(ws, 3 + i, j, v, box=True)
    last = 3 + len(rows)
    for k, s in enumerate(sources, start=2):
        _put(ws, last + k, 1, s)
    _widths(ws, [6, 14, 12, 10, 7, 7, 9, 7, 9, 14, 10, 24])
    ws.freeze_panes = "C4"
    ws.print_title_rows = "1:3"
    _meta(wb, KIND_GRADES, branch, year)
    return _bytes(wb, epoch)


def statistics_workbook(
    *, label: str, year: int, branch: str | None, items: dict[str, tuple[int | None, str]], epoch=None
) -> bytes:
    """情况统计表.xlsx: 项目, 数值, 来源; an unknown figure stays empty, never a guess."""
    wb = Workbook()
    ws = wb.active
    ws.title = STATS_SHEET
    _title(ws, f"{label}组织生活会和民主评议党员情况统计表", 3)
    _put(ws, 2, 1, "党支部")
    _put(ws, 2, 2, branch or "")
    for j, h in enumerate(("项目", "数值", "来源"), start=1):
        _put(ws, 3, j, h, bold=True, box=True)
    ws.print_title_rows = "1:3"
    for i, name in enumerate(STAT_ITEMS, start=4):
        value, source = items.get(name, (None, "未提供"))
        _put(ws, i, 1, name, box=True)
        _put(ws, i, 2, value, box=True)
        _put(ws, i, 3, source, box=True)
    _widths(ws, [28, 10, 60])
    _meta(wb, KIND_STATS, branch, year)
    return _bytes(wb, epoch)


# ---------------------------------------------------------------------------------------------- collect


@dataclass
class BranchFile:
    """One branch workbook as read back."""

    path: Path
    kind: str
    branch: str
    year: int | None
    stats: dict[str, int | None] = field(default_factory=dict)
    members: list[dict] = field(default_factory=list)


class NotReadable(Exception):
    """A file that is not a workbook the kit wrote, with the reason in Chinese."""


def _num(v):
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    raise NotReadable(f"“{v}”不是数字")


def read_branch_file(path: Path) -> BranchFile:
    """Read a 评定结果表 or 情况统计表 workbook written by the kit; NotReadable says why not."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged or mislabeled file
        raise NotReadable(f"无法作为 Excel 工作簿打开（{type(exc).__name__}）") from None
    try:
        if META_SHEET not in wb.sheetnames:
            raise NotReadable(f"没有“{META_SHEET}”工作表，不是本工具生成的评定结果表或统计表")
        meta = {str(r[0]): r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]}
        kind = meta.get("文件类型")
        if kind not in (KIND_GRADES, KIND_STATS):
            raise NotReadable(f"“{META_SHEET}”中的文件类型“{kind}”不认识")
        if meta.get("版本") != VERSION:
            raise NotReadable(f"不支持的版本“{meta.get('版本')}”")
        branch = str(meta.get("党支部") or "").strip()
        if not branch:
            raise NotReadable(f"“{META_SHEET}”中没有党支部名称")
        year = meta.get("年度") if isinstance(meta.get("年度"), int) else None
        out = BranchFile(path, kind, branch, year)
        sheet = GRADES_SHEET if kind == KIND_GRADES else STATS_SHEET
        if sheet not in wb.sheetnames:
            raise NotReadable(f"缺少“{sheet}”工作表")
        rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
    if kind == KIND_STATS:
        for i, r in enumerate(rows, start=1):
            if r and r[0] in STAT_ITEMS:
                try:
                    out.stats[r[0]] = _num(r[1] if len(r) > 1 else None)
                except NotReadable as exc:
                    raise NotReadable(f"第{i}行“{r[0]}”：{exc}") from None
        if "党员总数" not in out.stats:
            raise NotReadable("“情况统计”工作表中没有“党员总数”一行")
        return out
    head_at = next((i for i, r in enumerate(rows) if r and tuple(r[: len(GRADE_HEAD)]) == GRADE_HEAD), None)
    if head_at is None:
        raise NotReadable("“评定结果”工作表的表头与本工具生成的不同")
    for i, r in enumerate(rows[head_at + 1 :], start=head_at + 2):
        if not r or r[0] is None or not isinstance(r[0], int):
            break
        rec = dict(zip(GRADE_HEAD, r, strict=False))
        if rec["类别"] not in ("正式党员", "预备党员"):
            raise NotReadable(f"第{i}行“类别”为“{rec['类别']}”")
        if rec["评定等次"] not in (None, "", *GRADES):
            raise NotReadable(f"第{i}行“评定等次”为“{rec['评定等次']}”")
        out.members.append(rec)
    return out


# The collected workbook sums the counts of people and grades, not the ballot figures.
STAT_COLS = STAT_ITEMS[: STAT_ITEMS.index("尚未评定等次的正式党员")]
GRADE_COLS = ("党员", "正式党员", "预备党员", *GRADES, "尚未评定")


def _natural(text: str) -> list:
    """Sort key that puts 第2党支部 before 第10党支部."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def _shown(path: Path, root: Path | None) -> str:
    """A file as the collecting 党委 knows it: relative to the folder it handed to --collect."""
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _of_kind(files: list[BranchFile], kind: str) -> list[BranchFile]:
    """The files of one kind in branch order (第2 before 第10), ties by path so reruns agree."""
    return sorted((f for f in files if f.kind == kind), key=lambda f: (_natural(f.branch), str(f.path)))


def _heads(ws, heads: tuple, row: int = 2, box: bool = True) -> None:
    """A bold heading row, wrapped: Calc and Excel cut a heading wider than its column (预备党员（不…)."""
    for j, h in enumerate(heads, start=1):
        cell = _put(ws, row, j, h, bold=True, box=box)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _stats_sheet(ws, stats: list[BranchFile], root: Path | None) -> None:
    """情况统计汇总: a row per branch's 统计表 and a 合计 row."""
    ws.title = "情况统计汇总"
    heads = ("序号", "党支部", "年度", *STAT_COLS, "文件")
    _title(ws, "组织生活会和民主评议党员情况统计汇总", len(heads))
    _heads(ws, heads)
    for i, f in enumerate(stats, start=1):
        cells = [i, f.branch, f.year, *(f.stats.get(c) for c in STAT_COLS), _shown(f.path, root)]
        for j, v in enumerate(cells, start=1):
            cell = _put(ws, 2 + i, j, v, box=True)
            if v is None and 3 < j <= 3 + len(STAT_COLS):
                cell.value, cell.data_type, cell.fill = "未填", "s", _BLANK
    _totals(ws, 3 + len(stats), 4, len(STAT_COLS), [[f.stats.get(c) for c in STAT_COLS] for f in stats])
    _widths(ws, [6, 30, 8] + [10] * len(STAT_COLS) + [30])
    _head_height(ws)
    ws.print_title_rows = "1:2"


def _grade_counts(f: BranchFile) -> list[int]:
    """A branch's members, 正式, 预备, 正式党员 per decided grade, and 正式党员 not yet graded."""
    formal = [m for m in f.members if m["类别"] == "正式党员"]
    counts = [sum(1 for m in formal if m["评定等次"] == g) for g in GRADES]
    return [len(f.members), len(formal), len(f.members) - len(formal), *counts, len(formal) - sum(counts)]


def _grades_sheet(ws, grades: list[BranchFile], root: Path | None) -> None:
    """评定结果汇总: a row of counts per branch's 评定结果表 and a 合计 row."""
    heads = ("序号", "党支部", "年度", *GRADE_COLS, "文件")
    _title(ws, "民主评议党员评定结果汇总", len(heads))
    _heads(ws, heads)
    table = []
    for i, f in enumerate(grades, start=1):
        row = _grade_counts(f)
        table.append(row)
        for j, v in enumerate([i, f.branch, f.year, *row, _shown(f.path, root)], start=1):
            _put(ws, 2 + i, j, v, box=True)
    _totals(ws, 3 + len(grades), 4, len(GRADE_COLS), table)
    _widths(ws, [6, 30, 8] + [9] * len(GRADE_COLS) + [30])
    _head_height(ws)
    ws.print_title_rows = "1:2"


def _members_sheet(ws, grades: list[BranchFile]) -> None:
    """党员评定结果: every member of every branch, one row each."""
    _heads(ws, ("党支部", "姓名", "类别", "支委会建议等次", "评定等次", "备注"), row=1)
    r = 2
    for f in grades:
        for m in f.members:
            for j, v in enumerate(
                (f.branch, m["姓名"], m["类别"], m["支委会建议等次"], m["评定等次"], m["备注"]), 1
            ):
                _put(ws, r, j, v)
            r += 1
    _widths(ws, [30, 14, 10, 14, 10, 24])
    ws.print_title_rows = "1:1"


def _reading_sheet(ws, files: list[BranchFile], skipped: list[tuple[Path, str]], root: Path | None) -> None:
    """读取情况: each file collected or skipped, and why."""
    _heads(ws, ("文件", "结果", "说明"), row=1, box=False)
    r = 2
    for f in sorted(files, key=lambda f: str(f.path)):
        what = f"{f.branch}（{'统计表' if f.kind == KIND_STATS else '评定结果表'}）"
        for j, v in enumerate((_shown(f.path, root), "已汇总", what), 1):
            _put(ws, r, j, v)
        r += 1
    for path, why in skipped:
        for j, v in enumerate((_shown(path, root), "已跳过", why), 1):
            _put(ws, r, j, v)
        r += 1
    _widths(ws, [50, 10, 60])
    ws.print_title_rows = "1:1"


def collected_workbook(
    files: list[BranchFile], skipped: list[tuple[Path, str]], epoch=None, root: Path | None = None
) -> bytes:
    """One workbook upward: a row per branch plus totals (统计表, 评定结果), and the files skipped."""
    wb = Workbook()
    grades = _of_kind(files, KIND_GRADES)
    _stats_sheet(wb.active, _of_kind(files, KIND_STATS), root)
    _grades_sheet(wb.create_sheet("评定结果汇总"), grades, root)
    _members_sheet(wb.create_sheet("党员评定结果"), grades)
    _reading_sheet(wb.create_sheet("读取情况"), files, skipped, root)
    return _bytes(wb, epoch)


def _totals(ws, row: int, first_col: int, n: int, table: list[list]) -> None:
    """A 合计 row of formulas (a figure corrected later is added in); blank where no branch gave one."""
    _put(ws, row, 2, "合计", bold=True, box=True)
    for k in range(n):
        col = get_column_letter(first_col + k)
        cell = _put(ws, row, first_col + k, None, bold=True, box=True)
        if any(r[k] is not None for r in table):
            cell.value = f"=SUM({col}3:{col}{row - 1})"  # our own formula: not forced to text as names are


# A figure a branch left blank is marked in the collected workbook, so the 党委 asks for it.
_BLANK = PatternFill("solid", fgColor="FFF2CC")


def blank_figures(files: list[BranchFile]) -> list[tuple[str, str]]:
    """(党支部, 项目) of every figure a branch's 统计表 left blank."""
    return [(f.branch, c) for f in _of_kind(files, KIND_STATS) for c in STAT_COLS if f.stats.get(c) is None]
