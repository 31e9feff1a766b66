"""The templates: sheets and headers, the hidden identity, protection, validations, print setup, pre-fill."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from factory import REGISTRY, clean_fill, extra_task, save, template, write_filled
from yc_reports.intake.reader import parse_workbook
from yc_reports.plan.quarter import Quarter, quarters_between
from yc_reports.workbook import layout as L
from yc_reports.workbook.fill import ProjectFill
from yc_reports.workbook.writer import basis_text, write_templates


def reopen(wb, tmp_path: Path, name: str = "t.xlsx"):
    """What a unit's Excel sees: the saved file, read back."""
    return openpyxl.load_workbook(save(wb, tmp_path / name))


def validations(ws) -> list[tuple[str, str | None, str | None, str | None, str]]:
    return sorted((dv.type, dv.operator, dv.formula1, dv.formula2, str(dv.sqref))
                  for dv in ws.data_validations.dataValidation)


@pytest.fixture(scope="module")
def wb3(tmp_path_factory):
    return reopen(template(3, "2025Q3"), tmp_path_factory.mktemp("wb3"))


def test_sheets_in_order_with_the_identity_sheet_hidden(wb3):
    assert wb3.sheetnames == ["填报说明", "基本信息", "指标进展", "重点任务", "重大项目", "模板标识"]
    assert [wb3[n].sheet_state for n in wb3.sheetnames] == ["visible"] * 5 + ["hidden"]
    assert wb3.active.title == "填报说明"


def test_hidden_sheet_identifies_plan_action_quarter_and_version(wb3):
    meta = {row[0]: row[1] for row in wb3["模板标识"].iter_rows(values_only=True)}
    assert (meta["plan_id"], meta["action_id"], meta["quarter"], meta["template_version"]) == (
        "yc-10actions-2022-2025", 3, "2025Q3", 1)
    assert meta["indicator:green_factories"] == "新增绿色工厂数量"
    assert meta["task:green_demo_units"] == "创建一批国家级绿色制造示范单位"


@pytest.mark.parametrize("sheet, columns", [
    ("指标进展", L.INDICATOR_COLUMNS), ("重点任务", L.TASK_COLUMNS), ("重大项目", L.PROJECT_COLUMNS)])
def test_headers_stand_in_the_header_row(wb3, sheet, columns):
    ws = wb3[sheet]
    assert [ws.cell(L.HEADER_ROW, i + 1).value for i in range(len(columns))] == [c.header for c in columns]
    assert ws.cell(L.TITLE_ROW, 1).value.startswith("2025年第三季度 第三项行动“建设绿色制造体系”")
    assert ws.freeze_panes is not None and ws.freeze_panes.endswith(str(L.FIRST_DATA_ROW))
    assert [ws.column_dimensions[chr(65 + i)].width for i in range(len(columns))] == [c.width for c in columns]


def test_headers_the_product_brief_fixes_are_present(wb3):
    required = {
        "指标进展": {"序号", "指标名称", "单位", "目标值", "目标年份", "截至本季度末完成值", "情况说明"},
        "重点任务": {"序号", "任务内容", "完成时限", "完成状态", "进展情况", "存在问题"},
        "重大项目": {"序号", "项目名称", "总投资（万元）", "年度计划投资（万元）", "本年累计完成投资（万元）", "项目状态",
                 "形象进度", "存在问题"},
    }
    for sheet, headers in required.items():
        row = {c.value for c in wb3[sheet][L.HEADER_ROW]}
        assert headers <= row, sheet
    labels = [wb3["基本信息"].cell(r, 1).value for r in range(2, 12)]
    assert labels[:8] == ["行动编号", "行动名称", "牵头单位", "季度", "填报人", "联系电话", "审核人", "填报日期"]


def test_indicator_rows_carry_targets_and_basis(wb3):
    ws = wb3["指标进展"]
    rows = [[ws.cell(r, c).value for c in range(1, 8)] for r in range(4, 8)]
    assert rows == [
        [1, "开发绿色产品数量", "个", 2, 2025, "2022年以来累计", None],
        [2, "新增绿色工厂数量", "家", 12, 2025, "2022年以来累计", None],
        [3, "建设绿色园区数量", "个", 2, 2025, "2022年以来累计", None],
        [4, "打造绿色供应链数量", "条", 2, 2025, "2022年以来累计", None],
    ]
    assert ws.max_row == 7


