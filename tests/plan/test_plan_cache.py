"""The plan cache (plan/registry.py over yc_reports.jsoncache): a valid plan validated once by pydantic, then
read back as the same records; any change of the text makes a new entry; a bad entry or an unwritable
folder only costs time; an invalid plan is never cached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from yc_reports import jsoncache
from yc_reports.pipeline.demo import office_plan_text
from yc_reports.plan import registry as R
from yc_reports.plan.schema import validate_plan


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(jsoncache.CACHE_DIR_ENV, str(folder))
    return folder


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "plan").glob("*.json"))


def green_parks(registry: R.Registry) -> R.Indicator:
    return next(i for i in registry.action(3).indicators if i.key == "green_parks")


def validated(text: str, where: str) -> R.Registry:
    import tomllib

    return validate_plan(tomllib.loads(text), where)


@pytest.mark.parametrize("text", [R.SHIPPED_PLAN_PATH.read_text("utf-8"), office_plan_text()],
                         ids=["shipped", "office (demo)"])
def test_cached_plan_is_the_validated_plan(cache_dir: Path, tmp_path: Path, text: str):
    path = tmp_path / "plan.toml"
    path.write_text(text, "utf-8")
    first = R.load_registry(path)
    [entry] = entries(cache_dir)
    again = R.load_registry(path)
    assert again == first == validated(text, str(path))
    assert again.placeholders == first.placeholders and again.assessment == first.assessment
    assert again.source_path == str(path)
    assert entries(cache_dir) == [entry]
    # the entry is readable JSON: exact decimals as text, target years as keys
    value = json.loads(entry.read_text("utf-8"))["value"]
    [parks] = [i for i in value["actions"][2]["indicators"] if i["key"] == "green_parks"]
    assert parks["targets"] == {"2025": "2"}


def test_the_cached_plan_is_read_without_pydantic(cache_dir: Path):
    """A unit's `check` starts by loading the plan: from the cache, pydantic (~0.1 s) is not imported."""
    code = ("import sys; from yc_reports.plan.registry import load_registry; r = load_registry(); "
            "print(len(r.actions), 'pydantic' in sys.modules)")
    env = {**os.environ, jsoncache.CACHE_DIR_ENV: str(cache_dir)}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["10 True\n", "10 False\n"]


def test_an_edited_target_is_never_read_from_the_old_entry(cache_dir: Path, tmp_path: Path):
    text = office_plan_text()
    path = tmp_path / "plan.toml"
    path.write_text(text, "utf-8")
    assert green_parks(R.load_registry(path)).targets == {2025: Decimal(2)}
    # the 2025 target of 绿色园区 (第三项) from 2 to 3
    before = 'unit = "个"\nkind = "cumulative"\ntargets = { "2025" = 2 }\nsource = "到2025年，全市力争……建设绿色园区2个"'
    assert text.count(before) == 1
    edited = text.replace(before, before.replace('"2025" = 2', '"2025" = 3'))
    path.write_text(edited, "utf-8")
    assert green_parks(R.load_registry(path)).targets == {2025: Decimal(3)}
    assert len(entries(cache_dir)) == 2


def test_a_corrupt_or_foreign_entry_is_validated_again(cache_dir: Path):
    good = R.load_registry()
    [entry] = entries(cache_dir)
    for spoiled in (b"not json", json.dumps({"format": 999, "value": {}}).encode(),
                    entry.read_bytes().replace(b'"id":3,', b'"id":"3",')):
        entry.write_bytes(spoiled)
        assert R.load_registry() == good
        assert entry.read_bytes() != spoiled   # rewritten whole
    assert json.loads(entry.read_text("utf-8"))["format"] == R.PLAN_CACHE_FORMAT


def test_an_invalid_plan_is_refused_every_time_and_never_cached(cache_dir: Path, tmp_path: Path):
    path = tmp_path / "plan.toml"
    path.write_text(office_plan_text().replace('start_year = 2022', 'start_year = "2022"', 1), "utf-8")
    for _ in range(2):
        with pytest.raises(R.RegistryError, match=r"plan\.start_year：应为整数"):
            R.load_registry(path)
    assert entries(cache_dir) == []


def test_no_cache_folder_or_an_unwritable_one_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    reference = validated(R.SHIPPED_PLAN_PATH.read_text("utf-8"), R.SHIPPED_PLAN)
    monkeypatch.setenv(jsoncache.CACHE_DIR_ENV, "")
    assert jsoncache.user_cache_dir() is None
    assert R.load_registry() == reference
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv(jsoncache.CACHE_DIR_ENV, str(blocked))
    assert R.load_registry() == reference
