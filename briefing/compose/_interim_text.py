"""Turn text or Spans and a TextStyle into a wrapped paragraph Flowable — a STAND-IN until the typesetting layer lands.

DELETE THIS MODULE when "Merge typo" brings `CJKParagraph`, `Span` and `TextStyle` to
`briefing/render/`; `compose/_text.py` is the only importer. It mirrors that API (same names and
fields) and keeps only what the briefing needs to be laid out and checked now: greedy breaking
with the Chinese line-start/line-end rules, unbroken digit/Latin runs, left/centre/right/justify.
It does no Han–Latin spacing and no punctuation compression.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.flowables import Flowable

from ..fonts import face_for

Role = Literal["sans", "serif", "kai"]
Align = Literal["justify", "left", "center", "right"]

NO_START = set("，。、；：？！）》」』】〕〉］｝”’％‰·…—,.;:?!)]}%")
NO_END = set("（《「『【〔〈［｛“‘([{")
_TOKEN_RE = re.compile(r"[A-Za-z0-9.%+\-−/]+|——|……|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class TextStyle:
    name: str
    role: Role = "serif"
    bold: bool = False
    size_pt: float = 10.5
    leading_pt: float = 16.0
    first_indent_em: float = 0.0
    align: Align = "justify"
    han_latin_space: bool = True
    color: str = "#000000"
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    keep_with_next: bool = False
    tracking_pt: float = 0.0
    compress_line_start_open: bool = True


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    bold: bool = False
    color: str | None = None
    role: Role | None = None
    size_pt: float | None = None
    superscript: bool = False
    link: str | None = None
    anchor: str | None = None
    annotation: str | None = None


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str
    font: str
    size: float
    color: str
    width: float


@dataclass(frozen=True, slots=True)
class _LineText:
    text: str


class CJKParagraph(Flowable):
    """A paragraph of data text (never parsed as markup) set under the Chinese breaking rules."""

    def __init__(self, content: str | Sequence[Span], style: TextStyle) -> None:
        super().__init__()
        self.style = style
        spans = [Span(content)] if isinstance(content, str) else list(content)
        self._units: list[_Unit] = []
        for sp in spans:
            font = face_for(sp.role or style.role, sp.bold or style.bold)
            size = sp.size_pt or style.size_pt
            color = sp.color or style.color
            for tok in _TOKEN_RE.findall(sp.text):
                self._units.append(_Unit(tok, font, size, color, stringWidth(tok, font, size)))
        self._lines: list[list[_Unit]] = []
        self.lines: list[_LineText] = []
        self._width = 0.0

    # -- layout
    def _break(self, avail: float) -> list[list[_Unit]]:
        indent = self.style.first_indent_em * self.style.size_pt
        lines: list[list[_Unit]] = [[]]
        used = indent
        limit = avail
        for u in self._units:
            if not lines[-1] or used + u.width <= limit + 1e-6:
                lines[-1].append(u)
                used += u.width
                continue
            carry = [u]
            cur = lines[-1]
            while len(cur) > 1 and (carry[0].text[0] in NO_START or cur[-1].text[-1] in NO_END):
                carry.insert(0, cur.pop())
            if carry[0].text[0] in NO_START or cur[-1].text[-1] in NO_END:
                cur.extend(carry)
                used = sum(c.width for c in cur)
                continue
            lines.append(carry)
            used = sum(c.width for c in carry)
        return [ln for ln in lines if ln]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        self._lines = self._break(availWidth)
        self.lines = [_LineText("".join(u.text for u in line)) for line in self._lines]
        return availWidth, self.height_for(len(self._lines))

    def height_for(self, n: int) -> float:
        return max(n, 1) * self.style.leading_pt

    def natural_width(self) -> float:
        return sum(u.width for u in self._units) + self.style.first_indent_em * self.style.size_pt

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def _ascent(self, line: Sequence[_Unit]) -> float:
        return max((getAscentDescent(u.font, u.size)[0] for u in line), default=self.style.size_pt * 0.88)

    def draw(self) -> None:
        canv: Any = self.canv
        st = self.style
        y = self.height_for(len(self._lines))
        for i, line in enumerate(self._lines):
            # Centre the glyphs' em box in the line: the leading is shared above and below.
            size = max(u.size for u in line)
            baseline = y - (st.leading_pt - size) / 2 - self._ascent(line)
            indent = st.first_indent_em * st.size_pt if i == 0 else 0.0
            natural = sum(u.width for u in line)
            slack = self._width - indent - natural
            last = i == len(self._lines) - 1
            x = indent
            gap = 0.0
            if st.align == "center":
                x += slack / 2
            elif st.align == "right":
                x += slack
            elif st.align == "justify" and not last and len(line) > 1 and slack > 0:
                gap = slack / (len(line) - 1)
            for u in line:
                canv.setFont(u.font, u.size)
                canv.setFillColor(HexColor(u.color))
                canv.drawString(x, baseline, u.text)
                x += u.width + gap
            y -= st.leading_pt
