"""Check the report's layout machinery: one layout pass, and page numbers quoted before their pages
are laid out.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from briefing.compose import report, reportdoc
from briefing.compose._report_text import CJKParagraph, Span
from briefing.compose.reportdoc import ChapterBreak, DocInfo, PageNumbers, PageRef, Xref, build_pdf
from briefing.load import load_dataset
from briefing.verify import verify

DATA = Path(__file__).resolve().parent.parent / "data" / "liujiang-2024.yaml"
INFO = DocInfo("测试", "测试区人民政府", "测试", ("测试",), "briefing", "测试")


@pytest.fixture(scope="module")
def laid_out() -> dict:
    ds = load_dataset(DATA)
    passes = 0
    build = reportdoc.ReportDoc.build

    def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal passes
        passes += 1
        return build(self, *args, **kwargs)

    reportdoc.ReportDoc.build = counting  # type: ignore[method-assign]
    try:
        data, log = report.build_report(ds, verify(ds))
    finally:
        reportdoc.ReportDoc.build = build  # type: ignore[method-assign]
    return {"data": data, "log": log, "passes": passes}


def test_the_report_is_laid_out_once(laid_out: dict) -> None:
    assert laid_out["passes"] == 1


def page_links(data: bytes) -> list[tuple[int, int, str]]:
    """(page, destination page, text under the link) for every internal link of the document."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    index = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(reader.pages)}
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, (page, plumbed) in enumerate(zip(reader.pages, pdf.pages, strict=True), 1):
            height = float(page.mediabox.height)
            for annot in page.get("/Annots", []) or []:
                a = annot.get_object()
                if a["/Subtype"] != "/Link" or "/Dest" not in a:
                    continue
                x0, y0, x1, y1 = (float(v) for v in a["/Rect"])
                box = plumbed.within_bbox(
                    (x0 - 0.5, height - y1 - 0.5, x1 + 0.5, height - y0 + 0.5)
                )
                text = re.sub(r"\s+", "", box.extract_text() or "")
                out.append((number, index[a["/Dest"][0].idnum], text))
    return out


def test_every_quoted_page_is_the_page_its_link_goes_to(laid_out: dict) -> None:
    quoted = 0
    for page, target, text in page_links(laid_out["data"]):
        for found in re.findall(r"第(\d+)页", text):
            assert int(found) == target, (page, text)
            quoted += 1
    # Forward references (the summary's) and backward ones (findings, the glossary) alike.
    assert quoted >= 20


def test_the_contents_give_each_headings_page(laid_out: dict) -> None:
    log = laid_out["log"]
    with pdfplumber.open(io.BytesIO(laid_out["data"])) as pdf:
        first = log.page_of("toc")
        text = "\n".join(
            pdf.pages[p - 1].extract_text() or "" for p in range(first, log.page_of("ch-summary"))
        )
    lines = {re.sub(r"\s+", "", line) for line in text.splitlines()}
    for _level, title, _key, page in log.headings:
        assert re.sub(r"\s+", "", title) + str(page) in lines, title


def _story(numbers: PageNumbers, grow: bool) -> list:
    from briefing.compose.report import report_styles

    body = report_styles()["prose"]

    def forward() -> CJKParagraph:
        page = numbers.page("end")
        text = f"结论见第{page}页。"
        if grow and page != PageNumbers.PLACEHOLDER:
            text += "补充说明" * 40  # the real text needs lines the placeholder did not
        return CJKParagraph([Span(text, link="end")], body)

    return [
        CJKParagraph("开头", body),
        Xref(forward, numbers),
        ChapterBreak(recto=True),
        CJKParagraph("中间", body),
        ChapterBreak(recto=True),
        PageRef("end"),
        CJKParagraph("结论", body),
    ]


@pytest.mark.parametrize("grow", [False, True])
def test_a_forward_reference_is_filled_in_after_layout(grow: bool) -> None:
    from briefing.compose.report import report_styles

    passes = []

    def make(numbers: PageNumbers) -> list:
        passes.append(numbers)
        return _story(numbers, grow)

    data, log = build_pdf(make, INFO, report_styles(), Canvas)
    # A text that outgrows its placeholder is laid out again with the numbers of the first pass.
    assert len(passes) == (2 if grow else 1)
    assert log.page_of("end") == 5
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = re.sub(r"\s+", "", pdf.pages[0].extract_text() or "")
    assert "结论见第5页。" in first
    assert "999" not in first
    assert {(p, t) for p, t, _text in page_links(data)} == {(1, 5)}
    if grow:
        assert "补充说明" * 40 in first


def test_asking_for_a_page_outside_a_cross_reference_is_an_error() -> None:
    numbers = PageNumbers(reportdoc.PageLog())
    with pytest.raises(RuntimeError, match="outside a cross-reference"):
        numbers.page("ch-glossary")


def test_a_long_table_is_laid_out_a_window_at_a_time_with_every_row_once() -> None:
    from reportlab.platypus import Table, TableStyle

    from briefing.compose.report import report_styles
    from briefing.compose.reportdoc import LongTable, table_of

    cell = report_styles()["table"]
    rows = [[CJKParagraph("序号", cell), CJKParagraph("内容", cell)]]
    rows += [
        [CJKParagraph(f"{i}", cell), CJKParagraph(f"第{i}行的内容" + "说明" * (i % 7), cell)]
        for i in range(300)
    ]

    def make(part: list) -> Table:
        t = Table(part, colWidths=[60, 300], repeatRows=1)
        t.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 1.0, "#000000")]))
        return t

    table = table_of(rows, make, 1)
    assert isinstance(table, LongTable)
    data, log = build_pdf(lambda numbers: [table], INFO, report_styles(), Canvas)
    assert log.page_count > 5
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
    for text in pages:
        assert "序号内容" in text  # the header repeats on every page
    everything = "".join(pages)
    found = [int(m) for m in re.findall(r"第(\d+)行", everything)]
    assert found == list(range(300))


