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
from .fonts import check_dataset_texts
from .load import load_dataset
from .model import Dataset
from .render.write import atomic_write, output_path
from .verify import Finding, strict_check, verify

DOCUMENTS: tuple[str, ...] = ("briefing", "report")


@dataclass(frozen=True, slots=True)
class Built:
    """One document written: where, how many pages, how many bytes, how long it took."""

    document: str
    path: Path
    pages: int
    size_bytes: int
    seconds: float


def prepare(path: str | Path) -> tuple[Dataset, tuple[Finding, ...]]:
    """Load a dataset, make sure the fonts can draw every character of it, and verify its figures."""
    dataset = load_dataset(path)
    check_dataset_texts(dataset.texts)
    return dataset, verify(dataset)


def render_document(
    dataset: Dataset, document: str, *, pdfa: bool = True, findings: Sequence[Finding] | None = None,
    binding: str = "duplex",
) -> tuple[bytes, int]:
    """Render one document of a validated dataset to PDF bytes and its page count.

    `binding` ("duplex" or "single") is how the report will be printed; the briefing is one page.
    """
    if findings is None:
        findings = verify(dataset)
    if document == "briefing":
        from .compose.briefing import render_briefing

        return render_briefing(dataset, findings, pdfa=pdfa)
    if document == "report":
        from .compose.report import render_report

        return render_report(dataset, findings, pdfa=pdfa, binding=binding)
    raise BriefingError(f"unknown document {document!r}")


def build_file(
    path: str | Path, outdir: str | Path, only: Sequence[str] = DOCUMENTS, *, pdfa: bool = True,
    strict: bool = False, binding: str = "duplex",
) -> list[Built]:
    """Load `path` and write each requested document into `outdir`; nothing is written on failure.

    `strict` refuses to build when the verification finds inconsistent figures.
    """
    dataset, findings = prepare(path)
    if strict:
        strict_check(findings)
    out = Path(outdir)
    results = []
    for document in only:
        start = time.perf_counter()
        target = output_path(out, Path(path).name, document)
        data, pages = render_document(dataset, document, pdfa=pdfa, findings=findings, binding=binding)
        atomic_write(target, data)
        results.append(Built(document, target, pages, len(data), time.perf_counter() - start))
    return results
