"""Turn the charts a dataset declares into fixed-size flowables that matplotlib draws onto the page
in the document's fonts.

    rows = chart_rows(dataset, chart)             # pure: labels, values, wording, groups
    flowable = draw_chart(dataset, chart, width_pt=150, style=chart_style("compact"))

A chart is a `ChartFlowable` at printed size: its height follows from the rows and the style and
is measured without matplotlib; matplotlib builds and draws the figure only when the chart is
needed, through our own backend (`charts.backend`), into a recording of canvas calls that the page
replays, so the chart's paths and text go into the page itself (`charts.recording`). Flowables
are cached per process by (kind, rows, width, style) and record once: every layout pass, and
every build of one dataset in a process (`watch`), measures and draws each chart once. Importing
this package does not import matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..fonts import register_reportlab
from ..model import BUILTIN_CHART_KINDS, Chart, Dataset
from . import layout
from .data import Row, chart_rows, group_parts, short_period
from .figure import ChartFlowable
from .registry import available_kinds, draw_function, height_pt
from .style import MIN_LABEL_PT, ChartStyle, chart_style

__all__ = [
    "MIN_LABEL_PT",
    "ChartFlowable",
    "ChartStyle",
    "DeclaredDrawing",
    "Row",
    "RowDrawing",
    "available_kinds",
    "chart_flowable",
    "chart_rows",
    "chart_style",
    "draw_chart",
    "draw_rows",
    "group_parts",
    "short_period",
]

ROW_KINDS = ("bar", "hbar", "diverging", "part_of_whole", "rate", "before_after")


def _row_height(kind: str, rows: tuple[Row, ...], width: float, style: ChartStyle) -> float:
    if kind == "rate":
        return layout.row_chart_height(layout.rate_rows(rows), width, style, domain=(0.0, 100.0))
    if kind == "bar" and layout.columns_fit(rows, width, style):
        return layout.column_height(rows, width, style)
    return layout.row_chart_height(rows, width, style)


@dataclass(frozen=True, slots=True)
class RowDrawing:
    """Draws rows as a built-in row chart on an Axes; plain data, so a helper process can too."""

    kind: str
    rows: tuple[Row, ...]

    def __call__(self, ax: Any) -> None:
        from . import kinds

        kind, rows = self.kind, self.rows
        width = ax.figure.get_size_inches()[0] * 72.0
        if kind == "rate":
            kinds.draw_row_chart(ax, layout.rate_rows(rows), domain=(0.0, 100.0), track=True)
        elif kind == "bar" and layout.columns_fit(rows, width, kinds.style_of(ax)):
            kinds.draw_columns(ax, rows)
        else:
            kinds.draw_row_chart(ax, rows)


@dataclass(frozen=True, slots=True, eq=False)
class DeclaredDrawing:
    """Draws a dataset's declared chart with its kind's function (a built-in kind's pickles)."""

    chart: Chart
    dataset: Dataset

    def __call__(self, ax: Any) -> None:
        draw_function(self.chart.kind)(ax, self.chart, self.dataset)


@lru_cache(maxsize=512)
def draw_rows(
    kind: str,
    rows: tuple[Row, ...],
    width_pt: float,
    style: ChartStyle,
    height_pt: float | None = None,
) -> ChartFlowable:
    """Rows drawn as row chart `kind` (bar, hbar, diverging, part_of_whole, rate, before_after);
    cached.
    """
    if not rows:
        raise ValueError("a chart needs at least one row")
    if width_pt <= 0:
        raise ValueError("a chart needs a positive width")
    if kind not in ROW_KINDS:
        raise ValueError(f"{kind!r} is not drawn from rows; use draw_chart")
    register_reportlab()
    if kind in ("bar", "hbar", "part_of_whole") and any(r.stated and r.value < 0 for r in rows):
        # Bars grow from zero by magnitude; a negative value would be drawn as a positive one.
        # The loader refuses negative counts, so this is only a safety net: draw it two-sided.
        kind = "diverging"
    natural = _row_height(kind, rows, width_pt, style)
    height = max(natural, height_pt or 0.0)
    return ChartFlowable(
        width_pt, round(height, 3), style, RowDrawing(kind, rows), name=kind, pooled=True
    )


_FLOWABLES: dict[tuple[object, ...], ChartFlowable] = {}


def _chart_flowable(
    dataset: Dataset, chart: Chart, width_pt: float, style: ChartStyle, height_pt: float | None
) -> ChartFlowable:
    register_reportlab()
    if chart.kind in ROW_KINDS and chart.kind != "before_after":
        return draw_rows(chart.kind, chart_rows(dataset, chart), width_pt, style, height_pt)
    # A Dataset is not hashable; its content hash and path name it.
    key = (dataset.sha256, dataset.path, chart, width_pt, style, height_pt)
    cached = _FLOWABLES.get(key)
    if cached is not None:
        return cached
    if len(_FLOWABLES) > 512:
        _FLOWABLES.clear()
    natural = height_pt_of(dataset, chart, width_pt, style)
    height = max(natural, height_pt or 0.0)

    flowable = _FLOWABLES[key] = ChartFlowable(
        width_pt,
        round(height, 3),
        style,
        DeclaredDrawing(chart, dataset),
        name=chart.id,
        pooled=chart.kind in BUILTIN_CHART_KINDS,
    )
    return flowable


def height_pt_of(dataset: Dataset, chart: Chart, width_pt: float, style: ChartStyle) -> float:
    """The natural printed height of `chart` at `width_pt` (no matplotlib for built-in kinds)."""
    return height_pt(chart, dataset, width_pt, style)


def draw_chart(
    dataset: Dataset,
    chart: Chart,
    *,
    width_pt: float,
    style: ChartStyle | None = None,
    height_pt: float | None = None,
) -> ChartFlowable:
    """The flowable of one declared chart at `width_pt`; its height is its natural one, or
    `height_pt` if taller.
    """
    return _chart_flowable(
        dataset,
        chart,
        round(width_pt, 2),
        style or chart_style(),
        None if height_pt is None else round(height_pt, 2),
    )


chart_flowable = draw_chart


def warm_up() -> None:
    """Import matplotlib, the chart kinds and the theme now (a batch worker does, before its first
    task).
    """
    from . import kinds  # noqa: F401  (imports matplotlib)
    from .figure import theme_rc

    theme_rc()
