"""The published site holds no member: a fork with local/roster.csv builds a site and an offline zip in which
none of the roster's names appear (pages, PDFs as extracted text, Word and Excel files as their XML)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from handbook.paths import ROOT

pytestmark = pytest.mark.slow

# Names only the roster has (the unit profile's 书记/委员 are the profile's to publish).
NAMES = ("欧阳萱蔓", "司马楠翊", "诸葛岚汐")
ROSTER = (
    "姓名,性别,出生年月,入党时间,党员类别,党小组,职务,支部职务\n"
    "张三,男,1975.03,1998.07,正式党员,第一党小组,科长,书记\n"
    "李四,女,1982.11,2006.06,正式党员,第一党小组,科员,副书记\n"
    f"{NAMES[0]},女,1990.05,2015.06,正式党员,第二党小组,科员,\n"
    f"{NAMES[1]},男,1988.12,2012.05,正式党员,第二党小组,科员,\n"
    f"{NAMES[2]},女,1998.02,2025.06,预备党员,第二党小组,科员,\n"
)


def _texts(name: str, data: bytes) -> list[str]:
    """What a reader of the file can see: PDF text, the XML of Office files, any other file as text."""
    if name.endswith(".pdf"):
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
        return [out.decode("utf-8", "replace")]
    if name.endswith((".docx", ".xlsx", ".zip")):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [t for n in zf.namelist() for t in _texts(n, zf.read(n))]
    return [data.decode("utf-8", "replace")]


def _named(files: dict[str, bytes]) -> dict[str, list[str]]:
    """File → the roster names found in it."""
    found = {}
    for name, data in files.items():
        text = "".join("".join(t.split()) for t in _texts(name, data))
        hits = [n for n in NAMES if n in text]
        if hits:
            found[name] = hits
    return found


def test_fork_with_a_roster_publishes_no_member(scenario, tmp_path, monkeypatch):
    from macros.site import pack_offline

    local = tmp_path / "fork-local"
    local.mkdir()
    shutil.copy(ROOT / "local" / "example" / "unit.yml", local / "unit.yml")
    (local / "roster.csv").write_text(ROSTER, encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_LOCAL_DIR", str(local))
    monkeypatch.setenv("HANDBOOK_PDF", "1")
    # The pages that once read the roster: the drafts (plan, report) and the 计票 page.
    scenario.page("index.md", "# 首页\n\n{{ draft('plan') }}\n\n{{ draft('report') }}\n\n{{ tally_page() }}\n")
    site = scenario.build()
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert any(n.endswith(".pdf") for n in files) and any(n.endswith(".docx") for n in files)
    assert "张三" in "".join(_texts("index.html", files["index.html"]))  # the unit profile is used
    assert _named(files) == {}
    # The offline zip of the same site.
    root = tmp_path / "multi"
    shutil.copytree(site, root / "2025")
    zipped = pack_offline(root, tmp_path / "dist" / "handbook.zip")
    assert _named({"handbook.zip": zipped.read_bytes()}) == {}
