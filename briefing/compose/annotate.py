"""Turn an Indicator and the Findings that concern it into the words of its annotation, and mark
glossary terms at first use.

Everything a reader of the annotated report is told about one figure comes from here, so the
footnote printed under a table and the note that opens on screen say the same thing. The
wording is ours; figures, periods and section numbers come from the dataset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import STATUS_WORDS, Dataset, GlossaryEntry, Indicator, printed_figure


class FindingLike(Protocol):
    """The fields of a verification Finding the report reads (see `briefing.verify`)."""

    @property
    def relation_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def ids(self) -> tuple[str, ...]: ...
    @property
    def computation(self) -> str: ...
    @property
    def message(self) -> str: ...


STATUS_LABEL = STATUS_WORDS  # the one word list every document prints
STATUS_ORDER = ("inconsistent", "cannot_tell", "derived", "consistent")
# Colours whose grays differ (luma 48, 120, 83, 100 of 255), and a shape per status, so a
# grayscale print still tells them apart; the words carry the meaning in any case.
STATUS_COLOR = {
    "inconsistent": "#A00000",
    "cannot_tell": "#B86E00",
    "derived": "#2A5C8F",
    "consistent": "#3F7F3F",
}
STATUS_SHAPE = {
    "inconsistent": "■",
    "cannot_tell": "▲",
    "derived": "◆",
    "consistent": "○",
}
SEVERITY_LABEL = {"error": "错误", "warning": "提示", "info": "信息"}
RELATION_LABEL = {
    "rate": "比率",
    "total": "合计",
    "subset": "包含",
    "same": "同一数量",
    "change": "同比变化",
}
QUALIFIER_WORD = {
    "approx": "约",
    "more_than": "余",
    "at_least": "以上",
    "nearly": "近",
    "over": "超过",
}


def status_label(status: str) -> str:
    """The Chinese word printed for a finding's status."""
    return STATUS_LABEL.get(status, status)


def relation_label(kind: str) -> str:
    """The Chinese word printed for a kind of relation."""
    return RELATION_LABEL.get(kind, kind)


def bare_figure(ind: Indicator) -> str:
    """The figure without its hedge word: 300余件 → 300件, 91%以上 → 91%."""
    return printed_figure(abs(ind.value), ind.decimals, ind.unit, "count", "exact")


def qualifier_note(ind: Indicator) -> str | None:
    """What the hedge word in a printed figure commits the report to, in plain words."""
    bare = bare_figure(ind)
    if ind.qualifier == "more_than":
        return f"“余”只说明实际数字多于{bare}，确数报告没有给出。"
    if ind.qualifier == "at_least":
        return f"“以上”表示不低于{bare}（含{bare}本身），报告没有给出确切数值。"
    if ind.qualifier == "approx":
        return f"“约”表示{bare}是概数，实际数字可能略高或略低。"
    if ind.qualifier == "nearly":
        return f"“近”表示实际数字接近但不到{bare}。"
    if ind.qualifier == "over":
        return f"“超过”表示实际数字大于{bare}，多出多少报告没有说明。"
    return None


def period_note(ind: Indicator) -> str | None:
    """Why the period of a figure matters when it is not the whole year."""
    p = ind.period
    if p.kind == "months":
        return f"这一数字只统计到{p.text}，不是全年数，与同一报告中的全年数字对照时须注意口径不同。"
    if p.kind == "to_date":
        return "这一数字是报告成文时的累计数（截至报告时），不一定覆盖全年十二个月。"
    return None


def change_note(ind: Indicator) -> str | None:
    """Say what a year-on-year change rests on when the report omits the base."""
    if ind.kind == "change":
        return "这是同比变化率，报告没有给出本年和上年的绝对数，变化幅度无法单凭报告复算。"
    if ind.change is not None and ind.prior is None:
        return f"报告只说明{ind.change.text}，没有给出上年数字。"
    return None


# A formula or a range written in running text: figures joined by operators (57 ÷ 126 = 45.24%,
# 16 + 4 = 20, 99.85%—99.95%). It is set unbroken, so no line ends on an operator.
_FORMULA = re.compile(
    r"[(（]?[0-9][0-9.,%％]*[)）]?(?:\s*[-+×÷=≈≠≤≥<>—]\s*[(（]?[0-9][0-9.,%％]*[)）]?)+"
)


def formula_runs(text: str) -> list[tuple[str, bool]]:
    """Cut `text` into (run, unbreakable) pieces: formulas and ranges are unbreakable."""
    out: list[tuple[str, bool]] = []
    at = 0
    for m in _FORMULA.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], False))
        # A formula too long for a line breaks only before an equals sign, which then starts
        # the next line (the way Chinese typesetting turns a long equation).
        for k, piece in enumerate(re.split(r"\s(?==\s)", m.group())):
            out.append(((" " if k else "") + piece, len(piece) <= 40))
        at = m.end()
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def sentence(text: str) -> str:
    """`text` closed with exactly one full stop, whatever punctuation it ended with."""
    return text.rstrip("。；，、 ") + "。"


