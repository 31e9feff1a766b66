"""The whole picture of a quarter, as the 通报's 正文 tells it: facts, never words.

Pure functions over the `QuarterReport`:

- `plan_position` — where the quarter stands in the plan: its first year, an ordinary year, a year in which
  some targets fall due (收官 of those), the plan's last year (收官之年 only then), its last quarter (总结评估,
  open items carried over), or after its end.
- `overview` — the whole-list tally (indicators by status, tasks by state, projects with their investment
  against the annual plan and time progress), the overall grade by the plan's thresholds, and the named
  lists the 正文 draws on: what went well, what lags, what the units themselves say, the 督办 items of the
  quarter, the units with overdue items, and the date of the 回头看.

The templates (templates/summary.j2) word these; the counts here are what summary.json's items add up to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Generic, TypeVar

from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import (
    ActionResult,
    IndicatorResult,
    ProjectResult,
    QuarterReport,
    Status,
    TaskResult,
    printed_points,
)
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Thresholds

REVIEW_DAYS = 15   # 回头看: this many days after the 整改时限 of the quarter's new items
MIN_QUOTE = 6      # characters: a unit's text shorter than this (“无”, “暂无”) is no highlight to quote

T = TypeVar("T")


# ------------------------------------------------------------------------------------------ the plan


class Stage(str, Enum):
    """The quarter's place in the plan, the most specific that holds."""

    FIRST_YEAR = "first_year"        # the plan's first year
    ORDINARY = "ordinary"            # no target falls due this year
    TARGET_YEAR = "target_year"      # some targets fall due this year (收官 of those), not the plan's last year
    LAST_YEAR = "last_year"          # the plan's last year, before its last quarter: 收官之年
    LAST_QUARTER = "last_quarter"    # the plan's last quarter: 总结评估, open items carried over
    AFTER_END = "after_end"          # after the plan's end: no plan covers the quarter


@dataclass(frozen=True)
class PlanPosition:
    quarter: Quarter
    start_year: int
    end_year: int
    due_this_year: int   # current indicators whose target falls due in the quarter's year

    @property
    def first_year(self) -> bool:
        return self.quarter.year == self.start_year

    @property
    def last_year(self) -> bool:
        return self.quarter.year == self.end_year

    @property
    def last_quarter(self) -> bool:
        return self.quarter == Quarter(self.end_year, 4)

    @property
    def after_end(self) -> bool:
        return self.quarter.year > self.end_year

    @property
    def year_end(self) -> bool:
        """The year's last quarter: the year's targets are judged, the year is summed up."""
        return self.quarter.is_year_end

    @property
    def quarters_left_in_year(self) -> int:
        return 4 - self.quarter.q

    @property
    def stage(self) -> Stage:
        if self.after_end:
            return Stage.AFTER_END
        if self.last_quarter:
            return Stage.LAST_QUARTER
        if self.last_year:
            return Stage.LAST_YEAR
        if self.first_year:
            return Stage.FIRST_YEAR
        return Stage.TARGET_YEAR if self.due_this_year else Stage.ORDINARY


def plan_position(report: QuarterReport) -> PlanPosition:
    q = report.quarter
    due = sum(1 for a in report.actions for i in a.current_indicators if i.target_year == q.year and i.target_set)
    return PlanPosition(quarter=q, start_year=report.plan.start_year, end_year=report.plan.end_year,
                        due_this_year=due)


# ------------------------------------------------------------------------------------------ states


class TaskState(str, Enum):
    DONE = "done"                  # 已完成
    ON_SCHEDULE = "on_schedule"    # 正常推进
    NOT_STARTED = "not_started"    # 未启动, its deadline not passed
    BEHIND = "behind"              # reported 滞后, its deadline not passed
    OVERDUE = "overdue"            # past its deadline unfinished, whatever the unit wrote
    UNREPORTED = "unreported"      # no state given

    @property
    def on_schedule(self) -> bool:
        return self in (TaskState.DONE, TaskState.ON_SCHEDULE, TaskState.NOT_STARTED)


TASK_ORDER = tuple(TaskState)


def task_state(t: TaskResult) -> TaskState:
    if t.overdue:
        return TaskState.OVERDUE
    if t.reported is None:
        return TaskState.UNREPORTED
    return {"已完成": TaskState.DONE, "正常推进": TaskState.ON_SCHEDULE, "未启动": TaskState.NOT_STARTED,
            "滞后": TaskState.BEHIND}[t.reported.value]


