"""One test per second-version rule (docs/rules.md, "Indicators: progress and status", "通报表扬 and group claims"), figures from the seed's targets.

Targets used (plan_2022_2025.toml, from the seed): 绿色工厂 12 by 2025 and 绿色产品 / 园区 / 供应链 2 each
(cumulative from 2022); 创新平台 20 and 技术攻关 5 by 2023; 研发机构 / 研发活动覆盖率 100% by 2025 (levels);
用水总量 ≤ 22.4 in 2025 (a flow ceiling); 生态基流 ≥ 90; 绿色融资规模增速 ≥ 20% in 2023 (a signed level);
文化和旅游产业综合收入 2000 in 2025 (a flow).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

from report_fixtures import D, assembled, judge, submission
from report_fixtures import shipped_indicator as ind
from yc_reports.analysis import checks
from yc_reports.analysis.model import FigureState, GreyReason, Light, ReasonKind, Status
from yc_reports.intake.records import TaskStatus
from yc_reports.issues import IssueCode, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Baseline, Frequency, cn_numeral, load_registry
from yc_reports.render.wording import Wording

REGISTRY = load_registry()
START = REGISTRY.plan.start_year
W = Wording()
Q3 = Quarter(2025, 3)


ALL_TASKS_ON = {t.key: (TaskStatus.ON_SCHEDULE, "") for t in REGISTRY.action(3).tasks}


# ------------------------------------------------------------------------------------ judged as printed


def test_gap_of_minus_30_0_printed_is_watch_and_minus_30_05_is_lagging():
    revenue = ind("tourism_revenue")          # 2000 in 2025, flow: time progress 3/4 in Q3
    q = Quarter(2025, 3)
    exact = judge(revenue, q, "900")          # 900 / 2000 = 45%: gap −30 exactly
    near = judge(revenue, q, "899.9")         # 44.995%: gap −30.005, printed −30.0
    over = judge(revenue, q, "899")           # 44.95%: gap −30.05, printed −30.1
    assert [(r.judged_gap, r.status) for r in (exact, near, over)] == [
        (Decimal("-30.0"), Status.WATCH), (Decimal("-30.0"), Status.WATCH), (Decimal("-30.1"), Status.LAGGING)]
    assert W.fact(checks.action_light([near], []).reasons[0]) == (
        "文化和旅游产业综合收入完成2025年目标的45%，低于时序进度30个百分点")


# ------------------------------------------------------------------------------------ no usable figure


def test_blank_figures_never_green():
    # every current indicator of 三 left blank: no usable figure at all → grey, 未报送有效数据
    _report, three = assembled(3, tasks=ALL_TASKS_ON)
    assert (three.light, three.grey_reason, three.data_complete) == (Light.GREY, GreyReason.NO_VALID_DATA, False)
    assert W.reasons(three) == "未报送有效数据"
    assert all(r.status is Status.NO_DATA and r.figure is FigureState.BLANK for r in three.indicators)


def test_one_blank_figure_makes_a_green_action_yellow_and_is_named():
    # 绿色产品 2 / 供应链 2 / 园区 2 ahead of 93.75%; 绿色工厂 left blank
    _, three = assembled(3, values={"green_products": 2, "green_parks": 2, "green_supply_chains": 2},
                         tasks=ALL_TASKS_ON)
    assert (three.light, three.data_complete) == (Light.YELLOW, False)
    [missing] = [r for r in three.light_reasons if r.kind is ReasonKind.MISSING_FIGURES]
    assert W.fact(missing) == "新增绿色工厂数量未填报，请补报"


def test_invalid_figure_is_no_data_and_named_as_invalid():
    bad = make_issue(IssueCode.NUMBER_INVALID, "2025Q3_第03项.xlsx", "指标进展", "H5", value="约8", unit="家")
    _, three = assembled(3, values={"green_products": 2, "green_parks": 2, "green_supply_chains": 2},
                         tasks=ALL_TASKS_ON, issues=[bad])
    factories = three.indicators[1]
    assert (factories.status, factories.figure) == (Status.NO_DATA, FigureState.INVALID)
    assert three.light is Light.YELLOW
    assert factories.entered == "约8"
    assert W.reasons(three) == "新增绿色工厂数量填报为“约8”，无法识别，请核实后补报"   # counted once, quoted


def test_target_not_yet_set_carries_no_status_and_leaves_the_light():
    # 一: all three targets 待下达 (完成省下达目标); in 2023Q2 no task is past its deadline: the tasks decide
    tasks = {t.key: (TaskStatus.ON_SCHEDULE, "") for t in REGISTRY.action(1).tasks}
    _, one = assembled(1, Quarter(2023, 2), values={"energy_intensity_reduction": "3.1", "co2_intensity_reduction": "4",
                                                    "pollutant_reduction": "2.2"}, tasks=tasks)
    assert [r.status for r in one.indicators] == [Status.NOT_RATED] * 3
    assert one.light is Light.GREEN and one.data_complete
    # a figure left blank is still 未填报 (third version: missing is never fine), counted once: yellow, to 补报
    _, one = assembled(1, Quarter(2023, 2), values={"energy_intensity_reduction": "3.1"}, tasks=tasks)
    assert [r.status for r in one.indicators] == [Status.NOT_RATED] * 3
    assert (one.light, one.data_complete) == (Light.YELLOW, False)
    assert W.reasons(one) == "单位GDP二氧化碳排放降低率、主要污染物排放下降率未填报，请补报"


# ------------------------------------------------------------------------------------ annual, expired


def test_annual_figure_is_not_missing_before_q4():
    annual = dataclasses.replace(ind("eco_base_flow"), frequency=Frequency.ANNUAL)
    assert (judge(annual, Q3, None).status, judge(annual, Q3, None).figure) == (Status.NOT_RATED, FigureState.NOT_DUE)
    assert judge(annual, Quarter(2025, 4), None).status is Status.NO_DATA
    assert judge(annual, Quarter(2025, 4), "91").status is Status.MET


def test_expired_target_is_judged_once_on_its_last_q4_figure():
    # 创新平台 20 by 2023: 19 at 2023Q4 (not met), 25 now — judged on 2023Q4, a stage result
    platforms = ind("innovation_platforms")
    trend = ((Quarter(2023, 4), D(19)), (Quarter(2024, 4), D(23)), (Q3, D(25)))
    r = judge(platforms, Q3, "25", trend=trend)
    assert (r.current, r.status, r.actual, r.judged_on) == (False, Status.NOT_MET, D(19), Quarter(2023, 4))
    assert W.fact(r, Q3) == "绿色技术创新平台数量2023年阶段性目标为20家，2023年第四季度末为19家，未完成该阶段目标，本季度不再评价"
    # without that quarter on record: 无当年数据 — never the latest figure (third version)
    latest = judge(platforms, Q3, "25", trend=((Quarter(2024, 4), D(23)), (Q3, D(25))))
    assert (latest.status, latest.figure, latest.actual, latest.judged_on) == (
        Status.NO_DATA, FigureState.NO_YEAR_FIGURE, None, None)
    assert W.fact(latest, Q3) == ("绿色技术创新平台数量2023年阶段性目标为20家，无当年数据（无2023年第四季度末数据），"
                                  "无法评价该阶段目标完成情况，本季度不再评价")
    assert W.status_label(latest) == "无当年数据"


def test_expired_target_no_longer_affects_the_light_or_the_lists():
    # 增速 15% against the 2023 target of 20%: not met, but in 2025 only a stage result
    _, eight = assembled(8, values={"green_finance_growth": "15"},
                         tasks={"green_finance_system": (TaskStatus.ON_SCHEDULE, "")})
    assert eight.indicators[0].current is False
    assert all(r.kind is not ReasonKind.INDICATOR for r in eight.light_reasons)


# ------------------------------------------------------------------------------------ ceilings, signs, paths


def test_ceiling_already_broken_before_q4_is_lagging():
    # 用水总量 22.5 > 22.4 in Q3: gap 75 − 100.45 = −25.4 would be watch; the year's ceiling is lost
    r = judge(ind("water_use_total"), Q3, "22.5")
    assert (r.judged_gap, r.status) == (Decimal("-25.4"), Status.LAGGING)
    assert W.fact(checks.action_light([r], []).reasons[0]) == "全市用水总量为22.5亿立方米，已超过2025年全年控制目标22.4亿立方米"


def test_signed_rate_negative_is_judged():
    # 增速 −5% at 2023Q4 against ≥ 20% (a rate without a base: judged in its target year's Q4):
    # completion −25%, not met; 20 − (−5) = 25 points short
    r = judge(ind("green_finance_growth"), Quarter(2023, 4), "-5")
    assert (r.completion, r.status, r.distance_points) == (Fraction(-1, 4), Status.NOT_MET, Fraction(25))
    assert W.fact(r, Quarter(2023, 4)).startswith("截至12月底，全市绿色融资规模增速为-5%，2023年目标为20%，距目标尚差25个百分点")


def test_baseline_path_counts_quarters_from_the_end_of_the_baseline_year():
    # 绿色融资规模 = 2 × the 2020 figure by 2025; with 500 in 2020 the target is 1000. Path: end of 2020 →
    # end of 2025 = 20 quarters. 2024Q2: 14 elapsed → 70%; 800 → (800 − 500) / (1000 − 500) = 60%; gap −10
    scale = dataclasses.replace(ind("green_finance_scale"), baseline=Baseline(2020, D(500)))
    r = judge(scale, Quarter(2024, 2), "800")
    assert (r.time_progress, r.completion, r.gap_points, r.status) == (
        Fraction(7, 10), Fraction(3, 5), Fraction(-10), Status.ON_TRACK)
    assert "完成由2020年基期值500亿元至2025年目标（1000亿元）增量的60%，低于时序进度10个百分点" in W.fact(r, Quarter(2024, 2))


def test_distance_to_rate_target_in_points():
    # 增速 14% at 2023Q4 against 20%: 6.0 points short (not the completion gap of 30.0)
    r = judge(ind("green_finance_growth"), Quarter(2023, 4), "14")
    assert (r.status, r.distance_points, r.gap_points) == (Status.NOT_MET, Fraction(6), Fraction(-30))
    assert W.fact(checks.action_light([r], []).reasons[0]) == (
        "全市绿色融资规模增速为14%，未完成2023年目标20%，距目标尚差6个百分点")
    assert "距目标尚差6个百分点" in W.fact(r, Quarter(2023, 4)) and "30.0" not in W.fact(r, Quarter(2023, 4))


# ------------------------------------------------------------------------------------ lists


def test_praise_only_when_every_indicator_holds_and_it_says_what_was_achieved():
    # 2024Q2: time progress 2.5/4 = 62.5%. 产品 2/2, 园区 2/2, 供应链 2/2 = 100%: +37.5 ahead;
    # 工厂 8/12 = 66.7%: +4.2 on track → praised, naming the three ahead
    q = Quarter(2024, 2)
    good = {"green_products": 2, "green_factories": 8, "green_parks": 2, "green_supply_chains": 2}
    report, three = assembled(3, q, values=good, tasks=ALL_TASKS_ON)
    [c] = report.commendations
    assert [W.fact(f) for f in c.achievements] == [
        "纳入评价的4项指标均进度正常或超前，2项重点任务均无滞后、无逾期",
        "开发绿色产品数量完成2025年目标的100%，高于时序进度37.5个百分点",
        "建设绿色园区数量完成2025年目标的100%，高于时序进度37.5个百分点",
        "打造绿色供应链数量完成2025年目标的100%，高于时序进度37.5个百分点"]
    # 工厂 5/12 = 41.7%: −20.8 watch → yellow, 关注, not praised
    report, three = assembled(3, q, values={**good, "green_factories": 5}, tasks=ALL_TASKS_ON)
    assert (three.light, report.commendations) == (Light.YELLOW, ())
    assert [s.reason.indicator.key for s in report.attention] == ["green_factories"]
    assert [s for s in report.supervision if s.action_id == 3] == []


def test_action_without_indicators_praised_only_with_a_task_completed_this_quarter():
    # 二 has only tasks. 2023Q3: 示范项目 (deadline 2023-12-31) done this quarter, 研究 done before.
    q = Quarter(2023, 3)
    before = submission(REGISTRY, 2, q.previous(), tasks={"eco_value_study": (TaskStatus.DONE, ""),
                                                          "eco_value_demos": (TaskStatus.ON_SCHEDULE, ""),
                                                          "eco_value_framework": (TaskStatus.ON_SCHEDULE, "")})
    now = {"eco_value_study": (TaskStatus.DONE, ""), "eco_value_demos": (TaskStatus.DONE, ""),
           "eco_value_framework": (TaskStatus.ON_SCHEDULE, "")}
    report, _two = assembled(2, q, history=[before], tasks=now)
    [c] = report.commendations
    assert [W.fact(f) for f in c.achievements] == ["3项重点任务均无滞后、无逾期",
                                                   "完成重点任务“打造若干生态产品价值转化示范项目”"]
    # nothing completed this quarter: green, but not praised
    report, _ = assembled(2, q, history=[before], tasks={**now, "eco_value_demos": (TaskStatus.ON_SCHEDULE, "")})
    assert report.commendations == ()


def test_placeholder_problems_never_published():
    tasks = {t.key: (TaskStatus.ON_SCHEDULE, "无") for t in REGISTRY.action(3).tasks}
    tasks[REGISTRY.action(3).tasks[0].key] = (TaskStatus.ON_SCHEDULE, " 暂无。")
    _, three = assembled(3, values={"green_products": 2, "green_factories": 8, "green_parks": 2,
                                    "green_supply_chains": 2}, tasks=tasks, notes={"green_factories": "/"})
    assert all(t.problems == "" for t in three.tasks) and three.indicators[1].note == ""
    macros = W.env.get_template("macros.j2").module
    assert str(macros.problem_text(three)) == ""


def test_item_100_and_beyond_never_stops_the_build():
    # the first version raised IndexError at 100; from 100 on items are numbered in digits (main's choice)
    assert [cn_numeral(n) for n in (99, 100, 101, 123)] == ["九十九", "100", "101", "123"]
