"""From one quarter's parse results (and the earlier quarters' history) to the QuarterReport.

Decides which workbook stands for which action, and says so when it cannot:

- no workbook for an action: not submitted (grey), a NOT_SUBMITTED warning with an empty file;
- two or more workbooks for one action: a DUPLICATE_WORKBOOK error on each naming all of them; the
  action is submitted but its data pending (数据待核实), none of the figures is used, and the entries
  where the copies differ are its facts (`Difference`, each entry once);
- a workbook of another quarter, another plan or an unknown action is reported and not used;
- a workbook that could not be read at all counts for the action its file name names (第03项…), which
  is then submitted, data pending and red (unless it belongs to another plan);
- a readable workbook with errors is used for its valid cells; each error is one fact, counted once: a
  figure blank (未填报) or unusable (无法识别, quoted) is its indicator's, a task's state its task's, any
  other entry an `Entry` of the ENTRIES reason. None of them is 数据待核实.

Each current indicator then gets its projection at the pace so far (analysis/projection.py), so that the
words can reconcile time progress and pace; and the 关注 list leaves out matters already open on the ledger.

The statuses and lights themselves come from `yc_reports.analysis.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from yc_reports.analysis import checks
from yc_reports.analysis.history import History, consistency_issues
from yc_reports.analysis.model import (
    ActionResult,
    Difference,
    Entry,
    EntryProblem,
    FigureState,
    IndicatorResult,
    QuarterReport,
    ReasonKind,
    Status,
)
from yc_reports.analysis.projection import project
from yc_reports.intake.records import IndicatorEntry, ParseResult, Submission, differences
from yc_reports.issues import Issue, IssueCode, Severity, make_issue, sort_key
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Indicator, Registry
from yc_reports.workbook import layout as L

if TYPE_CHECKING:   # the Past is built by analysis/past.py, which assembles earlier drafts with this module
    from yc_reports.analysis.past import Past, ReceiptFact

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
                    history: History | None = None, *, past: Past | None = None,
                    report_date: dt.date | None = None, extra_issues: Iterable[Issue] = (),
                    with_ledger: bool = True) -> QuarterReport:
    """The quarter's report model. `current` are this quarter's parse results (file names relative to
    the inputs folder); `past` what is known of the quarters before (analysis/past.py: the history, the
    督办 ledger, issued stage results, the office's settings and receipts for this quarter) — without it,
    every earlier quarter in `history` is taken as a draft; `extra_issues` are folder-level issues (stray
    files) to report as well; `with_ledger` False leaves the 督办 ledger out (an earlier draft assembled
    for the ledger)."""
    if past is None:
        from yc_reports.analysis.past import past_from_history

        past = past_from_history(registry, quarter, history or History(quarter=quarter))
    history = past.history
    setup = past.setup
    current = sorted(current, key=lambda r: r.file)
    issues: list[Issue] = list(extra_issues) + [i for r in current for i in r.issues]
    received = _sort_received(registry, quarter, current, issues)
    actions = [_action_result(registry, quarter, action, received.get(action.id, _Received()), past, issues)
               for action in registry.actions]
    issues = _unique(sorted(issues, key=sort_key))
    actions = [_with_verdicts(_with_receipt(_with_counts(a, issues), received.get(a.action.id), setup.receipts),
                              past.verdicts) for a in actions]
    report = QuarterReport(
        plan=registry.plan, quarter=quarter, time_progress=quarter.year_progress,
        report_date=report_date or setup.report_date or checks.default_report_date(quarter),
        issue_number=quarter.q, actions=tuple(actions), issues=tuple(issues),
        commendations=checks.commendations(actions), supervision=checks.supervision(actions),
        attention=checks.attention(actions), history_quarters=history.quarters,
        deadline=setup.deadline or checks.default_deadline(quarter), doc_number=setup.doc_number,
        first_collected=past.first_collected, thresholds=registry.thresholds)
    return _with_ledger(report, received, past) if with_ledger else report


def _with_ledger(report: QuarterReport, received: dict[int, _Received], past: Past) -> QuarterReport:
    """The 督办 ledger at this quarter's end: the ledger before it (issued or derived) advanced by this
    quarter's list and the units' 整改落实 reports from the workbook used for each action (none while
    duplicates are pending), and the items the office closed this quarter; 关注 without the matters that
    are open 督办 items."""
    from yc_reports.analysis.supervision import QuarterListing, advance_ledger, matter, reports_of

    used = [r.usable[0].submission for r in received.values() if len(r.usable) == 1]
    listing = QuarterListing(report.quarter, report.supervision, reports_of(used), report_date=report.report_date,
                             closures=past.setup.closures)
    ledger = advance_ledger(past.ledger, listing)
    # One matter, one item: a matter to watch that is already an open 督办 item is listed only as 督办.
    still_open = {matter(i.action_id, i.reason) for i in ledger if i.is_open}
    attention = tuple(s for s in report.attention if matter(s.action_id, s.reason) not in still_open)
    return replace(report, ledger=ledger, attention=attention)


def _with_verdicts(result: ActionResult, verdicts: dict[str, IndicatorResult]) -> ActionResult:
    """A stage result already issued stands as issued: an expired target is judged once."""
    if not any(not r.current and r.key in verdicts for r in result.indicators):
        return result
    return replace(result, indicators=tuple(verdicts[r.key] if not r.current and r.key in verdicts else r
                                            for r in result.indicators))


def _with_receipt(result: ActionResult, received: _Received | None,
                  receipts: Sequence[ReceiptFact]) -> ActionResult:
    """When the office received the workbook this action's report uses: the receipt of that very file
    (by its sha256), else a date the office entered for the action without a file."""
    if received is None or not received.usable:
        return result
    digests = {u.submission.sha256 for u in received.usable}
    mine = [r for r in receipts if r.action_id == result.action.id]
    matching = [r for r in mine if r.sha256 in digests] or [r for r in mine if not r.sha256]
    if not matching:
        return result
    first = min(matching, key=lambda r: r.received_at)
    return replace(result, received_at=first.received_at, receipt_source=first.source)


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
                   past: Past, issues: list[Issue]) -> ActionResult:
    """One action's result from what arrived for it."""
    history = past.history
    if len(received.usable) > 1:
        names = [u.result.file for u in received.usable]
        for name in names:
            issues.append(make_issue(IssueCode.DUPLICATE_WORKBOOK, name, found=action.cn_number,
                                     detail="、".join(names)))
        return _unused(registry, quarter, action, names, ReasonKind.DUPLICATE, history,
                       copy_differences(action, [u.submission for u in received.usable]))
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
            history: History, found: Sequence[Difference] = ()) -> ActionResult:
    """Submitted, but no figure can be trusted: every indicator without a usable figure."""
    decision = checks.unusable(kind, found, len(names))
    figure = FigureState.DUPLICATE if kind is ReasonKind.DUPLICATE else FigureState.UNREADABLE
    return ActionResult(action=action, submitted=True, data_pending=True, light=decision.light,
                        light_reasons=decision.reasons, grey_reason=decision.grey_reason,
                        indicators=_no_data(registry, quarter, action, history, figure), files=tuple(names))


