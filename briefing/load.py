"""Read a dataset file (YAML bytes) into a validated `Dataset`, or raise `DatasetError` listing every problem.

YAML is parsed with PyYAML's safe machinery into nodes, never into Python objects: each value is
converted by the schema below from its node, so every problem can name `file:line:column` and the
field path, and YAML 1.1's silent reinterpretations (`0211` → 137, `12:30` → 750, `no` → False)
cannot reach the model. Anchors, aliases and explicit tags are refused before composing, which also
shuts out alias bombs. All problems are collected before failing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DatasetError, Problem
from .model import (
    BRIEFING_BLOCKS,
    CHART_KINDS,
    INDICATOR_KINDS,
    QUALIFIERS,
    RELATION_KINDS,
    Area,
    BriefingOptions,
    Change,
    Chart,
    Dataset,
    GlossaryEntry,
    Indicator,
    Item,
    Location,
    Meta,
    Period,
    Relation,
)

# libyaml's C parser when present (several times faster); same safe resolver, same marks.
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2_000_000
MAX_INDICATORS = 2_000
MAX_YAML_EVENTS = 200_000
SCHEMA_VERSION = 1

# Longest text each kind of field may hold, in characters. A label is a table cell, a title a
# heading line; anything longer belongs in a summary or note.
LIMITS = {
    "id": 64,
    "label": 40,
    "title": 60,
    "unit": 6,
    "source": 30,
    "term": 20,
    "achievement": 80,
    "note": 300,
    "definition": 300,
    "summary": 600,
    "short": 100,
}

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
NUMBER_RE = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
PERIOD_MONTHS_RE = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
PERIOD_TO_DATE_RE = re.compile(r"^(\d{4})-to-date$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
SEXAGESIMAL_RE = re.compile(r"^-?\d+(:[0-5]?\d)+(\.\d*)?$")

# Invisible characters that change how text is stored or shown without being seen: bidi controls,
# zero-width characters, the BOM. They are refused, not silently dropped, so the author knows.
INVISIBLE = set(range(0x200B, 0x2010)) | set(range(0x202A, 0x202F)) | set(range(0x2060, 0x2070)) | {
    0xFEFF,
    0x00AD,
    0x061C,
}

CJK_CLASS = r"[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u3000-\u303F“”‘’—…·]"
FOLD_SPACE_RE = re.compile(rf"(?<={CJK_CLASS})[ \t\n]+|[ \t\n]+(?={CJK_CLASS})")


# ---------------------------------------------------------------------------------------------
# Reading bytes


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DatasetError(
            [Problem(name, None, None, "", "the file is UTF-16; save it as UTF-8 (无 BOM) and try again")]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = ""
        for enc, label in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
            try:
                raw.decode(enc)
            except UnicodeDecodeError:
                continue
            guess = f"; it looks like {label}: convert it, e.g. `iconv -f {label.split('/')[-1]} -t UTF-8`"
            break
        raise DatasetError(
            [Problem(name, line, None, "", f"the file is not valid UTF-8 (byte {exc.start}){guess}")]
        ) from None


def _mark_line(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _prescan(text: str, name: str) -> list[Problem]:
    """Refuse anchors, aliases and explicit tags from the event stream, in bounded memory."""
    problems: list[Problem] = []
    try:
        for count, event in enumerate(yaml.parse(text, Loader=SafeLoader)):
            if count > MAX_YAML_EVENTS:
                problems.append(Problem(name, None, None, "", f"the file has more than {MAX_YAML_EVENTS} YAML elements; split it"))
                break
            line, col = _mark_line(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(name, line, col, "", f"YAML alias *{event.anchor} is not allowed; write the value out"))
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, yaml.AliasEvent):
                problems.append(Problem(name, line, col, "", f"YAML anchor &{anchor} is not allowed; write values out"))
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = tag is not None and (implicit is False or implicit == (False, False))
            if explicit and tag not in ("!",):
                problems.append(Problem(name, line, col, "", f"YAML tag {tag} is not allowed; remove it"))
            if len(problems) >= 20:
                break
    except yaml.MarkedYAMLError as exc:
        line, col = _mark_line(exc.problem_mark)
        problems.append(Problem(name, line, col, "", _yaml_message(exc, text)))
    return problems


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    msg = f"YAML syntax error: {exc.problem or exc}"
    if exc.context:
        msg += f" ({exc.context})"
    mark = exc.problem_mark
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            msg += "; a tab is used for indentation: YAML needs spaces"
    return msg


# ---------------------------------------------------------------------------------------------
# Converting nodes


@dataclass
class _Ctx:
    file: str
    problems: list[Problem] = field(default_factory=list)
    texts: list[tuple[str, str, Location]] = field(default_factory=list)

    def loc(self, node: Node) -> Location:
        m = node.start_mark
        return Location(self.file, m.line + 1, m.column + 1)

    def err(self, node: Node | None, path: str, message: str) -> None:
        if node is None:
            self.problems.append(Problem(self.file, None, None, path, message))
        else:
            m = node.start_mark
            self.problems.append(Problem(self.file, m.line + 1, m.column + 1, path, message))


class _Invalid(Exception):
    """Raised inside a converter after the problem was recorded, to skip the value."""


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{node.value}'"


def _mapping(ctx: _Ctx, node: Node, path: str, allowed: dict[str, bool]) -> dict[str, Node]:
    """Check a mapping's keys (unknown, duplicate, missing required) and return key → value node."""
    if not isinstance(node, MappingNode):
        ctx.err(node, path, f"expected a mapping (key: value lines), found {_kind(node)}")
        raise _Invalid
    out: dict[str, Node] = {}
    misspelt: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            ctx.err(key_node, path, "a key must be plain text")
            continue
        key = key_node.value
        sub = f"{path}.{key}" if path else key
        if key in out:
            first = out[key].start_mark.line + 1
            ctx.err(key_node, sub, f"duplicate key '{key}' (first given on line {first}); keep one")
            continue
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            misspelt.update(close)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed keys: {', '.join(allowed)}"
            ctx.err(key_node, sub, f"unknown key '{key}'{hint}")
            continue
        out[key] = value_node
    for key, required in allowed.items():
        if required and key not in out and key not in misspelt:
            ctx.err(node, f"{path}.{key}" if path else key, f"required key '{key}' is missing")
    return out


