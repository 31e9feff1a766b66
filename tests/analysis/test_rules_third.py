"""One test per third-version rule (docs/rules.md), figures computed by hand from the seed's targets.

Targets used (plan_2022_2025.toml, from the seed): 文化和旅游产业综合收入 2000 亿元 in 2025 and 用水总量 ≤ 22.4 in 2025
(flows: annual totals of 2025 only); 研发活动覆盖率 100 % by 2025 (a level without a base); 单位GDP能源消耗降低率 with
the office's values of the demo (base 2020 = 0, 8.7 % by 2023, 14.5 % by 2025); 创新平台 20 家 by 2023; the key task
完成重要河流水量分配和生态流量保障目标确定 due 2023-12-31; projects of 1000 万元 a year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from report_fixtures import D, assembled, judge, project, result, submission
from report_fixtures import shipped_indicator as ind
from yc_reports.analysis import checks
from yc_reports.analysis.assemble import assemble_report, with_pace
from yc_reports.analysis.history import history_from_submissions
from yc_reports.analysis.model import (
    Entry,
    EntryProblem,
    FigureState,
    Light,
    ReasonKind,
    Status,
    Unrated,
)
from yc_reports.intake.records import ProjectStatus, TaskEntry, TaskStatus
from yc_reports.intake.xlsx_scan import column_letter
from yc_reports.issues import IssueCode, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Baseline, load_registry
from yc_reports.render.wording import Wording
from yc_reports.workbook import layout as L

REGISTRY = load_registry()
START = REGISTRY.plan.start_year
TH = REGISTRY.thresholds
W = Wording()
Q3 = Quarter(2025, 3)


def energy():
    """单位GDP能源消耗降低率 as the demo's office filled it in: base 2020 = 0, 8.7 by 2023, 14.5 by 2025."""
    return dataclasses.replace(ind("energy_intensity_reduction"), baseline=Baseline(2020, D(0)),
                               targets={2023: D("8.7"), 2025: D("14.5")})


def with_registry_indicator(registry, action_id: int, indicator):
    action = registry.action(action_id)
    action = dataclasses.replace(action, indicators=tuple(indicator if i.key == indicator.key else i
                                                          for i in action.indicators))
    return dataclasses.replace(registry, actions=tuple(action if a.id == action_id else a for a in registry.actions))


# ------------------------------------------------------------------------------------ targets not due this year


def test_a_flow_is_not_judged_against_a_later_years_annual_total():
    # 综合收入 830 亿元 in 2024Q3 against 2025's 2000: no 2024 target, no status; 2000 − 830 = 1170 short
    r = judge(ind("tourism_revenue"), Quarter(2024, 3), "830")
    assert (r.status, r.unrated, r.time_progress, r.completion, r.target_year, r.distance) == (
        Status.NOT_RATED, Unrated.NO_ANNUAL_TARGET, None, None, 2025, Fraction(1170))
    assert W.indicator_sentence(r, Quarter(2024, 3)) == (
        "今年1—9月，文化和旅游产业综合收入为830亿元，距2025年目标（2000亿元）尚差1170亿元；"
        "本年未设年度目标，2025年目标为该年全年目标，本年不作评价。")
    assert W.status_label(r) == "本年无目标"
    # no light, no list
    assert checks.action_light([r], []).light is Light.GREEN


def test_setting_this_years_target_makes_the_flow_judged():
    # 细化各年度目标: 1600 亿元 for 2024. 830 / 1600 = 51.875 % against 75 %: −23.1, watch
    revenue = dataclasses.replace(ind("tourism_revenue"), targets={2024: D(1600), 2025: D(2000)})
    r = judge(revenue, Quarter(2024, 3), "830")
    assert (r.status, r.target_year, r.completion, r.judged_gap) == (
        Status.WATCH, 2024, Fraction(83, 160), Decimal("-23.1"))


def test_a_ceiling_without_this_years_target_gives_the_allowance_only():
    r = judge(ind("water_use_total"), Quarter(2024, 3), "15.62")
    assert (r.status, r.unrated) == (Status.NOT_RATED, Unrated.NO_ANNUAL_TARGET)
    assert W.indicator_sentence(r, Quarter(2024, 3)) == (
        "今年1—9月，全市用水总量为15.62亿立方米，在2025年控制目标（22.4亿立方米）以内；"
        "本年未设年度目标，2025年目标为该年全年目标，本年不作评价。")


