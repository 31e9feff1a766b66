"""年度考核 documents: the report (.docx, the office's official layout) and the score workbook.

The words come from templates/assessment.j2 and templates/assessment_basis.j2 (one sentence per
deduction, shared by the report and the workbook); this module lays them out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from yc_reports import numfmt
from yc_reports.analysis.assessment import ActionScore, Deduction, Part, YearAssessment, printed_total
from yc_reports.filenames import safe_file_name
from yc_reports.plan.registry import PlanInfo
from yc_reports.render.docx.document import OfficialDocument
from yc_reports.render.docx.settings import DocumentSettings
from yc_reports.render.reports import Table, lay_out, table_headers
from yc_reports.render.wording import Wording

PARTS = (Part.INDICATORS, Part.TASKS, Part.REPORTING)
BASIS_TEMPLATE, BASIS_MACRO = "assessment_basis.j2", "basis"


def report_file_name(plan: PlanInfo, year: int) -> str:
    return safe_file_name(f"{plan.city}{plan.short_name}{year}年度考核结果报告.docx")


def workbook_file_name(plan: PlanInfo, year: int) -> str:
    return safe_file_name(f"{plan.short_name}{year}年度考核得分表.xlsx")


def default_date(year: int) -> dt.date:
    """The report's date when none is given: 20 January of the next year (after the Q4 build)."""
    return dt.date(year + 1, 1, 20)


def points_text(value: Decimal | int) -> str:
    """Points as an office writes them: 95, 72.5 (one decimal at most, no trailing .0)."""
    text = numfmt.fmt_number(value, 1)
    return text[:-2] if text.endswith(".0") else text


def total_text(score: ActionScore) -> str:
    return points_text(printed_total(score))


def part_text(score: ActionScore, part: Part, wording: Wording) -> str:
    found = next(p for p in score.parts if p.part is part)
    return points_text(found.score) if found.applies else wording.label("not_scored")


def _part_value(score: ActionScore, part: Part, wording: Wording) -> float | str:
    """A part's points as a number the office can sort and add, or 不计分."""
    found = next(p for p in score.parts if p.part is part)
    return float(found.score) if found.applies else wording.label("not_scored")


def basis(deduction: Deduction, wording: Wording) -> str:
    """The deduction's basis in one sentence (templates/assessment_basis.j2, macro basis)."""
    macro = getattr(wording.env.get_template(BASIS_TEMPLATE).module, BASIS_MACRO)
    return str(macro(deduction, points_text))


def score_table(a: YearAssessment, wording: Wording) -> Table:
    rows = tuple((str(s.rank), f"第{s.action.cn_number}项", s.action.lead_units_text,
                  *(part_text(s, p, wording) for p in PARTS), total_text(s)) for s in a.scores)
    return Table(table_headers(wording, "assessment", 7), rows,
                 (12, 18, 42, 20, 26, 20, 18), ("center", "center", "left", "center", "center", "center", "center"))


def compose_assessment(a: YearAssessment, plan: PlanInfo, settings: DocumentSettings, wording: Wording,
                       date: dt.date) -> OfficialDocument:
    best = printed_total(a.scores[0])
    worst = printed_total(a.scores[-1])
    blocks = wording.outline("assessment.j2", a=a, plan=plan, rules=a.rules, total=total_text, pts=points_text,
                             lead=[s for s in a.scores if printed_total(s) == best],
                             last=[s for s in a.scores if printed_total(s) == worst])
    settings = settings.resolved(plan)
    doc = OfficialDocument(settings, stamp=date)
    lay_out(doc, blocks, {}, {"考核得分": lambda: score_table(a, wording)})
    doc.signature(plan.office, date)
    doc.colophon(cc=settings.cc, printer=settings.colophon.printer, print_date=date)
    return doc


def write_assessment_workbook(a: YearAssessment, plan: PlanInfo, wording: Wording, path: Path) -> Path:
    """得分 (one row per action, ranked) and 扣分明细 (one row per deduction, with its basis)."""
    from openpyxl import Workbook

    from yc_reports.render.summary_xlsx import Col, table_sheet
    from yc_reports.workbook.xlsx_io import save_workbook

    def col(key: str, *, center: bool = False, wrap: bool = False) -> Col:
        return Col(wording.label("column", key=key), center=center, wrap=wrap)

    title = wording.label("assessment_workbook_title", plan=plan, year=a.year)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    scores = wb.create_sheet(wording.label("sheet", key="scores"))
    cols = [col("rank", center=True), col("action_id", center=True), col("action"), col("lead_units")]
    cols += [Col(p.value, center=True) for p in PARTS] + [col("total", center=True),
                                                          col("deduction_count", center=True)]
    rows = [[s.rank, s.action.id, s.action.name, s.action.lead_units_text,
             *(_part_value(s, p, wording) for p in PARTS), float(printed_total(s)), len(s.deductions)]
            for s in a.scores]
    table_sheet(scores, cols, rows, title, wording)
    detail = wb.create_sheet(wording.label("sheet", key="deductions"))
    cols = [col("action_id", center=True), col("lead_units"), col("part"), col("points", center=True),
            col("basis", wrap=True)]
    rows = [[s.action.id, s.action.lead_units_text, d.part.value, float(d.points), basis(d, wording)]
            for s in a.scores for d in s.deductions]
    table_sheet(detail, cols, rows, title, wording)
    rules = wb.create_sheet(wording.label("sheet", key="rules"))
    from yc_reports.plan.registry import ASSESSMENT_LABELS

    table_sheet(rules, [col("rule"), col("rule_value", center=True)],
                [[label, float(getattr(a.rules, key))] for key, label in ASSESSMENT_LABELS.items()],
                title, wording)
    save_workbook(wb, Path(path))
    return Path(path)