class ProjectState(str, Enum):
    AHEAD = "ahead"            # investment ahead of time progress, or the year's plan met (Q4)
    ON_TRACK = "on_track"      # within the thresholds of time progress
    WATCH = "watch"            # behind, within the 关注 band
    LAGGING = "lagging"        # behind beyond it, or the year's plan not met (Q4)
    LATE_START = "late_start"  # not started after its planned start
    NO_DATA = "no_data"        # no usable investment figures

    @property
    def on_schedule(self) -> bool:
        return self in (ProjectState.AHEAD, ProjectState.ON_TRACK)


PROJECT_ORDER = tuple(ProjectState)


def project_state(p: ProjectResult) -> ProjectState:
    if p.late_start:
        return ProjectState.LATE_START
    return {Status.AHEAD: ProjectState.AHEAD, Status.MET: ProjectState.AHEAD, Status.ON_TRACK: ProjectState.ON_TRACK,
            Status.WATCH: ProjectState.WATCH, Status.LAGGING: ProjectState.LAGGING,
            Status.NOT_MET: ProjectState.LAGGING}.get(p.status, ProjectState.NO_DATA)


# Indicators: the order the tally names them in, and which count as on schedule or judged.
INDICATOR_ORDER = (Status.MET, Status.AHEAD, Status.ON_TRACK, Status.WATCH, Status.LAGGING, Status.NOT_MET,
                   Status.NO_DATA, Status.NOT_RATED)
ON_SCHEDULE = frozenset({Status.MET, Status.AHEAD, Status.ON_TRACK})
JUDGED = frozenset({Status.MET, Status.AHEAD, Status.ON_TRACK, Status.WATCH, Status.LAGGING, Status.NOT_MET})
BEHIND = frozenset({Status.LAGGING, Status.NOT_MET})


# ------------------------------------------------------------------------------------------ tallies


@dataclass(frozen=True)
class Tally(Generic[T]):
    """How many items of a list are in each state: `counts` in the list's order, states with none left out."""

    total: int
    counts: tuple[tuple[T, int], ...]

    def count(self, *states: T) -> int:
        return sum(n for state, n in self.counts if state in states)

    def share(self, *states: T) -> Fraction | None:
        return Fraction(self.count(*states), self.total) if self.total else None


def tally(states: Iterable[T], order: Sequence[T]) -> Tally[T]:
    seen = list(states)
    return Tally(len(seen), tuple((s, seen.count(s)) for s in order if s in seen))


@dataclass(frozen=True)
class Investment:
    """The projects' investment this year: the annual plan and the year-to-date figure, over the projects
    that report both (`counted`; the others are named as 数据待核实 where the projects are listed)."""

    counted: int
    annual_plan: Decimal
    ytd: Decimal

    @property
    def completion(self) -> Fraction | None:
        return Fraction(self.ytd) / Fraction(self.annual_plan) if self.annual_plan else None


def investment(projects: Iterable[ProjectResult]) -> Investment:
    counted = [p for p in projects if p.annual_plan is not None and p.ytd_completed is not None]
    return Investment(len(counted), sum((p.annual_plan for p in counted if p.annual_plan is not None), Decimal(0)),
                      sum((p.ytd_completed for p in counted if p.ytd_completed is not None), Decimal(0)))


# ------------------------------------------------------------------------------------------ named items


@dataclass(frozen=True)
class Named(Generic[T]):
    """One indicator, task or project named in the 正文, with the action it belongs to."""

    action: ActionResult
    item: T


@dataclass(frozen=True)
class UnitWords:
    """What a lead unit itself wrote — a highlight of the quarter, or the cause of a matter behind — quoted
    in the 正文 under its name."""

    action: ActionResult
    matter: str        # the indicator, task or project it is about ("" for the quarter's summary)
    text: str


@dataclass(frozen=True)
class UnitItems:
    """A lead unit (or co-lead units) and its 督办 items in one state."""

    lead_units: str
    action_ids: tuple[int, ...]
    items: tuple[LedgerItem, ...]


class Grade(str, Enum):
    GOOD = "good"    # on-schedule share ≥ overall_good
    FAIR = "fair"    # ≥ overall_fair
    POOR = "poor"    # below


def overall_grade(share: Fraction | None, thresholds: Thresholds) -> Grade | None:
    """The grade of the on-schedule share (None: nothing was judged). The thresholds are percentages kept in
    the plan ([thresholds] overall_good, overall_fair), compared with the share as printed (one decimal)."""
    if share is None:
        return None
    printed = printed_points(share * 100)   # as the pct filter prints it: one decimal, half up
    if printed >= thresholds.overall_good:
        return Grade.GOOD
    return Grade.FAIR if printed >= thresholds.overall_fair else Grade.POOR


