"""Charts for the reports, as PNG bytes with alt text, sized for the 156 mm text block.

matplotlib's object API (Figure + Agg canvas) only: no pyplot, no global state, safe in threads and
worker processes. Text is drawn with the shipped Noto Sans CJK SC face (see fonts.py); sizes are
points at print size (charts are placed at `width_mm`, 1:1). The same report gives the same bytes:
no timestamps or software names in the PNG.

Every word drawn or written (titles, legends, axis labels, annotations, alt text) comes from the wording
layer, `templates/labels.j2` through `Wording.label`: each chart takes the caller's `Wording`, so the
office's own `inputs/templates/labels.j2` changes the charts too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.ticker import MaxNLocator

from yc_reports.analysis.model import (
    ActionResult,
    IndicatorResult,
    Light,
    ProjectResult,
    QuarterReport,
    Status,
    TaskResult,
)
from yc_reports.numfmt import cn_date, fmt_number, fmt_percent
from yc_reports.plan.registry import Kind
from yc_reports.render.fonts import cjk_font
from yc_reports.render.palette import PATTERN_INK, grey_level, light_style
from yc_reports.render.wording import Wording
from yc_reports.textwidth import text_width_em

DPI = 200
TEXT_WIDTH_MM = 156
TITLE_PT = 12
LABEL_PT = 10.5
SMALL_PT = 9
INK = "#222222"
MUTED = "#666666"
GRID = "#D9D9D9"
PLAN_BAR = "#D6D6D6"
LINE = "#34495E"



@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    width_mm: float
    caption: str | None = None   # set under the figure (from the wording layer)


def colour(light: Light) -> str:
    """The light's chart ink: colours that differ in grey level as well as hue (see palette.py)."""
    return "#" + light_style(light).ink


def paint(light: Light) -> dict:
    """matplotlib patch keywords for a light: its ink, and for grey a hatch on white with an outline."""
    style = light_style(light)
    if style.hatch:
        return dict(facecolor=colour(light), hatch=style.hatch, edgecolor="#" + PATTERN_INK, linewidth=0.6)
    return dict(color=colour(light))


def _text_on(light: Light) -> str:
    """White text on a dark ink, black on a light one."""
    return "white" if grey_level(light_style(light).ink) < 150 else INK


def status_colour(status: Status) -> str:
    return colour(status.light)


# ------------------------------------------------------------------------------------- drawing helpers


