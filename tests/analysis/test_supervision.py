"""The 督办 ledger over several quarters: numbering, closing, overdue, the 整改落实 sheet round trip."""

import datetime as dt

import openpyxl

from yc_reports.analysis.ledger import LedgerState
from yc_reports.analysis.model import Reason, ReasonKind, Status, SupervisionItem, TaskResult
from yc_reports.analysis.supervision import QuarterListing, derive_ledger, open_items
from yc_reports.intake.reader import parse_bytes
from yc_reports.intake.records import RectificationEntry, RectificationState, TaskStatus
from yc_reports.pipeline.supervision import rectification_rows
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.render.wording import Wording
from yc_reports.workbook import layout as L
from yc_reports.workbook.writer import build_template

Q3, Q4 = Quarter(2025, 3), Quarter(2025, 4)


def listed(action_id: int, item: str) -> SupervisionItem:
    """A listed matter as the checks give it (a fact); 本季度工作簿 / 报送数据 stand for the reporting facts."""
    if item == "本季度工作簿":
        fact = Reason(ReasonKind.NOT_SUBMITTED)
    elif item == "报送数据":
        fact = Reason(ReasonKind.DUPLICATE)
    else:
        fact = Reason(ReasonKind.TASK_BEHIND, task=TaskResult(key="", content=item, deadline=None,
                                                              reported=TaskStatus.BEHIND, overdue=False,
                                                              behind=True, progress="", problems=""))
    return SupervisionItem(action_id=action_id, action_name="行动", lead_units="市经信局", reason=fact)


def report(item_id: str, state: RectificationState | None) -> RectificationEntry:
    return RectificationEntry(row=4, item_id=item_id, text="", deadline=None, measures="措施", progress="进展",
                              state=state)


def test_items_are_numbered_by_quarter_action_and_item_and_reporting_problems_are_not_items():
    ledger = derive_ledger([QuarterListing(Q3, (listed(3, "建设绿色园区数量"), listed(3, "宜化项目"),
                                                listed(6, "本季度工作簿"), listed(9, "报送数据"),
                                                listed(8, "绿色融资规模增速")))], Q3)
    assert [i.id for i in ledger] == ["2025Q3-03-1", "2025Q3-03-2", "2025Q3-08-1"]
    assert all(i.state is LedgerState.OPEN and i.deadline == dt.date(2025, 10, 25) for i in ledger)


def test_item_opened_in_2025q3_closed_in_2025q4_and_another_overdue():
    q3 = QuarterListing(Q3, (listed(3, "建设绿色园区数量"), listed(3, "建设绿色工厂数量")))
    q4 = QuarterListing(Q4, (listed(3, "建设绿色工厂数量"),),
                        (report("2025Q3-03-1", RectificationState.DONE),
                         report("2025Q3-03-2", RectificationState.IN_PROGRESS)))
    parks, factories = derive_ledger([q3, q4], Q4)
    assert (parks.id, parks.state, parks.closed_in, parks.listed_now) == ("2025Q3-03-1", LedgerState.CLOSED, Q4, False)
    assert (factories.state, factories.listed_now) == (LedgerState.OVERDUE, True)
    assert factories.reported is RectificationState.IN_PROGRESS and factories.measures == "措施"


def test_done_but_still_listed_stays_open_and_the_same_matter_is_not_numbered_again():
    q3 = QuarterListing(Q3, (listed(3, "建设绿色园区数量"),))
    q4 = QuarterListing(Q4, (listed(3, "建设绿色园区数量"),), (report("2025Q3-03-1", RectificationState.DONE),))
    [item] = derive_ledger([q3, q4], Q4)
    assert item.state is LedgerState.OVERDUE and item.reported is RectificationState.DONE


def test_unreported_item_goes_overdue_only_after_its_deadline():
    q3 = QuarterListing(Q3, (listed(3, "建设绿色园区数量"),))
    assert derive_ledger([q3], Q3)[0].state is LedgerState.OPEN          # as of 2025-10-10 < 10-25
    assert derive_ledger([q3, QuarterListing(Q4, ())], Q4)[0].state is LedgerState.OVERDUE


