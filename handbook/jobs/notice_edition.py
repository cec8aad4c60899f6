"""`handbook new-edition YEAR --notice FILE`: a year's edition from its notice, every fact marked to check."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml

from ..errors import InputError
from ..model.changes import diff_editions
from ..model.editions import (
    FACT_KEYS,
    FACT_NAMES,
    PENDING_FIELDS,
    STEP_KEYS,
    Edition,
    cn_date,
    edition_paths,
    editions_dir,
    load_all,
    load_common,
    load_edition,
)
from ..model.notice import SPECIAL_TITLES, NotANotice, NoticeFacts, extract, normalize
from ..paths import local_dir
from ..yamlio import load_yaml

SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".txt")
MARK = "摘自通知，待核对"


# ---------------------------------------------------------------- reading the file

class _Text(HTMLParser):
    """The visible text of a web page, one block element a line."""

    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td"}
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _decode(raw: bytes, path: Path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(path, "无法识别文字编码（应为 UTF-8 或 GBK）")


def read_notice(path: Path) -> str:
    """The text of a notice file (.docx, .pdf, .html, .txt in UTF-8 or GBK), lines joined into sentences."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "找不到这个文件")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"不能读取 {suffix or '无扩展名'} 文件；通知应为 .docx、.pdf、.html 或 .txt")
    if path.stat().st_size == 0:
        raise InputError(path, "文件是空的，不是通知")
    if suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(_decode(path.read_bytes(), path))
        text = "".join(parser.parts)
    else:
        text = _decode(path.read_bytes(), path)
    if not text.strip():
        why = "PDF 中没有可读取的文字（可能是扫描件），请先转成文字" if suffix == ".pdf" else "文件中没有文字"
        raise InputError(path, why)
    return normalize(text)


def _docx_text(path: Path) -> str:
    import docx  # python-docx, loaded only for Word files
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        why = "无法作为 Word 文件打开：文件已损坏，或不是 .docx 文件（旧的 .doc 请先另存为 .docx）"
        raise InputError(path, why) from exc
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" ".join(c.text for c in row.cells))
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    try:
        res = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        res = None
    if res is not None and res.returncode == 0:
        return res.stdout.decode("utf-8", "replace").replace("\f", "\n")
    try:
        import pypdf
    except ImportError:
        raise InputError(path, "无法读取 PDF：未安装 pdftotext（poppler-utils）") from None
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings are not the reader's business
    try:
        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise InputError(path, "无法作为 PDF 打开：文件已损坏，或不是 PDF 文件") from exc


# ---------------------------------------------------------------- from facts to edition data

def _sourced(text: str, sid: str, quote: str) -> dict:
    return {"text": text, "sources": [sid], "quote": quote}


def _theme_short(theme: str) -> str:
    m = re.search(r"(?:党的)?[二十九八]+届[一二三四五六七八九]中全会精神|党的[二十九八]+大精神", theme)
    if m:
        return m.group(0)
    return re.split(r"[，、“”]", theme)[0][:16]


def _document(facts: NoticeFacts, path: Path, year: int) -> dict:
    title = facts.title.value if facts.title else path.stem
    number = f"（{facts.number.value}）" if facts.number else ""
    return {
        "title": f"{title}{number}",
        "kind": "notice",
        "issuer": facts.issuer.value if facts.issuer else None,
        "ref": path.name,
        "note": f"由 handbook new-edition 从通知文件读取（{dt.date.today().isoformat()}），{MARK}",
    }


def _notice(facts: NoticeFacts, sid: str) -> dict:
    return {
        "issuer": facts.issuer.value if facts.issuer else None,
        "title": facts.title.value if facts.title else None,
        "number": facts.number.value if facts.number else None,
        "level": facts.level,
        "confirmed": False,
        "sources": [sid],
    }


