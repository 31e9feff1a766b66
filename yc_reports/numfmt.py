"""Numbers as an office writes them: exact rounding (half up) and Chinese phrasing.

Every figure printed anywhere (reports, workbook, terminal) goes through these functions, so the same
number is never rounded two ways.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

Number = Decimal | Fraction | int


def to_decimal(value: Number, places: int) -> Decimal:
    """Round exactly, half up (an office's 四舍五入), to `places` decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        if isinstance(value, Fraction):
            exact = Decimal(value.numerator) / Decimal(value.denominator)
        else:
            exact = Decimal(value)
        quantum = Decimal(1).scaleb(-places)
        return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_number(value: Number | None, places: int = 1, empty: str = "—") -> str:
    """12 -> '12'; 0.98 -> '0.98' (places=2); 1.20 -> '1.20'; a whole figure without '.0': 2000, 75."""
    if value is None:
        return empty
    rounded = to_decimal(value, places)
    if rounded == 0:
        rounded = abs(rounded)  # never print "-0.0"
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))  # as an office writes it: 2000亿元, 75%
    return f"{rounded:f}"


def fmt_percent(ratio: Fraction | Decimal | None, places: int = 1, empty: str = "—") -> str:
    """Fraction(2, 3) -> '66.7%'."""
    if ratio is None:
        return empty
    return fmt_number(Fraction(ratio) * 100, places) + "%"


def fmt_points(points: Fraction | None, places: int = 1) -> str:
    """Absolute value of a gap, for '高于时序进度4.2个百分点'."""
    if points is None:
        return "—"
    return fmt_number(abs(Fraction(points)), places)


def gap_phrase(gap_points: Fraction | None, ceiling: bool = False, places: int = 1) -> str:
    """'高于时序进度4.2个百分点' / '低于时序进度27.1个百分点' / '与时序进度持平'.

    gap_points is signed good(+)/bad(−); for a ceiling the completion stands below the time progress
    when the gap is good, so the words follow the completion, not the sign."""
    if gap_points is None:
        return ""
    rounded = to_decimal(Fraction(gap_points), places)
    if rounded == 0:
        return "与时序进度持平"
    above = rounded > 0
    if ceiling:
        above = not above
    word = "高于" if above else "低于"
    return f"{word}时序进度{fmt_points(gap_points, places)}个百分点"


def change_phrase(ratio: Fraction | None, prefix: str, places: int = 1) -> str:
    """'同比增长12.3%' / '环比下降4.0%' / '同比持平'; '' when there is no base."""
    if ratio is None:
        return ""
    rounded = to_decimal(Fraction(ratio) * 100, places)
    if rounded == 0:
        return f"{prefix}持平"
    word = "增长" if rounded > 0 else "下降"
    return f"{prefix}{word}{fmt_number(abs(rounded), places)}%"


def cn_date(day: dt.date) -> str:
    """2025-10-08 -> '2025年10月8日' (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def with_unit(value: Number | None, unit: str, places: int, empty: str = "—") -> str:
    """'8家', '0.98亿人次', '92.5%'."""
    if value is None:
        return empty
    return fmt_number(value, places) + unit
