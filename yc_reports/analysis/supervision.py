"""The 督办 ledger: every 督办 item, numbered once and followed until it is closed.

The ledger moves one quarter at a time (`advance_ledger`): from the ledger at the end of the quarter
before, this quarter's 督促整改 list and the units' 整改落实 reports give the ledger at this quarter's end.
An issued quarter's ledger is read from the office's record and never re-derived; only the quarters
after the last issued one (drafts) are derived from their workbooks (`analysis/past.py` walks them).

Rules (docs/rules.md, 督办):
- The items are the matters of the 督促整改 list about substance — indicators, tasks and projects that
  are themselves red. Reporting problems (a workbook not sent, data to be verified) are chased by 催报
  notices and 补报, not 整改, and are not ledger items.
- An item first listed in quarter Q is numbered ``Q-AA-N`` (``2025Q3-03-1``): Q, the action, and N
  counting that action's new items of Q in list order. While it stays open, the same matter listed
  again (same action, same indicator, task or project: `matter`) is the same item, not a new one.
- Its 整改时限 is the one the 通报 of Q set: Q's 印发日期 plus RECTIFY_DAYS.
- The unit reports on each open item in the next quarter's 整改落实 sheet. An item is closed (已销号) in
  the quarter whose report says 已完成 while the matter is no longer on that quarter's list, or when the
  office closes it with a reason; it is overdue (逾期未整改) when still open after its 整改时限 at the
  quarter's 印发日期. Items of a plan that ended stay on the ledger (上期方案) until closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from yc_reports.analysis import checks
from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import Reason, SupervisionItem, TaskResult
from yc_reports.intake.records import RectificationEntry, RectificationState, Submission
from yc_reports.plan.quarter import Quarter

RECTIFY_DAYS = 15   # 整改反馈时限: days after the report date


@dataclass(frozen=True)
class OfficeClosure:
    """A 督办 item the office closed itself, with its reason, in `quarter`."""

    item_id: str
    quarter: Quarter
    reason: str


@dataclass(frozen=True)
class QuarterListing:
    """What one quarter contributes: its 督促整改 list and the units' 整改落实 reports filed with it."""

    quarter: Quarter
    listed: tuple[SupervisionItem, ...]
    reports: tuple[RectificationEntry, ...] = ()
    report_date: dt.date | None = None           # the quarter's 印发日期 (None: the default date)
    closures: tuple[OfficeClosure, ...] = ()     # items the office closed in this quarter

    @property
    def issued_on(self) -> dt.date:
        return self.report_date or checks.default_report_date(self.quarter)



def rectify_deadline(quarter: Quarter, report_date: dt.date | None = None) -> dt.date:
    """整改时限 of the items a quarter's 通报 lists: its 印发日期 + 15 days (2025Q3 by default → 2025-10-25)."""
    return (report_date or checks.default_report_date(quarter)) + dt.timedelta(days=RECTIFY_DAYS)


def item_id(quarter: Quarter, action_id: int, n: int) -> str:
    return f"{quarter}-{action_id:02d}-{n}"


def is_ledger_item(s: SupervisionItem) -> bool:
    return not s.about_the_data


Matter = tuple[int, str, str]


def matter(action_id: int, reason: Reason) -> Matter:
    """What a 督办 item is about, from its fact: the action and its indicator, task or project (a matter
    listed again while open is the same item, whatever its figures say now)."""
    if reason.indicator is not None:
        return indicator_matter(action_id, reason.indicator.key)
    if reason.task is not None:
        return task_matter(action_id, reason.task)
    if reason.project is not None:
        return (action_id, "project", reason.project.name)
    return (action_id, reason.kind.value, "")


def indicator_matter(action_id: int, key: str) -> Matter:
    return (action_id, "indicator", key)


def task_matter(action_id: int, task: TaskResult) -> Matter:
    return (action_id, "task", task.key or task.content)


def matter_key(action_id: int, reason: Reason) -> str:
    """`matter` as one text, as the office's record stores it: "3/indicator/green_parks"."""
    return "/".join(str(part) for part in matter(action_id, reason))


def reports_of(submissions: Iterable[Submission]) -> tuple[RectificationEntry, ...]:
    """Every 整改落实 row of a quarter's submissions, in action order."""
    return tuple(e for s in sorted(submissions, key=lambda s: s.action_id) for e in s.rectifications)


def derive_ledger(listings: Sequence[QuarterListing], as_of: Quarter) -> tuple[LedgerItem, ...]:
    """The ledger at the end of `as_of` from the quarters' listings, oldest first (no earlier ledger)."""
    ledger: tuple[LedgerItem, ...] = ()
    for listing in sorted(listings, key=lambda x: x.quarter):
        if listing.quarter <= as_of:
            ledger = advance_ledger(ledger, listing)
    return ledger


def advance_ledger(before: Iterable[LedgerItem], listing: QuarterListing) -> tuple[LedgerItem, ...]:
    """The ledger at the end of `listing.quarter`, from the ledger at the end of the quarter before it
    (issued or derived): items in id order of their quarter, action and number."""
    items = {item.id: item for item in before}
    _apply_reports(items, listing)
    _apply_closures(items, listing)
    listed = [s for s in listing.listed if is_ledger_item(s)]
    _close_or_keep(items, listing.quarter, {matter(s.action_id, s.reason) for s in listed})
    _open_new(items, listing, listed)
    return tuple(_with_state(item, listing.issued_on) for item in sorted(items.values(), key=_order))


def _apply_reports(items: dict[str, LedgerItem], listing: QuarterListing) -> None:
    for entry in listing.reports:
        item = items.get(entry.item_id)
        if item is None or item.since >= listing.quarter or item.closed_in is not None:
            continue   # an unknown number, or a report on an item not yet listed / already closed
        said = entry.state is not None or bool(entry.measures or entry.progress)
        items[item.id] = replace(item, reported=entry.state, measures=entry.measures or item.measures,
                                 progress=entry.progress or item.progress,
                                 reported_in=listing.quarter if said else item.reported_in)


def _apply_closures(items: dict[str, LedgerItem], listing: QuarterListing) -> None:
    for closure in listing.closures:
        item = items.get(closure.item_id)
        if item is not None and item.closed_in is None:
            items[item.id] = replace(item, closed_in=listing.quarter, listed_now=False, closed_reason=closure.reason)


def _close_or_keep(items: dict[str, LedgerItem], quarter: Quarter, listed: set[Matter]) -> None:
    for key, item in list(items.items()):
        if item.closed_in is not None:
            continue
        still_listed = matter(item.action_id, item.reason) in listed
        if item.reported is RectificationState.DONE and not still_listed:
            items[key] = replace(item, closed_in=quarter, listed_now=False)
        else:
            items[key] = replace(item, listed_now=still_listed)


def _open_new(items: dict[str, LedgerItem], listing: QuarterListing, listed: Sequence[SupervisionItem]) -> None:
    quarter = listing.quarter
    open_matters = {matter(i.action_id, i.reason) for i in items.values() if i.closed_in is None}
    counts: dict[int, int] = {}
    for s in listed:
        key = matter(s.action_id, s.reason)
        if key in open_matters:
            continue
        counts[s.action_id] = counts.get(s.action_id, 0) + 1
        new = LedgerItem(id=item_id(quarter, s.action_id, counts[s.action_id]), action_id=s.action_id,
                         action_name=s.action_name, lead_units=s.lead_units, reason=s.reason,
                         unit_problem=s.unit_problem, since=quarter,
                         deadline=rectify_deadline(quarter, listing.report_date),
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
