"""Party member rosters (党员名册) from CSV or XLSX, with Chinese column names as people write them.

`load_roster(path) -> list[Member]` is the interface other parts of the kit use (drafts, form packs).
`read_roster(path)` returns the same members plus what a person should be told: the encoding used
and warnings such as two members with the same name. `labels(members)` gives each member a name that
tells namesakes apart (name plus 党小组 and 出生年月), for lists and ballots.

Every problem raises `RosterError` (an `InputError`) naming the file, the spreadsheet row (the header
is the row it sits on, normally row 1) and the column; all problems of a file are reported together.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, InputErrors
from ..limits import ROSTER_LIMITS
from . import sheet
from .editions import cn_date

CATEGORIES = ("正式党员", "预备党员")

# Canonical column -> the headings people actually use for it (compared after normalising); the rules are
# data shared with the 本支部 page (sheet_rules.json). A 支委 column (是/否) or the post held in the
# 支部委员会 (书记, 组织委员...) decides who is a 支委.
COLUMNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in sheet.RULES["roster"]["columns"].items()}
# Without a name and a category the kit cannot list members or know who receives no grade.
REQUIRED = tuple(sheet.RULES["roster"]["required"])
HEADER_SEARCH_ROWS = sheet.HEADER_SEARCH_ROWS  # title rows ("某某党支部党员名册") may sit above the header
# Rows offices add below the list (合计, 填表人, 注...): skipped with a notice when they end the sheet.
TRAILER = sheet.SUMMARY


class RosterError(InputError):
    """A roster problem at a spreadsheet row and column."""

    def __init__(self, file, message: str, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        where = "，".join(x for x in (f"第{row}行" if row else "", f"“{column}”列" if column else "") if x)
        super().__init__(file, message, field=where or None, line=row)


class RosterWarning(UserWarning):
    """Something in a roster a person should check, but that does not stop the kit."""


@dataclass(frozen=True, order=True)
class Day:
    """A date as rosters give it: year and month, the day when known."""

    year: int
    month: int
    day: int | None = None

    def __str__(self) -> str:
        return f"{self.year}.{self.month:02d}" + (f".{self.day:02d}" if self.day else "")

    @property
    def cn(self) -> str:
        """As written in Chinese forms: 1980年5月."""
        return cn_date(self)

    def key(self) -> tuple[int, int, int]:
        """Sort key; an unknown day sorts first in its month."""
        return (self.year, self.month, self.day or 0)


@dataclass(frozen=True)
class Member:
    """One party member as the roster gives them; `row` is the spreadsheet row, for messages."""

    name: str
    category: str  # 正式党员 or 预备党员
    gender: str | None = None
    ethnicity: str | None = None  # 民族
    education: str | None = None  # 学历
    birth: Day | None = None
    joined: Day | None = None
    group: str | None = None
    position: str | None = None
    mobile: bool = False  # 流动党员
    leader: bool = False  # 党员领导干部
    # From a 支委 or 支部职务 column: None when the roster has neither (the 职务 column is read instead).
    committee: bool | None = None
    committee_post: str | None = None
    remarks: str | None = None
    row: int = 0
    on_probation: bool = False  # 留党察看: no vote while it lasts (党章)

    @property
    def probationary(self) -> bool:
        """预备党员 take part in the evaluation but receive no grade."""
        return self.category == "预备党员"

    @property
    def voting(self) -> bool:
        """有表决权: a 正式党员 not under 留党察看 (党章); 预备党员 have no vote either."""
        return not self.probationary and not self.on_probation


@dataclass
class RosterReport:
    """What reading a roster produced: the members and what the user should be told."""

    path: Path
    members: list[Member]
    encoding: str | None  # None for XLSX
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal, in Chinese."""
        enc = f"，编码 {self.encoding}" if self.encoding else ""
        n_prob = sum(m.probationary for m in self.members)
        return f"{self.path}：{len(self.members)} 名党员（预备党员 {n_prob} 名）{enc}"


_cell_text = sheet.cell_text


_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*(?:[.\-/年]\s*(?P<m>\d{1,2})\s*(?:[.\-/月]\s*(?:(?P<d>\d{1,2})\s*日?)?)?)?$"
)


