"""The office's record in the browser: what was issued (签发, 更正), the 督办台账 with each item's history
quarter by quarter, 销号 by the office with its reason, the lights of every quarter so far, and the record
exported for the archive.

Everything here is read from the office's record (`yc_reports.record`), never recomputed: an issued
quarter's lights and 督办 items are those it was issued with. A quarter not yet issued shows the lights of
its newest reading (the board's) or of its last build, marked as a draft (审阅稿).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.model import LedgerState, Light
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.record.store import Closure, Issuance

from .accounts import Accounts
from .board import Boards
from .context import Context
from .errors import NotFound, PortalError
from .jobs import BUILD, ISSUE, Jobs
from .views import FileBytes


@dataclass(frozen=True)
class QuarterLights:
    """One quarter's light per action, and where they come from."""

    quarter: Quarter
    lights: dict[int, Light]               # action id -> light ({} when nothing was read)
    source: str                            # issued / draft / reading / none
    note: str                              # 已签发（第1版） / 审阅稿（第3次汇总） / 报送中 / 未汇总

    def count(self, light: Light) -> int:
        return sum(1 for value in self.lights.values() if value is light)


@dataclass(frozen=True)
class ItemHistory:
    """A 督办 item as issued, and its state in each issued quarter since it was listed."""

    item_id: str
    action_id: int
    matter: str
    since: Quarter
    deadline: dt.date
    state: LedgerState                     # as last issued
    closed_in: Quarter | None
    plan_id: str
    history: tuple[tuple[Quarter, LedgerState], ...]
    closure: Closure | None = None         # the office's 销号, when it made one

    @property
    def open(self) -> bool:
        return self.state is not LedgerState.CLOSED and self.closure is None


