"""Define the immutable values a loaded dataset consists of; `load` builds them, every later stage
reads them.

Nothing here parses YAML or draws anything. Raw dicts never travel past `load`: every stage gets
these frozen dataclasses. Numbers keep the precision they were printed with (`decimals`), because a
figure stated as 99.9% is only known to ±0.05 points and the verification stage must know that.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

Qualifier = Literal["exact", "approx", "more_than", "at_least", "nearly", "over"]
"""How the report hedges a figure: exact; 约 (approx); 余/多 (more_than); 以上 (at_least);
近 (nearly: a little below); 超过 (over: strictly more, no upper bound)."""

QUALIFIERS: tuple[str, ...] = ("exact", "approx", "more_than", "at_least", "nearly", "over")

IndicatorKind = Literal["count", "rate", "change"]
"""count: a number of things (件, 次, 人 …); rate: a share in percent (0–100);
change: a year-on-year change in percent (signed: negative is a fall)."""

INDICATOR_KINDS: tuple[str, ...] = ("count", "rate", "change")

PeriodKind = Literal["year", "months", "to_date"]

BUILTIN_CHART_KINDS: tuple[str, ...] = (
    "bar",
    "hbar",
    "diverging",
    "part_of_whole",
    "rate",
    "before_after",
    "trend",
    "small_multiples",
)
CHART_ENTRY_POINT_GROUP = "briefing.charts"
"""Entry point group other packages register chart kinds under (see docs/charts.md)."""


@functools.cache
def plugin_chart_kinds() -> tuple[str, ...]:
    """Names of chart kinds other installed packages register (read from package metadata, not
    imported).
    """
    from importlib.metadata import entry_points

    return tuple(
        sorted(
            {ep.name for ep in entry_points(group=CHART_ENTRY_POINT_GROUP)}
            - set(BUILTIN_CHART_KINDS)
        )
    )


def chart_kinds() -> tuple[str, ...]:
    """Every chart kind a dataset may name."""
    return BUILTIN_CHART_KINDS + plugin_chart_kinds()


CHART_KINDS = BUILTIN_CHART_KINDS
RELATION_KINDS: tuple[str, ...] = ("rate", "total", "subset", "same", "change")
# The words every document and the CLI print for a verification status: one list, so that the
# briefing, the report and `briefing check` call the same finding the same thing.
STATUS_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "consistent": "一致",
        "inconsistent": "不一致",
        "cannot_tell": "无法核对",
        "derived": "推算",
    }
)

BRIEFING_BLOCKS: tuple[str, ...] = (
    "masthead",
    "headlines",
    "charts",
    "achievements",
    "findings",
    "shortcomings",
    "plans",
    "footer",
)


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value sits in its source file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A field a draft has yet to finish: a `# REVIEW` mark or a placeholder, and where it is."""

    field: str
    location: Location
    what: str


@dataclass(frozen=True, slots=True)
class Period:
    """The time a figure covers: a whole year, a span of months, or the year up to the report."""

    kind: PeriodKind
    year: int
    start_month: int = 1
    end_month: int = 12

    @property
    def text(self) -> str:
        """The period as a reader sees it, e.g. 2024年, 2024年1—11月, 2024年（截至报告时）."""
        if self.kind == "year":
            return f"{self.year}年"
        if self.kind == "months":
            if self.start_month == self.end_month:
                return f"{self.year}年{self.start_month}月"
            return f"{self.year}年{self.start_month}—{self.end_month}月"
        return f"{self.year}年（截至报告时）"

    @property
    def code(self) -> str:
        """The period as written in a dataset: 2024, 2024-01..2024-11 or 2024-to-date."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "months":
            return f"{self.year}-{self.start_month:02d}..{self.year}-{self.end_month:02d}"
        return f"{self.year}-to-date"


@dataclass(frozen=True, slots=True)
class Change:
    """A year-on-year change the report states (同比增长/下降 N% or N个百分点)."""

    direction: Literal["up", "down"]
    value: float
    decimals: int
    unit: Literal["%", "个百分点"] = "%"

    @property
    def signed(self) -> float:
        return self.value if self.direction == "up" else -self.value

    @property
    def text(self) -> str:
        verb = "增长" if self.direction == "up" else "下降"
        if self.unit == "个百分点":
            verb = "提高" if self.direction == "up" else "降低"
        return f"同比{verb}{format_number(self.value, self.decimals)}{self.unit}"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One figure of the report, with everything needed to print it as stated and to check it."""

    id: str
    label: str
    value: float
    decimals: int
    unit: str
    kind: IndicatorKind
    qualifier: Qualifier
    period: Period
    area: str
    source: str
    change: Change | None = None
    prior: float | None = None
    headline: bool = False
    note: str | None = None
    location: Location | None = None
    code: str | None = None  # the catalogue code (`review.received`) this figure is an instance of

    @property
    def printed(self) -> str:
        """The figure in the report's own wording: 1313件, 91%以上, 300余件, 2万余人次,
        同比下降51.21%.
        """
        return printed_figure(self.value, self.decimals, self.unit, self.kind, self.qualifier)

    @property
    def printed_with_change(self) -> str:
        if self.change is None:
            return self.printed
        return f"{self.printed}（{self.change.text}）"


