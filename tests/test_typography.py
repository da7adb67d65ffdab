"""Tests of the typesetting layer: line-breaking rules, widths, drawing, extraction and page
geometry.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from conftest import pdf_text
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame
from samples import PARAGRAPHS
from sweep import FIGURE_UNIT, audit, set_pdf

from briefing import fonts
from briefing.errors import FontCoverageError
from briefing.render.chars import (
    DOUBLED,
    INK_LEFT,
    INK_RIGHT,
    NO_END,
    NO_START,
    CharClass,
    classify,
)
from briefing.render.linebreak import advance_em, break_lines, break_prepared, prepare
from briefing.render.pages import COMPACT, GBT9704, doc_template, folio_dash_top, folio_text
from briefing.render.styles import OVERLAY_NAMES, STYLE_NAMES, Span, TextStyle, scale_style
from briefing.render.typography import CJKParagraph, actual_text_hex, draw_lines

BODY = TextStyle("t-body", "serif", size_pt=10.5, leading_pt=16.0, first_indent_em=2)
PLAIN = TextStyle("t-plain", "serif", size_pt=10.0, leading_pt=15.0, align="left")


def extracted_text(path: Path) -> str:
    return pdf_text(path)


def build(path: Path, story: list, preset=COMPACT) -> None:
    doc_template(str(path), preset, title="测试", author="briefing tests").build(story)


# -- generated text ------------------------------------------------------------------------

HAN = "法治政府建设行政执法监督复议诉讼案件办理依法决策公开区委推进落实审查合同清单乡镇街道普及"
_han = st.text(alphabet=HAN, min_size=1, max_size=6)
_pairs = [("“", "”"), ("《", "》"), ("（", "）"), ("「", "」"), ("【", "】"), ("〈", "〉")]
_bracketed = st.builds(
    lambda pair, inner, stop: pair[0] + inner + pair[1] + stop,
    st.sampled_from(_pairs),
    st.text(alphabet=HAN, min_size=1, max_size=4),
    st.sampled_from(["", "，", "。", "、", "；", "。”", "），"]),
)
_figure = st.builds(
    lambda n, unit: f"{n:,}{unit}",
    st.integers(0, 12_345_678),
    st.sampled_from(["件", "年", "%", "人次", "万元", "个", "‰", "％"]),
)
_decimal = st.builds(lambda a, b: f"{a}.{b:02d}%", st.integers(0, 100), st.integers(0, 99))
_latin = st.sampled_from(["PDF", "ReportLab", "GB/T", "PDF/A-2b", "OCR", "App", "1-11月", "2024年"])
_punct = st.sampled_from(
    ["，", "。", "、", "；", "：", "？", "！", "……", "——", "·", "。”", "”，", "？！"]
)
_token = st.one_of(_han, _han, _han, _bracketed, _figure, _decimal, _latin, _punct)


def _tidy(text: str) -> str:
    """A paragraph cannot start with a closing mark nor end with an opening one."""
    text = text.lstrip("".join(c for c in set(text) if classify(c) in NO_START))
    return text or "法"


# Han after every token, so that Latin words and figures do not run together into one token
# wider than the measure (which must then be cut, legitimately).
paragraphs = (
    st.lists(st.tuples(_token, _han), min_size=2, max_size=25)
    .map(lambda parts: "".join(a + b for a, b in parts))
    .map(_tidy)
)


# -- the pure breaker ----------------------------------------------------------------------


def check_lines(text: str, width: float, style: TextStyle, total_fit: bool = True) -> list[str]:
    """Rule violations of break_lines(text, width, style), read from the Line values."""
    lines = break_lines(text, width, style, total_fit=total_fit)
    bad: list[str] = []
    assert "".join(ln.text for ln in lines).replace(" ", "") == text.replace(" ", "")
    cuts, acc = [], 0
    for i, ln in enumerate(lines):
        if classify(ln.text[0]) in NO_START:
            bad.append(f"line {i} starts with {ln.text[0]}")
        if classify(ln.text[-1]) in NO_END:
            bad.append(f"line {i} ends with {ln.text[-1]}")
        if ln.right_pt > width + 0.05 or ln.left_pt < -0.05:
            bad.append(f"line {i} overflows: {ln.left_pt:.2f}..{ln.right_pt:.2f} > {width:.2f}")
        if i < len(lines) - 1 and style.align == "justify" and abs(ln.right_pt - width) > 0.05:
            bad.append(f"line {i} not flush: {ln.right_pt:.3f} != {width:.3f}")
        if i < len(lines) - 1:
            acc += len(ln.text.replace(" ", ""))
            cuts.append(acc)
    squashed = text.replace(" ", "")
    for m in FIGURE_UNIT.finditer(squashed):
        if any(m.start() < c < m.end() for c in cuts):
            bad.append(f"figure {m.group()} split")
    for c in cuts:
        pair = squashed[c - 1 : c + 1]
        if pair in ("——", "……"):
            bad.append("dash or ellipsis split")
    return bad


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs, st.integers(12, 40), st.sampled_from([BODY, PLAIN]), st.booleans())
def test_breaker_never_breaks_the_rules(
    text: str, width_em: int, style: TextStyle, total_fit: bool
) -> None:
    # Both the total-fit breaker and the first-fit one it falls back on.
    assert check_lines(text, width_em * style.size_pt, style, total_fit) == []


@pytest.mark.parametrize("text", PARAGRAPHS, ids=range(len(PARAGRAPHS)))
def test_samples_obey_the_rules_at_all_widths(text: str) -> None:
    for width in range(100, 460, 7):
        assert check_lines(text, float(width), BODY) == [], width
        assert check_lines(text, float(width), BODY, total_fit=False) == [], width


def test_total_fit_is_never_looser_than_first_fit() -> None:
    """The loosest line of each paragraph, summed over the samples, is no looser with total fit.

    PLAIN is ragged right, so measure minus line width is the space justification would add.
    """

    def loosest(total_fit: bool) -> float:
        acc = 0.0
        for text in PARAGRAPHS:
            for width in (80.0, 120.0, 160.0):
                lines = break_lines(text, width, PLAIN, total_fit=total_fit)
                acc += max((width - ln.right_pt for ln in lines[:-1]), default=0.0)
        return acc

    assert loosest(True) <= loosest(False)


def test_every_non_final_line_is_flush_and_final_line_is_not_stretched() -> None:
    lines = break_lines(PARAGRAPHS[1], 200.0, BODY)
    assert len(lines) > 3
    assert all(abs(ln.right_pt - 200.0) < 1e-6 for ln in lines[:-1])
    last = lines[-1]
    natural = break_lines(last.text, 1000.0, scale_style(BODY, 1.0))[0]
    assert last.width_pt == pytest.approx(natural.width_pt)


def test_figures_keep_their_unit() -> None:
    # 1313件 is narrower than one line but wider than what is left on the first.
    text = "甲乙丙丁戊己庚辛壬癸1313件"
    lines = break_lines(text, 12 * 10.0, PLAIN)
    assert [ln.text for ln in lines] == ["甲乙丙丁戊己庚辛壬癸", "1313件"] or "1313件" in lines[
        0
    ].text


def test_a_token_longer_than_the_measure_is_cut_at_the_measure() -> None:
    url = "https://www.example.gov.cn/a/very/long/path/that/cannot/fit/on/one/line/index.html"
    lines = break_lines("详见" + url, 100.0, PLAIN)
    assert all(ln.right_pt <= 100.0 + 1e-6 for ln in lines)
    assert "".join(ln.text for ln in lines) == "详见" + url
    assert len(lines) > 3


@pytest.mark.parametrize("total_fit", [True, False])
def test_no_single_character_last_line(total_fit: bool) -> None:
    # Ten characters per line; 21 characters would leave one alone on the third line.
    text = "依法行政建设法治政府推进严格规范公正文明执"
    lines = break_lines(text, 10 * 10.0, PLAIN, total_fit=total_fit)
    assert len(lines[-1].text) >= 2
    assert all(ln.right_pt <= 100.0 + 1e-6 for ln in lines)
    # With punctuation the remainder is pulled up instead, by compressing marks.
    text2 = "依法行政，建设法治，推进严格、规范、公正执法"
    lines2 = break_lines(text2, 10 * 10.0, PLAIN, total_fit=total_fit)
    assert len([c for c in lines2[-1].text if classify(c) == CharClass.IDEO]) >= 2


def _glyph_x(text: str, style: TextStyle = PLAIN) -> tuple[list[float], float]:
    lines = break_lines(text, 1000.0, style)
    assert len(lines) == 1
    return list(lines[0].xs), lines[0].right_pt


def test_line_end_punctuation_is_half_width() -> None:
    em = PLAIN.size_pt
    # 10 characters and a comma fit in 10.5 em because the comma is set half width.
    lines = break_lines("一二三四五六七八九十，甲乙", 10.5 * em, PLAIN)
    assert lines[0].text == "一二三四五六七八九十，"
    assert lines[0].right_pt == pytest.approx(10.5 * em)
    assert lines[0].xs[-1] == pytest.approx(10 * em)


@pytest.mark.parametrize(
    ("pair", "trimmed"),
    [
        ("》，", "right of first"),
        ("、《", "right of first"),
        ("（《", "left of second"),
        ("。）", "right of first"),
    ],
)
def test_adjacent_marks_take_one_and_a_half_em(pair: str, trimmed: str) -> None:
    em = PLAIN.size_pt
    xs, _right = _glyph_x("甲" + pair + "乙")
    # 甲 at 0, the pair spans 1.5 em, 乙 starts at 2.5 em.
    assert xs[3] == pytest.approx(2.5 * em)
    if trimmed == "right of first":
        assert xs[2] == pytest.approx(
            1.5 * em
        )  # the first mark keeps its position, loses its right half
    else:
        assert xs[2] == pytest.approx(
            1.5 * em
        )  # the second mark is pulled left over its empty half
        assert xs[1] == pytest.approx(1.0 * em)


def test_three_closing_marks_in_a_row() -> None:
    em = PLAIN.size_pt
    xs, _right = _glyph_x("甲。）》乙")
    assert [round(x / em, 3) for x in xs] == [0, 1, 1.5, 2, 3]


def test_opening_bracket_at_line_start_is_compressed_unless_indented() -> None:
    em = BODY.size_pt
    lines = break_lines("甲乙丙丁戊己庚辛壬癸子丑（试行）规定", 14 * em, BODY)
    second = lines[1]
    assert second.text.startswith("（")
    assert second.xs[0] == pytest.approx(-0.5 * em)
    first = break_lines("（试行）办法", 100 * em, BODY)[0]
    assert first.xs[0] == pytest.approx(2 * em)  # indented first line keeps the full bracket


def test_glyph_sides_match_the_compression_rules() -> None:
    """The half removed from a mark must be the empty half of the glyph in the fonts we ship."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    fonts.register_reportlab()
    checked = 0
    for face_name in {fonts.face_for("serif"), fonts.face_for("sans"), fonts.face_for("kai")}:
        path = pdfmetrics.getFont(face_name).face.filename
        # Read whole: fontTools would keep the file open.
        tt = TTFont(io.BytesIO(Path(path).read_bytes()), fontNumber=0, lazy=True)
        cmap = tt.getBestCmap()
        glyphs = tt.getGlyphSet()
        upm = tt["head"].unitsPerEm
        for ch in "“”‘’（）《》〈〉「」『』【】、，。；：？！":
            if advance_em(face_name, ch) < 0.9 or ord(ch) not in cmap:
                continue  # proportional in this font: never compressed
            pen = BoundsPen(glyphs)
            glyphs[cmap[ord(ch)]].draw(pen)
            assert pen.bounds is not None
            x_min, _, x_max, _ = pen.bounds
            if classify(ch) in INK_LEFT:
                assert x_max <= 0.56 * upm, (face_name, ch, x_max)
            else:
                assert classify(ch) in INK_RIGHT
                assert x_min >= 0.44 * upm, (face_name, ch, x_min)
            checked += 1
    assert checked > 20


