"""The outputs registry (handbook/render/output_files.py): every download a page links to is a declared file
that the build wrote, and the writers name their files as the registry does."""

from __future__ import annotations

import posixpath
import re

import pytest

from handbook.jobs.edition_office import office_files
from handbook.jobs.edition_pdfs import edition_jobs
from handbook.model.editions import select
from handbook.model.forms import all_forms
from handbook.model.context import YearContext
from handbook.render import output_files as of

HREF = re.compile(r'href="([^"#?]+)')


def test_site_writers_name_their_files_from_the_registry(tmp_path):
    """The PDF and Office writers' paths are the registry's list of an edition's site files."""
    common, edition, _ = select(None)
    ids = list(all_forms())
    pdfs = [rel.as_posix() for rel, *_ in edition_jobs(YearContext(edition, common), ids)]
    # The handbook is merged from chunks, outside the form jobs.
    assert sorted([*pdfs, of.HANDBOOK.path(year=edition.year)]) == sorted(of.site_pdfs(edition.year, ids))
    # The 主持词 files are made from the built pages: stand-ins are enough to list them.
    for name in of.SCRIPTS:
        (tmp_path / "scripts").mkdir(exist_ok=True)
        (tmp_path / "scripts" / f"{name}.html").write_text("<html><body><article/></body></html>")
    assert sorted(office_files(YearContext(edition, common), tmp_path)) == sorted(of.site_office(ids))


def test_registry_paths_and_labels():
    """Patterns fill in; a path is matched by its own output only; a suffix not declared is refused."""
    assert of.FORM_FILLABLE.path(name="member-ballot") == "pdf/forms/member-ballot-fillable.pdf"
    assert of.DRAFT_WORD.label(name="plan") == "工作方案草稿"
    assert of.HANDBOOK.label(edition="2025年度") == "2025年度工作手册（PDF）"
    assert of.site_output("office/scripts/general.docx") is of.SCRIPT_WORD
    assert of.site_output("office/forms/statistics.xlsx") is of.FORM_EXCEL
    assert of.site_output("pdf/forms/a/b.pdf") is None and of.site_output("office/notes.txt") is None
    report = ["2025年度情况报告（草稿）.pdf", "2025年度情况报告（草稿）.docx"]
    assert of.RESULT_REPORT.paths(edition="2025年度") == report
    assert of.PACK_EACH.matches("分表/03-民主评议党员登记表/01-王芳.docx")
    with pytest.raises(ValueError):
        of.FORM_PRINT.path(".docx", name="statistics")


@pytest.mark.slow
def test_every_linked_download_is_declared_and_built(site_cache, latest_year):
    """Each link of a built page into pdf/ or office/ is a file of the registry that the build wrote, the
    build wrote exactly the registry's files there, and a page links to each."""
    site = site_cache(latest_year)
    linked: dict[str, str] = {}
    for page in site.rglob("*.html"):
        here = page.parent.relative_to(site).as_posix()
        for href in HREF.findall(page.read_text(encoding="utf-8")):
            if "://" in href:
                continue
            rel = posixpath.normpath(posixpath.join(here, href))
            if rel.startswith(("pdf/", "office/")):
                linked.setdefault(rel, page.relative_to(site).as_posix())
    bad = {rel: p for rel, p in linked.items() if of.site_output(rel) is None or not (site / rel).is_file()}
    assert not bad
    ids = list(all_forms())
    files = [p for d in ("pdf", "office") for p in (site / d).rglob("*") if p.is_file()]
    built = {p.relative_to(site).as_posix() for p in files}
    assert built == set(of.site_pdfs(latest_year, ids)) | set(of.site_office(ids))
    assert not built - set(linked), "built but linked from no page"
