"""Turn what a command has to say into lines on the terminal: data and results to stdout, progress,
warnings and errors to stderr, each filtered by the verbosity the user chose.

Every command prints through one `Reporter` (`cli`, `batch`, `handout`, `extract`, `watch`), so
`--quiet` and `--verbose` mean the same everywhere:

    quiet    errors only (and data asked for explicitly, such as `briefing schema`)
    normal   results (what was written, check's summary) on stdout, progress on stderr
    verbose  also each step with its time on stderr

The streams are looked up when a line is written, not when the reporter is made, so the CLI's
wrapper of sys.stdout and pytest's capture both apply.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TextIO

from .errors import BriefingError
from .i18n import _


class Verbosity(IntEnum):
    """How much a command says."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


class Reporter:
    """The one way a command writes to the terminal."""

    def __init__(
        self,
        verbosity: Verbosity = Verbosity.NORMAL,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.verbosity = verbosity
        self._out = out
        self._err = err

    @property
    def out(self) -> TextIO:
        """Where data and results go (stdout unless given)."""
        return self._out if self._out is not None else sys.stdout

    @property
    def err(self) -> TextIO:
        """Where progress, warnings and errors go (stderr unless given)."""
        return self._err if self._err is not None else sys.stderr

    @property
    def quiet(self) -> bool:
        """Whether only errors are shown."""
        return self.verbosity <= Verbosity.QUIET

    @property
    def verbose(self) -> bool:
        """Whether each step is shown with its time."""
        return self.verbosity >= Verbosity.VERBOSE

    def data(self, text: str) -> None:
        """Output the user asked for (a schema): stdout, even under --quiet."""
        self._write(self.out, text)

    def result(self, text: str) -> None:
        """What a command found or made (check's summary, a written file): stdout, unless quiet."""
        if not self.quiet:
            self._write(self.out, text)

    def progress(self, text: str) -> None:
        """A line about work under way (batch's per-output lines, watch's rebuilds): stderr."""
        if not self.quiet:
            self._write(self.err, text)

    def step(self, text: str) -> None:
        """One step of the work and its time: stderr, only with --verbose."""
        if self.verbose:
            self._write(self.err, text)

    def warn(self, text: str) -> None:
        """Something the user should know that does not fail the run: stderr, not when quiet."""
        if not self.quiet:
            self._write(self.err, _("Warning: {message}").format(message=text))

    def error(self, text: str) -> None:
        """A failure: stderr, always."""
        self._write(self.err, text)

    def fail(self, exc: BriefingError) -> int:
        """Print an expected failure as `Kind: message` and return the exit status for it (1)."""
        self.error(f"{exc.kind}: {exc}")
        return 1

    @contextmanager
    def timed(self, what: str) -> Iterator[None]:
        """Report `what` and how long it took as a step (only with --verbose)."""
        start = time.perf_counter()
        yield
        self.step(
            _("  {what}: {seconds:.2f} s").format(what=what, seconds=time.perf_counter() - start)
        )

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        stream.write(text + "\n")
        stream.flush()


_current = Reporter()


def current() -> Reporter:
    """The reporter of the command running now (a normal one outside the CLI)."""
    return _current


@contextmanager
def using(reporter: Reporter) -> Iterator[Reporter]:
    """Make `reporter` the current one for the duration of a command."""
    global _current
    previous, _current = _current, reporter
    try:
        yield reporter
    finally:
        _current = previous
