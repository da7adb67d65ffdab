"""Give the package ReportLab's names with types: ReportLab's classes and functions in, the same
objects out, annotated for mypy.

This is the one module that imports ReportLab (tests/test_architecture.py checks it). ReportLab's
public API is typed by the types-reportlab stubs; what they leave out is declared here, so that
every other module is checked strictly:

* the private state the layout reads and sets — a Table's measured rows, a Frame's cursor, the
  canvas's page stream and document template — as attributes of `Table`, `Frame`, `KeepTogether`
  and `BaseDocTemplate` (declared for mypy only; at run time these are ReportLab's own classes)
  and `TTFontFace` (the fields the parsed-face cache restores), and as accessor functions for
  the canvas, whose instances ReportLab makes;
* `CanvasBase`, ReportLab's Canvas with the font arguments typed as ReportLab takes them;
* the module defaults (`set_default_fonts`) that make ReportLab's own text use our faces.

Each name is imported from ReportLab when it is first asked for, so importing this module costs
nothing and an importer pays only for the ReportLab modules it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from reportlab import Version
    from reportlab.lib import colors
    from reportlab.lib.colors import Color, HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.rl_accel import fp_str
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase import ttfonts as _ttfonts
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import doctemplate as _doctemplate
    from reportlab.platypus import flowables as _flowables
    from reportlab.platypus import frames as _frames
    from reportlab.platypus import tables as _tables
    from reportlab.platypus.doctemplate import ActionFlowable, FrameBreak, LayoutError, PageTemplate
    from reportlab.platypus.flowables import CondPageBreak, Flowable, Spacer
    from reportlab.platypus.tables import TableStyle

    class Table(_tables.Table):
        """ReportLab's Table with the measuring state the report's long tables carry over."""

        _argH: list[float | None]  # row heights asked for; None: measure the row
        _rowHeights: list[float]  # row heights after wrap
        _cellvalues: list[list[Any]]
        _width: float

        def _getFirstPossibleSplitRowPosition(self, availHeight: float) -> int: ...

    class KeepTogether(_flowables.KeepTogether):
        """ReportLab's KeepTogether, whose kept flowables the report looks into."""

        _content: list[Flowable]

    class Frame(_frames.Frame):
        """ReportLab's Frame with the cursor a frame that sets notes at its foot moves."""

        _x1: float
        _y: float
        _y1: float
        _y1p: float
        _aW: float
        _atTop: int
        _width: float
        _height: float
        _topPadding: float
        _bottomPadding: float
        _prevASpace: float

        def _reset(self) -> None: ...
        def _geom(self) -> None: ...
        def _add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> int: ...

    class TTFontFace(_ttfonts.TTFontFace):
        """ReportLab's parsed TrueType face, with the state the parse cache (`fonts`) restores."""

        _ttf_data: bytes
        _pdfScale: Callable[..., float]

    class BaseDocTemplate(_doctemplate.BaseDocTemplate):
        """ReportLab's BaseDocTemplate; `_doSave` 0 lays pages out without writing a file."""

        _doSave: int

    class CanvasBase(Canvas):
        """ReportLab's Canvas; its initial font is a name (the stubs type it as a number)."""

        def __init__(
            self,
            filename: str | IO[bytes],
            pagesize: tuple[float, float] | None = None,
            *,
            invariant: int | None = None,
            pageCompression: int | None = None,
            lang: str | None = None,
            initialFontName: str | None = None,
            initialFontSize: float | None = None,
            initialLeading: float | None = None,
        ) -> None: ...

