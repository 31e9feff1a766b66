"""Saving openpyxl workbooks byte-for-byte reproducibly, and writing user text safely.

openpyxl stamps the current time into docProps/core.xml and into every zip entry; the same inputs
must give the same bytes, so both are fixed here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # officedoc uses normalise_zip: the report writers need not import openpyxl
    from openpyxl.cell.cell import Cell

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
FORMULA_PREFIXES = ("=", "+", "-", "@")


def save_workbook(wb, path: Path, stamp: dt.datetime | None = None) -> None:
    """Save `wb` to `path` with fixed document and zip timestamps (written whole: temp file, then rename)."""
    stamp = stamp or dt.datetime(2000, 1, 1)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "yc-reports"
    wb.properties.lastModifiedBy = "yc-reports"
    buffer = io.BytesIO()
    wb.save(buffer)   # openpyxl stamps `modified` with now() inside save(): fixed again below
    data = normalise_zip(buffer.getvalue(), core_stamp=stamp)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalise_zip(data: bytes, core_stamp: dt.datetime | None = None) -> bytes:
    """Rewrite a zip with fixed entry times and stable order, keeping content and compression.

    With `core_stamp`, the created/modified dates in docProps/core.xml are set to it as well."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if core_stamp is not None and info.filename == "docProps/core.xml":
                iso = core_stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(2), content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def set_text(cell: Cell, value: object) -> None:
    """Write user text as text: a leading =, +, - or @ never becomes a formula."""
    if value is None:
        cell.value = None
        return
    text = str(value)
    cell.value = text
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"


def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes when wrapped in a column `width` characters wide (for row heights: Excel and
    WPS do not grow rows written by a program)."""
    usable = max(width - 1.5, 4)
    return sum(max(1, math.ceil(display_width(part) * 1.05 / usable)) for part in str(text).split("\n"))
