"""`handbook results`: roster + tally → the documents after the 民主测评; `--collect` one level up.

Outputs are written into a temporary folder that replaces the destination whole only when every file is
done; the collected workbook is written atomically too.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from ..epoch import edition_epoch
from ..errors import InputError, InputErrors
from ..limits import EXPORT_LIMITS, XLSX_LIMITS, check_file_size, check_text, check_xlsx, os_reason
from ..model.context import YearContext, year_context
from ..model.editions import cn_date
from ..model.forms import get_form
from ..model.roster import RosterReport, read_roster
from ..model.tally import GRADES, Ballots, Results, TallyError, check, load_tally, members_of
from ..model.unit import Unit, load_unit
from ..office.docx import draft_docx
from ..office.results_xlsx import (
    GRADE_HEAD,
    KIND_GRADES,
    KIND_STATS,
    BranchFile,
    NotReadable,
    blank_figures,
    collected_workbook,
    grades_workbook,
    read_branch_file,
    statistics_workbook,
)
from ..outputs import claim_file, claim_folder, write_private
from ..pdf.engine import render_pdf
from ..pdf.fonts import covered_codepoints
from ..render.drafts import CSS as DRAFT_CSS
from ..render.drafts import render_draft, unit_dates
from ..render.env import ASSETS_DIR, document, jinja_env
from ..render.forms import print_css, render_form
from ..render.output_files import RESULT_DOCS, RESULT_NOTE, RESULT_REGISTERS, RESULT_REPORT, RESULT_STATISTICS
from ..render.results import (
    DOCS,
    Publicity,
    base_source,
    register_values,
    render_result,
    report_figures,
    results_context,
    source_line,
    statistics_values,
)

MARKER = RESULT_NOTE.path()
RECT_COLUMNS = ("category", "symptom", "measure", "owner", "deadline")
PLEDGE_FIELDS = ("name", "problems", "measures", "deadline")


@dataclass
class Options:
    """What `handbook results` was given besides the roster and the tally."""

    unit_file: Path | None = None
    year: int | None = None
    ballots: Ballots | None = None
    attended: int | None = None
    expected: int | None = None
    rectification: Path | None = None
    pledges: list[Path] = field(default_factory=list)
    allow_year_mismatch: bool = False
    branch: str | None = None  # --branch: the 党支部 when neither the unit profile nor the tally names it
    ask: Callable[[], str] | None = None  # asks the user for the 党支部 (the command, on a terminal)


def _form_export(path: Path, form_id: str) -> dict[str, str]:
    """The values of a form exported from its web page (docs/assets/forms.js: {form, year, values})."""
    try:
        check_file_size(path, "网页表格导出", EXPORT_LIMITS)
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(path, "找不到文件") from None
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSONDecodeError, huge numbers
        raise InputError(path, "不是网页表格导出的文件（JSON）") from None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict):
        raise InputError(path, "不是网页表格导出的文件（缺少 values）", field="values")
    if data.get("form") != form_id:
        raise InputError(
            path, f"这是另一张表格（{data.get('form')}）导出的内容，应为 {form_id}", field="form"
        )
    values = {str(k): str(v) for k, v in data["values"].items()}
    for k, v in values.items():
        check_text(path, v, "填写的内容", EXPORT_LIMITS.cell, field=f"values.{k}")
    return values


def _unprintable(text: str, cover: frozenset[int] | None) -> str | None:
    """The first character of `text` that no installed font can print, if any."""
    if cover is None:
        return None
    return next((ch for ch in text or "" if not ch.isspace() and ord(ch) not in cover), None)


def _glyph_message(what: str, ch: str) -> str:
    return (
        f"{what}中有字体无法显示的字“{ch}”（U+{ord(ch):04X}），打印出来会是空白或方框。"
        "请改用通用写法，或安装含该字的字体后再生成"
    )


def glyph_errors(results: Results, branch: str | None, cover: frozenset[int] | None) -> list[InputError]:
    """Text from the tally that the PDFs would print as boxes: named by file, member and field."""
    errors: list[InputError] = []
    for r in results.rows:
        ch = _unprintable(r.entry.note, cover)
        if ch:
            errors.append(
                TallyError(results.tally.path, _glyph_message("备注", ch), r.label, f"{r.entry.where}，备注")
            )
    ch = _unprintable(branch or "", cover)
    if ch:
        errors.append(InputError(results.tally.path, _glyph_message("党支部名称", ch), field="branch"))
    return errors


def read_publicity(
    rectification: Path | None, pledges: list[Path], cover: frozenset[int] | None = None
) -> Publicity:
    """The 公示 rows: the 整改清单's table rows and each 承诺书's fields, in the order given."""
    pub = Publicity()
    errors: list[InputError] = []
    if rectification:
        values = _form_export(rectification, "rectification-list")
        rows: dict[str, dict[str, str]] = {}
        for key, v in values.items():
            m = re.fullmatch(r"(r\d{2})_([a-z_]+)", key)
            if m and m.group(2) in RECT_COLUMNS and v.strip():
                rows.setdefault(m.group(1), {c: "" for c in RECT_COLUMNS})[m.group(2)] = v
        pub.items = [rows[k] for k in sorted(rows)]
        pub.sources.append(Path(rectification).name)
        for key, v in values.items():
            ch = _unprintable(v, cover)
            if ch and re.fullmatch(r"r\d{2}_[a-z_]+", key):
                errors.append(
                    InputError(rectification, _glyph_message("整改清单", ch), field=f"values.{key}")
                )
    for p in pledges:
        values = _form_export(p, "rectification-pledge")
        pub.pledges.append({k: values.get(k, "") for k in PLEDGE_FIELDS})
        pub.sources.append(Path(p).name)
        for k in PLEDGE_FIELDS:
            ch = _unprintable(values.get(k, ""), cover)
            if ch:
                errors.append(InputError(p, _glyph_message("整改承诺书", ch), field=f"values.{k}"))
    if errors:
        raise InputErrors(errors)
    return pub


def _pdf(html: str) -> bytes:
    # Not cached: the documents name members and grades, and the cache outlives the output folder.
    return render_pdf(html, fillable=False, base_url=str(ASSETS_DIR), cache=False)


def _registers_html(results: Results, ctx: YearContext, branch: str | None) -> str:
    """Every member's 民主评议党员登记表, one per page, in one document (the pack's form rendering)."""
    form = get_form("member-register")
    unit = {"branch": branch or ""}
    bodies = [
        render_form(
            form, ctx, target="pdf", values=register_values(results, r, branch), unit=unit
        )
        for r in results.rows
    ]
    return document(f"{ctx.label}{form.title}", print_css(), "".join(bodies))


def _statistics_html(values: dict, note: str, ctx: YearContext, branch: str | None) -> str:
    """The 情况统计表 form filled with `values`, and a line saying where each figure comes from."""
    form = get_form("statistics")
    body = render_form(form, ctx, target="pdf", values=values, unit={"branch": branch or ""})
    note_html = jinja_env().get_template("figures_note.html.j2").render(note=note)
    return document(f"{ctx.label}{form.title}", print_css(), body + note_html)


def _stat_note(items: dict[str, tuple[int | None, str]]) -> str:
    """One sentence per source: which 统计表 figures came from where."""
    by_source: dict[str, list[str]] = {}
    for name, (_, source) in items.items():
        by_source.setdefault(source, []).append(name)
    return "数字来源：" + "；".join(f"{'、'.join(names)}——{src}" for src, names in by_source.items()) + "。"


def _stat_items(results: Results, opts: Options) -> dict[str, tuple[int | None, str]]:
    """The 情况统计表 figures with the source of each."""
    roster, tally = f"名册 {results.roster_path.name}", f"计票文件 {results.tally.path.name}"
    rows = results.rows
    formal = [r for r in rows if not r.member.probationary]
    decided = {g: sum(1 for r in formal if r.entry.decided == g) for g in GRADES}
    b = results.tally.ballots
    items: dict[str, tuple[int | None, str]] = {
        "党员总数": (len(rows), roster),
        "正式党员": (len(formal), roster),
        "预备党员（不评定等次）人数": (len(rows) - len(formal), roster),
        "应参加人数": (opts.expected, "命令行 --expected")
        if opts.expected is not None
        else (None, "未提供（签到表）"),
        "实参加人数": (opts.attended, "命令行 --attended")
        if opts.attended is not None
        else (None, "未提供（签到表）"),
        "流动党员": (sum(r.member.mobile for r in rows), roster),
        "尚未评定等次的正式党员": (len(formal) - sum(decided.values()), f"{tally}（“评定等次”为空）"),
        "发出票数": (b.issued, f"{results.tally.ballots_from}"),
        "收回票数": (b.returned, f"{results.tally.ballots_from}"),
        "有效票数": (results.valid, results.valid_note),
    }
    for g in GRADES:
        items[f"评定等次：{g}"] = (decided[g], f"{tally}（“评定等次”）")
    return items


def _grade_rows(results: Results) -> list[dict]:
    return [
        {
            "name": r.label,
            "group": r.member.group or "",
            "category": r.member.category,
            "counts": r.counts,
            "proposal": r.entry.proposal,
            "decided": r.entry.decided,
            "note": r.entry.note,
        }
        for r in results.rows
    ]


def workbooks(
    results: Results, opts: Options, edition, branch: str | None, unit: Unit | None = None
) -> dict[str, bytes]:
    """The branch's 评定结果表 and 情况统计表 workbooks by file name (what `--collect` reads one level up)."""
    label, epoch, tally = edition.label, edition_epoch(edition.year), results.tally
    unit = unit or Unit()
    sources = [
        f"数据来源：名册 {results.roster_path.name}（姓名、党小组、类别）；计票文件 {tally.path.name}"
        f"（票数、建议等次、评定等次、备注）；{results.valid_note}。",
        source_line(results, unit, opts.unit_file)["cap"] + "。",
        f"用途：{DOCS['grades'][1]}。",
    ]
    grades = grades_workbook(
        label=label,
        year=edition.year,
        branch=branch,
        valid=results.valid,
        rows=_grade_rows(results),
        sources=sources,
        epoch=epoch,
    )
    stats = statistics_workbook(
        label=label, year=edition.year, branch=branch, items=_stat_items(results, opts), epoch=epoch
    )
    return {
        RESULT_DOCS["grades"].path(".xlsx", edition=label): grades,
        RESULT_STATISTICS.path(".xlsx", edition=label): stats,
    }


