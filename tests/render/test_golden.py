"""Rendered form HTML matches the reviewed golden files (refresh with scripts/update_golden.py)."""

import difflib

import pytest

from handbook.render.golden import GOLDEN_DIR, golden_outputs

OUTPUTS = golden_outputs()


def test_no_golden_file_is_missing_or_stale():
    """Every form example has a golden file, and no golden file belongs to a form that is gone."""
    on_disk = {p.name for p in GOLDEN_DIR.glob("*.html")}
    assert on_disk == set(OUTPUTS), "run: .venv/bin/python scripts/update_golden.py"


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_rendered_form_matches_golden(name):
    """A change to a form's markup shows up as a reviewable diff, never silently."""
    expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
    actual = OUTPUTS[name]
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "golden", "rendered", n=1
            )
        )
        pytest.fail(
            f"{name} differs from its golden file (if intended: .venv/bin/python scripts/update_golden.py)\n"
            + diff[:3000]
        )
