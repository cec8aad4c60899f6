"""Generated .docx files laid out by LibreOffice: what a user sees when the file is printed."""

from __future__ import annotations

import subprocess

import pytest
from lxml import etree

from handbook.model.context import YearContext
from handbook.model.editions import select
from handbook.model.forms import BallotMember, all_forms
from handbook.office.forms_docx import form_docx
from handbook.pdf.engine import render_pdf
from handbook.render.forms import form_document
from tests.jobs.test_office import soffice

pytestmark = pytest.mark.slow


def _convert(src, tmp_path) -> None:
    """LibreOffice turns `src` into a PDF beside it, with the office font names given the kit's free faces."""
    soffice([src], tmp_path, "pdf", tmp_path / "profile")


def test_ballot_header_on_page_two(tmp_path):
    """The 民主测评表 for 35 members runs onto page 2, which starts with the column heads."""
    common, edition, _ = select(None)
    members = [BallotMember(name=f"党员{i}") for i in range(1, 36)]
    src = tmp_path / "ballot.docx"
    src.write_bytes(form_docx(all_forms()["member-ballot"], YearContext(edition, common), members=members))
    _convert(src, tmp_path)
    pdf = tmp_path / "ballot.pdf"
    page2 = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert page2[:2] == ["序号", "姓名"], page2[:6]


def _label_y(pdf, word: str) -> float:
    """The top of a word on page 1 as a fraction of the page height (pdftotext -bbox)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-l", "1", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    root = etree.fromstring(xml)
    page = next(root.iter("{*}page"))
    hit = next(w for w in root.iter("{*}word") if w.text == word)
    return float(hit.get("yMin")) / float(page.get("height"))


def test_register_proportions(tmp_path):
    """The Word 登记表's last row (备注) sits within 6% of the page where the print PDF has it."""
    common, edition, _ = select(None)
    form = all_forms()["member-register"]
    src = tmp_path / "register.docx"
    src.write_bytes(form_docx(form, YearContext(edition, common)))
    kit = tmp_path / "kit.pdf"
    kit.write_bytes(render_pdf(form_document(form, YearContext(edition, common)), fillable=False))
    _convert(src, tmp_path)
    word, printed = _label_y(tmp_path / "register.pdf", "备注"), _label_y(kit, "备注")
    assert abs(word - printed) < 0.06, (word, printed)
