"""The 督办 ledger: every 督办 item of the plan's quarters, numbered once and followed until closed.

Derived, never stored: each build recomputes the ledger from the earlier quarters' inputs (the
workbooks under ``inputs/``) and the plan, so the same inputs always give the same ledger, the
inputs are never written to, and a lost or stale ``outputs/`` folder cannot change it.

Rules (PRODUCT.md, 考核督办):
- The items are the 督促整改 list of each quarter's 通报 about substance — indicators, tasks and
  projects behind. Reporting problems (a workbook not sent, data to be verified) are chased by
  催报 notices and 补报, not 整改, and are not ledger items.
- An item first listed in quarter Q is numbered ``Q-AA-N`` (``2025Q3-03-1``): Q, the action, and N
  counting that action's new items of Q in list order. While it stays open, the same matter listed
  again (same action, same indicator, task or project: `matter`) is the same item, not a new one.
- Its 整改时限 is the one the 通报 of Q set: the default report date plus RECTIFY_DAYS.
- The unit reports on each open item in the next quarter's 整改落实 sheet. An item is closed
  (已销号) in the quarter whose report says 已完成 while the matter is no longer on that quarter's
  list; it is overdue (逾期未整改) when still open after its 整改时限 at the quarter's report date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from yc_reports.analysis import checks
from yc_reports.analysis.history import History, history_from_submissions
from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import Reason, SupervisionItem
from yc_reports.intake.records import ParseResult, RectificationEntry, RectificationState, Submission
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

RECTIFY_DAYS = 15   # 整改反馈时限: days after the report date


@dataclass(frozen=True)
class QuarterListing:
    """What one quarter contributes: its 督促整改 list and the units' 整改落实 reports filed with it."""

    quarter: Quarter
    listed: tuple[SupervisionItem, ...]
    reports: tuple[RectificationEntry, ...] = ()


def rectify_deadline(quarter: Quarter) -> dt.date:
    """整改时限 of the items a quarter's 通报 lists: 2025Q3 → 2025-10-25."""
    return checks.default_report_date(quarter) + dt.timedelta(days=RECTIFY_DAYS)


def item_id(quarter: Quarter, action_id: int, n: int) -> str:
    return f"{quarter}-{action_id:02d}-{n}"


def is_ledger_item(s: SupervisionItem) -> bool:
    return not s.about_the_data


Matter = tuple[int, str, str]


def matter(action_id: int, reason: Reason) -> Matter:
    """What a 督办 item is about, from its fact: the action and its indicator, task or project (a matter
    listed again while open is the same item, whatever its figures say now)."""
    if reason.indicator is not None:
        return (action_id, "indicator", reason.indicator.key)
    if reason.task is not None:
        return (action_id, "task", reason.task.key or reason.task.content)
    if reason.project is not None:
        return (action_id, "project", reason.project.name)
    return (action_id, reason.kind.value, "")


def reports_of(submissions: Iterable[Submission]) -> tuple[RectificationEntry, ...]:
    """Every 整改落实 row of a quarter's submissions, in action order."""
    return tuple(e for s in sorted(submissions, key=lambda s: s.action_id) for e in s.rectifications)


def derive_ledger(listings: Sequence[QuarterListing], as_of: Quarter) -> tuple[LedgerItem, ...]:
    """The ledger at the end of `as_of` from the quarters' listings, oldest first; items in id order
    of their quarter, action and number."""
    items: dict[str, LedgerItem] = {}
    for listing in sorted(listings, key=lambda x: x.quarter):
        if listing.quarter > as_of:
            continue
        _apply_reports(items, listing)
        listed = [s for s in listing.listed if is_ledger_item(s)]
        _close_or_keep(items, listing.quarter, {matter(s.action_id, s.reason) for s in listed})
        _open_new(items, listing.quarter, listed)
    today = checks.default_report_date(as_of)
    return tuple(_with_state(item, today) for item in sorted(items.values(), key=_order))


