"""年度考核: each action's lead units scored by the plan's [assessment] rules, ranked, with
the basis of every deduction.

Three parts, each worth its weight and deducted per finding down to zero:
- 指标完成: at the year's Q4, each current indicator (`IndicatorResult.current`) with a set target that
  is 未完成 (its target of this year), 滞后 or 关注 (a later target year), or has no usable figure.
  Stage results (target years already past before this year) and targets not yet set do not count.
- 重点任务和督办整改: at Q4, each key task 滞后 or past its deadline unfinished, and each 督办 item
  逾期未整改 at the year's end.
- 按时准确报送: for each quarter of the year the office collected (from its first collected quarter on;
  the quarters before it are 未纳入调度 and judged in no way), a workbook not received, received after the
  quarter's deadline (the office's receipt: the portal's receipt time or the date it entered — never the
  填报日期 a unit typed; a quarter without a receipt on record is named and not judged late), or with
  errors or two differing copies (the findings named).
One matter is deducted once: a 督办 item overdue on an indicator or task already deducted in its own part
is named with that deduction, not deducted again (the larger deduction stands).
A part applies when the action has something to judge in it (indicators with targets; tasks or 督办
items; reporting always). The total is 100 × the points kept / the weights of the parts that apply,
so an action without quantified indicators is not favoured. Ranks: higher totals first; equal
totals (to one decimal, as printed) share a rank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.checks import default_deadline
from yc_reports.analysis.ledger import LedgerState
from yc_reports.analysis.model import ActionResult, QuarterReport, Reason, Status, printed_points
from yc_reports.analysis.supervision import Matter, indicator_matter, matter, task_matter
from yc_reports.issues import Issue, Severity
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
    date: dt.date | None = None       # the task's deadline, the item's 整改时限, the deadline missed
    status: Status | None = None      # an indicator's status at Q4
    reason: Reason | None = None      # a 督办 item: the fact it was listed for (the wording names it)
    received: dt.datetime | None = None   # report_late: when the office received the workbook
    findings: tuple[Issue, ...] = ()  # report_errors: what was wrong (the errors found in the workbooks)
    also: tuple[Deduction, ...] = ()  # the same matter's other findings, named here and not deducted again
    matter: Matter | None = None      # what the deduction is about (one matter is deducted once)


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
    collected: tuple[Quarter, ...] = ()      # the year's quarters the office collected (the basis)
    not_collected: tuple[Quarter, ...] = ()  # the year's quarters before its first collected one (未纳入调度)
    unreceipted: tuple[tuple[int, Quarter], ...] = ()   # (action, quarter) received with no time on record
    receipted: int = 0                       # submissions of the collected quarters with a receipt on record


class AssessmentError(ValueError):
    """The year cannot be assessed (message in Chinese)."""


def assess(rules: Assessment, year: int, reports: Mapping[Quarter, QuarterReport], *,
           first_collected: Quarter | None = None) -> YearAssessment:
    """Score every action of the year's Q4 report; `reports` holds the year's quarters that were read;
    quarters before `first_collected` (the office's first collected quarter) were not collected."""
    q4 = reports.get(Quarter(year, 4))
    if q4 is None:
        raise AssessmentError(f"{year}年第四季度的报送数据不在输入中，无法开展{year}年度考核。")
    year_quarters = [Quarter(year, n) for n in range(1, 5)]
    start = first_collected or min(reports)
    collected = tuple(q for q in year_quarters if q >= start)
    scores = []
    for result in q4.actions:
        parts = _once_per_matter((_indicator_part(rules, result, q4.quarter), _task_part(rules, result, q4),
                                  _reporting_part(rules, result.action.id, reports, collected)))
        applicable = sum((p.weight for p in parts if p.applies), Decimal(0))
        kept = sum((p.score for p in parts if p.applies), Decimal(0))
        total = Fraction(kept) * 100 / Fraction(applicable) if applicable else Fraction(0)
        scores.append(ActionScore(result.action, parts, total))
    submitted = [(a, q) for q in collected if q in reports for a in reports[q].actions if a.submitted]
    unreceipted = tuple((a.action.id, q) for a, q in submitted if a.received_at is None)
    return YearAssessment(year=year, rules=rules, scores=_ranked(scores), collected=collected,
                          not_collected=tuple(q for q in year_quarters if q < start), unreceipted=unreceipted,
                          receipted=len(submitted) - len(unreceipted))


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
                                        status=r.status, matter=indicator_matter(result.action.id, r.key)))
    return PartScore(Part.INDICATORS, rules.weight_indicators, bool(judged), tuple(deductions))


def _task_part(rules: Assessment, result: ActionResult, report: QuarterReport) -> PartScore:
    deductions = [Deduction(Part.TASKS, "task_behind", rules.task_behind, t.content, report.quarter, t.deadline,
                            matter=task_matter(result.action.id, t))
                  for t in result.tasks if t.behind]
    items = [i for i in report.ledger if i.action_id == result.action.id]
    deductions += [Deduction(Part.TASKS, "overdue_item", rules.overdue_item, "", i.since, i.deadline, reason=i.reason,
                             matter=matter(i.action_id, i.reason))
                   for i in items if i.state is LedgerState.OVERDUE]
    applies = bool(result.action.tasks or result.tasks or items)
    return PartScore(Part.TASKS, rules.weight_tasks, applies, tuple(deductions))


def _reporting_part(rules: Assessment, action_id: int, reports: Mapping[Quarter, QuarterReport],
                    collected: tuple[Quarter, ...]) -> PartScore:
    deductions = []
    for q in collected:
        report = reports.get(q)
        result = report.action(action_id) if report is not None else None
        if report is None or result is None or not result.submitted:
            deductions.append(Deduction(Part.REPORTING, "report_missing", rules.report_missing, q.label, q))
            continue
        due = report.deadline or default_deadline(q)
        if result.received_at is not None and result.received_at.date() > due:
            deductions.append(Deduction(Part.REPORTING, "report_late", rules.report_late, q.label, q, due,
                                        received=result.received_at))
        if result.data_pending or result.error_count:   # 数据待核实, or errors in the workbook
            findings = tuple(i for i in report.issues if i.severity is Severity.ERROR and i.file in result.files)
            deductions.append(Deduction(Part.REPORTING, "report_errors", rules.report_errors, q.label, q,
                                        findings=findings))
    return PartScore(Part.REPORTING, rules.weight_reporting, True, tuple(deductions))


def _once_per_matter(parts: tuple[PartScore, ...]) -> tuple[PartScore, ...]:
    """Each matter deducted once: of the deductions about one indicator or task (its own and its overdue
    督办 item), the larger stands and names the others."""
    by_matter: dict[Matter, list[Deduction]] = {}
    for d in (d for p in parts for d in p.deductions if d.matter is not None):
        by_matter.setdefault(d.matter, []).append(d)   # type: ignore[arg-type]
    kept: dict[int, Deduction] = {}
    dropped: set[int] = set()
    for group in by_matter.values():
        if len(group) < 2:
            continue
        first = max(group, key=lambda d: d.points)   # the first of equal ones: the indicator or task part's
        kept[id(first)] = replace(first, also=tuple(d for d in group if d is not first))
        dropped |= {id(d) for d in group if d is not first}
    return tuple(replace(p, deductions=tuple(kept.get(id(d), d) for d in p.deductions if id(d) not in dropped))
                 for p in parts)
