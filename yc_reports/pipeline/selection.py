"""Per action, what the build reads and decides, and why each file is or is not used — for the portal's board.

Nothing here judges anything: the per-file judgement is intake's `select_workbooks` (through
`pipeline.inputs.read_quarter_folder`, exactly as the build reads the folder) and the per-action verdict
(submitted, 数据待核实, light, issues) is the build's own `read_quarter`. This module only regroups both
per action, so that the board and the build can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yc_reports.analysis.model import Light, QuarterReport
from yc_reports.intake.cache import ParseCache
from yc_reports.intake.selection import FileChoice, Selection
from yc_reports.issues import Issue, IssueCode, Severity, make_issue
from yc_reports.pipeline.build import read_quarter
from yc_reports.pipeline.inputs import read_quarter_folder
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.render.wording import cached_wording


@dataclass(frozen=True)
class ActionSelection:
    """One action as the build sees it."""

    action_id: int
    files: tuple[str, ...]            # the workbook(s) the build reads for it, relative to the quarter's folder
    choices: tuple[FileChoice, ...]   # every file recognised as this action, with why it is or is not used
    submitted: bool
    data_pending: bool                # 数据待核实: duplicates, errors, or unreadable
    light: Light
    reasons: tuple[str, ...]          # the build's reasons for the light
    issues: tuple[Issue, ...]         # the build's issues on those files (and its 未报送 notice)

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
    other_issues: tuple[Issue, ...]    # what the build said about no action in particular (strays, other plans ...)
    other_files: tuple[FileChoice, ...]   # files recognised as no action

    def action(self, action_id: int) -> ActionSelection:
        return next(a for a in self.actions if a.action_id == action_id)

    @property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(i for a in self.actions for i in a.issues) + self.other_issues


def read_selection(registry: Registry, quarter: Quarter, inputs_dir: Path,
                   cache_dir: Path | None = None) -> QuarterSelection:
    """What `yc-reports build QUARTER --inputs inputs_dir` reads and decides, per action (through the
    build's parse cache: nothing already read is parsed again)."""
    folder = read_quarter_folder(registry, quarter, Path(inputs_dir), ParseCache(registry, cache_dir))
    return selection_of(read_quarter(registry, quarter, Path(inputs_dir), cache_dir), folder.selection)


def selection_of(report: QuarterReport, judged: Selection) -> QuarterSelection:
    """Regroup a report model's actions and issues, and the folder's per-file judgement, per action."""
    placed: set[Issue] = set()
    claimed: set[str] = set()
    actions = []
    for result in report.actions:
        files = tuple(result.files)
        choices = tuple(c for c in judged.files if c.action_id == result.action.id or c.file in files)
        claimed.update(c.file for c in choices)
        names = set(files) | {c.file for c in choices}
        mine = [i for i in report.issues if i.file and i.file in names]
        if not result.submitted:   # the build's own 未报送 notice for the action (it names no file)
            notice = make_issue(IssueCode.NOT_SUBMITTED, "", found=result.action.cn_number, detail=result.action.name)
            mine += [i for i in report.issues if i == notice]
        placed.update(mine)
        actions.append(ActionSelection(
            action_id=result.action.id, files=files, choices=choices, submitted=result.submitted,
            data_pending=result.data_pending or result.error_count > 0, light=result.light,
            reasons=tuple(cached_wording().fact(r) for r in result.light_reasons),   # the reports' words
            issues=tuple(mine)))
    return QuarterSelection(
        quarter=report.quarter, actions=tuple(actions),
        other_issues=tuple(i for i in report.issues if i not in placed),   # nothing the build said is left out
        other_files=tuple(c for c in judged.files if c.file not in claimed))
