"""The portal's web layer: HTTP in, `Portal` calls, server-rendered Chinese HTML out.

No rule lives here. Each route finds the user from the link's token, calls the service, and renders a
template; service errors become pages with the right status. Pages are plain HTML forms that work
without JavaScript in the older Chromium-based browsers government PCs run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from yc_reports.issues import Issue, Severity
from yc_reports.plan.quarter import Quarter, QuarterError
from yc_reports.plan.registry import Registry, resolve_registry
from yc_reports.portal import service as svc
from .service import (ActionState, BuildBusy, NotFound, Portal, PortalError, RefusalKind, SubmissionsClosed,
                      UploadRefused, format_size)

HERE = Path(__file__).parent
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_LINK = "链接无效或已失效。请核对链接是否完整；如链接已停用，请联系指挥部办公室获取新的链接。"
FORM_OVERHEAD = 256 * 1024      # multipart boundaries and the small fields around the file
DRAIN_CAP = 64 * 1024 * 1024    # read (and drop) at most this much of a refused body, so browsers see the page

_NOTICES = {
    "settings": "季度设置已保存。",
    "contact": "联系人已保存。",
    "revoked": "该单位的链接已停用，原链接即刻失效。",
    "norevoke": "该单位当前没有可停用的链接。",
}


def create_app(data_dir: Path, registry: Registry | None = None, *, portal: Portal | None = None) -> FastAPI:
    """The portal over one data folder (the registry: the office's DATA/inputs/plan.toml, else the shipped plan)."""
    data_dir = Path(data_dir)
    if portal is None:
        portal = Portal(data_dir, registry or resolve_registry(None, data_dir / "inputs"))
    app = FastAPI(title="季度调度报送系统", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    pages = _Pages(portal)
    app.add_middleware(_BodyLimit, limit=portal.max_upload_bytes + FORM_OVERHEAD, pages=pages)
    app.add_middleware(_SecurityHeaders)   # added last: outermost, so the 413 page carries the headers too
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_error_handlers(app, pages)
    _add_unit_routes(app, portal, pages)
    _add_admin_routes(app, portal, pages)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        return pages.message(request, "请使用指挥部办公室发给本单位的专用链接访问",
                             "本系统不设账号密码，每个单位使用各自的专用链接登录。"
                             "如未收到或链接已失效，请联系指挥部办公室。", status=200)

    return app


# ---------------------------------------------------------------------------------------- rendering


class _Pages:
    """Templates and the few display helpers they need."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.templates = Jinja2Templates(directory=HERE / "templates")
        env = self.templates.env
        env.filters["when"] = _when
        env.filters["day"] = _day
        env.filters["size"] = format_size
        env.filters["where"] = _where
        env.globals["plan"] = portal.registry.plan
        env.globals["ActionState"] = ActionState

    def render(self, request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        context.setdefault("today", self.portal.clock().date())
        context["status"] = status
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def message(self, request: Request, title: str, text: str, status: int, back: str | None = None,
                back_label: str = "返回") -> HTMLResponse:
        return self.render(request, "message.html", status=status, title=title, text=text, back=back,
                           back_label=back_label)


def _when(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(svc.CN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _day(value: dt.date | None) -> str:
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def _where(issue: Issue) -> str:
    """The place of an issue in the unit's words: 「指标进展」工作表 H7 单元格."""
    if issue.sheet and issue.cell:
        return f"「{issue.sheet}」工作表 {issue.cell} 单元格"
    if issue.sheet:
        return f"「{issue.sheet}」工作表"
    return "整个文件"


# ---------------------------------------------------------------------------------------- errors


def _add_error_handlers(app: FastAPI, pages: _Pages) -> None:
    def back_for(request: Request) -> str | None:
        parts = request.url.path.split("/")
        if len(parts) > 2 and parts[1] in ("u", "admin") and request.method == "POST":
            return "/".join(parts[:3])
        return None

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return pages.message(request, "未找到", exc.message, status=404)

    @app.exception_handler(UploadRefused)
    async def refused(request: Request, exc: UploadRefused) -> Response:
        status = {RefusalKind.TOO_LARGE: 413, RefusalKind.NOT_XLSX: 415}.get(exc.kind, 400)
        return pages.message(request, "上传未成功", exc.message + "本次上传未保存。", status=status,
                             back=back_for(request), back_label="返回重新上传")

    @app.exception_handler(SubmissionsClosed)
    async def closed(request: Request, exc: SubmissionsClosed) -> Response:
        return pages.message(request, "暂不能报送", exc.message, status=409, back=back_for(request))

    @app.exception_handler(BuildBusy)
    async def busy(request: Request, exc: BuildBusy) -> Response:
        return pages.message(request, "汇总进行中", exc.message, status=409, back=back_for(request))

    @app.exception_handler(PortalError)
    async def portal_error(request: Request, exc: PortalError) -> Response:
        return pages.message(request, "操作未完成", exc.message, status=400, back=back_for(request))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return pages.message(request, "未找到", "请求的页面不存在，请核对链接。", status=404)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return pages.message(request, "未找到", "请求的页面不存在，请核对链接。", status=404)
        if exc.status_code == 405:
            return pages.message(request, "操作无效", "不支持这样访问该页面，请从页面上的按钮进入。", status=405)
        return pages.message(request, "请求无效", "请求无法处理，请返回上一页重试。", status=exc.status_code)


# ---------------------------------------------------------------------------------------- units


def _unit(portal: Portal, token: str) -> str:
    unit = portal.unit_for_token(token)
    if unit is None:
        raise NotFound(BAD_LINK)
    return unit


def _add_unit_routes(app: FastAPI, portal: Portal, pages: _Pages) -> None:
    @app.get("/u/{token}", response_class=HTMLResponse)
    def unit_home(request: Request, token: str) -> Response:
        unit = _unit(portal, token)
        home = portal.unit_home(unit)
        return pages.render(request, "unit_home.html", home=home, settings=home.settings, base=f"/u/{token}")

    @app.get("/u/{token}/actions/{action_id}/template")
    def unit_template(token: str, action_id: int) -> Response:
        unit = _unit(portal, token)
        template = portal.template_for(unit, action_id)
        return Response(template.data, media_type=XLSX_TYPE,
                        headers={"Content-Disposition": _attachment(template.file_name, f"template-{action_id}.xlsx")})

    @app.post("/u/{token}/actions/{action_id}/upload")
    async def unit_upload(request: Request, token: str, action_id: int) -> Response:
        unit = await run_in_threadpool(_unit, portal, token)
        back = f"/u/{token}"
        try:
            form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
        except MultiPartException:
            return pages.message(request, "上传未成功", "上传的内容不完整，请重新选择文件上传。", status=400, back=back)
        try:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                return pages.message(request, "上传未成功", "请先点击“选择文件”，选好填写完成的工作簿后再上传。",
                                     status=400, back=back, back_label="返回重新上传")
            data = await upload.read()
            record = await run_in_threadpool(portal.submit, unit, action_id, data, upload.filename)
        finally:
            await form.close()
        return RedirectResponse(f"/u/{token}/uploads/{record.id}", status_code=303)

    @app.get("/u/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def unit_upload_page(request: Request, token: str, upload_id: int) -> Response:
        unit = _unit(portal, token)
        record = portal.unit_upload(unit, upload_id)
        action = portal.registry.action(record.action_id)
        return pages.render(request, "unit_upload.html", unit=unit, record=record, action=action,
                            base=f"/u/{token}", settings=portal.settings(), **_issue_groups(record.issues))

    @app.get("/u/{token}/uploads/{upload_id}/file")
    def unit_upload_file(token: str, upload_id: int) -> Response:
        unit = _unit(portal, token)
        stored = portal.uploaded_file(portal.unit_upload(unit, upload_id))
        return FileResponse(stored.path, media_type=XLSX_TYPE,
                            headers={"Content-Disposition": _attachment(stored.file_name, f"upload-{upload_id}.xlsx")})


# ---------------------------------------------------------------------------------------- the office


def _admin(portal: Portal, token: str) -> None:
    if not portal.is_admin_token(token):
        raise NotFound(BAD_LINK)


def _add_admin_routes(app: FastAPI, portal: Portal, pages: _Pages) -> None:
    def admin_page(request: Request, token: str, name: str, tab: str, **context: object) -> Response:
        notice = _NOTICES.get(request.query_params.get("done", ""), "")
        return pages.render(request, name, base=f"/admin/{token}", tab=tab, settings=portal.settings(),
                            notice=notice, **context)

    @app.get("/admin/{token}", response_class=HTMLResponse)
    def admin_board(request: Request, token: str) -> Response:
        _admin(portal, token)
        board = portal.board()
        built = request.query_params.get("built", "")
        return admin_page(request, token, "admin_board.html", "board", board=board, builds=portal.builds()[:5],
                          built=int(built) if built.isdigit() else None)

    @app.post("/admin/{token}/build")
    def admin_build(token: str) -> Response:
        _admin(portal, token)
        record = portal.run_build()
        return RedirectResponse(f"/admin/{token}?built={record.id}#build", status_code=303)

    @app.get("/admin/{token}/builds/{build_id}/files/{index}")
    def admin_build_file(token: str, build_id: int, index: int) -> Response:
        _admin(portal, token)
        stored = portal.build_file(build_id, index)
        return FileResponse(stored.path, headers={"Content-Disposition": _attachment(stored.file_name,
                                                                                     f"build-{build_id}-{index}")})

    @app.get("/admin/{token}/builds/{build_id}/archive")
    def admin_build_archive(token: str, build_id: int) -> Response:
        _admin(portal, token)
        archive = portal.build_archive(build_id)
        return Response(archive.data, media_type="application/zip",
                        headers={"Content-Disposition": _attachment(archive.file_name, f"build-{build_id}.zip")})

    @app.get("/admin/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def admin_upload(request: Request, token: str, upload_id: int) -> Response:
        _admin(portal, token)
        record = portal.upload(upload_id)
        action = portal.registry.action(record.action_id)
        return admin_page(request, token, "admin_upload.html", "board", record=record, action=action,
                          others=portal.action_uploads(record.quarter, record.action_id),
                          **_issue_groups(record.issues))

    @app.get("/admin/{token}/uploads/{upload_id}/file")
    def admin_upload_file(token: str, upload_id: int) -> Response:
        _admin(portal, token)
        stored = portal.uploaded_file(portal.upload(upload_id))
        return FileResponse(stored.path, media_type=XLSX_TYPE,
                            headers={"Content-Disposition": _attachment(stored.file_name, f"upload-{upload_id}.xlsx")})

    @app.get("/admin/{token}/reminders", response_class=HTMLResponse)
    def admin_reminders(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_reminders.html", "reminders", reminders=portal.reminders())

    @app.get("/admin/{token}/units", response_class=HTMLResponse)
    def admin_units(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_units.html", "units", units=portal.unit_access())

    @app.post("/admin/{token}/units/links")
    async def admin_links(request: Request, token: str) -> Response:
        await run_in_threadpool(_admin, portal, token)
        form = await request.form(max_files=0, max_fields=8)
        what, unit = str(form.get("do", "")), str(form.get("unit", ""))
        if what == "revoke":
            revoked = await run_in_threadpool(portal.revoke_unit_token, unit)
            return RedirectResponse(f"/admin/{token}/units?done={'revoked' if revoked else 'norevoke'}",
                                    status_code=303)
        if what == "issue":
            issued = {unit: await run_in_threadpool(portal.issue_unit_token, unit)}
        elif what == "issue-missing":
            issued = await run_in_threadpool(portal.issue_missing_unit_tokens)
        else:
            raise NotFound("请求的操作不存在。")
        origin = str(request.base_url).rstrip("/")
        links = [(u, f"{origin}/u/{t}", portal.actions_of(u)) for u, t in issued.items()]
        response = admin_page(request, token, "admin_links.html", "units", links=links)
        return response

    @app.post("/admin/{token}/units/contact")
    async def admin_contact(request: Request, token: str) -> Response:
        await run_in_threadpool(_admin, portal, token)
        form = await request.form(max_files=0, max_fields=8)
        await run_in_threadpool(portal.set_contact, str(form.get("unit", "")), str(form.get("person", "")),
                                str(form.get("phone", "")))
        return RedirectResponse(f"/admin/{token}/units?done=contact", status_code=303)

    @app.get("/admin/{token}/settings", response_class=HTMLResponse)
    def admin_settings(request: Request, token: str) -> Response:
        _admin(portal, token)
        settings = portal.settings()
        quarter = settings.quarter or portal.suggested_quarter()
        plan = portal.registry.plan
        choices = [Quarter(y, q) for y in range(plan.start_year, plan.end_year + 1) for q in (1, 2, 3, 4)]
        return admin_page(request, token, "admin_settings.html", "settings", choices=choices, quarter=quarter,
                          deadline=settings.deadline or portal.suggested_deadline(quarter))

    @app.post("/admin/{token}/settings")
    async def admin_save_settings(request: Request, token: str) -> Response:
        await run_in_threadpool(_admin, portal, token)
        form = await request.form(max_files=0, max_fields=8)
        try:
            quarter = Quarter.parse(str(form.get("quarter", "")))
        except QuarterError as exc:
            raise PortalError(str(exc)) from None
        deadline_text = str(form.get("deadline", "")).strip()
        try:
            deadline = dt.date.fromisoformat(deadline_text) if deadline_text else None
        except ValueError:
            raise PortalError(f"截止日期“{deadline_text}”格式不正确，应写作如 2025-10-10。") from None
        await run_in_threadpool(portal.configure, quarter, deadline, form.get("open") == "1")
        return RedirectResponse(f"/admin/{token}/settings?done=settings", status_code=303)


# ---------------------------------------------------------------------------------------- helpers


def _issue_groups(issues: tuple[Issue, ...]) -> dict[str, object]:
    errors = [i for i in issues if i.severity is Severity.ERROR]
    warnings = [i for i in issues if i.severity is Severity.WARNING]
    return {"errors": errors, "warnings": warnings}


def _attachment(file_name: str, fallback: str) -> str:
    """Content-Disposition for a Chinese file name, with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class _SecurityHeaders:
    """No caching of pages that carry links, no referrer leaking the token, no framing, no foreign resources."""

    HEADERS = [
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy",
         b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
         b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + self.HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class _BodyTooLarge(Exception):
    pass


class _BodyLimit:
    """Stop reading a request body past the limit and answer 413 with a Chinese page.

    The rest of a moderately oversized body is read and dropped first, so a browser that is still
    sending sees the page rather than a reset connection.
    """

    def __init__(self, app: ASGIApp, limit: int, pages: _Pages) -> None:
        self.app = app
        self.limit = limit
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send, already=0, declared=declared)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, already=received, declared=declared)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, already: int, declared: int | None) -> None:
        total = already
        if declared is None or declared <= DRAIN_CAP:
            while total <= DRAIN_CAP:
                message = await receive()
                if message["type"] != "http.request":
                    break
                total += len(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        size = declared if declared is not None else total
        limit = self.limit - FORM_OVERHEAD
        request = Request(scope)
        parts = scope.get("path", "").split("/")
        back = "/".join(parts[:3]) if len(parts) > 2 and parts[1] in ("u", "admin") else None
        response = self.pages.message(
            request, "上传未成功",
            f"文件过大（约 {format_size(size)}），超过 {format_size(limit)} 的上限，本次上传未保存。"
            "请使用下发的填报模板填写，勿在表中粘贴图片或大量数据。", status=413, back=back,
            back_label="返回重新上传")
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
