"""Who may do what: office accounts with their roles, the units' links, and the audit log (操作记录).

- **Office accounts.** Each staff member has a link of their own, stored only as its hash. A 负责人 (lead)
  manages accounts and the quarter's settings, issues and corrects quarters; a 经办人 (clerk) does the day's
  work — links for units, uploads on their behalf, returns, builds, notices — and may renew only their
  own link: nobody takes over a colleague's account. Office links expire (OFFICE_LINK_DAYS): a lost
  link stops working by itself.
- **Unit links.** One per unit, made for the quarter being collected. While that quarter is open the link
  takes uploads; once it is closed (or another quarter is opened) the link still shows the unit its
  records, receipts and files, read-only. Reopening the quarter makes it take uploads again.
- **The audit log.** Every change names who made it; it is exported as a workbook for the files.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from yc_reports.plan.quarter import Quarter

from .context import SYSTEM_ACTOR, Context
from .errors import NotAllowed, NotFound, PortalError
from .store import AuditEntry, hash_token
from .views import CLERK, LEAD, ROLE_LABELS, FileBytes, LinkSheet, OfficeAccount

FIRST_ACCOUNT = "管理员"                  # the office account made at first start: a 负责人
LINK_SHEET_TTL = dt.timedelta(minutes=15)
OFFICE_LINK_DAYS = 30
OFFICE_LINK_TTL = dt.timedelta(days=OFFICE_LINK_DAYS)

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def account_name(name: str) -> str:
    """An office account's name as kept: printable, trimmed, at most 20 characters."""
    name = "".join(ch for ch in (name or "") if ch.isprintable()).strip()[:20]
    if not name:
        raise PortalError("请填写办公室工作人员的姓名。")
    return name


@dataclass(frozen=True)
class UnitSession:
    """Whose link it is and what it may do: its quarter, and whether that quarter takes uploads now."""

    unit: str
    quarter: Quarter | None      # the link's quarter (None: a link made before links had quarters)
    can_submit: bool


