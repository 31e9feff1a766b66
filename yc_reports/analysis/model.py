"""The report model: one frozen object per quarter, computed by the checks, read by every renderer.

Numbers are exact (Decimal for figures as written, Fraction for ratios); renderers round for display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.analysis.ledger import LedgerItem
from yc_reports.intake.records import BasicInfo, ProjectStatus, TaskStatus
from yc_reports.issues import Issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Direction, Kind, PlanInfo, Thresholds


class Status(str, Enum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    WATCH = "watch"
    LAGGING = "lagging"
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"          # a set target whose figure is blank, invalid or unreadable
    NOT_RATED = "not_rated"      # no status: target not yet set (待下达), or an annual figure not yet due;
                                 # written as null in summary.json

    @property
    def rated(self) -> bool:
        return self is not Status.NOT_RATED

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def light(self) -> Light:
        """The light colour a status is drawn in (charts, report tables)."""
        return _STATUS_LIGHTS[self]


_STATUS_LABELS = {
    Status.AHEAD: "超前", Status.ON_TRACK: "正常", Status.WATCH: "关注", Status.LAGGING: "滞后",
    Status.MET: "已完成", Status.NOT_MET: "未完成", Status.NO_DATA: "未报数据",
    Status.NOT_RATED: "不评价",
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
    Status.NO_DATA: Light.YELLOW, Status.NOT_RATED: Light.GREY,
}


class FigureState(str, Enum):
    """What stands behind an indicator's figure this quarter."""

    REPORTED = "reported"
    BLANK = "blank"                  # the cell was left empty
    INVALID = "invalid"              # something was written, but not a usable number (an error at the cell)
    UNREADABLE = "unreadable"        # the workbook could not be used (unreadable, or two differing copies)
    NOT_SUBMITTED = "not_submitted"  # no workbook
    NOT_DUE = "not_due"              # an annual-only figure before Q4


class GreyReason(str, Enum):
    NOT_SUBMITTED = "not_submitted"
    NO_VALID_DATA = "no_valid_data"


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
    figure: FigureState = FigureState.REPORTED
    current: bool = True               # False: the last target year has passed — a stage result (阶段性目标)
    judged_on: Quarter | None = None   # a stage result: the quarter whose figure was judged
    baseline: Decimal | None = None    # the path's starting figure when completion is measured from it
    signed: bool = False               # a rate of change: negative figures are valid

    @property
    def target_set(self) -> bool:
        return self.target is not None

    @property
    def missing(self) -> bool:
        """A current, set target without a usable figure: 未报数据, to be 补报."""
        return self.current and self.status is Status.NO_DATA

    @property
    def judged_gap(self) -> Decimal | None:
        """The gap as printed (one decimal, half up): the figure the thresholds were applied to."""
        return None if self.gap_points is None else printed_points(self.gap_points)

    @property
    def distance_points(self) -> Fraction | None:
        """距目标尚差 for a rate (%): target − actual in 个百分点 (None when not below a floor target)."""
        if self.unit != "%" or self.actual is None or self.target is None or self.direction is Direction.CEILING:
            return None
        distance = Fraction(self.target) - Fraction(self.actual)
        return distance if distance > 0 else None


