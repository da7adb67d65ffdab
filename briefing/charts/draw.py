"""Turn chart rows, a width and the theme into a vector ReportLab Drawing, one function per chart kind.

Charts are drawn with ReportLab's own graphics shapes, at printed size. The text is real text in
the document's embedded fonts (extractable, searchable), placed with the same metrics the PDF
uses, so labels can be measured exactly and never collide. Every value is labelled on its mark in
the report's wording; a bar axis starts at zero; the rare value that dwarfs the rest is drawn as
a broken bar (a white slanted gap) and keeps its true label, instead of flattening every other bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from .data import Row
from .style import ChartStyle
from .text import wrap

BREAK_RATIO = 4.0
"""A value more than this many times the next largest is drawn broken."""
BROKEN_LENGTH = 1.6
"""A broken bar is drawn this many times as long as the next largest bar."""
LABEL_COLUMN_SHARE = 0.4
"""Labels go in a column left of the bars when all fit on one line in this share of the width."""
MIN_BAR_SPAN = 24.0
"""Bars get at least this length to vary in; otherwise value labels move to a right-hand column."""


# ---------------------------------------------------------------------------------------------
# Primitives collected top-down, turned into shapes once the height is known.


@dataclass(slots=True)
class _Canvas:
    width: float
    style: ChartStyle
    texts: list[tuple[float, float, str, str, float, str, str]] = field(default_factory=list)
    rects: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    lines: list[tuple[float, float, float, float, str, float]] = field(default_factory=list)
    polys: list[tuple[list[float], str]] = field(default_factory=list)

    def text(self, x: float, baseline: float, s: str, font: str, size: float, color: str, anchor: str = "start") -> None:
        self.texts.append((x, baseline, s, font, size, color, anchor))

    def rect(self, x: float, top: float, w: float, h: float, color: str) -> None:
        if w > 0 and h > 0:
            self.rects.append((x, top, w, h, color))

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str, width: float) -> None:
        self.lines.append((x1, y1, x2, y2, color, width))

    def poly(self, points: list[float], color: str) -> None:
        self.polys.append((points, color))

    def drawing(self, height: float) -> Drawing:
        st = self.style
        d = Drawing(self.width, height)
        # Without this the drawing's state names Helvetica, which then leaks into the PDF.
        d.initialFontName = st.label_font
        d.initialFontSize = st.label_pt
        for x, top, w, h, color in self.rects:
            d.add(Rect(x, height - top - h, w, h, fillColor=HexColor(color), strokeColor=None, strokeWidth=0))
        for points, color in self.polys:
            flipped = [v if i % 2 == 0 else height - v for i, v in enumerate(points)]
            d.add(Polygon(flipped, fillColor=HexColor(color), strokeColor=None, strokeWidth=0))
        for x1, y1, x2, y2, color, width in self.lines:
            d.add(Line(x1, height - y1, x2, height - y2, strokeColor=HexColor(color), strokeWidth=width))
        for x, baseline, s, font, size, color, anchor in self.texts:
            d.add(String(x, height - baseline, s, fontName=font, fontSize=size, fillColor=HexColor(color), textAnchor=anchor))
        return d


MID_HEIGHT = 0.37
"""Height of a digit's or a Han character's visual centre above the baseline, in ems: text is
centred on a bar by this, not by the font's ascent and descent (which include the accent space
above capitals and would set figures visibly low)."""


def _metrics(font: str, size: float) -> tuple[float, float]:
    """(ascent, depth below the baseline), both positive, in points."""
    asc, desc = getAscentDescent(font, size)
    return asc, -desc


# ---------------------------------------------------------------------------------------------
# Scales


def display_magnitudes(values: Sequence[float]) -> tuple[list[float], int | None]:
    """Relative bar lengths (the longest is 1): |value|, except one outlier capped (its index returned).

    Relative, so that scales stay finite for any magnitudes (1e-300 or 1e12 alike).
    """
    mags = [abs(v) if math.isfinite(v) else 0.0 for v in values]
    broken = None
    order = sorted(range(len(mags)), key=lambda i: mags[i], reverse=True)
    if len(order) >= 2:
        top, second = mags[order[0]], mags[order[1]]
        if second > 0 and top > BREAK_RATIO * second:
            mags[order[0]] = BROKEN_LENGTH * second
            broken = order[0]
    largest = max(mags, default=0.0)
    if largest > 0:
        mags = [m / largest for m in mags]
    return mags, broken


def _fit_scale(extents: Sequence[tuple[float, float, int]], available: float) -> float:
    """Largest points-per-unit s with every (magnitude·s + label) on each side fitting `available`.

    `extents` holds (magnitude, label width incl. padding, side) with side −1 left, +1 right.
    """

    def need(s: float) -> float:
        left = max((m * s + w for m, w, side in extents if side < 0), default=0.0)
        right = max((m * s + w for m, w, side in extents if side > 0), default=0.0)
        return left + right

    if need(0.0) >= available:
        return 0.0
    hi = 1.0
    while need(hi) < available and hi < 1e12:
        hi *= 2
    lo = 0.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if need(mid) <= available:
            lo = mid
        else:
            hi = mid
    return lo


# ---------------------------------------------------------------------------------------------
# Horizontal rows: hbar, diverging, part_of_whole, rate


@dataclass(frozen=True, slots=True)
class _RowBox:
    label_lines: tuple[str, ...]
    label_baselines: tuple[float, ...]
    bar_top: float
    bar_center: float
    value_baseline: float


def _value_width(st: ChartStyle, text: str) -> float:
    return stringWidth(text, st.value_font, st.value_pt)


def _row_layout(rows: Sequence[Row], width: float, st: ChartStyle, indent_parts: bool,
                reserve_pt: float) -> tuple[list[_RowBox], float, float, float]:
    """Place labels and bar bands; returns the boxes, the bars' x origin, their width and the total height.

    Labels go in a column left of the bars when they are short and the bars keep room for
    `reserve_pt` of value labels plus `MIN_BAR_SPAN`; otherwise each label sits above its bar.
    """
    lasc, ldesc = _metrics(st.label_font, st.label_pt)
    vasc, vdesc = _metrics(st.value_font, st.value_pt)
    pitch = st.label_pt * st.line_factor
    indent = st.label_pt * 0.5 if indent_parts else 0.0
    widest = max((stringWidth(r.label, st.label_font, st.label_pt) + (indent if r.role == "part" else 0.0)) for r in rows)
    left_column = (widest <= width * LABEL_COLUMN_SHARE
                   and width - widest - 2 * st.pad_pt - reserve_pt >= MIN_BAR_SPAN)
    band = max(st.bar_pt, vasc + vdesc)
    boxes: list[_RowBox] = []
    y = 0.0
    if left_column:
        col = widest + st.pad_pt * 2
        for i, r in enumerate(rows):
            if i and r.role == "whole":
                y += st.group_gap_pt
            h = max(band, lasc + ldesc)
            center = y + h / 2
            boxes.append(_RowBox((r.label,), (center + MID_HEIGHT * st.label_pt,), center - st.bar_pt / 2, center,
                                 center + MID_HEIGHT * st.value_pt))
            y += h + st.row_gap_pt
        return boxes, col, width - col, y - st.row_gap_pt
    for i, r in enumerate(rows):
        if i and r.role == "whole":
            y += st.group_gap_pt
        x_in = indent if r.role == "part" else 0.0
        lines = tuple(wrap(r.label, st.label_font, st.label_pt, width - x_in))
        baselines = tuple(y + lasc + k * pitch for k in range(len(lines)))
        label_h = lasc + (len(lines) - 1) * pitch + ldesc
        band_top = y + label_h + st.label_gap_pt
        center = band_top + band / 2
        boxes.append(_RowBox(lines, baselines, center - st.bar_pt / 2, center, center + MID_HEIGHT * st.value_pt))
        y = band_top + band + st.row_gap_pt
    return boxes, 0.0, width, y - st.row_gap_pt


def _draw_labels(cv: _Canvas, rows: Sequence[Row], boxes: Sequence[_RowBox], x0: float, indent_parts: bool) -> None:
    st = cv.style
    left_column = x0 > 0
    for r, box in zip(rows, boxes, strict=True):
        x = st.label_pt * 0.5 if (indent_parts and r.role == "part") else 0.0
        for line, base in zip(box.label_lines, box.label_baselines, strict=True):
            if left_column:
                cv.text(x0 - st.pad_pt, base, line, st.label_font, st.label_pt, st.palette.ink, "end")
            else:
                cv.text(x, base, line, st.label_font, st.label_pt, st.palette.ink)


def _break_mark(cv: _Canvas, x: float, box: _RowBox) -> None:
    """A white slanted gap across a bar: the bar is longer than drawn."""
    st = cv.style
    h = st.bar_pt + 2.0
    top = box.bar_center - h / 2
    gap = 1.6
    slant = h * 0.35
    cv.poly([x, top + h, x + gap, top + h, x + gap + slant, top, x + slant, top], st.palette.paper)


def _not_stated(cv: _Canvas, x: float, box: _RowBox, anchor: str = "start") -> None:
    st = cv.style
    cv.text(x, box.value_baseline, "未载明", st.label_font, st.label_pt, st.palette.muted, anchor)


def _value_columns(rows: Sequence[Row], st: ChartStyle) -> float:
    return max(_value_width(st, r.text) for r in rows) + st.pad_pt


def hbar(rows: Sequence[Row], width: float, st: ChartStyle) -> Drawing:
    """Counts as horizontal bars from a zero line, each labelled at its end.

    If labels at the bar ends would leave the bars too little room (a narrow chart, very long
    value labels), the values stand right-aligned in a column at the right edge instead.
    """
    cv = _Canvas(width, st)
    boxes, x0, avail, height = _row_layout(rows, width, st, False, _value_columns(rows, st))
    mags, broken = display_magnitudes([r.value for r in rows])
    extents = [(m, st.pad_pt + _value_width(st, r.text), 1) for m, r in zip(mags, rows, strict=True)]
    at_end = avail - max(w for _, w, _ in extents) >= MIN_BAR_SPAN
    if at_end:
        scale = _fit_scale(extents, avail)
    else:
        span = max(avail - _value_columns(rows, st), 0.0)
        scale = span / max(mags) if max(mags) > 0 else 0.0
    _draw_labels(cv, rows, boxes, x0, indent_parts=False)
    for i, (r, box, m) in enumerate(zip(rows, boxes, mags, strict=True)):
        if not r.stated:
            _not_stated(cv, x0 + st.pad_pt if at_end else x0 + avail, box, "start" if at_end else "end")
            continue
        length = m * scale
        cv.rect(x0, box.bar_top, length, st.bar_pt, st.palette.bar)
        if i == broken:
            _break_mark(cv, x0 + length * 0.72, box)
        if at_end:
            cv.text(x0 + length + st.pad_pt, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink)
        else:
            cv.text(x0 + avail, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink, "end")
    if x0 > 0:  # labels in a column: one zero line down the bars' common origin
        first, last = boxes[0], boxes[-1]
        cv.line(x0, first.bar_top - 1.5, x0, last.bar_top + st.bar_pt + 1.5, st.palette.rule, st.rule_pt)
    return cv.drawing(height)


def diverging(rows: Sequence[Row], width: float, st: ChartStyle) -> Drawing:
    """Signed changes as bars left (falls) and right (rises) of a zero line, labelled in words.

    Falls are labelled left of their bar, rises right; when that leaves the bars too little room
    the values stand right-aligned in a column at the right edge instead.
    """
    cv = _Canvas(width, st)
    mags, broken = display_magnitudes([r.value for r in rows])
    sides = [(-1 if (r.stated and r.value < 0) else 1) for r in rows]
    extents = [(m, st.pad_pt + _value_width(st, r.text), side) for m, r, side in zip(mags, rows, sides, strict=True)]
    both = (max((w for _, w, side in extents if side < 0), default=0.0)
            + max((w for _, w, side in extents if side > 0), default=0.0))
    boxes, x0, avail, height = _row_layout(rows, width, st, False, both)
    at_end = avail - both >= MIN_BAR_SPAN
    if at_end:
        scale = _fit_scale(extents, avail)
        left = max((m * scale + w for m, w, side in extents if side < 0), default=0.0)
    else:
        span = max(avail - _value_columns(rows, st), 0.0)
        reach = max((m for m, _, side in extents if side < 0), default=0.0) + max(
            (m for m, _, side in extents if side > 0), default=0.0)
        scale = span / reach if reach > 0 else 0.0
        left = max((m * scale for m, _, side in extents if side < 0), default=0.0)
    zero = x0 + left
    _draw_labels(cv, rows, boxes, x0, indent_parts=False)
    for i, (r, box, m, side) in enumerate(zip(rows, boxes, mags, sides, strict=True)):
        if not r.stated:
            _not_stated(cv, zero + st.pad_pt if at_end else x0 + avail, box, "start" if at_end else "end")
            continue
        length = m * scale
        x = zero - length if side < 0 else zero
        cv.rect(x, box.bar_top, length, st.bar_pt, st.palette.bar)
        if i == broken:
            _break_mark(cv, zero + side * length * 0.72 - (1.6 if side < 0 else 0.0), box)
        if not at_end:
            cv.text(x0 + avail, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink, "end")
        elif side < 0:
            cv.text(x - st.pad_pt, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink, "end")
        else:
            cv.text(x + length + st.pad_pt, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink)
    # The zero line is drawn per row, across the bar band only, so it never runs through a label
    # set above the bars.
    for box in boxes:
        cv.line(zero, box.bar_top - 1.5, zero, box.bar_top + st.bar_pt + 1.5, st.palette.rule, st.rule_pt)
    return cv.drawing(height)


def rate(rows: Sequence[Row], width: float, st: ChartStyle) -> Drawing:
    """Percentages as bullet bars on a 0–100% track, labelled after the track's end."""
    cv = _Canvas(width, st)
    label_w = _value_columns(rows, st)
    boxes, x0, avail, height = _row_layout(rows, width, st, False, label_w)
    track = max(avail - label_w, 0.0)
    _draw_labels(cv, rows, boxes, x0, indent_parts=False)
    for r, box in zip(rows, boxes, strict=True):
        cv.rect(x0, box.bar_top, track, st.bar_pt, st.palette.track)
        if not r.stated:
            _not_stated(cv, x0 + track + st.pad_pt, box)
            continue
        share = min(max(r.value, 0.0), 100.0) / 100.0
        cv.rect(x0, box.bar_top, track * share, st.bar_pt, st.palette.bar)
        cv.text(x0 + track + st.pad_pt, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink)
    return cv.drawing(height)


