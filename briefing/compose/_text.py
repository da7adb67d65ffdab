"""Re-export the typesetting layer's text and page API in one place, so the report imports it from here.

The report was built against a stand-in before `briefing.render` landed; keeping every import of
that API behind this module means switching (or following a rename) touches one file.
"""

from __future__ import annotations

from ._standin import (
    BODY_LEADING,
    BODY_SIZE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CJKParagraph,
    Span,
    TextStyle,
    draw_page_number,
    frame_area,
    last_line_width,
    make_stylesheet,
    type_area,
)

__all__ = [
    "BODY_LEADING",
    "BODY_SIZE",
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
