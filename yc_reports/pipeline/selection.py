"""Which workbook the build uses for each action, and why: the build's own reading, without writing.

A thin public face over `pipeline.build.read_quarter` (discovery, the parse cache, `assemble_report`),
so that the portal's board and the build can never disagree: both ask the same code. Nothing here
decides anything; it only regroups the build's answer per action.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.model import Light, QuarterReport
from yc_reports.issues import Issue, IssueCode, Severity, make_issue
from yc_reports.pipeline.build import read_quarter
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry


@dataclass(frozen=True)
class ActionSelection:
    """One action as the build sees it."""

    action_id: int
    files: tuple[str, ...]          # the workbook(s) read for it, relative to the quarter's folder
    submitted: bool
    data_pending: bool              # 数据待核实: duplicates, errors, or unreadable
    light: Light
    reasons: tuple[str, ...]        # the build's reasons for the light (Chinese, from the wording layer)
    issues: tuple[Issue, ...]       # the build's issues on those files

    @property
    def clean(self) -> bool:
        """Exactly one workbook, used as it is: nothing for the office to verify."""
        return self.submitted and len(self.files) == 1 and not self.data_pending

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)


@dataclass(frozen=True)
class QuarterSelection:
    quarter: Quarter
    actions: tuple[ActionSelection, ...]
    other_issues: tuple[Issue, ...]   # issues on files no action uses (another quarter, strays ...)

    def action(self, action_id: int) -> ActionSelection:
        return next(a for a in self.actions if a.action_id == action_id)

    @property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(i for a in self.actions for i in a.issues) + self.other_issues


def select_workbooks(registry: Registry, quarter: Quarter, inputs_dir: Path,
                     cache_dir: Path | None = None) -> QuarterSelection:
    """What `yc-reports build QUARTER --inputs inputs_dir` would read and use, per action."""
    return selection_of(read_quarter(registry, quarter, Path(inputs_dir), cache_dir))


def selection_of(report: QuarterReport) -> QuarterSelection:
    """Regroup a report model's actions, files and issues per action."""
    placed: set[Issue] = set()
    actions = []
    for result in report.actions:
        files = tuple(result.files)
        mine = [i for i in report.issues if i.file and i.file in files]
        if not result.submitted:   # the build's own 未报送 notice for the action (it names no file)
            notice = make_issue(IssueCode.NOT_SUBMITTED, "", found=result.action.cn_number, detail=result.action.name)
            mine += [i for i in report.issues if i == notice]
        placed.update(mine)
        actions.append(ActionSelection(
            action_id=result.action.id, files=files, submitted=result.submitted,
            data_pending=result.data_pending, light=result.light, reasons=tuple(result.light_reasons),
            issues=tuple(mine)))
    other = tuple(i for i in report.issues if i not in placed)   # nothing the build said is left out
    return QuarterSelection(quarter=report.quarter, actions=tuple(actions), other_issues=other)
