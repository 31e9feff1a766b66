"""汇总表.xlsx: the office's working copy of the quarter — lights, every indicator, the supervision list,
who reported, and every issue found.

Every word the office reads — sheet names, column headers, states, the page header and footer — comes from
the wording layer (`templates/labels.j2` through `Wording.label`; the office's `inputs/templates/` copy
overrides it). Every text cell goes through `xlsx_io.set_text`, so a unit's note that begins with =, +, - or
@ stays text; the file is saved with `xlsx_io.save_workbook`, so the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from yc_reports.analysis.model import IndicatorResult, Light, QuarterReport, Status
from yc_reports.numfmt import to_decimal
from yc_reports.plan.registry import Kind
from yc_reports.render.palette import PATTERN_INK, light_style
from yc_reports.render.wording import Wording, cached_wording
from yc_reports.textwidth import display_width
from yc_reports.workbook.xlsx_io import (
    BODY_FONT,
    BORDER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    save_workbook,
    set_text,
    wrapped_lines,
)

WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
PLAIN = Alignment(vertical="center")

PERCENT = "0.0%"
POINTS = "0.0"
DATE = "yyyy-mm-dd"
MAX_WIDTH = 40
MAX_WRAP_WIDTH = 50
MIN_WIDTH = 6

# Printed on paper: A3 landscape, and never scaled below what keeps 11-point type at 9 points or more;
# a sheet wider than that runs over several pages across, its first columns repeated on each.
PAPER_A3 = 8
MIN_PRINT_PT = 9
BODY_PT = 11
MIN_SCALE = math.ceil(MIN_PRINT_PT / BODY_PT * 100)   # 82 %
PRINTABLE_WIDTH_PT = (420 - 2 * 15) * 72 / 25.4       # A3 landscape less 15 mm margins
MARGIN_IN = 15 / 25.4


def light_fill(light: Light) -> PatternFill:
    """A light's print-safe fill (palette.py): pale colours apart in grey level, grey as a pattern."""
    style = light_style(light)
    if style.xlsx_pattern != "solid":
        return PatternFill(cast(Any, style.xlsx_pattern), fgColor=PATTERN_INK, bgColor=style.fill)   # a pattern name
    return PatternFill("solid", fgColor=style.fill)
STATUS_ORDER = (Status.AHEAD, Status.ON_TRACK, Status.WATCH, Status.LAGGING, Status.MET, Status.NOT_MET,
                Status.NO_DATA)


@dataclass(frozen=True)
class Col:
    header: str
    number_format: str | None = None
    wrap: bool = False
    center: bool = False


@dataclass(frozen=True)
class Sheet:
    """What every sheet of the workbook is written with: the words, and the page header's title."""

    wording: Wording
    title: str

    def col(self, key: str, number_format: str | None = None, *, wrap: bool = False, center: bool = False) -> Col:
        """A column whose header is labels.j2 `column(key)`."""
        return Col(self.wording.label("column", key=key), number_format, wrap, center)

    def label(self, name: str, **context: object) -> str:
        return self.wording.label(name, **context)


SHEETS = ("overview", "indicators", "supervision", "ledger", "submissions", "issues")   # in this order


def write_summary_workbook(report: QuarterReport, path: Path, wording: Wording | None = None) -> Path:
    """Write 汇总表.xlsx for the quarter to `path` and return it (labels from `wording`, default the shipped)."""
    wording = wording or Wording()
    sheet = Sheet(wording, wording.label("workbook_title", r=report))
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    writers = {"overview": _overview, "indicators": _indicators, "supervision": _supervision, "ledger": ledger_sheet,
               "submissions": _submissions, "issues": _issues}
    for key in SHEETS:
        writers[key](wb.create_sheet(sheet.label("sheet", key=key)), report, sheet)
    save_workbook(wb, Path(path))
    return Path(path)


# ------------------------------------------------------------------------------------ sheets


