"""The pack's 谈心谈话安排表 as an HTML document (templates/talk_plan.html.j2); the pairing is the pack's."""

from __future__ import annotations

from ..model.context import YearContext
from .env import document, jinja_env
from .forms import print_css

TALK_TITLE = "谈心谈话安排表"
SOURCE_IDS = ("S000", "S002", "S003", "S004")
# (input name suffix, heading, relative width); 序号 is as wide as the forms' (var(--zf-no)), the rest share
# what it leaves, so the table is exactly the text block's width.
COLUMNS = [("no", "序号", None), ("a", "谈话人", 3), ("b", "谈话对象", 3), ("kind", "类别", 2),
           ("way", "方式（建议）", 2), ("note", "备注", 3)]
CSS = (
    ".zf-rules { margin: 0 0 1mm; padding-left: 2em; } .zf-rules li { margin: 0; }"
    " .zf-sources { font-size: 0.8em; color: #333; margin: 0 0 1mm; }"
    " .zf-talks td > input.zf-in { display: block; width: 100%; height: 1.6em; }"
)


def talk_plan_html(ctx: YearContext, rows: int) -> str:
    """The 谈心谈话安排表 layout: fixed rules with their sources, a summary line and `rows` blank rows."""
    total = sum(w for _, _, w in COLUMNS if w)
    share = "calc((100% - var(--zf-no)) * {:.4f})"
    columns = [(n, t, None if w is None else share.format(w / total)) for n, t, w in COLUMNS]
    sources = "；".join(f"{i}：{ctx.common.sources[i].title}" for i in SOURCE_IDS if i in ctx.common.sources)
    body = jinja_env().get_template("talk_plan.html.j2").render(
        edition=ctx.edition, title=TALK_TITLE, sources=sources, columns=columns, rows=rows
    )
    return document(f"{ctx.label}{TALK_TITLE}", print_css() + CSS, body)
