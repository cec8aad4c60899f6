"""The 本支部 page's reader (docs/assets/members.js, in node) and `handbook roster` read the same members."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from handbook.errors import InputError, InputErrors
from handbook.model import sheet
from handbook.model.roster import read_roster

from .test_roster import HEADER, ROWS, write_csv
from .test_roster_office import office_roster

RUNNER = Path(__file__).parents[1] / "js" / "read_roster.js"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

COMMITTEE = [
    "序号,姓名,性别,党员类别,党小组,支部职务,流动党员,留党察看,备注",
    "1,王　芳,女,正式党员,第一党小组,书记,否,否,",
    "2,李 强,男,正式党员,第一党小组,组织委员,否,否,",
    "3,张　三,男,预备党员,第二党小组,,否,否,",
    "4,张　三,男,正式党员,第二党小组,,是,否,在外务工",
    "5,赵磊,男,正式党员,第二党小组,,否,是,",
    "合计：5人",
]
BAD = {
    "date.csv": ["姓名,性别,出生年月,入党时间,党员类别", "张三,男,1980.13,2001.07,正式党员"],
    "category.csv": ["姓名,党员类别", "张三,积极分子", "李四,正式党员"],
    "middle.csv": ["姓名,党员类别", "张三,正式党员", "小计,1人", "李四,正式党员"],
    "columns.csv": ["姓名,性别", "张三,男"],
    "joined.csv": ["姓名,出生年月,入党时间,党员类别", "张三,1980.05,1979.06,正式党员"],
    "yesno.csv": ["姓名,党员类别,流动党员", "张三,正式党员,也许"],
}


def page_read(*paths: Path) -> list[dict]:
    """What the page's reader makes of each file."""
    out = subprocess.run(
        ["node", str(RUNNER), str(sheet.RULES_PATH), *map(str, paths)],
        capture_output=True, text=True, check=True, timeout=60,
    )
    return json.loads(out.stdout)


def as_dict(m) -> dict:
    """A Member as the page stores it."""
    day = lambda d: str(d) if d else None  # noqa: E731
    return {
        "name": m.name, "category": m.category, "gender": m.gender, "ethnicity": m.ethnicity,
        "education": m.education, "birth": day(m.birth), "joined": day(m.joined), "group": m.group,
        "position": m.position, "mobile": m.mobile, "leader": m.leader, "committee": m.committee,
        "committee_post": m.committee_post, "remarks": m.remarks, "row": m.row,
        "on_probation": m.on_probation,
    }


def kit_read(path: Path) -> dict:
    """What `handbook roster` makes of it, in the page's terms (notices without the file name)."""
    try:
        report = read_roster(path)
    except (InputError, InputErrors) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        return {"members": [], "notices": [], "errors": [(e.row, e.column, e.message) for e in errors]}
    notes = [re.sub(f"^{re.escape(str(path))}：", "", n) for n in report.warnings]
    return {"members": [as_dict(m) for m in report.members], "notices": notes, "errors": []}


def test_office_rosters_read_the_same(tmp_path):
    files = [
        office_roster(tmp_path / "名册.xlsx"),
        write_csv(tmp_path / "utf8.csv", [HEADER, *ROWS]),
        write_csv(tmp_path / "bom.csv", [HEADER, *ROWS], "utf-8-sig"),
        write_csv(tmp_path / "gbk.csv", [HEADER, *ROWS], "gbk"),
        write_csv(tmp_path / "committee.csv", COMMITTEE, "gb18030"),
    ]
    for path, page in zip(files, page_read(*files), strict=True):
        kit = kit_read(path)
        assert page["errors"] == [], path.name
        assert page["members"] == kit["members"], path.name
        assert page["notices"] == kit["notices"], path.name
    committee = page_read(files[-1])[0]["members"]
    assert [m["name"] for m in committee] == ["王芳", "李强", "张三", "张三", "赵磊"]
    assert [m["committee"] for m in committee] == [True, True, False, False, False]
    assert committee[3]["mobile"] and committee[4]["on_probation"] and committee[2]["category"] == "预备党员"


def test_bad_rosters_give_the_same_messages(tmp_path):
    files = [write_csv(tmp_path / name, lines) for name, lines in BAD.items()]
    for path, page in zip(files, page_read(*files), strict=True):
        kit = kit_read(path)
        assert kit["errors"], path.name
        assert [(e["row"], e["column"], e["message"]) for e in page["errors"]] == kit["errors"], path.name
