"""Read a dataset file (YAML bytes) into a validated `Dataset`, or raise `DatasetError` listing
every problem.

YAML is parsed with PyYAML's safe machinery into nodes, never into Python objects: each value is
converted by the schema below from its node, so every problem can name `file:line:column` and the
field path, and YAML 1.1's silent reinterpretations (`0211` → 137, `12:30` → 750, `no` → False)
cannot reach the model. Anchors, aliases, explicit tags and deep nesting are refused from the event
stream before composing, which shuts out alias and nesting bombs in bounded time and memory.

Before YAML sees the text: files that are not UTF-8 text are named (GBK, UTF-16, a PDF or Word file
given by mistake), and characters PyYAML would reject with a bare traceback or silently read as line
breaks (control characters, U+2028) are swapped for private-use stand-ins, so the text check can
report them with their field and code point. All problems are collected before failing, the first
MAX_PROBLEMS of them reported; values quoted in messages are cut and have invisible characters
spelled out, so a message can never carry a terminal escape sequence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import math
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .catalogue import catalogue, unit_fits
from .drafts import review_marks
from .errors import DatasetError, Problem
from .i18n import N_, _
from .model import (
    BRIEFING_BLOCKS,
    BUILTIN_CHART_KINDS,
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
    chart_kinds,
)
from .readfile import InputFileError, read_bounded
from .textwidth import text_width

# libyaml's C parser when present (several times faster); same safe resolver, same marks.
SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2_000_000
YEARS = (1949, 2100)  # the years a report, a figure's period or a date may name
MAX_INDICATORS = 2_000
MAX_YAML_EVENTS = 200_000
# The schema nests four levels (indicators → item → change → value); anything far deeper is not a
# dataset, and PyYAML's scanner slows quadratically and its composer recurses with depth.
MAX_DEPTH = 16
# Past this many problems the file is probably not a dataset at all; more lines would bury the
# first.
MAX_PROBLEMS = 100
# Figures in the report carry at most two decimals; six leaves room and keeps printing sane.
MAX_DECIMALS = 6
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

# The kinds of text above as messages name them ("at most 40 fit a label").
TEXT_KINDS = (
    N_("id"),
    N_("label"),
    N_("title"),
    N_("unit"),
    N_("source"),
    N_("term"),
    N_("achievement"),
    N_("note"),
    N_("definition"),
    N_("summary"),
    N_("short"),
)

# Fields whose limit is a printed width in ems (see textwidth) rather than a count of characters.
WIDTH_LIMITED = frozenset({"label"})

# \Z, not $: `$` also matches before a final newline, which a block scalar (`id: |`) carries.
ID_RE = re.compile(r"^[a-z][a-z0-9_]*\Z")
NUMBER_RE = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")
PERIOD_MONTHS_RE = re.compile(r"^([0-9]{4})-([0-9]{2})\.\.([0-9]{4})-([0-9]{2})$")
PERIOD_TO_DATE_RE = re.compile(r"^([0-9]{4})-to-date$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
SEXAGESIMAL_RE = re.compile(r"^-?[0-9]+(:[0-5]?[0-9])+(\.[0-9]*)?$")

# Invisible characters that change how text is stored or shown without being seen: bidi controls,
# zero-width characters, the BOM. They are refused, not silently dropped, so the author knows.
INVISIBLE = (
    set(range(0x200B, 0x2010))
    | set(range(0x202A, 0x202F))
    | set(range(0x2060, 0x2070))
    | {
        0xFEFF,
        0x00AD,
        0x061C,
    }
)

CJK_CLASS = r"[\u2E80-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u3000-\u303F“”‘’—…·]"
FOLD_SPACE_RE = re.compile(rf"(?<={CJK_CLASS})[ \t\n]+|[ \t\n]+(?={CJK_CLASS})")


# ---------------------------------------------------------------------------------------------
# Reading bytes

# Files people pick by mistake, recognised by their first bytes, so the message can say what they
# are.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", N_("a PDF document")),
    (b"PK\x03\x04", N_("a ZIP archive (a Word .docx or Excel .xlsx file is one)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an old-style Word or Excel file (.doc/.xls)")),
    (b"{\\rtf", N_("an RTF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
)


def _file_problem(name: str, message: str, line: int | None = None) -> DatasetError:
    return DatasetError([Problem(name, line, None, "", message)])


def _plausible_text(text: str) -> bool:
    """Whether a decoding looks like a dataset rather than noise: no control characters, some
    CJK.
    """
    if any(unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r" for ch in text):
        return False
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _file_problem(name, _("the file is UTF-32; save it as UTF-8 and try again"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_problem(
            name, _("the file is UTF-16 (Windows 'Unicode'); save it as UTF-8 and try again")
        )
    for magic, what in MAGIC:
        if raw.startswith(magic):
            raise _file_problem(
                name,
                _(
                    "this is {what}, not a dataset; give the .yaml file "
                    "(`briefing extract` drafts one from a report's text)"
                ).format(what=_(what)),
            )
    head = raw[:4096]
    # UTF-16 without a byte order mark puts a zero byte beside every ASCII character.
    if head.count(b"\x00") * 3 >= len(head) > 0:
        raise _file_problem(
            name, _("the file looks like UTF-16 without a byte order mark; save it as UTF-8")
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in raw:
            raise _file_problem(
                name,
                _(
                    "the file contains zero bytes and is not UTF-8: it is a binary file, "
                    "not a YAML text file"
                ),
            ) from None
        line = raw[: exc.start].count(b"\n") + 1
        try:
            plausible = _plausible_text(raw.decode("gb18030"))
        except UnicodeDecodeError:
            plausible = False
        if plausible:
            # GB18030 is a superset of GBK and GB2312, so one conversion command covers all three;
            # Chinese Windows calls this encoding "ANSI".
            raise _file_problem(
                name,
                _(
                    "the file is not UTF-8 (byte {byte} on this line is not valid UTF-8); it "
                    "looks like GBK/GB18030 (the Chinese Windows 'ANSI' encoding). Save it as "
                    "UTF-8, or convert it: iconv -f GB18030 -t UTF-8 OLD.yaml > NEW.yaml"
                ).format(byte=exc.start),
                line,
            ) from None
        raise _file_problem(
            name,
            _(
                "the file is not UTF-8 (byte {byte} on this line is not valid UTF-8); save it as "
                "UTF-8"
            ).format(byte=exc.start),
            line,
        ) from None


# Characters PyYAML refuses outright (C0 and C1 controls, DEL, U+FFFE/U+FFFF) or silently reads as
# line breaks (NEL, U+2028, U+2029).
FORBIDDEN_RAW_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")

# A forbidden character is swapped for a stand-in from plane 15 (private use), which YAML accepts,
# so the file still parses and the text check can name the field and the original code point.
STAND_IN = 0xF0000
STAND_IN_RE = re.compile("[\U000f0000-\U0010ffff]")


def _where(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _shield(text: str, name: str) -> str:
    """Replace characters YAML would refuse or misread by stand-ins; refuse stand-ins found as
    such.
    """
    found = [m.start() for m in STAND_IN_RE.finditer(text)][:20]
    if found:
        raise DatasetError(
            [
                Problem(
                    name,
                    *_where(text, i),
                    "",
                    _("contains private-use character U+{code}; delete it").format(
                        code=f"{ord(text[i]):04X}"
                    ),
                )
                for i in found
            ]
        )
    return FORBIDDEN_RAW_RE.sub(lambda m: chr(STAND_IN + ord(m.group())), text)


def _show(value: str, limit: int = 40) -> str:
    """A user's value fit to quote in a message: invisible characters spelled out, long values
    cut.
    """
    parts: list[str] = []
    for ch in value[: limit + 1]:
        cp = ord(ch)
        if cp >= STAND_IN:
            parts.append(f"\\u{cp - STAND_IN:04x}")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            parts.append(f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}")
        else:
            parts.append(ch)
    shown = "".join(parts[:limit])
    return shown + "…" if len(value) > limit else shown


def _mark_line(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _prescan(text: str, name: str) -> list[Problem]:
    """Refuse anchors, aliases, explicit tags and deep nesting from the event stream, in bounded
    memory.
    """
    problems: list[Problem] = []
    depth = 0
    line: int | None = None
    col: int | None = None

    def refuse(message: str) -> None:
        problems.append(Problem(name, line, col, "", message))

    try:
        for count, event in enumerate(yaml.parse(text, Loader=SafeLoader)):
            line, col = _mark_line(event.start_mark)
            if count > MAX_YAML_EVENTS:
                refuse(
                    _("the file has more than {count:,} YAML elements; split it").format(
                        count=MAX_YAML_EVENTS
                    )
                )
                break
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    refuse(
                        _(
                            "lists and mappings nest more than {depth} levels deep here; "
                            "a dataset needs at most four"
                        ).format(depth=MAX_DEPTH)
                    )
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent):
                refuse(
                    _("YAML alias *{alias} is not allowed; write the value out").format(
                        alias=_show(event.anchor or "")
                    )
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, yaml.AliasEvent):
                refuse(
                    _("YAML anchor &{anchor} is not allowed; write values out").format(
                        anchor=_show(anchor)
                    )
                )
            tag = getattr(event, "tag", None)
            implicit = getattr(event, "implicit", True)
            explicit = tag is not None and (implicit is False or implicit == (False, False))
            if explicit and tag != "!":
                refuse(
                    _("YAML tag {tag} is not allowed; remove it").format(tag=_show(str(tag), 60))
                )
            if len(problems) >= 20:
                break
    except yaml.MarkedYAMLError as exc:
        line, col = _mark_line(exc.problem_mark)
        refuse(_yaml_message(exc, text))
    except yaml.YAMLError as exc:  # e.g. a ReaderError; _shield should have prevented it
        line = col = None
        refuse(_("YAML error: {error}").format(error=_show(str(exc), 200)))
    return problems


# PyYAML's wording for the commonest slips, and what to do about each.
YAML_HINTS: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        N_("a value containing ': ' must be quoted, e.g. title: \"甲: 乙\""),
    ),
    (
        "could not find expected ':'",
        N_("a line is missing the ':' after its key, or a quote is not closed"),
    ),
    ("found unexpected end of stream", N_("a quote or bracket is never closed")),
    (
        "did not find expected key",
        N_("check the indentation: items of one list or mapping line up exactly"),
    ),
    (
        "expected <block end>",
        N_("check the indentation: items of one list or mapping line up exactly"),
    ),
    ("found undefined tag handle", N_("'!' starts a YAML tag: quote a value that begins with '!'")),
    (
        "invalid Unicode character escape",
        N_("an escape such as \\ud800 is half a character: write the character itself"),
    ),
    (
        "exceeded maximum nesting depth",
        N_("lists and mappings nest far too deep; a dataset needs at most four levels"),
    ),
)


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = str(exc.problem or exc)
    # PyYAML's own words stay English (quoted after the colon); ours around them are translated.
    msg = _("YAML syntax error: {problem}").format(problem=_show(problem, 200))
    if exc.context:
        msg += f" ({_show(str(exc.context), 200)})"
    mark = exc.problem_mark
    line_text = ""
    if mark is not None:
        # Found by line number, not mark.index: libyaml and PyYAML count the index differently.
        lines = text.split("\n")
        whole = lines[mark.line] if 0 <= mark.line < len(lines) else ""
        hidden = STAND_IN_RE.search(whole)
        if hidden:
            # The real cause is a character the user cannot see; say so rather than the parser's
            # guess.
            return _("this line contains {character}; delete it").format(
                character=_stand_in_text(ord(hidden.group()) - STAND_IN)
            )
        line_text = whole[: mark.column + 1]
    if "'\\t'" in problem or "\t" in line_text:
        return msg + _("; a tab is used for indentation: YAML needs spaces")
    started = exc.context_mark
    # Only the scanner's context mark is where the broken token begins (e.g. the opening quote).
    scanning = "while scanning" in str(exc.context or "")
    if scanning and started is not None and mark is not None and started.line != mark.line:
        msg += _(" (it starts on line {line})").format(line=started.line + 1)
    for needle, hint in YAML_HINTS:
        if needle in problem or needle in str(exc.context or ""):
            return msg + _("; {hint}").format(hint=_(hint))
    return msg


# ---------------------------------------------------------------------------------------------
# Converting nodes


@dataclass
class _Ctx:
    file: str
    problems: list[Problem] = field(default_factory=list)
    texts: list[tuple[str, str, Location]] = field(default_factory=list)
    # Where each field path's value sits, so checks made after conversion (references, units)
    # can point at the field itself rather than the start of its record.
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)

    def loc(self, node: Node) -> Location:
        m = node.start_mark
        return Location(self.file, m.line + 1, m.column + 1)

    def err(self, node: Node | None, path: str, message: str) -> None:
        if node is None:
            self.problems.append(Problem(self.file, None, None, path, message))
        else:
            m = node.start_mark
            self.problems.append(Problem(self.file, m.line + 1, m.column + 1, path, message))


class _Invalid(Exception):  # noqa: N818 - a signal caught inside this module, not an error shown
    """Raised inside a converter after the problem was recorded, to skip the value."""


def _is_null(node: Node) -> bool:
    # Plain style is None from PyYAML's parser and "" from libyaml's: test falsiness, not None.
    if not isinstance(node, ScalarNode):
        return False
    return node.value == "" or (not node.style and node.value in ("~", "null", "Null", "NULL"))


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return _("a mapping")
    if isinstance(node, SequenceNode):
        return _("a list")
    if _is_null(node):
        return _("nothing")
    return f"'{_show(node.value)}'"


def _mapping(ctx: _Ctx, node: Node, path: str, allowed: dict[str, bool]) -> dict[str, Node]:
    """Check a mapping's keys (unknown, duplicate, missing required) and return key → value node."""
    if not isinstance(node, MappingNode):
        if not path:
            ctx.err(
                node,
                path,
                _(
                    "expected a mapping of sections (meta:, areas:, indicators: …) at the top "
                    "of the file, found {found}; start from `briefing init PATH`"
                ).format(found=_kind(node)),
            )
        else:
            ctx.err(
                node,
                path,
                _("expected a mapping (key: value lines), found {found}").format(found=_kind(node)),
            )
        raise _Invalid
    out: dict[str, Node] = {}
    misspelt: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            ctx.err(key_node, path, _("a key must be plain text"))
            continue
        key = key_node.value
        sub = f"{path}.{_show(key)}" if path else _show(key)
        if key in out:
            first = out[key].start_mark.line + 1
            ctx.err(
                key_node,
                sub,
                _("duplicate key '{key}' (first given on line {line}); keep one").format(
                    key=_show(key), line=first
                ),
            )
            continue
        if key not in allowed:
            close = difflib.get_close_matches(key[:100], allowed, n=1)
            misspelt.update(close)
            hint = (
                _("; did you mean '{close}'?").format(close=close[0])
                if close
                else _("; allowed keys: {keys}").format(keys=", ".join(allowed))
            )
            ctx.err(key_node, sub, _("unknown key '{key}'{hint}").format(key=_show(key), hint=hint))
            continue
        out[key] = value_node
        ctx.fields[sub] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
    for key, required in allowed.items():
        if required and key not in out and key not in misspelt:
            ctx.err(
                node,
                f"{path}.{key}" if path else key,
                _("required key '{key}' is missing").format(key=key),
            )
    return out


