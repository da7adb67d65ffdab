"""Check the annotated report PDF itself: structure, cross-references, annotations, metadata and
typesetting.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from briefing.compose import report
from briefing.compose._report_text import PAGE_HEIGHT, type_area
from briefing.compose.annotate import annotate, findings_by_indicator
from briefing.load import load_dataset
from briefing.verify import verify

DATA = Path(__file__).resolve().parent.parent / "data" / "liujiang-2024.yaml"
NO_START = set("，。、；：？！）》”")
MM = 72 / 25.4
HALF_AT_END = set("，。、；：？！．）》」』】”’")
OPENING = set("（《「『【“‘")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built():
    ds = load_dataset(DATA)
    findings = verify(ds)
    # Assertions run on the finished document (PDF/A when the render stage provides it); the log
    # of where things landed comes from the same layout, which finishing does not change.
    data, pages = report.render_report(ds, findings, pdfa=True)
    _raw, log = report.build_report(ds, findings)
    assert pages == log.page_count
    reader = pypdf.PdfReader(io.BytesIO(data))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [list(page.chars) for page in pdf.pages]
        texts = [page.extract_text() or "" for page in pdf.pages]
    return {
        "ds": ds,
        "findings": findings,
        "data": data,
        "log": log,
        "reader": reader,
        "chars": chars,
        "texts": texts,
        "flat": [squash(t) for t in texts],
    }


def outline_entries(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def test_page_count_and_size(built):
    reader = built["reader"]
    assert len(reader.pages) == built["log"].page_count
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - 595.28) < 0.5
        assert abs(h - 841.89) < 0.5


def test_outline_mirrors_headings(built):
    entries = outline_entries(built["reader"])
    headings = built["log"].headings
    # Every heading in the contents is in the outline, in order, at its level, on its page.
    # The outline also lists the sections the contents leave out (概述, 数字一览 of each area).
    listed = {title for _lvl, title, _key, _page in headings}
    in_outline = [e for e in entries if e[1] in listed]
    assert [(lvl, title, page) for lvl, title, _key, page in headings] == in_outline
    for _level, title, page in entries:
        assert squash(title) in built["flat"][page - 1], (
            f"outline entry {title!r} not on page {page}"
        )
    # Duplex: the contents and the body's first chapter open on right-hand pages, and a blank
    # page is only ever the verso before such a start.
    log = built["log"]
    assert log.page_of("toc") % 2 == 1
    assert log.page_of("ch-summary") % 2 == 1
    assert log.blank_pages <= {log.page_of("toc") - 1, log.page_of("ch-summary") - 1}


def test_toc_page_numbers_are_where_the_headings_are(built):
    listed = {title for _lvl, title, _key, _page in built["log"].headings}
    entries = [
        (title, page) for _lvl, title, page in outline_entries(built["reader"]) if title in listed
    ]
    texts = built["texts"]
    first = next(i for i, t in enumerate(texts) if squash(t).startswith("目录"))
    last = entries[0][1] - 1  # the contents end before the first chapter
    listed: list[tuple[str, int]] = []
    for line in "\n".join(texts[first:last]).splitlines():
        m = re.match(r"^(.*?)\s*(\d+)$", line.strip())
        if m and squash(m.group(1)) in {squash(t) for t, _p in entries}:
            listed.append((squash(m.group(1)), int(m.group(2))))
    assert listed == [(squash(t), p) for t, p in entries]
    for title, page in listed:
        assert title in built["flat"][page - 1]


def test_every_printed_figure_is_in_the_text(built):
    ds = built["ds"]
    everything = "".join(built["flat"])
    for ind in ds.indicators:
        page = built["log"].page_of(f"ind-{ind.id}")
        assert page is not None
        assert squash(ind.printed_with_change) in everything
        # and in its table row, in the figure column of the page the row is on
        assert squash(figure_column(built, page)).count(squash(ind.printed_with_change)) >= 1, (
            ind.id
        )


def figure_column(built, page: int) -> str:
    x, _y, _w, _h = type_area(page)
    widths = report.INDICATOR_COLUMNS
    left = x + sum(widths[:2])
    right = left + widths[2]
    rows: dict[float, list] = defaultdict(list)
    for c in built["chars"][page - 1]:
        if left <= c["x0"] and c["x1"] <= right + 0.5:
            rows[round(c["top"] / 3)].append(c)
    return "".join(
        "".join(c["text"] for c in sorted(rows[k], key=lambda c: c["x0"])) for k in sorted(rows)
    )


def verification_pages(built) -> range:
    log = built["log"]
    start = log.page_of("ch-verify")
    end = log.page_of("ch-plans")
    assert start
    assert end
    return range(start, end)


def test_every_finding_is_in_the_verification_chapter(built):
    text = "".join(built["flat"][p - 1] for p in verification_pages(built))
    for f in built["findings"]:
        assert squash(f.message) in text, f.relation_id
        if f.computation:
            assert squash(f.computation) in text, f.relation_id


def test_every_finding_is_footnoted_on_its_figures_page(built):
    ds, log = built["ds"], built["log"]
    for f in built["findings"]:
        for ident in f.ids:
            if not ds.has_indicator(ident):
                continue
            page = log.page_of(f"ind-{ident}")
            assert page is not None
            assert squash(f.message) in built["flat"][page - 1], (f.relation_id, ident, page)


def test_each_footnote_is_printed_in_full_on_its_figures_page(built):
    ds, log = built["ds"], built["log"]
    by_ind = findings_by_indicator(built["findings"])
    annotated = 0
    for area in ds.areas:
        for ind in ds.indicators_in(area.id):
            ann = annotate(ind, by_ind.get(ind.id, ()), max_findings=report.MAX_FINDINGS_IN_NOTE)
            if ann is None:
                continue
            annotated += 1
            page = log.page_of(f"ind-{ind.id}")
            assert page in log.footnote_pages.values(), ind.id
            # Its own clauses in full; a finding in full here or in an earlier note on the page.
            for part in ann.parts:
                assert squash(part.text) in built["flat"][page - 1], (ind.id, part.text)
    # Identical notes are given once and referred to again: fewer notes than annotated figures.
    assert 0 < len(log.footnote_pages) < annotated


def test_glossary_terms_are_defined_and_linked(built):
    ds, log, reader = built["ds"], built["log"], built["reader"]
    start, end = log.page_of("ch-glossary"), log.page_of("ch-dictionary")
    text = "".join(built["flat"][p - 1] for p in range(start, end))
    for entry in ds.glossary:
        assert squash(entry.term) in text
        assert squash(entry.definition.rstrip("。")) in text
    used = [k for k in log.pages if k.startswith("glossuse-")]
    assert used
    # every first use links to a page of the glossary chapter
    pages = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(reader.pages)}
    targets = set()
    for key in used:
        page = reader.pages[log.pages[key] - 1]
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a["/Subtype"] == "/Link":
                targets.add(pages[a["/Dest"][0].idnum])
    assert any(start <= t < end for t in targets)


def test_annotated_figures_carry_pdf_notes(built):
    ds, reader, log = built["ds"], built["reader"], built["log"]
    by_ind = findings_by_indicator(built["findings"])
    notes_per_page: dict[int, list[str]] = defaultdict(list)
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a["/Subtype"] == "/Text":
                notes_per_page[i + 1].append(str(a["/Contents"]))
    count = 0
    for ind in ds.indicators:
        ann = annotate(ind, by_ind.get(ind.id, ()), max_findings=report.MAX_FINDINGS_IN_NOTE)
        if ann is None:
            continue
        count += 1
        page = log.page_of(f"ind-{ind.id}")
        assert ann.text in notes_per_page[page], ind.id
    assert count > 0
    assert sum(len(v) for v in notes_per_page.values()) == count


def test_links_point_to_pages_of_this_document(built):
    reader = built["reader"]
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    links = 0
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a["/Subtype"] != "/Link":
                continue
            links += 1
            dest = a["/Dest"]
            assert dest[0].idnum in pages
            target = reader.pages[pages[dest[0].idnum]]
            top = float(dest[3])
            assert 0 <= top <= float(target.mediabox.height)
    assert links > 100


def test_metadata(built):
    reader = built["reader"]
    meta = reader.metadata
    ds = built["ds"]
    assert meta.title
    assert ds.meta.title in meta.title
    assert meta.author == "、".join(ds.meta.issuers)
    assert meta.subject
    assert meta["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_no_helvetica(built):
    assert b"Helvetica" not in built["data"]


def test_blank_pages_are_blank(built):
    for page in built["log"].blank_pages:
        assert not built["chars"][page - 1], page


def zones(page: int) -> tuple[float, float, float, float]:
    """(left, right, top, bottom) of where text may go, in pdfplumber's top-down coordinates."""
    x, y, w, h = type_area(page)
    top = PAGE_HEIGHT - (y + h)
    return x, x + w, top - 14 * MM, PAGE_HEIGHT - y + 16 * MM


