"""Checks: pure functions from the plan and one quarter's records to statuses, lights and lists.

No I/O here. Figures stay Decimal, ratios are exact Fractions; text is rounded only where a sentence
is written (light reasons, commendations, supervision), with ROUND_HALF_UP.

The rules (decided by the lead; the tests compute them by hand):

Indicators. Let q be the quarter, Y = indicator.target_year_for(q), T = indicator.target_value(Y).

- T is None (left to the province or the office): status ``no_data``; completion, time progress and
  gap are None (reported as 目标待定). An unreported figure (actual None) is ``no_data`` as well.
- Positions are in years (`Quarter.position`: the end of 2024 is 2025, the end of 2025Q3 is 2025.75).
  expected(q) is the value the path asks for at q.position; time_progress = expected / T and
  completion = actual / T.

  * flow (a total within one year): expected = T × q/4, so time_progress = q/4.
  * cumulative (a count since the plan began): linear from (plan start year, 0), or from the previous
    target year's point (Yp + 1, Tp) when an earlier target year has a value, to (Y + 1, T).
    新增绿色工厂 12 by 2025, at 2025Q3: time_progress = 3.75 / 4 = 0.9375.
  * level (a rate or a stock at the quarter's end): with a baseline whose value is set, linear from
    (baseline.year + 1, baseline.value), or the previous target's point if later, to (Y + 1, T);
    without one the floor applies at once, time_progress = 1.
  * gap_points = (completion − time_progress) × 100 for a floor; for a ceiling (用水总量) it is
    (time_progress − completion) × 100, since using more than the pro-rata ceiling is behind.
  * status from the gap and the registry thresholds (default ahead=10, on_track=−10, watch=−30):
    gap ≥ ahead → ahead; on_track ≤ gap < ahead → on_track; watch ≤ gap < on_track → watch;
    gap < watch → lagging. Comparisons are exact: a gap of exactly −10 is on_track, −30 is watch.
  * In the last quarter of the target year (q.year == Y and q.q == 4), and in any quarter after the
    last target year (q.year > Y): met when actual ≥ T (floor) or actual ≤ T (ceiling), else not_met.

Tasks. overdue = deadline set, deadline ≤ the quarter's last day and the unit did not report 已完成
(whatever else it wrote); behind = reported 滞后, or overdue. A registry task missing from the
workbook is judged with reported None.

Projects. completion = ytd / annual plan (None when either is missing or the plan is 0);
time_progress = q/4; gap and status as for indicators; in Q4 met / not_met (ytd ≥ annual plan).
late_start = 未开工 and planned start ≤ the quarter's last day. Projects never change the light, but a
late start or a lagging / not_met project goes on the supervision list.

Lights. grey when no workbook; red when any indicator is lagging or not_met or any task is behind;
else yellow when any indicator is watch; else green. Duplicate workbooks: red, "收到多份报送材料，数据待核实",
no figures used. An unreadable workbook: red, "报送文件无法读取，数据待核实". A readable workbook with
errors: its valid cells are used, the light is computed normally, and the data is marked pending.

Commendations (通报表扬): green actions with at least one indicator ahead or met, whose data is not
pending (figures still to be verified are not praised). Supervision (督促整改): every red action's
lagging / not_met indicators, behind tasks and pending-data reason; every grey action; every late-start
or lagging / not_met project; ordered by action id, then indicators, tasks, projects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Sequence

from yc_reports.analysis.model import (ActionResult, Commendation, IndicatorResult, Light, ProjectResult, Status,
                    SupervisionItem, TaskResult)
from yc_reports.render.numfmt import cn_date, fmt_percent, gap_phrase, with_unit
from yc_reports.plan.quarter import Quarter
from yc_reports.intake.records import ProjectEntry, ProjectStatus, TaskEntry, TaskStatus
from yc_reports.plan.registry import Direction, Indicator, Kind, Task, Thresholds

HUNDRED = Fraction(100)
INVESTMENT_PLACES = 0  # 万元 shown whole in sentences

REASON_DUPLICATE = "收到多份报送材料，数据待核实"
REASON_UNREADABLE = "报送文件无法读取，数据待核实"
REASON_NOT_SUBMITTED = "未按时报送本季度调度数据"
REASON_ALL_ON_TRACK = "各项指标和重点任务均按时序进度推进"
REASON_TASKS_ON_TRACK = "各项重点任务均按计划推进"   # an action whose plan sets no indicator
ITEM_WHOLE_ACTION = "本季度调度数据"
ITEM_DATA = "报送数据"

# Worse to better, for comparing statuses (no_data is not ranked).
STATUS_RANK = {Status.LAGGING: 0, Status.NOT_MET: 0, Status.WATCH: 1, Status.ON_TRACK: 2,
               Status.AHEAD: 3, Status.MET: 3}


# ------------------------------------------------------------------------------------ time progress


@dataclass(frozen=True)
class PathPoint:
    """A point on an indicator's path: the value due at a position in years."""

    position: Fraction
    value: Fraction


