"""summary.json: the quarter's results for other tools and dashboards (every field documented in docs/developers.md).

The fixed shape (docs/developers.md: quarter, time_progress, actions[id, name, lead_units, submitted, light,
indicators[name, unit, target, actual, completion, status]], issues, files) comes first in each object;
the extra fields follow it. Figures are written as int when integral, else as the float of the exact
Decimal; ratios (completion, time progress, 同比, 环比) are rounded half up to 4 places, gaps to 1 place.
The same report always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from yc_reports.analysis.ledger import LedgerItem
from yc_reports.analysis.model import (
    ActionResult,
    Commendation,
    IndicatorResult,
    Light,
    ProjectResult,
    QuarterReport,
    Status,
    SupervisionItem,
    TaskResult,
)
from yc_reports.numfmt import to_decimal
from yc_reports.render.wording import Wording, cached_wording

SCHEMA_VERSION = 1
RATIO_PLACES = 4
GAP_PLACES = 1


def figure(value: Decimal | None) -> int | float | None:
    """A figure as written: 12 → 12, 22.40 → 22.4."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def ratio(value: Fraction | None, places: int = RATIO_PLACES) -> float | None:
    """A ratio rounded half up for display: Fraction(2, 3) → 0.6667; never −0.0."""
    if value is None:
        return None
    rounded = to_decimal(value, places)
    return 0.0 if rounded == 0 else float(rounded)


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def indicator_dict(r: IndicatorResult, wording: Wording) -> dict[str, Any]:
    return {
        "name": r.name,
        "unit": r.unit,
        "target": figure(r.target),
        "actual": figure(r.actual),
        "completion": ratio(r.completion),
        "status": None if r.status is Status.NOT_RATED else r.status.value,
        "current": r.current,
        "key": r.key,
        "kind": r.kind.value,
        "direction": r.direction.value,
        "target_year": r.target_year,
        "target_note": r.target_note,
        "time_progress": ratio(r.time_progress),
        "gap_points": ratio(r.gap_points, GAP_PLACES),
        "status_label": wording.status_label(r),
        "figure": r.figure.value,
        "judged_on": str(r.judged_on) if r.judged_on else None,
        "baseline": figure(r.baseline),
        "distance_points": ratio(r.distance_points, GAP_PLACES),
        "previous": figure(r.previous),
        "last_year": figure(r.last_year),
        "qoq": None if r.kind.value == "flow" else ratio(r.qoq),   # a year-to-date flow has no 环比
        "yoy": ratio(r.yoy),
        "trend": [{"quarter": str(q), "value": figure(v)} for q, v in r.trend],
        "note": r.note,
        "cell": r.cell,
        "unrated": r.unrated.value if r.unrated is not None else None,
        "entered": r.entered,
        "baseline_year": r.baseline_year,
        "pace_risk": r.pace_risk,
        "projected": ratio(r.projected),   # at the pace so far (analysis/assemble.py `with_pace`)
        "on_pace": r.on_pace,
    }


def task_dict(t: TaskResult) -> dict[str, Any]:
    return {
        "key": t.key,
        "content": t.content,
        "deadline": _date(t.deadline),
        "reported": t.reported.value if t.reported is not None else None,
        "overdue": t.overdue,
        "behind": t.behind,
        "progress": t.progress,
        "problems": t.problems,
        "done_this_quarter": t.done_this_quarter,
        "completed_late": t.completed_late,
        "entered": t.entered,
    }


def project_dict(p: ProjectResult) -> dict[str, Any]:
    return {
        "name": p.name,
        "total_investment": figure(p.total_investment),
        "annual_plan": figure(p.annual_plan),
        "ytd_completed": figure(p.ytd_completed),
        "completion": ratio(p.completion),
        "time_progress": ratio(p.time_progress),
        "gap_points": ratio(p.gap_points, GAP_PLACES),
        "status": p.status.value,
        "project_status": p.project_status.value if p.project_status is not None else None,
        "late_start": p.late_start,
        "image_progress": p.image_progress,
        "problems": p.problems,
        "gap_status": p.gap_status.value if p.gap_status is not None else None,
    }


