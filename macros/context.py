"""Which edition a site build is for: HANDBOOK_EDITION (a year or 'latest'), the newest by default."""

from __future__ import annotations

import os

from handbook.errors import InputError
from handbook.model.editions import Common, Edition, latest_year, select


def selected_year() -> int:
    """The edition chosen by HANDBOOK_EDITION; the newest by default."""
    raw = os.environ.get("HANDBOOK_EDITION", "").strip()
    if not raw or raw == "latest":
        return latest_year()
    if not raw.isdigit():
        raise InputError("HANDBOOK_EDITION", f"应为年度（如 2021）或 latest，不是“{raw}”")
    return int(raw)


def current() -> tuple[Common, Edition, dict[int, Edition]]:
    """Common data, the selected edition, and all editions."""
    return select(selected_year())
