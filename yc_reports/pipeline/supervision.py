"""The 督办 ledger from the inputs folder, for the commands that need it outside a build.

`yc-reports templates QUARTER` pre-fills each action's 整改落实 sheet with the items still open at
the end of the previous quarter; `yc-reports notices` and the portal read the same ledger. The
ledger itself is derived (analysis/supervision.py): nothing is stored, the inputs are only read.
The ledger keeps facts; the 督办事项 printed in the sheet is rendered here by the office's wording.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from yc_reports.analysis.ledger import LedgerItem
from yc_reports.analysis.supervision import derive_ledger, earlier_listings, open_items
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.records import RectificationEntry
from yc_reports.pipeline.inputs import read_history
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.render.wording import Wording


def ledger_before(registry: Registry, quarter: Quarter, inputs_root: Path,
                  cache_dir: Path | None = None) -> tuple[LedgerItem, ...]:
    """The ledger at the end of the quarter before `quarter`, from the workbooks under `inputs_root`."""
    cache = ParseCache(registry, cache_dir)
    history = read_history(registry, quarter, Path(inputs_root), cache)
    if not history.quarters:
        return ()
    return derive_ledger(earlier_listings(registry, history), quarter.previous())


def template_rectifications(registry: Registry, quarter: Quarter, inputs_root: Path,
                            cache_dir: Path | None = None) -> dict[int, tuple[RectificationEntry, ...]]:
    """Per action id, the 整改落实 rows of its template for `quarter` (open and overdue items)."""
    ledger = ledger_before(registry, quarter, inputs_root, cache_dir)
    wording = Wording.for_inputs(inputs_root)
    rows = {a.id: rectification_rows(open_items(ledger, a.id), wording) for a in registry.actions}
    return {action_id: items for action_id, items in rows.items() if items}


def rectification_rows(items: Iterable[LedgerItem], wording: Wording) -> tuple[RectificationEntry, ...]:
    """The pre-filled rows of a 整改落实 sheet: number, matter (in the office's words), deadline, and the
    unit's last words."""
    return tuple(RectificationEntry(row=0, item_id=i.id, text=wording.matter(i.reason), deadline=i.deadline,
                                    measures=i.measures, progress=i.progress, state=i.reported) for i in items)
