"""Run `briefing extract REPORT -o DRAFT.yaml [--json]`: a report file in, a draft file and a
terminal summary out.

This is a CLI handler, so it reports (through `briefing.reporter`): the figures found per section
and every number that was not taken as a figure, with the reason, so that nothing is dropped
silently.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..errors import DatasetError, OutputError
from ..i18n import _
from ..load import parse_dataset
from ..output import atomic_write
from ..reporter import current
from .draft import draft_json, draft_yaml, structure_notes
from .figures import extract_figures
from .read import read_report
from .relations import suggest_relations
from .structure import find_parts
from .types import Extraction


def format_summary(ex: Extraction) -> str:
    """The terminal report: figures per section, then the numbers not taken and why."""
    titles = {s.path: s.title for s in ex.sections}
    per_section = Counter(f.section for f in ex.figures)
    lines = [
        _("{figures} figures in {sections} sections ({title}, {year})").format(
            figures=len(ex.figures),
            sections=len(per_section),
            title=ex.title or _("no title line"),
            year=ex.year,
        )
    ]
    width = max((len(p) for p in per_section), default=4)
    for path, count in per_section.items():
        shown = path or _("(preamble)")
        lines.append(f"  {shown:<{width}}  {count:>3}  {titles.get(path, '')[:24]}")
    parts = find_parts(ex.sections)
    if parts.roles:
        lines.append(_("parts: ") + ", ".join(f"{p.path} {role}" for p, role in parts.roles))
    for note in structure_notes(parts, _):
        lines.append(_("structure: ") + note)
    suggestions = suggest_relations(ex)
    if suggestions:
        kinds = Counter(s.kind for s in suggestions)
        lines.append(
            _("{n} relations suggested for review ({kinds}), commented out in the draft").format(
                n=len(suggestions), kinds=", ".join(f"{n} {k}" for k, n in kinds.items())
            )
        )
        for suggestion in suggestions:
            if suggestion.disagrees:
                lines.append(_("  to check: ") + suggestion.reason_in(_))
    review = [f for f in ex.figures if f.notes]
    if review:
        lines.append(
            _("{n} figures carry a note for the reviewer (see `# REVIEW` in the draft)").format(
                n=len(review)
            )
        )
    # Heading numbers (1. （2）) are listed in the JSON and the draft; here they are only counted.
    headings = [s for s in ex.skipped if s.reason == "heading or item number"]
    listed = [s for s in ex.skipped if s.reason != "heading or item number"]
    if headings:
        lines.append(
            _("{n} heading or item numbers (1. （2）) are not figures").format(n=len(headings))
        )
    if listed:
        lines.append(_("{n} numbers not taken as figures:").format(n=len(listed)))
        for s in listed:
            sentence = s.sentence if len(s.sentence) <= 40 else s.sentence[:39] + "…"
            section = s.section or _("(title/preamble)")
            lines.append(f"  {section:<{width}}  {s.text:<8} {_(s.reason)}: {sentence}")
    return "\n".join(lines)


def run_extract(args: argparse.Namespace) -> int:
    """Read the report, extract its figures, write the draft atomically and print the summary."""
    report = Path(args.report)
    output = Path(args.output)
    if output.exists() and report.exists() and output.resolve() == report.resolve():
        raise OutputError(
            _("{path} is the report itself; choose another output path").format(path=output)
        )
    if output.exists() and not getattr(args, "force", False):
        # A draft may already carry a reviewer's edits: never overwrite it by surprise.
        raise OutputError(_("{path} exists; pass --force to overwrite it").format(path=output))
    text = read_report(report)
    extraction = extract_figures(text)
    data = draft_json(extraction) if args.json else draft_yaml(extraction, source_name=report.name)
    atomic_write(output, data.encode("utf-8"))
    say = current()
    say.result(format_summary(extraction))
    if args.json:
        say.result(_("wrote {path} (raw extraction, JSON)").format(path=output))
        return 0
    try:
        parse_dataset(data.encode("utf-8"), str(output))
        status = _("it loads as it stands")
    except DatasetError as exc:
        # A draft that does not load is still worth having; say what a reviewer must fix first.
        status = _("it does not load yet ({count} problems, first: {first})").format(
            count=len(exc.problems), first=exc.problems[0]
        )
    say.result(
        _(
            "wrote {path}: review every `# REVIEW` line, then run `briefing check {path}`; {status}"
        ).format(path=output, status=status)
    )
    return 0
