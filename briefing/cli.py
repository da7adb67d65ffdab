"""Turn command-line arguments into calls on the pipeline, and results or errors into text and an
exit code.

This is the only module that prints and picks exit codes: 0 success, 1 bad input or a failed
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

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

DEFAULT_WAIT = 120.0  # output.DEFAULT_WAIT_SECONDS, without importing it for --help
WAIT_HELP = (
    f"when another run is writing into the output folder, wait this long for it "
    f"(default {DEFAULT_WAIT:g}; 0: refuse at once)"
)
DRAFT_HELP = (
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
    print(message, file=sys.stderr)


def _fail(exc: BriefingError) -> int:
    _err(f"{exc.kind}: {exc}")
    return EXIT_INPUT


# ---------------------------------------------------------------------------------------------
# check


def _summary(dataset: object, *, draft: bool = False) -> str:
    from .model import Dataset

    assert isinstance(dataset, Dataset)
    ds = dataset
    m = ds.meta
    lines = [
        f"{ds.path}: {'valid, but a draft' if draft else 'valid'} — {m.title}",
        (
            f"  {m.province}{m.city}{m.district}, {m.year}年; issued by {'、'.join(m.issuers)}; "
            f"dated {m.date.isoformat()}"
        ),
        (
            f"  {len(ds.indicators)} indicators ({sum(i.headline for i in ds.indicators)} "
            "headline), "
            f"{len(ds.relations)} relations, {len(ds.charts)} charts, {len(ds.glossary)} "
            "glossary terms, "
            f"{len(ds.shortcomings)} shortcomings, {len(ds.plans)} plans"
        ),
        "  per area:",
    ]
    width = max((len(a.id) for a in ds.areas), default=0)
    for area in ds.areas:
        count = len(ds.indicators_in(area.id))
        lines.append(f"    {area.id:<{width}}  {area.source:<8} {count:>3}  {area.title}")
    periods = Counter(i.period.text for i in ds.indicators)
    qualifiers = Counter(i.qualifier for i in ds.indicators)
    kinds = Counter(i.kind for i in ds.indicators)
    lines.append("  periods:    " + "; ".join(f"{k} {v}" for k, v in periods.most_common()))
    lines.append("  qualifiers: " + "; ".join(f"{k} {v}" for k, v in qualifiers.most_common()))
    lines.append("  kinds:      " + "; ".join(f"{k} {v}" for k, v in kinds.most_common()))
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
        (
            f"  codes:      {len(coded)} of {len(cat.entries)} catalogue indicators covered; "
            f"{len(ds.indicators) - len(coded)} figures carry no code"
        )
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
    head = (
        f"  draft: {len(items)} unfinished field{'s' if len(items) != 1 else ''} "
        f"({len(items) - reviews} placeholder{'s' if len(items) - reviews != 1 else ''} "
        f"{'/'.join(PLACEHOLDERS)}, {reviews} `# REVIEW` mark{'s' if reviews != 1 else ''}); "
        "build refuses it unless --draft"
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
            f"--{name}", choices=values, help=f"{' and '.join(users)} option (default {values[0]})"
        )


def cmd_check(args: argparse.Namespace) -> int:
    """`briefing check`: validate and verify each file, print findings; 1 if any file fails."""
    from .build import prepare
    from .drafts import refuse_draft
    from .series import peers_of
    from .verify import format_finding, strict_check

    status = EXIT_OK
    # Several files given together: a district's other years among them form its series.
    peers = peers_of(args.files) if len(args.files) > 1 else {}
    for path in args.files:
        try:
            ds, findings = prepare(path, peers.get(str(path), ()))
        except BriefingError as exc:
            status = _fail(exc)
            continue
        unfinished_lines = _unfinished_lines(ds)
        print(_summary(ds, draft=bool(unfinished_lines)))
        notable = [f for f in findings if f.status != "consistent"]
        print(
            f"  verification: {len(findings)} checks, "
            f"{sum(f.status == 'inconsistent' for f in findings)} inconsistent, "
            f"{sum(f.status == 'cannot_tell' for f in findings)} cannot tell, "
            f"{sum(f.status == 'derived' for f in findings)} derived"
        )
        shown = findings if args.verbose else notable
        for f in shown:
            print("    " + format_finding(f))
        for line in unfinished_lines:
            print(line)
        if args.strict:
            try:
                strict_check(findings)
                refuse_draft(ds)
            except BriefingError as exc:
                status = _fail(exc)
    return status


# ---------------------------------------------------------------------------------------------
# build


def cmd_build(args: argparse.Namespace) -> int:
    """`briefing build`: write each dataset's documents; 1 if any dataset fails."""
    from .build import DOCUMENTS, build_file, output_conflicts
    from .errors import OutputError

    only = (args.only,) if args.only else DOCUMENTS
    status = EXIT_OK
    conflicts = output_conflicts(args.files)
    from .series import peers_of

    # Several files given together: a district's other years among them form its series.
    peers = peers_of(args.files) if len(args.files) > 1 else {}
    done: set[str] = set()
    for path in args.files:
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
            ):
                if built.removed:
                    print(
                        f"{built.path}  removed: it was made from another version of the dataset; "
                        "build it again to have it"
                    )
                    continue
                print(
                    f"{built.path}  {built.pages} page{'s' if built.pages != 1 else ''}, "
                    f"{built.size_bytes / 1024:.0f} KiB, {built.seconds:.2f} s"
                )
        except BriefingError as exc:
            status = _fail(exc)
    return status


