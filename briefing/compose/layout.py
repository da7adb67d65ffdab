"""Turn flowables into simple boxes (stacks, columns, framed boxes, rules, spacers) that measure
before they draw.

The briefing is laid out by measuring, not by flowing: every box here reports its exact height
for a width (`wrap`) and draws only where it is told. There is no page breaking — the composer
decides what fits on the one page before anything is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from briefing._reportlab import Flowable, HexColor


class Box(Flowable):
    """Base: a flowable whose size is known after `wrap`."""

    def __init__(self) -> None:
        super().__init__()
        self.width = 0.0
        self.height = 0.0


class VSpace(Box):
    """Empty vertical space of a fixed height, as wide as it is given."""

    def __init__(self, height_pt: float) -> None:
        super().__init__()
        self._h = height_pt

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self._h
        return self.width, self.height

    def draw(self) -> None:
        pass


class Rule(Box):
    """A horizontal rule across the width (or `length_pt`), centred in `height_pt`."""

    def __init__(
        self,
        thickness_pt: float,
        color: str,
        height_pt: float | None = None,
        length_pt: float | None = None,
    ) -> None:
        super().__init__()
        self.thickness = thickness_pt
        self.color = color
        self._h = height_pt if height_pt is not None else thickness_pt
        self._len = length_pt

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self._h
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        canv.setStrokeColor(HexColor(self.color))
        canv.setLineWidth(self.thickness)
        y = self.height / 2
        canv.line(0, y, self._len if self._len is not None else self.width, y)


class Stack(Box):
    """Children one under another, `gap_pt` apart."""

    def __init__(self, children: Sequence[Flowable], gap_pt: float = 0.0) -> None:
        super().__init__()
        self.children = list(children)
        self.gap = gap_pt
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [c.wrap(availWidth, availHeight)[1] for c in self.children]
        self.width = availWidth
        self.height = sum(self._heights) + self.gap * max(len(self.children) - 1, 0)
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for child, h in zip(self.children, self._heights, strict=True):
            y -= h
            child.drawOn(self.canv, 0, y)
            y -= self.gap


class Columns(Box):
    """Children side by side in given widths (points), top-aligned, `gap_pt` apart.

    `rules` draws a hairline in each gap, the height of the row.
    """

    def __init__(
        self,
        children: Sequence[Flowable],
        widths: Sequence[float],
        gap_pt: float = 0.0,
        rule_color: str | None = None,
        rule_pt: float = 0.4,
    ) -> None:
        super().__init__()
        if len(children) != len(widths):
            raise ValueError("one width per column")
        self.children = list(children)
        self.widths = list(widths)
        self.gap = gap_pt
        self.rule_color = rule_color
        self.rule_pt = rule_pt
        self._heights: list[float] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._heights = [
            c.wrap(w, availHeight)[1] for c, w in zip(self.children, self.widths, strict=True)
        ]
        self.width = sum(self.widths) + self.gap * max(len(self.widths) - 1, 0)
        self.height = max(self._heights, default=0.0)
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        x = 0.0
        for i, (child, w, h) in enumerate(
            zip(self.children, self.widths, self._heights, strict=True)
        ):
            if i and self.rule_color:
                canv.setStrokeColor(HexColor(self.rule_color))
                canv.setLineWidth(self.rule_pt)
                gx = x - self.gap / 2
                canv.line(gx, 0, gx, self.height)
            child.drawOn(canv, x, self.height - h)
            x += w + self.gap


class Framed(Box):
    """A child inside padding, with an optional border and fill, and an optional left accent bar."""

    def __init__(
        self,
        child: Flowable,
        padding_pt: tuple[float, float, float, float],
        *,
        border: str | None = None,
        border_pt: float = 0.6,
        fill: str | None = None,
        accent: str | None = None,
        accent_pt: float = 0.0,
    ) -> None:
        super().__init__()
        self.child = child
        self.pad = padding_pt  # top, right, bottom, left
        self.border = border
        self.border_pt = border_pt
        self.fill = fill
        self.accent = accent
        self.accent_pt = accent_pt
        self._child_h = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        top, right, bottom, left = self.pad
        inner = availWidth - left - right - self.accent_pt
        self._child_h = self.child.wrap(inner, availHeight)[1]
        self.width = availWidth
        self.height = self._child_h + top + bottom
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        _top, _right, bottom, left = self.pad
        if self.fill or self.border:
            if self.fill:
                canv.setFillColor(HexColor(self.fill))
            if self.border:
                canv.setStrokeColor(HexColor(self.border))
                canv.setLineWidth(self.border_pt)
            inset = self.border_pt / 2 if self.border else 0.0
            canv.rect(
                inset,
                inset,
                self.width - 2 * inset,
                self.height - 2 * inset,
                stroke=1 if self.border else 0,
                fill=1 if self.fill else 0,
            )
        if self.accent and self.accent_pt:
            canv.setFillColor(HexColor(self.accent))
            canv.rect(0, bottom, self.accent_pt, self._child_h, stroke=0, fill=1)
        self.child.drawOn(canv, left + self.accent_pt, bottom)
