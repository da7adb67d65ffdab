"""Re-export the typesetting layer's text and page API in one place, so the report imports it from here.

The report lays out on the GB/T 9704 preset of `briefing.render` (`PRESETS["gbt9704"]`); keeping
every import of that API behind this module means a rename in the typesetting layer touches one
file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..render import PRESETS, CJKParagraph, Span, TextStyle, break_lines, make_stylesheet
from ..render import draw_page_number as _draw_folio

PRESET = PRESETS["gbt9704"]  # the registry's preset for the report, by name
PAGE_WIDTH = PRESET.page_width_pt
PAGE_HEIGHT = PRESET.page_height_pt
BODY_SIZE = PRESET.body_size_pt
BODY_LEADING = PRESET.body_leading_pt
BODY_TRACKING = PRESET.body_tracking_pt


def type_area(page: int) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the 版心 of `page`; the binding side alternates for duplex."""
    r = PRESET.type_area(page)
    return r.x, r.y, r.width, r.height


def frame_area(page: int) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the body frame: the 版心 plus the empty leading below its last line."""
    r = PRESET.frame_rect(page)
    return r.x, r.y, r.width, r.height


def draw_page_number(canv: Any, page: int) -> None:
    _draw_folio(canv, PRESET, page)


def last_line_width(content: Sequence[Span], width: float, style: TextStyle) -> float:
    """Where the last line `content` sets in at `width` ends (for a leader after a title)."""
    lines = break_lines(content, width, style)
    return lines[-1].right_pt if lines else 0.0


__all__ = [
    "PRESET",
    "BODY_LEADING",
    "BODY_SIZE",
    "BODY_TRACKING",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "CJKParagraph",
    "Span",
    "TextStyle",
    "draw_page_number",
    "frame_area",
    "last_line_width",
    "make_stylesheet",
    "type_area",
]
