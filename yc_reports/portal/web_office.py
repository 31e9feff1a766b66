"""The office's daily work, under an office account's link (/admin/TOKEN): the board, uploads on a unit's behalf,
returns and choices, units' links and contacts, office accounts, the quarter's settings and dates, the
audit log. A destructive action asks first (confirm_page); the desks check roles."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from yc_reports.issues import IssueCode
from yc_reports.plan.quarter import Quarter, QuarterError

from .accounts import account_name
from .errors import NotFound, PortalError
from .service import Portal
from .views import CLERK, LEAD, Problem
from .web import (
    XLSX_TYPE,
    Pages,
    admin_page,
    attachment,
    confirm_page,
    date_of,
    download,
    issue_groups,
    office_session,
    quarter_of,
    read_upload,
    small_form,
    without_notice,
)


def add_office_routes(app: FastAPI, portal: Portal, pages: Pages) -> None:
    office, boards, jobs = portal.office, portal.boards, portal.jobs

    def board_page(request: Request, token: str, quarter: Quarter | None) -> Response:
        office_session(portal, token)
        board = boards.board(quarter, wait=pages.page_wait)
        settings = portal.ctx.settings()
        current = quarter is None or quarter == settings.quarter
        builds = jobs.builds(board.quarter, limit=5) if board.quarter else ()
        running = jobs.running()
        if request.query_params.get("done") == "building" and not running:
            request = without_notice(request)        # the job has finished: no "started" notice any more
        return admin_page(pages, request, token, "admin_board.html", "board", board=board, current=current,
                          shown_quarter=board.quarter, quarters=boards.quarters(),
                          staged=portal.stager.staged_uploads(board.quarter) if board.quarter else {},
                          builds=builds, running=running, faults=office.faults(), record_problem=portal.records.check(),
                          refresh=bool(running) or not board.fresh,
                          past_deadline=board.quarter is not None and portal.ctx.settings_of(
                              board.quarter).past_deadline(portal.clock().date()),
                          problems=boards.problems(board) if board.quarter else ())

    @app.get("/admin/{token}", response_class=HTMLResponse)
    def admin_board(request: Request, token: str) -> Response:
        return board_page(request, token, None)

    @app.get("/admin/{token}/quarters/{quarter}", response_class=HTMLResponse)
    def admin_quarter(request: Request, token: str, quarter: str) -> Response:
        office_session(portal, token)
        return board_page(request, token, quarter_of(quarter))

    @app.get("/admin/{token}/board.xlsx")
    def admin_board_xlsx(request: Request, token: str) -> Response:
        office_session(portal, token)
        quarter = request.query_params.get("quarter")
        book = office.board_workbook(quarter_of(quarter) if quarter else None)
        return download(book.data, book.file_name, "board.xlsx")

    @app.get("/admin/{token}/problems", response_class=HTMLResponse)
    def admin_problems(request: Request, token: str) -> Response:
        office_session(portal, token)
        board = boards.board(wait=pages.page_wait)
        return admin_page(pages, request, token, "admin_problems.html", "problems", problems=boards.problems(board),
                          board=board)

    # ------------------------------------------------------------------------------ uploads, returns, choices

    @app.get("/admin/{token}/upload", response_class=HTMLResponse)
    def admin_upload_form(request: Request, token: str) -> Response:
        office_session(portal, token)
        return admin_page(pages, request, token, "admin_upload_form.html", "board",
                          choices=[(a, u) for a in portal.registry.actions for u in a.lead_units])

    @app.post("/admin/{token}/upload")
    async def admin_upload_post(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        upload = await read_upload(request, f"/admin/{token}/upload")
        if isinstance(upload, Response):
            return upload
        action_text, _, unit = upload.fields.get("for", "").partition("|")
        if not action_text.isdigit() or len(action_text) > 3:
            raise NotFound("请选择代为上传的行动和单位。")
        received = date_of(upload.fields.get("received", ""), "收到日期")
        record = await run_in_threadpool(portal.submissions.submit, unit, int(action_text), upload.data, upload.name,
                                         me, received)
        return RedirectResponse(f"/admin/{token}/uploads/{record.id}", status_code=303)

    @app.get("/admin/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def admin_upload(request: Request, token: str, upload_id: int) -> Response:
        office_session(portal, token)
        record = boards.upload(upload_id)
        action = portal.registry.action(record.action_id)
        contact = office.contact_of(record.unit)
        status = boards.status_of(record)
        differences: tuple[Problem, ...] = ()
        if status.conflict and status.in_use(record):       # the cells the build found differing, on this file
            board = boards.board(record.quarter, wait=pages.page_wait)
            files = {f for f, u in portal.stager.staged_uploads(record.quarter).items() if u.id == record.id}
            differences = tuple(p for p in boards.problems(board) if p.action == action and p.issue.file in files
                                and p.issue.code is IssueCode.WORKBOOKS_DIFFER)
        return admin_page(pages, request, token, "admin_upload.html", "board", record=record, action=action,
                          status_now=status, differences=differences,
                          others=status.uploads, contact=contact,
                          **issue_groups(record.issues))

    @app.post("/admin/{token}/uploads/{upload_id}/return")
    async def admin_return(request: Request, token: str, upload_id: int) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        resubmit_by = date_of(fields.get("resubmit_by", ""), "重新报送日期")
        if fields.get("confirm") != "1":
            record = await run_in_threadpool(boards.upload, upload_id)
            if not fields.get("note", "").strip():
                raise PortalError("请填写退回意见，说明需要单位修改的内容。")
            if record.returned:
                raise PortalError("该份材料已退回，无需重复退回。")
            return confirm_page(pages, request, token, "board", title="确认退回", fields=fields,
                                action_url=f"/admin/{token}/uploads/{upload_id}/return", button="确认退回",
                                back=f"/admin/{token}/uploads/{upload_id}",
                                text=f"退回{record.unit}回执编号 {record.receipt_no} 的材料后，该份材料不再作为报送材料，"
                                     "单位的页面上显示退回意见" + (f"和重新报送日期（{resubmit_by:%Y-%m-%d}）" if resubmit_by else "")
                                     + "。退回记入操作记录，不能撤销。")
        await run_in_threadpool(office.return_upload, upload_id, fields.get("note", ""), me, resubmit_by)
        return RedirectResponse(f"/admin/{token}/uploads/{upload_id}?done=returned#notify", status_code=303)

    @app.post("/admin/{token}/uploads/{upload_id}/choose")
    async def admin_choose(request: Request, token: str, upload_id: int) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        if fields.get("confirm") != "1":
            record = await run_in_threadpool(boards.upload, upload_id)
            return confirm_page(pages, request, token, "board", title="确认采用该份材料", fields=fields,
                                action_url=f"/admin/{token}/uploads/{upload_id}/choose", button="确认采用本份",
                                back=f"/admin/{token}/uploads/{upload_id}", danger=False,
                                text=f"确定本行动采用{record.unit}回执编号 {record.receipt_no} 的材料，另一家牵头单位的材料不再采用；"
                                     "此后任一牵头单位重新上传的，按新材料重新判定。本操作记入操作记录。")
        await run_in_threadpool(office.choose, upload_id, me)
        return RedirectResponse(f"/admin/{token}/uploads/{upload_id}?done=chosen", status_code=303)

    @app.get("/admin/{token}/uploads/{upload_id}/file")
    def admin_upload_file(token: str, upload_id: int) -> Response:
        office_session(portal, token)
        stored = portal.submissions.uploaded_file(boards.upload(upload_id))
        return FileResponse(stored.path, media_type=XLSX_TYPE,
                            headers={"Content-Disposition": attachment(stored.file_name, f"upload-{upload_id}.xlsx")})

    # ------------------------------------------------------------------------------ units and links

    @app.get("/admin/{token}/units", response_class=HTMLResponse)
    def admin_units(request: Request, token: str) -> Response:
        office_session(portal, token)
        return admin_page(pages, request, token, "admin_units.html", "units", units=office.unit_access(),
                          public_url=pages.public_url)

    @app.post("/admin/{token}/units/links")
    async def admin_links(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        what, unit = fields.get("do", ""), fields.get("unit", "")
        live = portal.accounts.unit_links()
        if what in ("revoke", "issue") and unit in live and fields.get("confirm") != "1":
            text = ("停用后，该单位现有的链接即刻失效，单位将无法查看和报送，直到为其重新生成链接。"
                    if what == "revoke" else
                    "重新生成后，该单位现有的链接即刻失效，请把新链接发给该单位。")
            return confirm_page(pages, request, token, "units", title=f"确认{'停用' if what == 'revoke' else '重新生成'}{unit}的链接",
                                text=text, fields=fields, action_url=f"/admin/{token}/units/links",
                                button="确认停用" if what == "revoke" else "确认重新生成", back=f"/admin/{token}/units")
        if what == "revoke":
            revoked = await run_in_threadpool(portal.accounts.revoke_unit_token, unit, me)
            return RedirectResponse(f"/admin/{token}/units?done={'revoked' if revoked else 'norevoke'}", status_code=303)
        if what == "issue":
            issued = {unit: await run_in_threadpool(portal.accounts.issue_unit_token, unit, me)}
        elif what == "issue-missing":
            issued = await run_in_threadpool(portal.accounts.issue_missing_unit_tokens, me)
        else:
            raise NotFound("请求的操作不存在。")
        sheet = portal.accounts.keep_links(me, issued)
        return RedirectResponse(f"/admin/{token}/links/{sheet.id}", status_code=303)

    @app.get("/admin/{token}/links/{sheet_id}", response_class=HTMLResponse)
    def admin_link_sheet(request: Request, token: str, sheet_id: str) -> Response:
        me = office_session(portal, token).name
        sheet = portal.accounts.link_sheet(me, sheet_id)
        if sheet is None:
            return admin_page(pages, request, token, "admin_links.html", "units", links=None, office=False)
        prefix = "/admin/" if sheet.office else "/u/"
        links = [(who, pages.link(f"{prefix}{t}"), () if sheet.office else portal.ctx.actions_of(who))
                 for who, t in sheet.links]
        return admin_page(pages, request, token, "admin_links.html", "accounts" if sheet.office else "units",
                          links=links, office=sheet.office, public_url=pages.public_url)

    @app.post("/admin/{token}/units/contact")
    async def admin_contact(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        await run_in_threadpool(office.set_contact, fields.get("unit", ""), fields.get("person", ""),
                                fields.get("phone", ""), me)
        return RedirectResponse(f"/admin/{token}/units?done=contact", status_code=303)

    # ------------------------------------------------------------------------------ office accounts

    @app.get("/admin/{token}/accounts", response_class=HTMLResponse)
    def admin_accounts(request: Request, token: str) -> Response:
        office_session(portal, token)
        return admin_page(pages, request, token, "admin_accounts.html", "accounts",
                          accounts=sorted(portal.accounts.office_accounts().values(), key=lambda a: (a.role, a.name)))

    @app.post("/admin/{token}/accounts")
    async def admin_accounts_post(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        what, name = fields.get("do", ""), fields.get("name", "")
        existing = portal.accounts.office_accounts()
        if what == "role":
            await run_in_threadpool(portal.accounts.set_role, name, fields.get("role", ""), me)
            return RedirectResponse(f"/admin/{token}/accounts?done=role", status_code=303)
        if what == "revoke" and name == me:
            raise PortalError("不能停用自己正在使用的账号。")
        if what in ("revoke", "issue") and name in existing and fields.get("confirm") != "1":
            if what == "revoke":
                portal.accounts.require_lead(me, "停用办公室账号")
            elif name != me:
                portal.accounts.require_lead(me, "为其他工作人员重新生成链接")
            own = name == me
            text = (f"停用后，{name}的管理链接即刻失效。" if what == "revoke" else
                    ("重新生成后，您现在使用的链接即刻失效，请收藏新链接。" if own else
                     f"重新生成后，{name}现有的管理链接即刻失效，请把新链接当面交给本人。"))
            return confirm_page(pages, request, token, "accounts", title="确认" + ("停用账号" if what == "revoke" else "重新生成链接"),
                                text=text, fields=fields, action_url=f"/admin/{token}/accounts",
                                button="确认停用" if what == "revoke" else "确认重新生成", back=f"/admin/{token}/accounts")
        if what == "revoke":
            await run_in_threadpool(portal.accounts.revoke_office_account, name, me)
            return RedirectResponse(f"/admin/{token}/accounts?done=account-revoked", status_code=303)
        if what != "issue":
            raise NotFound("请求的操作不存在。")
        role = fields.get("role") if name not in existing else None
        new = await run_in_threadpool(portal.accounts.new_admin_token, name, me,
                                      role if role in (LEAD, CLERK) else (CLERK if name not in existing else None))
        name = account_name(name)
        sheet = portal.accounts.keep_links(me, {name: new}, office=True)
        # the issuer's own link may just have changed: the sheet is shown under the new one
        shown_under = new if name == me else token
        return RedirectResponse(f"/admin/{shown_under}/links/{sheet.id}", status_code=303)

    @app.get("/admin/{token}/audit", response_class=HTMLResponse)
    def admin_audit(request: Request, token: str) -> Response:
        office_session(portal, token)
        return admin_page(pages, request, token, "admin_audit.html", "audit", entries=portal.accounts.audit_log())

    @app.get("/admin/{token}/audit.xlsx")
    def admin_audit_xlsx(token: str) -> Response:
        office_session(portal, token)
        book = portal.accounts.audit_workbook()
        return download(book.data, book.file_name, "audit.xlsx")

    # ------------------------------------------------------------------------------ the quarter's settings

    @app.get("/admin/{token}/settings", response_class=HTMLResponse)
    def admin_settings(request: Request, token: str) -> Response:
        office_session(portal, token)
        settings = portal.ctx.settings()
        quarter = settings.quarter or office.suggested_quarter()
        plan = portal.registry.plan
        choices = [Quarter(y, q) for y in range(plan.start_year, plan.end_year + 1) for q in (1, 2, 3, 4)]
        shown = portal.ctx.settings_of(quarter)
        from yc_reports.analysis.checks import REPORT_WITHIN_DAYS, default_deadline, default_report_date

        try:
            (document_format, number), format_problem = office.document_format(quarter), ""
        except PortalError as exc:   # an unreadable document.toml: said on the page; the 文号 hint is left out
            (document_format, number), format_problem = ((), ""), exc.message
        return admin_page(pages, request, token, "admin_settings.html", "settings", choices=choices, quarter=quarter,
                          document_format=document_format, format_problem=format_problem,
                          deadline=shown.deadline, shown=shown, default_report_date=default_report_date(quarter),
                          default_deadline=default_deadline(quarter), default_within=REPORT_WITHIN_DAYS,
                          default_number=number)

    @app.post("/admin/{token}/settings")
    async def admin_save_settings(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        form = await small_form(request)
        try:
            quarter = Quarter.parse(form.get("quarter", ""))
        except QuarterError as exc:
            raise PortalError(str(exc)) from None
        deadline = date_of(form.get("deadline", ""), "截止日期")
        opening = form.get("open") == "1"
        before = portal.ctx.settings()
        closing = before.is_open and (not opening or quarter != before.quarter)
        if closing and form.get("confirm") != "1":
            portal.accounts.require_lead(me, "修改季度设置")
            what = "关闭" if quarter == before.quarter else f"结束{before.quarter.label if before.quarter else ''}"
            return confirm_page(pages, request, token, "settings", title=f"确认{what}报送", fields=form,
                                action_url=f"/admin/{token}/settings", button=f"确认{what}报送", back=f"/admin/{token}/settings",
                                text=f"{what}报送后，各单位不能再上传{before.quarter.label if before.quarter else ''}材料（办公室仍可代传）；"
                                     "各单位的链接仍可查看本单位的记录、回执和文件。重新开放后链接即恢复报送。")
        await run_in_threadpool(office.configure, quarter, deadline, opening, me)
        if opening:
            portal.templates.warm(quarter)
        return RedirectResponse(f"/admin/{token}/settings?done=settings", status_code=303)

    @app.post("/admin/{token}/settings/document")
    async def admin_save_document(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        form = await small_form(request)
        quarter = quarter_of(form.get("quarter", ""))
        report_date = date_of(form.get("report_date", ""), "印发日期")
        await run_in_threadpool(office.set_document_dates, quarter, report_date, form.get("doc_number", ""), me)
        return RedirectResponse(f"/admin/{token}/settings?done=dates", status_code=303)

    @app.post("/admin/{token}/settings/format")
    async def admin_save_format(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        form = await small_form(request)
        await run_in_threadpool(office.set_document_format, dict(form), me)
        return RedirectResponse(f"/admin/{token}/settings?done=format#format", status_code=303)
