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
    """Build every edition into site/<年度>/ (default), or only --edition into site/<年度>/."""
    from .build import build_all, build_one
    from .editions import latest_year

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
    from .build import build_all, pack_offline
    from .editions import latest_year

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
    import os

    from mkdocs.commands.serve import serve

    if args.edition:
        os.environ["HANDBOOK_EDITION"] = str(args.edition)
    serve(config_file=str(ROOT / "mkdocs.yml"), dev_addr=args.addr, open_in_browser=False)
    return 0


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

    # new-edition, roster, drafts: the local-editions commands live with their logic in macros/local.py.
    from .local import add_commands

    add_commands(sub)
    # pack: pre-filled form packs from rosters, logic in macros/pack.py.
    from .pack import add_command as add_pack

    add_pack(sub)

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
        from mkdocs.exceptions import MkDocsException

        if not isinstance(exc, MkDocsException):
            raise
        print(f"error: {exc}", file=sys.stderr)
    return 2


def _show_mkdocs_warnings() -> None:
    """Print mkdocs warnings (broken links...) as `mkdocs build` does; without a handler they vanish."""
    import logging

    log = logging.getLogger("mkdocs")
    if not any(getattr(h, "_handbook", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._handbook = True
        log.addHandler(handler)


if __name__ == "__main__":
    sys.exit(main())
