"""Reading the earlier quarters' folders through the parse cache (pipeline.past.read_past, no record)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import factory
from report_fixtures import D
from yc_reports.intake import cache as C
from yc_reports.pipeline.past import read_past
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry
from yc_reports.record.store import Record

REGISTRY = load_registry()
Q = Quarter(2025, 3)


write = factory.write_in_quarter_folder


def read_history(registry, quarter, inputs, cache, progress=None):
    return read_past(registry, quarter, inputs, cache, Record(inputs / "record.sqlite"), progress=progress).history


def folder_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    root = tmp_path / "inputs"
    write(root, "2024Q3", 3, green_products=1, green_factories=5, green_parks=0, green_supply_chains=1)
    write(root, "2025Q1", 3, green_products=2, green_factories=7, green_parks=0, green_supply_chains=1)
    write(root, "2025Q2", 3, green_products=3, green_factories=7, green_parks=0, green_supply_chains=2)
    write(root, "2025Q2", 10, tourist_arrivals="0.58", tourism_revenue=620)
    # a 2025Q1 workbook filed under 2025Q2 by mistake does not count for 2025Q2
    write(root, "2025Q1", 10, tourist_arrivals="0.27", tourism_revenue=290)
    factory.save(factory.filled(10, "2025Q1"), root / "2025Q2" / "错放的一季度表.xlsx")
    write(root, "2021Q4", 3, green_products=9)   # before the plan: never read (and refused by the parser)
    write(root, "2025Q3", 3, green_products=99)  # the current quarter is not history
    return root


def test_read_history_from_folders(inputs: Path, tmp_path: Path):
    cache = C.ParseCache(REGISTRY, tmp_path / "outputs" / ".cache")
    h = read_history(REGISTRY, Q, inputs, cache)
    assert h.quarters == (Quarter(2024, 3), Quarter(2025, 1), Quarter(2025, 2))
    assert h.trend("green_products") == ((Quarter(2024, 3), D(1)), (Quarter(2025, 1), D(2)), (Quarter(2025, 2), D(3)))
    assert h.previous("tourism_revenue") == D(620)
    assert h.value("tourism_revenue", Quarter(2025, 1)) == D(290)
    assert h.submission(Quarter(2025, 2), 10).file == "2025Q2/2025Q2_第10项.xlsx"


def test_cache_makes_the_second_read_parse_nothing(inputs: Path, tmp_path: Path):
    before = folder_hash(inputs)
    first = C.ParseCache(REGISTRY, tmp_path / "out" / ".cache")
    h1 = read_history(REGISTRY, Q, inputs, first)
    second = C.ParseCache(REGISTRY, tmp_path / "out" / ".cache")
    h2 = read_history(REGISTRY, Q, inputs, second)
    assert (first.misses, second.misses, second.hits) == (6, 0, 6)
    assert h1 == h2
    assert folder_hash(inputs) == before          # the cache lives with the outputs, never the inputs
    assert list((tmp_path / "out" / ".cache" / "parse").glob("*.json"))


def test_progress_is_reported_per_file(inputs: Path, tmp_path: Path):
    seen = []
    read_history(REGISTRY, Q, inputs, C.ParseCache(REGISTRY, None), progress=lambda *a: seen.append(a))
    assert seen[0] == ("读取往期数据", 0, 6) and seen[-1] == ("读取往期数据", 6, 6)