def lagging_parks(actual: str) -> SupervisionItem:
    """建设绿色园区数量 behind, at a given figure: the same matter whatever the figure says this quarter."""
    from decimal import Decimal

    from yc_reports.analysis.checks import indicator_result

    registry = load_registry()
    parks = next(i for i in registry.action(3).indicators if i.key == "green_parks")
    fact = indicator_result(parks, Q3, plan_start_year=2022, thresholds=registry.thresholds, actual=Decimal(actual))
    assert fact.status is Status.LAGGING
    return SupervisionItem(action_id=3, action_name="行动", lead_units="市经信局",
                           reason=Reason(ReasonKind.INDICATOR, indicator=fact))


def test_the_same_indicator_listed_again_with_other_figures_is_the_same_item_and_keeps_its_first_fact():
    first, again = lagging_parks("0"), lagging_parks("1")
    assert first.reason != again.reason
    [item] = derive_ledger([QuarterListing(Q3, (first,)), QuarterListing(Q4, (again,))], Q4)
    assert (item.id, item.listed_now, item.reason) == ("2025Q3-03-1", True, first.reason)
    [row] = rectification_rows([item], Wording())
    # as first listed: 0 of 2 parks, while 3.75 of the 4 years from 2022 to the end of 2025 have passed
    assert row.text == Wording().matter(first.reason) == "建设绿色园区数量完成2025年目标的0%，低于时序进度93.8个百分点"


def test_a_report_on_an_unknown_or_not_yet_listed_number_changes_nothing():
    q3 = QuarterListing(Q3, (listed(3, "建设绿色园区数量"),), (report("2025Q3-03-1", RectificationState.DONE),
                                                        report("2025Q2-03-9", RectificationState.DONE)))
    [item] = derive_ledger([q3], Q3)
    assert item.state is LedgerState.OPEN and item.reported is None


def test_rectification_sheet_prefilled_locked_with_dropdown_and_read_back():
    registry = load_registry()
    q3 = QuarterListing(Q3, (listed(3, "建设绿色园区数量"),))
    rows = rectification_rows(open_items(derive_ledger([q3], Q3), 3), Wording())
    wb = build_template(registry, registry.action(3), Q4, None, rectifications=rows)
    ws = wb[L.SHEET_RECTIFICATION]
    headers = [ws.cell(L.HEADER_ROW, c).value for c in range(1, 10)]
    assert headers == ["督办编号", "督办事项", "整改时限", "上次填报的整改措施", "整改措施", "上次填报的整改进展", "整改进展",
                       "上次填报的整改状态", "整改状态"]
    first = L.FIRST_DATA_ROW
    assert ws.cell(first, 1).value == "2025Q3-03-1"
    assert ws.cell(first, 2).value == "建设绿色园区数量：牵头单位报告进度滞后"
    assert ws.cell(first, 1).protection.locked and ws.cell(first, 4).protection.locked
    assert not ws.cell(first, 5).protection.locked and ws.cell(first, 5).value is None
    assert ws.protection.sheet
    [dv] = [dv for dv in ws.data_validations.dataValidation if "I" in str(dv.sqref)]
    assert dv.formula1 == '"已完成,整改中,未启动"'
    ws.cell(first, 9).value = "已完成"
    ws.cell(first, 5).value = "已报省经信厅"
    import io
    buffer = io.BytesIO()
    wb.save(buffer)
    [entry] = parse_bytes(buffer.getvalue(), "t.xlsx", registry).submission.rectifications
    assert (entry.item_id, entry.state, entry.measures, entry.deadline) == (
        "2025Q3-03-1", RectificationState.DONE, "已报省经信厅", dt.date(2025, 10, 25))


def test_template_without_open_items_has_no_rectification_sheet():
    registry = load_registry()
    wb = build_template(registry, registry.action(3), Q4, None)
    assert L.SHEET_RECTIFICATION not in wb.sheetnames
    assert isinstance(wb, openpyxl.Workbook)
