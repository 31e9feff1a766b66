"""One filled workbook -> typed records and issues. Never raises for a bad file.

The file is vetted by `safe_open` before openpyxl sees it. Sheets are found by name, header rows by
their text, rows by what they hold (indicator names, task contents), so a workbook re-saved by WPS,
Excel or LibreOffice still reads. Locked cells that were changed anyway are noticed and the
registry's value is used. Every problem is an `Issue` pointing at its sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Protocol, TypeVar

from yc_reports.intake import xlsx_parts
from yc_reports.intake.numbers import format_decimal, read_number
from yc_reports.intake.records import (
    BasicInfo,
    IndicatorEntry,
    ParseResult,
    ProjectEntry,
    ProjectStatus,
    RectificationEntry,
    RectificationState,
    Submission,
    TaskEntry,
    TaskStatus,
)
from yc_reports.intake.safe_open import Inspection, inspect_bytes, inspect_file
from yc_reports.intake.text import clean_text, one_paragraph, visible
from yc_reports.intake.text import squash as _squash
from yc_reports.intake.xlsx_scan import SheetScan, ref_text, scan_sheet
from yc_reports.issues import Issue, IssueCode, Severity, make_issue
from yc_reports.plan.quarter import Quarter, QuarterError
from yc_reports.plan.registry import Action, Indicator, Registry
from yc_reports.workbook import layout as L

DATA_SHEETS = (L.SHEET_INFO, L.SHEET_INDICATORS, L.SHEET_TASKS, L.SHEET_PROJECTS)
PROJECT_UNIT = "万元"


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
    except xlsx_parts.ForbiddenXml:
        return ParseResult(display, None, (make_issue(IssueCode.FILE_UNREADABLE, display,
                                                      detail="文件内含不允许的 XML 实体声明"),))
    except Exception as exc:  # a damaged package: zip, XML or calamine errors of any kind
        return ParseResult(display, None, (make_issue(IssueCode.FILE_UNREADABLE, display,
                                                      detail=damage_text(exc)),))
    reader = _WorkbookReader(book, registry, display, inspection.sha256)
    try:
        submission = reader.read()
    except Exception as exc:  # a damaged sheet must not stop the other workbooks
        issue = make_issue(IssueCode.FILE_UNREADABLE, display, detail=damage_text(exc))
        return ParseResult(display, None, (*reader.issues, issue))
    return ParseResult(display, submission, tuple(reader.issues))


def damage_text(exc: BaseException) -> str:
    """What a clerk is told about a damaged workbook: in words, never the exception's name."""
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "文件压缩结构不完整"
    if isinstance(exc, UnicodeError):
        return "文件内的文字编码有误"
    if isinstance(exc, KeyError):
        return "文件缺少必要的组成部分"
    return "文件内部结构有误"


# ------------------------------------------------------------------------------------------ loading

# The template's area of each sheet read: its columns (A..); rows up to xlsx_scan.MAX_AREA_ROWS.
AREA_WIDTH = {
    L.SHEET_INFO: 3,                                   # label, value, hint
    L.SHEET_INDICATORS: len(L.INDICATOR_COLUMNS),
    L.SHEET_TASKS: len(L.TASK_COLUMNS),
    L.SHEET_PROJECTS: len(L.PROJECT_COLUMNS),
    L.SHEET_RECTIFICATION: len(L.RECTIFICATION_COLUMNS),
    L.SHEET_META: 2,                                   # key, value
}
READ_SHEETS = tuple(AREA_WIDTH)


class _HasKey(Protocol):
    @property
    def key(self) -> str: ...


_Keyed = TypeVar("_Keyed", bound=_HasKey)       # a plan item matched to a row: an indicator or a task
_Choice = TypeVar("_Choice", bound=Enum)        # the value of a drop-down cell


@dataclass
class _Grid:
    """The non-empty cells of one sheet's area: (row, col) -> value, plus the cells' styles."""

    values: dict[tuple[int, int], object] = field(default_factory=dict)
    styles: dict[tuple[int, int], int] = field(default_factory=dict)
    percent_styles: frozenset[int] = frozenset()

    def get(self, row: int, col: int) -> object:
        return self.values.get((row, col))

    def is_percent_format(self, row: int, col: int) -> bool:
        return self.styles.get((row, col), 0) in self.percent_styles

    def row_has_content(self, row: int, cols: Iterable[int]) -> bool:
        return any(not _is_blank(self.values.get((row, c))) for c in cols)

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.values), default=0)


