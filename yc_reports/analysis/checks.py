"""Checks: pure functions from the plan and one quarter's records to statuses, lights and lists.

No I/O and no sentences here: the checks return facts (`IndicatorResult`, `TaskResult`, `Reason`,
`SupervisionItem`, `Commendation` in `analysis/model.py`); the wording layer (`render/wording.py`,
`templates/*.j2`) says them. Figures stay Decimal, ratios exact Fractions.

The rules (docs/rules.md says them for the office and maintainers; the tests compute
them by hand):

Indicators. Let q be the quarter, Y = indicator.target_year_for(q), T = indicator.target_value(Y).

- Not judged this quarter (status ``not_rated``, null in summary.json; `IndicatorResult.unrated` says why):
  T is None (left to the province or the office, 待下达: ``target_pending``); an annual-only figure
  (frequency "annual") in Q1–Q3 (``annual_not_due``); a flow in a year without a target of its own, Y ≠ q's
  year — a later year's annual total is not this year's target (``no_annual_target``); a level without a base
  before Y's Q4 — it has no path to judge progress on (``no_base``; `Indicator.judged_in_target_year_only`).
  None of them affects the light or the lists; the words give the distance to T and the year Y.
- A judged target without a usable figure (blank, invalid, unreadable, no workbook): ``no_data``.
- Positions are in years (`Quarter.position`: the end of 2024 is 2025, the end of 2025Q3 is 2025.75).

  * flow (a total within one year, Y = q's year): time_progress = q/4, completion = actual / T.
  * cumulative (a count since the plan began): expected on the line from (plan start year, 0), or from
    the previous target year's point (Yp + 1, Tp), to (Y + 1, T); time_progress = expected / T,
    completion = actual / T. 新增绿色工厂 12 by 2025, at 2025Q3: time_progress = 3.75 / 4 = 0.9375.
  * level with a base B set (the figure at the end of year b, 基期): the path runs from (b + 1, B) to
    (Y + 1, T) — never from an earlier stage target, which is not a base. time_progress is the elapsed
    share of that path counted in quarters, (position − (b + 1)) / (Y + 1 − (b + 1)), and completion is the
    share of the path achieved, (actual − B) / (T − B).
  * level without a base, in Y's Q4: met when actual ≥ T (floor), else not_met.
  * gap_points = (completion − time_progress) × 100 for a floor, (time_progress − completion) × 100
    for a ceiling (using more than the pro-rata ceiling is behind).
  * Judged as printed: the gap is rounded half up to one decimal (the figure printed) before the
    thresholds apply (default ahead=10, on_track=−10, watch=−30): gap ≥ ahead → ahead;
    on_track ≤ gap < ahead → on_track; watch ≤ gap < on_track → watch; gap < watch → lagging.
    −30.0 printed is watch; −30.04 prints −30.0 and is watch; −30.05 prints −30.1 and is lagging.
  * A ceiling whose year-to-date figure already exceeds the whole year's ceiling before Q4 is lagging.
  * In the target year's Q4: met when actual ≥ T (floor) or actual ≤ T (ceiling), else not_met.
  * Expired (q.year > the last target year): a stage result (current False), judged once, met /
    not_met, on the figure of the last target year's Q4 from the history — never a later figure; without
    that figure no_data with figure ``no_year_figure`` (无当年数据). It no longer affects the light or the
    督办 list; a stage result not met is a red figure in the report, so its action is not praised.
  * Signed rates (增速, 降低率) may be negative; the same rules judge them.

Tasks. overdue = deadline set, deadline ≤ the quarter's last day and the unit did not report 已完成;
behind = reported 滞后, or overdue. A task without a usable state is unreported (missing data). A task
completed this quarter whose deadline had passed by the end of last quarter was completed late: never a
ground for 表扬.

Projects. completion = ytd / annual plan; time_progress = q/4; status as for indicators; in Q4 met /
not_met. The gap's own status by the same thresholds (`gap_status`, in every quarter) decides the matter:
a late start (未开工 past its planned start) or a lagging gap is red; a watch gap is to watch (关注).

Lights, by matter. grey when no workbook (grey_reason not_submitted), when the workbook could not be read,
when none of its current judged indicators has a usable figure, or (an action without such indicators)
when no task has a state, and no red matter is known (grey_reason no_valid_data); red when any matter is red: two differing workbooks
(数据待核实), a current indicator lagging or not_met, a task behind, a project red; else yellow when any
matter is to watch (an indicator watch, a project's gap watch) or data are to complete (a figure asked for
and not usable — judged or not —, a task without a state, another entry blank or unusable); else green.
Each blank or unusable entry is one fact, counted once.

Lists, by item. 督促整改: every red matter of every action, whatever its colour, and every grey action.
关注（提醒）: every other matter (to watch, to complete), never a 督办 item (assemble also leaves out a
matter already open on the ledger). 通报表扬: green, data complete, no late task, no red figure anywhere in
its report (stage results included), no target at risk at the pace so far (`pace_risk`), every current
judged indicator on_track / ahead / met with at least one ahead or met; an action without such indicators
only when a task was completed this quarter within its deadline. Its achievements start with its standing
(the green light's ON_TRACK fact, worded to fit it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from yc_reports.analysis.model import (
    ActionResult,
    Commendation,
    Difference,
    Entry,
    FigureState,
    GreyReason,
    IndicatorResult,
    Light,
    ProjectResult,
    Reason,
    ReasonKind,
    Status,
    SupervisionItem,
    TaskResult,
    Unrated,
    printed_points,
)
from yc_reports.intake.records import ProjectEntry, ProjectStatus, TaskEntry, TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Direction, Frequency, Indicator, Kind, Task, Thresholds

HUNDRED = Fraction(100)

# Worse to better, for comparing statuses (no_data and not_rated are not ranked).
STATUS_RANK = {Status.LAGGING: 0, Status.NOT_MET: 0, Status.WATCH: 1, Status.ON_TRACK: 2,
               Status.AHEAD: 3, Status.MET: 3}
GOOD = (Status.ON_TRACK, Status.AHEAD, Status.MET)
PRAISED = (Status.AHEAD, Status.MET)

Placeholder = Callable[[str], bool]   # whether a unit's text only holds the place of an answer (无, 暂无 …)


def is_blank(text: str) -> bool:
    """The default placeholder test: nothing but whitespace."""
    return not text.strip()


# ------------------------------------------------------------------------------------ time progress


@dataclass(frozen=True)
class PathPoint:
    """A point on an indicator's path: the value due at a position in years."""

    position: Fraction
    value: Fraction


