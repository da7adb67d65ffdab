"""Turn the charts a dataset declares into vector drawings in the document's fonts.

    rows = chart_rows(dataset, chart)             # pure: labels, values, wording, groups
    drawing = draw_chart(dataset, chart, width_pt=150, style=chart_style("compact"))

A drawing is a ReportLab `Drawing` (a Flowable) at printed size; its height follows from the rows
and the style. Drawings are cached per process by (kind, rows, width, style): the report and the
briefing, or two builds of one dataset, draw each chart once.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.graphics.shapes import Drawing

from ..fonts import register_reportlab
from ..model import Chart, Dataset
from .data import Row, chart_rows, group_parts, short_period
from .draw import KINDS
from .style import MIN_LABEL_PT, ChartStyle, chart_style

__all__ = [
    "MIN_LABEL_PT",
    "ChartStyle",
    "Row",
    "chart_rows",
    "chart_style",
    "draw_chart",
    "draw_rows",
    "group_parts",
    "short_period",
]


@lru_cache(maxsize=512)
def draw_rows(kind: str, rows: tuple[Row, ...], width_pt: float, style: ChartStyle) -> Drawing:
    """Draw rows as chart `kind`; cached, so callers must not mutate the returned drawing."""
    if not rows:
        raise ValueError("a chart needs at least one row")
    if width_pt <= 0:
        raise ValueError("a chart needs a positive width")
    register_reportlab()
    if kind in ("bar", "hbar") and any(r.stated and r.value < 0 for r in rows):
        # Bars grow from zero by magnitude; a negative value would be drawn as a positive one.
        # The loader refuses negative counts, so this is only a safety net: draw it two-sided.
        kind = "diverging"
    return KINDS[kind](rows, width_pt, style)


def draw_chart(dataset: Dataset, chart: Chart, *, width_pt: float, style: ChartStyle | None = None) -> Drawing:
    """The drawing of one declared chart at `width_pt`, its height set by its rows and `style`."""
    return draw_rows(chart.kind, chart_rows(dataset, chart), round(width_pt, 2), style or chart_style())