def _overview(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    w = sheet.wording
    cols = [sheet.col("seq", center=True), sheet.col("action"), sheet.col("lead_units"),
            sheet.col("submitted", center=True), sheet.col("light", center=True)]
    cols += [Col(sheet.label("status_count_column", status=s), center=True) for s in STATUS_ORDER]
    cols += [sheet.col("stage_results", center=True), sheet.col("tasks_behind", center=True),
             sheet.col("remarks", wrap=True)]
    rows = []
    for a in report.actions:
        # the status counts are of current indicators; stage results (阶段性目标) are counted apart
        counts = [sum(1 for r in a.current_indicators if r.status is s) for s in STATUS_ORDER]
        rows.append([a.action.id, a.action.name, a.action.lead_units_text, sheet.label("submitted_state", a=a),
                     w.light_label(a), *counts, len(a.stage_results), sum(1 for t in a.tasks if t.behind),
                     w.reasons(a)])
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))
    for i, a in enumerate(report.actions, start=2):
        cell = ws.cell(row=i, column=5)
        cell.fill = light_fill(a.light)
        cell.font = Font(name=BODY_FONT.name, size=BODY_PT, bold=True, color="000000")
        cell.alignment = CENTER


INDICATOR_COLUMNS = ("action_id", "action", "lead_units", "indicator", "unit", "target_year", "target", "target_note",
                     "actual", "completion", "time_progress", "gap", "previous", "qoq", "last_year", "yoy", "status",
                     "note")


def _indicators(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    c = sheet.col
    cols = [c("action_id", center=True), c("action"), c("lead_units"), c("indicator", wrap=True),
            c("unit", center=True), c("target_year", center=True), c("target"), c("target_note", wrap=True),
            c("actual"), c("completion", PERCENT), c("time_progress", PERCENT), c("gap", POINTS),
            c("previous"), c("qoq", PERCENT), c("last_year"), c("yoy", PERCENT),
            c("status", center=True), c("note", wrap=True)]
    keys = list(INDICATOR_COLUMNS)
    figure_cols = [keys.index(k) + 1 for k in ("target", "actual", "previous", "last_year")]
    unset = sheet.label("target_unset")
    rows = []
    indicators = []
    figures = []
    for a in report.actions:
        for r in a.indicators:
            rows.append([a.action.id, a.action.name, a.action.lead_units_text, r.name, r.unit, r.target_year,
                         _figure(r.target) if r.target is not None else unset, r.target_note,
                         _figure(r.actual), _ratio(r.completion), _ratio(r.time_progress),
                         _ratio(r.gap_points, 1), _figure(r.previous), _change(r, r.previous, r.qoq, qoq=True),
                         _figure(r.last_year), _change(r, r.last_year, r.yoy), sheet.wording.status_label(r), r.note])
            indicators.append(r)
            figures.append((r.decimals, (r.target, r.actual, r.previous, r.last_year)))
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))
    status_col = keys.index("status") + 1
    for i, r in enumerate(indicators, start=2):
        # a stage result (阶段性, its target year passed) is no current light: its cell stays unfilled
        if r.status is not Status.NO_DATA and r.current:
            ws.cell(row=i, column=status_col).fill = light_fill(r.status.light)
    for i, (decimals, values) in enumerate(figures, start=2):
        for column, value in zip(figure_cols, values, strict=True):
            if value is not None:
                ws.cell(row=i, column=column).number_format = figure_format(value, decimals)
    change_cols = [keys.index(k) + 1 for k in ("qoq", "yoy")]
    points_change = points_change_format(sheet.label("points_unit"))
    for i, r in enumerate((r for a in report.actions for r in a.indicators), start=2):
        if r.unit == "%":   # a rate changes by percentage points
            for column in change_cols:
                ws.cell(row=i, column=column).number_format = points_change
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(len(rows) + 1, 2)}"


def _supervision(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    c = sheet.col
    cols = [c("seq", center=True), c("action_id", center=True), c("action"), c("lead_units"), c("item", wrap=True),
            c("reason", wrap=True), c("unit_problem", wrap=True)]
    w = sheet.wording
    rows = [[n, s.action_id, s.action_name, s.lead_units, w.item(s.reason), w.detail(s.reason), s.unit_problem]
            for n, s in enumerate(report.supervision, start=1)]
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))


def ledger_sheet(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    """督办台账: every 督办 item up to this quarter with its state and the unit's last report."""
    c = sheet.col
    cols = [c("ledger_id", center=True), c("since", center=True), c("action_id", center=True), c("lead_units"),
            c("item", wrap=True), c("deadline", DATE), c("status", center=True), c("closed_in", center=True),
            c("listed_now", center=True), c("reported", center=True), c("measures", wrap=True),
            c("progress", wrap=True)]
    unreported = sheet.label("not_reported")
    rows = [[i.id, i.since.label, i.action_id, i.lead_units, sheet.wording.ledger_matter(i, report.plan.id), i.deadline, i.state.label,
             i.closed_in.label if i.closed_in else "", sheet.label("yes_no", flag=i.listed_now),
             i.reported.value if i.reported else unreported, i.measures, i.progress] for i in report.ledger]
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))