@dataclass(frozen=True)
class Overview:
    position: PlanPosition
    indicators: Tally[Status]          # current indicators of every action
    tasks: Tally[TaskState]
    projects: Tally[ProjectState]
    investment: Investment
    done_this_quarter: int             # tasks completed this quarter
    done_late: int                     # … of which after their deadline
    judged: int                        # indicators, tasks and projects with a state to judge
    on_schedule: int                   # … on schedule or done
    grade: Grade | None
    unsubmitted: tuple[ActionResult, ...]     # grey: not submitted, or no usable data
    pending: tuple[ActionResult, ...]         # 数据待核实 (differing copies, errors)
    met: tuple[Named[IndicatorResult], ...]
    ahead: tuple[Named[IndicatorResult], ...]
    completed: tuple[Named[TaskResult], ...]
    projects_ahead: tuple[Named[ProjectResult], ...]
    behind: tuple[Named[IndicatorResult], ...]      # lagging or not met
    watch: tuple[Named[IndicatorResult], ...]
    missing: tuple[Named[IndicatorResult], ...]     # no usable figure (未报数据)
    overdue_tasks: tuple[Named[TaskResult], ...]
    slow_tasks: tuple[Named[TaskResult], ...]       # reported 滞后, deadline not passed
    late_projects: tuple[Named[ProjectResult], ...]    # not started after the planned start
    slow_projects: tuple[Named[ProjectResult], ...]    # investment lagging or the year's plan not met
    highlights: tuple[UnitWords, ...]
    causes: tuple[UnitWords, ...]
    new_items: tuple[LedgerItem, ...]               # 督办 items first listed this quarter
    open_items: tuple[LedgerItem, ...]              # earlier items still within their 整改时限
    overdue_items: tuple[LedgerItem, ...]           # 逾期未整改
    closed_now: tuple[LedgerItem, ...]              # closed (已销号) this quarter
    overdue_units: tuple[UnitItems, ...]            # the units with overdue items, in action order
    deadline: dt.date | None                        # 整改时限 of the new items (the earliest, when they differ)
    review_date: dt.date                            # 回头看

    @property
    def on_schedule_share(self) -> Fraction | None:
        return Fraction(self.on_schedule, self.judged) if self.judged else None

    @property
    def indicators_judged(self) -> int:
        """Indicators with a status to judge (not 暂不评价, not 无有效数据): the base of their share."""
        return self.indicators.count(*JUDGED)

    @property
    def indicators_on_schedule_share(self) -> Fraction | None:
        """Of the judged indicators, the share met or on schedule; an indicator not judged this quarter is in
        neither count, so a new plan's first quarter (most targets years away) does not read as mostly behind."""
        judged = self.indicators_judged
        return Fraction(self.indicators.count(*ON_SCHEDULE), judged) if judged else None


def _named(actions: Iterable[ActionResult], pick: Callable[[ActionResult], Iterable[T]],
           keep: Callable[[T], bool]) -> tuple[Named[T], ...]:
    return tuple(Named(a, x) for a in actions for x in pick(a) if keep(x))


def _indicators(a: ActionResult) -> Iterable[IndicatorResult]:
    return a.current_indicators


def _tasks(a: ActionResult) -> Iterable[TaskResult]:
    return a.tasks


def _projects(a: ActionResult) -> Iterable[ProjectResult]:
    return a.projects


