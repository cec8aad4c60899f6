"""The `handbook` command: check, build, serve, offline, new-edition, roster, drafts and pack."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from mkdocs.commands.serve import serve
from mkdocs.exceptions import MkDocsException

from macros.site import build_all, build_one, pack_offline

from .errors import InputError, InputErrors
from .jobs import pack
from .jobs.drafts import parse_formats, write_drafts
from .jobs.scaffold import new_edition
from .model.editions import latest_year, load_all
from .model.forms import load_forms
from .model.roster import read_roster
from .paths import ROOT
from .pdf.fonts import covered_codepoints


def cmd_check(args) -> int:
    """Validate every edition and form file; print every problem found."""
    problems: list[str] = []
    try:
        editions = load_all()
        print(f"editions: {', '.join(str(y) for y in sorted(editions))} OK")
    except InputErrors as exc:
        problems += [str(e) for e in exc.errors]
    except InputError as exc:
        problems.append(str(exc))
    try:
        forms = load_forms()
        print(f"forms: {len(forms)} OK")
    except InputErrors as exc:
        problems += [str(e) for e in exc.errors]
    except InputError as exc:
        problems.append(str(exc))
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    return 1 if problems else 0


def cmd_build(args) -> int:
    """Build every edition into site/<年度>/ (default), or only --edition into site/<年度>/."""
    site = Path(args.site_dir or ROOT / "site")
    t0 = time.perf_counter()
    if args.edition and not args.all:
        year = int(args.edition) if args.edition != "latest" else latest_year()
        out = build_one(year, site)
        print(f"built {year}年度 into {out} in {time.perf_counter() - t0:.1f} s")
        return 0
    built = build_all(site, progress=lambda y, s: print(f"  {y}年度 {s:.1f} s", flush=True))
    print(f"built {len(built)} editions ({', '.join(map(str, sorted(built)))}) into {site.resolve()} "
          f"in {time.perf_counter() - t0:.1f} s; newest also in {site.resolve() / 'latest'}")
    return 0


def cmd_offline(args) -> int:
    """Build every edition and pack them into dist/<name>.zip for reading from file:// without a network."""
    site = Path(args.site_dir or ROOT / "site")
    t0 = time.perf_counter()
    if not args.no_build:
        build_all(site, progress=lambda y, s: print(f"  {y}年度 {s:.1f} s", flush=True))
    name = args.name or f"zzshh-handbook-{latest_year()}"
    out = pack_offline(site, Path(args.dist_dir or ROOT / "dist") / f"{name}.zip")
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_serve(args) -> int:
    """Preview one edition with live reload."""
    if args.edition:
        os.environ["HANDBOOK_EDITION"] = str(args.edition)
    serve(config_file=str(ROOT / "mkdocs.yml"), dev_addr=args.addr, open_in_browser=False)
    return 0



def cmd_new_edition(args) -> int:
    """Scaffold a new yearly edition and tell the secretary what to check."""
    path = new_edition(int(args.year), int(args.from_year) if args.from_year else None, args.into)
    marks = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# TODO 核对"))
    print(f"已生成 {path}（校验通过）")
    print(f"其中 {marks} 处标有“# TODO 核对”：请对照{args.year}年度上级通知逐项修改，")
    print("全部核对后把 confidence 改为 confirmed。")
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
    p = sub.add_parser("new-edition", help="scaffold editions/<年度>.yml from an earlier edition")
    p.add_argument("year", type=int, help="年度, e.g. 2026")
    p.add_argument("--from", dest="from_year", help="copy from this 年度 (default: the newest earlier one)")
    p.add_argument("--into", choices=("editions", "local"), default="editions")
    p.set_defaults(func=cmd_new_edition)

    p = sub.add_parser("roster", help="check a roster file (CSV or XLSX) and report what was read")
    p.add_argument("file")
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("drafts", help="write draft 工作方案 / 通知 / 主持词提纲 as PDF and Word")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--unit", help="unit profile (default: local/unit.yml)")
    p.add_argument("--roster", help="roster CSV/XLSX (default: local/roster.csv or .xlsx)")
    p.add_argument("--edition", help="年度 (default: the newest)")
    p.add_argument("--format", default="pdf,docx", help="pdf, docx or pdf,docx (default: both)")
    p.set_defaults(func=cmd_drafts)



