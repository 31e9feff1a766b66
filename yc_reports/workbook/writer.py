"""The quarterly workbook a lead unit fills in: one per action, pre-filled, protected like a paper form.

Layout (sheet names, headers, rows) comes from `layout`; the parser reads the same constants, finding
header rows by their text. Input cells are unlocked and shaded; everything else is locked by sheet
protection without a password, which stops accidents, not people (the parser notices changes anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from yc_reports.intake.records import ProjectEntry, RectificationEntry, Submission, TaskEntry
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Direction, Frequency, Indicator, Kind, Registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.xlsx_io import (
    BORDER,
    HEADER_FILL,
    LINE_HEIGHT,
    save_workbook,
    set_text,
    wrapped_lines,
    writable,
)
from yc_reports.workbook.xlsx_io import FONT_NAME as FONT
from yc_reports.workbook.xlsx_io import TITLE_FONT_NAME as TITLE_FONT

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")     # light yellow: fill in here
READONLY_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: for reference, locked
UNLOCKED = Protection(locked=False)
DATE_FORMAT = "yyyy-mm-dd"
MIN_INPUT_ROW_HEIGHT = 30
EXTRA_PROJECT_ROWS = 10   # blank project rows kept below the ones carried over


# ------------------------------------------------------------------------------------------ entry points


def write_templates(registry: Registry, quarter: Quarter, out_dir: Path, inputs_root: Path, *,
                    rectifications: Mapping[int, Sequence[RectificationEntry]] | None = None,
                    previous: Mapping[int, Submission] | None = None) -> list[Path]:
    """Write one template per action into `out_dir`, pre-filled from last quarter's submissions — `previous`
    (as issued: pipeline/supervision.py), else the workbooks of last quarter's folder; `rectifications`
    (action id → open 督办 items) become its 整改落实 sheet."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if previous is None:
        previous = previous_submissions(registry, quarter, Path(inputs_root))
    stamp = dt.datetime.combine(quarter.end_date, dt.time())
    written = []
    for action in registry.actions:
        wb = build_template(registry, action, quarter, previous.get(action.id),
                            rectifications=(rectifications or {}).get(action.id, ()))
        path = out_dir / L.template_file_name(str(quarter), action.id, action.name, "、".join(action.lead_units))
        save_workbook(wb, path, stamp=stamp)
        written.append(path)
    return written


def previous_submissions(registry: Registry, quarter: Quarter, inputs_root: Path) -> dict[int, Submission]:
    """Last quarter's submissions by action id, recognised by their hidden sheet, not their names.

    When a folder holds two workbooks for one action, the first by name is used (the build reports the
    duplicate; a template only needs a starting point)."""
    from yc_reports.intake.discovery import discover
    from yc_reports.intake.reader import parse_workbook

    folder = inputs_root / str(quarter.previous())
    if not folder.is_dir():
        return {}
    found: dict[int, Submission] = {}
    for path in discover([folder]).workbooks:
        submission = parse_workbook(path, registry).submission
        if submission is None or submission.quarter != quarter.previous():
            continue
        found.setdefault(submission.action_id, submission)
    return found


def build_template(registry: Registry, action: Action, quarter: Quarter,
                   previous: Submission | None, rectifications: Sequence[RectificationEntry] = ()) -> Workbook:
    """The workbook for one action and quarter; `previous` is last quarter's submission, if any;
    `rectifications`, the action's open 督办 items, add a 整改落实 sheet."""
    wb = Workbook()
    guide = wb.active
    if not isinstance(guide, Worksheet):   # a new Workbook's one sheet; the stub allows None and chart sheets
        raise TypeError("a new workbook has no worksheet")
    guide.title = L.SHEET_GUIDE
    context = _Context(registry, action, quarter, previous)
    _write_guide(guide, context)
    _write_info(wb.create_sheet(L.SHEET_INFO), context)
    _write_indicators(wb.create_sheet(L.SHEET_INDICATORS), context)
    _write_tasks(wb.create_sheet(L.SHEET_TASKS), context)
    _write_projects(wb.create_sheet(L.SHEET_PROJECTS), context)
    if rectifications:
        write_rectification_sheet(wb.create_sheet(L.SHEET_RECTIFICATION), context.heading, rectifications)
    _write_meta(wb.create_sheet(L.SHEET_META), context)
    wb.properties.title = f"{quarter.label}{action_name_line(action)}填报表"
    wb.properties.subject = registry.plan.short_name
    wb.active = 0
    return wb


