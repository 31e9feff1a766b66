"""The units' portal as a library: quarters and deadlines, links, uploads and their checks, the board, the build.

The web layer (`app.py`) only translates HTTP to these calls and renders the answers. Every rule lives
here: who may see what, what an upload must be, when a workbook counts as submitted, which workbook the
build uses. Nothing here prints; failures a user must read are `PortalError`s with Chinese messages.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import shutil
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from yc_reports.issues import Issue, IssueCode, has_errors, make_issue, sort_key
from yc_reports.workbook.layout import template_file_name
from yc_reports.fixedzip import zip_bytes
from yc_reports.workbook.xlsx_io import save_workbook
from yc_reports.plan.quarter import Quarter
from yc_reports.intake.records import ParseResult, Submission
from yc_reports.plan.registry import Action, Registry, cn_numeral
from .store import BuildRecord, Contact, Store, UploadRecord, hash_token

if TYPE_CHECKING:
    from yc_reports.pipeline.build import BuildResult

CN_TZ = dt.timezone(dt.timedelta(hours=8), "北京时间")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILE_NAME = 120

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")   # legacy .xls, and password-protected .xlsx
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
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
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {"submitted": "已报送", "errors": "有错误待修改", "missing": "未报送"}[self.value]


@dataclass(frozen=True)
class ActionStatus:
    """One action's submissions for the quarter, as seen by one unit or by the office."""

    action: Action
    state: ActionState
    accepted: UploadRecord | None          # the latest accepted upload: what the build uses
    latest: UploadRecord | None            # the latest upload of any kind
    uploads: tuple[UploadRecord, ...]      # newest first
    deadline: dt.date | None

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


@dataclass(frozen=True)
class UnitHome:
    unit: str
    settings: Settings
    actions: tuple[ActionStatus, ...]
    co_leads: dict[int, tuple[str, ...]]   # action id -> the other lead units of that action


@dataclass(frozen=True)
class Board:
    settings: Settings
    rows: tuple[ActionStatus, ...]

    def count(self, state: ActionState) -> int:
        return sum(1 for row in self.rows if row.state is state)


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


