"""Draw Chinese paragraphs on a ReportLab canvas: spans and a style in, a Platypus flowable out.

`CJKParagraph` is how every document sets its paragraphs (chart labels use the same line drawing,
`draw_lines`). It never passes data through
ReportLab's markup parser (so `<b>` or `&amp;` in data print literally); it breaks lines with
`linebreak` and writes the PDF text operators itself, placing every run of glyphs absolutely and
spreading justification with the character-spacing operator `Tc`. Each line is wrapped in an
`/ActualText` marked-content span carrying its source text, so that extractors which honour it
(poppler's pdftotext, Acrobat) return "2024年" rather than guessing spaces from the gaps.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from briefing import fonts
from briefing._reportlab import (
    Canvas,
    Flowable,
    colors,
    font_face,
    fp_str,
    pdf_document,
    pdf_escape,
    pdfmetrics,
    truetype_font,
)

if TYPE_CHECKING:
    pass
from briefing.render.chars import CharClass
from briefing.render.linebreak import (
    SUPERSCRIPT_RISE,
    Line,
    Prepared,
    as_spans,
    balance_lines,
    break_prepared,
    min_width,
    prepare,
)
from briefing.render.styles import Span, TextStyle

__all__ = ["CJKParagraph", "actual_text_hex", "draw_lines", "em_box"]


def actual_text_hex(text: str) -> str:
    """Encode `text` as a PDF hex string in UTF-16BE with a byte-order mark: `<FEFF…>`."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@lru_cache(maxsize=64)
def _rgb(color: str) -> str:
    c = colors.toColor(color)
    return f"{fp_str(c.red, c.green, c.blue)} rg"


@lru_cache(maxsize=64)
def em_box(font: str) -> tuple[float, float]:
    """Return (ascent, descent) of the ideographic em box of `font` as fractions of the size.

    ReportLab writes the OS/2 typographic ascender and descender (880/-120 in CJK fonts) into the
    font descriptor, and pdfplumber draws character boxes from them, so layout uses the same
    numbers.
    """
    face = getattr(pdfmetrics.getFont(font), "face", None)
    asc = float(getattr(face, "ascent", 880))
    desc = float(getattr(face, "descent", -120))
    total = asc - desc
    return asc / total, desc / total


@lru_cache(maxsize=32)
def glyph_bounds(font: str, ch: str) -> tuple[float, float, float, float] | None:
    """Ink bounds (x_min, x_max, y_min, y_max) of `ch` in `font`, in em; None for a blank glyph.

    Read from the glyph's header in the `glyf` table ReportLab has already loaded (fontTools
    would take ~50 ms to parse the cmap again), falling back to fontTools for other layouts.
    """
    face = pdmetrics_face(font)
    gid = face.charToGlyph.get(ord(ch))
    if gid is None:
        return None
    data = getattr(face, "_ttf_data", None)
    pos = getattr(face, "glyphPos", None)
    glyf = getattr(face, "table", {}).get("glyf")
    upm = float(face.unitsPerEm)
    if data is not None and pos is not None and glyf is not None:
        if pos[gid + 1] == pos[gid]:
            return None
        at = glyf["offset"] + pos[gid]
        _, x0, y0, x1, y1 = struct.unpack(">hhhhh", data[at : at + 10])
        return x0 / upm, x1 / upm, y0 / upm, y1 / upm
    from fontTools.pens.boundsPen import BoundsPen  # pragma: no cover - other font layouts
    from fontTools.ttLib import TTFont

    with TTFont(face.filename, lazy=True) as tt:
        glyphs = tt.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[tt.getGlyphOrder()[gid]].draw(pen)
    if pen.bounds is None:
        return None
    bx0, by0, bx1, by1 = pen.bounds
    return bx0 / upm, bx1 / upm, by0 / upm, by1 / upm


def pdmetrics_face(font: str) -> Any:
    """ReportLab's parsed TrueType face of a registered font."""
    return font_face(font)


