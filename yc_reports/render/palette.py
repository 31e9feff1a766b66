"""The lights as they print: colours that also differ in lightness, and a pattern for grey (no data).

Printed in black and white a hue is lost; what remains is the grey level (luma, ITU-R BT.601:
0.299 R + 0.587 G + 0.114 B, 0–255). Red, green and yellow are set at least `MIN_GREY_STEP` grey
levels apart, in charts (strong ink, white or black text beside it) and in table cells (pale fills
under black text); grey — no figures — is white with a hatch/dot pattern in both, told apart by the
pattern, not the level. Charts, the .docx tables and 汇总表 take their light colours from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from yc_reports.analysis.model import Light

MIN_GREY_STEP = 40


@dataclass(frozen=True)
class LightStyle:
    ink: str          # RRGGBB: chart bars, lamps, tiles
    fill: str         # RRGGBB: table cell under black text
    hatch: str = ""   # matplotlib hatch for chart patches ("" none)
    cell_pattern: str = "clear"   # w:shd w:val for the .docx cell ("clear": plain fill)
    xlsx_pattern: str = "solid"   # openpyxl PatternFill fill_type


LIGHT_STYLES: dict[Light, LightStyle] = {
    Light.RED: LightStyle(ink="8E1B12", fill="D9635B"),        # grey levels 60 (ink) / 133 (fill)
    Light.GREEN: LightStyle(ink="4CAF50", fill="9FCC85"),      # 135 / 183
    Light.YELLOW: LightStyle(ink="F2C94C", fill="FFE699"),     # 199 / 228
    Light.GREY: LightStyle(ink="FFFFFF", fill="FFFFFF", hatch="////", cell_pattern="pct20",
                           xlsx_pattern="gray125"),          # white with a pattern
}
PATTERN_INK = "808080"   # the hatch / dot colour of the grey light


def grey_level(rgb: str) -> float:
    """Luma of an RRGGBB colour, 0 (black) to 255 (white)."""
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b


def light_style(light: Light) -> LightStyle:
    return LIGHT_STYLES[light]
