"""What a lead unit does with its template, as a function: used by tests, the demo and the portal's tests.

`fill_workbook` writes into a workbook built by `workbook_writer.build_template`, finding rows by
indicator name and task content. A str value is written as typed text (so "１２家" stays text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from yc_reports.workbook import layout as L
from yc_reports.workbook.xlsx_io import set_text, writable

Value = Decimal | int | float | str | dt.date | None


@dataclass(frozen=True)
class TaskUpdate:
    status: str | None
    progress: str = ""
    problems: str = ""


@dataclass(frozen=True)
class ExtraTask:
    content: str
    deadline: dt.date | str | None
    status: str | None
    progress: str = ""
    problems: str = ""


@dataclass(frozen=True)
class ProjectFill:
    name: str
    total_investment: Value
    annual_plan: Value
    ytd_completed: Value
    status: str | None
    planned_start: dt.date | str | None = None
    image_progress: str = ""
    problems: str = ""


@dataclass(frozen=True)
class UnitFill:
    filler: str = ""
    phone: str = ""
    reviewer: str = ""
    fill_date: dt.date | str | None = None
    summary: str = ""
    next_steps: str = ""
    values: Mapping[str, Value] = field(default_factory=dict)       # indicator key -> 截至本季度末完成值
    notes: Mapping[str, str] = field(default_factory=dict)          # indicator key -> 情况说明
    tasks: Mapping[str, TaskUpdate] = field(default_factory=dict)   # task key -> update
    extra_tasks: tuple[ExtraTask, ...] = ()
    projects: tuple[ProjectFill, ...] | None = None                 # None: keep the rows carried over


def fill_workbook(wb: Workbook, fill: UnitFill) -> Workbook:
    """Write `fill` into a template workbook, as a unit would type it. Returns `wb`."""
    names = _registry_names(wb)
    _fill_info(wb[L.SHEET_INFO], fill)
    _fill_indicators(wb[L.SHEET_INDICATORS], fill, names)
    _fill_tasks(wb[L.SHEET_TASKS], fill, names)
    if fill.projects is not None:
        _fill_projects(wb[L.SHEET_PROJECTS], fill.projects)
    return wb


def _registry_names(wb: Workbook) -> dict[str, str]:
    """Registry key -> indicator name or task content, as the hidden sheet records them."""
    names: dict[str, str] = {}
    for key, value in wb[L.SHEET_META].iter_rows(min_row=1, max_col=2, values_only=True):
        if (isinstance(key, str) and key.startswith((L.META_INDICATOR_PREFIX, L.META_TASK_PREFIX))
                and isinstance(value, str)):
            names[key] = value
    return names


def _write(cell: Cell | MergedCell, value: Value) -> None:
    """Text as typed text (never a formula), dates with a date format, numbers as numbers."""
    cell = writable(cell)
    if isinstance(value, str):
        set_text(cell, value)
        return
    cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def _fill_info(ws: Worksheet, fill: UnitFill) -> None:
    values = {L.INFO_FILLER: fill.filler, L.INFO_PHONE: fill.phone, L.INFO_REVIEWER: fill.reviewer,
              L.INFO_DATE: fill.fill_date, L.INFO_SUMMARY: fill.summary, L.INFO_NEXT: fill.next_steps}
    for row in range(1, L.INFO_SEARCH_ROWS + 1):
        label = ws.cell(row, 1).value
        if isinstance(label, str) and label in values:
            _write(ws.cell(row, 2), values[label] if values[label] != "" else None)


def _column(columns: tuple[L.Column, ...], column: L.Column) -> int:
    return columns.index(column) + 1


def _rows_by_text(ws: Worksheet, col: int) -> dict[str, int]:
    found = {}
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):   # ws.cell() creates cells: stay inside the sheet
        value = ws.cell(row, col).value
        if isinstance(value, str) and value not in found:
            found[value] = row
    return found


def _fill_indicators(ws: Worksheet, fill: UnitFill, names: dict[str, str]) -> None:
    rows = _rows_by_text(ws, _column(L.INDICATOR_COLUMNS, L.IND_NAME))
    value_col = _column(L.INDICATOR_COLUMNS, L.IND_VALUE)
    note_col = _column(L.INDICATOR_COLUMNS, L.IND_NOTE)
    for key, value in fill.values.items():
        _write(ws.cell(rows[names[L.META_INDICATOR_PREFIX + key]], value_col), value)
    for key, note in fill.notes.items():
        _write(ws.cell(rows[names[L.META_INDICATOR_PREFIX + key]], note_col), note or None)


def _fill_tasks(ws: Worksheet, fill: UnitFill, names: dict[str, str]) -> None:
    cols = {c: _column(L.TASK_COLUMNS, c) for c in L.TASK_COLUMNS}
    rows = _rows_by_text(ws, cols[L.TASK_CONTENT])
    for key, update in fill.tasks.items():
        row = rows[names[L.META_TASK_PREFIX + key]]
        _write_task_inputs(ws, row, cols, update.status, update.progress, update.problems)
    registry_tasks = sum(1 for key in names if key.startswith(L.META_TASK_PREFIX))
    row = L.FIRST_DATA_ROW + registry_tasks
    for extra in fill.extra_tasks:
        while row <= ws.max_row and ws.cell(row, cols[L.TASK_CONTENT]).value not in (None, ""):
            row += 1
        _write(ws.cell(row, cols[L.TASK_CONTENT]), extra.content)
        _write(ws.cell(row, cols[L.TASK_DEADLINE]), extra.deadline)
        _write_task_inputs(ws, row, cols, extra.status, extra.progress, extra.problems)
        row += 1


def _write_task_inputs(ws: Worksheet, row: int, cols: dict[L.Column, int], status: str | None, progress: str,
                       problems: str) -> None:
    _write(ws.cell(row, cols[L.TASK_STATUS]), status)
    _write(ws.cell(row, cols[L.TASK_PROGRESS]), progress or None)
    _write(ws.cell(row, cols[L.TASK_PROBLEMS]), problems or None)


def _fill_projects(ws: Worksheet, projects: tuple[ProjectFill, ...]) -> None:
    cols = {c: _column(L.PROJECT_COLUMNS, c) for c in L.PROJECT_COLUMNS}
    last = L.FIRST_DATA_ROW
    while last <= ws.max_row and ws.cell(last, cols[L.PRJ_SEQ]).value is not None:
        last += 1
    for row in range(L.FIRST_DATA_ROW, last):   # clear the rows carried over (inputs only), keep their styles
        for column in L.PROJECT_COLUMNS:
            if column is not L.PRJ_SEQ and not column.reference:
                ws.cell(row, cols[column]).value = None
    for i, project in enumerate(projects):
        row = L.FIRST_DATA_ROW + i
        values = {L.PRJ_NAME: project.name, L.PRJ_TOTAL: project.total_investment,
                  L.PRJ_ANNUAL_PLAN: project.annual_plan, L.PRJ_YTD: project.ytd_completed,
                  L.PRJ_STATUS: project.status, L.PRJ_PLANNED_START: project.planned_start,
                  L.PRJ_IMAGE: project.image_progress or None, L.PRJ_PROBLEMS: project.problems or None}
        for column, value in values.items():
            _write(ws.cell(row, cols[column]), value)
