"""mkdocs-macros entry point: a thin layer that exposes editions, rules and renderers to the pages."""

from __future__ import annotations

import datetime as dt
import posixpath
from html import escape

from markupsafe import Markup

from handbook.model.changes import diff_editions, previous_edition
from handbook.model.context import YearContext
from handbook.model.editions import (
    FACT_KEYS,
    FACT_NAMES,
    PENDING_HINT,
    STEP_KEYS,
    STEP_NAMES,
    Edition,
    Sourced,
    check_steps,
    cn_date,
    deadline_text,
    finish_text,
)
from handbook.model.forms import forms_for_step
from handbook.model.unit import BLANK, current_unit
from handbook.render.changes import changes_markdown
from handbook.render.env import jinja_env
from handbook.render.members import render_member_list
from handbook.render.output_files import SITE
from handbook.render.register import render_rule
from handbook.render.tally import render_tally
from handbook.render.view import Blankable

from .context import current
from .pages import draft_fragment, form_page, forms_index_table


def define_env(env) -> None:
    """Declare the variables and macros the handbook pages use."""
    ctx, editions = current(env.conf)
    ctx = ctx.with_documents()
    env.variables["edition"] = ctx.edition
    env.variables["common"] = ctx.common
    env.variables["editions"] = editions
    env.variables["step_names"] = STEP_NAMES
    env.variables["step_keys"] = STEP_KEYS
    # The grades as this edition applies them (from 2024年度 on, 不合格 cites the 处置办法).
    env.variables["grades"] = ctx.grades()
    # The fork's unit profile (local/unit.yml); a missing field reads as a blank to fill by hand.
    env.variables["unit"] = Blankable(current_unit())
    macros = Macros(env, ctx, editions)
    for name in Macros.NAMES:
        env.macro(getattr(macros, name), name)


# The drafts and meeting scripts each step uses (listed on its page with its forms).
STEP_DRAFTS: dict[str, tuple[tuple[str, str], ...]] = {
    "plan": (("drafts/plan.md", "工作方案（草稿）"), ("drafts/notice.md", "通知（草稿）")),
    "criticism": (
        ("scripts/committee.md", "支部委员会会议主持词"),
        ("scripts/general.md", "党员大会主持词"),
        ("scripts/group.md", "党小组会主持词"),
    ),
    "evaluation": (("scripts/general.md", "党员大会主持词"), ("steps/counting.md", "计票与评定")),
    "report": (("drafts/report.md", "情况报告（草稿）"),),
}


