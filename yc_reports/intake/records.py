"""Typed records read from one filled workbook (the parser's output, the checks' input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from yc_reports.intake.numbers import format_decimal
from yc_reports.intake.xlsx_scan import column_letter
from yc_reports.issues import Issue, has_errors
from yc_reports.plan.quarter import Quarter
from yc_reports.workbook import layout as L
from yc_reports.workbook.layout import column_number


class TaskStatus(str, Enum):
    DONE = "已完成"
    ON_SCHEDULE = "正常推进"
    BEHIND = "滞后"
    NOT_STARTED = "未启动"


class ProjectStatus(str, Enum):
    NOT_STARTED = "未开工"
    UNDER_CONSTRUCTION = "在建"
    COMPLETED = "已竣工"


class RectificationState(str, Enum):
    DONE = "已完成"
    IN_PROGRESS = "整改中"
    NOT_STARTED = "未启动"


@dataclass(frozen=True)
class BasicInfo:
    """The 基本信息 sheet: who filled in and reviewed the workbook, when, and the unit's two texts."""

    filler: str = ""
    phone: str = ""
    reviewer: str = ""
    fill_date: dt.date | None = None
    summary: str = ""      # 本季度工作综述
    next_steps: str = ""   # 下一步工作计划


@dataclass(frozen=True)
class IndicatorEntry:
    """One row of 指标进展: the figure reported for an indicator, its note and where it stands."""

    key: str                 # registry key
    value: Decimal | None    # 截至本季度末完成值, in the registry unit; None when blank or invalid
    note: str                # 情况说明
    cell: str                # where the value stands, e.g. "H7"


@dataclass(frozen=True)
class TaskEntry:
    """One row of 重点任务: a key task's deadline, state, progress and problems."""

    row: int
    key: str                       # registry key; "" for a task the unit added
    content: str
    deadline: dt.date | None
    status: TaskStatus | None
    progress: str
    problems: str


@dataclass(frozen=True)
class ProjectEntry:
    """One row of 重点项目: a project's investment figures, state and dates."""

    row: int
    name: str
    total_investment: Decimal | None
    annual_plan: Decimal | None
    ytd_completed: Decimal | None
    status: ProjectStatus | None
    planned_start: dt.date | None
    image_progress: str
    problems: str


@dataclass(frozen=True)
class RectificationEntry:
    """One row of 整改落实: what the unit reports on one open 督办 item."""

    row: int
    item_id: str                      # 督办编号, e.g. "2025Q3-03-1"
    text: str                         # 督办事项 (as pre-filled)
    deadline: dt.date | None          # 整改时限
    measures: str                     # 整改措施
    progress: str                     # 整改进展
    state: RectificationState | None  # None: left blank or not one of the dropdown's values
    id_cell: str = ""                 # where the 督办编号, 督办事项 and 整改时限 stand (e.g. "A4"), for messages
    text_cell: str = ""
    deadline_cell: str = ""


@dataclass(frozen=True)
class Submission:
    """Everything one workbook says, in the registry's terms."""

    file: str                # path as given (for messages)
    sha256: str
    plan_id: str
    action_id: int
    quarter: Quarter
    template_version: int
    info: BasicInfo
    indicators: tuple[IndicatorEntry, ...] = ()
    tasks: tuple[TaskEntry, ...] = ()
    projects: tuple[ProjectEntry, ...] = ()
    rectifications: tuple[RectificationEntry, ...] = ()
    rectification_sheet: bool = False   # the workbook has a 整改落实 sheet (with or without rows)

    def indicator(self, key: str) -> IndicatorEntry | None:
        return next((e for e in self.indicators if e.key == key), None)


@dataclass(frozen=True)
class ParseResult:
    """One file's outcome: a submission when the file could be read, and its issues either way."""

    file: str
    submission: Submission | None
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.submission is not None and not has_errors(self.issues)


# ------------------------------------------------------------------------------------ two copies compared


@dataclass(frozen=True)
class CellDifference:
    """One cell where two copies of an action's workbook differ: where, about what, and both values as shown
    ("" for a blank cell). `subject` is the indicator's key, the task's content or the project's name."""

    sheet: str
    cell: str
    subject: str
    field: str
    mine: str
    theirs: str


def differences(mine: Submission, other: Submission) -> list[CellDifference]:
    """Every cell of `mine` where `other` says something else, in sheet and row order."""
    found: list[CellDifference] = []

    def differ(sheet: str, cell: str, subject: str, field: str, value: object, expected: object) -> None:
        if _shown(value) != _shown(expected):
            found.append(CellDifference(sheet, cell, subject, field, _shown(value), _shown(expected)))

    theirs = {e.key: e for e in other.indicators}
    for entry in mine.indicators:
        twin = theirs.get(entry.key)
        value_col = entry.cell.rstrip("0123456789")
        row = entry.cell[len(value_col):]
        note_col = column_letter(column_number(value_col) + 1)
        differ(L.SHEET_INDICATORS, entry.cell, entry.key, L.IND_VALUE.header, entry.value,
               twin.value if twin else None)
        differ(L.SHEET_INDICATORS, f"{note_col}{row}", entry.key, L.IND_NOTE.header, entry.note,
               twin.note if twin else "")
    _rows(differ, L.SHEET_TASKS, mine.tasks, other.tasks, L.TASK_COLUMNS,
          {L.TASK_CONTENT: "content", L.TASK_STATUS: "status", L.TASK_PROGRESS: "progress",
           L.TASK_PROBLEMS: "problems"}, "content")
    _rows(differ, L.SHEET_PROJECTS, mine.projects, other.projects, L.PROJECT_COLUMNS,
          {L.PRJ_NAME: "name", L.PRJ_TOTAL: "total_investment", L.PRJ_ANNUAL_PLAN: "annual_plan",
           L.PRJ_YTD: "ytd_completed", L.PRJ_STATUS: "status", L.PRJ_IMAGE: "image_progress",
           L.PRJ_PROBLEMS: "problems"}, "name")
    return found


def _rows(differ: Callable[[str, str, str, str, object, object], None], sheet: str, mine: Iterable,
          other: Iterable, columns: tuple[L.Column, ...], fields: dict[L.Column, str], subject: str) -> None:
    """Rows compared by row number, each field at its template column; `subject` names the row's item."""
    theirs = {e.row: e for e in other}
    for entry in mine:
        twin = theirs.get(entry.row)
        for column, name in fields.items():
            cell = f"{column_letter(columns.index(column) + 1)}{entry.row}"
            differ(sheet, cell, getattr(entry, subject) or getattr(twin, subject, ""), column.header,
                   getattr(entry, name), getattr(twin, name) if twin else None)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)
