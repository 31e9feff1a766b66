"""Issue 20, faults: a check worker killed (kill -9, the OOM killer, antivirus software), the server killed, a build
killed. Each is written to 操作记录 and shown to the office, and the next request is served — never a 500.

The HTTP tests run a real `yc-reports serve` in a process of its own (check workers and jobs in processes, as in
production) and kill its processes as the operating system would; /proc finds them (Linux).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from yc_reports.portal.service import Portal
from yc_reports.portal.work import FAULT, LOST, WorkerLost, WorkPool

from .conftest import Serve, alive
from .workbooks import Q3, clean_fill, filled

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINUX = Path("/proc/self/stat").is_file()


# ---------------------------------------------------------------------------------------- the pool itself
# Module-level: they run in spawned worker processes.


def die_once(marker: str) -> int:
    """Kill the worker running it the first time (as the OOM killer would), answer the second time."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died once")
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def always_die() -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kills its worker with SIGKILL (POSIX)")
def test_a_worker_killed_mid_task_is_replaced_and_the_task_run_again(tmp_path: Path):
    faults: list[str] = []
    pool = WorkPool(2, 4, processes=True, on_fault=faults.append)
    try:
        answered_by = pool.run(die_once, str(tmp_path / "marker"), owner="市经信局")
        assert answered_by != os.getpid() and (tmp_path / "marker").read_text() == "died once"
        assert faults == [FAULT] and pool.replacements == 1
        assert pool.run(os.getpid, owner="市科技局") != os.getpid()     # the new pool serves the next task
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kills its worker with SIGKILL (POSIX)")
def test_a_task_that_kills_its_worker_twice_is_told_in_chinese_and_the_pool_goes_on(tmp_path: Path):
    faults: list[str] = []
    pool = WorkPool(2, 4, processes=True, on_fault=faults.append)
    try:
        with pytest.raises(WorkerLost) as lost:
            pool.run(always_die, owner="市经信局")
        assert str(lost.value) == LOST and "请重新上传" in LOST
        assert len(faults) == 2                                         # each death written down
        assert pool.run(os.getpid, owner="市经信局") != os.getpid()
    finally:
        pool.close()


# ---------------------------------------------------------------------------------------- a real server


def _open_quarter(serve: Serve, http: httpx.Client) -> tuple[str, dict[str, str]]:
    admin = serve.lines[1].split("：", 1)[1]
    assert admin.startswith(f"{serve.origin}/admin/"), serve.lines
    assert serve.wait_up(http, admin).status_code == 200
    http.post(f"{admin}/settings", data={"quarter": "2025Q3", "deadline": "2025-10-10", "open": "1"})
    sheet = http.get(serve.origin + http.post(f"{admin}/units/links", data={"do": "issue-missing"}).headers["location"]).text
    links = dict(zip((part.split("</strong>")[0] for part in sheet.split("<strong>")[1:]),
                     (part.split('"')[0] for part in sheet.split(f'value="{serve.origin}/u/')[1:]), strict=False))
    return admin, links


@contextlib.contextmanager
def _served_with_an_upload(data: Path, registry) -> Iterator[tuple[Serve, httpx.Client, str, dict[str, str]]]:
    """A real server with the quarter open, links issued and one workbook checked (its workers started)."""
    serve = Serve(data).start()
    try:
        with httpx.Client(timeout=120, trust_env=False) as http:
            admin, links = _open_quarter(serve, http)
            assert _upload(http, serve, links["市经信局"], 3, filled(registry, 3)).status_code == 303
            assert serve.children(), "the check ran in a worker process"
            yield serve, http, admin, links
    finally:
        serve.stop()


def _upload(http: httpx.Client, serve: Serve, link: str, action_id: int, data: bytes) -> httpx.Response:
    return http.post(f"{serve.origin}/u/{link}/actions/{action_id}/upload", files={"file": ("进展.xlsx", data, XLSX)})


def _wait(condition, seconds: float, what: str) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"not within {seconds} s: {what}")


@pytest.mark.skipif(not LINUX, reason="finds the worker processes in /proc")
def test_a_killed_check_worker_is_replaced_and_the_next_uploads_are_served(tmp_path: Path, registry):
    with _served_with_an_upload(tmp_path / "data", registry) as (serve, http, admin, links):
        victim = min(serve.children())
        os.kill(victim, signal.SIGKILL)                       # the OOM killer
        _wait(lambda: not alive(victim), 10, "the worker is dead")

        again = _upload(http, serve, links["市经信局"], 3, filled(registry, 3, fill=clean_fill(registry, 3, "李四")))
        assert again.status_code == 303, again.text[:300]     # served, never "Internal Server Error"
        receipt = http.get(serve.origin + again.headers["location"])
        assert receipt.status_code == 200 and "报送成功" in receipt.text
        other = _upload(http, serve, links["市科技局"], 4, filled(registry, 4))
        assert other.status_code == 303
        assert victim not in serve.children() and serve.children()          # new workers took its place

        board = http.get(admin).text                          # the office is told, on the board and in the log
        assert "系统运行提示" in board and "校验进程意外退出" in board
        assert "校验进程意外退出" in http.get(f"{admin}/audit").text


