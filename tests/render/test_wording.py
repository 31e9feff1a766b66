"""The report sentences: numbers written as an office writes them, from templates/indicator.j2."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from yc_reports.analysis.model import IndicatorResult, Status, Unrated
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Direction, Kind
from yc_reports.render.wording import Wording, WordingError, parse_outline

Q3 = Quarter(2025, 3)


def indicator(**overrides) -> IndicatorResult:
    base = dict(
        key="green_factories", name="新增绿色工厂数量", unit="家", kind=Kind.CUMULATIVE,
        direction=Direction.FLOOR, decimals=0, target_year=2025, target=Decimal(12), target_note="",
        actual=Decimal(8), completion=Fraction(2, 3), time_progress=Fraction(15, 16),
        gap_points=(Fraction(2, 3) - Fraction(15, 16)) * 100, status=Status.WATCH,
    )
    base.update(overrides)
    return IndicatorResult(**base)


@pytest.fixture(scope="module")
def wording() -> Wording:
    return Wording()


def test_cumulative_sentence_states_completion_and_gap(wording):
    assert wording.indicator_sentence(indicator(), Q3) == (
        "截至9月底，新增绿色工厂数量为8家，完成2025年目标（12家）的66.7%，低于时序进度27.1个百分点。")


def test_flow_sentence_speaks_of_the_year_so_far_with_year_on_year_change(wording):
    ind = indicator(name="全市游客接待规模", unit="亿人次", kind=Kind.FLOW, decimals=2, target=Decimal("1.25"),
                    actual=Decimal("0.98"), completion=Fraction(98, 125), time_progress=Fraction(3, 4),
                    gap_points=(Fraction(98, 125) - Fraction(3, 4)) * 100, status=Status.ON_TRACK,
                    yoy=Fraction(123, 1000))
    assert wording.indicator_sentence(ind, Q3) == (
        "今年1—9月，全市游客接待规模为0.98亿人次，完成2025年目标（1.25亿人次）的78.4%，"
        "高于时序进度3.4个百分点，同比增长12.3%。")


def test_ceiling_over_the_pro_rata_share_is_called_behind(wording):
    completion = Fraction(18, 1) / Fraction(224, 10)
    ind = indicator(name="全市用水总量", unit="亿立方米", kind=Kind.FLOW, direction=Direction.CEILING, decimals=2,
                    target=Decimal("22.4"), actual=Decimal(18), completion=completion,
                    time_progress=Fraction(3, 4), gap_points=(Fraction(3, 4) - completion) * 100,
                    status=Status.WATCH)
    assert wording.indicator_sentence(ind, Q3) == (
        "今年1—9月，全市用水总量为18亿立方米，占2025年控制目标（22.4亿立方米）的80.4%，"
        "高于时序进度5.4个百分点，超出序时控制进度。")


def test_target_left_to_the_province_is_not_judged(wording):
    ind = indicator(name="单位GDP能源消耗降低率", unit="%", kind=Kind.LEVEL, decimals=1, target=None,
                    target_note="完成省下达目标", actual=Decimal("3.2"), completion=None, time_progress=None,
                    gap_points=None, status=Status.NOT_RATED)
    assert wording.indicator_sentence(ind, Q3) == (
        "截至9月底，单位GDP能源消耗降低率为3.2%；目标（完成省下达目标）具体数值待下达，暂不评价。")


def test_level_without_a_base_says_how_far_from_the_floor_and_when_it_is_judged(wording):
    # third version: no base, no path — not judged before its target year's Q4; the distance and the year
    ind = indicator(name="规模以上企业研发机构覆盖率", unit="%", kind=Kind.LEVEL, decimals=1,
                    target=Decimal(100), actual=Decimal("92.5"), completion=None,
                    time_progress=None, gap_points=None, status=Status.NOT_RATED, unrated=Unrated.NO_BASE)
    assert wording.indicator_sentence(ind, Q3) == (
        "截至9月底，规模以上企业研发机构覆盖率为92.5%，距2025年目标（100%）尚差7.5个百分点；"
        "未设基期值，于2025年第四季度评价目标完成情况，此前不作评价。")


def test_a_rate_changes_by_percentage_points(wording):
    ind = indicator(name="规模以上企业研发活动覆盖率", unit="%", kind=Kind.LEVEL, decimals=1, target=Decimal(100),
                    actual=Decimal("93.0"), completion=None, time_progress=None,
                    gap_points=None, status=Status.NOT_RATED, unrated=Unrated.NO_BASE, last_year=Decimal("86.0"),
                    previous=Decimal("93.0"), yoy=Fraction(70, 860), qoq=Fraction(0))
    assert wording.indicator_sentence(ind, Q3) == (
        "截至9月底，规模以上企业研发活动覆盖率为93%，距2025年目标（100%）尚差7个百分点，"
        "比上年同期提高7个百分点，比上季度末持平；未设基期值，于2025年第四季度评价目标完成情况，此前不作评价。")


def test_a_year_to_date_flow_has_no_quarter_on_quarter_change(wording):
    ind = indicator(name="文化和旅游产业综合收入", unit="亿元", kind=Kind.FLOW, decimals=1, target=Decimal(2000),
                    actual=Decimal(1020), completion=Fraction(51, 100), time_progress=Fraction(3, 4),
                    gap_points=Fraction(-24), status=Status.WATCH, previous=Decimal(620), last_year=Decimal(830),
                    qoq=Fraction(400, 620), yoy=Fraction(190, 830))
    assert wording.indicator_sentence(ind, Q3) == (
        "今年1—9月，文化和旅游产业综合收入为1020亿元，完成2025年目标（2000亿元）的51%，"
        "低于时序进度24个百分点，同比增长22.9%。")


def test_target_reached_before_its_year_is_called_done_early(wording):
    ind = indicator(name="开发绿色产品数量", unit="个", target=Decimal(2), actual=Decimal(2), completion=Fraction(1),
                    gap_points=(1 - Fraction(15, 16)) * 100, status=Status.ON_TRACK)
    assert wording.indicator_sentence(ind, Q3) == (
        "截至9月底，开发绿色产品数量为2个，完成2025年目标（2个）的100%，已提前完成目标任务。")


def test_missing_figure_quotes_the_units_explanation(wording):
    ind = indicator(actual=None, completion=None, gap_points=None, status=Status.NO_DATA, note="统计数据尚未发布")
    assert wording.indicator_sentence(ind, Q3) == (
        "新增绿色工厂数量本季度未填报，请牵头单位补报（牵头单位说明：统计数据尚未发布）。")


def test_year_end_met(wording):
    ind = indicator(actual=Decimal(12), completion=Fraction(1), time_progress=Fraction(1), gap_points=Fraction(0),
                    status=Status.MET)
    assert wording.indicator_sentence(ind, Quarter(2025, 4)) == (
        "截至12月底，新增绿色工厂数量为12家，达到2025年目标（12家），完成目标任务。")


def test_outline_markers():
    blocks = parse_outline("标题：关于X的通报\n主送：各单位：\n# 一、总体情况\n\n正文。\n[[图:亮灯总览]]\n[[表：行动总览]]\n")
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        ("title", "关于X的通报", 0), ("recipient", "各单位：", 0), ("heading", "一、总体情况", 1),
        ("paragraph", "正文。", 0), ("figure", "亮灯总览", 0), ("table", "行动总览", 0)]


def test_a_broken_template_is_named_in_chinese(tmp_path):
    (tmp_path / "indicator.j2").write_text("{{ ind.no_such_field }}", encoding="utf-8")
    with pytest.raises(WordingError, match=r"indicator\.j2"):
        Wording(tmp_path).indicator_sentence(indicator(), Q3)


# ------------------------------------------------------------------------------------ the office's own templates


def test_office_templates_override_the_shipped_ones_file_by_file(tmp_path):
    from yc_reports.render.wording import export_templates, template_dirs_for

    result = export_templates(tmp_path)
    assert "summary.j2" in result.written and result.kept == ()
    (tmp_path / "templates" / "indicator.j2").write_text("办公室的说法：{{ ind.name }}", encoding="utf-8")
    (tmp_path / "templates" / "action.j2").unlink()          # not there: the shipped one is used
    office = Wording(template_dirs_for(tmp_path))
    assert office.indicator_sentence(indicator(), Q3) == "办公室的说法：新增绿色工厂数量"
    from yc_reports.render.wording import default_template_dir

    assert Path(office.env.get_template("action.j2").filename).parent == default_template_dir()
    again = export_templates(tmp_path)
    assert "indicator.j2" in again.kept and "action.j2" in again.written
    assert (tmp_path / "templates" / "indicator.j2").read_text(encoding="utf-8") == "办公室的说法：{{ ind.name }}"


def test_a_broken_office_template_is_named_before_anything_is_written(tmp_path):
    from yc_reports.render.wording import template_dirs_for

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "summary.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(WordingError, match=r"summary\.j2"):
        Wording(template_dirs_for(tmp_path)).check()


# ------------------------------------------------------------------------------------ compiled templates


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(tmp_path, monkeypatch):
    """Compiling labels.j2 costs every process ~40 ms: the compiled code is kept in the per-user cache,
    and jinja2 checks it against the template's text, so the office's next edit is what prints."""
    from yc_reports.jsoncache import CACHE_DIR_ENV

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    office = tmp_path / "templates"
    office.mkdir()
    (office / "labels.j2").write_text("{% macro check_passed() %}通过{% endmacro %}", encoding="utf-8")
    assert Wording([office]).label("check_passed") == "通过"
    assert len(list((tmp_path / "cache" / "templates").rglob("*.cache"))) == 1
    (office / "labels.j2").write_text("{% macro check_passed() %}校验通过{% endmacro %}", encoding="utf-8")
    assert Wording([office]).label("check_passed") == "校验通过"


def test_wording_works_without_a_writable_cache(tmp_path, monkeypatch):
    from yc_reports.jsoncache import CACHE_DIR_ENV

    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocked))
    refused = Wording()
    assert refused.env.bytecode_cache is None and refused.label("check_passed") == "通过"
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    assert Wording().env.bytecode_cache is None and Wording().label("check_passed") == "通过"


# ------------------------------------------------------------------------------------ a green light's reason


@pytest.mark.parametrize(("statuses", "said"), [
    ((Status.ON_TRACK, Status.AHEAD), "纳入评价的2项指标均进度正常或超前"),
    ((Status.MET, Status.MET, Status.MET), "纳入评价的3项指标均已完成目标"),
    ((Status.MET, Status.ON_TRACK), "纳入评价的2项指标均已完成目标或进度正常、超前"),
    ((Status.MET,), "纳入评价的指标已完成目标"),
])
def test_a_green_lights_reason_says_what_holds_for_every_indicator(wording, statuses, said):
    """At a target year's end a met target is done, not 进度正常或超前 (the 2025Q4 通报 said that of 第五项)."""
    from yc_reports.analysis.model import Reason, ReasonKind

    reason = Reason(ReasonKind.ON_TRACK, indicators=tuple(indicator(status=s) for s in statuses))
    assert wording.fact(reason) == said