def overview(report: QuarterReport) -> Overview:
    """The quarter's whole picture (see the module docstring)."""
    actions = list(report.actions)
    counted = [a for a in actions if a.submitted and a.grey_reason is None]   # what summary.json's items add up to
    indicators = [i for a in counted for i in a.current_indicators]
    tasks = [t for a in counted for t in a.tasks]
    projects = [p for a in counted for p in a.projects]
    ind_tally = tally((i.status for i in indicators), INDICATOR_ORDER)
    task_tally = tally((task_state(t) for t in tasks), TASK_ORDER)
    project_tally = tally((project_state(p) for p in projects), PROJECT_ORDER)
    judged = (ind_tally.count(*JUDGED) + task_tally.total - task_tally.count(TaskState.UNREPORTED)
              + project_tally.total - project_tally.count(ProjectState.NO_DATA))
    on_schedule = (ind_tally.count(*ON_SCHEDULE) + sum(n for s, n in task_tally.counts if s.on_schedule)
                   + sum(n for s, n in project_tally.counts if s.on_schedule))
    share = Fraction(on_schedule, judged) if judged else None
    done = [t for t in tasks if t.done_this_quarter]
    good = [a for a in counted if not a.data_pending]   # whose own words are quoted
    ledger = report.ledger
    new_items = tuple(i for i in ledger if i.since == report.quarter)
    earlier = [i for i in ledger if i.since != report.quarter]
    overdue_items = tuple(i for i in earlier if i.state is LedgerState.OVERDUE)
    deadlines = sorted({i.deadline for i in new_items})
    deadline = deadlines[0] if deadlines else None
    review_from = deadline or (report.report_date + dt.timedelta(days=REVIEW_DAYS))
    return Overview(
        position=plan_position(report), indicators=ind_tally, tasks=task_tally, projects=project_tally,
        investment=investment(projects),
        done_this_quarter=len(done),
        done_late=sum(1 for t in done if t.completed_late),
        judged=judged, on_schedule=on_schedule, grade=overall_grade(share, report.thresholds),
        unsubmitted=tuple(a for a in actions if a not in counted),
        pending=tuple(a for a in counted if a.data_pending),
        met=_named(counted, _indicators, lambda i: i.status is Status.MET),
        ahead=_named(counted, _indicators, lambda i: i.status is Status.AHEAD),
        completed=_named(counted, _tasks, lambda t: t.done_this_quarter),
        projects_ahead=_named(counted, _projects, lambda p: project_state(p) is ProjectState.AHEAD),
        behind=_named(counted, _indicators, lambda i: i.status in BEHIND),
        watch=_named(counted, _indicators, lambda i: i.status is Status.WATCH),
        missing=_named(counted, _indicators, lambda i: i.status is Status.NO_DATA),
        overdue_tasks=_named(counted, _tasks, lambda t: t.overdue),
        slow_tasks=_named(counted, _tasks, lambda t: t.behind and not t.overdue),
        late_projects=_named(counted, _projects, lambda p: p.late_start),
        slow_projects=_named(counted, _projects, lambda p: project_state(p) is ProjectState.LAGGING),
        highlights=distinct(UnitWords(a, "", a.info.summary.strip()) for a in good
                            if a.info and len(a.info.summary.strip()) >= MIN_QUOTE),
        causes=causes(good),
        new_items=new_items,
        open_items=tuple(i for i in earlier if i.state is LedgerState.OPEN),
        overdue_items=overdue_items,
        closed_now=tuple(i for i in earlier if i.state is LedgerState.CLOSED and i.closed_in == report.quarter),
        overdue_units=by_unit(overdue_items),
        deadline=deadline,
        review_date=review_from + dt.timedelta(days=REVIEW_DAYS),
    )


def distinct(words: Iterable[UnitWords]) -> tuple[UnitWords, ...]:
    """Each text quoted once: a unit that leads two actions and wrote the same words for both (or two units that
    wrote the same boilerplate) is not quoted twice."""
    seen: set[str] = set()
    out = []
    for w in words:
        if w.text not in seen:
            seen.add(w.text)
            out.append(w)
    return tuple(out)


def causes(actions: Iterable[ActionResult]) -> tuple[UnitWords, ...]:
    """The units' own words on what is behind: the 情况说明 of an indicator behind or to watch, the 存在问题
    of a task behind and of a project behind, in action order."""
    out: list[UnitWords] = []
    for a in actions:
        out += [UnitWords(a, i.name, i.note.strip()) for i in a.current_indicators
                if i.note.strip() and i.status in (Status.WATCH, Status.LAGGING, Status.NOT_MET)]
        out += [UnitWords(a, t.content, t.problems.strip()) for t in a.tasks if t.behind and t.problems.strip()]
        out += [UnitWords(a, p.name, p.problems.strip()) for p in a.projects
                if p.problems.strip() and project_state(p) in (ProjectState.LAGGING, ProjectState.LATE_START,
                                                              ProjectState.WATCH)]
    return distinct(out)


def by_unit(items: Iterable[LedgerItem]) -> tuple[UnitItems, ...]:
    """Items grouped by their lead units, in the order of their actions."""
    groups: dict[str, list[LedgerItem]] = {}
    for item in sorted(items, key=lambda i: (i.action_id, i.id)):
        groups.setdefault(item.lead_units, []).append(item)
    return tuple(UnitItems(units, tuple(sorted({i.action_id for i in found})), tuple(found))
                 for units, found in groups.items())
