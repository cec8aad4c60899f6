"""The tally (计票结果) of the 民主测评: from the 计票 page's JSON or an XLSX, matched to the roster, checked.

The file format and the checks are the contract written down in TALLY.md. The checks are the table
`tally.checks` of editions/common.yml (id, 错误 or 提示, message template); this module and the page's
docs/assets/tally-core.js evaluate the same table over the same data, in the same order. Errors (错误) stop
the outputs; hints (提示) are printed and the outputs are still written. The kit decides no grade.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import InputError, InputErrors
from ..limits import TALLY_LIMITS, check_file_size
from ..yamlio import validate
from . import sheet
from .editions import CapFigure, Common, TallyVocab, fill, load_common
from .roster import Member, labels

GRADES = ("优秀", "合格", "基本合格", "不合格")
KIND = "zzshh-tally"
VERSION = 1
BALLOT_KEYS = {"issued": "发出票数", "returned": "收回票数", "valid": "有效票数"}
# XLSX headings, the rows under the table that are not members (totals, the person who filled it in,
# footnotes) and how deep the header may sit: the one table reader's rules (model/sheet.py).
TRAILER = sheet.SUMMARY
GRADE_FIELDS = {"proposal": "支委会建议等次", "decided": "评定等次"}


class TallyError(InputError):
    """A tally problem: the file, the member (or row) and the field."""

    def __init__(self, file, message: str, member: str | None = None, where: str | None = None):
        self.member = member
        parts = [p for p in (where, f"“{member}”" if member else None) if p]
        super().__init__(file, message, field="，".join(parts) or None)


@dataclass(frozen=True)
class Ballots:
    """Ballots issued, returned and valid; None where unknown (a bad value is kept raw for the checks)."""

    issued: Any = None
    returned: Any = None
    valid: Any = None


@dataclass
class Entry:
    """One member's line of the tally; `raw` keeps the counts as written, `counts` their integer values."""

    name: str
    raw: tuple
    probationary: bool | None = None  # None: the file does not say (XLSX); the roster decides
    proposal: Any = None
    decided: Any = None
    note: str = ""
    where: str = ""  # "members[3]" or "第5行": for messages
    row: int = 0  # the line's number in the page's table (JSON) or the sheet's row (XLSX)
    group: str | None = None  # 党小组, when the page's member list gives it
    mobile: bool = False  # 流动党员, likewise

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """Marks per grade as integers (a bad value counts 0; the checks report it)."""
        return tuple(v if isinstance(v, int) else 0 for v in map(number, self.raw))

    @property
    def marks(self) -> int:
        """Marks given to this member (blank ballots not counted)."""
        return sum(self.counts)


@dataclass
class Tally:
    """A tally file as read: ballots, one entry per member, and what the reader should be told."""

    path: Path
    ballots: Ballots
    entries: list[Entry]
    branch: str | None = None
    edition: int | None = None
    second: dict | None = None
    entered: int | None = None  # ballots entered one by one on the page, when it says
    notices: list[str] = field(default_factory=list)
    ballots_from: str = "计票文件"
    errors: list[InputError] = field(default_factory=list)


@dataclass
class Row:
    """A member of the roster with their tally entry."""

    member: Member
    label: str
    entry: Entry

    @property
    def counts(self) -> tuple[int, int, int, int]:
        """Marks per grade, in GRADES order."""
        return self.entry.counts

    @property
    def grade(self) -> str | None:
        """The decided grade, else the proposal: what the ⅓ guideline is checked against."""
        return self.entry.decided or self.entry.proposal


@dataclass(frozen=True)
class Finding:
    """One check's result: the table's id and level, the filled message, the line it names (0: none)."""

    id: str
    level: str
    text: str
    row: int = 0