def _sequence(ctx: _Ctx, node: Node, path: str) -> list[Node]:
    if not isinstance(node, SequenceNode):
        ctx.err(
            node,
            path,
            _("expected a list (lines starting with '- '), found {found}").format(
                found=_kind(node)
            ),
        )
        raise _Invalid
    return list(node.value)


def _scalar(ctx: _Ctx, node: Node, path: str, what: str) -> ScalarNode:
    if not isinstance(node, ScalarNode):
        ctx.err(
            node, path, _("expected {what}, found {found}").format(what=_(what), found=_kind(node))
        )
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


# unicodedata has no names for control characters; these are the ones editors and old tools leave.
CONTROL_NAMES = {
    0x00: N_("NULL"),
    0x08: N_("BACKSPACE"),
    0x0B: N_("VERTICAL TAB"),
    0x0C: N_("FORM FEED, a page break from Word"),
    0x1A: N_("SUBSTITUTE, the DOS end-of-file mark"),
    0x1B: N_("ESCAPE"),
    0x7F: N_("DELETE"),
    0x85: N_("NEXT LINE"),
}


def _stand_in_text(cp: int) -> str:
    """Describe the original character behind a stand-in."""
    if cp in (0xFFFE, 0xFFFF):
        return _("non-character U+{code}").format(code=f"{cp:04X}")
    if cp in (0x85, 0x2028, 0x2029):
        kind = _("line separator U+{code}")
    else:
        kind = _("control character U+{code}")
    label = CONTROL_NAMES.get(cp)
    # Our descriptions of control characters are translated; Unicode's names are not.
    name = _(label) if label else unicodedata.name(chr(cp), "")
    character = kind.format(code=f"{cp:04X}")
    return _("{character} ({name})").format(character=character, name=name) if name else character


