"""Turn printed figures (Indicators, Changes) into the Intervals of real values they can stand for,
and derive rates, totals and baselines from them.

Pure functions, no I/O. A report prints rounded and hedged figures — 99.9%, 300余件, 91%以上 — so a
figure is not a number but a set of numbers it may truthfully describe. Every check of the
verification stage is done on those sets: two figures contradict each other only when no choice of
real values within them satisfies the relation. That is what keeps rounding and hedge words from
ever raising a false alarm.

Arithmetic is exact: finite ends are `fractions.Fraction`, so 1098/1109 is not a float
approximation and an open end at 300 really excludes 300. Infinite ends are the floats ±inf and
are always open.

Interpretation of qualifiers (v = printed value, d = printed decimals, h = `half_step`: half the
step of the last printed digit, ½·10^−d, but 0 for a count printed as a whole number, which is
exact — unless it is printed in 万, where 2万 stands for 15000–25000; see `half_step`):

    exact      [v − h, v + h]        99.9% → [99.85, 99.95]; 1098件 → [1098, 1098]
    approx 约  [min(0.9v, v − h), max(1.1v, v + h)]     ±10 %, see `APPROX_RELATIVE`
    more_than  (v, v + step)         余/多; step = place of v's last non-zero digit:
                                     300余 → (300, 400), 20余 → (20, 30), 2万余 → (20000, 30000)
    at_least   [v, ∞)                以上; a rate stops at 100: 91%以上 → [90.5, 100]
    nearly 近  [0.9v, v)             近200人 → [180, 200)
    over 超过  (v, ∞)

Where h > 0 (rates, figures with decimals) the hedged forms also allow for the rounding of the
digits before the hedge word: they start at v − h, closed (91%以上 → [90.5, 100]), and 近 ends at
v + h, closed. A writer whose rate is 90.96% may well print "91%以上"; that is rounding, not an
error, and must not be flagged. Rates are clipped to [0, 100], counts to [0, ∞). A hedge on a
negative change applies to its size: 下降50余% → (−60, −49.5].
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

from briefing.model import Change, Indicator, magnitude

Bound: TypeAlias = Fraction | float
"""A finite end is a Fraction; an infinite end is the float ±inf."""

Number: TypeAlias = int | float | Fraction | Decimal

INF = math.inf

APPROX_RELATIVE = Fraction(1, 10)
"""约 is read as within ±10 % of the printed value. Reports round 约 figures to two significant
digits or coarser (约1.5万, 约300); rounding to two digits is off by at most ±5 % (约10 = 9.5–10.5),
so ±10 % leaves room for a looser 约 without ever flagging an honest one, while still catching a
figure that is off by a factor (约300 vs 95)."""

NEARLY_RELATIVE = Fraction(9, 10)
"""近 v is read as at least 0.9·v: 近200 may be 185 but not 120."""


def exact(x: Number) -> Bound:
    """A number as an exact Fraction; floats by their shortest decimal form (0.1 → 1/10).

    Dataset values are decimals written in YAML; `repr` gives back exactly those digits, whereas
    `Fraction(0.1)` would be the binary approximation 3602879701896397/36028797018963968.
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        if math.isnan(x):
            raise ValueError("NaN is not a number an interval can hold")
        if math.isinf(x):
            return x
        return Fraction(repr(x))
    return Fraction(x)


def _mul(a: Bound, b: Bound) -> Bound:
    # 0 × ∞ is taken as 0: the zero end is a real value, and zero times any real value is zero.
    if a == 0 or b == 0:
        return Fraction(0)
    return a * b


