"""The lock and pyproject agree, and every package the code imports is declared.

pyproject.toml keeps the ranges; requirements.lock (written by `make lock`) pins one version of each with
its hashes, and is what `make setup` installs. A dependency added to pyproject but not locked would be
missing from a fresh install; one imported but not declared works only by luck of what else pulls it in.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK_TEXT = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)
LOCKED: dict[str, Version] = {canonicalize_name(name): Version(v) for name, v in PIN.findall(LOCK_TEXT)}
# What the CI machine is: the lock is resolved for it (Linux, CPython 3.11).
TARGET = {"python_version": "3.11", "python_full_version": "3.11.7", "sys_platform": "linux",
          "platform_system": "Linux", "os_name": "posix", "platform_machine": "x86_64",
          "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def declared(group: str) -> list[Requirement]:
    project = PYPROJECT["project"]
    if group == "runtime":
        texts = project["dependencies"]
    elif group == "build":
        texts = PYPROJECT["build-system"]["requires"]
    else:
        texts = project["optional-dependencies"][group]
    return [Requirement(text) for text in texts]


GROUPS = ["runtime", "build", *PYPROJECT["project"]["optional-dependencies"]]


@pytest.mark.parametrize("group", GROUPS)
def test_every_declared_dependency_is_locked_within_its_range(group):
    for req in declared(group):
        if req.marker is not None and not req.marker.evaluate(TARGET):
            continue
        name = canonicalize_name(req.name)
        assert name in LOCKED, f"{req} (pyproject, {group}) is not in requirements.lock: run `make lock`"
        assert req.specifier.contains(LOCKED[name], prereleases=True), (
            f"requirements.lock pins {name}=={LOCKED[name]}, outside pyproject's {req}: run `make lock`")


def test_every_pin_carries_its_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK_TEXT.split("\n", 1)[1])
    pins = [block for block in blocks if PIN.match(block)]
    assert len(pins) == len(LOCKED) > 0
    unhashed = [block.split()[0] for block in pins if "--hash=sha256:" not in block]
    assert unhashed == []


def _third_party_imports(folder: Path) -> dict[str, str]:
    """Top-level names of the non-stdlib, non-project modules imported anywhere under folder → a file."""
    # the project's own helper modules (tests/factory.py, benchmarks/history_inputs.py …) import each other
    helpers = [p for top in ("tests", "benchmarks") for p in (ROOT / top).rglob("*")]
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
