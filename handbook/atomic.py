"""Output that is never half-written: a folder is built beside its destination and swapped in whole.

Temporary names carry the writing process's id (`.<name>.tmp-<pid>-<random>`), so the next run that writes
the same destination removes what a killed or crashed run left behind, and puts back a previous output that
a kill between the two renames of a swap left aside (`.<name>.old-<pid>`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is put back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (a process of another account counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def sweep(parent: Path, tag: str, dest: Path | None = None) -> None:
    """Remove leftovers of dead runs for `tag` in `parent`; restore a previous output a kill left aside."""
    parent = Path(parent)
    if not parent.is_dir():
        return
    mine = re.compile(rf"^\.{re.escape(tag)}\.(tmp|old)-(\d+)(-.*)?$")
    # Names of the versions before process ids were written into them (tempfile's 8 random characters).
    earlier = re.compile(rf"^\.{re.escape(tag)}\.([a-z0-9_]{{8}}|old)$")
    olds: list[Path] = []
    for p in parent.iterdir():
        if m := mine.match(p.name):
            if _alive(int(m.group(2))):
                continue
            kind = m.group(1)
        elif earlier.match(p.name):
            kind = "old" if p.name.endswith(".old") else "tmp"
        else:
            continue
        if kind == "tmp":
            _remove(p)
        else:
            olds.append(p)
    for old in olds:
        if dest is not None and not dest.exists() and old.is_dir():
            # Killed between "dest → old" and "tmp → dest": the previous output is whole in old.
            old.rename(dest)
        else:
            _remove(old)


def _mkdtemp(dest: Path, beside: Path | None = None, private: bool = False) -> tuple[Path, str]:
    """A temporary folder for dest (next to it, or in `beside`) and the tag its names start with."""
    parent = Path(beside) if beside is not None else dest.parent
    tag = dest.name if beside is None else f"{dest.parent.name}-{dest.name}"
    parent.mkdir(parents=True, exist_ok=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    sweep(parent, tag, dest)
    path = Path(tempfile.mkdtemp(prefix=f".{tag}.tmp-{os.getpid()}-", dir=parent))
    # mkdtemp makes the folder owner-only: right for personal data, too strict for a published site.
    path.chmod(0o700 if private else 0o777 & ~_umask())
    return path, tag


def swap(tmp: Path, dest: Path, old: Path | None = None) -> None:
    """Put the finished folder tmp in place of dest with renames, so dest is never half-written."""
    old = old or dest.with_name(f".{dest.name}.old-{os.getpid()}")
    if dest.exists():
        _remove(old)
        dest.rename(old)
    tmp.rename(dest)
    _remove(old)


def make_private(folder: Path) -> None:
    """Owner-only modes for a folder of personal data and everything in it, whatever the umask."""
    folder = Path(folder)
    folder.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o700)
        for f in files:
            os.chmod(os.path.join(root, f), 0o600)


@contextlib.contextmanager
def replacing_dir(dest: Path, *, beside: Path | None = None, private: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; when the block succeeds it replaces dest whole, else it is removed.

    `beside` holds the temporary folder instead of dest's parent (a site's year folder is built outside
    the site); `private` makes everything in it owner-only (0700 folders, 0600 files)."""
    dest = Path(dest)
    tmp, tag = _mkdtemp(dest, beside, private)
    try:
        yield tmp
        if private:
            make_private(tmp)
        swap(tmp, dest, tmp.with_name(f".{tag}.old-{os.getpid()}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_atomic(path: Path, data: bytes, *, private: bool = False, beside: Path | None = None) -> None:
    """Write a file so that readers see either the old or the whole new content (safe across processes).

    `private` gives the file mode 0600 (personal data); otherwise the mode open() would give. `beside` holds
    the temporary file instead of path's folder (on the same file system: a site's root files are written
    from outside the site, so nothing temporary is ever inside it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    parent = Path(beside) if beside is not None else path.parent
    tag = path.name if beside is None else f"{path.parent.name}-{path.name}"
    parent.mkdir(parents=True, exist_ok=True)
    sweep(parent, tag)
    fd, tmp = tempfile.mkstemp(prefix=f".{tag}.tmp-{os.getpid()}-", dir=parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # mkstemp makes the file owner-only; published files (site/index.html) must be readable by a
        # web server running as another user, like every file open() creates.
        os.chmod(tmp, 0o600 if private else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
