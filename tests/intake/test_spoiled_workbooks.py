"""The corpus of spoiled workbooks: one test per way a real file goes wrong, named after what it pins.

Each asserts the exact issues as flatten(issues, ["code", "sheet", "cell"]) (severity where it matters).
Action 3 (建设绿色制造体系) unless stated: 指标进展 rows 4–7 are 绿色产品/绿色工厂/绿色园区/绿色供应链
(values in H, notes in I), 重点任务 rows 4–5 are the plan's tasks (status in D), 重大项目 data from row 4.
"""

from __future__ import annotations

import dataclasses
import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from factory import REGISTRY, clean_fill, extra_task, patch_sheet_xml, set_meta, write_filled
from yc_reports.intake.reader import parse_workbook
from yc_reports.issues import flatten
from yc_reports.workbook.fill import ProjectFill

FCT = "green_factories"   # 新增绿色工厂数量, 指标进展 row 5, unit 家


def issues_of(path: Path, registry=REGISTRY, fields=("code", "sheet", "cell")):
    return flatten(parse_workbook(path, registry).issues, list(fields))


def with_value(value, key: str = FCT, action_id: int = 3, **changes):
    fill = clean_fill(action_id)
    return dataclasses.replace(fill, values={**fill.values, key: value}, **changes)


def entry(path: Path, key: str = FCT):
    return parse_workbook(path, REGISTRY).submission.indicator(key)


# ------------------------------------------------------------------------------------- numbers in cells


@pytest.mark.parametrize("typed, expected", [
    ("１２家", Decimal(12)),
    ("12 家", Decimal(12)),
    ("1,234", Decimal(1234)),
    ("1，234", Decimal(1234)),
    (" 8 ", Decimal(8)),
])
def test_number_written_as_text_is_read_when_unambiguous(tmp_path, typed, expected):
    path = write_filled(tmp_path, fill=with_value(typed))
    assert issues_of(path) == []
    assert entry(path).value == expected


def test_number_with_trailing_unit_of_the_row_is_read_for_a_long_unit(tmp_path):
    path = write_filled(tmp_path, 5, fill=with_value("22.4亿立方米", key="water_use_total", action_id=5))
    assert issues_of(path) == []
    assert entry(path, "water_use_total").value == Decimal("22.4")


@pytest.mark.parametrize("typed", ["12个", "约10家", "10-12", "8家（含2家待认定）", "十二", "1,5"])
def test_number_with_other_unit_or_words_is_an_error_at_its_cell(tmp_path, typed):
    path = write_filled(tmp_path, fill=with_value(typed))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["number-invalid", "指标进展", "H5"]]
    assert typed.strip() in result.issues[0].message and "家" in result.issues[0].message
    assert result.submission.indicator(FCT).value is None


def test_negative_count_is_an_error(tmp_path):
    path = write_filled(tmp_path, fill=with_value(Decimal(-2)))
    assert issues_of(path) == [["number-negative", "指标进展", "H5"]]
    assert entry(path).value is None


def test_true_false_in_a_number_cell_is_invalid(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["H5"], "value", True))
    assert issues_of(path) == [["number-invalid", "指标进展", "H5"]]


def test_cached_error_value_is_invalid(tmp_path):
    path = write_filled(tmp_path, fill=with_value(Decimal(1)))
    patch_sheet_xml(path, "指标进展", lambda xml: re.sub(r'<c r="H5"([^>]*?)t="n"([^>]*)><v>1</v></c>',
                                                    r'<c r="H5"\1t="e"\2><v>#DIV/0!</v></c>', xml))
    assert issues_of(path) == [["number-invalid", "指标进展", "H5"]]


def test_blank_required_value_is_an_error_at_its_cell(tmp_path):
    fill = with_value(None)
    path = write_filled(tmp_path, fill=dataclasses.replace(fill, notes={**fill.notes, FCT: ""}))
    assert issues_of(path, fields=("code", "severity", "sheet", "cell")) == [
        ["value-required", "error", "指标进展", "H5"]]