def _n(v: float) -> str:
    """A PDF number with 3 decimals (1/1000 pt), without trailing zeros; faster than fp_str."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _n4(v: float) -> str:
    """Like `_n` with 4 decimals, for Tc, which accumulates along a run of glyphs."""
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _dash_joints(prep: Prepared, line: Line, x: float, baseline: float) -> list[str]:
    """Fill the gaps between the inks of the dashes of a ——, so that it reads as one rule."""
    out: list[str] = []
    for i in range(line.start, line.end - 1):
        if prep.cls[i] != CharClass.DASH or prep.cls[i + 1] != CharClass.DASH:
            continue
        if prep.font[i] != prep.font[i + 1] or prep.size[i] != prep.size[i + 1]:
            continue
        b = glyph_bounds(prep.font[i], prep.chars[i])
        b2 = glyph_bounds(prep.font[i + 1], prep.chars[i + 1])
        if b is None or b2 is None:
            continue
        size = prep.size[i]
        h, h2 = prep.hscale[i], prep.hscale[i + 1]
        # Ink ends and starts in PDF space, overlapping by 1% of an em to hide seams.
        end = x + line.xs[i - line.start] + b[1] * h * size
        start = x + line.xs[i + 1 - line.start] + b2[0] * h2 * size
        if start - end < 0.01 * size:
            continue
        y0 = baseline + max(b[2], b2[2]) * size
        y1 = baseline + min(b[3], b2[3]) * size
        lo = end - 0.01 * size
        out.append(_rgb(prep.spans[prep.span[i]].color or prep.style.color))
        out.append(f"{_n(lo)} {_n(y0)} {_n(start + 0.01 * size - lo)} {_n(y1 - y0)} re f")
    return out


def _spans_with_links(prep: Prepared) -> set[int]:
    return {i for i, sp in enumerate(prep.spans) if sp.link or sp.anchor or sp.annotation}


def _encoded_runs(doc: Any) -> dict[tuple[str, str], list[tuple[str, str, int]]]:
    """The runs of text a document has shown, by font: subset font name, `(…) Tj`, length.

    Table cells repeat the same short texts thousands of times; their glyph codes, once a
    document's subsets have assigned them, never change, so each run is encoded once.
    """
    cache: dict[tuple[str, str], list[tuple[str, str, int]]] | None = getattr(
        doc, "_briefing_encoded", None
    )
    if cache is None:
        cache = {}
        doc._briefing_encoded = cache
    return cache


def draw_lines(
    canv: Canvas,
    prep: Prepared,
    lines: Sequence[Line],
    x: float,
    y_top: float,
    leading_pt: float,
    origin: tuple[float, float] | None = None,
) -> None:
    """Draw `lines` of `prep` with the first line's em box top at `y_top`, one line per
    `leading_pt`.

    Coordinates are in the canvas's current user space, moved to `origin` if given (as a
    flowable's `drawOn` would, but without the canvas's own state bookkeeping); the graphics state
    is left as found.
    """
    if not lines:
        return
    style = prep.style
    base_font = fonts.face_for(style.role, bold=style.bold)
    asc, desc = em_box(base_font)
    doc = pdf_document(canv)
    escape = pdf_escape(canv)
    out: list[str] = ["q"]
    if origin is not None:
        # Numbers relative to the origin repeat from cell to cell: the stream compresses better.
        out.append(f"1 0 0 1 {fp_str(*origin)} cm")
    linked = _spans_with_links(prep)
    cur_tz = 1.0  # horizontal scaling persists across text objects (restored by Q)
    p_span, p_font, p_size, p_hscale = prep.span, prep.font, prep.size, prep.hscale
    p_adv, p_sup = prep.font_adv, prep.sup
    sup_rise = style.size_pt * SUPERSCRIPT_RISE
    encoded = _encoded_runs(doc)
    for li, line in enumerate(lines):
        baseline = y_top - li * leading_pt - asc * style.size_pt
        y_str = _n(baseline)
        out.append(f"/Span <</ActualText {actual_text_hex(line.text)}>> BDC BT")
        cur_name = ""
        cur_size = -1.0
        cur_tc: float | None = None
        cur_rise = 0.0
        cur_color = ""
        ls = i = line.start
        e = line.end
        xs = line.xs
        while i < e:
            # A run: same face, size, colour and rise, glyphs equally spaced (one Tc).
            si = p_span[i]
            font = p_font[i]
            size = p_size[i]
            hs = p_hscale[i]
            color = prep.spans[si].color or style.color
            j = i + 1
            tc = 0.0
            if j < e:
                tc = xs[j - ls] - xs[i - ls] - p_adv[i]
            while j < e:
                if p_font[j] != font or p_size[j] != size or p_span[j] != si or p_hscale[j] != hs:
                    break
                if abs(xs[j - ls] - xs[j - 1 - ls] - p_adv[j - 1] - tc) > 1e-6:
                    break
                j += 1
            if j == i + 1:
                tc = 0.0 if cur_tc is None else cur_tc  # a lone glyph: keep the state, save bytes
            elif hs != 1.0:
                tc /= hs  # Tc is scaled by Tz like the glyphs
            if hs != cur_tz:
                out.append(f"{_n(100.0 * hs)} Tz")
                cur_tz = hs
            rise = sup_rise if p_sup[i] else 0.0
            if color != cur_color:
                out.append(_rgb(color))
                cur_color = color
            if cur_tc is None or abs(tc - cur_tc) > 1e-9:
                out.append(f"{_n4(tc)} Tc")
                cur_tc = tc
            if rise != cur_rise:
                out.append(f"{_n(rise)} Ts")
                cur_rise = rise
            key = (font, prep.chars[i:j])
            runs = encoded.get(key)
            if runs is None:
                rl_font = truetype_font(font)
                runs = encoded[key] = [
                    (
                        rl_font.getSubsetInternalName(subset, doc),
                        f"({escape(chunk)}) Tj",
                        len(chunk),
                    )
                    for subset, chunk in rl_font.splitString(key[1], doc)
                ]
            k = i
            for name, shown, length in runs:
                # Position every chunk absolutely: a subset switch ends a string, and not every
                # reader applies Tc after a string's last glyph (pdfminer does not).
                out.append(f"1 0 0 1 {_n(x + xs[k - ls])} {y_str} Tm")
                if name != cur_name or size != cur_size:
                    out.append(f"{name} {_n(size)} Tf")
                    cur_name, cur_size = name, size
                out.append(shown)
                k += length
            i = j
        out.append("ET")
        if CharClass.DASH in prep.cls[line.start : line.end]:
            out.extend(_dash_joints(prep, line, x, baseline))
        out.append("EMC")
    out.append("Q")
    canv.addLiteral("\n".join(out))
    if linked:
        if origin is not None:
            x, y_top = x + origin[0], y_top + origin[1]
        _annotate(canv, prep, lines, x, y_top, leading_pt, asc, desc, linked)


def _annotate(
    canv: Canvas,
    prep: Prepared,
    lines: Sequence[Line],
    x: float,
    y_top: float,
    leading_pt: float,
    asc: float,
    desc: float,
    linked: set[int],
) -> None:
    """Add link rectangles, named destinations and sticky notes for the spans that ask for them."""
    size = prep.style.size_pt
    for li, line in enumerate(lines):
        baseline = y_top - li * leading_pt - asc * size
        y0 = baseline + desc * size
        y1 = baseline + asc * size
        i = line.start
        while i < line.end:
            si = prep.span[i]
            j = i
            while j < line.end and prep.span[j] == si:
                j += 1
            if si in linked:
                sp = prep.spans[si]
                x0 = x + line.xs[i - line.start]
                x1 = x + line.xs[j - 1 - line.start] + prep.font_adv[j - 1]
                rect = (x0, y0, x1, y1)
                if sp.link:
                    if "://" in sp.link or sp.link.startswith("mailto:"):
                        canv.linkURL(sp.link, rect, relative=1, thickness=0)
                    else:
                        canv.linkRect("", sp.link, rect, relative=1, thickness=0)
                first_of_span = i == 0 or prep.span[i - 1] != si
                if first_of_span and sp.anchor:
                    canv.bookmarkHorizontal(sp.anchor, x0, y1)
                if first_of_span and sp.annotation:
                    # The note's icon goes in the margin beside the line, not over the text.
                    mx = x + max(ln.right_pt for ln in lines) + 0.25 * size
                    canv.textAnnotation(
                        sp.annotation, Rect=(mx, y0, mx + size, y0 + size), relative=1
                    )
            i = j


@lru_cache(maxsize=2048)
def _prepare(spans: tuple[Span, ...], style: TextStyle) -> Prepared:
    """`prepare`, shared by paragraphs with the same spans and style (table cells repeat a lot)."""
    return prepare(spans, style)


class CJKParagraph(Flowable):
    """A paragraph of Chinese (and mixed) text set by `briefing.render.linebreak`.

    `content` is a plain string (one span) or a sequence of `Span`s; nothing in it is parsed.
    After `wrap`, `lines` holds the computed lines (for tests and for fitting decisions).
    """

    def __init__(self, content: str | Span | Sequence[Span], style: TextStyle) -> None:
        super().__init__()
        self.style = style
        # Measured when first laid out, not when made: a long document's story holds thousands
        # of paragraphs, and only those being laid out need their per-character tables.
        self._spans = as_spans(content)
        self._prepared: Prepared | None = None
        self._start = 0
        self._indent_first = True
        self._fixed: tuple[float, list[Line]] | None = None
        self._cache: dict[float, list[Line]] = {}
        self.lines: list[Line] = []
        self.spaceBefore = style.space_before_pt
        self.spaceAfter = style.space_after_pt
        self.keepWithNext = style.keep_with_next
        self.width = 0.0
        self.height = 0.0

    # -- layout -----------------------------------------------------------------
    @property
    def _prep(self) -> Prepared:
        if self._prepared is None:
            self._prepared = _prepare(self._spans, self.style)
        return self._prepared

    @property
    def text(self) -> str:
        """The normalised text this paragraph (or part) draws."""
        return self._prep.chars[self._start :]

    def lines_for(self, width_pt: float) -> list[Line]:
        """Return the lines at `width_pt` (cached)."""
        if self._fixed is not None:
            return self._fixed[1]
        lines = self._cache.get(width_pt)
        if lines is None:
            lines = break_prepared(
                self._prep, width_pt, start=self._start, indent_first=self._indent_first
            )
            lines = balance_lines(
                self._prep, width_pt, lines, start=self._start, indent_first=self._indent_first
            )
            self._cache[width_pt] = lines
        return lines

    def minWidth(self) -> float:  # noqa: N802 - ReportLab's name (Table sizes columns with it)
        """The widest unbreakable cluster (a Latin word, a figure with its unit, ——)."""
        return min_width(self._prep, self._start)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.lines = self.lines_for(availWidth)
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading_pt
        return availWidth, self.height

    def _part(self, lines: list[Line], start: int, fixed: bool) -> CJKParagraph:
        part = CJKParagraph.__new__(CJKParagraph)
        Flowable.__init__(part)
        part.style = self.style
        part._spans = self._spans
        part._prepared = self._prep
        part._start = start
        part._indent_first = False if start > self._start else self._indent_first
        part._fixed = (self.width, lines) if fixed else None
        part._cache = {}
        part.lines = lines if fixed else []
        part.spaceBefore = self.spaceBefore if start == self._start else 0.0
        part.spaceAfter = 0.0 if fixed else self.spaceAfter
        part.keepWithNext = False if fixed else self.keepWithNext
        part.width = self.width
        part.height = len(lines) * self.style.leading_pt if fixed else 0.0
        return part

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        lines = self.lines_for(availWidth)
        self.width = availWidth
        n = len(lines)
        fit = int((availHeight + 1e-6) // self.style.leading_pt)
        if fit >= n:
            return [self]
        # Keep at least two lines on each side (no orphan, no widow line).
        k = min(fit, n - 2)
        if k < 2:
            return []
        head = self._part(lines[:k], self._start, fixed=True)
        tail = self._part([], lines[k].start, fixed=False)
        return [head, tail]

    def draw(self) -> None:
        draw_lines(self.canv, self._prep, self.lines, 0.0, self.height, self.style.leading_pt)

    def draw_at(self, canv: Canvas, x: float, y: float) -> None:
        """Draw the wrapped lines with the paragraph's lower left corner at (x, y) of the canvas's
        current space: what `drawOn` does, without a graphics state and a translation of its own
        (a table draws thousands of cells).
        """
        draw_lines(
            canv, self._prep, self.lines, 0.0, self.height, self.style.leading_pt, origin=(x, y)
        )
