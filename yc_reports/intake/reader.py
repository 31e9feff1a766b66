"""One filled workbook -> typed records and issues. Never raises for a bad file.

The file is vetted by `safe_open` before openpyxl sees it. Sheets are found by name, header rows by
their text, rows by what they hold (indicator names, task contents), so a workbook re-saved by WPS,
Excel or LibreOffice still reads. Locked cells that were changed anyway are noticed and the
registry's value is used. Every problem is an `Issue` pointing at its sheet and cell.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import sys
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from yc_reports.workbook import layout as L
from yc_reports.issues import Issue, IssueCode, Severity, make_issue
from yc_reports.intake.numbers import format_decimal, read_number
from yc_reports.plan.quarter import Quarter, QuarterError
from yc_reports.intake.records import (BasicInfo, IndicatorEntry, ParseResult, ProjectEntry, ProjectStatus, Submission, TaskEntry,
                      TaskStatus)
from yc_reports.plan.registry import Action, Indicator, Registry
from yc_reports.intake.safe_open import Inspection, inspect_bytes, inspect_file

DATA_SHEETS = (L.SHEET_INFO, L.SHEET_INDICATORS, L.SHEET_TASKS, L.SHEET_PROJECTS)
PROJECT_UNIT = "万元"
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
_NO_CACHE = object()   # a formula cell whose result was never computed


def parse_workbook(path: Path, registry: Registry, display_name: str | None = None) -> ParseResult:
    """Read one workbook file; `display_name` is what issues call the file (default: its name)."""
    path = Path(path)
    display = display_name if display_name is not None else path.name
    return _parse_inspected(inspect_file(path, display), registry, display)


def parse_bytes(data: bytes, file_name: str, registry: Registry, display_name: str | None = None) -> ParseResult:
    """Read a workbook already in memory (an upload); `file_name` gives the extension."""
    display = display_name if display_name is not None else file_name
    return _parse_inspected(inspect_bytes(data, file_name, display), registry, display)


def _parse_inspected(inspection: Inspection, registry: Registry, display: str) -> ParseResult:
    if inspection.issue is not None:
        return ParseResult(display, None, (inspection.issue,))
    assert inspection.data is not None
    try:
        book = _load(inspection.data)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on a damaged file
        detail = "文件内含不允许的 XML 实体声明" if _forbidden_xml(exc) else f"内部结构有误：{type(exc).__name__}"
        return ParseResult(display, None, (make_issue(IssueCode.FILE_UNREADABLE, display, detail=detail),))
    reader = _WorkbookReader(book, registry, display, inspection.sha256)
    try:
        submission = reader.read()
    except Exception as exc:  # a damaged sheet must not stop the other workbooks
        issue = make_issue(IssueCode.FILE_UNREADABLE, display, detail=f"内部结构有误：{type(exc).__name__}")
        return ParseResult(display, None, (*reader.issues, issue))
    if submission is not None:  # STOPGAP (issue #12): replaced by the reader rewrite's own 整改落实 reading
        from yc_reports.intake.rectification_stopgap import read_rectifications

        submission = dataclasses.replace(submission, rectifications=read_rectifications(inspection.data))
    return ParseResult(display, submission, tuple(reader.issues))


def _forbidden_xml(exc: BaseException) -> bool:
    """defusedxml refused a DTD or entity (openpyxl may wrap its exception in another)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if type(current).__module__.startswith("defusedxml"):
            return True
        current, seen = current.__cause__ or current.__context__, seen + 1
    return False


# ------------------------------------------------------------------------------------------ loading


@dataclass
class _Grid:
    """The non-empty cells of one sheet's top rows: (row, col) -> value, plus number formats."""

    values: dict[tuple[int, int], object] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)

    def get(self, row: int, col: int) -> object:
        return self.values.get((row, col))

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "General")

    def row_has_content(self, row: int, cols: Iterable[int]) -> bool:
        return any(not _is_blank(self.values.get((row, c))) for c in cols)


@dataclass
class _Book:
    sheet_names: tuple[str, ...]
    grids: dict[str, _Grid]


