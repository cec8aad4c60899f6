"""Page bodies in the theme's markup (Material admonitions, Markdown tables): form pages, index, drafts."""

from __future__ import annotations

from markupsafe import Markup
from mkdocs.structure.files import File

from handbook.model.context import YearContext
from handbook.model.editions import STEP_NAMES, Edition
from handbook.model.forms import all_forms, get_form
from handbook.model.unit import current_unit
from handbook.render.drafts import render_draft
from handbook.render.env import jinja_env
from handbook.render.forms import render_form
from handbook.render.output_files import FORM_FILLABLE, FORM_PRINT, FORM_WORD, form_downloads
from handbook.render.register import render_rule


def form_page(form_id: str, ctx: YearContext, *, link, badges, unit: dict | None = None) -> str:
    """A form page's body: the optional-form note, download links and the web form."""
    # link(path) makes a site path ("steps/evaluation.html") relative to the current page; badges(*ids)
    # renders source badges.
    form = get_form(form_id)
    html = render_form(form, ctx, target="web", unit=unit)
    common = ctx.common
    # Raw HTML inside Markdown: blank lines and indentation could end the block or start a code block.
    body = "\n".join(line.strip() for line in html.splitlines() if line.strip())
    return jinja_env().get_template("site/form_page.html.j2").render(
        form=form,
        rules=[
            render_rule(rid, common.rule(rid), badges(*common.rule(rid).sources))
            for rid in ("no-formalism", "forms-optional")
        ],
        step_names=STEP_NAMES,
        link=link,
        badges=badges,
        body=Markup(body),
        downloads=form_downloads(form.id),
    )


FORMS_INDEX = "forms/index.md"


def form_files(files, config):
    """Add a page forms/<id>.md for every forms/<id>/form.yml and list it in the nav's forms section."""
    # The title lives only in form.yml: the page's heading and its nav entry both come from it, and a
    # fork's new form folder gets its page without a stub in docs/ or a line in mkdocs.yml.
    pages = []
    for form in all_forms().values():
        uri = f"forms/{form.id}.md"
        if files.get_file_from_path(uri) is None:
            body = f'# {form.title}\n\n{{{{ form("{form.id}") }}}}\n'
            files.append(File.generated(config, uri, content=body))
        pages.append({form.title: uri})
    section = _section_of(config.get("nav"), FORMS_INDEX)
    if section is not None:
        listed = {v for item in section for v in (item.values() if isinstance(item, dict) else [item])}
        section.extend(p for p in pages if next(iter(p.values())) not in listed)
    return files


def _section_of(nav, uri: str) -> list | None:
    """The nav list (from what mkdocs hands the hook) that holds the page uri, or None."""
    for item in nav or []:
        values = item.values() if isinstance(item, dict) else [item]
        if uri in values:
            return nav
        for value in values:
            if isinstance(value, list) and (found := _section_of(value, uri)) is not None:
                return found
    return None


def forms_index_table(edition: Edition, *, link) -> str:
    """The 表格总览 table in Markdown: every form, its steps, the web page and both PDFs."""
    return jinja_env().get_template("site/forms_index.md.j2").render(
        forms=all_forms().values(),
        step_names=STEP_NAMES,
        link=link,
        pdfs=(FORM_PRINT, FORM_FILLABLE),
        word=FORM_WORD,
    ).rstrip("\n")


def draft_fragment(kind: str, ctx: YearContext) -> str:
    """A handbook page's draft from the fork's local/unit.yml; never the roster (the site is published)."""
    return render_draft(kind, ctx.with_unit(current_unit()), None)