def _previous_target_point(indicator: Indicator, target_year: int) -> PathPoint | None:
    earlier = {y: v for y in indicator.targets if y < target_year and (v := indicator.target_value(y)) is not None}
    if not earlier:
        return None
    year = max(earlier)
    return PathPoint(Fraction(year + 1), Fraction(earlier[year]))


def path_start(indicator: Indicator, target_year: int, plan_start_year: int) -> PathPoint | None:
    """Where the path to the target year's value begins; None when there is no path (a flow, judged within
    its year; a level without a base, judged only in its target year's Q4). A count starts from the plan's
    start (or an earlier target year's point); a level from its base year's figure (基期) — never from an
    earlier stage target, which is not a base."""
    if indicator.kind is Kind.CUMULATIVE:
        return _previous_target_point(indicator, target_year) or PathPoint(Fraction(plan_start_year), Fraction(0))
    if indicator.kind is Kind.LEVEL and indicator.baseline is not None and indicator.baseline.value is not None:
        return PathPoint(Fraction(indicator.baseline.year + 1), Fraction(indicator.baseline.value))
    return None


def _elapsed_share(start: PathPoint, end: PathPoint, quarter: Quarter) -> Fraction:
    """The share of the path from start to end elapsed at the quarter's end (whole quarters)."""
    position = min(max(quarter.position, start.position), end.position)
    return (position - start.position) / (end.position - start.position)


def expected_value(indicator: Indicator, quarter: Quarter, plan_start_year: int) -> Fraction | None:
    """The value the indicator's path asks for at the quarter's end (None when the target is not set)."""
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    if target is None:
        return None
    return _expected_at(indicator, quarter, plan_start_year, year, target)