def found_facts(facts: NoticeFacts, sid: str, into: str) -> dict[str, dict]:
    """The edition data each found fact gives (FACT_KEYS → {field: value}); facts not found are absent."""
    out: dict[str, dict] = {}
    if facts.title or facts.number:
        out["notice"] = {"notice": _notice(facts, sid)}
    if facts.theme:
        t = facts.theme
        out["theme"] = {"theme": _sourced(t.value, sid, t.sentence), "theme_short": _theme_short(t.value)}
    if facts.study:
        out["study"] = {"study": [_sourced(f.value, sid, f.sentence) for f in facts.study]}
    if facts.committee or facts.member or facts.areas:
        out["focus"] = {"focus": {
            "committee": [_sourced(f.value, sid, f.sentence) for f in facts.committee],
            "member": [_sourced(f.value, sid, f.sentence) for f in facts.member],
            "member_areas": list(facts.areas.value) if facts.areas else None,
            "areas_sources": [sid],
        }}
    if facts.finish or facts.report:
        finish = facts.finish.value if facts.finish else None
        report = facts.report.value if facts.report else None
        if finish and report and report < finish:
            report = None
        end = finish or report
        quotes = "；".join(dict.fromkeys(f.sentence for f in (facts.finish, facts.report) if f))
        sched = {
            "window": f"{end.year - 1 if end.month < 12 else end.year}年12月至{cn_date(end)}",
            "steps": dict.fromkeys(STEP_KEYS),
            "finish": finish,
            "report": report,
            "note": f"通知原句：{quotes}",
            "sources": [sid],
        }
        if into == "editions" and facts.level != "central":
            # A local notice's dates are that unit's (DOMAIN.md): an example in the upstream handbook.
            sched["example_of"] = facts.issuer.value if facts.issuer else "该通知的发文单位"
        out["schedule"] = {"schedule": sched}
    return out


def _specials(facts: NoticeFacts, sid: str) -> list[dict]:
    items = facts.specials.items()
    return [{"title": SPECIAL_TITLES[k], "text": f.value, "sources": [sid]} for k, f in items]


def _related(facts: NoticeFacts, sid: str) -> list[dict]:
    out = []
    for issuer, title, number, _ in facts.cited:
        level = "central" if "中央" in issuer else "provincial" if "省委" in issuer else "local"
        out.append({"issuer": issuer or None, "title": title, "number": number, "level": level,
                    "confirmed": False, "sources": [sid]})
    return out


def _fact_values(facts_found: dict, base: dict, existing: dict | None, prev: dict | None,
                 conf: dict) -> tuple[dict[str, object], dict[str, str]]:
    """Each fact's fields and where they came from; `conf` is updated with each fact's confidence."""
    origin: dict[str, str] = {}
    prev_conf = (prev or {}).get("confidence") or {}
    values: dict[str, object] = {}
    for fact in FACT_KEYS:
        keys = PENDING_FIELDS[fact]
        old_level = conf.get(fact)
        if existing and old_level in ("confirmed", "extracted", "reported"):
            # The first notice's fact stays; a 转发 only fills what the first did not give.
            values.update({k: base.get(k) for k in keys})
            origin[fact] = "kept"
            conf[fact] = old_level
        elif fact in facts_found:
            values.update(facts_found[fact])
            origin[fact] = "extracted"
            conf[fact] = "extracted"
        elif prev and prev_conf.get(fact) != "pending" and all(prev.get(k) is not None for k in keys):
            values.update({k: prev[k] for k in keys})
            origin[fact] = "prev"
            conf[fact] = "uncertain"
        else:
            origin[fact] = "pending"
            conf[fact] = "pending"
    return values, origin


def _lists(facts: NoticeFacts, sid: str, found: dict, base: dict, existing: dict | None) -> dict:
    """related_notices and specials: the earlier notice's, then this one's not yet listed."""
    out: dict = {}
    # The notice read first is the edition's; every later one (a 转发) is named as related.
    related = list(base.get("related_notices") or [])
    if existing and "notice" in found:
        related.append(found["notice"]["notice"])
    for r in _related(facts, sid):
        if all(r["number"] != x.get("number") for x in related):
            related.append(r)
    if related:
        out["related_notices"] = related
    specials = list(base.get("specials") or [])
    titles = {s.get("title") for s in specials}
    specials += [s for s in _specials(facts, sid) if s["title"] not in titles]
    if specials:
        out["specials"] = specials
    return out


