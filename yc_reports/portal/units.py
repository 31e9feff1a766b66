"""The units' side: their page, their quarter's templates, their uploads (checked on the pool, kept, and
receipted in the office's record), withdrawing an upload, and their own files back.

An accepted upload is a submission: its receipt — the time the portal received it — is written to the
office's record (`Record.add_receipt`, source PORTAL), the record the build and the 考核 judge lateness
by. A file the office uploads on a unit's behalf (代传) carries the date the office says it received it
(source OFFICE).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from yc_reports.intake.records import ParseResult, Submission
from yc_reports.issues import Issue, IssueCode, make_issue, sort_key
from yc_reports.pipeline.build import cache_root
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action, Registry, cn_numeral
from yc_reports.record.store import ReceiptSource
from yc_reports.workbook.layout import template_file_name

from .accounts import UnitSession
from .board import Boards
from .context import Context, folder_signature
from .errors import NotFound, PortalError, RefusalKind, SubmissionsClosed, UploadRefused
from .staging import Stager, newest_first
from .store import UploadRecord
from .texts import (
    MAX_UPLOAD_BYTES,
    clean_file_name,
    format_size,
    judge_upload,
    portal_wording,
    start_of_day,
)
from .views import FileBytes, StoredFile, UnitHome
from .work import PoolBusy, WorkerLost

HEAVY_CHECK_BYTES = 1024 * 1024         # a template-sized workbook is ~20 KB: bigger ones take the heavy lane
UNIT_QUOTA_BYTES = 100 * 1024 * 1024     # per unit per quarter, every distinct file counted once
RECORD_FILES = ("record.sqlite", "record.sqlite-journal", "record.sqlite-wal", "record.sqlite-shm")


def check_upload(path: Path, registry: Registry, display_name: str) -> ParseResult:
    """The checks `yc-reports check` runs on one workbook."""
    from yc_reports.intake.reader import parse_workbook

    return parse_workbook(path, registry, display_name=display_name)


def check_upload_cached(path: Path, registry: Registry, display_name: str, cache_dir: str) -> ParseResult:
    """The same check, through the build's parse cache: the board and later builds never parse it again."""
    from yc_reports.intake.cache import ParseCache

    return ParseCache(registry, Path(cache_dir)).parse(path, display_name)


def make_templates(registry: Registry, quarter: Quarter, inputs_root: str) -> dict[int, bytes]:
    """On a worker: every action's template for `quarter`, as `yc-reports templates` writes them (last
    quarter's figures and the open 督办 items pre-filled), as bytes."""
    from yc_reports.pipeline.supervision import template_inputs
    from yc_reports.workbook.writer import build_template
    from yc_reports.workbook.xlsx_io import save_workbook

    shown = template_inputs(registry, quarter, Path(inputs_root))
    previous, rectifications = shown.previous, shown.rectifications
    stamp = dt.datetime.combine(quarter.end_date, dt.time())
    out = {}
    with tempfile.TemporaryDirectory() as folder:
        for action in registry.actions:
            path = Path(folder) / f"{action.id}.xlsx"
            save_workbook(build_template(registry, action, quarter, previous.get(action.id),
                                         rectifications=rectifications.get(action.id, ())), path, stamp=stamp)
            out[action.id] = path.read_bytes()
    return out


Checker = Callable[[Path, Registry, str], ParseResult]


class Templates:
    """Each quarter's templates, made once on the pool and kept until what they are made from changes
    (the plan, earlier quarters' folders, the office's record of issued quarters and closures)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._made: dict[Quarter, tuple[tuple[object, ...], dict[int, bytes]]] = {}

    def key(self, quarter: Quarter) -> tuple[object, ...]:
        snapshot = self.ctx.snapshot()
        return (self.ctx.plan_version, folder_signature(self.ctx.inputs_root, skip=(str(quarter), *RECORD_FILES)),
                tuple(i.id for i in snapshot.issuances), tuple(c.id for c in snapshot.closures))

    def template(self, quarter: Quarter, action_id: int) -> bytes:
        key = self.key(quarter)
        with self._lock:                     # one making at a time: a second asker waits and takes the result
            made = self._made.get(quarter)
            if made is None or made[0] != key:
                try:
                    templates = self.ctx.pool.run(make_templates, self.ctx.registry, quarter,
                                                  str(self.ctx.inputs_root), owner="填报模板")
                except (PoolBusy, WorkerLost) as exc:
                    raise PortalError(str(exc)) from None
                self._made = {quarter: (key, templates)}
                made = self._made[quarter]
        return made[1][action_id]

    def warm(self, quarter: Quarter) -> None:
        """Make the quarter's templates in the background (after opening a quarter, at start)."""
        def make() -> None:
            with contextlib.suppress(Exception):   # a courtesy: a failure shows on the first download instead
                self.template(quarter, self.ctx.registry.actions[0].id)
        threading.Thread(target=make, name=f"portal-templates-{quarter}", daemon=True).start()


