"""`handbook results`: tally loading (JSON, XLSX), the TALLY.md checks, roster matching, outputs, collect."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from handbook.cli import main
from handbook.errors import InputError, InputErrors
from handbook.jobs import results as job
from handbook.model.context import YearContext
from handbook.model.editions import select
from handbook.model.roster import read_roster
from handbook.model.tally import Ballots, TallyError, check, load_tally
from handbook.model.unit import load_unit
from handbook.render.output_files import result_files
from handbook.render.results import render_result, results_context

from . import tally_data as td
from .test_office import soffice


def _errors(exc_info) -> list[InputError]:
    exc = exc_info.value
    return exc.errors if isinstance(exc, InputErrors) else [exc]


def _run(tmp_path, data: dict, people: list[dict] | None = None, base: str = "正式党员"):
    people = people or td.members(30)
    roster = td.write_roster(tmp_path / "roster.csv", people)
    tally = load_tally(td.write_tally(tmp_path / "tally.json", data))
    return check(tally, roster, read_roster(roster).members, base)


@pytest.fixture
def people():
    return td.members(30)


@pytest.fixture
def data(people):
    return td.tally_data(people)


# --- loading -------------------------------------------------------------------------------------


def test_json_tally_matches_roster(tmp_path, people, data):
    res = _run(tmp_path, data, people)
    assert len(res.rows) == 30 and res.valid == 28 and res.hints == []
    assert [r.member.name for r in res.rows] == [p["name"] for p in people]
    excellent = sum(1 for r in res.rows if r.grade == "优秀")
    assert 0 < excellent <= res.cap == 9 and res.base == 28


def test_other_kind_refused(tmp_path, data):
    data["kind"] = "zzshh-form"
    with pytest.raises(TallyError) as e:
        load_tally(td.write_tally(tmp_path / "t.json", data))
    assert "kind" in str(e.value) and "计票文件" in str(e.value) and "t.json" in str(e.value)


def test_broken_json_names_line(tmp_path):
    (tmp_path / "t.json").write_text('{"kind": "zzshh-tally",\n "members": [', encoding="utf-8")
    with pytest.raises(TallyError, match=r"t\.json.*第2行"):
        load_tally(tmp_path / "t.json")


def _xlsx(path: Path, people: list[dict], data: dict, *, block: bool = True, trailer: bool = True) -> Path:
    """A hand-made tally workbook: merged title, optional header block, the table, optional trailer rows."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "某某党支部民主测评计票结果"
    ws.merge_cells("A1:H1")
    r = 2
    if block:
        b = data["ballots"]
        ws.append(["发出票数", b["issued"], None, "收回票数", b["returned"], None, "有效票数", b["valid"]])
        r = 3
    ws.append(["序号", "姓名", "优秀", "合格", "基本合格", "不合格", "支委会建议等次", "备注"])
    for i, m in enumerate(data["members"], start=1):
        c = m["counts"]
        ws.append([i, m["name"], c["优秀"], c["合格"], c["基本合格"], c["不合格"], m["proposal"], m["note"]])
    if trailer:
        ws.append(["合计", None, 100, 200, 3, 1])
        ws.append(["填表人：某某"])
        ws.append(["注：预备党员不评定等次"])
    assert r
    wb.save(path)
    return path


def test_xlsx_header_block_and_trailer(tmp_path, people, data):
    path = _xlsx(tmp_path / "计票.xlsx", people, data)
    tally = load_tally(path)
    assert tally.ballots == Ballots(30, 29, 28)
    assert [e.name for e in tally.entries] == [p["name"] for p in people]
    skipped = next(n for n in tally.notices if "跳过" in n)
    assert "“合计”" in skipped and "填表人" in skipped and "“注：" in skipped and "第34行" in skipped
    roster = td.write_roster(tmp_path / "roster.csv", people)
    res = check(tally, roster, read_roster(roster).members)
    assert res.valid == 28 and "表头" in " ".join(res.notices)


def test_xlsx_ballots_from_options(tmp_path, people, data):
    path = _xlsx(tmp_path / "计票.xlsx", people, data, block=False, trailer=False)
    tally = load_tally(path, Ballots(31, 30, 29))
    assert tally.ballots == Ballots(31, 30, 29) and tally.ballots_from == "命令行参数"
    assert any("命令行参数" in n for n in tally.notices)


