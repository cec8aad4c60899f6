"""Where the project's data folders are: HANDBOOK_ROOT, the working directory's project, or the checkout."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _is_project(d: Path) -> bool:
    return (d / "editions").is_dir() and (d / "forms").is_dir()


def find_root() -> Path:
    """The project folder: HANDBOOK_ROOT, else the nearest folder up from the working directory holding
    editions/ and forms/, else the folder above the package (an editable checkout)."""
    env = os.environ.get("HANDBOOK_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if _is_project(d):
            return d
    return PACKAGE_DIR.parent


ROOT = find_root()


def local_dir() -> Path:
    """The fork's overlay folder; HANDBOOK_LOCAL_DIR points a test or a second unit elsewhere."""
    return Path(os.environ.get("HANDBOOK_LOCAL_DIR") or ROOT / "local")