def test_flow_ceiling_level_and_pending_targets(tmp_path):
    water = reopen(template(5, "2024Q2"), tmp_path, "w.xlsx")["指标进展"]
    assert [water.cell(4, c).value for c in (2, 3, 4, 5)] == ["全市用水总量", "亿立方米", 22.4, 2025]
    assert water["F4"].value == "2024年1月至本季度末累计（上限控制）；目标：控制在22.4亿立方米以内"
    assert water["F5"].value == "本季度末水平值；目标：原则上不低于90%"
    assert water["D6"].value is None and water["F6"].value == "本季度末水平值；目标值待定（达到全市“十四五”目标）"
    tourism = reopen(template(10, "2025Q1"), tmp_path, "t.xlsx")["指标进展"]
    assert tourism["F4"].value == "2025年1月至本季度末累计；目标：突破1.25亿人次"


def test_pending_target_without_wording_says_the_province_sets_it():
    indicator = dataclasses.replace(REGISTRY.action(1).indicators[0], target_note="")
    assert basis_text(indicator, Quarter(2025, 3), 2022) == "本季度末水平值；目标待省下达"


@pytest.mark.parametrize("quarter, year, target", [("2022Q3", 2023, 20), ("2023Q4", 2023, 20), ("2024Q1", 2023, 20)])
def test_target_is_that_of_the_nearest_target_year_not_yet_past(tmp_path, quarter, year, target):
    ws = reopen(template(4, quarter), tmp_path)["指标进展"]
    assert (ws["D4"].value, ws["E4"].value) == (target, year)
    assert (ws["D6"].value, ws["E6"].value) == (100, 2025)


def test_sheets_are_protected_without_a_password_and_only_inputs_unlocked(wb3):
    for name in wb3.sheetnames:
        assert wb3[name].protection.sheet is True and not wb3[name].protection.password, name
    ind = wb3["指标进展"]
    assert [ind.cell(5, c).protection.locked for c in range(1, 10)] == [True] * 7 + [False, False]
    tasks = wb3["重点任务"]   # 序号 任务内容 完成时限 上季度完成状态 完成状态 上季度进展情况 进展情况 上季度存在问题 存在问题
    assert [tasks.cell(4, c).protection.locked for c in range(1, 10)] == [True, True, True] + [True, False] * 3
    assert [tasks.cell(6, c).protection.locked for c in range(1, 10)] == [True, False, False] + [True, False] * 3
    projects = wb3["重大项目"]   # the 上季度… columns (E, G, J) are locked
    assert [projects.cell(33, c).protection.locked for c in range(1, 13)] == [
        True, False, False, False, True, False, True, False, False, True, False, False]
    info = wb3["基本信息"]
    assert [info.cell(r, 2).protection.locked for r in range(2, 12)] == [True] * 4 + [False] * 6


def test_input_cells_are_shaded_and_locked_ones_are_not(wb3):
    ind = wb3["指标进展"]
    assert ind["H5"].fill.fgColor.rgb.endswith("FFF2CC") and ind["I5"].fill.fgColor.rgb.endswith("FFF2CC")
    assert not ind["D5"].fill.fgColor.rgb.endswith("FFF2CC")


def test_validations_on_input_cells(tmp_path):
    wb = reopen(template(4, "2025Q3"), tmp_path)
    assert validations(wb["指标进展"]) == [
        ("decimal", "between", "0", "1000", "H6"),
        ("decimal", "between", "0", "1000", "H7"),
        ("decimal", "greaterThanOrEqual", "0", None, "H4"),
        ("decimal", "greaterThanOrEqual", "0", None, "H5"),
    ]
    last_task = L.FIRST_DATA_ROW + 1 + L.EXTRA_TASK_ROWS - 1
    assert validations(wb["重点任务"]) == [
        ("date", "between", "36526", "73050", f"C5:C{last_task}"),
        ("list", None, '"已完成,正常推进,滞后,未启动"', None, f"E4:E{last_task}"),
    ]
    assert validations(wb["重大项目"]) == [
        ("date", "between", "36526", "73050", "I4:I33"),
        ("decimal", "greaterThanOrEqual", "0", None, "C4:C33 D4:D33 F4:F33"),
        ("list", None, '"未开工,在建,已竣工"', None, "H4:H33"),
    ]
    assert validations(wb["基本信息"]) == [("date", "between", "36526", "73050", "B9")]
    assert all(dv.showErrorMessage and dv.error for ws in wb for dv in ws.data_validations.dataValidation)


