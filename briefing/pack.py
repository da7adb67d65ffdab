"""Turn several dataset files into the city comparison pack on disk: OUTDIR/compare-briefing.pdf and OUTDIR/compare-report.pdf.

Every dataset is loaded, checked against the fonts and verified first (all problems of all files
reported together); both documents are rendered before either is written, so a failure leaves
the previous pack as it was. Returns values, never prints.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from .build import Built, prepare
from .comparison import compare
from .errors import BriefingError, DatasetError, Problem
from .model import Dataset
from .render.write import atomic_write, output_path
from .verify import Finding

PACK_DOCUMENTS: tuple[str, ...] = ("compare-briefing", "compare-report")


def build_pack(
    paths: Sequence[str | Path], outdir: str | Path, *, pdfa: bool = True
) -> list[Built]:
    """Load, verify and compare `paths`; write both documents into `outdir`."""
    from .compose.compare import render_compare_briefing, render_compare_report

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
        datasets.append(ds)
        findings.append(found)
    if problems:
        raise DatasetError(problems)
    comp = compare(datasets, findings)
    out = Path(outdir)
    rendered = []
    for name, render in zip(
        PACK_DOCUMENTS, (render_compare_briefing, render_compare_report), strict=True
    ):
        start = time.perf_counter()
        data, pages = render(comp, pdfa=pdfa)
        target = output_path(out, "compare", name.removeprefix("compare-"))
        rendered.append((name, target, data, pages, time.perf_counter() - start))
    results = []
    for name, target, data, pages, seconds in rendered:
        atomic_write(target, data)
        results.append(Built(name, target, pages, len(data), seconds))
    return results
