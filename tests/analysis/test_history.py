"""Earlier quarters: series, consistency warnings (analysis.history), the choice per action
(intake.selection), reading folders (pipeline.inputs), and the JSON parse cache (intake.cache)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from yc_reports.analysis import history as H
from yc_reports.intake import cache as C
from yc_reports.intake import selection as S
from yc_reports.pipeline import inputs as P
from yc_reports.issues import IssueCode, flatten, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.intake.records import BasicInfo
from yc_reports.plan.registry import load_registry

import factory
from report_fixtures import D, result, submission

REGISTRY = load_registry()
Q = Quarter(2025, 3)


def sub(action_id: int, quarter: Quarter, **values):
    return submission(REGISTRY, action_id, quarter, values=values)


# ------------------------------------------------------------------------------------ series


def test_previous_last_year_and_trend():
    h = H.history_from_submissions(Q, [
        sub(3, Quarter(2024, 3), green_factories=5), sub(3, Quarter(2025, 1), green_factories=7),
        sub(3, Quarter(2025, 2), green_factories=7, green_parks=None), sub(3, Quarter(2025, 3), green_factories=99)])
    assert (h.previous("green_factories"), h.last_year("green_factories")) == (D(7), D(5))
    assert h.trend("green_factories") == ((Quarter(2024, 3), D(5)), (Quarter(2025, 1), D(7)), (Quarter(2025, 2), D(7)))
    assert h.trend("green_parks") == ()          # blank cells are not figures
    assert h.previous("green_parks") is None
    assert h.quarters == (Quarter(2024, 3), Quarter(2025, 1), Quarter(2025, 2))  # the current one is not history
    assert h.latest("green_factories", year=2024) == (Quarter(2024, 3), D(5))


def test_gaps_in_history_give_no_previous():
    h = H.history_from_submissions(Q, [sub(3, Quarter(2025, 1), green_factories=7)])
    assert h.previous("green_factories") is None
    assert h.latest("green_factories") == (Quarter(2025, 1), D(7))


def test_choose_prefers_error_free_then_latest_fill_date_then_name():
    q = Quarter(2025, 2)
    early = submission(REGISTRY, 3, q, file="a.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 1)))
    late = submission(REGISTRY, 3, q, file="b.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 9)))
    wrong = make_issue(IssueCode.NUMBER_INVALID, "c.xlsx", "指标进展", "H4", value="x")
    latest_with_error = submission(REGISTRY, 3, q, file="c.xlsx", info=BasicInfo(fill_date=dt.date(2025, 7, 20)))
    chosen = S.choose_for_history([result(early), result(late), result(latest_with_error, issues=[wrong])],
                                  REGISTRY, q)
    assert chosen[3].file == "b.xlsx"
    assert S.choose_for_history([result(latest_with_error, issues=[wrong])], REGISTRY, q)[3].file == "c.xlsx"


def test_choose_ignores_other_quarters_plans_and_unreadable():
    q = Quarter(2025, 2)
    results = [result(sub(3, Quarter(2025, 1))), result(submission(REGISTRY, 4, q, plan_id="other")),
               result(None, file="broken.xlsx")]
    assert S.choose_for_history(results, REGISTRY, q) == {}


def test_earlier_quarters_stay_within_the_plan():
    assert H.earlier_quarters(REGISTRY, Quarter(2022, 1)) == []
    assert H.earlier_quarters(REGISTRY, Quarter(2022, 3)) == [Quarter(2022, 1), Quarter(2022, 2)]
    assert len(H.earlier_quarters(REGISTRY, Quarter(2025, 4))) == 15


# ------------------------------------------------------------------------------------ consistency


def warnings_for(current, *earlier):
    return flatten(H.consistency_issues(REGISTRY, current, H.history_from_submissions(current.quarter, earlier)),
                   ("code", "file", "sheet", "cell"))


def test_cumulative_decrease_points_at_the_value_cell():
    current = sub(3, Q, green_products=2, green_factories=8)
    assert warnings_for(current, sub(3, Quarter(2025, 1), green_products=3, green_factories=8)) == [
        ["cumulative-decrease", "2025Q3_第03项.xlsx", "指标进展", "H4"]]
    [issue] = H.consistency_issues(REGISTRY, current, H.history_from_submissions(
        Q, [sub(3, Quarter(2025, 2), green_products=3)]))
    assert issue.message == "“开发绿色产品数量”为自方案实施以来的累计数，本季度（2个）低于上季度（3个），请核实。"


def test_flow_decrease_only_within_the_same_year():
    assert warnings_for(sub(10, Q, tourist_arrivals="0.86"), sub(10, Quarter(2025, 2), tourist_arrivals="0.90")) == [
        ["flow-decrease", "2025Q3_第10项.xlsx", "指标进展", "H4"]]
    # a new year starts from zero: Q1 below last Q4 is normal
    assert warnings_for(sub(10, Quarter(2025, 1), tourist_arrivals="0.27"),
                        sub(10, Quarter(2024, 4), tourist_arrivals="1.12")) == []
    # levels may go down
    assert warnings_for(sub(4, Q, rd_institution_coverage="90"), sub(4, Quarter(2025, 2), rd_institution_coverage="95")) == []


@pytest.mark.parametrize("earlier,value,jump", [
    (("1000", "1300"), "13800", True),    # median 1150: 13800 > 5750
    (("1000", "1300"), "5750", False),    # exactly 5× the median is not "more than"
    (("1000", "1300"), "5750.01", True),
    (("1000", "1300"), "229.99", True),   # under a fifth (230)
    (("1000", "1300"), "230", False),
    (("1000",), "13800", False),          # one earlier figure is not a history
    (("0", "1000"), "13800", False),      # zeros do not count
    (("0", "1000", "1300"), "0", True),
])
def test_value_jump(earlier, value, jump):
    quarters = [Quarter(2024, 4), Quarter(2025, 1), Quarter(2025, 2)]
    history = [sub(8, q, green_finance_scale=v) for q, v in zip(quarters, earlier)]
    codes = [c for c, *_ in warnings_for(sub(8, Q, green_finance_scale=value), *history)]
    assert codes == (["value-jump"] if jump else [])


def test_no_figure_no_warning():
    assert warnings_for(sub(3, Q), sub(3, Quarter(2025, 2), green_products=3)) == []


# ------------------------------------------------------------------------------------ real folders


def write(root: Path, quarter: str, action_id: int, name: str | None = None, **values) -> Path:
    typed = {k: v if isinstance(v, str) and not v.replace(".", "").isdigit() else Decimal(str(v))
             for k, v in values.items()}   # text stays text, as a unit might type it
    fill = dataclasses.replace(factory.clean_fill(action_id), values=typed)
    path = root / quarter / (name or f"{quarter}_第{action_id:02d}项.xlsx")
    return factory.save(factory.filled(action_id, quarter, fill), path)


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
    h = P.read_history(REGISTRY, Q, inputs, cache)
    assert h.quarters == (Quarter(2024, 3), Quarter(2025, 1), Quarter(2025, 2))
    assert h.trend("green_products") == ((Quarter(2024, 3), D(1)), (Quarter(2025, 1), D(2)), (Quarter(2025, 2), D(3)))
    assert h.previous("tourism_revenue") == D(620)
    assert h.value("tourism_revenue", Quarter(2025, 1)) == D(290)
    assert h.submission(Quarter(2025, 2), 10).file == "2025Q2/2025Q2_第10项.xlsx"


def test_cache_makes_the_second_read_parse_nothing(inputs: Path, tmp_path: Path):
    before = folder_hash(inputs)
    first = C.ParseCache(REGISTRY, tmp_path / "out" / ".cache")
    h1 = P.read_history(REGISTRY, Q, inputs, first)
    second = C.ParseCache(REGISTRY, tmp_path / "out" / ".cache")
    h2 = P.read_history(REGISTRY, Q, inputs, second)
    assert (first.misses, second.misses, second.hits) == (6, 0, 6)
    assert h1 == h2
    assert folder_hash(inputs) == before          # the cache lives with the outputs, never the inputs
    assert list((tmp_path / "out" / ".cache" / "parse").glob("*.json"))


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


def test_progress_is_reported_per_file(inputs: Path, tmp_path: Path):
    seen = []
    P.read_history(REGISTRY, Q, inputs, C.ParseCache(REGISTRY, None), progress=lambda *a: seen.append(a))
    assert seen[0] == ("读取往期数据", 0, 6) and seen[-1] == ("读取往期数据", 6, 6)


def test_cache_entry_is_json_and_decodes_to_the_same_records(tmp_path: Path):
    path = write(tmp_path, "2025Q3", 3, green_products="1.50")
    cache = C.ParseCache(REGISTRY, tmp_path / ".cache")
    parsed = cache.parse(path, "a.xlsx")
    [entry] = (tmp_path / ".cache" / "parse").glob("*.json")
    import json

    payload = json.loads(entry.read_text("utf-8"))
    assert payload["format"] == C.CACHE_FORMAT and payload["result"]["file"] == "a.xlsx"
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


def test_analysis_does_not_import_the_intake_reader():
    import ast

    root = Path(H.__file__).resolve().parent
    for module in root.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {n for n in names if n.startswith("yc_reports.intake") and n != "yc_reports.intake.records"}, module
