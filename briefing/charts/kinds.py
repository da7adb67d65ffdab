"""Turn a chart declaration and its dataset into matplotlib artists on an Axes: the built-in chart
kinds.

A chart kind is one function `kind(ax, chart, dataset)`. It receives an Axes filling a figure of
the chart's printed size (1 unit = 1 pt, dpi 72) and draws with ordinary matplotlib calls; the
theme (`briefing.mplstyle`) is already in force. Built-in kinds place their axes themselves from
a plan measured by `layout` (which is why the same plan also gives the chart's height before any
figure exists); `style_of(ax)` gives them the density and sizes the document asked for.

Row-level functions (`draw_row_chart`, `draw_columns`, `draw_trend`, `draw_small_multiples`) take
rows instead of a declaration, so other documents (a comparison across districts, a multi-year
series) can draw their own figures with the same look.
"""

from __future__ import annotations

from . import _mpl  # noqa: F401  first: matplotlib without its import-time docstrings

# isort: split
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.lines import Line2D
from matplotlib.transforms import IdentityTransform

from ..model import Chart, Dataset
from .data import NOT_STATED, Row, chart_rows, panel_rows, trend_series
from .figure import spare_axes
from .layout import (
    PANEL_GAP,
    TINY_VALUE,
    RowPlan,
    column_geometry,
    columns_fit,
    grid,
    metrics,
    panel_height,
    plan_rows,
    rate_rows,
    text_width,
    title_height,
    trend_geometry,
)
from .style import ChartStyle, chart_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BOLD = "bold"


def style_of(ax: Axes) -> ChartStyle:
    """The ChartStyle the document asked this chart to be drawn with (the default theme
    otherwise).
    """
    return getattr(ax.figure, "briefing_style", None) or chart_style()


def size_of(fig: Any) -> tuple[float, float]:
    """The figure's printed size in points."""
    w, h = fig.get_size_inches()
    return float(w) * 72.0, float(h) * 72.0


class Frame:
    """A rectangle of a figure a chart is drawn in, in points; y runs down from the frame's top."""

    def __init__(
        self,
        fig: Any,
        x: float = 0.0,
        y: float = 0.0,
        w: float | None = None,
        h: float | None = None,
    ) -> None:
        fw, fh = size_of(fig)
        self.fig, self.x, self.y = fig, x, y
        self.w = fw - x if w is None else w
        self.h = fh - y if h is None else h
        self.fig_h = fh

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float,
        color: str,
        bold: bool = False,
        ha: str = "left",
    ) -> None:
        """Text with its baseline at (x, y) of the frame."""
        self.fig.text(
            self.x + x,
            self.fig_h - self.y - y,
            s,
            transform=IdentityTransform(),
            fontsize=size,
            color=color,
            fontweight=BOLD if bold else "normal",
            ha=ha,
            va="baseline",
        )

    def line(self, xs: Sequence[float], ys: Sequence[float], color: str, width: float) -> None:
        self.fig.add_artist(
            Line2D(
                [self.x + x for x in xs],
                [self.fig_h - self.y - y for y in ys],
                transform=IdentityTransform(),
                color=color,
                linewidth=width,
            )
        )

    def axes(self, ax: Axes | None, x0: float, x1: float, top: float, bottom: float) -> Axes:
        """An Axes (reusing `ax` if given) covering x0..x1 and top..bottom of the frame."""
        fw, fh = size_of(self.fig)
        rect = (
            (self.x + x0) / fw,
            (fh - self.y - bottom) / fh,
            max(x1 - x0, 1e-3) / fw,
            max(bottom - top, 1e-3) / fh,
        )
        if ax is None:
            return spare_axes(self.fig, rect)
        ax.set_position(rect)
        return ax


