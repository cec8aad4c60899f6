"""handbook drafts: three draft PDFs for a unit; the output folder is replaced only when it holds drafts."""

from __future__ import annotations

import subprocess

import pytest

from handbook.errors import InputError
from handbook.render.drafts import KINDS
from handbook.render.output_files import DRAFT


@pytest.mark.slow
def test_drafts_pdfs(tmp_path):
    from handbook.cli import cmd_drafts
    from handbook.model.editions import snapshot
    from handbook.paths import ROOT

    class Args:
        out = str(tmp_path / "drafts")
        unit = str(ROOT / "local" / "example" / "unit.yml")
        roster = str(ROOT / "local" / "example" / "roster.csv")
        edition = None
        format = "pdf"

    assert cmd_drafts(Args()) == 0
    edition = snapshot()[1][max(snapshot()[1])]
    pdfs = sorted((tmp_path / "drafts").glob("*.pdf"))
    assert [p.name for p in pdfs] == sorted(DRAFT.path(".pdf", edition=edition.label, name=k) for k in KINDS)
    for pdf in pdfs:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = "".join(text.split())
        assert "—1—" in flat
        # The outline is the meetings' running order; the plan and the notice name branch and theme.
        if "主持词提纲" not in pdf.name:
            assert "中共示例市某某局机关第一党支部" in flat
            assert "".join(edition.theme_short.split()) in flat
    plan = next(p for p in pdfs if "工作方案" in p.name)
    text = "".join(
        subprocess.run(["pdftotext", str(plan), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "应到会6人" in text and "张三、李四、王五" in text
    # The output folder is replaced whole only when it holds nothing but earlier drafts.
    (tmp_path / "drafts" / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="不是 handbook drafts 生成的文件"):
        cmd_drafts(Args())
