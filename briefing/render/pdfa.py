"""Turn the PDF bytes ReportLab writes into archival PDF/A-2b bytes (or plain PDF bytes with honest
metadata).

ReportLab's open-source edition writes no output intent and no XMP metadata, leaves annotations
without print flags or appearances, and fills the Info dictionary with "(anonymous)". `make_pdfa`
post-processes its output with pikepdf:

- an sRGB output intent (/GTS_PDFA1) carrying the ICC profile shipped beside this module;
- an XMP packet declaring PDF/A-2b (pdfaid:part 2, conformance B) whose Dublin Core, xmp: and
  pdf: properties say exactly what the Info dictionary says (PDF/A requires the two to agree);
- /Lang on the catalogue;
- annotations marked printable (and, for notes, NoZoom/NoRotate), with an appearance stream drawn
  for every note that has none; appearance dictionaries cut to their /N entry;
- fonts: an unembedded font that no text is shown in (ReportLab's Helvetica default leaks in
  through table styles and chart defaults) is pointed at an embedded font of the same resources,
  which changes nothing on the page; an unembedded font that text *is* shown in is an error;
- anything PDF/A forbids and this module cannot repair safely (encryption, JavaScript, launch or
  file actions, embedded files, forms asking for appearances) is an `OutputError`, never ignored.

Output is deterministic: dates come from the caller, the file identifier is a hash of the content
(`deterministic_id`), and the save options are fixed. `finish` is called by the one output step
(`render.output`), which hands it plain metadata; this module knows no dataset.

sRGB.icc is LittleCMS's built-in sRGB profile (description "sRGB built-in", copyright "No
copyright, use freely"), written once with Pillow 13 (`ImageCms.createProfile("sRGB")`) and its
header date fixed to 2024-01-01 so that the file, and every PDF embedding it, is reproducible.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib.resources import files
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Stream, String

from .. import __version__
from ..errors import OutputError
from ..i18n import N_, _

PRODUCER = f"briefing {__version__} (ReportLab, pikepdf)"
CREATOR = f"briefing {__version__}"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"

# Annotation flags (PDF 32000-1, table 165).
INVISIBLE, HIDDEN, PRINT, NO_ZOOM, NO_ROTATE, NO_VIEW, TOGGLE_NO_VIEW = 1, 2, 4, 8, 16, 32, 256

ALLOWED_ACTIONS = {"/GoTo", "/URI", "/Named", "/Thread"}
# Allowed by PDF/A-2 but pointing outside the file, which an archived copy cannot follow.
EXTERNAL_ACTIONS = {"/GoToR", "/GoToE", "/SubmitForm"}
ALLOWED_NAMED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
LANG_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
# Characters XML 1.0 cannot carry even escaped; a title holding one cannot go into XMP.
XML_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """The shipped sRGB ICC profile."""
    try:
        return files("briefing.render").joinpath("sRGB.icc").read_bytes()
    except OSError as exc:
        raise OutputError(
            _(
                "the sRGB colour profile is missing from the installation ({reason}); reinstall "
                "briefing"
            ).format(reason=exc)
        ) from None


# ---------------------------------------------------------------------------------------------
# Dates and strings


def pdf_date(when: dt.datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' — the PDF date format, with the offset always written."""
    when = _aware(when)
    offset = when.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"D:{when:%Y%m%d%H%M%S}{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def xmp_date(when: dt.datetime) -> str:
    """The same instant as `pdf_date`, written as XMP (ISO 8601) wants it."""
    when = _aware(when)
    offset = when.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{when:%Y-%m-%dT%H:%M:%S}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _aware(when: dt.datetime) -> dt.datetime:
    # A naive time has no place in an archive; read it as UTC rather than as this machine's zone.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _clean(value: str, what: str) -> str:
    if XML_FORBIDDEN_RE.search(value):
        raise OutputError(
            _(
                "the document {what} contains a control character; PDF/A metadata cannot hold it"
            ).format(what=_(what))
        )
    return value


