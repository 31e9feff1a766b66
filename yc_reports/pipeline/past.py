"""The past of a quarter, read: issued quarters from the office's record, drafts from their workbooks.

An issued quarter is read as it was printed (`record/store.py`), whatever today's workbooks or plan say;
a quarter not yet issued (a draft) is read from its folder under ``inputs/`` with today's plan. What the
office set or received for the quarter being built (印发日期, 报送截止日期, 文号, receipts, items it
closed) comes from the record too. `analysis/past.py` walks the quarters into the `Past` the assembly
reads.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from yc_reports.analysis.past import EarlierQuarter, Past, QuarterSetup, ReceiptFact, past_of
from yc_reports.analysis.supervision import OfficeClosure
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.discovery import discover
from yc_reports.intake.records import ParseResult, Submission
from yc_reports.intake.selection import choose_for_history
from yc_reports.pipeline.inputs import display_name
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import Registry
from yc_reports.record.store import Record

Progress = Callable[[str, int, int], None]


def read_past(registry: Registry, quarter: Quarter, inputs_root: Path, cache: ParseCache, record: Record, *,
              progress: Progress | None = None) -> Past:
    """Everything the build of `quarter` knows of the quarters before it (and the office's setup for it)."""
    issued = {q: record.issued(q) for q in record.issued_quarters() if q < quarter}
    earlier = [EarlierQuarter(q, i.submissions, issued=i.report) for q, i in issued.items() if i is not None]
    drafts = read_draft_quarters(registry, quarter, Path(inputs_root), cache, skip=set(issued), progress=progress)
    earlier += [EarlierQuarter(q, subs, report_date=record.settings(q).report_date) for q, subs in drafts.items()]
    closures = tuple(OfficeClosure(c.item_id, c.quarter, c.reason) for c in record.closures())
    return past_of(registry, quarter, earlier, closures=closures,
                   first_collected=first_collected(registry, quarter, Path(inputs_root), record),
                   setup=quarter_setup(record, quarter, closures))


class PeriodError(ValueError):
    """The next plan period cannot start there; the message (Chinese) says why."""


def next_period(registry: Registry, record: Record, start: int, end: int) -> tuple[Registry, dict[str, Decimal]]:
    """The plan of the period start–end started from `registry` (`plan new`; see `new_period`), with the bases
    of continuing indicators taken from the figures the record holds for the year before's fourth quarter;
    also those figures (empty when that quarter was not issued)."""
    from yc_reports.workbook.plan_workbook import new_period

    current = registry.plan
    if end < start:
        raise PeriodError(f"结束年份 {end} 早于开始年份 {start}")
    if start <= current.end_year:
        raise PeriodError(f"新一期方案应在当前方案（{current.start_year}—{current.end_year}年）结束后开始，{start}年不在其后")
    figures = figures_on_record(record, Quarter(start - 1, 4))
    return new_period(registry, start, end, figures), figures


def figures_on_record(record: Record, quarter: Quarter) -> dict[str, Decimal]:
    """The figures the issued `quarter` printed, by indicator key (empty when it was not issued)."""
    issued = record.issued(quarter)
    if issued is None:
        return {}
    return {e.key: e.value for s in issued.submissions.values() for e in s.indicators if e.value is not None}


def quarter_setup(record: Record, quarter: Quarter, closures: tuple[OfficeClosure, ...] = ()) -> QuarterSetup:
    settings = record.settings(quarter)
    receipts = tuple(ReceiptFact(r.action_id, r.received_at, r.source.value, r.sha256)
                     for r in record.receipts(quarter))
    return QuarterSetup(report_date=settings.report_date, deadline=settings.deadline,
                        doc_number=settings.doc_number, receipts=receipts,
                        closures=tuple(c for c in closures if c.quarter == quarter))


def first_collected(registry: Registry, quarter: Quarter, inputs_root: Path, record: Record) -> Quarter | None:
    """The office's first collected quarter: the first it issued; without a record, the first quarter of
    the plan (up to `quarter`) whose folder is under `inputs_root`."""
    issued = record.first_collected()
    if issued is not None:
        return issued
    folders = [q for q in quarters_between(registry.first_quarter, quarter) if (inputs_root / str(q)).is_dir()]
    return folders[0] if folders else None


def read_draft_quarters(registry: Registry, quarter: Quarter, inputs_root: Path, cache: ParseCache, *,
                        skip: set[Quarter], progress: Progress | None = None) -> dict[Quarter, dict[int, Submission]]:
    """Each earlier quarter of the plan with a folder and not in `skip`: per action, the workbook that
    counts (`intake.selection.choose_for_history`)."""
    earlier = quarters_between(registry.first_quarter, quarter.previous()) if quarter > registry.first_quarter else []
    folders = [(q, inputs_root / str(q)) for q in earlier if q not in skip and (inputs_root / str(q)).is_dir()]
    jobs: list[tuple[Quarter, Path, str]] = []
    for q, folder in folders:
        for path in discover([folder]).workbooks:
            jobs.append((q, path, display_name(path, inputs_root)))
    results = cache.parse_many([(path, name) for _, path, name in jobs], progress=progress, stage="读取往期数据")
    by_quarter: dict[Quarter, list[ParseResult]] = {q: [] for q, _ in folders}
    for (q, _, _), result in zip(jobs, results, strict=True):
        by_quarter[q].append(result)
    return {q: choose_for_history(rs, registry, q) for q, rs in sorted(by_quarter.items())}

