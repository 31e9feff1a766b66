"""The 督办 ledger's records: one item per 督办 matter, numbered once and followed until it is closed.

Records only (no logic), so that the report model can carry them without an import cycle; the
ledger is derived in `yc_reports.analysis.supervision`. An item keeps the fact it was listed for (a
`Reason`), never words: the wording layer says it (`Wording.matter`, templates/facts.j2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from yc_reports.intake.records import RectificationState
from yc_reports.plan.quarter import Quarter

if TYPE_CHECKING:   # the report model carries ledger items: the fact's type is imported for the checker only
    from yc_reports.analysis.model import Reason


class LedgerState(str, Enum):
    OPEN = "open"          # 整改中: listed, its deadline not yet passed
    CLOSED = "closed"      # 已销号: the unit reported it done and it is no longer on the list
    OVERDUE = "overdue"    # 逾期未整改: still open after its deadline

    @property
    def label(self) -> str:
        return {"open": "整改中", "closed": "已销号", "overdue": "逾期未整改"}[self.value]


@dataclass(frozen=True)
class LedgerItem:
    """One 督办 item, as known at the end of the quarter being built."""

    id: str                     # 2025Q3-03-1: the quarter it was first listed, the action, the item
    action_id: int
    action_name: str
    lead_units: str
    reason: Reason              # what is behind (an indicator, a task or a project) and why, as first listed
    unit_problem: str           # what the unit wrote as the problem when first listed
    since: Quarter              # the quarter of the 通报 that first listed it
    deadline: dt.date           # 整改时限 set in that 通报
    state: LedgerState
    closed_in: Quarter | None = None          # the quarter whose reports closed it
    listed_now: bool = False                  # still on this quarter's 督促整改 list
    reported: RectificationState | None = None  # the unit's latest 整改状态
    measures: str = ""                        # the unit's latest 整改措施
    progress: str = ""                        # the unit's latest 整改进展

    @property
    def is_open(self) -> bool:
        return self.state is not LedgerState.CLOSED
