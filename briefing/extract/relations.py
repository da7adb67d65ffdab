"""Suggest relations between a report's figures: an `Extraction` in, relations for a person to
confirm out.

Nothing here is asserted. Each suggestion names the figures it ties (by their index in
`Extraction.figures`), the relation kind of the dataset's format (`rate`, `total`, `subset`, `same`,
`change`, see docs/dataset.md) and why it was suggested; for rates and totals it also says whether
the printed figures agree, computed with the same interval arithmetic `briefing check` uses
(`briefing.derive`), so that a rate printed as 95.87% whose counts give 95.76% stands out.

The wording the suggestions come from: 其中 / 分别 lists after a count (parts of a total or a
subset), 合计 / 共计 after parts, a rate beside the counts it is a ratio of (or 占比 / 占…的 after a
part), the same label or the same figure in two sections, and a stated change or before/after pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import cast

from ..derive import Interval, interval_of, rate_of
from ..i18n import N_
from ..model import Indicator
from .types import Extraction, Figure

# Words that make a count the whole of what follows it: intake, totals, handled.
WHOLE_WORDS = re.compile(r"受理|新收|收到|收案|立案|申请|共|累计|合计|总|排查|接待|登记")
TOTAL_AFTER = re.compile(r"(?:合计|共计|总计|累计|总共|一共|共)(?:有|为|达)?$")
SHARE_WORDS = re.compile(r"占(?:比|到)?|比例|比重")
RATE_REACH = 12  # counts before a rate in its section that may be its part or whole
SAME_MIN_VALUE = 3  # a repeated 1 or 2 is a coincidence, not a repeated figure
SAME_MAX_REPEATS = 8


# One clause of a reason: an English message (marked with N_) and the values of its {fields}.
Clause = tuple[str, tuple[tuple[str, str], ...]]
DISAGREES = N_("{part} ÷ {whole} = {shown}%: does not agree with {rate}")
SEPARATOR = N_("; ")  # between the clauses of a reason


def _say(message: str, **fields: object) -> Clause:
    return (message, tuple((name, str(value)) for name, value in fields.items()))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One relation for a reviewer to confirm: kind, its roles (figure indices) and why."""

    kind: str
    roles: tuple[tuple[str, int | tuple[int, ...]], ...]  # ("part", 3), ("parts", (4, 5)) …
    why: tuple[Clause, ...]

    @property
    def reason(self) -> str:
        """Why, in English: the draft is data and says it the same way in every locale."""
        return self.reason_in(str)

    def reason_in(self, translate: Callable[[str], str]) -> str:
        """Why, each clause passed through `translate` (the CLI's `_` for the terminal)."""
        return translate(SEPARATOR).join(translate(m).format(**dict(f)) for m, f in self.why)

    @property
    def disagrees(self) -> bool:
        """Whether the printed figures do not agree with the rate they should give."""
        return any(message == DISAGREES for message, _fields in self.why)

    @property
    def figures(self) -> tuple[int, ...]:
        out: list[int] = []
        for _, v in self.roles:
            out.extend(v if isinstance(v, tuple) else (v,))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class _Fig:
    """What `derive.interval_of` reads of an indicator."""

    value: float
    decimals: int
    kind: str
    qualifier: str
    unit: str


def _interval(f: Figure) -> Interval:
    return _interval_of(f.value, f.decimals, f.kind, f.qualifier, f.unit)


@lru_cache(maxsize=4096)
def _interval_of(value: float, decimals: int, kind: str, qualifier: str, unit: str) -> Interval:
    return interval_of(cast(Indicator, _Fig(value, decimals, kind, qualifier, unit)))


@lru_cache(maxsize=65536)
def _ratio(part: Interval, whole: Interval) -> Interval:
    return rate_of(part, whole)


def _family(unit: str) -> str:
    return unit[:-1] if len(unit) > 1 and unit.endswith("次") and unit != "人次" else unit


def _num(x: object) -> str:
    if isinstance(x, Fraction):
        return f"{float(x):.2f}".rstrip("0").rstrip(".")
    return str(x)


