"""Turn chart rows, a width and the theme into a plan in points: label lines, bar bands, scales and
ticks.

This is the measuring half of the built-in chart kinds. It imports no matplotlib, so the briefing
can try many layouts (every fitting level, every column arrangement) at the cost of a few line
breaks; matplotlib is only started for the plan finally drawn. Labels are broken and measured by
the typesetting layer (`briefing.render`) with the same fonts and rules as the page, so what is
planned here is what the renderer prints.

Honest scales: every bar of a panel shares one scale that starts at zero. When one or two values
dwarf the rest (more than `BREAK_RATIO` times the next) so much that, on one scale, a smaller bar
would be shorter than `MIN_READABLE_BAR_PT`, the axis is broken — drawn as a break, with its own
ticks on each side — rather than flattening every other bar to a sliver (`break_point`).
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..fonts import face_for
from ..render.chars import NO_END, NO_START, classify
from ..render.linebreak import Line, Prepared, break_prepared, prepare
from ..render.styles import Span, TextStyle
from ..render.typography import em_box
from .data import Row
from .style import ChartStyle, chart_style

BREAK_RATIO = 4.0
"""A value more than this many times the next largest is drawn on a broken axis."""
MAX_BROKEN = 2
"""At most this many values sit beyond an axis break."""
MIN_READABLE_BAR_PT = 12.0
"""A bar shorter than this (about 4 mm) cannot be read or told from its neighbours: only then is
a break worth the discontinuity it puts in the axis."""
LABEL_COLUMN_SHARE = 0.4
"""Labels go in a column left of the bars when all fit on one line in this share of the width."""
MIN_BAR_SPAN = 24.0
"""Bars get at least this length to vary in."""
MID_HEIGHT = 0.37
"""Height of a digit's or a Han character's visual centre above the baseline, in ems."""
HI_SHARE = 0.28
"""Share of the bar span given to the part of a broken axis beyond the break."""
BREAK_GAP = 7.0
"""Width of the gap an axis break leaves, in points."""
AXIS_GAP = 2.5
"""Between the last bar and the axis line."""
TICK_PT = 2.0
TICK_PAD = 1.5
MAX_STRETCH = 1.7
"""A chart asked to fill more height thickens its bars by at most this factor."""


@lru_cache(maxsize=4096)
def set_line(
    text: str, role: str, bold: bool, size: float, color: str = "#000000"
) -> tuple[Prepared, Line | None]:
    """A one-line chart text set by the typesetting layer: its prepared glyphs and its line."""
    # An opening mark at a label's start keeps its full width: its box stays inside the chart.
    style = TextStyle(
        name="chart-label",
        role=role,  # type: ignore[arg-type]
        bold=bold,
        size_pt=size,
        leading_pt=size,
        align="left",
        color=color,
        first_indent_em=0.0,
        compress_line_start_open=False,
    )
    prep = prepare((Span(text),), style)
    lines = break_prepared(prep, 1e9)
    return prep, (lines[0] if lines else None)


def box_width(prep: Prepared, line: Line | None) -> float:
    """From the line's start to the far edge of its last glyph's box.

    The typesetting layer lets a closing mark at a line's end hang half its (blank) em past the
    measure; a chart label measures to the glyph box's edge, so no box ever crosses the chart's.
    """
    if line is None or line.end <= line.start:
        return 0.0
    return max(line.width_pt, line.xs[-1] + prep.font_adv[line.end - 1])


@lru_cache(maxsize=4096)
def text_width(text: str, bold: bool, size: float, role: str = "sans") -> float:
    """Printed width of a one-line chart text, as the renderer sets it (to its last glyph box's
    edge).
    """
    return box_width(*set_line(text, role, bold, size))


@lru_cache(maxsize=4096)
def wrap(text: str, size: float, width: float, bold: bool = False) -> tuple[str, ...]:
    """`text` broken into lines of at most `width` at the typesetting layer's break opportunities.

    The break opportunities (and so the Chinese rules: no closing mark starts a line, no opening
    mark ends one, figures stay whole) are the typesetting layer's; lines are filled first-fit and
    measured as they will be drawn — each label line on its own, uncompressed, to the edge of its
    last glyph's box — so a line never runs past `width`. A cluster wider than `width` on its own
    (a very long number) is cut between characters.
    """
    prep = prepare((Span(text),), _style(bold, size))
    n = len(prep)
    chars, ends, nexts = prep.chars, prep.ends, prep.nexts
    out: list[str] = []
    s = 0
    while s < n:
        k = bisect_right(ends, s)
        best = -1
        while k < len(ends) and text_width(chars[s : ends[k]], bold, size) <= width + 1e-6:
            best = k
            k += 1
        if best >= 0:
            out.append(chars[s : ends[best]])
            s = nexts[best]
            continue
        # Not even the next cluster fits: cut it, keeping the line-edge rules where possible.
        limit = ends[k] if k < len(ends) else n
        e = s + 1
        while e < limit and text_width(chars[s : e + 1], bold, size) <= width + 1e-6:
            e += 1
        while (
            e > s + 1
            and e < n
            and (classify(chars[e]) in NO_START or classify(chars[e - 1]) in NO_END)
        ):
            e -= 1
        out.append(chars[s:e])
        s = e
        while s < n and chars[s] == " ":
            s += 1
    return tuple(out)


@lru_cache(maxsize=64)
def _style(bold: bool, size: float) -> TextStyle:
    # An opening mark at a label's start keeps its full width: its box stays inside the chart.
    return TextStyle(
        name="chart-label",
        role="sans",
        bold=bold,
        size_pt=size,
        leading_pt=size,
        align="left",
        first_indent_em=0.0,
        compress_line_start_open=False,
    )


def metrics(bold: bool, size: float) -> tuple[float, float]:
    """(ascent, depth below the baseline) of the em box, in points: what pdfplumber measures."""
    asc, desc = em_box(face_for("sans", bold))
    return asc * size, -desc * size


# ---------------------------------------------------------------------------------------------
# Numbers on axes


def nice_step(span: float, most: int = 4) -> float:
    """A 1-2-2.5-5 step giving at most `most` intervals over `span` (> 0)."""
    raw = span / max(most, 1)
    exp = math.floor(math.log10(raw)) if raw > 0 else 0
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        step = m * 10.0**exp
        if step >= raw - 1e-12 * raw:
            return step
    return 10.0 ** (exp + 1)


def tick_text(v: float, step: float) -> str:
    """A tick label: as few decimals as the step needs, U+2212 for minus."""
    # Steps below a millionth (only absurd data has them) print in scientific notation.
    if 0 < step < 1e-6:
        return f"{v:.2g}".replace("-", "\u2212")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step < 1 and round(step * 10**decimals) % 10 == 5:
        decimals += 1
    s = f"{abs(v):.{decimals}f}"
    return ("\u2212" + s) if v < 0 and float(s) != 0 else s


def ticks_between(lo: float, hi: float, most: int = 4) -> list[float]:
    """Round values in [lo, hi] at a nice step (zero included when it is in range)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    step = nice_step(hi - lo, most)
    if not (math.isfinite(step) and step > 0) or not math.isfinite(lo / step):
        # Spans near the limits of floating point (subnormal values) have no round step.
        return [lo]
    first = math.ceil(lo / step - 1e-9)
    out: list[float] = []
    k = first
    while k * step <= hi + abs(hi) * 1e-9 and len(out) <= most + 1:
        out.append(k * step if abs(k * step) < 1e-12 * step else round(k * step, 12) or k * step)
        k += 1
    return out or [lo]


