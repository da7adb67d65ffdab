"""Turn the chart theme file (`briefing.mplstyle`) and a density into the measures every chart kind
draws with.

The theme lives in one matplotlib style file beside this module: fonts, text sizes, line widths and
the palette. matplotlib applies it to every figure (`rc_params`); the built-in kinds also read
their colours and sizes from it through `ChartStyle`, so there is one place to change the look.
Reading it here needs no matplotlib: the file is plain `key: value` lines.

Sizes are points at printed size: charts are drawn 1:1, never scaled, so a 7 pt label prints at
7 pt. The palette is one restrained ink-blue family whose members differ clearly in lightness,
because the briefing is printed in black and white: the reader tells a whole from its part by
grey level, hatching and the direct labels, never by hue alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..fonts import SANS, SANS_BOLD

STYLE_FILE = Path(__file__).with_name("briefing.mplstyle")
MIN_LABEL_PT = 7.0
"""No chart text is set smaller than this at printed size."""

Density = Literal["roomy", "normal", "compact", "tight"]


@cache
def theme_values() -> dict[str, str]:
    """The style file's settings as strings (comments and blank lines dropped)."""
    out: dict[str, str] = {}
    for raw in STYLE_FILE.read_text(encoding="utf-8").splitlines():
        line = (
            raw.split("#", 1)[0].strip()
            if not raw.lstrip().startswith("axes.prop_cycle")
            else raw.strip()
        )
        if not line or ":" not in line:
            continue
        key, value = line.split(":", 1)
        out[key.strip()] = value.strip()
    return out


def _hex(value: str) -> str:
    value = value.strip().strip("'\"")
    return value if value.startswith("#") else "#" + value


def cycle_colors() -> tuple[str, ...]:
    """The palette, in the order the style file's colour cycle lists it."""
    return tuple(
        "#" + c for c in re.findall(r"'([0-9a-fA-F]{6})'", theme_values()["axes.prop_cycle"])
    )


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours as hex sRGB, all from the style file; `gray_level` tells how far apart they print in
    grey.
    """

    ink: str = field(default_factory=lambda: _hex(theme_values()["text.color"]))
    muted: str = field(default_factory=lambda: _hex(theme_values()["axes.labelcolor"]))
    rule: str = field(default_factory=lambda: _hex(theme_values()["axes.edgecolor"]))
    bar: str = field(default_factory=lambda: cycle_colors()[0])  # a quantity (grey ≈ 27%)
    whole: str = field(
        default_factory=lambda: cycle_colors()[1]
    )  # the whole a part belongs to (≈ 73%)
    mid: str = field(default_factory=lambda: cycle_colors()[2])  # a second series (≈ 48%)
    track: str = field(default_factory=lambda: cycle_colors()[3])  # the 0–100% reference (≈ 91%)
    paper: str = "#ffffff"
    hatch: str = "////"  # on wholes and "before" values: tells them apart without colour


def gray_level(hex_color: str) -> float:
    """Lightness 0–1 a black-and-white printer gives the colour (Rec. 601 luma)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _pt(key: str) -> float:
    return float(theme_values()[key])


@dataclass(frozen=True, slots=True)
class ChartStyle:
    """Every measure a chart is laid out with, in points at printed size."""

    label_font: str = SANS
    value_font: str = SANS_BOLD
    label_pt: float = field(default_factory=lambda: _pt("font.size"))
    value_pt: float = field(default_factory=lambda: _pt("font.size"))
    tick_pt: float = field(default_factory=lambda: _pt("xtick.labelsize"))
    line_factor: float = 1.18  # label line pitch as a multiple of label_pt
    bar_pt: float = 6.5  # bar thickness
    label_gap_pt: float = 1.2  # between a label above a bar and the bar
    row_gap_pt: float = 4.5  # between one row's bar and the next row's label
    group_gap_pt: float = 4.0  # extra space between the groups of a part-of-whole chart
    pad_pt: float = 3.0  # between a bar's end and its value label
    column_bar_pt: float = 48.0  # the tallest column of a vertical bar chart
    rule_pt: float = field(default_factory=lambda: _pt("axes.linewidth"))
    palette: Palette = field(default_factory=Palette)

    def __post_init__(self) -> None:
        if min(self.label_pt, self.value_pt, self.tick_pt) < MIN_LABEL_PT:
            raise ValueError(f"chart text below {MIN_LABEL_PT} pt is not legible in print")

    def rc(self) -> dict[str, Any]:
        """Matplotlib settings this style overrides on top of the style file."""
        return {
            "font.size": self.label_pt,
            "xtick.labelsize": self.tick_pt,
            "ytick.labelsize": self.tick_pt,
            "axes.titlesize": self.label_pt,
            "axes.labelsize": self.tick_pt,
            "legend.fontsize": self.tick_pt,
        }


# density: (bar thickness, row gap, group gap, tallest column)
_DENSITY: dict[str, tuple[float, float, float, float]] = {
    "roomy": (8.0, 6.0, 5.0, 60.0),
    "normal": (6.5, 4.5, 4.0, 48.0),
    "compact": (5.5, 3.0, 3.0, 40.0),
    "tight": (4.5, 2.0, 2.0, 32.0),
}


def chart_style(density: Density = "normal", label_pt: float | None = None) -> ChartStyle:
    """The theme at a density (how much vertical space rows take) and a label size (≥ 7 pt)."""
    bar_pt, row_gap, group_gap, column = _DENSITY[density]
    size = _pt("font.size") if label_pt is None else label_pt
    tick = min(size, max(MIN_LABEL_PT, _pt("xtick.labelsize")))
    return ChartStyle(
        label_pt=size,
        value_pt=size,
        tick_pt=tick,
        bar_pt=bar_pt,
        row_gap_pt=row_gap,
        group_gap_pt=group_gap,
        column_bar_pt=column,
    )
