"""Numbers as an office writes them (numfmt): no trailing zeros, averages that never read 0 for a real need."""

from decimal import Decimal
from fractions import Fraction

import pytest

from yc_reports.numfmt import fmt_average, fmt_number


@pytest.mark.parametrize("value, places, expected", [
    (Decimal("22.40"), 2, "22.4"), (Decimal("23.00"), 2, "23"), (Decimal("15.62"), 2, "15.62"),
    (Decimal("2000.0"), 1, "2000"), (Fraction(2, 3) * 100, 1, "66.7"), (Decimal("-0.04"), 1, "0"),
    (Decimal("0.90"), 2, "0.9"), (Decimal("1.205"), 2, "1.21"),
])
def test_figures_without_trailing_zeros(value, places, expected):
    # one sentence never shows "23亿立方米" beside "22.40亿立方米"
    assert fmt_number(value, places) == expected


@pytest.mark.parametrize("value, places, expected", [
    (Fraction(3, 4), 0, "0.8"), (Fraction(1, 4), 0, "0.3"), (Fraction(1, 3), 0, "0.3"), (Fraction(1, 30), 0, "0.03"),
    (Fraction(2), 0, "2"), (Fraction(57, 40), 1, "1.43"), (Fraction(1, 300), 1, "0.003"), (Fraction(0), 0, "0"),
])
def test_an_average_a_quarter_is_exact_or_one_place_more_and_never_zero_when_needed(value, places, expected):
    assert fmt_average(value, places) == expected


def test_figures_of_one_sentence_that_differ_never_print_alike():
    from yc_reports.numfmt import places_apart

    # need 0.52 and gain 0.48 print 0.5 and 0.5 at one decimal: two decimals
    assert places_apart(1, [(Fraction("0.52"), Fraction("0.48"))]) == 2
    # a projection of 99.96 against a target of 100: 100 at one decimal, 99.96 at two
    assert places_apart(1, [(Decimal("99.96"), Decimal(100)), (None, Decimal(3))]) == 2
    assert places_apart(0, [(Fraction(8), Fraction(12)), (Fraction(1), Fraction(1))]) == 0   # equal figures: no need
    assert places_apart(0, [(Fraction(1, 10**6), Fraction(0))]) == 3                       # at most three more
