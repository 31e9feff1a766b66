"""STOPGAP (issue #12, ledger branch): a minimal reading of the 整改落实 sheet into RectificationEntry rows.

The reader rewrite (python-calamine, reader branch) reads this sheet itself into
`Submission.rectifications`; when it lands, the lead deletes this module and its one call in
`intake/reader.py` (`_parse_inspected`, marked STOPGAP). Until then it reads the sheet by its header
texts, with no issues reported: a row without a 督办编号 is skipped, an unknown 整改状态 is None.
"""

from __future__ import annotations

import io
import warnings

from yc_reports.intake.reader import _text, read_date
from yc_reports.intake.records import RectificationEntry, RectificationState
from yc_reports.workbook import layout as L

_STATES = {s.value: s for s in RectificationState}


def read_rectifications(data: bytes) -> tuple[RectificationEntry, ...]:
    """The 整改落实 rows of a workbook's bytes; () when the sheet is absent or unreadable."""
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if L.SHEET_RECTIFICATION not in wb.sheetnames:
                return ()
            rows = list(wb[L.SHEET_RECTIFICATION].iter_rows(max_row=L.HEADER_SEARCH_ROWS + L.MAX_DATA_ROWS,
                                                            max_col=20, values_only=True))
        finally:
            wb.close()
    except Exception:  # the main reader reports a damaged file; this stopgap only adds what it can
        return ()
    headers = {c.header for c in L.RECTIFICATION_COLUMNS}
    for index, row in enumerate(rows[:L.HEADER_SEARCH_ROWS]):
        found = {_text(v): col for col, v in enumerate(row) if _text(v) in headers}
        if L.RECT_ID.header in found:
            return tuple(_entries(rows, index, found))
    return ()


def _entries(rows, header_index: int, col: dict[str, int]):
    def cell(row, column: L.Column):
        position = col.get(column.header)
        return row[position] if position is not None and position < len(row) else None

    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        item_id = _text(cell(row, L.RECT_ID))
        if not item_id:
            continue
        deadline, _ = read_date(cell(row, L.RECT_DEADLINE))
        yield RectificationEntry(row=offset, item_id=item_id, text=_text(cell(row, L.RECT_TEXT)),
                                 deadline=deadline, measures=_text(cell(row, L.RECT_MEASURES)),
                                 progress=_text(cell(row, L.RECT_PROGRESS)),
                                 state=_STATES.get(_text(cell(row, L.RECT_STATE))))

