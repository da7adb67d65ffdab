"""Turn one dataset file into its PDF documents on disk: load, verify, compose, render, write
atomically.

This is the one pipeline both `briefing build` and `briefing batch` run; it returns values and
raises `BriefingError`s, and never prints. Document names come from the registry
(`briefing.documents`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import documents
from .drafts import refuse_draft
from .errors import OutputError
from .fonts import check_dataset_texts
from .i18n import N_
from .model import Dataset
from .output import DEFAULT_WAIT_SECONDS, output_path, publish, safe_stem
from .series import load_with_history
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
    # True for a document of the same dataset that was not rebuilt and was removed, because it
    # was made from another version of the dataset (pages, size and time are then 0).
    removed: bool = False


def prepare(path: str | Path, peers: Sequence[Dataset] = ()) -> tuple[Dataset, tuple[Finding, ...]]:
    """Load a dataset with its earlier years (`meta.previous`, and `peers` of the same district
    given in the same run), make sure the fonts can draw every character of it, and verify it.
    """
    dataset = load_with_history(path, peers=peers)
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
    wait: float = DEFAULT_WAIT_SECONDS,
    peers: Sequence[Dataset] = (),
    on_step: Callable[[str, float, Mapping[str, str]], None] | None = None,
) -> list[Built]:
    """Load `path` and write each requested document into `outdir`; nothing is written on failure.

    Every document is rendered before any is written; then they replace the old ones as one set
    (`output.publish`, under the folder's lock, waiting up to `wait` seconds for another run).
    A document of the same dataset not rebuilt here stays if it was made from the same dataset,
    and is removed otherwise, so the folder never pairs documents of two versions. `strict`
    refuses to build when the
    verification finds inconsistent figures. A draft (`briefing.drafts`) is refused unless
    `draft`, which stamps 草稿 on every page. `on_step(what, seconds, values)` hears of each
    step done (the CLI's --verbose); `what` is an English message with `{name}` fields filled
    from `values`, which the caller may translate first.
    """

    def step(what: str, since: float, **values: str) -> float:
        now = time.perf_counter()
        if on_step is not None:
            on_step(what, now - since, values)
        return now

    for name in only:
        documents.get(name)  # an unknown name fails before any work
    started = time.perf_counter()
    dataset, findings = prepare(path, peers)
    started = step(N_("load, check the fonts, verify"), started)
    if not draft:
        refuse_draft(dataset)
    if strict:
        strict_check(findings)
    out = Path(outdir)
    stem = safe_stem(Path(path).name)
    rendered = []
    for document in only:
        start = time.perf_counter()
        target = output_path(out, stem, document)
        data, pages = render_document(
            dataset, document, pdfa=pdfa, findings=findings, draft=draft, options=options
        )
        rendered.append((document, target, data, pages, time.perf_counter() - start))
        started = step(N_("render {document}"), started, document=document)
    siblings = [output_path(out, stem, name).name for name in documents.names()]
    removed = publish(
        out,
        stem,
        {target.name: data for _, target, data, _, _ in rendered},
        dataset=dataset.sha256,
        siblings=siblings,
        wait=wait,
    )
    step(N_("write and publish"), started)
    built = [
        Built(document, target, pages, len(data), seconds)
        for document, target, data, pages, seconds in rendered
    ]
    by_name = {output_path(out, stem, name).name: name for name in documents.names()}
    return built + [Built(by_name.get(p.name, p.name), p, 0, 0, 0.0, removed=True) for p in removed]


def output_conflicts(paths: Sequence[str | Path]) -> dict[str, str]:
    """Dataset files whose outputs would collide with another's (a.yaml and a.yml): path → message.

    The same file named twice is not a conflict (it is built once).
    """
    owners: dict[str, list[str]] = {}
    seen: set[str] = set()
    for given in paths:
        real = os.path.realpath(given)
        if real in seen:
            continue
        seen.add(real)
        try:
            stem = safe_stem(Path(given).name)
        except OutputError:
            continue  # reported when that file is built
        owners.setdefault(stem, []).append(str(given))
    conflicts = {}
    for stem, group in owners.items():
        if len(group) > 1:
            for name in group:
                others = ", ".join(g for g in group if g != name)
                conflicts[name] = (
                    f"{name} and {others} would both write {stem}-*.pdf in the output "
                    "folder; rename one of them (neither was built)"
                )
    return conflicts
