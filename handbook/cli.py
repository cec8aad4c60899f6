"""The `handbook` command: check, build, serve, offline, new-edition, roster, drafts and pack."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from mkdocs.commands.serve import serve
from mkdocs.exceptions import MkDocsException

from macros.site import build_all, build_one, pack_offline, serve_overrides

from .errors import InputError, InputErrors
from .jobs import pack
from .jobs import results as results_job
from .jobs.drafts import parse_formats, write_drafts
from .jobs.notice_edition import notice_edition
from .jobs.scaffold import new_edition
from .limits import os_message
from .model.editions import latest_year, load_all
from .model.forms import load_forms
from .model.roster import read_roster
from .model.tally import Ballots
from .outputs import claim_parent
from .paths import ROOT
from .pdf.fonts import covered_codepoints
from .render.pack import cap_note


def cmd_check(args) -> int:
    """Validate every edition and form file; print every problem found."""
    problems: list[str] = []
    checks = [
        (load_all, lambda eds: f"年度资料：{'、'.join(str(y) for y in sorted(eds))}，通过"),
        (load_forms, lambda forms: f"表格：{len(forms)} 张，通过"),
    ]
    for load, done in checks:
        try:
            print(done(load()))
        except (InputError, InputErrors) as exc:
            problems += [str(e) for e in getattr(exc, "errors", [exc])]
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
    return 1 if problems else 0


def _progress(what: str, seconds: float) -> None:
    print(f"  {what} {seconds:.1f} 秒", flush=True)


def cmd_build(args) -> int:
    """Build every edition into site/<年度>/ (default), or only --edition into site/<年度>/."""
    site = Path(args.site_dir or ROOT / "site")
    t0 = time.perf_counter()
    if args.edition and not args.all:
        year = int(args.edition) if args.edition != "latest" else latest_year()
        out = build_one(year, site)
        print(f"已生成{year}年度：{out}（{time.perf_counter() - t0:.1f} 秒）")
        return 0
    built = build_all(site, progress=_progress)
    print(f"已生成 {len(built)} 个年度（{'、'.join(map(str, sorted(built)))}）：{site.resolve()}"
          f"（{time.perf_counter() - t0:.1f} 秒）；最新年度另见 {site.resolve() / 'latest'}")
    return 0


def cmd_offline(args) -> int:
    """Build every edition and pack them into dist/<name>.zip for reading from file:// without a network."""
    site = Path(args.site_dir or ROOT / "site")
    t0 = time.perf_counter()
    if not args.no_build:
        build_all(site, progress=_progress)
    name = args.name or f"zzshh-handbook-{latest_year()}"
    out = pack_offline(site, Path(args.dist_dir or ROOT / "dist") / f"{name}.zip")
    print(f"已写入 {out}（{out.stat().st_size / 1e6:.1f} MB，{time.perf_counter() - t0:.1f} 秒）")
    return 0


def cmd_serve(args) -> int:
    """Preview one edition with live reload."""
    serve(config_file=str(ROOT / "mkdocs.yml"), dev_addr=args.addr, open_in_browser=False,
          **serve_overrides(args.edition or None))
    return 0



def cmd_new_edition(args) -> int:
    """Scaffold a new yearly edition (from its notice, or from an earlier year) and say what to check."""
    if args.notice:
        from_year = int(args.from_year) if args.from_year else None
        for i, notice in enumerate(args.notice):
            _, text = notice_edition(int(args.year), Path(notice), from_year, args.into)
            print(("\n" if i else "") + text)
        return 0
    path = new_edition(int(args.year), int(args.from_year) if args.from_year else None, args.into)
    marks = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# TODO 核对"))
    print(f"已生成 {path}（校验通过）")
    print(f"其中 {marks} 处标有“# TODO 核对”：请对照{args.year}年度上级通知逐项修改，")
    print("每核对一项，把 confidence 下对应的一项改为 confirmed")
    print("（notice 通知、theme 主题、study 学习内容、focus 查摆重点、schedule 时间要求）。")
    return 0


def cmd_roster(args) -> int:
    """Check a roster file and say what was read."""
    report = read_roster(args.file, covered_codepoints())
    print(report.summary())
    if report.ignored_columns:
        print(f"未使用的列：{'、'.join(report.ignored_columns)}")
    for w in report.warnings:
        print(f"注意：{w}")
    return 0


def cmd_drafts(args) -> int:
    """Write the draft documents as PDFs and/or Word files."""
    out = write_drafts(
        Path(args.out),
        unit_file=Path(args.unit) if args.unit else None,
        roster_file=Path(args.roster) if args.roster else None,
        year=int(args.edition) if args.edition else None,
        say=print,
        formats=parse_formats(args.format),
    )
    print(f"文稿草稿已写入 {out}")
    return 0


