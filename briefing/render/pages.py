"""Turn a page preset (GB/T 9704 or compact) into frames, styles, page numbers and a doc template.

Every page geometry of the project is a preset here, chosen by name (`PRESETS`): `gbt9704` for
the report, `briefing` for the one-page briefing, `compact` for dense specimens. Geometry is in
points in ReportLab's bottom-up space. The GB/T 9704-2012 preset follows the
standard: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm holding 22 lines of 28 三号 characters,
page numbers "— N —" in 四号 7 mm below the 版心, odd pages right and even pages left, one
character in from the edge; margins are mirrored for duplex printing (订口 left on odd pages, right
on even pages).

Lines are set with the em box at the top of each line pitch (see `typography`), so the first line's
glyphs touch the top of the 版心 and, with leading (225 mm - 16 pt) / 21, the 22nd line's glyphs
touch its bottom. A frame is therefore the 版心 extended downwards by one pitch minus one em.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from briefing import fonts
from briefing._reportlab import A4, BaseDocTemplate, Canvas, Frame, PageTemplate, mm
from briefing.render.linebreak import break_prepared, prepare
from briefing.render.styles import Span, TextStyle, make_stylesheet
from briefing.render.typography import draw_lines, em_box, glyph_bounds

Folio = Literal["dash", "plain", "none"]


@dataclass(frozen=True, slots=True)
class Rect:
    """An axis-aligned rectangle in points, origin bottom left."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True, slots=True)
class PagePreset:
    """Page size, type area, body grid and page-number placement of one kind of document."""

    name: str
    page_width_pt: float
    page_height_pt: float
    top_mm: float
    binding_mm: float  # 订口: the left margin of odd pages (right margin of even pages if mirrored)
    text_width_mm: float
    text_height_mm: float
    body_size_pt: float
    chars_per_line: int | None = None  # a character grid fixes the body advance ...
    lines_per_page: int | None = None  # ... and the leading
    body_leading_free_pt: float | None = None  # leading when there is no line grid
    mirrored: bool = False
    folio: Folio = "none"
    folio_size_pt: float = 14.0
    folio_gap_mm: float = 7.0  # from the 版心's bottom edge to the top of the folio's dashes

    @property
    def body_advance_pt(self) -> float:
        if self.chars_per_line:
            return self.text_width_mm * mm / self.chars_per_line
        return self.body_size_pt

    @property
    def body_tracking_pt(self) -> float:
        return self.body_advance_pt - self.body_size_pt

    @property
    def body_leading_pt(self) -> float:
        if self.lines_per_page and self.lines_per_page > 1:
            return (self.text_height_mm * mm - self.body_size_pt) / (self.lines_per_page - 1)
        if self.body_leading_free_pt is None:
            raise ValueError(f"preset {self.name}: give lines_per_page or body_leading_free_pt")
        return self.body_leading_free_pt

    @property
    def styles(self) -> Mapping[str, TextStyle]:
        """The named paragraph styles laid on this preset's body grid."""
        return make_stylesheet(self.body_size_pt, self.body_leading_pt, self.body_tracking_pt)

    def left_margin_pt(self, page_number: int) -> float:
        if self.mirrored and page_number % 2 == 0:
            return self.page_width_pt - self.binding_mm * mm - self.text_width_mm * mm
        return self.binding_mm * mm

    def type_area(self, page_number: int = 1) -> Rect:
        """The 版心 of page `page_number` (1-based)."""
        w = self.text_width_mm * mm
        h = self.text_height_mm * mm
        y = self.page_height_pt - self.top_mm * mm - h
        return Rect(self.left_margin_pt(page_number), y, w, h)

    def frame_rect(self, page_number: int = 1) -> Rect:
        """The body frame: the 版心 plus the empty leading below its last line."""
        area = self.type_area(page_number)
        below = max(self.body_leading_pt - self.body_size_pt, 0.0)
        return Rect(area.x, area.y - below, area.width, area.height + below)

    def frame(self, page_number: int = 1, frame_id: str | None = None) -> Frame:
        """A ReportLab Frame on `frame_rect`, without the 6 pt padding Frame adds by default."""
        r = self.frame_rect(page_number)
        return Frame(
            r.x,
            r.y,
            r.width,
            r.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=frame_id or f"{self.name}-{'even' if page_number % 2 == 0 else 'odd'}",
        )


GBT9704 = PagePreset(
    name="gbt9704",
    page_width_pt=A4[0],
    page_height_pt=A4[1],
    top_mm=37.0,
    binding_mm=28.0,
    text_width_mm=156.0,
    text_height_mm=225.0,
    body_size_pt=16.0,
    chars_per_line=28,
    lines_per_page=22,
    mirrored=True,
    folio="dash",
    folio_size_pt=14.0,
    folio_gap_mm=7.0,
)