@dataclass(frozen=True)
class OfficeSession:
    name: str
    role: str
    expires_at: dt.datetime

    @property
    def is_lead(self) -> bool:
        return self.role == LEAD

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class Accounts:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._sheets: dict[str, LinkSheet] = {}

    # ------------------------------------------------------------------------------ office accounts

    def ensure_admin_token(self) -> str | None:
        """Create the first office account (管理员, a 负责人) at first start; None when any exists."""
        token = secrets.token_urlsafe(32)
        if self.ctx.store.add_token_if_none("admin", FIRST_ACCOUNT, hash_token(token), self.ctx.clock()):
            self.ctx.store.put_account(FIRST_ACCOUNT, LEAD, at=self.ctx.clock(), by=SYSTEM_ACTOR)
            self.ctx.log(SYSTEM_ACTOR, "创建办公室账号", f"{FIRST_ACCOUNT}（负责人）")
            return token
        return None

    def new_admin_token(self, name: str = FIRST_ACCOUNT, actor: str = "", role: str | None = None) -> str:
        """A new link for one office account (created if new, as a 经办人 unless `role` says otherwise); that
        account's old link stops working. Only a 负责人 makes accounts or renews someone else's link; the
        server's own `--new-admin-link` (actor "") renews 管理员's."""
        name = account_name(name)
        existed = name in self.office_accounts()
        if actor and (name != actor or not existed or role is not None):
            self.require_lead(actor, "新增办公室账号或为其他工作人员重新生成链接")
        token = secrets.token_urlsafe(32)
        self.ctx.store.replace_token("admin", name, hash_token(token), self.ctx.clock())
        roles = self.ctx.store.account_roles()
        wanted = role or roles.get(name) or (LEAD if name == FIRST_ACCOUNT else CLERK)
        if roles.get(name) != wanted:
            self.ctx.store.put_account(name, wanted, at=self.ctx.clock(), by=actor or SYSTEM_ACTOR)
        what = ("本人重新生成管理链接" if name == actor else "重新生成办公室账号链接") if existed else "创建办公室账号"
        self.ctx.log(actor, what, f"{name}（{ROLE_LABELS[wanted]}）")
        return token

    def set_role(self, name: str, role: str, actor: str) -> None:
        self.require_lead(actor, "调整工作人员的角色")
        if role not in ROLE_LABELS:
            raise NotFound("请求的操作不存在。")
        if name not in self.office_accounts():
            raise NotFound(f"没有名为“{name}”的办公室账号。")
        if name == actor and role != LEAD:
            raise PortalError("不能取消自己的负责人角色；请由另一位负责人调整。")
        self.ctx.store.put_account(name, role, at=self.ctx.clock(), by=actor)
        self.ctx.log(actor, "调整办公室账号角色", f"{name}：{ROLE_LABELS[role]}")

    def office_accounts(self) -> dict[str, OfficeAccount]:
        """Live office accounts by name."""
        roles = self.ctx.store.account_roles()
        out = {}
        for row in self.ctx.store.live_tokens("admin"):
            name = row.unit or FIRST_ACCOUNT
            role = roles.get(name) or (LEAD if name == FIRST_ACCOUNT else CLERK)
            out[name] = OfficeAccount(name, role, row.created_at, row.created_at + OFFICE_LINK_TTL)
        return out

    def revoke_office_account(self, name: str, actor: str) -> bool:
        self.require_lead(actor, "停用办公室账号")
        if name == actor:
            raise PortalError("不能停用自己正在使用的账号。")
        done = self.ctx.store.revoke_tokens("admin", name, self.ctx.clock()) > 0
        if done:
            self.ctx.log(actor, "停用办公室账号", name)
        return done

    def office_session(self, token: str) -> OfficeSession | None:
        """The staff member a live, unexpired office link belongs to; None for anything else."""
        if not _TOKEN_RE.match(token or ""):
            return None
        row = self.ctx.store.live_token(hash_token(token))
        if row is None or row.role != "admin":
            return None
        expires = row.created_at + OFFICE_LINK_TTL
        if self.ctx.clock() >= expires:
            return None
        name = row.unit or FIRST_ACCOUNT
        role = self.ctx.store.account_roles().get(name) or (LEAD if name == FIRST_ACCOUNT else CLERK)
        return OfficeSession(name, role, expires)

    def office_link_expired(self, token: str) -> bool:
        """A live office link past its time (the page says so, rather than "invalid link")."""
        if not _TOKEN_RE.match(token or ""):
            return False
        row = self.ctx.store.live_token(hash_token(token))
        return row is not None and row.role == "admin" and self.ctx.clock() >= row.created_at + OFFICE_LINK_TTL

    def admin_for_token(self, token: str) -> str | None:
        session = self.office_session(token)
        return session.name if session else None

    def is_lead(self, name: str) -> bool:
        account = self.office_accounts().get(name)
        return account is not None and account.is_lead

    def require_lead(self, actor: str, doing: str) -> None:
        if not self.is_lead(actor):
            raise NotAllowed(f"{doing}须由负责人进行。您的账号为经办人，如需办理，请联系负责人。")

    # ------------------------------------------------------------------------------ unit links

    def issue_unit_token(self, unit: str, actor: str = "") -> str:
        """A new link for a unit, for the open quarter; its old link stops working at once."""
        if unit not in self.ctx.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        settings = self.ctx.settings()
        if settings.quarter is None or not settings.is_open:
            raise PortalError("请先在“季度设置”中选择报送季度并开放报送，再生成单位链接。")
        token = secrets.token_urlsafe(24)
        self.ctx.store.replace_token("unit", unit, hash_token(token), self.ctx.clock(), quarter=str(settings.quarter))
        self.ctx.log(actor, "生成单位链接", f"{unit}（{settings.quarter.label}）")
        return token

    def issue_missing_unit_tokens(self, actor: str = "") -> dict[str, str]:
        """Links for every unit that has no live one for the open quarter, in registry order."""
        quarter = str(self.ctx.settings().quarter or "")
        linked = {row.unit for row in self.ctx.store.live_tokens("unit") if row.quarter == quarter}
        return {unit: self.issue_unit_token(unit, actor) for unit in self.ctx.units if unit not in linked}

    def revoke_unit_token(self, unit: str, actor: str = "") -> bool:
        if unit not in self.ctx.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        done = self.ctx.store.revoke_tokens("unit", unit, self.ctx.clock()) > 0
        if done:
            self.ctx.log(actor, "停用单位链接", unit)
        return done

    def unit_session(self, token: str) -> UnitSession | None:
        """What a live unit link may do; None for anything else (unknown, revoked, an office link)."""
        if not _TOKEN_RE.match(token or ""):
            return None
        row = self.ctx.store.live_token(hash_token(token))
        if row is None or row.role != "unit" or row.unit not in self.ctx.units:
            return None
        settings = self.ctx.settings()
        quarter = Quarter.parse(row.quarter) if row.quarter else settings.quarter
        can_submit = settings.is_open and quarter is not None and quarter == settings.quarter
        return UnitSession(row.unit, quarter, can_submit)

    def unit_for_token(self, token: str) -> str | None:
        session = self.unit_session(token)
        return session.unit if session else None

    def unit_links(self) -> dict[str, tuple[dt.datetime, str]]:
        """Each unit's live link: when it was made, and its quarter."""
        return {row.unit: (row.created_at, row.quarter) for row in self.ctx.store.live_tokens("unit")}

    # ------------------------------------------------------------------------------ links just issued

    def keep_links(self, actor: str, links: dict[str, str], office: bool = False) -> LinkSheet:
        """Keep links just issued for LINK_SHEET_TTL, under an unguessable id, for their issuer only."""
        now = self.ctx.clock()
        self._sheets = {k: v for k, v in self._sheets.items() if now - v.created_at < LINK_SHEET_TTL}
        sheet = LinkSheet(id=secrets.token_urlsafe(12), actor=actor, created_at=now,
                          links=tuple(links.items()), office=office)
        self._sheets[sheet.id] = sheet
        return sheet

    def link_sheet(self, actor: str, sheet_id: str) -> LinkSheet | None:
        sheet = self._sheets.get(sheet_id)
        if sheet is None or sheet.actor != actor or self.ctx.clock() - sheet.created_at >= LINK_SHEET_TTL:
            return None
        return sheet

    # ------------------------------------------------------------------------------ the audit log

    def audit_log(self, limit: int | None = 500) -> tuple[AuditEntry, ...]:
        return tuple(self.ctx.store.audit(limit))

    def audit_workbook(self) -> FileBytes:
        """The whole audit log as an .xlsx for the office's files."""
        from .export import audit_workbook_bytes

        entries = self.audit_log(limit=None)
        stamp = self.ctx.clock()
        return FileBytes(f"操作记录_{stamp:%Y%m%d}.xlsx", audit_workbook_bytes(entries, stamp))
