"""Read-only views of data for page templates."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape
from pydantic import BaseModel

from ..model.editions import cn_date
from ..model.unit import BLANK


class Blankable:
    """A read-only view for page templates: missing values show as ＿＿＿＿, present ones HTML-escaped."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name: str):
        value = getattr(self._obj, name)
        if value is None or value == []:
            return Markup(BLANK)
        if isinstance(value, BaseModel):
            return Blankable(value)
        if isinstance(value, dt.date):
            return cn_date(value)
        if isinstance(value, list):
            return Markup("、").join(escape(str(v)) for v in value)
        return escape(str(value))

    def __bool__(self) -> bool:
        return any(v not in (None, []) for v in self._obj.model_dump().values())
