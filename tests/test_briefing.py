"""The one-page briefing, checked on the PDF itself: one A4 page, embedded subset fonts, figures as
printed, text inside the margins, no collisions, nothing below the size floor, the Chinese
line-start rule, vector charts, metadata, determinism, and the auto-fit / overflow behaviour on
stress datasets.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from briefing import __version__
from briefing.compose.briefing import (
    LEVELS,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_H,
    PAGE_W,
    fit_layout,
    headline_indicators,
    render_briefing,
)
from briefing.errors import LayoutOverflowError
from briefing.load import load_dataset
from briefing.verify import verify

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIUJIANG = ROOT / "data" / "liujiang-2024.yaml"
NO_LINE_START = set("，。、；：？！）》”’」』】％")


@dataclass
class Built:
    name: str
    dataset: object
    findings: tuple
    data: bytes
    pages: int
    chars: list[dict]
    text: str
    bands: dict[str, tuple[float, float]]

    @property
    def words(self) -> str:
        """The text without the spaces extractors infer from Han–Latin gaps ("2024 年")."""
        return re.sub(r"\s+", "", self.text)


def _build(path: Path) -> Built:
    ds = load_dataset(path)
    findings = verify(ds)
    data, pages = render_briefing(ds, findings, pdfa=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        chars = list(page.chars)
        text = page.extract_text()
    bands = fit_layout(ds, findings).block_bands()
    return Built(path.stem, ds, findings, data, pages, chars, text, bands)


@pytest.fixture(scope="module")
def liujiang() -> Built:
    return _build(LIUJIANG)


@pytest.fixture(scope="module", params=["liujiang", "minimal", "overfull", "marked"])
def any_briefing(request, liujiang) -> Built:
    paths = {
        "minimal": FIXTURES / "minimal.yaml",
        "overfull": FIXTURES / "briefing-overfull.yaml",
        "marked": FIXTURES / "briefing-marked.yaml",
    }
    return liujiang if request.param == "liujiang" else _build(paths[request.param])


# ---------------------------------------------------------------------------------------------
# The page


def test_a_title_of_two_lines_is_balanced_and_centred(any_briefing):
    """The title breaks into lines of like length on one axis (no stub line)."""
    title = re.sub(r"\s+", "", any_briefing.dataset.meta.title)
    size = max(c["size"] for c in any_briefing.chars if c["top"] < 150 and c["text"] == title[0])
    lines: dict[int, list[dict]] = {}
    for c in any_briefing.chars:
        if c["top"] < 150 and c["size"] == size:
            lines.setdefault(round(c["top"]), []).append(c)
    assert "".join(c["text"] for top in sorted(lines) for c in lines[top]) == title
    widths = [max(c["x1"] for c in cs) - min(c["x0"] for c in cs) for cs in lines.values()]
    mids = [(max(c["x1"] for c in cs) + min(c["x0"] for c in cs)) / 2 for cs in lines.values()]
    # One axis, the measure's middle; a closing mark's blank half at a line's end is not counted
    # in its width (pdfplumber's box includes it), which moves a middle by up to a quarter em.
    assert max(mids) - min(mids) < 0.26 * size, mids
    if len(widths) > 1:
        assert min(widths) > 0.75 * max(widths), widths


def test_one_a4_page(any_briefing):
    reader = PdfReader(io.BytesIO(any_briefing.data))
    assert any_briefing.pages == 1
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.2756, abs=0.01)
    assert float(box.height) == pytest.approx(841.8898, abs=0.01)


def test_every_text_outside_the_charts_is_a_role_of_the_style_table(any_briefing):
    """Faces and sizes on the page are those of the table at the level chosen (charts aside)."""
    from reportlab.pdfbase import pdfmetrics

    from briefing.fonts import face_for
    from briefing.render.styles import smaller

    styles = fit_layout(any_briefing.dataset, any_briefing.findings).attempt.fit.styles

    def ps_name(role: str, bold: bool) -> str:
        return pdfmetrics.getFont(face_for(role, bold)).face.name.decode()

    allowed = {(ps_name(s.role, s.bold), round(s.size_pt, 2)) for s in styles.values()}
    figure = styles["figure"]
    allowed |= {(ps_name(figure.role, figure.bold), round(s.size_pt, 2)) for s in smaller(figure)}
    top, bottom = any_briefing.bands.get("charts", (0.0, 0.0))
    outside = [c for c in any_briefing.chars if not (top <= c["top"] < bottom)]
    used = {(c["fontname"].split("+")[-1], round(c["size"], 2)) for c in outside}
    assert outside
    assert used <= allowed, sorted(used - allowed)


def test_fonts_are_embedded_subsets(any_briefing):
    reader = PdfReader(io.BytesIO(any_briefing.data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        name = str(font["/BaseFont"])
        assert re.fullmatch(r"/[A-Z]{6}\+Briefing[A-Za-z-]+", name), name
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name
    assert b"Helvetica" not in any_briefing.data


def test_headline_figures_appear_as_printed(any_briefing):
    inds = headline_indicators(any_briefing.dataset)
    assert inds
    for ind in inds:
        assert ind.printed in any_briefing.text, ind.printed


def test_text_stays_inside_the_margins(any_briefing):
    for ch in any_briefing.chars:
        assert ch["x0"] >= MARGIN_LEFT - 0.5, ch["text"]
        assert ch["x1"] <= PAGE_W - MARGIN_RIGHT + 0.5, ch["text"]
        assert ch["top"] >= MARGIN_TOP - 0.5, ch["text"]
        assert ch["bottom"] <= PAGE_H - MARGIN_BOTTOM + 0.5, ch["text"]


def _baseline(ch: dict) -> float:
    return round(ch["matrix"][5], 1)


def test_no_text_overlaps_another_line(any_briefing):
    chars = sorted(any_briefing.chars, key=lambda c: c["top"])
    for i, a in enumerate(chars):
        for b in chars[i + 1 :]:
            if b["top"] >= a["bottom"]:
                break
            if _baseline(a) == _baseline(b):
                continue
            overlap_x = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            overlap_y = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            assert overlap_x <= 0.2 or overlap_y <= 0.2, (
                f"{a['text']!r} at {a['top']:.1f} hits {b['text']!r}"
            )


def test_no_glyph_below_the_floor(any_briefing):
    charts = any_briefing.bands.get("charts")
    for ch in any_briefing.chars:
        assert ch["size"] >= 7.0 - 1e-6, ch["text"]
        if ch["size"] < 8.0 - 1e-6:
            outside = f"{ch['text']!r} at {ch['size']:.1f} pt outside the charts"
            assert charts is not None, outside
            assert charts[0] - 0.5 <= ch["top"], outside
            assert ch["bottom"] <= charts[1] + 0.5, outside


def _segments(chars: list[dict]) -> list[list[dict]]:
    """Runs of characters on one baseline with no wide gap: the lines as a reader sees them."""
    lines: dict[float, list[dict]] = {}
    for ch in chars:
        lines.setdefault(_baseline(ch), []).append(ch)
    out = []
    for row in lines.values():
        row.sort(key=lambda c: c["x0"])
        seg = [row[0]]
        for prev, ch in itertools.pairwise(row):
            if ch["x0"] - prev["x1"] > 0.8 * ch["size"]:
                out.append(seg)
                seg = []
            seg.append(ch)
        out.append(seg)
    return out


def test_no_line_starts_with_closing_punctuation(any_briefing):
    for seg in _segments(any_briefing.chars):
        text = "".join(c["text"] for c in seg)
        assert seg[0]["text"] not in NO_LINE_START, text


def test_charts_are_vector_with_text(liujiang):
    reader = PdfReader(io.BytesIO(liujiang.data))
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    for ref in xobjects.values():
        assert ref.get_object().get("/Subtype") != "/Image"
    for word in ("同比变化", "下降51.21%", "增长133%", "1098件", "26件", "45.23%", "91%以上"):
        assert word in liujiang.words, word


def test_metadata(liujiang):
    reader = PdfReader(io.BytesIO(liujiang.data))
    meta = reader.metadata
    assert meta.title == "柳江区2024年度法治政府建设工作报告（一页纸简报）"
    assert meta.author == "柳州市柳江区人民政府"
    assert "法治政府建设" in meta.subject
    assert "柳江区" in meta["/Keywords"]
    assert meta.creator == f"briefing {__version__}"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_reading_order_and_content(liujiang):
    text = liujiang.words
    order = [
        "内部资料",
        "柳江区2024年度法治政府建设工作报告",
        "98.73%",
        "同比变化",
        "工作成效",
        "数据核验",
        "存在不足",
        "下一步工作",
        "数据指纹",
    ]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions)
    for area in liujiang.dataset.areas:
        assert area.title in text
    for item in (*liujiang.dataset.shortcomings, *liujiang.dataset.plans):
        assert item.title in text
    assert liujiang.dataset.short_hash in text
    assert "2025年3月31日" in text


def test_findings_box_lists_inconsistencies_first(liujiang):
    text = liujiang.words
    assert "【不一致】" in text
    first_other = min(
        (text.index(t) for t in ("【推算】", "【无法核对】") if t in text), default=len(text)
    )
    assert text.rindex("【不一致】") < first_other


def test_findings_box_absent_without_notable_findings(liujiang):
    consistent = tuple(f for f in liujiang.findings if f.status == "consistent")
    data, _ = render_briefing(liujiang.dataset, consistent, pdfa=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "数据核验" not in pdf.pages[0].extract_text()


def test_marking_sits_top_left_in_gbt9704_order():
    built = _build(FIXTURES / "briefing-marked.yaml")
    lines = {}
    for ch in built.chars:
        lines.setdefault(_baseline(ch), []).append(ch)
    top_three = sorted(lines.items(), key=lambda kv: -kv[0])[:3]
    texts = []
    for _, row in top_three:
        row.sort(key=lambda c: c["x0"])
        assert row[0]["x0"] == pytest.approx(MARGIN_LEFT, abs=0.5)
        texts.append("".join(c["text"] for c in row))
    assert texts[0].startswith("000017")  # 份号 on the first line of the type area
    assert texts[1].startswith("秘密★1年")  # 密级 on the second
    assert texts[2].startswith("会后收回")


# ---------------------------------------------------------------------------------------------
# Determinism


def test_rebuild_is_byte_identical(liujiang):
    again, _ = render_briefing(liujiang.dataset, liujiang.findings, pdfa=False)
    assert again == liujiang.data


def test_fresh_process_gives_the_same_bytes(liujiang, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOURCE_DATE_EPOCH", None)
    code = (
        "import sys; from briefing.load import load_dataset; from briefing.verify import verify;"
        "from briefing.compose.briefing import render_briefing;"
        f"ds = load_dataset({str(LIUJIANG)!r});"
        "sys.stdout.buffer.write(render_briefing(ds, verify(ds), pdfa=False)[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=env, check=True
    ).stdout
    assert out == liujiang.data


def test_generation_date_comes_from_source_date_epoch(liujiang, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735776000")  # 2025-01-02 00:00 UTC
    data, _ = render_briefing(liujiang.dataset, liujiang.findings, pdfa=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "生成于2025年1月2日" in re.sub(r"\s+", "", pdf.pages[0].extract_text())


# ---------------------------------------------------------------------------------------------
# Fitting


def test_minimal_dataset_fits_at_the_loosest_level():
    ds = load_dataset(FIXTURES / "minimal.yaml")
    layout = fit_layout(ds, ())
    assert layout.attempt.fit == LEVELS[0]
    assert [name for name, _, _ in layout.blocks] == ["masthead", "headlines", "achievements"]


def test_overfull_dataset_drops_blocks_in_drop_order():
    ds = load_dataset(FIXTURES / "briefing-overfull.yaml")
    layout = fit_layout(ds, verify(ds))
    dropped = layout.attempt.dropped
    assert dropped == ds.briefing.drop_order[: len(dropped)]
    assert dropped, "the overfull dataset cannot fit without dropping something"
    names = [name for name, _, _ in layout.blocks]
    assert not set(dropped) & set(names)
    assert "headlines" in names


def test_impossible_dataset_says_what_to_cut():
    ds = load_dataset(FIXTURES / "briefing-impossible.yaml")
    with pytest.raises(LayoutOverflowError) as err:
        render_briefing(ds, verify(ds), pdfa=False)
    message = str(err.value)
    assert "does not fit one A4 page" in message
    assert "drop_order" in message
    assert "achievements" in message


def test_tightening_keeps_the_text_floor():
    assert all(f.body_pt >= 8.0 and f.chart_label_pt >= 7.0 for f in LEVELS)
    sizes = [f.body_pt for f in LEVELS]
    assert sizes == sorted(sizes, reverse=True)


def test_many_findings_are_capped_with_a_pointer_to_the_report(liujiang):
    import dataclasses

    first = next(f for f in liujiang.findings if f.status == "inconsistent")
    many = tuple(
        dataclasses.replace(first, relation_id=f"r{i}", message=f"第{i}项核验：数字前后不一致")
        for i in range(10)
    )
    data, _ = render_briefing(liujiang.dataset, many, pdfa=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = re.sub(r"\s+", "", pdf.pages[0].extract_text())
    assert "第0项核验" in text
    assert "第5项核验" in text
    assert "第6项核验" not in text
    assert "另有4项核验结果，详见完整报告。" in text


# ---------------------------------------------------------------------------------------------
# Any amount of data: a sparse district is given room, a large one is selected from


def _blank_share(layout) -> float:
    """Share of the type area left empty between the last block and the footer."""
    bands = layout.block_bands()
    last = max(bottom for name, (_, bottom) in bands.items() if name != "footer")
    return (bands["footer"][0] - last) / (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM)


@pytest.fixture(scope="module")
def sparse_and_large():
    from factories import large_dataset, sparse_dataset

    out = {}
    for name, ds in (("sparse", sparse_dataset()), ("large", large_dataset(200))):
        data, _pages = render_briefing(ds, (), pdfa=False)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[0]
            chars, text, n = list(page.chars), page.extract_text(), len(pdf.pages)
        out[name] = (ds, fit_layout(ds, ()), data, chars, re.sub(r"\s+", "", text), n)
    return out


def test_four_figures_get_the_page(sparse_and_large):
    ds, layout, _, chars, text, pages = sparse_and_large["sparse"]
    assert len(ds.indicators) == 4
    assert pages == 1
    assert _blank_share(layout) <= 0.25
    # Measured on the PDF too: the lowest text above the footer reaches three quarters of the type
    # area.
    footer_top = layout.block_bands()["footer"][0]
    lowest = max(ch["bottom"] for ch in chars if ch["bottom"] < footer_top - 1)
    assert (footer_top - lowest) / (PAGE_H - MARGIN_TOP - MARGIN_BOTTOM) <= 0.25
    assert layout.attempt.fit == LEVELS[0]  # the roomiest level: larger type and figures
    for ind in ds.indicators:
        assert ind.printed in text


def test_two_hundred_figures_fit_one_page_by_selecting(sparse_and_large):
    ds, _layout, _data, chars, text, pages = sparse_and_large["large"]
    assert len(ds.indicators) == 200
    assert pages == 1
    shown = [i for i in ds.indicators if i.headline][: ds.briefing.max_headlines]
    for ind in shown:
        assert ind.printed in text
    assert (
        len([i for i in ds.indicators if i.headline]) > ds.briefing.max_headlines
    )  # so it selected
    assert "主要事项办理量（件）" in text  # charts shown are the briefing's, at most three
    assert sum(t in text for t in ("主要事项办理量", "各项完成率", "同比变化前后", "其他事项")) <= 3
    for ch in chars:
        assert ch["size"] >= 7.0 - 1e-6
        assert ch["bottom"] <= PAGE_H - MARGIN_BOTTOM + 0.5


def test_charts_in_a_row_end_together(liujiang):
    """No chart is left short with white space under it: columns of the charts block end
    together.
    """
    layout = fit_layout(liujiang.dataset, liujiang.findings)
    box = next(b for name, b, _ in layout.blocks if name == "charts")
    heights = [col.wrap(w, PAGE_H)[1] for col, w in zip(box.children, box.widths, strict=True)]
    assert max(heights) - min(heights) <= 1.0, heights