def _refused_char(ch: str) -> str | None:
    """Why a character may not appear in dataset text, or None if it may."""
    cp = ord(ch)
    if cp >= STAND_IN:
        return _stand_in_text(cp - STAND_IN)
    if ch in "\n\t":
        return None
    category = unicodedata.category(ch)
    if cp in INVISIBLE or category == "Cf":
        return _("invisible formatting character U+{code} ({name})").format(
            code=f"{cp:04X}", name=unicodedata.name(ch, "unnamed")
        )
    if category == "Cc":
        return _stand_in_text(cp)
    if category in ("Zl", "Zp"):
        return _("{character} ({name})").format(
            character=_("line separator U+{code}").format(code=f"{cp:04X}"),
            name=unicodedata.name(ch, ""),
        )
    if category == "Cs":
        return _("lone surrogate U+{code} (a broken escape such as \\ud800)").format(
            code=f"{cp:04X}"
        )
    if category == "Co":
        return _("private-use character U+{code} (it means nothing outside one computer)").format(
            code=f"{cp:04X}"
        )
    if category == "Cn":
        return _("unassigned code point U+{code}").format(code=f"{cp:04X}")
    if cp == 0xFFFD:
        return _(
            "replacement character U+FFFD (the text was damaged by a wrong encoding; retype it)"
        )
    return None


def _text(ctx: _Ctx, node: Node, path: str, limit: str, *, record: bool = True) -> str:
    s = _scalar(ctx, node, path, N_("text"))
    if _is_null(s):
        ctx.err(node, path, _("expected text, found nothing"))
        raise _Invalid
    raw = s.value
    max_len = LIMITS[limit]
    # Folding can only shrink text by the spaces it removes; far past the limit, skip the scan.
    if len(raw) > 4 * max_len + 200:
        ctx.err(
            node,
            path,
            _("text is {length:,} characters; at most {limit} fit a {what}: shorten it").format(
                length=len(raw), limit=max_len, what=_(limit)
            ),
        )
        raise _Invalid
    for i, ch in enumerate(raw):
        why = _refused_char(ch)
        if why is not None:
            ctx.err(
                node,
                path,
                _("contains {character} at character {position}; delete it").format(
                    character=why, position=i + 1
                ),
            )
            raise _Invalid
    value = normalize_text(raw, folded=node.end_mark.line > node.start_mark.line)
    if not value:
        ctx.err(node, path, _("expected text, found only spaces"))
        raise _Invalid
    if limit in WIDTH_LIMITED:
        # What has to fit is the printed width: 40 Han characters, or about 70 Latin letters.
        width = text_width(value)
        if width > max_len:
            ctx.err(
                node,
                path,
                _(
                    "text is {length} characters; at most {limit} fit a {what} (measured in "
                    "printed width: this is {width:.1f} ems, a Chinese character being one): "
                    "shorten it"
                ).format(length=len(value), limit=max_len, what=_(limit), width=width),
            )
            raise _Invalid
    elif len(value) > max_len:
        ctx.err(
            node,
            path,
            _("text is {length} characters; at most {limit} fit a {what}: shorten it").format(
                length=len(value), limit=max_len, what=_(limit)
            ),
        )
        raise _Invalid
    if record:
        ctx.texts.append((path, value, ctx.loc(node)))
    return value