COMPACT = PagePreset(
    name="compact",
    page_width_pt=A4[0],
    page_height_pt=A4[1],
    top_mm=15.0,
    binding_mm=15.0,
    text_width_mm=A4[0] / mm - 30.0,
    text_height_mm=A4[1] / mm - 30.0,
    body_size_pt=10.0,
    body_leading_free_pt=16.0,
    mirrored=False,
    folio="none",
)

# The one-page leadership briefing: a wider type area than GB/T 9704 (it must hold a whole page of
# figures, charts and findings), 25 mm on the stapled left edge of a meeting handout, no folio
# (the briefing draws its own "— 1 —" in its footer).
BRIEFING = PagePreset(
    name="briefing",
    page_width_pt=A4[0],
    page_height_pt=A4[1],
    top_mm=18.0,
    binding_mm=25.0,
    text_width_mm=A4[0] / mm - 25.0 - 20.0,
    text_height_mm=A4[1] / mm - 18.0 - 14.0,
    body_size_pt=10.0,
    body_leading_free_pt=15.5,
    mirrored=False,
    folio="none",
)

PRESETS: Mapping[str, PagePreset] = {p.name: p for p in (GBT9704, COMPACT, BRIEFING)}


def folio_text(preset: PagePreset, page_number: int) -> str:
    """The page number as printed: "— 3 —" for GB/T 9704 (half-width digits), "3", or ""."""
    if preset.folio == "dash":
        return f"— {page_number} —"
    if preset.folio == "plain":
        return str(page_number)
    return ""


@lru_cache(maxsize=16)  # asked on every page; building the preset's stylesheet is not free
def folio_style(preset: PagePreset) -> TextStyle:
    """The page-number style of `preset`, its leading equal to its size."""
    size = preset.folio_size_pt
    return replace(preset.styles["folio"], size_pt=size, leading_pt=size)


def folio_dash_top(preset: PagePreset) -> float:
    """How far the top of the folio's dashes sits below its em box top, in points."""
    style = folio_style(preset)
    face = fonts.face_for(style.role, style.bold)
    asc, _desc = em_box(face)
    bounds = glyph_bounds(face, "—")
    ink_top = bounds[3] if bounds else 0.5
    return (asc - ink_top) * style.size_pt


def draw_page_number(canv: Canvas, preset: PagePreset, page_number: int) -> None:
    """Draw the page number of `page_number` in absolute page coordinates.

    Odd pages: flush right, one folio character in from the 版心's right edge; even pages: flush
    left, one character in from its left edge (the binding side alternates with mirrored margins).
    Printed one-sided (not mirrored), every page is numbered on the right. GB/T 9704 puts the
    dashes' top edge 7 mm below the 版心, so the em box starts that much higher.
    """
    text = folio_text(preset, page_number)
    if not text:
        return
    style = folio_style(preset)
    prep = prepare((Span(text),), style)
    lines = break_prepared(prep, preset.page_width_pt)
    width = lines[0].width_pt
    area = preset.type_area(page_number)
    em = style.size_pt
    right = page_number % 2 == 1 or not preset.mirrored
    x = area.right - em - width if right else area.x + em
    y_top = area.y - preset.folio_gap_mm * mm + folio_dash_top(preset)
    canv.saveState()
    draw_lines(canv, prep, lines, x, y_top, style.leading_pt)
    canv.restoreState()


PageHook = Callable[[Canvas, Any], None]


def page_templates(preset: PagePreset, on_page: PageHook | None = None) -> list[PageTemplate]:
    """Odd and even page templates that alternate automatically and draw the page number.

    `on_page(canvas, doc)` runs after the page number on every page (running heads, labels).
    """

    def decorate(canv: Canvas, doc: Any) -> None:
        draw_page_number(canv, preset, canv.getPageNumber())
        if on_page is not None:
            on_page(canv, doc)

    return [
        PageTemplate(
            id="odd",
            frames=[preset.frame(1)],
            onPage=decorate,
            autoNextPageTemplate="even",
            pagesize=(preset.page_width_pt, preset.page_height_pt),
        ),
        PageTemplate(
            id="even",
            frames=[preset.frame(2)],
            onPage=decorate,
            autoNextPageTemplate="odd",
            pagesize=(preset.page_width_pt, preset.page_height_pt),
        ),
    ]


def doc_template(
    target: Any,
    preset: PagePreset,
    *,
    title: str,
    author: str,
    subject: str = "",
    on_page: PageHook | None = None,
) -> BaseDocTemplate:
    """A deterministic (`invariant=1`) BaseDocTemplate in zh-CN on `preset` with its page
    templates.
    """
    fonts.register_reportlab()
    doc = BaseDocTemplate(
        target,
        pagesize=(preset.page_width_pt, preset.page_height_pt),
        title=title,
        author=author,
        subject=subject,
        creator="briefing",
        lang="zh-CN",
        invariant=1,
        initialFontName=fonts.SERIF,  # else Helvetica is referenced, unembedded
    )
    doc.addPageTemplates(page_templates(preset, on_page))
    return doc
