"""The office's day-to-day desk: the quarter's settings and dates, returns (退回), choosing between co-leads'
differing uploads, contacts, 催报, the faults it must know of, and the board as a workbook.

The quarter's 报送截止日期, 印发日期 and 文号 are kept in the office's record (`Record.set_settings`, latest
wins) — the same settings `yc-reports record settings` sets and the build, the notices and the documents
read; the portal keeps only which quarter is being collected and whether it is open.
"""

from __future__ import annotations

import datetime as dt

from yc_reports.analysis.checks import default_deadline, default_report_date
from yc_reports.plan.quarter import Quarter
from yc_reports.render.docx.settings import (
    OFFICE_FIELDS,
    OFFICE_SETTINGS_FILE,
    DocumentSettings,
    OfficeField,
    office_value,
)

from .accounts import Accounts
from .board import Boards
from .context import FAULT_ENTRIES, SYSTEM_ACTOR, Context
from .errors import NotFound, PortalError
from .staging import Stager, newest_first
from .store import AuditEntry, Contact, UploadRecord
from .texts import day
from .views import ActionState, ActionStatus, FileBytes, Reminder, Settings, UnitAccess

FAULT_DAYS = 7      # faults shown on the board for a week (all of them stay in 操作记录)


class OfficeDesk:
    def __init__(self, ctx: Context, stager: Stager, boards: Boards, accounts: Accounts) -> None:
        self.ctx = ctx
        self.stager = stager
        self.boards = boards
        self.accounts = accounts

    # ------------------------------------------------------------------------------ the quarter

    def configure(self, quarter: Quarter, deadline: dt.date | None, is_open: bool, actor: str = "") -> Settings:
        """Set the quarter being collected, its deadline (None: the default, `default_deadline`), and whether
        units may submit. Closing the quarter leaves the units' links working, read-only."""
        if actor:
            self.accounts.require_lead(actor, "修改季度设置")
        plan = self.ctx.registry.plan
        if not self.ctx.registry.covers(quarter):
            raise PortalError(f"{quarter.label}不在方案实施期（{plan.start_year}—{plan.end_year}年）内。")
        if deadline is not None and deadline < dt.date(quarter.year, 3 * quarter.q - 2, 1):
            raise PortalError(f"截止日期{deadline:%Y-%m-%d}早于{quarter.label}开始，请核对。")
        before = self.ctx.settings()
        kept = self.ctx.settings_of(quarter)
        wanted = deadline or default_deadline(quarter)
        if wanted != kept.deadline:
            self._set_record(quarter, actor, deadline=deadline, report_date=kept.report_date,
                             doc_number=kept.doc_number, what="截止日期")
        self.ctx.store.put_settings({"quarter": str(quarter), "open": "1" if is_open else "0", "deadline": None})
        after = self.ctx.settings()
        if (after.quarter, after.is_open, after.deadline) != (before.quarter, before.is_open, before.deadline):
            self.ctx.log(actor, "修改季度设置",
                         f"报送季度 {quarter.label}，截止日期 {after.deadline:%Y-%m-%d}"
                         f"{'' if after.deadline_set else '（默认）'}，"
                         f"{'开放报送' if is_open else '关闭报送（各单位链接转为只读，仍可查看记录、回执和本单位文件）'}")
        return after

    def open_quarter(self, quarter: Quarter, deadline: dt.date | None = None, actor: str = "") -> Settings:
        return self.configure(quarter, deadline, is_open=True, actor=actor)

    def close_quarter(self, actor: str = "") -> Settings:
        settings = self.ctx.settings()
        if settings.quarter is None:
            raise PortalError("尚未设置报送季度。")
        return self.configure(settings.quarter, settings.deadline if settings.deadline_set else None, is_open=False,
                              actor=actor)

    def set_document_dates(self, quarter: Quarter, report_date: dt.date | None, doc_number: str,
                           actor: str) -> Settings:
        """印发日期 and 文号 of the quarter's documents, into the office's record (None / "": the defaults)."""
        self.accounts.require_lead(actor, "设定印发日期和文号")
        kept = self.ctx.settings_of(quarter)
        doc_number = doc_number.strip()[:60]
        if (report_date, doc_number) != (kept.report_date, kept.doc_number):
            if report_date is not None and report_date < quarter.end_date:
                raise PortalError(f"印发日期{report_date:%Y-%m-%d}早于{quarter.label}结束，请核对。")
            self._set_record(quarter, actor, deadline=kept.deadline if kept.deadline_set else None,
                             report_date=report_date, doc_number=doc_number, what="印发日期和文号")
            self.ctx.log(actor, "设定印发日期和文号",
                         f"{quarter.label}：印发日期 {report_date or default_report_date(quarter)}"
                         f"{'' if report_date else '（默认）'}，文号 {doc_number or '按公文格式设置生成'}")
        return self.ctx.settings_of(quarter)

    def _set_record(self, quarter: Quarter, actor: str, *, deadline: dt.date | None, report_date: dt.date | None,
                    doc_number: str, what: str) -> None:
        issued = self.ctx.snapshot().latest(quarter)
        if issued is not None:
            raise PortalError(f"{quarter.label}已签发，其{what}以签发记录为准，不能再改。如需改动，请以更正方式重新签发。")
        with self.ctx.record() as record:
            record.set_settings(quarter, by=actor or SYSTEM_ACTOR, deadline=deadline, report_date=report_date,
                                doc_number=doc_number)

    # ------------------------------------------------------------------------------ the documents' format

    def document_format(self, quarter: Quarter) -> tuple[tuple[tuple[OfficeField, str], ...], str]:
        """Each field of 公文格式设置 with the value the build uses now (the office's document.toml laid over the
        shipped settings), and the 文号 those settings give `quarter`."""
        settings = self._document_settings()
        return tuple((f, office_value(settings, f)) for f in OFFICE_FIELDS), settings.number_for(quarter.year, quarter.q)

    def _document_settings(self) -> DocumentSettings:
        from yc_reports.pipeline.build import BuildError, document_settings

        try:
            return document_settings(self.ctx.inputs_root)
        except BuildError as exc:
            raise PortalError(f"{str(exc).rstrip('。')}。请修改或删除该文件后再设置。") from None

    def set_document_format(self, values: dict[str, str], actor: str) -> int:
        """Write the office's inputs/document.toml with the fields of 公文格式设置 as given (by `section.key`; a
        field not given keeps its value), whole or not at all; the settings the file held by hand stay. Returns
        how many fields changed; each change goes to 操作记录."""
        from yc_reports.outfiles import WriteError, write_text
        from yc_reports.render.docx.settings import DocumentSettingsError, edited_office_settings

        self.accounts.require_lead(actor, "修改公文格式设置")
        settings = self._document_settings()
        before = {f"{f.section}.{f.key}": office_value(settings, f) for f in OFFICE_FIELDS}
        fields = {f"{f.section}.{f.key}": f for f in OFFICE_FIELDS}
        changed = {name: " ".join(values[name].split()) for name in fields
                   if name in values and " ".join(values[name].split()) != before[name]}
        if not changed:
            return 0
        path = self.ctx.inputs_root / OFFICE_SETTINGS_FILE
        try:
            text, _ = edited_office_settings(path, {(fields[n].section, fields[n].key): v for n, v in changed.items()})
            write_text(path, text)
        except (DocumentSettingsError, WriteError) as exc:
            raise PortalError(f"{str(exc).rstrip('。')}。公文格式设置未保存。") from None
        self.ctx.log(actor, "修改公文格式设置", "；".join(f"{fields[n].label}：{_quoted(before[n])} → {_quoted(v)}"
                                                     for n, v in changed.items()))
        return len(changed)

    def suggested_quarter(self) -> Quarter:
        """The quarter that has just ended: reports are collected after its end."""
        today = self.ctx.clock().date()
        just_ended = Quarter(today.year, (today.month - 1) // 3 + 1).previous()
        return min(max(just_ended, self.ctx.registry.first_quarter), self.ctx.registry.last_quarter)

    def adopt_portal_deadline(self) -> None:
        """A deadline an earlier version kept in the portal's own settings moves into the office's record."""
        raw = self.ctx.store.settings()
        if not raw.get("deadline") or not raw.get("quarter"):
            return
        quarter = Quarter.parse(raw["quarter"])
        deadline = dt.date.fromisoformat(raw["deadline"])
        kept = self.ctx.settings_of(quarter)
        if not kept.deadline_set and kept.issued is None and deadline != kept.deadline:
            self._set_record(quarter, SYSTEM_ACTOR, deadline=deadline, report_date=kept.report_date,
                             doc_number=kept.doc_number, what="截止日期")
            self.ctx.log(SYSTEM_ACTOR, "截止日期转入办公室记录", f"{quarter.label}：{deadline:%Y-%m-%d}")
        self.ctx.store.put_settings({"deadline": None})

    # ------------------------------------------------------------------------------ returns and choices

    def return_upload(self, upload_id: int, note: str, actor: str, resubmit_by: dt.date | None = None) -> UploadRecord:
        """退回: the office sends a submission back with a comment and a date to send it again by; the unit
        sees both, and the upload no longer counts."""
        record = self.boards.upload(upload_id)
        note = note.strip()[:500]
        if not note:
            raise PortalError("请填写退回意见，说明需要单位修改的内容。")
        if record.returned:
            raise PortalError("该份材料已退回，无需重复退回。")
        today = self.ctx.clock().date()
        if resubmit_by is not None and resubmit_by < today:
            raise PortalError(f"重新报送日期{resubmit_by:%Y-%m-%d}早于今天，请核对。")
        returned = self.ctx.store.return_upload(upload_id, at=self.ctx.clock(), by=actor, note=note,
                                                resubmit_by=resubmit_by)
        if returned is None:   # removed in between
            raise NotFound("没有找到该上传记录。")
        action = self.ctx.action(record.action_id)
        by = f"，请于{day(resubmit_by)}前重新报送" if resubmit_by else ""
        self.ctx.log(actor, "退回报送材料", f"{record.unit} 第{action.cn_number}项 回执编号 {record.receipt_no}：{note}{by}")
        self.stager.stage(record.quarter)
        return returned

    def choose(self, upload_id: int, actor: str) -> UploadRecord:
        """The office chooses which of the co-leads' differing uploads stands for the action (until a newer
        one of the action stands)."""
        record = self.boards.upload(upload_id)
        status = self.boards.status_of(record)
        if not status.conflict or not any(u.id == record.id for u in status.standing):
            raise PortalError("该行动目前没有内容不同的多份报送材料，无需确定采用哪一份。")
        self.ctx.store.add_choice(record.quarter, record.action_id, record.id, at=self.ctx.clock(), by=actor)
        action = self.ctx.action(record.action_id)
        others = "、".join(f"{u.unit}（回执编号 {u.receipt_no}）" for u in status.standing if u.id != record.id)
        self.ctx.log(actor, "确定采用的报送材料",
                     f"{record.quarter.label}第{action.cn_number}项：采用{record.unit}回执编号 {record.receipt_no}，不采用{others}")
        self.stager.stage(record.quarter)
        return record

    # ------------------------------------------------------------------------------ units and 催报

    def unit_access(self) -> tuple[UnitAccess, ...]:
        links = self.accounts.unit_links()
        contacts = self.ctx.store.contacts()
        return tuple(UnitAccess(unit=u, actions=self.ctx.actions_of(u), link_created_at=links[u][0] if u in links else None,
                                contact=contacts.get(u, Contact(u)), link_quarter=links[u][1] if u in links else "")
                     for u in self.ctx.units)

    def set_contact(self, unit: str, person: str, phone: str, actor: str = "") -> Contact:
        if unit not in self.ctx.units:
            raise NotFound(f"“{unit}”不是本方案的牵头单位。")
        contact = Contact(unit, person.strip()[:40], phone.strip()[:40])
        if self.ctx.store.contacts().get(unit, Contact(unit)) != contact:
            self.ctx.store.put_contact(contact)
            self.ctx.log(actor, "修改联系人", f"{unit}：{contact.person or '—'} {contact.phone or '—'}")
        return contact

    def reminders(self, wait: float | None = None) -> tuple[Reminder, ...]:
        """Units with an action not yet submitted this quarter (催报), with whom to call."""
        board = self.boards.board(wait=wait)
        pending_by_unit: dict[str, list[ActionStatus]] = {}
        for row in board.rows:
            if row.state not in (ActionState.SUBMITTED, ActionState.CONFLICT):
                for unit in row.action.lead_units:
                    pending_by_unit.setdefault(unit, []).append(row)
        contacts = self.unit_contacts()
        links = self.accounts.unit_links()
        quarter = str(board.quarter or "")
        out = []
        for unit in self.ctx.units:
            if unit not in pending_by_unit:
                continue
            person, phone, source = contacts[unit]
            out.append(Reminder(unit=unit, person=person, phone=phone, contact_source=source,
                                pending=tuple(pending_by_unit[unit]),
                                has_link=unit in links and links[unit][1] in ("", quarter)))
        return tuple(out)

    def unit_contacts(self) -> dict[str, tuple[str, str, str]]:
        """Every unit's (person, phone, source): as the office registered it, else as its latest workbook
        names the clerk (最近一次填报), else nobody. Two queries, whatever the number of units."""
        registered = self.ctx.store.contacts()
        latest: dict[str, UploadRecord] = {}
        for u in newest_first(self.ctx.store.uploads()):
            if (u.filler or u.phone) and u.unit not in latest:
                latest[u.unit] = u
        return {unit: self._contact_for(unit, registered, latest.get(unit)) for unit in self.ctx.units}

    @staticmethod
    def _contact_for(unit: str, registered: dict[str, Contact], latest: UploadRecord | None) -> tuple[str, str, str]:
        contact = registered.get(unit)
        if contact and (contact.person or contact.phone):
            return contact.person, contact.phone, "办公室登记"
        if latest is not None:
            return latest.filler, latest.phone, "最近一次填报"
        return "", "", ""

    def contact_of(self, unit: str) -> tuple[str, str, str]:
        latest = next((u for u in newest_first(self.ctx.store.uploads(unit=unit)) if u.filler or u.phone), None)
        return self._contact_for(unit, self.ctx.store.contacts(), latest)

    # ------------------------------------------------------------------------------ what the office must know

    def faults(self) -> tuple[AuditEntry, ...]:
        """Faults of the last week (a dead worker replaced, a build interrupted, the record not written)."""
        since = self.ctx.clock() - dt.timedelta(days=FAULT_DAYS)
        return tuple(e for e in self.ctx.store.audit(limit=50, whats=FAULT_ENTRIES) if e.at >= since)

    def board_workbook(self, quarter: Quarter | None = None) -> FileBytes:
        """The board as an .xlsx with Chinese labels (same board, same bytes)."""
        from .export import board_workbook_bytes

        board = self.boards.board(quarter)
        if board.quarter is None:
            raise NotFound("尚未设置报送季度，暂无报送情况可导出。")
        return FileBytes(f"{board.quarter}_报送情况.xlsx",
                         board_workbook_bytes(board, board.quarter, self.stager.staged_uploads(board.quarter)))


def _quoted(value: str) -> str:
    return f"“{value}”" if value else "（空）"