def _check_attendance(opts: Options) -> None:
    """Refuse more attending than expected before reading anything."""
    if opts.attended is not None and opts.expected is not None and opts.attended > opts.expected:
        raise InputError(
            "--attended", f"实参加人数{opts.attended}大于应参加人数{opts.expected}（--expected）"
        )


def _read_roster_said(roster_file: Path, say: Callable[[str], None]) -> RosterReport:
    """The roster, read against the installed fonts; its summary and warnings said."""
    report = read_roster(roster_file, covered_codepoints())
    say(report.summary())
    for w in report.warnings:
        say(f"注意：{w}")
    return report


def _edition_of(tally, year: int | None) -> YearContext:
    """The year of --edition, else of the tally's 年度 (the error then points to --edition)."""
    try:
        ctx = year_context(year or tally.edition)
    except InputError as exc:
        if year:
            raise
        raise TallyError(tally.path, f"{exc.message}；请用 --edition 指定年度", where="edition") from None
    return ctx


ALLOW_YEARS = "--allow-year-mismatch"


def _year_checked(results: Results, edition, unit: Unit, opts: Options) -> None:
    """The tally's 年度 and the unit profile's dates against the edition: an error unless asked for."""
    tally = results.tally
    problems = []
    if tally.edition and tally.edition != edition.year:
        problems.append(
            f"计票文件 {tally.path} 写的是{tally.edition}年度，而要生成的是{edition.label}（--edition）"
        )
    days = [d for d in unit_dates(unit) if d.year not in (edition.year, edition.year + 1)]
    if opts.unit_file and days:
        problems.append(
            f"单位信息 {opts.unit_file} 中的日期 {cn_date(days[0])} "
            f"不在{edition.label}的会议期间（{edition.meeting_season}）"
        )
    if not problems:
        return
    if not opts.allow_year_mismatch:
        raise InputErrors(
            [
                InputError(tally.path, f"年度不一致：{p}。请核对所用的文件；确属有意时加 {ALLOW_YEARS}")
                for p in problems
            ]
        )
    results.notices += [f"注意：年度不一致（按 {ALLOW_YEARS} 继续）：{p}" for p in problems]


