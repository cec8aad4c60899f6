"""The tally (计票结果) of the 民主测评: from the 计票 page's JSON or an XLSX, matched to the roster, checked.

The file format and the checks are the shared contract in TALLY.md: the same checks with the same words as
the 计票 page. Errors (错误) stop the outputs; hints (提示) are printed and the outputs are still written.
The kit decides no grade: it reports counts, the proposals and decisions it was given, and these checks.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, InputErrors
from ..limits import TALLY_LIMITS, check_file_size
from . import sheet
from .roster import Member, labels

GRADES = ("优秀", "合格", "基本合格", "不合格")
KIND = "zzshh-tally"
VERSION = 1
# The ⅓ guideline's base, as a unit chooses it in its profile (优秀比例基数).
BASES = {"正式党员": "参加评定等次的党员（正式党员）", "党员总数": "党员总数（含预备党员）"}
CAP_SOURCES = ("S000", "S002", "S003", "S004")
BALLOT_KEYS = {"issued": "发出票数", "returned": "收回票数", "valid": "有效票数"}
# XLSX headings, the rows under the table that are not members (totals, the person who filled it in,
# footnotes) and how deep the header may sit: the one table reader's rules (model/sheet.py).
TRAILER = sheet.SUMMARY
NO_GRADE = {"", "-", "—", "－", "/", "无", "不评定等次", "不评定", "预备党员"}
# No branch has a million ballots; larger numbers are typing errors (or 1e308), refused before any sum.
MAX_COUNT = 1_000_000


class TallyError(InputError):
    """A tally problem: the file, the member (or row) and the field."""

    def __init__(self, file, message: str, member: str | None = None, where: str | None = None):
        self.member = member
        parts = [p for p in (where, f"“{member}”" if member else None) if p]
        super().__init__(file, message, field="，".join(parts) or None)


@dataclass(frozen=True)
class Ballots:
    """Ballots issued, returned and valid; None where unknown."""

    issued: int | None = None
    returned: int | None = None
    valid: int | None = None


@dataclass
class Entry:
    """One member's line of the tally."""

    name: str
    counts: tuple[int, int, int, int]
    probationary: bool | None = None  # None: the file does not say (XLSX); the roster decides
    proposal: str | None = None
    decided: str | None = None
    note: str = ""
    where: str = ""  # "members[3]" or "第5行": for messages

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
    notices: list[str] = field(default_factory=list)
    ballots_from: str = "计票文件"
    # Bad values (a count that is not an integer ≥ 0, an unknown grade): check() raises them together
    # with the checks against the roster, so one run lists every problem of the file.
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


@dataclass
class Results:
    """The tally matched to the roster and checked: everything the outputs print."""

    tally: Tally
    roster_path: Path
    rows: list[Row]
    valid: int
    valid_note: str  # where the valid-ballot figure comes from
    base_kind: str  # 正式党员 or 党员总数
    base: int
    hints: list[str]
    notices: list[str]

    @property
    def cap(self) -> int:
        """A third of the base, rounded down (the guideline says 一般不超过, so it flags, never refuses)."""
        return math.floor(self.base / 3)

    @property
    def base_text(self) -> str:
        """The base in words, for every place the ⅓ guideline is printed."""
        return BASES[self.base_kind]

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


# ---------------------------------------------------------------------------------------------- reading


