"""`yc-reports check` output: one table of issues, with what each file was recognised as and whether the
build would use it (the judgement of `intake.selection.select_workbooks`), then a one-line verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from yc_reports.intake.records import ParseResult
from yc_reports.intake.selection import FileChoice, Use
from yc_reports.issues import IssueCode, Severity, has_errors, sort_key
from yc_reports.plan.registry import cn_numeral

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
_USE = {
    Use.USED: "汇总时采用",
    Use.COPY: "与“{same_as}”内容相同，按同一份计",
    Use.DUPLICATE: "同一行动另有不同的工作簿（{same_as}），汇总时均不采用，数据待核实",
    Use.OTHER_QUARTER: "不是{expected}的工作簿，汇总时不采用",
    Use.OTHER_PLAN: "不属于本方案，汇总时不采用",
    Use.UNKNOWN_ACTION: "行动编号不在本方案中，汇总时不采用",
    Use.UNREADABLE: "无法读取，汇总时不采用",
}


def recognition(choice: FileChoice | None) -> str:
    """第三项行动 2025年第三季度：汇总时采用 — what a file was recognised as and whether the build uses it."""
    if choice is None:
        return "汇总时不读取"
    what = ""
    if choice.action_id is not None and choice.quarter is not None:
        what = f"第{cn_numeral(choice.action_id)}项行动 {choice.quarter.label}："
    expected = choice.expected.label if choice.expected is not None else "本季度"
    return what + _USE[choice.use].format(same_as=choice.same_as, expected=expected)


def print_check_results(console: Console, results: Sequence[ParseResult],
                        choices: Mapping[str, FileChoice] | None = None) -> None:
    """One table, a block of rows per file (errors first), clean workbooks shown as passed; then the verdict."""
    choices = choices or {}
    if results:
        table = Table(header_style="bold", expand=False)
        table.add_column("文件", overflow="fold", max_width=48)
        table.add_column("识别结果", overflow="fold", max_width=30)
        table.add_column("位置", no_wrap=True)
        table.add_column("级别", no_wrap=True)
        table.add_column("问题说明", overflow="fold")
        for i, result in enumerate(sorted(results, key=lambda r: r.file)):
            if i:
                table.add_section()
            issues = sorted(result.issues, key=sort_key)
            seen = recognition(choices.get(result.file))
            if not issues:
                table.add_row(result.file, seen, "—", Text("通过", style="green"), "未发现问题。")
            for n, issue in enumerate(issues):
                style = _STYLE[issue.severity]
                table.add_row(issue.file if n == 0 else "", seen if n == 0 else "", issue.location or "—",
                              Text(issue.severity.label, style=style),
                              Text(issue.message, style=style if issue.severity is Severity.ERROR else ""))
        console.print(table)
    console.print(summary_line(results))
    console.print(verdict_line(results))


def summary_line(results: Sequence[ParseResult]) -> str:
    """共校验 3 份工作簿：2 份无误，1 份有错误；错误 2 处，警告 1 处。 and what to do next."""
    workbooks = [r for r in results if not _is_stray(r)]
    issues = [issue for result in results for issue in result.issues]
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = len(issues) - errors
    if not workbooks:
        return "未找到可校验的工作簿（.xlsx）。" + (f"警告 {warnings} 处。" if warnings else "")
    bad = sum(1 for r in workbooks if has_errors(r.issues))
    line = (f"共校验 {len(workbooks)} 份工作簿：{len(workbooks) - bad} 份无误，{bad} 份有错误；"
            f"错误 {errors} 处，警告 {warnings} 处。")
    return line


def verdict_line(results: Sequence[ParseResult]) -> str:
    """What to do next."""
    issues = [issue for result in results for issue in result.issues]
    if not any(not _is_stray(r) for r in results):
        return "请指定填报工作簿（.xlsx）或其所在文件夹。"
    if has_errors(issues):
        return "请按“问题说明”修改后重新校验。"
    if issues:
        return "未发现错误，可以报送；请核实上述警告事项。"
    return "全部通过校验，可以报送。"


def _is_stray(result: ParseResult) -> bool:
    return bool(result.issues) and all(i.code is IssueCode.STRAY_FILE for i in result.issues) \
        and result.submission is None
