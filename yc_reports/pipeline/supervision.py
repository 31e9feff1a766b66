"""The 督办 ledger outside a build: for the next quarter's templates, `check`, `notices` and the portal.

`yc-reports templates QUARTER` pre-fills each action's 整改落实 sheet with the items still open at the end
of the previous quarter — read as a build of QUARTER reads it (`pipeline/past.py`: issued quarters from the
office's record, drafts from their workbooks). Items of an earlier plan are marked 上期方案. The ledger
keeps facts; the 督办事项 printed in the sheet is the text issued, else rendered here by the office's wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.ledger import LedgerItem
from yc_reports.analysis.supervision import open_items
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.records import RectificationEntry, Submission
from yc_reports.pipeline.past import read_past
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.record.store import Record, record_path
from yc_reports.render.wording import Wording


def ledger_before(registry: Registry, quarter: Quarter, inputs_root: Path,
                  cache_dir: Path | None = None) -> tuple[LedgerItem, ...]:
    """The ledger at the end of the quarter before `quarter`. RecordError when the record cannot be read."""
    with Record(record_path(Path(inputs_root))) as record:
        return read_past(registry, quarter, Path(inputs_root), ParseCache(registry, cache_dir), record).ledger


@dataclass(frozen=True)
class TemplateInputs:
    """What the templates of a quarter show beyond the plan."""

    previous: dict[int, Submission]                               # last quarter, by action
    rectifications: dict[int, tuple[RectificationEntry, ...]]     # the open 督办 items, by action (none: absent)


def template_inputs(registry: Registry, quarter: Quarter, inputs_root: Path,
                    cache_dir: Path | None = None) -> TemplateInputs:
    """Last quarter's submissions and the open 督办 items for the templates of `quarter` (`yc-reports templates`
    and the portal), read with one open record. RecordError when the record cannot be read."""
    with Record(record_path(Path(inputs_root))) as record:
        ledger = read_past(registry, quarter, Path(inputs_root), ParseCache(registry, cache_dir), record).ledger
        previous = _previous(registry, quarter, Path(inputs_root), record)
    return TemplateInputs(previous, _rows(registry, ledger, Path(inputs_root)))


def template_previous(registry: Registry, quarter: Quarter, inputs_root: Path) -> dict[int, Submission]:
    """Last quarter's submissions a template of `quarter` shows beside its inputs (see `_previous`)."""
    with Record(record_path(Path(inputs_root))) as record:
        return _previous(registry, quarter, Path(inputs_root), record)


def template_rectifications(registry: Registry, quarter: Quarter, inputs_root: Path,
                            cache_dir: Path | None = None) -> dict[int, tuple[RectificationEntry, ...]]:
    """Per action id, the 整改落实 rows of its template for `quarter` (open and overdue items)."""
    return _rows(registry, ledger_before(registry, quarter, inputs_root, cache_dir), Path(inputs_root))


def _previous(registry: Registry, quarter: Quarter, inputs_root: Path, record: Record) -> dict[int, Submission]:
    """As issued when last quarter was issued under this plan, else the workbooks of its folder (a quarter of an
    earlier plan shows nothing)."""
    from yc_reports.workbook.writer import previous_submissions

    issued = record.issued(quarter.previous())
    if issued is not None:
        return dict(issued.submissions) if issued.report.plan.id == registry.plan.id else {}
    return previous_submissions(registry, quarter, inputs_root)


def _rows(registry: Registry, ledger: tuple[LedgerItem, ...],
          inputs_root: Path) -> dict[int, tuple[RectificationEntry, ...]]:
    wording = Wording.for_inputs(inputs_root)
    rows = {a.id: rectification_rows(open_items(ledger, a.id), wording, registry.plan.id) for a in registry.actions}
    return {action_id: items for action_id, items in rows.items() if items}


def rectification_rows(items: Iterable[LedgerItem], wording: Wording,
                       plan_id: str = "") -> tuple[RectificationEntry, ...]:
    """The pre-filled rows of a 整改落实 sheet: number, matter (as issued, else in the office's words; an
    earlier plan's item marked 上期方案), deadline, and the unit's last words."""
    return tuple(RectificationEntry(row=0, item_id=i.id, text=wording.ledger_matter(i, plan_id), deadline=i.deadline,
                                    measures=i.measures, progress=i.progress, state=i.reported) for i in items)