def _branch_noted(results: Results, edition, unit: Unit) -> str | None:
    """The branch name (the unit profile wins); a notice where the tally's branch differs."""
    tally = results.tally
    if unit.branch and tally.branch and unit.branch != tally.branch:
        results.notices.append(
            f"注意：计票文件中的党支部“{tally.branch}”与单位信息“{unit.branch}”不同，按单位信息"
        )
    return unit.branch or tally.branch


def _say_checks(results: Results, base_from: str, say: Callable[[str], None]) -> None:
    """Say the ⅓ guideline's base, then every notice and hint."""
    say(f"{results.figure.sentence}（基数：{base_from}）")
    results.notices.append(f"登记表中的“参评人数”按有效票数（{results.valid}）填写")
    for n in results.notices:
        say(n)
    for h in results.hints:
        say(h)


def _checked_publicity(
    results: Results,
    branch: str | None,
    report: RosterReport,
    roster_file: Path,
    opts: Options,
    say: Callable[[str], None],
) -> Publicity:
    """The 公示 rows, once every text to print has a glyph; pledges by someone not on the roster said."""
    cover = covered_codepoints()
    publicity = read_publicity(opts.rectification, opts.pledges, cover)
    bad = glyph_errors(results, branch, cover)
    if bad:
        raise InputErrors(bad)
    roster_names = {m.name for m in report.members}
    for p in publicity.pledges:
        if p["name"] and p["name"] not in roster_names:
            say(f"注意：整改承诺书中的“{p['name']}”不在名册 {roster_file} 中")
    return publicity


