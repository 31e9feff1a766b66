"""Projections at the pace so far, computed by hand from the seed's targets."""

from decimal import Decimal
from fractions import Fraction

from yc_reports.analysis import checks
from yc_reports.analysis.projection import project
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry

REGISTRY = load_registry()
Q3 = Quarter(2025, 3)


def result(key: str, actual: str, trend: dict[str, str], quarter: Quarter = Q3):
    indicator = next(i for a in REGISTRY.actions for i in a.indicators if i.key == key)
    points = (*((Quarter.parse(q), Decimal(v)) for q, v in trend.items()), (quarter, Decimal(actual)))
    return checks.indicator_result(indicator, quarter, plan_start_year=2022, thresholds=REGISTRY.thresholds,
                                   actual=Decimal(actual), trend=points)


def test_flow_tourism_revenue_1020_of_2000_at_q3_keeps_this_years_pace():
    # 1020 in three quarters: 340 a quarter, 1360 for the year < 2000; Q4 needs 980, Q3 itself earned 400
    p = project(result("tourism_revenue", "1020", {"2025Q2": "620"}), Q3)
    assert p.projected == 1360 and p.on_pace is False
    assert p.needed_per_quarter == 980 and p.this_quarter == 400 and p.remaining_quarters == 1


def test_count_green_factories_8_of_12_keeps_the_last_four_quarters_pace():
    # 2024Q3 5 → 2025Q3 8: 3 in four quarters, 0.75 a quarter; one quarter left: 8.75 < 12
    p = project(result("green_factories", "8", {"2024Q3": "5", "2024Q4": "6", "2025Q1": "7", "2025Q2": "7"}), Q3)
    assert p.pace == Fraction(3, 4) and p.projected == Fraction(35, 4) and p.on_pace is False
    assert p.needed_per_quarter == 4


def test_level_eco_base_flow_95_against_90_on_pace():
    # 生态基流保证率 91.0 (2024Q3) → 95.0: +1 a quarter; 96 at year end ≥ 90
    p = project(result("eco_base_flow", "95.0", {"2024Q3": "91.0", "2025Q2": "94.0"}), Q3)
    assert p.pace == 1 and p.projected == 96 and p.on_pace is True


def test_level_with_shorter_history_uses_the_earliest_figure_within_four_quarters():
    # only 2025Q1 (two quarters back): (96.2 − 93.1) / 2 = 1.55 a quarter → 97.75 at year end < 100
    p = project(result("rd_institution_coverage", "96.2", {"2025Q1": "93.1"}), Q3)
    assert p.pace == Fraction("1.55") and p.projected == Fraction("97.75") and p.on_pace is False


def test_ceiling_water_use_is_on_pace_when_the_year_stays_under_it():
    # 15.8 in three quarters → 21.0667 for the year ≤ 22.4
    p = project(result("water_use_total", "15.80", {}), Q3)
    assert p.projected == Fraction("15.8") * 4 / 3 and p.on_pace is True


def test_no_figure_or_no_earlier_figure_or_past_target_projects_nothing():
    assert project(result("green_factories", "8", {}), Q3).projected is None
    expired = result("innovation_platforms", "26", {"2025Q2": "25"})   # a 2023 target judged in 2025
    assert project(expired, Q3).on_pace is None


def test_pace_is_measured_over_the_quarters_on_record_not_assumed_to_be_four():
    # three quarters of history (2024Q4 6 → 2025Q3 8): +2 over three quarters, never "+2.67 over four"
    p = project(result("green_factories", "8", {"2024Q4": "6", "2025Q1": "7", "2025Q2": "7"}), Q3)
    assert (p.pace_quarters, p.gain, p.pace) == (3, 2, Fraction(2, 3))
    assert p.projected == Fraction(26, 3) and p.on_pace is False


def test_no_change_over_two_quarters_and_a_need_of_a_third_a_quarter():
    # 绿色供应链 1 of 2 at 2025Q1, 1 since 2024Q3: no gain over two quarters; three quarters left need 1/3 each
    q1 = Quarter(2025, 1)
    p = project(result("green_supply_chains", "1", {"2024Q3": "1", "2024Q4": "1"}, q1), q1)
    assert (p.pace_quarters, p.gain, p.remaining_quarters) == (2, 0, 3)
    assert p.needed_per_quarter == Fraction(1, 3) and p.needed == 1 and p.on_pace is False


def test_a_broken_ceiling_has_no_allowance_left():
    # 23 of a 22.4 ceiling after Q3: the allowance for Q4 is −0.6, the year cannot be kept under the ceiling
    p = project(result("water_use_total", "23.00", {"2025Q2": "15.00"}), Q3)
    assert p.needed == Fraction("-0.6") and p.on_pace is False and p.this_quarter == 8
