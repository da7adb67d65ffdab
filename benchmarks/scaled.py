"""Write a dataset like data/liujiang-2024.yaml with any number of indicators: a count in, YAML text
out.

The report's length grows with its indicators (tables, footnotes, the data dictionary), so the
scaling benchmark builds the sample at several sizes. Copies of the sample's indicators are added
to the same six work areas under new ids, with the relations and area charts among them copied
too, so every copy is checked and drawn like the original (and finds what the original finds).
Labels say which copy an indicator belongs to.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "liujiang-2024.yaml"


def _ids_in(relation: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("part", "whole", "rate", "current", "total"):
        if isinstance(relation.get(key), str):
            out.append(relation[key])
    for key in ("parts", "ids"):
        out += list(relation.get(key) or [])
    return out


def _rename(relation: dict[str, Any], suffix: str) -> dict[str, Any]:
    out = dict(relation)
    out["id"] = relation["id"] + suffix
    for key in ("part", "whole", "rate", "current", "total"):
        if isinstance(out.get(key), str):
            out[key] = out[key] + suffix
    for key in ("parts", "ids"):
        if key in out:
            out[key] = [x + suffix for x in out[key]]
    return out


def scaled_yaml(count: int) -> str:
    """The sample dataset with `count` indicators (copies of its own, renamed)."""
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    base = sample["indicators"]
    copies = math.ceil(count / len(base))
    indicators: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    charts: list[dict[str, Any]] = []
    for c in range(copies):
        suffix = "" if c == 0 else f"_c{c}"
        batch = []
        for ind in base:
            if len(indicators) + len(batch) >= count:
                break
            new = dict(ind)
            new["id"] = ind["id"] + suffix
            if c:
                new["label"] = f"{ind['label'][:32]}（第{c + 1}组）"
                new.pop("headline", None)
                new.pop("code", None)  # a catalogue code names one figure of a report
            batch.append(new)
        indicators += batch
        have = {i["id"] for i in indicators}
        for rel in sample.get("relations", []):
            renamed = _rename(rel, suffix)
            if all(x in have for x in _ids_in(renamed)):
                relations.append(renamed)
        for chart in sample.get("charts", []):
            if c and not chart.get("area"):
                continue  # the briefing's charts stay as they are
            new = dict(
                chart, id=chart["id"] + suffix, indicators=[x + suffix for x in chart["indicators"]]
            )
            if c:
                new["title"] = f"{chart['title']}（第{c + 1}组）"
            if all(x in have for x in new["indicators"]):
                charts.append(new)
    sample["indicators"] = indicators
    sample["relations"] = relations
    sample["charts"] = charts
    return yaml.dump(sample, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def write_scaled(folder: Path, count: int) -> Path:
    path = folder / f"scaled-{count}.yaml"
    path.write_text(scaled_yaml(count), encoding="utf-8")
    return path


class _Dumper(yaml.SafeDumper):
    """Writes every value out: datasets may not use YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _date_representer(dumper: yaml.SafeDumper, value: dt.date) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(dt.date, _date_representer)


if __name__ == "__main__":
    sys.stdout.write(scaled_yaml(int(sys.argv[1]) if len(sys.argv) > 1 else 250))
