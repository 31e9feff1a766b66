"""Facts for the 催报 and 督办 notices: who is to be sent what, and why, for one quarter.

A 催报 notice for every action whose workbook did not arrive (grey), addressed to its lead units; a
督办 notice for every red action, with its items on the quarter's 督促整改 list (its red reasons and its
projects behind, as the 通报 names them) and its overdue 督办 items, and for every other
submitted action with 督办 items past their 整改时限 (escalation: 逾期未整改). The sentences
are rendered by render/notices.py from templates/notices.j2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from yc_reports.analysis.checks import default_deadline
from yc_reports.analysis.ledger import LedgerItem, LedgerState
from yc_reports.analysis.model import Light, QuarterReport, Reason
from yc_reports.analysis.supervision import RECTIFY_DAYS
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action


class NoticeKind(str, Enum):
    CHASE = "催报"
    SUPERVISE = "督办"


@dataclass(frozen=True)
class NoticeFacts:
    kind: NoticeKind
    action: Action
    quarter: Quarter
    office: str                          # who signs: the plan's 指挥部办公室
    due: dt.date                         # 催报: when the workbook was due; 督办: the 整改 reply date
    reasons: tuple[Reason, ...] = ()     # 督办: the action's items on the 督促整改 list, as the 通报 names them
    overdue: tuple[LedgerItem, ...] = ()  # 督办: the action's items past their 整改时限
    red: bool = False                    # 督办: the action is red this quarter (else: overdue items only)


def notice_facts(report: QuarterReport) -> tuple[NoticeFacts, ...]:
    """Every notice of the quarter, 催报 first, each kind in action order."""
    office = report.plan.office
    chase = [NoticeFacts(NoticeKind.CHASE, a.action, report.quarter, office,
                         report.deadline or default_deadline(report.quarter))
             for a in report.actions if a.light is Light.GREY]
    reply_by = report.report_date + dt.timedelta(days=RECTIFY_DAYS)
    supervise = []
    for a in report.actions:
        overdue = tuple(i for i in report.ledger if i.action_id == a.action.id and i.state is LedgerState.OVERDUE)
        red = a.light is Light.RED
        if red or (overdue and a.light is not Light.GREY):
            supervise.append(NoticeFacts(NoticeKind.SUPERVISE, a.action, report.quarter, office, reply_by,
                                         reasons=_listed(report, a.action.id) if red else (), overdue=overdue,
                                         red=red))
    return tuple(chase + supervise)


def _listed(report: QuarterReport, action_id: int) -> tuple[Reason, ...]:
    return tuple(s.reason for s in report.supervision if s.action_id == action_id)
