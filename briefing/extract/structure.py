"""Read a report's text into its outline: title line, headings (一、 （一） 1. （1）), 一是
enumerations and sentences.

Every offset of the text can then be asked which section it belongs to (`Outline.section_at`) and
which sentence holds it (`Outline.sentence_at`). Heading markers are recorded as spans so that the
digits of "1." or "（2）" are never mistaken for figures.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .types import Section

CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10_000, "亿": 100_000_000}

# Reports mix full-width and ASCII punctuation in headings: （一） and (一), 1. and 1、 and 1．
L1_RE = re.compile(
    r"([一二三四五六七八九十]{1,3})[、.．，,]\s*|第([一二三四五六七八九十]{1,3})(?:部分|章)[、.．，,:：\s]*"
)
L2_RE = re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]\s*")
L3_RE = re.compile(r"(\d{1,2})(?:[、．]|\.(?!\d))\s*")
L4_RE = re.compile(r"[（(](\d{1,2})[）)]\s*")
# 一是 starts an enumerated item only at the start of a sentence: 统一是… is not one.
ENUM_RE = re.compile(
    r"(?:^|(?<=[。；;：:！？!?\s]))([一二三四五六七八九十]{1,3})是(?![，,。；;、是])"
)
SENTENCE_END = "。！？!?\n"
LEADING_SPACE = " \t\u3000\xa0"


def cn_number(text: str) -> int | None:
    """A Chinese numeral as an integer (十二 → 12, 两百 → 200); None for digit strings like 八五 or
    十四五.
    """
    total = section = 0
    digit: int | None = None
    if text in ("零", "〇"):
        return 0
    for ch in text:
        if ch in "零〇":
            if digit is not None:
                return None  # 二〇二四: a digit string
            continue  # 一百零五: 零 only holds a place
        if ch in CN_DIGIT:
            if digit is not None:
                return None  # two digits in a row: a name (八五) or a year (二〇二四), not a count
            digit = CN_DIGIT[ch]
        elif ch in CN_UNIT:
            section += (1 if digit is None else digit) * CN_UNIT[ch]
            digit = None
        elif ch in CN_BIG:
            total += (section + (digit or 0)) * CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


@dataclass(frozen=True, slots=True)
class Outline:
    """The structure of one report: title, sections in order, and lookup tables by offset."""

    title: str
    title_span: tuple[int, int]
    sections: tuple[Section, ...]
    marker_spans: tuple[tuple[int, int], ...]  # heading and enumeration markers: never figures
    _starts: tuple[int, ...] = field(repr=False)  # offset from which each entry of _at applies
    _at: tuple[Section | None, ...] = field(repr=False)
    _sentence_ends: tuple[int, ...] = field(repr=False)
    _marker_starts: tuple[int, ...] = field(repr=False)
    _length: int = field(repr=False)

    def section_at(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._at[i] if i >= 0 else None

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The (start, end) of the sentence holding `offset`; the end includes its full stop."""
        i = bisect.bisect_right(self._sentence_ends, offset)
        start = self._sentence_ends[i - 1] if i > 0 else 0
        end = self._sentence_ends[i] if i < len(self._sentence_ends) else self._length
        return start, end

    def in_marker(self, offset: int) -> bool:
        i = bisect.bisect_right(self._marker_starts, offset) - 1
        return i >= 0 and offset < self.marker_spans[i][1]


def _heading_title(line: str, stops: str = "。！？!?") -> str:
    """A heading's own words: the line up to its first full stop (1. 标题。正文… keeps 标题)."""
    m = re.search(f"[{stops}]", line)
    title = line[: m.start()] if m else line
    return title.strip(" \t\u3000：:；;")


def _ident(parts: list[tuple[int, int]]) -> str:
    # parts: (level, number); an enumeration is written e1, e2 so 二（一是） → s2_e1.
    return "s" + "_".join(f"e{n}" if level == 5 else str(n) for level, n in parts)


