"""The comparison pack: the pure comparison (bases, notes, ranks) and both PDFs it makes, read back
with pdfplumber.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pagefill import chapter_ends, fill
from pypdf import PdfReader

from briefing.build import prepare
from briefing.cli import main
from briefing.comparison import compare
from briefing.compose import compare as compare_module
from briefing.compose.briefing import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_TOP, PAGE_H, PAGE_W
from briefing.compose.compare import MARK, MISSING, chart_columns, fit_compare, table_columns
from briefing.compose.reportdoc import PRESET
from briefing.errors import BriefingError
from briefing.pack import build_pack
from briefing.render.output import canvas_maker

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "compare"
FIVE = [FIXTURES / f"{n}-2024.yaml" for n in ("jia", "yi", "bing", "ding", "wu")]
NAMES = ("甲区", "乙区", "丙区", "丁区", "戊县")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def comp():
    pairs = [prepare(p) for p in FIVE]
    return compare([d for d, _ in pairs], [f for _, f in pairs])


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    built = build_pack(FIVE, out, pdfa=False)
    docs = {}
    for b in built:
        data = b.path.read_bytes()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [
                (p.extract_text(), p.extract_words(keep_blank_chars=False), list(p.chars))
                for p in pdf.pages
            ]
        docs[b.document] = (b, data, pages)
    return docs


# -- the comparison itself ---------------------------------------------------------------------


def test_columns_and_missing(comp):
    assert comp.names == NAMES
    review = comp.column("review.received")
    assert len(review.reported) == 5
    assert review.basis_text == "单位：件；统计期：2024年全年"
    aid = comp.column("services.legal_aid_cases")
    assert aid.missing(comp.names) == ("乙区",)
    # Only 戊县 reports 重大行政决策: there is nothing to compare it with.
    assert "decisions.major_decisions" not in {c.code for c in comp.common()}


def test_other_bases_are_never_ranked(comp):
    review = comp.column("review.received")
    (off,) = review.others
    assert off.district == "丙区"
    assert off.why_not == "统计期为1—11月"
    assert [c.district for _, c in review.ranked()] == ["丁区", "甲区", "乙区", "戊县"]
    legality = comp.column("decisions.legality_reviews")
    assert [c.district for c in legality.others] == ["乙区"]
    assert legality.others[0].why_not == "以件次计"
    files = comp.column("enforcement.case_files_reviewed")
    assert [c.district for c in files.others] == ["丙区"]
    assert files.unit == "卷"
    notes = " ".join(review.notes())
    assert "丙区统计期为1—11月，与其他地区口径不同，单列不排名" in notes
    assert "戊县约70件带限定词" in notes


def test_equal_figures_share_a_rank(comp):
    rate = comp.column("litigation.head_appearance_rate")
    ranks = {c.district: r for r, c in rate.ranked()}
    assert ranks["甲区"] == ranks["丙区"] == 1
    assert ranks["乙区"] == 3


def test_two_to_thirty(comp):
    ds, found = prepare(FIVE[0])
    with pytest.raises(BriefingError, match="2 to 30 datasets; 1 given"):
        compare([ds], [found])
    with pytest.raises(BriefingError, match="already given"):
        compare([ds, ds], [found, found])


# -- the one-page comparison briefing --------------------------------------------------------------


def test_briefing_is_one_a4_page_with_embedded_fonts(pack):
    built, data, pages = pack["compare-briefing"]
    reader = PdfReader(io.BytesIO(data))
    assert built.pages == 1
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(595.2756, abs=0.01)
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        assert re.fullmatch(r"/[A-Z]{6}\+Briefing[A-Za-z-]+", str(ref.get_object()["/BaseFont"]))
    for ch in pages[0][2]:
        assert ch["x0"] >= MARGIN_LEFT - 0.5
        assert ch["x1"] <= PAGE_W - 20 * 2.8346 + 0.5
        assert ch["top"] >= MARGIN_TOP - 0.5
        assert ch["bottom"] <= PAGE_H - MARGIN_BOTTOM + 0.5


def _row_text(words: list[dict], name: str, top_limit: float) -> str:
    """The words on the table row that starts with `name` (the first such line above
    `top_limit`).
    """
    starts = [w for w in words if w["text"].startswith(name) and w["top"] < top_limit]
    assert starts, name
    top = starts[0]["top"]
    line = sorted((w for w in words if abs(w["top"] - top) < 2.5), key=lambda w: w["x0"])
    return _squash("".join(w["text"] for w in line))


def test_briefing_table_rows_carry_each_figure_as_printed(pack, comp):
    _, _, pages = pack["compare-briefing"]
    text, words, _ = pages[0]
    shown, _, _ = table_columns(comp, fit_compare(comp).attempt.fit.styles)
    heads = [w for w in words if w["text"] == "地区"]
    assert heads
    table_top = heads[0]["top"]
    chart_top = next(w["top"] for w in words if "主要指标对比图" in w["text"])
    assert len(shown) >= 6
    assert all(c.entry.short in _squash(text) for c in shown)
    for r, name in enumerate(comp.names):
        row = _row_text([w for w in words if table_top < w["top"] < chart_top], name, chart_top)
        cells = [c.cells[r] for c in shown]
        expected = "".join(
            (MISSING if cell is None else cell.printed + ("" if cell.comparable else MARK))
            for cell in cells
        )
        assert row == name + expected, (row, name + expected)


def test_briefing_marks_and_explains_what_is_not_comparable(pack):
    _, _, pages = pack["compare-briefing"]
    text = _squash(pages[0][0])
    assert f"63件{MARK}" in text
    assert f"60件{MARK}" in text
    assert "复议收案：丙区统计期为1—11月，与其他地区口径不同，单列不排名" in text
    assert "案卷评查：丙区以件计，与其他地区口径不同，单列不排名" in text
    assert f"{MISSING}表示该地报告未载此项" in text
    # The table shows every missing figure as missing: 乙区 reports neither 法律顾问 nor 法律援助.
    assert text.count(MISSING) >= 5


def test_briefing_lists_each_districts_inconsistent_figures(pack):
    _, _, pages = pack["compare-briefing"]
    text = _squash(pages[0][0])
    assert "甲区规范性文件备案审查按分项合计应为11件" in text
    assert "乙区行政诉讼败诉率应为12.50%" in text
    assert "丁区行政复议纠错率应为20%" in text
    assert "丙区、戊县未发现不一致" in text


def test_briefing_small_multiples(pack, comp):
    _, _, pages = pack["compare-briefing"]
    text = _squash(pages[0][0])
    charts = chart_columns(comp)
    assert [c.code for c in charts][:2] == ["review.received", "litigation.received"]
    assert "复议收案（件，全年）" in text
    # The 1—11月 figure is left out of the chart and the chart says so.
    assert "丙区口径不同，未绘入" in text


# -- the annotated comparison report ---------------------------------------------------------------


def test_report_sections_rank_and_say_who_did_not_report(pack, comp):
    built, _, pages = pack["compare-report"]
    assert built.pages >= 8
    text = _squash("".join(p[0] for p in pages))
    for column in comp.common():
        assert column.entry.name in text
    assert "未报告此项的地区（1个）：乙区" in text
    assert "各地均报告了此项" in text
    assert "口径不同：以件次计，不排名" in text
    assert "口径不同：统计期为1—11月，不排名" in text
    # 复议收案 ranked: 丁区150, 甲区120, 乙区95, 戊县约70, then 丙区 unranked.
    assert re.search(
        r"1丁区150件2024年.*2甲区120件2024年.*3乙区95件.*4戊县约70件.*—丙区63件△", text
    )


def test_report_verification_per_district(pack):
    _, _, pages = pack["compare-report"]
    text = _squash("".join(p[0] for p in pages))
    assert "丁区：核算1处，不一致1处" in text
    assert "丙区：核算2处，不一致0处" in text


def test_report_is_set_like_the_district_report(pack, comp):
    """Its levels (第N章, 一、) and numbered tables, from the same style table."""
    _, _, pages = pack["compare-report"]
    text = _squash("".join(p[0] for p in pages))
    for title in ("第一章阅读说明", "第二章总览", "第三章逐项比较", "第五章数据来源"):
        assert title in text
    assert "一、行政复议收案" in text
    assert "表1各地主要指标总览（第1—4项）" in text
    n = len(comp.common())
    # Overview tables of four indicators, one table per indicator, then the data files.
    assert f"表{-(-n // 4) + n + 1}参与比较的数据文件" in text
    # Every Han character, in text, tables and charts, is at a size of the report's table.
    from briefing.compose.report import report_styles

    table = {round(style.size_pt, 2) for style in report_styles().values()}
    sizes = {
        round(ch["size"], 2)
        for _, _, chars in pages
        for ch in chars
        if "\u4e00" <= ch["text"] <= "\u9fff"
    }
    assert sizes <= table, sizes - table
    assert {9.5, 10.5, 16.0} <= sizes  # chart labels, table cells, running text


def test_cli_writes_nothing_on_failure(tmp_path, capsys):
    assert main(["compare", str(FIVE[0]), "-o", str(tmp_path)]) == 1
    assert "2 to 30 datasets; 1 given" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def _variant(source: Path, k: int, folder: Path) -> Path:
    """A copy of a fixture renamed to 示例市区N with figures scaled, for the thirty-district
    pack.
    """
    text = source.read_text(encoding="utf-8")
    district = re.search(r"district: (\S+)", text)[1]  # type: ignore[index]
    text = text.replace(district, f"区{k:02d}").replace("  previous: jia-2023.yaml\n", "")
    text = re.sub(r"value: (\d+), unit: 件", lambda m: f"value: {int(m[1]) + k}, unit: 件", text)
    path = folder / f"d{k:02d}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_thirty_districts_fit_one_page(tmp_path):
    paths = [_variant(FIVE[k % 5], k, tmp_path) for k in range(30)]
    pairs = [prepare(p) for p in paths]
    comp = compare([d for d, _ in pairs], [f for _, f in pairs])
    layout = fit_compare(comp)
    names = [n for n, _, _ in layout.blocks]
    assert "table" in names
    assert "notes" in names
    built = build_pack(paths, tmp_path / "out", pdfa=False)
    data = built[0].path.read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        text = _squash(pdf.pages[0].extract_text())
    for name in comp.names:
        assert name in text
    with pdfplumber.open(io.BytesIO(built[1].path.read_bytes())) as pdf:
        report = _squash("".join(page.extract_text() for page in pdf.pages))
    # Thirty rows run on to a second page under the table's number.
    assert "表1各地主要指标总览（第1—4项）" in report
    assert "续表1各地主要指标总览（第1—4项）" in report


def test_two_years_of_one_district_count_as_one_place(comp) -> None:
    pairs = [prepare(p) for p in [FIXTURES / "jia-2023.yaml", *FIVE]]
    both = compare([d for d, _ in pairs], [f for _, f in pairs])
    assert len(both.districts) == 6
    assert both.places == 5
    assert comp.places == len(comp.districts) == 5


@pytest.fixture(scope="module")
def many_reports(tmp_path_factory):
    """The comparison report of `n` districts (made once per module): its PDF, layout log and
    page texts.
    """
    made: dict[int, tuple] = {}

    def report_of(n: int) -> tuple:
        if n not in made:
            folder = tmp_path_factory.mktemp(f"districts{n}")
            pairs = [prepare(_variant(FIVE[k % 5], k, folder)) for k in range(n)]
            comp = compare([d for d, _ in pairs], [f for _, f in pairs])
            meta = compare_module._pdf_meta(comp, "对比注释版")
            data, log = compare_module.build_compare_report(comp, canvas_maker(meta))
            pdf = pdfium.PdfDocument(data)
            texts = [_squash(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
            made[n] = data, log, texts
        return made[n]

    return report_of


@pytest.fixture
def thirty_report(many_reports):
    return many_reports(30)


@pytest.mark.parametrize("districts", [25, 30])
def test_many_district_report_leaves_no_page_mostly_empty(districts, many_reports):
    """A chart too tall for the foot of its table's last page goes after the notes, above the
    table, or is drawn with its bars closer, whichever fills the pages: every page but a
    chapter's last reaches 3/4 down its type area. The old flow left pages 26% full (30
    districts) and 38% full (25).
    """
    data, log, _texts = many_reports(districts)
    ends = chapter_ends(log)
    fills = fill(data, PRESET)
    assert len(fills) == log.page_count
    low = [
        (n, round(f, 2)) for n, f in enumerate(fills, 1) if n != 1 and n not in ends and f < 0.74
    ]
    assert not low, low


def test_thirty_district_report_keeps_each_chart_beside_its_table(thirty_report):
    """Every chart (图N with its caption) is on the page of a part of its ranked table, or the
    page before or after it, whichever order the flow chose.
    """
    _data, _log, texts = thirty_report
    captions = [
        (n, m.group(1), m.start())
        for n, text in enumerate(texts)
        # 图N, the indicator's name (which may hold brackets), then (unit, period).
        for m in re.finditer(r"图\d+(.+?)（[^（），]+，[^（）]+）", text)
    ]
    assert len(captions) >= 15
    for n, name, _at in captions:
        near = texts[max(n - 1, 0) : n + 2]
        assert any(f"{name}排名" in t for t in near), (n + 1, name)

    # Both orders occur: a chart after its table, and a chart before it (above its first rows,
    # or at the foot of the page before them).
    def table_start(name: str) -> tuple[int, int]:
        pattern = re.compile(rf"(?<!续)表\d+{re.escape(name)}排名")
        return next((n, m.start()) for n, t in enumerate(texts) if (m := pattern.search(t)))

    above = [n for n, name, at in captions if (n, at) < table_start(name)]
    below = [n for n, name, at in captions if (n, at) > table_start(name)]
    assert above
    assert below