# ---------------------------------------------------------------------------------------------
# compare


def cmd_compare(args: argparse.Namespace) -> int:
    """`briefing compare`: build the comparison pack of several datasets."""
    from .pack import build_pack

    for built in build_pack(args.files, args.outdir, pdfa=not args.no_pdfa, draft=args.draft):
        print(
            f"{built.path}  {built.pages} page{'s' if built.pages != 1 else ''}, "
            f"{built.size_bytes / 1024:.0f} KiB, {built.seconds:.2f} s"
        )
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# fonts


def cmd_fonts(args: argparse.Namespace) -> int:
    """`briefing fonts build|check`: rebuild the font subsets, or check them against the
    manifest.
    """
    from . import fonts

    folder = args.dir or fonts.fonts_dir()
    if args.action == "build":
        import logging

        from .fontbuild import build_all

        # Progress of the ~30 s build; fontTools itself is far too chatty at INFO.
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        logging.getLogger("briefing").setLevel(logging.INFO)
        for path in build_all(folder, jobs=2):
            print(f"built {path}  {path.stat().st_size / 1e6:.2f} MB")
        return EXIT_OK
    from .fontbuild import check_manifest

    problems = check_manifest(folder)
    for problem in problems:
        _err(f"FontError: {problem}")
    if not problems:
        print(f"{folder}: all font files match the manifest")
    return EXIT_INPUT if problems else EXIT_OK


# ---------------------------------------------------------------------------------------------
# init


def cmd_init(args: argparse.Namespace) -> int:
    """`briefing init`: write the starter dataset, never over an existing file unless forced."""
    from importlib.resources import files

    from .output import atomic_write

    target = Path(args.path)
    if target.is_symlink():  # also a dangling one, which exists() calls absent
        _err(f"OutputError: {target} is a symlink; remove it or choose another path")
        return EXIT_INPUT
    if target.exists() and not args.force:
        _err(f"OutputError: {target} exists; pass --force to overwrite it")
        return EXIT_INPUT
    text = files("briefing").joinpath("templates/starter.yaml").read_text(encoding="utf-8")
    # Temporary file and rename: a full disk leaves the old file (or none), never a 0-byte one.
    atomic_write(target, text.encode("utf-8"))
    print(f"wrote {target}; fill it in, then run: briefing check {target}")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------
# specimen


