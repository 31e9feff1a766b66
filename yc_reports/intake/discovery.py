"""Which files in the paths a user gives are workbooks to read, and which are strays to mention.

A file named explicitly is always read (so a .xls named on purpose gets a clear error from the parser);
inside a folder (not recursive) only *.xlsx are read, other files get a STRAY_FILE warning, and hidden
files and the office's own configuration files are passed over in silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from yc_reports.issues import Issue, IssueCode, make_issue
from yc_reports.intake.records import ParseResult
from yc_reports.plan.registry import Registry

SILENT_NAMES = frozenset({"plan.toml", "document.toml"})
_STRAY_REASONS = {
    ".xls": "旧版 .xls 格式，请在 Excel 或 WPS 中另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".xlsm": "含宏的工作簿（.xlsm），请另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".xltx": "Excel 模板文件（.xltx），请另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".csv": "CSV 文本文件，请使用下发的 .xlsx 填报模板",
    ".et": "WPS 表格格式（.et），请在 WPS 中另存为 Excel 工作簿（*.xlsx）后重新报送",
}


@dataclass(frozen=True)
class Discovery:
    workbooks: tuple[Path, ...]
    issues: tuple[Issue, ...]


def discover(paths: Sequence[Path]) -> Discovery:
    workbooks: dict[str, Path] = {}
    issues: list[Issue] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for entry in sorted(given.iterdir(), key=lambda p: p.name):
                _classify(entry, workbooks, issues)
        else:
            workbooks.setdefault(str(given), given)
    ordered = tuple(sorted(workbooks.values(), key=str))
    return Discovery(workbooks=ordered, issues=tuple(sorted(issues, key=lambda i: i.file)))


def _classify(entry: Path, workbooks: dict[str, Path], issues: list[Issue]) -> None:
    name = entry.name
    if name.startswith(".") or name in SILENT_NAMES or entry.is_dir():
        return
    if name.startswith("~$"):
        issues.append(make_issue(IssueCode.STRAY_FILE, str(entry), detail="Excel 或 WPS 打开文件时生成的临时文件，关闭表格后会自动消失"))
        return
    suffix = entry.suffix.lower()
    if suffix == ".xlsx":
        workbooks.setdefault(str(entry), entry)
        return
    reason = _STRAY_REASONS.get(suffix, "不是 Excel 工作簿（.xlsx）")
    issues.append(make_issue(IssueCode.STRAY_FILE, str(entry), detail=reason))


def check_paths(paths: Sequence[Path], registry: Registry) -> list[ParseResult]:
    """Every workbook found, parsed; every stray file as a result of its own carrying its warning."""
    from yc_reports.intake.reader import parse_workbook

    found = discover(paths)
    results = [parse_workbook(path, registry, display_name=str(path)) for path in found.workbooks]
    results += [ParseResult(issue.file, None, (issue,)) for issue in found.issues]
    return sorted(results, key=lambda r: r.file)
