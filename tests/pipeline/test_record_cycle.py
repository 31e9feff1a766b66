"""The office's record over a whole cycle: issue 2024Q3–2025Q4, edit the plan, rebuild, change the plan period.

What was issued stays issued: item numbers, texts and deadlines, the documents, the verdicts and the
年度考核 of issued quarters do not move when targets change (a blank province target set, a target raised)
or when the plan period changes; the open items carry into the next plan's templates and ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import factory
from plan_cycle import ISSUED, issue_demo_quarters, open_next_plan
from yc_reports.analysis.model import Status
from yc_reports.pipeline.assessment import make_assessment
from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.pipeline.supervision import template_previous
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry, load_registry
from yc_reports.record.store import Record, record_path

Q4 = Quarter(2025, 4)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_rows(root: Path) -> dict[tuple[Quarter, str], tuple[str, str, dt.date]]:
    """Every item of every issuance as recorded: (quarter, id) → (matter key, text, deadline)."""
    with Record(record_path(root / "inputs")) as record:
        return {(i.quarter, row.item_id): (row.matter, row.text, row.deadline)
                for i in record.issuances() for row in record.ledger(i)}


def scores(result) -> dict[int, tuple[Decimal, tuple[str, ...]]]:
    return {s.action.id: (s.total, tuple(d.rule for d in s.deductions)) for s in result.assessment.scores}


def edit_plan(root: Path) -> Registry:
    """The edits the plan asks for: a province target set where it was blank (万元GDP用水量下降率 2025 = 16)
    and a target changed (开发绿色产品数量 2025: 2 → 6)."""
    path = root / "inputs" / "plan.toml"
    text = path.read_text("utf-8")
    water = text.index('name = "万元GDP用水量下降率"')
    text = text[:water] + text[water:].replace('targets = { "2025" = "" }', 'targets = { "2025" = 16 }', 1)
    products = text.index('key = "green_products"')
    text = text[:products] + text[products:].replace('targets = { "2025" = 2 }', 'targets = { "2025" = 6 }', 1)
    path.write_text(text, "utf-8")
    registry = load_registry(path)
    assert registry.action(5).indicators[2].targets[2025] == 16
    assert registry.action(3).indicators[0].targets[2025] == 6
    return registry


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """The demo's six quarters, each issued in turn, then the 2025 assessment; the plan edited afterwards."""
    root = tmp_path_factory.mktemp("record-cycle")
    create_demo_inputs(root)
    registry = load_registry(root / "inputs" / "plan.toml")
    issued = issue_demo_quarters(root, registry)
    documents = {q: {p.relative_to(root / "outputs" / str(q)).as_posix(): sha(p) for p in result.files}
                 for q, result in issued.items()}
    assessed = {year: make_assessment(registry, year, root / "inputs", root / "assessed") for year in (2024, 2025)}
    assert all(a.ok for a in assessed.values())
    before = ledger_rows(root)
    edited = edit_plan(root)
    return root, registry, edited, documents, assessed, before


def test_every_quarter_issued_once_in_order(cycle):
    root, *_ = cycle
    with Record(record_path(root / "inputs")) as record:
        assert record.issued_quarters() == tuple(ISSUED)
        assert [i.version for i in record.issuances()] == [1] * 6
        assert record.first_collected() == Quarter(2024, 3)


def test_an_issued_quarter_is_rebuilt_as_issued_after_the_plan_changed(cycle, tmp_path):
    root, _, edited, documents, *_ = cycle
    for q in (Quarter(2024, 3), Quarter(2025, 1), Q4):
        out = tmp_path / str(q)
        result = build_quarter(edited, q, root / "inputs" / str(q), out)
        assert result.ok and result.issued is not None and result.issued.quarter == q
        assert {p.relative_to(out).as_posix(): sha(p) for p in result.files} == documents[q]


def test_a_draft_after_the_plan_edit_keeps_every_issued_item(cycle, tmp_path):
    """The blank province target now set would have raised 2024Q3-05-1 and 2024Q4-05-1, and the raised
    target would have renumbered 2024Q3-03-1: a draft of 2025Q4 (a correction's draft) keeps the issued past."""
    root, _, edited, _, _, before = cycle
    result = build_quarter(edited, Q4, root / "inputs" / str(Q4), tmp_path / "draft", draft=True)
    assert result.ok and result.issued is None
    issued_q3 = {item_id: value for (q, item_id), value in before.items() if q == Quarter(2025, 3)}
    earlier = [i for i in result.report.ledger if i.since < Q4]
    assert {i.id for i in earlier} == set(issued_q3)                     # no new past item, none lost
    for item in earlier:
        _, text, deadline = issued_q3[item.id]
        assert (item.text, item.deadline) == (text, deadline)
    assert not any(i.id.startswith(("2024Q3-05", "2024Q4-05")) for i in result.report.ledger)
    assert before == ledger_rows(root)                                   # the record itself untouched
    # the plan edit applies to the draft: 万元GDP用水量下降率 is now judged against 16 in 2025Q4
    water = next(r for r in result.report.action(5).indicators if r.key == "water_use_efficiency")
    assert water.target == 16 and water.status in (Status.MET, Status.NOT_MET)


