"""Define what a compose function is given: the datasets, their findings, the page preset and
document options.

The registry (`briefing.documents`) builds a `Request` for a document type and hands it to that
type's compose function, which returns a `render.output.Composed`. Findings arrive already made:
compose modules read them, they never run the verification themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..model import Dataset
from ..render.pages import PagePreset


@dataclass(frozen=True, slots=True)
class Request:
    """One document to compose: datasets in order (one, or many for a multi-dataset type)."""

    datasets: tuple[Dataset, ...]
    # Per dataset, in the same order: verification Findings, which each compose module reads
    # through its own protocol (what it needs of a finding), never by importing `verify`.
    findings: tuple[tuple[Any, ...], ...]
    preset: PagePreset
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def one(
        cls,
        dataset: Dataset,
        findings: Sequence[Any],
        preset: PagePreset,
        options: Mapping[str, str] | None = None,
    ) -> Request:
        return cls((dataset,), (tuple(findings),), preset, MappingProxyType(dict(options or {})))

    @property
    def dataset(self) -> Dataset:
        """The dataset of a one-dataset document."""
        if len(self.datasets) != 1:
            raise ValueError(f"this document takes one dataset; got {len(self.datasets)}")
        return self.datasets[0]

    @property
    def dataset_findings(self) -> tuple[Any, ...]:
        """The findings of a one-dataset document."""
        return self.findings[0]