def _ident(ctx: _Ctx, node: Node, path: str) -> str:
    s = _scalar(ctx, node, path, N_("an id"))
    if not ID_RE.match(s.value) or len(s.value) > LIMITS["id"]:
        ctx.err(
            node,
            path,
            _(
                "id '{id}' must be up to {limit} lowercase ascii letters, digits and _, "
                "starting with a letter"
            ).format(id=_show(s.value), limit=LIMITS["id"]),
        )
        raise _Invalid
    value: str = s.value
    return value


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－，％", "0123456789.-,%")
HEDGES = ("约", "余", "多", "以上", "近", "超过", "逾", "左右")


def _number_hint(raw: str) -> str:
    """Why `raw` is not a plain number, and how to write it."""
    if len(raw) > 40:
        return _("far too long for a figure")
    half = raw.translate(FULLWIDTH_DIGITS)
    if half != raw:
        bare = re.sub(r"[, ]", "", half)
        shown = bare if NUMBER_RE.match(bare) else half
        return _("it uses full-width characters; type them half-width: {number}").format(
            number=_show(shown)
        )
    if re.fullmatch(r"-?0[0-9]+", raw):
        return _("a leading zero makes YAML read it as octal; write {number}").format(
            number=raw.lstrip("-").lstrip("0") or "0"
        )
    if SEXAGESIMAL_RE.match(raw):
        return _("YAML 1.1 reads a:b as a base-60 number; write the number itself")
    bare = re.sub(r"[,， _\u00a0']", "", raw)
    if bare != raw and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", bare):
        return _("write it without separators: {number}").format(number=bare)
    if raw.lower().lstrip("+-") in (".nan", "nan", ".inf", "inf", "infinity"):
        return _("not-a-number and infinity are not figures")
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]{1,3}", raw):
        full = float(raw)
        if math.isfinite(full) and abs(full) <= 1e12:
            return _("write it out in full ({number}) without exponent notation").format(
                number=f"{full:f}".rstrip("0").rstrip(".")
            )
        return _("exponent notation is not allowed, and this figure is implausibly large")
    if raw.endswith(("%", "％")):
        return _("write the number without %; the unit goes in `unit`")
    if any(h in raw for h in HEDGES):
        return _("write the bare number; 约/余/以上/近/超过 go in `qualifier`")
    if re.fullmatch(r"-?[0-9.]+[^\x00-\x7f]+", raw):
        return _("write the bare number; the unit goes in `unit`")
    if re.fullmatch(r"-?0[xXoObB][0-9a-fA-F]+", raw):
        return _("write the figure in decimal digits, not hexadecimal, octal or binary")
    if DATE_RE.match(raw):
        return _("this is a date, not a figure")
    if raw.lower() in ("yes", "no", "y", "n", "on", "off", "true", "false"):
        return _("YAML 1.1 reads {word} as true/false, not a figure").format(word=raw)
    if raw.startswith("+"):
        return _("write it without the + sign")
    if raw.startswith("."):
        return _("write a digit before the point: {number}").format(number=f"0{raw}")
    return _("use plain digits such as 1313 or 98.73")


def _number(ctx: _Ctx, node: Node, path: str) -> tuple[float, int]:
    """A number written as plain digits; returns the value and its printed decimals."""
    s = _scalar(ctx, node, path, N_("a number"))
    raw = s.value.strip()
    if s.style in ("'", '"'):
        fixed = re.sub(r"[,，]", "", raw)
        message = (
            _('expected a number, found the text "{text}"; remove the quotes and the separators')
            if fixed != raw
            else _('expected a number, found the text "{text}"; remove the quotes')
        )
        ctx.err(node, path, message.format(text=_show(raw)))
        raise _Invalid
    if _is_null(s):
        ctx.err(node, path, _("expected a number, found nothing"))
        raise _Invalid
    if len(raw) <= 40 and NUMBER_RE.match(raw):
        value = float(raw)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        if abs(value) > 1e12:
            ctx.err(
                node,
                path,
                _("{value} is implausibly large (limit 10^12); check the figure").format(
                    value=_show(raw)
                ),
            )
            raise _Invalid
        if decimals > MAX_DECIMALS:
            ctx.err(
                node,
                path,
                _("{value} has {decimals} decimals; a stated figure has at most {most}").format(
                    value=_show(raw), decimals=decimals, most=MAX_DECIMALS
                ),
            )
            raise _Invalid
        if Decimal(repr(value)) != Decimal(raw):
            # Printing and checking work from the float's shortest repr; past 15 significant
            # digits that is no longer the figure as written (…123456 would print as …123455).
            ctx.err(
                node,
                path,
                _(
                    "{number} has more significant digits than can be printed and checked "
                    "exactly (at most 15); round it as the report does"
                ).format(number=_show(raw)),
            )
            raise _Invalid
        return value, decimals
    ctx.err(
        node,
        path,
        _("expected a number, found '{found}': {hint}").format(
            found=_show(raw), hint=_number_hint(raw)
        ),
    )
    raise _Invalid


def _integer(ctx: _Ctx, node: Node, path: str, lo: int, hi: int) -> int:
    value, decimals = _number(ctx, node, path)
    if decimals or not value.is_integer() or not lo <= value <= hi:
        ctx.err(
            node,
            path,
            _("expected a whole number from {lo} to {hi}, found {found}").format(
                lo=lo, hi=hi, found=_show(node.value)
            ),
        )
        raise _Invalid
    return int(value)


def _bool(ctx: _Ctx, node: Node, path: str) -> bool:
    s = _scalar(ctx, node, path, N_("true or false"))
    if not s.style and s.value in ("true", "false"):
        value: str = s.value
        return value == "true"
    ctx.err(
        node,
        path,
        _(
            "expected true or false, found '{found}' (write true or false: lowercase, unquoted)"
        ).format(found=_show(s.value)),
    )
    raise _Invalid


