"""The plan as a workbook the office edits in WPS or Excel (`yc-reports plan export / import / new`).

Sheets (Chinese headers, one row per item): 方案信息, 行动, 指标 (targets by year in one column per
year of the period: a number, 待定 for a target still to be set, blank for no target that year),
重点任务, 评价阈值, 考核规则, and 填写说明. Dropdowns and number checks guard the cells; `read_plan_workbook`
checks everything again and names every problem at its sheet and cell, then hands the registry
parser a plan it accepts — so an imported plan is exactly as valid as a hand-written plan.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from yc_reports.plan.registry import (
    ASSESSMENT_LABELS,
    Baseline,
    Direction,
    Frequency,
    Indicator,
    Kind,
    PlanInfo,
    Registry,
    RegistryError,
    parse_registry,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

Row = Sequence[Any]   # one row's cell values, as openpyxl reads them

SHEET_GUIDE = "填写说明"
SHEET_PLAN = "方案信息"
SHEET_ACTIONS = "行动"
SHEET_INDICATORS = "指标"
SHEET_TASKS = "重点任务"
SHEET_THRESHOLDS = "评价阈值"
SHEET_ASSESSMENT = "考核规则"
PENDING = "待定"

PLAN_FIELDS = (("id", "方案代码"), ("name", "方案名称"), ("short_name", "简称"), ("doc_number", "文号"),
               ("issuer", "印发机关"), ("issued", "印发日期"), ("start_year", "开始年份"), ("end_year", "结束年份"),
               ("city", "城市"), ("headquarters", "指挥部"), ("office", "指挥部办公室"), ("office_host", "办公室设在"),
               ("template_version", "模板版本"))
OPTIONAL_PLAN_FIELDS = ("doc_number", "issuer", "office_host")
KINDS = {Kind.FLOW: "年内累计", Kind.CUMULATIVE: "方案期累计", Kind.LEVEL: "期末水平"}
DIRECTIONS = {Direction.FLOOR: "不低于目标", Direction.CEILING: "不高于目标"}
FREQUENCIES = {Frequency.QUARTERLY: "每季度", Frequency.ANNUAL: "每年第四季度"}
YES_NO = {True: "是", False: "否"}
THRESHOLDS = (("ahead", "超前：差距不小于（百分点）"), ("on_track", "正常：差距不小于（百分点）"),
              ("watch", "关注：差距不小于（百分点），再低为滞后"),
              ("overall_good", "总体评价“进展顺利”：按期推进的占比不小于（%）"),
              ("overall_fair", "总体评价“总体平稳”：按期推进的占比不小于（%），再低为“进度偏慢”"))
ACTION_HEADERS = ("行动序号", "行动名称", "牵头单位")
INDICATOR_HEADERS = ("行动序号", "指标代码", "指标名称", "单位", "指标类型", "控制方向", "填报频次", "可为负数",
                     "基期年份", "基期值", "目标为基期的倍数", "小数位数", "目标说明", "依据")
TASK_HEADERS = ("行动序号", "任务代码", "任务内容", "完成时限", "依据")
_YEAR_HEADER = re.compile(r"^(\d{4})年目标$")
# Where each key of the plan file stands in the workbook: its column's header (行动, 指标, 重点任务).
_FIELD_HEADERS = {
    SHEET_ACTIONS: {"id": "行动序号", "name": "行动名称", "lead_units": "牵头单位"},
    SHEET_INDICATORS: {"key": "指标代码", "name": "指标名称", "unit": "单位", "kind": "指标类型", "direction": "控制方向",
                       "frequency": "填报频次", "signed": "可为负数", "baseline": "基期年份", "target_multiple": "目标为基期的倍数",
                       "decimals": "小数位数", "target_note": "目标说明", "source": "依据"},
    SHEET_TASKS: {"key": "任务代码", "content": "任务内容", "deadline": "完成时限", "source": "依据"},
}
_WEIGHTS = ("weight_indicators", "weight_tasks", "weight_reporting")


@dataclass(frozen=True)
class PlanProblem:
    sheet: str
    cell: str      # e.g. "E5"; empty when the problem is the whole sheet
    message: str

    @property
    def text(self) -> str:
        if not self.sheet:   # the file as a whole
            return self.message
        where = f"“{self.sheet}”表{self.cell}" if self.cell else f"“{self.sheet}”表"
        return f"{where}：{self.message}"


class PlanWorkbookError(ValueError):
    """The workbook cannot be imported; `problems` names every one at its sheet and cell."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        super().__init__("；".join(p.text for p in problems))
        self.problems = problems


