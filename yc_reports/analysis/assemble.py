"""From one quarter's parse results (and the earlier quarters' history) to the QuarterReport.

Decides which workbook stands for which action, and says so when it cannot:

- no workbook for an action: not submitted (grey), a NOT_SUBMITTED warning with an empty file;
- two or more workbooks for one action: a DUPLICATE_WORKBOOK error on each naming all of them; the
  action is submitted but its data pending (数据待核实) and none of the figures is used;
- a workbook of another quarter, another plan or an unknown action is reported and not used;
- a workbook that could not be read at all counts for the action its file name names (第03项…), which
  is then submitted, data pending and red (unless it belongs to another plan);
- a readable workbook with errors is used for its valid cells and marks the data pending.

The statuses and lights themselves come from `yc_reports.analysis.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from yc_reports.analysis import checks
from yc_reports.analysis.history import History, consistency_issues
from yc_reports.analysis.model import ActionResult, FigureState, IndicatorResult, QuarterReport, ReasonKind
from yc_reports.intake.records import IndicatorEntry, ParseResult, Submission
from yc_reports.issues import Issue, IssueCode, Severity, has_errors, make_issue, sort_key
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Indicator, Registry
from yc_reports.workbook.layout import SHEET_INDICATORS

_ACTION_NUMBER_RE = re.compile(r"第\s*0*(\d{1,2})\s*项")


@dataclass(frozen=True)
class _Usable:
    """A readable workbook of this plan and quarter: the file's outcome and its submission."""

    result: ParseResult
    submission: Submission


@dataclass(frozen=True)
class _Received:
    """What arrived for one action."""

    usable: tuple[_Usable, ...] = ()          # readable, this plan and quarter
    unreadable: tuple[ParseResult, ...] = ()  # no submission; the file name names the action


def guess_action_id(file_name: str, registry: Registry) -> int | None:
    """The action an unreadable file is meant for, from its name: '…第03项…' or the action's name."""
    known = {a.id for a in registry.actions}
    match = _ACTION_NUMBER_RE.search(file_name)
    if match and int(match.group(1)) in known:
        return int(match.group(1))
    named = [a.id for a in registry.actions if a.name in file_name]
    return named[0] if len(named) == 1 else None


def assemble_report(registry: Registry, quarter: Quarter, current: Sequence[ParseResult],
                    history: History | None = None, *, report_date: dt.date | None = None,
                    extra_issues: Iterable[Issue] = (), with_ledger: bool = True) -> QuarterReport:
    """The quarter's report model. `current` are this quarter's parse results (file names relative to
    the inputs folder); `extra_issues` are folder-level issues (stray files) to report as well;
    `with_ledger` False leaves the 督办 ledger out (an earlier quarter re-assembled for the ledger)."""
    history = history or History(quarter=quarter)
    current = sorted(current, key=lambda r: r.file)
    issues: list[Issue] = list(extra_issues) + [i for r in current for i in r.issues]
    received = _sort_received(registry, quarter, current, issues)
    actions = [_action_result(registry, quarter, action, received.get(action.id, _Received()), history, issues)
               for action in registry.actions]
    issues = _unique(sorted(issues, key=sort_key))
    actions = [_with_counts(a, issues) for a in actions]
    report = QuarterReport(
        plan=registry.plan, quarter=quarter, time_progress=quarter.year_progress,
        report_date=report_date or checks.default_report_date(quarter), issue_number=quarter.q,
        actions=tuple(actions), issues=tuple(issues), commendations=checks.commendations(actions),
        supervision=checks.supervision(actions), attention=checks.attention(actions),
        history_quarters=history.quarters, thresholds=registry.thresholds)
    return _with_ledger(registry, report, received, history) if with_ledger else report


def _with_ledger(registry: Registry, report: QuarterReport, received: dict[int, _Received],
                 history: History) -> QuarterReport:
    """The 督办 ledger up to this quarter (issue #12; yc_reports.analysis.supervision). The units'
    整改落实 reports come from the workbook used for each action (none while duplicates are pending)."""
    from yc_reports.analysis.supervision import quarter_ledger  # it assembles earlier quarters: imported late

    used = [r.usable[0].submission for r in received.values() if len(r.usable) == 1]
    return replace(report, ledger=quarter_ledger(registry, report.quarter, report.supervision, used, history))


def _sort_received(registry: Registry, quarter: Quarter, current: Sequence[ParseResult],
                   issues: list[Issue]) -> dict[int, _Received]:
    """Group the results by action; report (into `issues`) the ones that cannot be used."""
    known = {a.id for a in registry.actions}
    usable: dict[int, list[_Usable]] = {}
    unreadable: dict[int, list[ParseResult]] = {}

    def refuse(result: ParseResult, issue: Issue) -> None:
        """Report `issue` unless the reader already reported its kind for this file."""
        if not any(i.code is issue.code and i.file == result.file for i in result.issues):
            issues.append(issue)

    for result in current:
        s = result.submission
        if s is None:
            other_plan = any(i.code is IssueCode.TEMPLATE_OTHER_PLAN for i in result.issues)
            guessed = None if other_plan else guess_action_id(result.file, registry)
            if guessed is not None:
                unreadable.setdefault(guessed, []).append(result)
        elif s.plan_id != registry.plan.id:
            refuse(result, make_issue(IssueCode.TEMPLATE_OTHER_PLAN, result.file, found=s.plan_id,
                                      expected=registry.plan.id))
        elif s.action_id not in known:
            refuse(result, make_issue(IssueCode.TEMPLATE_UNKNOWN_ACTION, result.file, found=s.action_id))
        elif s.quarter != quarter:
            refuse(result, make_issue(IssueCode.TEMPLATE_OTHER_QUARTER, result.file, found=s.quarter.label,
                                      expected=quarter.label))
        else:
            usable.setdefault(s.action_id, []).append(_Usable(result, s))
    return {aid: _Received(tuple(usable.get(aid, ())), tuple(unreadable.get(aid, ())))
            for aid in sorted(set(usable) | set(unreadable))}


