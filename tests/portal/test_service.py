"""The portal's rules, without HTTP: links, isolation, drafts and receipts, limits, concurrency, the build."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import sqlite3
import threading
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from yc_reports.analysis.checks import default_deadline
from yc_reports.intake.reader import parse_workbook
from yc_reports.issues import IssueCode, flatten
from yc_reports.pipeline.supervision import template_rectifications
from yc_reports.plan.quarter import Quarter
from yc_reports.portal.errors import (
    BuildBusy,
    NotFound,
    PortalError,
    RefusalKind,
    SubmissionsClosed,
    UploadRefused,
)
from yc_reports.portal.service import Portal
from yc_reports.portal.texts import clean_file_name
from yc_reports.portal.views import ActionState
from yc_reports.portal.work import WorkPool
from yc_reports.workbook.fill import TaskUpdate
from yc_reports.workbook.layout import SHEET_INDICATORS, template_file_name
from yc_reports.workbook.writer import build_template
from yc_reports.workbook.xlsx_io import save_workbook

from .workbooks import CN, Q2, Q3, FakeResult, cell_of, clean_fill, fill_downloaded, filled, with_value

XLSX_BAD_NUMBER = "十二"


def bad_workbook(registry, action_id: int = 3, filler: str = "张三") -> bytes:
    """One 错误: 新增绿色工厂数量 written in words (action 3), or a task status not in the list (others)."""
    if action_id == 3:
        return filled(registry, 3, fill=with_value(registry, 3, "green_factories", XLSX_BAD_NUMBER, filler))
    base = clean_fill(registry, action_id, filler)
    tasks = dict(base.tasks)
    first = registry.action(action_id).tasks[0].key
    tasks[first] = TaskUpdate("进行中", "推进中")
    return filled(registry, action_id, fill=replace(base, tasks=tasks))


# ---------------------------------------------------------------------------------------- links


def test_unit_link_identifies_its_unit_and_is_stored_only_hashed(portal: Portal):
    token = portal.accounts.issue_unit_token("市经信局")
    assert portal.accounts.unit_for_token(token) == "市经信局"
    raw = portal.store.db_path.read_bytes() + b"".join(
        p.read_bytes() for p in portal.store.db_path.parent.glob("portal.sqlite3*"))
    assert token.encode() not in raw
    with sqlite3.connect(portal.store.db_path) as conn:
        hashes = [row[0] for row in conn.execute("SELECT token_hash FROM tokens WHERE unit = '市经信局'")]
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]


def test_a_new_link_revokes_the_old_one_and_revoking_ends_access(portal: Portal):
    first = portal.accounts.issue_unit_token("市科技局")
    second = portal.accounts.issue_unit_token("市科技局")
    assert portal.accounts.unit_for_token(first) is None
    assert portal.accounts.unit_for_token(second) == "市科技局"
    assert portal.accounts.revoke_unit_token("市科技局") is True
    assert portal.accounts.unit_for_token(second) is None
    assert portal.accounts.revoke_unit_token("市科技局") is False


@pytest.mark.parametrize("token", ["", "x", "not a token at all!", "A" * 43, "../../etc/passwd", "A" * 500])
def test_made_up_links_are_nobody(portal: Portal, token: str):
    portal.accounts.issue_unit_token("市经信局")
    assert portal.accounts.unit_for_token(token) is None
    assert (portal.accounts.admin_for_token(token) is not None) is False


def test_office_and_unit_links_do_not_open_each_others_pages(portal: Portal):
    admin = portal.ensure_admin_token()
    unit = portal.accounts.issue_unit_token("市经信局")
    assert admin and (portal.accounts.admin_for_token(admin) is not None)
    assert portal.accounts.unit_for_token(admin) is None
    assert (portal.accounts.admin_for_token(unit) is not None) is False


def test_the_office_link_is_made_once_and_can_be_replaced(portal: Portal):
    first = portal.ensure_admin_token()
    assert first is not None
    assert portal.ensure_admin_token() is None   # stored hashed: not shown again
    replacement = portal.new_admin_token()
    assert not (portal.accounts.admin_for_token(first) is not None)
    assert (portal.accounts.admin_for_token(replacement) is not None)


def test_links_for_units_without_one(portal: Portal):
    portal.accounts.issue_unit_token("市经信局")
    issued = portal.accounts.issue_missing_unit_tokens()
    assert list(issued) == ["市发改委", "市科技局", "市水利和湖泊局", "市交通运输局", "人行市中心支行",
                            "市地方金融工作局", "市住建局", "市文化和旅游局"]
    assert {portal.accounts.unit_for_token(t) for t in issued.values()} == set(issued)
    assert portal.accounts.issue_missing_unit_tokens() == {}


def test_unknown_unit_gets_no_link(portal: Portal):
    with pytest.raises(NotFound):
        portal.accounts.issue_unit_token("市不存在局")


# ---------------------------------------------------------------------------------------- drafts, receipts


def test_workbook_with_an_error_is_a_draft_naming_the_cell(portal: Portal, registry):
    data = bad_workbook(registry)
    record = portal.submissions.submit("市经信局", 3, data, "绿色制造.xlsx")
    cell = cell_of(data, SHEET_INDICATORS, "新增绿色工厂数量", "截至本季度末完成值")
    assert record.accepted is False
    assert record.errors == 1
    assert flatten(record.issues) == [["number-invalid", SHEET_INDICATORS, cell]]
    assert XLSX_BAD_NUMBER in record.issues[0].message
    assert record.issues[0].file == "绿色制造.xlsx"
    assert portal.submissions.unit_home("市经信局").actions[0].state is ActionState.ERRORS
    assert portal.boards.board().rows[2].state is ActionState.ERRORS


def test_clean_workbook_is_accepted_with_a_receipt(portal: Portal, registry, clock):
    data = filled(registry, 3)
    record = portal.submissions.submit("市经信局", 3, data, "第三项.xlsx")
    assert record.accepted and record.errors == 0
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.uploaded_at == clock.now
    assert record.receipt_no == f"2025Q3-03-{record.id:06d}"
    assert (record.filler, record.phone) == ("张三", "0717-6000000")
    row = portal.boards.board().rows[2]
    assert row.state is ActionState.SUBMITTED and row.accepted == record and not row.late


def test_fix_after_draft_makes_the_action_submitted(portal: Portal, registry):
    draft = portal.submissions.submit("市经信局", 3, bad_workbook(registry), "a.xlsx")
    fixed = portal.submissions.submit("市经信局", 3, filled(registry, 3), "a.xlsx")
    status = portal.submissions.unit_home("市经信局").actions[0]
    assert status.state is ActionState.SUBMITTED
    assert status.accepted == fixed
    assert [u.id for u in status.uploads] == [fixed.id, draft.id]


def test_a_later_draft_does_not_displace_the_accepted_workbook(portal: Portal, registry):
    accepted = portal.submissions.submit("市经信局", 3, filled(registry, 3), "ok.xlsx")
    portal.submissions.submit("市经信局", 3, bad_workbook(registry), "bad.xlsx")
    row = portal.boards.board().rows[2]
    assert row.state is ActionState.SUBMITTED
    assert row.accepted == accepted
    assert row.draft_after_accepted


def test_late_submission_is_marked(portal: Portal, registry, clock):
    clock.set(dt.datetime(2025, 10, 11, 0, 0, 5, tzinfo=CN))
    portal.submissions.submit("市经信局", 3, filled(registry, 3), "late.xlsx")
    assert portal.boards.board().rows[2].late


def test_on_the_deadline_day_is_in_time(portal: Portal, registry, clock):
    clock.set(dt.datetime(2025, 10, 10, 23, 59, 0, tzinfo=CN))
    portal.submissions.submit("市经信局", 3, filled(registry, 3), "ok.xlsx")
    assert not portal.boards.board().rows[2].late


def test_workbook_of_another_quarter_or_action_is_an_error(portal: Portal, registry):
    q2 = portal.submissions.submit("市经信局", 3, filled(registry, 3, quarter=Q2, fill=clean_fill(registry, 3)), "q2.xlsx")
    assert flatten(q2.issues, ("code",)) == [["template-other-quarter"]]
    assert "2025年第二季度" in q2.issues[0].message and "2025年第三季度" in q2.issues[0].message
    other = portal.submissions.submit("市发改委", 1, filled(registry, 2), "wrong.xlsx")
    assert [i.code for i in other.issues] == [IssueCode.TEMPLATE_OTHER_ACTION]
    assert "第二项" in other.issues[0].message and "第一项" in other.issues[0].message
    assert not q2.accepted and not other.accepted


def test_unreadable_zip_workbook_is_kept_as_a_draft_with_the_parsers_issue(portal: Portal):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    record = portal.submissions.submit("市经信局", 3, buffer.getvalue(), "坏文件.xlsx")
    assert not record.accepted
    assert record.issues[0].code in (IssueCode.FILE_UNREADABLE, IssueCode.FILE_NOT_TEMPLATE)


# ---------------------------------------------------------------------------------------- every upload kept


def test_every_upload_is_kept_and_files_are_named_by_content(portal: Portal, registry):
    first_data, second_data = filled(registry, 3), bad_workbook(registry)
    first = portal.submissions.submit("市经信局", 3, first_data, "同名.xlsx")
    second = portal.submissions.submit("市经信局", 3, second_data, "同名.xlsx")
    again = portal.submissions.submit("市经信局", 3, first_data, "同名.xlsx")
    assert len({first.id, second.id, again.id}) == 3
    stored = sorted(p.name for p in portal.store.uploads_dir.iterdir())
    assert stored == sorted({f"{first.sha256}.xlsx", f"{second.sha256}.xlsx"})
    assert portal.submissions.uploaded_file(first).path.read_bytes() == first_data
    assert portal.submissions.uploaded_file(second).path.read_bytes() == second_data
    assert len(portal.store.uploads(quarter=Q3, action_id=3)) == 3


@pytest.mark.parametrize("given, shown", [
    ("../../etc/passwd.xlsx", "passwd.xlsx"),
    ("C:\\Users\\张三\\桌面\\第三项.xlsx", "第三项.xlsx"),
    ("a\x00b\x1f.xlsx", "ab.xlsx"),
    ("", "未命名.xlsx"),
    (None, "未命名.xlsx"),
    ("长" * 300 + ".xlsx", "长" * 115 + ".xlsx"),
])
def test_user_file_names_are_only_shown_never_used_as_paths(given, shown):
    assert clean_file_name(given) == shown


def test_a_hostile_file_name_writes_nothing_outside_the_uploads_folder(portal: Portal, registry, tmp_path):
    record = portal.submissions.submit("市经信局", 3, filled(registry, 3), "../../../escape.xlsx")
    assert record.file_name == "escape.xlsx"
    assert portal.submissions.uploaded_file(record).path == portal.store.uploads_dir / f"{record.sha256}.xlsx"
    assert not any(p.name == "escape.xlsx" for p in tmp_path.rglob("*"))


# ---------------------------------------------------------------------------------------- limits


def _ole_bytes() -> bytes:
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize("data, kind, words", [
    (b"", RefusalKind.EMPTY, "空的"),
    (b"%PDF-1.7 not a workbook", RefusalKind.NOT_XLSX, "不是 Excel 工作簿"),
    (b"PK\x03\x04 truncated", RefusalKind.DAMAGED, "已损坏或内容不完整"),
    (_plain_zip(), RefusalKind.NOT_XLSX, "不是 Excel 工作簿"),
    (_ole_bytes(), RefusalKind.NOT_XLSX, ".xls"),
], ids=["empty", "pdf", "truncated-zip", "zip-not-xlsx", "xls-or-encrypted"])
def test_files_that_are_not_xlsx_are_refused_and_not_kept(portal: Portal, data: bytes, kind, words: str):
    with pytest.raises(UploadRefused) as refused:
        portal.submissions.submit("市经信局", 3, data, "报表.xlsx")
    assert refused.value.kind is kind
    assert words in refused.value.message
    assert list(portal.store.uploads_dir.iterdir()) == []
    assert portal.store.uploads() == []


def test_oversized_upload_is_refused_by_size_alone(portal: Portal, registry):
    data = filled(registry, 3)
    big = data + b"\0" * (portal.max_upload_bytes + 1 - len(data))
    with pytest.raises(UploadRefused) as refused:
        portal.submissions.submit("市经信局", 3, big, "big.xlsx")
    assert refused.value.kind is RefusalKind.TOO_LARGE
    assert "超过 10 MB 的上限" in refused.value.message and "10.0" not in refused.value.message
    assert portal.store.uploads() == []


def test_closed_quarter_takes_no_uploads(portal: Portal, registry):
    portal.office.close_quarter()
    with pytest.raises(SubmissionsClosed):
        portal.submissions.submit("市经信局", 3, filled(registry, 3), "a.xlsx")
    assert portal.store.uploads() == []
    assert portal.ctx.settings().quarter == Q3 and not portal.ctx.settings().is_open


def test_quarters_outside_the_plan_cannot_be_opened(portal: Portal):
    with pytest.raises(PortalError, match="不在方案实施期"):
        portal.office.open_quarter(Quarter(2026, 1), dt.date(2026, 4, 5))


def test_a_deadline_before_the_quarter_begins_is_refused(portal: Portal):
    with pytest.raises(PortalError, match="早于2025年第三季度开始"):
        portal.office.open_quarter(Q3, dt.date(2025, 6, 30))
    assert portal.office.open_quarter(Q3, dt.date(2025, 7, 1)).deadline == dt.date(2025, 7, 1)


# ---------------------------------------------------------------------------------------- isolation


def test_a_unit_cannot_submit_for_an_action_it_does_not_lead(portal: Portal, registry):
    with pytest.raises(NotFound):
        portal.submissions.submit("市经信局", 4, filled(registry, 4), "a.xlsx")
    with pytest.raises(NotFound):
        portal.submissions.template_for("市经信局", 4)
    assert portal.store.uploads() == []


def test_a_unit_sees_its_actions_uploads_from_any_co_lead_but_no_other_action(portal: Portal, registry):
    theirs = portal.submissions.submit("市交通运输局", 6, filled(registry, 6), "交通.xlsx")
    assert portal.submissions.unit_upload("市发改委", theirs.id) == theirs   # co-lead of the same action: one submission
    with pytest.raises(NotFound):
        portal.submissions.unit_upload("市经信局", theirs.id)
    assert portal.submissions.unit_upload("市交通运输局", theirs.id) == theirs


def test_co_leads_see_one_state_per_action_and_each_lead_units_latest_stands(portal: Portal, registry):
    """Issue 17 rule 7: a co-lead's upload never silently replaces the other's; each unit's latest stands."""
    transport = portal.submissions.submit("市交通运输局", 6, filled(registry, 6, fill=clean_fill(registry, 6, "李四")), "t.xlsx")
    ndrc = portal.submissions.submit("市发改委", 6, filled(registry, 6, fill=clean_fill(registry, 6, "王五")), "n.xlsx")
    ndrc_home = {s.action.id: s for s in portal.submissions.unit_home("市发改委").actions}
    transport_home = {s.action.id: s for s in portal.submissions.unit_home("市交通运输局").actions}
    assert [u.id for u in ndrc_home[6].uploads] == [ndrc.id, transport.id]
    assert [u.id for u in transport_home[6].uploads] == [ndrc.id, transport.id]
    assert [u.id for u in ndrc_home[6].standing] == [u.id for u in transport_home[6].standing] == [ndrc.id, transport.id]
    assert transport_home[6].in_use(ndrc) and transport_home[6].in_use(transport)
    assert transport_home[6].state is ActionState.CONFLICT        # two different workbooks: 数据待核实
    assert portal.submissions.unit_home("市发改委").co_leads[6] == ("市交通运输局",)
    again = portal.submissions.submit("市交通运输局", 6, filled(registry, 6, fill=clean_fill(registry, 6, "赵六")), "t2.xlsx")
    row = portal.boards.board().row(6)
    assert [u.id for u in row.standing] == [again.id, ndrc.id]   # a unit's newer upload replaces its own only