@dataclass
class Results:
    """The tally matched to the roster and checked: everything the outputs print."""

    tally: Tally
    roster_path: Path
    rows: list[Row]
    valid: int
    valid_note: str  # where the valid-ballot figure comes from
    figure: CapFigure
    findings: list[Finding]
    notices: list[str]

    @property
    def base_kind(self) -> str:
        """The ⅓ guideline's base: 党员总数 or 正式党员."""
        return self.figure.base_kind

    @property
    def base(self) -> int:
        """Members in the base."""
        return self.figure.n

    @property
    def cap(self) -> int:
        """The whole-member figure of the guideline (一般不超过: it flags, never refuses)."""
        return self.figure.limit

    @property
    def base_text(self) -> str:
        """The base in words, for every place the ⅓ guideline is printed."""
        return self.figure.base_text

    @property
    def hints(self) -> list[str]:
        """The 提示 findings as printed lines."""
        return [f"提示：{f.text}" for f in self.findings if f.level == "提示"]

    def graded_counts(self) -> dict[str | None, int]:
        """Members per grade (decided, else proposed) among 正式党员; None for those without one."""
        out: dict[str | None, int] = {g: 0 for g in GRADES} | {None: 0}
        for r in self.rows:
            if not r.member.probationary:
                out[r.grade] += 1
        return out

    def blanks(self, row: Row) -> int:
        """Valid ballots on which this member was left unmarked (弃权/未勾选)."""
        return max(self.valid - row.entry.marks, 0)


# ---------------------------------------------------------------------------------------------- values


def number(value) -> int | str | None:
    """A count or ballot figure as written: an int ≥ 0, None when empty, else the text (a bad value).

    tally-core.js reads values by the same rules (full-width digits allowed, nothing else)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else str(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    # Thousands of digits stay text (too large to be a count, and to convert): the check says 过大.
    return int(text) if re.fullmatch(r"[0-9]{1,15}", text) else str(value).strip()


def too_large(value, max_count: int) -> bool:
    """A figure (as `number` reads it) above what a branch can have: a big integer or a long run of digits."""
    if isinstance(value, str):
        return bool(re.fullmatch(r"[0-9]+", unicodedata.normalize("NFKC", value).strip()))
    return isinstance(value, int) and value > max_count


def shown(raw) -> str:
    """A value as a message quotes it: floats as JavaScript prints them (1e+308), cut short when long."""
    return short(repr(raw) if isinstance(raw, float) else str(raw).strip())


def short(value) -> str:
    """A value as quoted in a message: a long one cut short (a 50 MB cell is not printed)."""
    text = str(value)
    if len(text) <= 20:
        return text
    return f"{text[:12]}…（共{len(text)}{'位' if text.lstrip('-').isdigit() else '个字符'}）"


def grade_value(value) -> str | None:
    """A grade as written: None when empty or a word for 'none' (tally.no_grade), else the text."""
    if value is None:
        return None
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))
    return None if t in _no_grade() else t


@cache
def _no_grade() -> frozenset[str]:
    return frozenset(load_common().tally.no_grade)


# ---------------------------------------------------------------------------------------------- the file


class FileMember(BaseModel):
    """One member of the page's export (TALLY.md, members[])."""

    model_config = ConfigDict(extra="ignore")

    name: str | int | None = None
    probationary: bool | None = None
    counts: dict[str, Any]
    proposal: str | None = None
    decided: str | None = None
    note: str | int | None = None
    group: str | None = None
    mobile: bool | None = None

    @field_validator("counts", mode="before")
    @classmethod
    def _an_object(cls, v):
        if not isinstance(v, dict):
            raise ValueError("缺少票数（counts 应为四个等次各自的票数）")
        return v

    @model_validator(mode="after")
    def _four_grades(self):
        absent = [g for g in GRADES if g not in self.counts]
        if absent:
            raise ValueError(f"缺少“{'”“'.join(absent)}”票数（四个等次都要有，没有票写0）")
        unknown = [k for k in self.counts if k not in GRADES]
        if unknown:
            raise ValueError(f"未知的等次“{'、'.join(map(str, unknown))}”")
        return self


class FileBallots(BaseModel):
    """`ballots`: issued, returned, valid (each an integer ≥ 0 or null; bad values are checks)."""

    model_config = ConfigDict(extra="ignore")

    issued: Any = None
    returned: Any = None
    valid: Any = None


class TallyFile(BaseModel):
    """The 计票 page's export, version 1 (TALLY.md); `kind` and `version` are checked before this model."""

    model_config = ConfigDict(extra="ignore")

    kind: str
    version: int
    edition: int | None = None
    branch: str | None = None
    ballots: FileBallots = Field(default_factory=FileBallots)
    members: list[FileMember] = Field(min_length=1)
    entered: int | None = Field(None, ge=0)
    second: dict | None = None


