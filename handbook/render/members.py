"""The 本支部名单 page's HTML: the skeleton docs/assets/members.js fills, with the roster rules embedded."""

from __future__ import annotations

from ..model import sheet
from ..model.editions import Edition
from .env import jinja_env


def render_member_list(edition: Edition) -> str:
    """The member list tool as an HTML fragment; the rules travel as JSON (file:// pages cannot fetch)."""
    rules = sheet.rules_json().replace("</", "<\\/")
    html = jinja_env().get_template("site/members.html.j2").render(edition=edition, rules=rules)
    # Raw HTML inside Markdown: blank lines and indentation could end the block or start a code block.
    return "\n".join(line.strip() for line in html.splitlines() if line.strip())
