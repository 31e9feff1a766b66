"""Writing the reports in two processes gives the very files one process gives, and never loses work.

The build shares the documents with a spawned helper process (yc_reports.pipeline.parallel); these tests build
the demo quarter both ways and compare every output byte for byte, and check the helper's edge cases:
its errors come back as they were raised, a helper that dies leaves its work to the parent, and no
process outlives the build.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from pathlib import Path

import pytest

from yc_reports.pipeline import parallel
from yc_reports.pipeline.build import build_quarter
from yc_reports.plan.registry import resolve_registry


def build_with(processes: int, demo, out: Path, monkeypatch) -> dict[str, bytes]:
    monkeypatch.setenv(parallel.WORKERS_ENV, str(processes))
    registry = resolve_registry(None, demo.inputs.inputs_root)
    result = build_quarter(registry, demo.inputs.latest, demo.inputs.inputs_root / str(demo.inputs.latest), out)
    assert result.ok, result.error
    assert multiprocessing.active_children() == []
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_parallel_build_writes_the_same_bytes_as_a_serial_one(demo_build, tmp_path: Path, monkeypatch):
    serial = demo_build.files  # the session's demo build, made with one process (tests/conftest.py)
    shared = build_with(2, demo_build, tmp_path / "shared" / "2025Q3", monkeypatch)
    assert sorted(shared) == sorted(serial)
    assert sum(name.endswith(".docx") for name in serial) == 11
    different = [name for name in serial if shared[name] != serial[name]]
    assert different == []


def test_jobs_are_shared_with_the_helper_and_come_back_in_order(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with parallel.helper_process():
        # os.getpid pickles by name: each result says which process ran the job
        pids = parallel.run_jobs(os.getpid, [()] * 6)
        squares = parallel.run_jobs(pow, [(n, 2) for n in range(8)], weights=list(range(8)))
    assert len(set(pids)) == 2 and os.getpid() in pids
    assert squares == [n * n for n in range(8)]
    assert multiprocessing.active_children() == []


def test_an_error_in_a_job_is_raised_as_it_was(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with pytest.raises(ValueError, match="invalid literal"), parallel.helper_process():
        parallel.run_jobs(int, [("x",), ("y",), ("z",)])
    assert multiprocessing.active_children() == []


def exit_unless_in(parent: int) -> int:
    """A job that kills any process but `parent`: the helper dies on its first job."""
    if os.getpid() != parent:
        os._exit(3)
    return parent


def test_a_helper_that_dies_leaves_its_work_to_the_parent(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with parallel.helper_process():
        results = parallel.run_jobs(exit_unless_in, [(os.getpid(),)] * 5)
    assert results == [os.getpid()] * 5
    assert multiprocessing.active_children() == []


def warn_unless_in(parent: int) -> int:
    if os.getpid() != parent:
        warnings.warn("only the helper warns", UserWarning, stacklevel=2)
    return parent


def test_a_warning_in_the_helper_is_an_error_where_it_is_one_in_the_parent(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="only the helper warns"), parallel.helper_process():
            parallel.run_jobs(warn_unless_in, [(os.getpid(),)] * 4)


class Awkward(Exception):
    """An exception that pickles but does not unpickle (its constructor wants a keyword)."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(f"awkward {detail}")


def raise_awkward_unless_in(parent: int) -> int:
    if os.getpid() != parent:
        raise Awkward(detail="cell")
    return parent


def test_an_exception_that_cannot_cross_the_pipe_keeps_its_name_and_message(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with pytest.raises(RuntimeError, match=r"^Awkward: awkward cell$"), parallel.helper_process():
        parallel.run_jobs(raise_awkward_unless_in, [(os.getpid(),)] * 4)
    assert multiprocessing.active_children() == []


def test_no_helper_to_be_had_means_a_serial_run(monkeypatch):
    def refuse(self) -> None:
        raise OSError("no more processes")

    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setattr(parallel.Helper, "__init__", refuse)
    with parallel.helper_process():
        assert parallel.run_jobs(os.getpid, [()] * 3) == [os.getpid()] * 3


def test_one_process_means_no_helper(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    with parallel.helper_process():
        assert multiprocessing.active_children() == []
        assert parallel.run_jobs(os.getpid, [()] * 3) == [os.getpid()] * 3


def test_an_unused_helper_is_stopped(monkeypatch):
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    with parallel.helper_process():
        assert len(multiprocessing.active_children()) == 1
        assert parallel.run_jobs(os.getpid, [()]) == [os.getpid()]   # one job: done here
    assert multiprocessing.active_children() == []


def test_no_helper_when_main_cannot_be_reimported(monkeypatch):
    """Code piped to python (no __main__ file) cannot be re-imported by a spawned process: serial."""
    import types

    from yc_reports.pipeline import parallel

    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert parallel.wanted_processes() == 1
