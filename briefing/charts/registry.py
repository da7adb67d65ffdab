"""Turn a chart kind's name into the function that draws it and the function that measures it.

Built-in kinds live in `briefing.charts.kinds`. Other packages add kinds without forking: they
register a function under the entry point group `briefing.charts` (see docs/charts.md):

    [project.entry-points."briefing.charts"]
    waffle = "my_charts:waffle"

A kind is `kind(ax, chart, dataset) -> None`. Its printed height is `kind.height_pt(chart,
dataset, width_pt, style)` when the function carries such an attribute, else `width_pt ×
kind.aspect` (default `DEFAULT_ASPECT`). Measuring a built-in kind imports no matplotlib; a
third-party kind is imported the first time it is measured or drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..model import BUILTIN_CHART_KINDS, CHART_ENTRY_POINT_GROUP, Chart, Dataset, plugin_chart_kinds
from . import layout
from .data import chart_rows, panel_rows, trend_series
from .style import ChartStyle

DEFAULT_ASPECT = 0.6

DrawFunction = Callable[[Any, Chart, Dataset], None]
HeightFunction = Callable[[Chart, Dataset, float, ChartStyle], float]


def _rows_height(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    return layout.row_chart_height(chart_rows(dataset, chart), width, st)


def _rate_height(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    return layout.row_chart_height(
        layout.rate_rows(chart_rows(dataset, chart)), width, st, domain=(0.0, 100.0)
    )


def _bar_height(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    rows = chart_rows(dataset, chart)
    if layout.columns_fit(rows, width, st):
        return layout.column_height(rows, width, st)
    return layout.row_chart_height(rows, width, st)


def _trend_height(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    panels = trend_series(dataset, chart)
    if len(panels) <= 1:
        return layout.trend_height(width, st)
    return layout.small_multiples_height(
        [(label, ("trend", s, t)) for label, s, t in panels], width, st
    )


def _multiples_height(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    return layout.small_multiples_height(panel_rows(dataset, chart), width, st)


BUILTIN_HEIGHTS: dict[str, HeightFunction] = {
    "bar": _bar_height,
    "hbar": _rows_height,
    "diverging": _rows_height,
    "part_of_whole": _rows_height,
    "rate": _rate_height,
    "before_after": _rows_height,
    "trend": _trend_height,
    "small_multiples": _multiples_height,
}
assert set(BUILTIN_HEIGHTS) == set(BUILTIN_CHART_KINDS)


@dataclass(frozen=True, slots=True)
class ChartKind:
    """A chart kind: how to draw it and how tall it is at a width."""

    name: str
    draw: DrawFunction
    height: HeightFunction


@cache
def _plugin(name: str) -> Any:
    from importlib.metadata import entry_points

    for ep in entry_points(group=CHART_ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep.load()
    raise KeyError(name)


def draw_function(name: str) -> DrawFunction:
    """The function drawing kind `name` (imports matplotlib through the kinds module)."""
    if name in BUILTIN_HEIGHTS:
        from . import kinds  # imports matplotlib: only when a chart is drawn

        fn: DrawFunction = getattr(kinds, name)
        return fn
    plugin: DrawFunction = _plugin(name)
    return plugin


def height_pt(chart: Chart, dataset: Dataset, width: float, st: ChartStyle) -> float:
    """The printed height of `chart` at `width` points."""
    builtin = BUILTIN_HEIGHTS.get(chart.kind)
    if builtin is not None:
        return builtin(chart, dataset, width, st)
    fn = _plugin(chart.kind)
    measure = getattr(fn, "height_pt", None)
    if measure is not None:
        return float(measure(chart, dataset, width, st))
    return round(width * float(getattr(fn, "aspect", DEFAULT_ASPECT)), 2)


def available_kinds() -> tuple[str, ...]:
    """Every kind a dataset may name: the built-in ones, then those other packages register."""
    return BUILTIN_CHART_KINDS + plugin_chart_kinds()