def _choice(ctx: _Ctx, node: Node, path: str, choices: tuple[str, ...]) -> str:
    s = _scalar(ctx, node, path, _("one of {choices}").format(choices=", ".join(choices)))
    if s.value in choices:
        choice: str = s.value
        return choice
    close = difflib.get_close_matches(s.value[:100], choices, n=1)
    hint = _("; did you mean '{close}'?").format(close=close[0]) if close else ""
    ctx.err(
        node,
        path,
        _("'{value}' is not one of {choices}{hint}").format(
            value=_show(s.value), choices=", ".join(choices), hint=hint
        ),
    )
    raise _Invalid


def _date(ctx: _Ctx, node: Node, path: str) -> dt.date:
    s = _scalar(ctx, node, path, N_("a date YYYY-MM-DD"))
    raw = s.value.strip()
    m = DATE_RE.match(raw)
    if not m:
        hint = ""
        if raw != raw.translate(FULLWIDTH_DIGITS):
            hint = _("; type the digits half-width")
        elif m := re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日", raw):
            hint = _("; write it {date}").format(date=f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
        ctx.err(
            node,
            path,
            _("expected a date written YYYY-MM-DD, found '{found}'{hint}").format(
                found=_show(raw), hint=hint
            ),
        )
        raise _Invalid
    try:
        date = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        ctx.err(
            node,
            path,
            _("'{found}' is not a real date ({reason})").format(found=_show(raw), reason=exc),
        )
        raise _Invalid from None
    _check_year(ctx, node, path, date.year)
    return date


def _check_year(ctx: _Ctx, node: Node, path: str, year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        ctx.err(node, path, _("year {year} is out of range").format(year=year))
        raise _Invalid


def _period(ctx: _Ctx, node: Node, path: str) -> Period:
    s = _scalar(ctx, node, path, N_("a period"))
    raw = s.value.strip()
    try:
        if re.fullmatch(r"[0-9]{4}", raw):
            period = Period("year", int(raw))
        elif m := PERIOD_MONTHS_RE.match(raw):
            if m[1] != m[3]:
                raise ValueError(N_("a span of months must lie within one year"))
            start, end = int(m[2]), int(m[4])
            if not (1 <= start <= end <= 12):
                raise ValueError(N_("months run 01..12 and the span must not run backwards"))
            period = Period("months", int(m[1]), start, end)
        elif m := PERIOD_TO_DATE_RE.match(raw):
            period = Period("to_date", int(m[1]))
        else:
            raise ValueError(N_("write 2024, 2024-01..2024-11 or 2024-to-date"))
    except ValueError as exc:
        # The reasons above are marked messages; translated here, where they are shown.
        ctx.err(
            node,
            path,
            _("bad period '{period}': {reason}").format(period=_show(raw), reason=_(str(exc))),
        )
        raise _Invalid from None
    _check_year(ctx, node, path, period.year)
    return period


def _opt(
    ctx: _Ctx,
    fields: dict[str, Node],
    key: str,
    path: str,
    conv: Callable[..., Any],
    *args: Any,
    default: Any = None,
) -> Any:
    node = fields.get(key)
    if node is None:
        return default
    try:
        return conv(ctx, node, f"{path}.{key}", *args)
    except _Invalid:
        return default


def _req(
    ctx: _Ctx, fields: dict[str, Node], key: str, path: str, conv: Callable[..., Any], *args: Any
) -> Any:
    node = fields.get(key)
    if node is None:
        raise _Invalid  # already reported as missing
    return conv(ctx, node, f"{path}.{key}", *args)


def _list_of(
    ctx: _Ctx, fields: dict[str, Node], key: str, path: str, conv: Callable[..., Any], *args: Any
) -> tuple[Any, ...]:
    node = fields.get(key)
    if node is None:
        return ()
    out = []
    try:
        items = _sequence(ctx, node, f"{path}.{key}")
    except _Invalid:
        return ()
    for i, item in enumerate(items):
        ctx.fields[f"{path}.{key}[{i}]"] = (item.start_mark.line + 1, item.start_mark.column + 1)
        with contextlib.suppress(_Invalid):
            out.append(conv(ctx, item, f"{path}.{key}[{i}]", *args))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The schema, one function per record kind


META_KEYS = {
    "district": True,
    "city": True,
    "province": True,
    "year": True,
    "title": True,
    "short_name": False,
    "issuers": True,
    "date": True,
    "source_document": False,
    "copy_number": False,
    "classification": False,
    "marking": False,
    "previous": False,
}


def _meta(ctx: _Ctx, node: Node) -> Meta:
    f = _mapping(ctx, node, "meta", META_KEYS)
    p = "meta"
    district = _opt(ctx, f, "district", p, _text, "short", default="")
    title = _opt(ctx, f, "title", p, _text, "title", default="")
    copy_number = None
    if "copy_number" in f:
        s = _opt(ctx, f, "copy_number", p, _scalar, N_("a six-digit copy number"))
        if s is not None:
            if re.fullmatch(r"[0-9]{1,6}", s.value):
                copy_number = s.value.zfill(6)
            else:
                ctx.err(
                    s,
                    "meta.copy_number",
                    _(
                        "copy number '{number}' must be up to six digits (quote it: '000123')"
                    ).format(number=_show(s.value)),
                )
    issuers = _list_of(ctx, f, "issuers", p, _text, "title")
    if (
        "issuers" in f
        and not issuers
        and not any(q.field.startswith("meta.issuers[") for q in ctx.problems)
    ):
        ctx.err(f["issuers"], "meta.issuers", _("name at least one issuing body"))
    year = _opt(ctx, f, "year", p, _integer, *YEARS)
    date = _opt(ctx, f, "date", p, _date)
    if year is not None and date is not None and date.year < year:
        ctx.err(
            f["date"],
            "meta.date",
            _(
                "the report on {year} cannot be dated {date}, before the year it reports on; "
                "check the year"
            ).format(year=year, date=date.isoformat()),
        )
    return Meta(
        district=district,
        city=_opt(ctx, f, "city", p, _text, "short", default=""),
        province=_opt(ctx, f, "province", p, _text, "short", default=""),
        year=year if year is not None else 2000,
        title=title,
        issuers=issuers,
        date=date if date is not None else dt.date(2000, 1, 1),
        source_document=_opt(ctx, f, "source_document", p, _text, "title", default=title),
        short_name=_opt(ctx, f, "short_name", p, _text, "short", default=district),
        copy_number=copy_number,
        classification=_opt(ctx, f, "classification", p, _text, "short"),
        marking=_opt(ctx, f, "marking", p, _text, "short"),
        previous=_opt(ctx, f, "previous", p, _previous),
    )


def _previous(ctx: _Ctx, node: Node, path: str) -> str:
    """The previous year's dataset: a relative path to a .yaml file (resolved beside this file)."""
    value = _text(ctx, node, path, "short")
    if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value):
        ctx.err(
            node,
            path,
            _(
                "'{path}' is an absolute path; give the file relative to this dataset, "
                "e.g. previous: district-2023.yaml"
            ).format(path=_show(value)),
        )
        raise _Invalid
    if not value.endswith((".yaml", ".yml")):
        ctx.err(
            node,
            path,
            _("'{path}' is not a .yaml file; name the previous year's dataset file").format(
                path=_show(value)
            ),
        )
        raise _Invalid
    return value


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
    "id": True,
    "label": True,
    "value": True,
    "unit": True,
    "kind": False,
    "qualifier": False,
    "period": False,
    "area": True,
    "source": True,
    "change": False,
    "prior": False,
    "headline": False,
    "note": False,
    "code": False,
}
CHANGE_KEYS = {"direction": True, "value": True, "unit": False}


