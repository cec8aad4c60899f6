"""One reader for the spreadsheets offices keep (rosters, tallies): files to rows, headers, trailing rows.

The rules (heading aliases, required columns, how deep a header may sit under title rows, the words that
start a 合计/填表人/注 row) are data in `sheet_rules.json`, which the 本支部 page's reader
(docs/assets/members.js) reads too, so a list pasted in the browser is read as `handbook roster` reads it.
Problems are raised through the caller's `error(message, row, column)`, so each reader keeps its own
error type and wording of places.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from ..errors import InputError
from ..limits import Limits, bounded_rows, check_file_size, check_xlsx

RULES_PATH = Path(__file__).with_name("sheet_rules.json")
RULES: dict = json.loads(RULES_PATH.read_text(encoding="utf-8"))

HEADER_SEARCH_ROWS: int = RULES["header_search_rows"]
SUMMARY = re.compile(f"^({'|'.join(map(re.escape, RULES['summary_words']))}){RULES['summary_follow']}")
YES = frozenset(RULES["yes"])
NO = frozenset(RULES["no"])

# error(message, row, column) -> the reader's own InputError.
ErrorFactory = Callable[[str, "int | None", "str | None"], InputError]


def rules_json() -> str:
    """The rules as compact JSON, for embedding into a page."""
    return json.dumps({k: v for k, v in RULES.items() if not k.startswith("_")}, ensure_ascii=False)


def norm_header(text) -> str:
    """A heading as compared: "*姓名", "出生年月（1980.05）", "党员 类别", full-width forms all match."""
    t = unicodedata.normalize("NFKC", "" if text is None else str(text))
    t = re.sub(r"[（(\[【].*?[）)\]】]", "", t)
    return re.sub(r"[\s*＊:：/、]", "", t)


def cell_text(value) -> str:
    """A cell as text: whole floats without ".0", stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def yes_no(text: str) -> bool:
    """是/否 as offices write it; anything else is a ValueError with the Chinese reason."""
    t = text.strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    raise ValueError(f"应填“是”或“否”，不是“{text}”")


def one_of(table: dict[str, list[str]], text: str) -> str | None:
    """The canonical value whose spellings (spaces ignored) include `text`, else None."""
    t = re.sub(r"\s", "", text)
    return next((canon for canon, names in table.items() if t in names), None)


# --- files to rows ------------------------------------------------------------------------------


