"""Charts: deterministic PNGs in the shipped Chinese face, colours that match the lights, print sizes."""

from __future__ import annotations

import dataclasses
import io
import itertools
import struct
from fractions import Fraction

import pytest
from matplotlib import ft2font
from matplotlib.font_manager import fontManager
from matplotlib.text import Text
from PIL import Image

import chart_fixtures as fx
from yc_reports.analysis.model import IndicatorResult, Light, Status
from yc_reports.render import charts, fonts
from yc_reports.render.charts import Chart
from yc_reports.render.palette import LIGHT_STYLES, MIN_GREY_STEP, grey_level
from yc_reports.render.wording import Wording

W = Wording()   # the shipped labels (templates/labels.j2)
WIDTH_PX = round(156 / 25.4 * charts.DPI)


def all_charts() -> dict[str, Chart]:
    report = fx.quarter_report()
    action = fx.green_manufacturing()
    return {
        "indicator_progress": charts.indicator_progress_chart(action, wording=W),
        "trend_count": charts.trend_chart(fx.GREEN_FACTORIES, wording=W),
        "trend_ceiling": charts.trend_chart(fx.WATER_USE, wording=W),
        "trend_level": charts.trend_chart(fx.COVERAGE, wording=W),
        "project_investment": charts.project_investment_chart(action, wording=W),
        "summary_progress": charts.summary_progress_chart(report, wording=W),
        "task_deadlines": charts.task_deadline_chart(report.action(2), report.quarter.end_date, wording=W),
        "submission": charts.submission_chart(report, wording=W),
    }


@pytest.fixture(scope="module")
def rendered() -> dict[str, Chart]:
    return all_charts()


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kinds.append(data[at + 4:at + 8])
        at += 12 + length
    return kinds


def colour_pixels(png: bytes, rgb: str) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    target = tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    return sum(count for count, colour in image.getcolors(maxcolors=1 << 20) if colour == target)


def test_the_same_inputs_give_the_same_bytes(rendered):
    again = all_charts()
    for name, chart in rendered.items():
        assert chart.png == again[name].png, name


def test_pngs_carry_no_dates_or_software_names(rendered):
    for name, chart in rendered.items():
        kinds = png_chunks(chart.png)
        assert not {b"tIME", b"tEXt", b"iTXt", b"zTXt"} & set(kinds), name
        assert b"matplotlib" not in chart.png, name
        image = Image.open(io.BytesIO(chart.png))
        assert image.mode == "RGB" and round(image.info["dpi"][0]) == charts.DPI, name


def test_charts_are_sized_for_the_text_block_at_200_dpi(rendered):
    for name, chart in rendered.items():
        width, height = Image.open(io.BytesIO(chart.png)).size
        assert chart.width_mm == 156
        assert width == WIDTH_PX, name
        assert 40 / 25.4 * charts.DPI <= height <= 160 / 25.4 * charts.DPI, name
    # Rows grow with the number of indicators: 4 indicators, 11 mm each, plus title and legend.
    _, height = Image.open(io.BytesIO(rendered["indicator_progress"].png)).size
    assert abs(height - (13 + 4 * 11 + 9.5 + 5.5) / 25.4 * charts.DPI) <= 1


def test_bar_colours_match_the_lights(rendered):
    progress = rendered["indicator_progress"].png
    # 开发绿色产品 (ahead) green, 新增绿色工厂 (watch) yellow, 建设绿色园区 (lagging) red.
    for light in (Light.GREEN, Light.YELLOW, Light.RED):
        assert colour_pixels(progress, LIGHT_STYLES[light].ink) > 2000, light
    summary = rendered["summary_progress"].png
    for light in (Light.GREEN, Light.YELLOW, Light.RED):
        assert colour_pixels(summary, LIGHT_STYLES[light].ink) > 500, light


def grey_pixels(png: bytes) -> list[int]:
    """The grey level (L, as a black-and-white print shows it) of every pixel."""
    return list(Image.open(io.BytesIO(png)).convert("L").tobytes())


