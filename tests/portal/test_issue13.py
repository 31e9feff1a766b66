"""Issue 13 over real HTTP: co-leads, the office's uploads and 退回, board = build, links, accounts, bounds."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from yc_reports.pipeline.build import build_quarter
from yc_reports.portal.app import create_app
from yc_reports.portal.errors import PortalError
from yc_reports.portal.service import Portal
from yc_reports.portal.work import WorkPool
from yc_reports.workbook.layout import template_file_name

from .conftest import PUBLIC, LiveServer, Site, _free_port, _quick_build
from .test_http import XLSX, upload
from .test_service import bad_workbook
from .workbooks import Q2, Q3, clean_fill, filled

NOT_FOUND = "未找到"


def _id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:400]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _admin_upload(http: httpx.Client, site: Site, action_id: int, unit: str, data: bytes,
                  name: str = "邮件来件.xlsx") -> httpx.Response:
    return http.post(f"/admin/{site.admin}/upload", data={"for": f"{action_id}|{unit}"},
                     files={"file": (name, data, "application/octet-stream")})


# ---------------------------------------------------------------------------------------- 1. co-leads


def test_co_lead_sees_the_actions_submission_sender_and_time(site: Site, http: httpx.Client, registry):
    ndrc_id = _id_of(upload(http, site.ndrc, 6, filled(registry, 6, fill=clean_fill(registry, 6, "王五")), "发改.xlsx"))
    record = site.portal.store.upload(ndrc_id)
    page = http.get(f"/u/{site.transport}").text
    section = page.split('id="action-6"')[1].split("</section>")[0]
    assert "已报送" in section and "未报送" not in section.split("</h2>")[1].split("</div>")[0]
    assert "本行动现行报送材料：市发改委" in section and record.receipt_no in section and "王五" in section
    assert record.uploaded_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S") in section

    later_id = _id_of(upload(http, site.transport, 6, filled(registry, 6, fill=clean_fill(registry, 6, "李四")),
                             "交通.xlsx"))
    later = site.portal.store.upload(later_id)
    # the co-lead's later upload does not replace the other's; both stand, 数据待核实
    ndrc_receipt = http.get(f"/u/{site.ndrc}/uploads/{ndrc_id}").text
    assert "是（截至" in ndrc_receipt
    transport_receipt = http.get(f"/u/{site.transport}/uploads/{later_id}").text
    assert "是（截至" in transport_receipt
    ndrc_home = http.get(f"/u/{site.ndrc}").text.split('id="action-6"')[1].split("</section>")[0]
    assert "数据待核实" in ndrc_home and later.receipt_no in ndrc_home and record.receipt_no in ndrc_home


# ---------------------------------------------------------------------------------------- 2. office upload, 退回


def test_office_uploads_on_behalf_and_the_unit_sees_who(site: Site, http: httpx.Client, registry):
    upload_id = _id_of(_admin_upload(http, site, 3, "市经信局", filled(registry, 3)))
    record = site.portal.store.upload(upload_id)
    assert record.by_office == "管理员" and record.unit == "市经信局" and record.accepted
    office_page = http.get(f"/admin/{site.admin}/uploads/{upload_id}").text
    assert "办公室代传：管理员" in office_page
    unit_page = http.get(f"/u/{site.industry}").text
    assert "由指挥部办公室管理员代为上传" in unit_page and record.receipt_no in unit_page
    assert any(e.what == "代单位上传" and "市经信局" in e.detail for e in site.portal.accounts.audit_log())


def test_office_upload_for_a_unit_not_leading_the_action_is_refused(site: Site, http: httpx.Client, registry):
    response = _admin_upload(http, site, 3, "市住建局", filled(registry, 3))
    assert response.status_code == 404 and "不由本单位牵头" in response.text
    assert site.portal.store.uploads() == []


def test_return_with_a_comment_the_unit_sees_and_the_build_stops_using_it(site: Site, http: httpx.Client,
                                                                         registry):
    upload_id = _id_of(upload(http, site.industry, 3, filled(registry, 3), "绿色制造.xlsx"))
    staged = site.portal.data_dir / "inputs" / "2025Q3" / template_file_name("2025Q3", 3, "建设绿色制造体系",
                                                                              "市经信局")
    assert staged.is_file()
    empty = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return", data={"note": "  "})
    assert empty.status_code == 400 and "请填写退回意见" in empty.text
    note = "绿色工厂数量与工信部门统计不一致，请核实后重新报送。"
    asked = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return", data={"note": note})
    assert asked.status_code == 200 and "确认退回" in asked.text and staged.is_file()   # asks first
    returned = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return", data={"note": note, "confirm": "1"})
    assert returned.status_code == 303 and returned.headers["location"].endswith("?done=returned#notify")
    home = http.get(f"/u/{site.industry}").text
    assert "退回意见：" + note in home and "已退回" in home
    row = site.portal.boards.board().rows[2]
    assert row.state.label == "已退回待重报" and row.accepted is None and not staged.exists()
    assert not row.build.submitted            # the build no longer reads it either
    again = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return", data={"note": note})
    assert again.status_code == 400 and "已退回" in again.text
    assert [e.what for e in site.portal.accounts.audit_log()].count("退回报送材料") == 1


# ---------------------------------------------------------------------------------------- 3. board = build


def test_board_shows_what_the_real_build_uses_duplicates_and_errors(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock, builder=build_quarter)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    portal.submissions.submit("市经信局", 3, filled(registry, 3), "三.xlsx")
    portal.submissions.submit("市科技局", 4, filled(registry, 4), "四.xlsx")
    folder = portal.data_dir / "inputs" / "2025Q3"
    # the office also dropped an e-mailed copy of action 4 into the folder by hand, and a faulty 5
    (folder / "邮件来的第04项.xlsx").write_bytes(filled(registry, 4, fill=clean_fill(registry, 4, "另一人")))
    (folder / "第05项.xlsx").write_bytes(bad_workbook(registry, 5))
    board = portal.boards.board()
    record = portal.jobs.run_build()
    assert record.ok, record.message
    summary = json.loads((record.out_dir / "summary.json").read_text("utf-8"))
    for row, built in zip(board.rows, summary["actions"], strict=True):
        assert (row.action.id, row.build.submitted, row.build.light.value) == \
               (built["id"], built["submitted"], built["light"])
    four = board.rows[3]
    assert four.state.label == "已报送" and four.build_label == "数据待核实（收到多份）"
    assert len(four.build.files) == 2 and "邮件来的第04项.xlsx" in four.build.files
    assert board.rows[2].build_label == "汇总采用"
    five = board.rows[4]
    assert five.build_label == "数据待核实" and five.build.errors >= 1
    assert five.state.label == "已报送" and five.folder_only     # as summary.json: submitted (data pending)
    assert [row.state.label == "已报送" for row in board.rows] == [a["submitted"] for a in summary["actions"]]
    problems = portal.boards.problems(board)
    assert {p.issue.file for p in problems} >= {"第05项.xlsx", "邮件来的第04项.xlsx"}
    cells = [p for p in problems if p.issue.file == "第05项.xlsx" and p.issue.cell]
    assert cells and cells[0].units == registry.action(5).lead_units
    assert summary["issues"] and {i["file"] for i in summary["issues"]} >= {"第05项.xlsx"}
    # units see only what they can act on: never the office's own folder files
    water = portal.boards.problems(board, unit=registry.action(5).lead_units[0])
    assert water == ()


def test_problems_page_lists_sheet_and_cell_and_the_unit_sees_its_own(site: Site, http: httpx.Client, registry):
    folder = site.portal.data_dir / "inputs" / "2025Q3"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "第03项_手工放入.xlsx").write_bytes(bad_workbook(registry, 3))
    page = http.get(f"/admin/{site.admin}/problems").text
    assert "第03项_手工放入.xlsx" in page and "单元格" in page and "市经信局" in page
    assert "第03项_手工放入.xlsx" not in http.get(f"/u/{site.transport}").text
    unit_page = http.get(f"/u/{site.industry}").text.split('id="action-3"')[1].split("</section>")[0]
    # a file the office put in the folder shows the unit no message it cannot act on
    assert "由指挥部办公室直接收取，正在核实" in unit_page and "「指标进展」工作表" not in unit_page
    assert "第03项_手工放入.xlsx" not in unit_page


# ---------------------------------------------------------------------------------------- 4. links


def test_unit_links_turn_read_only_with_the_quarter_and_are_reissued_in_one_click(site: Site, http: httpx.Client):
    assert http.get(f"/u/{site.industry}").status_code == 200
    site.portal.office.open_quarter(Quarter4 := Q3.next(), dt.date(2026, 1, 5))
    for token in (site.industry, site.transport, site.ndrc):
        response = http.get(f"/u/{token}")      # the Q3 link shows Q3's records, read-only
        assert response.status_code == 200 and "2025年第三季度报送已关闭，本页面仅供查看" in response.text
    posted = http.post(f"/admin/{site.admin}/units/links", data={"do": "issue-missing"})
    sheet = http.get(posted.headers["location"]).text
    links = [part.split('"')[0] for part in sheet.split(f'value="{PUBLIC}/u/')[1:]]
    assert len(links) == len(site.portal.ctx.units)
    assert all(site.portal.accounts.unit_for_token(t) for t in links)
    site.portal.office.close_quarter()
    assert all(not site.portal.accounts.unit_session(t).can_submit for t in links)   # read-only, not dead
    site.portal.office.open_quarter(Quarter4)
    assert all(site.portal.accounts.unit_session(t).can_submit for t in links)       # reopening brings them back
    assert Quarter4.label in {e.detail.split("，")[0].removeprefix("报送季度 ") for e in site.portal.accounts.audit_log()}


def test_links_use_the_public_url_never_the_host_header(site: Site, http: httpx.Client):
    posted = http.post(f"/admin/{site.admin}/units/links", data={"do": "issue", "unit": "市住建局"},
                       headers={"Host": "evil.example"})
    sheet = http.get(posted.headers["location"], headers={"Host": "evil.example"}).text
    assert f'value="{PUBLIC}/u/' in sheet and "evil.example" not in sheet


def test_refreshing_after_issuing_a_link_never_issues_another(site: Site, http: httpx.Client):
    issued_before = [e.what for e in site.portal.accounts.audit_log()].count("生成单位链接")
    posted = http.post(f"/admin/{site.admin}/units/links", data={"do": "issue", "unit": "市住建局"})
    assert posted.status_code == 303
    first = http.get(posted.headers["location"]).text
    again = http.get(posted.headers["location"]).text   # the browser's refresh is a GET
    link = first.split(f'value="{PUBLIC}/u/')[1].split('"')[0]
    assert link in again and site.portal.accounts.unit_for_token(link) == "市住建局"
    assert [e.what for e in site.portal.accounts.audit_log()].count("生成单位链接") == issued_before + 1
    other_admin = site.portal.accounts.new_admin_token("王敏")
    assert http.get(f"/admin/{other_admin}/links/{posted.headers['location'].rsplit('/', 1)[1]}").text.count(link) == 0


@pytest.mark.parametrize("path,data", [
    ("/settings", {"quarter": "2025Q3", "deadline": "2025-10-10", "open": "1"}),
    ("/units/contact", {"unit": "市住建局", "person": "孙八", "phone": "1"}),
    ("/units/links", {"do": "revoke", "unit": "市经信局", "confirm": "1"}),
    ("/accounts", {"do": "issue", "name": "王敏"}),
    ("/build", {}),
])
def test_every_office_post_answers_with_a_redirect(site: Site, http: httpx.Client, path: str, data: dict):
    response = http.post(f"/admin/{site.admin}{path}", data=data)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/")
    assert http.get(response.headers["location"]).status_code == 200
    site.portal.jobs.wait_for_builds()


def test_receipt_page_and_print_carry_no_token(site: Site, http: httpx.Client, registry):
    upload_id = _id_of(upload(http, site.industry, 3, filled(registry, 3), "绿色制造.xlsx"))
    record = site.portal.store.upload(upload_id)
    result = http.get(f"/u/{site.industry}/uploads/{upload_id}").text
    receipt_url = f"/receipts/{record.receipt_key}"
    assert receipt_url in result and "打印回执" in result
    assert site.industry not in receipt_url and site.admin not in receipt_url
    receipt = http.get(receipt_url)
    assert receipt.status_code == 200 and record.receipt_no in receipt.text and "回执编号" in receipt.text
    assert site.industry not in receipt.text and "/u/" not in receipt.text
    css = http.get("/static/portal.css").text
    assert "@page { margin: 0;" in css      # no room for the browser's printed URL header
    assert ".no-print-body { display: none !important; }" in css   # the tokened page prints no receipt
    assert http.get("/receipts/notARealKeyButLongEnough").status_code == 404


# ---------------------------------------------------------------------------------------- 5. accounts, audit


def test_named_office_accounts_and_their_actions_in_the_audit_log(site: Site, http: httpx.Client):
    posted = http.post(f"/admin/{site.admin}/accounts", data={"do": "issue", "name": "王敏", "role": "lead"})
    sheet = http.get(posted.headers["location"]).text
    wang = sheet.split(f'value="{PUBLIC}/admin/')[1].split('"')[0]
    assert site.portal.accounts.admin_for_token(wang) == "王敏"
    assert "指挥部办公室 · 王敏（负责人）" in http.get(f"/admin/{wang}").text
    http.post(f"/admin/{wang}/units/contact", data={"unit": "市住建局", "person": "孙八", "phone": "0717-1"})
    http.post(f"/admin/{wang}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-12", "open": "1"})
    audit = http.get(f"/admin/{site.admin}/audit").text
    assert "创建办公室账号" in audit and "修改联系人" in audit and "修改季度设置" in audit
    entries = site.portal.accounts.audit_log()
    assert {(e.actor, e.what) for e in entries} >= {("管理员", "创建办公室账号"), ("王敏", "修改联系人"),
                                                    ("王敏", "修改季度设置")}
    assert site.portal.store.live_tokens("admin")[0].id and all(
        wang not in row for row in site.portal.store.db_path.read_bytes().decode("latin-1").split("\0"))
    revoked = http.post(f"/admin/{site.admin}/accounts", data={"do": "revoke", "name": "王敏", "confirm": "1"})
    assert revoked.status_code == 303 and http.get(f"/admin/{wang}").status_code == 404
    mine = http.post(f"/admin/{site.admin}/accounts", data={"do": "revoke", "name": "管理员"})
    assert mine.status_code == 400 and "不能停用自己" in mine.text


# ---------------------------------------------------------------------------------------- 6. bounds


@pytest.mark.parametrize("path", [
    "/u/{unit}/uploads/99999999999999999999999", "/u/{unit}/uploads/99999999999999999999999/file",
    "/u/{unit}/uploads/-1", "/u/{unit}/actions/99999999999999999999999/template",
    "/admin/{admin}/uploads/99999999999999999999999", "/admin/{admin}/uploads/99999999999999999999999/file",
    "/admin/{admin}/builds/99999999999999999999999/archive",
    "/admin/{admin}/builds/99999999999999999999999/files/99999999999999999999999",
    "/admin/{admin}/quarters/2025Q9", "/admin/{admin}/quarters/99999999999999999999999",
    "/admin/{admin}/links/99999999999999999999999", "/receipts/99999999999999999999999",
])
def test_huge_and_invalid_ids_are_chinese_404s(site: Site, http: httpx.Client, path: str):
    response = http.get(path.format(unit=site.industry, admin=site.admin))
    assert response.status_code in (404, 200), response.status_code
    if response.status_code == 200:   # the links sheet: an unknown sheet says it was already shown
        assert "已显示过" in response.text
    else:
        assert NOT_FOUND in response.text and "Internal Server Error" not in response.text


def test_huge_ids_on_posts_are_chinese_404s(site: Site, http: httpx.Client, registry):
    response = http.post(f"/admin/{site.admin}/uploads/99999999999999999999999/return", data={"note": "x"})
    assert response.status_code == 404 and NOT_FOUND in response.text
    response = upload(http, site.industry, 99999999999999999999999, filled(registry, 3))
    assert response.status_code == 404 and NOT_FOUND in response.text


def test_per_unit_quota_refuses_in_chinese_and_keeps_nothing(tmp_path: Path, registry, clock):
    first = filled(registry, 3)
    portal = Portal(tmp_path / "data", registry, clock=clock, quota_bytes=len(first) + 100)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    token = portal.accounts.issue_unit_token("市经信局")
    with LiveServer(create_app(tmp_path / "data", portal=portal, public_url=PUBLIC)) as url, \
            httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        assert upload(http, token, 3, first).status_code == 303
        again = upload(http, token, 3, first)                     # the same file again costs nothing
        assert again.status_code == 303
        refused = upload(http, token, 3, filled(registry, 3, fill=clean_fill(registry, 3, "李四")))
        assert refused.status_code == 507
        assert "存储上限" in refused.text and "本次上传未保存" in refused.text
    assert len(portal.store.uploads()) == 2
    assert len(list(portal.store.uploads_dir.glob("*.xlsx"))) == 1


def test_checks_run_on_a_bounded_pool_and_a_full_queue_is_refused(tmp_path: Path, registry, clock):
    from yc_reports.portal.units import check_upload  # the real check

    started, release = threading.Event(), threading.Event()

    def slow(path, reg, name):
        started.set()
        release.wait(30)
        return check_upload(path, reg, name)

    portal = Portal(tmp_path / "data", registry, clock=clock, checker=slow, pool=WorkPool(workers=1, queue=0))
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    results: list[object] = []
    thread = threading.Thread(target=lambda: results.append(portal.submissions.submit("市经信局", 3, filled(registry, 3), "a.xlsx")))
    thread.start()
    assert started.wait(30)
    with pytest.raises(PortalError, match="排队"):
        portal.submissions.submit("市科技局", 4, filled(registry, 4), "b.xlsx")
    release.set()
    thread.join(30)
    assert len(results) == 1 and results[0].accepted
    assert [u.unit for u in portal.store.uploads()] == ["市经信局"]


def test_page_stays_responsive_while_a_check_runs(site: Site, registry):
    """A check in the pool does not hold the request threads: the unit page answers meanwhile. Told by the
    order of events (the page is served while the check still waits), not by a clock."""
    started, release, page_served = threading.Event(), threading.Event(), threading.Event()
    served_during_check: list[bool] = []
    real = site.portal.submissions.checker

    def slow(path, reg, name):
        started.set()
        release.wait(30)   # released right after the page is served; a blocked page would let this time out
        served_during_check.append(page_served.is_set())
        return real(path, reg, name)

    site.portal.submissions.checker = slow
    with site.client() as uploader, site.client() as reader:
        thread = threading.Thread(target=upload, args=(uploader, site.industry, 3, filled(registry, 3)))
        thread.start()
        assert started.wait(30)
        assert reader.get(f"/u/{site.ndrc}").status_code == 200
        page_served.set()
        release.set()
        thread.join(30)
    assert served_during_check == [True]


# ---------------------------------------------------------------------------------------- 8. messages


def test_truncated_workbook_is_called_damaged_with_what_to_do(site: Site, http: httpx.Client, registry):
    data = filled(registry, 3)
    response = upload(http, site.industry, 3, data[: len(data) // 2])
    assert response.status_code == 422
    assert "已损坏或内容不完整" in response.text and "重新上传" in response.text
    assert "XMLSyntaxError" not in response.text and "不是 Excel 工作簿" not in response.text
    assert site.portal.store.uploads() == []


def test_gbk_and_utf8_file_names_are_decoded(site: Site, http: httpx.Client, registry):
    data = filled(registry, 3)
    for raw in ("第三项绿色制造.xlsx".encode("gbk"), "第三项绿色制造.xlsx".encode()):
        boundary = "----yc13"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"".encode()
                + raw + b"\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data
                + f"\r\n--{boundary}--\r\n".encode())
        response = http.post(f"/u/{site.industry}/actions/3/upload", content=body,
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        record = site.portal.store.upload(_id_of(response))
        assert record.file_name == "第三项绿色制造.xlsx"


# ---------------------------------------------------------------------------------------- 9. earlier quarters, export


def test_earlier_quarters_are_browsable_by_the_office_and_the_unit(site: Site, http: httpx.Client, registry):
    site.portal.office.open_quarter(Q2, dt.date(2025, 7, 5))
    q2_token = site.portal.accounts.issue_unit_token("市经信局")
    q2_id = _id_of(upload(http, q2_token, 3, filled(registry, 3, quarter=Q2), "二季度.xlsx"))
    site.portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    q3_token = site.portal.accounts.issue_unit_token("市经信局")
    board = http.get(f"/admin/{site.admin}").text
    assert "/quarters/2025Q2" in board
    earlier = http.get(f"/admin/{site.admin}/quarters/2025Q2").text
    assert "2025年第二季度报送情况" in earlier and f"/uploads/{q2_id}" in earlier and "往季记录" in earlier
    home = http.get(f"/u/{q3_token}").text
    assert "往季报送记录" in home and f"/uploads/{q2_id}" in home
    assert http.get(f"/u/{q3_token}/uploads/{q2_id}").status_code == 200


def test_board_exports_as_xlsx_with_chinese_labels(site: Site, http: httpx.Client, registry):
    _id_of(upload(http, site.ndrc, 6, filled(registry, 6), "发改.xlsx"))
    response = http.get(f"/admin/{site.admin}/board.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "报送情况"
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["行动", "牵头单位", "报送状态", "汇总处理"]
    six = [c.value for c in sheet[8]]
    assert six[0].startswith("第六项") and six[2] == "已报送" and six[3] == "汇总采用" and six[6] == "市发改委"
    assert http.get(f"/admin/{site.admin}/board.xlsx").content == response.content   # same board, same bytes


# ---------------------------------------------------------------------------------------- 7. builds shown


def test_a_running_build_is_shown_as_running(tmp_path: Path, registry, clock):
    gate = threading.Event()

    def slow(registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False):
        gate.wait(30)
        return _quick_build(registry, quarter, inputs_dir, out_dir)

    portal = Portal(tmp_path / "data", registry, clock=clock, builder=slow)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    admin = portal.ensure_admin_token()
    with LiveServer(create_app(tmp_path / "data", portal=portal, public_url=PUBLIC)) as url, \
            httpx.Client(base_url=url, trust_env=False, timeout=60) as http:
        posted = http.post(f"/admin/{admin}/build")
        assert posted.status_code == 303
        page = http.get(posted.headers["location"]).text
        assert "汇总</strong>（第 1 次）正在进行" in page and "未完成" not in page
        assert '<meta http-equiv="refresh" content="5">' in page      # the page refreshes itself meanwhile
        assert http.post(f"/admin/{admin}/build").status_code == 409
        gate.set()
        portal.jobs.wait_for_builds()
        done = http.get(f"/admin/{admin}").text
        assert "汇总</strong>（第 1 次，" in done and "已完成" in done and 'http-equiv="refresh"' not in done


# ---------------------------------------------------------------------------------------- 7. crash hygiene


def test_restart_after_kill_9_of_a_real_serve_marks_the_build_interrupted_and_clears_orphans(tmp_path: Path,
                                                                                          registry):
    import os
    import signal
    import sqlite3
    import subprocess
    import sys


    data, port = tmp_path / "portal-data", _free_port()
    origin = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "yc_reports.cli", "serve", "--port", str(port), "--data", str(data),
               "--public-url", origin]

    def start() -> tuple[subprocess.Popen, list[str]]:
        # its own process group, so that the kill below reaches its check and build helpers too
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   encoding="utf-8", start_new_session=True)
        lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        return process, lines

    def wait_up(client: httpx.Client, url: str) -> httpx.Response:
        for _ in range(300):   # bounded: ~15 s
            try:
                return client.get(url)
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail("serve did not answer")

    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        process.stdout.close()

    def build_states() -> list[str]:
        with sqlite3.connect(data / "portal.sqlite3") as conn:
            return [row[0] for row in conn.execute("SELECT state FROM builds ORDER BY id")]

    process, lines = start()
    try:
        admin = lines[1].split("：", 1)[1]
        assert admin.startswith(f"{origin}/admin/"), lines
        with httpx.Client(timeout=60, trust_env=False) as http:
            assert wait_up(http, admin).status_code == 200
            http.post(f"{admin}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-10", "open": "1"})
            posted = http.post(f"{admin}/units/links", data={"do": "issue-missing"})
            sheet = http.get(origin + posted.headers["location"]).text
            links = dict(zip((part.split("</strong>")[0] for part in sheet.split("<strong>")[1:]),
                             (part.split('"')[0] for part in sheet.split(f'value="{origin}/u/')[1:]), strict=False))
            for action in registry.actions:
                unit = action.lead_units[0]
                response = http.post(f"{origin}/u/{links[unit]}/actions/{action.id}/upload",
                                     files={"file": (f"{action.id}.xlsx", filled(registry, action.id), XLSX)})
                assert response.status_code == 303, response.text[:300]
            assert http.post(f"{admin}/build").status_code == 303
            assert build_states() == ["running"]
            board = http.get(admin).text
            running = "汇总</strong>（第 1 次）正在进行" in board
    finally:
        kill(process)   # kill -9, mid-build
    if not running:
        pytest.skip("the build finished before the board was read (machine too fast to catch it running)")
    assert build_states() == ["running"]
    # what a kill during a check's save leaves behind: a stored file without its row, a temp file
    orphan = data / "uploads" / ("ab" * 32 + ".xlsx")
    orphan.write_bytes(b"PK\x03\x04 half a workbook")
    (data / "uploads" / ".cd.tmp").write_bytes(b"half")
    kept = sorted(p.name for p in (data / "uploads").glob("*.xlsx") if p != orphan)

    process, lines = start()
    try:
        assert "首次启动时显示" in lines[1]
        with httpx.Client(timeout=60, trust_env=False) as http:
            board = wait_up(http, admin).text
            assert "汇总</strong>（第 1 次，" in board and "系统中途停止" in board and "重新启动时记录" in board
            audit = http.get(f"{admin}/audit").text
            assert "系统启动时恢复" in audit and "第 1 次" in audit
    finally:
        kill(process)
    assert build_states() == ["interrupted"]
    assert not orphan.exists() and not (data / "uploads" / ".cd.tmp").exists()
    assert sorted(p.name for p in (data / "uploads").glob("*.xlsx")) == kept and len(kept) == len(registry.actions)


# ---------------------------------------------------------------------------------------- 4. HTTPS


def test_serve_over_https_with_certfile_and_keyfile(tmp_path: Path):
    import os
    import shutil
    import signal
    import ssl
    import subprocess
    import sys


    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
    port = _free_port()
    base = [sys.executable, "-m", "yc_reports.cli", "serve", "--port", str(port), "--data", str(tmp_path / "d")]
    half = subprocess.run([*base, "--certfile", str(cert)], capture_output=True, text=True, encoding="utf-8",
                          timeout=120)
    assert half.returncode == 2 and "同时指定 --certfile 和 --keyfile" in half.stderr
    process = subprocess.Popen([*base, "--certfile", str(cert), "--keyfile", str(key)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8", start_new_session=True)
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(3)]
        admin = lines[1].split("：", 1)[1]
        assert admin.startswith(f"https://127.0.0.1:{port}/admin/"), lines
        with httpx.Client(verify=ssl.create_default_context(cafile=str(cert)), timeout=30,
                          trust_env=False) as client:
            for _ in range(300):
                try:
                    page = client.get(admin)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("serve did not answer over HTTPS")
        assert page.status_code == 200 and "尚未设置报送季度" in page.text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        process.stdout.close()


def test_a_workbook_the_reader_cannot_open_is_named_damaged_never_by_the_parsers_error(tmp_path: Path, registry,
                                                                                   clock):
    from yc_reports.intake.records import ParseResult
    from yc_reports.issues import IssueCode, make_issue

    def broken(path, reg, name):
        return ParseResult(name, None, (make_issue(IssueCode.FILE_UNREADABLE, name, detail="内部结构有误：XMLSyntaxError"),))

    portal = Portal(tmp_path / "data", registry, clock=clock, checker=broken)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    record = portal.submissions.submit("市经信局", 3, filled(registry, 3), "坏.xlsx")
    assert not record.accepted
    (issue,) = record.issues
    assert "XMLSyntaxError" not in issue.message and "已损坏或内容不完整" in issue.message
    assert "另存为" in issue.message


def test_a_heavy_check_leaves_a_worker_free_for_ordinary_ones():
    pool = WorkPool(workers=2, queue=4)
    gate, inside = threading.Event(), []

    def heavy_job(n: int) -> int:
        inside.append(n)
        gate.wait(30)
        return n

    heavies = [threading.Thread(target=pool.run, args=(heavy_job, n), kwargs={"heavy": True}) for n in (1, 2)]
    for thread in heavies:
        thread.start()
    for _ in range(600):                            # bounded: until the first heavy check is running
        if inside:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    assert inside == [1] or inside == [2]          # only one heavy check at a time on two workers
    assert pool.run(lambda: "quick") == "quick"     # an ordinary check is not stuck behind them
    gate.set()
    for thread in heavies:
        thread.join(30)
    assert sorted(inside) == [1, 2]
    pool.close()


def test_a_checked_upload_is_never_parsed_again_by_the_board_or_the_build(portal: Portal, registry, monkeypatch):
    record = portal.submissions.submit("市经信局", 3, filled(registry, 3), "三.xlsx")
    assert record.accepted
    assert list((portal.data_dir / "outputs" / "2025Q3" / ".cache" / "parse").iterdir())   # the build's cache

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    from yc_reports.intake import reader

    monkeypatch.setattr(reader, "parse_bytes", no_parsing)
    monkeypatch.setattr(reader, "parse_workbook", no_parsing)
    row = portal.boards.board().rows[2]
    assert row.build.clean and row.build_label == "汇总采用"


def test_board_says_why_each_file_is_or_is_not_used(site: Site, http: httpx.Client, registry):
    folder = site.portal.data_dir / "inputs" / "2025Q3"
    folder.mkdir(parents=True, exist_ok=True)
    five = filled(registry, 5)   # one workbook, written twice: two saves can differ in their timestamps
    (folder / "第05项.xlsx").write_bytes(five)
    (folder / "第05项 - 副本.xlsx").write_bytes(five)        # a byte-identical copy
    (folder / "第09项_二季度.xlsx").write_bytes(filled(registry, 9, quarter=Q2))
    row = http.get(f"/admin/{site.admin}").text.split('id="board-action-5"')[1].split("</tr>")[0]
    assert "与“第05项.xlsx”完全相同，按同一份计，不重复采用" in row and "汇总采用" in row
    nine = http.get(f"/admin/{site.admin}").text.split('id="board-action-9"')[1].split("</tr>")[0]
    assert "为2025年第二季度的工作簿，不用于2025年第三季度" in nine and "按未报送汇总" in nine
