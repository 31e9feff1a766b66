"""The embedded default: deterministic sample inputs for several quarters, written the way units work.

For each quarter, in order, the office's template writer produces the pre-filled workbooks (carrying
over the previous quarter's tasks and projects), and each unit's figures from `demo_data` are typed in
with `workbook_fill`. The story is told in demo_data's docstring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from yc_reports.outfiles import (
    WriteError,
    files_under,
    refuse_files_in_use,
    replace_files,
    write_text,
)
from yc_reports.pipeline import demo_data as D
from yc_reports.pipeline.build import KEPT_FOLDERS, BuildResult, swap_into_place
from yc_reports.pipeline.supervision import template_rectifications
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import OFFICE_PLAN_FILE, SHIPPED_PLAN_PATH, Registry, load_registry
from yc_reports.workbook.fill import ProjectFill, TaskUpdate, UnitFill, fill_workbook
from yc_reports.workbook.writer import write_templates
from yc_reports.workbook.xlsx_io import save_workbook

MANIFEST = ".yc-reports-demo"        # inputs/: the sha256 of every file the demo wrote (inputs and outputs)
OLD_MARKER_TEXT = "yc-reports demo\n"   # what the first versions wrote under that name
OS_FILES = {".gitkeep", "desktop.ini", "Thumbs.db", ".DS_Store"}   # written by git and file browsers
SHOWN_FILES = 5


class DemoRefused(RuntimeError):
    """The folder holds files the demo did not write: it changes nothing (message in Chinese)."""


@dataclass(frozen=True)
class DemoInputs:
    inputs_root: Path
    quarters: tuple[Quarter, ...]

    @property
    def latest(self) -> Quarter:
        """The sample quarter the demo builds (the inputs run on to the plan's last quarter)."""
        return D.LATEST


@dataclass(frozen=True)
class StagedDemo:
    """The demo's files made in a hidden folder under root, not yet in place: `commit_demo` moves them."""

    root: Path
    staging: Path
    inputs: DemoInputs                 # inputs_root under staging

    @property
    def inputs_dir(self) -> Path:
        return self.inputs.inputs_root / str(self.inputs.latest)

    @property
    def out_dir(self) -> Path:
        return self.staging / "outputs" / str(self.inputs.latest)


def create_demo_inputs(root: Path) -> DemoInputs:
    """Write inputs/plan.toml and one folder of filled workbooks per demo quarter under root/inputs/."""
    with staged_demo(root) as demo:
        commit_demo(demo)
    return DemoInputs(inputs_root=Path(root) / "inputs", quarters=demo.inputs.quarters)


@contextmanager
def staged_demo(root: Path) -> Iterator[StagedDemo]:
    """Make the demo's inputs in a hidden folder under `root` (removed when the block ends); refuse at once
    when root/inputs holds a file the demo did not write."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".yc-reports-demo-", dir=root))
    try:
        inputs = write_demo_inputs(staging / "inputs")
        demo = StagedDemo(root=root, staging=staging, inputs=inputs)
        refuse_foreign_files(root / "inputs", inputs.inputs_root, "inputs", (), _written_before(root))
        yield demo
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_demo_inputs(inputs_root: Path) -> DemoInputs:
    inputs_root.mkdir(parents=True, exist_ok=True)
    plan_path = inputs_root / OFFICE_PLAN_FILE
    plan_path.write_text(office_plan_text(), encoding="utf-8")
    registry = load_registry(plan_path)
    quarters = tuple(Quarter.parse(q) for q in D.QUARTERS)
    with tempfile.TemporaryDirectory() as cache_dir:   # earlier quarters are read for each template set
        for index, quarter in enumerate(quarters):
            write_quarter(registry, quarter, index, inputs_root, Path(cache_dir))
    return DemoInputs(inputs_root=inputs_root, quarters=quarters)


def commit_demo(demo: StagedDemo, built: BuildResult | None = None) -> BuildResult | None:
    """Put the staged inputs (and the staged build, when given) in place under demo.root. A file there is
    replaced or removed only when the demo wrote it: its bytes are those this run made, or those an earlier
    run wrote (the manifest of sha256 hashes). Anything else refuses the whole demo before a file changes."""
    root = demo.root
    before = _written_before(root)
    final_out = root / "outputs" / str(demo.inputs.latest)
    if built is not None:
        refuse_foreign_files(final_out, demo.out_dir, f"outputs/{final_out.name}", KEPT_FOLDERS, before)
        refuse_files_in_use(files_under(final_out, KEPT_FOLDERS))   # before any input is replaced
    inputs = root / "inputs"
    made = _files(demo.inputs.inputs_root)
    moves = [(demo.inputs.inputs_root / rel, inputs / rel) for rel in made
             if not (inputs / rel).is_file() or (inputs / rel).read_bytes() != (demo.inputs.inputs_root / rel).read_bytes()]
    stale = [inputs / rel for rel in _files(inputs)
             if rel not in made and before.get(f"inputs/{rel}") == _sha256(inputs / rel)]
    manifest = {f"inputs/{rel}": _sha256(demo.inputs.inputs_root / rel) for rel in made}
    if built is not None:
        manifest |= {f"outputs/{final_out.name}/{rel}": _sha256(demo.out_dir / rel) for rel in _files(demo.out_dir)}
        swap_into_place(demo.out_dir, final_out)   # the kept folders (templates, 催报督办) carried over, never compared
    try:
        replace_files(moves)
    except WriteError as exc:
        if built is None:
            raise
        raise WriteError(f"示例报告已写入 {final_out}，但示例报送数据未能写出：{exc}") from None
    for path in stale:
        path.unlink()
    write_text(inputs / MANIFEST, json.dumps({"yc-reports demo": manifest}, ensure_ascii=False, indent=1,
                                             sort_keys=True) + "\n")
    if built is None:
        return None
    return replace(built, out_dir=final_out, files=tuple(final_out / Path(p).relative_to(demo.out_dir)
                                                         for p in built.files))


def refuse_foreign_files(folder: Path, made: Path, base: str, kept: tuple[str, ...], before: dict[str, str]) -> None:
    """DemoRefused when `folder` (`base` under the root: "inputs", "outputs/2025Q4") holds a file the demo did
    not write: neither the bytes of the same file under `made` (this run) nor the hash an earlier run
    recorded for it (nor the demo's own manifest)."""
    if not folder.is_dir():
        return
    foreign = []
    for rel in _files(folder, kept):
        path = folder / rel
        if path.name in OS_FILES or _same_bytes(path, made / rel) or (rel == MANIFEST and _is_manifest(path)):
            continue
        if before.get(f"{base}/{rel}") != _sha256(path):
            foreign.append(rel)
    if foreign:
        shown = "、".join(foreign[:SHOWN_FILES]) + (f"等{len(foreign)}个文件" if len(foreign) > SHOWN_FILES else "")
        raise DemoRefused(
            f"{folder} 中有不是示例程序写出的文件（{shown}），可能是报送数据、计划配置或已生成的报告。"
            "示例数据不会覆盖或删除它们，本次未改动任何文件。"
            "请在一个空文件夹中运行，例如：yc-reports demo --root 示例")


def _is_manifest(path: Path) -> bool:
    text = path.read_text("utf-8", errors="replace")
    return text == OLD_MARKER_TEXT or text.startswith('{\n "yc-reports demo"')


def _written_before(root: Path) -> dict[str, str]:
    """path under root → sha256, of the files an earlier demo run wrote (its manifest); {} without one."""
    path = Path(root) / "inputs" / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
        return {str(k): str(v) for k, v in data["yc-reports demo"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _files(folder: Path, kept: tuple[str, ...] = ()) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in files_under(folder, kept)]


def _same_bytes(path: Path, other: Path) -> bool:
    return other.is_file() and path.stat().st_size == other.stat().st_size and path.read_bytes() == other.read_bytes()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
