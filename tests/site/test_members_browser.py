"""The 本支部名单 page and the forms that take the list, in Chromium: from file:// and from a server,
at 1280 and 360 px. A 30-member list copied from a spreadsheet (title row, trailing 合计 row) is pasted once;
the ballot, the three sign-in sheets and the 登记表 fill from it, and print."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from handbook.model.editions import snapshot
from handbook.model.forms import forms_for_step
from handbook.model.roster import read_roster

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN = "明华强芳军丽伟静磊敏洋艳勇娜杰涛超霞刚平辉琳鹏燕峰玲斌婷宇倩"
HEADER = ["序号", "姓名", "性别", "出生年月", "入党时间", "党员类别", "党小组", "支部职务", "流动党员", "留党察看",
          "备注"]
POSTS = {0: "书记", 1: "组织委员", 2: "宣传委员"}


def thirty() -> list[list[str]]:
    """30 fictional members in three 党小组: 3 支委, 3 预备党员, one 流动党员, one under 留党察看."""
    rows = []
    for i in range(30):
        name = SURNAMES[i] + ("　" if i % 4 == 0 else "") + GIVEN[i]  # padded names, as offices align them
        rows.append([
            str(i + 1), name, "男" if i % 2 else "女", f"{1950 + i}.{i % 12 + 1:02d}",
            "2025.07" if i in (7, 18, 26) else f"{1975 + i}.07",
            "预备党员" if i in (7, 18, 26) else "正式党员", f"第{'一二三'[i % 3]}党小组", POSTS.get(i, ""),
            "是" if i == 11 else "否", "是" if i == 22 else "否", "",
        ])
    return rows


def spreadsheet_copy() -> str:
    """What Excel or WPS puts on the clipboard for the sheet: a title row, the header, 30 rows, 合计."""
    lines = ["某某党支部党员名单" + "\t" * (len(HEADER) - 1), "\t".join(HEADER)]
    lines += ["\t".join(r) for r in thirty()]
    lines += ["合计\t30人" + "\t" * (len(HEADER) - 2)]
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture(scope="module")
def site(site_cache, latest_year):
    """The newest edition's site folder."""
    return site_cache(latest_year)


@pytest.fixture(params=["file", "http"])
def base(request, site, serve):
    """The site from file:// and from a server."""
    return site.resolve().as_uri() if request.param == "file" else serve(site)


def paste_list(page, base):
    page.goto(f"{base}/branch.html")
    page.fill("#zm-paste", spreadsheet_copy())
    page.click(".zm-read")
    page.wait_for_selector(".zm-ok")