class UnitDesk:
    def __init__(self, ctx: Context, stager: Stager, boards: Boards, templates: Templates, *,
                 checker: Checker = check_upload, max_upload_bytes: int = MAX_UPLOAD_BYTES,
                 quota_bytes: int = UNIT_QUOTA_BYTES) -> None:
        self.ctx = ctx
        self.stager = stager
        self.boards = boards
        self.templates = templates
        self.checker = checker
        self.max_upload_bytes = max_upload_bytes
        self.quota_bytes = quota_bytes

    # ------------------------------------------------------------------------------ the unit's page

    def unit_home(self, unit: str, session: UnitSession | None = None, wait: float | None = None) -> UnitHome:
        """The unit's actions in its link's quarter: every lead unit sees the same submission state."""
        settings = self.ctx.settings()
        quarter = session.quarter if session is not None else settings.quarter
        can_submit = session.can_submit if session is not None else settings.is_open
        actions = self.ctx.actions_of(unit)
        co_leads = {a.id: tuple(u for u in a.lead_units if u != unit) for a in actions}
        mine = {a.id for a in actions}
        earlier = tuple(u for u in newest_first(self.ctx.store.uploads())
                        if u.action_id in mine and (quarter is None or u.quarter != quarter))
        if quarter is None:
            return UnitHome(unit=unit, settings=settings, actions=(), co_leads=co_leads, earlier=earlier)
        board = self.boards.board(quarter, wait)
        rows = {row.action.id: row for row in board.rows}
        shown = self.ctx.settings_of(quarter, is_open=can_submit)
        return UnitHome(unit=unit, settings=shown, actions=tuple(rows[a.id] for a in actions), co_leads=co_leads,
                        earlier=earlier, quarter=quarter, can_submit=can_submit, fresh=board.fresh,
                        problems=self.boards.problems(board, unit=unit))

    def template_for(self, unit: str, action_id: int, quarter: Quarter | None = None) -> FileBytes:
        """The action's workbook for the quarter, pre-filled as `yc-reports templates` pre-fills it."""
        action = self.ctx.unit_action(unit, action_id)
        quarter = quarter or self.ctx.current_quarter()
        return FileBytes(template_file_name(str(quarter), action.id, action.name, unit),
                         self.templates.template(quarter, action.id))

    # ------------------------------------------------------------------------------ uploads

    def submit(self, unit: str, action_id: int, data: bytes, file_name: str | None, by_office: str = "",
               received_on: dt.date | None = None) -> UploadRecord:
        """Keep the upload, check it, and record it: accepted when it has no 错误, else a draft. `by_office`
        names the office staff member who uploads on the unit's behalf; `received_on`, the date the office
        received the file (default: today)."""
        action = self.ctx.unit_action(unit, action_id)
        settings = self.ctx.settings()
        if settings.quarter is None or (not settings.is_open and not by_office):
            raise SubmissionsClosed("本季度报送已关闭，暂不能上传。如需补报或更正，请联系指挥部办公室。")
        today = self.ctx.clock().date()
        if received_on is not None and received_on > today:
            raise PortalError(f"收到日期{received_on:%Y-%m-%d}晚于今天，请核对。")
        judge_upload(data, file_name, self.max_upload_bytes)
        self._check_quota(settings.quarter, unit, data)
        display = clean_file_name(file_name)
        # checked from a private copy: the stored file appears only together with its row
        with tempfile.TemporaryDirectory(dir=self.ctx.tmp_dir()) as folder:
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(data)
            try:
                result = self._check(path, display, settings.quarter, owner=unit)
            except (PoolBusy, WorkerLost) as exc:
                raise PortalError(str(exc)) from None
        result = self._with_ledger(result, settings.quarter)
        issues = [portal_wording(i) for i in result.issues]
        issues += placement_issues(result.submission, action, settings.quarter, display)
        info = result.submission.info if result.submission else None
        digest = self.ctx.store.put_file(data)
        record = self.ctx.store.add_upload(
            quarter=settings.quarter, action_id=action.id, unit=unit, uploaded_at=self.ctx.clock(), sha256=digest,
            size=len(data), file_name=display, issues=tuple(sorted(issues, key=sort_key)),
            filler=info.filler if info else "", phone=info.phone if info else "", by_office=by_office,
            office_received_at=start_of_day(received_on or today) if by_office else None)
        if by_office:
            self.ctx.log(by_office, "代单位上传",
                         f"{unit} 第{action.cn_number}项 {display}（{'无错误' if record.accepted else f'{record.errors} 处错误'}）"
                         f"，回执编号 {record.receipt_no}，收到日期 {record.received_at:%Y-%m-%d}")
        if record.accepted:
            self.write_receipt(record)
        self.stager.stage(settings.quarter)
        return self.ctx.store.upload(record.id) or record

    def _check(self, path: Path, display: str, quarter: Quarter, owner: str) -> ParseResult:
        heavy = path.stat().st_size > HEAVY_CHECK_BYTES
        if self.checker is check_upload:
            cache = cache_root(self.ctx.out_dir(quarter, 0))
            return self.ctx.pool.run(check_upload_cached, path, self.ctx.registry, display, str(cache), heavy=heavy,
                                     owner=owner)
        return self.ctx.pool.run(self.checker, path, self.ctx.registry, display, heavy=heavy, owner=owner)

    def _with_ledger(self, result: ParseResult, quarter: Quarter) -> ParseResult:
        """The 整改落实 sheet against the 督办 ledger, as `yc-reports check --inputs` compares it (the same library)."""
        from yc_reports.pipeline.rectification_check import compare_with_ledger

        cache = cache_root(self.ctx.out_dir(quarter, 0))
        return compare_with_ledger(self.ctx.registry, [result], self.ctx.inputs_root, cache).results[0]

    def _check_quota(self, quarter: Quarter, unit: str, data: bytes) -> None:
        used = self.ctx.store.stored_bytes(quarter, unit)
        digest = hashlib.sha256(data).hexdigest()
        if any(u.sha256 == digest for u in self.ctx.store.uploads(quarter=quarter, unit=unit)):
            return                                   # the same file again is stored once: it costs nothing
        if used + len(data) > self.quota_bytes:
            raise UploadRefused(RefusalKind.QUOTA,
                                f"本单位{quarter.label}已上传的文件共 {format_size(used)}，再上传本文件将超过每单位每季度 "
                                f"{format_size(self.quota_bytes)} 的存储上限，本次上传未保存。"
                                "请勿反复上传大文件；如确需继续上传，请联系指挥部办公室。")

    def write_receipt(self, record: UploadRecord) -> bool:
        """The accepted upload's receipt into the office's record (once); a record that cannot be written
        is a fault the office is shown, and the receipt is written at the next start."""
        if record.in_record or not record.accepted:
            return True
        office = bool(record.by_office)
        try:
            with self.ctx.record() as kept:
                kept.add_receipt(record.quarter, record.action_id, received_at=record.received_at,
                                 source=ReceiptSource.OFFICE if office else ReceiptSource.PORTAL,
                                 entered_by=record.by_office or record.unit, unit=record.unit,
                                 file_name=record.file_name, sha256=record.sha256,
                                 note=f"报送系统回执编号 {record.receipt_no}" + ("，办公室代传" if office else ""))
        except PortalError as exc:
            self.ctx.fault("办公室记录写入失败", f"回执编号 {record.receipt_no} 的收文登记未能写入办公室记录（{exc.message}），"
                                          "系统下次启动时将重新写入。")
            return False
        self.ctx.store.mark_in_record(record.id)
        return True

    def withdraw(self, unit: str, upload_id: int) -> UploadRecord:
        """撤回: a unit takes back one of its own accepted uploads (while its quarter is open); the action's
        submission is then what else stands (a co-lead's, or an earlier one of its own)."""
        record = self.unit_upload(unit, upload_id)
        settings = self.ctx.settings()
        if record.unit != unit:
            raise NotFound("只能撤回本单位上传的材料。")
        if not settings.is_open or settings.quarter != record.quarter:
            raise SubmissionsClosed("该季度报送已关闭，不能撤回。如需更正，请联系指挥部办公室。")
        if not record.stands:
            raise PortalError("该份材料未作为报送材料（有错误、已退回或已撤回），无需撤回。")
        withdrawn = self.ctx.store.withdraw_upload(upload_id, at=self.ctx.clock(), by=unit)
        if withdrawn is None:
            raise NotFound("没有找到该上传记录。")
        action = self.ctx.action(record.action_id)
        self.ctx.log(unit, "单位撤回报送材料", f"{unit} 第{action.cn_number}项 回执编号 {record.receipt_no}")
        self.stager.stage(record.quarter)
        return withdrawn

    def unit_upload(self, unit: str, upload_id: int) -> UploadRecord:
        """An upload of one of the unit's actions (by any of its lead units); any other is 'not found'."""
        record = self.ctx.store.upload(upload_id)
        if record is None or record.action_id not in {a.id for a in self.ctx.actions_of(unit)}:
            raise NotFound("没有找到该上传记录。")
        return record

    def receipt(self, key: str) -> UploadRecord:
        """An upload by its token-free receipt key."""
        import re

        record = self.ctx.store.upload_by_receipt_key(key) if re.match(r"^[A-Za-z0-9_-]{16,64}$", key or "") else None
        if record is None:
            raise NotFound("没有找到该回执。请核对回执地址是否完整。")
        return record

    def own_file(self, unit: str, upload_id: int) -> StoredFile:
        """A file the unit itself uploaded (or the office uploaded for it), accepted, with errors or returned."""
        record = self.unit_upload(unit, upload_id)
        if record.unit != unit:
            raise NotFound("只能下载本单位上传的文件。")
        return self.uploaded_file(record)

    def uploaded_file(self, record: UploadRecord) -> StoredFile:
        return StoredFile(self.ctx.store.file_path(record.sha256), record.file_name)


def placement_issues(submission: Submission | None, action: Action, quarter: Quarter, display: str) -> list[Issue]:
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
