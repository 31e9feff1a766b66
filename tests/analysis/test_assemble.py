"""Which workbook stands for which action, and the lists the office sends out (hand-made records)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from report_fixtures import FIXTURE_QUARTER, file_name, fixture_quarter, project, result, submission
from yc_reports.analysis.assemble import assemble_report, guess_action_id
from yc_reports.analysis.history import history_from_submissions
from yc_reports.analysis.model import Difference, FigureState, GreyReason, Light, Reason, ReasonKind, Status
from yc_reports.intake.records import ProjectStatus, TaskStatus
from yc_reports.issues import IssueCode, Severity, flatten, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.render.wording import Wording

REGISTRY = load_registry()
Q = FIXTURE_QUARTER
WORDING = Wording()


@pytest.fixture(scope="module")
def report():
    current, history, stray = fixture_quarter(REGISTRY)
    return assemble_report(REGISTRY, Q, current, history_from_submissions(Q, history), extra_issues=stray)


def lights(report) -> dict[int, str]:
    return {a.action.id: a.light.value for a in report.actions}


def test_fixture_quarter_lights(report):
    assert lights(report) == {1: "green", 2: "green", 3: "red", 4: "green", 5: "green", 6: "grey", 7: "red",
                              8: "red", 9: "red", 10: "yellow"}
    assert [a.action.id for a in report.actions] == list(range(1, 11))


def test_report_header_fields(report):
    assert (report.time_progress, report.report_date, report.issue_number) == (
        Fraction(3, 4), dt.date(2025, 10, 10), 3)
    assert report.history_quarters == (Quarter(2024, 3), Quarter(2025, 1), Quarter(2025, 2))


def test_missing_action_is_grey_and_named(report):
    six = report.action(6)
    assert (six.submitted, six.data_pending, six.light, six.files) == (False, False, Light.GREY, ())
    assert all(r.status is Status.NO_DATA for r in six.indicators)
    [issue] = [i for i in report.issues if i.code is IssueCode.NOT_SUBMITTED]
    assert (issue.file, issue.severity) == ("", Severity.WARNING)
    assert issue.message == "第六项行动（推进综合交通绿色发展）未报送本季度工作簿。"
    assert report.missing == (six,)


def test_duplicate_workbooks_name_both_and_use_neither(report):
    nine = report.action(9)
    names = ("2025Q3_第09项_市住建局.xlsx", "2025Q3_第09项_市住建局（修改）.xlsx")
    assert (nine.submitted, nine.data_pending, nine.light, nine.files) == (True, True, Light.RED, names)
    # two copies that differ in one entry: 数据待核实, that entry named once with what each copy says
    assert nine.light_reasons == (Reason(ReasonKind.DUPLICATE, count=2, differences=(Difference(
        "重点任务", "完成一批城乡生活污水治理、城乡生活垃圾处理、地下综合管廊等建设项目", "完成状态", ("已完成", "正常推进")),)),)
    assert WORDING.fact(nine.light_reasons[0]) == (
        "报送了两份内容不一致的数据，数据待核实（1处不一致：重点任务“完成一批城乡生活污水治理、城乡生活垃圾处理、地下综合管廊等建设项目”"
        "的完成状态分别为“已完成”、“正常推进”），请牵头单位确认后重新报送")
    assert all(r.figure is FigureState.DUPLICATE and r.status is Status.NO_DATA for r in nine.indicators)
    assert nine.tasks == () and nine.info is None
    duplicates = [i for i in report.issues if i.code is IssueCode.DUPLICATE_WORKBOOK]
    assert [i.file for i in duplicates] == list(names)
    assert all(names[0] in i.message and names[1] in i.message and i.severity is Severity.ERROR
               for i in duplicates)
    assert nine.error_count == 2


def test_workbook_of_another_quarter_is_refused_not_used(report):
    [issue] = [i for i in report.issues if i.code is IssueCode.TEMPLATE_OTHER_QUARTER]
    assert issue.file == "2025Q2_第01项.xlsx"
    assert issue.message == "该文件是2025年第二季度的填报模板，不是2025年第三季度的。请下载2025年第三季度模板填写。"
    assert report.action(1).files == ("2025Q3_第01项.xlsx",)


def test_a_workbook_with_errors_is_used_and_its_errors_are_facts(report):
    ten = report.action(10)
    # an unusable 填报日期 is not 数据待核实 (third version: that is two differing copies)
    assert (ten.data_pending, ten.light, ten.error_count, ten.warning_count) == (False, Light.YELLOW, 1, 1)
    assert ten.indicators[1].actual == Decimal(1020)
    # 1020 / 2000 = 51% against 75%: −24.0, watch; the unusable entry is quoted, never 有误/退回
    assert [WORDING.fact(r) for r in ten.light_reasons] == [
        "文化和旅游产业综合收入完成2025年目标的51%，低于时序进度24个百分点",
        "填报日期填报为“十月八日”，无法识别，请核实补报"]
    assert ten.data_complete is False


def test_history_fills_previous_last_year_and_trend(report):
    factories = report.action(3).indicators[1]
    assert (factories.previous, factories.last_year) == (Decimal(7), Decimal(5))
    assert (factories.qoq, factories.yoy) == (Fraction(1, 7), Fraction(3, 5))
    assert factories.trend == ((Quarter(2024, 3), Decimal(5)), (Quarter(2025, 1), Decimal(7)),
                               (Quarter(2025, 2), Decimal(7)), (Quarter(2025, 3), Decimal(8)))


def test_consistency_warnings_point_at_the_current_cells(report):
    found = [[i.code.value, i.file, i.sheet, i.cell] for i in report.issues
             if i.code in (IssueCode.CUMULATIVE_DECREASE, IssueCode.FLOW_DECREASE, IssueCode.VALUE_JUMP)]
    assert found == [
        ["cumulative-decrease", "2025Q3_第03项.xlsx", "指标进展", "H4"],
        ["value-jump", "2025Q3_第08项.xlsx", "指标进展", "H5"],
        ["flow-decrease", "2025Q3_第10项.xlsx", "指标进展", "H4"],
    ]


def test_stray_files_are_reported(report):
    assert ["stray-file", "~$2025Q3_第03项.xlsx"] in [[i.code.value, i.file] for i in report.issues]


def test_supervision_names_every_red_and_grey_action_with_every_reason(report):
    rows = [(s.action_id, s.lead_units, WORDING.item(s.reason), WORDING.fact(s.reason), s.unit_problem)
            for s in report.supervision]
    assert rows == [
        (3, "市经信局", "建设绿色园区数量", "建设绿色园区数量完成2025年目标的0%，低于时序进度93.8个百分点",
         "猇亭化工园区尚在整改，预计年内难以获批。"),
        (3, "市经信局", "长江岸线生态修复工程",
         "重大项目“长江岸线生态修复工程”已过计划开工时间，截至9月底仍未开工；本年累计完成投资0万元，为年度计划的0%，"
         "低于时序进度75个百分点", "用地审批待办"),
        (6, "市交通运输局、市发改委", "本季度调度数据", "未报送本季度调度数据", ""),
        (7, "市发改委", "联结长江中上游、辐射江汉平原的省域副中心城市建设取得重大进展",
         "重点任务“联结长江中上游、辐射江汉平原的省域副中心城市建设取得重大进展”已超过完成时限（2023年12月31日）仍未完成",
         "跨区域协调事项需省级层面统筹"),
        # 绿色融资规模增速's 2023 target has expired: a stage result, no longer a 督办 item (second version)
        (8, "人行市中心支行、市地方金融工作局",
         "建立较为完善的绿色金融组织体系、产品体系和政策支持体系，形成可复制的绿色金融发展模式",
         "重点任务“建立较为完善的绿色金融组织体系、产品体系和政策支持体系，形成可复制的绿色金融发展模式”牵头单位报告进度滞后",
         "试验区方案尚待省级批复"),
        (9, "市住建局", "报送数据", "报送了两份内容不一致的数据，数据待核实（1处不一致：重点任务“完成一批城乡生活污水治理、"
         "城乡生活垃圾处理、地下综合管廊等建设项目”的完成状态分别为“已完成”、“正常推进”），请牵头单位确认后重新报送", ""),
    ]
    # 三's 绿色工厂 (watch) is a reminder, not a 督办 item: 督办 names the red matters (third version: by item)
    assert [(s.action_id, s.reason.kind) for s in report.attention] == [
        (3, ReasonKind.INDICATOR), (10, ReasonKind.INDICATOR), (10, ReasonKind.ENTRIES)]


def test_commendations_hold_for_every_named_action(report):
    # 四 is green only on 2023 targets (expired, no 2023Q4 figure on record) and two coverages without a base
    # (not judged before 2025Q4): nothing achieved, not praised.
    # 五: 用水总量 14.0 of 22.4 = 62.5% against 75%: +12.5, ahead (at this pace 18.7 by the year's end: on pace);
    # 生态基流 has no base (judged in 2025Q4). Its 2023 task was completed this quarter, two years late: no praise
    # rests on it (third version).
    rows = [(c.action_id, c.lead_units, [WORDING.fact(f) for f in c.achievements]) for c in report.commendations]
    assert rows == [
        (5, "市水利和湖泊局", ["纳入评价的指标进度正常或超前，2项重点任务均无滞后、无逾期",
                          "全市用水总量为14亿立方米，占2025年控制目标的62.5%，低于时序进度12.5个百分点"]),
    ]
    water_allocation = report.action(5).tasks[0]
    assert (water_allocation.done_this_quarter, water_allocation.completed_late) == (True, True)


def test_issues_are_sorted_and_unique(report):
    from yc_reports.issues import sort_key

    assert list(report.issues) == sorted(report.issues, key=sort_key)
    assert len(set(report.issues)) == len(report.issues)


# ------------------------------------------------------------------------------------ small cases


def test_nothing_received_gives_ten_grey_actions():
    r = assemble_report(REGISTRY, Q, [])
    assert set(lights(r).values()) == {"grey"}
    assert flatten(r.issues, ("code", "file")) == [["not-submitted", ""]] * 10
    assert len(r.supervision) == 10


def test_unreadable_workbook_counts_for_the_action_its_name_gives():
    broken = make_issue(IssueCode.FILE_UNREADABLE, "2025Q3_第03项_建设绿色制造体系_市经信局.xlsx", detail="x")
    r = assemble_report(REGISTRY, Q, [result(None, file=broken.file, issues=[broken])])
    three = r.action(3)
    assert (three.submitted, three.data_pending, three.light) == (True, True, Light.GREY)
    assert (three.light_reasons, three.grey_reason) == ((Reason(ReasonKind.NO_VALID_DATA),), GreyReason.NO_VALID_DATA)
    assert three.error_count == 1
    assert WORDING.item(r.supervision[2].reason) == "报送数据" and r.supervision[2].action_id == 3


def test_workbook_of_another_plan_is_not_guessed_into_an_action():
    other = make_issue(IssueCode.TEMPLATE_OTHER_PLAN, "2025Q3_第03项.xlsx", found="x", expected="y")
    r = assemble_report(REGISTRY, Q, [result(None, file=other.file, issues=[other])])
    assert r.action(3).light is Light.GREY


@pytest.mark.parametrize("name,expected", [
    ("2025Q3_第03项_建设绿色制造体系_市经信局.xlsx", 3), ("第 10 项.xlsx", 10), ("建设绿色制造体系.xlsx", 3),
    ("第11项.xlsx", None), ("报表.xlsx", None)])
def test_guess_action_id(name, expected):
    assert guess_action_id(name, REGISTRY) == expected


def test_wrong_plan_submission_is_refused():
    sub = submission(REGISTRY, 3, Q, plan_id="another-plan")
    r = assemble_report(REGISTRY, Q, [result(sub)])
    assert r.action(3).light is Light.GREY
    assert IssueCode.TEMPLATE_OTHER_PLAN in [i.code for i in r.issues]


def test_missing_registry_task_counts_as_behind_when_overdue():
    sub = submission(REGISTRY, 2, Q, tasks={"eco_value_study": (TaskStatus.DONE, "")})
    two = assemble_report(REGISTRY, Q, [result(sub)]).action(2)
    assert [(t.key, t.reported, t.behind) for t in two.tasks] == [
        ("eco_value_study", TaskStatus.DONE, False), ("eco_value_demos", None, True),
        ("eco_value_framework", None, False)]
    assert two.light is Light.RED


def test_late_project_is_a_督办_item_of_its_own_and_makes_a_green_action_red():
    # third version, 督办 by item: a project not started after its planned start is red whatever the action's
    # colour; the action's light follows its worst matter
    late = project("新建项目", annual_plan="100", ytd="0", status=ProjectStatus.NOT_STARTED,
                   planned_start=dt.date(2025, 7, 1), problems="资金未到位")
    sub = submission(REGISTRY, 2, Q, tasks={"eco_value_study": (TaskStatus.DONE, ""),
                                            "eco_value_demos": (TaskStatus.DONE, ""),
                                            "eco_value_framework": (TaskStatus.ON_SCHEDULE, "")}, projects=[late])
    r = assemble_report(REGISTRY, Q, [result(sub)])
    assert r.action(2).light is Light.RED
    [item] = [s for s in r.supervision if s.action_id == 2]
    assert (WORDING.item(item.reason), item.unit_problem) == ("新建项目", "资金未到位")
    assert [s for s in r.attention if s.action_id == 2] == []   # never also 关注
    assert r.commendations == ()


def test_pending_green_action_is_not_commended():
    sub = submission(REGISTRY, 4, Q, values={"innovation_platforms": 22, "tech_projects": 8,
                                             "rd_institution_coverage": "96", "rd_activity_coverage": "93"},
                     tasks={"green_tech_transfer": (TaskStatus.ON_SCHEDULE, "")})
    bad = make_issue(IssueCode.DATE_INVALID, sub.file, "基本信息", "B9", value="x")
    r = assemble_report(REGISTRY, Q, [result(sub, issues=[bad])])
    assert (r.action(4).light, r.action(4).data_pending, r.action(4).data_complete) == (Light.YELLOW, False, False)
    assert r.commendations == ()


def test_expired_growth_target_no_longer_turns_an_action_red():
    # 增速 15% against the 2023 target 20%: judged once as a stage result (not_met), not a reason in 2025;
    # the task is on schedule, the error makes the data incomplete: yellow, on the 关注 list, not 督办
    sub = submission(REGISTRY, 8, Q, values={"green_finance_growth": "15"},
                     tasks={"green_finance_system": (TaskStatus.ON_SCHEDULE, "")})
    bad = make_issue(IssueCode.NUMBER_INVALID, sub.file, "指标进展", "H5", value="很多", unit="亿元")
    r = assemble_report(REGISTRY, Q, [result(sub, issues=[bad])])
    eight = r.action(8)
    growth = eight.indicators[0]
    # judged only on the 2023Q4 figure, not on record here: 无当年数据 (third version), never on 15
    assert (growth.current, growth.status, growth.judged_on, growth.actual) == (False, Status.NO_DATA, None, None)
    assert eight.light is Light.YELLOW
    assert [s.action_id for s in r.supervision if s.action_id == 8] == []
    assert [(WORDING.item(s.reason), WORDING.fact(s.reason)) for s in r.attention if s.action_id == 8] == [
        ("需补报的指标", "全市绿色融资规模填报为“很多”，无法识别，请核实后补报")]


def test_explicit_report_date_wins():
    r = assemble_report(REGISTRY, Q, [], report_date=dt.date(2025, 10, 20))
    assert r.report_date == dt.date(2025, 10, 20)


def test_same_input_in_any_order_gives_the_same_report():
    current, history, stray = fixture_quarter(REGISTRY)
    h = history_from_submissions(Q, history)
    a = assemble_report(REGISTRY, Q, current, h, extra_issues=stray)
    b = assemble_report(REGISTRY, Q, list(reversed(current)), h, extra_issues=stray)
    assert a == b


def test_file_names_are_shown_as_given():
    sub = submission(REGISTRY, 3, Q, file=file_name(Q, 3, "_改"))
    assert assemble_report(REGISTRY, Q, [result(sub)]).action(3).files == ("2025Q3_第03项_改.xlsx",)