@dataclass(frozen=True)
class _Context:
    registry: Registry
    action: Action
    quarter: Quarter
    previous: Submission | None

    @property
    def heading(self) -> str:
        return f"{self.quarter.label} {action_name_line(self.action)}"


def action_name_line(action: Action) -> str:
    """第三项行动“建设绿色制造体系”"""
    return f"第{action.cn_number}项行动“{action.name}”"


# ------------------------------------------------------------------------------------------ indicator text


ANNUAL_BASIS_SUFFIX = "；年度统计数据，仅第四季度填报"


def not_due_yet(indicator: Indicator, quarter: Quarter) -> bool:
    """An annual-only figure before Q4: the row is shown, its value cell is locked."""
    return indicator.frequency is Frequency.ANNUAL and quarter.q != 4


def basis_text(indicator: Indicator, quarter: Quarter, start_year: int) -> str:
    """填报口径 of an indicator row, with the target's wording where a number alone says less."""
    year = indicator.target_year_for(quarter)
    if indicator.kind is Kind.FLOW:
        basis = L.BASIS_FLOW.format(year=quarter.year)
        if indicator.direction is Direction.CEILING:
            basis += L.BASIS_CEILING_SUFFIX
    elif indicator.kind is Kind.CUMULATIVE:
        basis = L.BASIS_CUMULATIVE.format(start=start_year)
    else:
        basis = L.BASIS_LEVEL
    if indicator.frequency is Frequency.ANNUAL:
        basis += ANNUAL_BASIS_SUFFIX
    if indicator.target_value(year) is None:
        pending = f"目标值待定（{indicator.target_note}）" if indicator.target_note else L.TARGET_PENDING
        return f"{basis}；{pending}"
    if indicator.target_note:
        return f"{basis}；目标：{indicator.target_note}"
    return basis


# ------------------------------------------------------------------------------------------ sheets


def _write_indicators(ws: Worksheet, c: _Context) -> None:
    columns = L.INDICATOR_COLUMNS
    col = _column_numbers(columns)
    _title(ws, f"{c.heading}主要指标进展", len(columns))
    hint = ("黄色单元格为填报区域，其余单元格已锁定。“截至本季度末完成值”只填数字，单位以“单位”列为准；"
            "百分比指标填百分数（如 85 表示 85%）。未能填报的，请在“情况说明”中说明原因。")
    if not c.action.indicators:
        hint = "本行动在方案中没有量化指标，本表无需填写，请填写“重点任务”和“重大项目”表。"
    _hint(ws, hint, len(columns))
    _header(ws, columns)
    start = c.registry.plan.start_year
    for i, indicator in enumerate(c.action.indicators):
        row = L.FIRST_DATA_ROW + i
        year = indicator.target_year_for(c.quarter)
        previous = c.previous.indicator(indicator.key) if c.previous else None
        values = {
            L.IND_SEQ: i + 1,
            L.IND_NAME: indicator.name,
            L.IND_UNIT: indicator.unit,
            L.IND_TARGET: indicator.target_value(year),
            L.IND_TARGET_YEAR: year,
            L.IND_BASIS: basis_text(indicator, c.quarter, start),
            L.IND_PREVIOUS: previous.value if previous else None,
        }
        for column, value in values.items():
            cell = ws.cell(row, col[column])
            _put(cell, value)
            _style(cell, fill=READONLY_FILL if column is L.IND_PREVIOUS else None,
                   wrap=column in (L.IND_NAME, L.IND_BASIS),
                   center=column in (L.IND_SEQ, L.IND_UNIT, L.IND_TARGET_YEAR))
        if not_due_yet(indicator, c.quarter):  # an annual figure: asked for in Q4 only
            _style(ws.cell(row, col[L.IND_VALUE]), fill=READONLY_FILL)
            _input(ws.cell(row, col[L.IND_NOTE]), wrap=True)
            _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
            continue
        for column in (L.IND_VALUE, L.IND_NOTE):
            _input(ws.cell(row, col[column]), wrap=column is L.IND_NOTE)
        value_ref = f"{get_column_letter(col[L.IND_VALUE])}{row}"
        if indicator.signed:   # a rate of change may be negative
            dv = _decimal_validation("between", "-1000", "1000",
                                     "请填写 -1000—1000 之间的数字（可为负数，如 -5 表示下降5%）。")
        elif indicator.is_percent:
            dv = _decimal_validation("between", "0", "1000", "请填写 0—1000 之间的百分数（如 85 表示 85%）。")
        else:
            dv = _decimal_validation("greaterThanOrEqual", "0", None, "请填写不小于 0 的数字。")
        dv.promptTitle = "截至本季度末完成值"
        dv.prompt = f"单位：{indicator.unit}；{basis_text(indicator, c.quarter, start)}"[:250]
        dv.add(value_ref)
        ws.add_data_validation(dv)
        _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
    _finish(ws, columns, freeze=f"{get_column_letter(col[L.IND_UNIT])}{L.FIRST_DATA_ROW}")


