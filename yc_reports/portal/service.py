"""The units' portal as a library: one `Portal` over one data folder, made of desks that each do one job.

    accounts    office accounts and roles, unit links, the audit log          (accounts.py)
    submissions the units' side: their page, templates, uploads, receipts     (units.py)
    office      the quarter's settings and dates, returns, co-leads, 催报      (office.py)
    boards      the board: each action's uploads beside the build's reading   (board.py, reading.py)
    jobs        builds, 签发 and 更正, notices, 考核, 评估, in the background     (jobs.py)
    records     the office's record: lights, the 督办台账, 销号, the archive    (records.py)
    plans       the plan workbook: download, check, import                   (plans.py)

The web layer (`app.py`) only translates HTTP to these calls and renders the answers. Nothing here prints;
failures a user must read are `PortalError`s with Chinese messages (errors.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from yc_reports.plan.registry import Registry

from .accounts import Accounts
from .board import Boards
from .context import SYSTEM_ACTOR, Context
from .jobs import Builder, Jobs
from .office import OfficeDesk
from .plans import PlanDesk
from .reading import Readings
from .records import RecordDesk
from .staging import Stager
from .store import Store
from .texts import MAX_UPLOAD_BYTES, Clock, now_in_china
from .units import UNIT_QUOTA_BYTES, Checker, Templates, UnitDesk, check_upload
from .views import Recovery
from .work import WorkPool


class Portal:
    """The portal over one data folder and one plan (until the office imports another)."""

    def __init__(self, data_dir: Path, registry: Registry, *, clock: Clock = now_in_china,
                 checker: Checker = check_upload, builder: Builder | None = None,
                 max_upload_bytes: int = MAX_UPLOAD_BYTES, quota_bytes: int = UNIT_QUOTA_BYTES,
                 pool: WorkPool | None = None, processes: bool = False) -> None:
        pool = pool or WorkPool(workers=2, queue=16, processes=processes)
        self.store = Store(Path(data_dir))
        self.ctx = Context(Path(data_dir), registry, self.store, clock, pool)
        if pool.on_fault is None:
            pool.on_fault = lambda what: self.ctx.fault(what, "一个校验进程意外退出（可能被系统或安全软件结束），已自动启动"
                                                              "新的校验进程；当时正在校验的文件已自动重新校验。")
        self.pool = pool
        self.stager = Stager(self.ctx)
        self.readings = Readings(self.ctx, self.stager)
        self.boards = Boards(self.ctx, self.stager, self.readings)
        self.accounts = Accounts(self.ctx)
        self.templates = Templates(self.ctx)
        self.submissions = UnitDesk(self.ctx, self.stager, self.boards, self.templates, checker=checker,
                                    max_upload_bytes=max_upload_bytes, quota_bytes=quota_bytes)
        self.office = OfficeDesk(self.ctx, self.stager, self.boards, self.accounts)
        self.jobs = Jobs(self.ctx, self.stager, self.accounts, builder=builder, processes=processes)
        self.records = RecordDesk(self.ctx, self.boards, self.jobs, self.accounts)
        self.plans = PlanDesk(self.ctx, self.accounts, self.readings)
        self.recovered = self.recover()

    @property
    def registry(self) -> Registry:
        return self.ctx.registry

    @property
    def data_dir(self) -> Path:
        return self.ctx.data_dir

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def max_upload_bytes(self) -> int:
        return self.submissions.max_upload_bytes

    def recover(self) -> Recovery:
        """Crash hygiene at start: remove stored files no upload row names and half-written temp files; mark
        jobs a dead process left running as interrupted and remove their half-written folders; write
        receipts the record missed; restage every quarter. What was found is written to 操作记录."""
        orphans, temps = self.store.remove_orphans()
        interrupted, half = self.jobs.recover()
        shutil.rmtree(self.ctx.data_dir / "tmp", ignore_errors=True)
        self.office.adopt_portal_deadline()
        pending = [u for u in self.store.uploads(accepted_only=True) if not u.in_record]
        missed = sum(1 for u in pending if not self.submissions.write_receipt(u))
        for quarter in self.store.quarters_with_uploads():
            self.stager.stage(quarter)
        parts = []
        if orphans or temps:
            parts.append(f"清理未完成保存的上传文件 {orphans + temps} 个")
        if interrupted:
            parts.append("标记中断的汇总：" + "、".join(f"第 {n} 次" for n in interrupted))
        if half:
            parts.append(f"清理未写完的结果文件夹 {len(half)} 个")
        if pending and len(pending) > missed:
            parts.append(f"补写收文登记 {len(pending) - missed} 条")
        if parts:
            self.ctx.log(SYSTEM_ACTOR, "系统启动时恢复", "；".join(parts))
        settings = self.ctx.settings()
        if settings.quarter is not None and settings.is_open:
            self.templates.warm(settings.quarter)
        return Recovery(orphans, temps, interrupted, half)

    def ensure_admin_token(self) -> str | None:
        """The first office account's link, at first start (`yc-reports serve`)."""
        return self.accounts.ensure_admin_token()

    def new_admin_token(self) -> str:
        """A new link for 管理员 (`yc-reports serve --new-admin-link`)."""
        return self.accounts.new_admin_token()

    def close(self) -> None:
        self.pool.close()