def test_paste_thirty_and_fill_the_forms(page, base, shots, tmp_path):
    page.on("dialog", lambda d: d.accept())
    paste_list(page, base)
    status = page.inner_text(".zm-status")
    assert "已读取并保存 30 名党员" in status
    assert "已跳过名册末尾的汇总或说明行：第33行（合计 30人）" in status
    # The page says where the list is kept.
    assert "名单只保存在这台电脑的这个浏览器里，不会发送到任何地方" in page.inner_text("article")
    summary = page.inner_text(".zm-summary")
    assert "共 30 名党员：正式党员 27 名，预备党员 3 名；有表决权的党员 26 名" in summary
    names = page.locator(".zm-table tbody th").all_inner_texts()
    assert len(names) == 30 and names[0] == "赵明" and "孙强" in names
    page.screenshot(path=str(shots / "branch-1280.png"), full_page=True)
    assert page.requests.outside() == []

    # The ballot: one row per member, 预备党员 rows without ticks; print repeats the header on every page.
    page.goto(f"{base}/forms/member-ballot.html")
    rows = page.locator("table.zf-ballot tbody tr")
    assert rows.count() == 30
    assert page.locator(".zm-bar a").get_attribute("href").endswith("/branch.html")
    assert rows.nth(7).locator(".zf-na").inner_text() == "不评定等次"
    # The ⅓ reference counts the list as the pack's ballot does (Common.cap_figure), not a blank to fill.
    figure = snapshot()[0].cap_figure(None, total=30, formal=27).figure
    assert figure == "按党员总数（含预备党员）30人计，三分之一为10人"
    assert page.inner_text(".zf-cap .hb-rule[data-rule=excellent-cap]") == figure
    page.check("#zf-member-ballot-r30_grade-excellent")
    page.reload()
    assert page.is_checked("#zf-member-ballot-r30_grade-excellent")
    pdf = tmp_path / "ballot.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = _pdf_pages(pdf)
    assert len(text) >= 2 and all("优秀" in p and "姓名" in p for p in text), "header on every page"
    assert sum(p.count("（预备党员）不评定等次") for p in text) == 3
    _png(pdf, shots / "ballot-print")

    # 党员大会签到表: all 30, with the 应到 counts.
    page.goto(f"{base}/forms/sign-in-general.html")
    assert page.input_value("#zf-sign-in-general-r30_name") == "魏倩"
    assert page.input_value("#zf-sign-in-general-expected_full") == "27"
    assert page.input_value("#zf-sign-in-general-expected_probationary") == "3"
    page.pdf(path=str(tmp_path / "general.pdf"), format="A4")
    assert "签到" in "".join(_pdf_pages(tmp_path / "general.pdf"))
    _png(tmp_path / "general.pdf", shots / "sign-in-general-print")

    # 支部委员会会议签到表: the 支委, 书记 first.
    page.goto(f"{base}/forms/sign-in-committee.html")
    board = [page.input_value(f"#zf-sign-in-committee-r0{i}_name") for i in (1, 2, 3, 4)]
    assert board == ["赵明", "钱华", "孙强", ""]
    assert page.input_value("#zf-sign-in-committee-attendance_expected") == "3"
    page.pdf(path=str(tmp_path / "committee.pdf"), format="A4")
    _png(tmp_path / "committee.pdf", shots / "sign-in-committee-print")

    # 党小组会签到表: one sheet per 党小组 when printed.
    page.goto(f"{base}/forms/sign-in-group.html")
    assert page.input_value("#zf-sign-in-group-group_name") == "第一党小组"
    page.evaluate("window.print = function () {}")
    page.click("text=打印全部党小组（每组一张）")
    page.pdf(path=str(tmp_path / "groups.pdf"), format="A4")
    text = _pdf_pages(tmp_path / "groups.pdf")
    for g in ("第一党小组", "第二党小组", "第三党小组"):
        assert sum(g in p for p in text) >= 1, g
    assert len(text) == 3
    _png(tmp_path / "groups.pdf", shots / "sign-in-group-print")

    # 登记表: one record per member; exports named with the member; several imported at once.
    page.goto(f"{base}/forms/member-register.html")
    assert page.input_value("#zf-member-register-name") == "赵明"
    page.fill("#zf-member-register-self_review", "赵明的自评")
    page.select_option(".zm-member", label="钱华")
    assert page.input_value("#zf-member-register-name") == "钱华"
    assert page.input_value("#zf-member-register-self_review") == ""
    page.fill("#zf-member-register-self_review", "钱华的自评")
    with page.expect_download() as dl:
        page.click(".zf-export")
    assert dl.value.suggested_filename.startswith("member-register-钱华-")
    page.pdf(path=str(tmp_path / "register-b.pdf"), format="A4")
    page.select_option(".zm-member", label="赵明")
    assert page.input_value("#zf-member-register-self_review") == "赵明的自评"
    page.pdf(path=str(tmp_path / "register-a.pdf"), format="A4")
    assert "赵明的自评" in "".join(_pdf_pages(tmp_path / "register-a.pdf"))
    assert "钱华的自评" in "".join(_pdf_pages(tmp_path / "register-b.pdf"))
    _png(tmp_path / "register-a.pdf", shots / "register-a-print")
    _png(tmp_path / "register-b.pdf", shots / "register-b-print")
    files = []
    for who in ("孙强", "李芳"):
        f = tmp_path / f"{who}.json"
        values = {"name": who, "self_review": f"{who}导入的自评"}
        f.write_text(json.dumps({"form": "member-register", "year": 0, "values": values}), encoding="utf-8")
        files.append(str(f))
    page.set_input_files(".zf-import", files)
    page.wait_for_selector(".zf-status:has-text('已导入 2 名党员')")
    page.select_option(".zm-member", label="李芳")
    assert page.input_value("#zf-member-register-self_review") == "李芳导入的自评"
    assert page.requests.outside() == []

    # One button clears everything the site stored.
    page.goto(f"{base}/branch.html")
    page.click(".zm-clear-all")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('zzshh:')).length") == 0
    page.goto(f"{base}/forms/member-ballot.html")
    assert page.locator("table.zf-ballot tbody tr").count() == 15


def test_phone_width(browser, site, shots):
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = ctx.new_page()
    paste_list(page, site.resolve().as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(shots / "branch-360.png"), full_page=True)
    page.goto(f"{site.resolve().as_uri()}/forms/member-ballot.html")
    assert page.locator("table.zf-ballot tbody tr").count() == 30
    page.screenshot(path=str(shots / "ballot-360.png"))
    ctx.close()


def test_open_xlsx_reads_as_handbook_roster(page, site, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["某某党支部党员名单"])
    ws.append(HEADER)
    for r in thirty():
        ws.append(r)
    ws.append(["合计", "30人"])
    ws.append(["填表人：组织委员"])
    path = tmp_path / "名册.xlsx"
    wb.save(path)
    page.goto(f"{site.resolve().as_uri()}/branch.html")
    page.set_input_files(".zm-open", str(path))
    page.wait_for_selector(".zm-ok")
    stored = page.evaluate("JSON.parse(localStorage.getItem('zzshh:members')).members")
    kit = read_roster(path).members
    assert [m["name"] for m in stored] == [m.name for m in kit]
    assert [m["category"] for m in stored] == [m.category for m in kit]
    assert [m["group"] for m in stored] == [m.group for m in kit]
    assert [m["on_probation"] for m in stored] == [m.on_probation for m in kit]
    assert "第33行（合计 30人）" in page.inner_text(".zm-status")


