"""The portal's web layer: HTTP in, `Portal` calls, server-rendered Chinese HTML out.

No rule lives here. Each route finds the user from the link's token, calls the service, and renders a
template; service errors become pages with the right status. Pages are plain HTML forms that work
without JavaScript in the older Chromium-based browsers government PCs run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TypedDict
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

from .service import (
    ActionState,
    BuildBusy,
    NotFound,
    Portal,
    PortalError,
    RefusalKind,
    SubmissionsClosed,
    UploadRefused,
    account_name,
    choice_label,
    format_size,
)
from .work import WorkPool

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
    "returned": "已退回，该单位的页面上会显示退回意见；该份材料不再作为报送材料。",
    "building": "汇总已开始，完成后本页显示结果，请稍候刷新。",
    "account-revoked": "该办公室账号已停用。",
}


def create_app(data_dir: Path, registry: Registry | None = None, *, portal: Portal | None = None,
               public_url: str | None = None, check_workers: int = 2, check_queue: int = 16) -> FastAPI:
    """The portal over one data folder (the registry: the office's DATA/inputs/plan.toml, else the shipped plan).

    `public_url` (e.g. https://10.1.2.3:8443) is the address units' links are built from; never the
    request's Host header. Without it, links are shown as paths for the office to complete."""
    data_dir = Path(data_dir)
    if portal is None:
        portal = Portal(data_dir, registry or resolve_registry(None, data_dir / "inputs"),
                        pool=WorkPool(check_workers, check_queue, processes=True))
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        portal.close()           # the check workers end with the server

    app = FastAPI(title="季度调度报送系统", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.portal = portal
    pages = _Pages(portal, public_url)
    app.state.pages = pages
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

    def __init__(self, portal: Portal, public_url: str | None = None) -> None:
        self.portal = portal
        self.public_url = (public_url or "").rstrip("/")
        self.templates = Jinja2Templates(directory=HERE / "templates")
        env = self.templates.env
        env.filters["when"] = _when
        env.filters["day"] = _day
        env.filters["size"] = format_size
        env.filters["where"] = _where
        env.filters["choice"] = choice_label
        env.globals["plan"] = portal.registry.plan
        env.globals["ActionState"] = ActionState
        env.globals["plan_action"] = portal.registry.action

    def link(self, path: str) -> str:
        """An address to send to someone: the configured public address, never the request's Host."""
        return f"{self.public_url}{path}"

    def render(self, request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        now = self.portal.clock()
        context.setdefault("today", now.date())
        context.setdefault("now", now)
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
    return "整个文件" if issue.file else "—"


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
        status = {RefusalKind.TOO_LARGE: 413, RefusalKind.NOT_XLSX: 415, RefusalKind.DAMAGED: 422,
                  RefusalKind.QUOTA: 507}.get(exc.kind, 400)
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


@dataclass(frozen=True)
class _Upload:
    """The upload form: its small fields and its one file."""

    fields: dict[str, str]
    data: bytes
    name: str


async def _read_upload(request: Request, back: str) -> _Upload | Response:
    """The upload form's small fields and its one file; or the page to answer with when it is unusable."""
    pages: _Pages = request.app.state.pages
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    except MultiPartException:
        return pages.message(request, "上传未成功", "上传的内容不完整，请重新选择文件上传。",
                                             status=400, back=back)
    try:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return pages.message(
                request, "上传未成功", "请先点击“选择文件”，选好填写完成的工作簿后再上传。", status=400, back=back,
                back_label="返回重新上传")
        return _Upload(fields, await upload.read(), upload.filename)
    finally:
        await form.close()


def _add_unit_routes(app: FastAPI, portal: Portal, pages: _Pages) -> None:
    @app.get("/u/{token}", response_class=HTMLResponse)
    def unit_home(request: Request, token: str) -> Response:
        unit = _unit(portal, token)
        home = portal.unit_home(unit)
        return pages.render(request, "unit_home.html", home=home, settings=home.settings, base=f"/u/{token}",
                            problems=portal.problems(unit=unit) if home.settings.quarter else ())

    @app.get("/u/{token}/actions/{action_id}/template")
    def unit_template(token: str, action_id: int) -> Response:
        unit = _unit(portal, token)
        template = portal.template_for(unit, action_id)
        return Response(template.data, media_type=XLSX_TYPE,
                        headers={"Content-Disposition": _attachment(template.file_name, f"template-{action_id}.xlsx")})

    @app.post("/u/{token}/actions/{action_id}/upload")
    async def unit_upload(request: Request, token: str, action_id: int) -> Response:
        unit = await run_in_threadpool(_unit, portal, token)
        upload = await _read_upload(request, f"/u/{token}")
        if isinstance(upload, Response):
            return upload
        record = await run_in_threadpool(portal.submit, unit, action_id, upload.data, upload.name)
        return RedirectResponse(f"/u/{token}/uploads/{record.id}", status_code=303)

    @app.get("/u/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def unit_upload_page(request: Request, token: str, upload_id: int) -> Response:
        unit = _unit(portal, token)
        record = portal.unit_upload(unit, upload_id)
        action = portal.registry.action(record.action_id)
        return pages.render(request, "unit_upload.html", unit=unit, record=record, action=action,
                            status_now=portal.status_of(record), base=f"/u/{token}", settings=portal.settings(),
                            **_issue_groups(record.issues))

    @app.get("/u/{token}/uploads/{upload_id}/file")
    def unit_upload_file(token: str, upload_id: int) -> Response:
        unit = _unit(portal, token)
        stored = portal.uploaded_file(portal.unit_upload(unit, upload_id))
        return FileResponse(stored.path, media_type=XLSX_TYPE,
                            headers={"Content-Disposition": _attachment(stored.file_name, f"upload-{upload_id}.xlsx")})

    @app.get("/receipts/{key}", response_class=HTMLResponse)
    def receipt(request: Request, key: str) -> Response:
        """The printable receipt at an address without the unit's link in it: printing it, or the address
        the browser prints in its header, never hands out the right to submit."""
        record = portal.receipt(key)
        action = portal.registry.action(record.action_id)
        return pages.render(request, "receipt.html", record=record, action=action,
                            status_now=portal.status_of(record))


# ---------------------------------------------------------------------------------------- the office


def _admin(portal: Portal, token: str) -> str:
    """The office staff member the link belongs to."""
    name = portal.admin_for_token(token)
    if name is None:
        raise NotFound(BAD_LINK)
    return name


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except QuarterError:
        raise NotFound("没有找到该季度。") from None


async def _small_form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=8, max_part_size=16 * 1024)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _add_admin_routes(app: FastAPI, portal: Portal, pages: _Pages) -> None:
    def admin_page(request: Request, token: str, name: str, tab: str, status: int = 200,
                   **context: object) -> Response:
        notice = _NOTICES.get(request.query_params.get("done", ""), "")
        return pages.render(request, name, status, base=f"/admin/{token}", tab=tab, settings=portal.settings(),
                            notice=notice, me=_admin(portal, token), **context)

    def board_page(request: Request, token: str, quarter: Quarter | None) -> Response:
        board = portal.board(quarter)
        current = quarter is None or quarter == board.settings.quarter
        shown = quarter or board.settings.quarter
        builds = portal.builds(shown)[:5] if shown else ()
        if request.query_params.get("done") == "building" and not any(b.running for b in builds):
            request = _without_notice(request)        # the build has finished: no "started" notice any more
        return admin_page(request, token, "admin_board.html", "board", board=board, current=current,
                          shown_quarter=shown, quarters=portal.quarters(),
                          staged=portal.staged_uploads(shown) if shown else {},
                          builds=builds)

    @app.get("/admin/{token}", response_class=HTMLResponse)
    def admin_board(request: Request, token: str) -> Response:
        _admin(portal, token)
        return board_page(request, token, None)

    @app.get("/admin/{token}/quarters/{quarter}", response_class=HTMLResponse)
    def admin_quarter(request: Request, token: str, quarter: str) -> Response:
        _admin(portal, token)
        return board_page(request, token, _quarter(quarter))

    @app.get("/admin/{token}/board.xlsx")
    def admin_board_xlsx(request: Request, token: str) -> Response:
        _admin(portal, token)
        quarter = request.query_params.get("quarter")
        book = portal.board_workbook(_quarter(quarter) if quarter else None)
        return Response(book.data, media_type=XLSX_TYPE,
                        headers={"Content-Disposition": _attachment(book.file_name, "board.xlsx")})

    @app.get("/admin/{token}/problems", response_class=HTMLResponse)
    def admin_problems(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_problems.html", "problems", problems=portal.problems())

    @app.post("/admin/{token}/build")
    def admin_build(token: str) -> Response:
        me = _admin(portal, token)
        build_id = portal.start_build(actor=me)
        return RedirectResponse(f"/admin/{token}?done=building&built={build_id}#build", status_code=303)

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

    @app.get("/admin/{token}/upload", response_class=HTMLResponse)
    def admin_upload_form(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_upload_form.html", "board",
                          choices=[(a, u) for a in portal.registry.actions for u in a.lead_units])

    @app.post("/admin/{token}/upload")
    async def admin_upload_post(request: Request, token: str) -> Response:
        me = await run_in_threadpool(_admin, portal, token)
        upload = await _read_upload(request, f"/admin/{token}/upload")
        if isinstance(upload, Response):
            return upload
        action_text, _, unit = upload.fields.get("for", "").partition("|")
        if not action_text.isdigit() or len(action_text) > 3:
            raise NotFound("请选择代为上传的行动和单位。")
        record = await run_in_threadpool(portal.submit, unit, int(action_text), upload.data, upload.name, me)
        return RedirectResponse(f"/admin/{token}/uploads/{record.id}", status_code=303)

    @app.get("/admin/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def admin_upload(request: Request, token: str, upload_id: int) -> Response:
        _admin(portal, token)
        record = portal.upload(upload_id)
        action = portal.registry.action(record.action_id)
        return admin_page(request, token, "admin_upload.html", "board", record=record, action=action,
                          status_now=portal.status_of(record),
                          others=portal.action_uploads(record.quarter, record.action_id),
                          **_issue_groups(record.issues))

    @app.post("/admin/{token}/uploads/{upload_id}/return")
    async def admin_return(request: Request, token: str, upload_id: int) -> Response:
        me = await run_in_threadpool(_admin, portal, token)
        fields = await _small_form(request)
        await run_in_threadpool(portal.return_upload, upload_id, fields.get("note", ""), me)
        return RedirectResponse(f"/admin/{token}/uploads/{upload_id}?done=returned", status_code=303)

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
        return admin_page(request, token, "admin_units.html", "units", units=portal.unit_access(),
                          public_url=pages.public_url)

    @app.post("/admin/{token}/units/links")
    async def admin_links(request: Request, token: str) -> Response:
        me = await run_in_threadpool(_admin, portal, token)
        fields = await _small_form(request)
        what, unit = fields.get("do", ""), fields.get("unit", "")
        if what == "revoke":
            revoked = await run_in_threadpool(portal.revoke_unit_token, unit, me)
            return RedirectResponse(f"/admin/{token}/units?done={'revoked' if revoked else 'norevoke'}",
                                    status_code=303)
        if what == "issue":
            issued = {unit: await run_in_threadpool(portal.issue_unit_token, unit, me)}
        elif what == "issue-missing":
            issued = await run_in_threadpool(portal.issue_missing_unit_tokens, me)
        else:
            raise NotFound("请求的操作不存在。")
        sheet = portal.keep_links(me, issued)
        return RedirectResponse(f"/admin/{token}/links/{sheet.id}", status_code=303)

    @app.get("/admin/{token}/links/{sheet_id}", response_class=HTMLResponse)
    def admin_link_sheet(request: Request, token: str, sheet_id: str) -> Response:
        me = _admin(portal, token)
        sheet = portal.link_sheet(me, sheet_id)
        if sheet is None:
            return admin_page(request, token, "admin_links.html", "units", links=None, office=False)
        prefix = "/admin/" if sheet.office else "/u/"
        links = [(who, pages.link(f"{prefix}{t}"), () if sheet.office else portal.actions_of(who))
                 for who, t in sheet.links]
        return admin_page(request, token, "admin_links.html", "accounts" if sheet.office else "units", links=links,
                          office=sheet.office, public_url=pages.public_url)

    @app.post("/admin/{token}/units/contact")
    async def admin_contact(request: Request, token: str) -> Response:
        me = await run_in_threadpool(_admin, portal, token)
        fields = await _small_form(request)
        await run_in_threadpool(portal.set_contact, fields.get("unit", ""), fields.get("person", ""),
                                fields.get("phone", ""), me)
        return RedirectResponse(f"/admin/{token}/units?done=contact", status_code=303)

    @app.get("/admin/{token}/accounts", response_class=HTMLResponse)
    def admin_accounts(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_accounts.html", "accounts", accounts=portal.office_accounts())

    @app.post("/admin/{token}/accounts")
    async def admin_accounts_post(request: Request, token: str) -> Response:
        me = await run_in_threadpool(_admin, portal, token)
        fields = await _small_form(request)
        what, name = fields.get("do", ""), fields.get("name", "")
        if what == "revoke":
            await run_in_threadpool(portal.revoke_office_account, name, me)
            return RedirectResponse(f"/admin/{token}/accounts?done=account-revoked", status_code=303)
        if what != "issue":
            raise NotFound("请求的操作不存在。")
        new = await run_in_threadpool(portal.new_admin_token, name, me)
        name = account_name(name)
        sheet = portal.keep_links(me, {name: new}, office=True)
        # the issuer's own link may just have changed: the sheet is shown under the new one
        own = new if name == me else token
        return RedirectResponse(f"/admin/{own}/links/{sheet.id}", status_code=303)

    @app.get("/admin/{token}/audit", response_class=HTMLResponse)
    def admin_audit(request: Request, token: str) -> Response:
        _admin(portal, token)
        return admin_page(request, token, "admin_audit.html", "audit", entries=portal.audit_log())

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
        me = await run_in_threadpool(_admin, portal, token)
        form = await _small_form(request)
        try:
            quarter = Quarter.parse(form.get("quarter", ""))
        except QuarterError as exc:
            raise PortalError(str(exc)) from None
        deadline_text = form.get("deadline", "").strip()
        try:
            deadline = dt.date.fromisoformat(deadline_text) if deadline_text else None
        except ValueError:
            raise PortalError(f"截止日期“{deadline_text}”格式不正确，应写作如 2025-10-10。") from None
        await run_in_threadpool(portal.configure, quarter, deadline, form.get("open") == "1", me)
        return RedirectResponse(f"/admin/{token}/settings?done=settings", status_code=303)


# ---------------------------------------------------------------------------------------- helpers


def _without_notice(request: Request) -> Request:
    scope = dict(request.scope)
    scope["query_string"] = b""
    return Request(scope, request.receive)


class _IssueGroups(TypedDict):
    errors: list[Issue]
    warnings: list[Issue]


def _issue_groups(issues: tuple[Issue, ...]) -> _IssueGroups:
    errors = [i for i in issues if i.severity is Severity.ERROR]
    warnings = [i for i in issues if i.severity is Severity.WARNING]
    return {"errors": errors, "warnings": warnings}


def _attachment(file_name: str, fallback: str) -> str:
    """Content-Disposition for a Chinese file name, with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class _SecurityHeaders:
    """No caching of pages that carry links, no referrer leaking the token, no framing, no foreign resources."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
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