def _write_tasks(ws: Worksheet, c: _Context) -> None:
    columns = L.TASK_COLUMNS
    col = _column_numbers(columns)
    _title(ws, f"{c.heading}重点任务推进情况", len(columns))
    _hint(ws, "请为每项任务选择本季度的“完成状态”，并填写本季度进展情况和存在问题（灰色“上季度”栏为上季度所报，仅供参考，"
              "未在黄色栏填写的按未填报处理）。方案确定的任务内容和完成时限已锁定；本单位需补充的任务可填在下方空白行"
              "（任务内容、完成时限、完成状态须填写）。", len(columns))
    _header(ws, columns)
    carried = {t.key: t for t in c.previous.tasks if t.key} if c.previous else {}
    added = [t for t in c.previous.tasks if not t.key] if c.previous else []
    row = L.FIRST_DATA_ROW
    for task in c.action.tasks:
        last = carried.get(task.key)
        _task_row(ws, row, col, row - L.FIRST_DATA_ROW + 1, task.content, task.deadline, last, locked=True)
        _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
        row += 1
    for extra in range(max(L.EXTRA_TASK_ROWS, len(added) + 5)):
        last = added[extra] if extra < len(added) else None
        _task_row(ws, row, col, row - L.FIRST_DATA_ROW + 1, last.content if last else None,
                  last.deadline if last else None, last, locked=False)
        _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
        row += 1
    last_row = row - 1
    status_letter = get_column_letter(col[L.TASK_STATUS])
    dv = _list_validation(L.TASK_STATUSES, "完成状态")
    dv.add(f"{status_letter}{L.FIRST_DATA_ROW}:{status_letter}{last_row}")
    ws.add_data_validation(dv)
    first_extra = L.FIRST_DATA_ROW + len(c.action.tasks)
    if first_extra <= last_row:
        deadline_letter = get_column_letter(col[L.TASK_DEADLINE])
        dates = _date_validation("完成时限")
        dates.add(f"{deadline_letter}{first_extra}:{deadline_letter}{last_row}")
        ws.add_data_validation(dates)
    _finish(ws, columns, freeze=f"{get_column_letter(col[L.TASK_CONTENT] + 1)}{L.FIRST_DATA_ROW}")


def _task_row(ws: Worksheet, row: int, col: dict, seq: int, content: str | None, deadline: dt.date | None,
              last: TaskEntry | None, locked: bool) -> None:
    seq_cell = ws.cell(row, col[L.TASK_SEQ], seq)
    _style(seq_cell, center=True)
    content_cell, deadline_cell = ws.cell(row, col[L.TASK_CONTENT]), ws.cell(row, col[L.TASK_DEADLINE])
    _put(content_cell, content)
    _put(deadline_cell, deadline)
    if locked:
        _style(content_cell, wrap=True)
        _style(deadline_cell, center=True)
    else:
        _input(content_cell, wrap=True)
        _input(deadline_cell, center=True)
    deadline_cell.number_format = DATE_FORMAT
    references = {
        L.TASK_PREV_STATUS: last.status.value if last and last.status else None,
        L.TASK_PREV_PROGRESS: last.progress if last else None,
        L.TASK_PREV_PROBLEMS: last.problems if last else None,
    }
    for column, value in references.items():
        _reference(ws.cell(row, col[column]), value, center=column is L.TASK_PREV_STATUS)
    for column in (L.TASK_STATUS, L.TASK_PROGRESS, L.TASK_PROBLEMS):   # empty: only this quarter's answer counts
        _input(ws.cell(row, col[column]), wrap=column is not L.TASK_STATUS, center=column is L.TASK_STATUS)