def test_a_level_without_a_base_is_judged_only_in_its_target_years_fourth_quarter():
    coverage = ind("rd_activity_coverage")   # 100 % by 2025, no base
    r = judge(coverage, Q3, "93")
    assert (r.status, r.unrated, r.time_progress, r.gap_points, r.distance) == (
        Status.NOT_RATED, Unrated.NO_BASE, None, None, Fraction(7))
    assert W.status_label(r) == "2025年末评价"
    assert judge(coverage, Quarter(2025, 4), "95.1").status is Status.NOT_MET
    assert judge(coverage, Quarter(2025, 4), "100").status is Status.MET
    # a base set (80 % in 2020): path (2021, 80) → (2026, 100); 2025Q3: 19 of 20 quarters, (93 − 80) / 20 = 65 %:
    # gap −30.0, watch
    based = dataclasses.replace(coverage, baseline=Baseline(2020, D(80)))
    r = judge(based, Q3, "93")
    assert (r.status, r.time_progress, r.completion, r.judged_gap) == (
        Status.WATCH, Fraction(19, 20), Fraction(13, 20), Decimal("-30.0"))


def test_a_reduction_rate_of_a_new_period_without_a_base_is_not_red_in_its_first_quarter():
    from yc_reports.workbook.plan_workbook import new_period

    fresh = new_period(REGISTRY, 2026, 2030)
    rate = dataclasses.replace(fresh.action(1).indicators[0], targets={2030: D("13.5")})
    r = checks.indicator_result(rate, Quarter(2026, 1), plan_start_year=2026, thresholds=TH, actual=D("3.1"))
    # the first version: time progress 100 %, completion 23 %, gap −77 → red. Now: no status, 10.4 points short
    assert (r.status, r.unrated, r.time_progress, r.gap_points, r.distance) == (
        Status.NOT_RATED, Unrated.NO_BASE, None, None, Fraction(104, 10))
    assert checks.action_light([r], []).light is Light.GREEN


def test_a_base_is_the_base_years_figure_never_an_earlier_stage_target():
    # 2025Q3: path (2021, 0) → (2026, 14.5): 19/20 = 95 %; 13.2 / 14.5 = 91.03 %: gap −3.97 → −4.0, on track
    r = judge(energy(), Q3, "13.2")
    assert (r.time_progress, r.completion, r.baseline, r.baseline_year, r.judged_gap, r.status) == (
        Fraction(19, 20), Fraction(132, 145), D(0), 2020, Decimal("-4.0"), Status.ON_TRACK)
    sentence = W.indicator_sentence(r, Q3)
    assert "完成由2020年基期值0%至2025年目标（14.5%）增量的91%，低于时序进度4个百分点" in sentence
    assert "8.7" not in sentence


# ------------------------------------------------------------------------------------ expired targets


def test_an_expired_target_is_judged_once_on_its_years_fourth_quarter_never_later():
    platforms = ind("innovation_platforms")   # 20 by 2023
    later_only = ((Quarter(2024, 3), D(23)), (Q3, D(26)))
    r = judge(platforms, Q3, "26", trend=later_only)
    assert (r.status, r.figure, r.actual, r.judged_on) == (Status.NO_DATA, FigureState.NO_YEAR_FIGURE, None, None)
    on_record = ((Quarter(2023, 4), D(19)), *later_only)
    r = judge(platforms, Q3, "26", trend=on_record)
    assert (r.status, r.actual, r.judged_on) == (Status.NOT_MET, D(19), Quarter(2023, 4))
    # the same verdict whatever the later figures say
    assert judge(platforms, Quarter(2024, 1), "40", trend=on_record[:1]).status is Status.NOT_MET


# ------------------------------------------------------------------------------------ what the data say


THREE = {"green_products": 2, "green_parks": 2, "green_supply_chains": 2}   # 100 % against 93.75 %: on track
TASKS3 = {t.key: (TaskStatus.ON_SCHEDULE, "") for t in REGISTRY.action(3).tasks}


