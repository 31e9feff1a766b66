"""The report model: one frozen object per quarter, computed by the checks, read by every renderer.

Numbers are exact (Decimal for figures as written, Fraction for ratios); renderers round for display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.ledger import LedgerItem
from yc_reports.issues import Issue
from yc_reports.plan.quarter import Quarter
from yc_reports.intake.records import BasicInfo, ProjectStatus, TaskStatus
from yc_reports.plan.registry import Action, Direction, Kind, PlanInfo


class Status(str, Enum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    WATCH = "watch"
    LAGGING = "lagging"
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def light(self) -> "Light":
        """The light colour a status is drawn in (charts, report tables)."""
        return _STATUS_LIGHTS[self]


_STATUS_LABELS = {
    Status.AHEAD: "超前", Status.ON_TRACK: "正常", Status.WATCH: "关注", Status.LAGGING: "滞后",
    Status.MET: "已完成", Status.NOT_MET: "未完成", Status.NO_DATA: "暂无数据",
}


class Light(str, Enum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        return {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "未报送"}[self.value]

    @property
    def rgb(self) -> str:
        """Hex colour used by charts and the summary workbook (print-safe, colour-blind aware)."""
        return {"green": "2E8B57", "yellow": "E0A800", "red": "C0392B", "grey": "9E9E9E"}[self.value]


_STATUS_LIGHTS = {
    Status.AHEAD: Light.GREEN, Status.ON_TRACK: Light.GREEN, Status.MET: Light.GREEN,
    Status.WATCH: Light.YELLOW, Status.LAGGING: Light.RED, Status.NOT_MET: Light.RED,
    Status.NO_DATA: Light.GREY,
}


@dataclass(frozen=True)
class IndicatorResult:
    key: str
    name: str
    unit: str
    kind: Kind
    direction: Direction
    decimals: int
    target_year: int
    target: Decimal | None             # None: left to the province / office, not yet set
    target_note: str
    actual: Decimal | None             # None: not reported
    completion: Fraction | None        # actual / target
    time_progress: Fraction | None     # expected / target at the quarter's end
    gap_points: Fraction | None        # (completion − time progress) × 100, sign = good(+)/bad(−)
    status: Status
    note: str = ""                     # 情况说明 as the unit wrote it
    previous: Decimal | None = None    # last quarter's figure (环比 base)
    last_year: Decimal | None = None   # same quarter last year (同比 base)
    qoq: Fraction | None = None        # change ratio against last quarter
    yoy: Fraction | None = None        # change ratio against the same quarter last year
    trend: tuple[tuple[Quarter, Decimal | None], ...] = ()
    cell: str = ""                     # where the unit wrote the figure


@dataclass(frozen=True)
class TaskResult:
    key: str
    content: str
    deadline: dt.date | None
    reported: TaskStatus | None
    overdue: bool        # deadline passed and not 已完成, whatever the unit wrote
    behind: bool         # reported 滞后, or overdue
    progress: str
    problems: str


@dataclass(frozen=True)
class ProjectResult:
    name: str
    total_investment: Decimal | None
    annual_plan: Decimal | None
    ytd_completed: Decimal | None
    completion: Fraction | None       # ytd / annual plan
    time_progress: Fraction           # q/4
    gap_points: Fraction | None
    status: Status
    project_status: ProjectStatus | None
    late_start: bool                  # 未开工 past its planned start
    image_progress: str
    problems: str


@dataclass(frozen=True)
class SupervisionItem:
    """One red item on the 督促整改 list."""

    action_id: int
    action_name: str
    lead_units: str
    item: str          # what is behind (an indicator, a task, or the whole action)
    reason: str        # why, in figures
    unit_problem: str  # what the unit itself wrote as the problem


@dataclass(frozen=True)
class Commendation:
    """An action proposed for 通报表扬: green and ahead."""

    action_id: int
    action_name: str
    lead_units: str
    reason: str


@dataclass(frozen=True)
class ActionResult:
    action: Action
    submitted: bool
    data_pending: bool                 # 数据待核实: duplicate workbooks, or the workbook had errors
    light: Light
    light_reasons: tuple[str, ...]
    indicators: tuple[IndicatorResult, ...] = ()
    tasks: tuple[TaskResult, ...] = ()
    projects: tuple[ProjectResult, ...] = ()
    info: BasicInfo | None = None
    files: tuple[str, ...] = ()        # source workbook(s), relative to the inputs folder
    error_count: int = 0
    warning_count: int = 0


@dataclass(frozen=True)
class QuarterReport:
    plan: PlanInfo
    quarter: Quarter
    time_progress: Fraction            # q/4
    report_date: dt.date               # date printed on the documents (deterministic, a setting)
    issue_number: int                  # 第N期 within the year
    actions: tuple[ActionResult, ...]
    issues: tuple[Issue, ...]
    commendations: tuple[Commendation, ...] = ()
    supervision: tuple[SupervisionItem, ...] = ()
    history_quarters: tuple[Quarter, ...] = field(default=())
    ledger: tuple[LedgerItem, ...] = ()   # every 督办 item up to this quarter (analysis/supervision.py)

    def action(self, action_id: int) -> ActionResult:
        return next(a for a in self.actions if a.action.id == action_id)

    def count(self, light: Light) -> int:
        return sum(1 for a in self.actions if a.light is light)

    @property
    def missing(self) -> tuple[ActionResult, ...]:
        return tuple(a for a in self.actions if not a.submitted)
