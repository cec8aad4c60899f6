"""The one cache scheme for generated files: a key from the inputs and a digest of the code that renders them.

Every content cache (pdf, pack, office) keys its entries the same way, so editing a renderer never serves a
stale file and there is no version string to bump by hand.
"""

from __future__ import annotations

import functools
import hashlib
import json

from .paths import PACKAGE_DIR


@functools.cache
def code_digest(*packages: str) -> str:
    """A digest of every Python file and template of the named subpackages of handbook (e.g. "pdf")."""
    h = hashlib.sha256()
    for name in sorted(packages):
        folder = PACKAGE_DIR / name
        if not folder.is_dir():
            raise ValueError(f"handbook has no subpackage {name!r}")
        files = (p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".css"))
        for path in sorted(files):
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def content_key(code: str, inputs: dict, content: str | bytes = b"") -> str:
    """The key of one entry: the code digest, the inputs (JSON-able, order-free) and the content rendered."""
    h = hashlib.sha256(code.encode() + b"\0" + json.dumps(inputs, sort_keys=True).encode() + b"\0")
    h.update(content.encode("utf-8") if isinstance(content, str) else content)
    return h.hexdigest()