@dataclass
class _Book:
    """What the reader took from a workbook: its sheets' names and the template's areas of them."""

    sheet_names: tuple[str, ...]
    grids: dict[str, _Grid]
    outside: tuple[tuple[str, str, int], ...] = ()     # (sheet, first cell, count) of cells outside the area


def _load(data: bytes) -> _Book:
    """The sheets we read, their area only: values as cached by Excel/WPS (calamine), formulas without a
    cached value and error values marked (xlsx_scan), cells outside the area counted and left out."""
    import python_calamine

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = xlsx_parts.sheet_parts(archive)
        xlsx_parts.refuse_dtd(archive, [parts[n] for n in READ_SHEETS if n in parts])
        scans = {name: scan_sheet(archive.read(parts[name]), AREA_WIDTH[name]) for name in READ_SHEETS
                 if name in parts}
        percent = xlsx_parts.percent_styles(archive)
        trimmed = {parts[name]: scan.trimmed for name, scan in scans.items() if scan.trimmed is not None}
        if trimmed:
            data = xlsx_parts.replaced(archive, trimmed)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        grids = {name: _grid(book.get_sheet_by_name(name).to_python(skip_empty_area=False), scans[name],
                             AREA_WIDTH[name], percent) for name in scans}
    finally:
        book.close()
    outside = tuple((name, scans[name].first_outside, scans[name].outside) for name in scans if scans[name].outside)
    return _Book(sheet_names=tuple(parts), grids=grids, outside=outside)


def _grid(rows: Sequence[Sequence[object]], scan: SheetScan, width: int, percent: frozenset[int]) -> _Grid:
    grid = _Grid(styles=scan.styles, percent_styles=percent)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row[:width], start=1):
            if value == "" or value is None:
                continue
            if type(value) is float and value.is_integer() and abs(value) < 2 ** 53:
                value = int(value)   # Excel stores every number as a double: 12 is 12, not 12.0
            grid.values[(r, c)] = value
    for key, text in scan.errors.items():
        grid.values[key] = text          # calamine reads a cached #DIV/0! as empty: it is a value
    for key, formula in scan.uncached.items():
        if key not in grid.values:
            grid.values[key] = _Uncached(formula)
    return grid


