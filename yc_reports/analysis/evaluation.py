"""终期评估: the plan's whole period judged from every quarter's report.

- Each quantified target (indicator × target year with a set value): its final figure — the target
  year's Q4 figure, else the latest figure of that year — met or not (at most the target for a
  ceiling); no figure: 无数据. A target year after the last quarter read is still 未到期.
- Each action's light in every quarter of the period (None: no report read for that quarter).
- Each key task: done on time (first reported 已完成 in a quarter ending on or before its
  deadline's quarter), done late, unfinished (deadline passed), or still running; a task already
  done in the first quarter read, after its deadline, was done before the data: when is unknown.
Pure: the caller reads the quarters (pipeline/evaluation.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.checks import target_reached
from yc_reports.analysis.model import Light, QuarterReport
from yc_reports.intake.records import TaskStatus
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import Action, Indicator, Registry, Task


class Outcome(str, Enum):
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    NOT_DUE = "not_due"      # the target year ends after the last quarter read
    NOT_SET = "not_set"      # 待定: the target was never set

    @property
    def label(self) -> str:
        return {"met": "已完成", "not_met": "未完成", "no_data": "无数据", "not_due": "未到期",
                "not_set": "目标未设定"}[self.value]


class TaskOutcome(str, Enum):
    ON_TIME = "on_time"
    LATE = "late"
    UNFINISHED = "unfinished"
    RUNNING = "running"      # deadline after the last quarter read, not yet done
    DONE_EARLIER = "done_earlier"   # already 已完成 in the first quarter read, which is after its deadline

    @property
    def label(self) -> str:
        return {"on_time": "按期完成", "late": "逾期完成", "unfinished": "逾期未完成", "running": "推进中",
                "done_earlier": "已完成（早于现有数据）"}[self.value]


@dataclass(frozen=True)
class TargetResult:
    action: Action
    indicator: Indicator
    year: int
    target: Decimal | None
    figure: Decimal | None
    figure_quarter: Quarter | None
    outcome: Outcome

    @property
    def completion(self) -> Fraction | None:
        if self.figure is None or not self.target:
            return None
        return Fraction(self.figure) / Fraction(self.target)


@dataclass(frozen=True)
class TaskResultOverPlan:
    action: Action
    content: str
    deadline: dt.date
    done_in: Quarter | None
    outcome: TaskOutcome


@dataclass(frozen=True)
class Evaluation:
    registry: Registry
    quarters: tuple[Quarter, ...]                           # every quarter of the period, first to last read
    read: tuple[Quarter, ...]                               # the quarters with a report
    targets: tuple[TargetResult, ...]
    lights: tuple[tuple[Action, tuple[Light | None, ...]], ...]   # per action, one per quarter
    tasks: tuple[TaskResultOverPlan, ...]
    final: QuarterReport                                    # the last quarter read

    def count(self, outcome: Outcome | TaskOutcome) -> int:
        pool = self.targets if isinstance(outcome, Outcome) else self.tasks
        return sum(1 for t in pool if t.outcome is outcome)


class EvaluationError(ValueError):
    """Nothing to evaluate (message in Chinese)."""


def evaluate(registry: Registry, reports: Mapping[Quarter, QuarterReport]) -> Evaluation:
    if not reports:
        period = f"{registry.plan.start_year}—{registry.plan.end_year}年"
        raise EvaluationError(f"输入中没有{period}任何季度的报送数据，无法开展终期评估。")
    read = tuple(sorted(reports))
    last = read[-1]
    quarters = tuple(quarters_between(registry.first_quarter, last))
    final = reports[last]
    figures = _figures(reports)
    targets = tuple(_target(a, i, year, figures, last) for a in registry.actions for i in a.indicators
                    for year in sorted(i.targets))
    lights = tuple((a, tuple(reports[q].action(a.id).light if q in reports else None for q in quarters))
                   for a in registry.actions)
    tasks = tuple(_task(a, t, reports, last) for a in registry.actions for t in a.tasks)
    return Evaluation(registry, quarters, read, targets, lights, tasks, final)


def _figures(reports: Mapping[Quarter, QuarterReport]) -> dict[str, dict[Quarter, Decimal]]:
    """Each indicator's figure as reported in each quarter (a stage result's `actual` is its target year's Q4
    figure, not the quarter's: the quarter's own is in its trend)."""
    out: dict[str, dict[Quarter, Decimal]] = {}
    for q, report in reports.items():
        for a in report.actions:
            for r in a.indicators:
                reported = r.actual if r.current else next((v for tq, v in r.trend if tq == q), None)
                if reported is not None:
                    out.setdefault(r.key, {})[q] = reported
    return out


def _target(action: Action, indicator: Indicator, year: int, figures: Mapping[str, Mapping[Quarter, Decimal]],
            last: Quarter) -> TargetResult:
    target = indicator.target_value(year)
    in_year = sorted((q, v) for q, v in figures.get(indicator.key, {}).items() if q.year == year)
    q4 = next(((q, v) for q, v in in_year if q.q == 4), None)
    chosen = q4 or (in_year[-1] if in_year else None)
    if target is None:
        outcome = Outcome.NOT_SET
    elif Quarter(year, 4) > last:
        outcome = Outcome.NOT_DUE
    elif chosen is None:
        outcome = Outcome.NO_DATA
    else:
        outcome = Outcome.MET if target_reached(chosen[1], target, indicator.direction) else Outcome.NOT_MET
    return TargetResult(action, indicator, year, target, chosen[1] if chosen else None,
                        chosen[0] if chosen else None, outcome)


def _quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def _task(action: Action, task: Task, reports: Mapping[Quarter, QuarterReport], last: Quarter) -> TaskResultOverPlan:
    done_in = None
    for q in sorted(reports):
        result = next((t for t in reports[q].action(action.id).tasks if t.key == task.key), None)
        if result is not None and result.reported is TaskStatus.DONE:
            done_in = q
            break
    due = _quarter_of(task.deadline)
    first = min(reports)
    if done_in is not None and done_in == first and first > due:
        outcome = TaskOutcome.DONE_EARLIER     # done before the quarters read: on time or not is unknown
    elif done_in is not None:
        outcome = TaskOutcome.ON_TIME if done_in <= due else TaskOutcome.LATE
    else:
        outcome = TaskOutcome.UNFINISHED if due <= last else TaskOutcome.RUNNING
    return TaskResultOverPlan(action, task.content, task.deadline, done_in, outcome)
