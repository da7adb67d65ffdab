"""Name the one place the briefing takes its paragraph flowable, spans and text styles from: the typesetting layer.

Every string on the briefing is set by `briefing.render.CJKParagraph` (Chinese line breaking,
justification, Han–Latin spacing); ReportLab's own `Paragraph`, which parses data as markup, is
never used.
"""

from __future__ import annotations

from ..render import CJKParagraph, Span, TextStyle

__all__ = ["CJKParagraph", "Span", "TextStyle"]
