"""Check the figures of a Dataset against the relations between them, giving one Finding per
relation and per stated change.

Every figure is read as the interval of values it can truthfully stand for (`derive.interval_of`),
so a relation is only called inconsistent when no choice of values within those intervals
satisfies it: rounding and hedge words (约, 余, 以上 …) never raise an alarm by themselves. Counts
are whole numbers, which the checks use: a rate with no stated denominator must come from some
whole-number denominator, and a year-on-year change from some whole-number base.

Findings are values, never exceptions: `verify` returns them all, the CLI prints them with
`format_finding`, and `strict_check` turns inconsistencies into a `VerificationError` for
`--strict`.

Status and severity:

    consistent    the figures agree                                   info
    inconsistent  no values within the printed figures agree          warning
    cannot_tell   a hedge leaves the check open, or periods differ    info (error: broken relation)
    derived       a figure the report implies but does not print      info
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from briefing.derive import (
    INF,
    Bound,
    Interval,
    change_interval,
    fixed,
    half_step,
    implied_change,
    implied_prior,
    implied_whole,
    integers_in,
    interval_of,
    rate_of,
    stated_prior_interval,
)
from briefing.errors import VerificationError
from briefing.i18n import ngettext
from briefing.model import STATUS_WORDS, Dataset, Indicator, Location, Relation

Status = Literal["consistent", "inconsistent", "cannot_tell", "derived"]
Severity = Literal["info", "warning", "error"]

STATUS_TEXT = STATUS_WORDS  # the one word list (model.STATUS_WORDS), under its older name

# Units that count the same things: 件次 counts handlings of 件, so the two are compared, with a
# note, because a report may mean either by them.
UNIT_FAMILIES: dict[str, str] = {"件次": "件"}

# Above this many candidate whole-number parts, the denominator check uses the interval's hull
# (still sound: it can only miss an inconsistency, never invent one).
_MAX_ENUMERATED = 10_000


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one check: what was compared, how, and what it means.

    `expected` is what the other figures imply for the checked one (a computed rate, a sum, a
    derived base or denominator), `stated` what the report prints for it, both as intervals;
    `difference` is stated − expected (an interval: how far off, at least and at most) when they
    disagree. `computation` writes the arithmetic out; `message` says in one Chinese sentence what
    a reader should know; `reason` says why a check could not be decided.
    """

    relation_id: str
    kind: str
    status: Status
    severity: Severity
    ids: tuple[str, ...]
    computation: str
    message: str
    expected: Interval | None = None
    stated: Interval | None = None
    difference: Interval | None = None
    reason: str | None = None
    location: Location | None = None


class _BrokenRelationError(Exception):
    """A relation that cannot be checked at all (an unknown id, a change with no change)."""


# -- public API ----------------------------------------------------------------------------------


def verify(dataset: Dataset, previous: Dataset | None = None) -> tuple[Finding, ...]:
    """Check every relation of the dataset, then derive the base of every change left unchecked.

    Findings come in dataset order: relations first, then one per indicator whose stated change
    no `change` relation covers. With `previous` (the same district's dataset of the year before),
    a stated change on a coded indicator with no stated prior is checked against the figure that
    dataset gives under the same code, instead of only deriving the base it implies.
    """
    if previous is None:
        previous = dataset.previous_year
    findings = [check_relation(dataset, relation, previous) for relation in dataset.relations]
    covered = {r.current for r in dataset.relations if r.kind == "change"}
    for indicator in dataset.indicators:
        if indicator.change is None or indicator.id in covered or indicator.kind == "change":
            continue
        findings.append(
            _change_finding(f"{indicator.id}.change", indicator, None, dataset, previous)
        )
    return tuple(findings)