def test_blank_value_with_an_explanation_is_only_a_warning(tmp_path):
    fill = with_value(None)
    path = write_filled(tmp_path, fill=dataclasses.replace(fill, notes={**fill.notes, FCT: "统计数据10月中旬发布"}))
    assert issues_of(path, fields=("code", "severity", "sheet", "cell")) == [
        ["value-required", "warning", "指标进展", "H5"]]


def test_percent_typed_with_percent_sign_on_a_percent_row(tmp_path):
    path = write_filled(tmp_path, 4, fill=with_value("85％", key="rd_activity_coverage", action_id=4))
    assert issues_of(path) == []
    assert entry(path, "rd_activity_coverage").value == Decimal(85)


def test_percent_typed_in_excel_as_a_fraction_formatted_as_percent_means_85(tmp_path):
    def typed_85_percent(wb):
        cell = wb["指标进展"]["H7"]   # 规模以上企业研发活动覆盖率
        cell.value, cell.number_format = 0.85, "0%"

    path = write_filled(tmp_path, 4, edit=typed_85_percent)
    assert issues_of(path) == []
    assert entry(path, "rd_activity_coverage").value == Decimal(85)


def test_percent_sign_on_a_count_row_is_invalid(tmp_path):
    path = write_filled(tmp_path, fill=with_value("85%"))
    assert issues_of(path) == [["number-invalid", "指标进展", "H5"]]


def test_coverage_above_100_percent_is_a_warning(tmp_path):
    path = write_filled(tmp_path, 4, fill=with_value(Decimal(120), key="rd_activity_coverage", action_id=4))
    assert issues_of(path, fields=("code", "severity", "sheet", "cell")) == [
        ["percent-out-of-range", "warning", "指标进展", "H7"]]
    assert entry(path, "rd_activity_coverage").value == Decimal(120)


def test_growth_rate_above_100_percent_is_accepted(tmp_path):
    path = write_filled(tmp_path, 8, fill=with_value(Decimal(135), key="green_finance_growth", action_id=8))
    assert issues_of(path) == []


# ------------------------------------------------------------------------------------- formulas


def test_formula_without_cached_value_is_an_error_saying_so(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["H5"], "value", "=3+5"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["formula-no-cache", "指标进展", "H5"]]
    assert "=3+5" in result.issues[0].message and "保存" in result.issues[0].message


def test_formula_with_cached_value_is_accepted(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["H5"], "value", "=3+5"))
    patch_sheet_xml(path, "指标进展", lambda xml: re.sub(r"(<c r=\"H5\"[^>]*><f>3\+5</f>)<v\s*/>|(<c r=\"H5\"[^>]*><f>3\+5</f>)<v></v>",
                                                    lambda m: (m.group(1) or m.group(2)) + "<v>8</v>", xml))
    assert issues_of(path) == []
    assert entry(path).value == Decimal(8)


def test_formula_without_cache_in_a_project_cell(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重大项目"]["F4"], "value", "=D4*0.7"))
    assert issues_of(path) == [["formula-no-cache", "重大项目", "F4"]]


# ------------------------------------------------------------------------------------- locked cells


def test_changed_target_is_a_warning_and_the_registry_value_is_used(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["D5"], "value", 15))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues, ["code", "severity", "sheet", "cell"]) == [
        ["locked-cell-changed", "warning", "指标进展", "D5"]]
    assert "“15”" in result.issues[0].message and "“12”" in result.issues[0].message
    assert result.submission.indicator(FCT).value == Decimal(8)


def test_target_rewritten_as_equal_text_is_not_a_change(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["D5"], "value", "12"))
    assert issues_of(path) == []


def test_changed_indicator_name_still_reads_the_row_by_position(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["指标进展"]["B5"], "value", "绿色工厂"))
    assert issues_of(path) == [["locked-cell-changed", "指标进展", "B5"]]
    assert entry(path).value == Decimal(8) and entry(path).cell == "H5"


def test_changed_unit_and_target_year_are_each_noticed(tmp_path):
    def edit(wb):
        wb["指标进展"]["C5"].value = "个"
        wb["指标进展"]["E5"].value = 2030

    assert issues_of(write_filled(tmp_path, edit=edit)) == [
        ["locked-cell-changed", "指标进展", "C5"], ["locked-cell-changed", "指标进展", "E5"]]


