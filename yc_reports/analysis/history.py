"""Earlier quarters as series per indicator (环比, 同比, trend) and the consistency warnings they allow.

Pure rules over submissions already read: which workbook of an earlier quarter counts is decided in
`intake/selection.py`, the folders are read (through the parse cache of `intake/cache.py`) by
`pipeline/inputs.py`. Nothing here reads a file.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from yc_reports.intake.records import Submission
from yc_reports.issues import Issue, IssueCode, make_issue
from yc_reports.numfmt import with_unit
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import Kind, Registry
from yc_reports.workbook.layout import SHEET_INDICATORS

JUMP_FACTOR = 5           # a figure more than 5× (or under 1/5 of) its own median is suspicious
JUMP_MIN_HISTORY = 2      # earlier non-zero figures needed before judging a jump

# ------------------------------------------------------------------------------------ series


@dataclass(frozen=True)
class History:
    """Figures of the quarters before `quarter`, per indicator key, oldest first."""

    quarter: Quarter
    quarters: tuple[Quarter, ...] = ()                            # earlier quarters with a usable workbook
    series: dict[str, tuple[tuple[Quarter, Decimal], ...]] = field(default_factory=dict)
    submissions: dict[Quarter, dict[int, Submission]] = field(default_factory=dict)

    def value(self, key: str, quarter: Quarter) -> Decimal | None:
        return next((v for q, v in self.series.get(key, ()) if q == quarter), None)

    def previous(self, key: str) -> Decimal | None:
        """Last quarter's figure (环比 base)."""
        return self.value(key, self.quarter.previous())

    def last_year(self, key: str) -> Decimal | None:
        """The same quarter last year (同比 base)."""
        return self.value(key, self.quarter.same_quarter_last_year())

    def trend(self, key: str) -> tuple[tuple[Quarter, Decimal], ...]:
        """Every earlier quarter with a figure, oldest first (the current quarter is not included)."""
        return self.series.get(key, ())

    def latest(self, key: str, *, year: int | None = None) -> tuple[Quarter, Decimal] | None:
        """The most recent earlier figure, optionally only within `year`."""
        points = [p for p in self.trend(key) if year is None or p[0].year == year]
        return points[-1] if points else None

    def submission(self, quarter: Quarter, action_id: int) -> Submission | None:
        return self.submissions.get(quarter, {}).get(action_id)


def history_from_submissions(quarter: Quarter, submissions: Iterable[Submission]) -> History:
    """Build the series from the submissions chosen for earlier quarters (at most one per action and quarter)."""
    chosen: dict[Quarter, dict[int, Submission]] = {}
    for s in submissions:
        if s.quarter < quarter:
            chosen.setdefault(s.quarter, {})[s.action_id] = s
    series: dict[str, list[tuple[Quarter, Decimal]]] = {}
    for q in sorted(chosen):
        for action_id in sorted(chosen[q]):
            for entry in chosen[q][action_id].indicators:
                if entry.value is not None:
                    series.setdefault(entry.key, []).append((q, entry.value))
    return History(quarter=quarter, quarters=tuple(sorted(chosen)),
                   series={k: tuple(v) for k, v in sorted(series.items())},
                   submissions={q: dict(sorted(chosen[q].items())) for q in sorted(chosen)})


def earlier_quarters(registry: Registry, quarter: Quarter) -> list[Quarter]:
    """Every quarter of the plan before `quarter`."""
    if quarter <= registry.first_quarter:
        return []
    return quarters_between(registry.first_quarter, quarter.previous())


# ------------------------------------------------------------------------------------ consistency


def consistency_issues(registry: Registry, submission: Submission, history: History) -> tuple[Issue, ...]:
    """Warnings on the current workbook's 指标进展 cells when a figure does not fit its own history:
    a cumulative count that went down, a flow below the same year's previous quarter, or a jump
    (more than 5× or under 1/5 of the median of at least two earlier non-zero figures)."""
    try:
        action = registry.action(submission.action_id)
    except KeyError:
        return ()
    out: list[Issue] = []
    for indicator in action.indicators:
        entry = submission.indicator(indicator.key)
        if entry is None or entry.value is None:
            continue

        def fmt(value: Decimal | Fraction) -> str:
            return with_unit(value, indicator.unit, indicator.decimals)

        def warn(code: IssueCode, **params: object) -> None:
            out.append(make_issue(code, submission.file, SHEET_INDICATORS, entry.cell,
                                  detail=indicator.name, value=fmt(entry.value), **params))

        if indicator.kind is Kind.CUMULATIVE:
            prior = history.latest(indicator.key)
            if prior is not None and entry.value < prior[1]:
                warn(IssueCode.CUMULATIVE_DECREASE, expected=fmt(prior[1]))
        if indicator.kind is Kind.FLOW and submission.quarter.q > 1:
            prior = history.latest(indicator.key, year=submission.quarter.year)
            if prior is not None and entry.value < prior[1]:
                warn(IssueCode.FLOW_DECREASE, expected=fmt(prior[1]))
        earlier = [Fraction(v) for _, v in history.trend(indicator.key) if v != 0]
        if len(earlier) >= JUMP_MIN_HISTORY:
            median = Fraction(statistics.median(earlier))
            value = Fraction(entry.value)
            if value > median * JUMP_FACTOR or value < median / JUMP_FACTOR:
                warn(IssueCode.VALUE_JUMP, expected=f"中位数为{fmt(median)}")
    return tuple(out)