# ---------------------------------------------------------------------------------------------
# Scales


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of an axis: values [lo, hi] drawn from x0 to x1 (points from the chart's
    left).
    """

    lo: float
    hi: float
    x0: float
    x1: float

    @property
    def per_unit(self) -> float:
        return (self.x1 - self.x0) / (self.hi - self.lo) if self.hi > self.lo else 0.0

    def pos(self, v: float) -> float:
        return self.x0 + (v - self.lo) * self.per_unit


@dataclass(frozen=True, slots=True)
class Scale:
    """Where values go: one segment, or two with a break between them (`broken` rows cross it)."""

    segments: tuple[Segment, ...]
    zero: float  # x of value 0

    @property
    def broken(self) -> bool:
        return len(self.segments) > 1

    def end(self, v: float) -> float:
        """X where a bar of value v ends."""
        if self.broken and v > self.segments[0].hi:
            return self.segments[1].pos(v)
        seg = self.segments[0]
        return self.zero + v * seg.per_unit


def break_point(values: Sequence[float], per_unit: float | None = None) -> int:
    """How many of the largest values sit beyond an axis break (0: no break).

    A break is drawn only when it is needed to keep the small bars readable: the k largest values
    are each more than `BREAK_RATIO` times every other value; at least two (and at least k) values
    stay before the break, since a break for one small bar hides more than it shows; and, given
    `per_unit` (points per unit of the one unbroken scale the bars would otherwise share), some
    small bar would be shorter than `MIN_READABLE_BAR_PT` on it. Without `per_unit` only the
    ratios are judged (the cautious answer, for callers that have no scale yet).
    """
    mags = sorted((v for v in values if math.isfinite(v) and v >= 0), reverse=True)
    for k in range(1, MAX_BROKEN + 1):
        if len(mags) - k >= max(k, 2) and mags[k] > 0 and mags[k - 1] > BREAK_RATIO * mags[k]:
            # Everything beyond the break is far from everything before it; is a break needed?
            shortest = min(m for m in mags[k:] if m > 0)
            if per_unit is not None and shortest * per_unit >= MIN_READABLE_BAR_PT:
                return 0
            return k
    return 0


# Magnitudes below this are drawn as zero: points per unit of such a value overflow a float, and
# matplotlib's transforms turn them into NaN. No printed figure comes near it.
TINY_VALUE = 1e-290


def fit_per_unit(extents: Sequence[tuple[float, float, int]], available: float) -> float:
    """Largest points-per-unit s with every (|value|·s + label) on each side fitting `available`.

    `extents` holds (magnitude, label width incl. padding, side) with side −1 left, +1 right.
    """
    top = max((m for m, _, _ in extents), default=0.0)
    if top <= 0:
        return 0.0
    rel = [(m / top, w, side) for m, w, side in extents]

    def need(s: float) -> float:
        left = max((m * s + w for m, w, side in rel if side < 0), default=0.0)
        right = max((m * s + w for m, w, side in rel if side > 0), default=0.0)
        return left + right

    if need(0.0) >= available:
        return 0.0
    lo, hi = 0.0, available
    for _ in range(40):
        mid = (lo + hi) / 2
        if need(mid) <= available:
            lo = mid
        else:
            hi = mid
    per_unit = lo / top
    return per_unit if math.isfinite(per_unit) else 0.0


# ---------------------------------------------------------------------------------------------
# Row charts


@dataclass(frozen=True, slots=True)
class RowBox:
    """One row's geometry, top-down in points: label lines and baselines, the bar band."""

    label_lines: tuple[str, ...]
    label_baselines: tuple[float, ...]
    label_x: float
    label_anchor: str  # "left" or "right"
    bar_top: float
    bar_center: float
    value_baseline: float