def part_of_whole(rows: Sequence[Row], width: float, st: ChartStyle) -> Drawing:
    """Each group's whole as a full light bar and its parts as dark bars at the group's own scale.

    Groups are scaled separately (a part is read against its own whole, and one large group
    would otherwise reduce a small group's parts to slivers); every bar carries its value.
    """
    cv = _Canvas(width, st)
    label_w = _value_columns(rows, st)
    boxes, x0, avail, height = _row_layout(rows, width, st, True, label_w)
    full = max(avail - label_w, 0.0)
    _draw_labels(cv, rows, boxes, x0, indent_parts=True)
    whole_value = math.nan
    for r, box in zip(rows, boxes, strict=True):
        if r.role != "part":
            whole_value = r.value
        if not r.stated:
            _not_stated(cv, x0 + st.pad_pt, box)
            continue
        if r.role != "part":
            length = full if r.value > 0 else 0.0
            color = st.palette.whole
        elif math.isfinite(whole_value) and whole_value > 0:
            length = full * min(r.value / whole_value, 1.0)
            color = st.palette.bar
        else:  # a part without a usable whole: state the figure, draw no bar to mislead
            length, color = 0.0, st.palette.bar
        cv.rect(x0, box.bar_top, length, st.bar_pt, color)
        cv.text(x0 + length + st.pad_pt, box.value_baseline, r.text, st.value_font, st.value_pt, st.palette.ink)
    return cv.drawing(height)