def test_print_setup_is_a4_landscape_fitting_the_width(wb3):
    for name in ("指标进展", "重点任务", "重大项目"):
        ws = wb3[name]
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape"), name
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$3:$3"
    assert wb3["基本信息"].page_setup.paperSize == 9


def test_guide_sheet_explains_steps_colours_example_and_contact(wb3):
    text = "\n".join(str(c.value) for row in wb3["填报说明"].iter_rows() for c in row if c.value)
    for expected in ("一、填报步骤", "二、各表主要栏目含义", "三、颜色说明", "四、填报示例", "五、联系方式",
                     "黄色：填报区域", "宜昌市降碳减污扩绿增长十大行动指挥部办公室", "市发改委（市长江办）",
                     "截至9月底", "新增绿色工厂数量"):
        assert expected in text, expected


def test_basic_info_is_prefilled_with_the_locked_fields(wb3):
    info = wb3["基本信息"]
    assert [info.cell(r, 2).value for r in range(2, 6)] == [3, "建设绿色制造体系", "市经信局", "2025年第三季度"]
    assert info["B9"].number_format == "yyyy-mm-dd"


def test_actions_without_indicators_say_so(tmp_path):
    ws = reopen(template(6, "2025Q3"), tmp_path)["指标进展"]
    assert "没有量化指标" in ws["A2"].value and ws.max_row == L.HEADER_ROW


# ------------------------------------------------------------------------------------- write_templates


def test_write_templates_names_one_file_per_action(tmp_path):
    written = write_templates(REGISTRY, Quarter(2025, 3), tmp_path / "out", tmp_path / "inputs")
    assert [p.name for p in written][2] == "2025Q3_第03项_建设绿色制造体系_市经信局.xlsx"
    assert written[7].name == "2025Q3_第08项_深化长江大保护金融创新实践_人行市中心支行、市地方金融工作局.xlsx"
    assert len(written) == 10 and all(p.is_file() for p in written)


def test_two_runs_give_identical_bytes(tmp_path):
    first = write_templates(REGISTRY, Quarter(2025, 3), tmp_path / "a", tmp_path / "inputs")
    second = write_templates(REGISTRY, Quarter(2025, 3), tmp_path / "b", tmp_path / "inputs")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def _previous_quarter_inputs(tmp_path: Path, quarter: str) -> Path:
    fill = dataclasses.replace(
        clean_fill(3),
        values={"green_products": Decimal(1), "green_factories": Decimal(7), "green_parks": Decimal("1.5"),
                "green_supply_chains": None},
        notes={"green_supply_chains": "待认定"},
        extra_tasks=(extra_task(),),
        projects=(ProjectFill("园区改造", Decimal(52000), Decimal(12000), Decimal(8600), "在建", dt.date(2024, 3, 1),
                              "主体结构完工", "资金缺口"),),
    )
    inputs = tmp_path / "inputs"
    write_filled(inputs / quarter, 3, quarter, fill=fill, name="经信局报送（终版）.xlsx")
    write_filled(inputs / quarter, 10, "2024Q1", name="旧季度.xlsx")   # another quarter's workbook: ignored
    (inputs / quarter / "说明.docx").write_bytes(b"not a workbook")
    return inputs


def columns(ws) -> dict[str, int]:
    """The header row's columns by their text (as the reader finds them)."""
    return {c.value: c.column for c in ws[L.HEADER_ROW] if c.value}


def row_by_header(ws, row: int) -> dict[str, object]:
    return {header: ws.cell(row, col).value for header, col in columns(ws).items()}