def test_changed_task_content_and_deadline_are_noticed_and_the_row_still_counts(tmp_path):
    def edit(wb):
        wb["重点任务"]["B4"].value = "创建国家级绿色制造示范单位3家"
        wb["重点任务"]["C5"].value = "2026-12-31"

    path = write_filled(tmp_path, edit=edit)
    assert issues_of(path) == [["locked-cell-changed", "重点任务", "B4"], ["locked-cell-changed", "重点任务", "C5"]]
    tasks = parse_workbook(path, REGISTRY).submission.tasks
    assert [(t.key, t.content, t.deadline.isoformat()) for t in tasks] == [
        ("green_demo_units", "创建一批国家级绿色制造示范单位", "2025-12-31"),
        ("chem_green_system", "初步形成高效、清洁、低碳、循环的化工产业绿色制造体系", "2025-12-31")]


def test_changed_locked_basic_info_is_noticed(tmp_path):
    def edit(wb):
        wb["基本信息"]["B3"].value = "绿色制造"      # 行动名称
        wb["基本信息"]["B5"].value = "2025Q3"        # 季度 written the short way: not a change

    assert issues_of(write_filled(tmp_path, edit=edit)) == [["locked-cell-changed", "基本信息", "B3"]]


# ------------------------------------------------------------------------------------- structure


def test_missing_sheet_is_named(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: wb.remove(wb["重大项目"]))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["sheet-missing", "重大项目", ""]]
    assert "重大项目" in result.issues[0].message
    assert result.submission.projects == ()


def test_renamed_sheet_is_a_missing_sheet(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重点任务"], "title", "任务"))
    assert issues_of(path) == [["sheet-missing", "重点任务", ""]]


def test_missing_header_is_named(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重点任务"]["E3"], "value", "状态"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["header-missing", "重点任务", ""]]
    assert "完成状态" in result.issues[0].message


def test_header_found_when_rows_are_inserted_above_it(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: wb["指标进展"].insert_rows(1, 2))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == []
    assert result.submission.indicator(FCT).cell == "H7"


def test_missing_label_on_basic_info_is_named(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["基本信息"]["A8"], "value", None))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["header-missing", "基本信息", ""]]
    assert "审核人" in result.issues[0].message


def test_unknown_indicator_row_is_an_error(tmp_path):
    def edit(wb):
        wb["指标进展"]["B8"].value = "绿色矿山数量"
        wb["指标进展"]["H8"].value = 3

    assert issues_of(write_filled(tmp_path, edit=edit)) == [["row-unknown", "指标进展", "B8"]]


def test_deleted_indicator_row_is_named(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: wb["指标进展"].delete_rows(5))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["row-missing", "指标进展", ""]]
    assert "新增绿色工厂数量" in result.issues[0].message
    assert [e.key for e in result.submission.indicators] == ["green_products", "green_parks", "green_supply_chains"]


# ------------------------------------------------------------------------------------- the hidden sheet


def test_workbook_without_hidden_sheet_is_not_a_template(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: wb.remove(wb["模板标识"]))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-not-template", "", ""]]
    assert result.submission is None


def test_old_template_version_is_named_with_what_to_do(tmp_path):
    path = write_filled(tmp_path)
    newer = dataclasses.replace(REGISTRY, plan=dataclasses.replace(REGISTRY.plan, template_version=2))
    result = parse_workbook(path, newer)
    assert flatten(result.issues) == [["template-outdated", "", ""]]
    assert "第1版" in result.issues[0].message and "第2版" in result.issues[0].message
    assert "下载" in result.issues[0].message
    assert result.submission is None


def test_newer_template_version_than_this_program_knows(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: set_meta(wb, "template_version", 9))
    assert issues_of(path) == [["template-too-new", "", ""]]


def test_template_of_another_plan(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: set_meta(wb, "plan_id", "yc-10actions-2026-2030"))
    assert issues_of(path) == [["template-other-plan", "", ""]]


def test_template_of_an_action_not_in_the_plan(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: set_meta(wb, "action_id", 42))
    assert issues_of(path) == [["template-unknown-action", "", ""]]


