"""Generated quarters for the consistency suite: hand-made parser records (no workbooks), assembled by the real
code, written by the real renderers (the 通报 .docx, action reports, 汇总表.xlsx, summary.json).

A case says, per action: not submitted, unreadable, two differing copies (duplicate), or filled — each indicator
blank, invalid (an error at its cell), on a boundary of the thresholds (gap −30, −30.01, −10, +10 …), at a share
of its target, or negative for a signed rate; each task a state or none; each problem text real or a clerk's
placeholder; projects on time, to watch, lagging, not started after their start, or with an unusable entry.
History: last quarter's workbooks and, when `on_record`, the Q4 of 2023 (the year the 2023 targets expire).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import strategies as st

from report_fixtures import FIRST_VALUE_ROW, VALUE_COLUMN, file_name, project, result, submission
from yc_reports.analysis import checks
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.history import history_from_submissions
from yc_reports.intake.records import ProjectStatus, TaskStatus
from yc_reports.issues import IssueCode, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Direction, load_registry

REGISTRY = load_registry()
START = REGISTRY.plan.start_year
PLACEHOLDERS = ("无", "暂无", "/", "没有", "按计划推进")
REAL_PROBLEMS = ("资金到位偏慢，影响推进进度", "用地审批尚未完成")
GAPS = ("-30", "-30.01", "-30.05", "-10", "-10.04", "-10.05", "10", "9.99", "-29.99", "0")

# Hypothesis strategies of what a clerk writes: a figure (blank, unusable, a gap at a threshold, a share of the
# target), a problem text (placeholder or real), a task's 完成状态 (or none).
FIGURE = st.one_of(st.sampled_from(["blank", "invalid"]), st.sampled_from([f"gap:{g}" for g in GAPS]),
                   st.decimals(min_value=0, max_value=2, places=3).map(lambda d: f"share:{d}"))
PROBLEM = st.sampled_from(("", *PLACEHOLDERS, *REAL_PROBLEMS))
STATE = st.sampled_from([None] + [s.value for s in TaskStatus])


@dataclass(frozen=True)
class ActionSpec:
    mode: str = "filled"                                  # "filled" | "missing" | "unreadable" | "duplicate"
    values: tuple[tuple[str, str], ...] = ()              # key -> "blank" | "invalid" | "gap:-30" | "share:0.8" | "raw:-5"
    tasks: tuple[tuple[str, str | None, str], ...] = ()   # key, status value or None, problems
    notes: tuple[tuple[str, str], ...] = ()
    projects: tuple[str, ...] = ()                        # "ok" | "watch" | "lagging" | "late" | "unusable"


@dataclass(frozen=True)
class Case:
    name: str
    quarter: Quarter
    actions: dict[int, ActionSpec] = field(default_factory=dict)   # unspecified actions: a plain good fill
    history_shares: str = "0.5"                                   # history figures as a share of the target
    on_record: bool = True                                        # the 2023Q4 figures are in the history


def figure_for(key: str, spec: str, quarter: Quarter) -> Decimal | None:
    indicator = next(i for a in REGISTRY.actions for i in a.indicators if i.key == key)
    year = indicator.target_year_for(quarter)
    target = indicator.target_value(year)
    kind, _, arg = spec.partition(":")
    if kind in ("blank", "invalid"):
        return None
    if kind == "raw":
        return Decimal(arg)
    if target is None:
        return Decimal("12.5")
    if kind == "share":
        return (target * Decimal(arg)).quantize(Decimal("0.0001"))
    progress = checks.time_progress(indicator, quarter, START) or Fraction(1)
    gap = Fraction(Decimal(arg)) / 100
    share = progress - gap if indicator.direction is Direction.CEILING else progress + gap
    exact = Fraction(target) * share
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.000001"))


def _default_spec(action_id: int) -> ActionSpec:
    action = REGISTRY.action(action_id)
    return ActionSpec(values=tuple((i.key, "share:1") for i in action.indicators),
                      tasks=tuple((t.key, TaskStatus.ON_SCHEDULE.value, "") for t in action.tasks))


PROJECT_SHARES = {"ok": "1", "watch": "0.7", "lagging": "0.3", "late": "0", "unusable": None}


def _projects(spec: ActionSpec, quarter: Quarter) -> list:
    """Projects of 1000万元 a year: at a share of the pro-rata plan, not started after its start, or unusable."""
    out = []
    for n, kind in enumerate(spec.projects):
        share = PROJECT_SHARES[kind]
        ytd = None if share is None else str((Decimal(1000) * quarter.year_progress.numerator
                                              / quarter.year_progress.denominator * Decimal(share)).quantize(Decimal(1)))
        out.append(project(f"项目{n + 1}", annual_plan="1000", ytd=ytd, row=4 + n,
                           status=ProjectStatus.NOT_STARTED if kind == "late" else ProjectStatus.UNDER_CONSTRUCTION,
                           planned_start=dt.date(quarter.year, 1, 1) if kind == "late" else None))
    return out


def _submission(action_id: int, quarter: Quarter, spec: ActionSpec):
    values = {k: figure_for(k, v, quarter) for k, v in spec.values}
    tasks = {k: (TaskStatus(s) if s else None, problems) for k, s, problems in spec.tasks}
    sub = submission(REGISTRY, action_id, quarter, values={k: v for k, v in values.items() if v is not None},
                     tasks=tasks, notes=dict(spec.notes), projects=_projects(spec, quarter))
    action = REGISTRY.action(action_id)
    issues = [make_issue(IssueCode.NUMBER_INVALID, sub.file, "指标进展", f"{VALUE_COLUMN}{FIRST_VALUE_ROW + i}",
                         value="约0.2", unit=ind.unit)
              for i, ind in enumerate(action.indicators) if dict(spec.values).get(ind.key) == "invalid"]
    issues += [make_issue(IssueCode.NUMBER_INVALID, sub.file, "重大项目", f"E{4 + n}", value="约1.8亿", unit="万元")
               for n, kind in enumerate(spec.projects) if kind == "unusable"]
    return result(sub, issues=issues)


def _second_copy(first, action_id: int, quarter: Quarter):
    """A second copy of an action's workbook that differs from the first: its first figure one higher (or set), its
    first task's state changed."""
    sub = first.submission
    indicators = list(sub.indicators)
    if indicators:
        i = indicators[0]
        indicators[0] = dataclasses.replace(i, value=(i.value or Decimal(0)) + 1)
    tasks = list(sub.tasks)
    if tasks:
        t = tasks[0]
        tasks[0] = dataclasses.replace(t, status=TaskStatus.DONE if t.status is not TaskStatus.DONE else
                                       TaskStatus.ON_SCHEDULE)
    name = file_name(quarter, action_id, "（修改稿）")
    return result(dataclasses.replace(sub, file=name, indicators=tuple(indicators), tasks=tuple(tasks)))