def _sequence(ctx: _Ctx, node: Node, path: str) -> list[Node]:
    if not isinstance(node, SequenceNode):
        ctx.err(node, path, f"expected a list (lines starting with '- '), found {_kind(node)}")
        raise _Invalid
    return list(node.value)


def _scalar(ctx: _Ctx, node: Node, path: str, what: str) -> ScalarNode:
    if not isinstance(node, ScalarNode):
        ctx.err(node, path, f"expected {what}, found {_kind(node)}")
        raise _Invalid
    return node


def normalize_text(value: str, *, folded: bool = True) -> str:
    """Undo YAML line folding inside Chinese text and trim; Latin words keep one space.

    Folding turns each line break of a multi-line scalar into a space, which inside Chinese text is
    an artefact; a space written on one line (内部资料 注意保存) is meant and stays.
    """
    value = unicodedata.normalize("NFC", value)
    if folded:
        value = FOLD_SPACE_RE.sub("", value)
    return re.sub(r"[ \t\n]+", " ", value).strip()


def _text(ctx: _Ctx, node: Node, path: str, limit: str, *, record: bool = True) -> str:
    s = _scalar(ctx, node, path, "text")
    if s.value == "" or (not s.style and s.value in ("~", "null", "Null", "NULL")):
        ctx.err(node, path, "expected text, found nothing")
        raise _Invalid
    raw = s.value
    for i, ch in enumerate(raw):
        cp = ord(ch)
        if cp in INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t"):
            name = unicodedata.name(ch, "control character")
            ctx.err(node, path, f"contains invisible character U+{cp:04X} ({name}) at position {i + 1}; delete it")
            raise _Invalid
    value = normalize_text(raw, folded=node.end_mark.line > node.start_mark.line)
    max_len = LIMITS[limit]
    if len(value) > max_len:
        ctx.err(node, path, f"text is {len(value)} characters; at most {max_len} fit a {limit}: shorten it")
        raise _Invalid
    if record:
        ctx.texts.append((path, value, ctx.loc(node)))
    return value


