"""The dependency rule (model ← render ← jobs, pdf alone, mkdocs only on top) holds: import-linter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def lint(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports on the project at root (its pyproject.toml holds the contracts)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True)


def test_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def copy(tmp_path):
    """A copy of the code and its contracts, to break on purpose."""
    for name in ("handbook", "macros"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("handbook/model/editions.py", "from handbook.render import env", "model <- render <- jobs"),
        ("handbook/render/forms.py", "from handbook.jobs import pack", "model <- render <- jobs"),
        ("handbook/pdf/fonts.py", "from handbook.model import forms", "pdf stands alone"),
        ("handbook/office/zips.py", "from handbook.jobs import pack", "office may use model and render"),
        ("handbook/render/view.py", "import mkdocs", "only handbook.cli"),
        ("handbook/jobs/drafts.py", "from macros import search", "only handbook.cli"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy, module, line, contract):
    _append(copy / module, line)
    result = lint(copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout
