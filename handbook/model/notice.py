"""Facts of a 组织生活会和民主评议党员 notice, found by rules in its formulaic text (no model, no network)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# A document is a notice (or a plan following one) only if it speaks of these.
TOPIC_WORDS = ("组织生活会", "民主评议")
NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［]\s*(\d{4})\s*[〕\]］]\s*\d{1,4}\s*号")
SENTENCE_END = "。；！？"
_DATE = r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日|(底))"
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(?\d+[\.．、)）]|附件)")
_COMMITTEE = re.compile(
    r"(?:党支部委员会|支部委员会|党支部班子|党支部)要?(对照.+?)(?:，?(?:全面)?查找|，?查摆|$)"
)
_FOCUS_ON = re.compile(r"聚焦((?:[\u4e00-\u9fff]{2,6}、){2,}[\u4e00-\u9fff]{2,6})(?:[四五六七八]个|等)方面")
_DISCIPLINES = re.compile(r"对照(?:党的)?((?:[\u4e00-\u9fff]{2}纪律、){2,}[\u4e00-\u9fff]{2}纪律)")
_TITLE = re.compile(r"关于[^。；《》\n]{0,40}?组织生活会[^。；《》\n]{0,40}?的通知")


@dataclass(frozen=True)
class Found:
    """One fact taken from the notice, with the sentence it came from."""

    value: object
    sentence: str


@dataclass
class NoticeFacts:
    """What a notice says, fact by fact; a fact not found is None (or an empty list)."""

    title: Found | None = None
    number: Found | None = None
    issuer: Found | None = None
    year: Found | None = None
    theme: Found | None = None
    study: list[Found] = field(default_factory=list)
    committee: list[Found] = field(default_factory=list)
    member: list[Found] = field(default_factory=list)
    areas: Found | None = None
    finish: Found | None = None
    report: Found | None = None
    specials: dict[str, Found] = field(default_factory=dict)
    # Notices the text cites: (issuer, title, number, sentence).
    cited: list[tuple[str, str, str | None, str]] = field(default_factory=list)

    @property
    def level(self) -> str:
        """The issuer's level, from its name (中央 / 省 / 市 / 县 / other)."""
        name = self.issuer.value if self.issuer else ""
        levels = (("中央", "central"), ("省委", "provincial"), ("市委", "city"), ("县委", "county"))
        for word, level in levels:
            if word in name:
                return level
        return "local"


class NotANotice(ValueError):
    """The text is not a notice about the meetings; the message says why, in Chinese."""


# The special rules a notice may state, by the words that mark their sentences.
SPECIALS = {
    "预备党员": (("预备党员",), ("等次", "评议")),
    "流动党员": (("流动党员", "流入党员"), ("反馈", "组织关系", "评议")),
    "受处分党员": (("处分",), ("评议", "等次")),
    "网上开会": (("网上", "网络视频", "视频"), ("组织生活会", "民主评议", "进行", "开展")),
}
SPECIAL_TITLES = {
    "预备党员": "通知对预备党员的规定", "流动党员": "通知对流动党员的规定",
    "受处分党员": "通知对受处分党员评议等次的规定", "网上开会": "通知对网上或视频方式的规定",
}


