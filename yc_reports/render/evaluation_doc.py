"""终期评估 documents: the report (.docx, the office's official layout) and the workbook.

Words from templates/evaluation.j2; charts from render/evaluation_charts.py (lights grid) and the
report charts' trend_chart (one per indicator with two figures or more).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from yc_reports import numfmt
from yc_reports.analysis.evaluation import Evaluation, Outcome, TaskOutcome
from yc_reports.analysis.model import IndicatorResult, Light
from yc_reports.filenames import safe_file_name
from yc_reports.plan.registry import PlanInfo
from yc_reports.render import charts
from yc_reports.render.docx.document import OfficialDocument
from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.docx.xml import Shade
from yc_reports.render.evaluation_charts import lights_grid_chart
from yc_reports.render.reports import Table, lay_out, light_shade, table_headers
from yc_reports.render.wording import Wording

OUTCOME_LIGHTS = {Outcome.MET: Light.GREEN, Outcome.NOT_MET: Light.RED}   # the lights' print-safe fills


def folder_name(plan: PlanInfo) -> str:
    return safe_file_name(f"终期评估_{plan.start_year}-{plan.end_year}")


def report_file_name(plan: PlanInfo) -> str:
    return safe_file_name(f"{plan.city}{plan.short_name}{plan.start_year}—{plan.end_year}年终期评估报告.docx")


def workbook_file_name(plan: PlanInfo) -> str:
    return safe_file_name(f"{plan.short_name}{plan.start_year}—{plan.end_year}年终期评估表.xlsx")


def default_date(ev: Evaluation) -> dt.date:
    """The report's date when none is given: the last day of the month after the last quarter read."""
    last = ev.read[-1].end_date
    return dt.date(last.year + 1, 1, 31) if last.month == 12 else dt.date(last.year, last.month + 1, 28)


def _figure(value: Decimal | None, decimals: int) -> str:
    return numfmt.fmt_number(value, decimals) if value is not None else "—"


def targets_table(ev: Evaluation, wording: Wording) -> Table:
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    shown = [t for t in ev.targets if t.outcome is not Outcome.NOT_SET]
    for i, t in enumerate(shown):
        ind = t.indicator
        rows.append((f"第{t.action.cn_number}项", f"{ind.name}（{ind.unit}）" if ind.unit else ind.name, str(t.year),
                     ("≤" if ind.direction.value == "ceiling" else "") + _figure(t.target, ind.decimals),
                     _figure(t.figure, ind.decimals), numfmt.fmt_percent(t.completion), t.outcome.label))
        if t.outcome in OUTCOME_LIGHTS:
            fills[(i, 6)] = light_shade(OUTCOME_LIGHTS[t.outcome])
    return Table(table_headers(wording, "evaluation_targets", 7), tuple(rows),
                 (19, 50, 14, 19, 19, 17, 18), ("center", "left", "center", "right", "right", "right", "center"),
                 fills, keep_together=False)


def tasks_table(ev: Evaluation, wording: Wording) -> Table:
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    for i, t in enumerate(ev.tasks):
        rows.append((f"第{t.action.cn_number}项", t.content, numfmt.cn_date(t.deadline),
                     t.done_in.label if t.done_in else "—", t.outcome.label))
        if t.outcome in (TaskOutcome.UNFINISHED, TaskOutcome.LATE):
            fills[(i, 4)] = light_shade(Light.RED)
    return Table(table_headers(wording, "evaluation_tasks", 5), tuple(rows), (19, 62, 27, 24, 24),
                 ("center", "left", "center", "center", "center"), fills, keep_together=False)


def trend_indicators(ev: Evaluation) -> list[IndicatorResult]:
    return [r for a in ev.final.actions for r in a.indicators if sum(1 for _, v in r.trend if v is not None) >= 2]


def compose_evaluation(ev: Evaluation, settings: DocumentSettings, wording: Wording, date: dt.date) -> OfficialDocument:
    plan = ev.registry.plan
    trends = trend_indicators(ev)
    due = [t for t in ev.targets if t.outcome in (Outcome.MET, Outcome.NOT_MET, Outcome.NO_DATA)]
    blocks = wording.outline("evaluation.j2", ev=ev, plan=plan, O=Outcome, T=TaskOutcome, due=due,
                             trends=len(trends), complete=ev.read[-1] == ev.registry.last_quarter)
    settings = settings.resolved(plan)
    doc = OfficialDocument(settings, stamp=date)
    figures = {"亮灯矩阵": lambda: [lights_grid_chart(ev, wording=wording)],
               "指标走势": lambda: [charts.trend_chart(r, wording=wording) for r in trends]}
    lay_out(doc, blocks, figures, {"目标完成": lambda: targets_table(ev, wording),
                                   "重点任务": lambda: tasks_table(ev, wording)})
    doc.signature(plan.office, date)
    doc.colophon(cc=settings.cc, printer=settings.colophon.printer, print_date=date)
    return doc


def write_evaluation_workbook(ev: Evaluation, wording: Wording, path: Path) -> Path:
    """目标完成, 亮灯, 重点任务, 季度数值 (every indicator's figure in every quarter read)."""
    from openpyxl import Workbook

    from yc_reports.render.summary_xlsx import Col, table_sheet
    from yc_reports.workbook.xlsx_io import save_workbook

    def col(key: str, number_format: str | None = None, *, center: bool = False, wrap: bool = False) -> Col:
        return Col(wording.label("column", key=key), number_format, center=center, wrap=wrap)

    plan = ev.registry.plan
    title = wording.label("evaluation_workbook_title", plan=plan)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    ws = wb.create_sheet(wording.label("sheet", key="targets"))
    table_sheet(ws, [col("action_id", center=True), col("indicator", wrap=True), col("unit", center=True),
                     col("target_year", center=True), col("target"), col("figure"), col("figure_quarter", center=True),
                     col("completion", "0.0%"), col("outcome", center=True)],
                [[t.action.id, t.indicator.name, t.indicator.unit, t.year, _num(t.target), _num(t.figure),
                  t.figure_quarter.label if t.figure_quarter else "", _ratio(t.completion), t.outcome.label]
                 for t in ev.targets], title, wording)
    lights = wb.create_sheet(wording.label("sheet", key="lights"))
    table_sheet(lights, [col("action_id", center=True), col("action")] + [Col(q.label, center=True) for q in ev.quarters],
                [[a.id, a.name, *(light.label if light else "—" for light in row)] for a, row in ev.lights], title,
                wording)
    tasks = wb.create_sheet(wording.label("sheet", key="tasks"))
    table_sheet(tasks, [col("action_id", center=True), col("task", wrap=True), col("task_deadline", "yyyy-mm-dd"),
                        col("done_in", center=True), col("outcome", center=True)],
                [[t.action.id, t.content, t.deadline, t.done_in.label if t.done_in else "", t.outcome.label]
                 for t in ev.tasks], title, wording)
    series = wb.create_sheet(wording.label("sheet", key="series"))
    results = [r for a in ev.final.actions for r in a.indicators]
    table_sheet(series, [col("indicator", wrap=True), col("unit", center=True)] + [Col(q.label) for q in ev.read],
                [[r.name, r.unit, *(_num(dict(r.trend).get(q)) for q in ev.read)] for r in results], title, wording)
    save_workbook(wb, Path(path))
    return Path(path)


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _ratio(value: Fraction | None) -> float | None:
    return None if value is None else float(numfmt.to_decimal(value, 4))