def _count(value, file, member, where, errors) -> int:
    """A count: an integer ≥ 0 (check 1); anything else is an error naming the member and the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,15}\s*", unicodedata.normalize("NFKC", value)):
        value = int(unicodedata.normalize("NFKC", value))
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", unicodedata.normalize("NFKC", value)):
        value = MAX_COUNT + 1  # thousands of digits: too large to be a count (and to convert)
    if not isinstance(value, int):
        errors.append(TallyError(file, f"票数应为不小于0的整数，不是“{_short(value)}”", member, where))
        return 0
    if value < 0:
        errors.append(TallyError(file, f"票数不能为负数（{value}）", member, where))
        return 0
    if value > MAX_COUNT:
        errors.append(TallyError(file, f"票数过大（{_short(value)}），不可能是党支部的票数", member, where))
        return 0
    return value


def _short(value) -> str:
    """A value as quoted in a message: a long one cut short (a 50 MB cell is not printed)."""
    text = str(value)
    if len(text) <= 20:
        return text
    return f"{text[:12]}…（共{len(text)}{'位' if text.lstrip('-').isdigit() else '个字符'}）"


def _grade(value, file, member, where, errors) -> str | None:
    if value is None:
        return None
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(value)))
    if t in NO_GRADE:
        return None
    if t in GRADES:
        return t
    errors.append(
        TallyError(file, f"等次应为{'、'.join(GRADES)}之一或留空，不是“{_short(value)}”", member, where)
    )
    return None


def _ballot(value, file, key, errors) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\d{1,15}", unicodedata.normalize("NFKC", value).strip()):
        value = int(unicodedata.normalize("NFKC", value))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        value = _short(value)
        errors.append(
            TallyError(file, f"{BALLOT_KEYS[key]}应为不小于0的整数或留空，不是“{value}”", where=key)
        )
        return None
    return value


def load_tally(path: str | Path, ballots: Ballots | None = None) -> Tally:
    """Read a tally from the 计票 page's JSON or an XLSX; `ballots` (command options) override the file's.

    A file that is not a tally raises here; bad values are kept in `errors` for check() to report."""
    path = Path(path)
    if not path.is_file():
        raise TallyError(path, "找不到计票文件")
    check_file_size(path, "计票", TALLY_LIMITS)
    suffix = path.suffix.lower()
    if suffix == ".json":
        tally = _load_json(path)
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


def _read_json(path: Path) -> dict:
    """The parsed 计票 page export; a file that is not one (encoding, syntax, kind, version) raises."""
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
    if data.get("kind") != KIND:
        raise TallyError(
            path, f"不是计票页导出的计票文件（kind 应为“{KIND}”，实为“{data.get('kind')}”）", where="kind"
        )
    if data.get("version") != VERSION:
        raise TallyError(
            path, f"不支持的计票文件版本“{data.get('version')}”（应为 {VERSION}）", where="version"
        )
    return data


def _json_ballots(path: Path, data: dict, errors: list[InputError]) -> Ballots:
    """The `ballots` object; bad figures go to `errors`, a non-object raises."""
    raw_ballots = data.get("ballots") or {}
    if not isinstance(raw_ballots, dict):
        raise TallyError(path, "ballots 应为 {issued, returned, valid}", where="ballots")
    return Ballots(**{k: _ballot(raw_ballots.get(k), path, k, errors) for k in BALLOT_KEYS})


def _json_counts(
    path: Path, m: dict, name: str | None, where: str, errors: list[InputError]
) -> tuple[int, int, int, int]:
    """A member's `counts`: all four grades present, none unknown, each an integer ≥ 0."""
    counts_raw = m.get("counts")
    if not isinstance(counts_raw, dict):
        errors.append(TallyError(path, "缺少票数（counts）", name, f"{where}.counts"))
        counts_raw = {}
    absent = [g for g in GRADES if g not in counts_raw]
    if counts_raw and absent:
        errors.append(
            TallyError(
                path, f"缺少“{'”“'.join(absent)}”票数（四个等次都要有，没有票写0）", name, f"{where}.counts"
            )
        )
    unknown = [k for k in counts_raw if k not in GRADES]
    if unknown:
        errors.append(
            TallyError(path, f"未知的等次“{'、'.join(map(str, unknown))}”", name, f"{where}.counts")
        )
    return tuple(_count(counts_raw.get(g), path, name, f"{where}.counts.{g}", errors) for g in GRADES)


