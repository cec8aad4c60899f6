"""Benchmark (not a test): cold site builds with PDFs, one edition beside several, measured in one run.

    .venv/bin/python scripts/bench_pdf.py            # newest edition cold and warm, then every edition cold
    .venv/bin/python scripts/bench_pdf.py --years 1  # the newest edition only (the suite's tiny run)

Each build is the real one (macros.site, PDFs and Word files included) in a fresh process with an empty
cache of its own (HANDBOOK_CACHE_DIR in a temporary folder), so nothing earlier runs left helps it. Printed:
each run's time, the multi-edition build over the one-edition build (goal ≤ 3× for eight editions), and
the size of each PDF of the newest edition against its target.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handbook.render.output_files import FORM_FILLABLE, FORM_PACK, HANDBOOK  # noqa: E402

KB = 1024
TARGETS = {"print": 300 * KB, "fillable": 1024 * KB, "pack": 5 * 1024 * KB}
# Run in a fresh process: builds `years` into `site` (a multi-edition site when there are several).
BUILD = """
import json, sys, time
from macros.site import build_all, build_edition
years, site = json.loads(sys.argv[1]), sys.argv[2]
t0 = time.perf_counter()
if len(years) == 1:
    build_edition(years[0], site, pdfs=True)
else:
    build_all(site, years=years)
print(json.dumps(time.perf_counter() - t0))
"""


def target(rel: str) -> tuple[str, int | None]:
    """The size target of one output file (its path under the edition's folder), by the outputs registry."""
    if FORM_PACK.matches(rel):
        return "pack", TARGETS["pack"]
    if HANDBOOK.matches(rel):
        return "handbook", None
    if FORM_FILLABLE.matches(rel):
        return "fillable", TARGETS["fillable"]
    return "print", TARGETS["print"]


def build(years: list[int], site: Path, cache: Path) -> float:
    """Seconds for one build of `years` into `site` in a fresh process with `cache` as its cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("HANDBOOK_PDF", "HANDBOOK_EDITION")}
    env["HANDBOOK_CACHE_DIR"] = str(cache)
    cmd = [sys.executable, "-c", BUILD, json.dumps(years), str(site)]
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if res.returncode:
        raise SystemExit(f"build of {years} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def sizes(pdf_dir: Path) -> bool:
    """Print each PDF's size against its target; True when all are within."""
    print(f"{'file':<48}{'size':>10}  {'target':>10}  ok")
    total_ok = True
    for path in sorted(pdf_dir.rglob("*.pdf")):
        rel = path.relative_to(pdf_dir.parent).as_posix()
        _, limit = target(rel)
        size = path.stat().st_size
        ok = limit is None or size <= limit
        total_ok &= ok
        shown = f"{limit // KB} KB" if limit else "—"
        print(f"{rel:<48}{size // KB:>7} KB  {shown:>10}  {'yes' if ok else 'NO'}")
    print("all sizes within targets" if total_ok else "SOME SIZES OVER TARGET")
    return total_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, help="the multi-edition run builds this many newest editions "
                        "(default: every edition; 1 skips it)")
    parser.add_argument("--cache", type=Path, help="use this content cache for every build instead of empty "
                        "ones (the suite's quick run: the script runs whole, its times mean nothing)")
    args = parser.parse_args(argv)

    from handbook.model.editions import edition_paths

    years = sorted((int(p.stem) for p in edition_paths()), reverse=True)
    years = years[: args.years] if args.years else years
    newest = years[0]
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        tmp = Path(tmp)
        print(f"cold build of {newest}年度 (one edition, PDFs and Word files) …", flush=True)
        cold = build([newest], tmp / "one", args.cache or tmp / "cache-one")
        print(f"warm build of {newest}年度 (same cache, nothing changed) …", flush=True)
        warm = build([newest], tmp / "one", args.cache or tmp / "cache-one")
        multi = None
        if len(years) > 1:
            print(f"cold build of {len(years)} editions ({'、'.join(map(str, years))}) …", flush=True)
            multi = build(years, tmp / "all", args.cache or tmp / "cache-all")
        if args.cache:
            print(f"(caches given by --cache {args.cache}: no build was cold)")

        print()
        print(f"{os.cpu_count()} cores")
        print(f"{'run':<44}{'time':>9}")
        print(f"{'one edition, cold (empty cache)':<44}{cold:>8.1f}s")
        print(f"{'one edition, warm (nothing changed)':<44}{warm:>8.1f}s")
        if multi is not None:
            print(f"{f'{len(years)} editions, cold (empty cache)':<44}{multi:>8.1f}s")
            print(f"ratio {len(years)} editions / one edition, cold: {multi / cold:.2f}× (goal ≤ 3×)")
        print(f"ratio cold / warm: {cold / warm:.1f}×")
        print()
        ok = sizes(tmp / "one" / "pdf")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