def _add_local(sub) -> None:
    p = sub.add_parser("new-edition", help="从较早的年度生成 editions/<年度>.yml 草稿")
    p.add_argument("year", type=int, help="年度，如 2026")
    p.add_argument("--from", dest="from_year", help="以这个年度为底稿（默认：此前最新的年度）")
    p.add_argument("--into", choices=("editions", "local"), default="editions")
    p.add_argument("--notice", action="append", metavar="FILE",
                   help="本年度通知（.docx、.pdf、.html、.txt）；可再给一份上级的转发通知")
    p.set_defaults(func=cmd_new_edition)

    p = sub.add_parser("roster", help="检查党员名册（CSV 或 XLSX），报告读到的内容")
    p.add_argument("file")
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("drafts", help="生成工作方案、通知、主持词提纲、情况报告草稿（PDF 和 Word）")
    p.add_argument("--out", required=True, help="输出文件夹")
    p.add_argument("--unit", help="单位信息（默认：local/unit.yml）")
    p.add_argument("--roster", help="党员名册 CSV/XLSX（默认：local/roster.csv 或 .xlsx）")
    p.add_argument("--edition", help="年度（默认：最新年度）")
    p.add_argument("--format", default="pdf,docx", help="输出格式：pdf、docx 或 pdf,docx（默认两种都生成）")
    p.set_defaults(func=cmd_drafts)



def cmd_pack(args) -> int:
    """`handbook pack`: one unit (--roster) or many (--units); exit 1 when any unit failed."""
    year = int(args.edition) if args.edition else None
    out = Path(args.out)
    formats = parse_formats(args.format)
    if args.units:
        units, missing = pack.find_units(Path(args.units))
        # Each unit's folder is claimed by write_unit; the parent must not hold or sit in the units' folder.
        claim_parent(out, inputs={"单位文件夹": Path(args.units)}, inside={"单位文件夹": Path(args.units)})
        say = lambda m: print(m, file=sys.stderr)  # noqa: E731
        outcomes = pack.run_batch(units, lambda s: out / s.key, year=year, say=say, formats=formats)
        outcomes += [pack.Outcome(k, None, 0, e) for k, e in missing]
    else:
        if not args.roster:
            raise pack.PackError("--roster", "请用 --roster 指定名册，或用 --units 指定多个单位的文件夹")
        unit_file = Path(args.unit) if args.unit else None
        src = pack.UnitSource(out.name, Path(args.roster), unit_file)
        pack.claim_pack(out, src)  # refused before minutes of layout work, not after
        say = lambda m: print(m, file=sys.stderr)  # noqa: E731
        outcomes = pack.run_batch([src], lambda s: out, year=year, workers=1, formats=formats, say=say)
        if not unit_file:
            print("没有单位信息（--unit）：党支部名称等处留空，供手写")
    for line in pack.summary(outcomes):
        print(line)
    print(cap_note())
    return 1 if any(o.error for o in outcomes) else 0


def _add_pack(sub) -> None:
    p = sub.add_parser("pack", help="按名册生成预填的全套表格：测评表、登记表、谈心谈话安排表")
    p.add_argument("--roster", help="一个单位的党员名册 CSV/XLSX")
    p.add_argument("--unit", help="该单位的单位信息（unit.yml）；没有时单位信息留空")
    p.add_argument("--units", help="多个单位的文件夹：每个 <单位>/ 下放 unit.yml 和 roster.csv|xlsx")
    p.add_argument("--out", required=True, help="输出文件夹（成功后整体替换）")
    p.add_argument("--edition", help="年度（默认：最新年度）")
    p.add_argument("--format", default="pdf,docx", help="输出格式：pdf、docx 或 pdf,docx（默认两种都生成）")
    p.set_defaults(func=cmd_pack)


def cmd_results(args) -> int:
    """`handbook results`: a branch's outputs from roster and tally, or --collect branches' workbooks."""
    if args.collect:
        read, _ = results_job.collect(
            Path(args.collect), Path(args.out), allow_year_mismatch=args.allow_year_mismatch
        )
        return 0 if read else 1
    missing = [o for o, v in (("--roster", args.roster), ("--tally", args.tally)) if not v]
    if missing:
        need = " 和 ".join(missing)
        raise InputError("handbook results", f"请用 {need} 指定名册和计票文件（或用 --collect 汇总）")
    opts = results_job.Options(
        unit_file=Path(args.unit) if args.unit else None,
        year=int(args.edition) if args.edition else None,
        ballots=Ballots(args.issued, args.returned, args.valid),
        attended=args.attended,
        expected=args.expected,
        rectification=Path(args.rectification) if args.rectification else None,
        pledges=[Path(p) for p in args.pledges or []],
        allow_year_mismatch=args.allow_year_mismatch,
        branch=args.branch,
        ask=(lambda: input("党支部名称（上级汇总用，可直接回车跳过）：")) if sys.stdin.isatty() else None,
    )
    if not opts.unit_file:
        print("没有单位信息（--unit）：党支部名称按计票文件，“优秀”比例基数按默认（正式党员）")
    res = results_job.write_results(Path(args.out), Path(args.roster), Path(args.tally), opts)
    print(f"已写入 {Path(args.out).resolve()}（{len(res.rows)} 名党员，提示 {len(res.hints)} 条）")
    return 0


