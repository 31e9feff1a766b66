"""A clean filled workbook parses to exactly the records the unit typed, with no issues."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal

import pytest

from factory import REGISTRY, clean_fill, extra_task, filled, save, template, write_filled
from yc_reports.intake.reader import parse_bytes, parse_workbook, read_date
from yc_reports.intake.records import BasicInfo, IndicatorEntry, ProjectEntry, ProjectStatus, TaskEntry, TaskStatus
from yc_reports.issues import flatten
from yc_reports.plan.quarter import Quarter


def test_clean_workbook_parses_to_the_expected_records(tmp_path):
    path = write_filled(tmp_path, 3, "2025Q3")
    result = parse_workbook(path, REGISTRY)
    assert result.issues == ()
    s = result.submission
    assert result.ok and result.file == "filled.xlsx" and s.file == "filled.xlsx"
    assert (s.plan_id, s.action_id, s.quarter, s.template_version) == (REGISTRY.plan.id, 3, Quarter(2025, 3), 1)
    assert s.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert s.info == BasicInfo("张明", "0717-6251234", "李华", dt.date(2025, 10, 8),
                               "本季度各项工作有序推进。", "继续抓好重点项目建设。")
    assert s.indicators == tuple(
        IndicatorEntry(key, Decimal("8"), "数据来源：部门统计", cell)
        for key, cell in (("green_products", "H4"), ("green_factories", "H5"), ("green_parks", "H6"),
                          ("green_supply_chains", "H7")))
    # 进展情况 "按计划推进" is one of the plan's placeholders: it says nothing beyond the state, and is read as ""
    assert s.tasks == (
        TaskEntry(4, "green_demo_units", "创建一批国家级绿色制造示范单位", dt.date(2025, 12, 31),
                  TaskStatus.ON_SCHEDULE, "", ""),
        TaskEntry(5, "chem_green_system", "初步形成高效、清洁、低碳、循环的化工产业绿色制造体系",
                  dt.date(2025, 12, 31), TaskStatus.ON_SCHEDULE, "", ""),
    )
    assert s.projects == (
        ProjectEntry(4, "宜昌绿色化工园区改造项目", Decimal("52000"), Decimal("12000"), Decimal("8600.5"),
                     ProjectStatus.UNDER_CONSTRUCTION, dt.date(2024, 3, 1), "主体结构完工", ""),
        ProjectEntry(5, "长江岸线生态修复工程", Decimal("18000"), Decimal("6000"), Decimal("0"),
                     ProjectStatus.NOT_STARTED, dt.date(2025, 11, 1), "完成前期手续", "用地审批待办"),
    )


def test_display_name_is_what_issues_call_the_file(tmp_path):
    path = write_filled(tmp_path, 3, fill=replace(clean_fill(3), filler=""))
    result = parse_workbook(path, REGISTRY, display_name="inputs/2025Q3/经信局.xlsx")
    assert result.file == "inputs/2025Q3/经信局.xlsx"
    assert [i.file for i in result.issues] == ["inputs/2025Q3/经信局.xlsx"]


def test_unit_added_tasks_are_read_with_an_empty_key(tmp_path):
    fill = clean_fill(3)
    fill = replace(fill, extra_tasks=(extra_task(),))
    result = parse_workbook(write_filled(tmp_path, 3, fill=fill), REGISTRY)
    assert result.issues == ()
    added = result.submission.tasks[-1]
    assert added == TaskEntry(6, "", "推进工业园区循环化改造", dt.date(2025, 12, 31), TaskStatus.ON_SCHEDULE,
                              "已完成方案编制", "")


@pytest.mark.parametrize("action_id", [a.id for a in REGISTRY.actions])
def test_every_action_filled_cleanly_has_no_issues(tmp_path, action_id):
    result = parse_workbook(write_filled(tmp_path, action_id), REGISTRY)
    assert flatten(result.issues) == []
    assert [e.key for e in result.submission.indicators] == [i.key for i in REGISTRY.action(action_id).indicators]
    assert [e.key for e in result.submission.tasks] == [t.key for t in REGISTRY.action(action_id).tasks]


@pytest.mark.parametrize("quarter", ["2022Q1", "2023Q4", "2024Q2", "2025Q4"])
def test_a_blank_template_only_asks_for_what_is_required(tmp_path, quarter):
    """An untouched template is recognised; its only issues are the blanks a unit must fill."""
    result = parse_workbook(save(template(5, quarter), tmp_path / "blank.xlsx"), REGISTRY)
    assert result.submission.quarter == Quarter.parse(quarter)
    assert {i.code.value for i in result.issues} == {"value-required"}
    assert [i.cell for i in result.issues if i.sheet == "指标进展"] == ["H4", "H5", "H6", "H7"]


def test_parse_bytes_reads_an_upload(tmp_path):
    path = write_filled(tmp_path, 10)
    result = parse_bytes(path.read_bytes(), "上传.xlsx", REGISTRY)
    assert result.issues == () and result.file == "上传.xlsx" and result.submission.action_id == 10


def test_an_empty_project_sheet_gives_no_projects(tmp_path):
    fill = clean_fill(6)
    fill = replace(fill, projects=())
    result = parse_workbook(write_filled(tmp_path, 6, fill=fill), REGISTRY)
    assert result.issues == () and result.submission.projects == ()


@pytest.mark.parametrize("raw, expected", [
    (None, (None, True)),
    ("", (None, True)),
    (dt.datetime(2025, 10, 8, 0, 0), (dt.date(2025, 10, 8), True)),
    ("2025-10-08", (dt.date(2025, 10, 8), True)),
    ("2025/10/8", (dt.date(2025, 10, 8), True)),
    ("2025年10月8日", (dt.date(2025, 10, 8), True)),
    ("２０２５年１０月８日", (dt.date(2025, 10, 8), True)),
    (45938, (dt.date(2025, 10, 8), True)),       # an Excel day number whose date format was lost
    ("十月八日", (None, False)),
    ("2025-13-01", (None, False)),
    (12, (None, False)),
    (True, (None, False)),
])
def test_read_date(raw, expected):
    assert read_date(raw) == expected


def test_phone_typed_as_a_number_reads_as_digits(tmp_path):
    fill = clean_fill(3)
    fill = replace(fill, phone="13800000000")
    wb = filled(3, fill=fill)
    wb["基本信息"]["B7"].value = 13800000000
    result = parse_workbook(save(wb, tmp_path / "p.xlsx"), REGISTRY)
    assert result.issues == () and result.submission.info.phone == "13800000000"
