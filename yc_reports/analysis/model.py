"""The report model: one frozen object per quarter, computed by the checks, read by every renderer.

Numbers are exact (Decimal for figures as written, Fraction for ratios); renderers round for display.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction

from yc_reports.intake.records import BasicInfo, ProjectStatus, RectificationState, TaskStatus
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
    """What stands behind an indicator's figure this quarter (summary.json `figure`)."""

    REPORTED = "reported"
    BLANK = "blank"                  # the cell was left empty: 未填报 (to be 补报)
    INVALID = "invalid"              # something was written that is not a usable number: 无法识别 (`entered`)
    UNREADABLE = "unreadable"        # the workbook could not be read
    DUPLICATE = "duplicate"          # two differing copies of the action's workbook: 数据待核实
    NOT_SUBMITTED = "not_submitted"  # no workbook
    NOT_DUE = "not_due"              # an annual-only figure before Q4
    NO_YEAR_FIGURE = "no_year_figure"  # a stage result whose target year's Q4 figure is not on record: 无当年数据


class Unrated(str, Enum):
    """Why an indicator carries no status this quarter (summary.json `unrated`; its status is null)."""

    TARGET_PENDING = "target_pending"      # the target is not yet set (待下达)
    ANNUAL_NOT_DUE = "annual_not_due"      # an annual-only figure before Q4
    NO_ANNUAL_TARGET = "no_annual_target"  # a flow in a year without a target of its own
    NO_BASE = "no_base"                    # a level without a base, before its target year's Q4


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
    baseline: Decimal | None = None    # the base year's figure when completion is measured from it (基期)
    signed: bool = False               # a rate of change: negative figures are valid
    baseline_year: int | None = None   # the base year of `baseline`
    entered: str = ""                  # what was written when it is not a usable number (figure INVALID)
    unrated: Unrated | None = None     # why there is no status (status NOT_RATED)
    projected: Fraction | None = None  # at the pace so far, the figure at the end of the target year
    on_pace: bool | None = None        # whether `projected` meets the target (analysis/projection.py)
    pace_risk: bool = False            # on time (or not judged, due this year) but not on pace to the target

    @property
    def target_set(self) -> bool:
        return self.target is not None

    @property
    def due_later(self) -> bool:
        """Not judged this quarter against a target that falls due later (a flow in a year without its own
        target, a level without a base before its target year's Q4): the documents give the distance."""
        return self.unrated in (Unrated.NO_ANNUAL_TARGET, Unrated.NO_BASE)

    @property
    def distance(self) -> Fraction | None:
        """距目标尚差 in the indicator's unit (个百分点 for %): target − actual for a floor still below it,
        actual − target for a ceiling already over it; None when the target is reached or a figure is missing."""
        if self.actual is None or self.target is None:
            return None
        gap = Fraction(self.target) - Fraction(self.actual)
        if self.direction is Direction.CEILING:
            gap = -gap
        return gap if gap > 0 else None

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
    completed_late: bool = False       # completed this quarter, its deadline passed before the quarter began
    entered: str = ""                  # a state written that is none of the dropdown's (无法识别)

    @property
    def unreported(self) -> bool:
        return self.reported is None and not self.overdue

    @property
    def done_on_time(self) -> bool:
        """Completed this quarter within its deadline: something achieved (表扬 may rest on it)."""
        return self.done_this_quarter and not self.completed_late


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
    gap_status: Status | None = None  # the investment gap by the thresholds (Q4 included); None without figures

    @property
    def red(self) -> bool:
        """A matter of its own for 督办: late to start, or investment lagging by the thresholds."""
        return self.late_start or self.gap_status is Status.LAGGING

    @property
    def watch(self) -> bool:
        """关注: investment behind by the `watch` band (and not red)."""
        return not self.red and self.gap_status is Status.WATCH


class EntryProblem(str, Enum):
    """What is wrong with an entry of the workbook other than an indicator's figure or a task's state."""

    BLANK = "blank"        # a required entry left empty: 未填报
    UNUSABLE = "unusable"  # something written that cannot be used: 无法识别 (quoted)
    LAYOUT = "layout"      # a part of the form missing or changed