def test_xlsx_valid_from_largest_row_total_is_said(tmp_path, people, data):
    path = _xlsx(tmp_path / "计票.xlsx", people, data, block=False, trailer=False)
    roster = td.write_roster(tmp_path / "roster.csv", people)
    res = check(load_tally(path), roster, read_roster(roster).members)
    top = max(sum(m["counts"].values()) for m in data["members"])
    assert res.valid == top
    assert any(f"有效票数未填写：按得票合计最多的党员计为{top}张" in h for h in res.hints)
    assert f"计为{top}张" in res.valid_note


def test_xlsx_missing_grade_column(tmp_path):
    wb = Workbook()
    wb.active.append(["姓名", "优秀", "合格", "基本合格"])
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(TallyError, match="缺少“不合格”列"):
        load_tally(tmp_path / "t.xlsx")


def test_xlsx_bad_cells_named_by_row_and_column(tmp_path, people, data):
    path = _xlsx(tmp_path / "t.xlsx", people, data, trailer=False)
    wb = load_workbook(path)
    wb.active["C5"] = "十"  # row 5 = second member, column C = 优秀
    wb.active["G6"] = "很好"
    wb.save(path)
    roster = td.write_roster(tmp_path / "roster.csv", people)
    with pytest.raises(InputErrors) as e:
        check(load_tally(path), roster, read_roster(roster).members)
    msgs = [str(x) for x in e.value.errors]
    name2, name3 = people[1]["name"], people[2]["name"]
    assert any(f"“{name2}”（第5行）的“优秀”票数“十”不是不小于0的整数" in m for m in msgs)
    assert any(
        f"“{name3}”（第6行）的支委会建议等次“很好”不是优秀、合格、基本合格、不合格之一" in m for m in msgs
    )


# --- the checks of TALLY.md ----------------------------------------------------------------------


def _first_formal(data):
    return next(m for m in data["members"] if not m["probationary"])


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: _first_formal(d)["counts"].update({"合格": -1}), "的“合格”票数“-1”不是不小于0的整数"),
        (lambda d: _first_formal(d)["counts"].update({"优秀": 2.5}), "的“优秀”票数“2.5”不是不小于0的整数"),
        (lambda d: _first_formal(d)["counts"].update({"优秀": "3"}), None),  # a numeric string is read
        (lambda d: _first_formal(d)["counts"].update({"合格": 40}), "的得票合计"),
        (lambda d: d["members"][-1].update({"proposal": "合格"}), "是预备党员，填了支委会建议等次“合格”"),
        (lambda d: d["members"][-1].update({"decided": "优秀"}), "是预备党员，填了评定等次“优秀”"),
        (
            lambda d: _first_formal(d).update({"decided": "良好"}),
            "的评定等次“良好”不是优秀、合格、基本合格、不合格之一",
        ),
        (lambda d: _first_formal(d)["counts"].pop("不合格"), "缺少“不合格”票数"),
    ],
)
def test_member_errors_name_member_and_field(tmp_path, people, data, change, words):
    change(data)
    if words is None:
        _run(tmp_path, data, people)
        return
    with pytest.raises((InputErrors, InputError)) as e:
        _run(tmp_path, data, people)
    errs = _errors(e)
    i = len(data["members"]) - 1 if "预备" in words else data["members"].index(_first_formal(data))
    who = data["members"][i]["name"]
    if "缺少" in words:
        assert any(words in str(x) and f"members[{i}]" in str(x) for x in errs), errs
    else:
        assert any(f"“{who}”（第{i + 1}行）{words}" in str(x) for x in errs), errs
    assert all("tally.json" in str(x) for x in errs)


def test_probationary_marks_are_a_hint_not_an_error(tmp_path, people, data):
    data["members"][-1]["counts"].update({"优秀": 2, "合格": 1})
    res = _run(tmp_path, data, people)
    who = data["members"][-1]["name"]
    hint = next(h for h in res.hints if who in h)
    assert f"提示：“{who}”（第30行）是预备党员，有3票（“优秀”2票，“合格”1票）：预备党员不评定等次" in hint


@pytest.mark.parametrize(
    "ballots, words",
    [
        ({"issued": 28, "returned": 29, "valid": 28}, "收回票数29超过发出票数28"),
        ({"issued": 30, "returned": 27, "valid": 28}, "有效票数28超过收回票数27"),
    ],
)
def test_ballot_errors(tmp_path, people, data, ballots, words):
    data["ballots"] = ballots
    with pytest.raises(InputErrors) as e:
        _run(tmp_path, data, people)
    assert any(words in str(x) for x in e.value.errors)


