"""Lay a list of report flowables out on mirrored GB/T 9704 pages and return the PDF bytes and where
everything landed.

This is the report's document machinery, independent of what the report says: same-page footnotes
(a frame that gives up the space its page's footnotes need), chapters that open on a new page (on
a right-hand page with an unnumbered blank verso where a duplex binding needs it), numbered tables
that keep three rows together and say 续表 when they continue, headings that feed the outline, the
table of contents and the running header, named destinations and a log of the page each named
thing landed on. Content that cannot fit a page is a `LayoutOverflowError` naming the dataset
field it came from.

One layout pass: the contents take their room from their entries (known before layout) and draw
each page number into a form XObject that is filled in once the pages are known. A cross-reference
(`Xref`) is made when it is laid out: a page already laid out is quoted as is; a page further on
gets a placeholder as wide as the widest number, and the text is set again with the real number
into a form drawn where the placeholder stood, its links added to that page. Only when that real
text would need more lines than the placeholder did (never seen in practice) is the document laid
out again, with the numbers of the first pass as placeholders.
"""

from __future__ import annotations

import contextlib
import copy
import io
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from briefing._reportlab import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    HexColor,
    KeepTogether,
    LayoutError,
    PageTemplate,
    Table,
    begin_form,
    doc_template_of,
    frame_of,
    page_stream,
    set_annotation_refs,
    set_doc_template,
    set_form_state,
)

from .. import fonts
from ..errors import LayoutOverflowError
from ..i18n import _
from ._report_text import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRESET,
    CJKParagraph,
    PagePreset,
    Span,
    TextStyle,
    draw_page_number,
    frame_area,
    last_line_width,
    type_area,
)
from .annotate import NotePart, formula_runs

MAX_PASSES = 3  # one in practice; more only if a cross-reference outgrew its placeholder
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

    @property
    def marker(self) -> str:
        """The reference as printed: bracketed, so copied text never glues the number to a
        figure.
        """
        return f"[{self.number}]"


@dataclass
class PageLog:
    """What the layout found: the page of every logged key, headings in order, blank pages."""

    pages: dict[str, int] = field(default_factory=dict)
    headings: list[tuple[int, str, str, int]] = field(default_factory=list)
    blank_pages: set[int] = field(default_factory=set)
    footnote_pages: dict[int, int] = field(default_factory=dict)
    page_count: int = 0

    def page_of(self, key: str) -> int | None:
        return self.pages.get(key)


def _log_of(canv: Any) -> PageLog:
    log: PageLog = canv._doctemplate.log
    return log


class PageNumbers:
    """The page numbers a report quotes, answered from the layout that is running.

    Ask only while an `Xref` is being made (`Composer.page` does): a page already laid out is
    known; one that is not yet gets a placeholder (the previous pass's number, or the widest
    three-digit number) and marks the cross-reference for drawing once the layout is done.
    """

    PLACEHOLDER = "999"  # 9 is the widest digit of the serif face; the others are monospaced

    def __init__(self, log: PageLog, hints: dict[str, int] | None = None):
        self.log = log
        self.hints = hints or {}
        self.final = False  # the layout is over: unknown keys are never laid out
        self._unknown: set[str] | None = None

    @contextlib.contextmanager
    def collecting(self) -> Iterator[set[str]]:
        """Make a cross-reference; the set receives the keys whose pages were not known yet."""
        outer = self._unknown
        self._unknown = unknown = set[str]()
        try:
            yield unknown
        finally:
            self._unknown = outer

    def page(self, key: str) -> int | str | None:
        """The page of `key`, a placeholder while it is not laid out yet, None if it never is."""
        if self._unknown is None:
            raise RuntimeError(
                f"page number of {key!r} asked outside a cross-reference (use Composer.xref)"
            )
        found = self.log.pages.get(key)
        if found is not None or self.final:
            return found
        self._unknown.add(key)
        hint = self.hints.get(key)
        return str(hint) if hint is not None else self.PLACEHOLDER

    def known(self) -> set[str]:
        return set(self.log.pages)


@dataclass
class _Later:
    """Something drawn once the layout is over, into the form `name` placed on `page`."""

    name: str
    page: int
    matrix: tuple[float, ...]  # the canvas transform where the form is drawn
    annots: list[Any]  # the page's annotation list (ReportLab writes it when the file is saved)
    width: float
    height: float
    draw: Callable[[Any], bool]  # draws at the origin; False if it no longer fits its room


def _defer(canv: Any, width: float, height: float, draw: Callable[[Any], bool]) -> None:
    """Draw a form here whose content `draw` supplies after the layout."""
    doc = canv._doctemplate
    name = f"Later{len(doc.later)}"
    doc.later.append(
        _Later(
            name,
            canv.getPageNumber(),
            tuple(canv._currentMatrix),
            canv._annotationrefs,
            width,
            height,
            draw,
        )
    )
    canv.doForm(name)


class Xref(Flowable):
    """A flowable that quotes page numbers, made by `build` when it is laid out (see the module
    doc).

    `build` makes a fresh flowable each time and asks `numbers.page` for the pages; it must not
    split (cross-references are short paragraphs and table cells).
    """

    def __init__(self, build: Callable[[], Flowable], numbers: PageNumbers):
        super().__init__()
        self.build = build
        self.numbers = numbers
        self.inner: Flowable | None = None
        self.unknown: set[str] = set()

    def _make(self) -> Flowable:
        if self.inner is None or (self.unknown and self.unknown & self.numbers.known()):
            with self.numbers.collecting() as unknown:
                self.inner = self.build()
            self.unknown = unknown
        return self.inner

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self._make().wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def minWidth(self) -> float:  # noqa: N802 - ReportLab's name (Table sizes columns with it)
        return float(self._make().minWidth())

    def getSpaceBefore(self) -> float:
        return float(self._make().getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self._make().getSpaceAfter())

    def getKeepWithNext(self) -> bool:
        return bool(getattr(self._make(), "keepWithNext", False))

    def draw(self) -> None:
        inner = self._make()
        if not self.unknown:
            inner.drawOn(self.canv, 0, 0)
            return
        # Lay the placeholder version down for what belongs to this page now (the log, named
        # destinations, notes in the margin) but keep none of its ink or links: the real text
        # and its links come after the layout.
        canv = self.canv
        code = len(page_stream(canv))
        with _quiet(canv, "linkRect", "linkURL"):
            inner.drawOn(canv, 0, 0)
        del page_stream(canv)[code:]
        width, height = self.width, self.height

        def later(c: Any) -> bool:
            self.numbers.final = True
            with self.numbers.collecting():
                real = self.build()
            _, h = real.wrap(width, 1e6)
            real.drawOn(c, 0, height - h)
            return h <= height + _FUZZ

        _defer(canv, width, height, later)