# ------------------------------------------------------------------------------------ export


def write_plan_workbook(registry: Registry, path: Path) -> Path:
    """The registry as the office's plan workbook (same registry → same bytes)."""
    from openpyxl import Workbook

    from yc_reports.workbook.xlsx_io import save_workbook

    wb = Workbook()
    _guide(wb.worksheets[0], registry)
    p = registry.plan
    _sheet(wb, SHEET_PLAN, ("项目", "内容"),
           [(label, _cell_value(getattr(p, field))) for field, label in PLAN_FIELDS], widths=(16, 60))
    _sheet(wb, SHEET_ACTIONS, ACTION_HEADERS,
           [(a.id, a.name, "、".join(a.lead_units)) for a in registry.actions], widths=(10, 36, 40),
           whole=(1,))
    years = list(range(p.start_year, p.end_year + 1))
    rows = []
    for a in registry.actions:
        for i in a.indicators:
            rows.append((a.id, i.key, i.name, i.unit, KINDS[i.kind], DIRECTIONS[i.direction], FREQUENCIES[i.frequency],
                         YES_NO[i.signed], i.baseline.year if i.baseline else None,
                         _target_cell(i.baseline.value) if i.baseline else None,
                         _cell_value(i.target_multiple), i.decimals, i.target_note, i.source,
                         *(_target_cell(i.targets[y]) if y in i.targets else None for y in years)))
    headers = INDICATOR_HEADERS + tuple(f"{y}年目标" for y in years)
    ws = _sheet(wb, SHEET_INDICATORS, headers, rows,
                widths=(10, 26, 30, 10, 12, 12, 14, 10, 10, 10, 12, 10, 20, 40) + (12,) * len(years),
                whole=(1, 9, 12),
                choices={5: tuple(KINDS.values()), 6: tuple(DIRECTIONS.values()), 7: tuple(FREQUENCIES.values()),
                         8: tuple(YES_NO.values())})
    _hint_comment(ws, len(INDICATOR_HEADERS) + 1,
                  "填数字；“待定”表示目标待省下达或待办公室确定；空白表示该年不设目标。")
    _sheet(wb, SHEET_TASKS, TASK_HEADERS,
           [(a.id, t.key, t.content, t.deadline, t.source) for a in registry.actions for t in a.tasks],
           widths=(10, 26, 50, 14, 50), whole=(1,), dates=(4,))
    _sheet(wb, SHEET_THRESHOLDS, ("项目", "值"),
           [(label, _cell_value(getattr(registry.thresholds, key))) for key, label in THRESHOLDS], widths=(40, 12),
           numbers=(2,))
    _sheet(wb, SHEET_ASSESSMENT, ("项目", "分值或每处扣分"),
           [(label, _cell_value(getattr(registry.assessment, key))) for key, label in ASSESSMENT_LABELS.items()],
           widths=(36, 16), numbers=(2,))
    save_workbook(wb, Path(path))
    return Path(path)


@dataclass(frozen=True)
class WithoutBase:
    """An indicator that will not be judged each quarter for want of a base (docs/rules.md, "Not judged this quarter"): a level
    or rate without a base year's figure is judged only in its target years' fourth quarter; one whose target is a
    multiple of the base has no target at all until the base is filled in."""

    action_id: int
    name: str
    target_years: tuple[int, ...]
    multiple: bool
    row: int   # its row on the 指标 sheet of a workbook `write_plan_workbook` writes


def without_base(registry: Registry) -> tuple[WithoutBase, ...]:
    """Every indicator of the plan that lacks a base, in the 指标 sheet's order."""
    out = []
    row = 1
    for a in registry.actions:
        for i in a.indicators:
            row += 1
            if i.judged_in_target_year_only:
                out.append(WithoutBase(a.id, i.name, tuple(sorted(i.targets)), i.target_multiple is not None, row))
    return tuple(out)


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _target_cell(value: Decimal | None) -> Any:
    return PENDING if value is None else _cell_value(value)