def test_a_blank_figure_is_one_fact_even_with_its_error_at_the_cell():
    blank = make_issue(IssueCode.VALUE_REQUIRED, "2025Q3_第03项.xlsx", "指标进展", "H5", detail="新增绿色工厂数量")
    _, three = assembled(3, values=THREE, tasks=TASKS3, issues=[blank])
    assert three.indicators[1].figure is FigureState.BLANK
    assert [r.kind for r in three.light_reasons] == [ReasonKind.MISSING_FIGURES]   # not also an entry
    assert W.reasons(three) == "新增绿色工厂数量未填报，请补报"
    assert (three.data_pending, three.error_count) == (False, 1)


def letter(columns, column) -> str:
    """Where the template puts `column` (the cells the reader names are the template's)."""
    return column_letter(columns.index(column) + 1)


def test_unusable_entries_elsewhere_are_quoted_once_each():
    tasks = {"living_env_projects_2023": (TaskStatus.DONE, ""), "living_env_2025": (TaskStatus.ON_SCHEDULE, "")}
    plant = project("中心城区污水处理厂提标扩能工程", annual_plan="24000", ytd=None,
                    status=ProjectStatus.UNDER_CONSTRUCTION)
    bad = make_issue(IssueCode.NUMBER_INVALID, "2025Q3_第09项.xlsx", "重大项目", f"{letter(L.PROJECT_COLUMNS, L.PRJ_YTD)}4",
                     value="约1.8亿", unit="万元")
    nobody = make_issue(IssueCode.VALUE_REQUIRED, "2025Q3_第09项.xlsx", "基本信息", "B6", detail="填报人")
    _, action = assembled(9, tasks=tasks, projects=[plant], issues=[bad, nobody])
    assert action.entries == (
        Entry(EntryProblem.UNUSABLE, "重大项目", "中心城区污水处理厂提标扩能工程", "本年累计完成投资（万元）", "约1.8亿"),
        Entry(EntryProblem.BLANK, "基本信息", "", "填报人"))
    assert W.reasons(action) == ("重大项目“中心城区污水处理厂提标扩能工程”的本年累计完成投资（万元）填报为“约1.8亿”，"
                                 "无法识别；填报人未填报，请核实补报")
    assert (action.light, action.data_complete, action.data_pending) == (Light.YELLOW, False, False)


def test_a_task_state_none_of_the_dropdowns_is_quoted():
    tasks = {"eco_value_study": (TaskStatus.DONE, ""), "eco_value_demos": (TaskStatus.DONE, ""),
             "eco_value_framework": (None, "")}
    bad = make_issue(IssueCode.CHOICE_INVALID, "2025Q3_第02项.xlsx", "重点任务", f"{letter(L.TASK_COLUMNS, L.TASK_STATUS)}6",
                     value="推进中",
                     expected="已完成、正常推进、滞后、未启动")
    _, two = assembled(2, tasks=tasks, issues=[bad])
    assert W.reasons(two) == "重点任务“生态产品价值实现的制度框架初步形成，发展壮大一批生态产业”的完成状态填报为“推进中”，无法识别"


def test_two_differing_copies_name_each_difference_once():
    values = {**THREE, "green_factories": 8}
    other = submission(REGISTRY, 3, Q3, values={**values, "green_factories": 9}, tasks=TASKS3,
                       file="2025Q3_第03项（修改稿）.xlsx")
    _, three = assembled(3, values=values, tasks=TASKS3, extra=[result(other)])
    assert (three.disputed, three.data_pending, three.light) == (True, True, Light.RED)
    [d] = three.differences
    assert (d.part, d.subject, d.field, d.values) == ("指标进展", "新增绿色工厂数量", "截至本季度末完成值", ("8", "9"))
    assert W.reasons(three) == ("报送了两份内容不一致的数据，数据待核实（1处不一致：新增绿色工厂数量分别为“8”、“9”），"
                                "请牵头单位确认后重新报送")
    assert all(r.figure is FigureState.DUPLICATE for r in three.indicators)


# ------------------------------------------------------------------------------------ 督办 and 关注 by item


def test_a_lagging_project_is_a_督办_item_and_makes_its_action_red():
    # 300 of a 1000 plan at Q3: 30 % against 75 %: −45, lagging — in an action whose indicators are on track
    slow = project("新建项目", annual_plan="1000", ytd="300", status=ProjectStatus.UNDER_CONSTRUCTION)
    report, three = assembled(3, values={**THREE, "green_factories": 12}, tasks=TASKS3, projects=[slow])
    assert three.light is Light.RED
    assert [(s.action_id, W.item(s.reason)) for s in report.supervision if s.action_id == 3] == [(3, "新建项目")]
    assert [s for s in report.attention if s.action_id == 3] == []