def _submissions(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    c = sheet.col
    cols = [c("seq", center=True), c("action"), c("lead_units"), c("submission", center=True),
            c("files", wrap=True), c("filler"), c("phone"), c("reviewer"), c("fill_date", DATE),
            c("errors", center=True), c("warnings", center=True)]
    rows = []
    for a in report.actions:
        info = a.info
        rows.append([a.action.id, a.action.name, a.action.lead_units_text, sheet.label("submitted_state", a=a),
                     "\n".join(a.files), info.filler if info else "", info.phone if info else "",
                     info.reviewer if info else "", info.fill_date if info else None,
                     a.error_count, a.warning_count])
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))


def _issues(ws: Worksheet, report: QuarterReport, sheet: Sheet) -> None:
    c = sheet.col
    cols = [c("seq", center=True), c("severity", center=True), c("file", wrap=True), c("location"),
            c("issue_kind"), c("message", wrap=True)]
    rows = [[n, i.severity.label, i.file, i.location, sheet.label("issue_kind", code=i.code.value), i.message]
            for n, i in enumerate(report.issues, start=1)]
    _table(ws, cols, rows, sheet.title, sheet.label("page_footer"))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(len(rows) + 1, 2)}"


# ------------------------------------------------------------------------------------ helpers


def points_change_format(unit: str) -> str:
    """The number format of a change in percentage points: +1.6个百分点, -4.5个百分点, 0个百分点."""
    return f'+0.0"{unit}";-0.0"{unit}";0"{unit}"'


def figure_format(value: Decimal, decimals: int) -> str:
    """The indicator's decimals, or more when the unit wrote more (a figure is never shown cut short)."""
    exponent = value.normalize().as_tuple().exponent
    written = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    places = max(decimals, written)
    return "0." + "0" * places if places else "0"


def _change(r: IndicatorResult, base: Decimal | None, ratio: Fraction | None, *, qoq: bool = False) -> float | None:
    """环比 / 同比: for a rate (%) the change in percentage points, else the change ratio; no 环比 for a
    year-to-date flow (its quarters add up: the ratio means nothing)."""
    if qoq and r.kind is Kind.FLOW:
        return None
    if r.unit == "%":
        if base is None or r.actual is None:
            return None
        return float(to_decimal(r.actual - base, max(r.decimals, 1)))
    return _ratio(ratio)


