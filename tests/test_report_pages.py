"""Check the report's page flow and clean copy on the PDFs themselves: duplex and one-sided
Liujiang, a sparse dataset.

Text is read with pypdfium2 (which honours the /ActualText the typesetting layer writes, as
pdftotext does) and positions with pdfplumber; nothing here calls a poppler binary.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from pagefill import chapter_ends, fill

from briefing import fonts
from briefing.compose import report
from briefing.compose._report_text import preset_for
from briefing.compose.annotate import STATUS_COLOR, STATUS_ORDER, STATUS_SHAPE
from briefing.compose.report import status_tag
from briefing.load import load_dataset
from briefing.render.pages import folio_style
from briefing.render.typography import em_box, glyph_bounds
from briefing.verify import verify

ROOT = Path(__file__).resolve().parent.parent
LIUJIANG = ROOT / "data" / "liujiang-2024.yaml"
SPARSE = Path(__file__).parent / "fixtures" / "report-edge.yaml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"
MM = 72 / 25.4
TABLE_HEAD = "序号指标数字（原文）统计期出处"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def build(path: Path, binding: str) -> dict:
    ds = load_dataset(path)
    findings = verify(ds)
    data, log = report.build_report(ds, findings, binding=binding)
    pdf = pdfium.PdfDocument(data)
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        pages = [
            {
                "chars": list(p.chars),
                "boxes": [(o["top"], o["bottom"]) for o in p.rects + p.lines + p.curves],
                "height": float(p.height),
            }
            for p in plumber.pages
        ]
    return {
        "ds": ds,
        "data": data,
        "log": log,
        "texts": texts,
        "pages": pages,
        "preset": preset_for(binding),
        "findings": findings,
    }


@pytest.fixture(scope="module")
def duplex() -> dict:
    return build(LIUJIANG, "duplex")


@pytest.fixture(scope="module")
def single() -> dict:
    return build(LIUJIANG, "single")


@pytest.fixture(scope="module")
def sparse() -> dict:
    return build(SPARSE, "duplex")


# -- clean copy ---------------------------------------------------------------------------------


def test_text_gives_back_every_figure_exactly_with_no_footnote_digit(duplex):
    text = "".join(duplex["texts"])
    for ind in duplex["ds"].indicators:
        printed = ind.printed
        hits = [m.end() for m in re.finditer(re.escape(printed), text)]
        assert hits, (ind.id, printed)
        for end in hits:
            # A footnote reference extracts as [n]; a digit glued to the figure would change it.
            assert not text[end : end + 1].isdigit(), (ind.id, text[end - 10 : end + 5])
    assert not re.search(r"\d[件次个人%]\d", text.replace("[", " "))


def test_the_report_wording_is_printed(duplex):
    # The dataset carries the report's own measure word: 7大领域, not 7个.
    assert "7大领域" in "".join(duplex["texts"])


def test_section_references_and_formulas_read_unambiguously(duplex):
    text = "".join(squash(t) for t in duplex["texts"])
    assert "一（二）1：8个" in text
    assert not re.search(r"（[一二三四五六七八九十]）\d\d+个", text)


def test_ranges_formulas_and_figures_stay_on_one_line(duplex):
    for n, page in enumerate(duplex["texts"], 1):
        for raw in page.splitlines():
            line = raw.strip()
            assert not re.search(r"\d—$", line), (n, line)  # 1— / 11月
            assert not re.search(r"[+=×÷]$", line), (n, line)  # 16 + 4 / = 20
            assert not re.match(r"^[+×÷]", line), (n, line)  # only = may turn a long equation


@pytest.mark.parametrize("which", ["duplex", "single"])
def test_identical_notes_on_a_page_appear_once(which, request):
    built = request.getfixturevalue(which)
    merged = 0
    for n, page in enumerate(built["texts"], 1):
        bodies = re.findall(r"\[(\d+)\]\u3000(.*?)(?=\[\d+\]\u3000|— \d+ —|$)", page, re.DOTALL)
        texts = Counter(squash(body) for _n, body in bodies)
        assert all(c == 1 for c in texts.values()), (n, texts.most_common(1))
        # ... with all their references: every marker on the page has its note on the page.
        given = {number for number, _body in bodies}
        # (The reading guide's "（如[1]）" is an example, not a reference.)
        markers = Counter(re.findall(r"(?<!如)\[(\d+)\](?!\u3000)", page))
        assert set(markers) <= given, (n, set(markers) - given)
        merged += sum(c > 1 for c in markers.values())
    assert merged  # some page does refer to one note from several figures


@pytest.mark.parametrize("which", ["duplex", "single"])
def test_no_page_holds_two_chapters_so_merging_notes_per_chapter_is_per_page(which, request):
    """Notes are merged within a chapter (`ReportBuilder.footnote`); that is per page because a
    chapter always opens a new page (`ChapterBreak`), one-sided too: on each chapter's first
    page, the first line of the type area is the chapter title, and the page before it holds the
    previous chapter's last lines (or nothing).
    """
    built = request.getfixturevalue(which)
    log, preset = built["log"], built["preset"]
    chapters = [(title, page) for level, title, _key, page in log.headings if level == 0]
    assert len(chapters) >= 5
    for title, number in chapters:
        page = built["pages"][number - 1]
        area = preset.type_area(number)
        top, bottom = page["height"] - area.top, page["height"] - area.y
        inside = [c for c in page["chars"] if c["top"] >= top - 1 and c["bottom"] <= bottom + 1]
        first_top = min(c["top"] for c in inside)
        first_line = sorted((c for c in inside if c["top"] < first_top + 4), key=lambda c: c["x0"])
        assert squash("".join(c["text"] for c in first_line)) == squash(title), (number, title)


def test_status_colours_differ_in_grayscale_and_carry_a_shape():
    def luma(hex_color: str) -> float:
        r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    lumas = sorted(luma(c) for c in STATUS_COLOR.values())
    assert all(b - a >= 15 for a, b in itertools.pairwise(lumas)), lumas
    assert len(set(STATUS_SHAPE.values())) == len(STATUS_SHAPE)


# -- page flow ----------------------------------------------------------------------------------


def scaled_dataset(folder: Path, count: int) -> Path:
    """The benchmark's generated dataset: the sample's indicators copied to `count`."""
    spec = importlib.util.spec_from_file_location("scaled", ROOT / "benchmarks" / "scaled.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.write_scaled(folder, count)
    return path


@pytest.fixture(scope="module")
def flows(tmp_path_factory, duplex, single) -> dict[tuple[str, str], dict]:
    """Dataset, PDF, page log and preset of each dataset in each binding: Liujiang, the sparse
    fixture and a generated report of 250 indicators (about 95 pages, where long tables and runs
    of findings meet page feet that Liujiang's few never reach).
    """
    out = {("liujiang", "duplex"): duplex, ("liujiang", "single"): single}
    paths = {"sparse": SPARSE, "scaled-250": scaled_dataset(tmp_path_factory.mktemp("flow"), 250)}
    for name, path in paths.items():
        ds = load_dataset(path)
        findings = verify(ds)
        for binding in ("duplex", "single"):
            data, log = report.build_report(ds, findings, binding=binding)
            out[name, binding] = {
                "ds": ds,
                "findings": findings,
                "data": data,
                "log": log,
                "preset": preset_for(binding),
            }
    return out


FLOWS = [(d, b) for d in ("liujiang", "sparse", "scaled-250") for b in ("duplex", "single")]


@pytest.mark.parametrize(("dataset", "binding"), FLOWS)
def test_no_page_under_a_quarter_full_except_a_chapters_last(dataset, binding, flows):
    built = flows[dataset, binding]
    log = built["log"]
    ends = chapter_ends(log)
    fills = fill(built["data"], built["preset"])
    assert len(fills) == log.page_count
    low = [
        (number, round(f, 2))
        for number, f in enumerate(fills, 1)
        if number != 1 and number not in log.blank_pages and number not in ends and f < 0.25
    ]
    assert not low, (dataset, binding, low)
    if binding == "single":
        assert not log.blank_pages
        assert all(f > 0 for f in fills)


@pytest.mark.parametrize(("dataset", "binding"), FLOWS)
def test_a_heading_shares_its_page_with_what_it_heads(dataset, binding, flows):
    """A 数字一览 heading never stands at a page's foot with its table overleaf (the first rows'
    footnotes count: they go on the same page), nor a group of findings' heading without its
    first finding.
    """
    built = flows[dataset, binding]
    ds, log = built["ds"], built["log"]
    tables = 0
    for area in ds.areas:
        rows = ds.indicators_in(area.id)
        if rows:
            tables += 1
            heading = log.page_of(f"area-{area.id}-table")
            assert heading == log.page_of(f"ind-{rows[0].id}"), (dataset, binding, area.id)
    assert tables
    pdf = pdfium.PdfDocument(built["data"])
    statuses = [s for s in STATUS_ORDER if any(f.status == s for f in built["findings"])]
    for status in statuses:
        group = [f for f in built["findings"] if f.status == status]
        page = log.page_of(f"finding-{group[0].relation_id}")
        text = squash(pdf[page - 1].get_textpage().get_text_range())
        assert f"{status_tag(status)}（{len(group)}处）" in text, (dataset, binding, status)


@pytest.mark.parametrize(("dataset", "binding"), FLOWS)
def test_findings_run_on_rather_than_leave_a_pages_foot_empty(dataset, binding, flows):
    """A finding goes overleaf whole only when its heading and first lines do not fit: each page
    of the findings but the chapter's last is filled to within a heading and a short paragraph
    of its foot (at most five of its 22 lines left), never held back to keep a finding whole.
    """
    built = flows[dataset, binding]
    log = built["log"]
    first = log.page_of("verify-results")
    assert first is not None
    last = min(p for level, _t, _k, p in log.headings if p > first and level == 0) - 1
    fills = fill(built["data"], built["preset"])
    short = [(n, round(fills[n - 1], 2)) for n in range(first, last) if fills[n - 1] < 0.7]
    assert not short, (dataset, binding, short)


def test_one_sided_report_has_no_blank_page_and_numbers_on_the_right(single):
    assert not single["log"].blank_pages
    preset = single["preset"]
    for number, page in enumerate(single["pages"], 1):
        assert page["chars"], number
        if number == 1:
            continue
        area = preset.type_area(number)
        folio = [c for c in page["chars"] if c["top"] > page["height"] - area.y + 5]
        assert folio, number
        assert min(c["x0"] for c in folio) > area.x + area.width / 2, number


def test_duplex_blank_pages_only_before_right_hand_starts(duplex):
    log = duplex["log"]
    assert log.blank_pages, "the cover and the contents each need a blank verso"
    for page in log.blank_pages:
        assert page % 2 == 0
        assert not duplex["pages"][page - 1]["chars"]
        assert page + 1 in (log.page_of("toc"), log.page_of("ch-summary"))


def test_contents_fit_one_page(duplex, single):
    assert duplex["log"].page_of("ch-summary") - duplex["log"].page_of("toc") == 2
    assert single["log"].page_of("ch-summary") - single["log"].page_of("toc") == 1


def test_tables_are_numbered_and_continue_as_such(duplex):
    flat = [squash(t) for t in duplex["texts"]]
    # 图表 (the charts section's heading) followed by a chart's first figure is not a table number.
    numbers = [int(n) for page in flat for n in re.findall(r"(?<![续图])表(\d+)", page)]
    firsts = sorted(set(numbers))
    assert firsts == list(range(1, len(firsts) + 1))
    continued = [int(n) for page in flat for n in re.findall(r"续表(\d+)", page)]
    assert continued, "Liujiang has tables that run over a page"
    for page in flat:
        for m in re.finditer(TABLE_HEAD, page):
            # Every indicator table fragment is headed by its number (表N or 续表N).
            assert re.search(r"表\d+\u3000?[^表]{0,40}$", page[: m.start()]), page[
                m.start() - 40 : m.start()
            ]


def test_tables_keep_three_rows_together(duplex):
    ds, log = duplex["ds"], duplex["log"]
    for area in ds.areas:
        rows = ds.indicators_in(area.id)
        per_page = Counter(log.page_of(f"ind-{i.id}") for i in rows)
        if len(per_page) > 1:
            assert min(per_page.values()) >= 3, (area.id, per_page)


def folio_dash_top_below_type_area(built, number: int) -> float:
    page = built["pages"][number - 1]
    preset = built["preset"]
    area = preset.type_area(number)
    style = folio_style(preset)
    face = fonts.face_for(style.role, style.bold)
    asc, _desc = em_box(face)
    ink_top = glyph_bounds(face, "—")[3]
    dashes = [c for c in page["chars"] if c["text"] == "—" and c["top"] > page["height"] - area.y]
    assert dashes
    # pdfplumber's top is the em box top (the font's ascent); the ink top is below it.
    baseline = page["height"] - dashes[0]["top"] - asc * c_size(dashes[0])
    return area.y - (baseline + ink_top * c_size(dashes[0]))


def c_size(c: dict) -> float:
    return float(c["size"])


def test_folio_dash_sits_7mm_below_the_type_area(duplex):
    for number in (3, 5, 6):
        assert folio_dash_top_below_type_area(duplex, number) == pytest.approx(7 * MM, abs=0.3 * MM)


def test_note_icons_do_not_print(duplex):
    # PDF/A requires the Print flag on notes; their appearance draws nothing, so the page prints
    # the same with or without them.
    finished, _pages = report.render_report(duplex["ds"], duplex["findings"], pdfa=True)
    pdf = pikepdf.open(io.BytesIO(finished))
    notes = 0
    for page in pdf.pages:
        for annot in page.obj.get("/Annots") or []:
            if annot.get("/Subtype") == "/Text":
                notes += 1
                assert int(annot.F) & 4
                assert annot.AP.N.read_bytes().strip() == b""
    assert notes > 10
    doc = pdfium.PdfDocument(finished)
    page_with_notes = duplex["log"].footnote_pages[1] - 1
    with_annots = doc[page_with_notes].render(scale=0.5, draw_annots=True).to_pil()
    without = doc[page_with_notes].render(scale=0.5, draw_annots=False).to_pil()
    assert with_annots.tobytes() == without.tobytes()


# -- sparse data --------------------------------------------------------------------------------


def test_sparse_report_leaves_out_empty_chapters(sparse):
    text = squash("".join(sparse["texts"]))
    assert "术语解释" not in text
    assert "存在的不足和下一步计划" not in text
    titles = [t for level, t, _k, _p in sparse["log"].headings if level == 0]
    assert len(titles) == len(set(titles))
    assert len(sparse["log"].blank_pages) <= 2


def test_a_dataset_without_relations_says_nothing_was_checked():
    built = build(MINIMAL, "single")
    text = squash("".join(built["texts"]))
    assert "没有做任何核对" in text
    assert "不等于没有问题" in text
    assert "没有发现需要留意的问题" not in text
    assert "数字核对" not in text  # no verification chapter without relations


# -- GB/T 9704 ------------------------------------------------------------------------------------


def first_chars(built: dict, text: str, key: str) -> list[dict]:
    """The characters of `text` where it first occurs from the page of `key` on."""
    for page in built["pages"][built["log"].page_of(key) - 1 :]:
        chars = sorted(page["chars"], key=lambda c: (round(c["top"], 1), c["x0"]))
        line = "".join(c["text"] for c in chars)
        at = line.find(text)
        if at >= 0:
            return chars[at : at + len(text)]
    raise AssertionError(f"{text!r} not found")


@pytest.mark.parametrize(
    ("key", "text", "face", "size"),
    [
        (
            "ch-summary",
            "第一章",
            "BriefingSerif-Bold",
            22.0,
        ),  # chapter: 二号, heavy 宋体 for 小标宋
        ("ch-summary", "一、关于本注释版", "BriefingSans-Regular", 16.0),  # 一、 黑体 三号
        ("verify-results", "（一）", "BriefingKai-Regular", 16.0),  # （一） 楷体 三号
        ("verify-results", "1．【", "BriefingSerif-Bold", 16.0),  # 1. bold 三号
        ("ch-summary", "本文件以", "BriefingSerif-Regular", 16.0),  # body 三号
    ],
)
def test_heading_levels_follow_gbt9704(duplex, key, text, face, size):
    for c in first_chars(duplex, text, key)[:2]:
        assert c["fontname"].split("+")[-1] == face, (text, c)
        assert c["size"] == pytest.approx(size), (text, c)


def test_type_area_on_odd_and_even_pages(duplex):
    # 天头 37 mm; 订口 28 mm on the left of odd pages and on the right of even ones (duplex).
    first = duplex["log"].page_of("ch-verify") + 1  # pages of running text
    for number in (first, first + 1):
        page = duplex["pages"][number - 1]
        body = [
            c
            for c in page["chars"]
            if c["size"] == pytest.approx(16.0) and c["text"] not in "（《“‘"
        ]
        top = min(c["top"] for c in body)
        assert top == pytest.approx(37 * MM, abs=0.2 * MM)
        expected = 28 if number % 2 else 210 - 28 - 156
        left = min(c["x0"] for c in body if c["text"] not in "（《“‘")
        assert left == pytest.approx(expected * MM, abs=0.2 * MM), (number, left / MM)


def test_running_text_never_changes_size():
    # Every role the report sets running text and headings in is 三号, on the body grid.
    styles = report.report_styles()
    body = styles["body"]
    for name in ("prose", "item", "finding", "finding_calc", "section", "subsection", "item_head"):
        assert styles[name].size_pt == body.size_pt == 16.0, name
        assert styles[name].leading_pt == body.leading_pt, name
    # Notes and formulas are set in a face whose digits read as printed digits, never 楷体.
    for name in ("footnote", "finding_calc", "header", "chart_note"):
        assert styles[name].role != "kai", name