def test_an_office_copy_from_an_earlier_version_lacks_new_macros_and_still_works(tmp_path):
    """The office's labels.j2 and facts.j2 were exported by an earlier version: the macros added since
    (here table_headers, and facts.j2's light_label) come from the shipped files; what the office changed
    still prints."""
    import re

    from yc_reports.render.wording import export_templates, template_dirs_for

    export_templates(tmp_path)
    labels = tmp_path / "templates" / "labels.j2"
    text = re.sub(r"\{%- macro table_headers\(table\) -%\}.*?\{%- endmacro -%\}", "", labels.read_text("utf-8"),
                  flags=re.S)
    assert "macro table_headers" not in text
    labels.write_text(text.replace("{%- macro check_passed() -%}通过", "{%- macro check_passed() -%}校验通过"), "utf-8")
    facts = tmp_path / "templates" / "facts.j2"
    old_facts = re.sub(r"\{%- macro light_label\(a\) -%\}.*?\{%- endmacro -%\}", "", facts.read_text("utf-8"),
                       flags=re.S)
    assert "macro light_label" not in old_facts
    facts.write_text(old_facts, "utf-8")
    office = Wording(template_dirs_for(tmp_path))
    assert office.label("check_passed") == "校验通过"
    assert office.label("table_headers", table="tasks") == "序号|任务内容|完成时限|完成状态|进展情况"
    import chart_fixtures

    report = chart_fixtures.quarter_report()
    assert [office.light_label(a) for a in report.actions] == [Wording().light_label(a) for a in report.actions]
    with pytest.raises(WordingError, match="没有“no_such_label”"):
        office.label("no_such_label")