def _add_results(sub) -> None:
    p = sub.add_parser("results", help="测评之后: 汇总表, 评定结果表, 反馈单, 公示, 统计表, 登记表, 情况报告")
    p.add_argument("--roster", help="党员名册 CSV/XLSX")
    p.add_argument("--tally", help="计票页导出的 .json，或 .xlsx 计票表（姓名 优秀 合格 基本合格 不合格）")
    p.add_argument("--out", required=True, help="输出文件夹（重新运行时整个替换）；--collect 时为 .xlsx 文件")
    p.add_argument("--unit", help="单位信息（unit.yml）；其中“优秀比例基数”决定三分之一按什么人数计")
    p.add_argument("--branch", help="党支部名称（单位信息和计票文件都没有写明时）")
    p.add_argument("--edition", help="年度（默认：计票文件所写的年度，否则为最新年度）")
    for name, word in (("issued", "发出票数"), ("returned", "收回票数"), ("valid", "有效票数")):
        p.add_argument(f"--{name}", type=_count, help=f"{word}（代替计票文件中的数字）")
    p.add_argument("--expected", type=_count, help="应参加人数（按签到表）")
    p.add_argument("--attended", type=_count, help="实参加人数（按签到表）")
    p.add_argument("--rectification", help="网页表格“整改清单”导出的 .json 文件")
    p.add_argument("--pledges", nargs="+", help="网页表格“党员整改承诺书”导出的 .json 文件（可给多个）")
    p.add_argument("--collect", metavar="DIR", help="汇总 DIR 文件夹中各党支部的统计表和评定结果表（.xlsx）")
    p.add_argument(
        "--allow-year-mismatch",
        action="store_true",
        help="年度不一致时仍然生成（计票文件与 --edition、单位信息的日期，或 --collect 的各支部文件）",
    )
    p.set_defaults(func=cmd_results)


def _count(text: str) -> int:
    """An argparse type: an integer ≥ 0, with a Chinese message otherwise."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"应为不小于0的整数，不是“{text}”")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `handbook` console script."""
    parser = argparse.ArgumentParser(
        prog="handbook", description="组织生活会和民主评议党员工作手册与表格工具包"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="检查全部年度资料和表格文件")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="生成手册网站（含 PDF）")
    p.add_argument("--edition", help="只生成这个年度（如 2021 或 latest），写入 site/<年度>/")
    p.add_argument("--all", action="store_true", help="全部年度（不给 --edition 时的默认）")
    p.add_argument("--site-dir", help="网站根目录（默认：site/），各年度写入 <site-dir>/<年度>/")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("offline", help="生成全部年度并打包 dist/<名称>.zip，供离线打开")
    p.add_argument("--site-dir", help="网站根目录（默认：site/）")
    p.add_argument("--dist-dir", help="输出文件夹（默认：dist/）")
    p.add_argument("--name", help="压缩包名称，不含 .zip（默认：zzshh-handbook-<最新年度>）")
    p.add_argument("--no-build", action="store_true", help="直接打包已生成的网站")
    p.set_defaults(func=cmd_offline)

    p = sub.add_parser("serve", help="在 http://127.0.0.1:8000/ 预览一个年度")
    p.add_argument("--edition")
    p.add_argument("--addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)

    _add_local(sub)
    _add_pack(sub)
    _add_results(sub)

    args = parser.parse_args(argv)
    _show_mkdocs_warnings()
    try:
        return args.func(args)
    except InputErrors as exc:
        for e in exc.errors:
            print(f"错误：{e}", file=sys.stderr)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
    except MkDocsException as exc:
        # mkdocs stops a strict build with Abort after logging the reasons above; say so in one line.
        print(f"错误：{exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中断：之前的输出没有改动", file=sys.stderr)
        return 130
    except BaseException as exc:
        if isinstance(exc, SystemExit):
            raise
        print(f"错误：{failure_text(exc)}", file=sys.stderr)
    return 2


def failure_text(exc: BaseException) -> str:
    """An unexpected failure in Chinese: what happened, that earlier outputs are intact, what to do."""
    if isinstance(exc, OSError):
        return str(os_message(exc))
    if isinstance(exc, RecursionError):
        return "输入文件的结构嵌套过深，无法处理；请检查所给的文件是否正确（之前的输出没有改动）"
    if isinstance(exc, MemoryError):
        return "内存不足：输入文件可能过大或不是所需的文件（之前的输出没有改动）"
    return (
        f"程序内部错误（{type(exc).__name__}：{str(exc)[:200]}）。之前的输出没有改动；"
        "请把这条信息和所用的命令告诉维护者"
    )


def _show_mkdocs_warnings() -> None:
    """Print mkdocs warnings (broken links...) as `mkdocs build` does; without a handler they vanish."""
    log = logging.getLogger("mkdocs")
    if not any(getattr(h, "_handbook", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._handbook = True
        log.addHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