def check_relation(
    dataset: Dataset, relation: Relation, previous: Dataset | None = None
) -> Finding:
    """One relation's finding; a relation that cannot be checked gives an error finding."""
    checks = {
        "rate": _check_rate,
        "total": _check_total,
        "subset": _check_subset,
        "same": _check_same,
    }
    check = checks.get(relation.kind)
    try:
        if relation.kind == "change":
            finding = _check_change(dataset, relation, previous)
        elif check is None:
            raise _BrokenRelationError(f"未知的关系类型“{relation.kind}”")
        else:
            finding = check(dataset, relation)
    except _BrokenRelationError as exc:
        return Finding(
            relation_id=relation.id,
            kind=relation.kind,
            status="cannot_tell",
            severity="error",
            ids=relation.indicator_ids,
            computation="",
            message=f"无法核对：{exc}",
            reason=str(exc),
            location=relation.location,
        )
    if finding.location is None:
        # Point at the relation in the dataset, which is what a reader would go and fix.
        finding = replace(finding, location=relation.location)
    return finding


def strict_check(findings: Iterable[Finding]) -> None:
    """Raise `VerificationError` listing every inconsistent or broken check (for --strict)."""
    bad = [f for f in findings if f.status == "inconsistent" or f.severity == "error"]
    if not bad:
        return
    n = len(bad)
    head = ngettext("{n} inconsistent figure found", "{n} inconsistent figures found", n).format(
        n=n
    )
    raise VerificationError(head + "\n" + "\n".join(f"  {format_finding(f)}" for f in bad))


def format_finding(finding: Finding) -> str:
    """One terminal line: severity, relation, status, the message and the arithmetic."""
    parts = [f"{finding.severity:<7}", f"{finding.relation_id}", f"[{STATUS_TEXT[finding.status]}]"]
    text = finding.message
    if finding.computation:
        text += f"（{finding.computation}）"
    if finding.location is not None:
        text += f"  @ {finding.location}"
    return " ".join(parts) + " " + " ".join(text.split())


# -- rate ----------------------------------------------------------------------------------------


def _check_rate(ds: Dataset, rel: Relation) -> Finding:
    part, rate = _get(ds, rel.part), _get(ds, rel.rate)
    if rel.whole is None:
        return _check_rate_without_whole(rel, part, rate)
    whole = _get(ds, rel.whole)
    p, w, r = interval_of(part), interval_of(whole), interval_of(rate)
    places = max(2, rate.decimals)
    try:
        computed = rate_of(p, w)
    except ZeroDivisionError:
        return _cannot_tell(rel, f"{whole.label}为0，无从计算比率", "")
    computation = (
        f"{_operand(part)} ÷ {_operand(whole)} × 100 = {_span(computed, '%', places)}"
        f"；报告所列 {_stated(rate)}"
    )
    finding = _Base(rel, computation, expected=computed, stated=r)
    if not computed.overlaps(r):
        off = _off_by(rate, computed, r, places)
        return finding.done(
            "inconsistent",
            f"{rate.label}应为{_span(computed, '%', places)}，报告写作{rate.printed}，"
            f"相差{off}个百分点",
            difference=r - computed,
        )
    if computed.is_bounded:
        return finding.done(
            "consistent",
            f"{rate.label}{rate.printed}与{part.label}÷{whole.label}"
            f"（{_span(computed, '%', places)}）相符",
        )
    return _undecided(finding, [part, whole])