def test_han_latin_space_on_and_off() -> None:
    em = PLAIN.size_pt
    xs, _ = _glyph_x("截至2024年底")
    digit = advance_em(fonts.face_for("serif"), "4") * em
    assert xs[2] == pytest.approx(2 * em + 0.25 * em)
    assert xs[6] == pytest.approx(xs[5] + digit + 0.25 * em)
    off = TextStyle(
        "off", "serif", size_pt=10.0, leading_pt=15.0, align="left", han_latin_space=False
    )
    xs_off, _ = _glyph_x("截至2024年底", off)
    assert xs_off[2] == pytest.approx(2 * em)
    # No gap beside full-width punctuation or at a line edge.
    xs_p, _ = _glyph_x("甲“2024”")
    assert xs_p[2] == pytest.approx(em + advance_em(fonts.face_for("serif"), "“") * em)


def test_justification_is_never_inside_a_latin_word_or_a_dash() -> None:
    just = TextStyle("j", "serif", size_pt=10.0, leading_pt=15.0)
    lines = break_lines(
        "区政府采用ReportLab生成文书——严格依法行政。甲乙丙丁戊己庚辛壬癸子丑寅卯", 170.0, just
    )
    prep = prepare(
        [Span("区政府采用ReportLab生成文书——严格依法行政。甲乙丙丁戊己庚辛壬癸子丑寅卯")], just
    )
    for ln in lines[:-1]:
        for k in range(1, ln.end - ln.start):
            i = ln.start + k
            a, b = prep.cls[i - 1], prep.cls[i]
            if (a == b == CharClass.LATIN) or (a == b and a in DOUBLED):
                assert ln.xs[k] - ln.xs[k - 1] == pytest.approx(prep.adv[i - 1])


