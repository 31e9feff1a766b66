"""The units' pages, under their link (/u/TOKEN): the quarter's actions, templates, uploads and their checks,
withdrawing an upload, their files back, and the token-free receipt page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from .accounts import UnitSession
from .errors import NotFound, SubmissionsClosed
from .service import Portal
from .web import XLSX_TYPE, Pages, attachment, download, issue_groups, read_upload, small_form, unit_session


def add_unit_routes(app: FastAPI, portal: Portal, pages: Pages) -> None:
    desk = portal.submissions

    @app.get("/u/{token}", response_class=HTMLResponse)
    def unit_home(request: Request, token: str) -> Response:
        session = unit_session(portal, token)
        home = desk.unit_home(session.unit, session, wait=pages.unit_wait)
        return pages.render(request, "unit_home.html", home=home, settings=home.settings, base=f"/u/{token}",
                            notice={"withdrawn": "已撤回。该份材料不再作为报送材料。"}.get(request.query_params.get("done", ""), ""))

    @app.get("/u/{token}/actions/{action_id}/template")
    def unit_template(token: str, action_id: int) -> Response:
        session = unit_session(portal, token)
        template = desk.template_for(session.unit, action_id, session.quarter)
        return download(template.data, template.file_name, f"template-{action_id}.xlsx")

    @app.post("/u/{token}/actions/{action_id}/upload")
    async def unit_upload(request: Request, token: str, action_id: int) -> Response:
        session = await run_in_threadpool(unit_session, portal, token)
        upload = await read_upload(request, f"/u/{token}")
        if isinstance(upload, Response):
            return upload
        if not session.can_submit:
            raise SubmissionsClosed(closed_message(portal, session))
        record = await run_in_threadpool(desk.submit, session.unit, action_id, upload.data, upload.name)
        return RedirectResponse(f"/u/{token}/uploads/{record.id}", status_code=303)

    @app.get("/u/{token}/uploads/{upload_id}", response_class=HTMLResponse)
    def unit_upload_page(request: Request, token: str, upload_id: int) -> Response:
        session = unit_session(portal, token)
        record = desk.unit_upload(session.unit, upload_id)
        action = portal.registry.action(record.action_id)
        return pages.render(request, "unit_upload.html", unit=session.unit, record=record, action=action,
                            status_now=portal.boards.status_of(record), base=f"/u/{token}",
                            can_submit=session.can_submit, **issue_groups(record.issues))

    @app.get("/u/{token}/uploads/{upload_id}/file")
    def unit_upload_file(token: str, upload_id: int) -> Response:
        session = unit_session(portal, token)
        stored = desk.own_file(session.unit, upload_id)
        return FileResponse(stored.path, media_type=XLSX_TYPE,
                            headers={"Content-Disposition": attachment(stored.file_name, f"upload-{upload_id}.xlsx")})

    @app.post("/u/{token}/uploads/{upload_id}/withdraw")
    async def unit_withdraw(request: Request, token: str, upload_id: int) -> Response:
        session = await run_in_threadpool(unit_session, portal, token)
        fields = await small_form(request)
        record = await run_in_threadpool(desk.unit_upload, session.unit, upload_id)
        if record.unit != session.unit:
            raise NotFound("只能撤回本单位上传的材料。")
        if fields.get("confirm") != "1":
            action = portal.registry.action(record.action_id)
            return pages.render(request, "confirm.html", base=f"/u/{token}", unit_page=True,
                                title="确认撤回报送材料", action_url=f"/u/{token}/uploads/{upload_id}/withdraw",
                                fields={}, button="确认撤回", back=f"/u/{token}#action-{action.id}",
                                text=f"撤回后，回执编号 {record.receipt_no} 的材料（{record.file_name}）不再作为第{action.cn_number}项"
                                     "“" + action.name + "”的报送材料；本行动改以其他牵头单位或本单位此前的报送为准，如无则为未报送。"
                                     "撤回记入操作记录，不能恢复；如需再报送，请重新上传。")
        await run_in_threadpool(desk.withdraw, session.unit, upload_id)
        return RedirectResponse(f"/u/{token}?done=withdrawn#action-{record.action_id}", status_code=303)

    @app.get("/receipts/{key}", response_class=HTMLResponse)
    def receipt(request: Request, key: str) -> Response:
        """The printable receipt at an address without the unit's link in it: printing it, or the address
        the browser prints in its header, never hands out the right to submit."""
        record = desk.receipt(key)
        action = portal.registry.action(record.action_id)
        return pages.render(request, "receipt.html", record=record, action=action,
                            status_now=portal.boards.status_of(record))


def closed_message(portal: Portal, session: UnitSession) -> str:
    """Why a read-only link takes no upload, and what to do."""
    current = portal.ctx.settings().quarter
    if session.quarter is not None and session.quarter != current:
        later = f"如需报送{current.label}，请使用指挥部办公室发给本单位的新链接。" if current else ""
        return f"本链接为{session.quarter.label}的报送链接，该季度报送已结束，本链接只能查看记录、回执和本单位的文件。{later}"
    return "本季度报送已关闭，暂不能上传。本链接仍可查看记录、回执和本单位的文件；如需补报或更正，请联系指挥部办公室。"
