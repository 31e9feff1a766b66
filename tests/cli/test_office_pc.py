"""Every command as it runs on an office's Windows PC (Linux stand-ins: Windows itself is not at hand).

- A file open in WPS/Excel (outfiles.in_use and the moves patched to refuse it, as Windows does): each
  command that writes says, in Chinese, which file and "请先关闭该文件后重试"; nothing in the folder changes
  (no `.xlsx.tmp`, no half-replaced set); the summary line never claims what was not written; exit 1.
- A GBK console (PYTHONIOENCODING=gbk, what a redirected console on Chinese Windows is): check and build
  print every line, a zero-width character shown as 〈U+200B〉, never UnicodeEncodeError.
- Notepad's files (UTF-8 with a BOM); nan and inf where a number belongs; names with / : * ? in the plan.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import factory
from heldfiles import HELD, hold, immutable_file, tree
from yc_reports.cli.app import _run
from yc_reports.plan.registry import RegistryError, load_registry, registry_from_text
from yc_reports.render.assessment_doc import report_file_name as assessment_report
from yc_reports.render.evaluation_doc import folder_name
from yc_reports.render.evaluation_doc import report_file_name as evaluation_report

REGISTRY = load_registry()


@pytest.fixture
def office(demo_build, tmp_path, monkeypatch) -> Path:
    """A folder with the demo's inputs, as the office's working folder; commands run inside it."""
    shutil.copytree(demo_build.root / "inputs", tmp_path / "inputs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def command(capsys, *args: str) -> tuple[int, str, str]:
    """Run `yc-reports ARGS` in this process (so that patches apply): exit code, stdout, stderr."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["yc-reports", *args])
        with pytest.raises(SystemExit) as done:
            _run()
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def with_value(value: object) -> factory.UnitFill:
    """第三项's clean fill with 新增绿色工厂数量 (指标进展 H5) typed as `value`."""
    fill = factory.clean_fill(3)
    return dataclasses.replace(fill, values={**fill.values, "green_factories": value})


def flat(text: str) -> str:
    return "".join(text.split())   # rich wraps long lines at the terminal's width


def _by_hand(path: str, data: bytes = b"last time's file") -> tuple[str, ...]:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    return ()


def _templates_first(capsys) -> str:
    assert command(capsys, "templates", "2025Q4")[0] == 0
    return sorted(str(p) for p in Path("outputs/2025Q4/templates").iterdir())[4]


def _exported_plan(capsys) -> str:
    assert command(capsys, "plan", "export", "p.xlsx")[0] == 0
    return "inputs/plan.toml"


