"""The 计票 page's HTML: the skeleton that docs/assets/tally.js fills with the members and their counts."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from ..model.editions import Common, Edition
from ..model.tally import KIND, VERSION
from .env import jinja_env

# The file format shared with `handbook results` (see TALLY.md): the page exports and imports it.


def render_tally(
    edition: Edition, common: Common, *, badges: Callable[..., str], branch: str = "", base: str = "正式党员"
) -> str:
    """The 计票与评定 tool as an HTML fragment; `badges(*ids)` renders source badges; `base`: the ⅓ base
    (the unit profile's 优秀比例基数)."""
    html = (
        jinja_env()
        .get_template("tally.html.j2")
        .render(
            edition=edition,
            grades=common.grade_names,
            branch=branch,
            base="all" if base == "党员总数" else "graded",
            kind=KIND,
            version=VERSION,
            badges=lambda *ids: Markup(badges(*ids)),
        )
    )
    # Raw HTML inside Markdown: blank lines and indentation could end the block or start a code block.
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())
