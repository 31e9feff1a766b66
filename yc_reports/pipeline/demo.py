"""The embedded default: deterministic sample inputs for several quarters, written the way units work.

For each quarter, in order, the office's template writer produces the pre-filled workbooks (carrying
over the previous quarter's tasks and projects), and each unit's figures from `demo_data` are typed in
with `workbook_fill`. The story is told in demo_data's docstring.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from yc_reports.pipeline import demo_data as D
from yc_reports.pipeline.supervision import template_rectifications
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import OFFICE_PLAN_FILE, SHIPPED_PLAN_PATH, Registry, load_registry
from yc_reports.workbook.fill import ProjectFill, TaskUpdate, UnitFill, fill_workbook
from yc_reports.workbook.writer import write_templates
from yc_reports.workbook.xlsx_io import save_workbook

DEMO_MARKER = ".yc-reports-demo"   # written into inputs/ by the demo: only such a folder is written again
KEPT_NAMES = {".gitkeep", DEMO_MARKER}


class DemoRefused(RuntimeError):
    """inputs/ holds the office's own files: the demo never writes over them (message in Chinese)."""


@dataclass(frozen=True)
class DemoInputs:
    inputs_root: Path
    quarters: tuple[Quarter, ...]

    @property
    def latest(self) -> Quarter:
        """The sample quarter the demo builds (the inputs run on to the plan's last quarter)."""
        return D.LATEST


def create_demo_inputs(root: Path) -> DemoInputs:
    """Write inputs/plan.toml and one folder of filled workbooks per demo quarter under root/inputs/."""
    inputs_root = Path(root) / "inputs"
    refuse_real_inputs(inputs_root)
    inputs_root.mkdir(parents=True, exist_ok=True)
    (inputs_root / DEMO_MARKER).write_text("yc-reports demo\n", encoding="utf-8")
    plan_path = inputs_root / OFFICE_PLAN_FILE
    plan_path.write_text(office_plan_text(), encoding="utf-8")
    registry = load_registry(plan_path)
    quarters = tuple(Quarter.parse(q) for q in D.QUARTERS)
    with tempfile.TemporaryDirectory() as cache_dir:   # earlier quarters are read for each template set
        for index, quarter in enumerate(quarters):
            write_quarter(registry, quarter, index, inputs_root, Path(cache_dir))
    return DemoInputs(inputs_root=inputs_root, quarters=quarters)


def refuse_real_inputs(inputs_root: Path) -> None:
    """The demo rewrites inputs/plan.toml and its quarter folders: never where real work may be."""
    if not inputs_root.is_dir() or (inputs_root / DEMO_MARKER).exists():
        return
    if any(entry.name not in KEPT_NAMES for entry in inputs_root.iterdir()):
        raise DemoRefused(f"{inputs_root} 中已有报送数据或计划配置，示例数据不会覆盖它们。"
                          "请在一个空文件夹中运行，例如：yc-reports demo --root 示例")


def office_plan_text() -> str:
    """The shipped plan with the values the office has filled in (province targets, the 2020 base)."""
    text = SHIPPED_PLAN_PATH.read_text("utf-8")
    for before, after in D.PLAN_EDITS:
        if text.count(before) != 1:
            raise RuntimeError(f"demo plan edit does not match the shipped plan exactly once: {before[:40]!r}")
        text = text.replace(before, after)
    return text


def write_quarter(registry: Registry, quarter: Quarter, index: int, inputs_root: Path,
                  cache_dir: Path | None = None) -> None:
    folder = inputs_root / str(quarter)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{quarter}_第*项_*.xlsx"):   # a previous demo run's files, nothing else
        stale.unlink()
    missing = D.MISSING.get(str(quarter), ())
    rectifications = template_rectifications(registry, quarter, inputs_root, cache_dir)
    with tempfile.TemporaryDirectory() as tmp:
        for template in write_templates(registry, quarter, Path(tmp), inputs_root, rectifications=rectifications):
            wb = openpyxl.load_workbook(template)
            action_id = _action_id(wb)
            if action_id in missing:
                continue
            fill_workbook(wb, unit_fill(registry, action_id, quarter, index))
            fill_rectifications(wb, quarter)
            save_workbook(wb, folder / template.name, stamp=dt.datetime.combine(fill_date(quarter), dt.time()))


