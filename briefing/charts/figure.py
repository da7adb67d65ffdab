"""Turn a chart (a drawing function and a printed size) into a fixed-size Flowable that matplotlib
draws onto the page.

`ChartFlowable` is what compose modules place: its size is known without matplotlib (the kinds
measure themselves with the typesetting layer), and only when the page is drawn (or before, in
the build's helper process: `briefing.background`) is a matplotlib Figure built — no pyplot, no
auto-layout pass, ticks and limits set by the kind — and rendered through `RendererReportLab` into
a recording of canvas calls, which the page replays into its content stream (`charts.recording`).

Creating an Axes (and its ticks) is most of matplotlib's cost for a small chart, so the built-in
kinds, which set every limit, tick and visibility they use, draw on pooled figures: after a chart
is rendered its artists are removed and the figure waits for the next chart of the same theme.
Because those kinds set every limit, their axes skip the data limits matplotlib would work out for
each bar added, and the theme is put in force key by key rather than by `rc_context`'s copy and
re-validation of every setting. Third-party kinds always get a fresh figure and `rc_context`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from briefing._reportlab import Flowable

from .recording import Recording, replay
from .style import STYLE_FILE, ChartStyle

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

DrawOnAxes = Callable[[Any], None]
# A chart as another process draws it: width and height (pt), style, drawing function.
Job = tuple[float, float, ChartStyle, DrawOnAxes]


@cache
def theme_rc() -> dict[str, Any]:
    """The style file as matplotlib settings (read once per process)."""
    import matplotlib

    params: Any = matplotlib.rc_params_from_file(str(STYLE_FILE), use_default_template=False)
    return dict(params)


def _rc(style: ChartStyle) -> Any:
    return {**theme_rc(), **style.rc()}


@cache
def _validated_theme(style: ChartStyle) -> tuple[tuple[str, Any], ...]:
    """The theme's settings for `style`, validated once (as `rc_context` would, every time)."""
    from matplotlib import RcParams

    return tuple(dict.items(RcParams(_rc(style))))


@contextmanager
def _themed(style: ChartStyle) -> Iterator[None]:
    """The theme in force while a built-in kind draws, and matplotlib's settings as they were after.

    The effect of `rc_context(_rc(style))` for the keys the theme sets, through the settings'
    raw accessors (`_get`/`_set`, which matplotlib keeps stable): the built-in kinds change no
    setting themselves, so there is nothing else to restore.
    """
    import matplotlib

    params: Any = matplotlib.rcParams
    theme = _validated_theme(style)
    saved = [(key, params._get(key)) for key, _ in theme]
    for key, value in theme:
        params._set(key, value)
    try:
        yield
    finally:
        for key, value in saved:
            params._set(key, value)


def _no_data_limits(patch: Any) -> None:
    """Stands in for `Axes._update_patch_limits` on pooled axes (their kinds set every limit)."""


def _fixed_limits(ax: Any) -> Any:
    # Most of the cost of `bar`/`barh` is the data limits worked out from every patch added;
    # pooled axes show the limits their kind sets, so those are never read.
    ax._update_patch_limits = _no_data_limits
    return ax


def build_figure(width: float, height: float, style: ChartStyle, draw: DrawOnAxes) -> Any:
    """A matplotlib Figure of the printed size with one Axes, drawn on by `draw` under the theme."""
    from .backend import FigureCanvasReportLab  # first: it imports matplotlib the quick way

    import matplotlib  # isort: skip
    from matplotlib.figure import Figure  # isort: skip

    with matplotlib.rc_context(_rc(style)):
        fig = Figure(figsize=(width / 72.0, height / 72.0), dpi=72)
        FigureCanvasReportLab(fig)
        fig.briefing_style = style  # type: ignore[attr-defined]
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        draw(ax)
    return fig


def record_figure(fig: Any, style: ChartStyle) -> Recording:
    """`fig` rendered under the theme: the canvas calls that draw it."""
    import matplotlib

    with matplotlib.rc_context(_rc(style)):
        recording: Recording = fig.canvas.record()
    return recording


_POOL: dict[ChartStyle, list[tuple[Any, Any]]] = {}
# Axes of pooled figures that a chart added and `_reset` hid: the next chart that needs one more
# Axes takes one of these.
_SPARE: weakref.WeakSet[Axes] = weakref.WeakSet()