def _previous_target_point(indicator: Indicator, target_year: int) -> PathPoint | None:
    earlier = [y for y in indicator.targets if y < target_year and indicator.target_value(y) is not None]
    if not earlier:
        return None
    year = max(earlier)
    return PathPoint(Fraction(year + 1), Fraction(indicator.target_value(year)))


def path_start(indicator: Indicator, target_year: int, plan_start_year: int) -> PathPoint | None:
    """Where the path to the target year's value begins; None when the target applies at once."""
    previous = _previous_target_point(indicator, target_year)
    if indicator.kind is Kind.CUMULATIVE:
        return previous or PathPoint(Fraction(plan_start_year), Fraction(0))
    if indicator.kind is Kind.LEVEL:
        baseline = indicator.baseline
        if baseline is None or baseline.value is None:
            return None
        start = PathPoint(Fraction(baseline.year + 1), Fraction(baseline.value))
        if previous is not None and previous.position > start.position:
            return previous
        return start
    return None  # flow: judged within the year


def expected_value(indicator: Indicator, quarter: Quarter, plan_start_year: int) -> Fraction | None:
    """The value the indicator's path asks for at the quarter's end (None when the target is not set)."""
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    if target is None:
        return None
    end = PathPoint(Fraction(year + 1), Fraction(target))
    if indicator.kind is Kind.FLOW:
        return end.value * quarter.year_progress
    start = path_start(indicator, year, plan_start_year)
    if start is None or end.position <= start.position:
        return end.value
    position = min(max(quarter.position, start.position), end.position)
    share = (position - start.position) / (end.position - start.position)
    return start.value + (end.value - start.value) * share


def time_progress(indicator: Indicator, quarter: Quarter, plan_start_year: int) -> Fraction | None:
    """时序进度 = expected / target; None when the target is not set or is zero."""
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    if target is None or target == 0:
        return None
    return expected_value(indicator, quarter, plan_start_year) / Fraction(target)


def is_final_check(quarter: Quarter, target_year: int) -> bool:
    """The target year's last quarter, or any quarter after the last target year: met or not."""
    return (quarter.year == target_year and quarter.q == 4) or quarter.year > target_year


def gap_points(completion: Fraction, progress: Fraction, direction: Direction) -> Fraction:
    """(completion − time progress) × 100 for a floor; the other way round for a ceiling."""
    if direction is Direction.CEILING:
        return (progress - completion) * HUNDRED
    return (completion - progress) * HUNDRED


def status_from_gap(gap: Fraction, thresholds: Thresholds) -> Status:
    """Exact comparison against the registry's thresholds (percentage points)."""
    if gap >= Fraction(thresholds.ahead):
        return Status.AHEAD
    if gap >= Fraction(thresholds.on_track):
        return Status.ON_TRACK
    if gap >= Fraction(thresholds.watch):
        return Status.WATCH
    return Status.LAGGING


