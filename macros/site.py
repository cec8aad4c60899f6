"""Site builds: one edition into a folder, written to a temporary folder first and swapped in whole."""

from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from handbook.atomic import replacing_dir, write_atomic
from handbook.epoch import source_date_epoch
from handbook.errors import InputError
from handbook.jobs.edition_pdfs import PdfBatch
from handbook.model.editions import edition_paths
from handbook.office.zips import zip_time
from handbook.paths import ROOT
from handbook.render.env import jinja_env

from .context import BUILD_KEY, build_options


def edition_config(
    year: int | str, site_dir: Path, config_file: Path | None = None, *, pdfs: bool | None = None,
    batch: PdfBatch | None = None,
):
    """The mkdocs configuration of one edition's build: the edition (and the PDF switch, default the
    settings') travel in it, not in the process environment; `batch` takes its PDFs to render later."""
    cfg = load_config(str(config_file or ROOT / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    build_options(cfg).update(edition=str(year), pdfs=pdfs, pdf_batch=batch)
    return cfg


def serve_overrides(year: int | str | None, config_file: Path | None = None) -> dict:
    """`mkdocs serve` options carrying the edition in the configuration (its `extra`), not the environment."""
    if year is None:
        return {}
    extra = dict(load_config(str(config_file or ROOT / "mkdocs.yml")).extra)
    extra[BUILD_KEY] = {"edition": str(year)}
    return {"extra": extra}


def build_edition(
    year: int, site_dir: Path, config_file: Path | None = None, beside: Path | None = None, *,
    pdfs: bool | None = None,
) -> Path:
    """Build one edition strictly into site_dir; on failure the previous site_dir is left untouched.

    `beside` holds the temporary folder (a year of a published site is built outside the site); `pdfs`
    overrides the settings' PDF switch for this build."""
    site_dir = Path(site_dir).resolve()
    # The PDFs render on a pool while the pages build, and are copied in before the folder is swapped in.
    with replacing_dir(site_dir, beside=beside) as tmp, PdfBatch() as batch:
        build(edition_config(year, tmp, config_file, pdfs=pdfs, batch=batch))
        batch.finish()
    return site_dir


# ---------------------------------------------------------------------------------------------------------
# Several editions in one site: site/<年度>/ per edition, site/latest/ for the newest, versions.json (mike's
# format, read by material's year menu over http) and a root index.html that leads to the newest edition.

LATEST = "latest"


def versions_json(years: list[int]) -> str:
    """mike's versions.json for these years, newest first; the newest carries the alias latest."""
    newest = max(years)
    data = [
        {"version": str(y), "title": f"{y}年度", "aliases": [LATEST] if y == newest else []}
        for y in sorted(years, reverse=True)
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def root_index_html(years: list[int], target: str) -> str:
    """A small Chinese page that forwards to target (latest/ or the newest year) and lists every year."""
    tpl = jinja_env().get_template("site_index.html.j2")
    return tpl.render(years=sorted(years, reverse=True), target=target) + "\n"


def site_years(site_root: Path) -> list[int]:
    """The edition folders present in a multi-edition site."""
    root = Path(site_root)
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def _finish_root(root: Path, years: list[int], beside: Path | None = None) -> None:
    """Write versions.json and the root index.html for the years present (temporary files in `beside`)."""
    write_atomic(root / "versions.json", versions_json(years).encode(), beside=beside)
    write_atomic(root / "index.html", root_index_html(years, f"{LATEST}/index.html").encode(), beside=beside)


def _all_years() -> list[int]:
    return [int(p.stem) for p in edition_paths()]


def build_all(site_root: Path, years: list[int] | None = None, config_file: Path | None = None,
              progress=None) -> dict[int, Path]:
    """Build every edition into site_root/<年度>/ (+ latest/, versions.json, index.html), swapped in whole."""
    site_root = Path(site_root).resolve()
    years = sorted(years or _all_years(), reverse=True)
    if not years:
        raise InputError("editions/", "没有可生成的年度资料")
    # One temporary root for the whole site: a failing edition leaves the previous site untouched. The
    # editions' PDFs render on one pool while the next edition's pages build, and are copied in at the end.
    with replacing_dir(site_root) as tmp, PdfBatch() as batch:
        for y in years:
            t0 = time.perf_counter()
            build(edition_config(y, tmp / str(y), config_file, batch=batch))
            if progress:
                progress(f"{y}年度网页", time.perf_counter() - t0)
        t0 = time.perf_counter()
        batch.finish()
        if progress and batch.editions:
            progress("各年度 PDF", time.perf_counter() - t0)
        # A copy, not a redirect: latest/ must work on its own (mike copies aliases the same way).
        shutil.copytree(tmp / str(years[0]), tmp / LATEST)
        _finish_root(tmp, years)
    return {y: site_root / str(y) for y in years}


def build_one(year: int, site_root: Path, config_file: Path | None = None) -> Path:
    """Rebuild one edition of a multi-edition site (site_root/<年度>/, and latest/ when it is the newest)."""
    site_root = Path(site_root).resolve()
    # Temporary folders beside the site, never in it: a killed build leaves nothing to publish.
    out = build_edition(year, site_root / str(year), config_file, beside=site_root.parent)
    if year == max(_all_years()):
        with replacing_dir(site_root / LATEST, beside=site_root.parent) as tmp:
            shutil.copytree(out, tmp, dirs_exist_ok=True)
    _finish_root(site_root, site_years(site_root), beside=site_root.parent)
    return out


def pack_offline(site_root: Path, zip_path: Path) -> Path:
    """Zip a multi-edition site for file:// use: the year folders (not the latest/ copy) in one top folder."""
    site_root, zip_path = Path(site_root), Path(zip_path)
    years = site_years(site_root)
    if not years:
        raise InputError(site_root, "没有年度文件夹：请先生成网站（make site）")
    top = zip_path.stem
    # Fixed timestamps and sorted entries: the same site gives the same zip, byte for byte.
    stamp = zip_time(source_date_epoch())
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:

            def add(name: str, data: bytes) -> None:
                info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)

            # On file:// there is no server to resolve latest/, so the entry page goes straight to a year.
            add("index.html", root_index_html(years, f"{max(years)}/index.html").encode())
            add("versions.json", versions_json(years).encode())
            for y in years:
                base = site_root / str(y)
                for f in sorted(p for p in base.rglob("*") if p.is_file()):
                    add(f"{y}/{f.relative_to(base).as_posix()}", f.read_bytes())
        os.replace(tmp, zip_path)
    finally:
        tmp.unlink(missing_ok=True)
    return zip_path
