"""Turn several dataset files into the city comparison pack on disk: OUTDIR/compare-briefing.pdf and
OUTDIR/compare-report.pdf.

Every dataset is loaded, checked against the fonts and verified first (all problems of all files
reported together); both documents are rendered before either is written, then published as one
set (`output.publish`), so a failure leaves the previous pack as it was. Returns values, never
prints.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path

from . import documents
from .build import Built, prepare
from .comparison import compare
from .drafts import refuse_draft
from .errors import BriefingError, DatasetError, Problem
from .model import Dataset
from .output import output_path, publish
from .verify import Finding

# The registry's documents made from many datasets: the comparison briefing and report.
PACK_DOCUMENTS: tuple[str, ...] = documents.names("many")


def build_pack(
    paths: Sequence[str | Path], outdir: str | Path, *, pdfa: bool = True, draft: bool = False
) -> list[Built]:
    """Load, verify and compare `paths`; write both documents into `outdir`.

    A draft dataset (`briefing.drafts`) is refused unless `draft`, which stamps 草稿 on every page.
    """
    datasets: list[Dataset] = []
    findings: list[tuple[Finding, ...]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            ds, found = prepare(path)
        except DatasetError as exc:
            problems.extend(exc.problems)
            continue
        except BriefingError as exc:
            problems.append(Problem(str(path), None, None, "", str(exc)))
            continue
        if not draft:
            try:
                refuse_draft(ds)
            except BriefingError as exc:
                problems.append(Problem(str(path), None, None, "", str(exc)))
                continue
        datasets.append(ds)
        findings.append(found)
    if problems:
        raise DatasetError(problems)
    compare(
        datasets, findings
    )  # refuses too few or too many datasets, or one given twice, before any work
    out = Path(outdir)
    rendered = []
    for name in PACK_DOCUMENTS:
        start = time.perf_counter()
        data, pages = documents.render_document(name, datasets, findings, pdfa=pdfa, draft=draft)
        target = output_path(out, "compare", name.removeprefix("compare-"))
        rendered.append((name, target, data, pages, time.perf_counter() - start))
    # Both documents replace the previous pack as one set, under the output folder's lock.
    pack_hash = hashlib.sha256("\n".join(d.sha256 for d in datasets).encode()).hexdigest()
    publish(
        out, "compare", {target.name: data for _, target, data, _, _ in rendered}, dataset=pack_hash
    )
    return [
        Built(name, target, pages, len(data), seconds)
        for name, target, data, pages, seconds in rendered
    ]
