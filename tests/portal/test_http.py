"""The portal over real HTTP on loopback: uvicorn in a thread, httpx as the browser."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from yc_reports.plan.quarter import Quarter
from yc_reports.workbook.layout import SHEET_INDICATORS, template_file_name

from .conftest import PUBLIC, Site, _free_port
from .test_service import bad_workbook
from .workbooks import Q3, cell_of, clean_fill, filled

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_LINK = "链接无效或已失效"


def upload(client: httpx.Client, token: str, action_id: int, data: bytes, name: str = "第三项.xlsx",
           mime: str = XLSX) -> httpx.Response:
    return client.post(f"/u/{token}/actions/{action_id}/upload", files={"file": (name, data, mime)})


# ---------------------------------------------------------------------------------------- pages


def test_unit_page_shows_its_actions_quarter_and_deadline(site: Site, http: httpx.Client):
    page = http.get(f"/u/{site.ndrc}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "市发改委" in text and "2025年第三季度" in text and "2025年10月10日" in text
    for name in ("推动降碳减污协同增效", "建立健全生态产品价值实现机制", "推进综合交通绿色发展", "推动长江中游城市群协同发展"):
        assert name in text
    assert "建设绿色制造体系" not in text   # 市经信局's action


def test_pages_carry_protective_headers(site: Site, http: httpx.Client):
    page = http.get(f"/u/{site.industry}")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    css = http.get("/static/portal.css")
    assert css.status_code == 200 and ".badge-submitted" in css.text


def test_template_download_is_the_prefilled_workbook_with_its_chinese_name(site: Site, http: httpx.Client):
    response = http.get(f"/u/{site.industry}/actions/3/template")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    disposition = response.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == template_file_name("2025Q3", 3, "建设绿色制造体系",
                                                                                     "市经信局")
    assert response.content == site.portal.submissions.template_for("市经信局", 3).data


# ---------------------------------------------------------------------------------------- links


@pytest.mark.parametrize("path", ["/u/{bad}", "/u/{bad}/actions/3/template", "/u/{bad}/uploads/1",
                                  "/admin/{bad}", "/admin/{bad}/reminders", "/admin/{bad}/uploads/1"])
def test_wrong_link_is_not_found_in_chinese(site: Site, http: httpx.Client, path: str):
    response = http.get(path.format(bad="Wr0ngT0kenWr0ngT0kenWr0ng"))
    assert response.status_code == 404
    assert BAD_LINK in response.text


def test_wrong_link_cannot_upload(site: Site, http: httpx.Client, registry):
    response = upload(http, "Wr0ngT0kenWr0ngT0kenWr0ng", 3, filled(registry, 3))
    assert response.status_code == 404 and BAD_LINK in response.text
    assert site.portal.store.uploads() == []


def test_revoked_link_stops_working_at_once(site: Site, http: httpx.Client):
    assert http.get(f"/u/{site.industry}").status_code == 200
    site.portal.accounts.revoke_unit_token("市经信局")
    response = http.get(f"/u/{site.industry}")
    assert response.status_code == 404 and BAD_LINK in response.text


def test_unit_and_office_links_do_not_cross(site: Site, http: httpx.Client):
    assert http.get(f"/admin/{site.industry}").status_code == 404
    assert http.get(f"/u/{site.admin}").status_code == 404
    assert http.post(f"/admin/{site.industry}/build").status_code == 404
    assert site.portal.jobs.builds() == ()


def test_a_unit_outside_the_action_can_neither_see_nor_overwrite(site: Site, http: httpx.Client, registry):
    mine = upload(http, site.transport, 6, filled(registry, 6), "交通.xlsx")
    assert mine.status_code == 303
    upload_id = int(mine.headers["location"].rsplit("/", 1)[1])
    assert http.get(f"/u/{site.industry}/uploads/{upload_id}").status_code == 404
    assert http.get(f"/u/{site.industry}/uploads/{upload_id}/file").status_code == 404
    assert "交通.xlsx" not in http.get(f"/u/{site.industry}").text
    intruder = upload(http, site.industry, 6, filled(registry, 6), "冒名.xlsx")
    assert intruder.status_code == 404
    records = site.portal.store.uploads()
    assert [(r.unit, r.file_name) for r in records] == [("市交通运输局", "交通.xlsx")]
    own = http.get(f"/u/{site.transport}/uploads/{upload_id}")
    assert own.status_code == 200 and records[0].receipt_no in own.text


def test_malformed_paths_are_chinese_not_found_pages(site: Site, http: httpx.Client):
    for path in (f"/u/{site.industry}/actions/三/template", "/nothing-here", f"/u/{site.industry}/uploads/-1"):
        response = http.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "未找到" in response.text


# ---------------------------------------------------------------------------------------- uploads


def test_upload_with_an_error_shows_the_cell_then_the_fix_gets_a_receipt(site: Site, http: httpx.Client, registry):
    bad = bad_workbook(registry)
    response = upload(http, site.industry, 3, bad)
    assert response.status_code == 303
    page = http.get(response.headers["location"])
    cell = cell_of(bad, SHEET_INDICATORS, "新增绿色工厂数量", "截至本季度末完成值")
    assert page.status_code == 200
    assert f"「{SHEET_INDICATORS}」工作表 {cell} 单元格" in page.text
    assert "“十二”不是有效数值" in page.text and "尚未报送" in page.text

    response = upload(http, site.industry, 3, filled(registry, 3))
    page = http.get(response.headers["location"])
    record = site.portal.store.uploads(accepted_only=True)[0]
    assert "报送成功" in page.text
    assert record.receipt_no in page.text and record.sha256 in page.text
    assert "已报送" in http.get(f"/u/{site.industry}").text


def test_user_text_is_escaped_on_every_page(site: Site, http: httpx.Client, registry):
    response = upload(http, site.industry, 3, filled(registry, 3, fill=clean_fill(registry, 3, "<i>张三</i>")),
                      "<img src=x onerror=alert(1)>.xlsx")
    page = http.get(response.headers["location"]).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in page
    assert "&lt;i&gt;张三&lt;/i&gt;" in page
    board = http.get(f"/admin/{site.admin}").text
    assert "<i>张三</i>" not in board and "&lt;i&gt;张三&lt;/i&gt;" in board


def test_uploaded_file_can_be_downloaded_back_by_its_unit(site: Site, http: httpx.Client, registry):
    data = filled(registry, 3)
    response = upload(http, site.industry, 3, data, "我的工作簿.xlsx")
    back = http.get(response.headers["location"] + "/file")
    assert back.status_code == 200 and back.content == data
    assert "%E6%88%91%E7%9A%84%E5%B7%A5%E4%BD%9C%E7%B0%BF.xlsx" in back.headers["content-disposition"]


def test_oversized_upload_is_refused_in_chinese_and_not_kept(site: Site, http: httpx.Client, registry):
    data = filled(registry, 3)
    just_over = data + b"\0" * (site.portal.max_upload_bytes + 1 - len(data))
    response = upload(http, site.industry, 3, just_over)
    assert response.status_code == 413
    assert "超过 10 MB 的上限" in response.text and "本次上传未保存" in response.text
    far_over = b"\0" * (site.portal.max_upload_bytes + 2 * 1024 * 1024)   # stopped before it is all parsed
    response = upload(http, site.industry, 3, far_over)
    assert response.status_code == 413
    assert "超过 10 MB 的上限" in response.text
    assert site.portal.store.uploads() == []
    assert list(site.portal.store.uploads_dir.iterdir()) == []


@pytest.mark.parametrize("data, name, words", [
    (b"%PDF-1.7\n", "报告.pdf", "不是 Excel 工作簿"),
    (b"%PDF-1.7\n", "改了后缀.xlsx", "不是 Excel 工作簿"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, "旧格式.xls", "旧版 Excel 格式（.xls）"),
], ids=["pdf", "pdf-renamed", "xls"])
def test_non_xlsx_upload_is_refused_in_chinese(site: Site, http: httpx.Client, data: bytes, name: str, words: str):
    response = upload(http, site.industry, 3, data, name, mime="application/octet-stream")
    assert response.status_code == 415
    assert words in response.text and "返回重新上传" in response.text
    assert site.portal.store.uploads() == []


def test_upload_without_a_file_asks_for_one(site: Site, http: httpx.Client):
    response = http.post(f"/u/{site.industry}/actions/3/upload", data={"nothing": "here"})
    assert response.status_code == 400
    assert "请先点击“选择文件”" in response.text


def test_closed_quarter_refuses_uploads_in_chinese(site: Site, http: httpx.Client, registry):
    site.portal.office.close_quarter()
    response = upload(http, site.industry, 3, filled(registry, 3))   # the link turns read-only
    assert response.status_code == 409 and "本季度报送已关闭，暂不能上传" in response.text
    page = http.get(f"/u/{site.industry}")
    assert page.status_code == 200 and "报送已关闭，本页面仅供查看" in page.text and 'type="file"' not in page.text
    assert site.portal.store.uploads() == []


def test_two_uploads_at_once_for_one_action_both_get_receipts(site: Site, registry):
    payloads = {"李四": filled(registry, 6, fill=clean_fill(registry, 6, "李四")),
                "王五": filled(registry, 6, fill=clean_fill(registry, 6, "王五"))}
    tokens = {"李四": site.transport, "王五": site.ndrc}
    start = threading.Barrier(2)
    receipts: dict[str, str] = {}

    def send(name: str) -> None:
        with site.client() as client:
            start.wait(timeout=30)
            response = upload(client, tokens[name], 6, payloads[name], f"{name}.xlsx")
            page = client.get(response.headers["location"])
            assert page.status_code == 200 and "报送成功" in page.text
            receipts[name] = page.text

    threads = [threading.Thread(target=send, args=(name,)) for name in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    records = {r.filler: r for r in site.portal.store.uploads(quarter=Q3, action_id=6)}
    assert sorted(records) == ["李四", "王五"]
    for name, record in records.items():   # each page shows its own receipt, nothing mixed up
        assert record.receipt_no in receipts[name] and record.sha256 in receipts[name]
        other = records["王五" if name == "李四" else "李四"]
        assert other.sha256 not in receipts[name]
        assert site.portal.submissions.uploaded_file(record).path.read_bytes() == payloads[name]


# ---------------------------------------------------------------------------------------- the office


def test_board_changes_as_units_submit(site: Site, http: httpx.Client, registry):
    board = http.get(f"/admin/{site.admin}")
    assert board.status_code == 200
    assert '<span class="n">0</span><span class="k">已报送</span>' in board.text
    assert '<span class="n">10</span><span class="k">尚未报送</span>' in board.text   # the deadline has not passed
    upload(http, site.industry, 3, bad_workbook(registry))
    upload(http, site.transport, 6, filled(registry, 6, fill=clean_fill(registry, 6, "李四")))
    board = http.get(f"/admin/{site.admin}").text
    assert '<span class="n">1</span><span class="k">已报送</span>' in board
    assert '<span class="n">1</span><span class="k">有错误待修改</span>' in board
    assert '<span class="n">8</span><span class="k">尚未报送</span>' in board
    assert "李四" in board
    draft = site.portal.store.uploads(action_id=3)[0]
    detail = http.get(f"/admin/{site.admin}/uploads/{draft.id}")
    assert detail.status_code == 200 and "“十二”不是有效数值" in detail.text


def test_office_builds_and_downloads_only_recorded_files(site: Site, http: httpx.Client, registry):
    upload(http, site.industry, 3, filled(registry, 3))
    response = http.post(f"/admin/{site.admin}/build")
    assert response.status_code == 303
    site.portal.jobs.wait_for_builds()   # the build runs in the background: under load it may not be done yet
    page = http.get(response.headers["location"])
    assert "汇总</strong>（第 1 次" in page.text and "汇总表.xlsx" in page.text
    file = http.get(f"/admin/{site.admin}/builds/1/files/0")
    assert file.status_code == 200 and file.content == b"summary-of-2025Q3"
    archive = http.get(f"/admin/{site.admin}/builds/1/archive")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    for path in ("/builds/1/files/1", "/builds/2/files/0", "/builds/1/files/..%2F..%2Fportal.sqlite3",
                 "/builds/2/archive"):
        assert http.get(f"/admin/{site.admin}{path}").status_code == 404


def test_a_correction_draft_is_listed_on_the_board_with_the_builds(site: Site, http: httpx.Client, registry):
    upload(http, site.industry, 3, filled(registry, 3))
    assert http.post(f"/admin/{site.admin}/build").status_code == 303
    site.portal.jobs.wait_for_builds()
    assert http.post(f"/admin/{site.admin}/build", data={"quarter": "2025Q3", "draft": "1"}).status_code == 303
    site.portal.jobs.wait_for_builds()
    board = http.get(f"/admin/{site.admin}").text
    assert "更正稿</strong>（第 2 次" in board and "更正稿（审阅用，未签发）" in board
    assert "汇总</strong>（第 1 次" in board
    assert [b.kind for b in site.portal.jobs.builds()] == ["draft", "build"]


def test_office_settings_links_and_contacts(site: Site, http: httpx.Client):
    asked = http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q2", "deadline": "2025-07-05", "open": "0"})
    assert asked.status_code == 200 and "确认结束2025年第三季度报送" in asked.text   # closing asks first
    assert site.portal.ctx.settings().quarter == Quarter(2025, 3)
    saved = http.post(f"/admin/{site.admin}/settings",
                      data={"quarter": "2025Q2", "deadline": "2025-07-05", "open": "0", "confirm": "1"})
    assert saved.status_code == 303
    settings = site.portal.ctx.settings()
    assert (str(settings.quarter), settings.deadline, settings.is_open) == ("2025Q2", dt.date(2025, 7, 5), False)
    refused = http.post(f"/admin/{site.admin}/units/links", data={"do": "issue", "unit": "市住建局"})
    assert refused.status_code == 400 and "请先在“季度设置”中选择报送季度并开放报送" in refused.text
    http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q2", "deadline": "2025-07-05", "open": "1"})
    bad = http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q9", "deadline": "", "open": "1"})
    assert bad.status_code == 400 and "格式不正确" in bad.text

    posted = http.post(f"/admin/{site.admin}/units/links", data={"do": "issue", "unit": "市住建局"})
    assert posted.status_code == 303
    issued = http.get(posted.headers["location"])
    assert issued.status_code == 200 and "刷新本页不会重新生成链接" in issued.text
    link = issued.text.split(f'value="{PUBLIC}/u/')[1].split('"')[0]
    assert site.portal.accounts.unit_for_token(link) == "市住建局"
    assert http.get(f"/u/{link}").status_code == 200
    asked = http.post(f"/admin/{site.admin}/units/links", data={"do": "revoke", "unit": "市住建局"})
    assert asked.status_code == 200 and "确认停用市住建局的链接" in asked.text      # asks first
    assert http.get(f"/u/{link}").status_code == 200
    revoked = http.post(f"/admin/{site.admin}/units/links", data={"do": "revoke", "unit": "市住建局", "confirm": "1"})
    assert revoked.status_code == 303
    assert http.get(f"/u/{link}").status_code == 404

    http.post(f"/admin/{site.admin}/units/contact", data={"unit": "市住建局", "person": "孙八", "phone": "0717-8000000"})
    reminders = http.get(f"/admin/{site.admin}/reminders").text
    assert "孙八" in reminders and 'href="tel:0717-8000000"' in reminders


# ---------------------------------------------------------------------------------------- the command




def test_serve_command_prints_the_office_link_once_and_serves_it(tmp_path: Path):
    import subprocess
    import sys
    import time

    data, port = tmp_path / "portal-data", _free_port()
    command = [sys.executable, "-m", "yc_reports.cli", "serve", "--port", str(port), "--data", str(data)]

    def start() -> tuple[subprocess.Popen, list[str]]:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   encoding="utf-8")
        lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        return process, lines

    def stop(process: subprocess.Popen) -> None:
        process.terminate()
        process.wait(30)
        process.stdout.close()

    process, lines = start()
    try:
        assert lines[0].startswith(f"报送系统已启动：http://127.0.0.1:{port}/"), lines
        assert lines[1].startswith("管理页面链接"), lines
        link = lines[1].split("：", 1)[1]
        assert link.startswith(f"http://127.0.0.1:{port}/admin/")
        with httpx.Client(timeout=10, trust_env=False) as client:
            for _ in range(200):   # bounded wait for the port to answer
                try:
                    page = client.get(link)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("serve did not answer")
            assert page.status_code == 200 and "尚未设置报送季度" in page.text
    finally:
        stop(process)
    assert (data / "portal.sqlite3").is_file()

    process, lines = start()   # a second start keeps the link (stored hashed) and says so
    try:
        assert "首次启动时显示" in lines[1] and "--new-admin-link" in lines[1]
    finally:
        stop(process)


def test_serve_refuses_a_port_in_use_in_chinese(tmp_path: Path):
    import socket
    import subprocess
    import sys

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "yc_reports.cli", "serve", "--port", str(port), "--data",
                                 str(tmp_path / "d")], capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 2
    assert "该端口已被占用" in result.stderr
