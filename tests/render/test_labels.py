"""The one wording layer reaches every short label: charts, 汇总表 and the check table take their words from
templates/labels.j2 (the office's inputs/templates/ copy first), and no Chinese literal is left in their code."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from yc_reports.pipeline.build import WORKBOOK_NAME, build_quarter
from yc_reports.pipeline.demo import create_demo_inputs
from yc_reports.plan.registry import resolve_registry
from yc_reports.render.wording import default_template_dir

PACKAGE = Path(__file__).resolve().parents[2] / "yc_reports"
LABELLED = ("render/charts.py", "render/evaluation_charts.py", "render/summary_xlsx.py", "cli/check_output.py")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def office_labels(edits: dict[str, str]) -> str:
    text = (default_template_dir() / "labels.j2").read_text(encoding="utf-8")
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def office_build(tmp_path_factory):
    """The demo quarter built with the office's own labels.j2: a caption, a legend word and a column header
    changed."""
    root = tmp_path_factory.mktemp("office")
    demo = create_demo_inputs(root)
    templates = root / "inputs" / "templates"
    templates.mkdir()
    (templates / "labels.j2").write_text(office_labels({
        "图1  {{ q.label }}各项指标完成率与时序进度的差距": "图1  {{ q.label }}各项指标完成情况对照时序进度",
        "与时序进度的差距（个百分点）{%- endmacro -%}": "偏离时序进度（个百分点）{%- endmacro -%}",
        '"actual": "截至本季度末完成值"': '"actual": "本季度末累计完成值"',
        '"submission": "报送情况"': '"submission": "报送状态"',
        "time_progress() -%}时序进度{%-": "time_progress() -%}序时进度{%-",
    }), encoding="utf-8")
    registry = resolve_registry(None, root / "inputs")
    out = root / "outputs" / str(demo.latest)
    result = build_quarter(registry, demo.latest, root / "inputs" / str(demo.latest), out)
    assert result.ok, result.error
    return out


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_office_label_reaches_the_chart_caption_and_alt_text(office_build):
    (summary,) = office_build.glob("*通报.docx")
    assert "图1  2025年第三季度各项指标完成情况对照时序进度" in document_xml(summary)   # the caption
    (green_manufacturing,) = (office_build / "各行动报告").glob("第03项_*.docx")
    alt = re.findall(r'descr="([^"]*)"', document_xml(green_manufacturing))
    assert "图：建设绿色制造体系各指标完成率与序时进度。" in [a.split("。")[0] + "。" for a in alt]
    assert not any("与时序进度。" in a for a in alt)


def test_office_label_reaches_the_summary_workbook_headers(office_build):
    wb = openpyxl.load_workbook(office_build / WORKBOOK_NAME)
    headers = [c.value for c in wb["指标明细"][1]]
    assert "本季度末累计完成值" in headers and "截至本季度末完成值" not in headers
    assert "报送状态" in [c.value for c in wb["报送情况"][1]]
    assert wb["总览"]["A1"].value == "序号"                             # unchanged labels stay as shipped


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module except docstrings (module, class, function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("module", LABELLED)
def test_no_chinese_literal_left_in_the_labelled_modules(module):
    found = [(line, text) for line, text in string_literals(PACKAGE / module) if CJK.search(text)]
    assert found == [], f"{module}: words belong in templates/labels.j2: {found}"


def test_the_literal_scan_sees_chinese_in_code_and_not_in_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""模块说明"""\n\n\ndef f():\n    """函数说明"""\n    return f"第{1}项" + "x"  # 注释\n',
                      encoding="utf-8")
    assert [text for _, text in string_literals(sample) if CJK.search(text)] == ["第", "项"]