def parse_day(value) -> Day:
    """A roster date: 1980.05, 1980-05, 1980年5月, 1980/5/1, 198005, an Excel date or serial number."""
    if isinstance(value, dt.datetime):
        serial = _typed_year(value)
        value = serial if serial is not None else value.date()
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day)
    if isinstance(value, float) and not value.is_integer():
        # Excel turns a typed 1980.10 into the number 1980.1, so two decimals are the month.
        year = int(value)
        return _checked(year, round((value - year) * 100), None)
    text = unicodedata.normalize("NFKC", _cell_text(value)).replace(" ", "")
    if re.fullmatch(r"\d{6}", text):
        return _checked(int(text[:4]), int(text[4:]), None)
    if re.fullmatch(r"\d{8}", text):
        return _checked(int(text[:4]), int(text[4:6]), int(text[6:]))
    if re.fullmatch(r"\d{5}", text):
        # An Excel serial day number that lost its date format on the way to CSV.
        return parse_day(dt.date(1899, 12, 30) + dt.timedelta(days=int(text)))
    m = _DATE_RE.match(text)
    if not m or not m.group("m"):
        raise ValueError(f"看不懂的日期“{text}”（可写成 1980.05、1980-05、1980年5月 或 1980/5/1）")
    return _checked(int(m.group("y")), int(m.group("m")), int(m.group("d")) if m.group("d") else None)


def _typed_year(value: dt.datetime) -> float | None:
    """The number typed into a date-formatted cell when it was a year: 1975.03 shows as 1905-05-28."""
    # Excel keeps the typed 1975.03 and shows it as day 1975 after 1899-12-30; no member's date is in 1905.
    days = value - dt.datetime(1899, 12, 30)
    serial = days.days + days.seconds / 86400 + days.microseconds / 86400e6
    if not 1900 <= serial < dt.date.today().year + 1:
        return None
    if serial.is_integer() or round((serial - int(serial)) * 100) == 0:
        year = int(serial)
        raise ValueError(f"“{year}”是设成日期格式的数字，缺月份（可写成 {year}.05，单元格设为文本或常规）")
    return round(serial, 2)


def _checked(year: int, month: int, day: int | None) -> Day:
    if not 1900 <= year <= dt.date.today().year:
        raise ValueError(f"年份 {year} 不可能")
    if not 1 <= month <= 12:
        raise ValueError(f"{year}年{month}月不存在（月份应为1—12）")
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{year}年{month}月{day}日不存在") from None
    out = Day(year, month, day)
    today = dt.date.today()
    if out.key() > (today.year, today.month, today.day):
        raise ValueError(f"{out.cn}晚于今天")
    return out


# Offices align names in a column by padding them with (ideographic) spaces: 王　芳 is 王芳.
_CJK_NAME = "\u3400-\u9fff\uf900-\ufaff·"
_PAD = re.compile(f"(?<=[{_CJK_NAME}])\\s+|\\s+(?=[{_CJK_NAME}])")
_DOTS = re.compile("[・•‧∙⋅･.．]")


def clean_name(text: str) -> str:
    """A name as printed: padding inside a Chinese name removed, the middle dot (阿依古丽·买买提) kept."""
    name = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    if re.search(r"[\u3400-\u9fff]", name):
        name = _DOTS.sub("·", name)
    return _PAD.sub("", name)


_trailer = sheet.summary_text
_yes_no = sheet.yes_no


def _category(text: str) -> str:
    if not re.sub(r"\s", "", text):
        raise ValueError("党员类别为空（应为“正式党员”或“预备党员”）")
    if found := sheet.one_of(sheet.RULES["categories"], text):
        return found
    raise ValueError(f"未知的党员类别“{text}”（应为“正式党员”或“预备党员”）")


def _gender(text: str) -> str | None:
    if not text.strip():
        return None
    if found := sheet.one_of(sheet.RULES["genders"], text):
        return found
    raise ValueError(f"性别应为“男”或“女”，不是“{text}”")


# --- reading the file -------------------------------------------------------------------------


def _error(path: Path):
    def make(message: str, row: int | None, column: str | None) -> RosterError:
        return RosterError(path, message, row=row, column=column)

    return make


