"""Where a command may write personal data: never over its inputs, into a site, or over others' files.

`claim_folder` checks an output folder before any work (it holds no input, lies in no other command's input
folder and in no site folder, and holds only files an earlier run of the same command wrote, as its manifest
records); `OutputFolder.writing()` then builds the new contents beside it, owner-only, with a new manifest,
and swaps them in whole. `claim_file` does the same checks for a single output file.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .atomic import replacing_dir, write_atomic
from .errors import InputError
from .paths import ROOT

MANIFEST = ".handbook-outputs.json"
# A built site: mkdocs-material's search index, or a multi-edition root (mike's versions.json and latest/).
SITE_MARKS = ("search/search_index.json", "versions.json+latest")
SHOWN = 3  # foreign files named in the message


def _resolved(path: Path, what: str = "--out") -> Path:
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop
        raise InputError(path, f"{what} 无法解析（{exc.__class__.__name__}：可能是循环的符号链接）") from None


def site_roots() -> list[Path]:
    """The project's own publishing folders (site/ and dist/): outputs with personal data never go there."""
    return [ROOT / "site", ROOT / "dist"]


def site_of(path: Path) -> Path | None:
    """The site folder `path` lies in (or is): the project's site/ or dist/, or any built site."""
    path = _resolved(path)
    for root in site_roots():
        root = _resolved(root)
        if path == root or root in path.parents:
            return root
    for d in (path, *path.parents):
        if d.is_dir() and any(all((d / part).exists() for part in m.split("+")) for m in SITE_MARKS):
            return d
    return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_common(out: Path, inputs: dict[str, Path | None], inside: dict[str, Path | None]) -> None:
    """An output that holds an input, lies in an input folder or in a site is refused."""
    for what, p in inputs.items():
        if p is None:
            continue
        rp = _resolved(p, what)
        if _within(rp, out):
            raise InputError(
                out,
                f"输出位置包含本次的输入（{what} {p}）：生成时会整体替换输出，输入会丢失。"
                "请用 --out 指定另一个位置，不要与输入文件放在一起",
            )
    for what, folder in inside.items():
        if folder is None:
            continue
        rf = _resolved(folder, what)
        if _within(out, rf):
            raise InputError(
                out,
                f"输出位置在{what} {folder} 之内：下次读取时会把输出当作输入。"
                "请用 --out 指定该文件夹以外的位置",
            )
    site = site_of(out)
    if site is not None:
        raise InputError(
            out,
            f"输出位置在网站文件夹 {site} 之内：网站会公开发布，不能放有党员姓名等个人信息的文件。"
            "请用 --out 指定网站以外的文件夹",
        )


def _manifest(folder: Path) -> tuple[str | None, set[str]]:
    """The command and the files an earlier run recorded in `folder` (None when there is no manifest)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return str(data["command"]), {str(f) for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None, set()


def _files(folder: Path) -> Iterator[str]:
    """Every file (and link) under `folder` as a relative POSIX path; links to folders are not followed."""
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        links = [d for d in dirs if (base / d).is_symlink()]
        dirs[:] = [d for d in dirs if d not in links]
        for name in [*files, *links]:
            yield (base / name).relative_to(folder).as_posix()


def foreign_files(folder: Path, command: str, earlier: Callable[[str], bool] | None = None) -> list[str]:
    """Files in `folder` that no earlier run of `command` wrote (its manifest; else `earlier` names)."""
    owner, known = _manifest(folder)
    out = []
    for rel in _files(folder):
        if rel == MANIFEST:
            continue
        if owner == command and rel in known:
            continue
        if owner is None and earlier is not None and earlier(rel):
            continue
        out.append(rel)
    return sorted(out)


@dataclass(frozen=True)
class OutputFolder:
    """An output folder that passed `claim_folder`: write it with `writing()`."""

    path: Path
    command: str

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """A temporary folder that replaces the output whole, owner-only and with its manifest, on success."""
        with replacing_dir(self.path, private=True) as tmp:
            yield tmp
            files = sorted(rel for rel in _files(tmp) if rel != MANIFEST)
            data = {"command": self.command, "files": files}
            text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
            (tmp / MANIFEST).write_text(text, encoding="utf-8")


def claim_folder(
    out: Path,
    command: str,
    *,
    inputs: dict[str, Path | None] | None = None,
    inside: dict[str, Path | None] | None = None,
    earlier: Callable[[str], bool] | None = None,
) -> OutputFolder:
    """Check an output folder before any work; refuse (InputError, nothing changed) what could lose data.

    `inputs` (what → path) must not lie in it; it must not lie in any of the `inside` folders nor in a site;
    an existing folder may hold only what `command` wrote before (its manifest, else names `earlier` accepts).
    """
    out = _resolved(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out 应为一个文件夹，但这里是一个文件；请指定一个新的或空的文件夹")
    _check_common(out, inputs or {}, inside or {})
    if out.is_dir():
        foreign = foreign_files(out, command, earlier)
        if foreign:
            shown = "、".join(foreign[:SHOWN]) + (f" 等 {len(foreign)} 个" if len(foreign) > SHOWN else "")
            raise InputError(
                out,
                f"输出文件夹中有不是 {command} 生成的文件（{shown}），不会替换该文件夹"
                "（替换会删除这些文件）。请用 --out 指定新的或空的文件夹，或先把这些文件移走",
            )
    return OutputFolder(out, command)


def claim_file(
    out: Path,
    *,
    inputs: dict[str, Path | None] | None = None,
    inside: dict[str, Path | None] | None = None,
    ours: Callable[[Path], bool] = lambda _: False,
) -> Path:
    """Check a single output file before any work: as claim_folder, and an existing file must be `ours`."""
    out = _resolved(out)
    if out.is_dir():
        raise InputError(out, "--out 应为一个文件，但这里是一个文件夹；请写出文件名（如 汇总.xlsx）")
    _check_common(out, inputs or {}, inside or {})
    if out.exists() and not ours(out):
        raise InputError(
            out, "这个文件已存在，且不是本命令以前生成的，不会覆盖；请用 --out 指定新的文件名，或先把它移走"
        )
    return out


def claim_parent(
    out: Path, *, inputs: dict[str, Path | None] | None = None, inside: dict[str, Path | None] | None = None
) -> Path:
    """A folder that will hold one output folder per unit: checked as claim_folder (no input in it, not in
    an input folder or a site) but shared, so other files in it are left alone; created owner-only."""
    out = _resolved(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out 应为一个文件夹，但这里是一个文件；请指定一个文件夹")
    _check_common(out, inputs or {}, inside or {})
    return private_dir(out)


def write_private(path: Path, data: bytes) -> None:
    """Write an output file with personal data: whole or not at all, mode 0600."""
    write_atomic(path, data, private=True)


def private_dir(path: Path) -> Path:
    """Create a folder that will hold outputs with personal data (0700 when this creates it)."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)
    return path


def all_inputs(pairs: Iterable[tuple[str, Path | None]]) -> dict[str, Path | None]:
    """Inputs keyed by a unique label (several files of one kind, e.g. pledges)."""
    out: dict[str, Path | None] = {}
    for what, p in pairs:
        key, n = what, 1
        while key in out:
            n += 1
            key = f"{what}（{n}）"
        out[key] = p
    return out
