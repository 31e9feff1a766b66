"""Hand-made report objects for the chart and document tests (no parsing, no checks involved).

The figures are plausible for 2025Q3 and chosen to exercise every status colour, a missing figure
in a trend, a target left to the province, a ceiling indicator, a missing unit and one with errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from yc_reports.analysis.model import (
    ActionResult,
    IndicatorResult,
    Light,
    ProjectResult,
    QuarterReport,
    Status,
    TaskResult,
)
from yc_reports.intake.records import ProjectStatus, TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Direction, Kind, load_registry

Q = Quarter(2025, 3)
TREND_QUARTERS = (Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3))


def indicator(name: str, unit: str, target: str | None, actual: str | None, status: Status, *,
              progress: Fraction | None = Fraction(3, 4), kind: Kind = Kind.CUMULATIVE,
              direction: Direction = Direction.FLOOR, decimals: int = 0,
              trend: tuple[str | None, ...] = ()) -> IndicatorResult:
    target_d = Decimal(target) if target is not None else None
    actual_d = Decimal(actual) if actual is not None else None
    completion = Fraction(actual_d) / Fraction(target_d) if target_d and actual_d is not None else None
    gap = (completion - progress) * 100 if completion is not None and progress is not None else None
    return IndicatorResult(
        key=name, name=name, unit=unit, kind=kind, direction=direction, decimals=decimals, target_year=2025,
        target=target_d, target_note="", actual=actual_d, completion=completion, time_progress=progress,
        gap_points=gap, status=status,
        trend=tuple((q, Decimal(v) if v is not None else None) for q, v in zip(TREND_QUARTERS, trend, strict=False)),
    )


GREEN_FACTORIES = indicator("新增绿色工厂数量", "家", "12", "8", Status.WATCH, progress=Fraction(15, 16),
                            trend=("5", "6", None, "7", "8"))
GREEN_PARKS = indicator("建设绿色园区数量", "个", "2", "1", Status.LAGGING, progress=Fraction(15, 16))
GREEN_PRODUCTS = indicator("开发绿色产品数量", "个", "2", "2", Status.AHEAD, progress=Fraction(15, 16))
SUPPLY_CHAINS = indicator("打造绿色供应链数量", "条", "2", None, Status.NO_DATA)
WATER_USE = indicator("全市用水总量", "亿立方米", "22.4", "15.80", Status.ON_TRACK, kind=Kind.FLOW,
                      direction=Direction.CEILING, decimals=2, trend=("15.62", "21.05", "4.98", "10.34", "15.80"))
COVERAGE = indicator("规模以上企业研发机构覆盖率", "%", "100", "96.2", Status.ON_TRACK, kind=Kind.LEVEL,
                     decimals=1, trend=("90.5", "92.0", "93.1", "94.6", "96.2"))
PROVINCE_SET = indicator("单位GDP能源消耗降低率", "%", None, "13.2", Status.NO_DATA, progress=None, kind=Kind.LEVEL,
                         decimals=1)


def project(name: str, plan: str | None, ytd: str | None, status: Status) -> ProjectResult:
    plan_d = Decimal(plan) if plan is not None else None
    ytd_d = Decimal(ytd) if ytd is not None else None
    completion = Fraction(ytd_d) / Fraction(plan_d) if plan_d and ytd_d is not None else None
    return ProjectResult(
        name=name, total_investment=None, annual_plan=plan_d, ytd_completed=ytd_d, completion=completion,
        time_progress=Fraction(3, 4), gap_points=(completion - Fraction(3, 4)) * 100 if completion else None,
        status=status, project_status=ProjectStatus.UNDER_CONSTRUCTION, late_start=False, image_progress="",
        problems="",
    )


PROJECTS = (
    project("宜都化工园区绿色化改造项目", "52000", "41800", Status.ON_TRACK),
    project("猇亭区磷石膏综合利用项目", "18000", "6200", Status.LAGGING),
    project("兴发集团绿色供应链平台", "9000", "5600", Status.WATCH),
)


def task(content: str, status: TaskStatus, behind: bool = False) -> TaskResult:
    return TaskResult(key=content, content=content, deadline=dt.date(2025, 12, 31), reported=status, overdue=False,
                      behind=behind, progress="", problems="")


def _registry_action(action_id: int) -> Action:
    return load_registry().action(action_id)


def action_result(action_id: int, light: Light, *, indicators=(), tasks=(), projects=(), submitted: bool = True,
                  data_pending: bool = False, errors: int = 0, warnings: int = 0) -> ActionResult:
    return ActionResult(action=_registry_action(action_id), submitted=submitted, data_pending=data_pending,
                        light=light, light_reasons=(), indicators=tuple(indicators), tasks=tuple(tasks),
                        projects=tuple(projects), error_count=errors, warning_count=warnings)


def green_manufacturing() -> ActionResult:
    """第三项 with every status colour and projects."""
    return action_result(3, Light.RED, indicators=(GREEN_PRODUCTS, GREEN_FACTORIES, GREEN_PARKS, SUPPLY_CHAINS),
                         projects=PROJECTS)


def quarter_report() -> QuarterReport:
    registry = load_registry()
    lights = {1: Light.GREEN, 2: Light.GREEN, 3: Light.RED, 4: Light.GREEN, 5: Light.GREEN, 6: Light.GREY,
              7: Light.RED, 8: Light.GREEN, 9: Light.YELLOW, 10: Light.YELLOW}
    indicators = {1: (PROVINCE_SET,), 3: green_manufacturing().indicators, 4: (COVERAGE,), 5: (WATER_USE,)}
    tasks = {2: (task("开展生态产品价值核算", TaskStatus.DONE), task("建设示范基地", TaskStatus.ON_SCHEDULE)),
             7: (task("推进宜荆荆都市圈协同", TaskStatus.BEHIND, behind=True),),
             9: (task("完成老旧小区改造", TaskStatus.ON_SCHEDULE),)}
    actions = []
    for a in registry.actions:
        actions.append(action_result(
            a.id, lights[a.id], indicators=indicators.get(a.id, ()), tasks=tasks.get(a.id, ()),
            submitted=a.id != 6, data_pending=a.id == 9, errors=2 if a.id == 9 else 0,
            warnings=1 if a.id in (3, 9) else 0))
    return QuarterReport(plan=registry.plan, quarter=Q, time_progress=Fraction(3, 4),
                         report_date=dt.date(2025, 10, 8), issue_number=3, actions=tuple(actions), issues=())