def _expected_at(indicator: Indicator, quarter: Quarter, plan_start_year: int, year: int,
                 target: Decimal) -> Fraction:
    """`expected_value` for the target `target` of `year`, the one that applies to `quarter`."""
    end = PathPoint(Fraction(year + 1), Fraction(target))
    if indicator.kind is Kind.FLOW:
        return end.value * quarter.year_progress
    start = path_start(indicator, year, plan_start_year)
    if start is None or end.position <= start.position:
        return end.value
    return start.value + (end.value - start.value) * _elapsed_share(start, end, quarter)


def baseline_path(indicator: Indicator, quarter: Quarter, plan_start_year: int) -> tuple[PathPoint, PathPoint] | None:
    """A level measured from its baseline: the path's (start, end), or None."""
    if indicator.kind is not Kind.LEVEL:
        return None
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    start = path_start(indicator, year, plan_start_year)
    if target is None or start is None:
        return None
    end = PathPoint(Fraction(year + 1), Fraction(target))
    if end.position <= start.position or end.value == start.value:
        return None
    return start, end


def time_progress(indicator: Indicator, quarter: Quarter, plan_start_year: int) -> Fraction | None:
    """时序进度; None when the target is not set or is zero. With a baseline: the elapsed share of the path."""
    path = baseline_path(indicator, quarter, plan_start_year)
    if path is not None:
        return _elapsed_share(*path, quarter)
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    if target is None or target == 0:
        return None
    return _expected_at(indicator, quarter, plan_start_year, year, target) / Fraction(target)


def completion_of(indicator: Indicator, quarter: Quarter, plan_start_year: int, actual: Decimal,
                  target: Decimal) -> Fraction | None:
    """actual / target, or with a baseline the share of the path achieved: (actual − B) / (T − B)."""
    path = baseline_path(indicator, quarter, plan_start_year)
    if path is not None:
        start, end = path
        return (Fraction(actual) - start.value) / (end.value - start.value)
    if target == 0:
        return None
    return Fraction(actual) / Fraction(target)


def is_final_check(quarter: Quarter, target_year: int) -> bool:
    """The target year's last quarter, or any quarter after the last target year: met or not."""
    return (quarter.year == target_year and quarter.q == 4) or quarter.year > target_year


def is_expired(indicator: Indicator, quarter: Quarter) -> bool:
    """The indicator's last target year has passed: from now on a stage result (阶段性目标)."""
    return quarter.year > indicator.final_year


def is_due(indicator: Indicator, quarter: Quarter) -> bool:
    """An annual-only figure is asked for in Q4 only."""
    return indicator.frequency is not Frequency.ANNUAL or quarter.q == 4


def gap_points(completion: Fraction, progress: Fraction, direction: Direction) -> Fraction:
    """(completion − time progress) × 100 for a floor; the other way round for a ceiling."""
    if direction is Direction.CEILING:
        return (progress - completion) * HUNDRED
    return (completion - progress) * HUNDRED


def status_from_gap(gap: Fraction, thresholds: Thresholds) -> Status:
    """The gap as printed (one decimal, half up) against the registry's thresholds (percentage points)."""
    shown = printed_points(Fraction(gap))
    if shown >= thresholds.ahead:
        return Status.AHEAD
    if shown >= thresholds.on_track:
        return Status.ON_TRACK
    if shown >= thresholds.watch:
        return Status.WATCH
    return Status.LAGGING


def target_reached(actual: Decimal, target: Decimal, direction: Direction) -> bool:
    return actual <= target if direction is Direction.CEILING else actual >= target


def change_ratio(current: Decimal | None, base: Decimal | None) -> Fraction | None:
    """(current − base) / base; None when either is missing or the base is zero."""
    if current is None or base is None or base == 0:
        return None
    return (Fraction(current) - Fraction(base)) / Fraction(base)


def stage_figure(indicator: Indicator,
                 trend: Sequence[tuple[Quarter, Decimal | None]]) -> tuple[Quarter | None, Decimal | None]:
    """The figure an expired target is judged on: its last target year's Q4 figure, once; (None, None)
    when that figure is not on record (无当年数据) — never a later figure."""
    final = Quarter(indicator.final_year, 4)
    at_final = [(q, v) for q, v in trend if q == final and v is not None]
    return at_final[-1] if at_final else (None, None)


