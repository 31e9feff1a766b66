"""Named regression data for the third version: each case is the demo's own inputs (`yc-reports demo`) with one
workbook spoiled as a clerk spoils it — a figure left blank, "约18" typed in a number cell, a second differing copy
of one action, a 2023 figure put on record, a new plan period — read and assembled by the real pipeline
(`pipeline.build.read_quarter`: discovery, parse, selection, history) and written by the real renderers
(`consistency_cases.write_case`). One case per bug of the record and the edge cases (tests/consistency/test_regressions.py).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from consistency_cases import write_case
from hostile_quarters import edit, workbook_of

from yc_reports.analysis.model import QuarterReport
from yc_reports.pipeline.build import read_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import OFFICE_PLAN_FILE, Registry, load_registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.xlsx_io import save_workbook

Prepare = Callable[[Path], Registry | None]   # spoils inputs/ in place; may return the registry to use


@dataclass(frozen=True)
class Regression:
    name: str
    quarter: Quarter
    prepare: Prepare | None = None
    action_ids: tuple[int, ...] = ()      # action reports written beside the 通报


def demo_inputs(root: Path) -> Path:
    """The demo's inputs (plan.toml and six quarters of workbooks) under root/inputs."""
    return create_demo_inputs(root).inputs_root


def build(case: Regression, demo: Path, work: Path, cache: Path) -> tuple[QuarterReport, Path]:
    """Copy the demo's inputs, spoil them as the case says, assemble the quarter and write its documents."""
    inputs = work / "inputs"
    shutil.copytree(demo, inputs)
    registry = (case.prepare(inputs) if case.prepare else None) or load_registry(inputs / OFFICE_PLAN_FILE)
    report = read_quarter(registry, case.quarter, inputs / str(case.quarter), cache)
    return report, write_case(report, work / "out", action_ids=case.action_ids)


# ------------------------------------------------------------------------------------ spoiling a workbook


def _row(ws, header: str, first_cell: str) -> tuple[int, dict[str, int]]:
    """The row whose `header` column starts with `first_cell`, and the sheet's columns by header."""
    columns = {ws.cell(L.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(L.HEADER_ROW, c).value}
    for r in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        if str(ws.cell(r, columns[header]).value or "").startswith(first_cell):
            return r, columns
    raise KeyError(first_cell)


def set_figure(indicator: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    """Type `value` (None: clear the cell) as the indicator's 截至本季度末完成值."""
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[L.SHEET_INDICATORS]
        r, columns = _row(ws, L.IND_NAME.header, indicator)
        ws.cell(r, columns[L.IND_VALUE.header]).value = value
    return change


def set_task(content: str, header: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[L.SHEET_TASKS]
        r, columns = _row(ws, L.TASK_CONTENT.header, content)
        ws.cell(r, columns[header]).value = value
    return change


# ------------------------------------------------------------------------------------ the cases


def blank_figure(inputs: Path) -> None:
    """#18: a blank figure was published as "（所填数据无效）未报数据" and "有1处有误，已退回", counted twice."""
    edit(workbook_of(inputs, "2025Q3", 1), set_figure("单位GDP二氧化碳排放降低率", None))


def unusable_figure(inputs: Path) -> None:
    edit(workbook_of(inputs, "2025Q3", 1), set_figure("单位GDP二氧化碳排放降低率", "约18"))


def two_differing_copies(inputs: Path) -> None:
    """#18: two copies of 第七项 differing in 2 cells were "报送数据中有6处有误", and the report went on to say
    "未报送下一步工作计划", "未反映突出问题" and last quarter's "整改中"."""
    original = workbook_of(inputs, "2025Q3", 7)
    copy = original.with_name(original.stem + "（修改稿）.xlsx")
    shutil.copy(original, copy)

    def change(wb: openpyxl.Workbook) -> None:
        set_task("联结长江中上游", L.TASK_STATUS.header, "已完成")(wb)
        set_task("积极引领宜荆荆都市圈", L.TASK_PROGRESS.header, "都市圈协同发展规划已印发实施，公共服务共建共享协议已签订。")(wb)
    edit(copy, change)


def growth_figure_of_2023_on_record(inputs: Path) -> None:
    """#17/#18: the 2023 growth target judged on whichever figure was latest (23.5 met, −5.3 not met), and 第八项
    praised while its table showed a red stage result. Here the 2023Q4 figure is on record: −5.3 %."""
    from factory import clean_fill, filled

    registry = load_registry(inputs / OFFICE_PLAN_FILE)
    fill = dataclasses.replace(clean_fill(8, registry), values={"green_finance_growth": Decimal("-5.3"),
                                                                "green_finance_scale": Decimal("980")},
                               projects=())
    path = inputs / "2023Q4" / "2023Q4_第08项_深化长江大保护金融创新实践.xlsx"
    path.parent.mkdir(parents=True)
    save_workbook(filled(8, "2023Q4", fill, registry=registry), path)


def new_period_reduction_rate(inputs: Path) -> Registry:
    """#18: a reduction rate with a 2030 target and no base was 时序进度 100 %, 差距 −94, red in 2026Q1."""
    from factory import clean_fill, filled
    from yc_reports.plan.toml_text import registry_toml
    from yc_reports.workbook.plan_workbook import new_period

    fresh = new_period(load_registry(inputs / OFFICE_PLAN_FILE), 2026, 2030)
    one = fresh.action(1)
    # plan new starts a 降低率 counted from its base year at 0 in 2025; the office removed that base here, so the
    # rate has none: the case of a reduction rate with a 2030 target and no base
    energy = dataclasses.replace(one.indicators[0], targets={2030: Decimal("13.5")}, baseline=None)
    one = dataclasses.replace(one, indicators=(energy, *one.indicators[1:]))
    fresh = dataclasses.replace(fresh, actions=tuple(one if a.id == 1 else a for a in fresh.actions))
    (inputs / OFFICE_PLAN_FILE).write_text(registry_toml(fresh), encoding="utf-8")
    registry = load_registry(inputs / OFFICE_PLAN_FILE)
    fill = dataclasses.replace(clean_fill(1, registry), values={i.key: Decimal(v) for i, v in
                                                                zip(one.indicators, ("3.1", "4.0", "2.2"), strict=True)},
                               projects=())
    path = inputs / "2026Q1" / "2026Q1_第01项_推动降碳减污协同增效_市发改委.xlsx"
    path.parent.mkdir(parents=True)
    save_workbook(filled(1, "2026Q1", fill, registry=registry), path)
    return registry


CASES = (
    Regression("blank_figure_2025Q3", Quarter(2025, 3), blank_figure, (1,)),
    Regression("unusable_figure_2025Q3", Quarter(2025, 3), unusable_figure, (1,)),
    Regression("two_differing_copies_2025Q3", Quarter(2025, 3), two_differing_copies, (7,)),
    Regression("demo_2025Q3", Quarter(2025, 3), None, (1, 4, 8, 9)),
    Regression("interim_year_2024Q4", Quarter(2024, 4), None, (4, 10)),
    Regression("plan_end_2025Q4", Quarter(2025, 4), None, (3, 7)),
    Regression("growth_2023_on_record_2025Q3", Quarter(2025, 3), growth_figure_of_2023_on_record, (8,)),
    Regression("new_period_2026Q1", Quarter(2026, 1), new_period_reduction_rate, (1,)),
)