# ---------------------------------------------------------------------------------------------
# Vertical columns


def bar(rows: Sequence[Row], width: float, st: ChartStyle) -> Drawing:
    """Counts as columns on a zero baseline, values above, labels below; too narrow → horizontal bars."""
    n = len(rows)
    col = width / n
    if any(_value_width(st, r.text) > col - 2.0 for r in rows):
        return hbar(rows, width, st)
    lasc, ldesc = _metrics(st.label_font, st.label_pt)
    vasc, vdesc = _metrics(st.value_font, st.value_pt)
    pitch = st.label_pt * st.line_factor
    wrapped = [wrap(r.label, st.label_font, st.label_pt, col - 2.0) for r in rows]
    top_room = vasc + vdesc + st.pad_pt
    baseline = top_room + st.column_bar_pt
    label_top = baseline + st.label_gap_pt + 1.5
    height = label_top + lasc + (max(len(w) for w in wrapped) - 1) * pitch + ldesc
    mags, broken = display_magnitudes([r.value for r in rows])
    top = max(mags)
    scale = st.column_bar_pt / top if top > 0 else 0.0
    bar_w = min(col * 0.6, st.bar_pt * 4)
    cv = _Canvas(width, st)
    for i, (r, lines, m) in enumerate(zip(rows, wrapped, mags, strict=True)):
        cx = col * (i + 0.5)
        for k, line in enumerate(lines):
            cv.text(cx, label_top + lasc + k * pitch, line, st.label_font, st.label_pt, st.palette.ink, "middle")
        if not r.stated:
            cv.text(cx, baseline - st.pad_pt - vdesc, "未载明", st.label_font, st.label_pt, st.palette.muted, "middle")
            continue
        h = m * scale
        cv.rect(cx - bar_w / 2, baseline - h, bar_w, h, st.palette.bar)
        if i == broken:
            y = baseline - h * 0.72
            gap, slant = 1.6, bar_w * 0.25
            x1, x2 = cx - bar_w / 2 - 1.0, cx + bar_w / 2 + 1.0
            cv.poly([x1, y + slant, x2, y, x2, y - gap, x1, y + slant - gap], st.palette.paper)
        cv.text(cx, baseline - h - st.pad_pt - vdesc, r.text, st.value_font, st.value_pt, st.palette.ink, "middle")
    cv.line(0, baseline, width, baseline, st.palette.rule, st.rule_pt)
    return cv.drawing(height)


# A trend is a column per year: the bar chart, with the years as its labels.
KINDS = {"bar": bar, "hbar": hbar, "diverging": diverging, "part_of_whole": part_of_whole, "rate": rate,
         "trend": bar}
