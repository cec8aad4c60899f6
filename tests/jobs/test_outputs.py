"""Outputs never touch inputs: pack, results (and --collect) and drafts refuse an --out that would lose data.

Each case is one a user met: results over its own input folder, pack --out P with P/roster.csv, --collect
writing into the folder it reads, an output folder under site/, a folder of someone else's files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from handbook import atomic, outputs
from handbook.cli import main
from handbook.errors import InputError
from handbook.jobs import results as job
from handbook.model.editions import select
from handbook.model.roster import read_roster
from handbook.model.tally import check, load_tally
from handbook.paths import ROOT

from . import tally_data as td


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes (to prove nothing changed)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _earlier_output(folder: Path, command: str, names: list[str]) -> None:
    """A folder as an earlier run of `command` left it: its files and their manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_text("earlier", encoding="utf-8")
    data = {"command": command, "files": names}
    (folder / outputs.MANIFEST).write_text(json.dumps(data), encoding="utf-8")


# --- the cases of the issue ------------------------------------------------------------------------------


def test_results_over_its_own_input_folder_is_refused(tmp_path, capsys):
    r = tmp_path / "R"
    _earlier_output(r, "handbook results", ["2025年度民主评议党员汇总表.pdf"])
    roster, tally, _, _ = td.branch(r)  # the inputs were put into the earlier output folder
    before = _tree(r)
    code = main(["results", "--roster", str(roster), "--tally", str(tally), "--out", str(r)])
    err = capsys.readouterr().err
    assert code == 2 and "输入" in err and "名册" in err and "--out" in err
    assert _tree(r) == before and roster.is_file() and tally.is_file()


def test_pack_out_holding_the_roster_is_refused(tmp_path, capsys):
    p = tmp_path / "P"
    roster, _, unit, _ = td.branch(p)
    (p / "我的笔记.txt").write_text("别删", encoding="utf-8")
    before = _tree(p)
    code = main(["pack", "--roster", str(roster), "--unit", str(unit), "--out", str(p)])
    err = capsys.readouterr().err
    assert code == 2 and "名册" in err and str(roster) in err
    assert _tree(p) == before


def test_pack_out_with_an_earlier_pack_and_a_users_file_is_refused(tmp_path, capsys):
    roster, _, _, _ = td.branch(tmp_path / "in")
    p = tmp_path / "P"
    _earlier_output(p, "handbook pack", ["全套表格.pdf"])
    (p / "notes.txt").write_text("mine", encoding="utf-8")
    before = _tree(p)
    assert main(["pack", "--roster", str(roster), "--out", str(p)]) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "不是 handbook pack 生成的文件" in err and _tree(p) == before


def test_pack_units_out_inside_the_units_folder_is_refused(tmp_path, capsys):
    units = tmp_path / "units"
    td.branch(units / "u1")
    assert main(["pack", "--units", str(units), "--out", str(units)]) == 2
    assert main(["pack", "--units", str(units), "--out", str(units / "u1" / "out")]) == 2
    assert "单位文件夹" in capsys.readouterr().err
    assert sorted(p.name for p in (units / "u1").iterdir()) == ["roster.csv", "tally.json", "unit.yml"]


def _branch_workbooks(folder: Path, name: str, year: int = 2025) -> Path:
    roster, tally, _, _ = td.branch(folder / "src", n=12, name=name)
    res = check(load_tally(tally), roster, read_roster(roster).members)
    _, edition, _ = select(year)
    out = folder / "in" / name
    out.mkdir(parents=True)
    for fname, blob in job.workbooks(res, job.Options(), edition, name).items():
        (out / fname).write_bytes(blob)
    return out


def test_collect_out_inside_the_collected_folder_is_refused(tmp_path, capsys):
    branch = _branch_workbooks(tmp_path, "第一党支部")
    target = branch / "2025年度评定结果表.xlsx"
    before = _tree(tmp_path / "in")
    code = main(["results", "--collect", str(tmp_path / "in"), "--out", str(target)])
    assert code == 2 and "要汇总的文件夹" in capsys.readouterr().err
    inside = tmp_path / "in" / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(inside)]) == 2
    assert _tree(tmp_path / "in") == before


