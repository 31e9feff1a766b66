"""Inputs with many quarters of history, for measuring what the years kept in inputs/ cost a build.

The demo covers five quarters (2024Q3–2025Q3) of a 2022–2025 plan. For twenty earlier quarters the plan
is moved to start in 2020 (the demo's plan.toml with `start_year = 2020`) and the quarters before the
demo's are filled from the demo's figures of the same quarter of the year, scaled down by 8 % per year
back, so that every series grows plausibly and the trend charts have a point per quarter.
Workbooks are written the way units work: the office's templates (carrying over the previous quarter),
filled with `workbook_fill`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from yc_reports.pipeline import demo
from yc_reports.pipeline import demo_data as D
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.plan.registry import OFFICE_PLAN_FILE, Registry, load_registry
from yc_reports.workbook.fill import fill_workbook
from yc_reports.workbook.writer import write_templates
from yc_reports.workbook.xlsx_io import save_workbook

CURRENT = Quarter(2025, 3)
START_YEAR = 2020
YEARLY_SCALE = Decimal("0.08")


def plan_text(start_year: int = START_YEAR) -> str:
    """The demo's plan.toml with the plan moved to start in `start_year`."""
    text = demo.office_plan_text()
    old = "start_year = 2022\n"
    if text.count(old) != 1:
        raise RuntimeError("the demo plan no longer has exactly one 'start_year = 2022' line")
    return text.replace(old, f"start_year = {start_year}\n")


def create_history_inputs(root: Path, earlier: int) -> Path:
    """root/inputs/ with plan.toml and the folders of `earlier` quarters before 2025Q3, and 2025Q3's."""
    inputs_root = Path(root) / "inputs"
    inputs_root.mkdir(parents=True, exist_ok=True)
    plan_path = inputs_root / OFFICE_PLAN_FILE
    plan_path.write_text(plan_text(), encoding="utf-8")
    registry = load_registry(plan_path)
    first = CURRENT
    for _ in range(earlier):
        first = first.previous()
    if first < registry.first_quarter:
        raise ValueError(f"{earlier} earlier quarters do not fit a plan starting in {START_YEAR}")
    for quarter in quarters_between(first, CURRENT):
        write_quarter(registry, quarter, inputs_root)
    return inputs_root


def copy_recent(source_inputs: Path, root: Path, earlier: int) -> Path:
    """root/inputs/ holding plan.toml and only the last `earlier` + 1 quarters of `source_inputs`."""
    inputs_root = Path(root) / "inputs"
    inputs_root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source_inputs / OFFICE_PLAN_FILE, inputs_root / OFFICE_PLAN_FILE)
    quarter = CURRENT
    for _ in range(earlier + 1):
        shutil.copytree(source_inputs / str(quarter), inputs_root / str(quarter))
        quarter = quarter.previous()
    return inputs_root


def demo_index(quarter: Quarter) -> tuple[int, int]:
    """(index into the demo's quarters, years before it): the demo quarter of the same quarter of the year."""
    demo_quarters = [Quarter.parse(q) for q in D.QUARTERS]
    if quarter in demo_quarters:
        return demo_quarters.index(quarter), 0
    index = next(i for i, q in enumerate(demo_quarters) if q.q == quarter.q)
    return index, demo_quarters[index].year - quarter.year


def scaled(value, years_back: int):
    if not isinstance(value, Decimal) or years_back == 0:
        return value
    factor = max(Decimal("0.2"), 1 - YEARLY_SCALE * years_back)
    return (value * factor).quantize(value) if value.as_tuple().exponent < 0 else (value * factor).quantize(1)


def write_quarter(registry: Registry, quarter: Quarter, inputs_root: Path) -> None:
    index, years_back = demo_index(quarter)
    folder = inputs_root / str(quarter)
    folder.mkdir(parents=True, exist_ok=True)
    missing = D.MISSING.get(str(quarter), ())
    with tempfile.TemporaryDirectory() as tmp:
        for template in write_templates(registry, quarter, Path(tmp), inputs_root):
            wb = openpyxl.load_workbook(template)
            action_id = _action_id(template, quarter)
            if action_id in missing:
                continue
            fill = demo.unit_fill(registry, action_id, quarter, index)
            if years_back:
                fill = dataclasses.replace(fill, values={k: scaled(v, years_back) for k, v in fill.values.items()})
            fill_workbook(wb, fill)
            save_workbook(wb, folder / template.name,
                          stamp=dt.datetime.combine(demo.fill_date(quarter), dt.time()))


def _action_id(template: Path, quarter: Quarter) -> int:
    """2025Q3_第03项_… → 3 (the template writer's file name)."""
    prefix = f"{quarter}_第"
    return int(template.name[len(prefix):len(prefix) + 2])
