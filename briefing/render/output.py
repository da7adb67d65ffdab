"""Turn a composed document (plain metadata and a drawing step) into finished PDF bytes: the one
output step.

Every document type and the handout go through here, so that they cannot disagree:

* `document_date` is the one date function: `SOURCE_DATE_EPOCH` when set, else the document's
  own day read as midnight China Standard Time, never the clock;
* `canvas_maker` makes every ReportLab canvas a document draws on, with the determinism flags
  (invariant mode, compressed pages), the language and the initial font fixed here; a stamp
  given to it (草稿 on a draft) is drawn on every page as the page is finished, so no document
  type can forget it;
* `finish` writes the Info dictionary (and XMP and the output intent for PDF/A-2b) from
  `PdfMeta`, through the finisher in `pdfa`.

This module knows no dataset schema: compose modules hand it plain strings and a date.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from briefing._reportlab import Canvas, CanvasBase, page_size

from .. import __version__, fonts
from ..errors import OutputError
from ..i18n import _
from . import pdfa

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))
CREATOR = f"briefing {__version__}"

# A draft's stamp: light enough to read the page through it, dark enough to survive a copier.
STAMP_INK = 0.13
STAMP_SIZE_PT = 120.0


@dataclass(frozen=True, slots=True)
class PdfMeta:
    """What a document says about itself: Info/XMP fields and the day it is dated."""

    title: str
    author: str
    subject: str
    keywords: tuple[str, ...]
    day: dt.date
    lang: str = "zh-CN"

    @property
    def created(self) -> dt.datetime:
        return document_date(self.day)


CanvasMaker = Callable[..., Canvas]
# Lays the document out on canvases made by the maker; returns the PDF bytes and the page count.
DrawFn = Callable[[CanvasMaker], tuple[bytes, int]]


@dataclass(frozen=True, slots=True)
class Composed:
    """A document ready to draw: its metadata and the step that draws it."""

    meta: PdfMeta
    draw: DrawFn = field(repr=False)


def document_date(day: dt.date) -> dt.datetime:
    """The date of every document and handout: SOURCE_DATE_EPOCH when set, else `day` at 00:00
    +08:00.

    China Standard Time because the reports are issued there; the PDF writes the offset, so the
    instant is the same wherever the file is read.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise OutputError(
                _("SOURCE_DATE_EPOCH={value} is not a whole number of seconds since 1970").format(
                    value=repr(epoch)
                )
            ) from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=CHINA_TIME)


def pdf_date(day: dt.date) -> str:
    """`document_date(day)` in the PDF date format (D:YYYYMMDDHHmmSS+08'00')."""
    return pdfa.pdf_date(document_date(day))


class _Canvas(CanvasBase):
    """A canvas whose flags the output step fixes, and which stamps every page it finishes."""

    def __init__(
        self,
        target: Any,
        *,
        meta: PdfMeta,
        stamp: str | None,
        pagesize: tuple[float, float],
        initialFontName: str | None = None,
        initialFontSize: float | None = None,
        initialLeading: float | None = None,
        **_ignored: Any,
    ) -> None:
        # Whatever a document template asks for, these are not its to choose: invariant mode
        # (no clock, fixed IDs) and compression are what make the bytes reproducible.
        super().__init__(
            target,
            pagesize=pagesize,
            invariant=1,
            pageCompression=1,
            lang=meta.lang,
            initialFontName=initialFontName or fonts.SERIF,
            initialFontSize=initialFontSize or 10,
            initialLeading=initialLeading,
        )
        self._stamp = stamp
        self.setTitle(meta.title)
        self.setAuthor(meta.author)
        self.setSubject(meta.subject)
        self.setKeywords(", ".join(meta.keywords))
        self.setCreator(CREATOR)

    def showPage(self) -> None:
        if self._stamp:
            draw_stamp(self, self._stamp)
        super().showPage()


def draw_stamp(canv: Canvas, text: str) -> None:
    """A large diagonal mark across the page, above everything drawn on it."""
    from briefing._reportlab import stringWidth

    width, height = page_size(canv)
    canv.saveState()
    canv.setFillGray(0)
    canv.setFillAlpha(STAMP_INK)
    font = fonts.SANS_BOLD
    diagonal = (width**2 + height**2) ** 0.5
    size = min(STAMP_SIZE_PT * 3, 0.5 * diagonal / max(stringWidth(text, font, 1), 1))
    canv.setFont(font, size)
    canv.translate(width / 2, height / 2)
    canv.rotate(54.7 if height > width else 35.3)  # along the page's diagonal (A-series)
    canv.drawCentredString(0, -size * 0.35, text)
    canv.restoreState()


def canvas_maker(meta: PdfMeta, *, stamp: str | None = None) -> CanvasMaker:
    """The factory every document's canvases come from (ReportLab's `canvasmaker` protocol)."""
    fonts.register_reportlab()

    def make(target: Any, **kwargs: Any) -> Canvas:
        kwargs.setdefault("pagesize", (595.2755905511812, 841.8897637795277))
        return _Canvas(target, meta=meta, stamp=stamp, **kwargs)

    return make


def finish(data: bytes, meta: PdfMeta, *, archival: bool) -> bytes:
    """Metadata from `meta` into the PDF, and PDF/A-2b when `archival`; deterministic."""
    return pdfa.finish(
        data,
        archival=archival,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=meta.keywords,
        lang=meta.lang,
        created=meta.created,
    )


def render(
    composed: Composed, *, archival: bool = True, stamp: str | None = None
) -> tuple[bytes, int]:
    """Draw a composed document through the one canvas factory and finish it: PDF bytes and
    pages.
    """
    data, pages = composed.draw(canvas_maker(composed.meta, stamp=stamp))
    return finish(data, composed.meta, archival=archival), pages


def blank_canvas(meta: PdfMeta, pagesize: tuple[float, float]) -> tuple[io.BytesIO, Canvas]:
    """A fresh buffer and a canvas on it, for overlays (the handout's copy numbers and
    watermark).
    """
    buf = io.BytesIO()
    return buf, canvas_maker(meta)(buf, pagesize=pagesize)