def cmd_pack(args) -> int:
    """`handbook pack`: one unit (--roster) or many (--units); exit 1 when any unit failed."""
    year = int(args.edition) if args.edition else None
    out = Path(args.out)
    formats = parse_formats(args.format)
    if args.units:
        units, missing = pack.find_units(Path(args.units))
        out.mkdir(parents=True, exist_ok=True)
        say = lambda m: print(m, file=sys.stderr)  # noqa: E731
        outcomes = pack.run_batch(units, lambda s: out / s.key, year=year, say=say, formats=formats)
        outcomes += [pack.Outcome(k, None, 0, e) for k, e in missing]
    else:
        if not args.roster:
            raise pack.PackError("--roster", "请用 --roster 指定名册，或用 --units 指定多个单位的文件夹")
        unit_file = Path(args.unit) if args.unit else None
        src = pack.UnitSource(out.name, Path(args.roster), unit_file)
        outcomes = pack.run_batch([src], lambda s: out, year=year, workers=1, progress=False, formats=formats)
        if not unit_file:
            print("没有单位信息（--unit）：党支部名称等处留空，供手写")
    for line in pack.summary(outcomes):
        print(line)
    # The printed cap leaves 预备党员 out of the base; only web notes say so, so the secretary must check it.
    print("注：测评表上“优秀”的人数上限按参加等次评定的党员（不含预备党员）的三分之一计算；"
          "不含预备党员这一算法来自公开网页资料，尚未核实，请以上级通知为准（见手册“评议规则”）。")
    return 1 if any(o.error for o in outcomes) else 0


def _add_pack(sub) -> None:
    p = sub.add_parser("pack", help="pre-filled form pack(s) from a roster: ballots, registers, talk plan")
    p.add_argument("--roster", help="roster CSV/XLSX of one unit")
    p.add_argument("--unit", help="unit profile (unit.yml) of that unit; without it unit fields stay blank")
    p.add_argument("--units", help="folder of units: <unit>/unit.yml + roster.csv|xlsx each")
    p.add_argument("--out", required=True, help="output folder (replaced whole on success)")
    p.add_argument("--edition", help="年度 (default: the newest)")
    p.add_argument("--format", default="pdf,docx", help="pdf, docx or pdf,docx (default: both)")
    p.set_defaults(func=cmd_pack)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `handbook` console script."""
    parser = argparse.ArgumentParser(
        prog="handbook", description="组织生活会和民主评议党员工作手册与表格工具包"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate every edition and form file")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="build the handbook site (with its PDFs)")
    p.add_argument("--edition", help="only this 年度 (e.g. 2021, or latest), into site/<年度>/")
    p.add_argument("--all", action="store_true", help="every edition (the default without --edition)")
    p.add_argument("--site-dir", help="site root (default: site/); editions go to <site-dir>/<年度>/")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("offline", help="build every edition and pack dist/<name>.zip for file:// reading")
    p.add_argument("--site-dir", help="site root (default: site/)")
    p.add_argument("--dist-dir", help="output folder (default: dist/)")
    p.add_argument("--name", help="zip name without .zip (default: zzshh-handbook-<newest 年度>)")
    p.add_argument("--no-build", action="store_true", help="pack the site already built")
    p.set_defaults(func=cmd_offline)

    p = sub.add_parser("serve", help="preview one edition at http://127.0.0.1:8000/")
    p.add_argument("--edition")
    p.add_argument("--addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)

    _add_local(sub)
    _add_pack(sub)

    args = parser.parse_args(argv)
    _show_mkdocs_warnings()
    try:
        return args.func(args)
    except InputErrors as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except Exception as exc:
        # mkdocs stops a strict build with Abort after logging the reasons above; say so in one line.
        if not isinstance(exc, MkDocsException):
            raise
        print(f"error: {exc}", file=sys.stderr)
    return 2


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