class Macros:
    """The macros the pages call, for one edition; `env.page` is the page being rendered."""

    NAMES = (
        "src", "sourced", "rule", "deadline", "date", "page_link", "forms_for", "form", "forms_index",
        "confidence_banner", "flag", "finish", "edition_changes", "draft", "tally_page", "given",
        "office_link", "download", "member_list", "start_box", "script_start", "section_sources", "follow_up",
        "command_note",
    )

    def __init__(self, env, ctx: YearContext, editions: dict[int, Edition]):
        self.env, self.ctx, self.editions = env, ctx, editions
        # Read-aloud pages (主持词) gather their badges and flags per section instead of inline (issue 15
        # item 18): the page being collected, and what its current section cited so far.
        self._collect_page: str | None = None
        self._pending: list[str] = []
        self._pending_flags: list[str] = []

    def _collecting(self) -> bool:
        page = self.env.page
        return page is not None and self._collect_page == page.file.src_uri

    def script_start(self) -> str:
        """From here on this page is read aloud: badges and flags wait for the next section_sources()."""
        self._collect_page = self.env.page.file.src_uri if self.env.page else None
        self._pending, self._pending_flags = [], []
        return ""

    def section_sources(self) -> Markup:
        """The sources and flags of the section just read, in one note line after it (one tap away)."""
        ids = list(dict.fromkeys(self._pending))
        flags = list(dict.fromkeys(self._pending_flags))
        self._pending, self._pending_flags = [], []
        if not ids and not flags:
            return Markup("")
        page, self._collect_page = self._collect_page, None
        try:
            badges = self.src(*ids) if ids else Markup("")
        finally:
            self._collect_page = page
        tpl = jinja_env().get_template("site/section_sources.html.j2")
        return Markup(tpl.render(badges=badges, flags=flags))

    def rel(self, target: str) -> str:
        """A link from the page being rendered to another page of docs/ (by its source path)."""
        page = self.env.page
        here = posixpath.dirname(page.file.src_uri) if page else ""
        return posixpath.relpath(target, here or ".")

    def src(self, *ids: str) -> Markup:
        """Source badges that link to the sources page: [S003]."""
        flat: list[str] = []
        for i in ids:
            flat.extend(i if isinstance(i, list | tuple) else [i])
        sources = self.ctx.common.sources
        for i in flat:
            if i not in sources:
                raise KeyError(f"页面 {self.env.page.file.src_uri} 引用了未知的来源编号 {i}")
        if self._collecting():
            self._pending.extend(flat)
            return Markup("")
        # Raw HTML links are not rewritten by mkdocs, so point at the built page, not the .md source.
        href = self.rel("sources/" if self.env.conf.get("use_directory_urls") else "sources.html")
        tpl = jinja_env().get_template("site/badges.html.j2")
        return Markup(tpl.render(ids=flat, href=href, sources=sources))

    def sourced(self, item: Sourced) -> Markup:
        """A sourced statement followed by its source badges."""
        return Markup(f"{escape(item.text)}{self.src(*item.sources)}")

    def rule(self, rule_id: str, stop: bool = True) -> Markup:
        """A rule of the register (or this edition's override of it), marked as such, with its sources."""
        r = self.ctx.rule(rule_id)
        return render_rule(rule_id, r, self.src(*r.sources), stop)

    def follow_up(self, grade) -> Markup:
        """What follows a grade; a restated rule (2024年度's 不合格) is marked as the register's."""
        if not grade.rule:
            return Markup(escape(grade.follow_up))
        r = self.ctx.rule(grade.rule)
        return render_rule(grade.rule, r.model_copy(update={"text": grade.follow_up}))

    def deadline(self, step: str) -> str:
        """The deadline of a step in this edition."""
        check_steps([step])
        return deadline_text(self.ctx.edition, step)

    def date(self, day) -> str:
        """A date in Chinese."""
        return cn_date(day)

    def given(self, value) -> Markup:
        """A unit profile value, or the scripts' "（＿＿＿＿）" where the profile leaves it out."""
        return Markup(f"（{BLANK}）") if str(value) == BLANK else Markup(value)

    def download(
        self, key: str, name: str | None = None, text: str | None = None, office: bool = False, lead: str = ""
    ) -> Markup:
        """A link to a generated file of the site by its key in the outputs registry (`name`: the form id,
        draft kind or 主持词 page it is one of), with the registry's label unless `text` is given."""
        out = SITE[key]
        values = {"name": name, "year": self.ctx.year, "edition": self.ctx.label}
        tpl = jinja_env().get_template("site/download.html.j2")
        href = self.rel(out.path(**values))
        return Markup(tpl.render(href=href, text=text or out.label(**values), office=office, lead=lead))

    def office_link(self, key: str, name: str, lead: str = "") -> Markup:
        """The download line of a Word file of site/office/ (left out of the Word file made from the page),
        after `lead`, a line saying what the file is."""
        return self.download(key, name, office=True, lead=lead)

    def command_note(self, *commands: str, instead: str) -> Markup:
        """Who runs the named `handbook` commands (not a branch) and what a branch does in the browser."""
        tpl = jinja_env().get_template("site/command_note.html.j2")
        return Markup(tpl.render(commands=commands, instead=Markup(instead)))

    def page_link(self, target: str, text: str) -> Markup:
        """A Markdown link to another handbook page that works from any page depth."""
        return Markup(f"[{text}]({self.rel(target)})")

    def forms_for(self, step: str) -> Markup:
        """Links to the (optional) forms a step uses (forms/*/form.yml), its drafts and the handbook PDF."""
        items = [f"- [{f.title}]({self.rel(f'forms/{f.id}.md')})（可选）" for f in forms_for_step(step)]
        items += [f"- 文稿草稿：[{text}]({self.rel(target)})" for target, text in STEP_DRAFTS.get(step, ())]
        # Raw HTML: the PDF is written after the pages, so a Markdown link would fail the strict build.
        items.append(f"- 整本手册打印版：{self.download('handbook')}")
        return Markup("\n".join(items))

    def form(self, form_id: str) -> Markup:
        """A form page's body: the optional-form note, PDF links and the fillable form."""
        profile = current_unit()
        unit = {"branch": profile.branch, "excellent_base": profile.excellent_base}
        unit = {k: v for k, v in unit.items() if v} or None
        html = form_page(form_id, self.ctx, link=self.rel, badges=self.src, unit=unit)
        return Markup(html)

    def forms_index(self) -> Markup:
        """The 表格总览 table: every form, the steps it serves, its web page and its PDFs."""
        return Markup(forms_index_table(self.ctx.edition, link=self.rel))

    def confidence_banner(self) -> str:
        """A warning admonition naming which of this edition's facts are not confirmed."""
        edition = self.ctx.edition
        if edition.overall == "confirmed":
            return ""
        note = edition.confidence_note or ""
        if edition.waiting:
            waiting = [k for k in FACT_KEYS if edition.pending(k)]
            items = "".join(f"\n    - **{FACT_NAMES[k]}**：通知中{PENDING_HINT[k]}" for k in waiting)
            how = self.page_link("new-year.md", "新年度怎样开始")
            # Folded: the page-top banner and the home box already say the notice is not out.
            return (
                f'??? note hb-note "通知下发后，从通知中找哪几处（{"、".join(edition.waiting)}）"\n\n'
                f"    {note}\n\n    按{how}填写：\n{items}\n"
            )
        return (
            # The page-top banner already says the edition is unconfirmed: this box says what and why.
            f'!!! warning hb-note "哪些内容需要核对：{edition.confidence_summary()}"\n\n'
            f"    {note}请以上级党组织下发的本年度通知为准，核对主题、学习内容和时间要求。"
            "标有“转引未核对”“需核实”的内容，核对后再使用。\n"
        )

    def start_box(self) -> Markup:
        """The home page's "本年度从这里开始" box (docs/assets/year.js adds today's date to it)."""
        ed = self.ctx.edition
        sched = ed.schedule
        # The meeting season, stretched to the notice's own finish or report date when later.
        end = max(d for d in (dt.date(ed.year + 1, 3, 31), sched.finish, sched.report) if d)
        tpl = jinja_env().get_template("site/start_box.html.j2")
        html = tpl.render(
            edition=ed, begin=dt.date(ed.year, 12, 1).isoformat(), end=end.isoformat(),
            years=sorted(self.editions), link=self.rel,
        )
        return Markup(html)

    def flag(self, fact: str) -> Markup:
        """A fact's confidence flag where the fact appears (nothing for a confirmed fact)."""
        short, tip = self.ctx.edition.flag(fact)
        if not short:
            return Markup("")
        if self._collecting():
            self._pending_flags.append(f"{FACT_NAMES[fact]}{short}")
            return Markup("")
        # A link so that it takes the badge style of the source marks (never read aloud as text); what to
        # take from the notice when it comes, screen only, never in a printed or Word file.
        tpl = jinja_env().get_template("site/fact_flag.html.j2")
        html = tpl.render(
            href=self.rel("sources/" if self.env.conf.get("use_directory_urls") else "sources.html"),
            short=short,
            tip=tip,
            hint=PENDING_HINT[fact] if self.ctx.edition.pending(fact) else "",
            how=self.rel("new-year.html"),
        )
        return Markup(html)

    def finish(self) -> str:
        """When all work must be done, in words (one unit's date only as its example)."""
        return finish_text(self.ctx.edition)

    def edition_changes(self) -> str:
        """The 本年度变化 page body: this edition against the previous one."""
        prev = previous_edition(self.editions, self.ctx.edition.year)
        diff = diff_editions(prev, self.ctx.edition, self.ctx.common)
        return changes_markdown(prev, self.ctx.edition, diff, self.src)

    def draft(self, kind: str) -> Markup:
        """A draft document (a kind of handbook.render.drafts.KINDS) for this edition and unit."""
        return Markup(draft_fragment(kind, self.ctx))

    def member_list(self) -> Markup:
        """The 本支部名单 tool (docs/assets/members.js reads the list by the rules embedded here)."""
        return Markup(render_member_list(self.ctx.edition))

    def tally_page(self) -> Markup:
        """The 计票与评定 tool (docs/assets/tally.js fills it in the browser)."""
        unit = current_unit()
        html = render_tally(self.ctx, badges=self.src, branch=unit.branch or "", base=unit.excellent_base)
        return Markup(html)