def _change(ctx: _Ctx, node: Node, path: str) -> Change:
    f = _mapping(ctx, node, path, CHANGE_KEYS)
    direction = _req(ctx, f, "direction", path, _choice, ("up", "down"))
    value, decimals = _req(ctx, f, "value", path, _number)
    if value < 0:
        ctx.err(
            f["value"],
            f"{path}.value",
            _("give the size of the change (no sign); `direction` says up or down"),
        )
        raise _Invalid
    unit = _opt(ctx, f, "unit", path, _choice, ("%", "个百分点"), default="%")
    if direction == "down" and unit == "%" and value > 100:
        ctx.err(
            f["value"],
            f"{path}.value",
            _("a fall of {value:g}%, which is impossible (at most 100%); check the figure").format(
                value=value
            ),
        )
        raise _Invalid
    return Change(direction=direction, value=value, decimals=decimals, unit=unit)


def _indicator(ctx: _Ctx, node: Node, path: str, year: int) -> Indicator:
    f = _mapping(ctx, node, path, INDICATOR_KEYS)
    ident = _req(ctx, f, "id", path, _ident)
    label = _opt(ctx, f, "label", path, _text, "label", default="")
    unit = _opt(ctx, f, "unit", path, _text, "unit", default="")
    number = _opt(ctx, f, "value", path, _number)
    kind = _opt(
        ctx, f, "kind", path, _choice, INDICATOR_KINDS, default="rate" if unit == "%" else "count"
    )
    if number is not None:
        value, decimals = number
        vnode = f["value"]
        if kind == "count" and value < 0:
            ctx.err(
                vnode,
                f"{path}.value",
                _("a count cannot be negative ({value:g}); use kind: change for a fall").format(
                    value=value
                ),
            )
        elif kind == "rate" and not 0 <= value <= 100:
            ctx.err(
                vnode,
                f"{path}.value",
                _("a percentage share must lie within 0–100, found {value:g}").format(value=value),
            )
        elif kind == "change" and value < -100:
            ctx.err(
                vnode,
                f"{path}.value",
                _("a fall cannot exceed 100%, found {value:g}").format(value=value),
            )
    else:
        value, decimals = math.nan, 0
    if kind in ("rate", "change") and unit and unit not in ("%", "个百分点") and "unit" in f:
        ctx.err(
            f["unit"],
            f"{path}.unit",
            _("a {kind} is measured in % (found '{unit}')").format(kind=kind, unit=unit),
        )
    if kind == "count" and unit == "%" and "kind" in f:
        ctx.err(
            f["kind"],
            f"{path}.kind",
            _("a figure in percent (%) is a rate or a change, not a count"),
        )
    change = _opt(ctx, f, "change", path, _change)
    if change is not None and kind == "change":
        ctx.err(f["change"], f"{path}.change", _("a change indicator cannot carry another change"))
    prior = _opt(ctx, f, "prior", path, _number)
    if prior is not None and prior[0] < 0:
        ctx.err(f["prior"], f"{path}.prior", _("a prior value cannot be negative"))
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
        code=_opt(ctx, f, "code", path, _code, kind, unit) if "code" in f else None,
    )


def _code(ctx: _Ctx, node: Node, path: str, kind: str, unit: str) -> str:
    """A catalogue code; the figure's kind and unit must be ones the catalogue entry allows."""
    cat = catalogue()
    s = _scalar(ctx, node, path, N_("a catalogue code such as review.received"))
    code: str = s.value.strip()
    if code not in cat:
        close = cat.close_to(code)
        hint = (
            _("; did you mean '{close}'?").format(close=close)
            if close
            else _("; the codes are listed in docs/catalogue.md")
        )
        ctx.err(
            node,
            path,
            _("unknown indicator code '{code}'{hint}").format(code=_show(code), hint=hint),
        )
        raise _Invalid
    entry = cat[code]
    if kind != entry.kind:
        ctx.err(
            node,
            path,
            _("'{code}' ({name}) is a {code_kind}; this figure is a {kind}").format(
                code=code, name=entry.name, code_kind=entry.kind, kind=kind
            ),
        )
        raise _Invalid
    if unit and not unit_fits(entry, unit):
        ctx.err(
            node,
            path,
            _(
                "'{code}' ({name}) is counted in {units}, not '{unit}'; check the unit or the code"
            ).format(code=code, name=entry.name, units="、".join(entry.units), unit=_show(unit)),
        )
        raise _Invalid
    return code


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


CHART_KEYS = {
    "id": True,
    "kind": True,
    "title": True,
    "indicators": True,
    "note": False,
    "briefing": False,
    "area": False,
}


def _chart_kind(ctx: _Ctx, node: Node, path: str) -> str:
    # Installed packages' kinds are looked up (a scan of every package's metadata, about 20 ms of
    # a cold build) only for a kind that is not built in.
    if isinstance(node, ScalarNode) and node.value in BUILTIN_CHART_KINDS:
        return _choice(ctx, node, path, BUILTIN_CHART_KINDS)
    return _choice(ctx, node, path, chart_kinds())