def test_rewraps_at_any_size() -> None:
    for factor in (1.0, 0.9, 0.8, 0.73, 0.6):
        style = scale_style(BODY, factor)
        for width in (150.0, 260.0):
            assert check_lines(PARAGRAPHS[2], width, style) == []


def test_min_width_is_the_widest_unbreakable_cluster() -> None:
    para = CJKParagraph("共计12,345,678.90元，同比增长", PLAIN)
    cluster = break_lines("12,345,678.90元，", 1000.0, PLAIN)[0]
    assert para.minWidth() == pytest.approx(cluster.width_pt)
    assert len(para.wrap(para.minWidth(), 1000)[1:]) == 1
    assert all(ln.right_pt <= para.minWidth() + 1e-6 for ln in para.lines)


def test_missing_glyph_is_an_error_not_an_invisible_box() -> None:
    with pytest.raises(FontCoverageError, match=r"U\+E000"):
        break_lines("法治\ue000建设", 100.0, PLAIN)


def test_styles_are_complete_and_frozen() -> None:
    for preset in (GBT9704, COMPACT):
        assert set(preset.styles) == set(STYLE_NAMES) | set(OVERLAY_NAMES)
    body = GBT9704.styles["body"]
    with pytest.raises(AttributeError):
        body.size_pt = 12  # type: ignore[misc]
    with pytest.raises(ValueError, match="role must be one of"):
        TextStyle("bad", "comic")  # type: ignore[arg-type]