def compose(year: int, facts: NoticeFacts, path: Path, prev: dict | None, existing: dict | None,
            into: str) -> tuple[dict, dict[str, str]]:
    """The edition data for `year` and where each fact came from (extracted / kept / prev / pending)."""
    base = existing or {}
    docs = dict(base.get("documents") or {})
    sid = f"N{len(docs) + 1}"
    while sid in docs:
        sid = f"N{len(docs) + 2}"
    docs[sid] = _document(facts, path, year)
    found = found_facts(facts, sid, into)
    conf = dict(base.get("confidence") or {})
    data: dict = {"year": year, "title": base.get("title") or f"{year}年度基层党组织组织生活会和民主评议党员"}
    data["documents"] = docs
    values, origin = _fact_values(found, base, existing, prev, conf)
    focus = values.get("focus")
    if isinstance(focus, dict) and not focus.get("member_areas"):
        # Areas the notice does not list: the previous year's, else a blank to fill.
        pf = (prev or {}).get("focus") or {}
        focus["member_areas"] = pf.get("member_areas") or ["＿＿＿＿"]
        focus["areas_sources"] = pf.get("areas_sources") or [sid]
    data["confidence"] = conf
    unsure = [FACT_NAMES[k] for k in FACT_KEYS if conf[k] != "confirmed"]
    data["confidence_note"] = (
        f"由 handbook new-edition 从通知文件读取：{'、'.join(unsure)}尚未与通知原文逐项核对"
        "（“摘自通知待核对”的是命令摘出的原句，“需核实”的沿用上一年度，“待上级通知”的留空）。"
    )
    for fact in FACT_KEYS:
        if conf[fact] != "pending":
            for k in PENDING_FIELDS[fact]:
                data[k] = values[k]
    data.update(_lists(facts, sid, found, base, existing))
    for key in ("rule_overrides", "meeting_name", "procedure"):
        if base.get(key) is not None:
            data[key] = base[key]
        elif key == "rule_overrides" and prev and prev.get(key):
            data[key] = prev[key]
    return data, origin


# ---------------------------------------------------------------- the review

def _fact_lines(facts: NoticeFacts) -> list[str]:
    """Each fact the notice gave, beside the sentence it came from (a sentence printed once)."""
    out: list[str] = []
    last = [""]

    def show(name: str, found, text=None):
        if found is None:
            out.append(f"  {name}：未找到")
            return
        out.append(f"  {name}：{text if text is not None else found.value}【{MARK}】")
        out.append(f"      原句：{'同上' if found.sentence == last[0] else found.sentence}")
        last[0] = found.sentence

    show("标题", facts.title)
    show("文号", facts.number)
    show("发文机关", facts.issuer)
    show("年度", facts.year)
    show("主题", facts.theme)
    lists = (("学习内容", facts.study), ("支部委员会查摆", facts.committee), ("党员查摆", facts.member))
    for label, items in lists:
        if items:
            for i, f in enumerate(items, 1):
                show(f"{label}{i}", f)
        else:
            out.append(f"  {label}：未找到")
    show("查摆的方面", facts.areas, "、".join(facts.areas.value) if facts.areas else None)
    show("完成时限", facts.finish, cn_date(facts.finish.value) if facts.finish else None)
    show("报送时限", facts.report, cn_date(facts.report.value) if facts.report else None)
    for key, title in SPECIAL_TITLES.items():
        show(title.removeprefix("通知对").removesuffix("的规定"), facts.specials.get(key))
    for _, title, number, _ in facts.cited:
        out.append(f"  引用的通知：《{title}》（{number}）")
    return out


def _change_lines(prev: Edition, edition: Edition) -> list[str]:
    """What the new edition changes against the previous one, a line per section."""
    out = [f"与{prev.label}相比："]
    for s in diff_editions(prev, edition):
        if s.pending:
            out.append(f"  {s.title}：待上级通知")
        elif s.changed:
            added = sum(c.kind == "added" for c in s.changes)
            removed = sum(c.kind == "removed" for c in s.changes)
            changed = [c for c in s.changes if c.kind == "changed"]
            bits = [f"改为“{c.text[:40]}”" for c in changed[:2]]
            bits += [f"新增{added}项"] if added else []
            bits += [f"不再列入{removed}项"] if removed else []
            out.append(f"  {s.title}：{'，'.join(bits)}")
        else:
            out.append(f"  {s.title}：相同")
    return out


