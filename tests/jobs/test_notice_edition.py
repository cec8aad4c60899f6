"""`handbook new-edition YEAR --notice FILE`: each seed becomes a checked edition; formats agree; refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handbook.errors import InputError
from handbook.paths import ROOT
from handbook.settings import current

# Where the seed documents are (HANDBOOK_SEEDS, or the shared/seeds the project sits beside).
SEEDS = current().seeds_dir or ROOT.parent / "shared" / "seeds"
# seed → its 年度, a phrase of its theme (None: it states no theme), a study item, its finish date.
SEED_FACTS = {
    "000": (2021, "十九届六中全会精神", "省第十五次党代会、市第六次党代会精神", None),
    "001": (2024, "十九大精神", "《中国共产党纪律处分条例》《中国共产党支部工作条例（试行）》", None),
    "002": (2020, "主题教育成果", "党的十九届五中全会精神", dt.date(2021, 3, 20)),
    "003": (2021, "十九届六中全会精神", "省第十二次党代会精神", dt.date(2022, 2, 28)),
    "004": (2016, "十八届六中全会精神",
            "《关于新形势下党内政治生活的若干准则》和《中国共产党党内监督条例》精神", dt.date(2017, 3, 23)),
}


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


@pytest.mark.parametrize("prefix", sorted(SEED_FACTS))
def test_each_seed_becomes_an_edition_that_check_accepts(editions_copy, prefix, capsys):
    from handbook import cli
    from handbook.model.editions import load_all

    year, theme, study, finish = SEED_FACTS[prefix]
    assert cli.main(["new-edition", str(year), "--notice", str(seed_path(prefix)), "--into", "local"]) == 0
    review = capsys.readouterr().out
    assert "原句：" in review and "摘自通知，待核对" in review and "与" in review
    assert cli.main(["check"]) == 0
    ed = load_all()[year]
    assert ed.documents and ed.confidence.study == "extracted"
    assert study in [s.text for s in ed.study] and all(s.quote for s in ed.study)
    if theme:
        assert theme in ed.theme.text and ed.confidence.theme == "extracted" and ed.theme.quote
    else:  # not found: the previous year's, marked to check, never passed off as the notice's
        assert ed.confidence.theme == "uncertain" and "主题：未找到" in review
    if finish:
        assert ed.schedule.finish == finish and ed.confidence.schedule == "extracted"


EXTRACT = (
    "中共某某镇委员会关于召开2026年度基层党组织组织生活会和开展民主评议党员的通知\n"
    "各基层党组织：\n"
    "一、总体要求\n以学习贯彻某某全会精神为主题，开好组织生活会。\n"
    "二、方法步骤\n1、认真组织学习。深入学习某某重要讲话精神，学习党章和《某某条例》等党内法规。\n"
    "2、认真查摆问题。党员主要对照合格党员标准，对照入党誓词，全面查找在政治、思想、作风等方面的问题和不足。\n"
    "预备党员参加民主评议，但不评定等次。\n"
    "这次组织生活会和民主评议党员要在2027年2月底前完成，于2027年3月5日前报镇党委。\n"
)


def _write_docx(path: Path, text: str) -> None:
    import docx

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    doc.save(str(path))


def _edition_text(editions_copy, year: int) -> str:
    text = (editions_copy.parent / "local" / "editions" / f"{year}.yml").read_text(encoding="utf-8")
    # Only the file's own name differs between formats (documents.N1.ref, its note's date stays the same).
    return "\n".join(ln for ln in text.splitlines() if "ref:" not in ln)


def _run(notice: Path) -> None:
    from handbook.jobs.notice_edition import notice_edition

    notice_edition(2026, notice, 2025, "local")


def test_docx_and_gbk_text_give_the_same_edition(editions_copy, tmp_path):
    out = {}
    txt = tmp_path / "通知.txt"
    txt.write_bytes(EXTRACT.encode("gbk"))
    dx = tmp_path / "通知.docx"
    _write_docx(dx, EXTRACT)
    for f in (txt, dx):
        _run(f)
        out[f.suffix] = _edition_text(editions_copy, 2026)
        (editions_copy.parent / "local" / "editions" / "2026.yml").unlink()
    assert out[".txt"] == out[".docx"]
    assert "某某全会精神" in out[".txt"] and "2027-02-28" in out[".txt"]


@pytest.mark.slow
def test_pdf_gives_the_same_edition_and_a_scan_is_refused(editions_copy, tmp_path):
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in EXTRACT.splitlines())
    pdf = tmp_path / "通知.pdf"
    HTML(string=f"<html><body style='font-family:Noto Sans CJK SC'>{body}</body></html>").write_pdf(pdf)
    txt = tmp_path / "通知.txt"
    txt.write_text(EXTRACT, encoding="utf-8")
    _run(txt)
    want = _edition_text(editions_copy, 2026)
    (editions_copy.parent / "local" / "editions" / "2026.yml").unlink()
    _run(pdf)
    assert _edition_text(editions_copy, 2026) == want
    scan = tmp_path / "扫描件.pdf"
    HTML(string="<div style='width:100px;height:100px;background:#333'></div>").write_pdf(scan)
    with pytest.raises(InputError, match="扫描件"):
        _run(scan)


def test_second_notice_adds_what_it_says_and_names_both(editions_copy, tmp_path):
    from handbook.model.editions import load_all

    first = tmp_path / "中央.txt"
    dates = "这次组织生活会和民主评议党员要在2027年2月底前完成，于2027年3月5日前报镇党委。\n"
    first.write_text(EXTRACT.replace(dates, ""), encoding="utf-8")
    _run(first)
    assert load_all()[2026].confidence.schedule == "uncertain"
    second = tmp_path / "转发.txt"
    forwarded = EXTRACT.replace("某某镇委员会关于召开", "某某县委组织部关于转发召开")
    second.write_text(forwarded.replace("某某全会", "别的全会"), encoding="utf-8")
    _run(second)
    ed = load_all()[2026]
    assert set(ed.documents) == {"N1", "N2"}
    assert "某某全会精神" in ed.theme.text  # the first notice's theme stays
    assert ed.schedule.finish == dt.date(2027, 2, 28) and ed.schedule.sources == ["N2"]
    assert any("N2" in n.sources for n in ed.related_notices)
    with pytest.raises(InputError, match="已经读入"):
        _run(second)


@pytest.mark.parametrize("suffix, content, why", [
    (".txt", b"", "空的"),
    (".txt", "关于做好防汛工作的通知\n请各单位做好值班。".encode(), "不像组织生活会"),
    (".docx", "不是 Word".encode(), "无法作为 Word 文件打开"),
    (".pdf", b"%PDF-1.4 broken", "无法作为 PDF 打开"),
    (".xlsx", b"PK", "不能读取 .xlsx"),
])
def test_non_notices_are_refused(editions_copy, tmp_path, suffix, content, why, capsys):
    from handbook import cli

    f = tmp_path / f"文件{suffix}"
    f.write_bytes(content)
    assert cli.main(["new-edition", "2026", "--notice", str(f), "--into", "local"]) != 0
    err = capsys.readouterr().err
    assert why in err and f"文件{suffix}" in err and "Traceback" not in err
    assert not (editions_copy.parent / "local" / "editions" / "2026.yml").exists()


def test_a_notice_of_another_year_is_refused(editions_copy):
    from handbook.jobs.notice_edition import notice_edition

    with pytest.raises(InputError, match="2021年度的通知，不是2026年度"):
        notice_edition(2026, seed_path("003"), None, "local")
