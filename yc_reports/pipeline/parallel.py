"""Writing the reports on two cores: a helper process writes some documents while this one writes the rest.

Charts and documents are nearly all of a build's time, and each of the eleven documents is composed
and saved whole by one process, from the same inputs with the same code: the files are byte for byte
those of a serial build, whichever process wrote them. Both processes take the next document from one
queue (the most expensive first), so neither waits while the other has work left.

The helper is started with `spawn` (`fork` is unsafe once threads run, and the progress bar runs one)
when a build begins, so that its imports (matplotlib, python-docx: about half a second) overlap the
reading of the workbooks. Only the code inside `helper_process()` uses it; everything else is serial.
A helper that is never used is stopped at once; one that dies leaves its work to this process; its
errors and warnings are raised here as a serial build would raise them.

``YC_REPORTS_WORKERS=1`` makes every build serial (e.g. to profile one process).
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import os
import pickle
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from yc_reports.pipeline import collector

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

WORKERS_ENV = "YC_REPORTS_WORKERS"
MIN_JOBS = 2          # fewer documents than this are written here, without the helper
JOIN_SECONDS = 5

_active: contextvars.ContextVar[Helper | None] = contextvars.ContextVar("yc_reports_helper", default=None)


def wanted_processes() -> int:
    """How many processes write documents: two where two cores are free to us, unless the user says."""
    given = os.environ.get(WORKERS_ENV, "").strip()
    if given.isdigit():
        return max(1, int(given))
    if not _main_is_importable():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(2, cores)


def _main_is_importable() -> bool:
    """A spawned process re-imports __main__: impossible for code read from stdin or typed at a prompt."""
    import sys

    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return True
    path = getattr(main, "__file__", None)
    return isinstance(path, str) and os.path.isfile(path)


class HelperGone(RuntimeError):
    """The helper process ended (killed, out of memory): its unfinished work is done here."""


class Helper:
    """One spawned process that imports the report writers, then runs the calls sent to it, in order."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="yc-reports-helper", daemon=True)
        self._process.start()
        child.close()
        self.used = False

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """function(*args) in the helper, under this process's warning filters; its exception is
        raised here."""
        self.used = True
        try:
            self._conn.send((function, args, list(warnings.filters)))
            ok, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise HelperGone(str(exc)) from None
        if ok:
            return value
        raise value

    def close(self, *, at_once: bool = False) -> None:
        """Stop the helper: at once when it never worked (it may still be importing) or the build
        failed, else politely."""
        if self.used and not at_once and self._process.is_alive():
            with contextlib.suppress(OSError):
                self._conn.send(None)
            self._process.join(JOIN_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()
        self._process.close()


def _serve(conn: Connection) -> None:
    """The helper's main loop. Ctrl+C is the parent's to handle: it stops the helper itself."""
    import importlib
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with collector.paused():
        importlib.import_module("yc_reports.render.reports")   # the half second the parent's reading hides
        # What the imports made lives as long as this process: the collector need not walk it again
        # (it would, on every full collection). Frozen again at the end, the exit is quick too.
        gc.freeze()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            message = None
        if message is None:
            gc.freeze()
            return
        function, args, filters = message
        try:
            with warnings.catch_warnings():
                # a warning is an error here if it is one in the parent (typeshed calls the list a Sequence)
                warnings.filters[:] = filters  # type: ignore[index]
                reply = (True, function(*args))
        except Exception as exc:  # raised again in the parent, as a serial build would have raised it
            reply = (False, _picklable(exc))
        conn.send(reply)


def _picklable(exc: Exception) -> Exception:
    """The exception itself if it survives the pipe, else a RuntimeError with its type and message."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


@contextlib.contextmanager
def helper_process() -> Iterator[None]:
    """Within this block, `run_jobs` shares its jobs with a helper process (when two cores are free)."""
    if wanted_processes() < 2 or _active.get() is not None:
        yield
        return
    try:
        helper = Helper()
    except Exception:  # no process to be had (limits, a locked-down host): the build runs serially
        helper = None
    if helper is None:
        yield
        return
    token = _active.set(helper)
    failed = True
    try:
        yield
        failed = False
    finally:
        _active.reset(token)
        helper.close(at_once=failed)


def run_jobs(function: Callable[..., Any], jobs: Sequence[tuple], weights: Sequence[float] | None = None) -> list:
    """[function(*job) for job in jobs], shared with the helper when there is one; results in job order.

    `function` must be a module-level function and the jobs' arguments picklable. Heavier jobs (by
    `weights`) are taken first so that the two processes finish together."""
    helper = _active.get()
    if helper is None or len(jobs) < MIN_JOBS:
        return [function(*job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -(weights[i] if weights else 0))
    queue, lock = deque(order), threading.Lock()
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def take() -> int | None:
        with lock:
            return queue.popleft() if queue and not errors else None

    def feed_helper() -> None:
        while (index := take()) is not None:
            try:
                results[index] = helper.call(function, *jobs[index])
            except HelperGone:
                with lock:
                    queue.appendleft(index)   # done here instead
                return
            except Exception as exc:
                with lock:
                    errors.append(exc)
                return

    feeder = threading.Thread(target=feed_helper, name="yc-reports-feeder", daemon=True)
    feeder.start()
    while (index := take()) is not None:
        try:
            results[index] = function(*jobs[index])
        except Exception as exc:  # the helper finishes its document; then the first error is raised
            with lock:
                errors.append(exc)
    feeder.join()   # (on Ctrl+C the helper is stopped instead, which ends the feeder too)
    if errors:
        raise errors[0]
    while (index := take()) is not None:   # left by a helper that died
        results[index] = function(*jobs[index])
    return results
