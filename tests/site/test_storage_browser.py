"""The page's storage in Chromium: an import too large for localStorage says so and keeps what was there.

The quota is the browser's own (about 5 MB per site): the imported files carry a 6-million-character note.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HUGE = "很长的备注" * 1_200_000  # 6 million characters: more than Chromium's localStorage holds


@pytest.fixture(scope="module")
def site(tmp_path_factory, latest_year, serve):
    """The newest edition without PDFs (the pages need none), served on 127.0.0.1."""
    from macros.site import build_edition

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HANDBOOK_PDF", "0")
        return serve(build_edition(latest_year, tmp_path_factory.mktemp("storage") / "site"))


def test_form_import_too_large_for_storage_keeps_the_previous_contents(page, site, tmp_path, latest_year):
    page.goto(f"{site}/forms/member-ballot.html")
    page.fill("#zf-member-ballot-branch", "第一党支部")
    page.fill("#zf-member-ballot-r01_name", "党员甲")
    big = tmp_path / "big.json"
    values = {"branch": "别的党支部", "r01_name": "党员乙", "r01_note": HUGE}
    big.write_text(json.dumps({"form": "member-ballot", "year": latest_year, "values": values}), "utf-8")
    page.on("dialog", lambda d: d.accept())  # "本表已有填写的内容……继续吗？"
    page.set_input_files(".zf-import", str(big))
    page.wait_for_function("document.querySelector('.zf-status').textContent.indexOf('导入') >= 0")
    status = page.locator(".zf-status").inner_text()
    assert status.startswith("导入失败") and "存储空间已满" in status and "导入前的内容" in status, status
    assert "zf-status--problem" in page.get_attribute(".zf-status", "class")
    # Visibly the previous contents, and the same after a reload.
    assert page.input_value("#zf-member-ballot-branch") == "第一党支部"
    assert page.input_value("#zf-member-ballot-r01_note") == ""
    page.reload()
    assert page.input_value("#zf-member-ballot-branch") == "第一党支部"
    assert page.input_value("#zf-member-ballot-r01_name") == "党员甲"


def test_tally_import_too_large_for_storage_keeps_the_previous_contents(page, site, tmp_path, latest_year):
    page.goto(f"{site}/steps/counting.html")
    page.fill("#zt-names", "党员甲\n党员乙")
    page.click(".zt-use-names")
    page.wait_for_selector(".zt-table tbody tr[data-i='1']")
    members = [
        {"name": n, "probationary": False, "counts": {}, "proposal": None, "decided": None, "note": note}
        for n, note in (("党员丙", HUGE), ("党员丁", ""))
    ]
    data = {"kind": "zzshh-tally", "version": 1, "edition": latest_year, "branch": "", "members": members}
    big = tmp_path / "tally.json"
    big.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    page.on("dialog", lambda d: d.accept())
    page.set_input_files(".zt-import", str(big))
    page.wait_for_function("document.querySelector('.zt-status').textContent.indexOf('导入') >= 0")
    status = page.locator(".zt-status").inner_text()
    assert status.startswith("导入失败") and "存储空间已满" in status and "导入前的内容" in status, status
    names = page.locator(".zt-table tbody tr[data-i] .zt-name").all_inner_texts()
    assert names == ["党员甲", "党员乙"]
    page.reload()
    page.wait_for_selector(".zt-table tbody tr[data-i='1']")
    assert page.locator(".zt-table tbody tr[data-i] .zt-name").all_inner_texts() == ["党员甲", "党员乙"]
