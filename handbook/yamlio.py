"""YAML loading that remembers the line of every value, so errors can point at it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import InputError, InputErrors

LineMap = dict[tuple, int]


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys (a silent overwrite hides a typo)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"键 {key} 重复（第一次出现在第 {seen[key]} 行）", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # An impossible date (2022-02-30) would crash PyYAML; keep its text so the schema names field and line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _walk(node: yaml.Node, path: tuple, lines: LineMap) -> None:
    # A key's own line wins over its block value's first line: "schedule:" is where schedule is.
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def load_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse a YAML file; return its data and a map from field path to line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"不是 UTF-8 编码的文本（第 {exc.start} 字节：{exc.reason}）") from None
    except OSError as exc:
        raise InputError(path, f"无法读取：{exc.strerror}") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(path, f"YAML 格式错误：{exc.problem or exc}", line=line) from None
    lines: LineMap = {}
    if node is not None:
        _walk(node, (), lines)
    return data, lines


def line_for(lines: LineMap, loc: tuple) -> int | None:
    """The line of the deepest known ancestor of a field path."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def dotted(loc: tuple) -> str:
    """A field path as users write it: focus.member[2].text."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# pydantic's error types in the words of the people who edit the YAML files; {name} comes from the
# error's context. Types not listed keep pydantic's English text after a Chinese lead-in.
MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "没有这个字段（请检查拼写）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（每项以“- ”开头）",
    "dict_type": "应为“键: 值”形式",
    "model_type": "应为“键: 值”形式",
    "model_attributes_type": "应为“键: 值”形式",
    "date_type": "应为日期，如 2025-03-31",
    "date_parsing": "应为日期，如 2025-03-31",
    "date_from_datetime_parsing": "应为日期，如 2025-03-31",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "too_short": "至少要有 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_too_short": "至少要有 {min_length} 个字",
    "string_too_long": "最多 {max_length} 个字",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "greater_than": "应大于 {gt}",
    "less_than": "应小于 {lt}",
    "string_pattern_mismatch": "格式不对：应以英文小写字母开头，只用小写字母、数字、_ 或 -（{pattern}）",
}


def message(err: dict) -> str:
    """One pydantic error in Chinese; a model's own ValueError message is already Chinese."""
    if err["type"] in ("value_error", "assertion_error"):
        return str(err.get("ctx", {}).get("error", err["msg"]))
    template = MESSAGES.get(err["type"])
    if template is None:
        return f"不符合要求（{err['msg']}）"
    ctx = defaultdict(str, {k: str(v) for k, v in (err.get("ctx") or {}).items()})
    return template.format_map(ctx)


def validate(model: type, data: Any, lines: LineMap, path: Path, context: dict | None = None):
    """Validate data against a pydantic model; raise InputErrors naming file, field and line, in Chinese."""
    try:
        return model.model_validate(data, context=context or {})
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            field = dotted(loc) or "（顶层）"
            errors.append(InputError(path, message(err), field=field, line=line_for(lines, loc)))
        raise InputErrors(errors) from None
