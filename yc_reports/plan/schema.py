"""Checking a plan file against the records of `plan/registry.py` with pydantic, and saying what is wrong.

Imported only when a plan's text is not in the plan cache (see registry.py): pydantic builds its schema
from the records' annotated field types; its errors become one Chinese sentence naming the key
(`_message`, `_key`), and the rules across fields follow in `_cross_field_faults`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from yc_reports.plan.registry import (  # the names the records' string annotations use
    ASSESSMENT_LABELS,
    Action,
    Assessment,
    PlanInfo,
    Registry,
    RegistryError,
    Text,
    Thresholds,
    _Fault,
    _Negative,
    _NotEmpty,
    load_registry,
    normalise_placeholder,
)


@dataclass(frozen=True)
class _Texts:
    placeholders: tuple[Text, ...] = ()


@dataclass(frozen=True)
class _PlanFile:
    """The file's shape: its tables, each one of the records above."""

    plan: PlanInfo
    actions: Annotated[tuple[Action, ...], _NotEmpty()]
    thresholds: Thresholds = field(default_factory=Thresholds)
    texts: _Texts | None = None          # absent: the shipped plan's list
    assessment: Assessment = field(default_factory=Assessment)


_PLAN_FILE = TypeAdapter(_PlanFile)

# What to say when a table or list itself has the wrong type (or is missing, or empty).
_HINTS = {
    "plan": "缺少 [plan] 部分", "actions": "缺少行动清单（[[actions]]）", "thresholds": "应为表（[thresholds]）",
    "assessment": "应为表（[assessment]）", "lead_units": "应为牵头单位名称列表，如 [\"市发改委\"]",
    "targets": "应至少有一个目标年份，如 { \"2025\" = 12 }", "baseline": "应写作 { year = 2020, value = 100 }",
    "placeholders": "应为文字列表，如 [\"无\", \"暂无\"]",
}
# pydantic's own error types, worded in Chinese ({input!r} is the value found).
_MESSAGES = {
    "missing": "缺少此项", "string_type": "应为文字，实际为 {input!r}", "int_type": "应为整数，实际为 {input!r}",
    "bool_type": "应为 true 或 false，实际为 {input!r}", "unexpected_keyword_argument":
    "不是考核规则的项目，可用的有：" + "、".join(ASSESSMENT_LABELS),
    "dataclass_type": "应为表",
}

Loc = tuple[int | str, ...]


class PlanFaults(RegistryError):
    """A plan that cannot be used. The message names the first fault at its key in the plan file; `faults` holds
    every fault as (location in the parsed file, what is wrong, in Chinese without key names), so that a plan
    imported from the office's workbook names each at the sheet and cell it came from (workbook/plan_workbook.py)."""

    def __init__(self, message: str, faults: tuple[tuple[Loc, str], ...]) -> None:
        super().__init__(message)
        self.faults = faults


def validate_plan(raw: dict[str, Any], where: str) -> Registry:
    """The registry `raw` (a parsed plan file) describes; PlanFaults names the first fault's key and carries all."""

    def fail(faults: list[tuple[Loc, str]]) -> PlanFaults:
        loc, what = faults[0]
        return PlanFaults(f"计划配置文件 {where} 中 {_key(loc, raw)}：{what}", tuple(dict.fromkeys(faults)))

    try:
        plan_file = _PLAN_FILE.validate_python(raw)
    except ValidationError as exc:
        raise fail([_message(error) for error in exc.errors(include_url=False)]) from None
    cross = list(_cross_field_faults(plan_file))
    if cross:
        raise fail(cross)
    if plan_file.texts is not None:
        placeholders = frozenset(filter(None, map(normalise_placeholder, plan_file.texts.placeholders)))
    else:   # the shipped plan's list (it has [texts]), read as every command reads it: through the plan cache
        placeholders = load_registry(None).placeholders
    return Registry(plan=plan_file.plan, thresholds=plan_file.thresholds, actions=plan_file.actions,
                    source_path=where, assessment=plan_file.assessment, placeholders=placeholders)


