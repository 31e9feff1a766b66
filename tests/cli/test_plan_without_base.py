"""`plan import` and `plan new` name every indicator that will not be judged each quarter for want of a base
(docs/rules.md, "Not judged this quarter"): a Chinese line each; setting a base takes it off the list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from yc_reports.plan.registry import load_registry
from yc_reports.workbook.plan_workbook import INDICATOR_HEADERS, SHEET_INDICATORS, without_base

# The shipped plan's levels and rates (kind "level"), none with a base's figure: 一's three reduction rates, 四's two
# coverages, 五's three rates, 八's growth and scale (its 2020 base year set, the figure not).
LEVELS = ["单位GDP能源消耗降低率", "单位GDP二氧化碳排放降低率", "主要污染物排放下降率", "规模以上企业研发机构覆盖率",
          "规模以上企业研发活动覆盖率", "重点河流主要控制断面生态基流保证率", "万元GDP用水量下降率",
          "重要河湖水功能区水质达标率", "全市绿色融资规模增速", "全市绿色融资规模"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_every_level_without_a_base_is_named():
    found = without_base(load_registry())
    assert [w.name for w in found] == LEVELS
    energy = found[0]
    assert (energy.action_id, energy.target_years, energy.multiple, energy.row) == (1, (2023, 2025), False, 2)
    assert found[-1].multiple   # 2 × the 2020 figure: no target until the figure is filled in


def test_plan_import_names_each_and_a_base_set_takes_it_off(tmp_path):
    assert run("plan", "export", "p.xlsx", cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    ws = wb[SHEET_INDICATORS]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == "规模以上企业研发活动覆盖率")
    ws.cell(row, headers.index("基期年份") + 1).value = 2020
    ws.cell(row, headers.index("基期值") + 1).value = 80
    wb.save(tmp_path / "p.xlsx")
    result = run("plan", "import", "p.xlsx", "--out", "plan.toml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "以下9项指标未设基期值，不能按进度逐季评价（在“指标”表填写基期年份和基期值后即按进度评价）：" in lines
    assert "  第一项“单位GDP能源消耗降低率”：只在2023年、2025年第四季度评价是否完成目标，此前各季度不作评价。" in lines
    assert "  第八项“全市绿色融资规模”：目标为基期值的倍数，基期值填写前目标待定，不作评价。" in lines
    assert "研发活动覆盖率" not in result.stdout   # its base is set: judged each quarter from now on
    assert sum(1 for line in lines if line.startswith("  第")) == 9
    assert INDICATOR_HEADERS[8:10] == ("基期年份", "基期值")


def test_plan_new_names_each_with_its_row(tmp_path):
    result = run("plan", "new", "2026", "2030", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    named = [line.strip() for line in result.stdout.splitlines() if line.startswith("  第")]
    assert len(named) == len(LEVELS)
    assert named[0] == "第一项“单位GDP能源消耗降低率”（“指标”表第2行）：只在2030年第四季度评价是否完成目标，此前各季度不作评价。"
    # the row named is the row of the workbook written
    ws = openpyxl.load_workbook(tmp_path / "计划配置_2026-2030.xlsx")[SHEET_INDICATORS]
    assert ws.cell(2, 3).value == "单位GDP能源消耗降低率"


def test_plan_new_refuses_a_period_that_is_not_after_the_current_one(tmp_path):
    inside = run("plan", "new", "2025", "2030", cwd=tmp_path)
    assert inside.returncode == 2
    assert "新一期方案应在当前方案（2022—2025年）结束后开始，2025年不在其后" in inside.stdout + inside.stderr
    backwards = run("plan", "new", "2031", "2026", cwd=tmp_path)
    assert backwards.returncode == 2 and "结束年份 2026 早于开始年份 2031" in backwards.stdout + backwards.stderr
    assert not list(tmp_path.glob("*.xlsx"))    # nothing written