def test_collect_never_overwrites_a_workbook_it_did_not_write(tmp_path, capsys):
    _branch_workbooks(tmp_path, "第一党支部")
    other = tmp_path / "预算.xlsx"
    Workbook().save(other)
    before = other.read_bytes()
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(other)]) == 2
    assert "不会覆盖" in capsys.readouterr().err and other.read_bytes() == before
    # Its own earlier workbook is replaced, owner-only.
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(out)]) == 0
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("where", ["project site", "built site"])
def test_outputs_under_a_site_are_refused(tmp_path, capsys, where):
    roster, tally, _, _ = td.branch(tmp_path / "in")
    if where == "project site":
        out = ROOT / "site" / "表格包"
    else:
        site = tmp_path / "published"
        (site / "search").mkdir(parents=True)
        (site / "search" / "search_index.json").write_text("{}", encoding="utf-8")
        out = site / "2025" / "结果"
    assert main(["pack", "--roster", str(roster), "--out", str(out)]) == 2
    assert main(["results", "--roster", str(roster), "--tally", str(tally), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("网站文件夹") == 2 and "公开发布" in err
    assert not out.exists()


def test_out_that_is_a_file_is_a_message(tmp_path, capsys):
    roster, tally, _, _ = td.branch(tmp_path / "in")
    f = tmp_path / "out.txt"
    f.write_text("x")
    assert main(["results", "--roster", str(roster), "--tally", str(tally), "--out", str(f)]) == 2
    err = capsys.readouterr().err
    assert "应为一个文件夹" in err and "Traceback" not in err and f.read_text() == "x"


def test_drafts_refuse_a_folder_of_other_files(tmp_path):
    from handbook.jobs.drafts import write_drafts

    out = tmp_path / "d"
    out.mkdir()
    (out / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="不是 handbook drafts 生成的文件"):
        write_drafts(out, formats=("docx",))
    roster = td.write_roster(out / "roster.csv", td.members(5))
    (out / "notes.txt").unlink()
    with pytest.raises(InputError, match="名册"):
        write_drafts(out, roster_file=roster, formats=("docx",))


# --- the shared mechanism ----------------------------------------------------------------------------------


def test_manifest_lets_the_same_command_replace_only_its_own_files(tmp_path):
    out = tmp_path / "o"
    with outputs.claim_folder(out, "handbook x").writing() as tmp:
        (tmp / "a.pdf").write_text("1")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "b.pdf").write_text("2")
    assert json.loads((out / outputs.MANIFEST).read_text())["files"] == ["a.pdf", "sub/b.pdf"]
    outputs.claim_folder(out, "handbook x")  # its own output: accepted
    with pytest.raises(InputError, match="不是 handbook y 生成的文件"):
        outputs.claim_folder(out, "handbook y")
    (out / "sub" / "mine.docx").write_text("user")
    with pytest.raises(InputError, match=r"sub/mine\.docx"):
        outputs.claim_folder(out, "handbook x")


def test_private_modes_whatever_the_umask(tmp_path):
    old = os.umask(0o002)
    try:
        with outputs.claim_folder(tmp_path / "o", "handbook x").writing() as tmp:
            (tmp / "sub").mkdir()
            (tmp / "sub" / "names.pdf").write_text("名单")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in [tmp_path / "o", *(tmp_path / "o").rglob("*")]}
    assert modes == {"o": 0o700, "sub": 0o700, "names.pdf": 0o600, outputs.MANIFEST: 0o600}


def test_leftovers_of_a_killed_run_are_removed_and_an_output_set_aside_comes_back(tmp_path):
    dead = 2**22 + 12345  # above Linux's pid_max default: no such process
    out = tmp_path / "o"
    (tmp_path / f".o.tmp-{dead}-abcd").mkdir()  # a run killed while writing
    (tmp_path / f".o.tmp-{dead}-abcd" / "half.pdf").write_text("half")
    aside = tmp_path / f".o.old-{dead}"  # a run killed between its two renames
    aside.mkdir()
    (aside / "previous.pdf").write_text("previous")
    (tmp_path / ".o.tmp-1-live").mkdir()  # pid 1 runs: another run's folder is left alone
    with atomic.replacing_dir(out) as tmp:
        assert (out / "previous.pdf").read_text() == "previous"  # restored before anything else
        (tmp / "new.pdf").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".o.tmp-1-live", "o"]
    assert [p.name for p in out.iterdir()] == ["new.pdf"]


def _slow_writer(out: Path) -> str:
    """A run that writes its output folder slowly, as a long pack or results run does."""
    return (
        "import sys, time\n"
        "from handbook.outputs import claim_folder\n"
        f"with claim_folder({str(out)!r}, 'handbook x').writing() as tmp:\n"
        "    for i in range(200):\n"
        "        (tmp / f'{i:03d}.pdf').write_bytes(b'new' * 1000)\n"
        "        print(i, flush=True)\n"
        "        time.sleep(0.01)\n"
    )


def test_kill_9_mid_run_leaves_the_previous_output_and_no_leftovers_after_rerun(tmp_path):
    out = tmp_path / "o"
    with outputs.claim_folder(out, "handbook x").writing() as tmp:
        (tmp / "old.pdf").write_text("previous")
    before = _tree(out)
    script = _slow_writer(out)
    for stop_after in (1, 50, 150):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(stop_after):
            proc.stdout.readline()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _tree(out) == before  # the previous output is intact
        assert any(p.name.startswith(".o.tmp-") for p in tmp_path.iterdir())  # the killed run's leftovers
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # the rerun removed every leftover
    assert len(list(out.glob("*.pdf"))) == 200


def test_disk_full_keeps_the_previous_output_and_says_what_to_do(tmp_path, monkeypatch, capsys):
    roster = td.write_roster(tmp_path / "roster.csv", td.members(6))
    out = tmp_path / "d"
    assert main(["drafts", "--out", str(out), "--roster", str(roster), "--format", "docx"]) == 0
    before = _tree(out)
    real = Path.write_bytes
    calls = {"n": 0}

    def full(self, data):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["drafts", "--out", str(out), "--roster", str(roster), "--format", "docx"]) == 2
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "清理" in err and "Traceback" not in err and "Errno" not in err
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "roster.csv"]