def _clear_axes(ax: Any) -> None:
    for artist in [*ax.patches, *ax.lines, *ax.texts, *ax.collections, *ax.images]:
        artist.remove()
    # `bar` keeps a BarContainer of its rectangles; left there, every chart drawn on the figure
    # stays alive with it, and each change of limits walks all their transforms (a chart cost
    # 2 ms more for every 10 drawn before it).
    ax.containers.clear()
    ax.set_position((0.0, 0.0, 1.0, 1.0))
    ax.xaxis.set_visible(True)
    ax.yaxis.set_visible(True)
    for side, spine in ax.spines.items():
        spine.set_visible(side == "bottom")
    ax.set_xticks([])
    ax.set_yticks([])


def _reset(fig: Any, ax: Any) -> None:
    """Return a pooled figure to the state `build_figure` leaves it in, keeping its Axes and ticks.

    Further Axes a chart added (the far side of a broken axis, small multiples' panels) stay too,
    hidden and marked spare: the next chart that needs one takes it (`spare_axes`) instead of
    building a new one.
    """
    _clear_axes(ax)
    ax.set_visible(True)
    for extra in fig.axes[1:]:
        _clear_axes(extra)
        extra.set_visible(False)
        _SPARE.add(extra)
    fig.texts.clear()
    fig.artists.clear()
    fig.lines.clear()
    fig.patches.clear()


def spare_axes(fig: Figure | SubFigure, rect: tuple[float, float, float, float]) -> Axes:
    """An Axes at `rect` (figure fractions): a pooled figure's spare one if it has one, else a new
    one.
    """
    for ax in fig.axes[1:]:
        if ax in _SPARE:
            _SPARE.discard(ax)
            ax.set_visible(True)
            ax.set_position(rect)
            return ax
    ax = fig.add_axes(rect)
    return _fixed_limits(ax) if getattr(fig, "briefing_pooled", False) else ax


def pooled_record(width: float, height: float, style: ChartStyle, draw: DrawOnAxes) -> Recording:
    """Draw a built-in chart on a pooled figure, record its rendering, and give the figure back."""
    pool = _POOL.setdefault(style, [])
    with _themed(style):
        if pool:
            fig, ax = pool.pop()
            fig.set_size_inches(width / 72.0, height / 72.0)
        else:
            fig = build_figure(width, height, style, lambda ax: None)
            fig.briefing_pooled = True
            ax = _fixed_limits(fig.axes[0])
        try:
            draw(ax)
            recording: Recording = fig.canvas.record()
        finally:
            _reset(fig, ax)
            pool.append((fig, ax))
    return recording


class ChartFlowable(Flowable):
    """A chart of fixed printed size; matplotlib draws it when the page is drawn (or before, in a
    helper process: `briefing.background`).

    What matplotlib renders is recorded once (`charts.recording`) and replayed onto each page the
    chart is drawn on.
    """

    def __init__(
        self,
        width: float,
        height: float,
        style: ChartStyle,
        draw: DrawOnAxes,
        name: str = "",
        pooled: bool = False,
    ) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.style = style
        self._draw_on_axes = draw
        self._figure: Any = None
        self._recording: Recording | None = None
        self.name = name
        self.pooled = pooled

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def figure(self) -> Any:
        """The matplotlib Figure, built on first use."""
        if self._figure is None:
            self._figure = build_figure(self.width, self.height, self.style, self._draw_on_axes)
        return self._figure

    def job(self) -> Job | None:
        """What another process needs to draw this chart, or None if only this one can.

        A built-in kind draws on a pooled figure with a drawing function that pickles
        (`charts.RowDrawing`, `charts.DeclaredDrawing`); a third-party kind's function need not.
        """
        if not self.pooled or self._recording is not None:
            return None
        return (self.width, self.height, self.style, self._draw_on_axes)

    def record(self) -> Recording:
        """The chart rendered in this process: the canvas calls that draw it."""
        if self.pooled:
            return pooled_record(self.width, self.height, self.style, self._draw_on_axes)
        return record_figure(self.figure(), self.style)

    def recording(self) -> Recording:
        """The chart's recording: made once, by the helper process if it has it, else here."""
        if self._recording is None:
            from ..background import take

            self._recording = take(self)
            if self._recording is None:
                self._recording = self.record()
        return self._recording

    def draw(self) -> None:
        replay(self.recording(), self.canv)

    def __repr__(self) -> str:
        return f"ChartFlowable({self.name!r}, {self.width:.1f}×{self.height:.1f} pt)"
