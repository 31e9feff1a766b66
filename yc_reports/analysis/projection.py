"""Projections at the pace so far: where each current indicator will stand at the end of
its target year, whether that meets the target, and the pace the remaining quarters need.

- A flow within the year (游客接待, 综合收入, 用水总量) keeps this year's pace: the year-end figure is
  ``actual × 4 / q``.
- A count (新增绿色工厂) or a level (覆盖率, 融资规模) keeps the pace of the quarters on record, at most
  the last four: ``(actual − the earliest figure k ≤ 4 quarters back) / k`` a quarter, carried on to the
  target year's Q4. `pace_quarters` is that k (the 近k个季度 a sentence may speak of) and `gain` the
  change over them; without an earlier figure nothing is projected.
- `on_pace` is whether the projection meets the target (at most the target for a ceiling); in the
  target year's Q4 the projection is the figure itself. No figure, no target, or a stage result
  (`IndicatorResult.current` false: its last target year has passed): nothing is projected (null).
Exact arithmetic throughout (Fraction); the renderers round.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.model import ActionResult, FigureState, IndicatorResult, QuarterReport
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Direction, Kind

PACE_QUARTERS = 4   # counts and levels: the pace of the last four quarters (fewer when fewer are on record)


@dataclass(frozen=True)
class Projection:
    key: str
    projected: Fraction | None          # the figure at the end of the target year at the pace so far
    on_pace: bool | None
    remaining_quarters: int = 0         # quarters left in the target year after this one
    pace: Fraction | None = None        # a quarter's gain at the pace so far
    needed_per_quarter: Fraction | None = None   # what each remaining quarter must add to meet the target
    this_quarter: Fraction | None = None         # what this quarter itself added (actual − last quarter)
    pace_quarters: int = 0              # counts and levels: the quarters the pace is measured over (k ≤ 4)
    gain: Fraction | None = None        # counts and levels: the change over those quarters (pace × k)

    @property
    def needed(self) -> Fraction | None:
        """What the remaining quarters must add in all (for a ceiling: the allowance left, ≤ 0 when the
        ceiling is already reached or broken)."""
        return None if self.needed_per_quarter is None else self.needed_per_quarter * self.remaining_quarters


def quarters_left(quarter: Quarter, target_year: int) -> int:
    return (target_year - quarter.year) * 4 + (4 - quarter.q)


def project(r: IndicatorResult, quarter: Quarter) -> Projection:
    """The indicator's projection at the end of `quarter` (see the module docstring)."""
    if not r.current or r.actual is None or r.target is None:
        return Projection(key=r.key, projected=None, on_pace=None)
    actual, target = Fraction(r.actual), Fraction(r.target)
    left = quarters_left(quarter, r.target_year)
    this_quarter = _this_quarter(r, actual, quarter)
    pace: Fraction | None
    projected: Fraction | None
    k, gain = 0, None
    if r.kind is Kind.FLOW:
        left = 4 - quarter.q   # a flow's target is the year's
        pace = actual / quarter.q
        projected = actual + pace * left
    else:
        recent = _recent_change(r, actual, quarter)
        pace = None
        if recent is not None:
            k, gain = recent
            pace = gain / k
        projected = actual + pace * left if pace is not None else (actual if left == 0 else None)
    needed = (target - actual) / left if left else None
    on_pace = None if projected is None else _meets(projected, target, r.direction)
    return Projection(key=r.key, projected=projected, on_pace=on_pace, remaining_quarters=left, pace=pace,
                      needed_per_quarter=needed, this_quarter=this_quarter, pace_quarters=k, gain=gain)


def _meets(value: Fraction, target: Fraction, direction: Direction) -> bool:
    return value <= target if direction is Direction.CEILING else value >= target


def _figure_at(r: IndicatorResult, quarter: Quarter) -> Fraction | None:
    return next((Fraction(v) for q, v in r.trend if q == quarter and v is not None), None)


def _recent_change(r: IndicatorResult, actual: Fraction, quarter: Quarter) -> tuple[int, Fraction] | None:
    """(k, actual − the figure k quarters back) for the largest k ≤ 4 with a figure on record."""
    back = quarter
    earliest: tuple[int, Fraction] | None = None
    for k in range(1, PACE_QUARTERS + 1):
        back = back.previous()
        value = _figure_at(r, back)
        if value is not None:
            earliest = (k, actual - value)
    return earliest


