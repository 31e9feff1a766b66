"""The past of a quarter (analysis/past.py): issued quarters read as issued, drafts derived, plans changing."""

from __future__ import annotations

import dataclasses
import datetime as dt

from report_fixtures import D, result, submission
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.model import LedgerItem, LedgerState, Status
from yc_reports.analysis.past import EarlierQuarter, Past, QuarterSetup, ReceiptFact, past_of
from yc_reports.analysis.supervision import OfficeClosure
from yc_reports.intake.records import TaskStatus
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.workbook.plan_workbook import new_period

REGISTRY = load_registry()
Q2, Q3, Q4 = Quarter(2025, 2), Quarter(2025, 3), Quarter(2025, 4)
BEHIND = TaskStatus.BEHIND


def third(quarter: Quarter, parks: int = 0, plan_registry=REGISTRY):
    return submission(plan_registry, 3, quarter,
                      values={"green_products": 1, "green_factories": 5, "green_parks": parks, "green_supply_chains": 1})


def draft(quarter: Quarter, *subs) -> EarlierQuarter:
    return EarlierQuarter(quarter, {s.action_id: s for s in subs})


def issued(quarter: Quarter, *subs, registry=REGISTRY) -> EarlierQuarter:
    """A quarter as it would have been issued: assembled, with its ledger, then frozen in the record."""
    report = assemble_report(registry, quarter, [result(s) for s in subs])
    text = {i.id: f"（签发时的文字）{i.id}" for i in report.ledger}
    report = dataclasses.replace(report, ledger=tuple(
        dataclasses.replace(i, text=text[i.id], plan_id=registry.plan.id) for i in report.ledger))
    return EarlierQuarter(quarter, {s.action_id: s for s in subs}, issued=report)


def parks_item(e: EarlierQuarter) -> LedgerItem:
    assert e.issued is not None
    [item] = [i for i in e.issued.ledger if i.reason.indicator is not None and i.reason.indicator.key == "green_parks"]
    return item


def test_an_issued_quarters_ledger_is_read_not_derived_again():
    q2 = issued(Q2, third(Q2, parks=0))
    item = parks_item(q2)
    # the same workbook judged under an edited plan would not be listed at all: the issued item stays
    edited = dataclasses.replace(REGISTRY, actions=tuple(
        dataclasses.replace(a, indicators=tuple(dataclasses.replace(i, targets={2025: D(0)})
                                                if i.key == "green_parks" else i for i in a.indicators))
        for a in REGISTRY.actions))
    past = past_of(edited, Q3, [q2])
    assert [(i.id, i.text, i.deadline) for i in past.ledger if i.action_id == 3] == [
        (i.id, i.text, i.deadline) for i in q2.issued.ledger if i.action_id == 3]
    assert item.text == f"（签发时的文字）{item.id}"


def test_drafts_after_the_last_issued_quarter_advance_its_ledger():
    q2 = issued(Q2, third(Q2))
    q3 = draft(Q3, third(Q3))
    past = past_of(REGISTRY, Q4, [q2, q3])
    ids = [i.id for i in past.ledger if i.action_id == 3]
    assert ids and ids == [i.id for i in q2.issued.ledger if i.action_id == 3]      # carried, not raised again
    assert all(i.state is LedgerState.OVERDUE for i in past.ledger if i.since == Q2)


def test_a_draft_before_the_last_issued_quarter_lends_figures_but_not_its_ledger():
    q2 = draft(Q2, third(Q2, parks=0))
    q3 = issued(Q3, third(Q3, parks=1))
    past = past_of(REGISTRY, Q4, [q2, q3])
    assert past.history.value("green_parks", Q2) == D(0) and past.history.value("green_parks", Q3) == D(1)
    assert past.ledger == q3.issued.ledger


def test_an_office_closure_closes_the_item_in_its_quarter():
    q2 = issued(Q2, third(Q2))
    item = parks_item(q2)
    q3 = draft(Q3, third(Q3, parks=2))
    past = past_of(REGISTRY, Q4, [q2, q3], closures=[OfficeClosure(item.id, Q3, "经现场核实已整改到位")])
    [closed] = [i for i in past.ledger if i.id == item.id]
    assert (closed.state, closed.closed_in, closed.closed_reason) == (LedgerState.CLOSED, Q3, "经现场核实已整改到位")


def test_an_issued_stage_result_stands():
    q4_2024 = issued(Quarter(2024, 4), submission(REGISTRY, 4, Quarter(2024, 4),
                                                  values={"innovation_platforms": 23, "tech_projects": 8}))
    verdicts = {r.key: r for a in q4_2024.issued.actions for r in a.stage_results}
    assert "innovation_platforms" in verdicts
    later = submission(REGISTRY, 4, Q3, values={"innovation_platforms": 5, "tech_projects": 1})
    report = assemble_report(REGISTRY, Q3, [result(later)], past=past_of(REGISTRY, Q3, [q4_2024]))
    platforms = next(r for r in report.action(4).indicators if r.key == "innovation_platforms")
    assert platforms == verdicts["innovation_platforms"]


def test_an_earlier_plan_lends_only_continuing_flows_and_levels():
    old_q1 = issued(Quarter(2025, 1), submission(REGISTRY, 10, Quarter(2025, 1),
                                                 values={"tourist_arrivals": "0.27", "tourism_revenue": 290}),
                    third(Quarter(2025, 1), parks=1))
    new = new_period(REGISTRY, 2026, 2030)
    past = past_of(new, Quarter(2026, 1), [old_q1])
    assert past.history.value("tourist_arrivals", Quarter(2025, 1)) == D("0.27")    # a flow: 同比
    assert past.history.value("green_parks", Quarter(2025, 1)) is None              # a count restarts
    assert past.history.submission(Quarter(2025, 1), 3).tasks == ()
    assert past.ledger == old_q1.issued.ledger                                       # open items carry over


def test_the_receipt_of_the_workbook_used_counts():
    sub = dataclasses.replace(third(Q3), sha256="a" * 64)
    at = dt.datetime(2025, 10, 7, 15, 0)
    setup = QuarterSetup(deadline=dt.date(2025, 10, 5), receipts=(
        ReceiptFact(3, dt.datetime(2025, 10, 2), "portal", "b" * 64),      # another file
        ReceiptFact(3, at, "portal", "a" * 64)))
    report = assemble_report(REGISTRY, Q3, [result(sub)], past=Past(Q3, past_of(REGISTRY, Q3, []).history,
                                                                      setup=setup))
    assert report.action(3).received_at == at and report.deadline == dt.date(2025, 10, 5)
    assert report.action(3).light is not None and report.action(4).received_at is None


def test_statuses_are_those_of_the_draft_itself():
    past = past_of(REGISTRY, Q3, [draft(Q2, third(Q2))])
    report = assemble_report(REGISTRY, Q3, [result(third(Q3, parks=0))], past=past)
    parks = next(r for r in report.action(3).indicators if r.key == "green_parks")
    assert parks.status is Status.LAGGING and parks.previous == D(0)
