"""The quarter's board: each action's uploads and state beside what the build reads and decides for it.

The units' pages and the office's board are both made here, from the portal's rows (instant) and the
build's reading (reading.py: the newest there is, fresh or not). Which of the build's messages a unit
sees is decided here too: only those about workbooks it or its co-lead sent through the portal, in words
it can act on — never the office's own folder files or instructions meant for the office.
"""

from __future__ import annotations

from yc_reports.issues import IssueCode
from yc_reports.pipeline.selection import ActionSelection
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Action

from .context import Context
from .errors import NotFound
from .reading import Readings
from .staging import Stager, newest_first, standing
from .store import Choice, UploadRecord
from .texts import for_unit, portal_wording
from .views import ActionState, ActionStatus, Board, Problem


def action_status(action: Action, uploads: list[UploadRecord], deadline: object, build: ActionSelection | None = None,
                  choice: Choice | None = None) -> ActionStatus:
    ordered = newest_first(uploads)
    stand, holding = standing(uploads, choice)
    if len({u.sha256 for u in stand}) > 1:
        state = ActionState.CONFLICT          # co-leads stand by different workbooks: 数据待核实
    elif stand or (build is not None and build.submitted):
        state = ActionState.SUBMITTED         # the build reads a workbook for it: the board says what it says
    elif ordered and ordered[0].returned:
        state = ActionState.RETURNED          # the office sent the newest back: the unit must send again
    elif any(not u.returned and not u.withdrawn for u in ordered):
        state = ActionState.ERRORS
    else:
        state = ActionState.MISSING
    return ActionStatus(action=action, state=state, standing=stand, latest=ordered[0] if ordered else None,
                        uploads=ordered, deadline=deadline, build=build, choice=holding)  # type: ignore[arg-type]


class Boards:
    def __init__(self, ctx: Context, stager: Stager, readings: Readings) -> None:
        self.ctx = ctx
        self.stager = stager
        self.readings = readings

    def board(self, quarter: Quarter | None = None, wait: float | None = None) -> Board:
        """Every action of the quarter (default: the one being collected), waiting at most `wait` seconds
        for the build's reading of the files as they are now (None: as long as it takes)."""
        settings = self.ctx.settings()
        quarter = quarter or settings.quarter
        if quarter is None:
            return Board(settings=settings, rows=())
        reading = self.readings.get(quarter, wait)
        shown = self.ctx.settings_of(quarter)
        uploads = self.ctx.store.uploads(quarter=quarter)
        choices = self.ctx.store.choices(quarter)
        selection = reading.selection
        rows = tuple(action_status(a, [u for u in uploads if u.action_id == a.id], shown.deadline,
                                   _action_of(selection, a.id), choices.get(a.id))
                     for a in self.ctx.registry.actions)
        return Board(settings=settings, rows=rows, selection=selection, quarter=quarter, fresh=reading.fresh,
                     issued=shown.issued, problem=reading.error)

    def status_of(self, record: UploadRecord) -> ActionStatus:
        """The action's state in the record's quarter (is the record one that stands?)."""
        action = self.ctx.action(record.action_id)
        return action_status(action, self.ctx.store.uploads(quarter=record.quarter, action_id=action.id),
                             self.ctx.settings_of(record.quarter).deadline,
                             choice=self.ctx.store.choices(record.quarter).get(action.id))

    def problems(self, board: Board, unit: str | None = None) -> tuple[Problem, ...]:
        """The build's issues by action, unit, sheet and cell. For a unit: its actions' issues on workbooks
        sent through the portal, in words it can act on (its own workbook's, when it has one that stands)."""
        if board.selection is None or board.quarter is None:
            return ()
        staged = self.stager.staged_uploads(board.quarter) if unit is not None else {}
        names = {file: f"“{u.unit}报送的工作簿”" for file, u in staged.items()}
        out: list[Problem] = []
        for row in board.rows:
            issues = row.build.issues if row.build else ()
            if unit is None:
                out.extend(Problem(row.action, row.action.lead_units, portal_wording(i)) for i in issues)
                continue
            if unit not in row.action.lead_units:
                continue
            sent = {f for f, u in staged.items() if u.action_id == row.action.id}
            own = {f for f in sent if staged[f].unit == unit}
            seen: set[str] = set()
            for issue in issues:
                if issue.code is IssueCode.NOT_SUBMITTED or issue.file not in (own or sent):
                    continue                  # the office's own folder files and notices are not the unit's to fix
                shown = for_unit(issue, names)
                if shown is not None and shown.message + shown.cell not in seen:
                    seen.add(shown.message + shown.cell)
                    out.append(Problem(row.action, row.action.lead_units, shown))
        if unit is None:
            out.extend(Problem(None, (), portal_wording(i)) for i in board.selection.other_issues)
        return tuple(out)

    def quarters(self) -> tuple[Quarter, ...]:
        """Quarters with uploads, and the open one, newest first."""
        known = set(self.ctx.store.quarters_with_uploads())
        open_quarter = self.ctx.settings().quarter
        if open_quarter:
            known.add(open_quarter)
        return tuple(sorted(known, reverse=True))

    def upload(self, upload_id: int) -> UploadRecord:
        record = self.ctx.store.upload(upload_id)
        if record is None:
            raise NotFound("没有找到该上传记录。")
        return record


def _action_of(selection: object, action_id: int) -> ActionSelection | None:
    actions = getattr(selection, "actions", ())
    return next((a for a in actions if a.action_id == action_id), None)
