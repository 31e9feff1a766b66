"""The workbook layout shared by the template writer and the parser: sheet names, headers, columns.

Sheet names and the fixed headers (docs/developers.md) are relied on by departments and other tools; the parser
finds header rows by their text, so a re-saved or slightly rearranged workbook still reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from yc_reports.filenames import safe_file_name

SHEET_GUIDE = "填报说明"
SHEET_INFO = "基本信息"
SHEET_INDICATORS = "指标进展"
SHEET_TASKS = "重点任务"
SHEET_PROJECTS = "重大项目"
SHEET_META = "模板标识"   # hidden: identifies plan, action, quarter, template version

TEMPLATE_VERSION = 1  # bump when the layout changes; older files are refused with a clear message


@dataclass(frozen=True)
class Column:
    """One column of a template sheet: its header and width."""

    header: str
    width: float
    required: bool = True   # the header must be present for the sheet to be read
    reference: bool = False  # last quarter's value, shown read-only beside its input column; never read as input


# 指标进展 — one row per indicator of the action.
IND_SEQ = Column("序号", 6)
IND_NAME = Column("指标名称", 34)
IND_UNIT = Column("单位", 10)
IND_TARGET = Column("目标值", 12)
IND_TARGET_YEAR = Column("目标年份", 10)
IND_BASIS = Column("填报口径", 26, required=False)
IND_PREVIOUS = Column("上季度末完成值", 14, required=False, reference=True)
IND_VALUE = Column("截至本季度末完成值", 18)
IND_NOTE = Column("情况说明", 44)
INDICATOR_COLUMNS = (IND_SEQ, IND_NAME, IND_UNIT, IND_TARGET, IND_TARGET_YEAR, IND_BASIS,
                     IND_PREVIOUS, IND_VALUE, IND_NOTE)

# 重点任务 — registry tasks first (content and deadline locked), then blank rows units may use. Each input
# column has last quarter's answer read-only beside it (上季度…): the input cells start empty, so that only
# what the unit writes this quarter is published.
TASK_SEQ = Column("序号", 6)
TASK_CONTENT = Column("任务内容", 40)
TASK_DEADLINE = Column("完成时限", 12)
TASK_PREV_STATUS = Column("上季度完成状态", 12, required=False, reference=True)
TASK_STATUS = Column("完成状态", 12)
TASK_PREV_PROGRESS = Column("上季度进展情况", 30, required=False, reference=True)
TASK_PROGRESS = Column("进展情况", 40)
TASK_PREV_PROBLEMS = Column("上季度存在问题", 24, required=False, reference=True)
TASK_PROBLEMS = Column("存在问题", 30)
TASK_COLUMNS = (TASK_SEQ, TASK_CONTENT, TASK_DEADLINE, TASK_PREV_STATUS, TASK_STATUS, TASK_PREV_PROGRESS,
                TASK_PROGRESS, TASK_PREV_PROBLEMS, TASK_PROBLEMS)
TASK_STATUSES = ("已完成", "正常推进", "滞后", "未启动")
EXTRA_TASK_ROWS = 10

# 重大项目 — entered by the unit. A project of last quarter is carried over: what identifies it (name, total,
# planned start) and this year's plan stay as input cells; last quarter's progress (investment, state, 形象进度)
# is shown read-only beside empty input cells.
PRJ_SEQ = Column("序号", 6)
PRJ_NAME = Column("项目名称", 30)
PRJ_TOTAL = Column("总投资（万元）", 12)
PRJ_ANNUAL_PLAN = Column("年度计划投资（万元）", 14)
PRJ_PREV_YTD = Column("上季度末本年累计完成投资（万元）", 16, required=False, reference=True)
PRJ_YTD = Column("本年累计完成投资（万元）", 16)
PRJ_PREV_STATUS = Column("上季度项目状态", 12, required=False, reference=True)
PRJ_STATUS = Column("项目状态", 10)
PRJ_PLANNED_START = Column("计划开工时间", 14, required=False)
PRJ_PREV_IMAGE = Column("上季度形象进度", 24, required=False, reference=True)
PRJ_IMAGE = Column("形象进度", 30)
PRJ_PROBLEMS = Column("存在问题", 28)
PROJECT_COLUMNS = (PRJ_SEQ, PRJ_NAME, PRJ_TOTAL, PRJ_ANNUAL_PLAN, PRJ_PREV_YTD, PRJ_YTD, PRJ_PREV_STATUS, PRJ_STATUS,
                   PRJ_PLANNED_START, PRJ_PREV_IMAGE, PRJ_IMAGE, PRJ_PROBLEMS)
PROJECT_STATUSES = ("未开工", "在建", "已竣工")
PROJECT_ROWS = 30

# 整改落实 — the open 督办 items of this action, pre-filled by the office; the unit reports on each.
SHEET_RECTIFICATION = "整改落实"
RECT_ID = Column("督办编号", 14)          # e.g. 2025Q3-03-1 (quarter, action, item); locked
RECT_TEXT = Column("督办事项", 40)        # locked
RECT_DEADLINE = Column("整改时限", 12)    # locked
RECT_PREV_MEASURES = Column("上次填报的整改措施", 26, required=False, reference=True)
RECT_MEASURES = Column("整改措施", 34)
RECT_PREV_PROGRESS = Column("上次填报的整改进展", 26, required=False, reference=True)
RECT_PROGRESS = Column("整改进展", 34)
RECT_PREV_STATE = Column("上次填报的整改状态", 12, required=False, reference=True)
RECT_STATE = Column("整改状态", 12)       # dropdown RECTIFICATION_STATES
RECTIFICATION_COLUMNS = (RECT_ID, RECT_TEXT, RECT_DEADLINE, RECT_PREV_MEASURES, RECT_MEASURES, RECT_PREV_PROGRESS,
                         RECT_PROGRESS, RECT_PREV_STATE, RECT_STATE)
RECTIFICATION_STATES = ("已完成", "整改中", "未启动")

# 基本信息 — label in column A, value in column B, one row each, in this order.
INFO_ACTION_ID = "行动编号"
INFO_ACTION_NAME = "行动名称"
INFO_LEAD_UNITS = "牵头单位"
INFO_QUARTER = "季度"
INFO_FILLER = "填报人"
INFO_PHONE = "联系电话"
INFO_REVIEWER = "审核人"
INFO_DATE = "填报日期"
INFO_SUMMARY = "本季度工作综述"
INFO_NEXT = "下一步工作计划"
INFO_FIELDS = (INFO_ACTION_ID, INFO_ACTION_NAME, INFO_LEAD_UNITS, INFO_QUARTER, INFO_FILLER,
               INFO_PHONE, INFO_REVIEWER, INFO_DATE, INFO_SUMMARY, INFO_NEXT)
INFO_LOCKED = (INFO_ACTION_ID, INFO_ACTION_NAME, INFO_LEAD_UNITS, INFO_QUARTER)
INFO_REQUIRED = (INFO_FILLER, INFO_PHONE, INFO_DATE)

# 模板标识 — key in column A, value in column B.
META_PLAN_ID = "plan_id"
META_ACTION_ID = "action_id"
META_QUARTER = "quarter"
META_TEMPLATE_VERSION = "template_version"

MAX_TEXT_LENGTH = 2000  # characters kept from one text cell; longer is cut with a warning

# Where the header row is searched for (titles and hints may stand above it).
HEADER_SEARCH_ROWS = 10


def template_file_name(quarter: str, action_id: int, action_name: str, lead_unit: str) -> str:
    """2025Q3_第03项_建设绿色制造体系_市经信局.xlsx"""
    return safe_file_name(f"{quarter}_第{action_id:02d}项_{action_name}_{lead_unit}.xlsx")


# Rows of the three table sheets (指标进展, 重点任务, 重大项目): a title, a hint, the header, then data.
TITLE_ROW = 1
HINT_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4
MAX_DATA_ROWS = 300  # rows read below the header; a template never has more

# 基本信息: a title row, then one row per field of INFO_FIELDS.
INFO_FIRST_ROW = 2
INFO_SEARCH_ROWS = 40  # labels are found by text within these rows of column A

META_ACTION_NAME = "action_name"   # informational only
META_GENERATOR = "generator"       # informational only
META_INDICATOR_PREFIX = "indicator:"  # indicator:<key> -> the indicator's name (rows of 指标进展, for tools)
META_TASK_PREFIX = "task:"            # task:<key> -> the task's content (rows of 重点任务, for tools)

# 填报口径 per indicator kind ({year}: the target year's calendar year, {start}: the plan's first year).
BASIS_FLOW = "{year}年1月至本季度末累计"
BASIS_CEILING_SUFFIX = "（上限控制）"
BASIS_CUMULATIVE = "{start}年以来累计"
BASIS_LEVEL = "本季度末水平值"
TARGET_PENDING = "目标待省下达"


def effective_template_version(plan_template_version: int) -> int:
    """The version written into templates and expected from workbooks: the layout's or the office's, whichever
    is later (the office bumps `plan.template_version` to retire workbooks already sent out)."""
    return max(TEMPLATE_VERSION, plan_template_version)


def column_number(letters: str) -> int:
    """The column of a cell reference's letters: A -> 1, AA -> 27 (0 for none)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number
