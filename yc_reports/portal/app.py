"""The portal's web layer: HTTP in, `Portal` calls, server-rendered Chinese HTML out.

    web.py          rendering, error pages, who is asking, forms, confirmations
    web_guard.py    protective headers, the bounded request body
    web_units.py    the units' pages (their link: /u/TOKEN)
    web_office.py   the office's daily work: board, uploads, returns, links, accounts, settings, audit
    web_cycle.py    the office's cycle: builds, 签发, 督办台账, notices, 考核评估, lights, the plan
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from yc_reports.plan.registry import Registry, resolve_registry

from .service import Portal
from .web import HERE, Pages, add_error_handlers
from .web_cycle import add_cycle_routes
from .web_guard import FORM_OVERHEAD, BodyLimit, SecurityHeaders
from .web_office import add_office_routes
from .web_units import add_unit_routes
from .work import WorkPool


def create_app(data_dir: Path, registry: Registry | None = None, *, portal: Portal | None = None,
               public_url: str | None = None, check_workers: int = 2, check_queue: int = 16,
               page_wait: float = 0.5, unit_wait: float = 0.0) -> FastAPI:
    """The portal over one data folder (the registry: the office's DATA/inputs/plan.toml, else the shipped plan).

    `public_url` (e.g. https://10.1.2.3:8443) is the address units' links are built from; never the
    request's Host header. Without it, links are shown as paths for the office to complete. `page_wait`:
    how long the office's pages wait for the build's reading of fresh uploads before showing the last one
    (`unit_wait`: a unit's page)."""
    data_dir = Path(data_dir)
    if portal is None:
        portal = Portal(data_dir, registry or resolve_registry(None, data_dir / "inputs"), processes=True,
                        pool=WorkPool(check_workers, check_queue, processes=True))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        portal.close()           # the check workers end with the server

    app = FastAPI(title="季度调度报送系统", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.portal = portal
    pages = Pages(portal, public_url, page_wait=page_wait, unit_wait=unit_wait)
    app.state.pages = pages
    app.add_middleware(BodyLimit, limit=portal.max_upload_bytes + FORM_OVERHEAD, pages=pages)
    app.add_middleware(SecurityHeaders)   # added last: outermost, so the 413 page carries the headers too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    add_error_handlers(app, pages)
    add_unit_routes(app, portal, pages)
    add_office_routes(app, portal, pages)
    add_cycle_routes(app, portal, pages)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        return pages.message(request, "请使用指挥部办公室发给本单位的专用链接访问",
                             "本系统不设账号密码，每个单位使用各自的专用链接登录。"
                             "如未收到或链接已失效，请联系指挥部办公室。", status=200)

    return app
