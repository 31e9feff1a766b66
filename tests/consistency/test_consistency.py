"""The consistency suite: generated quarters 2022–2025 are assembled and WRITTEN by the real code, then every
claim in the written 通报, action reports, 汇总表 and summary.json is checked against the facts
(consistency_claims.py). Fixed cases reproduce what the office's review found; hypothesis varies the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from consistency_cases import FIGURE, PROBLEM, REGISTRY, STATE, ActionSpec, Case, assemble, write_case
from consistency_claims import check
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from report_fixtures import fixture_quarter
from yc_reports.intake.records import TaskStatus
from yc_reports.plan.quarter import Quarter

TOTAL = {"claims": 0, "cases": 0}


def tasks(action_id: int, status: str | None = TaskStatus.ON_SCHEDULE.value, problems: str = ""):
    return tuple((t.key, status, problems) for t in REGISTRY.action(action_id).tasks)


def values(action_id: int, spec: str):
    return tuple((i.key, spec) for i in REGISTRY.action(action_id).indicators)


FIXED = [
    # 三 left every figure blank; 五 wrote "约0.2" everywhere; 十 unreadable; 六 not submitted
    Case("blank_invalid_unreadable_2025Q3", Quarter(2025, 3), {
        3: ActionSpec(values=values(3, "blank"), tasks=tasks(3)),
        5: ActionSpec(values=values(5, "invalid"), tasks=tasks(5)),
        10: ActionSpec(mode="unreadable"), 6: ActionSpec(mode="missing"),
        7: ActionSpec(values=(), tasks=tasks(7, None))}),
    # one blank among good figures: never green
    Case("one_blank_2024Q2", Quarter(2024, 2), {
        3: ActionSpec(values=(("green_products", "share:1"), ("green_factories", "blank"), ("green_parks", "share:1"),
                              ("green_supply_chains", "share:1")), tasks=tasks(3))}),
    # −30.0 against −30.01 and −30.05 in one 通报; −10 against −10.05
    Case("boundaries_2023Q3", Quarter(2023, 3), {
        10: ActionSpec(values=(("tourist_arrivals", "gap:-30.01"), ("tourism_revenue", "gap:-30")), tasks=tasks(10)),
        3: ActionSpec(values=(("green_products", "gap:-30.05"), ("green_factories", "gap:-10"),
                              ("green_parks", "gap:-10.05"), ("green_supply_chains", "gap:10")), tasks=tasks(3))}),
    # 2023 targets in 2025: 四 praised and 八 red on them in the first version
    Case("expired_2025Q3", Quarter(2025, 3), {
        4: ActionSpec(values=(("innovation_platforms", "share:1.1"), ("tech_projects", "share:1.6"),
                              ("rd_institution_coverage", "share:0.962"), ("rd_activity_coverage", "share:0.93")),
                      tasks=tasks(4)),
        8: ActionSpec(values=(("green_finance_growth", "share:0.75"),), tasks=tasks(8)),
        5: ActionSpec(values=(("water_use_total", "gap:12.5"), ("eco_base_flow", "share:1.05")), tasks=tasks(5))},
        history_shares="0.9"),
    # 增速 14% against 20%: 6.0 points short, not 30.0
    Case("distance_to_rate_2023Q2", Quarter(2023, 2), {
        8: ActionSpec(values=(("green_finance_growth", "raw:14"),), tasks=tasks(8))}),
    # a signed rate below zero
    Case("negative_rate_2023Q1", Quarter(2023, 1), {
        8: ActionSpec(values=(("green_finance_growth", "raw:-5"),), tasks=tasks(8))}),
    # 用水总量 above the whole year's ceiling in Q3
    Case("ceiling_broken_2025Q3", Quarter(2025, 3), {
        5: ActionSpec(values=(("water_use_total", "raw:22.5"), ("eco_base_flow", "share:1.05")), tasks=tasks(5))}),
    # clerks' fillers in 存在问题 and 情况说明; a yellow action is 关注, not 滞后
    Case("placeholders_and_yellow_2025Q2", Quarter(2025, 2), {
        3: ActionSpec(values=(("green_products", "share:1"), ("green_factories", "gap:-20"),
                              ("green_parks", "gap:-40"), ("green_supply_chains", "share:1")),
                      tasks=tasks(3, problems="无"), notes=(("green_parks", "暂无"), ("green_factories", "/"))),
        7: ActionSpec(values=(), tasks=tasks(7, TaskStatus.BEHIND.value, "暂无")),
        10: ActionSpec(values=(("tourist_arrivals", "gap:-20"), ("tourism_revenue", "gap:0")),
                       tasks=tasks(10, problems="按计划推进"))}),
]


def run_case(report, out: Path, action_ids=(3, 4, 8, 10)) -> list[str]:
    verdict = check(write_case(report, out, action_ids=action_ids))
    TOTAL["claims"] += verdict.claims
    TOTAL["cases"] += 1
    return verdict.violations


@pytest.mark.parametrize("case", FIXED, ids=[c.name for c in FIXED])
def test_every_claim_holds_in_the_issue_cases(case: Case, tmp_path: Path):
    assert run_case(assemble(case), tmp_path) == []


def test_every_claim_holds_in_the_fixture_quarter(tmp_path: Path):
    """Duplicates, a workbook with errors, a late project, history: the hand-made quarter of the other tests."""
    from yc_reports.analysis.assemble import assemble_report
    from yc_reports.analysis.history import history_from_submissions

    current, history, stray = fixture_quarter(REGISTRY)
    q = Quarter(2025, 3)
    report = assemble_report(REGISTRY, q, current, history_from_submissions(q, history), extra_issues=stray)
    assert run_case(report, tmp_path) == []




@st.composite
def action_specs(draw, action_id: int):
    mode = draw(st.sampled_from(["filled"] * 8 + ["missing", "unreadable"]))
    action = REGISTRY.action(action_id)
    return ActionSpec(mode=mode, values=tuple((i.key, draw(FIGURE)) for i in action.indicators),
                      tasks=tuple((t.key, draw(STATE), draw(PROBLEM)) for t in action.tasks),
                      notes=tuple((i.key, draw(PROBLEM)) for i in action.indicators))


@st.composite
def cases(draw):
    quarter = Quarter(draw(st.integers(2022, 2025)), draw(st.integers(1, 4)))
    chosen = draw(st.sets(st.sampled_from([a.id for a in REGISTRY.actions]), min_size=2, max_size=6))
    return Case("generated", quarter, {aid: draw(action_specs(aid)) for aid in sorted(chosen)},
                history_shares=draw(st.sampled_from(["0.3", "0.8", "1.1"])))


@settings(max_examples=16, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                                   HealthCheck.too_slow])
@given(case=cases())
def test_every_claim_holds_in_generated_quarters(case: Case, tmp_path_factory):
    out = tmp_path_factory.mktemp("case")
    assert run_case(assemble(case), out, action_ids=sorted(case.actions)[:2]) == [], (case.quarter, case.actions)


def test_the_suite_checked_many_claims():
    """Runs last in this module: the suite is only as good as the number of claims it checked."""
    print(f"consistency suite: {TOTAL['claims']} claims over {TOTAL['cases']} written quarters")
    assert TOTAL["cases"] >= 25 and TOTAL["claims"] >= 4000, TOTAL