@dataclass(frozen=True)
class Entry:
    """One entry of a workbook that cannot be used as written (counted once, named as the unit wrote it)."""

    problem: EntryProblem
    part: str          # the form's part: 重大项目, 基本信息, 整改落实 …
    subject: str = ""  # the project or task the entry belongs to ("" for 基本信息 or a whole part)
    field: str = ""    # the column or the label: 本年累计完成投资（万元）, 填报人
    value: str = ""    # what was written (UNUSABLE)


@dataclass(frozen=True)
class Difference:
    """One entry where two copies of an action's workbook say different things (数据待核实)."""

    part: str                  # 指标进展, 重点任务, 重大项目
    subject: str               # the indicator, task or project
    field: str                 # the column: 截至本季度末完成值, 完成状态 …
    values: tuple[str, ...]    # what each copy says, in file order ("" for a blank entry)


class ReasonKind(str, Enum):
    """Why an action has its light, what it achieved, what is to be put right. Never a sentence:
    the wording layer (render/wording.py, templates/facts.j2) says it."""

    NOT_SUBMITTED = "not_submitted"          # no workbook (grey)
    NO_VALID_DATA = "no_valid_data"          # unreadable, or no usable figure at all (grey)
    DUPLICATE = "duplicate"                  # `count` differing workbooks: 数据待核实, `differences` named (red)
    ENTRIES = "entries"                      # `entries` blank or unusable (besides figures and task states)
    INDICATOR = "indicator"                  # `indicator` in its status (lagging, not_met, watch, ahead, met)
    MISSING_FIGURES = "missing_figures"      # `indicators` without a usable figure: 未填报 / 无法识别（补报）
    TASK_BEHIND = "task_behind"              # `task` reported 滞后 or past its deadline
    TASKS_UNREPORTED = "tasks_unreported"    # `tasks` without a usable state
    TASK_DONE = "task_done"                  # `task` completed this quarter
    PROJECT = "project"                      # `project` red (late to start, investment lagging) or watch
    ON_TRACK = "on_track"                    # every rated `indicators` and every `tasks` on time


RED_KINDS = frozenset({ReasonKind.DUPLICATE, ReasonKind.TASK_BEHIND})
DATA_KINDS = frozenset({ReasonKind.NOT_SUBMITTED, ReasonKind.NO_VALID_DATA, ReasonKind.DUPLICATE,
                        ReasonKind.ENTRIES})


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
    entries: tuple[Entry, ...] = ()
    differences: tuple[Difference, ...] = ()

    @property
    def red(self) -> bool:
        """A red matter: a 督办 item of its own, whatever the action's colour."""
        if self.kind is ReasonKind.INDICATOR:
            return self.indicator is not None and self.indicator.status in (Status.LAGGING, Status.NOT_MET)
        if self.kind is ReasonKind.PROJECT:
            return self.project is not None and self.project.red
        return self.kind in RED_KINDS


@dataclass(frozen=True)
class SupervisionItem:
    """One item on the 督促整改 list (a red matter, or a grey action's data) or the 关注 list (a matter
    to watch, figures to 补报): by item, whatever the action's colour."""

    action_id: int
    action_name: str
    lead_units: str
    reason: Reason
    unit_problem: str = ""  # what the unit itself wrote as the problem (placeholders removed)

    @property
    def about_the_data(self) -> bool:
        """Not submitted, no valid data, differing copies, errors: 催报 and 补报, not a 督办 ledger item."""
        return self.reason.kind in DATA_KINDS


class LedgerState(str, Enum):
    OPEN = "open"          # 整改中: listed, its deadline not yet passed
    CLOSED = "closed"      # 已销号: reported done and no longer red, or closed by the office with a reason
    OVERDUE = "overdue"    # 逾期未整改: still open after its deadline

    @property
    def label(self) -> str:
        return {"open": "整改中", "closed": "已销号", "overdue": "逾期未整改"}[self.value]