def _write_projects(ws: Worksheet, c: _Context) -> None:
    columns = L.PROJECT_COLUMNS
    col = _column_numbers(columns)
    _title(ws, f"{c.heading}重大项目推进情况", len(columns))
    new_year = c.quarter.q == 1
    hint = ("请逐个填写列入责任清单的重大项目，一个项目一行；投资单位为万元，只填数字。上季度已报项目的名称、总投资等"
            "已带入；灰色“上季度”栏为上季度所报，仅供参考，本季度的投资、状态和形象进度请在黄色栏填写（未填写的按未填报处理）。")
    if new_year:
        hint += f"新年度开始，“年度计划投资”已清空，请按{c.quarter.year}年情况填写。"
    _hint(ws, hint, len(columns))
    _header(ws, columns)
    carried = list(c.previous.projects) if c.previous else []
    count = max(L.PROJECT_ROWS, len(carried) + EXTRA_PROJECT_ROWS)
    for i in range(count):
        row = L.FIRST_DATA_ROW + i
        _style(ws.cell(row, col[L.PRJ_SEQ], i + 1), center=True)
        last = carried[i] if i < len(carried) else None
        for column, value in _project_values(last, new_year).items():
            cell = ws.cell(row, col[column])
            if column.reference:
                _reference(cell, value, center=column is L.PRJ_PREV_STATUS)
                continue
            _put(cell, value)
            _input(cell, wrap=column in (L.PRJ_NAME, L.PRJ_IMAGE, L.PRJ_PROBLEMS),
                   center=column in (L.PRJ_STATUS, L.PRJ_PLANNED_START))
            if column is L.PRJ_PLANNED_START:
                cell.number_format = DATE_FORMAT
        _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
    first, last_row = L.FIRST_DATA_ROW, L.FIRST_DATA_ROW + count - 1
    numbers = _decimal_validation("greaterThanOrEqual", "0", None, "请填写不小于 0 的数字（单位：万元）。")
    for column in (L.PRJ_TOTAL, L.PRJ_ANNUAL_PLAN, L.PRJ_YTD):
        letter = get_column_letter(col[column])
        numbers.add(f"{letter}{first}:{letter}{last_row}")
    ws.add_data_validation(numbers)
    status = _list_validation(L.PROJECT_STATUSES, "项目状态")
    status_letter = get_column_letter(col[L.PRJ_STATUS])
    status.add(f"{status_letter}{first}:{status_letter}{last_row}")
    ws.add_data_validation(status)
    dates = _date_validation("计划开工时间")
    start_letter = get_column_letter(col[L.PRJ_PLANNED_START])
    dates.add(f"{start_letter}{first}:{start_letter}{last_row}")
    ws.add_data_validation(dates)
    _finish(ws, columns, freeze=f"{get_column_letter(col[L.PRJ_NAME] + 1)}{L.FIRST_DATA_ROW}")


def _project_values(last: ProjectEntry | None, new_year: bool) -> dict[L.Column, object]:
    if last is None:
        return {column: None for column in L.PROJECT_COLUMNS if column is not L.PRJ_SEQ}
    return {   # what identifies the project and this year's plan carried as input; last quarter's progress shown
        L.PRJ_NAME: last.name,
        L.PRJ_TOTAL: last.total_investment,
        L.PRJ_ANNUAL_PLAN: None if new_year else last.annual_plan,
        L.PRJ_PREV_YTD: None if new_year else last.ytd_completed,   # a new year starts from nothing
        L.PRJ_YTD: None,
        L.PRJ_PREV_STATUS: last.status.value if last.status else None,
        L.PRJ_STATUS: None,
        L.PRJ_PLANNED_START: last.planned_start,
        L.PRJ_PREV_IMAGE: last.image_progress or None,
        L.PRJ_IMAGE: None,
        L.PRJ_PROBLEMS: None,   # problems are stated afresh each quarter
    }