def _this_quarter(r: IndicatorResult, actual: Fraction, quarter: Quarter) -> Fraction | None:
    if r.kind is Kind.FLOW and quarter.q == 1:
        return actual
    before = _figure_at(r, quarter.previous())
    return actual - before if before is not None else None


# ------------------------------------------------------------------------------------ 收官 facts


@dataclass(frozen=True)
class AtRisk:
    """A target of this year that the pace so far does not reach, for the 收官 section."""

    action_id: int
    lead_units: str
    indicator: IndicatorResult
    projection: Projection


class Unassessed(str, Enum):
    """Why a target of this year cannot be projected to the year's end."""

    BLANK = "blank"                  # the figure was left empty this quarter (未填报)
    INVALID = "invalid"              # what was written is not a usable number (无法识别)
    DUPLICATE = "duplicate"          # two differing workbooks: 数据待核实
    UNREADABLE = "unreadable"        # the workbook could not be read
    NOT_SUBMITTED = "not_submitted"  # no workbook
    NOT_DUE = "not_due"              # an annual figure, reported in Q4 only
    NO_PACE = "no_pace"              # a figure, but none earlier on record to measure a pace by
    TARGET_PENDING = "target_pending"   # this year's target not yet set (待下达)


@dataclass(frozen=True)
class NotAssessable:
    """A target of this year whose end-of-year outcome cannot be projected, and why."""

    action_id: int
    lead_units: str
    indicator: IndicatorResult
    why: Unassessed
    projection: Projection


@dataclass(frozen=True)
class Finish:
    """The 收官 section's facts (a target year, before its Q4): the targets the pace so far misses, those
    that cannot be assessed, and how many are on pace."""

    at_risk: tuple[AtRisk, ...] = ()
    not_assessable: tuple[NotAssessable, ...] = ()
    on_pace: int = 0

    def __bool__(self) -> bool:
        return bool(self.at_risk or self.not_assessable)

    def __len__(self) -> int:   # an office copy of finish.j2 from an earlier version counts `finish | length`
        return len(self.at_risk)

    def __iter__(self) -> Iterator[AtRisk]:   # … and loops over the targets at risk
        return iter(self.at_risk)


def finish(report: QuarterReport) -> Finish:
    """In a target year, before its Q4: every current indicator whose target falls due this year, in action
    order, sorted into at risk (its projection misses the target), not assessable (no usable figure, no
    earlier figure to measure a pace by, no target set yet) and on pace. In Q4 — the year's last quarter,
    with no quarter left to act in — nothing."""
    if report.quarter.q == 4:
        return Finish()
    at_risk, not_assessable, on_pace = [], [], 0
    for a in report.actions:
        for r in a.current_indicators:
            if r.target_year != report.quarter.year:
                continue
            p = project(r, report.quarter)
            why = _unassessed(a, r, p)
            if why is not None:
                not_assessable.append(NotAssessable(a.action.id, a.action.lead_units_text, r, why, p))
            elif p.on_pace is False:
                at_risk.append(AtRisk(a.action.id, a.action.lead_units_text, r, p))
            else:
                on_pace += 1
    return Finish(tuple(at_risk), tuple(not_assessable), on_pace)


def _unassessed(a: ActionResult, r: IndicatorResult, p: Projection) -> Unassessed | None:
    if r.target is None:
        return Unassessed.TARGET_PENDING
    if r.actual is None:
        return _FIGURE_REASONS.get(r.figure, Unassessed.BLANK)
    if p.on_pace is None and not _meets(Fraction(r.actual), Fraction(r.target), r.direction):
        return Unassessed.NO_PACE   # (a target already reached needs no pace: it counts as on pace)
    return None


_FIGURE_REASONS = {
    FigureState.BLANK: Unassessed.BLANK, FigureState.INVALID: Unassessed.INVALID,
    FigureState.UNREADABLE: Unassessed.UNREADABLE, FigureState.DUPLICATE: Unassessed.DUPLICATE,
    FigureState.NOT_SUBMITTED: Unassessed.NOT_SUBMITTED,
    FigureState.NOT_DUE: Unassessed.NOT_DUE,
}