@contextlib.contextmanager
def _quiet(canv: Any, *methods: str) -> Iterator[None]:
    """Make the canvas ignore calls of `methods` for a while."""
    for name in methods:
        setattr(canv, name, _ignore)
    try:
        yield
    finally:
        for name in methods:
            delattr(canv, name)


def _ignore(*args: Any, **kwargs: Any) -> None:
    return None


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
        self.note = note  # contents of an on-screen note (Text annotation) over the flowable
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
        self.mark(self.canv, 0.0, 0.0)
        self.inner.drawOn(self.canv, 0, 0)

    def mark(self, canv: Any, x: float, y: float) -> None:
        """Log the keys and footnotes, lay the destinations and the on-screen note down, for the
        flowable drawn with its lower left corner at (x, y); draws no ink.
        """
        log = _log_of(canv)
        page = canv.getPageNumber()
        for key in self.keys:
            log.pages.setdefault(key, page)
        for key in self.anchors:
            log.pages.setdefault(key, page)
            canv.bookmarkHorizontal(key, x, y + self.height)
        for fn in self.footnotes:
            log.footnote_pages.setdefault(fn.number, page)
        if self.note:
            # The on-screen note lies over the figure's cell: a viewer opens it on pointing at
            # the figure, and it draws nothing of its own, so nothing of it prints (docs/pdfa.md).
            ax, top = canv.absolutePosition(x, y + self.height)
            size = 10.0
            canv.textAnnotation(
                self.note, Rect=(ax, top - size, ax + size, top), relative=0, Name="/Comment"
            )


