"""Page bodies in the theme's markup (Material admonitions, Markdown tables): form pages, index, drafts."""

from __future__ import annotations

from markupsafe import escape

from handbook.jobs.edition_office import STATISTICS
from handbook.model.editions import STEP_NAMES, Common, Edition
from handbook.model.forms import all_forms, get_form
from handbook.model.roster import read_roster
from handbook.model.unit import current_unit, default_roster
from handbook.pdf.fonts import covered_codepoints
from handbook.render.drafts import render_draft
from handbook.render.forms import render_form


def form_page(
    form_id: str, edition: Edition, common: Common, *, link, badges, unit: dict | None = None
) -> str:
    """A form page's body: the optional-form note, download links and the web form."""
    # link(path) makes a site path ("steps/evaluation.html") relative to the current page; badges(*ids)
    # renders source badges.
    form = get_form(form_id)
    rule = common.rule("no-formalism")
    steps = "、".join(f'<a href="{link(f"steps/{s}.html")}">{STEP_NAMES[s]}</a>' for s in form.steps)
    pdf = link(f"pdf/forms/{form.id}.pdf")
    fillable = link(f"pdf/forms/{form.id}-fillable.pdf")
    word = link(f"office/forms/{form.id}.docx")
    sheet = (
        f' · <a href="{link(f"office/forms/{form.id}.xlsx")}">Excel 版</a>（自动合计）'
        if form.id == STATISTICS
        else ""
    )
    anonymous = (
        "<p>本表不记名。建议打印后手写填写；如在公用电脑上填写，打印后请点“清空”。</p>"
        if form.anonymous
        else ""
    )
    note = (
        '<div class="admonition note zf-notice">'
        '<p class="admonition-title">可选的参考式样</p>'
        f"<p>{escape(form.purpose)}。用于：{steps}。表格式样依据：{badges(*form.sources)}</p>"
        f"<p>{escape(rule.text)}{badges(*rule.sources)}</p>"
        f"{anonymous}"
        f'<p class="zf-downloads">下载：<a href="{pdf}">打印版 PDF</a>（线框空表，手写）'
        f' · <a href="{fillable}">可填写 PDF</a>（在 PDF 阅读器中填写）'
        f' · <a href="{word}">Word 版</a>（可编辑）{sheet}</p>'
        "<p>在本页填写的内容只保存在这台电脑的浏览器里（按年度和表格分别保存），不会发送到任何地方。"
        "“导出”把内容存为文件，“导入”从文件恢复，“打印”只打印表格本身。</p>"
        "</div>"
    )
    html = render_form(form, edition, common, target="web", unit=unit)
    # Raw HTML inside Markdown: blank lines and indentation could end the block or start a code block.
    body = "\n".join(line.strip() for line in html.splitlines() if line.strip())
    return f'<div class="zf-page">\n{note}\n{body}\n</div>'


def forms_index_table(edition: Edition, *, link) -> str:
    """The 表格总览 table in Markdown: every form, its steps, the web page and both PDFs."""
    rows = ["| 表格 | 用于 | 网页填写 | PDF | Word |", "|---|---|---|---|---|"]
    for f in all_forms().values():
        steps = "、".join(STEP_NAMES[s] for s in f.steps)
        pdfs = (
            f'<a href="{link(f"pdf/forms/{f.id}.pdf")}">打印版</a> · '
            f'<a href="{link(f"pdf/forms/{f.id}-fillable.pdf")}">可填写</a>'
        )
        tag = "（不记名）" if f.anonymous else ""
        word = f'<a href="{link(f"office/forms/{f.id}.docx")}">Word 版</a>'
        web = f"[在线填写]({link(f'forms/{f.id}.md')})"
        rows.append(f"| {f.title}{tag} | {steps} | {web} | {pdfs} | {word} |")
    return "\n".join(rows)


def draft_fragment(kind: str, edition: Edition, common: Common) -> str:
    """A handbook page's draft from the fork's local/unit.yml and roster (if any)."""
    roster = default_roster()
    members = read_roster(roster, covered_codepoints()).members if roster else None
    return render_draft(kind, edition, common, current_unit(), members)
