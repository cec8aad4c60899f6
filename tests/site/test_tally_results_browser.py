"""From the member list to the result documents without a terminal, in Chromium from file:// at 1280 and
360 px: the 计票 page starts from the stored 本支部名单, prints the documents `handbook results` prints (the
same templates, rendered by Nunjucks), fills the 情况统计表, and its 上报 files feed `handbook results --collect`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.site.test_members_browser import spreadsheet_copy, thirty

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
HANDBOOK = Path(sys.executable).parent / "handbook"
COUNTS = {"formal": ["3", "25", "1", "0"], "top": ["20", "9", "0", "0"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory, latest_year):
    """The newest edition without PDFs."""
    from macros.site import build_edition

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_PDF", "0")
        return build_edition(latest_year, tmp_path_factory.mktemp("results") / "site")


def _counted(page, site: Path) -> None:
    """Paste the list once, open the 计票 page, type the 27 graded members' totals and grades."""
    page.goto((site / "branch.html").as_uri())
    page.fill("#zm-paste", spreadsheet_copy())
    page.click(".zm-read")
    page.goto((site / "steps" / "counting.html").as_uri())
    page.fill("#zt-branch", "测试第一党支部")
    for key, value in (("issued", "30"), ("returned", "29"), ("valid", "29")):
        page.fill(f"[data-ballot={key}]", value)
    rows = page.locator(".zt-table tbody tr[data-i]")
    for i in range(rows.count()):
        tr = rows.nth(i)
        if tr.locator(".zt-prob").is_checked():
            continue
        for g, v in enumerate(COUNTS["top" if i % 5 == 0 else "formal"]):
            tr.locator(".zt-count").nth(g).fill(v)
        grade = "优秀" if i % 5 == 0 else "合格"
        tr.locator(".zt-proposal").select_option(grade)
        tr.locator(".zt-decided").select_option(grade)


def _right_rule_mm(pdf: Path, page: int = 1) -> float:
    """How far (mm) from the paper's right edge the rightmost solid vertical rule on a page lies, as poppler
    draws it at 300 dpi (PDFium still draws a rule that Chromium clipped; poppler leaves a grey sliver)."""
    from PIL import Image

    out = pdf.with_suffix("")
    x0 = int((210 - 25) / 25.4 * 300)  # the right 25 mm of an A4 portrait page
    subprocess.run(
        ["pdftoppm", "-png", "-r", "300", "-f", str(page), "-l", str(page), "-singlefile",
         "-x", str(x0), "-y", "0", "-W", str(2480 - x0), "-H", "3508", str(pdf), str(out)],
        check=True,
    )
    img = Image.open(f"{out}.png").convert("L")
    w, h = img.size
    px = img.load()
    for x in range(w - 1, -1, -1):
        if sum(px[x, y] < 100 for y in range(0, h, 4)) > h // 16:
            return (w - x) * 25.4 / 300
    return float("inf")


def _pdf(page, html: str, path: Path) -> PdfReader:
    doc = page.context.new_page()
    doc.set_content(html)
    doc.pdf(path=str(path), prefer_css_page_size=True)
    doc.close()
    return PdfReader(str(path))


@pytest.mark.parametrize("width", [1280, 360])
def test_member_list_to_printed_results(browser, site, width, shots, tmp_path):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _counted(page, site)
    assert page.locator(".zt-table tbody tr[data-i]").count() == 30
    assert "本支部名单（30人）" in page.inner_text(".zt-members-note")
    assert "错误：" not in page.inner_text(".zt-checks")
    names = [r[1].replace("　", "") for r in thirty()]
    landscape = {"summary": True, "grades": True, "feedback": False, "mobile": False}
    for kind, wide in landscape.items():
        page.click(f".zt-doc[data-doc={kind}]")
        html = page.eval_on_selector(".zt-frame", "f => f.srcdoc")
        assert "rs-" in html, page.inner_text(".zt-status")
        pdf = _pdf(page, html, tmp_path / f"{kind}.pdf")
        box = pdf.pages[0].mediabox
        assert (box.width > box.height) == wide, kind
        if wide:
            # 序号 and 基本合格 head their columns on one line (they broke into 序 and 号, 基本合 and 格).
            text = pdf.pages[0].extract_text()
            assert "序号" in text and "合格 基本合格 不合格" in text, kind
        if kind == "feedback":
            # The slips' frames print whole: their right rule sits at the 16 mm margin (Chromium clipped it).
            assert 15 <= _right_rule_mm(tmp_path / f"{kind}.pdf") <= 17.5
        if kind == "mobile":
            assert names[11] in html and "流动党员评定意见反馈函" in html and len(pdf.pages) == 1
        else:
            assert all(n in html for n in names), kind
    page.locator("#zt-h-docs").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"results-{width}.png"))
    page.click(".zt-doc[data-doc=all]")
    everything = _pdf(page, page.eval_on_selector(".zt-frame", "f => f.srcdoc"), tmp_path / "all.pdf")
    assert len(everything.pages) >= 2 + 2 + 15 + 1
    page.click(".zt-statistics")
    stored = page.evaluate("() => Object.keys(localStorage).filter(k => k.endsWith(':form:statistics'))")
    values = json.loads(page.evaluate(f"() => localStorage.getItem({json.dumps(stored[0])})"))
    assert (
        values["members_total"] == "30"
        and values["probationary"] == "3"
        and values["graded_excellent"] == "6"
    )
    page.click(".zt-status a")
    page.wait_for_load_state()
    assert page.input_value("[name=members_total]") == "30"
    assert errors == []
    page.context.close()


def test_report_files_feed_collect(browser, site, tmp_path):
    """Three branches' 上报 files, exported from the page, give the 党委's workbook."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
    _counted(page, site)
    with page.expect_download() as dl:
        page.click(".zt-export-report")
    assert dl.value.suggested_filename.startswith("测试第一党支部-")
    first = json.loads(Path(dl.value.path()).read_text("utf-8"))
    folder = tmp_path / "上报"
    folder.mkdir()
    for i, name in enumerate(("测试第一党支部", "测试第二党支部", "测试第三党支部")):
        (folder / f"{name}.json").write_text(
            json.dumps(first | {"branch": name}, ensure_ascii=False), "utf-8"
        )
        assert i < 3
    out = tmp_path / "党委汇总.xlsx"
    run = subprocess.run(
        [str(HANDBOOK), "results", "--collect", str(folder), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert out.exists()
    from openpyxl import load_workbook

    cells = [
        str(c) for ws in load_workbook(out).worksheets for row in ws.iter_rows(values_only=True) for c in row
    ]
    assert all(any(b in c for c in cells) for b in ("测试第一党支部", "测试第二党支部", "测试第三党支部"))
    page.context.close()
