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


def _quarter_inputs(quarter: str, inputs: Path | None, plan: Path | None) -> tuple[Quarter, Path, Registry]:
    """The quarter, its inputs folder (default inputs/QUARTER/) and the plan that covers it; a usage problem
    when the quarter is outside the plan or the folder is missing."""
    q = _quarter(quarter)
    inputs_dir = inputs or Path("inputs") / str(q)
    registry = _registry(plan, inputs_dir.parent)
    _require_in_plan(registry, q)
    if not inputs_dir.is_dir():
        raise UsageProblem(f"找不到本季度工作簿文件夹：{inputs_dir}")
    return q, inputs_dir, registry


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
    from yc_reports.pipeline.supervision import template_rectifications
    from yc_reports.workbook.writer import write_templates

    out_dir = out or Path("outputs") / str(q) / "templates"
    rectifications = template_rectifications(registry, q, inputs)
    written = write_templates(registry, q, out_dir, inputs, rectifications=rectifications)
    console = _console()
    console.print(f"已生成{q.label}填报模板 {len(written)} 份，保存在 {out_dir}：")
    for path in written:
        console.print(f"  {path.name}")
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
) -> None:
    """校验填报工作簿，列出每个问题所在的工作表和单元格。无错误时退出码为 0，有错误时为 1。"""
    registry = _registry(plan)
    from yc_reports.intake.discovery import check_paths
    from yc_reports.issues import has_errors

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageProblem(f"找不到文件或文件夹：{'、'.join(missing)}")
    checked = check_paths(paths, registry)
    issues = [issue for result in checked.results for issue in result.issues]
    if as_json:
        sys.stdout.write(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2) + "\n")
    else:
        from yc_reports.cli.check_output import print_check_results
        from yc_reports.render.wording import Wording

        print_check_results(_console(), checked.results, checked.choices, Wording.for_inputs(Path("inputs")))
    raise typer.Exit(EXIT_PROBLEMS if has_errors(issues) else EXIT_OK)


@app.command("build", cls=_Command)
def build_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    inputs: Path | None = typer.Option(None, "--inputs", help="本季度工作簿文件夹；默认 inputs/季度/", show_default=False),
    out: Path | None = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/", show_default=False),
    plan: Path | None = PlanOption,
    date: str | None = typer.Option(None, "--date", help="印发日期，如 2025-10-10；默认为季度结束后次月10日",
                                       show_default=False),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 生成 PDF（需已安装 LibreOffice）"),
) -> None:
    """汇总本季度工作簿，生成各行动报告、通报、汇总表.xlsx 和 summary.json。"""
    q, inputs_dir, registry = _quarter_inputs(quarter, inputs, plan)
    report_date = _date(date)
    from yc_reports.cli.build_output import print_build_result, run_with_progress

    result = run_with_progress(_console(), registry, q, inputs_dir, out or Path("outputs") / str(q),
                               report_date=report_date, pdf=_pdf_possible(pdf))
    print_build_result(_console(), result, inputs_dir.parent)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@app.command("demo", cls=_Command)
def demo_command(
    root: Path = typer.Option(Path("."), "--root", help="示例数据写入的文件夹（其下的 inputs/ 和 outputs/）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时生成 PDF（需已安装 LibreOffice）"),
) -> None:
    """生成若干季度的示例报送数据（部分行动超前、部分滞后、一家单位未报送），并汇总最近一季度。"""
    from yc_reports.cli.build_output import print_build_result, run_with_progress
    from yc_reports.pipeline.demo import DemoRefused, create_demo_inputs

    try:
        demo = create_demo_inputs(root)
    except DemoRefused as exc:
        raise UsageProblem(str(exc)) from None
    console = _console()
    console.print(f"已在 {root / 'inputs'} 生成示例报送数据：{'、'.join(str(q) for q in demo.quarters)}")
    registry = _registry(None, root / "inputs")
    result = run_with_progress(console, registry, demo.latest, root / "inputs" / str(demo.latest),
                               root / "outputs" / str(demo.latest), report_date=None, pdf=_pdf_possible(pdf))
    print_build_result(console, result, root / "inputs")
    raise typer.Exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@app.command("notices", cls=_Command)
