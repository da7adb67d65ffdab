"""Write datasets whose every text field is as long as the loader allows: a filler kind and sizes
in, YAML text out.

The report must draw whatever the validator accepts; these datasets sit at its limits (see
`briefing.load.LIMITS`) with text that breaks easily (Han), not at all (one Latin word), or only
between figures and units. Districts and figures are invented.
"""

from __future__ import annotations

import json

from briefing.load import LIMITS

HAN = "法治政府建设示范创建工作持续推进"
FILLERS = ("han", "latin", "digits", "mixed")


def fill(kind: str, n: int, seed: int = 0) -> str:
    """`n` characters of text of `kind`: han, latin (one unbreakable word), digits, mixed."""
    if kind == "han":
        text = (HAN * (n // len(HAN) + 2))[seed % len(HAN) :]
    elif kind == "latin":
        text = "Abcdefghij" * (n // 10 + 2)
    elif kind == "digits":
        text = "1234567890" * (n // 10 + 2)
    else:
        text = ("建设2024年Rule-of-law执法" * (n // 20 + 2))[seed % 7 :]
    return text[:n]


def q(text: str) -> str:
    """A YAML scalar that reads back as `text` (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def limit_yaml(
    kind: str = "han",
    *,
    indicators: int = 12,
    areas: int = 2,
    chart_bars: int = 12,
    relations_on_one: int = 5,
    glossary: int = 2,
    items: int = 2,
) -> str:
    """A dataset with every text field at its limit, `indicators` figures over `areas` areas, one
    chart of `chart_bars` bars and one figure in `relations_on_one` relations.
    """
    lim = LIMITS
    lines = [
        "schema: 1",
        "meta:",
        f"  district: {q(fill('han', 8) + '区')}",
        f"  city: {q('示例市')}",
        f"  province: {q('示例省')}",
        "  year: 2024",
        f"  title: {q(fill(kind, lim['title']))}",
        f"  issuers: [{q(fill(kind, lim['title'], 1))}]",
        "  date: 2025-03-20",
        "areas:",
    ]
    for a in range(areas):
        lines += [
            f"  - id: area_{a}",
            f"    source: {q(fill(kind, lim['source'], a))}",
            f"    title: {q(fill(kind, lim['title'], a))}",
            f"    summary: {q(fill(kind, lim['summary'], a))}",
            f"    achievement: {q(fill(kind, lim['achievement'], a))}",
        ]
    lines.append("indicators:")
    for i in range(indicators):
        lines += [
            f"  - id: figure_{i}",
            f"    label: {q(fill(kind, lim['label'], i))}",
            f"    value: {100000 + i}.123456",
            f"    unit: {q('件次' if kind != 'latin' else 'abcdef')}",
            f"    area: area_{i % areas}",
            f"    source: {q(fill(kind, lim['source'], i))}",
            f"    note: {q(fill(kind, lim['note'], i))}",
            "    qualifier: more_than",
            "    period: 2024-01..2024-11",
            f"    headline: {'true' if i < 8 else 'false'}",
        ]
    lines += [
        "charts:",
        "  - id: long_chart",
        "    kind: hbar",
        f"    title: {q(fill(kind, lim['title']))}",
        f"    note: {q(fill(kind, lim['note']))}",
        f"    indicators: [{', '.join(f'figure_{i % indicators}' for i in range(chart_bars))}]",
        "    area: area_0",
    ]
    if relations_on_one:
        lines.append("relations:")
    for r in range(relations_on_one):
        lines += [
            f"  - id: same_{r}",
            "    kind: same",
            f"    ids: [figure_0, figure_{r + 1}]",
            f"    note: {q(fill(kind, lim['note'], r))}",
        ]
    if glossary:
        lines.append("glossary:")
        for g in range(glossary):
            lines += [
                f"  - term: {q(fill('han', lim['term'], g + 3))}",
                f"    definition: {q(fill(kind, lim['definition'], g))}",
            ]
    for part in ("shortcomings", "plans"):
        if items:
            lines.append(f"{part}:")
            for k in range(items):
                lines += [
                    f"  - id: {part}_{k}",
                    f"    source: {q(fill(kind, lim['source'], k))}",
                    f"    title: {q(fill(kind, lim['title'], k))}",
                    f"    summary: {q(fill(kind, lim['summary'], k))}",
                ]
    return "\n".join(lines) + "\n"
