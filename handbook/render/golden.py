"""Golden files: rendered HTML fragments of every form's examples, compared by the tests."""

from __future__ import annotations

from pathlib import Path

from ..model.context import year_context
from ..model.forms import load_forms
from ..paths import ROOT
from .forms import example_kwargs, render_form

GOLDEN_DIR = ROOT / "tests" / "golden" / "forms"
# A fixed, confirmed edition: goldens must not change when a newer year is added.
GOLDEN_YEAR = 2021


def golden_outputs() -> dict[str, str]:
    """File name → rendered HTML for every form, example and target (web page and PDF)."""
    ctx = year_context(GOLDEN_YEAR)
    out: dict[str, str] = {}
    for form_id, form in sorted(load_forms().items()):
        for i in range(len(form.examples)):
            for target in ("web", "pdf"):
                html = render_form(form, ctx, target=target, **example_kwargs(form, i))
                out[f"{form_id}.example{i}.{target}.html"] = html.strip() + "\n"
    return out


def write_golden(directory: Path = GOLDEN_DIR) -> list[str]:
    """Rewrite every golden file; return the names that changed (stale ones are removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    outputs = golden_outputs()
    changed = []
    for name, html in outputs.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != html:
            path.write_text(html, encoding="utf-8")
            changed.append(name)
    for stale in directory.glob("*.html"):
        if stale.name not in outputs:
            stale.unlink()
            changed.append(stale.name)
    return changed
