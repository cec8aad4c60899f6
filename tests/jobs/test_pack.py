"""`handbook pack`: pre-filled packs from a small roster (8 members: namesakes, a 预备党员, a 流动党员)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.jobs import pack
from handbook.model.roster import labels, read_roster
from handbook.outputs import MANIFEST
from handbook.render.output_files import PACK
from tests.pdf.tagcheck import tag_problems

pytestmark = pytest.mark.slow

ROSTER = """姓名,性别,出生年月,入党时间,党员类别,党小组,职务,流动党员,领导干部
林晓明,男,1975.03,1998.07,正式党员,第一党小组,党支部书记,否,是
陈静,女,1982-11,2006-06,正式党员,第一党小组,组织委员,否,否
王芳,女,1979年8月,2003年7月,正式党员,第一党小组,科员,否,否
王芳,女,1990/5/1,2015/6/30,正式党员,第二党小组,科员,是,否
<b>{{x}}</b>,男,1988.12,2012.05,正式党员,第二党小组,科员,否,否
周文涛,男,1998.02,2025.06,预备党员,第二党小组,科员,否,否
吴海燕,女,1985.04,2010.07,正式党员,第二党小组,宣传委员,否,否
郑凯,男,1992.09,2018.11,正式党员,第一党小组,科员,否,否
"""
BRANCH = "中共示例市某某局机关第一党支部"


def _text(path: Path, page: int | None = None) -> str:
    """pdftotext of a PDF (or of one page) with all white space removed (wrapped cells join up again)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    cmd = ["pdftotext", *pages, str(path), "-"]
    return re.sub(r"\s+", "", subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def _info(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def _layout(path: Path) -> list[str]:
    """pdftotext -layout lines: text that sits side by side on the page stays on one line."""
    cmd = ["pdftotext", "-layout", str(path), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.splitlines()


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


@pytest.fixture(scope="module")
def unit_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("unit")
    (d / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (d / "unit.yml").write_text(f"党支部: {BRANCH}\n书记: 林晓明\n", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def packs(unit_dir, tmp_path_factory) -> dict[str, Path]:
    """The same roster packed with and without the unit profile, and once more for byte comparison."""
    base = tmp_path_factory.mktemp("packs")
    roster, unit = str(unit_dir / "roster.csv"), str(unit_dir / "unit.yml")
    assert main(["pack", "--roster", roster, "--unit", unit, "--out", str(base / "a")]) == 0
    assert main(["pack", "--roster", roster, "--unit", unit, "--out", str(base / "b")]) == 0
    assert main(["pack", "--roster", roster, "--out", str(base / "blank")]) == 0
    return {"a": base / "a", "b": base / "b", "blank": base / "blank"}


def test_pack_files_are_the_registrys(packs):
    """Every file of a pack is one the outputs registry declares (handbook/render/output_files.py)."""
    out = packs["a"]
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    stray = [f for f in files if f != MANIFEST and not any(o.matches(f) for o in PACK.values())]
    assert not stray and len(files) > 10


def test_pack_and_singles_exist(packs):
    out = packs["a"]
    assert (out / pack.PACK_FILE).stat().st_size > 10_000
    singles = sorted((out / pack.SINGLES).glob("*.pdf"))
    assert len(singles) >= 10
    registers = sorted((out / pack.SINGLES).glob(f"*-{pack.REGISTERS}/*.pdf"))
    assert len(registers) == 8
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    assert not leftovers, "temporary folders left behind"


def _sizes_on_the_branch_line(pdf: Path) -> list[tuple[int, float, float]]:
    """(page, the smallest size of the labels beside the drawn 党支部 name, the name's size), in points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    def size(tp, k: int) -> float:
        m = raw.FS_MATRIX()
        raw.FPDFText_GetMatrix(tp.raw, k, m)  # WeasyPrint's backgrounds draw in px under a 0.75 matrix
        return raw.FPDFText_GetFontSize(tp.raw, k) * m.d

    out = []
    for n, page in enumerate(pdfium.PdfDocument(pdf), start=1):
        tp = page.get_textpage()
        chars = "".join(chr(raw.FPDFText_GetUnicode(tp.raw, k)) for k in range(tp.count_chars()))
        at = chars.find(BRANCH)
        if at < 0:
            continue
        _, bottom, _, top = tp.get_charbox(at)
        beside = []
        for k, ch in enumerate(chars):
            if ch.isspace() or at <= k < at + len(BRANCH):
                continue
            _, b, _, t = tp.get_charbox(k)
            if min(t, top) - max(b, bottom) > 0.5 * (top - bottom):  # on the name's line
                beside.append(size(tp, k))
        assert beside, (pdf.name, n)
        out.append((n, round(min(beside), 2), round(size(tp, at), 2)))
    return out


def test_prefilled_branch_at_the_labels_size(packs):
    """The 党支部 name a pack fills in (15 characters here) is drawn at its labels' size, on every form."""
    found = _sizes_on_the_branch_line(packs["a"] / pack.PACK_FILE)
    assert len(found) >= 10
    small = [f for f in found if f[2] < f[1]]
    assert not small, small


def test_ballot_lists_members_cap_and_probationary(packs, unit_dir):
    text = _text(_one(packs["a"] / pack.SINGLES, "*-民主评议党员民主测评表.pdf"))
    members = read_roster(unit_dir / "roster.csv").members
    names = labels(members)
    for m in members:
        assert names[m.row] in text, names[m.row]
    # 8 members (周文涛 is 预备党员): the base is 党员总数, named; no editor's note, nothing about ticks.
    assert "按党员总数（含预备党员）8人计，三分之一约为2.7人，即一般不超过2人" in text
    assert "尚未核实" not in text and "不受此限" not in text
    assert "周文涛（预备党员）" in text
    # Whether members rate a 预备党员 is the superior ballot's choice: rated unless the unit says not.
    lines = _layout(_one(packs["a"] / pack.SINGLES, "*-民主评议党员民主测评表.pdf"))
    at = next(i for i, line in enumerate(lines) if "周文涛" in line)
    assert not any("不评定等次" in line for line in lines[at - 1 : at + 3])
    # Namesakes are told apart as handbook.model.roster.labels documents: 党小组 and 出生年月.
    assert "王芳（第一党小组，1979年8月）" in text and "王芳（第二党小组，1990年5月1日）" in text
    assert "<b>{{x}}</b>" in text


def test_one_register_per_member_with_personal_fields(packs, unit_dir, latest_year):
    members = read_roster(unit_dir / "roster.csv").members
    regs = sorted((packs["a"] / pack.SINGLES).glob(f"*-{pack.REGISTERS}/*.pdf"))
    assert len(regs) == len(members)
    for m, path in zip(members, regs, strict=True):
        text = _text(path)
        assert m.name in text and m.category in text and BRANCH in text
        assert f"{latest_year}年度" in text
    first = _text(regs[0])
    assert "1975" in first and "1998" in first and "党支部书记" in first
    names = [p.name for p in regs]
    assert len(set(names)) == len(names) and any("第二党小组" in n for n in names)


def test_talk_plan_secretary_first_and_mobile_by_phone(packs):
    text = _text(_one(packs["a"] / pack.SINGLES, "*-谈心谈话安排表.pdf"))
    assert "1林晓明陈静书记与支委" in text
    assert "电话、网络" in text and "S004" in text and "S002" in text
    assert "支委之间" in text and "党员之间" in text


def test_statistics_counts_prefilled(packs):
    text = _text(_one(packs["a"] / pack.SINGLES, "*情况统计表.pdf"))
    assert "党员总数8" in text
    lines = _layout(_one(packs["a"] / pack.SINGLES, "*情况统计表.pdf"))
    at = next(i for i, line in enumerate(lines) if "预备党员（不评" in line)
    assert any(re.search(r"\s1(\s|$)", line) for line in lines[at - 1 : at + 2])


def test_sign_in_sheets_list_who_should_attend(packs, unit_dir):
    members = read_roster(unit_dir / "roster.csv").members
    names = labels(members)
    general = _one(packs["a"] / pack.SINGLES, "*-党员大会签到表.pdf")
    text = _text(general)
    assert all(names[m.row] in text for m in members)
    assert BRANCH in text and "有表决权的党员" in text
    # The quorum sentence's counts: 7 正式党员 and 1 预备党员 expected.
    lines = _layout(general)
    at = next(i for i, line in enumerate(lines) if "应到" in line)
    block = " ".join(lines[at - 1 : at + 2])
    assert re.search(r"正式党员\s*7\s*人", block) and re.search(r"预备党员\s*1\s*人", block), block
    row = next(line for line in lines if "周文涛" in line)
    assert "第二党小组" in row and "预备党员" in row
    # 支委会: the 支委 from 职务 and the unit profile; 党小组会: one sheet per 党小组 with its members only.
    board = _text(_one(packs["a"] / pack.SINGLES, "*-支部委员会会议签到表.pdf"))
    assert "林晓明" in board and "陈静" in board and "吴海燕" in board and "郑凯" not in board
    groups = sorted((packs["a"] / pack.SINGLES).glob("*-党小组会签到表/*.pdf"))
    assert [p.stem[3:] for p in groups] == ["第一党小组", "第二党小组"]
    second = _text(groups[1])
    assert "周文涛" in second and "林晓明" not in second and "第二党小组" in second


def test_starter_tally_for_the_counting_page(packs, unit_dir, latest_year):
    data = json.loads((packs["a"] / pack.TALLY_FILE).read_text(encoding="utf-8"))
    members = read_roster(unit_dir / "roster.csv").members
    names = labels(members)
    assert (data["kind"], data["version"], data["edition"]) == ("zzshh-tally", 1, latest_year)
    assert data["branch"] == BRANCH
    assert data["ballots"] == {"issued": None, "returned": None, "valid": None}
    assert [m["name"] for m in data["members"]] == [names[m.row] for m in members]
    assert [m["probationary"] for m in data["members"]] == [m.probationary for m in members]
    assert all(m["counts"] == {"优秀": 0, "合格": 0, "基本合格": 0, "不合格": 0} for m in data["members"])
    assert (packs["a"] / pack.TALLY_FILE).read_bytes() == (packs["b"] / pack.TALLY_FILE).read_bytes()


def test_without_unit_profile_unit_fields_blank(packs):
    full = _text(packs["blank"] / pack.PACK_FILE)
    assert BRANCH not in full
    assert "林晓明" in full  # the roster still fills the member fields
    assert BRANCH in _text(packs["a"] / pack.PACK_FILE)


def test_pack_pdfs_are_tagged(packs):
    """Every PDF of a pack is tagged: each page's printed form and the values drawn on it are in the tree."""
    import pikepdf

    pdfs = sorted(packs["a"].rglob("*.pdf"))
    assert pdfs
    seen: set[str] = set()
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            problems, kinds = tag_problems(pdf)
            assert not problems, (path.name, problems[:5])
            assert {"/Document", "/Div"} <= kinds, (path.name, kinds)
            seen |= kinds
    # Pre-filled values (names, the branch, counts) are a paragraph of their own on their page.
    assert "/P" in seen


def test_same_input_same_bytes(packs):
    a = (packs["a"] / pack.PACK_FILE).read_bytes()
    assert a == (packs["b"] / pack.PACK_FILE).read_bytes()


def test_batch_bad_unit_does_not_stop_others(unit_dir, tmp_path, capsys):
    units = tmp_path / "units"
    for name in ("u1", "u2"):
        (units / name).mkdir(parents=True)
        (units / name / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (units / "bad").mkdir()
    (units / "bad" / "roster.csv").write_text("名字缺失,性别\n甲,男\n", encoding="utf-8")
    (units / "glyph").mkdir()
    (units / "glyph" / "roster.csv").write_text(ROSTER.replace("郑凯", "郑\ue000"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["pack", "--units", str(units), "--out", str(out)]) == 1
    printed = capsys.readouterr()
    assert (out / "u1" / pack.PACK_FILE).is_file() and (out / "u2" / pack.PACK_FILE).is_file()
    assert not (out / "bad").exists() and not (out / "glyph").exists()
    assert "失败 2 个" in printed.out and "✗ bad" in printed.out
    # The missing character is refused with the member and the roster row named.
    line = next(x for x in printed.out.splitlines() if "✗ glyph" in x)
    assert "第9行" in line and "郑" in line and "U+E000" in line
    assert re.search(r"表格包：已完成 (\d+)/\1 个单位", printed.err)  # progress goes to stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary folders left behind"


def test_failure_leaves_nothing_half_written(unit_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    roster = str(unit_dir / "roster.csv")
    assert main(["pack", "--roster", roster, "--out", str(out)]) == 0
    before = (out / pack.PACK_FILE).read_bytes()
    from handbook.pdf.overlay import Writer

    real = Writer.pdf_bytes
    calls = {"n": 0}

    def flaky(self, pages, title=None):
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError("disk full (simulated)")
        return real(self, pages, title)

    monkeypatch.setattr(Writer, "pdf_bytes", flaky)
    assert main(["pack", "--roster", roster, "--unit", str(unit_dir / "unit.yml"), "--out", str(out)]) == 1
    assert (out / pack.PACK_FILE).read_bytes() == before  # the earlier pack is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    fresh = tmp_path / "fresh"
    calls["n"] = 0
    assert main(["pack", "--roster", roster, "--out", str(fresh)]) == 1
    assert not fresh.exists()


def test_a_unit_past_99_members_lists_everyone_on_the_sign_in_sheet(tmp_path, capsys):
    """Rows past 99 are r100…: the 党员大会 sheet must not stop at the 99th member; its pages and the
    ballot's run on, numbered."""
    lines = ["姓名,党员类别,党小组"]
    names = [
        f"{'王李张刘陈'[i % 5]}{'甲乙丙丁戊己庚辛壬癸'[i // 10 % 10]}{'一二三四五六七八九十'[i % 10]}"
        + "之" * (i // 100)
        for i in range(120)
    ]
    lines += [f"{n},正式党员,第{'一二'[i % 2]}党小组" for i, n in enumerate(names)]
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "pack"
    assert main(["pack", "--roster", str(roster), "--out", str(out), "--format", "pdf"]) == 0
    text = _text(_one(out / pack.SINGLES, "*-党员大会签到表.pdf"))
    assert all(n in text for n in names), [n for n in names if n not in text][:5]
    # Lists run on over continuation pages: 序号 beside each name in order, each page its own number.
    for stem in ("党员大会签到表", "民主评议党员民主测评表"):
        path = _one(out / pack.SINGLES, f"*-{stem}.pdf")
        found = (re.match(r"\s*(\d+)\s+(\S+)", line) for line in _layout(path))
        rows = {m.group(2): int(m.group(1)) for m in found if m}
        assert [rows.get(n) for n in names] == list(range(1, len(names) + 1)), stem
        pages = int(re.search(r"Pages:\s+(\d+)", _info(path)).group(1))
        assert pages >= 4, stem
        assert [f"—{k}—" in _text(path, page=k) for k in range(1, pages + 1)] == [True] * pages, stem
    # A single unit's pack says what it is doing, stage by stage, and counts the documents written.
    err = capsys.readouterr().err
    assert "正在读取名册" in err and "正在排版" in err and "已排版 党员大会签到表" in err, err[:500]
    assert "正在填写并保存文件" in err and re.search(r"已写文件 (\d+)/\1 份", err), err[-500:]
    assert "\r" not in err, "one stream of lines, no progress bar redrawn over them"


def test_long_group_names_make_short_file_names(tmp_path):
    """Two 300-character 党小组 names: each group's sign-in sheet is written under a name cut to 60 characters
    (a path part over 255 bytes was "File name too long" with a temporary path)."""
    groups = ["第一党小组" * 60, "第二党小组" * 60]
    rows = [f"{n},正式党员,{g}" for n, g in zip(("王芳", "李强", "张敏", "刘洋"), groups * 2, strict=True)]
    roster = tmp_path / "roster.csv"
    roster.write_text("姓名,党员类别,党小组\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "pack"
    assert main(["pack", "--roster", str(roster), "--out", str(out), "--format", "pdf"]) == 0
    sheets = sorted((out / pack.SINGLES).glob("*-党小组会签到表/*.pdf"))
    assert [p.stem[3:6] for p in sheets] == ["第一党", "第二党"], sheets
    assert all(len(p.stem) <= 63 and len(p.name.encode()) < 255 for p in out.rglob("*")), sheets