def test_a_grid_table_draws_its_cells_as_lines_and_rules_each_part() -> None:
    from reportlab.lib.colors import HexColor

    from briefing import fonts
    from briefing.compose.annotate import NotePart
    from briefing.compose.report import report_styles
    from briefing.compose.reportdoc import (
        Footnote,
        Grid,
        GridStyle,
        LongTable,
        Noted,
        NumberedTable,
        table_of,
    )

    fonts.register_reportlab()
    styles = report_styles()
    cell = styles["table"]
    note = Footnote(1, (NotePart("这是脚注的正文。"),))
    rows: list[list] = [[CJKParagraph("序号", cell), CJKParagraph("内容", cell)]]
    for i in range(120):
        text = CJKParagraph(f"第{i}行的内容" + "说明" * (i % 9), cell)
        # A cell of two stacked paragraphs, and one whose marker's footnote goes with its page.
        marked = CJKParagraph(
            [Span(f"第{i}行的内容"), Span(note.marker, superscript=True, anchor=note.ref_key)], cell
        )
        second = Noted(marked, footnotes=[note]) if i == 70 else [text, CJKParagraph("补", cell)]
        rows.append([CJKParagraph(f"{i}", cell), second])
    style = GridStyle(between=(0.25, HexColor("#808080")), head_background=HexColor("#EEEEEE"))
    table = table_of(rows, lambda part: Grid(part, [60, 300], style, 1), 1)
    assert isinstance(table, LongTable)
    numbered = NumberedTable(table, 7, "测试表", styles["table_caption"])
    data, log = build_pdf(lambda numbers: [numbered], INFO, styles, Canvas)
    assert log.page_count > 3
    assert log.footnote_pages[1] >= 2
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]
        # The table's rules (the running header's and the footnotes' are 0.5 pt), top down.
        rules = [
            [
                round(line["linewidth"], 2)
                for line in sorted(p.lines, key=lambda line: line["top"])
                if round(line["linewidth"], 2) in (0.25, 0.6, 1.0)
            ]
            for p in pdf.pages
        ]
    assert "表7测试表序号内容" in pages[0]
    for text in pages[1:]:
        assert "续表7测试表序号内容" in text  # the header repeats on every page
    found = [int(m) for m in re.findall(r"第(\d+)行", "".join(pages))]
    assert found == list(range(120))
    assert "".join(pages).count("补") == 119
    # The footnote is at the foot of the page its marker is drawn on.
    assert [i for i, t in enumerate(pages, 1) if "第70行的内容[1]" in t] == [log.footnote_pages[1]]
    assert "这是脚注的正文" in pages[log.footnote_pages[1] - 1]
    for page, widths in enumerate(rules, 1):
        # A heavy rule above the header, a 0.6 pt one under it (over the thin one).
        assert widths[0] == 1.0
        assert widths[1:3] == [0.25, 0.6]
        # The last row of a page the table goes on from has a thin rule; its end, a heavy one.
        assert widths[-1] == (1.0 if page == len(rules) else 0.25)


@pytest.mark.parametrize(("chart_pt", "chart_first"), [(150.0, False), (460.0, True)])
def test_an_arranged_chart_goes_above_its_table_when_below_would_leave_a_page_empty(
    chart_pt: float, chart_first: bool
) -> None:
    """A table of 24 lines from a sixth of the way down a page ends 7 lines into the next one: a
    short chart follows it there; a tall one would not fit under those lines and would leave
    that page a third full, so it goes above the table, on the page where the section starts.
    """
    from reportlab.platypus import KeepTogether, Spacer

    from briefing import fonts
    from briefing.compose.report import report_styles

    fonts.register_reportlab()
    styles = report_styles()
    body = styles["prose"]

    def make(numbers: PageNumbers) -> list:
        def orders() -> list[list]:
            def table() -> list:
                return [PageRef("table"), CJKParagraph("表" * 28 * 24, body)]

            def chart() -> KeepTogether:
                return KeepTogether([PageRef("chart"), Spacer(1, chart_pt)])

            return [[*table(), chart()], [chart(), *table()]]

        group = reportdoc.Arranged([CJKParagraph("一、标题", styles["section"])], orders())
        story = [
            CJKParagraph("封面", body),
            ChapterBreak(),
            PageRef("start"),
            Spacer(1, 100),
            group,
        ]
        reportdoc.link_arranged(story)
        return story

    _data, log = build_pdf(make, INFO, styles, Canvas)
    start, table, chart = (log.page_of(k) for k in ("start", "table", "chart"))
    if chart_first:
        assert chart == start  # kept in order A, it would stand two pages on
        assert table >= chart
    else:
        assert table == start
        assert chart == start + 1


def test_laying_out_in_thought_counts_the_pages_left_and_where_it_ends() -> None:
    from reportlab.platypus import KeepTogether, Spacer

    place = reportdoc.Place(room=400.0, ink=200.0)
    closed, end, left_empty = reportdoc.lay_out_in_thought(
        [Spacer(1, 300), KeepTogether([Spacer(1, 200)]), Spacer(1, 100)], 400.0, 600.0, place
    )
    # 300 fits under the 200 already there; the kept 200 does not fit the 100 left: a new page.
    assert closed == [pytest.approx(500 / 600)]
    assert end.ink == pytest.approx(300.0)
    assert not left_empty
    closed, _end, left_empty = reportdoc.lay_out_in_thought(
        [KeepTogether([Spacer(1, 500)])], 400.0, 600.0, place
    )
    assert closed == [pytest.approx(200 / 600)]
    assert left_empty
