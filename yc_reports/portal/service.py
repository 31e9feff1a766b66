"""The units' portal as a library: quarters and deadlines, links, uploads and their checks, the board, the build.

The web layer (`app.py`) only translates HTTP to these calls and renders the answers. Every rule lives
here: who may see what, what an upload must be, when a workbook counts as submitted, which workbook the
build uses. Nothing here prints; failures a user must read are `PortalError`s with Chinese messages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from yc_reports.fixedzip import zip_bytes
from yc_reports.intake.records import ParseResult, Submission
from yc_reports.intake.safe_open import Refusal, inspect_bytes
from yc_reports.intake.selection import FileChoice, Use
from yc_reports.issues import Issue, IssueCode, has_errors, make_issue, sort_key
from yc_reports.pipeline.build import BuildError, cache_root
from yc_reports.pipeline.selection import (
    ActionSelection,
    QuarterSelection,
    read_selection,
)
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Registry, cn_numeral
from yc_reports.workbook.layout import template_file_name
from yc_reports.workbook.xlsx_io import save_workbook

from .store import AuditEntry, BuildRecord, Contact, Store, UploadRecord, hash_token
from .work import PoolBusy, WorkPool

if TYPE_CHECKING:
    from yc_reports.pipeline.build import BuildResult

CN_TZ = dt.timezone(dt.timedelta(hours=8), "北京时间")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILE_NAME = 120
HEAVY_CHECK_BYTES = 1024 * 1024         # a template-sized workbook is ~20 KB: bigger ones take the heavy lane
UNIT_QUOTA_BYTES = 100 * 1024 * 1024     # per unit per quarter, every distinct file counted once
FIRST_ACCOUNT = "管理员"                  # the office account made at first start
SYSTEM_ACTOR = "系统"
LINK_SHEET_TTL = dt.timedelta(minutes=15)

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_STAGED_MANIFEST = ".portal-staged.json"

Clock = Callable[[], dt.datetime]
Checker = Callable[[Path, Registry, str], ParseResult]
Builder = Callable[..., "BuildResult"]


# ---------------------------------------------------------------------------------------- errors


class PortalError(Exception):
    """Something the user must be told, in Chinese; the request changes nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(PortalError):
    """No such thing for this user (an unknown link, another unit's upload, an action not theirs)."""


class SubmissionsClosed(PortalError):
    """No quarter is open for submission."""


class BuildBusy(PortalError):
    """A build is already running."""


class RefusalKind(str, Enum):
    EMPTY = "empty"
    TOO_LARGE = "too-large"
    NOT_XLSX = "not-xlsx"
    DAMAGED = "damaged"
    QUOTA = "quota"