def copy_differences(action: Action, copies: Sequence[Submission]) -> tuple[Difference, ...]:
    """Where differing copies of one action's workbook disagree: each entry once, with what each copy says
    (copies in file order), in the order of the form."""
    copies = sorted(copies, key=lambda c: c.file)
    first, others = copies[0], copies[1:]
    names = {i.key: i.name for i in action.indicators}
    found: dict[tuple[str, str], tuple[str, str, str, list[str]]] = {}
    for k, other in enumerate(others, start=1):
        for d in differences(first, other):
            entry = found.setdefault(
                (d.sheet, d.cell), (d.sheet, names.get(d.subject, d.subject), d.field, [d.mine] * len(copies)))
            entry[3][k] = d.theirs
    return tuple(Difference(part, subject, field, tuple(values)) for part, subject, field, values in found.values())


def _no_data(registry: Registry, quarter: Quarter, action: Action, history: History | None,
             figure: FigureState) -> tuple[IndicatorResult, ...]:
    return tuple(_indicator(registry, quarter, ind, None, history, figure=figure) for ind in action.indicators)


BLANK_CODES = frozenset({IssueCode.VALUE_REQUIRED})
UNUSABLE_CODES = frozenset({IssueCode.NUMBER_INVALID, IssueCode.NUMBER_NEGATIVE, IssueCode.CHOICE_INVALID,
                            IssueCode.DATE_INVALID, IssueCode.FORMULA_NO_CACHE})