def sniff_upload(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse, before anything is kept, a file that is empty, too large or not an .xlsx by its bytes."""
    if not data:
        raise UploadRefused(RefusalKind.EMPTY, "上传的文件是空的。请选择填写好的 Excel 工作簿（.xlsx）后重新上传。")
    if len(data) > limit:
        raise UploadRefused(RefusalKind.TOO_LARGE,
                            f"文件大小为 {format_size(len(data))}，超过 {format_size(limit)} 的上限。"
                            "请使用下发的填报模板填写，勿在表中粘贴图片或大量数据。")
    if data.startswith(_OLE_MAGIC):
        raise UploadRefused(RefusalKind.NOT_XLSX,
                            "该文件为旧版 Excel 格式（.xls）或设置了打开密码，无法读取。请取消文件密码，"
                            "并在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）后重新上传。")
    if not data.startswith(_ZIP_MAGIC) or not _is_xlsx_zip(data):
        raise UploadRefused(RefusalKind.NOT_XLSX,
                            "该文件不是 Excel 工作簿（.xlsx）。请上传用下发的填报模板填写的 .xlsx 文件。")


def _is_xlsx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return all(part in names for part in _XLSX_PARTS)


def clean_file_name(name: str | None) -> str:
    """The user's file name for display only: no folders, no control characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > MAX_FILE_NAME:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: MAX_FILE_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 8 else base[:MAX_FILE_NAME]
    return base or "未命名.xlsx"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _newest_first(uploads: list[UploadRecord]) -> tuple[UploadRecord, ...]:
    return tuple(sorted(uploads, key=lambda u: (u.uploaded_at, u.id), reverse=True))


def _status(action: Action, uploads: list[UploadRecord], deadline: dt.date | None) -> ActionStatus:
    ordered = _newest_first(uploads)
    accepted = next((u for u in ordered if u.accepted), None)
    state = (ActionState.SUBMITTED if accepted else ActionState.ERRORS if ordered else ActionState.MISSING)
    return ActionStatus(action=action, state=state, accepted=accepted, latest=ordered[0] if ordered else None,
                        uploads=ordered, deadline=deadline)


# ---------------------------------------------------------------------------------------- the portal


class Portal:
    """Everything the portal does, over one data folder and one registry."""

    def __init__(self, data_dir: Path, registry: Registry, *, clock: Clock = now_in_china,
                 checker: Checker = check_upload, builder: Builder | None = None,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.data_dir = Path(data_dir)
        self.registry = registry
        self.store = Store(self.data_dir)
        self.clock = clock
        self.checker = checker
        self.builder = builder
        self.max_upload_bytes = max_upload_bytes
        self._build_lock = threading.Lock()

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

    # ------------------------------------------------------------------------------ settings

    def settings(self) -> Settings:
        raw = self.store.settings()
        quarter = Quarter.parse(raw["quarter"]) if raw.get("quarter") else None
        deadline = dt.date.fromisoformat(raw["deadline"]) if raw.get("deadline") else None
        return Settings(quarter=quarter, is_open=raw.get("open") == "1" and quarter is not None,
                        deadline=deadline)

    def configure(self, quarter: Quarter, deadline: dt.date | None, is_open: bool) -> Settings:
        """Set the quarter being collected, its deadline, and whether units may submit."""
        if not self.registry.covers(quarter):
            raise PortalError(f"{quarter.label}不在方案实施期（{self.registry.plan.start_year}—"
                              f"{self.registry.plan.end_year}年）内。")
        if deadline is not None and deadline < dt.date(quarter.year, 3 * quarter.q - 2, 1):
            raise PortalError(f"截止日期{deadline:%Y-%m-%d}早于{quarter.label}开始，请核对。")
        self.store.put_settings({"quarter": str(quarter), "open": "1" if is_open else "0",
                                 "deadline": deadline.isoformat() if deadline else None})
        return self.settings()

    def open_quarter(self, quarter: Quarter, deadline: dt.date | None) -> Settings:
        return self.configure(quarter, deadline, is_open=True)

    def close_quarter(self) -> Settings:
        settings = self.settings()
        if settings.quarter is None:
            raise PortalError("尚未设置报送季度。")
        return self.configure(settings.quarter, settings.deadline, is_open=False)

    def suggested_quarter(self) -> Quarter:
        """The quarter that has just ended: reports are collected after its end."""
        today = self.clock().date()
        just_ended = Quarter(today.year, (today.month - 1) // 3 + 1).previous()
        return min(max(just_ended, self.registry.first_quarter), self.registry.last_quarter)

    @staticmethod
    def suggested_deadline(quarter: Quarter) -> dt.date:
        """The 5th of the month after the quarter (the office's usual 次月5日前报送)."""
        return quarter.end_date + dt.timedelta(days=5)

    # ------------------------------------------------------------------------------ links

    def ensure_admin_token(self) -> str | None:
        """Create the office's link at first start; None when one already exists (it is stored hashed)."""
        token = secrets.token_urlsafe(32)
        return token if self.store.add_token_if_none("admin", "", hash_token(token), self.clock()) else None

    def new_admin_token(self) -> str:
        """A new office link; the old one stops working."""
        token = secrets.token_urlsafe(32)
        self.store.replace_token("admin", "", hash_token(token), self.clock())
        return token

    def issue_unit_token(self, unit: str) -> str:
        """A new link for a unit; its old link stops working at once."""
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        token = secrets.token_urlsafe(24)
        self.store.replace_token("unit", unit, hash_token(token), self.clock())
        return token

    def issue_missing_unit_tokens(self) -> dict[str, str]:
        """Links for every unit that has none, in registry order."""
        linked = {row.unit for row in self.store.live_tokens("unit")}
        return {unit: self.issue_unit_token(unit) for unit in self.units if unit not in linked}

    def revoke_unit_token(self, unit: str) -> bool:
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        return self.store.revoke_tokens("unit", unit, self.clock()) > 0

    def unit_for_token(self, token: str) -> str | None:
        """The unit a live link belongs to; None for anything else (unknown, revoked, an office link)."""
        if not _TOKEN_RE.match(token or ""):
            return None
        row = self.store.live_token(hash_token(token))
        if row is None or row.role != "unit" or row.unit not in self.units:
            return None
        return row.unit

    def is_admin_token(self, token: str) -> bool:
        if not _TOKEN_RE.match(token or ""):
            return False
        row = self.store.live_token(hash_token(token))
        return row is not None and row.role == "admin"

    # ------------------------------------------------------------------------------ the unit's side

    def unit_home(self, unit: str) -> UnitHome:
        settings = self.settings()
        actions = self.actions_of(unit)
        statuses: list[ActionStatus] = []
        if settings.quarter is not None:
            mine = self.store.uploads(quarter=settings.quarter, unit=unit)
            for action in actions:
                statuses.append(_status(action, [u for u in mine if u.action_id == action.id], settings.deadline))
        co_leads = {a.id: tuple(u for u in a.lead_units if u != unit) for a in actions}
        return UnitHome(unit=unit, settings=settings, actions=tuple(statuses), co_leads=co_leads)

    def template_for(self, unit: str, action_id: int) -> FileBytes:
        """The action's workbook for the current quarter, pre-filled with last quarter's accepted figures."""
        action = self._unit_action(unit, action_id)
        quarter = self._current_quarter()
        from yc_reports.workbook.writer import build_template

        workbook = build_template(self.registry, action, quarter, self._previous_submission(action, quarter))
        with tempfile.TemporaryDirectory(dir=self._tmp_dir()) as folder:
            path = Path(folder) / "template.xlsx"
            # the stamp `yc-reports templates` uses: the same workbook gives the same bytes
            save_workbook(workbook, path, stamp=dt.datetime.combine(quarter.end_date, dt.time()))
            data = path.read_bytes()
        return FileBytes(template_file_name(str(quarter), action.id, action.name, unit), data)

    def submit(self, unit: str, action_id: int, data: bytes, file_name: str | None) -> UploadRecord:
        """Keep the upload, check it, and record it: accepted when it has no 错误, else a draft."""
        action = self._unit_action(unit, action_id)
        settings = self.settings()
        if not settings.is_open or settings.quarter is None:
            raise SubmissionsClosed("本季度报送已关闭，暂不能上传。如需补报或更正，请联系指挥部办公室。")
        sniff_upload(data, self.max_upload_bytes)
        digest = self.store.put_file(data)
        display = clean_file_name(file_name)
        result = self.checker(self.store.file_path(digest), self.registry, display)
        issues = list(result.issues) + self._placement_issues(result.submission, action, settings.quarter, display)
        info = result.submission.info if result.submission else None
        return self.store.add_upload(
            quarter=settings.quarter, action_id=action.id, unit=unit, uploaded_at=self.clock(), sha256=digest,
            size=len(data), file_name=display, issues=tuple(sorted(issues, key=sort_key)),
            filler=info.filler if info else "", phone=info.phone if info else "")

    def unit_upload(self, unit: str, upload_id: int) -> UploadRecord:
        """One of the unit's own uploads; any other is 'not found'."""
        record = self.store.upload(upload_id)
        if record is None or record.unit != unit:
            raise NotFound("没有找到该上传记录。")
        return record

    def uploaded_file(self, record: UploadRecord) -> StoredFile:
        return StoredFile(self.store.file_path(record.sha256), record.file_name)

    # ------------------------------------------------------------------------------ the office's side

    def board(self) -> Board:
        settings = self.settings()
        rows: list[ActionStatus] = []
        if settings.quarter is not None:
            uploads = self.store.uploads(quarter=settings.quarter)
            for action in self.registry.actions:
                rows.append(_status(action, [u for u in uploads if u.action_id == action.id], settings.deadline))
        return Board(settings=settings, rows=tuple(rows))

    def upload(self, upload_id: int) -> UploadRecord:
        record = self.store.upload(upload_id)
        if record is None:
            raise NotFound("没有找到该上传记录。")
        return record

    def action_uploads(self, quarter: Quarter, action_id: int) -> tuple[UploadRecord, ...]:
        return _newest_first(self.store.uploads(quarter=quarter, action_id=action_id))

    def unit_access(self) -> tuple[UnitAccess, ...]:
        links = {row.unit: row.created_at for row in self.store.live_tokens("unit")}
        contacts = self.store.contacts()
        return tuple(UnitAccess(unit=u, actions=self.actions_of(u), link_created_at=links.get(u),
                                contact=contacts.get(u, Contact(u))) for u in self.units)

    def set_contact(self, unit: str, person: str, phone: str) -> Contact:
        if unit not in self.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        contact = Contact(unit, person.strip()[:40], phone.strip()[:40])
        self.store.put_contact(contact)
        return contact

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

    # ------------------------------------------------------------------------------ the build

    def builds(self, quarter: Quarter | None = None) -> tuple[BuildRecord, ...]:
        quarter = quarter or self.settings().quarter
        return tuple(self.store.builds(quarter)) if quarter else ()

    def run_build(self, quarter: Quarter | None = None) -> BuildRecord:
        """Stage every quarter's accepted workbooks under DATA/inputs and build the quarter's reports."""
        quarter = quarter or self._current_quarter()
        if not self._build_lock.acquire(blocking=False):
            raise BuildBusy("汇总正在进行中，请稍候刷新页面查看结果。")
        try:
            return self._build(quarter)
        finally:
            self._build_lock.release()

    def _build(self, quarter: Quarter) -> BuildRecord:
        inputs_root = self.data_dir / "inputs"
        for staged in self.store.quarters_with_uploads():
            if staged <= quarter:
                self._stage_quarter(staged, inputs_root / str(staged))
        inputs_dir = inputs_root / str(quarter)
        inputs_dir.mkdir(parents=True, exist_ok=True)
        started = self.clock()
        build_id = self.store.start_build(quarter, started)
        out_dir = self.data_dir / "outputs" / str(quarter) / f"build-{build_id:04d}"
        builder = self.builder or _default_builder()
        try:
            result = builder(self.registry, quarter, inputs_dir, out_dir, report_date=None, pdf=False)
        except Exception as exc:  # a failing build is recorded and shown, never a crashed page
            return self.store.finish_build(build_id, finished_at=self.clock(), ok=False, out_dir=out_dir, files=(),
                                           errors=0, warnings=0, message=f"汇总失败（{type(exc).__name__}：{exc}）")
        errors = sum(1 for issue in result.issues if has_errors([issue]))
        return self.store.finish_build(
            build_id, finished_at=self.clock(), ok=result.ok, out_dir=out_dir,
            files=_relative_files(result.files, out_dir), errors=errors,
            warnings=len(result.issues) - errors, message=result.error)

    def _stage_quarter(self, quarter: Quarter, folder: Path) -> None:
        """Copy each action's latest accepted workbook in; remove only what an earlier staging put there."""
        folder.mkdir(parents=True, exist_ok=True)
        manifest = folder / _STAGED_MANIFEST
        previous = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else []
        for name in previous:
            if Path(name).name == name:   # only plain names this code wrote
                (folder / name).unlink(missing_ok=True)
        written = []
        uploads = self.store.uploads(quarter=quarter, accepted_only=True)
        for action in self.registry.actions:
            chosen = _newest_first([u for u in uploads if u.action_id == action.id])
            if not chosen:
                continue
            record = chosen[0]
            name = template_file_name(str(quarter), action.id, action.name, record.unit)
            tmp = folder / f".{name}.tmp"
            shutil.copyfile(self.store.file_path(record.sha256), tmp)
            tmp.replace(folder / name)
            written.append(name)
        manifest.write_text(json.dumps(written, ensure_ascii=False, indent=0), "utf-8")

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
        accepted = _newest_first(self.store.uploads(quarter=previous, action_id=action.id, accepted_only=True))
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