def _ident(ctx: _Ctx, node: Node, path: str) -> str:
    s = _scalar(ctx, node, path, "an id")
    if not ID_RE.match(s.value) or len(s.value) > LIMITS["id"]:
        ctx.err(node, path, f"id '{s.value}' must be lowercase ascii letters, digits and _, starting with a letter")
        raise _Invalid
    return s.value


def _number(ctx: _Ctx, node: Node, path: str) -> tuple[float, int]:
    """A number written as plain digits; returns the value and its printed decimals."""
    s = _scalar(ctx, node, path, "a number")
    raw = s.value.strip()
    if s.style in ("'", '"'):
        ctx.err(node, path, f"expected a number, found the text \"{raw}\"; remove the quotes" + (
            " and the separators" if "," in raw or "，" in raw else ""))
        raise _Invalid
    if NUMBER_RE.match(raw):
        value = float(raw)
        if abs(value) > 1e12:
            ctx.err(node, path, f"{raw} is implausibly large (limit 10^12); check the figure")
            raise _Invalid
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return value, decimals
    if re.match(r"^-?0\d+$", raw):
        hint = f"a leading zero makes YAML read it as octal; write {int(raw)}"
    elif SEXAGESIMAL_RE.match(raw):
        hint = "YAML 1.1 reads a:b as a base-60 number; write the number itself"
    elif re.match(r"^-?[\d,，]+(\.\d+)?$", raw):
        hint = f"write it without separators: {raw.replace(',', '').replace('，', '')}"
    elif raw.lower() in (".nan", "nan", ".inf", "-.inf", "+.inf", "inf", "-inf", "infinity"):
        hint = "not-a-number and infinity are not figures"
    elif re.match(r"^-?\d+(\.\d+)?[eE][-+]?\d+$", raw):
        hint = f"write it out in full ({float(raw):g}) without exponent notation"
    elif raw.endswith("%"):
        hint = "write the number without %; the unit goes in `unit`"
    else:
        hint = "use plain digits such as 1313 or 98.73"
    ctx.err(node, path, f"expected a number, found '{raw}': {hint}")
    raise _Invalid


def _integer(ctx: _Ctx, node: Node, path: str, lo: int, hi: int) -> int:
    value, decimals = _number(ctx, node, path)
    if decimals or not value.is_integer() or not lo <= value <= hi:
        ctx.err(node, path, f"expected a whole number from {lo} to {hi}, found {node.value}")
        raise _Invalid
    return int(value)


def _bool(ctx: _Ctx, node: Node, path: str) -> bool:
    s = _scalar(ctx, node, path, "true or false")
    if not s.style and s.value in ("true", "false"):
        return s.value == "true"
    ctx.err(node, path, f"expected true or false, found '{s.value}'")
    raise _Invalid


