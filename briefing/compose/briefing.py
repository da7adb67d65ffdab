"""Turn a validated Dataset and its verification Findings into the one-page leadership briefing as
PDF bytes.

The page, in reading order: masthead (marking lines top left of the type area as GB/T 9704 places
份号/密级, title, who and when), headline figure tiles, two or three charts, one line of results
per work area, the 数据核验 box, shortcomings, next year's plans, and a footer with source, date,
dataset hash and page number.

It is always exactly one A4 page, and it adapts to how much the dataset holds. Blocks are measured
before anything is drawn. A sparse dataset gets the roomiest level that fits (larger type, bigger
figures and charts); when that still leaves the page short, the charts grow and the space between
blocks opens up (`fill_page`), so a handful of figures does not float at the top of an empty page.
When blocks do not fit, the layout gives ground in a fixed order (see `LEVELS` and `fit_layout`):
first spacing, then chart height, then type size (never below 8 pt text / 7 pt chart labels), then
the optional verification lines, then whole blocks in the dataset's `briefing.drop_order`. A large
dataset is selected from, never crammed: at most `max_headlines` figures, `MAX_CHARTS` charts and
`MAX_FINDING_LINES` findings are shown. If even that fails it raises `LayoutOverflowError` saying
what to cut. Nothing is clipped and nothing spills.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar

from briefing._reportlab import Flowable, mm, stringWidth

from ..background import prefetch
from ..charts import chart_style, draw_chart, short_period
from ..charts.style import Density
from ..errors import LayoutOverflowError
from ..fonts import face_for, register_reportlab
from ..i18n import _
from ..model import STATUS_WORDS, Chart, Dataset, Indicator
from ..render import PRESETS, CJKParagraph, Span, TextStyle
from ..render.output import CHINA_TIME, CanvasMaker, Composed, PdfMeta, document_date
from ..render.output import render as render_output
from ..render.styles import (
    ACCENT,
    LEGIBLE_CHART_PT,
    LEGIBLE_TEXT_PT,
    make_one_page_stylesheet,
    scaled,
    smaller,
)
from .layout import Columns, Framed, Rule, Stack, VSpace
from .request import Request

# ---------------------------------------------------------------------------------------------
# Page and palette

# The page is the registry's "briefing" preset (render.pages): its type area, named here once.
PRESET = PRESETS["briefing"]
PAGE_W, PAGE_H = PRESET.page_width_pt, PRESET.page_height_pt
_AREA = PRESET.type_area(1)
MARGIN_TOP = PAGE_H - _AREA.top
MARGIN_BOTTOM = _AREA.y
MARGIN_LEFT = _AREA.x  # the stapled edge of a meeting handout
MARGIN_RIGHT = PAGE_W - _AREA.right
TYPE_W = _AREA.width
TYPE_H = _AREA.height

TEXT_FLOOR_PT = LEGIBLE_TEXT_PT
CHART_FLOOR_PT = LEGIBLE_CHART_PT

#: Every text role of the page, from the one style table, on the preset's body grid; each fit
#: level scales it (`Fit.styles`).
STYLES = make_one_page_stylesheet(PRESET.body_size_pt, PRESET.body_leading_pt)

RED = "#b4141b"  # the masthead rule, as on an official document's 版头; prints dark grey
HAIRLINE = "#9a9a9a"
BOX_FILL = "#f2f4f6"
BOX_BORDER_PT = 0.6

# Between items on one line. The typesetter folds runs of ASCII whitespace into one space and
# keeps a full-width space (U+3000) at its em; a middle dot marks the break between items.
SEP = " · "

MAX_CHARTS = 3
MAX_FINDING_LINES = 6

BLOCK_TITLES = {
    "achievements": "工作成效",
    "shortcomings": "存在不足",
    "plans": "下一步工作",
    "findings": "数据核验",
}
STATUS_RANK = {"inconsistent": 0, "cannot_tell": 1, "derived": 2}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class FindingLike(Protocol):
    """What the briefing reads from a verification Finding."""

    @property
    def status(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def message(self) -> str: ...


# ---------------------------------------------------------------------------------------------
# Fitting levels


@dataclass(frozen=True, slots=True)
class Fit:
    """One step of tightening: the scale of the style table and every other measure of the layout.

    `text` scales the text roles (1 = the preset's 10 pt body), `display` the title and headline
    figures, which give ground faster; `spacing` is running text's leading over its size. No
    role goes under its floor in the table (8 pt text, 7 pt chart labels).
    """

    name: str
    text: float
    display: float
    spacing: float
    block_gap_pt: float
    chart_density: Density
    chart_notes: bool

    @property
    def styles(self) -> Mapping[str, TextStyle]:
        return _level_styles(self.text, self.display, self.spacing)

    @property
    def body_pt(self) -> float:
        return self.styles["body"].size_pt

    @property
    def leading(self) -> float:
        return self.spacing

    @property
    def title_pt(self) -> float:
        return self.styles["title"].size_pt

    @property
    def chart_label_pt(self) -> float:
        return self.styles["chart_label"].size_pt


@functools.lru_cache(maxsize=32)
def _level_styles(text: float, display: float, spacing: float) -> Mapping[str, TextStyle]:
    return scaled(STYLES, text, display, spacing)


LEVELS: tuple[Fit, ...] = (
    Fit("ample", 1.2, 1.4, 1.7, 16.0, "roomy", True),
    Fit("roomy", 1.1, 1.25, 1.62, 14.0, "roomy", True),
    Fit("spacious", 1.05, 1.12, 1.58, 12.0, "roomy", True),
    Fit("normal", 1.0, 1.0, 1.55, 11.0, "normal", True),
    Fit("tighter spacing", 1.0, 0.95, 1.42, 7.0, "normal", True),
    Fit("compact charts", 1.0, 0.95, 1.42, 7.0, "compact", True),
    Fit("tight charts", 1.0, 0.9, 1.38, 6.0, "tight", False),
    Fit("9.5 pt text", 0.95, 0.87, 1.38, 6.0, "tight", False),
    Fit("9 pt text", 0.9, 0.82, 1.36, 5.0, "tight", False),
    Fit("8.5 pt text", 0.85, 0.77, 1.34, 5.0, "tight", False),
    Fit("8 pt text", 0.8, 0.74, 1.32, 4.0, "tight", False),
)

ROOMY_LEVELS = 3
"""The first levels give a sparse page room; the rest only give ground."""
TIGHTENING: tuple[Fit, ...] = LEVELS[ROOMY_LEVELS:]
"""From the normal level down: for pages that should never grow past the normal sizes."""

FindingsExtent = tuple[tuple[str, ...], int]  # (statuses shown, most lines)
EXTENTS: tuple[FindingsExtent, ...] = (
    (("inconsistent", "cannot_tell", "derived"), MAX_FINDING_LINES),
    (("inconsistent",), MAX_FINDING_LINES),
    (("inconsistent",), 3),
)


# How much of the findings a trial shows: this briefing's `FindingsExtent`, or another one-page
# document's own (the comparison page), which fits by the same Attempt and Layout.
E = TypeVar("E")


@dataclass(frozen=True, slots=True)
class Attempt(Generic[E]):
    fit: Fit
    extent: E
    dropped: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Text helpers: every string on the page goes through CJKParagraph


def _width(text: str, style: TextStyle) -> float:
    """The advance of `text` on one line in `style`'s face and size (no tracking)."""
    return stringWidth(text, face_for(style.role, style.bold), style.size_pt)


def _para(content: str | Sequence[Span], style: TextStyle) -> CJKParagraph:
    return CJKParagraph(content, style)


def _date_cn(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def generation_date(dataset: Dataset) -> dt.date:
    """The date printed as 'generated': SOURCE_DATE_EPOCH when set, else the dataset's date — never
    the clock.

    The same instant the PDF metadata carries, as a calendar day in China Standard Time.
    """
    return document_date(dataset.meta.date).astimezone(CHINA_TIME).date()


# ---------------------------------------------------------------------------------------------
# Blocks


@dataclass(slots=True)
class Ctx:
    dataset: Dataset
    findings: Sequence[FindingLike]
    fit: Fit
    extent: FindingsExtent

    @property
    def styles(self) -> Mapping[str, TextStyle]:
        return self.fit.styles

    @property
    def body(self) -> TextStyle:
        return self.styles["body"]

    def heading(self, text: str) -> Flowable:
        para = _para(text, self.styles["h1"])
        return Stack([para, Rule(0.5, HAIRLINE, height_pt=4.0)])


def masthead(c: Ctx) -> Flowable:
    meta = c.dataset.meta
    mark_style = c.styles["marking"]
    # GB/T 9704: 份号 on the first line of the type area, 密级 on the second, flush left; the
    # handout marking (内部资料 注意保存) takes the next line in the same face.
    marks = [m for m in (meta.copy_number, meta.classification, meta.marking) if m]
    left: Flowable = (
        Stack([_para(m, mark_style) for m in marks]) if marks else VSpace(mark_style.leading_pt)
    )
    kicker = _para("一页纸简报", c.styles["kicker"])
    top = Columns([left, kicker], [TYPE_W * 0.6, TYPE_W * 0.4])
    title = _para(meta.title, c.styles["title"])
    who = "、".join(meta.issuers)
    sub = SEP.join([f"{meta.city}{meta.district}", f"{meta.year}年度", who, _date_cn(meta.date)])
    subline = _para(sub, c.styles["subtitle"])
    return Stack(
        [top, VSpace(2.0), title, VSpace(1.0), subline, VSpace(3.0), Rule(1.4, RED, height_pt=3.0)]
    )


# A sparse report's page would be mostly white with its one or two headline figures: below this
# many tiles, the other figures join them in the dataset's order (never past max_headlines).
MIN_TILES = 4


def headline_indicators(dataset: Dataset) -> tuple[Indicator, ...]:
    """The figures shown as tiles: the headline ones, topped up from the rest when there are few."""
    limit = dataset.briefing.max_headlines
    chosen = dataset.headlines[:limit]
    if len(chosen) < min(MIN_TILES, limit):
        others = [i for i in dataset.indicators if not i.headline]
        chosen = chosen + tuple(others[: min(MIN_TILES, limit) - len(chosen)])
    return chosen


def _tile_columns(n: int) -> int:
    if n <= 4:
        return max(n, 1)
    return 3 if n in (5, 6, 9) else 4


def _tile_meta(ind: Indicator) -> list[str]:
    parts = []
    when = short_period(ind.period)
    if when:
        parts.append(when)
    if ind.change is not None:
        parts.append(ind.change.text)
    return parts


TILE_PAD = (1.5, 4.0, 1.5, 5.0)
TILE_ACCENT_PT = 2.0
TILE_GAP = 8.0


@dataclass(slots=True)
class _Tile:
    """The paragraphs of one headline tile, made once and measured at trial widths."""

    figure: CJKParagraph
    label: CJKParagraph
    meta_joined: CJKParagraph | None
    meta_parts: list[CJKParagraph]

    def meta(self, inner: float) -> list[CJKParagraph]:
        """Period and change on one line if they fit, else one line each (never broken inside
        同比增长).
        """
        if self.meta_joined is None:
            return []
        if _line_count(self.meta_joined, inner) == 1:
            return [self.meta_joined]
        return self.meta_parts

    def lines(self, inner: float) -> tuple[int, int]:
        """(text lines under the figure, 1 if the label ends in a one-character line else 0)."""
        n = _line_count(self.label, inner)
        last = _line_texts(self.label)[-1:] if n > 1 else []
        orphan = int(bool(last) and len(last[0]) <= 1)
        return n + sum(_line_count(p, inner) for p in self.meta(inner)), orphan


def _line_count(para: CJKParagraph, width: float) -> int:
    height = para.wrap(width, TYPE_H)[1]
    return max(1, round(height / para.style.leading_pt))


def _line_texts(para: CJKParagraph) -> list[str]:
    return [str(line.text) for line in para.lines]


def _tile_widths(
    rows: Sequence[Sequence[_Tile]],
    natural: Sequence[float],
    avail: float,
    chrome: float,
    label_widths: Sequence[Sequence[float]],
    label_pt: float,
) -> list[float]:
    """Column widths (each ≥ its natural width, summing to `avail`) that make the tile rows
    shortest.

    Each column may take its natural width or a width at which one of its labels fits on one or
    two lines; every affordable combination is scored by (rows' text lines — a row is as tall as
    its tallest tile —, one-character last lines, unevenness), measured at the candidate widths
    themselves so that each tile is set only a handful of times; the spare is then shared evenly,
    which can only save lines. The typesetter itself counts the lines.
    """
    cols = len(natural)
    candidates: list[list[float]] = []
    for j in range(cols):
        options = {round(natural[j], 2)}
        for widths in label_widths:
            if j < len(widths):
                for k in (1, 2):
                    options.add(round(max(natural[j], widths[j] / k + label_pt + chrome + 1.0), 2))
        candidates.append(sorted(o for o in options if o <= avail))
    memo: dict[tuple[int, int, float], tuple[int, int]] = {}

    def lines(r: int, j: int, width: float) -> tuple[int, int]:
        key = (r, j, round(width, 2))
        if key not in memo:
            memo[key] = rows[r][j].lines(width - chrome)
        return memo[key]

    best: tuple[tuple[int, int, float], tuple[float, ...]] | None = None
    for combo in itertools.product(*candidates):
        total = sum(combo)
        if total > avail + 1e-6:
            continue
        height = orphans = 0
        for r, row in enumerate(rows):
            counted = [lines(r, j, combo[j]) for j in range(len(row))]
            height += max(n for n, _ in counted)
            orphans += sum(o for _, o in counted)
        score = (height, orphans, round(max(combo) - min(combo), 3))
        if best is None or score < best[0]:
            best = (score, combo)
    if best is None:
        return [avail / cols] * cols
    spare = (avail - sum(best[1])) / cols
    return [w + spare for w in best[1]]


def headlines(c: Ctx) -> Flowable | None:
    inds = headline_indicators(c.dataset)
    if not inds:
        return None
    cols = _tile_columns(len(inds))
    chrome = TILE_PAD[1] + TILE_PAD[3] + TILE_ACCENT_PT
    avail = TYPE_W - TILE_GAP * (cols - 1)
    label_style = c.styles["figure_label"]
    label_pt = label_style.size_pt
    # Column widths follow the figures (a table, so rows stay aligned): the largest figure size
    # at which every figure sits on one line wins, and the space left goes where it saves lines.
    for fig_style in smaller(c.styles["figure"]):
        natural = [0.0] * cols
        for i, ind in enumerate(inds):
            fig = _width(ind.printed, fig_style)
            natural[i % cols] = max(natural[i % cols], fig + chrome + 1.0, label_pt * 5 + chrome)
        if sum(natural) <= avail:
            break
    else:  # at its floor, figures wrap inside equal columns rather than shrink further
        natural = [avail / cols] * cols
    meta_style = c.styles["figure_meta"]
    tiles = []
    for ind in inds:
        meta = _tile_meta(ind)
        tiles.append(
            _Tile(
                _para(ind.printed, fig_style),
                _para(ind.label, label_style),
                _para(SEP.join(meta), meta_style) if meta else None,
                [_para(m, meta_style) for m in meta],
            )
        )
    rows = [tiles[i : i + cols] for i in range(0, len(tiles), cols)]
    label_widths = [
        [_width(ind.label, label_style) for ind in inds[i : i + cols]]
        for i in range(0, len(inds), cols)
    ]
    widths = _tile_widths(rows, natural, avail, chrome, label_widths, label_pt)
    row_boxes: list[Flowable] = []
    for row in rows:
        boxes: list[Flowable] = []
        for j, tile in enumerate(row):
            parts: list[Flowable] = [tile.figure, tile.label, *tile.meta(widths[j] - chrome)]
            boxes.append(
                Framed(Stack(parts, gap_pt=0.5), TILE_PAD, accent=ACCENT, accent_pt=TILE_ACCENT_PT)
            )
        row_boxes.append(Columns(boxes, widths[: len(boxes)], gap_pt=TILE_GAP))
    return Stack(row_boxes, gap_pt=c.fit.block_gap_pt * 0.6)


def briefing_charts(dataset: Dataset) -> tuple[Chart, ...]:
    return tuple(ch for ch in dataset.charts if ch.briefing)[:MAX_CHARTS]


CHART_GAP = 14.0


def _chart_box(c: Ctx, chart: Chart, width: float, extra_pt: float = 0.0) -> Flowable:
    """A chart with its title (and note); `extra_pt` more height than its natural one goes to the
    chart.
    """
    title = _para(chart.title, c.styles["caption"])
    style = chart_style(c.fit.chart_density, c.styles["chart_label"].size_pt)
    drawn = draw_chart(c.dataset, chart, width_pt=width, style=style)
    if extra_pt > 0.5:
        drawn = draw_chart(
            c.dataset, chart, width_pt=width, style=style, height_pt=drawn.height + extra_pt
        )
    parts: list[Flowable] = [title, VSpace(2.0), drawn]
    if c.fit.chart_notes and chart.note:
        parts += [
            VSpace(2.0),
            _para(chart.note, c.styles["chart_note"]),
        ]
    return Stack(parts)


def _column_heights(
    c: Ctx,
    charts: Sequence[Chart],
    arrangement: tuple[tuple[int, ...], ...],
    width: float,
    boxes: dict[tuple[int, int], Flowable],
) -> list[float]:
    k = len(arrangement)
    out = []
    for col in arrangement:
        h = sum(boxes[i, k].wrap(width, TYPE_H)[1] for i in col) + 10.0 * (len(col) - 1)
        out.append(h)
    return out


def _arrangements(n: int) -> Iterator[tuple[tuple[int, ...], ...]]:
    """Ways to put n charts into columns, keeping their order within a column; widest first."""
    for k in range(n, 0, -1):
        seen: set[tuple[tuple[int, ...], ...]] = set()
        for labels in itertools.product(range(k), repeat=n):
            if set(labels) != set(range(k)):
                continue
            cols = [tuple(i for i in range(n) if labels[i] == j) for j in range(k)]
            cols.sort(key=lambda col: col[0])
            key = tuple(cols)
            if key not in seen:
                seen.add(key)
                yield key


def charts_block(c: Ctx, extra_pt: float = 0.0) -> Flowable | None:
    """The charts side by side in the arrangement that wastes least height; every column filled.

    A column shorter than the tallest would leave white space under its last chart: that chart
    is drawn taller instead (its rows spread, its bars thicken), so the columns end together.
    `extra_pt` makes the whole block that much taller when the page has room to spare.
    """
    charts = briefing_charts(c.dataset)
    if not charts:
        return None
    best: tuple[float, float, tuple[tuple[int, ...], ...]] | None = None
    # A chart set at one column width is the same box in every arrangement with that many columns.
    boxes: dict[tuple[int, int], Flowable] = {}
    for arrangement in _arrangements(len(charts)):
        k = len(arrangement)
        width = (TYPE_W - CHART_GAP * (k - 1)) / k
        for col in arrangement:
            for i in col:
                if (i, k) not in boxes:
                    boxes[i, k] = _chart_box(c, charts[i], width)
        heights = _column_heights(c, charts, arrangement, width, boxes)
        height = max(heights)
        waste = sum(height - h for h in heights) * width
        # Fewer columns must save real height (a tenth) to beat a wider arrangement; between
        # equally tall ones, the one leaving less white under its columns wins.
        if (
            best is None
            or height < best[0] * 0.9
            or (height <= best[0] * 1.05 and waste < best[1] * 0.5)
        ):
            best = (height, waste, arrangement)
    assert best is not None
    height, _, arrangement = best
    k = len(arrangement)
    width = (TYPE_W - CHART_GAP * (k - 1)) / k
    heights = _column_heights(c, charts, arrangement, width, boxes)
    columns: list[Flowable] = []
    for col, h in zip(arrangement, heights, strict=True):
        grow = height + extra_pt - h
        items = [
            boxes[i, k] if i != col[-1] or grow <= 0.5 else _chart_box(c, charts[i], width, grow)
            for i in col
        ]
        columns.append(Stack(items, gap_pt=10.0))
    return Columns(columns, [width] * k, gap_pt=CHART_GAP)


def _two_column_rows(c: Ctx, rows: Sequence[tuple[str, str]]) -> Flowable:
    head = c.styles["body_head"]
    body = c.body
    size = body.size_pt
    widest = max(_width(h, head) for h, _ in rows)
    head_w = min(widest + size * 0.5, TYPE_W * 0.3)
    gap = size
    return Stack(
        [
            Columns([_para(h, head), _para(t, body)], [head_w, TYPE_W - head_w - gap], gap_pt=gap)
            for h, t in rows
        ]
    )


def achievements(c: Ctx) -> Flowable | None:
    rows = [(a.title, a.achievement) for a in c.dataset.areas if a.achievement]
    if not rows:
        return None
    return Stack([c.heading(BLOCK_TITLES["achievements"]), VSpace(2.0), _two_column_rows(c, rows)])


def notable_findings(findings: Sequence[FindingLike], statuses: Sequence[str]) -> list[FindingLike]:
    """Findings worth a leader's attention, inconsistent first, most severe first, else in order."""
    chosen = [(i, f) for i, f in enumerate(findings) if f.status in statuses and f.message]
    chosen.sort(
        key=lambda p: (STATUS_RANK.get(p[1].status, 9), SEVERITY_RANK.get(p[1].severity, 9), p[0])
    )
    return [f for _, f in chosen]


def findings_block(c: Ctx) -> Flowable | None:
    statuses, most = c.extent
    everything = notable_findings(c.findings, tuple(STATUS_RANK))
    if not everything:
        return None
    shown = notable_findings(c.findings, statuses)[:most]
    line = c.styles["finding"]
    lines: list[Flowable] = [_para(BLOCK_TITLES["findings"], c.styles["box_title"])]
    tags = [f"【{STATUS_WORDS.get(f.status, f.status)}】" for f in shown]
    tag_style = c.styles["finding_tag"]
    # The tags hang in a column of their own so that wrapped messages align under each other.
    tag_w = max((_width(t, tag_style) for t in tags), default=0.0) + 1.0
    for tag, f in zip(tags, shown, strict=True):
        lines.append(
            Columns([_para(tag, tag_style), _para(f.message, line)], [tag_w, BOX_INNER_W - tag_w])
        )
    rest = len(everything) - len(shown)
    if rest > 0:
        lines.append(_para(f"另有{rest}项核验结果，详见完整报告。", c.styles["finding_more"]))
    return findings_box(lines)


BOX_PAD = (4.0, 6.0, 4.0, 6.0)  # top, right, bottom, left
BOX_INNER_W = TYPE_W - BOX_PAD[1] - BOX_PAD[3] - BOX_BORDER_PT * 2
"""The width inside the 数据核验 box."""


def findings_box(lines: Sequence[Flowable]) -> Flowable:
    """The 数据核验 box of a one-page document: its lines stacked in a shaded, ruled frame."""
    return Framed(
        Stack(list(lines), gap_pt=0.5),
        BOX_PAD,
        border=HAIRLINE,
        border_pt=BOX_BORDER_PT,
        fill=BOX_FILL,
    )


def _items(c: Ctx, name: str, items: Sequence[Any]) -> Flowable | None:
    if not items:
        return None
    style, head = c.body, c.styles["body_head"]
    lines = [
        _para([Span(it.title, bold=head.bold, role=head.role), Span("："), Span(it.summary)], style)
        for it in items
    ]
    return Stack([c.heading(BLOCK_TITLES[name]), VSpace(2.0), Stack(lines)])


def shortcomings(c: Ctx) -> Flowable | None:
    return _items(c, "shortcomings", c.dataset.shortcomings)


def plans(c: Ctx) -> Flowable | None:
    return _items(c, "plans", c.dataset.plans)


def footer(c: Ctx) -> Flowable:
    ds = c.dataset
    text = SEP.join(
        [
            f"据《{ds.meta.source_document}》整理",
            f"生成于{_date_cn(generation_date(ds))}",
            f"数据指纹 {ds.short_hash}",
        ]
    )
    return page_footer(text, c.styles)


def page_footer(text: str, styles: Mapping[str, TextStyle]) -> Flowable:
    """A one-page document's footer: a hairline, then `text` and the folio — 1 — on one line."""
    number = _para("— 1 —", styles["folio"])
    folio_w = _width("— 1 —", styles["folio"]) + 2.0
    return Stack(
        [
            Rule(0.4, HAIRLINE, height_pt=4.0),
            Columns(
                [_para(text, styles["footer"]), number],
                [TYPE_W - folio_w - 12.0, folio_w],
                gap_pt=12.0,
            ),
        ]
    )


BLOCKS: tuple[tuple[str, Callable[[Ctx], Flowable | None]], ...] = (
    ("headlines", headlines),
    ("charts", charts_block),
    ("achievements", achievements),
    ("findings", findings_block),
    ("shortcomings", shortcomings),
    ("plans", plans),
)


# ---------------------------------------------------------------------------------------------
# Fitting


@dataclass(frozen=True, slots=True)
class Layout(Generic[E]):
    """A fitted page: the flowables top to bottom with their heights, and the footer."""

    attempt: Attempt[E]
    blocks: tuple[tuple[str, Flowable, float], ...]
    footer: Flowable
    footer_h: float
    gap: float

    @property
    def used(self) -> float:
        return sum(h for _, _, h in self.blocks) + self.gap * len(self.blocks) + self.footer_h

    @property
    def fits(self) -> bool:
        """Whether the blocks and the footer fit the type area's height."""
        return self.used <= TYPE_H + 1e-6

    def placements(self) -> list[tuple[str, Flowable, float]]:
        """Each block (and the footer, last) with the PDF y of its bottom edge."""
        out = []
        y = PAGE_H - MARGIN_TOP
        for name, box, h in self.blocks:
            y -= h
            out.append((name, box, y))
            y -= self.gap
        out.append(("footer", self.footer, MARGIN_BOTTOM))
        return out

    def block_bands(self) -> dict[str, tuple[float, float]]:
        """Block name → (top, bottom) measured from the top of the page, as pdfplumber measures."""
        heights = {name: h for name, _, h in self.blocks} | {"footer": self.footer_h}
        return {name: (PAGE_H - y - heights[name], PAGE_H - y) for name, _, y in self.placements()}


def _measure(
    dataset: Dataset,
    findings: Sequence[FindingLike],
    attempt: Attempt[FindingsExtent],
    cache: dict[tuple[Any, ...], tuple[Flowable | None, float]],
) -> Layout[FindingsExtent]:
    c = Ctx(dataset, findings, attempt.fit, attempt.extent)

    def block(name: str, build: Callable[[Ctx], Flowable | None]) -> tuple[Flowable | None, float]:
        # A block depends on the level and, for the findings box, on the extent only: after a
        # drop the same blocks are measured again at the same levels, so they are reused.
        key = (name, attempt.fit, attempt.extent if name == "findings" else None)
        if key not in cache:
            box = build(c)
            cache[key] = (box, box.wrap(TYPE_W, TYPE_H)[1] if box is not None else 0.0)
        return cache[key]

    blocks: list[tuple[str, Flowable, float]] = []
    for name, build in (("masthead", masthead), *BLOCKS):
        if name in attempt.dropped:
            continue
        box, height = block(name, build)
        if box is not None:
            blocks.append((name, box, height))
    foot, foot_h = block("footer", footer)
    assert foot is not None
    return Layout(attempt, tuple(blocks), foot, foot_h, attempt.fit.block_gap_pt)


def fit_in_stages(
    measure: Callable[[Attempt[E]], Layout[E]],
    levels: Sequence[Fit],
    extents: Sequence[E],
    drop_order: Sequence[str],
) -> Layout[E]:
    """The first layout that fits, giving ground in stages; else the last stage's tightest.

    The stages: blocks dropped one more at a time in `drop_order`, and within each drop the
    `extents` in order. Within a stage the loosest of `levels` that fits is found by bisection
    (tighter levels never make a block taller), supposing the tightest fits: that one is only
    measured, and the stage given up, if every level tried on the way failed. A one-page document
    measures an `Attempt` with `measure`; the caller checks `Layout.fits` of what comes back.
    """
    last: Layout[E] | None = None
    for k in range(len(drop_order) + 1):
        dropped = tuple(drop_order[:k])
        for extent in extents:
            lo, hi = 0, len(levels) - 1
            best: Layout[E] | None = None
            while lo < hi:
                mid = (lo + hi) // 2
                layout = measure(Attempt(levels[mid], extent, dropped))
                if layout.fits:
                    hi, best = mid, layout
                else:
                    lo = mid + 1
            if best is None:
                best = measure(Attempt(levels[-1], extent, dropped))
            if best.fits:
                return best
            last = best
    if last is None:
        raise ValueError("fit_in_stages needs at least one extent")
    return last


def _extents(findings: Sequence[FindingLike]) -> list[FindingsExtent]:
    """The findings extents that show different lines, most generous first."""
    out: list[FindingsExtent] = []
    seen: set[tuple[int, ...]] = set()
    for extent in EXTENTS:
        statuses, most = extent
        shown = tuple(id(f) for f in notable_findings(findings, statuses)[:most])
        if shown not in seen:
            seen.add(shown)
            out.append(extent)
    return out


def fit_layout(dataset: Dataset, findings: Sequence[FindingLike]) -> Layout[FindingsExtent]:
    """The most generous layout that fits one page, or LayoutOverflowError naming what to cut.

    Ground is given in stages (`fit_in_stages`): blocks dropped in `drop_order`, and within each
    stage the optional verification lines; within a stage the loosest of `LEVELS` that fits.
    Only a layout that was measured to fit is returned.
    """
    register_reportlab()
    drop_order = tuple(b for b in dataset.briefing.drop_order if b in dict(BLOCKS))
    cache: dict[tuple[Any, ...], tuple[Flowable | None, float]] = {}
    layout = fit_in_stages(
        lambda attempt: _measure(dataset, findings, attempt, cache),
        LEVELS,
        _extents(findings),
        drop_order,
    )
    if layout.fits:
        return fill_page(dataset, findings, layout)
    raise LayoutOverflowError(_overflow_message(dataset, layout))


CHART_GROWTH = 0.6
"""A page with room to spare draws its charts up to this share taller than their natural height."""
GAP_GROWTH = 2.0
"""... and opens the space between blocks by up to this many times the level's gap."""


def fill_page(
    dataset: Dataset, findings: Sequence[FindingLike], layout: Layout[FindingsExtent]
) -> Layout[FindingsExtent]:
    """Give a page that does not fill its type area the room: taller charts, then wider gaps.

    Half of the spare height (at most `CHART_GROWTH` of their own) goes to the charts, whose rows
    spread and bars thicken; what is left opens the gaps between blocks (at most `GAP_GROWTH`
    more each). Whatever remains stays below the last block, above the footer.
    """
    spare = TYPE_H - layout.used
    if spare < 1.0:
        return layout
    blocks = list(layout.blocks)
    names = [name for name, _, _ in blocks]
    if "charts" in names:
        c = Ctx(dataset, findings, layout.attempt.fit, layout.attempt.extent)
        i = names.index("charts")
        _, _, height = blocks[i]
        extra = min(spare * 0.5, height * CHART_GROWTH)
        grown = charts_block(c, extra)
        if grown is not None:
            new_h = grown.wrap(TYPE_W, TYPE_H)[1]
            if 0 < new_h - height <= spare:
                blocks[i] = ("charts", grown, new_h)
                spare -= new_h - height
    gap = layout.gap + min(spare / max(len(blocks), 1), layout.gap * GAP_GROWTH)
    return replace(layout, blocks=tuple(blocks), gap=gap)


def _overflow_message(dataset: Dataset, layout: Layout[FindingsExtent]) -> str:
    over_mm = (layout.used - TYPE_H) / mm
    sizes = sorted(((h, n) for n, _, h in layout.blocks), reverse=True)
    biggest = ", ".join(f"{n} {h / mm:.0f} mm" for h, n in sizes[:3])
    dropped = ", ".join(layout.attempt.dropped) or _("no block")
    keep = [n for n, _, _ in layout.blocks if n not in ("masthead", "headlines")]
    advice = [
        _(
            "fewer headline figures (briefing.max_headlines is {most}; "
            "{count} indicators have headline: true)"
        ).format(most=dataset.briefing.max_headlines, count=len(dataset.headlines))
    ]
    undroppable = [n for n in keep if n not in layout.attempt.dropped]
    if undroppable:
        advice.append(
            _("add {blocks} to briefing.drop_order").format(blocks=", ".join(undroppable))
        )
    advice.append(
        _("shorten the longest texts (area achievements, shortcoming and plan summaries)")
    )
    return _(
        "{path}: the briefing does not fit one A4 page: {over:.0f} mm too long at the tightest "
        "setting ({text:g} pt text, {chart:g} pt chart labels) after dropping {dropped}; "
        "largest blocks: {biggest}. Cut: {advice}"
    ).format(
        path=dataset.path,
        over=over_mm,
        text=TEXT_FLOOR_PT,
        chart=CHART_FLOOR_PT,
        dropped=dropped,
        biggest=biggest,
        advice=_("; or ").join(advice),
    )


# ---------------------------------------------------------------------------------------------
# Drawing


def pdf_meta(dataset: Dataset) -> PdfMeta:
    m = dataset.meta
    return PdfMeta(
        title=f"{m.title}（一页纸简报）",
        author="、".join(m.issuers),
        subject=f"{m.province}{m.city}{m.district}{m.year}年度法治政府建设情况一页纸简报",
        keywords=("法治政府建设", "年度报告", "简报", m.district, f"{m.year}年"),
        day=m.date,
    )


def draw_layout(layout: Layout[E], make_canvas: CanvasMaker) -> bytes:
    """Draw a fitted one-page layout on one A4 page: the PDF bytes."""
    buf = io.BytesIO()
    body = layout.attempt.fit.styles["body"]
    canv = make_canvas(
        buf,
        pagesize=(PAGE_W, PAGE_H),
        initialFontName=face_for(body.role, body.bold),
        initialFontSize=body.size_pt,
    )
    for _name, box, y in layout.placements():
        box.drawOn(canv, MARGIN_LEFT, y)
    canv.showPage()
    canv.save()
    return buf.getvalue()


def compose(request: Request) -> Composed:
    """The registry's compose function: fit the page now, draw it when the output step asks."""
    dataset = request.dataset
    layout = fit_layout(dataset, request.dataset_findings)
    prefetch(box for _name, box, _h in layout.blocks)
    return Composed(pdf_meta(dataset), lambda make_canvas: (draw_layout(layout, make_canvas), 1))


def render_briefing(
    dataset: Dataset, findings: Sequence[FindingLike], *, pdfa: bool = True
) -> tuple[bytes, int]:
    """The one-page briefing of `dataset` as PDF bytes, and its page count (always 1)."""
    return render_output(compose(Request.one(dataset, findings, PRESET)), archival=pdfa)


__all__ = [
    "LEVELS",
    "Fit",
    "Layout",
    "compose",
    "fill_page",
    "fit_layout",
    "generation_date",
    "render_briefing",
]