def fill_rectifications(wb: Workbook, quarter: Quarter) -> None:
    """The unit's answers in its 整改落实 sheet, by 督办编号 (demo_data.RECTIFICATIONS); others left blank."""
    from yc_reports.workbook import layout as L

    if L.SHEET_RECTIFICATION not in wb.sheetnames:
        return
    ws = wb[L.SHEET_RECTIFICATION]
    col = {c: i for i, c in enumerate(L.RECTIFICATION_COLUMNS, start=1)}
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        number = str(ws.cell(row, col[L.RECT_ID]).value)
        answer = D.RECTIFICATIONS.get(f"{number}@{quarter}", D.RECTIFICATIONS.get(number))
        if answer is not None:
            state, measures, progress = answer
            ws.cell(row, col[L.RECT_STATE]).value = state
            ws.cell(row, col[L.RECT_MEASURES]).value = measures
            ws.cell(row, col[L.RECT_PROGRESS]).value = progress


def _action_id(wb: Workbook) -> int:
    from yc_reports.workbook import layout as L

    for key, value in wb[L.SHEET_META].iter_rows(min_row=1, max_col=2, values_only=True):
        if key == L.META_ACTION_ID:
            return int(str(value))
    raise RuntimeError("template without action id")


def fill_date(quarter: Quarter) -> dt.date:
    """Units report within ten days of the quarter's end."""
    return quarter.end_date + dt.timedelta(days=8)


def unit_fill(registry: Registry, action_id: int, quarter: Quarter, index: int) -> UnitFill:
    action = registry.action(action_id)
    filler, phone, reviewer = D.CONTACTS[action_id]
    latest = quarter == D.LATEST
    values = {}
    for indicator in action.indicators:
        figure = D.FIGURES[indicator.key][index]
        values[indicator.key] = Decimal(figure) if figure is not None else None
    return UnitFill(
        filler=filler, phone=phone, reviewer=reviewer, fill_date=fill_date(quarter),
        summary=D.SUMMARIES.get(action_id, "") if latest else "",
        next_steps=D.NEXT_STEPS.get(action_id, "按计划推进各项目标任务。"),
        values=values,
        notes={key: note for key, note in D.NOTES.items() if key in values} if latest else {},
        tasks={task.key: TaskUpdate(*_task_state(task.key, task.deadline, quarter)) for task in action.tasks},
        projects=tuple(_project_fill(p, index) for p in D.PROJECTS if p.action_id == action_id),
    )


def _task_state(key: str, deadline: dt.date, quarter: Quarter) -> tuple[str, str, str]:
    if f"{key}@{quarter}" in D.TASKS_IN_QUARTER:
        return D.TASKS_IN_QUARTER[f"{key}@{quarter}"]
    status, progress, problems = D.TASKS[key]
    if quarter == D.FINAL and deadline <= quarter.end_date and key not in D.UNFINISHED_AT_END:
        return "已完成", progress, ""
    if status == "已完成" and deadline > quarter.end_date:
        # finished by its deadline: before then it was still under way
        return "正常推进", progress, problems
    return status, progress, problems


def _project_fill(project: D.DemoProject, index: int) -> ProjectFill:
    ytd = project.ytd_by_quarter[index]
    return ProjectFill(
        name=project.name, total_investment=Decimal(project.total), annual_plan=Decimal(project.annual_plan),
        ytd_completed=ytd if not ytd.replace(".", "").isdigit() else Decimal(ytd),
        status=project.status_by_quarter[index], planned_start=dt.date.fromisoformat(project.planned_start),
        image_progress=project.image, problems=project.problems if D.QUARTERS[index] == str(D.LATEST) else "",
    )
