"""Which edition a site build is for, and whether it renders PDFs: the build's mkdocs configuration
(`extra.handbook_build`, set by macros.site), else the settings (HANDBOOK_EDITION, HANDBOOK_PDF) for a plain
`mkdocs build` or `serve`; the newest edition by default."""

from __future__ import annotations

from handbook import settings
from handbook.errors import InputError
from handbook.model.context import YearContext
from handbook.model.editions import Edition, latest_year, select

# The key under the configuration's `extra` that carries one build's choices (and the nav it made).
BUILD_KEY = "handbook_build"


def build_options(config) -> dict:
    """This build's choices in its configuration (an empty dict to fill when the build was not told any)."""
    if config is None:
        return {}
    return config.extra.setdefault(BUILD_KEY, {})


def selected_year(config=None) -> int:
    """The edition this build is for (its configuration, else HANDBOOK_EDITION); the newest by default."""
    given = build_options(config).get("edition")
    raw = str(given).strip() if given is not None else settings.current().edition
    if not raw or raw == "latest":
        return latest_year()
    if not raw.isdigit():
        raise InputError("HANDBOOK_EDITION", f"应为年度（如 2021）或 latest，不是“{raw}”")
    return int(raw)


def pdfs_enabled(config=None) -> bool:
    """Whether this build writes the PDFs and Word files (its configuration, else HANDBOOK_PDF)."""
    given = build_options(config).get("pdfs")
    return settings.current().pdfs if given is None else bool(given)


def current(config=None) -> tuple[YearContext, dict[int, Edition]]:
    """The year this build is for (its edition with the common data), and all editions."""
    common, edition, editions = select(selected_year(config))
    return YearContext(edition, common), editions
