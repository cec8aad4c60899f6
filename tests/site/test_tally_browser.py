"""The 计票与评定 page in Chromium: keyboard entry of 30 members, double entry, checks, storage, files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from handbook.jobs.pack import starter_tally
from handbook.model.roster import Member

pytestmark = pytest.mark.browser

GRADES = ["优秀", "合格", "基本合格", "不合格"]
NAMES = [f"党员{i:02d}" for i in range(1, 31)]
PROBATIONARY = {"党员29", "党员30"}
GRADED = [n for n in NAMES if n not in PROBATIONARY]


@pytest.fixture(scope="module")
def tally_site(tmp_path_factory, latest_year):
    """The newest edition without PDFs (the page needs none)."""
    from macros.site import build_edition

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_PDF", "0")
        return build_edition(latest_year, tmp_path_factory.mktemp("tally") / "site")


@pytest.fixture(scope="module")
def url(tally_site, serve):
    return serve(tally_site) + "/steps/counting.html"


def _names_text() -> str:
    return "\n".join(n + ("（预备）" if n in PROBATIONARY else "") for n in NAMES)


def _start(page, url):
    page.goto(url)
    page.fill("#zt-names", _names_text())
    page.click(".zt-use-names")
    page.wait_for_selector(".zt-table tbody tr[data-i='29']")


def _ballots(n: int) -> list[str]:
    """n ballots, one key per graded member; mostly 1 and 2, some 3/4 and blanks (0)."""
    rnd = random.Random(2025)
    keys = "1111222222334" + "0"
    return ["".join(rnd.choice(keys) for _ in GRADED) for _ in range(n)]


def _totals(ballots: list[str]) -> dict[str, list[int]]:
    out = {n: [0, 0, 0, 0] for n in GRADED}
    for b in ballots:
        for name, key in zip(GRADED, b, strict=True):
            if key != "0":
                out[name][int(key) - 1] += 1
    return out


def _table(page) -> dict[str, list[str]]:
    """Member name -> the four count inputs as shown."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.zt-table tbody tr[data-i]')].map(tr =>
            [tr.querySelector('.zt-name').textContent,
             [...tr.querySelectorAll('.zt-count')].map(i => i.value)]))"""
    )


def _as_strings(totals: dict[str, list[int]]) -> dict[str, list[str]]:
    shown = {n: [str(c) if c else "" for c in row] for n, row in totals.items()}
    return shown | {n: ["", "", "", ""] for n in PROBATIONARY}


def _messages(page, box: str = ".zt-checks") -> list[str]:
    return page.locator(f"{box} li").all_inner_texts()


def test_thirty_members_by_keyboard_with_double_entry(page, url, shots):
    page.on("dialog", lambda d: d.accept())
    _start(page, url)
    page.check(".zt-double")
    page.check("input[name=zt-mode][value=keys]")
    ballots = _ballots(29)
    expected = _totals(ballots)

    # First counter: every ballot by keyboard; the pad shows who is next and the keys.
    for name, value in (("issued", "30"), ("returned", "30"), ("valid", "29")):
        page.fill(f"[data-ballot={name}]", value)
    page.focus(".zt-pad")
    assert "党员01" in page.inner_text(".zt-now")
    page.keyboard.type("".join(ballots))
    assert _table(page) == _as_strings(expected)
    assert "第30张测评表" in page.inner_text(".zt-now")
    # Backspace undoes one mark; a new mark and its undo leave the totals as they were.
    page.keyboard.press("3")
    assert _table(page)["党员01"][2] == str(expected["党员01"][2] + 1)
    page.keyboard.press("Backspace")
    assert _table(page) == _as_strings(expected)
    # A 预备党员 is skipped on the pad and takes no marks.
    assert all(v == "" for n in PROBATIONARY for v in _table(page)[n])

    # Second counter: starts empty and sees only their own numbers; one typo on the last ballot.
    page.check("input[name=zt-counter][value='2']")
    assert all(v == "" for row in _table(page).values() for v in row)
    for name, value in (("issued", "30"), ("returned", "30"), ("valid", "29")):
        page.fill(f"[data-ballot={name}]", value)
    page.focus(".zt-pad")
    # The typo: a 2 (合格) pressed for a member whose last ballot says 1 (优秀).
    j = ballots[-1].index("1")
    typo = ballots[-1][:j] + "2" + ballots[-1][j + 1 :]
    # Time: the first 28 ballots as key events sent inside the page (the same handler, without
    # Playwright's round trip per key); the last one, with the typo, typed on the keyboard.
    page.evaluate(
        """keys => { const pad = document.querySelector('.zt-pad');
        for (const key of keys) pad.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true})); }""",
        "".join(ballots[:-1]),
    )
    page.keyboard.type(typo)
    who = f"第{j + 1}行“{GRADED[j]}”"
    first, second = expected[GRADED[j]][0], expected[GRADED[j]][1]
    assert _messages(page, ".zt-diffs") == [
        f"{who}的“优秀”：第一计票人{first}，第二计票人{first - 1 or '未填'}",
        f"{who}的“合格”：第一计票人{second or '未填'}，第二计票人{second + 1}",
    ]
    assert page.locator(".zt-table .zt-diff").count() == 2
    page.screenshot(path=str(shots / "tally-double-entry.png"), full_page=True)

    # Undo the whole last ballot with U and enter it again correctly: the two entries agree.
    page.keyboard.press("u")
    assert "第29张测评表" in page.inner_text(".zt-now")
    page.keyboard.type(ballots[-1])
    assert page.locator(".zt-diffs li").count() == 0
    assert "两人录入一致" in page.inner_text(".zt-diffs")
    assert _table(page) == _as_strings(expected)
    # The export holds both counters' totals, nothing per ballot.
    with page.expect_download() as dl:
        page.click(".zt-export")
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert set(data) == {"kind", "version", "edition", "branch", "ballots", "members", "second"}
    assert data["second"]["ballots"] == data["ballots"] == {"issued": 30, "returned": 30, "valid": 29}
    assert [m["counts"] for m in data["second"]["members"]] == [m["counts"] for m in data["members"]]
    assert data["members"][j]["counts"] == dict(zip(GRADES, expected[GRADED[j]], strict=True))
    keys = {"name", "probationary", "counts", "proposal", "decided", "note"}
    assert all(set(m) == keys for m in data["members"])
    assert page.requests.outside() == []


def test_checks_name_member_and_field(page, url):
    page.on("dialog", lambda d: d.accept())
    _start(page, url)
    row = lambda n: f".zt-table tbody tr[data-i='{n - 1}']"  # noqa: E731
    page.fill("[data-ballot=issued]", "30")
    page.fill("[data-ballot=returned]", "31")
    page.fill("[data-ballot=valid]", "32")
    page.fill(f"{row(3)} .zt-count[data-g='0']", "-1")
    page.fill(f"{row(4)} .zt-count[data-g='1']", "1.5")
    page.fill(f"{row(5)} .zt-count[data-g='1']", "33")
    page.fill(f"{row(29)} .zt-count[data-g='0']", "2")
    page.select_option(f"{row(30)} .zt-proposal", "合格")
    msgs = _messages(page)
    want = [
        "错误：收回票数31超过发出票数30",
        "错误：有效票数32超过收回票数31",
        "错误：第3行“党员03”的“优秀”票数“-1”不是非负整数",
        "错误：第4行“党员04”的“合格”票数“1.5”不是非负整数",
        "错误：第5行“党员05”的票数合计33超过有效票数32",
        "错误：第29行“党员29”是预备党员，“优秀”栏有2票（预备党员不评定等次）",
        "错误：第30行“党员30”是预备党员，填了支委会建议等次“合格”（预备党员不评定等次）",
    ]
    for w in want:
        assert w in msgs, (w, msgs)
    assert page.get_attribute(f"{row(3)} .zt-count[data-g='0']", "aria-invalid") == "true"
    assert page.get_attribute("[data-ballot=returned]", "aria-invalid") == "true"

    # Grading hints: more than a third 优秀 (base stated), a proposal far from the votes, missing proposals.
    page.fill("[data-ballot=returned]", "30")
    page.fill("[data-ballot=valid]", "30")
    page.fill(f"{row(5)} .zt-count[data-g='1']", "3")
    page.fill(f"{row(6)} .zt-count[data-g='2']", "20")
    for n in range(1, 11):
        page.select_option(f"{row(n)} .zt-proposal", "优秀")
    msgs = _messages(page)
    assert (
        "提示：支委会建议等次为“优秀”的有10人，超过“一般不超过三分之一”："
        "计算基数为参加评定等次的党员（正式党员）28人，三分之一为9.3人"
    ) in msgs, msgs
    assert "提示：第6行“党员06”的支委会建议等次为“优秀”，但多数票（20/20）为“基本合格”或“不合格”" in msgs
    # One tip for the members still without a proposal, not one each (18 while they are being typed).
    missing = [m for m in msgs if "没有支委会建议等次" in m]
    assert len(missing) == 1 and missing[0].startswith("提示：还有18名正式党员没有支委会建议等次：第11行“党员11”")
    # The other base: 党员总数 (含预备党员) = 30, a third = 10: no longer above the guideline.
    page.check("input[name=zt-base][value=all]")
    assert not any("超过“一般不超过三分之一”" in m for m in _messages(page))
    assert "计算基数为党员总数（含预备党员）30人" in page.inner_text(".zt-summary")
    assert page.requests.outside() == []


def test_reload_export_import_and_wrong_kind(page, url, tmp_path, latest_year):
    answers: list[bool] = []
    page.on("dialog", lambda d: d.accept() if (answers.pop(0) if answers else True) else d.dismiss())
    _start(page, url)
    page.fill("#zt-branch", "第一党支部<script>x</script>")
    page.fill("[data-ballot=valid]", "28")
    row = lambda n: f".zt-table tbody tr[data-i='{n - 1}']"  # noqa: E731
    page.fill(f"{row(1)} .zt-count[data-g='0']", "20")
    page.fill(f"{row(1)} .zt-count[data-g='1']", "8")
    page.select_option(f"{row(1)} .zt-proposal", "优秀")
    page.select_option(f"{row(1)} .zt-decided", "优秀")
    page.fill(f"{row(2)} .zt-note", "长期外出，书面参加")
    page.reload()
    assert page.input_value("#zt-branch") == "第一党支部<script>x</script>"
    assert page.input_value(f"{row(1)} .zt-count[data-g='0']") == "20"
    assert page.input_value(f"{row(1)} .zt-decided") == "优秀"
    assert page.input_value(f"{row(2)} .zt-note") == "长期外出，书面参加"
    assert page.is_checked(f"{row(30)} .zt-prob")
    assert "已恢复" in page.inner_text(".zt-status")

    with page.expect_download() as dl:
        page.click(".zt-export")
    saved = tmp_path / "tally.json"
    dl.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert (data["kind"], data["version"], data["edition"]) == ("zzshh-tally", 1, latest_year)
    assert data["ballots"] == {"issued": None, "returned": None, "valid": 28}
    first = data["members"][0]
    assert first == {
        "name": "党员01",
        "probationary": False,
        "counts": {"优秀": 20, "合格": 8, "基本合格": 0, "不合格": 0},
        "proposal": "优秀",
        "decided": "优秀",
        "note": "",
    }
    assert list(first["counts"]) == GRADES
    assert data["members"][29]["probationary"] is True and len(data["members"]) == 30
    assert "second" not in data

    # Importing over existing values asks first; saying no keeps the page as it is.
    answers.append(False)
    page.set_input_files(".zt-import", str(saved))
    page.wait_for_function("document.querySelector('.zt-status').textContent.includes('已取消导入')")
    answers.append(True)
    page.click(".zt-clear")
    assert page.locator(".zt-table tbody tr[data-i]").count() == 0
    page.set_input_files(".zt-import", str(saved))
    page.wait_for_function("document.querySelector('.zt-status').textContent.includes('已导入')")
    assert f"{latest_year}年度的计票文件" in page.inner_text(".zt-status")
    assert page.input_value(f"{row(1)} .zt-count[data-g='0']") == "20"
    assert page.input_value("#zt-branch") == "第一党支部<script>x</script>"
    page.reload()
    assert page.input_value(f"{row(1)} .zt-decided") == "优秀"

    # A file of another kind is refused with a Chinese message; the page keeps its values.
    wrong = tmp_path / "ballot.json"
    wrong.write_text(json.dumps({"form": "member-ballot", "year": 2025, "values": {}}), encoding="utf-8")
    page.set_input_files(".zt-import", str(wrong))
    page.wait_for_function("document.querySelector('.zt-status').textContent.includes('导入失败')")
    assert "不是计票文件" in page.inner_text(".zt-status")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "something-else", "members": []}), encoding="utf-8")
    page.set_input_files(".zt-import", str(other))
    page.wait_for_function("document.querySelector('.zt-status').textContent.includes('something-else')")
    assert page.input_value(f"{row(1)} .zt-count[data-g='0']") == "20"
    assert page.requests.outside() == []


def test_starter_file_from_the_pack_imports(page, url, tmp_path, latest_year):
    members = [Member("林晓明", "正式党员", row=2), Member("周文涛", "预备党员", row=3)]
    starter = starter_tally(latest_year - 1, "第一党支部", members, GRADES)
    path = tmp_path / "计票名单.json"
    path.write_text(json.dumps(starter, ensure_ascii=False), encoding="utf-8")
    page.goto(url)
    page.set_input_files(".zt-import", str(path))
    page.wait_for_function("document.querySelector('.zt-status').textContent.includes('已导入')")
    status = page.inner_text(".zt-status")
    assert f"{latest_year - 1}年度的计票文件" in status and "请确认没有拿错年度" in status
    assert page.locator(".zt-table .zt-name").all_inner_texts() == ["林晓明", "周文涛"]
    assert page.is_checked(".zt-table tbody tr[data-i='1'] .zt-prob")
    assert page.input_value("#zt-names") == "林晓明\n周文涛（预备）"


def test_works_from_file_url_and_at_360px(page, tally_site, shots):
    page.on("dialog", lambda d: d.accept())
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto((tally_site / "steps" / "counting.html").as_uri())
    page.fill("#zt-names", _names_text())
    page.click(".zt-use-names")
    page.check("input[name=zt-mode][value=keys]")
    page.click(".zt-key[data-key='1']")  # the on-screen keys work for touch screens
    page.focus(".zt-pad")
    page.keyboard.type("2" * (len(GRADED) - 1))
    page.reload()
    assert _table(page)["党员01"] == ["1", "", "", ""]
    assert _table(page)["党员02"] == ["", "1", "", ""]
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    page.screenshot(path=str(shots / "tally-360.png"), full_page=True)
    page.goto((tally_site / "forms" / "sign-in-general.html").as_uri())
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], ("sign-in sheet", width)
    page.goto((tally_site / "steps" / "counting.html").as_uri())
    # Print: only the 计票结果 sheet, with the names and the counts.
    page.emulate_media(media="print")
    assert page.locator(".zt-sheet").is_visible()
    for sel in (".zt-toolbar", ".zt-table", ".md-header", "article h1"):
        assert not page.locator(sel).first.is_visible(), sel
    sheet = page.inner_text(".zt-sheet")
    assert "民主评议党员民主测评计票结果" in sheet and "党员30（预备党员）" in sheet and "监票人" in sheet
    assert all(u.startswith("file://") for u in page.requests.urls if not u.startswith(("data:", "blob:")))