def _end(f: Figure) -> int:
    return f.offset + len(f.printed)


def suggest_relations(ex: Extraction) -> list[Suggestion]:
    """Every relation the wording of `ex` suggests, in the order of the figures they start from."""
    figs = ex.figures
    text = ex.text
    out: list[Suggestion] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()

    def add(s: Suggestion) -> None:
        key = (s.kind, tuple(sorted(s.figures)))
        if key not in seen and len(set(s.figures)) == len(s.figures):
            seen.add(key)
            out.append(s)

    totals_of: dict[int, int] = {}  # part index → index of the total or whole it belongs to
    for i, f in enumerate(figs):
        if f.change is not None:
            add(
                Suggestion(
                    "change",
                    (("current", i),),
                    (
                        _say(
                            N_("the report states a change ({change})"),
                            change=f.change_printed.strip(),
                        ),
                    ),
                )
            )
        if f.kind == "count":
            for s in _parts_after(figs, text, i, totals_of):
                add(s)
                for p in s.figures[1:]:
                    totals_of.setdefault(p, i)
            s2 = _total_after_parts(figs, text, i)
            if s2 is not None:
                add(s2)
        if f.kind == "rate" and f.unit == "%":
            s3 = _rate(figs, text, i, totals_of)
            if s3 is not None:
                add(s3)
    for s in _repeated(figs):
        add(s)
    return out


def _same_sentence_run(figs: tuple[Figure, ...], text: str, i: int) -> list[int]:
    """The counts after figure i in its sentence with its unit family, up to a parenthesis aside."""
    f = figs[i]
    run: list[int] = []
    last = f
    for j in range(i + 1, len(figs)):
        g = figs[j]
        if g.sentence_offset == f.sentence_offset and g.kind == "rate" and not run and j == i + 1:
            last = g  # 审结196件，审结率96.55%，其中维持138件…: the 其中 still counts 196
            continue
        if g.sentence_offset != f.sentence_offset or g.kind != "count" or _is_difference(g):
            break
        if _family(g.unit) != _family(f.unit):
            break
        gap = text[_end(last) : g.offset]
        if "（" in gap or "(" in gap:
            break  # 2件（继续有效2件）: the aside restates a part, it is not one
        run.append(j)
        last = g
    return run


def _is_difference(f: Figure) -> bool:
    """比上年增加41份: a difference between years, not a part of anything."""
    return any(note.startswith("printed after ") for note in f.notes)


def _parts_after(
    figs: tuple[Figure, ...], text: str, i: int, totals_of: dict[int, int]
) -> list[Suggestion]:
    """共…20件，其中A16件，B4件 → a total; parts left over, or a list under an intake count → a
    subset.
    """
    f = figs[i]
    run = _same_sentence_run(figs, text, i)
    if not run or (i in totals_of and totals_of.get(run[0]) == totals_of[i]):
        return []  # 79件，驳回26件，调解7件: 26 and 7 are siblings under 79, not whole and part
    between = text[_end(figs[run[0] - 1]) : figs[run[0]].offset]
    listed = re.search(r"其中|分别|包括|含", between) is not None
    before = text[f.sentence_offset : f.offset]
    whole_like = (
        WHOLE_WORDS.search(f.label) is not None or WHOLE_WORDS.search(before[-12:]) is not None
    )
    if not listed and not whole_like:
        return []
    if not listed and any(figs[j].value > f.value for j in run):
        return []
    out: list[Suggestion] = []
    exact = f.qualifier == "exact" and all(figs[j].qualifier == "exact" for j in run)
    used = 0
    if exact:
        running = 0.0
        for k, j in enumerate(run):
            running += figs[j].value
            if k >= 1 and abs(running - f.value) < 1e-9:
                parts = tuple(run[: k + 1])
                out.append(
                    Suggestion(
                        "total",
                        (("total", i), ("parts", parts)),
                        (
                            _say(
                                N_("其中 parts after {printed} add up to it")
                                if listed
                                else N_("parts after {printed} add up to it"),
                                printed=f.printed,
                            ),
                        ),
                    )
                )
                used = k + 1
                break
    rest = tuple(run[used:])
    if rest and sum(figs[j].value for j in rest) <= f.value + 1e-9:
        said = (
            _say(N_("counts listed after it (其中/分别) add up to no more than it"))
            if listed
            else _say(
                N_("counts after {printed}, which reads as a whole add up to no more than it"),
                printed=f.printed,
            )
        )
        out.append(Suggestion("subset", (("whole", i), ("parts", rest)), (said,)))
    elif rest and listed:
        out.append(
            Suggestion(
                "subset",
                (("whole", i), ("parts", rest)),
                (
                    _say(
                        N_(
                            "其中 parts whose sum exceeds the whole: overlapping categories, or a "
                            "misprint"
                        )
                    ),
                ),
            )
        )
    return out


