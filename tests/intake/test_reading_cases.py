"""Reading cases of the second version: text cleaned, any number of rows, signed rates, 整改落实, the template's
area only (cells outside warned once, never slow), and `check` agreeing with `build` on every file.

Action 3 unless stated: 指标进展 rows 4–7 (values in H, notes in I), 重点任务 from row 4, 重大项目 from row 4.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from factory import REGISTRY, add_junk_cells, clean_fill, extra_task, patch_sheet_xml, template, write_filled
from yc_reports.intake.discovery import check_paths
from yc_reports.intake.reader import parse_bytes, parse_workbook
from yc_reports.intake.records import RectificationState
from yc_reports.intake.selection import Use, select_workbooks
from yc_reports.intake.text import clean_text, visible
from yc_reports.issues import flatten
from yc_reports.plan.quarter import Quarter
from yc_reports.workbook import layout as L
from yc_reports.workbook.fill import ProjectFill

FCT = "green_factories"   # 指标进展 row 5


def with_value(value, key: str = FCT, action_id: int = 3):
    fill = clean_fill(action_id)
    return dataclasses.replace(fill, values={**fill.values, key: value})


def issues_of(path: Path, fields=("code", "sheet", "cell")):
    return flatten(parse_workbook(path, REGISTRY).issues, list(fields))


# ------------------------------------------------------------------------------------- text cleaned


def test_zero_width_space_in_number_is_read(tmp_path):
    path = write_filled(tmp_path, fill=with_value("8\u200b"))
    result = parse_workbook(path, REGISTRY)
    assert result.issues == ()
    assert result.submission.indicator(FCT).value == Decimal(8)


def test_bom_and_zero_width_joiner_around_a_number_are_removed(tmp_path):
    path = write_filled(tmp_path, fill=with_value("\ufeff1\u200d2\u2060"))
    assert parse_workbook(path, REGISTRY).submission.indicator(FCT).value == Decimal(12)


def test_invalid_number_message_shows_the_invisible_characters(tmp_path):
    path = write_filled(tmp_path, fill=with_value("约8\u200b"))
    [issue] = parse_workbook(path, REGISTRY).issues
    assert (issue.code.value, issue.cell) == ("number-invalid", "H5")
    assert "“约8〈U+200B〉”" in issue.message


def test_excel_line_break_escape_is_decoded_in_texts(tmp_path):
    fill = clean_fill(3)
    fill = dataclasses.replace(fill, notes={**fill.notes, FCT: "第一行_x000D_\n第二行"})
    note = parse_workbook(write_filled(tmp_path, fill=fill), REGISTRY).submission.indicator(FCT).note
    assert note == "第一行，第二行"   # one paragraph when published: a line break is the cell's layout


def test_escape_in_a_task_text_and_zero_width_in_a_status(tmp_path):
    def edit(wb):
        wb["重点任务"]["G4"].value = "已完成方案_x000D_编制"
        wb["重点任务"]["E4"].value = "\u200b已完成"

    result = parse_workbook(write_filled(tmp_path, edit=edit), REGISTRY)
    assert result.issues == ()
    task = result.submission.tasks[0]
    assert (task.progress, task.status.value) == ("已完成方案，编制", "已完成")


def test_clean_text_and_visible():
    assert clean_text("a_x000D_b_x000A_c\u200b") == "a\nb\nc"
    assert clean_text("a\r\nb") == "a\nb"
    assert visible("8\u200b\ufeff") == "8〈U+200B〉〈U+FEFF〉"


# ------------------------------------------------------------------------------------- any number of rows


def test_item_100_is_read(tmp_path):
    added = tuple(dataclasses.replace(extra_task(f"新增任务{i}"), status="正常推进") for i in range(1, 121))
    fill = dataclasses.replace(clean_fill(3), extra_tasks=added)
    result = parse_workbook(write_filled(tmp_path, fill=fill), REGISTRY)
    assert result.issues == ()
    tasks = result.submission.tasks
    assert len(tasks) == 2 + 120
    assert tasks[-1].content == "新增任务120" and tasks[-1].row == 4 + 2 + 119


def test_projects_beyond_any_fixed_window_are_read(tmp_path):
    projects = tuple(ProjectFill(f"项目{i}", Decimal(100), Decimal(50), Decimal(10), "在建", dt.date(2024, 1, 1), "", "")
                     for i in range(1, 351))
    fill = dataclasses.replace(clean_fill(3), projects=projects)
    result = parse_workbook(write_filled(tmp_path, fill=fill), REGISTRY)
    assert result.issues == ()
    assert len(result.submission.projects) == 350
    assert result.submission.projects[-1].name == "项目350" and result.submission.projects[-1].row == 353


def test_item_100_builds_the_chinese_numeral_without_crashing():
    from yc_reports.plan.registry import cn_numeral

    assert [cn_numeral(n) for n in (3, 10, 12, 99, 100, 123)] == ["三", "十", "十二", "九十九", "100", "123"]


# ------------------------------------------------------------------------------------- the template's area


def test_junk_cells_outside_template_warn_once(tmp_path):
    """How fast this workbook is read is measured by `make bench` (check_junk), never asserted here."""
    path = add_junk_cells(write_filled(tmp_path, name="junk.xlsx"))
    assert path.stat().st_size > 6_000_000
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues, ["code", "severity", "sheet", "cell"]) == [
        ["cells-outside-template", "warning", "指标进展", "L40"]]
    assert "1204000" in result.issues[0].message
    assert result.submission.indicator(FCT).value == Decimal(8)


def test_one_cell_at_the_end_of_the_sheet_is_ignored_with_a_warning(tmp_path):
    """calamine would lay out A1:XFD1048576 densely (and abort the process): the cell is left out first."""
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重点任务"]["XFD1048576"], "value", "x"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["cells-outside-template", "重点任务", "XFD1048576"]]
    assert len(result.submission.tasks) == 2


def test_a_value_far_below_the_area_is_ignored_with_a_warning(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重大项目"]["B1048576"], "value", "遗留内容"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["cells-outside-template", "重大项目", "B1048576"]]
    assert len(result.submission.projects) == 2


def test_a_dimension_that_claims_the_whole_sheet_is_harmless(tmp_path):
    path = write_filled(tmp_path)
    patch_sheet_xml(path, "指标进展", lambda xml: re.sub(r'<dimension ref="[^"]*"/>',
                                                    '<dimension ref="A1:XFD1048576"/>', xml))
    result = parse_workbook(path, REGISTRY)
    assert result.issues == () and result.submission.indicator(FCT).value == Decimal(8)


def test_cells_outside_on_several_sheets_are_one_warning(tmp_path):
    def edit(wb):
        wb["指标进展"]["Z4"].value = "备注"
        wb["重大项目"]["M9"].value = 5

    [issue] = parse_workbook(write_filled(tmp_path, edit=edit), REGISTRY).issues
    assert (issue.code.value, issue.sheet, issue.cell) == ("cells-outside-template", "指标进展", "Z4")
    assert "重大项目" in issue.message and "M9" in issue.message


def test_formula_without_cache_is_still_found_beyond_row_300(tmp_path):
    projects = tuple(ProjectFill(f"项目{i}", Decimal(100), Decimal(50), Decimal(10), "在建") for i in range(1, 320))
    fill = dataclasses.replace(clean_fill(3), projects=projects)
    path = write_filled(tmp_path, fill=fill, edit=lambda wb: setattr(wb["重大项目"]["F322"], "value", "=D322*0.7"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["formula-no-cache", "重大项目", "F322"]]
    assert "=D322*0.7" in result.issues[0].message


def test_formula_whose_cached_result_is_empty_text_is_not_uncached(tmp_path):
    """Excel writes t="str" and an empty <v> for =IF(...,"",...); openpyxl writes no t for a formula never
    calculated."""
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["I5"], "value", '=IF(1,"","x")'))
    patch_sheet_xml(path, "指标进展", lambda xml: xml.replace('<c r="I5" s=', '<c r="I5" t="str" s=', 1))
    result = parse_workbook(path, REGISTRY)
    assert result.issues == () and result.submission.indicator(FCT).note == ""


def test_cells_written_without_references_are_placed_by_position(tmp_path):
    path = write_filled(tmp_path, fill=with_value(Decimal(9)))
    patch_sheet_xml(path, "指标进展", lambda xml: re.sub(r'<c r="[A-Z]+\d+"', "<c", xml))
    assert parse_workbook(path, REGISTRY).submission.indicator(FCT).value == Decimal(9)


# ------------------------------------------------------------------------------------- signed rates


def test_negative_growth_rate_is_valid_for_a_signed_indicator(tmp_path):
    path = write_filled(tmp_path, 8, fill=with_value(Decimal("-5"), key="green_finance_growth", action_id=8))
    result = parse_workbook(path, REGISTRY)
    assert result.issues == ()
    assert result.submission.indicator("green_finance_growth").value == Decimal(-5)


def test_negative_rate_typed_as_text_with_percent_sign(tmp_path):
    path = write_filled(tmp_path, 8, fill=with_value("-2.1%", key="green_finance_growth", action_id=8))
    assert parse_workbook(path, REGISTRY).submission.indicator("green_finance_growth").value == Decimal("-2.1")


def test_negative_total_is_still_refused(tmp_path):
    path = write_filled(tmp_path, 8, fill=with_value(Decimal("-5"), key="green_finance_scale", action_id=8))
    assert [i.code.value for i in parse_workbook(path, REGISTRY).issues] == ["number-negative"]


def test_template_lets_a_signed_rate_be_negative():
    wb = template(8)
    ws = wb[L.SHEET_INDICATORS]
    rows = {ws.cell(r, 2).value: r for r in range(L.FIRST_DATA_ROW, ws.max_row + 1)}
    ref = f"H{rows['全市绿色融资规模增速']}"
    [dv] = [dv for dv in ws.data_validations.dataValidation if ref in str(dv.sqref)]
    assert float(dv.formula1) < 0


# ------------------------------------------------------------------------------------- 整改落实


def _with_rectification(wb, rows):
    """A 整改落实 sheet with the six fixed columns only (a sheet made before the 上次填报 columns: read by header)."""
    ws = wb.create_sheet(L.SHEET_RECTIFICATION)
    fixed = (L.RECT_ID, L.RECT_TEXT, L.RECT_DEADLINE, L.RECT_MEASURES, L.RECT_PROGRESS, L.RECT_STATE)
    for col, column in enumerate(fixed, start=1):
        ws.cell(L.HEADER_ROW, col, column.header)
    for r, values in enumerate(rows, start=L.FIRST_DATA_ROW):
        for col, value in enumerate(values, start=1):
            ws.cell(r, col, value)


def test_rectification_sheet_is_read_when_present(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: _with_rectification(wb, [
        ("2025Q2-03-1", "绿色工厂创建滞后", "2025-09-30", "加快申报", "已申报2家", "整改中"),
        ("2025Q2-03-2", "项目开工滞后", dt.datetime(2025, 8, 31), "倒排工期", "已开工", "已完成")]))
    result = parse_workbook(path, REGISTRY)
    assert result.issues == ()
    first, second = result.submission.rectifications
    assert (first.row, first.item_id, first.deadline, first.state) == (
        4, "2025Q2-03-1", dt.date(2025, 9, 30), RectificationState.IN_PROGRESS)
    assert (second.item_id, second.progress, second.state) == ("2025Q2-03-2", "已开工", RectificationState.DONE)


def test_rectification_state_not_in_the_dropdown_is_an_issue_at_its_cell(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: _with_rectification(wb, [
        ("2025Q2-03-1", "绿色工厂创建滞后", "2025-09-30", "加快申报", "", "基本完成")]))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["choice-invalid", "整改落实", "F4"]]
    assert "已完成、整改中、未启动" in result.issues[0].message
    assert result.submission.rectifications[0].state is None


def test_workbook_without_rectification_sheet_has_none(tmp_path):
    assert parse_workbook(write_filled(tmp_path), REGISTRY).submission.rectifications == ()


# ------------------------------------------------------------------------------------- check agrees with build


def _results(paths):
    return [parse_workbook(p, REGISTRY, display_name=p.name) for p in paths]


def test_check_and_build_agree_on_other_quarter(tmp_path):
    folder = tmp_path / "inputs" / "2025Q3"
    old = write_filled(folder, 4, "2025Q2", name="第04项.xlsx")
    checked = check_paths([folder], REGISTRY)
    [result] = checked.results
    assert [i.code.value for i in result.issues] == ["template-other-quarter"]
    assert "2025年第三季度" in result.issues[0].message
    assert checked.choices[str(old)].use is Use.OTHER_QUARTER
    built = select_workbooks(_results([old]), REGISTRY, Quarter(2025, 3))
    assert built.files[0].use is Use.OTHER_QUARTER and built.used() == {}


def test_check_and_build_agree_on_a_duplicate_in_the_folder(tmp_path):
    folder = tmp_path / "2025Q3"
    a = write_filled(folder, 3, name="a.xlsx")
    b = write_filled(folder, 3, fill=with_value(Decimal(9)), name="b.xlsx")
    checked = check_paths([folder], REGISTRY)
    assert {(Path(r.file).name, i.code.value, i.cell) for r in checked.results for i in r.issues} == {
        ("a.xlsx", "duplicate-workbook", ""), ("b.xlsx", "duplicate-workbook", ""),
        ("a.xlsx", "workbooks-differ", "H5"), ("b.xlsx", "workbooks-differ", "H5")}
    assert {c.use for c in checked.choices.values()} == {Use.DUPLICATE}
    built = select_workbooks(_results([a, b]), REGISTRY, Quarter(2025, 3))
    assert {c.use for c in built.files} == {Use.DUPLICATE} and built.used() == {}


def test_check_reports_identical_copies_as_one(tmp_path):
    folder = tmp_path / "2025Q3"
    a = write_filled(folder, 3, name="a.xlsx")
    shutil.copy(a, folder / "a - 副本.xlsx")
    checked = check_paths([folder], REGISTRY)
    assert [(Path(r.file).name, i.code.value) for r in checked.results for i in r.issues] == [
        ("a - 副本.xlsx", "identical-copy")]
    assert checked.choices[str(a)].use is Use.USED


def test_check_reports_an_xlsm_the_build_ignores(tmp_path):
    path = write_filled(tmp_path, 3, name="宏.xlsx")
    xlsm = path.rename(path.with_suffix(".xlsm"))
    checked = check_paths([xlsm], REGISTRY)
    assert [i.code.value for r in checked.results for i in r.issues] == ["stray-file"]
    assert "xlsm" in checked.results[0].issues[0].message


def test_check_names_the_action_and_quarter_recognised(tmp_path):
    from yc_reports.cli.check_output import recognition

    folder = tmp_path / "2025Q3"
    path = write_filled(folder, 3, name="随便起的名字.xlsx")
    checked = check_paths([folder], REGISTRY)
    assert recognition(checked.choices[str(path)]) == "第三项行动 2025年第三季度：汇总时采用"


def test_subfolder_workbook_is_read(tmp_path):
    folder = tmp_path / "2025Q3"
    path = write_filled(folder / "市经信局", 3, name="报送.xlsx")
    checked = check_paths([folder], REGISTRY)
    assert checked.choices[str(path)].use is Use.USED


def test_parse_bytes_of_an_upload_matches_the_file(tmp_path):
    path = write_filled(tmp_path, 10)
    assert parse_bytes(path.read_bytes(), "x.xlsx", REGISTRY).submission == dataclasses.replace(
        parse_workbook(path, REGISTRY, display_name="x.xlsx").submission)


@pytest.mark.parametrize("typed", ["0.85"])
def test_percent_format_is_found_through_the_styles(tmp_path, typed):
    def edit(wb):
        cell = wb["指标进展"]["H7"]
        cell.value, cell.number_format = float(typed), "0.0%"

    path = write_filled(tmp_path, 4, edit=edit)
    assert parse_workbook(path, REGISTRY).submission.indicator("rd_activity_coverage").value == Decimal(85)


# ------------------------------------------------------------------------------------- the file judgement


@pytest.mark.parametrize("data, refusal", [
    (b"", "empty"), (b"%PDF-1.7", "not-xlsx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "legacy-xls"),
    (b"PK\x03\x04broken", "damaged")])
def test_upload_judgement_says_why_a_file_is_refused(data, refusal):
    from yc_reports.intake.safe_open import inspect_bytes

    inspection = inspect_bytes(data, "上传.xlsx", "上传.xlsx")
    assert inspection.refusal.value == refusal and inspection.issue is not None and inspection.data is None


def test_upload_judgement_takes_the_callers_size_limit(tmp_path):
    from yc_reports.intake.safe_open import inspect_bytes

    data = write_filled(tmp_path).read_bytes()
    assert inspect_bytes(data, "a.xlsx", "a.xlsx").ok
    small = inspect_bytes(data, "a.xlsx", "a.xlsx", max_bytes=1000)
    assert small.refusal.value == "too-large" and small.issue.code.value == "file-too-large"