def test_too_many_excellent_is_a_hint_with_its_base(tmp_path, people, data):
    formal = [m for m in data["members"] if not m["probationary"]]
    for m in formal[:10]:
        m["decided"] = "优秀"
    for m in formal[10:]:
        m["decided"] = "合格"
    res = _run(tmp_path, data, people)  # 10 > 28 / 3: a hint, not an error
    hint = next(h for h in res.hints if "三分之一" in h)
    assert hint == (
        "提示：按评定等次，评为“优秀”的有10人，多于“一般不超过三分之一”的9人（“优秀”一般不超过三分之一："
        "按参加评定等次的党员（不含预备党员）28人计，三分之一约为9.3人，即一般不超过9人）："
        "这是一般要求，不是硬性上限，请党支部斟酌"
    )
    # With 党员总数 (30), the sources' words and the default, the figure is 10: no hint.
    assert not any("三分之一" in h for h in _run(tmp_path, data, people, "党员总数").hints)
    assert not any("三分之一" in h for h in _run(tmp_path, data, people, None).hints)


def test_proposal_far_from_votes_and_missing_proposal(tmp_path, people, data):
    formal = [m for m in data["members"] if not m["probationary"]]
    formal[0].update(
        counts={"优秀": 2, "合格": 6, "基本合格": 15, "不合格": 4}, proposal="优秀", decided=None
    )
    formal[1].update(
        counts={"优秀": 20, "合格": 8, "基本合格": 0, "不合格": 0}, proposal="基本合格", decided=None
    )
    formal[2].update(proposal=None, decided=None)
    res = _run(tmp_path, data, people)
    assert any(formal[0]["name"] in h and "但多数票（19/27）为“基本合格”或“不合格”" in h for h in res.hints)
    assert any(formal[1]["name"] in h and "但多数票（28/28）为“优秀”或“合格”" in h for h in res.hints)
    missing = [h for h in res.hints if "没有支委会建议等次" in h or "名正式党员没有" in h]
    assert missing == [f"提示：已有支委会建议等次，还有1名正式党员没有：“{formal[2]['name']}”（第3行）"]
    assert all(h.startswith("提示：") for h in res.hints)
    # No proposal anywhere: nobody is flagged for lacking one.
    for m in data["members"]:
        m.update(proposal=None, decided=None)
    assert _run(tmp_path, data, people).hints == []


def test_second_counter_differences_are_warned(tmp_path, people, data):
    second = json.loads(json.dumps({"ballots": data["ballots"], "members": data["members"]}))
    second["members"][3]["counts"]["合格"] += 1
    data["second"] = second
    res = _run(tmp_path, data, people)
    hint = next(h for h in res.hints if "两名计票人" in h)
    n = data["members"][3]["counts"]["合格"]
    assert f"“{people[3]['name']}”（第4行）的“合格”第一计票人{n}，第二计票人{n + 1}" in hint


# --- matching to the roster ----------------------------------------------------------------------


def test_name_missing_either_side_names_both_files(tmp_path, people, data):
    data["members"][4]["name"] = "不存在"
    with pytest.raises(InputErrors) as e:
        _run(tmp_path, data, people)
    msgs = [str(x) for x in e.value.errors]
    assert any("“不存在”在计票文件" in m and "roster.csv" in m and "members[4]" in m for m in msgs)
    assert any(
        f"“{people[4]['name']}”不在计票文件" in m and "roster.csv" in m and "tally.json" in m for m in msgs
    )


def test_category_disagreement_is_an_error(tmp_path, people, data):
    data["members"][0]["probationary"] = True
    data["members"][0].update(counts=dict.fromkeys(td.GRADES, 0), proposal=None, decided=None)
    with pytest.raises(InputErrors, match=r"名册 .*roster\.csv 第2行为正式党员"):
        _run(tmp_path, data, people)


def test_unit_profile_chooses_base(tmp_path):
    assert load_unit(td.write_unit(tmp_path / "u.yml", base="党员总数")).excellent_base == "党员总数"
    assert load_unit(td.write_unit(tmp_path / "u.yml")).excellent_base is None  # the sources' words
    with pytest.raises(InputErrors, match="优秀比例基数"):
        load_unit(td.write_unit(tmp_path / "u.yml", base="全体"))


# --- hostile text --------------------------------------------------------------------------------

HOSTILE = ["<b>粗</b>", "{{ 7*7 }}", "=1+1", "<script>alert(1)</script>"]


