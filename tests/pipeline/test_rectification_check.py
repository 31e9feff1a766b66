"""Rule 8: a unit's 整改落实 sheet compared with the 督办 ledger of its action and quarter, by `check`
(`--inputs`) and by the portal's upload check — the same library path. Made from the demo's own 2025Q3 workbook of
第三项, whose template carries one open item, 2024Q3-03-1 (建设绿色园区数量; 2025Q1-03-1 was closed in 2025Q2)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from yc_reports.intake.reader import parse_workbook
from yc_reports.issues import flatten
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.pipeline.rectification_check import compare_with_ledger
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.workbook import layout as L
from yc_reports.workbook.xlsx_io import save_workbook

Q3 = Quarter(2025, 3)
SHEET = L.SHEET_RECTIFICATION
MATTER = "建设绿色园区数量"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("rect-demo")
    create_demo_inputs(root)
    registry = load_registry(root / "inputs" / "plan.toml")
    [workbook] = (root / "inputs" / "2025Q3").glob("2025Q3_第03项_*.xlsx")
    return root, registry, workbook


def spoiled(demo, tmp_path: Path, edit) -> Path:
    """The demo's 2025Q3 第三项 workbook as the unit edited it, saved outside the inputs."""
    _, _, workbook = demo
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    path = tmp_path / "2025Q3" / workbook.name
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, path)
    return path


def compared(demo, path: Path, inputs: Path | None = None):
    root, registry, _ = demo
    result = parse_workbook(path, registry)
    return compare_with_ledger(registry, [result], inputs or root / "inputs")


def ledger_issues(outcome) -> list[list[str]]:
    [result] = outcome.results
    return flatten([i for i in result.issues if i.code.value.startswith("rectification")],
                   ["code", "severity", "sheet", "cell"])


def test_the_demo_workbook_as_sent_matches_the_ledger(demo, tmp_path):
    outcome = compared(demo, spoiled(demo, tmp_path, lambda wb: None))
    assert ledger_issues(outcome) == [] and outcome.not_compared == ()


def test_a_changed_number_is_an_error_at_its_cell_naming_the_right_one(demo, tmp_path):
    outcome = compared(demo, spoiled(demo, tmp_path, lambda wb: setattr(wb[SHEET]["A4"], "value", "2024Q3-03-9")))
    assert ledger_issues(outcome) == [["rectification-changed", "error", SHEET, "A4"]]
    [issue] = [i for i in outcome.results[0].issues if i.code.value == "rectification-changed"]
    assert issue.message.startswith(f"督办事项“{MATTER}")
    assert "的督办编号被改为“2024Q3-03-9”，应为“2024Q3-03-1”" in issue.message


def test_a_row_with_an_unknown_number_is_named_with_what_it_reports(demo, tmp_path):
    def edit(wb):
        ws = wb[SHEET]
        for col, value in ((1, "2025Q2-03-7"), (2, "绿色工厂申报"), (5, "加快申报"), (7, "已申报2家"), (9, "已完成")):
            ws.cell(5, col).value = value

    outcome = compared(demo, spoiled(demo, tmp_path, edit))
    assert ledger_issues(outcome) == [["rectification-unknown", "error", SHEET, "A5"]]
    [issue] = [i for i in outcome.results[0].issues if i.code.value == "rectification-unknown"]
    assert issue.message == (
        "督办编号“2025Q2-03-7”不是本行动待整改的督办事项（待整改的有：2024Q3-03-1），该行所填的整改情况（整改状态“已完成”、"
        "整改措施“加快申报”、整改进展“已申报2家”）无法对应到督办事项，未予采用。请按模板中的督办编号填报，勿修改编号；"
        "如有疑问，请联系指挥部办公室。")


def test_a_changed_matter_and_deadline_are_errors_at_their_cells(demo, tmp_path):
    def edit(wb):
        wb[SHEET]["B4"].value = "绿色园区创建"
        wb[SHEET]["C4"].value = dt.datetime(2025, 12, 31)

    outcome = compared(demo, spoiled(demo, tmp_path, edit))
    assert ledger_issues(outcome) == [["rectification-changed", "error", SHEET, "B4"],
                                      ["rectification-changed", "error", SHEET, "C4"]]
    deadline = next(i for i in outcome.results[0].issues if i.cell == "C4")
    assert deadline.message.startswith("督办编号2024Q3-03-1的整改时限被改为“2025年12月31日”，应为“2024年10月25日”。")


