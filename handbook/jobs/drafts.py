"""`handbook drafts`: the draft documents as GB/T 9704 PDFs and Word files, written atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..atomic import replacing_dir
from ..epoch import edition_epoch
from ..errors import InputError
from ..model.editions import cn_date, select
from ..model.roster import read_roster
from ..model.unit import current_unit, default_roster, load_unit
from ..office.docx import draft_docx
from ..pdf.engine import render_pdf
from ..pdf.fonts import covered_codepoints
from ..render.drafts import CSS, KINDS, render_draft, unit_dates

FORMATS = ("pdf", "docx")


def parse_formats(text: str) -> tuple[str, ...]:
    """`--format pdf,docx` as a tuple; an unknown format is an input error."""
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise InputError("--format", f"格式只能是 {'、'.join(FORMATS)}（用逗号分隔），而不是“{text}”")
    return wanted


def draft_pdf(html: str) -> bytes:
    """A draft's PDF through the shared engine and its content cache."""
    return render_pdf(html, fillable=False, base_url=str(CSS.parent))


def write_drafts(
    out: Path,
    unit_file: Path | None = None,
    roster_file: Path | None = None,
    year: int | None = None,
    say: Callable[[str], None] = lambda _: None,
    formats: tuple[str, ...] = FORMATS,
) -> Path:
    """Write each draft (工作方案, 通知, ...) as .pdf and/or .docx into `out`, replaced whole on success."""
    common, edition, _ = select(year)
    unit = load_unit(unit_file) if unit_file else current_unit()
    roster_file = roster_file or default_roster()
    members = None
    if roster_file:
        report = read_roster(roster_file, covered_codepoints())
        say(report.summary())
        for w in report.warnings:
            say(f"注意：{w}")
        members = report.members
    else:
        say("没有名册：应到人数等处留空")
    for day in unit_dates(unit):
        if day.year not in (edition.year, edition.year + 1):
            say(
                f"注意：单位信息中的日期 {cn_date(day)} 不在{edition.label}的会议期间"
                f"（{edition.meeting_season}），请核对"
            )
            break
    if not unit.branch:
        say("单位信息中没有“党支部”名称（local/unit.yml）：文中留空")

    out = Path(out).resolve()
    if out.exists() and any(p.suffix not in (".pdf", ".docx") for p in out.iterdir()):
        # The folder is replaced whole; never swap away a folder that holds anything but earlier drafts.
        raise InputError(out, "输出文件夹中有其他文件，不会替换；请指定新的或只含草稿 PDF、Word 的文件夹")
    with replacing_dir(out) as tmp:
        for kind, title in KINDS.items():
            html = render_draft(kind, edition, common, unit, members, standalone=True)
            name = f"{edition.label}{title}（草稿）"
            if "pdf" in formats:
                (tmp / f"{name}.pdf").write_bytes(draft_pdf(html))
            if "docx" in formats:
                (tmp / f"{name}.docx").write_bytes(draft_docx(html, name, epoch=edition_epoch(edition.year)))
    return out
