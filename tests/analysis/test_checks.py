"""Checks computed by hand from the shipped plan's own targets: every indicator, every kind, every edge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report_fixtures import D, project
from yc_reports.analysis import checks
from yc_reports.analysis.model import Entry, EntryProblem, GreyReason, Light, Reason, ReasonKind, Status
from yc_reports.intake.records import ProjectStatus, TaskEntry, TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Baseline, Direction, Registry, load_registry

REGISTRY = load_registry()
START = REGISTRY.plan.start_year
TH = REGISTRY.thresholds


def ind(key: str):
    return next(i for a in REGISTRY.actions for i in a.indicators if i.key == key)


def judge(indicator, quarter: str, actual: str | None):
    return checks.indicator_result(indicator, Quarter.parse(quarter), plan_start_year=START, thresholds=TH,
                                   actual=None if actual is None else D(actual))


# (key, quarter, actual, time progress, completion, gap points, status) — all worked out on paper.
# Cumulative paths run from (2022, 0) to (target year + 1, T); flows use q/4 of their own year's target (no
# status in a year without one); a level without a baseline has no status before its target year's Q4; an
# expired target is judged only on its target year's Q4 figure (none given here: 无当年数据, no_data).
CASES = [
    # 一: targets left to the province (待下达) — no status, no progress, whatever is reported
    ("energy_intensity_reduction", "2025Q3", "3.1", None, None, None, Status.NOT_RATED),
    ("energy_intensity_reduction", "2023Q4", "2.0", None, None, None, Status.NOT_RATED),
    ("co2_intensity_reduction", "2025Q3", "4", None, None, None, Status.NOT_RATED),
    ("pollutant_reduction", "2025Q4", "5", None, None, None, Status.NOT_RATED),
    # 三: cumulative to 2025, path (2022, 0) → (2026, T)
    ("green_factories", "2025Q3", "8", Fraction(15, 16), Fraction(2, 3), Fraction(-1300, 48), Status.WATCH),
    ("green_factories", "2024Q2", "8", Fraction(5, 8), Fraction(2, 3), Fraction(200, 48), Status.ON_TRACK),
    ("green_factories", "2023Q4", "4.8", Fraction(1, 2), Fraction(2, 5), Fraction(-10), Status.ON_TRACK),
    ("green_factories", "2023Q4", "2.4", Fraction(1, 2), Fraction(1, 5), Fraction(-30), Status.WATCH),
    ("green_factories", "2023Q4", "7.2", Fraction(1, 2), Fraction(3, 5), Fraction(10), Status.AHEAD),
    ("green_factories", "2023Q4", "2.3", Fraction(1, 2), Fraction(23, 120), Fraction(-925, 30), Status.LAGGING),
    ("green_factories", "2025Q4", "12", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("green_factories", "2025Q4", "11", Fraction(1), Fraction(11, 12), Fraction(-100, 12), Status.NOT_MET),
    ("green_products", "2025Q3", "2", Fraction(15, 16), Fraction(1), Fraction(25, 4), Status.ON_TRACK),
    ("green_products", "2025Q3", "1", Fraction(15, 16), Fraction(1, 2), Fraction(-175, 4), Status.LAGGING),
    ("green_parks", "2022Q2", "0", Fraction(1, 8), Fraction(0), Fraction(-25, 2), Status.WATCH),
    ("green_parks", "2022Q1", "0", Fraction(1, 16), Fraction(0), Fraction(-25, 4), Status.ON_TRACK),
    ("green_supply_chains", "2024Q4", "1", Fraction(3, 4), Fraction(1, 2), Fraction(-25), Status.WATCH),
    ("green_supply_chains", "2025Q4", "2", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    # 四: cumulative to 2023, path (2022, 0) → (2024, T); after 2023 only met / not met
    ("innovation_platforms", "2023Q2", "15", Fraction(3, 4), Fraction(3, 4), Fraction(0), Status.ON_TRACK),
    ("innovation_platforms", "2022Q4", "14", Fraction(1, 2), Fraction(7, 10), Fraction(20), Status.AHEAD),
    ("innovation_platforms", "2023Q4", "20", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("innovation_platforms", "2023Q4", "19", Fraction(1), Fraction(19, 20), Fraction(-5), Status.NOT_MET),
    ("innovation_platforms", "2024Q2", "21", None, None, None, Status.NO_DATA),   # 2023Q4 not on record
    ("tech_projects", "2022Q4", "1", Fraction(1, 2), Fraction(1, 5), Fraction(-30), Status.WATCH),
    ("tech_projects", "2023Q1", "1", Fraction(5, 8), Fraction(1, 5), Fraction(-85, 2), Status.LAGGING),
    ("tech_projects", "2025Q3", "4", None, None, None, Status.NO_DATA),
    # 四: levels without a baseline, 100% by 2025: no status before 2025Q4, then met / not met
    ("rd_institution_coverage", "2024Q3", "90", None, None, None, Status.NOT_RATED),
    ("rd_institution_coverage", "2025Q3", "89.9", None, None, None, Status.NOT_RATED),
    ("rd_institution_coverage", "2025Q4", "100", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("rd_institution_coverage", "2025Q4", "99.5", Fraction(1), Fraction(199, 200), Fraction(-1, 2),
     Status.NOT_MET),
    ("rd_activity_coverage", "2023Q2", "70", None, None, None, Status.NOT_RATED),
    ("rd_activity_coverage", "2025Q1", "110", None, None, None, Status.NOT_RATED),
    ("rd_activity_coverage", "2025Q4", "110", Fraction(1), Fraction(11, 10), Fraction(10), Status.MET),
    # 五: a flow with a ceiling — gap = time progress − completion
    ("water_use_total", "2025Q3", "16.8", Fraction(3, 4), Fraction(3, 4), Fraction(0), Status.ON_TRACK),
    ("water_use_total", "2025Q3", "19.04", Fraction(3, 4), Fraction(17, 20), Fraction(-10), Status.ON_TRACK),
    # −10.0004 is printed −10.0: judged as printed, on track (second version)
    ("water_use_total", "2025Q3", "19.0401", Fraction(3, 4), Fraction(190401, 224000),
     Fraction(3, 4) * 100 - Fraction(190401, 2240), Status.ON_TRACK),
    ("water_use_total", "2025Q3", "14.56", Fraction(3, 4), Fraction(13, 20), Fraction(10), Status.AHEAD),
    # 23.52 > 22.4: the whole year's ceiling already broken in Q3 — lagging (second version)
    ("water_use_total", "2025Q3", "23.52", Fraction(3, 4), Fraction(21, 20), Fraction(-30), Status.LAGGING),
    ("water_use_total", "2025Q3", "17.92", Fraction(3, 4), Fraction(4, 5), Fraction(-5), Status.ON_TRACK),
    ("water_use_total", "2025Q3", "23.6", Fraction(3, 4), Fraction(236, 224), Fraction(75) - Fraction(23600, 224),
     Status.LAGGING),
    ("water_use_total", "2024Q4", "20.16", None, None, None, Status.NOT_RATED),   # no 2024 ceiling of its own
    ("water_use_total", "2025Q4", "22.4", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("water_use_total", "2025Q4", "22.41", Fraction(1), Fraction(2241, 2240), Fraction(-100, 2240),
     Status.NOT_MET),
    # 五: a floor level without a baseline; two targets left to be set
    ("eco_base_flow", "2024Q1", "92", None, None, None, Status.NOT_RATED),
    ("eco_base_flow", "2025Q4", "90", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("eco_base_flow", "2025Q4", "89", Fraction(1), Fraction(89, 90), Fraction(-10, 9), Status.NOT_MET),
    ("water_use_efficiency", "2025Q3", "15", None, None, None, Status.NOT_RATED),
    ("water_quality_compliance", "2025Q4", "100", None, None, None, Status.NOT_RATED),
    # 八: a growth rate (level, no baseline) targeted for 2023; the scale's 2020 base is not yet set
    ("green_finance_growth", "2023Q2", "22", None, None, None, Status.NOT_RATED),
    ("green_finance_growth", "2023Q4", "19.9", Fraction(1), Fraction(199, 200), Fraction(-1, 2), Status.NOT_MET),
    ("green_finance_growth", "2023Q4", "20", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("green_finance_growth", "2024Q3", "25", None, None, None, Status.NO_DATA),
    ("green_finance_scale", "2025Q3", "900", None, None, None, Status.NOT_RATED),
    # 十: flows against q/4 of the 2025 target
    ("tourist_arrivals", "2025Q2", "0.5", Fraction(1, 2), Fraction(2, 5), Fraction(-10), Status.ON_TRACK),
    ("tourist_arrivals", "2025Q2", "0.375", Fraction(1, 2), Fraction(3, 10), Fraction(-20), Status.WATCH),
    ("tourist_arrivals", "2024Q4", "1.0", None, None, None, Status.NOT_RATED),   # 2025's total is not 2024's
    ("tourist_arrivals", "2025Q4", "1.0", Fraction(1), Fraction(4, 5), Fraction(-20), Status.NOT_MET),
    ("tourist_arrivals", "2025Q4", "1.25", Fraction(1), Fraction(1), Fraction(0), Status.MET),
    ("tourist_arrivals", "2025Q4", "1.2", Fraction(1), Fraction(24, 25), Fraction(-4), Status.NOT_MET),
    ("tourism_revenue", "2025Q1", "700", Fraction(1, 4), Fraction(7, 20), Fraction(10), Status.AHEAD),
    ("tourism_revenue", "2023Q3", "900", None, None, None, Status.NOT_RATED),
    ("tourism_revenue", "2025Q3", "900", Fraction(3, 4), Fraction(9, 20), Fraction(-30), Status.WATCH),
    ("tourism_revenue", "2025Q3", "899", Fraction(3, 4), Fraction(899, 2000), Fraction(-601, 20), Status.LAGGING),
]


def test_every_indicator_of_the_plan_is_covered():
    plan_keys = {i.key for a in REGISTRY.actions for i in a.indicators}
    assert {case[0] for case in CASES} == plan_keys


@pytest.mark.parametrize("key,quarter,actual,progress,completion,gap,status", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_indicator_status_by_hand(key, quarter, actual, progress, completion, gap, status):
    r = judge(ind(key), quarter, actual)
    assert (r.time_progress, r.completion, r.gap_points, r.status) == (progress, completion, gap, status)
    assert r.actual == (D(actual) if r.current else None)   # a stage result shows only its Q4 figure


def test_target_year_and_target_come_from_the_registry():
    r = judge(ind("innovation_platforms"), "2025Q3", "30")
    assert (r.target_year, r.target, r.target_note) == (2023, Decimal(20), "20家以上")
    assert judge(ind("tech_projects"), "2022Q4", "1").target_note == "5—10项"


def test_no_figure_keeps_time_progress_but_no_status():
    r = judge(ind("green_factories"), "2025Q3", None)
    assert (r.status, r.completion, r.gap_points, r.time_progress) == (Status.NO_DATA, None, None, Fraction(15, 16))


def test_pending_target_reports_no_progress_at_all():
    r = judge(ind("green_finance_scale"), "2025Q3", None)
    assert (r.target, r.time_progress, r.status) == (None, None, Status.NOT_RATED)


# ------------------------------------------------------------------------------------ paths with more data


def with_baseline(value: str):
    """绿色融资规模 once the office has filled in the 2020 figure: target = 2 × base by 2025."""
    return dataclasses.replace(ind("green_finance_scale"), baseline=Baseline(2020, D(value)))


def test_multiple_of_base_year_target_and_its_path():
    scale = with_baseline("500")
    assert scale.target_value(2025) == Decimal(1000)
    # baseline path (end of 2020 = 2021, 500) → (2026, 1000), 20 quarters: at 2025Q3, 19 quarters elapsed
    # time progress 19/20; completion (900 − 500) / (1000 − 500) = 4/5; gap 80 − 95 = −15 → watch
    r = judge(scale, "2025Q3", "900")
    assert (r.time_progress, r.completion, r.gap_points, r.status) == (
        Fraction(19, 20), Fraction(4, 5), Fraction(-15), Status.WATCH)
    assert r.baseline == Decimal(500)
    # at 2022Q1: 5 of 20 quarters
    assert judge(scale, "2022Q1", "600").time_progress == Fraction(1, 4)
    # the watch boundary: completion 0.95 − 0.30 = 0.65 → 825; 824.9 → −30.02, printed −30.0: watch;
    # 824.7 → −30.06, printed −30.1: lagging
    assert judge(scale, "2025Q3", "825").status is Status.WATCH
    assert judge(scale, "2025Q3", "824.9").status is Status.WATCH
    assert judge(scale, "2025Q3", "824.7").status is Status.LAGGING
    assert judge(scale, "2025Q4", "1000").status is Status.MET
    assert judge(scale, "2025Q4", "999").status is Status.NOT_MET


def test_cumulative_path_starts_at_the_previous_target_point():
    # an annual target set by the office (细化各年度目标任务): 6 by 2023, 12 by 2025
    factories = dataclasses.replace(ind("green_factories"), targets={2023: D(6), 2025: D(12)})
    # 2023: path (2022, 0) → (2024, 6); at 2023.5 it asks 4.5 of 6
    assert judge(factories, "2023Q2", "4.5").time_progress == Fraction(3, 4)
    assert judge(factories, "2023Q4", "6").status is Status.MET
    # 2025: path (2024, 6) → (2026, 12); at 2024.5 it asks 7.5 of 12
    r = judge(factories, "2024Q2", "7.5")
    assert (r.target_year, r.time_progress, r.gap_points) == (2025, Fraction(5, 8), Fraction(0))


def test_level_baseline_path_starts_at_the_base_never_at_an_earlier_stage_target():
    scale = dataclasses.replace(with_baseline("500"), targets={2023: D(700), 2025: None})
    # 2025 target 1000 (2 × 500); the 2023 target 700 is a stage target, not a base: the path runs from
    # (2021, 500). At 2025Q1 17 of 20 quarters elapsed; completion (850 − 500) / (1000 − 500) = 7/10
    r = judge(scale, "2025Q1", "850")
    assert (r.time_progress, r.completion, r.baseline, r.baseline_year) == (
        Fraction(17, 20), Fraction(7, 10), D(500), 2020)
    # 2023: the path to the stage target also runs from the base: (2021, 500) → (2024, 700), 10 of 12 quarters
    # elapsed at 2023Q2
    r = judge(scale, "2023Q2", "640")
    assert (r.target_year, r.time_progress, r.completion) == (2023, Fraction(5, 6), Fraction(7, 10))


def test_time_progress_of_a_flow_is_q_over_4_in_every_quarter():
    arrivals = ind("tourist_arrivals")
    for q in (1, 2, 3, 4):
        assert checks.time_progress(arrivals, Quarter(2024, q), START) == Fraction(q, 4)


def test_gap_sign_for_floor_and_ceiling():
    assert checks.gap_points(Fraction(1, 2), Fraction(3, 4), Direction.FLOOR) == -25
    assert checks.gap_points(Fraction(1, 2), Fraction(3, 4), Direction.CEILING) == 25


@pytest.mark.parametrize("gap,status", [
    # judged as printed (one decimal, half up): 9.99 prints 10.0, −30.01 prints −30.0, −30.05 prints −30.1
    (Fraction(10), Status.AHEAD), (Fraction(999, 100), Status.AHEAD), (Fraction(994, 100), Status.ON_TRACK),
    (Fraction(-10), Status.ON_TRACK), (Fraction(-1004, 100), Status.ON_TRACK), (Fraction(-1005, 100), Status.WATCH),
    (Fraction(-30), Status.WATCH), (Fraction(-3001, 100), Status.WATCH), (Fraction(-3005, 100), Status.LAGGING),
])
def test_status_thresholds_apply_to_the_printed_gap(gap, status):
    assert checks.status_from_gap(gap, TH) is status


def test_thresholds_come_from_the_registry():
    strict = dataclasses.replace(TH, ahead=Decimal(5), on_track=Decimal(-5), watch=Decimal(-15))
    assert checks.status_from_gap(Fraction(-10), strict) is Status.WATCH
    assert checks.status_from_gap(Fraction(5), strict) is Status.AHEAD


def test_change_ratios():
    r = checks.indicator_result(ind("green_factories"), Quarter(2025, 3), plan_start_year=START, thresholds=TH,
                                actual=D(9), previous=D(8), last_year=D(6))
    assert (r.qoq, r.yoy) == (Fraction(1, 8), Fraction(1, 2))
    assert checks.change_ratio(D(5), D(0)) is None
    assert checks.change_ratio(None, D(3)) is None


# ------------------------------------------------------------------------------------ monotonic


RANK = checks.STATUS_RANK
quarters = st.builds(Quarter, st.integers(2022, 2025), st.integers(1, 4))
figures = st.decimals(min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False)
with_targets = [i for a in REGISTRY.actions for i in a.indicators
                if any(i.target_value(y) is not None for y in i.targets)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(with_targets), quarters, figures, figures)
def test_more_progress_never_gives_a_worse_status(indicator, quarter, a, b):
    low, high = sorted((a, b))
    s_low = checks.indicator_result(indicator, quarter, plan_start_year=START, thresholds=TH, actual=low).status
    s_high = checks.indicator_result(indicator, quarter, plan_start_year=START, thresholds=TH, actual=high).status
    if {s_low, s_high} & {Status.NOT_RATED, Status.NO_DATA}:
        assert s_low is s_high   # not judged this quarter (or a stage result without its year's figure) either way
        return
    if indicator.direction is Direction.CEILING:
        assert RANK[s_high] <= RANK[s_low]   # using more of a ceiling is never better
    else:
        assert RANK[s_high] >= RANK[s_low]


@settings(max_examples=200, deadline=None)
@given(quarters, figures, figures, st.decimals(min_value=1, max_value=5000, places=0))
def test_more_investment_never_gives_a_worse_project_status(quarter, a, b, plan):
    low, high = sorted((a, b))
    statuses = [checks.project_result(project("p", annual_plan=str(plan), ytd=str(v), status=ProjectStatus.UNDER_CONSTRUCTION),
                                      quarter, TH).status for v in (low, high)]
    assert RANK[statuses[1]] >= RANK[statuses[0]]


# ------------------------------------------------------------------------------------ tasks


def registry_task(key: str):
    return next(t for a in REGISTRY.actions for t in a.tasks if t.key == key)


def entry(task, status: TaskStatus | None, problems: str = "") -> TaskEntry:
    return TaskEntry(row=4, key=task.key, content=task.content, deadline=task.deadline, status=status,
                     progress="", problems=problems)


@pytest.mark.parametrize("quarter,status,overdue,behind", [
    ("2023Q4", TaskStatus.ON_SCHEDULE, True, True),    # deadline 2023-12-31 is the quarter's last day
    ("2023Q4", TaskStatus.DONE, False, False),
    ("2023Q4", TaskStatus.NOT_STARTED, True, True),
    ("2023Q3", TaskStatus.ON_SCHEDULE, False, False),
    ("2023Q3", TaskStatus.BEHIND, False, True),
    ("2024Q1", None, True, True),                      # the row left blank
])
def test_task_overdue_and_behind(quarter, status, overdue, behind):
    task = registry_task("water_allocation")  # 2023-12-31
    t = checks.task_result(task, entry(task, status), Quarter.parse(quarter))
    assert (t.overdue, t.behind) == (overdue, behind)


def test_registry_task_missing_from_workbook_is_judged_unreported():
    action = REGISTRY.action(2)
    results = checks.task_results(action.tasks, [], Quarter(2023, 1))
    assert [(t.key, t.reported, t.overdue) for t in results] == [
        ("eco_value_study", None, True), ("eco_value_demos", None, False), ("eco_value_framework", None, False)]


def test_registry_content_and_deadline_win_and_unit_tasks_follow():
    action = REGISTRY.action(5)
    changed = TaskEntry(row=4, key="water_allocation", content="改过的内容", deadline=dt.date(2030, 1, 1),
                        status=TaskStatus.ON_SCHEDULE, progress="", problems="资金不足")
    own = TaskEntry(row=9, key="", content="=单位自行增加的任务", deadline=dt.date(2025, 6, 30),
                    status=TaskStatus.ON_SCHEDULE, progress="", problems="")
    results = checks.task_results(action.tasks, [changed, own], Quarter(2025, 3))
    assert [(t.content, t.deadline, t.overdue) for t in results] == [
        ("完成重要河流水量分配和生态流量保障目标确定", dt.date(2023, 12, 31), True),
        ("全面实施最严格水资源管理制度和国家节水行动方案", dt.date(2025, 12, 31), False),
        ("=单位自行增加的任务", dt.date(2025, 6, 30), True),
    ]
    assert results[0].problems == "资金不足"


# ------------------------------------------------------------------------------------ projects


@pytest.mark.parametrize("quarter,plan,ytd,status", [
    ("2025Q3", "1000", "650", Status.ON_TRACK),   # 65% against 75%: −10 exactly
    ("2025Q3", "1000", "649", Status.WATCH),
    ("2025Q3", "1000", "450", Status.WATCH),      # −30 exactly
    ("2025Q3", "1000", "449", Status.LAGGING),
    ("2025Q1", "1000", "350", Status.AHEAD),      # +10 exactly
    ("2025Q4", "1000", "1000", Status.MET),
    ("2025Q4", "1000", "999", Status.NOT_MET),
    ("2025Q3", "0", "10", Status.NO_DATA),
    ("2025Q3", None, "10", Status.NO_DATA),
    ("2025Q3", "1000", None, Status.NO_DATA),
])
def test_project_investment_status(quarter, plan, ytd, status):
    p = checks.project_result(project("项目", annual_plan=plan, ytd=ytd, status=ProjectStatus.UNDER_CONSTRUCTION),
                              Quarter.parse(quarter), TH)
    assert p.status is status
    assert p.time_progress == Quarter.parse(quarter).year_progress


@pytest.mark.parametrize("status,start,late", [
    (ProjectStatus.NOT_STARTED, dt.date(2025, 9, 30), True),
    (ProjectStatus.NOT_STARTED, dt.date(2025, 10, 1), False),
    (ProjectStatus.UNDER_CONSTRUCTION, dt.date(2025, 1, 1), False),
    (ProjectStatus.NOT_STARTED, None, False),
])
def test_project_late_start(status, start, late):
    p = checks.project_result(project("项目", annual_plan="100", ytd="0", status=status, planned_start=start),
                              Quarter(2025, 3), TH)
    assert p.late_start is late


# ------------------------------------------------------------------------------------ lights, sentences


def results_for(*pairs):
    return [judge(ind(key), "2025Q3", actual) for key, actual in pairs]


def test_light_red_yellow_green_grey():
    q = Quarter(2025, 3)
    on_track = results_for(("green_products", "2"))
    watch = results_for(("green_factories", "8"))
    lagging = results_for(("green_parks", "0"))
    assert checks.action_light(on_track, []).light is Light.GREEN
    assert checks.action_light(on_track + watch, []).light is Light.YELLOW
    assert checks.action_light(on_track + watch + lagging, []).light is Light.RED
    assert checks.not_submitted().light is Light.GREY
    task = registry_task("water_allocation")
    overdue = checks.task_result(task, entry(task, TaskStatus.ON_SCHEDULE), q)
    assert checks.action_light(on_track, [overdue]).light is Light.RED
    done = checks.task_result(task, entry(task, TaskStatus.DONE), q)
    assert checks.action_light(on_track, [done]).light is Light.GREEN


def test_target_not_yet_set_alone_keeps_green():
    r = results_for(("energy_intensity_reduction", "3"), ("green_products", "2"))
    assert checks.action_light(r, []).light is Light.GREEN


def test_light_reasons_are_facts_red_first():
    facts = results_for(("green_products", "2"), ("green_factories", "5"), ("green_parks", "1"))
    decision = checks.action_light(facts, [])
    # 5/12 = 41.7% against 93.75%: −52.1 lagging; 1/2 = 50% against 93.75%: −43.8 lagging
    assert decision.light is Light.RED
    assert [(r.kind, r.indicator.key) for r in decision.reasons] == [
        (ReasonKind.INDICATOR, "green_factories"), (ReasonKind.INDICATOR, "green_parks")]
    assert all(isinstance(r, Reason) for r in decision.reasons)


def test_unusable_entries_are_a_yellow_reason_and_make_the_data_incomplete():
    entry = Entry(EntryProblem.UNUSABLE, "重大项目", "中心城区污水处理厂提标扩能工程", "本年累计完成投资（万元）", "约1.8亿")
    decision = checks.action_light(results_for(("green_products", "2")), [], entries=[entry])
    assert decision.light is Light.YELLOW
    assert decision.reasons == (Reason(ReasonKind.ENTRIES, entries=(entry,)),)
    assert decision.data_complete is False


def test_two_differing_workbooks_are_red_and_unreadable_is_grey():
    assert checks.unusable(ReasonKind.DUPLICATE) == checks.LightDecision(Light.RED, (Reason(ReasonKind.DUPLICATE),))
    grey = checks.unusable(ReasonKind.NO_VALID_DATA)
    assert (grey.light, grey.grey_reason) == (Light.GREY, GreyReason.NO_VALID_DATA)


@pytest.mark.parametrize("quarter,expected", [
    ("2025Q3", dt.date(2025, 10, 10)), ("2025Q4", dt.date(2026, 1, 10)), ("2024Q1", dt.date(2024, 4, 10))])
def test_default_report_date(quarter, expected):
    assert checks.default_report_date(Quarter.parse(quarter)) == expected


def test_checks_module_does_no_io():
    source = Path(checks.__file__).read_text(encoding="utf-8")
    for forbidden in ("openpyxl", "open(", "pathlib", "print("):
        assert forbidden not in source


def test_registry_is_the_shipped_one():
    assert isinstance(REGISTRY, Registry) and REGISTRY.plan.start_year == 2022
