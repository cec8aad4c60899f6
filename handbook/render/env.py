"""The one Jinja environment every renderer uses, and where templates and stylesheets live."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"


@cache
def jinja_env() -> jinja2.Environment:
    """Autoescaped, strict: data is passed as values, never as template source, so names print literally."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def document(title: str, css: str, body: str) -> str:
    """A complete HTML document for WeasyPrint: title (escaped), stylesheet and an already rendered body."""
    tpl = jinja_env().get_template("document.html.j2")
    # The template's own last newline is trimmed (keep_trailing_newline=False); documents end with one.
    return tpl.render(title=title, css=Markup(css), body=Markup(body)) + "\n"
