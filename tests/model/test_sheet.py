"""One table reader for rosters and tallies: the same rules (sheet_rules.json) for both."""

from __future__ import annotations

from openpyxl import Workbook

from handbook.model import sheet
from handbook.model.tally import load_tally


def test_tallies_and_rosters_skip_the_same_trailing_rows():
    rows = (["合计", "6人"], ["填表人：张三"], ["注：预备党员不评定等次"], ["计票人：李四"], ["备注：无"])
    for words in rows:
        assert sheet.summary_text(words) is not None, words
    # A member whose name starts like a summary word is still a member.
    assert sheet.summary_text(["注明华", "正式党员"]) is None and sheet.summary_text(["合计划", "1"]) is None


def test_tally_headings_are_read_as_roster_headings(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["某某党支部民主测评计票表"])
    ws.append(["序号", "姓 名", "优秀（票）", "合格（票）", "基本合格（票）", "不合格（票）"])
    ws.append([1, "党员甲", 5, 1, 0, 0])
    ws.append(["合计", None, 5, 1, 0, 0])
    ws.append(["计票人：党员乙"])
    wb.save(tmp_path / "t.xlsx")
    tally = load_tally(tmp_path / "t.xlsx")
    assert [(e.name, e.counts) for e in tally.entries] == [("党员甲", (5, 1, 0, 0))]
    assert any("第4行" in n and "第5行" in n for n in tally.notices)
