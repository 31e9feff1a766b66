"""Numbers as an office writes them: exact rounding (half up) and Chinese phrasing.

Every figure printed anywhere (reports, workbook, terminal) goes through these functions, so the same
number is never rounded two ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

Number = Decimal | Fraction | int


def to_decimal(value: Number, places: int) -> Decimal:
    """Round exactly, half up (an office's 四舍五入), to `places` decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        exact = (Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction)
                 else Decimal(value))
        quantum = Decimal(1).scaleb(-places)
        return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_number(value: Number | None, places: int = 1, empty: str = "—") -> str:
    """Rounded to `places`, written as an office writes figures: without trailing zeros, so that the figures of
    one sentence never look like two precisions (18 and 22.4亿立方米, never 18 and 22.40).
    12 -> '12'; 0.98 -> '0.98' (places=2); 1.20 -> '1.2'; 2000.0 -> '2000'; 75.0 -> '75'."""
    if value is None:
        return empty
    rounded = to_decimal(value, places)
    if rounded == 0:
        return "0"  # never "-0.0"
    if rounded == rounded.to_integral_value():
        return f"{rounded.quantize(Decimal(1)):f}"  # 2000亿元, 75%
    return f"{rounded.normalize():f}"


def fmt_average(value: Number | None, places: int = 1, empty: str = "—") -> str:
    """An average worked out by division (what a quarter must add, 3 ÷ 4 a quarter): at the figure's own
    `places` when exact there, else one more; never "0" for a value that is not zero (1/30 → 0.03).
    0.75家 → '0.8' (places=0), 1/3 → '0.3', 2 → '2'."""
    if value is None:
        return empty
    exact = Fraction(value)
    if (exact * 10 ** places).denominator != 1:
        places += 1
        while exact and to_decimal(exact, places) == 0:
            places += 1
    return fmt_number(exact, places)


def places_apart(places: int, pairs: Iterable[tuple[Number | None, Number | None]], extra: int = 3) -> int:
    """The places (from `places`, at most `extra` more) at which the figures of one sentence that differ also print
    differently: a need of 0.52 never reads as the 0.48 gained (0.5 and 0.5), a projection of 99.96 never as its
    target 100, "尚差" never 0. Pairs with None are left out."""
    known = [(Fraction(a), Fraction(b)) for a, b in pairs if a is not None and b is not None]
    for more in range(extra + 1):
        if all(a == b or fmt_number(a, places + more) != fmt_number(b, places + more) for a, b in known):
            return places + more
    return places + extra


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