def load_tally(path: str | Path, ballots: Ballots | None = None, common: Common | None = None) -> Tally:
    """Read a tally from the 计票 page's JSON or an XLSX; `ballots` (command options) override the file's."""
    path = Path(path)
    if not path.is_file():
        raise TallyError(path, "找不到计票文件")
    check_file_size(path, "计票", TALLY_LIMITS)
    suffix = path.suffix.lower()
    if suffix == ".json":
        tally = _load_json(path, (common or load_common()).tally)
    elif suffix in (".xlsx", ".xlsm"):
        tally = _load_xlsx(path)
    else:
        raise TallyError(
            path, f"不支持的计票文件类型“{path.suffix}”，请使用计票页导出的 .json 或 Excel 工作簿 .xlsx"
        )
    if ballots and any(v is not None for v in (ballots.issued, ballots.returned, ballots.valid)):
        given = {k: getattr(ballots, k) for k in BALLOT_KEYS if getattr(ballots, k) is not None}
        tally.ballots = Ballots(**({k: getattr(tally.ballots, k) for k in BALLOT_KEYS} | given))
        tally.ballots_from = "命令行参数" if len(given) == 3 else "计票文件和命令行参数"
        tally.notices.append(
            "票数以命令行参数为准：" + "，".join(f"{BALLOT_KEYS[k]}{v}" for k, v in given.items())
        )
    return tally


def _read_json(path: Path, vocab: TallyVocab | None) -> dict:
    """The parsed 计票 page export; a file that is not one (encoding, syntax, kind, version) raises."""
    kind, versions = (vocab.kind, vocab.versions) if vocab else (KIND, [VERSION])
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise TallyError(path, "文件不是 UTF-8 编码的计票文件（JSON）") from None
    except json.JSONDecodeError as exc:
        raise TallyError(path, f"不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）") from None
    except RecursionError:
        raise TallyError(path, "JSON 嵌套层数过多，不是计票页导出的文件") from None
    except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
        raise TallyError(path, "文件中有位数过多的数字（超过 4300 位），不可能是票数") from None
    if not isinstance(data, dict):
        raise TallyError(path, "不是计票页导出的文件（应为一个 JSON 对象）")
    if data.get("kind") != kind:
        raise TallyError(
            path, f"不是计票页导出的计票文件（kind 应为“{kind}”，实为“{data.get('kind')}”）", where="kind"
        )
    if data.get("version") not in versions:
        raise TallyError(
            path,
            f"不支持的计票文件版本“{data.get('version')}”（应为 {'、'.join(map(str, versions))}）",
            where="version",
        )
    return data


def _json_entry(path: Path, i: int, m, errors: list[InputError]) -> Entry | None:
    """One member of the page's export, or None (its error added to `errors`) when its name is unusable."""
    name = re.sub(r"\s+", " ", str(m.name or "")).strip()
    where = f"members[{i}]"
    if not name:
        errors.append(TallyError(path, "姓名为空", where=f"{where}.name"))
        return None
    if len(name) > TALLY_LIMITS.name:
        errors.append(TallyError(path, f"姓名太长（{len(name)} 个字符）", name[:20] + "…", f"{where}.name"))
        return None
    if len(str(m.note or "")) > TALLY_LIMITS.cell:
        long_note = f"备注太长（{len(str(m.note))} 个字符，上限 {TALLY_LIMITS.cell} 个）"
        errors.append(TallyError(path, long_note, name, f"{where}.note"))
    raw = tuple(m.counts.get(g) for g in GRADES)
    return Entry(name, raw, m.probationary, grade_value(m.proposal), grade_value(m.decided),
                 str(m.note or ""), where, i + 1, group=m.group or None, mobile=bool(m.mobile))


def _load_json(path: Path, vocab: TallyVocab | None) -> Tally:
    """A tally from the 计票 page's JSON export, validated by TallyFile (pydantic, Chinese messages)."""
    data = _read_json(path, vocab)
    if not data.get("members"):
        raise TallyError(path, "没有党员的计票数据（members 为空或缺失）", where="members")
    if isinstance(data["members"], list) and len(data["members"]) > TALLY_LIMITS.rows:
        raise TallyError(
            path, f"党员太多（{len(data['members'])} 名，上限 {TALLY_LIMITS.rows} 名）", where="members"
        )
    f = validate(TallyFile, data, {}, path)
    errors: list[InputError] = []
    entries = [e for i, m in enumerate(f.members) if (e := _json_entry(path, i, m, errors)) is not None]
    b = f.ballots
    return Tally(
        path,
        Ballots(b.issued, b.returned, b.valid),
        entries,
        branch=f.branch or None,
        edition=f.edition,
        second=f.second,
        entered=f.entered,
        errors=errors,
    )