def target_reached(actual: Decimal, target: Decimal, direction: Direction) -> bool:
    return actual <= target if direction is Direction.CEILING else actual >= target


def change_ratio(current: Decimal | None, base: Decimal | None) -> Fraction | None:
    """(current − base) / base; None when either is missing or the base is zero."""
    if current is None or base is None or base == 0:
        return None
    return (Fraction(current) - Fraction(base)) / Fraction(base)


def indicator_result(indicator: Indicator, quarter: Quarter, *, plan_start_year: int,
                     thresholds: Thresholds, actual: Decimal | None, note: str = "", cell: str = "",
                     previous: Decimal | None = None, last_year: Decimal | None = None,
                     trend: Sequence[tuple[Quarter, Decimal | None]] = ()) -> IndicatorResult:
    """One indicator judged at the quarter's end (see the module docstring for the rules)."""
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    progress = time_progress(indicator, quarter, plan_start_year)
    completion = gap = None
    if target is None or actual is None:
        status = Status.NO_DATA
    elif is_final_check(quarter, year):
        status = Status.MET if target_reached(actual, target, indicator.direction) else Status.NOT_MET
        if target != 0:
            completion = Fraction(actual) / Fraction(target)
            gap = gap_points(completion, progress, indicator.direction)
    elif target == 0:
        # Nothing to measure a share of: on track while the figure keeps to the target.
        status = Status.ON_TRACK if target_reached(actual, target, indicator.direction) else Status.LAGGING
    else:
        completion = Fraction(actual) / Fraction(target)
        gap = gap_points(completion, progress, indicator.direction)
        status = status_from_gap(gap, thresholds)
    if target is None:
        progress = None
    return IndicatorResult(
        key=indicator.key, name=indicator.name, unit=indicator.unit, kind=indicator.kind,
        direction=indicator.direction, decimals=indicator.decimals, target_year=year, target=target,
        target_note=indicator.target_note, actual=actual, completion=completion, time_progress=progress,
        gap_points=gap, status=status, note=note, previous=previous, last_year=last_year,
        qoq=change_ratio(actual, previous), yoy=change_ratio(actual, last_year), trend=tuple(trend),
        cell=cell)


# ------------------------------------------------------------------------------------ tasks, projects


def task_result(task: Task | None, entry: TaskEntry | None, quarter: Quarter) -> TaskResult:
    """A key task: the registry's content and deadline win; the unit's entry gives status and text."""
    if task is None and entry is None:
        raise ValueError("task_result needs a registry task or a workbook entry")
    content = task.content if task is not None else entry.content
    deadline = task.deadline if task is not None else entry.deadline
    reported = entry.status if entry is not None else None
    overdue = deadline is not None and deadline <= quarter.end_date and reported is not TaskStatus.DONE
    return TaskResult(
        key=task.key if task is not None else entry.key,
        content=content, deadline=deadline, reported=reported, overdue=overdue,
        behind=reported is TaskStatus.BEHIND or overdue,
        progress=entry.progress if entry is not None else "",
        problems=entry.problems if entry is not None else "")


def task_results(tasks: Sequence[Task], entries: Sequence[TaskEntry], quarter: Quarter) -> tuple[TaskResult, ...]:
    """Registry tasks in registry order (missing ones with reported None), then the unit's own tasks."""
    by_key = {e.key: e for e in entries if e.key}
    known = {t.key for t in tasks}
    out = [task_result(t, by_key.get(t.key), quarter) for t in tasks]
    out += [task_result(None, e, quarter) for e in entries if e.key not in known]
    return tuple(out)