@dataclass(frozen=True, slots=True)
class RowPlan:
    """Everything a row chart draws, in points from the chart's top-left corner (y downwards)."""

    width: float
    height: float
    bar_pt: float
    x0: float  # left end of the bar area
    x1: float  # right end of the bar area (value labels may run past it, never past `width`)
    boxes: tuple[RowBox, ...]
    scale: Scale
    axis_y: float  # the axis line; tick labels below it
    ticks: tuple[tuple[tuple[float, ...], tuple[str, ...]], ...]  # per segment: values, labels
    labels_left: bool
    value_at_end: bool  # value labels at the bars' ends (else right-aligned at the right edge)


def axis_height(st: ChartStyle) -> float:
    """Height of a value axis under a chart: the gap, ticks and one line of tick labels."""
    asc, desc = metrics(False, st.tick_pt)
    return AXIS_GAP + TICK_PT + TICK_PAD + asc + desc


def _indent(st: ChartStyle, row: Row) -> float:
    return st.label_pt * 0.75 if row.role == "part" else 0.0


def _stack(
    rows: Sequence[Row],
    width: float,
    st: ChartStyle,
    labels_left: bool,
    col: float,
    bar_pt: float,
    row_gap: float,
    group_gap: float,
) -> tuple[list[RowBox], float]:
    lasc, ldesc = metrics(False, st.label_pt)
    vasc, vdesc = metrics(True, st.value_pt)
    pitch = st.label_pt * st.line_factor
    band = max(bar_pt, vasc + vdesc)
    boxes: list[RowBox] = []
    y = 0.0
    for i, r in enumerate(rows):
        if i and r.role in ("whole", "before"):
            y += group_gap
        indent = _indent(st, r)
        if labels_left:
            h = max(band, lasc + ldesc)
            center = y + h / 2
            lines: tuple[str, ...] = (r.label,) if r.label else ()
            boxes.append(
                RowBox(
                    lines,
                    tuple(center + MID_HEIGHT * st.label_pt for _ in lines),
                    col - st.pad_pt,
                    "right",
                    center - bar_pt / 2,
                    center,
                    center + MID_HEIGHT * st.value_pt,
                )
            )
            y += h + row_gap
            continue
        lines = wrap(r.label, st.label_pt, width - indent) if r.label else ()
        baselines = tuple(y + lasc + k * pitch for k in range(len(lines)))
        label_h = (lasc + (len(lines) - 1) * pitch + ldesc + st.label_gap_pt) if lines else 0.0
        center = y + label_h + band / 2
        boxes.append(
            RowBox(
                lines,
                baselines,
                indent,
                "left",
                center - bar_pt / 2,
                center,
                center + MID_HEIGHT * st.value_pt,
            )
        )
        y += label_h + band + (row_gap if r.role != "before" else row_gap * 0.4)
    return boxes, y - row_gap