def _chart(ctx: _Ctx, node: Node, path: str) -> Chart:
    f = _mapping(ctx, node, path, CHART_KEYS)
    return Chart(
        id=_req(ctx, f, "id", path, _ident),
        kind=_req(ctx, f, "kind", path, _chart_kind),
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
RELATION_KEYS = {
    "id": True,
    "kind": True,
    "note": False,
    "ids": False,
    "part": False,
    "whole": False,
    "rate": False,
    "total": False,
    "parts": False,
    "current": False,
    "prior": False,
}


def _relation(ctx: _Ctx, node: Node, path: str) -> Relation:
    f = _mapping(ctx, node, path, RELATION_KEYS)
    kind = _req(ctx, f, "kind", path, _choice, RELATION_KINDS)
    required, optional = RELATION_FIELDS[kind]
    for key in ("ids", "part", "whole", "rate", "total", "parts", "current", "prior"):
        if key in f and key not in required + optional:
            ctx.err(
                f[key],
                f"{path}.{key}",
                _("a '{kind}' relation has no '{key}'; it takes {keys}").format(
                    kind=kind, key=key, keys=", ".join(required + optional)
                ),
            )
        if key in required and key not in f:
            ctx.err(
                node,
                f"{path}.{key}",
                _("a '{kind}' relation needs '{key}'").format(kind=kind, key=key),
            )
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
        ctx.err(node, f"{path}.ids", _("a 'same' relation needs at least two ids"))
    if kind in ("total", "subset") and "parts" in f and not rel.parts:
        ctx.err(f["parts"], f"{path}.parts", _("list at least one part"))
    # A figure related to itself (total: a, parts: [a, b]) would be checked against itself and
    # reported as 不一致 however right it is.
    named = [
        (key, getattr(rel, key)) for key in ("rate", "part", "whole", "total", "current", "prior")
    ]
    named += [("ids", i) for i in rel.ids] + [("parts", i) for i in rel.parts]
    seen: dict[str, str] = {}
    for key, ident in named:
        if not ident:
            continue
        if ident in seen:
            ctx.err(
                f.get(key, node),
                f"{path}.{key}",
                _(
                    "'{id}' appears twice in this relation (in {first} and in {second}); a "
                    "figure cannot be checked against itself"
                ).format(id=ident, first=seen[ident], second=key),
            )
            break
        seen[ident] = key
    return rel


BRIEFING_KEYS = {"drop_order": False, "max_headlines": False}


def _briefing(ctx: _Ctx, node: Node) -> BriefingOptions:
    f = _mapping(ctx, node, "briefing", BRIEFING_KEYS)
    droppable = tuple(b for b in BRIEFING_BLOCKS if b not in ("masthead", "headlines", "footer"))
    order = _list_of(ctx, f, "drop_order", "briefing", _choice, droppable)
    defaults = BriefingOptions()
    return BriefingOptions(
        drop_order=order or defaults.drop_order,
        max_headlines=_opt(
            ctx, f, "max_headlines", "briefing", _integer, 1, 12, default=defaults.max_headlines
        ),
    )


TOP_KEYS = {
    "schema": False,
    "meta": True,
    "areas": True,
    "indicators": True,
    "relations": False,
    "charts": False,
    "shortcomings": False,
    "plans": False,
    "glossary": False,
    "briefing": False,
}


def _records(
    ctx: _Ctx, top: dict[str, Node], key: str, conv: Callable[..., Any], *args: Any
) -> tuple[Any, ...]:
    node = top.get(key)
    if node is None:
        return ()
    try:
        items = _sequence(ctx, node, key)
    except _Invalid:
        return ()
    out = []
    for i, item in enumerate(items):
        with contextlib.suppress(_Invalid):
            out.append(conv(ctx, item, f"{key}[{i}]", *args))
    return tuple(out)


def _check_ids(ctx: _Ctx, kind: str, records: tuple[Any, ...], attr: str = "id") -> None:
    seen: dict[str, Any] = {}
    for i, rec in enumerate(records):
        ident = getattr(rec, attr)
        if ident in seen:
            first = seen[ident].location
            loc = rec.location
            ctx.problems.append(
                Problem(
                    ctx.file,
                    loc.line if loc else None,
                    loc.column if loc else None,
                    f"{kind}[{i}].{attr}",
                    _(
                        "duplicate {attr} '{ident}' (first used on line {line}); ids must be unique"
                    ).format(attr=attr, ident=ident, line=first.line if first else "?"),
                )
            )
        else:
            seen[ident] = rec


def _cross_check(ctx: _Ctx, ds: dict[str, Any]) -> None:
    """Checks that need the whole dataset: references, units within a chart, headline count."""
    areas = {a.id for a in ds["areas"]}
    indicators = {i.id: i for i in ds["indicators"]}

    def where(rec: Any, path: str = "") -> tuple[int | None, int | None]:
        if path in ctx.fields:
            return ctx.fields[path]
        loc = rec.location
        return (loc.line, loc.column) if loc else (None, None)

    def refuse(rec: Any, path: str, message: str, *, at: str = "") -> None:
        """A problem with field `path` of `rec`, shown where field `at` is (else at `rec`)."""
        ctx.problems.append(Problem(ctx.file, *where(rec, at), path, message))

    def ref(rec: Any, path: str, ident: str | None, known: Any, what: str) -> None:
        if ident is not None and ident not in known:
            # Suggestions cost a comparison with every known id; once the report is full, skip them.
            close = (
                difflib.get_close_matches(ident, list(known), n=1)
                if len(ctx.problems) < MAX_PROBLEMS
                else []
            )
            hint = _("; did you mean '{close}'?").format(close=close[0]) if close else ""
            message = (
                _("unknown area '{id}'{hint}")
                if what == "area"
                else _("unknown indicator '{id}'{hint}")
            )
            refuse(rec, path, message.format(id=ident, hint=hint), at=path)

    codes: dict[str, Any] = {}
    for i, ind in enumerate(ds["indicators"]):
        ref(ind, f"indicators[{i}].area", ind.area, areas, "area")
        if ind.code is not None:
            if ind.code in codes:
                first = codes[ind.code].location
                refuse(
                    ind,
                    f"indicators[{i}].code",
                    _(
                        "code '{code}' is already given to '{ident}' (line {line}); a code "
                        "names one figure of the report: keep it on the one to compare"
                    ).format(
                        code=ind.code, ident=codes[ind.code].id, line=first.line if first else "?"
                    ),
                    at=f"indicators[{i}].code",
                )
            else:
                codes[ind.code] = ind
    for i, rel in enumerate(ds["relations"]):
        base = f"relations[{i}]"
        for key in ("part", "whole", "rate", "total", "current", "prior"):
            ref(rel, f"{base}.{key}", getattr(rel, key), indicators, "indicator")
        for key in ("ids", "parts"):
            for j, ident in enumerate(getattr(rel, key)):
                ref(rel, f"{base}.{key}[{j}]", ident, indicators, "indicator")
        if (
            rel.kind == "change"
            and rel.current in indicators
            and indicators[rel.current].change is None
        ):
            refuse(
                rel,
                f"relations[{i}].current",
                _("indicator '{ident}' states no change; add `change:` to it").format(
                    ident=rel.current
                ),
            )
    for i, chart in enumerate(ds["charts"]):
        path = f"charts[{i}]"
        ref(chart, f"{path}.area", chart.area, areas, "area")
        members = []
        for j, ident in enumerate(chart.indicators):
            ref(chart, f"{path}.indicators[{j}]", ident, indicators, "indicator")
            if ident in indicators:
                members.append(indicators[ident])
        if not chart.indicators:
            refuse(
                chart,
                f"{path}.indicators",
                _("a chart needs at least one indicator"),
            )
        if chart.kind == "trend":
            if len(members) != 1 or members[0].code is None:
                refuse(
                    chart,
                    f"{path}.indicators",
                    _(
                        "a trend chart shows one indicator over the years: name one that "
                        "carries a code, so earlier years' datasets can be matched"
                    ),
                )
        elif chart.kind == "diverging":
            bad = [m.id for m in members if m.kind != "change" and m.change is None]
            if bad:
                refuse(
                    chart,
                    f"{path}.indicators",
                    _("a diverging chart shows changes; {ids} state no change").format(
                        ids=", ".join(bad)
                    ),
                )
        elif chart.kind == "rate":
            bad = [m.id for m in members if m.kind != "rate"]
            if bad:
                refuse(
                    chart,
                    f"{path}.indicators",
                    _("a rate chart shows percentages; {ids} are not rates").format(
                        ids=", ".join(bad)
                    ),
                )
        elif chart.kind == "before_after":
            bad = [m.id for m in members if m.prior is None]
            if bad:
                refuse(
                    chart,
                    f"{path}.indicators",
                    _(
                        "a before_after chart shows a value before and after; {ids} state no "
                        "prior value: add `prior:`"
                    ).format(ids=", ".join(bad)),
                )
        elif chart.kind in ("small_multiples", "trend"):
            pass  # one panel per unit or per figure: units may differ
        else:
            units = sorted({m.unit for m in members})
            if len(units) > 1:
                refuse(
                    chart,
                    f"{path}.indicators",
                    _("a chart must not mix units; found {units}: split it").format(
                        units=_(" and ").join(units)
                    ),
                )
            if any(m.kind == "change" for m in members):
                refuse(
                    chart,
                    f"{path}.kind",
                    _("changes belong in a diverging chart"),
                )


def _failure(name: str, problems: list[Problem]) -> DatasetError:
    """All problems in file order, cut to MAX_PROBLEMS so the first ones stay readable."""
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
    if len(ordered) > MAX_PROBLEMS:
        rest = len(ordered) - MAX_PROBLEMS
        ordered = ordered[:MAX_PROBLEMS]
        ordered.append(
            Problem(
                name,
                None,
                None,
                "",
                _("… and {rest} more problems not shown; fix these first").format(rest=rest),
            )
        )
    return DatasetError(ordered)


def parse_dataset(raw: bytes, name: str) -> Dataset:
    """Parse and validate dataset bytes; `name` is how messages refer to the file."""
    if len(raw) > MAX_FILE_BYTES:
        raise _file_problem(
            name,
            _(
                "the file is {size:,} bytes; the limit is {limit:,}: is it really a dataset? "
                "Long texts belong in the report, not here"
            ).format(size=len(raw), limit=MAX_FILE_BYTES),
        )
    text = _decode(raw, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.split("\n")):
        raise _file_problem(name, _("the file is empty; start from `briefing init PATH`"))
    text = _shield(text, name)
    problems = _prescan(text, name)
    if problems:
        raise DatasetError(problems)
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, col = _mark_line(exc.problem_mark)
        raise DatasetError([Problem(name, line, col, "", _yaml_message(exc, text))]) from None
    except yaml.YAMLError as exc:
        raise _file_problem(
            name, _("YAML error: {error}").format(error=_show(str(exc), 200))
        ) from None
    if root is None or _is_null(root):
        raise _file_problem(name, _("the file holds no data; start from `briefing init PATH`"))
    ctx = _Ctx(name)
    try:
        top = _mapping(ctx, root, "", TOP_KEYS)
    except _Invalid:
        raise _failure(name, ctx.problems) from None
    if "schema" in top:
        try:
            version = _integer(ctx, top["schema"], "schema", 1, 99)
            if version != SCHEMA_VERSION:
                ctx.err(
                    top["schema"],
                    "schema",
                    _(
                        "schema {version} is not supported; this version reads schema {supported}"
                    ).format(version=version, supported=SCHEMA_VERSION),
                )
        except _Invalid:
            pass
    try:
        meta = _meta(ctx, top["meta"]) if "meta" in top else None
    except _Invalid:
        meta = None
    year = meta.year if meta else 2000
    ind_node = top.get("indicators")
    if isinstance(ind_node, SequenceNode) and len(ind_node.value) > MAX_INDICATORS:
        ctx.err(
            ind_node,
            "indicators",
            _("{count} indicators; the limit is {limit}").format(
                count=len(ind_node.value), limit=MAX_INDICATORS
            ),
        )
        raise _failure(name, ctx.problems)
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
            ctx.err(node, key, _("the dataset has no {key}; add at least one").format(key=key))
    for key in ("areas", "indicators", "relations", "charts", "shortcomings", "plans"):
        _check_ids(ctx, key, parts[key])
    _check_ids(ctx, "glossary", parts["glossary"], "term")
    _cross_check(ctx, parts)
    options = BriefingOptions()
    if "briefing" in top:
        with contextlib.suppress(_Invalid):
            options = _briefing(ctx, top["briefing"])
    if ctx.problems or meta is None:
        raise _failure(name, ctx.problems)
    return Dataset(
        path=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        meta=meta,
        briefing=options,
        texts=tuple(ctx.texts),
        review_marks=review_marks(text, root, name),
        **parts,
    )


def display_name(path: str | Path) -> str:
    """The path as messages show it: bytes that are not UTF-8 (a GBK file name) spelled as
    escapes.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate one dataset file."""
    name = display_name(path)
    return parse_dataset(read_dataset_bytes(path, name), name)


def read_dataset_bytes(path: str | Path, name: str | None = None) -> bytes:
    """The bytes of a dataset file, read with the size limit (`briefing.readfile`): a path like
    /dev/zero, a FIFO or a multi-gigabyte file picked by mistake is refused, not read whole.
    """
    name = display_name(path) if name is None else name
    try:
        return read_bounded(path, MAX_FILE_BYTES, what=N_("file"))
    except InputFileError as exc:
        message = {
            "folder": _("is a folder, not a dataset file"),
            "size": _(
                "the file is over {limit:,} bytes; the limit is {limit:,}: is it really a "
                "dataset? Long texts belong in the report, not here"
            ).format(limit=MAX_FILE_BYTES),
        }.get(exc.reason, exc.detail)
        raise _file_problem(name, message) from None
