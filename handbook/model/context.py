"""One year's context: an edition, the common data it is read with and, for a unit's outputs, its profile.

Renderers, writers and the mkdocs macros take one `YearContext` instead of an (edition, common) pair, so
the pair travels typed and in one order, and the year's derived facts (its grades, its text of a rule,
its sources registry) are worked out in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .editions import Common, Edition, Grade, RuleText, select
from .unit import Unit


def _follow_up(rule_text: str) -> str:
    # Lists print "评为“不合格”的，<follow-up>": the rule's own subject would read twice.
    return rule_text.removeprefix("对评定为“不合格”的党员，").rstrip("。")


@dataclass(frozen=True, eq=False)
class YearContext:
    """An edition with its common data and, when an output is for one unit, that unit's profile."""

    edition: Edition
    common: Common
    unit: Unit | None = None

    @property
    def year(self) -> int:
        """The edition's year."""
        return self.edition.year

    @property
    def label(self) -> str:
        """The edition's label (2025年度)."""
        return self.edition.label

    @property
    def profile(self) -> Unit:
        """The unit's profile, or an empty one (every value a blank) when the output is for no unit."""
        return self.unit or Unit()

    def with_unit(self, unit: Unit | None) -> YearContext:
        """The same year for one unit."""
        return replace(self, unit=unit)

    def with_documents(self) -> YearContext:
        """The same year whose sources registry also holds the edition's own notices (for badges)."""
        if not self.edition.documents:
            return self
        sources = {**self.common.sources, **self.edition.documents}
        return replace(self, common=self.common.model_copy(update={"sources": sources}))

    def rule(self, rule_id: str) -> RuleText:
        """A standing rule, or this edition's override of it; both carry text and sources."""
        return self.edition.rule_overrides.get(rule_id, self.common.rule(rule_id))

    def grades(self) -> list[Grade]:
        """The four grades as this edition applies them: an edition may restate what follows a 不合格."""
        override = self.edition.rule_overrides.get("unqualified")
        if not override:
            return list(self.common.grades)
        return [
            g.model_copy(update={
                "follow_up": _follow_up(override.text), "sources": override.sources, "rule": "unqualified",
            })
            if g.name == "不合格" else g
            for g in self.common.grades
        ]


def year_context(year: int | None = None, unit: Unit | None = None) -> YearContext:
    """The context of one edition (default: the newest), for a unit if given; an unknown year is an input
    error."""
    common, edition, _ = select(year)
    return YearContext(edition, common, unit)
