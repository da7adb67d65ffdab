"""Turn command-line arguments into calls on the pipeline, and results or errors into text and an
exit code.

This module and `reporter` (through which every command prints) are the only ones that print;
this one picks the exit codes: 0 success, 1 bad input or a failed
document (an expected `BriefingError`, printed as `Kind: message`), 2 a usage error. A traceback
means a bug.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import BriefingError
from .i18n import N_, _, install_for_argparse, ngettext, restore_argparse
from .reporter import Reporter, Verbosity, current, using

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

DEFAULT_WAIT = 120.0  # output.DEFAULT_WAIT_SECONDS, without importing it for --help
# Marked for the catalogue here, translated where the parser is built (after the locale is known).
WAIT_HELP = N_(
    "when another run is writing into the output folder, wait this long for it "
    "(default {default:g}; 0: refuse at once)"
)
DRAFT_HELP = N_(
    "build a dataset that still holds `# REVIEW` marks or placeholders (待补充, 某某); "
    "every page is stamped 草稿"
)


# Control characters in what we print (a file named with ESC [2J, a BEL) would act on the
# user's terminal; they are spelled out instead. Our own progress line's "\r ESC [K" is kept.
_UNPRINTABLE = re.compile(r"(\r\x1b\[K)|([\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069])")


def printable(text: str) -> str:
    r"""`text` with terminal control characters written as \uXXXX (newlines and tabs kept)."""
    return _UNPRINTABLE.sub(lambda m: m[1] or f"\\u{ord(m[2]):04x}", text)


class _Printable:
    """A text stream that passes everything written to it through `printable`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            self._stream.write(printable(text))
        except BrokenPipeError:
            self._reader_gone()
        return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_gone()

    def _reader_gone(self) -> None:
        # `briefing check … | head -1`: the reader has gone. Finish the run and exit with its real
        # status, as `make` and shells expect, rather than with whatever the race gives: what we
        # still write (and the buffer's last flush at exit) goes to /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _err(message: str) -> None:
    current().error(message)


def _fail(exc: BriefingError) -> int:
    return current().fail(exc)


# ---------------------------------------------------------------------------------------------
# check


def _summary(dataset: object, *, draft: bool = False) -> str:
    from .model import Dataset

    assert isinstance(dataset, Dataset)
    ds = dataset
    m = ds.meta
    state = _("valid, but a draft") if draft else _("valid")
    lines = [
        _("{path}: {state} — {title}").format(path=ds.path, state=state, title=m.title),
        _("  {place}, {year}年; issued by {issuers}; dated {date}").format(
            place=f"{m.province}{m.city}{m.district}",
            year=m.year,
            issuers="、".join(m.issuers),
            date=m.date.isoformat(),
        ),
        _(
            "  {indicators} indicators ({headline} headline), {relations} relations, "
            "{charts} charts, {glossary} glossary terms, {shortcomings} shortcomings, "
            "{plans} plans"
        ).format(
            indicators=len(ds.indicators),
            headline=sum(i.headline for i in ds.indicators),
            relations=len(ds.relations),
            charts=len(ds.charts),
            glossary=len(ds.glossary),
            shortcomings=len(ds.shortcomings),
            plans=len(ds.plans),
        ),
        _("  per area:"),
    ]
    width = max((len(a.id) for a in ds.areas), default=0)
    for area in ds.areas:
        count = len(ds.indicators_in(area.id))
        lines.append(f"    {area.id:<{width}}  {area.source:<8} {count:>3}  {area.title}")
    periods = Counter(i.period.text for i in ds.indicators)
    qualifiers = Counter(i.qualifier for i in ds.indicators)
    kinds = Counter(i.kind for i in ds.indicators)
    lines.append(_("  periods:    ") + "; ".join(f"{k} {v}" for k, v in periods.most_common()))
    lines.append(_("  qualifiers: ") + "; ".join(f"{k} {v}" for k, v in qualifiers.most_common()))
    lines.append(_("  kinds:      ") + "; ".join(f"{k} {v}" for k, v in kinds.most_common()))
    lines.extend(_coverage(ds))
    return "\n".join(lines)


