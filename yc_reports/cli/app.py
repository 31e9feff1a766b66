"""The `yc-reports` command: parses arguments, calls the library, prints. Nothing else.

Heavy libraries (openpyxl, matplotlib, python-docx) are imported inside the commands that use them,
so `yc-reports --help` answers at once.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from yc_reports.cli.console import safe_streams

if TYPE_CHECKING:  # what the mixin below is mixed into: click's Command
    import datetime as dt

    from click import Command as _HelpBase
    from rich.console import Console

    from yc_reports.plan.quarter import Quarter
    from yc_reports.plan.registry import Registry
else:
    _HelpBase = object

HELP_TEXT = "显示本帮助并退出。"
ARGUMENTS_PANEL, OPTIONS_PANEL, COMMANDS_PANEL = "参数", "选项", "命令"


class _ChineseHelp(_HelpBase):
    """typer words its --help option and its help panels in English; ours read in Chinese like the rest.

    The panel titles go through typer's documented `rich_help_panel` of each parameter and command: any
    that does not name its own panel is put in 参数 / 选项 / 命令 here, so a command added later needs
    nothing special (tests/cli/test_cli.py checks every command's help).
    """

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
            # click's Option has no such field; typer's help renderer reads it from any parameter with getattr
            option.rich_help_panel = OPTIONS_PANEL  # type: ignore[attr-defined]
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument | TyperOption) and not param.rich_help_panel:
                param.rich_help_panel = ARGUMENTS_PANEL if isinstance(param, TyperArgument) else OPTIONS_PANEL
        if isinstance(self, TyperGroup):
            for name in self.list_commands(ctx):
                command = self.get_command(ctx, name)
                if isinstance(command, TyperCommand | TyperGroup) and not command.rich_help_panel:
                    command.rich_help_panel = COMMANDS_PANEL
        super().format_help(ctx, formatter)


class _Group(_ChineseHelp, TyperGroup):
    pass


class _Command(_ChineseHelp, TyperCommand):
    def invoke(self, ctx: click.Context) -> Any:
        if self.name not in _WITHOUT_COLLECTOR:
            # the collector, off during start-up (see yc_reports.cli.main), for a command that may run long
            gc.freeze()
            gc.enable()
        return super().invoke(ctx)


# A check is one short pass over a few files that makes no reference cycles to speak of.
_WITHOUT_COLLECTOR = frozenset({"check"})


app = typer.Typer(
    cls=_Group,
    name="yc-reports",
    help="宜昌市降碳减污扩绿增长十大行动季度调度工具：生成填报模板、校验工作簿、汇总生成通报。",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

PlanOption = typer.Option(None, "--plan", help="计划配置文件（TOML）；默认使用 inputs/plan.toml，没有则用内置方案。",
                          show_default=False)


class UsageProblem(Exception):
    """A mistake in how the command was called: printed in Chinese, exit code 2."""


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _quarter(text: str) -> Quarter:
    from yc_reports.plan.quarter import Quarter, QuarterError

    try:
        return Quarter.parse(text)
    except QuarterError as exc:
        raise UsageProblem(str(exc)) from None


def _registry(plan: Path | None, inputs_root: Path = Path("inputs")) -> Registry:
    from yc_reports.plan.registry import RegistryError, resolve_registry

    try:
        return resolve_registry(plan, inputs_root)
    except RegistryError as exc:
        raise UsageProblem(str(exc)) from None


def _require_in_plan(registry: Registry, quarter: Quarter) -> None:
    if not registry.covers(quarter):
        raise UsageProblem(
            f"{quarter.label}不在方案实施期（{registry.plan.start_year}—{registry.plan.end_year}年）内。"
            "如需调度新一期方案，请用 --plan 指定新的计划配置文件。")


def _quarter_inputs(quarter: str, inputs: Path | None, plan: Path | None, *,
                    issued_ok: bool = False) -> tuple[Quarter, Path, Registry]:
    """The quarter, its inputs folder (default inputs/QUARTER/) and the plan that covers it; a usage problem
    when the quarter is outside the plan or the folder is missing (`issued_ok`: unless the quarter is issued,
    read from the office's record)."""
    q = _quarter(quarter)
    inputs_dir = inputs or Path("inputs") / str(q)
    registry = _registry(plan, inputs_dir.parent)
    _require_in_plan(registry, q)
    if not inputs_dir.is_dir() and not (issued_ok and _issuance(inputs_dir.parent, q) is not None):
        raise UsageProblem(f"找不到本季度工作簿文件夹：{inputs_dir}")
    return q, inputs_dir, registry


def _record(inputs_root: Path) -> Any:
    from yc_reports.record.store import Record, record_path

    return Record(record_path(inputs_root))


def _issuance(inputs_root: Path, quarter: Quarter) -> Any:
    """The quarter's issuance in force, or None; a problem with the record is the user's to fix."""
    from yc_reports.record.store import RecordError

    try:
        with _record(inputs_root) as record:
            return record.latest(quarter)
    except RecordError as exc:
        raise UsageProblem(str(exc)) from None


def _operator(by: str | None) -> str:
    """Who is acting: --by, else the computer's user name."""
    if by and by.strip():
        return by.strip()
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name to be had (a service account without one)
        return "办公室"


@app.command("templates", cls=_Command)
def templates_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    out: Path | None = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/templates/", show_default=False),
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹（用于预填上季度数据）"),
    plan: Path | None = PlanOption,
) -> None:
    """生成本季度各行动的填报模板（已预填目标和上季度数据）。"""
    q = _quarter(quarter)
    registry = _registry(plan, inputs)
    _require_in_plan(registry, q)
    from yc_reports.outfiles import staged_files
    from yc_reports.pipeline.supervision import template_inputs
    from yc_reports.workbook.writer import write_templates

    out_dir = out or Path("outputs") / str(q) / "templates"
    shown = template_inputs(registry, q, inputs)
    rectifications = shown.rectifications
    with staged_files(out_dir) as staging:   # all ten or none: a template open in WPS stops them all
        written = write_templates(registry, q, staging, inputs, rectifications=rectifications, previous=shown.previous)
    console = _console()
    console.print(f"已生成{q.label}填报模板 {len(written)} 份，保存在 {out_dir}：", markup=False)
    for path in written:
        console.print(f"  {path.name}", markup=False)
    if rectifications:
        console.print(f"其中{len(rectifications)}份含“整改落实”表，预填尚未销号的督办事项"
                      f"{sum(len(rows) for rows in rectifications.values())}项。", markup=False)


@app.command("templates-export", cls=_Command)
def templates_export_command(
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="办公室配置所在文件夹（与 plan.toml、document.toml 同处）"),
    force: bool = typer.Option(False, "--force", help="覆盖文件夹中已有的同名文字模板（默认保留办公室已改的文件）"),
) -> None:
    """把内置的报告文字模板复制到 inputs/templates/，供办公室修改措辞；其中的文件逐个替代内置模板。"""
    from yc_reports.render.wording import export_templates

    result = export_templates(inputs, overwrite=force)
    console = _console()
    console.print(f"报告文字模板文件夹：{result.folder}")
    for name in result.written:
        console.print(f"  已复制 {name}")
    for name in result.replaced:
        console.print(f"  已覆盖 {name}（原文件的修改已被内置模板替换）")
    for name in result.kept:
        console.print(f"  已保留 {name}（文件夹中已有此文件，未覆盖；如需恢复内置版本，请加 --force）")
    console.print("修改其中任一文件后重新运行 yc-reports build，通报和各行动报告即采用修改后的文字。")