@dataclass(frozen=True, slots=True)
class Interval:
    """A non-empty connected set of real numbers; each end closed or open, possibly unbounded.

    `lo`/`hi` are Fractions or ±inf; an infinite end is always open. Arithmetic returns an
    interval that contains every result of the operation on members of the operands (for division
    by an interval containing 0, the hull of the results for non-zero divisors).
    """

    lo: Bound
    hi: Bound
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        lo, hi = exact(self.lo), exact(self.hi)
        if lo == INF or hi == -INF:
            raise ValueError(f"empty interval: lo={lo}, hi={hi}")
        lo_open = self.lo_open or lo == -INF
        hi_open = self.hi_open or hi == INF
        if lo > hi or (lo == hi and (lo_open or hi_open)):
            raise ValueError(f"empty interval: {_bracket(lo, hi, lo_open, hi_open)}")
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)
        object.__setattr__(self, "lo_open", lo_open)
        object.__setattr__(self, "hi_open", hi_open)

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def point(cls, x: Number) -> Interval:
        return cls(exact(x), exact(x))

    @classmethod
    def closed(cls, lo: Number, hi: Number) -> Interval:
        return cls(exact(lo), exact(hi))

    @classmethod
    def open(cls, lo: Number, hi: Number) -> Interval:
        return cls(exact(lo), exact(hi), True, True)

    @classmethod
    def at_least(cls, lo: Number) -> Interval:
        return cls(exact(lo), INF)

    @classmethod
    def greater_than(cls, lo: Number) -> Interval:
        return cls(exact(lo), INF, lo_open=True)

    @classmethod
    def everything(cls) -> Interval:
        return cls(-INF, INF)

    # -- questions ---------------------------------------------------------------------------

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    @property
    def is_bounded(self) -> bool:
        return self.lo != -INF and self.hi != INF

    @property
    def width(self) -> Bound:
        return self.hi - self.lo

    @property
    def midpoint(self) -> Fraction:
        """The middle of a bounded interval (what a single best guess would print)."""
        if not self.is_bounded:
            raise ValueError(f"unbounded interval {self} has no midpoint")
        return (Fraction(self.lo) + Fraction(self.hi)) / 2

    def __contains__(self, x: object) -> bool:
        if not isinstance(x, (int, float, Fraction, Decimal)):
            return False
        v = exact(x)
        above = v > self.lo or (v == self.lo and not self.lo_open)
        below = v < self.hi or (v == self.hi and not self.hi_open)
        return above and below

    def intersection(self, other: Interval) -> Interval | None:
        """The common part, or None when the two share no number."""
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open), key=_lower_tightness)
        hi, hi_open = min((self.hi, self.hi_open), (other.hi, other.hi_open), key=_upper_reach)
        if lo > hi or (lo == hi and (lo_open or hi_open)):
            return None
        return Interval(lo, hi, lo_open, hi_open)

    def overlaps(self, other: Interval) -> bool:
        return self.intersection(other) is not None

    def hull(self, other: Interval) -> Interval:
        """The smallest interval containing both."""
        lo, lo_open = min((self.lo, self.lo_open), (other.lo, other.lo_open), key=_lower_tightness)
        hi, hi_open = max((self.hi, self.hi_open), (other.hi, other.hi_open), key=_upper_reach)
        return Interval(lo, hi, lo_open, hi_open)

    def gap(self, other: Interval) -> Bound:
        """How far apart the two are (0 when they overlap or touch)."""
        if self.hi <= other.lo:
            return other.lo - self.hi
        if other.hi <= self.lo:
            return self.lo - other.hi
        return Fraction(0)

    def clip(self, lo: Number, hi: Number) -> Interval:
        """The part inside [lo, hi]; the interval unchanged if none of it is (never empty)."""
        inside = self.intersection(Interval(exact(lo), exact(hi)))
        return self if inside is None else inside

    # -- arithmetic --------------------------------------------------------------------------

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo, self.hi_open, self.lo_open)

    def __add__(self, other: Interval | Number) -> Interval:
        o = _as_interval(other)
        return Interval(
            self.lo + o.lo, self.hi + o.hi, self.lo_open or o.lo_open, self.hi_open or o.hi_open
        )

    __radd__ = __add__

    def __sub__(self, other: Interval | Number) -> Interval:
        return self + (-_as_interval(other))

    def __rsub__(self, other: Interval | Number) -> Interval:
        return _as_interval(other) + (-self)

    def __mul__(self, other: Interval | Number) -> Interval:
        o = _as_interval(other)
        corners: list[tuple[Bound, bool]] = []
        for a, a_open in ((self.lo, self.lo_open), (self.hi, self.hi_open)):
            for b, b_open in ((o.lo, o.lo_open), (o.hi, o.hi_open)):
                # A corner value is attained when both ends are, or when one end is an attained
                # zero (zero times anything in the other, non-empty interval is zero).
                attained = (not a_open and not b_open) or (a == 0 and not a_open)
                attained = attained or (b == 0 and not b_open)
                corners.append((_mul(a, b), attained))
        lo = min(v for v, _ in corners)
        hi = max(v for v, _ in corners)
        lo_open = not any(att for v, att in corners if v == lo)
        hi_open = not any(att for v, att in corners if v == hi)
        return Interval(lo, hi, lo_open, hi_open)

    __rmul__ = __mul__

    def reciprocal(self) -> Interval:
        """1/x over the interval; it must not contain 0 (see `__truediv__` for that case)."""
        if 0 in self:
            raise ZeroDivisionError(f"reciprocal of {self}, which contains 0")

        def inv(x: Bound, sign: int) -> Bound:
            # The only zero end left is an open one; 1/x runs off to infinity on its side.
            if x == 0:
                return INF * sign
            if x in (INF, -INF):
                return Fraction(0)
            return 1 / x

        sign = 1 if self.lo >= 0 else -1
        return Interval(inv(self.hi, sign), inv(self.lo, sign), self.hi_open, self.lo_open)

    def __truediv__(self, other: Interval | Number) -> Interval:
        o = _as_interval(other)
        if 0 not in o:
            return self * o.reciprocal()
        if o.lo == o.hi == 0:
            raise ZeroDivisionError(f"{self} ÷ 0")
        # Division by zero is undefined, so the quotient is taken over the non-zero divisors: split
        # the divisor at 0 and join the two halves' quotients. The join is their hull, which may be
        # unbounded ([1, 2] ÷ [−1, 1] is everything) — a safe over-approximation.
        pieces = [
            piece
            for piece in (
                o.intersection(Interval(-INF, 0, hi_open=True)),
                o.intersection(Interval(0, INF, lo_open=True)),
            )
            if piece is not None
        ]
        results = [self * p.reciprocal() for p in pieces]
        out = results[0]
        for r in results[1:]:
            out = out.hull(r)
        return out

    def __rtruediv__(self, other: Interval | Number) -> Interval:
        return _as_interval(other) / self

    # -- display -----------------------------------------------------------------------------

    def __str__(self) -> str:
        return _bracket(self.lo, self.hi, self.lo_open, self.hi_open)


