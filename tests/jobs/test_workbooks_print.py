"""Workbooks printed from LibreOffice Calc: A4, one page wide, headings on every page, totals that add up."""

from __future__ import annotations

import csv
import io
import subprocess
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from openpyxl import load_workbook

from handbook.jobs import results as job
from handbook.model.editions import select
from handbook.model.forms import all_forms
from handbook.model.roster import read_roster
from handbook.model.tally import check, load_tally
from handbook.office.xlsx import statistics_sheet

from . import tally_data as td
from .test_office import soffice

A4 = (595, 842)


def _pages(pdf: Path) -> list[str]:
    """Each page's text."""
    with pikepdf.open(pdf) as doc:
        n = len(doc.pages)
        for p in doc.pages:
            assert sorted(round(float(v)) for v in p.mediabox[2:]) == sorted(A4), pdf.name
    run = ["pdftotext", "-f", "{0}", "-l", "{0}", str(pdf), "-"]
    return [
        subprocess.run([a.format(i) for a in run], capture_output=True, text=True, check=True).stdout
        for i in range(1, n + 1)
    ]


@pytest.mark.slow
def test_workbooks_print_one_page_wide(tmp_path):
    """The 评定结果表 (40 members) and the 党委's collected workbook print A4, every column on each page."""
    roster, tally, _, _ = td.branch(tmp_path / "src", n=40, seed=3, name="测试第一党支部")
    res = check(load_tally(tally), roster, read_roster(roster).members)
    _, edition, _ = select(2025)
    books = job.workbooks(res, job.Options(attended=38, expected=40), edition, "测试第一党支部")
    inbox = tmp_path / "inbox" / "测试第一党支部"
    inbox.mkdir(parents=True)
    made = []
    for name, blob in books.items():
        (inbox / name).write_bytes(blob)
        made.append(inbox / name)
    collected = tmp_path / "汇总.xlsx"
    job.collect(tmp_path / "inbox", collected, say=lambda _: None)
    made.append(collected)
    out = tmp_path / "pdf"
    soffice(made, out, "pdf", tmp_path / "profile")
    for src in made:
        pages = _pages(out / (src.stem + ".pdf"))
        wb = load_workbook(src)
        first = wb.worksheets[0]
        last_head = [c.value for c in first[first.print_title_rows.split(":")[-1].lstrip("$")]][-1]
        # Each page of the first sheet carries its first and last column headings: no column is split off.
        sheet_pages = [p for p in pages if "序号" in p or "项目" in p]
        assert sheet_pages, src.name
        for text in sheet_pages:
            assert str(last_head) in text.replace(" ", ""), (src.name, last_head)
        assert len(pages) <= len(wb.worksheets) + 1, (src.name, len(pages))
    # The 党委's headings print whole (Calc cut 预备党员（不评定等次）人数 and 评定等次：基本合格 at
    # their columns' width): every character of the first sheet's headings is on its first page.
    heads = [str(c.value) for c in load_workbook(collected).worksheets[0][2]]
    text = Counter(_pages(out / (collected.stem + ".pdf"))[0])
    short = {ch: n for ch, n in Counter("".join(heads)).items() if text[ch] < n}
    assert not short, short


@pytest.mark.slow
def test_statistics_total_adds_numbers_typed_as_text(tmp_path):
    """A count typed as text ("7") is added into the 合计 that LibreOffice computes, not skipped."""
    form = all_forms()["statistics"]
    _, edition, _ = select(2025)
    values = dict(form.examples[1].values)
    data = statistics_sheet(form, edition, values)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    first = next(r for r in ws.iter_rows() if str(r[0].value or "").startswith("评定等次：优秀"))
    first[1].value, first[1].data_type = str(first[1].value), "s"  # as a cell formatted 文本 keeps it
    path = tmp_path / "统计表.xlsx"
    wb.save(path)
    soffice([path], tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "profile")
    rows = list(csv.reader((tmp_path / "统计表.csv").read_text(encoding="utf-8").splitlines()))
    got = {r[0]: r[1] for r in rows if len(r) > 1}
    assert got["评定等次：合计"] == "23", got
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.fitToWidth == 1