def _openpyxl():
    """openpyxl, imported on first use (`yc-reports --help` must not pay for it).

    openpyxl imports numpy when it can, only to accept numpy scalars as cell values; that doubles the
    start-up time of `yc-reports check`. Nothing here writes numpy values, so numpy is hidden from
    openpyxl's first import (and only then: later imports of numpy work as usual)."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        import openpyxl

        return openpyxl
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail inside openpyxl
    try:
        import openpyxl
    finally:
        del sys.modules["numpy"]
    return openpyxl


def _load(data: bytes) -> _Book:
    """Load the sheets we read (values as cached by Excel/WPS), marking formulas that have no cached value."""
    openpyxl = _openpyxl()

    max_rows = L.HEADER_SEARCH_ROWS + L.MAX_DATA_ROWS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant to reading
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            names = tuple(wb.sheetnames)
            grids = {name: _read_grid(wb[name], max_rows) for name in (*DATA_SHEETS, L.SHEET_META) if name in names}
        finally:
            wb.close()
        if _has_formulas(data):
            _mark_uncached_formulas(data, grids, max_rows)
    return _Book(sheet_names=names, grids=grids)


def _read_grid(ws, max_rows: int, max_cols: int = 20) -> _Grid:
    grid = _Grid()
    for row in ws.iter_rows(min_row=1, max_row=max_rows, min_col=1, max_col=max_cols):
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            key = (cell.row, cell.column)
            grid.values[key] = value
            grid.formats[key] = getattr(cell, "number_format", "General") or "General"
    return grid


def _has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                if _FORMULA_ELEMENT.search(archive.read(info)):
                    return True
    return False


def _mark_uncached_formulas(data: bytes, grids: dict[str, _Grid], max_rows: int) -> None:
    """A formula cell that reads as empty with cached values was never calculated: mark it."""
    openpyxl = _openpyxl()

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for name, grid in grids.items():
            for row in wb[name].iter_rows(min_row=1, max_row=max_rows, min_col=1, max_col=20):
                for cell in row:
                    formula = getattr(cell, "value", None)
                    text = getattr(formula, "text", formula)  # ArrayFormula keeps its text in .text
                    if isinstance(text, str) and text.startswith("=") and (cell.row, cell.column) not in grid.values:
                        grid.values[(cell.row, cell.column)] = _Uncached(text)
    finally:
        wb.close()


@dataclass(frozen=True)
class _Uncached:
    formula: str


# ------------------------------------------------------------------------------------------ reading


class _WorkbookReader:
    def __init__(self, book: _Book, registry: Registry, display: str, sha256: str) -> None:
        self.book = book
        self.registry = registry
        self.file = display
        self.sha256 = sha256
        self.issues: list[Issue] = []

    # -- issues

    def add(self, code: IssueCode, sheet: str = "", cell: str = "", severity: Severity | None = None,
            **params: object) -> None:
        self.issues.append(make_issue(code, self.file, sheet, cell, severity=severity, **params))

    # -- the workbook

    def read(self) -> Submission | None:
        identity = self._identity()
        if identity is None:
            return None
        plan_id, action, quarter, version = identity
        for name in DATA_SHEETS:
            if name not in self.book.sheet_names:
                self.add(IssueCode.SHEET_MISSING, name)
        info = self._info(action, quarter) if L.SHEET_INFO in self.book.grids else BasicInfo()
        indicators = self._indicators(action, quarter) if L.SHEET_INDICATORS in self.book.grids else ()
        tasks = self._tasks(action) if L.SHEET_TASKS in self.book.grids else ()
        projects = self._projects() if L.SHEET_PROJECTS in self.book.grids else ()
        return Submission(file=self.file, sha256=self.sha256, plan_id=plan_id, action_id=action.id,
                          quarter=quarter, template_version=version, info=info, indicators=indicators,
                          tasks=tasks, projects=projects)

    def _identity(self) -> tuple[str, Action, Quarter, int] | None:
        grid = self.book.grids.get(L.SHEET_META)
        if grid is None:
            self.add(IssueCode.FILE_NOT_TEMPLATE)
            return None
        meta = {_text(grid.get(r, 1)): grid.get(r, 2) for r in range(1, 40) if grid.get(r, 1) is not None}
        plan_id = _text(meta.get(L.META_PLAN_ID))
        version = _as_int(meta.get(L.META_TEMPLATE_VERSION))
        action_id = _as_int(meta.get(L.META_ACTION_ID))
        try:
            quarter = Quarter.parse(_text(meta.get(L.META_QUARTER)))
        except QuarterError:
            quarter = None
        if not plan_id or version is None or action_id is None or quarter is None:
            self.add(IssueCode.FILE_NOT_TEMPLATE)
            return None
        if plan_id != self.registry.plan.id:
            self.add(IssueCode.TEMPLATE_OTHER_PLAN, found=plan_id, expected=self.registry.plan.id)
            return None
        expected = L.effective_template_version(self.registry.plan.template_version)
        if version < expected:
            self.add(IssueCode.TEMPLATE_OUTDATED, found=version, expected=expected)
            return None
        if version > expected:
            self.add(IssueCode.TEMPLATE_TOO_NEW, found=version, expected=expected)
            return None
        try:
            action = self.registry.action(action_id)
        except KeyError:
            self.add(IssueCode.TEMPLATE_UNKNOWN_ACTION, found=action_id)
            return None
        return plan_id, action, quarter, version

    # -- cell helpers

    def text(self, sheet: str, grid: _Grid, row: int, col: int) -> str:
        """A text cell, cut to MAX_TEXT_LENGTH with a warning."""
        raw = grid.get(row, col)
        if isinstance(raw, _Uncached):
            self.add(IssueCode.FORMULA_NO_CACHE, sheet, _ref(row, col), value=raw.formula)
            return ""
        text = _text(raw)
        if len(text) > L.MAX_TEXT_LENGTH:
            self.add(IssueCode.TEXT_TOO_LONG, sheet, _ref(row, col), found=len(text), expected=L.MAX_TEXT_LENGTH)
            text = text[: L.MAX_TEXT_LENGTH]
        return text

    def number(self, sheet: str, grid: _Grid, row: int, col: int, unit: str, what: str,
               percent: bool = False, blank_severity: Severity | None = Severity.ERROR) -> Decimal | None:
        """A figure that may not be negative; a blank is reported with `blank_severity` (None: allowed)."""
        raw = grid.get(row, col)
        cell = _ref(row, col)
        if isinstance(raw, _Uncached):
            self.add(IssueCode.FORMULA_NO_CACHE, sheet, cell, value=raw.formula)
            return None
        reading = read_number(raw, unit)
        if reading.problem is not None:
            self.add(reading.problem, sheet, cell, value=reading.text, unit=unit)
            return None
        if reading.value is None:
            if blank_severity is not None:
                self.add(IssueCode.VALUE_REQUIRED, sheet, cell, severity=blank_severity, detail=what)
            return None
        value = reading.value
        if percent and isinstance(raw, (int, float)) and "%" in grid.number_format(row, col):
            value = value * 100  # typed as 85% in Excel: stored 0.85, shown 85%
        if value < 0:
            self.add(IssueCode.NUMBER_NEGATIVE, sheet, cell, value=reading.text)
            return None
        return value

    def date(self, sheet: str, grid: _Grid, row: int, col: int) -> tuple[dt.date | None, bool]:
        """(date, ok): blank is (None, True); a bad date is reported and gives (None, False)."""
        raw = grid.get(row, col)
        if isinstance(raw, _Uncached):
            self.add(IssueCode.FORMULA_NO_CACHE, sheet, _ref(row, col), value=raw.formula)
            return None, False
        value, ok = read_date(raw)
        if not ok:
            self.add(IssueCode.DATE_INVALID, sheet, _ref(row, col), value=_text(raw))
        return value, ok

    def locked(self, sheet: str, row: int, col: int, what: str, found: str, expected: str) -> None:
        if _squash(found) != _squash(expected):
            self.add(IssueCode.LOCKED_CELL_CHANGED, sheet, _ref(row, col), detail=what,
                     value=found, expected=expected or "（空白）")

    def table(self, sheet: str, columns: tuple[L.Column, ...]
              ) -> tuple[_Grid, int, dict[L.Column, int], list[int]] | None:
        """A data sheet's grid, header row, column positions and the rows with content (the 序号 column,
        always first, does not count as content); None (with issues) when a required header is missing."""
        found = self.header(sheet, columns)
        if found is None:
            return None
        header_row, col = found
        content_cols = [c for column, c in col.items() if column is not columns[0]]
        grid = self.book.grids[sheet]
        return grid, header_row, col, _content_rows(grid, header_row, content_cols)

    def header(self, sheet: str, columns: tuple[L.Column, ...]) -> tuple[int, dict[L.Column, int]] | None:
        """The header row and each column's position; None (with issues) when a required header is missing."""
        grid = self.book.grids[sheet]
        wanted = {_squash(c.header): c for c in columns}
        best_row, best = 0, {}
        for row in range(1, L.HEADER_SEARCH_ROWS + 1):
            found = {}
            for col in range(1, 21):
                column = wanted.get(_squash(_text(grid.get(row, col))))
                if column is not None and column not in found:
                    found[column] = col
            if len(found) > len(best):
                best_row, best = row, found
        missing = [c for c in columns if c.required and c not in best]
        for column in missing:
            self.add(IssueCode.HEADER_MISSING, sheet, detail=column.header)
        return None if missing else (best_row, best)

    # -- 基本信息

    def _info(self, action: Action, quarter: Quarter) -> BasicInfo:
        sheet, grid = L.SHEET_INFO, self.book.grids[L.SHEET_INFO]
        rows: dict[str, int] = {}
        for row in range(1, L.INFO_SEARCH_ROWS + 1):
            label = _squash(_text(grid.get(row, 1)))
            if label in L.INFO_FIELDS and label not in rows:
                rows[label] = row
        for label in L.INFO_FIELDS:
            if label not in rows:
                self.add(IssueCode.HEADER_MISSING, sheet, detail=label)
        expected = {L.INFO_ACTION_ID: str(action.id), L.INFO_ACTION_NAME: action.name,
                    L.INFO_LEAD_UNITS: action.lead_units_text, L.INFO_QUARTER: quarter.label}
        for label, value in expected.items():
            if label in rows:
                found = _text(grid.get(rows[label], 2))
                if label == L.INFO_QUARTER and _squash(found) == str(quarter):
                    continue
                self.locked(sheet, rows[label], 2, label, found, value)
        texts = {}
        for label in (L.INFO_FILLER, L.INFO_PHONE, L.INFO_REVIEWER, L.INFO_SUMMARY, L.INFO_NEXT):
            texts[label] = self.text(sheet, grid, rows[label], 2) if label in rows else ""
        fill_date, date_ok = None, True
        if L.INFO_DATE in rows:
            fill_date, date_ok = self.date(sheet, grid, rows[L.INFO_DATE], 2)
        for label in L.INFO_REQUIRED:
            if label not in rows:
                continue
            blank = (date_ok and fill_date is None) if label == L.INFO_DATE else not texts[label]
            if blank:
                self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(rows[label], 2), detail=label)
        return BasicInfo(filler=texts[L.INFO_FILLER], phone=texts[L.INFO_PHONE], reviewer=texts[L.INFO_REVIEWER],
                         fill_date=fill_date, summary=texts[L.INFO_SUMMARY], next_steps=texts[L.INFO_NEXT])

    # -- 指标进展

    def _indicators(self, action: Action, quarter: Quarter) -> tuple[IndicatorEntry, ...]:
        sheet = L.SHEET_INDICATORS
        table = self.table(sheet, L.INDICATOR_COLUMNS)
        if table is None:
            return ()
        grid, header_row, col, rows = table
        assigned, leftover = self._match_rows(sheet, grid, rows, header_row, col[L.IND_NAME], action.indicators,
                                              lambda i: i.name, "指标名称")
        for row in leftover:
            name = _text(grid.get(row, col[L.IND_NAME]))
            self.add(IssueCode.ROW_UNKNOWN, sheet, _ref(row, col[L.IND_NAME]), detail=name or f"第{row}行")
        entries = []
        for indicator in action.indicators:
            row = assigned.get(indicator.key)
            if row is None:
                self.add(IssueCode.ROW_MISSING, sheet, detail=indicator.name)
                continue
            entries.append(self._indicator_row(sheet, grid, row, col, indicator, quarter))
        return tuple(entries)

    def _indicator_row(self, sheet: str, grid: _Grid, row: int, col: dict[L.Column, int],
                       indicator: Indicator, quarter: Quarter) -> IndicatorEntry:
        year = indicator.target_year_for(quarter)
        target = indicator.target_value(year)
        checks = (
            (L.IND_UNIT, _text(grid.get(row, col[L.IND_UNIT])), indicator.unit),
            (L.IND_TARGET, _number_text(grid.get(row, col[L.IND_TARGET]), indicator.unit),
             format_decimal(target) if target is not None else ""),
            (L.IND_TARGET_YEAR, _number_text(grid.get(row, col[L.IND_TARGET_YEAR]), ""), str(year)),
        )
        for column, found, expected in checks:
            self.locked(sheet, row, col[column], f"{indicator.name}（{column.header}）", found, expected)
        note = self.text(sheet, grid, row, col[L.IND_NOTE])
        what = f"{indicator.name}（{L.IND_VALUE.header}）"
        value = self.number(sheet, grid, row, col[L.IND_VALUE], indicator.unit, what, percent=indicator.is_percent,
                            blank_severity=Severity.WARNING if note else Severity.ERROR)
        if value is not None and _percent_bounded(indicator, target) and value > 100:
            self.add(IssueCode.PERCENT_OUT_OF_RANGE, sheet, _ref(row, col[L.IND_VALUE]), value=f"{format_decimal(value)}%")
        return IndicatorEntry(key=indicator.key, value=value, note=note, cell=_ref(row, col[L.IND_VALUE]))

    def _match_rows(self, sheet, grid: _Grid, rows: list[int], header_row: int, name_col: int, items,
                    name_of, what: str) -> tuple[dict[str, int], list[int]]:
        """Registry items -> rows: by their locked text first, then by position (text changed: a warning)."""
        by_name = {_squash(name_of(item)): item for item in items}
        assigned: dict[str, int] = {}
        unmatched = []
        for row in rows:
            item = by_name.get(_squash(_text(grid.get(row, name_col))))
            if item is not None and item.key not in assigned:
                assigned[item.key] = row
            else:
                unmatched.append(row)
        leftover = []
        for row in unmatched:
            position = row - header_row - 1
            if 0 <= position < len(items) and items[position].key not in assigned:
                item = items[position]
                assigned[item.key] = row
                self.locked(sheet, row, name_col, what, _text(grid.get(row, name_col)), name_of(item))
            else:
                leftover.append(row)
        return assigned, leftover

    # -- 重点任务

    def _tasks(self, action: Action) -> tuple[TaskEntry, ...]:
        sheet = L.SHEET_TASKS
        table = self.table(sheet, L.TASK_COLUMNS)
        if table is None:
            return ()
        grid, header_row, col, rows = table
        assigned, extra_rows = self._match_rows(sheet, grid, rows, header_row, col[L.TASK_CONTENT], action.tasks,
                                                lambda t: t.content, "任务内容")
        entries = []
        for task in action.tasks:
            row = assigned.get(task.key)
            if row is None:
                self.add(IssueCode.ROW_MISSING, sheet, detail=task.content)
                continue
            deadline_raw = grid.get(row, col[L.TASK_DEADLINE])
            deadline, ok = read_date(deadline_raw)
            self.locked(sheet, row, col[L.TASK_DEADLINE], f"{_short(task.content)}（{L.TASK_DEADLINE.header}）",
                        deadline.isoformat() if ok and deadline else _text(deadline_raw), task.deadline.isoformat())
            entries.append(self._task_inputs(sheet, grid, row, col, task.key, task.content, task.deadline))
        for row in sorted(extra_rows):
            content = self.text(sheet, grid, row, col[L.TASK_CONTENT])
            if not content:
                self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(row, col[L.TASK_CONTENT]), detail=L.TASK_CONTENT.header)
            deadline, _ = self.date(sheet, grid, row, col[L.TASK_DEADLINE])
            entries.append(self._task_inputs(sheet, grid, row, col, "", content, deadline))
        return tuple(entries)

    def _task_inputs(self, sheet: str, grid: _Grid, row: int, col: dict[L.Column, int], key: str, content: str,
                     deadline: dt.date | None) -> TaskEntry:
        status_text = self.text(sheet, grid, row, col[L.TASK_STATUS])
        what = f"{_short(content) or f'第{row}行任务'}（{L.TASK_STATUS.header}）"
        status = self.choice(sheet, row, col[L.TASK_STATUS], status_text, TaskStatus, L.TASK_STATUSES, what)
        return TaskEntry(row=row, key=key, content=content, deadline=deadline, status=status,
                         progress=self.text(sheet, grid, row, col[L.TASK_PROGRESS]),
                         problems=self.text(sheet, grid, row, col[L.TASK_PROBLEMS]))

    def choice(self, sheet: str, row: int, col: int, text: str, enum, choices: tuple[str, ...], what: str):
        if not text:
            self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(row, col), detail=what)
            return None
        if _squash(text) not in choices:
            self.add(IssueCode.CHOICE_INVALID, sheet, _ref(row, col), value=text, expected="、".join(choices))
            return None
        return enum(_squash(text))

    # -- 重大项目

    def _projects(self) -> tuple[ProjectEntry, ...]:
        sheet = L.SHEET_PROJECTS
        table = self.table(sheet, L.PROJECT_COLUMNS)
        if table is None:
            return ()
        grid, _, col, rows = table
        entries = []
        for row in rows:
            name = self.text(sheet, grid, row, col[L.PRJ_NAME])
            if not name:
                self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(row, col[L.PRJ_NAME]), detail=L.PRJ_NAME.header)
            label = name or f"第{row}行项目"
            figures = {}
            for column in (L.PRJ_TOTAL, L.PRJ_ANNUAL_PLAN, L.PRJ_YTD):
                figures[column] = self.number(sheet, grid, row, col[column], PROJECT_UNIT,
                                              f"{_short(label)}（{column.header}）")
            status_text = self.text(sheet, grid, row, col[L.PRJ_STATUS])
            status = self.choice(sheet, row, col[L.PRJ_STATUS], status_text, ProjectStatus, L.PROJECT_STATUSES,
                                 f"{_short(label)}（{L.PRJ_STATUS.header}）")
            planned_start = None
            if L.PRJ_PLANNED_START in col:
                planned_start, _ = self.date(sheet, grid, row, col[L.PRJ_PLANNED_START])
            total, ytd = figures[L.PRJ_TOTAL], figures[L.PRJ_YTD]
            if total is not None and ytd is not None and ytd > total:
                self.add(IssueCode.INVESTMENT_EXCEEDS_TOTAL, sheet, _ref(row, col[L.PRJ_YTD]), detail=label,
                         value=format_decimal(ytd), expected=format_decimal(total))
            entries.append(ProjectEntry(
                row=row, name=name, total_investment=total, annual_plan=figures[L.PRJ_ANNUAL_PLAN],
                ytd_completed=ytd, status=status, planned_start=planned_start,
                image_progress=self.text(sheet, grid, row, col[L.PRJ_IMAGE]),
                problems=self.text(sheet, grid, row, col[L.PRJ_PROBLEMS])))
        return tuple(entries)