def _figure_state(entry: IndicatorEntry | None, file_issues: Sequence[Issue]) -> tuple[FigureState, str]:
    """Reported, or why not, and what was written: an error at the figure's cell other than 未填写
    means something unusable was written (无法识别); a blank cell is 未填报."""
    if entry is not None and entry.value is not None:
        return FigureState.REPORTED, ""
    at_cell = [i for i in file_issues if entry is not None and entry.cell and i.severity is Severity.ERROR
               and i.cell == entry.cell and i.sheet == L.SHEET_INDICATORS and i.code not in BLANK_CODES]
    if at_cell:
        return FigureState.INVALID, at_cell[0].value
    return FigureState.BLANK, ""


def _indicator(registry: Registry, quarter: Quarter, indicator: Indicator, submission: Submission | None,
               history: History | None, *, figure: FigureState | None = None,
               file_issues: Sequence[Issue] = ()) -> IndicatorResult:
    entry = submission.indicator(indicator.key) if submission is not None else None
    actual: Decimal | None = entry.value if entry is not None else None
    trend = tuple(history.trend(indicator.key)) if history is not None else ()
    if actual is not None:
        trend += ((quarter, actual),)
    note = entry.note if entry is not None else ""
    state, entered = (figure, "") if figure is not None else _figure_state(entry, file_issues)
    result = checks.indicator_result(
        indicator, quarter, plan_start_year=registry.plan.start_year, thresholds=registry.thresholds,
        actual=actual, note="" if registry.is_placeholder(note) else note,
        cell=entry.cell if entry is not None else "",
        previous=history.previous(indicator.key) if history is not None else None,
        last_year=history.last_year(indicator.key) if history is not None else None, trend=trend,
        figure=state, entered=entered)
    return with_pace(result, quarter)


def with_pace(r: IndicatorResult, quarter: Quarter) -> IndicatorResult:
    """The indicator with its projection at the pace so far; `pace_risk` when it is not on pace to its target
    while its status says it is on time (on track, ahead), or while it is not judged and its target falls due
    this year (the 收官 section names it then). Behind already (watch, lagging), its own words say so."""
    p = project(r, quarter)
    due_this_year = r.target_year == quarter.year and quarter.q < 4
    risk = p.on_pace is False and (r.status in (Status.ON_TRACK, Status.AHEAD)
                                   or (r.status is Status.NOT_RATED and due_this_year))
    return replace(r, projected=p.projected, on_pace=p.on_pace, pace_risk=risk)


def _from_submission(registry: Registry, quarter: Quarter, action: Action, used: _Usable,
                     history: History) -> ActionResult:
    result, s = used.result, used.submission
    errors = [i for i in result.issues if i.severity is Severity.ERROR]
    indicators = tuple(_indicator(registry, quarter, ind, s, history, file_issues=result.issues)
                       for ind in action.indicators)
    before = history.submission(quarter.previous(), action.id)
    first = quarter == registry.first_quarter
    tasks = checks.task_results(action.tasks, s.tasks, quarter,
                                previous=before.tasks if before is not None else (() if first else None),
                                is_placeholder=registry.is_placeholder, entered=_task_states_written(errors))
    projects = tuple(checks.project_result(p, quarter, registry.thresholds, is_placeholder=registry.is_placeholder)
                     for p in s.projects)
    decision = checks.action_light(indicators, tasks, projects, entries=workbook_entries(s, errors),
                                   quarter=quarter)
    return ActionResult(action=action, submitted=True, data_pending=False,
                        light=decision.light, light_reasons=decision.reasons, indicators=indicators,
                        tasks=tasks, projects=projects, info=s.info, files=(result.file,),
                        grey_reason=decision.grey_reason, data_complete=decision.data_complete)