def _action_result(registry: Registry, quarter: Quarter, action: Action, received: _Received,
                   history: History, issues: list[Issue]) -> ActionResult:
    """One action's result from what arrived for it."""
    if len(received.usable) > 1:
        names = [u.result.file for u in received.usable]
        for name in names:
            issues.append(make_issue(IssueCode.DUPLICATE_WORKBOOK, name, found=action.cn_number,
                                     detail="、".join(names)))
        return _unused(registry, quarter, action, names, ReasonKind.DUPLICATE, history)
    if received.usable:
        used = received.usable[0]
        issues.extend(consistency_issues(registry, used.submission, history))
        return _from_submission(registry, quarter, action, used, history)
    if received.unreadable:
        names = [r.file for r in received.unreadable]
        return _unused(registry, quarter, action, names, ReasonKind.NO_VALID_DATA, history)
    issues.append(make_issue(IssueCode.NOT_SUBMITTED, "", found=action.cn_number, detail=action.name))
    decision = checks.not_submitted()
    return ActionResult(action=action, submitted=False, data_pending=False, light=decision.light,
                        light_reasons=decision.reasons, grey_reason=decision.grey_reason,
                        indicators=_no_data(registry, quarter, action, history, FigureState.NOT_SUBMITTED))


def _unused(registry: Registry, quarter: Quarter, action: Action, names: list[str], kind: ReasonKind,
            history: History) -> ActionResult:
    """Submitted, but no figure can be trusted: every indicator without a usable figure."""
    decision = checks.unusable(kind)
    return ActionResult(action=action, submitted=True, data_pending=True, light=decision.light,
                        light_reasons=decision.reasons, grey_reason=decision.grey_reason,
                        indicators=_no_data(registry, quarter, action, history, FigureState.UNREADABLE),
                        files=tuple(names))


def _no_data(registry: Registry, quarter: Quarter, action: Action, history: History | None,
             figure: FigureState) -> tuple[IndicatorResult, ...]:
    return tuple(_indicator(registry, quarter, ind, None, history, figure=figure) for ind in action.indicators)


def _figure_state(entry: IndicatorEntry | None, file_issues: Sequence[Issue]) -> FigureState:
    """Reported, or why not: an error at the figure's cell means something unusable was written."""
    if entry is not None and entry.value is not None:
        return FigureState.REPORTED
    if entry is not None and entry.cell and any(
            i.severity is Severity.ERROR and i.cell == entry.cell and i.sheet == SHEET_INDICATORS
            for i in file_issues):
        return FigureState.INVALID
    return FigureState.BLANK


def _indicator(registry: Registry, quarter: Quarter, indicator: Indicator, submission: Submission | None,
               history: History | None, *, figure: FigureState | None = None,
               file_issues: Sequence[Issue] = ()) -> IndicatorResult:
    entry = submission.indicator(indicator.key) if submission is not None else None
    actual: Decimal | None = entry.value if entry is not None else None
    trend = tuple(history.trend(indicator.key)) if history is not None else ()
    if actual is not None:
        trend += ((quarter, actual),)
    note = entry.note if entry is not None else ""
    return checks.indicator_result(
        indicator, quarter, plan_start_year=registry.plan.start_year, thresholds=registry.thresholds,
        actual=actual, note="" if registry.is_placeholder(note) else note,
        cell=entry.cell if entry is not None else "",
        previous=history.previous(indicator.key) if history is not None else None,
        last_year=history.last_year(indicator.key) if history is not None else None, trend=trend,
        figure=figure or _figure_state(entry, file_issues))


def _from_submission(registry: Registry, quarter: Quarter, action: Action, used: _Usable,
                     history: History) -> ActionResult:
    result, s = used.result, used.submission
    errors = sum(1 for i in result.issues if i.severity is Severity.ERROR)
    indicators = tuple(_indicator(registry, quarter, ind, s, history, file_issues=result.issues)
                       for ind in action.indicators)
    before = history.submission(quarter.previous(), action.id)
    first = quarter == registry.first_quarter
    tasks = checks.task_results(action.tasks, s.tasks, quarter,
                                previous=before.tasks if before is not None else (() if first else None),
                                is_placeholder=registry.is_placeholder)
    projects = tuple(checks.project_result(p, quarter, registry.thresholds, is_placeholder=registry.is_placeholder)
                     for p in s.projects)
    decision = checks.action_light(indicators, tasks, projects, error_count=errors, quarter=quarter)
    return ActionResult(action=action, submitted=True, data_pending=has_errors(result.issues),
                        light=decision.light, light_reasons=decision.reasons, indicators=indicators,
                        tasks=tasks, projects=projects, info=s.info, files=(result.file,),
                        grey_reason=decision.grey_reason, data_complete=decision.data_complete)


def _with_counts(result: ActionResult, issues: Sequence[Issue]) -> ActionResult:
    mine = [i for i in issues if i.file and i.file in result.files]
    return replace(result, error_count=sum(1 for i in mine if i.severity is Severity.ERROR),
                   warning_count=sum(1 for i in mine if i.severity is Severity.WARNING))


def _unique(issues: Iterable[Issue]) -> list[Issue]:
    seen: set[Issue] = set()
    out = []
    for issue in issues:
        if issue not in seen:
            seen.add(issue)
            out.append(issue)
    return out
