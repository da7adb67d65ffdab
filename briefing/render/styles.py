"""Turn a body-text grid (size, leading, tracking) into the named paragraph styles of both documents.

Font roles follow Chinese official documents (GB/T 9704): a 黑体-style sans for titles, first-level
headings and figures, 楷体 for second-level headings and notes, a 宋体-style serif for reading text.
Styles name a *role*, never a font file; `briefing.fonts.face_for` resolves the face.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

Role = Literal["sans", "serif", "kai"]
Align = Literal["justify", "left", "center", "right"]
_ROLES = ("sans", "serif", "kai")
_ALIGNS = ("justify", "left", "center", "right")


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How one kind of paragraph is set. Sizes are in points; derive variants with `replace`."""

    name: str
    role: Role = "serif"
    bold: bool = False
    size_pt: float = 10.5
    leading_pt: float = 16.0
    first_indent_em: float = 0.0
    align: Align = "justify"
    han_latin_space: bool = True
    color: str = "#000000"
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    keep_with_next: bool = False
    #: Added to every character's advance; GB/T 9704 needs -0.21 pt to fit 28 三号 chars in 156 mm.
    tracking_pt: float = 0.0
    #: Set an opening bracket at the start of a (non-indented) line half width, flush with the edge.
    compress_line_start_open: bool = True

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(f"TextStyle {self.name!r}: role must be one of {_ROLES}, not {self.role!r}")
        if self.align not in _ALIGNS:
            raise ValueError(f"TextStyle {self.name!r}: align must be one of {_ALIGNS}, not {self.align!r}")
        if self.size_pt <= 0 or self.leading_pt <= 0:
            raise ValueError(f"TextStyle {self.name!r}: size_pt and leading_pt must be positive")


def scale_style(style: TextStyle, factor: float) -> TextStyle:
    """Return `style` with every length multiplied by `factor` (the briefing's auto-fit)."""
    return replace(
        style,
        size_pt=style.size_pt * factor,
        leading_pt=style.leading_pt * factor,
        space_before_pt=style.space_before_pt * factor,
        space_after_pt=style.space_after_pt * factor,
        tracking_pt=style.tracking_pt * factor,
    )


def scale_styles(styles: Mapping[str, TextStyle], factor: float) -> Mapping[str, TextStyle]:
    """Scale a whole stylesheet (see `scale_style`)."""
    return MappingProxyType({name: scale_style(s, factor) for name, s in styles.items()})


@dataclass(frozen=True, slots=True)
class Span:
    """A run of data text with uniform attributes. Its text is never parsed as markup.

    `link` is a named destination (made elsewhere with `anchor`) or, if it contains "://" or
    starts with "mailto:", a URL. `anchor` makes a named destination at the span's first glyph.
    `annotation` attaches a PDF Text annotation (a sticky note) at the span.
    `size_pt` overrides the paragraph size absolutely; `role`/`bold` override the face.
    """

    text: str
    bold: bool = False
    color: str | None = None
    role: Role | None = None
    size_pt: float | None = None
    superscript: bool = False
    link: str | None = None
    anchor: str | None = None
    annotation: str | None = None


STYLE_NAMES = (
    "title",
    "subtitle",
    "h1",
    "h2",
    "h3",
    "body",
    "body_noindent",
    "note",
    "caption",
    "footnote",
    "table",
    "table_head",
    "figure",
    "small",
)


def make_stylesheet(
    body_size_pt: float, body_leading_pt: float, body_tracking_pt: float = 0.0
) -> Mapping[str, TextStyle]:
    """Build the named styles around one body grid; other sizes keep their ratio to the body.

    With the GB/T 9704 grid (16 pt on 29.6 pt) the headings fall on the body grid and the title
    is 22 pt (二号); with a 10 pt body everything shrinks in proportion.
    """
    b = body_size_pt
    lead = body_leading_pt
    k = b / 16.0  # ratio to 三号, the size GB/T 9704 is written for
    styles = [
        TextStyle("title", "sans", True, 22 * k, 22 * k * 1.5, 0, "center", True,
                  space_after_pt=lead * 0.5, keep_with_next=True),
        TextStyle("subtitle", "kai", False, b, lead, 0, "center", True,
                  space_after_pt=lead * 0.5, keep_with_next=True),
        TextStyle("h1", "sans", False, b, lead, 2, "left", True, keep_with_next=True,
                  tracking_pt=body_tracking_pt),
        TextStyle("h2", "kai", False, b, lead, 2, "left", True, keep_with_next=True,
                  tracking_pt=body_tracking_pt),
        TextStyle("h3", "serif", True, b, lead, 2, "left", True, keep_with_next=True,
                  tracking_pt=body_tracking_pt),
        TextStyle("body", "serif", False, b, lead, 2, "justify", True,
                  tracking_pt=body_tracking_pt),
        TextStyle("body_noindent", "serif", False, b, lead, 0, "justify", True,
                  tracking_pt=body_tracking_pt),
        TextStyle("note", "kai", False, 14 * k, 14 * k * 1.6, 2, "justify", True,
                  color="#333333"),
        TextStyle("caption", "sans", False, 12 * k, 12 * k * 1.5, 0, "center", True,
                  space_before_pt=4 * k, space_after_pt=8 * k),
        TextStyle("footnote", "serif", False, 10.5 * k, 10.5 * k * 1.5, 0, "justify", True),
        TextStyle("table", "serif", False, 12 * k, 12 * k * 1.4, 0, "justify", True),
        TextStyle("table_head", "sans", True, 12 * k, 12 * k * 1.4, 0, "center", True),
        TextStyle("figure", "sans", True, 28 * k, 28 * k * 1.2, 0, "left", True),
        TextStyle("small", "serif", False, 9 * k, 9 * k * 1.45, 0, "left", True),
    ]
    return MappingProxyType({s.name: s for s in styles})
