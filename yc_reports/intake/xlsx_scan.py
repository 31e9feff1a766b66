"""What calamine does not tell, found by one bounded pass over a sheet's XML (bytes, C-speed searches).

calamine gives values (shared and inline strings, cached formula results, dates) but not formulas, not
error values (it reads #DIV/0! as empty), not number formats, and it lays a sheet out as one dense
rectangle from A1 to the farthest cell: a single cell at XFD1048576 asks for 500 GB and aborts the
process. So, before calamine sees a sheet, this pass over its `<sheetData>`:

- finds, inside the template's area (the layout's columns, rows up to `MAX_AREA_ROWS`), the formulas
  without a cached result, the cached error values and each cell's style (for percent formats);
- counts the cells with a value outside the area, without looking at them one by one (a row's cells
  are in column order: the rest of a row past the area is counted by `bytes.count`);
- when there are such cells, writes the sheet again without them, so calamine only ever reads the area.

Cells without an `r` attribute (allowed by the format, written by some generators) are placed by
position, as Excel does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

MAX_AREA_ROWS = 20_000   # rows of one sheet read at most; a quarter's report has a few hundred

Cell = tuple[int, int]

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Za-z]{1,3})(\d+)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")


@dataclass
class SheetScan:
    """The findings of one sheet's pass; cells are (row, column), 1-based."""

    uncached: dict[Cell, str] = field(default_factory=dict)   # formula text, e.g. "=D4*0.7"
    errors: dict[Cell, str] = field(default_factory=dict)     # cached error value, e.g. "#DIV/0!"
    styles: dict[Cell, int] = field(default_factory=dict)     # index into styles.xml's cellXfs
    outside: int = 0                                          # cells with a value outside the area
    first_outside: str = ""                                   # the first of them, e.g. "K40"
    trimmed: bytes | None = None                              # the sheet without them (None: unchanged)


def scan_sheet(xml: bytes, width: int, max_rows: int = MAX_AREA_ROWS) -> SheetScan:
    """One pass over a worksheet part; `width` is the number of the template's columns (A..)."""
    scan = SheetScan()
    start = _SHEET_DATA.search(xml)
    if start is None or start.group(1) == b"/":
        return scan
    end = _SHEET_DATA_END.search(xml, start.end())
    body_end = end.start() if end else len(xml)
    kept: list[bytes] = []
    changed = False
    row_no = 0
    pos = start.end()
    while True:
        row = _ROW.search(xml, pos, body_end)
        if row is None:
            break
        number = _ROW_NUMBER.search(row.group(1))
        row_no = int(number.group(1)) if number else row_no + 1
        if row.group(2) == b"/":                      # <row r="5"/>: nothing in it
            kept.append(row.group(0))
            pos = row.end()
            continue
        close = _ROW_END.search(xml, row.end(), body_end)
        content_end = close.start() if close else body_end
        row_end = close.end() if close else body_end
        if row_no > max_rows:                          # everything from here on is outside
            _outside(scan, xml[row.start():body_end], _first_ref(xml, row.end(), body_end, row_no))
            changed = True
            break
        cut = _scan_row(scan, xml, row.end(), content_end, row_no, width)
        if cut < content_end:
            changed = True
        kept.append(row.group(0) + xml[row.end():cut] + (close.group(0) if close else b""))
        pos = row_end
    if changed:
        scan.trimmed = xml[:start.end()] + b"".join(kept) + xml[body_end:]
    return scan


def _scan_row(scan: SheetScan, xml: bytes, pos: int, end: int, row_no: int, width: int) -> int:
    """Record the row's cells inside the area; return where the first cell past the area starts."""
    col = 0
    while True:
        cell = _CELL.search(xml, pos, end)
        if cell is None:
            return end
        attrs, inner = cell.group(1), cell.group(2)
        ref = _REF.search(attrs)
        col = _column_number(ref.group(1)) if ref else col + 1
        if col > width:
            _outside(scan, xml[cell.start():end], ref_text(row_no, col))
            return cell.start()
        key = (row_no, col)
        style = _STYLE.search(attrs)
        if style:
            scan.styles[key] = int(style.group(1))
        if inner:
            value = _VALUE.search(inner)
            cached = value.group(1).strip() if value else b""
            typed = _TYPE.search(attrs)
            if typed and typed.group(1) == b"e" and cached:
                scan.errors[key] = _xml_text(cached)
            formula = _FORMULA.search(inner)
            kind = typed.group(1) if typed else b""
            empty_text = kind == b"str" and value is not None   # a formula whose result is "" (cached)
            if formula and not cached and kind != b"inlineStr" and not empty_text:
                text = _xml_text(formula.group(1) or b"")
                scan.uncached[key] = "=" + text if text else "=（共享公式）"
        pos = cell.end()


def _outside(scan: SheetScan, segment: bytes, first: str) -> None:
    count = (segment.count(b"v>") + segment.count(b"is>")) // 2
    if count:
        scan.outside += count
        scan.first_outside = scan.first_outside or first


def _first_ref(xml: bytes, pos: int, end: int, row_no: int) -> str:
    cell = _CELL.search(xml, pos, end)
    ref = _REF.search(cell.group(1)) if cell else None
    return (ref.group(1).decode().upper() + ref.group(2).decode()) if ref else ref_text(row_no, 1)


def _xml_text(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))


def _column_number(letters: bytes) -> int:
    # the scanner's own, on the raw XML's bytes (workbook/layout.py `column_number` reads a text reference)
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ch - 64)
    return number


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref_text(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"