def _load_xlsx(path: Path) -> Tally:
    def error(message: str, row: int | None, column: str | None) -> TallyError:
        return TallyError(path, message, where=f"第{row}行" if row else None)

    rows = sheet.xlsx_rows(path, error, limits=TALLY_LIMITS, what="计票表")
    # A formula without a saved result reads as empty, i.e. as 0 votes: refuse it rather than count 0.
    for (r, c), f in sorted(sheet.formula_cells(path, TALLY_LIMITS).items()):
        if r <= len(rows) and (c >= len(rows[r - 1]) or rows[r - 1][c] is None):
            raise TallyError(path, sheet.FORMULA_MSG.format(f=f[:40]), where=f"第{r}行，第{c + 1}列")
    return tally_from_rows(path, rows)


_cell = sheet.cell_text


def _header_at(path: Path, rows: list[list]) -> int:
    """The index of the header row: the first of the top rows with a “姓名” cell."""
    at = sheet.find_header(rows, "tally")
    if at is None:
        raise TallyError(path, "找不到表头：应有“姓名”列和“优秀”“合格”“基本合格”“不合格”四列", where="第1行")
    return at


def _column_index(path: Path, rows: list[list], header_at: int) -> dict[str, int]:
    """Column of each known heading (first match wins); the four grade columns are required."""
    head = sheet.header(rows, header_at, "tally")
    if missing := sheet.missing(head, "tally"):
        msg = f"缺少“{'”“'.join(missing)}”列。找到的列：{sheet.found(rows[header_at])}"
        raise TallyError(path, msg, where=f"第{head.row}行")
    return head.index


def _header_ballots(rows: list[list], header_at: int) -> dict:
    """Ballot figures written above the table as a label followed by its value in the same row."""
    block: dict[str, Any] = {}
    labels_ = {sheet.norm_header(v): k for k, v in BALLOT_KEYS.items()}
    for row in rows[:header_at]:
        for j, c in enumerate(row):
            key = labels_.get(sheet.norm_header(c))
            if key:
                block[key] = next((x for x in row[j + 1 :] if _cell(x)), None)
    return block


def _row_entry(cells: dict, name: str, row: int) -> Entry:
    """One member's table row as an Entry; the checks judge its values."""
    return Entry(
        name=name,
        raw=tuple(cells[g] for g in GRADES),
        proposal=grade_value(cells.get("proposal")),
        decided=grade_value(cells.get("decided")),
        note=_cell(cells.get("note")),
        where=f"第{row}行",
        row=row,
    )


def _table_entries(
    path: Path, rows: list[list], header_at: int, index: dict[str, int], errors: list[InputError]
) -> tuple[list[Entry], list[str], list[str]]:
    """The member rows under the header: (entries, notices, trailer rows skipped)."""
    notices: list[str] = []
    entries: list[Entry] = []
    skipped: list[str] = []
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = {k: (row[j] if j < len(row) else None) for k, j in index.items()}
        first = next((_cell(c) for c in row if _cell(c)), "")
        if not first:
            continue
        name = re.sub(r"\s+", " ", _cell(cells["姓名"]))
        if TRAILER.match(name or first):
            skipped.append(f"第{i}行“{(name or first)[:20]}”")
            continue
        if skipped:
            # A member after a 合计 or 注 row is still a member; say the skipped row was not the last.
            notices.append(f"{path}：{skipped[-1]}后面还有党员（第{i}行），请确认那一行不是党员")
        where = f"第{i}行"
        if not name:
            errors.append(TallyError(path, "姓名为空", where=f"{where}，“姓名”列"))
            continue
        entries.append(_row_entry(cells, name, i))
    return entries, notices, skipped