PLAN = REGISTRY.plan
# command → (how the held file comes to be, the command, the words of success that must not be printed)
CASES = {
    "templates": (_templates_first, ("templates", "2025Q4"), "已生成"),
    "build": (lambda capsys: "outputs/2025Q3/汇总表.xlsx", ("build", "2025Q3"), "已生成"),
    "notices": (lambda capsys: "outputs/2025Q3/催报督办/催报督办通知.txt", ("notices", "2025Q3"), "已保存"),
    "assess": (lambda capsys: f"outputs/2024年度考核/{assessment_report(PLAN, 2024)}", ("assess", "2024"), "已保存"),
    "evaluate": (lambda capsys: f"outputs/{folder_name(PLAN)}/{evaluation_report(PLAN)}", ("evaluate",), "已保存"),
    "plan export": (lambda capsys: "p.xlsx", ("plan", "export", "p.xlsx", "--force"), "已导出"),
    "plan import": (_exported_plan, ("plan", "import", "p.xlsx", "--force"), "已写出"),
    "templates-export": (lambda capsys: "inputs/templates/labels.j2", ("templates-export", "--force"), "已复制"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_file_open_in_wps_is_named_and_nothing_changes(case, office, capsys, monkeypatch):
    prepare, args, success = CASES[case]
    held = Path(prepare(capsys))
    if not held.exists():
        _by_hand(str(held))
    folder = held.parent
    before = tree(folder)
    hold(monkeypatch, held)
    code, out, err = command(capsys, *args)
    assert code == 1, (out, err)
    said = flat(err + out)
    assert flat(str(held)) in said and HELD in said, said
    assert "程序内部错误" not in said and "PermissionError" not in said
    assert "本次未写出任何结果" in said
    assert success not in out
    assert tree(folder) == before      # nothing replaced, no .tmp, no staging folder left
    assert not [p for p in office.rglob(".*") if ".building-" in p.name or p.name.endswith(".tmp")]


def test_a_full_disk_during_templates_is_said_and_leaves_nothing(office, capsys, monkeypatch):
    real = Path.write_bytes

    def full(self, data):
        if self.suffix == ".xlsx" or ".xlsx." in self.name:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    code, out, err = command(capsys, "templates", "2025Q3")
    assert code == 1
    assert "磁盘空间不足" in flat(err) and "本次未写出任何结果" in flat(err)
    assert "已生成" not in out
    assert not Path("outputs").exists() or not list(Path("outputs").rglob("*.xlsx"))


def test_a_read_only_output_folder_is_said(office, capsys, monkeypatch):
    real_mkdir = Path.mkdir

    def refused(self, *args, **kwargs):
        if self.name.startswith(".2025Q3.building-") or self.name == "outputs":
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    code, out, err = command(capsys, "build", "2025Q3")
    assert code == 1
    assert "该文件夹为只读或没有写入权限" in flat(out + err) and "已生成" not in out


def test_build_with_a_really_immutable_output_file(office, capsys):
    """The kernel's immutable flag (root, ext4): what Windows does to a file Excel holds, without patches."""
    assert command(capsys, "build", "2025Q3")[0] == 0
    with immutable_file(Path("outputs/2025Q3/汇总表.xlsx")):
        before = tree(Path("outputs"))
        code, out, err = command(capsys, "build", "2025Q3")
        assert code == 1 and HELD in flat(out + err) and "outputs/2025Q3/汇总表.xlsx" in flat(out + err)
        assert tree(Path("outputs")) == before


# ------------------------------------------------------------------------------------- GBK console


def gbk_run(*args: str, cwd: Path) -> tuple[int, str, str]:
    env = dict(os.environ, PYTHONIOENCODING="gbk", COLUMNS="200")
    done = subprocess.run([sys.executable, "-m", "yc_reports.cli", *args], cwd=cwd, capture_output=True,
                          env=env, timeout=600)
    return done.returncode, done.stdout.decode("gbk"), done.stderr.decode("gbk")


def test_check_on_a_gbk_console_shows_a_zero_width_character(tmp_path):
    path = factory.write_filled(tmp_path, fill=with_value("约8\u200b"), name="第三项⟨副本⟩.xlsx")   # ⟨⟩: not in GBK
    code, out, err = gbk_run("check", str(path), cwd=tmp_path)
    assert code == 1, err
    assert "〈U+200B〉" in out and "不是有效数值" in out
    assert "程序内部错误" not in out + err and "UnicodeEncodeError" not in out + err
    assert "第三项\\u27e8副本\\u27e9.xlsx" in out    # what GBK cannot show is escaped, the rest goes on
    assert "请按“问题说明”修改后重新校验" in out


def test_build_on_a_gbk_console_prints_every_line(demo_build, tmp_path):
    shutil.copytree(demo_build.root / "inputs", tmp_path / "inputs")
    code, out, err = gbk_run("build", "2025Q3", "--out", "outputs/2025Q3⟨试⟩", cwd=tmp_path)
    assert code == 0, err
    assert "程序内部错误" not in out + err
    assert "已生成 13 个文件" in out and "汇总表.xlsx" in out.splitlines()[-2] + out.splitlines()[-1]
    assert (tmp_path / "outputs" / "2025Q3⟨试⟩" / "summary.json").is_file()


# ------------------------------------------------------------------------------------ Notepad, nan


SHIPPED_TEXT = (Path(__file__).resolve().parents[2] / "yc_reports" / "plan" / "plan_2022_2025.toml").read_text("utf-8")


def test_a_plan_saved_by_notepad_with_a_bom_is_read(tmp_path, capsys, monkeypatch):
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "plan.toml").write_bytes(b"\xef\xbb\xbf" + SHIPPED_TEXT.encode("utf-8"))
    (tmp_path / "inputs" / "document.toml").write_bytes(b"\xef\xbb\xbf" + "# 记事本保存\n".encode())
    monkeypatch.chdir(tmp_path)
    code, out, err = command(capsys, "templates", "2025Q3")
    assert code == 0, err
    assert "已生成2025年第三季度填报模板 10 份" in out


def test_an_office_template_saved_with_a_bom_prints_no_bom(tmp_path):
    from yc_reports.render.wording import Wording, default_template_dir, office_template_dir

    folder = office_template_dir(tmp_path)
    folder.mkdir(parents=True)
    labels = (default_template_dir() / "labels.j2").read_bytes()
    (folder / "labels.j2").write_bytes(b"\xef\xbb\xbf" + labels)
    shipped, office = Wording(), Wording.for_inputs(tmp_path)
    assert office.label("check_passed") == shipped.label("check_passed")
    assert "\ufeff" not in office.label("check_passed")


@pytest.mark.parametrize("word", ["nan", "inf", "-inf"])
def test_a_non_finite_target_in_plan_toml_is_refused_at_its_key(word):
    text = SHIPPED_TEXT.replace('targets = { "2025" = 2 }', f'targets = {{ "2025" = {word} }}', 1)
    with pytest.raises(RegistryError) as caught:
        registry_from_text(text, "plan.toml")
    assert "targets.2025" in str(caught.value) and f"实际为 {float(word)!r}" in str(caught.value)
    assert "应为具体数值" in str(caught.value)


def test_a_non_finite_figure_in_a_units_workbook_is_invalid_at_its_cell(tmp_path):
    path = factory.write_filled(tmp_path, fill=with_value("nan"))
    from yc_reports.intake.reader import parse_workbook

    [issue] = parse_workbook(path, REGISTRY).issues
    assert (issue.code.value, issue.cell) == ("number-invalid", "H5") and "“nan”" in issue.message


# --------------------------------------------------------------------------------- Windows names


def test_names_with_slash_colon_star_question_mark_are_written(demo_build, tmp_path, capsys, monkeypatch):
    shutil.copytree(demo_build.root / "inputs", tmp_path / "inputs")
    plan = tmp_path / "inputs" / "plan.toml"
    text = plan.read_text("utf-8").replace('name = "推动降碳减污协同增效"\nlead_units = ["市发改委"]',
                                           'name = "推动降碳/减污：协同*增效?"\nlead_units = ["市发改委/市能源局"]', 1)
    assert "市发改委/市能源局" in text
    plan.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = command(capsys, "templates", "2025Q3")
    assert code == 0, err
    assert "2025Q3_第01项_推动降碳／减污：协同＊增效？_市发改委／市能源局.xlsx" in out
    code, out, err = command(capsys, "build", "2025Q3")
    assert code == 0, err
    reports = tmp_path / "outputs" / "2025Q3" / "各行动报告"
    assert (reports / "第01项_推动降碳／减污：协同＊增效？_2025年第三季度推进情况.docx").is_file()
    forbidden = set('\\/:*?"<>|')
    assert all(not forbidden & set(p.name) for p in (tmp_path / "outputs").rglob("*"))
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == hashlib.sha256(text.encode()).hexdigest()


def test_check_json_on_a_gbk_console_stays_valid_json(tmp_path):
    import json

    path = factory.write_filled(tmp_path, fill=with_value("约8\u200b😀"))
    code, out, err = gbk_run("check", str(path), "--json", cwd=tmp_path)
    assert code == 1, err
    [issue] = json.loads(out)
    assert "约8〈U+200B〉😀" in issue["message"]


# ------------------------------------------------------------------------------------ LibreOffice


def test_soffice_is_found_where_the_windows_installer_puts_it(tmp_path, monkeypatch):
    from yc_reports.render import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)   # not on PATH: the installer never adds it
    program = tmp_path / "Program Files"
    assert pdf.soffice_path("win32", {"ProgramFiles": str(program)}) is None
    soffice = program / "LibreOffice" / "program" / "soffice.exe"
    soffice.parent.mkdir(parents=True)
    soffice.write_bytes(b"MZ")
    assert pdf.soffice_path("win32", {"ProgramFiles": str(program)}) == str(soffice)
    # a per-user install (Programs under LOCALAPPDATA)
    user = tmp_path / "AppData" / "Local"
    (user / "Programs" / "LibreOffice" / "program").mkdir(parents=True)
    (user / "Programs" / "LibreOffice" / "program" / "soffice.exe").write_bytes(b"MZ")
    assert pdf.soffice_path("win32", {"LOCALAPPDATA": str(user)}).startswith(str(user))
    assert pdf.soffice_path("linux", {"ProgramFiles": str(program)}) is None


def test_the_message_without_libreoffice_fits_the_platform():
    from yc_reports.render.pdf import unavailable_message

    windows, linux = unavailable_message("win32"), unavailable_message("linux")
    assert "Program Files" in windows and "apt" not in windows and "libreoffice-writer" not in windows
    assert "libreoffice-writer" in linux and "Program Files" not in linux
    assert all(text.startswith("未安装 LibreOffice") for text in (windows, linux))
