"""`yc-reports demo` never deletes or overwrites a file it did not write itself.

It knows its own files by their content: the bytes this run makes (the demo is deterministic), or the sha256
an earlier run recorded in inputs/.yc-reports-demo — never by a file's name or a marker. A folder holding
anything else (the units' real submissions, the office's plan, last quarter's issued reports) is refused
whole, in Chinese, with every file left as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from heldfiles import tree
from yc_reports.pipeline.demo import MANIFEST, DemoRefused, create_demo_inputs


def run_demo(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", "demo"], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def no_leftovers(root: Path) -> bool:
    return not [p for p in root.rglob(".*") if p.name.startswith(".yc-reports-demo-") or ".building-" in p.name]


@pytest.fixture
def submissions(demo_build, tmp_path) -> Path:
    """A folder of real submissions: the demo's workbooks as units send them back, with their own figures."""
    import openpyxl

    root = tmp_path / "办公室"
    shutil.copytree(demo_build.root / "inputs", root / "inputs")
    (root / "inputs" / MANIFEST).unlink()
    for path in sorted((root / "inputs" / "2025Q3").glob("*.xlsx"))[:3]:
        wb = openpyxl.load_workbook(path)
        wb["填报说明"]["A1"].value = "本单位修改过的工作簿"
        wb.save(path)
    return root


def test_demo_over_real_submissions_changes_nothing(submissions):
    before = tree(submissions)
    result = run_demo(submissions)
    assert result.returncode == 2
    message = "".join(result.stderr.split())
    assert "不是示例程序写出的文件" in message and "不会覆盖或删除" in message and "本次未改动任何文件" in message
    assert "2025Q3_第01项" in message          # the files are named
    assert "yc-reportsdemo--root" in message    # and what to do instead (spaces removed above)
    assert tree(submissions) == before
    assert no_leftovers(submissions)


def test_an_edited_demo_workbook_is_the_offices_now(tmp_path):
    create_demo_inputs(tmp_path)
    edited = sorted((tmp_path / "inputs" / "2025Q3").glob("*.xlsx"))[0]
    edited.write_bytes(edited.read_bytes() + b"\0")    # any change of content: no longer the demo's
    before = tree(tmp_path)
    with pytest.raises(DemoRefused, match=re.escape(edited.name)):
        create_demo_inputs(tmp_path)
    assert tree(tmp_path) == before


def test_a_plan_the_office_edited_is_never_overwritten(tmp_path):
    create_demo_inputs(tmp_path)
    plan = tmp_path / "inputs" / "plan.toml"
    plan.write_text(plan.read_text("utf-8").replace("宜昌市", "宜昌市 ", 1), encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(DemoRefused, match=r"plan\.toml"):
        create_demo_inputs(tmp_path)
    assert tree(tmp_path) == before


def test_a_unit_file_with_the_demos_name_is_not_deleted(tmp_path):
    """The first versions deleted every <Q>_第*项_*.xlsx of a folder the demo had run in: a name proves nothing."""
    create_demo_inputs(tmp_path)
    sent = tmp_path / "inputs" / "2025Q3" / "2025Q3_第11项_新增行动_市生态环境局.xlsx"
    sent.write_bytes(b"a unit's workbook")
    with pytest.raises(DemoRefused, match=re.escape(sent.name)):
        create_demo_inputs(tmp_path)
    assert sent.read_bytes() == b"a unit's workbook"


def test_a_rerun_replaces_and_removes_only_what_an_earlier_run_wrote(tmp_path):
    first = create_demo_inputs(tmp_path)
    inputs = first.inputs_root
    # what an earlier version of the demo wrote and recorded: a file this version no longer writes
    old = inputs / "2025Q3" / "2025Q3_第99项_旧版示例_示例单位.xlsx"
    old.write_bytes(b"an earlier demo's workbook")
    manifest = json.loads((inputs / MANIFEST).read_text("utf-8"))
    manifest["yc-reports demo"]["inputs/2025Q3/" + old.name] = hashlib.sha256(old.read_bytes()).hexdigest()
    (inputs / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")
    (inputs / "desktop.ini").write_bytes(b"[.ShellClassInfo]")   # Windows Explorer's own file: left alone
    before = {k: v for k, v in tree(tmp_path).items() if old.name not in k and MANIFEST not in k}
    create_demo_inputs(tmp_path)
    assert not old.exists()
    after = {k: v for k, v in tree(tmp_path).items() if MANIFEST not in k}
    assert after == before
    assert (inputs / "desktop.ini").read_bytes() == b"[.ShellClassInfo]"


def test_the_offices_reports_in_the_output_folder_are_not_replaced(tmp_path):
    issued = tmp_path / "outputs" / "2025Q3" / "宜昌市降碳减污扩绿增长十大行动2025年第三季度推进情况通报.docx"
    issued.parent.mkdir(parents=True)
    issued.write_bytes(b"the report the office issued")
    (tmp_path / "outputs" / "2025Q3" / "templates").mkdir()
    result = run_demo(tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert issued.name in "".join(result.stderr.split())
    assert issued.read_bytes() == b"the report the office issued"
    assert not (tmp_path / "inputs").exists()          # refused before a single input was written
    assert no_leftovers(tmp_path)


def test_demo_runs_again_over_its_own_files(demo_build, tmp_path):
    """Outputs of the same demo (the session's build: same bytes) and its manifest: the rerun goes through."""
    for part in ("inputs", "outputs"):
        shutil.copytree(demo_build.root / part, tmp_path / part)
    (tmp_path / "outputs" / "2025Q3" / "templates").mkdir()
    (tmp_path / "outputs" / "2025Q3" / "templates" / "单位回传.xlsx").write_bytes(b"kept folder")
    again = run_demo(tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "outputs" / "2025Q3" / "templates" / "单位回传.xlsx").read_bytes() == b"kept folder"
    manifest = json.loads((tmp_path / "inputs" / MANIFEST).read_text("utf-8"))["yc-reports demo"]
    assert "outputs/2025Q3/summary.json" in manifest and "inputs/plan.toml" in manifest
    assert no_leftovers(tmp_path)
