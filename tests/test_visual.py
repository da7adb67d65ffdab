"""Compare selected pages of the briefing, the report and the specimen with reference images: PDFs
in, pass or a diff image out.

Pages are rasterised with pypdfium2 (installed with pdfplumber) at 72 dpi in gray and compared
with the PNGs in `tests/references/`. A pixel counts as different when its gray level moves by
more than `LEVEL`; a page fails when more than `MAX_PIXELS` pixels differ, which a heading set
1 pt larger or smaller exceeds many times over. On a mismatch the actual image and a diff image
are written to `out/visual/` and the failure names them.

What may change without being a typesetting change is masked: page numbers (pages move when a
chart grows), the contents' page-number column, and the briefing's charts (drawn by the chart
stage; the band between the first and last chart is blanked). The report's pages are taken from
the one-sided layout, whose margins do not flip with the page's parity.

References are written only on purpose: `make references` (BRIEFING_UPDATE_REFERENCES=1).
A missing reference is a failure that says so.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageDraw

from briefing.build import render_document
from briefing.compose import report
from briefing.load import load_dataset
from briefing.render.pages import GBT9704
from briefing.render.specimen import specimen_pdf
from briefing.verify import verify

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = Path(__file__).parent / "references"
FAILED = ROOT / "out" / "visual"
LIUJIANG = ROOT / "data" / "liujiang-2024.yaml"
DPI = 72
LEVEL = 48  # of 255: anti-aliasing noise stays below, ink appearing or vanishing is above
MAX_PIXELS = 40
UPDATE = os.environ.get("BRIEFING_UPDATE_REFERENCES") == "1"

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points, top-down


@dataclass(frozen=True)
class Shot:
    name: str
    pdf: str  # which document
    page: Callable[[dict], int]  # 1-based page number, from the document's log
    masks: Callable[[pdfplumber.page.Page], list[Box]]


def folio_band(page: pdfplumber.page.Page) -> list[Box]:
    area = GBT9704.type_area(1)
    return [(0.0, page.height - area.y + 4.0, page.width, page.height)]


def contents_numbers(page: pdfplumber.page.Page) -> list[Box]:
    area = GBT9704.type_area(1)
    return [*folio_band(page), (area.right - 3 * 16.0, 0.0, page.width, page.height)]


def briefing_charts(page: pdfplumber.page.Page) -> list[Box]:
    """Everything from the briefing's first chart title down: the charts, and the blocks under
    them that move whenever a chart's height changes. The title and the figure tiles stay.
    """
    ds = load_dataset(LIUJIANG)
    titles = {c.title.replace(" ", "") for c in ds.charts if c.briefing}
    # A chart title starts its line (a tile's label may contain the same words further on).
    tops = [
        line["top"]
        for line in page.extract_text_lines()
        if any(line["text"].replace(" ", "").startswith(t) for t in titles)
    ]
    if not tops:
        return []
    return [(0.0, min(tops) - 2.0, page.width, page.height)]


SHOTS = (
    Shot("briefing", "briefing", lambda log: 1, briefing_charts),
    Shot("report-cover", "report", lambda log: 1, lambda p: []),
    Shot("report-contents", "report", lambda log: log.page_of("toc"), contents_numbers),
    Shot(
        "report-chapter-opening",
        "report",
        lambda log: log.page_of("ch-area-leadership"),
        folio_band,
    ),
    Shot(
        "report-table-notes",
        "report",
        lambda log: log.page_of("ind-enterprise_inspections_change"),
        folio_band,
    ),
    Shot("report-verification", "report", lambda log: log.page_of("ch-verify"), folio_band),
    Shot("specimen-1", "specimen", lambda log: 1, folio_band),
    Shot("specimen-2", "specimen", lambda log: 2, folio_band),
)


@pytest.fixture(scope="module")
def documents() -> dict[str, tuple[bytes, object]]:
    ds = load_dataset(LIUJIANG)
    findings = verify(ds)
    briefing, _pages = render_document(ds, "briefing", findings=findings)
    data, log = report.build_report(ds, findings, binding="single")
    return {"briefing": (briefing, None), "report": (data, log), "specimen": (specimen_pdf(), None)}


def rasterise(data: bytes, page: int, masks: list[Box]) -> Image.Image:
    doc = pdfium.PdfDocument(data)
    # Annotations are left out: notes draw nothing once finished, links never draw.
    image = (
        doc[page - 1]
        .render(scale=DPI / 72, grayscale=True, draw_annots=False)
        .to_pil()
        .convert("L")
    )
    draw = ImageDraw.Draw(image)
    k = DPI / 72
    for x0, top, x1, bottom in masks:
        draw.rectangle((x0 * k, top * k, x1 * k, bottom * k), fill=255)
    return image


def differing(a: Image.Image, b: Image.Image) -> tuple[int, Image.Image]:
    diff = ImageChops.difference(a, b)
    mask = diff.point(lambda v: 255 if v > LEVEL else 0)
    return mask.histogram()[255], mask


@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_page_matches_its_reference(shot: Shot, documents: dict) -> None:
    data, log = documents[shot.pdf]
    number = shot.page(log)
    assert number, shot.name
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        masks = shot.masks(pdf.pages[number - 1])
    actual = rasterise(data, number, masks)
    reference = REFERENCES / f"{shot.name}.png"
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        actual.save(reference, optimize=True)
        return
    if not reference.exists():
        pytest.fail(f"no reference image {reference}; run `make references` to make it on purpose")
    expected = Image.open(reference).convert("L")
    if expected.size != actual.size:
        count, diff = actual.width * actual.height, Image.new("L", actual.size, 255)
    else:
        count, diff = differing(actual, expected)
    if count > MAX_PIXELS:
        FAILED.mkdir(parents=True, exist_ok=True)
        actual_path = FAILED / f"{shot.name}-actual.png"
        diff_path = FAILED / f"{shot.name}-diff.png"
        actual.save(actual_path)
        diff.save(diff_path)
        pytest.fail(
            f"{shot.name}: {count} pixels differ from {reference} (at most {MAX_PIXELS}); "
            f"actual image {actual_path}, diff image {diff_path}; if the change is intended, "
            "run `make references`"
        )


def test_the_comparison_sees_a_heading_one_point_larger(documents: dict) -> None:
    # The tolerance is not so loose that a 1 pt change of a heading size passes: set the report's
    # chapter opening again with 二号 + 1 pt chapter titles and compare with the page as it is.
    import dataclasses

    from briefing.compose import report as report_module

    ds = load_dataset(LIUJIANG)
    original = report_module.report_styles

    def bigger(preset=report_module.PRESET):  # type: ignore[no-untyped-def]
        styles = original(preset)
        chapter = styles["chapter"]
        styles["chapter"] = dataclasses.replace(chapter, size_pt=chapter.size_pt + 1)
        return styles

    report_module.report_styles = bigger  # type: ignore[assignment]
    try:
        data, log = report_module.build_report(ds, verify(ds), binding="single")
    finally:
        report_module.report_styles = original  # type: ignore[assignment]
    base, base_log = documents["report"]
    number = log.page_of("ch-area-leadership")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        masks = folio_band(pdf.pages[number - 1])
    changed = rasterise(data, number, masks)
    same = rasterise(base, base_log.page_of("ch-area-leadership"), masks)
    count, _diff = differing(changed, same)
    assert count > 5 * MAX_PIXELS
