"""Build model objects for tests in one line: an Indicator, a Relation and a Dataset from
keywords.
"""

from __future__ import annotations

import datetime as dt

from briefing.model import Area, Change, Chart, Dataset, Indicator, Item, Meta, Period, Relation

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
    area: str = "area",
    headline: bool = False,
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
        area=area,
        source=source,
        change=change,
        prior=prior,
        headline=headline,
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


def _area(i: int, title: str, achievement: str) -> Area:
    return Area(
        id=f"area_{i}",
        title=title,
        source=f"一（{i + 1}）",
        summary=achievement,
        achievement=achievement,
    )


def sparse_dataset() -> Dataset:
    """A district whose report states only four figures: three areas, three shortcomings and three
    plans.
    """
    areas = (
        _area(0, "依法行政制度建设", "修订行政规范性文件管理办法，全部文件经合法性审查后印发"),
        _area(1, "行政执法监督", "开展执法案卷集中评查，评查中发现的问题已督促整改到位"),
        _area(2, "矛盾纠纷化解", "调解组织覆盖全部村居，重大纠纷坚持领导包案"),
    )
    indicators = (
        ind(
            "docs_reviewed",
            36,
            unit="件",
            label="合法性审查规范性文件",
            headline=True,
            area="area_0",
        ),
        ind("files_checked", 120, unit="卷", label="评查执法案卷", headline=True, area="area_1"),
        ind("pass_rate", 96.5, kind="rate", label="案卷评查合格率", headline=True, area="area_1"),
        ind("disputes", 842, unit="件", label="调解矛盾纠纷", headline=True, area="area_2"),
    )
    items = (
        ("执法力量不足", "基层执法人员数量偏少，专业培训覆盖不够。"),
        ("宣传方式单一", "普法宣传以发放资料为主，针对不同群体的内容偏少。"),
        ("监督合力不强", "执法监督与纪检、审计等监督的衔接还不够顺畅。"),
    )
    plans = (
        ("充实执法队伍", "通过招录和调配补充基层执法人员，分批开展业务轮训。"),
        ("创新普法形式", "结合短视频和以案释法，针对企业和青少年分别设计普法内容。"),
        ("健全监督机制", "建立执法监督与其他监督的信息共享和问题移送制度。"),
    )
    return _dataset(indicators, areas=areas, shortcomings=items, plans=plans)


def large_dataset(figures: int = 200, areas: int = 12) -> Dataset:
    """A district with `figures` figures over `areas` work areas, twelve headline figures, eight
    charts.
    """
    area_list = tuple(
        _area(
            i,
            f"第{i + 1}项重点工作",
            f"第{i + 1}项工作按计划推进，主要指标全部完成，群众满意度保持较高水平",
        )
        for i in range(areas)
    )
    inds = []
    for k in range(figures):
        a = k % areas
        if k % 5 == 4:
            inds.append(
                ind(
                    f"rate_{k}",
                    80 + (k * 7) % 20 + 0.5,
                    kind="rate",
                    label=f"第{k + 1}项工作完成率",
                    area=f"area_{a}",
                    headline=k < 60 and k % 10 == 4,
                )
            )
        else:
            inds.append(
                ind(
                    f"count_{k}",
                    10 + (k * 37) % 900,
                    unit="件",
                    label=f"办理第{k + 1}类事项",
                    area=f"area_{a}",
                    headline=k < 40 and k % 5 == 0,
                    prior=float(8 + (k * 29) % 700),
                )
            )
    counts = [i.id for i in inds if i.kind == "count"]
    rates = [i.id for i in inds if i.kind == "rate"]
    charts = (
        Chart("counts_a", "hbar", "主要事项办理量（件）", tuple(counts[:6])),
        Chart("rates_a", "rate", "各项完成率（%）", tuple(rates[:5])),
        Chart("before_after_a", "before_after", "同比变化前后（件）", tuple(counts[6:9])),
        Chart(
            "multiples_a", "small_multiples", "各项事项（件）", tuple(counts[9:17]), briefing=False
        ),
        Chart("trend_a", "trend", "办理量变化（件）", tuple(counts[17:18]), briefing=False),
        Chart("counts_b", "bar", "其他事项（件）", tuple(counts[18:22]), briefing=False),
        Chart("counts_c", "hbar", "再其他事项（件）", tuple(counts[22:30]), briefing=False),
        Chart("rates_b", "rate", "其他完成率（%）", tuple(rates[5:12]), briefing=False),
    )
    items = tuple(
        (f"第{i + 1}项不足", f"第{i + 1}方面工作仍有差距，制度执行和队伍能力需要进一步加强。")
        for i in range(8)
    )
    plans = tuple(
        (f"第{i + 1}项计划", f"围绕第{i + 1}方面工作完善制度、充实力量，确保各项任务落到实处。")
        for i in range(8)
    )
    return _dataset(tuple(inds), areas=area_list, shortcomings=items, plans=plans, charts=charts)


def _dataset(indicators, *, areas, shortcomings, plans, charts=()) -> Dataset:  # type: ignore[no-untyped-def]
    meta = Meta(
        district="样本区",
        city="样本市",
        province="样本省",
        year=2024,
        title="样本区2024年度法治政府建设工作报告",
        issuers=("样本区人民政府",),
        date=dt.date(2025, 3, 30),
        source_document="样本区2024年度法治政府建设工作报告",
        short_name="样本区",
    )
    return Dataset(
        path="sample.yaml",
        sha256=f"{len(indicators):064d}",
        meta=meta,
        areas=tuple(areas),
        indicators=tuple(indicators),
        shortcomings=tuple(
            Item(f"s{i}", t, f"二（{i + 1}）", s) for i, (t, s) in enumerate(shortcomings)
        ),
        plans=tuple(Item(f"p{i}", t, f"三（{i + 1}）", s) for i, (t, s) in enumerate(plans)),
        glossary=(),
        charts=tuple(charts),
        relations=(),
    )