def test_read_only_folder_says_what_to_do(tmp_path, monkeypatch, capsys):
    roster = td.write_roster(tmp_path / "roster.csv", td.members(6))

    def read_only(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(atomic.tempfile, "mkdtemp", read_only)
    assert main(["drafts", "--out", str(tmp_path / "d"), "--roster", str(roster), "--format", "docx"]) == 2
    err = capsys.readouterr().err
    assert "只读" in err and "--out" in err and "Traceback" not in err


def test_unexpected_failure_is_one_chinese_line(tmp_path, monkeypatch, capsys):
    from handbook.jobs import drafts

    def boom(*a, **k):
        raise KeyError("x")

    monkeypatch.setattr(drafts, "draft_docx", boom)
    roster = td.write_roster(tmp_path / "roster.csv", td.members(6))
    assert main(["drafts", "--out", str(tmp_path / "d"), "--roster", str(roster), "--format", "docx"]) == 2
    err = capsys.readouterr().err
    assert "程序内部错误" in err and "之前的输出没有改动" in err and "Traceback" not in err
    assert not (tmp_path / "d").exists()


def test_a_folder_built_beside_its_parent_lands_in_a_new_parent(tmp_path):
    dest = tmp_path / "site" / "2025"  # site/ does not exist yet (a first `handbook build --edition`)
    with atomic.replacing_dir(dest, beside=tmp_path) as tmp:
        assert tmp.parent == tmp_path  # built outside site/, so a killed build leaves nothing in it
        (tmp / "index.html").write_text("ok")
    assert (dest / "index.html").read_text() == "ok"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.slow
def test_kill_9_of_handbook_results_keeps_the_previous_output(tmp_path):
    """The real command, killed while it renders: the earlier results stay whole; a rerun leaves no more."""
    roster, tally, unit, _ = td.branch(tmp_path / "in", n=8)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "handbook.cli", "results", "--roster", str(roster), "--tally", str(tally)]
    cmd += ["--unit", str(unit), "--out", str(out)]
    assert subprocess.run(cmd, capture_output=True, cwd=ROOT, timeout=600).returncode == 0
    before = _tree(out)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    deadline = time.monotonic() + 300
    # Kill once the new output is being written (its temporary folder holds a file).
    while not any(p.is_file() for d in tmp_path.glob(".out.tmp-*") for p in d.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _tree(out) == before
    assert list(tmp_path.glob(".out.tmp-*"))  # the killed run's leftovers, until the next run
    assert subprocess.run(cmd, capture_output=True, cwd=ROOT, timeout=600).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert out.stat().st_mode & 0o777 == 0o700


def _cached_text(path: Path) -> str:
    """What a content cache's file holds as text (a PDF's extracted text, any other file decoded)."""
    if path.suffix == ".pdf":
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=False).stdout
        return "".join(out.decode("utf-8", "replace").split())
    text = path.read_bytes().decode("utf-8", "replace")
    if path.suffix == ".json":  # names may be \u-escaped
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


@pytest.mark.slow
def test_content_caches_keep_no_member(tmp_path):
    """results, drafts with a roster and pack leave no member's name in .cache (pdf, pack, office): the
    cache outlives the output folder a user deletes."""
    import random

    from handbook.jobs import edition_office
    from handbook.pdf import engine, overlay

    # Names no earlier run used, so a document with them that were cached would be a new cache file.
    rnd = random.SystemRandom()
    pool = "萱蔓楠翊岚汐璟瑜珂琰骞钰婧芮"
    people = td.members(6)
    names = ["".join(rnd.sample(pool, 3)) for _ in people[:3]]
    for p, n in zip(people, names, strict=False):
        p["name"] = n
    folder = tmp_path / "in"
    folder.mkdir()
    roster = td.write_roster(folder / "roster.csv", people)
    tally = td.write_tally(folder / "tally.json", td.tally_data(people, valid=4))
    unit = td.write_unit(folder / "unit.yml")
    caches = [engine.CACHE_DIR, overlay.CACHE_DIR, edition_office.CACHE_DIR]
    start = time.time() - 1

    def touched() -> list[Path]:
        files = [p for d in caches if d.is_dir() for p in d.rglob("*") if p.is_file()]
        return [p for p in files if p.stat().st_mtime >= start]

    run = ["--roster", str(roster), "--unit", str(unit)]
    assert main(["results", *run, "--tally", str(tally), "--out", str(tmp_path / "r")]) == 0
    assert main(["drafts", *run, "--out", str(tmp_path / "d")]) == 0
    assert main(["pack", *run, "--out", str(tmp_path / "p"), "--format", "pdf"]) == 0
    assert names[0] in _cached_text(next((tmp_path / "r").rglob("*.pdf")))  # the names are in the outputs
    found = {p.name: [n for n in names if n in _cached_text(p)] for p in touched()}
    assert not {k: v for k, v in found.items() if v}
