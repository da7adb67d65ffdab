"""Check the verification stage on hand-worked cases, on invariants, and on the Liujiang 2024
dataset.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F  # noqa: N817 - shorthand for the many exact values
from pathlib import Path

import pytest
from factories import dataset, ind, rel
from hypothesis import given
from hypothesis import strategies as st

from briefing.errors import VerificationError
from briefing.load import load_dataset
from briefing.model import QUALIFIERS, Change, Indicator, Period, Relation
from briefing.verify import Finding, format_finding, strict_check, verify

LIUJIANG = Path(__file__).resolve().parent.parent / "data" / "liujiang-2024.yaml"


def only(indicators: list[Indicator], relation: Relation) -> Finding:
    """The finding of one relation over the given indicators."""
    findings = verify(dataset(indicators, [relation]))
    return next(f for f in findings if f.relation_id == relation.id)


def rate_case(part: int, whole: int | None, rate: float, **rate_kw: object) -> Finding:
    inds = [ind("part", part), ind("rate", rate, kind="rate", label="调解成功率", **rate_kw)]
    if whole is not None:
        inds.append(ind("whole", whole))
    return only(
        inds,
        rel("r", "rate", part="part", whole="whole" if whole is not None else None, rate="rate"),
    )


# -- rate ----------------------------------------------------------------------------------------


def test_mediation_rate_1098_of_1109_is_not_99_9() -> None:
    f = rate_case(1098, 1109, 99.9)
    assert (f.status, f.severity, f.kind) == ("inconsistent", "warning", "rate")
    assert f.message == "调解成功率应为99.01%，报告写作99.9%，相差0.89个百分点"
    assert f.computation == "1098 ÷ 1109 × 100 = 99.01%；报告所列 99.9%（即 99.85%—99.95%）"
    assert f.expected is not None
    assert f.expected.is_point
    assert f.difference is not None
    assert F("0.84") < f.difference.lo < f.difference.hi < F("0.95")
    assert f.ids == ("part", "whole", "rate")


def test_a_rounded_rate_is_consistent() -> None:
    f = rate_case(1098, 1109, 99.01)
    assert (f.status, f.severity) == ("consistent", "info")
    assert rate_case(1098, 1109, 99, decimals=0).status == "consistent"


def test_rate_57_at_45_23_has_no_whole_denominator() -> None:
    f = rate_case(57, None, 45.23)
    assert f.status == "inconsistent"
    assert "找不到能得出45.23%的整数总数" in f.message
    assert "57 ÷ 126 = 45.24%" in f.message
    assert "57 ÷ 127 = 44.88%" in f.message
    assert "截尾" in f.message  # 45.238… cut off, not rounded, gives 45.23
    assert "126.009—126.036" in f.computation
    assert f.difference is not None
    assert f.difference.hi < 0


def test_rate_57_at_45_24_implies_126() -> None:
    f = rate_case(57, None, 45.24)
    assert f.status == "consistent"
    assert "总数为126件" in f.message


def test_a_hedged_rate_is_checked_against_its_bound() -> None:
    assert rate_case(95, 100, 91, decimals=0, qualifier="at_least").status == "consistent"
    assert rate_case(80, 100, 91, decimals=0, qualifier="at_least").status == "inconsistent"


def test_a_rate_of_nothing_cannot_be_told() -> None:
    f = rate_case(0, 0, 0, decimals=0)
    assert (f.status, f.severity) == ("cannot_tell", "info")
    assert f.reason


# -- total, subset -------------------------------------------------------------------------------


def total_case(total: Indicator, *parts: Indicator) -> Finding:
    return only([total, *parts], rel("t", "total", total=total.id, parts=[p.id for p in parts]))


def test_normative_documents_20_are_16_plus_4() -> None:
    f = total_case(ind("all", 20), ind("kept", 16), ind("repealed", 4))
    assert f.status == "consistent"
    assert f.computation.startswith("16 + 4 = 20")


def test_a_total_that_does_not_add_up() -> None:
    f = total_case(ind("all", 21, label="文件"), ind("kept", 16), ind("repealed", 4))
    assert f.status == "inconsistent"
    assert f.message == "文件按分项合计应为20件，报告写作21件，相差1件"


def test_totals_with_hedges() -> None:
    # 300余 = 250 + 60 is fine: 310 lies in (300, 400).
    assert total_case(
        ind("all", 300, qualifier="more_than"), ind("a", 250), ind("b", 60)
    ).status == ("consistent")
    # 100以上 = 60 + 50 cannot be confirmed, only not contradicted …
    f = total_case(ind("all", 100, qualifier="at_least"), ind("a", 60), ind("b", 50))
    assert f.status == "cannot_tell"
    assert "以上" in (f.reason or "")
    # … but 100以上 = 30 + 20 is a contradiction whatever the upper end.
    f = total_case(ind("all", 100, qualifier="at_least"), ind("a", 30), ind("b", 20))
    assert f.status == "inconsistent"


def test_subset_may_fall_short_but_not_exceed() -> None:
    parts = [ind("rejected", 26), ind("mediated", 7)]
    ok = only(
        [ind("all", 79), *parts], rel("s", "subset", whole="all", parts=["rejected", "mediated"])
    )
    assert ok.status == "consistent"
    assert ok.computation.startswith("26 + 7 = 33 ≤ 79")
    bad = only(
        [ind("all", 30), *parts], rel("s", "subset", whole="all", parts=["rejected", "mediated"])
    )
    assert bad.status == "inconsistent"
    assert "多出3件" in bad.message
    # Within an open-ended whole a part always fits: that is certain, not undecided.
    open_whole = only(
        [ind("all", 79, qualifier="at_least"), *parts],
        rel("s", "subset", whole="all", parts=["rejected", "mediated"]),
    )
    assert open_whole.status == "consistent"


def test_units_of_different_things_are_not_added() -> None:
    f = total_case(ind("all", 20), ind("a", 16, unit="人"), ind("b", 4))
    assert (f.status, f.severity) == ("cannot_tell", "info")
    assert "单位不同" in (f.reason or "")


# -- same ----------------------------------------------------------------------------------------


def test_legal_opinions_300_vs_95_are_not_the_same() -> None:
    s4 = ind("s4", 300, unit="件次", label="出具法律意见", source="一（四）")
    s6 = ind("s6", 95, unit="件", label="出具法律意见", source="一（六）")
    f = only([s4, s6], rel("same", "same", ids=["s4", "s6"]))
    assert (f.status, f.severity) == ("inconsistent", "warning")
    assert "一（四）写作300件次" in f.message
    assert "一（六）写作95件" in f.message
    assert "相差205" in f.message
    assert "件次与件按同一计量单位比较" in f.computation


def test_towns_8_8_8_are_the_same() -> None:
    towns = [ind(f"t{i}", 8, unit="个") for i in range(3)]
    f = only(towns, rel("same", "same", ids=["t0", "t1", "t2"]))
    assert f.status == "consistent"
    assert f.computation.startswith("8 = 8 = 8")


def test_same_with_hedges() -> None:
    assert (
        only(
            [ind("a", 300, qualifier="more_than"), ind("b", 350)], rel("x", "same", ids=["a", "b"])
        ).status
        == "consistent"
    )
    assert (
        only(
            [ind("a", 300, qualifier="approx"), ind("b", 95)], rel("x", "same", ids=["a", "b"])
        ).status
        == "inconsistent"
    )
    assert (
        only(
            [ind("a", 8, qualifier="at_least"), ind("b", 10)], rel("x", "same", ids=["a", "b"])
        ).status
        == "cannot_tell"
    )


def test_same_figures_of_different_periods_may_differ() -> None:
    months = Period("months", 2024, 1, 11)
    f = only([ind("a", 79, period=months), ind("b", 90)], rel("x", "same", ids=["a", "b"]))
    assert f.status == "cannot_tell"
    assert "统计期间" in (f.reason or "")


def test_same_of_people_and_cases_cannot_be_told() -> None:
    f = only([ind("a", 5, unit="人"), ind("b", 5)], rel("x", "same", ids=["a", "b"]))
    assert f.status == "cannot_tell"


# -- change --------------------------------------------------------------------------------------

UP_133 = Change("up", 133, 0)


def test_177_up_133_percent_implies_76_last_year() -> None:
    f = only([ind("apps", 177, change=UP_133)], rel("g", "change", current="apps"))
    assert (f.status, f.kind, f.severity) == ("derived", "change", "info")
    assert f.message == "按同比增长133%推算，上年应为76件"
    assert "177 ÷ (1 + 133%) = 177 ÷ (2.325—2.335) = 75.80—76.13" in f.computation


def test_change_against_a_prior_indicator() -> None:
    apps = ind("apps", 177, change=UP_133)
    ok = only([apps, ind("last", 76)], rel("g", "change", current="apps", prior="last"))
    assert ok.status == "consistent"
    bad = only([apps, ind("last", 100)], rel("g", "change", current="apps", prior="last"))
    assert bad.status == "inconsistent"
    assert "同比应增长77%" in bad.message


def test_change_against_a_stated_prior() -> None:
    f = only([ind("apps", 177, change=UP_133, prior=80)], rel("g", "change", current="apps"))
    assert f.status == "inconsistent"


def test_a_change_no_whole_base_can_give() -> None:
    # 10 ÷ 1.33 = 7.52: last year 7 gives +42.86 %, 8 gives +25 %; 33 % is impossible.
    f = only([ind("n", 10, change=Change("up", 33, 0))], rel("g", "change", current="n"))
    assert f.status == "inconsistent"
    assert "上年7件则增长42.86%" in f.message
    assert "上年8件则增长25.00%" in f.message


def test_every_stated_change_gets_its_base() -> None:
    covered = ind("covered", 177, change=UP_133)
    loose = ind("loose", 51, change=Change("down", 15, 0))
    shift = ind("shift", -51.21, kind="change")  # a change with no base printed: nothing to derive
    stated = ind("stated", 177, change=UP_133, prior=76)
    findings = verify(
        dataset([covered, loose, shift, stated], [rel("g", "change", current="covered")])
    )
    by_id = {f.relation_id: f for f in findings}
    assert set(by_id) == {"g", "loose.change", "stated.change"}
    assert by_id["loose.change"].status == "derived"
    assert "上年应为60件" in by_id["loose.change"].message
    assert by_id["stated.change"].status == "consistent"


def test_a_change_in_points_derives_a_rate() -> None:
    r = ind("r", 98.73, kind="rate", change=Change("up", 1.2, 1, "个百分点"))
    (f,) = verify(dataset([r]))
    assert f.status == "derived"
    assert "97.53%" in f.message


# -- robustness and output -------------------------------------------------------------------------


def test_a_broken_relation_is_an_error_finding_not_an_exception() -> None:
    findings = verify(
        dataset(
            [ind("a", 1)], [rel("x", "same", ids=["a", "ghost"]), rel("y", "change", current="a")]
        )
    )
    assert [(f.status, f.severity) for f in findings] == [("cannot_tell", "error")] * 2
    assert "ghost" in findings[0].message
    with pytest.raises(VerificationError):
        strict_check(findings)


def test_strict_check_lists_inconsistencies() -> None:
    bad = rate_case(1098, 1109, 99.9)
    with pytest.raises(VerificationError, match="1 inconsistent figure found") as info:
        strict_check([bad, rate_case(1098, 1109, 99.01)])
    assert "99.01%" in str(info.value)
    strict_check([rate_case(1098, 1109, 99.01)])  # nothing to complain about


def test_format_finding_is_one_line() -> None:
    line = format_finding(rate_case(57, None, 45.23))
    assert "\n" not in line
    assert line.startswith("warning r [不一致] 找不到")


# -- properties ----------------------------------------------------------------------------------


def _round(x: F, decimals: int, how: str) -> float:
    # A report writer rounds half up (Excel) or with a float's round(); either must pass.
    if how == "float":
        return round(float(x), decimals)
    q = Decimal(x.numerator) / Decimal(x.denominator)
    return float(q.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@given(
    whole=st.integers(1, 200_000),
    data=st.data(),
    decimals=st.integers(0, 3),
    qualifier=st.sampled_from(QUALIFIERS),
    how=st.sampled_from(["float", "half_up"]),
    with_whole=st.booleans(),
)
def test_an_honestly_rounded_rate_is_never_flagged(
    whole: int, data: st.DataObject, decimals: int, qualifier: str, how: str, with_whole: bool
) -> None:
    part = data.draw(st.integers(0, whole))
    printed = _round(F(part * 100, whole), decimals, how)
    f = rate_case(
        part, whole if with_whole else None, printed, decimals=decimals, qualifier=qualifier
    )
    assert f.status != "inconsistent", format_finding(f)


@given(
    prior=st.integers(1, 100_000),
    current=st.integers(0, 300_000),
    decimals=st.integers(0, 3),
    how=st.sampled_from(["float", "half_up"]),
    with_prior=st.booleans(),
)
def test_an_honestly_rounded_change_is_never_flagged(
    prior: int, current: int, decimals: int, how: str, with_prior: bool
) -> None:
    pct = _round((F(current, prior) - 1) * 100, decimals, how)
    change = Change("up" if pct >= 0 else "down", abs(pct), decimals)
    inds = [ind("now", current, change=change)]
    if with_prior:
        inds.append(ind("then", prior))
    f = only(inds, rel("g", "change", current="now", prior="then" if with_prior else None))
    assert f.status in (("consistent",) if with_prior else ("derived", "cannot_tell")), (
        format_finding(f)
    )


@given(n=st.integers(10_000, 10**7), how=st.sampled_from(["float", "half_up"]))
def test_a_count_rounded_into_wan_is_the_same_as_the_count(n: int, how: str) -> None:
    # 14,600 printed as "1.5万" (rounded to thousands) states the same quantity as 14,600.
    rounded = int(_round(F(n, 1000), 0, how)) * 1000
    f = only([ind("exact", n), ind("wan", rounded)], rel("x", "same", ids=["exact", "wan"]))
    assert f.status == "consistent", format_finding(f)


# -- the Liujiang 2024 report --------------------------------------------------------------------


def test_liujiang_findings_are_what_is_really_there() -> None:
    findings = verify(load_dataset(LIUJIANG))
    status = {f.relation_id: f.status for f in findings}
    assert {k for k, v in status.items() if v == "inconsistent"} == {
        "mediation_rate",
        "review_correction_rate_check",
        "legal_opinions_repeated",
    }
    assert {k for k, v in status.items() if v == "derived"} == {"review_applications_growth"}
    assert {k for k, v in status.items() if v == "cannot_tell"} == set()
    assert status["normative_docs_repeated"] == status["towns_repeated"] == "consistent"
    by_id = {f.relation_id: f for f in findings}
    assert "上年应为76件" in by_id["review_applications_growth"].message
    assert "99.01%" in by_id["mediation_rate"].message
    assert "57 ÷ 126 = 45.24%" in by_id["review_correction_rate_check"].message