def project_result(entry: ProjectEntry, quarter: Quarter, thresholds: Thresholds) -> ProjectResult:
    """Investment completed against the annual plan and q/4; a late start when 未开工 past its start."""
    progress = quarter.year_progress
    completion = gap = None
    if entry.ytd_completed is not None and entry.annual_plan is not None and entry.annual_plan != 0:
        completion = Fraction(entry.ytd_completed) / Fraction(entry.annual_plan)
        gap = (completion - progress) * HUNDRED
    if completion is None:
        status = Status.NO_DATA
    elif quarter.is_year_end:
        status = Status.MET if entry.ytd_completed >= entry.annual_plan else Status.NOT_MET
    else:
        status = status_from_gap(gap, thresholds)
    late = (entry.status is ProjectStatus.NOT_STARTED and entry.planned_start is not None
            and entry.planned_start <= quarter.end_date)
    return ProjectResult(
        name=entry.name, total_investment=entry.total_investment, annual_plan=entry.annual_plan,
        ytd_completed=entry.ytd_completed, completion=completion, time_progress=progress,
        gap_points=gap, status=status, project_status=entry.status, late_start=late,
        image_progress=entry.image_progress, problems=entry.problems)


# ------------------------------------------------------------------------------------ sentences


def indicator_sentence(r: IndicatorResult) -> str:
    """A short sentence with figures: '新增绿色工厂数量完成目标的41.7%，低于时序进度52.1个百分点'."""
    if r.status is Status.NO_DATA:
        return f"{r.name}目标待定" if r.target is None else f"{r.name}暂无数据"
    actual = with_unit(r.actual, r.unit, r.decimals)
    target = with_unit(r.target, r.unit, r.decimals)
    ceiling = r.direction is Direction.CEILING
    if r.status is Status.MET:
        if ceiling:
            return f"{r.name}为{actual}，控制在{r.target_year}年目标{target}以内"
        return f"{r.name}为{actual}，已完成{r.target_year}年目标{target}"
    if r.status is Status.NOT_MET:
        if ceiling:
            return f"{r.name}为{actual}，超过{r.target_year}年控制目标{target}"
        share = f"，完成目标的{fmt_percent(r.completion)}" if r.completion is not None else ""
        return f"{r.name}为{actual}，未完成{r.target_year}年目标{target}{share}"
    if r.completion is None:  # a zero target: no share to state
        return f"{r.name}为{actual}，目标为{target}"
    if ceiling:
        return (f"{r.name}为{actual}，占控制目标的{fmt_percent(r.completion)}，"
                f"{gap_phrase(r.gap_points, ceiling=True)}")
    return f"{r.name}完成目标的{fmt_percent(r.completion)}，{gap_phrase(r.gap_points)}"


def task_reason(t: TaskResult) -> str:
    if t.overdue:
        return f"已超过完成时限（{cn_date(t.deadline)}）仍未完成"
    if t.reported is TaskStatus.BEHIND:
        return "牵头单位报告进度滞后"
    return ""


def project_reasons(p: ProjectResult, quarter: Quarter) -> list[str]:
    reasons = []
    if p.late_start:
        reasons.append(f"已过计划开工时间，截至{quarter.end_month_label}仍未开工")
    if p.status is Status.NOT_MET:
        reasons.append(f"本年累计完成投资{with_unit(p.ytd_completed, '万元', INVESTMENT_PLACES)}，"
                       f"未完成年度计划投资{with_unit(p.annual_plan, '万元', INVESTMENT_PLACES)}")
    elif p.status is Status.LAGGING:
        reasons.append(f"本年累计完成投资{with_unit(p.ytd_completed, '万元', INVESTMENT_PLACES)}，为年度计划的"
                       f"{fmt_percent(p.completion)}，{gap_phrase(p.gap_points)}")
    return reasons


# ------------------------------------------------------------------------------------ lights


@dataclass(frozen=True)
class LightDecision:
    light: Light
    reasons: tuple[str, ...]


def is_red_indicator(r: IndicatorResult) -> bool:
    return r.status in (Status.LAGGING, Status.NOT_MET)