def read_roster(path: str | Path, coverage: frozenset[int] | None = None) -> RosterReport:
    """Read and check a roster; raise InputErrors listing every problem with its row and column.

    `coverage` (handbook.pdf.fonts.covered_codepoints()) makes a name no font can print an error."""
    path = Path(path)
    rows, encoding = _read_rows(path)
    try:
        header_at, index, ignored = _header(path, rows)
    except RosterError as exc:
        raise _encoding_hinted(exc, path, encoding) from None
    header_row = header_at + 1
    body = rows[header_at + 1 :]
    end, skipped = _trailing_rows(body, header_row)
    errors: list[InputError] = []
    members: list[Member] = []
    for i, row in enumerate(body[:end], start=header_row + 1):
        if not any(_cell_text(c) for c in row):
            continue
        if (text := _trailer(row)) is not None:
            msg = f"这一行像是汇总或说明行（{text}），但下面还有党员；请删除它或移到名册末尾"
            errors.append(RosterError(path, msg, row=i, column="姓名"))
            continue
        member = _member(path, row, i, index, errors)
        if member.name:
            errors.extend(_glyph_errors(path, member, coverage))
        members.append(member)
    if errors:
        raise InputErrors(_formulas_named(path, errors, index))
    if not members:
        raise RosterError(path, "名册中没有党员（表头下面没有数据行）", row=header_row + 1, column="姓名")
    return RosterReport(path, members, encoding, _notes(path, members, skipped), ignored)


# Encodings a CSV from a Traditional Chinese or Japanese Windows may be in (GB18030 decodes them as garble).
OTHER_ENCODINGS = {"big5": "繁体中文 Big5", "shift_jis": "日文 Shift-JIS", "euc_kr": "韩文 EUC-KR"}


def _encoding_hinted(exc: RosterError, path: Path, encoding: str | None) -> RosterError:
    """A header not found in a CSV read as GB18030: say which other encoding it is in, if one fits."""
    if not encoding or not encoding.startswith("GB18030"):
        return exc
    data = path.read_bytes()
    for codec, name in OTHER_ENCODINGS.items():
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if any(alias in text for alias in COLUMNS["姓名"]):
            hint = f"文件像是{name}编码，上面的列名因此是乱码"
            break
    else:
        hint = "如果上面的列名是乱码，文件可能是其他编码（如繁体 Big5、日文 Shift-JIS）"
    msg = f"{exc.message}。{hint}：请在 Excel 或 WPS 中“另存为”CSV UTF-8 或 Excel 工作簿（.xlsx）"
    return RosterError(path, msg, row=exc.row, column=exc.column)


def _formulas_named(path: Path, errors: list[InputError], index: dict[str, int]) -> list[InputError]:
    """Errors at a formula cell without a cached value say so (openpyxl reads such a cell as empty)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return errors
    cells = sheet.formula_cells(path, ROSTER_LIMITS)
    if not cells:
        return errors
    out: list[InputError] = []
    for e in errors:
        col = index.get(getattr(e, "column", None) or "")
        f = cells.get((getattr(e, "row", None), col)) if col is not None else None
        if f:
            e = RosterError(path, sheet.FORMULA_MSG.format(f=f[:40]), row=e.row, column=e.column)
        out.append(e)
    return out


def _read_rows(path: Path) -> tuple[list[list], str | None]:
    """The file's rows as cell values, and the text encoding a CSV was read with."""
    if not path.is_file():
        raise RosterError(path, "找不到名册文件")
    return sheet.read_rows(path, _error(path), limits=ROSTER_LIMITS, what="名册")


def _header(path: Path, rows: list[list]) -> tuple[int, dict[str, int], list[str]]:
    """Where the header is (a title row may sit above it), the column of each known name, and the rest."""
    header_at = sheet.find_header(rows, "roster")
    if header_at is None:
        first = next((r for r in rows if not sheet.blank(r)), [])
        raise RosterError(path, f"缺少必需的列“姓名”。找到的列：{sheet.found(first)}", row=1, column="姓名")
    head = sheet.header(rows, header_at, "roster")
    if missing := sheet.missing(head, "roster"):
        msg = f"缺少必需的列“{'”“'.join(missing)}”。找到的列：{sheet.found(rows[header_at])}"
        raise RosterError(path, msg, row=head.row, column=missing[0])
    return header_at, head.index, head.ignored


def _trailing_rows(body: list[list], header_row: int) -> tuple[int, list[str]]:
    """Where the members end: trailing rows that read as 合计/填表人/注 (past empty rows) are left out."""
    return sheet.trailing(body, header_row + 1)