class LongTable(Flowable):
    """A table of more rows than a page holds, shown to ReportLab a window of rows at a time.

    ReportLab rebuilds a table (cell styles, row heights) for what is left after each page
    break, so a table of R rows over P pages cost R x P; here each page break looks only at the
    next rows (a window), each row is measured once, and a table of any length costs the same per
    page. `make(rows)` builds the ReportLab table for a list of rows (header rows first); the
    header repeats on every page.
    """

    WINDOW = 48  # body rows shown at a time; more than a page holds (grown if ever not)

    def __init__(
        self,
        rows: list[list[Any]],
        make: Callable[[list[list[Any]]], Table | Grid],
        header: int,
        start: int | None = None,
        heights: list[float | None] | None = None,
    ):
        super().__init__()
        self.rows = rows  # the whole table's rows, shared by the parts: never copied
        self.make = make
        self.header = header
        self.start = header if start is None else start  # first body row not yet laid out
        self.heights: list[float | None] = heights if heights is not None else [None] * len(rows)
        self.size = self.WINDOW
        self._window: Table | Grid | None = None
        self._footnotes: list[Footnote] | None = None

    def _indices(self, size: int) -> list[int]:
        return list(range(self.header)) + list(
            range(self.start, min(self.start + size, len(self.rows)))
        )

    @property
    def window(self) -> Table | Grid:
        if self._window is None:
            # Laid out from `start` on: the rows before it are on finished pages (a retried
            # split never goes back past its own start), so let their cells go.
            for i in range(self.start - 1, self.header - 1, -1):
                if self.rows[i] is None:
                    break
                self.rows[i] = None  # type: ignore[call-overload]
            rows = self._indices(self.size)
            table = self.make([self.rows[i] for i in rows])
            # Rows measured before keep their height: ReportLab measures only rows set to None,
            # and the parts a split makes inherit these.
            table._argH = [self.heights[i] for i in rows]
            self._window = table
        return self._window

    def _measure(self, availWidth: float, availHeight: float) -> float:
        table = self.window
        _, height = table.wrap(availWidth, availHeight)
        for i, h in zip(self._indices(self.size), table._rowHeights, strict=True):
            self.heights[i] = h
        table._argH = list(table._rowHeights)  # measured now: not again at the next wrap or split
        return float(height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        height = self._measure(availWidth, availHeight)
        self.width = self.window._width
        # Taller than any page by construction: the frame splits it.
        self.height = max(height, availHeight + 1.0)
        return self.width, self.height

    @property
    def repeatRows(self) -> int:  # noqa: N802 - ReportLab's name, read by NumberedTable
        return self.header

    @property
    def _rowHeights(self) -> list[float]:  # noqa: N802 - ReportLab's name: the window's rows after wrap
        return list(self.window._rowHeights)

    @property
    def body_rows(self) -> int:
        """Body rows not yet laid out."""
        return len(self.rows) - self.start

    def window_for(self, availWidth: float, availHeight: float) -> Table | Grid:
        """The window, measured, taller than `availHeight` unless it holds all remaining rows."""
        while self._measure(
            availWidth, availHeight
        ) <= availHeight and self.start + self.size < len(self.rows):
            self.size *= 2  # the whole window fits this frame: look further
            self._window = None
            self._footnotes = None
        return self.window

    def after(self, done: int) -> Table | Grid | LongTable:
        """What remains once `done` body rows from `start` are laid out (header rows first)."""
        start = self.start + done
        if len(self.rows) - start > self.WINDOW:
            return LongTable(self.rows, self.make, self.header, start, self.heights)
        rest = list(range(self.header)) + list(range(start, len(self.rows)))
        last = self.make([self.rows[i] for i in rest])
        last._argH = [self.heights[i] for i in rest]
        return last

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = self.window_for(availWidth, availHeight).split(
            availWidth, availHeight
        )
        if len(parts) < 2:
            return parts
        done = parts[0]
        assert isinstance(done, (Table, Grid))  # a table splits into tables of its kind
        return [done, self.after(len(done._cellvalues) - self.header)]

    def footnotes(self) -> list[Footnote]:
        """The footnotes of the rows in the window (all a page can take), found once."""
        if self._footnotes is None:
            self._footnotes = footnotes_in(self.window)
        return self._footnotes

    def getSpaceBefore(self) -> float:
        return float(self.window.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.window.getSpaceAfter())

    def draw(self) -> None:  # pragma: no cover - always split first
        raise AssertionError("a LongTable is split before it is drawn")


@dataclass(frozen=True, slots=True)
class GridStyle:
    """How a `Grid` is ruled and padded: a heavy rule above the table and below its end, thin
    rules between rows, a shaded header row with a rule under it.
    """

    padding: tuple[float, float, float, float] = (3.0, 3.0, 2.5, 3.5)  # left, right, top, bottom
    outer: tuple[float, Any] = (1.0, HexColor("#000000"))  # width and colour
    between: tuple[float, Any] = (0.25, HexColor("#000000"))
    head_rule: tuple[float, Any] = (0.6, HexColor("#000000"))
    head_background: Any = None


class Grid(Flowable):
    """A table of text cells drawn with the typesetting layer's own lines.

    ReportLab's `Table` makes a style object per cell and draws every cell as a flowable (its
    own graphics state and translation); a report table is thousands of cells, so this draws
    each cell's lines straight onto the canvas at the cell's place, and measures each row once.
    Cells are `CJKParagraph`s, `Noted` paragraphs, lists of them (stacked) or any flowable that
    does not split (drawn as a flowable). The geometry, rules and splitting between rows are
    those the report's `Table` had: a part that does not end the table has a thin rule under its
    last row instead of the heavy one, and every part repeats the `repeatRows` header rows. It
    keeps `Table`'s names
    (`_cellvalues`, `_rowHeights`, `_argH`, `_width`, `repeatRows`) for `LongTable` and
    `NumberedTable`, which handle both.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        col_widths: Sequence[float],
        style: GridStyle,
        repeat_rows: int = 0,
        *,
        ends: bool = True,
        heights: Sequence[float | None] | None = None,
        notes: Sequence[list[Footnote] | None] | None = None,
    ):
        super().__init__()
        self._cellvalues = [list(r) for r in rows]
        # The footnotes of each row, found once and handed to the parts a split makes: the
        # frame asks for them at every try of a page break.
        self._row_notes: list[list[Footnote] | None] = (
            list(notes) if notes is not None else [None] * len(self._cellvalues)
        )
        self.col_widths = list(col_widths)
        self.style = style
        self.repeatRows = repeat_rows
        self.ends = ends  # this part ends the table: a heavy rule under its last row
        self._argH: list[float | None] = (
            list(heights) if heights is not None else [None] * len(self._cellvalues)
        )
        self._rowHeights: list[float] = []
        self._rowpositions: list[float] = []
        self._colpositions = [0.0]
        for w in self.col_widths:
            self._colpositions.append(self._colpositions[-1] + w)
        self._width = self._colpositions[-1]
        self.width = self._width
        self.height = 0.0

    @staticmethod
    def _items(cell: Any) -> Sequence[Any]:
        return cell if isinstance(cell, (list, tuple)) else (cell,)

    def _row_height(self, row: Sequence[Any]) -> float:
        left, right, top, bottom = self.style.padding
        tallest = 0.0
        for cell, width in zip(row, self.col_widths, strict=True):
            avail = width - left - right
            total = 0.0
            first_before: float | None = None
            after = 0.0
            items = self._items(cell)
            for item in items:
                _, h = item.wrap(avail, 72000 - top - bottom)
                before, after = item.getSpaceBefore(), item.getSpaceAfter()
                total += h + before + after
                if first_before is None:
                    first_before = before
            if items:
                total -= (first_before or 0.0) + after
            tallest = max(tallest, total + top + bottom)
        return tallest

    def _measure(self) -> None:
        heights = self._argH
        for i, h in enumerate(heights):
            if h is None:
                heights[i] = self._row_height(self._cellvalues[i])
        self._rowHeights = [float(h or 0.0) for h in heights]
        # Positions from the bottom, summed as ReportLab's Table does (compensated), so rules
        # and text land where they did.
        positions: list[float] = []
        height = c = 0.0
        for h in reversed(self._rowHeights):
            positions.append(height)
            y = h - c
            t = height + y
            c = (t - height) - y
            height = t
        positions.append(height)
        positions.reverse()
        self._rowpositions = positions
        self.height = height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._measure()
        return self._width, self.height

    def footnotes(self) -> list[Footnote]:
        """The footnotes whose markers the rows draw, in order (a note may repeat)."""
        out: list[Footnote] = []
        for i, known in enumerate(self._row_notes):
            found = known
            if found is None:
                found = self._row_notes[i] = footnotes_in(self._cellvalues[i])
            out += found
        return out

    def _getFirstPossibleSplitRowPosition(self, availHeight: float) -> int:  # noqa: N802
        """How many rows (header included) fit `availHeight`: ReportLab's name and answer."""
        h = 0.0
        n = 0
        for rh in self._rowHeights:
            if h + rh > availHeight:
                break
            h += rh
            n += 1
        return n

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._measure()
        n = self._getFirstPossibleSplitRowPosition(availHeight)
        if n <= self.repeatRows:
            return []
        if n == len(self._cellvalues):
            return [self]
        head = list(range(self.repeatRows))
        rows, heights, notes = self._cellvalues, self._argH, self._row_notes
        first = Grid(
            rows[:n],
            self.col_widths,
            self.style,
            self.repeatRows,
            ends=False,
            heights=heights[:n],
            notes=notes[:n],
        )
        rest = head + list(range(n, len(rows)))
        second = Grid(
            [rows[i] for i in rest],
            self.col_widths,
            self.style,
            self.repeatRows,
            ends=self.ends,
            heights=[heights[i] for i in rest],
            notes=[notes[i] for i in rest],
        )
        return [first, second]

    def draw(self) -> None:
        canv = self.canv
        left, right, top, bottom = self.style.padding
        rows, heights, positions = self._cellvalues, self._rowHeights, self._rowpositions
        canv.saveState()
        if self.repeatRows and self.style.head_background is not None:
            canv.setFillColor(self.style.head_background)
            canv.rect(0, positions[0], self._width, positions[1] - positions[0], stroke=0, fill=1)
        for i, row in enumerate(rows):
            row_top = positions[i + 1] + heights[i] - top
            room = heights[i] - top - bottom
            for cell, x0, width in zip(row, self._colpositions, self.col_widths, strict=False):
                items = self._items(cell)
                avail = width - left - right
                x = x0 + left
                y = row_top + (items[0].getSpaceBefore() if items else 0.0)
                for item in items:
                    _, h = item.wrap(avail, room)
                    y -= item.getSpaceBefore() + h
                    _draw_cell_item(canv, item, x, y)
                    y -= item.getSpaceAfter()
        self._draw_rules()
        canv.restoreState()

    def _draw_rules(self) -> None:
        canv = self.canv
        positions = self._rowpositions
        n = len(self._rowHeights)
        rules: list[tuple[float, Any, list[float]]] = [(*self.style.outer, [positions[0]])]
        if self.ends:
            rules.append((*self.style.outer, [positions[n]]))
        # A part that the table goes on from has a thin rule under its last row instead.
        rules.append((*self.style.between, positions[1:n] if self.ends else positions[1 : n + 1]))
        if self.repeatRows:
            rules.append((*self.style.head_rule, [positions[1]]))
        canv.saveState()
        canv.setLineCap(1)
        canv.setLineJoin(1)
        color: Any = None
        weight: float | None = None
        for w, c, ys in rules:
            if not ys:
                continue
            if c != color:
                canv.setStrokeColor(c)
                color = c
            if w != weight:
                canv.setLineWidth(w)
                weight = w
            for y in ys:
                canv.line(0, y, self._width, y)
        canv.restoreState()


def _draw_cell_item(canv: Any, item: Any, x: float, y: float) -> None:
    """Draw one item of a table cell with its lower left corner at (x, y)."""
    kind = type(item)
    if kind is CJKParagraph:
        item.draw_at(canv, x, y)
    elif kind is Noted and type(item.inner) is CJKParagraph:
        item.mark(canv, x, y)
        item.inner.draw_at(canv, x, y)
    else:
        item.drawOn(canv, x, y)


def table_of(
    rows: Sequence[Sequence[Any]], make: Callable[[list[list[Any]]], Table | Grid], header: int
) -> Table | Grid | LongTable:
    """`make(rows)`, or a `LongTable` when the rows are too many to lay out in one piece cheaply."""
    if len(rows) - header > LongTable.WINDOW:
        return LongTable([list(r) for r in rows], make, header)
    return make([list(r) for r in rows])


# The footnotes in a table's cells, read once: a table is asked again at every try of a page break.
_TABLE_FOOTNOTES: weakref.WeakKeyDictionary[Flowable, list[Footnote]] = weakref.WeakKeyDictionary()


def footnotes_in(flowable: Any) -> list[Footnote]:
    """The footnotes whose markers a flowable (or a table part, or a group) will draw, in order."""
    found: dict[int, Footnote] = {}

    def walk(f: Any) -> None:
        if f is None or type(f) is CJKParagraph:  # most table cells: no marker of its own
            return
        if isinstance(f, (list, tuple)):
            for x in f:
                walk(x)
        elif isinstance(f, Noted):
            for n in f.footnotes:
                found.setdefault(n.number, n)
            walk(f.inner)
        elif isinstance(f, Grid):
            for n in f.footnotes():
                found.setdefault(n.number, n)
        elif isinstance(f, Table):
            # A table is asked again at every try of a page break: read its cells once.
            notes = _TABLE_FOOTNOTES.get(f)
            if notes is None:
                notes = _TABLE_FOOTNOTES[f] = footnotes_in(f._cellvalues)
            for n in notes:
                found.setdefault(n.number, n)
        elif isinstance(f, LongTable):
            # It never fits whole: what matters is what the next page can take.
            for n in f.footnotes():
                found.setdefault(n.number, n)
        elif isinstance(f, NumberedTable):
            walk(f.table)
        elif isinstance(f, Flowable) and isinstance(content := getattr(f, "_content", None), list):
            walk(content)

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
            template = doc_template_of(canv)
            template.chapter = self.title
            template.opening_page = page
        self.para.drawOn(canv, 0, 0)


class ChapterBreak(ActionFlowable):
    """Start the next chapter on a new page; with `recto`, on a right-hand page when bound duplex.

    Only a duplex binding has versos to leave blank: printed one-sided, `recto` is ignored.
    """

    def __init__(self, recto: bool = False) -> None:
        super().__init__()
        self.recto = recto

    def apply(self, doc: Any) -> None:
        recto = self.recto and doc.preset.mirrored
        if doc.frame is not None and not doc.frame._atTop:
            doc.handle_pageBreak()
            if recto and (doc.page + 1) % 2 == 0:
                doc._hanging.append(_BlankPage())
        elif recto and doc.page % 2 == 0:
            doc.log.blank_pages.add(doc.page)
            doc.handle_pageBreak()


class _BlankPage(ActionFlowable):
    def __init__(self) -> None:
        super().__init__()

    def apply(self, doc: Any) -> None:
        doc.log.blank_pages.add(doc.page)
        doc.handle_pageBreak()


class NumberedTable(Flowable):
    """A numbered table (表N above it) that splits only between rows, keeping at least
    `MIN_ROWS` body rows on each side, and heads its continuation 续表N.
    """

    MIN_ROWS = 3

    def __init__(
        self,
        table: Table | Grid | LongTable,
        number: int,
        title: str,
        style: TextStyle,
        continued: bool = False,
    ):
        super().__init__()
        self.table = table
        self.number = number
        self.title = title
        self.style = style
        self.continued = continued
        self.min_rows = self.MIN_ROWS
        label = f"续表{number}" if continued else f"表{number}"
        self.caption = CJKParagraph([Span(label, keep=True), Span("\u3000" + title)], style)
        self.spaceBefore = style.space_before_pt
        self.spaceAfter = style.space_after_pt * 3  # air before the text or heading that follows
        self._cap_h = 0.0

    def _caption_height(self, availWidth: float, availHeight: float) -> float:
        _, h = self.caption.wrap(availWidth, availHeight)
        return h + self.style.space_after_pt

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._cap_h = self._caption_height(availWidth, availHeight)
        _, th = self.table.wrap(availWidth, max(availHeight - self._cap_h, 0.0))
        self.width, self.height = availWidth, self._cap_h + th
        return self.width, self.height

    def start_height(self, availWidth: float, availHeight: float) -> float:
        """The room the caption, the header and the first `min_rows` rows take."""
        cap = self._caption_height(availWidth, availHeight)
        if isinstance(self.table, LongTable):
            t = self.table.window_for(availWidth, availHeight)
        else:
            t = self.table
            t.wrap(availWidth, availHeight)
        head = t.repeatRows if isinstance(t.repeatRows, int) else 0
        return self.spaceBefore + cap + sum(t._rowHeights[: head + self.min_rows])

    def start_notes(self, availWidth: float, availHeight: float) -> list[Footnote]:
        """The footnotes of the header and the first `min_rows` rows: they go on the same page."""
        if isinstance(self.table, LongTable):
            t = self.table.window_for(availWidth, availHeight)
        else:
            t = self.table
        head = t.repeatRows if isinstance(t.repeatRows, int) else 0
        return footnotes_in(t._cellvalues[: head + self.min_rows])

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        cap = self._caption_height(availWidth, availHeight)
        long: LongTable | None = None
        if isinstance(self.table, LongTable):
            # Only the next rows matter: the window stands for the table (see LongTable).
            long = self.table
            t = long.window_for(availWidth, availHeight)
            body = long.body_rows
        else:
            t = self.table
            t.wrap(availWidth, availHeight)
            body = len(t._rowHeights) - (t.repeatRows if isinstance(t.repeatRows, int) else 0)
        heights = list(t._rowHeights)
        head = t.repeatRows if isinstance(t.repeatRows, int) else 0
        room = availHeight - cap
        fit = t._getFirstPossibleSplitRowPosition(room) - head
        if fit >= body:
            return [self]
        fit = min(fit, body - self.min_rows)
        if fit < self.min_rows:
            return []
        parts = t.split(availWidth, sum(heights[: head + fit]) + 0.01)
        if len(parts) != 2:
            return []
        done, left = parts
        # A table splits into tables of its kind.
        assert isinstance(done, (Table, Grid))
        assert isinstance(left, (Table, Grid))
        first = NumberedTable(done, self.number, self.title, self.style, self.continued)
        first.spaceAfter = 0.0
        remaining = left if long is None else long.after(len(done._cellvalues) - head)
        rest = NumberedTable(remaining, self.number, self.title, self.style, True)
        rest.spaceBefore = 0.0
        return [first, rest]

    def draw(self) -> None:
        self.caption.drawOn(self.canv, 0, self.height - self.caption.height)
        self.table.drawOn(self.canv, 0, 0)


class KeepStart(CondPageBreak):
    """Break the page unless `before` (headings, an introduction) and the start of `first` fit
    below: a heading never stands at a page's foot with what it heads on the next page. The start
    is what `first` cannot leave behind: a table's caption, header and first rows, a paragraph's
    first two lines (all of it when it is too short to split), anything else whole. The block
    itself is not held together, so a long one runs on instead of leaving most of a page empty.
    """

    def __init__(self, before: Sequence[Flowable], first: Flowable):
        super().__init__(0)
        self.before = list(before)
        self.first = first

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        frame = frame_of(self)
        if frame is not None and getattr(frame, "_atTop", False):
            return 0.0, 0.0  # a new page would not give more room
        need = 0.0
        for f in self.before:
            need += f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        self.height = need + start_height(self.first, availWidth, availHeight)
        if isinstance(frame, NoteFrame):
            # The start's footnotes go on its page too, and take room from the frame's foot.
            first = self.first
            notes = footnotes_in(self.before) + (
                first.start_notes(availWidth, availHeight)
                if isinstance(first, NumberedTable)
                else footnotes_in(first)
            )
            have = {n.number for n in frame.notes}
            new = []
            for n in notes:
                if n.number not in have:
                    have.add(n.number)
                    new.append(n)
            if new:
                self.height += frame.notes_height(frame.notes + new) - frame.notes_height(
                    frame.notes
                )
        return super().wrap(availWidth, availHeight)


def start_height(f: Flowable, availWidth: float, availHeight: float) -> float:
    """The room the part of `f` that may not be left alone at a page's foot takes."""
    if isinstance(f, NumberedTable):
        return f.start_height(availWidth, availHeight)
    if isinstance(f, KeepTogether):
        return stack_height(f._content, availWidth, availHeight)
    height = float(f.wrap(availWidth, availHeight)[1])
    if isinstance(f, CJKParagraph):
        # CJKParagraph.split leaves two lines on each side: four lines or more may split.
        lines = len(f.lines)
        if lines >= 4:
            height = 2 * f.style.leading_pt
        return float(f.getSpaceBefore()) + height
    return float(f.getSpaceBefore()) + height + float(f.getSpaceAfter())


def stack_height(flowables: Sequence[Flowable], availWidth: float, availHeight: float) -> float:
    """The room `flowables` take one under another, spaced as a frame spaces them (a space
    after and the next one's space before overlap).
    """
    total = 0.0
    after = 0.0
    for f in flowables:
        h = float(f.wrap(availWidth, availHeight)[1])
        total += max(float(f.getSpaceBefore()) - after, 0.0) + h
        after = float(f.getSpaceAfter())
        total += after
    return total


@dataclass(slots=True)
class Place:
    """Where a frame laid out in thought stands: `room` left above its foot, `ink` how far down
    its content reaches, whether it is at a page's top and the space after the last flowable.
    """

    room: float
    ink: float
    at_top: bool = False
    after: float = 0.0


def lay_out_in_thought(
    flowables: Sequence[Flowable], availWidth: float, full: float, place: Place
) -> tuple[list[float], Place, bool]:
    """Lay `flowables` out as a frame would, from `place` on this page and `full` on each next
    one: how full each page they leave is (its lowest ink, as a share of `full`), where they
    end, and whether they leave this page before placing anything on it.

    It follows the frame's rules (space before dropped at a page's top and overlapping the
    space after; tables and paragraphs split; `KeepTogether` and `KeepStart` moving on whole)
    closely enough to compare orders of the same blocks; the real layout still decides.
    """
    closed: list[float] = []
    queue = list(flowables)
    at = replace(place)
    left_empty = False
    placed = False

    def close() -> None:
        nonlocal at, left_empty
        if not closed:
            left_empty = not placed
        closed.append(at.ink / full)
        at = Place(full, 0.0, at_top=True)

    while queue:
        f = queue.pop(0)
        space = 0.0 if at.at_top else max(float(f.getSpaceBefore()) - at.after, 0.0)
        if isinstance(f, KeepStart):
            need = space + stack_height(f.before, availWidth, at.room)
            need += start_height(f.first, availWidth, at.room)
            if need > at.room + _FUZZ and not at.at_top:
                close()
            continue
        if isinstance(f, KeepTogether):
            height = stack_height(f._content, availWidth, full)
            if space + height > at.room + _FUZZ and not at.at_top:
                close()
            queue[:0] = f._content
            continue
        if isinstance(f, (ActionFlowable, CondPageBreak)):
            continue
        h = float(f.wrap(availWidth, max(at.room - space, 0.0))[1])
        if h + space <= at.room + _FUZZ:
            if h + space > 0:
                at.room -= space + h
                at.ink = full - at.room
                at.after = float(f.getSpaceAfter())
                at.room -= at.after
                at.at_top = False
                placed = True
            continue
        parts = f.split(availWidth, at.room - space) if at.room - space > 0 else []
        if len(parts) >= 2:
            queue[:0] = parts
        elif at.at_top:  # too tall for any page: the real layout will say so
            at = Place(0.0, full)
        else:
            close()
            queue.insert(0, f)
    return closed, at, left_empty


class Arranged(Flowable):
    """A heading and what stays with it (`lead`), then the same blocks in one of several
    `orders`, chosen where the group lands.

    An order is judged by the pages it leaves, up to the end of the next `LOOKAHEAD` groups
    that follow in its chapter (`following`, set by `link_arranged`; they take their best
    orders too): the emptiest of those pages, as a share of a page, is its score. The first
    order that scores at least `least` is taken, else the best (earlier orders win ties). The
    page where the look ends is not judged: what follows fills it. The lead stays on the page
    where the chosen order starts (`KeepStart`).

    The comparison report gives an indicator's table and chart so: the chart under its table,
    or after the notes, or above the table when that fills the pages better, rather than
    leaving most of a page empty after a table whose chart does not fit below it.
    """

    LOOKAHEAD = 2

    def __init__(
        self, lead: Sequence[Flowable], orders: Sequence[Sequence[Flowable]], least: float = 0.75
    ):
        super().__init__()
        self.lead = list(lead)
        self.flows = [[KeepStart(self.lead, order[0]), *self.lead, *order] for order in orders]
        self.least = least
        self.following: list[Flowable] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, 0xFFFFFF  # always split: that is where it chooses
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        frame = frame_of(self)
        if frame is None:
            full, place = availHeight, Place(availHeight, 0.0, at_top=True)
        else:
            full = frame._height - frame._topPadding - frame._bottomPadding
            place = Place(
                availHeight, full - availHeight, bool(frame._atTop), float(frame._prevASpace)
            )
        scores = []
        for flow in self.flows:
            scores.append(
                worst_fill([*flow, *self.following], availWidth, full, place, self.LOOKAHEAD)
            )
            if scores[-1] >= self.least:
                break
        flow = self.flows[max(range(len(scores)), key=lambda k: (scores[k], -k))]
        _closed, _end, left_empty = lay_out_in_thought(flow[:2], availWidth, full, place)
        if left_empty and not place.at_top:
            return []  # it starts on the next page: choose there, with that page's room
        return list(flow)

    def draw(self) -> None:  # pragma: no cover - split always replaces it
        raise AssertionError("an Arranged group is always split")


def worst_fill(
    flowables: Sequence[Flowable], availWidth: float, full: float, place: Place, depth: int
) -> float:
    """The emptiest page `flowables` leave (1.0 if none), laid out in thought from `place`: an
    `Arranged` group among them takes its best order while `depth` lasts, and the look ends
    before the next one.
    """
    for k, f in enumerate(flowables):
        if isinstance(f, Arranged):
            closed, at, _left = lay_out_in_thought(flowables[:k], availWidth, full, place)
            worst = min(closed, default=1.0)
            if depth <= 0:
                return worst
            rest = flowables[k + 1 :]
            best = max(
                worst_fill([*flow, *rest], availWidth, full, at, depth - 1) for flow in f.flows
            )
            return min(worst, best)
    closed, _at, _left = lay_out_in_thought(flowables, availWidth, full, place)
    return min(closed, default=1.0)


def link_arranged(story: Sequence[Flowable]) -> None:
    """Tell each `Arranged` group what follows it up to its chapter's end, for its look ahead."""
    for k, f in enumerate(story):
        if isinstance(f, Arranged):
            end = next(
                (j for j in range(k + 1, len(story)) if isinstance(story[j], ChapterBreak)),
                len(story),
            )
            f.following = list(story[k + 1 : end])


class Elastic(Flowable):
    """Flowables one under another with gaps (the numbers among `items`) that shrink, all in the
    same proportion, when the whole would not fit the frame: a cover whose texts are long.
    """

    def __init__(self, items: Sequence[Flowable | float]):
        super().__init__()
        self.items = list(items)
        self._heights: list[float] = []
        self._widths: list[float] = []
        self._scale = 1.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        sizes = [
            (0.0, 0.0) if isinstance(f, (int, float)) else f.wrap(availWidth, availHeight)
            for f in self.items
        ]
        self._widths = [w for w, _h in sizes]
        self._heights = [h for _w, h in sizes]
        fixed = sum(self._heights)
        gaps = sum(f for f in self.items if isinstance(f, (int, float)))
        self._scale = min(1.0, max(0.0, (availHeight - fixed) / gaps)) if gaps else 1.0
        self.width, self.height = availWidth, fixed + gaps * self._scale
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = self.height
        for f, w, h in zip(self.items, self._widths, self._heights, strict=True):
            if isinstance(f, (int, float)):
                y -= f * self._scale
                continue
            y -= h
            x = (self.width - w) / 2 if getattr(f, "hAlign", "") == "CENTER" else 0.0
            f.drawOn(self.canv, x, y)


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
        inner, x = self.inner, (self.width - self._inner_width) / 2

        def later(canv: Any) -> bool:
            inner.drawOn(canv, x, 0)
            return True

        _defer(self.canv, self.width, self.height, later)


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
    """One line of the table of contents: title, dotted leader, page number; all of it a link.

    The page number is drawn after the layout, into a form placed where it goes (`_defer`): the
    number's box has a fixed width, so the entry's size does not depend on it.
    """

    def __init__(self, level: int, title: str, key: str, style: TextStyle):
        super().__init__()
        self.level = level
        self.key = key
        self.style = style
        self.indent = 2 * style.size_pt * level
        self.num_width = 3 * style.size_pt
        self.title_spans = [Span(title, link=key)]
        self.title_para = CJKParagraph(self.title_spans, _left(style))
        self.spaceBefore = style.space_before_pt
        self.spaceAfter = style.space_after_pt

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        text_w = availWidth - self.indent - self.num_width - self.style.size_pt
        _, h = self.title_para.wrap(text_w, availHeight)
        self.width, self.height = availWidth, h
        self._text_w = text_w
        return self.width, self.height

    def _draw_number(self, canv: Any) -> bool:
        page = _log_of(canv).pages.get(self.key)
        para = CJKParagraph([Span(str(page) if page else "")], _left(self.style, align="right"))
        para.wrap(self.num_width, 1e6)
        para.drawOn(canv, 0, 0)
        return True

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        canv = self.canv
        st = self.style
        self.title_para.drawOn(canv, self.indent, 0)
        canv.saveState()
        canv.translate(self.width - self.num_width, 0)  # on the title's last line
        _defer(canv, self.num_width, self.style.leading_pt, self._draw_number)
        canv.restoreState()
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
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        note_style: TextStyle,
        floor: float = 0.0,
    ):
        super().__init__(
            x,
            y,
            width,
            height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
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
        # The set paragraphs serve the tries of one page: a new page has other notes. Kept,
        # every note of a long report would stay in memory until the end.
        self._note_cache = {}

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
        full is shortened to a pointer to that note.
        """
        said: dict[str, int] = {}
        out = []
        for note in notes:
            elided = tuple(sorted((p.share, said[p.share]) for p in note.parts if p.share in said))
            key = (note.number, elided)
            hit = self._note_cache.get(key)
            if hit is None:
                spans = [
                    Span(note.marker, anchor=note.key, link=note.ref_key, role="sans", keep=True),
                    Span("\u3000"),
                ]
                for part in note.parts:
                    if part.share in said and part.short:
                        first = said[part.share]
                        spans.append(
                            Span(
                                part.short.format(n=f"[{first}]"),
                                color=part.color,
                                link=f"fn-{first}",
                            )
                        )
                    else:
                        spans += [
                            Span(t, color=part.color, keep=k) for t, k in formula_runs(part.text)
                        ]
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

    def add(self, flowable: Flowable, canv: Any, trySplit: int = 0) -> Literal[0, 1]:
        new = self._new_notes(flowable)
        saved: float = self._y1p
        self._y1p = saved + self.notes_height(self.notes + new)
        try:
            ok = super()._add(flowable, canv, trySplit)
        finally:
            self._y1p = saved
        if ok:
            self.notes.extend(new)
        return 1 if ok else 0

    def split(self, flowable: Flowable, canv: Any) -> list[Flowable]:
        parts = self._split_noted(flowable, canv)
        if (
            not parts
            and self._atTop
            and isinstance(flowable, NumberedTable)
            and flowable.min_rows > 1
        ):
            # Not even the minimum rows fit an empty page (their footnotes are long): split
            # wherever it fits rather than fail.
            flowable.min_rows = 1
            parts = self._split_noted(flowable, canv)
        return parts

    def _split_noted(self, flowable: Flowable, canv: Any) -> list[Flowable]:
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
    """What the report says about itself: PDF metadata fields and the running title."""

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
        preset: PagePreset = PRESET,
        *,
        texts: Sequence[tuple[str, str, Any]] = (),
        source: str = "",
    ):
        x, y, w, h = frame_area(1, preset)
        self.texts = texts
        self.source = source
        note = styles["footnote"]
        floor = (type_area(1, preset)[1] - y) - (note.leading_pt - note.size_pt)
        self.preset = preset
        self.log = log
        self.later: list[_Later] = []
        self.info = info
        self.styles = styles
        self.chapter = ""
        self.opening_page = 0
        self.body_frame = NoteFrame(x, y, w, h, note, floor)
        cover_frame = Frame(
            x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="cover"
        )
        super().__init__(
            buffer,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageTemplates=[
                PageTemplate(
                    "cover", [cover_frame], onPageEnd=self._cover_end, autoNextPageTemplate="body"
                ),
                PageTemplate(
                    "body", [self.body_frame], onPage=self._body_begin, onPageEnd=self._body_end
                ),
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
        x, _y, _w, _h = frame_area(self.page, self.preset)
        self.body_frame.move_to(x)

    def _body_end(self, canv: Any, doc: Any) -> None:
        page = self.page
        self.log.page_count = max(self.log.page_count, page)
        if page in self.log.blank_pages:
            return
        self.body_frame.draw_notes(canv)
        if page != self.opening_page:  # a chapter's first page shows its title in full anyway
            self._draw_header(canv, page)
        draw_page_number(canv, page, self.preset)

    def _draw_header(self, canv: Any, page: int) -> None:
        x, y, w, h = type_area(page, self.preset)
        style = self.styles["header"]
        # Duplex: the document's title on the left of even pages, the chapter on the right of
        # odd pages. One-sided, every page is a right-hand page and shows its chapter.
        odd = page % 2 == 1 or not self.preset.mirrored
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

    def draw_later(self) -> bool:
        """Fill the forms placed during layout, now that every page is known; False if one
        of them no longer fits the room it was given.
        """
        canv = self.canv
        set_doc_template(canv, self)
        # What is drawn now belongs to pages already finished: its links go to their pages;
        # destinations and notes were laid down in place during layout.
        fits = True
        try:
            with _quiet(
                canv, "bookmarkPage", "bookmarkHorizontal", "addOutlineEntry", "textAnnotation"
            ):
                for later in self.later:
                    w, h = later.width, later.height
                    begin_form(canv, later.name, -w, -h, 2 * w, 2 * h)
                    set_form_state(canv, later.matrix, later.annots)
                    fits = later.draw(canv) and fits
                    set_annotation_refs(canv, [])  # a form carries none; they went to the page
                    canv.endForm()
        finally:
            set_doc_template(canv, None)
        return fits

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        offending = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
        except LayoutError as exc:
            raise LayoutOverflowError(overflow_message(offending, self.texts, self.source)) from exc


def _texts_of(flowable: Any) -> list[str]:
    """The text a flowable (or a group, table or wrapper of them) would draw."""
    found: list[str] = []

    def walk(f: Any) -> None:
        if f is None:
            return
        if isinstance(f, (list, tuple)):
            for x in f:
                walk(x)
        elif isinstance(f, CJKParagraph):
            found.append(f.text)
        elif isinstance(f, (Table, Grid)):
            for row in f._cellvalues:
                for cell in row:
                    walk(cell)
        else:
            for attr in ("inner", "para", "table", "caption", "_content", "content"):
                walk(getattr(f, attr, None))

    walk(flowable)
    return found


def overflow_message(flowable: Any, texts: Sequence[tuple[str, str, Any]], source: str) -> str:
    """Say which field of the dataset made a flowable that cannot fit a page, and what to do.

    The flowable's own text is matched against the dataset's text fields; the longest field it
    contains is the one to shorten.
    """
    pieces = [t.replace(" ", "") for t in _texts_of(flowable)]
    drawn = "".join(pieces)
    best: tuple[str, str, Any] | None = None
    for field_path, text, location in texts:
        t = text.replace(" ", "")
        if t and any(t in piece for piece in pieces) and (best is None or len(t) > len(best[1])):
            best = (field_path, t, location)
    if best is not None:
        field_path, text, location = best
        return f"{location}: {field_path}: " + _(
            "this text ({length} characters) cannot be set on one page where the report prints "
            "it; shorten it or split it into shorter entries"
        ).format(length=len(text))
    sample = drawn[:30] + ("…" if len(drawn) > 30 else "")
    return f"{source}: " + _(
        "the report cannot fit “{sample}” on one page; shorten the entries it is made from or "
        "split them into several"
    ).format(sample=sample)


def build_pdf(
    make_story: Callable[[PageNumbers], list[Flowable]],
    info: DocInfo,
    styles: dict[str, TextStyle] | Any,
    canvasmaker: Callable[..., Any],
    preset: PagePreset = PRESET,
    *,
    texts: Sequence[tuple[str, str, Any]] = (),
    source: str = "",
) -> tuple[bytes, PageLog]:
    """Lay the story out once and return the PDF and where everything landed.

    `make_story` gets the page numbers of the layout it is made for (see `PageNumbers`) and must
    return fresh flowables each call. A second layout happens only if a cross-reference's real
    text outgrew its placeholder; its placeholders are then the numbers of the first layout.
    `canvasmaker` is the output step's canvas factory (`render.output.canvas_maker`), which fixes
    the determinism flags and draws a draft's stamp.
    """
    hints: dict[str, int] = {}
    data = b""
    log = PageLog()
    for _attempt in range(MAX_PASSES):
        log = PageLog()
        buffer = io.BytesIO()
        doc = ReportDoc(buffer, info, styles, log, preset, texts=texts, source=source)
        doc._doSave = 0
        doc.build(make_story(PageNumbers(log, hints)), canvasmaker=canvasmaker)
        log.page_count = doc.page
        fits = doc.draw_later()
        doc.canv.save()
        data = buffer.getvalue()
        if fits or log.pages == hints:
            break
        hints = dict(log.pages)
    return data, log