def tally_from_rows(path: Path, rows: list[list]) -> Tally:
    """A tally from spreadsheet rows: optional title and header block, the table, optional trailer rows."""
    header_at = _header_at(path, rows)
    index = _column_index(path, rows, header_at)
    errors: list[InputError] = []
    block = _header_ballots(rows, header_at)
    entries, notices, skipped = _table_entries(path, rows, header_at, index, errors)
    if not entries and not errors:
        raise TallyError(path, "表头下面没有党员的计票数据", where=f"第{header_at + 2}行")
    if skipped:
        notices.append(f"{path}：跳过了表格下方不是党员的行：{'、'.join(skipped)}")
    tally = Tally(path, Ballots(**block), entries, notices=notices, errors=errors)
    if block:
        tally.notices.append(
            "票数取自表头："
            + "，".join(f"{BALLOT_KEYS[k]}{'未填' if number(v) is None else v}" for k, v in block.items())
        )
    return tally


# ---------------------------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Line:
    """What the checks see of one member: as the page has it (its members[]) or as matched to the roster."""

    row: int
    name: str
    raw: tuple
    probationary: bool
    proposal: Any = None
    decided: Any = None

    max_count: int = 1_000_000  # tally.max_count (lines_of passes it)

    @property
    def values(self) -> list:
        """Each count read (int, None for empty, text for a bad value)."""
        return [number(v) for v in self.raw]

    @property
    def whole(self) -> bool:
        """Every count is an integer (or empty) no larger than a branch can have."""
        return all(
            v is None or (isinstance(v, int) and not too_large(v, self.max_count)) for v in self.values
        )

    @property
    def marks(self) -> int:
        """The sum of the integer counts (too large ones left out: they are an error)."""
        return sum(v for v in self.values if isinstance(v, int) and v <= self.max_count)


@dataclass
class Numbers:
    """The figures the checks and the documents share (the parity test compares them with the page's)."""

    valid: int
    estimated: bool
    figure: CapFigure
    basis: str
    graded: dict[str, int]
    formal: int
    probationary: int
    marks: list[int]


def _basis(vocab: TallyVocab, formal: list[Line]) -> str:
    """What the 优秀 count is taken from: decided grades, proposals, or decided else proposed."""
    words = vocab.check("too-many-excellent").details
    decided = sum(1 for x in formal if x.decided)
    if not decided:
        return words["proposal"]
    return words["decided"] if decided == len(formal) else words["mixed"]


def numbers(common: Common, ballots: Ballots, lines: list[Line], base_kind) -> Numbers:
    """Valid ballots (typed, else the largest member total), the ⅓ figure and the grade counts."""
    valid = number(ballots.valid)
    estimated = valid is None
    if not isinstance(valid, int):
        valid = max((x.marks for x in lines), default=0)
    vocab, grades = common.tally, common.grade_names
    formal = [x for x in lines if not x.probationary]
    figure = common.cap_figure(base_kind, total=len(lines), formal=len(formal))
    graded = {g: sum(1 for x in formal if (x.decided or x.proposal) == g) for g in grades}
    return Numbers(
        valid,
        estimated,
        figure,
        _basis(vocab, formal),
        graded,
        len(formal),
        len(lines) - len(formal),
        [x.marks for x in lines],
    )


def _ballot_checks(vocab: TallyVocab, b: Ballots) -> dict[str, list[dict]]:
    vals = {k: number(getattr(b, k)) for k in BALLOT_KEYS}
    ints = {k: v for k, v in vals.items() if isinstance(v, int)}
    out: dict[str, list[dict]] = {
        "ballot-not-integer": [],
        "ballot-too-large": [],
        "returned-over-issued": [],
        "valid-over-returned": [],
    }
    for k, v in vals.items():
        if too_large(v, vocab.max_count):
            out["ballot-too-large"].append({"field": vocab.ballots[k], "value": shown(getattr(b, k))})
        elif isinstance(v, str):
            out["ballot-not-integer"].append({"field": vocab.ballots[k], "value": shown(v)})
    ints = {k: v for k, v in ints.items() if v <= vocab.max_count}
    if "issued" in ints and "returned" in ints and ints["returned"] > ints["issued"]:
        out["returned-over-issued"].append(ints)
    if "returned" in ints and "valid" in ints and ints["valid"] > ints["returned"]:
        out["valid-over-returned"].append(ints)
    return out


