"""The plan as data: actions, lead units, indicators with their targets, key tasks, thresholds.

Loaded from TOML (the shipped plan, or the office's own copy). The records below are the schema: their
annotated field types say what a valid plan is, pydantic checks a file against them, and the few rules
across fields follow in `_cross_field_faults`. Every fault raises `RegistryError` naming the key and what
is wrong, in Chinese; nothing silently falls back to a default.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    TypeAdapter,
    ValidationError,
    with_config,
)

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


# ------------------------------------------------------------------------------ field types (the schema)
# Each raises a _Fault whose text is the Chinese complaint (pydantic reports it as a value_error);
# pydantic's own error types (missing key, wrong type) are worded in `_MESSAGES`.


class _Fault(ValueError):
    """A field's fault, in Chinese."""


class _Negative(_Fault):
    """A negative 考核 figure: worded with the rule's label in `_message`."""


_fault = _Fault


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fault(f"应为数字（待定的目标写作 \"\"），实际为 {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise _fault(f"不是有效数字：{value!r}") from None


def _pending(value: Any) -> Decimal | None:
    """A number, or "" for one still to be set."""
    return None if value == "" else _number(value)


def _target(value: Any) -> Decimal | None:
    number = _pending(value)
    if number is not None and number < 0:
        raise _fault("目标值不能为负数")
    return number


def _year(value: Any) -> int:
    if not str(value).isdigit():
        raise _fault(f"年份 {value!r} 不是四位数字")
    return int(value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _fault(f"应为日期，写作如 \"2025-12-31\"，实际为 {value!r}")


def _choice(enum: type[Enum], expected: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) and value in {e.value for e in enum}:
            return enum(value)
        raise _fault(f"应为 {expected}，实际为 {value!r}")
    return check


def _points(value: Any) -> Decimal:
    number = _number(value)
    if number < 0:
        raise _Negative("不能为负数")
    return number


Text = Annotated[str, Strict()]
Int = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
Number = Annotated[Decimal, PlainValidator(_number)]
Pending = Annotated[Decimal | None, PlainValidator(_pending)]
Target = Annotated[Decimal | None, PlainValidator(_target)]
Points = Annotated[Decimal, PlainValidator(_points)]
Day = Annotated[dt.date, PlainValidator(_date)]
Targets = Annotated[dict[Annotated[int, PlainValidator(_year)], Target], Field(min_length=1),
                    AfterValidator(lambda targets: dict(sorted(targets.items())))]
Names = Annotated[tuple[Annotated[str, Strict(), Field(min_length=1)], ...], Field(min_length=1)]

@dataclass(frozen=True)
class Baseline:
    year: Int
    value: Pending  # None: still to be filled in by the office


@dataclass(frozen=True)
class Indicator:
    key: Text
    name: Text
    unit: Text
    kind: Annotated[Kind, PlainValidator(_choice(Kind, "flow / cumulative / level 之一"))]
    targets: Targets  # year -> value; None = left to the province / office
    direction: Annotated[Direction, PlainValidator(_choice(Direction, "floor 或 ceiling"))] = Direction.FLOOR
    source: Text = ""
    target_note: Text = ""
    baseline: Baseline | None = None
    target_multiple: Number | None = None
    decimals: Int = 1
    signed: Flag = False                      # a rate of change (增速, 降低率) that may be negative
    frequency: Annotated[Frequency, PlainValidator(
        _choice(Frequency, "quarterly（按季度）或 annual（按年度）之一"))] = Frequency.QUARTERLY

    @property
    def final_year(self) -> int:
        return max(self.targets)

    def target_year_for(self, quarter: Quarter) -> int:
        """The nearest target year not yet past; the last one once all are past."""
        upcoming = [year for year in sorted(self.targets) if year >= quarter.year]
        return upcoming[0] if upcoming else self.final_year

    def target_value(self, year: int) -> Decimal | None:
        value = self.targets.get(year)
        if value is None and self.target_multiple is not None and self.baseline is not None \
                and self.baseline.value is not None:
            return self.baseline.value * self.target_multiple
        return value

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


@dataclass(frozen=True)
class Task:
    key: Text
    content: Text
    deadline: Day
    source: Text = ""


@dataclass(frozen=True)
class Action:
    id: Int
    name: Text
    lead_units: Names
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

    ahead: Number = Decimal(10)
    on_track: Number = Decimal(-10)
    watch: Number = Decimal(-30)


@with_config(ConfigDict(extra="forbid"))   # a misspelt rule is named, not ignored
@dataclass(frozen=True)
class Assessment:
    """年度考核 rules ([assessment] in the plan; issue #12): the weights of the three parts (points out of
    their sum, scaled to 100 over the parts that apply) and the points deducted per finding."""

    weight_indicators: Points = Decimal(50)    # 指标完成
    weight_tasks: Points = Decimal(30)         # 重点任务和督办整改
    weight_reporting: Points = Decimal(20)     # 按时准确报送
    indicator_not_met: Points = Decimal(10)    # each indicator 未完成 its target of the year (Q4)
    indicator_lagging: Points = Decimal(6)     # each indicator 滞后 at Q4 (target in a later year)
    indicator_watch: Points = Decimal(3)       # each indicator 关注 at Q4
    indicator_no_data: Points = Decimal(5)     # each indicator without a usable figure at Q4
    task_behind: Points = Decimal(5)           # each key task 滞后 or past its deadline at Q4
    overdue_item: Points = Decimal(3)          # each 督办 item 逾期未整改 at Q4
    report_missing: Points = Decimal(5)        # each quarter of the year without a workbook
    report_late: Points = Decimal(2)           # each quarter reported after the due date (填报日期)
    report_errors: Points = Decimal(2)         # each quarter whose workbook had errors (数据待核实)


ASSESSMENT_LABELS = {
    "weight_indicators": "指标完成分值", "weight_tasks": "重点任务和督办整改分值",
    "weight_reporting": "按时准确报送分值",
    "indicator_not_met": "指标未完成年度目标，每项扣分", "indicator_lagging": "指标进度滞后，每项扣分",
    "indicator_watch": "指标需关注，每项扣分", "indicator_no_data": "指标未报有效数据，每项扣分",
    "task_behind": "重点任务滞后或逾期，每项扣分", "overdue_item": "督办事项逾期未整改，每项扣分",
    "report_missing": "季度未报送，每次扣分", "report_late": "季度逾期报送，每次扣分",
    "report_errors": "报送数据有误，每次扣分",
}


@dataclass(frozen=True)
class PlanInfo:
    id: Text
    name: Text
    short_name: Text
    issued: Day
    start_year: Int
    end_year: Int
    city: Text
    headquarters: Text
    office: Text
    doc_number: Text = ""
    issuer: Text = ""
    office_host: Text = ""
    template_version: Int = 1


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


@dataclass(frozen=True)
class _Texts:
    placeholders: tuple[Text, ...] = ()


@dataclass(frozen=True)
class _PlanFile:
    """The file's shape: its tables, each one of the records above."""

    plan: PlanInfo
    actions: Annotated[tuple[Action, ...], Field(min_length=1)]
    thresholds: Thresholds = Thresholds()
    texts: _Texts | None = None          # absent: the shipped plan's list
    assessment: Assessment = Assessment()


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
    return parse_registry(raw, where)


def parse_registry(raw: dict[str, Any], where: str) -> Registry:
    """The registry `raw` (a parsed plan file) describes; RegistryError names the first fault's key."""

    def fail(loc: Loc, what: str) -> RegistryError:
        return RegistryError(f"计划配置文件 {where} 中 {_key(loc, raw)}：{what}")

    try:
        plan_file = _PLAN_FILE.validate_python(raw)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        loc, what = _message(error)
        raise fail(loc, what) from None
    for loc, what in _cross_field_faults(plan_file):
        raise fail(loc, what)
    texts = plan_file.texts or _PLAN_FILE.validate_python(_shipped_raw()).texts
    assert texts is not None
    return Registry(plan=plan_file.plan, thresholds=plan_file.thresholds, actions=plan_file.actions,
                    source_path=where, assessment=plan_file.assessment,
                    placeholders=frozenset(filter(None, map(normalise_placeholder, texts.placeholders))))


def _shipped_raw() -> dict[str, Any]:
    return tomllib.loads(resources.files("yc_reports.plan").joinpath(SHIPPED_PLAN).read_text("utf-8"))


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
        yield ("thresholds",), "应满足 ahead > on_track > watch（单位：百分点）"
    if a.weight_indicators + a.weight_tasks + a.weight_reporting <= 0:
        yield ("assessment",), "三项分值之和应大于0"
    for n, action in enumerate(f.actions):
        for i, indicator in enumerate(action.indicators):
            at: Loc = ("actions", n, "indicators", i)
            for year in indicator.targets:
                if not p.start_year <= year <= p.end_year:
                    yield (*at, "targets"), f"目标年份 {year} 不在计划期 {p.start_year}—{p.end_year} 年内"
            if indicator.target_multiple is not None and indicator.baseline is None:
                yield (*at, "target_multiple"), "按基期倍数设定目标时须同时填写 baseline"
        names = [i.name for i in action.indicators]
        if len(set(names)) != len(names):
            yield ("actions", n, "indicators"), "同一行动内指标名称重复"
    ids = [action.id for action in f.actions]
    if len(set(ids)) != len(ids):
        yield ("actions",), f"行动编号重复：{ids}"
    keys = [i.key for x in f.actions for i in x.indicators] + [t.key for x in f.actions for t in x.tasks]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        yield ("actions",), f"指标或任务代码（key）重复：{'、'.join(dupes)}"


OFFICE_PLAN_FILE = "plan.toml"


def resolve_registry(plan_path: str | Path | None, inputs_root: str | Path = "inputs") -> Registry:
    """The registry a command uses: the one named, else the office's `inputs/plan.toml`, else the shipped plan."""
    if plan_path is not None:
        return load_registry(plan_path)
    office_copy = Path(inputs_root) / OFFICE_PLAN_FILE
    if office_copy.is_file():
        return load_registry(office_copy)
    return load_registry(None)
