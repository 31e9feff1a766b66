"""End to end in a real headless browser: Debian's chromium, driven by Playwright, against uvicorn on loopback.

A unit downloads its workbook, fills it, uploads it with an error, sees the cell named, fixes it, uploads
again and gets its receipt; the office watches the board change and builds the quarter's reports.
Every page is saved as /tmp/portal-*.png for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal
from yc_reports.workbook.layout import SHEET_INDICATORS, template_file_name

from .conftest import CHROMIUM, LiveServer, wait_done
from .workbooks import Q3, cell_of, clean_fill, fill_downloaded, with_value

SHOTS = Path("/tmp")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture
def site(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    app = create_app(tmp_path / "data", portal=portal, page_wait=120, unit_wait=120)
    with LiveServer(app) as url:
        app.state.pages.public_url = url    # what --public-url says in production (the port is known only now)
        yield url, portal


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


def fits(page) -> None:
    """No sideways page scroll: the page is no wider than the screen (tables scroll in their own box)."""
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: page is {scroll} px wide on a {width} px screen"


def counters(page) -> dict[str, int]:
    cards = page.locator("ul.counters li")
    return {cards.nth(i).locator(".k").inner_text(): int(cards.nth(i).locator(".n").inner_text())
            for i in range(cards.count())}


def board_counts(submitted: int, errors: int, missing: int, pending: int = 0, returned: int = 0,
                 conflict: int = 0, late: bool = False) -> dict[str, int]:
    return {"已报送": submitted, "牵头单位报送不一致": conflict, "有错误待修改": errors, "已退回待重报": returned,
            "逾期未报送" if late else "尚未报送": missing, "汇总时数据待核实": pending}


def issue_link(office, base: str, unit: str) -> str:
    office.goto(f"{base}/units")
    office.locator("tr", has_text=unit).get_by_role("button", name="生成链接").click()
    office.wait_for_url("**/links/*")
    return office.locator("tr", has_text=unit).locator("input.link-box").input_value()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_unit_round_trip_and_office_build(browser, site, registry, tmp_path: Path, width: int):
    url, portal = site
    tag = "" if width > 500 else "-390"
    admin_token = portal.ensure_admin_token()
    base = f"{url}/admin/{admin_token}"
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                                  accept_downloads=True, locale="zh-CN")
    office = context.new_page()
    unit = context.new_page()

    # the office issues the unit's link on its page, and sees an empty board
    office.goto(f"{base}/units")
    fits(office)
    shot(office, f"admin-units{tag}")
    link = issue_link(office, base, "市经信局")
    assert link.startswith(f"{url}/u/")
    assert "刷新本页不会重新生成链接" in office.content()
    fits(office)
    shot(office, f"admin-links{tag}")
    office.reload()                      # a refresh shows the same link and issues nothing
    assert office.locator("tr", has_text="市经信局").locator("input.link-box").input_value() == link
    office.goto(base)
    assert counters(office) == board_counts(0, 0, 10)
    fits(office)
    shot(office, f"admin-board-before{tag}")

    # the unit opens its link and downloads its pre-filled workbook
    unit.goto(link)
    assert unit.locator("h1").inner_text() == "2025年第三季度工作进展报送"
    assert "2025年10月10日" in unit.locator("ul.facts").inner_text()
    fits(unit)
    shot(unit, f"unit-home{tag}")
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
    fits(unit)
    shot(unit, f"unit-errors{tag}")

    office.reload()
    assert counters(office) == board_counts(0, 1, 9)

    # fixes the figure and uploads again from the same page: a receipt
    fixed = fill_downloaded(template, clean_fill(registry, 3, filler="张三", value=8))
    fixed_path = tmp_path / "第三项-修改后.xlsx"
    fixed_path.write_bytes(fixed)
    unit.locator("input[type=file]").set_input_files(str(fixed_path))
    unit.get_by_role("button", name="上传并校验").click()
    # a locator wait, not wait_for_function: the pages' CSP (script-src 'none') refuses string evaluation
    unit.locator("h1", has_text="报送成功").wait_for()
    accepted = portal.store.uploads(accepted_only=True)
    assert len(accepted) == 1
    receipt = unit.locator("table.receipt").inner_text()
    assert accepted[0].receipt_no in receipt and accepted[0].sha256 in receipt and "第三项-修改后.xlsx" in receipt
    fits(unit)
    shot(unit, f"unit-receipt{tag}")

    # the printable receipt: its address and its printed text carry no link
    unit.get_by_role("link", name="打印回执").click()
    unit.wait_for_url("**/receipts/*")
    token = link.rsplit("/", 1)[1]
    assert token not in unit.url and "/u/" not in unit.url
    fits(unit)
    shot(unit, f"receipt{tag}")
    unit.emulate_media(media="print")
    shot(unit, f"receipt-print{tag}")
    unit.emulate_media(media="screen")
    pdf = tmp_path / "receipt.pdf"
    unit.pdf(path=str(pdf), print_background=False)
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert accepted[0].receipt_no in printed and token not in printed and "/u/" not in printed
    unit.goto(link)
    assert unit.locator("#action-3 .badge").first.inner_text() == "已报送"
    assert unit.locator("#action-3 table.list tbody tr").count() == 2   # both uploads kept
    fits(unit)
    shot(unit, f"unit-home-after{tag}")

    # the office sees the board change, returns the workbook with a comment; the unit sees it
    office.reload()
    assert counters(office) == board_counts(1, 0, 9)
    assert "张三" in office.locator("#board-action-3").inner_text()
    assert "汇总采用" in office.locator("#board-action-3").inner_text()
    fits(office)
    shot(office, f"admin-board-after{tag}")
    office.locator("#board-action-3").get_by_role("link", name="查看").click()
    office.wait_for_url("**/uploads/*")
    fits(office)
    shot(office, f"admin-upload{tag}")
    office.locator("#return textarea").fill("绿色工厂数量与工信部门统计不一致，请核实后重新报送。")
    office.get_by_role("button", name="退回", exact=True).click()
    office.get_by_role("button", name="确认退回").click()          # a destructive step asks first
    office.wait_for_url("**done=returned*")
    assert "已退回" in office.content()
    office.goto(base)
    assert counters(office) == board_counts(0, 0, 9, returned=1)
    unit.reload()
    assert "退回意见：绿色工厂数量与工信部门统计不一致" in unit.locator("#action-3").inner_text()
    assert unit.locator("#action-3 .panel-head .badge").first.inner_text() == "已退回待重报"
    fits(unit)
    shot(unit, f"unit-returned{tag}")

    # the office uploads the corrected copy the unit e-mailed, on its behalf
    office.goto(base)
    office.get_by_role("link", name="代单位上传工作簿").click()
    office.wait_for_url("**/upload")
    office.locator("select[name=for]").select_option("3|市经信局")
    office.locator("input[type=file]").set_input_files(str(fixed_path))
    office.get_by_role("button", name="代为上传并校验").click()
    office.wait_for_url("**/uploads/*")
    assert "办公室代传：管理员" in office.content()
    fits(office)
    shot(office, f"admin-on-behalf{tag}")
    unit.reload()
    assert "由指挥部办公室管理员代为上传" in unit.locator("#action-3").inner_text()

    # a co-led action: 市发改委 submits 六, 市交通运输局 sees it as submitted, by whom and when
    ndrc = issue_link(office, base, "市发改委")
    transport = issue_link(office, base, "市交通运输局")
    six = tmp_path / "第六项.xlsx"
    six.write_bytes(fill_downloaded(portal.submissions.template_for("市发改委", 6).data, clean_fill(registry, 6, "王五")))
    unit.goto(ndrc)
    unit.locator("#action-6 input[type=file]").set_input_files(str(six))
    unit.locator("#action-6").get_by_role("button", name="上传并校验").click()
    unit.wait_for_url("**/uploads/*")
    unit.goto(transport)
    section = unit.locator("#action-6").inner_text()
    assert "已报送" in section and "本行动现行报送材料：市发改委" in section and "王五" in section
    fits(unit)
    shot(unit, f"unit-colead{tag}")

    # reminders, problems, accounts, audit, settings: every office page fits
    for path, name in (("/reminders", "admin-reminders"), ("/problems", "admin-problems"),
                       ("/accounts", "admin-accounts"), ("/settings", "admin-settings")):
        office.goto(base + path)
        fits(office)
        shot(office, f"{name}{tag}")
    office.goto(f"{base}/reminders")
    reminded = office.locator("#reminders").inner_text()
    assert "市经信局" not in reminded and "市科技局" in reminded

    office.goto(base)
    office.get_by_role("button", name="汇总生成2025年第三季度审阅稿").click()
    office.wait_for_url("**built=1*", timeout=60_000)
    assert "正在进行" in office.locator("#build").inner_text() or "已完成" in office.locator("#build").inner_text()
    wait_done(office, portal)
    build_box = office.locator("#build")
    fits(office)
    shot(office, f"admin-build{tag}")
    assert "（第 1 次" in build_box.inner_text() and "已完成" in build_box.inner_text()
    with office.expect_download() as summary_info:
        build_box.get_by_role("link", name="summary.json").click()
    summary = json.loads(Path(summary_info.value.path()).read_text("utf-8"))
    assert summary["quarter"] == "2025Q3"
    submitted = {a["id"]: a["submitted"] for a in summary["actions"]}
    assert submitted[3] is True and submitted[6] is True and sum(submitted.values()) == 2
    factories = next(i for a in summary["actions"] if a["id"] == 3 for i in a["indicators"]
                     if i["name"] == "新增绿色工厂数量")
    assert factories["actual"] == 8
    with office.expect_download() as workbook_info:
        build_box.get_by_role("link", name="汇总表.xlsx").click()
    assert zipfile.is_zipfile(io.BytesIO(Path(workbook_info.value.path()).read_bytes()))
    office.goto(f"{base}/audit")
    audit = office.locator("table.list").inner_text()
    for what in ("退回报送材料", "代单位上传", "生成单位链接", "开始汇总", "汇总完成"):
        assert what in audit
    fits(office)
    shot(office, f"admin-audit{tag}")
    context.close()


def test_refused_upload_page_in_the_browser(browser, site, tmp_path: Path):
    url, portal = site
    link = f"{url}/u/{portal.accounts.issue_unit_token('市科技局')}"
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