def printed_points(points: Fraction) -> Decimal:
    """Percentage points as printed: one decimal, rounded half up (the office's 四舍五入)."""
    exact = Decimal(points.numerator) / Decimal(points.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TaskResult:
    key: str
    content: str
    deadline: dt.date | None
    reported: TaskStatus | None
    overdue: bool        # deadline passed and not 已完成, whatever the unit wrote
    behind: bool         # reported 滞后, or overdue
    progress: str
    problems: str                      # placeholders ("无", "暂无" …) already removed
    done_this_quarter: bool = False    # 已完成 now, not 已完成 in the previous quarter's workbook

    @property
    def unreported(self) -> bool:
        return self.reported is None and not self.overdue


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


class ReasonKind(str, Enum):
    """Why an action has its light, what it achieved, what is to be put right. Never a sentence:
    the wording layer (render/wording.py, templates/facts.j2) says it."""

    NOT_SUBMITTED = "not_submitted"          # no workbook (grey)
    NO_VALID_DATA = "no_valid_data"          # unreadable, or no usable figure at all (grey)
    DUPLICATE = "duplicate"                  # two differing workbooks: 数据待核实 (red)
    ERRORS = "errors"                        # a readable workbook with `count` errors
    INDICATOR = "indicator"                  # `indicator` in its status (lagging, not_met, watch, ahead, met)
    MISSING_FIGURES = "missing_figures"      # `indicators` without a usable figure: 未报数据（补报）
    TASK_BEHIND = "task_behind"              # `task` reported 滞后 or past its deadline
    TASKS_UNREPORTED = "tasks_unreported"    # `tasks` without a state
    TASK_DONE = "task_done"                  # `task` completed this quarter
    PROJECT = "project"                      # `project` late to start, lagging or not met
    ON_TRACK = "on_track"                    # every rated `indicators` and every `tasks` on time


RED_KINDS = frozenset({ReasonKind.DUPLICATE, ReasonKind.TASK_BEHIND})
DATA_KINDS = frozenset({ReasonKind.NOT_SUBMITTED, ReasonKind.NO_VALID_DATA, ReasonKind.DUPLICATE, ReasonKind.ERRORS})


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    indicator: IndicatorResult | None = None
    indicators: tuple[IndicatorResult, ...] = ()
    task: TaskResult | None = None
    tasks: tuple[TaskResult, ...] = ()
    project: ProjectResult | None = None
    count: int = 0
    quarter: Quarter | None = None           # the quarter judged (for project and deadline phrasing)

    @property
    def red(self) -> bool:
        if self.kind is ReasonKind.INDICATOR:
            return self.indicator is not None and self.indicator.status in (Status.LAGGING, Status.NOT_MET)
        return self.kind in RED_KINDS


@dataclass(frozen=True)
class SupervisionItem:
    """One item on the 督促整改 list (red and grey actions) or the 关注 list (yellow actions)."""

    action_id: int
    action_name: str
    lead_units: str
    reason: Reason
    unit_problem: str = ""  # what the unit itself wrote as the problem (placeholders removed)

    @property
    def about_the_data(self) -> bool:
        """Not submitted, no valid data, differing copies, errors: 催报 and 补报, not a 督办 ledger item."""
        return self.reason.kind in DATA_KINDS


@dataclass(frozen=True)
class Commendation:
    """An action proposed for 通报表扬, with what it achieved."""

    action_id: int
    action_name: str
    lead_units: str
    achievements: tuple[Reason, ...]


@dataclass(frozen=True)
class ActionResult:
    action: Action
    submitted: bool
    data_pending: bool                 # 数据待核实: duplicate workbooks, or the workbook had errors
    light: Light
    light_reasons: tuple[Reason, ...]
    indicators: tuple[IndicatorResult, ...] = ()
    tasks: tuple[TaskResult, ...] = ()
    projects: tuple[ProjectResult, ...] = ()
    info: BasicInfo | None = None
    files: tuple[str, ...] = ()        # source workbook(s), relative to the inputs folder
    error_count: int = 0
    warning_count: int = 0
    grey_reason: GreyReason | None = None
    data_complete: bool = False        # submitted, no error, every due figure and every task state given

    @property
    def current_indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.current)

    @property
    def stage_results(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if not i.current)

    @property
    def missing_figures(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.missing)


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
    attention: tuple[SupervisionItem, ...] = ()   # 关注（提醒）: yellow actions' items
    history_quarters: tuple[Quarter, ...] = field(default=())
    ledger: tuple[LedgerItem, ...] = ()   # every 督办 item up to this quarter (analysis/supervision.py)
    thresholds: Thresholds = field(default_factory=Thresholds)   # the plan's (the overall grade reads them)

    def action(self, action_id: int) -> ActionResult:
        return next(a for a in self.actions if a.action.id == action_id)

    def count(self, light: Light) -> int:
        return sum(1 for a in self.actions if a.light is light)

    @property
    def missing(self) -> tuple[ActionResult, ...]:
        return tuple(a for a in self.actions if not a.submitted)
