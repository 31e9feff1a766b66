"""The office's cycle as a scenario, for tests and the documentation's page images: the demo's quarters issued
in turn, then the next plan period opened as the office opens it (`plan new` from the record, targets set,
imported, templates with the old plan's open items, the units' workbooks, the first quarter built)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import openpyxl

import factory
from yc_reports.intake.records import RectificationEntry
from yc_reports.pipeline.build import BuildResult, build_quarter
from yc_reports.pipeline.issue import issue_quarter
from yc_reports.pipeline.past import next_period
from yc_reports.pipeline.supervision import template_rectifications
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry, load_registry
from yc_reports.plan.toml_text import registry_toml
from yc_reports.record.store import CN_TZ, Record, record_path
from yc_reports.workbook.fill import fill_workbook
from yc_reports.workbook.writer import write_templates

ISSUED = (Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4))
# Targets of the 2026—2030 plan the scenario sets (the rest stay 待定)
NEXT_TARGETS = {"tourist_arrivals": Decimal("1.5"), "tourism_revenue": Decimal(2600), "green_factories": Decimal(10)}


def issue_demo_quarters(root: Path, registry: Registry) -> dict[Quarter, BuildResult]:
    """Issue the demo's six quarters under root/inputs in order, each on a day of January 2026."""
    issued = {}
    for n, q in enumerate(ISSUED):
        result = issue_quarter(registry, q, root / "inputs" / str(q), root / "outputs" / str(q), by="张三",
                               at=dt.datetime(2026, 1, 15 + n, 9, 0, tzinfo=CN_TZ))
        assert result.ok, result.error
        issued[q] = result
    return issued


class NextPlan(NamedTuple):
    registry: Registry
    figures: dict[str, Decimal]                              # the 2025Q4 figures on record (the bases)
    rows: dict[int, tuple[RectificationEntry, ...]]          # the old plan's open items, by action
    templates: list[Path]
    build: BuildResult                                       # 2026Q1 under the new plan


def open_next_plan(root: Path, current: Registry, targets: Mapping[str, Decimal] = NEXT_TARGETS) -> NextPlan:
    """`plan new 2026 2030` from the record, `targets` set for 2030, imported as inputs/plan.toml (the old plan
    kept as plan_2022_2025.toml beside it); 2026Q1 templates and filled workbooks; 2026Q1 built."""
    inputs = root / "inputs"
    with Record(record_path(inputs)) as record:
        fresh, figures = next_period(current, record, 2026, 2030)
    actions = tuple(dataclasses.replace(a, indicators=tuple(
        dataclasses.replace(i, targets={2030: targets[i.key]}) if i.key in targets else i for i in a.indicators))
        for a in fresh.actions)
    fresh = dataclasses.replace(fresh, actions=actions)
    shutil.copy(inputs / "plan.toml", root / "plan_2022_2025.toml")
    (inputs / "plan.toml").write_text(registry_toml(fresh), "utf-8")
    registry = load_registry(inputs / "plan.toml")
    q = Quarter(2026, 1)
    rows = template_rectifications(registry, q, inputs)
    templates = write_templates(registry, q, root / "outputs" / str(q) / "templates", inputs, rectifications=rows)
    for action, template in zip(registry.actions, templates, strict=True):   # filled in the templates sent out
        filled = fill_workbook(openpyxl.load_workbook(template), factory.clean_fill(action.id, registry))
        factory.save(filled, inputs / str(q) / f"第{action.id:02d}项.xlsx")
    build = build_quarter(registry, q, inputs / str(q), root / "outputs" / str(q))
    assert build.ok, build.error
    return NextPlan(registry, figures, rows, templates, build)
