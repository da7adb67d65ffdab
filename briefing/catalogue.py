"""Read the shipped indicator catalogue (`briefing/catalogue.yaml`) into `IndicatorType` values, and
suggest a code for a label.

The catalogue names the figures that annual 法治政府建设 reports commonly carry (行政复议收案,
败诉率, 人民调解成功率 …) under stable codes such as `review.received`. A dataset indicator that
carries `code:` says "this figure is that indicator", which is what lets the comparison pack put
twenty districts' figures in one column and the multi-year view find last year's figure.

Everything here is pure: no drawing library, no dataset. The catalogue is read once per process.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import yaml

from .model import INDICATOR_KINDS

CODE_RE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z0-9_]*\Z")

# Words that make a percentage a year-on-year change rather than a share.
CHANGE_WORDS = ("同比", "增长", "下降", "上升", "减少", "提高", "降低", "变化")


@dataclass(frozen=True, slots=True)
class IndicatorType:
    """One catalogue entry: a stable code and what a figure under it counts, in which unit."""

    code: str
    name: str
    short: str
    kind: str
    unit: str
    units: tuple[str, ...]  # every unit reports use for it; `unit` first
    group: str
    keywords: tuple[str, ...]

    @property
    def group_title(self) -> str:
        return catalogue().groups.get(self.group, self.group)


@dataclass(frozen=True)
class Catalogue:
    """The catalogue: entries by code, in the file's order, and the group titles."""

    entries: tuple[IndicatorType, ...]
    groups: Mapping[str, str]
    _by_code: Mapping[str, IndicatorType] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", MappingProxyType({e.code: e for e in self.entries}))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> IndicatorType:
        return self._by_code[code]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.entries)

    def order(self, code: str) -> int:
        """Where a code stands in the catalogue, so tables list indicators in one fixed order."""
        return self.codes.index(code) if code in self else len(self.entries)

    def close_to(self, code: str) -> str | None:
        """The catalogue code a mistyped one most likely meant, or None."""
        close = difflib.get_close_matches(code[:100], self.codes, n=1, cutoff=0.6)
        if close:
            return close[0]
        # A right name in the wrong group (`mediation.received`): match the part after the dot.
        tail = code.rpartition(".")[2]
        same_tail = [c for c in self.codes if c.rpartition(".")[2] == tail]
        return same_tail[0] if len(same_tail) == 1 else None


def _entry(raw: dict[str, Any], groups: dict[str, str]) -> IndicatorType:
    code = str(raw["code"])
    if not CODE_RE.match(code):
        raise ValueError(f"catalogue code {code!r} is not group.name")
    group = code.partition(".")[0]
    if group not in groups:
        raise ValueError(f"catalogue code {code!r}: group {group!r} has no title")
    kind = str(raw["kind"])
    if kind not in INDICATOR_KINDS:
        raise ValueError(f"catalogue code {code!r}: kind {kind!r}")
    unit = str(raw["unit"])
    others = tuple(str(u) for u in raw.get("units", ()))
    if kind in ("rate", "change") and (unit != "%" or others):
        raise ValueError(f"catalogue code {code!r}: a {kind} is counted in %")
    short = str(raw.get("short", raw["name"]))
    if len(short) > 6:
        raise ValueError(
            f"catalogue code {code!r}: short name {short!r} is longer than 6 characters"
        )
    return IndicatorType(
        code=code,
        name=str(raw["name"]),
        short=short,
        kind=kind,
        unit=unit,
        units=(unit, *others),
        group=group,
        keywords=tuple(str(k) for k in raw.get("keywords", ())),
    )


def parse_catalogue(text: str) -> Catalogue:
    """Parse catalogue YAML text; raises ValueError on a malformed entry (a packaging bug)."""
    # libyaml's loader when installed: the pure-Python one costs a cold build about 20 ms here.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders only
    groups = {str(k): str(v) for k, v in data["groups"].items()}
    entries = tuple(_entry(raw, groups) for raw in data["indicators"])
    codes = [e.code for e in entries]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValueError(f"catalogue codes used twice: {', '.join(dupes)}")
    return Catalogue(entries, MappingProxyType(groups))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, read once per process."""
    text = files("briefing").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    return parse_catalogue(text)


def unit_fits(entry: IndicatorType, unit: str) -> bool:
    """Whether a figure in `unit` can be this indicator (件次 can be 合法性审查, 人 cannot)."""
    return unit in entry.units


def code_scores(label: str, unit: str, context: str = "") -> list[tuple[int, str]]:
    """Candidate codes for a figure with their scores, best first (see `suggest_code`)."""
    label = label.strip()
    if not label:
        return []
    if unit == "%":
        # A share names itself (…率); otherwise 同比/增长/下降 in the label, or in the sentence
        # around a bare label such as 涉企检查, make it a change.
        words = label if "率" in label else label + context
        kinds = ("change",) if any(w in words for w in CHANGE_WORDS) else ("rate",)
    else:
        kinds = ("count",)
    scores: list[tuple[int, str]] = []
    for entry in catalogue().entries:
        if entry.kind not in kinds or not unit_fits(entry, unit):
            continue
        in_label = max((len(k) for k in entry.keywords if k in label), default=0)
        in_context = max((len(k) for k in entry.keywords if context and k in context), default=0)
        if not in_label and in_context < 3:
            continue
        # Label matches dominate, and the more of the label a keyword covers the better (调解成功
        # is 调解成功; 协助法院调解成功 less so); context only breaks ties.
        score = in_label * 100 - (len(label) - in_label) * bool(in_label) + in_context
        scores.append((score, entry.code))
    scores.sort(reverse=True)
    return scores


def suggest_code(label: str, unit: str, context: str = "") -> str | None:
    """The catalogue code a figure most likely is, from its label, unit and surrounding text; or
    None.

    Pure and cheap, for `briefing extract` to pre-fill `code:` in a draft (a person confirms it).
    An entry is a candidate when the unit fits it and the figure's kind matches (a % figure is a
    change when its label, or the sentence around a label that names no rate, speaks of
    同比/增长/下降; else a rate). Among candidates the longest keyword found in the label wins, a
    keyword covering more of the label beating one covering less; keywords found only in
    `context` (the sentence or heading around the figure) count for less, and break ties. Two
    candidates with the same best score mean the label is ambiguous, and nothing is suggested.
    """
    scores = code_scores(label, unit, context)
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][1]


__all__ = [
    "Catalogue",
    "IndicatorType",
    "catalogue",
    "parse_catalogue",
    "suggest_code",
    "unit_fits",
]