def _history(case: Case) -> list:
    quarters = {case.quarter.previous()}
    if case.quarter.year > 2023 and case.on_record:
        quarters.add(Quarter(2023, 4))
    out = []
    for q in sorted(quarters, key=lambda q: q.position):
        if not REGISTRY.covers(q):
            continue
        for action in REGISTRY.actions:
            spec = ActionSpec(values=tuple((i.key, f"share:{case.history_shares}") for i in action.indicators),
                              tasks=tuple((t.key, TaskStatus.ON_SCHEDULE.value, "") for t in action.tasks))
            out.append(_submission(action.id, q, spec).submission)
    return out


def assemble(case: Case):
    current = []
    for action in REGISTRY.actions:
        spec = case.actions.get(action.id) or _default_spec(action.id)
        if spec.mode == "missing":
            continue
        if spec.mode == "unreadable":
            name = file_name(case.quarter, action.id)
            current.append(result(None, file=name, issues=[make_issue(IssueCode.FILE_UNREADABLE, name, detail="x")]))
            continue
        current.append(_submission(action.id, case.quarter, spec))
        if spec.mode == "duplicate":
            current.append(_second_copy(current[-1], action.id, case.quarter))
    history = history_from_submissions(case.quarter, _history(case))
    return assemble_report(REGISTRY, case.quarter, current, history, report_date=dt.date(2025, 10, 10))


def write_case(report, out: Path, action_ids=()) -> Path:
    """The written outputs of one quarter: 通报, some action reports, summary.json, 汇总表.xlsx."""
    from yc_reports.render.docx.settings import resolve_document_settings
    from yc_reports.render.reports import compose_action, compose_summary
    from yc_reports.render.summary_json import write_summary_json
    from yc_reports.render.summary_xlsx import write_summary_workbook
    from yc_reports.render.wording import Wording

    out.mkdir(parents=True, exist_ok=True)
    settings, wording = resolve_document_settings(None), Wording()
    compose_summary(report, settings, wording).save(out / "summary.docx")
    for action_id in action_ids:
        compose_action(report.action(action_id), report, settings, wording).save(out / f"action{action_id}.docx")
    write_summary_json(report, {}, out / "summary.json")
    write_summary_workbook(report, out / "汇总表.xlsx")
    return out
