"""The one date every generated file carries: SOURCE_DATE_EPOCH, an edition's date, or a fixed constant."""

from __future__ import annotations

import calendar

from .settings import current

# 2022-01-01T00:00:00Z: used when neither the caller nor SOURCE_DATE_EPOCH gives a date.
DEFAULT_EPOCH = 1640995200


def source_date_epoch(default: int | None = None) -> int:
    """SOURCE_DATE_EPOCH when set, else the given default (an edition's date), else DEFAULT_EPOCH."""
    given = current().source_date_epoch
    if given is not None:
        return given
    return DEFAULT_EPOCH if default is None else default


def edition_epoch(year: int) -> int:
    """An edition's fixed date: 1 December of its year, unless SOURCE_DATE_EPOCH is set."""
    return source_date_epoch(calendar.timegm((year, 12, 1, 0, 0, 0)))
