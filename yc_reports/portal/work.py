"""Checks off the request thread: a small worker pool behind a bounded queue.

A workbook check is CPU work (openpyxl is pure Python); run on a request thread it holds the GIL and
every page waits. Here it runs in worker processes (`processes=True`, what `yc-reports serve` uses) or,
for tests and small installs, in worker threads. At most `workers + queue` checks are admitted at once;
the next one is refused at once with a Chinese message instead of piling up. Heavy checks (big files)
share all workers but one, so a template-sized workbook never waits behind two huge ones.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

BUSY = "目前同时校验的文件较多，系统正在排队处理。请稍候一两分钟后重新上传，已上传的文件不受影响。"


class PoolBusy(Exception):
    """The queue is full; the message is for the user."""


class WorkPool:
    def __init__(self, workers: int = 2, queue: int = 16, *, processes: bool = False) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.processes = processes
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._heavy = threading.BoundedSemaphore(max(1, self.workers - 1))
        self._lock = threading.Lock()
        self._executor: Executor | None = None

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.processes:
                    # spawn: the server runs threads, and fork would copy their locks mid-air
                    self._executor = ProcessPoolExecutor(self.workers,
                                                         mp_context=multiprocessing.get_context("spawn"))
                else:
                    self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="portal-check")
            return self._executor

    def run(self, fn: Callable[..., T], *args: object, heavy: bool = False) -> T:
        """Run `fn(*args)` on a worker and wait for it; PoolBusy when the queue is full. A heavy task
        waits for its lane first, so that one worker always stays free for ordinary ones."""
        if not self._slots.acquire(blocking=False):
            raise PoolBusy(BUSY)
        try:
            if not heavy:
                return self._pool().submit(fn, *args).result()
            with self._heavy:
                return self._pool().submit(fn, *args).result()
        finally:
            self._slots.release()

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