COMMAND = "handbook results"
EARLIER = re.compile(r"\d{4}年度[^/]*\.(pdf|xlsx)")


def _destination(out: Path, roster_file: Path, tally_file: Path, opts: Options):
    """The output folder, refused when it holds an input, lies in a site or holds others' files."""
    # A folder from before the manifest: its 结果说明.txt and documents named as this command names them.
    marked = (Path(out) / MARKER).is_file()
    inputs = {"名册": roster_file, "计票文件": tally_file, "单位信息": opts.unit_file}
    inputs |= {"整改清单": opts.rectification} | {f"整改承诺书 {p.name}": p for p in opts.pledges}
    return claim_folder(
        out,
        COMMAND,
        inputs=inputs,
        earlier=lambda rel: marked and (rel == MARKER or bool(EARLIER.fullmatch(rel))),
    )


def _write_documents(tmp: Path, label: str, facts: dict) -> None:
    """The result documents; the 反馈函 only when there is a 流动党员."""
    for kind, out in RESULT_DOCS.items():
        if kind != "mobile" or facts["mobile"]:
            (tmp / out.path(edition=label)).write_bytes(_pdf(render_result(kind, facts)))


def _write_forms(tmp: Path, results: Results, opts: Options, ctx: YearContext, branch: str | None) -> None:
    """The filled 情况统计表 (with its sources line) and every member's 登记表."""
    label = ctx.label
    stat_values = statistics_values(results, branch, opts.attended, opts.expected)
    stat_note = _stat_note(_stat_items(results, opts))
    (tmp / RESULT_STATISTICS.path(".pdf", edition=label)).write_bytes(
        _pdf(_statistics_html(stat_values, stat_note, ctx, branch))
    )
    (tmp / RESULT_REGISTERS.path(edition=label, n=len(results.rows))).write_bytes(
        _pdf(_registers_html(results, ctx, branch))
    )


def _marker_text(label: str, roster_file: Path, tally_file: Path, results: Results, base_from: str) -> str:
    """结果说明.txt: the inputs, the ⅓ base, and every notice and hint."""
    lines = [
        f"{label}民主评议结果（handbook results）",
        f"名册：{roster_file}",
        f"计票文件：{tally_file}",
    ]
    lines += [f"{results.figure.sentence}（基数：{base_from}）"]
    lines += results.notices + results.hints
    if not results.hints:
        lines.append("没有需要提示的情况。")
    return "\n".join(lines) + "\n"