def normalize(text: str) -> str:
    """Join the lines a PDF or a web page breaks inside a sentence; fold full-width spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    # Half-width punctuation between Chinese characters (some offices type it) reads as full-width.
    cjk = "\u4e00-\u9fff“”》〉0-9"
    for a, b in ((",", "，"), (":", "："), (";", "；"), ("(", "（"), (")", "）")):
        text = re.sub(f"(?<=[{cjk}]){re.escape(a)}|{re.escape(a)}(?=[{cjk}])", b, text)
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if not ln:
            if out and out[-1] != "":
                out.append("")
            continue
        prev = out[-1] if out else ""
        # A heading or numbered item starts a new line; otherwise a line that did not end a sentence goes on.
        starts_item = _ITEM.match(ln)
        # A title (…的通知, …方案) and a salutation (各党支部：) keep their own lines.
        own_line = prev.endswith(("通知", "方案", "》")) or (ln.endswith(("：", ":")) and len(ln) < 30)
        goes_on = prev and prev[-1] not in SENTENCE_END + "：:" and len(prev) > 20
        if goes_on and not starts_item and not own_line:
            out[-1] = prev + ln
        else:
            out.append(ln)
    joined = "\n".join(x for x in out)
    return re.sub(r"\n{2,}", "\n", joined).strip()


def sentences(text: str) -> list[str]:
    """The text cut into sentences (at 。；！？ and line ends), each stripped."""
    parts = re.split(r"(?<=[。！？；])|\n", text)
    return [p.strip() for p in parts if p and p.strip()]


def _day(m: re.Match, fallback_year: int | None = None) -> dt.date | None:
    year = int(m.group(1)) if m.group(1) else fallback_year
    if not year:
        return None
    month = int(m.group(2))
    if m.group(4) == "底" or not m.group(3):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    try:
        return dt.date(year, month, int(m.group(3)))
    except ValueError:
        return None


def _strip_quotes(s: str) -> str:
    s = s.strip()
    if len(s) > 2 and s[0] in "“\"" and s[-1] in "”\"":
        return s[1:-1]
    return s


def _paragraph(lines: list[str], heading: re.Pattern) -> str:
    """The text of the first line (paragraph) matching a heading pattern."""
    for i, ln in enumerate(lines):
        if heading.search(ln[:40]):
            # A heading alone on its line ("1.深入开展理论学习"): its paragraph is the next line.
            if len(ln) < 30 and i + 1 < len(lines):
                return ln + "\n" + lines[i + 1]
            return ln
    return ""


def check_topic(text: str, name: str) -> None:
    """Refuse a text that is not a notice or plan for the meetings, saying why."""
    if not text.strip():
        raise NotANotice(f"{name} 中没有文字（空文件，或是没有文字层的扫描件）")
    missing = [w for w in TOPIC_WORDS if w not in text]
    if missing:
        raise NotANotice(
            f"{name} 不像组织生活会和民主评议党员的通知：文中没有“{'”“'.join(missing)}”字样"
        )
    if not re.search(r"\d{4}年度|组织生活会的主题|为主题|民主评议党员", text):
        raise NotANotice(f"{name} 中找不到年度、主题等通知的要素")


def extract(text: str, name: str = "通知") -> NoticeFacts:
    """Every fact the rules find in a notice's text (normalize it first)."""
    check_topic(text, name)
    lines = text.split("\n")
    sents = sentences(text)
    facts = NoticeFacts()
    head = "\n".join(lines[:8])
    _title(facts, head, lines)
    _year(facts, text, sents)
    _theme(facts, sents)
    _study(facts, lines)
    _focus(facts, lines, sents)
    _deadlines(facts, sents)
    _specials(facts, sents)
    _cited(facts, sents)
    return facts


def _title(facts: NoticeFacts, head: str, lines: list[str]) -> None:
    flat = re.sub(r"\s*\n\s*", "", head)
    # The document's own title: the first 关于……通知 outside 《》 near the top.
    for m in _TITLE.finditer(flat):
        before = flat[: m.start()]
        if before.count("《") > before.count("》"):
            continue
        facts.title = Found(m.group(0), m.group(0))
        line = next((ln for ln in head.split("\n") if m.group(0)[:8] in ln), "")
        before = line.split(m.group(0)[:8])[0] if line else before
        issuer = re.search(r"([\u4e00-\u9fff]{2,20}(?:委员会|党委|党总支|党支部|组织部|工委))\s*$", before)
        if issuer:
            facts.issuer = Found(issuer.group(1), issuer.group(1) + m.group(0))
        break
    # A plan's title: 工作方案 at the very top.
    if facts.title is None and lines and "方案" in lines[0][:60]:
        first = re.split(r"根据", lines[0])[0].strip(" *")
        facts.title = Found(first, lines[0][:80])
    for ln in lines[:6]:
        m = NUMBER.search(ln)
        if m and ln.strip() == m.group(0).strip():
            facts.number = Found(re.sub(r"\s+", "", m.group(0)), ln.strip())
            break
    if facts.issuer is None:
        # The signature: an organisation's name alone on one of the last lines, before the date.
        for ln in reversed(lines[-6:]):
            s = ln.strip()
            if re.fullmatch(r"[\u4e00-\u9fff]{2,20}(?:委员会|党委|党总支|党支部|组织部|工委)", s):
                facts.issuer = Found(s, s)
                break