def _path_piece(level: int, marker: str, number: int) -> str:
    if level == 1:
        return marker
    if level == 2:
        return f"（{marker}）"
    if level == 3:
        return str(number)
    if level == 4:
        return f"（{number}）"
    return f"（{marker}是）"


def parse_outline(text: str) -> Outline:
    """Find the title line, every heading and enumeration, and every sentence end of `text`."""
    sections: list[Section] = []
    markers: list[tuple[int, int]] = []
    starts: list[int] = []
    at: list[Section | None] = []
    # The stack holds (level, number, marker, section) for the headings enclosing the current line.
    stack: list[tuple[int, int, str, Section]] = []
    title, title_span = "", (0, 0)

    def push(level: int, number: int, marker: str, title_text: str, offset: int, end: int) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        parts = [(lv, n) for lv, n, _, _ in stack] + [(level, number)]
        path = "".join(_path_piece(lv, mk, n) for lv, n, mk, _ in stack) + _path_piece(
            level, marker, number
        )
        section = Section(
            path=path,
            ident=_ident(parts),
            level=level,
            title=title_text,
            offset=offset,
            parent=stack[-1][3].path if stack else None,
        )
        stack.append((level, number, marker, section))
        sections.append(section)
        markers.append((offset, end))
        starts.append(offset)
        at.append(section)

    pos = 0
    for raw_line in text.split("\n"):
        line_start = pos
        pos += len(raw_line) + 1
        stripped = raw_line.lstrip(LEADING_SPACE)
        if not stripped.strip():
            continue
        start = line_start + len(raw_line) - len(stripped)
        if not title and not sections and _looks_like_title(stripped):
            title = stripped.strip()
            title_span = (start, start + len(title))
            continue
        heading = _match_heading(stripped)
        body_from = start
        if heading is not None:
            level, number, marker, m_end = heading
            push(level, number, marker, _heading_title(stripped[m_end:]), start, start + m_end)
            body_from = start + m_end
        # An enumeration (一是…) is not closed by a paragraph break: items often run over several
        # paragraphs. The next heading closes it.
        body = text[body_from : line_start + len(raw_line)]
        for m in ENUM_RE.finditer(body):
            number = cn_number(m.group(1)) or 0
            expected = _next_enum_number(stack)
            if number not in (expected, 1):
                continue  # 三是 with no 二是 before it is prose, not an item
            # Items of one sentence are often separated by semicolons: 一是…；二是…。
            item_title = _heading_title(body[m.end() :], "。！？!?；;")
            push(5, number, m.group(1), item_title, body_from + m.start(), body_from + m.end())
    ends = [i + 1 for i, ch in enumerate(text) if ch in SENTENCE_END]
    return Outline(
        title=title,
        title_span=title_span,
        sections=tuple(sections),
        marker_spans=tuple(markers),
        _starts=tuple(starts),
        _at=tuple(at),
        _sentence_ends=tuple(ends),
        _marker_starts=tuple(s for s, _ in markers),
        _length=len(text),
    )


def _next_enum_number(stack: list[tuple[int, int, str, Section]]) -> int:
    return stack[-1][1] + 1 if stack and stack[-1][0] == 5 else 1


def _match_heading(line: str) -> tuple[int, int, str, int] | None:
    """(level, number, marker, end of marker) when `line` opens with a heading marker."""
    for level, regex in ((2, L2_RE), (4, L4_RE), (1, L1_RE), (3, L3_RE)):
        m = regex.match(line)
        if m is None:
            continue
        rest = line[m.end() :]
        if not rest.strip():
            continue
        if level in (1, 2):
            marker = m.group(1) or m.group(2)
            number = cn_number(marker)
            if number is None:
                continue
            return level, number, marker, m.end()
        if level == 3 and rest[0] in "0123456789%％万亿":
            continue
        return level, int(m.group(1)), m.group(1), m.end()
    return None


