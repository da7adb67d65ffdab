"""Turn a chart declared in a Dataset into the rows it shows: label, value and value label in the
report's own wording.

This is the pure half of charting: no drawing library is touched, so the rules below can be
tested on their own.

Part-of-whole grouping. A `part_of_whole` chart lists groups one after another, each group's
whole first and its parts after it ("立案1109件 → 其中调解成功1098件"). Walking the list in order,
an indicator *starts a new group* (is a whole) when
  1. it is the first indicator, or
  2. the dataset's relations declare it the whole (or total) of something — a subset/total
     relation's `whole`/`total` or a rate relation's `whole` — or
  3. it cannot be a part of the current whole: its value is larger, its unit differs, or it
     covers another period (a part is counted over the same months as its whole);
otherwise it is a part of the current group. The Liujiang chart lists 1109, 1098 (both 2024),
177, 57 (both to date), 79, 26, 7 (all January–November): 1098 joins 1109; 177 starts a group
(another period, and declared the whole of `enterprise_reviews_within_all`); 57 joins it; 79
starts the third group (another period, and declared the whole of `enterprise_review_outcomes`,
even though it is itself a part of 177 — the chart lists it as a group of its own); 26 and 7 join
it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from ..model import Chart, Dataset, Indicator, Period, printed_figure

RowRole = Literal["item", "whole", "part", "before", "after"]


@dataclass(frozen=True, slots=True)
class Row:
    """One mark of a chart: what it is called, its value (NaN when not stated) and the value's
    label.
    """

    id: str
    label: str
    value: float
    text: str
    role: RowRole = "item"
    group: int = 0

    @property
    def stated(self) -> bool:
        return math.isfinite(self.value)


NOT_STATED = "未载明"


def short_period(period: Period) -> str:
    """The period as a chart or tile shows it when it is not the whole year: 1—11月, 截至报告时."""
    if period.kind == "year":
        return ""
    if period.kind == "months":
        if period.start_month == period.end_month:
            return f"{period.start_month}月"
        return f"{period.start_month}—{period.end_month}月"
    return "截至报告时"


def row_label(ind: Indicator) -> str:
    """An indicator's label with its period in brackets when the period is not the whole year."""
    when = short_period(ind.period)
    return f"{ind.label}（{when}）" if when else ind.label


def _printed(ind: Indicator) -> str:
    return ind.printed if math.isfinite(ind.value) else NOT_STATED


def _change_text(ind: Indicator, drop_prefix: bool) -> tuple[float, str]:
    """The change an indicator states, as (signed percent, wording)."""
    if ind.kind == "change":
        value = ind.value
        text = ind.printed if math.isfinite(value) else NOT_STATED
    elif ind.change is not None:
        value = ind.change.signed
        text = ind.change.text
    else:  # the loader refuses this for diverging charts; stay honest if it ever slips through
        return math.nan, NOT_STATED
    if drop_prefix and text.startswith("同比"):
        text = text[2:]
    return value, text


def _wholes(dataset: Dataset) -> frozenset[str]:
    """Indicators the relations declare to be the whole or total of something."""
    out: set[str] = set()
    for rel in dataset.relations:
        if rel.kind in ("subset", "rate") and rel.whole:
            out.add(rel.whole)
        if rel.kind == "total" and rel.total:
            out.add(rel.total)
    return frozenset(out)


def group_parts(
    dataset: Dataset, indicators: tuple[Indicator, ...]
) -> list[tuple[Indicator, list[Indicator]]]:
    """Split a part-of-whole chart's indicators into (whole, parts) groups by the rule in the module
    docstring.
    """
    wholes = _wholes(dataset)
    groups: list[tuple[Indicator, list[Indicator]]] = []
    for ind in indicators:
        if groups:
            whole, parts = groups[-1]
            starts = (
                ind.id in wholes
                or ind.unit != whole.unit
                or ind.period != whole.period
                or (
                    math.isfinite(ind.value)
                    and math.isfinite(whole.value)
                    and ind.value > whole.value
                )
            )
            if not starts:
                parts.append(ind)
                continue
        groups.append((ind, []))
    return groups


BEFORE = "原"
AFTER = "现"


def prior_text(ind: Indicator) -> str:
    """The value an indicator had before (its stated prior), worded like the indicator itself."""
    if ind.prior is None or not math.isfinite(ind.prior):
        return NOT_STATED
    return printed_figure(ind.prior, ind.decimals, ind.unit, ind.kind, "exact")


def trend_points(dataset: Dataset, ind: Indicator) -> tuple[tuple[int, Indicator], ...]:
    """(year, figure) of `ind`'s code in the earlier datasets and this one, where unit and period
    agree.
    """
    span = (ind.period.kind, ind.period.start_month, ind.period.end_month)
    points = []
    for ds in (*dataset.earlier, dataset):
        found = (
            ind
            if ds is dataset
            else next((i for i in ds.indicators if ind.code and i.code == ind.code), None)
        )
        if found is None or found.unit != ind.unit:
            continue
        if (found.period.kind, found.period.start_month, found.period.end_month) != span:
            continue
        points.append((ds.meta.year, found))
    return tuple(points)