def _guide(ws: Worksheet, registry: Registry) -> None:
    ws.title = SHEET_GUIDE
    lines = [
        f"{registry.plan.name}：计划配置表",
        "本表由 yc-reports plan export 生成。修改后运行 yc-reports plan import 本文件，"
        "检查无误即生成计划配置文件 inputs/plan.toml。",
        "“方案信息”：方案名称、实施期（开始、结束年份）等；方案代码写入各季度填报表，已下发填报表后请勿修改。",
        "“行动”：每行一项行动；多个牵头单位用顿号“、”分隔。",
        "“指标”：每行一项指标；“指标代码”为英文小写字母和下划线，同一方案内不得重复，下发填报表后请勿修改。"
        "各年目标：填数字；“待定”表示目标待省下达或待办公室确定；空白表示该年不设目标。",
        "“指标类型”：年内累计（如游客接待量，按季度累计、每年重新计算）；方案期累计（如新增绿色工厂，自方案开始年累计）；"
        "期末水平（如覆盖率、融资规模，填季度末的水平值）。",
        "“重点任务”：每行一项任务；完成时限写作 2025-12-31。",
        "“评价阈值”：完成率与时序进度之差（百分点）达到各档的下限；通报总体评价按期推进占比（%）的各档下限。“考核规则”：年度考核各部分分值和每处扣分。",
    ]
    for row, text in enumerate(lines, start=1):
        ws.cell(row, 1, text)
    ws.column_dimensions["A"].width = 120


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], *,
           widths: Sequence[int], whole: Sequence[int] = (), numbers: Sequence[int] = (),
           dates: Sequence[int] = (), choices: dict[int, tuple[str, ...]] | None = None) -> Worksheet:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from yc_reports.workbook.xlsx_io import set_text

    ws: Worksheet = wb.create_sheet(title)
    for c, header in enumerate(headers, start=1):
        cell = cast("Cell", ws.cell(1, c))   # a new sheet has no merged cells
        set_text(cell, header)
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1] if c <= len(widths) else 12
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = cast("Cell", ws.cell(r, c))
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="center", wrap_text=isinstance(value, str) and len(value) > 12)
    last = max(len(rows) + 1, 2) + 200   # room for rows the office adds
    for col in whole:
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2="9999", allow_blank=True,
                            showErrorMessage=True, errorTitle="应为整数", error="请填写整数。")
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
        ws.add_data_validation(dv)
    for col in numbers:
        dv = DataValidation(type="decimal", operator="between", formula1="-1000", formula2="1000", allow_blank=False,
                            showErrorMessage=True, errorTitle="应为数字", error="请填写数字。")
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
        ws.add_data_validation(dv)
    for col in dates:
        dv = DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                            showErrorMessage=True, errorTitle="日期有误", error="请按 2025-12-31 的格式填写日期。")
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
        ws.add_data_validation(dv)
    for col, options in (choices or {}).items():
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="请从下拉列表中选择", error="请从下拉列表中选择。")
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
        ws.add_data_validation(dv)
    ws.freeze_panes = "B2" if title == SHEET_INDICATORS else "A2"
    return ws


def _hint_comment(ws: Worksheet, first_col: int, text: str) -> None:
    """An input message on the year columns (no comment boxes: they print and clutter)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last_col = ws.max_column
    dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True, showInputMessage=True,
                        promptTitle="各年目标", prompt=text)
    dv.add(f"{get_column_letter(first_col)}2:{get_column_letter(last_col)}{ws.max_row + 200}")
    ws.add_data_validation(dv)


# ------------------------------------------------------------------------------------ import


def read_plan_workbook(path: Path) -> Registry:
    """The registry the workbook describes; PlanWorkbookError names every problem at its cell."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(Path(path), data_only=True)
    except Exception:  # not a workbook, damaged, or not xlsx: said in words, never the exception's name
        raise PlanWorkbookError([PlanProblem("", "", unreadable_plan_text(Path(path)))]) from None
    reader = _PlanReader(wb)
    raw = reader.raw()
    if reader.problems:
        raise PlanWorkbookError(reader.problems)
    try:
        return parse_registry(raw, Path(path).name)
    except RegistryError as exc:   # a rule only the registry checks (duplicate keys, target years …)
        faults = getattr(exc, "faults", ())   # schema.PlanFaults: each fault at its place in `raw`
        if not faults:
            raise PlanWorkbookError([PlanProblem(SHEET_PLAN, "", str(exc))]) from None
        raise PlanWorkbookError([PlanProblem(*reader.locate(loc, raw), what) for loc, what in faults]) from None


