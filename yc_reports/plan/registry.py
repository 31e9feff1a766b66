"""The plan as data: actions, lead units, indicators with their targets, key tasks, thresholds.

Loaded from TOML (the shipped plan, or the office's own copy). Every malformed entry raises
`RegistryError` naming the key and what is wrong; nothing silently falls back to a default.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

from yc_reports.plan.quarter import Quarter

SHIPPED_PLAN = "plan_2022_2025.toml"


class RegistryError(ValueError):
    """A registry file that cannot be used; the message (Chinese) names the key and the fault."""


class Kind(str, Enum):
    FLOW = "flow"              # a total within one calendar year
    CUMULATIVE = "cumulative"  # a count since the plan began
    LEVEL = "level"            # a rate or stock at the quarter's end


class Frequency(str, Enum):
    QUARTERLY = "quarterly"  # reported every quarter
    ANNUAL = "annual"        # published once a year: asked for in Q4 only, not missing in Q1–Q3


class Direction(str, Enum):
    FLOOR = "floor"      # at least the target
    CEILING = "ceiling"  # at most the target


@dataclass(frozen=True)
class Baseline:
    year: int
    value: Decimal | None  # None: still to be filled in by the office


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    kind: Kind
    direction: Direction
    targets: dict[int, Decimal | None]  # year -> value; None = left to the province / office
    source: str
    target_note: str = ""
    baseline: Baseline | None = None
    target_multiple: Decimal | None = None
    decimals: int = 1
    signed: bool = False                     # a rate of change (增速, 降低率) that may be negative
    frequency: Frequency = Frequency.QUARTERLY

    @property
    def final_year(self) -> int:
        return max(self.targets)

    def target_year_for(self, quarter: Quarter) -> int:
        """The nearest target year not yet past; the last one once all are past."""
        upcoming = [year for year in sorted(self.targets) if year >= quarter.year]
        return upcoming[0] if upcoming else self.final_year

    def target_value(self, year: int) -> Decimal | None:
        value = self.targets.get(year)
        if value is None and self.target_multiple is not None and self.baseline is not None:
            if self.baseline.value is not None:
                return self.baseline.value * self.target_multiple
        return value

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class Task:
    key: str
    content: str
    deadline: dt.date
    source: str = ""


@dataclass(frozen=True)
class Action:
    id: int
    name: str
    lead_units: tuple[str, ...]
    indicators: tuple[Indicator, ...] = ()
    tasks: tuple[Task, ...] = ()

    @property
    def cn_number(self) -> str:
        return cn_numeral(self.id)

    @property
    def lead_units_text(self) -> str:
        return "、".join(self.lead_units)

    def indicator_by_name(self, name: str) -> Indicator | None:
        return next((i for i in self.indicators if i.name == name), None)


@dataclass(frozen=True)
class Thresholds:
    """Gap bounds in percentage points (gap = completion − time progress)."""

    ahead: Decimal = Decimal(10)
    on_track: Decimal = Decimal(-10)
    watch: Decimal = Decimal(-30)


@dataclass(frozen=True)
class Assessment:
    """年度考核 rules ([assessment] in the plan; issue #12): the weights of the three parts (points out of
    their sum, scaled to 100 over the parts that apply) and the points deducted per finding."""

    weight_indicators: Decimal = Decimal(50)    # 指标完成
    weight_tasks: Decimal = Decimal(30)         # 重点任务和督办整改
    weight_reporting: Decimal = Decimal(20)     # 按时准确报送
    indicator_not_met: Decimal = Decimal(10)    # each indicator 未完成 its target of the year (Q4)
    indicator_lagging: Decimal = Decimal(6)     # each indicator 滞后 at Q4 (target in a later year)
    indicator_watch: Decimal = Decimal(3)       # each indicator 关注 at Q4
    indicator_no_data: Decimal = Decimal(5)     # each indicator without a usable figure at Q4
    task_behind: Decimal = Decimal(5)           # each key task 滞后 or past its deadline at Q4
    overdue_item: Decimal = Decimal(3)          # each 督办 item 逾期未整改 at Q4
    report_missing: Decimal = Decimal(5)        # each quarter of the year without a workbook
    report_late: Decimal = Decimal(2)           # each quarter reported after the due date (填报日期)
    report_errors: Decimal = Decimal(2)         # each quarter whose workbook had errors (数据待核实)


ASSESSMENT_LABELS = {
    "weight_indicators": "指标完成分值", "weight_tasks": "重点任务和督办整改分值", "weight_reporting": "按时准确报送分值",
    "indicator_not_met": "指标未完成年度目标，每项扣分", "indicator_lagging": "指标进度滞后，每项扣分",
    "indicator_watch": "指标需关注，每项扣分", "indicator_no_data": "指标未报有效数据，每项扣分",
    "task_behind": "重点任务滞后或逾期，每项扣分", "overdue_item": "督办事项逾期未整改，每项扣分",
    "report_missing": "季度未报送，每次扣分", "report_late": "季度逾期报送，每次扣分",
    "report_errors": "报送数据有误，每次扣分",
}


@dataclass(frozen=True)
class PlanInfo:
    id: str
    name: str
    short_name: str
    doc_number: str
    issuer: str
    issued: dt.date
    start_year: int
    end_year: int
    city: str
    headquarters: str
    office: str
    office_host: str
    template_version: int


@dataclass(frozen=True)
class Registry:
    plan: PlanInfo
    thresholds: Thresholds
    actions: tuple[Action, ...]
    source_path: str = field(default="", compare=False)
    placeholders: frozenset[str] = frozenset()  # fillers ("无", "暂无", "/") that are not a problem

    def is_placeholder(self, text: str) -> bool:
        """True for an empty text or a filler from the plan's [texts] placeholders list."""
        cleaned = normalise_placeholder(text)
        return not cleaned or cleaned in self.placeholders
    assessment: Assessment = field(default_factory=Assessment)   # 年度考核 rules, [assessment]

    def action(self, action_id: int) -> Action:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def covers(self, quarter: Quarter) -> bool:
        return self.plan.start_year <= quarter.year <= self.plan.end_year

    @property
    def first_quarter(self) -> Quarter:
        return Quarter(self.plan.start_year, 1)

    @property
    def last_quarter(self) -> Quarter:
        return Quarter(self.plan.end_year, 4)


