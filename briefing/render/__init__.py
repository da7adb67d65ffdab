"""Chinese typesetting on ReportLab: data text and styles in, flowables, page templates and PDFs
out.

The documents' text is set here: compose modules build `CJKParagraph`s, and chart labels are
drawn through the same line setting (`charts.backend`). The handout's overlays (copy number,
marking, watermark; `briefing.handout`) are the one text drawn straight onto a canvas.

* `styles`      TextStyle, Span and the named styles (title … small);
* `chars`       the line-breaking classes of characters (clreq / GB/T 15834);
* `linebreak`   the pure line breaker `break_lines(content, width_pt, style) -> list[Line]`;
* `typography`  the `CJKParagraph` flowable and the PDF text drawing (ActualText, Tc);
* `pages`       page presets (`GBT9704`, `BRIEFING`, `COMPACT`), frames, page numbers, doc
  templates;
* `specimen`    `specimen_pdf()`, a few pages showing every style and the hard cases;
* `pdfa`        the PDF/A-2b finisher;
* `output`      the one output step: canvas, determinism flags, document date, metadata, stamp.
"""

from briefing.render.linebreak import Line, break_lines
from briefing.render.pages import (
    BRIEFING,
    COMPACT,
    GBT9704,
    PRESETS,
    PagePreset,
    Rect,
    doc_template,
    draw_page_number,
    page_templates,
)
from briefing.render.styles import (
    STYLE_NAMES,
    Span,
    TextStyle,
    make_stylesheet,
    scale_style,
    scale_styles,
)
from briefing.render.typography import CJKParagraph

__all__ = [
    "BRIEFING",
    "COMPACT",
    "GBT9704",
    "PRESETS",
    "STYLE_NAMES",
    "CJKParagraph",
    "Line",
    "PagePreset",
    "Rect",
    "Span",
    "TextStyle",
    "break_lines",
    "doc_template",
    "draw_page_number",
    "make_stylesheet",
    "page_templates",
    "scale_style",
    "scale_styles",
]
