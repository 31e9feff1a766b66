"""The 考核督办 commands as a user meets them: Chinese messages, exit codes 0/1/2, nothing overwritten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("command", ["export", "import", "new"])
def test_plan_subcommands_have_chinese_help(command, tmp_path):
    result = run("plan", command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "计划配置" in result.stdout


def test_assess_without_the_fourth_quarter_exits_1_and_writes_nothing(tmp_path):
    (tmp_path / "inputs").mkdir()
    result = run("assess", "2025", cwd=tmp_path)
    assert result.returncode == 1
    assert "找不到2025年第四季度的报送文件夹" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "outputs" / "2025年度考核").exists()


def test_assess_a_year_outside_the_plan_is_a_usage_problem(tmp_path):
    result = run("assess", "2027", cwd=tmp_path)
    assert result.returncode == 2 and "不在方案实施期" in result.stderr


def test_evaluate_without_any_quarter_exits_1(tmp_path):
    (tmp_path / "inputs").mkdir()
    result = run("evaluate", cwd=tmp_path)
    assert result.returncode == 1 and "无法开展终期评估" in result.stderr


def test_plan_export_import_round_trip_refuses_to_overwrite(tmp_path):
    assert run("plan", "export", "p.xlsx", cwd=tmp_path).returncode == 0
    again = run("plan", "export", "p.xlsx", cwd=tmp_path)
    assert again.returncode == 2 and "已存在，未作改动" in again.stderr
    first = run("plan", "import", "p.xlsx", "--out", "plan.toml", cwd=tmp_path)
    assert first.returncode == 0 and "检查无误" in first.stdout
    before = (tmp_path / "plan.toml").read_bytes()
    second = run("plan", "import", "p.xlsx", "--out", "plan.toml", cwd=tmp_path)
    assert second.returncode == 2 and (tmp_path / "plan.toml").read_bytes() == before
    assert run("plan", "import", "p.xlsx", "--out", "plan.toml", "--force", cwd=tmp_path).returncode == 0


def test_plan_import_of_a_broken_workbook_exits_1_naming_the_cell(tmp_path):
    import openpyxl

    assert run("plan", "export", "p.xlsx", cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    wb["评价阈值"].cell(2, 2).value = "十"
    wb.save(tmp_path / "p.xlsx")
    result = run("plan", "import", "p.xlsx", "--out", "plan.toml", cwd=tmp_path)
    assert result.returncode == 1 and "“评价阈值”表B2：应填数字，实际为“十”" in result.stderr
    assert not (tmp_path / "plan.toml").exists()


def test_plan_new_must_follow_the_current_plan(tmp_path):
    result = run("plan", "new", "2024", "2028", cwd=tmp_path)
    assert result.returncode == 2 and "结束后开始" in result.stderr
    result = run("plan", "new", "2026", "2030", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "计划配置_2026-2030.xlsx").is_file()


@pytest.mark.parametrize("args", [("record", "list"), ("record", "settings", "2025Q3"), ("templates", "2025Q4")])
def test_a_damaged_record_is_said_in_chinese_with_its_path_whole(tmp_path, args):
    # a folder name with brackets (as offices name drafts) is printed as it is, never read as markup
    inputs = tmp_path / "[draft]报送"
    (inputs / "2025Q3").mkdir(parents=True)
    (inputs / "record.sqlite").write_bytes(b"not a database at all" * 100)
    result = run(*args, "--inputs", str(inputs), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    said = result.stderr.replace("\n", "")      # the console wraps long lines
    assert said.startswith("错误：办公室记录") and "[draft]报送" in said and "Traceback" not in said
    assert (inputs / "record.sqlite").read_bytes() == b"not a database at all" * 100
