"""Tests for briefing.handout: small ReportLab PDFs in, numbered duplex/booklet/gray packs out."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from briefing import fonts, handout
from briefing.documents import names
from briefing.handout import HandoutOptions, assemble, booklet_order

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "data" / "liujiang-2024.yaml"

BLUE, RED, ORANGE = (0.30, 0.45, 0.69), (0.77, 0.31, 0.32), (0.99, 0.75, 0.45)


def document(
    pages: int,
    label: str,
    fills: tuple[tuple[float, float, float], ...] = (BLUE, ORANGE),
    image: bool = False,
) -> bytes:
    """A small A4 document: a label per page, coloured bars, optionally a colour photo."""
    fonts.register_reportlab()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for page in range(pages):
        c.setFont(fonts.SANS, 14)
        c.setFillColorRGB(0.8, 0.1, 0.1)
        c.drawString(80, 500, f"{label}-p{page + 1}")
        for i, colour in enumerate(fills):
            c.setFillColorRGB(*colour)
            c.rect(80 + 110 * i, 200, 100, 200, fill=1, stroke=0)
        c.setStrokeColorCMYK(0.1, 0.9, 0.2, 0.0)
        c.line(80, 180, 400, 180)
        if image:
            picture = Image.new("RGB", (8, 8), (200, 30, 40))
            c.drawImage(ImageReader(picture), 420, 200, 64, 64)
        c.showPage()
    c.save()
    return buf.getvalue()


def texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_copies_are_numbered_and_start_on_fronts() -> None:
    result = assemble(
        [document(3, "report")],
        HandoutOptions(copies=4, marking="内部资料 注意保存", watermark="征求意见稿"),
    )
    assert result.pages_per_copy == 4  # 3 pages and a blank back
    assert result.pages == 16
    assert result.copy_starts == [0, 4, 8, 12]
    pages = texts(result.data)
    for copy, start in enumerate(result.copy_starts, 1):
        first = pages[start]
        assert f"{copy:06d}" in first
        assert "内部资料 注意保存" in first
        assert "report-p1" in first
        # The number is on the first page of its copy only.
        assert not any(f"{n:06d}" in pages[start + i] for n in range(1, 5) for i in (1, 2, 3))
        for i in (0, 1, 2):
            assert all(ch in pages[start + i] for ch in "征求意见稿")
        assert pages[start + 3] == ""  # the blank back: no number, no watermark


def test_each_document_starts_on_a_front() -> None:
    result = assemble(
        [document(1, "brief"), document(3, "report")],
        HandoutOptions(copies=2, documents=("briefing", "report")),
    )
    assert result.pages == 2 * (2 + 4)
    pages = texts(result.data)
    assert "brief-p1" in pages[0]
    assert "000001" in pages[0]
    assert pages[1] == ""
    assert pages[5] == ""
    assert "report-p1" in pages[2]
    assert "000001" not in pages[2]
    assert "brief-p1" in pages[6]
    assert "000002" in pages[6]
    # Odd page counts get a back, even ones do not.
    even = assemble([document(2, "a")], HandoutOptions(copies=3))
    assert even.pages == 6


def test_number_sits_top_left_where_gb_t_9704_puts_it() -> None:
    result = assemble([document(1, "x")], HandoutOptions(copies=1, marking="秘密"))
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        page = pdf.pages[0]
        words = {w["text"]: w for w in page.extract_words()}
    number, marking = words["000001"], words["秘密"]
    mm = 72 / 25.4
    assert abs(number["x0"] - handout.LEFT_MM * mm) < 1
    assert handout.TOP_MM * mm - 2 < number["top"] < handout.TOP_MM * mm + 16
    assert abs(marking["x0"] - number["x0"]) < 1
    assert marking["top"] > number["bottom"]


def test_watermark_is_light_and_on_top() -> None:
    result = assemble([document(1, "x")], HandoutOptions(copies=1, watermark="样稿"))
    pdf = pikepdf.open(io.BytesIO(result.data))
    forms = [
        o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"
    ]
    alphas = [
        float(gs.ca)
        for form in forms
        if "/Resources" in form
        for gs in (form.Resources.get("/ExtGState") or {}).values()
        if "/ca" in gs
    ]
    assert alphas
    assert all(0.1 <= a <= 0.15 for a in alphas)
    # Drawn after the page (on top), so a white box on the page cannot hide it.
    content = pdf.pages[0].Contents.read_bytes().decode()
    assert content.index("/L0 Do") < content.index("/L1 Do")


def test_booklet_order() -> None:
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_order(4) == [(3, 0), (1, 2)]
    assert booklet_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
    # Every page appears once, and folding the stack reads in order.
    for n in range(1, 30):
        sides = booklet_order(n)
        assert len(sides) % 4 == 0 or len(sides) == 2 * (-(-n // 4))
        placed = [i for side in sides for i in side if i is not None]
        assert sorted(placed) == list(range(n))


def test_booklet_imposes_two_up_on_a3() -> None:
    result = assemble(
        [document(1, "brief"), document(3, "rep")],
        HandoutOptions(copies=2, documents=("briefing", "report"), booklet=True),
    )
    # 6 sides per copy, padded to 8: 2 sheets, 4 A3 sides per copy.
    assert result.pages == 8
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        assert all(round(p.width) == 1191 and round(p.height) == 842 for p in pdf.pages)
        half = pdf.pages[0].width / 2

        def sides(page: pdfplumber.page.Page) -> tuple[str, str]:
            left = page.crop((0, 0, half, page.height)).extract_text() or ""
            right = page.crop((half, 0, page.width, page.height)).extract_text() or ""
            return left, right

        got = [sides(p) for p in pdf.pages[:4]]
    assert got[0][0] == ""
    assert "brief-p1" in got[0][1]
    assert "000001" in got[0][1]
    assert got[1] == ("", "")
    assert got[2][0] == ""
    assert "rep-p1" in got[2][1]
    assert "rep-p2" in got[3][0]
    assert "rep-p3" in got[3][1]


def content_operators(pdf: pikepdf.Pdf) -> set[str]:
    found: set[str] = set()
    streams = [page.obj for page in pdf.pages]
    streams += [
        o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"
    ]
    for owner in streams:
        for instruction in pikepdf.parse_content_stream(owner):
            if isinstance(instruction, pikepdf.ContentStreamInstruction):
                found.add(str(instruction.operator))
    return found


def test_gray_rewrites_colour_and_images() -> None:
    result = assemble([document(2, "g", image=True)], HandoutOptions(copies=1, gray=True))
    pdf = pikepdf.open(io.BytesIO(result.data))
    ops = content_operators(pdf)
    assert not ops & {"rg", "RG", "k", "K"}
    assert {"g", "G"} <= ops
    images = [
        o
        for o in pdf.objects
        if isinstance(o, pikepdf.Stream)
        and o.get("/Subtype") == "/Image"
        and "/SMask" not in str(o.get("/Type", ""))
    ]
    assert images
    assert all(o.ColorSpace == "/DeviceGray" for o in images)
    assert result.warnings == []  # blue and light orange stay apart in gray
    rendered = pikepdf.open(io.BytesIO(document(1, "c", image=True)))
    assert {"rg", "K"} <= content_operators(rendered)


def test_gray_warns_when_colours_collapse() -> None:
    result = assemble(
        [document(3, "g", fills=(BLUE, RED))],
        HandoutOptions(copies=1, gray=True, documents=("briefing",)),
    )
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert warning.startswith("briefing pages 1, 2, 3: fills")
    assert "#4c73b0" in warning
    assert "#c44f52" in warning
    assert handout.collapsed_fills([BLUE, ORANGE]) == []


def test_output_is_deterministic() -> None:
    options = HandoutOptions(
        copies=3,
        marking="内部资料",
        watermark="样稿",
        gray=True,
        title="t",
        date="D:20250331000000+08'00'",
    )
    a = assemble([document(2, "d")], options).data
    b = assemble([document(2, "d")], options).data
    assert a == b
    with pikepdf.open(io.BytesIO(a)) as pdf:
        assert pdf.docinfo["/CreationDate"] == "D:20250331000000+08'00'"


def test_size_grows_little_with_copies() -> None:
    one = len(assemble([document(3, "d")], HandoutOptions(copies=1)).data)
    many = len(assemble([document(3, "d")], HandoutOptions(copies=50)).data)
    assert many < one + 50 * 1500  # a source page is stored once, each copy adds stamps only


def test_copies_bounds() -> None:
    with pytest.raises(handout.BriefingError):
        assemble([document(1, "d")], HandoutOptions(copies=0))


def fake_render(dataset: object, document_name: str, *, pdfa: bool = True) -> tuple[bytes, int]:
    pages = 1 if document_name == "briefing" else 3
    return document(pages, document_name), pages


def handout_args(**overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "file": str(DATASET),
        "copies": 2,
        "output": None,
        "what": "briefing",
        "marking": None,
        "watermark": None,
        "gray": False,
        "booklet": False,
    }
    values.update(overrides)
    return argparse.Namespace(**values)


def test_cli_writes_the_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing import build

    monkeypatch.setattr(build, "render_document", fake_render)
    monkeypatch.chdir(tmp_path)
    assert handout.run_handout(handout_args(what="both", watermark="征求意见稿")) == 0
    target = tmp_path / "out" / "liujiang-2024-handout.pdf"
    assert target.exists()
    assert not list(target.parent.glob(".*.tmp"))
    assert "2 copies × 6 pages = 12 pages (6 A4 sheets, duplex)" in capsys.readouterr().out
    with pikepdf.open(target) as pdf:
        assert str(pdf.docinfo["/Title"]).startswith("柳江区2024年度法治政府建设工作报告")
        # The documents' own date (render.output.document_date), not a date of the handout's own.
        assert str(pdf.docinfo["/CreationDate"]) == "D:20250331000000+08'00'"

    assert handout.run_handout(handout_args(copies=0)) == 2
    # Refuses to write through a symlink, and leaves what it points to alone.
    precious = tmp_path / "precious.pdf"
    precious.write_bytes(b"keep")
    link = tmp_path / "link.pdf"
    link.symlink_to(precious)
    assert handout.run_handout(handout_args(output=str(link))) == 1
    assert precious.read_bytes() == b"keep"
    assert "symlink" in capsys.readouterr().err
    # Output names derived from odd dataset names stay inside out/.
    odd = tmp_path / "..evil name.yaml"
    odd.write_bytes(DATASET.read_bytes())
    assert handout.run_handout(handout_args(file=str(odd))) == 0
    assert (tmp_path / "out" / "evil_name-handout.pdf").exists()
    written = sorted(
        {p.name for p in (tmp_path / "out").iterdir()} - {".briefing.lock"}
    )  # the folder's lock file
    assert written == ["evil_name-handout.pdf", "liujiang-2024-handout.pdf"]


def render_with_marking(
    dataset: object, document_name: str, *, pdfa: bool = True
) -> tuple[bytes, int]:
    from briefing.model import Dataset

    assert isinstance(dataset, Dataset)
    return document(1, f"marking={dataset.meta.marking}"), 1


def test_marking_reaches_the_document_and_number_sits_above_the_masthead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing import build

    monkeypatch.setattr(build, "render_document", render_with_marking)
    out = tmp_path / "h.pdf"
    assert handout.run_handout(handout_args(output=str(out), marking="秘密", copies=2)) == 0
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        words = {w["text"]: w for w in page.extract_words()}
    assert "marking=秘密" in text
    assert text.count("秘密") == 1
    left, baseline = handout.number_position("briefing")
    mm = 72 / 25.4
    assert abs(words["000001"]["x0"] - left * mm) < 1
    assert abs(words["000001"]["bottom"] - baseline * mm) < 2
    assert (
        words["000001"]["bottom"] < handout.type_area_mm("briefing")[1] * mm
    )  # above the type area

    assert handout.run_handout(handout_args(output=str(out), watermark="样稿𠀀")) == 1
    assert "FontCoverageError" in capsys.readouterr().err


@pytest.mark.parametrize("what", names())
def test_number_collides_with_nothing_on_the_real_documents(what: str) -> None:
    pack = handout.make_handout(
        DATASET, HandoutOptions(copies=2, documents=(what,), marking="内部资料 注意保存")
    )
    with pdfplumber.open(io.BytesIO(pack.data)) as pdf:
        page = pdf.pages[0]
        chars = [c for c in page.chars if c["text"].strip()]
        text = page.extract_text() or ""
    assert "内部资料 注意保存" in text
    _left, baseline = handout.number_position(what)
    mm = 72 / 25.4
    number = [
        c
        for c in chars
        if c["text"].isdigit()
        and abs(c["bottom"] - baseline * mm) < 5
        and abs(c["size"] - handout.NUMBER_SIZE_PT) < 0.01
    ]
    assert "".join(c["text"] for c in number) == "000001"
    others = [c for c in chars if c not in number]
    box = (
        min(c["x0"] for c in number),
        min(c["top"] for c in number),
        max(c["x1"] for c in number),
        max(c["bottom"] for c in number),
    )
    for c in others:
        apart = (
            c["x0"] >= box[2] or c["x1"] <= box[0] or c["top"] >= box[3] or c["bottom"] <= box[1]
        )
        assert apart, f"the copy number overlaps {c['text']!r} at ({c['x0']:.0f}, {c['top']:.0f})"


def test_gray_warns_about_lines_told_apart_by_colour_only() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for colour, y in ((BLUE, 300), (RED, 320)):
        c.setStrokeColorRGB(*colour)
        c.line(80, y, 400, y + 50)
    c.showPage()
    c.save()
    result = assemble([buf.getvalue()], HandoutOptions(copies=1, gray=True))
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("briefing page 1: lines #4c73b0 and #c44f52")