def unreadable_plan_text(path: Path) -> str:
    """Why the plan workbook cannot be opened, in the office's words."""
    if path.suffix.lower() == ".xls":
        return (f"“{path.name}”是旧版 Excel 格式（.xls），无法读取。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）"
                "后重新导入。")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return f"“{path.name}”不是 Excel 工作簿（.xlsx）。请导入用 yc-reports plan export 导出、修改后保存的计划配置表。"
    return (f"“{path.name}”已损坏或不是有效的 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开确认后“另存为”"
            "Excel 工作簿（*.xlsx），再重新导入。")


class _PlanReader:
    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.problems: list[PlanProblem] = []
        self.origin: dict[int, tuple[str, int]] = {}          # id() of an action, indicator or task dict → (sheet, row)
        self.columns: dict[str, dict[str, int]] = {}          # sheet → header → column
        self.label_rows: dict[str, dict[str, int]] = {}       # 方案信息 / 评价阈值 / 考核规则: label → row

    def locate(self, loc: tuple[int | str, ...], raw: dict) -> tuple[str, str]:
        """(sheet, cell) where the value at `loc` of the plan file built by `raw()` came from: a cell, a range of
        cells for a rule across several (B2:B4), or "" when the fault concerns the sheet as a whole."""
        from openpyxl.utils import get_column_letter

        top = str(loc[0]) if loc else ""
        labelled = {"plan": (SHEET_PLAN, dict(PLAN_FIELDS)), "thresholds": (SHEET_THRESHOLDS, dict(THRESHOLDS)),
                    "assessment": (SHEET_ASSESSMENT, ASSESSMENT_LABELS)}
        if top in labelled:
            sheet, labels = labelled[top]
            rows = self.label_rows.get(sheet, {})
            whole = {"assessment": list(_WEIGHTS), "thresholds": ["ahead", "on_track", "watch"]}.get(top, list(labels))
            keys = [str(loc[1])] if len(loc) > 1 else whole
            found = sorted(rows[labels[k]] for k in keys if k in labels and labels[k] in rows)
            if not found:
                return sheet, ""
            return sheet, f"B{found[0]}" if len(found) == 1 else f"B{found[0]}:B{found[-1]}"
        if top != "actions":
            return SHEET_PLAN, ""
        sheet, row, node = SHEET_ACTIONS, 0, cast(Any, raw)
        fields: list[str] = []
        for part in loc:
            if isinstance(part, int):
                node = node[part] if isinstance(node, list) and part < len(node) else None
                if id(node) in self.origin:
                    (sheet, row), fields = self.origin[id(node)], []
            elif isinstance(node, dict) and isinstance(node.get(part), list) and part in ("actions", "indicators", "tasks"):
                node = node[part]
            else:
                fields.append(str(part))
        if not row:
            return sheet, ""
        header = _FIELD_HEADERS[sheet].get(fields[0]) if fields else None
        if fields[:1] == ["targets"]:
            years = sorted(c for h, c in self.columns.get(sheet, {}).items() if _YEAR_HEADER.match(h))
            named = self.columns.get(sheet, {}).get(f"{fields[1]}年目标") if len(fields) > 1 else None
            col = named or (years[0] if years else None)
        elif fields[:2] == ["baseline", "value"]:
            col = self.columns.get(sheet, {}).get("基期值")
        else:
            col = self.columns.get(sheet, {}).get(header or _FIELD_HEADERS[sheet]["key" if sheet != SHEET_ACTIONS else "id"])
        return sheet, f"{get_column_letter(col)}{row}" if col else f"A{row}"

    def problem(self, sheet: str, row: int, col: int, message: str) -> None:
        from openpyxl.utils import get_column_letter

        self.problems.append(PlanProblem(sheet, f"{get_column_letter(col)}{row}" if row else "", message))

    def rows(self, sheet: str, headers: Sequence[str]) -> tuple[dict[str, int], list[tuple[int, Row]]] | None:
        if sheet not in self.wb.sheetnames:
            self.problems.append(PlanProblem(sheet, "", "缺少此工作表，请用 yc-reports plan export 导出的表格修改"))
            return None
        ws = self.wb[sheet]
        found = {str(v).strip(): c for c, v in enumerate(next(ws.iter_rows(max_row=1, values_only=True), ()), start=1)
                 if v is not None}
        self.columns[sheet] = found
        missing = [h for h in headers if h not in found]
        for h in missing:
            self.problems.append(PlanProblem(sheet, "", f"第1行缺少“{h}”列"))
        if missing:
            return None
        body: list[tuple[int, Row]] = [
            (r, row) for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2)
            if any(v not in (None, "") for v in row)]
        return found, body

    # typed cells ------------------------------------------------------------------------

    def text(self, sheet: str, row: int, col: int, values: Row, *, required: bool = True) -> str:
        value = values[col - 1] if col - 1 < len(values) else None
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.problem(sheet, row, col, "不能为空")
        return text

    def integer(self, sheet: str, row: int, col: int, values: Row, *, required: bool = True) -> int | None:
        value = values[col - 1] if col - 1 < len(values) else None
        if value in (None, ""):
            if required:
                self.problem(sheet, row, col, "不能为空，应填整数")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            self.problem(sheet, row, col, f"应为整数，实际为“{value}”")
            return None
        return int(number)

    def number(self, sheet: str, row: int, col: int, values: Row, *, pending_ok: bool,
               required: bool) -> Decimal | str | None:
        """A Decimal, PENDING ("待定"), or None for blank."""
        value = values[col - 1] if col - 1 < len(values) else None
        if value in (None, ""):
            if required:
                self.problem(sheet, row, col, "不能为空，应填数字")
            return None
        if isinstance(value, str) and value.strip() == PENDING and pending_ok:
            return PENDING
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():   # "nan", "inf" read as Decimals: never a figure
            hint = f"应填数字或“{PENDING}”" if pending_ok else "应填数字"
            self.problem(sheet, row, col, f"{hint}，实际为“{value}”")
            return None
        return number

    def choice(self, sheet: str, row: int, col: int, values: Row, options: dict[Any, str], default: Any) -> Any:
        text = self.text(sheet, row, col, values, required=False)
        if not text:
            return default
        for key, label in options.items():
            if label == text:
                return key
        self.problem(sheet, row, col, f"应为{'、'.join(options.values())}之一，实际为“{text}”")
        return default

    def date(self, sheet: str, row: int, col: int, values: Row) -> str | None:
        value = values[col - 1] if col - 1 < len(values) else None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = "" if value is None else str(value).strip()
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            self.problem(sheet, row, col, f"应为日期，写作如 2025-12-31，实际为“{text or '空白'}”")
            return None

    # sheets ------------------------------------------------------------------------------

    def raw(self) -> dict:
        plan = self._plan()
        actions = self._actions()
        self._indicators(actions, plan)
        self._tasks(actions)
        return {"plan": plan, "thresholds": self._pairs(SHEET_THRESHOLDS, THRESHOLDS),
                "assessment": self._pairs(SHEET_ASSESSMENT, tuple(ASSESSMENT_LABELS.items())),
                "actions": [actions[k] for k in sorted(actions)]}

    def _labelled(self, sheet: str) -> dict[str, tuple[int, Any]]:
        table = self.rows(sheet, ("项目",))
        if table is None:
            return {}
        _, body = table
        found = {str(row[0]).strip(): (r, row[1] if len(row) > 1 else None) for r, row in body if row[0] is not None}
        self.label_rows[sheet] = {label: r for label, (r, _) in found.items()}
        return found

    def _plan(self) -> dict:
        found = self._labelled(SHEET_PLAN)
        plan: dict[str, Any] = {}
        if not found and SHEET_PLAN not in self.wb.sheetnames:
            return plan
        for field, label in PLAN_FIELDS:
            if label not in found:
                if field not in OPTIONAL_PLAN_FIELDS and field != "template_version":
                    self.problems.append(PlanProblem(SHEET_PLAN, "", f"缺少“{label}”一行"))
                continue
            row, value = found[label]
            if field in ("start_year", "end_year", "template_version"):
                number = self.integer(SHEET_PLAN, row, 2, (None, value))
                if number is not None:
                    plan[field] = number
            elif field == "issued":
                day = self.date(SHEET_PLAN, row, 2, (None, value))
                if day:
                    plan[field] = day
            else:
                plan[field] = self.text(SHEET_PLAN, row, 2, (None, value), required=field not in OPTIONAL_PLAN_FIELDS)
        start, end = plan.get("start_year"), plan.get("end_year")
        if start is not None and end is not None and end < start:
            self.problem(SHEET_PLAN, found["结束年份"][0], 2, f"结束年份 {end} 早于开始年份 {start}")
        return plan

    def _actions(self) -> dict[int, dict]:
        table = self.rows(SHEET_ACTIONS, ACTION_HEADERS)
        actions: dict[int, dict] = {}
        if table is None:
            return actions
        col, body = table
        for r, row in body:
            action_id = self.integer(SHEET_ACTIONS, r, col["行动序号"], row)
            name = self.text(SHEET_ACTIONS, r, col["行动名称"], row)
            units_text = self.text(SHEET_ACTIONS, r, col["牵头单位"], row)
            units = [u.strip() for u in re.split(r"[、，,]", units_text) if u.strip()]
            if action_id is None:
                continue
            if action_id in actions:
                self.problem(SHEET_ACTIONS, r, col["行动序号"], f"行动序号 {action_id} 重复")
                continue
            actions[action_id] = {"id": action_id, "name": name, "lead_units": units, "indicators": [], "tasks": []}
            self.origin[id(actions[action_id])] = (SHEET_ACTIONS, r)
        if not actions and not self.problems:
            self.problems.append(PlanProblem(SHEET_ACTIONS, "", "没有任何行动"))
        return actions

    def _owner(self, sheet: str, r: int, c: int, row: Row, actions: dict[int, dict]) -> dict | None:
        action_id = self.integer(sheet, r, c, row)
        if action_id is not None and action_id not in actions:
            self.problem(sheet, r, c, f"行动序号 {action_id} 不在“{SHEET_ACTIONS}”表中")
            return None
        return actions.get(action_id) if action_id is not None else None

    def _indicators(self, actions: dict[int, dict], plan: dict) -> None:
        table = self.rows(SHEET_INDICATORS, INDICATOR_HEADERS)
        if table is None:
            return
        col, body = table
        years = {}
        for header, c in col.items():
            match = _YEAR_HEADER.match(header)
            if match:
                year = int(match.group(1))
                start, end = plan.get("start_year"), plan.get("end_year")
                if start is not None and end is not None and start <= end and not start <= year <= end:
                    self.problem(SHEET_INDICATORS, 1, c, f"{year}年不在方案实施期（{start}—{end}年）内")
                else:
                    years[year] = c
        s = SHEET_INDICATORS
        for r, row in body:
            action = self._owner(s, r, col["行动序号"], row, actions)
            t: dict[str, Any] = {"key": self.text(s, r, col["指标代码"], row),
                                 "name": self.text(s, r, col["指标名称"], row),
                                 "unit": self.text(s, r, col["单位"], row, required=False)}
            if t["key"] and not re.fullmatch(r"[a-z][a-z0-9_]*", t["key"]):
                self.problem(s, r, col["指标代码"], f"应为英文小写字母、数字和下划线，实际为“{t['key']}”")
            kind = self.choice(s, r, col["指标类型"], row, KINDS, None)
            if kind is None and not self.text(s, r, col["指标类型"], row, required=False):
                self.problem(s, r, col["指标类型"], f"不能为空，应为{'、'.join(KINDS.values())}之一")
            t["kind"] = kind.value if kind else "level"
            t["direction"] = self.choice(s, r, col["控制方向"], row, DIRECTIONS, Direction.FLOOR).value
            t["frequency"] = self.choice(s, r, col["填报频次"], row, FREQUENCIES, Frequency.QUARTERLY).value
            t["signed"] = self.choice(s, r, col["可为负数"], row, YES_NO, False)
            base_year = self.integer(s, r, col["基期年份"], row, required=False)
            base_value = self.number(s, r, col["基期值"], row, pending_ok=True, required=False)
            if base_year is not None:
                t["baseline"] = {"year": base_year, "value": "" if base_value in (None, PENDING) else float(base_value)}
            elif base_value is not None:
                self.problem(s, r, col["基期年份"], "填写了基期值，须同时填写基期年份")
            multiple = self.number(s, r, col["目标为基期的倍数"], row, pending_ok=False, required=False)
            if multiple is not None:
                t["target_multiple"] = float(multiple)
            decimals = self.integer(s, r, col["小数位数"], row, required=False)
            t["decimals"] = 1 if decimals is None else decimals
            t["target_note"] = self.text(s, r, col["目标说明"], row, required=False)
            t["source"] = self.text(s, r, col["依据"], row, required=False)
            targets: dict[str, int | float | str] = {}
            for year, c in sorted(years.items()):
                value = self.number(s, r, c, row, pending_ok=True, required=False)
                if value == PENDING:
                    targets[str(year)] = ""
                elif isinstance(value, Decimal):
                    if value < 0:
                        self.problem(s, r, c, "目标值不能为负数")
                    targets[str(year)] = _toml_number(value)
            written = any(c - 1 < len(row) and row[c - 1] not in (None, "") for c in years.values())
            if not targets and not written:   # a target written wrongly is named at its own cell above
                self.problem(s, r, min(years.values(), default=len(INDICATOR_HEADERS) + 1),
                             f"“{t['name'] or t['key']}”至少要有一个年份的目标（数字或“{PENDING}”）")
            t["targets"] = targets
            self.origin[id(t)] = (s, r)
            if action is not None:
                action["indicators"].append(t)

    def _tasks(self, actions: dict[int, dict]) -> None:
        table = self.rows(SHEET_TASKS, TASK_HEADERS)
        if table is None:
            return
        col, body = table
        s = SHEET_TASKS
        for r, row in body:
            action = self._owner(s, r, col["行动序号"], row, actions)
            t = {"key": self.text(s, r, col["任务代码"], row), "content": self.text(s, r, col["任务内容"], row),
                 "deadline": self.date(s, r, col["完成时限"], row),
                 "source": self.text(s, r, col["依据"], row, required=False)}
            self.origin[id(t)] = (s, r)
            if action is not None and t["deadline"]:
                action["tasks"].append(t)

    def _pairs(self, sheet: str, labels: Sequence[tuple[str, str]]) -> dict:
        found = self._labelled(sheet)
        out = {}
        for key, label in labels:
            if label in found:
                row, value = found[label]
                number = self.number(sheet, row, 2, (None, value), pending_ok=False, required=True)
                if isinstance(number, Decimal):
                    out[key] = _toml_number(number)
        return out