def test_the_assessment_of_issued_years_is_unchanged_by_the_plan_edit(cycle, tmp_path):
    root, _, edited, _, assessed, _ = cycle
    for year in (2024, 2025):
        again = make_assessment(edited, year, root / "inputs", tmp_path / str(year))
        assert again.ok and scores(again) == scores(assessed[year])


def test_assessing_2024_judges_only_the_quarters_collected(cycle):
    _, _, _, _, assessed, _ = cycle
    a = assessed[2024].assessment
    assert a.collected == (Quarter(2024, 3), Quarter(2024, 4)) and a.not_collected == (Quarter(2024, 1), Quarter(2024, 2))
    assert not any(d.rule == "report_missing" and d.quarter.q in (1, 2) for s in a.scores for d in s.deductions)
    [docx_file] = (cycle[0] / "assessed" / "2024年度考核").glob("*.docx")
    import docx

    text = "\n".join(p.text for p in docx.Document(docx_file).paragraphs)
    assert "依据各牵头单位2024年第三、四季度报送的调度数据" in text
    assert "第一、二季度尚未纳入季度调度，不作考核" in text
    assert "四个季度" not in text


@pytest.fixture(scope="module")
def next_plan(cycle):
    """`plan new 2026 2030` from the record, targets set, imported; 2026Q1 templates and filled workbooks."""
    root, _, edited, *_ = cycle
    return open_next_plan(root, edited)


def test_the_new_plan_takes_its_bases_from_the_record(cycle, next_plan):
    registry, figures, *_ = next_plan
    coverage = next(i for a in registry.actions for i in a.indicators if i.key == "rd_institution_coverage")
    assert coverage.baseline is not None and coverage.baseline.year == 2025
    assert coverage.baseline.value == figures["rd_institution_coverage"]   # the 2025Q4 figure as issued
    co2 = next(i for a in registry.actions for i in a.indicators if i.key == "co2_intensity_reduction")
    assert co2.baseline is not None and co2.baseline.value == 0            # a reduction counted from 2025 again


def test_open_items_of_the_old_plan_reach_the_new_templates(cycle, next_plan):
    root, *_ = cycle
    _, _, rows, templates, _ = next_plan
    with Record(record_path(root / "inputs")) as record:
        q4 = record.latest(Q4)
        open_old = {row.item_id for row in record.ledger(q4) if row.state != "closed"}
    assert open_old and {r.item_id for rs in rows.values() for r in rs} == open_old
    assert all(r.text.startswith("（上期方案）") for rs in rows.values() for r in rs)
    [third] = [p for p in templates if "第03项" in p.name]
    sheet = openpyxl.load_workbook(third)["整改落实"]
    ids = {c.value for c in sheet["A"] if isinstance(c.value, str) and re.fullmatch(r"\d{4}Q\d-\d{2}-\d+", c.value)}
    assert ids == {r.item_id for r in rows[3]}


def test_the_first_quarter_of_the_new_plan_carries_the_ledger_and_compares_with_2025(cycle, next_plan):
    root, *_ = cycle
    *_, build = next_plan
    report = build.report
    old = [i for i in report.ledger if i.since < Quarter(2026, 1)]
    assert old and all(i.plan_id == "yc-10actions-2022-2025" for i in old)
    assert all(i.text for i in old)                                     # as printed when issued
    tourism = next(r for r in report.action(10).indicators if r.key == "tourist_arrivals")
    with Record(record_path(root / "inputs")) as record:
        q1_2025 = record.issued(Quarter(2025, 1)).submissions[10].indicator("tourist_arrivals").value
    assert tourism.last_year == q1_2025 and tourism.yoy is not None      # 同比 with 2025 from the record
    factories = next(r for r in report.action(3).indicators if r.key == "green_factories")
    assert factories.last_year is None and factories.previous is None   # a count since the plan began restarts
    supervision = {s["id"]: s for s in json.loads(
        (root / "outputs" / "2026Q1" / "summary.json").read_text("utf-8"))["supervision"]}
    assert all(supervision[i.id]["text"].startswith("（上期方案）") for i in old)
    import docx

    [third] = (root / "outputs" / "2026Q1" / "各行动报告").glob("第03项_*.docx")
    cells = [c.text for t in docx.Document(third).tables for r in t.rows for c in r.cells]
    row = cells.index("2024Q3-03-1\n市经信局")   # its 督办事项 beside it, as issued, marked 上期方案
    assert cells[row + 1].startswith("（上期方案）建设绿色园区数量完成2025年目标的0%")