def _labels_left(
    rows: Sequence[Row], width: float, st: ChartStyle, reserve: float
) -> tuple[bool, float]:
    widest = max(
        (text_width(r.label, False, st.label_pt) + _indent(st, r) for r in rows if r.label),
        default=0.0,
    )
    col = widest + st.pad_pt * 2 if widest else 0.0
    ok = (
        widest <= width * LABEL_COLUMN_SHARE
        and width - col - st.pad_pt - reserve >= MIN_BAR_SPAN * 2
    )
    return ok, col


def plan_rows(
    rows: Sequence[Row],
    width: float,
    st: ChartStyle,
    *,
    domain: tuple[float, float] | None = None,
    allow_break: bool = True,
    target_height: float | None = None,
) -> RowPlan:
    """Lay out a row chart: bars from a shared zero (both sides if values are negative).

    `domain` fixes the axis (rates: 0–100); else it follows the values, with a break when a few
    values dwarf the rest. `target_height` asks the chart to fill that height: rows spread out
    and bars thicken (by at most `MAX_STRETCH`); the plan is never shorter than its natural height.
    """
    # Geometry treats a value too small to scale as zero (its label still prints it).
    values = [0.0 if 0 < abs(r.value) < TINY_VALUE else r.value for r in rows]
    finite = [v for v in values if math.isfinite(v)]
    texts = [text_width(r.text, True, st.value_pt) + st.pad_pt for r in rows]
    reserve = max(texts, default=0.0)
    left, col = _labels_left(rows, width, st, reserve)
    x0 = col if left else 0.0
    avail = width - x0
    negative = any(v < 0 for v in finite)
    # Scale first: it does not depend on the vertical layout.
    if domain is not None:
        lo, hi = domain
        span = max(avail - reserve, MIN_BAR_SPAN)
        seg = Segment(lo, hi, x0, x0 + span)
        scale = Scale((seg,), seg.pos(0.0))
        value_at_end = True
    elif negative:
        extents = [
            (abs(v) if math.isfinite(v) else 0.0, w, -1 if (math.isfinite(v) and v < 0) else 1)
            for v, w in zip(values, texts, strict=True)
        ]
        s = fit_per_unit(extents, avail)
        value_at_end = s > 0 and max(abs(v) for v in finite) * s >= MIN_BAR_SPAN / 2
        if not value_at_end:
            reach = max((-v for v in finite if v < 0), default=0.0) + max(
                (v for v in finite if v > 0), default=0.0
            )
            s = max(avail - reserve, 0.0) / reach if reach > 0 else 0.0
            zero = x0 + max((-v for v in finite if v < 0), default=0.0) * s
        else:
            zero = x0 + max((m * s + w for m, w, side in extents if side < 0), default=0.0)
        neg_max = max((-v for v in finite if v < 0), default=0.0)
        pos_max = max((v for v in finite if v > 0), default=0.0)
        seg = Segment(-neg_max, pos_max, zero - neg_max * s, zero + pos_max * s)
        if s <= 0:
            seg = Segment(-1.0, 1.0, zero, zero)
        scale = Scale((seg,), zero)
    else:
        # The one unbroken scale first: an axis break is only drawn when this one would leave a
        # small bar unreadable.
        flat = fit_per_unit(
            [(v if math.isfinite(v) else 0.0, w, 1) for v, w in zip(values, texts, strict=True)],
            avail,
        )
        k = break_point(finite, flat) if allow_break else 0
        top = sorted(finite, reverse=True)
        if k:
            big = top[:k]
            rest_max = top[k]
            xr = width - max(
                (
                    w
                    for r, w in zip(rows, texts, strict=True)
                    if math.isfinite(r.value) and r.value in big
                ),
                default=reserve,
            )
            hi_len = max((xr - x0) * HI_SHARE, MIN_BAR_SPAN)
            hi_x0 = xr - hi_len
            lo_x1 = hi_x0 - BREAK_GAP
            rest = [
                (v, w)
                for v, w in zip(values, texts, strict=True)
                if math.isfinite(v) and v not in big
            ]
            s = fit_per_unit([(v, w, 1) for v, w in rest], width - x0)
            # The largest bar before the break stops short of it, so no bar seems cut by it.
            s = min(s, (lo_x1 - x0) / (rest_max * 1.15)) if rest_max > 0 else s
            lo_seg = Segment(0.0, (lo_x1 - x0) / s if s > 0 else rest_max, x0, lo_x1)
            b_min, b_max = min(big), max(big)
            step = nice_step(max(b_max - b_min, b_max * 0.1), 2)
            hi_lo = max(
                math.floor((b_min - max(0.15 * (b_max - b_min), 0.05 * b_max)) / step) * step,
                lo_seg.hi,
            )
            hi_seg = Segment(hi_lo, b_max, hi_x0, xr)
            scale = Scale((lo_seg, hi_seg), x0)
            value_at_end = True
        else:
            top_v = max(finite, default=0.0)
            s = flat
            value_at_end = top_v <= 0 or top_v * s >= MIN_BAR_SPAN
            if not value_at_end:
                s = max(avail - reserve, 0.0) / top_v if top_v > 0 else 0.0
            hi = top_v if top_v > 0 else 1.0
            seg = Segment(0.0, hi, x0, x0 + hi * s if top_v > 0 else x0 + max(avail - reserve, 0.0))
            scale = Scale((seg,), x0)
    # Vertical layout, stretched towards the target height if one is given.
    axis_h = axis_height(st)

    def layout(f: float) -> tuple[list[RowBox], float, float]:
        bar = st.bar_pt * min(f, MAX_STRETCH)
        boxes, h = _stack(rows, width, st, left, col, bar, st.row_gap_pt * f, st.group_gap_pt * f)
        return boxes, h, bar

    boxes, rows_h, bar = layout(1.0)
    if target_height is not None and rows_h + axis_h < target_height - 0.5:
        lo_f, hi_f = 1.0, 40.0
        for _ in range(24):
            mid = (lo_f + hi_f) / 2
            if layout(mid)[1] + axis_h <= target_height:
                lo_f = mid
            else:
                hi_f = mid
        boxes, rows_h, bar = layout(lo_f)
    axis_y = rows_h + AXIS_GAP
    height = max(rows_h + axis_h, target_height or 0.0)
    ticks = []
    for k, seg in enumerate(scale.segments):
        vals = _segment_ticks(seg, st, broken=scale.broken)
        if scale.broken and k == 0 and len(vals) > 1:
            # The last tick before a break would crowd the first one after it.
            step = vals[1] - vals[0]
            last = tick_text(vals[-1], step)
            if seg.pos(vals[-1]) + text_width(last, False, st.tick_pt) / 2 > seg.x1 - 4.0:
                vals = vals[:-1]
        step = (vals[1] - vals[0]) if len(vals) > 1 else max(abs(seg.hi - seg.lo), 1.0)
        ticks.append((tuple(vals), tuple(tick_text(v, step) for v in vals)))
    return RowPlan(
        width,
        height,
        bar,
        x0,
        max(s.x1 for s in scale.segments),
        tuple(boxes),
        scale,
        axis_y,
        tuple(ticks),
        left,
        value_at_end,
    )