def _toml_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------ a new period


def new_period(registry: Registry, start: int, end: int,
               bases: Mapping[str, Decimal] | None = None) -> Registry:
    """The next plan, started from the current one: the same actions, lead units, indicators (their
    kinds, units, names), thresholds and assessment rules; the period and names moved to start–end;
    every target 待定 in the last year (the office fills in the targets by year); no key task (the
    new plan's tasks are the office's to write). Its id changes (2022-2025 → 2026-2030), so the old
    period's workbooks are never mistaken for the new one's; 文号 is left blank and 印发日期 set to the
    period's first day, both for the office to correct.

    Bases: a level measured from a baseline keeps it, moved to the year before the new period; so does an
    unsigned level without one (a coverage, a guarantee rate: judged along a path once it has a base).
    Its value is `bases[key]` — the last figure on record for that year (the office's record) — else 待定;
    but a rate counted from its base year (降低率 with the base year's figure 0) starts from 0 again."""
    bases = bases or {}
    old = registry.plan
    old_span, new_span = f"{old.start_year}—{old.end_year}", f"{start}—{end}"
    plan = dataclasses.replace(
        old, id=_moved(old.id, old, start, end), name=old.name.replace(old_span, new_span),
        doc_number="", issued=dt.date(start, 1, 1), start_year=start, end_year=end)
    actions = []
    for action in registry.actions:
        indicators = tuple(dataclasses.replace(
            i, targets={end: None}, target_multiple=None, baseline=_new_base(i, start - 1, bases.get(i.key)),
            target_note="", source="") for i in action.indicators)
        actions.append(dataclasses.replace(action, indicators=indicators, tasks=()))
    return dataclasses.replace(registry, plan=plan, actions=tuple(actions), source_path="")


def takes_base(indicator: Indicator) -> bool:
    """A level that a new period measures from a base: one with a baseline, or an unsigned level (a rate of
    change — 增速, 降低率 — is not measured from its last figure)."""
    return indicator.kind is Kind.LEVEL and (indicator.baseline is not None or not indicator.signed)


def _new_base(indicator: Indicator, year: int, value: Decimal | None) -> Baseline | None:
    if not takes_base(indicator):
        return None
    if indicator.baseline is not None and indicator.baseline.value == 0:
        return Baseline(year=year, value=Decimal(0))   # a change counted from the base year: from 0 again
    return Baseline(year=year, value=value)


def _moved(plan_id: str, old: PlanInfo, start: int, end: int) -> str:
    span = f"{old.start_year}-{old.end_year}"
    return plan_id.replace(span, f"{start}-{end}") if span in plan_id else f"{plan_id}-{start}-{end}"
