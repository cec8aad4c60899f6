"""The search index cuts long Chinese words into their dictionary parts without changing what readers see."""

import json

import pytest

from macros.search import ZWSP, refine


def test_long_words_are_cut_into_their_parts():
    """民主评议 is indexed as 民主 + 评议, so a search for 评议 matches it."""
    assert refine("民主评议").split(ZWSP) == ["民主", "评议"]
    assert refine("预备党员").split(ZWSP) == ["预备", "党员"]


def test_refined_text_reads_the_same():
    """Only invisible zero-width spaces are added: previews and highlights show the original text."""
    text = f"<p>{ZWSP}开展{ZWSP}民主评议{ZWSP}党员{ZWSP}，2025年，short words stay.</p>"
    assert refine(text).replace(ZWSP, "") == text.replace(ZWSP, "")


@pytest.mark.slow
def test_built_index_holds_the_parts(site_cache, latest_year):
    """In a built site every occurrence of 民主评议 is indexed as the two words 民主 and 评议."""
    site = site_cache(latest_year)
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [d["text"] for d in data["docs"] if "民主评议" in d["text"].replace(ZWSP, "")]
    assert texts
    assert all("民主评议" not in t for t in texts)
    assert any(f"民主{ZWSP}评议" in t for t in texts)