def test_a_project_to_watch_is_关注_and_a_red_actions_watch_indicator_is_not_督办():
    # 600 of 1000 at Q3: 60 % against 75 %: −15, watch; 绿色工厂 9 of 12 = 75 % against 93.75 %: −18.8, watch;
    # 绿色园区 0: lagging (red)
    watch = project("改造项目", annual_plan="1000", ytd="600", status=ProjectStatus.UNDER_CONSTRUCTION)
    report, three = assembled(3, values={**THREE, "green_factories": 9, "green_parks": 0}, tasks=TASKS3,
                              projects=[watch])
    assert three.light is Light.RED
    assert [W.item(s.reason) for s in report.supervision if s.action_id == 3] == ["建设绿色园区数量"]
    assert [W.item(s.reason) for s in report.attention if s.action_id == 3] == ["新增绿色工厂数量", "改造项目"]


def test_a_project_near_its_annual_plan_at_year_end_is_no_matter():
    # 956 of 1000 at Q4: not met, but a gap of −4.4 points is on track by the thresholds; 700 (−30) is watch
    near = checks.project_result(project("p", annual_plan="1000", ytd="956", status=ProjectStatus.UNDER_CONSTRUCTION),
                                 Quarter(2025, 4), TH)
    assert (near.status, near.gap_status, near.red, near.watch) == (Status.NOT_MET, Status.ON_TRACK, False, False)
    far = checks.project_result(project("p", annual_plan="1000", ytd="699", status=ProjectStatus.UNDER_CONSTRUCTION),
                                Quarter(2025, 4), TH)
    assert (far.gap_status, far.red) == (Status.LAGGING, True)


# ------------------------------------------------------------------------------------ lists and claims


def test_a_task_completed_late_is_never_praised():
    # 完成重要河流水量分配… due 2023-12-31, reported 已完成 in 2025Q3 (not in 2025Q2): done, two years late
    five = REGISTRY.action(5)
    before = submission(REGISTRY, 5, Q3.previous(), tasks={t.key: (TaskStatus.ON_SCHEDULE, "") for t in five.tasks})
    now = {"water_allocation": (TaskStatus.DONE, ""), "strict_water_management": (TaskStatus.ON_SCHEDULE, "")}
    report, action = assembled(5, history=[before], tasks=now)
    late = action.tasks[0]
    assert (late.done_this_quarter, late.completed_late) == (True, True)
    assert report.commendations == ()   # nothing else achieved: not praised on it
    fact = checks.Reason(ReasonKind.TASK_DONE, task=late)
    assert W.fact(fact) == "完成重点任务“完成重要河流水量分配和生态流量保障目标确定”（完成时限为2023年12月31日，逾期完成）"


def test_a_task_completed_within_its_deadline_this_quarter_is():
    own = TaskEntry(row=9, key="", content="编制节水型社会建设方案", deadline=dt.date(2025, 8, 31),
                    status=TaskStatus.DONE, progress="", problems="")
    [t] = checks.task_results((), [own], Q3, previous=[dataclasses.replace(own, status=TaskStatus.ON_SCHEDULE)])
    assert (t.done_this_quarter, t.completed_late, t.done_on_time) == (True, False, True)


def test_a_red_stage_result_bars_praise():
    # 八: 规模 ahead (with its 2020 base of 620: target 1240), but the 2023 增速 −5.3 % on record is not met
    registry = with_registry_indicator(
        REGISTRY, 8, dataclasses.replace(ind("green_finance_scale"), baseline=Baseline(2020, D(620))))
    tasks = {"green_finance_system": (TaskStatus.ON_SCHEDULE, "")}
    history = [submission(registry, 8, Quarter(2023, 4), values={"green_finance_growth": "-5.3",
                                                                 "green_finance_scale": "980"})]
    sub = submission(registry, 8, Q3, values={"green_finance_growth": "23.5", "green_finance_scale": "1380"}, tasks=tasks)
    report = assemble_report(registry, Q3, [result(sub)], history_from_submissions(Q3, history))
    eight = report.action(8)
    assert (eight.light, eight.stage_results[0].status) == (Light.GREEN, Status.NOT_MET)
    assert report.commendations == ()
    assert checks.shows_red(eight)


