"""One cache scheme: an entry's key changes when the code that renders it changes, with nothing to bump."""

from __future__ import annotations

import shutil

from handbook import cache
from handbook.paths import PACKAGE_DIR


def test_editing_a_renderer_changes_every_key(tmp_path, monkeypatch):
    shutil.copytree(PACKAGE_DIR / "pdf", tmp_path / "pdf")
    monkeypatch.setattr(cache, "PACKAGE_DIR", tmp_path)
    cache.code_digest.cache_clear()
    before = cache.content_key(cache.code_digest("pdf"), {"fillable": True}, "<p>表</p>")
    with (tmp_path / "pdf" / "fix.py").open("a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    cache.code_digest.cache_clear()
    after = cache.content_key(cache.code_digest("pdf"), {"fillable": True}, "<p>表</p>")
    cache.code_digest.cache_clear()
    assert before != after
    # Same code, same inputs, same key; other inputs or content, another key.
    again = cache.content_key("c", {"a": 1, "b": 2}, "x")
    assert again == cache.content_key("c", {"b": 2, "a": 1}, "x")
    assert again != cache.content_key("c", {"a": 1, "b": 2}, "y")


def test_no_renderer_keeps_a_version_string_to_bump():
    for path in PACKAGE_DIR.rglob("*.py"):
        assert "CODE_VERSION" not in path.read_text(encoding="utf-8"), path
