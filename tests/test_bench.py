"""The benchmarks run (at tiny sizes) so they cannot rot: `make bench` runs the same scripts at full size."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.settings import current

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _bench(script: str, *args: str) -> str:
    # The suite's content caches (keys hold the code's digest): the script runs whole, without cold renders.
    args = (*args, "--cache", str(current().cache_dir))
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=1800, check=False)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res.stdout


def test_bench_pack_prints_the_single_unit_rate_beside_the_batch():
    out = _bench("bench_pack.py", "--units", "2", "--members", "6", "--naive-units", "1",
                 "--mem-sizes", "1,200", "--single-members", "9")
    assert re.search(r"fast:  2 units, \d+ pack pages", out), out
    assert re.search(r"single: 1 unit × 9 members, \d+ pages .* = \d+ pages/s beside the batch's \d+ pages/s",
                     out), out
    # --mem-sizes above --units are left out: a quick run stays quick.
    assert "at  200 units" not in out and "at    1 units" in out


def test_bench_pdf_builds_an_edition_cold_and_warm():
    out = _bench("bench_pdf.py", "--years", "1")
    assert re.search(r"one edition, cold \(empty cache\)\s+\d+\.\ds", out), out
    assert re.search(r"ratio cold / warm: \d+\.\d×", out), out
    assert "form-pack-" in out and "handbook-" in out
