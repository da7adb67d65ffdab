"""Turn a body-text grid (size, leading, tracking) into the named text styles of every document.

One table: the report's GB/T 9704 roles (with the handout's overlays), and a one-page variant
for the briefing and the comparison page that each fit level asks for `scaled`.

Font roles follow Chinese official documents (GB/T 9704): a 黑体-style sans for first-level headings
and figures, 楷体 for second-level headings, a 宋体-style serif for reading text, notes and titles.
Styles name a *role*, never a font file; `briefing.fonts.face_for` resolves the face.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal

Role = Literal["sans", "serif", "kai"]
Align = Literal["justify", "left", "center", "right"]
#: How a role follows a one-page document's fit level (`scaled`): with the text, with the display
#: type (title, headline figures), or not at all (page furniture: footer, folio, chart notes).
Scale = Literal["text", "display", "fixed"]
_ROLES = ("sans", "serif", "kai")
_ALIGNS = ("justify", "left", "center", "right")
_SCALES = ("text", "display", "fixed")

#: Nothing a reader is meant to read is set smaller: text 8 pt, chart labels 7 pt.
LEGIBLE_TEXT_PT = 8.0
LEGIBLE_CHART_PT = 7.0


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
    #: `scaled` never sets the role smaller than this (the legibility floor of one-page documents).
    min_size_pt: float = 0.0
    scale: Scale = "text"
    #: Running text: its leading is the document's line spacing times its size (`scaled`).
    running: bool = False
    #: Centred text of several lines (titles, captions) breaks into lines of like length: it is set
    #: at the narrowest measure that keeps its number of lines (`linebreak.balance_lines`).
    balance: bool = False

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(
                f"TextStyle {self.name!r}: role must be one of {_ROLES}, not {self.role!r}"
            )
        if self.align not in _ALIGNS:
            raise ValueError(
                f"TextStyle {self.name!r}: align must be one of {_ALIGNS}, not {self.align!r}"
            )
        if self.scale not in _SCALES:
            raise ValueError(
                f"TextStyle {self.name!r}: scale must be one of {_SCALES}, not {self.scale!r}"
            )
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


def scaled(
    styles: Mapping[str, TextStyle],
    text: float,
    display: float | None = None,
    spacing: float | None = None,
) -> Mapping[str, TextStyle]:
    """A stylesheet at one fit level of a one-page document: each role at its scale, over its floor.

    Roles with `scale="text"` are multiplied by `text`, display roles by `display` (default:
    `text`), fixed roles not at all; none goes below its `min_size_pt`. Running roles take
    `spacing` × their size as leading (the level's line spacing); the others keep their own ratio.
    """
    factors = {"text": text, "display": text if display is None else display, "fixed": 1.0}
    out = {}
    for name, style in styles.items():
        size = max(style.min_size_pt, style.size_pt * factors[style.scale])
        resized = scale_style(style, size / style.size_pt)
        if style.running and spacing is not None:
            resized = replace(resized, leading_pt=size * spacing)
        out[name] = resized
    return MappingProxyType(out)


def smaller(style: TextStyle, step_pt: float = 0.5) -> Iterator[TextStyle]:
    """`style`, then `step_pt` smaller each time down to its floor `min_size_pt` (the last).

    For a role that shrinks until it fits (the briefing's headline figures).
    """
    if style.min_size_pt <= 0:
        raise ValueError(f"TextStyle {style.name!r} has no floor (min_size_pt) to step down to")
    size = style.size_pt
    while size > style.min_size_pt + 1e-9:
        yield scale_style(style, size / style.size_pt)
        size -= step_pt
    yield scale_style(style, style.min_size_pt / style.size_pt)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of data text with uniform attributes. Its text is never parsed as markup.

    `link` is a named destination (made elsewhere with `anchor`) or, if it contains "://" or
    starts with "mailto:", a URL. `anchor` makes a named destination at the span's first glyph.
    `annotation` attaches a PDF Text annotation (a sticky note) at the span.
    `size_pt` overrides the paragraph size absolutely; `role`/`bold` override the face.
    `keep` forbids line breaks inside the span (a figure with its qualifier, a formula).
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
    keep: bool = False


def run_in(text: str, style: TextStyle, **attributes: Any) -> Span:
    """`text` in the face of `style` (its role and weight) inside a paragraph of another style:
    a run-in heading that opens its item (（一） in 楷体 as h2, 1. in the bold body face as h3).
    The size and line spacing stay the paragraph's; `attributes` are the span's others (link,
    anchor, colour).
    """
    return Span(text, bold=style.bold, role=style.role, **attributes)


#: The one style table of the project: every document draws its text roles from here.
#: Levels follow GB/T 9704: 一、 黑体 三号 (h1), （一） 楷体 三号 (h2), 1. bold body face 三号 (h3),
#: body text 三号; the title 二号 in a heavy 宋体 (小标宋) stand-in. The report's apparatus
#: (tables, notes, running heads) is set smaller; its running text never changes size.
STYLE_NAMES = (
    "title",
    "subtitle",
    "chapter",
    "h1",
    "h2",
    "h3",
    "body",
    "body_noindent",
    "note",
    "caption",
    "table_caption",
    "chart_note",
    "chart_label",
    "footnote",
    "table",
    "table_head",
    "table_fig",
    "small",
    "small_head",
    "header",
    "folio",
    "toc0",
    "toc1",
    "cover_mark",
    "cover_title",
    "cover_sub",
    "cover_meta",
    "cover_foot",
    "figure",
)
#: Roles the handout stamps over finished pages; part of every stylesheet, not of the specimen.
OVERLAY_NAMES = ("copy_number", "marking", "watermark")

#: Font roles by what they set. The body face is the 宋体-style serif until a 仿宋 face can be
#: shipped; notes and formulas use a face whose digits read as printed digits (never 楷体, whose
#: 9 reads as q).
BODY_ROLE: Role = "serif"
NOTE_ROLE: Role = "serif"
TITLE_ROLE: Role = "serif"  # bold: the heavy 宋体 stands in for 小标宋
#: A run-in label inside a paragraph of another role (比较口径：, a field's name) is set in 黑体.
LABEL_ROLE: Role = "sans"


def make_stylesheet(
    body_size_pt: float, body_leading_pt: float, body_tracking_pt: float = 0.0
) -> Mapping[str, TextStyle]:
    """Build the named styles around one body grid; other sizes keep their ratio to the body.

    With the GB/T 9704 grid (16 pt on 29.6 pt) the headings fall on the body grid and the title
    is 22 pt (二号); with a 10 pt body everything shrinks in proportion.
    """
    b = body_size_pt
    lead = body_leading_pt
    tr = body_tracking_pt
    k = b / 16.0  # ratio to 三号, the size GB/T 9704 is written for
    body = TextStyle("body", BODY_ROLE, False, b, lead, 2, "justify", True, tracking_pt=tr)
    caption = TextStyle(
        "caption",
        "sans",
        False,
        10.5 * k,
        10.5 * k * 1.5,
        0,
        "center",
        True,
        space_before_pt=4 * k,
        space_after_pt=4 * k,
        balance=True,
    )

    def small(name: str, role: Role, size: float, leading: float, **kw: object) -> TextStyle:
        kw.setdefault("align", "left")
        return replace(
            body,
            name=name,
            role=role,
            size_pt=size * k,
            leading_pt=leading * k,
            first_indent_em=0.0,
            tracking_pt=0.0,
            **kw,  # type: ignore[arg-type]
        )

    styles = [
        TextStyle(
            "title",
            TITLE_ROLE,
            True,
            22 * k,
            22 * k * 1.5,
            0,
            "center",
            True,
            space_after_pt=lead * 0.5,
            keep_with_next=True,
            balance=True,
        ),
        TextStyle(
            "subtitle",
            "kai",
            False,
            b,
            lead,
            0,
            "center",
            True,
            space_after_pt=lead * 0.5,
            keep_with_next=True,
            balance=True,
        ),
        # A chapter of the report opens a page like a document title: 二号, centred, one line after.
        TextStyle(
            "chapter",
            TITLE_ROLE,
            True,
            22 * k,
            lead * 1.5,
            0,
            "center",
            True,
            space_after_pt=lead * 0.5,
            keep_with_next=True,
            balance=True,
        ),
        TextStyle(
            "h1", "sans", False, b, lead, 2, "left", True, keep_with_next=True, tracking_pt=tr
        ),
        TextStyle(
            "h2", "kai", False, b, lead, 2, "left", True, keep_with_next=True, tracking_pt=tr
        ),
        TextStyle(
            "h3", BODY_ROLE, True, b, lead, 2, "left", True, keep_with_next=True, tracking_pt=tr
        ),
        body,
        replace(body, name="body_noindent", first_indent_em=0.0),
        TextStyle(
            "note", NOTE_ROLE, False, 14 * k, 14 * k * 1.6, 2, "justify", True, color="#333333"
        ),
        caption,
        # Tables are numbered above them (表1), as Chinese documents place table captions: the
        # caption's face and size, kept with its table.
        replace(
            caption,
            name="table_caption",
            space_before_pt=6 * k,
            space_after_pt=3 * k,
            keep_with_next=True,
        ),
        TextStyle(
            "chart_note",
            NOTE_ROLE,
            False,
            10.5 * k,
            15 * k,
            0,
            "center",
            True,
            space_after_pt=8 * k,
        ),
        # The labels and values of a chart (the charts' own face; only the size is taken).
        small("chart_label", "sans", 9.5, 12),
        small("footnote", NOTE_ROLE, 9, 13.5, align="justify"),
        small("table", BODY_ROLE, 10.5, 15),
        small("table_head", "sans", 10.5, 15, align="center"),
        small("table_fig", "sans", 10.5, 15),
        small("small", BODY_ROLE, 9, 13),
        small("small_head", "sans", 9, 13, align="center"),
        small("header", NOTE_ROLE, 10.5, 14),
        small("folio", BODY_ROLE, 14, 14, han_latin_space=False),
        small("toc0", "sans", 14, 24, space_before_pt=4 * k),
        small("toc1", BODY_ROLE, 12, 20),
        small("cover_mark", "sans", 16, 24),
        small("cover_title", TITLE_ROLE, 26, 40, bold=True, align="center", balance=True),
        small("cover_sub", "kai", 18, 30, align="center", balance=True),
        small("cover_meta", BODY_ROLE, 14, 22),
        small("cover_foot", NOTE_ROLE, 10.5, 16),
        TextStyle("figure", "sans", True, 28 * k, 28 * k * 1.2, 0, "left", True),
        # The handout's overlays: 份号 in 三号 digits, the marking in 三号 黑体 on the next line
        # (GB/T 9704 7.2.1-7.2.2), and a watermark that shrinks from this size to fit the page.
        small("copy_number", "sans", 16, lead / k, han_latin_space=False, scale="fixed"),
        small("marking", "sans", 16, lead / k, bold=True, scale="fixed"),
        small("watermark", "sans", 110, 110, bold=True, align="center", scale="fixed"),
    ]
    return MappingProxyType({s.name: s for s in styles})


#: Roles of the one-page documents (the briefing and the comparison page), set on the briefing
#: preset's grid (10 pt on 15.5 pt) and scaled as a whole to a fit level by `scaled`.
ONE_PAGE_NAMES = (
    "title",
    "subtitle",
    "kicker",
    "marking",
    "h1",
    "body",
    "body_head",
    "figure",
    "figure_label",
    "figure_meta",
    "caption",
    "chart_note",
    "chart_label",
    "box_title",
    "finding",
    "finding_tag",
    "finding_more",
    "table_head",
    "table_unit",
    "table",
    "table_name",
    "note",
    "footer",
    "folio",
)

#: The one-page documents' ink: near-black text, grey secondary lines, the charts' blue for
#: headings (dark enough to read in grayscale).
INK = "#1a1a1a"
MUTED = "#555555"
ACCENT = "#1f4e79"


def make_one_page_stylesheet(
    body_size_pt: float = 10.0, body_leading_pt: float = 15.5
) -> Mapping[str, TextStyle]:
    """The roles of a one-page document around its body grid, at its normal fit level.

    Same faces by role as the report's levels (黑体 headings and figures, 楷体 for secondary
    lines, the serif for reading text), sized for a page that must hold everything at once:
    headings one point over the body, secondary text under it, nothing below `LEGIBLE_TEXT_PT`.
    """
    b = body_size_pt
    k = b / 10.0
    spacing = body_leading_pt / b

    def role(
        name: str,
        face: Role,
        size: float,
        ratio: float,
        *,
        bold: bool = False,
        align: Align = "left",
        color: str = INK,
        scale: Scale = "text",
        floor: float = LEGIBLE_TEXT_PT,
        running: bool = False,
        balance: bool = False,
    ) -> TextStyle:
        size = size * k
        return TextStyle(
            name,
            face,
            bold,
            size,
            size * (spacing if running else ratio),
            0,
            align,
            True,
            color=color,
            min_size_pt=min(floor, size),
            scale=scale,
            running=running,
            balance=balance,
        )

    styles = [
        role(
            "title",
            "sans",
            18,
            1.3,
            bold=True,
            align="center",
            scale="display",
            floor=14,
            balance=True,
        ),
        role("subtitle", "kai", 10, 1.4, align="center", color=MUTED, balance=True),
        role("kicker", "kai", 10.5, 1.35, align="right", color=MUTED),
        role("marking", "sans", 10.5, 1.35, bold=True),
        role("h1", "sans", 11, 1.3, bold=True, color=ACCENT),
        role("body", "serif", 10, 0, align="justify", running=True),
        role("body_head", "sans", 10, 0, bold=True, running=True),
        # No Han–Latin gap inside a figure: "1313件" must read (and extract) as one word.
        replace(
            role("figure", "sans", 20, 1.18, bold=True, scale="display", floor=13),
            han_latin_space=False,
        ),
        role("figure_label", "sans", 9.5, 1.3),
        role("figure_meta", "kai", 9, 1.3, color=MUTED),
        role("caption", "sans", 9, 1.35, bold=True),
        role("chart_note", "kai", 8, 1.3, color=MUTED, scale="fixed"),
        role("chart_label", "sans", 8, 1.25, floor=LEGIBLE_CHART_PT),
        role("box_title", "sans", 10, 1.35, bold=True, color=ACCENT),
        role("finding", "serif", 9.5, 0, align="justify", running=True),
        role("finding_tag", "sans", 9.5, 0, bold=True, running=True),
        role("finding_more", "kai", 9.5, 0, color=MUTED, running=True),
        role("table_head", "sans", 10, 1.3, bold=True, align="center"),
        role("table_unit", "sans", 9, 1.25, align="center", color=MUTED),
        role("table", "sans", 10, 1.3, align="center"),
        role("table_name", "sans", 10, 1.3, bold=True),
        role("note", "kai", 9, 1.4, align="justify"),
        role("footer", "kai", 8, 1.35, color=MUTED, scale="fixed"),
        role("folio", "sans", 9, 1.2, align="right", scale="fixed"),
    ]
    return MappingProxyType({s.name: s for s in styles})
