"""What the portal's pages show, as typed, frozen records: a quarter's settings, an action's submissions, the
board, a unit's page, the links issued. The desks (units.py, office.py …) make them; the templates read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from yc_reports.issues import Issue
from yc_reports.pipeline.selection import ActionSelection, QuarterSelection
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action
from yc_reports.record.store import Issuance

from .store import Choice, Contact, UploadRecord


@dataclass(frozen=True)
class Settings:
    """The quarter being collected and its dates: the deadline, 印发日期 and 文号 are the office's record's
    (`Record.settings`), the same the build, the notices and the documents read."""

    quarter: Quarter | None
    is_open: bool
    deadline: dt.date | None               # 报送截止日期: as set, else checks.default_deadline
    deadline_set: bool = False             # the office set it (else the default applies)
    report_date: dt.date | None = None     # 印发日期 as set (None: the default applies)
    doc_number: str = ""                   # 文号 as set ("": from the document settings)
    issued: Issuance | None = None         # the quarter's 签发 (or latest 更正) in force; None: a draft

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (0 on the day, negative once past)."""
        return None if self.deadline is None else (self.deadline - today).days

    def past_deadline(self, today: dt.date) -> bool:
        """The deadline's day is over: only now is a missing workbook late (未按时)."""
        return self.deadline is not None and today > self.deadline


class ActionState(str, Enum):
    SUBMITTED = "submitted"
    CONFLICT = "conflict"
    ERRORS = "errors"
    RETURNED = "returned"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {"submitted": "已报送", "conflict": "数据待核实", "errors": "有错误待修改", "returned": "已退回待重报",
                "missing": "未报送"}[self.value]


@dataclass(frozen=True)
class ActionStatus:
    """One action's submissions for the quarter, from every lead unit, as a unit or the office sees them."""

    action: Action
    state: ActionState
    standing: tuple[UploadRecord, ...]     # what the portal hands the build: per lead unit its latest accepted,
    #                                        not returned, not withdrawn upload (or the office's choice)
    latest: UploadRecord | None            # the latest upload of any kind
    uploads: tuple[UploadRecord, ...]      # newest first, every lead unit's
    deadline: dt.date | None
    build: ActionSelection | None = None   # what the build reads for the action, and its verdict
    choice: Choice | None = None           # the office's choice between co-leads' uploads, while it holds

    @property
    def accepted(self) -> UploadRecord | None:
        """The newest upload that stands (the one, unless co-leads sent differing ones)."""
        return self.standing[0] if self.standing else None

    @property
    def conflict(self) -> bool:
        """Lead units of the action stand by different workbooks: 数据待核实 until one withdraws or the office
        chooses."""
        return len({u.sha256 for u in self.standing}) > 1

    @property
    def late(self) -> bool:
        """Received after the deadline's day (the office's receipt: the upload's time, or the date the office
        entered for a file it uploads on the unit's behalf)."""
        return (self.accepted is not None and self.deadline is not None
                and min(u.received_at for u in self.standing).date() > self.deadline)

    @property
    def draft_after_accepted(self) -> bool:
        """A newer upload with errors stands after the accepted one (the accepted one still counts)."""
        return (self.accepted is not None and self.latest is not None
                and self.latest.id != self.accepted.id and not self.latest.accepted)

    @property
    def returned(self) -> UploadRecord | None:
        """The latest upload, when the office returned it and nothing newer came."""
        return self.latest if self.latest is not None and self.latest.returned else None

    def in_use(self, record: UploadRecord) -> bool:
        return any(u.id == record.id for u in self.standing)

    @property
    def folder_only(self) -> bool:
        """The build reads a workbook for the action that no upload here is: the office put it in the folder."""
        return self.accepted is None and self.build is not None and self.build.submitted

    @property
    def build_label(self) -> str:
        """What the build does with the action, in the office's words."""
        b = self.build
        if b is None or not b.submitted:
            return "按未报送汇总"
        if len(b.files) > 1:
            return "数据待核实（收到多份）"
        if b.data_pending:
            return "数据待核实"
        return "汇总采用"

    @property
    def build_reasons(self) -> str:
        return "；".join(self.build.reasons) if self.build else ""


@dataclass(frozen=True)
class Board:
    settings: Settings
    rows: tuple[ActionStatus, ...]
    selection: QuarterSelection | None = None   # the build's reading of the quarter (None: no quarter yet)
    quarter: Quarter | None = None
    fresh: bool = True                          # the build's reading is of the files as they are now
    issued: Issuance | None = None              # the shown quarter's 签发 in force
    problem: str = ""                           # the build could not read the quarter (said, never a crash)

    def count(self, state: ActionState) -> int:
        return sum(1 for row in self.rows if row.state is state)

    @property
    def pending(self) -> tuple[ActionStatus, ...]:
        """Actions the build would mark 数据待核实."""
        return tuple(r for r in self.rows if r.build is not None and r.build.data_pending)

    def row(self, action_id: int) -> ActionStatus:
        return next(r for r in self.rows if r.action.id == action_id)


@dataclass(frozen=True)
class UnitHome:
    unit: str
    settings: Settings
    actions: tuple[ActionStatus, ...]
    co_leads: dict[int, tuple[str, ...]]   # action id -> the other lead units of that action
    earlier: tuple[UploadRecord, ...] = ()  # the unit's actions' uploads of earlier quarters, newest first
    quarter: Quarter | None = None          # the quarter the page shows (its link's)
    can_submit: bool = False                # the link's quarter is open: uploads are taken
    fresh: bool = True
    problems: tuple[Problem, ...] = ()      # the build's messages the unit can act on


@dataclass(frozen=True)
class Problem:
    """One issue the build found, placed: which action and units, which file, sheet and cell."""

    action: Action | None
    units: tuple[str, ...]
    issue: Issue


@dataclass(frozen=True)
class LinkSheet:
    """Links just issued, kept for a few minutes so a refresh shows them again instead of re-issuing."""

    id: str
    actor: str
    created_at: dt.datetime
    links: tuple[tuple[str, str], ...]     # (unit or staff name, token)
    office: bool = False                   # office accounts' links, not units'


@dataclass(frozen=True)
class UnitAccess:
    unit: str
    actions: tuple[Action, ...]
    link_created_at: dt.datetime | None    # None: no live link
    contact: Contact
    link_quarter: str = ""                 # the quarter the live link is for


@dataclass(frozen=True)
class OfficeAccount:
    name: str
    role: str                              # lead (负责人) / clerk (经办人)
    created_at: dt.datetime                # when the current link was made
    expires_at: dt.datetime

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def is_lead(self) -> bool:
        return self.role == LEAD


LEAD, CLERK = "lead", "clerk"
ROLE_LABELS = {LEAD: "负责人", CLERK: "经办人"}


@dataclass(frozen=True)
class Reminder:
    unit: str
    person: str
    phone: str
    contact_source: str                    # 办公室登记 / 最近一次填报 / ""
    pending: tuple[ActionStatus, ...]
    has_link: bool


@dataclass(frozen=True)
class FileBytes:
    """A file made on request (a template, an archive): its download name and its bytes."""

    file_name: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    path: Path
    file_name: str


@dataclass(frozen=True)
class Recovery:
    """What start-up found left behind by a process that died (kill -9, power cut)."""

    orphan_files: int
    temp_files: int
    interrupted_builds: tuple[int, ...]
    half_written: tuple[str, ...] = ()     # build folders left half-written (removed)