def test_garbled_quarter_in_hidden_sheet_is_not_a_template(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: set_meta(wb, "quarter", "三季度"))
    assert issues_of(path) == [["file-not-template", "", ""]]


def test_renamed_file_is_still_recognised(tmp_path):
    path = write_filled(tmp_path, 10, name="新建 Microsoft Excel 工作表 (2).xlsx")
    assert parse_workbook(path, REGISTRY).submission.action_id == 10


# ------------------------------------------------------------------------------------- tasks, projects, info


def test_blank_task_status_is_required(tmp_path):
    fill = clean_fill(3)
    path = write_filled(tmp_path, fill=dataclasses.replace(fill, tasks={"green_demo_units": fill.tasks["green_demo_units"]}))
    assert issues_of(path) == [["value-required", "重点任务", "E5"]]


def test_task_status_not_in_the_dropdown_is_an_error(tmp_path):
    path = write_filled(tmp_path, edit=lambda wb: setattr(wb["重点任务"]["E4"], "value", "基本完成"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["choice-invalid", "重点任务", "E4"]]
    assert "已完成、正常推进、滞后、未启动" in result.issues[0].message


def test_added_task_without_content_or_status(tmp_path):
    def edit(wb):
        wb["重点任务"]["G6"].value = "已完成调研"      # progress on an empty extra row
        wb["重点任务"]["B7"].value = "推进园区循环化改造"  # content without a status

    assert issues_of(write_filled(tmp_path, edit=edit)) == [
        ["value-required", "重点任务", "B6"], ["value-required", "重点任务", "E6"],
        ["value-required", "重点任务", "E7"]]


def test_added_task_with_a_bad_deadline(tmp_path):
    fill = dataclasses.replace(clean_fill(3), extra_tasks=(dataclasses.replace(extra_task(), deadline="年底前"),))
    assert issues_of(write_filled(tmp_path, fill=fill)) == [["date-invalid", "重点任务", "C6"]]


def test_project_row_with_a_name_needs_numbers_and_a_status(tmp_path):
    fill = dataclasses.replace(clean_fill(3), projects=(ProjectFill("屈原文化公园", None, Decimal(100), None, None),))
    assert issues_of(write_filled(tmp_path, fill=fill)) == [
        ["value-required", "重大项目", "C4"], ["value-required", "重大项目", "F4"],
        ["value-required", "重大项目", "H4"]]


def test_project_figures_without_a_name(tmp_path):
    fill = dataclasses.replace(clean_fill(3), projects=(ProjectFill("", Decimal(10), Decimal(5), Decimal(1), "在建"),))
    assert issues_of(write_filled(tmp_path, fill=fill)) == [["value-required", "重大项目", "B4"]]


def test_project_figures_as_text_with_separators_and_unit(tmp_path):
    fill = dataclasses.replace(clean_fill(3), projects=(
        ProjectFill("园区改造", "52,000万元", "１２０００", "8,600.5", "在建"),))
    path = write_filled(tmp_path, fill=fill)
    assert issues_of(path) == []
    project = parse_workbook(path, REGISTRY).submission.projects[0]
    assert (project.total_investment, project.annual_plan, project.ytd_completed) == (
        Decimal(52000), Decimal(12000), Decimal("8600.5"))


def test_project_bad_status_negative_figure_and_bad_start_date(tmp_path):
    fill = dataclasses.replace(clean_fill(3), projects=(
        ProjectFill("园区改造", Decimal(100), Decimal(-5), "五十", "施工中", "明年"),))
    assert issues_of(write_filled(tmp_path, fill=fill)) == [
        ["number-negative", "重大项目", "D4"], ["number-invalid", "重大项目", "F4"],
        ["choice-invalid", "重大项目", "H4"], ["date-invalid", "重大项目", "I4"]]


def test_year_to_date_investment_above_total_is_a_warning(tmp_path):
    fill = dataclasses.replace(clean_fill(3), projects=(
        ProjectFill("园区改造", Decimal(100), Decimal(150), Decimal(120), "在建"),))
    path = write_filled(tmp_path, fill=fill)
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues, ["code", "severity", "sheet", "cell"]) == [
        ["investment-exceeds-total", "warning", "重大项目", "F4"]]
    assert "园区改造" in result.issues[0].message


