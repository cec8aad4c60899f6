"""Schema errors a user reads are Chinese and name the file, the field and the line."""

from __future__ import annotations

import pytest

from handbook.errors import InputErrors
from handbook.model.editions import UnknownStep, check_steps, snapshot
from handbook.model.forms import forms_for_step
from handbook.model.unit import load_unit


def _errors(path) -> dict[str, tuple[int, str]]:
    with pytest.raises(InputErrors) as info:
        load_unit(path)
    return {e.field: (e.line, e.message) for e in info.value.errors}


def test_unit_profile_errors_are_chinese_with_field_and_line(tmp_path):
    path = tmp_path / "unit.yml"
    text = "党支部: 第一党支部\n书纪: 张三\n党小组:\n  - 名称: 一组\n    人数: 很多\n"
    path.write_text(text, encoding="utf-8")
    errors = _errors(path)
    assert errors["书纪"] == (2, "没有这个字段（请检查拼写）")
    field, (line, msg) = next((f, v) for f, v in errors.items() if f.startswith("党小组[0]."))
    assert line == 5 and field == "党小组[0].人数"
    assert msg == "没有这个字段（请检查拼写）"


def test_wrong_types_are_named_in_chinese(tmp_path):
    path = tmp_path / "unit.yml"
    path.write_text("党支部: [一, 二]\n", encoding="utf-8")
    assert _errors(path)["党支部"] == (1, "应为文字")


def test_unknown_step_is_one_check_with_chinese_text():
    with pytest.raises(UnknownStep, match="没有这个步骤：party；可用的步骤：plan、study"):
        check_steps(["study", "party"])
    # The same error serves lookups (KeyError) and the schema (ValueError).
    with pytest.raises(KeyError):
        forms_for_step("party")
    with pytest.raises(ValueError):
        forms_for_step("party")
    check_steps(["plan", "report"])


def test_unknown_rule_lists_the_known_ones():
    common, _ = snapshot()
    with pytest.raises(KeyError, match=r"没有评议规则 probation；已有：.*probationary"):
        common.rule("probation")