def _coverage(ds: object) -> list[str]:
    """Which catalogue codes the dataset covers, group by group, and which figures carry none."""
    from .catalogue import catalogue
    from .model import Dataset

    assert isinstance(ds, Dataset)
    cat = catalogue()
    coded = sorted((i for i in ds.indicators if i.code), key=lambda i: cat.order(i.code or ""))
    lines = [
        _(
            "  codes:      {coded} of {total} catalogue indicators covered; "
            "{uncoded} figures carry no code"
        ).format(coded=len(coded), total=len(cat.entries), uncoded=len(ds.indicators) - len(coded))
    ]
    groups: dict[str, list[str]] = {}
    for ind in coded:
        groups.setdefault(cat[ind.code or ""].group, []).append(f"{ind.code} ({ind.id})")
    for group, items in groups.items():
        lines.append(f"    {cat.groups[group]}: " + ", ".join(items))
    return lines


def _unfinished_lines(ds: object) -> list[str]:
    from .drafts import PLACEHOLDERS, describe, unfinished
    from .model import Dataset

    assert isinstance(ds, Dataset)
    items = unfinished(ds)
    if not items:
        return []
    reviews = sum(u.what.startswith("# REVIEW") for u in items)
    placeholders = len(items) - reviews
    head = _(
        "  draft: {fields} ({placeholders} {words}, {reviews}); build refuses it unless --draft"
    ).format(
        fields=ngettext("{n} unfinished field", "{n} unfinished fields", len(items)).format(
            n=len(items)
        ),
        placeholders=ngettext("{n} placeholder", "{n} placeholders", placeholders).format(
            n=placeholders
        ),
        words="/".join(PLACEHOLDERS),
        reviews=ngettext("{n} `# REVIEW` mark", "{n} `# REVIEW` marks", reviews).format(n=reviews),
    )
    return [head] + ["    " + describe(u) for u in items]


def _chosen(args: argparse.Namespace) -> dict[str, str]:
    from .documents import chosen_options

    return chosen_options(vars(args))


def _add_document_options(p: argparse.ArgumentParser) -> None:
    from . import documents

    for name, values in documents.all_options().items():
        users = [d.name for d in documents.REGISTRY.values() if name in d.options]
        p.add_argument(
            f"--{name}",
            choices=values,
            help=_("{documents} option (default {default})").format(
                documents=_(" and ").join(users), default=values[0]
            ),
        )


def cmd_check(args: argparse.Namespace) -> int:
    """`briefing check`: validate and verify each file, print findings; 1 if any file fails."""
    from .build import prepare
    from .drafts import refuse_draft
    from .series import peers_of
    from .verify import format_finding, strict_check

    report = current()
    status = EXIT_OK
    # Several files given together: a district's other years among them form its series.
    peers = peers_of(args.files) if len(args.files) > 1 else {}
    for path in args.files:
        try:
            with report.timed(_("{path}: load, check the fonts, verify").format(path=path)):
                ds, findings = prepare(path, peers.get(str(path), ()))
        except BriefingError as exc:
            status = _fail(exc)
            continue
        unfinished_lines = _unfinished_lines(ds)
        report.result(_summary(ds, draft=bool(unfinished_lines)))
        notable = [f for f in findings if f.status != "consistent"]
        report.result(
            _(
                "  verification: {checks} checks, {inconsistent} inconsistent, "
                "{cannot_tell} cannot tell, {derived} derived"
            ).format(
                checks=len(findings),
                inconsistent=sum(f.status == "inconsistent" for f in findings),
                cannot_tell=sum(f.status == "cannot_tell" for f in findings),
                derived=sum(f.status == "derived" for f in findings),
            )
        )
        shown = findings if report.verbose else notable
        for f in shown:
            report.result("    " + format_finding(f))
        for line in unfinished_lines:
            report.result(line)
        if args.strict:
            try:
                strict_check(findings)
                refuse_draft(ds)
            except BriefingError as exc:
                status = _fail(exc)
    return status


# ---------------------------------------------------------------------------------------------
# build