def cmd_specimen(args: argparse.Namespace) -> int:
    """`briefing specimen`: write the typesetting specimen PDF."""
    from .output import atomic_write
    from .render.specimen import specimen_pdf

    atomic_write(Path(args.output), specimen_pdf())
    print(f"wrote {args.output}")
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, with the documents and options of the registry."""
    from . import documents

    single = documents.names()
    parser = argparse.ArgumentParser(
        prog="briefing",
        description=(
            "Turn a rule-of-law report dataset (YAML) into a one-page briefing and an annotated "
            "report (PDF)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "check",
        help="validate datasets and verify their figures",
        description="Validate each dataset, print a summary and the verification findings.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--strict",
        action="store_true",
        help="treat inconsistent figures and unfinished draft fields as errors (exit 1)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list consistent checks too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build",
        help="build the briefing and/or report PDFs",
        description="Write OUTDIR/<stem>-<document>.pdf for each dataset and each document: "
        + ", ".join(f"{n} ({documents.get(n).help})" for n in single)
        + ".",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--outdir", default="out", help="output folder (default: out)")
    p.add_argument("--only", choices=single, help="build one document only")
    p.add_argument(
        "--strict", action="store_true", help="refuse to build when figures are inconsistent"
    )
    p.add_argument("--no-pdfa", action="store_true", help="write plain PDF instead of PDF/A-2b")
    p.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    p.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS", help=WAIT_HELP)
    _add_document_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "compare",
        help="compare 2 to 30 districts: a one-page briefing and an annotated report",
        description="Line the datasets up by indicator code and write OUTDIR/compare-briefing.pdf "
        "and OUTDIR/compare-report.pdf.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--outdir", required=True, help="output folder")
    p.add_argument("--no-pdfa", action="store_true", help="write plain PDF instead of PDF/A-2b")
    p.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "fonts",
        help="build or check the embedded font subsets",
        description=(
            "build: rebuild fonts/ from the Debian font packages; check: verify fonts/ against "
            "its manifest."
        ),
    )
    p.add_argument("action", choices=("build", "check"))
    p.add_argument(
        "--dir",
        metavar="DIR",
        type=Path,
        help="the font folder to build into or check (default: the one documents use)",
    )
    p.set_defaults(func=cmd_fonts)

    p = sub.add_parser(
        "init",
        help="write a commented starter dataset",
        description="Write a starter dataset any district can fill in.",
    )
    p.add_argument("path", metavar="PATH")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "specimen",
        help="write the typography specimen PDF",
        description="Write a few pages showing every text style and the hard typesetting cases.",
    )
    p.add_argument("-o", "--output", default="specimen.pdf", metavar="PATH")
    p.set_defaults(func=cmd_specimen)

    p = sub.add_parser(
        "batch",
        help="build many datasets in parallel, skipping unchanged outputs",
        description="Validate every dataset, then build the valid ones in worker processes.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--outdir", required=True)
    p.add_argument(
        "-j", "--jobs", type=int, help="workers (default: the cores, or the cluster's threads)"
    )
    p.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="render on a Dask cluster (needs fazhi-briefing[dask]); see docs/batch.md",
    )
    p.add_argument(
        "--scheduler-timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="how long to wait for the Dask scheduler to answer (default 20)",
    )
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--only", choices=single, help="build one document only")
    p.add_argument("--no-pdfa", action="store_true")
    p.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    p.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS", help=WAIT_HELP)
    _add_document_options(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser(
        "handout",
        help="numbered copies for a meeting, print-ready",
        description="One PDF with N numbered copies, duplex-aware.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--copies", type=int, required=True)
    p.add_argument("-o", "--output", metavar="OUT.pdf")
    p.add_argument(
        "--what",
        choices=(*single, "all", "both"),
        default=single[0],
        help=f"which documents each copy holds; all (or both): {' + '.join(single)}",
    )
    p.add_argument("--marking", metavar="TEXT")
    p.add_argument("--watermark", metavar="TEXT")
    p.add_argument("--gray", action="store_true")
    p.add_argument("--booklet", action="store_true")
    p.add_argument("--draft", action="store_true", help=DRAFT_HELP)
    _add_document_options(p)
    p.set_defaults(func=cmd_handout)

    p = sub.add_parser(
        "extract",
        help="draft a dataset from a report's text (.txt or .docx)",
        description="Find the figures in a report and write a draft dataset for review.",
    )
    p.add_argument("report", metavar="REPORT")
    p.add_argument("-o", "--output", required=True, metavar="DRAFT.yaml")
    p.add_argument("--json", action="store_true", help="write the raw extraction as JSON")
    p.add_argument("--force", action="store_true", help="overwrite an existing draft")
    p.set_defaults(func=cmd_extract)
    return parser


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so the atomic writer's clean-up runs and no temp file stays.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on `argv` and return its exit status.

    0 when everything worked, 1 for bad input or a failed build, 2 for a usage error, 130 when
    interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 for --help
        return int(exc.code or 0)
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
        _err("Interrupted: no partial output was left behind")
        return 130
    except BrokenPipeError:
        # The reader went away (`briefing check … | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INPUT
    except OSError as exc:
        # A file-system refusal no check above foresaw: say it, with the path, without a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"Error: {where}{exc.strerror or exc}")
        return EXIT_INPUT
    finally:
        sys.stdout, sys.stderr = streams
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
