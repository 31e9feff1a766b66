"""The number reader: exact Decimals from whatever a unit typed, strict where it is ambiguous."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yc_reports.intake.numbers import format_decimal, read_number
from yc_reports.issues import IssueCode

INVALID = IssueCode.NUMBER_INVALID


@pytest.mark.parametrize("raw, unit, expected", [
    (12, "家", Decimal(12)),
    (0.1, "亿元", Decimal("0.1")),          # never Decimal(float) noise
    (22.4, "亿立方米", Decimal("22.4")),
    (1e20, "亿元", Decimal("1e20")),
    (Decimal("8600.5"), "万元", Decimal("8600.5")),
    ("12", "家", Decimal(12)),
    ("１２", "家", Decimal(12)),
    ("１２家", "家", Decimal(12)),
    ("12 家", "家", Decimal(12)),
    ("\u300012\u3000", "家", Decimal(12)),
    ("1,234.5", "万元", Decimal("1234.5")),
    ("1，234", "万元", Decimal(1234)),
    ("12,345,678", "万元", Decimal(12345678)),
    ("22.4亿立方米", "亿立方米", Decimal("22.4")),
    ("85%", "%", Decimal(85)),
    ("85％", "%", Decimal(85)),
    ("８５．５％", "%", Decimal("85.5")),
    (".5", "%", Decimal("0.5")),
    ("12.", "家", Decimal(12)),
    ("+3", "项", Decimal(3)),
    ("-3", "项", Decimal(-3)),                # the parser decides whether negatives make sense
    ("－3", "项", Decimal(-3)),
    ("\u22123", "项", Decimal(-3)),
    ("1,234万元", "万元", Decimal(1234)),
])
def test_reads_unambiguous_numbers(raw, unit, expected):
    reading = read_number(raw, unit)
    assert (reading.value, reading.problem) == (expected, None)
    assert str(reading.value) == str(expected) or reading.value == expected


@pytest.mark.parametrize("raw, unit", [
    ("12个", "家"),            # another unit
    ("85%", "家"),             # percent on a count row
    ("12家", "%"),
    ("约12", "家"),            # words
    ("12家左右", "家"),
    ("10-12", "项"),           # two numbers
    ("5—10", "项"),
    ("12 13", "家"),
    ("1,5", "万元"),           # a decimal comma is ambiguous
    ("12,34", "万元"),
    ("1,2345", "万元"),
    ("1e3", "万元"),           # scientific notation is not how units write figures
    ("十二", "家"),
    ("#DIV/0!", "家"),
    ("NaN", "家"),
    ("Infinity", "家"),
    (".", "家"),
    ("家", "家"),
    (True, "家"),              # bool cells are invalid, though bool is an int
    (False, "家"),
    (float("nan"), "家"),
    (float("inf"), "家"),
    (Decimal("NaN"), "家"),
    (dt.date(2025, 9, 30), "家"),
    (dt.datetime(2025, 9, 30, 8, 0), "家"),
    ([1], "家"),
])
def test_rejects_anything_ambiguous(raw, unit):
    reading = read_number(raw, unit)
    assert reading.value is None and reading.problem is INVALID


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_blank_is_neither_a_value_nor_a_problem(raw):
    reading = read_number(raw, "家")
    assert (reading.value, reading.problem, reading.blank) == (None, None, True)


def test_text_shown_in_messages_is_what_the_unit_typed():
    assert read_number(" 约12家 ", "家").text == "约12家"
    assert read_number(True, "家").text == "TRUE"
    assert read_number(dt.date(2025, 9, 30), "家").text == "2025-09-30"
    assert read_number(0.1, "家").text == "0.1"


@pytest.mark.parametrize("value, text", [
    (Decimal("12.50"), "12.5"), (Decimal("1E+2"), "100"), (Decimal("0"), "0"), (Decimal("-0.00"), "0"),
    (Decimal("0.000123"), "0.000123"),
])
def test_format_decimal(value, text):
    assert format_decimal(value) == text


# ------------------------------------------------------------------------------------- round trips

decimals = st.decimals(min_value=Decimal("0"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False,
                       places=4)
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def plain(value: Decimal) -> str:
    return format(value, "f")


def grouped(value: Decimal) -> str:
    return format(value, ",f")


@given(decimals)
def test_plain_text_round_trips(value):
    assert read_number(plain(value), "家").value == value


@given(decimals)
def test_full_width_text_round_trips(value):
    assert read_number(plain(value).translate(FULL_WIDTH), "家").value == value


@given(decimals, st.sampled_from([",", "，"]))
def test_thousands_separated_text_round_trips(value, comma):
    assert read_number(grouped(value).replace(",", comma), "万元").value == value


@given(decimals, st.sampled_from(["家", "亿立方米", "万元", "亿人次"]), st.sampled_from(["", " ", "\u3000"]))
def test_text_with_the_row_unit_round_trips(value, unit, space):
    assert read_number(f"{plain(value)}{space}{unit}", unit).value == value


@given(decimals, st.sampled_from(["%", "％"]))
def test_percent_text_on_a_percent_row_round_trips(value, sign):
    assert read_number(plain(value) + sign, "%").value == value


@given(decimals)
def test_decimal_cell_round_trips(value):
    assert read_number(value, "家").value == value


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False,
                   places=6))
def test_float_cell_reads_as_the_decimal_that_was_typed(value):
    """A figure of up to 15 significant digits stored as a float (as Excel does) reads back exactly."""
    assert read_number(float(value), "家").value == value


@given(st.integers(min_value=-(10 ** 15), max_value=10 ** 15))
def test_integer_cell_round_trips(value):
    assert read_number(value, "家").value == Decimal(value)


@given(decimals, st.sampled_from(["个", "元", "%", "亿元"]))
def test_another_unit_is_never_silently_accepted(value, other):
    assert read_number(plain(value) + other, "家").problem is INVALID