def _segment_ticks(seg: Segment, st: ChartStyle, broken: bool) -> list[float]:
    """Ticks whose labels fit the segment without touching each other."""
    if seg.x1 - seg.x0 <= 0:
        return [0.0] if seg.lo <= 0 <= seg.hi else []
    for most in (4, 3, 2, 1):
        vals = ticks_between(seg.lo, seg.hi, most)
        if not vals:
            continue
        step = (vals[1] - vals[0]) if len(vals) > 1 else max(seg.hi - seg.lo, 1.0)
        spans = []
        for v in vals:
            w = text_width(tick_text(v, step), False, st.tick_pt)
            x = seg.pos(v)
            spans.append((x - w / 2, x + w / 2))
        if all(b[0] - a[1] >= 3.0 for a, b in itertools.pairwise(spans)):
            return vals
    return [vals[0]] if vals else []


# ---------------------------------------------------------------------------------------------
# Heights and geometry of the other kinds


def row_chart_height(
    rows: Sequence[Row], width: float, st: ChartStyle, domain: tuple[float, float] | None = None
) -> float:
    """Height of a row chart (bar, hbar, diverging…) of `rows` at `width`."""
    return plan_rows(rows, width, st, domain=domain).height


def rate_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    """`rows` with stated rates held to 0–100, the track a rate chart draws."""
    # A rate outside 0–100 (the loader refuses it) would be drawn clamped, never off the track.
    return tuple(
        Row(
            r.id,
            r.label,
            min(max(r.value, 0.0), 100.0) if r.stated else r.value,
            r.text,
            r.role,
            r.group,
        )
        for r in rows
    )