_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """Chinese numerals: 3 -> 三, 10 -> 十, 12 -> 十二; from 100 on in digits (100 -> 100: item 100 and beyond,
    as offices number long lists)."""
    if n >= 100 or n < 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def normalise_placeholder(text: str) -> str:
    """How a clerk's filler is compared: without spaces and closing punctuation."""
    return "".join(text.split()).strip("。；;.,，、！!")


# ---------------------------------------------------------------------------------------- loading


def load_registry(path: str | Path | None = None) -> Registry:
    """Load the shipped plan, or the office's own registry file at `path`."""
    if path is None:
        text = resources.files("yc_reports.plan").joinpath(SHIPPED_PLAN).read_text("utf-8")
        where = SHIPPED_PLAN
    else:
        p = Path(path)
        try:
            text = p.read_text("utf-8")
        except FileNotFoundError:
            raise RegistryError(f"找不到计划配置文件：{p}") from None
        except UnicodeDecodeError:
            raise RegistryError(f"计划配置文件 {p} 不是 UTF-8 编码的文本，请用记事本另存为 UTF-8 后重试") from None
        where = str(p)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"计划配置文件 {where} 格式有误（{exc}），请对照示例修改") from None
    return _parse_registry(raw, where)


def _parse_registry(raw: dict[str, Any], where: str) -> Registry:
    reader = _Reader(where)
    plan = _parse_plan(reader, _table(reader, raw, "plan"))
    thresholds = _parse_thresholds(reader, raw.get("thresholds", {}))
    actions_raw = raw.get("actions")
    if not isinstance(actions_raw, list) or not actions_raw:
        reader.fail("actions", "缺少行动清单（[[actions]]）")
    actions = tuple(_parse_action(reader, f"actions[{i}]", a, plan) for i, a in enumerate(actions_raw))
    ids = [a.id for a in actions]
    if len(set(ids)) != len(ids):
        reader.fail("actions", f"行动编号重复：{ids}")
    keys = [i.key for a in actions for i in a.indicators] + [t.key for a in actions for t in a.tasks]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        reader.fail("actions", f"指标或任务代码（key）重复：{'、'.join(dupes)}")
    return Registry(plan=plan, thresholds=thresholds, actions=actions, source_path=where,
                    placeholders=_parse_placeholders(reader, raw),
                    assessment=_parse_assessment(reader, raw.get("assessment", {})))


def _parse_placeholders(r: _Reader, raw: dict[str, Any]) -> frozenset[str]:
    """[texts] placeholders; an office plan without the table takes the shipped plan's list."""
    texts = raw.get("texts")
    if texts is None:
        shipped = resources.files("yc_reports.plan").joinpath(SHIPPED_PLAN).read_text("utf-8")
        texts = tomllib.loads(shipped).get("texts", {})
    values = texts.get("placeholders", []) if isinstance(texts, dict) else None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        r.fail("texts.placeholders", "应为文字列表，如 [\"无\", \"暂无\"]")
    return frozenset(normalise_placeholder(v) for v in values if normalise_placeholder(v))


