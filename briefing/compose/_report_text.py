"""Re-export the typesetting layer's text and page API in one place, so the report imports it from
here.

The report lays out on the GB/T 9704 preset of `briefing.render` (`PRESETS["gbt9704"]`); keeping
every import of that API behind this module means a rename in the typesetting layer touches one
file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..render import (
    PRESETS,
    CJKParagraph,
    PagePreset,
    Span,
    TextStyle,
    break_lines,
    make_stylesheet,
)
from ..render import draw_page_number as _draw_folio

__all__ = [
    "BINDINGS",
    "BODY_LEADING",
    "BODY_SIZE",
    "BODY_TRACKING",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "PRESET",
    "PRESETS",
    "SINGLE",
    "CJKParagraph",
    "PagePreset",
    "Span",
    "TextStyle",
    "break_lines",
    "draw_page_number",
    "frame_area",
    "last_line_width",
    "make_stylesheet",
    "preset_for",
    "type_area",
]

PRESET = PRESETS["gbt9704"]  # the registry's preset for the report, by name
#: One-sided printing: the 订口 is on the left of every page and every folio on the right.
SINGLE = replace(PRESET, name="gbt9704-single", mirrored=False)
PAGE_WIDTH = PRESET.page_width_pt
PAGE_HEIGHT = PRESET.page_height_pt
BODY_SIZE = PRESET.body_size_pt
BODY_LEADING = PRESET.body_leading_pt
BODY_TRACKING = PRESET.body_tracking_pt
BINDINGS = ("duplex", "single")


def preset_for(binding: str) -> PagePreset:
    """The page preset of a binding: mirrored margins for duplex, the same margins for single."""
    if binding not in BINDINGS:
        raise ValueError(f"binding must be one of {BINDINGS}, not {binding!r}")
    return PRESET if binding == "duplex" else SINGLE


def type_area(page: int, preset: PagePreset = PRESET) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the 版心 of `page`; the binding side alternates for duplex."""
    r = preset.type_area(page)
    return r.x, r.y, r.width, r.height


def frame_area(page: int, preset: PagePreset = PRESET) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the body frame: the 版心 plus the empty leading below its last
    line.
    """
    r = preset.frame_rect(page)
    return r.x, r.y, r.width, r.height


def draw_page_number(canv: Any, page: int, preset: PagePreset = PRESET) -> None:
    _draw_folio(canv, preset, page)


def last_line_width(content: Sequence[Span], width: float, style: TextStyle) -> float:
    """Where the last line `content` sets in at `width` ends (for a leader after a title)."""
    lines = break_lines(content, width, style)
    return lines[-1].right_pt if lines else 0.0
