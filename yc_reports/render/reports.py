"""Word reports: one per action and the summary 通报, composed from the report model.

The wording and the order of sections come from the jinja2 templates (templates/summary.j2,
templates/action.j2); this module fills their chart and table placeholders and lays the blocks out
with the official-document builder (officedoc). It never computes a status: the model carries them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from yc_reports import numfmt
from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import ActionResult, IndicatorResult, Light, QuarterReport, Status
from yc_reports.analysis.overview import Overview, TaskState, overview, task_state
from yc_reports.analysis.projection import Finish
from yc_reports.analysis.projection import finish as finish_facts
from yc_reports.analysis.supervision import RECTIFY_DAYS  # 整改反馈时限: days after the report date
from yc_reports.filenames import safe_file_name
from yc_reports.issues import Severity
from yc_reports.plan.registry import Kind
from yc_reports.render import charts
from yc_reports.render.docx.document import OfficialDocument
from yc_reports.render.docx.gbt9704 import front_lines, text_lines, title_lines
from yc_reports.render.docx.settings import DocumentSettings, resolve_document_settings
from yc_reports.render.docx.xml import Align, Shade, mm_to_twips
from yc_reports.render.palette import PATTERN_INK, light_style
from yc_reports.render.wording import Block, Wording, WordingError, default_template_dir
from yc_reports.textwidth import text_width_em

ACTION_REPORTS_DIR = "各行动报告"
TABLE_FONT_PT = 12        # 小四
WIDE_TABLE_FONT_PT = 10.5  # 五号, for tables of six columns or more
T = TypeVar("T")

# Runs `function(*job)` for each job and returns the results in job order, given each job's weight (about how long
# it takes). The build passes pipeline.parallel.run_jobs, which shares the jobs with a helper process.
JobRunner = Callable[[Callable[..., Any], Sequence[tuple[Any, ...]], Sequence[float]], list[Any]]


def run_in_order(function: Callable[..., Any], jobs: Sequence[tuple[Any, ...]],
                 weights: Sequence[float]) -> list[Any]:
    """The plain JobRunner: every job here, one after another."""
    return [function(*job) for job in jobs]


@dataclass(frozen=True)
class ReportFiles:
    summary_report: Path | None
    action_reports: tuple[Path, ...] = ()
    extra: tuple[Path, ...] = field(default=())   # PDFs


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...]
    align: tuple[Align, ...]                     # per column: "left" | "center" | "right"
    fills: dict[tuple[int, int], Shade] = field(default_factory=dict)  # (row, col) -> cell shading
    font_pt: float | None = None                 # None: 小四, or 五号 for six columns or more
    keep_together: bool = True                   # never split over two pages when it fits on one
    names: tuple[int, ...] = ()                  # columns of unit names (“市水利和湖泊局”): never broken inside
    title: str | None = None                     # a caption above the table (“表1  重点任务推进情况”)


def light_shade(light: Light) -> Shade:
    """A table cell in a light's print-safe fill (grey: a dot pattern on white, see palette.py)."""
    style = light_style(light)
    return Shade(style.fill, style.cell_pattern, PATTERN_INK if style.cell_pattern != "clear" else "auto")


def summary_file_name(report: QuarterReport, kind: str = "通报") -> str:
    """…推进情况通报.docx, or …推进情况简报.docx for a 简报 (document.toml kind)."""
    return safe_file_name(f"{report.plan.city}{report.plan.short_name}{report.quarter.label}推进情况{kind}.docx")


def action_file_name(result: ActionResult, report: QuarterReport) -> str:
    return safe_file_name(f"第{result.action.id:02d}项_{result.action.name}_{report.quarter.label}推进情况.docx")


