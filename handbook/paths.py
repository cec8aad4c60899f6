"""Where the project's data folders are: HANDBOOK_ROOT, the working directory's project, or the checkout
(the environment is read by handbook.settings)."""

from __future__ import annotations

from pathlib import Path

from .settings import PACKAGE_DIR, ROOT, current

__all__ = ["PACKAGE_DIR", "ROOT", "cache_dir", "local_dir"]


def local_dir() -> Path:
    """The fork's overlay folder; HANDBOOK_LOCAL_DIR points a test or a second unit elsewhere."""
    return current().local_dir or ROOT / "local"


def cache_dir(name: str) -> Path:
    """One content cache's folder (pdf, pack, office) under HANDBOOK_CACHE_DIR, default <root>/.cache."""
    return current().cache_dir / name
