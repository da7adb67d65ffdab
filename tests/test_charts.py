"""Charts: rows taken from the dataset in its own wording, the part-of-whole grouping rule, each kind drawn
legibly (no text below 7 pt, nothing outside the drawing, no colliding labels) for real and degenerate data."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pdfplumber
import pytest
from factories import dataset, ind, rel
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth

from briefing.charts import (
    ChartStyle,
    Row,
    chart_rows,
    chart_style,
    draw_chart,
    draw_rows,
    group_parts,
)
from briefing.charts.draw import KINDS, display_magnitudes
from briefing.charts.style import MIN_LABEL_PT, Palette, gray_level
from briefing.charts.text import NO_END, NO_START, tokens, wrap
from briefing.fonts import SANS, SANS_BOLD, register_reportlab
from briefing.load import load_dataset
from briefing.model import Chart

ROOT = Path(__file__).resolve().parent.parent
LIUJIANG = ROOT / "data" / "liujiang-2024.yaml"


@pytest.fixture(scope="module")
def liujiang():
    register_reportlab()
    return load_dataset(LIUJIANG)


def _chart(ds, ident: str) -> Chart:
    return next(c for c in ds.charts if c.id == ident)


# ---------------------------------------------------------------------------------------------
# Rows


def test_diverging_rows_use_the_reports_wording(liujiang):
    rows = chart_rows(liujiang, _chart(liujiang, "yoy_changes"))
    assert [r.value for r in rows] == [-51.21, -31.11, 133.0]
    # The chart's title says 同比, so the labels keep only the direction and size.
    assert [r.text for r in rows] == ["下降51.21%", "下降31.11%", "增长133%"]
    assert rows[2].label == "新收行政复议申请（截至报告时）"


def test_rate_rows_keep_qualifiers(liujiang):
    rows = chart_rows(liujiang, _chart(liujiang, "rates"))
    assert [r.text for r in rows] == ["98.73%", "99.9%", "45.23%", "91%以上", "100%"]


def test_part_of_whole_groups_liujiang(liujiang):
    rows = chart_rows(liujiang, _chart(liujiang, "outcomes"))
    assert [(r.id, r.role, r.group) for r in rows] == [
        ("mediation_cases", "whole", 0),
        ("mediation_successes", "part", 0),
        ("review_applications", "whole", 1),
        ("review_corrections", "part", 1),
        ("enterprise_review_applications", "whole", 2),
        ("enterprise_review_rejected", "part", 2),
        ("enterprise_review_mediated", "part", 2),
    ]
    cleanup = chart_rows(liujiang, _chart(liujiang, "normative_docs_cleanup"))
    assert [r.role for r in cleanup] == ["whole", "part", "part"]


def test_grouping_rule_declared_whole_starts_a_group():
    a, b, c, d = ind("a", 100), ind("b", 60), ind("c", 30), ind("d", 10)
    # c (30) would fit under a (100), but the relations say c is a whole of its own.
    ds = dataset([a, b, c, d], [rel("r", "subset", whole="c", parts=["d"])])
    groups = group_parts(ds, (a, b, c, d))
    assert [(w.id, [p.id for p in parts]) for w, parts in groups] == [("a", ["b"]), ("c", ["d"])]


def test_grouping_rule_larger_value_starts_a_group():
    a, b, c, d = ind("a", 1109), ind("b", 1098), ind("c", 1200), ind("d", 57)
    groups = group_parts(dataset([a, b, c, d]), (a, b, c, d))
    assert [(w.id, [p.id for p in parts]) for w, parts in groups] == [("a", ["b"]), ("c", ["d"])]


def test_grouping_rule_other_unit_starts_a_group():
    a, b, c = ind("a", 100), ind("b", 60, unit="人"), ind("c", 10, unit="人")
    groups = group_parts(dataset([a, b, c]), (a, b, c))
    assert [(w.id, [p.id for p in parts]) for w, parts in groups] == [("a", []), ("b", ["c"])]


def test_grouping_rule_other_period_starts_a_group():
    from briefing.model import Period

    a, b = ind("a", 1109), ind("b", 1098)
    c = ind("c", 177, period=Period("to_date", 2024))
    d = ind("d", 57, period=Period("to_date", 2024))
    groups = group_parts(dataset([a, b, c, d]), (a, b, c, d))
    assert [(w.id, [p.id for p in parts]) for w, parts in groups] == [("a", ["b"]), ("c", ["d"])]


# ---------------------------------------------------------------------------------------------
# Theme


def test_palette_stays_apart_in_grey():
    p = Palette()
    marks = [p.bar, p.whole, p.track, p.paper]
    levels = [gray_level(c) for c in marks]
    for i in range(len(levels)):
        for j in range(i + 1, len(levels)):
            assert abs(levels[i] - levels[j]) >= 0.08, (marks[i], marks[j])
    assert gray_level(p.track) - gray_level(p.ink) > 0.6  # labels read on a track


def test_style_refuses_illegible_text():
    with pytest.raises(ValueError):
        chart_style(label_pt=6.5)
    assert chart_style("tight", MIN_LABEL_PT).label_pt == 7.0


# ---------------------------------------------------------------------------------------------
# Drawing invariants


def _strings(d: Drawing) -> list[String]:
    out: list[String] = []

    def walk(node):
        for child in getattr(node, "contents", []):
            if isinstance(child, String):
                out.append(child)
            elif isinstance(child, Group):
                walk(child)

    walk(d)
    return out


def _box(s: String) -> tuple[float, float, float, float]:
    w = stringWidth(s.text, s.fontName, s.fontSize)
    x0 = {"start": s.x, "middle": s.x - w / 2, "end": s.x - w}[s.textAnchor]
    asc, desc = getAscentDescent(s.fontName, s.fontSize)
    return x0, s.y + desc, x0 + w, s.y + asc


def _check_drawing(d: Drawing, width: float) -> None:
    assert d.width == pytest.approx(width)
    assert d.height > 0
    boxes = []
    for s in _strings(d):
        assert s.fontSize >= MIN_LABEL_PT, s.text
        assert s.fontName in (SANS, SANS_BOLD), s.fontName
        x0, y0, x1, y1 = _box(s)
        assert x0 >= -0.01 and x1 <= d.width + 0.01, (s.text, x0, x1, d.width)
        assert y0 >= -0.6 and y1 <= d.height + 0.6, (s.text, y0, y1, d.height)
        boxes.append((s.text, x0, y0, x1, y1))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.2 or overlap_y <= 0.6, f"{a[0]!r} collides with {b[0]!r}"
    for r in d.contents:
        if isinstance(r, Rect):
            assert r.width >= 0 and r.height >= 0
            assert r.x >= -0.01 and r.x + r.width <= d.width + 0.01


@pytest.mark.parametrize("chart_id", ["yoy_changes", "outcomes", "rates", "review_corrections_mix",
                                      "normative_docs_cleanup", "suggestions_handled"])
@pytest.mark.parametrize("width", [140.0, 230.0, 468.0])
@pytest.mark.parametrize("density", ["normal", "compact", "tight"])
def test_liujiang_charts_are_legible(liujiang, chart_id, width, density):
    d = draw_chart(liujiang, _chart(liujiang, chart_id), width_pt=width, style=chart_style(density, 7.0))
    _check_drawing(d, width)
    texts = {s.text for s in _strings(d)}
    for row in chart_rows(liujiang, _chart(liujiang, chart_id)):
        assert row.text in texts  # every value labelled on its mark


def _rows(values, texts=None, roles=None) -> tuple[Row, ...]:
    out = []
    for i, v in enumerate(values):
        text = texts[i] if texts else ("未载明" if not math.isfinite(v) else f"{v:g}件")
        role = roles[i] if roles else "item"
        out.append(Row(f"r{i}", f"第{i + 1}项指标名称", v, text, role, 0))
    return tuple(out)


DEGENERATE = {
    "all zeros": [0.0, 0.0, 0.0],
    "single": [42.0],
    "missing": [12.0, math.nan, 7.0],
    "all missing": [math.nan, math.nan],
    "outlier": [5.0, 8.0, 20000.0],
    "equal": [3.0, 3.0, 3.0],
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", sorted(DEGENERATE))
@pytest.mark.parametrize("width", [120.0, 300.0])
def test_degenerate_data_draws_honestly(kind, case, width):
    register_reportlab()
    values = DEGENERATE[case]
    if kind == "rate":
        values = [min(v, 100.0) if math.isfinite(v) else v for v in values]
    roles = ["whole"] + ["part"] * (len(values) - 1) if kind == "part_of_whole" else None
    rows = _rows(values, roles=roles)
    d = draw_rows(kind, rows, width, chart_style())
    _check_drawing(d, width)
    texts = [s.text for s in _strings(d)]
    for r in rows:
        assert r.text in texts
    if any(not math.isfinite(v) for v in values):
        assert "未载明" in texts


def test_all_zero_bars_have_no_length():
    register_reportlab()
    d = draw_rows("hbar", _rows([0.0, 0.0]), 200.0, chart_style())
    palette = Palette()
    bars = [r for r in d.contents if isinstance(r, Rect) and r.fillColor.hexval().lower() == "0x" + palette.bar[1:]]
    assert all(b.width == 0 for b in bars)


def test_an_outlier_is_broken_not_flattening_the_rest():
    mags, broken = display_magnitudes([5.0, 8.0, 20000.0])
    assert broken == 2
    assert mags[2] < 20000 and mags[2] > mags[1]
    assert display_magnitudes([5.0, 8.0, 30.0])[1] is None  # 30 < 4 × 8: no break
    register_reportlab()
    d = draw_rows("hbar", _rows([5.0, 8.0, 20000.0]), 300.0, chart_style())
    assert "20000件" in {s.text for s in _strings(d)}  # the true value stays on the mark
    white = [p for p in d.contents if getattr(p, "fillColor", None) is not None
             and p.fillColor.hexval().lower() == "0xffffff"]
    assert white, "the broken bar carries a break mark"


def test_negative_values_are_never_drawn_as_positive_bars():
    register_reportlab()
    d = draw_rows("hbar", _rows([5.0, -3.0], texts=["5件", "-3件"]), 200.0, chart_style())
    by_text = {s.text: s for s in _strings(d)}
    assert by_text["-3件"].textAnchor == "end" and by_text["-3件"].x < by_text["5件"].x


def test_diverging_puts_falls_left_and_rises_right(liujiang):
    d = draw_chart(liujiang, _chart(liujiang, "yoy_changes"), width_pt=300.0, style=chart_style())
    by_text = {s.text: s for s in _strings(d)}
    fall, rise = by_text["下降51.21%"], by_text["增长133%"]
    assert fall.textAnchor == "end" and rise.textAnchor == "start"
    assert fall.x < rise.x


def test_rate_bars_are_proportional():
    register_reportlab()
    d = draw_rows("rate", _rows([50.0, 100.0], texts=["50%", "100%"]), 300.0, chart_style())
    dark = [r for r in d.contents if isinstance(r, Rect) and r.fillColor.hexval().lower() == "0x1f4e79"]
    assert dark[0].width * 2 == pytest.approx(dark[1].width)


def test_drawings_are_cached(liujiang):
    chart = _chart(liujiang, "rates")
    a = draw_chart(liujiang, chart, width_pt=150.0, style=chart_style("compact"))
    b = draw_chart(liujiang, chart, width_pt=150.0, style=chart_style("compact"))
    assert a is b


def test_chart_pdf_is_vector_with_extractable_text(liujiang):
    d = draw_chart(liujiang, _chart(liujiang, "outcomes"), width_pt=230.0, style=chart_style())
    data = renderPDF.drawToString(d)
    assert b"Helvetica" not in data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert not page.images
        text = page.extract_text()
    for word in ("人民调解组织立案调解", "1109件", "1098件", "7件"):
        assert word in text


# ---------------------------------------------------------------------------------------------
# Properties


LABEL_CHARS = "行政复议申请调解成功率（）、，。“”％1234567890ABC"


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    values=st.lists(
        st.one_of(st.floats(min_value=0, max_value=1e6), st.just(math.nan), st.just(0.0)),
        min_size=1, max_size=8,
    ),
    labels=st.lists(st.text(alphabet=LABEL_CHARS, min_size=1, max_size=40), min_size=8, max_size=8),
    width=st.floats(min_value=100, max_value=480),
    label_pt=st.sampled_from([7.0, 7.5, 8.0]),
    sign=st.booleans(),
)
def test_any_rows_draw_within_bounds(kind, values, labels, width, label_pt, sign):
    register_reportlab()
    if kind == "rate":
        values = [min(v, 100.0) if math.isfinite(v) else v for v in values]
    if kind == "diverging" and sign:
        values = [-v if i % 2 else v for i, v in enumerate(values)]
    roles = ["whole"] + ["part"] * (len(values) - 1) if kind == "part_of_whole" else ["item"] * len(values)
    rows = tuple(
        Row(f"r{i}", labels[i], v, "未载明" if not math.isfinite(v) else f"{v:.2f}件", roles[i], 0)
        for i, v in enumerate(values)
    )
    style = ChartStyle(label_pt=label_pt, value_pt=label_pt)
    _check_drawing(draw_rows(kind, rows, round(width, 2), style), round(width, 2))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=LABEL_CHARS, min_size=1, max_size=60), width=st.floats(min_value=20, max_value=200))
def test_wrap_keeps_the_line_rules(text, width):
    register_reportlab()
    lines = wrap(text, SANS, 8.0, width)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_START
    for line in lines[:-1]:
        assert line[-1] not in NO_END
    legal_breaks = sum(1 for a, b in zip(tokens(text), tokens(text)[1:], strict=False)
                       if b[0] not in NO_START and a[-1] not in NO_END)
    if legal_breaks == len(tokens(text)) - 1:  # no marks at all next to each other: every line fits
        assert all(stringWidth(ln, SANS, 8.0) <= width + 1e-6 or len(tokens(ln)) == 1 for ln in lines)
