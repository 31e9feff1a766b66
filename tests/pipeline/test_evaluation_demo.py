"""终期评估 over the demo's quarters (2024Q3–2025Q4): its figures equal the 2025Q4 summary.json."""

import json

import docx
import openpyxl
import pytest

from yc_reports.analysis.evaluation import Outcome, TaskOutcome
from yc_reports.pipeline.build import build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.pipeline.evaluation import make_evaluation
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    root = tmp_path_factory.mktemp("evaluate-demo")
    create_demo_inputs(root)
    registry = load_registry(root / "inputs" / "plan.toml")
    result = make_evaluation(registry, root / "inputs", root / "outputs")
    assert result.ok, result.error
    built = build_quarter(registry, Quarter(2025, 4), root / "inputs" / "2025Q4", root / "outputs" / "2025Q4")
    assert built.ok, built.error
    summary = json.loads((root / "outputs" / "2025Q4" / "summary.json").read_text("utf-8"))
    return root, result.evaluation, summary


def test_final_outcomes_equal_the_2025q4_summary(evaluated):
    _, ev, summary = evaluated
    by_key = {i["key"]: i for a in summary["actions"] for i in a["indicators"]}
    final = [t for t in ev.targets if t.year == 2025 and t.outcome in (Outcome.MET, Outcome.NOT_MET)]
    assert len(final) == 14
    for t in final:
        s = by_key[t.indicator.key]
        figure = int(t.figure) if t.figure == t.figure.to_integral_value() else float(t.figure)
        assert (figure, float(t.target), t.outcome.value) == (s["actual"], float(s["target"]), s["status"])


def test_lights_of_the_last_quarter_equal_the_summary_and_earlier_quarters_are_blank(evaluated):
    _, ev, summary = evaluated
    assert ev.quarters[0] == Quarter(2022, 1) and len(ev.quarters) == 16
    assert [row[-1].value for _, row in ev.lights] == [a["light"] for a in summary["actions"]]
    assert all(light is None for _, row in ev.lights for light in row[:10])   # no inputs before 2024Q3
    third = dict((a.id, row) for a, row in ev.lights)[3]
    assert [light.value for light in third[10:]] == ["red", "yellow", "red", "red", "red", "red"]


def test_tasks_on_time_late_and_unfinished(evaluated):
    _, ev, _ = evaluated
    by_content = {t.content: t for t in ev.tasks}
    sub_centre = next(t for c, t in by_content.items() if c.startswith("联结长江中上游"))
    assert (sub_centre.outcome, sub_centre.done_in) == (TaskOutcome.LATE, Quarter(2025, 4))   # due 2023-12-31
    park = next(t for c, t in by_content.items() if c.startswith("加快建设屈原文化公园"))
    assert park.outcome is TaskOutcome.UNFINISHED
    assert ev.count(TaskOutcome.ON_TIME) + ev.count(TaskOutcome.LATE) + ev.count(TaskOutcome.UNFINISHED) \
        + ev.count(TaskOutcome.DONE_EARLIER) == len(ev.tasks) == 22


def test_documents_written_with_the_grid_and_trends(evaluated):
    root, _, _ = evaluated
    folder = root / "outputs" / "终期评估_2022-2025"
    [report] = folder.glob("*.docx")
    document = docx.Document(report)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "已完成7项、未完成7项" in text and "2025Q4" not in text
    assert len(document.inline_shapes) == 1 + 19          # the lights grid and one trend per indicator
    wb = openpyxl.load_workbook(next(folder.glob("*.xlsx")))
    assert wb.sheetnames == ["目标完成", "亮灯", "重点任务", "季度数值"]
    assert wb["亮灯"].cell(1, 3).value == "2022年第一季度"


def test_2025q4_ledger_closes_the_task_item_and_keeps_the_overdue_ones(evaluated):
    # 第七项 finishes its 2023 task in 2025Q4 and reports 2024Q3-07-1 已完成 in its 整改落实 sheet
    _, _, summary = evaluated
    states = {i["id"]: (i["state"], i["closed_in"]) for i in summary["supervision"]}
    assert states["2024Q3-07-1"] == ("closed", "2025Q4")
    assert states["2024Q3-03-1"] == ("overdue", None) and states["2024Q3-09-2"] == ("overdue", None)
    assert states["2024Q3-09-1"] == ("closed", "2025Q3")      # 第九项 reported it done in 2025Q3
    new = [i for i in summary["supervision"] if i["since"] == "2025Q4"]
    assert new and all(i["state"] == "open" and i["deadline"] == "2026-01-25" for i in new)


def test_outcome_cells_wear_the_lights_print_safe_fills(evaluated):
    """已完成 / 未完成 in the 终期评估's tables are filled as the 通报's lights are (render/palette.py: grey
    levels 182 and 133 under black text), not in colours of their own."""
    from docx.oxml.ns import qn

    from yc_reports.analysis.model import Light
    from yc_reports.render.palette import LIGHT_STYLES

    root, _, _ = evaluated
    [report] = (root / "outputs" / "终期评估_2022-2025").glob("*.docx")
    fills: dict[str, set[str]] = {}
    for table in docx.Document(report).tables:
        for row in table.rows:
            cell = row.cells[-1]
            shading = cell._tc.find(".//" + qn("w:shd"))
            if cell.text in ("已完成", "未完成", "逾期未完成", "逾期完成") and shading is not None:
                fills.setdefault(cell.text, set()).add(shading.get(qn("w:fill")))
    assert fills["已完成"] == {LIGHT_STYLES[Light.GREEN].fill}
    assert fills["未完成"] == {LIGHT_STYLES[Light.RED].fill}
    assert fills.get("逾期未完成", set()) | fills.get("逾期完成", set()) <= {LIGHT_STYLES[Light.RED].fill}
