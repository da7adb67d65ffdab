"""Map every expected failure to one exception family; the CLI turns them into `Kind: message`.

BriefingError                 base: an expected failure, never a bug
├── DatasetError              the dataset file is unreadable or invalid (carries all Problems)
├── FontCoverageError         a character to be drawn is missing from the face that draws it
├── LayoutOverflowError       content cannot be fitted (the briefing's one page), even tightened
├── VerificationError         --strict: the figures are inconsistent
├── OutputError               the PDF cannot be written safely (path, permissions, disk)
└── ReportError               a report to extract figures from is unreadable or unsupported
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import ngettext


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix it."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class BriefingError(Exception):
    """Base of all expected failures; `kind` is what the CLI prints before the message."""

    kind = "Error"


class DatasetError(BriefingError):
    """A dataset could not be read or is invalid; `problems` lists every defect found."""

    kind = "DatasetError"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        n = len(self.problems)
        head = ngettext("{n} problem found", "{n} problems found", n).format(n=n)
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))

    def __reduce__(self) -> tuple[type[DatasetError], tuple[tuple[Problem, ...]]]:
        # Exceptions cross process boundaries by pickle, which would rebuild this one from its
        # message string; rebuild it from its problems instead.
        return (DatasetError, (self.problems,))


class FontCoverageError(BriefingError):
    """Text needs a character the embedded font subsets do not have."""

    kind = "FontCoverageError"


class LayoutOverflowError(BriefingError):
    """Content cannot be fitted (the briefing's one page) even after tightening."""

    kind = "LayoutOverflowError"


class VerificationError(BriefingError):
    """`--strict` found figures that do not agree with their relations."""

    kind = "VerificationError"


class OutputError(BriefingError):
    """An output cannot be written; the previous file, if any, is left as it was."""

    kind = "OutputError"


class ReportError(BriefingError):
    """A report given to `briefing extract` cannot be read (missing, wrong format, undecodable)."""

    kind = "ReportError"
