"""Quarters written like ``2025Q3``: parsing, arithmetic and Chinese labels."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")
CN_QUARTER = {1: "一", 2: "二", 3: "三", 4: "四"}
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


class QuarterError(ValueError):
    """A quarter string that is not of the form 2025Q3."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER_RE.match(str(text))
        if not match:
            raise QuarterError(f"季度“{text}”格式不正确，应写作如 2025Q3（年份加Q加季度序号1—4）")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        """2025年第三季度"""
        return f"{self.year}年第{CN_QUARTER[self.q]}季度"

    @property
    def end_date(self) -> dt.date:
        month, day = _QUARTER_END[self.q]
        return dt.date(self.year, month, day)

    @property
    def end_month_label(self) -> str:
        """截至9月底 -> '9月底'"""
        return f"{self.q * 3}月底"

    @property
    def position(self) -> Fraction:
        """Time in years at the quarter's end: the end of 2024 is 2025, 2025Q3 ends at 2025.75."""
        return Fraction(self.year) + Fraction(self.q, 4)

    @property
    def year_progress(self) -> Fraction:
        """Time progress within the year (时序进度): q/4."""
        return Fraction(self.q, 4)

    @property
    def is_year_end(self) -> bool:
        return self.q == 4

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def same_quarter_last_year(self) -> Quarter:
        return Quarter(self.year - 1, self.q)


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from first to last, both included."""
    out: list[Quarter] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out
