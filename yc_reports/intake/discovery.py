"""Which files in the paths a user gives are workbooks to read, and which are strays to mention.

A file named explicitly is always read (so a .xls named on purpose gets a clear error from the parser),
and a format the build would pass over (.xlsm, .et ...) also gets the STRAY_FILE warning the build gives;
inside a folder and its sub-folders (a unit's own folder inside the quarter's, up to `MAX_DEPTH` levels)
only *.xlsx are read, other files get a STRAY_FILE warning, and hidden files, hidden folders and the
office's own configuration files (and a `templates` folder of blank templates) are passed over in silence.

`check_paths` is what `yc-reports check` reports: every file parsed and then judged by the same
`select_workbooks` the build uses, per quarter's folder (the nearest folder named like 2025Q3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from yc_reports.intake.records import ParseResult
from yc_reports.intake.selection import FileChoice, select_workbooks
from yc_reports.issues import Issue, IssueCode, make_issue
from yc_reports.plan.quarter import Quarter, QuarterError
from yc_reports.plan.registry import Registry

SILENT_NAMES = frozenset({"plan.toml", "document.toml"})
SKIPPED_FOLDERS = frozenset({"templates"})   # blank templates kept beside the submissions are not submissions
MAX_DEPTH = 3   # sub-folder levels read below a folder given
_STRAY_REASONS = {
    ".xls": "旧版 .xls 格式，请在 Excel 或 WPS 中另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".xlsm": "含宏的工作簿（.xlsm），请另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".xltx": "Excel 模板文件（.xltx），请另存为 Excel 工作簿（*.xlsx）后重新报送",
    ".csv": "CSV 文本文件，请使用下发的 .xlsx 填报模板",
    ".et": "WPS 表格格式（.et），请在 WPS 中另存为 Excel 工作簿（*.xlsx）后重新报送",
}


@dataclass(frozen=True)
class Discovery:
    """The workbooks found under the given paths, and the issues of what was not one."""

    workbooks: tuple[Path, ...]
    issues: tuple[Issue, ...]


def discover(paths: Sequence[Path]) -> Discovery:
    workbooks: dict[str, Path] = {}
    issues: list[Issue] = []
    for given in paths:
        given = Path(given)
        if given.is_dir():
            _walk(given, workbooks, issues, MAX_DEPTH)
        else:
            workbooks.setdefault(str(given), given)
            reason = _STRAY_REASONS.get(given.suffix.lower())
            if reason is not None and given.suffix.lower() != ".xls":   # .xls: the parser says it all
                issues.append(make_issue(IssueCode.STRAY_FILE, str(given), detail=reason))
    ordered = tuple(sorted(workbooks.values(), key=str))
    return Discovery(workbooks=ordered, issues=tuple(sorted(issues, key=lambda i: i.file)))


def _walk(folder: Path, workbooks: dict[str, Path], issues: list[Issue], depth: int) -> None:
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            if (depth > 0 and not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS
                    and not entry.is_symlink()):
                _walk(entry, workbooks, issues, depth - 1)
        else:
            _classify(entry, workbooks, issues)


def _classify(entry: Path, workbooks: dict[str, Path], issues: list[Issue]) -> None:
    name = entry.name
    if name.startswith(".") or name in SILENT_NAMES:
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


@dataclass(frozen=True)
class Checked:
    """What `check` reports: every file's result (with the selection's issues) and its judgement."""

    results: tuple[ParseResult, ...]
    choices: dict[str, FileChoice]


def check_paths(paths: Sequence[Path], registry: Registry) -> Checked:
    """Every workbook found, parsed and judged as the build would judge it; every stray file as a result of
    its own carrying its warning (a stray that was also parsed, e.g. a .xlsm named explicitly, carries both)."""
    from yc_reports.intake.reader import parse_workbook

    found = discover(paths)
    parsed = [parse_workbook(path, registry, display_name=str(path)) for path in found.workbooks]
    groups: dict[Quarter | None, list[ParseResult]] = {}
    for path, result in zip(found.workbooks, parsed, strict=True):
        groups.setdefault(folder_quarter(path), []).append(result)
    selections = [select_workbooks(rs, registry, q) for q, rs in sorted(groups.items(), key=lambda g: str(g[0]))]
    results = {r.file: r for s in selections for r in s.all_results()}
    for issue in found.issues:
        earlier = results.get(issue.file)
        results[issue.file] = (ParseResult(issue.file, earlier.submission, (*earlier.issues, issue))
                               if earlier is not None else ParseResult(issue.file, None, (issue,)))
    choices = {c.file: c for s in selections for c in s.files}
    return Checked(results=tuple(sorted(results.values(), key=lambda r: r.file)), choices=choices)


def folder_quarter(path: Path) -> Quarter | None:
    """The quarter of the nearest folder above `path` named like one (inputs/2025Q3/市经信局/x.xlsx → 2025Q3)."""
    for parent in Path(path).absolute().parents:
        try:
            return Quarter.parse(parent.name)
        except QuarterError:
            continue
    return None

