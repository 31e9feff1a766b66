"""Which workbook of an earlier quarter counts for its action (intake.selection.choose_for_history)."""

from __future__ import annotations

import datetime as dt

from report_fixtures import result, submission
from yc_reports.intake import selection as S
from yc_reports.intake.records import BasicInfo
from yc_reports.issues import IssueCode, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry

REGISTRY = load_registry()
Q = Quarter(2025, 3)


def sub(action_id: int, quarter: Quarter, **values):
    return submission(REGISTRY, action_id, quarter, values=values)


def test_choose_prefers_error_free_then_latest_fill_date_then_name():
    q = Quarter(2025, 2)
    early = submission(REGISTRY, 3, q, file="a.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 1)))
    late = submission(REGISTRY, 3, q, file="b.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 9)))
    wrong = make_issue(IssueCode.NUMBER_INVALID, "c.xlsx", "指标进展", "H4", value="x")
    latest_with_error = submission(REGISTRY, 3, q, file="c.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 20)))
    chosen = S.choose_for_history([result(early), result(late), result(latest_with_error, issues=[wrong])],
                                  REGISTRY, q)
    assert chosen[3].file == "b.xlsx"
    assert S.choose_for_history([result(latest_with_error, issues=[wrong])], REGISTRY, q)[3].file == "c.xlsx"


def test_choose_ignores_other_quarters_plans_and_unreadable():
    q = Quarter(2025, 2)
    results = [result(sub(3, Quarter(2025, 1))), result(submission(REGISTRY, 4, q, plan_id="other")),
               result(None, file="broken.xlsx")]
    assert S.choose_for_history(results, REGISTRY, q) == {}