# ------------------------------------------------------------------------------------------ small readers


def _percent_bounded(indicator: Indicator, target: Decimal | None) -> bool:
    """Rates that cannot exceed 100% (覆盖率, 保证率, 达标率): a percent row named …率, not a growth rate,
    whose target (when set) is at most 100."""
    if not indicator.is_percent or "率" not in indicator.name:
        return False
    if "增速" in indicator.name or "增长" in indicator.name:
        return False
    return target is None or target <= 100


def _content_rows(grid: _Grid, header_row: int, cols: list[int]) -> list[int]:
    last = header_row + L.MAX_DATA_ROWS
    return [row for row in range(header_row + 1, last + 1) if grid.row_has_content(row, cols)]


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
_SERIAL_RANGE = (36526, 73050)  # Excel day numbers of 2000-01-01 .. 2099-12-31
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def read_date(raw: object) -> tuple[dt.date | None, bool]:
    """(date, ok) from a date cell, text like 2025-10-08 / 2025/10/8 / 2025年10月8日, or an Excel day number."""
    if _is_blank(raw):
        return None, True
    if isinstance(raw, dt.datetime):
        return raw.date(), True
    if isinstance(raw, dt.date):
        return raw, True
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if _SERIAL_RANGE[0] <= raw <= _SERIAL_RANGE[1] and float(raw).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw)), True
        return None, False
    if isinstance(raw, str):
        text = "".join(unicodedata.normalize("NFKC", raw).split())
        for fmt in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date(), True
            except ValueError:
                continue
    return None, False


def _text(raw: object) -> str:
    if raw is None or isinstance(raw, _Uncached):
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    if isinstance(raw, (int, float, Decimal)):
        reading = read_number(raw, "")
        return reading.text
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _number_text(raw: object, unit: str) -> str:
    """A locked figure as comparable text: 12, 12.0 and "12" all read "12"."""
    reading = read_number(raw, unit)
    return format_decimal(reading.value) if reading.value is not None else _text(raw)


def _as_int(raw: object) -> int | None:
    reading = read_number(raw, "")
    if reading.value is None or reading.value != reading.value.to_integral_value():
        return None
    return int(reading.value)


def _squash(text: str) -> str:
    """Compare texts the way a reader would: full-width forms folded, whitespace ignored."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _short(text: str, length: int = 16) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _ref(row: int, col: int) -> str:
    return f"{_column_letter(col)}{row}"


def _column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (without importing openpyxl.utils at module import)."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
