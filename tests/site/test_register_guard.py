"""What is printed and read aloud is right by construction (issue 15).

1. Every normative sentence (须, 应当, 不得, 一般不超过, 方可, 有效, 不能, 可以…) in every output of every edition
   comes from the rules register: in HTML it sits inside the register's mark (class hb-rule, rendered by
   _rule.html.j2); in a .docx it is the register's own words.
2. No editor's marker (本手册, 尚未掌握, 需核实, 转引未核对, project paths…) is printed or read aloud outside the
   elements marked as notes (hb-note, gw-note, badges), which Word leaves out or boxes.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import lxml.html
import pytest

from handbook.model.editions import snapshot
from handbook.model.forms import all_forms
from handbook.model.roster import read_roster
from handbook.model.tally import check, load_tally
from handbook.model.unit import Unit
from handbook.render.drafts import KINDS, render_draft
from handbook.render.forms import example_kwargs, render_form
from handbook.model.context import YearContext
from handbook.render.results import DOCS, render_result, results_context
from tests.jobs import tally_data

pytestmark = pytest.mark.slow

COMMON, EDITIONS = snapshot()
YEARS = sorted(EDITIONS)

# Normative words. 有效票/无效票 (valid ballots) is a count's name, not a rule.
NORMATIVE = re.compile(r"须|应当|不得|一般不超过|方可|有效(?!票|的测评表)|无效(?!票)|不能|可以")
# Register output, tool help (how to use a page's buttons, never a rule of the procedure) and screen-only tips.
GUARD_EXEMPT = ("hb-rule", "hb-help", "screen-only", "zt-hint")
MARKERS = re.compile(r"本手册|尚未掌握|未掌握|需核实|尚未核实|转引未核对|editions/|local/|shared/|\.ya?ml\b|\.py\b")
# Elements marked as notes: print boxes them, Word leaves them out (hb-note, badges) or boxes them (gw-note).
NOTE_CLASSES = ("hb-note", "gw-note", "srcs", "hb-office", "screen-only")
# The printed and read-aloud pages of the site: scripts, checklists, drafts, forms.
PRINTED = ("scripts/", "checklists/", "drafts/", "forms/")


def _has_class(el, names) -> bool:
    classes = set((el.get("class") or "").split())
    return bool(classes & set(names))


def _text_without(root, names) -> list[str]:
    """The text of each block (p, li, td, th, h1–h4) of root, leaving out elements with one of the classes."""
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.tag in ("script", "style"):
            el.drop_tree()
    for el in list(root.iter()):
        if isinstance(el.tag, str) and _has_class(el, names) and el.getparent() is not None:
            el.drop_tree()
    blocks = []
    for el in root.iter("p", "li", "td", "th", "h1", "h2", "h3", "h4", "dd", "dt", "figcaption", "label"):
        own = (el.text or "") + "".join(
            (c.text_content() if c.tag not in ("p", "li", "ul", "ol", "table", "div") else "") + (c.tail or "")
            for c in el
            if isinstance(c.tag, str)
        )
        text = re.sub(r"\s+", "", own)
        if text:
            blocks.append(text)
    return blocks


def _sentences(block: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；])", block) if s]


def _article(path: Path):
    doc = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    found = doc.xpath("//article")
    return found[0] if found else doc


def _normative(blocks: list[str]) -> list[str]:
    return [s for b in blocks for s in _sentences(b) if NORMATIVE.search(s)]


def _register_words(edition) -> list[str]:
    """Every rule text this edition can print, longest first, with and without its closing stop."""
    texts = {YearContext(edition, COMMON).rule(r.id).text for r in COMMON.rules}
    # A page may quote one clause of a rule (a grade's follow-up restates the 不合格 rule's last clauses).
    texts |= {part for t in texts for part in re.split(r"(?<=[。；])", t) if len(part) > 6}
    texts |= {t.rstrip("。；，") for t in texts}
    return sorted(texts, key=len, reverse=True)


def _docx_text(path: Path) -> list[str]:
    d = docx.Document(str(path))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            out += [c.text for c in row.cells]
    return [re.sub(r"\s+", "", t) for t in out if t.strip()]


def _results_html(tmp_path: Path, edition) -> dict[str, str]:
    roster, tally, _, _ = tally_data.branch(tmp_path / "branch", n=12)
    members = read_roster(roster).members
    results = check(load_tally(tally), roster, members)
    ctx = results_context(results, YearContext(edition, COMMON, Unit()))
    return {kind: render_result(kind, ctx) for kind in DOCS}


def _outputs(site: Path, year: int, tmp_path: Path) -> dict[str, lxml.html.HtmlElement]:
    """Every HTML output of an edition: its built pages, its drafts, its forms (print) and its results."""
    edition = EDITIONS[year]
    out = {str(p.relative_to(site)): _article(p) for p in sorted(site.rglob("*.html")) if p.name != "404.html"}
    for kind in KINDS:
        out[f"草稿 {kind}"] = lxml.html.fromstring(render_draft(kind, YearContext(edition, COMMON, Unit()), None))
    for form in all_forms().values():
        for i, _ in enumerate(form.examples):
            html = render_form(form, YearContext(edition, COMMON), target="pdf", **example_kwargs(form, i))
            out[f"表格 {form.id} 示例{i + 1}"] = lxml.html.fromstring(f"<div>{html}</div>")
    if year == max(YEARS):
        for kind, html in _results_html(tmp_path, edition).items():
            out[f"结果文件 {kind}"] = lxml.html.fromstring(html)
    return out


@pytest.mark.parametrize("year", YEARS)
def test_every_normative_sentence_comes_from_the_register(site_cache, year, tmp_path):
    site = site_cache(year)
    found = []
    for name, root in _outputs(site, year, tmp_path).items():
        found += [f"{year} {name}：{s}" for s in _normative(_text_without(root, GUARD_EXEMPT))]
    # Word files (the newest edition's site carries them): a normative sentence is the register's words.
    words = _register_words(EDITIONS[year])
    for path in sorted((site / "office").rglob("*.docx")) if (site / "office").is_dir() else []:
        for block in _docx_text(path):
            for w in words:
                block = block.replace(re.sub(r"\s+", "", w), "")
            found += [f"{year} {path.relative_to(site)}：{s}" for s in _sentences(block) if NORMATIVE.search(s)]
    assert not found, "不是来自规则登记的规范性语句：\n" + "\n".join(found)


@pytest.mark.parametrize("year", YEARS)
def test_nothing_internal_is_printed_or_read_aloud(site_cache, year, tmp_path):
    site = site_cache(year)
    found = []
    for name, root in _outputs(site, year, tmp_path).items():
        if name.endswith(".html") and not name.startswith(PRINTED):
            continue
        for block in _text_without(root, NOTE_CLASSES):
            found += [f"{year} {name}：{block[:80]}" for _ in MARKERS.finditer(block)][:1]
    for path in sorted((site / "office").rglob("*.docx")) if (site / "office").is_dir() else []:
        d = docx.Document(str(path))
        # Word boxes notes as one-cell tables; the running paragraphs are what is printed and read.
        found += [f"{year} {path.relative_to(site)}：{p.text[:80]}" for p in d.paragraphs if MARKERS.search(p.text)]
    assert not found, "打印或照读的内容中出现了编辑标记：\n" + "\n".join(found)


def test_the_guard_bites():
    """A typed normative sentence and an editor's marker are caught; the register's mark is not."""
    root = lxml.html.fromstring(
        '<div><p>到会不足半数的，不能进行测评。</p><p><span class="hb-rule">须有半数以上到会方可进行。</span></p>'
        '<p>标题本手册尚未掌握。</p><p class="hb-note">本手册尚未掌握。</p></div>'
    )
    assert _normative(_text_without(root, GUARD_EXEMPT)) == ["到会不足半数的，不能进行测评。"]
    root = lxml.html.fromstring(
        '<div><p>标题本手册尚未掌握。</p><p class="hb-note">本手册尚未掌握。</p></div>'
    )
    assert [b for b in _text_without(root, NOTE_CLASSES) if MARKERS.search(b)] == ["标题本手册尚未掌握。"]
