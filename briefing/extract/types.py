r"""Define the values an extraction produces from a report's text: sections, figures and skipped
numbers.

They are frozen so that `extract_figures` can hand them to `draft_yaml` (or to JSON) without either
side changing what the other sees. Offsets are character offsets into the text `read_report`
returned (newlines normalised to `\n`), so a reviewer can jump to the printed figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Change, IndicatorKind, Qualifier


@dataclass(frozen=True, slots=True)
class Section:
    """One heading (一、 （一） 1. （1）) or enumeration (一是) of the report."""

    path: str  # the dataset's `source` format: 一（二）1, 二（一是）
    ident: str  # ascii form for ids: s1_2_1, s2_e1
    level: int  # 1 一、  2 （一）  3 1.  4 （1）  5 一是
    title: str
    offset: int  # where the heading's marker starts
    parent: str | None  # path of the enclosing section, None for a part (一、)


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure the report states, with what a reviewer needs to check it against the text."""

    value: float  # multipliers applied: 2万余 → 20000; signed for a change (下降 → negative)
    decimals: int
    unit: str
    kind: IndicatorKind
    qualifier: Qualifier
    printed: str  # exact wording in the text, e.g. 约300余件, 91％以上
    offset: int  # of `printed` in the text
    label: str  # drafted from the surrounding words; always needs review
    section: str  # Section.path, or "" before the first heading
    period: str  # the dataset's period code: 2024, 2024-01..2024-11, 2024-to-date
    period_words: str  # the words the period came from ("" when the report year was assumed)
    sentence: str
    sentence_offset: int
    change: Change | None = None  # a year-on-year change stated right after this count or rate
    change_printed: str = ""
    change_offset: int = -1  # of `change_printed` in the text, -1 when there is none
    prior: float | None = None  # 由X压缩至Y: X, printed in the text before the figure
    prior_printed: str = ""
    notes: tuple[str, ...] = ()  # why a reviewer should look twice (shared value, over 100% …)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A number in the text that was not taken as a figure, and why (date, year, hotline …)."""

    text: str
    offset: int
    reason: str
    section: str
    sentence: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything `extract_figures` found in one report's text."""

    title: str  # the title line, "" when none was recognised
    year: int  # the year the report covers
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...]
    skipped: tuple[Skipped, ...]
    text: str = field(repr=False)  # the report's text, which every offset points into