class Canvas:
    """A figure of a given size in millimetres, with axes placed in millimetres too."""

    def __init__(self, width_mm: float, height_mm: float) -> None:
        self.width_mm, self.height_mm = width_mm, height_mm
        self.figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=DPI, facecolor="white")
        self.agg = FigureCanvasAgg(self.figure)

    def axes(self, left: float, top: float, right: float, bottom: float) -> Axes:
        """Axes whose plot area lies `left`, `top`, `right`, `bottom` mm in from the figure's edges."""
        w, h = self.width_mm, self.height_mm
        ax = self.figure.add_axes((left / w, bottom / h, (w - left - right) / w, (h - top - bottom) / h))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(MUTED)
            ax.spines[side].set_linewidth(0.8)
        ax.tick_params(colors=MUTED, width=0.8, length=3)
        return ax

    def title(self, text: str) -> None:
        self.figure.text(0.5, 1 - 2.5 / self.height_mm, text, ha="center", va="top", color=INK,
                         fontproperties=cjk_font(TITLE_PT))

    def png(self) -> bytes:
        """Opaque RGB PNG (no alpha channel for Word, WPS or the PDF export to fuss over), with the
        resolution recorded and no text chunks: no software name, no date."""
        from PIL import Image

        agg = self.agg
        agg.draw()
        image = Image.frombuffer("RGBA", agg.get_width_height(), agg.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG", dpi=(DPI, DPI))
        return buffer.getvalue()


def wrap(text: str, width_em: int) -> str:
    """Lines of at most `width_em` characters, as even as possible (no one-character last line)."""
    if len(text) <= width_em:
        return text
    n_lines = -(-len(text) // width_em)
    size = -(-len(text) // n_lines)
    return "\n".join(text[i:i + size] for i in range(0, len(text), size))


def _percent_axis(ax: Axes, upper: float, *, axis: str = "x") -> None:
    """A 0..upper % axis with ticks every 20 (or 50) points, labelled by us (no mathtext, no minus sign)."""
    step = 20 if upper <= 160 else 50
    ticks = list(range(0, int(upper) + 1, step))
    labels = [f"{t}%" for t in ticks]
    if axis == "x":
        ax.set_xlim(0, upper)
        ax.set_xticks(ticks, labels, fontproperties=cjk_font(SMALL_PT))
        ax.grid(axis="x", color=GRID, linewidth=0.6)
    else:
        ax.set_ylim(0, upper)
        ax.set_yticks(ticks, labels, fontproperties=cjk_font(SMALL_PT))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _number_ticks(ax: Axes, low: float, high: float, decimals: int, *, axis: str) -> None:
    # whole-number figures (counts) get whole-number ticks: never "1, 1, 2, 2" from rounding 0.5 steps
    ticks = [t for t in MaxNLocator(nbins=5, integer=decimals == 0).tick_values(low, high) if low <= t <= high]
    places = decimals if any(abs(t - round(t)) > 1e-9 for t in ticks) else 0
    labels = [fmt_number(Fraction(t).limit_denominator(10 ** 6), places) for t in ticks]
    if axis == "x":
        ax.set_xlim(low, high)
        ax.set_xticks(ticks, labels, fontproperties=cjk_font(SMALL_PT))
        ax.grid(axis="x", color=GRID, linewidth=0.6)
    else:
        ax.set_ylim(low, high)
        ax.set_yticks(ticks, labels, fontproperties=cjk_font(SMALL_PT))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


LEGEND_ROW_MM = 5.5


def _legend_columns(labels: Sequence[str], width_mm: float = TEXT_WIDTH_MM) -> int:
    """One row when the legend fits the figure's width, else two."""
    em_mm = SMALL_PT * 25.4 / 72
    needed = sum((text_width_em(label, autospace=False) + 3.5) * em_mm for label in labels)
    return len(labels) if needed <= width_mm - 8 else -(-len(labels) // 2)


def _legend_rows(labels: Sequence[str]) -> int:
    return -(-len(labels) // _legend_columns(labels))


def legend(canvas: Canvas, handles: Sequence, labels: Sequence[str], bottom_mm: float = 1.5) -> None:
    """A legend centred under the plot (leave `LEGEND_ROW_MM` per row of `_legend_rows` below the axis)."""
    canvas.figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, bottom_mm / canvas.height_mm),
                         ncol=_legend_columns(labels, canvas.width_mm), frameon=False, prop=cjk_font(SMALL_PT),
                         handlelength=1.4, handletextpad=0.5, columnspacing=1.6, labelcolor=INK)


def _first_seen(lights: Iterable[Light]) -> list[Light]:
    """The lights present, in legend order (green, yellow, red, grey)."""
    present = set(lights)
    return [light for light in (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY) if light in present]


def _percent(ratio: Fraction) -> float:
    return float(ratio * 100)


def _axis_upper(values: Iterable[float], floor: float = 100) -> float:
    highest = max([floor, *values])
    return float(min(300, 20 * (int(highest * 1.15) // 20 + 1)))


# ------------------------------------------------------------------------------------- per action

CHART_ROWS_MAX = 15   # bars in one chart; a longer list is drawn in several charts of this many


def indicator_progress_charts(action: ActionResult, *, wording: Wording) -> list[Chart]:
    """The indicators' progress, in charts of at most CHART_ROWS_MAX indicators each."""
    indicators = list(action.indicators)
    return [indicator_progress_chart(action, wording=wording, indicators=indicators[i:i + CHART_ROWS_MAX])
            for i in range(0, len(indicators), CHART_ROWS_MAX)]


def indicator_progress_chart(action: ActionResult, *, wording: Wording,
                             indicators: Sequence[IndicatorResult] | None = None) -> Chart:
    """Each indicator's completion against its own time progress: bars coloured by status. A stage result
    (阶段性目标: its last target year has passed) gets no bar and no light: its row names the outcome in
    muted words, so it never reads as a current item ahead of or behind time. `indicators`: a part of the
    action's list (default all of it)."""
    indicators = list(action.indicators if indicators is None else indicators)
    n = max(1, len(indicators))
    lights_used = _first_seen(i.status.light for i in indicators if i.completion is not None and i.current)
    labels = [wording.label("light_legend", light=light) for light in lights_used] + [wording.label("time_progress")]
    bottom = 9.5 + LEGEND_ROW_MM * _legend_rows(labels)
    height = 13 + 11 * n + bottom
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("indicator_progress_title", a=action))
    ax = canvas.axes(left=48, top=13, right=20, bottom=bottom)
    values = [_percent(i.completion) for i in indicators if i.completion is not None and i.current]
    values += [_percent(i.time_progress) for i in indicators if i.time_progress is not None and i.current]
    upper = _axis_upper(values)
    _percent_axis(ax, upper)
    ys = list(range(len(indicators)))[::-1]
    for y, ind in zip(ys, indicators, strict=True):
        if ind.completion is not None and not ind.current:
            ax.text(upper * 0.012, y, wording.label("stage_result_note", ind=ind), va="center", ha="left",
                    color=MUTED, fontproperties=cjk_font(SMALL_PT), zorder=4,
                    bbox=dict(boxstyle="square,pad=0.12", facecolor="white", edgecolor="none"))
            continue
        light = ind.status.light
        if ind.completion is not None:
            shown = min(_percent(ind.completion), upper)
            ax.barh(y, shown, height=0.52, zorder=2, **paint(light))
            label_x = shown
            if ind.time_progress is not None and 0 <= _percent(ind.time_progress) - shown < upper * 0.1:
                label_x = min(_percent(ind.time_progress), upper)   # the marker stands just past the bar
            ax.text(label_x + upper * 0.012, y, fmt_percent(ind.completion), va="center", ha="left", color=INK,
                    fontproperties=cjk_font(SMALL_PT), zorder=4)
        else:
            ax.text(upper * 0.012, y, wording.label("indicator_no_figure", ind=ind), va="center", ha="left",
                    color=MUTED, fontproperties=cjk_font(SMALL_PT))
        if ind.time_progress is not None:
            x = min(_percent(ind.time_progress), upper)
            ax.plot([x, x], [y - 0.38, y + 0.38], color=INK, linewidth=1.8, zorder=3, solid_capstyle="butt")
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(ys, [wrap(i.name, 13) for i in indicators], fontproperties=cjk_font(SMALL_PT))
    ax.tick_params(axis="y", length=0)
    handles = [Patch(**paint(light)) for light in lights_used] + [Line2D([], [], color=INK, linewidth=1.8)]
    legend(canvas, handles, labels)
    part = dataclasses.replace(action, indicators=tuple(indicators))   # the alt text names the indicators drawn
    return Chart(canvas.png(), wording.label("indicator_progress_alt", a=part), TEXT_WIDTH_MM)


def _quarter_tick(index: int, quarters: Sequence, wording: Wording, crowd: int = 8) -> str:
    """“三季度” under each point, the year under the first point of each year; “Q3” when more than `crowd`."""
    q = quarters[index]
    first_of_year = index == 0 or quarters[index - 1].year != q.year
    return wording.label("quarter_tick", q=q, crowded=len(quarters) > crowd, first_of_year=first_of_year)


def trend_chart(indicator: IndicatorResult, *, wording: Wording) -> Chart:
    """The indicator's figures over the quarters of the plan, with its target as a dashed line."""
    canvas = Canvas(TEXT_WIDTH_MM, 68)
    canvas.title(wording.label("trend_title", ind=indicator))
    _draw_trend(canvas.axes(left=18, top=13, right=30, bottom=12), indicator, wording)
    return Chart(canvas.png(), wording.label("trend_alt", ind=indicator), TEXT_WIDTH_MM)


TREND_GRID_MAX = 4        # trends in one figure (two a row)
TREND_PANEL_MM = 60       # the height of one row of the grid


def trend_charts(indicators: Sequence[IndicatorResult], *, wording: Wording) -> list[Chart]:
    """The trends of several indicators: one full-width chart for a single indicator, else small multiples,
    two a row and at most four a figure — half the height of one chart each, so they do not push a page's
    worth of white space ahead of them."""
    if len(indicators) == 1:
        return [trend_chart(indicators[0], wording=wording)]
    return [trend_grid(indicators[i:i + TREND_GRID_MAX], wording=wording)
            for i in range(0, len(indicators), TREND_GRID_MAX)]


def trend_grid(indicators: Sequence[IndicatorResult], *, wording: Wording) -> Chart:
    """Up to four trends in one figure, two a row, each with its own title (the indicator and its unit)."""
    rows = -(-len(indicators) // 2)
    height = rows * TREND_PANEL_MM + 2
    canvas = Canvas(TEXT_WIDTH_MM, height)
    half = TEXT_WIDTH_MM / 2
    for i, ind in enumerate(indicators):
        row, col = divmod(i, 2)
        top = 2 + row * TREND_PANEL_MM
        left = col * half
        ax = canvas.axes(left=left + 14, top=top + 10, right=TEXT_WIDTH_MM - left - half + 20,
                         bottom=height - top - TREND_PANEL_MM + 11)
        canvas.figure.text((left + half / 2) / TEXT_WIDTH_MM, 1 - (top + 2) / height,
                           wrap(wording.label("trend_title", ind=ind), 20), ha="center", va="top", color=INK,
                           fontproperties=cjk_font(LABEL_PT))
        _draw_trend(ax, ind, wording, crowd=4)
    alt = "".join(wording.label("trend_alt", ind=ind) for ind in indicators)
    return Chart(canvas.png(), alt, TEXT_WIDTH_MM)


def _draw_trend(ax: Axes, indicator: IndicatorResult, wording: Wording, crowd: int = 8) -> None:
    points = list(indicator.trend)
    quarters = [q for q, _ in points]
    known = [(i, float(v)) for i, (_, v) in enumerate(points) if v is not None]
    values = [v for _, v in known]
    target = float(indicator.target) if indicator.target is not None else None
    high = max(values + ([target] if target is not None else []) + [0.0])
    low = min(values + ([target] if target is not None else []) + [high])
    if indicator.kind is Kind.LEVEL and values:
        span = max(high - low, abs(high) * 0.05, 1e-9)
        bottom, top = low - span * 0.6, high + span * 0.45
        if low >= 0 and bottom < 0:
            bottom = 0.0
    else:
        bottom, top = 0.0, (high * 1.2 if high > 0 else 1.0)
    _number_ticks(ax, bottom, top, indicator.decimals, axis="y")
    # Runs of consecutive known figures are joined; a missing quarter leaves a gap, and so does a new
    # year for a flow (its figures are year to date: the fall from 四季度 to 一季度 is no decline).
    run: list[tuple[int, float]] = []
    for i, v in [*known, (-2, 0.0)]:
        new_year = indicator.kind is Kind.FLOW and i >= 0 and quarters[i].year != quarters[i - 1].year
        if run and (i != run[-1][0] + 1 or new_year):
            ax.plot([p[0] for p in run], [p[1] for p in run], color=LINE, linewidth=1.6, zorder=2)
            run = []
        run.append((i, v))
    last = known[-1][0] if known else None
    for i, v in known:
        face = status_colour(indicator.status) if i == last else LINE
        ax.plot([i], [v], marker="o", markersize=5, color=face, markeredgecolor="white", markeredgewidth=0.8,
                zorder=3)
        ax.text(i, v + (top - bottom) * 0.045, fmt_number(points[i][1], indicator.decimals), ha="center",
                va="bottom", color=INK, fontproperties=cjk_font(SMALL_PT), zorder=4,
                bbox=dict(boxstyle="square,pad=0.12", facecolor="white", edgecolor="none"))
    if target is not None:
        ax.axhline(target, color=colour(Light.RED), linewidth=1.0, linestyle=(0, (4, 3)), zorder=1)
        ax.text(len(points) - 0.5, target, wording.label("trend_target", ind=indicator), ha="left", va="center",
                color=colour(Light.RED), fontproperties=cjk_font(SMALL_PT), clip_on=False)
    ax.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
    ax.set_xticks(range(len(points)), [_quarter_tick(i, quarters, wording, crowd) for i in range(len(points))],
                  fontproperties=cjk_font(SMALL_PT))


def project_investment_charts(action: ActionResult, *, wording: Wording) -> list[Chart]:
    """The projects' investment, in charts of at most CHART_ROWS_MAX projects each (a long list never makes a
    picture taller than a page)."""
    projects = list(action.projects)
    return [project_investment_chart(action, wording=wording, projects=projects[i:i + CHART_ROWS_MAX])
            for i in range(0, len(projects), CHART_ROWS_MAX)]


def project_investment_chart(action: ActionResult, *, wording: Wording,
                             projects: Sequence[ProjectResult] | None = None) -> Chart:
    """Each project's year-to-date investment against its annual plan (万元), coloured by status; `projects`: a
    part of the action's list (default all of it)."""
    projects = list(action.projects if projects is None else projects)
    n = max(1, len(projects))
    lights_used = _first_seen(p.status.light for p in projects if p.ytd_completed is not None)
    labels = [wording.label("project_plan_legend")]
    labels += [wording.label("project_done_legend", light=light) for light in lights_used]
    labels += [wording.label("time_progress")]
    bottom = 9.5 + LEGEND_ROW_MM * _legend_rows(labels)
    height = 13 + 11 * n + bottom
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("project_title"))
    ax = canvas.axes(left=48, top=13, right=34, bottom=bottom)
    amounts = [float(v) for p in projects for v in (p.annual_plan, p.ytd_completed) if v is not None]
    upper = max([*amounts, 1.0]) * 1.05
    _number_ticks(ax, 0.0, upper, 0, axis="x")
    ys = list(range(len(projects)))[::-1]
    for y, p in zip(ys, projects, strict=True):
        if p.annual_plan is not None:
            ax.barh(y, float(p.annual_plan), height=0.62, color=PLAN_BAR, zorder=1)
            expected = float(p.annual_plan) * float(p.time_progress)
            ax.plot([expected, expected], [y - 0.4, y + 0.4], color=INK, linewidth=1.8, zorder=3,
                    solid_capstyle="butt")
        if p.ytd_completed is not None:
            light = p.status.light
            ax.barh(y, float(p.ytd_completed), height=0.32, zorder=2, **paint(light))
        end = max(float(p.annual_plan or 0), float(p.ytd_completed or 0))
        ax.text(end + upper * 0.012, y, wording.label("project_figure", p=p), va="center", ha="left", color=INK,
                fontproperties=cjk_font(SMALL_PT), clip_on=False)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(ys, [wrap(p.name, 13) for p in projects], fontproperties=cjk_font(SMALL_PT))
    ax.tick_params(axis="y", length=0)
    handles: list[Artist] = [Patch(color=PLAN_BAR), *(Patch(**paint(light)) for light in lights_used)]
    handles.append(Line2D([], [], color=INK, linewidth=1.8))
    legend(canvas, handles, labels)
    part = dataclasses.replace(action, projects=tuple(projects))   # the alt text names the projects drawn
    return Chart(canvas.png(), wording.label("project_alt", a=part), TEXT_WIDTH_MM)


# ------------------------------------------------------------------------------------- summary


def progress_rows(report: QuarterReport) -> list[tuple[ActionResult, IndicatorResult]]:
    """The indicators the summary chart draws: every current one with a completion and a time progress, by
    action. A stage result (阶段性目标, its target year passed) has no time progress to be measured against."""
    return [(a, ind) for a in report.actions if a.submitted for ind in a.indicators
            if ind.gap_points is not None and ind.current]


GAP_LIMIT = 60   # points: a longer bar is cut at the axis' end, its figure still printed


SUMMARY_ROWS_MAX = 24   # indicators in one summary chart (a new plan may have many more)


def summary_progress_charts(report: QuarterReport, *, wording: Wording) -> list[Chart]:
    """The summary gap chart, in charts of at most SUMMARY_ROWS_MAX indicators each."""
    rows = progress_rows(report)
    return [summary_progress_chart(report, wording=wording, rows=rows[i:i + SUMMARY_ROWS_MAX])
            for i in range(0, len(rows), SUMMARY_ROWS_MAX)]


def summary_progress_chart(report: QuarterReport, *, wording: Wording,
                           rows: Sequence[tuple[ActionResult, IndicatorResult]] | None = None) -> Chart:
    """Every quantified indicator of the quarter against its own time progress: one bar per indicator,
    its gap in percentage points from the time-progress line (0), in its status' light. No average of
    unlike indicators: each stands for itself, grouped by action. `rows`: a part of them (default all)."""
    rows = list(progress_rows(report) if rows is None else rows)
    n = max(1, len(rows))
    lights_used = _first_seen(ind.status.light for _, ind in rows)
    labels = [wording.label("light_legend", light=light) for light in lights_used] + [wording.label("time_progress")]
    bottom = 15 + LEGEND_ROW_MM * _legend_rows(labels)
    names = [wording.label("summary_chart_row", a=a, text=wrap(ind.name, 17)) for a, ind in rows]
    height = 13 + (8 if any("\n" in name for name in names) else 5.6) * n + bottom
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("summary_chart_title", q=report.quarter))
    ax = canvas.axes(left=66, top=13, right=14, bottom=bottom)
    gaps = [float(cast(Fraction, ind.gap_points)) for _, ind in rows]   # progress_rows: all have a gap
    reach = min(GAP_LIMIT, max([20.0, *(abs(g) for g in gaps)]) * 1.25)
    ax.set_xlim(-reach, reach)
    step = 10 if reach <= 40 else 20
    ticks = [v for v in range(-int(reach) // step * step, int(reach) + 1, step)]
    ax.set_xticks(ticks, [f"{v:+d}" if v else "0" for v in ticks], fontproperties=cjk_font(SMALL_PT))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(wording.label("summary_chart_axis"), fontproperties=cjk_font(SMALL_PT), color=MUTED, labelpad=3)
    ys = list(range(len(rows)))[::-1]
    for y, (_, ind), gap in zip(ys, rows, gaps, strict=True):
        shown = max(-reach, min(reach, gap))
        ax.barh(y, shown, height=0.55, zorder=2, **paint(ind.status.light))
        ax.text(shown + (reach * 0.015 if shown >= 0 else -reach * 0.015), y, _signed_points(ind.gap_points),
                va="center", ha="left" if shown >= 0 else "right", color=INK, fontproperties=cjk_font(SMALL_PT),
                zorder=4)
    ax.axvline(0, color=INK, linewidth=1.8, zorder=3)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(ys, names, fontproperties=cjk_font(SMALL_PT), linespacing=1.05)
    ax.tick_params(axis="y", length=0)
    handles = [Patch(**paint(light)) for light in lights_used] + [Line2D([], [], color=INK, linewidth=1.8)]
    legend(canvas, handles, labels)
    alt = wording.label("summary_chart_alt", q=report.quarter, rows=rows,
                        signed=[_signed_points(ind.gap_points) for _, ind in rows])
    return Chart(canvas.png(), alt, TEXT_WIDTH_MM)


def _signed_points(gap: Fraction | None) -> str:
    text = fmt_number(gap, 1)
    return text if text.startswith("-") or text == "0" else "+" + text


TASK_STATES = ("done", "on_track", "behind", "unreported")   # what a task's bar says (words: labels.j2 task_state)


def task_paint(state: str) -> dict:
    """A task bar's ink. 正常推进 is good news, not 关注: the green of the light, paler (the table cells'
    green, 47 grey levels lighter than the ink of 已完成), never the yellow of a yellow light."""
    if state == "on_track":
        return dict(color="#" + light_style(Light.GREEN).fill)
    return paint({"done": Light.GREEN, "behind": Light.RED, "unreported": Light.GREY}[state])


def task_state(task: TaskResult) -> str:
    """done / on_track / behind / unreported."""
    if task.behind:
        return "behind"
    if task.reported is None:
        return "unreported"
    return "done" if task.reported.name == "DONE" else "on_track"   # TaskStatus.DONE (render imports no intake)


TASK_ROWS_MAX = 12   # tasks drawn one by one; a longer list is summarised (task_summary_chart)


def task_chart(action: ActionResult, quarter_end: dt.date, *, wording: Wording) -> Chart:
    """The key tasks of an action without quantified figures: each against its deadline when there are few,
    else the counts by state with the first tasks behind drawn against their deadlines."""
    tasks = [t for t in action.tasks if t.deadline is not None]
    if len(tasks) <= TASK_ROWS_MAX:
        return task_deadline_chart(action, quarter_end, wording=wording)
    return task_summary_chart(action, quarter_end, wording=wording)


def task_deadline_chart(action: ActionResult, quarter_end: dt.date, *, wording: Wording) -> Chart:
    """Key tasks against their deadlines, for an action without quantified figures: one row per task,
    a bar from the plan's start of the year to the deadline in the task's state, the quarter's end
    as a line."""
    tasks = [t for t in action.tasks if t.deadline is not None]
    n = max(1, len(tasks))
    states = [task_state(t) for t in tasks]
    used = [state for state in TASK_STATES if state in states]
    labels = [wording.label("task_state", state=state) for state in used] + [wording.label("quarter_end")]
    bottom = 9.5 + LEGEND_ROW_MM * _legend_rows(labels)
    names = [wrap(t.content, 17) for t in tasks]
    row_mm = 4 + 3.6 * max([name.count("\n") + 1 for name in names] + [2])
    height = 13 + row_mm * n + bottom
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("task_chart_title", a=action))
    _draw_deadlines(canvas.axes(left=62, top=13, right=28, bottom=bottom), tasks, quarter_end, wording)
    handles = [Patch(**task_paint(state)) for state in used] + [Line2D([], [], color=INK, linewidth=1.8)]
    legend(canvas, handles, labels)
    alt = wording.label("task_chart_alt", a=action, rows=list(zip(tasks, states, strict=True)))
    return Chart(canvas.png(), alt, TEXT_WIDTH_MM)


def task_summary_chart(action: ActionResult, quarter_end: dt.date, *, wording: Wording) -> Chart:
    """A long task list in one picture of bounded height: the tasks counted by state (one bar each), and under
    it the first tasks behind or overdue against their deadlines, with how many more there are."""
    tasks = [t for t in action.tasks if t.deadline is not None]
    states = [task_state(t) for t in tasks]
    used = [state for state in TASK_STATES if state in states]
    late = [t for t in tasks if task_state(t) == "behind"]
    shown = late[:TASK_ROWS_MAX // 4]   # the first few, so that the picture keeps to half a page
    counts_mm, row_mm = 7.5 * len(used), 9.0
    detail_mm = (9 + row_mm * len(shown) + 7) if shown else 0
    note_mm = 6 if len(late) > len(shown) else 0
    height = 12 + counts_mm + 3 + detail_mm + note_mm
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("task_summary_title", a=action, total=len(tasks)))
    ax = canvas.axes(left=62, top=12, right=24, bottom=height - 12 - counts_mm)
    ys = list(range(len(used)))[::-1]
    counts = [states.count(state) for state in used]
    upper = max(counts) * 1.15
    for y, state, n in zip(ys, used, counts, strict=True):
        ax.barh(y, n, height=0.55, zorder=2, **task_paint(state))
        ax.text(n + upper * 0.01, y, wording.label("task_count", n=n), va="center", ha="left", color=INK,
                fontproperties=cjk_font(SMALL_PT), zorder=4)
    ax.set_xlim(0, upper)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_ylim(-0.6, len(used) - 0.4)
    ax.set_yticks(ys, [wording.label("task_state", state=state) for state in used], fontproperties=cjk_font(SMALL_PT))
    ax.tick_params(axis="y", length=0)
    if shown:
        top = 12 + counts_mm + 3
        canvas.figure.text(0.5, 1 - (top + 1) / height,
                           wording.label("task_behind_title", a=action, total=len(late), shown=len(shown)),
                           ha="center", va="top", color=INK, fontproperties=cjk_font(LABEL_PT))
        _draw_deadlines(canvas.axes(left=62, top=top + 9, right=28, bottom=7 + note_mm), shown, quarter_end, wording)
    if note_mm:
        canvas.figure.text(0.5, 1.5 / height, wording.label("task_more", n=len(late) - len(shown)), ha="center",
                           va="bottom", color=MUTED, fontproperties=cjk_font(SMALL_PT))
    alt = wording.label("task_summary_alt", a=action, rows=list(zip(used, counts, strict=True)), late=late,
                        shown=shown)
    return Chart(canvas.png(), alt, TEXT_WIDTH_MM)


def _draw_deadlines(ax: Axes, tasks: Sequence[TaskResult], quarter_end: dt.date, wording: Wording) -> None:
    """Tasks as bars up to their deadlines (in their state's ink) on a time axis, the quarter's end as a line."""
    deadlines = [t.deadline for t in tasks if t.deadline is not None]
    days = [*deadlines, quarter_end]
    first = dt.date(min(d.year for d in days), 1, 1)
    last = dt.date(max(d.year for d in days), 12, 31)
    ax.set_xlim(0, (last - first).days)
    ticks = [dt.date(y, 1, 1) for y in range(first.year, last.year + 1)]
    ax.set_xticks([(d - first).days for d in ticks], [wording.label("year_tick", year=d.year) for d in ticks],
                  fontproperties=cjk_font(SMALL_PT))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ys = list(range(len(tasks)))[::-1]
    for y, task, deadline in zip(ys, tasks, deadlines, strict=True):
        end = (deadline - first).days
        ax.barh(y, end, height=0.5, zorder=2, **task_paint(task_state(task)))
        ax.text(end + 4, y, cn_date(deadline), va="center", ha="left", color=INK, fontproperties=cjk_font(SMALL_PT),
                zorder=4, clip_on=False)
    ax.axvline((quarter_end - first).days, color=INK, linewidth=1.8, zorder=3)
    ax.set_ylim(-0.6, len(tasks) - 0.4)
    ax.set_yticks(ys, [wrap(t.content, 17) for t in tasks], fontproperties=cjk_font(SMALL_PT), linespacing=1.05)
    ax.tick_params(axis="y", length=0)


SUBMISSION_STATES = (   # (state, light); words: labels.j2 submission_state
    ("submitted", Light.GREEN),
    ("pending", Light.YELLOW),
    ("missing", Light.GREY),
)


def submission_state(action: ActionResult) -> str:
    """submitted / pending (data to be verified) / missing."""
    if not action.submitted:
        return "missing"
    return "pending" if action.data_pending else "submitted"


def submission_chart(report: QuarterReport, *, wording: Wording) -> Chart:
    """Who submitted: one tile per action, green when received and clean, yellow when received with
    errors (data to be verified), grey when missing; errors and warnings under each tile."""
    actions = list(report.actions)
    n = max(1, len(actions))
    height = 50
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("submission_chart_title", q=report.quarter))
    ax = canvas.axes(left=6, top=12, right=6, bottom=13)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(-1.0, 0.62)
    ax.set_axis_off()
    fills = dict(SUBMISSION_STATES)
    for x, a in enumerate(actions):
        state = submission_state(a)
        ax.add_patch(_tile(x, fills[state]))
        ax.text(x, 0.0, a.action.cn_number, ha="center", va="center", color=_text_on(fills[state]),
                fontproperties=cjk_font(LABEL_PT),
                bbox=(dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none")
                      if fills[state] is Light.GREY else None))
        ax.text(x, -0.52, wording.label("submission_note", a=a), ha="center", va="top",
                color=INK if a.error_count else MUTED, fontproperties=cjk_font(SMALL_PT))
    handles = [Patch(**paint(light)) for _, light in SUBMISSION_STATES]
    labels = [wording.label("submission_legend", state=state,
                            count=sum(1 for a in actions if submission_state(a) == state))
              for state, _ in SUBMISSION_STATES]
    legend(canvas, handles, labels)
    groups = [(state, members) for state, _ in SUBMISSION_STATES
              if (members := [a for a in actions if submission_state(a) == state])]
    return Chart(canvas.png(), wording.label("submission_alt", q=report.quarter, groups=groups), TEXT_WIDTH_MM)


def _tile(x: float, light: Light) -> FancyBboxPatch:
    style = {"edgecolor": "none", **paint(light)}
    style.setdefault("facecolor", style.pop("color", None))
    return FancyBboxPatch((x - 0.38, -0.42), 0.76, 0.84, boxstyle="round,pad=0,rounding_size=0.08", **style)
