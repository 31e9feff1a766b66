"""The office's cycle in the browser, under an office account's link: builds and their files, 签发 and 更正,
催报 and the 催报督办 notices, the lights of every quarter, the 督办台账 and 销号, 年度考核 and 终期评估, the
office's record for the archive, and the plan workbook. The work is the library's (jobs.py, records.py,
plans.py); these routes only translate."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from yc_reports.analysis.checks import default_report_date
from yc_reports.analysis.model import Light

from .charts import lights_chart
from .errors import NotFound, PortalError
from .jobs import ASSESS, EVALUATE, NOTICES
from .service import Portal
from .texts import day
from .web import (
    Pages,
    admin_page,
    attachment,
    confirm_page,
    download,
    office_session,
    quarter_of,
    read_upload,
    small_form,
    without_notice,
)


def add_cycle_routes(app: FastAPI, portal: Portal, pages: Pages) -> None:
    jobs, records, plans = portal.jobs, portal.records, portal.plans

    def started(token: str, where: str) -> Response:
        return RedirectResponse(f"/admin/{token}{where}{'&' if '?' in where else '?'}done=building", status_code=303)

    # ------------------------------------------------------------------------------ builds and 签发

    @app.post("/admin/{token}/build")
    async def admin_build(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        quarter = quarter_of(fields["quarter"]) if fields.get("quarter") else None
        build_id = await run_in_threadpool(jobs.start_build, quarter, me, fields.get("draft") == "1")
        return RedirectResponse(f"/admin/{token}{f'/quarters/{quarter}' if quarter else ''}?done=building&built={build_id}#build",
                                status_code=303)

    @app.post("/admin/{token}/issue")
    async def admin_issue(request: Request, token: str) -> Response:
        session = await run_in_threadpool(office_session, portal, token)
        fields = await small_form(request)
        quarter = quarter_of(fields.get("quarter", ""))
        reason = fields.get("reason", "").strip()
        portal.accounts.require_lead(session.name, "签发和更正")
        if fields.get("confirm") != "1":
            shown = portal.ctx.settings_of(quarter)
            if shown.issued is not None and not reason:
                raise PortalError(f"{quarter.label}已签发。如需更正，请写明更正原因。")
            date = shown.report_date or default_report_date(quarter)
            what = f"更正（第{shown.issued.version + 1}版）" if shown.issued else "签发"
            return confirm_page(
                pages, request, token, "board", title=f"确认{what}{quarter.label}", fields=fields, danger=False,
                action_url=f"/admin/{token}/issue", button=f"确认{what}", back=f"/admin/{token}#build",
                text=f"将按报送文件夹中的材料（即报送情况页“汇总时如何处理”所列）生成{quarter.label}通报和各行动报告，"
                     f"印发日期 {day(date)}{'' if shown.report_date else '（默认）'}，文号 {shown.doc_number or '按公文格式设置生成'}，"
                     "并记入办公室记录：督办事项编号、整改时限、亮灯结论从此不再变动，之后的汇总按签发版本生成。"
                     + (f"更正原因：{reason}。原签发版本保留在记录中。" if reason else "签发后如需改动，只能以更正方式重新签发，并写明原因。"))
        job_id = await run_in_threadpool(jobs.start_issue, quarter, session.name, reason)
        return RedirectResponse(f"/admin/{token}/quarters/{quarter}?done=building&built={job_id}#build", status_code=303)

    @app.get("/admin/{token}/builds/{build_id}/files/{index}")
    def admin_build_file(token: str, build_id: int, index: int) -> Response:
        office_session(portal, token)
        stored = jobs.build_file(build_id, index)
        return FileResponse(stored.path, headers={"Content-Disposition": attachment(stored.file_name,
                                                                                    f"build-{build_id}-{index}")})

    @app.get("/admin/{token}/builds/{build_id}/archive")
    def admin_build_archive(token: str, build_id: int) -> Response:
        office_session(portal, token)
        archive = jobs.build_archive(build_id)
        return download(archive.data, archive.file_name, f"build-{build_id}.zip", "application/zip")

    # ------------------------------------------------------------------------------ 催报 and notices

    @app.get("/admin/{token}/reminders", response_class=HTMLResponse)
    def admin_reminders(request: Request, token: str) -> Response:
        office_session(portal, token)
        settings = portal.ctx.settings()
        notices = jobs.jobs(NOTICES, quarter=settings.quarter, limit=5) if settings.quarter else ()
        running = jobs.running()
        if request.query_params.get("done") == "building" and not running:
            request = without_notice(request)
        latest = next((j for j in notices if not j.running), None)
        contacts = portal.office.unit_contacts()
        return admin_page(pages, request, token, "admin_reminders.html", "reminders",
                          reminders=portal.office.reminders(wait=pages.page_wait) if settings.quarter else (),
                          notices=latest, running=running, refresh=bool(running), contacts=contacts)

    @app.post("/admin/{token}/notices")
    async def admin_notices(token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        await run_in_threadpool(jobs.start_notices, portal.ctx.current_quarter(), me)
        return started(token, "/reminders#notices")

    # ------------------------------------------------------------------------------ lights, ledger, record

    @app.get("/admin/{token}/lights", response_class=HTMLResponse)
    def admin_lights(request: Request, token: str) -> Response:
        office_session(portal, token)
        quarters = records.lights(wait=0)
        return admin_page(pages, request, token, "admin_lights.html", "lights", quarters=quarters,
                          chart=lights_chart(quarters), Light=Light, actions=portal.registry.actions)

    @app.get("/admin/{token}/ledger", response_class=HTMLResponse)
    def admin_ledger(request: Request, token: str) -> Response:
        office_session(portal, token)
        items = records.ledger()
        show = request.query_params.get("show", "all")
        kept = {"open": [i for i in items if i.open], "overdue": [i for i in items if i.open and i.state.value == "overdue"],
                "closed": [i for i in items if not i.open]}
        return admin_page(pages, request, token, "admin_ledger.html", "ledger", all_items=items,
                          items=kept.get(show, items), show=show if show in kept else "all", counts={k: len(v) for k, v in kept.items()},
                          issuances=records.issuances(), closing=records.closing_quarter(),
                          record_problem=records.check())

    @app.post("/admin/{token}/ledger/close")
    async def admin_close_item(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        item_id = fields.get("item", "")
        if fields.get("confirm") != "1":
            portal.accounts.require_lead(me, "督办事项销号")
            if not fields.get("reason", "").strip():
                raise PortalError("请写明销号理由，如“经现场核实已整改到位”。")
            quarter = records.closing_quarter()
            return confirm_page(pages, request, token, "ledger", title=f"确认对督办事项 {item_id} 销号", fields=fields,
                                action_url=f"/admin/{token}/ledger/close", button="确认销号", back=f"/admin/{token}/ledger",
                                text=f"销号理由：{fields.get('reason', '').strip()}。销号记入办公室记录，"
                                     f"自{quarter.label if quarter else '下一季度'}起该事项为“已销号”，不能撤销。")
        await run_in_threadpool(records.close_item, item_id, fields.get("reason", ""), me)
        return RedirectResponse(f"/admin/{token}/ledger?done=closed", status_code=303)

    @app.get("/admin/{token}/record.xlsx")
    def admin_record_xlsx(token: str) -> Response:
        office_session(portal, token)
        book = records.export()
        return download(book.data, book.file_name, "record.xlsx")

    # ------------------------------------------------------------------------------ 考核 and 评估

    @app.get("/admin/{token}/assessment", response_class=HTMLResponse)
    def admin_assessment(request: Request, token: str) -> Response:
        office_session(portal, token)
        running = jobs.running()
        if request.query_params.get("done") == "building" and not running:
            request = without_notice(request)
        plan = portal.registry.plan
        return admin_page(pages, request, token, "admin_assessment.html", "assessment",
                          years=list(range(plan.start_year, plan.end_year + 1)), done_jobs=jobs.jobs(ASSESS, EVALUATE),
                          running=running, refresh=bool(running))

    @app.post("/admin/{token}/assessment")
    async def admin_assess(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        if fields.get("what") == "evaluate":
            await run_in_threadpool(jobs.start_evaluation, me)
        else:
            year = fields.get("year", "")
            if not year.isdigit() or len(year) != 4:
                raise NotFound("请选择考核年度。")
            await run_in_threadpool(jobs.start_assessment, int(year), me)
        return started(token, "/assessment")

    # ------------------------------------------------------------------------------ the plan

    @app.get("/admin/{token}/plan", response_class=HTMLResponse)
    def admin_plan(request: Request, token: str) -> Response:
        office_session(portal, token)
        plan = portal.registry.plan
        return admin_page(pages, request, token, "admin_plan.html", "plan", check=None, next_start=plan.end_year + 1,
                          next_end=plan.end_year + 5)

    @app.get("/admin/{token}/plan.xlsx")
    def admin_plan_xlsx(token: str) -> Response:
        office_session(portal, token)
        book = plans.workbook()
        return download(book.data, book.file_name, "plan.xlsx")

    @app.get("/admin/{token}/plan/next.xlsx")
    def admin_plan_next(request: Request, token: str) -> Response:
        office_session(portal, token)
        start, end = request.query_params.get("start", ""), request.query_params.get("end", "")
        if not (start.isdigit() and end.isdigit() and len(start) == len(end) == 4):
            raise PortalError("请填写新一期方案的开始和结束年份，如 2026 和 2030。")
        book = plans.next_period(int(start), int(end))
        return download(book.data, book.file_name, "plan-next.xlsx")

    @app.post("/admin/{token}/plan")
    async def admin_plan_upload(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        upload = await read_upload(request, f"/admin/{token}/plan")
        if isinstance(upload, Response):
            return upload
        checked = await run_in_threadpool(plans.check, upload.data, upload.name, me)
        return RedirectResponse(f"/admin/{token}/plan/checks/{checked.key}", status_code=303)

    @app.get("/admin/{token}/plan/checks/{key}", response_class=HTMLResponse)
    def admin_plan_check(request: Request, token: str, key: str) -> Response:
        office_session(portal, token)
        plan = portal.registry.plan
        return admin_page(pages, request, token, "admin_plan.html", "plan", check=plans.checked(key),
                          next_start=plan.end_year + 1, next_end=plan.end_year + 5)

    @app.post("/admin/{token}/plan/import")
    async def admin_plan_import(request: Request, token: str) -> Response:
        me = (await run_in_threadpool(office_session, portal, token)).name
        fields = await small_form(request)
        key = fields.get("key", "")
        if fields.get("confirm") != "1":
            portal.accounts.require_lead(me, "导入计划配置")
            checked = await run_in_threadpool(plans.checked, key)
            return confirm_page(pages, request, token, "plan", title="确认导入计划配置", fields=fields,
                                action_url=f"/admin/{token}/plan/import", button="确认导入", back=f"/admin/{token}/plan/checks/{key}",
                                text=f"导入后，系统按《{checked.name}》（{checked.start_year}—{checked.end_year}年）运行：填报模板、"
                                     "校验和尚未签发季度的汇总都采用新的计划配置；已签发的季度不受影响。原计划配置文件另存备份。")
        await run_in_threadpool(plans.import_plan, key, me)
        return RedirectResponse(f"/admin/{token}/plan?done=imported", status_code=303)