def _branch_fallback(roster_file: Path, opts: Options, say: Callable[[str], None]) -> str | None:
    """The 党支部 from --branch, the roster's folder (a name with 支部) or the user; else a warning."""
    # Without it the workbooks carry no branch name and the 党委's --collect skips them.
    if opts.branch and opts.branch.strip():
        return opts.branch.strip()
    folder = Path(roster_file).resolve().parent.name
    if "支部" in folder:
        say(f"党支部名称按名册所在文件夹：{folder}")
        return folder
    answer = opts.ask().strip() if opts.ask else ""
    if answer:
        return answer
    say("注意：没有党支部名称（--unit、--branch、计票文件都没有），上级汇总（--collect）会跳过这些工作簿")
    return None


def write_results(
    out: Path, roster_file: Path, tally_file: Path, opts: Options, say: Callable[[str], None] = print
) -> Results:
    """Check the tally against the roster and write every output into `out` (replaced whole on success)."""
    _check_attendance(opts)
    target = _destination(out, roster_file, tally_file, opts)
    unit = load_unit(opts.unit_file) if opts.unit_file else Unit()
    report = _read_roster_said(roster_file, say)
    tally = load_tally(tally_file, opts.ballots)
    ctx = _edition_of(tally, opts.year)
    edition = ctx.edition
    results = check(tally, roster_file, report.members, unit.excellent_base, ctx.common)
    _year_checked(results, edition, unit, opts)
    branch = _branch_noted(results, edition, unit) or _branch_fallback(roster_file, opts, say)
    if branch and not unit.branch:
        unit = unit.model_copy(update={"branch": branch})
    base_from = base_source(unit, opts.unit_file)
    _say_checks(results, base_from, say)
    publicity = _checked_publicity(results, branch, report, roster_file, opts, say)

    ctx = ctx.with_unit(unit)
    facts = results_context(results, ctx, opts.unit_file, publicity)
    label = edition.label
    with target.writing() as tmp:
        _write_documents(tmp, label, facts)
        for name, data in workbooks(results, opts, edition, branch, unit).items():
            (tmp / name).write_bytes(data)
        _write_forms(tmp, results, opts, ctx, branch)
        figures = report_figures(results, opts.attended, opts.expected, base_from)
        html = render_draft("report", ctx, report.members, standalone=True, figures=figures)
        (tmp / RESULT_REPORT.path(".pdf", edition=label)).write_bytes(
            render_pdf(html, fillable=False, base_url=str(DRAFT_CSS.parent), cache=False)
        )
        # The same draft as Word, to finish it in: the drafts' GB/T 9704 writer.
        name = RESULT_REPORT.stem_of(edition=label)
        (tmp / RESULT_REPORT.path(".docx", edition=label)).write_bytes(
            draft_docx(html, name, epoch=edition_epoch(edition.year))
        )
        (tmp / MARKER).write_text(
            _marker_text(label, roster_file, tally_file, results, base_from), encoding="utf-8"
        )
    return results


def branch_files_from_tally(path: Path) -> list[BranchFile]:
    """A 计票 page's 上报 export (a tally file naming its branch) as the two tables `--collect` sums.

    The figures come from the same checks and counts as `handbook results`; the tally's own member list
    stands in for the roster. A file with errors, or without the branch's name, is not readable."""
    try:
        tally = load_tally(path)
        if not tally.branch:
            raise NotReadable("计票文件中没有党支部名称：请在计票页填写“党支部”后重新导出")
        results = check(tally, path, members_of(tally))
    except InputErrors as exc:
        raise NotReadable(f"计票文件有{len(exc.errors)}处错误，第一处：{exc.errors[0].message}") from None
    except InputError as exc:
        raise NotReadable(exc.message) from None
    stats = {k: v for k, (v, _) in _stat_items(results, Options()).items()}
    members = [
        dict(
            zip(
                GRADE_HEAD,
                (
                    i,
                    r["name"],
                    r["group"],
                    r["category"],
                    *r["counts"],
                    results.valid,
                    r["proposal"],
                    r["decided"],
                    r["note"],
                ),
                strict=True,
            )
        )
        for i, r in enumerate(_grade_rows(results), start=1)
    ]
    return [
        BranchFile(path, KIND_GRADES, tally.branch, tally.edition, members=members),
        BranchFile(path, KIND_STATS, tally.branch, tally.edition, stats=stats),
    ]