@app.command("check", cls=_Command)
def check_command(
    paths: list[Path] = typer.Argument(..., help="要校验的工作簿或文件夹（可多个）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出问题清单"),
    plan: Path | None = PlanOption,
    inputs: Path = typer.Option(Path("inputs"), "--inputs",
                                help="各季度报送数据所在文件夹，用于将“整改落实”表与督办台账核对"),
) -> None:
    """校验填报工作簿，列出每个问题所在的工作表和单元格。无错误时退出码为 0，有错误时为 1。"""
    registry = _registry(plan, inputs)
    from yc_reports.intake.discovery import check_paths
    from yc_reports.issues import has_errors
    from yc_reports.pipeline.rectification_check import compare_with_ledger

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageProblem(f"找不到文件或文件夹：{'、'.join(missing)}")
    checked = check_paths(paths, registry)
    compared = compare_with_ledger(registry, checked.results, inputs)
    issues = [issue for result in compared.results for issue in result.issues]
    if as_json:
        text = json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2)
        try:
            text.encode(sys.stdout.encoding or "utf-8")
        except UnicodeEncodeError:  # a GBK console: escapes keep the JSON whole and exact
            text = json.dumps([i.to_dict() for i in issues], ensure_ascii=True, indent=2)
        sys.stdout.write(text + "\n")
    else:
        from yc_reports.cli.check_output import print_check_results
        from yc_reports.render.wording import Wording

        wording = Wording.for_inputs(inputs)
        print_check_results(_console(), compared.results, checked.choices, wording)
        if compared.not_compared:
            _console().print(wording.label("check_ledger_note", quarters=compared.not_compared, inputs=str(inputs)))
    raise typer.Exit(EXIT_PROBLEMS if has_errors(issues) else EXIT_OK)


# Options that `build` and `issue` (and `notices`) share: one declaration, one help text.
QuarterInputsOption = typer.Option(None, "--inputs", help="本季度工作簿文件夹；默认 inputs/季度/", show_default=False)
OutOption = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/", show_default=False)
ReportDateOption = typer.Option(None, "--date", help="印发日期，如 2025-10-10；默认为办公室设定的日期，未设定时为季度结束后次月10日",
                                show_default=False)
PdfOption = typer.Option(False, "--pdf", help="同时用 LibreOffice 生成 PDF（需已安装 LibreOffice）")


