"""The corrections of issue 15 as the built handbook shows them: scripts, checklists, the talks page, Word."""

from __future__ import annotations

import re

import docx
import lxml.html
import pytest

from handbook.model.editions import snapshot

pytestmark = pytest.mark.slow

_, EDITIONS = snapshot()
YEARS = sorted(EDITIONS)
SCRIPTS = ("general", "committee", "group")


def article(path):
    return lxml.html.fromstring(path.read_text(encoding="utf-8")).xpath("//article")[0]


def flat(el) -> str:
    return re.sub(r"\s+", "", el.text_content())


def read_aloud(root):
    """The paragraphs a secretary reads out: not stage directions, notes or boxes."""
    for p in root.iter("p", "li"):
        classes = set((p.get("class") or "").split())
        boxed = any("admonition" in (a.get("class") or "") for a in p.iterancestors())
        if not classes & {"stage", "hb-note", "hb-office", "admonition-title"} and not boxed:
            yield p


@pytest.mark.parametrize("year", YEARS)
def test_scripts_read_aloud_without_badges(site_cache, year):
    # Item 18: sources gathered per section ("本节依据"), none inside what is read aloud.
    site = site_cache(year)
    for name in SCRIPTS:
        root = article(site / "scripts" / f"{name}.html")
        inline = [flat(p)[:60] for p in read_aloud(root) if p.xpath(".//*[contains(@class, 'srcs')]")]
        assert not inline, f"{year} {name}: {inline}"
        notes = root.xpath("//p[contains(@class, 'hb-section-srcs')]")
        assert len(notes) >= 4 and all(n.xpath(".//a[@class='src']") for n in notes), f"{year} {name}"
        page = flat(root)
        for wrong in ("不限制", "不受此限", "不能进行民主测评", "本次会议可以进行表决"):
            assert wrong not in page, f"{year} {name}: {wrong}"


def test_word_scripts_keep_their_sentences_whole(site_cache, latest_year):
    # Item 18: a sentence that named its source by a badge read "依据中党员大会的议程编排" in Word.
    path = site_cache(latest_year) / "office" / "scripts" / "general.docx"
    body = "".join(p.text for p in docx.Document(str(path)).paragraphs)
    body += "".join(c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells)
    assert "依据中" not in body
    assert "会议议程依据一份2024年度工作方案（S001）中党员大会的议程编排" in re.sub(r"\s+", "", body)
    assert "本节依据：" not in body


@pytest.mark.parametrize("year", YEARS)
def test_checklists_and_talks_page(site_cache, year):
    site = site_cache(year)
    after = flat(article(site / "checklists" / "after.html"))
    # Item 6: S004's 思想汇报 rule belongs to 2016 only.
    assert ("思想汇报" in after) == (year == 2016)
    during = article(site / "checklists" / "during.html")
    # Item 5: that the 组长 chairs the 党小组会 is practice, cited as such.
    group = next(li for li in during.iter("li") if "党员逐一个人自评" in flat(li))
    assert group.xpath(".//span[@data-rule='group-leader' and @data-strength='惯例']")
    # Item 3: 不记名 is practice, not S002 or S004.
    general = article(site / "scripts" / "general.html")
    anon = general.xpath("//span[@data-rule='anonymous']")
    if not EDITIONS[year].procedure:
        assert anon and all(a.get("data-strength") == "惯例" for a in anon)
    # Item 16: the secretary's talks as the talk plan arranges them, and S004's own words.
    talks = flat(article(site / "steps" / "talks.html"))
    assert "书记要与每位支委、每名党员谈" not in talks
    assert "各党支部书记要与支部委员、与党员谈心" in talks
    # Item 15: no epidemic wording after 2021.
    if year >= 2022:
        for page in ("scripts/general.html", "checklists/before.html", "rules.html", "drafts/plan.html"):
            assert "疫情" not in flat(article(site / page)), f"{year} {page}"