class UploadRefused(PortalError):
    """A file that is not taken at all (not kept, not checked): empty, too large, or not an .xlsx."""

    def __init__(self, kind: RefusalKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class Settings:
    quarter: Quarter | None
    is_open: bool
    deadline: dt.date | None

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (0 on the day, negative once past)."""
        return None if self.deadline is None else (self.deadline - today).days


class ActionState(str, Enum):
    SUBMITTED = "submitted"
    ERRORS = "errors"
    RETURNED = "returned"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {"submitted": "已报送", "errors": "有错误待修改", "returned": "已退回待重报",
                "missing": "未报送"}[self.value]


@dataclass(frozen=True)
class ActionStatus:
    """One action's submissions for the quarter, from every lead unit, as a unit or the office sees them."""

    action: Action
    state: ActionState
    accepted: UploadRecord | None          # the latest accepted, not returned upload: what the portal hands the build
    latest: UploadRecord | None            # the latest upload of any kind
    uploads: tuple[UploadRecord, ...]      # newest first, every lead unit's
    deadline: dt.date | None
    build: ActionSelection | None = None   # what the build reads for the action, and its verdict

    @property
    def late(self) -> bool:
        """Submitted after the deadline's day."""
        return (self.accepted is not None and self.deadline is not None
                and self.accepted.uploaded_at.date() > self.deadline)

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
        return self.accepted is not None and self.accepted.id == record.id

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
class UnitHome:
    unit: str
    settings: Settings
    actions: tuple[ActionStatus, ...]
    co_leads: dict[int, tuple[str, ...]]   # action id -> the other lead units of that action
    earlier: tuple[UploadRecord, ...] = ()  # the unit's actions' uploads of earlier quarters, newest first


@dataclass(frozen=True)
class Board:
    settings: Settings
    rows: tuple[ActionStatus, ...]
    selection: QuarterSelection | None = None   # the build's reading of the quarter (None: no quarter)

    def count(self, state: ActionState) -> int:
        return sum(1 for row in self.rows if row.state is state)

    @property
    def pending(self) -> tuple[ActionStatus, ...]:
        """Actions the build would mark 数据待核实."""
        return tuple(r for r in self.rows if r.build is not None and r.build.data_pending)


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


# ---------------------------------------------------------------------------------------- helpers


def now_in_china() -> dt.datetime:
    return dt.datetime.now(CN_TZ)


def check_upload(path: Path, registry: Registry, display_name: str) -> ParseResult:
    """The checks `yc-reports check` runs on one workbook."""
    from yc_reports.intake.reader import parse_workbook

    return parse_workbook(path, registry, display_name=display_name)


def judge_upload(data: bytes, file_name: str | None, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, before anything is kept, a file the portal will not take. intake's `safe_open` judges
    (the one judge of files, with the portal's size limit); the portal only words its verdict for the
    person uploading."""
    inspection = inspect_bytes(data, file_name or "upload.xlsx", clean_file_name(file_name), max_bytes=limit)
    if inspection.refusal is None:
        return
    if inspection.refusal is Refusal.TOO_LARGE and len(data) > limit:
        raise UploadRefused(RefusalKind.TOO_LARGE, too_large_message(len(data), limit))
    kind, message = _REFUSALS[inspection.refusal]
    raise UploadRefused(kind, message)


def too_large_message(size: int, limit: int) -> str:
    shown = format_size(size)
    said = f"文件大小为 {shown}，超过" if shown != format_size(limit) else "文件大小超过"
    return f"{said} {format_size(limit)} 的上限。请使用下发的填报模板填写，勿在表中粘贴图片或大量数据。"


_DAMAGED = ("文件已损坏或内容不完整（可能在下载、拷贝或上传时被截断），无法读取。请在 Excel 或 WPS 中打开原文件，"
            "确认内容完整后“另存为”Excel 工作簿（*.xlsx），再重新上传；如仍不行，请重新下载模板填写。")


_REFUSALS: dict[Refusal, tuple[RefusalKind, str]] = {
    Refusal.EMPTY: (RefusalKind.EMPTY, "上传的文件是空的。请选择填写好的 Excel 工作簿（.xlsx）后重新上传。"),
    Refusal.LEGACY_XLS: (RefusalKind.NOT_XLSX, "该文件为旧版 Excel 格式（.xls），无法读取。请在 Excel 或 WPS 中"
                                               "“另存为”Excel 工作簿（*.xlsx）后重新上传。"),
    Refusal.ENCRYPTED: (RefusalKind.NOT_XLSX, "该工作簿设置了打开密码，无法读取。请取消文件密码（Excel“文件—信息—"
                                              "保护工作簿”或 WPS“文档加密”）后重新上传。"),
    Refusal.NOT_XLSX: (RefusalKind.NOT_XLSX, "该文件不是 Excel 工作簿（.xlsx）。请上传用下发的填报模板填写的 .xlsx 文件。"),
    Refusal.DAMAGED: (RefusalKind.DAMAGED, _DAMAGED),
    Refusal.TOO_LARGE: (RefusalKind.TOO_LARGE, "文件解压后体积异常，已拒绝读取。请使用下发的填报模板重新填写，"
                                               "勿在表中粘贴图片或大量数据。"),
}


def portal_wording(issue: Issue) -> Issue:
    """An issue as the portal shows it: a file the reader could not open is named damaged, with what
    to do, never by the parser's error class."""
    if issue.code is IssueCode.FILE_UNREADABLE:
        return replace(issue, message=_DAMAGED)
    return issue


def clean_file_name(name: str | None) -> str:
    """The user's file name for display only: no folders, no control characters, bounded length."""
    base = re.split(r"[\\/]", _decoded_name(name or ""))[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > MAX_FILE_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_FILE_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else base[:MAX_FILE_NAME]
    return base or "未命名.xlsx"


def _decoded_name(name: str) -> str:
    """A file name a browser sent in GBK (or UTF-8 read as Latin-1) arrives as mojibake: decode it back."""
    if not name or all(ord(ch) < 128 for ch in name):
        return name
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name          # already real text
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def choice_label(choice: FileChoice, pending: bool = False) -> str:
    """Why the build uses a file or not, in the office's words (intake.selection's judgement); `pending`:
    the action's data are 待核实 (the file used has errors)."""
    other = f"“{choice.same_as}”" if choice.same_as else ""
    return {
        Use.USED: "汇总读取本份，其中有错误的数据不采用，数据待核实" if pending else "汇总采用",
        Use.COPY: f"与{other}完全相同，按同一份计，不重复采用",
        Use.DUPLICATE: f"与{other}内容不同，两份均不采用，数据待核实",
        Use.OTHER_QUARTER: (f"为{choice.quarter.label if choice.quarter else '其他季度'}的工作簿，"
                            f"不用于{choice.expected.label if choice.expected else '本季度'}"),
        Use.OTHER_PLAN: "不是本方案的填报模板，不采用",
        Use.UNKNOWN_ACTION: "行动编号无法识别，不采用",
        Use.UNREADABLE: "无法读取，数据待核实",
    }[choice.use]


def format_size(size: int) -> str:
    """10 MB, 9.5 MB, 312 KB: one decimal only when it says something."""
    if size < 1024:
        return f"{size} 字节"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / (1024 * 1024), "MB")
    text = f"{value:.1f}"
    return f"{text.removesuffix('.0')} {unit}"


def _newest_first(uploads: list[UploadRecord]) -> tuple[UploadRecord, ...]:
    return tuple(sorted(uploads, key=lambda u: (u.uploaded_at, u.id), reverse=True))


def _status(action: Action, uploads: list[UploadRecord], deadline: dt.date | None,
            build: ActionSelection | None = None) -> ActionStatus:
    ordered = _newest_first(uploads)
    accepted = next((u for u in ordered if u.accepted and not u.returned), None)
    if accepted or (build is not None and build.submitted):
        state = ActionState.SUBMITTED         # the build reads a workbook for it: the board says what it says
    elif ordered and ordered[0].returned:
        state = ActionState.RETURNED          # the office sent the newest back: the unit must send again
    elif any(not u.returned for u in ordered):
        state = ActionState.ERRORS
    else:
        state = ActionState.MISSING
    return ActionStatus(action=action, state=state, accepted=accepted, latest=ordered[0] if ordered else None,
                        uploads=ordered, deadline=deadline, build=build)


def check_upload_cached(path: Path, registry: Registry, display_name: str, cache_dir: str) -> ParseResult:
    """The same check, through the build's parse cache: the board and later builds never parse it again."""
    from yc_reports.intake.cache import ParseCache

    return ParseCache(registry, Path(cache_dir)).parse(path, display_name)


@dataclass(frozen=True)
class Recovery:
    """What start-up found left behind by a process that died (kill -9, power cut)."""

    orphan_files: int
    temp_files: int
    interrupted_builds: tuple[int, ...]


class Portal:
    """Everything the portal does, over one data folder and one registry."""

    def __init__(self, data_dir: Path, registry: Registry, *, clock: Clock = now_in_china,
                 checker: Checker = check_upload, builder: Builder | None = None,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES, quota_bytes: int = UNIT_QUOTA_BYTES,
                 pool: WorkPool | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.registry = registry
        self.store = Store(self.data_dir)
        self.clock = clock
        self.checker = checker
        self.builder = builder
        self.max_upload_bytes = max_upload_bytes
        self.quota_bytes = quota_bytes
        self.pool = pool or WorkPool(workers=2, queue=16)
        self._build_lock = threading.Lock()
        self._build_threads: list[threading.Thread] = []
        self._stage_lock = threading.Lock()
        self._selection_memo: tuple[tuple, QuarterSelection] | None = None
        self._sheets: dict[str, LinkSheet] = {}
        self.recovered = self.recover()

    # ------------------------------------------------------------------------------ start-up

    def recover(self) -> Recovery:
        """Crash hygiene: remove stored files no upload row names and half-written temp files; mark builds
        a dead process left running as interrupted, at the time of this start."""
        now = self.clock()
        orphans, temps = self.store.remove_orphans()
        interrupted = tuple(self.store.interrupt_running_builds(now))
        for folder in (self.data_dir / "tmp",):
            if folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
        if orphans or temps or interrupted:
            parts = []
            if orphans or temps:
                parts.append(f"清理未完成保存的上传文件 {orphans + temps} 个")
            if interrupted:
                parts.append("标记中断的汇总：" + "、".join(f"第 {n} 次" for n in interrupted))
            self.store.log(now, SYSTEM_ACTOR, "系统启动时恢复", "；".join(parts))
        return Recovery(orphans, temps, interrupted)

    def close(self) -> None:
        self.pool.close()

    # ------------------------------------------------------------------------------ units

    @property
    def units(self) -> tuple[str, ...]:
        """Every lead unit of the registry, in the order the actions name them."""
        seen: list[str] = []
        for action in self.registry.actions:
            seen.extend(u for u in action.lead_units if u not in seen)
        return tuple(seen)

    def actions_of(self, unit: str) -> tuple[Action, ...]:
        return tuple(a for a in self.registry.actions if unit in a.lead_units)

    def _unit_action(self, unit: str, action_id: int) -> Action:
        action = next((a for a in self.actions_of(unit) if a.id == action_id), None)
        if action is None:
            raise NotFound("没有找到该行动，或该行动不由本单位牵头。")
        return action

    def _action(self, action_id: int) -> Action:
        action = next((a for a in self.registry.actions if a.id == action_id), None)
        if action is None:
            raise NotFound("没有找到该行动。")
        return action

    # ------------------------------------------------------------------------------ settings

    def settings(self) -> Settings:
        raw = self.store.settings()
        quarter = Quarter.parse(raw["quarter"]) if raw.get("quarter") else None
        deadline = dt.date.fromisoformat(raw["deadline"]) if raw.get("deadline") else None
        return Settings(quarter=quarter, is_open=raw.get("open") == "1" and quarter is not None,
                        deadline=deadline)

    def configure(self, quarter: Quarter, deadline: dt.date | None, is_open: bool, actor: str = "") -> Settings:
        """Set the quarter being collected, its deadline, and whether units may submit. Closing the quarter
        (or moving to another) ends the units' links of the quarter: they are re-issued for the next one."""
        if not self.registry.covers(quarter):
            raise PortalError(f"{quarter.label}不在方案实施期（{self.registry.plan.start_year}—"
                              f"{self.registry.plan.end_year}年）内。")
        if deadline is not None and deadline < dt.date(quarter.year, 3 * quarter.q - 2, 1):
            raise PortalError(f"截止日期{deadline:%Y-%m-%d}早于{quarter.label}开始，请核对。")
        before = self.settings()
        self.store.put_settings({"quarter": str(quarter), "open": "1" if is_open else "0",
                                 "deadline": deadline.isoformat() if deadline else None})
        expired = self.store.expire_unit_tokens(str(quarter) if is_open else None, self.clock())
        after = self.settings()
        if after != before:
            detail = (f"报送季度 {quarter.label}，截止日期 {deadline.isoformat() if deadline else '未设'}，"
                      f"{'开放报送' if is_open else '关闭报送'}" + (f"；{expired} 个单位链接随之失效" if expired else ""))
            self.store.log(self.clock(), actor or SYSTEM_ACTOR, "修改季度设置", detail)
        return after

    def open_quarter(self, quarter: Quarter, deadline: dt.date | None, actor: str = "") -> Settings:
        return self.configure(quarter, deadline, is_open=True, actor=actor)

    def close_quarter(self, actor: str = "") -> Settings:
        settings = self.settings()
        if settings.quarter is None:
            raise PortalError("尚未设置报送季度。")
        return self.configure(settings.quarter, settings.deadline, is_open=False, actor=actor)

    def suggested_quarter(self) -> Quarter:
        """The quarter that has just ended: reports are collected after its end."""
        today = self.clock().date()
        just_ended = Quarter(today.year, (today.month - 1) // 3 + 1).previous()
        return min(max(just_ended, self.registry.first_quarter), self.registry.last_quarter)

    @staticmethod
    def suggested_deadline(quarter: Quarter) -> dt.date:
        """The 5th of the month after the quarter (the office's usual 次月5日前报送)."""
        return quarter.end_date + dt.timedelta(days=5)

    # ------------------------------------------------------------------------------ office accounts

    def ensure_admin_token(self) -> str | None:
        """Create the first office account (管理员) at first start; None when any exists (stored hashed)."""
        token = secrets.token_urlsafe(32)
        if self.store.add_token_if_none("admin", FIRST_ACCOUNT, hash_token(token), self.clock()):
            self.store.log(self.clock(), SYSTEM_ACTOR, "创建办公室账号", FIRST_ACCOUNT)
            return token
        return None

    def new_admin_token(self, name: str = FIRST_ACCOUNT, actor: str = "") -> str:
        """A new link for one office account (created if new); that account's old link stops working."""
        name = account_name(name)
        token = secrets.token_urlsafe(32)
        existed = name in self.office_accounts()
        self.store.replace_token("admin", name, hash_token(token), self.clock())
        self.store.log(self.clock(), actor or SYSTEM_ACTOR, "重新生成办公室账号链接" if existed else "创建办公室账号",
                       name)
        return token

    def office_accounts(self) -> dict[str, dt.datetime]:
        """Live office accounts: name -> when their current link was made."""
        return {row.unit or FIRST_ACCOUNT: row.created_at for row in self.store.live_tokens("admin")}

    def revoke_office_account(self, name: str, actor: str) -> bool:
        if name == actor:
            raise PortalError("不能停用自己正在使用的账号。")
        done = self.store.revoke_tokens("admin", name, self.clock()) > 0
        if done:
            self.store.log(self.clock(), actor, "停用办公室账号", name)
        return done

    def admin_for_token(self, token: str) -> str | None:
        """The office staff member a live office link belongs to; None for anything else."""
        if not _TOKEN_RE.match(token or ""):
            return None
        row = self.store.live_token(hash_token(token))
        if row is None or row.role != "admin":
            return None
        return row.unit or FIRST_ACCOUNT

    def is_admin_token(self, token: str) -> bool:
        return self.admin_for_token(token) is not None

    # ------------------------------------------------------------------------------ unit links

    def issue_unit_token(self, unit: str, actor: str = "") -> str:
        """A new link for a unit, valid for the open quarter only; its old link stops working at once."""
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        settings = self.settings()
        if settings.quarter is None or not settings.is_open:
            raise PortalError("请先在“季度设置”中选择报送季度并开放报送，再生成单位链接（链接只在该季度报送期间有效）。")
        token = secrets.token_urlsafe(24)
        self.store.replace_token("unit", unit, hash_token(token), self.clock(), quarter=str(settings.quarter))
        self.store.log(self.clock(), actor or SYSTEM_ACTOR, "生成单位链接", f"{unit}（{settings.quarter.label}）")
        return token

    def issue_missing_unit_tokens(self, actor: str = "") -> dict[str, str]:
        """Links for every unit that has no live one for the open quarter, in registry order."""
        linked = {row.unit for row in self.store.live_tokens("unit")}
        return {unit: self.issue_unit_token(unit, actor) for unit in self.units if unit not in linked}

    def revoke_unit_token(self, unit: str, actor: str = "") -> bool:
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        done = self.store.revoke_tokens("unit", unit, self.clock()) > 0
        if done:
            self.store.log(self.clock(), actor or SYSTEM_ACTOR, "停用单位链接", unit)
        return done

    def unit_for_token(self, token: str) -> str | None:
        """The unit a live link of the open quarter belongs to; None for anything else (unknown, revoked,
        expired with its quarter, an office link)."""
        if not _TOKEN_RE.match(token or ""):
            return None
        row = self.store.live_token(hash_token(token))
        if row is None or row.role != "unit" or row.unit not in self.units:
            return None
        settings = self.settings()
        if row.quarter and (settings.quarter is None or row.quarter != str(settings.quarter)):
            return None
        return row.unit

    def keep_links(self, actor: str, links: dict[str, str], office: bool = False) -> LinkSheet:
        """Keep links just issued for LINK_SHEET_MINUTES, under an unguessable id, for their issuer only."""
        now = self.clock()
        self._sheets = {k: v for k, v in self._sheets.items() if now - v.created_at < LINK_SHEET_TTL}
        sheet = LinkSheet(id=secrets.token_urlsafe(12), actor=actor, created_at=now,
                          links=tuple(links.items()), office=office)
        self._sheets[sheet.id] = sheet
        return sheet

    def link_sheet(self, actor: str, sheet_id: str) -> LinkSheet | None:
        sheet = self._sheets.get(sheet_id)
        if sheet is None or sheet.actor != actor or self.clock() - sheet.created_at >= LINK_SHEET_TTL:
            return None
        return sheet

    # ------------------------------------------------------------------------------ the unit's side

    def unit_home(self, unit: str) -> UnitHome:
        """The unit's actions by action: every lead unit sees the same submission state."""
        settings = self.settings()
        actions = self.actions_of(unit)
        statuses: list[ActionStatus] = []
        if settings.quarter is not None:
            board = {row.action.id: row for row in self.board().rows}
            statuses = [board[a.id] for a in actions]
        co_leads = {a.id: tuple(u for u in a.lead_units if u != unit) for a in actions}
        mine = {a.id for a in actions}
        earlier = tuple(u for u in _newest_first(self.store.uploads())
                        if u.action_id in mine and (settings.quarter is None or u.quarter != settings.quarter))
        return UnitHome(unit=unit, settings=settings, actions=tuple(statuses), co_leads=co_leads, earlier=earlier)

    def template_for(self, unit: str, action_id: int) -> FileBytes:
        """The action's workbook for the current quarter, pre-filled with last quarter's accepted figures."""
        action = self._unit_action(unit, action_id)
        quarter = self._current_quarter()
        from yc_reports.pipeline.supervision import template_rectifications
        from yc_reports.workbook.writer import build_template

        # the same open 督办 items `yc-reports templates` puts into the 整改落实 sheet
        open_items = template_rectifications(self.registry, quarter, self.data_dir / "inputs").get(action.id, ())
        workbook = build_template(self.registry, action, quarter, self._previous_submission(action, quarter),
                                  rectifications=open_items)
        with tempfile.TemporaryDirectory(dir=self._tmp_dir()) as folder:
            path = Path(folder) / "template.xlsx"
            # the stamp `yc-reports templates` uses: the same workbook gives the same bytes
            save_workbook(workbook, path, stamp=dt.datetime.combine(quarter.end_date, dt.time()))
            data = path.read_bytes()
        return FileBytes(template_file_name(str(quarter), action.id, action.name, unit), data)

    def submit(self, unit: str, action_id: int, data: bytes, file_name: str | None,
               by_office: str = "") -> UploadRecord:
        """Keep the upload, check it, and record it: accepted when it has no 错误, else a draft.
        `by_office` names the office staff member who uploads on the unit's behalf."""
        action = self._unit_action(unit, action_id)
        settings = self.settings()
        if settings.quarter is None or (not settings.is_open and not by_office):
            raise SubmissionsClosed("本季度报送已关闭，暂不能上传。如需补报或更正，请联系指挥部办公室。")
        judge_upload(data, file_name, self.max_upload_bytes)
        self._check_quota(settings.quarter, unit, data)
        display = clean_file_name(file_name)
        # checked from a private copy: the stored file appears only together with its row
        with tempfile.TemporaryDirectory(dir=self._tmp_dir()) as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(data)
            try:
                result = self._check(path, display)
            except PoolBusy as exc:
                raise PortalError(str(exc)) from None
        result = self._with_ledger(result, settings.quarter)
        issues = [portal_wording(i) for i in result.issues]
        issues += self._placement_issues(result.submission, action, settings.quarter, display)
        info = result.submission.info if result.submission else None
        digest = self.store.put_file(data)
        record = self.store.add_upload(
            quarter=settings.quarter, action_id=action.id, unit=unit, uploaded_at=self.clock(), sha256=digest,
            size=len(data), file_name=display, issues=tuple(sorted(issues, key=sort_key)),
            filler=info.filler if info else "", phone=info.phone if info else "", by_office=by_office)
        if by_office:
            self.store.log(self.clock(), by_office, "代单位上传",
                           f"{unit} 第{action.cn_number}项 {display}（{'无错误' if record.accepted else f'{record.errors} 处错误'}）"
                           f"，回执编号 {record.receipt_no}")
        self._stage_quarter(settings.quarter)
        return record

    def _check(self, path: Path, display: str) -> ParseResult:
        heavy = path.stat().st_size > HEAVY_CHECK_BYTES
        if self.checker is check_upload:
            cache = cache_root(self._out_dir(self._current_quarter(), 0))
            return self.pool.run(check_upload_cached, path, self.registry, display, str(cache), heavy=heavy)
        return self.pool.run(self.checker, path, self.registry, display, heavy=heavy)

    def _with_ledger(self, result: ParseResult, quarter: Quarter) -> ParseResult:
        """The 整改落实 sheet against the 督办 ledger, as `yc-reports check --inputs` compares it (the same library)."""
        from yc_reports.pipeline.rectification_check import compare_with_ledger

        cache = cache_root(self._out_dir(quarter, 0))
        return compare_with_ledger(self.registry, [result], self.data_dir / "inputs", cache).results[0]

    def _check_quota(self, quarter: Quarter, unit: str, data: bytes) -> None:
        used = self.store.stored_bytes(quarter, unit)
        digest = hashlib.sha256(data).hexdigest()
        if any(u.sha256 == digest for u in self.store.uploads(quarter=quarter, unit=unit)):
            return                                   # the same file again is stored once: it costs nothing
        if used + len(data) > self.quota_bytes:
            raise UploadRefused(RefusalKind.QUOTA,
                                f"本单位{quarter.label}已上传的文件共 {format_size(used)}，再上传本文件将超过每单位每季度 "
                                f"{format_size(self.quota_bytes)} 的存储上限，本次上传未保存。"
                                "请勿反复上传大文件；如确需继续上传，请联系指挥部办公室。")

    def unit_upload(self, unit: str, upload_id: int) -> UploadRecord:
        """An upload of one of the unit's actions (by any of its lead units); any other is 'not found'."""
        record = self.store.upload(upload_id)
        if record is None or record.action_id not in {a.id for a in self.actions_of(unit)}:
            raise NotFound("没有找到该上传记录。")
        return record

    def receipt(self, key: str) -> UploadRecord:
        """An upload by its token-free receipt key."""
        record = self.store.upload_by_receipt_key(key) if _KEY_RE.match(key or "") else None
        if record is None:
            raise NotFound("没有找到该回执。请核对回执地址是否完整。")
        return record

    def status_of(self, record: UploadRecord) -> ActionStatus:
        """The action's state in the record's quarter (is the record the one in use?)."""
        action = self._action(record.action_id)
        settings = self.settings()
        deadline = settings.deadline if settings.quarter == record.quarter else None
        return _status(action, self.store.uploads(quarter=record.quarter, action_id=action.id), deadline)

    def uploaded_file(self, record: UploadRecord) -> StoredFile:
        return StoredFile(self.store.file_path(record.sha256), record.file_name)

    # ------------------------------------------------------------------------------ the office's side

    def board(self, quarter: Quarter | None = None) -> Board:
        """Every action of the quarter (default: the open one): the portal's uploads and, beside them, what
        the build reads and decides for the action (the build's own code: pipeline.selection)."""
        settings = self.settings()
        quarter = quarter or settings.quarter
        if quarter is None:
            return Board(settings=settings, rows=())
        selection = self.selection(quarter)
        deadline = settings.deadline if quarter == settings.quarter else None
        uploads = self.store.uploads(quarter=quarter)
        rows = tuple(_status(a, [u for u in uploads if u.action_id == a.id], deadline, selection.action(a.id))
                     for a in self.registry.actions)
        return Board(settings=settings, rows=rows, selection=selection)

    def selection(self, quarter: Quarter) -> QuarterSelection:
        """What `build` would read for the quarter, from the staged inputs folder (memoised on its files)."""
        self._stage_quarter(quarter)
        inputs_root = self.data_dir / "inputs"
        signature = _folder_signature(inputs_root)
        memo = self._selection_memo
        if memo is not None and memo[0] == (str(quarter), signature):
            return memo[1]
        try:
            selection = read_selection(self.registry, quarter, inputs_root / str(quarter),
                                       cache_root(self._out_dir(quarter, 0)))
        except BuildError as exc:   # the folder cannot be read (permissions): said, never a crashed page
            raise PortalError(str(exc)) from None
        self._selection_memo = ((str(quarter), signature), selection)
        return selection

    def problems(self, quarter: Quarter | None = None, unit: str | None = None) -> tuple[Problem, ...]:
        """The build's issues by action, unit, sheet and cell; for a unit, only its actions'."""
        board = self.board(quarter)
        if board.selection is None:
            return ()
        out: list[Problem] = []
        for row in board.rows:
            if unit is not None and unit not in row.action.lead_units:
                continue
            out.extend(Problem(row.action, row.action.lead_units, portal_wording(i))
                       for i in (row.build.issues if row.build else ()))
        if unit is None:
            out.extend(Problem(None, (), portal_wording(i)) for i in board.selection.other_issues)
        return tuple(out)

    def upload(self, upload_id: int) -> UploadRecord:
        record = self.store.upload(upload_id)
        if record is None:
            raise NotFound("没有找到该上传记录。")
        return record

    def action_uploads(self, quarter: Quarter, action_id: int) -> tuple[UploadRecord, ...]:
        return _newest_first(self.store.uploads(quarter=quarter, action_id=action_id))

    def quarters(self) -> tuple[Quarter, ...]:
        """Quarters with uploads, and the open one, newest first."""
        known = set(self.store.quarters_with_uploads())
        open_quarter = self.settings().quarter
        if open_quarter:
            known.add(open_quarter)
        return tuple(sorted(known, reverse=True))

    def return_upload(self, upload_id: int, note: str, actor: str) -> UploadRecord:
        """退回: the office sends a submission back with a comment the unit sees; it is no longer used."""
        record = self.upload(upload_id)
        note = note.strip()[:500]
        if not note:
            raise PortalError("请填写退回意见，说明需要单位修改的内容。")
        if record.returned:
            raise PortalError("该份材料已退回，无需重复退回。")
        returned = self.store.return_upload(upload_id, at=self.clock(), by=actor, note=note)
        if returned is None:   # removed in between
            raise NotFound("没有找到该上传记录。")
        action = self._action(record.action_id)
        self.store.log(self.clock(), actor, "退回报送材料",
                       f"{record.unit} 第{action.cn_number}项 回执编号 {record.receipt_no}：{note}")
        self._stage_quarter(record.quarter)
        return returned

    def unit_access(self) -> tuple[UnitAccess, ...]:
        links = {row.unit: row.created_at for row in self.store.live_tokens("unit")}
        contacts = self.store.contacts()
        return tuple(UnitAccess(unit=u, actions=self.actions_of(u), link_created_at=links.get(u),
                                contact=contacts.get(u, Contact(u))) for u in self.units)

    def set_contact(self, unit: str, person: str, phone: str, actor: str = "") -> Contact:
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        contact = Contact(unit, person.strip()[:40], phone.strip()[:40])
        if self.store.contacts().get(unit, Contact(unit)) != contact:
            self.store.put_contact(contact)
            self.store.log(self.clock(), actor or SYSTEM_ACTOR, "修改联系人",
                           f"{unit}：{contact.person or '—'} {contact.phone or '—'}")
        return contact

    def audit_log(self) -> tuple[AuditEntry, ...]:
        return tuple(self.store.audit())

    def reminders(self) -> tuple[Reminder, ...]:
        """Units with an action not yet submitted this quarter (催报), with whom to call."""
        board = self.board()
        pending_by_unit: dict[str, list[ActionStatus]] = {}
        for row in board.rows:
            if row.state is not ActionState.SUBMITTED:
                for unit in row.action.lead_units:
                    pending_by_unit.setdefault(unit, []).append(row)
        contacts = self.store.contacts()
        links = {row.unit for row in self.store.live_tokens("unit")}
        out = []
        for unit in self.units:
            if unit not in pending_by_unit:
                continue
            person, phone, source = self._contact_for(unit, contacts)
            out.append(Reminder(unit=unit, person=person, phone=phone, contact_source=source,
                                pending=tuple(pending_by_unit[unit]), has_link=unit in links))
        return tuple(out)

    def _contact_for(self, unit: str, contacts: dict[str, Contact]) -> tuple[str, str, str]:
        contact = contacts.get(unit)
        if contact and (contact.person or contact.phone):
            return contact.person, contact.phone, "办公室登记"
        mine = _newest_first(self.store.uploads(unit=unit))
        known = next((u for u in mine if u.filler or u.phone), None)
        if known:
            return known.filler, known.phone, "最近一次填报"
        return "", "", ""

    def board_workbook(self, quarter: Quarter | None = None) -> FileBytes:
        """The board as an .xlsx with Chinese labels (same board, same bytes)."""
        from .export import board_workbook_bytes

        board = self.board(quarter)
        if board.selection is None:
            raise NotFound("尚未设置报送季度，暂无报送情况可导出。")
        return FileBytes(f"{board.selection.quarter}_报送情况.xlsx", board_workbook_bytes(board, board.selection.quarter, self))

    # ------------------------------------------------------------------------------ the build

    def builds(self, quarter: Quarter | None = None) -> tuple[BuildRecord, ...]:
        quarter = quarter or self.settings().quarter
        return tuple(self.store.builds(quarter)) if quarter else ()

    def start_build(self, quarter: Quarter | None = None, actor: str = "") -> int:
        """Start the quarter's build in the background (the page returns at once, showing it running)."""
        quarter = quarter or self._current_quarter()
        if not self._build_lock.acquire(blocking=False):
            raise BuildBusy("汇总正在进行中，请稍候刷新页面查看结果。")
        try:
            build_id = self.store.start_build(quarter, self.clock(), run_by=actor)
            self.store.log(self.clock(), actor or SYSTEM_ACTOR, "运行汇总", f"{quarter.label} 第 {build_id} 次汇总")
            thread = threading.Thread(target=self._build_and_release, args=(quarter, build_id),
                                      name=f"portal-build-{build_id}", daemon=True)
            self._build_threads.append(thread)
            thread.start()
        except BaseException:
            self._build_lock.release()
            raise
        return build_id

    def _build_and_release(self, quarter: Quarter, build_id: int) -> None:
        try:
            self._build(quarter, build_id)
        finally:
            self._build_lock.release()

    def wait_for_builds(self, timeout: float = 120) -> None:
        for thread in list(self._build_threads):
            thread.join(timeout)

    def run_build(self, quarter: Quarter | None = None, actor: str = "") -> BuildRecord:
        """Stage every quarter's accepted workbooks under DATA/inputs and build the quarter's reports (waits)."""
        quarter = quarter or self._current_quarter()
        if not self._build_lock.acquire(blocking=False):
            raise BuildBusy("汇总正在进行中，请稍候刷新页面查看结果。")
        try:
            build_id = self.store.start_build(quarter, self.clock(), run_by=actor)
            if actor:
                self.store.log(self.clock(), actor, "运行汇总", f"{quarter.label} 第 {build_id} 次汇总")
            return self._build(quarter, build_id)
        finally:
            self._build_lock.release()

    def _build(self, quarter: Quarter, build_id: int) -> BuildRecord:
        out_dir = self._out_dir(quarter, build_id)
        try:
            for staged in self.store.quarters_with_uploads():
                if staged <= quarter:
                    self._stage_quarter(staged)
            inputs_dir = self.data_dir / "inputs" / str(quarter)
            inputs_dir.mkdir(parents=True, exist_ok=True)
            builder = self.builder or _default_builder()
            result = builder(self.registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False)
        except Exception as exc:  # a failing build is recorded and shown, never a crashed page
            return self.store.finish_build(build_id, finished_at=self.clock(), ok=False, out_dir=out_dir, files=(),
                                           errors=0, warnings=0, message=f"汇总失败（{type(exc).__name__}：{exc}）")
        errors = sum(1 for issue in result.issues if has_errors([issue]))
        return self.store.finish_build(
            build_id, finished_at=self.clock(), ok=result.ok, out_dir=out_dir,
            files=_relative_files(result.files, out_dir), errors=errors,
            warnings=len(result.issues) - errors, message=result.error)

    def _out_dir(self, quarter: Quarter, build_id: int) -> Path:
        return self.data_dir / "outputs" / str(quarter) / f"build-{build_id:04d}"

    def _stage_quarter(self, quarter: Quarter) -> None:
        """DATA/inputs/QUARTER holds, per action, the latest accepted and not returned upload (from any lead
        unit), beside whatever the office put there itself; only what an earlier staging wrote is replaced."""
        folder = self.data_dir / "inputs" / str(quarter)
        with self._stage_lock:
            folder.mkdir(parents=True, exist_ok=True)
            manifest = folder / _STAGED_MANIFEST
            previous = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
            if isinstance(previous, list):         # schema 1 wrote a list of names
                previous = {name: "" for name in previous}
            wanted: dict[str, str] = {}
            uploads = [u for u in self.store.uploads(quarter=quarter, accepted_only=True) if not u.returned]
            for action in self.registry.actions:
                chosen = _newest_first([u for u in uploads if u.action_id == action.id])
                if chosen:
                    record = chosen[0]
                    wanted[template_file_name(str(quarter), action.id, action.name, record.unit)] = record.sha256
            if wanted == previous and all((folder / name).is_file() for name in wanted):
                return
            for name in previous:
                if Path(name).name == name and name not in wanted:   # only plain names this code wrote
                    (folder / name).unlink(missing_ok=True)
            for name, digest in wanted.items():
                if previous.get(name) == digest and (folder / name).is_file():
                    continue
                tmp = folder / f".{name}.tmp"
                shutil.copyfile(self.store.file_path(digest), tmp)
                tmp.replace(folder / name)
            tmp_manifest = folder / f".{_STAGED_MANIFEST}.tmp"
            tmp_manifest.write_text(json.dumps(wanted, ensure_ascii=False, indent=0), "utf-8")
            tmp_manifest.replace(manifest)

    def staged_uploads(self, quarter: Quarter) -> dict[str, UploadRecord]:
        """The staged file names of the quarter and the uploads they are copies of."""
        manifest = self.data_dir / "inputs" / str(quarter) / _STAGED_MANIFEST
        staged = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
        if not isinstance(staged, dict):
            return {}
        uploads = _newest_first([u for u in self.store.uploads(quarter=quarter, accepted_only=True)
                                 if not u.returned])
        out = {}
        for name, digest in staged.items():
            match = next((u for u in uploads if u.sha256 == digest), None)
            if match is not None:
                out[name] = match
        return out

    def build_file(self, build_id: int, index: int) -> StoredFile:
        """An output file of a recorded build, by its number in the build's list; only inside its folder."""
        record = self.store.build(build_id)
        if record is None or not 0 <= index < len(record.files):
            raise NotFound("没有找到该文件。")
        root = record.out_dir.resolve()
        path = (root / record.files[index]).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound("没有找到该文件。")
        return StoredFile(path, path.name)

    def build_archive(self, build_id: int) -> FileBytes:
        """Every file of a recorded build in one zip (fixed entry times: the same build, the same bytes)."""
        record = self.store.build(build_id)
        if record is None or not record.files:
            raise NotFound("没有找到该次汇总的结果文件。")
        data = zip_bytes((name, self.build_file(build_id, index).path.read_bytes())
                         for index, name in enumerate(record.files))
        return FileBytes(f"{record.quarter}_汇总结果_第{record.id}次.zip", data)

    # ------------------------------------------------------------------------------ internals

    def _current_quarter(self) -> Quarter:
        quarter = self.settings().quarter
        if quarter is None:
            raise SubmissionsClosed("指挥部办公室尚未开放本季度报送。")
        return quarter

    def _tmp_dir(self) -> Path:
        folder = self.data_dir / "tmp"
        folder.mkdir(exist_ok=True)
        return folder

    def _previous_submission(self, action: Action, quarter: Quarter) -> Submission | None:
        """Last quarter's latest accepted upload; else a workbook the office put in DATA/inputs/<previous>/."""
        previous = quarter.previous()
        accepted = _newest_first([u for u in self.store.uploads(quarter=previous, action_id=action.id,
                                                                accepted_only=True) if not u.returned])
        if accepted:
            record = accepted[0]
            return self.checker(self.store.file_path(record.sha256), self.registry, record.file_name).submission
        from yc_reports.workbook.writer import previous_submissions

        return previous_submissions(self.registry, quarter, self.data_dir / "inputs").get(action.id)

    def _placement_issues(self, submission: Submission | None, action: Action, quarter: Quarter,
                          display: str) -> list[Issue]:
        """A readable workbook uploaded under the wrong action or for another quarter is an error here."""
        if submission is None:
            return []
        found: list[Issue] = []
        if submission.action_id != action.id:
            found.append(make_issue(IssueCode.TEMPLATE_OTHER_ACTION, display,
                                    found=cn_numeral(submission.action_id), expected=cn_numeral(action.id)))
        if submission.quarter != quarter:
            found.append(make_issue(IssueCode.TEMPLATE_OTHER_QUARTER, display,
                                    found=submission.quarter.label, expected=quarter.label))
        return found


def account_name(name: str) -> str:
    """An office account's name as kept: printable, trimmed, at most 20 characters."""
    name = "".join(ch for ch in (name or "") if ch.isprintable()).strip()[:20]
    if not name:
        raise PortalError("请填写办公室工作人员的姓名。")
    return name


def _folder_signature(root: Path) -> tuple:
    """Names, sizes and times of every file under `root`: changes whenever the build's inputs change."""
    if not root.is_dir():
        return ()
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            out.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def _default_builder() -> Builder:
    from yc_reports.pipeline.build import build_quarter

    return build_quarter


def _relative_files(files: Iterable[Path], out_dir: Path) -> tuple[str, ...]:
    """The build's files as paths relative to its folder; anything outside it is left out."""
    root = out_dir.resolve()
    out: list[str] = []
    for item in files:
        path = Path(item).resolve()
        if path.is_relative_to(root) and path.is_file() and path.relative_to(root).as_posix() not in out:
            out.append(path.relative_to(root).as_posix())
    return tuple(out)
