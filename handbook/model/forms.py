"""Forms as data: forms/<id>/form.yml, validated, with the input names every rendering shares."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .. import settings
from ..errors import InputError, InputErrors, load_each
from ..paths import ROOT
from ..yamlio import line_for, load_yaml, validate
from .editions import STEP_KEYS, Strict, check_sources, check_steps, editions_dir, snapshot

FORMS_DIR = ROOT / "forms"

# Field names become PDF field names and localStorage keys: ASCII, lower case, stable.
NAME = r"^[a-z][a-z0-9_]*$"
FORM_ID = r"^[a-z][a-z0-9-]*$"
FieldType = Literal[
    "text",
    "textarea",
    "number",
    "date",
    "signature",
    "radio",
    "counts",
    "table",
    "grid",
    "ballot",
    "section",
    "note",
]
# Fields that stand alone in their layout row.
WIDE_TYPES = ("table", "grid", "ballot")
# Stable ASCII values for the four grades, in common.grades order (优秀, 合格, 基本合格, 不合格).
GRADE_VALUES = ("excellent", "qualified", "basic", "unqualified")
# Types that hold no value: headings and fixed text.
STATIC_TYPES = ("section", "note")
# Placeholders a hint or note may use; filled from the edition, never evaluated as a template.
PLACEHOLDERS = ("label", "title", "theme_short", "member_areas", "year")


class Item(Strict, strict=True):
    """One choice of a radio group or one counter of a `counts` field: a stable ASCII value and its text."""

    value: str = Field(pattern=NAME)
    text: str = Field(min_length=1)
    suffix: str | None = None


class Column(Strict, strict=True):
    """A column of a `table` field; each row's cell is one input named r01_<name>."""

    name: str = Field(pattern=NAME)
    label: str = Field(min_length=1)
    type: Literal["text", "textarea"] = "textarea"
    width: int = Field(default=1, ge=1, le=8, description="relative width")


class FormField(Strict, strict=True):
    """One field of a form; `label`, `hint`, `items`, `classes`, `attributes` mean the same for every type."""

    type: FieldType
    name: str | None = Field(default=None, pattern=NAME)
    label: str = Field(min_length=1)
    hint: str | None = None
    items: list[Item] = Field(default_factory=list)
    classes: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    area: Literal["header", "body", "footer"] = "body"
    lines: int = Field(default=3, ge=1, le=40, description="textarea height in ruled lines")
    parts: Literal["ymd", "ym"] = "ymd"
    columns: list[Column] = Field(default_factory=list)
    rows: int = Field(default=5, ge=1, le=60, description="blank rows of a table or ballot")
    row_items: list[Item] = Field(default_factory=list, description="fixed rows of a grid")
    extra: str | None = Field(default=None, description="label of a free-text column after the choices")
    prefill: Literal["edition_label", "unit_branch"] | None = Field(
        default=None, description="a value filled in when none is given: the 年度 or the unit's branch name"
    )

    @model_validator(mode="after")
    def _shape(self) -> FormField:
        if self.type not in STATIC_TYPES and not self.name:
            raise ValueError(f"{self.type} 类型的字段需要 name（英文小写，如 member_name）")
        if self.type in ("radio", "counts", "grid", "ballot") and not self.items:
            raise ValueError(f"{self.type} 类型的字段需要 items（选项）")
        if self.type not in ("radio", "counts", "grid", "ballot") and self.items:
            raise ValueError(f"{self.type} 类型的字段不用 items")
        if self.type == "table" and not self.columns:
            raise ValueError("table 类型的字段需要 columns（列）")
        if self.type == "grid" and not self.row_items:
            raise ValueError("grid 类型的字段需要 row_items（固定的行）")
        for what, things in (("items", self.items), ("columns", self.columns), ("row_items", self.row_items)):
            names = [t.value if isinstance(t, Item) else t.name for t in things]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise ValueError(f"{what} 中有重复：{'、'.join(dup)}")
        for key in self.attributes:
            if key.lower() in ("name", "id", "type", "value", "class") or key.lower().startswith("on"):
                raise ValueError(f"属性 {key} 由程序生成，不能在这里设置")
        return self


class BallotMember(Strict, frozen=True):
    """One member as a ballot lists them: the name, and whether a 预备党员 (who is not graded)."""

    name: str
    probationary: bool = False

    @classmethod
    def of(cls, member: BallotMember | Mapping) -> BallotMember:
        """A member from a mapping as rosters and examples write one (name/姓名, probationary/党员类别)."""
        if isinstance(member, cls):
            return member
        cat = str(member.get("category") or member.get("党员类别") or "")
        return cls(name=str(member.get("name") or member.get("姓名") or ""),
                   probationary=bool(member.get("probationary")) or "预备" in cat)


class Example(Strict, strict=True):
    """An example filling of the form; doubles as a test fixture."""

    title: str
    values: dict[str, str | int] = Field(default_factory=dict)
    members: list[BallotMember] | None = None
    unit: dict[str, str] | None = None

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, members):
        if not isinstance(members, list):
            return members
        return [BallotMember.of(m) if isinstance(m, Mapping) else m for m in members]


