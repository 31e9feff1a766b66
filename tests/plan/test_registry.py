"""The plan as data: every target the seed states is there, quoted from the plan; broken files are named."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from yc_reports.plan.quarter import Quarter, QuarterError
from yc_reports.plan.registry import (
    SHIPPED_PLAN,
    Direction,
    Kind,
    RegistryError,
    cn_numeral,
    load_registry,
    parse_registry,
    resolve_registry,
)

# A copy of the plan's text (shared/seed/000_51bba1c74e8458d3.txt), so the quotes are checked on any clone.
SEED = Path(__file__).resolve().parents[1] / "data" / "plan_seed.txt"
REGISTRY = load_registry()
SHIPPED_TEXT = resources.files("yc_reports.plan").joinpath(SHIPPED_PLAN).read_text("utf-8")

# The plan's quantified targets (the seed's): (action, words the name contains, target, unit, year, kind, direction)
PRODUCT_TARGETS = [
    (3, ("绿色产品",), "2", "个", 2025, Kind.CUMULATIVE, Direction.FLOOR),
    (3, ("绿色工厂",), "12", "家", 2025, Kind.CUMULATIVE, Direction.FLOOR),
    (3, ("绿色园区",), "2", "个", 2025, Kind.CUMULATIVE, Direction.FLOOR),
    (3, ("绿色供应链",), "2", "条", 2025, Kind.CUMULATIVE, Direction.FLOOR),
    (4, ("创新平台",), "20", "家", 2023, Kind.CUMULATIVE, Direction.FLOOR),
    (4, ("技术攻关",), "5", "项", 2023, Kind.CUMULATIVE, Direction.FLOOR),
    (4, ("研发机构", "覆盖率"), "100", "%", 2025, Kind.LEVEL, Direction.FLOOR),
    (4, ("研发活动", "覆盖率"), "100", "%", 2025, Kind.LEVEL, Direction.FLOOR),
    (5, ("用水总量",), "22.4", "亿立方米", 2025, Kind.FLOW, Direction.CEILING),
    (5, ("生态基流保证率",), "90", "%", 2025, Kind.LEVEL, Direction.FLOOR),
    (8, ("绿色融资规模增速",), "20", "%", 2023, Kind.LEVEL, Direction.FLOOR),
    (10, ("游客接待",), "1.25", "亿人次", 2025, Kind.FLOW, Direction.FLOOR),
    (10, ("文化和旅游产业综合收入",), "2000", "亿元", 2025, Kind.FLOW, Direction.FLOOR),
]


def find(action_id: int, words: tuple[str, ...]):
    matches = [i for i in REGISTRY.action(action_id).indicators if all(w in i.name for w in words)]
    assert len(matches) == 1, (action_id, words, [i.name for i in matches])
    return matches[0]


@pytest.mark.parametrize("action_id, words, target, unit, year, kind, direction", PRODUCT_TARGETS,
                         ids=["".join(t[1]) for t in PRODUCT_TARGETS])
def test_every_quantified_target_of_the_seed_is_tracked(action_id, words, target, unit, year, kind, direction):
    indicator = find(action_id, words)
    assert indicator.targets[year] == Decimal(target)
    assert (indicator.unit, indicator.kind, indicator.direction) == (unit, kind, direction)


def test_green_finance_doubles_its_2020_base_once_the_office_fills_it_in():
    scale = next(i for i in REGISTRY.action(8).indicators if i.name == "全市绿色融资规模")
    assert scale.baseline.year == 2020 and scale.baseline.value is None
    assert scale.target_value(2025) is None          # reported without a status until then
    edited = SHIPPED_TEXT.replace('baseline = { year = 2020, value = "" }', 'baseline = { year = 2020, value = 620 }')
    office = load_registry_text(edited)
    scale = next(i for i in office.action(8).indicators if i.name == "全市绿色融资规模")
    assert scale.target_value(2025) == Decimal(1240)


def test_province_targets_are_entries_with_an_empty_value():
    energy = next(i for i in REGISTRY.action(1).indicators if "能源消耗" in i.name)
    assert energy.targets == {2023: None, 2025: None}


def test_lead_units_of_the_ten_actions():
    assert [a.lead_units for a in REGISTRY.actions] == [
        ("市发改委",), ("市发改委",), ("市经信局",), ("市科技局",), ("市水利和湖泊局",),
        ("市交通运输局", "市发改委"), ("市发改委",), ("人行市中心支行", "市地方金融工作局"), ("市住建局",),
        ("市文化和旅游局",)]
    assert REGISTRY.plan.doc_number == "宜府办发〔2022〕75号"
    assert (REGISTRY.plan.start_year, REGISTRY.plan.end_year) == (2022, 2025)


def _normalise(text: str) -> str:
    table = str.maketrans({"，": ",", "（": "(", "）": ")", "；": ";", "：": ":", "、": "、", "。": ""})
    return re.sub(r"\s+", "", text.translate(table)).replace("。", "")


def test_every_source_quote_stands_in_the_plan():
    seed = _normalise(SEED.read_text(encoding="utf-8"))
    quotes = [i.source for a in REGISTRY.actions for i in a.indicators] + \
             [t.source for a in REGISTRY.actions for t in a.tasks]
    for quote in quotes:
        position = 0
        for fragment in filter(None, _normalise(quote).split("……")):
            found = seed.find(fragment, position)
            assert found >= 0, f"not in the plan: {fragment!r} (from {quote!r})"
            position = found + len(fragment)


def test_milestones_without_numbers_are_tasks_with_deadlines():
    tasks = {t.content: t.deadline.isoformat() for a in REGISTRY.actions for t in a.tasks}
    assert tasks["完成宜昌市生态价值转化路径研究"] == "2022-12-31"
    assert tasks["完成重要河流水量分配和生态流量保障目标确定"] == "2023-12-31"
    assert tasks["建成三峡综合交通运输体系"] == "2025-12-31"
    assert any("屈原文化公园" in content for content in tasks)


def test_target_year_is_the_nearest_not_yet_past():
    platforms = find(4, ("创新平台",))
    factories = find(3, ("绿色工厂",))
    assert platforms.target_year_for(Quarter(2023, 2)) == 2023
    assert platforms.target_year_for(Quarter(2025, 3)) == 2023   # all past: the last one
    assert factories.target_year_for(Quarter(2022, 1)) == 2025


def load_registry_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.toml"
        path.write_text(text, encoding="utf-8")
        return load_registry(path)


@pytest.mark.parametrize("before, after, named", [
    ('kind = "cumulative"', 'kind = "stock"', "kind"),
    ('targets = { "2025" = 12 }', 'targets = { "2031" = 12 }', "targets"),
    ('targets = { "2025" = 12 }', 'targets = { "2025" = -12 }', "targets.2025"),
    ('targets = { "2025" = 12 }', 'targets = { "2025" = "十二" }', "targets.2025"),
    ('deadline = "2022-12-31"', 'deadline = "年底"', "deadline"),
    ('ahead = 10 ', 'ahead = -40 ', "thresholds"),
    ('key = "green_parks"', 'key = "green_factories"', "green_factories"),
    ('lead_units = ["市经信局"]', 'lead_units = []', "lead_units"),
    ('doc_number = "宜府办发〔2022〕75号"\n', 'doc_number = 75\n', "plan.doc_number"),
])
def test_a_broken_registry_names_the_key_and_never_falls_back(before, after, named):
    assert SHIPPED_TEXT.count(before) >= 1, before
    with pytest.raises(RegistryError) as caught:
        load_registry_text(SHIPPED_TEXT.replace(before, after, 1))
    assert named in str(caught.value)
    assert "计划配置文件" in str(caught.value)


def test_invalid_toml_and_missing_file_are_reported_in_chinese(tmp_path):
    with pytest.raises(RegistryError, match="格式有误"):
        load_registry_text("[plan\nid = 1")
    with pytest.raises(RegistryError, match="找不到计划配置文件"):
        load_registry(tmp_path / "nothere.toml")


def test_the_office_copy_in_inputs_wins_over_the_shipped_plan(tmp_path):
    (tmp_path / "plan.toml").write_text(SHIPPED_TEXT.replace("end_year = 2025", "end_year = 2026"),
                                        encoding="utf-8")
    assert resolve_registry(None, tmp_path).plan.end_year == 2026
    assert resolve_registry(None, tmp_path / "elsewhere").plan.end_year == 2025


def test_a_later_plan_loads_the_same_way():
    later = """