def _choice(ctx: _Ctx, node: Node, path: str, choices: tuple[str, ...]) -> str:
    s = _scalar(ctx, node, path, "one of " + ", ".join(choices))
    if s.value in choices:
        return s.value
    close = difflib.get_close_matches(s.value, choices, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    ctx.err(node, path, f"'{s.value}' is not one of {', '.join(choices)}{hint}")
    raise _Invalid


def _date(ctx: _Ctx, node: Node, path: str) -> dt.date:
    s = _scalar(ctx, node, path, "a date YYYY-MM-DD")
    m = DATE_RE.match(s.value.strip())
    if not m:
        ctx.err(node, path, f"expected a date written YYYY-MM-DD, found '{s.value}'")
        raise _Invalid
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        ctx.err(node, path, f"'{s.value}' is not a real date ({exc})")
        raise _Invalid from None


def _period(ctx: _Ctx, node: Node, path: str) -> Period:
    s = _scalar(ctx, node, path, "a period")
    raw = s.value.strip()
    try:
        if re.fullmatch(r"\d{4}", raw):
            period = Period("year", int(raw))
        elif m := PERIOD_MONTHS_RE.match(raw):
            if m[1] != m[3]:
                raise ValueError("a span of months must lie within one year")
            start, end = int(m[2]), int(m[4])
            if not (1 <= start <= end <= 12):
                raise ValueError("months run 01..12 and the span must not run backwards")
            period = Period("months", int(m[1]), start, end)
        elif m := PERIOD_TO_DATE_RE.match(raw):
            period = Period("to_date", int(m[1]))
        else:
            raise ValueError("write 2024, 2024-01..2024-11 or 2024-to-date")
    except ValueError as exc:
        ctx.err(node, path, f"bad period '{raw}': {exc}")
        raise _Invalid from None
    if not 1949 <= period.year <= 2100:
        ctx.err(node, path, f"year {period.year} is out of range")
        raise _Invalid
    return period


def _opt(
    ctx: _Ctx, fields: dict[str, Node], key: str, path: str, conv: Callable[..., Any], *args: Any, default: Any = None
) -> Any:
    node = fields.get(key)
    if node is None:
        return default
    try:
        return conv(ctx, node, f"{path}.{key}", *args)
    except _Invalid:
        return default


def _req(ctx: _Ctx, fields: dict[str, Node], key: str, path: str, conv: Callable[..., Any], *args: Any) -> Any:
    node = fields.get(key)
    if node is None:
        raise _Invalid  # already reported as missing
    return conv(ctx, node, f"{path}.{key}", *args)


def _list_of(ctx: _Ctx, fields: dict[str, Node], key: str, path: str, conv: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    node = fields.get(key)
    if node is None:
        return ()
    out = []
    try:
        items = _sequence(ctx, node, f"{path}.{key}")
    except _Invalid:
        return ()
    for i, item in enumerate(items):
        try:
            out.append(conv(ctx, item, f"{path}.{key}[{i}]", *args))
        except _Invalid:
            pass
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The schema, one function per record kind


META_KEYS = {
    "district": True, "city": True, "province": True, "year": True, "title": True,
    "short_name": False, "issuers": True, "date": True, "source_document": False,
    "copy_number": False, "classification": False, "marking": False,
}


def _meta(ctx: _Ctx, node: Node) -> Meta:
    f = _mapping(ctx, node, "meta", META_KEYS)
    p = "meta"
    district = _opt(ctx, f, "district", p, _text, "short", default="")
    title = _opt(ctx, f, "title", p, _text, "title", default="")
    copy_number = None
    if "copy_number" in f:
        s = _opt(ctx, f, "copy_number", p, _scalar, "a six-digit copy number")
        if s is not None:
            if re.fullmatch(r"\d{1,6}", s.value):
                copy_number = s.value.zfill(6)
            else:
                ctx.err(s, "meta.copy_number", f"copy number '{s.value}' must be up to six digits (quote it: '000123')")
    issuers = _list_of(ctx, f, "issuers", p, _text, "title")
    if "issuers" in f and not issuers:
        ctx.err(f["issuers"], "meta.issuers", "name at least one issuing body")
    return Meta(
        district=district,
        city=_opt(ctx, f, "city", p, _text, "short", default=""),
        province=_opt(ctx, f, "province", p, _text, "short", default=""),
        year=_opt(ctx, f, "year", p, _integer, 1949, 2100, default=2000),
        title=title,
        issuers=issuers,
        date=_opt(ctx, f, "date", p, _date, default=dt.date(2000, 1, 1)),
        source_document=_opt(ctx, f, "source_document", p, _text, "title", default=title),
        short_name=_opt(ctx, f, "short_name", p, _text, "short", default=district),
        copy_number=copy_number,
        classification=_opt(ctx, f, "classification", p, _text, "short"),
        marking=_opt(ctx, f, "marking", p, _text, "short"),
    )


AREA_KEYS = {"id": True, "source": True, "title": True, "summary": True, "achievement": True}


def _area(ctx: _Ctx, node: Node, path: str) -> Area:
    f = _mapping(ctx, node, path, AREA_KEYS)
    return Area(
        id=_req(ctx, f, "id", path, _ident),
        source=_opt(ctx, f, "source", path, _text, "source", default=""),
        title=_opt(ctx, f, "title", path, _text, "title", default=""),
        summary=_opt(ctx, f, "summary", path, _text, "summary", default=""),
        achievement=_opt(ctx, f, "achievement", path, _text, "achievement", default=""),
        location=ctx.loc(node),
    )


INDICATOR_KEYS = {
    "id": True, "label": True, "value": True, "unit": True, "kind": False, "qualifier": False,
    "period": False, "area": True, "source": True, "change": False, "prior": False,
    "headline": False, "note": False,
}
CHANGE_KEYS = {"direction": True, "value": True, "unit": False}


def _change(ctx: _Ctx, node: Node, path: str) -> Change:
    f = _mapping(ctx, node, path, CHANGE_KEYS)
    direction = _req(ctx, f, "direction", path, _choice, ("up", "down"))
    value, decimals = _req(ctx, f, "value", path, _number)
    if value < 0:
        ctx.err(f["value"], f"{path}.value", "give the size of the change (no sign); `direction` says up or down")
        raise _Invalid
    unit = _opt(ctx, f, "unit", path, _choice, ("%", "个百分点"), default="%")
    return Change(direction=direction, value=value, decimals=decimals, unit=unit)


def _indicator(ctx: _Ctx, node: Node, path: str, year: int) -> Indicator:
    f = _mapping(ctx, node, path, INDICATOR_KEYS)
    ident = _req(ctx, f, "id", path, _ident)
    label = _opt(ctx, f, "label", path, _text, "label", default="")
    unit = _opt(ctx, f, "unit", path, _text, "unit", default="")
    number = _opt(ctx, f, "value", path, _number)
    kind = _opt(ctx, f, "kind", path, _choice, INDICATOR_KINDS, default="rate" if unit == "%" else "count")
    if number is not None:
        value, decimals = number
        vnode = f["value"]
        if kind == "count" and value < 0:
            ctx.err(vnode, f"{path}.value", f"a count cannot be negative ({value:g}); use kind: change for a fall")
        elif kind == "rate" and not 0 <= value <= 100:
            ctx.err(vnode, f"{path}.value", f"a percentage share must lie within 0–100, found {value:g}")
        elif kind == "change" and value < -100:
            ctx.err(vnode, f"{path}.value", f"a fall cannot exceed 100%, found {value:g}")
    else:
        value, decimals = math.nan, 0
    if kind in ("rate", "change") and unit and unit not in ("%", "个百分点") and "unit" in f:
        ctx.err(f["unit"], f"{path}.unit", f"a {kind} is measured in % (found '{unit}')")
    if kind == "count" and unit == "%" and "kind" in f:
        ctx.err(f["kind"], f"{path}.kind", "a figure in % is a rate or a change, not a count")
    change = _opt(ctx, f, "change", path, _change)
    if change is not None and kind == "change":
        ctx.err(f["change"], f"{path}.change", "a change indicator cannot carry another change")
    prior = _opt(ctx, f, "prior", path, _number)
    if prior is not None and prior[0] < 0:
        ctx.err(f["prior"], f"{path}.prior", "a prior value cannot be negative")
    return Indicator(
        id=ident,
        label=label,
        value=value,
        decimals=decimals,
        unit=unit,
        kind=kind,
        qualifier=_opt(ctx, f, "qualifier", path, _choice, QUALIFIERS, default="exact"),
        period=_opt(ctx, f, "period", path, _period, default=Period("year", year)),
        area=_req(ctx, f, "area", path, _ident),
        source=_opt(ctx, f, "source", path, _text, "source", default=""),
        change=change,
        prior=prior[0] if prior else None,
        headline=_opt(ctx, f, "headline", path, _bool, default=False),
        note=_opt(ctx, f, "note", path, _text, "note"),
        location=ctx.loc(node),
    )


ITEM_KEYS = {"id": True, "source": True, "title": True, "summary": True}


def _item(ctx: _Ctx, node: Node, path: str) -> Item:
    f = _mapping(ctx, node, path, ITEM_KEYS)
    return Item(
        id=_req(ctx, f, "id", path, _ident),
        source=_opt(ctx, f, "source", path, _text, "source", default=""),
        title=_opt(ctx, f, "title", path, _text, "title", default=""),
        summary=_opt(ctx, f, "summary", path, _text, "summary", default=""),
        location=ctx.loc(node),
    )


GLOSSARY_KEYS = {"term": True, "definition": True, "aliases": False}


def _glossary(ctx: _Ctx, node: Node, path: str) -> GlossaryEntry:
    f = _mapping(ctx, node, path, GLOSSARY_KEYS)
    return GlossaryEntry(
        term=_req(ctx, f, "term", path, _text, "term"),
        definition=_opt(ctx, f, "definition", path, _text, "definition", default=""),
        aliases=_list_of(ctx, f, "aliases", path, _text, "term"),
        location=ctx.loc(node),
    )


CHART_KEYS = {"id": True, "kind": True, "title": True, "indicators": True, "note": False, "briefing": False, "area": False}


def _chart(ctx: _Ctx, node: Node, path: str) -> Chart:
    f = _mapping(ctx, node, path, CHART_KEYS)
    return Chart(
        id=_req(ctx, f, "id", path, _ident),
        kind=_req(ctx, f, "kind", path, _choice, CHART_KINDS),
        title=_opt(ctx, f, "title", path, _text, "title", default=""),
        indicators=_list_of(ctx, f, "indicators", path, _ident),
        note=_opt(ctx, f, "note", path, _text, "note"),
        briefing=_opt(ctx, f, "briefing", path, _bool, default=True),
        area=_opt(ctx, f, "area", path, _ident),
        location=ctx.loc(node),
    )


RELATION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required keys, optional keys)
    "rate": (("part", "rate"), ("whole",)),
    "total": (("total", "parts"), ()),
    "subset": (("whole", "parts"), ()),
    "same": (("ids",), ()),
    "change": (("current",), ("prior",)),
}
RELATION_KEYS = {"id": True, "kind": True, "note": False, "ids": False, "part": False, "whole": False,
                 "rate": False, "total": False, "parts": False, "current": False, "prior": False}


