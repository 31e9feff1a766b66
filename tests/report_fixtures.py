"""Hand-made parser records for the checks, assemble and summary tests (no workbooks involved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from yc_reports.intake.records import (
    BasicInfo,
    IndicatorEntry,
    ParseResult,
    ProjectEntry,
    ProjectStatus,
    Submission,
    TaskEntry,
    TaskStatus,
)
from yc_reports.issues import Issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry, load_registry

FIRST_VALUE_ROW = 4  # 指标进展: title, hint, header, then one row per indicator
VALUE_COLUMN = "H"


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def file_name(quarter: Quarter, action_id: int, suffix: str = "") -> str:
    return f"{quarter}_第{action_id:02d}项{suffix}.xlsx"


def submission(registry: Registry, action_id: int, quarter: Quarter, *,
               values: Mapping[str, str | int | None] | None = None,
               notes: Mapping[str, str] | None = None,
               tasks: Mapping[str, tuple[TaskStatus | None, str]] | None = None,
               extra_tasks: Iterable[TaskEntry] = (),
               projects: Iterable[ProjectEntry] = (),
               file: str | None = None, plan_id: str | None = None,
               info: BasicInfo | None = None) -> Submission:
    """A submission for `action_id`: every registry indicator in its row (value from `values`, else None),
    every registry task in `tasks` (status, problems)."""
    action = registry.action(action_id)
    values = values or {}
    notes = notes or {}
    entries = tuple(
        IndicatorEntry(key=ind.key, value=None if values.get(ind.key) is None else D(values[ind.key]),
                       note=notes.get(ind.key, ""), cell=f"{VALUE_COLUMN}{FIRST_VALUE_ROW + i}")
        for i, ind in enumerate(action.indicators))
    task_entries = []
    for i, task in enumerate(action.tasks):
        if tasks is not None and task.key in tasks:
            status, problems = tasks[task.key]
            task_entries.append(TaskEntry(row=FIRST_VALUE_ROW + i, key=task.key, content=task.content,
                                          deadline=task.deadline, status=status, progress="按计划推进",
                                          problems=problems))
    task_entries += list(extra_tasks)
    return Submission(
        file=file or file_name(quarter, action_id), sha256="0" * 64,
        plan_id=plan_id or registry.plan.id, action_id=action_id, quarter=quarter, template_version=1,
        info=info or BasicInfo(filler="张三", phone="0717-1234567", reviewer="李四",
                               fill_date=dt.date(quarter.end_date.year, quarter.end_date.month, 28)),
        indicators=entries, tasks=tuple(task_entries), projects=tuple(projects))


def result(sub: Submission | None, file: str | None = None, issues: Iterable[Issue] = ()) -> ParseResult:
    name = file or (sub.file if sub is not None else "unknown.xlsx")
    return ParseResult(file=name, submission=sub, issues=tuple(issues))


def project(name: str, *, annual_plan: str | None, ytd: str | None, status: ProjectStatus | None,
            planned_start: dt.date | None = None, problems: str = "", total: str | None = "10000",
            row: int = 4) -> ProjectEntry:
    return ProjectEntry(row=row, name=name, total_investment=None if total is None else D(total),
                        annual_plan=None if annual_plan is None else D(annual_plan),
                        ytd_completed=None if ytd is None else D(ytd), status=status,
                        planned_start=planned_start, image_progress="主体施工", problems=problems)


# ------------------------------------------------------------------------------------ a whole quarter

from yc_reports.issues import IssueCode, make_issue  # noqa: E402

FIXTURE_QUARTER = Quarter(2025, 3)


def fixture_quarter(registry: Registry):
    """2025Q3 as hand-made parse results, with history submissions for 2024Q3, 2025Q1 and 2025Q2.

    The story (time progress 0.75; cumulative paths ask 0.9375 of their 2025 target):
      一 green (targets still pending, tasks in time)      二 green (tasks only)
      三 red: 绿色园区 0 of 2 lagging; a project past its planned start; 绿色产品 fell from 3 to 2
      四 green and commended: 2023 targets met, coverage on track
      五 green and commended: 用水总量 14.0 of a 22.4 ceiling (ahead)
      六 grey (nothing received)                          七 red: a 2023 task still unfinished
      八 red: 增速 15% misses its 2023 target; 规模 jumps from ~1300 to 13800 (a unit slip)
      九 two workbooks: data pending                      十 yellow: 综合收入 watch; an invalid 填报日期
    Also: a 2025Q2 workbook of 第一项 among this quarter's files, and a stray lock file.
    """
    q = FIXTURE_QUARTER
    done, going, behind = TaskStatus.DONE, TaskStatus.ON_SCHEDULE, TaskStatus.BEHIND
    subs = {
        1: submission(registry, 1, q, values={"energy_intensity_reduction": "13.2", "co2_intensity_reduction": "18.0",
                                              "pollutant_reduction": "10.1"},
                      tasks={"hq_projects_control": (going, ""), "carbon_peak_start": (done, ""),
                             "carbon_peak_stage": (going, "")}),
        2: submission(registry, 2, q, tasks={"eco_value_study": (done, ""), "eco_value_demos": (done, ""),
                                             "eco_value_framework": (going, "")}),
        3: submission(registry, 3, q,
                      values={"green_products": 2, "green_factories": 8, "green_parks": 0, "green_supply_chains": 2},
                      notes={"green_parks": "猇亭化工园区尚在整改，预计年内难以获批。"},
                      tasks={"green_demo_units": (going, ""), "chem_green_system": (going, "部分企业改造资金压力较大")},
                      projects=[project("宜昌绿色化工园区改造项目", annual_plan="12000", ytd="8600.5",
                                        status=ProjectStatus.UNDER_CONSTRUCTION, planned_start=dt.date(2024, 3, 1)),
                                project("长江岸线生态修复工程", annual_plan="6000", ytd="0",
                                        status=ProjectStatus.NOT_STARTED, planned_start=dt.date(2025, 6, 1),
                                        problems="用地审批待办", row=5)]),
        4: submission(registry, 4, q, values={"innovation_platforms": 22, "tech_projects": 8,
                                              "rd_institution_coverage": "96", "rd_activity_coverage": "93"},
                      tasks={"green_tech_transfer": (going, "")}),
        5: submission(registry, 5, q, values={"water_use_total": "14.0", "eco_base_flow": "95",
                                              "water_use_efficiency": "13.1", "water_quality_compliance": "94"},
                      tasks={"water_allocation": (done, ""), "strict_water_management": (going, "")}),
        7: submission(registry, 7, q, tasks={"sub_center_2023": (going, "跨区域协调事项需省级层面统筹"),
                                             "regional_center_2025": (going, ""), "yjj_metropolis": (going, "")}),
        8: submission(registry, 8, q, values={"green_finance_growth": "15", "green_finance_scale": "13800"},
                      notes={"green_finance_growth": "受有效信贷需求偏弱影响，增速放缓。"},
                      tasks={"green_finance_system": (behind, "试验区方案尚待省级批复")}),
        10: submission(registry, 10, q, values={"tourist_arrivals": "0.86", "tourism_revenue": "1020"},
                       notes={"tourism_revenue": "=受暑期高温影响，过夜游客人均消费下降"},
                       tasks={"qu_yuan_park": (going, "征地拆迁进度偏慢"), "inbound_tourism": (going, "")}),
    }
    current = [result(s) for s in subs.values() if s.action_id != 10]
    bad_cell = make_issue(IssueCode.DATE_INVALID, subs[10].file, "基本信息", "B9", value="十月八日")
    current.append(result(subs[10], issues=[bad_cell]))
    nine = submission(registry, 9, q, tasks={"living_env_projects_2023": (done, "")})
    current.append(result(nine, file=file_name(q, 9, "_市住建局")))
    revised = dataclass_replace(nine, file=file_name(q, 9, "_市住建局（修改）"),
                                tasks=tuple(dataclass_replace(t, status=going) for t in nine.tasks))
    current.append(result(revised, file=file_name(q, 9, "_市住建局（修改）")))
    old = submission(registry, 1, Quarter(2025, 2), file=file_name(Quarter(2025, 2), 1))
    current.append(result(old))
    stray = [make_issue(IssueCode.STRAY_FILE, "~$2025Q3_第03项.xlsx", detail="Excel 或 WPS 打开文件时生成的临时文件")]
    history = [
        submission(registry, 3, Quarter(2024, 3), values={"green_products": 1, "green_factories": 5, "green_parks": 0,
                                                         "green_supply_chains": 1}),
        submission(registry, 3, Quarter(2025, 1), values={"green_products": 2, "green_factories": 7, "green_parks": 0,
                                                         "green_supply_chains": 1}),
        submission(registry, 3, Quarter(2025, 2), values={"green_products": 3, "green_factories": 7, "green_parks": 0,
                                                         "green_supply_chains": 2}),
        submission(registry, 5, Quarter(2024, 3), values={"water_use_total": "15.62", "eco_base_flow": "91"}),
        submission(registry, 5, Quarter(2025, 2), values={"water_use_total": "10.34", "eco_base_flow": "94"}),
        submission(registry, 8, Quarter(2024, 3), values={"green_finance_growth": "24.1", "green_finance_scale": "1082"}),
        submission(registry, 8, Quarter(2025, 2), values={"green_finance_growth": "24.6", "green_finance_scale": "1302"}),
        submission(registry, 10, Quarter(2024, 3), values={"tourist_arrivals": "0.80", "tourism_revenue": "830"}),
        submission(registry, 10, Quarter(2025, 2), values={"tourist_arrivals": "0.90", "tourism_revenue": "620"}),
    ]
    return current, history, stray


def dataclass_replace(obj, **changes):
    import dataclasses

    return dataclasses.replace(obj, **changes)


# ------------------------------------------------------------------------------------ the shipped plan, judged

_Q3 = Quarter(2025, 3)


def shipped_indicator(key: str):
    """An indicator of the shipped plan by key."""
    return next(i for a in _SHIPPED.actions for i in a.indicators if i.key == key)


def judge(indicator, quarter: Quarter, actual: str | None, trend=()):
    """`checks.indicator_result` of `indicator` (of the shipped plan's period and thresholds) for one figure."""
    from yc_reports.analysis import checks

    return checks.indicator_result(indicator, quarter, plan_start_year=_SHIPPED.plan.start_year,
                                   thresholds=_SHIPPED.thresholds, actual=None if actual is None else D(actual),
                                   trend=trend)


def assembled(action_id: int, quarter: Quarter = _Q3, history=(), issues=(), extra=(), **kw):
    """The shipped plan's quarter assembled from one hand-made submission (plus `extra` parse results): the
    report and the action's result."""
    from yc_reports.analysis.assemble import assemble_report
    from yc_reports.analysis.history import history_from_submissions

    sub = submission(_SHIPPED, action_id, quarter, **kw)
    report = assemble_report(_SHIPPED, quarter, [result(sub, issues=issues), *extra],
                             history_from_submissions(quarter, history))
    return report, report.action(action_id)


_SHIPPED = load_registry()
