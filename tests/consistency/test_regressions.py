"""Named regression data for the third version (the record and the edge cases): the demo's own workbooks, one spoiled per bug
(regression_cases.py), read and written by the real code. Each case asserts the exact sentences read back from
the written .docx, and that no claim contradicts summary.json (consistency_claims.check, third version included).

The figures are the demo's (pipeline/demo_data.py) and the plan's targets; the sentences were worked out by hand:
- 单位GDP二氧化碳排放降低率 (base 2020 = 0, 19.5 % by 2025): at 2025Q3 time progress (2025.75 − 2021) / 5 = 95 %.
- 单位GDP能源消耗降低率 13.2 % (base 0, 14.5 % by 2025): 13.2 / 14.5 = 91.0 %, gap 91.03 − 95 = −4.0 (on track);
  at the last four quarters' pace ((13.2 − 10.8) / 4 = 0.6 a quarter) 13.8 % by the end of 2025: not on pace.
- 2024Q4: 综合收入 1180 亿元 against 2025's 2000 (no 2024 target): 820 short; 研发活动覆盖率 88.4 % (no base) 11.6 short.
- 2026Q1 (plan 2026—2030): 能耗降低率 3.1 % against 13.5 % by 2030, no base: 10.4 points short, not judged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from consistency_claims import check, doc_text
from regression_cases import CASES, Regression, build, demo_inputs

TOTAL = {"claims": 0, "sentences": 0}
BY_NAME = {c.name: c for c in CASES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("regressions")
    return demo_inputs(root / "demo"), root / "cache"


@pytest.fixture(scope="module")
def built(demo, tmp_path_factory):
    """Each case built once for the module (cases are small; the demo's inputs are made once)."""
    cache: dict[str, Written] = {}

    def get(name: str) -> Written:
        if name not in cache:
            case = BY_NAME[name]
            _, out = build(case, demo[0], tmp_path_factory.mktemp(name), demo[1])
            cache[name] = Written(case, out)
        return cache[name]
    return get


class Written:
    """A case's written outputs, read back."""

    def __init__(self, case: Regression, out: Path) -> None:
        self.case, self.out = case, out
        self.summary = json.loads((out / "summary.json").read_text("utf-8"))
        self.paragraphs, self.tables = doc_text(out / "summary.docx")

    def lead(self) -> str:
        return next(p for p in self.paragraphs if p.startswith("根据"))

    def action(self, action_id: int) -> list[str]:
        return doc_text(self.out / f"action{action_id}.docx")[0]

    def row(self, first: tuple[str, ...], action_id: int) -> tuple[str, ...]:
        table = next(t for t in self.tables if t and t[0][:len(first)] == first)
        return next(r for r in table[1:] if r[0] == str(action_id))

    def indicator(self, action_id: int, key: str) -> dict:
        action = next(a for a in self.summary["actions"] if a["id"] == action_id)
        return next(i for i in action["indicators"] if i["key"] == key)


def said(texts: list[str], sentence: str) -> bool:
    TOTAL["sentences"] += 1
    return sentence in texts


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_no_claim_contradicts_summary_json(built, name):
    verdict = check(built(name).out)
    TOTAL["claims"] += verdict.claims
    assert verdict.violations == []


OVERVIEW = ("序号", "行动（牵头单位）", "报送\n情况", "亮灯", "主要情况")   # 附件1, 亮灯情况表


def test_a_blank_figure_is_未填报_counted_once_never_有误(built):
    w = built("blank_figure_2025Q3")
    co2 = w.indicator(1, "co2_intensity_reduction")
    assert (co2["figure"], co2["status"], co2["status_label"]) == ("blank", "no_data", "未填报")
    # the 正文 counts it once (无有效数据的指标1项); the 亮灯情况表 and the action report say what it is
    problems = next(p for p in w.paragraphs if p.startswith("进度滞后的指标"))
    assert problems.count("无有效数据的指标1项") == 1
    assert w.row(OVERVIEW, 1)[2:] == ("已报送", "黄灯", "单位GDP二氧化碳排放降低率未填报，请补报")
    assert said(w.action(1), "单位GDP二氧化碳排放降低率本季度未填报，请牵头单位补报。")
    assert said(w.action(1), "报送数据方面，单位GDP二氧化碳排放降低率未填报，请补报。")
    assert not any("有误" in p or "退回" in p or "无效" in p for p in w.paragraphs + w.action(1))


def test_an_unusable_figure_is_quoted_as_无法识别(built):
    w = built("unusable_figure_2025Q3")
    co2 = w.indicator(1, "co2_intensity_reduction")
    assert (co2["figure"], co2["entered"], co2["status_label"]) == ("invalid", "约18", "无法识别")
    assert w.row(OVERVIEW, 1)[4] == "单位GDP二氧化碳排放降低率填报为“约18”，无法识别，请核实后补报"
    assert said(w.action(1), "单位GDP二氧化碳排放降低率本季度填报为“约18”，无法识别，请牵头单位核实后补报。")
    assert said(w.paragraphs, "另有3项2025年目标暂无法测算年底完成情况：单位GDP二氧化碳排放降低率（第一项，市发改委）"
                              "本季度所填数据无法识别；主要污染物排放下降率（第一项，市发改委）年度目标尚待下达；"
                              "万元GDP用水量下降率（第五项，市水利和湖泊局）年度目标尚待下达。请相关牵头单位尽快补报。")


def test_two_differing_copies_are_数据待核实_each_difference_once_and_nothing_else_said(built):
    w = built("two_differing_copies_2025Q3")
    seven = next(a for a in w.summary["actions"] if a["id"] == 7)
    assert (seven["light"], seven["disputed"], len(seven["differences"])) == ("red", True, 2)
    reason = ("报送了两份内容不一致的数据，数据待核实（2处不一致：重点任务“联结长江中上游、辐射江汉平原的省域副中心城市建设"
              "取得重大进展”的完成状态分别为“正常推进”、“已完成”；重点任务“积极引领宜荆荆都市圈建设，完善协同发展体制机制”"
              "的进展情况不一致），请牵头单位确认后重新报送")
    assert seven["light_reasons"] == [reason]
    assert "调度，第六项未报送，第七项报送数据待核实（未纳入统计）。" in w.lead()
    body = [p for p in w.action(7) if p]
    assert said(body, f"本行动为十大行动第七项，由市发改委牵头。2025年第三季度市发改委{reason}。在确认以哪一份为准之前，"
                      "本报告不采用其中任何一份的内容，本季度推进情况待核实后评价，已列入督办清单。请于2025年10月25日前核实报送。")
    assert len(body) == 2   # the title and that paragraph: nothing else of what the unit reported
    assert w.row(OVERVIEW, 7)[2:] == ("数据待核实", "红灯", reason)
    # the 通报 does not quote last quarter's words on its 督办 item either (its 整改进展 was last quarter's)
    cells = [c for t in w.tables for r in t for c in r]
    [item] = [c for c in cells if c.startswith("联结长江中上游")]
    assert "整改进展" not in item


def test_the_demo_quarter_bases_pace_stage_results_and_an_unusable_project_entry(built):
    w = built("demo_2025Q3")
    one = w.action(1)
    assert said(one, "截至9月底，单位GDP能源消耗降低率为13.2%，完成由2020年基期值0%至2025年目标（14.5%）增量的91%，"
                     "低于时序进度4个百分点，比上年同期提高2.4个百分点，比上季度末提高0.6个百分点，但按目前进度，"
                     "到2025年底预计为13.8%，完成目标难度较大。")
    # the light's claim names the targets at risk instead of saying 均正常 (the 收官 section names them too)
    assert w.row(OVERVIEW, 1)[4] == ("纳入评价的2项指标进度正常或超前，但单位GDP能源消耗降低率、单位GDP二氧化碳排放降低率"
                                     "按目前进度完成2025年目标难度较大，3项重点任务均无滞后、无逾期")
    # no 2023Q4 figure on record (the demo starts in 2024Q3): 无当年数据, never the latest figure
    eight = w.action(8)
    assert said(eight, "全市绿色融资规模增速2023年阶段性目标为20%，无当年数据（无2023年第四季度末数据），"
                       "无法评价该阶段目标完成情况，本季度不再评价。")
    four = w.action(4)
    assert said(four, "截至9月底，规模以上企业研发活动覆盖率为93%，距2025年目标（100%）尚差7个百分点，比上年同期提高7个百分点，"
                      "比上季度末提高1.5个百分点，但按目前进度，到2025年底预计为94.8%，完成目标难度较大；未设基期值，"
                      "于2025年第四季度评价目标完成情况，此前不作评价。")
    # 九: the incinerator not started is a 督办 item of its own (not 提醒关注 and a page later overdue): the 亮灯情况表
    # names it first, its 督办 item is printed with its number, and it is no 关注 item
    assert w.row(OVERVIEW, 9)[3:] == ("红灯", "城乡生活垃圾焚烧发电二期未按期开工；重大项目“中心城区污水处理厂提标扩能工程”"
                                              "的本年累计完成投资（万元）填报为“约1.8亿”，无法识别，请核实补报")
    assert not [s for s in w.summary["attention"] if "城乡生活垃圾焚烧发电二期" in s["item"]]
    assert said(w.action(9), "已过计划开工时间仍未开工的重大项目1个：城乡生活垃圾焚烧发电二期。")
    assert said(w.action(9), "报送数据方面，重大项目“中心城区污水处理厂提标扩能工程”的本年累计完成投资（万元）"
                             "填报为“约1.8亿”，无法识别，请核实补报。")
    assert said(w.paragraphs, "第八项（人行市中心支行、市地方金融工作局，1项指标进度超前）拟提请市政府通报表扬。")


def test_an_interim_year_judges_neither_a_later_annual_flow_nor_a_level_without_a_base(built):
    w = built("interim_year_2024Q4")
    revenue = w.indicator(10, "tourism_revenue")
    assert (revenue["status"], revenue["unrated"], revenue["time_progress"], revenue["target_year"]) == (
        None, "no_annual_target", None, 2025)
    assert said(w.action(10), "今年1—12月，文化和旅游产业综合收入为1180亿元，距2025年目标（2000亿元）尚差820亿元；"
                              "本年未设年度目标，2025年目标为该年全年目标，本年不作评价。")
    assert said(w.action(4), "截至12月底，规模以上企业研发活动覆盖率为88.4%，距2025年目标（100%）尚差11.6个百分点，"
                             "比上季度末提高2.4个百分点；未设基期值，于2025年第四季度评价目标完成情况，此前不作评价。")
    ten = next(a for a in w.summary["actions"] if a["id"] == 10)
    assert ten["light"] == "green" and not [s for s in w.summary["supervision_list"] if s["action_id"] == 10]
    assert not [s for s in w.summary["attention"] + w.summary["supervision_list"] if "综合收入" in s["item"]]


def test_the_plans_last_quarter_praises_no_late_task_and_lists_no_project_near_its_plan(built):
    w = built("plan_end_2025Q4")
    praised = {c["action_id"]: c["reason"] for c in w.summary["commendations"]}
    # 七 completed its 2023 task two years late: its praise rests on the two tasks done in time, never on that one
    assert praised[7] == ("3项重点任务均无滞后、无逾期；完成重点任务“长江中上游区域性中心城市建设取得重大成效”；"
                          "完成重点任务“积极引领宜荆荆都市圈建设，完善协同发展体制机制”")
    late = next(t for a in w.summary["actions"] if a["id"] == 7 for t in a["tasks"] if t["completed_late"])
    assert late["content"].startswith("联结长江中上游")
    # each named with what holds for it (二 and 七 have no indicators; 五's are all met; 七's late task not counted)
    assert said(w.paragraphs, "第二项（市发改委，完成重点任务1项）、第五项（市水利和湖泊局，3项指标完成目标、完成重点任务1项）、"
                              "第七项（市发改委，完成重点任务2项）拟提请市政府通报表扬。")
    # 兴发 at 17200 of 18000 (95.6 %): a gap of −4.4 points is no matter; 第三项 is red for its own items only
    assert not [s for s in w.summary["supervision_list"] if "兴发" in s["item"]]


def test_a_red_stage_result_on_record_bars_praise(built):
    w = built("growth_2023_on_record_2025Q3")
    growth = w.indicator(8, "green_finance_growth")
    assert (growth["status"], growth["judged_on"], growth["actual"]) == ("not_met", "2023Q4", -5.3)
    assert said(w.action(8), "全市绿色融资规模增速2023年阶段性目标为20%，2023年第四季度末为-5.3%，未完成该阶段目标，"
                             "本季度不再评价。")
    assert w.summary["commendations"] == []
    assert not any("通报表扬" in p for p in w.paragraphs)   # no section of praise when none qualifies


def test_a_new_periods_rate_without_a_base_is_not_red_in_its_first_quarter(built):
    w = built("new_period_2026Q1")
    energy = w.indicator(1, "energy_intensity_reduction")
    assert (energy["status"], energy["unrated"], energy["time_progress"], energy["gap_points"]) == (
        None, "no_base", None, None)
    assert said(w.action(1), "截至3月底，单位GDP能源消耗降低率为3.1%，距2030年目标（13.5%）尚差10.4个百分点；未设基期值，"
                             "于2030年第四季度评价目标完成情况，此前不作评价。")
    one = next(a for a in w.summary["actions"] if a["id"] == 1)
    assert one["light"] != "red" and not [s for s in w.summary["supervision_list"] if s["action_id"] == 1]


def test_the_regressions_checked_many_claims():
    """Runs last in this module."""
    print(f"regressions: {TOTAL['claims']} claims and {TOTAL['sentences']} exact sentences over {len(CASES)} cases")
    assert TOTAL["claims"] >= 1500 and TOTAL["sentences"] >= 14