def _total_after_parts(figs: tuple[Figure, ...], text: str, i: int) -> Suggestion | None:
    """A10件、B20件，合计30件 → a total whose parts come before it."""
    f = figs[i]
    # 合计 before the figure, or a table column headed 合计 (its label).
    if TOTAL_AFTER.search(
        text[max(f.sentence_offset, f.offset - 4) : f.offset]
    ) is None and not re.search(r"(?:合计|总计|小计|总数)$", f.label):
        return None
    parts: list[int] = []
    running = 0.0
    for j in range(i - 1, -1, -1):
        g = figs[j]
        if (
            g.sentence_offset != f.sentence_offset
            or g.kind != "count"
            or _family(g.unit) != _family(f.unit)
        ):
            break
        parts.insert(0, j)
        running += g.value
        if len(parts) >= 2 and abs(running - f.value) < 1e-9:
            return Suggestion(
                "total",
                (("total", i), ("parts", tuple(parts))),
                (
                    _say(
                        N_("the counts before 合计/共计 {printed} add up to it"), printed=f.printed
                    ),
                ),
            )
    return None


def _rate(
    figs: tuple[Figure, ...], text: str, i: int, totals_of: dict[int, int]
) -> Suggestion | None:
    """A rate beside two counts of its section that give it, or a share (占比) of a part."""
    r = figs[i]
    try:
        r_iv = _interval(r)
    except (ValueError, ZeroDivisionError):
        return None
    section = [
        j
        for j in range(max(0, i - 40), i)
        if figs[j].section == r.section and figs[j].kind == "count"
    ]
    section = section[-RATE_REACH:]
    clause = text[max(r.sentence_offset, r.offset - 12) : r.offset]
    nearest = (
        section[-1] if section and figs[section[-1]].sentence_offset == r.sentence_offset else None
    )
    share = SHARE_WORDS.search(clause)
    if share is not None and nearest is not None:
        # 其中刑事案件593件，占比23.97%: the part is the count before. 抽查案卷150卷，优秀案卷占比
        # 32%: the share has a subject of its own that is not printed as a count, so nothing is
        # suggested.
        subject = _clause_subject(text, figs[nearest], r)
        if subject:
            return None
        whole = totals_of.get(nearest)
        if whole is not None:
            return _rate_pair(
                figs, i, nearest, whole, N_("a share (占比) of the whole its part belongs to")
            )
        return Suggestion(
            "rate",
            (("part", nearest), ("rate", i)),
            (_say(N_("a share (占比) right after its part; the whole is not printed")),),
        )
    # Nearest pairs first: the counts a rate is computed from stand right before it, the whole
    # first, in the rate's sentence or the one before it.
    starts = sorted(
        {figs[j].sentence_offset for j in section if figs[j].sentence_offset < r.sentence_offset}
    )
    floor = starts[-1] if starts else r.sentence_offset
    near = [j for j in section if figs[j].sentence_offset >= floor]
    for p in reversed(near):
        for w in reversed(near):
            if w >= p:
                continue
            part_fig, whole_fig = figs[p], figs[w]
            if (
                _family(part_fig.unit) != _family(whole_fig.unit)
                or not 0 < part_fig.value <= whole_fig.value
            ):
                continue
            if part_fig.value == whole_fig.value and not (
                w == p - 1 and part_fig.sentence_offset == r.sentence_offset
            ):
                continue  # any two equal counts give 100%: only 受理10件，办结10件 right before it
            try:
                computed = _ratio(_interval(part_fig), _interval(whole_fig))
            except (ValueError, ZeroDivisionError):
                continue
            if computed.overlaps(r_iv) and computed.is_bounded and computed.hi - computed.lo < 5:
                return _rate_pair(
                    figs, i, p, w, N_("the two counts give this rate within printed precision")
                )
    # 受理100件，调解成功90件，成功率95%: the two counts right before a …率 in its sentence, even
    # when they do not give it (that is what `briefing check` is for).
    same = [j for j in section if figs[j].sentence_offset == r.sentence_offset]
    if r.label.endswith("率") and len(same) >= 2 and same[-1] == i - 1:
        p, w = same[-1], same[-2]
        part_fig, whole_fig = figs[p], figs[w]
        if (
            _family(part_fig.unit) == _family(whole_fig.unit)
            and 0 < part_fig.value <= whole_fig.value
            and abs(part_fig.value / whole_fig.value * 100 - r.value) <= 10
        ):
            return _rate_pair(figs, i, p, w, N_("a rate right after two counts of its sentence"))
    if nearest is not None and r.label.endswith("率"):
        stem = r.label[:-1]
        part_fig = figs[nearest]
        if len(stem) >= 2 and (
            stem.endswith(part_fig.label[-2:]) or part_fig.label.endswith(stem[-2:])
        ):
            return Suggestion(
                "rate",
                (("part", nearest), ("rate", i)),
                (
                    _say(
                        N_("{rate} follows {part}; the whole is not printed"),
                        rate=r.label,
                        part=part_fig.label,
                    ),
                ),
            )
    return None


