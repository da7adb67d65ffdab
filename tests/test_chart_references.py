"""Reference images of every chart kind: each drawn alone, rendered to PNG with pdfium and compared
with the stored image.

The comparison allows for anti-aliasing noise, not for a changed chart. On a mismatch the actual
image and a difference image are written to `tests/output/chart-references/` and the test names
them. References are regenerated only on purpose: `make references` (BRIEFING_UPDATE_REFERENCES=1).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from chartpdf import chart_pdf
from factories import dataset, ind
from PIL import Image

from briefing.charts import chart_style, draw_chart
from briefing.load import load_dataset
from briefing.model import Chart

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = Path(__file__).resolve().parent / "references" / "charts"
OUTPUT = Path(__file__).resolve().parent / "output" / "chart-references"
UPDATE = os.environ.get("BRIEFING_UPDATE_REFERENCES") == "1"
SCALE = 2.0  # 144 dpi
MAX_MEAN_DIFF = 1.5  # mean absolute difference per channel, 0–255
MAX_CHANGED = 0.004  # share of pixels differing by more than 64 in some channel


def _sample():
    """Invented figures exercising each kind: a trend, a before/after pair, panels of different
    size.
    """
    inds = [
        ind("cases", 1840, unit="件", label="受理案件", prior=1510.0),
        ind("closed", 1795, unit="件", label="办结案件", prior=1466.0),
        ind("days", 5, unit="个工作日", label="审批平均用时", prior=15.0),
        ind("visits", 12, unit="次", label="入企检查", prior=30.0),
        ind("staff", 46, unit="人", label="执法人员"),
        ind("trained", 38, unit="人", label="参加培训"),
        ind("hours", 960, unit="课时", label="培训课时"),
    ]
    return dataset(inds)


CASES = {
    "hbar": ("liujiang", "review_corrections_mix"),
    "bar": ("liujiang", "suggestions_handled"),
    "diverging": ("liujiang", "yoy_changes"),
    "part_of_whole": ("liujiang", "outcomes"),
    "rate": ("liujiang", "rates"),
    "before_after": ("sample", Chart("ba", "before_after", "前后对比", ("days", "visits"))),
    "trend": ("sample", Chart("tr", "trend", "受理案件", ("cases",))),
    "small_multiples": (
        "sample",
        Chart("sm", "small_multiples", "队伍与培训", ("staff", "trained", "hours", "cases")),
    ),
}


@pytest.fixture(scope="module")
def sources():
    return {"liujiang": load_dataset(ROOT / "data" / "liujiang-2024.yaml"), "sample": _sample()}


def _render(data: bytes) -> Image.Image:
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf[0].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        pdf.close()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_chart_matches_its_reference(sources, kind):
    source, chart = CASES[kind]
    ds = sources[source]
    if isinstance(chart, str):
        chart = next(c for c in ds.charts if c.id == chart)
    assert chart.kind == kind
    image = _render(chart_pdf(draw_chart(ds, chart, width_pt=300.0, style=chart_style())))
    ref_path = REFERENCES / f"{kind}.png"
    if UPDATE or not ref_path.exists():
        if not UPDATE:
            pytest.fail(
                f"no reference image {ref_path}; run `make references` to create it on purpose"
            )
        REFERENCES.mkdir(parents=True, exist_ok=True)
        image.save(ref_path, optimize=True)
        return
    ref = Image.open(ref_path).convert("RGB")
    actual = np.asarray(image, dtype=np.int16)
    expected = np.asarray(ref, dtype=np.int16)
    same_size = actual.shape == expected.shape
    if same_size:
        diff = np.abs(actual - expected)
        mean = float(diff.mean())
        changed = float((diff.max(axis=2) > 64).mean())
    if not same_size or mean > MAX_MEAN_DIFF or changed > MAX_CHANGED:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        image.save(OUTPUT / f"{kind}-actual.png")
        if same_size:
            Image.fromarray((255 - np.clip(diff * 4, 0, 255)).astype(np.uint8)).save(
                OUTPUT / f"{kind}-diff.png"
            )
        detail = (
            f"size {image.size} vs {ref.size}"
            if not same_size
            else f"mean difference {mean:.2f}, {changed:.2%} of pixels changed"
        )
        pytest.fail(
            f"{kind} differs from {ref_path} ({detail}); actual and diff images are in {OUTPUT}"
        )