def columns_fit(rows: Sequence[Row], width: float, st: ChartStyle) -> bool:
    """Vertical columns only when every value label fits its column and no axis break is needed."""
    if break_point([r.value for r in rows]) or any(r.stated and r.value < 0 for r in rows):
        return False
    col = (width - column_axis_width(rows, st)) / max(len(rows), 1)
    return all(text_width(r.text, True, st.value_pt) <= col - 2.0 for r in rows)


def _column_ticks(rows: Sequence[Row]) -> tuple[list[float], list[str]]:
    top = max((r.value for r in rows if r.stated), default=0.0)
    ticks = ticks_between(0.0, top, 3) if top > 0 else [0.0]
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    return ticks, [tick_text(v, step) for v in ticks]


def column_axis_width(rows: Sequence[Row], st: ChartStyle) -> float:
    """Width of the value axis left of the columns: its widest tick label and the tick."""
    _, labels = _column_ticks(rows)
    return max(text_width(t, False, st.tick_pt) for t in labels) + TICK_PT + 2.5


def column_geometry(
    rows: Sequence[Row], width: float, st: ChartStyle, target: float | None
) -> dict[str, Any]:
    """The measures of a column chart in points: axis width, column pitch, wrapped labels,
    height.
    """
    vasc, vdesc = metrics(True, st.value_pt)
    lasc, ldesc = metrics(False, st.label_pt)
    top = max((r.value for r in rows if r.stated), default=0.0)
    ticks, tick_labels = _column_ticks(rows)
    axis_x = column_axis_width(rows, st)
    col = (width - axis_x) / len(rows)
    wrapped = [wrap(r.label, st.label_pt, col - 2.0) for r in rows]
    pitch = st.label_pt * st.line_factor
    label_h = lasc + (max(len(w) for w in wrapped) - 1) * pitch + ldesc
    top_room = vasc + vdesc + st.pad_pt
    bar_h = st.column_bar_pt
    natural = top_room + bar_h + st.label_gap_pt + 2.0 + label_h
    if target is not None and target > natural:
        bar_h += min(target - natural, bar_h)
    height = max(top_room + bar_h + st.label_gap_pt + 2.0 + label_h, target or 0.0)
    return {
        "axis_x": axis_x,
        "col": col,
        "wrapped": wrapped,
        "pitch": pitch,
        "lasc": lasc,
        "top_room": top_room,
        "bar_h": bar_h,
        "height": height,
        "ticks": ticks,
        "tick_labels": tick_labels,
        "vdesc": vdesc,
        "top": top,
    }