def _clause_subject(text: str, part: Figure, r: Figure) -> str:
    """The words of the rate's clause before 占/比例 (empty when the clause opens with them)."""
    between = text[_end(part) : r.offset]
    clause = re.split(r"[，,；;。：:]", between)[-1]
    m = SHARE_WORDS.search(clause)
    words = clause[: m.start()] if m else clause
    return re.sub(r"[^\u4e00-\u9fff]|其中|分别|共|约|达", "", words)


def _rate_pair(figs: tuple[Figure, ...], i: int, p: int, w: int, why: str) -> Suggestion:
    r, part_fig, whole_fig = figs[i], figs[p], figs[w]
    try:
        computed = rate_of(_interval(part_fig), _interval(whole_fig))
        ok = computed.overlaps(_interval(r))
        lo, hi = computed.lo, computed.hi
        shown = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
        verdict = _say(
            DISAGREES if not ok else N_("{part} ÷ {whole} = {shown}%: agrees"),
            part=part_fig.printed,
            whole=whole_fig.printed,
            shown=shown,
            **({} if ok else {"rate": r.printed}),
        )
    except (ValueError, ZeroDivisionError):
        verdict = _say(N_("cannot be computed"))
    return Suggestion("rate", (("part", p), ("whole", w), ("rate", i)), (_say(why), verdict))


