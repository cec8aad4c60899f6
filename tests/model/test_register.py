"""The rules register: each rule's strength shows in its words, and every citation can be checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.errors import InputErrors
from handbook.model.context import YearContext
from handbook.model.editions import EDITIONS_DIR, STRENGTH_WORDS, load_all, load_common
from handbook.settings import current

ROOT = Path(__file__).resolve().parents[2]
COMMON = load_common(EDITIONS_DIR)
EDITIONS = load_all(EDITIONS_DIR)


def register() -> list[tuple[str, object]]:
    """Every rule of the register: the standing rules and each edition's overrides, named for messages."""
    out = [(f"common.yml 规则 {r.id}", r) for r in COMMON.rules]
    for year, e in sorted(EDITIONS.items()):
        out += [(f"{year}.yml 的 rule_overrides.{rid}", r) for rid, r in e.rule_overrides.items()]
    return out


def seed_text(source_id: str) -> str:
    """A seed's text, from the project's copy (HANDBOOK_SEEDS, or the shared/seeds beside the project)."""
    ref = COMMON.sources[source_id].ref
    seeds = current().seeds_dir
    path = (seeds / Path(ref).name) if seeds else ROOT.parent / ref
    assert path.is_file(), f"找不到来源 {source_id} 的原文 {path}（请设置 HANDBOOK_SEEDS）"
    return path.read_text(encoding="utf-8")


def test_every_seed_phrase_is_in_its_seed():
    missing = []
    for name, rule in register():
        for c in rule.cite:
            if COMMON.sources[c.source].kind == "seed" and c.phrase not in seed_text(c.source):
                missing.append(f"{name}：来源 {c.source} 中找不到“{c.phrase}”")
    assert not missing, "\n".join(missing)


def test_every_web_citation_has_its_address_and_phrase():
    for name, rule in register():
        for c in rule.cite:
            src = COMMON.sources[c.source]
            if src.kind == "web":
                assert c.url and c.phrase, name
                assert c.url == src.url, f"{name}：{c.source} 的地址与来源登记不一致"


def test_the_wording_shows_the_strength():
    for name, rule in register():
        for word in STRENGTH_WORDS[rule.strength]:
            if word in rule.text:
                break
        else:
            assert not STRENGTH_WORDS[rule.strength], f"{name}：文字没有体现“{rule.strength}”"


def test_the_register_holds_the_corrected_rules():
    quorum = COMMON.rule("quorum").text + COMMON.rule("voting-members").text
    assert "民主测评" not in COMMON.rule("quorum").text, "民主测评不是表决"
    assert "留党察看" in quorum and "预备党员没有表决权" in quorum
    assert "不是党员大会对议题的表决" in COMMON.rule("survey-not-vote").text
    assert COMMON.rule("anonymous").strength == "惯例"
    assert COMMON.rule("group-leader").strength == "惯例"
    assert COMMON.rule("excellent-cap").strength == "一般"
    texts = "".join(r.text for _, r in register()) + COMMON.excellent_cap.text
    for wrong in ("不限制", "不受此限", "尚未核实", "本手册"):
        assert wrong not in texts
    # 党员教育管理工作条例: no stored page confirms its article numbers, so none is cited.
    basis = "".join(b.text for b in COMMON.legal_basis)
    for article in ("第十六条", "第十七条", "第十八条", "第十九条", "第三十二条"):
        assert article not in basis
    assert "2024年6月16日" in COMMON.sources["W-CZBF"].title


def test_epidemic_wording_only_in_2020_and_2021():

    for year, e in EDITIONS.items():
        if year >= 2022:
            assert "疫情" not in YearContext(e, COMMON).rule("face-to-face").text
            assert all("疫情" not in s.title + (s.text or "") for s in e.specials)


BAD_RULES = [
    ("phrase: 做到宁缺毋滥}", "phrase: 做到宁缺毋滥做到宁缺毋滥做到宁缺毋滥做到宁缺毋滥}", "最多 20 个字"),
    ("strength: 一般\n    text: 党支部评定为“优秀”的党员，比例一般",
     "strength: 一般\n    text: 党支部评定为“优秀”的党员，比例", "写明“一般”"),
    ("- {source: W-ZBTL, phrase: 半数以上有表决权的党员到会方可进行, url:",
     "- {source: W-ZBTL, phrase: 半数以上有表决权的党员到会方可进行, urlx:", "没有这个字段"),
    ("    text: 测评表不记名填写，是通行做法：", "    text: 测评表必须不记名填写，是通行做法：", "硬性措辞"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_RULES)
def test_a_broken_rule_names_file_field_and_line(editions_copy, old, new, message):
    path = editions_copy / "common.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        load_common(editions_copy)
    shown = str(err.value)
    assert "common.yml:" in shown and "rules[" in shown and message in shown, shown


def test_a_web_citation_without_its_address_is_refused(editions_copy):
    path = editions_copy / "common.yml"
    text = path.read_text(encoding="utf-8")
    old = ', url: "http://www.xgll.com.cn/zt/fzxcyrysf/2021-09/16/content_380801.htm"}'
    path.write_text(text.replace(old, "}", 1), encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        load_common(editions_copy)
    assert "网页地址" in str(err.value) and "rules[" in str(err.value)
