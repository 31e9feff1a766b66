"""What every desk of the portal shares: the data folder, the plan in force, the store, the clock, the check
pool, the office's record, the quarter's settings, and the audit log (操作记录).

    DATA/portal.sqlite3      the portal's own rows (store.py)
    DATA/uploads/            every uploaded workbook, by content
    DATA/inputs/             what the build reads: one folder per quarter (staging.py) and the office's
                             record, inputs/record.sqlite — the same record `yc-reports issue` writes
    DATA/outputs/            each build's (and each job's) files, in a folder of its own
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from yc_reports.analysis.checks import default_deadline
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Registry
from yc_reports.record.store import Closure, Issuance, QuarterSettings, Record, RecordError, record_path

from .errors import NotFound, PortalError, SubmissionsClosed
from .store import Store
from .texts import Clock
from .views import Settings
from .work import WorkPool

SYSTEM_ACTOR = "系统"

# 操作记录 entries that are faults: shown to the office on the board, beside the audit log
FAULT_ENTRIES = ("校验进程意外退出", "汇总进程意外中断", "系统启动时恢复", "办公室记录写入失败", "系统内部错误")


@dataclass(frozen=True)
class RecordSnapshot:
    """What the portal reads of the office's record on every page, read again only when the file changes."""

    settings: dict[Quarter, QuarterSettings] = field(default_factory=dict)   # the latest per quarter
    issuances: tuple[Issuance, ...] = ()
    closures: tuple[Closure, ...] = ()
    error: str = ""                          # the record cannot be read: said on the office's pages

    def latest(self, quarter: Quarter) -> Issuance | None:
        """The quarter's issuance in force (None: a draft)."""
        versions = [i for i in self.issuances if i.quarter == quarter]
        return versions[-1] if versions else None

    @property
    def issued_quarters(self) -> tuple[Quarter, ...]:
        return tuple(sorted({i.quarter for i in self.issuances}))


class Context:
    """The shared state of one portal: one data folder, one plan (replaced when the office imports one)."""

    def __init__(self, data_dir: Path, registry: Registry, store: Store, clock: Clock, pool: WorkPool) -> None:
        self.data_dir = Path(data_dir)
        self._registry = registry
        self.plan_version = 0            # counts the plans imported since start: readings of the old one are stale
        self.store = store
        self.clock = clock
        self.pool = pool
        self.inputs_root = self.data_dir / "inputs"
        self.record_path = record_path(self.inputs_root)
        self._record_lock = threading.Lock()
        self._snapshot: tuple[tuple[int, int] | None, RecordSnapshot] | None = None

    # ------------------------------------------------------------------------------ the plan

    @property
    def registry(self) -> Registry:
        return self._registry

    def use_registry(self, registry: Registry) -> None:
        """The office imported a plan: every desk reads the new one from now on."""
        self._registry = registry
        self.plan_version += 1

    @property
    def units(self) -> tuple[str, ...]:
        """Every lead unit of the plan, in the order the actions name them."""
        seen: list[str] = []
        for action in self.registry.actions:
            seen.extend(u for u in action.lead_units if u not in seen)
        return tuple(seen)

    def actions_of(self, unit: str) -> tuple[Action, ...]:
        return tuple(a for a in self.registry.actions if unit in a.lead_units)

    def action(self, action_id: int) -> Action:
        action = next((a for a in self.registry.actions if a.id == action_id), None)
        if action is None:
            raise NotFound("没有找到该行动。")
        return action

    def unit_action(self, unit: str, action_id: int) -> Action:
        action = next((a for a in self.actions_of(unit) if a.id == action_id), None)
        if action is None:
            raise NotFound("没有找到该行动，或该行动不由本单位牵头。")
        return action

    def quarter_folder(self, quarter: Quarter) -> Path:
        return self.inputs_root / str(quarter)

    def out_dir(self, quarter: Quarter, job_id: int) -> Path:
        return self.data_dir / "outputs" / str(quarter) / f"build-{job_id:04d}"

    # ------------------------------------------------------------------------------ the office's record

    @contextlib.contextmanager
    def record(self) -> Iterator[Record]:
        """The record, for one operation on this thread; a record that cannot be read or written is a
        PortalError (its Chinese message), never a crashed page."""
        try:
            with self._record_lock, Record(self.record_path) as record:
                yield record
        except RecordError as exc:
            raise PortalError(str(exc)) from None

    def snapshot(self) -> RecordSnapshot:
        stamp = _stamp(self.record_path)
        cached = self._snapshot
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            with self._record_lock, Record(self.record_path) as record:
                snapshot = RecordSnapshot(settings={s.quarter: s for s in record.all_settings()},
                                          issuances=record.issuances(), closures=record.closures())
        except RecordError as exc:
            snapshot = RecordSnapshot(error=str(exc))
        self._snapshot = (stamp, snapshot)
        return snapshot

    # ------------------------------------------------------------------------------ the quarter's settings

    def settings(self) -> Settings:
        raw = self.store.settings()
        quarter = Quarter.parse(raw["quarter"]) if raw.get("quarter") else None
        if quarter is None:
            return Settings(quarter=None, is_open=False, deadline=None)
        return self.settings_of(quarter, is_open=raw.get("open") == "1")

    def settings_of(self, quarter: Quarter, is_open: bool = False) -> Settings:
        """Any quarter's dates as the record holds them (a quarter not open for submission: is_open False)."""
        snapshot = self.snapshot()
        kept = snapshot.settings.get(quarter) or QuarterSettings(quarter)
        return Settings(quarter=quarter, is_open=is_open, deadline=kept.deadline or default_deadline(quarter),
                        deadline_set=kept.deadline is not None, report_date=kept.report_date,
                        doc_number=kept.doc_number, issued=snapshot.latest(quarter))

    def current_quarter(self) -> Quarter:
        quarter = self.settings().quarter
        if quarter is None:
            raise SubmissionsClosed("指挥部办公室尚未开放本季度报送。")
        return quarter

    # ------------------------------------------------------------------------------ the audit log

    def log(self, actor: str, what: str, detail: str = "") -> None:
        self.store.log(self.clock(), actor or SYSTEM_ACTOR, what, detail)

    def fault(self, what: str, detail: str = "") -> None:
        """A fault the office must learn of: written to 操作记录, shown on the board."""
        self.store.log(self.clock(), SYSTEM_ACTOR, what, detail)

    def tmp_dir(self) -> Path:
        folder = self.data_dir / "tmp"
        folder.mkdir(exist_ok=True)
        return folder


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def folder_signature(root: Path, skip: tuple[str, ...] = ()) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and times of every file under `root` (but the top-level entries named in `skip`):
    changes whenever what a build reads there changes."""
    if not root.is_dir():
        return ()
    out = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in skip or not path.is_file():
            continue
        stat = path.stat()
        out.append((relative.as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(out)