def action_dict(a: ActionResult, wording: Wording) -> dict[str, Any]:
    info = a.info
    return {
        "id": a.action.id,
        "name": a.action.name,
        "lead_units": list(a.action.lead_units),
        "submitted": a.submitted,
        "light": a.light.value,
        "indicators": [indicator_dict(r, wording) for r in a.indicators],
        "light_label": wording.light_label(a),
        "light_reasons": [wording.fact(r) for r in a.light_reasons],
        "data_pending": a.data_pending,
        "data_complete": a.data_complete,
        **({"grey_reason": a.grey_reason.value} if a.grey_reason is not None else {}),
        "files": list(a.files),
        "error_count": a.error_count,
        "warning_count": a.warning_count,
        "contact": {
            "filler": info.filler if info else "",
            "phone": info.phone if info else "",
            "reviewer": info.reviewer if info else "",
            "fill_date": _date(info.fill_date) if info else None,
        },
        "received_at": a.received_at.isoformat() if a.received_at else None,
        "receipt_source": a.receipt_source or None,
        "tasks": [task_dict(t) for t in a.tasks],
        "projects": [project_dict(p) for p in a.projects],
        "disputed": a.disputed,
        "differences": [{"part": d.part, "subject": d.subject, "field": d.field, "values": list(d.values)}
                        for d in a.differences],
        "entries": [{"problem": e.problem.value, "part": e.part, "subject": e.subject, "field": e.field,
                     "value": e.value} for e in a.entries],
    }


def commendation_dict(c: Commendation, wording: Wording) -> dict[str, Any]:
    return {"action_id": c.action_id, "action_name": c.action_name, "lead_units": c.lead_units,
            "reason": "；".join(wording.fact(f) for f in c.achievements)}


def supervision_dict(s: SupervisionItem, wording: Wording) -> dict[str, Any]:
    return {"action_id": s.action_id, "action_name": s.action_name, "lead_units": s.lead_units,
            "item": wording.item(s.reason), "reason": wording.detail(s.reason), "kind": s.reason.kind.value,
            "unit_problem": s.unit_problem}


def ledger_item_dict(i: LedgerItem, wording: Wording, plan_id: str = "") -> dict[str, Any]:
    """One 督办 item: the fixed fields first, then the ledger's own."""
    return {"id": i.id, "action": i.action_id, "text": wording.ledger_matter(i, plan_id), "deadline": _date(i.deadline),
            "state": i.state.value, "since": str(i.since),
            "state_label": i.state.label, "closed_in": str(i.closed_in) if i.closed_in else None,
            "listed_now": i.listed_now, "lead_units": i.lead_units, "item": wording.item(i.reason),
            "reported": i.reported.value if i.reported else None, "measures": i.measures, "progress": i.progress,
            "plan": i.plan_id or plan_id, "closed_reason": i.closed_reason}


def files_dict(files: Mapping[str, Any]) -> dict[str, Any]:
    """Paths relative to the output folder, POSIX separators, in a fixed key order."""
    def rel(value: Any) -> str | None:
        return Path(value).as_posix() if value not in (None, "") else None

    return {
        "summary_report": rel(files.get("summary_report")),
        "action_reports": [rel(p) for p in files.get("action_reports", ())],
        "workbook": rel(files.get("workbook")),
        "pdfs": [rel(p) for p in files.get("pdfs", ())],
    }


def summary_dict(report: QuarterReport, files: Mapping[str, Any], wording: Wording | None = None) -> dict[str, Any]:
    """The whole summary as plain JSON-ready data, in a stable order; sentences from `wording`."""
    wording = wording or cached_wording()
    return {
        "quarter": str(report.quarter),
        "time_progress": ratio(report.time_progress),
        "schema_version": SCHEMA_VERSION,
        "quarter_label": report.quarter.label,
        "plan": {"id": report.plan.id, "name": report.plan.name, "short_name": report.plan.short_name,
                 "start_year": report.plan.start_year, "end_year": report.plan.end_year},
        "report_date": report.report_date.isoformat(),
        "deadline": _date(report.deadline),
        "first_collected": str(report.first_collected) if report.first_collected else None,
        "issue_number": report.issue_number,
        "history_quarters": [str(q) for q in report.history_quarters],
        "counts": {light.value: report.count(light) for light in Light},
        "actions": [action_dict(a, wording) for a in report.actions],
        "commendations": [commendation_dict(c, wording) for c in report.commendations],
        "supervision": [ledger_item_dict(i, wording, report.plan.id) for i in report.ledger],
        "supervision_list": [supervision_dict(s, wording) for s in report.supervision],
        "attention": [supervision_dict(s, wording) for s in report.attention],
        "issues": [i.to_dict() for i in report.issues],
        "files": files_dict(files),
    }


def summary_text(report: QuarterReport, files: Mapping[str, Any], wording: Wording | None = None) -> str:
    return json.dumps(summary_dict(report, files, wording), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_summary_json(report: QuarterReport, files: Mapping[str, Any], path: Path,
                       wording: Wording | None = None) -> Path:
    """Write summary.json (UTF-8, LF line ends) and return its path."""
    path = Path(path)
    path.write_bytes(summary_text(report, files, wording).encode("utf-8"))
    return path
