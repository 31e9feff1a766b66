"""`make wheelhouse`: a folder to carry to an office PC without internet.

It holds every wheel the program needs on 64-bit Windows for each CPython given (the pins of
requirements.lock whose markers hold there, fetched with their locked hashes), the project's own wheel and
an install script. On the PC: `安装.bat` (or the pip command it runs) installs from the folder alone.

pip evaluates a requirement's markers against the Python that runs it, not the target platform, so the
Windows-only pins (colorama …) are chosen here with packaging's markers for a Windows environment.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PLATFORM = "win_amd64"
PROJECT_VIA = "yc-reports (pyproject.toml)"   # how uv names a pin the program itself asks for

INSTALL_BAT = r"""@echo off
rem Installs yc-reports from this folder alone (no internet): a venv beside this folder, then the wheels.
rem Python 3.11, 3.12 or 3.13 (64-bit) from python.org must be installed ("py" launcher).
setlocal
set HERE=%~dp0
set TARGET=%HERE%..\yc-reports-venv
py -3 -m venv "%TARGET%" || goto :failed
"%TARGET%\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%." yc-reports || goto :failed
echo.
echo OK: "%TARGET%\Scripts\yc-reports.exe" --help
exit /b 0
:failed
echo FAILED. See the messages above.
exit /b 1
"""

README = """宜昌市十大行动季度调度工具 离线安装包（Windows 64 位）

本文件夹包含运行本工具所需的全部安装文件，安装时不需要连接互联网。
适用于 Python {pythons}（64 位，python.org 官方安装包）。

安装：双击 安装.bat；或在本文件夹的上一级打开命令提示符，运行：
    py -3 -m venv yc-reports-venv
    yc-reports-venv\\Scripts\\python -m pip install --no-index --find-links 本文件夹 yc-reports
安装后运行：
    yc-reports-venv\\Scripts\\yc-reports --help
"""


def windows_environment(python: str) -> dict[str, str]:
    return {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "win32",
            "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def lock_blocks(lock_text: str) -> list[tuple[str, str, str, str]]:
    """(name, name==version, marker, rest of the block) for each pin of a uv lock."""
    blocks = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock_text):
        first, _, rest = block.partition("\n")
        if re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==", first):
            requirement, _, marker = first.rstrip(" \\").partition(";")
            blocks.append((requirement.split("==")[0].strip().lower(), requirement.strip(), marker.strip(), rest))
    return blocks


def runtime_names(blocks: list[tuple[str, str, str, str]]) -> set[str]:
    """The pins the program needs (its own requirements and theirs, by uv's `# via` notes), without the build
    backend that is in the lock only to install the project from source (a wheel needs none)."""
    via = {name: set(re.findall(r"#\s+(?:via\s+)?([^\s#][^\n]*)", rest)) for name, _, _, rest in blocks}
    needed = {name for name, parents in via.items() if PROJECT_VIA in parents}
    while True:
        more = {name for name, parents in via.items() if name not in needed and parents & needed}
        if not more:
            return needed
        needed |= more


def pins_for(lock_text: str, python: str) -> list[str]:
    """The lock's runtime pins (name==version and hashes) that apply on Windows under `python`, without their
    markers (pip would evaluate them against this machine)."""
    env = windows_environment(python)
    blocks = lock_blocks(lock_text)
    needed = runtime_names(blocks)
    return [f"{requirement} " + " ".join(re.findall(r"--hash=sha256:[0-9a-f]{64}", rest))
            for name, requirement, marker, rest in blocks
            if name in needed and (not marker or Marker(marker).evaluate(env))]


def download(pins: list[str], python: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / f"win-{python}.txt"
        requirements.write_text("\n".join(pins) + "\n", encoding="utf-8")
        tag = python.replace(".", "")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                        "--only-binary=:all:", "--platform", PLATFORM, "--python-version", python,
                        "--implementation", "cp", "--abi", f"cp{tag}", "-r", str(requirements), "-d", str(out)],
                       check=True)


def build_project_wheel(out: Path) -> None:
    # --no-build-isolation: the locked backend (hatchling, in the venv), not whatever the index serves today
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(ROOT)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "wheelhouse")
    parser.add_argument("--pythons", nargs="+", default=["3.11", "3.12", "3.13"])
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lock_text = LOCK.read_text(encoding="utf-8")
    for python in args.pythons:
        download(pins_for(lock_text, python), python, out)
    build_project_wheel(out)
    (out / "安装.bat").write_text(INSTALL_BAT.replace("\n", "\r\n"), encoding="ascii")
    (out / "说明.txt").write_text(README.format(pythons="、".join(args.pythons)).replace("\n", "\r\n"),
                                  encoding="utf-8-sig")
    wheels = sorted(out.glob("*.whl"))
    size = sum(p.stat().st_size for p in wheels)
    print(f"{out}: {len(wheels)} wheels, {size / 2**20:.0f} MB (win_amd64, CPython {', '.join(args.pythons)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