def unrated_why(indicator: Indicator, quarter: Quarter, year: int, target: Decimal | None,
                figure: FigureState, expired: bool) -> Unrated | None:
    """Why the indicator carries no status this quarter, or None when it is judged."""
    if target is None:
        return Unrated.TARGET_PENDING
    if figure is FigureState.NOT_DUE:
        return Unrated.ANNUAL_NOT_DUE
    if expired:
        return None
    if indicator.kind is Kind.FLOW and year != quarter.year:
        return Unrated.NO_ANNUAL_TARGET   # a later year's annual total is not this year's target
    if indicator.judged_in_target_year_only and not is_final_check(quarter, year):
        return Unrated.NO_BASE
    return None


def indicator_result(indicator: Indicator, quarter: Quarter, *, plan_start_year: int,
                     thresholds: Thresholds, actual: Decimal | None, note: str = "", cell: str = "",
                     previous: Decimal | None = None, last_year: Decimal | None = None,
                     trend: Sequence[tuple[Quarter, Decimal | None]] = (),
                     figure: FigureState | None = None, entered: str = "") -> IndicatorResult:
    """One indicator judged at the quarter's end (see the module docstring for the rules).

    `trend` holds the known figures oldest first, this quarter's included; `figure` says why a
    figure is missing (blank when not given), `entered` what was written when it is not a number."""
    if figure is None:
        figure = FigureState.REPORTED if actual is not None else FigureState.BLANK
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    expired = is_expired(indicator, quarter)
    judged_on = None
    if expired:
        judged_on, actual = stage_figure(indicator, trend)
        figure, entered = (FigureState.REPORTED if judged_on else FigureState.NO_YEAR_FIGURE), ""
    elif not is_due(indicator, quarter):
        figure = FigureState.NOT_DUE
    unrated = unrated_why(indicator, quarter, year, target, figure, expired)
    progress = completion = gap = None
    if unrated is not None or target is None:
        status = Status.NOT_RATED
    elif actual is None:
        status = Status.NO_DATA
        progress = None if expired else time_progress(indicator, quarter, plan_start_year)
    else:
        progress = time_progress(indicator, quarter, plan_start_year)
        completion = completion_of(indicator, quarter, plan_start_year, actual, target)
        if completion is not None and progress is not None:
            gap = gap_points(completion, progress, indicator.direction)
        status = _status(indicator, quarter, year, actual, target, gap, thresholds)
    path = baseline_path(indicator, quarter, plan_start_year)
    return IndicatorResult(
        key=indicator.key, name=indicator.name, unit=indicator.unit, kind=indicator.kind,
        direction=indicator.direction, decimals=indicator.decimals, target_year=year, target=target,
        target_note=indicator.target_note, actual=actual, completion=completion, time_progress=progress,
        gap_points=gap, status=status, note=note, previous=previous, last_year=last_year,
        qoq=change_ratio(actual, previous), yoy=change_ratio(actual, last_year), trend=tuple(trend),
        cell=cell, figure=figure, current=not expired, judged_on=judged_on,
        baseline=_decimal(path[0].value) if path else None,
        baseline_year=indicator.baseline.year if path and indicator.baseline else None,
        signed=indicator.signed, entered=entered if figure is FigureState.INVALID else "", unrated=unrated)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _status(indicator: Indicator, quarter: Quarter, year: int, actual: Decimal, target: Decimal,
            gap: Fraction | None, thresholds: Thresholds) -> Status:
    if is_final_check(quarter, year):
        return Status.MET if target_reached(actual, target, indicator.direction) else Status.NOT_MET
    if indicator.kind is Kind.FLOW and indicator.direction is Direction.CEILING and actual > target:
        return Status.LAGGING  # the whole year's ceiling is already broken
    if gap is None:
        # Nothing to measure a share of (a zero target): on track while the figure keeps to it.
        return Status.ON_TRACK if target_reached(actual, target, indicator.direction) else Status.LAGGING
    return status_from_gap(gap, thresholds)


# ------------------------------------------------------------------------------------ tasks, projects