def notices_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    inputs: Path | None = typer.Option(None, "--inputs", help="本季度工作簿文件夹；默认 inputs/季度/", show_default=False),
    out: Path | None = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/", show_default=False),
    plan: Path | None = PlanOption,
) -> None:
    """生成本季度催报、督办通知（每条不超过300字，可直接用短信、微信发送），写入 outputs/季度/催报督办/ 并显示。"""
    q, inputs_dir, registry = _quarter_inputs(quarter, inputs, plan)
    from yc_reports.pipeline.notices import make_notices

    result = make_notices(registry, q, inputs_dir, out or Path("outputs") / str(q))
    console = _console()
    if not result.ok:
        _err_console().print(f"[bold red]未能生成通知：[/]{result.error}", markup=True)
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
        _err_console().print(f"[bold red]未能完成年度考核：[/]{result.error}")
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
        _err_console().print(f"[bold red]未能完成终期评估：[/]{result.error}")
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
    from yc_reports.pipeline.staging import write_text_whole

    write_text_whole(out, registry_toml(registry), overwrite=True)
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
) -> None:
    """以当前方案为基础开始新一期方案：保留行动、牵头单位和指标，年份改为新实施期，各年目标和重点任务留待办公室填写。"""
    if end < start:
        raise UsageProblem(f"结束年份 {end} 早于开始年份 {start}")
    registry = _registry(plan)
    if start <= registry.plan.end_year:
        raise UsageProblem(f"新一期方案应在当前方案（{registry.plan.start_year}—{registry.plan.end_year}年）结束后开始，"
                           f"{start}年不在其后")
    file = out or Path(f"计划配置_{start}-{end}.xlsx")
    _refuse_overwrite(file, force)
    from yc_reports.workbook.plan_workbook import new_period, write_plan_workbook

    fresh = new_period(registry, start, end)
    write_plan_workbook(fresh, file)
    console = _console()
    console.print(f"已生成《{fresh.plan.name}》计划配置表：{file}", markup=False, soft_wrap=True)
    console.print(f"沿用了{len(fresh.actions)}项行动、{sum(len(a.indicators) for a in fresh.actions)}项指标；"
                  f"请填写“指标”表中各年目标（现均为“待定”）、“重点任务”表和“方案信息”中的文号、印发日期，然后运行：",
                  markup=False, soft_wrap=True)
    console.print(f"  yc-reports plan import {file} --out inputs/plan.toml", markup=False, soft_wrap=True)
    console.print(f"（当前方案的 inputs/plan.toml 请先另存，如 inputs/plan_{registry.plan.start_year}_{registry.plan.end_year}.toml，"
                  "终期评估时用 --plan 指定。）", markup=False, soft_wrap=True)
    _print_without_base(fresh, rows=True)


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
    from yc_reports.render.pdf import UNAVAILABLE, soffice_path

    if soffice_path() is None:
        _err_console().print(f"[yellow]提示：[/]{UNAVAILABLE}本次只生成 .docx 文件。")
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


def _run() -> None:
    try:
        # standalone_mode=False: typer returns the code of a typer.Exit and raises its usage errors
        # instead of printing them in English and exiting itself
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageProblem as exc:
        _err_console().print(f"[bold red]错误：[/]{exc}")
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:  # click's errors: bad usage (its exit code 2), unreadable file
        message = _usage_message(exc)
        if message:
            _err_console().print(f"[bold red]用法错误：[/]{message}。可运行 yc-reports --help 查看用法。")
        sys.exit(EXIT_USAGE)
    except (KeyboardInterrupt, typer.Abort):
        _err_console().print("已中止。")
        sys.exit(130)
    except Exception as exc:  # anything unforeseen
        import tempfile
        import traceback

        log = Path(tempfile.gettempdir()) / "yc-reports-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        _err_console().print(
            f"[bold red]程序内部错误[/]（{type(exc).__name__}），本次未写出任何结果。"
            f"详细信息已记录在 {log}，请将该文件发送给系统维护人员。")
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