# ---------------------------------------------------------------------------------------------
# XMP


def xmp_packet(
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    lang: str,
    created: dt.datetime,
    producer: str,
    creator: str,
) -> bytes:
    """An XMP packet declaring PDF/A-2b, saying what the Info dictionary says."""

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'

    when = xmp_date(created)
    props = [
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt(title)}</dc:title>",
    ]
    if author:
        props.append(
            f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if subject:
        props.append(f"<dc:description>{alt(subject)}</dc:description>")
    props += [
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>",
        f"<xmp:CreateDate>{when}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
        f"<xmp:CreatorTool>{escape(creator)}</xmp:CreatorTool>",
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>",
    ]
    if keywords:
        props.append(f"<pdf:Keywords>{escape(keywords)}</pdf:Keywords>")
    body = "\n    ".join(props)
    # No `bytes` or `encoding` attribute in the xpacket header: PDF/A-2 forbids both.
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
   <rdf:Description rdf:about=""
     xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:xmp="http://ns.adobe.com/xap/1.0/"
     xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
    {body}
   </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Walking the document


def _resources_of(obj: Any) -> Any:
    """A page's or form's /Resources, following inheritance from the page tree for pages."""
    node = obj
    for _level in range(64):  # the page tree is shallow; a loop here would be a broken file
        if node is None:
            return None
        res = node.get("/Resources")
        if res is not None:
            return res
        node = node.get("/Parent")
    return None


def _key(obj: Any) -> tuple[int, int] | None:
    """An object's identity across accesses; None for a direct object, which pikepdf cannot name."""
    return obj.objgen if obj.is_indirect else None


def _font_embedded(font: Any) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # glyphs are content streams inside the font
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts")
        if not descendants:
            return False
        font = descendants[0]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _font_name(font: Any) -> str:
    return str(font.get("/BaseFont", "/unnamed")).lstrip("/")


class _FontUse:
    """Which fonts text is shown in, found by reading every content stream once."""

    def __init__(self) -> None:
        self.shown: set[tuple[int, int] | None] = set()
        self.resources: list[Any] = []
        self._seen_streams: set[tuple[int, int] | None] = set()
        self._seen_resources: set[tuple[int, int]] = set()

    def visit(self, owner: Any, resources: Any) -> None:
        """Read `owner`'s content (a page or a form XObject) with `resources` in force."""
        key = _key(owner)
        if key is not None and key in self._seen_streams:
            return
        self._seen_streams.add(key)
        self.note_resources(resources)
        fonts = resources.get("/Font") if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        current: Any = None
        stack: list[Any] = []
        try:
            instructions = pikepdf.parse_content_stream(owner, "q Q Tf Tj TJ ' \" Do")
        except pikepdf.PdfError as exc:
            raise OutputError(
                _("cannot read a content stream of the PDF: {reason}").format(reason=exc)
            ) from None
        for instruction in instructions:
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue  # an inline image: no text, no fonts
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(current)
            elif op == "Q":
                current = stack.pop() if stack else current
            elif op == "Tf" and operands and fonts is not None:
                current = fonts.get(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"') and current is not None:
                self.shown.add(_key(current))
            elif op == "Do" and operands and xobjects is not None:
                xobject = xobjects.get(str(operands[0]))
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    self.visit(xobject, xobject.get("/Resources", resources))

    def note_resources(self, resources: Any) -> None:
        if resources is None:
            return
        key = _key(resources)
        if key is not None:
            if key in self._seen_resources:
                return
            self._seen_resources.add(key)
        self.resources.append(resources)
        # Forms a page lists but never paints still carry fonts that must be embedded or replaced.
        for xobject in (resources.get("/XObject") or {}).values():
            if isinstance(xobject, Stream) and xobject.get("/Subtype") == "/Form":
                self.note_resources(xobject.get("/Resources"))
        for font in (resources.get("/Font") or {}).values():
            if font.get("/Subtype") == "/Type3":
                self.note_resources(font.get("/Resources"))


def _appearance_streams(annot: Any) -> Iterator[Any]:
    ap = annot.get("/AP")
    if ap is None:
        return
    for key in ("/N", "/R", "/D"):
        entry = ap.get(key)
        if isinstance(entry, Stream):
            yield entry
        elif isinstance(entry, Dictionary):
            yield from (v for v in entry.values() if isinstance(v, Stream))


def _all_embedded(pdf: Pdf) -> bool:
    """Whether every font any page, form or annotation appearance lists is embedded.

    The usual case: then no content stream needs reading (most of the finisher's time on a long
    report) to learn which fonts text is shown in.
    """
    scan = _FontUse()
    for page in pdf.pages:
        scan.note_resources(_resources_of(page.obj))
        for annot in page.obj.get("/Annots") or []:
            for stream in _appearance_streams(annot):
                scan.note_resources(stream.get("/Resources"))
    return all(
        _font_embedded(font)
        for resources in scan.resources
        for font in (resources.get("/Font") or {}).values()
    )


def _fix_fonts(pdf: Pdf) -> None:
    if _all_embedded(pdf):
        return
    use = _FontUse()
    for page in pdf.pages:
        use.visit(page.obj, _resources_of(page.obj))
        for annot in page.obj.get("/Annots") or []:
            for stream in _appearance_streams(annot):
                use.visit(stream, stream.get("/Resources"))
    problems = []
    for resources in use.resources:
        fonts = resources.get("/Font")
        if fonts is None:
            continue
        substitute = next(
            (f for f in fonts.values() if _font_embedded(f) and f.get("/Subtype") != "/Type3"), None
        )
        for name in list(fonts.keys()):
            font = fonts[name]
            if _font_embedded(font):
                continue
            # A direct font object cannot be matched to its uses; assume text is drawn in it.
            if not font.is_indirect or _key(font) in use.shown:
                problems.append(
                    _("text is drawn in {font}, which is not embedded").format(
                        font=_font_name(font)
                    )
                )
            elif substitute is not None:
                # Only selected, never drawn with (ReportLab's default font leaking through a
                # style): pointing the name at an embedded font leaves every page exactly as it was.
                fonts[name] = substitute
            else:
                del fonts[name]
    if problems:
        raise OutputError(
            _(
                "cannot make PDF/A: {problems}. PDF/A needs every font embedded: use the "
                "registered faces (briefing.fonts), including initialFontName, table styles and "
                "chart defaults"
            ).format(problems="; ".join(sorted(set(problems))))
        )


# ---------------------------------------------------------------------------------------------
# Annotations and actions


def _check_action(action: Any, where: str) -> None:
    for _hop in range(64):  # /Next chains; a cycle would be a broken file
        if not isinstance(action, Dictionary):
            return
        kind = str(action.get("/S", ""))
        if kind in EXTERNAL_ACTIONS:
            raise OutputError(
                _(
                    "cannot make PDF/A: {where} refers to another file, which an archive cannot "
                    "keep"
                ).format(where=where)
            )
        if kind not in ALLOWED_ACTIONS:
            raise OutputError(
                _("cannot make PDF/A: {where} has a {action} action, which PDF/A forbids").format(
                    where=where, action=kind.lstrip("/") or _("typeless")
                )
            )
        if kind == "/Named" and str(action.get("/N", "")) not in ALLOWED_NAMED:
            raise OutputError(
                _("cannot make PDF/A: {where} has a named action PDF/A forbids").format(where=where)
            )
        if kind == "/URI" and str(action.get("/URI", "")).lower().startswith("file:"):
            raise OutputError(
                _("cannot make PDF/A: {where} links to a local file").format(where=where)
            )
        action = action.get("/Next")


def _note_icon(pdf: Pdf, width: float, height: float) -> Stream:
    """An appearance that draws nothing, so an on-screen note never prints.

    PDF/A-2 (ISO 19005-2, 6.3.2) requires every note to carry the Print flag, and forbids the
    optional-content switch (the /AS key, 6.9) that could hide it from print only. So the note
    keeps its Print flag and an appearance, and the appearance is empty: on paper there is nothing,
    on screen the viewer opens the note's text when the reader points at its rectangle (which the
    documents lay over the figure it explains) and lists it among the document's comments.
    """
    w, h = max(width, 1.0), max(height, 1.0)
    stream = Stream(pdf, b"")
    stream.Type = Name.XObject
    stream.Subtype = Name.Form
    stream.BBox = Array([0, 0, w, h])
    stream.Resources = Dictionary()
    return pdf.make_indirect(stream)


def _quiet_notes(pdf: Pdf) -> None:
    """Give notes without an appearance the empty one, so a plain PDF shows them as a PDF/A does:
    no icon over the text on screen, nothing on paper.
    """
    for page in pdf.pages:
        for annot in page.obj.get("/Annots") or []:
            if str(annot.get("/Subtype", "")) == "/Text" and annot.get("/AP") is None:
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                annot.AP = Dictionary(N=_note_icon(pdf, abs(x2 - x1), abs(y2 - y1)))


def _fix_annotations(pdf: Pdf) -> None:
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots") or []:
            subtype = str(annot.get("/Subtype", ""))
            where = _("a {subtype} annotation on page {number}").format(
                subtype=subtype.lstrip("/"), number=number
            )
            if subtype in ("/3D", "/Sound", "/Screen", "/Movie", "/FileAttachment"):
                raise OutputError(
                    _("cannot make PDF/A: {where} is of a kind PDF/A-2 forbids").format(where=where)
                )
            if "/AA" in annot:
                raise OutputError(
                    _("cannot make PDF/A: {where} has additional actions").format(where=where)
                )
            _check_action(annot.get("/A"), where)
            if subtype == "/Popup":
                continue
            flags = int(annot.get("/F", 0))
            flags = (flags | PRINT) & ~(INVISIBLE | HIDDEN | NO_VIEW | TOGGLE_NO_VIEW)
            if subtype == "/Text":
                flags |= NO_ZOOM | NO_ROTATE
            annot.F = flags
            if "/CA" in annot and float(annot.CA) != 1.0:
                annot.CA = 1.0  # fixed opacity keeps an annotation's print identical everywhere
            ap = annot.get("/AP")
            if ap is not None:
                normal = ap.get("/N")
                if normal is None:
                    del annot["/AP"]
                    ap = None
                elif len(ap.keys()) > 1:
                    annot.AP = Dictionary(N=normal)  # PDF/A-2 allows only the normal appearance
            if annot.get("/AP") is None and subtype != "/Link":
                x1, y1, x2, y2 = (float(v) for v in annot.Rect)
                if x1 == x2 and y1 == y2:
                    continue  # a zero-size annotation needs no appearance
                if subtype != "/Text":
                    raise OutputError(
                        _(
                            "cannot make PDF/A: {where} has no appearance and none can be drawn "
                            "for it"
                        ).format(where=where)
                    )
                annot.AP = Dictionary(N=_note_icon(pdf, abs(x2 - x1), abs(y2 - y1)))


def _check_catalog(pdf: Pdf) -> None:
    root = pdf.Root
    if "/AA" in root:
        raise OutputError(_("cannot make PDF/A: the document has additional actions (/AA)"))
    _check_action(root.get("/OpenAction"), _("the open action"))
    names = root.get("/Names")
    if names is not None:
        for key, what in (
            ("/JavaScript", "JavaScript"),
            ("/EmbeddedFiles", N_("embedded files")),
            ("/AlternatePresentations", N_("alternate presentations")),
        ):
            if key in names:
                raise OutputError(
                    _("cannot make PDF/A: the document contains {what}").format(what=_(what))
                )
    form = root.get("/AcroForm")
    if form is not None and ("/XFA" in form or bool(form.get("/NeedAppearances", False))):
        raise OutputError(
            _("cannot make PDF/A: the form is XFA or asks the viewer to draw its appearances")
        )
    for key in ("/NeedsRendering", "/Requirements"):
        if key in root:
            del root[key]
    for page in pdf.pages:
        for key in ("/AA", "/PresSteps"):
            if key in page.obj:
                raise OutputError(
                    _("cannot make PDF/A: a page has {key}").format(key=key.lstrip("/"))
                )


def _output_intent(pdf: Pdf) -> None:
    profile = Stream(pdf, srgb_profile())
    profile.N = 3
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(OUTPUT_CONDITION),
        Info=String(OUTPUT_CONDITION),
        RegistryName=String("http://www.color.org"),
        DestOutputProfile=pdf.make_indirect(profile),
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


# ---------------------------------------------------------------------------------------------
# The two entry points


def _keywords(keywords: str | Sequence[str]) -> str:
    return keywords if isinstance(keywords, str) else ", ".join(k for k in keywords if k)


def finish(
    pdf_bytes: bytes,
    *,
    archival: bool,
    title: str,
    author: str,
    subject: str,
    keywords: str | Sequence[str],
    lang: str,
    created: dt.datetime,
) -> bytes:
    """Rebuild the Info dictionary from the arguments; with `archival`, make the file PDF/A-2b."""
    if not LANG_RE.match(lang):
        raise OutputError(_("{lang} is not a language tag such as zh-CN").format(lang=repr(lang)))
    words = _keywords(keywords)
    for value, what in (
        (title, N_("title")),
        (author, N_("author")),
        (subject, N_("subject")),
        (words, N_("keywords")),
    ):
        _clean(value, what)
    try:
        pdf = Pdf.open(BytesIO(pdf_bytes))
    except pikepdf.PasswordError:
        raise OutputError(_("cannot make PDF/A: the PDF is encrypted")) from None
    except pikepdf.PdfError as exc:
        raise OutputError(
            _("the renderer produced an unreadable PDF: {reason}").format(reason=exc)
        ) from None
    with pdf:
        if pdf.is_encrypted:
            raise OutputError(_("cannot make PDF/A: the PDF is encrypted"))
        # The Info dictionary is rebuilt, not patched, so nothing stale (ReportLab's "(anonymous)",
        # /Trapped) survives to disagree with the XMP.
        info = Dictionary(
            Title=String(title),
            Creator=String(CREATOR),
            Producer=String(PRODUCER),
            CreationDate=String(pdf_date(created)),
            ModDate=String(pdf_date(created)),
        )
        if author:
            info.Author = String(author)
        if subject:
            info.Subject = String(subject)
        if words:
            info.Keywords = String(words)
        pdf.trailer.Info = pdf.make_indirect(info)
        pdf.Root.Lang = String(lang)
        if archival:
            _check_catalog(pdf)
            _fix_annotations(pdf)
            _fix_fonts(pdf)
            _output_intent(pdf)
            metadata = Stream(
                pdf,
                xmp_packet(
                    title=title,
                    author=author,
                    subject=subject,
                    keywords=words,
                    lang=lang,
                    created=created,
                    producer=PRODUCER,
                    creator=CREATOR,
                ),
            )
            metadata.Type = Name.Metadata
            metadata.Subtype = Name.XML
            pdf.Root.Metadata = pdf.make_indirect(metadata)
        else:
            _quiet_notes(pdf)
            if "/Metadata" in pdf.Root:
                del pdf.Root["/Metadata"]  # stale XMP would contradict the new Info
        out = BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
            linearize=False,
        )
    return out.getvalue()


def make_pdfa(
    pdf: bytes,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str | Sequence[str],
    lang: str = "zh-CN",
    created: dt.datetime,
) -> bytes:
    """PDF/A-2b bytes from ReportLab's bytes; the same input always gives the same output."""
    return finish(
        pdf,
        archival=True,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        lang=lang,
        created=created,
    )
