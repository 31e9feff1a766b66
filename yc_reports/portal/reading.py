"""The build's reading of a quarter (`pipeline.selection.read_selection`), kept fresh in the background.

Reading a quarter is the build's own work — every workbook of the quarter and of the quarters before it,
and the office's record — and takes seconds when workbooks are large. Pages never do it on a request
thread: the reading runs on the check pool (a worker process in production, so it never holds the
server's GIL), one quarter at a time, again whenever the files it read change. A page asks for the reading
with the time it is willing to wait; it gets the newest reading there is, and whether it is of the files
as they are now (`fresh`) — the office's board says so when it is not.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from yc_reports.errorlog import internal_error_text
from yc_reports.pipeline.build import BuildError, cache_root
from yc_reports.pipeline.selection import QuarterSelection, read_selection
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

from .context import Context, folder_signature
from .staging import Stager
from .work import PoolBusy, WorkerLost

OWNER = "汇总判定"      # the check pool's owner name for readings: they take their turn with the units


@dataclass(frozen=True)
class Reading:
    selection: QuarterSelection | None
    fresh: bool
    error: str = ""


@dataclass
class _Entry:
    signature: tuple[object, ...] | None = None
    selection: QuarterSelection | None = None
    error: str = ""
    computing: bool = False


def read_quarter_selection(registry: Registry, quarter: Quarter, folder: str, cache: str) -> QuarterSelection | str:
    """On a worker: the quarter's selection, or the build's Chinese message when it cannot read it."""
    try:
        return read_selection(registry, quarter, Path(folder), Path(cache))
    except BuildError as exc:
        return str(exc)


class Readings:
    def __init__(self, ctx: Context, stager: Stager) -> None:
        self.ctx = ctx
        self.stager = stager
        self._cond = threading.Condition()
        self._entries: dict[Quarter, _Entry] = {}

    def signature(self, quarter: Quarter) -> tuple[object, ...]:
        """Changes whenever anything the reading reads changes: the plan, the inputs (every quarter's folder,
        the office's record and wording files)."""
        return (self.ctx.plan_version, folder_signature(self.ctx.inputs_root))

    def cache_dir(self, quarter: Quarter) -> Path:
        return cache_root(self.ctx.out_dir(quarter, 0))

    def get(self, quarter: Quarter, wait: float | None = None) -> Reading:
        """The newest reading of `quarter`, waiting at most `wait` seconds (None: until it is fresh)."""
        self.stager.stage(quarter)
        wanted = self.signature(quarter)
        until = None if wait is None else time.monotonic() + wait
        with self._cond:
            entry = self._entries.setdefault(quarter, _Entry())
            if entry.signature != wanted and not entry.computing:
                entry.computing = True
                threading.Thread(target=self._refresh, args=(quarter, entry), name=f"portal-reading-{quarter}",
                                 daemon=True).start()
            while entry.signature != wanted:
                remaining = None if until is None else until - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(remaining)
            return Reading(entry.selection, entry.signature == wanted, entry.error)

    def _refresh(self, quarter: Quarter, entry: _Entry) -> None:
        while True:
            signature = self.signature(quarter)
            selection, error = self._read(quarter)
            with self._cond:
                entry.signature = signature
                if selection is not None:
                    entry.selection = selection
                entry.error = error
                self._cond.notify_all()
                if self.signature(quarter) == signature:
                    entry.computing = False
                    return

    def _read(self, quarter: Quarter) -> tuple[QuarterSelection | None, str]:
        for attempt in range(120):                  # the pool may be busy with units' checks: wait a little
            try:
                result = self.ctx.pool.run(read_quarter_selection, self.ctx.registry, quarter,
                                           str(self.ctx.quarter_folder(quarter)), str(self.cache_dir(quarter)),
                                           owner=OWNER)
            except (PoolBusy, WorkerLost):
                time.sleep(min(0.25 * (attempt + 1), 2))
                continue
            except Exception as exc:  # a reading that fails is said on the board, never a crashed page
                return None, internal_error_text("读取本季度材料", exc, "本季度情况暂不显示")
            return (None, result) if isinstance(result, str) else (result, "")
        return None, "系统繁忙，汇总判定暂未更新，请稍后刷新。"

    def forget(self) -> None:
        """Drop every reading (the plan changed)."""
        with self._cond:
            self._entries.clear()