def _relation(ctx: _Ctx, node: Node, path: str) -> Relation:
    f = _mapping(ctx, node, path, RELATION_KEYS)
    kind = _req(ctx, f, "kind", path, _choice, RELATION_KINDS)
    required, optional = RELATION_FIELDS[kind]
    for key in ("ids", "part", "whole", "rate", "total", "parts", "current", "prior"):
        if key in f and key not in required + optional:
            ctx.err(f[key], f"{path}.{key}", f"a '{kind}' relation has no '{key}'; it takes {', '.join(required + optional)}")
        if key in required and key not in f:
            ctx.err(node, f"{path}.{key}", f"a '{kind}' relation needs '{key}'")
    rel = Relation(
        id=_req(ctx, f, "id", path, _ident),
        kind=kind,
        ids=_list_of(ctx, f, "ids", path, _ident),
        part=_opt(ctx, f, "part", path, _ident),
        whole=_opt(ctx, f, "whole", path, _ident),
        rate=_opt(ctx, f, "rate", path, _ident),
        total=_opt(ctx, f, "total", path, _ident),
        parts=_list_of(ctx, f, "parts", path, _ident),
        current=_opt(ctx, f, "current", path, _ident),
        prior=_opt(ctx, f, "prior", path, _ident),
        note=_opt(ctx, f, "note", path, _text, "note"),
        location=ctx.loc(node),
    )
    if kind == "same" and len(rel.ids) < 2:
        ctx.err(node, f"{path}.ids", "a 'same' relation needs at least two ids")
    if kind in ("total", "subset") and "parts" in f and not rel.parts:
        ctx.err(f["parts"], f"{path}.parts", "list at least one part")
    return rel


