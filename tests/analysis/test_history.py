"""Earlier quarters: series and consistency warnings (analysis.history: pure rules, no file read).

The choice per action is tested in tests/intake/test_selection.py, the parse cache in tests/intake/test_cache.py,
reading the folders in tests/pipeline/test_inputs.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_fixtures import D, submission
from yc_reports.analysis import history as H
from yc_reports.issues import flatten
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry

REGISTRY = load_registry()
Q = Quarter(2025, 3)


def sub(action_id: int, quarter: Quarter, **values):
    return submission(REGISTRY, action_id, quarter, values=values)


# ------------------------------------------------------------------------------------ series


def test_previous_last_year_and_trend():
    h = H.history_from_submissions(Q, [
        sub(3, Quarter(2024, 3), green_factories=5), sub(3, Quarter(2025, 1), green_factories=7),
        sub(3, Quarter(2025, 2), green_factories=7, green_parks=None), sub(3, Quarter(2025, 3), green_factories=99)])
    assert (h.previous("green_factories"), h.last_year("green_factories")) == (D(7), D(5))
    assert h.trend("green_factories") == ((Quarter(2024, 3), D(5)), (Quarter(2025, 1), D(7)), (Quarter(2025, 2), D(7)))
    assert h.trend("green_parks") == ()          # blank cells are not figures
    assert h.previous("green_parks") is None
    assert h.quarters == (Quarter(2024, 3), Quarter(2025, 1), Quarter(2025, 2))  # the current one is not history
    assert h.latest("green_factories", year=2024) == (Quarter(2024, 3), D(5))


def test_gaps_in_history_give_no_previous():
    h = H.history_from_submissions(Q, [sub(3, Quarter(2025, 1), green_factories=7)])
    assert h.previous("green_factories") is None
    assert h.latest("green_factories") == (Quarter(2025, 1), D(7))


def test_earlier_quarters_stay_within_the_plan():
    assert H.earlier_quarters(REGISTRY, Quarter(2022, 1)) == []
    assert H.earlier_quarters(REGISTRY, Quarter(2022, 3)) == [Quarter(2022, 1), Quarter(2022, 2)]
    assert len(H.earlier_quarters(REGISTRY, Quarter(2025, 4))) == 15


# ------------------------------------------------------------------------------------ consistency


def warnings_for(current, *earlier):
    return flatten(H.consistency_issues(REGISTRY, current, H.history_from_submissions(current.quarter, earlier)),
                   ("code", "file", "sheet", "cell"))


def test_cumulative_decrease_points_at_the_value_cell():
    current = sub(3, Q, green_products=2, green_factories=8)
    assert warnings_for(current, sub(3, Quarter(2025, 1), green_products=3, green_factories=8)) == [
        ["cumulative-decrease", "2025Q3_第03项.xlsx", "指标进展", "H4"]]
    [issue] = H.consistency_issues(REGISTRY, current, H.history_from_submissions(
        Q, [sub(3, Quarter(2025, 2), green_products=3)]))
    assert issue.message == "“开发绿色产品数量”为自方案实施以来的累计数，本季度（2个）低于上季度（3个），请核实。"


def test_flow_decrease_only_within_the_same_year():
    assert warnings_for(sub(10, Q, tourist_arrivals="0.86"), sub(10, Quarter(2025, 2), tourist_arrivals="0.90")) == [
        ["flow-decrease", "2025Q3_第10项.xlsx", "指标进展", "H4"]]
    # a new year starts from zero: Q1 below last Q4 is normal
    assert warnings_for(sub(10, Quarter(2025, 1), tourist_arrivals="0.27"),
                        sub(10, Quarter(2024, 4), tourist_arrivals="1.12")) == []
    # levels may go down
    assert warnings_for(sub(4, Q, rd_institution_coverage="90"), sub(4, Quarter(2025, 2), rd_institution_coverage="95")) == []


@pytest.mark.parametrize("earlier,value,jump", [
    (("1000", "1300"), "13800", True),    # median 1150: 13800 > 5750
    (("1000", "1300"), "5750", False),    # exactly 5× the median is not "more than"
    (("1000", "1300"), "5750.01", True),
    (("1000", "1300"), "229.99", True),   # under a fifth (230)
    (("1000", "1300"), "230", False),
    (("1000",), "13800", False),          # one earlier figure is not a history
    (("0", "1000"), "13800", False),      # zeros do not count
    (("0", "1000", "1300"), "0", True),
])
def test_value_jump(earlier, value, jump):
    quarters = [Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2)]
    history = [sub(8, q, green_finance_scale=v) for q, v in zip(quarters, earlier, strict=False)]
    codes = [c for c, *_ in warnings_for(sub(8, Q, green_finance_scale=value), *history)]
    assert codes == (["value-jump"] if jump else [])


def test_no_figure_no_warning():
    assert warnings_for(sub(3, Q), sub(3, Quarter(2025, 2), green_products=3)) == []


def test_analysis_does_not_import_the_intake_reader():
    import ast

    root = Path(H.__file__).resolve().parent
    for module in root.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {n for n in names if n.startswith("yc_reports.intake") and n != "yc_reports.intake.records"}, module