def _member(path: Path, row: list, i: int, index: dict[str, int], errors: list[InputError]) -> Member:
    """One data row as a member; each bad cell adds an error naming row and column."""
    cells = {col: (row[j] if j < len(row) else None) for col, j in index.items()}

    def get(col: str, convert):
        value = cells.get(col)
        try:
            if col in ("出生年月", "入党时间"):
                # Dates keep their cell type: an XLSX date or number means more than its text.
                return convert(value) if _cell_text(value) else None
            return convert(_cell_text(value))
        except ValueError as exc:
            errors.append(RosterError(path, str(exc), row=i, column=col))
            return None

    def text(col: str) -> str:
        return _cell_text(cells.get(col))

    name = clean_name(text("姓名"))
    if not name:
        errors.append(RosterError(path, "姓名为空", row=i, column="姓名"))
    elif len(name) > ROSTER_LIMITS.name:
        msg = f"姓名太长（{len(name)} 个字符，上限 {ROSTER_LIMITS.name} 个）：请只写姓名，其他写在“备注”列"
        errors.append(RosterError(path, msg, row=i, column="姓名"))
    category = get("党员类别", _category)
    birth = get("出生年月", parse_day)
    joined = get("入党时间", parse_day)
    if birth and joined and joined.key() < birth.key():
        errors.append(
            RosterError(path, f"入党时间 {joined.cn} 早于出生年月 {birth.cn}", row=i, column="入党时间")
        )
    remarks = re.sub(r"\s+", " ", text("备注")) or None
    post = re.sub(r"\s", "", text("支部职务")) or None
    if "支委" in index:
        on_committee = get("支委", _yes_no)
    elif "支部职务" in index:
        on_committee = post is not None
    else:
        on_committee = None
    return Member(
        name=name,
        category=category or "正式党员",
        gender=get("性别", _gender),
        ethnicity=re.sub(r"\s", "", text("民族")) or None,
        education=re.sub(r"\s", "", text("学历")) or None,
        birth=birth,
        joined=joined,
        group=text("党小组") or None,
        position=text("职务") or None,
        # A 流动党员 is marked in its own column or written in 备注.
        mobile=bool(get("流动党员", _yes_no)) or "流动党员" in (remarks or ""),
        leader=bool(get("领导干部", _yes_no)),
        committee=on_committee,
        committee_post=post,
        remarks=remarks,
        row=i,
        on_probation=bool(get("留党察看", _yes_no)),
    )


def _notes(path: Path, members: list[Member], skipped: list[str]) -> list[str]:
    """What the secretary should be told: skipped summary rows, namesakes."""
    notes: list[str] = []
    if skipped:
        notes.append(f"{path}：已跳过名册末尾的汇总或说明行：{'；'.join(skipped)}")
    for name, n in Counter(m.name for m in members).items():
        if n > 1:
            rows_ = "、".join(str(m.row) for m in members if m.name == name)
            notes.append(
                f"{path}：有 {n} 名党员同名“{name}”（第{rows_}行）；"
                "名单和测评表中会在姓名后注明党小组和出生年月以示区分，请确认不是重复录入"
            )
    return notes


def load_roster(path: str | Path) -> list[Member]:
    """Members of a roster file (CSV or XLSX); namesakes are reported as RosterWarning."""
    report = read_roster(path)
    for note in report.warnings:
        warnings.warn(note, RosterWarning, stacklevel=2)
    return report.members


def labels(members: list[Member]) -> dict[int, str]:
    """Display name per roster row: namesakes get 党小组 and 出生年月 added so ballots tell them apart."""
    counts = Counter(m.name for m in members)
    out: dict[int, str] = {}
    for m in members:
        if counts[m.name] > 1:
            parts = (m.group, m.birth.cn if m.birth else None)
            extra = "，".join(x for x in parts if x) or f"名册第{m.row}行"
            out[m.row] = f"{m.name}（{extra}）"
        else:
            out[m.row] = m.name
    # Still ambiguous (same name, group and birth month): fall back to the roster row.
    again = Counter(out.values())
    for m in members:
        if again[out[m.row]] > 1:
            out[m.row] = f"{out[m.row][:-1]}，名册第{m.row}行）" if out[m.row].endswith("）") else out[m.row]
    return out


def _glyph_errors(path: Path, m: Member, cover: frozenset[int] | None) -> list[RosterError]:
    if cover is None:
        return []
    out = []
    for column, text in (("姓名", m.name), ("党小组", m.group), ("职务", m.position)):
        for ch in text or "":
            if ord(ch) not in cover and not ch.isspace():
                out.append(
                    RosterError(
                        path,
                        f"“{m.name}”的{column}中有字体无法显示的字“{ch}”（U+{ord(ch):04X}），打印出来会是空白或方框。"
                        "请改用通用写法，或安装含该字的字体后再生成",
                        row=m.row,
                        column=column,
                    )
                )
                break
    return out