def _check_rate_without_whole(rel: Relation, part: Indicator, rate: Indicator) -> Finding:
    p, r = interval_of(part), interval_of(rate)
    if not p.is_bounded:
        return _cannot_tell(rel, f"{part.label}写作{part.printed}，没有上限，无法反推总数", "")
    unit = part.unit
    if 0 in p and 0 in r:
        return _cannot_tell(rel, f"{part.label}可能为0，任何总数都得出0%", "")
    whole = implied_whole(p, r)
    computation = (
        f"{_operand(part)} ÷ {_factor(r, '%', rate.decimals + 1)} × 100 = {_span(whole, '', 3)}"
    )
    finding = _Base(rel, computation, expected=whole, stated=r)
    if part.kind != "count":
        return finding.done(
            "derived",
            f"按{part.label}{part.printed}、{rate.label}{rate.printed}推算，总数约为"
            f"{_span(whole, unit, 2)}",
        )
    wholes = _whole_denominators(p, r)
    if wholes is not None:
        lo, hi = wholes
        if hi is None:
            amount, said = f"{lo}{unit}及以上", f"不少于{lo}{unit}"
        elif lo == hi:
            amount, said = f"{lo}{unit}", f"为{lo}{unit}"
        else:
            amount, said = f"{lo}—{hi}{unit}", f"在{lo}—{hi}{unit}之间"
        return finding.done(
            "consistent",
            f"按{part.label}{part.printed}、{rate.label}{rate.printed}推算，总数{said}",
            computation=computation + f"，其中的整数：{amount}",
        )
    # No whole number of cases gives the printed rate: show the two nearest denominators.
    computation += "，区间内没有整数"
    if not p.is_point:
        return finding.done(
            "inconsistent",
            f"找不到能得出{rate.printed}的整数总数（{part.label}{part.printed}）",
            computation=computation,
        )
    k = Fraction(p.lo)
    below, above = max(int(whole.lo // 1), 1), int(whole.hi // 1) + 1
    near = [(d, k * 100 / d) for d in sorted({below, above}) if d >= k and d > 0]
    places = max(2, rate.decimals)
    shown = "，".join(f"{fixed(k, 0)} ÷ {d} × 100 = {fixed(x, places)}%" for d, x in near)
    closest = min(near, key=lambda dx: r.gap(Interval.point(dx[1])))[1] if near else None
    message = f"找不到能得出{rate.printed}的整数总数：{shown.replace(' × 100', '')}"
    # A common slip: the rate was cut off instead of rounded. Say so when that explains it.
    cut = [x for _, x in near if _truncate(x, rate.decimals) == Fraction(repr(rate.value))]
    if cut:
        message += (
            f"；{fixed(cut[0], rate.decimals + 1)}%舍去末位恰为{rate.printed}，疑为截尾而非四舍五入"
        )
    return finding.done(
        "inconsistent",
        message,
        computation=computation + (f"；{shown}" if shown else ""),
        difference=None if closest is None else r - Interval.point(closest),
    )


def _whole_denominators(p: Interval, r: Interval) -> tuple[int, int | None] | None:
    """The least and greatest whole denominator d with a whole part k in `p` and k/d in `r`.

    The greatest is None when there is no limit (a rate that may be 0 allows any large whole).
    """
    parts = integers_in(p)
    if len(parts) > _MAX_ENUMERATED:
        # Too many parts to try one by one: the hull is sound (it can only miss a problem).
        pairs = [(parts[0], implied_whole(p, r))]
    else:
        pairs = [(k, implied_whole(Interval.point(k), r)) for k in parts]
    least: int | None = None
    greatest: int | None = 0
    for k, whole in pairs:
        # A whole is at least its part and at least 1.
        fits = whole.intersection(Interval.at_least(max(k, 1)))
        if fits is None:
            continue
        if not fits.is_bounded:
            least = min(least, _ceil(fits)) if least is not None else _ceil(fits)
            greatest = None
            continue
        ints = integers_in(fits)
        if not ints:
            continue
        least = ints[0] if least is None else min(least, ints[0])
        if greatest is not None:
            greatest = max(greatest, ints[-1])
    return None if least is None else (least, greatest)


def _ceil(iv: Interval) -> int:
    """The least whole number in an interval bounded below."""
    return integers_in(Interval(iv.lo, iv.lo + 2, iv.lo_open))[0]


def _truncate(x: Fraction, decimals: int) -> Fraction:
    step = Fraction(1, 10**decimals)
    return (x // step) * step


# -- total and subset ----------------------------------------------------------------------------


def _check_total(ds: Dataset, rel: Relation) -> Finding:
    total = _get(ds, rel.total)
    parts = [_get(ds, i) for i in rel.parts]
    if (mismatch := _unit_mismatch([total, *parts])) is not None:
        return _cannot_tell(rel, mismatch, "")
    s = _sum(parts)
    t = interval_of(total)
    unit = total.unit
    computation = (
        f"{' + '.join(_operand(i) for i in parts)} = {_span(s, '', 2)}"
        f"；报告所列合计 {_stated(total)}{_period_note([total, *parts])}"
    )
    finding = _Base(rel, computation, expected=s, stated=t)
    if not s.overlaps(t):
        if _periods_differ([total, *parts]):
            return _undecided(finding, [], reason="合计与分项的统计期间不同，数字可以不等")
        return finding.done(
            "inconsistent",
            f"{total.label}按分项合计应为{_span(s, unit, 2)}，报告写作{total.printed}，"
            f"相差{_count_gap(s, t)}{unit}",
            difference=t - s,
        )
    if s.is_bounded and t.is_bounded:
        return finding.done(
            "consistent", f"{total.label}{total.printed}等于各分项之和{_span(s, unit, 2)}"
        )
    return _undecided(finding, [total, *parts])


def _check_subset(ds: Dataset, rel: Relation) -> Finding:
    whole = _get(ds, rel.whole)
    parts = [_get(ds, i) for i in rel.parts]
    if (mismatch := _unit_mismatch([whole, *parts])) is not None:
        return _cannot_tell(rel, mismatch, "")
    s = _sum(parts)
    w = interval_of(whole)
    unit = whole.unit
    lhs = " + ".join(_operand(i) for i in parts)
    if len(parts) > 1:
        lhs += f" = {_span(s, '', 2)}"
    computation = f"{lhs} ≤ {_stated(whole)}{_period_note([whole, *parts])}"
    finding = _Base(rel, computation, expected=s, stated=w)
    possible = (w - s).intersection(Interval.at_least(0)) is not None
    certain = s.hi <= w.lo
    if not possible:
        if _periods_differ([whole, *parts]):
            return _undecided(finding, [], reason="分项与总数的统计期间不同，分项可能多于总数")
        return finding.done(
            "inconsistent",
            f"分项之和{_span(s, unit, 2)}超过了{whole.label}{whole.printed}，"
            f"多出{_count_gap(s, w)}{unit}",
            difference=w - s,
        )
    if certain or (s.is_bounded and w.is_bounded):
        return finding.done(
            "consistent", f"分项之和{_span(s, unit, 2)}未超过{whole.label}{whole.printed}"
        )
    return _undecided(finding, [whole, *parts])


def _sum(indicators: Sequence[Indicator]) -> Interval:
    total = Interval.point(0)
    for i in indicators:
        total = total + interval_of(i)
    return total


# -- same ----------------------------------------------------------------------------------------


def _check_same(ds: Dataset, rel: Relation) -> Finding:
    inds = [_get(ds, i) for i in rel.ids]
    if (mismatch := _unit_mismatch(inds)) is not None:
        return _cannot_tell(rel, mismatch, "")
    intervals = [interval_of(i) for i in inds]
    unit_note = _unit_note(inds)
    stated_list = "；".join(f"{_where(i)}：{i.printed}" for i in inds)
    n = len(inds)
    clash = [
        (a, b) for a in range(n) for b in range(a + 1, n) if not intervals[a].overlaps(intervals[b])
    ]
    if clash:
        a, b = clash[0]
        ia, ib = inds[a], inds[b]
        computation = f"{stated_list}；{_operand(ia)} ≠ {_operand(ib)}{unit_note}"
        finding = _Base(rel, computation, expected=intervals[a], stated=intervals[b])
        if _periods_differ(inds):
            return _undecided(finding, [], reason="各处的统计期间不同，数字可以不等")
        what = ia.label if ia.label == ib.label else f"{ia.label}与{ib.label}"
        message = (
            f"{what}应为同一数字，{_where(ia)}写作{ia.printed}，{_where(ib)}写作{ib.printed}，"
            f"相差{_count_gap(intervals[a], intervals[b])}{ia.unit}"
        )
        if ia.unit != ib.unit:
            message += f"（“{ia.unit}”与“{ib.unit}”口径或有不同，请核实）"
        return finding.done("inconsistent", message, difference=intervals[b] - intervals[a])
    common = intervals[0]
    for iv in intervals[1:]:
        common = common.intersection(iv) or common  # never None: pairwise overlaps meet (Helly)
    computation = " = ".join(_operand(i) for i in inds) + f"（{stated_list}）{unit_note}"
    finding = _Base(rel, computation, expected=common, stated=intervals[0])
    if all(iv.is_bounded for iv in intervals):
        labels = list(dict.fromkeys(i.label for i in inds))
        printed = list(dict.fromkeys(i.printed for i in inds))
        value = printed[0] if len(printed) == 1 else "、".join(printed)
        where = "、".join(dict.fromkeys(_where(i) for i in inds))
        if len(labels) == 1:
            message = f"{labels[0]}在{where}均写作{value}，前后一致"
        else:
            message = f"{'、'.join(labels)}均为{value}，前后一致（见{where}）"
        return finding.done("consistent", message)
    return _undecided(finding, inds)


# -- change --------------------------------------------------------------------------------------


def _check_change(ds: Dataset, rel: Relation, previous: Dataset | None) -> Finding:
    current = _get(ds, rel.current)
    if current.change is None:
        raise _BrokenRelationError(f"{current.label}（{current.id}）没有写明同比变化")
    prior = _get(ds, rel.prior) if rel.prior is not None else None
    finding = _change_finding(rel.id, current, prior, ds, previous)
    return replace(finding, kind="change", ids=rel.indicator_ids, location=rel.location)


def _change_finding(
    ident: str, current: Indicator, prior: Indicator | None, ds: Dataset, previous: Dataset | None
) -> Finding:
    """A stated change checked against `prior`, else the stated prior value, else last year's
    dataset (same code), else the base it implies is derived.
    """
    if prior is not None or current.prior is not None or previous is None:
        return _check_stated_change(ident, current, prior)
    last = _last_year(current, ds, previous)
    if last is None:
        return _check_stated_change(ident, current, None)
    if isinstance(last, str):
        base = _Base.of(ident, "change", (current.id,), current.location)
        return replace(
            base, computation=f"报告所列 {current.change.text if current.change else ''}"
        ).cannot(last)
    finding = _check_stated_change(ident, current, last)
    where = (
        f"上年数字{_operand(last)}{last.unit}取自{previous.meta.title}（{last.source}，"
        f"{last.period.text}）"
    )
    # The prior lives in another file: keep this dataset's ids only, and say where it came from.
    return replace(
        finding, kind="change", ids=(current.id,), computation=f"{finding.computation}；{where}"
    )


def _last_year(current: Indicator, ds: Dataset, previous: Dataset) -> Indicator | str | None:
    """Last year's figure under the current one's code; a reason (str) when it cannot serve as the
    base of the stated change; None when there is nothing to compare with.
    """
    if current.code is None:
        return None
    last = next((i for i in previous.indicators if i.code == current.code), None)
    if last is None:
        return None
    label = f"上年报告（{previous.meta.title}）"
    if previous.meta.year != ds.meta.year - 1:
        return f"{label}是{previous.meta.year}年的，不是上一年，不能核对同比"
    if last.unit != current.unit:
        return (
            f"{label}的{last.label}以{last.unit}计，本年以{current.unit}计，口径不同，不能核对同比"
        )
    span = (current.period.kind, current.period.start_month, current.period.end_month)
    if (last.period.kind, last.period.start_month, last.period.end_month) != span:
        return (
            f"{label}的{last.label}统计期为{last.period.text}，本年为{current.period.text}，"
            "统计期不同，不能核对同比"
        )
    if last.qualifier != "exact" and not interval_of(last).is_bounded:
        return f"{label}写作{last.printed}，只给出下限，不能核对同比"
    return last


def _check_stated_change(ident: str, current: Indicator, prior: Indicator | None) -> Finding:
    """Check a stated change against a prior figure, or derive the prior it implies."""
    change = current.change
    assert change is not None
    c = interval_of(current)
    stated = change_interval(change)
    if prior is not None:
        p, prior_text = interval_of(prior), _operand(prior)
    else:
        p_stated = stated_prior_interval(current)
        if p_stated is None:
            return _derive_prior(ident, current)
        p, prior_text = p_stated, fixed(Fraction(repr(current.prior)), current.decimals)
    ids = (current.id,) + ((prior.id,) if prior is not None else ())
    base = _Base.of(ident, "change", ids, current.location)
    unit = change.unit
    try:
        computed = implied_change(c, p, unit)
    except ZeroDivisionError:
        return base.cannot(f"上年为0，{change.text}无从谈起")
    if unit == "个百分点":
        arithmetic = f"{_operand(current)} − {prior_text} = {_span(computed, '', 2)}个百分点"
    else:
        arithmetic = f"({_operand(current)} ÷ {prior_text} − 1) × 100 = {_span(computed, '%', 2)}"
    finding = replace(
        base,
        computation=f"{arithmetic}；报告所列 {change.text}"
        f"（即 {_span(stated, unit, change.decimals + 1)}）",
        expected=computed,
        stated=stated,
    )
    if not computed.overlaps(stated):
        word = "增长" if computed.hi > 0 else "下降"
        amount = _span(computed if computed.hi > 0 else -computed, unit, 2)
        return finding.done(
            "inconsistent",
            f"按上年{_with_unit(prior_text, current.unit)}计算，{current.label}同比应"
            f"{word}{amount}，"
            f"报告写作{change.text}",
            difference=stated - computed,
        )
    if computed.is_bounded:
        return finding.done(
            "consistent",
            f"{current.label}由上年{_with_unit(prior_text, current.unit)}到"
            f"{_with_unit(_operand(current), current.unit)}，"
            f"与{change.text}相符",
        )
    return _undecided(finding, [current] + ([prior] if prior is not None else []))


def _with_unit(operand: str, unit: str) -> str:
    """An operand with its unit, once: a hedged operand (200余件) already carries it."""
    return operand if operand.endswith(unit) else operand + unit


def _derive_prior(ident: str, current: Indicator) -> Finding:
    change = current.change
    assert change is not None
    c = interval_of(current)
    prior = implied_prior(c, change)
    unit = current.unit
    stated = change_interval(change)
    base = _Base.of(ident, "derived", (current.id,), current.location)
    if change.unit == "个百分点":
        arithmetic = (
            f"{_operand(current)} − {_span(stated, '', change.decimals + 1)} = "
            f"{_span(prior, '', 2)}"
        )
    else:
        factor = 1 + stated / 100
        arithmetic = (
            f"{_operand(current)} ÷ (1 + {fixed(Fraction(repr(change.signed)), change.decimals)}%)"
            f" = {_operand(current)} ÷ {_factor(factor, '', change.decimals + 3)}"
            f" = {_span(prior, '', 2)}"
        )
    finding = replace(base, computation=arithmetic, expected=prior, stated=stated)
    if not prior.is_bounded:
        return finding.cannot(f"{current.label}写作{current.printed}，无法推算上年数")
    if current.kind != "count":
        return finding.done(
            "derived",
            f"按{change.text}推算，上年{current.label}约为{_num(prior.midpoint, 2)}{unit}"
            f"（{_span(prior, unit, 2)}）",
        )
    wholes = integers_in(prior)
    if len(wholes):
        amount = f"{wholes[0]}" if len(wholes) == 1 else f"{wholes[0]}—{wholes[-1]}"
        verb = "应为" if len(wholes) == 1 and c.is_point else "约为"
        return finding.done(
            "derived",
            f"按{change.text}推算，上年{verb}{amount}{unit}",
            computation=arithmetic + f"，其中的整数：{amount}",
        )
    # Counts are whole: a change no whole-number base can produce is a wrong change (or count).
    arithmetic += "，区间内没有整数"
    if not c.is_point or change.unit == "个百分点":
        return finding.done(
            "inconsistent", f"找不到能得出{change.text}的整数上年数", computation=arithmetic
        )
    k = Fraction(c.lo)
    bases = sorted({max(int(prior.lo // 1), 1), int(prior.hi // 1) + 1})
    near = [(b, (k / b - 1) * 100) for b in bases]
    shown = "，".join(
        f"上年{b}{unit}则{'增长' if x >= 0 else '下降'}{fixed(abs(x), 2)}%" for b, x in near
    )
    closest = min(near, key=lambda bx: stated.gap(Interval.point(bx[1])))[1]
    return finding.done(
        "inconsistent",
        f"找不到能得出{change.text}的整数上年数：{shown}",
        computation=arithmetic,
        difference=stated - Interval.point(closest),
    )


# -- building findings ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RelLike:
    id: str
    kind: str
    ids: tuple[str, ...]
    location: Location | None


@dataclass(frozen=True, slots=True)
class _Base:
    """A finding under construction: what is checked and how; `done` adds the verdict."""

    rel_like: _RelLike | Relation
    computation: str
    expected: Interval | None = None
    stated: Interval | None = None

    @staticmethod
    def of(ident: str, kind: str, ids: tuple[str, ...], location: Location | None) -> _Base:
        return _Base(_RelLike(ident, kind, ids, location), "")

    def done(
        self,
        status: Status,
        message: str,
        *,
        computation: str | None = None,
        difference: Interval | None = None,
        reason: str | None = None,
    ) -> Finding:
        r = self.rel_like
        ids = r.indicator_ids if isinstance(r, Relation) else r.ids
        severity: Severity = "warning" if status == "inconsistent" else "info"
        return Finding(
            relation_id=r.id,
            kind=r.kind,
            status=status,
            severity=severity,
            ids=ids,
            computation=self.computation if computation is None else computation,
            message=message,
            expected=self.expected,
            stated=self.stated,
            difference=difference,
            reason=reason,
            location=r.location,
        )

    def cannot(self, reason: str) -> Finding:
        return self.done("cannot_tell", f"无法核对：{reason}", reason=reason)


def _cannot_tell(rel: Relation, reason: str, computation: str) -> Finding:
    return _Base(rel, computation).cannot(reason)


def _undecided(
    finding: _Base, hedged: Sequence[Indicator], *, reason: str | None = None
) -> Finding:
    """The figures do not contradict each other, but an open-ended hedge (or a period) leaves
    the relation unconfirmed.
    """
    if reason is None:
        open_ended = [i for i in hedged if not interval_of(i).is_bounded]
        named = "、".join(f"{i.label}写作{i.printed}" for i in open_ended) or "所涉数字没有上限"
        reason = f"{named}，只给出下限，数字不矛盾但无法确认"
    return finding.cannot(reason)


def _get(ds: Dataset, ident: str | None) -> Indicator:
    if ident is None:
        raise _BrokenRelationError("关系缺少所需的指标")
    if not ds.has_indicator(ident):
        raise _BrokenRelationError(f"关系引用了不存在的指标“{ident}”")
    return ds.indicator(ident)


# -- units and periods ---------------------------------------------------------------------------


def _family(unit: str) -> str:
    return UNIT_FAMILIES.get(unit, unit)


def _unit_mismatch(inds: Sequence[Indicator]) -> str | None:
    families = list(dict.fromkeys(_family(i.unit) for i in inds))
    if len(families) > 1:
        units = "、".join(dict.fromkeys(i.unit or "（无单位）" for i in inds))
        return f"单位不同（{units}），不能直接比较"
    return None


def _unit_note(inds: Sequence[Indicator]) -> str:
    units = list(dict.fromkeys(i.unit for i in inds))
    if len(units) > 1:
        return f"（{'与'.join(units)}按同一计量单位比较）"
    return ""


def _periods_differ(inds: Sequence[Indicator]) -> bool:
    return len({i.period for i in inds}) > 1


def _period_note(inds: Sequence[Indicator]) -> str:
    if not _periods_differ(inds):
        return ""
    return "（统计期间：" + "，".join(f"{_operand(i)}为{i.period.text}" for i in inds) + "）"


# -- how numbers are written -----------------------------------------------------------------------


def _where(indicator: Indicator) -> str:
    return indicator.source or indicator.area


def _num(x: Bound, places: int) -> str:
    if x == INF:
        return "∞"
    if x == -INF:
        return "-∞"
    f = Fraction(x)
    return str(f.numerator) if f.denominator == 1 else fixed(f, places)


def _span(iv: Interval, unit: str, places: int) -> str:
    """An interval in words: 99.01%, 99.85%—99.95%, 300—400件（不含两端）, 不少于90.5%."""
    lo, hi = _num(iv.lo, places), _num(iv.hi, places)
    if iv.is_point or (iv.is_bounded and lo == hi and not (iv.lo_open or iv.hi_open)):
        return f"{lo}{unit}"
    if iv.is_bounded:
        text = f"{lo}{unit}—{hi}{unit}"
        if iv.lo_open and iv.hi_open:
            return text + "（不含两端）"
        if iv.lo_open:
            return text + f"（不含{lo}）"
        if iv.hi_open:
            return text + f"（不含{hi}）"
        return text
    if iv.hi == INF and iv.lo != -INF:
        return ("大于" if iv.lo_open else "不少于") + f"{lo}{unit}"
    if iv.lo == -INF and iv.hi != INF:
        return ("小于" if iv.hi_open else "不超过") + f"{hi}{unit}"
    return "任意值"


def _factor(iv: Interval, unit: str, places: int) -> str:
    """An interval as an operand: in parentheses when it is a range (÷ (2.325—2.335))."""
    text = _span(iv, unit, places)
    return text if iv.is_point else f"({text})"


def _operand(indicator: Indicator) -> str:
    """A figure inside a computation: bare digits when exact, the printed wording when hedged."""
    if indicator.qualifier == "exact" and half_step(indicator) == 0:
        return _num(Fraction(repr(indicator.value)), indicator.decimals)
    if indicator.qualifier == "exact":
        return fixed(Fraction(repr(indicator.value)), indicator.decimals)
    return indicator.printed


def _stated(indicator: Indicator) -> str:
    """The printed figure, with the interval it stands for when that is not a single number."""
    iv = interval_of(indicator)
    if iv.is_point:
        return indicator.printed
    places = indicator.decimals + 1 if half_step(indicator) else indicator.decimals
    return f"{indicator.printed}（即 {_span(iv, indicator.unit, places)}）"


def _off_by(indicator: Indicator, expected: Interval, stated: Interval, places: int) -> str:
    """How far the printed figure is off, as a reader would compute it."""
    if indicator.qualifier == "exact" and expected.is_bounded:
        v = Fraction(repr(indicator.value))
        return fixed(abs(v - expected.midpoint), places)
    return _num(expected.gap(stated), places)


def _count_gap(a: Interval, b: Interval) -> str:
    """The distance between two count intervals: exact for points, at least the gap otherwise."""
    gap = a.gap(b)
    text = _num(gap, 2)
    return text if a.is_point and b.is_point else f"至少{text}"
