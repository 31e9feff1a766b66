"""年度考核 (issue #12): each action's lead units scored by the plan's [assessment] rules, ranked, with
the basis of every deduction.

Three parts, each worth its weight and deducted per finding down to zero:
- 指标完成: at the year's Q4, each current indicator (`IndicatorResult.current`) with a set target that
  is 未完成 (its target of this year), 滞后 or 关注 (a later target year), or has no usable figure.
  Stage results (target years already past before this year) and targets not yet set do not count.
- 重点任务和督办整改: at Q4, each key task 滞后 or past its deadline unfinished, and each 督办 item
  逾期未整改 at the year's end.
- 按时准确报送: for each quarter of the year, a workbook not received, received after the due date
  (填报日期 later than the quarter's end + 10 days), or with errors (数据待核实).
A part applies when the action has something to judge in it (indicators with targets; tasks or 督办
items; reporting always). The total is 100 × the points kept / the weights of the parts that apply,
so an action without quantified indicators is not favoured. Ranks: higher totals first; equal
totals (to one decimal, as printed) share a rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.ledger import LedgerState
from yc_reports.analysis.model import ActionResult, QuarterReport, Reason, Status, printed_points
from yc_reports.analysis.notices import REPORT_WITHIN_DAYS
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Assessment


class Part(str, Enum):
    INDICATORS = "指标完成"
    TASKS = "重点任务和督办整改"
    REPORTING = "按时准确报送"


@dataclass(frozen=True)
class Deduction:
    part: Part
    rule: str            # the [assessment] key, e.g. "indicator_not_met"
    points: Decimal
    subject: str         # the indicator, task or quarter concerned ("" for a 督办 item: see `reason`)
    quarter: Quarter     # the quarter judged (督办 item: the quarter that listed it)
    date: dt.date | None = None       # the task's deadline, the item's 整改时限, the late fill date
    status: Status | None = None      # an indicator's status at Q4
    reason: Reason | None = None      # a 督办 item: the fact it was listed for (the wording names it)


@dataclass(frozen=True)
class PartScore:
    part: Part
    weight: Decimal
    applies: bool
    deductions: tuple[Deduction, ...]

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))

    @property
    def score(self) -> Decimal:
        return max(Decimal(0), self.weight - self.deducted) if self.applies else Decimal(0)


@dataclass(frozen=True)
class ActionScore:
    action: Action
    parts: tuple[PartScore, ...]
    total: Fraction       # out of 100
    rank: int = 0

    @property
    def deductions(self) -> tuple[Deduction, ...]:
        return tuple(d for p in self.parts for d in p.deductions)


@dataclass(frozen=True)
class YearAssessment:
    year: int
    rules: Assessment
    scores: tuple[ActionScore, ...]   # ranked


class AssessmentError(ValueError):
    """The year cannot be assessed (message in Chinese)."""


def assess(rules: Assessment, year: int, reports: Mapping[Quarter, QuarterReport]) -> YearAssessment:
    """Score every action of the year's Q4 report; `reports` holds the year's quarters that were read."""
    q4 = reports.get(Quarter(year, 4))
    if q4 is None:
        raise AssessmentError(f"{year}年第四季度的报送数据不在输入中，无法开展{year}年度考核。")
    scores = []
    for result in q4.actions:
        quarters = [(q, reports[q].action(result.action.id)) for q in sorted(reports) if q.year == year]
        parts = (_indicator_part(rules, result, q4.quarter), _task_part(rules, result, q4),
                 _reporting_part(rules, quarters, year))
        applicable = sum((p.weight for p in parts if p.applies), Decimal(0))
        kept = sum((p.score for p in parts if p.applies), Decimal(0))
        total = Fraction(kept) * 100 / Fraction(applicable) if applicable else Fraction(0)
        scores.append(ActionScore(result.action, parts, total))
    return YearAssessment(year=year, rules=rules, scores=_ranked(scores))


def printed_total(score: ActionScore) -> Decimal:
    """The total as printed (one decimal, half up): ranks compare what the reader sees."""
    return printed_points(score.total)


def _ranked(scores: list[ActionScore]) -> tuple[ActionScore, ...]:
    ordered = sorted(scores, key=lambda s: (-printed_total(s), s.action.id))
    out: list[ActionScore] = []
    for i, s in enumerate(ordered, start=1):
        rank = out[-1].rank if out and printed_total(out[-1]) == printed_total(s) else i
        out.append(ActionScore(s.action, s.parts, s.total, rank))
    return tuple(out)


_INDICATOR_RULES = {Status.NOT_MET: "indicator_not_met", Status.LAGGING: "indicator_lagging",
                    Status.WATCH: "indicator_watch", Status.NO_DATA: "indicator_no_data"}


def _indicator_part(rules: Assessment, result: ActionResult, quarter: Quarter) -> PartScore:
    judged = [r for r in result.current_indicators if r.target_set]
    deductions = []
    for r in judged:
        rule = _INDICATOR_RULES.get(r.status)
        if rule is not None:
            deductions.append(Deduction(Part.INDICATORS, rule, getattr(rules, rule), r.name, quarter,
                                        status=r.status))
    return PartScore(Part.INDICATORS, rules.weight_indicators, bool(judged), tuple(deductions))


def _task_part(rules: Assessment, result: ActionResult, report: QuarterReport) -> PartScore:
    deductions = [Deduction(Part.TASKS, "task_behind", rules.task_behind, t.content, report.quarter, t.deadline)
                  for t in result.tasks if t.behind]
    items = [i for i in report.ledger if i.action_id == result.action.id]
    deductions += [Deduction(Part.TASKS, "overdue_item", rules.overdue_item, "", i.since, i.deadline, reason=i.reason)
                   for i in items if i.state is LedgerState.OVERDUE]
    applies = bool(result.action.tasks or result.tasks or items)
    return PartScore(Part.TASKS, rules.weight_tasks, applies, tuple(deductions))


def _reporting_part(rules: Assessment, quarters: list[tuple[Quarter, ActionResult]], year: int) -> PartScore:
    read = dict(quarters)
    deductions = []
    for q in (Quarter(year, n) for n in range(1, 5)):
        result = read.get(q)
        if result is None or not result.submitted:
            deductions.append(Deduction(Part.REPORTING, "report_missing", rules.report_missing, q.label, q))
            continue
        due = q.end_date + dt.timedelta(days=REPORT_WITHIN_DAYS)
        filled = result.info.fill_date if result.info else None
        if filled is not None and filled > due:
            deductions.append(Deduction(Part.REPORTING, "report_late", rules.report_late, q.label, q, filled))
        if result.data_pending or result.error_count:   # 数据待核实, or errors in the workbook
            deductions.append(Deduction(Part.REPORTING, "report_errors", rules.report_errors, q.label, q))
    return PartScore(Part.REPORTING, rules.weight_reporting, True, tuple(deductions))