def chart_rows(dataset: Dataset, chart: Chart) -> tuple[Row, ...]:
    """The rows of `chart`, in the order the dataset lists them (a trend: one row per year)."""
    inds = tuple(dataset.indicator(i) for i in chart.indicators if dataset.has_indicator(i))
    if chart.kind == "before_after":
        pairs: list[Row] = []
        for g, ind in enumerate(inds):
            before = ind.prior if ind.prior is not None else math.nan
            pairs.append(
                Row(
                    f"{ind.id}:before",
                    row_label(ind),
                    before,
                    BEFORE + prior_text(ind),
                    "before",
                    g,
                )
            )
            pairs.append(Row(ind.id, "", ind.value, AFTER + _printed(ind), "after", g))
        return tuple(pairs)
    if chart.kind == "trend":
        return tuple(
            Row(f"{ind.id}-{year}", f"{year}年", ind.value, _printed(ind))
            for year, ind in (trend_points(dataset, inds[0]) if inds else ())
        )
    if chart.kind == "diverging":
        drop = "同比" in chart.title
        rows = []
        for ind in inds:
            value, text = _change_text(ind, drop)
            rows.append(Row(ind.id, row_label(ind), value, text))
        return tuple(rows)
    if chart.kind == "part_of_whole":
        out: list[Row] = []
        for g, (whole, parts) in enumerate(group_parts(dataset, inds)):
            out.append(Row(whole.id, row_label(whole), whole.value, _printed(whole), "whole", g))
            out.extend(Row(p.id, row_label(p), p.value, _printed(p), "part", g) for p in parts)
        return tuple(out)
    return tuple(Row(i.id, row_label(i), i.value, _printed(i)) for i in inds)


def trend_series(
    dataset: Dataset, chart: Chart
) -> list[tuple[str, list[tuple[int, float]], list[str]]]:
    """Per indicator of a trend chart: (label, [(year, value)], wording of each value).

    The years come from the same district's earlier datasets (the figure with the same code,
    unit and period, see `trend_points`); failing those, from the indicator's stated prior value
    (the year before) and its own.
    """
    out = []
    for ident in chart.indicators:
        if not dataset.has_indicator(ident):
            continue
        ind = dataset.indicator(ident)
        points: dict[int, tuple[float, str]] = {
            year: (found.value, _printed(found)) for year, found in trend_points(dataset, ind)
        }
        if len(points) < 2 and ind.prior is not None and ind.period.year - 1 not in points:
            points[ind.period.year - 1] = (ind.prior, prior_text(ind))
        years = sorted(points)
        out.append(
            (row_label(ind), [(y, points[y][0]) for y in years], [points[y][1] for y in years])
        )
    return out


PANEL_RATIO = 4.0
"""Figures more than this many times apart go in separate panels of a small-multiples chart."""


def panel_rows(dataset: Dataset, chart: Chart) -> list[tuple[str, tuple[Row, ...]]]:
    """A small-multiples chart's panels: its figures split by unit, then by order of magnitude.

    Within a unit, figures are sorted by size and cut wherever one is more than `PANEL_RATIO`
    times the next, so that no panel holds figures of very different size; each panel keeps the
    dataset's order and is titled by its unit (and its work area, when all share one).
    """
    inds = [dataset.indicator(i) for i in chart.indicators if dataset.has_indicator(i)]
    by_unit: dict[str, list[Indicator]] = {}
    for ind in inds:
        by_unit.setdefault(ind.unit, []).append(ind)
    panels: list[tuple[str, tuple[Row, ...]]] = []
    areas = {a.id: a.title for a in dataset.areas}
    for unit, members in by_unit.items():
        ranked = sorted(members, key=lambda i: -(abs(i.value) if math.isfinite(i.value) else 0.0))
        clusters: list[list[Indicator]] = [[]]
        for k, ind in enumerate(ranked):
            if k and clusters[-1]:
                prev = abs(ranked[k - 1].value) if math.isfinite(ranked[k - 1].value) else 0.0
                cur = abs(ind.value) if math.isfinite(ind.value) else 0.0
                if cur > 0 and prev > PANEL_RATIO * cur:
                    clusters.append([])
            clusters[-1].append(ind)
        for cluster in clusters:
            ordered = [i for i in members if i in cluster]
            shared = {i.area for i in ordered}
            where = areas.get(next(iter(shared)), "") if len(shared) == 1 else ""
            title = f"{where}（{unit}）" if where else f"单位：{unit}"
            panels.append(
                (title, tuple(Row(i.id, row_label(i), i.value, _printed(i)) for i in ordered))
            )
    return panels