def task_result(task: Task | None, entry: TaskEntry | None, quarter: Quarter, *,
                previous: TaskStatus | None = None, known_before: bool = False,
                is_placeholder: Placeholder = is_blank, previous_problems: str = "",
                entered: str = "") -> TaskResult:
    """A key task: the registry's content and deadline win; the unit's entry gives status and text.

    previous / known_before: last quarter's reported state, and whether last quarter's workbook is
    known at all (a task is completed this quarter only when it was not 已完成 before); a task completed
    this quarter whose deadline had passed by the end of last quarter was completed late. A completed task's
    problem text that is last quarter's word for word (carried over, not written now) is not published.
    `entered`: a state written that is none of the dropdown's."""
    deadline: dt.date | None
    if task is not None:
        key, content, deadline = task.key, task.content, task.deadline
    elif entry is not None:
        key, content, deadline = entry.key, entry.content, entry.deadline
    else:
        raise ValueError("task_result needs a registry task or a workbook entry")
    reported = entry.status if entry is not None else None
    overdue = deadline is not None and deadline <= quarter.end_date and reported is not TaskStatus.DONE
    problems = entry.problems if entry is not None else ""
    if reported is TaskStatus.DONE and previous_problems and "".join(problems.split()) == "".join(
            previous_problems.split()):
        problems = ""
    done_now = reported is TaskStatus.DONE and known_before and previous is not TaskStatus.DONE
    return TaskResult(
        key=key,
        content=content, deadline=deadline, reported=reported, overdue=overdue,
        behind=reported is TaskStatus.BEHIND or overdue,
        progress=entry.progress if entry is not None else "",
        problems="" if is_placeholder(problems) else problems,
        done_this_quarter=done_now,
        completed_late=done_now and deadline is not None and deadline <= quarter.previous().end_date,
        entered=entered if reported is None else "")


def task_results(tasks: Sequence[Task], entries: Sequence[TaskEntry], quarter: Quarter, *,
                 previous: Sequence[TaskEntry] | None = None, is_placeholder: Placeholder = is_blank,
                 entered: Mapping[int, str] | None = None) -> tuple[TaskResult, ...]:
    """Registry tasks in registry order (missing ones with reported None), then the unit's own tasks.
    `previous`: last quarter's entries of the same action (None when that workbook is not known);
    `entered`: by row, states written that are none of the dropdown's."""
    by_key = {e.key: e for e in entries if e.key}
    before = {e.key or e.content: e.status for e in previous or ()}
    said_before = {e.key or e.content: e.problems for e in previous or ()}
    known = {t.key for t in tasks}
    known_before = previous is not None
    written = entered or {}

    def state_text(entry: TaskEntry | None) -> str:
        return written.get(entry.row, "") if entry is not None else ""

    out = [task_result(t, by_key.get(t.key), quarter, previous=before.get(t.key), known_before=known_before,
                       is_placeholder=is_placeholder, previous_problems=said_before.get(t.key, ""),
                       entered=state_text(by_key.get(t.key))) for t in tasks]
    out += [task_result(None, e, quarter, previous=before.get(e.content), known_before=known_before,
                        is_placeholder=is_placeholder, previous_problems=said_before.get(e.content, ""),
                        entered=state_text(e))
            for e in entries if e.key not in known]
    return tuple(out)


def project_result(entry: ProjectEntry, quarter: Quarter, thresholds: Thresholds, *,
                   is_placeholder: Placeholder = is_blank) -> ProjectResult:
    """Investment completed against the annual plan and q/4; a late start when 未开工 past its start.
    In Q4 the status is met / not_met; the gap's own status (`gap_status`, by the same thresholds in
    every quarter) decides whether the project is a red matter or one to watch."""
    progress = quarter.year_progress
    completion: Fraction | None = None
    gap: Fraction | None = None
    gap_status: Status | None = None
    ytd, plan = entry.ytd_completed, entry.annual_plan
    if ytd is None or plan is None or plan == 0:
        status = Status.NO_DATA
    else:
        completion = Fraction(ytd) / Fraction(plan)
        gap = (completion - progress) * HUNDRED
        gap_status = status_from_gap(gap, thresholds)
        status = (Status.MET if ytd >= plan else Status.NOT_MET) if quarter.is_year_end else gap_status
    late = (entry.status is ProjectStatus.NOT_STARTED and entry.planned_start is not None
            and entry.planned_start <= quarter.end_date)
    return ProjectResult(
        name=entry.name, total_investment=entry.total_investment, annual_plan=entry.annual_plan,
        ytd_completed=entry.ytd_completed, completion=completion, time_progress=progress,
        gap_points=gap, status=status, project_status=entry.status, late_start=late,
        image_progress=entry.image_progress, problems="" if is_placeholder(entry.problems) else entry.problems,
        gap_status=gap_status)


