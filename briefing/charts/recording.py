"""Record what a chart draws and replay it onto a page: the renderer's canvas calls in, a plain
tuple of operations out, and that tuple back into a ReportLab canvas.

The renderer (`charts.backend`) never writes into the page itself: it draws onto a `Recorder`,
whose few methods are the ReportLab canvas calls it makes, and `replay` makes those same calls on
the page's canvas. A recording is plain data (strings, numbers, image bytes), so it can be made
in another process (`briefing.background`) while this one lays out pages, and it carries nothing
that depends on the document it ends up in: text is recorded as the label and its font, and the
page's own typesetting layer sets it on replay, so glyph codes come from the page's font subsets
exactly as if the chart had been drawn there. Drawing a chart in this process or in a helper gives
the same bytes.

Importing this module does not import matplotlib.
"""

from __future__ import annotations

from typing import Any

# One operation: its name, then its arguments.
Op = tuple[Any, ...]
Recording = tuple[Op, ...]


class Recorder:
    """The canvas a chart is rendered onto: the ReportLab calls the renderer makes, recorded."""

    __slots__ = ("ops",)

    def __init__(self) -> None:
        self.ops: list[Op] = []

    def saveState(self) -> None:  # noqa: N802 - ReportLab's name
        self.ops.append(("saveState",))

    def restoreState(self) -> None:  # noqa: N802 - ReportLab's name
        self.ops.append(("restoreState",))

    def addLiteral(self, text: str) -> None:  # noqa: N802 - ReportLab's name
        self.ops.append(("addLiteral", text))

    def setStrokeAlpha(self, alpha: float) -> None:  # noqa: N802 - ReportLab's name
        self.ops.append(("setStrokeAlpha", float(alpha)))

    def setFillAlpha(self, alpha: float) -> None:  # noqa: N802 - ReportLab's name
        self.ops.append(("setFillAlpha", float(alpha)))

    def image(self, image: Any, x: float, y: float, width: float, height: float) -> None:
        """A PIL image drawn into the box `x`, `y`, `width`, `height` (alpha: a soft mask)."""
        self.ops.append(
            ("image", image.mode, image.size, image.tobytes(), float(x), float(y), width, height)
        )

    def label(
        self,
        text: str,
        role: str,
        bold: bool,
        size: float,
        color: str,
        x: float,
        y_top: float,
    ) -> None:
        """One line of chart text, its em box's top-left corner at (`x`, `y_top`)."""
        self.ops.append(("label", text, role, bold, size, color, float(x), float(y_top)))

    def recording(self) -> Recording:
        """What was drawn, as plain data."""
        return tuple(self.ops)


def replay(recording: Recording, canv: Any) -> None:
    """Make the recorded calls on `canv`, a ReportLab canvas whose origin is the chart's corner."""
    for op in recording:
        name = op[0]
        if name == "addLiteral":
            canv.addLiteral(op[1])
        elif name == "label":
            _label(canv, *op[1:])
        elif name == "image":
            _image(canv, *op[1:])
        else:
            getattr(canv, name)(*op[1:])


def _label(
    canv: Any, text: str, role: str, bold: bool, size: float, color: str, x: float, y_top: float
) -> None:
    from ..render.typography import draw_lines
    from .layout import set_line

    prep, line = set_line(text, role, bold, size, color)
    if line is not None:
        draw_lines(canv, prep, [line], x, y_top, size)


def _image(
    canv: Any,
    mode: str,
    size: tuple[int, int],
    data: bytes,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    from PIL import Image

    from briefing._reportlab import ImageReader

    reader = ImageReader(Image.frombytes(mode, size, data))
    canv.drawImage(reader, x, y, width=width, height=height, mask="auto")


__all__ = ["Op", "Recorder", "Recording", "replay"]
