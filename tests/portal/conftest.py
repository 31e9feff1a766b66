from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from yc_reports.plan.registry import load_registry
from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal

from .workbooks import Q3, FakeResult, TickingClock

PUBLIC = "https://baosong.example.gov.cn:8443"   # the configured --public-url
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (the browser tests skip without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
def portal(tmp_path: Path, registry, clock) -> Portal:
    p = Portal(tmp_path / "data", registry, clock=clock)
    p.office.open_quarter(Q3, dt.date(2025, 10, 10))
    return p


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a background thread."""

    def __init__(self, app) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                lifespan="off", ws="none")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="portal-test-server", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(400):   # bounded: at most ~20 s
            if self.server.started:
                break
            self.thread.join(0.05)
        if not self.server.started:
            raise RuntimeError("test server did not start")
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(15)


@dataclass
class Site:
    url: str
    portal: Portal
    admin: str
    industry: str     # 市经信局: action 3
    transport: str    # 市交通运输局: action 6 (with 市发改委)
    ndrc: str         # 市发改委: actions 1, 2, 6, 7

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=60, trust_env=False)


def _quick_build(registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False):
    out_dir.mkdir(parents=True)
    (out_dir / "汇总表.xlsx").write_bytes(b"summary-of-" + str(quarter).encode())
    return FakeResult(True, out_dir, (out_dir / "汇总表.xlsx",))


@pytest.fixture
def site(tmp_path: Path, registry, clock):
    portal = Portal(tmp_path / "data", registry, clock=clock, builder=_quick_build)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    # pages wait for the build's reading of fresh uploads: the tests read what they just sent
    app = create_app(tmp_path / "data", portal=portal, public_url=PUBLIC, page_wait=120, unit_wait=120)
    with LiveServer(app) as url:
        yield Site(url=url, portal=portal, admin=portal.ensure_admin_token(),
                   industry=portal.accounts.issue_unit_token("市经信局"), transport=portal.accounts.issue_unit_token("市交通运输局"),
                   ndrc=portal.accounts.issue_unit_token("市发改委"))


@pytest.fixture
def http(site: Site):
    with site.client() as client:
        yield client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serve:
    """A real `yc-reports serve` in a process of its own (its check workers and jobs in processes, as in
    production), on a free loopback port, for the fault tests: it can be killed like any process."""

    def __init__(self, data: Path, port: int | None = None) -> None:
        self.data = Path(data)
        self.port = port or _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = None
        self.lines: list[str] = []

    def start(self) -> Serve:
        command = [sys.executable, "-m", "yc_reports.cli", "serve", "--port", str(self.port), "--data",
                   str(self.data), "--public-url", self.origin]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        encoding="utf-8", start_new_session=True)
        assert self.process.stdout is not None
        self.lines = [self.process.stdout.readline().rstrip("\n") for _ in range(3)]
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait_up(self, client: httpx.Client, url: str) -> httpx.Response:
        for _ in range(600):   # bounded: ~30 s
            try:
                return client.get(url)
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail(f"serve did not answer: {self.lines}")

    def children(self) -> set[int]:
        """The server's worker processes (its check workers, a job), from /proc: spawned by multiprocessing,
        the resource tracker left out."""
        return {pid for pid in children_of(self.pid) if "spawn_main" in _cmdline(pid)}

    def kill_server_only(self) -> None:
        """kill -9 of the server process alone: what a crash or the task manager does."""
        assert self.process is not None
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Everything it started ends, however it is (the test's own clean-up)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(30)
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_done(page, portal: Portal) -> None:
    """Wait for the jobs, then show the page afresh. A page that refreshes itself while a job runs (every 5 s)
    may be between two loads at that moment: a reload then finds no page attached, so wait and reload again."""
    from playwright.sync_api import Error as PlaywrightError

    portal.jobs.wait_for_builds(600)
    for attempt in range(3):
        try:
            page.wait_for_load_state()
            page.reload()
            return
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(500)
