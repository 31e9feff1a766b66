"""`make wheelhouse` makes a folder that installs the program on a Windows PC with no network.

Windows is not at hand: the folder is built here as `make wheelhouse` builds it, then pip resolves the
program from that folder alone (`--no-index`, `--isolated` so that no configured index or find-links helps)
for win_amd64 under each CPython the office may have, and every Windows pin of requirements.lock must be
there as a wheel for that Python (pip evaluates markers for this Linux machine, so the Windows-only pins
such as colorama are checked by their markers here).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

import wheelhouse as wheelhouse_tool

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse") / "wheelhouse"
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "wheelhouse.py"), "--out", str(out),
                          "--pythons", *PYTHONS], capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        if any(word in run.stderr for word in ("NewConnectionError", "Network is unreachable", "ConnectTimeout",
                                                "Temporary failure in name resolution", "No matching distribution")):
            pytest.skip("the wheelhouse could not be downloaded (no network to the package index here): "
                        + run.stderr.strip().splitlines()[-1])
        pytest.fail(f"make wheelhouse failed:\n{run.stderr[-3000:]}")
    return out


def _wheels(folder: Path) -> dict[str, list[tuple[Version, frozenset[Tag]]]]:
    found: dict[str, list[tuple[Version, frozenset[Tag]]]] = {}
    for path in folder.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(path.name)
        found.setdefault(name, []).append((version, tags))
    return found


def _fits(tags: frozenset[Tag], python: str) -> bool:
    cp = "cp" + python.replace(".", "")
    return any((t.platform in ("any", "win_amd64") and t.interpreter in (cp, "py3"))
               or (t.platform == "win_amd64" and t.abi == "abi3") for t in tags)


@pytest.mark.parametrize("python", PYTHONS)
def test_every_windows_pin_is_in_the_wheelhouse(wheelhouse, python):
    tool = wheelhouse_tool
    wheels = _wheels(wheelhouse)
    missing = []
    for pin in tool.pins_for((ROOT / "requirements.lock").read_text(encoding="utf-8"), python):
        name, version = pin.split()[0].split("==")
        have = wheels.get(canonicalize_name(name), [])
        if not any(v == Version(version) and _fits(tags, python) for v, tags in have):
            missing.append(f"{name}=={version}")
    assert missing == [], f"no win_amd64 wheel for CPython {python} in the wheelhouse: {missing}"
    assert "colorama" in wheels            # Windows only: click colours the console through it
    assert "yc-reports" in wheels          # the program itself
    assert not {"pytest", "playwright", "mypy", "hatchling"} & set(wheels)
    assert (wheelhouse / "安装.bat").read_bytes().isascii()   # cmd.exe reads a .bat in the console's code page


@pytest.mark.parametrize("python", PYTHONS)
def test_pip_installs_the_program_from_the_wheelhouse_alone_on_windows(wheelhouse, python, tmp_path):
    tag = python.replace(".", "")
    report = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, "-m", "pip", "--isolated", "install", "--dry-run", "--no-index", "--find-links",
         str(wheelhouse), "--only-binary=:all:", "--platform", "win_amd64", "--python-version", python,
         "--implementation", "cp", "--abi", f"cp{tag}", "--target", str(tmp_path / "target"),
         "--report", str(report), "yc-reports"],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    chosen = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
              for item in json.loads(report.read_text(encoding="utf-8"))["install"]}
    locked = {canonicalize_name(p.split()[0].split("==")[0]): p.split()[0].split("==")[1]
              for p in wheelhouse_tool.pins_for((ROOT / "requirements.lock").read_text(encoding="utf-8"), python)}
    assert "yc-reports" in chosen
    # what pip chose is what the lock pins (pip skipped the Windows-only pins: their markers are for win32)
    assert {name: v for name, v in chosen.items() if name != "yc-reports"} == \
        {name: v for name, v in locked.items() if name in chosen}
    assert set(locked) - set(chosen) <= {"colorama"}
