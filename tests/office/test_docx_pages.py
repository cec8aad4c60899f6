"""Generated .docx files laid out by LibreOffice: what a user sees when the file is printed."""

from __future__ import annotations

import subprocess

import pytest

from handbook.model.editions import select
from handbook.model.forms import all_forms
from handbook.office.forms_docx import form_docx

pytestmark = pytest.mark.slow


def test_ballot_header_on_page_two(tmp_path):
    """The 民主测评表 for 35 members runs onto page 2, which starts with the column heads."""
    common, edition, _ = select(None)
    members = [{"name": f"党员{i}", "probationary": False} for i in range(1, 36)]
    src = tmp_path / "ballot.docx"
    src.write_bytes(form_docx(all_forms()["member-ballot"], edition, common, members=members))
    profile = (tmp_path / "profile").as_uri()
    cmd = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run([*cmd, "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=300)
    pdf = tmp_path / "ballot.pdf"
    page2 = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert page2[:2] == ["序号", "姓名"], page2[:6]