# How `handbook pack` fills a form from a unit's roster (handbook/jobs/pack.py ROLES): the ballot lists every
# member, one register per member, the statistics form the roster's counts, a sign-in sheet who should come
# (every member, the 支委, or one sheet per 党小组).
PackRole = Literal[
    "ballot", "register", "statistics", "sign-in-members", "sign-in-committee", "sign-in-groups"
]
# Roles whose list `handbook pack` continues on as many pages as the roster needs: the list ends the form.
LIST_ROLES = {"ballot": "ballot", "sign-in-members": "table", "sign-in-committee": "table",
              "sign-in-groups": "table"}


class PrintOptions(Strict, strict=True):
    """How the form is printed."""

    orientation: Literal["portrait", "landscape"] = "portrait"
    font_size: float = Field(default=10.5, ge=8, le=16, description="body size in pt")
    theme_in_header: bool = False


class Form(Strict, strict=True):
    """One standard form: what it is for, its fields, its layout and its examples."""

    id: str = Field(pattern=FORM_ID)
    title: str = Field(min_length=2)
    purpose: str = Field(min_length=2)
    optional: Literal[True]
    anonymous: bool = False
    steps: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    instructions: list[str] = Field(default_factory=list)
    fields: list[FormField] = Field(min_length=1)
    layout: list[list[str]] = Field(default_factory=list)
    print: PrintOptions = Field(default_factory=PrintOptions)
    examples: list[Example] = Field(min_length=1)
    pack: PackRole | None = Field(
        default=None, description="how `handbook pack` fills it from the roster; none: the unit's name only"
    )

    _sources = field_validator("sources")(check_sources)

    @field_validator("steps")
    @classmethod
    def _known_steps(cls, steps: list[str]) -> list[str]:
        check_steps(steps)
        return steps

    def field(self, name: str) -> FormField:
        """A field by its name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def input_names(self, members: list[BallotMember] | None = None) -> list[str]:
        """Every input name the rendered form carries (a radio group counts once), in order."""
        return [n for f in self.fields for n in field_input_names(f, members)]


def _row(i: int) -> str:
    return f"r{i:02d}"


def field_input_names(
    f: FormField, members: list[BallotMember] | None, exclude_probationary: bool = False
) -> list[str]:
    """The input names one field renders: PDF field names and storage keys."""
    n = f.name
    if f.type in STATIC_TYPES:
        return []
    if f.type == "date":
        return [f"{n}_y", f"{n}_m"] + ([f"{n}_d"] if f.parts == "ymd" else [])
    if f.type == "counts":
        return [f"{n}_{it.value}" for it in f.items]
    if f.type == "table":
        return [f"{_row(i)}_{c.name}" for i in range(1, f.rows + 1) for c in f.columns]
    if f.type == "grid":
        out = [f"{n}_{r.value}" for r in f.row_items]
        return out + ([f"{n}_note"] if f.extra else [])
    if f.type == "ballot":
        count = len(members) if members is not None else f.rows
        out = []
        for i in range(1, count + 1):
            if members is None:
                out.append(f"{_row(i)}_name")
            # A 预备党员's row has ticks unless the superior's ballot leaves it out (edition or unit says so).
            if members is None or not (exclude_probationary and members[i - 1].probationary):
                out.append(f"{_row(i)}_{n}")
            if f.extra:
                out.append(f"{_row(i)}_note")
        return out
    return [n]


def input_tooltips(form: Form, members: list[BallotMember] | None = None) -> dict[str, str]:
    """A Chinese description of every input name (a fillable PDF field's /TU), in input_names order."""
    out: dict[str, str] = {}
    for f in form.fields:
        names = field_input_names(f, members)
        if f.type == "date":
            parts = ("年", "月", "日")
            out |= {n: f"{f.label}（{parts[i]}）" for i, n in enumerate(names)}
        elif f.type == "counts":
            for it, n in zip(f.items, names, strict=True):
                unit = (it.suffix or "").strip("；，。;,. ")
                out[n] = f"{f.label}：{it.text}" + (f"（{unit}）" if unit else "")
        elif f.type == "table":
            out |= {
                f"{_row(i)}_{c.name}": f"第{i}行 {c.label}" for i in range(1, f.rows + 1) for c in f.columns
            }
        elif f.type == "grid":
            out |= {f"{f.name}_{r.value}": f"{f.label}：{r.text}" for r in f.row_items}
            if f.extra:
                out[f"{f.name}_note"] = f"{f.label}：{f.extra}"
        elif f.type == "ballot":
            for n in names:
                i = int(n[1:3])
                who = f"第{i}行" + (f"（{members[i - 1].name}）" if members else "")
                column = {"name": "姓名", "note": f.extra or ""}.get(n[4:], f.label)
                out[n] = f"{who} {column}"
        else:
            out |= dict.fromkeys(names, f.label)
    return out


def forms_dir() -> Path:
    """Where form folders live; HANDBOOK_FORMS_DIR points a test or a fork elsewhere."""
    return settings.current().forms_dir or FORMS_DIR


def load_form(path: Path, source_ids: set[str] | None = None) -> Form:
    """Load and validate one forms/<id>/form.yml."""
    data, lines = load_yaml(path)
    ctx = {"source_ids": source_ids} if source_ids is not None else {}
    form = validate(Form, data, lines, path, ctx)
    errors = _check_form(form, lines, path)
    if errors:
        raise InputErrors(errors)
    return form


def _check_form(form: Form, lines: dict, path: Path) -> list[InputError]:
    """Checks across fields: the id, unique input names and a layout that names real fields."""
    errors: list[InputError] = []
    if form.id != path.parent.name:
        errors.append(
            InputError(
                path,
                f"id {form.id} 应与文件夹名 {path.parent.name} 相同",
                "id",
                lines.get(("id",)),
            )
        )
    seen: dict[str, int] = {}
    for i, f in enumerate(form.fields):
        for n in field_input_names(f, None):
            if n in seen:
                errors.append(
                    InputError(
                        path,
                        f"字段名 {n} 重复（fields[{seen[n]}] 也用了它）",
                        f"fields[{i}].name",
                        line_for(lines, ("fields", i, "name")),
                    )
                )
            seen.setdefault(n, i)
    body = {f.name for f in form.fields if f.area == "body" and f.name}
    wide = {f.name for f in form.fields if f.type in WIDE_TYPES}
    placed: set[str] = set()
    for r, row in enumerate(form.layout):
        where = f"layout[{r}]"
        line = line_for(lines, ("layout", r))
        if not 1 <= len(row) <= 3:
            errors.append(InputError(path, f"layout 的一行放 1 到 3 个字段，不是 {len(row)} 个", where, line))
        if len(row) > 1 and wide & set(row):
            errors.append(
                InputError(path, "table、grid、ballot 类型的字段单独占一行", where, line)
            )
        for n in row:
            if n not in body:
                errors.append(InputError(path, f"{n} 不是本表正文（area: body）中的字段", where, line))
            elif n in placed:
                errors.append(InputError(path, f"{n} 在 layout 中出现了两次", where, line))
            placed.add(n)
    errors += _check_list_role(form, lines, path)
    return errors


def _check_list_role(form: Form, lines: dict, path: Path) -> list[InputError]:
    """A form the pack fills as a list (LIST_ROLES) has that list and nothing after it: the pack repeats the
    list's continuation page as often as the roster needs, so a page after the list would never print."""
    kind = LIST_ROLES.get(form.pack or "")
    if kind is None:
        return []
    at = next((i for i, f in enumerate(form.fields) if f.type == kind), None)
    if at is None:
        return [InputError(path, f"pack: {form.pack} 的表格须有一个 {kind} 类型的字段（名单）", "pack",
                           lines.get(("pack",)))]
    return [
        InputError(path, f"pack: {form.pack} 的表格以名单（{form.fields[at].name}）结束，其后不能再有字段",
                   f"fields[{i}]", line_for(lines, ("fields", i)))
        for i, f in enumerate(form.fields[at + 1:], start=at + 1) if f.area != "header"
    ]


def _source_ids() -> set[str] | None:
    # Forms validate without editions too (a scenario folder); a broken edition file is still an error.
    if not (editions_dir() / "common.yml").is_file():
        return None
    return set(snapshot()[0].sources)


def load_forms(directory: Path | None = None) -> dict[str, Form]:
    """Every form, validated; all errors of all files reported together."""
    d = directory or forms_dir()
    ids = _source_ids()
    paths = sorted(d.glob("*/form.yml"))
    forms = load_each(paths, lambda p: load_form(p, ids))
    return {p.parent.name: f for p, f in zip(paths, forms, strict=True)}


@cache
def _cached(directory: str, stamp: tuple) -> dict[str, Form]:
    forms = load_forms(Path(directory))
    # Lists follow the procedure: forms of earlier steps first.
    order = sorted(forms.values(), key=lambda f: (min(map(STEP_KEYS.index, f.steps)), len(f.steps), f.id))
    return {f.id: f for f in order}


def all_forms() -> dict[str, Form]:
    """Every form, re-read only when a form.yml changed."""
    d = forms_dir()
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in sorted(d.glob("*/form.yml")))
    return _cached(str(d), stamp)


def get_form(form_id: str) -> Form:
    """A form by its id; an unknown id is an error that lists the known ones."""
    forms = all_forms()
    if form_id not in forms:
        raise KeyError(f"没有表格 {form_id}；已有：{'、'.join(sorted(forms))}")
    return forms[form_id]


def forms_for_step(step: str) -> list[Form]:
    """The forms a step of the procedure uses, in form-file order."""
    check_steps([step])
    return [f for f in all_forms().values() if step in f.steps]
