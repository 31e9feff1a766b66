"""Issue 20: one truth for dates (the office's record), receipts in the record, links that turn read-only, roles,
expiring office links, the audit log exported, 退回 with a date and a text to send, fair checks, cached templates."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from yc_reports.analysis.checks import default_deadline
from yc_reports.portal.errors import NotAllowed, PortalError
from yc_reports.portal.service import Portal
from yc_reports.portal.work import OWNER_BUSY, PoolBusy, WorkPool
from yc_reports.record.store import ReceiptSource, Record, record_path

from .conftest import PUBLIC, Site
from .workbooks import CN, Q3, clean_fill, filled

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(http: httpx.Client, token: str, action_id: int, data: bytes) -> httpx.Response:
    return http.post(f"/u/{token}/actions/{action_id}/upload", files={"file": ("进展.xlsx", data, XLSX)})


def record_of(portal: Portal) -> Record:
    return Record(record_path(portal.data_dir / "inputs"))


# ---------------------------------------------------------------------------------------- dates: the record's


def test_the_deadline_set_in_the_portal_is_the_records_and_the_default_is_the_librarys(site: Site, http: httpx.Client):
    with record_of(site.portal) as record:       # opened with 10-10, not the library's default (10-05): written
        assert record.settings(Q3).deadline == dt.date(2025, 10, 10) != default_deadline(Q3) == dt.date(2025, 10, 5)
    assert site.portal.ctx.settings().deadline == dt.date(2025, 10, 10)
    saved = http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-15", "open": "1"})
    assert saved.status_code == 303
    with record_of(site.portal) as record:       # what `yc-reports record settings`, the build and the notices read
        kept = record.settings(Q3)
        assert (kept.deadline, kept.set_by) == (dt.date(2025, 10, 15), "管理员")
    dates = http.post(f"/admin/{site.admin}/settings/document",
                      data={"quarter": "2025Q3", "report_date": "2025-10-20", "doc_number": "宜降碳办〔2025〕12号"})
    assert dates.status_code == 303
    with record_of(site.portal) as record:
        kept = record.settings(Q3)
        assert (kept.deadline, kept.report_date, kept.doc_number) == (dt.date(2025, 10, 15), dt.date(2025, 10, 20),
                                                                       "宜降碳办〔2025〕12号")
    page = http.get(f"/admin/{site.admin}/settings").text
    assert 'value="2025-10-15"' in page and 'value="2025-10-20"' in page and "宜降碳办〔2025〕12号" in page
    assert "2025年10月15日" in http.get(f"/u/{site.industry}").text


def test_nothing_is_late_before_the_deadline_has_passed(site: Site, http: httpx.Client, clock):
    clock.set(dt.datetime(2025, 10, 10, 23, 0, tzinfo=CN))      # the deadline's day: still in time
    board, unit = http.get(f"/admin/{site.admin}").text, http.get(f"/u/{site.industry}").text
    assert "逾期" not in board.split('class="counters"')[1].split("</ul>")[0] and "尚未报送" in board
    assert "逾期未报送" not in unit and "尚未报送" in unit
    assert "未按时" not in board and "未按时" not in unit
    clock.set(dt.datetime(2025, 10, 11, 8, 0, tzinfo=CN))       # the day after
    board, unit = http.get(f"/admin/{site.admin}").text, http.get(f"/u/{site.industry}").text
    assert '<span class="k">逾期未报送</span>' in board and "逾期未报送" in unit


def test_receipts_go_to_the_office_record_the_office_upload_with_the_date_it_received_the_file(
        site: Site, http: httpx.Client, registry, clock):
    clock.set(dt.datetime(2025, 10, 12, 9, 0, tzinfo=CN))       # after the deadline
    assert upload(http, site.industry, 3, filled(registry, 3)).status_code == 303
    bad = filled(registry, 4, fill=clean_fill(registry, 4, "赵六"))
    assert upload(http, site.ndrc, 4, bad).status_code == 404     # not its action: nothing received
    posted = http.post(f"/admin/{site.admin}/upload", data={"for": "4|市科技局", "received": "2025-10-09"},
                       files={"file": ("邮件.xlsx", filled(registry, 4), XLSX)})
    assert posted.status_code == 303
    with record_of(site.portal) as record:
        receipts = record.receipts(Q3)
    assert [(r.action_id, r.source, r.unit) for r in receipts] == [(3, ReceiptSource.PORTAL, "市经信局"),
                                                                   (4, ReceiptSource.OFFICE, "市科技局")]
    portal_receipt, office_receipt = receipts
    three = site.portal.store.uploads(action_id=3)[0]
    assert portal_receipt.received_at == three.uploaded_at and portal_receipt.sha256 == three.sha256
    assert office_receipt.received_at == dt.datetime(2025, 10, 9, tzinfo=CN) and office_receipt.entered_by == "管理员"
    board = site.portal.boards.board()
    assert board.row(3).late and not board.row(4).late           # lateness by when the office received it
    future = http.post(f"/admin/{site.admin}/upload", data={"for": "5|市水利和湖泊局", "received": "2025-10-30"},
                       files={"file": ("x.xlsx", filled(registry, 5), XLSX)})
    assert future.status_code == 400 and "晚于今天" in future.text


# ---------------------------------------------------------------------------------------- links


def test_closing_makes_unit_links_read_only_and_reopening_brings_them_back(site: Site, http: httpx.Client, registry):
    first = upload(http, site.industry, 3, filled(registry, 3))
    upload_id = int(first.headers["location"].rsplit("/", 1)[1])
    record = site.portal.store.upload(upload_id)
    asked = http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q3", "deadline": "", "open": "0"})
    assert asked.status_code == 200 and "确认关闭报送" in asked.text and site.portal.ctx.settings().is_open
    assert http.post(f"/admin/{site.admin}/settings",
                     data={"quarter": "2025Q3", "deadline": "", "open": "0", "confirm": "1"}).status_code == 303
    home = http.get(f"/u/{site.industry}")
    assert home.status_code == 200 and "本页面仅供查看" in home.text and 'type="file"' not in home.text
    assert record.receipt_no in home.text
    own = http.get(f"/u/{site.industry}/uploads/{upload_id}/file")
    assert own.status_code == 200 and hashlib.sha256(own.content).hexdigest() == record.sha256
    assert http.get(f"/receipts/{record.receipt_key}").status_code == 200
    refused = upload(http, site.industry, 3, filled(registry, 3))
    assert refused.status_code == 409 and "本链接仍可查看记录、回执和本单位的文件" in refused.text
    http.post(f"/admin/{site.admin}/settings", data={"quarter": "2025Q3", "deadline": "", "open": "1"})
    assert upload(http, site.industry, 3, filled(registry, 3)).status_code == 303


def test_a_unit_downloads_its_own_files_accepted_and_returned_but_not_its_co_leads(
        site: Site, http: httpx.Client, registry):
    mine = int(upload(http, site.transport, 6, filled(registry, 6)).headers["location"].rsplit("/", 1)[1])
    theirs = int(upload(http, site.ndrc, 6, filled(registry, 6, fill=clean_fill(registry, 6, "王五")))
                 .headers["location"].rsplit("/", 1)[1])
    site.portal.office.return_upload(mine, "请补充项目进展。", "管理员", dt.date(2025, 10, 14))
    page = http.get(f"/u/{site.transport}").text
    assert f"/uploads/{mine}/file" in page and f"/uploads/{theirs}/file" not in page
    assert http.get(f"/u/{site.transport}/uploads/{mine}/file").status_code == 200      # returned, still its own
    assert http.get(f"/u/{site.transport}/uploads/{theirs}/file").status_code == 404


# ---------------------------------------------------------------------------------------- 退回


def test_a_return_carries_a_resubmission_date_shown_to_the_unit_and_a_text_to_send(
        site: Site, http: httpx.Client, registry):
    upload_id = int(upload(http, site.industry, 3, filled(registry, 3)).headers["location"].rsplit("/", 1)[1])
    site.portal.office.set_contact("市经信局", "张三", "0717-6000001")
    note = "绿色工厂数量与工信部门统计不一致，请核实。"
    done = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return",
                     data={"note": note, "resubmit_by": "2025-10-14", "confirm": "1"})
    assert done.status_code == 303
    office = http.get(done.headers["location"]).text
    text = office.split('aria-label="退回通知文字">')[1].split("</textarea>")[0]
    record = site.portal.store.upload(upload_id)
    assert text.startswith("【退回通知】市经信局：") and record.receipt_no in text and note in text
    assert "请于2025年10月14日前修改后通过季度调度报送系统重新报送" in text and len(text) <= 300
    assert "0717-6000001" in office
    unit = http.get(f"/u/{site.industry}").text
    assert f"退回意见：{note}" in unit and "请于 <strong>2025年10月14日</strong> 前按意见修改后重新上传" in unit
    late = http.post(f"/admin/{site.admin}/uploads/{upload_id}/return", data={"note": "x", "resubmit_by": "2025-10-01"})
    assert late.status_code == 400


# ---------------------------------------------------------------------------------------- roles, expiry, audit


def test_roles_a_clerk_works_but_cannot_take_over_a_colleague_or_change_settings(site: Site, http: httpx.Client):
    clerk = site.portal.accounts.new_admin_token("李敏", "管理员")              # a 经办人 by default
    lead2 = site.portal.accounts.new_admin_token("周强", "管理员", role="lead")
    assert "指挥部办公室 · 李敏（经办人）" in http.get(f"/admin/{clerk}").text
    takeover = http.post(f"/admin/{clerk}/accounts", data={"do": "issue", "name": "周强", "confirm": "1"})
    assert takeover.status_code == 403 and "须由负责人进行" in takeover.text
    assert site.portal.accounts.admin_for_token(lead2) == "周强"                 # still 周强's
    settings = http.post(f"/admin/{clerk}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-20", "open": "1"})
    assert settings.status_code == 403 and site.portal.ctx.settings().deadline == dt.date(2025, 10, 10)
    issue = http.post(f"/admin/{clerk}/issue", data={"quarter": "2025Q3"})
    assert issue.status_code == 403
    assert http.post(f"/admin/{clerk}/units/contact",
                     data={"unit": "市住建局", "person": "孙八", "phone": "1"}).status_code == 303    # day-to-day work
    own = http.post(f"/admin/{clerk}/accounts", data={"do": "issue", "name": "李敏", "confirm": "1"})
    assert own.status_code == 303 and site.portal.accounts.admin_for_token(clerk) is None   # renewed its own
    with pytest.raises(NotAllowed):
        site.portal.accounts.revoke_office_account("周强", "李敏")
    with pytest.raises(PortalError):
        site.portal.accounts.set_role("管理员", "clerk", "管理员")               # not one's own lead role
    entries = [(e.actor, e.what) for e in site.portal.accounts.audit_log()]
    assert ("李敏", "本人重新生成管理链接") in entries and ("李敏", "修改联系人") in entries


def test_office_links_expire_and_say_so(site: Site, http: httpx.Client, clock):
    assert http.get(f"/admin/{site.admin}").status_code == 200
    clock.set(dt.datetime(2025, 11, 4, 9, 0, tzinfo=CN))               # 27 days on: a reminder to renew
    assert "您的管理链接将于" in http.get(f"/admin/{site.admin}").text
    clock.set(dt.datetime(2025, 11, 8, 9, 0, tzinfo=CN))               # 31 days on
    expired = http.get(f"/admin/{site.admin}")
    assert expired.status_code == 404 and "管理链接已过期" in expired.text and "--new-admin-link" in expired.text
    assert http.post(f"/admin/{site.admin}/build").status_code == 404


def test_the_audit_log_exports_as_a_workbook_naming_who_did_what(site: Site, http: httpx.Client):
    http.post(f"/admin/{site.admin}/units/contact", data={"unit": "市住建局", "person": "孙八", "phone": "1"})
    exported = http.get(f"/admin/{site.admin}/audit.xlsx")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(exported.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [c.value for c in ws[2]] == ["序号", "时间", "操作人", "操作", "详情"]
    assert ("管理员", "修改联系人", "市住建局：孙八 1") in [(r[2], r[3], r[4]) for r in rows]
    assert len(rows) == len(site.portal.accounts.audit_log(limit=None))
    assert site.admin not in exported.content.decode("latin-1")          # no link in the file


def test_the_next_plan_workbook_downloads_and_a_period_not_after_the_plan_is_refused(site: Site, http: httpx.Client):
    got = http.get(f"/admin/{site.admin}/plan/next.xlsx", params={"start": "2026", "end": "2030"})
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    book = load_workbook(io.BytesIO(got.content))
    assert "2026—2030" in "".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value)
    refused = http.get(f"/admin/{site.admin}/plan/next.xlsx", params={"start": "2025", "end": "2030"})
    assert refused.status_code != 200 and "新一期方案应在当前方案（2022—2025年）结束后开始，2025年不在其后。" in refused.text
    assert "Traceback" not in refused.text


def test_the_document_format_is_set_in_the_portal_and_the_build_reads_it(site: Site, http: httpx.Client):
    from yc_reports.pipeline.build import document_settings

    inputs = site.portal.data_dir / "inputs"
    (inputs / "document.toml").write_text('[fonts]\nbody = "仿宋"   # our PCs lack 仿宋_GB2312\n', "utf-8")
    page = http.get(f"/admin/{site.admin}/settings").text
    assert "公文格式设置" in page and 'value="市人大常委会办公室，市政协办公室"' in page      # the shipped 送
    saved = http.post(f"/admin/{site.admin}/settings/format",
                      data={"document.kind": "简报", "colophon.cc": "市纪委监委", "colophon.send_to": "市人大常委会办公室"})
    assert saved.status_code == 303
    settings = document_settings(inputs)                                  # what the build, 签发, 考核 read
    assert (settings.document.kind, settings.colophon.cc, settings.colophon.send_to) == ("简报", "市纪委监委",
                                                                                         "市人大常委会办公室")
    assert settings.fonts.body == "仿宋"                                   # the office's own key kept
    assert settings.colophon.report_to == "市委、市政府主要领导及分管领导"     # not given: unchanged
    [entry] = [e for e in site.portal.accounts.audit_log() if e.what == "修改公文格式设置"]
    assert entry.actor == "管理员" and "抄送：（空） → “市纪委监委”" in entry.detail and "季度文件的文种：“通报” → “简报”" in entry.detail
    assert 'value="简报" checked' in http.get(f"/admin/{site.admin}/settings").text


def test_a_bad_document_format_is_named_and_nothing_is_written(site: Site, http: httpx.Client):
    target = site.portal.data_dir / "inputs" / "document.toml"
    bad = http.post(f"/admin/{site.admin}/settings/format", data={"document.organ": "{机关}文件"})
    assert bad.status_code == 400 and "“发文机关标志（通报）”：未知的占位符 {机关}" in bad.text
    assert "公文格式设置未保存" in bad.text and not target.exists()
    clerk = site.portal.accounts.new_admin_token("李敏", "管理员")
    refused = http.post(f"/admin/{clerk}/settings/format", data={"colophon.cc": "市纪委监委"})
    assert refused.status_code == 403 and not target.exists()
    assert 'readonly' in http.get(f"/admin/{clerk}/settings").text


# ---------------------------------------------------------------------------------------- fair, fast work


def test_a_unit_sending_many_files_never_keeps_another_units_file_waiting(tmp_path: Path):
    """Two workers: 市经信局's checks hold both and queue more; 市科技局's one file starts before 市经信局's next."""
    gate, started, order = threading.Event(), threading.Semaphore(0), []
    lock = threading.Lock()

    def check(name: str) -> str:
        with lock:
            order.append(name)
        started.release()
        gate.wait(30)
        return name

    pool = WorkPool(2, 16, per_owner=3)
    threads = [threading.Thread(target=pool.run, args=(check, f"经信{n}"), kwargs={"owner": "市经信局"})
               for n in range(3)]
    try:
        for thread in threads:
            thread.start()
        assert started.acquire(timeout=10) and started.acquire(timeout=10)     # two running
        _until(lambda: pool.queued() == {"市经信局": 1})                          # and one waiting
        with pytest.raises(PoolBusy) as full:                                   # its fourth: told to wait
            pool.run(check, "经信3", owner="市经信局")
        assert str(full.value) == OWNER_BUSY.format(n=3)
        other = threading.Thread(target=pool.run, args=(check, "科技0"), kwargs={"owner": "市科技局"})
        other.start()
        _until(lambda: pool.queued() == {"市经信局": 1, "市科技局": 1})
        gate.set()
        for thread in [*threads, other]:
            thread.join(30)
    finally:
        gate.set()
        pool.close()
    assert order[:2] == ["经信0", "经信1"] and order[2] == "科技0"            # its turn before 经信2


