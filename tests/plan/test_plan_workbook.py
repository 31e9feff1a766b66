"""The plan as the office's workbook: export → import gives the same plan and the same summary.json;
a broken workbook is named at its cells; a new period (2026—2030) imports, and its templates and build work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest

from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.plan.toml_text import registry_toml
from yc_reports.workbook.fill import UnitFill, fill_workbook
from yc_reports.workbook.plan_workbook import PlanWorkbookError, new_period, read_plan_workbook, write_plan_workbook
from yc_reports.workbook.writer import write_templates
from yc_reports.workbook.xlsx_io import save_workbook

SHIPPED = load_registry()


def round_trip(registry, tmp_path):
    write_plan_workbook(registry, tmp_path / "计划配置.xlsx")
    imported = read_plan_workbook(tmp_path / "计划配置.xlsx")
    (tmp_path / "plan.toml").write_text(registry_toml(imported), "utf-8")
    return imported, load_registry(tmp_path / "plan.toml")


def test_shipped_plan_exported_and_imported_is_the_same_plan(tmp_path):
    imported, from_toml = round_trip(SHIPPED, tmp_path)
    assert imported == SHIPPED and from_toml == SHIPPED
    write_plan_workbook(SHIPPED, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == (tmp_path / "计划配置.xlsx").read_bytes()


def test_exported_plan_workbook_has_dropdowns_and_chinese_headers(tmp_path):
    write_plan_workbook(SHIPPED, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert wb.sheetnames == ["填写说明", "方案信息", "行动", "指标", "重点任务", "评价阈值", "考核规则"]
    ws = wb["指标"]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["行动序号", "指标代码", "指标名称", "单位", "指标类型"]
    assert headers[-4:] == ["2022年目标", "2023年目标", "2024年目标", "2025年目标"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists["E2"] == '"年内累计,方案期累计,期末水平"' and lists["F2"] == '"不低于目标,不高于目标"'
    factories = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "green_factories")
    assert factories[-4:] == (None, None, None, 12)
    energy = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "energy_intensity_reduction")
    assert energy[-4:] == (None, "待定", None, "待定")


def test_the_overall_grade_thresholds_are_rows_the_office_edits(tmp_path):
    """The 通报's overall judgement follows two thresholds kept beside the gap thresholds: exported as
    rows of 评价阈值, read back, and a changed value reaches the plan."""
    assert (SHIPPED.thresholds.overall_good, SHIPPED.thresholds.overall_fair) == (85, 70)
    write_plan_workbook(SHIPPED, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    rows = {r[0]: r[1] for r in wb["评价阈值"].iter_rows(min_row=2, values_only=True)}
    assert rows["总体评价“进展顺利”：按期推进的占比不小于（%）"] == 85
    ws = wb["评价阈值"]
    row = next(r for r in range(2, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("总体评价“总体平稳”"))
    ws.cell(row, 2).value = 75
    save_workbook(wb, tmp_path / "p.xlsx")
    assert read_plan_workbook(tmp_path / "p.xlsx").thresholds.overall_fair == 75


def test_demo_plan_round_trip_builds_the_same_summary_json(tmp_path):
    create_demo_inputs(tmp_path)
    office = load_registry(tmp_path / "inputs" / "plan.toml")
    _, imported = round_trip(office, tmp_path)
    q = Quarter(2025, 3)
    first = build_quarter(office, q, tmp_path / "inputs" / "2025Q3", tmp_path / "out1" / "2025Q3")
    second = build_quarter(imported, q, tmp_path / "inputs" / "2025Q3", tmp_path / "out2" / "2025Q3")
    assert first.ok and second.ok
    assert ((tmp_path / "out1" / "2025Q3" / "summary.json").read_bytes()
            == (tmp_path / "out2" / "2025Q3" / "summary.json").read_bytes())


def test_broken_plan_workbook_named_at_every_cell(tmp_path):
    write_plan_workbook(SHIPPED, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    indicators = wb["指标"]
    row = next(r for r in range(2, indicators.max_row + 1) if indicators.cell(r, 2).value == "green_factories")
    indicators.cell(row, 5).value = "累计"              # not a kind
    indicators.cell(row, 18).value = "十二"             # 2025年目标 in words
    indicators.cell(row, 1).value = 11                  # no such action
    wb["重点任务"].cell(3, 4).value = "明年年底"          # not a date
    wb["考核规则"].cell(2, 2).value = "五十"
    save_workbook(wb, tmp_path / "p.xlsx")
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_workbook(tmp_path / "p.xlsx")
    texts = [p.text for p in caught.value.problems]
    assert f"“指标”表E{row}：应为年内累计、方案期累计、期末水平之一，实际为“累计”" in texts
    assert f"“指标”表R{row}：应填数字或“待定”，实际为“十二”" in texts
    assert f"“指标”表A{row}：行动序号 11 不在“行动”表中" in texts
    assert "“重点任务”表D3：应为日期，写作如 2025-12-31，实际为“明年年底”" in texts
    assert "“考核规则”表B2：应填数字，实际为“五十”" in texts


def test_new_period_2026_2030_imports_and_its_first_quarter_builds(tmp_path):
    fresh = new_period(SHIPPED, 2026, 2030)
    assert (fresh.plan.id, fresh.plan.start_year, fresh.plan.end_year) == ("yc-10actions-2026-2030", 2026, 2030)
    assert fresh.plan.name.endswith("（2026—2030年）") and not any(a.tasks for a in fresh.actions)
    assert all(i.targets == {2030: None} for a in fresh.actions for i in a.indicators)
    write_plan_workbook(fresh, tmp_path / "new.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "new.xlsx")   # the office fills in one target and one task
    ws = wb["指标"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "green_factories")
    ws.cell(row, ws.max_column).value = 20
    wb["重点任务"].append([3, "green_park_2027", "创建国家级绿色园区1个", dt.datetime(2027, 12, 31), ""])
    save_workbook(wb, tmp_path / "new.xlsx")
    registry = read_plan_workbook(tmp_path / "new.xlsx")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "plan.toml").write_text(registry_toml(registry), "utf-8")
    registry = load_registry(inputs / "plan.toml")
    q = Quarter(2026, 1)
    [template] = [p for p in write_templates(registry, q, tmp_path / "templates", inputs) if "第03项" in p.name]
    book = openpyxl.load_workbook(template)
    fill_workbook(book, UnitFill(filler="刘芳", phone="0717-6441035", reviewer="张卫", fill_date=dt.date(2026, 4, 8),
                                 values={"green_factories": Decimal(2)}, tasks={}))
    (inputs / "2026Q1").mkdir()
    save_workbook(book, inputs / "2026Q1" / template.name)
    result = build_quarter(registry, q, inputs / "2026Q1", tmp_path / "outputs" / "2026Q1")
    assert result.ok, result.error
    third = result.report.action(3)
    factories = next(i for i in third.indicators if i.key == "green_factories")
    assert (factories.target, factories.actual, factories.target_year) == (20, 2, 2030)
    # 2 of 20 at 2026Q1 against the path from the start of 2026 to the end of 2030: 1/20 of the way
    assert factories.time_progress == Fraction(1, 20)
    assert [t.content for t in third.tasks][:1] == ["创建国家级绿色园区1个"]


def _broken(tmp_path, edit):
    write_plan_workbook(SHIPPED, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    edit(wb)
    save_workbook(wb, tmp_path / "p.xlsx")
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_workbook(tmp_path / "p.xlsx")
    return [p.text for p in caught.value.problems]


def _row(ws, key):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == key)


@pytest.mark.parametrize("word", ["nan", "inf", "NaN"])
def test_a_non_finite_figure_in_the_plan_workbook_is_refused_at_its_cell(tmp_path, word):
    rows = {}

    def edit(wb):
        rows["factories"] = _row(wb["指标"], "green_factories")
        wb["指标"].cell(rows["factories"], 18).value = word       # 2025年目标
        wb["考核规则"].cell(2, 2).value = word

    texts = _broken(tmp_path, edit)
    assert f"“指标”表R{rows['factories']}：应填数字或“待定”，实际为“{word}”" in texts
    assert f"“考核规则”表B2：应填数字，实际为“{word}”" in texts


def test_rules_across_cells_are_named_at_the_cells_they_came_from_in_chinese(tmp_path):
    """Faults only the plan's schema finds: never `actions[id=3].indicators`, `ahead > on_track > watch`
    or `assessment.weight_indicators`, but the sheet and cell of the office's workbook."""
    rows = {}

    def edit(wb):
        ind = wb["指标"]
        rows["parks"], rows["chains"] = _row(ind, "green_parks"), _row(ind, "green_supply_chains")
        ind.cell(rows["parks"], 3).value = "新增绿色工厂数量"            # a name used twice in 第三项
        ind.cell(rows["chains"], 2).value = "green_factories"           # a code used twice
        ind.cell(rows["chains"], 11).value = 2                          # 目标为基期的倍数 without a base
        wb["评价阈值"].cell(4, 2).value = 0                               # 关注 above 正常
        for r in (2, 3, 4):
            wb["考核规则"].cell(r, 2).value = 0                           # the three weights sum to 0

    texts = _broken(tmp_path, edit)
    assert "“评价阈值”表B2:B4：超前、正常、关注三档的下限应依次递减（单位：百分点）" in texts
    assert "“考核规则”表B2:B4：三项分值之和应大于0" in texts
    assert f"“指标”表K{rows['chains']}：按基期倍数设定目标时须同时填写基期年份和基期值" in texts
    assert f"“指标”表C{rows['parks']}：同一行动内指标名称重复：“新增绿色工厂数量”" in texts
    assert f"“指标”表B{rows['chains']}：代码“green_factories”与其他指标或任务的代码重复" in texts
    for text in texts:   # no key path, no field name, no English rule
        assert not any(word in text for word in ("actions[", "thresholds", "assessment", "ahead", "weight_",
                                                  "baseline", "target_multiple")), text


def test_a_period_ending_before_it_starts_is_named_at_its_cell_alone(tmp_path):
    def edit(wb):
        plan = wb["方案信息"]
        row = next(r for r in range(2, plan.max_row + 1) if plan.cell(r, 1).value == "结束年份")
        plan.cell(row, 2).value = 2021

    assert _broken(tmp_path, edit) == ["“方案信息”表B9：结束年份 2021 早于开始年份 2022"]


@pytest.mark.parametrize("name, data, expected", [
    ("计划配置.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "“计划配置.xls”是旧版 Excel 格式（.xls），无法读取"),
    ("计划配置.xlsx", b"PK\x03\x04 broken", "“计划配置.xlsx”已损坏或不是有效的 Excel 工作簿，无法读取"),
    ("计划配置.txt", b"plain text", "“计划配置.txt”不是 Excel 工作簿（.xlsx）"),
])
def test_a_file_that_is_no_workbook_is_named_in_words_not_by_its_exception(tmp_path, name, data, expected):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(PlanWorkbookError) as caught:
        read_plan_workbook(tmp_path / name)
    [problem] = caught.value.problems
    assert problem.text.startswith(expected)
    assert "Exception" not in problem.text and "Error" not in problem.text
