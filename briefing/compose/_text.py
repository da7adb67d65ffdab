"""Name the one place the briefing takes its paragraph flowable, spans and text styles from.

Until "Merge typo" lands this re-exports the interim stand-in; then it re-exports
`briefing.render`'s `CJKParagraph`, `Span` and `TextStyle` and the stand-in is deleted.
"""

from __future__ import annotations

from ._interim_text import CJKParagraph, Span, TextStyle

__all__ = ["CJKParagraph", "Span", "TextStyle"]