def _is_collected(path: Path) -> bool:
    """Whether a file is a workbook `--collect` wrote (it may then be replaced)."""
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:
        return False
    try:
        return {"情况统计汇总", "读取情况"} <= set(wb.sheetnames)
    finally:
        wb.close()


def _branch_candidates(folder: Path) -> Iterator[Path]:
    """The .xlsx and .json files under `folder`; links to folders not followed (no loop traps the walk)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith((".xlsx", ".json")) and not name.startswith((".", "~$")):
                yield Path(root) / name


def _read_candidate(path: Path) -> list[BranchFile]:
    """One branch workbook, or a 计票 page's 上报 file; any reason it cannot be read is NotReadable."""
    try:
        if not path.is_file():
            raise NotReadable("不是普通文件（可能是失效或循环的符号链接）")
        if path.suffix.lower() == ".json":
            return branch_files_from_tally(path)
        check_xlsx(path, "支部", XLSX_LIMITS)
        return [read_branch_file(path)]
    except NotReadable:
        raise
    except InputError as exc:
        raise NotReadable(exc.message) from None
    except RecursionError:
        raise NotReadable("文件结构嵌套过深，无法读取") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on resolving
        raise NotReadable(f"无法读取（{os_reason(exc)}）") from None
    except Exception as exc:
        raise NotReadable(f"内容与本工具生成的格式不同，无法读取（{type(exc).__name__}）") from None


def _year_mismatch(files: list[BranchFile], folder: Path, allow: bool, say: Callable[[str], None]) -> None:
    """Branches of different 年度 are an error, unless asked for."""
    years = sorted({f.year for f in files if f.year})
    if len(years) < 2:
        return
    by_year = "；".join(
        f"{y}年度：{'、'.join(_shown_path(f.path, folder) for f in files if f.year == y)[:200]}"
        for y in years
    )
    if not allow:
        raise InputError(
            folder,
            f"要汇总的文件年度不一致（{by_year}）。请只放同一年度的文件；"
            "确需一起汇总时加 --allow-year-mismatch",
        )
    say(f"注意：文件的年度不一致（{by_year}），按 --allow-year-mismatch 一起汇总")


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def collect(
    folder: Path, out: Path, say: Callable[[str], None] = print, allow_year_mismatch: bool = False
) -> tuple[int, list[tuple[Path, str]]]:
    """Sum the 统计表 and 评定结果 workbooks under `folder` into `out`; (files read, files skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "找不到要汇总的文件夹")
    if not str(out).lower().endswith(".xlsx"):
        raise InputError(out, "--collect 的 --out 应为一个 .xlsx 文件")
    out = claim_file(out, inside={"要汇总的文件夹": folder}, ours=_is_collected)
    files, skipped = [], []
    for path in _branch_candidates(folder):
        try:
            files += _read_candidate(path)
        except NotReadable as exc:
            skipped.append((path, str(exc)))
    seen: dict[tuple[str, str], Path] = {}
    for f in list(files):
        key = (f.kind, f.branch)
        if key in seen:
            skipped.append((f.path, f"与 {seen[key]} 是同一党支部“{f.branch}”的同一种表，只汇总前者"))
            files.remove(f)
        else:
            seen[key] = f.path
    _year_mismatch(files, folder, allow_year_mismatch, say)
    years = sorted({f.year for f in files if f.year})
    for path, why in skipped:
        say(f"跳过 {path}：{why}")
    blanks: dict[str, list[str]] = {}
    for branch, item in blank_figures(files):
        blanks.setdefault(branch, []).append(item)
    for branch, items in blanks.items():
        say(f"注意：{branch}的统计表未填：{'、'.join(items)}（汇总表中标为“未填”，合计不含）")
    if files:
        write_private(
            out, collected_workbook(files, skipped, edition_epoch(years[-1]) if years else None, folder)
        )
    branches = len({f.branch for f in files})
    # A 上报 file from the 计票 page gives a branch's 统计表 and 评定结果 at once: count files, not parts.
    read = len({f.path for f in files})
    say(
        f"读取 {read} 个文件（{branches} 个党支部），跳过 {len(skipped)} 个"
        + (f"；已写入 {out}" if files else "；没有可汇总的文件")
    )
    return read, skipped
