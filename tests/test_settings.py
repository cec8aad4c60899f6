"""One settings object: the environment is read in handbook/settings.py only; a build's edition and PDF
switch reach mkdocs through its configuration."""

from __future__ import annotations

import os
import re
from pathlib import Path

from handbook.settings import Settings
from macros.context import current, pdfs_enabled
from macros.site import edition_config

ROOT = Path(__file__).resolve().parent.parent
# A read of the environment: os.environ.get / os.environ[...] as a value / os.getenv / `in os.environ`.
READ = re.compile(r"os\.environ\.get|os\.getenv|in os\.environ|=\s*os\.environ\b|\(os\.environ\b|"
                  r"os\.environ\[[^\]]+\](?!\s*=[^=])")


def test_no_environment_read_outside_the_settings_module():
    readers = [
        f"{p.relative_to(ROOT)}:{n}"
        for pkg in ("handbook", "macros")
        for p in sorted((ROOT / pkg).rglob("*.py"))
        if p.name != "settings.py" or p.parent.name != "handbook"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if READ.search(line)
    ]
    assert readers == []


def test_settings_read_from_a_given_environment(tmp_path):
    s = Settings.read({"HANDBOOK_ROOT": str(tmp_path), "HANDBOOK_PDF": "0", "SOURCE_DATE_EPOCH": "86400",
                       "HANDBOOK_EDITION": " 2021 "})
    assert (s.root, s.cache_dir, s.pdfs, s.source_date_epoch, s.edition) == (
        tmp_path.resolve(), tmp_path.resolve() / ".cache", False, 86400, "2021")
    assert Settings.read({"HANDBOOK_ROOT": str(tmp_path)}).pdfs is True


def test_the_edition_travels_in_the_build_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDBOOK_EDITION", "2022")
    monkeypatch.setenv("HANDBOOK_PDF", "1")
    cfg = edition_config(2021, tmp_path / "site", pdfs=False)
    assert current(cfg)[0].year == 2021 and not pdfs_enabled(cfg)
    assert current()[0].year == 2022 and pdfs_enabled()


def test_the_seed_documents_are_found_from_a_clone_elsewhere(tmp_path):
    given = tmp_path / "mine"
    given.mkdir()
    assert Settings.read({"HANDBOOK_ROOT": str(tmp_path), "HANDBOOK_SEEDS": str(given)}).seeds_dir == given
    beside = tmp_path / "up" / "shared" / "seeds"
    beside.mkdir(parents=True)
    (tmp_path / "up" / "clone").mkdir()
    assert Settings.read({"HANDBOOK_ROOT": str(tmp_path / "up" / "clone")}).seeds_dir == beside


def test_serve_carries_the_edition_in_its_configuration(monkeypatch):
    from mkdocs.config import load_config

    from handbook import cli

    monkeypatch.delenv("HANDBOOK_EDITION", raising=False)
    seen = {}
    monkeypatch.setattr(cli, "serve", lambda **kw: seen.update(kw))
    assert cli.main(["serve", "--edition", "2021"]) == 0
    assert "HANDBOOK_EDITION" not in os.environ
    options = {k: v for k, v in seen.items() if k not in ("dev_addr", "open_in_browser")}
    cfg = load_config(**options)
    # The rest of mkdocs.yml's `extra` (the year menu) is kept beside the edition.
    assert current(cfg)[0].year == 2021 and cfg.extra["version"] == {"provider": "mike"}
