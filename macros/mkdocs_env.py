"""mkdocs-macros entry point: a thin layer that exposes editions, rules and renderers to the pages."""

from __future__ import annotations

import posixpath
from html import escape

from markupsafe import Markup

from handbook.model.changes import diff_editions, previous_edition
from handbook.model.editions import STEP_KEYS, STEP_NAMES, Sourced, cn_date, deadline_text
from handbook.model.forms import forms_for_step
from handbook.model.unit import BLANK, current_unit
from handbook.render.changes import changes_markdown
from handbook.render.view import Blankable

from .context import current
from .pages import draft_fragment, form_page, forms_index_table


def define_env(env) -> None:
    """Declare the variables and macros the handbook pages use."""
    common, edition, editions = current()
    env.variables["edition"] = edition
    env.variables["common"] = common
    env.variables["editions"] = editions
    env.variables["step_names"] = STEP_NAMES
    env.variables["step_keys"] = STEP_KEYS
    # The fork's unit profile (local/unit.yml); a missing field reads as a blank to fill by hand.
    env.variables["unit"] = Blankable(current_unit())

    def rel(target: str) -> str:
        """A link from the page being rendered to another page of docs/ (by its source path)."""
        here = posixpath.dirname(env.page.file.src_uri) if env.page else ""
        return posixpath.relpath(target, here or ".")

    @env.macro
    def src(*ids: str) -> Markup:
        """Source badges that link to the sources page: [S003]."""
        flat: list[str] = []
        for i in ids:
            flat.extend(i if isinstance(i, list | tuple) else [i])
        for i in flat:
            if i not in common.sources:
                raise KeyError(f"unknown source id {i!r} on page {env.page.file.src_uri}")
        # Raw HTML links are not rewritten by mkdocs, so point at the built page, not the .md source.
        built = "sources/" if env.conf.get("use_directory_urls") else "sources.html"
        href = rel(built)
        links = "".join(
            f'<a class="src" href="{href}#src-{i}" title="{escape(common.sources[i].title)}">{i}</a>'
            for i in flat
        )
        return Markup(f'<span class="srcs">{links}</span>')

    @env.macro
    def sourced(item: Sourced) -> Markup:
        """A sourced statement followed by its source badges."""
        return Markup(f"{escape(item.text)}{src(*item.sources)}")

    @env.macro
    def rule(rule_id: str) -> Markup:
        """A standing rule (or this edition's override of it) with its sources."""
        override = edition.rule_overrides.get(rule_id)
        r = common.rule(rule_id)
        text, sources = (override.text, override.sources) if override else (r.text, r.sources)
        return Markup(f"{escape(text)}{src(*sources)}")

    @env.macro
    def deadline(step: str) -> str:
        """The deadline of a step in this edition."""
        if step not in STEP_KEYS:
            raise KeyError(f"unknown step {step!r}; steps are {list(STEP_KEYS)}")
        return deadline_text(edition, step)

    @env.macro
    def date(day) -> str:
        """A date in Chinese."""
        return cn_date(day)

    @env.macro
    def given(value) -> Markup:
        """A unit profile value, or the scripts' "（＿＿＿＿）" where the profile leaves it out."""
        return Markup(f"（{BLANK}）") if str(value) == BLANK else Markup(value)

    @env.macro
    def office_link(target: str, what: str) -> Markup:
        """A download line for a Word file of site/office/ (left out of the Word file made from this page)."""
        link = f'<a href="{rel(target)}">{escape(what)}</a>'
        return Markup(f'<p class="hb-office">下载：{link}（Word，公文格式，可编辑）</p>')

    @env.macro
    def page_link(target: str, text: str) -> Markup:
        """A Markdown link to another handbook page that works from any page depth."""
        return Markup(f"[{text}]({rel(target)})")

    @env.macro
    def forms_for(step: str) -> Markup:
        """Links to the (optional) forms a step uses; the forms kit fills this in from forms/*/form.yml."""
        if step not in STEP_KEYS:
            raise KeyError(f"unknown step {step!r}; steps are {list(STEP_KEYS)}")
        items = [f"- [{f.title}]({rel('forms/' + f.id + '.md')})（可选）" for f in forms_for_step(step)]
        return Markup("\n".join(items))

    @env.macro
    def form(form_id: str) -> Markup:
        """A form page's body: the optional-form note, PDF links and the fillable form ."""
        branch = current_unit().branch
        unit = {"branch": branch} if branch else None
        return Markup(form_page(form_id, edition, common, link=rel, badges=src, unit=unit))

    @env.macro
    def forms_index() -> Markup:
        """The 表格总览 table: every form, the steps it serves, its web page and its PDFs."""
        return Markup(forms_index_table(edition, link=rel))

    @env.macro
    def confidence_banner() -> str:
        """A warning admonition for editions whose facts are not confirmed against the official notice."""
        if edition.confidence == "confirmed":
            return ""
        level = {"reported": "本年度资料来自公开网页，尚未与正式通知核对", "uncertain": "本年度资料尚未核实"}
        note = edition.confidence_note or ""
        return (
            f'!!! warning "{level[edition.confidence]}"\n\n'
            f"    {note}请以上级党组织下发的本年度通知为准，核对主题、学习内容和时间要求。\n"
        )

    @env.macro
    def edition_changes() -> str:
        """The 本年度变化 page body: this edition against the previous one ."""
        prev = previous_edition(editions, edition.year)
        return changes_markdown(prev, edition, diff_editions(prev, edition, common), src)

    @env.macro
    def draft(kind: str) -> Markup:
        """A draft document ("plan", "notice" or "outline") for this edition and unit."""
        return Markup(draft_fragment(kind, edition, common))
