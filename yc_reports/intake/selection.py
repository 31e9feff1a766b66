"""Which workbook stands for which action of a quarter, and why: ONE function for `check`, `build` and the portal.

`select_workbooks(results, registry, quarter)` judges every parsed file of one quarter's folder:

- a readable workbook of this plan, a known action and the quarter is USED for its action;
- a byte-identical copy of a used workbook is a COPY: the same submission, a warning naming both files
  (the one kept is the least nested, then the shortest name);
- two or more different workbooks for one action are each a DUPLICATE: none is used (数据待核实), an
  error on each naming all of them, and an error at every cell where two of them differ;
- a workbook of another quarter (OTHER_QUARTER), another plan or an unknown action is not used;
- a file that could not be read is UNREADABLE (the assembly may still count it for the action its
  file name names).

`quarter=None` (a `check` of files outside any quarter's folder) judges each workbook against its own
quarter: only copies and duplicates are then found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from yc_reports.intake.records import ParseResult, Submission, differences
from yc_reports.issues import Issue, IssueCode, has_errors, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

MAX_DIFFERENCES = 20   # cells named per pair of differing workbooks


class Use(str, Enum):
    USED = "used"
    COPY = "copy"
    DUPLICATE = "duplicate"
    OTHER_QUARTER = "other-quarter"
    OTHER_PLAN = "other-plan"
    UNKNOWN_ACTION = "unknown-action"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class FileChoice:
    """One file's judgement: what it was recognised as and whether the build uses it."""

    file: str
    use: Use
    action_id: int | None = None
    quarter: Quarter | None = None
    same_as: str = ""            # COPY: the file used in its place; DUPLICATE: the other files, joined by "、"
    expected: Quarter | None = None   # OTHER_QUARTER: the quarter the folder is for


@dataclass(frozen=True)
class Selection:
    """Every file's judgement; `results` are what the assembly reads (copies left out, the selection's
    issues added to each file's own); `issues` are the copies' warnings."""

    quarter: Quarter | None
    files: tuple[FileChoice, ...]
    results: tuple[ParseResult, ...]
    issues: tuple[Issue, ...]

    def used(self) -> dict[int, str]:
        """Action id -> the one file the build uses for it."""
        return {c.action_id: c.file for c in self.files if c.use is Use.USED and c.action_id is not None}

    def choice(self, file: str) -> FileChoice | None:
        return next((c for c in self.files if c.file == file), None)

    def all_results(self) -> tuple[ParseResult, ...]:
        """Every file's result with every issue the selection found (for `check`): the copies included."""
        by_file = {r.file: r for r in self.results}
        extra: dict[str, list[Issue]] = {}
        for issue in self.issues:
            extra.setdefault(issue.file, []).append(issue)
        out = list(self.results)
        for file, issues in extra.items():
            if file not in by_file:
                out.append(ParseResult(file, None, tuple(issues)))
        return tuple(sorted(out, key=lambda r: r.file))


