"""Site builds: one edition into a folder, written to a temporary folder first and swapped in whole."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from . import ROOT


@contextlib.contextmanager
def edition_env(year: int | str):
    """Select an edition for the duration of a build."""
    old = os.environ.get("HANDBOOK_EDITION")
    os.environ["HANDBOOK_EDITION"] = str(year)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("HANDBOOK_EDITION", None)
        else:
            os.environ["HANDBOOK_EDITION"] = old


def build_edition(year: int, site_dir: Path, config_file: Path | None = None) -> Path:
    """Build one edition strictly into site_dir; on failure the previous site_dir is left untouched."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = Path(site_dir).resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.", dir=site_dir.parent))
    try:
        with edition_env(year):
            cfg = load_config(str(config_file or ROOT / "mkdocs.yml"), site_dir=str(tmp), strict=True)
            build(cfg)
        old = site_dir.with_name(f".{site_dir.name}.old")
        if site_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
            site_dir.rename(old)
        tmp.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
        return site_dir
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