def finding_sentence(finding: FindingLike) -> str:
    """One finding as printed in a footnote and in the verification chapter."""
    calc = f"算式：{finding.computation}。" if finding.computation else ""
    return f"核对{status_label(finding.status)}：{sentence(finding.message)}{calc}"


@dataclass(frozen=True, slots=True)
class NotePart:
    """One clause of a footnote.

    Parts with the same `share` key say the same thing (one finding concerns several figures): a
    footnote lower on the same page prints `short` instead, with "{n}" standing for the number of
    the footnote that said it in full.
    """

    text: str
    color: str | None = None
    share: str | None = None
    short: str | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    """Everything said about one figure: its own clauses, the source, then the findings."""

    indicator_id: str
    parts: tuple[NotePart, ...]
    findings: tuple[FindingLike, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


def findings_by_indicator(findings: Sequence[FindingLike]) -> dict[str, list[FindingLike]]:
    """Findings under each indicator id they concern, in their order (one finding under several
    ids).
    """
    out: dict[str, list[FindingLike]] = {}
    for f in findings:
        for ident in dict.fromkeys(f.ids):
            out.setdefault(ident, []).append(f)
    return out


def annotate(
    ind: Indicator, findings: Sequence[FindingLike], *, max_findings: int | None = None
) -> Annotation | None:
    """The annotation of a figure, or None when it is an exact whole-year figure nothing concerns
    and the dataset adds no note. Past `max_findings` findings, the note counts them by status
    and points to the verification chapter instead of quoting each (a footnote must fit a page).
    """
    parts = [NotePart(t) for t in (qualifier_note(ind), period_note(ind), change_note(ind)) if t]
    if ind.note:
        parts.append(NotePart(f"说明：{sentence(ind.note)}"))
    if not parts and not findings:
        return None
    parts.append(NotePart(f"出处：报告{ind.source}。"))
    if max_findings is not None and len(findings) > max_findings:
        counts = {s: sum(1 for f in findings if f.status == s) for s in STATUS_ORDER}
        tally = "，".join(f"{STATUS_LABEL[s]}{n}处" for s, n in counts.items() if n)
        parts.append(
            NotePart(f"这一数字参与{len(findings)}处核对（{tally}），详见“数字核对”一章。")
        )
        return Annotation(ind.id, tuple(parts), tuple(findings))
    for f in findings:
        color = STATUS_COLOR.get(f.status)
        short = f"核对{status_label(f.status)}：见注{{n}}。"
        parts.append(NotePart(finding_sentence(f), color, f"finding:{f.relation_id}", short))
    return Annotation(ind.id, tuple(parts), tuple(findings))


# ---------------------------------------------------------------------------------------------
# Glossary marks

_QUOTES = "“”‘’\"'《》"


def _term_pattern(term: str) -> re.Pattern[str]:
    # The report often quotes a term or part of it (“八五”普法), so quotes may sit between its
    # characters without hiding it.
    gap = f"[{re.escape(_QUOTES)}]?"
    return re.compile(gap.join(re.escape(ch) for ch in term))


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text; `entry` is the glossary index when the run is a term's first use."""

    text: str
    entry: int | None = None


class GlossaryMarker:
    """Find each glossary term (or alias) the first time composition passes over it."""

    def __init__(self, glossary: Sequence[GlossaryEntry]):
        self.patterns: list[tuple[int, re.Pattern[str]]] = []
        for index, entry in enumerate(glossary):
            for name in (entry.term, *entry.aliases):
                self.patterns.append((index, _term_pattern(name)))
        # Longer names first, so 行政复议综合纠错率 is not eaten by a shorter overlapping term.
        self.patterns.sort(key=lambda p: -len(p[1].pattern))
        self.used: set[int] = set()

    def split(self, text: str) -> list[Piece]:
        """Cut `text` into plain runs and first uses, consuming the first uses it marks."""
        hits: list[tuple[int, int, int]] = []
        for index, pattern in self.patterns:
            if index in self.used or any(h[2] == index for h in hits):
                continue
            m = pattern.search(text)
            while m and any(m.start() < e and s < m.end() for s, e, _i in hits):
                m = pattern.search(text, m.start() + 1)
            if m:
                hits.append((m.start(), m.end(), index))
        hits.sort()
        pieces: list[Piece] = []
        at = 0
        for start, end, index in hits:
            if start > at:
                pieces.append(Piece(text[at:start]))
            pieces.append(Piece(text[start:end], index))
            self.used.add(index)
            at = end
        if at < len(text) or not pieces:
            pieces.append(Piece(text[at:]))
        return pieces


def dataset_keywords(ds: Dataset) -> tuple[str, ...]:
    """Keywords for the PDF: district, year, the kind of report, and the work areas."""
    return (
        ds.meta.district,
        f"{ds.meta.year}年",
        "法治政府建设",
        "年度报告",
        "注释版",
        *(a.title for a in ds.areas),
    )
