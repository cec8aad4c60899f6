"""Page macros in a scenario site: a rule shows this edition's override, bad arguments stop the build."""

from __future__ import annotations

import pytest

from handbook.errors import InputErrors

pytestmark = pytest.mark.slow


def test_rule_shows_the_editions_override_with_its_sources(scenario, editions_copy, latest_year):
    path = editions_copy / f"{latest_year}.yml"
    entry = (
        "  mobile:\n    text: 本年度流动党员一律书面参加评议。\n    strength: 规定\n"
        "    cite:\n      - {source: S003, phrase: 流动党员}\n"
    )
    text = path.read_text(encoding="utf-8")
    # The edition may already override other rules: add this one to its rule_overrides.
    if "\nrule_overrides:\n" in text:
        text = text.replace("\nrule_overrides:\n", "\nrule_overrides:\n" + entry, 1)
    else:
        text += "\nrule_overrides:\n" + entry
    path.write_text(text, encoding="utf-8")
    scenario.page("rules.md", '# 评议规则\n\n{{ rule("mobile") }}\n\n{{ rule("probationary") }}\n')
    page = (scenario.build() / "rules.html").read_text(encoding="utf-8")
    # The register's mark (the guard test reads it), then the override's badges.
    assert (
        '<span class="hb-rule" data-rule="mobile" data-strength="规定">本年度流动党员一律书面参加评议。</span>'
        '<span class="srcs" data-search-exclude><a class="src" href="sources.html#src-S003"'
    ) in page
    # A rule without an override keeps the standing text and its sources.
    assert 'href="sources.html#src-S000"' in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{{ deadline("party") }}', "没有这个步骤：party；可用的步骤：plan、study"),
        ('{{ src("S999") }}', "页面 bad.md 引用了未知的来源编号 S999"),
    ],
    ids=["unknown-step", "unknown-source"],
)
def test_a_bad_macro_argument_stops_the_build_in_chinese(scenario, caplog, body, message):
    scenario.page("bad.md", f"# 页面\n\n{body}\n")
    # mkdocs-macros (on_error_fail) logs the macro's error and ends the build with exit status 100.
    with pytest.raises(SystemExit):
        scenario.build()
    assert message in caplog.text
    assert not (scenario.folder / "site").exists()


def test_a_broken_edition_stops_the_build_naming_field_and_line(scenario, editions_copy, latest_year):
    # The newest edition that states a theme (a year waiting for its notice leaves theme_short out).
    path = max((p for p in editions_copy.glob("*.yml") if "\ntheme_short:" in p.read_text(encoding="utf-8")),
               key=lambda p: p.name)
    text = path.read_text(encoding="utf-8")
    # confidence_note: every edition has one, a waiting year (no theme_short yet) too.
    assert "\nconfidence_note:" in text
    path.write_text(text.replace("\nconfidence_note:", "\nconfidence_nte:", 1), encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        scenario.build()
    assert any(e.field == "confidence_nte" and e.message == "没有这个字段（请检查拼写）" for e in info.value.errors)
