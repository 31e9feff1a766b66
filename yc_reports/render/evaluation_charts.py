"""终期评估 charts: every action's light in every quarter, in one picture.

Built on the report charts' canvas and palette (render/charts.py, the shipped Noto Sans CJK face). A
grid that also reads printed in black and white: each cell carries the light's first character
(绿/黄/红/未), red cells are cross-hatched, and the fills differ in lightness. Words from templates/labels.j2
(`lights_grid_*`) through the caller's Wording.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.patches import Patch, Rectangle

from yc_reports.analysis.evaluation import Evaluation
from yc_reports.analysis.model import Light
from yc_reports.render.charts import INK, MUTED, SMALL_PT, TEXT_WIDTH_MM, Canvas, Chart, colour, legend, wrap
from yc_reports.render.fonts import cjk_font
from yc_reports.render.wording import Wording

HATCH = {Light.RED: "xxx"}
WHITE_TEXT = (Light.GREEN, Light.RED)
LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)   # legend order


def lights_grid_chart(ev: Evaluation, *, wording: Wording) -> Chart:
    quarters = ev.quarters
    rows = ev.lights
    label_mm, cell_h = 46, 7.5
    height = 16 + cell_h * len(rows) + 14 + 9
    canvas = Canvas(TEXT_WIDTH_MM, height)
    canvas.title(wording.label("lights_grid_title", first=quarters[0], last=quarters[-1]))
    glyphs = {light: wording.label("lights_grid_glyph", light=light) for light in LIGHTS}
    ax = canvas.axes(left=label_mm, top=13, right=3, bottom=23)
    ax.set_xlim(0, len(quarters))
    ax.set_ylim(0, len(rows))
    ax.invert_yaxis()
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    for y, (_, lights) in enumerate(rows):
        for x, light in enumerate(lights):
            if light is None:
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor="white", edgecolor="#BFBFBF", linewidth=0.6))
                ax.text(x + 0.5, y + 0.5, "—", ha="center", va="center", color=MUTED, fontproperties=cjk_font(SMALL_PT))
                continue
            ax.add_patch(Rectangle((x, y), 1, 1, facecolor=colour(light), edgecolor="white", linewidth=1.2,
                                   hatch=HATCH.get(light)))
            ax.text(x + 0.5, y + 0.5, glyphs[light], ha="center", va="center",
                    color="white" if light in WHITE_TEXT else INK, fontproperties=cjk_font(SMALL_PT),
                    bbox=dict(boxstyle="square,pad=0.3", facecolor=colour(light), edgecolor="none")
                    if light in HATCH else None)
    ax.set_yticks([y + 0.5 for y in range(len(rows))],
                  [wrap(wording.label("lights_grid_row", action=a), 13) for a, _ in rows],
                  fontproperties=cjk_font(SMALL_PT))
    ax.set_xticks([x + 0.5 for x in range(len(quarters))], [_tick(quarters, i) for i in range(len(quarters))],
                  fontproperties=cjk_font(SMALL_PT if len(quarters) <= 8 else 7.5))
    ax.tick_params(axis="both", colors=INK)
    handles = [Patch(facecolor=colour(light), hatch=HATCH.get(light), edgecolor="white") for light in LIGHTS]
    labels = [wording.label("lights_grid_legend", light=light) for light in LIGHTS]
    labels.append(wording.label("lights_grid_none_legend"))
    handles.append(Patch(facecolor="white", edgecolor="#BFBFBF"))
    legend(canvas, handles, labels)
    shown = [(action, [(q, light) for q, light in zip(ev.quarters, lights, strict=True) if light is not None])
             for action, lights in ev.lights]
    return Chart(canvas.png(), wording.label("lights_grid_alt", rows=shown), TEXT_WIDTH_MM)


def _tick(quarters: Sequence, i: int) -> str:
    q = quarters[i]
    first = i == 0 or quarters[i - 1].year != q.year
    return f"Q{q.q}\n{q.year}" if first else f"Q{q.q}"
