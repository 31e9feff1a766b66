"""汇总表.xlsx for the fixture quarter: sheets, lights and their colours, formats, print setup, determinism."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from report_fixtures import FIXTURE_QUARTER, fixture_quarter
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.history import history_from_submissions
from yc_reports.analysis.model import Light
from yc_reports.plan.registry import load_registry
from yc_reports.render.palette import LIGHT_STYLES
from yc_reports.render.summary_xlsx import figure_format, write_summary_workbook

REGISTRY = load_registry()


@pytest.fixture(scope="module")
def report():
    current, history, stray = fixture_quarter(REGISTRY)
    return assemble_report(REGISTRY, FIXTURE_QUARTER, current, history_from_submissions(FIXTURE_QUARTER, history),
                           extra_issues=stray)


@pytest.fixture(scope="module")
def workbook(report, tmp_path_factory):
    path = write_summary_workbook(report, tmp_path_factory.mktemp("xlsx") / "汇总表.xlsx")
    return openpyxl.load_workbook(path)


def rows(ws):
    return list(ws.iter_rows(min_row=2, values_only=True))


def test_sheets_in_order(workbook):
    # 督办台账: every 督办 item across quarters, after this quarter's 督办清单
    assert workbook.sheetnames == ["总览", "指标明细", "督办清单", "督办台账", "报送情况", "校验问题"]


def test_overview_lights_coloured(workbook, report):
    ws = workbook["总览"]
    assert [c.value for c in ws[1]][:5] == ["序号", "行动", "牵头单位", "报送", "亮灯"]
    assert [r[4] for r in rows(ws)] == ["绿灯", "绿灯", "红灯", "绿灯", "绿灯", "未报送", "红灯", "红灯", "红灯",
                                        "黄灯"]
    for i, action in enumerate(report.actions, start=2):
        fill = ws.cell(i, 5).fill
        if action.light is Light.GREY:   # white with a grey pattern: tells apart in black and white
            assert (fill.fill_type, fill.fgColor.rgb) == ("gray125", "00808080")
        else:
            assert (fill.fill_type, fill.fgColor.rgb) == ("solid", "00" + LIGHT_STYLES[action.light].fill)
    assert rows(ws)[8][3] == "已报送（数据待核实）" and rows(ws)[5][3] == "未报送"
    headers = [c.value for c in ws[1]]
    three = rows(ws)[2]
    counts = [three[headers.index(f"指标{label}")] for label in ("正常", "关注", "滞后")]
    assert counts == [2, 1, 1]
    # every reason of the light, red first (a project not started is red: third version), in the reports' words
    assert three[-1].split("；")[:2] == ["建设绿色园区数量完成2025年目标的0%，低于时序进度93.8个百分点",
                                         "重大项目“长江岸线生态修复工程”已过计划开工时间，截至9月底仍未开工"]
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "00DDEBF7"  # the templates' header blue: one style set


def test_indicator_details_with_filters_and_formats(workbook):
    ws = workbook["指标明细"]
    headers = [c.value for c in ws[1]]
    assert ws.auto_filter.ref == f"A1:R{ws.max_row}" and ws.freeze_panes == "A2"
    data = {r[3]: dict(zip(headers, r, strict=True)) for r in rows(ws)}
    assert len(data) == sum(len(a.indicators) for a in REGISTRY.actions)
    water = data["全市用水总量"]
    assert (water["目标值"], water["截至本季度末完成值"], water["完成率"], water["时序进度"], water["差距（百分点）"],
            water["状态"]) == (22.4, 14, 0.625, 0.75, 12.5, "超前")
    assert data["全市绿色融资规模"]["目标值"] == "目标待定"
    factories = data["新增绿色工厂数量"]
    assert (factories["上季度末完成值"], factories["环比"], factories["去年同期完成值"], factories["同比"]) == (
        7, 0.1429, 5, 0.6)
    r = 1 + [row[3] for row in rows(ws)].index("全市用水总量") + 1
    col = {h: i + 1 for i, h in enumerate(headers)}
    assert ws.cell(r, col["完成率"]).number_format == "0.0%"
    assert ws.cell(r, col["截至本季度末完成值"]).number_format == "0.00"
    assert ws.cell(r, col["状态"]).fill.fgColor.rgb == "00" + LIGHT_STYLES[Light.GREEN].fill


def test_rates_change_in_points_and_year_to_date_flows_have_no_quarter_on_quarter_change(workbook):
    ws = workbook["指标明细"]
    headers = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    by_name = {ws.cell(r, 4).value: r for r in range(2, ws.max_row + 1)}
    water = by_name["全市用水总量"]                       # a flow within the year: 环比 means nothing
    assert ws.cell(water, col["环比"]).value is None
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["单位"]).value == "%" and ws.cell(r, col["同比"]).value is not None:
            assert ws.cell(r, col["同比"]).number_format == '+0.0"个百分点";-0.0"个百分点";0"个百分点"'
            actual, last_year = ws.cell(r, col["截至本季度末完成值"]).value, ws.cell(r, col["去年同期完成值"]).value
            assert ws.cell(r, col["同比"]).value == pytest.approx(actual - last_year)   # points, not a ratio


def test_supervision_and_submissions(workbook):
    supervision = rows(workbook["督办清单"])
    assert [(r[1], r[3]) for r in supervision] == [
        # second version: every reason of a red action (三: two indicators and a project); 八's growth target
        # expired in 2023, only its late task remains
        (3, "市经信局"), (3, "市经信局"), (6, "市交通运输局、市发改委"), (7, "市发改委"),
        (8, "人行市中心支行、市地方金融工作局"), (9, "市住建局")]
    submissions = rows(workbook["报送情况"])
    three = submissions[2]
    assert three[3:10] == ("已报送", "2025Q3_第03项.xlsx", "张三", "0717-1234567", "李四", three[8], 0)
    assert three[8].date().isoformat() == "2025-09-28"
    assert submissions[8][4] == "2025Q3_第09项_市住建局.xlsx\n2025Q3_第09项_市住建局（修改）.xlsx"
    assert submissions[5][3:6] == ("未报送", None, None)


def test_every_issue_listed(workbook, report):
    listed = rows(workbook["校验问题"])
    assert len(listed) == len(report.issues)
    assert listed[2][1:5] == ("警告", "2025Q3_第03项.xlsx", "指标进展!H4", "累计值减少")
    assert not any(str(v).isascii() and "-" in str(v) for row in listed for v in row[4:5])   # no English codes


def test_print_setup_keeps_the_type_at_9_points_or_more_on_a3(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 8  # A3
        assert not ws.sheet_properties.pageSetUpPr.fitToPage   # fit-to-width would shrink the type
        scale = int(ws.page_setup.scale)
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(sizes) * scale / 100 >= 9, ws.title                  # 11 pt at 82 % or more
        widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]
        printed = sum((w * 7 + 5) * 72 / 96 for w in widths) * scale / 100
        page = (420 - 30) * 72 / 25.4
        # the whole width on one A3 page: columns too wide wrap (47.9–63.5 cm of columns before)
        assert printed <= page + 0.5, (ws.title, printed, page)
        assert ws.print_title_rows == "$1:$1"


def test_columns_that_give_up_width_wrap_and_their_rows_grow(workbook):
    ws = workbook["指标明细"]
    wrapped = [c for c in range(1, ws.max_column + 1) if ws.cell(2, c).alignment.wrap_text]
    assert wrapped   # the indicator's name and the note at least
    header_height = ws.row_dimensions[1].height
    assert header_height is None or header_height >= 14.25   # a header over two lines gets a row to match
    for row in range(2, ws.max_row + 1):
        for c in wrapped:
            value = ws.cell(row, c).value
            width = ws.column_dimensions[get_column_letter(c)].width
            if isinstance(value, str) and len(value) * 2 > width + 2:
                assert (ws.row_dimensions[row].height or 0) > 15, (row, value)


def test_same_report_same_bytes(report, tmp_path: Path):
    a = write_summary_workbook(report, tmp_path / "a.xlsx").read_bytes()
    b = write_summary_workbook(report, tmp_path / "b.xlsx").read_bytes()
    assert a == b


@pytest.mark.parametrize("value,decimals,fmt", [
    ("12", 0, "0"), ("1.1", 2, "0.00"), ("8.5", 0, "0.0"), ("22.400", 2, "0.00"), ("0.125", 2, "0.000")])
def test_figure_format_never_hides_digits(value, decimals, fmt):
    assert figure_format(Decimal(value), decimals) == fmt


def test_light_colours_are_the_models():
    assert {light.rgb for light in Light} == {"2E8B57", "E0A800", "C0392B", "9E9E9E"}


def test_stage_results_are_counted_apart_and_never_filled_as_lights(workbook):
    # 2025Q3: the 2023 targets have passed. 第四项: 创新平台, 攻关项目; 第八项: 绿色融资规模增速 — stage results,
    # judged only on their 2023Q4 figures, which this fixture does not have: 无当年数据 (third version).
    ws = workbook["总览"]
    headers = [c.value for c in ws[1]]
    four, eight = rows(ws)[3], rows(ws)[7]
    assert (four[headers.index("指标已完成")], four[headers.index("阶段性目标")]) == (0, 2)
    assert (eight[headers.index("指标未完成")], eight[headers.index("阶段性目标")]) == (0, 1)
    details = workbook["指标明细"]
    names = [c.value for c in details["D"]]
    status_col = [c.value for c in details[1]].index("状态") + 1
    growth = details.cell(names.index("全市绿色融资规模增速") + 1, status_col)
    assert growth.value == "无当年数据" and growth.fill.fill_type is None     # not a red cell
    platforms = details.cell(names.index("绿色技术创新平台数量") + 1, status_col)
    assert platforms.value == "无当年数据" and platforms.fill.fill_type is None