@app.command("build", cls=_Command)
def build_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    inputs: Path | None = QuarterInputsOption,
    out: Path | None = OutOption,
    plan: Path | None = PlanOption,
    date: str | None = ReportDateOption,
    pdf: bool = PdfOption,
    draft: bool = typer.Option(False, "--draft", help="已签发的季度：按现有报送文件生成更正稿（默认写入 outputs/季度更正稿/），"
                               "不改动签发稿；核对无误后用 issue --reason 更正"),
) -> None:
    """汇总本季度工作簿，生成各行动报告、通报、汇总表.xlsx 和 summary.json。已签发的季度按签发版本生成。"""
    q, inputs_dir, registry = _quarter_inputs(quarter, inputs, plan, issued_ok=not draft)
    report_date = _date(date)
    from yc_reports.cli.build_output import print_build_result, run_with_progress

    default_out = Path("outputs") / (f"{q}更正稿" if draft else str(q))
    result = run_with_progress(_console(), registry, q, inputs_dir, out or default_out,
                               report_date=report_date, pdf=_pdf_possible(pdf), draft=draft)
    print_build_result(_console(), result, inputs_dir.parent)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@app.command("issue", cls=_Command)
def issue_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    reason: str = typer.Option("", "--reason", help="更正原因：该季度已签发时必填，签发为新的一版（更正）",
                               show_default=False),
    by: str | None = typer.Option(None, "--by", help="签发人（记入办公室记录）；默认为本机用户名", show_default=False),
    inputs: Path | None = QuarterInputsOption,
    out: Path | None = OutOption,
    plan: Path | None = PlanOption,
    date: str | None = ReportDateOption,
    pdf: bool = PdfOption,
) -> None:
    """签发本季度：按报送文件生成通报和各行动报告，并记入办公室记录（督办事项编号、整改时限、亮灯结论从此不再变动）。"""
    q, inputs_dir, registry = _quarter_inputs(quarter, inputs, plan)
    from yc_reports.pipeline.issue import issue_quarter

    console = _console()
    result = issue_quarter(registry, q, inputs_dir, out or Path("outputs") / str(q), by=_operator(by),
                           reason=reason, report_date=_date(date), pdf=_pdf_possible(pdf))
    if not result.ok or result.issuance is None:
        _say(_err_console(), "未能签发：", result.error)
        raise typer.Exit(EXIT_PROBLEMS)
    i = result.issuance
    what = f"更正（第{i.version}版，原因：{i.reason}）" if i.correction else "签发"
    console.print(f"{q.label}已{what}，由{i.issued_by}于{i.issued_at:%Y-%m-%d %H:%M}记入办公室记录；"
                  f"督办事项{len(result.report.ledger) if result.report else 0}项。", markup=False, soft_wrap=True)
    if result.same_as_draft is True:
        console.print("签发稿与此前生成的审阅稿完全一致。", markup=False)
    elif result.same_as_draft is False:
        console.print("注意：签发稿与此前生成的审阅稿不同（报送文件或设置在审阅后有变动），请以签发稿为准。", markup=False)
    console.print(f"已生成 {len(result.files)} 个文件，保存在 {result.out_dir}。", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@app.command("demo", cls=_Command)
def demo_command(
    root: Path = typer.Option(Path("."), "--root", help="示例数据写入的文件夹（其下的 inputs/ 和 outputs/）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成 PDF（需已安装 LibreOffice）"),
) -> None:
    """生成若干季度的示例报送数据（部分行动超前、部分滞后、一家单位未报送），并汇总最近一季度。"""
    from yc_reports.cli.build_output import print_build_result, run_with_progress
    from yc_reports.pipeline.demo import DemoRefused, commit_demo, staged_demo

    console = _console()
    try:
        # made and built in a hidden folder under root; put in place only over files the demo wrote itself
        with staged_demo(root) as demo:
            registry = _registry(None, demo.inputs.inputs_root)
            result = run_with_progress(console, registry, demo.inputs.latest, demo.inputs_dir, demo.out_dir,
                                       report_date=None, pdf=_pdf_possible(pdf))
            placed = commit_demo(demo, result) if result.ok else None
    except DemoRefused as exc:
        raise UsageProblem(str(exc)) from None
    if placed is not None:
        result = placed
        console.print(f"已在 {root / 'inputs'} 生成示例报送数据：{'、'.join(str(q) for q in demo.inputs.quarters)}",
                      markup=False)
    print_build_result(console, result, root / "inputs")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@app.command("notices", cls=_Command)
def notices_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    inputs: Path | None = QuarterInputsOption,
    out: Path | None = OutOption,
    plan: Path | None = PlanOption,
) -> None:
    """生成本季度催报、督办通知（每条不超过300字，可直接用短信、微信发送），写入 outputs/季度/催报督办/ 并显示。"""
    q, inputs_dir, registry = _quarter_inputs(quarter, inputs, plan)
    from yc_reports.pipeline.notices import make_notices

    result = make_notices(registry, q, inputs_dir, out or Path("outputs") / str(q))
    console = _console()
    if not result.ok:
        _say(_err_console(), "未能生成通知：", result.error)
        raise typer.Exit(EXIT_PROBLEMS)
    console.print(f"{q.label}催报督办通知共 {len(result.notices)} 条：", markup=False)
    for i, notice in enumerate(result.notices, start=1):
        console.print(f"\n第{i}条　{notice.kind.value}　发送：{'、'.join(notice.recipients)}（{len(notice.text)}字）",
                      markup=False)
        console.print(notice.text, markup=False, soft_wrap=True)
    console.print("\n已保存：" + "、".join(str(p) for p in result.files), markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@app.command("assess", cls=_Command)
def assess_command(
    year: int = typer.Argument(..., help="考核年度，如 2025（需已有该年第四季度报送数据）"),
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹"),
    out: Path = typer.Option(Path("outputs"), "--out", help="输出文件夹；结果写入其下的“年度考核”文件夹"),
    plan: Path | None = PlanOption,
    date: str | None = typer.Option(None, "--date", help="报告日期，如 2026-01-20；默认为次年1月20日",
                                       show_default=False),
) -> None:
    """年度考核：按计划配置中的考核规则为各行动牵头单位评分、排名，列出每一处扣分依据（.docx 和 .xlsx）。"""
    registry = _registry(plan, inputs)
    from yc_reports.plan.quarter import Quarter

    _require_in_plan(registry, Quarter(year, 4))
    from yc_reports.analysis.assessment import Part
    from yc_reports.pipeline.assessment import make_assessment
    from yc_reports.render.assessment_doc import part_text, total_text
    from yc_reports.render.reports import table_headers
    from yc_reports.render.wording import Wording

    result = make_assessment(registry, year, inputs, out, date=_date(date))
    if not result.ok or result.assessment is None:
        _say(_err_console(), "未能完成年度考核：", result.error)
        raise typer.Exit(EXIT_PROBLEMS)
    from rich.table import Table

    wording = Wording.for_inputs(inputs)
    table = Table(title=f"{year}年度考核得分", title_justify="left")
    for header in table_headers(wording, "assessment_terminal", 8):
        table.add_column(header)
    for s in result.assessment.scores:
        table.add_row(str(s.rank), f"第{s.action.cn_number}项", s.action.lead_units_text,
                      *(part_text(s, p, wording) for p in (Part.INDICATORS, Part.TASKS, Part.REPORTING)),
                      total_text(s),
                      str(len(s.deductions)))
    console = _console()
    console.print(table)
    console.print("已保存：" + "、".join(str(p) for p in result.files), markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@app.command("evaluate", cls=_Command)
def evaluate_command(
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹"),
    out: Path = typer.Option(Path("outputs"), "--out", help="输出文件夹；结果写入其下的“终期评估_起止年份”文件夹"),
    plan: Path | None = PlanOption,
    date: str | None = typer.Option(None, "--date", help="报告日期，如 2026-01-31；默认为最后一个季度结束后次月月末",
                                       show_default=False),
) -> None:
    """终期评估：方案实施期内各量化目标的最终完成情况、指标走势、各行动逐季度亮灯、重点任务按期完成情况（.docx 和 .xlsx）。"""
    registry = _registry(plan, inputs)
    from yc_reports.analysis.evaluation import Outcome, TaskOutcome
    from yc_reports.pipeline.evaluation import make_evaluation

    result = make_evaluation(registry, inputs, out, date=_date(date))
    if not result.ok or result.evaluation is None:
        _say(_err_console(), "未能完成终期评估：", result.error)
        raise typer.Exit(EXIT_PROBLEMS)
    ev = result.evaluation
    console = _console()
    console.print(f"《{registry.plan.name}》终期评估：依据{ev.read[0].label}至{ev.read[-1].label}共{len(ev.read)}个季度的数据。",
                  markup=False, soft_wrap=True)
    console.print("量化目标：" + "，".join(f"{o.label}{ev.count(o)}项" for o in Outcome if ev.count(o)) + "。",
                  markup=False, soft_wrap=True)
    console.print("重点任务：" + "，".join(f"{o.label}{ev.count(o)}项" for o in TaskOutcome if ev.count(o)) + "。",
                  markup=False, soft_wrap=True)
    console.print("已保存：" + "、".join(str(p) for p in result.files), markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


plan_app = typer.Typer(cls=_Group, help="计划配置表：导出为表格供办公室修改、检查导入、开始新一期方案。",
                       no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(plan_app, name="plan")
ForceOption = typer.Option(False, "--force", help="目标文件已存在时覆盖（默认不覆盖）")


@plan_app.command("export", cls=_Command)
def plan_export_command(
    file: Path = typer.Argument(..., help="要写出的表格，如 计划配置.xlsx"),
    plan: Path | None = PlanOption,
    force: bool = ForceOption,
) -> None:
    """把计划配置导出为表格（行动、指标和各年目标、重点任务、评价阈值、考核规则），供在 WPS 或 Excel 中修改。"""
    registry = _registry(plan)
    _refuse_overwrite(file, force)
    from yc_reports.workbook.plan_workbook import write_plan_workbook

    write_plan_workbook(registry, file)
    _console().print(f"已导出《{registry.plan.name}》的计划配置表：{file}", markup=False, soft_wrap=True)
    _console().print(f"修改后运行：yc-reports plan import {file}", markup=False, soft_wrap=True)


@plan_app.command("import", cls=_Command)
def plan_import_command(
    file: Path = typer.Argument(..., help="修改好的计划配置表（.xlsx）"),
    out: Path = typer.Option(Path("inputs") / "plan.toml", "--out", help="写出的计划配置文件"),
    force: bool = ForceOption,
) -> None:
    """检查计划配置表，逐一指出有问题的工作表和单元格；无误时写出计划配置文件（默认 inputs/plan.toml）。"""
    if not file.is_file():
        raise UsageProblem(f"找不到文件：{file}")
    from yc_reports.plan.toml_text import registry_toml
    from yc_reports.workbook.plan_workbook import PlanWorkbookError, read_plan_workbook

    try:
        registry = read_plan_workbook(file)
    except PlanWorkbookError as exc:
        err = _err_console()
        err.print(f"[bold red]计划配置表有 {len(exc.problems)} 处问题，未写出计划配置文件：[/]")
        for problem in exc.problems:
            err.print(f"  {problem.text}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_PROBLEMS) from None
    _refuse_overwrite(out, force)
    from yc_reports.outfiles import write_text

    write_text(out, registry_toml(registry))
    p = registry.plan
    counts = (len(registry.actions), sum(len(a.indicators) for a in registry.actions),
              sum(len(a.tasks) for a in registry.actions))
    _console().print(f"检查无误：《{p.name}》（{p.start_year}—{p.end_year}年），行动{counts[0]}项、指标{counts[1]}项、"
                     f"重点任务{counts[2]}项。已写出 {out}", markup=False, soft_wrap=True)
    _print_without_base(registry, rows=False)


def _print_without_base(registry: Registry, *, rows: bool) -> None:
    """Name every indicator that will not be judged each quarter for want of a base (a Chinese line each)."""
    from yc_reports.render.wording import cached_wording
    from yc_reports.workbook.plan_workbook import without_base

    found = without_base(registry)
    if not found:
        return
    wording = cached_wording()
    console = _console()
    console.print(wording.label("no_base_heading", n=len(found)), markup=False, soft_wrap=True)
    for w in found:
        console.print("  " + wording.label("no_base", w=w, row=rows), markup=False, soft_wrap=True)


@plan_app.command("new", cls=_Command)
def plan_new_command(
    start: int = typer.Argument(..., help="新一期方案的开始年份，如 2026"),
    end: int = typer.Argument(..., help="结束年份，如 2030"),
    out: Path | None = typer.Option(None, "--out", help="写出的计划配置表；默认 计划配置_开始-结束.xlsx",
                                       show_default=False),
    plan: Path | None = PlanOption,
    force: bool = ForceOption,
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹（从其中的办公室记录取基期值）"),
) -> None:
    """以当前方案为基础开始新一期方案：保留行动、牵头单位和指标，年份改为新实施期，各年目标和重点任务留待办公室填写。"""
    registry = _registry(plan, inputs)
    file = out or Path(f"计划配置_{start}-{end}.xlsx")
    _refuse_overwrite(file, force)
    from yc_reports.pipeline.past import PeriodError, next_period
    from yc_reports.plan.quarter import Quarter
    from yc_reports.workbook.plan_workbook import takes_base, write_plan_workbook

    base_quarter = Quarter(start - 1, 4)
    with _record(inputs) as record:
        try:
            fresh, figures = next_period(registry, record, start, end)
        except PeriodError as e:
            raise UsageProblem(str(e)) from None
    write_plan_workbook(fresh, file)
    console = _console()
    console.print(f"已生成《{fresh.plan.name}》计划配置表：{file}", markup=False, soft_wrap=True)
    console.print(f"沿用了{len(fresh.actions)}项行动、{sum(len(a.indicators) for a in fresh.actions)}项指标；"
                  f"请填写“指标”表中各年目标（现均为“待定”）、“重点任务”表和“方案信息”中的文号、印发日期。",
                  markup=False, soft_wrap=True)
    based = [i for a in fresh.actions for i in a.indicators if takes_base(i)]
    from_record = [i for i in based if i.baseline is not None and i.baseline.value and i.key in figures]
    restarted = [i for i in based if i.baseline is not None and i.baseline.value == 0]
    for intro, members in (
            (f"以下指标的基期值（{start - 1}年）已取自办公室记录中{base_quarter.label}签发的数据，请核对：", from_record),
            (f"以下指标按新基期（{start - 1}年）重新起算，基期值为0：", restarted)):
        if members:
            console.print(intro, markup=False, soft_wrap=True)
            for i in members:
                value = f"：{i.baseline.value}{i.unit}" if i in from_record and i.baseline is not None else ""
                console.print(f"  {i.name}{value}", markup=False, soft_wrap=True)
    if not figures:
        console.print(f"（办公室记录中没有{base_quarter.label}签发的数据，无法提供基期值。）", markup=False, soft_wrap=True)
    _print_without_base(fresh, rows=True)
    console.print("然后运行：", markup=False)
    console.print(f"  yc-reports plan import {file} --out inputs/plan.toml", markup=False, soft_wrap=True)
    console.print(f"（当前方案的 inputs/plan.toml 请先另存，如 inputs/plan_{registry.plan.start_year}_{registry.plan.end_year}.toml，"
                  "终期评估时用 --plan 指定。上期方案尚未销号的督办事项将自动转入新一期的填报模板和督办台账。）",
                  markup=False, soft_wrap=True)


record_app = typer.Typer(cls=_Group, help="办公室记录：签发记录、督办事项销号、收文登记、季度日期和文号、导出存档。",
                         no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(record_app, name="record")
RecordInputsOption = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹（办公室记录 record.sqlite 在其中）")
ByOption = typer.Option(None, "--by", help="经办人（记入办公室记录）；默认为本机用户名", show_default=False)


@record_app.command("list", cls=_Command)
def record_list_command(inputs: Path = RecordInputsOption) -> None:
    """列出已签发的季度：版次、签发人和时间、更正原因、印发日期和文号。"""
    from rich.table import Table

    with _record(inputs) as record:
        issuances = record.issuances()
    if not issuances:
        _console().print(f"{inputs} 中尚无签发记录：各季度均为审阅稿。签发请运行 yc-reports issue 季度。", markup=False)
        raise typer.Exit(EXIT_OK)
    table = Table(title="签发记录", title_justify="left")
    for header in ("季度", "版次", "签发人", "签发时间", "印发日期", "文号", "更正原因"):
        table.add_column(header, overflow="fold")
    for i in issuances:
        table.add_row(i.quarter.label, f"第{i.version}版", i.issued_by, f"{i.issued_at:%Y-%m-%d %H:%M}",
                      i.report_date.isoformat(), i.doc_number, i.reason)
    _console().print(table)
    raise typer.Exit(EXIT_OK)


@record_app.command("export", cls=_Command)
def record_export_command(
    file: Path = typer.Argument(..., help="要写出的表格，如 办公室记录.xlsx"),
    inputs: Path = RecordInputsOption,
    force: bool = typer.Option(False, "--force", help="目标文件已存在时覆盖（默认不覆盖）"),
) -> None:
    """把办公室记录（签发、更正、督办台账、收文登记、季度设置、销号）导出为表格存档。"""
    _refuse_overwrite(file, force)
    from yc_reports.render.record_xlsx import write_record_workbook
    from yc_reports.render.wording import Wording

    with _record(inputs) as record:
        if not record.exists:
            raise UsageProblem(f"{inputs} 中没有办公室记录（record.sqlite）：尚未签发任何季度。")
        write_record_workbook(record, file, Wording.for_inputs(inputs))
    _console().print(f"已导出办公室记录：{file}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@record_app.command("receipt", cls=_Command)
def record_receipt_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    action: int = typer.Argument(..., help="行动序号，如 3"),
    date: str = typer.Option(..., "--date", help="办公室收到报送材料的日期，如 2025-10-09"),
    file: Path | None = typer.Option(None, "--file", help="收到的工作簿（据其内容认定是哪一份）；不指定时适用于该行动本季度采用的工作簿",
                                     show_default=False),
    note: str = typer.Option("", "--note", help="备注，如“邮件报送”"),
    by: str | None = ByOption,
    inputs: Path = RecordInputsOption,
    plan: Path | None = PlanOption,
) -> None:
    """登记办公室收到报送材料的日期（邮件、U 盘等报送系统以外的方式收到时）：逾期与否以此为准，而非单位自填的填报日期。"""
    import datetime as dt
    import hashlib

    from yc_reports.record.store import CN_TZ, ReceiptSource

    q = _quarter(quarter)
    registry = _registry(plan, inputs)
    try:
        act = registry.action(action)
    except KeyError:
        raise UsageProblem(f"方案中没有第{action}项行动。") from None
    day = _date(date)
    assert day is not None
    if file is not None and not file.is_file():
        raise UsageProblem(f"找不到文件：{file}")
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file is not None else ""
    with _record(inputs) as record:
        record.add_receipt(
            q, action, received_at=dt.datetime.combine(day, dt.time(), CN_TZ), source=ReceiptSource.OFFICE,
            entered_by=_operator(by), unit=act.lead_units_text, file_name=file.name if file else "", sha256=digest,
            note=note)
    _console().print(f"已登记：{q.label}第{act.cn_number}项（{act.lead_units_text}）报送材料于{day.year}年{day.month}月{day.day}日收到。",
                     markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@record_app.command("close", cls=_Command)
def record_close_command(
    item: str = typer.Argument(..., help="督办编号，如 2025Q3-03-1"),
    reason: str = typer.Option(..., "--reason", help="销号理由，如“经现场核实已整改到位”"),
    quarter: str | None = typer.Option(None, "--quarter", help="销号生效的季度（尚未签发）；默认为最近签发季度的下一季度",
                                       show_default=False),
    by: str | None = ByOption,
    inputs: Path = RecordInputsOption,
) -> None:
    """由办公室对督办事项销号（写明理由）；自指定季度起该事项为“已销号”。"""
    with _record(inputs) as record:
        issued = record.issued_quarters()
        if quarter is not None:
            q = _quarter(quarter)
        elif issued:
            q = issued[-1].next()
        else:
            raise UsageProblem("尚未签发任何季度，请用 --quarter 指定销号生效的季度。")
        known = {row.item_id for i in record.issuances() for row in record.ledger(i)}
        if item not in known:
            raise UsageProblem(f"办公室记录中没有督办编号为 {item} 的事项（只能对已签发的督办事项销号）。")
        record.close_item(item, q, reason=reason, by=_operator(by))
    _console().print(f"已记录：督办事项 {item} 自{q.label}起销号（理由：{reason.strip()}）。", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


@record_app.command("settings", cls=_Command)
def record_settings_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    deadline: str | None = typer.Option(None, "--deadline", help="报送截止日期，如 2025-10-10", show_default=False),
    date: str | None = typer.Option(None, "--date", help="印发日期，如 2025-10-15", show_default=False),
    number: str | None = typer.Option(None, "--number", help="文号，如 宜降碳办〔2025〕12号", show_default=False),
    by: str | None = ByOption,
    inputs: Path = RecordInputsOption,
) -> None:
    """设定或查看本季度的报送截止日期、印发日期和文号（报送系统中设定的与此相同）：生成、催报、督办和考核都以此为准。"""
    from yc_reports.analysis.checks import default_deadline, default_report_date

    q = _quarter(quarter)
    with _record(inputs) as record:
        current = record.settings(q)
        if deadline is not None or date is not None or number is not None:
            if record.latest(q) is not None:
                raise UsageProblem(f"{q.label}已签发，其日期和文号以签发记录为准，不能再改。")
            current = record.set_settings(
                q, by=_operator(by), deadline=_date(deadline) if deadline is not None else current.deadline,
                report_date=_date(date) if date is not None else current.report_date,
                doc_number=number if number is not None else current.doc_number)
    shown_deadline = current.deadline or default_deadline(q)
    shown_date = current.report_date or default_report_date(q)
    _console().print(f"{q.label}：报送截止日期 {shown_deadline.isoformat()}{'' if current.deadline else '（默认）'}，"
                     f"印发日期 {shown_date.isoformat()}{'' if current.report_date else '（默认）'}，"
                     f"文号 {current.doc_number or '按公文格式设置生成'}。", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_OK)


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise UsageProblem(f"{path} 已存在，未作改动。如需覆盖，请加 --force。")


@app.command("serve", cls=_Command)
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="监听地址；默认只允许本机访问。供各单位通过局域网访问时，设为本机的局域网地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    data: Path = typer.Option(Path("portal-data"), "--data", help="数据文件夹：数据库、各单位上传的工作簿、汇总结果"),
    plan: Path | None = PlanOption,
    new_admin_link: bool = typer.Option(False, "--new-admin-link", help="重新生成管理页面链接（原链接随即失效）"),
    public_url: str | None = typer.Option(None, "--public-url",
                                             help="各单位访问本系统的地址（如 https://10.1.2.3:8443），发给单位的链接按此生成"),
    certfile: Path | None = typer.Option(None, "--certfile", help="HTTPS 证书文件（PEM）；与 --keyfile 一起使用"),
    keyfile: Path | None = typer.Option(None, "--keyfile", help="HTTPS 私钥文件（PEM）"),
) -> None:
    """启动报送系统网站：各单位下载预填模板、上传工作簿并即时校验；办公室查看报送情况、催报、汇总。"""
    import errno
    import socket

    registry = _registry(plan, data / "inputs")
    if (certfile is None) != (keyfile is None):
        raise UsageProblem("启用 HTTPS 需同时指定 --certfile 和 --keyfile。")
    for given in (certfile, keyfile):
        if given is not None and not given.is_file():
            raise UsageProblem(f"找不到文件：{given}")
    scheme = "https" if certfile else "http"
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise UsageProblem(f"--public-url“{public_url}”应以 http:// 或 https:// 开头，如 https://10.1.2.3:{port}")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        reason = "该端口已被占用" if exc.errno == errno.EADDRINUSE else "该地址不是本机地址，或无权使用该端口"
        raise UsageProblem(f"无法在 {host}:{port} 上启动：{reason}。请用 --port 指定其他端口，"
                           "或用 --host 指定本机地址。") from None
    import uvicorn

    from yc_reports.portal.app import create_app

    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    origin = (public_url or f"{scheme}://{shown_host}:{port}").rstrip("/")
    web_app = create_app(data, registry, public_url=origin)
    portal = web_app.state.portal
    token = portal.new_admin_token() if new_admin_link else portal.ensure_admin_token()
    console = _console()
    console.print(f"报送系统已启动：{origin}/　数据文件夹：{data.resolve()}", markup=False, soft_wrap=True)
    if token:
        console.print(f"管理页面链接（凭此链接即可管理，请妥善保管）：{origin}/admin/{token}",
                      markup=False, soft_wrap=True)
    else:
        console.print("管理页面链接已在首次启动时显示。如已遗失，请加 --new-admin-link 重新启动，生成新链接（原链接随即失效）。",
                      markup=False, soft_wrap=True)
    console.print("各单位的报送链接请在管理页面“单位与链接”中生成。按 Ctrl+C 停止。", markup=False, soft_wrap=True)
    # the access log would print every unit's link (the token is in the path): keep it off
    uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False,
                ssl_certfile=str(certfile) if certfile else None, ssl_keyfile=str(keyfile) if certfile else None)


def _pdf_possible(wanted: bool) -> bool:
    """--pdf without LibreOffice: say so plainly and build the .docx files all the same."""
    if not wanted:
        return False
    from rich.text import Text

    from yc_reports.render.pdf import soffice_path, unavailable_message

    if soffice_path() is None:
        _err_console().print(Text.assemble(("提示：", "yellow"), unavailable_message(), "本次只生成 .docx 文件。"))
        return False
    return True


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(f"日期“{text}”格式不正确，应写作如 2025-10-10") from None


def main() -> None:
    """Console entry point: no traceback ever reaches the user."""
    try:
        _run()
    finally:
        # Nothing runs after this: moving every object out of the collector's reach spares the
        # interpreter's final sweep (≈0.1 s on a build). Only here: the portal is a long-lived process.
        gc.freeze()


def _say(console: Console, title: str, message: str) -> None:
    """A title in bold red, then the message as it is (never read as rich markup: it may hold "[")."""
    from rich.text import Text

    console.print(Text.assemble((title, "bold red"), message))


def _run() -> None:
    from yc_reports.outfiles import WriteError

    safe_streams()
    try:
        # standalone_mode=False: typer returns the code of a typer.Exit and raises its usage errors
        # instead of printing them in English and exiting itself
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageProblem as exc:
        _say(_err_console(), "错误：", str(exc))
        sys.exit(EXIT_USAGE)
    except WriteError as exc:  # a file held open in WPS/Excel, a read-only folder, a full disk: nothing changed
        _say(_err_console(), "未能写出：", str(exc))
        sys.exit(EXIT_PROBLEMS)
    except click.ClickException as exc:  # click's errors: bad usage (its exit code 2), unreadable file
        message = _usage_message(exc)
        if message:
            _say(_err_console(), "用法错误：", f"{message}。可运行 yc-reports --help 查看用法。")
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        _err_console().print("已中止。")
        sys.exit(130)
    except Exception as exc:  # anything unforeseen (its name and traceback go to the log, not to the user)
        from yc_reports.record.store import RecordError

        if isinstance(exc, RecordError):   # the office's record damaged or newer: the user's to fix (imported here,
            _say(_err_console(), "错误：", str(exc))   # not at start-up: most commands never open it)
            sys.exit(EXIT_PROBLEMS)
        from yc_reports.errorlog import internal_error_text

        _err_console().print(internal_error_text("运行", exc), markup=False)
        sys.exit(EXIT_USAGE)


def _usage_words() -> tuple[tuple[type[Exception], str], ...]:
    """click's public error classes, most specific first, with the Chinese words for each.

    typer < 0.26 runs on click itself. (typer ≥ 0.26 vendors click, hides these classes and converts every
    parameter through pydantic, which alone costs `check` ~65 ms of start-up: see README, performance.)
    """
    errors = click.exceptions

    return (
        (errors.NoArgsIsHelpError, ""),  # the help has been shown: it says everything
        (errors.MissingParameter, "缺少必填参数"),
        (errors.NoSuchOption, "没有这个选项"),
        (errors.BadOptionUsage, "选项用法有误"),
        (errors.BadArgumentUsage, "参数用法有误"),
        (typer.BadParameter, "参数取值有误"),
        (errors.UsageError, "命令用法有误"),
    )


def _usage_message(exc: click.ClickException) -> str:
    """What the user is told: the kind of mistake in Chinese, typer's detail (names and values) after it."""
    for cls, words in _usage_words():
        if isinstance(exc, cls):
            return f"{words}（{exc.format_message()}）" if words else ""
    return exc.format_message()


if __name__ == "__main__":
    main()
