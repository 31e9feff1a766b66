"""End to end in a real headless browser: Debian's chromium, driven by Playwright, against uvicorn on loopback.

A unit downloads its workbook, fills it, uploads it with an error, sees the cell named, fixes it, uploads
again and gets its receipt; the office watches the board change and builds the quarter's reports.
Every page is saved as /tmp/portal-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from yc_reports.workbook.layout import SHEET_INDICATORS, template_file_name
from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal

from .conftest import LiveServer
from .workbooks import Q3, cell_of, clean_fill, fill_downloaded, with_value

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path("/tmp")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def site(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock)
    portal.open_quarter(Q3, dt.date(2025, 10, 10))
    with LiveServer(create_app(tmp_path / "data", portal=portal)) as url:
        yield url, portal


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


def counters(page) -> dict[str, int]:
    cards = page.locator("ul.counters li")
    return {cards.nth(i).locator(".k").inner_text(): int(cards.nth(i).locator(".n").inner_text())
            for i in range(cards.count())}


def test_unit_round_trip_and_office_build(browser, site, registry, tmp_path: Path):
    url, portal = site
    admin_token = portal.ensure_admin_token()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    office = context.new_page()
    unit = context.new_page()

    # the office issues the unit's link on its page, and sees an empty board
    office.goto(f"{url}/admin/{admin_token}/units")
    shot(office, "admin-units")
    office.locator("tr", has_text="市经信局").get_by_role("button", name="生成链接").click()
    office.wait_for_load_state()
    assert "链接只显示这一次" in office.content()
    link = office.locator("tr", has_text="市经信局").locator("input.link-box").input_value()
    shot(office, "admin-links")
    office.goto(f"{url}/admin/{admin_token}")
    assert counters(office) == {"已报送": 0, "有错误待修改": 0, "未报送": 10}
    shot(office, "admin-board-before")

    # the unit opens its link and downloads its pre-filled workbook
    unit.goto(link)
    assert unit.locator("h1").inner_text() == "2025年第三季度工作进展报送"
    assert "2025年10月10日" in unit.locator("ul.facts").inner_text()
    shot(unit, "unit-home")
    with unit.expect_download() as download_info:
        unit.locator("#action-3").get_by_role("link", name="下载模板（.xlsx）").click()
    download = download_info.value
    assert download.suggested_filename == template_file_name("2025Q3", 3, "建设绿色制造体系", "市经信局")
    template = Path(download.path()).read_bytes()

    # fills it with a figure in words, uploads: the page names the cell
    wrong = fill_downloaded(template, with_value(registry, 3, "green_factories", "十二"))
    wrong_path = tmp_path / "第三项-第一次.xlsx"
    wrong_path.write_bytes(wrong)
    unit.locator("#action-3 input[type=file]").set_input_files(str(wrong_path))
    unit.locator("#action-3").get_by_role("button", name="上传并校验").click()
    unit.wait_for_url("**/uploads/*")
    cell = cell_of(wrong, SHEET_INDICATORS, "新增绿色工厂数量", "截至本季度末完成值")
    assert "校验未通过" in unit.locator("h1").inner_text()
    row = unit.locator("table.issues tbody tr").first
    assert row.locator("td.where").inner_text() == f"「{SHEET_INDICATORS}」工作表 {cell} 单元格"
    assert "“十二”不是有效数值" in row.locator("td.msg").inner_text()
    shot(unit, "unit-errors")

    office.reload()
    assert counters(office) == {"已报送": 0, "有错误待修改": 1, "未报送": 9}

    # fixes the figure and uploads again from the same page: a receipt
    fixed = fill_downloaded(template, clean_fill(registry, 3, filler="张三", value=8))
    fixed_path = tmp_path / "第三项-修改后.xlsx"
    fixed_path.write_bytes(fixed)
    unit.locator("input[type=file]").set_input_files(str(fixed_path))
    unit.get_by_role("button", name="上传并校验").click()
    unit.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText === '报送成功'")
    accepted = portal.store.uploads(accepted_only=True)
    assert len(accepted) == 1
    receipt = unit.locator("table.receipt").inner_text()
    assert accepted[0].receipt_no in receipt and accepted[0].sha256 in receipt and "第三项-修改后.xlsx" in receipt
    shot(unit, "unit-receipt")
    unit.goto(link)
    assert unit.locator("#action-3 .badge").first.inner_text() == "已报送"
    assert unit.locator("#action-3 table.list tbody tr").count() == 2   # both uploads kept
    shot(unit, "unit-home-after")

    # the office sees the board change, reads the reminders, builds
    office.reload()
    assert counters(office) == {"已报送": 1, "有错误待修改": 0, "未报送": 9}
    assert "张三" in office.locator("#board-action-3").inner_text()
    shot(office, "admin-board-after")
    office.locator("#board-action-3").get_by_role("link", name="查看").click()
    office.wait_for_url("**/uploads/*")
    shot(office, "admin-upload")
    office.goto(f"{url}/admin/{admin_token}/reminders")
    reminded = office.locator("#reminders").inner_text()
    assert "市经信局" not in reminded and "市科技局" in reminded
    shot(office, "admin-reminders")
    office.goto(f"{url}/admin/{admin_token}/settings")
    shot(office, "admin-settings")

    office.goto(f"{url}/admin/{admin_token}")
    office.get_by_role("button", name="汇总生成2025年第三季度通报").click()
    office.wait_for_url("**built=1*", timeout=180_000)
    build_box = office.locator("#build")
    shot(office, "admin-build")
    assert "第 1 次汇总" in build_box.inner_text() and "已完成" in build_box.inner_text()
    with office.expect_download() as summary_info:
        build_box.get_by_role("link", name="summary.json").click()
    summary = json.loads(Path(summary_info.value.path()).read_text("utf-8"))
    assert summary["quarter"] == "2025Q3"
    submitted = {a["id"]: a["submitted"] for a in summary["actions"]}
    assert submitted[3] is True and sum(submitted.values()) == 1
    factories = next(i for a in summary["actions"] if a["id"] == 3 for i in a["indicators"]
                     if i["name"] == "新增绿色工厂数量")
    assert factories["actual"] == 8
    with office.expect_download() as workbook_info:
        build_box.get_by_role("link", name="汇总表.xlsx").click()
    assert zipfile.is_zipfile(io.BytesIO(Path(workbook_info.value.path()).read_bytes()))
    context.close()


def test_refused_upload_page_in_the_browser(browser, site, tmp_path: Path):
    url, portal = site
    link = f"{url}/u/{portal.issue_unit_token('市科技局')}"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(link)
    not_xlsx = tmp_path / "进展情况.xlsx"
    not_xlsx.write_bytes(b"%PDF-1.7 this is a scan, not a workbook")
    page.locator("#action-4 input[type=file]").set_input_files(str(not_xlsx))
    page.locator("#action-4").get_by_role("button", name="上传并校验").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "上传未成功"
    assert "不是 Excel 工作簿" in page.content()
    shot(page, "unit-refused")
    page.get_by_role("link", name="返回重新上传").click()
    page.wait_for_url(link)
    assert portal.store.uploads() == []
    page.goto(f"{url}/u/NotARealLinkNotARealLink")
    assert "链接无效或已失效" in page.content()
    shot(page, "bad-link")
    page.close()