def _looks_like_title(line: str) -> bool:
    """The first line is the title when it is short, has no full stop and is not a heading."""
    s = line.strip()
    return (
        4 <= len(s) <= 80
        and "。" not in s
        and _match_heading(s) is None
        and bool(re.search(r"报告|情况|总结|工作", s))
    )


# What a part (一、 二、 …) is, from its heading's words, whichever number it carries. Checked in
# this order: a heading naming 第一责任人 duties is never the achievements part, and one naming
# 不足/问题 is never the plans part even when it also says 下一步.
PART_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("duties", re.compile(r"第一责任人|述法|履行.{0,12}职责")),
    ("shortcomings", re.compile(r"不足|问题|差距|短板|困难|薄弱")),
    ("plans", re.compile(r"计划|打算|安排|思路|下一步|下一年|展望|重点工作|工作设想|努力方向")),
    ("achievements", re.compile(r"成效|成绩|举措|主要工作|进展|做法|亮点|成果")),
    # 基本情况 / 工作情况 name achievements only when no part says 成效 or 举措.
    ("overview", re.compile(r"工作情况|开展情况|推进情况|基本情况|总体情况|落实情况|情况")),
)
ROLE_WORDS = {
    "achievements": "主要举措和成效 / 工作成效",
    "duties": "第一责任人职责",
    "shortcomings": "存在的不足 / 问题",
    "plans": "下一年度工作计划 / 打算",
}


def part_role(title: str) -> str:
    """achievements, duties, shortcomings, plans, overview or other, from a part heading's words."""
    for role, pattern in PART_ROLES:
        if pattern.search(title):
            return role
    return "other"


@dataclass(frozen=True, slots=True)
class Parts:
    """The report's parts by role, and what a reviewer must be told was not found."""

    achievements: Section | None
    areas: tuple[Section, ...]  # the achievements part's second-level headings
    shortcomings: tuple[Section, ...]  # items of the shortcomings part (or the part itself)
    plans: tuple[Section, ...]
    roles: tuple[tuple[Section, str], ...]  # every part with its role
    missing: tuple[str, ...]  # roles not found, e.g. ("achievements",)


def _children(sections: tuple[Section, ...], parent: Section) -> tuple[Section, ...]:
    """The direct subsections of `parent` at their highest level (（一） before 一是)."""
    kids = [s for s in sections if s.parent == parent.path]
    if not kids:
        return ()
    level = min(s.level for s in kids)
    return tuple(s for s in kids if s.level == level)


def find_parts(sections: tuple[Section, ...]) -> Parts:
    """Recognise the parts of a report from its headings' words, wherever they stand."""
    parts = [s for s in sections if s.level == 1]
    roles = tuple((p, part_role(p.title)) for p in parts)
    first = {role: p for p, role in reversed(roles)}
    achievements = first.get("achievements") or first.get("overview")
    if achievements is None and parts:
        # Some reports head the achievements part with the year's theme only; it is then the first
        # part that is neither duties, shortcomings nor plans, and it needs saying.
        achievements = next((p for p, role in roles if role == "other"), None)
    # A 工作开展情况 part with no 成效 part beside it is the achievements part.
    found = set(first) | ({"achievements"} if "overview" in first else set())
    missing = tuple(r for r in ("achievements", "shortcomings", "plans") if r not in found)
    if achievements is not None and "achievements" not in first and "overview" not in first:
        # Nothing reads as achievements: every part that is not duties, shortcomings or plans is
        # an area, for the reviewer to sort out.
        areas = tuple(p for p, role in roles if role == "other")
    elif achievements is not None:
        areas = _children(sections, achievements) or (achievements,)
    else:
        # No part headings at all: the top-level sections are the areas.
        top = [s for s in sections if s.parent is None]
        level = min((s.level for s in top), default=0)
        areas = tuple(s for s in top if s.level == level)

    def items(role: str) -> tuple[Section, ...]:
        part = first.get(role)
        if part is None:
            return ()
        return _children(sections, part) or (part,)

    return Parts(achievements, areas, items("shortcomings"), items("plans"), roles, missing)