def action_light(indicators: Sequence[IndicatorResult], tasks: Sequence[TaskResult], *,
                 submitted: bool = True, pending_reason: str = "",
                 figures_usable: bool = True) -> LightDecision:
    """An action's light and the sentences that explain it.

    submitted False → grey. figures_usable False (duplicate or unreadable workbooks) → red with the
    pending reason. Otherwise red / yellow / green from the indicators and tasks; a pending reason
    (errors in a readable workbook) is added to the reasons without changing the colour.
    """
    if not submitted:
        return LightDecision(Light.GREY, (REASON_NOT_SUBMITTED,))
    if not figures_usable:
        return LightDecision(Light.RED, (pending_reason,))
    red = [indicator_sentence(r) for r in indicators if is_red_indicator(r)]
    red += [f"重点任务“{t.content}”{task_reason(t)}" for t in tasks if t.behind]
    watch = [indicator_sentence(r) for r in indicators if r.status is Status.WATCH]
    extra = (pending_reason,) if pending_reason else ()
    if red:
        return LightDecision(Light.RED, tuple(red) + extra)
    if watch:
        return LightDecision(Light.YELLOW, tuple(watch) + extra)
    quiet = REASON_ALL_ON_TRACK if indicators else REASON_TASKS_ON_TRACK
    return LightDecision(Light.GREEN, (quiet,) + extra)


# ------------------------------------------------------------------------------------ lists


def commendations(actions: Iterable[ActionResult]) -> tuple[Commendation, ...]:
    """通报表扬: green, data not pending, at least one indicator ahead or met; figures in the reason."""
    out = []
    for a in actions:
        if a.light is not Light.GREEN or a.data_pending:
            continue
        good = [indicator_sentence(r) for r in a.indicators if r.status in (Status.AHEAD, Status.MET)]
        if good:
            out.append(Commendation(action_id=a.action.id, action_name=a.action.name,
                                    lead_units=a.action.lead_units_text, reason="；".join(good)))
    return tuple(sorted(out, key=lambda c: c.action_id))


def supervision(actions: Iterable[ActionResult], quarter: Quarter,
                pending_reasons: dict[int, str] | None = None) -> tuple[SupervisionItem, ...]:
    """督促整改, in action order: grey actions; for red actions the pending-data reason, lagging / not_met
    indicators and behind tasks; for every action late-start and lagging / not_met projects.

    pending_reasons maps action id → the data-pending sentence for red actions whose data is pending.
    """
    pending_reasons = pending_reasons or {}
    out: list[SupervisionItem] = []
    for a in sorted(actions, key=lambda a: a.action.id):
        def item(what: str, reason: str, problem: str = "") -> SupervisionItem:
            return SupervisionItem(action_id=a.action.id, action_name=a.action.name,
                                   lead_units=a.action.lead_units_text, item=what, reason=reason,
                                   unit_problem=problem)

        if a.light is Light.GREY:
            out.append(item(ITEM_WHOLE_ACTION, REASON_NOT_SUBMITTED))
            continue
        if a.light is Light.RED:
            if a.action.id in pending_reasons:
                out.append(item(ITEM_DATA, pending_reasons[a.action.id]))
            out += [item(r.name, indicator_sentence(r), r.note) for r in a.indicators if is_red_indicator(r)]
            out += [item(t.content, task_reason(t), t.problems) for t in a.tasks if t.behind]
        for p in a.projects:
            reasons = project_reasons(p, quarter)
            if reasons:
                out.append(item(p.name, "；".join(reasons), p.problems))
    return tuple(out)


def default_report_date(quarter: Quarter) -> dt.date:
    """The 10th of the month after the quarter ends: 2025Q3 → 2025-10-10, 2025Q4 → 2026-01-10."""
    end = quarter.end_date
    return dt.date(end.year + 1, 1, 10) if end.month == 12 else dt.date(end.year, end.month + 1, 10)