def _figure(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _ratio(value: Fraction | None, places: int = 4) -> float | None:
    if value is None:
        return None
    rounded = to_decimal(value, places)
    return 0.0 if rounded == 0 else float(rounded)


def table_sheet(ws: Worksheet, cols: Sequence[Col], rows: Sequence[Sequence[Any]], title: str,
                wording: Wording | None = None) -> None:
    """A sheet in 汇总表's style, for the other office workbooks (notices, 年度考核, 终期评估); the page
    footer from `wording` (default the shipped labels)."""
    _table(ws, cols, rows, title, (wording or cached_wording()).label("page_footer"))


def _table(ws: Worksheet, cols: Sequence[Col], rows: Sequence[Sequence[Any]], title: str, footer: str) -> None:
    """Header row 1 (bold, filled, frozen), data below; widths fitted; printed A4 landscape."""
    for c, col in enumerate(cols, start=1):
        cell = _cell(ws, 1, c)
        set_text(cell, col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = CENTER
    for r, row in enumerate(rows, start=2):
        for c, (col, value) in enumerate(zip(cols, row, strict=False), start=1):
            cell = _cell(ws, r, c)
            _put(cell, value)
            cell.border = BORDER
            cell.font = BODY_FONT
            cell.alignment = CENTER if col.center else (WRAP if col.wrap else PLAIN)
            if col.number_format and isinstance(value, (int, float, dt.date)):
                cell.number_format = col.number_format
    natural = [_width([col.header] + [_shown(row[c], col) for row in rows], MAX_WRAP_WIDTH if col.wrap else MAX_WIDTH)
               for c, col in enumerate(cols)]
    widths = fit_columns(cols, rows, natural)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    wrapping = [col.wrap or width < wide for col, width, wide in zip(cols, widths, natural, strict=True)]
    for r, row in enumerate(rows, start=2):
        for c, wraps in enumerate(wrapping, start=1):
            if wraps and not cols[c - 1].wrap and not cols[c - 1].center:
                ws.cell(row=r, column=c).alignment = WRAP
        lines = max((wrapped_lines(_shown(value, col), width)
                     for col, value, width, wraps in zip(cols, row, widths, wrapping, strict=False) if wraps),
                    default=1)
        if lines > 1:  # Excel and WPS do not grow rows a program wrote: set the height for wrapped text
            ws.row_dimensions[r].height = lines * LINE_HEIGHT + 3
    header_lines = max(wrapped_lines(col.header, width) for col, width in zip(cols, widths, strict=True))
    if header_lines > 1:
        ws.row_dimensions[1].height = header_lines * LINE_HEIGHT + 3
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _print_setup(ws, widths)
    for item, text in ((ws.oddHeader, title), (ws.oddFooter, footer)):
        if item is not None:
            item.center.text = text


NARROWEST_WRAP = 8        # a wrapped text column keeps at least this many characters a line


def fit_columns(cols: Sequence[Col], rows: Sequence[Sequence[Any]], natural: Sequence[float]) -> list[float]:
    """Column widths that print the whole sheet across one A3 page at 9-point type or more: when the natural
    widths are too wide, the columns that can wrap (text, and headers over two lines) give up width in
    proportion to what they can spare, down to the widest figure or date they hold and half their header."""
    floors = [_floor(col, [row[c] for row in rows], natural[c]) for c, col in enumerate(cols)]
    widths = list(natural)
    budget_pt = PRINTABLE_WIDTH_PT * 100 / MIN_SCALE   # the sheet's width at 100 % that prints at MIN_SCALE
    excess = sum(column_points(w) for w in widths) - budget_pt
    room = [max(0.0, w - f) for w, f in zip(widths, floors, strict=True)]
    if excess > 0 and sum(room) > 0:
        share = min(1.0, excess / (sum(room) * 7 * 72 / 96))
        widths = [math.floor(w - r * share) for w, r in zip(widths, room, strict=True)]
        widths = [max(w, f) for w, f in zip(widths, floors, strict=True)]
    return [float(w) for w in widths]


def _floor(col: Col, values: Sequence[Any], natural: float) -> float:
    """The narrowest a column may be: a number or date never wraps; text wraps to NARROWEST_WRAP; a header
    takes two lines at most."""
    header = max(math.ceil(display_width(col.header) / 2) + 2, MIN_WIDTH)
    unbreakable = max((display_width(_shown(v, col)) + 2 for v in values if not isinstance(v, str)), default=0)
    text = NARROWEST_WRAP if any(isinstance(v, str) and v for v in values) else 0
    return min(natural, max(header, unbreakable, text))


def print_scale(widths: Sequence[float]) -> int:
    """The print scale (%) of a sheet with these column widths: the whole width on one A3 page when that
    keeps the type at 9 points or more, else the smallest scale that does (the sheet runs over pages)."""
    width_pt = sum(column_points(w) for w in widths)
    fit = math.floor(PRINTABLE_WIDTH_PT / width_pt * 100)
    return max(MIN_SCALE, min(100, fit))


def column_points(width: float) -> float:
    """A column's printed width in points (Excel: width in characters of the default font, 7 px each plus
    5 px padding, at 96 px per inch)."""
    return (width * 7 + 5) * 72 / 96


def _print_setup(ws: Worksheet, widths: Sequence[float]) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A3
    ws.page_setup.scale = print_scale(widths)
    ws.page_setup.fitToWidth = 0
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = False   # a fixed scale: fit-to-width would shrink the type
    for side in ("left", "right"):
        setattr(ws.page_margins, side, MARGIN_IN)
    if sum(column_points(w) for w in widths) * ws.page_setup.scale / 100 > PRINTABLE_WIDTH_PT:
        ws.print_title_cols = "A:B"   # running over pages across: 序号 and 行动 repeated on each


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    """A cell of the table (the workbook merges none)."""
    return cast(Cell, ws.cell(row=row, column=column))


def _put(cell: Cell, value: Any) -> None:
    if isinstance(value, str):
        set_text(cell, value)  # a leading =, +, - or @ never becomes a formula
    else:
        cell.value = value


def _shown(value: Any, col: Col) -> str:
    if value is None:
        return ""
    if col.number_format == PERCENT and isinstance(value, float):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _width(values: Sequence[str], most: float) -> float:
    longest = max((display_width(line) for v in values for line in str(v).split("\n")), default=0)
    return float(min(max(longest + 2, MIN_WIDTH), most))


