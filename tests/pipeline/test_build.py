"""`build_quarter` end to end on real workbooks (written by the template writer, filled as a unit would).

Most tests replace the Word composer with a small stand-in (`fake_reports`) so they test the build's own
job — discovery, history, assembly, staging and the atomic swap — quickly; `test_build_with_the_real_reports`
runs the real composer once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
import types
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

import factory
import yc_reports.render
from yc_reports import outfiles
from yc_reports.analysis.model import Light
from yc_reports.intake import cache as C
from yc_reports.pipeline import build as B
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.workbook.fill import TaskUpdate

REGISTRY = load_registry()
Q = Quarter(2025, 3)


@dataclass(frozen=True)
class FakeReportFiles:
    summary_report: Path | None
    action_reports: tuple[Path, ...] = ()
    extra: tuple[Path, ...] = ()


def fake_write_reports(report, out_dir: Path, *, pdf: bool = False, settings=None, wording=None,
                       run_jobs=None) -> FakeReportFiles:
    out_dir = Path(out_dir)
    (out_dir / "各行动报告").mkdir()
    summary = out_dir / "通报.docx"
    summary.write_bytes(f"{report.quarter}".encode())
    actions = []
    for a in report.actions:
        path = out_dir / "各行动报告" / f"第{a.action.id:02d}项.docx"
        path.write_bytes(a.light.value.encode())
        actions.append(path)
    return FakeReportFiles(summary, tuple(actions))


@pytest.fixture()
def fake_reports(monkeypatch):
    """Stand in for yc_reports.render.reports (the Word composer), whatever state that module is in."""
    module = types.ModuleType("yc_reports.render.reports")
    module.write_reports = fake_write_reports
    monkeypatch.setitem(sys.modules, "yc_reports.render.reports", module)
    monkeypatch.setattr(yc_reports.render, "reports", module, raising=False)
    return module


def fill(action_id: int, **values):
    base = factory.clean_fill(action_id)
    typed = {k: Decimal(str(v)) for k, v in values.items()}
    return dataclasses.replace(base, values={**base.values, **typed})


def write(folder: Path, quarter: str, action_id: int, the_fill=None, name: str | None = None) -> Path:
    path = folder / (name or f"{quarter}_第{action_id:02d}项.xlsx")
    return factory.save(factory.filled(action_id, quarter, the_fill or factory.clean_fill(action_id)), path)


@pytest.fixture(scope="module")
def pristine_inputs(tmp_path_factory) -> Path:
    """inputs/2025Q2 (history for 第三项) and inputs/2025Q3 with nine actions (第六项 missing)."""
    inputs = tmp_path_factory.mktemp("pristine") / "inputs"
    write(inputs / "2025Q2", "2025Q2", 3, fill(3, green_factories=7))
    for action in REGISTRY.actions:
        if action.id != 6:
            write(inputs / "2025Q3", "2025Q3", action.id)
    return inputs


@pytest.fixture()
def root(tmp_path: Path, pristine_inputs: Path) -> Path:
    shutil.copytree(pristine_inputs, tmp_path / "inputs")
    return tmp_path


def run(root: Path, out: str = "outputs/2025Q3", **kwargs) -> B.BuildResult:
    return B.build_quarter(REGISTRY, Q, root / "inputs" / "2025Q3", root / out, **kwargs)


def tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------ the happy path


def test_build_writes_reports_workbook_and_summary(root: Path, fake_reports):
    result = run(root)
    assert result.ok and result.error == ""
    out = root / "outputs" / "2025Q3"
    assert [p.relative_to(out).as_posix() for p in result.files] == (
        ["通报.docx"] + [f"各行动报告/第{i:02d}项.docx" for i in range(1, 11)] + ["汇总表.xlsx", "summary.json"])
    assert sorted(tree_hash(out)) == sorted(p.relative_to(out).as_posix() for p in result.files)
    data = json.loads((out / "summary.json").read_text("utf-8"))
    assert data["files"] == {"summary_report": "通报.docx",
                             "action_reports": [f"各行动报告/第{i:02d}项.docx" for i in range(1, 11)],
                             "workbook": "汇总表.xlsx", "pdfs": []}
    assert data["actions"][5]["light"] == "grey" and data["actions"][5]["submitted"] is False
    factories = data["actions"][2]["indicators"][1]
    assert (factories["actual"], factories["previous"], factories["qoq"]) == (8, 7, 0.1429)
    assert result.report.action(3).files == ("2025Q3_第03项.xlsx",)
    assert not list((root / "outputs").glob(".2025Q3.*"))   # no staging left behind


def test_missing_duplicate_wrong_quarter_and_stray_files(root: Path, fake_reports):
    folder = root / "inputs" / "2025Q3"
    write(folder, "2025Q3", 3, fill(3, green_factories=9), name="2025Q3_第03项（修改稿）.xlsx")
    write(folder, "2025Q2", 4, name="上季度第04项.xlsx")
    (folder / "~$2025Q3_第05项.xlsx").write_bytes(b"lock")
    (folder / "第七项.csv").write_text("a,b", encoding="utf-8")
    (folder / "第九项.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run(root)
    assert result.ok
    codes = [[i.code.value, i.file] for i in result.issues if i.code.value != "value-required"]
    assert ["not-submitted", ""] in codes
    assert ["duplicate-workbook", "2025Q3_第03项.xlsx"] in codes
    assert ["duplicate-workbook", "2025Q3_第03项（修改稿）.xlsx"] in codes
    assert ["template-other-quarter", "上季度第04项.xlsx"] in codes
    assert {"~$2025Q3_第05项.xlsx", "第七项.csv", "第九项.xls"} == {
        f for c, f in codes if c == "stray-file"}
    three = result.report.action(3)
    assert (three.light, three.data_pending, [r.kind.value for r in three.light_reasons]) == (Light.RED, True, ["duplicate"])
    [dup] = [i for i in result.issues if i.file == "2025Q3_第03项.xlsx" and i.code.value == "duplicate-workbook"]
    assert "2025Q3_第03项（修改稿）.xlsx" in dup.message
    assert result.report.action(4).files == ("2025Q3_第04项.xlsx",)   # the other-quarter file is not used
    assert result.report.action(6).light is Light.GREY
    [differ] = [i for i in result.issues if i.file == "2025Q3_第03项.xlsx" and i.code.value == "workbooks-differ"]
    assert (differ.sheet, differ.cell) == ("指标进展", "H5")
    assert "“8”" in differ.message and "“9”" in differ.message and "2025Q3_第03项（修改稿）.xlsx" in differ.message


def test_identical_copies_are_one_submission(root: Path, fake_reports):
    folder = root / "inputs" / "2025Q3"
    shutil.copy(folder / "2025Q3_第03项.xlsx", folder / "2025Q3_第03项 - 副本.xlsx")
    result = run(root)
    three = result.report.action(3)
    assert three.files == ("2025Q3_第03项.xlsx",)
    assert not three.data_pending and all(r.kind.value != "duplicate" for r in three.light_reasons)
    [copy] = [i for i in result.issues if i.code.value == "identical-copy"]
    assert (copy.file, copy.severity.value) == ("2025Q3_第03项 - 副本.xlsx", "warning")
    assert "“2025Q3_第03项.xlsx”" in copy.message
    assert not [i for i in result.issues if i.code.value == "duplicate-workbook"]


def test_subfolder_workbook_is_read(root: Path, fake_reports):
    folder = root / "inputs" / "2025Q3"
    (folder / "市经信局").mkdir()
    shutil.move(folder / "2025Q3_第03项.xlsx", folder / "市经信局" / "报送.xlsx")
    result = run(root)
    three = result.report.action(3)
    assert three.submitted and three.files == ("市经信局/报送.xlsx",)
    assert three.light is not Light.GREY


def test_co_lead_units_sending_the_same_file_is_one_submission(root: Path, fake_reports):
    folder = root / "inputs" / "2025Q3"
    sent = write(root / "sent", "2025Q3", 6)
    for unit in ("市交通运输局", "市发改委"):
        (folder / unit).mkdir()
        shutil.copy(sent, folder / unit / "第六项.xlsx")
    result = run(root)
    six = result.report.action(6)
    assert six.submitted and not six.data_pending
    assert six.files == ("市发改委/第六项.xlsx",)
    assert [i.file for i in result.issues if i.code.value == "identical-copy"] == ["市交通运输局/第六项.xlsx"]


def test_progress_reports_each_stage(root: Path, fake_reports):
    seen = []
    run(root, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "读取本季度工作簿" and ("读取本季度工作簿", 9, 9) in seen
    assert ("读取往期数据", 1, 1) in seen and ("生成报告", 1, 1) in seen and seen[-1] == ("生成汇总表", 1, 1)


# ------------------------------------------------------------------------------------ whole or nothing


def test_rebuild_replaces_outputs_but_keeps_templates(root: Path, fake_reports):
    out = root / "outputs" / "2025Q3"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "模板.xlsx").write_bytes(b"template")
    (out / "上次遗留.txt").write_text("old", encoding="utf-8")
    assert run(root).ok
    assert (out / "templates" / "模板.xlsx").read_bytes() == b"template"
    assert not (out / "上次遗留.txt").exists()
    assert (out / "summary.json").is_file()


def test_failed_build_leaves_previous_outputs_intact(root: Path, fake_reports, monkeypatch):
    out = root / "outputs" / "2025Q3"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "模板.xlsx").write_bytes(b"template")
    assert run(root).ok
    before = tree_hash(out)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(fake_reports, "write_reports", broken)
    result = run(root)
    assert not result.ok and result.files == ()
    assert result.error.startswith("生成报告时出现程序内部错误，本次输出文件夹保持上次的结果。详细信息已记录在 ")
    assert "RuntimeError" not in result.error
    assert result.report is not None   # the checks still ran; only writing failed
    assert tree_hash(out) == before
    assert sorted(p.name for p in (root / "outputs").iterdir()) == [".cache", "2025Q3"]


def test_failure_after_the_reports_also_leaves_nothing(root: Path, fake_reports, monkeypatch):
    def broken(report, path, wording=None):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(B, "write_summary_workbook", broken)
    result = run(root)
    assert not result.ok and "未写出任何结果" in result.error
    assert sorted(p.name for p in (root / "outputs").iterdir()) == [".cache"]


def test_failed_swap_rolls_back(root: Path, fake_reports, monkeypatch):
    out = root / "outputs" / "2025Q3"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "模板.xlsx").write_bytes(b"template")
    assert run(root).ok
    before = tree_hash(out)
    real_rename = outfiles.os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".2025Q3.building-") and Path(dst) == out:
            raise OSError(13, "Permission denied")
        return real_rename(src, dst)

    monkeypatch.setattr(outfiles.os, "rename", rename)
    failed = run(root)
    assert not failed.ok and "请先关闭该文件后重试" not in failed.error and "未写出任何结果" in failed.error
    assert tree_hash(out) == before
    assert sorted(p.name for p in (root / "outputs").iterdir()) == [".cache", "2025Q3"]


def test_inputs_are_never_modified(root: Path, fake_reports):
    before = tree_hash(root / "inputs")
    assert run(root).ok and run(root).ok
    assert tree_hash(root / "inputs") == before


@pytest.mark.parametrize("out", ["inputs/2025Q3", "inputs/2025Q3/outputs", "."])
def test_outputs_inside_inputs_or_around_them_are_refused(root: Path, fake_reports, out: str):
    before = tree_hash(root / "inputs")
    result = run(root, out=out)
    assert not result.ok and "请另选输出文件夹" in result.error
    assert tree_hash(root / "inputs") == before


def test_quarter_outside_the_plan_and_missing_folder(root: Path, fake_reports):
    result = B.build_quarter(REGISTRY, Quarter(2026, 1), root / "inputs" / "2025Q3", root / "outputs" / "x")
    assert (result.ok, result.error) == (False, "2026年第一季度不在方案实施期（2022—2025年）内。")
    missing = B.build_quarter(REGISTRY, Q, root / "inputs" / "2025Q4", root / "outputs" / "x")
    assert not missing.ok and missing.error.startswith("找不到本季度工作簿文件夹")


# ------------------------------------------------------------------------------------ deterministic, cached


def test_two_builds_give_identical_bytes(root: Path, fake_reports):
    first = run(root, out="a/2025Q3")
    second = run(root, out="b/2025Q3")     # another cache: everything parsed afresh
    again = run(root, out="a/2025Q3")      # the same cache: everything from the cache
    for name in ("汇总表.xlsx", "summary.json"):
        data = (root / "a" / "2025Q3" / name).read_bytes()
        assert data == (root / "b" / "2025Q3" / name).read_bytes()
    assert first.report == second.report == again.report


def test_second_build_parses_nothing(root: Path, fake_reports, monkeypatch):
    assert run(root).ok
    calls = []
    real = C.safe_parse
    monkeypatch.setattr(C, "safe_parse", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert run(root).ok
    assert calls == []


def test_unit_text_that_looks_like_a_formula_stays_text(root: Path, fake_reports):
    tricky = {"green_parks": '=HYPERLINK("http://example.com","点击")', "green_products": "+86 0717",
              "green_factories": "-待核实", "green_supply_chains": "@SUM(A1)"}
    the_fill = dataclasses.replace(factory.clean_fill(3), notes=tricky,
                                   tasks={t.key: TaskUpdate("滞后", "", "=1+1") for t in REGISTRY.action(3).tasks})
    write(root / "inputs" / "2025Q3", "2025Q3", 3, the_fill)
    assert run(root).ok
    path = root / "outputs" / "2025Q3" / "汇总表.xlsx"
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(re.search(rb"<f[ >]", z.read(n)) for n in sheets)
    wb = openpyxl.load_workbook(path)
    notes = {row[3]: row[17] for row in wb["指标明细"].iter_rows(min_row=2, values_only=True) if row[0] == 3}
    assert notes == {"开发绿色产品数量": "+86 0717", "新增绿色工厂数量": "-待核实",
                     "建设绿色园区数量": '=HYPERLINK("http://example.com","点击")', "打造绿色供应链数量": "@SUM(A1)"}
    problems = [row[6] for row in wb["督办清单"].iter_rows(min_row=2, values_only=True) if row[1] == 3]
    assert "=1+1" in problems


# ------------------------------------------------------------------------------------ the terminal


def test_console_shows_lights_and_files(root: Path, fake_reports):
    from yc_reports.cli.build_output import print_build_result, run_with_progress

    console = Console(record=True, width=160, force_terminal=False)
    result = run_with_progress(console, REGISTRY, Q, root / "inputs" / "2025Q3", root / "outputs" / "2025Q3",
                               report_date=dt.date(2025, 10, 10), pdf=False)
    print_build_result(console, result)
    text = console.export_text()
    assert "六、推进综合交通绿色发展" in text and "未报送" in text
    assert "汇总表.xlsx" in text and "summary.json" in text
    assert re.search(r"绿灯\d+项，黄灯\d+项，红灯\d+项，未报送1项", text)


def test_console_table_speaks_in_the_offices_own_templates(root: Path, fake_reports):
    from yc_reports.cli.build_output import print_build_result
    from yc_reports.render.wording import default_template_dir, office_template_dir

    shipped = (default_template_dir() / "facts.j2").read_text("utf-8")
    assert shipped.count("未报送本季度调度数据") == 1
    office = office_template_dir(root / "inputs")
    office.mkdir()
    own = shipped.replace("未报送本季度调度数据", "本季度调度数据尚未报送办公室")
    (office / "facts.j2").write_text(own, "utf-8")
    result = run(root)
    assert result.ok, result.error
    shipped_console, office_console = Console(record=True, width=200), Console(record=True, width=200)
    print_build_result(shipped_console, result)
    print_build_result(office_console, result, root / "inputs")
    assert "未报送本季度调度数据" in shipped_console.export_text()
    text = office_console.export_text()
    assert "本季度调度数据尚未报送办公室" in text and "未报送本季度调度数据" not in text


def test_console_shows_the_error(root: Path, fake_reports, monkeypatch):
    from yc_reports.cli.build_output import print_build_result

    console = Console(record=True, width=160)
    print_build_result(console, B.BuildResult(ok=False, out_dir=root, error="找不到本季度工作簿文件夹：x"))
    assert "生成失败：找不到本季度工作簿文件夹：x" in console.export_text()


# ------------------------------------------------------------------------------------ with the real composer


def test_build_with_the_real_reports(root: Path):
    result = run(root)
    assert result.ok, result.error
    data = json.loads((root / "outputs" / "2025Q3" / "summary.json").read_text("utf-8"))
    assert data["files"]["summary_report"].endswith(".docx")
    assert len(data["files"]["action_reports"]) == 10
    for rel in [data["files"]["summary_report"], *data["files"]["action_reports"]]:
        assert (root / "outputs" / "2025Q3" / rel).is_file()


def test_the_offices_document_settings_beside_the_quarters_are_used(root: Path):
    (root / "inputs" / "document.toml").write_text(
        '[document]\nkind = "简报"\n[masthead]\nname = "{city}降碳减污扩绿增长十大行动专报"\n'
        '[colophon]\nprinter = "宜昌市发展和改革委员会"\n', encoding="utf-8")
    result = run(root)
    assert result.ok, result.error
    for document in (root / "outputs" / "2025Q3").glob("*.docx"):   # the 简报 (action reports carry no 报头)
        with zipfile.ZipFile(document) as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
        assert "宜昌市降碳减污扩绿增长十大行动专报" in xml      # placeholders filled from the plan
        assert "宜昌市发展和改革委员会" in xml                # 印发机关 as the office set it


def test_a_broken_document_settings_file_is_named_and_nothing_is_written(root: Path, fake_reports):
    assert run(root).ok
    before = tree_hash(root / "outputs" / "2025Q3")
    (root / "inputs" / "document.toml").write_text("[page]\ntop = \"三十七\"\n", encoding="utf-8")
    result = run(root)
    assert not result.ok
    assert "document.toml" in result.error
    assert tree_hash(root / "outputs" / "2025Q3") == before


def test_check_and_build_agree_on_every_file_of_a_mixed_folder(root: Path, fake_reports):
    from yc_reports.intake.discovery import check_paths
    from yc_reports.intake.selection import Use

    folder = root / "inputs" / "2025Q3"
    shutil.copy(folder / "2025Q3_第03项.xlsx", folder / "2025Q3_第03项 - 副本.xlsx")        # a copy
    write(folder / "市科技局", "2025Q3", 4, fill(4, rd_activity_coverage=90), name="第04项改.xlsx")  # differs
    write(folder, "2025Q2", 6, name="第06项.xlsx")                                          # another quarter
    (folder / "2025Q3_第05项.xlsx").rename(folder / "市水利和湖泊局.xlsx")                    # renamed
    result = run(root)
    checked = check_paths([folder], REGISTRY)
    by_name = {Path(f).relative_to(folder).as_posix(): c for f, c in checked.choices.items()}
    used_by_check = {n for n, c in by_name.items() if c.use is Use.USED}
    used_by_build = {f for a in result.report.actions if a.submitted and not a.data_pending for f in a.files}
    assert used_by_check == used_by_build
    pending = {f for a in result.report.actions if a.data_pending for f in a.files}
    assert {n for n, c in by_name.items() if c.use is Use.DUPLICATE} == pending == {
        "2025Q3_第04项.xlsx", "市科技局/第04项改.xlsx"}
    assert by_name["2025Q3_第03项 - 副本.xlsx"].use is Use.COPY
    assert by_name["第06项.xlsx"].use is Use.OTHER_QUARTER and result.report.action(6).light is Light.GREY
    assert by_name["市水利和湖泊局.xlsx"].use is Use.USED
    build_codes = {(i.file, i.code.value) for i in result.issues if i.file}
    check_codes = {(Path(i.file).relative_to(folder).as_posix(), i.code.value)
                   for r in checked.results for i in r.issues}
    assert check_codes <= build_codes   # the build says more only from the history (consistency warnings)
    assert ("2025Q3_第03项 - 副本.xlsx", "identical-copy") in check_codes
    assert ("第06项.xlsx", "template-other-quarter") in check_codes
