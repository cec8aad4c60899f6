"""A page that names a `handbook` command says it is for a maintainer or the upper level (issue 18 item 6)."""

from __future__ import annotations

import re

import lxml.html
import pytest

pytestmark = pytest.mark.slow

# A command as pages write it: `handbook results`, `.venv/bin/handbook new-edition`.
COMMAND = re.compile(r"\bhandbook\s+([a-z][a-z-]+)")
NOTE = "hb-cmd-note"


def _commands(text: str) -> set[str]:
    return set(COMMAND.findall(text))


def unnoted(html: str) -> tuple[set[str], list[str]]:
    """The commands an article names outside its notes, less those the notes cover; and the notes' texts."""
    doc = lxml.html.fromstring(html)
    article = (doc.xpath("//article") or [doc])[0]
    notes = article.xpath(f'.//*[contains(concat(" ", normalize-space(@class), " "), " {NOTE} ")]')
    texts = [n.text_content() for n in notes]
    covered = set().union(*(_commands(t) for t in texts))
    for n in notes:
        n.drop_tree()
    return _commands(article.text_content()) - covered, texts


def test_every_command_a_page_names_has_the_note(site_cache, latest_year):
    site = site_cache(latest_year)
    missing, notes = {}, []
    for path in sorted(site.rglob("*.html")):
        left, texts = unnoted(path.read_text(encoding="utf-8"))
        notes += texts
        if left:
            missing[str(path.relative_to(site))] = sorted(left)
    assert not missing, f"页面提到命令却没有说明谁来运行：{missing}"
    # The pages that name commands today carry the note, and each note is the one sentence of the partial.
    assert len(notes) >= 7
    assert all("是维护本单位手册副本的同志或上级党组织用的命令，党支部不必运行：" in t for t in notes)


def test_the_check_bites():
    """A command named without the note is caught; one the note names is not."""
    bare = "<article><p>用命令 <code>handbook drafts</code> 生成。</p></article>"
    assert unnoted(bare)[0] == {"drafts"}
    noted = (
        '<article><p>用命令 <code>handbook drafts</code> 生成。<span class="hb-help hb-cmd-note">'
        "<code>handbook drafts</code>是……</span></p><pre>handbook pack --out x</pre></article>"
    )
    assert unnoted(noted)[0] == {"pack"}
