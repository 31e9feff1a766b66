"""The CLI as a user meets it: documented commands, Chinese usage errors with exit 2, --pdf without LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from yc_reports.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=300)


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def panel_titles(help_text: str) -> list[str]:
    return [line.split("─ ", 1)[1].split(" ─")[0] for line in help_text.splitlines() if line.startswith("╭─ ")]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_and_has_help(command, tmp_path):
    assert f"yc-reports {command}" in README
    result = run(command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout), "help text should be Chinese"
    titles = panel_titles(result.stdout)
    assert titles and set(titles) <= {"参数", "选项"}, titles
    assert "显示本帮助并退出。" in result.stdout


def test_the_command_list_reads_in_chinese(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert panel_titles(result.stdout) == ["选项", "命令"]


def test_no_command_shows_the_help_and_exits_2(tmp_path):
    result = run(cwd=tmp_path)
    assert result.returncode == 2
    assert panel_titles(result.stdout + result.stderr) == ["选项", "命令"]
    assert "用法错误" not in result.stderr, "the help says it all: no empty error line after it"


@pytest.mark.parametrize("args, words", [
    (("build", "2025Q9"), "格式不正确"),
    (("build",), "缺少必填参数"),
    (("build", "2025Q3", "--no-such-option"), "没有这个选项"),
    (("templates", "2031Q1"), "不在方案实施期"),
    (("build", "2025Q3"), "找不到本季度工作簿文件夹"),
    (("check", "nothere.xlsx"), "找不到文件或文件夹"),
])
def test_usage_problems_exit_2_with_a_chinese_message(args, words, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_broken_office_registry_is_named_not_ignored(tmp_path):
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "plan.toml").write_text("[plan]\nid = 'x'\n", encoding="utf-8")
    result = run("templates", "2025Q3", cwd=tmp_path)
    assert result.returncode == 2
    assert "plan.toml" in result.stderr and "缺少此项" in result.stderr


def test_pdf_without_libreoffice_says_so_and_still_builds(demo_build, tmp_path):
    shutil.copytree(demo_build.root / "inputs", tmp_path / "inputs")  # the demo's inputs (tests/conftest.py)
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no soffice on this PATH
    result = run("build", "2025Q3", "--pdf", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "未安装 LibreOffice" in result.stderr
    out = tmp_path / "outputs" / "2025Q3"
    assert len(list(out.rglob("*.docx"))) == 11
    assert not list(out.rglob("*.pdf"))


def test_demo_never_writes_over_the_offices_inputs(tmp_path):
    real = tmp_path / "inputs" / "2025Q3"
    real.mkdir(parents=True)
    workbook = real / "2025Q3_第03项_建设绿色制造体系_市经信局.xlsx"
    workbook.write_bytes(b"the unit's real workbook")
    result = run("demo", cwd=tmp_path)
    assert result.returncode == 2
    assert "不会覆盖" in result.stderr
    assert workbook.read_bytes() == b"the unit's real workbook"
    assert not (tmp_path / "inputs" / "plan.toml").exists()


def test_demo_runs_again_in_its_own_folder(demo_build, tmp_path):
    # the folder as a first `yc-reports demo` leaves it (the session's demo build: the same two steps)
    for part in ("inputs", "outputs"):
        shutil.copytree(demo_build.root / part, tmp_path / part)
    again = run("demo", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    out = tmp_path / "outputs" / str(demo_build.inputs.latest)
    assert (out / "summary.json").read_bytes() == demo_build.files["summary.json"]