# -- PDFs read back ------------------------------------------------------------------------


def test_sweep_of_samples_in_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    widths = [BODY.size_pt * k / 2 for k in range(20, 81)]  # 10 to 40 em, 61 widths
    placed = set_pdf(tmp_path / "sweep.pdf", PARAGRAPHS, widths, BODY)
    res = audit(tmp_path / "sweep.pdf", placed)
    with capsys.disabled():
        print("\n" + res.summary())
    assert res.violations == []
    assert res.lines > 2000


# Each example is a 12-paragraph PDF; shrinking one would take minutes, so report it unshrunk.
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(st.lists(paragraphs, min_size=12, max_size=12))
def test_sweep_of_generated_paragraphs_in_a_pdf(texts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "gen.pdf"
        widths = [BODY.size_pt * k for k in range(12, 41, 3)]
        res = audit(path, set_pdf(path, texts, widths, BODY))
    assert res.violations == [], (res.violations[:5], texts)


def test_markup_in_data_prints_literally(tmp_path: Path) -> None:
    data = '<b>x</b> &amp; <img src="/etc/passwd"> <font name=x 《未闭合'
    path = tmp_path / "markup.pdf"
    build(
        path,
        [CJKParagraph(data, COMPACT.styles["body"]), CJKParagraph([Span(data, bold=True)], PLAIN)],
    )
    text = extracted_text(path)
    assert text.count('<b>x</b> &amp; <img src="/etc/passwd"> <font name=x 《未闭合') == 2


def test_actual_text_gives_back_the_source(tmp_path: Path) -> None:
    path = tmp_path / "at.pdf"
    build(path, [CJKParagraph("截至2024年底，共有PDF/A-2b文件1,313件。", COMPACT.styles["body"])])
    text = extracted_text(path)
    assert "截至2024年底，共有PDF/A-2b文件1,313件。" in text
    assert "2024 年" not in text
    raw = PdfReader(str(path)).pages[0].get_contents().get_data()
    assert b"/ActualText " + actual_text_hex("截至").encode()[:-1] in raw


def test_links_anchors_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "links.pdf"
    story = [
        CJKParagraph(
            [
                Span("见注释"),
                Span("1", superscript=True, link="fn-1"),
                Span("；网站"),
                Span("https://www.example.gov.cn", link="https://www.example.gov.cn"),
            ],
            COMPACT.styles["body"],
        ),
        CJKParagraph(
            [
                Span("1", superscript=True, anchor="fn-1"),
                Span("数据来自区司法局。", annotation="核对人：法制科"),
            ],
            COMPACT.styles["footnote"],
        ),
    ]
    build(path, story)
    page = PdfReader(str(path)).pages[0]
    subtypes = sorted(str(a.get_object()["/Subtype"]) for a in page["/Annots"])
    assert subtypes == ["/Link", "/Link", "/Text"]
    uri = [a.get_object() for a in page["/Annots"] if "/A" in a.get_object()]
    assert uri[0]["/A"]["/URI"] == "https://www.example.gov.cn"
    assert "注释1" in extracted_text(path)


def test_paragraph_splits_across_frames_keeping_two_lines(tmp_path: Path) -> None:
    style = COMPACT.styles["body"]
    para = CJKParagraph(PARAGRAPHS[1] * 3, style)
    _, _h = para.wrap(200.0, 10_000)
    n = len(para.lines)
    assert n >= 8
    # Room for 3 lines: split 3 / rest.
    head, tail = para.split(200.0, 3 * style.leading_pt + 1)
    head.wrap(200.0, 1000)
    tail.wrap(200.0, 1000)
    assert len(head.lines) == 3
    assert len(head.lines) + len(tail.lines) == n
    assert tail.lines[0].left_pt == 0.0  # continued: no first-line indent
    assert head.lines[-1].justified
    assert head.text.startswith(PARAGRAPHS[1][:5])
    assert tail.text == para.text[head.lines[-1].end :]
    # Room for 1 line: nothing fits (no orphan); room for n-1 lines: keep 2 for the next frame.
    assert para.split(200.0, style.leading_pt + 1) == []
    _head2, tail2 = para.split(200.0, (n - 1) * style.leading_pt + 1)
    assert len(tail2.wrap(200.0, 1000) and tail2.lines) == 2
    # Drawn in two frames, the text comes out whole.
    path = tmp_path / "split.pdf"
    canv = Canvas(str(path), invariant=1)
    f1 = Frame(50, 600, 200, 3 * style.leading_pt + 1, 0, 0, 0, 0)
    f2 = Frame(300, 100, 200, 600, 0, 0, 0, 0)
    story = [CJKParagraph(PARAGRAPHS[1] * 3, style)]
    f1.addFromList(story, canv)
    f2.addFromList(story, canv)
    canv.save()
    assert not story
    assert "".join(extracted_text(path).split()) == "".join((PARAGRAPHS[1] * 3).split())


def test_gbt9704_first_glyph_and_page_numbers(tmp_path: Path) -> None:
    styles = GBT9704.styles
    body = styles["body_noindent"]
    text = "依法行政推进法治政府建设严格规范公正文明执法" * 60
    path = tmp_path / "gb.pdf"
    build(path, [CJKParagraph(text, body)], GBT9704)
    tol = 0.2 * mm
    with pdfplumber.open(str(path)) as pdf:
        assert len(pdf.pages) >= 2
        for pno in (1, 2):
            page = pdf.pages[pno - 1]
            area = GBT9704.type_area(pno)
            top_of_area = page.height - area.top
            body_chars = [c for c in page.chars if c["size"] == pytest.approx(16.0)]
            first = min(body_chars, key=lambda c: (round(c["top"], 1), c["x0"]))
            assert first["x0"] == pytest.approx(area.x, abs=tol)
            assert first["top"] == pytest.approx(top_of_area, abs=tol)
            # 28 characters fill the 156 mm line; 22 lines fill the 225 mm type area.
            rows = sorted({round(c["top"], 2) for c in body_chars})
            assert len(rows) == 22
            row0 = sorted(
                (c for c in body_chars if round(c["top"], 2) == rows[0]), key=lambda c: c["x0"]
            )
            assert len(row0) == 28
            assert row0[-1]["x1"] == pytest.approx(area.right, abs=tol)
            assert rows[-1] + 16.0 == pytest.approx(page.height - area.y, abs=tol)
            # Page number: 四号, 7 mm below the type area, one character in from the outer edge.
            folio = [c for c in page.chars if c["size"] == pytest.approx(14.0)]
            assert "".join(c["text"] for c in sorted(folio, key=lambda c: c["x0"])).replace(
                " ", ""
            ) == folio_text(GBT9704, pno).replace(" ", "")
            # GB/T 9704 measures the 7 mm to the top edge of the dashes, not of the em box.
            assert min(c["top"] for c in folio) + folio_dash_top(GBT9704) == pytest.approx(
                page.height - area.y + 7 * mm, abs=tol
            )
            if pno % 2:
                assert max(c["x1"] for c in folio) == pytest.approx(area.right - 14.0, abs=tol)
            else:
                assert min(c["x0"] for c in folio) == pytest.approx(area.x + 14.0, abs=tol)
    # Mirrored margins: the binding side (订口, 28 mm) alternates.
    assert GBT9704.type_area(1).x == pytest.approx(28 * mm)
    assert GBT9704.page_width_pt - GBT9704.type_area(2).right == pytest.approx(28 * mm)


def test_draw_lines_leaves_graphics_state_balanced(tmp_path: Path) -> None:
    path = tmp_path / "q.pdf"
    canv = Canvas(str(path), invariant=1)
    prep = prepare([Span("红色", color="#c00000"), Span("黑色")], PLAIN)
    from briefing.render.linebreak import break_prepared

    draw_lines(canv, prep, break_prepared(prep, 200.0), 50, 700, 15)
    canv.save()
    ops = PdfReader(str(path)).pages[0].get_contents().get_data().split()
    assert ops.count(b"q") == ops.count(b"Q")
    assert ops.count(b"BDC") == ops.count(b"EMC") == 1
    assert ops.count(b"BT") == ops.count(b"ET")


def test_a_dash_pair_is_two_full_ems_drawn_as_one_rule(tmp_path: Path) -> None:
    path = tmp_path / "dash.pdf"
    style = COMPACT.styles["body_noindent"]
    build(path, [CJKParagraph("问题找到了——整改就有了方向", style)])
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        dashes = sorted((c for c in page.chars if c["text"] == "—"), key=lambda c: c["x0"])
        assert len(dashes) == 2
        size = style.size_pt
        for d in dashes:
            assert d["x1"] - d["x0"] == pytest.approx(size, abs=0.01)
        assert dashes[1]["x0"] == pytest.approx(dashes[0]["x1"], abs=0.01)
        # Where the font's dash has side bearings, a filled joint closes the gap between inks.
        from briefing.render.typography import glyph_bounds

        ink = glyph_bounds(fonts.face_for(style.role), "—")
        assert ink is not None
        joints = [r for r in page.rects if dashes[0]["x0"] < r["x0"] < dashes[1]["x1"]]
        if ink[0] + (advance_em(fonts.face_for(style.role), "—") - ink[1]) > 0.01:
            assert len(joints) == 1
    assert "整改就有了方向" in extracted_text(path)
    assert "——" in extracted_text(path)


# --- centred text: balanced lines ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "示例市戊县2024年度法治政府建设情况报告",
        "长文区2024年度法治政府建设工作情况报告（供区政府常务会议审议的简要版本）",
        "Annual Report on Building a Law-Based Government in an Example County",
    ],
)
def test_a_centred_title_breaks_into_lines_of_like_length(text: str) -> None:
    style = TextStyle("t", "sans", True, 16, 24, 0, "center", balance=True)
    one_line = CJKParagraph(text, style).lines_for(10_000)[0].width_pt
    # A measure a little short of the whole: plain breaking leaves a stub on the last line.
    width = one_line - 2.5 * 16
    plain = break_prepared(prepare([Span(text)], style), width)
    assert len(plain) == 2
    assert plain[-1].width_pt < 0.3 * width  # the stub a typesetter would not leave

    lines = CJKParagraph(text, style).lines_for(width)
    assert len(lines) == 2
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    widths = [line.width_pt for line in lines]
    assert max(widths) - min(widths) < 0.25 * width
    for line in lines:  # still centred in the full measure
        assert line.left_pt + line.width_pt / 2 == pytest.approx(width / 2, abs=0.01)
        assert line.right_pt <= width + 0.01


def test_left_aligned_unbalanced_and_one_line_text_is_not_rebalanced() -> None:
    text = "示例市戊县2024年度法治政府建设情况报告"
    left = TextStyle("t", "sans", True, 16, 24, 0, "left")
    prep = prepare([Span(text)], left)
    width = CJKParagraph(text, left).lines_for(10_000)[0].width_pt - 2.5 * 16
    assert CJKParagraph(text, left).lines_for(width) == break_prepared(prep, width)
    centred = TextStyle("t", "sans", True, 16, 24, 0, "center", balance=True)
    wide = break_prepared(prepare([Span(text)], centred), 10_000)
    assert CJKParagraph(text, centred).lines_for(10_000) == wide
    # A centred table head is not a title: it fills its first line (and breaks where it must).
    head = TextStyle("t", "sans", True, 16, 24, 0, "center")
    plain = break_prepared(prepare([Span(text)], head), width)
    assert CJKParagraph(text, head).lines_for(width) == plain
