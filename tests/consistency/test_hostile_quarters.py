"""Named regression quarters made from the demo's own workbooks (收官; templates and stale texts): each asserts the exact
sentences read back from the written .docx, and that no claim of the written outputs contradicts summary.json
(consistency_claims.check).

- hostile_2025Q3: 第三项's 2024Q3 workbook missing (three quarters of history), 用水总量 23 of a 22.4 ceiling before
  Q4, a blank figure (with a note), text in a number cell, two differing copies of 第八项 — the 收官 section.
- hostile_2025Q2 / demo_2025Q1: a ceiling's remaining allowance over two quarters; a need of one third a quarter.
- hostile_2025Q4: the 2025Q4 templates as the office writes them from 2025Q3, 第十项 filled by a clerk who skips
  its task and project rows; "无" as 第三项's 下一步工作计划; an Excel line break inside a 存在问题; last quarter's
  problem copied beside a task now 已完成.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from consistency_claims import check
from hostile_quarters import Built, build, cell, copy_inputs, edit, set_figure, set_info, workbook_of

from yc_reports.pipeline.supervision import template_rectifications
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.fill import UnitFill, fill_workbook
from yc_reports.workbook.writer import write_templates
from yc_reports.workbook.xlsx_io import save_workbook

CHEM = "初步形成高效、清洁、低碳、循环的化工产业绿色制造体系"
DEMO_UNITS = "创建一批国家级绿色制造示范单位"
STALE = "省级评审尚未开展，申报企业材料需补充。"


def set_task(content: str, header: str, value: object):
    def change(wb):
        cell(wb, L.SHEET_TASKS, content, header).value = value
    return change


def set_note(name: str, value: str):
    def change(wb):
        cell(wb, L.SHEET_INDICATORS, name, L.IND_NOTE.header).value = value
    return change


def no_claim_contradicts_the_facts(built: Built) -> None:
    verdict = check(built.claims_folder())
    assert verdict.claims > 300 and verdict.violations == [], verdict.violations


def finish_section(built: Built) -> list[str]:
    """The 收官 reckoning: in the 通报's 附件2, under its caption, up to the next table's caption."""
    paragraphs = built.notice_with_attachments()
    start = next(i for i, p in enumerate(paragraphs) if p.endswith("年到期目标收官测算"))
    end = next(i for i, p in enumerate(paragraphs) if i > start and (p.startswith("表") or p.startswith("附件")))
    return paragraphs[start:end]


# ------------------------------------------------------------------------------------ 2025Q3


@pytest.fixture(scope="module")
def hostile_2025q3(demo_build, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("hostile_2025Q3")
    inputs = copy_inputs(demo_build.root, root)
    workbook_of(inputs, "2024Q3", 3).unlink()                  # 第三项's record starts in 2024Q4
    edit(workbook_of(inputs, "2025Q3", 5), set_figure("全市用水总量", 23))
    energy = workbook_of(inputs, "2025Q3", 1)
    edit(energy, set_figure("单位GDP能源消耗降低率", None))
    edit(energy, set_note("单位GDP能源消耗降低率", "数据待统计部门核定后报送。"))
    edit(workbook_of(inputs, "2025Q3", 10), set_figure("文化和旅游产业综合收入", "约1000亿"))
    return build("hostile_2025Q3", root, "2025Q3")


@pytest.fixture(scope="module")
def duplicate_2025q3(demo_build, tmp_path_factory) -> Built:
    """Two differing copies of 第八项 (数据待核实). Not put to consistency_claims.check: its second-version rule
    (no usable figure → grey) disagrees with the model's red for 数据待核实 — the lead's call, see the report."""
    root = tmp_path_factory.mktemp("duplicate_2025Q3")
    inputs = copy_inputs(demo_build.root, root)
    finance = workbook_of(inputs, "2025Q3", 8)
    second = finance.with_name(finance.stem + "（修改稿）.xlsx")
    second.write_bytes(finance.read_bytes())
    edit(second, set_figure("全市绿色融资规模", 1390))
    return build("duplicate_2025Q3", root, "2025Q3")


def test_finish_counts_the_quarters_on_record(hostile_2025q3):
    section = finish_section(hostile_2025q3)
    assert ("（二）新增绿色工厂数量（第三项，市经信局）。截至9月底为8家，距2025年目标12家尚差4家。完成目标，第四季度需增加4家，"
            "而近三个季度共增加2家（平均每季度0.7家）。") in section
    assert any(p.startswith("（三）建设绿色园区数量（第三项，市经信局）。截至9月底为1个，距2025年目标2个尚差1个。完成目标，"
                            "第四季度需增加1个，而近三个季度没有增加。牵头单位说明：") for p in section)
    assert not any("近四个季度" in p for p in section if "第三项" in p)


def test_finish_states_a_broken_ceiling_as_exceeded_never_as_a_negative_need(hostile_2025q3):
    section = finish_section(hostile_2025q3)
    assert ("（六）全市用水总量（第五项，市水利和湖泊局）。截至9月底为23亿立方米，已超出全年控制目标（22.4亿立方米）0.6亿立方米，"
            "全年控制目标已无法完成。") in section
    assert not any("-0.6" in p or "需完成-" in p for p in hostile_2025q3.notice())


def test_finish_names_the_targets_it_cannot_assess(hostile_2025q3, duplicate_2025q3):
    assert finish_section(hostile_2025q3)[-1] == (
        "另有4项2025年目标暂无法测算年底完成情况：单位GDP能源消耗降低率（第一项，市发改委）本季度未填报数据；"
        "主要污染物排放下降率（第一项，市发改委）年度目标尚待下达；万元GDP用水量下降率（第五项，市水利和湖泊局）年度目标尚待下达；"
        "文化和旅游产业综合收入（第十项，市文化和旅游局）本季度所填数据无法识别。请相关牵头单位尽快补报。")
    assert finish_section(duplicate_2025q3)[-1] == (
        "另有3项2025年目标暂无法测算年底完成情况：主要污染物排放下降率（第一项，市发改委）年度目标尚待下达；"
        "万元GDP用水量下降率（第五项，市水利和湖泊局）年度目标尚待下达；全市绿色融资规模（第八项，人行市中心支行、市地方金融工作局）"
        "报送了内容不一致的多份数据，待核实。请相关牵头单位尽快核实。")


def test_a_quoted_note_keeps_one_full_stop(hostile_2025q3):
    texts = hostile_2025q3.report(1) + hostile_2025q3.notice()
    assert any("（牵头单位说明：数据待统计部门核定后报送）。" in t for t in texts)
    assert not any("。）" in t for t in texts)


def test_hostile_2025q3_claims_hold(hostile_2025q3):
    no_claim_contradicts_the_facts(hostile_2025q3)


# ------------------------------------------------------------------------------------ 2025Q2, 2025Q1


@pytest.fixture(scope="module")
def hostile_2025q2(demo_build, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("hostile_2025Q2")
    inputs = copy_inputs(demo_build.root, root)
    edit(workbook_of(inputs, "2025Q2", 5), set_figure("全市用水总量", 11.8))   # 23.6 for the year at this pace
    return build("hostile_2025Q2", root, "2025Q2")


def test_finish_gives_a_ceiling_its_remaining_allowance(hostile_2025q2):
    section = finish_section(hostile_2025q2)
    assert ("（七）全市用水总量（第五项，市水利和湖泊局）。截至6月底为11.8亿立方米，为全年控制目标22.4亿立方米的52.7%；"
            "按今年以来的进度，全年预计23.6亿立方米，将超过控制目标。全年控制在目标以内，第三、四季度合计不能超过10.6亿立方米"
            "（平均每季度5.3亿立方米），而本季度为6.82亿立方米。") in section
    assert ("（四）建设绿色园区数量（第三项，市经信局）。截至6月底为1个，距2025年目标2个尚差1个。完成目标，第三、四季度共需增加1个"
            "（平均每季度0.5个），而近三个季度共增加1个（平均每季度0.3个）。") in section
    no_claim_contradicts_the_facts(hostile_2025q2)


@pytest.fixture(scope="module")
def demo_2025q1(demo_build, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("demo_2025Q1")
    copy_inputs(demo_build.root, root)
    return build("demo_2025Q1", root, "2025Q1")


def test_finish_never_rounds_a_need_of_a_third_to_zero(demo_2025q1):
    section = finish_section(demo_2025q1)
    assert ("（四）打造绿色供应链数量（第三项，市经信局）。截至3月底为1条，距2025年目标2条尚差1条。完成目标，第二至四季度共需增加1条"
            "（平均每季度0.3条），而近两个季度没有增加。") in section
    assert any("近两个季度共提高1.3个百分点" in p for p in section)
    assert not any("二个季度" in p or "每季度0条" in p or "每季度需增加 0" in p for p in section)
    no_claim_contradicts_the_facts(demo_2025q1)


# ------------------------------------------------------------------------------------ 2025Q4


@pytest.fixture(scope="module")
def hostile_2025q4(demo_build, tmp_path_factory) -> tuple[Built, Path]:
    root = tmp_path_factory.mktemp("hostile_2025Q4")
    inputs = copy_inputs(demo_build.root, root)
    registry = load_registry(inputs / "plan.toml")
    edit(workbook_of(inputs, "2025Q3", 5), set_figure("全市用水总量", 23))
    edit(workbook_of(inputs, "2025Q3", 3), set_task(DEMO_UNITS, "存在问题", STALE))
    q4 = Quarter(2025, 4)
    written = write_templates(registry, q4, root / "templates", inputs,
                              rectifications=template_rectifications(registry, q4, inputs))
    [template] = [p for p in written if "第10项" in p.name]
    wb = openpyxl.load_workbook(template)   # a clerk who types two figures and skips every row below
    fill_workbook(wb, UnitFill(filler="罗雪", phone="0717-6242389", reviewer="邓超", fill_date=dt.date(2026, 1, 8),
                               values={"tourist_arrivals": Decimal("1.21"), "tourism_revenue": None},
                               notes={"tourism_revenue": "年度数据待统计部门发布。"}))
    skipped = workbook_of(inputs, "2025Q4", 10)
    skipped.unlink()
    save_workbook(wb, skipped)
    three = workbook_of(inputs, "2025Q4", 3)
    edit(three, set_info(L.INFO_NEXT, "无"))
    edit(three, set_task(CHEM, "存在问题", "部分企业改造资金压力较大，\n个别项目进度偏慢"))
    edit(three, set_task(DEMO_UNITS, "存在问题", STALE))      # copied from last quarter beside 已完成
    edit(workbook_of(inputs, "2025Q4", 5), set_figure("全市用水总量", 24))
    return build("hostile_2025Q4", root, "2025Q4"), template


def test_2025q4_template_shows_last_quarter_beside_empty_inputs(hostile_2025q4):
    _, template = hostile_2025q4
    wb = openpyxl.load_workbook(template)
    projects = wb[L.SHEET_PROJECTS]
    assert cell(wb, L.SHEET_PROJECTS, "屈原文化公园核心区建设", "上季度末本年累计完成投资（万元）").value == 27200
    assert cell(wb, L.SHEET_PROJECTS, "屈原文化公园核心区建设", "本年累计完成投资（万元）").value is None
    assert cell(wb, L.SHEET_PROJECTS, "屈原文化公园核心区建设", "上季度项目状态").value == "在建"
    assert cell(wb, L.SHEET_PROJECTS, "屈原文化公园核心区建设", "项目状态").value is None
    task = "加快建设屈原文化公园，使宜昌成为长江国家文化公园的重要支撑"
    assert cell(wb, L.SHEET_TASKS, task, "上季度完成状态").value == "正常推进"
    assert cell(wb, L.SHEET_TASKS, task, "上季度存在问题").value == "征地拆迁进度偏慢。"
    for header in ("完成状态", "进展情况", "存在问题"):
        assert cell(wb, L.SHEET_TASKS, task, header).value is None, header
    assert cell(wb, L.SHEET_TASKS, task, "上季度进展情况").protection.locked
    assert not cell(wb, L.SHEET_TASKS, task, "进展情况").protection.locked
    assert projects.protection.sheet


def test_a_skipped_row_is_never_last_quarters_answer(hostile_2025q4):
    built, _ = hostile_2025q4
    report = built.report(10)
    assert not any("27200" in t or "征地拆迁进度偏慢" in t for t in report + built.notice())
    assert "纳入调度的重大项目1个，年度计划投资45000万元，投资完成数据待补报。" in report
    assert "列入责任清单的重点任务2项，均逾期未完成。各项任务的完成时限和进展见下表。" in report
    assert "文化和旅游产业综合收入本季度未填报，请牵头单位补报（牵头单位说明：年度数据待统计部门发布）。" in report


def test_stale_problem_line_break_and_placeholder_next_steps(hostile_2025q4):
    built, _ = hostile_2025q4
    notice = built.notice()
    report = built.report(3)
    # the Excel line break inside the unit's sentence is joined: one paragraph, one sentence
    assert ("牵头单位反映：“初步形成高效、清洁、低碳、循环的化工产业绿色制造体系”任务推进中，部分企业改造资金压力较大，"
            "个别项目进度偏慢。") in report
    assert not any("省级评审尚未开展" in t for t in report + notice)   # 已完成 now: last quarter's problem is not news
    after = report[report.index("七、下一步工作计划") + 1]
    assert after == "牵头单位本期未报送下一步工作计划。" and "无" not in report


def test_the_plans_last_quarter_has_no_finish_section(hostile_2025q4):
    built, _ = hostile_2025q4
    assert not any("收官" in p for p in built.notice())
    no_claim_contradicts_the_facts(built)


# ------------------------------------------------------------------------------------ hand-made quarters


def finish_text(case) -> list[str]:
    from consistency_cases import assemble

    from yc_reports.analysis.projection import finish
    from yc_reports.render.wording import Wording

    report = assemble(case)
    blocks = Wording().outline("finish.j2", finish=finish(report), q=report.quarter, plan=report.plan, section="五")
    return [b.text for b in blocks]


def test_a_target_year_before_the_plans_last_is_not_called_its_last():
    from consistency_cases import ActionSpec, Case

    from yc_reports.intake.records import TaskStatus

    tasks = tuple((t.key, TaskStatus.ON_SCHEDULE.value, "") for t in load_registry().action(4).tasks)
    text = finish_text(Case("stage_2023Q3", Quarter(2023, 3), {4: ActionSpec(
        values=(("innovation_platforms", "share:0.5"), ("tech_projects", "share:1"),
                ("rd_institution_coverage", "share:0.9"), ("rd_activity_coverage", "share:0.9")), tasks=tasks)}))
    assert text[0] == "五、确保2023年目标按期完成"
    assert text[1].startswith("方案确定的部分目标以2023年为目标年份。按截至9月底的进度测算，以下1项2023年目标年底前完成难度较大")
    assert "收官之年" not in "".join(text)


def test_a_projection_short_of_the_target_is_never_printed_as_the_target():
    from consistency_cases import ActionSpec, Case

    from yc_reports.intake.records import TaskStatus

    tasks = tuple((t.key, TaskStatus.ON_SCHEDULE.value, "") for t in load_registry().action(4).tasks)
    # 99 → 99.48%: +0.48 in the one quarter on record, 99.96% at the year's end: short of 100%, printed 99.96%
    text = finish_text(Case("near_target_2025Q3", Quarter(2025, 3), {4: ActionSpec(
        values=(("innovation_platforms", "share:1"), ("tech_projects", "share:1"),
                ("rd_institution_coverage", "raw:99.48"), ("rd_activity_coverage", "share:1")), tasks=tasks)},
        history_shares="0.99"))
    [item] = [t for t in text if t.startswith("（一）规模以上企业研发机构覆盖率")]
    assert item == ("（一）规模以上企业研发机构覆盖率（第四项，市科技局）。截至9月底为99.48%，距2025年目标100%尚差0.52个百分点。"
                    "完成目标，第四季度需提高0.52个百分点，而本季度提高0.48个百分点，按此进度年底预计为99.96%。")