def test_lights_differ_in_grey_level_printed_in_black_and_white(rendered):
    # measured in the PNG as printed in grey: red 60, green 135, yellow 199 (grey: white, hatched)
    levels = {light: round(grey_level(LIGHT_STYLES[light].ink)) for light in (Light.RED, Light.GREEN, Light.YELLOW)}
    assert levels == {Light.RED: 60, Light.GREEN: 135, Light.YELLOW: 199}
    pixels = grey_pixels(rendered["indicator_progress"].png)
    for light, level in levels.items():
        assert sum(1 for v in pixels if abs(v - level) <= 1) > 2000, light
    ordered = sorted(levels.values())
    assert all(b - a >= MIN_GREY_STEP for a, b in itertools.pairwise(ordered))
    fills = sorted(grey_level(LIGHT_STYLES[light].fill) for light in (Light.RED, Light.GREEN, Light.YELLOW))
    assert all(b - a >= MIN_GREY_STEP for a, b in itertools.pairwise(fills))          # 133, 183, 229: table cells
    assert LIGHT_STYLES[Light.GREY].hatch and LIGHT_STYLES[Light.GREY].cell_pattern != "clear"   # a pattern


def test_grey_tiles_are_hatched(rendered):
    # 第六项 未报送: a white tile with grey hatching, not a flat grey that prints like the others
    image = Image.open(io.BytesIO(rendered["submission"].png)).convert("RGB")
    hatch = tuple(int(charts.PATTERN_INK[i:i + 2], 16) for i in (0, 2, 4))
    assert sum(c for c, colour in image.getcolors(1 << 20) if colour == hatch) > 200


def test_summary_chart_draws_every_indicator_against_time_progress_without_averages(rendered):
    report = fx.quarter_report()
    rows = charts.progress_rows(report)
    assert rows and all(ind.gap_points is not None for _, ind in rows)
    alt = rendered["summary_progress"].alt_text
    assert "与时序进度的差距" in alt and "平均" not in alt
    assert all(f"第{a.action.cn_number}项{ind.name}" in alt for a, ind in rows)


def test_an_action_without_indicators_gets_its_tasks_against_deadlines(rendered):
    chart = rendered["task_deadlines"]
    assert chart.png.startswith(b"\x89PNG")
    assert "完成时限2025年12月31日" in chart.alt_text


def test_task_bars_never_wear_the_yellow_of_a_yellow_light(rendered):
    """正常推进 is good news: drawn in the paler green of the table cells (grey 182 against 135 for 已完成,
    60 for 滞后), never in the yellow that means 关注 everywhere else in the documents."""
    report = fx.quarter_report()
    states = {charts.task_state(t) for t in report.action(2).tasks}
    assert {"done", "on_track"} <= states
    image = Image.open(io.BytesIO(rendered["task_deadlines"].png)).convert("RGB")
    counts = {colour: c for c, colour in image.getcolors(1 << 20)}

    def pixels(rgb: str) -> int:
        return counts.get(tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4)), 0)

    assert pixels(LIGHT_STYLES[Light.YELLOW].ink) == 0
    assert pixels(LIGHT_STYLES[Light.GREEN].fill) > 500 and pixels(LIGHT_STYLES[Light.GREEN].ink) > 500
    levels = sorted(round(grey_level(s)) for s in (LIGHT_STYLES[Light.GREEN].fill, LIGHT_STYLES[Light.GREEN].ink,
                                                    LIGHT_STYLES[Light.RED].ink))
    assert levels == [60, 135, 182] and all(b - a >= MIN_GREY_STEP for a, b in itertools.pairwise(levels))


def test_text_is_readable_at_print_size(monkeypatch):
    sizes: list[float] = []
    original = charts.Canvas.png

    def capture(canvas):
        sizes.extend(t.get_fontsize() for t in canvas.figure.findobj(Text) if t.get_text() and t.get_visible())
        return original(canvas)

    monkeypatch.setattr(charts.Canvas, "png", capture)
    all_charts()
    assert sizes and min(sizes) >= 9


