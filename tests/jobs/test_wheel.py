"""The built wheel is complete: installed in a fresh venv, `handbook check`, pack and results run from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from handbook.settings import current

from . import tally_data as td

ROOT = Path(__file__).resolve().parents[2]
# Building a wheel and a venv takes a while: the whole module is a slow test.
pytestmark = pytest.mark.slow
SOURCES = ("handbook", "macros", "pyproject.toml", "README.md", "LICENSE")


def _run(cmd: list, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"{cmd}\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (no build folder left in the checkout, no network)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(p, src / name)
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(dist), str(src)], cwd=src)
    (whl,) = dist.glob("*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel; the dependencies come from this venv's site-packages by a .pth
    line (a path, so the editable install's finder there is not run)."""
    env = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(env)], cwd=env)
    py = env / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
          str(wheel)], cwd=env)
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=env).stdout.strip())
    (site / "_outer_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env


def test_wheel_holds_every_package_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p.relative_to(ROOT).as_posix() for pkg in ("handbook", "macros") for p in (ROOT / pkg).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    assert files and not [f for f in files if f not in names]


def test_installed_wheel_checks_packs_and_writes_results(venv, tmp_path):
    project = tmp_path / "project"
    for name in ("editions", "forms"):
        shutil.copytree(ROOT / name, project / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_")}
    # The suite's content caches: keys hold a digest of the code, so the wheel's identical code hits what
    # the checkout rendered, and a file the wheel lacks or changes still renders (and fails) on its own.
    env["HANDBOOK_CACHE_DIR"] = str(current().cache_dir)
    py, handbook = venv / "bin" / "python", venv / "bin" / "handbook"
    where = _run([str(py), "-c", "import handbook; print(handbook.__file__)"], cwd=project, env=env).stdout
    assert Path(where.strip()).is_relative_to(venv), where

    assert "通过" in _run([str(handbook), "check"], cwd=project, env=env).stdout
    roster, tally, unit, _ = td.branch(tmp_path / "in", n=6)
    pack = ["pack", "--roster", str(roster), "--out", str(tmp_path / "pack")]
    _run([str(handbook), *pack], cwd=project, env=env)
    assert list((tmp_path / "pack").rglob("*.pdf")) and list((tmp_path / "pack").rglob("*.docx"))
    _run([str(handbook), "results", "--roster", str(roster), "--tally", str(tally), "--unit", str(unit),
          "--out", str(tmp_path / "results")], cwd=project, env=env)
    assert list((tmp_path / "results").rglob("*.pdf"))
