"""One tally contract: the same fixtures through `handbook results`' checks and the page's (node) agree."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook.model.editions import load_common
from handbook.model.roster import read_roster
from handbook.model.tally import examine, load_tally
from handbook.render.tally import page_vocab

from . import tally_data as td

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "docs" / "assets" / "tally-core.js"
RUNNER = Path(__file__).parent / "tally_parity.js"
NODE = shutil.which("node") or "/usr/bin/node"


def _formal(d, k=0):
    return [m for m in d["members"] if not m["probationary"]][k]


def _set(d, i, **kw):
    d["members"][i].update(kw)


def _counts(d, i, **kw):
    d["members"][i]["counts"].update(kw)


def _second(d, change):
    d["second"] = copy.deepcopy({"ballots": d["ballots"], "members": d["members"]})
    change(d["second"])


# Each case changes the clean 30-member tally; together they fire every check of the table.
CASES = {
    "clean": lambda d: None,
    "bad-values": lambda d: (
        _counts(d, 0, 合格=-1),
        _counts(d, 1, 优秀="十"),
        _counts(d, 2, 优秀=2.5),
        _counts(d, 3, 优秀="３"),  # full-width digits read as a number
        d["ballots"].update(issued="三十"),
    ),
    "ballots-disagree": lambda d: d["ballots"].update(issued=27, returned=29, valid=30),
    "marks-over-valid": lambda d: _counts(d, 4, 合格=40),
    "too-large": lambda d: (
        _counts(d, 4, 合格=2_000_000),
        _counts(d, 5, 优秀="9" * 40),
        _set(d, 6, proposal="非常非常非常非常非常非常好的一位同志啊啊啊啊"),
        d["ballots"].update(issued=5_000_000),
    ),
    "probationary": lambda d: (_counts(d, 29, 优秀=2, 合格=1), _set(d, 28, proposal="合格", decided="优秀")),
    "unknown-grade": lambda d: (_set(d, 5, proposal="很好"), _set(d, 6, decided="—")),
    "far-and-missing": lambda d: (
        _set(d, 0, counts={"优秀": 2, "合格": 6, "基本合格": 15, "不合格": 4}, proposal="优秀", decided=None),
        _set(d, 1, counts={"优秀": 20, "合格": 8, "基本合格": 0, "不合格": 0}, proposal="基本合格"),
        _set(d, 2, proposal=None, decided=None),
        _set(d, 3, proposal=None, decided=None),
    ),
    "too-many-excellent": lambda d: [_set(d, i, decided="优秀" if i < 10 else "合格") for i in range(28)],
    "mixed-basis": lambda d: [_set(d, i, decided=None, proposal="优秀") for i in range(11)],
    "valid-missing": lambda d: d["ballots"].update(valid=None),
    "entered-differs": lambda d: d.update(entered=27),
    "fewer-marks": lambda d: d["ballots"].update(issued=40, returned=40, valid=40),
    "second-counter": lambda d: _second(
        d,
        lambda s: (
            s["ballots"].update(valid=27),
            s["members"][3]["counts"].update(合格=s["members"][3]["counts"]["合格"] + 1),
            s["members"][7]["counts"].update(不合格=0, 基本合格=9),
        ),
    ),
}


def _numbers(n) -> dict:
    out = dataclasses.asdict(n)
    out["figure"] = n.figure.model_dump()
    return out


def _python(tmp_path: Path, people, data, base):
    roster = td.write_roster(tmp_path / "roster.csv", people)
    tally = load_tally(td.write_tally(tmp_path / "tally.json", data))
    x = examine(tally, roster, read_roster(roster).members, base)
    # Besides the table's 错误, only what a roster alone can tell (members on the roster) may be an error.
    others = [e for e in x.errors if e.message not in {f.text for f in x.findings}]
    assert all("名册" in e.message for e in others), others
    return {"findings": [[f.id, f.level, f.text] for f in x.findings], "numbers": _numbers(x.numbers)}


def _page(cases: list[dict]) -> list[dict]:
    vocab = page_vocab(load_common())
    run = subprocess.run(
        [NODE, str(RUNNER), str(CORE)],
        input=json.dumps({"vocab": vocab, "cases": cases}, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def fixtures():
    people = td.members(30)
    people[3]["name"] = people[2]["name"]  # namesakes: the roster tells them apart by 党小组
    out = {}
    for name, change in CASES.items():
        data = td.tally_data(people)
        data["members"][3]["name"] = people[2]["name"]
        change(data)
        out[name] = data
    return people, out


@pytest.mark.parametrize("base", [None, "正式党员"])
def test_page_and_handbook_results_agree(tmp_path, fixtures, base):
    people, cases = fixtures
    page = _page([{"data": d, "base": base} for d in cases.values()])
    seen: set[str] = set()
    for (name, data), theirs in zip(cases.items(), page, strict=True):
        ours = _python(tmp_path, people, data, base)
        assert theirs["findings"] == ours["findings"], name
        assert theirs["numbers"] == ours["numbers"], name
        seen |= {f[0] for f in ours["findings"]}
    # The fixtures exercise every check of the table (a new check needs a case here).
    assert seen == {c.id for c in load_common().tally.checks}


def test_the_third_is_one_figure_in_both():
    vocab = page_vocab(load_common())
    common = load_common()
    page = _page(
        [
            {"data": {"members": [{"name": f"党员{i}", "counts": {}} for i in range(n)]}, "base": None}
            for n in (27, 28, 29)
        ]
    )
    for n, theirs in zip((27, 28, 29), page, strict=True):
        assert theirs["numbers"]["figure"] == common.cap_figure(None, n, n).model_dump()
    assert page[1]["numbers"]["figure"]["sentence"] == (
        "“优秀”一般不超过三分之一：按党员总数（含预备党员）28人计，三分之一约为9.3人，即一般不超过9人"
    )
    assert vocab["cap"]["default_base"] == "党员总数"


def test_tally_md_lists_every_check():
    """TALLY.md, which the code cites, exists and names every check of the table with its level."""
    text = (ROOT / "TALLY.md").read_text(encoding="utf-8")
    for c in load_common().tally.checks:
        assert f"| `{c.id}` | {c.level} |" in text, c.id


def test_tally_md_example_is_the_file_format(tmp_path):
    """TALLY.md's example file names the model's fields and is a file `handbook results` reads."""
    from handbook.model.tally import FileMember, TallyFile

    text = (ROOT / "TALLY.md").read_text(encoding="utf-8")
    section = text.split("## The file (JSON, version 1)", 1)[1]
    example = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    assert set(example) == set(TallyFile.model_fields)
    assert set(example["members"][0]) == set(FileMember.model_fields)
    path = tmp_path / "tally.json"
    path.write_text(json.dumps(example, ensure_ascii=False), encoding="utf-8")
    tally = load_tally(path)
    assert [e.name for e in tally.entries] == ["王伟"] and tally.ballots.valid == 29
