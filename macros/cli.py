"""The `handbook` command: build, check, serve; later subcommands add packs and editions."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import ROOT
from .errors import InputError, InputErrors


def cmd_check(args) -> int:
    """Validate every edition and form file; print every problem found."""
    from .editions import load_all

    problems: list[str] = []
    try:
        editions = load_all()
        print(f"editions: {', '.join(str(y) for y in sorted(editions))} OK")
    except InputErrors as exc:
        problems += [str(e) for e in exc.errors]
    except InputError as exc:
        problems.append(str(exc))
    try:
        from .forms import load_forms
    except ImportError:
        load_forms = None
    if load_forms:
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
    """Build the handbook for one edition (default: the newest) into site/."""
    from .build import build_edition
    from .editions import latest_year

    year = int(args.edition) if args.edition and args.edition != "latest" else latest_year()
    t0 = time.perf_counter()
    out = build_edition(year, Path(args.site_dir or ROOT / "site"))
    print(f"built {year}年度 into {out} in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_serve(args) -> int:
    """Preview one edition with live reload."""
    import os

    from mkdocs.commands.serve import serve

    if args.edition:
        os.environ["HANDBOOK_EDITION"] = str(args.edition)
    serve(config_file=str(ROOT / "mkdocs.yml"), dev_addr=args.addr, open_in_browser=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `handbook` console script."""
    parser = argparse.ArgumentParser(prog="handbook", description="组织生活会和民主评议党员工作手册与表格工具包")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="validate every edition and form file")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", help="build the handbook site (with its PDFs)")
    p.add_argument("--edition", help="年度, e.g. 2021 (default: the newest)")
    p.add_argument("--site-dir", help="output folder (default: site/)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="preview one edition at http://127.0.0.1:8000/")
    p.add_argument("--edition")
    p.add_argument("--addr", default="127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputErrors as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
