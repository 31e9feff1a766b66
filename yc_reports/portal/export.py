"""The board and the audit log as .xlsx for the office's files: the same rows as the pages, Chinese labels,
fixed bytes."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from yc_reports.textwidth import display_width
from yc_reports.workbook.xlsx_io import save_workbook, set_text

if TYPE_CHECKING:
    from yc_reports.plan.quarter import Quarter

    from .store import AuditEntry, UploadRecord
    from .views import Board

HEADERS = ("行动", "牵头单位", "报送状态", "汇总处理", "依据", "汇总读取的文件", "报送单位", "报送方式", "报送时间",
           "回执编号", "错误", "提示", "上传次数")


def board_rows(board: Board, staged: dict[str, UploadRecord]) -> list[tuple[object, ...]]:
    from .texts import choice_label, when

    out: list[tuple[object, ...]] = []
    for row in board.rows:
        shown = row.accepted or row.latest
        build = row.build
        out.append((
            f"第{row.action.cn_number}项 {row.action.name}", row.action.lead_units_text,
            row.state.label + ("（逾期）" if row.late else "") + ("（已退回）" if row.returned else ""),
            row.build_label, row.build_reasons,
            "；".join(f"{c.file}（{'回执 ' + staged[c.file].receipt_no if c.file in staged else '办公室文件夹'}）："
                     f"{choice_label(c, build.data_pending)}" for c in build.choices) if build else "",
            "、".join(u.unit for u in row.standing) or (shown.unit if shown else ""),
            (f"办公室代传（{shown.by_office}）" if shown.by_office else "单位报送") if shown else "",
            when(shown.received_at) if shown else "",
            "、".join(u.receipt_no for u in row.standing) or (shown.receipt_no if shown else ""),
            row.build.errors if row.build else 0,
            (len(row.build.issues) - row.build.errors) if row.build else 0,
            len(row.uploads)))
    return out


def board_workbook_bytes(board: Board, quarter: Quarter, staged: dict[str, UploadRecord]) -> bytes:
    """The board of `quarter` (the quarter its selection read)."""
    return _table_bytes("报送情况", f"{quarter.label}各行动报送情况（与汇总所用材料一致）", HEADERS,
                        board_rows(board, staged), dt.datetime.combine(quarter.end_date, dt.time()))


AUDIT_HEADERS = ("序号", "时间", "操作人", "操作", "详情")


def audit_workbook_bytes(entries: tuple[AuditEntry, ...], stamp: dt.datetime) -> bytes:
    """Every entry of the audit log, oldest first."""
    from .texts import when

    rows = [(e.id, when(e.at), e.actor, e.what, e.detail) for e in sorted(entries, key=lambda e: e.id)]
    return _table_bytes("操作记录", f"报送系统操作记录（导出于{when(stamp)}）", AUDIT_HEADERS, rows,
                        stamp.replace(tzinfo=None))


def _table_bytes(sheet: str, title: str, headers: tuple[str, ...], rows: Sequence[tuple[object, ...]],
                 stamp: dt.datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)   # a new workbook holds one worksheet
    ws.title = sheet
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in rows:
        ws.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = _cell(ws, ws.max_row, column)
            if isinstance(value, int):
                cell.value = value
            else:
                set_text(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, header in enumerate(headers, start=1):
        widest = max([display_width(header)] + [display_width(str(r[column - 1])) for r in rows])
        ws.column_dimensions[get_column_letter(column)].width = min(max(widest + 2, 8), 48)
    ws.freeze_panes = "B3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "board.xlsx"
        save_workbook(wb, path, stamp=stamp)
        return path.read_bytes()


def _cell(ws: Worksheet, row: int, column: int) -> Cell:
    """A cell of a sheet that merges none."""
    cell = ws.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise TypeError(f"merged cell at row {row}, column {column}")
    return cell