def _until(condition, seconds: float = 10) -> None:
    until = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < until, "not within the time allowed"
        time.sleep(0.01)


def test_templates_are_made_once_per_quarter_until_what_they_come_from_changes(
        portal: Portal, registry, monkeypatch):
    from yc_reports.portal import units

    made = []
    real = units.make_templates

    def counting(*args):
        made.append(args[1])
        return real(*args)

    monkeypatch.setattr(units, "make_templates", counting)
    first = portal.submissions.template_for("市经信局", 3)
    again = portal.submissions.template_for("市经信局", 3)
    other = portal.submissions.template_for("市科技局", 4)
    assert first == again and other.data != first.data and made == [Q3]
    portal.submissions.submit("市经信局", 3, filled(registry, 3), "x.xlsx")      # this quarter's uploads: no change
    portal.submissions.template_for("市经信局", 3)
    assert made == [Q3]
    earlier = portal.data_dir / "inputs" / "2025Q2"                         # an earlier quarter's files: made again
    earlier.mkdir(parents=True)
    (earlier / "第03项.xlsx").write_bytes(filled(registry, 3, quarter=Q3.previous()))
    assert portal.submissions.template_for("市经信局", 3).data != first.data and made == [Q3, Q3]


def test_a_page_of_another_unit_never_waits_for_the_builds_reading(tmp_path: Path, registry, clock):
    """The unit's page answers from the portal's rows while the reading of a just-changed quarter is under way."""
    gate = threading.Event()
    from yc_reports.portal import reading

    real = reading.read_quarter_selection

    def slow(*args):
        gate.wait(30)
        return real(*args)

    portal = Portal(tmp_path / "data", registry, clock=clock)
    portal.office.open_quarter(Q3)
    try:
        reading.read_quarter_selection = slow
        portal.submissions.submit("市经信局", 3, filled(registry, 3), "x.xlsx")
        home = portal.submissions.unit_home("市科技局", wait=0)
        assert not home.fresh and [a.action.id for a in home.actions] == [4]
        three = portal.submissions.unit_home("市经信局", wait=0).actions[0]
        assert three.state.label == "已报送" and three.accepted is not None
    finally:
        gate.set()
        reading.read_quarter_selection = real
    assert portal.boards.board(wait=None).fresh


