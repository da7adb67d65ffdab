"""Tests of the specimen: it builds, reproducibly, with the hard cases intact and the rules kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import pdf_fonts, pdf_text
from pypdf import PdfReader

from briefing.render.chars import NO_END, NO_START, classify
from briefing.render.specimen import specimen_pdf


@pytest.fixture(scope="module")
def specimen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("specimen") / "specimen.pdf"
    path.write_bytes(specimen_pdf())
    return path


def _text(path: Path) -> str:
    return pdf_text(path)


def test_builds_a_few_pages(specimen: Path) -> None:
    reader = PdfReader(str(specimen))
    assert 3 <= len(reader.pages) <= 8


def test_is_byte_identical_when_rebuilt(specimen: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    again.write_bytes(specimen_pdf())
    assert again.read_bytes() == specimen.read_bytes()


def test_metadata_language_and_fonts(specimen: Path) -> None:
    reader = PdfReader(str(specimen))
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    assert reader.metadata is not None
    assert reader.metadata.title == "briefing 排版样张"
    assert reader.metadata.author == "briefing"
    fonts = pdf_fonts(specimen)
    assert fonts
    assert all(f.embedded and f.subset and f.to_unicode for f in fonts), fonts
    assert not any("Helvetica" in f.name for f in fonts)


def test_hard_cases_extract_exactly(specimen: Path) -> None:
    flat = "".join(_text(specimen).split())
    for case in (
        "快多了。”（见附件2），",
        "两次？！”——问题",
        "方向……",
        "《〈中华人民共和国行政复议法〉修订说明》",
        "2024年1-11月",
        "PDF/A-2b",
        "ReportLab5.1",  # the space is a break opportunity; whitespace is squashed here
        "12,345,678.90元",
        "6.8‰",
        "（即“谁主管、谁负责”）",
        "https://www.example.gov.cn/zwgk/fzzfjs/2024/xzfy/shenqingbiao/index.html",
        "100%1，",  # the footnote marker follows its figure
    ):
        assert case in flat, case


def test_no_line_breaks_a_rule(specimen: Path) -> None:
    folio = re.compile(r"^— \d+ —$")
    lines = [ln.strip() for ln in _text(specimen).splitlines() if ln.strip()]
    assert len(lines) > 60
    for ln in lines:
        if folio.match(ln):
            continue
        assert classify(ln[0]) not in NO_START, ln
        assert classify(ln[-1]) not in NO_END, ln


def test_links_and_notes_are_live(specimen: Path) -> None:
    reader = PdfReader(str(specimen))
    kinds: list[str] = []
    internal: list[tuple[int, list]] = []
    uris: list[str] = []
    for pno, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            obj = annot.get_object()
            kinds.append(str(obj["/Subtype"]))
            if "/Dest" in obj:
                internal.append((pno, obj["/Dest"]))
            elif "/A" in obj:
                uris.append(str(obj["/A"]["/URI"]))
    assert kinds.count("/Text") == 1
    assert uris == ["https://www.example.gov.cn/fzzf"]
    # Both footnote markers jump to their notes: a page and a height on it (XYZ).
    assert len(internal) == 2
    for pno, dest in internal:
        target = dest[0].get_object()
        assert target == reader.pages[pno].get_object()
        assert dest[1] == "/XYZ"
        assert 0 < float(dest[3]) < 842


def test_shows_the_briefings_roles_at_the_tables_sizes(specimen: Path) -> None:
    import pdfplumber

    from briefing.compose.briefing import STYLES

    with pdfplumber.open(specimen) as pdf:
        pages = [p for p in pdf.pages if "一页纸简报样式" in (p.extract_text() or "")]
        assert len(pages) == 1
        chars = pages[0].chars
    for text, role in (("1240件", "figure"), ("工作成效", "h1"), ("立案与结果（件）", "caption")):
        joined = "".join(c["text"] for c in chars)
        at = joined.index(text)
        sizes = {round(c["size"], 2) for c in chars[at : at + len(text)]}
        assert sizes == {round(STYLES[role].size_pt, 2)}, (text, sizes)
