"""Outputs survive a kill at any moment, and nothing temporary sits inside a published site."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import macros.site as site

from .tally_data import branch


def test_site_root_files_are_written_from_beside_the_site(tmp_path, monkeypatch):
    """Rebuilding one year writes versions.json and index.html without a temporary file inside site/."""
    root = tmp_path / "site"

    def fake_build(year, site_dir, config_file=None, beside=None, **_):
        Path(site_dir).mkdir(parents=True, exist_ok=True)
        (Path(site_dir) / "index.html").write_text("x", encoding="utf-8")
        return Path(site_dir)

    monkeypatch.setattr(site, "build_edition", fake_build)
    monkeypatch.setattr(site, "_all_years", lambda: [2025])
    moved: list[Path] = []
    real_replace = os.replace

    def replace(src, dst):
        moved.append(Path(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    site.build_one(2025, root)
    assert (root / "versions.json").is_file() and (root / "index.html").is_file()
    assert moved, "the root files are written atomically"
    inside = [p for p in moved if root.resolve() in p.resolve().parents]
    assert not inside, f"temporary files inside site/: {inside}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no leftovers beside site/"


def _handbook() -> list[str]:
    return [sys.executable, "-c", "import sys; from handbook.cli import main; sys.exit(main())"]


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _temporary(folder: Path) -> list[Path]:
    """Temporary names a run leaves beside or inside its output (atomic.py's .tmp-/.old- names)."""
    return [
        p for p in [*folder.parent.iterdir(), *folder.rglob("*")] if re.search(r"\.(tmp|old)-\d+", p.name)
    ]


@pytest.mark.slow
def test_pack_killed_while_writing_keeps_the_previous_output(tmp_path):
    """SIGKILL while the pack is being written: the earlier pack is whole, and the next run cleans up."""
    roster, _, unit, _ = branch(tmp_path / "in", n=6)
    out = tmp_path / "out"
    cmd = [
        *_handbook(),
        "pack",
        "--roster",
        str(roster),
        "--unit",
        str(unit),
        "--out",
        str(out),
        "--format",
        "pdf",
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    before = _files(out)
    # One kill here; scripts/kill_trials.py kills pack and results at many moments.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    # Kill once the new pack is being written beside the old one (its temporary folder exists).
    while proc.poll() is None and not _temporary(out) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the pack ended before it could be killed while writing"
    assert not out.exists() or _files(out) == before
    subprocess.run(cmd, check=True, capture_output=True)
    assert _files(out) == before
    assert not _temporary(out)


@pytest.mark.slow
def test_pack_on_a_full_disk_keeps_the_previous_output(tmp_path):
    """A disk that fills up mid-pack: a Chinese message saying what to do, the earlier pack untouched."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True
    ).returncode:
        pytest.skip("mounting a small file system is not permitted here")
    try:
        roster, _, unit, _ = branch(tmp_path / "in", n=12)
        out = disk / "out"
        cmd = [*_handbook(), "pack", "--roster", str(roster), "--unit", str(unit), "--out", str(out)]
        subprocess.run(cmd, check=True, capture_output=True)
        before = _files(out)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(0, free - sum(map(len, before.values())) // 2))
        res = subprocess.run(cmd, capture_output=True, text=True)
        assert res.returncode == 1
        assert "磁盘已满" in res.stdout + res.stderr and "请清理磁盘空间" in res.stdout + res.stderr
        assert "Traceback" not in res.stderr
        assert _files(out) == before
        assert not _temporary(out)
    finally:
        subprocess.run(["umount", str(disk)], check=False)