def _parse_assessment(r: _Reader, t: Any) -> Assessment:
    """[assessment]: every key optional (defaults above), none unknown, none negative."""
    if not isinstance(t, dict):
        r.fail("assessment", "应为表（[assessment]）")
    unknown = sorted(set(t) - set(ASSESSMENT_LABELS))
    if unknown:
        r.fail(f"assessment.{unknown[0]}", f"不是考核规则的项目，可用的有：{'、'.join(ASSESSMENT_LABELS)}")
    values = {}
    for key in ASSESSMENT_LABELS:
        if key in t:
            value = r.number(t[key], f"assessment.{key}", allow_empty=False)
            if value < 0:
                r.fail(f"assessment.{key}", f"{ASSESSMENT_LABELS[key]}不能为负数，实际为 {t[key]!r}")
            values[key] = value
    rules = Assessment(**values)
    if rules.weight_indicators + rules.weight_tasks + rules.weight_reporting <= 0:
        r.fail("assessment", "三项分值之和应大于0")
    return rules


class _Reader:
    """Typed access to raw TOML values with Chinese errors that name the key."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, what: str) -> None:
        raise RegistryError(f"计划配置文件 {self.where} 中 {key}：{what}")

    def str_(self, table: dict, key: str, ctx: str, required: bool = True, default: str = "") -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{ctx}.{key}", "缺少此项")
            return default
        if not isinstance(value, str):
            self.fail(f"{ctx}.{key}", f"应为文字，实际为 {value!r}")
        return value

    def int_(self, table: dict, key: str, ctx: str, default: int | None = None) -> int:
        value = table.get(key, default)
        if value is None:
            self.fail(f"{ctx}.{key}", "缺少此项")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{ctx}.{key}", f"应为整数，实际为 {value!r}")
        return value

    def number(self, value: Any, ctx: str, allow_empty: bool = True) -> Decimal | None:
        if value == "" and allow_empty:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(ctx, f"应为数字（待定的目标写作 \"\"），实际为 {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(ctx, f"不是有效数字：{value!r}")
        raise AssertionError  # unreachable

    def date(self, table: dict, key: str, ctx: str) -> dt.date:
        value = table.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"{ctx}.{key}", f"应为日期，写作如 \"2025-12-31\"，实际为 {value!r}")
        raise AssertionError  # unreachable


def _table(reader: _Reader, raw: dict, key: str) -> dict:
    value = raw.get(key)
    if not isinstance(value, dict):
        reader.fail(key, f"缺少 [{key}] 部分")
    return value


def _parse_plan(r: _Reader, t: dict) -> PlanInfo:
    start, end = r.int_(t, "start_year", "plan"), r.int_(t, "end_year", "plan")
    if end < start:
        r.fail("plan.end_year", f"结束年份 {end} 早于开始年份 {start}")
    return PlanInfo(
        id=r.str_(t, "id", "plan"),
        name=r.str_(t, "name", "plan"),
        short_name=r.str_(t, "short_name", "plan"),
        doc_number=r.str_(t, "doc_number", "plan", required=False),
        issuer=r.str_(t, "issuer", "plan", required=False),
        issued=r.date(t, "issued", "plan"),
        start_year=start,
        end_year=end,
        city=r.str_(t, "city", "plan"),
        headquarters=r.str_(t, "headquarters", "plan"),
        office=r.str_(t, "office", "plan"),
        office_host=r.str_(t, "office_host", "plan", required=False),
        template_version=r.int_(t, "template_version", "plan", default=1),
    )


def _parse_thresholds(r: _Reader, t: Any) -> Thresholds:
    if not isinstance(t, dict):
        r.fail("thresholds", "应为表（[thresholds]）")
    values = {}
    for key, default in (("ahead", 10), ("on_track", -10), ("watch", -30)):
        values[key] = r.number(t.get(key, default), f"thresholds.{key}", allow_empty=False)
    if not values["ahead"] > values["on_track"] > values["watch"]:
        r.fail("thresholds", "应满足 ahead > on_track > watch（单位：百分点）")
    return Thresholds(**values)


def _parse_action(r: _Reader, ctx: str, a: Any, plan: PlanInfo) -> Action:
    if not isinstance(a, dict):
        r.fail(ctx, "应为表")
    action_id = r.int_(a, "id", ctx)
    ctx = f"actions[id={action_id}]"
    units = a.get("lead_units")
    if not isinstance(units, list) or not units or not all(isinstance(u, str) and u for u in units):
        r.fail(f"{ctx}.lead_units", "应为牵头单位名称列表，如 [\"市发改委\"]")
    indicators = tuple(
        _parse_indicator(r, f"{ctx}.indicators[{i}]", t, plan) for i, t in enumerate(a.get("indicators", []))
    )
    names = [i.name for i in indicators]
    if len(set(names)) != len(names):
        r.fail(f"{ctx}.indicators", "同一行动内指标名称重复")
    tasks = tuple(_parse_task(r, f"{ctx}.tasks[{i}]", t) for i, t in enumerate(a.get("tasks", [])))
    return Action(
        id=action_id,
        name=r.str_(a, "name", ctx),
        lead_units=tuple(units),
        indicators=indicators,
        tasks=tasks,
    )


def _parse_indicator(r: _Reader, ctx: str, t: Any, plan: PlanInfo) -> Indicator:
    if not isinstance(t, dict):
        r.fail(ctx, "应为表")
    key = r.str_(t, "key", ctx)
    ctx = f"{ctx}(key={key})"
    kind_text = r.str_(t, "kind", ctx)
    try:
        kind = Kind(kind_text)
    except ValueError:
        r.fail(f"{ctx}.kind", f"应为 flow / cumulative / level 之一，实际为 {kind_text!r}")
    direction_text = r.str_(t, "direction", ctx, required=False, default="floor")
    try:
        direction = Direction(direction_text)
    except ValueError:
        r.fail(f"{ctx}.direction", f"应为 floor 或 ceiling，实际为 {direction_text!r}")
    targets_raw = t.get("targets")
    if not isinstance(targets_raw, dict) or not targets_raw:
        r.fail(f"{ctx}.targets", "应至少有一个目标年份，如 { \"2025\" = 12 }")
    targets: dict[int, Decimal | None] = {}
    for year_text, value in targets_raw.items():
        if not str(year_text).isdigit():
            r.fail(f"{ctx}.targets", f"年份 {year_text!r} 不是四位数字")
        year = int(year_text)
        if not plan.start_year <= year <= plan.end_year:
            r.fail(f"{ctx}.targets", f"目标年份 {year} 不在计划期 {plan.start_year}—{plan.end_year} 年内")
        targets[year] = r.number(value, f"{ctx}.targets.{year}")
    baseline = None
    if "baseline" in t:
        b = t["baseline"]
        if not isinstance(b, dict):
            r.fail(f"{ctx}.baseline", "应写作 { year = 2020, value = 100 }")
        baseline = Baseline(year=r.int_(b, "year", f"{ctx}.baseline"),
                            value=r.number(b.get("value", ""), f"{ctx}.baseline.value"))
    multiple = None
    if "target_multiple" in t:
        multiple = r.number(t["target_multiple"], f"{ctx}.target_multiple", allow_empty=False)
        if baseline is None:
            r.fail(f"{ctx}.target_multiple", "按基期倍数设定目标时须同时填写 baseline")
    for year, value in targets.items():
        if value is not None and value < 0:
            r.fail(f"{ctx}.targets.{year}", "目标值不能为负数")
    decimals = r.int_(t, "decimals", ctx, default=1)
    signed = t.get("signed", False)
    if not isinstance(signed, bool):
        r.fail(f"{ctx}.signed", f"应为 true 或 false，实际为 {signed!r}")
    frequency_text = r.str_(t, "frequency", ctx, required=False, default="quarterly")
    try:
        frequency = Frequency(frequency_text)
    except ValueError:
        r.fail(f"{ctx}.frequency", f"应为 quarterly（按季度）或 annual（按年度）之一，实际为 {frequency_text!r}")
    return Indicator(
        key=key,
        name=r.str_(t, "name", ctx),
        unit=r.str_(t, "unit", ctx),
        kind=kind,
        direction=direction,
        targets=dict(sorted(targets.items())),
        source=r.str_(t, "source", ctx, required=False),
        target_note=r.str_(t, "target_note", ctx, required=False),
        baseline=baseline,
        target_multiple=multiple,
        decimals=decimals,
        signed=signed,
        frequency=frequency,
    )


def _parse_task(r: _Reader, ctx: str, t: Any) -> Task:
    if not isinstance(t, dict):
        r.fail(ctx, "应为表")
    key = r.str_(t, "key", ctx)
    ctx = f"{ctx}(key={key})"
    return Task(key=key, content=r.str_(t, "content", ctx), deadline=r.date(t, "deadline", ctx),
                source=r.str_(t, "source", ctx, required=False))


OFFICE_PLAN_FILE = "plan.toml"


def resolve_registry(plan_path: str | Path | None, inputs_root: str | Path = "inputs") -> Registry:
    """The registry a command uses: the one named, else the office's `inputs/plan.toml`, else the shipped plan."""
    if plan_path is not None:
        return load_registry(plan_path)
    office_copy = Path(inputs_root) / OFFICE_PLAN_FILE
    if office_copy.is_file():
        return load_registry(office_copy)
    return load_registry(None)