def test_no_text_outside_the_type_area(built):
    for n, chars in enumerate(built["chars"], 1):
        left, right, top, bottom = zones(n)
        for c in chars:
            # A full-width mark at a line end is set half width: its ink is in the half that stays.
            # An opening mark at a line start may be set half width the same way, ink on the right.
            x1 = c["x0"] + c["size"] / 2 if c["text"] in HALF_AT_END else c["x1"]
            x0 = c["x1"] - c["size"] / 2 if c["text"] in OPENING else c["x0"]
            assert left - 0.5 <= x0, (n, c["text"], c["x0"], c["x1"])
            assert x1 <= right + 0.5, (n, c["text"], c["x0"], c["x1"])
            assert top <= c["top"], (n, c["text"], c["top"])
            assert c["bottom"] <= bottom, (n, c["text"], c["top"])


def test_no_overlapping_text(built):
    for n, chars in enumerate(built["chars"], 1):
        grid: dict[tuple[int, int], list] = defaultdict(list)
        for c in chars:
            if not c["text"].strip():
                continue
            for gx in range(int(c["x0"] // 20), int(c["x1"] // 20) + 1):
                for gy in range(int(c["top"] // 20), int(c["bottom"] // 20) + 1):
                    grid[gx, gy].append(c)
        for cell in grid.values():
            for i, a in enumerate(cell):
                for b in cell[i + 1 :]:
                    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    if w <= 0 or h <= 0:
                        continue
                    # A compressed mark's empty half (GB/T 15834) lies under its neighbour: boxes,
                    # not ink, overlap. Real collisions (a note over a table) overlap by whole
                    # glyphs.
                    left, right = (a, b) if a["x0"] <= b["x0"] else (b, a)
                    if left["text"] in HALF_AT_END and right["text"] in OPENING:
                        # Ink in the left half, then ink in the right half: 。（ share an em.
                        allowed = 1.0
                    elif {a["text"], b["text"]} & (HALF_AT_END | OPENING):
                        allowed = 0.5
                    else:
                        allowed = 0.0
                    if w <= max(a["size"], b["size"]) * allowed + 0.5:
                        continue
                    smaller = min(
                        (a["x1"] - a["x0"]) * (a["bottom"] - a["top"]),
                        (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]),
                    )
                    assert w * h <= 0.15 * smaller, (n, a["text"], b["text"], a["x0"], a["top"])


def test_no_line_starts_with_closing_punctuation(built):
    for n, chars in enumerate(built["chars"], 1):
        rows: dict[float, list] = defaultdict(list)
        for c in chars:
            if c["text"].strip():
                rows[round(c["bottom"] * 2) / 2].append(c)
        for row in rows.values():
            row.sort(key=lambda c: c["x0"])
            previous = None
            for c in row:
                starts = previous is None or c["x0"] - previous["x1"] > c["size"]
                if starts:
                    assert c["text"] not in NO_START, (
                        n,
                        c["text"],
                        "".join(x["text"] for x in row)[:40],
                    )
                previous = c


def test_rebuild_is_byte_identical(built):
    again, pages = report.render_report(built["ds"], built["findings"], pdfa=True)
    assert again == built["data"]
    assert pages == built["log"].page_count


def test_plain_pdf_without_pdfa(built):
    data, pages = report.render_report(built["ds"], built["findings"], pdfa=False)
    assert data.startswith(b"%PDF")
    assert pages == built["log"].page_count


def test_markup_in_data_prints_literally_and_empty_parts_are_said():
    ds = load_dataset(Path(__file__).parent / "fixtures" / "report-edge.yaml")
    data, pages = report.render_report(ds, verify(ds), pdfa=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == pages
        text = squash("".join(page.extract_text() or "" for page in pdf.pages))
    assert "<b>尖括号</b>" in text
    assert "&amp;" in text
    assert '<imgsrc="x.png"/>' in text
    assert "数据文件没有登记报告所列的不足" in text
    # Empty chapters are left out: no glossary, no shortcomings and plans chapter.
    assert "术语解释" not in text
    assert "存在的不足和下一步计划" not in text
    assert "。。" not in text


def test_a_split_table_continues_on_the_next_page(built):
    # The header repeats at the top of a continued table, never twice on one page.
    for n, flat in enumerate(built["flat"], 1):
        assert flat.count("数字（原文）统计期") <= 1, n


def test_shortened_footnotes_point_to_a_note_on_the_same_page(built):
    pages = built["log"].footnote_pages
    seen = 0
    for n, flat in enumerate(built["flat"], 1):
        for ref in re.findall(r"见注\[(\d+)\]", flat):
            seen += 1
            assert pages[int(ref)] == n, (n, ref)
    assert seen


def test_indicator_tables_start_under_their_heading(built):
    # A table starts under its heading, or at the top of the next page when fewer than three of
    # its rows (with their footnotes) would fit below it.
    ds, log = built["ds"], built["log"]
    for area in (a for a in ds.areas if ds.indicators_in(a.id)):
        first = ds.indicators_in(area.id)[0]
        heading, table = log.page_of(f"area-{area.id}-table"), log.page_of(f"ind-{first.id}")
        assert heading is not None, area.id
        assert table in (heading, heading + 1), area.id


def test_charts_sit_in_their_chapters(built):
    ds, log = built["ds"], built["log"]
    chapters = [f"ch-area-{a.id}" for a in ds.areas] + ["ch-verify"]
    starts = {key: log.page_of(key) for key in ["ch-summary", *chapters]}
    for chart in ds.charts:
        page = log.page_of(f"fig-{chart.id}")
        assert page is not None, chart.id
        assert squash(chart.title) in built["flat"][page - 1] + built["flat"][page], chart.id
        if chart.area:
            first = starts[f"ch-area-{chart.area}"]
            later = [p for p in starts.values() if p > first]
            assert first <= page < min(later), chart.id
        else:
            assert starts["ch-summary"] <= page < starts[f"ch-area-{ds.areas[0].id}"], chart.id


def test_provenance_names_the_engines_that_made_it(built):
    from briefing.engines import engine_versions

    flat = "".join(built["flat"])
    versions = engine_versions()
    assert "排版引擎" in flat
    for name in ("ReportLab", "pikepdf", "matplotlib", "fontTools", "Python"):
        assert squash(f"{name} {versions[name]}") in flat, name