def _year(facts: NoticeFacts, text: str, sents: list[str]) -> None:
    src = facts.title.value if facts.title else ""
    m = re.search(r"(\d{4})年度", src) or re.search(r"(\d{4})年度", text)
    if m:
        where = next((s for s in sents if m.group(0) in s), m.group(0))
        facts.year = Found(int(m.group(1)), where)
        return
    # No 年度 anywhere (a 专题 notice): the year under review ends before a notice of January to June.
    m = re.search(r"(?:发布日期|发布时间|日期)[：:]\s*(\d{4})[-年](\d{1,2})", text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        line = next((s for s in sents if m.group(0) in s), m.group(0))
        facts.year = Found(year - 1 if month <= 6 else year, line)


def _theme(facts: NoticeFacts, sents: list[str]) -> None:
    for s in sents:
        m = re.search(r"主题(?:是|为)[：:]\s*(.+?)[。]?$", s)
        if m:
            facts.theme = Found(_strip_quotes(m.group(1)), s)
            return
    # Then the other ways notices state it, most explicit first: 以……为主题; 紧扣……主题;
    # 紧紧围绕……来进行 (the central notices' wording); the meeting "是……的重要举措" last.
    for pattern in (r"以(.{8,300}?)为主题", r"紧扣(.{6,80}?)主题", r"紧紧围绕(.{8,300}?)来进行",
                    r"组织生活会.{0,30}?是(.{8,300}?)的重要举措"):
        for s in sents:
            m = re.search(pattern, s)
            if m:
                facts.theme = Found(_strip_quotes(m.group(1).strip("，、")), s)
                return


_STUDY_HEAD = re.compile(r"组织学习|集中学习|认真学习|深化学习|理论学习|专题学习")
# "组织党员原原本本、逐字逐句学党的二十大报告": 学 without 习, after its adverbs.
_STUDY_PLAIN = re.compile(r"^(?:组织党员)?(?:原原本本|逐字逐句|、)+学(?!习)(.+)$")
_STUDY_CLAUSE = re.compile(
    r"^(?:以及|特别是要?|并)?(?:组织党员)?(?:深入|认真|重点|原原本本|一体)?(?:组织)?学习(?:领会|贯彻|掌握)?(?!研讨|宣传|交流|材料|资料)(.+)$"
)
_STUDY_WORDS = ("精神", "讲话", "《", "党章", "条例", "决议", "思想", "意见", "文件")


def _study(facts: NoticeFacts, lines: list[str]) -> None:
    para = _paragraph(lines, _STUDY_HEAD)
    if not para:
        return
    seen: set[str] = set()
    for sent in sentences(para):
        for clause in re.split(r"[，,]", sent):
            clause = clause.strip().rstrip("。；")
            m = _STUDY_CLAUSE.match(clause) or _STUDY_PLAIN.match(clause)
            if not m:
                m = re.match(r"^以及(.+)$", clause)
            if not m:
                continue
            item = m.group(1).strip()
            item = re.sub(r"^(?:和|及)", "", item)
            if len(item) < 4 or not any(w in item for w in _STUDY_WORDS) or item in seen:
                continue
            seen.add(item)
            facts.study.append(Found(item, sent))


_FOCUS_HEAD = re.compile(r"查摆问题|查找问题|查找薄弱环节|对照检查")


def _focus(facts: NoticeFacts, lines: list[str], sents: list[str]) -> None:
    para = _paragraph(lines, _FOCUS_HEAD) or "\n".join(lines)
    for sent in sentences(para):
        committee = _COMMITTEE.search(sent)
        if committee and not facts.committee and "党员主要" not in sent[:8]:
            for part in _parts(committee.group(1)):
                facts.committee.append(Found(part, sent))
            continue
        joint = re.search(r"党支部和党员要.{0,40}?(对照.+?)(?:，把自己|，?查摆|，?(?:全面)?查找|$)", sent)
        if joint and not facts.committee and not facts.member:
            # One requirement for both (2025年度's "党支部和党员要……对照……"): it is each one's focus.
            for part in _parts(joint.group(1)):
                facts.committee.append(Found(part, sent))
                facts.member.append(Found(part, sent))
            continue
        member = re.search(r"(?:组织)?党员(?:主要)?(对照.+?)(?:，联系实际|，?(?:全面)?查找|$)", sent)
        if member and not facts.member:
            for part in _parts(member.group(1)):
                facts.member.append(Found(part, sent))
    for s in sentences(para) + sents:
        m = re.search(r"在((?:[\u4e00-\u9fff]{2,4}、){2,}[\u4e00-\u9fff]{2,4})等方面的?问题和不足", s)
        if not m:
            m = _FOCUS_ON.search(s) or _DISCIPLINES.search(s)
        if m:
            facts.areas = Found(m.group(1).split("、"), s)
            break


def _parts(clause: str) -> list[str]:
    """A list of 对照…… requirements cut at each 对照 (and the 看…… questions kept whole)."""
    parts = [p.strip("，、 ") for p in re.split(r"[，、]\s*(?=对照)", clause)]
    return [p for p in parts if len(p) > 3]


def _deadlines(facts: NoticeFacts, sents: list[str]) -> None:
    year = facts.year.value + 1 if facts.year else None
    for s in sents:
        if facts.finish is None and "完成" in s:
            m = re.search(_DATE + r"前(?:全部)?完成", s) or re.search(
                r"()(\d{1,2})月(?:(\d{1,2})日|(底))前(?:全部)?完成", s)
            if m:
                day = _day(m, year)
                if day:
                    facts.finish = Found(day, s)
        if facts.report is None and re.search(r"报|报送|上报", s):
            m = re.search(r"于?" + _DATE + r"前(?:报|上报|报送)", s)
            if m:
                day = _day(m, year)
                if day:
                    facts.report = Found(day, s)
    if facts.finish is None:
        # "工作时间：2019年1月8日至2019年1月22日": the end of the stated period.
        for s in sents:
            m = re.search(r"\d{4}年\d{1,2}月\d{1,2}日(?:—|－|-|至)" + _DATE + r"$", s.rstrip("。"))
            if m and len(s) < 40:
                day = _day(m, year)
                if day:
                    facts.finish = Found(day, s)
                    break
    if facts.year is None and facts.finish:
        # A plan without 年度 (2016年度's, done by March 2017): the year under review ends before the finish.
        f = facts.finish.value
        facts.year = Found(f.year - 1 if f.month <= 6 else f.year, facts.finish.sentence)


def _specials(facts: NoticeFacts, sents: list[str]) -> None:
    for key, (marks, context) in SPECIALS.items():
        for s in sents:
            if any(w in s for w in marks) and any(w in s for w in context) and len(s) < 200:
                facts.specials[key] = Found(s, s)
                break


def _cited(facts: NoticeFacts, sents: list[str]) -> None:
    seen = set()
    for s in sents:
        for m in re.finditer(
            r"([\u4e00-\u9fff]{0,20}?)《((?:[^《》]|《[^《》]*》)*?通知)》"
            r"\s*[（(]([^（）()]{2,20}?号)[）)]", s
        ):
            issuer, title, number = m.group(1), m.group(2), re.sub(r"\s+", "", m.group(3))
            issuer = re.split(r"根据|按照|依据|落实|贯彻|要求|精神", issuer)[-1]
            if number in seen:
                continue
            seen.add(number)
            if "《" not in title and title.startswith(("中共", "中国共产党")) and not issuer:
                # 《中共中央组织部关于……的通知》: the issuer is inside the title.
                m2 = re.match(r"(中共[\u4e00-\u9fff*＊]{1,15}?(?:组织部|委员会))(关于.+)", title)
                if m2:
                    issuer, title = m2.group(1), m2.group(2)
            facts.cited.append((issuer, title, number, s))
