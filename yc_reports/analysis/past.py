"""What a quarter's build knows of the quarters before it: issued ones as printed, drafts as derived.

The pipeline reads each earlier quarter — an issued one from the office's record (its report as printed
and the workbooks it used), a draft from its workbooks — into an `EarlierQuarter`; `past_of` walks them
oldest first into a `Past`:

- the **history** of figures (环比, 同比, trends, 收官 pace), from the workbooks each quarter used. A
  quarter of an earlier plan (read from the record only) lends the figures of the indicators that continue
  into this plan — same key, same unit, a flow or a level; never a count since the plan began, which starts
  again at zero — so that the first quarter of a new plan can compare with the year before;
- the **督办 ledger** at the end of the quarter before: an issued quarter's ledger as recorded, advanced
  through the drafts after it (`analysis/supervision.py`); items of an earlier plan come along until closed;
- the **stage results** already issued (an expired target's verdict, recorded once, never judged again);
- when the office began collecting (quarters before it were 未纳入调度), and what it set or received for
  this quarter (印发日期, deadline, 文号, receipts, items it closed).

Pure: nothing here reads a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from yc_reports.analysis.history import History, history_from_submissions
from yc_reports.analysis.model import IndicatorResult, LedgerItem, QuarterReport
from yc_reports.analysis.supervision import OfficeClosure, QuarterListing, advance_ledger, reports_of
from yc_reports.intake.records import ParseResult, Submission
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Kind, Registry


@dataclass(frozen=True)
class EarlierQuarter:
    """One quarter before the one being built."""

    quarter: Quarter
    submissions: dict[int, Submission]     # per action, the workbook its report used
    issued: QuarterReport | None = None    # the report as issued (from the record); None: a draft
    report_date: dt.date | None = None     # a draft's 印发日期, when the office set one


@dataclass(frozen=True)
class ReceiptFact:
    """When the office received a workbook for an action (`sha256` "" when it entered the date alone)."""

    action_id: int
    received_at: dt.datetime
    source: str          # "portal" (the receipt of an accepted upload) or "office" (a date it entered)
    sha256: str = ""


@dataclass(frozen=True)
class QuarterSetup:
    """What the office set for the quarter being built (None / "": the defaults apply)."""

    report_date: dt.date | None = None     # 印发日期
    deadline: dt.date | None = None        # 报送截止日期
    doc_number: str = ""                   # 文号
    receipts: tuple[ReceiptFact, ...] = ()
    closures: tuple[OfficeClosure, ...] = ()


@dataclass(frozen=True)
class Past:
    """What the build of `quarter` knows of the quarters before it, and what the office set for it."""

    quarter: Quarter
    history: History
    ledger: tuple[LedgerItem, ...] = ()                 # at the end of the quarter before
    verdicts: dict[str, IndicatorResult] = field(default_factory=dict)   # issued stage results, by key
    first_collected: Quarter | None = None              # the office's first collected quarter
    setup: QuarterSetup = field(default_factory=QuarterSetup)


def past_of(registry: Registry, quarter: Quarter, earlier: Iterable[EarlierQuarter], *,
            first_collected: Quarter | None = None, setup: QuarterSetup | None = None,
            closures: Sequence[OfficeClosure] = ()) -> Past:
    """Walk `earlier` oldest first into the Past of `quarter`. `closures`: every item the office closed,
    each applied in its quarter (those of `quarter` itself come with `setup`)."""
    ordered = sorted((e for e in earlier if e.quarter < quarter), key=lambda e: e.quarter)
    last_issued = max((e.quarter for e in ordered if e.issued is not None), default=None)
    known: list[Submission] = []
    ledger: tuple[LedgerItem, ...] = ()
    verdicts: dict[str, IndicatorResult] = {}
    for e in ordered:
        if e.issued is not None:
            ledger = e.issued.ledger
            if e.issued.plan.id == registry.plan.id:
                for a in e.issued.actions:
                    for r in a.stage_results:
                        verdicts.setdefault(r.key, r)    # the first verdict issued stands
        elif last_issued is None or e.quarter > last_issued:
            ledger = _advance_draft(registry, e, known, ledger, verdicts,
                                    tuple(c for c in closures if c.quarter == e.quarter))
        known += _carried(registry, e)
    return Past(quarter=quarter, history=history_from_submissions(quarter, known), ledger=ledger,
                verdicts=verdicts, first_collected=first_collected, setup=setup or QuarterSetup())


def past_from_history(registry: Registry, quarter: Quarter, history: History) -> Past:
    """The Past of `quarter` when only earlier workbooks are known (no record): every quarter a draft."""
    earlier = [EarlierQuarter(q, dict(history.submissions.get(q, {}))) for q in history.quarters]
    return past_of(registry, quarter, earlier, first_collected=min(history.quarters, default=None))


def _advance_draft(registry: Registry, e: EarlierQuarter, known: Sequence[Submission],
                   ledger: tuple[LedgerItem, ...], verdicts: dict[str, IndicatorResult],
                   closures: tuple[OfficeClosure, ...]) -> tuple[LedgerItem, ...]:
    """A draft quarter assembled again from its workbooks, as its own build would, and its listing applied
    to the ledger."""
    from yc_reports.analysis.assemble import assemble_report  # assemble reads the Past: imported late

    results = [ParseResult(file=s.file, submission=s) for s in e.submissions.values()]
    draft_past = Past(quarter=e.quarter, history=history_from_submissions(e.quarter, known), verdicts=verdicts,
                      setup=QuarterSetup(report_date=e.report_date))
    report = assemble_report(registry, e.quarter, results, past=draft_past, with_ledger=False)
    listing = QuarterListing(e.quarter, report.supervision, reports_of(e.submissions.values()),
                             report_date=e.report_date, closures=closures)
    return advance_ledger(ledger, listing)


def _carried(registry: Registry, e: EarlierQuarter) -> list[Submission]:
    """The workbooks of `e` as this plan's history sees them: all of this plan's; of an earlier plan's
    issued quarter, only the figures of indicators that continue (same key and unit, a flow or a level)."""
    subs = list(e.submissions.values())
    if e.issued is None or e.issued.plan.id == registry.plan.id:
        return subs
    continuing = _continuing_keys(registry, e.issued)
    return [replace(s, indicators=tuple(i for i in s.indicators if i.key in continuing), tasks=(), projects=(),
                    rectifications=()) for s in subs]


def _continuing_keys(registry: Registry, old: QuarterReport) -> set[str]:
    now = {i.key: i for a in registry.actions for i in a.indicators}
    out = set()
    for a in old.actions:
        for r in a.indicators:
            same = now.get(r.key)
            if same is not None and same.unit == r.unit and same.kind is r.kind and r.kind is not Kind.CUMULATIVE:
                out.add(r.key)
    return out