def _json_entry(path: Path, i: int, m, errors: list[InputError]) -> Entry | None:
    """`members[i]` as an Entry (name possibly empty); None when it is not an object at all."""
    where = f"members[{i}]"
    if not isinstance(m, dict):
        errors.append(TallyError(path, "应为一名党员的计票数据（对象）", where=where))
        return None
    name = re.sub(r"\s+", " ", str(m.get("name") or "")).strip()
    if not name:
        errors.append(TallyError(path, "姓名为空", where=f"{where}.name"))
    elif len(name) > TALLY_LIMITS.name:
        errors.append(TallyError(path, f"姓名太长（{len(name)} 个字符）", name[:20] + "…", f"{where}.name"))
        name = ""
    note = str(m.get("note") or "")
    if len(note) > TALLY_LIMITS.cell:
        errors.append(
            TallyError(
                path, f"备注太长（{len(note)} 个字符，上限 {TALLY_LIMITS.cell} 个）", name, f"{where}.note"
            )
        )
        note = ""
    counts = _json_counts(path, m, name or None, where, errors)
    prob = m.get("probationary")
    if prob is not None and not isinstance(prob, bool):
        errors.append(
            TallyError(path, "probationary 应为 true 或 false", name or None, f"{where}.probationary")
        )
        prob = None
    return Entry(
        name=name,
        counts=counts,
        probationary=prob,
        proposal=_grade(m.get("proposal"), path, name or None, f"{where}.proposal", errors),
        decided=_grade(m.get("decided"), path, name or None, f"{where}.decided", errors),
        note=note,
        where=where,
    )