# ------------------------------------------------------------------------------------ lights


@dataclass(frozen=True)
class LightDecision:
    light: Light
    reasons: tuple[Reason, ...]
    grey_reason: GreyReason | None = None
    data_complete: bool = False


def is_red_indicator(r: IndicatorResult) -> bool:
    return r.current and r.status in (Status.LAGGING, Status.NOT_MET)


def not_submitted() -> LightDecision:
    return LightDecision(Light.GREY, (Reason(ReasonKind.NOT_SUBMITTED),), GreyReason.NOT_SUBMITTED)


def unusable(kind: ReasonKind, differences: Sequence[Difference] = (), copies: int = 0) -> LightDecision:
    """Workbooks whose figures cannot be used: unreadable (grey, no valid data) or `copies` differing
    copies (red, 数据待核实, with the entries where they differ)."""
    if kind is ReasonKind.NO_VALID_DATA:
        return LightDecision(Light.GREY, (Reason(kind),), GreyReason.NO_VALID_DATA)
    return LightDecision(Light.RED, (Reason(kind, differences=tuple(differences), count=copies),))


def figure_missing(r: IndicatorResult) -> bool:
    """A current figure asked for this quarter and not usable (blank or unusable), rated or not."""
    return r.current and r.figure in (FigureState.BLANK, FigureState.INVALID)


def action_light(indicators: Sequence[IndicatorResult], tasks: Sequence[TaskResult],
                 projects: Sequence[ProjectResult] = (), *, entries: Sequence[Entry] = (),
                 quarter: Quarter | None = None) -> LightDecision:
    """A submitted, readable workbook's light and the facts that explain it: every red matter first (an
    indicator lagging or not met, a task behind, a project red), then those to watch and the data to
    complete. `entries`: what else in the workbook is blank or unusable (each counted once)."""
    current = [r for r in indicators if r.current and r.status.rated]
    usable = [r for r in current if r.status is not Status.NO_DATA]
    unreported = tuple(t for t in tasks if t.unreported)
    red = [Reason(ReasonKind.INDICATOR, indicator=r) for r in current if is_red_indicator(r)]
    red += [Reason(ReasonKind.TASK_BEHIND, task=t, quarter=quarter) for t in tasks if t.behind]
    red += [Reason(ReasonKind.PROJECT, project=p, quarter=quarter) for p in projects if p.red]
    nothing_usable = (current and not usable) or (not current and tasks and len(unreported) == len(tasks))
    if nothing_usable and not red:   # a red matter is never dropped for a grey light: it makes the light red
        return LightDecision(Light.GREY, (Reason(ReasonKind.NO_VALID_DATA),), GreyReason.NO_VALID_DATA)
    yellow = [Reason(ReasonKind.INDICATOR, indicator=r) for r in current if r.status is Status.WATCH]
    yellow += [Reason(ReasonKind.PROJECT, project=p, quarter=quarter) for p in projects if p.watch]
    missing = tuple(r for r in indicators if figure_missing(r))   # rated or not: 未填报 is never fine
    if missing:
        yellow.append(Reason(ReasonKind.MISSING_FIGURES, indicators=missing))
    if unreported:
        yellow.append(Reason(ReasonKind.TASKS_UNREPORTED, tasks=unreported))
    if entries:
        yellow.append(Reason(ReasonKind.ENTRIES, entries=tuple(entries)))
    complete = not missing and not unreported and not entries
    if red:
        return LightDecision(Light.RED, tuple(red + yellow), data_complete=complete)
    if yellow:
        return LightDecision(Light.YELLOW, tuple(yellow), data_complete=complete)
    return LightDecision(Light.GREEN, (on_track(indicators, tasks),), data_complete=complete)


def on_track(indicators: Sequence[IndicatorResult], tasks: Sequence[TaskResult]) -> Reason:
    """A green action's standing: its current rated indicators (each on track, ahead or met) and tasks."""
    return Reason(ReasonKind.ON_TRACK, indicators=tuple(r for r in indicators if r.current and r.status.rated),
                  tasks=tuple(tasks))


# ------------------------------------------------------------------------------------ lists


