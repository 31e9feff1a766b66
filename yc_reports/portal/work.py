"""Checks off the request thread: a small worker pool, fair between units, that survives its workers dying.

A workbook check is CPU work (openpyxl is pure Python); run on a request thread it holds the GIL and
every page waits. Here it runs in worker processes (`processes=True`, what `yc-reports serve` uses) or,
for tests and small installs, in worker threads.

- **Bounded.** At most `workers + queue` tasks are admitted at once, and at most `per_owner` of one
  owner (a unit); the next one is refused at once with a Chinese message instead of piling up.
- **Fair.** Tasks wait per owner; a free worker takes the first waiting task of the owner with the fewest
  tasks running (the longest waiting among equals), so a unit sending twenty files never keeps another
  unit's one file waiting behind them. Heavy tasks (big files) use all workers but one, so a
  template-sized workbook never waits behind two huge ones.
- **Survives its workers.** A worker process that dies (killed by the OOM killer or antivirus software)
  breaks the executor (BrokenProcessPool): the pool starts a new one and runs the task again, once; a
  second failure is told to the user in Chinese (`WorkerLost`). Each such fault is reported through
  `on_fault` (the portal writes it to 操作记录 and shows it to the office).
- **Dies with the server.** Each worker process watches its parent (`watch_parent`): when the server
  process is gone — even by kill -9 — the worker exits, on every platform. (Linux's PR_SET_PDEATHSIG is
  not used: it fires when the *thread* that started the worker ends — a request thread, which the
  server's thread pool retires when idle — and would kill healthy workers.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

T = TypeVar("T")

BUSY = "目前同时校验的文件较多，系统正在排队处理。请稍候一两分钟后重新上传，已上传的文件不受影响。"
OWNER_BUSY = ("本单位已有 {n} 份文件正在排队校验，请等这几份校验完成后再上传。已上传的文件不受影响；"
              "同一份文件无需重复上传。")
LOST = "校验程序意外中断，本次上传未保存。系统已自动恢复，请重新上传；如仍不成功，请联系指挥部办公室。"
FAULT = "校验进程意外退出"   # the 操作记录 entry of each worker death


class PoolBusy(Exception):
    """The queue (or the owner's share of it) is full; the message is for the user."""


class WorkerLost(Exception):
    """The worker running the task died twice over; the message is for the user."""


def watch_parent() -> None:
    """In a worker process: exit as soon as the process that started it is gone (kill -9 included).

    `multiprocessing.parent_process()` holds the read end of a pipe only the parent writes to; it
    closes when the parent dies, whatever killed it, on Linux, macOS and Windows alike."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait_then_exit() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=wait_then_exit, name="watch-parent", daemon=True).start()


@dataclass
class _Task:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    owner: str
    heavy: bool
    seq: int = 0                          # admission order: the longest waiting goes first among equals
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    tries: int = 0


class WorkPool:
    def __init__(self, workers: int = 2, queue: int = 16, *, processes: bool = False, per_owner: int = 3,
                 on_fault: Callable[[str], None] | None = None) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.per_owner = max(1, per_owner)
        self.processes = processes
        self.on_fault = on_fault
        self.heavy_lanes = max(1, self.workers - 1)
        self._lock = threading.RLock()      # re-entered when a future completes inside submit()
        self._waiting: dict[str, deque[_Task]] = {}
        self._owned: Counter[str] = Counter()          # admitted (waiting or running) per owner
        self._running_by: Counter[str] = Counter()     # running per owner
        self._seq = 0
        self._admitted = 0
        self._running = 0
        self._running_heavy = 0
        self._executor: Executor | None = None
        self._generation = 0
        self._faults: list[str] = []        # reported outside the lock, by the request that sees them
        self._closed = False
        self.replacements = 0

    # ------------------------------------------------------------------------------ the caller's side

    def run(self, fn: Callable[..., T], *args: object, heavy: bool = False, owner: str = "") -> T:
        """Run `fn(*args)` on a worker and wait for it. PoolBusy when the queue or the owner's share of it
        is full; WorkerLost when the worker died again on the retry."""
        with self._lock:
            self._seq += 1
            task = _Task(fn, args, owner, heavy, self._seq)
            if self._closed or self._admitted >= self.capacity:
                raise PoolBusy(BUSY)
            if owner and self._owned[owner] >= self.per_owner:
                raise PoolBusy(OWNER_BUSY.format(n=self._owned[owner]))
            self._admitted += 1
            self._owned[owner] += 1
            self._waiting.setdefault(owner, deque()).append(task)
            self._dispatch()
        try:
            task.done.wait()
        finally:
            with self._lock:
                self._admitted -= 1
                self._owned[owner] -= 1
                if not self._owned[owner]:
                    del self._owned[owner]
            self._report_faults()
        if task.error is not None:
            raise task.error
        return cast(T, task.result)

    def _report_faults(self) -> None:
        with self._lock:
            faults, self._faults = self._faults, []
        for fault in faults:
            if self.on_fault is not None:
                with contextlib.suppress(Exception):   # reporting a fault must never turn into one
                    self.on_fault(fault)

    # ------------------------------------------------------------------------------ scheduling

    def _dispatch(self) -> None:
        """Start waiting tasks while workers are free, the least served owner first (lock held)."""
        while self._running < self.workers:
            task = self._next_task()
            if task is None:
                return
            self._start(task)

    def _next_task(self) -> _Task | None:
        ready = [(self._running_by[owner], queue[0].seq, owner) for owner, queue in self._waiting.items()
                 if queue and not (queue[0].heavy and self._running_heavy >= self.heavy_lanes)]
        if not ready:
            return None
        owner = min(ready)[2]
        queue = self._waiting[owner]
        task = queue.popleft()
        if not queue:
            del self._waiting[owner]
        return task

    def _start(self, task: _Task) -> None:
        self._running += 1
        self._running_heavy += task.heavy
        self._running_by[task.owner] += 1
        generation = self._generation
        try:
            future = self._pool().submit(task.fn, *task.args)
        except BrokenProcessPool:      # a worker died while the pool was idle
            future = Future()
            future.set_exception(BrokenProcessPool("broken before submit"))
        except RuntimeError:           # shut down meanwhile (close)
            future = Future()
            future.set_exception(PoolBusy(BUSY))
        future.add_done_callback(lambda done: self._finished(task, done, generation))

    def _finished(self, task: _Task, future: Future[Any], generation: int) -> None:
        with self._lock:
            self._running -= 1
            self._running_heavy -= task.heavy
            self._running_by[task.owner] -= 1
            if not self._running_by[task.owner]:
                del self._running_by[task.owner]
            error = future.exception() if not future.cancelled() else PoolBusy(BUSY)
            if isinstance(error, BrokenProcessPool):
                if generation == self._generation:
                    self._replace()
                if task.tries < 1 and not self._closed:
                    task.tries += 1                     # once more, first in its owner's line
                    self._waiting.setdefault(task.owner, deque()).appendleft(task)
                    self._dispatch()
                    return
                task.error = WorkerLost(LOST)
            elif error is not None:
                task.error = error
            else:
                task.result = future.result()
            task.done.set()
            self._dispatch()

    # ------------------------------------------------------------------------------ the executor

    def _pool(self) -> Executor:
        if self._executor is None:
            if self.processes:
                # spawn: the server runs threads, and fork would copy their locks mid-air
                self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=watch_parent)
            else:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="portal-check")
        return self._executor

    def _replace(self) -> None:
        """A worker died: drop the broken executor (its other workers end with it); the next task starts a
        new one (lock held)."""
        broken, self._executor = self._executor, None
        self._generation += 1
        self.replacements += 1
        self._faults.append(FAULT)
        if broken is not None:
            threading.Thread(target=broken.shutdown, kwargs={"wait": True, "cancel_futures": True},
                             name="portal-pool-reaper", daemon=True).start()

    def queued(self) -> dict[str, int]:
        """Tasks waiting for a worker, per owner."""
        with self._lock:
            return {owner: len(queue) for owner, queue in self._waiting.items() if queue}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
