"""Draw one chart flowable alone on a page and read back what pdfplumber sees: chars, words and
bars.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

import pdfplumber
from reportlab.pdfgen.canvas import Canvas

MARGIN = 20.0


def chart_pdf(flowable) -> bytes:
    """A page just large enough for the chart (plus a margin), the chart drawn at the margin."""
    w, h = flowable.wrap(flowable.width, 1e6)
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(w + 2 * MARGIN, h + 2 * MARGIN), invariant=1)
    flowable.drawOn(canv, MARGIN, MARGIN)
    canv.showPage()
    canv.save()
    return buf.getvalue()


@dataclass
class Read:
    width: float
    height: float
    chars: list[dict]
    rects: list[dict]
    curves: list[dict]
    text: str
    data: bytes


def read_chart(flowable) -> Read:
    """Objects in chart coordinates: x from the chart's left edge, top/bottom from its top edge."""
    data = chart_pdf(flowable)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]

        def shift(o: dict) -> dict:
            o = dict(o)
            for k in ("x0", "x1"):
                o[k] = o[k] - MARGIN
            for k in ("top", "bottom"):
                o[k] = o[k] - MARGIN
            return o

        chars = [shift(c) for c in page.chars]
        rects = [shift(r) for r in page.rects]
        curves = [shift(c) for c in page.curves]
        text = page.extract_text()
    return Read(flowable.width, flowable.height, chars, rects, curves, text, data)


def lines_of(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into runs on one baseline without a wide gap: labels as a reader sees
    them.
    """
    rows: dict[float, list[dict]] = {}
    for ch in chars:
        rows.setdefault(round(ch["matrix"][5], 1), []).append(ch)
    out = []
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        seg = [row[0]]
        for prev, ch in itertools.pairwise(row):
            if ch["x0"] - prev["x1"] > 0.8 * ch["size"]:
                out.append(seg)
                seg = []
            seg.append(ch)
        out.append(seg)
    return out


def text_of(seg: list[dict]) -> str:
    return "".join(c["text"] for c in seg).replace(" ", "")


def fill_hex(obj: dict) -> str | None:
    color = obj.get("non_stroking_color")
    if not color or len(color) != 3:
        return None
    return "#" + "".join(f"{round(c * 255):02x}" for c in color)