@dataclass(frozen=True)
class LedgerItem:
    """One 督办 item, as known at the end of the quarter being built."""

    id: str                     # 2025Q3-03-1: the quarter it was first listed, the action, the item
    action_id: int
    action_name: str
    lead_units: str
    reason: Reason              # what is behind (an indicator, a task or a project) and why, as first listed
    unit_problem: str           # what the unit wrote as the problem when first listed
    since: Quarter              # the quarter of the 通报 that first listed it
    deadline: dt.date           # 整改时限 set in that 通报
    state: LedgerState
    closed_in: Quarter | None = None          # the quarter whose reports closed it
    listed_now: bool = False                  # still on this quarter's 督促整改 list
    reported: RectificationState | None = None  # the 整改状态 the unit reported with this quarter's workbook
    measures: str = ""                        # the unit's latest 整改措施 (of `reported_in`)
    progress: str = ""                        # the unit's latest 整改进展 (of `reported_in`)
    reported_in: Quarter | None = None        # the quarter of the unit's latest report on the item: a document
                                              # quotes its words only when it is the quarter reported on
    text: str = ""              # the 督办事项 as printed when issued ("" in a draft: the wording says it)
    plan_id: str = ""           # the plan it was raised under (another plan's item is 上期方案)
    closed_reason: str = ""     # why the office closed it itself ("" when closed on the unit's report)

    def of_other_plan(self, plan_id: str) -> bool:
        """Raised under another plan than `plan_id` (the plan in force): printed with 上期方案."""
        return bool(plan_id and self.plan_id and self.plan_id != plan_id)

    @property
    def is_open(self) -> bool:
        return self.state is not LedgerState.CLOSED


@dataclass(frozen=True)
class Commendation:
    """An action proposed for 通报表扬, with what it achieved: first its standing (the ON_TRACK fact of its
    green light, in the words that fit it), then each indicator ahead or met and each task done on time."""

    action_id: int
    action_name: str
    lead_units: str
    achievements: tuple[Reason, ...]


@dataclass(frozen=True)
class ActionResult:
    action: Action
    submitted: bool
    data_pending: bool                 # 数据待核实: no figure can be used (differing copies, unreadable)
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
    received_at: dt.datetime | None = None   # when the office received the workbook used (None: not on record)
    receipt_source: str = ""           # "portal" (an upload's receipt) or "office" (a date the office entered)

    @property
    def current_indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.current)

    @property
    def stage_results(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if not i.current)

    @property
    def missing_figures(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.missing)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Entries of its workbook blank or unusable besides the figures and task states (each once)."""
        return next((r.entries for r in self.light_reasons if r.kind is ReasonKind.ENTRIES), ())

    @property
    def differences(self) -> tuple[Difference, ...]:
        """Two differing copies received (数据待核实): where they differ, each entry once."""
        return next((r.differences for r in self.light_reasons if r.kind is ReasonKind.DUPLICATE), ())

    @property
    def disputed(self) -> bool:
        """Two differing copies received: its report says so and nothing else about what the unit reported."""
        return any(r.kind is ReasonKind.DUPLICATE for r in self.light_reasons)


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
    supervision: tuple[SupervisionItem, ...] = ()  # 督促整改: every red matter, grey actions' data
    attention: tuple[SupervisionItem, ...] = ()    # 关注（提醒）: matters to watch not already open 督办 items
    history_quarters: tuple[Quarter, ...] = field(default=())
    ledger: tuple[LedgerItem, ...] = ()   # every 督办 item up to this quarter (analysis/supervision.py)
    deadline: dt.date | None = None       # 报送截止日期 (the office's setting, else the default)
    doc_number: str = ""                  # 文号 the office set for this quarter ("" : from document.toml)
    first_collected: Quarter | None = None   # the office's first collected quarter (None: not known)
    thresholds: Thresholds = field(default_factory=Thresholds)   # the plan's (the overall grade reads them)

    def action(self, action_id: int) -> ActionResult:
        return next(a for a in self.actions if a.action.id == action_id)

    def count(self, light: Light) -> int:
        return sum(1 for a in self.actions if a.light is light)

    @property
    def missing(self) -> tuple[ActionResult, ...]:
        return tuple(a for a in self.actions if not a.submitted)
