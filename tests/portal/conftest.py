from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from yc_reports.portal.service import Portal
from yc_reports.plan.registry import load_registry

from .workbooks import Q3, TickingClock


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock()


@pytest.fixture
def portal(tmp_path: Path, registry, clock) -> Portal:
    p = Portal(tmp_path / "data", registry, clock=clock)
    p.open_quarter(Q3, dt.date(2025, 10, 10))
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
