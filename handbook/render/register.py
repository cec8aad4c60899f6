"""The rules register as printed: one template renders a rule wherever a page or document states it."""

from __future__ import annotations

from markupsafe import Markup

from ..model.context import YearContext
from ..model.editions import RuleText
from .env import jinja_env


def render_rule(rule_id: str, rule: RuleText, badges: str = "", stop: bool = True) -> Markup:
    """A rule's words marked as register output (class hb-rule, its id and strength), then its badges."""
    tpl = jinja_env().get_template("_rule.html.j2")
    return Markup(tpl.render(id=rule_id, rule=rule, badges=Markup(badges), stop=stop))


def rule_of(ctx: YearContext, rule_id: str, badges: str = "", stop: bool = True) -> Markup:
    """This edition's version of a rule, rendered."""
    return render_rule(rule_id, ctx.rule(rule_id), badges, stop)


def quoted_rule(text: str) -> Markup:
    """A rule's words quoted without its record (the 本年度变化 page compares two years' wording)."""
    tpl = jinja_env().get_template("_rule.html.j2")
    return Markup(tpl.render(id="", rule={"text": text, "strength": ""}, badges="", stop=True))
