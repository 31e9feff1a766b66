"""The registry written back as plan TOML (what `yc-reports plan import` saves as inputs/plan.toml).

Deterministic: the same registry always gives the same text; `load_registry` of the text gives the
same registry back (tests/plan/test_plan_workbook.py). Comments of a hand-written file are not kept.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from yc_reports.configfiles import toml_string
from yc_reports.plan.registry import ASSESSMENT_LABELS, Direction, Frequency, Indicator, Registry, Task

_s = toml_string   # a TOML basic string (short: on nearly every line below)


def _n(value: Decimal | None) -> str:
    """A number as written, or "" (a target still to be set)."""
    if value is None:
        return '""'
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text


def registry_toml(registry: Registry) -> str:
    p = registry.plan
    lines = [f"# {p.name}（由 yc-reports plan import 生成；可用 yc-reports plan export 导出为表格修改）", "",
             "[plan]"]
    for key, value in (("id", p.id), ("name", p.name), ("short_name", p.short_name), ("doc_number", p.doc_number),
                         ("issuer", p.issuer), ("issued", p.issued.isoformat())):
        lines.append(f"{key} = {_s(value)}")
    lines += [f"start_year = {p.start_year}", f"end_year = {p.end_year}"]
    for key in ("city", "headquarters", "office", "office_host"):
        lines.append(f"{key} = {_s(getattr(p, key))}")
    lines += [f"template_version = {p.template_version}", "", "[thresholds]"]
    for threshold in dataclasses.fields(registry.thresholds):
        lines.append(f"{threshold.name} = {_n(getattr(registry.thresholds, threshold.name))}")
    lines += ["", "[assessment]"]
    lines += [f"{key} = {_n(getattr(registry.assessment, key))}" for key in ASSESSMENT_LABELS]
    for action in registry.actions:
        lines += ["", "[[actions]]", f"id = {action.id}", f"name = {_s(action.name)}",
                  "lead_units = [" + ", ".join(_s(u) for u in action.lead_units) + "]"]
        for indicator in action.indicators:
            lines += ["", "[[actions.indicators]]", *_indicator_lines(indicator)]
        for task in action.tasks:
            lines += ["", "[[actions.tasks]]", *_task_lines(task)]
    return "\n".join(lines) + "\n"


def _indicator_lines(i: Indicator) -> list[str]:
    out = [f"key = {_s(i.key)}", f"name = {_s(i.name)}", f"unit = {_s(i.unit)}", f"kind = {_s(i.kind.value)}"]
    if i.direction is not Direction.FLOOR:
        out.append(f"direction = {_s(i.direction.value)}")
    if i.signed:
        out.append("signed = true")
    if i.frequency is not Frequency.QUARTERLY:
        out.append(f"frequency = {_s(i.frequency.value)}")
    if i.baseline is not None:
        out.append(f"baseline = {{ year = {i.baseline.year}, value = {_n(i.baseline.value)} }}")
    if i.target_multiple is not None:
        out.append(f"target_multiple = {_n(i.target_multiple)}")
    out.append("targets = { " + ", ".join(f'"{y}" = {_n(v)}' for y, v in sorted(i.targets.items())) + " }")
    if i.target_note:
        out.append(f"target_note = {_s(i.target_note)}")
    if i.source:
        out.append(f"source = {_s(i.source)}")
    out.append(f"decimals = {i.decimals}")
    return out


def _task_lines(t: Task) -> list[str]:
    out = [f"key = {_s(t.key)}", f"content = {_s(t.content)}", f"deadline = {_s(t.deadline.isoformat())}"]
    if t.source:
        out.append(f"source = {_s(t.source)}")
    return out
