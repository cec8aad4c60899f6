"""Benchmark (not a test): an edition's PDFs cold, warm and without the cache, and each PDF's size."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KB = 1024
TARGETS = {"print": 300 * KB, "fillable": 1024 * KB, "pack": 5 * 1024 * KB}


def target(rel: Path) -> tuple[str, int | None]:
    """The size target of one output file."""
    if rel.name.startswith("form-pack-"):
        return "pack", TARGETS["pack"]
    if rel.name.startswith("handbook-"):
        return "handbook", None
    if rel.name.endswith("-fillable.pdf"):
        return "fillable", TARGETS["fillable"]
    return "print", TARGETS["print"]


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edition", type=int, help="年度 (default: the newest)")
    args = parser.parse_args()

    from handbook.jobs import edition_pdfs as E
    from handbook.model.editions import snapshot
    from handbook.pdf import engine as P
    from macros.book_pages import book_pages, form_order, nav_entries
    from macros.site import build_edition, site_nav

    common, editions = snapshot()
    edition = editions[args.edition or max(editions)]
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        tmp = Path(tmp)
        os.environ["HANDBOOK_PDF"] = "0"  # the site build itself renders no PDF; the runs below do
        t_site, site = timed(lambda: build_edition(edition.year, tmp / "site"))
        os.environ.pop("HANDBOOK_PDF")
        # The pages and their order as the hook hands them over in a build (mkdocs' own nav, not a re-read).
        entries = nav_entries(site_nav())
        pages, forms = book_pages(entries, site), form_order(entries)


        def run(cache: Path, workers: int):
            P.CACHE_DIR = cache
            return timed(
                lambda: E.build_edition_pdfs(edition, common, site, pages, form_order=forms, workers=workers)
            )

        cold, paths = run(tmp / "cache", 2)
        warm, _ = run(tmp / "cache", 2)
        serial, _ = run(tmp / "cache-serial", 1)
        nocache, _ = run(tmp / "cache-none", 2)

        print(f"edition {edition.label}; site build (no PDFs) {t_site:.1f} s; {os.cpu_count()} cores")
        print(f"{'run':<34}{'time':>9}")
        print(f"{'cold (empty cache, 2 workers)':<34}{cold:>8.2f}s   target ≤ 20 s")
        print(f"{'warm (nothing changed)':<34}{warm:>8.2f}s   target ≤ 3 s")
        print(f"{'no cache (fresh, 2 workers)':<34}{nocache:>8.2f}s")
        print(f"{'no cache (fresh, 1 process)':<34}{serial:>8.2f}s")
        print(f"ratio no-cache / warm: {nocache / warm:.1f}x; 1 process / 2 workers: {serial / nocache:.2f}x")
        print()
        print(f"{'file':<48}{'size':>10}  {'target':>10}  ok")
        total_ok = True
        for path in paths:
            rel = path.relative_to(site / "pdf")
            _, limit = target(rel)
            size = path.stat().st_size
            ok = limit is None or size <= limit
            total_ok &= ok
            shown = f"{limit // KB} KB" if limit else "—"
            print(f"{rel!s:<48}{size // KB:>7} KB  {shown:>10}  {'yes' if ok else 'NO'}")
        print("all sizes within targets" if total_ok else "SOME SIZES OVER TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