def write_reports(report: QuarterReport, out_dir: Path, *, pdf: bool = False,
                  settings: DocumentSettings | None = None, wording: Wording | None = None,
                  run_jobs: JobRunner = run_in_order) -> ReportFiles:
    """Write every .docx for the quarter into out_dir (a staging folder); return their paths.

    With `run_jobs` = pipeline.parallel.run_jobs inside its `helper_process()` (as `yc-reports build` runs it)
    a helper process writes some of the documents; each document is still written whole by one process, so
    the files are the same."""
    settings = settings or resolve_document_settings(None)
    template_dirs = wording.template_dirs if wording else (default_template_dir(),)
    out_dir = Path(out_dir)
    (out_dir / ACTION_REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    summary_path = out_dir / summary_file_name(report, settings.document.kind)
    action_paths = [out_dir / ACTION_REPORTS_DIR / action_file_name(result, report) for result in report.actions]
    jobs: list[tuple[QuarterReport, int | None, DocumentSettings, tuple[Path, ...], Path]] = [
        (report, None, settings, template_dirs, summary_path)]
    jobs += [(report, i, settings, template_dirs, path) for i, path in enumerate(action_paths)]
    weights = [SUMMARY_WEIGHT] + [_document_weight(result) for result in report.actions]
    run_jobs(write_document, jobs, weights)
    extra: tuple[Path, ...] = ()
    if pdf:
        from yc_reports.render.pdf import convert_to_pdf

        extra = tuple(convert_to_pdf([summary_path], out_dir)
                      + convert_to_pdf(action_paths, out_dir / ACTION_REPORTS_DIR))
    return ReportFiles(summary_report=summary_path, action_reports=tuple(action_paths), extra=extra)


def write_document(report: QuarterReport, action_index: int | None, settings: DocumentSettings,
                   template_dirs: tuple[Path, ...], path: Path) -> Path:
    """Compose and save one document: the summary (action_index None) or one action's report.
    Module-level with picklable arguments: the helper process runs it too."""
    wording = _wording(tuple(Path(d) for d in template_dirs))
    if action_index is None:
        return compose_summary(report, settings, wording).save(path)
    return compose_action(report.actions[action_index], report, settings, wording).save(path)


@lru_cache(maxsize=4)
def _wording(template_dirs: tuple[Path, ...]) -> Wording:
    return Wording(template_dirs)


SUMMARY_WEIGHT = 4   # two charts and four tables: about as much work as four charts


def _document_weight(result: ActionResult) -> int:
    """About how long an action's report takes to write, in charts (the bulk of the time)."""
    return 1 + int(_has_figures(result)) + len(trend_indicators(result)) + int(bool(result.projects))


# ------------------------------------------------------------------------------------ summary


def briefing_document(report: QuarterReport, settings: DocumentSettings) -> OfficialDocument:
    """A new quarterly document under its head, `settings` already resolved: a 通报 under the 版头
    (发文机关标志, 发文字号) or a 简报 under the red 报头 (期号, 编发单位, date). One number per quarter."""
    doc = OfficialDocument(settings, stamp=report.report_date)
    number = settings.number_for(report.quarter.year, report.issue_number)
    if settings.document.is_notice:
        doc.issuer_mark(settings.document.organ, number)
    else:
        doc.masthead(settings.masthead.name, issue_label=number, issuer=settings.masthead.issuer,
                     date=report.report_date)
    return doc


def compose_summary(report: QuarterReport, settings: DocumentSettings, wording: Wording) -> OfficialDocument:
    """The quarter's 通报 or 简报: a short 正文 with the whole picture (templates/summary.j2, from the facts of
    analysis/overview.py), then the detail in 附件, each on its own page: the 亮灯表, the indicators, the tasks and
    projects, the 督办 items and (with `action_reports = "附件"`) the ten action reports."""
    settings = settings.resolved(report.plan)
    kind = settings.document
    facts = overview(report)
    finish = finish_facts(report)   # 收官: targets of this year at risk, not assessable, on pace
    body = summary_outline(report, settings, wording, facts, finish)
    keys, titles, blocks = body.keys, body.titles, body.blocks
    doc = briefing_document(report, settings)
    # The shipped summary.j2 places no chart or table in the 正文; an office's earlier copy may still name these.
    figures = {
        "亮灯总览": lambda: [_captioned(c, wording, "summary_progress", report)
                         for c in charts.summary_progress_charts(report, wording=wording)],
        "报送情况": lambda: [charts.submission_chart(report, wording=wording)],
    }
    tables = {"行动总览": lambda: lights_table(report, wording), "督办清单": lambda: ledger_table(report, facts, wording)}
    lay_out(doc, blocks, figures, tables, {"说明": lambda: note_blocks(report, wording)})
    if kind.is_notice:   # a 简报 keeps to two pages: its 附件 follow unlisted, each headed 附件N with its title
        doc.attachment_list(titles)
        doc.signature(settings.masthead.issuer, report.report_date, seal_lines=kind.seal_lines)
    for n, (key, title) in enumerate(zip(keys, titles, strict=True), start=1):
        doc.attachment(n, title)
        if key == "lights":   # the picture at a glance, then the table (it runs on), then the 说明
            for chart in charts.summary_progress_charts(report, wording=wording):
                chart = _captioned(chart, wording, "summary_progress", report)
                doc.figure(chart.png, chart.width_mm, chart.alt_text, caption=chart.caption)
            put_table(doc, lights_table(report, wording))
            for block in note_blocks(report, wording):
                doc.note(block.text)
        elif key == "details":
            lay_out_details(doc, report, facts, finish, wording)
        else:
            for i, result in enumerate(report.actions):
                if i:
                    doc.page_break()
                lay_out_action(doc, result, report, settings, wording, attached=True)
    colophon = settings.colophon
    if kind.is_notice:   # a 通报: leaders under 报; the offices copied (送 and 抄送) under 抄送; the units are 主送
        doc.colophon(recipients=[("报", colophon.report_to)] if colophon.report_to.strip() else [],
                     cc=notice_copies(settings), printer=colophon.printer, print_date=report.report_date)
    else:
        doc.colophon(cc=settings.cc, printer=colophon.printer, print_date=report.report_date)
    return doc


@dataclass(frozen=True)
class SummaryOutline:
    """The 正文 of the quarterly document as laid out: its blocks, how much they name (`detail`), the estimated
    pages, and the 附件 (keys and titles)."""

    blocks: list[Block]
    detail: int
    estimated_pages: float
    keys: list[str]
    titles: list[str]


def summary_outline(report: QuarterReport, settings: DocumentSettings, wording: Wording, facts: Overview,
                    finish: Finish) -> SummaryOutline:
    """summary.j2 at the most detail whose 正文 the layout estimate keeps within its pages (BODY_PAGES); at the
    least detail when none does. `settings` resolved for the plan."""
    kind = settings.document
    keys = attachment_keys(report, facts, kind.reports_attached)
    titles = [wording.label("attachment_title", key=key) for key in keys]
    blocks: list[Block] = []
    pages = 0.0
    for detail in DETAIL_LEVELS:   # as much named and quoted as the 正文's pages hold
        blocks = wording.outline(
            "summary.j2", r=report, q=report.quarter, plan=report.plan, kind=kind.kind, o=facts, pos=facts.position,
            lights={light.value: report.count(light) for light in Light}, finish=finish, detail=detail,
            deadline=report.report_date + dt.timedelta(days=RECTIFY_DAYS), att={k: n for n, k in enumerate(keys, 1)},
            # what an office's copy of summary.j2 from before the 正文 was cut to three pages reads
            **{light.value: [a for a in report.actions if a.light is light] for light in Light},
        )
        if not kind.is_notice:   # a 简报 has no 主送
            blocks = [b for b in blocks if b.kind != "recipient"]
        pages = estimated_body_pages(blocks, settings, len(titles) if kind.is_notice else 0)
        if pages <= body_pages(kind.kind):
            break
    return SummaryOutline(blocks, detail, pages, keys, titles)


DETAIL_LEVELS = (2, 1, 0)   # summary.j2 `detail`: names and quotes in full, fewer, the fewest
BODY_PAGES = {"通报": 3, "简报": 2}


def body_pages(kind: str) -> int:
    """The most pages the 正文 of the quarterly document may take."""
    return BODY_PAGES[kind]


def estimated_body_pages(blocks: Sequence[Block], settings: DocumentSettings, attachments: int) -> float:
    """About how many pages the 正文 takes (a layout estimate that errs long; tests/render check it against
    LibreOffice): the first page's 版头 or 报头 and title, the body's lines, then — in a 通报 — the 附件说明 and
    the 署名 with room for the seal, which stay on the page of the last body line."""
    page, sizes = settings.page, settings.sizes
    per_page = math.floor(page.text_height / (page.line_pitch * 25.4 / 72))
    title = next((b.text for b in blocks if b.kind == "title"), "")
    title_count = len(title_lines(title, sizes.title, Fraction(mm_to_twips(page.text_width), 20)))
    notice = settings.document.is_notice
    lines = front_lines(settings, title_count, notice=notice)
    lines += sum(text_lines(b.text, page.chars_per_line) for b in blocks if b.kind in ("heading", "paragraph"))
    if notice:
        lines += 1 + attachments + settings.document.seal_lines + 2
    return (lines + BODY_SLACK_LINES) / per_page


BODY_SLACK_LINES = 1   # a heading carried to the next page with its paragraph


def attachment_keys(report: QuarterReport, facts: Overview, reports_attached: bool) -> list[str]:
    """The 附件 of the quarterly document, in order: those with something to show."""
    keys = ["lights"]
    if any(a.indicators or a.tasks or a.projects for a in report.actions) or spoken_items(facts):
        keys.append("details")
    if reports_attached:
        keys.append("reports")
    return keys


def lay_out_details(doc: OfficialDocument, report: QuarterReport, facts: Overview, finish: Finish,
                    wording: Wording) -> None:
    """附件2: the indicators (with the 收官 reckoning in a target year), the tasks counted by action, the projects
    and the 督办 items — each a captioned table, numbered as they come."""
    tables = [("indicators", indicator_list_table(report, wording)), ("tasks", task_summary_table(report, wording)),
              ("projects", project_list_table(report, wording)), ("ledger", ledger_table(report, facts, wording))]
    n = 0
    for key, table in tables:
        if not table.rows:
            continue
        n += 1
        put_table(doc, dataclasses.replace(table, title=wording.label("attachment_caption", key=key, n=n,
                                                                       q=report.quarter)))
        if key == "indicators" and finish:
            doc.caption(wording.label("attachment_caption", key="finish", n=n, q=report.quarter), keep_next=True)
            lay_out(doc, wording.outline("finish.j2", finish=finish, q=report.quarter, plan=report.plan, section=None),
                    {}, {})


def notice_copies(settings: DocumentSettings) -> str:
    """抄送 of a 通报: the 送 recipients of the settings, then their 抄送 (the leaders stand under 报)."""
    names = [settings.colophon.send_to, settings.cc]
    return "，".join(n.strip().rstrip("。") for n in names if n.strip())


def note_blocks(report: QuarterReport, wording: Wording) -> list[Block]:
    """The 说明 of 时序进度, 统计口径 and the source of the figures (templates/note.j2)."""
    return wording.outline("note.j2", r=report, q=report.quarter, plan=report.plan)


def _captioned(chart: charts.Chart, wording: Wording, name: str, report: QuarterReport) -> charts.Chart:
    return dataclasses.replace(chart, caption=wording.label(name, r=report, q=report.quarter))


def table_headers(wording: Wording, table: str, columns: int, macro: str = "table_headers") -> tuple[str, ...]:
    """A table's column headers (templates/labels.j2 `table_headers`, or `macro`), exactly one for each column."""
    headers = tuple(wording.label(macro, table=table).split("|"))
    if len(headers) != columns:
        raise WordingError(f"报告文字模板 labels.j2 中 {macro} 的“{table}”应有{columns}列表头（以“|”分隔），"
                           f"现有{len(headers)}列")
    return headers


def notice_headers(wording: Wording, table: str, columns: int) -> tuple[str, ...]:
    return table_headers(wording, table, columns, "notice_table_headers")


def lights_table(report: QuarterReport, wording: Wording) -> Table:
    """附件1: one row per action — who reported, its light, and the reasons in brief (tasks and projects counted)."""
    rows, fills = [], {}
    for i, a in enumerate(report.actions):
        rows.append((str(a.action.id), f"{a.action.name}\n（{a.action.lead_units_text}）",
                     wording.label("submission_cell", a=a), wording.light_label(a), wording.label("light_summary", a=a)))
        fills[(i, 3)] = light_shade(a.light)
    return Table(notice_headers(wording, "lights", 5), tuple(rows),
                 (10, 44, 16, 13, 73), ("center", "left", "center", "center", "left"), fills,
                 font_pt=WIDE_TABLE_FONT_PT, keep_together=False)


def indicator_list_table(report: QuarterReport, wording: Wording) -> Table:
    """附件2: every indicator of every action, stage results included (their status says so)."""
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    for a in report.actions:
        for ind in a.indicators:
            target = numfmt.fmt_number(ind.target, ind.decimals, empty="待定")
            fills[(len(rows), 6)] = light_shade(ind.status.light) if ind.current else Shade("FFFFFF")
            rows.append((f"第{a.action.cn_number}项", f"{ind.name}（{ind.unit}）" if ind.unit else ind.name,
                         f"{target}\n（{ind.target_year}）", numfmt.fmt_number(ind.actual, ind.decimals),
                         numfmt.fmt_percent(ind.completion), numfmt.fmt_percent(ind.time_progress),
                         wording.status_label(ind)))
    return Table(notice_headers(wording, "indicator_list", 7), tuple(rows), (16, 43, 22, 18, 20, 18, 19),
                 ("center", "left", "center", "right", "right", "right", "center"), fills,
                 font_pt=WIDE_TABLE_FONT_PT, names=(0,), keep_together=False)


def task_summary_table(report: QuarterReport, wording: Wording) -> Table:
    """附件3 表1: each action's key tasks counted by state, with the overdue and late ones named (three at most)."""
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    for a in report.actions:
        if not a.tasks:
            continue
        states = [task_state(t) for t in a.tasks]
        behind = [t for t in a.tasks if t.behind]
        late = sum(1 for s in states if s is TaskState.OVERDUE)
        slow = sum(1 for s in states if s is TaskState.BEHIND)
        if late or slow:
            fills[(len(rows), 5 if late else 4)] = light_shade(Light.RED)
        rows.append((f"第{a.action.cn_number}项", str(len(a.tasks)), str(states.count(TaskState.DONE)),
                     str(states.count(TaskState.ON_SCHEDULE) + states.count(TaskState.NOT_STARTED)),
                     str(slow), str(late), wording.label("task_examples", tasks=behind)))
    return Table(notice_headers(wording, "task_summary", 7), tuple(rows), (16, 14, 14, 20, 14, 14, 64),
                 ("center", "center", "center", "center", "center", "center", "left"), fills,
                 font_pt=WIDE_TABLE_FONT_PT, names=(0,), keep_together=len(rows) <= SHORT_TABLE_ROWS)


def project_list_table(report: QuarterReport, wording: Wording) -> Table:
    """附件3 表2: every major project, its investment against the annual plan."""
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    year_end = report.quarter.is_year_end
    for a in report.actions:
        for p in a.projects:
            if p.late_start or p.status in (Status.LAGGING, Status.NOT_MET):
                fills[(len(rows), 5)] = light_shade(Light.RED)
            rows.append((f"第{a.action.cn_number}项", p.name, numfmt.fmt_number(p.annual_plan, 0),
                         numfmt.fmt_number(p.ytd_completed, 0), numfmt.fmt_percent(p.completion),
                         wording.label("project_rating", p=p, year_end=year_end)))
    return Table(notice_headers(wording, "project_list", 6), tuple(rows), (16, 50, 21, 21, 17, 31),
                 ("center", "left", "right", "right", "right", "center"), fills,
                 font_pt=WIDE_TABLE_FONT_PT, names=(0,), keep_together=len(rows) <= SHORT_TABLE_ROWS)


def spoken_items(facts: Overview) -> list[LedgerItem]:
    """The 督办 items a quarter's documents speak of: this quarter's new ones, the earlier ones still open or
    overdue and those closed this quarter, in 督办编号 order."""
    return sorted((*facts.new_items, *facts.open_items, *facts.overdue_items, *facts.closed_now), key=_ledger_order)


def ledger_table(report: QuarterReport, facts: Overview, wording: Wording) -> Table:
    """附件: the 督办 items the 通报 speaks of, with their 督办编号, unit, matter, 整改时限, state and the unit's
    progress."""
    return ledger_items_table(spoken_items(facts), wording, report)


def ledger_items_table(items: Sequence[LedgerItem], wording: Wording, report: QuarterReport) -> Table:
    """The 督办 items with their matter as issued (an earlier plan's marked 上期方案) and the unit's progress when it
    reported it this quarter (an earlier quarter's words are never printed as this quarter's)."""
    rows: list[tuple[str, ...]] = []
    fills: dict[tuple[int, int], Shade] = {}
    for i, item in enumerate(items):
        if item.state is LedgerState.OVERDUE:
            fills[(i, 3)] = light_shade(Light.RED)   # 状态
        rows.append((f"{item.id}\n{item.lead_units}",
                     wording.label("ledger_cell", i=item, matter=wording.ledger_matter(item, report.plan.id),
                                   q=report.quarter),
                     numfmt.cn_date(item.deadline), wording.label("ledger_state", i=item)))
    return Table(notice_headers(wording, "ledger", 4), tuple(rows), (31, 76, 33, 16),
                 ("center", "left", "center", "center"), fills,
                 font_pt=WIDE_TABLE_FONT_PT, names=(0,), keep_together=len(rows) <= SHORT_TABLE_ROWS)


# A table of this many rows or fewer is kept on one page; a longer one runs on to the next, its header repeated,
# so that it never moves whole and leaves the rest of a page blank.
SHORT_TABLE_ROWS = 3


def _ledger_order(item: LedgerItem) -> tuple[int, int, int, int]:
    """督办编号 order: quarter, action, item number (2024Q3-03-10 after 2024Q3-03-9)."""
    return (item.since.year, item.since.q, item.action_id, int(item.id.rsplit("-", 1)[-1]))


# ------------------------------------------------------------------------------------ per action


def compose_action(result: ActionResult, report: QuarterReport, settings: DocumentSettings,
                   wording: Wording) -> OfficialDocument:
    """One action's report as its own file, without masthead or number (the quarter has one number):
    the copy of its 附件 page of the 通报, or a standalone 情况报告 with 署名 and date."""
    settings = settings.resolved(report.plan)
    doc = OfficialDocument(settings, stamp=report.report_date)
    attached = settings.document.reports_attached
    lay_out_action(doc, result, report, settings, wording, attached=attached)
    if not attached:
        doc.signature(settings.masthead.issuer, report.report_date)
    return doc


def lay_out_action(doc: OfficialDocument, result: ActionResult, report: QuarterReport, settings: DocumentSettings,
                   wording: Wording, *, attached: bool) -> None:
    """An action's report (title and body) into `doc`; a standalone report carries the 说明 itself."""
    items = [i for i in spoken_items(overview(report)) if i.action_id == result.action.id]
    blocks = wording.outline("action.j2", a=result, q=report.quarter, plan=report.plan, r=report,
                             deadline=report.report_date + dt.timedelta(days=RECTIFY_DAYS),
                             errors=action_errors(result, report), attached=attached, items=items,
                             supervised=any(s.action_id == result.action.id for s in report.supervision),
                             commended=any(c.action_id == result.action.id for c in report.commendations))
    figures = {
        "指标进度": lambda: charts.indicator_progress_charts(result, wording=wording) if _has_figures(result) else [],
        "指标趋势": lambda: charts.trend_charts(trend_indicators(result), wording=wording) if trend_indicators(result)
        else [],
        "项目投资": lambda: charts.project_investment_charts(result, wording=wording),
        "任务进度": lambda: ([charts.task_chart(result, report.quarter.end_date, wording=wording)]
                         if not _has_figures(result) and any(t.deadline for t in result.tasks) else []),
    }
    tables = {
        "指标进展": lambda: indicator_table(result, wording),
        "重点任务": lambda: task_table(result, wording),
        "重大项目": lambda: project_table(result, wording),
        "督办事项": lambda: ledger_items_table(items, wording, report),
    }
    texts = {"说明": lambda: [] if attached else note_blocks(report, wording)}
    lay_out(doc, blocks, figures, tables, texts)


BEHIND = (Status.WATCH, Status.LAGGING, Status.NOT_MET)


def action_errors(result: ActionResult, report: QuarterReport) -> list:
    """The errors found in the action's own workbook(s), in the report's order."""
    files = set(result.files)
    return [i for i in report.issues if i.severity is Severity.ERROR and i.file in files]


def _has_figures(result: ActionResult) -> bool:
    return any(ind.completion is not None for ind in result.indicators)


def trend_indicators(result: ActionResult) -> list[IndicatorResult]:
    """The indicators whose quarterly trend is drawn: those behind (关注, 滞后, 未完成) with two figures
    or more. The progress chart and the table already show every indicator; a leader needs the path
    only where the action is behind, and one chart per indicator would fill pages."""
    return [ind for ind in result.indicators if ind.status in BEHIND and _has_trend(ind)]


def _has_trend(ind: IndicatorResult) -> bool:
    return sum(1 for _, value in ind.trend if value is not None) >= 2


def indicator_table(result: ActionResult, wording: Wording) -> Table:
    """指标进展: figures without units (the unit stands by the name), so the columns stay narrow.
    同比/环比 follow the sentences' rules: a rate (%) changes by percentage points, and a year-to-date
    flow has no 环比 (its quarters add up)."""
    rows, fills = [], {}
    for i, ind in enumerate(result.indicators):
        target = numfmt.fmt_number(ind.target, ind.decimals, empty="待定")
        rows.append((
            f"{ind.name}（{ind.unit}）" if ind.unit else ind.name,
            f"{target}\n（{ind.target_year}）",
            numfmt.fmt_number(ind.actual, ind.decimals),
            numfmt.fmt_percent(ind.completion), numfmt.fmt_percent(ind.time_progress),
            _signed_points(ind), _change_cell(ind, ind.last_year, ind.yoy),
            "—" if ind.kind is Kind.FLOW else _change_cell(ind, ind.previous, ind.qoq), wording.status_label(ind),
        ))
        fills[(i, 8)] = light_shade(ind.status.light)
    return Table(table_headers(wording, "indicators", 9), tuple(rows), (33, 21, 14, 14, 14, 15, 16, 15, 14),
                 ("left", "center", "right", "right", "right", "right", "right", "right", "center"), fills,
                 keep_together=len(rows) <= SHORT_TABLE_ROWS)


def _change_cell(ind: IndicatorResult, base: Decimal | None, ratio: Fraction | None) -> str:
    """'+12.3%', or for a rate '+2.9个百分点'; '—' without a base."""
    if ind.unit == "%":
        if base is None or ind.actual is None:
            return "—"
        return _signed(ind.actual - base, ind.decimals) + "\n个百分点"   # the unit whole on its own line
    if ratio is None:
        return "—"
    return _signed(ratio * 100, 1) + "%"


def _signed(value: numfmt.Number, places: int) -> str:
    text = numfmt.fmt_number(value, places)
    return text if text.startswith("-") or float(text) == 0 else "+" + text




def _signed_points(ind: IndicatorResult) -> str:
    return "—" if ind.gap_points is None else _signed(ind.gap_points, 1)


def task_table(result: ActionResult, wording: Wording) -> Table:
    rows, fills = [], {}
    for i, t in enumerate(result.tasks):
        rows.append((str(i + 1), t.content, numfmt.cn_date(t.deadline) if t.deadline else "—",
                     wording.label("task_cell", t=t), t.progress or "—"))
        if t.behind:
            fills[(i, 3)] = light_shade(Light.RED)
    return Table(table_headers(wording, "tasks", 5), tuple(rows), (10.5, 60, 27, 22, 36.5),
                 ("center", "left", "center", "center", "left"), fills, keep_together=len(rows) <= SHORT_TABLE_ROWS)


def project_table(result: ActionResult, wording: Wording) -> Table:
    rows, fills = [], {}
    for i, p in enumerate(result.projects):
        state = wording.label("project_cell", p=p)
        if p.late_start:
            fills[(i, 6)] = light_shade(Light.RED)
        rows.append((str(i + 1), p.name, numfmt.fmt_number(p.total_investment, 0),
                     numfmt.fmt_number(p.annual_plan, 0), numfmt.fmt_number(p.ytd_completed, 0),
                     numfmt.fmt_percent(p.completion), state, p.image_progress or "—"))
    return Table(table_headers(wording, "projects", 8), tuple(rows), (10.5, 35, 18, 18, 18, 15, 18, 23.5),
                 ("center", "left", "right", "right", "right", "right", "center", "left"), fills,
                 keep_together=len(rows) <= SHORT_TABLE_ROWS)


# ------------------------------------------------------------------------------------ layout


def lay_out(doc: OfficialDocument, blocks: Sequence[Block],
            figures: dict[str, Callable[[], list]], tables: dict[str, Callable[[], Table]],
            texts: dict[str, Callable[[], list[Block]]] | None = None) -> None:
    """Put the template's blocks into the document, drawing the charts and tables it names. A paragraph
    opening with “（一）”, “1.” or “（1）” is a run-in heading of level 2, 3 or 4 (its own style and face)."""
    for block in blocks:
        if block.kind == "text":
            lay_out(doc, _lookup(texts or {}, block.text, "文")(), figures, tables, texts)
            continue
        if block.kind == "paragraph" and (run_in := run_in_heading(block.text)):
            doc.run_in_heading(*run_in)
            continue
        if block.kind == "title":
            doc.title(block.text)
        elif block.kind == "recipient":
            doc.main_recipient(block.text)
        elif block.kind == "heading":
            doc.heading(block.level, block.text)
        elif block.kind == "paragraph":
            doc.paragraph(block.text)
        elif block.kind == "figure":
            for chart in _lookup(figures, block.text, "图")():
                doc.figure(chart.png, chart.width_mm, chart.alt_text, caption=chart.caption)
        elif block.kind == "table":
            table = _lookup(tables, block.text, "表")()
            if table.rows:
                put_table(doc, table)


_RUN_IN = (
    (2, re.compile(r"^（[一二三四五六七八九十]+）")),
    (3, re.compile(r"^\d+\.\s?")),
    (4, re.compile(r"^（\d+）")),
)
RUN_IN_HEAD_MAX = 40   # characters: a numbered paragraph without a lead-in sentence this short is a list item


def run_in_heading(text: str) -> tuple[int, str, str] | None:
    """(level, heading, rest) of a paragraph that opens with a heading number and a short lead-in sentence
    (“（一）对标对表抓进度。”), else None: a numbered paragraph without one is a list item, set as body text
    whole, number included (never a 楷体 number before a 仿宋 sentence)."""
    for level, pattern in _RUN_IN:
        if pattern.match(text):
            stop = text.find("。")
            if 0 < stop < RUN_IN_HEAD_MAX:
                return level, text[:stop + 1], text[stop + 1:]
            return None
    return None


TEXT_COLUMN_MIN_EM = 5   # a column of text keeps at least five characters a line
HEADER_WORD_MAX = 4       # a header line this short (“序号”, “填报日期”) is one word: never broken
CELL_PAD_MM = 3.0 + 1.2   # the cell's left and right margins (1.5 mm each) and air for the renderers' spacing
# Pieces a cell never breaks inside: dates, figures with their sign and unit, phone numbers, 个百分点.
_UNBREAKABLE = re.compile(r"\d{4}Q\d-\d{2}-\d+|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|[+\-−]?\d[\d.,\-]*%?"
                          r"|个百分点|（\d{4}）")
_NAME_SEPARATORS = re.compile(r"[、，,；\s]+")


def unbreakable_tokens(text: str, names: bool = False) -> list[str]:
    """The pieces of a cell's text that must stay on one line; every character is at least a piece."""
    tokens = []
    for line in str(text).split("\n"):
        tokens += _UNBREAKABLE.findall(line)
        if names:
            tokens += [part for part in _NAME_SEPARATORS.split(line) if part]
        tokens += [ch for ch in line if not ch.isspace()]
    return tokens


def fit_widths(table: Table, size_pt: float, total_mm: float) -> tuple[float, ...]:
    """Column widths (mm, adding up to the table's) so that no cell breaks a date, a figure or a unit's
    name, and no cell line ends with a single character carried over: columns too narrow for their
    longest piece take the room from the columns that wrap text anyway."""
    em_mm = size_pt * 25.4 / 72
    widths = list(table.widths_mm)
    cells = [list(table.headers)] + [list(r) for r in table.rows]

    def need(c: int) -> float:
        tokens = [tok for row in cells for tok in unbreakable_tokens(row[c], c in table.names)]
        tokens += [line for line in table.headers[c].split("\n") if len(line) <= HEADER_WORD_MAX]
        longest_line = max(text_width_em(line) for row in cells[1:] or [cells[0]] for line in str(row[c]).split("\n"))
        floor = TEXT_COLUMN_MIN_EM if longest_line > TEXT_COLUMN_MIN_EM else 0   # running text keeps 5 a line
        return max([floor] + [_token_em(tok) for tok in tokens]) * em_mm + CELL_PAD_MM

    minimum = [need(c) for c in range(len(widths))]
    widths = _rebalance(widths, minimum, total_mm)
    # A single character carried onto a cell's last line (“……协同增/效”): one em more where there is room.
    for c in range(len(widths)):
        if any(_orphan(line, widths[c], em_mm) for row in cells[1:] for line in str(row[c]).split("\n")):
            wider = [*minimum[:c], widths[c] + em_mm, *minimum[c + 1:]]
            trial = _rebalance([*widths[:c], widths[c] + em_mm, *widths[c + 1:]], wider, total_mm)
            if trial[c] >= widths[c] + em_mm - 1e-6:
                widths = trial
                minimum[c] = widths[c]
    return tuple(round(w, 2) for w in widths)


# Digits and Latin letters of a long piece a little wider than Times New Roman draws them (half an em): as wide as
# the face a renderer puts in its place where it is missing (LibreOffice: DejaVu Serif, 0.64 em), so a date or a
# 督办编号 sized for one stays whole in both.
LATIN_EXTRA_EM = 0.14


def _token_em(token: str) -> float:
    latin = sum(1 for ch in token if ch.isascii() and ch.isalnum())
    return text_width_em(token) + (LATIN_EXTRA_EM * latin if latin >= LATIN_LONG else 0)


LATIN_LONG = 6   # only a long run (a date, a 督办编号) gets the extra: short figures fit either way


def _orphan(line: str, width_mm: float, em_mm: float) -> bool:
    capacity = int((width_mm - CELL_PAD_MM) / em_mm)
    em = text_width_em(line)
    return capacity > 1 and em > capacity and em % capacity <= 1 and len(line) > capacity


def _rebalance(widths: list[float], minimum: list[float], total_mm: float) -> list[float]:
    """Widen every column to its minimum; take the difference from the others in proportion to their room."""
    out = [max(w, m) for w, m in zip(widths, minimum, strict=True)]
    excess = sum(out) - total_mm
    room = [max(0.0, w - m) for w, m in zip(out, minimum, strict=True)]
    if excess > 0 and sum(room) > 0:
        share = min(1.0, excess / sum(room))
        out = [w - r * share for w, r in zip(out, room, strict=True)]
    if sum(out) > total_mm:   # more pieces than room: every column gives up its share (best effort)
        out = [w * total_mm / sum(out) for w in out]
    return out


def put_table(doc: OfficialDocument, table: Table) -> None:
    size = table.font_pt or (TABLE_FONT_PT if len(table.headers) <= 5 else WIDE_TABLE_FONT_PT)
    widths = fit_widths(table, size, sum(table.widths_mm))
    doc.table(list(table.headers), [list(r) for r in table.rows], list(widths), align=list(table.align),
              header_repeat=True, cell_fills=table.fills, font_size_pt=size, keep_together=table.keep_together,
              title=table.title)


def _lookup(registry: Mapping[str, T], name: str, what: str) -> T:
    try:
        return registry[name]
    except KeyError:
        known = "、".join(registry)
        raise WordingError(f"报告文字模板中的占位符“[[{what}:{name}]]”不存在，可用的有：{known}") from None