def _line_checks(
    vocab: TallyVocab, grades: list[str], lines: list[Line], n: Numbers
) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {
        k: []
        for k in (
            "count-not-integer",
            "count-too-large",
            "grade-unknown",
            "marks-over-valid",
            "probationary-grade",
            "probationary-marks",
            "proposal-far-from-votes",
            "duplicate-name",
        )
    }
    vote = vocab.check("probationary-marks").details["vote"]
    seen: dict[str, int] = {}
    for x in lines:
        who = {"name": x.name, "row": x.row}
        for g, v, raw in zip(grades, x.values, x.raw, strict=True):
            if too_large(v, vocab.max_count):
                out["count-too-large"].append(who | {"grade": g, "value": shown(raw)})
            elif isinstance(v, str):
                out["count-not-integer"].append(who | {"grade": g, "value": shown(v)})
        for f, what in GRADE_FIELDS.items():
            value = getattr(x, f)
            if value and value not in grades:
                out["grade-unknown"].append(
                    who | {"what": what, "value": shown(value), "grades": "、".join(grades)}
                )
            if value and x.probationary:
                out["probationary-grade"].append(who | {"what": what, "grade": value})
        if x.whole and not n.estimated and x.marks > n.valid:
            out["marks-over-valid"].append(who | {"marks": x.marks, "valid": n.valid})
        if x.probationary and x.marks:
            votes = "，".join(
                fill(vote, {"grade": g, "count": c})
                for g, c in zip(grades, x.values, strict=True)
                if isinstance(c, int) and c
            )
            out["probationary-marks"].append(who | {"marks": x.marks, "votes": votes})
        far = None if x.probationary else _far(grades, x)
        if far:
            out["proposal-far-from-votes"].append(who | far)
        if x.name in seen:
            out["duplicate-name"].append(who | {"first": seen[x.name]})
        else:
            seen[x.name] = x.row
    return out


def _far(grades: list[str], x: Line) -> dict | None:
    """A proposal at one end while most (more than half) of the member's marks are at the other."""
    c = [v if isinstance(v, int) else 0 for v in x.values]
    total = sum(c)
    if not total or x.proposal not in grades:
        return None
    g = grades.index(x.proposal)
    high, low = c[0] + c[1], c[2] + c[3]
    if g == 0 and low * 2 > total:
        side, marks = f"“{grades[2]}”或“{grades[3]}”", low
    elif g >= 2 and high * 2 > total:
        side, marks = f"“{grades[0]}”或“{grades[1]}”", high
    else:
        return None
    return {"proposal": x.proposal, "side": side, "side_marks": marks, "marks": total}


def _count_value(v) -> int | str:
    v = number(v)
    return 0 if v is None else v


def second_diffs(
    vocab: TallyVocab, grades: list[str], ballots: Ballots, lines: list[Line], second: dict | None
) -> list[str]:
    """Where the second counter's entry differs from the first, ballots first, then member by member."""
    if not isinstance(second, dict):
        return []
    d = vocab.check("second-differs").details
    out: list[str] = []
    sb = second.get("ballots") if isinstance(second.get("ballots"), dict) else {}
    for k, word in vocab.ballots.items():
        a, b = number(getattr(ballots, k)), number(sb.get(k))
        if str(a) != str(b):
            out.append(fill(d["ballot"], {"field": word, "first": _shown(a), "second": _shown(b)}))
    others = [m for m in second.get("members") or [] if isinstance(m, dict)]
    used: set[int] = set()
    for x in lines:
        j = x.row - 1
        if not (0 <= j < len(others) and str(others[j].get("name", "")).strip() == x.name and j not in used):
            j = next(
                (
                    k
                    for k, m in enumerate(others)
                    if k not in used and str(m.get("name", "")).strip() == x.name
                ),
                -1,
            )
        if j < 0:
            continue
        used.add(j)
        counts = others[j].get("counts") if isinstance(others[j].get("counts"), dict) else {}
        for g, raw in zip(grades, x.raw, strict=True):
            a, b = _count_value(raw), _count_value(counts.get(g))
            if str(a) != str(b):
                out.append(
                    fill(d["member"], {"name": x.name, "row": x.row, "grade": g, "first": a, "second": b})
                )
    return out


def _shown(v) -> str:
    return "未填" if v is None else str(v)