@dataclass(frozen=True)
class _Uncached:
    """A formula without a cached value (the file was saved by a program that does not compute)."""

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
        rectifications = self._rectifications() if L.SHEET_RECTIFICATION in self.book.grids else ()
        self._outside_warning()
        return Submission(file=self.file, sha256=self.sha256, plan_id=plan_id, action_id=action.id,
                          quarter=quarter, template_version=version, info=info, indicators=indicators,
                          tasks=tasks, projects=projects, rectifications=rectifications,
                          rectification_sheet=L.SHEET_RECTIFICATION in self.book.sheet_names)

    def _outside_warning(self) -> None:
        """One warning for everything outside the template's area (left out of the reading)."""
        if not self.book.outside:
            return
        sheet, first, _ = self.book.outside[0]
        detail = "；".join(f"“{name}”{cell}起{count}个单元格" for name, cell, count in self.book.outside)
        self.add(IssueCode.CELLS_OUTSIDE_TEMPLATE, sheet, first, detail=detail)

    def _identity(self) -> tuple[str, Action, Quarter, int] | None:
        grid = self.book.grids.get(L.SHEET_META)
        if grid is None:
            self.add(IssueCode.FILE_NOT_TEMPLATE)
            return None
        meta: dict[str, object] = {}
        for r in range(1, grid.last_row + 1):
            if grid.get(r, 1) is not None:
                meta.setdefault(_text(grid.get(r, 1)), grid.get(r, 2))
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

    def prose(self, sheet: str, grid: _Grid, row: int, col: int) -> str:
        """A unit's free text (情况说明, 进展情况, 存在问题, 形象进度, 综述, 下一步, 整改措施 …) as it is published:
        its lines joined into one paragraph, and "" for a clerk's placeholder ("无", "/", "暂无" …, the plan's
        [texts] list), which says there is nothing to report."""
        text = one_paragraph(self.text(sheet, grid, row, col))
        return "" if self.registry.is_placeholder(text) else text

    def number(self, sheet: str, grid: _Grid, row: int, col: int, unit: str, what: str,
               percent: bool = False, blank_severity: Severity | None = Severity.ERROR,
               signed: bool = False) -> Decimal | None:
        """A figure, negative only when `signed` (a rate of change); a blank is reported with
        `blank_severity` (None: allowed). Text is read cleaned; a message shows the cell as it is."""
        raw = grid.get(row, col)
        cell = _ref(row, col)
        if isinstance(raw, _Uncached):
            self.add(IssueCode.FORMULA_NO_CACHE, sheet, cell, value=raw.formula)
            return None
        reading = read_number(_clean(raw), unit)
        if reading.problem is not None:
            self.add(reading.problem, sheet, cell, value=_shown(raw) if isinstance(raw, str) else reading.text,
                     unit=unit)
            return None
        if reading.value is None:
            if blank_severity is not None:
                self.add(IssueCode.VALUE_REQUIRED, sheet, cell, severity=blank_severity, detail=what)
            return None
        value = reading.value
        if percent and isinstance(raw, (int, float)) and grid.is_percent_format(row, col):
            value = value * 100  # typed as 85% in Excel: stored 0.85, shown 85%
        if value < 0 and not signed:
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
            self.add(IssueCode.DATE_INVALID, sheet, _ref(row, col), value=_shown(raw))
        return value, ok

    def locked(self, sheet: str, row: int, col: int, what: str, found: str, expected: str) -> None:
        # Worded without saying who changed it: the unit, or the office when the plan was edited after the
        # template went out (a target set or changed) — the workbook cannot tell which.
        if _squash(found) != _squash(expected):
            self.add(IssueCode.LOCKED_CELL_CHANGED, sheet, _ref(row, col), detail=what,
                     value=found or "（空白）", expected=expected or "（空白）")

    def table(self, sheet: str, columns: tuple[L.Column, ...]
              ) -> tuple[_Grid, int, dict[L.Column, int], list[int]] | None:
        """A data sheet's grid, header row, column positions and the rows with content (the 序号 column,
        always first, does not count as content); None (with issues) when a required header is missing."""
        found = self.header(sheet, columns)
        if found is None:
            return None
        header_row, col = found
        content_cols = [c for column, c in col.items() if column is not columns[0] and not column.reference]
        grid = self.book.grids[sheet]
        return grid, header_row, col, _content_rows(grid, header_row, content_cols)

    def header(self, sheet: str, columns: tuple[L.Column, ...]) -> tuple[int, dict[L.Column, int]] | None:
        """The header row and each column's position; None (with issues) when a required header is missing."""
        grid = self.book.grids[sheet]
        wanted = {_squash(c.header): c for c in columns}
        best_row = 0
        best: dict[L.Column, int] = {}
        for row in range(1, L.HEADER_SEARCH_ROWS + 1):
            found: dict[L.Column, int] = {}
            for col in range(1, AREA_WIDTH[sheet] + 1):
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
        for label in (L.INFO_FILLER, L.INFO_PHONE, L.INFO_REVIEWER):
            texts[label] = self.text(sheet, grid, rows[label], 2) if label in rows else ""
        for label in (L.INFO_SUMMARY, L.INFO_NEXT):
            texts[label] = self.prose(sheet, grid, rows[label], 2) if label in rows else ""
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
            at = assigned.get(indicator.key)
            if at is None:
                self.add(IssueCode.ROW_MISSING, sheet, detail=indicator.name)
                continue
            entries.append(self._indicator_row(sheet, grid, at, col, indicator, quarter))
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
        note = self.prose(sheet, grid, row, col[L.IND_NOTE])
        what = f"{indicator.name}（{L.IND_VALUE.header}）"
        value = self.number(sheet, grid, row, col[L.IND_VALUE], indicator.unit, what, percent=indicator.is_percent,
                            blank_severity=Severity.WARNING if note else Severity.ERROR, signed=indicator.signed)
        if value is not None and _percent_bounded(indicator, target) and value > 100:
            self.add(IssueCode.PERCENT_OUT_OF_RANGE, sheet, _ref(row, col[L.IND_VALUE]), value=f"{format_decimal(value)}%")
        return IndicatorEntry(key=indicator.key, value=value, note=note, cell=_ref(row, col[L.IND_VALUE]))

    def _match_rows(self, sheet: str, grid: _Grid, rows: list[int], header_row: int, name_col: int,
                    items: Sequence[_Keyed], name_of: Callable[[_Keyed], str],
                    what: str) -> tuple[dict[str, int], list[int]]:
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
                         progress=self.prose(sheet, grid, row, col[L.TASK_PROGRESS]),
                         problems=self.prose(sheet, grid, row, col[L.TASK_PROBLEMS]))

    def choice(self, sheet: str, row: int, col: int, text: str, enum: type[_Choice], choices: tuple[str, ...],
               what: str) -> _Choice | None:
        if not text:
            self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(row, col), detail=what)
            return None
        if _squash(text) not in choices:
            raw = self.book.grids[sheet].get(row, col)
            self.add(IssueCode.CHOICE_INVALID, sheet, _ref(row, col), value=_shown(raw) if isinstance(raw, str) else text,
                     expected="、".join(choices))
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
                image_progress=self.prose(sheet, grid, row, col[L.PRJ_IMAGE]),
                problems=self.prose(sheet, grid, row, col[L.PRJ_PROBLEMS])))
        return tuple(entries)


    # -- 整改落实 (optional: only in templates that carry open 督办 items)

    def _rectifications(self) -> tuple[RectificationEntry, ...]:
        sheet = L.SHEET_RECTIFICATION
        found = self.header(sheet, L.RECTIFICATION_COLUMNS)
        if found is None:
            return ()
        header_row, col = found
        grid = self.book.grids[sheet]
        rows = _content_rows(grid, header_row, [c for column, c in col.items() if not column.reference])
        entries = []
        for row in rows:
            item_id = self.text(sheet, grid, row, col[L.RECT_ID])
            text = self.text(sheet, grid, row, col[L.RECT_TEXT])
            deadline, _ = self.date(sheet, grid, row, col[L.RECT_DEADLINE])
            state_text = self.text(sheet, grid, row, col[L.RECT_STATE])
            label = f"{item_id or f'第{row}行督办事项'}（{L.RECT_STATE.header}）"
            state = None
            if not state_text:
                self.add(IssueCode.VALUE_REQUIRED, sheet, _ref(row, col[L.RECT_STATE]), severity=Severity.WARNING,
                         detail=label)
            else:
                state = self.choice(sheet, row, col[L.RECT_STATE], state_text, RectificationState,
                                    L.RECTIFICATION_STATES, label)
            entries.append(RectificationEntry(
                row=row, item_id=item_id, text=text, deadline=deadline,
                measures=self.prose(sheet, grid, row, col[L.RECT_MEASURES]),
                progress=self.prose(sheet, grid, row, col[L.RECT_PROGRESS]), state=state,
                id_cell=_ref(row, col[L.RECT_ID]), text_cell=_ref(row, col[L.RECT_TEXT]),
                deadline_cell=_ref(row, col[L.RECT_DEADLINE])))
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
    """Every row below the header with content, however many (the area's rows are bounded by the scan)."""
    return [row for row in range(header_row + 1, grid.last_row + 1) if grid.row_has_content(row, cols)]


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
_SERIAL_RANGE = (36526, 73050)  # Excel day numbers of 2000-01-01 .. 2099-12-31
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def read_date(raw: object) -> tuple[dt.date | None, bool]:
    """(date, ok) from a date cell, text like 2025-10-08 / 2025/10/8 / 2025年10月8日, or an Excel day number."""
    raw = _clean(raw)
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


def _clean(raw: object) -> object:
    """A string as the unit meant it (escapes, zero-width characters, BOMs: see intake/text.py)."""
    return clean_text(raw, escapes=False) if isinstance(raw, str) else raw


def _text(raw: object) -> str:
    if raw is None or isinstance(raw, _Uncached):
        return ""
    if isinstance(raw, str):
        return clean_text(raw, escapes=False).strip()
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
    reading = read_number(_clean(raw), unit)
    return format_decimal(reading.value) if reading.value is not None else _text(raw)


def _as_int(raw: object) -> int | None:
    reading = read_number(_clean(raw), "")
    if reading.value is None or reading.value != reading.value.to_integral_value():
        return None
    return int(reading.value)




def _short(text: str, length: int = 16) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not clean_text(raw, escapes=False).strip())


def _shown(raw: object) -> str:
    """A cell as it really is, for a message: invisible characters made visible."""
    return visible(raw.strip()) if isinstance(raw, str) else _text(raw)


def _ref(row: int, col: int) -> str:
    return ref_text(row, col)
