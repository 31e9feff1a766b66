"""Problems are data: every problem found in a workbook or an input folder is an `Issue`.

Checks collect issues and carry on; only "cannot read this at all" stops the reading of one file,
never the run. Messages are Chinese, built from one table of templates, and tell the unit what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


class IssueCode(str, Enum):
    # the file as a whole
    FILE_UNREADABLE = "file-unreadable"
    FILE_NOT_XLSX = "file-not-xlsx"
    FILE_LEGACY_XLS = "file-legacy-xls"
    FILE_ENCRYPTED = "file-encrypted"
    FILE_TOO_LARGE = "file-too-large"
    FILE_NOT_TEMPLATE = "file-not-template"
    TEMPLATE_OUTDATED = "template-outdated"
    TEMPLATE_OTHER_PLAN = "template-other-plan"
    TEMPLATE_OTHER_QUARTER = "template-other-quarter"
    TEMPLATE_UNKNOWN_ACTION = "template-unknown-action"
    # structure
    SHEET_MISSING = "sheet-missing"
    HEADER_MISSING = "header-missing"
    ROW_UNKNOWN = "row-unknown"
    # cells
    NUMBER_INVALID = "number-invalid"
    NUMBER_NEGATIVE = "number-negative"
    VALUE_REQUIRED = "value-required"
    FORMULA_NO_CACHE = "formula-no-cache"
    LOCKED_CELL_CHANGED = "locked-cell-changed"
    TEXT_TOO_LONG = "text-too-long"
    CHOICE_INVALID = "choice-invalid"
    DATE_INVALID = "date-invalid"
    PERCENT_OUT_OF_RANGE = "percent-out-of-range"
    INVESTMENT_EXCEEDS_TOTAL = "investment-exceeds-total"
    # folders and history
    STRAY_FILE = "stray-file"
    DUPLICATE_WORKBOOK = "duplicate-workbook"
    NOT_SUBMITTED = "not-submitted"
    CUMULATIVE_DECREASE = "cumulative-decrease"
    FLOW_DECREASE = "flow-decrease"
    VALUE_JUMP = "value-jump"
    # appended
    ROW_MISSING = "row-missing"
    TEMPLATE_TOO_NEW = "template-too-new"
    TEMPLATE_OTHER_ACTION = "template-other-action"   # portal: uploaded under another action
    CELLS_OUTSIDE_TEMPLATE = "cells-outside-template"
    IDENTICAL_COPY = "identical-copy"
    WORKBOOKS_DIFFER = "workbooks-differ"
    # 整改落实 against the 督办 ledger (intake/rectification.py)
    RECTIFICATION_UNKNOWN = "rectification-unknown"
    RECTIFICATION_CHANGED = "rectification-changed"
    RECTIFICATION_DUPLICATE = "rectification-duplicate"
    RECTIFICATION_MISSING = "rectification-missing"
    RECTIFICATION_SHEET_MISSING = "rectification-sheet-missing"
    RECTIFICATION_CLOSED = "rectification-closed"


_E, _W = Severity.ERROR, Severity.WARNING

# code -> (default severity, message template). Placeholders are filled by `make_issue`.
TEMPLATES: dict[IssueCode, tuple[Severity, str]] = {
    IssueCode.FILE_UNREADABLE: (_E, "文件已损坏或不完整，无法打开（{detail}）。请重新从填报模板另存一份后报送。"),
    IssueCode.FILE_NOT_XLSX: (_E, "该文件不是 Excel 工作簿（.xlsx）。请使用下发的填报模板填写后报送。"),
    IssueCode.FILE_LEGACY_XLS: (_E, "该文件为旧版 Excel 格式（.xls），无法读取。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）后重新报送。"),
    IssueCode.FILE_ENCRYPTED: (_E, "该工作簿设置了打开密码，无法读取。请取消文件密码（“文件—信息—保护工作簿”或 WPS“文档加密”）后重新报送。"),
    IssueCode.FILE_TOO_LARGE: (_E, "文件解压后体积异常（{detail}），已拒绝读取。请使用下发的填报模板重新填写，勿在表中粘贴图片或大量数据。"),
    IssueCode.FILE_NOT_TEMPLATE: (_E, "未找到模板标识，无法识别为本系统下发的填报模板。请下载本季度模板后重新填写。"),
    IssueCode.TEMPLATE_OUTDATED: (_E, "该文件使用的是旧版模板（第{found}版，现行第{expected}版）。请下载本季度最新模板，将数据转填后重新报送。"),
    IssueCode.TEMPLATE_OTHER_PLAN: (_E, "该文件属于其他方案（{found}），不是本方案（{expected}）的填报模板。"),
    IssueCode.TEMPLATE_OTHER_QUARTER: (_E, "该文件是{found}的填报模板，不是{expected}的。请下载{expected}模板填写。"),
    IssueCode.TEMPLATE_UNKNOWN_ACTION: (_E, "模板标识中的行动编号“{found}”不在本方案中。请重新下载模板。"),
    IssueCode.SHEET_MISSING: (_E, "缺少工作表“{sheet}”。请勿删除或重命名模板中的工作表。"),
    IssueCode.HEADER_MISSING: (_E, "工作表“{sheet}”缺少表头“{detail}”。请勿修改模板表头。"),
    IssueCode.ROW_UNKNOWN: (_E, "“{detail}”不是本行动的指标，无法对应。请勿修改指标名称。"),
    IssueCode.NUMBER_INVALID: (_E, "“{value}”不是有效数值。请填写数字（单位：{unit}），不要填写文字或其他单位。"),
    IssueCode.NUMBER_NEGATIVE: (_E, "“{value}”为负数，此项不应为负。请核实后填写。"),
    IssueCode.VALUE_REQUIRED: (_E, "“{detail}”未填写。请补充后报送。"),
    IssueCode.FORMULA_NO_CACHE: (_E, "此单元格为公式（{value}），但文件中没有计算结果（通常因文件由程序生成、未在 Excel/WPS 中打开保存）。请在 Excel 或 WPS 中打开并保存一次，或直接填写数值。"),
    IssueCode.LOCKED_CELL_CHANGED: (_W, "锁定单元格“{detail}”为“{value}”，与计划配置中的“{expected}”不一致，已按计划配置处理。如确需调整，请联系指挥部办公室。"),
    IssueCode.TEXT_TOO_LONG: (_W, "文字过长（{found}字），已截取前{expected}字。请精简后填写。"),
    IssueCode.CHOICE_INVALID: (_E, "“{value}”不是可选项。请从下拉列表中选择：{expected}。"),
    IssueCode.DATE_INVALID: (_E, "“{value}”不是有效日期。请按“2025-10-08”格式填写。"),
    IssueCode.PERCENT_OUT_OF_RANGE: (_W, "“{value}”超出0—100%的常见范围，请核实。"),
    IssueCode.INVESTMENT_EXCEEDS_TOTAL: (_W, "“{detail}”的本年累计完成投资（{value}万元）超过总投资（{expected}万元），请核实。"),
    IssueCode.STRAY_FILE: (_W, "该文件不是填报工作簿（{detail}），已忽略。"),
    IssueCode.DUPLICATE_WORKBOOK: (_E, "第{found}项行动收到多份工作簿（{detail}），无法确定以哪份为准，该行动数据待核实。请只保留一份后重新汇总。"),
    IssueCode.NOT_SUBMITTED: (_W, "第{found}项行动（{detail}）未报送本季度工作簿。"),
    IssueCode.CUMULATIVE_DECREASE: (_W, "“{detail}”为自方案实施以来的累计数，本季度（{value}）低于上季度（{expected}），请核实。"),
    IssueCode.FLOW_DECREASE: (_W, "“{detail}”为年内累计数，本季度（{value}）低于本年上季度（{expected}），请核实。"),
    IssueCode.VALUE_JUMP: (_W, "“{detail}”本季度数值（{value}）与以往各季度（{expected}）相差悬殊，请核实是否填错单位或小数点。"),
    IssueCode.ROW_MISSING: (_E, "缺少“{detail}”所在行。请勿删除模板中的行，可重新下载本季度模板转填。"),
    IssueCode.TEMPLATE_TOO_NEW: (_E, "该文件使用的是更新版本的模板（第{found}版，本系统支持第{expected}版）。请联系指挥部办公室更新系统后再校验。"),
    IssueCode.CELLS_OUTSIDE_TEMPLATE: (_W, "模板表格以外填有内容（{detail}），这些内容未读取。请在模板的表格内填写，勿在表格以外粘贴数据。"),
    IssueCode.IDENTICAL_COPY: (_W, "与“{detail}”内容完全相同，按同一份报送处理。请只保留一份。"),
    IssueCode.WORKBOOKS_DIFFER: (_E, "第{found}项行动的两份工作簿此处不同：本份为“{value}”，“{detail}”为“{expected}”。请核实后只保留一份。"),
    IssueCode.RECTIFICATION_UNKNOWN: (_E, "督办编号“{value}”不是本行动待整改的督办事项（{expected}），该行所填的整改情况（{detail}）无法对应到督办事项，未予采用。请按模板中的督办编号填报，勿修改编号；如有疑问，请联系指挥部办公室。"),
    IssueCode.RECTIFICATION_CHANGED: (_E, "{detail}被改为“{value}”，应为“{expected}”。督办编号、督办事项和整改时限以指挥部办公室通报为准，请改回后重新报送；确需调整的，请联系指挥部办公室。"),
    IssueCode.RECTIFICATION_DUPLICATE: (_E, "督办编号“{value}”在第{expected}行已填报，同一督办事项只能填一行。请合并为一行后重新报送。"),
    IssueCode.RECTIFICATION_MISSING: (_E, "缺少督办事项“{detail}”（督办编号{value}，整改时限{expected}）所在行，该事项的整改情况未填报。请勿删除行；可重新下载本季度模板，逐项填报整改情况。"),
    IssueCode.RECTIFICATION_SHEET_MISSING: (_E, "缺少工作表“整改落实”。本行动有{found}项督办事项待整改（{detail}），请使用本季度下发的模板，在“整改落实”表中逐项填报整改情况。"),
    IssueCode.RECTIFICATION_CLOSED: (_W, "督办编号“{value}”的督办事项已于{expected}销号，无需再填报整改情况。"),
    IssueCode.TEMPLATE_OTHER_ACTION: (_E, "该文件是第{found}项行动的填报模板，不是本行动（第{expected}项）的。请在对应行动下上传，或下载本行动模板重新填写。"),
}


@dataclass(frozen=True)
class Issue:
    """One problem found in a submission: where it is (file, sheet, cell) and what to do."""

    code: IssueCode
    severity: Severity
    file: str
    sheet: str
    cell: str
    message: str
    # What the cell holds when the problem is its content ("约1.8亿"), for the reports to quote; the message
    # already says it, so it is left out of equality and of the JSON form.
    value: str = field(default="", compare=False)

    @property
    def location(self) -> str:
        """指标进展!H7, or the sheet, or nothing."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        del data["value"]
        data["code"] = self.code.value
        data["severity"] = self.severity.value
        return data


def make_issue(code: IssueCode, file: str, sheet: str = "", cell: str = "",
               severity: Severity | None = None, **params: object) -> Issue:
    """Build an issue from the template table; missing placeholders read as empty."""
    default_severity, template = TEMPLATES[code]
    fields = {k: "" for k in ("detail", "value", "unit", "found", "expected", "sheet")}
    fields["sheet"] = sheet
    fields.update({k: str(v) for k, v in params.items()})
    return Issue(code=code, severity=severity or default_severity, file=file, sheet=sheet,
                 cell=cell, message=template.format(**fields), value=fields["value"])


def has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.severity is Severity.ERROR for i in issues)


def flatten(issues: Sequence[Issue], fields: Sequence[str] = ("code", "sheet", "cell")) -> list[list[str]]:
    """A compact view for tests: flatten(issues) == [["number-invalid", "指标进展", "H7"]]."""
    return [[i.to_dict()[f] for f in fields] for i in issues]


def sort_key(issue: Issue) -> tuple:
    """Stable order: file, errors first, then sheet and cell."""
    return (issue.file, issue.severity is not Severity.ERROR, issue.sheet, _cell_order(issue.cell), issue.code.value)


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits) if digits else 0, letters)