@dataclass(frozen=True, slots=True)
class Area:
    """A work area of part one (一（一）…一（六）) with the summaries the documents print."""

    id: str
    title: str
    source: str
    summary: str
    achievement: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A shortcoming (part two) or a plan for next year (part three)."""

    id: str
    title: str
    source: str
    summary: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A term the report explains, its definition and other spellings of it."""

    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart the dataset asks for: which indicators, drawn how, and where it appears."""

    id: str
    kind: str
    title: str
    indicators: tuple[str, ...]
    note: str | None = None
    briefing: bool = True
    area: str | None = None
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation the report implies between indicators, checked by the verification stage.

    rate:   rate ≈ part ÷ whole × 100 (whole may be absent: the implied denominator is derived)
    total:  total = sum(parts)
    subset: sum(parts) ≤ whole
    same:   every indicator in `ids` states the same quantity
    change: the change stated on `current` matches `prior` (an indicator or the stated prior value)
    """

    id: str
    kind: str
    ids: tuple[str, ...] = ()
    part: str | None = None
    whole: str | None = None
    rate: str | None = None
    total: str | None = None
    parts: tuple[str, ...] = ()
    current: str | None = None
    prior: str | None = None
    note: str | None = None
    location: Location | None = None

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        named = (self.part, self.whole, self.rate, self.total, self.current, self.prior)
        return tuple(dict.fromkeys([*self.ids, *self.parts, *(i for i in named if i)]))


@dataclass(frozen=True, slots=True)
class Meta:
    """Who issued the report, for which district and year, and when."""

    district: str
    city: str
    province: str
    year: int
    title: str
    issuers: tuple[str, ...]
    date: _dt.date
    source_document: str
    short_name: str
    copy_number: str | None = None
    classification: str | None = None
    marking: str | None = None
    previous: str | None = None  # the previous year's dataset file, relative to this one

    @property
    def area_key(self) -> tuple[str, str, str]:
        """Which county or district the report is about: datasets with one key form a series."""
        return (self.province, self.city, self.district)


@dataclass(frozen=True, slots=True)
class BriefingOptions:
    """How the one-page briefing fits: which blocks go first when space runs out."""

    drop_order: tuple[str, ...] = ("charts", "plans", "shortcomings", "achievements")
    max_headlines: int = 8


@dataclass(frozen=True, slots=True)
class Dataset:
    """A whole validated dataset file: its metadata, areas, indicators, relations, charts."""

    path: str
    sha256: str
    meta: Meta
    areas: tuple[Area, ...]
    indicators: tuple[Indicator, ...]
    shortcomings: tuple[Item, ...]
    plans: tuple[Item, ...]
    glossary: tuple[GlossaryEntry, ...]
    charts: tuple[Chart, ...]
    relations: tuple[Relation, ...]
    briefing: BriefingOptions = BriefingOptions()
    # Every text field of the file with where it is: (field path, text, location), for the font
    # coverage check and any later message that must point into the file.
    texts: tuple[tuple[str, str, Location], ...] = ()
    # The file's `# REVIEW` comments (see briefing.drafts): while any remain, it is a draft.
    review_marks: tuple[Unfinished, ...] = ()
    # The same district's datasets of earlier years, oldest first (`series.load_series` attaches
    # them from `meta.previous`): trend charts and year-on-year checks read them.
    earlier: tuple[Dataset, ...] = ()
    _by_id: Mapping[str, Indicator] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({i.id: i for i in self.indicators}))

    def __reduce__(self) -> tuple[type[Dataset], tuple[object, ...]]:
        # The index is a mappingproxy, which pickle refuses; it is rebuilt from the fields, so a
        # dataset validated in one process can be rendered in another.
        return (
            Dataset,
            tuple(getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")),
        )

    def indicator(self, ident: str) -> Indicator:
        return self._by_id[ident]

    def has_indicator(self, ident: str) -> bool:
        return ident in self._by_id

    def area(self, ident: str) -> Area:
        for a in self.areas:
            if a.id == ident:
                return a
        raise KeyError(ident)

    def indicators_in(self, area_id: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.area == area_id)

    @property
    def headlines(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.headline)

    @property
    def previous_year(self) -> Dataset | None:
        """The earlier dataset of exactly the year before, if the series has one."""
        return next((d for d in self.earlier if d.meta.year == self.meta.year - 1), None)

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


def decimal_text(value: float) -> Decimal:
    """The figure as the dataset wrote it, as an exact Decimal.

    The loader accepts only figures whose shortest float repr gives back their written digits (at
    most 15 significant digits), so repr() is the decimal text, not the binary approximation that
    formatting the float itself would print (12345678901.123455 for …123456).
    """
    return Decimal(repr(value))


def format_number(value: float, decimals: int) -> str:
    """Digits as Chinese official documents print them: no thousands separator, fixed decimals."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("cannot format a non-finite number")
    return f"{decimal_text(value):.{decimals}f}"


def magnitude(value: float, decimals: int) -> str:
    """The number part of a printed figure: digits, or N万 for round multiples of 1 000 from 10
    000.
    """
    # 20000 → 2万, 15000 → 1.5万; below 10 000, or not a round multiple of 1 000, print digits.
    if decimals == 0 and abs(value) >= 10000 and value % 1000 == 0:
        return f"{(decimal_text(value) / 10000).normalize():f}万"
    return format_number(value, decimals)


def printed_figure(value: float, decimals: int, unit: str, kind: str, qualifier: str) -> str:
    """Compose value, qualifier and unit the way Chinese reports word them."""
    if kind == "change":
        verb = "增长" if value >= 0 else "下降"
        body = f"同比{verb}{format_number(abs(value), decimals)}{unit}"
    else:
        number = magnitude(value, decimals)
        body = f"{number}余{unit}" if qualifier == "more_than" else f"{number}{unit}"
    if qualifier == "approx":
        return "约" + body
    if qualifier == "at_least":
        return body + "以上"
    if qualifier == "nearly":
        return "近" + body
    if qualifier == "over":
        return "超过" + body
    return body
