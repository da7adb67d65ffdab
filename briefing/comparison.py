"""Line several districts' Datasets up by catalogue code: a `Comparison` of columns, each saying
which figures can be ranked together and why the others cannot.

This is the pure half of the comparison pack (no drawing): the documents in
`compose/compare.py` only print what is decided here.

A column is one catalogue code. Each district's figure under that code is a `Cell`; a district
that does not carry the code has no cell, and the documents print it as missing. Figures are
ranked against each other only on one *basis*: the same unit and the same kind of period (the
whole year, the same span of months, or "to date"). The basis most districts report on is the
column's basis; a figure on another basis (件次 where the others count 件, 1—11月 where the others
give the year) is shown with its own wording and a note, and never ranked or charted with the rest.
A hedged figure (300余件, 91%以上) is ranked by the number it states, and the note says so.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .catalogue import IndicatorType, catalogue
from .errors import BriefingError, DatasetError, Problem
from .i18n import _
from .model import Dataset, Indicator, Period
from .verify import Finding

MIN_DATASETS = 2
MAX_DATASETS = 30

# How the hedge of a figure is named in a table: the word the report used.
HEDGE_WORD = {
    "exact": "",
    "approx": "约",
    "more_than": "余",
    "at_least": "以上",
    "nearly": "近",
    "over": "超过",
}


@dataclass(frozen=True, slots=True)
class District:
    """One dataset in the comparison, with the findings its own verification gave."""

    name: str
    dataset: Dataset
    findings: tuple[Finding, ...]

    @property
    def inconsistent(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == "inconsistent")


def period_basis(period: Period) -> str:
    """What a period covers, without its year: 全年, 1—11月, 截至报告时."""
    if period.kind == "year":
        return "全年"
    if period.kind == "to_date":
        return "截至报告时"
    if period.start_month == period.end_month:
        return f"{period.start_month}月"
    return f"{period.start_month}—{period.end_month}月"


@dataclass(frozen=True, slots=True)
class Cell:
    """One district's figure under one code, and whether it can be ranked with the column."""

    district: str
    indicator: Indicator
    comparable: bool
    why_not: str = ""  # when not comparable: 以件次计 / 统计期为1—11月 / 2023年数字

    @property
    def printed(self) -> str:
        return self.indicator.printed

    @property
    def hedge(self) -> str:
        return HEDGE_WORD.get(self.indicator.qualifier, "")

    @property
    def basis(self) -> tuple[str, str, int]:
        ind = self.indicator
        return (ind.unit, period_basis(ind.period), ind.period.year)


@dataclass(frozen=True, slots=True)
class Column:
    """One catalogue code across the districts: cells in district order, None where not reported."""

    entry: IndicatorType
    cells: tuple[Cell | None, ...]
    unit: str
    period: str
    year: int

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def reported(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c is not None)

    @property
    def comparable(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.reported if c.comparable)

    @property
    def others(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.reported if not c.comparable)

    @property
    def all_comparable(self) -> bool:
        return not self.others

    def missing(self, names: Sequence[str]) -> tuple[str, ...]:
        return tuple(n for n, c in zip(names, self.cells, strict=True) if c is None)

    def ranked(self) -> tuple[tuple[int, Cell], ...]:
        """The comparable cells, largest first, with competition ranks (equal figures share a
        rank).
        """
        cells = sorted(self.comparable, key=lambda c: -c.indicator.value)
        out: list[tuple[int, Cell]] = []
        for i, cell in enumerate(cells):
            if i and cell.indicator.value == cells[i - 1].indicator.value:
                out.append((out[-1][0], cell))
            else:
                out.append((i + 1, cell))
        return tuple(out)

    @property
    def basis_text(self) -> str:
        """The column's basis in words: 单位：件；统计期：2024年全年."""
        return f"单位：{self.unit}；统计期：{self.year}年{self.period}"

    def notes(self) -> tuple[str, ...]:
        """Why some figures are not ranked with the rest, and what hedged figures mean for the
        ranking.
        """
        out: list[str] = []
        for reason, names in _grouped((c.why_not, c.district) for c in self.others):
            out.append(f"{'、'.join(names)}{reason}，与其他地区口径不同，单列不排名")
        hedged = [c for c in self.comparable if c.hedge]
        if hedged:
            listed = "、".join(f"{c.district}{c.printed}" for c in hedged)
            out.append(f"{listed}带限定词，排名按所写数字计，实际位次可能不同")
        return tuple(out)


