"""Turn one dataset file into its PDF documents on disk: load, verify, compose, render, write atomically.

This is the one pipeline both `briefing build` and `briefing batch` run; it returns values and
raises `BriefingError`s, and never prints. Document names come from the registry
(`briefing.documents`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import documents
from .drafts import refuse_draft
from .fonts import check_dataset_texts
from .load import load_dataset
from .model import Dataset
from .output import atomic_write, output_path
from .verify import Finding, strict_check, verify

# The documents `build` makes by default: every registered one-dataset document.
DOCUMENTS: tuple[str, ...] = documents.names()


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
    dataset: Dataset,
    document: str,
    *,
    pdfa: bool = True,
    findings: Sequence[Finding] | None = None,
    draft: bool = False,
    options: Mapping[str, str] | None = None,
) -> tuple[bytes, int]:
    """Render one registered document of a validated dataset to PDF bytes and its page count."""
    if findings is None:
        findings = verify(dataset)
    return documents.render_document(
        document, [dataset], [findings], pdfa=pdfa, draft=draft, options=options
    )


def build_file(
    path: str | Path,
    outdir: str | Path,
    only: Sequence[str] = DOCUMENTS,
    *,
    pdfa: bool = True,
    strict: bool = False,
    draft: bool = False,
    options: Mapping[str, str] | None = None,
) -> list[Built]:
    """Load `path` and write each requested document into `outdir`; nothing is written on failure.

    Every document is rendered before any is written. `strict` refuses to build when the
    verification finds inconsistent figures. A draft (`briefing.drafts`) is refused unless
    `draft`, which stamps 草稿 on every page.
    """
    for name in only:
        documents.get(name)  # an unknown name fails before any work
    dataset, findings = prepare(path)
    if not draft:
        refuse_draft(dataset)
    if strict:
        strict_check(findings)
    out = Path(outdir)
    rendered = []
    for document in only:
        start = time.perf_counter()
        target = output_path(out, Path(path).name, document)
        data, pages = render_document(
            dataset, document, pdfa=pdfa, findings=findings, draft=draft, options=options
        )
        rendered.append((document, target, data, pages, time.perf_counter() - start))
    results = []
    for document, target, data, pages, seconds in rendered:
        atomic_write(target, data)
        results.append(Built(document, target, pages, len(data), seconds))
    return results