@pytest.mark.skipif(not LINUX, reason="finds the worker processes in /proc")
def test_killing_the_server_ends_its_workers_and_a_restart_serves_the_same_data(tmp_path: Path, registry):
    with _served_with_an_upload(tmp_path / "data", registry) as (serve, _http, admin, links):
        workers = serve.children()
        serve.kill_server_only()                              # kill -9 of the server alone
        _wait(lambda: not any(alive(w) for w in workers), 20, "the workers end with their server")
    again = Serve(tmp_path / "data").start()
    try:
        with httpx.Client(timeout=120, trust_env=False) as http:
            board = again.wait_up(http, admin.replace(serve.origin, again.origin))
            assert board.status_code == 200 and "市经信局" in board.text
            unit = http.get(f"{again.origin}/u/{links['市经信局']}")
            assert unit.status_code == 200 and "本行动现行报送材料：市经信局" in unit.text
    finally:
        again.stop()


@pytest.mark.skipif(not LINUX, reason="finds the build's process in /proc")
def test_a_killed_build_is_recorded_interrupted_its_half_written_folder_removed_and_the_next_request_served(
        tmp_path: Path, registry):
    data = tmp_path / "data"
    serve = Serve(data).start()

    def job() -> tuple[str, int]:
        with sqlite3.connect(data / "portal.sqlite3") as conn:
            row = conn.execute("SELECT state, pid FROM builds ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else ("", 0)

    staging = data / "outputs" / "2025Q3"
    try:
        with httpx.Client(timeout=120, trust_env=False) as http:
            admin, links = _open_quarter(serve, http)
            for action in registry.actions:
                assert _upload(http, serve, links[action.lead_units[0]], action.id,
                               filled(registry, action.id)).status_code == 303
            assert http.post(f"{admin}/build").status_code == 303
            _wait(lambda: job()[1] != 0, 30, "the build's process started")
            pid = job()[1]
            assert pid in serve.children()
            half = lambda: list(staging.glob(".build-0001.building-*"))   # noqa: E731
            until = time.monotonic() + 240
            while not half() and job()[0] == "running" and time.monotonic() < until:
                time.sleep(0.05)
            if not half():
                pytest.skip("the build finished before its half-written folder could be caught")
            os.kill(pid, signal.SIGKILL)                          # the build dies mid-write
            _wait(lambda: job()[0] == "interrupted", 30, "the build is recorded as interrupted")
            assert not half() and not (staging / "build-0001").exists()

            board = http.get(admin)                               # the next request is served
            assert board.status_code == 200
            assert "汇总进程意外中断" in board.text and "请重新运行" in board.text
            audit = http.get(f"{admin}/audit").text
            assert "汇总进程意外中断" in audit and "清理未写完的文件夹 1 个" in audit
            assert http.post(f"{admin}/build").status_code == 303  # and another build may start at once
    finally:
        serve.stop()


def test_start_up_removes_half_written_build_folders_and_puts_back_a_folder_a_killed_swap_moved(
        tmp_path: Path, registry, clock):
    outputs = tmp_path / "data" / "outputs" / "2025Q3"
    (outputs / ".build-0003.building-0a1b2c3d4e5f" / "各行动报告").mkdir(parents=True)
    (outputs / ".build-0003.building-0a1b2c3d4e5f" / "通报.docx").write_bytes(b"half")
    (outputs / ".build-0002.previous-abcdef012345").mkdir()
    (outputs / ".build-0002.previous-abcdef012345" / "汇总表.xlsx").write_bytes(b"the issued one")
    (outputs / "build-0001" / ".催报督办.building-ffffffffffff").mkdir(parents=True)
    portal = Portal(tmp_path / "data", registry, clock=clock)
    assert sorted(portal.recovered.half_written) == ["2025Q3/.build-0003.building-0a1b2c3d4e5f",
                                                     "2025Q3/build-0001/.催报督办.building-ffffffffffff"]
    assert (outputs / "build-0002" / "汇总表.xlsx").read_bytes() == b"the issued one"   # put back, not lost
    assert sorted(p.name for p in outputs.iterdir()) == ["build-0001", "build-0002"]
    entry = portal.accounts.audit_log()[0]
    assert entry.what == "系统启动时恢复" and "清理未写完的结果文件夹 2 个" in entry.detail
    assert entry in portal.office.faults()                       # shown to the office on the board
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    assert portal.boards.board().quarter == Q3                  # and the portal works on


def test_a_record_that_cannot_be_read_is_said_and_no_receipt_is_lost(tmp_path: Path, registry, clock):
    """The office's record damaged (or held by another program): pages say so, uploads are still taken, each
    receipt the record missed is a fault shown to the office and is written at the next start."""
    from yc_reports.record.store import Record, record_path

    data = tmp_path / "data"
    portal = Portal(data, registry, clock=clock)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    kept = record_path(data / "inputs")
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(b"this is not a database, a copy went wrong")
    board = portal.boards.board()
    assert board.quarter == Q3 and "无法读取" in portal.records.check()
    accepted = portal.submissions.submit("市经信局", 3, filled(registry, 3), "三.xlsx")
    assert accepted.accepted and not accepted.in_record            # taken, its receipt not yet in the record
    fault = portal.office.faults()[0]
    assert fault.what == "办公室记录写入失败" and accepted.receipt_no in fault.detail
    assert kept.read_bytes() == b"this is not a database, a copy went wrong"   # never overwritten
    portal.close()

    kept.unlink()                                                  # the office restores (here: starts afresh)
    again = Portal(data, registry, clock=clock)
    with Record(kept) as record:
        receipts = record.receipts(Q3)
    assert [(r.action_id, r.sha256) for r in receipts] == [(3, accepted.sha256)]
    assert again.store.upload(accepted.id).in_record
    assert "补写收文登记 1 条" in again.accounts.audit_log()[0].detail
    again.close()
