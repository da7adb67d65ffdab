"""Measure how full each page of a PDF is: PDF bytes and a page preset in, one share of the type
area's height per page out.

A page's fill is how far down its type area any text, rule or picture reaches. Objects are taken
as the page places them: a form XObject (a chart, a page number drawn after the layout) counts by
the box its content fills on the page, never by the coordinates inside the form.
"""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium


def fill(data: bytes, preset: Any) -> list[float]:
    """How far down the type area each page's content reaches (0 for a blank page), as a share of
    its height.
    """
    pdf = pdfium.PdfDocument(data)
    out = []
    for i in range(len(pdf)):
        area = preset.type_area(i + 1)
        lows = [o.get_bounds()[1] for o in pdf[i].get_objects(max_depth=1)]
        inside = [y for y in lows if area.y - 1 <= y <= area.top + 1]
        out.append((area.top - min(inside)) / (area.top - area.y) if inside else 0.0)
    return out


def chapter_ends(log: Any) -> set[int]:
    """The pages a layout log says end a chapter (or the contents), or precede a blank verso."""
    starts = {page for level, _t, _k, page in log.headings if level == 0}
    toc = log.page_of("toc")
    if toc is not None:
        starts.add(toc)
    ends = {s - 1 for s in starts} | {log.page_count}
    return ends | {p - 1 for p in log.blank_pages}
