"""Workbooks as a lead unit would send them, and a clock the tests control."""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook

from yc_reports.fixedzip import normalise_zip
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.workbook.fill import TaskUpdate, UnitFill, fill_workbook
from yc_reports.workbook.writer import build_template

CN = dt.timezone(dt.timedelta(hours=8))
Q3 = Quarter(2025, 3)
Q2 = Quarter(2025, 2)


class TickingClock:
    """Beijing time that moves one second on every reading (thread-safe), so every upload has its own time."""

    def __init__(self, start: dt.datetime = dt.datetime(2025, 10, 8, 9, 0, 0, tzinfo=CN)) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            self.now += dt.timedelta(seconds=1)
            return self.now

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self.now = moment


def clean_fill(registry: Registry, action_id: int, filler: str = "张三", value: object = 1) -> UnitFill:
    """Every required cell filled: no 错误."""
    action = registry.action(action_id)
    return UnitFill(filler=filler, phone="0717-6000000", fill_date=dt.date(2025, 10, 8),
                    values={i.key: value for i in action.indicators},
                    tasks={t.key: TaskUpdate("正常推进", "按计划推进") for t in action.tasks})


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalise_zip(buffer.getvalue())


def filled(registry: Registry, action_id: int, quarter: Quarter = Q3, fill: UnitFill | None = None) -> bytes:
    """The template for the action, filled in (cleanly unless `fill` says otherwise)."""
    action = registry.action(action_id)
    wb = build_template(registry, action, quarter, None)
    fill_workbook(wb, fill or clean_fill(registry, action_id))
    return workbook_bytes(wb)


def fill_downloaded(data: bytes, fill: UnitFill) -> bytes:
    """What a unit does with the file it downloaded: open, type, save."""
    wb = load_workbook(io.BytesIO(data))
    fill_workbook(wb, fill)
    return workbook_bytes(wb)


def with_value(registry: Registry, action_id: int, key: str, value: object, filler: str = "张三") -> UnitFill:
    base = clean_fill(registry, action_id, filler)
    values = dict(base.values)
    values[key] = value
    return UnitFill(filler=base.filler, phone=base.phone, fill_date=base.fill_date, values=values,
                    tasks=base.tasks)


def cell_of(data: bytes, sheet: str, row_text: str, header: str) -> str:
    """The cell (e.g. H7) in `sheet` on the row holding `row_text`, under the column headed `header`."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    header_cell = next(c for row in ws.iter_rows(max_row=10) for c in row if c.value == header)
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == row_text)
    return f"{header_cell.column_letter}{row}"



@dataclass(frozen=True)
class FakeResult:
    """What a stand-in builder returns (the fields the portal reads of a BuildResult)."""

    ok: bool
    out_dir: Path
    files: tuple[Path, ...]
    issues: tuple = ()
    error: str = ""
