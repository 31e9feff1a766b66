"""`yc-reports check`: what a unit sees, run as the real command in a subprocess; and the file discovery."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from factory import REGISTRY, clean_fill, write_filled
from yc_reports.cli.check_output import print_check_results, summary_line
from yc_reports.intake.discovery import check_paths, discover
from yc_reports.issues import flatten


def run_check(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yc_reports.cli", "check", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def spoiled_fill():
    return dataclasses.replace(clean_fill(3), phone="", values={**clean_fill(3).values, "green_factories": "约8家"})


def test_clean_workbook_exits_0_with_a_chinese_verdict(tmp_path):
    write_filled(tmp_path, 3, name="经信局.xlsx")
    done = run_check(tmp_path, "经信局.xlsx")
    assert done.returncode == 0, done.stderr
    assert "共校验 1 份工作簿：1 份无误，0 份有错误；错误 0 处，警告 0 处。" in done.stdout
    assert "全部通过校验，可以报送。" in done.stdout
    assert done.stderr == ""


def test_workbook_with_errors_exits_1_and_names_sheet_and_cell(tmp_path):
    write_filled(tmp_path, 3, fill=spoiled_fill(), name="经信局.xlsx")
    done = run_check(tmp_path, "经信局.xlsx")
    assert done.returncode == 1, done.stdout + done.stderr
    for text in ("文件", "位置", "级别", "问题说明", "基本信息!B7", "指标进展!H5", "错误", "“约8家”不是有效数值"):
        assert text in done.stdout, text
    assert "1 份有错误；错误 2 处" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_missing_path_exits_2(tmp_path):
    done = run_check(tmp_path, "不存在.xlsx")
    assert done.returncode == 2
    assert "找不到文件或文件夹：不存在.xlsx" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_json_lists_every_issue_with_the_fixed_fields(tmp_path):
    write_filled(tmp_path, 3, fill=spoiled_fill(), name="经信局.xlsx")
    done = run_check(tmp_path, "--json", "经信局.xlsx")
    assert done.returncode == 1
    issues = json.loads(done.stdout)
    assert [{k: i[k] for k in ("severity", "file", "sheet", "cell", "code")} for i in issues] == [
        {"severity": "error", "file": "经信局.xlsx", "sheet": "基本信息", "cell": "B7", "code": "value-required"},
        {"severity": "error", "file": "经信局.xlsx", "sheet": "指标进展", "cell": "H5", "code": "number-invalid"},
    ]
    assert all(set(i) >= {"severity", "file", "sheet", "cell", "code", "message"} for i in issues)
    assert issues[1]["message"].startswith("“约8家”不是有效数值")


def test_json_of_a_clean_workbook_is_an_empty_list(tmp_path):
    write_filled(tmp_path, 3, name="a.xlsx")
    done = run_check(tmp_path, "--json", "a.xlsx")
    assert (done.returncode, json.loads(done.stdout)) == (0, [])


def test_one_bad_workbook_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "收件"
    write_filled(folder, 3, name="a_经信局.xlsx")
    broken = write_filled(folder, 4, name="b_科技局.xlsx")
    broken.write_bytes(broken.read_bytes()[:3000])
    write_filled(folder, 10, name="c_文旅局.xlsx")
    (folder / "d_旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    done = run_check(tmp_path, "--json", "收件")
    assert done.returncode == 1
    issues = json.loads(done.stdout)
    assert [(i["file"], i["code"], i["severity"]) for i in issues] == [
        (str(Path("收件") / "b_科技局.xlsx"), "file-unreadable", "error"),
        (str(Path("收件") / "d_旧表.xls"), "stray-file", "warning"),
    ]
    table = run_check(tmp_path, "收件")
    assert "共校验 3 份工作簿：2 份无误，1 份有错误；错误 1 处，警告 1 处。" in table.stdout


def test_paths_in_issues_are_as_given_or_joined_to_the_folder(tmp_path):
    sub = tmp_path / "sub"
    write_filled(sub, 3, fill=spoiled_fill(), name="x.xlsx")
    named = check_paths([sub / "x.xlsx"], REGISTRY).results
    assert {i.file for r in named for i in r.issues} == {str(sub / "x.xlsx")}
    in_folder = check_paths([sub], REGISTRY).results
    assert {i.file for r in in_folder for i in r.issues} == {str(sub / "x.xlsx")}


# ------------------------------------------------------------------------------------- discovery


def test_discovery_in_a_folder(tmp_path):
    write_filled(tmp_path, 3, name="b.xlsx")
    write_filled(tmp_path, 4, name="a.XLSX")
    for name in ("~$b.xlsx", "旧.xls", "宏.xlsm", "数据.csv", "说明.docx", ".~lock.b.xlsx#", ".DS_Store", "plan.toml",
                 "document.toml"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "templates").mkdir()
    found = discover([tmp_path])
    assert [p.name for p in found.workbooks] == ["a.XLSX", "b.xlsx"]
    assert [(Path(i.file).name, i.code.value, i.severity.value) for i in found.issues] == [
        ("~$b.xlsx", "stray-file", "warning"), ("宏.xlsm", "stray-file", "warning"),
        ("数据.csv", "stray-file", "warning"), ("旧.xls", "stray-file", "warning"),
        ("说明.docx", "stray-file", "warning")]
    xls = next(i for i in found.issues if i.file.endswith(".xls"))
    assert "另存为" in xls.message and ".xlsx" in xls.message


def test_a_file_named_explicitly_is_always_read(tmp_path):
    xls = tmp_path / "旧.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert discover([xls]).workbooks == (xls,)
    results = check_paths([xls], REGISTRY).results
    assert flatten(results[0].issues, ["code", "file"]) == [["file-legacy-xls", str(xls)]]


def test_the_same_file_given_twice_is_read_once(tmp_path):
    path = write_filled(tmp_path, 3, name="a.xlsx")
    assert discover([path, tmp_path, path]).workbooks == (path,)


# ------------------------------------------------------------------------------------- the printed table


def _printed(checked) -> str:
    console = Console(record=True, width=200, color_system=None)
    print_check_results(console, checked.results, checked.choices)
    return console.export_text()


def test_summary_counts_workbooks_errors_and_warnings(tmp_path):
    write_filled(tmp_path, 3, name="a.xlsx")
    write_filled(tmp_path, 4, name="b.xlsx")
    write_filled(tmp_path, 5, fill=dataclasses.replace(clean_fill(5), filler="", phone=""), name="c.xlsx")
    (tmp_path / "d.csv").write_text("x", encoding="utf-8")
    results = check_paths([tmp_path], REGISTRY)
    assert summary_line(results.results) == "共校验 3 份工作簿：2 份无误，1 份有错误；错误 2 处，警告 1 处。"
    text = _printed(results)
    assert "请按“问题说明”修改后重新校验。" in text and "基本信息!B6" in text


def test_warnings_only_may_be_sent(tmp_path):
    fill = clean_fill(3)
    path = write_filled(tmp_path, 3, fill=dataclasses.replace(
        fill, values={**fill.values, "green_factories": None}), name="a.xlsx")
    text = _printed(check_paths([path], REGISTRY))
    assert "警告" in text and "未发现错误，可以报送；请核实上述警告事项。" in text


def test_nothing_to_check_says_so(tmp_path):
    (tmp_path / "a.csv").write_text("x", encoding="utf-8")
    text = _printed(check_paths([tmp_path], REGISTRY))
    assert "未找到可校验的工作簿（.xlsx）。警告 1 处。" in text



def probe_modules(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `yc-reports ARGS`; stderr ends with the heavy packages and analysis modules it imported, and
    whether the garbage collector was on at the end."""
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', "
             "'openpyxl', 'matplotlib', 'docx', 'numpy', 'fastapi'}) + sorted(m for m in sys.modules "
             "if m.startswith('yc_reports.analysis')), gc.isenabled(), file=sys.stderr))\n"
             f"sys.argv = ['yc-reports', *{list(args)!r}]\n"
             "from yc_reports.cli import main\n"
             "main()\n")
    return subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def test_check_loads_neither_pydantic_nor_the_writers(tmp_path):
    """A unit's check should answer at once (≤ 0.6 × a bare openpyxl load): once the plan has
    been validated (first run), a check imports no schema library, no workbook writer, no document or
    chart library and not the analysis; the collector stays off for it (see yc_reports.cli.main)."""
    write_filled(tmp_path, 3, name="经信局.xlsx")
    runs = [probe_modules(tmp_path, "check", "经信局.xlsx") for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[1].stderr.strip() == "[] False"
    assert "全部通过校验，可以报送。" in runs[1].stdout


def test_every_other_command_runs_with_the_collector_on(tmp_path):
    done = probe_modules(tmp_path, "templates", "2025Q3", "--out", "模板")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith(" True")