def test_a_build_over_a_damaged_record_stops_and_writes_nothing(tmp_path):
    inputs = tmp_path / "inputs"
    factory.write_in_quarter_folder(inputs, "2025Q3", 3, green_products=2)
    damaged = record_path(inputs)
    damaged.write_bytes(b"not a database at all" * 100)
    before = sha(damaged)
    result = build_quarter(load_registry(), Quarter(2025, 3), inputs / "2025Q3", tmp_path / "out")
    assert not result.ok and "办公室记录" in result.error and "记录文件未作改动" in result.error
    assert not (tmp_path / "out").exists() and sha(damaged) == before


def test_a_template_shows_last_quarter_as_issued(cycle, tmp_path):
    """A unit re-sends its 2025Q3 workbook after 2025Q3 was issued: the 2025Q4 template still shows the
    workbook issued for 2025Q3, not the new file."""
    root, registry, *_ = cycle
    inputs = tmp_path / "inputs"
    shutil.copytree(root / "inputs", inputs)
    [third] = [p for p in (inputs / "2025Q3").rglob("*.xlsx") if "第03项" in p.name]
    factory.save(factory.filled(3, "2025Q3", registry=registry), third)
    with Record(record_path(inputs)) as record:
        issued = record.issued(Quarter(2025, 3))
    previous = template_previous(registry, Q4, inputs)
    assert previous[3].sha256 == issued.submissions[3].sha256 != sha(third)
    # the portal's templates are the same: last quarter as issued, not the file sent again
    from yc_reports.portal.units import make_templates
    from yc_reports.workbook.writer import build_template, previous_submissions

    def cells(wb) -> list[list[object]]:
        return [[c.value for c in row] for row in wb["指标进展"].iter_rows()]

    portal = cells(openpyxl.load_workbook(io.BytesIO(make_templates(registry, Q4, str(inputs))[3])))
    assert portal == cells(build_template(registry, registry.action(3), Q4, issued.submissions[3]))
    resent = previous_submissions(registry, Q4, inputs)[3]
    assert portal != cells(build_template(registry, registry.action(3), Q4, resent))


def test_the_first_notice_of_the_new_plan_words_its_tally_and_directions_truly(cycle, next_plan):
    """Most 2030 targets are years away (暂不评价): the indicators' share is of those judged, its base named; every
    action red (each has a project not started): the direction speaks of all at once."""
    root, *_ = cycle
    import docx

    data = json.loads((root / "outputs" / "2026Q1" / "summary.json").read_text("utf-8"))
    [notice] = (root / "outputs" / "2026Q1").glob("*通报.docx")
    text = "".join(p.text for p in docx.Document(notice).paragraphs)
    statuses = [i["status"] for a in data["actions"] for i in a["indicators"]]
    judged = [s for s in statuses if s not in (None, "no_data")]
    assert 0 < len(judged) < len(statuses)
    assert f"{len(statuses)}项指标中" in text and f"纳入评价的{len(judged)}项中已完成或进度正常、超前的占" in text
    assert "（全年时序进度25%）" in text
    assert all(a["light"] == "red" for a in data["actions"])
    assert "各项行动均要制定追赶措施" in text and "第一项、第二项" not in text


def test_the_record_exports_every_table_row_for_row(cycle, tmp_path):
    """`record export`: a sheet per table, each row as recorded — the verdicts of expired targets included."""
    from yc_reports.render.record_xlsx import write_record_workbook

    root, *_ = cycle
    with Record(record_path(root / "inputs")) as record:
        path = write_record_workbook(record, tmp_path / "办公室记录.xlsx")
        issuances = record.issuances()
        expected = {"签发记录": len(issuances), "督办台账": sum(len(record.ledger(i)) for i in issuances),
                    "阶段目标结论": sum(len(record.verdicts(i)) for i in issuances),
                    "文件校验码": sum(len(record.documents(i)) for i in issuances),
                    "方案版本": len(record.plans())}
        verdicts = [v for i in issuances for v in record.verdicts(i)]
    assert expected["阶段目标结论"] > 0 and all(v.status in ("met", "not_met", "no_data") for v in verdicts)
    wb = openpyxl.load_workbook(path, read_only=True)
    for name, count in expected.items():
        rows = [r for r in wb[name].iter_rows(values_only=True) if any(v not in (None, "") for v in r)]
        assert len(rows) - 1 == count, name        # the header row above the data