def test_chinese_text_is_drawn_with_the_shipped_simplified_chinese_face():
    import noto_cjk_sans_otc

    path = fonts.cjk_font_path()
    assert path.path == str(noto_cjk_sans_otc.FONT_PATH) and path.face_index == 2
    found = fontManager.findfont(fonts.cjk_font(10.5))
    assert found.path == path.path and found.face_index == 2
    face = ft2font.FT2Font(found.path, face_index=found.face_index)
    assert face.family_name == "Noto Sans CJK SC"
    japanese = ft2font.FT2Font(found.path, face_index=0)
    # SC glyph forms, not JP: the collection maps these characters to different glyphs per region.
    assert face.get_char_index(ord("直")) != japanese.get_char_index(ord("直"))
    assert face.get_char_index(ord("骨")) != japanese.get_char_index(ord("骨"))


def test_rendering_uses_face_index_two():
    from matplotlib.backends.backend_agg import RendererAgg

    font = RendererAgg(10, 10, 72)._prepare_font(fonts.cjk_font(12))
    assert font.family_name == "Noto Sans CJK SC"


def test_register_is_idempotent():
    assert fonts.register_cjk_font() == fonts.register_cjk_font() == "Noto Sans CJK SC"


def test_alt_texts_say_what_the_chart_shows(rendered):
    progress = rendered["indicator_progress"].alt_text
    assert "新增绿色工厂数量完成66.7%，时序进度93.8%，关注" in progress
    assert "打造绿色供应链数量暂无数据" in progress
    trend = rendered["trend_count"].alt_text
    assert "2025年第一季度未报" in trend and "2025年目标12家" in trend
    assert "15.8亿立方米" in rendered["trend_ceiling"].alt_text
    project = rendered["project_investment"].alt_text
    assert "猇亭区磷石膏综合利用项目年度计划18000万元，累计完成6200万元（34.4%）" in project
    assert "数据待核实1项（第九项）" in rendered["submission"].alt_text
    assert "未报送1项（第六项）" in rendered["submission"].alt_text


def test_charts_cope_with_nothing_to_show():
    empty = fx.action_result(2, Light.GREEN)
    for chart in (charts.indicator_progress_chart(empty, wording=W), charts.project_investment_chart(empty, wording=W)):
        assert chart.png.startswith(b"\x89PNG")
    blank = fx.indicator("新增绿色工厂数量", "家", "12", None, fx.Status.NO_DATA, trend=(None, None))
    assert charts.trend_chart(blank, wording=W).png.startswith(b"\x89PNG")


def stage_result(actual: str, status: Status) -> IndicatorResult:
    """绿色技术创新平台数量: the seed's 2023 target of 20 (家以上), judged in 2023 and reported in 2025 as a
    stage result (阶段性目标)."""
    base = fx.indicator("绿色技术创新平台数量", "家", "20", actual, status, progress=Fraction(1))
    return dataclasses.replace(base, target_year=2023, current=False)


def test_a_missed_stage_result_is_no_red_bar_in_the_progress_chart():
    # 14 of 20 platforms by 2023: 70%, 未完成 — a stage result, not a current item behind time
    missed = stage_result("14", Status.NOT_MET)
    action = fx.action_result(4, Light.GREEN, indicators=(fx.COVERAGE, missed))
    chart = charts.indicator_progress_chart(action, wording=W)
    assert colour_pixels(chart.png, LIGHT_STYLES[Light.RED].ink) == 0
    assert colour_pixels(chart.png, LIGHT_STYLES[Light.GREEN].ink) > 2000      # 研发机构覆盖率 (current) is drawn
    assert "绿色技术创新平台数量2023年阶段性目标未完成（70%）" in chart.alt_text
    assert "绿色技术创新平台数量完成" not in chart.alt_text


def test_stage_results_are_left_out_of_the_summary_gap_chart():
    report = fx.quarter_report()
    missed = stage_result("14", Status.NOT_MET)
    four = dataclasses.replace(report.action(4), indicators=(fx.COVERAGE, missed))
    report = dataclasses.replace(report, actions=tuple(four if a.action.id == 4 else a for a in report.actions))
    assert missed not in [ind for _, ind in charts.progress_rows(report)]
    assert fx.COVERAGE in [ind for a, ind in charts.progress_rows(report) if a.action.id == 4]
    alt = charts.summary_progress_chart(report, wording=W).alt_text
    assert "绿色技术创新平台数量" not in alt and "第四项规模以上企业研发机构覆盖率" in alt