def test_prefilled_from_last_quarters_workbook(tmp_path):
    """Last quarter's figures, states and texts stand read-only beside EMPTY input cells: a clerk who skips a row
    publishes nothing of last quarter's as this quarter's."""
    inputs = _previous_quarter_inputs(tmp_path, "2025Q2")
    written = write_templates(REGISTRY, Quarter(2025, 3), tmp_path / "out", inputs)
    wb = openpyxl.load_workbook(written[2])
    ind = wb["指标进展"]
    assert [ind.cell(r, 7).value for r in range(4, 8)] == [1, 7, 1.5, None]
    assert [ind.cell(r, 8).value for r in range(4, 8)] == [None] * 4      # this quarter's figures start blank
    assert ind["G5"].protection.locked is True
    tasks = wb["重点任务"]
    assert row_by_header(tasks, 6) == {
        "序号": 3, "任务内容": "推进工业园区循环化改造", "完成时限": dt.datetime(2025, 12, 31),
        "上季度完成状态": "正常推进", "完成状态": None, "上季度进展情况": "已完成方案编制", "进展情况": None,
        "上季度存在问题": None, "存在问题": None}
    assert row_by_header(tasks, 4)["上季度完成状态"] == "正常推进" and row_by_header(tasks, 4)["完成状态"] is None
    projects = wb["重大项目"]
    assert row_by_header(projects, 4) == {
        "序号": 1, "项目名称": "园区改造", "总投资（万元）": 52000, "年度计划投资（万元）": 12000,
        "上季度末本年累计完成投资（万元）": 8600, "本年累计完成投资（万元）": None, "上季度项目状态": "在建", "项目状态": None,
        "计划开工时间": dt.datetime(2024, 3, 1), "上季度形象进度": "主体结构完工", "形象进度": None, "存在问题": None}
    for ws in (tasks, projects):   # every 上季度… cell is locked and grey; every input cell beside it unlocked
        for header, col in columns(ws).items():
            cell = ws.cell(4, col)
            if header.startswith("上季度"):
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("EDEDED"), header
            elif header in ("完成状态", "进展情况", "本年累计完成投资（万元）", "项目状态", "形象进度"):
                assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF2CC"), header
    info = wb["基本信息"]
    assert [info.cell(r, 2).value for r in range(6, 10)] == ["张明", "0717-6251234", "李华", None]
    # a template not used by the previous quarter is not pre-filled
    other = openpyxl.load_workbook(written[9])
    assert other["指标进展"]["G4"].value is None and other["基本信息"]["B6"].value is None


def test_prefilled_template_parses_back_with_the_carried_state(tmp_path):
    inputs = _previous_quarter_inputs(tmp_path, "2025Q2")
    written = write_templates(REGISTRY, Quarter(2025, 3), tmp_path / "out", inputs)
    result = parse_workbook(written[2], REGISTRY)
    submission = result.submission
    assert [t.key for t in submission.tasks] == ["green_demo_units", "chem_green_system", ""]
    # nothing of last quarter is read as this quarter's: the states, texts and figures are 未填报
    assert [(t.status, t.progress, t.problems) for t in submission.tasks] == [(None, "", "")] * 3
    assert (submission.projects[0].name, submission.projects[0].ytd_completed, submission.projects[0].status) == (
        "园区改造", None, None)
    blanks = {(i.sheet, i.cell) for i in result.issues if i.code.value == "value-required"}
    assert {("重点任务", "E4"), ("重点任务", "E6"), ("重大项目", "F4"), ("重大项目", "H4")} <= blanks


def test_first_quarter_of_a_new_year_clears_the_annual_project_columns(tmp_path):
    inputs = _previous_quarter_inputs(tmp_path, "2024Q4")
    written = write_templates(REGISTRY, Quarter(2025, 1), tmp_path / "out", inputs)
    projects = openpyxl.load_workbook(written[2])["重大项目"]
    row = row_by_header(projects, 4)
    assert (row["项目名称"], row["总投资（万元）"], row["年度计划投资（万元）"], row["上季度末本年累计完成投资（万元）"],
            row["上季度项目状态"], row["计划开工时间"], row["上季度形象进度"]) == (
        "园区改造", 52000, None, None, "在建", dt.datetime(2024, 3, 1), "主体结构完工")
    assert "新年度开始" in projects["A2"].value


def test_no_previous_folder_means_blank_templates(tmp_path):
    written = write_templates(REGISTRY, Quarter(2022, 1), tmp_path / "out", tmp_path / "nowhere")
    assert openpyxl.load_workbook(written[2])["指标进展"]["G4"].value is None


@pytest.mark.parametrize("quarter", [str(q) for q in quarters_between(REGISTRY.first_quarter, REGISTRY.last_quarter)])
def test_templates_for_every_quarter_of_the_plan_read_back(tmp_path, quarter):
    for action_id in (4, 5, 8):
        result = parse_workbook(save(template(action_id, quarter), tmp_path / f"{action_id}.xlsx"), REGISTRY)
        assert result.submission.quarter == Quarter.parse(quarter)
        assert {i.code.value for i in result.issues} == {"value-required"}