def _count_checks(ballots: Ballots, lines: list[Line], n: Numbers, entered: int | None) -> dict:
    """The checks on the number of ballots: estimated, entered against valid, fewer marks than valid."""
    formal = [x for x in lines if not x.probationary]
    valid_given = not n.estimated and isinstance(number(ballots.valid), int)
    most = max((x.marks for x in formal), default=0)
    return {
        "valid-estimated": [{"valid": n.valid}] if n.estimated and lines else [],
        "entered-differs": (
            [{"entered": entered, "valid": n.valid}]
            if entered is not None and valid_given and entered != n.valid
            else []
        ),
        "fewer-marks-than-valid": (
            [{"most": most, "valid": n.valid}]
            if entered is None and valid_given and formal and all(x.whole for x in formal) and most < n.valid
            else []
        ),
    }


def _grade_checks(vocab, grades: list[str], lines: list[Line], n: Numbers) -> dict:
    """The checks on the grades: more 优秀 than the guideline, 正式党员 without a proposal."""
    top = n.graded[grades[0]]
    cap = {"basis": n.basis, "grade": grades[0], "count": top, "limit": n.figure.limit,
           "cap": n.figure.sentence}
    missing = [x for x in lines if not x.probationary and not x.proposal]
    name = vocab.check("proposal-missing").details["name"]
    names = "、".join(fill(name, {"name": x.name, "row": x.row}) for x in missing)
    return {
        "too-many-excellent": [cap] if top > n.figure.limit else [],
        "proposal-missing": (
            [{"count": len(missing), "names": names}] if missing and any(x.proposal for x in lines) else []
        ),
    }


def evaluate(
    common: Common,
    ballots: Ballots,
    lines: list[Line],
    base_kind: str | None = None,
    entered: int | None = None,
    second: dict | None = None,
) -> tuple[list[Finding], Numbers]:
    """Every check of the table over one tally, in the table's order, then line by line."""
    vocab, grades = common.tally, common.grade_names
    n = numbers(common, ballots, lines, base_kind)
    params = _ballot_checks(vocab, ballots) | _line_checks(vocab, grades, lines, n)
    params |= _count_checks(ballots, lines, n, entered) | _grade_checks(vocab, grades, lines, n)
    diffs = second_diffs(vocab, grades, ballots, lines, second)
    params["second-differs"] = [{"count": len(diffs), "diffs": "；".join(diffs)}] if diffs else []
    findings = [
        Finding(c.id, c.level, fill(c.message, p), int(p.get("row", 0)))
        for c in vocab.checks
        for p in params.get(c.id, [])
    ]
    return findings, n


def _match(
    tally: Tally, roster_path: Path, members: list[Member]
) -> tuple[list[Row], list[InputError], list[str]]:
    """Pair tally entries with roster members by display label, else by name; every miss names both files."""
    names = labels(members)
    by_label = {names[m.row]: m for m in members}
    by_name: dict[str, list[Member]] = {}
    for m in members:
        by_name.setdefault(m.name, []).append(m)
    taken: dict[int, Entry] = {}
    errors: list[InputError] = []
    notes: list[str] = []
    for e in tally.entries:
        m = by_label.get(e.name)
        if m is None or m.row in taken:
            free = [x for x in by_name.get(e.name, []) if x.row not in taken]
            m = free[0] if free else None
            if m is not None and len(by_name[e.name]) > 1:
                notes.append(
                    f"计票文件中的“{e.name}”（{e.where}）按顺序对应名册第{m.row}行的同名党员（{names[m.row]}），请核对"
                )
        if m is None:
            again = e.name in by_name or e.name in by_label
            msg = (
                f"“{e.name}”在计票文件中出现不止一次"
                if again
                else f"“{e.name}”在计票文件 {tally.path} 中，但不在名册 {roster_path} 中"
            )
            errors.append(TallyError(tally.path, msg, e.name, f"{e.where}，姓名"))
            continue
        taken[m.row] = e
    for m in members:
        if m.row not in taken:
            errors.append(
                TallyError(
                    tally.path,
                    f"名册 {roster_path} 第{m.row}行的“{names[m.row]}”不在计票文件 {tally.path} 中",
                    names[m.row],
                    "members" if tally.path.suffix.lower() == ".json" else "姓名列",
                )
            )
    rows = [Row(m, names[m.row], taken[m.row]) for m in members if m.row in taken]
    return rows, errors, notes


