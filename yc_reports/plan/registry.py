"""The plan as data: actions, lead units, indicators with their targets, key tasks, thresholds.

Loaded from TOML (the shipped plan, or the office's own copy). The records below are the schema: their
annotated field types say what a valid plan is, pydantic checks a file against them (`plan/schema.py`),
and the few rules across fields follow there. Every fault raises `RegistryError` naming the key and what
is wrong, in Chinese; nothing silently falls back to a default.

The field types' metadata speak pydantic's protocol (`__get_pydantic_core_schema__`) without importing it:
pydantic (≈ 0.1 s to import and build the schema) is loaded only when a plan file is not yet in the plan
cache — a valid plan, keyed by its text and this code, decoded from JSON (`yc_reports.jsoncache`). Every
command starts by loading the plan; a unit's `yc-reports check` should answer at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

from yc_reports.configfiles import chosen_file, parse_toml, read_text
from yc_reports.plan.quarter import Quarter

SHIPPED_PLAN = "plan_2022_2025.toml"
SHIPPED_PLAN_PATH = Path(__file__).with_name(SHIPPED_PLAN)   # package data beside this module


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
# pydantic's own error types (missing key, wrong type) are worded in `plan/schema.py`.


class _Fault(ValueError):
    """A field's fault, in Chinese."""


class _Negative(_Fault):
    """A negative 考核 figure: worded with the rule's label in `_message`."""


_fault = _Fault


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fault(f"应为数字（待定的目标写作 \"\"），实际为 {value!r}")
    if isinstance(value, float) and not math.isfinite(value):   # TOML has nan and inf: never a target
        raise _fault(f"应为具体数值，实际为 {value!r}（待定的目标写作 \"\"）")
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


def _sorted_years(targets: dict[int, Decimal | None]) -> dict[int, Decimal | None]:
    return dict(sorted(targets.items()))


# Annotated metadata in pydantic's protocol, so that this module never imports pydantic itself
# (pydantic_core is imported by pydantic when it builds the schema, never before). Plain classes, not
# dataclasses: each dataclass costs ~0.5 ms of start-up.


class _ReadBy:
    """The value is read by `function` alone (pydantic's PlainValidator)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.function)


class _Then:
    """After the type's own check, `function` maps the value (pydantic's AfterValidator)."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.function, handler(source))


class _Strict:
    """No conversion: a text must be a text, a whole number a whole number (not "3", not 3.0)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "strict": True}


class _NotEmpty:
    """At least one character, item or entry."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "min_length": 1}


Text = Annotated[str, _Strict()]
Int = Annotated[int, _Strict()]
Flag = Annotated[bool, _Strict()]
Number = Annotated[Decimal, _ReadBy(_number)]
Pending = Annotated[Decimal | None, _ReadBy(_pending)]
Target = Annotated[Decimal | None, _ReadBy(_target)]
Points = Annotated[Decimal, _ReadBy(_points)]
Day = Annotated[dt.date, _ReadBy(_date)]
Targets = Annotated[dict[Annotated[int, _ReadBy(_year)], Target], _NotEmpty(), _Then(_sorted_years)]
Names = Annotated[tuple[Annotated[str, _Strict(), _NotEmpty()], ...], _NotEmpty()]


@dataclass(frozen=True)
class Baseline:
    """The base-year figure a target path starts from."""

    year: Int
    value: Pending  # None: still to be filled in by the office