def column_height(rows: Sequence[Row], width: float, st: ChartStyle) -> float:
    """Height of a column chart of `rows` at `width`."""
    return float(column_geometry(rows, width, st, None)["height"])


TREND_ASPECT = 0.5


def trend_geometry(
    series: Sequence[tuple[int, float]], w: float, h: float, st: ChartStyle, texts: Sequence[str]
) -> dict[str, Any]:
    """The measures of a trend chart `w` by `h` points: ticks, plot area and label positions."""
    vals = [v for _, v in series if math.isfinite(v)]
    top = max(vals, default=0.0)
    top = top if top > 0 else 1.0
    ticks = ticks_between(0.0, top, 3)
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else top
    labels = [tick_text(v, step) for v in ticks]
    tasc, tdesc = metrics(False, st.tick_pt)
    vasc, vdesc = metrics(True, st.value_pt)
    left = max(text_width(t, False, st.tick_pt) for t in labels) + TICK_PT + 2.5
    edge = max((text_width(t, True, st.value_pt) for t in texts), default=0.0) / 2 + 1.0
    years = [y for y, _ in series]
    edge = max(edge, max((text_width(f"{y}年", False, st.tick_pt) for y in years), default=0.0) / 2)
    top_room = vasc + vdesc + st.pad_pt + 2.0
    bottom_room = TICK_PT + 1.5 + tasc + tdesc + 1.0
    return {
        "ticks": ticks,
        "labels": labels,
        "left": left + edge,
        "right": w - edge,
        "top": top_room,
        "bottom": h - bottom_room,
        "ymax": top,
    }


def trend_height(width: float, st: ChartStyle | None = None) -> float:
    """Height of a trend chart at `width`: half its width, at least nine label sizes."""
    st = st or chart_style()
    return round(max(width * TREND_ASPECT, st.label_pt * 9), 2)


PANEL_GAP = 10.0
MIN_PANEL_PT = 140.0


def grid(width: float, n: int) -> tuple[int, float]:
    """(columns, panel width) of small multiples in `width`: as many as fit, up to `n`."""
    cols = max(1, min(n, int((width + PANEL_GAP) // (MIN_PANEL_PT + PANEL_GAP))))
    return cols, (width - PANEL_GAP * (cols - 1)) / cols


def panel_height(content: Any, width: float, st: ChartStyle) -> float:
    """Height of one small-multiples panel: a trend, or a row chart of its rows."""
    if isinstance(content, tuple) and content and content[0] == "trend":
        return trend_height(width, st)
    return row_chart_height(content, width, st)


def title_height(st: ChartStyle) -> float:
    """Height of a panel's one-line bold title and the 2 pt gap under it."""
    asc, desc = metrics(True, st.label_pt)
    return asc + desc + 2.0


def small_multiples_height(
    panels: Sequence[tuple[str, Any]], width: float, st: ChartStyle
) -> float:
    """Height of small multiples: each grid row as tall as its tallest panel, with titles and
    gaps.
    """
    cols, pw = grid(width, len(panels))
    heights = [panel_height(c, pw, st) for _, c in panels]
    rows = [max(heights[i : i + cols]) for i in range(0, len(panels), cols)]
    return sum(rows) + len(rows) * title_height(st) + PANEL_GAP * (len(rows) - 1)
