"""ReportLab PDF bytes through make_pdfa → PDF/A-2b bytes the checker passes; broken PDFs → the
checker names each violation.

Also: the output is deterministic, still renders with poppler and extracts the same text, and
make_pdfa refuses (OutputError) what it cannot repair.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from conftest import page_pixels, pdf_text, render_pages
from pdfa_check import check_pdfa2b
from reportlab.pdfgen import canvas

from briefing import fonts
from briefing.errors import OutputError
from briefing.load import load_dataset
from briefing.render.output import CHINA_TIME, PdfMeta, document_date, finish
from briefing.render.pdfa import (
    make_pdfa,
    pdf_date,
    srgb_profile,
    xmp_date,
)

ROOT = Path(__file__).resolve().parent.parent
CREATED = dt.datetime(2025, 3, 31, tzinfo=CHINA_TIME)
META = {
    "title": "柳江区2024年度法治政府建设工作报告（简报）",
    "author": "柳州市柳江区人民政府",
    "subject": "法治政府建设年度报告 <b>&amp; 的一页简报",
    "keywords": ["柳江区", "2024年", "法治政府建设"],
    "created": CREATED,
}
TEXT = "柳江区2024年度法治政府建设 <b>粗体</b> &amp; <img src=x>"


def reportlab_pdf(
    draw: Callable[[canvas.Canvas], None] | None = None, *, notes: bool = True, pages: int = 1
) -> bytes:
    fonts.register_reportlab()
    serif = fonts.face_for("serif")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, initialFontName=serif)
    for n in range(pages):
        c.setFont(serif, 14)
        c.drawString(72, 760, TEXT)
        c.drawString(72, 740, f"第{n + 1}页")
        c.setFillColorRGB(0.2, 0.4, 0.6)
        c.rect(72, 600, 200, 100, fill=1)
        if notes:
            c.textAnnotation(
                "这个数字由报告第一（二）部分推算得出。", Rect=(300, 700, 318, 718), relative=0
            )
            c.linkURL("https://www.liujiang.gov.cn/", (72, 730, 300, 756), relative=0)
        if draw:
            draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def plain() -> bytes:
    return reportlab_pdf()


@pytest.fixture(scope="module")
def archival(plain: bytes) -> bytes:
    return make_pdfa(plain, **META)  # type: ignore[arg-type]


def extracted_text(data: bytes, tmp_path: Path, name: str) -> str:
    return pdf_text(data)


def edit(data: bytes, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            fix_metadata_version=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=False,
        )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# make_pdfa


def test_reportlab_output_fails_and_make_pdfa_output_passes(plain: bytes, archival: bytes) -> None:
    before = check_pdfa2b(plain)
    assert any(v.startswith("6.2.3") for v in before)
    assert any(v.startswith("6.6.2.1") for v in before)
    assert any("no /F flags" in v for v in before)
    assert any("no appearance stream" in v for v in before)
    assert check_pdfa2b(archival) == []


def test_metadata_says_what_it_was_given(archival: bytes) -> None:
    with pikepdf.open(io.BytesIO(archival)) as pdf:
        info = pdf.trailer.Info
        assert str(info.Title) == META["title"]
        assert str(info.Author) == META["author"]
        assert str(info.Subject) == META["subject"]
        assert str(info.Keywords) == "柳江区, 2024年, 法治政府建设"
        assert str(info.CreationDate) == "D:20250331000000+08'00'" == str(info.ModDate)
        assert "/Trapped" not in info
        assert str(pdf.Root.Lang) == "zh-CN"
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfaid:part>2</pdfaid:part>" in xmp
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
        assert "&lt;b&gt;&amp;amp;" in xmp  # markup in a subject is escaped, not interpreted
        assert "2025-03-31T00:00:00+08:00" in xmp
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        assert intent.DestOutputProfile.read_bytes() == srgb_profile()
        assert len(pdf.trailer.ID) == 2
        note, link = pdf.pages[0].Annots
        assert int(note.F) == 4 | 8 | 16
        assert "/N" in note.AP
        assert int(link.F) == 4


def test_output_is_deterministic(plain: bytes, archival: bytes) -> None:
    assert make_pdfa(plain, **META) == archival  # type: ignore[arg-type]
    later = dict(META, created=CREATED + dt.timedelta(days=1))
    assert make_pdfa(plain, **later) != archival  # type: ignore[arg-type]


def test_making_pdfa_twice_stays_valid(archival: bytes) -> None:
    again = make_pdfa(archival, **META)  # type: ignore[arg-type]
    assert check_pdfa2b(again) == []
    with pikepdf.open(io.BytesIO(again)) as pdf:
        assert len(pdf.Root.OutputIntents) == 1


def test_srgb_profile_is_a_fixed_valid_file() -> None:
    from PIL import ImageCms

    data = srgb_profile()
    profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
    assert profile.xcolor_space == "RGB "
    assert profile.device_class == "mntr"
    assert data[24:36] == bytes.fromhex("07e8 0001 0001 0000 0000 0000")  # fixed creation date


def test_text_and_rendering_survive(plain: bytes, archival: bytes, tmp_path: Path) -> None:
    before, after = (
        extracted_text(plain, tmp_path, "plain"),
        extracted_text(archival, tmp_path, "archival"),
    )
    assert after == before
    assert TEXT in after  # markup drawn as literal text
    render_pages(archival, tmp_path, "page", dpi=40)
    assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_many_pages(tmp_path: Path) -> None:
    data = make_pdfa(reportlab_pdf(pages=12), **META)  # type: ignore[arg-type]
    assert check_pdfa2b(data) == []
    assert "第12页" in extracted_text(data, tmp_path, "many")


def test_the_typography_specimen_becomes_pdfa(tmp_path: Path) -> None:
    from briefing.render.specimen import specimen_pdf

    path = tmp_path / "specimen.pdf"
    path.write_bytes(specimen_pdf())
    out = make_pdfa(path.read_bytes(), **META)  # type: ignore[arg-type]
    assert check_pdfa2b(out) == []
    assert extracted_text(out, tmp_path, "after") == extracted_text(
        path.read_bytes(), tmp_path, "before"
    )


def _meta(title: str, subject: str) -> PdfMeta:
    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    return PdfMeta(title, "、".join(dataset.meta.issuers), subject, ("柳江区",), dataset.meta.date)


def test_plain_finish_keeps_metadata_without_claiming_pdfa(plain: bytes) -> None:
    out = finish(plain, _meta("简报", "一页简报"), archival=False)
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert str(pdf.trailer.Info.Author) == "柳州市柳江区人民政府"
        assert "/Metadata" not in pdf.Root
        assert "/OutputIntents" not in pdf.Root
    assert any(v.startswith("6.6.2.1") for v in check_pdfa2b(out))


def test_finish_takes_metadata_and_the_document_date(
    plain: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    out = finish(plain, _meta(dataset.meta.title, "年度报告"), archival=True)
    assert check_pdfa2b(out) == []
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert str(pdf.trailer.Info.Author) == "、".join(dataset.meta.issuers)
        assert str(pdf.trailer.Info.CreationDate) == "D:20250331000000+08'00'"


def test_source_date_epoch_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert document_date(dataset.meta.date) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH"):
        document_date(dataset.meta.date)


@pytest.mark.parametrize(
    ("when", "pdf", "xmp"),
    [
        (
            dt.datetime(2025, 3, 31, 9, 5, 7, tzinfo=CHINA_TIME),
            "D:20250331090507+08'00'",
            "2025-03-31T09:05:07+08:00",
        ),
        # A naive time is read as UTC.
        (dt.datetime(2025, 1, 1), "D:20250101000000+00'00'", "2025-01-01T00:00:00+00:00"),  # noqa: DTZ001
        (
            dt.datetime(2025, 1, 1, tzinfo=dt.timezone(-dt.timedelta(hours=3, minutes=30))),
            "D:20250101000000-03'30'",
            "2025-01-01T00:00:00-03:30",
        ),
    ],
)
def test_date_formats(when: dt.datetime, pdf: str, xmp: str) -> None:
    assert pdf_date(when) == pdf
    assert xmp_date(when) == xmp


def test_an_unused_unembedded_font_is_replaced_without_changing_the_page(tmp_path: Path) -> None:
    def select_helvetica(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 10)  # selected, never drawn with: ReportLab's default leaking in
        c.setFont(fonts.face_for("serif"), 10)
        c.drawString(72, 500, "正文")

    raw = reportlab_pdf(select_helvetica, notes=False)
    assert any("Helvetica" in v for v in check_pdfa2b(raw))
    out = make_pdfa(raw, **META)  # type: ignore[arg-type]
    assert check_pdfa2b(out) == []
    assert page_pixels(raw) == page_pixels(out)


def test_text_drawn_in_an_unembedded_font_is_refused() -> None:
    def helvetica_text(c: canvas.Canvas) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(72, 500, "Page 1")

    with pytest.raises(OutputError, match="Helvetica, which is not embedded"):
        make_pdfa(reportlab_pdf(helvetica_text), **META)  # type: ignore[arg-type]


def test_unembedded_font_inside_a_form_is_refused() -> None:
    def form(c: canvas.Canvas) -> None:
        c.beginForm("stamp")
        c.setFont("Courier", 9)
        c.drawString(0, 0, "DRAFT")
        c.endForm()
        c.doForm("stamp")

    with pytest.raises(OutputError, match="Courier"):
        make_pdfa(reportlab_pdf(form), **META)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda pdf: setattr(
                pdf.Root,
                "OpenAction",
                pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"),
            ),
            "JavaScript action",
        ),
        (
            lambda pdf: pdf.attachments.__setitem__(
                "data.yaml", pikepdf.AttachedFileSpec(pdf, b"x: 1")
            ),
            "embedded files",
        ),
        (lambda pdf: setattr(pdf.pages[0].Annots[1].A, "S", pikepdf.Name.Launch), "Launch action"),
        (lambda pdf: setattr(pdf.pages[0].Annots[1].A, "URI", "file:///etc/passwd"), "local file"),
        (lambda pdf: setattr(pdf.pages[0].Annots[1].A, "S", pikepdf.Name.GoToR), "another file"),
        (lambda pdf: setattr(pdf.Root, "AA", pikepdf.Dictionary()), "additional actions"),
    ],
    ids=["javascript", "embedded-file", "launch", "file-uri", "gotor", "catalog-aa"],
)
def test_make_pdfa_refuses_what_it_cannot_repair(
    plain: bytes, change: Callable[[pikepdf.Pdf], None], message: str
) -> None:
    with pytest.raises(OutputError, match=message):
        make_pdfa(edit(plain, change), **META)  # type: ignore[arg-type]


def test_encrypted_input_is_refused(plain: bytes) -> None:
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
    with pytest.raises(OutputError, match="encrypted"):
        make_pdfa(out.getvalue(), **META)  # type: ignore[arg-type]


def test_metadata_with_control_characters_is_refused(plain: bytes) -> None:
    with pytest.raises(OutputError, match="control character"):
        make_pdfa(plain, **dict(META, title="标题\x07"))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The checker, on deliberately broken files


def _set_info(key: str, value: object) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.trailer.Info[key] = value

    return change


def _replace_xmp(old: bytes, new: bytes) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        data = pdf.Root.Metadata.read_bytes()
        assert old in data
        pdf.Root.Metadata.write(data.replace(old, new))

    return change


def _note(change: Callable[[pikepdf.Dictionary], None]) -> Callable[[pikepdf.Pdf], None]:
    return lambda pdf: change(pdf.pages[0].Annots[0])


def _add_unembedded_font_to_note_appearance(pdf: pikepdf.Pdf) -> None:
    note = pdf.pages[0].Annots[0]
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    stream = pikepdf.Stream(pdf, b"BT /H 8 Tf (N) Tj ET")
    stream.Type, stream.Subtype, stream.BBox = (
        pikepdf.Name.XObject,
        pikepdf.Name.Form,
        [0, 0, 18, 18],
    )
    stream.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(H=helvetica))
    note.AP = pikepdf.Dictionary(N=pdf.make_indirect(stream))


def _append_content(ops: bytes) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, ops))

    return change


def _lzw_stream(pdf: pikepdf.Pdf) -> None:
    stream = pikepdf.Stream(pdf, b"")
    stream.write(
        b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", filter=pikepdf.Name.LZWDecode
    )  # "-----A---B"
    pdf.Root.Extra = pdf.make_indirect(stream)


def _add_xobject(pdf: pikepdf.Pdf, xobject: pikepdf.Stream) -> None:
    pdf.pages[0].Resources.XObject = pikepdf.Dictionary(X0=pdf.make_indirect(xobject))


def _gstate(**entries: object) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].Resources.ExtGState = pikepdf.Dictionary(
            G0=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, **entries)
        )

    return change


BROKEN: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "no-output-intent": (
        lambda pdf: delattr(pdf.Root, "OutputIntents"),
        "6.2.3: no PDF/A output intent",
    ),
    "icc-wrong-n": (
        lambda pdf: setattr(pdf.Root.OutputIntents[0].DestOutputProfile, "N", 4),
        "/N is 4",
    ),
    "icc-garbage": (
        lambda pdf: pdf.Root.OutputIntents[0].DestOutputProfile.write(b"not a profile" * 20),
        "not an ICC profile",
    ),
    "no-metadata": (lambda pdf: delattr(pdf.Root, "Metadata"), "no /Metadata stream"),
    "xmp-part-1": (_replace_xmp(b"<pdfaid:part>2<", b"<pdfaid:part>1<"), "pdfaid:part is '1'"),
    "xmp-no-conformance": (
        _replace_xmp(b"<pdfaid:conformance>B</pdfaid:conformance>", b""),
        "pdfaid:conformance",
    ),
    "xmp-bytes-attribute": (
        _replace_xmp(
            b'id="W5M0MpCehiHzreSzNTczkc9d"', b'id="W5M0MpCehiHzreSzNTczkc9d" bytes="2000"'
        ),
        "bytes or encoding attribute",
    ),
    "xmp-malformed": (_replace_xmp(b"</rdf:RDF>", b"</rdf:RDFX>"), "not well-formed"),
    "title-differs": (_set_info("/Title", "另一个标题"), "/Title is '另一个标题'"),
    "author-missing": (lambda pdf: delattr(pdf.trailer.Info, "Author"), "/Author and dc:creator"),
    "subject-differs": (_set_info("/Subject", "x"), "dc:description"),
    "keywords-differ": (_set_info("/Keywords", "x"), "pdf:Keywords"),
    "producer-differs": (_set_info("/Producer", "ReportLab"), "pdf:Producer"),
    "creation-date-differs": (_set_info("/CreationDate", "D:20250331000000Z"), "not the same time"),
    "mod-date-differs": (_set_info("/ModDate", "D:20260101000000+08'00'"), "xmp:ModifyDate"),
    "trapped-only-in-info": (_set_info("/Trapped", pikepdf.Name.False_), "pdf:Trapped"),
    "no-lang": (lambda pdf: delattr(pdf.Root, "Lang"), "6.7.4"),
    "bad-lang": (lambda pdf: setattr(pdf.Root, "Lang", "中文"), "not a language tag"),
    "javascript": (
        lambda pdf: setattr(
            pdf.Root, "OpenAction", pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="x")
        ),
        "JavaScript action",
    ),
    "javascript-names": (
        lambda pdf: setattr(pdf.Root, "Names", pikepdf.Dictionary(JavaScript=pikepdf.Dictionary())),
        "JavaScript name tree",
    ),
    "launch": (
        lambda pdf: setattr(pdf.pages[0].Annots[1].A, "S", pikepdf.Name.Launch),
        "Launch action",
    ),
    "file-uri": (
        lambda pdf: setattr(pdf.pages[0].Annots[1].A, "URI", "file:///etc/passwd"),
        "local file",
    ),
    "gotor": (
        lambda pdf: setattr(pdf.pages[0].Annots[1].A, "S", pikepdf.Name.GoToR),
        "external reference",
    ),
    "named-print": (
        lambda pdf: (
            pdf.pages[0]
            .Annots[1]
            .__setitem__("/A", pikepdf.Dictionary(S=pikepdf.Name.Named, N=pikepdf.Name.Print))
        ),
        "named action",
    ),
    "embedded-file": (
        lambda pdf: pdf.attachments.__setitem__("a.txt", pikepdf.AttachedFileSpec(pdf, b"x")),
        "EmbeddedFiles",
    ),
    "note-no-flags": (_note(lambda a: delattr(a, "F")), "no /F flags"),
    "note-hidden": (_note(lambda a: setattr(a, "F", 4 | 8 | 16 | 2)), "Hidden"),
    "note-not-printed": (_note(lambda a: setattr(a, "F", 8 | 16)), "Print must be set"),
    "note-zooms": (_note(lambda a: setattr(a, "F", 4)), "NoZoom and NoRotate"),
    "note-no-appearance": (_note(lambda a: delattr(a, "AP")), "no appearance stream"),
    "note-rollover-appearance": (
        _note(lambda a: setattr(a, "AP", pikepdf.Dictionary(N=a.AP.N, R=a.AP.N))),
        "only /N",
    ),
    "link-no-flags": (
        lambda pdf: delattr(pdf.pages[0].Annots[1], "F"),
        "annotation 2 (Link) on page 1 has no /F",
    ),
    "sound-annotation": (_note(lambda a: setattr(a, "Subtype", pikepdf.Name.Sound)), "6.3.1"),
    "font-in-appearance": (_add_unembedded_font_to_note_appearance, "Helvetica"),
    "lzw": (_lzw_stream, "LZWDecode"),
    "external-stream": (
        lambda pdf: setattr(
            pdf.Root, "Extra", pikepdf.Stream(pdf, b"", F=pikepdf.String("data.bin"))
        ),
        "external content",
    ),
    "cmyk-paint": (_append_content(b"0 0 0 1 k 10 10 50 50 re f"), "DeviceCMYK"),
    "blend-mode": (_gstate(BM=pikepdf.Name("/Dodgy")), "blend mode /Dodgy"),
    "transfer-function": (_gstate(TR=pikepdf.Name.Identity), "/TR"),
    "q-nesting": (_append_content(b"q " * 30 + b"Q " * 30), "28 levels"),
    "interpolate": (
        lambda pdf: _add_xobject(
            pdf,
            pikepdf.Stream(
                pdf,
                b"\x00\x00\x00",
                Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Image,
                Width=1,
                Height=1,
                BitsPerComponent=8,
                ColorSpace=pikepdf.Name.DeviceRGB,
                Interpolate=True,
            ),
        ),
        "/Interpolate",
    ),
    "reference-xobject": (
        lambda pdf: _add_xobject(
            pdf,
            pikepdf.Stream(
                pdf,
                b"",
                Type=pikepdf.Name.XObject,
                Subtype=pikepdf.Name.Form,
                BBox=[0, 0, 1, 1],
                Ref=pikepdf.Dictionary(),
            ),
        ),
        "/Ref",
    ),
    "outline-javascript": (
        lambda pdf: setattr(
            pdf.Root,
            "Outlines",
            pikepdf.Dictionary(
                First=pikepdf.Dictionary(
                    Title="x", A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="x")
                )
            ),
        ),
        "JavaScript action",
    ),
    "needs-rendering": (lambda pdf: setattr(pdf.Root, "NeedsRendering", True), "NeedsRendering"),
    "need-appearances": (
        lambda pdf: setattr(
            pdf.Root, "AcroForm", pikepdf.Dictionary(Fields=[], NeedAppearances=True)
        ),
        "NeedAppearances",
    ),
    "page-aa": (
        lambda pdf: setattr(pdf.pages[0].obj, "AA", pikepdf.Dictionary()),
        "page 1 has /AA",
    ),
    "tiny-page": (lambda pdf: setattr(pdf.pages[0].obj, "MediaBox", [0, 0, 2, 2]), "3–14400"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_checker_names_each_violation(archival: bytes, name: str) -> None:
    change, message = BROKEN[name]
    broken = edit(archival, change)
    violations = check_pdfa2b(broken)
    assert any(message in v for v in violations), violations


def _patch(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new)
    assert data.count(old) >= 1
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (lambda d: _patch(d, b"%PDF-1.", b"%PDF-2."), "header"),
        (lambda d: _patch(d, d[9:14], b"%abcd"), "four bytes above 127"),
        (lambda d: d + b"trailing junk\n", "follows the last %%EOF"),
        (lambda d: _patch(d, b"/ID [", b"/XX ["), "file identifier"),
    ],
    ids=["version-2", "no-binary-comment", "after-eof", "no-id"],
)
def test_checker_reads_the_bytes(
    archival: bytes, corrupt: Callable[[bytes], bytes], message: str
) -> None:
    assert any(message in v for v in check_pdfa2b(corrupt(archival)))


def test_checker_spots_encryption(archival: bytes) -> None:
    with pikepdf.open(io.BytesIO(archival)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
    assert any("Encrypt" in v for v in check_pdfa2b(out.getvalue()))


def test_checker_spots_text_drawn_as_notdef(archival: bytes) -> None:
    def draw_unmapped_code(pdf: pikepdf.Pdf) -> None:
        name = next(iter(pdf.pages[0].Resources.Font.keys()))
        pdf.pages[0].contents_add(
            pikepdf.Stream(pdf, f"BT {name} 12 Tf 72 72 Td <ff> Tj ET".encode())
        )

    violations = check_pdfa2b(edit(archival, draw_unmapped_code))
    assert any(v.startswith("6.2.11.8") and "[255]" in v for v in violations), violations


def test_checker_on_a_missing_page_font_resource(archival: bytes) -> None:
    broken = edit(archival, _append_content(b"BT /Nope 12 Tf (x) Tj ET"))
    assert any("/Nope" in v and "6.2.2" in v for v in check_pdfa2b(broken))


def test_checker_accepts_paths(archival: bytes, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(archival)
    assert check_pdfa2b(path) == []
    assert check_pdfa2b(str(path)) == []


def test_every_message_names_its_clause(plain: bytes) -> None:
    for violation in check_pdfa2b(plain):
        assert re.match(r"6\.[0-9.]+(/6\.[0-9.]+)?: ", violation), violation
