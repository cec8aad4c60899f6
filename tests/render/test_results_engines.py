"""The result documents in both engines: Jinja (`handbook results`) and Nunjucks (the 计票 page) print the
same text from the same templates, and the page builds the same context from its tally."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook.model.context import YearContext
from handbook.model.editions import select
from handbook.model.forms import GRADE_VALUES
from handbook.model.roster import read_roster
from handbook.model.tally import check, load_tally
from handbook.model.unit import Unit
from handbook.render.env import jinja_env
from handbook.render.results import DOCS, Publicity, results_context, results_static, share, statistics_values
from handbook.render.tally import page_vocab
from tests.jobs import tally_data as td

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or "/usr/bin/node"
RUNNER = ROOT / "tests" / "js" / "render_results.js"
PRECOMPILED = ROOT / "docs" / "assets" / "tally-results-templates.js"
WHERE = {
    "roster": "本支部名单",
    "tally": "本页录入的票数",
    "base_from": "默认按来源的说法“党员总数”；可在单位信息“优秀比例基数”中改选",
}

pytestmark = pytest.mark.skipif(not Path(NODE).exists(), reason="node is not installed")


def _node(payload: dict) -> dict:
    out = subprocess.run(
        [NODE, str(RUNNER)], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _text(html: str) -> str:
    """Whitespace normalised: one space for a run, none between two tags (Jinja trims more lines)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _body(kind: str, ctx: dict) -> str:
    return jinja_env().get_template(f"results/{kind}.html.j2").render(ctx)


@pytest.fixture(scope="module")
def branch(tmp_path_factory):
    """A 12-member branch (two 预备党员, two 流动党员), checked as `handbook results` checks it."""
    folder = tmp_path_factory.mktemp("branch")
    roster, _, _, data = td.branch(folder, n=12)
    people = td.members(12)
    for m, p in zip(data["members"], people, strict=True):
        m |= {"group": p["group"], "mobile": p["mobile"]}
    data["members"][0]["note"] = "<b>调出</b> & 备注"
    data["members"][3]["decided"] = None
    common, edition, _ = select(2025)
    results = check(
        load_tally(td.write_tally(folder / "tally.json", data)), roster, read_roster(roster).members
    )
    return common, edition, results, data


def test_precompiled_templates_are_fresh():
    """The committed script is what scripts/precompile_results.js makes of today's templates."""
    made = subprocess.run(
        [NODE, str(ROOT / "scripts" / "precompile_results.js")], capture_output=True, text=True, check=True
    ).stdout
    assert made == PRECOMPILED.read_text("utf-8"), "请运行 node scripts/precompile_results.js --write"


def test_jinja_and_nunjucks_print_the_same_text(branch):
    common, edition, results, _ = branch
    pub = Publicity(
        items=[
            {"category": "学习", "symptom": "<i>少</i>", "measure": "补", "owner": "书记", "deadline": "3月"}
        ],
        sources=["整改清单.json"],
    )
    ctx = json.loads(
        json.dumps(results_context(results, YearContext(edition, common, Unit()), publicity=pub))
    )
    got = _node({"kinds": list(DOCS), "ctx": ctx})["html"]
    for kind in DOCS:
        jinja = _body(kind, ctx)
        assert "rs-" in jinja
        assert _text(got[kind]) == _text(jinja), kind
    assert "&lt;b&gt;调出&lt;/b&gt; &amp; 备注" in got["grades"]


def test_page_builds_the_context_handbook_results_builds(branch):
    """From the tally alone (with its list's 党小组 and 流动党员) the page builds `results_context`'s context,
    but for the two sources it names in its own words; so the documents and the 情况统计表 agree."""
    common, edition, results, data = branch
    ctx = json.loads(json.dumps(results_context(results, YearContext(edition, common, Unit()))))
    page = {
        "statics": results_static(YearContext(edition, common)),
        "data": data,
        "vocab": page_vocab(common),
        "base": "党员总数",
        "where": WHERE,
        "grade_values": list(GRADE_VALUES),
    }
    got = _node({"kinds": list(DOCS), "page": page})
    ctx["src"] |= {"roster": WHERE["roster"], "tally": WHERE["tally"]}
    assert got["ctx"] == ctx
    assert got["ctx"]["mobile"] and got["ctx"]["rows"][3]["entry"]["decided"] == ""
    for kind in DOCS:
        assert _text(got["html"][kind]) == _text(_body(kind, ctx)), kind
    assert got["statistics"] == statistics_values(results, data["branch"], None, None)


def test_shares_round_as_python_does():
    """Ties (1 of 16 = 6.25%) round to even as the Python format does."""
    cases = [(1, 16), (3, 16), (1, 80), (7, 28), (0, 0), (29, 29)]
    script = (
        "var r=require(process.argv[1]);"
        f"process.stdout.write(JSON.stringify({json.dumps(cases)}"
        ".map(function(c){return r.share(c[0],c[1]);})))"
    )
    out = subprocess.run(
        [NODE, "-e", script, str(ROOT / "docs" / "assets" / "tally-results.js")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == [share(c, v) for c, v in cases]
