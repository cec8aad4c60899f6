"""Published files are world-readable: a web server running as another user can serve site/ and the zip."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest

from macros.site import build_all, pack_offline

pytestmark = pytest.mark.slow


@pytest.fixture
def umask_022():
    """The usual umask, whatever the test runner's is."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_every_file_of_a_site_and_its_zip_is_readable_by_all(scenario, tmp_path, umask_022):
    root = tmp_path / "site"
    build_all(root, [2024, 2025], scenario.folder / "mkdocs.yml")
    modes = {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*")}
    modes["."] = stat.S_IMODE(root.stat().st_mode)
    assert {"index.html", "versions.json", "2025/index.html", "latest/index.html"} <= set(modes)
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o755 if (root / name).is_dir() else 0o644)
    }
    assert not wrong
    zpath = pack_offline(root, tmp_path / "dist" / "handbook.zip")
    assert stat.S_IMODE(zpath.stat().st_mode) == 0o644
    with zipfile.ZipFile(zpath) as zf:
        entries = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in zf.infolist()}
    assert "handbook/versions.json" in entries
    assert set(entries.values()) == {0o644}


def test_a_private_umask_is_respected(scenario, tmp_path):
    old = os.umask(0o077)
    try:
        build_all(tmp_path / "site", [2025], scenario.folder / "mkdocs.yml")
    finally:
        os.umask(old)
    index = tmp_path / "site" / "index.html"
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