# ------------------------------------------------------------------------------------ entries


_COLUMNS = {L.SHEET_TASKS: L.TASK_COLUMNS, L.SHEET_PROJECTS: L.PROJECT_COLUMNS,
            L.SHEET_RECTIFICATION: L.RECTIFICATION_COLUMNS, L.SHEET_INDICATORS: L.INDICATOR_COLUMNS}
# Parts whose missing rows or sheet are already facts of their own: an indicator's figure 未填报, a task
# without its state.
_COUNTED_ELSEWHERE = frozenset({L.SHEET_INDICATORS, L.SHEET_TASKS})
_LAYOUT_CODES = frozenset({IssueCode.SHEET_MISSING, IssueCode.HEADER_MISSING, IssueCode.ROW_MISSING})


def _column(sheet: str, cell: str) -> tuple[L.Column | None, int | None]:
    """The template column and the row of a cell ("D7" on 重点任务 → 完成状态, 7)."""
    letters = cell.rstrip("0123456789")
    row = int(cell[len(letters):]) if cell[len(letters):] else None
    index = L.column_number(letters)
    columns = _COLUMNS.get(sheet, ())
    return (columns[index - 1] if 0 < index <= len(columns) else None), row


def _task_states_written(errors: Sequence[Issue]) -> dict[int, str]:
    """Rows of 重点任务 whose 完成状态 holds something that is none of the dropdown's: what it holds."""
    out = {}
    for i in errors:
        column, row = _column(i.sheet, i.cell)
        if i.sheet == L.SHEET_TASKS and column is L.TASK_STATUS and row is not None and i.code in UNUSABLE_CODES:
            out[row] = i.value
    return out


def workbook_entries(s: Submission, errors: Sequence[Issue]) -> tuple[Entry, ...]:
    """The workbook's errors that no other fact carries, one `Entry` each: not the indicators' figures
    (their own facts), not the tasks' states (unreported tasks), not a missing row or sheet of those two."""
    figure_cells = {e.cell for e in s.indicators}
    out = []
    for i in errors:
        column, row = _column(i.sheet, i.cell)
        if i.sheet == L.SHEET_INDICATORS and i.cell in figure_cells:
            continue
        if i.sheet == L.SHEET_TASKS and column is L.TASK_STATUS:
            continue
        if i.sheet in _COUNTED_ELSEWHERE and i.code in _LAYOUT_CODES:
            continue
        if i.code in BLANK_CODES:
            problem = EntryProblem.BLANK
        elif i.code in UNUSABLE_CODES:
            problem = EntryProblem.UNUSABLE
        else:
            problem = EntryProblem.LAYOUT
        subject, field = _entry_subject(s, i.sheet, column, row)
        out.append(Entry(problem, i.sheet, subject, field, i.value if problem is EntryProblem.UNUSABLE else ""))
    return tuple(dict.fromkeys(out))


def _entry_subject(s: Submission, sheet: str, column: L.Column | None, row: int | None) -> tuple[str, str]:
    """(the task or project the entry belongs to, the column or label) for a cell of the workbook."""
    field = column.header if column is not None else ""
    if sheet == L.SHEET_TASKS:
        task = next((t for t in s.tasks if t.row == row), None)
        return (task.content if task else ""), field
    if sheet == L.SHEET_PROJECTS:
        project = next((p for p in s.projects if p.row == row), None)
        return (project.name if project else ""), field
    if sheet == L.SHEET_INFO and row is not None and 0 <= row - L.INFO_FIRST_ROW < len(L.INFO_FIELDS):
        return "", L.INFO_FIELDS[row - L.INFO_FIRST_ROW]
    return "", field


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
