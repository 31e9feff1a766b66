"""整改落实 of checked workbooks against the 督办 ledger of their quarter: what `yc-reports check` and the portal's
upload check add to the reader's issues (PRODUCT "Third version", rule 8).

The ledger is read through pipeline/supervision.py (`template_rectifications`: the rows a template of the
quarter carries; `ledger_before`: the items already closed), never derived here, so that where the ledger comes
from is decided in one place. The comparison itself is intake/rectification.py.

A ledger can be known only when the inputs root holds some earlier quarter of the plan: without one nothing is
compared and nothing is claimed — the quarter is named in `not_compared`, for a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yc_reports.intake.records import ParseResult, RectificationEntry, Submission
from yc_reports.intake.rectification import rectification_issues
from yc_reports.issues import Issue, IssueCode, sort_key
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import Registry


@dataclass(frozen=True)
class LedgerComparison:
    results: tuple[ParseResult, ...]     # the results given, with the 整改落实 issues added
    not_compared: tuple[Quarter, ...]    # quarters of workbooks whose ledger cannot be known (no earlier inputs)


def ledger_known(registry: Registry, quarter: Quarter, inputs_root: Path) -> bool:
    """Whether the inputs root holds a folder of some quarter of the plan before `quarter`."""
    root = Path(inputs_root)
    if quarter <= registry.first_quarter or not root.is_dir():
        return False
    return any((root / str(q)).is_dir() for q in quarters_between(registry.first_quarter, quarter.previous()))


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


class _Ledgers:
    """The ledger of each quarter met, read once."""

    def __init__(self, registry: Registry, inputs_root: Path, cache_dir: Path | None) -> None:
        self.registry, self.inputs_root, self.cache_dir = registry, inputs_root, cache_dir
        self.rows: dict[Quarter, dict[int, tuple[RectificationEntry, ...]] | None] = {}
        self.closed: dict[Quarter, dict[int, dict[str, Quarter]]] = {}

    def issues(self, submission: Submission) -> list[Issue] | None:
        """The submission's 整改落实 issues; None when its quarter's ledger cannot be known."""
        quarter = submission.quarter
        if quarter not in self.rows:
            self.rows[quarter] = None
            if ledger_known(self.registry, quarter, self.inputs_root):
                # the ledger and the analysis behind it are imported only when there is a ledger to read: a unit's
                # `check` of its own file stays quick
                from yc_reports.pipeline.supervision import template_rectifications

                self.rows[quarter] = template_rectifications(self.registry, quarter, self.inputs_root, self.cache_dir)
        rows = self.rows[quarter]
        if rows is None:
            return None
        expected = rows.get(submission.action_id, ())
        found = rectification_issues(submission, expected)
        if any(i.code is IssueCode.RECTIFICATION_UNKNOWN for i in found):   # perhaps an item closed since
            found = rectification_issues(submission, expected, self._closed(quarter).get(submission.action_id, {}))
        return found

    def _closed(self, quarter: Quarter) -> dict[int, dict[str, Quarter]]:
        if quarter not in self.closed:
            from yc_reports.pipeline.supervision import ledger_before

            by_action: dict[int, dict[str, Quarter]] = {}
            for item in ledger_before(self.registry, quarter, self.inputs_root, self.cache_dir):
                if not item.is_open and item.closed_in is not None:
                    by_action.setdefault(item.action_id, {})[item.id] = item.closed_in
            self.closed[quarter] = by_action
        return self.closed[quarter]