def _repeated(figs: tuple[Figure, ...]) -> list[Suggestion]:
    """The same label, or the same figure with shared words, in two or more sections."""
    out: list[Suggestion] = []
    by_label: dict[tuple[str, str], list[int]] = {}
    by_value: dict[tuple[float, str, str], list[int]] = {}
    for i, f in enumerate(figs):
        if not f.section:
            continue
        if len(f.label) >= 4 and f.label != "待补充":
            by_label.setdefault((f.label, f.kind), []).append(i)
        # Counts only: 100% in two sections are two rates that happen to be full, not one figure.
        if f.qualifier == "exact" and f.kind == "count" and f.value >= SAME_MIN_VALUE:
            by_value.setdefault((f.value, f.unit, f.kind), []).append(i)
    grouped: set[tuple[int, ...]] = set()
    out.extend(_narrower(figs))
    for (label, _), ids in by_label.items():
        picked = _one_per_section(figs, ids)
        if len(picked) >= 2 and len({_family(figs[j].unit) for j in picked}) == 1:
            grouped.add(tuple(picked))
            out.append(
                Suggestion(
                    "same",
                    (("ids", tuple(picked)),),
                    (
                        _say(
                            N_("the same words ({label}) in sections {sections}"),
                            label=label,
                            sections=_sections(figs, picked),
                        ),
                    ),
                )
            )
    for (value, _unit, _), ids in by_value.items():
        # Every figure with the value that shares words with the first of its cluster, when they
        # stand in two sections at least (8个镇 three times).
        if len(ids) > SAME_MAX_REPEATS:
            continue  # a number printed this often is a common number, not one figure repeated
        rest = list(ids)
        while len(rest) >= 2:
            cluster = [rest[0]] + [j for j in rest[1:] if _share_words(figs, [rest[0], j])]
            rest = [j for j in rest if j not in cluster]
            if value < 10 and len(cluster) < 2:
                continue  # a small number repeated with other words is usually a coincidence
            picked = cluster if value < 10 else cluster + rest
            if value >= 10:
                rest = []
            if len({figs[j].section for j in picked}) < 2 or any(
                set(picked) <= set(g) for g in grouped
            ):
                continue
            printed = figs[picked[0]].printed
            out.append(
                Suggestion(
                    "same",
                    (("ids", tuple(sorted(picked))),),
                    (
                        _say(
                            N_("{printed} printed in sections {sections}: the same figure?"),
                            printed=printed,
                            sections=_sections(figs, sorted(picked)),
                        ),
                    ),
                )
            )
    return out


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _narrower(figs: tuple[Figure, ...]) -> list[Suggestion]:
    """新收行政复议申请177件 … 新收涉企行政复议申请79件: the narrower count is a subset of the
    wider.
    """
    buckets: dict[tuple[str, str, str], list[int]] = {}
    for i, f in enumerate(figs):
        if f.kind == "count" and len(f.label) >= 4 and f.label != "待补充":
            buckets.setdefault((f.label[:2], f.label[-2:], _family(f.unit)), []).append(i)
    out = []
    for ids in buckets.values():
        for a in ids[:30]:
            for b in ids[:30]:
                fig_a, fig_b = figs[a], figs[b]
                extra = len(fig_b.label) - len(fig_a.label)
                if (
                    0 < extra <= 4
                    and fig_a.section != fig_b.section
                    and fig_b.value <= fig_a.value
                    and _is_subsequence(fig_a.label, fig_b.label)
                ):
                    out.append(
                        Suggestion(
                            "subset",
                            (("whole", a), ("parts", (b,))),
                            (
                                _say(
                                    N_("{narrower} reads as a narrower kind of {wider}"),
                                    narrower=fig_b.label,
                                    wider=fig_a.label,
                                ),
                            ),
                        )
                    )
    return out


def _one_per_section(figs: tuple[Figure, ...], ids: list[int]) -> list[int]:
    picked: dict[str, int] = {}
    for j in ids:
        picked.setdefault(figs[j].section, j)
    sections = {figs[j].section for j in picked.values()}
    return sorted(picked.values()) if len(sections) >= 2 else []


def _sections(figs: tuple[Figure, ...], ids: list[int]) -> str:
    return "、".join(figs[j].section for j in ids)


def _share_words(figs: tuple[Figure, ...], ids: list[int]) -> bool:
    """Do the labels (and the words right after each figure) share a two-character word?"""

    def grams(f: Figure) -> set[str]:
        label = re.sub(r"[^\u4e00-\u9fff]", "", f.label)
        # 8个镇 / 8个乡镇: the noun right after a figure names what it counts.
        start = f.offset - f.sentence_offset + len(f.printed)
        noun = re.sub(r"[^\u4e00-\u9fff]", "", f.sentence[start : start + 2])
        return {label[k : k + 2] for k in range(len(label) - 1)} | set(noun)

    first = grams(figs[ids[0]])
    return all(first & grams(figs[j]) for j in ids[1:])