def test_open_gbk_csv_reads_as_handbook_roster(page, site, tmp_path):
    """A .csv saved by Excel on a Chinese Windows (GBK, title row, 合计) opens as `handbook roster` reads it."""
    rows = [["某某党支部党员名单"], HEADER, *thirty(), ["合计", "30人"]]
    path = tmp_path / "名册.csv"
    path.write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("gbk"))
    page.goto(f"{site.resolve().as_uri()}/branch.html")
    page.set_input_files(".zm-open", str(path))
    page.wait_for_selector(".zm-ok")
    stored = page.evaluate("JSON.parse(localStorage.getItem('zzshh:members')).members")
    kit = read_roster(path).members
    assert [(m["name"], m["category"], m["group"]) for m in stored] == [(m.name, m.category, m.group) for m in kit]
    assert len(kit) == 30 and "第33行（合计 30人）" in page.inner_text(".zm-status")


def test_bad_paste_names_row_and_column(page, site):
    page.goto(f"{site.resolve().as_uri()}/branch.html")
    page.fill("#zm-paste", "姓名\t党员类别\t出生年月\n张三\t正式党员\t1980.13\n李四\t积极分子\t1980.01\n")
    page.click(".zm-read")
    errors = page.locator(".zm-errors li").all_inner_texts()
    assert errors == [
        "第2行，“出生年月”列：1980年13月不存在（月份应为1—12）",
        "第3行，“党员类别”列：未知的党员类别“积极分子”（应为“正式党员”或“预备党员”）",
    ]
    assert page.evaluate("localStorage.getItem('zzshh:members')") is None


def test_paste_without_header(page, site):
    page.goto(f"{site.resolve().as_uri()}/branch.html")
    page.fill("#zm-paste", "王　芳\t女\t正式党员\t第一党小组\n李强\t男\t预备党员\t第二党小组\n")
    page.click(".zm-read")
    page.wait_for_selector(".zm-ok")
    assert "没有表头" in page.inner_text(".zm-status")
    stored = page.evaluate("JSON.parse(localStorage.getItem('zzshh:members')).members")
    assert [(m["name"], m["category"], m["group"]) for m in stored] == [
        ("王芳", "正式党员", "第一党小组"), ("李强", "预备党员", "第二党小组"),
    ]


def _pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, without spaces."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        return [re.sub(r"\s+", "", doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    finally:
        doc.close()


def _png(pdf: Path, prefix: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)



def test_404_works_under_a_year_folder(page, site, tmp_path):
    """A server answering a missing page of /<年度>/ with that year's 404.html: styled, links work."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()
    (root / "2025").symlink_to(site.resolve(), target_is_directory=True)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            body = (root / "2025" / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/2025/steps/no-such-page.html")
        header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        assert header in ("sticky", "fixed")
        # The theme's script ran (it draws the search box) and the stylesheets came from the year folder.
        page.wait_for_selector(".md-search__input")
        sheets = page.evaluate("Array.from(document.styleSheets).map(s => s.href).filter(Boolean)")
        assert sheets and all("/2025/assets/" in h or "/2025/drafts/" in h for h in sheets), sheets
        home = page.locator(".md-header__button.md-logo").get_attribute("href")
        page.click(".md-header__button.md-logo")
        assert page.url.startswith(f"http://127.0.0.1:{httpd.server_address[1]}/2025/"), (home, page.url)
        assert page.locator("h1").count() >= 1
    finally:
        httpd.shutdown()


def test_year_menu_says_why_years_are_missing(page, site):
    page.goto(f"{site.resolve().as_uri()}/index.html")
    note = page.locator(".hb-years .hb-years-gap")
    assert "2017—2019年度未收录" in note.inner_text() and "原始文件" in note.inner_text()


def _article_links(page: Path) -> set[str]:
    """The links in a page's text (the menu links every form and draft from every page)."""
    import lxml.html

    return set(lxml.html.parse(str(page)).getroot().xpath("//article//a/@href"))


def test_step_pages_link_forms_drafts_and_the_handbook_pdf(site, latest_year):
    drafts = {"plan": {"plan", "notice"}, "report": {"report"}}
    for step in ("plan", "study", "talks", "problems", "criticism", "evaluation", "rectify", "report"):
        links = _article_links(site / "steps" / f"{step}.html")
        assert f"../pdf/handbook-{latest_year}.pdf" in links, step
        # Each form the step uses (form.yml `steps`) and its draft, in the page's own text.
        assert {f"../forms/{f.id}.html" for f in forms_for_step(step)} <= links, step
        assert {f"../drafts/{d}.html" for d in drafts.get(step, ())} <= links, step


def test_search_snippets_do_not_run_source_ids_together(site):
    text = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert not re.search(r"S00\dS00\d", text)