def review(facts: NoticeFacts, path: Path, origin: dict[str, str], edition: Edition,
           prev: Edition | None, target: Path, second: bool) -> str:
    """The Chinese review the command prints: each fact beside its sentence, and what changed."""
    out = [f"{edition.label}资料：{target}（{'补充' if second else '新建'}，已通过校验）",
           f"读取的通知：{path.name}"]
    if second:
        out.append("  这是第二份通知（如上级的转发通知）：只补充前一份没有的内容，两份通知都列在资料中。")
    out += _fact_lines(facts)
    out += ["", "各项在年度资料中："]
    words = {"extracted": f"摘自这份通知（{MARK}）", "kept": "保留前一份通知的内容",
             "prev": f"通知中没有找到，沿用{prev.label if prev else '上一年度'}的内容（需核实）",
             "pending": "通知中没有找到，留空待上级通知"}
    out += [f"  {FACT_NAMES[fact]}：{words[origin[fact]]}" for fact in FACT_KEYS]
    if prev is not None:
        out += ["", *_change_lines(prev, edition)]
    out.append("")
    out.append("请对照通知原文逐项核对上面的内容；有误的直接修改年度资料文件，")
    out.append("核对无误的把 confidence 下对应一项改为 confirmed。")
    out.append("然后运行 handbook check 检查，再运行 make site 生成手册。")
    return "\n".join(out)


# ---------------------------------------------------------------- the command

def _edition_file(year: int) -> Path | None:
    for p in edition_paths():
        if p.name == f"{year}.yml":
            return p
    return None


def _read_facts(year: int, notice: Path) -> NoticeFacts:
    """The notice's facts, refused when it is not a notice or is another year's."""
    text = read_notice(notice)
    try:
        facts = extract(text, notice.name)
    except NotANotice as exc:
        raise InputError(notice, str(exc)) from None
    if facts.year and facts.year.value != year:
        raise InputError(
            notice, f"这是{facts.year.value}年度的通知，不是{year}年度的（原句：{facts.year.sentence[:60]}）",
            "年度",
        )
    return facts


def _existing(target: Path, into: str, facts: NoticeFacts, notice: Path, year: int) -> dict | None:
    """The edition this notice adds to (an earlier --notice file), None for a new one; refusals."""
    if not target.exists():
        return None
    existing = load_yaml(target)[0]
    if not (existing or {}).get("documents"):
        # A file this command did not write (upstream's pending 2026, a hand-made edition) is only read.
        levels = (existing.get("confidence") or {}).values()
        if into == "editions" and all(v == "pending" for v in levels):
            return None
        raise InputError(target, "文件已存在，且不是由 --notice 生成的，不会覆盖；请换 --into 或先自行改名")
    title = _document(facts, notice, year)["title"]
    for sid, doc in (existing.get("documents") or {}).items():
        if doc.get("title") == title:
            raise InputError(notice, f"这份通知已经读入 {target.name}（{sid}：{title}），不再重复读取")
    return existing


def _write_checked(target: Path, year: int, data: dict, common) -> Edition:
    """Write the edition file only once the model accepts it (a refused file leaves the old one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# {year}年度: written by `handbook new-edition {year} --notice` from the notices in documents.\n"
        "# 每一项都带着通知原句（quote），标为 extracted（摘自通知，待核对）。请对照通知原文核对，\n"
        "# 核对无误的把 confidence 下对应一项改为 confirmed。\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{year}.", suffix=".yml.tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(header + body)
        edition = load_edition(tmp, common)
        os.chmod(tmp, 0o644 & ~_umask())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return edition


def notice_edition(
    year: int, notice: Path, from_year: int | None = None, into: str = "editions"
) -> tuple[Path, str]:
    """Write (or add a second notice to) `<into>/<year>.yml` from a notice file; return it and the review."""
    if into not in ("editions", "local"):
        raise InputError("--into", f"应为 editions 或 local，不是“{into}”")
    notice = Path(notice)
    facts = _read_facts(year, notice)
    common = load_common(editions_dir())
    editions = load_all()
    if from_year is None:
        earlier = [y for y in editions if y < year and not editions[y].pending("notice")]
        from_year = max(earlier) if earlier else None
    if from_year is not None and from_year not in editions:
        known = "、".join(str(y) for y in sorted(editions))
        raise InputError("--from", f"没有{from_year}年度的资料；已有：{known}")
    prev_data = load_yaml(_edition_file(from_year))[0] if from_year is not None else None
    target = (editions_dir() if into == "editions" else local_dir() / "editions") / f"{year}.yml"
    existing = _existing(target, into, facts, notice, year)
    data, origin = compose(year, facts, notice, prev_data, existing, into)
    edition = _write_checked(target, year, data, common)
    prev = editions.get(from_year) if from_year is not None else None
    return target, review(facts, notice, origin, edition, prev, target, existing is not None)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
