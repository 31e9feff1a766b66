from __future__ import annotations

import datetime as dt
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from yc_reports.plan.registry import load_registry
from yc_reports.portal.app import create_app
from yc_reports.portal.service import Portal

from .workbooks import Q3, FakeResult, TickingClock

PUBLIC = "https://baosong.example.gov.cn:8443"   # the configured --public-url


@pytest.fixture(scope="session")
def registry():
    return load_registry()


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
