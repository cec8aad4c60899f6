"""The 计票 page's HTML: the skeleton that docs/assets/tally.js fills with the members and their counts."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..model.context import YearContext
from ..model.editions import Common
from ..model.forms import GRADE_VALUES
from .env import jinja_env
from .results import CSS, results_static


def page_vocab(common: Common) -> dict:
    """The tally contract's data as the page reads it (docs/assets/tally-core.js): one source, common.yml."""
    vocab = common.tally.model_dump()
    return vocab | {"grades": common.grade_names, "cap_sources": list(common.excellent_cap.sources)}


def render_tally(
    ctx: YearContext, *, badges: Callable[..., str], branch: str = "", base: str | None = None
) -> str:
    """The 计票与评定 tool as an HTML fragment; `badges(*ids)` renders source badges; `base`: the ⅓ base
    (the unit profile's 优秀比例基数)."""
    common = ctx.common
    html = (
        jinja_env()
        .get_template("tally.html.j2")
        .render(
            edition=ctx.edition,
            grades=common.grade_names,
            branch=branch,
            base=common.tally.cap.base_of(base),
            bases=common.tally.cap.bases,
            cap_lead=common.tally.cap.lead_text(common.grade_names[0]),
            vocab=page_vocab(common),
            kind=common.tally.kind,
            version=max(common.tally.versions),
            badges=lambda *ids: Markup(badges(*ids)),
            # The result documents' fixed words and print CSS: the page renders them with Nunjucks.
            results=results_static(ctx),
            results_css=CSS.read_text("utf-8"),
            grade_values=list(GRADE_VALUES),
        )
    )
    # Raw HTML inside Markdown: blank lines and indentation could end the block or start a code block.
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())