BRIEFING_KEYS = {"drop_order": False, "max_headlines": False}


def _briefing(ctx: _Ctx, node: Node) -> BriefingOptions:
    f = _mapping(ctx, node, "briefing", BRIEFING_KEYS)
    droppable = tuple(b for b in BRIEFING_BLOCKS if b not in ("masthead", "headlines", "footer"))
    order = _list_of(ctx, f, "drop_order", "briefing", _choice, droppable)
    defaults = BriefingOptions()
    return BriefingOptions(
        drop_order=order or defaults.drop_order,
        max_headlines=_opt(ctx, f, "max_headlines", "briefing", _integer, 1, 12, default=defaults.max_headlines),
    )


TOP_KEYS = {
    "schema": False, "meta": True, "areas": True, "indicators": True, "relations": False,
    "charts": False, "shortcomings": False, "plans": False, "glossary": False, "briefing": False,
}


def _records(ctx: _Ctx, top: dict[str, Node], key: str, conv: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    node = top.get(key)
    if node is None:
        return ()
    try:
        items = _sequence(ctx, node, key)
    except _Invalid:
        return ()
    out = []
    for i, item in enumerate(items):
        try:
            out.append(conv(ctx, item, f"{key}[{i}]", *args))
        except _Invalid:
            pass
    return tuple(out)


def _check_ids(ctx: _Ctx, kind: str, records: tuple[Any, ...], attr: str = "id") -> None:
    seen: dict[str, Any] = {}
    for i, rec in enumerate(records):
        ident = getattr(rec, attr)
        if ident in seen:
            first = seen[ident].location
            loc = rec.location
            ctx.problems.append(Problem(
                ctx.file, loc.line if loc else None, loc.column if loc else None, f"{kind}[{i}].{attr}",
                f"duplicate {attr} '{ident}' (first used on line {first.line if first else '?'}); ids must be unique"))
        else:
            seen[ident] = rec


def _cross_check(ctx: _Ctx, ds: dict[str, Any]) -> None:
    """Checks that need the whole dataset: references, units within a chart, headline count."""
    areas = {a.id for a in ds["areas"]}
    indicators = {i.id: i for i in ds["indicators"]}

    def where(rec: Any) -> tuple[int | None, int | None]:
        loc = rec.location
        return (loc.line, loc.column) if loc else (None, None)

    def ref(rec: Any, path: str, ident: str | None, known: Any, what: str) -> None:
        if ident is not None and ident not in known:
            close = difflib.get_close_matches(ident, list(known), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            ctx.problems.append(Problem(ctx.file, *where(rec), path, f"unknown {what} '{ident}'{hint}"))

    for i, ind in enumerate(ds["indicators"]):
        ref(ind, f"indicators[{i}].area", ind.area, areas, "area")
    for i, rel in enumerate(ds["relations"]):
        for ident in rel.indicator_ids:
            ref(rel, f"relations[{i}]", ident, indicators, "indicator")
        if rel.kind == "change" and rel.current in indicators and indicators[rel.current].change is None:
            ctx.problems.append(Problem(ctx.file, *where(rel), f"relations[{i}].current",
                                        f"indicator '{rel.current}' states no change; add `change:` to it"))
    for i, chart in enumerate(ds["charts"]):
        path = f"charts[{i}]"
        ref(chart, f"{path}.area", chart.area, areas, "area")
        members = []
        for ident in chart.indicators:
            ref(chart, f"{path}.indicators", ident, indicators, "indicator")
            if ident in indicators:
                members.append(indicators[ident])
        if not chart.indicators:
            ctx.problems.append(Problem(ctx.file, *where(chart), f"{path}.indicators", "a chart needs at least one indicator"))
        if chart.kind == "diverging":
            bad = [m.id for m in members if m.kind != "change" and m.change is None]
            if bad:
                ctx.problems.append(Problem(ctx.file, *where(chart), f"{path}.indicators",
                                            f"a diverging chart shows changes; {', '.join(bad)} state no change"))
        elif chart.kind == "rate":
            bad = [m.id for m in members if m.kind != "rate"]
            if bad:
                ctx.problems.append(Problem(ctx.file, *where(chart), f"{path}.indicators",
                                            f"a rate chart shows percentages; {', '.join(bad)} are not rates"))
        else:
            units = sorted({m.unit for m in members})
            if len(units) > 1:
                ctx.problems.append(Problem(ctx.file, *where(chart), f"{path}.indicators",
                                            f"a chart must not mix units; found {' and '.join(units)}: split it"))
            if any(m.kind == "change" for m in members):
                ctx.problems.append(Problem(ctx.file, *where(chart), f"{path}.kind",
                                            "changes belong in a diverging chart"))


def parse_dataset(raw: bytes, name: str) -> Dataset:
    """Parse and validate dataset bytes; `name` is how messages refer to the file."""
    if len(raw) > MAX_FILE_BYTES:
        raise DatasetError([Problem(name, None, None, "", f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")])
    text = _decode(raw, name)
    if not text.strip() or all(ln.strip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        raise DatasetError([Problem(name, None, None, "", "the file is empty; start from `briefing init PATH`")])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = _prescan(text, name)
    if problems:
        raise DatasetError(problems)
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, col = _mark_line(exc.problem_mark)
        raise DatasetError([Problem(name, line, col, "", _yaml_message(exc, text))]) from None
    except yaml.YAMLError as exc:
        raise DatasetError([Problem(name, None, None, "", f"YAML error: {exc}")]) from None
    if root is None:
        raise DatasetError([Problem(name, None, None, "", "the file holds no data")])
    ctx = _Ctx(name)
    try:
        top = _mapping(ctx, root, "", TOP_KEYS)
    except _Invalid:
        raise DatasetError(ctx.problems) from None
    if "schema" in top:
        try:
            version = _integer(ctx, top["schema"], "schema", 1, 99)
            if version != SCHEMA_VERSION:
                ctx.err(top["schema"], "schema", f"schema {version} is not supported; this version reads schema {SCHEMA_VERSION}")
        except _Invalid:
            pass
    try:
        meta = _meta(ctx, top["meta"]) if "meta" in top else None
    except _Invalid:
        meta = None
    year = meta.year if meta else 2000
    ind_node = top.get("indicators")
    if isinstance(ind_node, SequenceNode) and len(ind_node.value) > MAX_INDICATORS:
        ctx.err(ind_node, "indicators", f"{len(ind_node.value)} indicators; the limit is {MAX_INDICATORS}")
        raise DatasetError(ctx.problems)
    parts: dict[str, Any] = {
        "areas": _records(ctx, top, "areas", _area),
        "indicators": _records(ctx, top, "indicators", _indicator, year),
        "relations": _records(ctx, top, "relations", _relation),
        "charts": _records(ctx, top, "charts", _chart),
        "shortcomings": _records(ctx, top, "shortcomings", _item),
        "plans": _records(ctx, top, "plans", _item),
        "glossary": _records(ctx, top, "glossary", _glossary),
    }
    for key in ("areas", "indicators"):
        node = top.get(key)
        if node is not None and isinstance(node, SequenceNode) and not node.value:
            ctx.err(node, key, f"the dataset has no {key}; add at least one")
    for key in ("areas", "indicators", "relations", "charts", "shortcomings", "plans"):
        _check_ids(ctx, key, parts[key])
    _check_ids(ctx, "glossary", parts["glossary"], "term")
    _cross_check(ctx, parts)
    options = BriefingOptions()
    if "briefing" in top:
        try:
            options = _briefing(ctx, top["briefing"])
        except _Invalid:
            pass
    if ctx.problems or meta is None:
        raise DatasetError(sorted(ctx.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return Dataset(
        path=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        meta=meta,
        briefing=options,
        texts=tuple(ctx.texts),
        **parts,
    )


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate one dataset file."""
    p = Path(path)
    name = str(path)
    try:
        if p.is_dir():
            raise DatasetError([Problem(name, None, None, "", "is a folder, not a dataset file")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DatasetError([Problem(name, None, None, "", "no such file")]) from None
    except PermissionError:
        raise DatasetError([Problem(name, None, None, "", "permission denied")]) from None
    except OSError as exc:
        raise DatasetError([Problem(name, None, None, "", f"cannot read: {exc.strerror}")]) from None
    return parse_dataset(raw, name)