def select_workbooks(results: Sequence[ParseResult], registry: Registry, quarter: Quarter | None) -> Selection:
    """Judge one quarter's parsed files (see the module docstring); file names must be distinct."""
    results = sorted(results, key=lambda r: r.file)
    known = {a.id for a in registry.actions}
    choices: dict[str, FileChoice] = {}
    added: dict[str, list[Issue]] = {}
    copies: list[Issue] = []
    candidates: dict[tuple[int, Quarter], list[tuple[ParseResult, Submission]]] = {}
    for result in results:
        s = result.submission
        if s is None:
            other_plan = any(i.code is IssueCode.TEMPLATE_OTHER_PLAN for i in result.issues)
            choices[result.file] = FileChoice(result.file, Use.OTHER_PLAN if other_plan else Use.UNREADABLE)
        elif s.plan_id != registry.plan.id:
            choices[result.file] = FileChoice(result.file, Use.OTHER_PLAN, s.action_id, s.quarter)
            added.setdefault(result.file, []).append(make_issue(
                IssueCode.TEMPLATE_OTHER_PLAN, result.file, found=s.plan_id, expected=registry.plan.id))
        elif s.action_id not in known:
            choices[result.file] = FileChoice(result.file, Use.UNKNOWN_ACTION, s.action_id, s.quarter)
            added.setdefault(result.file, []).append(make_issue(
                IssueCode.TEMPLATE_UNKNOWN_ACTION, result.file, found=s.action_id))
        elif quarter is not None and s.quarter != quarter:
            choices[result.file] = FileChoice(result.file, Use.OTHER_QUARTER, s.action_id, s.quarter,
                                              expected=quarter)
            added.setdefault(result.file, []).append(make_issue(
                IssueCode.TEMPLATE_OTHER_QUARTER, result.file, found=s.quarter.label, expected=quarter.label))
        else:
            candidates.setdefault((s.action_id, s.quarter), []).append((result, s))
    dropped: set[str] = set()
    for (action_id, q), group in candidates.items():
        distinct: dict[str, tuple[ParseResult, Submission]] = {}
        for result, s in sorted(group, key=lambda pair: _original_first(pair[0])):
            kept, _ = distinct.setdefault(s.sha256, (result, s))
            if kept is not result:
                dropped.add(result.file)
                choices[result.file] = FileChoice(result.file, Use.COPY, action_id, q, same_as=kept.file)
                copies.append(make_issue(IssueCode.IDENTICAL_COPY, result.file, detail=kept.file))
        unique = list(distinct.values())
        if len(unique) == 1:
            choices[unique[0][0].file] = FileChoice(unique[0][0].file, Use.USED, action_id, q)
            continue
        names = [r.file for r, _ in unique]
        cn = registry.action(action_id).cn_number
        for result, s in unique:
            others = [n for n in names if n != result.file]
            choices[result.file] = FileChoice(result.file, Use.DUPLICATE, action_id, q, same_as="、".join(others))
            mine = added.setdefault(result.file, [])
            mine.append(make_issue(IssueCode.DUPLICATE_WORKBOOK, result.file, found=cn, detail="、".join(names)))
            other = next(o for r, o in unique if r is not result)
            mine.extend(_differences(s, other, cn))
    out = []
    for result in results:
        if result.file in dropped:
            continue
        extra = [i for i in added.get(result.file, ()) if i not in result.issues]
        out.append(dataclasses.replace(result, issues=result.issues + tuple(extra)) if extra else result)
    return Selection(quarter=quarter, files=tuple(choices[r.file] for r in results), results=tuple(out),
                     issues=tuple(copies))


def _original_first(result: ParseResult) -> tuple[int, int, str]:
    """Of identical copies, the one kept: the least nested, then the shortest name ("x - 副本.xlsx" is
    the copy of "x.xlsx"), then the name."""
    return (result.file.count("/"), len(result.file), result.file)


def choose_for_history(results: Sequence[ParseResult], registry: Registry,
                       quarter: Quarter) -> dict[int, Submission]:
    """Per action, the one workbook of an earlier `quarter` that counts: readable, of this plan and quarter;
    error-free ones first, then the latest 填报日期, then the file name (a stable tie-break)."""
    known = {a.id for a in registry.actions}
    best: dict[int, tuple[tuple, Submission]] = {}
    for result in results:
        s = result.submission
        if s is None or s.plan_id != registry.plan.id or s.quarter != quarter or s.action_id not in known:
            continue
        rank = (not has_errors(result.issues), s.info.fill_date or dt.date.min, result.file)
        if s.action_id not in best or rank > best[s.action_id][0]:
            best[s.action_id] = (rank, s)
    return {action_id: best[action_id][1] for action_id in sorted(best)}


# ------------------------------------------------------------------------------------ differences


def _differences(mine: Submission, other: Submission, cn: str) -> list[Issue]:
    """An error at each cell of `mine` where `other` says something else (at most MAX_DIFFERENCES)."""
    return [make_issue(IssueCode.WORKBOOKS_DIFFER, mine.file, d.sheet, d.cell, found=cn, detail=other.file,
                       value=d.mine or "（空白）", expected=d.theirs or "（空白）")
            for d in differences(mine, other)[:MAX_DIFFERENCES]]