def test_on_time_but_not_on_pace_is_said_in_one_sentence_and_no_claim_leaves_it_out():
    # 13.2 % at 2025Q3, 10.8 % four quarters before: 0.6 a quarter, 13.8 % by the end of 2025 < 14.5 %
    trend = ((Quarter(2024, 3), D("10.8")), (Q3, D("13.2")))
    r = with_pace(judge(energy(), Q3, "13.2", trend=trend), Q3)
    assert (r.status, r.projected, r.on_pace, r.pace_risk) == (Status.ON_TRACK, Fraction(138, 10), False, True)
    assert W.indicator_sentence(r, Q3).endswith("低于时序进度4个百分点，但按目前进度，到2025年底预计为13.8%，完成目标难度较大。")
    decision = checks.action_light([r], [])
    assert W.fact(decision.reasons[0]) == "纳入评价的指标进度正常或超前，但单位GDP能源消耗降低率按目前进度完成2025年目标难度较大"
    macros = W.env.get_template("macros.j2").module
    assert str(macros.indicator_state(r)) == "进度正常但完成目标难度较大"


def test_no_same_quarter_last_year_is_said_never_left_silent():
    # records begun in 2024Q4: 2025Q3 has earlier figures but none of 2024Q3, so 同比 cannot be given
    trend = ((Quarter(2024, 4), D("11.0")), (Quarter(2025, 2), D("12.6")), (Q3, D("13.2")))
    r = with_pace(judge(energy(), Q3, "13.2", trend=trend), Q3)
    assert r.last_year is None
    assert "上年同期无可比数据" in W.indicator_sentence(r, Q3)


def test_a_comparable_quarter_last_year_never_says_none():
    trend = ((Quarter(2024, 3), D("10.8")), (Q3, D("13.2")))
    r = with_pace(judge(energy(), Q3, "13.2", trend=trend), Q3)
    assert "无可比数据" not in W.indicator_sentence(r, Q3)


def test_the_praise_lead_claims_only_what_holds_for_each():
    q = Quarter(2024, 2)
    good = {"green_products": 2, "green_factories": 8, "green_parks": 2, "green_supply_chains": 2}
    report, _ = assembled(3, q, values=good, tasks=TASKS3)
    assert W.commendation_lead(report.commendations) == "以下1项行动本季度亮绿灯、数据报送完整，拟提请市政府通报表扬："
    [c] = report.commendations
    # its own entry starts with its standing: 进度正常或超前 (none met yet)
    assert W.fact(c.achievements[0]) == "纳入评价的4项指标均进度正常或超前，2项重点任务均无滞后、无逾期"


def test_a_red_matter_is_never_dropped_for_a_grey_light():
    # 十 in 2022Q2: both flows without a 2022 target (not judged), no task state given — nothing to judge but a project
    # not started after its planned start: red, the project a 督办 item; without it, grey (未报送有效数据)
    q = Quarter(2022, 2)
    tasks = {t.key: (None, "") for t in REGISTRY.action(10).tasks}
    late = project("游客集散中心", annual_plan="1000", ytd="0", status=ProjectStatus.NOT_STARTED,
                   planned_start=dt.date(2022, 4, 1))
    report, ten = assembled(10, q, values={"tourist_arrivals": "0.3", "tourism_revenue": "300"}, tasks=tasks,
                            projects=[late])
    assert ten.light is Light.RED
    assert [W.item(s.reason) for s in report.supervision if s.action_id == 10] == ["游客集散中心"]
    _, ten = assembled(10, q, values={"tourist_arrivals": "0.3", "tourism_revenue": "300"}, tasks=tasks)
    assert (ten.light, W.reasons(ten)) == (Light.GREY, "未报送有效数据")


@pytest.mark.parametrize("figure,label", [("blank", "未填报"), ("invalid", "无法识别"), ("unreadable", "无法读取"),
                                          ("duplicate", "待核实"), ("not_submitted", "未报送")])
def test_the_tables_short_word_for_no_figure_says_why(figure, label):
    # the tables' 状态 and summary.json's status_label name the same cause as the report's sentence
    from yc_reports.analysis.model import FigureState

    r = dataclasses.replace(judge(energy(), Q3, None), figure=FigureState(figure))
    assert r.status is Status.NO_DATA and W.status_label(r) == label