def test_an_office_label_changes_the_chart(tmp_path):
    office = tmp_path / "templates"
    office.mkdir()
    shipped = (W.template_dir / "labels.j2").read_text(encoding="utf-8")
    (office / "labels.j2").write_text(shipped.replace("时序进度{%- endmacro -%}", "序时进度{%- endmacro -%}"),
                                      encoding="utf-8")
    mine = Wording((office, W.template_dir))
    chart = charts.indicator_progress_chart(fx.green_manufacturing(), wording=mine)
    assert "各指标完成率与序时进度" in chart.alt_text and "时序进度" not in chart.alt_text
    assert chart.png != charts.indicator_progress_chart(fx.green_manufacturing(), wording=W).png


# ------------------------------------------------------------------------------------ long lists


def png_height_mm(png: bytes) -> float:
    image = Image.open(io.BytesIO(png))
    return image.height / charts.DPI * 25.4


def test_a_long_task_list_is_summarised_not_a_page_long_picture():
    """123 tasks (the first version drew a 1.85 m picture, clipped after 14): the counts by state, and the first
    tasks behind against their deadlines, with how many more there are — one picture shorter than a page."""
    import dataclasses
    import datetime as dt

    from yc_reports.analysis.model import TaskResult
    from yc_reports.intake.records import TaskStatus

    def task(i: int) -> TaskResult:
        late = i % 3 == 0
        return TaskResult(key=f"t{i}", content=f"都市圈协同事项第{i}项", deadline=dt.date(2025, 6, 30),
                          reported=TaskStatus.ON_SCHEDULE if late else TaskStatus.DONE, overdue=late, behind=late,
                          progress="", problems="")
    action = dataclasses.replace(fx.action_result(7, Light.RED), tasks=tuple(task(i) for i in range(123)))
    chart = charts.task_chart(action, fx.Q.end_date, wording=W)
    assert png_height_mm(chart.png) < 200
    assert "重点任务123项，已完成82项、滞后或逾期41项" in chart.alt_text
    assert "都市圈协同事项第0项（完成时限2025年6月30日）" in chart.alt_text and "等41项" in chart.alt_text
    assert "都市圈协同事项第6项" in chart.alt_text and "都市圈协同事项第9项" not in chart.alt_text   # three drawn
    few = dataclasses.replace(action, tasks=action.tasks[:5])
    assert "重点任务完成时限与进度" in charts.task_chart(few, fx.Q.end_date, wording=W).alt_text


def test_a_long_project_list_is_drawn_in_charts_of_fifteen():
    import dataclasses

    projects = tuple(fx.project(f"项目{i}", "1000", "600", fx.Status.ON_TRACK) for i in range(40))
    action = dataclasses.replace(fx.green_manufacturing(), projects=projects)
    drawn = charts.project_investment_charts(action, wording=W)
    assert len(drawn) == 3 and all(png_height_mm(c.png) < 230 for c in drawn)
    assert "项目0年度计划" in drawn[0].alt_text and "项目15年度计划" in drawn[1].alt_text
    assert "项目15年度计划" not in drawn[0].alt_text


def test_trends_stand_two_a_row():
    grid = charts.trend_charts([fx.GREEN_FACTORIES, fx.WATER_USE, fx.COVERAGE], wording=W)
    assert len(grid) == 1 and png_height_mm(grid[0].png) < 2 * 60 + 5
    assert all(name in grid[0].alt_text for name in ("新增绿色工厂数量", "全市用水总量", "规模以上企业研发机构覆盖率"))
    assert charts.trend_charts([fx.GREEN_FACTORIES], wording=W)[0].alt_text == charts.trend_chart(
        fx.GREEN_FACTORIES, wording=W).alt_text