def built_line(path: object, pages: int, size_bytes: int, seconds: float) -> str:
    """`out/x-briefing.pdf  1 page, 120 KiB, 0.66 s`: one written document, as build prints it."""
    return _("{path}  {pages}, {kib:.0f} KiB, {seconds:.2f} s").format(
        path=path,
        pages=ngettext("{n} page", "{n} pages", pages).format(n=pages),
        kib=size_bytes / 1024,
        seconds=seconds,
    )


def build_once(args: argparse.Namespace, files: Sequence[str]) -> int:
    """Build `files` with the options of `args` (build's and watch's); report each document."""
    from .build import DOCUMENTS, build_file, output_conflicts
    from .errors import OutputError
    from .series import peers_of

    report = current()
    only = (args.only,) if args.only else DOCUMENTS
    status = EXIT_OK
    conflicts = output_conflicts(files)
    # Several files given together: a district's other years among them form its series.
    peers = peers_of(files) if len(files) > 1 else {}
    done: set[str] = set()
    for path in files:
        if path in conflicts:
            status = _fail(OutputError(conflicts[path]))
            continue
        if os.path.realpath(path) in done:
            continue  # the same file named twice is built once
        done.add(os.path.realpath(path))
        try:
            for built in build_file(
                path,
                args.outdir,
                only,
                pdfa=not args.no_pdfa,
                strict=args.strict,
                draft=args.draft,
                options=_chosen(args),
                wait=args.wait,
                peers=peers.get(str(path), ()),
                on_step=lambda what, seconds, values: report.step(
                    _("  {what}: {seconds:.2f} s").format(
                        what=_(what).format(**values), seconds=seconds
                    )
                ),
            ):
                if built.removed:
                    report.result(
                        _(
                            "{path}  removed: it was made from another version of the dataset; "
                            "build it again to have it"
                        ).format(path=built.path)
                    )
                    continue
                report.result(built_line(built.path, built.pages, built.size_bytes, built.seconds))
        except BriefingError as exc:
            status = _fail(exc)
    return status


def cmd_build(args: argparse.Namespace) -> int:
    """`briefing build`: write each dataset's documents; 1 if any dataset fails.

    The charts are drawn by a helper process while this one lays out the pages (`background`),
    started before anything else is loaded.
    """
    from .background import drawing_in_background

    with drawing_in_background():
        return build_once(args, args.files)


# ---------------------------------------------------------------------------------------------
# watch


def cmd_watch(args: argparse.Namespace) -> int:
    """`briefing watch`: build, then rebuild on every save until Ctrl-C; 0 when stopped."""
    from .watch import watch

    return watch(args.files, lambda files: build_once(args, files), interval=args.interval)


# ---------------------------------------------------------------------------------------------
# schema


def cmd_schema(args: argparse.Namespace) -> int:
    """`briefing schema`: the dataset's JSON Schema to stdout or to -o FILE."""
    import json

    from .schema import as_draft_07, dataset_schema

    schema = dataset_schema() if args.dialect == "2020-12" else as_draft_07(dataset_schema())
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if args.output in (None, "-"):
        current().data(text.rstrip("\n"))
        return EXIT_OK
    from .output import atomic_write

    atomic_write(Path(args.output), text.encode("utf-8"))
    current().result(_("wrote {path}").format(path=args.output))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# compare


def cmd_compare(args: argparse.Namespace) -> int:
    """`briefing compare`: build the comparison pack of several datasets."""
    from .pack import build_pack

    for built in build_pack(args.files, args.outdir, pdfa=not args.no_pdfa, draft=args.draft):
        current().result(built_line(built.path, built.pages, built.size_bytes, built.seconds))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# fonts


def cmd_fonts(args: argparse.Namespace) -> int:
    """`briefing fonts build|check`: rebuild the font subsets, or check them against the
    manifest.
    """
    from . import fonts

    report = current()
    folder = args.dir or fonts.fonts_dir()
    if args.action == "build":
        import logging

        from .fontbuild import build_all

        # Progress of the ~30 s build; fontTools itself is far too chatty at INFO.
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("briefing").setLevel(logging.WARNING if report.quiet else logging.INFO)
        for path in build_all(folder, jobs=2):
            report.result(
                _("built {path}  {mb:.2f} MB").format(path=path, mb=path.stat().st_size / 1e6)
            )
        return EXIT_OK
    from .fontbuild import check_manifest

    problems = check_manifest(folder)
    for problem in problems:
        _err(f"FontError: {problem}")
    if not problems:
        report.result(_("{folder}: all font files match the manifest").format(folder=folder))
    return EXIT_INPUT if problems else EXIT_OK