def decode(data: bytes, error: ErrorFactory) -> tuple[str, str]:
    """Text and the encoding used: UTF-8 (with or without BOM) first, then GB18030 (covers GBK)."""
    try:
        return data.decode("utf-8-sig"), ("UTF-8（带 BOM）" if data.startswith(b"\xef\xbb\xbf") else "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030/GBK"
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        hint = ""
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = "这像是 UTF-16（Excel 的“Unicode 文本”）；"
        raise error(
            f"文件编码既不是 UTF-8 也不是 GB18030/GBK（第{exc.start + 1}个字节无法识别）。{hint}"
            "请在 Excel 或 WPS 中“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）",
            row,
            "（编码）",
        ) from None


def text_rows(text: str) -> list[list]:
    """Rows of delimited text; the delimiter (comma, tab, semicolon, full-width comma) is sniffed."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t，")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def xlsx_rows(
    path: Path, error: ErrorFactory, limits: Limits | None = None, what: str = "表格", formulas: bool = False
) -> list[list]:
    """The cell values of the first sheet (dates as datetimes, numbers as numbers), within `limits`
    (handbook.limits: unpacked size, rows, cell length); `formulas` reads formulas instead of results."""
    if limits:
        check_xlsx(path, what, limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=not formulas)
    except Exception as exc:  # openpyxl raises several types for a damaged or mislabeled file
        raise error(f"无法作为 Excel 工作簿（.xlsx）打开：{exc}", None, None) from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        return bounded_rows(path, rows, what, limits) if limits else [list(r) for r in rows]
    finally:
        wb.close()


FORMULA_MSG = (
    "这个单元格是公式（{f}），但文件里没有保存公式的计算结果（由程序生成、没有在 Excel 或 WPS 中打开保存过的"
    "文件常见这种情况）：请在 Excel 或 WPS 中打开并保存一次，或把公式改成数值"
)


def formula_cells(path: Path, limits: Limits) -> dict[tuple[int, int], str]:
    """(row, 0-based column) → formula, for the first sheet's formula cells (openpyxl reads a formula
    without a saved result as an empty cell, so a reader says why a cell it needs is empty)."""

    def quiet(message: str, row, column) -> InputError:
        return InputError(path, message)

    try:
        rows = xlsx_rows(path, quiet, limits, formulas=True)
    except InputError:
        return {}
    return {
        (i, j): c
        for i, row in enumerate(rows, start=1)
        for j, c in enumerate(row)
        if isinstance(c, str) and c.startswith("=")
    }


def read_rows(
    path: Path,
    error: ErrorFactory,
    text_types=(".csv", ".txt"),
    limits: Limits | None = None,
    what: str = "表格",
) -> tuple[list[list], str | None]:
    """A CSV's or XLSX's rows, and the text encoding a CSV was read with (None for XLSX); `limits`
    refuses a file, row count or cell beyond them (handbook.limits) with the file and the limit."""
    if not path.is_file():
        raise error("找不到文件", None, None)
    if limits:
        check_file_size(path, what, limits)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return xlsx_rows(path, error, limits, what), None
    if suffix in text_types:
        text, encoding = decode(path.read_bytes(), error)
        rows = text_rows(text)
        return (bounded_rows(path, rows, what, limits) if limits else rows), encoding
    if suffix == ".xls":
        raise error("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV", None, None)
    raise error(f"不支持的文件类型“{path.suffix}”，请使用 .csv 或 .xlsx", None, None)


# --- tables in rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """Where a table's header is and which column holds each known heading."""

    at: int  # index in the rows (the spreadsheet row is at + 1)
    index: dict[str, int]
    ignored: list[str]

    @property
    def row(self) -> int:
        """The spreadsheet row the header sits on."""
        return self.at + 1


def aliases(kind: str) -> dict[str, str]:
    """Normalised heading -> canonical column, for a table kind of the rules ("roster", "tally")."""
    return {norm_header(a): canon for canon, names in RULES[kind]["columns"].items() for a in names}


def find_header(rows: list[list], kind: str) -> int | None:
    """The index of the first of the top rows with the kind's key column (姓名), or None."""
    table = aliases(kind)
    key = RULES[kind]["key"]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(table.get(norm_header(c)) == key for c in row if c is not None):
            return i
    return None


def header(rows: list[list], at: int, kind: str) -> Header:
    """Column of each known heading (the first wins) and the headings the kit does not use."""
    table = aliases(kind)
    index: dict[str, int] = {}
    ignored: list[str] = []
    for j, cell in enumerate(rows[at]):
        canon = table.get(norm_header(cell)) if cell is not None else None
        if canon and canon not in index:
            index[canon] = j
        elif cell_text(cell):
            ignored.append(cell_text(cell))
    return Header(at, index, ignored)


def missing(head: Header, kind: str) -> list[str]:
    """Required columns of the kind the header lacks."""
    return [c for c in RULES[kind]["required"] if c not in head.index]


def found(row: list) -> str:
    """The headings of a row, for a message saying what was found instead."""
    return "、".join(cell_text(c) for c in row if cell_text(c)) or "（空）"


def summary_text(row: list) -> str | None:
    """The text of an office's summary row (合计 12人, 填表人：…), or None for any other row."""
    texts = [cell_text(c) for c in row if cell_text(c)]
    if texts and SUMMARY.match(re.sub(r"\s", "", texts[0])):
        return " ".join(texts)[:30]
    return None


def blank(row: list) -> bool:
    """True when no cell of the row has text."""
    return not any(cell_text(c) for c in row)


def trailing(body: list[list], first_row: int) -> tuple[int, list[str]]:
    """Where the table's rows end: trailing summary rows (past empty rows) are left out and named."""
    end = len(body)
    skipped: list[str] = []
    while end > 0:
        row = body[end - 1]
        if blank(row):
            end -= 1
            continue
        text = summary_text(row)
        if text is None:
            break
        skipped.insert(0, f"第{first_row + end - 1}行（{text}）")
        end -= 1
    return end, skipped
