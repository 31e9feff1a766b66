"""Hypothesis over generated quarters that mix what offices really get (docs/rules.md): blank and
unusable figures, two differing copies, unreadable and missing workbooks, expired targets with and without their
2023Q4 figure on record, interim years (a flow without its own annual target, levels without a base), projects
late to start, lagging, to watch or with an unusable entry, tasks completed late. Each quarter is assembled and
written by the real code; the facts are checked against the third-version rules directly, and every claim of the
written documents against summary.json (consistency_claims.check).
"""

from __future__ import annotations

from consistency_cases import FIGURE, PROBLEM, REGISTRY, STATE, ActionSpec, Case, assemble, write_case
from consistency_claims import check
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from yc_reports.analysis.model import FigureState, Light, ReasonKind, Status, Unrated
from yc_reports.plan.registry import Kind
from yc_reports.render.wording import Wording

WORDING = Wording()
RED = (Status.LAGGING, Status.NOT_MET)
TOTAL = {"claims": 0, "quarters": 0}
PROJECT = st.sampled_from(["ok", "watch", "lagging", "late", "unusable"])


@st.composite
def action_specs(draw, action_id: int):
    mode = draw(st.sampled_from(["filled"] * 6 + ["duplicate", "duplicate", "missing", "unreadable"]))
    action = REGISTRY.action(action_id)
    return ActionSpec(mode=mode, values=tuple((i.key, draw(FIGURE)) for i in action.indicators),
                      tasks=tuple((t.key, draw(STATE), draw(PROBLEM)) for t in action.tasks),
                      notes=tuple((i.key, draw(PROBLEM)) for i in action.indicators),
                      projects=tuple(draw(st.lists(PROJECT, max_size=2))))


@st.composite
def quarters(draw):
    from yc_reports.plan.quarter import Quarter

    quarter = Quarter(draw(st.integers(2022, 2025)), draw(st.integers(1, 4)))
    chosen = draw(st.sets(st.sampled_from([a.id for a in REGISTRY.actions]), min_size=3, max_size=7))
    return Case("third", quarter, {aid: draw(action_specs(aid)) for aid in sorted(chosen)},
                history_shares=draw(st.sampled_from(["0.3", "0.8", "1.1"])), on_record=draw(st.booleans()))


def facts_follow_the_third_version(report) -> list[str]:
    """The model's facts against the rules, directly (independent of the words)."""
    bad: list[str] = []
    q = report.quarter
    listed = {(s.action_id, id(s.reason)) for s in report.supervision}
    for a in report.actions:
        tag = f"{a.action.id}"
        for r in a.indicators:
            ind = next(i for i in a.action.indicators if i.key == r.key)
            if not r.current:
                if r.judged_on is not None and r.judged_on.year != ind.final_year:
                    bad.append(f"{tag} {r.key}: stage result judged on {r.judged_on}")
                if r.judged_on is None and r.status is not Status.NOT_RATED and r.figure is not FigureState.NO_YEAR_FIGURE:
                    bad.append(f"{tag} {r.key}: stage result without its year's figure not 无当年数据")
                continue
            later_flow = r.target is not None and ind.kind is Kind.FLOW and r.target_year != q.year
            if later_flow and (r.status, r.unrated) != (Status.NOT_RATED, Unrated.NO_ANNUAL_TARGET):
                bad.append(f"{tag} {r.key}: a {r.target_year} annual total judged in {q.year}")
            baseless = (r.target is not None and ind.kind is Kind.LEVEL and not ind.has_base
                        and (q.year, q.q) < (r.target_year, 4))
            if baseless and (r.status, r.unrated) != (Status.NOT_RATED, Unrated.NO_BASE):
                bad.append(f"{tag} {r.key}: a level without a base judged before {r.target_year}Q4")
            if r.baseline is not None and r.baseline_year != ind.baseline.year:
                bad.append(f"{tag} {r.key}: a base that is not the base year's figure")
        if a.disputed:
            if not (a.data_pending and a.light is Light.RED and a.differences):
                bad.append(f"{tag}: two differing copies without 数据待核实, red and the differences")
            if len({(d.part, d.subject, d.field) for d in a.differences}) != len(a.differences):
                bad.append(f"{tag}: a difference counted twice")
            if any(r.figure is not FigureState.DUPLICATE for r in a.indicators if r.current and r.status.rated):
                bad.append(f"{tag}: a figure of a disputed action used")
        elif a.data_pending and a.grey_reason is None:
            bad.append(f"{tag}: 数据待核实 without two differing copies or an unreadable file")
        missing = [r for r in a.light_reasons if r.kind is ReasonKind.MISSING_FIGURES]
        names = [i.key for m in missing for i in m.indicators]
        if len(names) != len(set(names)):
            bad.append(f"{tag}: a missing figure counted twice")
        for reason in a.light_reasons:
            if reason.red and (a.action.id, id(reason)) not in listed and a.light is not Light.GREY:
                bad.append(f"{tag}: red matter {reason.kind.value} not a 督办 item")
            if reason.kind is ReasonKind.PROJECT and reason.project.red and a.light is not Light.RED:
                bad.append(f"{tag}: a red project in a {a.light.value} action")
        words = WORDING.reasons(a)
        if "有误" in words or "退回" in words or "无效" in words:
            bad.append(f"{tag}: 有误 / 退回 said: {words}")
    for s in report.attention:
        if s.reason.red or (s.action_id, id(s.reason)) in listed:
            bad.append(f"{s.action_id}: a red matter also 关注")
    for c in report.commendations:
        a = report.action(c.action_id)
        if any(r.status in RED for r in a.indicators):
            bad.append(f"{c.action_id}: praised with a red figure (stage results included)")
        if any(f.kind is ReasonKind.TASK_DONE and f.task.completed_late for f in c.achievements):
            bad.append(f"{c.action_id}: praised on a task completed late")
        if any(r.pace_risk for r in a.current_indicators):
            bad.append(f"{c.action_id}: praised with a target at risk")
    return bad


@settings(max_examples=24, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=quarters())
def test_third_version_rules_hold_in_generated_quarters(case: Case, tmp_path_factory):
    report = assemble(case)
    assert facts_follow_the_third_version(report) == [], (case.quarter, case.on_record, case.actions)
    out = write_case(report, tmp_path_factory.mktemp("third"), action_ids=sorted(case.actions)[:2])
    verdict = check(out)
    TOTAL["claims"] += verdict.claims
    TOTAL["quarters"] += 1
    assert verdict.violations == [], (case.quarter, case.on_record, case.actions)


def test_the_generated_quarters_checked_many_claims():
    """Runs last in this module."""
    print(f"third version: {TOTAL['claims']} claims over {TOTAL['quarters']} generated quarters")
    assert TOTAL["quarters"] >= 20 and TOTAL["claims"] >= 4000, TOTAL
