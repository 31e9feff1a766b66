"""`yc-reports build` / `demo` output: a transient progress bar, then the actions' lights and the files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from yc_reports.analysis.model import Light
from yc_reports.issues import Severity
from yc_reports.pipeline.build import BuildResult, build_quarter
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry
from yc_reports.render.wording import Wording

LIGHT_STYLE = {Light.GREEN: "bold green", Light.YELLOW: "bold yellow", Light.RED: "bold red", Light.GREY: "dim"}


def run_with_progress(console: Console, registry: Registry, quarter: Quarter, inputs_dir: Path, out_dir: Path, *,
                      report_date: dt.date | None, pdf: bool, draft: bool = False) -> BuildResult:
    """Run the build with a progress bar that disappears when it is done."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return build_quarter(registry, quarter, Path(inputs_dir), Path(out_dir), report_date=report_date,
                             pdf=pdf, draft=draft, progress=progress)


def print_build_result(console: Console, result: BuildResult, inputs_root: Path | None = None) -> None:
    """The actions with their lights, the counts, the issues found and the files written (or the error);
    the reasons in the office's words (its inputs/templates/ under `inputs_root`, as the documents)."""
    report = result.report
    if report is not None:
        console.print(actions_table(result, Wording.for_inputs(inputs_root)))
        counts = "，".join(f"{light.label}{report.count(light)}项" for light in Light)
        console.print(f"{report.quarter.label}：{counts}。")
        errors = sum(1 for i in result.issues if i.severity is Severity.ERROR)
        warnings = len(result.issues) - errors
        if result.issues:
            console.print(f"校验发现错误 {errors} 处、警告 {warnings} 处，详见汇总表.xlsx“校验问题”工作表。")
        else:
            console.print("校验未发现问题。")
    if not result.ok:
        console.print(Text(f"生成失败：{result.error}", style="bold red"))
        return
    if result.issued is not None:
        i = result.issued
        console.print(f"{i.quarter.label}已签发（第{i.version}版，{i.issued_at:%Y-%m-%d}），以下文件按签发版本生成，"
                      "与现有报送文件无关。", markup=False, soft_wrap=True)
        if result.changed_since_issue:
            console.print(Text(f"注意：报送文件夹中有{len(result.changed_since_issue)}份工作簿未用于签发版本（"
                               f"{'、'.join(result.changed_since_issue)}）。如需据此更正，请先运行 "
                               f"yc-reports build {i.quarter} --draft 生成更正稿核对，再运行 yc-reports issue {i.quarter} "
                               "--reason 更正原因。", style="yellow"), soft_wrap=True)
    else:
        console.print("本季度尚未签发，以下为审阅稿；核对无误后运行 yc-reports issue 签发。", markup=False)
    console.print(f"已生成 {len(result.files)} 个文件，保存在 {result.out_dir}：")
    for path in result.files:
        console.print(f"  {_relative(path, result.out_dir)}")


def actions_table(result: BuildResult, wording: Wording) -> Table:
    """Every action with its light and every reason, in the reports' words (render/wording.py)."""
    report = result.report
    if report is None:
        raise ValueError("a build without a report has no table of lights")
    table = Table(header_style="bold", expand=False)
    table.add_column("行动", overflow="fold")
    table.add_column("牵头单位", overflow="fold")
    table.add_column("报送", no_wrap=True)
    table.add_column("亮灯", no_wrap=True)
    table.add_column("说明", overflow="fold", ratio=1)
    for a in report.actions:
        submitted = "未报送" if not a.submitted else ("已报送（数据待核实）" if a.data_pending else "已报送")
        table.add_row(f"{a.action.cn_number}、{a.action.name}", a.action.lead_units_text, submitted,
                      Text(a.light.label, style=LIGHT_STYLE[a.light]), wording.reasons(a))
    return table


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
