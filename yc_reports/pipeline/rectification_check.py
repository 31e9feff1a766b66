"""整改落实 of checked workbooks against the 督办 ledger of their quarter: what `yc-reports check` and the portal's
upload check add to the reader's issues (docs/rules.md, "督办 and 关注 by item").

The ledger is read through pipeline/supervision.py (`ledger_before`, the ledger a build of the quarter starts
from), never derived here, and its rows worded as the template words them (`rectification_rows`); the build
compares the workbooks it reads with the same function (`ledger_issues`). The comparison itself is
intake/rectification.py.

A ledger can be known only when the inputs root holds some earlier quarter of the plan, or the office's record an
issued quarter before it (the first quarter of a new plan carries the old plan's open items): without either —
or when the record cannot be read — nothing is compared and nothing is claimed; the quarter is named in
`not_compared`, for a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from yc_reports.intake.records import ParseResult, Submission
from yc_reports.intake.rectification import rectification_issues
from yc_reports.issues import Issue, IssueCode, sort_key
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import Registry

if TYPE_CHECKING:   # imported where used: a unit's `check` of its own file loads neither
    from yc_reports.analysis.model import LedgerItem
    from yc_reports.render.wording import Wording


@dataclass(frozen=True)
class LedgerComparison:
    results: tuple[ParseResult, ...]     # the results given, with the 整改落实 issues added
    not_compared: tuple[Quarter, ...]    # quarters of workbooks whose ledger cannot be known (no earlier inputs)


def ledger_known(registry: Registry, quarter: Quarter, inputs_root: Path) -> bool:
    """Whether the inputs root holds a folder of some quarter of the plan before `quarter`, or the office's record
    a quarter issued before it."""
    root = Path(inputs_root)
    if not root.is_dir():
        return False
    if quarter > registry.first_quarter and any(
            (root / str(q)).is_dir() for q in quarters_between(registry.first_quarter, quarter.previous())):
        return True
    from yc_reports.record.store import RECORD_FILE, Record

    if not (root / RECORD_FILE).is_file():
        return False
    with Record(root / RECORD_FILE) as record:
        return any(q < quarter for q in record.issued_quarters())


def compare_with_ledger(registry: Registry, results: Sequence[ParseResult], inputs_root: Path,
                        cache_dir: Path | None = None) -> LedgerComparison:
    """Each readable workbook of this plan compared with the ledger of its own quarter (see the module docstring)."""
    ledgers = _Ledgers(registry, Path(inputs_root), cache_dir)
    out, not_compared = [], []
    for result in results:
        submission = result.submission
        if submission is None or submission.plan_id != registry.plan.id or not registry.covers(submission.quarter):
            out.append(result)
            continue
        found = ledgers.issues(submission)
        if found is None:
            not_compared.append(submission.quarter)
            out.append(result)
            continue
        out.append(ParseResult(result.file, submission, tuple(sorted((*result.issues, *found), key=sort_key))))
    return LedgerComparison(tuple(out), tuple(sorted(set(not_compared))))


def ledger_issues(submission: Submission, ledger: Sequence[LedgerItem], wording: Wording,
                  plan_id: str) -> list[Issue]:
    """`submission`'s 整改落实 issues against `ledger` (the ledger at the end of the quarter before its own): the
    rows its template carries — the action's open items, worded as the template words them — and the numbers of
    the items already closed (a report on one is a warning, not an unknown number)."""
    from yc_reports.analysis.supervision import open_items
    from yc_reports.pipeline.supervision import rectification_rows

    expected = rectification_rows(open_items(ledger, submission.action_id), wording, plan_id)
    found = rectification_issues(submission, expected)
    if any(i.code is IssueCode.RECTIFICATION_UNKNOWN for i in found):   # perhaps an item closed since
        closed = {i.id: i.closed_in for i in ledger
                  if i.action_id == submission.action_id and not i.is_open and i.closed_in is not None}
        found = rectification_issues(submission, expected, closed)
    return found


class _Ledgers:
    """The ledger of each quarter met, read once."""

    def __init__(self, registry: Registry, inputs_root: Path, cache_dir: Path | None) -> None:
        self.registry, self.inputs_root, self.cache_dir = registry, inputs_root, cache_dir
        self.ledgers: dict[Quarter, tuple[LedgerItem, ...] | None] = {}
        self._wording: Wording | None = None

    def issues(self, submission: Submission) -> list[Issue] | None:
        """The submission's 整改落实 issues; None when its quarter's ledger cannot be known."""
        ledger = self._ledger(submission.quarter)
        if ledger is None:
            return None
        if self._wording is None:
            from yc_reports.render.wording import Wording

            self._wording = Wording.for_inputs(self.inputs_root)
        return ledger_issues(submission, ledger, self._wording, self.registry.plan.id)

    def _ledger(self, quarter: Quarter) -> tuple[LedgerItem, ...] | None:
        if quarter not in self.ledgers:
            self.ledgers[quarter] = self._read(quarter) if self.inputs_root.is_dir() else None
        return self.ledgers[quarter]

    def _read(self, quarter: Quarter) -> tuple[LedgerItem, ...] | None:
        # the record, the ledger and the analysis behind them are imported only when there are inputs to read:
        # a unit's `check` of its own file stays quick
        from yc_reports.record.store import RecordError

        try:
            if not ledger_known(self.registry, quarter, self.inputs_root):
                return None
            from yc_reports.pipeline.supervision import ledger_before

            return ledger_before(self.registry, quarter, self.inputs_root, self.cache_dir)
        except RecordError:   # the office's record cannot be read: the office is told by its own commands
            return None
