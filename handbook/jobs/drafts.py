"""`handbook drafts`: the draft documents as GB/T 9704 PDFs and Word files, written atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..epoch import edition_epoch
from ..errors import InputError
from ..model.context import year_context
from ..model.editions import cn_date
from ..model.roster import read_roster
from ..model.unit import current_unit, default_roster, load_unit
from ..office.docx import draft_docx
from ..outputs import claim_folder
from ..paths import local_dir
from ..pdf.engine import render_pdf
from ..pdf.fonts import covered_codepoints
from ..render.drafts import CSS, KINDS, render_draft, unit_dates
from ..render.output_files import DRAFT

FORMATS = ("pdf", "docx")


def parse_formats(text: str) -> tuple[str, ...]:
    """`--format pdf,docx` as a tuple; an unknown format is an input error."""
    wanted = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise InputError("--format", f"格式只能是 {'、'.join(FORMATS)}（用逗号分隔），而不是“{text}”")
    return wanted


def draft_pdf(html: str, cache: bool = True) -> bytes:
    """A draft's PDF through the shared engine (and its content cache, unless it names members)."""
    return render_pdf(html, fillable=False, base_url=str(CSS.parent), cache=cache)


def write_drafts(
    out: Path,
    unit_file: Path | None = None,
    roster_file: Path | None = None,
    year: int | None = None,
    say: Callable[[str], None] = lambda _: None,
    formats: tuple[str, ...] = FORMATS,
) -> Path:
    """Write each draft (工作方案, 通知, ...) as .pdf and/or .docx into `out`, replaced whole on success."""
    ctx = year_context(year)
    edition = ctx.edition
    roster_file = roster_file or default_roster()
    unit_path = unit_file or local_dir() / "unit.yml"
    target = claim_folder(
        out,
        "handbook drafts",
        inputs={"名册": roster_file, "单位信息": unit_path if unit_path.is_file() else None},
        # Folders from before the manifest held the drafts only.
        earlier=DRAFT.matches,
    )
    unit = load_unit(unit_file) if unit_file else current_unit()
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

    with target.writing() as tmp:
        for kind in KINDS:
            html = render_draft(kind, ctx.with_unit(unit), members, standalone=True)
            name = DRAFT.stem_of(edition=edition.label, name=kind)
            if "pdf" in formats:
                (tmp / DRAFT.path(".pdf", edition=edition.label, name=kind)).write_bytes(
                    draft_pdf(html, cache=members is None)
                )
            if "docx" in formats:
                (tmp / DRAFT.path(".docx", edition=edition.label, name=kind)).write_bytes(
                    draft_docx(html, name, epoch=edition_epoch(edition.year))
                )
    return target.path