def write_rectification_sheet(ws: Worksheet, heading: str, items: Sequence[RectificationEntry]) -> None:
    """整改落实: one row per open 督办 item; number, matter and 整改时限 locked, the unit fills in
    measures, progress and state (dropdown) in empty cells, what it reported last time shown read-only beside them."""
    columns = L.RECTIFICATION_COLUMNS
    col = _column_numbers(columns)
    _title(ws, f"{heading}督办事项整改落实情况", len(columns))
    _hint(ws, "以下为指挥部办公室通报的督办事项，请逐项填写本季度的整改措施和整改进展，并选择整改状态（灰色栏为上次填报的"
              "内容，仅供参考，未在黄色栏填写的按未填报处理）。整改到位的选“已完成”，经核实后予以销号；"
              "督办编号、督办事项和整改时限已锁定，请勿修改，也不要删除行。", len(columns))
    _header(ws, columns)
    for row, item in enumerate(items, start=L.FIRST_DATA_ROW):
        for column, value in ((L.RECT_ID, item.item_id), (L.RECT_TEXT, item.text), (L.RECT_DEADLINE, item.deadline)):
            cell = ws.cell(row, col[column])
            _put(cell, value)
            _style(cell, wrap=column is L.RECT_TEXT, center=column is not L.RECT_TEXT)
        references = ((L.RECT_PREV_MEASURES, item.measures), (L.RECT_PREV_PROGRESS, item.progress),
                      (L.RECT_PREV_STATE, item.state.value if item.state else None))
        for column, value in references:
            _reference(ws.cell(row, col[column]), value, center=column is L.RECT_PREV_STATE)
        for column in (L.RECT_MEASURES, L.RECT_PROGRESS, L.RECT_STATE):
            _input(ws.cell(row, col[column]), wrap=column is not L.RECT_STATE, center=column is L.RECT_STATE)
        _fit_row(ws, row, columns, minimum=MIN_INPUT_ROW_HEIGHT)
    letter = get_column_letter(col[L.RECT_STATE])
    dv = _list_validation(L.RECTIFICATION_STATES, "整改状态")
    dv.add(f"{letter}{L.FIRST_DATA_ROW}:{letter}{L.FIRST_DATA_ROW + len(items) - 1}")
    ws.add_data_validation(dv)
    _finish(ws, columns, freeze=f"{get_column_letter(col[L.RECT_TEXT] + 1)}{L.FIRST_DATA_ROW}")


