"""The `yc-reports` command: parses arguments, calls the library, prints. Nothing else.

Heavy libraries (openpyxl, matplotlib, python-docx) are imported inside the commands that use them,
so `yc-reports --help` answers at once.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperCommand, TyperGroup

HELP_TEXT = "显示本帮助并退出。"


class _ChineseHelp:
    """typer words its --help option in English; ours reads in Chinese like the rest."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_help(self, ctx, formatter):
        from typer import rich_utils  # imports rich: only when help is shown

        rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
        rich_utils.OPTIONS_PANEL_TITLE = "选项"
        rich_utils.COMMANDS_PANEL_TITLE = "命令"
        return super().format_help(ctx, formatter)


class _Group(_ChineseHelp, TyperGroup):
    pass


class _Command(_ChineseHelp, TyperCommand):
    pass


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


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _quarter(text: str):
    from yc_reports.plan.quarter import Quarter, QuarterError

    try:
        return Quarter.parse(text)
    except QuarterError as exc:
        raise UsageProblem(str(exc)) from None


def _registry(plan: Optional[Path], inputs_root: Path = Path("inputs")):
    from yc_reports.plan.registry import RegistryError, resolve_registry

    try:
        return resolve_registry(plan, inputs_root)
    except RegistryError as exc:
        raise UsageProblem(str(exc)) from None


def _require_in_plan(registry, quarter) -> None:
    if not registry.covers(quarter):
        raise UsageProblem(
            f"{quarter.label}不在方案实施期（{registry.plan.start_year}—{registry.plan.end_year}年）内。"
            "如需调度新一期方案，请用 --plan 指定新的计划配置文件。")


@app.command("templates", cls=_Command)
def templates_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    out: Optional[Path] = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/templates/", show_default=False),
    inputs: Path = typer.Option(Path("inputs"), "--inputs", help="各季度报送工作簿所在文件夹（用于预填上季度数据）"),
    plan: Optional[Path] = PlanOption,
) -> None:
    """生成本季度各行动的填报模板（已预填目标和上季度数据）。"""
    q = _quarter(quarter)
    registry = _registry(plan, inputs)
    _require_in_plan(registry, q)
    from yc_reports.workbook.writer import write_templates

    out_dir = out or Path("outputs") / str(q) / "templates"
    written = write_templates(registry, q, out_dir, inputs)
    console = _console()
    console.print(f"已生成{q.label}填报模板 {len(written)} 份，保存在 {out_dir}：")
    for path in written:
        console.print(f"  {path.name}")


@app.command("check", cls=_Command)
def check_command(
    paths: list[Path] = typer.Argument(..., help="要校验的工作簿或文件夹（可多个）"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出问题清单"),
    plan: Optional[Path] = PlanOption,
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

        print_check_results(_console(), checked.results, checked.choices)
    raise typer.Exit(EXIT_PROBLEMS if has_errors(issues) else EXIT_OK)


@app.command("build", cls=_Command)
def build_command(
    quarter: str = typer.Argument(..., help="季度，如 2025Q3"),
    inputs: Optional[Path] = typer.Option(None, "--inputs", help="本季度工作簿文件夹；默认 inputs/季度/", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", help="输出文件夹；默认 outputs/季度/", show_default=False),
    plan: Optional[Path] = PlanOption,
    date: Optional[str] = typer.Option(None, "--date", help="印发日期，如 2025-10-10；默认为季度结束后次月10日",
                                       show_default=False),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 生成 PDF（需已安装 LibreOffice）"),
) -> None:
    """汇总本季度工作簿，生成各行动报告、通报、汇总表.xlsx 和 summary.json。"""
    q = _quarter(quarter)
    inputs_dir = inputs or Path("inputs") / str(q)
    registry = _registry(plan, inputs_dir.parent)
    _require_in_plan(registry, q)
    if not inputs_dir.is_dir():
        raise UsageProblem(f"找不到本季度工作簿文件夹：{inputs_dir}")
    report_date = _date(date)
    from yc_reports.cli.build_output import print_build_result, run_with_progress

    result = run_with_progress(_console(), registry, q, inputs_dir, out or Path("outputs") / str(q),
                               report_date=report_date, pdf=_pdf_possible(pdf))
    print_build_result(_console(), result)
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
    print_build_result(console, result)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_PROBLEMS)


@app.command("serve", cls=_Command)
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="监听地址；默认只允许本机访问。供各单位通过局域网访问时，设为本机的局域网地址"),
    port: int = typer.Option(8000, "--port", help="监听端口"),
    data: Path = typer.Option(Path("portal-data"), "--data", help="数据文件夹：数据库、各单位上传的工作簿、汇总结果"),
    plan: Optional[Path] = PlanOption,
    new_admin_link: bool = typer.Option(False, "--new-admin-link", help="重新生成管理页面链接（原链接随即失效）"),
    public_url: Optional[str] = typer.Option(None, "--public-url",
                                             help="各单位访问本系统的地址（如 https://10.1.2.3:8443），发给单位的链接按此生成"),
    certfile: Optional[Path] = typer.Option(None, "--certfile", help="HTTPS 证书文件（PEM）；与 --keyfile 一起使用"),
    keyfile: Optional[Path] = typer.Option(None, "--keyfile", help="HTTPS 私钥文件（PEM）"),
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
    ssl = {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)} if certfile else {}
    uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False, **ssl)


def _pdf_possible(wanted: bool) -> bool:
    """--pdf without LibreOffice: say so plainly and build the .docx files all the same."""
    if not wanted:
        return False
    from yc_reports.render.pdf import UNAVAILABLE, soffice_path

    if soffice_path() is None:
        _err_console().print(f"[yellow]提示：[/]{UNAVAILABLE}本次只生成 .docx 文件。")
        return False
    return True


def _date(text: Optional[str]):
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
        import gc

        gc.freeze()


def _run() -> None:
    try:
        # standalone_mode=False: click returns the code of a typer.Exit instead of exiting itself
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageProblem as exc:
        _err_console().print(f"[bold red]错误：[/]{exc}")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        _err_console().print("已中止。")
        sys.exit(130)
    except Exception as exc:  # usage errors from typer's click, and anything unforeseen
        if _is_usage_error(exc):
            _err_console().print(f"[bold red]用法错误：[/]{_usage_message(exc)}。可运行 yc-reports --help 查看用法。")
            sys.exit(EXIT_USAGE)
        if type(exc).__name__ == "Abort":
            sys.exit(130)
        log = Path(tempfile.gettempdir()) / "yc-reports-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        _err_console().print(
            f"[bold red]程序内部错误[/]（{type(exc).__name__}），本次未写出任何结果。"
            f"详细信息已记录在 {log}，请将该文件发送给系统维护人员。")
        sys.exit(EXIT_USAGE)


# typer vendors click (typer._click), so usage errors are recognised by shape, not by import.
_USAGE_WORDS = {
    "MissingParameter": "缺少必填参数",
    "NoSuchOption": "没有这个选项",
    "BadParameter": "参数取值有误",
    "BadOptionUsage": "选项用法有误",
    "BadArgumentUsage": "参数用法有误",
    "UsageError": "命令用法有误",
}


def _is_usage_error(exc: Exception) -> bool:
    return any(cls.__name__ in _USAGE_WORDS or cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def _usage_message(exc: Exception) -> str:
    for cls in type(exc).__mro__:
        if cls.__name__ in _USAGE_WORDS:
            detail = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            return f"{_USAGE_WORDS[cls.__name__]}（{detail}）"
    return str(exc)

if __name__ == "__main__":
    main()
