"""Check the reading of printed figures as intervals, interval arithmetic and the derived
figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F  # noqa: N817 - shorthand for the many exact values

import pytest
from factories import ind
from hypothesis import given
from hypothesis import strategies as st

from briefing.derive import (
    INF,
    Interval,
    change_interval,
    fixed,
    implied_change,
    implied_prior,
    implied_whole,
    integers_in,
    interval_of,
    rate_of,
    stated_prior_interval,
)
from briefing.model import Change

# -- printed figures → intervals -----------------------------------------------------------------


def test_exact_integer_count_is_a_point() -> None:
    assert interval_of(ind("n", 1098)) == Interval.point(1098)


def test_exact_percentage_spans_half_a_printed_step() -> None:
    assert interval_of(ind("r", 99.9, kind="rate")) == Interval.closed(F("99.85"), F("99.95"))
    assert interval_of(ind("r", 45.23, kind="rate")) == Interval.closed(F("45.225"), F("45.235"))
    assert interval_of(ind("r", 91, kind="rate")) == Interval.closed(F("90.5"), F("91.5"))


def test_a_rate_never_exceeds_100() -> None:
    assert interval_of(ind("r", 100, kind="rate")) == Interval.closed(F("99.5"), 100)


def test_approx_is_ten_percent_either_way() -> None:
    assert interval_of(ind("n", 300, qualifier="approx")) == Interval.closed(270, 330)
    # For a small printed rate the rounding step is wider than 10 % and wins.
    assert interval_of(ind("r", 0.3, kind="rate", qualifier="approx")) == Interval.closed(
        F("0.25"), F("0.35")
    )


@pytest.mark.parametrize(
    ("value", "lo", "hi"),
    [
        (300, 300, 400),
        (20, 20, 30),
        (800, 800, 900),
        (100, 100, 200),
        (20000, 20000, 30000),
        (15000, 15000, 16000),
        (310, 310, 320),
        (1000, 1000, 2000),
    ],
)
def test_more_than_runs_to_the_next_step_of_the_last_digit(value: int, lo: int, hi: int) -> None:
    assert interval_of(ind("n", value, qualifier="more_than")) == Interval.open(lo, hi)


def test_at_least_is_a_lower_bound_and_a_rate_stops_at_100() -> None:
    assert interval_of(ind("n", 50, qualifier="at_least")) == Interval.at_least(50)
    # 91%以上 from a rate of 90.6% is rounding, not an error.
    assert interval_of(ind("r", 91, kind="rate", qualifier="at_least")) == Interval.closed(
        F("90.5"), 100
    )


def test_nearly_is_a_little_below() -> None:
    assert interval_of(ind("n", 200, qualifier="nearly")) == Interval(180, 200, hi_open=True)


def test_over_is_strictly_more() -> None:
    assert interval_of(ind("n", 100, qualifier="over")) == Interval.greater_than(100)


def test_a_count_printed_in_wan_is_known_to_its_last_digit() -> None:
    assert interval_of(ind("n", 20000)) == Interval.closed(15000, 25000)
    assert interval_of(ind("n", 15000)) == Interval.closed(14500, 15500)
    # 12345 is printed in full, so it is exact.
    assert interval_of(ind("n", 12345)) == Interval.point(12345)


def test_change_interval_is_signed() -> None:
    down = Change("down", 51.21, 2)
    assert change_interval(down) == Interval.closed(F("-51.215"), F("-51.205"))


def test_a_signed_change_hedges_its_size() -> None:
    fall = ind("c", -50, kind="change", qualifier="more_than")
    assert interval_of(fall) == Interval(F("-60"), F("-49.5"), lo_open=True)
    assert interval_of(ind("c", -51.21, kind="change")) == Interval.closed(
        F("-51.215"), F("-51.205")
    )


def test_stated_prior_has_the_precision_of_the_figure() -> None:
    assert stated_prior_interval(ind("n", 177, prior=76)) == Interval.point(76)
    assert stated_prior_interval(ind("n", 177)) is None


# -- derived figures -----------------------------------------------------------------------------


def test_implied_prior_of_177_up_133_percent_is_76() -> None:
    prior = implied_prior(Interval.point(177), Change("up", 133, 0))
    assert prior == Interval.closed(F(177) / F("2.335"), F(177) / F("2.325"))
    assert (fixed(F(prior.lo), 2), fixed(F(prior.hi), 2)) == ("75.80", "76.13")
    assert list(integers_in(prior)) == [76]


def test_implied_prior_in_percentage_points_is_a_difference() -> None:
    prior = implied_prior(
        Interval.closed(F("98.725"), F("98.735")), Change("up", 1.2, 1, "个百分点")
    )
    assert prior == Interval.closed(F("97.475"), F("97.585"))


def test_a_fall_of_100_percent_says_nothing_about_the_base() -> None:
    assert implied_prior(Interval.point(0), Change("down", 100, 0)).hi == INF


def test_implied_whole_of_57_at_45_23_percent_has_no_integer() -> None:
    whole = implied_whole(Interval.point(57), Interval.closed(F("45.225"), F("45.235")))
    assert fixed(F(whole.lo), 3) == "126.009"  # 5700 ÷ 45.235 = 126.0086…
    assert fixed(F(whole.hi), 3) == "126.036"
    assert len(integers_in(whole)) == 0


def test_implied_whole_when_nothing_was_counted_is_anything() -> None:
    assert implied_whole(Interval.point(0), Interval.closed(0, F("0.5"))).hi == INF


def test_rate_of_1098_in_1109() -> None:
    r = rate_of(Interval.point(1098), Interval.point(1109))
    assert r == Interval.point(F(109800, 1109))
    assert fixed(F(r.lo), 2) == "99.01"


def test_implied_change() -> None:
    assert implied_change(Interval.point(177), Interval.point(76)) == Interval.point(
        F(101 * 100, 76)
    )
    assert implied_change(Interval.point(99), Interval.point(97), "个百分点") == Interval.point(2)


def test_integers_in_respects_open_ends() -> None:
    assert list(integers_in(Interval.open(1, 3))) == [2]
    assert list(integers_in(Interval.closed(1, 3))) == [1, 2, 3]
    assert integers_in(Interval.open(300, 400)) == range(301, 400)
    assert len(integers_in(Interval.closed(F("0.1"), F("0.9")))) == 0
    with pytest.raises(ValueError, match="is unbounded"):
        integers_in(Interval.at_least(1))


# -- the Interval type ---------------------------------------------------------------------------


def test_empty_intervals_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="empty interval"):
        Interval(2, 1)
    with pytest.raises(ValueError, match="empty interval"):
        Interval(1, 1, lo_open=True)
    with pytest.raises(ValueError, match="empty interval"):
        Interval(INF, INF)


def test_infinite_ends_are_open() -> None:
    assert Interval(-INF, 0).lo_open
    assert not Interval(-INF, 0).hi_open


def test_membership_respects_open_ends() -> None:
    i = Interval(0, 1, lo_open=True)
    assert 0 not in i
    assert 1 in i
    assert F(1, 2) in i
    assert 0.5 in i
    assert "1" not in i


def test_intersection_and_hull() -> None:
    a, b = Interval.closed(0, 2), Interval.open(2, 3)
    assert a.intersection(b) is None
    assert a.hull(b) == Interval(0, 3, hi_open=True)
    assert Interval.closed(0, 2).intersection(Interval.open(1, 5)) == Interval(1, 2, lo_open=True)
    assert a.gap(Interval.closed(5, 6)) == 3
    assert a.gap(Interval.closed(1, 6)) == 0


def test_division_by_intervals_containing_zero() -> None:
    one_two = Interval.closed(1, 2)
    assert one_two / Interval.closed(0, 1) == Interval.at_least(1)
    assert one_two / Interval.closed(-1, 0) == Interval(-INF, -1)
    assert one_two / Interval.closed(-1, 1) == Interval.everything()
    assert one_two / Interval.open(0, 2) == Interval(F(1, 2), INF, lo_open=True)
    with pytest.raises(ZeroDivisionError):
        one_two / 0


def test_multiplication_by_zero_and_infinity() -> None:
    assert Interval.point(0) * Interval.at_least(1) == Interval.point(0)
    assert Interval(0, 1, lo_open=True) * Interval.at_least(1) == Interval.greater_than(0)
    assert Interval.closed(-1, 2) * Interval.closed(-3, 1) == Interval.closed(-6, 3)


def test_show() -> None:
    assert str(Interval(F("99.85"), F("99.95"))) == "[99.850, 99.950]"
    assert str(Interval.open(300, 400)) == "(300, 400)"
    assert str(Interval.at_least(-1)) == "[-1, ∞)"
    assert fixed(F("-0.125"), 2) == "-0.13"


# -- properties ----------------------------------------------------------------------------------

finite = st.fractions(min_value=-1000, max_value=1000, max_denominator=1000)


@st.composite
def interval_with_member(draw: st.DrawFn) -> tuple[Interval, F]:
    """An interval (possibly open, possibly unbounded) and a number in it."""
    a, b = sorted((draw(finite), draw(finite)))
    lo_inf, hi_inf = (
        draw(st.booleans()) and draw(st.booleans()),
        draw(st.booleans()) and draw(st.booleans()),
    )
    lo_open, hi_open = draw(st.booleans()), draw(st.booleans())
    if a == b:
        lo_open = hi_open = False
    lo = -INF if lo_inf else a
    hi = INF if hi_inf else b
    interval = Interval(lo, hi, lo_open, hi_open)
    # A member: the finite part's ends when closed, otherwise a point strictly between.
    t = draw(st.fractions(min_value=0, max_value=1, max_denominator=100))
    x = a + (b - a) * t
    if lo_inf and draw(st.booleans()):
        x = a - draw(st.integers(0, 10**6))
    if hi_inf and draw(st.booleans()):
        x = b + draw(st.integers(0, 10**6))
    if x not in interval:
        x = (a + b) / 2 if a != b else a
        if x not in interval:
            x = a + 1 if not hi_inf else b + 1
    return interval, x


@given(interval_with_member(), interval_with_member())
def test_arithmetic_contains_the_true_result(
    left: tuple[Interval, F], right: tuple[Interval, F]
) -> None:
    (a, x), (b, y) = left, right
    assert x in a
    assert y in b
    assert x + y in a + b
    assert x - y in a - b
    assert x * y in a * b
    assert -x in -a
    if y != 0:
        assert x / y in a / b


@given(interval_with_member(), interval_with_member())
def test_intersection_and_hull_contain_what_they_should(
    left: tuple[Interval, F], right: tuple[Interval, F]
) -> None:
    (a, x), (b, y) = left, right
    assert x in a.hull(b)
    assert y in a.hull(b)
    common = a.intersection(b)
    if x in b:
        assert common is not None
        assert x in common
    if common is None:
        assert x not in b
        assert y not in a


def _round(x: F, decimals: int, how: str) -> float:
    # How a report writer rounds: Excel's half-up, or a float's round().
    if how == "float":
        return round(float(x), decimals)
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return float(q.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@given(
    prior=st.integers(1, 100_000),
    current=st.integers(0, 300_000),
    decimals=st.integers(0, 3),
    how=st.sampled_from(["float", "half_up"]),
)
def test_implied_prior_contains_the_true_prior(
    prior: int, current: int, decimals: int, how: str
) -> None:
    pct = _round((F(current, prior) - 1) * 100, decimals, how)
    change = Change("up" if pct >= 0 else "down", abs(pct), decimals)
    assert prior in implied_prior(interval_of(ind("n", current)), change)


@given(
    whole=st.integers(1, 1_000_000),
    data=st.data(),
    decimals=st.integers(0, 3),
    how=st.sampled_from(["float", "half_up"]),
)
def test_implied_whole_contains_the_true_whole(
    whole: int, data: st.DataObject, decimals: int, how: str
) -> None:
    part = data.draw(st.integers(0, whole))
    rate = ind("r", _round(F(part * 100, whole), decimals, how), decimals=decimals, kind="rate")
    assert whole in implied_whole(Interval.point(part), interval_of(rate))


@given(whole=st.integers(1, 10**6), data=st.data())
def test_a_rate_of_a_part_is_between_0_and_100(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(0, whole))
    r = rate_of(Interval.point(part), Interval.point(whole))
    assert 0 <= r.lo <= r.hi <= 100