# ---------------------------------------------------------------------------------------------
# init


def cmd_init(args: argparse.Namespace) -> int:
    """`briefing init`: write the starter dataset, never over an existing file unless forced."""
    from importlib.resources import files

    from .output import atomic_write

    target = Path(args.path)
    if target.is_symlink():  # also a dangling one, which exists() calls absent
        _err(
            "OutputError: "
            + _("{path} is a symlink; remove it or choose another path").format(path=target)
        )
        return EXIT_INPUT
    if target.exists() and not args.force:
        _err("OutputError: " + _("{path} exists; pass --force to overwrite it").format(path=target))
        return EXIT_INPUT
    text = files("briefing").joinpath("templates/starter.yaml").read_text(encoding="utf-8")
    # Temporary file and rename: a full disk leaves the old file (or none), never a 0-byte one.
    atomic_write(target, text.encode("utf-8"))
    current().result(
        _("wrote {path}; fill it in, then run: briefing check {path}").format(path=target)
    )
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# specimen


def cmd_specimen(args: argparse.Namespace) -> int:
    """`briefing specimen`: write the typesetting specimen PDF."""
    from .output import atomic_write
    from .render.specimen import specimen_pdf

    atomic_write(Path(args.output), specimen_pdf())
    current().result(_("wrote {path}").format(path=args.output))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# batch, handout, extract


def cmd_batch(args: argparse.Namespace) -> int:
    """`briefing batch`: many datasets in worker processes (briefing.batch)."""
    from .batch import run_batch

    return run_batch(args)


def cmd_handout(args: argparse.Namespace) -> int:
    """`briefing handout`: numbered copies for a meeting (briefing.handout)."""
    from .handout import run_handout

    return run_handout(args)


def cmd_extract(args: argparse.Namespace) -> int:
    """`briefing extract`: a draft dataset from a report's text (briefing.extract)."""
    from .extract import run_extract

    return run_extract(args)


# ---------------------------------------------------------------------------------------------


