"""Build model objects for tests in one line: an Indicator, a Relation and a Dataset from keywords."""

from __future__ import annotations

import datetime as dt

from briefing.model import Change, Dataset, Indicator, Meta, Period, Relation

YEAR = Period("year", 2024)


def ind(
    ident: str,
    value: float,
    *,
    decimals: int | None = None,
    unit: str | None = None,
    kind: str = "count",
    qualifier: str = "exact",
    change: Change | None = None,
    prior: float | None = None,
    period: Period = YEAR,
    label: str | None = None,
    source: str = "一（一）",
) -> Indicator:
    """An indicator; decimals default to those of `value` as written (99.9 → 1, 1098 → 0)."""
    if decimals is None:
        text = repr(float(value))
        decimals = 0 if text.endswith(".0") else len(text.split(".")[1])
    if unit is None:
        unit = "%" if kind in ("rate", "change") else "件"
    return Indicator(
        id=ident,
        label=label or ident,
        value=float(value),
        decimals=decimals,
        unit=unit,
        kind=kind,  # type: ignore[arg-type]
        qualifier=qualifier,  # type: ignore[arg-type]
        period=period,
        area="area",
        source=source,
        change=change,
        prior=prior,
    )


def rel(ident: str, kind: str, **fields: object) -> Relation:
    for key in ("ids", "parts"):
        if key in fields:
            fields[key] = tuple(fields[key])  # type: ignore[arg-type]
    return Relation(id=ident, kind=kind, **fields)  # type: ignore[arg-type]


def dataset(
    indicators: list[Indicator], relations: list[Relation] | tuple[Relation, ...] = ()
) -> Dataset:
    meta = Meta(
        district="测试区",
        city="测试市",
        province="测试省",
        year=2024,
        title="测试区2024年度法治政府建设工作报告",
        issuers=("测试区人民政府",),
        date=dt.date(2025, 3, 31),
        source_document="测试",
        short_name="测试区",
    )
    return Dataset(
        path="test.yaml",
        sha256="0" * 64,
        meta=meta,
        areas=(),
        indicators=tuple(indicators),
        shortcomings=(),
        plans=(),
        glossary=(),
        charts=(),
        relations=tuple(relations),
    )
