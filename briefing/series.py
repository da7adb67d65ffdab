"""Follow a dataset's `meta.previous` links into the same district's earlier Datasets, oldest first:
a year series.

A series is what the multi-year view reads: the latest year's documents show the coded indicators
over the years, and the verification checks the latest year's stated 同比 changes against the
year before (`verify.verify(dataset, previous)`). Each link is a path relative to the file that
names it; every dataset of a series must be of the same district (province, city, district) and
of an earlier year than the one naming it. At most `MAX_YEARS` datasets are followed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import DatasetError, Problem
from .i18n import _
from .load import load_dataset
from .model import Chart, Dataset, Indicator

MAX_YEARS = 10


@dataclass(frozen=True, slots=True)
class Series:
    """The datasets of one district, oldest first, one per year; the last is the one being built."""

    datasets: tuple[Dataset, ...]

    @property
    def latest(self) -> Dataset:
        return self.datasets[-1]

    @property
    def previous(self) -> Dataset | None:
        """The dataset of the year just before the latest, if the series has it."""
        year = self.latest.meta.year - 1
        return next((d for d in self.datasets if d.meta.year == year), None)

    def trend(self, code: str) -> tuple[tuple[int, Indicator], ...]:
        """(year, figure) for `code` in every year whose figure is on the latest year's basis."""
        last = next((i for i in self.latest.indicators if i.code == code), None)
        if last is None:
            return ()
        out = []
        for ds in self.datasets:
            ind = next((i for i in ds.indicators if i.code == code), None)
            span = (last.period.kind, last.period.start_month, last.period.end_month)
            if ind is None or ind.unit != last.unit:
                continue
            if (ind.period.kind, ind.period.start_month, ind.period.end_month) != span:
                continue
            out.append((ds.meta.year, ind))
        return tuple(out)

    def trend_codes(self) -> tuple[str, ...]:
        """Codes of the latest year with a comparable figure in at least one earlier year; headlines
        first.
        """
        inds = sorted(
            (i for i in self.latest.indicators if i.code and i.kind != "change"),
            key=lambda i: not i.headline,
        )
        return tuple(i.code for i in inds if i.code and len(self.trend(i.code)) >= 2)


def _problem(ds: Dataset, message: str) -> DatasetError:
    where = next((loc for path, _text, loc in ds.texts if path == "meta.previous"), None)
    line, column = (where.line, where.column) if where else (None, None)
    return DatasetError([Problem(ds.path, line, column, "meta.previous", message)])


def load_series(path: str | Path, first: Dataset | None = None) -> Series:
    """The dataset at `path` (or `first`, already loaded from it) and the earlier ones it links
    to.
    """
    current = first if first is not None else load_dataset(path)
    chain = [current]
    seen = {Path(path).resolve()}
    while current.meta.previous and len(chain) < MAX_YEARS:
        target = (Path(current.path).parent / current.meta.previous).resolve()
        if target in seen:
            raise _problem(
                current,
                _("'{previous}' leads back to a file already in the series").format(
                    previous=current.meta.previous
                ),
            )
        if not target.is_file():
            raise _problem(
                current,
                _("no such file '{previous}' beside {name}").format(
                    previous=current.meta.previous, name=Path(current.path).name
                ),
            )
        seen.add(target)
        earlier = load_dataset(target)
        if earlier.meta.area_key != current.meta.area_key:
            here = "".join(current.meta.area_key)
            there = "".join(earlier.meta.area_key)
            raise _problem(
                current,
                _("'{previous}' is about {there}, not {here}").format(
                    previous=current.meta.previous, there=there, here=here
                ),
            )
        if earlier.meta.year >= current.meta.year:
            raise _problem(
                current,
                _("'{previous}' reports on {earlier}, not a year before {year}").format(
                    previous=current.meta.previous,
                    earlier=earlier.meta.year,
                    year=current.meta.year,
                ),
            )
        chain.append(earlier)
        current = earlier
    return Series(tuple(reversed(chain)))


MAX_TREND_CHARTS = 2


def with_history(series: Series) -> Dataset:
    """The latest dataset with its earlier years attached and a trend chart for up to two of its
    coded indicators that earlier years also give (headline figures first), unless it declares its
    own.
    """
    latest = series.latest
    ds = replace(latest, earlier=series.datasets[:-1])
    declared = {i for c in ds.charts if c.kind == "trend" for i in c.indicators}
    taken = {c.id for c in ds.charts}
    added: list[Chart] = []
    for code in series.trend_codes():
        ind = next(i for i in ds.indicators if i.code == code)
        if ind.id in declared or len(added) >= MAX_TREND_CHARTS:
            continue
        ident = f"trend_{ind.id}"[:64]
        if ident in taken:
            continue
        title = f"{ind.label}历年（{ind.unit}）"
        added.append(
            Chart(id=ident, kind="trend", title=title, indicators=(ind.id,), area=ind.area)
        )
    return replace(ds, charts=(*added, *ds.charts))


def load_with_history(
    path: str | Path, first: Dataset | None = None, peers: Sequence[Dataset] = ()
) -> Dataset:
    """The dataset at `path` with its earlier years attached: those its `meta.previous` chain links,
    and those among `peers` (the other files of the same run) of the same district. Where both give
    a year, the explicit link wins.
    """
    dataset = first if first is not None else load_dataset(path)
    years = {
        d.meta.year: d
        for d in peers
        if d.meta.area_key == dataset.meta.area_key and d.meta.year < dataset.meta.year
    }
    if dataset.meta.previous:
        years.update({d.meta.year: d for d in load_series(path, dataset).datasets[:-1]})
    if not years:
        return dataset
    return with_history(Series((*(years[y] for y in sorted(years)), dataset)))


def peers_of(paths: Sequence[str | Path]) -> dict[str, tuple[Dataset, ...]]:
    """For each of several files given together, the others that load (their own problems are
    reported when they are built): the same district's other years among them form its series.
    """
    loaded: dict[str, Dataset] = {}
    for path in dict.fromkeys(str(p) for p in paths):
        try:
            loaded[path] = load_dataset(path)
        except DatasetError:
            continue
    return {
        path: tuple(d for other, d in loaded.items() if other != path) for path in map(str, paths)
    }


_PREVIOUS_RE = re.compile(rb"^[ \t]+previous:[ \t]*['\"]?([^'\"\s#]+)", re.MULTILINE)


def linked_files(path: str | Path, raw: bytes) -> list[Path]:
    """The files a dataset's `meta.previous` chain names, read from the bytes without parsing them.

    For cache keys only (a batch must rebuild when last year's file changes): the chain is
    validated properly when the dataset is loaded.
    """
    out: list[Path] = []
    here, data = Path(path), raw
    for _year in range(MAX_YEARS):
        m = _PREVIOUS_RE.search(data)
        if m is None:
            break
        target = here.parent / os.fsdecode(m[1])
        if target in out or not target.is_file():
            break
        out.append(target)
        here, data = target, target.read_bytes()[:2_000_000]
    return out


__all__ = [
    "MAX_YEARS",
    "Series",
    "linked_files",
    "load_series",
    "load_with_history",
    "peers_of",
    "with_history",
]