def _load_json(path: Path) -> Tally:
    """A tally from the 计票 page's JSON export."""
    data = _read_json(path)
    errors: list[InputError] = []
    ballots = _json_ballots(path, data, errors)
    members = data.get("members")
    if not isinstance(members, list) or not members:
        raise TallyError(path, "没有党员的计票数据（members 为空或缺失）", where="members")
    if len(members) > TALLY_LIMITS.rows:
        raise TallyError(path, f"党员太多（{len(members)} 名，上限 {TALLY_LIMITS.rows} 名）", where="members")
    entries = [e for i, m in enumerate(members) if (e := _json_entry(path, i, m, errors)) is not None]
    edition = data.get("edition")
    return Tally(
        path,
        ballots,
        [e for e in entries if e.name],
        branch=str(data["branch"]) if data.get("branch") else None,
        edition=edition if isinstance(edition, int) and not isinstance(edition, bool) else None,
        second=data.get("second") if isinstance(data.get("second"), dict) else None,
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


def _header_ballots(path: Path, rows: list[list], header_at: int, errors: list[InputError]) -> dict:
    """Ballot figures written above the table as a label followed by its value in the same row."""
    block: dict[str, int | None] = {}
    labels_ = {sheet.norm_header(v): k for k, v in BALLOT_KEYS.items()}
    for i, row in enumerate(rows[:header_at]):
        for j, c in enumerate(row):
            key = labels_.get(sheet.norm_header(c))
            if key:
                nxt = next((x for x in row[j + 1 :] if _cell(x)), None)
                block[key] = _ballot(nxt, path, key, errors)
                # _ballot names the JSON key; a spreadsheet reader needs the row and the label instead.
                if errors and errors[-1].field == key:
                    errors[-1] = TallyError(
                        path, errors[-1].message, where=f"第{i + 1}行，“{BALLOT_KEYS[key]}”"
                    )
    return block


def _row_entry(path: Path, cells: dict, name: str, where: str, errors: list[InputError]) -> Entry:
    """One member's table row as an Entry; bad counts and grades go to `errors`."""
    counts = tuple(_count(cells[g], path, name, f"{where}，“{g}”列", errors) for g in GRADES)
    return Entry(
        name=name,
        counts=counts,
        proposal=_grade(cells.get("proposal"), path, name, f"{where}，“支委会建议等次”列", errors),
        decided=_grade(cells.get("decided"), path, name, f"{where}，“评定等次”列", errors),
        note=_cell(cells.get("note")),
        where=where,
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
        entries.append(_row_entry(path, cells, name, where, errors))
    return entries, notices, skipped


def tally_from_rows(path: Path, rows: list[list]) -> Tally:
    """A tally from spreadsheet rows: optional title and header block, the table, optional trailer rows."""
    header_at = _header_at(path, rows)
    index = _column_index(path, rows, header_at)
    errors: list[InputError] = []
    block = _header_ballots(path, rows, header_at, errors)
    entries, notices, skipped = _table_entries(path, rows, header_at, index, errors)
    if not entries and not errors:
        raise TallyError(path, "表头下面没有党员的计票数据", where=f"第{header_at + 2}行")
    if skipped:
        notices.append(f"{path}：跳过了表格下方不是党员的行：{'、'.join(skipped)}")
    tally = Tally(path, Ballots(**block), entries, notices=notices, errors=errors)
    if block:
        tally.notices.append(
            "票数取自表头："
            + "，".join(f"{BALLOT_KEYS[k]}{'未填' if v is None else v}" for k, v in block.items())
        )
    return tally


# ---------------------------------------------------------------------------------------------- checks


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


def _far(grade: str | None, counts: tuple[int, ...]) -> str | None:
    """Check 6: the proposal against where most (more than half) of the member's marks fell."""
    total = sum(counts)
    if not grade or not total:
        return None
    high, low = counts[0] + counts[1], counts[2] + counts[3]
    if grade == "优秀" and low * 2 > total:
        return "基本合格、不合格"
    if grade in ("基本合格", "不合格") and high * 2 > total:
        return "优秀、合格"
    return None


def _ballot_errors(tally: Tally) -> list[InputError]:
    """Check 3: returned ≤ issued, valid ≤ returned."""
    f, b = tally.path, tally.ballots
    errors: list[InputError] = []
    if b.issued is not None and b.returned is not None and b.returned > b.issued:
        errors.append(TallyError(f, f"收回票数{b.returned}超过发出票数{b.issued}", where="收回票数"))
    if b.returned is not None and b.valid is not None and b.valid > b.returned:
        errors.append(TallyError(f, f"有效票数{b.valid}超过收回票数{b.returned}", where="有效票数"))
    return errors


def _roster_size_errors(tally: Tally, members: int, roster_path: Path) -> list[InputError]:
    """Ballot figures and a member's marks cannot exceed the members on the roster (one ballot each)."""
    f, b = tally.path, tally.ballots
    errors: list[InputError] = [
        TallyError(f, f"{word}{v}超过名册 {roster_path} 中的党员人数{members}（每名党员一张票）", where=word)
        for key, word in BALLOT_KEYS.items()
        if (v := getattr(b, key)) is not None and v > members
    ]
    for e in tally.entries:
        if e.marks > members:
            errors.append(
                TallyError(
                    f,
                    f"得票合计{e.marks}超过名册 {roster_path} 中的党员人数{members}",
                    e.name,
                    f"{e.where}，票数合计",
                )
            )
    return errors


def _valid_ballots(tally: Tally) -> tuple[int, str, bool]:
    """The valid-ballot figure, where it comes from, and whether it was estimated (then a notice)."""
    if tally.ballots.valid is not None:
        valid = tally.ballots.valid
        return valid, f"有效票数{valid}张（{tally.ballots_from}）", False
    # Not given: no member can have more marks than valid ballots, so the highest total is the floor.
    valid = max((e.marks for e in tally.entries), default=0)
    return valid, f"有效票数未填写，按得票合计最多的一名党员的票数计为{valid}张", True


def _probationary_errors(f: Path, r: Row) -> list[InputError]:
    """Check 4: 预备党员不评定等次 (no marks, no proposal, no decided grade)."""
    e = r.entry
    errors: list[InputError] = []
    given = [g for g, c in zip(GRADES, e.counts, strict=True) if c]
    if given:
        errors.append(
            TallyError(f, f"预备党员不评定等次，但有“{'”“'.join(given)}”票数", r.label, f"{e.where}，票数")
        )
    for what, value in (("支委会建议等次", e.proposal), ("评定等次", e.decided)):
        if value:
            errors.append(
                TallyError(f, f"预备党员不评定等次，但{what}为“{value}”", r.label, f"{e.where}，{what}")
            )
    return errors


def _row_errors(f: Path, r: Row, valid: int, roster_path: Path) -> list[InputError]:
    """One member's errors: marks above the valid ballots, 类别 unlike the roster's, check 4."""
    e, m = r.entry, r.member
    errors: list[InputError] = []
    # Check 2: a member's marks above the valid ballots.
    if e.marks > valid:
        errors.append(TallyError(f, f"得票合计{e.marks}超过有效票数{valid}", r.label, f"{e.where}，票数合计"))
    if e.probationary is not None and e.probationary != m.probationary:
        errors.append(
            TallyError(
                f,
                f"计票文件中为{'预备党员' if e.probationary else '正式党员'}，"
                f"名册 {roster_path} 第{m.row}行为{m.category}",
                r.label,
                f"{e.where}，类别",
            )
        )
    if m.probationary or e.probationary:
        errors += _probationary_errors(f, r)
    return errors


def _cap_hint(rows: list[Row], formal: list[Row], base: int, base_kind: str) -> list[str]:
    """Check 5: more 优秀 than a third of the base (a hint: the guideline says 一般不超过)."""
    excellent = [r for r in formal if r.grade == "优秀"]
    cap = math.floor(base / 3)
    if len(excellent) <= cap:
        return []
    basis = "评定等次" if any(r.entry.decided for r in rows) else "支委会建议等次"
    return [
        f"提示：评定为“优秀”的有{len(excellent)}人（按{basis}计，未评定的按建议计），"
        f"多于“一般不超过三分之一”的要求：计算基数为{BASES[base_kind]}{base}人，三分之一即{cap}人"
        f"（来源 {'、'.join(CAP_SOURCES)}；基数可在单位信息“优秀比例基数”中选择）"
    ]


def _proposal_hints(rows: list[Row], formal: list[Row]) -> list[str]:
    """Check 6 for each 正式党员, then the ones left without a proposal when others have one."""
    hints: list[str] = []
    for r in formal:
        side = _far(r.entry.proposal, r.counts)
        if side:
            votes = "，".join(f"{g}{c}" for g, c in zip(GRADES, r.counts, strict=True))
            hints.append(
                f"提示：“{r.label}”支委会建议等次为“{r.entry.proposal}”，但得票多数为{side}（{votes}），请核对"
            )
    without = [r.label for r in formal if not r.entry.proposal]
    if without and any(r.entry.proposal for r in rows):
        # One hint naming them all, as the 计票 page gives it, not one per member.
        names = "、".join(f"“{n}”" for n in without)
        hints.append(f"提示：还有{len(without)}名正式党员没有支委会建议等次：{names}")
    return hints


def check(
    tally: Tally, roster_path: str | Path, members: list[Member], base_kind: str = "正式党员"
) -> Results:
    """Match the tally to the roster and apply the checks of TALLY.md; errors raise, 提示 are returned."""
    roster_path = Path(roster_path)
    rows, errors, notices = _match(tally, roster_path, members)
    errors = tally.errors + errors + _ballot_errors(tally)
    errors += _roster_size_errors(tally, len(members), roster_path)
    notices = list(tally.notices) + notices
    valid, valid_note, estimated = _valid_ballots(tally)
    if estimated:
        notices.append(valid_note)
    for r in rows:
        errors += _row_errors(tally.path, r, valid, roster_path)
    if errors:
        raise InputErrors(errors)

    formal = [r for r in rows if not r.member.probationary]
    base = len(formal) if base_kind == "正式党员" else len(rows)
    hints = _cap_hint(rows, formal, base, base_kind) + _proposal_hints(rows, formal)
    notices += second_entry_notes(tally)
    return Results(tally, roster_path, rows, valid, valid_note, base_kind, base, hints, notices)


def second_entry_notes(tally: Tally) -> list[str]:
    """Where the optional second counter's entry differs from the first (warned, never used)."""
    s = tally.second
    if not s:
        return []
    out: list[str] = []
    sb = s.get("ballots") if isinstance(s.get("ballots"), dict) else {}
    for k, word in BALLOT_KEYS.items():
        if k in sb and sb.get(k) != getattr(tally.ballots, k):
            out.append(f"{word}：第一人{getattr(tally.ballots, k)}，第二人{sb.get(k)}")
    members = s.get("members") if isinstance(s.get("members"), list) else []
    second = {
        str(m.get("name")): m["counts"] if isinstance(m.get("counts"), dict) else {}
        for m in members
        if isinstance(m, dict)
    }
    for e in tally.entries:
        if e.name not in second:
            continue
        other = second[e.name]
        diffs = [
            f"{g}{c}/{other.get(g)}" for g, c in zip(GRADES, e.counts, strict=True) if other.get(g, 0) != c
        ]
        if diffs:
            out.append(f"“{e.name}”{'，'.join(diffs)}")
    if not out:
        return []
    return [f"注意：计票文件中第二人录入的结果与第一人不一致（按第一人计）：{'；'.join(out)}"]
