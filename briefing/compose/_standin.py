"""Turn Spans and TextStyles into a simple ReportLab flowable: a stand-in for `briefing.render` until it lands.

TEMPORARY. It mirrors the API the typesetting layer promises (CJKParagraph, Span, TextStyle, the
GB/T 9704 page preset) closely enough for the report's document machinery to be built and tested
against it: greedy line filling with the basic no-start/no-end rules, justification by spreading
space between break units, links, anchors and Text annotations at spans. It is deleted when the
real layer is merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.flowables import Flowable

from .. import fonts

Role = Literal["sans", "serif", "kai"]
Align = Literal["justify", "left", "center", "right"]

NO_START = set("、，。．；：？！”’）》」』】〕〉］｝％‰·—…")
NO_END = set("“‘（《「『【〔〈［｛")


@dataclass(frozen=True, slots=True)
class TextStyle:
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
    tracking_pt: float = 0.0


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    color: str | None = None
    role: Role | None = None
    size_pt: float | None = None
    superscript: bool = False
    link: str | None = None
    anchor: str | None = None
    annotation: str | None = None


def _latin(ch: str) -> bool:
    return ord(ch) < 0x2E80 and not ch.isspace() and ch not in NO_START and ch not in NO_END


# A unit is (text, span index, width); a line is a list of units.
_Unit = tuple[str, int, float]


class CJKParagraph(Flowable):
    """A paragraph of Spans set line by line; split by lines; data text is never parsed."""

    def __init__(self, content: str | Sequence[Span], style: TextStyle) -> None:
        super().__init__()
        self.spans: tuple[Span, ...] = (Span(content),) if isinstance(content, str) else tuple(content)
        self.style = style
        self.spaceBefore = style.space_before_pt
        self.spaceAfter = style.space_after_pt
        self.keepWithNext = style.keep_with_next
        self._lines: list[list[_Unit]] | None = None
        self._first_line_is_first = True
        self._last_line_is_last = True
        self._width = 0.0

    # -- measuring
    def _font(self, span: Span) -> tuple[str, float]:
        role = span.role or self.style.role
        size = span.size_pt or self.style.size_pt
        if span.superscript:
            size *= 0.6
        return fonts.face_for(role, span.bold or self.style.bold), size

    def _units(self) -> list[_Unit]:
        units: list[list[Any]] = []
        glue_next = False
        for si, span in enumerate(self.spans):
            font, size = self._font(span)
            for ch in span.text:
                if ch == "\n":
                    continue
                w = stringWidth(ch, font, size) + self.style.tracking_pt
                attach = units and (
                    glue_next
                    or ch in NO_START
                    or (_latin(ch) and units[-1][1] == si and _latin(units[-1][0][-1]))
                    or span.superscript
                )
                if attach and units[-1][1] == si:
                    units[-1][0] += ch
                    units[-1][2] += w
                else:
                    units.append([ch, si, w])
                glue_next = ch in NO_END
        return [(u[0], u[1], u[2]) for u in units]

    def _break(self, width: float) -> list[list[_Unit]]:
        em = self.style.size_pt
        lines: list[list[_Unit]] = [[]]
        used = self.style.first_indent_em * em if self._first_line_is_first else 0.0
        for unit in self._units():
            if lines[-1] and used + unit[2] > width + 0.01:
                lines.append([])
                used = 0.0
            lines[-1].append(unit)
            used += unit[2]
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._lines is None or abs(self._width - availWidth) > 0.01:
            self._lines = self._break(availWidth)
            self._width = availWidth
        return availWidth, len(self._lines) * self.style.leading_pt

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        n = int((availHeight + 0.01) // self.style.leading_pt)
        if n <= 0 or n >= len(self._lines):
            return [] if n <= 0 else [self]
        first = self._clone(self._lines[:n], last=False)
        second = self._clone(self._lines[n:], first=False)
        second.spaceBefore = 0
        first.spaceAfter = 0
        return [first, second]

    def _clone(self, lines: list[list[_Unit]], first: bool = True, last: bool = True) -> CJKParagraph:
        p = CJKParagraph(self.spans, self.style)
        p._lines = lines
        p._width = self._width
        p._first_line_is_first = self._first_line_is_first and first
        p._last_line_is_last = self._last_line_is_last and last
        return p

    # -- drawing
    def draw(self) -> None:
        assert self._lines is not None
        canv = self.canv
        st = self.style
        lead = st.leading_pt
        n = len(self._lines)
        for li, line in enumerate(self._lines):
            baseline = (n - li) * lead - (lead - st.size_pt) / 2 - st.size_pt * 0.86
            indent = st.first_indent_em * st.size_pt if (li == 0 and self._first_line_is_first) else 0.0
            natural = sum(u[2] for u in line)
            free = self._width - indent - natural
            gap = 0.0
            x = indent
            is_last = li == n - 1 and self._last_line_is_last
            if st.align == "center":
                x += free / 2
            elif st.align == "right":
                x += free
            elif st.align == "justify" and not is_last and len(line) > 1:
                gap = free / (len(line) - 1)
            for text, si, w in line:
                span = self.spans[si]
                font, size = self._font(span)
                rise = st.size_pt * 0.38 if span.superscript else 0.0
                canv.setFont(font, size)
                canv.setFillColor(HexColor(span.color or st.color))
                canv.drawString(x, baseline + rise, text)
                rect = (x, baseline - size * 0.2, x + w, baseline + rise + size * 0.85)
                if span.link:
                    if "://" in span.link or span.link.startswith("mailto:"):
                        canv.linkURL(span.link, rect, relative=1)
                    else:
                        canv.linkRect("", span.link, rect, relative=1)
                if span.anchor and text == self._first_text(si, li, line, text):
                    canv.bookmarkHorizontal(span.anchor, x, baseline + st.size_pt)
                if span.annotation and text == self._first_text(si, li, line, text):
                    canv.textAnnotation(span.annotation, Rect=rect, relative=1)
                x += w + gap

    def _first_text(self, si: int, li: int, line: list[_Unit], text: str) -> str | None:
        # The first unit of span `si` anywhere in this paragraph piece.
        assert self._lines is not None
        for ln in self._lines:
            for t, s, _w in ln:
                if s == si:
                    return t if ln is line else None
        return None


def make_stylesheet(body_size_pt: float, body_leading_pt: float) -> dict[str, TextStyle]:
    b, lead = body_size_pt, body_leading_pt
    k = b / 16.0
    return {
        "title": TextStyle("title", "sans", True, 22 * k, 33 * k, 0, "center", space_after_pt=lead * 0.5),
        "subtitle": TextStyle("subtitle", "kai", False, b, lead, 0, "center"),
        "h1": TextStyle("h1", "sans", False, b, lead, 2, "left", keep_with_next=True),
        "h2": TextStyle("h2", "kai", False, b, lead, 2, "left", keep_with_next=True),
        "h3": TextStyle("h3", "serif", True, b, lead, 2, "left", keep_with_next=True),
        "body": TextStyle("body", "serif", False, b, lead, 2, "justify"),
        "body_noindent": TextStyle("body_noindent", "serif", False, b, lead, 0, "justify"),
        "note": TextStyle("note", "kai", False, 14 * k, 14 * k * 1.6, 2, "justify", color="#333333"),
        "caption": TextStyle("caption", "sans", False, 12 * k, 18 * k, 0, "center"),
        "footnote": TextStyle("footnote", "serif", False, 10.5 * k, 10.5 * k * 1.5, 0, "justify"),
        "table": TextStyle("table", "serif", False, 12 * k, 12 * k * 1.4, 0, "justify"),
        "table_head": TextStyle("table_head", "sans", True, 12 * k, 12 * k * 1.4, 0, "center"),
        "figure": TextStyle("figure", "sans", True, 28 * k, 28 * k * 1.2, 0, "left"),
        "small": TextStyle("small", "serif", False, 9 * k, 9 * k * 1.45, 0, "left"),
    }


# -- GB/T 9704 page preset
PAGE_WIDTH, PAGE_HEIGHT = A4
TOP = 37 * mm
BINDING = 28 * mm
TYPE_WIDTH = 156 * mm
TYPE_HEIGHT = 225 * mm
BODY_SIZE = 16.0
BODY_LEADING = TYPE_HEIGHT / 22


def type_area(page: int) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the type area; the binding side alternates for duplex."""
    x = BINDING if page % 2 == 1 else PAGE_WIDTH - BINDING - TYPE_WIDTH
    return x, PAGE_HEIGHT - TOP - TYPE_HEIGHT, TYPE_WIDTH, TYPE_HEIGHT


def frame_area(page: int) -> tuple[float, float, float, float]:
    """The body frame; the stand-in centres glyphs in their line, so it is the type area."""
    return type_area(page)


def last_line_width(content: Sequence[Span], width: float, style: TextStyle) -> float:
    """Width of the last line `content` sets in at `width` (for a leader after a title)."""
    para = CJKParagraph(content, style)
    para.wrap(width, 10_000)
    assert para._lines is not None
    return sum(u[2] for u in para._lines[-1]) if para._lines else 0.0


def draw_page_number(canv: Any, page: int) -> None:
    x, y, w, _h = type_area(page)
    size = 14.0
    text = f"— {page} —"
    font = fonts.face_for("serif")
    tw = stringWidth(text, font, size)
    baseline = y - 7 * mm - size * 0.8
    canv.setFont(font, size)
    canv.setFillColor(HexColor("#000000"))
    if page % 2 == 1:
        canv.drawString(x + w - size - tw, baseline, text)
    else:
        canv.drawString(x + size, baseline, text)