def _category_errors(tally: Tally, rows: list[Row], roster_path: Path) -> list[InputError]:
    """A 类别 in the file unlike the roster's (the roster decides who is a 预备党员)."""
    return [
        TallyError(
            tally.path,
            f"计票文件中为{'预备党员' if r.entry.probationary else '正式党员'}，"
            f"名册 {roster_path} 第{r.member.row}行为{r.member.category}",
            r.label,
            f"{r.entry.where}，类别",
        )
        for r in rows
        if r.entry.probationary is not None and r.entry.probationary != r.member.probationary
    ]


def _roster_size_errors(tally: Tally, members: int, roster_path: Path, max_count: int) -> list[InputError]:
    """Ballot figures and a member's marks cannot exceed the members on the roster (one ballot each)."""
    f, b = tally.path, tally.ballots
    errors: list[InputError] = [
        TallyError(f, f"{word}{v}超过名册 {roster_path} 中的党员人数{members}（每名党员一张票）", where=word)
        for key, word in BALLOT_KEYS.items()
        if isinstance(v := number(getattr(b, key)), int) and members < v <= max_count
    ]
    for e in tally.entries:
        if e.marks > members and all(c <= max_count for c in e.counts):
            errors.append(
                TallyError(
                    f,
                    f"得票合计{e.marks}超过名册 {roster_path} 中的党员人数{members}",
                    e.name,
                    f"{e.where}，票数合计",
                )
            )
    return errors


def lines_of(tally: Tally, rows: list[Row], max_count: int) -> list[Line]:
    """The checks' view of the matched tally, in the file's order; the roster says who is a 预备党员."""
    member = {id(r.entry): r.member for r in rows}
    return [
        Line(e.row, e.name, e.raw, member[id(e)].probationary, e.proposal, e.decided, max_count)
        for e in tally.entries
        if id(e) in member
    ]


@dataclass
class Examined:
    """A tally matched and checked, before anything is refused: what `check` and the parity test use."""

    rows: list[Row]
    errors: list[InputError]  # reading and roster errors, then the 错误 findings
    findings: list[Finding]
    numbers: Numbers
    notices: list[str]


def examine(
    tally: Tally,
    roster_path: str | Path,
    members: list[Member],
    base_kind: str | None = None,
    common: Common | None = None,
) -> Examined:
    """Match the tally to the roster and evaluate every check of the table (nothing raised)."""
    common = common or load_common()
    roster_path = Path(roster_path)
    rows, errors, notices = _match(tally, roster_path, members)
    errors = tally.errors + errors + _category_errors(tally, rows, roster_path)
    errors += _roster_size_errors(tally, len(members), roster_path, common.tally.max_count)
    findings, n = evaluate(
        common,
        tally.ballots,
        lines_of(tally, rows, common.tally.max_count),
        base_kind,
        tally.entered,
        tally.second,
    )
    errors += [TallyError(tally.path, f.text) for f in findings if f.level == "错误"]
    return Examined(rows, errors, findings, n, list(tally.notices) + notices)


def check(
    tally: Tally,
    roster_path: str | Path,
    members: list[Member],
    base_kind: str | None = None,
    common: Common | None = None,
) -> Results:
    """Match the tally to the roster and evaluate the checks of TALLY.md; errors raise, 提示 are returned."""
    x = examine(tally, roster_path, members, base_kind, common)
    if x.errors:
        raise InputErrors(x.errors)
    n = x.numbers
    if n.estimated:
        valid_note = f"有效票数未填写，按得票合计最多的一名党员的票数计为{n.valid}张"
    else:
        valid_note = f"有效票数{n.valid}张（{tally.ballots_from}）"
    return Results(tally, Path(roster_path), x.rows, n.valid, valid_note, n.figure, x.findings, x.notices)


def members_of(tally: Tally) -> list[Member]:
    """The tally's own member list (names, 预备党员, 党小组, 流动党员): the roster of a page's export."""
    return [
        Member(
            e.name, "预备党员" if e.probationary else "正式党员", group=e.group, mobile=e.mobile, row=e.row
        )
        for e in tally.entries
    ]
