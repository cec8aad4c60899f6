"""Outputs survive a kill at any moment, and nothing temporary sits inside a published site."""

from __future__ import annotations

import os
from pathlib import Path

import macros.site as site


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
