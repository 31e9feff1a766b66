"""The office's record: append-only, read back as written, refused (and never touched) when unreadable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from report_fixtures import fixture_quarter
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.history import history_from_submissions
from yc_reports.analysis.model import LedgerItem, LedgerState, QuarterReport, Reason, ReasonKind
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.record.store import (
    CN_TZ,
    DocumentHash,
    ReceiptSource,
    Record,
    RecordError,
    record_path,
)

Q3 = Quarter(2025, 3)
AT = dt.datetime(2025, 10, 12, 9, 30, tzinfo=CN_TZ)
REGISTRY = load_registry()
_CURRENT, _HISTORY, _STRAY = fixture_quarter(REGISTRY)
REPORT = assemble_report(REGISTRY, Q3, _CURRENT, history_from_submissions(Q3, _HISTORY), extra_issues=_STRAY)


def make_report(quarter: Quarter = Q3, ledger: tuple[LedgerItem, ...] | None = None) -> QuarterReport:
    """The fixture quarter's report (every kind of fact in it), moved to `quarter`, with `ledger` if given."""
    return dataclasses.replace(REPORT, quarter=quarter, ledger=REPORT.ledger if ledger is None else ledger)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issued_record(tmp_path: Path) -> Record:
    report = make_report()
    record = Record(record_path(tmp_path))
    record.issue(report, {}, plan_text="[plan]\n", documents=(DocumentHash("a.docx", "0" * 64, 10),), by="张三",
                 doc_number="宜降碳办〔2025〕3号", at=AT)
    return record


def test_reading_a_missing_record_creates_nothing(tmp_path):
    with Record(record_path(tmp_path)) as record:
        assert record.issued_quarters() == () and record.latest(Q3) is None and record.receipts() == ()
        assert record.settings(Q3).deadline is None
    assert not record_path(tmp_path).exists()


def test_an_issued_quarter_reads_back_as_written(tmp_path):
    report = make_report()
    with issued_record(tmp_path) as record:
        [issuance] = record.issuances()
        assert (issuance.quarter, issuance.version, issuance.issued_by, issuance.issued_at) == (Q3, 1, "张三", AT)
        assert issuance.doc_number == "宜降碳办〔2025〕3号" and not issuance.correction
        back = record.issued(Q3)
        assert back is not None and back.report == report
        assert record.documents(issuance) == (DocumentHash("a.docx", "0" * 64, 10),)
        assert record.first_collected() == Q3


def test_a_second_issue_is_a_correction_with_its_reason(tmp_path):
    with issued_record(tmp_path) as record:
        with pytest.raises(RecordError, match="更正须写明原因"):
            record.issue(make_report(), {}, plan_text="[plan]\n", documents=(), by="李四")
        second = record.issue(make_report(), {}, plan_text="[plan]\n", documents=(), by="李四",
                              reason="第三项数据经核实更正")
        assert (second.version, second.reason, second.correction) == (2, "第三项数据经核实更正", True)
        assert [i.version for i in record.issuances(Q3)] == [1, 2] and record.latest(Q3) == second


def test_an_earlier_quarter_cannot_be_issued_after_a_later_one(tmp_path):
    with issued_record(tmp_path) as record:
        earlier = make_report(quarter=Quarter(2025, 2))
        with pytest.raises(RecordError, match="不能再签发或更正更早的2025年第二季度"):
            record.issue(earlier, {}, plan_text="x", documents=(), by="张三")


def test_rows_are_never_changed_or_deleted(tmp_path):
    issued_record(tmp_path).close()
    db = sqlite3.connect(record_path(tmp_path))
    for sql in ("UPDATE issuances SET issued_by = 'x'", "DELETE FROM ledger", "DELETE FROM issuances",
                "UPDATE meta SET value = '9'", "DELETE FROM plans"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(sql)
    db.close()


def test_the_ledger_is_kept_in_plain_columns_too(tmp_path):
    item = LedgerItem(id="2025Q3-03-1", action_id=3, action_name="建设绿色制造体系", lead_units="市经信局",
                      reason=Reason(ReasonKind.TASK_BEHIND), unit_problem="", since=Q3, deadline=dt.date(2025, 10, 25),
                      state=LedgerState.OPEN, text="某项任务：牵头单位报告进度滞后", plan_id="p")
    report = make_report(ledger=(item,))
    with Record(record_path(tmp_path)) as record:
        issuance = record.issue(report, {}, plan_text="p", documents=(), by="张三")
        [row] = record.ledger(issuance)
        assert (row.item_id, row.text, row.deadline, row.state, row.plan_id) == (
            "2025Q3-03-1", "某项任务：牵头单位报告进度滞后", dt.date(2025, 10, 25), "open", "p")


def test_receipts_settings_and_closures(tmp_path):
    with Record(record_path(tmp_path)) as record:
        receipt = record.add_receipt(Q3, 3, received_at=AT, source=ReceiptSource.OFFICE, entered_by="王五",
                                     unit="市经信局", note="邮件报送")
        assert record.receipts(Q3) == (receipt,) and receipt.received_at == AT
        record.set_settings(Q3, by="王五", deadline=dt.date(2025, 10, 8))
        latest = record.set_settings(Q3, by="王五", deadline=dt.date(2025, 10, 9), doc_number="宜降碳办〔2025〕9号")
        assert (latest.deadline, latest.doc_number) == (dt.date(2025, 10, 9), "宜降碳办〔2025〕9号")
        assert len(record.all_settings()) == 2      # the history stays
        with pytest.raises(RecordError, match="须写明理由"):
            record.close_item("2025Q2-03-1", Q3, reason=" ", by="王五")
        closure = record.close_item("2025Q2-03-1", Q3, reason="经现场核实已整改到位", by="王五")
        assert record.closures() == (closure,)
        with pytest.raises(RecordError, match="已销号，无需重复销号"):   # never a second closure row
            record.close_item("2025Q2-03-1", Q3, reason="再次销号", by="王五")
        assert record.closures() == (closure,)


def test_a_damaged_file_is_refused_and_left_as_it_is(tmp_path):
    path = record_path(tmp_path)
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    before = sha(path)
    with Record(path) as record, pytest.raises(RecordError, match="无法读取") as caught:
        record.issued_quarters()
    assert "记录文件未作改动" in str(caught.value) and "Error" not in str(caught.value)
    with Record(path) as record, pytest.raises(RecordError):
        record.add_receipt(Q3, 3, received_at=AT, source=ReceiptSource.OFFICE, entered_by="王五")
    assert sha(path) == before


def tamper(path: Path, trigger: str, sql: str) -> None:
    """Change the file behind the record's back (its triggers dropped), as another program could."""
    db = sqlite3.connect(path)
    db.execute(f"DROP TRIGGER {trigger}")
    db.execute(sql)
    db.commit()
    db.close()


def test_a_record_from_a_newer_version_is_refused(tmp_path):
    issued_record(tmp_path).close()
    path = record_path(tmp_path)
    tamper(path, "meta_no_update", "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = sha(path)
    with Record(path) as record, pytest.raises(RecordError, match="更新版本的程序写入（记录格式第99版"):
        record.latest(Q3)
    assert sha(path) == before


def test_facts_changed_behind_the_records_back_are_refused(tmp_path):
    issued_record(tmp_path).close()
    path = record_path(tmp_path)
    tamper(path, "issuances_no_update", "UPDATE issuances SET facts = replace(facts, '市经信局', '市某局')")
    with Record(path) as record, pytest.raises(RecordError, match="与其校验码不符"):
        record.issued(Q3)