def _bare(ax: Axes) -> None:
    ax.set_facecolor("none")
    ax.yaxis.set_visible(False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


# ---------------------------------------------------------------------------------------------
# Row charts: hbar, diverging, part_of_whole, rate, before_after


def _row_look(st: ChartStyle, row: Row) -> dict[str, Any]:
    p = st.palette
    if row.role in ("whole", "before"):
        return {"color": p.whole, "hatch": p.hatch}
    return {"color": p.bar}


def draw_row_chart(
    ax: Axes,
    rows: Sequence[Row],
    *,
    domain: tuple[float, float] | None = None,
    track: bool = False,
    frame: Frame | None = None,
) -> RowPlan:
    """Horizontal bars from one zero, each labelled at its end; returns the plan drawn.

    The chart fills `frame` (the whole figure by default) and stretches to its height; `ax`
    becomes the axes of the bars (the first segment's, when the axis is broken).
    """
    fr = frame or Frame(ax.figure)
    st = style_of(ax)
    plan = plan_rows(rows, fr.w, st, domain=domain, target_height=fr.h)
    p = st.palette
    rows_top = max(min((b.bar_top for b in plan.boxes), default=0.0) - 2.0, 0.0)
    axes = []
    for k, seg in enumerate(plan.scale.segments):
        a = fr.axes(ax if k == 0 else None, seg.x0, seg.x1, rows_top, plan.axis_y)
        _bare(a)
        a.set_xlim(seg.lo, seg.hi)
        a.set_ylim(plan.axis_y, rows_top)
        vals, labels = plan.ticks[k]
        a.set_xticks(list(vals), list(labels))
        # Tick labels at the chart's edges are aligned to the edge rather than run past it.
        for t, v, label in zip(a.get_xticklabels(), vals, labels, strict=True):
            x = seg.pos(v)
            w = text_width(label, False, st.tick_pt)
            # Set on every label: pooled figures reuse tick objects from the chart before.
            if x - w / 2 < 0:
                t.set_horizontalalignment("left")
            elif x + w / 2 > fr.w:
                t.set_horizontalalignment("right")
            else:
                t.set_horizontalalignment("center")
        axes.append(a)
    if len(plan.scale.segments) == 1 and plan.scale.segments[0].lo < 0 < plan.scale.segments[0].hi:
        # The zero line crosses each bar band only, never a label set above the bars.
        for box in plan.boxes:
            axes[0].plot(
                [0.0, 0.0],
                [box.bar_top - 1.5, box.bar_top + plan.bar_pt + 1.5],
                color=p.rule,
                linewidth=st.rule_pt,
                solid_capstyle="butt",
            )
    bars: list[list[tuple[float, float, float, Row]]] = [[] for _ in axes]
    for r, box in zip(rows, plan.boxes, strict=True):
        for line, base in zip(box.label_lines, box.label_baselines, strict=True):
            fr.text(box.label_x, base, line, size=st.label_pt, color=p.ink, ha=box.label_anchor)
        if not r.stated:
            fr.text(
                plan.scale.zero + st.pad_pt,
                box.value_baseline,
                NOT_STATED,
                size=st.label_pt,
                color=p.muted,
            )
            continue
        if plan.scale.broken:
            # Each side of the break draws only its own stretch of the bar.
            lo, hi = plan.scale.segments
            bars[0].append((box.bar_center, min(r.value, lo.hi), 0.0, r))
            if r.value > lo.hi:
                bars[1].append((box.bar_center, r.value - hi.lo, hi.lo, r))
        else:
            bars[0].append((box.bar_center, r.value, 0.0, r))
        end = plan.scale.end(r.value)
        # A rate's label never sits on its light 0–100 track (in grayscale the track and a bold
        # label run together): the labels stand right of the track, in a right-aligned column.
        if not plan.value_at_end or track:
            x, ha = fr.w, "right"
        elif r.value < 0:
            x, ha = end - st.pad_pt, "right"
        else:
            x, ha = end + st.pad_pt, "left"
        fr.text(x, box.value_baseline, r.text, size=st.value_pt, color=p.ink, bold=True, ha=ha)
        if plan.scale.broken and r.value > plan.scale.segments[0].hi:
            _break_marks(fr, plan, box.bar_top - 1.0, box.bar_top + plan.bar_pt + 1.0, st)
    if track:
        first = plan.scale.segments[0]
        axes[0].barh(
            [b.bar_center for b in plan.boxes],
            first.hi - first.lo,
            left=first.lo,
            height=plan.bar_pt,
            color=p.track,
        )
    # One barh call per axes and look: bars are many, calls are costly.
    for a, items in zip(axes, bars, strict=True):
        for role in ("item", "whole", "part", "before", "after"):
            mine = [it for it in items if it[3].role == role]
            if mine:
                a.barh(
                    [y for y, _, _, _ in mine],
                    # Drawn as the plan measured them: a TINY_VALUE width is zero wide.
                    [w if abs(w) >= TINY_VALUE else 0.0 for _, w, _, _ in mine],
                    left=[x for _, _, x, _ in mine],
                    height=plan.bar_pt,
                    **_row_look(st, mine[0][3]),
                )
    if plan.scale.broken:
        _break_marks(fr, plan, plan.axis_y - 2.5, plan.axis_y + 2.5, st)
    return plan


def _break_marks(fr: Frame, plan: RowPlan, top: float, bottom: float, st: ChartStyle) -> None:
    """Two slanted strokes where the axis (or a bar crossing it) is broken."""
    lo, hi = plan.scale.segments
    slant = (bottom - top) * 0.45
    for x in (lo.x1, hi.x0):
        fr.line([x - slant / 2, x + slant / 2], [bottom, top], st.palette.ink, 0.6)


def hbar(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Counts as horizontal bars on one scale from zero, each labelled at its end."""
    draw_row_chart(ax, chart_rows(dataset, chart))


def diverging(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Signed changes left (falls) and right (rises) of a zero line, labelled in the report's
    words.
    """
    draw_row_chart(ax, chart_rows(dataset, chart))


def part_of_whole(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Each whole (light, hatched) followed by its parts (dark), all on one scale from zero."""
    draw_row_chart(ax, chart_rows(dataset, chart))


def rate(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Percentages on a 0–100% axis over a light track, the values in a column right of it."""
    draw_row_chart(ax, rate_rows(chart_rows(dataset, chart)), domain=(0.0, 100.0), track=True)


def before_after(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Each change as a pair of bars on one scale: before (light, hatched) and after (dark)."""
    draw_row_chart(ax, chart_rows(dataset, chart))


# ---------------------------------------------------------------------------------------------
# Columns


def draw_columns(ax: Axes, rows: Sequence[Row], frame: Frame | None = None) -> None:
    """Counts as columns on a zero baseline with a labelled value axis; values above, labels
    below.
    """
    fr = frame or Frame(ax.figure)
    st = style_of(ax)
    g = column_geometry(rows, fr.w, st, fr.h)
    p = st.palette
    base = g["top_room"] + g["bar_h"]
    top_v = g["top"] if g["top"] > 0 else 1.0
    a = fr.axes(ax, g["axis_x"], fr.w, g["top_room"], base)
    a.set_facecolor("none")
    a.spines["left"].set_visible(True)
    a.xaxis.set_visible(False)
    a.set_xlim(0, len(rows))
    a.set_ylim(0, top_v)
    a.set_yticks(g["ticks"], g["tick_labels"])
    bar_w = min(0.6, st.bar_pt * 4 / g["col"])
    for i, (r, lines) in enumerate(zip(rows, g["wrapped"], strict=True)):
        cx = g["axis_x"] + g["col"] * (i + 0.5)
        for k, line in enumerate(lines):
            fr.text(
                cx,
                base + st.label_gap_pt + 2.0 + g["lasc"] + k * g["pitch"],
                line,
                size=st.label_pt,
                color=p.ink,
                ha="center",
            )
        if not r.stated:
            fr.text(
                cx,
                base - st.pad_pt - g["vdesc"],
                NOT_STATED,
                size=st.label_pt,
                color=p.muted,
                ha="center",
            )
            continue
        a.bar(i + 0.5, r.value, width=bar_w, color=p.bar)
        h = r.value / top_v * g["bar_h"]
        fr.text(
            cx,
            base - h - st.pad_pt - g["vdesc"],
            r.text,
            size=st.value_pt,
            color=p.ink,
            bold=True,
            ha="center",
        )


def bar(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Counts as columns; as horizontal bars when the columns would be too narrow or need a
    break.
    """
    rows = chart_rows(dataset, chart)
    width, _ = size_of(ax.figure)
    if columns_fit(rows, width, style_of(ax)):
        draw_columns(ax, rows)
    else:
        draw_row_chart(ax, rows)


# ---------------------------------------------------------------------------------------------
# Trends over years


def draw_trend(
    ax: Axes,
    series: Sequence[tuple[int, float]],
    texts: Sequence[str] | None = None,
    frame: Frame | None = None,
) -> None:
    """A value over years: a line with a marker and a label at each year, on an axis from zero.

    `series` is (year, value) pairs in any order; `texts` are the labels in the report's wording
    (plain numbers by default). A missing year leaves a gap in the line, never an invented point.
    """
    fr = frame or Frame(ax.figure)
    st = style_of(ax)
    order = sorted(range(len(series)), key=lambda i: series[i][0])
    pts = [series[i] for i in order]
    if texts is None:
        labels = [f"{v:g}" if math.isfinite(v) else NOT_STATED for _, v in pts]
    else:
        labels = [texts[i] for i in order]
    g = trend_geometry(pts, fr.w, fr.h, st, labels)
    a = fr.axes(ax, g["left"], g["right"], g["top"], g["bottom"])
    a.set_facecolor("none")
    a.spines["left"].set_visible(True)
    years = [y for y, _ in pts]
    lo, hi = min(years), max(years)
    pad = 0.3 if hi > lo else 0.5
    a.set_xlim(lo - pad, hi + pad)
    a.set_ylim(0.0, g["ymax"])
    a.set_yticks(g["ticks"], g["labels"])
    a.set_xticks(years, [f"{y}年" for y in years])
    p = st.palette
    runs: list[list[tuple[int, float]]] = [[]]
    prev: int | None = None
    for y, v in pts:
        if not math.isfinite(v) or (prev is not None and y != prev + 1):
            runs.append([])
        if math.isfinite(v):
            runs[-1].append((y, v))
        prev = y
    for run in runs:
        if run:
            a.plot(
                [y for y, _ in run],
                [v for _, v in run],
                color=p.bar,
                marker="o",
                markersize=3.5,
                clip_on=False,
            )
    _, vdesc = metrics(True, st.value_pt)
    for (y, v), t in zip(pts, labels, strict=True):
        if math.isfinite(v):
            a.annotate(
                t,
                (y, v),
                xytext=(0, st.pad_pt + vdesc),
                textcoords="offset points",
                ha="center",
                va="baseline",
                fontsize=st.value_pt,
                fontweight=BOLD,
                color=p.ink,
                annotation_clip=False,
            )


def trend(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """Each indicator's values over the years the dataset gives (its prior year at least)."""
    panels = trend_series(dataset, chart)
    if len(panels) == 1:
        _, series, texts = panels[0]
        draw_trend(ax, series, texts)
        return
    draw_small_multiples(ax, [(label, ("trend", series, texts)) for label, series, texts in panels])


# ---------------------------------------------------------------------------------------------
# Small multiples


def draw_small_multiples(ax: Axes, panels: Sequence[tuple[str, Any]]) -> None:
    """One small panel per (title, content), in a grid, each with its own labelled axis.

    Content is a sequence of rows (drawn as a row chart) or ("trend", series, texts). Panels do
    not share a scale — that is what they are for: figures of very different size side by side
    without flattening the small ones — so each panel's axis states its own scale.
    """
    fig = ax.figure
    st = style_of(ax)
    width, _ = size_of(fig)
    cols, pw = grid(width, len(panels))
    asc, _ = metrics(True, st.label_pt)
    heights = [panel_height(c, pw, st) for _, c in panels]
    y = 0.0
    first = True
    for start in range(0, len(panels), cols):
        row_h = max(heights[start : start + cols])
        for j, (title, content) in enumerate(panels[start : start + cols]):
            x = j * (pw + PANEL_GAP)
            fr = Frame(fig, x, y, pw, row_h + title_height(st))
            fr.text(0.0, asc, title, size=st.label_pt, color=st.palette.ink, bold=True)
            inner = Frame(fig, x, y + title_height(st), pw, row_h)
            target = ax if first else spare_axes(fig, (0.0, 0.0, 1.0, 1.0))
            first = False
            if isinstance(content, tuple) and content and content[0] == "trend":
                draw_trend(target, content[1], content[2], frame=inner)
            else:
                draw_row_chart(target, content, frame=inner)
        y += row_h + title_height(st) + PANEL_GAP


def small_multiples(ax: Axes, chart: Chart, dataset: Dataset) -> None:
    """The chart's figures in separate panels (by unit, then by size), each with its own axis."""
    draw_small_multiples(ax, panel_rows(dataset, chart))