def _write_info(ws: Worksheet, c: _Context) -> None:
    ws.cell(1, 1, f"{c.heading}基本信息")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    _style(ws.cell(1, 1), bold=True, size=14, font=TITLE_FONT, center=True, border=False)
    ws.row_dimensions[1].height = 30
    info = c.previous.info if c.previous else None
    prefilled: dict[str, object] = {
        L.INFO_ACTION_ID: c.action.id,
        L.INFO_ACTION_NAME: c.action.name,
        L.INFO_LEAD_UNITS: c.action.lead_units_text,
        L.INFO_QUARTER: c.quarter.label,
        L.INFO_FILLER: info.filler if info else None,
        L.INFO_PHONE: info.phone if info else None,
        L.INFO_REVIEWER: info.reviewer if info else None,
    }
    notes = {
        L.INFO_FILLER: "必填", L.INFO_PHONE: "必填，手机或办公电话", L.INFO_REVIEWER: "单位负责同志",
        L.INFO_DATE: "必填，如 2025-10-08", L.INFO_SUMMARY: "简要综述本季度推进情况、主要成效",
        L.INFO_NEXT: "下一季度主要工作安排",
    }
    for i, label in enumerate(L.INFO_FIELDS):
        row = L.INFO_FIRST_ROW + i
        label_cell = ws.cell(row, 1, label)
        _style(label_cell, bold=True, fill=HEADER_FILL)
        value_cell = ws.cell(row, 2)
        _put(value_cell, prefilled.get(label))
        note_cell = ws.cell(row, 3, "已预置，请勿修改" if label in L.INFO_LOCKED else notes.get(label, ""))
        _style(note_cell, size=10, color="595959", wrap=True)
        if label in L.INFO_LOCKED:
            _style(value_cell, wrap=True, left=True)
        else:
            _input(value_cell, wrap=True, left=True)
        if label == L.INFO_PHONE:
            value_cell.number_format = "@"
        if label == L.INFO_DATE:
            value_cell.number_format = DATE_FORMAT
            dv = _date_validation("填报日期")
            dv.add(value_cell.coordinate)
            ws.add_data_validation(dv)
        tall = label in (L.INFO_SUMMARY, L.INFO_NEXT)
        ws.row_dimensions[row].height = 120 if tall else 24
    for letter, width in (("A", 18), ("B", 70), ("C", 26)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{L.INFO_FIRST_ROW}"
    _print_setup(ws, title_rows=None, landscape=False)
    _protect(ws)


def _write_meta(ws: Worksheet, c: _Context) -> None:
    rows = (
        (L.META_PLAN_ID, c.registry.plan.id),
        (L.META_ACTION_ID, c.action.id),
        (L.META_QUARTER, str(c.quarter)),
        (L.META_TEMPLATE_VERSION, L.effective_template_version(c.registry.plan.template_version)),
        (L.META_ACTION_NAME, c.action.name),
        (L.META_GENERATOR, "yc-reports"),
        *((L.META_INDICATOR_PREFIX + i.key, i.name) for i in c.action.indicators),
        *((L.META_TASK_PREFIX + t.key, t.content) for t in c.action.tasks),
    )
    for row, (key, value) in enumerate(rows, start=1):
        ws.cell(row, 1, key)
        _put(ws.cell(row, 2), value)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 40
    ws.sheet_state = "hidden"
    _protect(ws)


def _write_guide(ws: Worksheet, c: _Context) -> None:
    plan = c.registry.plan
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 80
    row = 1
    ws.cell(row, 1, f"{plan.short_name}季度调度填报说明")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    _style(ws.cell(row, 1), bold=True, size=16, font=TITLE_FONT, center=True, border=False)
    ws.row_dimensions[row].height = 32
    row += 1
    row = _guide_line(ws, row, f"行动：{action_name_line(c.action)}　牵头单位：{c.action.lead_units_text}"
                               f"　填报季度：{c.quarter.label}", bold=True)
    row += 1
    row = _guide_line(ws, row, "一、填报步骤", bold=True)
    steps = (
        "1. 在“基本信息”表填写填报人、联系电话、审核人和填报日期（必填），并简要填写本季度工作综述和下一步工作计划。",
        f"2. 在“指标进展”表的“截至本季度末完成值”列填写各指标截至{c.quarter.end_month_label}的数值。只填数字，"
        "单位以“单位”列为准（不要再写单位或文字）；百分比指标填百分数，如 85 表示 85%。"
        "数据暂缺的，请在“情况说明”中写明原因和预计报送时间。",
        "3. 在“重点任务”表为每项任务从下拉列表选择本季度的“完成状态”（已完成/正常推进/滞后/未启动），填写本季度进展情况和"
        "存在问题；本单位需补充的任务，填在下方空白行。灰色“上季度”栏是上季度所报内容，仅供参考，不作为本季度填报内容。",
        "4. 在“重大项目”表逐个填写列入责任清单的重大项目，一个项目一行；投资以万元为单位，"
        "从下拉列表选择“项目状态”（未开工/在建/已竣工）。上季度已报项目的名称、总投资等已带入，"
        "本季度的累计完成投资、项目状态和形象进度请重新填写。",
        "5. 灰色和蓝色单元格已锁定（目标值等以计划配置为准），请勿修改；工作表不要增删、改名。",
        "6. 填好后直接保存（.xlsx 格式，文件名可不改），不要另存为 .xls，不要设置打开密码，"
        "不要只粘贴公式（如用公式计算，请在 Excel 或 WPS 中保存一次）。按通知要求时间报送指挥部办公室。",
    )
    for step in steps:
        row = _guide_line(ws, row, step)
    row += 1
    row = _guide_line(ws, row, "二、各表主要栏目含义", bold=True)
    for i, text in enumerate(("工作表", "栏目", "含义")):
        _style(ws.cell(row, i + 1, text), bold=True, fill=HEADER_FILL, center=True)
    row += 1
    for sheet, column, meaning in _column_meanings(c):
        for i, text in enumerate((sheet, column, meaning)):
            _style(ws.cell(row, i + 1, text), wrap=True)
        _fit_row(ws, row, None, widths=(14, 26, 80))
        row += 1
    row += 1
    row = _guide_line(ws, row, "三、颜色说明", bold=True)
    for fill, meaning in ((INPUT_FILL, "黄色：填报区域，请填写"),
                          (READONLY_FILL, "灰色：参考数据（上季度所报数值、状态和文字），已锁定，不作为本季度填报内容"),
                          (HEADER_FILL, "蓝色：表头和栏目名称，已锁定")):
        _style(ws.cell(row, 1), fill=fill)
        ws.cell(row, 2, meaning)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        _style(ws.cell(row, 2), border=False)
        row += 1
    row += 1
    row = _guide_line(ws, row, "四、填报示例（“指标进展”表中的一行）", bold=True)
    for i, text in enumerate(("栏目", "示例内容")):
        _style(ws.cell(row, i + 2, text), bold=True, fill=HEADER_FILL, center=True)
    row += 1
    for column, example in _example_row(c):
        _style(ws.cell(row, 2, column), wrap=True)
        _style(ws.cell(row, 3, example), wrap=True, fill=INPUT_FILL if column in (
            L.IND_VALUE.header, L.IND_NOTE.header) else None)
        _fit_row(ws, row, None, widths=(14, 26, 80))
        row += 1
    row += 1
    row = _guide_line(ws, row, "五、联系方式", bold=True)
    host = f"（设在{plan.office_host}）" if plan.office_host else ""
    _guide_line(ws, row, f"填报中如有疑问，请联系{plan.office}{host}。")
    _print_setup(ws, title_rows=None, landscape=False)
    _protect(ws)


def _guide_line(ws: Worksheet, row: int, text: str, bold: bool = False) -> int:
    ws.cell(row, 1, text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    _style(ws.cell(row, 1), bold=bold, wrap=True, left=True, border=False)
    lines = wrapped_lines(text, 14 + 26 + 80)
    ws.row_dimensions[row].height = max(1, lines) * LINE_HEIGHT + 6
    return row + 1


def _column_meanings(c: _Context) -> list[tuple[str, str, str]]:
    start = c.registry.plan.start_year
    return [
        (L.SHEET_INDICATORS, L.IND_TARGET.header,
         "方案确定的目标值（最近一个尚未到期的目标年份）；空白表示目标待省或指挥部办公室确定。"),
        (L.SHEET_INDICATORS, L.IND_BASIS.header,
         f"该指标的统计口径：“{L.BASIS_FLOW.format(year=c.quarter.year)}”为年内累计数，"
         f"“{L.BASIS_CUMULATIVE.format(start=start)}”为方案实施以来的累计数，“{L.BASIS_LEVEL}”为季度末的比率或存量。"),
        (L.SHEET_INDICATORS, L.IND_PREVIOUS.header, "上季度报送的数值，供参考核对，已锁定。"),
        (L.SHEET_INDICATORS, L.IND_VALUE.header, "按“填报口径”填写截至本季度末的数值，只填数字。"),
        (L.SHEET_INDICATORS, L.IND_NOTE.header, "简要说明数据来源、变化原因；数据暂缺的须说明原因。"),
        (L.SHEET_TASKS, L.TASK_STATUS.header, "已完成 / 正常推进 / 滞后 / 未启动，从下拉列表选择。"),
        (L.SHEET_TASKS, "“上季度”各栏", "上季度所报的完成状态、进展情况和存在问题，供参考，已锁定；"
                                        "本季度情况须在右侧黄色栏填写，未填写的按未填报处理。"),
        (L.SHEET_TASKS, L.TASK_PROGRESS.header, "本季度主要进展、完成的节点，尽量用数据说话。"),
        (L.SHEET_PROJECTS, L.PRJ_ANNUAL_PLAN.header, f"{c.quarter.year}年计划完成投资，单位万元。"),
        (L.SHEET_PROJECTS, L.PRJ_YTD.header, f"{c.quarter.year}年1月至本季度末累计完成投资，单位万元。"),
        (L.SHEET_PROJECTS, L.PRJ_IMAGE.header, "如“主体结构完工”“完成设备安装调试”。"),
    ]


def _example_row(c: _Context) -> list[tuple[str, str]]:
    start = c.registry.plan.start_year
    return [
        (L.IND_NAME.header, "新增绿色工厂数量"),
        (L.IND_UNIT.header, "家"),
        (L.IND_TARGET.header, "12"),
        (L.IND_TARGET_YEAR.header, "2025"),
        (L.IND_BASIS.header, L.BASIS_CUMULATIVE.format(start=start)),
        (L.IND_PREVIOUS.header, "6"),
        (L.IND_VALUE.header, "8（只填数字，不写“家”）"),
        (L.IND_NOTE.header, "本季度新增国家级绿色工厂2家（××公司、××公司），累计8家。"),
    ]


# ------------------------------------------------------------------------------------------ styling helpers


def _column_numbers(columns: Sequence[L.Column]) -> dict[L.Column, int]:
    return {column: i + 1 for i, column in enumerate(columns)}


def _put(cell: Cell | MergedCell, value: object) -> None:
    """Write a value: text never becomes a formula; Decimals stay exact; dates get a date format."""
    cell = writable(cell)
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else value
    elif value is None or isinstance(value, int | float | dt.datetime):
        cell.value = value
    else:
        raise TypeError(f"cannot write {type(value).__name__} to {cell.coordinate}")


def _style(cell: Cell | MergedCell, *, bold: bool = False, size: float = 11, font: str = FONT, color: str | None = None,
           fill: PatternFill | None = None, wrap: bool = False, center: bool = False, left: bool = False,
           border: bool = True) -> None:
    cell.font = Font(name=font, size=size, bold=bold, color=color)
    if fill is not None:
        cell.fill = fill
    horizontal = "center" if center else ("left" if left or wrap else None)
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
    if border:
        cell.border = BORDER


def _input(cell: Cell | MergedCell, wrap: bool = False, center: bool = False, left: bool = False) -> None:
    _style(cell, fill=INPUT_FILL, wrap=wrap, center=center, left=left)
    cell.protection = UNLOCKED


def _reference(cell: Cell | MergedCell, value: object, center: bool = False) -> None:
    """Last quarter's answer beside its input cell: grey and locked, for reference only (texts wrapped, figures
    right-aligned as figures are)."""
    _put(cell, None if value == "" else value)
    text = isinstance(value, str) and not center
    _style(cell, fill=READONLY_FILL, wrap=text, center=center, color="404040")


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(L.TITLE_ROW, 1, text)
    ws.merge_cells(start_row=L.TITLE_ROW, start_column=1, end_row=L.TITLE_ROW, end_column=width)
    _style(ws.cell(L.TITLE_ROW, 1), bold=True, size=14, font=TITLE_FONT, center=True, border=False)
    ws.row_dimensions[L.TITLE_ROW].height = 30


def _hint(ws: Worksheet, text: str, width: int) -> None:
    ws.cell(L.HINT_ROW, 1, text)
    ws.merge_cells(start_row=L.HINT_ROW, start_column=1, end_row=L.HINT_ROW, end_column=width)
    _style(ws.cell(L.HINT_ROW, 1), size=10, color="595959", wrap=True, left=True, border=False)
    ws.row_dimensions[L.HINT_ROW].height = 30


def _header(ws: Worksheet, columns: Sequence[L.Column]) -> None:
    for i, column in enumerate(columns, start=1):
        _style(ws.cell(L.HEADER_ROW, i, column.header), bold=True, fill=HEADER_FILL, wrap=True, center=True)
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.row_dimensions[L.HEADER_ROW].height = 32


def _finish(ws: Worksheet, columns: Sequence[L.Column], freeze: str) -> None:
    ws.freeze_panes = freeze
    _print_setup(ws, title_rows=f"{L.HEADER_ROW}:{L.HEADER_ROW}", landscape=True)
    _protect(ws)


def _print_setup(ws: Worksheet, title_rows: str | None, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    # The stub allows None; WorksheetProperties() always makes one.
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _protect(ws: Worksheet) -> None:
    """Sheet protection without a password: input cells stay editable, columns and rows may be resized."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _decimal_validation(operator: Literal["between", "greaterThanOrEqual"], low: str, high: str | None,
                        message: str) -> DataValidation:
    dv = DataValidation(type="decimal", operator=operator, formula1=low, formula2=high, allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, errorStyle="stop")
    dv.errorTitle = "数值有误"
    dv.error = message
    return dv


def _list_validation(choices: Iterable[str], what: str) -> DataValidation:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, errorStyle="stop")
    dv.errorTitle = f"{what}有误"
    dv.error = f"请从下拉列表中选择{what}。"
    return dv


_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date_validation(what: str) -> DataValidation:
    low = (dt.date(2000, 1, 1) - _EXCEL_EPOCH).days
    high = (dt.date(2099, 12, 31) - _EXCEL_EPOCH).days
    dv = DataValidation(type="date", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
                        showErrorMessage=True, showInputMessage=True, errorStyle="stop")
    dv.errorTitle = f"{what}有误"
    dv.error = "请按 2025-10-08 的格式填写日期。"
    dv.promptTitle = what
    dv.prompt = "日期格式：2025-10-08"
    return dv


def _fit_row(ws: Worksheet, row: int, columns: Sequence[L.Column] | None, minimum: float = 0,
             widths: Sequence[float] | None = None) -> None:
    """Row height for the wrapped text it holds (Excel does not grow rows written by a program)."""
    widths = widths or [c.width for c in columns or ()]
    lines = 1
    for i, width in enumerate(widths, start=1):
        value = ws.cell(row, i).value
        if value is not None and isinstance(value, str):
            lines = max(lines, wrapped_lines(value, width))
    ws.row_dimensions[row].height = max(minimum, lines * LINE_HEIGHT + 6)
