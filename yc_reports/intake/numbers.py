"""Reading a figure the way a unit typed it: exact, forgiving where unambiguous, strict otherwise.

Accepted: numbers; text with full-width digits, thousands separators ("1,234.5", "1，234"), a trailing
unit equal to the row's unit ("12家", "22.4亿立方米") and "%" on a percent row ("85%", "85％").
Everything else (another unit, two numbers, words, dates, TRUE/FALSE) is NUMBER_INVALID.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from yc_reports.issues import IssueCode

_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})


@dataclass(frozen=True)
class NumberReading:
    value: Decimal | None        # None when blank or invalid
    problem: IssueCode | None    # NUMBER_INVALID, or None
    text: str                    # the cell as the unit sees it, for messages

    @property
    def blank(self) -> bool:
        return self.value is None and self.problem is None


def read_number(raw: object, unit: str) -> NumberReading:
    """Read one cell value as an exact Decimal in the row's `unit`."""
    if raw is None:
        return NumberReading(None, None, "")
    if isinstance(raw, (bool, dt.date, dt.time, dt.timedelta)):
        return _invalid(_shown(raw))
    if isinstance(raw, int):
        return NumberReading(Decimal(raw), None, str(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return _invalid(repr(raw))
        # repr gives the shortest text that round-trips: 0.1 stays 0.1, never 0.1000000000000000055…
        value = Decimal(repr(raw))
        return NumberReading(value, None, format_decimal(value))
    if isinstance(raw, Decimal):
        return NumberReading(raw, None, format_decimal(raw)) if raw.is_finite() else _invalid(str(raw))
    if isinstance(raw, str):
        return _read_text(raw, unit)
    return _invalid(_shown(raw))


def _read_text(raw: str, unit: str) -> NumberReading:
    shown = raw.strip()
    text = _normalise(raw)
    if not text:
        return NumberReading(None, None, "")
    norm_unit = _normalise(unit)
    if norm_unit and text.endswith(norm_unit):
        text = text[: -len(norm_unit)].strip()
    if _PLAIN.match(text):
        digits = text
    elif _GROUPED.match(text):
        digits = text.replace(",", "")
    else:
        return _invalid(shown)
    try:
        return NumberReading(Decimal(digits), None, shown)
    except InvalidOperation:  # pragma: no cover - the patterns only let valid digits through
        return _invalid(shown)


def _normalise(text: str) -> str:
    """Full-width forms to ASCII (NFKC: １２，３４５．６％ -> 12,345.6%), odd minus signs to '-', ends stripped.

    Spaces inside are kept, so "12 13" stays two numbers."""
    return unicodedata.normalize("NFKC", text).translate(_MINUS_SIGNS).strip()


def _invalid(text: str) -> NumberReading:
    return NumberReading(None, IssueCode.NUMBER_INVALID, text)


def _shown(raw: object) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if (raw.hour or raw.minute) else raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def format_decimal(value: Decimal) -> str:
    """Plain notation without exponent or needless trailing zeros: 12.50 -> 12.5, 1E+2 -> 100."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text
