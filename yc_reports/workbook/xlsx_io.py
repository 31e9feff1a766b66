"""Saving openpyxl workbooks byte-for-byte reproducibly, writing user text safely, and the one style set
every workbook we write uses (the units' templates and the office's 汇总表).

openpyxl stamps the current time into docProps/core.xml and into every zip entry; the same inputs
must give the same bytes, so both are fixed here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Border, Font, PatternFill, Side

from yc_reports.fixedzip import normalise_zip
from yc_reports.outfiles import write_bytes
from yc_reports.textwidth import display_width

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@")

# The style set: 宋体 (the face WPS and Excel on Chinese Windows measure column widths with), light blue
# headers, thin grey rules.
FONT_NAME = "宋体"
TITLE_FONT_NAME = "黑体"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")    # light blue: headers
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=11)
EDGE = Side(style="thin", color="A6A6A6")
BORDER = Border(left=EDGE, right=EDGE, top=EDGE, bottom=EDGE)
LINE_HEIGHT = 14.25   # points per line of 11-point CJK text


def save_workbook(wb: Workbook, path: Path, stamp: dt.datetime | None = None) -> None:
    """Save `wb` to `path` with fixed document and zip timestamps, written whole (outfiles.write_bytes: a
    file held open in WPS/Excel, a read-only folder or a full disk is a WriteError naming the file)."""
    stamp = stamp or dt.datetime(2000, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "yc-reports"
    wb.properties.lastModifiedBy = "yc-reports"
    buffer = io.BytesIO()
    wb.save(buffer)   # openpyxl stamps `modified` with now() inside save(): fixed again below
    write_bytes(Path(path), normalise_zip(buffer.getvalue(), core_stamp=stamp))


def writable(cell: Cell | MergedCell) -> Cell:
    """`cell`, to write a value into; a cell covered by a merged range (not its top-left one) holds none."""
    if isinstance(cell, MergedCell):
        raise ValueError(f"{cell.coordinate} lies inside a merged range")
    return cell


def set_text(cell: Cell, value: object) -> None:
    """Write user text as text: a leading =, +, - or @ never becomes a formula."""
    if value is None:
        cell.value = None
        return
    text = str(value)
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"


def wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes when wrapped in a column `width` characters wide (for row heights: Excel and
    WPS do not grow rows written by a program)."""
    usable = max(width - 1.5, 4)
    return sum(max(1, math.ceil(display_width(part) * 1.05 / usable)) for part in str(text).split("\n"))
