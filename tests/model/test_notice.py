"""Notice extraction by rules: the seeds' facts, stored public notices' short extracts, refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handbook.model.notice import NotANotice, extract, normalize
from handbook.paths import ROOT
from handbook.settings import current

# Where the seed documents are (HANDBOOK_SEEDS, or the shared/seeds the project sits beside).
SEEDS = current().seeds_dir or ROOT.parent / "shared" / "seeds"


def seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return extract(normalize(path.read_text(encoding="utf-8")), path.name)


def test_township_notice_2021_every_fact():
    f = seed("003")
    assert f.year.value == 2021 and f.issuer.value == "中共大东沟镇委员会"
    assert f.title.value == "关于召开2021年度基层党组织组织生活会和开展民主评议党员的通知"
    assert "党的十九届六中全会精神" in f.theme.value and "为主题" in f.theme.sentence
    assert [s.value for s in f.study][-1] == "省第十二次党代会精神" and len(f.study) == 4
    assert f.committee[0].value.startswith("对照党章") and len(f.committee) == 4
    assert f.member[1].value == "对照新时代合格党员标准"
    assert f.areas.value == ["政治", "思想", "学习", "工作", "能力", "纪律", "作风"]
    assert f.finish.value == dt.date(2022, 2, 28) and "2月底前完成" in f.finish.sentence
    assert f.report.value == dt.date(2022, 3, 5)
    assert set(f.specials) == {"预备党员", "流动党员", "受处分党员", "网上开会"}
    assert ("中共中央组织部", "组通字〔2021〕46号") in [(c[0], c[2]) for c in f.cited]


def test_college_notice_2020_number_study_deadlines():
    f = seed("002")
    assert f.number.value == "院委组[2021]1号" and f.year.value == 2020
    assert f.title.value.endswith("开展民主评议党员的通知")  # a title broken over two lines
    assert f.study[0].value == "党的十九届五中全会精神"
    assert f.finish.value == f.report.value == dt.date(2021, 3, 20)
    assert f.areas.value == ["政治", "思想", "学习", "工作", "能力", "作风"]
    # No "以……为主题": the meeting's purpose (是……的重要举措) is taken, last of the ways, to check.
    assert "巩固深化“不忘初心、牢记使命”主题教育成果" in f.theme.value and "重要举措" in f.theme.sentence


def test_court_plan_2021_theme_and_blank_deadlines():
    f = seed("000")
    assert f.year.value == 2021 and f.theme.value.startswith("深入学习贯彻习近平新时代中国特色社会主义思想")
    assert "主题是" in f.theme.sentence
    assert f.finish is None and f.report is None  # "2022年*月*日前": blanks are not dates
    assert len(f.study) == 4 and len(f.committee) == 4 and len(f.member) == 4


def test_plan_2016_without_year_word_gets_its_year_from_the_deadline():
    f = seed("004")
    assert f.finish.value == dt.date(2017, 3, 23) and f.year.value == 2016
    assert f.theme.value == "学习贯彻党的十八届六中全会精神"
    assert f.areas.value == ["政治合格", "执行纪律合格", "品德合格", "发挥作用合格"]


def test_stale_plan_2024_shows_its_copied_theme_for_review():
    f = seed("001")
    assert f.year.value == 2024 and "十九大" in f.theme.value  # the review shows it beside its sentence
    assert f.cited[0][2] == "天组通〔2024〕4号"


# Short extracts of stored public notices (zzb/ccutchi/smee pages cited in DOMAIN.md), line breaks as stored.
PUBLIC_2025 = """各党总支:
根据上级有关通知精神,结合我校实际,现就召开2025年度基层党组织组织生活会和开展民主评议党员工作有关事项通知如下:
一、会议主题
本次组织生活会的主题为:深入学习贯彻党的二十大及二十届四中全会精神,巩固拓展主题教育成果,持续深化中央八项规定精神学习教育。
二、方法步骤
1.深入开展理论学习
组织党员深入学习贯彻习近平新时代中国特色社会主义思想和党的二十届四中全会精神,学习党章、中央八项规定及其实施细则精神。
"""

PUBLIC_2024 = """关于基层党组织召开2024年度组织生活会和开展民主评议党员工作的通知
机关党委,各党总支、直属党支部:
经研究决定,各基层党支部组织生活会和开展民主评议党员工作一并进行,于2025年3月28日前完成。现将具体要求通知如下:
一、组织党员深化学习。各党支部要把学习贯彻习近平新时代中国特色社会主义思想和党的二十届三中全会精神贯穿始终,学习党章、《中国共产党纪律处分条例》和《中共中央办公厅关于推进党纪学习教育常态化长效化的意见》(中办发〔2024〕62号)等。
"""


def test_public_notice_2025_theme_with_half_width_punctuation():
    f = extract(normalize(PUBLIC_2025))
    assert f.year.value == 2025
    assert f.theme.value.startswith("深入学习贯彻党的二十大及二十届四中全会精神，巩固拓展主题教育成果")
    assert "中央八项规定及其实施细则精神" in [s.value for s in f.study][-1]


def test_public_notice_2024_finish_and_study():
    f = extract(normalize(PUBLIC_2024))
    assert f.year.value == 2024 and f.finish.value == dt.date(2025, 3, 28)
    assert any("纪律处分条例" in s.value for s in f.study)
    assert f.theme is None  # this extract has no sentence stating it: missing, never guessed


PUBLIC_2022 = """这次组织生活会和民主评议党员,要全面贯彻习近平新时代中国特色社会主义思想,\
紧紧围绕深入学习贯彻党的二十大精神,深刻领悟“两个确立”的决定性意义,增强党组织政治功能和组织功能来进行。
二、时间安排
结合2023年2月、3月支部主题党日活动进行,3月底前完成
1.认真学习领会党的二十大精神。组织党员原原本本、逐字逐句学党的二十大报告和党章,学习习近平总书记在党的二十届一中全会上的重要讲话精神。
召开2022年度党支部组织生活会和开展民主评议党员。
"""

PUBLIC_2023 = """关于基层党组织召开专题组织生活会和开展民主评议党员的通知
发布日期:2024-01-04
一、组织党员深化学习。要紧扣学习贯彻习近平新时代中国特色社会主义思想主题,聚焦“学思想、强党性、重实践、建新功”总要求。
"""


def test_public_notice_2022_theme_of_the_central_wording_and_a_year_less_date():
    f = extract(normalize(PUBLIC_2022))
    assert f.theme.value.startswith("深入学习贯彻党的二十大精神") and "来进行" in f.theme.sentence
    assert f.finish.value == dt.date(2023, 3, 31)  # "3月底前完成" in a 2022年度 notice
    want = ["党的二十大报告和党章", "习近平总书记在党的二十届一中全会上的重要讲话精神"]
    assert [s.value for s in f.study] == want


def test_public_special_notice_2023_year_from_its_date():
    f = extract(normalize(PUBLIC_2023))
    assert f.year.value == 2023 and "2024-01-04" in f.year.sentence
    assert f.theme.value == "学习贯彻习近平新时代中国特色社会主义思想"


@pytest.mark.parametrize("text, why", [
    ("", "没有文字"),
    ("关于做好2026年度防汛工作的通知\n各单位要做好值班。", "不像组织生活会"),
])
def test_not_a_notice_is_refused_saying_why(text, why):
    with pytest.raises(NotANotice, match=why):
        extract(normalize(text), "x.txt")


def test_seeds_are_there():
    assert len(list(Path(SEEDS).glob("*.txt"))) == 5, f"{SEEDS} 中应有 5 份原文；请设置 HANDBOOK_SEEDS"


PUBLIC_2018 = """关于开展2018年度学生党支部组织生活会和开展民主评议党员的通知
根据《关于召开2018年度基层党支部组织生活会和开展民主评议党员的通知》(某某党发[2019]4号)的相关要求,现将有关事宜通知如下。
一、工作时间
2019年1月8日至2019年1月22日
二、工作要求
其中预备党员参加评议但不评等次,民主评议党员结果作为评奖评优的重要参考。
"""


def test_public_forwarding_notice_2018_period_and_cited_number():
    f = extract(normalize(PUBLIC_2018))
    assert f.year.value == 2018 and f.finish.value == dt.date(2019, 1, 22)
    assert [c[2] for c in f.cited] == ["某某党发[2019]4号"]
    assert "预备党员" in f.specials and f.theme is None and f.study == []
