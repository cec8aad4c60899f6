"""The pack's roles: each form's `pack:` in its form.yml names how the pack fills it (no form ids in code)."""

from __future__ import annotations

import ast
from pathlib import Path

from handbook.jobs import pack
from handbook.model.forms import all_forms

ROOT = Path(__file__).resolve().parents[2]


def test_every_role_a_form_names_exists_and_each_special_role_is_used():
    forms = all_forms()
    assert all(f.pack in pack.ROLES for f in forms.values())
    used = {f.pack for f in forms.values()} - {None}
    assert used == set(pack.ROLES) - {None}


def test_pack_order_puts_the_talk_plan_before_the_talks_forms():
    entries = pack.pack_entries(all_forms())
    at = next(i for i, e in enumerate(entries) if e.form is None)
    assert entries[at + 1].form.steps[0] == "talks"
    assert all(e.form.steps[0] in ("plan", "study") for e in entries[:at])


def test_the_pack_code_names_no_form_id():
    """Adding a form the pack fills specially means its form.yml and the roles, not a list of ids."""
    ids = set(all_forms())
    tree = ast.parse((ROOT / "handbook" / "jobs" / "pack.py").read_text(encoding="utf-8"))
    named = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    # A role may share its word with a form (statistics): roles are names of what the pack does.
    assert not (named - set(pack.ROLES)) & ids