else:
    # At run time every name is ReportLab's own object, imported on first use: an importer pays
    # for the ReportLab modules it uses and no others (TrueType parsing and Pillow are not needed
    # to validate a dataset; the platypus layout engine is not needed to draw a chart).
    _WHERE = {
        "colors": ("reportlab.lib.colors", None),
        "Color": ("reportlab.lib.colors", "Color"),
        "HexColor": ("reportlab.lib.colors", "HexColor"),
        "A4": ("reportlab.lib.pagesizes", "A4"),
        "fp_str": ("reportlab.lib.rl_accel", "fp_str"),
        "mm": ("reportlab.lib.units", "mm"),
        "ImageReader": ("reportlab.lib.utils", "ImageReader"),
        "pdfmetrics": ("reportlab.pdfbase.pdfmetrics", None),
        "stringWidth": ("reportlab.pdfbase.pdfmetrics", "stringWidth"),
        "TTFont": ("reportlab.pdfbase.ttfonts", "TTFont"),
        "TTFontFace": ("reportlab.pdfbase.ttfonts", "TTFontFace"),
        "TTFNameBytes": ("reportlab.pdfbase.ttfonts", "TTFNameBytes"),
        "TTEncoding": ("reportlab.pdfbase.ttfonts", "TTEncoding"),
        "Version": ("reportlab", "Version"),
        "Canvas": ("reportlab.pdfgen.canvas", "Canvas"),
        "CanvasBase": ("reportlab.pdfgen.canvas", "Canvas"),
        "ActionFlowable": ("reportlab.platypus.doctemplate", "ActionFlowable"),
        "BaseDocTemplate": ("reportlab.platypus.doctemplate", "BaseDocTemplate"),
        "FrameBreak": ("reportlab.platypus.doctemplate", "FrameBreak"),
        "LayoutError": ("reportlab.platypus.doctemplate", "LayoutError"),
        "PageTemplate": ("reportlab.platypus.doctemplate", "PageTemplate"),
        "CondPageBreak": ("reportlab.platypus.flowables", "CondPageBreak"),
        "Flowable": ("reportlab.platypus.flowables", "Flowable"),
        "KeepTogether": ("reportlab.platypus.flowables", "KeepTogether"),
        "Spacer": ("reportlab.platypus.flowables", "Spacer"),
        "Frame": ("reportlab.platypus.frames", "Frame"),
        "Table": ("reportlab.platypus.tables", "Table"),
        "TableStyle": ("reportlab.platypus.tables", "TableStyle"),
    }

    def __getattr__(name: str) -> object:
        try:
            module, attribute = _WHERE[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        value = importlib.import_module(module)
        if attribute is not None:
            value = getattr(value, attribute)
        globals()[name] = value
        return value


__all__ = [
    "A4",
    "ActionFlowable",
    "BaseDocTemplate",
    "Canvas",
    "CanvasBase",
    "Color",
    "CondPageBreak",
    "Flowable",
    "Frame",
    "FrameBreak",
    "HexColor",
    "ImageReader",
    "KeepTogether",
    "LayoutError",
    "PageTemplate",
    "Spacer",
    "TTEncoding",
    "TTFNameBytes",
    "TTFont",
    "TTFontFace",
    "Table",
    "TableStyle",
    "Version",
    "begin_form",
    "colors",
    "doc_template_of",
    "font_face",
    "fp_str",
    "frame_of",
    "mm",
    "page_size",
    "page_stream",
    "pdf_document",
    "pdf_escape",
    "pdfmetrics",
    "set_annotation_refs",
    "set_default_fonts",
    "set_doc_template",
    "set_form_state",
    "stringWidth",
    "truetype_font",
]


# The canvas's private state. ReportLab makes the canvases (and hands them to flowables and page
# callbacks), so these are functions rather than declared attributes.


def page_stream(canv: Canvas) -> list[str]:
    """The content-stream operators of the page being drawn, in order (ReportLab's `_code`)."""
    return cast(list[str], canv._code)  # type: ignore[attr-defined]


def page_size(canv: Canvas) -> tuple[float, float]:
    """(width, height) of the canvas's pages, in points."""
    return cast(tuple[float, float], canv._pagesize)  # type: ignore[attr-defined]


def pdf_document(canv: Canvas) -> Any:
    """The PDFDocument the canvas writes into (fonts register their subsets with it)."""
    return canv._doc  # type: ignore[attr-defined]


def pdf_escape(canv: Canvas) -> Callable[[str | bytes], str]:
    """The canvas's escaping of text (or a font subset's encoded bytes) for a PDF string literal."""
    return cast(Callable[[str | bytes], str], canv._escape)  # type: ignore[attr-defined]


def doc_template_of(canv: Canvas) -> Any:
    """The document template building onto the canvas (set by ReportLab while it builds)."""
    return canv._doctemplate  # type: ignore[attr-defined]


def frame_of(flowable: Flowable) -> Any:
    """The frame `flowable` is being laid out in, while a document builds (else None)."""
    return flowable._doctemplateAttr("frame")  # type: ignore[attr-defined]


def set_doc_template(canv: Canvas, doc: object | None) -> None:
    """Point the canvas at `doc` as its document template, or remove the reference (None)."""
    if doc is None:
        del canv._doctemplate  # type: ignore[attr-defined]
    else:
        canv._doctemplate = doc  # type: ignore[attr-defined]


def set_annotation_refs(canv: Canvas, annots: list[Any]) -> None:
    """Replace the annotations (links) gathered for the page or form being drawn."""
    canv._annotationrefs = annots  # type: ignore[attr-defined]


def begin_form(
    canv: Canvas, name: str, lowerx: float, lowery: float, upperx: float, uppery: float
) -> None:
    """Start form XObject `name` with this bounding box (ReportLab takes any numbers; the stubs
    ask for integers).
    """
    canv.beginForm(name, lowerx, lowery, upperx, uppery)  # type: ignore[arg-type]


def set_form_state(canv: Canvas, matrix: Any, annots: list[Any]) -> None:
    """Give a form being drawn the transformation and annotations of the page it stands for."""
    canv._currentMatrix = matrix  # type: ignore[attr-defined]
    canv._annotationrefs = annots  # type: ignore[attr-defined]


# Fonts.


def truetype_font(name: str) -> TTFont:
    """The registered TrueType font `name` (every font the package registers is one)."""
    from reportlab.pdfbase import pdfmetrics

    return cast("TTFont", pdfmetrics.getFont(name))


def font_face(name: str) -> Any:
    """ReportLab's parsed TrueType face of the registered font `name`."""
    return truetype_font(name).face


def set_default_fonts(regular: str, bold: str) -> None:
    """Make ReportLab's own defaults (canvas, graphics, paragraph and table styles) use our faces,
    so that no built-in font leaks into a document through a style we did not set.
    """
    from reportlab import rl_config
    from reportlab.graphics import shapes
    from reportlab.lib import styles
    from reportlab.platypus import tables

    rl_config.canvas_basefontname = regular
    # Streams are Flate-compressed already; ReportLab's pure-Python ASCII85 pass on top of that
    # costs a third of a page's build time and makes files larger.
    rl_config.useA85 = 0
    rl_config.defaultGraphicsFontName = regular
    shapes.STATE_DEFAULTS["fontName"] = regular
    styles.ParagraphStyle.defaults["fontName"] = regular
    styles.ParagraphStyle.defaults["bulletFontName"] = regular
    styles.ListStyle.defaults["bulletFontName"] = regular
    tables.CellStyle.fontname = regular
    # Read by getSampleStyleSheet at call time.
    styles._baseFontName = regular  # type: ignore[attr-defined]
    styles._baseFontNameB = bold  # type: ignore[attr-defined]
    styles._baseFontNameI = regular  # type: ignore[attr-defined]
    styles._baseFontNameBI = bold  # type: ignore[attr-defined]
