"""The JSON parse cache (intake.cache): keyed by content, code and registry; never trusted blindly."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import factory
from yc_reports.intake import cache as C
from yc_reports.issues import flatten
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import load_registry

REGISTRY = load_registry()
Q = Quarter(2025, 3)


write = factory.write_in_quarter_folder


def test_cache_restamps_a_renamed_file(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products="abc")
    cache = C.ParseCache(REGISTRY, tmp_path / ".cache")
    original = cache.parse(path, "2025Q3_第03项.xlsx")
    renamed = path.rename(path.with_name("改名.xlsx"))
    again = cache.parse(renamed, "改名.xlsx")
    assert cache.hits == 1
    assert again.file == again.submission.file == "改名.xlsx"
    assert {i.file for i in again.issues} == {"改名.xlsx"} and len(again.issues) == len(original.issues) > 0
    assert again == C.restamp(original, "改名.xlsx")


def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products=2)
    cache = C.ParseCache(REGISTRY, tmp_path / ".cache")
    good = cache.parse(path, "a.xlsx")
    [entry] = (tmp_path / ".cache" / "parse").glob("*.json")
    entry.write_bytes(b"not json")
    assert cache.parse(path, "a.xlsx") == good
    assert cache.misses == 2
    fresh = C.ParseCache(REGISTRY, tmp_path / ".cache")
    assert fresh.parse(path, "a.xlsx") == good and fresh.hits == 1


def test_another_registry_does_not_reuse_the_cache(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products=2)
    C.ParseCache(REGISTRY, tmp_path / ".cache").parse(path, "a.xlsx")
    changed = dataclasses.replace(REGISTRY, thresholds=dataclasses.replace(REGISTRY.thresholds, ahead=Decimal(20)))
    other = C.ParseCache(changed, tmp_path / ".cache")
    other.parse(path, "a.xlsx")
    assert (other.hits, other.misses) == (0, 1)


def test_no_cache_folder_means_parse_every_time(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products=2)
    cache = C.ParseCache(REGISTRY, None)
    assert cache.parse(path, "a.xlsx") == cache.parse(path, "a.xlsx")
    assert cache.misses == 2


def test_parser_crash_becomes_an_unreadable_file(tmp_path: Path, monkeypatch):
    import yc_reports.intake.reader

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(yc_reports.intake.reader, "parse_workbook", explode)
    path = write(tmp_path, "2025Q3", 3)
    r = C.safe_parse(path, REGISTRY, "a.xlsx")
    assert (r.submission, flatten(r.issues, ("code", "file"))) == (None, [["file-unreadable", "a.xlsx"]])


def test_cache_entry_is_json_and_decodes_to_the_same_records(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products="1.50")
    cache = C.ParseCache(REGISTRY, tmp_path / ".cache")
    parsed = cache.parse(path, "a.xlsx")
    [entry] = (tmp_path / ".cache" / "parse").glob("*.json")
    import json

    payload = json.loads(entry.read_text("utf-8"))
    assert payload["format"] == C.CACHE_FORMAT and payload["value"]["file"] == "a.xlsx"
    again = C.ParseCache(REGISTRY, tmp_path / ".cache").parse(path, "a.xlsx")
    assert again == parsed and again.submission.indicator("green_products").value == Decimal("1.50")
    assert repr(again.submission.indicator("green_products").value) == repr(
        parsed.submission.indicator("green_products").value)   # the same Decimal, not a float


def test_cache_entry_of_the_wrong_shape_is_ignored(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products=2)
    cache = C.ParseCache(REGISTRY, tmp_path / ".cache")
    good = cache.parse(path, "a.xlsx")
    [entry] = (tmp_path / ".cache" / "parse").glob("*.json")
    entry.write_text(entry.read_text("utf-8").replace('"action_id":3', '"action_id":"3"'), "utf-8")
    fresh = C.ParseCache(REGISTRY, tmp_path / ".cache")
    assert fresh.parse(path, "a.xlsx") == good and fresh.misses == 1