[plan]
id = "yc-2026-2030"
name = "下一期方案（2026—2030年）"
short_name = "下一期行动"
issued = "2026-03-01"
start_year = 2026
end_year = 2030
city = "宜昌市"
headquarters = "指挥部"
office = "指挥部办公室"

[[actions]]
id = 1
name = "示例行动"
lead_units = ["市发改委"]

[[actions.indicators]]
key = "x"
name = "示例指标"
unit = "个"
kind = "cumulative"
targets = { "2028" = 5, "2030" = 10 }
"""
    registry = load_registry_text(later)
    assert registry.covers(Quarter(2030, 4)) and not registry.covers(Quarter(2025, 4))
    assert registry.action(1).indicators[0].target_year_for(Quarter(2029, 1)) == 2030


def test_quarters():
    q = Quarter.parse(" 2025q3 ")
    assert (str(q), q.label, q.end_month_label, q.previous(), q.same_quarter_last_year()) == (
        "2025Q3", "2025年第三季度", "9月底", Quarter(2025, 2), Quarter(2024, 3))
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    for bad in ("2025Q5", "2025-3", "Q3", ""):
        with pytest.raises(QuarterError, match="格式不正确"):
            Quarter.parse(bad)
    assert [cn_numeral(n) for n in (1, 10, 12, 20)] == ["一", "十", "十二", "二十"]


# ------------------------------------------------------------------------------------ [assessment]


def _plan_with(extra: str, tmp_path):
    from importlib import resources

    from yc_reports.plan.registry import SHIPPED_PLAN

    text = resources.files("yc_reports.plan").joinpath(SHIPPED_PLAN).read_text("utf-8")
    start = text.index("[assessment]")
    end = text.index("# ----", start)
    path = tmp_path / "plan.toml"
    path.write_text(text[:start] + extra + "\n" + text[end:], "utf-8")
    return path


def test_assessment_defaults_when_the_table_is_absent(tmp_path):
    from yc_reports.plan.registry import Assessment, load_registry

    assert load_registry(_plan_with("", tmp_path)).assessment == Assessment()


def test_assessment_unknown_key_named_in_chinese(tmp_path):
    import pytest

    from yc_reports.plan.registry import RegistryError, load_registry

    with pytest.raises(RegistryError, match=r"assessment\.task_late：不是考核规则的项目"):
        load_registry(_plan_with("[assessment]\ntask_late = 3", tmp_path))


def test_assessment_negative_deduction_named_in_chinese(tmp_path):
    import pytest

    from yc_reports.plan.registry import RegistryError, load_registry

    with pytest.raises(RegistryError, match=r"assessment\.report_late：季度逾期报送，每次扣分不能为负数"):
        load_registry(_plan_with("[assessment]\nreport_late = -2", tmp_path))


# ------------------------------------------------------------------ the schema's Chinese messages


def _indicator(raw):
    return raw["actions"][2]["indicators"][1]   # action 3's second indicator: green_factories


GREEN = "actions[id=3].indicators[1](key=green_factories)"

SCHEMA_FAULTS = [
    ("kind", lambda r: _indicator(r).update(kind="x"),
     f"{GREEN}.kind：应为 flow / cumulative / level 之一，实际为 'x'"),
    ("direction", lambda r: _indicator(r).update(direction=3), f"{GREEN}.direction：应为 floor 或 ceiling，实际为 3"),
    ("frequency", lambda r: _indicator(r).update(frequency="monthly"),
     f"{GREEN}.frequency：应为 quarterly（按季度）或 annual（按年度）之一，实际为 'monthly'"),
    ("signed", lambda r: _indicator(r).update(signed="yes"), f"{GREEN}.signed：应为 true 或 false，实际为 'yes'"),
    ("decimals", lambda r: _indicator(r).update(decimals=1.5), f"{GREEN}.decimals：应为整数，实际为 1.5"),
    ("name missing", lambda r: _indicator(r).pop("name"), f"{GREEN}.name：缺少此项"),
    ("unit not text", lambda r: _indicator(r).update(unit=5), f"{GREEN}.unit：应为文字，实际为 5"),
    ("no targets", lambda r: _indicator(r).update(targets={}),
     f'{GREEN}.targets：应至少有一个目标年份，如 {{ "2025" = 12 }}'),
    ("year not digits", lambda r: _indicator(r).update(targets={"20x5": 3}),
     f"{GREEN}.targets.20x5：年份 '20x5' 不是四位数字"),
    ("year outside the plan", lambda r: _indicator(r).update(targets={"2031": 3}),
     f"{GREEN}.targets：目标年份 2031 不在计划期 2022—2025 年内"),
    ("negative target", lambda r: _indicator(r).update(targets={"2025": -1}),
     f"{GREEN}.targets.2025：目标值不能为负数"),
    ("target not a number", lambda r: _indicator(r).update(targets={"2025": True}),
     f'{GREEN}.targets.2025：应为数字（待定的目标写作 ""），实际为 True'),
    ("multiple without baseline", lambda r: _indicator(r).update(target_multiple=2),
     f"{GREEN}.target_multiple：按基期倍数设定目标时须同时填写基期年份和基期值"),
    ("baseline not a table", lambda r: _indicator(r).update(baseline=2),
     f"{GREEN}.baseline：应写作 {{ year = 2020, value = 100 }}"),
    ("baseline value", lambda r: _indicator(r).update(baseline={"year": 2020, "value": "x"}),
     f'{GREEN}.baseline.value：应为数字（待定的目标写作 ""），实际为 \'x\''),
    ("task deadline", lambda r: r["actions"][2]["tasks"][0].update(deadline="2025-12-32"),
     "actions[id=3].tasks[0](key=green_demo_units).deadline：应为日期，写作如 \"2025-12-31\"，实际为 '2025-12-32'"),
    ("lead unit not text", lambda r: r["actions"][2].update(lead_units=["市经信局", 3]),
     'actions[id=3].lead_units：应为牵头单位名称列表，如 ["市发改委"]'),
    ("action id missing", lambda r: r["actions"][2].pop("id"), "actions[2].id：缺少此项"),
    ("action not a table", lambda r: r["actions"].__setitem__(2, 5), "actions[2]：应为表"),
    ("duplicate names", lambda r: _indicator(r).update(name=r["actions"][2]["indicators"][0]["name"]),
     f"{GREEN}.name：同一行动内指标名称重复：“开发绿色产品数量”"),
    ("duplicate ids", lambda r: r["actions"][3].update(id=1), "actions[id=1].id：行动编号 1 重复"),
    ("no actions", lambda r: r.update(actions=[]), "actions：缺少行动清单（[[actions]]）"),
    ("no plan", lambda r: r.pop("plan"), "plan：缺少 [plan] 部分"),
    ("end before start", lambda r: r["plan"].update(end_year=2021), "plan.end_year：结束年份 2021 早于开始年份 2022"),
    ("year a boolean", lambda r: r["plan"].update(start_year=True), "plan.start_year：应为整数，实际为 True"),
    ("issued a datetime", lambda r: r["plan"].update(issued=dt.datetime(2022, 11, 22, 9)),
     "plan.issued：应为日期，写作如 \"2025-12-31\"，实际为 datetime.datetime(2022, 11, 22, 9, 0)"),
    ("thresholds not a table", lambda r: r.update(thresholds=3), "thresholds：应为表（[thresholds]）"),
    ("thresholds out of order", lambda r: r["thresholds"].update(watch=0),
     "thresholds：超前、正常、关注三档的下限应依次递减（单位：百分点）"),
    ("grade thresholds out of order", lambda r: r["thresholds"].update(overall_fair=90),
     "thresholds.overall_fair：总体评价“总体顺利”“总体平稳”两档的下限应在0至100之间且依次递减（单位：%）"),
    ("placeholders", lambda r: r.update(texts={"placeholders": ["无", 0]}),
     'texts.placeholders：应为文字列表，如 ["无", "暂无"]'),
    ("assessment not a table", lambda r: r.update(assessment=[]), "assessment：应为表（[assessment]）"),
    ("assessment weights", lambda r: r.update(assessment={"weight_indicators": 0, "weight_tasks": 0,
                                                         "weight_reporting": 0}), "assessment：三项分值之和应大于0"),
    ("assessment a boolean", lambda r: r.update(assessment={"report_late": True}),
     'assessment.report_late：应为数字（待定的目标写作 ""），实际为 True'),
]


@pytest.mark.parametrize("mutate, expected", [f[1:] for f in SCHEMA_FAULTS], ids=[f[0] for f in SCHEMA_FAULTS])
def test_each_schema_fault_is_named_at_its_key_in_chinese(mutate, expected):
    raw = tomllib.loads(SHIPPED_TEXT)
    mutate(raw)
    with pytest.raises(RegistryError) as caught:
        parse_registry(raw, "plan.toml")
    assert str(caught.value) == f"计划配置文件 plan.toml 中 {expected}"


def test_a_pending_baseline_and_an_office_plan_without_texts_load():
    raw = tomllib.loads(SHIPPED_TEXT)
    del raw["texts"]
    _indicator(raw)["baseline"] = {"year": 2020, "value": -3.5}   # a negative base of a signed rate is a fact
    registry = parse_registry(raw, "plan.toml")
    assert registry.placeholders == REGISTRY.placeholders and "暂无" in registry.placeholders
    assert registry.action(3).indicators[1].baseline.value == Decimal("-3.5")
    assert registry == REGISTRY.__class__(**{**REGISTRY.__dict__, "actions": registry.actions})


def test_targets_are_sorted_by_year_and_floats_keep_their_written_digits():
    raw = tomllib.loads(SHIPPED_TEXT)
    _indicator(raw)["targets"] = {"2025": 12.1, "2023": 7}
    indicator = parse_registry(raw, "plan.toml").action(3).indicators[1]
    assert list(indicator.targets.items()) == [(2023, Decimal(7)), (2025, Decimal("12.1"))]
