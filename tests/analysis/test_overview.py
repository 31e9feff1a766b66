"""The quarter's whole picture (analysis/overview.py): the tally, the grade by the plan's thresholds, the plan
position, and the 督办 items by unit — computed by hand from small hand-made reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

import chart_fixtures as fx
from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import Light, Reason, ReasonKind, Status, TaskResult
from yc_reports.analysis.overview import (
    Grade,
    ProjectState,
    Stage,
    TaskState,
    overall_grade,
    overview,
    plan_position,
    task_state,
)
from yc_reports.intake.records import TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Thresholds


def report_at(quarter: Quarter, **changes):
    report = fx.quarter_report()
    return dataclasses.replace(report, quarter=quarter, time_progress=quarter.year_progress, **changes)


@pytest.mark.parametrize(("quarter", "stage"), [
    (Quarter(2022, 2), Stage.FIRST_YEAR),
    (Quarter(2024, 2), Stage.ORDINARY),            # the fixture's indicators all fall due in 2025
    (Quarter(2025, 2), Stage.LAST_YEAR),
    (Quarter(2025, 4), Stage.LAST_QUARTER),
    (Quarter(2026, 1), Stage.AFTER_END),
])
def test_the_quarter_knows_its_place_in_the_plan(quarter: Quarter, stage: Stage):
    assert plan_position(report_at(quarter)).stage is stage


def test_a_year_with_targets_due_is_a_target_year_and_counts_them():
    report = report_at(Quarter(2023, 3))
    three = report.action(3)
    due = dataclasses.replace(three.indicators[0], target_year=2023)
    report = dataclasses.replace(report, actions=tuple(
        dataclasses.replace(a, indicators=(due, *a.indicators[1:])) if a.action.id == 3 else a for a in report.actions))
    position = plan_position(report)
    assert position.stage is Stage.TARGET_YEAR and position.due_this_year == 1
    assert not position.last_year and not position.first_year and position.quarters_left_in_year == 1


def with_projects():
    report = fx.quarter_report()
    return dataclasses.replace(report, actions=tuple(
        dataclasses.replace(a, projects=fx.PROJECTS) if a.action.id == 3 else a for a in report.actions))


def test_the_tally_counts_every_current_item_of_the_actions_with_usable_data():
    o = overview(with_projects())
    # 一 (目标待下达: not rated), 三 (ahead, watch, lagging, no data), 四 and 五 (on track); 六 not submitted
    assert o.indicators.total == 7
    assert dict(o.indicators.counts) == {Status.AHEAD: 1, Status.ON_TRACK: 2, Status.WATCH: 1, Status.LAGGING: 1,
                                         Status.NO_DATA: 2}
    assert o.indicators.share(Status.MET, Status.AHEAD, Status.ON_TRACK) == Fraction(3, 7)
    assert dict(o.tasks.counts) == {TaskState.DONE: 1, TaskState.ON_SCHEDULE: 2, TaskState.BEHIND: 1}
    assert dict(o.projects.counts) == {ProjectState.ON_TRACK: 1, ProjectState.WATCH: 1, ProjectState.LAGGING: 1}
    assert (o.investment.annual_plan, o.investment.ytd) == (Decimal(79000), Decimal(53600))
    # judged: 5 rated indicators + 4 tasks + 3 projects; on schedule: 3 + 3 + 1
    assert (o.judged, o.on_schedule) == (12, 7)
    assert [a.action.id for a in o.unsubmitted] == [6] and [a.action.id for a in o.pending] == [9]


@pytest.mark.parametrize(("share", "grade"), [
    (Fraction(85, 100), Grade.GOOD), (Fraction(8499, 10000), Grade.GOOD),   # printed 85.0 %
    (Fraction(8494, 10000), Grade.FAIR), (Fraction(70, 100), Grade.FAIR), (Fraction(6949, 10000), Grade.POOR),
    (None, None)])
def test_the_grade_follows_the_thresholds_as_printed(share, grade):
    assert overall_grade(share, Thresholds()) is grade


def test_the_office_sets_the_grade_thresholds():
    strict = Thresholds(overall_good=Decimal(95), overall_fair=Decimal(90))
    assert overall_grade(Fraction(9, 10), strict) is Grade.FAIR and overall_grade(Fraction(89, 100), strict) is Grade.POOR


def test_task_states():
    def t(reported, overdue=False):
        return TaskResult(key="k", content="c", deadline=dt.date(2025, 12, 31), reported=reported, overdue=overdue,
                          behind=overdue or reported is TaskStatus.BEHIND, progress="", problems="")
    assert [task_state(t(s)) for s in (TaskStatus.DONE, TaskStatus.ON_SCHEDULE, TaskStatus.NOT_STARTED,
                                        TaskStatus.BEHIND, None)] == [
        TaskState.DONE, TaskState.ON_SCHEDULE, TaskState.NOT_STARTED, TaskState.BEHIND, TaskState.UNREPORTED]
    assert task_state(t(TaskStatus.ON_SCHEDULE, overdue=True)) is TaskState.OVERDUE


def item(id_: str, action_id: int, units: str, since: Quarter, state: LedgerState, closed_in=None) -> LedgerItem:
    reason = Reason(ReasonKind.INDICATOR, indicator=fx.GREEN_PARKS)
    return LedgerItem(id=id_, action_id=action_id, action_name="", lead_units=units, reason=reason, unit_problem="",
                      since=since, deadline=dt.date(since.year, 10, 25), state=state, closed_in=closed_in)


def test_the_ledger_items_of_the_quarter_and_the_units_behind_with_them():
    q = fx.Q
    ledger = (item("2024Q3-09-1", 9, "市住建局", Quarter(2024, 3), LedgerState.OVERDUE),
              item("2024Q3-03-1", 3, "市经信局", Quarter(2024, 3), LedgerState.OVERDUE),
              item("2024Q4-09-2", 9, "市住建局", Quarter(2024, 4), LedgerState.OVERDUE),
              item("2025Q2-07-1", 7, "市发改委", Quarter(2025, 2), LedgerState.CLOSED, closed_in=q),
              item("2025Q2-10-1", 10, "市文化和旅游局", Quarter(2025, 2), LedgerState.OPEN),
              item("2025Q3-03-1", 3, "市经信局", q, LedgerState.OPEN))
    o = overview(dataclasses.replace(fx.quarter_report(), ledger=ledger))
    assert [i.id for i in o.new_items] == ["2025Q3-03-1"] and [i.id for i in o.open_items] == ["2025Q2-10-1"]
    assert [i.id for i in o.closed_now] == ["2025Q2-07-1"]
    assert [(g.lead_units, [i.id for i in g.items]) for g in o.overdue_units] == [
        ("市经信局", ["2024Q3-03-1"]), ("市住建局", ["2024Q3-09-1", "2024Q4-09-2"])]
    assert o.deadline == dt.date(2025, 10, 25) and o.review_date == dt.date(2025, 11, 9)


def test_named_lists_and_the_units_own_words():
    report = fx.quarter_report()
    three = report.action(3)
    slow = dataclasses.replace(fx.GREEN_PARKS, note="园区评审延期")
    report = dataclasses.replace(report, actions=tuple(
        dataclasses.replace(a, indicators=(three.indicators[0], three.indicators[1], slow, three.indicators[3]))
        if a.action.id == 3 else a for a in report.actions))
    o = overview(report)
    assert [n.item.name for n in o.ahead] == ["开发绿色产品数量"]
    assert [n.item.name for n in o.behind] == ["建设绿色园区数量"] and [n.item.name for n in o.watch] == ["新增绿色工厂数量"]
    assert [(c.action.action.lead_units_text, c.text) for c in o.causes] == [("市经信局", "园区评审延期")]
    assert [n.item.content for n in o.slow_tasks] == ["推进宜荆荆都市圈协同"]
    assert Light.GREY not in {n.action.light for n in o.behind}


def test_the_same_words_are_quoted_once():
    """市发改委 leads four actions: the summary it wrote alike for each is one quote, not four."""
    from yc_reports.analysis.overview import UnitWords, distinct

    first, second = object(), object()
    words = [UnitWords(first, "", "本季度各项工作有序推进"), UnitWords(second, "", "本季度各项工作有序推进"),
             UnitWords(second, "", "完成绿色工厂认定2家")]
    assert distinct(words) == (words[0], words[2])
