"""A workbook's 整改落实 sheet against the 督办 ledger of its action and quarter (docs/rules.md, "督办 and 关注 by item").

The office pre-fills the sheet with the action's open 督办 items (number, matter, 整改时限: locked); the unit
reports on each. What the unit cannot change without losing its report is checked here, each at its cell:

- a row whose 督办编号 is not an open item of this action is an error (its report cannot be matched, so it is
  named, never silently ignored); when its matter is an open item's, the number was changed (said so, with the
  number it should be); a number of an item already closed is a warning;
- a row whose 督办事项 or 整改时限 differs from the ledger's is an error at that cell;
- a number on two rows is an error at the second;
- an open item without a row is an error at the sheet, and so is a missing sheet when items are open.

Pure: the expected rows come from the caller (pipeline/rectification_check.py reads the ledger).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from yc_reports.intake.records import RectificationEntry, Submission
from yc_reports.intake.text import squash as _squash
from yc_reports.issues import Issue, IssueCode, make_issue
from yc_reports.numfmt import cn_date
from yc_reports.plan.quarter import Quarter
from yc_reports.workbook import layout as L

SHEET = L.SHEET_RECTIFICATION


def rectification_issues(submission: Submission, expected: Sequence[RectificationEntry],
                         closed: Mapping[str, Quarter] | None = None) -> list[Issue]:
    """The issues of `submission`'s 整改落实 sheet against `expected`, the rows its template should carry (the
    action's open items: number, matter as the office words it, 整改时限); `closed` maps the numbers of this
    action's items already closed (已销号) to the quarter that closed them."""
    file = submission.file
    if not submission.rectification_sheet:
        if not expected:
            return []
        listed = "、".join(f"{e.item_id}“{e.text}”" for e in expected)
        return [make_issue(IssueCode.RECTIFICATION_SHEET_MISSING, file, SHEET, found=len(expected), detail=listed)]
    by_id = {e.item_id: e for e in expected}
    by_text = {_squash(e.text): e for e in expected}
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    answered: set[str] = set()
    for row in submission.rectifications:
        item = by_id.get(row.item_id)
        if row.item_id and row.item_id in seen:
            issues.append(make_issue(IssueCode.RECTIFICATION_DUPLICATE, file, SHEET, row.id_cell, value=row.item_id,
                                     expected=seen[row.item_id]))
            continue
        if row.item_id:
            seen[row.item_id] = row.row
        if item is None:
            issues.append(_unmatched(file, row, by_text, by_id, closed or {}))
            renamed = by_text.get(_squash(row.text))
            if renamed is not None and row.item_id not in (closed or {}):   # answered, under a changed number
                answered.add(renamed.item_id)
            continue
        answered.add(item.item_id)
        if _squash(row.text) != _squash(item.text):
            issues.append(make_issue(IssueCode.RECTIFICATION_CHANGED, file, SHEET, row.text_cell,
                                     detail=f"督办编号{item.item_id}的督办事项", value=row.text or "（空白）",
                                     expected=item.text))
        if item.deadline is not None and row.deadline != item.deadline:
            issues.append(make_issue(IssueCode.RECTIFICATION_CHANGED, file, SHEET, row.deadline_cell,
                                     detail=f"督办编号{item.item_id}的整改时限", value=_date(row.deadline),
                                     expected=_date(item.deadline)))
    for item in expected:
        if item.item_id not in answered:
            issues.append(make_issue(IssueCode.RECTIFICATION_MISSING, file, SHEET, detail=item.text,
                                     value=item.item_id, expected=_date(item.deadline)))
    return issues


def _unmatched(file: str, row: RectificationEntry, by_text: Mapping[str, RectificationEntry],
               by_id: Mapping[str, RectificationEntry], closed: Mapping[str, Quarter]) -> Issue:
    """The issue of a row whose number is not an open item of the action."""
    if row.item_id in closed:
        return make_issue(IssueCode.RECTIFICATION_CLOSED, file, SHEET, row.id_cell, value=row.item_id,
                          expected=closed[row.item_id].label)
    renamed = by_text.get(_squash(row.text))
    if renamed is not None:
        return make_issue(IssueCode.RECTIFICATION_CHANGED, file, SHEET, row.id_cell,
                          detail=f"督办事项“{renamed.text}”的督办编号", value=row.item_id or "（空白）",
                          expected=renamed.item_id)
    listed = "、".join(by_id) if by_id else "本行动目前没有待整改的督办事项"
    if by_id:
        listed = f"待整改的有：{listed}"
    return make_issue(IssueCode.RECTIFICATION_UNKNOWN, file, SHEET, row.id_cell, value=row.item_id or "（空白）",
                      expected=listed, detail=_reported(row))


def _reported(row: RectificationEntry) -> str:
    """What the row says, for the message: the unit's report is named, not dropped."""
    parts = []
    if row.state is not None:
        parts.append(f"整改状态“{row.state.value}”")
    if row.measures:
        parts.append(f"整改措施“{_short(row.measures)}”")
    if row.progress:
        parts.append(f"整改进展“{_short(row.progress)}”")
    return "、".join(parts) or "未填写整改情况"


def _short(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[:length] + "…"


def _date(day: dt.date | None) -> str:
    return cn_date(day) if day is not None else "（空白）"
