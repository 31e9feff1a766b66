"""Projections at the pace so far (issue #12): where each current indicator will stand at the end of
its target year, whether that meets the target, and the pace the remaining quarters need.

- A flow within the year (游客接待, 综合收入, 用水总量) keeps this year's pace: the year-end figure is
  ``actual × 4 / q``.
- A count (新增绿色工厂) or a level (覆盖率, 融资规模) keeps the pace of the last four quarters:
  ``(actual − figure four quarters earlier) / 4`` a quarter (fewer quarters back when the history
  is shorter, none without an earlier figure), carried on to the target year's Q4.
- `on_pace` is whether the projection meets the target (at most the target for a ceiling); in the
  target year's Q4 the projection is the figure itself. No figure, no target, or a stage result
  (`IndicatorResult.current` false: its last target year has passed): nothing is projected (null).
Exact arithmetic throughout (Fraction); the renderers round.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from yc_reports.analysis.model import IndicatorResult, QuarterReport
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Direction, Kind

PACE_QUARTERS = 4   # counts and levels: the pace of the last four quarters


@dataclass(frozen=True)
class Projection:
    key: str
    projected: Fraction | None          # the figure at the end of the target year at the pace so far
    on_pace: bool | None
    remaining_quarters: int = 0         # quarters left in the target year after this one
    pace: Fraction | None = None        # a quarter's gain at the pace so far
    needed_per_quarter: Fraction | None = None   # what each remaining quarter must add to meet the target
    this_quarter: Fraction | None = None         # what this quarter itself added (actual − last quarter)


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
    if r.kind is Kind.FLOW:
        left = 4 - quarter.q   # a flow's target is the year's
        pace = actual / quarter.q
        projected = actual + pace * left
    else:
        pace = _recent_pace(r, actual, quarter)
        projected = actual + pace * left if pace is not None else (actual if left == 0 else None)
    needed = (target - actual) / left if left else None
    on_pace = None if projected is None else _meets(projected, target, r.direction)
    return Projection(key=r.key, projected=projected, on_pace=on_pace, remaining_quarters=left, pace=pace,
                      needed_per_quarter=needed, this_quarter=this_quarter)


def _meets(value: Fraction, target: Fraction, direction: Direction) -> bool:
    return value <= target if direction is Direction.CEILING else value >= target


def _figure_at(r: IndicatorResult, quarter: Quarter) -> Fraction | None:
    return next((Fraction(v) for q, v in r.trend if q == quarter and v is not None), None)


def _recent_pace(r: IndicatorResult, actual: Fraction, quarter: Quarter) -> Fraction | None:
    """(actual − the figure k quarters back) / k for the largest k ≤ 4 with a figure."""
    back = quarter
    earlier: list[tuple[int, Fraction]] = []
    for k in range(1, PACE_QUARTERS + 1):
        back = back.previous()
        value = _figure_at(r, back)
        if value is not None:
            earlier.append((k, value))
    if not earlier:
        return None
    k, value = earlier[-1]
    return (actual - value) / k


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


def at_risk(report: QuarterReport) -> tuple[AtRisk, ...]:
    """In a target year, before its Q4: every indicator whose target falls due this year and whose
    projection misses it, in action order."""
    out = []
    for a in report.actions:
        for r in a.current_indicators:
            if r.target_year != report.quarter.year or report.quarter.q == 4:
                continue
            p = project(r, report.quarter)
            if p.on_pace is False:
                out.append(AtRisk(a.action.id, a.action.lead_units_text, r, p))
    return tuple(out)


def projections(report: QuarterReport) -> dict[str, Projection]:
    """Every indicator's projection by key."""
    return {r.key: project(r, report.quarter) for a in report.actions for r in a.indicators}