def test_the_public_url_is_used_in_the_office_upload_form(site: Site, http: httpx.Client):
    form = http.get(f"/admin/{site.admin}/upload").text
    assert 'name="received"' in form and 'max="2025-10-08"' in form
    assert PUBLIC not in form


def test_a_workbook_of_thousands_of_faulty_rows_lists_the_first_and_never_weighs_on_lists(
        site: Site, http: httpx.Client, registry):
    from openpyxl import load_workbook as open_book

    from yc_reports.workbook.layout import SHEET_INDICATORS

    from .workbooks import workbook_bytes

    book = open_book(io.BytesIO(filled(registry, 3)))
    sheet = book[SHEET_INDICATORS]
    for row in range(sheet.max_row + 1, sheet.max_row + 3001):       # 3,000 rows typed below the table
        sheet.cell(row=row, column=2, value=f"数据{row}")
    response = upload(http, site.industry, 3, workbook_bytes(book))
    record = site.portal.store.upload(int(response.headers["location"].rsplit("/", 1)[1]))
    assert record.errors > 2000 and len(record.issues) == record.errors + record.warnings
    page = http.get(response.headers["location"]).text
    assert f"发现 {record.errors} 处错误" in page and page.count('<td class="seq"') == 200
    assert f"另有 {record.errors + record.warnings - 200} 处未列出" in page
    listed = site.portal.store.uploads(quarter=Q3)
    assert listed[0].issues == () and listed[0].errors == record.errors      # lists carry counts only
