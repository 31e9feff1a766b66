"""The office's inputs/templates/ overrides the shipped wording in an INSTALLED copy (`pip install .`).

A fresh virtual environment gets the project as a wheel (`pip install --no-deps .`, hatchling fetched by pip's
build isolation from PyPI or pip's cache); the dependencies come from the interpreter running the tests through
a .pth line (they are installed there already), so nothing large is downloaded and the test takes well under a
minute. The wheel's own package must be the one imported — checked, not assumed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHANGED = "本季度文字由办公室自定模板生成，特此说明。"


def run(args: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", str(ROOT)],
               cwd=venv.parent, timeout=300)
    if done.returncode != 0 and "hatchling" in done.stderr and ("network" in done.stderr.lower()
                                                                or "connection" in done.stderr.lower()):
        pytest.skip("pip cannot fetch hatchling (no network and no pip cache): the wheel cannot be built")
    assert done.returncode == 0, done.stderr
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv.parent)
    host = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "host_dependencies.pth").write_text("\n".join(sorted(host)) + "\n", encoding="utf-8")
    return venv


def test_office_template_changes_the_summary_of_an_installed_copy(installed: Path, tmp_path: Path):
    bin_ = installed / "bin"
    where = run([str(bin_ / "python"), "-c", "import yc_reports; print(yc_reports.__file__)"], cwd=tmp_path)
    assert where.stdout.strip().startswith(str(installed)), where.stdout  # the wheel, not the checkout
    demo = run([str(bin_ / "yc-reports"), "demo", "--root", str(tmp_path)], cwd=tmp_path, timeout=300)
    # the demo's inputs are what this test needs (its exit code belongs to the CLI's own tests)
    assert (tmp_path / "inputs" / "2025Q3").is_dir(), demo.stdout + demo.stderr
    exported = run([str(bin_ / "yc-reports"), "templates-export", "--inputs", str(tmp_path / "inputs")], cwd=tmp_path)
    summary = tmp_path / "inputs" / "templates" / "summary.j2"
    assert summary.is_file() and "已复制 summary.j2" in exported.stdout, exported.stdout + exported.stderr
    shipped = summary.read_text(encoding="utf-8")
    summary.write_text(shipped.replace("现将有关情况通报如下。", "现将有关情况通报如下。\n" + CHANGED, 1), encoding="utf-8")
    # exporting again keeps the office's edit and says so
    again = run([str(bin_ / "yc-reports"), "templates-export", "--inputs", str(tmp_path / "inputs")], cwd=tmp_path)
    assert "已保留 summary.j2" in again.stdout and CHANGED in summary.read_text(encoding="utf-8")
    out = tmp_path / "outputs" / "2025Q3"
    built = run([str(bin_ / "yc-reports"), "build", "2025Q3", "--inputs", str(tmp_path / "inputs" / "2025Q3"),
                 "--out", str(out)], cwd=tmp_path, timeout=300)
    [report] = list(out.glob("*通报.docx")) or [None]
    assert report is not None, built.stdout + built.stderr
    text = [p.text for p in docx.Document(report).paragraphs]
    assert CHANGED in text
    # the other templates are still the shipped ones: an action report reads as before
    [action] = (out / "各行动报告").glob("第03项*.docx")
    assert any(p.text.startswith("本行动为十大行动第三项") for p in docx.Document(action).paragraphs)
    shutil.rmtree(tmp_path / "outputs", ignore_errors=True)
