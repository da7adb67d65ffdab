"""Lay a list of report flowables out on mirrored GB/T 9704 pages and return the PDF bytes and where everything landed.

This is the report's document machinery, independent of what the report says: same-page footnotes
(a frame that gives up the space its page's footnotes need), chapters that open on odd pages with
unnumbered blank versos, headings that feed the outline, the table of contents and the running
header, named destinations and a log of the page each named thing landed on. Page numbers in the
table of contents and in cross-references come from the previous pass, so `build_pdf` lays the
document out until two passes agree.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import Table
from reportlab.platypus.doctemplate import ActionFlowable, BaseDocTemplate, FrameBreak, PageTemplate
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.frames import Frame

from .. import fonts
from ._report_text import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CJKParagraph,
    Span,
    TextStyle,
    draw_page_number,
    frame_area,
    last_line_width,
    type_area,
)
from .annotate import NotePart

MAX_PASSES = 4
NOTE_GAP = 2.0  # points between two footnotes
HEADER_RULE_GAP = 5 * 2.834645669  # the header rule sits 5 mm above the type area
_FUZZ = 1e-3


@dataclass(frozen=True, slots=True)
class Footnote:
    """A numbered note printed at the foot of the page that carries its marker."""

    number: int
    parts: tuple[NotePart, ...]

    @property
    def text(self) -> str:
        """The whole note as plain text, for the on-screen note (Text annotation)."""
        return "".join(p.text for p in self.parts)

    @property
    def key(self) -> str:
        return f"fn-{self.number}"

    @property
    def ref_key(self) -> str:
        return f"fnref-{self.number}"


@dataclass
class PageLog:
    """What one layout pass found: the page of every logged key, headings in order, blank pages."""

    pages: dict[str, int] = field(default_factory=dict)
    headings: list[tuple[int, str, str, int]] = field(default_factory=list)
    blank_pages: set[int] = field(default_factory=set)
    footnote_pages: dict[int, int] = field(default_factory=dict)
    page_count: int = 0

    def page_of(self, key: str) -> int | None:
        return self.pages.get(key)

    def settled(self, other: PageLog) -> bool:
        return (self.pages, self.headings, self.blank_pages) == (
            other.pages,
            other.headings,
            other.blank_pages,
        )


def _log_of(canv: Any) -> PageLog:
    log: PageLog = canv._doctemplate.log
    return log


# ---------------------------------------------------------------------------------------------
# Flowables that know about the machinery


class Noted(Flowable):
    """Wrap a flowable that carries footnote markers (and/or named keys) so the frame can see them.

    It never splits: it wraps table cells and short paragraphs, and keeping marker and footnote
    on one page is simpler when the marker's flowable is atomic.
    """

    def __init__(
        self,
        inner: Flowable,
        footnotes: Sequence[Footnote] = (),
        keys: Sequence[str] = (),
        anchors: Sequence[str] = (),
        note: str | None = None,
    ):
        super().__init__()
        self.inner = inner
        self.note = note  # contents of an on-screen note (Text annotation) in the outer margin
        self.footnotes = tuple(footnotes)
        self.keys = tuple(keys)  # logged only (the inner text makes their destinations)
        self.anchors = tuple(anchors)  # logged, with a destination at the top of this flowable

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:
        return float(self.inner.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.inner.getSpaceAfter())

    def draw(self) -> None:
        log = _log_of(self.canv)
        page = self.canv.getPageNumber()
        for key in self.keys:
            log.pages.setdefault(key, page)
        for key in self.anchors:
            log.pages.setdefault(key, page)
            self.canv.bookmarkHorizontal(key, 0, self.height)
        for fn in self.footnotes:
            log.footnote_pages.setdefault(fn.number, page)
        if self.note:
            self._margin_note(page)
        self.inner.drawOn(self.canv, 0, 0)

    def _margin_note(self, page: int) -> None:
        # The note's icon sits in the outer margin level with the figure: on the figure itself
        # it would hide the digits on screen.
        x, _y, w, _h = type_area(page)
        _ax, top = self.canv.absolutePosition(0, self.height)
        # Viewers draw the icon about 20 pt wide from the rectangle's left edge, whatever its size.
        size = 12.0
        left = x + w + 6.0 if page % 2 == 1 else x - 30.0
        self.canv.textAnnotation(
            self.note, Rect=(left, top - size, left + size, top), relative=0, Name="/Comment"
        )


def footnotes_in(flowable: Any) -> list[Footnote]:
    """The footnotes whose markers a flowable (or a table part, or a group) will draw, in order."""
    found: dict[int, Footnote] = {}

    def walk(f: Any) -> None:
        if f is None:
            return
        if isinstance(f, (list, tuple)):
            for x in f:
                walk(x)
        elif isinstance(f, Noted):
            for n in f.footnotes:
                found.setdefault(n.number, n)
            walk(f.inner)
        elif isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    walk(cell)
        elif isinstance(f, Flowable) and isinstance(getattr(f, "_content", None), list):
            walk(f._content)

    walk(flowable)
    return list(found.values())


class Heading(Flowable):
    """A heading: named destination, outline entry, running-header chapter and TOC page in one."""

    def __init__(self, para: Flowable, *, level: int, title: str, key: str, in_toc: bool = True):
        super().__init__()
        self.para = para
        self.level = level
        self.title = title
        self.key = key
        self.in_toc = in_toc
        self.keepWithNext = 0  # headings are kept with what follows by a CondPageBreak instead

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.para.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def getSpaceBefore(self) -> float:
        return float(self.para.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.para.getSpaceAfter())

    def draw(self) -> None:
        canv = self.canv
        page = canv.getPageNumber()
        canv.bookmarkHorizontal(self.key, 0, self.height)
        canv.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)
        log = _log_of(canv)
        log.pages[self.key] = page
        if self.in_toc:
            log.headings.append((self.level, self.title, self.key, page))
        if self.level == 0:
            canv._doctemplate.chapter = self.title
            canv._doctemplate.opening_page = page
        self.para.drawOn(canv, 0, 0)


class ChapterBreak(ActionFlowable):
    """Start the next chapter on an odd (right-hand) page, leaving an unnumbered blank verso if needed."""

    def __init__(self) -> None:
        super().__init__()

    def apply(self, doc: Any) -> None:
        if doc.frame is not None and not doc.frame._atTop:
            doc.handle_pageBreak()
            if (doc.page + 1) % 2 == 0:
                doc._hanging.append(_BlankPage())
        elif doc.page % 2 == 0:
            doc.log.blank_pages.add(doc.page)
            doc.handle_pageBreak()


class _BlankPage(ActionFlowable):
    def __init__(self) -> None:
        super().__init__()

    def apply(self, doc: Any) -> None:
        doc.log.blank_pages.add(doc.page)
        doc.handle_pageBreak()


class Centered(Flowable):
    """Centre a fixed-width flowable (a chart drawing) in the frame without touching it."""

    def __init__(self, inner: Flowable):
        super().__init__()
        self.inner = inner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        w, h = self.inner.wrap(availWidth, availHeight)
        self._inner_width = w
        self.width, self.height = availWidth, h
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        self.inner.drawOn(self.canv, (self.width - self._inner_width) / 2, 0)


class PageRef(Flowable):
    """Zero-size marker that logs the page it lands on under `key` and makes a destination there."""

    _ZEROSIZE = True

    def __init__(self, key: str, destination: bool = True):
        super().__init__()
        self.key = key
        self.destination = destination
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        _log_of(self.canv).pages.setdefault(self.key, self.canv.getPageNumber())
        if self.destination:
            self.canv.bookmarkHorizontal(self.key, 0, 0)


class TocEntry(Flowable):
    """One line of the table of contents: title, dotted leader, page number; all of it a link."""

    def __init__(self, level: int, title: str, key: str, page: int | None, style: TextStyle):
        super().__init__()
        self.level = level
        self.key = key
        self.style = style
        self.indent = 2 * style.size_pt * level
        self.num_width = 3 * style.size_pt
        self.title_spans = [Span(title, link=key)]
        self.title_para = CJKParagraph(self.title_spans, _left(style))
        self.page_para = CJKParagraph(
            [Span(str(page) if page else "", link=key)], _left(style, align="right")
        )
        self.spaceBefore = style.space_before_pt
        self.spaceAfter = style.space_after_pt

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        text_w = availWidth - self.indent - self.num_width - self.style.size_pt
        _, h = self.title_para.wrap(text_w, availHeight)
        self.page_para.wrap(self.num_width, availHeight)
        self.width, self.height = availWidth, h
        self._text_w = text_w
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        canv = self.canv
        st = self.style
        self.title_para.drawOn(canv, self.indent, 0)
        self.page_para.drawOn(canv, self.width - self.num_width, 0)  # on the title's last line
        # A dotted leader from the end of the title's last line to the number.
        used = last_line_width(self.title_spans, self._text_w, _left(st))
        x0 = self.indent + used + st.size_pt * 0.5
        x1 = self.width - st.size_pt * 2.2
        if x1 > x0:
            y = st.leading_pt - st.size_pt * 0.8  # just above the last line's baseline
            canv.saveState()
            canv.setStrokeColor(HexColor("#808080"))
            canv.setLineWidth(0.8)
            canv.setDash(0.8, 3.2)
            canv.setLineCap(1)
            canv.line(x0, y, x1, y)
            canv.restoreState()
        canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)


def _left(style: TextStyle, align: str = "left") -> TextStyle:
    from dataclasses import replace

    return replace(style, align=align, first_indent_em=0.0)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Frame and document


class NoteFrame(Frame):
    """The body frame; gives up at its foot the room the footnotes of this page need."""

    _y1p: float  # bottom of the usable area, set by Frame._geom

    def __init__(
        self, x: float, y: float, width: float, height: float, note_style: TextStyle, floor: float = 0.0
    ):
        super().__init__(
            x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body"
        )
        self.note_style = note_style
        # The frame may reach below the 版心 by a body line's empty leading; footnotes sit on
        # the 版心's bottom instead, `floor` above the frame's.
        self.floor = max(floor, 0.0)
        self.notes: list[Footnote] = []
        self._note_cache: dict[tuple[int, tuple[tuple[str, int], ...]], tuple[Flowable, float]] = {}
        self.rule_space = note_style.leading_pt * 0.9

    def _reset(self) -> None:
        super()._reset()
        self.notes = []

    def __deepcopy__(self, memo: dict[int, Any]) -> NoteFrame:
        # KeepTogether measures on a deep copy of the frame; the footnote cache is immutable
        # once filled, so share it (copying its paragraphs each time cost seconds per build).
        twin = copy.copy(self)
        twin.notes = list(self.notes)
        return twin

    def move_to(self, x: float) -> None:
        self._x1 = x
        self._geom()

    def _rendered(self, notes: Iterable[Footnote]) -> list[tuple[Flowable, float]]:
        """The paragraphs of a page's footnotes; a clause an earlier note on the page gave in
        full is shortened to a pointer to that note."""
        said: dict[str, int] = {}
        out = []
        for note in notes:
            elided = tuple(sorted((p.share, said[p.share]) for p in note.parts if p.share in said))
            key = (note.number, elided)
            hit = self._note_cache.get(key)
            if hit is None:
                spans = [
                    Span(f"{note.number}", bold=True, anchor=note.key, link=note.ref_key, role="sans"),
                    Span("\u3000"),
                ]
                for part in note.parts:
                    if part.share in said and part.short:
                        first = said[part.share]
                        spans.append(Span(part.short.format(n=first), color=part.color, link=f"fn-{first}"))
                    else:
                        spans.append(Span(part.text, color=part.color))
                para = CJKParagraph(spans, self.note_style)
                _, h = para.wrap(self._aW, 10_000)
                hit = (para, h)
                self._note_cache[key] = hit
            out.append(hit)
            for part in note.parts:
                if part.share is not None:
                    said.setdefault(part.share, note.number)
        return out

    def notes_height(self, notes: Iterable[Footnote]) -> float:
        heights = [h for _p, h in self._rendered(notes)]
        if not heights:
            return 0.0
        return self.floor + self.rule_space + sum(heights) + NOTE_GAP * (len(heights) - 1)

    def _new_notes(self, flowable: Flowable) -> list[Footnote]:
        have = {n.number for n in self.notes}
        return [n for n in footnotes_in(flowable) if n.number not in have]

    def add(self, flowable: Flowable, canv: Any, trySplit: int = 0) -> int:
        new = self._new_notes(flowable)
        saved: float = self._y1p
        self._y1p = saved + self.notes_height(self.notes + new)
        try:
            ok = super()._add(flowable, canv, trySplit)
        finally:
            self._y1p = saved
        if ok:
            self.notes.extend(new)
        return int(ok)

    def split(self, flowable: Flowable, canv: Any) -> list[Flowable]:
        # The footnotes of the part that stays depend on where the split falls: offer less and
        # less room, one line or row at a time, until the first part and its notes fit together.
        saved: float = self._y1p
        full = self._y - saved - self.notes_height(self.notes)
        room = full
        try:
            for _ in range(500):
                if room <= 0:
                    return []
                self._y1p = self._y - room
                parts: list[Flowable] = super().split(flowable, canv)
                if not parts:
                    return parts
                first = parts[0]
                if isinstance(first, ActionFlowable):
                    return parts
                space = 0.0 if self._atTop else first.getSpaceBefore()
                _, h = first.wrap(self._aW, room)
                need = self.notes_height(self.notes + self._new_notes(first))
                if h + space <= self._y - saved - need + _FUZZ:
                    if room < full and len(parts) > 1:
                        # What remains must not start again lower on this page (a table
                        # would repeat its header there): it goes to the next frame.
                        return [first, FrameBreak, *parts[1:]]
                    return parts
                room = min(room, h + space) - 0.5
            return []
        finally:
            self._y1p = saved

    def draw_notes(self, canv: Any) -> None:
        if not self.notes:
            return
        top = self._y1 + self.notes_height(self.notes)
        rule_y = top - self.rule_space * 0.45
        canv.saveState()
        canv.setStrokeColor(HexColor("#000000"))
        canv.setLineWidth(0.5)
        canv.line(self._x1, rule_y, self._x1 + self._width / 4, rule_y)
        canv.restoreState()
        y = top - self.rule_space
        for para, h in self._rendered(self.notes):
            para.drawOn(canv, self._x1, y - h)
            y -= h + NOTE_GAP


@dataclass(frozen=True, slots=True)
class DocInfo:
    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    creator: str
    running_title: str


class ReportDoc(BaseDocTemplate):
    """Mirrored A4 pages: a cover template, then body pages with header, footnotes and folio."""

    def __init__(
        self,
        buffer: io.BytesIO,
        info: DocInfo,
        styles: dict[str, TextStyle] | Any,
        log: PageLog,
    ):
        x, y, w, h = frame_area(1)
        note = styles["footnote"]
        floor = (type_area(1)[1] - y) - (note.leading_pt - note.size_pt)
        self.log = log
        self.info = info
        self.styles = styles
        self.chapter = ""
        self.opening_page = 0
        self.body_frame = NoteFrame(x, y, w, h, note, floor)
        cover_frame = Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="cover")
        super().__init__(
            buffer,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[
                PageTemplate("cover", [cover_frame], onPageEnd=self._cover_end, autoNextPageTemplate="body"),
                PageTemplate("body", [self.body_frame], onPage=self._body_begin, onPageEnd=self._body_end),
            ],
            title=info.title,
            author=info.author,
            subject=info.subject,
            keywords=list(info.keywords),
            creator=info.creator,
            producer=info.creator,
            # Determinism flags and the language are the output step's (render.output), which
            # makes the canvas.
            initialFontName=fonts.face_for("serif"),
            initialFontSize=10,
            initialLeading=12,
            displayDocTitle=1,
        )

    def _cover_end(self, canv: Any, doc: Any) -> None:
        self.log.blank_pages.discard(self.page)

    def _body_begin(self, canv: Any, doc: Any) -> None:
        x, _y, _w, _h = frame_area(self.page)
        self.body_frame.move_to(x)

    def _body_end(self, canv: Any, doc: Any) -> None:
        page = self.page
        self.log.page_count = max(self.log.page_count, page)
        if page in self.log.blank_pages:
            return
        self.body_frame.draw_notes(canv)
        if page != self.opening_page:  # a chapter's first page shows its title in full anyway
            self._draw_header(canv, page)
        draw_page_number(canv, page)

    def _draw_header(self, canv: Any, page: int) -> None:
        x, y, w, h = type_area(page)
        style = self.styles["header"]
        odd = page % 2 == 1
        text = self.chapter if odd else self.info.running_title
        para = CJKParagraph([Span(text)], _left(style, "right" if odd else "left"))
        para.wrap(w, 100)
        base = y + h + HEADER_RULE_GAP
        para.drawOn(canv, x, base + 2.0)
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.setStrokeColor(HexColor("#000000"))
        canv.line(x, base, x + w, base)
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        pass


def build_pdf(
    make_story: Callable[[PageLog], list[Flowable]],
    info: DocInfo,
    styles: dict[str, TextStyle] | Any,
    canvasmaker: Callable[..., Any],
) -> tuple[bytes, PageLog]:
    """Lay the story out until the page numbers it quotes (from the previous pass) are right.

    `make_story` gets the previous pass's log (empty on the first pass) and must return fresh
    flowables each time: ReportLab flowables keep layout state and must not be reused.
    `canvasmaker` is the output step's canvas factory (`render.output.canvas_maker`), which fixes
    the determinism flags and draws a draft's stamp.
    """
    previous = PageLog()
    data = b""
    for _ in range(MAX_PASSES):
        log = PageLog()
        buffer = io.BytesIO()
        doc = ReportDoc(buffer, info, styles, log)
        doc.build(make_story(previous), canvasmaker=canvasmaker)
        log.page_count = doc.page
        data = buffer.getvalue()
        if log.settled(previous):
            return data, log
        previous = log
    return data, previous
