"""Turn one dataset file into its PDF documents on disk: load, verify, compose, render, write atomically.

This is the one pipeline both `briefing build` and `briefing batch` run; it returns values and
raises `BriefingError`s, and never prints.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingError
from .load import load_dataset
from .model import Dataset
from .render.write import atomic_write, output_path

DOCUMENTS: tuple[str, ...] = ("briefing", "report")


@dataclass(frozen=True, slots=True)
class Built:
    """One document written: where, how many pages, how many bytes, how long it took."""

    document: str
    path: Path
    pages: int
    size_bytes: int
    seconds: float


def render_document(dataset: Dataset, document: str, *, pdfa: bool = True) -> tuple[bytes, int]:
    """Render one document of a validated dataset to PDF bytes and its page count."""
    from .verify import verify

    findings = verify(dataset)
    if document == "briefing":
        from .compose.briefing import render_briefing

        return render_briefing(dataset, findings, pdfa=pdfa)
    if document == "report":
        from .compose.report import render_report

        return render_report(dataset, findings, pdfa=pdfa)
    raise BriefingError(f"unknown document {document!r}")


def build_file(
    path: str | Path, outdir: str | Path, only: Sequence[str] = DOCUMENTS, *, pdfa: bool = True
) -> list[Built]:
    """Load `path` and write each requested document into `outdir`; nothing is written on failure."""
    dataset = load_dataset(path)
    out = Path(outdir)
    results = []
    for document in only:
        start = time.perf_counter()
        target = output_path(out, Path(path).name, document)
        data, pages = render_document(dataset, document, pdfa=pdfa)
        atomic_write(target, data)
        results.append(Built(document, target, pages, len(data), time.perf_counter() - start))
    return results
