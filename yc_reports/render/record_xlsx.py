"""The office's record written out as a workbook for the archive (`yc-reports record export`).

One sheet per table of the record, every row as it stands (nothing recomputed): 签发记录 (each 签发 and
更正), 督办台账 (each item as it stood in each issuance), 阶段目标结论 (each expired target's verdict as
issued), 收文登记, 季度设置, 销号记录, 文件校验码 and 方案版本. The ledger and the verdicts are read from their
plain columns, so the export works even when a facts entry could not
be decoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from yc_reports.record.store import Record
from yc_reports.render.summary_xlsx import Col, Sheet, _table
from yc_reports.render.wording import Wording
from yc_reports.workbook.xlsx_io import save_workbook


def write_record_workbook(record: Record, path: Path, wording: Wording | None = None) -> Path:
    """Write every table of `record` to `path` (a new workbook) and return it."""
    wording = wording or Wording()
    sheet = Sheet(wording, wording.label("record_title"))
    issuances = record.issuances()
    wb = Workbook()
    wb.remove(wb.worksheets[0])

    def add(key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], wrap: Sequence[str] = ()) -> None:
        cols = [Col(wording.label("record_column", key=c), wrap=c in wrap) for c in columns]
        _table(wb.create_sheet(wording.label("record_sheet", key=key)), cols, rows, sheet.title,
               wording.label("page_footer"))

    add("issuances", ("quarter", "version", "issued_at", "issued_by", "reason", "report_date", "doc_number", "plan",
                      "facts_sha256"),
        [(i.quarter.label, i.version, _time(i.issued_at), i.issued_by, i.reason, i.report_date, i.doc_number,
          i.plan_name, i.facts_sha256) for i in issuances], wrap=("reason", "plan"))
    add("ledger", ("quarter", "version", "item_id", "action_id", "matter", "since", "deadline", "state", "closed_in",
                   "plan_id"),
        [(i.quarter.label, i.version, row.item_id, row.action_id, row.text, row.since.label, row.deadline,
          wording.label("record_state", state=row.state), row.closed_in.label if row.closed_in else "", row.plan_id)
         for i in issuances for row in record.ledger(i)], wrap=("matter",))
    add("verdicts", ("quarter", "version", "action_id", "indicator_key", "target_year", "target", "figure",
                     "status", "judged_on"),
        [(i.quarter.label, i.version, v.action_id, v.indicator_key, v.target_year, v.target, v.figure,
          wording.label("record_verdict", verdict=v.status), v.judged_on) for i in issuances for v in record.verdicts(i)])
    add("receipts", ("quarter", "action_id", "unit", "received_at", "source", "file_name", "sha256", "entered_by",
                     "entered_at", "note"),
        [(r.quarter.label, r.action_id, r.unit, _time(r.received_at), wording.label("record_source", source=r.source.value),
          r.file_name, r.sha256, r.entered_by, _time(r.entered_at), r.note) for r in record.receipts()],
        wrap=("file_name", "note"))
    add("settings", ("quarter", "submission_deadline", "report_date", "doc_number", "set_by", "set_at"),
        [(s.quarter.label, s.deadline or "", s.report_date or "", s.doc_number, s.set_by, _time(s.set_at))
         for s in record.all_settings()])
    add("closures", ("item_id", "quarter", "reason", "closed_by", "closed_at"),
        [(c.item_id, c.quarter.label, c.reason, c.closed_by, _time(c.closed_at)) for c in record.closures()],
        wrap=("reason",))
    add("documents", ("quarter", "version", "path", "sha256", "size"),
        [(i.quarter.label, i.version, d.path, d.sha256, d.size) for i in issuances for d in record.documents(i)])
    add("plans", ("plan_id", "plan", "period", "plan_sha256"),
        [(p.plan_id, p.name, f"{p.start_year}—{p.end_year}", p.sha256) for p in record.plans()], wrap=("plan",))
    save_workbook(wb, Path(path))
    return Path(path)


def _time(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""
