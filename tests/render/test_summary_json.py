"""summary.json: the golden file for the fixture quarter, the fixed shape, numbers, and the field docs.

Regenerate the golden file after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_summary_json.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from report_fixtures import FIXTURE_QUARTER, fixture_quarter
from yc_reports.analysis.assemble import assemble_report
from yc_reports.analysis.history import history_from_submissions
from yc_reports.plan.registry import load_registry
from yc_reports.render.summary_json import figure, ratio, summary_dict, summary_text, write_summary_json

REGISTRY = load_registry()
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "summary_2025Q3.json"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "developers.md"  # every summary.json field is documented there
FILES = {
    "summary_report": "宜昌市降碳减污扩绿增长十大行动2025年第三季度推进情况通报.docx",
    "action_reports": [f"各行动报告/第{i:02d}项.docx" for i in range(1, 11)],
    "workbook": "汇总表.xlsx",
}


@pytest.fixture(scope="module")
def report():
    current, history, stray = fixture_quarter(REGISTRY)
    return assemble_report(REGISTRY, FIXTURE_QUARTER, current, history_from_submissions(FIXTURE_QUARTER, history),
                           extra_issues=stray)


def test_golden_summary(report):
    text = summary_text(report, FILES)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "summary.json changed; UPDATE_GOLDEN=1 to accept"


def test_shape_fixed_by_the_product(report):
    data = summary_dict(report, FILES)
    assert list(data)[:2] == ["quarter", "time_progress"]
    assert {"quarter", "time_progress", "actions", "issues", "files"} <= set(data)
    assert (data["quarter"], data["time_progress"]) == ("2025Q3", 0.75)
    assert len(data["actions"]) == 10
    for action in data["actions"]:
        assert list(action)[:6] == ["id", "name", "lead_units", "submitted", "light", "indicators"]
        assert action["light"] in ("green", "yellow", "red", "grey")
        for ind in action["indicators"]:
            assert list(ind)[:6] == ["name", "unit", "target", "actual", "completion", "status"]
            # null: a target not yet set (待下达) or an annual figure not yet due carries no status (second version)
            assert ind["status"] in ("ahead", "on_track", "watch", "lagging", "met", "not_met", "no_data", None)
            assert isinstance(ind["current"], bool)
        assert isinstance(action["data_complete"], bool)
        assert ("grey_reason" in action) == (action["light"] == "grey")
        if action["light"] == "grey":
            assert action["grey_reason"] in ("not_submitted", "no_valid_data")
    for issue in data["issues"]:
        assert {"severity", "file", "sheet", "cell", "code", "message"} <= set(issue)
        assert issue["severity"] in ("error", "warning")
    assert data["files"] == {"summary_report": FILES["summary_report"], "action_reports": FILES["action_reports"],
                             "workbook": "汇总表.xlsx", "pdfs": []}


def test_action_eight_in_figures(report):
    eight = summary_dict(report, FILES)["actions"][7]
    assert eight["lead_units"] == ["人行市中心支行", "市地方金融工作局"]
    growth, scale = eight["indicators"]
    # the 2023 growth target has expired in 2025: a stage result judged only on the 2023Q4 figure, which the
    # fixture's history does not have — 无当年数据 (third version), never this quarter's 15
    assert (growth["target"], growth["actual"], growth["completion"], growth["status"], growth["target_year"],
            growth["current"], growth["judged_on"], growth["figure"], growth["status_label"]) == (
        20, None, None, "no_data", 2023, False, None, "no_year_figure", "无当年数据")
    # the 2020 baseline is not filled in: no target, no status (null)
    assert (scale["target"], scale["actual"], scale["status"], scale["time_progress"]) == (None, 13800, None, None)
    assert (scale["previous"], scale["last_year"], scale["qoq"]) == (1302, 1082, 9.5991)


def test_numbers():
    assert figure(Decimal("12")) == 12 and isinstance(figure(Decimal("12.00")), int)
    assert figure(Decimal("22.40")) == 22.4 and figure(None) is None
    assert ratio(Fraction(2, 3)) == 0.6667
    assert ratio(Fraction(15, 16)) == 0.9375
    assert ratio(Fraction(1, 200000)) == 0.0 and str(ratio(Fraction(-1, 200000))) == "0.0"
    assert ratio(Fraction(-1300, 48), 1) == -27.1
    assert ratio(Fraction(5, 100000), 4) == 0.0001   # half up, exactly


def test_written_file_is_utf8_and_deterministic(report, tmp_path: Path):
    a = write_summary_json(report, FILES, tmp_path / "a.json").read_bytes()
    b = write_summary_json(report, FILES, tmp_path / "b.json").read_bytes()
    assert a == b
    assert "宜昌" in a.decode("utf-8") and b"\\u" not in a
    assert json.loads(a)["report_date"] == "2025-10-10"


def _keys(value, prefix=""):
    """Every field path: actions[].indicators[].gap_points, files.workbook, …"""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield f"{prefix}{key}"
            yield from _keys(inner, f"{prefix}{key}.")
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            yield from _keys(item, prefix[:-1] + "[].")


def test_every_field_is_documented(report):
    readme = DOCS.read_text(encoding="utf-8")
    section = readme[readme.index("## `summary.json`"):readme.index("## Tests")]
    documented = set(re.findall(r"^\|\s*`([^`]+)`", section, flags=re.M))
    fields = set(_keys(summary_dict(report, FILES)))
    assert fields - documented == set()
    assert documented - fields == set()