def achievements(a: ActionResult) -> tuple[Reason, ...]:
    """What a commended action achieved: its standing (the words that fit it), then indicators ahead or
    met and on pace, then tasks completed this quarter within their deadline."""
    good = [on_track(a.indicators, a.tasks)]
    good += [Reason(ReasonKind.INDICATOR, indicator=r) for r in a.current_indicators
             if r.status in PRAISED and not r.pace_risk]
    good += [Reason(ReasonKind.TASK_DONE, task=t) for t in a.tasks if t.done_on_time]
    return tuple(good)


def shows_red(a: ActionResult) -> bool:
    """Its report shows a red figure somewhere: a red light's matter, or a stage result not met."""
    return a.light is Light.RED or any(r.status in (Status.LAGGING, Status.NOT_MET) for r in a.indicators)


def is_commendable(a: ActionResult) -> bool:
    """通报表扬 (docs/rules.md, "通报表扬 and group claims"): green, data complete, no late task,
    no red figure anywhere in its report (stage results included), no target at risk at the pace so far;
    every current rated indicator on track, ahead or met with at least one ahead or met; without such
    indicators, every task on time and at least one completed this quarter within its deadline."""
    if a.light is not Light.GREEN or not a.data_complete or a.data_pending or shows_red(a):
        return False
    if any(t.behind for t in a.tasks) or any(r.pace_risk for r in a.current_indicators):
        return False
    rated = [r for r in a.current_indicators if r.status.rated]
    if rated:
        return all(r.status in GOOD for r in rated) and any(r.status in PRAISED for r in rated)
    return any(t.done_on_time for t in a.tasks)


def commendations(actions: Iterable[ActionResult]) -> tuple[Commendation, ...]:
    out = [Commendation(action_id=a.action.id, action_name=a.action.name, lead_units=a.action.lead_units_text,
                        achievements=achievements(a))
           for a in actions if is_commendable(a)]
    return tuple(sorted(out, key=lambda c: c.action_id))


def _unit_problem(reason: Reason) -> str:
    if reason.indicator is not None:
        return reason.indicator.note
    if reason.task is not None:
        return reason.task.problems
    if reason.project is not None:
        return reason.project.problems
    return ""


def is_supervised(a: ActionResult, r: Reason) -> bool:
    """督促整改 by item: every red matter (an indicator lagging or not met, a task behind, a project late to
    start or lagging, two differing copies), whatever the action's colour; and a grey action's data."""
    return a.light is Light.GREY or r.red


def _items(a: ActionResult, *, supervised: bool) -> list[SupervisionItem]:
    """The action's matters other than on track: the red ones (`supervised`), or the others."""
    return [SupervisionItem(action_id=a.action.id, action_name=a.action.name, lead_units=a.action.lead_units_text,
                            reason=r, unit_problem=_unit_problem(r))
            for r in a.light_reasons if r.kind is not ReasonKind.ON_TRACK and is_supervised(a, r) is supervised]


def supervision(actions: Iterable[ActionResult]) -> tuple[SupervisionItem, ...]:
    """督促整改, in action order: every red matter of every action, and every grey action."""
    return tuple(i for a in sorted(actions, key=lambda a: a.action.id)
                 for i in _items(a, supervised=True))


def attention(actions: Iterable[ActionResult]) -> tuple[SupervisionItem, ...]:
    """关注（提醒）, in action order: every matter that is not red (an indicator or project to watch, figures to
    补报, entries to correct), whatever the action's colour. A matter already an open 督办 item is left out
    where the ledger is known (analysis/assemble.py)."""
    return tuple(i for a in sorted(actions, key=lambda a: a.action.id) for i in _items(a, supervised=False))


REPORT_WITHIN_DAYS = 5    # the default deadline: the 5th of the month after the quarter (次月5日前报送)


def default_deadline(quarter: Quarter) -> dt.date:
    """报送截止日期 when the office set none: 2025Q3 → 2025-10-05, five days before the default 印发日期."""
    return quarter.end_date + dt.timedelta(days=REPORT_WITHIN_DAYS)


def default_report_date(quarter: Quarter) -> dt.date:
    """The 10th of the month after the quarter ends: 2025Q3 → 2025-10-10, 2025Q4 → 2026-01-10."""
    end = quarter.end_date
    return dt.date(end.year + 1, 1, 10) if end.month == 12 else dt.date(end.year, end.month + 1, 10)
