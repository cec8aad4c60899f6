"""Output that is never half-written: a folder is built beside its destination and swapped in whole."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mkdtemp(dest: Path) -> Path:
    """A temporary folder next to dest with the usual permissions (mkdtemp makes it owner-only)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    path.chmod(0o777 & ~_umask())
    return path


def swap(tmp: Path, dest: Path) -> None:
    """Put the finished folder tmp in place of dest with renames, so dest is never half-written."""
    old = dest.with_name(f".{dest.name}.old")
    if dest.exists():
        shutil.rmtree(old, ignore_errors=True)
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def replacing_dir(dest: Path) -> Iterator[Path]:
    """Yield a temporary folder; when the block succeeds it replaces dest whole, else it is removed."""
    tmp = _mkdtemp(Path(dest))
    try:
        yield tmp
        swap(tmp, Path(dest))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the whole new content (safe across processes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file owner-only; published files (site/index.html) must be readable by a
        # web server running as another user, like every file open() creates.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