def test_hostile_names_printed_literally(tmp_path, people, data):
    for i, name in enumerate(HOSTILE):
        people[i]["name"] = data["members"][i]["name"] = name
    data["members"][0]["note"] = "{% raw %}<i>备注</i>"
    res = _run(tmp_path, data, people)
    common, edition, _ = select(2025)
    ctx = results_context(res, YearContext(edition, common, load_unit(td.write_unit(tmp_path / "u.yml"))))
    html = render_result("summary", ctx) + render_result("grades", ctx) + render_result("feedback", ctx)
    assert "&lt;b&gt;粗&lt;/b&gt;" in html and "{{ 7*7 }}" in html and "=1+1" in html
    assert "<script>alert" not in html and "<b>粗" not in html and "49" not in html
    assert "{% raw %}&lt;i&gt;备注" in html
    books = job.workbooks(res, job.Options(), edition, "支部")
    ws = load_workbook(io.BytesIO(books["2025年度评定结果表.xlsx"]))["评定结果"]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value in HOSTILE}
    assert cells == {n: "s" for n in HOSTILE}


def test_cli_errors_print_names_literally(tmp_path, people, data, capsys):
    people[0]["name"] = "<b>$(rm -rf ~)</b>"
    data["members"][0]["name"] = "<b>$(rm -rf ~)</b>"
    _first_formal(data)["counts"]["合格"] = -3
    data["ballots"]["valid"] = 30  # above the 29 returned: reported in the same run
    roster = td.write_roster(tmp_path / "roster.csv", people)
    tally = td.write_tally(tmp_path / "tally.json", data)
    code = main(["results", "--roster", str(roster), "--tally", str(tally), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "“<b>$(rm -rf ~)</b>”（第1行）的“合格”票数“-3”不是不小于0的整数" in err
    assert "有效票数30超过收回票数29" in err
    assert not (tmp_path / "out").exists()


# --- collect -------------------------------------------------------------------------------------


def _branch_books(folder: Path, i: int) -> dict:
    """One branch's two workbooks as write_results writes them (without the PDFs)."""
    name = f"测试第{i}党支部"
    roster, tally, _, data = td.branch(folder / f"src{i}", n=20 + i, seed=i, name=name)
    res = check(load_tally(tally), roster, read_roster(roster).members)
    _, edition, _ = select(2025)
    books = job.workbooks(res, job.Options(attended=18 + i), edition, name)
    out = folder / "inbox" / name
    out.mkdir(parents=True)
    for fname, blob in books.items():
        (out / fname).write_bytes(blob)
    decided = [m["decided"] for m in data["members"] if not m["probationary"]]
    return {"members": 20 + i, "excellent": decided.count("优秀"), "attended": 18 + i}


def test_collect_ten_branches_one_broken(tmp_path, capsys):
    facts = [_branch_books(tmp_path, i) for i in range(1, 11)]
    (tmp_path / "inbox" / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    Workbook().save(tmp_path / "inbox" / "别的表.xlsx")
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "inbox"), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert (
        "坏文件.xlsx" in said and "别的表.xlsx" in said and "读取 20 个文件（10 个党支部），跳过 2 个" in said
    )
    wb = load_workbook(out)
    stats = [r for r in wb["情况统计汇总"].iter_rows(min_row=3, values_only=True)]
    assert len(stats) == 11 and stats[-1][1] == "合计"
    assert [r[1] for r in stats[:-1]] == [f"测试第{i}党支部" for i in range(1, 11)]  # 第2 before 第10
    assert stats[0][-1] == str(Path("测试第1党支部") / "2025年度情况统计表.xlsx")
    head = next(wb["情况统计汇总"].iter_rows(min_row=2, max_row=2, values_only=True))
    col = {h: j for j, h in enumerate(head)}
    # 合计 is a formula over the branches' rows, whose figures add up to the branches' own.
    for name, key in (("党员总数", "members"), ("实参加人数", "attended"), ("评定等次：优秀", "excellent")):
        letter = get_column_letter(col[name] + 1)
        assert stats[-1][col[name]] == f"=SUM({letter}3:{letter}12)"
        assert sum(r[col[name]] for r in stats[:-1]) == sum(f[key] for f in facts)
    grades = [r for r in wb["评定结果汇总"].iter_rows(min_row=3, values_only=True)]
    ghead = next(wb["评定结果汇总"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert sum(r[ghead.index("优秀")] for r in grades[:-1]) == sum(f["excellent"] for f in facts)
    assert str(grades[-1][ghead.index("优秀")]).startswith("=SUM(")
    # Every sheet prints on A4, one page wide, its heading rows repeated.
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1, ws.title  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows, ws.title
    skipped = {r[0]: r[2] for r in wb["读取情况"].iter_rows(min_row=2, values_only=True) if r[1] == "已跳过"}
    assert any("坏文件.xlsx" in k and "无法作为 Excel 工作簿打开" in v for k, v in skipped.items())
    assert any("别的表.xlsx" in k and "说明" in v for k, v in skipped.items())


def test_collect_reads_three_page_exports(tmp_path, capsys):
    """The 计票 page's 上报 file (a tally naming its branch) is what the 党委's --collect reads."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    facts = []
    for i in (1, 2, 3):
        people = td.members(30 + i, seed=i)
        people[0]["mobile"] = True
        data = td.tally_data(people, seed=i + 1, branch=f"测试第{i}党支部")
        data["members"][0]["mobile"] = True
        data["members"][1]["group"] = "第一党小组"
        td.write_tally(inbox / f"测试第{i}党支部-2025年度计票上报.json", data)
        roster = td.write_roster(tmp_path / f"roster{i}.csv", people)
        # `handbook results` on the same tally and its roster: the figures --collect must sum.
        res = check(
            load_tally(inbox / f"测试第{i}党支部-2025年度计票上报.json"), roster, read_roster(roster).members
        )
        decided = res.graded_counts()
        facts.append({"members": len(res.rows), "excellent": decided["优秀"], "valid": res.valid})
    unnamed = td.tally_data(td.members(10), branch="")
    td.write_tally(inbox / "没有支部名称.json", unnamed)
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(inbox), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    # Three files, each a branch's 统计表 and 评定结果 in one.
    assert "读取 3 个文件（3 个党支部），跳过 1 个" in said and "没有党支部名称" in said
    wb = load_workbook(out)
    head = next(wb["情况统计汇总"].iter_rows(min_row=2, max_row=2, values_only=True))
    col = {h: j for j, h in enumerate(head)}
    stats = [r for r in wb["情况统计汇总"].iter_rows(min_row=3, values_only=True)]
    assert [r[1] for r in stats] == ["测试第1党支部", "测试第2党支部", "测试第3党支部", "合计"]
    # The 合计 row holds formulas: the branches' rows carry the figures.
    assert [r[col["党员总数"]] for r in stats[:-1]] == [f["members"] for f in facts] == [31, 32, 33]
    assert [r[col["评定等次：优秀"]] for r in stats[:-1]] == [f["excellent"] for f in facts]
    assert [r[col["流动党员"]] for r in stats[:-1]] == [1, 1, 1]
    grades = [r for r in wb["评定结果汇总"].iter_rows(min_row=3, values_only=True)]
    ghead = next(wb["评定结果汇总"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert [r[ghead.index("优秀")] for r in grades[:-1]] == [f["excellent"] for f in facts]


def test_collect_nothing_readable_fails(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.xlsx").write_bytes(b"junk")
    assert main(["results", "--collect", str(tmp_path / "in"), "--out", str(tmp_path / "o.xlsx")]) == 1
    assert "x.xlsx" in capsys.readouterr().out and not (tmp_path / "o.xlsx").exists()


def test_workbooks_are_deterministic(tmp_path, people, data):
    res = _run(tmp_path, data, people)
    _, edition, _ = select(2025)
    assert job.workbooks(res, job.Options(), edition, "支部") == job.workbooks(
        res, job.Options(), edition, "支部"
    )


# --- the whole command (PDFs) --------------------------------------------------------------------


def _layout(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _text(pdf: Path) -> str:
    return "".join(_layout(pdf).split())


def _cells(pdf: Path, name: str) -> list[str]:
    """The words of the table row that holds `name`."""
    return next(line.split() for line in _layout(pdf).splitlines() if name in line.split())


@pytest.mark.slow
def test_results_outputs(tmp_path, capsys):
    roster, tally, unit, data = td.branch(tmp_path / "in")
    rect = tmp_path / "rect.json"
    rect.write_text(
        json.dumps(
            {
                "form": "rectification-list",
                "year": 2025,
                "values": {
                    "r01_category": "组织生活",
                    "r01_measure": "每季度轮流牵头<定>主题",
                    "r01_owner": "书记",
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    pledge = tmp_path / "pledge.json"
    pledge.write_text(
        json.dumps(
            {
                "form": "rectification-pledge",
                "year": 2025,
                "values": {
                    "name": data["members"][0]["name"],
                    "measures": "每月读一本书",
                    "deadline": "6月底前",
                },
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    args = [
        "results",
        "--roster",
        str(roster),
        "--tally",
        str(tally),
        "--unit",
        str(unit),
        "--attended",
        "28",
        "--expected",
        "30",
        "--rectification",
        str(rect),
        "--pledges",
        str(pledge),
    ]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    said = capsys.readouterr().out
    # The unit did not choose a base: the sources' words, 党员总数 (30), named with the figure.
    assert "“优秀”一般不超过三分之一：按党员总数（含预备党员）30人计，三分之一为10人（基数：默认" in said
    names = set(result_files("2025年度", 30))
    assert {p.name for p in (tmp_path / "a").iterdir()} == names | {job.MARKER, ".handbook-outputs.json"}
    first = data["members"][0]
    c = first["counts"]
    counts = [c[g] for g in td.GRADES]
    shares = [f"{n * 100 / 28:.1f}%" for n in counts]
    pdf = tmp_path / "a" / "2025年度民主测评结果汇总表.pdf"
    row = _cells(pdf, first["name"])
    assert row[2:4] == ["第一党小组", "正式党员"]
    assert row[4:12] == [x for pair in zip(map(str, counts), shares, strict=True) for x in pair]
    assert row[12:14] == [str(sum(counts)), str(28 - sum(counts))]
    summary = _text(pdf)
    assert "有效票数：28张" in summary and "报镇党委备案（S003）" in summary
    pdf = tmp_path / "a" / "2025年度评定结果表.pdf"
    assert _cells(pdf, first["name"])[3:9] == [*map(str, counts), first["proposal"], first["decided"]]
    grades = _text(pdf)
    assert "按党员总数（含预备党员）30人计，三分之一为10人" in grades and "S002" in grades
    # 基本合格 heads its vote column on one line (it broke into 基本合 and 格 at 15 mm).
    assert "基本合格" in _layout(pdf).split()
    feedback = _text(tmp_path / "a" / "2025年度评定意见反馈单.pdf")
    assert feedback.count("评定意见反馈单") == 30 and f"姓名：{first['name']}" in feedback
    # 序号 heads its column on one line (it broke into 序 and 号 in a column 9 mm wide, padding included).
    assert "序号" in _layout(tmp_path / "a" / "2025年度民主测评结果汇总表.pdf").split()
    letters = _text(tmp_path / "a" / "2025年度流动党员评定意见反馈函.pdf")
    assert letters.count("特此函告") == 2 and data["members"][5]["name"] in letters
    public = _text(tmp_path / "a" / "2025年度整改清单和整改承诺公示.pdf")
    assert "每季度轮流牵头<定>主题" in public and "每月读一本书" in public and "rect.json" in public
    stats = _text(tmp_path / "a" / "2025年度情况统计表.pdf")
    decided = [m["decided"] for m in data["members"] if not m["probationary"]]
    assert f"优秀{decided.count('优秀')}人" in stats and "实参加人数28" in stats and "数字来源" in stats
    registers = tmp_path / "a" / "2025年度民主评议党员登记表（30人）.pdf"
    reg = _text(registers)
    assert reg.count("民主评议党员登记表") == 30 and f"优秀{c['优秀']}票" in reg
    report = _text(tmp_path / "a" / "2025年度情况报告（草稿）.pdf")
    assert (
        "共有党员30名" in report
        and "有效票28张" in report
        and f"评为“优秀”的{decided.count('优秀')}名" in report
    )
    assert "未参加2人" in report and "—1—" in report
    word = docx.Document(tmp_path / "a" / "2025年度情况报告（草稿）.docx")
    assert f"评为“优秀”的{decided.count('优秀')}名" in "".join(p.text for p in word.paragraphs)
    # Same input, same bytes.
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name
    _compare_in_libreoffice(tmp_path, tmp_path / "a", data)


def _libreoffice_csv(tmp_path: Path, xlsx: Path) -> list[list[str]]:
    """The first sheet of a workbook as LibreOffice Calc reads it (as a user's spreadsheet would)."""
    assert shutil.which("soffice"), (
        "LibreOffice Calc is needed (scripts/ensure_system.sh test installs libreoffice-calc-nogui)"
    )
    csv_dir = tmp_path / "csv"
    soffice([xlsx], csv_dir, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "lo")
    return list(csv.reader((csv_dir / f"{xlsx.stem}.csv").open(encoding="utf-8")))


def _compare_in_libreoffice(tmp_path: Path, folder: Path, data: dict) -> None:
    """Both branch workbooks read back by LibreOffice give the tally's and the roster's figures."""
    rows = _libreoffice_csv(tmp_path, folder / "2025年度评定结果表.xlsx")
    head = rows.index(next(r for r in rows if r[:2] == ["序号", "姓名"]))
    for m, r in zip(data["members"], rows[head + 1 : head + 31], strict=True):
        assert r[1] == m["name"]
        if not m["probationary"]:
            assert [int(x) for x in r[4:8]] == [m["counts"][g] for g in td.GRADES]
            assert r[10] == (m["decided"] or "")
    stats = {r[0]: r[1] for r in _libreoffice_csv(tmp_path, folder / "2025年度情况统计表.xlsx") if r}
    assert (
        stats["党员总数"] == "30" and stats["预备党员（不评定等次）人数"] == "2" and stats["有效票数"] == "28"
    )


@pytest.mark.slow
def test_collected_workbook_opens_in_libreoffice(tmp_path):
    facts = [_branch_books(tmp_path, i) for i in range(1, 4)]
    out = tmp_path / "汇总.xlsx"
    assert main(["results", "--collect", str(tmp_path / "inbox"), "--out", str(out)]) == 0
    rows = _libreoffice_csv(tmp_path, out)
    head = next(r for r in rows if r[:2] == ["序号", "党支部"])
    total = next(r for r in rows if len(r) > 1 and r[1] == "合计")
    assert int(total[head.index("党员总数")]) == sum(f["members"] for f in facts)
    assert int(total[head.index("评定等次：优秀")]) == sum(f["excellent"] for f in facts)
    assert [r[1] for r in rows if r and r[0].isdigit()] == ["测试第1党支部", "测试第2党支部", "测试第3党支部"]


def test_output_folder_with_other_files_is_not_replaced(tmp_path):
    roster, tally, _, _ = td.branch(tmp_path / "in", n=6)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mine.txt").write_text("keep")
    with pytest.raises(InputError, match="不会替换"):
        job.write_results(tmp_path / "out", roster, tally, job.Options(), say=lambda _: None)
    assert (tmp_path / "out" / "mine.txt").read_text() == "keep"


def test_report_draft_with_and_without_figures(tmp_path, people, data):
    from handbook.render.drafts import render_draft
    from handbook.render.results import report_figures

    common, edition, _ = select(2025)
    blank = render_draft("report", YearContext(edition, common))
    assert "共有党员<span" in blank and "有效票<span" in blank  # every figure left blank
    res = _run(tmp_path, data, people, None)
    decided = [m["decided"] for m in data["members"] if not m["probationary"]]
    html = render_draft("report", YearContext(edition, common), figures=report_figures(res, 27, 30))
    assert "共有党员30名，其中正式党员28名、预备党员2名、流动党员2名" in html
    assert "收回29张，其中有效票28张" in html and f"评为“优秀”的{decided.count('优秀')}名" in html
    assert "应参加30人，实参加27人，未参加3人" in html
    sources = "、".join(common.excellent_cap.sources)
    assert f"按党员总数（含预备党员）30人计，三分之一为10人（{sources}）" in html


def test_unprintable_text_is_named_before_rendering(tmp_path, people, data):
    from handbook.pdf.fonts import covered_codepoints

    cover = covered_codepoints()
    rare = next(chr(c) for c in range(0x20000, 0x2A6DF) if c not in cover)
    data["members"][2]["note"] = f"备注{rare}"
    roster, tally = td.write_roster(tmp_path / "r.csv", people), td.write_tally(tmp_path / "t.json", data)
    pledge = tmp_path / "p.json"
    pledge.write_text(
        json.dumps({"form": "rectification-pledge", "values": {"measures": rare}}), encoding="utf-8"
    )
    opts = job.Options(pledges=[pledge])
    with pytest.raises(InputErrors) as e:
        job.write_results(tmp_path / "out", roster, tally, opts, say=lambda _: None)
    msgs = [str(x) for x in e.value.errors]
    assert any("p.json" in m and "values.measures" in m and rare in m for m in msgs), msgs
    with pytest.raises(InputErrors) as e:
        job.write_results(tmp_path / "out", roster, tally, job.Options(), say=lambda _: None)
    msg = str(e.value.errors[0])
    assert "t.json" in msg and "members[2]，备注" in msg and people[2]["name"] in msg and rare in msg
    assert not (tmp_path / "out").exists()


def test_namesakes_match_by_label_or_in_order(tmp_path, people, data):
    people[1]["name"] = data["members"][1]["name"] = people[0]["name"]
    name = people[0]["name"]
    data["members"][0]["name"] = f"{name}（{people[0]['group']}）"
    data["members"][1]["name"] = f"{name}（{people[1]['group']}）"
    res = _run(tmp_path, data, people)
    assert [r.entry.counts for r in res.rows[:2]] == [
        tuple(data["members"][i]["counts"][g] for g in td.GRADES) for i in (0, 1)
    ]
    data["members"][0]["name"] = data["members"][1]["name"] = name
    res = _run(tmp_path, data, people)
    assert sum("按顺序对应名册" in n for n in res.notices) == 2 and len(res.rows) == 30


def test_unknown_edition_in_tally_and_bad_sign_in_counts(tmp_path, people, data):
    data["edition"] = 2099
    roster, tally = td.write_roster(tmp_path / "r.csv", people), td.write_tally(tmp_path / "t.json", data)
    with pytest.raises(InputError, match=r"t\.json: edition: 没有2099年度的资料.*--edition"):
        job.write_results(tmp_path / "out", roster, tally, job.Options(), say=lambda _: None)
    with pytest.raises(InputError, match="实参加人数31大于应参加人数30"):
        job.write_results(tmp_path / "out", roster, tally, job.Options(attended=31, expected=30), say=print)


@pytest.mark.slow
def test_results_without_unit_take_the_branch_from_the_roster_folder(tmp_path, capsys, monkeypatch):
    """No --unit, a tally without a 党支部: the roster's folder names it, so --collect reads the workbooks."""
    people = td.members(8)
    data = td.tally_data(people, valid=6)
    data["branch"] = ""
    (tmp_path / "第九党支部").mkdir()
    (tmp_path / "名册").mkdir()
    roster = td.write_roster(tmp_path / "第九党支部" / "roster.csv", people)
    tally = td.write_tally(tmp_path / "tally.json", data)
    out = tmp_path / "inbox" / "out"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["results", "--roster", str(roster), "--tally", str(tally), "--out", str(out)]) == 0
    assert "党支部名称按名册所在文件夹：第九党支部" in capsys.readouterr().out
    assert main(["results", "--collect", str(tmp_path / "inbox"), "--out", str(tmp_path / "汇总.xlsx")]) == 0
    said = capsys.readouterr().out
    assert "（1 个党支部），跳过 0 个" in said or "跳过" not in said, said
    stats = list(load_workbook(tmp_path / "汇总.xlsx")["情况统计汇总"].iter_rows(min_row=3, values_only=True))
    assert stats[0][1] == "第九党支部"
    # Elsewhere and with no way to ask, the command says what --collect will do with its workbooks.
    other = td.write_roster(tmp_path / "名册" / "roster.csv", people)
    args = ["results", "--roster", str(other), "--tally", str(tally)]
    assert main([*args, "--out", str(tmp_path / "o2")]) == 0
    assert "上级汇总（--collect）会跳过这些工作簿" in capsys.readouterr().out
    # --branch names it outright.
    assert main([*args, "--out", str(tmp_path / "o3"), "--branch", "第十党支部"]) == 0
    assert "会跳过" not in capsys.readouterr().out


def test_collect_flags_blank_figures(tmp_path, capsys):
    """A branch that left figures blank is named on the terminal and its cells say 未填 in the workbook."""
    _branch_books(tmp_path, 1)
    name = "测试第2党支部"
    roster, tally, _, _ = td.branch(tmp_path / "src2", n=22, seed=2, name=name)
    res = check(load_tally(tally), roster, read_roster(roster).members)
    _, edition, _ = select(2025)
    out = tmp_path / "inbox" / name
    out.mkdir(parents=True)
    for fname, blob in job.workbooks(res, job.Options(), edition, name).items():  # no 应参加/实参加
        (out / fname).write_bytes(blob)
    assert main(["results", "--collect", str(tmp_path / "inbox"), "--out", str(tmp_path / "汇总.xlsx")]) == 0
    said = capsys.readouterr().out
    lines = {line.split("的统计表")[0]: line for line in said.splitlines() if "未填" in line}
    assert "应参加人数、实参加人数" in lines[f"注意：{name}"]  # given neither
    assert "实参加人数" not in lines["注意：测试第1党支部"]  # gave 实参加 only
    ws = load_workbook(tmp_path / "汇总.xlsx")["情况统计汇总"]
    head = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    row = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == name)
    assert row[head.index("实参加人数")] == "未填"