def _grouped(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for key, name in pairs:
        groups.setdefault(key, []).append(name)
    return list(groups.items())


@dataclass(frozen=True, slots=True)
class Comparison:
    """The districts in the order given, and one column per code at least one of them reports."""

    districts: tuple[District, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.districts)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.dataset.meta.year for d in self.districts}))

    @property
    def places(self) -> int:
        """How many different districts the rows cover (two years of one district are one place)."""
        return len(
            {
                (d.dataset.meta.province, d.dataset.meta.city, d.dataset.meta.district)
                for d in self.districts
            }
        )

    def common(self, least: int = 2) -> tuple[Column, ...]:
        """Columns reported by at least `least` districts, most reported first, then catalogue
        order.
        """
        return tuple(c for c in self.columns if len(c.reported) >= least)

    def column(self, code: str) -> Column:
        for c in self.columns:
            if c.code == code:
                return c
        raise KeyError(code)


def district_names(datasets: Sequence[Dataset]) -> tuple[str, ...]:
    """Short names; where two districts of different cities share a name, the city is prefixed;
    where one district comes in several years, the year is added.
    """
    short = [d.meta.short_name or d.meta.district for d in datasets]
    areas = Counter(d.meta.area_key for d in datasets)
    # How many different districts go by each short name.
    distinct = Counter(
        s for s, _ in dict.fromkeys(zip(short, (d.meta.area_key for d in datasets), strict=True))
    )
    names = []
    for d, s in zip(datasets, short, strict=True):
        name = f"{d.meta.city}{s}" if distinct[s] > 1 else s
        names.append(f"{name}（{d.meta.year}年）" if areas[d.meta.area_key] > 1 else name)
    return tuple(names)


def _why_not(cell_basis: tuple[str, str, int], basis: tuple[str, str, int]) -> str:
    unit, period, year = cell_basis
    if unit != basis[0]:
        return f"以{unit}计"
    if year != basis[2]:
        return f"为{year}年数字"
    return f"统计期为{period}"


def compare(datasets: Sequence[Dataset], findings: Sequence[Sequence[Finding]]) -> Comparison:
    """Line the datasets up by code. Raises DatasetError for fewer than 2 or more than 30 datasets,
    or the same district's same year given twice.
    """
    if not MIN_DATASETS <= len(datasets) <= MAX_DATASETS:
        raise BriefingError(
            _("a comparison takes {least} to {most} datasets; {count} given").format(
                least=MIN_DATASETS, most=MAX_DATASETS, count=len(datasets)
            )
        )
    seen: dict[tuple[tuple[str, str, str], int], str] = {}
    problems = []
    for ds in datasets:
        key = (ds.meta.area_key, ds.meta.year)
        if key in seen:
            problems.append(
                Problem(
                    ds.path,
                    None,
                    None,
                    "meta",
                    _(
                        "{district} {year}年 is already given as {path}; give each district once"
                    ).format(district=ds.meta.district, year=ds.meta.year, path=seen[key]),
                )
            )
        seen.setdefault(key, ds.path)
    if problems:
        raise DatasetError(problems)
    names = district_names(datasets)
    districts = tuple(
        District(n, d, tuple(f)) for n, d, f in zip(names, datasets, findings, strict=True)
    )
    cat = catalogue()
    codes = {i.code for d in datasets for i in d.indicators if i.code}
    columns = []
    for code in sorted(codes, key=cat.order):
        found: list[Indicator | None] = []
        for ds in datasets:
            found.append(
                next((i for i in ds.indicators if i.code == code and math.isfinite(i.value)), None)
            )
        bases = Counter(
            (i.unit, period_basis(i.period), i.period.year) for i in found if i is not None
        )
        # The basis most districts report on; ties go to the catalogue's own unit, then the whole
        # year.
        entry = cat[code]
        basis = max(bases, key=lambda b: (bases[b], b[0] == entry.unit, b[1] == "全年", b[2]))
        cells: list[Cell | None] = []
        for name, ind in zip(names, found, strict=True):
            if ind is None:
                cells.append(None)
                continue
            own = (ind.unit, period_basis(ind.period), ind.period.year)
            cells.append(
                Cell(name, ind, own == basis, "" if own == basis else _why_not(own, basis))
            )
        columns.append(Column(entry, tuple(cells), basis[0], basis[1], basis[2]))
    columns.sort(key=lambda c: (-len(c.reported), cat.order(c.code)))
    return Comparison(districts, tuple(columns))


__all__ = ["Cell", "Column", "Comparison", "District", "compare", "district_names", "period_basis"]
