"""What every route shares: rendering pages, the errors' pages, who is asking (a unit's link, an office
account's link and its role), reading small forms, confirmation pages, and download headers.

No rule lives here: each route finds the user from the link's token, calls a desk of the `Portal`, and
renders a template. Pages are plain HTML forms that work without JavaScript (the pages' policy forbids
scripts) in the older Chromium-based browsers government PCs run; a destructive action asks first, on a
page of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from yc_reports.errorlog import internal_error_text
from yc_reports.issues import Issue, Severity
from yc_reports.plan.quarter import Quarter, QuarterError

from .accounts import OfficeSession, UnitSession
from .errors import BuildBusy, NotAllowed, NotFound, PortalError, RefusalKind, SubmissionsClosed, UploadRefused
from .service import Portal
from .texts import choice_label, day, format_size, when
from .views import ActionState

HERE = Path(__file__).parent
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD_LINK = "链接无效或已失效。请核对链接是否完整；如链接已停用，请联系指挥部办公室获取新的链接。"
EXPIRED_LINK = ("本管理链接已过期（管理链接有效期为 30 天，过期自动失效）。请联系负责人在“办公室账号”中为您重新生成；"
                "负责人的链接过期时，请在报送系统所在电脑上运行 yc-reports serve --new-admin-link。")


class Pages:
    """Templates and the few display helpers they need."""

    def __init__(self, portal: Portal, public_url: str | None = None, *, page_wait: float = 0.5,
                 unit_wait: float = 0.0) -> None:
        self.portal = portal
        self.public_url = (public_url or "").rstrip("/")
        self.page_wait = page_wait      # how long the office's pages wait for a fresh reading of the quarter
        self.unit_wait = unit_wait      # how long a unit's page waits for it (never, by default: others' files
        #                                 must not slow a unit's page)
        self.templates = Jinja2Templates(directory=HERE / "templates")
        env = self.templates.env
        env.filters["when"] = when
        env.filters["day"] = day
        env.filters["size"] = format_size
        env.filters["where"] = where
        env.filters["choice"] = choice_label
        env.globals["ActionState"] = ActionState
        env.globals["timedelta"] = dt.timedelta

    def link(self, path: str) -> str:
        """An address to send to someone: the configured public address, never the request's Host."""
        return f"{self.public_url}{path}"

    def render(self, request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
        now = self.portal.clock()
        context.setdefault("today", now.date())
        context.setdefault("now", now)
        context["status"] = status
        context["plan"] = self.portal.registry.plan
        context["plan_action"] = self.portal.registry.action
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def message(self, request: Request, title: str, text: str, status: int, back: str | None = None,
                back_label: str = "返回") -> HTMLResponse:
        return self.render(request, "message.html", status=status, title=title, text=text, back=back,
                           back_label=back_label)


def where(issue: Issue) -> str:
    """The place of an issue in the unit's words: 「指标进展」工作表 H7 单元格."""
    if issue.sheet and issue.cell:
        return f"「{issue.sheet}」工作表 {issue.cell} 单元格"
    if issue.sheet:
        return f"「{issue.sheet}」工作表"
    return "整个文件" if issue.file else "—"


# ---------------------------------------------------------------------------------------- errors


def add_error_handlers(app: FastAPI, pages: Pages) -> None:
    def back_for(request: Request) -> str | None:
        parts = request.url.path.split("/")
        if len(parts) > 2 and parts[1] in ("u", "admin") and request.method == "POST":
            return "/".join(parts[:3])
        return None

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return pages.message(request, "未找到", exc.message, status=404)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        return pages.message(request, "无权办理", exc.message, status=403, back=back_for(request))

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

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """Never a traceback or an English 500: the page says what to do; the fault goes to 操作记录."""
        pages.portal.ctx.fault("系统内部错误", f"{request.method} {_shown_path(request)}："
                                             + internal_error_text("处理该请求", exc, "未作任何改动"))
        return pages.message(request, "系统暂时无法完成该操作",
                             "系统处理本次请求时出错，未作任何改动。请稍后重试；如仍不成功，请联系指挥部办公室。",
                             status=500, back=back_for(request))


def _shown_path(request: Request) -> str:
    """The path without the link's token (it must not reach the audit log)."""
    parts = request.url.path.split("/")
    if len(parts) > 2 and parts[1] in ("u", "admin"):
        parts[2] = "…"
    return "/".join(parts)


# ---------------------------------------------------------------------------------------- who is asking


def unit_session(portal: Portal, token: str) -> UnitSession:
    session = portal.accounts.unit_session(token)
    if session is None:
        raise NotFound(BAD_LINK)
    return session


def office_session(portal: Portal, token: str) -> OfficeSession:
    """The office staff member the link belongs to (and their role)."""
    session = portal.accounts.office_session(token)
    if session is None:
        raise NotFound(EXPIRED_LINK if portal.accounts.office_link_expired(token) else BAD_LINK)
    return session


def quarter_of(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except QuarterError:
        raise NotFound("没有找到该季度。") from None


def date_of(text: str, what: str) -> dt.date | None:
    """A date from a form field (empty: None), or a Chinese message saying how to write it."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PortalError(f"{what}“{text[:20]}”格式不正确，应写作如 2025-10-10。") from None


# ---------------------------------------------------------------------------------------- forms


async def small_form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=16, max_part_size=16 * 1024)
    return {k: v for k, v in form.items() if isinstance(v, str)}


@dataclass(frozen=True)
class Upload:
    """An upload form: its small fields and its one file."""

    fields: dict[str, str]
    data: bytes
    name: str


async def read_upload(request: Request, back: str) -> Upload | Response:
    """The upload form's small fields and its one file; or the page to answer with when it is unusable."""
    pages: Pages = request.app.state.pages
    try:
        form = await request.form(max_files=1, max_fields=8, max_part_size=64 * 1024)
    except MultiPartException:
        return pages.message(request, "上传未成功", "上传的内容不完整，请重新选择文件上传。", status=400, back=back)
    try:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return pages.message(request, "上传未成功", "请先点击“选择文件”，选好填写完成的工作簿后再上传。", status=400,
                                 back=back, back_label="返回重新上传")
        return Upload(fields, await upload.read(), upload.filename)
    finally:
        await form.close()


SHOWN_ISSUES = 200   # a page lists at most this many of one upload's issues (a pasted table can make 20,000)


class IssueGroups(TypedDict):
    errors: list[Issue]
    warnings: list[Issue]
    unlisted: int


def issue_groups(issues: tuple[Issue, ...]) -> IssueGroups:
    """The issues a page lists, errors first, and how many it leaves out."""
    errors = [i for i in issues if i.severity is Severity.ERROR]
    warnings = [i for i in issues if i.severity is Severity.WARNING]
    shown_errors = errors[:SHOWN_ISSUES]
    shown_warnings = warnings[:max(0, SHOWN_ISSUES - len(shown_errors))]
    return {"errors": shown_errors, "warnings": shown_warnings,
            "unlisted": len(issues) - len(shown_errors) - len(shown_warnings)}


def attachment(file_name: str, fallback: str) -> str:
    """Content-Disposition for a Chinese file name, with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def download(data: bytes, file_name: str, fallback: str, media_type: str = XLSX_TYPE) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": attachment(file_name, fallback)})


def without_notice(request: Request) -> Request:
    scope = dict(request.scope)
    scope["query_string"] = b""
    return Request(scope, request.receive)


# ---------------------------------------------------------------------------------------- office pages

NOTICES = {
    "settings": "季度设置已保存。",
    "dates": "印发日期和文号已保存，生成通报时采用。",
    "format": "公文格式设置已保存，此后生成的文件采用；已签发的季度仍以签发时的文件为准。",
    "contact": "联系人已保存。",
    "revoked": "该单位的链接已停用，原链接即刻失效。",
    "norevoke": "该单位当前没有可停用的链接。",
    "returned": "已退回。该单位的页面上显示退回意见和重新报送日期；请将下方通知文字发送给该单位。",
    "chosen": "已确定本行动采用的材料，汇总按此进行。",
    "building": "已开始，完成后本页显示结果（本页每 5 秒自动刷新）。",
    "account-revoked": "该办公室账号已停用。",
    "role": "角色已调整。",
    "closed": "已销号，自下一个签发的季度起生效。",
    "imported": "计划配置已导入，系统即刻按新的计划配置运行。",
}


def admin_page(pages: Pages, request: Request, token: str, name: str, tab: str, status: int = 200,
               **context: object) -> HTMLResponse:
    session = office_session(pages.portal, token)
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return pages.render(request, name, status, base=f"/admin/{token}", tab=tab, settings=pages.portal.ctx.settings(),
                        notice=notice, me=session.name, session=session, lead=session.is_lead, **context)


def confirm_page(pages: Pages, request: Request, token: str, tab: str, *, title: str, text: str, action_url: str,
                 fields: dict[str, str], button: str, back: str, danger: bool = True) -> HTMLResponse:
    """Ask before a destructive action: the same form again, with confirm=1, or back."""
    return admin_page(pages, request, token, "confirm.html", tab, title=title, text=text, action_url=action_url,
                      fields={k: v for k, v in fields.items() if k != "confirm"}, button=button, back=back,
                      danger=danger)
