"""Word and Excel files, checked in a real office suite: LibreOffice converts them, pdftotext measures.

Every .docx goes through one headless LibreOffice call (PDF), every .xlsx through one more (CSV); the PDFs
are measured against GB/T 9704 (margins, 28 characters a line, 22 lines a page, title size, page numbers)
and their text compared with the kit's own PDF of the same document.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

from handbook.cli import main
from handbook.epoch import source_date_epoch
from handbook.jobs import pack
from handbook.jobs.drafts import draft_pdf
from handbook.model.context import YearContext
from handbook.model.editions import select
from handbook.model.forms import all_forms
from handbook.model.roster import COLUMNS, read_roster
from handbook.model.unit import load_unit
from handbook.office.docx import draft_docx
from handbook.office.fontconfig import office_fonts_conf
from handbook.office.forms_docx import form_docx
from handbook.office.xlsx import roster_template, statistics_sheet
from handbook.office.zips import zip_time
from handbook.pdf.engine import render_pdf
from handbook.render.drafts import KINDS, render_draft
from handbook.render.forms import example_kwargs, form_document
from handbook.render.output_files import SCRIPTS
from macros.site import pack_offline

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "local" / "example"
MM = 25.4 / 72
PITCH = 225 / 22  # mm a line
PAGE_NO = re.compile(r"^—\s*\d+\s*—$")
CJK = re.compile(r"^[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef“”‘’—…·]+$")
HANGING = "，。、；：！？）”’"
QUOTES = set("“”‘’")


def office_env(folder: Path) -> dict[str, str]:
    """soffice's environment: a fontconfig file in `folder` that gives the office font names the free faces
    the kit's PDFs use (without it LibreOffice on Linux sets all four in Noto Sans CJK SC)."""
    conf = folder / "fonts.conf"
    conf.write_text(office_fonts_conf(), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def soffice(files: list[Path], out: Path, fmt: str, profile: Path) -> None:
    """One LibreOffice run converting all `files` (its own profile, so parallel runs do not clash)."""
    cmd = [
        "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        fmt,
        "--outdir",
        str(out),
        *map(str, files),
    ]
    env = office_env(profile.parent)
    subprocess.run(cmd, check=True, capture_output=True, timeout=600, env=env)


def lines(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Every text line of a PDF as (page, xMin, yMin, xMax, yMax in mm, text) from pdftotext -bbox-layout."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    out = []
    for pno, page in enumerate(etree.fromstring(xml).iter("{*}page"), start=1):
        for line in page.iter("{*}line"):
            text = "".join(w.text or "" for w in line.iter("{*}word"))
            box = [float(line.get(k)) * MM for k in ("xMin", "yMin", "xMax", "yMax")]
            out.append((pno, *box, text))
    return out


def plain(pdf: Path) -> str:
    """A PDF's text without page numbers and white space."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    kept = [ln for ln in text.splitlines() if not PAGE_NO.match(ln.strip())]
    return re.sub(r"\s+", "", "".join(kept))


@pytest.fixture(scope="module")
def office(tmp_path_factory, site_cache, latest_year):
    """Every kind of office file, converted by LibreOffice: {name: (source file, converted file)}."""
    common, edition, _ = select(None)
    unit = load_unit(EXAMPLE / "unit.yml")
    members = read_roster(EXAMPLE / "roster.csv").members
    src = tmp_path_factory.mktemp("office")
    made: dict[str, Path] = {}
    kit: dict[str, Path] = {}
    for kind in KINDS:
        html = render_draft(kind, YearContext(edition, common, unit), members, standalone=True)
        made[f"draft-{kind}"] = src / f"draft-{kind}.docx"
        made[f"draft-{kind}"].write_bytes(draft_docx(html, kind))
        kit[f"draft-{kind}"] = src / f"draft-{kind}-kit.pdf"
        kit[f"draft-{kind}"].write_bytes(draft_pdf(html))
    forms = all_forms()
    for form in forms.values():
        made[f"form-{form.id}"] = src / f"form-{form.id}.docx"
        made[f"form-{form.id}"].write_bytes(form_docx(form, YearContext(edition, common)))
        kit[f"form-{form.id}"] = src / f"form-{form.id}-kit.pdf"
        kit[f"form-{form.id}"].write_bytes(
            render_pdf(form_document(form, YearContext(edition, common)), fillable=False)
        )
    ballot = forms["member-ballot"]
    made["ballot-filled"] = src / "ballot-filled.docx"
    made["ballot-filled"].write_bytes(
        form_docx(ballot, YearContext(edition, common), **example_kwargs(ballot, 1))
    )
    site = site_cache(latest_year)
    for name in SCRIPTS:
        made[f"script-{name}"] = src / f"script-{name}.docx"
        shutil.copyfile(site / "office" / "scripts" / f"{name}.docx", made[f"script-{name}"])
    stats = forms["statistics"]
    sheets = {
        "statistics": statistics_sheet(stats, edition, stats.examples[1].values),
        "roster": roster_template(["第一党小组", "第二党小组"]),
    }
    for name, data in sheets.items():
        made[f"xlsx-{name}"] = src / f"xlsx-{name}.xlsx"
        made[f"xlsx-{name}"].write_bytes(data)
    out = tmp_path_factory.mktemp("converted")
    profile = tmp_path_factory.mktemp("lo-profile")
    soffice([p for p in made.values() if p.suffix == ".docx"], out, "pdf", profile)
    # Comma-separated, UTF-8 (76), first sheet.
    soffice(
        [p for p in made.values() if p.suffix == ".xlsx"],
        out,
        "csv:Text - txt - csv (StarCalc):44,34,76",
        profile,
    )
    conv = {k: out / (p.stem + (".pdf" if p.suffix == ".docx" else ".csv")) for k, p in made.items()}
    return {"made": made, "conv": conv, "kit": kit, "edition": edition, "common": common}


# ------------------------------------------------------------------------------------------ drafts


def body_lines(pdf: Path):
    """Lines of 3号 body text: 16 pt in a 22-line grid (headings are body size too)."""
    return [ln for ln in lines(pdf) if 6.5 < ln[4] - ln[2] < 8.5 and not PAGE_NO.match(ln[5])]


@pytest.mark.parametrize("kind", list(KINDS))
def test_draft_grid(office, kind):
    """28 characters to a full line, 22 lines to a full page, the text block where the standard puts it."""
    pdf = office["conv"][f"draft-{kind}"]
    body = body_lines(pdf)
    assert body
    # Left edge 28 mm (订口); paragraphs start two characters in.
    assert min(ln[1] for ln in body) == pytest.approx(28, abs=1)
    full = [ln[5].rstrip(HANGING) for ln in body if CJK.match(ln[5])]
    assert max(len(t) for t in full) == 28 and all(len(t) <= 28 for t in full)
    for ln in body:
        if CJK.match(ln[5]) and len(ln[5].rstrip(HANGING)) == 28 and ln[5][-1] not in HANGING:
            # A full line ends at the right edge of the 156 mm block.
            assert ln[3] == pytest.approx(28 + 156, abs=1), ln
    pages: dict[int, list] = {}
    for ln in body:
        pages.setdefault(ln[0], []).append(ln)
    for page in pages.values():
        for a, b in itertools.pairwise(page):
            gap = b[2] - a[2]
            # Consecutive lines sit on the grid: a whole number of 225/22 mm steps apart. LibreOffice centres
            # a line's box in its grid cell, so a line in LXGW WenKai (楷体, 1.18 em high) sits about 0.5 mm
            # off one in Noto Serif CJK (仿宋, a taller box).
            assert abs(gap / PITCH - round(gap / PITCH)) * PITCH < 0.65, (a, b)
        centre = (page[0][2] + page[0][4]) / 2
        slots = [(ln[2] + ln[4]) / 2 for ln in page]
        # Top margin 37 mm: a page's lines are in the 22 slots of the block.
        assert all(37 < s < 37 + 225 for s in slots)
        assert round((slots[-1] - centre) / PITCH) <= 21
    if kind == "plan":
        # The 工作方案 runs long enough for a page of body text without a heading kept with its paragraph.
        full_pages = [p for p in pages.values() if len(p) == 22]
        assert full_pages, {k: len(v) for k, v in pages.items()}
        first, last = full_pages[0][0], full_pages[0][-1]
        assert (first[2] + first[4]) / 2 == pytest.approx(37 + PITCH / 2, abs=1)
        assert (last[2] + last[4]) / 2 == pytest.approx(37 + 225 - PITCH / 2, abs=1)


@pytest.mark.parametrize("kind", list(KINDS))
def test_draft_title_and_page_numbers(office, kind):
    """Title 2号 against body 3号; page numbers 4号 below the block, odd pages right, even pages left."""
    pdf, kit = office["conv"][f"draft-{kind}"], office["kit"][f"draft-{kind}"]
    all_lines = lines(pdf)
    body_h = min(ln[4] - ln[2] for ln in body_lines(pdf))
    title = next(ln for ln in all_lines if ln[4] - ln[2] > body_h * 1.2 and not PAGE_NO.match(ln[5]))
    assert (title[4] - title[2]) / body_h == pytest.approx(22 / 16, rel=0.05)
    numbers = [ln for ln in all_lines if PAGE_NO.match(ln[5])]
    kit_numbers = {ln[0]: ln for ln in lines(kit) if PAGE_NO.match(ln[5])}
    assert [n[0] for n in numbers] == sorted(kit_numbers)
    for n in numbers:
        assert 37 + 225 + 4 < n[2] < 297, n
        assert n[2] == pytest.approx(kit_numbers[n[0]][2], abs=1)
        if n[0] % 2:
            assert n[3] == pytest.approx(184 - 14 * MM, abs=1)  # one 4号 character in from the right
        else:
            assert n[1] == pytest.approx(28 + 14 * MM, abs=1)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("made", ["conv", "kit"])
def test_draft_signoff_with_body_and_centred(office, kind, made):
    """The 署名 and date share their page with two body lines at least; the 署名 centred over the date."""
    if kind == "outline":
        return
    all_lines = [ln for ln in lines(office[made][f"draft-{kind}"]) if not PAGE_NO.match(ln[5])]
    date = next(i for i, ln in enumerate(all_lines) if ln[5] == "＿＿＿＿年＿＿月＿＿日")
    sign, day = all_lines[date - 1], all_lines[date]
    assert sign[0] == day[0]
    before = [ln for ln in all_lines[: date - 1] if ln[0] == sign[0] and not ln[5].startswith("附件")]
    assert len(before) >= 2, before
    assert (sign[1] + sign[3]) / 2 == pytest.approx((day[1] + day[3]) / 2, abs=1)
    # Four 3号 characters (156/28 mm each) in from the right edge of the block.
    assert day[3] == pytest.approx(28 + 156 - 4 * 156 / 28, abs=1)


@pytest.mark.parametrize("kind", list(KINDS))
def test_draft_title_lines_as_kit(office, kind):
    """The Word file's title breaks where the kit's does, between words."""

    def title(pdf):
        return [ln[5] for ln in lines(pdf) if ln[4] - ln[2] > 9 and not PAGE_NO.match(ln[5])][:4]

    assert title(office["conv"][f"draft-{kind}"]) == title(office["kit"][f"draft-{kind}"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_draft_text_matches_kit_pdf(office, kind):
    """The Word file says what the kit's PDF says, character for character."""
    assert plain(office["conv"][f"draft-{kind}"]) == plain(office["kit"][f"draft-{kind}"])


def test_scripts_as_word(office, site_cache, latest_year):
    """The three 主持词 as GB/T 9704 Word files, with the built page's text, no badges or download links."""
    site = site_cache(latest_year)
    for name, title in SCRIPTS.items():
        src = f"scripts/{name}.md"
        pdf = office["conv"][f"script-{name}"]
        text = plain(pdf)
        assert text.startswith(title) or title in text[:200]
        page = etree.HTML((site / src.replace(".md", ".html")).read_bytes())
        stage = page.xpath('//p[contains(@class, "stage")]')[0]
        for badge in stage.xpath('.//*[contains(@class, "srcs")]'):
            badge.getparent().remove(badge)
        assert re.sub(r"\s+", "", "".join(stage.itertext())) in text
        # No badge reaches Word; the note names its source in words, "（S001）", so its sentence stays whole.
        assert "下载：" not in text and "S001" not in text.replace("（S001）", "")
        body = body_lines(pdf)
        assert min(ln[1] for ln in body) == pytest.approx(28, abs=1)
        # LXGW WenKai, the free face LibreOffice gets for 楷体, has narrow curly quotes (楷体_GB2312's are one
        # em wide), so a line of a 楷体 note with quotes holds more than 28 characters; the others hold 28.
        full = [ln[5].rstrip(HANGING) for ln in body if CJK.match(ln[5]) and not QUOTES & set(ln[5])]
        assert max(len(t) for t in full) == 28, [t for t in full if len(t) > 28]


# ------------------------------------------------------------------------------------------- forms


def test_forms_match_print_pdf(office):
    """Each form's Word table has the print PDF's titles, labels, columns and instructions."""
    for fid in all_forms():
        ours = re.sub(r"[＿□☑_]", "", plain(office["conv"][f"form-{fid}"]))
        kit = re.sub(r"[＿□☑_]", "", plain(office["kit"][f"form-{fid}"]))
        missing = [c for c in set(kit) if kit.count(c) > ours.count(c)]
        assert not missing, (fid, "".join(sorted(missing)))


def test_prefilled_ballot(office):
    """A ballot with members lists each by name; the 预备党员 rule says they get no grade."""
    form = all_forms()["member-ballot"]
    members = example_kwargs(form, 1)["members"]
    text = plain(office["conv"]["ballot-filled"])
    for m in members:
        assert m.name in text
    # The register's 预备党员 rule; the row itself is rated unless the superior's ballot leaves it out.
    assert text.count("不评定等次") == 1
    table = docx.Document(office["made"]["ballot-filled"]).tables[0]
    assert len(table.rows) == len(members) + 1


def test_word_files_read_back(office):
    """python-docx opens every file; titles and dates come from the data and the fixed epoch."""
    for name, path in office["made"].items():
        if path.suffix != ".docx":
            continue
        d = docx.Document(path)
        assert "".join(p.text for p in d.paragraphs).strip() or d.tables, name
        if not name.startswith("script"):
            when = dt.datetime.fromtimestamp(source_date_epoch(), dt.timezone.utc)
            assert d.core_properties.created == when, name


def test_same_input_same_bytes(office):
    """Equal input gives byte-identical .docx and .xlsx files."""
    edition, common = office["edition"], office["common"]
    form = all_forms()["member-ballot"]
    html = render_draft("notice", YearContext(edition, common), standalone=True)
    assert draft_docx(html, "通知") == draft_docx(html, "通知")
    assert form_docx(form, YearContext(edition, common)) == form_docx(form, YearContext(edition, common))
    assert roster_template(["甲"]) == roster_template(["甲"])
    with zipfile.ZipFile(io.BytesIO(draft_docx(html, "通知"))) as z:
        assert {i.date_time for i in z.infolist()} == {zip_time(source_date_epoch())}


def test_gbt9704_fonts_named_for_offices(office):
    """Office font names in the East Asian slot; the document grid's line pitch is GB/T 9704's."""
    xml = zipfile.ZipFile(office["made"]["draft-plan"]).read("word/document.xml").decode()
    styles = zipfile.ZipFile(office["made"]["draft-plan"]).read("word/styles.xml").decode()
    # The title's and headings' faces are their styles' (标题, 标题 1, 标题 2), shared by every paragraph.
    for name in ("方正小标宋简体", "黑体", "楷体_GB2312"):
        assert f'w:eastAsia="{name}"' in styles
    assert 'w:eastAsia="仿宋_GB2312"' in styles
    assert re.search(r'<w:docGrid [^>]*w:linePitch="579"', xml)
    d = docx.Document(office["made"]["draft-plan"])
    s = d.sections[0]
    assert round(s.top_margin.mm) == 37 and round(s.left_margin.mm) == 28
    assert round(s.page_width.mm - s.left_margin.mm - s.right_margin.mm) == 156
    assert round(s.page_height.mm - s.top_margin.mm - s.bottom_margin.mm) == 225
    assert d.settings.odd_and_even_pages_header_footer


def _faces(pdf: Path) -> set[str]:
    """The families (and bold) a PDF's text is set in, by pdffonts: notoserifcjk, notoserifcjk-bold, …"""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    faces = set()
    for ln in out.splitlines()[2:]:
        # LibreOffice names a face NotoSerifCJKjp-Bold-VKana, WeasyPrint Noto-Serif-CJK-SC-Bold.
        name = re.sub(r"^[A-Z]{6}\+", "", ln.split()[0]).lower().replace("-", "")
        family = next((f for f in ("notoserifcjk", "notosanscjk", "lxgwwenkai") if name.startswith(f)), name)
        faces.add(family + ("-bold" if "bold" in name else ""))
    return faces


@pytest.mark.parametrize("kind", list(KINDS))
def test_draft_faces_in_libreoffice(office, kind):
    """LibreOffice sets a draft in the free faces of the kit's PDF, one per office name: 仿宋 a Song, 小标宋
    the bold Song, 黑体 the sans, 楷体 the Kai (the fontconfig file of handbook.office.fontconfig)."""
    faces = _faces(office["conv"][f"draft-{kind}"])
    kit = _faces(office["kit"][f"draft-{kind}"])
    assert {"notoserifcjk", "notoserifcjk-bold"} <= faces, faces
    # Nothing falls to a Latin face (the page numbers' digits once came out in Times).
    assert faces <= {"notoserifcjk", "notoserifcjk-bold", "notosanscjk", "lxgwwenkai"}, faces
    # The heading faces a draft uses in the kit's PDF (黑体, 楷体) are the ones LibreOffice uses.
    for face in ("notosanscjk", "lxgwwenkai"):
        assert (face in faces) == (face in kit), (face, faces, kit)


# -------------------------------------------------------------------------------------------- xlsx


def test_statistics_sheet_in_calc(office):
    """LibreOffice Calc reads the statistics sheet with the same figures and adds up the grades."""
    rows = list(csv.reader(office["conv"]["xlsx-statistics"].read_text(encoding="utf-8").splitlines()))
    values = {r[0]: r[1] for r in rows if len(r) > 1}
    assert values["党员总数"] == "25" and values["实参加人数"] == "23"
    assert values["评定等次：优秀（人）"] == "7" and values["评定等次：合格（人）"] == "16"
    assert values["评定等次：合计"] == "23"
    assert values["预备党员（不评定等次）人数"] == "2"


def test_roster_template(office, tmp_path):
    """The template has the columns the kit reads and lists for 类别 and 党小组; filled in, it reads back."""
    header = next(csv.reader(office["conv"]["xlsx-roster"].read_text(encoding="utf-8").splitlines()))
    assert header == list(COLUMNS)
    wb = openpyxl.load_workbook(office["made"]["xlsx-roster"])
    ws = wb.worksheets[0]
    rules = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    letter = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(COLUMNS)}
    assert "预备党员" in rules[letter["党员类别"]].formula1
    assert "党小组" in rules[letter["党小组"]].formula1
    assert rules[letter["入党时间"]].type == "date"
    people = [
        {
            "姓名": "张三",
            "性别": "男",
            "出生年月": dt.date(1980, 5, 1),
            "入党时间": dt.date(2005, 7, 1),
            "党员类别": "正式党员",
            "党小组": "第一党小组",
            "职务": "书记",
        },
        {
            "姓名": "李四",
            "性别": "女",
            "出生年月": dt.date(1995, 1, 1),
            "入党时间": dt.date(2025, 6, 1),
            "党员类别": "预备党员",
            "党小组": "第二党小组",
        },
    ]
    for person in people:
        ws.append([person.get(name) for name in COLUMNS])
    wb.save(tmp_path / "roster.xlsx")
    members = read_roster(tmp_path / "roster.xlsx").members
    assert [m.name for m in members] == ["张三", "李四"] and members[1].probationary


# ------------------------------------------------------------------------------------ commands, site


def test_drafts_command_formats(tmp_path, capsys):
    """`handbook drafts --format docx` writes Word files only; an unknown format is refused in Chinese."""
    out = tmp_path / "drafts"
    args = [
        "drafts",
        "--out",
        str(out),
        "--unit",
        str(EXAMPLE / "unit.yml"),
        "--roster",
        str(EXAMPLE / "roster.csv"),
    ]
    assert main([*args, "--format", "docx"]) == 0
    # Besides the drafts only the manifest of what this command wrote (handbook.outputs).
    written = [p.suffix for p in out.iterdir() if p.name != ".handbook-outputs.json"]
    assert sorted(written) == [".docx"] * len(KINDS)
    assert main([*args, "--format", "pdf,xls"]) != 0
    assert "格式只能是" in capsys.readouterr().err


def test_pack_word_files(tmp_path):
    """`handbook pack` in Word: the ballot lists the roster, one register per member, the talk plan filled."""
    src = pack.UnitSource("u", EXAMPLE / "roster.csv", EXAMPLE / "unit.yml")
    out = tmp_path / "pack"
    [res] = pack.run_batch([src], lambda s: out, workers=1, formats=("docx",))
    assert res.error is None
    assert not list(out.rglob("*.pdf"))
    members = read_roster(EXAMPLE / "roster.csv").members
    ballot = next(out.rglob("*民主评议党员民主测评表.docx"))
    text = "".join(c.text for row in docx.Document(ballot).tables[0].rows for c in row.cells)
    assert all(m.name in text for m in members)
    assert len(list(out.rglob("*民主评议党员登记表/*.docx"))) == len(members)
    talks = next(out.rglob("*谈心谈话安排表.docx"))
    assert members[0].name in "".join(c.text for c in docx.Document(talks).tables[0].columns[1].cells)


def test_site_office_downloads(site_cache, latest_year, tmp_path):
    """The site links a Word file next to each PDF, every link resolves, and the offline zip has them."""
    site = site_cache(latest_year)
    hrefs = set()
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#]*office/[^"#]+)"', page.read_text(encoding="utf-8")):
            target = (page.parent / href).resolve()
            assert target.is_file(), (page, href)
            hrefs.add(target.relative_to(site).as_posix())
    for fid in all_forms():
        assert f"office/forms/{fid}.docx" in hrefs
    assert {"office/drafts/plan.docx", "office/drafts/notice.docx"} <= hrefs
    assert {f"office/scripts/{n}.docx" for n in SCRIPTS} <= hrefs
    assert (site / "office" / "roster-template.xlsx").is_file()
    z = pack_offline(site.parent, tmp_path / "offline.zip")
    names = zipfile.ZipFile(z).namelist()
    assert any(n.endswith(f"{latest_year}/office/forms/member-ballot.docx") for n in names)