def _message(error: Any) -> tuple[Loc, str]:
    """(where, what) of one pydantic error: a hint for a table or list of the wrong shape, else the message."""
    loc: Loc = tuple(part for part in error["loc"] if part != "[key]")
    fault = error.get("ctx", {}).get("error")
    if isinstance(fault, _Fault):
        label = ASSESSMENT_LABELS.get(str(loc[-1]), "")
        return loc, f"{label}不能为负数，实际为 {error['input']!r}" if isinstance(fault, _Negative) else str(fault)
    for depth in range(len(loc), 0, -1):   # a list of texts is named as a whole
        if loc[depth - 1] in _HINTS and (depth == len(loc) or loc[depth - 1] in ("lead_units", "placeholders")):
            return loc[:depth], _HINTS[str(loc[depth - 1])]
    template = _MESSAGES.get(error["type"])
    if template is None:
        return loc, "格式不正确"
    return loc, template.format(input=error.get("input"))


def _key(loc: Loc, raw: Any) -> str:
    """A pydantic location as the file's key path: actions[id=3].indicators[1](key=green_parks).kind."""
    text, node = "", raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else {}
            label = f"id={item['id']}" if isinstance(item, dict) and isinstance(item.get("id"), int) else part
            text += f"[{label}]"
            if isinstance(item, dict) and isinstance(item.get("key"), str):
                text += f"(key={item['key']})"
            node = item
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part, {}) if isinstance(node, dict) else {}
    return text


def _cross_field_faults(f: _PlanFile) -> Iterator[tuple[Loc, str]]:
    """The rules across fields, in the order a reader checks them."""
    p, t, a = f.plan, f.thresholds, f.assessment
    if p.end_year < p.start_year:
        yield ("plan", "end_year"), f"结束年份 {p.end_year} 早于开始年份 {p.start_year}"
    if not t.ahead > t.on_track > t.watch:
        yield ("thresholds",), "超前、正常、关注三档的下限应依次递减（单位：百分点）"
    if not 100 >= t.overall_good > t.overall_fair >= 0:
        yield ("thresholds", "overall_fair"), "总体评价“总体顺利”“总体平稳”两档的下限应在0至100之间且依次递减（单位：%）"
    if a.weight_indicators + a.weight_tasks + a.weight_reporting <= 0:
        yield ("assessment",), "三项分值之和应大于0"
    for n, action in enumerate(f.actions):
        for i, indicator in enumerate(action.indicators):
            at: Loc = ("actions", n, "indicators", i)
            for year in indicator.targets:
                if not p.start_year <= year <= p.end_year:
                    yield (*at, "targets"), f"目标年份 {year} 不在计划期 {p.start_year}—{p.end_year} 年内"
            if indicator.target_multiple is not None and indicator.baseline is None:
                yield (*at, "target_multiple"), "按基期倍数设定目标时须同时填写基期年份和基期值"
        seen_names: set[str] = set()
        for i, indicator in enumerate(action.indicators):
            if indicator.name in seen_names:
                yield ("actions", n, "indicators", i, "name"), f"同一行动内指标名称重复：“{indicator.name}”"
            seen_names.add(indicator.name)
    seen_ids: set[int] = set()
    for n, action in enumerate(f.actions):
        if action.id in seen_ids:
            yield ("actions", n, "id"), f"行动编号 {action.id} 重复"
        seen_ids.add(action.id)
    seen_keys: set[str] = set()
    for n, action in enumerate(f.actions):
        items = [("indicators", i, x.key) for i, x in enumerate(action.indicators)]
        items += [("tasks", j, x.key) for j, x in enumerate(action.tasks)]
        for table, index, key in items:
            if key in seen_keys:
                yield ("actions", n, table, index, "key"), f"代码“{key}”与其他指标或任务的代码重复"
            seen_keys.add(key)
