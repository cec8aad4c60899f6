"""The outputs registry: every file the kit generates, its path pattern and its Chinese label.

The writers (`handbook.jobs`: the site's PDFs and Office files, `pack`, `results`, `drafts`) name their files
from here, and the pages link to the site's files from here (`macros/`, `templates/site/`), so a file name or
a download label changes in one place. Patterns are `str.format` patterns over: `name` (a form id, a draft
kind, a 主持词 page), `title` (the name's title, from the output's `titles`), `year`, `edition` (the
edition's label, 2025年度), and the pack's `n`, `j`; an output comes in one or more `suffixes`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .drafts import KINDS
from .results import DOCS


@dataclass(frozen=True)
class Output:
    """One generated file, or a family of them (one per form, draft, member…)."""

    key: str
    stem: str  # the path under its folder without the suffix, a pattern
    label_pattern: str  # what a link or a message calls it, a pattern
    suffixes: tuple[str, ...] = (".pdf",)
    note: str = ""  # what a download line adds in brackets
    short: str = ""  # its label in a table whose column already names the format
    titles: Mapping[str, str] = field(default_factory=dict)  # `title` for each `name`

    def _values(self, values: dict) -> dict:
        name = values.get("name")
        if name in self.titles:
            values = {"title": self.titles[name]} | values
        return values

    def stem_of(self, **values) -> str:
        """The path of one file without its suffix (a writer of several formats adds each)."""
        return self.stem.format(**self._values(values))

    def path(self, suffix: str | None = None, **values) -> str:
        """The path of one file (the first suffix unless told)."""
        if suffix is not None and suffix not in self.suffixes:
            raise ValueError(f"{self.key} comes as {self.suffixes}, not {suffix}")
        return self.stem_of(**values) + (suffix or self.suffixes[0])

    def paths(self, **values) -> list[str]:
        """The paths of one file in each of its suffixes."""
        return [self.path(s, **values) for s in self.suffixes]

    def label(self, **values) -> str:
        """Its label with the values filled in."""
        return self.label_pattern.format(**self._values(values))

    @cached_property
    def _regex(self) -> re.Pattern:
        parts = []
        for literal, fname, _, _ in string.Formatter().parse(self.stem):
            parts.append(re.escape(literal))
            if fname is not None:
                parts.append("[^/]+")
        return re.compile("".join(parts) + "(" + "|".join(map(re.escape, self.suffixes)) + ")")

    def matches(self, rel: str) -> bool:
        """Whether `rel` (a path under the output's folder) is one of this output's files."""
        return self._regex.fullmatch(rel) is not None


def _by_key(*outputs: Output) -> dict[str, Output]:
    return {o.key: o for o in outputs}


# ---------------------------------------------------------------------------------------------- the site
# Paths under an edition's folder of the site (site/<年度>/), written by handbook.jobs.edition_pdfs and
# edition_office, linked from the pages.

# The one form that also comes as a workbook that sums the grades (handbook/office/xlsx.py).
STATISTICS = "statistics"
# The 主持词 pages whose built article becomes a Word file: page name (scripts/<name>.md) and title.
SCRIPTS = {"committee": "支部委员会会议主持词", "general": "党员大会主持词", "group": "党小组会主持词"}

FORM_PRINT = Output("form-print", "pdf/forms/{name}", "打印版 PDF", note="线框空表，手写", short="打印版")
FORM_FILLABLE = Output(
    "form-fillable", "pdf/forms/{name}-fillable", "可填写 PDF", note="在 PDF 阅读器中填写", short="可填写"
)
FORM_WORD = Output("form-word", "office/forms/{name}", "Word 版", (".docx",), note="可编辑")
FORM_EXCEL = Output("form-excel", "office/forms/{name}", "Excel 版", (".xlsx",), note="自动合计")
FORM_PACK = Output("form-pack", "pdf/form-pack-{year}", "{edition}表格合订本（PDF）")
HANDBOOK = Output("handbook", "pdf/handbook-{year}", "{edition}工作手册（PDF）")
DRAFT_WORD = Output("draft-word", "office/drafts/{name}", "{title}草稿", (".docx",), titles=KINDS)
SCRIPT_WORD = Output("script-word", "office/scripts/{name}", "{title}", (".docx",), titles=SCRIPTS)
ROSTER_TEMPLATE = Output("roster-template", "office/roster-template", "党员名册模板", (".xlsx",))

SITE = _by_key(
    FORM_PRINT, FORM_FILLABLE, FORM_WORD, FORM_EXCEL, FORM_PACK, HANDBOOK, DRAFT_WORD, SCRIPT_WORD,
    ROSTER_TEMPLATE,
)


def form_downloads(form_id: str) -> list[Output]:
    """A form's downloads in the order its page lists them."""
    return [FORM_PRINT, FORM_FILLABLE, FORM_WORD] + ([FORM_EXCEL] if form_id == STATISTICS else [])


def site_pdfs(year: int, form_ids: Iterable[str]) -> list[str]:
    """Every PDF of an edition's site: each form's print and fillable PDF, the form pack, the handbook."""
    out = [o.path(name=fid) for fid in form_ids for o in (FORM_PRINT, FORM_FILLABLE)]
    return [*out, FORM_PACK.path(year=year), HANDBOOK.path(year=year)]


def site_office(form_ids: Iterable[str]) -> list[str]:
    """Every Word and Excel file of an edition's site."""
    ids = list(form_ids)
    out = [FORM_WORD.path(name=fid) for fid in ids]
    out += [FORM_EXCEL.path(name=STATISTICS)] if STATISTICS in ids else []
    out += [DRAFT_WORD.path(name=kind) for kind in KINDS]
    out += [SCRIPT_WORD.path(name=name) for name in SCRIPTS]
    return [*out, ROSTER_TEMPLATE.path()]


def site_output(rel: str) -> Output | None:
    """The output a path under an edition's folder is a file of, if any."""
    return next((o for o in SITE.values() if o.matches(rel)), None)


# ---------------------------------------------------------------------------------------------- the pack
# Paths under one unit's folder of `handbook pack`.

PACK_SINGLES = "分表"
PACK_ALL = Output("pack-all", "全套表格", "全套表格")
PACK_FORM = Output("pack-form", PACK_SINGLES + "/{n:02d}-{title}", "{title}", (".pdf", ".docx"))
# A form filled once per member or per 党小组: a folder of files.
PACK_EACH = Output(
    "pack-each", PACK_SINGLES + "/{n:02d}-{title}/{j:02d}-{name}", "{title}（{name}）", (".pdf", ".docx")
)
PACK_TALLY = Output("pack-tally", "计票名单", "计票名单", (".json",))
PACK = _by_key(PACK_ALL, PACK_FORM, PACK_EACH, PACK_TALLY)

# ---------------------------------------------------------------------------------------------- results
# Paths under the folder of `handbook results` (`edition` is the edition's label).

RESULT_DOCS = {
    kind: Output(
        f"result-{kind}",
        "{edition}" + title,
        title,
        (".pdf", ".xlsx") if kind == "grades" else (".pdf",),
    )
    for kind, (title, _) in DOCS.items()
}
RESULT_STATISTICS = Output("result-statistics", "{edition}情况统计表", "情况统计表", (".pdf", ".xlsx"))
RESULT_REGISTERS = Output(
    "result-registers", "{edition}民主评议党员登记表（{n}人）", "民主评议党员登记表", (".pdf",)
)
RESULT_REPORT = Output("result-report", "{edition}情况报告（草稿）", "情况报告（草稿）", (".pdf", ".docx"))
RESULT_NOTE = Output("result-note", "结果说明", "结果说明", (".txt",))
RESULTS = _by_key(*RESULT_DOCS.values(), RESULT_STATISTICS, RESULT_REGISTERS, RESULT_REPORT, RESULT_NOTE)


def result_files(edition: str, n: int, mobile: bool = True) -> list[str]:
    """The documents `handbook results` writes for n members (the 反馈函 only with a 流动党员)."""
    docs = [k for k in RESULT_DOCS if mobile or k != "mobile"]
    out = [RESULT_DOCS[k].path(edition=edition) for k in docs]
    out += [RESULT_DOCS["grades"].path(".xlsx", edition=edition)]
    out += [*RESULT_STATISTICS.paths(edition=edition), RESULT_REGISTERS.path(edition=edition, n=n)]
    return out + RESULT_REPORT.paths(edition=edition)


# ---------------------------------------------------------------------------------------------- drafts
# Paths under the folder of `handbook drafts`.

DRAFT = Output("draft", "{edition}{title}（草稿）", "{title}（草稿）", (".pdf", ".docx"), titles=KINDS)