def _lower_tightness(end: tuple[Bound, bool]) -> tuple[Bound, bool]:
    # Of two lower ends at the same value, the open one excludes more: it sorts as the larger.
    return end


def _upper_reach(end: tuple[Bound, bool]) -> tuple[Bound, bool]:
    # Of two upper ends at the same value, the closed one reaches further: it sorts as the larger.
    return (end[0], not end[1])


def _as_interval(x: Interval | Number) -> Interval:
    return x if isinstance(x, Interval) else Interval.point(x)


def _bracket(lo: Bound, hi: Bound, lo_open: bool, hi_open: bool) -> str:
    return f"{'(' if lo_open else '['}{show(lo)}, {show(hi)}{')' if hi_open else ']'}"


def show(x: Bound, places: int = 3) -> str:
    """A bound as a reader would write it: whole numbers plain, others rounded to `places`."""
    if x == INF:
        return "∞"
    if x == -INF:
        return "-∞"
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    return fixed(f, places)


def fixed(x: Fraction | int, places: int) -> str:
    """`x` rounded half away from zero to exactly `places` decimals, as a report would print it."""
    n = math.floor(abs(Fraction(x)) * 10**places + Fraction(1, 2))
    sign = "-" if x < 0 and n else ""
    if places == 0:
        return f"{sign}{n}"
    whole, frac = divmod(n, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


# -- from printed figures to intervals -----------------------------------------------------------


def _place_of_last_nonzero_digit(v: Fraction, decimals: int) -> Fraction:
    """10^k for the lowest k ≥ −decimals at which v has a non-zero digit: 300 → 100, 310 → 10."""
    place = Fraction(1, 10**decimals)
    if v == 0:
        return place
    while (v / (place * 10)).denominator == 1:
        place *= 10
    return place


def half_step(indicator: Indicator) -> Fraction:
    """Half the step of the last printed digit: how far the printed digits may be from the truth.

    A count printed as a whole number is exact (h = 0): counts are whole, and 1098 is 1098. A count
    the report prints in 万 (20000 as "2万", 15000 as "1.5万") is only known to the last digit
    shown — 2万 ±5000, 1.5万 ±500 — when it is stated plainly or with 约; before 余/以上/近/超过
    the round number is a landmark the true count is measured against, not a rounded value, so
    h = 0 there. Everything else (rates, figures with decimals) is known to ½·10^−decimals.
    """
    if indicator.kind == "count" and indicator.decimals == 0:
        printed = magnitude(indicator.value, indicator.decimals)
        if printed.endswith("万") and indicator.qualifier in ("exact", "approx"):
            digits = printed[:-1]
            shown = len(digits.split(".")[1]) if "." in digits else 0
            return Fraction(10000, 10**shown) / 2
        return Fraction(0)
    return Fraction(1, 2 * 10**indicator.decimals)


def more_than_step(indicator: Indicator) -> Fraction:
    """The span 余/多 leaves open: the place of the value's last non-zero digit (300余 → 100)."""
    v = exact(indicator.value)
    assert isinstance(v, Fraction)
    return _place_of_last_nonzero_digit(abs(v), indicator.decimals)


def interval_of(indicator: Indicator) -> Interval:
    """Every real value the printed figure can truthfully stand for (see the module docstring)."""
    return figure_interval(
        indicator.value,
        half_step(indicator),
        indicator.qualifier,
        kind=indicator.kind,
        step=more_than_step(indicator) if indicator.qualifier == "more_than" else None,
    )


def figure_interval(
    value: Number,
    h: Fraction,
    qualifier: str,
    *,
    kind: str = "count",
    step: Fraction | None = None,
) -> Interval:
    """The interval of a value printed to within ±h and hedged by `qualifier`."""
    v = exact(value)
    assert isinstance(v, Fraction)
    if v < 0:
        # A signed change hedges its size: 下降50余% is a fall of more than 50, so (−60, −50).
        return -figure_interval(-v, h, qualifier, kind=kind, step=step)
    rounded = Interval(v - h, v + h)
    if qualifier == "exact":
        out = rounded
    elif qualifier == "approx":
        loose = rounded.hull(Interval.point(v * (1 - APPROX_RELATIVE)))
        out = loose.hull(Interval.point(v * (1 + APPROX_RELATIVE)))
    elif qualifier == "more_than":
        span = step if step is not None else _place_of_last_nonzero_digit(abs(v), 0)
        out = Interval(v - h, v + span, lo_open=h == 0, hi_open=True)
    elif qualifier == "at_least":
        out = Interval.at_least(v - h)
    elif qualifier == "nearly":
        low = rounded.lo * NEARLY_RELATIVE
        out = Interval(min(low, v - h), v + h, hi_open=h == 0)
    elif qualifier == "over":
        out = Interval(v - h, INF, lo_open=h == 0)
    else:
        raise ValueError(f"unknown qualifier {qualifier!r}")
    if kind == "rate":
        return out.clip(0, 100)
    if kind == "count":
        return out.clip(0, INF)
    return out


def change_interval(change: Change) -> Interval:
    """The signed change a printed 同比增长/下降 can stand for: 下降51.21% → [−51.215, −51.205]."""
    v = exact(change.signed)
    h = Fraction(1, 2 * 10**change.decimals)
    assert isinstance(v, Fraction)
    return Interval(v - h, v + h)


def stated_prior_interval(indicator: Indicator) -> Interval | None:
    """The prior-year value the report states next to the indicator, to the same precision."""
    if indicator.prior is None:
        return None
    h = half_step(indicator)
    p = exact(indicator.prior)
    assert isinstance(p, Fraction)
    return Interval(p - h, p + h)


# -- derivations ---------------------------------------------------------------------------------


def rate_of(part: Interval, whole: Interval) -> Interval:
    """Part ÷ whole × 100, in percent."""
    return part / whole * 100


def implied_whole(part: Interval, rate: Interval) -> Interval:
    """The denominator a part and a rate imply: part ÷ rate × 100.

    If both the part and the rate may be 0, every whole is possible (0 of anything is 0 %).
    """
    if 0 in part and 0 in rate:
        return Interval.at_least(0)
    return (part * 100 / rate).clip(0, INF)


def implied_prior(current: Interval, change: Change) -> Interval:
    """Last year's value a current value and a stated change imply.

    A change in percent is relative: prior = current ÷ (1 + change/100). A change in 个百分点 is a
    difference of rates: prior = current − change.
    """
    c = change_interval(change)
    if change.unit == "个百分点":
        return current - c
    factor = 1 + c / 100
    if 0 in current and 0 in factor:
        # A fall of 100 % leaves 0 whatever the base was.
        return Interval.at_least(0)
    return current / factor


def implied_change(current: Interval, prior: Interval, unit: str = "%") -> Interval:
    """The change from `prior` to `current`: (current ÷ prior − 1) × 100, or the difference in
    points.
    """
    if unit == "个百分点":
        return current - prior
    return (current / prior - 1) * 100


def integers_in(interval: Interval) -> range:
    """The whole numbers in a bounded interval (counts are whole numbers)."""
    if not interval.is_bounded:
        raise ValueError(f"{interval} is unbounded")
    lo, hi = Fraction(interval.lo), Fraction(interval.hi)
    first = math.ceil(lo)
    if interval.lo_open and first == lo:
        first += 1
    last = math.floor(hi)
    if interval.hi_open and last == hi:
        last -= 1
    return range(first, max(first, last + 1))
