"""The 计票与评定 page in Chromium: keyboard entry of 30 members, double entry, checks, storage, files."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from pypdf import PdfReader

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
    # Ballots entered one by one that differ from the 有效票数 are warned (the page's words: TALLY.md).
    assert not any("逐张录入了" in m for m in _messages(page))
    page.fill("[data-ballot=valid]", "30")
    assert "提示：逐张录入了29张测评表，有效票数为30张：请核对是否漏录或多录" in _messages(page)
    page.fill("[data-ballot=valid]", "29")
    page.focus(".zt-pad")
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
    who = f"“{GRADED[j]}”（第{j + 1}行）"
    first, second = expected[GRADED[j]][0], expected[GRADED[j]][1]
    assert _messages(page, ".zt-diffs") == [
        f"{who}的“优秀”第一计票人{first}，第二计票人{first - 1}",
        f"{who}的“合格”第一计票人{second}，第二计票人{second + 1}",
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
    assert set(data) == {"kind", "version", "edition", "branch", "ballots", "members", "second", "entered"}
    assert data["entered"] == data["second"]["entered"] == 29  # ballots entered one by one, not their marks
    assert data["second"]["ballots"] == data["ballots"] == {"issued": 30, "returned": 30, "valid": 29}
    assert [m["counts"] for m in data["second"]["members"]] == [m["counts"] for m in data["members"]]
    assert data["members"][j]["counts"] == dict(zip(GRADES, expected[GRADED[j]], strict=True))
    keys = {"name", "probationary", "counts", "proposal", "decided", "note"}
    assert all(set(m) == keys for m in data["members"])
    assert page.requests.outside() == []


def _count(pg, ballots: list[str], typed: int = 0) -> float:
    """Enter ballots on the pad: the last `typed` on the keyboard, the others as key events; seconds taken."""
    import time

    for name, value in (("issued", "30"), ("returned", "30"), ("valid", "29")):
        pg.fill(f"[data-ballot={name}]", value)
    pg.focus(".zt-pad")
    start = time.perf_counter()
    head = ballots[: len(ballots) - typed]
    pg.evaluate(
        """keys => { const pad = document.querySelector('.zt-pad');
        for (const key of keys) pad.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true})); }""",
        "".join(head),
    )
    for b in ballots[len(head) :]:
        pg.keyboard.type(b)
    return time.perf_counter() - start


@pytest.mark.parametrize("where", ["server-1280", "file-360"])
def test_two_counters_on_two_devices_merge_by_file(
    browser, tally_site, serve, tmp_path, shots, where, latest_year
):
    """Two counters on two devices (browser contexts): the second's export is imported as the second entry."""
    from handbook.model.roster import read_roster
    from handbook.model.tally import examine, load_tally

    width = 360 if where.endswith("360") else 1280
    url = (
        (tally_site / "steps" / "counting.html").as_uri()
        if where.startswith("file")
        else serve(tally_site) + "/steps/counting.html"
    )
    ballots = _ballots(29)
    expected = _totals(ballots)
    devices = []
    for _ in range(2):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        pg = ctx.new_page()
        pg.on("dialog", lambda d: d.accept())
        _start(pg, url)
        pg.check("input[name=zt-mode][value=keys]")
        devices.append((ctx, pg))
    (ctx_a, a), (ctx_b, b) = devices

    # Counter A: the 29 ballots, the last five typed key by key. A tap on the key box enters nothing.
    seconds = _count(a, ballots, typed=5)
    before = _table(a)
    a.click(".zt-now")
    a.click(".zt-pad", position={"x": 3, "y": 3})
    a.click(".zt-pad .zt-hint")
    assert _table(a) == before == _as_strings(expected)
    assert "已录完29张，有效票数29张" in a.inner_text(".zt-now")
    # Counter B on the other device, with one typo on the last ballot: 2 (合格) for a 1 (优秀).
    j = ballots[-1].index("1")
    typo = ballots[-1][:j] + "2" + ballots[-1][j + 1 :]
    _count(b, [*ballots[:-1], typo])
    with b.expect_download() as dl:
        b.click(".zt-export")
    second = tmp_path / "tally-b.json"
    dl.value.save_as(second)

    # A imports B's file as the second entry: A's own entry stays, the typo is listed for checking.
    a.set_input_files(".zt-import-second", str(second))
    a.wait_for_function("document.querySelector('.zt-status').textContent.includes('第二计票人的录入')")
    assert a.is_checked(".zt-double") and a.is_checked("input[name=zt-counter][value='1']")
    assert _table(a) == _as_strings(expected)
    who = f"“{GRADED[j]}”（第{j + 1}行）"
    first, right = expected[GRADED[j]][0], expected[GRADED[j]][1]
    assert _messages(a, ".zt-diffs") == [
        f"{who}的“优秀”第一计票人{first}，第二计票人{first - 1}",
        f"{who}的“合格”第一计票人{right}，第二计票人{right + 1}",
    ]
    a.screenshot(path=str(shots / f"tally-merge-{where}.png"), full_page=True)
    # The printed sheet lists the open difference and has lines for two 计票人 and a 监票人.
    a.emulate_media(media="print")
    # The sheet is rebuilt on the media change (or a short timer): wait for it, not for a fixed time.
    a.wait_for_function("document.querySelector('.zt-sheet').textContent.includes('尚有2处不一致')")
    sheet = a.inner_text(".zt-sheet")
    assert "两名计票人的录入尚有2处不一致" in sheet and f"{who}的“合格”" in sheet
    assert sheet.count("计票人（签名）") == 2 and "监票人（签名）" in sheet
    a.screenshot(path=str(shots / f"tally-sheet-{where}.png"), full_page=True)
    a.emulate_media(media="screen")

    # The ballot is checked on paper: B's typo. Counter 2 corrects it on A's page; the entries agree.
    a.check("input[name=zt-counter][value='2']")
    row = f".zt-table tbody tr[data-i='{j}']"
    a.fill(f"{row} .zt-count[data-g='0']", str(first))
    a.fill(f"{row} .zt-count[data-g='1']", str(right))
    assert "两人录入一致" in a.inner_text(".zt-diffs")
    a.check("input[name=zt-counter][value='1']")
    for n in range(11):
        a.select_option(f".zt-table tbody tr[data-i='{n}'] .zt-proposal", "优秀")
    with a.expect_download() as dl:
        a.click(".zt-export")
    merged = tmp_path / "tally.json"
    dl.value.save_as(merged)
    shown = [m.split("：", 1) for m in _messages(a)]

    # `handbook results`' checks on the same file find what the page shows, with the same numbers.
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "姓名,党员类别\n"
        + "".join(f"{n},{'预备党员' if n in PROBATIONARY else '正式党员'}\n" for n in NAMES),
        encoding="utf-8",
    )
    x = examine(load_tally(merged), roster, read_roster(roster).members)
    assert [[f.level, f.text] for f in x.findings] == shown and x.errors == []
    assert x.numbers.valid == 29 and x.numbers.marks[:28] == [sum(expected[n]) for n in GRADED]
    assert x.numbers.figure.sentence in a.inner_text(".zt-summary")

    # The 上报 file for the 党委: refused without the branch's name, then named after the branch.
    a.click(".zt-export-report")
    assert "请先在“党支部”一栏填写" in a.inner_text(".zt-status")
    a.fill("#zt-branch", "第一党支部")
    with a.expect_download() as dl:
        a.click(".zt-export-report")
    assert dl.value.suggested_filename == f"第一党支部-{latest_year}年度计票上报.json"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert report["branch"] == "第一党支部"
    for branch in ("第1党支部", "第2党支部", "第3党支部"):
        (inbox / f"{branch}.json").write_text(json.dumps(report | {"branch": branch}), encoding="utf-8")
    from handbook.cli import main

    out = tmp_path / "党委汇总.xlsx"
    assert main(["results", "--collect", str(inbox), "--out", str(out)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(out)
    stats = [r for r in wb["情况统计汇总"].iter_rows(min_row=3, values_only=True)]
    head = next(wb["情况统计汇总"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert [r[1] for r in stats] == ["第1党支部", "第2党支部", "第3党支部", "合计"]
    # The 合计 row holds formulas; each branch's row carries the page's figures.
    assert [r[head.index("党员总数")] for r in stats[:-1]] == [30, 30, 30]
    assert [r[head.index("预备党员（不评定等次）人数")] for r in stats[:-1]] == [2, 2, 2]
    print(f"\n{where}: 29 ballots × {len(GRADED)} members entered in {seconds:.2f} s (five typed key by key)")
    ctx_a.close()
    ctx_b.close()


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
        "错误：收回票数31超过发出票数30：",
        "错误：有效票数32超过收回票数31：",
        "错误：“党员03”（第3行）的“优秀”票数“-1”不是不小于0的整数：",
        "错误：“党员04”（第4行）的“合格”票数“1.5”不是不小于0的整数：",
        "错误：“党员05”（第5行）的得票合计33超过有效票数32：",
        "错误：“党员30”（第30行）是预备党员，填了支委会建议等次“合格”：预备党员参加民主评议，但不评定等次",
        # Marks for a 预备党员 are a hint: whether members rate them is the superior's ballot's choice.
        "提示：“党员29”（第29行）是预备党员，有2票（“优秀”2票）：预备党员不评定等次",
    ]
    for w in want:
        assert any(m.startswith(w) for m in msgs), (w, msgs)
    assert page.get_attribute(f"{row(3)} .zt-count[data-g='0']", "aria-invalid") == "true"
    assert page.get_attribute("[data-ballot=returned]", "aria-invalid") == "true"
    # The printed 计票结果 lists the open errors, each as the page words it.
    page.emulate_media(media="print")
    # The sheet follows the page once typing pauses or print begins (a media change event): wait for it.
    page.wait_for_function("document.querySelector('.zt-sheet').textContent.includes('处错误未改正')")
    sheet = page.inner_text(".zt-sheet")
    errors = [m.removeprefix("错误：") for m in msgs if m.startswith("错误：")]
    assert f"注意：本结果尚有{len(errors)}处错误未改正" in sheet and all(e in sheet for e in errors)
    page.emulate_media(media="screen")

    # Grading hints: more than a third 优秀 (base stated), a proposal far from the votes, missing proposals.
    page.fill("[data-ballot=returned]", "30")
    page.fill("[data-ballot=valid]", "30")
    page.fill(f"{row(5)} .zt-count[data-g='1']", "3")
    page.fill(f"{row(6)} .zt-count[data-g='2']", "20")
    for n in range(1, 11):
        page.select_option(f"{row(n)} .zt-proposal", "优秀")
    # The default base is the sources' words, 党员总数 (30, a third is 10): 10 优秀 are within the guideline.
    assert not any("一般不超过三分之一" in m for m in _messages(page))
    assert "按党员总数（含预备党员）30人计，三分之一为10人" in page.inner_text(".zt-summary")
    page.check("input[name=zt-base][value=正式党员]")
    msgs = _messages(page)
    assert (
        "提示：按支委会建议等次，评为“优秀”的有10人，多于“一般不超过三分之一”的9人（“优秀”一般不超过三分之一："
        "按参加评定等次的党员（不含预备党员）28人计，三分之一约为9.3人，即一般不超过9人）：这是一般要求，不是硬性上限"
    ) in "\n".join(msgs), msgs
    assert any(
        m.startswith(
            "提示：“党员06”（第6行）的支委会建议等次为“优秀”，但多数票（20/20）为“基本合格”或“不合格”"
        )
        for m in msgs
    )
    # One tip for the members still without a proposal, not one per member.
    missing = [m for m in msgs if "没有支委会建议等次" in m or "名正式党员没有" in m]
    assert len(missing) == 1 and missing[0].startswith(
        "提示：已有支委会建议等次，还有18名正式党员没有：“党员11”（第11行）、"
    )
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


def test_works_from_file_url_and_at_360px(page, tally_site, shots, tmp_path):
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
    page.fill(".zt-table tbody tr[data-i='1'] .zt-note", "因病请假，会后补测")
    # Print: only the 计票结果 sheet, with the names and the counts.
    page.emulate_media(media="print")
    assert page.locator(".zt-sheet").is_visible()
    for sel in (".zt-toolbar", ".zt-table", ".md-header", "article h1"):
        assert not page.locator(sel).first.is_visible(), sel
    sheet = page.inner_text(".zt-sheet")
    assert "民主评议党员民主测评计票结果" in sheet and "党员30（预备党员）" in sheet
    assert sheet.count("计票人（签名）") == 2 and sheet.count("监票人（签名）") == 1
    # On A4 the headings keep one line (序号, 未勾选 broke into characters) and 备注 holds a short remark.
    page.wait_for_function("document.querySelector('.zt-sheet').textContent.includes('会后补测')")
    page.pdf(path=str(tmp_path / "sheet.pdf"), prefer_css_page_size=True)
    text = PdfReader(str(tmp_path / "sheet.pdf")).pages[0].extract_text()
    assert "序号" in text and "未勾选" in text and "因病请假，会后补测" in text
    assert all(u.startswith("file://") for u in page.requests.urls if not u.startswith(("data:", "blob:")))