def test_required_basic_info_left_blank(tmp_path):
    fill = dataclasses.replace(clean_fill(3), filler="", phone="", fill_date=None)
    assert issues_of(write_filled(tmp_path, fill=fill)) == [
        ["value-required", "基本信息", "B6"], ["value-required", "基本信息", "B7"],
        ["value-required", "基本信息", "B9"]]


def test_fill_date_that_is_not_a_date(tmp_path):
    fill = dataclasses.replace(clean_fill(3), fill_date="十月八日")
    assert issues_of(write_filled(tmp_path, fill=fill)) == [["date-invalid", "基本信息", "B9"]]


def test_fill_date_typed_as_text_is_read(tmp_path):
    fill = dataclasses.replace(clean_fill(3), fill_date="2025年10月8日")
    path = write_filled(tmp_path, fill=fill)
    assert issues_of(path) == []
    assert parse_workbook(path, REGISTRY).submission.info.fill_date.isoformat() == "2025-10-08"


# ------------------------------------------------------------------------------------- long texts


def test_very_long_text_is_cut_with_a_warning(tmp_path):
    fill = clean_fill(3)
    path = write_filled(tmp_path, fill=dataclasses.replace(fill, notes={**fill.notes, FCT: "说明" * 3000}))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues, ["code", "severity", "sheet", "cell"]) == [
        ["text-too-long", "warning", "指标进展", "I5"]]
    assert len(result.submission.indicator(FCT).note) == 2000


# ------------------------------------------------------------------------------------- whole files


def test_truncated_file_is_one_clear_error(tmp_path):
    path = write_filled(tmp_path)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-unreadable", "", ""]]
    assert "截断" in result.issues[0].message and result.submission is None


