"""Kill trials (not a test): `handbook pack` and `handbook results` killed with SIGKILL at spread moments.

    .venv/bin/python scripts/kill_trials.py             # 21 kills of each command
    .venv/bin/python scripts/kill_trials.py --kills 3   # a quick look

After each kill the previous output must be whole (the same bytes as before), and the rerun that follows
must leave no temporary names beside or inside the output (.tmp-/.old- names, .res.*, .单位NN.*, .pack*.*)
and nothing in the cache that names a member. The moments are spread over one timed run of each command.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.jobs.tally_data import branch  # noqa: E402

LEFTOVER = re.compile(r"^\.(.*\.(tmp|old)-\d+.*|res\..*|单位\d+\..*|pack.*\..*)$")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of `folder` with its digest."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path, cache: Path, names: list[str]) -> list[str]:
    """Temporary names beside or inside `out`, and cache files that hold a member's name."""
    found = [str(p) for p in [*out.parent.iterdir(), *out.rglob("*")] if LEFTOVER.match(p.name)]
    for p in cache.rglob("*") if cache.is_dir() else []:
        if p.is_file():
            data = p.read_bytes()
            if any(n.encode() in data for n in names):
                found.append(f"{p}（缓存中有党员姓名）")
    return found


def trial(name: str, cmd: list[str], out: Path, cache: Path, names: list[str], kills: int) -> list[str]:
    """Kill `cmd` at `kills` spread moments; the problems found (empty: every trial held)."""
    env = os.environ | {"HANDBOOK_CACHE_DIR": str(cache)}
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    took = time.perf_counter() - t0
    before = snapshot(out)
    problems = []
    for k in range(kills):
        seen = len(problems)
        at = took * (k + 0.5) / kills
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(at)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # What a user sees right after the kill: the previous output whole, or (killed between the two
        # renames of the swap) set aside, which the next run puts back before anything else.
        now = snapshot(out) if out.is_dir() else {}
        if now and now != before:
            problems.append(f"{name} kill {k + 1} at {at:.2f}s: previous output changed")
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        if snapshot(out) != before:
            problems.append(f"{name} kill {k + 1} at {at:.2f}s: rerun output differs")
        problems += [f"{name} kill {k + 1} at {at:.2f}s: leftover {p}" for p in leftovers(out, cache, names)]
        print(f"{name}: kill {k + 1}/{kills} at {at:.2f} s of {took:.1f} s: "
              f"{'; '.join(problems[seen:]) or 'ok'}", flush=True)
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=21)
    ap.add_argument("--members", type=int, default=30)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="kill_trials."))
    roster, tally, unit, data = branch(base / "in", n=args.members)
    names = [m["name"] for m in data["members"]]
    handbook = [sys.executable, "-c", "import sys; from handbook.cli import main; sys.exit(main())"]
    problems = trial(
        "pack",
        [*handbook, "pack", "--roster", str(roster), "--unit", str(unit), "--out", str(base / "pack")],
        base / "pack", base / "cache-pack", names, args.kills,
    )
    problems += trial(
        "results",
        [*handbook, "results", "--roster", str(roster), "--tally", str(tally), "--unit", str(unit),
         "--out", str(base / "results")],
        base / "results", base / "cache-results", names, args.kills,
    )
    print()
    print(f"{2 * args.kills} kills: {len(problems)} problems")
    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