@dataclass(frozen=True)
class Indicator:
    """One indicator of an action: what is measured, its targets by year and how it is judged."""

    key: Text
    name: Text
    unit: Text
    kind: Annotated[Kind, _ReadBy(_choice(Kind, "flow / cumulative / level 之一"))]
    targets: Targets  # year -> value; None = left to the province / office
    direction: Annotated[Direction, _ReadBy(_choice(Direction, "floor 或 ceiling"))] = Direction.FLOOR
    source: Text = ""
    target_note: Text = ""
    baseline: Baseline | None = None
    target_multiple: Number | None = None
    decimals: Int = 1
    signed: Flag = False                      # a rate of change (增速, 降低率) that may be negative
    frequency: Annotated[Frequency, _ReadBy(
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

    @property
    def has_base(self) -> bool:
        """The base year's figure is set: a level's path to its target runs from it."""
        return self.baseline is not None and self.baseline.value is not None

    @property
    def judged_in_target_year_only(self) -> bool:
        """A level or rate without a base has no path to judge progress on: it is judged only on its target
        year's fourth-quarter figure (docs/rules.md, "Not judged this quarter"). Setting a base makes it judged each quarter."""
        return self.kind is Kind.LEVEL and not self.has_base


@dataclass(frozen=True)
class Task:
    """One key task of an action, with its deadline."""

    key: Text
    content: Text
    deadline: Day
    source: Text = ""


@dataclass(frozen=True)
class Action:
    """One of the plan's actions: its lead units, indicators and key tasks."""

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
    """Gap bounds in percentage points (gap = completion − time progress); and the overall grade of a
    quarter (the 通报's 总体情况): the share, in per cent, of the indicators, tasks and projects
    judged that are on schedule or done."""

    ahead: Number = Decimal(10)
    on_track: Number = Decimal(-10)
    watch: Number = Decimal(-30)
    overall_good: Number = Decimal(85)   # share ≥ 85 %: 总体进展顺利
    overall_fair: Number = Decimal(70)   # share ≥ 70 %: 总体平稳; below: 总体进度偏慢


@dataclass(frozen=True)
class Assessment:
    """年度考核 rules ([assessment] in the plan): the weights of the three parts (points out of
    their sum, scaled to 100 over the parts that apply) and the points deducted per finding."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}   # a misspelt rule is named, not ignored

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
    """The plan's own particulars: its name, period, and the city and offices that run it."""

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
    """The whole plan as every stage uses it: actions, thresholds, 考核 rules and the placeholders."""

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

PLAN_CACHE_FORMAT = 1   # bump when the records' layout changes
_PLAN_CACHE_CODE = ("plan/registry.py", "plan/schema.py", "plan/quarter.py", "jsoncache.py",
                    f"plan/{SHIPPED_PLAN}")   # what a validated plan depends on besides its own text


def load_registry(path: str | Path | None = None) -> Registry:
    """Load the shipped plan, or the office's own registry file at `path`."""
    if path is None:
        return registry_from_text(SHIPPED_PLAN_PATH.read_text("utf-8"), SHIPPED_PLAN)
    return registry_from_text(read_text(Path(path), PLAN_FILE_KIND, RegistryError), str(path))


def registry_from_text(text: str, where: str) -> Registry:
    """The registry a plan file's text describes: from the plan cache when this text was validated
    before by this code, else parsed and validated (and then cached)."""
    from yc_reports.jsoncache import JsonStore, user_cache_dir

    root = user_cache_dir()
    store = JsonStore(root / "plan" if root is not None else None, PLAN_CACHE_FORMAT)
    key = _plan_cache_key(text)
    cached = store.load(key, Registry)
    if cached is not None:
        return replace(cached, source_path=where)
    registry = parse_registry(parse_toml(text, where, PLAN_FILE_KIND, RegistryError), where)
    store.store(key, registry)
    return registry


def parse_registry(raw: dict[str, Any], where: str) -> Registry:
    """The registry `raw` (a parsed plan file) describes; RegistryError names the first fault's key."""
    from yc_reports.plan.schema import validate_plan

    return validate_plan(raw, where)


@cache
def _code_fingerprint() -> str:
    from yc_reports.jsoncache import source_fingerprint

    package = Path(__file__).resolve().parents[1]
    return source_fingerprint(package, [package / name for name in _PLAN_CACHE_CODE], f"format={PLAN_CACHE_FORMAT}")


def _plan_cache_key(text: str) -> str:
    return hashlib.sha256(f"{_code_fingerprint()}:{text}".encode()).hexdigest()


OFFICE_PLAN_FILE = "plan.toml"
PLAN_FILE_KIND = "计划配置文件"   # how messages name the file


def resolve_registry(plan_path: str | Path | None, inputs_root: str | Path = "inputs") -> Registry:
    """The registry a command uses: the one named, else the office's `inputs/plan.toml`, else the shipped plan."""
    return load_registry(chosen_file(plan_path, inputs_root, OFFICE_PLAN_FILE))
