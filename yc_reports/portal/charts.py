"""The lights of every quarter as a stacked bar chart, drawn by the page as inline SVG (the pages run no
script): here only the geometry — each quarter's bar, one segment per light, in the lights' own colours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from yc_reports.analysis.model import Light
from yc_reports.plan.quarter import Quarter

ORDER = (Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)
BAR, GAP, HEIGHT, TOP, BOTTOM, LEFT = 28, 14, 150, 10, 34, 26


class HasLights(Protocol):
    @property
    def quarter(self) -> Quarter: ...

    @property
    def lights(self) -> dict[int, Light]: ...

    def count(self, light: Light) -> int: ...


@dataclass(frozen=True)
class Segment:
    x: int
    y: float
    width: int
    height: float
    colour: str
    label: str          # 绿灯 3 项: the segment's tooltip and its text alternative


@dataclass(frozen=True)
class Bar:
    quarter: Quarter
    x: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]   # (y, value) of the axis' marks
    baseline: float


def lights_chart(quarters: Sequence[HasLights]) -> Chart:
    scale = max([len(q.lights) for q in quarters] + [1])
    bars = []
    for n, quarter in enumerate(quarters):
        x = LEFT + GAP + n * (BAR + GAP)
        y: float = TOP + HEIGHT
        segments = []
        for light in ORDER:
            count = quarter.count(light)
            if not count:
                continue
            height = HEIGHT * count / scale
            y -= height
            segments.append(Segment(x, round(y, 1), BAR, round(height, 1), f"#{light.rgb}", f"{light.label} {count} 项"))
        bars.append(Bar(quarter.quarter, x, tuple(segments)))
    ticks = tuple((round(TOP + HEIGHT - HEIGHT * v / scale, 1), v) for v in sorted({0, scale // 2, scale}))
    width = LEFT + GAP + len(bars) * (BAR + GAP)
    return Chart(width=max(width, 200), height=TOP + HEIGHT + BOTTOM, bars=tuple(bars), ticks=ticks,
                 baseline=TOP + HEIGHT)