class RecordDesk:
    def __init__(self, ctx: Context, boards: Boards, jobs: Jobs, accounts: Accounts) -> None:
        self.ctx = ctx
        self.boards = boards
        self.jobs = jobs
        self.accounts = accounts
        self._lock = threading.Lock()
        self._issued_lights: dict[int, dict[int, Light]] = {}      # by issuance id: an issuance never changes
        self._ledgers: dict[int, tuple[tuple[str, int, str, str, str, str, str, str], ...]] = {}

    def check(self) -> str:
        """The record's problem, if it cannot be read ("" when it can)."""
        return self.ctx.snapshot().error

    def issuances(self) -> tuple[Issuance, ...]:
        return self.ctx.snapshot().issuances

    # ------------------------------------------------------------------------------ lights

    def lights(self, wait: float | None = 0) -> tuple[QuarterLights, ...]:
        """Every quarter of the plan from the first with anything to show up to the one being collected."""
        snapshot = self.ctx.snapshot()
        current = self.ctx.settings().quarter
        registry = self.ctx.registry
        known = set(snapshot.issued_quarters) | set(self.ctx.store.quarters_with_uploads())
        known |= {b.quarter for b in self.jobs.jobs(BUILD, ISSUE, limit=500)}
        if current is not None:
            known.add(current)
        known = {q for q in known if registry.covers(q)}
        if not known:
            return ()
        out = []
        for quarter in quarters_between(min(known), max(known)):
            out.append(self._lights_of(quarter, snapshot.latest(quarter), quarter == current, wait))
        return tuple(out)

    def _lights_of(self, quarter: Quarter, issued: Issuance | None, current: bool, wait: float | None) -> QuarterLights:
        if issued is not None:
            return QuarterLights(quarter, self._issued(issued), "issued",
                                 f"已签发（第{issued.version}版）" if issued.version > 1 else "已签发")
        if current:
            board = self.boards.board(quarter, wait)
            if board.selection is not None:
                return QuarterLights(quarter, {a.action_id: a.light for a in board.selection.actions}, "reading",
                                     "报送中（审阅稿）" if board.fresh else "报送中（审阅稿，正在更新）")
        built = next((b for b in self.jobs.jobs(BUILD, quarter=quarter) if b.ok and "summary.json" in b.files), None)
        if built is not None:
            try:
                summary = json.loads((built.out_dir / "summary.json").read_text("utf-8"))
                lights = {int(a["id"]): Light(a["light"]) for a in summary.get("actions", [])}
                return QuarterLights(quarter, lights, "draft", f"审阅稿（第{built.id}次汇总）")
            except (OSError, ValueError, KeyError):
                pass
        return QuarterLights(quarter, {}, "none", "未汇总")

    def _issued(self, issuance: Issuance) -> dict[int, Light]:
        with self._lock:
            if issuance.id not in self._issued_lights:
                with self.ctx.record() as record:
                    report = record.facts_of(issuance).report
                self._issued_lights[issuance.id] = {a.action.id: a.light for a in report.actions}
            return self._issued_lights[issuance.id]

    # ------------------------------------------------------------------------------ the 督办台账

    def ledger(self) -> tuple[ItemHistory, ...]:
        """Every 督办 item ever issued, newest listing first: as last issued, with its state in each issued
        quarter since, and the office's 销号 if any."""
        snapshot = self.ctx.snapshot()
        latest = [snapshot.latest(q) for q in snapshot.issued_quarters]
        rows: dict[str, list[tuple[Quarter, tuple[str, int, str, str, str, str, str, str]]]] = {}
        for issuance in latest:
            if issuance is None:
                continue
            for row in self._ledger_rows(issuance):
                rows.setdefault(row[0], []).append((issuance.quarter, row))
        closures = {c.item_id: c for c in snapshot.closures}
        out = []
        for item_id, seen in rows.items():
            last = seen[-1][1]
            out.append(ItemHistory(
                item_id=item_id, action_id=last[1], matter=last[2], since=Quarter.parse(last[3]),
                deadline=dt.date.fromisoformat(last[4]), state=LedgerState(last[5]),
                closed_in=Quarter.parse(last[6]) if last[6] else None, plan_id=last[7],
                history=tuple((q, LedgerState(r[5])) for q, r in seen), closure=closures.get(item_id)))
        return tuple(sorted(out, key=lambda i: (i.since, i.item_id), reverse=True))

    def _ledger_rows(self, issuance: Issuance) -> tuple[tuple[str, int, str, str, str, str, str, str], ...]:
        with self._lock:
            if issuance.id not in self._ledgers:
                with self.ctx.record() as record:
                    self._ledgers[issuance.id] = tuple(
                        (r.item_id, r.action_id, r.text, str(r.since), r.deadline.isoformat(), r.state,
                         str(r.closed_in or ""), r.plan_id) for r in record.ledger(issuance))
            return self._ledgers[issuance.id]

    def closing_quarter(self) -> Quarter | None:
        """The quarter a 销号 made now takes effect in: the one after the last issued (as `record close`)."""
        issued = self.ctx.snapshot().issued_quarters
        return issued[-1].next() if issued else None

    def close_item(self, item_id: str, reason: str, actor: str) -> Closure:
        """销号 by the office, with its reason, from the next quarter not yet issued."""
        self.accounts.require_lead(actor, "督办事项销号")
        item = next((i for i in self.ledger() if i.item_id == item_id), None)
        if item is None:
            raise NotFound(f"办公室记录中没有督办编号为 {item_id} 的事项（只能对已签发的督办事项销号）。")
        reason = reason.strip()[:300]
        if not reason:
            raise PortalError("请写明销号理由，如“经现场核实已整改到位”。")
        quarter = self.closing_quarter()
        assert quarter is not None      # an item on record means a quarter was issued
        with self.ctx.record() as record:
            closure = record.close_item(item_id, quarter, reason=reason, by=actor)
        self.ctx.log(actor, "督办事项销号", f"{item_id}（第{item.action_id}项）自{quarter.label}起销号：{reason}")
        return closure

    # ------------------------------------------------------------------------------ the archive

    def export(self) -> FileBytes:
        """The whole record as a workbook (`yc-reports record export`)."""
        from yc_reports.render.record_xlsx import write_record_workbook
        from yc_reports.render.wording import Wording

        if not self.ctx.record_path.is_file():
            raise NotFound("尚无办公室记录：还没有签发任何季度，也没有收文登记。")
        with tempfile.TemporaryDirectory(dir=self.ctx.tmp_dir()) as folder:
            path = Path(folder) / "record.xlsx"
            with self.ctx.record() as record:
                write_record_workbook(record, path, Wording.for_inputs(self.ctx.inputs_root))
            data = path.read_bytes()
        return FileBytes(f"办公室记录_{self.ctx.clock():%Y%m%d}.xlsx", data)