def test_empty_file_is_one_clear_error(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert issues_of(path) == [["file-unreadable", "", ""]]


@pytest.mark.parametrize("content", [b"%PDF-1.7\n...", "填报人,张明\n".encode("gbk"), b"<html><body>x</body></html>"])
def test_file_that_is_not_xlsx(tmp_path, content):
    path = tmp_path / "报表.xlsx"
    path.write_bytes(content)
    assert issues_of(path) == [["file-not-xlsx", "", ""]]


def test_zip_that_is_not_a_workbook_is_not_xlsx(tmp_path):
    path = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert issues_of(path) == [["file-not-xlsx", "", ""]]


def _ole_file(*stream_names: str) -> bytes:
    """An OLE2 compound file header followed by directory entries with these names (UTF-16LE)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in stream_names)
    return header + entries


def test_encrypted_workbook_is_one_clear_error(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(_ole_file("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-encrypted", "", ""]]
    assert "密码" in result.issues[0].message


def test_old_xls_is_one_clear_error(tmp_path):
    path = tmp_path / "旧版.xls"
    path.write_bytes(_ole_file("Root Entry", "Workbook", "\x05SummaryInformation"))
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-legacy-xls", "", ""]]
    assert "另存为" in result.issues[0].message


def test_real_xls_written_by_libreoffice_is_one_clear_error(tmp_path):
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = write_filled(tmp_path, name="real.xlsx")
    out = tmp_path / "xls"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo_profile", "--headless",
                    "--convert-to", "xls", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    assert issues_of(out / "real.xls") == [["file-legacy-xls", "", ""]]


def _zip_with(members: dict[str, bytes] | None = None, big_zeros: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, data in (members or {}).items():
            archive.writestr(name, data)
        chunk = b"\x00" * (1024 * 1024)
        for name, mebibytes in (big_zeros or {}).items():
            with archive.open(name, "w", force_zip64=True) as handle:
                for _ in range(mebibytes):
                    handle.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_with_absurd_total_size_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_zip_with(big_zeros={"xl/worksheets/sheet1.xml": 80}))
    assert path.stat().st_size < 1024 * 1024
    start = time.process_time()
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-too-large", "", ""]]
    assert time.process_time() - start < 5   # decided from the zip directory, nothing inflated


def test_member_with_absurd_compression_ratio_is_refused(tmp_path):
    path = tmp_path / "ratio.xlsx"
    path.write_bytes(_zip_with(big_zeros={"xl/sharedStrings.xml": 3}))
    assert issues_of(path) == [["file-too-large", "", ""]]


def test_archive_with_thousands_of_members_is_refused(tmp_path):
    path = tmp_path / "many.xlsx"
    path.write_bytes(_zip_with(members={f"xl/media/image{i}.png": b"x" for i in range(2100)}))
    assert issues_of(path) == [["file-too-large", "", ""]]


def _lie_about_size(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the declared uncompressed size of `member` in both the local header and the directory."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    out = bytearray(data)
    # local file header: uncompressed size at offset 22
    out[info.header_offset + 22: info.header_offset + 26] = declared.to_bytes(4, "little")
    # central directory entry: find by signature and name, uncompressed size at offset 24
    name = member.encode()
    pos = out.find(b"PK\x01\x02" + b"", 0)
    while pos != -1:
        name_len = int.from_bytes(out[pos + 28: pos + 30], "little")
        if bytes(out[pos + 46: pos + 46 + name_len]) == name:
            out[pos + 24: pos + 28] = declared.to_bytes(4, "little")
            break
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_zip_reader_never_returns_more_than_the_declared_size(tmp_path):
    """The claim safe_open relies on: declared sizes bound memory even when a header lies."""
    data = _lie_about_size(_zip_with(big_zeros={"xl/worksheets/sheet1.xml": 4}), "xl/worksheets/sheet1.xml", 1000)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    with archive.open("xl/worksheets/sheet1.xml") as handle:
        got = b""
        with pytest.raises(zipfile.BadZipFile):   # the CRC of the truncated stream cannot match
            while chunk := handle.read(4096):
                got += chunk
    assert len(got) <= 1000


def test_workbook_whose_sheet_header_lies_about_its_size_is_unreadable_not_a_hang(tmp_path):
    path = write_filled(tmp_path)
    member = "xl/worksheets/sheet3.xml"
    path.write_bytes(_lie_about_size(path.read_bytes(), member, 100))
    result = parse_workbook(path, REGISTRY)
    assert [i.code.value for i in result.issues] == ["file-unreadable"]


def test_entity_declaration_in_sheet_xml_is_never_expanded(tmp_path):
    path = write_filled(tmp_path)
    laughs = ('<!DOCTYPE worksheet [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
              + "]>")

    def inject(xml: str) -> str:
        xml = xml.replace("?>", "?>" + laughs, 1) if xml.startswith("<?xml") else laughs + xml
        return re.sub(r'<c r="I5"[^>]*?(/>|>.*?</c>)', '<c r="I5" t="inlineStr"><is><t>&i;</t></is></c>', xml, flags=re.S)

    patch_sheet_xml(path, "指标进展", inject)
    start = time.process_time()
    result = parse_workbook(path, REGISTRY)
    assert time.process_time() - start < 5
    assert flatten(result.issues) == [["file-unreadable", "", ""]]
    assert "实体" in result.issues[0].message


def test_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    path = write_filled(tmp_path)

    def inject(xml: str) -> str:
        doctype = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{secret}">]>'
        xml = xml.replace("?>", "?>" + doctype, 1) if xml.startswith("<?xml") else doctype + xml
        return re.sub(r'(<c r="B6"[^>]*><is><t>).*?(</t>)', r"\1&x;\2", xml, count=1)

    patch_sheet_xml(path, "基本信息", inject)
    result = parse_workbook(path, REGISTRY)
    assert flatten(result.issues) == [["file-unreadable", "", ""]]
    assert "机密" not in repr(result)


def test_one_bad_sheet_does_not_raise(tmp_path):
    path = write_filled(tmp_path)
    patch_sheet_xml(path, "重大项目", lambda xml: xml[: len(xml) // 2])
    result = parse_workbook(path, REGISTRY)
    assert [i.code.value for i in result.issues] == ["file-unreadable"]