# ---------------------------------------------------------------------------------------- concurrency


def test_concurrent_uploads_for_one_action_are_all_kept_each_with_its_own_receipt(tmp_path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock, pool=WorkPool(2, 16, per_owner=8))
    portal.office.open_quarter(Q3)
    fillers = [f"填报人{n}" for n in range(8)]
    payloads = {name: filled(registry, 3, fill=clean_fill(registry, 3, name)) for name in fillers}
    start = threading.Barrier(len(fillers))
    results: dict[str, object] = {}

    def upload(name: str) -> None:
        start.wait(timeout=30)
        results[name] = portal.submissions.submit("市经信局", 3, payloads[name], f"{name}.xlsx")

    threads = [threading.Thread(target=upload, args=(name,)) for name in fillers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == sorted(fillers)
    records = [results[name] for name in fillers]
    assert len({r.id for r in records}) == len(fillers)
    assert len({r.receipt_no for r in records}) == len(fillers)
    for name in fillers:   # nothing mixed up: each record names its own file, filler and bytes
        record = results[name]
        assert record.accepted
        assert (record.file_name, record.filler) == (f"{name}.xlsx", name)
        assert portal.submissions.uploaded_file(record).path.read_bytes() == payloads[name]
    stored = portal.store.uploads(quarter=Q3, action_id=3)
    assert sorted(u.id for u in stored) == sorted(r.id for r in records)
    latest = max(records, key=lambda r: (r.uploaded_at, r.id))
    assert portal.boards.board().rows[2].accepted == latest


# ---------------------------------------------------------------------------------------- template


def test_template_is_prefilled_from_last_quarters_accepted_workbook(portal: Portal, registry):
    portal.office.open_quarter(Q2, dt.date(2025, 7, 5))
    previous = portal.submissions.submit("市经信局", 3, filled(registry, 3, quarter=Q2, fill=clean_fill(registry, 3, value=5)),
                             "q2.xlsx")
    assert previous.accepted
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    template = portal.submissions.template_for("市经信局", 3)
    assert template.file_name == template_file_name("2025Q3", 3, "建设绿色制造体系", "市经信局")
    submission = parse_workbook(portal.submissions.uploaded_file(previous).path, registry).submission
    expected_path = portal.data_dir / "expected.xlsx"
    open_items = template_rectifications(registry, Q3, portal.data_dir / "inputs")[3]
    assert open_items and all(item.item_id.startswith("2025Q2-03-") for item in open_items)  # Q2 lagged
    save_workbook(build_template(registry, registry.action(3), Q3, submission, rectifications=open_items),
                  expected_path, stamp=dt.datetime(2025, 9, 30))
    assert template.data == expected_path.read_bytes()


# ---------------------------------------------------------------------------------------- board and reminders


def test_board_counts_and_reminders_with_contacts(portal: Portal, registry):
    portal.submissions.submit("市经信局", 3, filled(registry, 3), "ok.xlsx")
    portal.submissions.submit("市科技局", 4, bad_workbook(registry, 3, filler="赵六"), "bad.xlsx")   # wrong action: an error
    board = portal.boards.board()
    assert [board.count(s) for s in ActionState] == [1, 0, 1, 0, 8]   # submitted, conflict, errors, returned, missing
    portal.office.set_contact("市水利和湖泊局", "钱七", "0717-7000000")
    reminders = {r.unit: r for r in portal.office.reminders()}
    assert "市经信局" not in reminders
    assert [s.action.id for s in reminders["市发改委"].pending] == [1, 2, 6, 7]
    assert (reminders["市科技局"].person, reminders["市科技局"].contact_source) == ("赵六", "最近一次填报")
    assert reminders["市科技局"].pending[0].state is ActionState.ERRORS
    assert (reminders["市水利和湖泊局"].person, reminders["市水利和湖泊局"].phone,
            reminders["市水利和湖泊局"].contact_source) == ("钱七", "0717-7000000", "办公室登记")
    assert reminders["市住建局"].contact_source == ""


def test_an_action_with_two_leads_is_not_reminded_once_either_submits(portal: Portal, registry):
    portal.submissions.submit("人行市中心支行", 8, filled(registry, 8), "8.xlsx")
    units = {r.unit for r in portal.office.reminders()}
    assert "人行市中心支行" not in units and "市地方金融工作局" not in units


# ---------------------------------------------------------------------------------------- the build




class RecordingBuilder:
    """Stands in for build_quarter: records what it was given and writes two files (one outside)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.seen: dict[str, bytes] = {}

    def __call__(self, registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False):
        self.calls.append((quarter, Path(inputs_dir), Path(out_dir), report_date, pdf))
        self.seen = {p.name: p.read_bytes() for p in Path(inputs_dir).iterdir() if p.suffix == ".xlsx"}
        out_dir.mkdir(parents=True)
        (out_dir / "汇总表.xlsx").write_bytes(b"summary")
        outside = out_dir.parent / "outside.txt"
        outside.write_text("not offered")
        return FakeResult(True, out_dir, (out_dir / "汇总表.xlsx", outside))


def test_build_stages_the_latest_accepted_workbook_per_action_and_offers_only_its_files(tmp_path, registry, clock):
    builder = RecordingBuilder()
    portal = Portal(tmp_path / "data", registry, clock=clock, builder=builder)
    portal.office.open_quarter(Q2, dt.date(2025, 7, 5))
    q2 = filled(registry, 3, quarter=Q2, fill=clean_fill(registry, 3))
    portal.submissions.submit("市经信局", 3, q2, "q2.xlsx")
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    older = filled(registry, 6, fill=clean_fill(registry, 6, "李四"))
    newer = filled(registry, 6, fill=clean_fill(registry, 6, "王五"))
    portal.submissions.submit("市交通运输局", 6, older, "t.xlsx")
    portal.submissions.submit("市发改委", 6, newer, "n.xlsx")
    portal.submissions.submit("市发改委", 6, bad_workbook(registry, 6), "draft.xlsx")   # a draft never counts
    manual = portal.data_dir / "inputs" / "2025Q3" / "说明.txt"
    manual.parent.mkdir(parents=True, exist_ok=True)
    manual.write_text("office note")

    record = portal.jobs.run_build()

    quarter, inputs_dir, _out_dir, report_date, pdf = builder.calls[0]
    assert (quarter, inputs_dir, report_date, pdf) == (Q3, portal.data_dir / "inputs" / "2025Q3", None, False)
    assert builder.seen == {template_file_name("2025Q3", 6, "推进综合交通绿色发展", "市发改委"): newer,   # co-leads: both
                            template_file_name("2025Q3", 6, "推进综合交通绿色发展", "市交通运输局"): older}
    staged_q2 = portal.data_dir / "inputs" / "2025Q2" / template_file_name("2025Q2", 3, "建设绿色制造体系", "市经信局")
    assert staged_q2.read_bytes() == q2
    assert manual.read_text() == "office note"
    assert record.ok and record.files == ("汇总表.xlsx",)
    assert portal.jobs.build_file(record.id, 0).path.read_bytes() == b"summary"
    with pytest.raises(NotFound):
        portal.jobs.build_file(record.id, 1)
    with pytest.raises(NotFound):
        portal.jobs.build_file(record.id + 1, 0)
    archive = portal.jobs.build_archive(record.id)
    assert archive.file_name == f"2025Q3_汇总结果_第{record.id}次.zip"
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        assert {name: opened.read(name) for name in opened.namelist()} == {"汇总表.xlsx": b"summary"}
    assert portal.jobs.build_archive(record.id).data == archive.data   # the same build, the same bytes


def test_restaging_replaces_earlier_staged_copies(tmp_path, registry, clock):
    builder = RecordingBuilder()
    portal = Portal(tmp_path / "data", registry, clock=clock, builder=builder)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    transport = portal.submissions.submit("市交通运输局", 6, filled(registry, 6), "t.xlsx")
    portal.jobs.run_build()
    assert list(builder.seen) == [template_file_name("2025Q3", 6, "推进综合交通绿色发展", "市交通运输局")]
    portal.submissions.submit("市发改委", 6, filled(registry, 6, fill=clean_fill(registry, 6, "王五")), "n.xlsx")
    portal.submissions.withdraw("市交通运输局", transport.id)          # the other co-lead's stands alone again
    portal.jobs.run_build()
    assert list(builder.seen) == [template_file_name("2025Q3", 6, "推进综合交通绿色发展", "市发改委")]


def test_a_failing_build_is_recorded_not_raised(tmp_path, registry, clock):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    portal = Portal(tmp_path / "data", registry, clock=clock, builder=broken)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    record = portal.jobs.run_build()
    assert not record.ok and "汇总时出现程序内部错误" in record.message and "boom" not in record.message
    assert record.files == ()
    assert portal.jobs.builds()[0] == record


def test_a_second_build_while_one_runs_is_refused(tmp_path, registry, clock):
    entered, release = threading.Event(), threading.Event()

    def slow(registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False):
        entered.set()
        release.wait(30)
        return FakeResult(True, out_dir, ())

    portal = Portal(tmp_path / "data", registry, clock=clock, builder=slow)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    worker = threading.Thread(target=portal.jobs.run_build)
    worker.start()
    assert entered.wait(30)
    try:
        with pytest.raises(BuildBusy):
            portal.jobs.run_build()
    finally:
        release.set()
        worker.join(30)
    assert len(portal.jobs.builds()) == 1


def test_build_with_the_real_builder_uses_the_accepted_workbooks(portal: Portal, registry):
    portal.office.open_quarter(Q2, dt.date(2025, 7, 5))
    portal.submissions.submit("市经信局", 3, filled(registry, 3, quarter=Q2, fill=clean_fill(registry, 3, value=2)),
                              "q2.xlsx")
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    # Q2's figures put 第三项 on the 督办 list: Q3's workbook is the portal's own template, with its 整改落实 sheet
    downloaded = portal.submissions.template_for("市经信局", 3).data
    accepted = portal.submissions.submit("市经信局", 3, fill_downloaded(downloaded, clean_fill(registry, 3, value=5)),
                                         "q3.xlsx")
    assert accepted.accepted, accepted.issues
    portal.submissions.submit("市经信局", 3, bad_workbook(registry), "draft.xlsx")
    record = portal.jobs.run_build()
    assert record.ok, record.message
    assert {"汇总表.xlsx", "summary.json"} <= set(record.files)
    assert any(name.startswith("各行动报告/第03项_") and name.endswith(".docx") for name in record.files)
    summary = json.loads(portal.jobs.build_file(record.id, record.files.index("summary.json")).path.read_text("utf-8"))
    assert [a["id"] for a in summary["actions"] if a["submitted"]] == [3]
    action3 = next(a for a in summary["actions"] if a["id"] == 3)
    assert {i["name"]: i["actual"] for i in action3["indicators"]}["新增绿色工厂数量"] == 5


@pytest.mark.parametrize("today, suggested", [
    (dt.datetime(2025, 10, 8, 9, 0, tzinfo=CN), Quarter(2025, 3)),
    (dt.datetime(2025, 1, 3, 9, 0, tzinfo=CN), Quarter(2024, 4)),
    (dt.datetime(2026, 11, 25, 9, 0, tzinfo=CN), Quarter(2025, 4)),   # after the plan: its last quarter
    (dt.datetime(2021, 5, 1, 9, 0, tzinfo=CN), Quarter(2022, 1)),
])
def test_suggested_quarter_is_the_one_just_ended_within_the_plan(portal: Portal, clock, today, suggested):
    clock.set(today)
    assert portal.office.suggested_quarter() == suggested
    portal.office.open_quarter(suggested)        # the default deadline: the library's, quarter end + 10 days
    assert portal.ctx.settings().deadline == default_deadline(suggested) == suggested.end_date + dt.timedelta(days=5)   # 次月5日
