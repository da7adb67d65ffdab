"""Turn a density and a label size into the one chart theme (fonts, sizes, colours, spacing) every chart kind draws with.

Sizes are points at printed size: charts are drawn 1:1, never scaled, so a 7 pt label prints at
7 pt. The palette is one restrained ink-blue family whose members differ clearly in lightness,
because the briefing is printed in black and white: the reader tells a whole from its part by
grey level and by the direct labels, never by hue (and never by hatching, which we avoid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..fonts import SANS, SANS_BOLD

MIN_LABEL_PT = 7.0
"""No chart text is set smaller than this at printed size."""

Density = Literal["normal", "compact", "tight"]


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours as hex sRGB; `gray_level` tells how far apart they stay once printed in grey."""

    ink: str = "#1a1a1a"  # labels
    muted: str = "#5a5a5a"  # secondary text: "未载明", the break note
    rule: str = "#8c8c8c"  # zero lines and baselines
    bar: str = "#1f4e79"  # a quantity: counts, parts, rates, changes (grey ≈ 27%)
    whole: str = "#a7bdd3"  # the whole a part belongs to (grey ≈ 73%)
    track: str = "#e2e8ef"  # the 0–100% reference behind a rate (grey ≈ 91%)
    paper: str = "#ffffff"  # the gap of a break mark


def gray_level(hex_color: str) -> float:
    """Lightness 0–1 a black-and-white printer gives the colour (Rec. 601 luma)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """Every measure a chart is laid out with, in points at printed size."""

    label_font: str = SANS
    value_font: str = SANS_BOLD
    label_pt: float = 8.0
    value_pt: float = 8.0
    line_factor: float = 1.18  # label line pitch as a multiple of label_pt
    bar_pt: float = 6.5  # bar thickness
    label_gap_pt: float = 1.2  # between a label above a bar and the bar
    row_gap_pt: float = 4.5  # between one row's bar and the next row's label
    group_gap_pt: float = 4.0  # extra space between the groups of a part-of-whole chart
    pad_pt: float = 3.0  # between a bar's end and its value label
    column_bar_pt: float = 48.0  # the tallest column of a vertical bar chart
    rule_pt: float = 0.5
    palette: Palette = Palette()

    def __post_init__(self) -> None:
        if self.label_pt < MIN_LABEL_PT or self.value_pt < MIN_LABEL_PT:
            raise ValueError(f"chart text below {MIN_LABEL_PT} pt is not legible in print")


# density: (bar thickness, row gap, group gap, tallest column)
_DENSITY: dict[str, tuple[float, float, float, float]] = {
    "normal": (6.5, 4.5, 4.0, 48.0),
    "compact": (5.5, 3.0, 3.0, 40.0),
    "tight": (4.5, 2.0, 2.0, 32.0),
}


def chart_style(density: Density = "normal", label_pt: float = 8.0) -> ChartStyle:
    """The theme at a density (how much vertical space rows take) and a label size (≥ 7 pt)."""
    bar_pt, row_gap, group_gap, column = _DENSITY[density]
    return ChartStyle(label_pt=label_pt, value_pt=label_pt, bar_pt=bar_pt, row_gap_pt=row_gap,
                      group_gap_pt=group_gap, column_bar_pt=column)
