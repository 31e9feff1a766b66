"""The locks and pyproject agree, and every package the code imports is declared.

pyproject.toml keeps the ranges; two locks written by `make lock` pin one version of each with its hashes,
resolved for every machine the program runs on (Linux and Windows x86-64, CPython 3.11–3.13):
requirements.lock is what the office installs (`make demo`, the Windows route, `make wheelhouse`),
requirements-dev.lock adds the test, lint and benchmark tools on the same pins. A dependency added to
pyproject but not locked would be missing from a fresh install; one imported but not declared works only
by luck of what else pulls it in; a test tool in the runtime lock is weight on thirty office PCs.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+?))?\s*\\?$", re.MULTILINE)
REGENERATE = "run `make lock`"


def environment(platform: str, python: str) -> dict[str, str]:
    windows = platform == "win32"
    return {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": platform,
            "platform_system": "Windows" if windows else "Linux", "os_name": "nt" if windows else "posix",
            "platform_machine": "AMD64" if windows else "x86_64", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "extra": ""}


# Every machine the locks are for: the office's Windows PCs and the Linux servers / CI.
TARGETS = {f"{platform}-{python}": environment(platform, python)
           for platform in ("linux", "win32") for python in ("3.11", "3.12", "3.13")}


def read_lock(name: str) -> tuple[str, list[tuple[str, Version, str]]]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return text, [(canonicalize_name(n), Version(v), marker or "") for n, v, marker in PIN.findall(text)]


LOCKS = {name: read_lock(name) for name in ("requirements.lock", "requirements-dev.lock")}


def pins(lock: str, target: str) -> dict[str, Version]:
    """The lock's pins that apply on one target machine (a universal lock may fork a package by Python)."""
    env = TARGETS[target]
    chosen: dict[str, Version] = {}
    for name, version, marker in LOCKS[lock][1]:
        if not marker or Marker(marker).evaluate(env):
            assert name not in chosen, f"{lock} pins {name} twice for {target}: {REGENERATE}"
            chosen[name] = version
    return chosen


def declared(group: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    if group == "runtime":
        texts = project["dependencies"]
    elif group == "build":
        texts = PYPROJECT["build-system"]["requires"]
    else:
        texts = project["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


EXTRAS = list(PYPROJECT["project"]["optional-dependencies"])
# Which lock installs which group: the office's lock carries the program and what installs it, no more.
CASES = [("requirements.lock", "runtime"), ("requirements.lock", "build"),
         *[("requirements-dev.lock", group) for group in ("runtime", "build", *EXTRAS)]]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("lock, group", CASES)
def test_every_declared_dependency_is_locked_within_its_range(lock, group, target):
    locked = pins(lock, target)
    for req in declared(group):
        if req.marker is not None and not req.marker.evaluate(TARGETS[target]):
            continue
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} (pyproject, {group}) is not in {lock} for {target}: {REGENERATE}"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"{lock} pins {name}=={locked[name]} for {target}, outside pyproject's {req}: {REGENERATE}")


def test_the_windows_console_dependency_is_locked():
    """click colours a Windows console through colorama: a lock resolved for Linux alone lacks it."""
    assert "colorama" in pins("requirements.lock", "win32-3.12")
    assert "colorama" not in pins("requirements.lock", "linux-3.12")


@pytest.mark.parametrize("target", TARGETS)
def test_the_dev_lock_runs_the_program_on_the_office_pins(target):
    runtime, dev = pins("requirements.lock", target), pins("requirements-dev.lock", target)
    differ = {name: (str(v), str(dev.get(name))) for name, v in runtime.items() if dev.get(name) != v}
    assert differ == {}, f"requirements-dev.lock differs from requirements.lock: {differ}: {REGENERATE}"


def _pulled_in_by(lock: str) -> dict[str, set[str]]:
    """uv's `# via` notes: each pin → what asked for it (a package name, "yc-reports (pyproject.toml)", "-r …")."""
    notes: dict[str, set[str]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCKS[lock][0]):
        match = PIN.match(block)
        if match:
            lines = re.findall(r"^[ \t]*#[ \t]+(?:via[ \t]+)?(\S.*?)[ \t]*$", block, re.MULTILINE)
            notes[canonicalize_name(match.group(1))] = {line for line in lines if line != "via"}
    return notes


def test_the_runtime_lock_carries_no_tool():
    """Test, lint and benchmark tools stay out of the office's install: a package the extras declare is in
    requirements.lock only when a runtime package pulls it in (packaging, for matplotlib)."""
    runtime = {canonicalize_name(r.name) for group in ("runtime", "build") for r in declared(group)}
    tools = {canonicalize_name(r.name) for group in EXTRAS for r in declared(group)} - runtime
    notes = _pulled_in_by("requirements.lock")
    assert notes and all(notes.values()), "requirements.lock lost uv's `# via` notes: run `make lock`"
    needed_by_runtime = {name for name, parents in notes.items()
                         if any(canonicalize_name(p) in notes for p in parents)}
    stray = sorted(name for name in tools & set(notes) if name not in needed_by_runtime)
    assert stray == [], f"test/lint tools in requirements.lock: {stray}: {REGENERATE}"
    assert {"pytest", "playwright", "mypy", "ruff"} & set(notes) == set()


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_its_hashes(lock):
    text, locked = LOCKS[lock]
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    pinned = [block for block in blocks if PIN.match(block)]
    assert len(pinned) == len(locked) > 0
    unhashed = [block.split()[0] for block in pinned if "--hash=sha256:" not in block]
    assert unhashed == []


def _third_party_imports(folder: Path) -> dict[str, str]:
    """Top-level names of the non-stdlib, non-project modules imported anywhere under folder → a file."""
    # the project's own helper modules (tests/factory.py, benchmarks/history_inputs.py …) import each other
    helpers = [p for top in ("tests", "benchmarks", "tools") for p in (ROOT / top).rglob("*")]
    local = {p.stem for p in helpers if p.suffix == ".py"} | {p.name for p in helpers if p.is_dir()}
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "yc_reports" and top not in local:
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("folder, groups", [
    ("yc_reports", ("runtime",)),
    ("tests", ("runtime", "test", "lint")),
    ("benchmarks", ("runtime", "bench", "test")),
    # `make wheelhouse` runs on the runtime venv: packaging is locked there for the build backend
    ("tools", ("runtime", "build", "test")),
])
def test_every_imported_package_is_declared(folder, groups):
    names = {canonicalize_name(req.name) for group in groups for req in declared(group)}
    distributions = metadata.packages_distributions()
    undeclared = {}
    for module, where in _third_party_imports(ROOT / folder).items():
        owners = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not owners & names:
            undeclared[module] = where
    assert undeclared == {}, f"imported but not declared in pyproject ({', '.join(groups)}): {undeclared}"
