"""Which edition a build is for: HANDBOOK_EDITION, the newest by default; a bad value is an input error."""

from __future__ import annotations

import pytest

from handbook.errors import InputError
from macros.context import selected_year


@pytest.mark.parametrize("value", ["", "latest", " latest "])
def test_default_and_latest_mean_the_newest(monkeypatch, latest_year, value):
    monkeypatch.setenv("HANDBOOK_EDITION", value)
    assert selected_year() == latest_year


def test_a_year_is_taken_as_given(monkeypatch):
    monkeypatch.setenv("HANDBOOK_EDITION", "2021")
    assert selected_year() == 2021


def test_a_bad_value_is_an_input_error_not_an_exit(monkeypatch):
    monkeypatch.setenv("HANDBOOK_EDITION", "去年")
    with pytest.raises(InputError, match="应为年度（如 2021）或 latest，不是“去年”") as info:
        selected_year()
    assert info.value.file == "HANDBOOK_EDITION"
