"""The kit's settings, and the one place that reads the process environment.

Every variable the kit honours is read here: HANDBOOK_ROOT (the project folder), HANDBOOK_LOCAL_DIR,
HANDBOOK_EDITIONS_DIR, HANDBOOK_FORMS_DIR (point a test or a fork elsewhere), HANDBOOK_CACHE_DIR (the
content caches, default <root>/.cache), HANDBOOK_SEEDS (the project's source documents, default the
nearest shared/seeds beside the project or above it), HANDBOOK_EDITION (the edition a plain
`mkdocs build`/`serve` is for), HANDBOOK_PDF=0 (a site without PDFs and Word files) and SOURCE_DATE_EPOCH
(the date generated files carry). A build passes the edition and the PDF switch on through mkdocs'
configuration, not the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _is_project(d: Path) -> bool:
    return (d / "editions").is_dir() and (d / "forms").is_dir()


def _find_root(env: Mapping[str, str]) -> Path:
    """HANDBOOK_ROOT, else the nearest folder up from the working directory holding editions/ and forms/,
    else the folder above the package (an editable checkout)."""
    given = env.get("HANDBOOK_ROOT")
    if given:
        return Path(given).resolve()
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if _is_project(d):
            return d
    return PACKAGE_DIR.parent


def _find_seeds(root: Path, env: Mapping[str, str]) -> Path | None:
    """HANDBOOK_SEEDS, else the first shared/seeds beside the project or above it, else /work's copy."""
    given = env.get("HANDBOOK_SEEDS")
    if given:
        return Path(given).resolve()
    # A clone in another place (/tmp, a CI runner) still finds the copy the project was created beside.
    for d in (*root.parents, Path("/work")):
        if (d / "shared" / "seeds").is_dir():
            return d / "shared" / "seeds"
    return None


@dataclass(frozen=True)
class Settings:
    """What the environment asks for, read at one moment; None where it asks nothing."""

    root: Path
    local_dir: Path | None
    editions_dir: Path | None
    forms_dir: Path | None
    cache_dir: Path
    seeds_dir: Path | None
    edition: str
    pdfs: bool
    source_date_epoch: int | None

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings from `env` (default: the process environment, whose project folder is ROOT)."""
        root = ROOT if env is None else _find_root(env)
        env = os.environ if env is None else env

        def folder(name: str) -> Path | None:
            return Path(env[name]) if env.get(name) else None

        epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
        return cls(
            root=root,
            local_dir=folder("HANDBOOK_LOCAL_DIR"),
            editions_dir=folder("HANDBOOK_EDITIONS_DIR"),
            forms_dir=folder("HANDBOOK_FORMS_DIR"),
            cache_dir=folder("HANDBOOK_CACHE_DIR") or root / ".cache",
            seeds_dir=_find_seeds(root, env),
            edition=env.get("HANDBOOK_EDITION", "").strip(),
            pdfs=env.get("HANDBOOK_PDF", "1") != "0",
            source_date_epoch=int(epoch) if epoch.isdigit() else None,
        )


# The project folder is fixed for the process (modules derive their data folders from it at import).
ROOT = _find_root(os.environ)


def current() -> Settings:
    """The settings now (a test's monkeypatched environment included)."""
    return Settings.read()