def _apply_reports(items: dict[str, LedgerItem], listing: QuarterListing) -> None:
    for entry in listing.reports:
        item = items.get(entry.item_id)
        if item is None or item.since >= listing.quarter or item.closed_in is not None:
            continue   # an unknown number, or a report on an item not yet listed / already closed
        items[item.id] = replace(item, reported=entry.state, measures=entry.measures or item.measures,
                                 progress=entry.progress or item.progress)


def _close_or_keep(items: dict[str, LedgerItem], quarter: Quarter, listed: set[Matter]) -> None:
    for key, item in list(items.items()):
        if item.closed_in is not None:
            continue
        still_listed = matter(item.action_id, item.reason) in listed
        if item.reported is RectificationState.DONE and not still_listed:
            items[key] = replace(item, closed_in=quarter, listed_now=False)
        else:
            items[key] = replace(item, listed_now=still_listed)


def _open_new(items: dict[str, LedgerItem], quarter: Quarter, listed: Sequence[SupervisionItem]) -> None:
    open_matters = {matter(i.action_id, i.reason) for i in items.values() if i.closed_in is None}
    counts: dict[int, int] = {}
    for s in listed:
        key = matter(s.action_id, s.reason)
        if key in open_matters:
            continue
        counts[s.action_id] = counts.get(s.action_id, 0) + 1
        new = LedgerItem(id=item_id(quarter, s.action_id, counts[s.action_id]), action_id=s.action_id,
                         action_name=s.action_name, lead_units=s.lead_units, reason=s.reason,
                         unit_problem=s.unit_problem, since=quarter, deadline=rectify_deadline(quarter),
                         state=LedgerState.OPEN, listed_now=True)
        items[new.id] = new
        open_matters.add(key)


def _with_state(item: LedgerItem, today: dt.date) -> LedgerItem:
    if item.closed_in is not None:
        state = LedgerState.CLOSED
    elif item.deadline < today:
        state = LedgerState.OVERDUE
    else:
        state = LedgerState.OPEN
    return replace(item, state=state)


def _order(item: LedgerItem) -> tuple[Quarter, int, int]:
    n = int(item.id.rsplit("-", 1)[1])
    return (item.since, item.action_id, n)


def open_items(ledger: Iterable[LedgerItem], action_id: int) -> tuple[LedgerItem, ...]:
    """An action's items still to be rectified (open or overdue): the rows of its next 整改落实 sheet."""
    return tuple(i for i in ledger if i.action_id == action_id and i.is_open)


# ------------------------------------------------------------------------------------ from inputs


def earlier_listings(registry: Registry, history: History) -> list[QuarterListing]:
    """Each earlier quarter's listing, re-derived from its chosen workbooks (History.submissions).

    The earlier quarter is assembled again as its own build would have done from the same
    workbooks; its 督促整改 list about substance does not depend on which duplicate was chosen."""
    from yc_reports.analysis.assemble import assemble_report  # assemble calls this module: imported late

    everything = [s for q in history.quarters for s in history.submissions[q].values()]
    out = []
    for q in history.quarters:
        chosen = history.submissions[q]
        results = [ParseResult(file=s.file, submission=s) for s in chosen.values()]
        earlier = history_from_submissions(q, [s for s in everything if s.quarter < q])
        report = assemble_report(registry, q, results, earlier, with_ledger=False)
        out.append(QuarterListing(q, report.supervision, reports_of(chosen.values())))
    return out


def quarter_ledger(registry: Registry, quarter: Quarter, supervision: Sequence[SupervisionItem],
                   submissions: Iterable[Submission], history: History) -> tuple[LedgerItem, ...]:
    """The ledger at the end of `quarter`: the earlier quarters from `history`, this one from its list."""
    listings = earlier_listings(registry, history)
    listings.append(QuarterListing(quarter, tuple(supervision), reports_of(submissions)))
    return derive_ledger(listings, quarter)