def _verbosity_options(parser: argparse.ArgumentParser) -> None:
    """-q/--quiet and -v/--verbose, on the main parser and on every command (either place works)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=Verbosity.QUIET,
        default=argparse.SUPPRESS,
        help=_("print errors only"),
    )
    group.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=Verbosity.VERBOSE,
        default=argparse.SUPPRESS,
        help=_("also print each step and its time (on stderr); check also lists consistent checks"),
    )


def _build_options(p: argparse.ArgumentParser, single: Sequence[str]) -> None:
    """The options `build` and `watch` share."""
    p.add_argument("files", nargs="+", metavar="FILE", help=_("dataset files (YAML)"))
    p.add_argument("-o", "--outdir", default="out", help=_("output folder (default: out)"))
    p.add_argument(
        "--strict", action="store_true", help=_("refuse to build when figures are inconsistent")
    )
    _render_options(p, single)


def _render_options(p: argparse.ArgumentParser, single: Sequence[str]) -> None:
    """The options of what is rendered and how it is published: `build`, `watch` and `batch`."""
    p.add_argument("--only", choices=single, help=_("build one document only"))
    p.add_argument("--no-pdfa", action="store_true", help=_("write plain PDF instead of PDF/A-2b"))
    p.add_argument("--draft", action="store_true", help=_(DRAFT_HELP))
    p.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT,
        metavar=_("SECONDS"),
        help=_(WAIT_HELP).format(default=DEFAULT_WAIT),
    )
    _add_document_options(p)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `briefing`, its commands and their options, in the user's language."""
    from . import documents

    single = documents.names()
    common = argparse.ArgumentParser(add_help=False)
    _verbosity_options(common)
    parser = argparse.ArgumentParser(
        prog="briefing",
        description=_(
            "Turn a rule-of-law report dataset (YAML) into a one-page briefing and an "
            "annotated report (PDF)."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"briefing {__version__}",
        help=_("print the version and exit"),
    )
    _verbosity_options(parser)
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), required=True)

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=description, parents=[common])

    p = command(
        "check",
        _("validate datasets and verify their figures"),
        _("Validate each dataset, print a summary and the verification findings."),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=_("dataset files (YAML)"))
    p.add_argument(
        "--strict",
        action="store_true",
        help=_("treat inconsistent figures and unfinished draft fields as errors (exit 1)"),
    )
    p.set_defaults(func=cmd_check)

    p = command(
        "build",
        _("build the briefing and/or report PDFs"),
        _(
            "Write OUTDIR/<stem>-<document>.pdf for each dataset and each document: {documents}."
        ).format(documents=", ".join(f"{n} ({_(documents.get(n).help)})" for n in single)),
    )
    _build_options(p, single)
    p.set_defaults(func=cmd_build)

    p = command(
        "watch",
        _("rebuild whenever a dataset file is saved"),
        _(
            "Build the datasets, then build each one again whenever it is saved with new "
            "content. Errors are reported and watching goes on; the last good PDFs stay in "
            "place. Ctrl-C stops."
        ),
    )
    _build_options(p, single)
    p.add_argument(
        "--interval",
        type=float,
        default=0.5,
        metavar=_("SECONDS"),
        help=_("how often to look at the files (default 0.5)"),
    )
    p.set_defaults(func=cmd_watch)

    p = command(
        "schema",
        _("write the JSON Schema of the dataset format"),
        _(
            "Write a JSON Schema (draft 2020-12) of the dataset format, for editors that "
            "validate and complete YAML as you type (see docs/cli.md)."
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write the schema to FILE instead of standard output"),
    )
    p.add_argument(
        "--dialect",
        choices=("2020-12", "draft-07"),
        default="2020-12",
        help=_(
            "the JSON Schema version (default 2020-12); draft-07 for editors that know only "
            "that one, such as VS Code's YAML extension"
        ),
    )
    p.set_defaults(func=cmd_schema)

    p = command(
        "compare",
        _("compare 2 to 30 districts: a one-page briefing and an annotated report"),
        _(
            "Line the datasets up by indicator code and write OUTDIR/compare-briefing.pdf "
            "and OUTDIR/compare-report.pdf."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=_("dataset files (YAML), 2 to 30"))
    p.add_argument("-o", "--outdir", required=True, help=_("output folder"))
    p.add_argument("--no-pdfa", action="store_true", help=_("write plain PDF instead of PDF/A-2b"))
    p.add_argument("--draft", action="store_true", help=_(DRAFT_HELP))
    p.set_defaults(func=cmd_compare)

    p = command(
        "fonts",
        _("build or check the embedded font subsets"),
        _(
            "build: rebuild fonts/ from the Debian font packages; check: verify fonts/ "
            "against its manifest."
        ),
    )
    p.add_argument(
        "action",
        choices=("build", "check"),
        help=_("build: rebuild the subsets; check: compare them with the manifest"),
    )
    p.add_argument(
        "--dir",
        metavar="DIR",
        type=Path,
        help=_("the font folder to build into or check (default: the one documents use)"),
    )
    p.set_defaults(func=cmd_fonts)

    p = command(
        "init",
        _("write a commented starter dataset"),
        _("Write a starter dataset any district can fill in."),
    )
    p.add_argument("path", metavar="PATH", help=_("where to write the starter dataset"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing file"))
    p.set_defaults(func=cmd_init)

    p = command(
        "specimen",
        _("write the typography specimen PDF"),
        _("Write a few pages showing every text style and the hard typesetting cases."),
    )
    p.add_argument(
        "-o",
        "--output",
        default="specimen.pdf",
        metavar="PATH",
        help=_("where to write it (default: specimen.pdf)"),
    )
    p.set_defaults(func=cmd_specimen)

    p = command(
        "batch",
        _("build many datasets in parallel, skipping unchanged outputs"),
        _("Validate every dataset, then build the valid ones in worker processes."),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help=_("dataset files (YAML)"))
    p.add_argument("-o", "--outdir", required=True, help=_("output folder"))
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help=_("workers (default: the cores, or the cluster's threads)"),
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help=_("render on a Dask cluster (needs fazhi-briefing[dask]); see docs/batch.md"),
    )
    p.add_argument(
        "--scheduler-timeout",
        type=float,
        default=20.0,
        metavar=_("SECONDS"),
        help=_("how long to wait for the Dask scheduler to answer (default 20)"),
    )
    p.add_argument("--force", action="store_true", help=_("rebuild even when nothing changed"))
    _render_options(p, single)
    p.set_defaults(func=cmd_batch)

    p = command(
        "handout",
        _("numbered copies for a meeting, print-ready"),
        _("One PDF with N numbered copies, duplex-aware."),
    )
    p.add_argument("file", metavar="FILE", help=_("the dataset file (YAML)"))
    p.add_argument(
        "--copies",
        type=int,
        required=True,
        metavar="N",
        help=_("how many numbered copies (份号 000001 to N)"),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUT.pdf",
        help=_("the handout file (default: out/<stem>-handout.pdf)"),
    )
    p.add_argument(
        "--what",
        choices=(*single, "all", "both"),
        default=single[0],
        help=_("which documents each copy holds; all (or both): {documents}").format(
            documents=" + ".join(single)
        ),
    )
    p.add_argument(
        "--marking",
        metavar=_("TEXT"),
        help=_("a marking printed at the top left of each copy, such as 内部资料 注意保存"),
    )
    p.add_argument(
        "--watermark",
        metavar=_("TEXT"),
        help=_("a faint word across every page, such as 征求意见稿"),
    )
    p.add_argument(
        "--gray", action="store_true", help=_("print in gray only, for a black-and-white printer")
    )
    p.add_argument(
        "--booklet",
        action="store_true",
        help=_("impose each copy as an A3 booklet: print duplex, fold and staple"),
    )
    p.add_argument("--draft", action="store_true", help=_(DRAFT_HELP))
    _add_document_options(p)
    p.set_defaults(func=cmd_handout)

    p = command(
        "extract",
        _("draft a dataset from a report's text (.txt or .docx)"),
        _("Find the figures in a report and write a draft dataset for review."),
    )
    p.add_argument("report", metavar="REPORT", help=_("the report (.txt or .docx)"))
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="DRAFT.yaml",
        help=_("the draft dataset to write"),
    )
    p.add_argument("--json", action="store_true", help=_("write the raw extraction as JSON"))
    p.add_argument("--force", action="store_true", help=_("overwrite an existing draft"))
    p.set_defaults(func=cmd_extract)
    return parser


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so the atomic writer's clean-up runs and no temp file stays.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on `argv` (sys.argv when None) and return its exit status.

    0 when everything worked, 1 for bad input or a failed build, 2 for a usage error, 130 when
    interrupted.
    """
    domain = install_for_argparse()  # argparse's own words (usage:, error:) in the user's language
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits 2 on usage errors, 0 for --help
            return int(exc.code or 0)
    finally:
        restore_argparse(domain)
    with using(Reporter(getattr(args, "verbosity", Verbosity.NORMAL))):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Printable(sys.stdout), _Printable(sys.stderr)
    try:
        return int(args.func(args))
    except BriefingError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        _err(_("Interrupted: no partial output was left behind"))
        return 130
    except BrokenPipeError:
        # The reader went away (`briefing check … | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INPUT
    except OSError as exc:
        # A file-system refusal no check above foresaw: say it, with the path, without a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        _err(_("Error: {where}{reason}").format(where=where, reason=exc.strerror or exc))
        return EXIT_INPUT
    finally:
        sys.stdout, sys.stderr = streams
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run() -> None:
    """The `briefing` command and `python -m briefing`: `main` in a process of its own, then exit.

    Only here, never in `main` (which tests and other programs call in their own process), is the
    garbage collector tuned for a short-lived process (`briefing.process`).
    """
    from .process import collect_less, settle

    collect_less()
    try:
        code = main()
    finally:
        settle()
    sys.exit(code)


if __name__ == "__main__":
    run()
