"""The office's whole cycle in the browser , in Debian's chromium at 1366 px and on a 390 px phone, with
the real library behind every button: open the quarter → units upload → set 印发日期 and 文号 → 审阅稿 → 签发 →
the 督办台账 and a 销号 → the lights of every quarter → the next quarter → 催报督办 notices → 年度考核 and
终期评估 → the plan workbook downloaded, uploaded with a mistake (named at its cell), fixed, imported.
No terminal. Every page is saved as /tmp/portal-cycle-*.png for a person to look at; on every page nothing
runs off the screen and every button, field and menu entry is at least 24 px high.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from yc_reports.plan.quarter import Quarter
from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal
from yc_reports.record.store import Record, record_path
from yc_reports.workbook.fill import TaskUpdate, UnitFill
from yc_reports.workbook.plan_workbook import SHEET_INDICATORS as PLAN_INDICATORS

from .conftest import CHROMIUM, LiveServer, wait_done
from .test_browser import SHOTS, fits
from .workbooks import clean_fill, fill_downloaded

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium)")

Q3, Q4 = Quarter(2025, 3), Quarter(2025, 4)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_TAP = 24


@pytest.fixture
def cycle_site(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock)        # the real build, issue, notices, 考核, 评估
    app = create_app(tmp_path / "data", portal=portal, page_wait=120, unit_wait=120)
    with LiveServer(app) as url:
        app.state.pages.public_url = url
        yield url, portal


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"portal-cycle-{name}.png"), full_page=True)


def usable(page, name: str) -> None:
    """Fits the screen; no control runs off it; every control a finger or a mouse aims at is ≥ 24 px high
    (links inside a sentence excepted, as WCAG 2.5.8 excepts them). Then a screenshot."""
    fits(page)
    width = page.viewport_size["width"]
    controls = page.locator("button:visible, select:visible, input:visible, textarea:visible, a.button:visible, "
                            ".site-nav a:visible, .links-cell a:visible, a.tel:visible")
    for n in range(controls.count()):
        box = controls.nth(n).bounding_box()
        if box is None or controls.nth(n).get_attribute("type") in ("hidden", "radio", "checkbox"):
            continue
        what = controls.nth(n).evaluate("e => e.outerHTML.slice(0, 80)")
        assert box["x"] >= -1 and box["x"] + box["width"] <= width + 1, f"{name}: {what} runs off the screen"
        assert box["height"] >= MIN_TAP, f"{name}: {what} is {box['height']:.0f} px high"
    shot(page, name)


def click_and_confirm(page, button: str, confirm: str) -> None:
    page.get_by_role("button", name=button).first.click()
    page.get_by_role("button", name=confirm).click()


def send_quarter(http: httpx.Client, portal: Portal, registry, url: str, quarter: Quarter, links: dict[str, str],
                 behind: int, skip: tuple[str, ...] = ()) -> None:
    """Every lead unit not in `skip` downloads its template and uploads it filled; action `behind` is behind."""
    for action in registry.actions:
        unit = action.lead_units[0]
        if unit in skip:
            continue
        template = http.get(f"{links[unit]}/actions/{action.id}/template").content
        fill = clean_fill(registry, action.id, filler=f"{unit}填报人")
        if action.id == behind:
            fill = UnitFill(filler="张三", phone="0717-6000000", fill_date=dt.date(2025, 10, 8),
                            values={i.key: 0 for i in action.indicators},
                            tasks={t.key: TaskUpdate("滞后", "资金未到位") for t in action.tasks})
        response = http.post(f"{links[unit]}/actions/{action.id}/upload",
                             files={"file": (f"{action.id}.xlsx", fill_downloaded(template, fill), XLSX)})
        assert response.status_code == 303 and "/uploads/" in response.headers["location"]


def links_on(page) -> dict[str, str]:
    """The link sheet: unit -> its whole link (the public address included)."""
    rows = page.locator("table.list tbody tr")
    return {rows.nth(n).locator("strong").inner_text(): rows.nth(n).locator("input.link-box").input_value()
            for n in range(rows.count())}


@pytest.mark.parametrize("width", [1366, 390], ids=["desktop", "phone"])
def test_the_office_runs_its_whole_cycle_in_the_browser(browser, cycle_site, registry, tmp_path: Path, width: int):
    url, portal = cycle_site
    tag = "" if width > 500 else "-390"
    base = f"{url}/admin/{portal.ensure_admin_token()}"
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                                  accept_downloads=True, locale="zh-CN")
    office = context.new_page()
    unit = context.new_page()
    http = httpx.Client(trust_env=False, timeout=120, follow_redirects=False)

    # 1. open the quarter: quarter, deadline (the library's default offered), 印发日期 and 文号
    office.goto(f"{base}/settings")
    office.locator("select[name=quarter]").select_option("2025Q3")
    assert office.locator("input[name=deadline]").input_value() == "2025-10-05"
    office.get_by_role("button", name="保存设置").click()
    office.wait_for_url("**done=settings")
    office.locator("input[name=report_date]").fill("2025-10-16")
    office.locator("input[name=doc_number]").fill("宜降碳办〔2025〕21号")
    office.get_by_role("button", name="保存印发日期和文号").click()
    office.wait_for_url("**done=dates")
    office.locator("input[name='colophon.cc']").fill("市纪委监委")                # 公文格式设置: the 版记's 抄送
    office.get_by_role("button", name="保存公文格式设置").click()
    office.wait_for_url("**done=format*")
    from yc_reports.pipeline.build import document_settings

    assert document_settings(portal.data_dir / "inputs").colophon.cc == "市纪委监委"
    usable(office, f"settings{tag}")
    with Record(record_path(portal.data_dir / "inputs")) as record:
        kept = record.settings(Q3)
        assert (kept.report_date, kept.doc_number) == (dt.date(2025, 10, 16), "宜降碳办〔2025〕21号")

    # 2. links for every unit in one click; units upload (市经信局 in the browser, the others as HTTP clients)
    office.goto(f"{base}/units")
    office.get_by_role("button", name="为本季度尚无链接的单位一键生成链接").click()
    office.wait_for_url("**/links/*")
    links = links_on(office)
    assert len(links) == len(portal.ctx.units)
    usable(office, f"links{tag}")
    unit.goto(links["市经信局"])
    with unit.expect_download() as got:
        unit.locator("#action-3").get_by_role("link", name="下载模板（.xlsx）").click()
    behind = UnitFill(filler="张三", phone="0717-6000000", fill_date=dt.date(2025, 10, 8),
                      values={i.key: 0 for i in registry.action(3).indicators},
                      tasks={t.key: TaskUpdate("滞后", "资金未到位") for t in registry.action(3).tasks})
    three = tmp_path / "第三项.xlsx"
    three.write_bytes(fill_downloaded(Path(got.value.path()).read_bytes(), behind))
    unit.locator("#action-3 input[type=file]").set_input_files(str(three))
    unit.locator("#action-3").get_by_role("button", name="上传并校验").click()
    unit.locator("h1", has_text="报送成功").wait_for()
    send_quarter(http, portal, registry, url, Q3, links, behind=3, skip=("市经信局",))
    unit.goto(links["市经信局"])
    usable(unit, f"unit-home{tag}")

    # 3. the board with its lights; the 审阅稿; then 签发 (asked first)
    office.goto(base)
    assert office.locator("#board-action-3 .light").inner_text() == "红灯"
    usable(office, f"board{tag}")
    office.get_by_role("button", name="汇总生成2025年第三季度审阅稿").click()
    wait_done(office, portal)
    assert "审阅稿（未签发）" in office.locator("#build").inner_text()
    office.get_by_role("button", name="签发2025年第三季度").click()
    confirm = office.locator("main").inner_text()
    assert "确认签发2025年第三季度" in confirm and "印发日期 2025年10月16日" in confirm and "宜降碳办〔2025〕21号" in confirm
    usable(office, f"confirm-issue{tag}")
    office.get_by_role("button", name="确认签发").click()
    wait_done(office, portal)
    build = office.locator("#build").inner_text()
    assert "已记入办公室记录（第1版，宜降碳办〔2025〕21号）" in build and "由管理员签发" in build
    assert office.locator(".panel-head .badge-issued").first.inner_text() == "已签发"
    usable(office, f"issued{tag}")
    with office.expect_download() as got:
        office.locator("#build").get_by_role("link", name="全部下载（zip）").first.click()
    with zipfile.ZipFile(got.value.path()) as archive:
        assert any(name.endswith("通报.docx") for name in archive.namelist())

    # 4. the 督办台账: items as issued; a 销号 with its reason (asked first)
    office.goto(f"{base}/ledger")
    items = portal.records.ledger()
    assert items and all(i.since == Q3 for i in items)
    first = items[-1]
    card = office.locator(f"#item-{first.item_id}")
    assert first.matter[:12] in card.inner_text() and "整改中" in card.inner_text()
    usable(office, f"ledger{tag}")
    card.locator("input[name=reason]").fill("经现场核实已整改到位")
    card.get_by_role("button", name="销号").click()
    assert f"确认对督办事项 {first.item_id} 销号" in office.locator("h1").inner_text()
    office.get_by_role("button", name="确认销号").click()
    office.wait_for_url("**done=closed")
    assert "已销号（自2025年第四季度起）" in office.locator(f"#item-{first.item_id}").inner_text()

    # 5. the next quarter: switching closes the old one (asked first); the units send Q4; 签发 Q4
    office.goto(f"{base}/settings")
    office.locator("select[name=quarter]").select_option("2025Q4")
    office.locator("input[name=deadline]").fill("")
    office.get_by_role("button", name="保存设置").click()
    assert "确认结束2025年第三季度报送" in office.locator("h1").inner_text()
    office.get_by_role("button", name="确认结束2025年第三季度报送").click()
    office.wait_for_url("**done=settings")
    old = http.get(links["市发改委"])
    assert old.status_code == 200 and "本页面仅供查看" in old.text        # last quarter's link: read-only
    office.goto(f"{base}/units")
    office.get_by_role("button", name="为本季度尚无链接的单位一键生成链接").click()
    office.wait_for_url("**/links/*")
    links4 = links_on(office)
    send_quarter(http, portal, registry, url, Q4, links4, behind=5, skip=("市住建局",))   # one unit does not send

    # 6. 催报督办: the same texts as `yc-reports notices`
    office.goto(f"{base}/reminders")
    assert "市住建局" in office.locator("#reminders").inner_text()
    office.get_by_role("button", name="生成2025年第四季度催报督办通知").click()
    wait_done(office, portal)
    texts = [box.input_value() for box in office.locator("#notices textarea").all()]
    assert any(t.startswith("【催报】市住建局") for t in texts) and any(t.startswith("【督办】") for t in texts)
    assert "2026年1月5日" in next(t for t in texts if t.startswith("【催报】"))   # the one deadline
    usable(office, f"notices{tag}")
    office.goto(f"{base}/quarters/2025Q4")
    office.get_by_role("button", name="签发2025年第四季度").click()
    office.get_by_role("button", name="确认签发").click()
    wait_done(office, portal)
    assert "已记入办公室记录（第1版" in office.locator("#build").inner_text()
    office.goto(f"{base}/ledger")
    history = office.locator(f"#item-{items[0].item_id} .history").inner_text()
    assert "2025年第三季度 整改中" in history and "2025年第四季度" in history
    usable(office, f"ledger-q4{tag}")

    # 7. the lights of every quarter so far
    office.goto(f"{base}/lights")
    assert office.locator("svg.chart rect").count() >= 2
    assert "已签发" in office.locator("table.lights-table").inner_text()
    usable(office, f"lights{tag}")

    # 8. 年度考核 and 终期评估, generated and downloaded
    office.goto(f"{base}/assessment")
    office.locator("select[name=year]").select_option("2025")
    office.get_by_role("button", name="生成年度考核").click()
    wait_done(office, portal)
    office.get_by_role("button", name="终期评估").click()
    wait_done(office, portal)
    page = office.locator("main").inner_text()
    assert "2025年度考核得分" in page and "终期评估" in page
    usable(office, f"assessment{tag}")
    for wanted in ("考核结果报告.docx", "终期评估报告.docx"):
        with office.expect_download() as got:
            office.get_by_role("link", name=wanted).first.click()
        assert zipfile.is_zipfile(got.value.path())

    # 9. the plan workbook: downloaded, uploaded with a mistake (named at its cell), fixed, imported
    office.goto(f"{base}/plan")
    with office.expect_download() as got:
        office.get_by_role("link", name="下载现行计划配置表（.xlsx）").click()
    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    sheet = book[PLAN_INDICATORS]
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[2].value == registry.action(3).indicators[0].name)
    target = f"{header['2025年目标']}{row}"
    sheet[target] = "十二"
    broken = tmp_path / "计划配置-改错.xlsx"
    book.save(broken)
    office.locator("input[type=file]").set_input_files(str(broken))
    office.get_by_role("button", name="上传并检查").click()
    office.wait_for_url("**/plan/checks/*")
    problems = office.locator("#check").inner_text()
    assert "处问题，未导入" in problems and target in problems and "指标" in problems
    usable(office, f"plan-problems{tag}")
    sheet[target] = 12
    fixed = tmp_path / "计划配置-修改.xlsx"
    book.save(fixed)
    office.goto(f"{base}/plan")
    office.locator("input[type=file]").set_input_files(str(fixed))
    office.get_by_role("button", name="上传并检查").click()
    office.wait_for_url("**/plan/checks/*")
    assert "检查无误" in office.locator("#check").inner_text()
    click_and_confirm(office, "导入并启用", "确认导入")
    office.wait_for_url("**done=imported")
    assert (portal.data_dir / "inputs" / "plan.toml").is_file()
    assert portal.registry.action(3).indicators[0].targets[2025] == 12
    usable(office, f"plan{tag}")

    # 10. the audit log says who did all of it, and it exports
    office.goto(f"{base}/audit")
    log = office.locator("table.list").inner_text()
    for what in ("设定印发日期和文号", "修改公文格式设置", "开始签发", "签发完成", "督办事项销号", "开始催报督办通知", "开始年度考核",
                 "开始终期评估", "导入计划配置"):
        assert what in log, what
    usable(office, f"audit{tag}")
    with office.expect_download() as got:
        office.get_by_role("link", name="导出全部操作记录（.xlsx）").click()
    assert load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active["A1"].value.startswith("报送系统操作记录")
    http.close()
    context.close()
