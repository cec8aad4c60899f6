"""Size limits for every input file, each refused with the file and the limit in Chinese.

The limits are far above what a branch (or a 党委 of 2,000 members packed as one) produces and far below
what exhausts a PC: a 10,000-member roster CSV is about 1 MB and its workbook's sheet XML about 10 MB.
"""

from __future__ import annotations

import errno
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

KB, MB = 1024, 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one kind of input may hold."""

    size: int  # bytes on disk
    unpacked: int  # a workbook's parts uncompressed, in bytes
    rows: int  # data rows (members)
    cell: int  # characters in one cell or value
    name: int = 50  # characters in a name


# A roster or tally lists members: 10,000 is five times the largest unit the kit is tested with.
ROSTER_LIMITS = Limits(size=20 * MB, unpacked=60 * MB, rows=10_000, cell=500)
TALLY_LIMITS = Limits(size=20 * MB, unpacked=60 * MB, rows=10_000, cell=1_000, name=200)
# A branch workbook written by `handbook results`: one row per member, a few sheets.
XLSX_LIMITS = Limits(size=20 * MB, unpacked=60 * MB, rows=10_000, cell=1_000, name=200)
# The unit profile is a page of text; a form export (整改清单, 承诺书) a few pages.
UNIT_LIMITS = Limits(size=256 * KB, unpacked=0, rows=0, cell=500)
EXPORT_LIMITS = Limits(size=2 * MB, unpacked=0, rows=0, cell=5_000)
ZIP_ENTRIES = 2_000  # parts in one workbook
# Header and title rows above the table, and summary rows below it, on top of the data rows.
EXTRA_ROWS = 50


def size_text(n: int) -> str:
    """A size in words: 20 MB, 256 KB."""
    if n >= MB:
        return f"{n / MB:.0f} MB" if n % MB == 0 or n >= 10 * MB else f"{n / MB:.1f} MB"
    return f"{n / KB:.0f} KB" if n >= KB else f"{n} 字节"


def _actual(n: int) -> str:
    """A file's size in words, precise enough to differ from a limit it just passes."""
    return f"{n / MB:.1f} MB" if n >= MB else size_text(n)


def check_file_size(path: Path, what: str, limits: Limits) -> None:
    """Refuse a file larger than its kind allows (before it is read)."""
    size = Path(path).stat().st_size
    if size > limits.size:
        raise InputError(
            path,
            f"{what}文件太大（{_actual(size)}），上限为 {size_text(limits.size)}；请确认选对了文件，"
            "或删去多余的工作表、图片和空行后再试",
        )


def check_xlsx(path: Path, what: str, limits: Limits) -> None:
    """Refuse a workbook whose parts unpack to more than the limit (a zip bomb, a gigabyte cell)."""
    check_file_size(path, what, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader says it cannot open it
    if len(infos) > ZIP_ENTRIES:
        raise InputError(
            path, f"{what}工作簿内部文件过多（{len(infos)} 个，上限 {ZIP_ENTRIES} 个），不像是普通的表格"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked:
        raise InputError(
            path,
            f"{what}工作簿解压后太大（{_actual(total)}，上限 {size_text(limits.unpacked)}）："
            "其中可能有极长的单元格、大量空行或图片。请只保留名单所在的工作表，另存后再试",
        )


def _column(j: int) -> str:
    """The spreadsheet letter of the 0-based column j (A, B, …, AA)."""
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def bounded_rows(path: Path, rows: Iterable, what: str, limits: Limits) -> list[list]:
    """The rows of a sheet or CSV, refused past the row limit or at a cell longer than the limit."""
    out: list[list] = []
    last = 0  # rows up to the last non-empty one (trailing empty rows are dropped)
    for i, row in enumerate(rows, start=1):
        cells = list(row)
        if any(c is not None and str(c).strip() for c in cells):
            last = i
            if i > limits.rows + EXTRA_ROWS:
                raise InputError(
                    path,
                    f"{what}行数太多（超过 {limits.rows + EXTRA_ROWS} 行，上限为 {limits.rows} 名党员）："
                    "请确认选对了文件，或删去表格下方多余的内容",
                    field=f"第{i}行",
                    line=i,
                )
            for j, c in enumerate(cells):
                if isinstance(c, str) and len(c) > limits.cell:
                    raise InputError(
                        path,
                        f"单元格内容太长（{len(c)} 个字符，上限 {limits.cell} 个），不像是{what}中的内容",
                        field=f"第{i}行，第{_column(j)}列",
                        line=i,
                    )
        out.append(cells)
    return out[:last]


def check_text(path: Path, text: str, what: str, limit: int, field: str | None = None) -> None:
    """Refuse one text value longer than `limit` characters."""
    if isinstance(text, str) and len(text) > limit:
        raise InputError(path, f"{what}太长（{len(text)} 个字符，上限 {limit} 个）", field=field)


def check_count(path: Path, value: int, what: str, most: int, field: str | None = None) -> None:
    """Refuse a count above what the roster allows."""
    if value > most:
        raise InputError(path, f"{what}{value}超过名册中的党员人数{most}：每名党员只有一张票", field=field)


# What an operating-system error means for the person at the keyboard, and what to do.
OS_ADVICE = {
    errno.ENOSPC: "磁盘已满：请清理磁盘空间后重新运行（之前的输出没有改动）",
    errno.EDQUOT: "超出磁盘配额：请清理空间后重新运行（之前的输出没有改动）",
    errno.EROFS: "所在磁盘是只读的：请把 --out 指向可以写入的文件夹（如自己的文档文件夹）",
    errno.EACCES: "没有权限：请把 --out 指向自己可以写入的文件夹，或检查文件是否被其他程序占用",
    errno.EPERM: "没有权限：请把 --out 指向自己可以写入的文件夹",
    errno.ENAMETOOLONG: "文件名或路径太长：请缩短名册中的姓名或党小组名称，或换一个较短的输出路径",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹：请检查 --out 等路径",
    errno.EISDIR: "这是一个文件夹，而这里需要一个文件",
    errno.ENOENT: "找不到文件或文件夹",
    errno.ELOOP: "符号链接循环：请检查路径中的链接",
    errno.EMFILE: "同时打开的文件过多：请关闭其他程序后重试",
}


def os_reason(exc: BaseException) -> str:
    """An OSError (or a symlink loop's RuntimeError) in Chinese, with what to do."""
    if isinstance(exc, OSError) and exc.errno in OS_ADVICE:
        return OS_ADVICE[exc.errno]
    if isinstance(exc, RuntimeError) and "loop" in str(exc).lower():
        return OS_ADVICE[errno.ELOOP]
    detail = getattr(exc, "strerror", None) or type(exc).__name__
    return f"系统错误（{detail}）"


def os_message(exc: OSError) -> InputError:
    """An OSError as the one error type users see: the file it concerns and what to do."""
    where = exc.filename or "handbook"
    return InputError(where, os_reason(exc))