def test_a_deleted_row_and_a_deleted_sheet_are_errors_at_the_sheet(demo, tmp_path):
    def clear(wb):
        for col in range(1, len(L.RECTIFICATION_COLUMNS) + 1):
            wb[SHEET].cell(4, col).value = None

    outcome = compared(demo, spoiled(demo, tmp_path, clear))
    assert ledger_issues(outcome) == [["rectification-missing", "error", SHEET, ""]]
    assert "缺少督办事项“建设绿色园区数量" in outcome.results[0].issues[0].message
    assert "（督办编号2024Q3-03-1，整改时限2024年10月25日）所在行" in outcome.results[0].issues[0].message
    outcome = compared(demo, spoiled(demo, tmp_path, lambda wb: wb.remove(wb[SHEET])))
    assert ledger_issues(outcome) == [["rectification-sheet-missing", "error", SHEET, ""]]
    assert "本行动有1项督办事项待整改（2024Q3-03-1“建设绿色园区数量" in outcome.results[0].issues[0].message


def test_a_closed_items_number_is_a_warning_not_a_lost_report(demo, tmp_path):
    def edit(wb):
        ws = wb[SHEET]
        for col, value in ((1, "2025Q1-03-1"), (2, "绿色供应链"), (9, "已完成")):
            ws.cell(5, col).value = value

    outcome = compared(demo, spoiled(demo, tmp_path, edit))
    assert ledger_issues(outcome) == [["rectification-closed", "warning", SHEET, "A5"]]
    assert "已于2025年第二季度销号" in outcome.results[0].issues[0].message


def test_without_earlier_inputs_nothing_is_claimed_and_the_quarter_is_noted(demo, tmp_path):
    outcome = compared(demo, spoiled(demo, tmp_path, lambda wb: wb.remove(wb[SHEET])), inputs=tmp_path / "nothing")
    assert ledger_issues(outcome) == [] and outcome.not_compared == (Q3,)


def run_check(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", "check", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_check_command_compares_with_the_ledger_of_the_inputs_named(demo, tmp_path):
    root, _, _ = demo
    path = spoiled(demo, tmp_path, lambda wb: setattr(wb[SHEET]["A4"], "value", "2024Q3-03-9"))
    shutil.copy(root / "inputs" / "plan.toml", tmp_path / "plan.toml")
    done = run_check(tmp_path, str(path), "--inputs", str(root / "inputs"), "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    issues = json.loads(done.stdout)
    assert [(i["sheet"], i["cell"], i["severity"]) for i in issues if i["code"] == "rectification-changed"] == [
        (SHEET, "A4", "error")]
    # no inputs at hand (a clerk checking on his own PC): no error, a note that it was not compared
    alone = run_check(tmp_path, str(path), "--inputs", str(tmp_path / "没有"), "--plan", str(tmp_path / "plan.toml"))
    assert alone.returncode == 0, alone.stdout + alone.stderr
    said = alone.stdout.replace("\n", "")   # the console wraps long lines
    assert "本次未核对“整改落实”表" in said and "督办编号" not in said
    assert "Traceback" not in alone.stdout + alone.stderr


def test_portal_upload_check_names_the_same_cell(demo, tmp_path):
    from yc_reports.portal.service import Portal

    root, registry, _ = demo
    data_dir = tmp_path / "data"
    for quarter in ("2024Q3", "2024Q4", "2025Q1", "2025Q2"):
        shutil.copytree(root / "inputs" / quarter, data_dir / "inputs" / quarter)
    portal = Portal(data_dir, registry)
    portal.office.open_quarter(Q3, dt.date(2025, 10, 10))
    path = spoiled(demo, tmp_path, lambda wb: setattr(wb[SHEET]["A4"], "value", "2024Q3-03-9"))
    record = portal.submissions.submit("市经信局", 3, path.read_bytes(), path.name)
    assert not record.accepted
    assert [(i.sheet, i.cell) for i in record.issues if i.code.value == "rectification-changed"] == [(SHEET, "A4")]
