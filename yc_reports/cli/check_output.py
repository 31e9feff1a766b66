"""`yc-reports check` output: one table of issues, with what each file was recognised as and whether the
build would use it (the judgement of `intake.selection.select_workbooks`), then a one-line verdict.

Every word of the table and of the closing lines comes from the wording layer (`templates/labels.j2`,
the `check_*` labels; the office's `inputs/templates/` copy overrides it). The issue messages themselves
are the checks' own (issues.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from yc_reports.intake.records import ParseResult
from yc_reports.intake.selection import FileChoice
from yc_reports.issues import IssueCode, Severity, has_errors, sort_key
from yc_reports.render.wording import Wording, cached_wording

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}


def recognition(choice: FileChoice | None, wording: Wording | None = None) -> str:
    """第三项行动 2025年第三季度：汇总时采用 — what a file was recognised as and whether the build uses it."""
    expected = choice.expected if choice is not None else None
    return (wording or cached_wording()).label("check_recognition", choice=choice, expected=expected)


def print_check_results(console: Console, results: Sequence[ParseResult],
                        choices: Mapping[str, FileChoice] | None = None, wording: Wording | None = None) -> None:
    """One table, a block of rows per file (errors first), clean workbooks shown as passed; then the verdict."""
    choices = choices or {}
    w = wording or cached_wording()
    if results:
        table = Table(header_style="bold", expand=False)
        table.add_column(w.label("check_column", key="file"), overflow="fold", max_width=48)
        table.add_column(w.label("check_column", key="recognised"), overflow="fold", max_width=30)
        table.add_column(w.label("check_column", key="location"), no_wrap=True)
        table.add_column(w.label("check_column", key="severity"), no_wrap=True)
        table.add_column(w.label("check_column", key="message"), overflow="fold")
        for i, result in enumerate(sorted(results, key=lambda r: r.file)):
            if i:
                table.add_section()
            issues = sorted(result.issues, key=sort_key)
            seen = recognition(choices.get(result.file), w)
            if not issues:
                table.add_row(result.file, seen, "—", Text(w.label("check_passed"), style="green"),
                              w.label("check_no_issue"))
            for n, issue in enumerate(issues):
                style = _STYLE[issue.severity]
                table.add_row(issue.file if n == 0 else "", seen if n == 0 else "", issue.location or "—",
                              Text(issue.severity.label, style=style),
                              Text(issue.message, style=style if issue.severity is Severity.ERROR else ""))
        console.print(table)
    console.print(summary_line(results, w))
    console.print(verdict_line(results, w))


def summary_line(results: Sequence[ParseResult], wording: Wording | None = None) -> str:
    """共校验 3 份工作簿：2 份无误，1 份有错误；错误 2 处，警告 1 处。"""
    workbooks = [r for r in results if not _is_stray(r)]
    issues = [issue for result in results for issue in result.issues]
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    bad = sum(1 for r in workbooks if has_errors(r.issues))
    return (wording or cached_wording()).label("check_summary", workbooks=len(workbooks), bad=bad, errors=errors,
                                               warnings=len(issues) - errors)


def verdict(results: Sequence[ParseResult]) -> str:
    """What to do next: no_workbook / errors / warnings / passed."""
    issues = [issue for result in results for issue in result.issues]
    if not any(not _is_stray(r) for r in results):
        return "no_workbook"
    if has_errors(issues):
        return "errors"
    return "warnings" if issues else "passed"


def verdict_line(results: Sequence[ParseResult], wording: Wording | None = None) -> str:
    """What to do next, in words."""
    return (wording or cached_wording()).label("check_verdict", verdict=verdict(results))


def _is_stray(result: ParseResult) -> bool:
    return bool(result.issues) and all(i.code is IssueCode.STRAY_FILE for i in result.issues) \
        and result.submission is None
