"""Check a PDF (path or bytes) against the PDF/A-2b requirements our documents can break → a list of
violations.

No veraPDF here (it is Java and not in our registries), so this is our own checker, written
independently of briefing.render.pdfa so that it can catch that module's mistakes. Each message
starts with the clause of ISO 19005-2 it enforces. What it checks, and what it cannot, is listed in
docs/pdfa.md; `check_pdfa2b([]) == []` means "none of those violations", not "valid PDF/A".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont
from PIL import ImageCms

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

STANDARD_FILTERS = {
    "/ASCIIHexDecode",
    "/ASCII85Decode",
    "/FlateDecode",
    "/RunLengthDecode",
    "/CCITTFaxDecode",
    "/JBIG2Decode",
    "/DCTDecode",
    "/JPXDecode",
    "/Crypt",
}
BLEND_MODES = {
    "/Normal",
    "/Compatible",
    "/Multiply",
    "/Screen",
    "/Overlay",
    "/Darken",
    "/Lighten",
    "/ColorDodge",
    "/ColorBurn",
    "/HardLight",
    "/SoftLight",
    "/Difference",
    "/Exclusion",
    "/Hue",
    "/Saturation",
    "/Color",
    "/Luminosity",
}
ANNOTATION_TYPES = {
    "/Text",
    "/Link",
    "/FreeText",
    "/Line",
    "/Square",
    "/Circle",
    "/Polygon",
    "/PolyLine",
    "/Highlight",
    "/Underline",
    "/Squiggly",
    "/StrikeOut",
    "/Stamp",
    "/Caret",
    "/Ink",
    "/Popup",
    "/FileAttachment",
    "/Widget",
    "/PrinterMark",
    "/TrapNet",
    "/Watermark",
    "/Redact",
}
FORBIDDEN_ACTIONS = {
    "/Launch",
    "/Sound",
    "/Movie",
    "/ResetForm",
    "/ImportData",
    "/Hide",
    "/SetOCGState",
    "/Rendition",
    "/Trans",
    "/GoTo3DView",
    "/JavaScript",
    "/SetState",
    "/NOP",
}
EXTERNAL_ACTIONS = {"/GoToR", "/GoToE", "/SubmitForm"}
NAMED_ACTIONS = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
LANG_RE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def check_pdfa2b(source: str | Path | bytes) -> list[str]:
    """Every PDF/A-2b violation this checker can detect in `source`; an empty list when it finds
    none.
    """
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    found: list[str] = []
    found += _check_bytes(data)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return [*found, "6.1.3: the file is encrypted (and cannot be opened without a password)"]
    except pikepdf.PdfError as exc:
        return [*found, f"6.1: the file cannot be parsed: {exc}"]
    with pdf:
        found += _check_trailer(pdf)
        intent_space = None
        try:
            intent_space, intent_problems = _check_output_intents(pdf)
            found += intent_problems
            found += _check_metadata(pdf)
            found += _check_catalog(pdf)
            found += _check_objects(pdf)
            found += _check_pages(pdf, intent_space)
        except (pikepdf.PdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
            found.append(f"6.1: the file's structure is broken where the checker looked: {exc!r}")
    return list(dict.fromkeys(found))  # one line per distinct violation, in the order found


# ---------------------------------------------------------------------------------------------
# File structure (6.1)


def _check_bytes(data: bytes) -> list[str]:
    found = []
    header = re.match(rb"%PDF-1\.([0-7])(\r\n|\r|\n)", data)
    if not header:
        found.append(
            "6.1.2: the header must be %PDF-1.0 to %PDF-1.7 at byte 0 followed by an end "
            f"of line, found {data[:10]!r}"
        )
    else:
        rest = data[header.end() :]
        comment = re.match(rb"%([^\r\n]*)", rest)
        if not comment or sum(b > 127 for b in comment.group(1)[:4]) < 4:
            found.append(
                "6.1.2: the header must be followed by a comment of at least four bytes above 127"
            )
    eof = data.rfind(b"%%EOF")
    if eof < 0:
        found.append("6.1.3: no %%EOF marker")
    elif data[eof + 5 :] not in (b"", b"\n", b"\r\n", b"\r"):
        found.append("6.1.3: data follows the last %%EOF")
    return found


def _check_trailer(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        found.append("6.1.3: the trailer has /Encrypt: PDF/A forbids encryption")
    ident = pdf.trailer.get("/ID")
    if (
        not isinstance(ident, pikepdf.Array)
        or len(ident) != 2
        or not all(len(bytes(i)) for i in ident)
    ):
        found.append("6.1.3: the trailer has no file identifier (/ID with two strings)")
    return found


# ---------------------------------------------------------------------------------------------
# Output intent and ICC profile (6.2.3)


def _check_icc(data: bytes, n: Any) -> tuple[str | None, list[str]]:
    found = []
    if len(data) < 132 or data[36:40] != b"acsp":
        return None, [
            "6.2.3: the output intent's ICC profile is not an ICC profile (no 'acsp' signature)"
        ]
    size = struct.unpack(">I", data[:4])[0]
    if size != len(data):
        found.append(f"6.2.3: the ICC profile says it is {size} bytes but holds {len(data)}")
    device_class, space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1")
    major = data[8]
    if device_class not in ("mntr", "prtr"):
        found.append(
            f"6.2.3: the output profile's device class is {device_class!r}; it must be "
            "'mntr' or 'prtr'"
        )
    channels = {"RGB ": 3, "GRAY": 1, "CMYK": 4}.get(space)
    if channels is None:
        found.append(
            f"6.2.3: the output profile's colour space is {space!r}; it must be RGB, GRAY or CMYK"
        )
    elif n is None or int(n) != channels:
        found.append(f"6.2.3: the ICC stream's /N is {n} but the profile has {channels} channels")
    if major >= 5:
        found.append(f"6.2.3: ICC profile version {major} is newer than PDF/A-2 allows (< 5)")
    try:
        ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError) as exc:
        found.append(f"6.2.3: the ICC profile cannot be parsed: {exc}")
    return space, found


def _check_output_intents(pdf: pikepdf.Pdf) -> tuple[str | None, list[str]]:
    intents = pdf.Root.get("/OutputIntents")
    pdfa = [i for i in (intents or []) if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        return None, ["6.2.3: no PDF/A output intent (/OutputIntents with /S /GTS_PDFA1)"]
    found: list[str] = []
    profiles = {i.DestOutputProfile.objgen for i in intents if "/DestOutputProfile" in i}
    if len(profiles) > 1:
        found.append("6.2.3: output intents point at different destination profiles")
    space = None
    for intent in pdfa:
        if "/DestOutputProfileRef" in intent:
            found.append("6.2.3: an output intent uses /DestOutputProfileRef")
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            found.append(
                "6.2.3: the PDF/A output intent has no embedded ICC profile (/DestOutputProfile)"
            )
            continue
        space, problems = _check_icc(profile.read_bytes(), profile.get("/N"))
        found += problems
    return space, found


# ---------------------------------------------------------------------------------------------
# Metadata (6.6) and its agreement with the Info dictionary


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _pdf_instant(value: str) -> dt.datetime | None:
    m = re.fullmatch(
        r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?", value.strip()
    )
    if not m:
        return None
    parts = [int(p) if p else d for p, d in zip(m.groups()[:6], (0, 1, 1, 0, 0, 0), strict=True)]
    zone = m[7]
    if zone is None or zone == "Z":
        tz = dt.UTC
    else:
        digits = zone.replace("'", "")
        sign = -1 if digits[0] == "-" else 1
        tz = dt.timezone(sign * dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5])))
    return dt.datetime(*parts, tzinfo=tz)  # type: ignore[misc]


def _xmp_instant(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _one(root: ET.Element, path: str) -> str | None:
    node = root.find(path, NS)
    return None if node is None else (node.text or "")


def _alt_default(root: ET.Element, prop: str) -> str | None:
    items = root.findall(f".//{prop}/rdf:Alt/rdf:li", NS)
    for li in items:
        if li.get(XML_LANG) == "x-default":
            return li.text or ""
    return (items[0].text or "") if items else None


def _xmp_value(root: ET.Element, prop: str) -> str | None:
    """A simple property written as an element or as an attribute of rdf:Description."""
    value = _one(root, f".//{prop}")
    if value is not None:
        return value
    prefix, local = prop.split(":")
    for desc in root.iter(f"{{{NS['rdf']}}}Description"):
        attr = desc.get(f"{{{NS[prefix]}}}{local}")
        if attr is not None:
            return attr
    return None


def _check_metadata(pdf: pikepdf.Pdf) -> list[str]:
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return ["6.6.2.1: the catalog has no /Metadata stream"]
    found = []
    if stream.get("/Type") != "/Metadata" or stream.get("/Subtype") != "/XML":
        found.append("6.6.2.1: the metadata stream is not /Type /Metadata /Subtype /XML")
    raw = stream.read_bytes()
    head = re.search(rb"<\?xpacket begin=[^?]*\?>", raw)
    if head is None:
        found.append("6.6.2.1: the XMP packet has no <?xpacket begin=…?> header")
    elif b"bytes=" in head.group() or b"encoding=" in head.group():
        found.append("6.6.2.1: the xpacket header uses the bytes or encoding attribute")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        return [*found, f"6.6.2.1: the XMP packet is not well-formed XML: {exc}"]
    part, conformance = _xmp_value(root, "pdfaid:part"), _xmp_value(root, "pdfaid:conformance")
    if part != "2":
        found.append(f"6.6.4: pdfaid:part is {part!r}, not 2")
    if conformance not in ("A", "B", "U"):
        found.append(f"6.6.4: pdfaid:conformance is {conformance!r}, not B (or A/U)")
    found += _check_equivalence(pdf, root)
    return found


def _check_equivalence(pdf: pikepdf.Pdf, root: ET.Element) -> list[str]:
    info = pdf.trailer.get("/Info") or pikepdf.Dictionary()
    creators = [li.text or "" for li in root.findall(".//dc:creator/rdf:Seq/rdf:li", NS)]
    pairs = [
        ("Title", "dc:title", _alt_default(root, "dc:title")),
        ("Author", "dc:creator", "; ".join(creators) if creators else None),
        ("Subject", "dc:description", _alt_default(root, "dc:description")),
        ("Keywords", "pdf:Keywords", _xmp_value(root, "pdf:Keywords")),
        ("Producer", "pdf:Producer", _xmp_value(root, "pdf:Producer")),
        ("Creator", "xmp:CreatorTool", _xmp_value(root, "xmp:CreatorTool")),
        ("Trapped", "pdf:Trapped", _xmp_value(root, "pdf:Trapped")),
    ]
    found = []
    for key, prop, xmp in pairs:
        value = _text(info.get(f"/{key}"))
        if key == "Trapped" and value is not None:
            value = value.lstrip("/")
        if value is None and xmp is None:
            continue
        if value is None or xmp is None:
            side = "XMP" if value is None else "the Info dictionary"
            found.append(f"6.1.5: /{key} and {prop} must agree, but only {side} has it")
        elif value != xmp:
            found.append(f"6.1.5: /{key} is {value!r} but {prop} is {xmp!r}")
        if key == "Author" and len(creators) > 1:
            found.append("6.1.5: dc:creator must hold exactly one entry, the Author")
    for key, prop in (("CreationDate", "xmp:CreateDate"), ("ModDate", "xmp:ModifyDate")):
        value, xmp = _text(info.get(f"/{key}")), _xmp_value(root, prop)
        if value is None and xmp is None:
            continue
        if value is None or xmp is None:
            found.append(f"6.1.5: /{key} and {prop} must agree, but only one is present")
            continue
        a, b = _pdf_instant(value), _xmp_instant(xmp)
        if a is None or b is None:
            found.append(f"6.1.5: cannot read the dates {value!r} / {xmp!r}")
        elif a != b or a.utcoffset() != b.utcoffset():
            found.append(f"6.1.5: /{key} {value!r} and {prop} {xmp!r} are not the same time")
    return found


# ---------------------------------------------------------------------------------------------
# Catalog, actions, annotations (6.4, 6.5, 6.3, 6.7.4, 6.8, 6.10, 6.11)


def _check_catalog(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root
    found = []
    lang = root.get("/Lang")
    if lang is None:
        found.append("6.7.4: the catalog has no /Lang (our documents must say zh-CN)")
    elif str(lang) and not LANG_RE.match(str(lang)):
        found.append(f"6.7.4: /Lang {str(lang)!r} is not a language tag")
    if "/AA" in root:
        found.append("6.5.2: the catalog has an additional-actions dictionary (/AA)")
    names = root.get("/Names") or pikepdf.Dictionary()
    if "/JavaScript" in names:
        found.append("6.5.1: the document has a JavaScript name tree")
    if "/EmbeddedFiles" in names:
        found.append("6.8: the document has embedded files (/EmbeddedFiles); ours must have none")
    if "/AlternatePresentations" in names:
        found.append("6.10: the name dictionary has /AlternatePresentations")
    form = root.get("/AcroForm")
    if form is not None:
        if "/XFA" in form:
            found.append("6.4.2: the form has /XFA")
        if bool(form.get("/NeedAppearances", False)):
            found.append("6.4.1: the form sets /NeedAppearances true")
    for key, clause in (("/NeedsRendering", "6.4.2"), ("/Requirements", "6.11")):
        if key in root:
            found.append(f"{clause}: the catalog has {key}")
    return found


def _check_action(action: Any, where: str) -> list[str]:
    found = []
    for _ in range(64):
        if not isinstance(action, pikepdf.Dictionary):
            break
        kind = str(action.get("/S", ""))
        if kind in FORBIDDEN_ACTIONS:
            found.append(f"6.5.1: {where} has a {kind.lstrip('/')} action")
        elif kind in EXTERNAL_ACTIONS:
            found.append(
                f"6.5.1/6.1.7: {where} has a {kind.lstrip('/')} action, an external reference"
            )
        elif kind == "/Named" and str(action.get("/N", "")) not in NAMED_ACTIONS:
            found.append(f"6.5.1: {where} has the named action {action.get('/N')}")
        elif kind == "/URI" and str(action.get("/URI", "")).lower().startswith("file:"):
            found.append(f"6.5.1: {where} links to a local file ({action.get('/URI')})")
        action = action.get("/Next")
    return found


def _check_annotation(annot: Any, where: str) -> list[str]:
    found = []
    subtype = str(annot.get("/Subtype", ""))
    if subtype not in ANNOTATION_TYPES or subtype == "/FileAttachment":
        found.append(
            f"6.3.1: {where} is of type {subtype or 'none'}, which PDF/A-2 (for us) forbids"
        )
    if "/AA" in annot:
        found.append(f"6.5.2: {where} has additional actions (/AA)")
    found += _check_action(annot.get("/A"), where)
    flags = annot.get("/F")
    if subtype != "/Popup":
        if flags is None:
            found.append(f"6.3.2: {where} has no /F flags")
        else:
            f = int(flags)
            if not f & 4 or f & (1 | 2 | 32 | 256):
                found.append(
                    f"6.3.2: {where} has flags {f}: Print must be set and Hidden, "
                    "Invisible, NoView, ToggleNoView clear"
                )
            if subtype == "/Text" and (f & 24) != 24:
                found.append(f"6.3.2: {where} is a note without the NoZoom and NoRotate flags")
    rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
    zero = rect[0] == rect[2] and rect[1] == rect[3]
    ap = annot.get("/AP")
    if ap is None:
        if not zero and subtype not in ("/Popup", "/Link"):
            found.append(f"6.3.3: {where} has no appearance stream (/AP)")
    else:
        keys = set(ap.keys())
        if keys != {"/N"}:
            found.append(
                f"6.3.3: {where} has appearance entries {sorted(keys)}; only /N is allowed"
            )
        normal = ap.get("/N")
        button = subtype == "/Widget" and annot.get("/FT") == "/Btn"
        if button and not isinstance(normal, pikepdf.Dictionary):
            found.append(f"6.3.3: {where} is a button whose /N is not a subdictionary")
        if not button and not isinstance(normal, pikepdf.Stream):
            found.append(f"6.3.3: {where} has an /N appearance that is not a stream")
    if subtype == "/Widget" and ("/A" in annot or "/AA" in annot):
        found.append(f"6.4.1: {where} is a widget with an action")
    return found


# ---------------------------------------------------------------------------------------------
# Every object: filters, external content, images, forms, graphics states, fonts (6.1.7, 6.2)


def _filters(stream: Any) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, pikepdf.Array) else [str(value)]


def _font_program(font: Any) -> tuple[Any, str | None]:
    """(descriptor, key of the embedded program or None) for the font that holds the glyphs."""
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        font = descendants[0] if descendants else pikepdf.Dictionary()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None, None
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            return descriptor, key
    return descriptor, None


def _check_font(font: Any, where: str) -> list[str]:
    found = []
    if font.get("/Type") != "/Font":
        found.append(f"6.2.11.2: {where} lacks /Type /Font")
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return found
    descriptor, program = _font_program(font)
    if program is None:
        found.append(
            f"6.2.11.4: font {font.get('/BaseFont', '?')} in {where} is not embedded "
            "(no FontFile, FontFile2 or FontFile3)"
        )
        return found
    if program == "/FontFile3":
        kind = descriptor.FontFile3.get("/Subtype")
        if kind not in ("/Type1C", "/CIDFontType0C", "/OpenType"):
            found.append(
                f"6.2.11.2: font {font.get('/BaseFont')} embeds a FontFile3 of subtype {kind}"
            )
    flags = int(descriptor.get("/Flags", 0))
    if subtype == "/TrueType" and flags & 4 and "/Encoding" in font:
        found.append(f"6.2.11.6: symbolic TrueType font {font.get('/BaseFont')} has an /Encoding")
    if subtype in ("/TrueType", "/Type1", "/MMType1"):
        first, last, widths = font.get("/FirstChar"), font.get("/LastChar"), font.get("/Widths")
        if (
            first is None
            or last is None
            or widths is None
            or len(widths) != int(last) - int(first) + 1
        ):
            found.append(
                f"6.2.11.2: font {font.get('/BaseFont')} has FirstChar/LastChar/Widths that "
                "disagree"
            )
    return found


def _reachable(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every dictionary and stream reachable from the trailer, direct or indirect, each once."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [pdf.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            yield obj
            for key, value in obj.items():
                if key != "/Parent":  # the page tree is reached from the top
                    stack.append(value)


def _where(obj: Any) -> str:
    return f"object {obj.objgen[0]}" if obj.is_indirect else "a direct object"


def _check_objects(pdf: pikepdf.Pdf) -> list[str]:
    found: list[str] = []
    for obj in _reachable(pdf):
        if isinstance(obj, pikepdf.Stream):
            found += _check_stream(obj)
        if obj.get("/Type") == "/Font" or obj.get("/Subtype") in (
            "/TrueType",
            "/Type0",
            "/Type1",
            "/Type3",
            "/MMType1",
        ):
            found += _check_font(obj, _where(obj))
        if obj.get("/Type") == "/ExtGState":
            found += _check_gstate(obj, _where(obj))
        kind = obj.get("/S")
        if (
            isinstance(kind, pikepdf.Name)
            and obj.get("/Type", "/Action") == "/Action"
            and "/GTS" not in str(kind)
        ):
            found += _check_action(obj, f"the action in {_where(obj)}")
        if obj.get("/Type") in ("/Catalog", "/Page") or obj.get("/Subtype") in ANNOTATION_TYPES:
            continue
        if "/AA" in obj and obj.get("/Type") != "/Annot":
            found.append(f"6.5.2: {_where(obj)} has additional actions (/AA)")
    return list(dict.fromkeys(found))


def _check_stream(stream: Any) -> list[str]:
    found = []
    name = f"stream {_where(stream)}"
    for key in ("/F", "/FFilter", "/FDecodeParms"):
        if key in stream and stream.get("/Type") != "/Annot":
            found.append(f"6.1.7: {name} has {key}, a reference to external content")
    for f in _filters(stream):
        if f == "/LZWDecode":
            found.append(f"6.1.7: {name} uses LZWDecode")
        elif f == "/Crypt":
            parms = stream.get("/DecodeParms") or pikepdf.Dictionary()
            if str(parms.get("/Name", "/Identity")) != "/Identity":
                found.append(f"6.1.7: {name} uses a Crypt filter")
        elif f not in STANDARD_FILTERS:
            found.append(f"6.1.7: {name} uses the non-standard filter {f}")
    subtype = stream.get("/Subtype")
    if stream.get("/Type", "/XObject") == "/XObject":
        if subtype == "/Image":
            if bool(stream.get("/Interpolate", False)):
                found.append(f"6.2.8: image {name} has /Interpolate true")
            for key in ("/Alternates", "/OPI"):
                if key in stream:
                    found.append(f"6.2.8: image {name} has {key}")
        elif subtype == "/Form":
            for key in ("/OPI", "/PS", "/Ref"):
                if key in stream:
                    found.append(f"6.2.9: form {name} has {key}")
            if stream.get("/Subtype2") == "/PS":
                found.append(f"6.2.9: form {name} is a PostScript form")
        elif subtype == "/PS":
            found.append(f"6.2.9: {name} is a PostScript XObject")
    return found


def _check_gstate(gstate: Any, where: str) -> list[str]:
    found = []
    if "/TR" in gstate:
        found.append(f"6.2.5: the graphics state in {where} has /TR")
    if "/TR2" in gstate and gstate.TR2 != "/Default":
        found.append(f"6.2.5: the graphics state in {where} has /TR2 other than /Default")
    if "/HTP" in gstate:
        found.append(f"6.2.5: the graphics state in {where} has /HTP")
    bm = gstate.get("/BM")
    modes = (
        [str(m) for m in bm]
        if isinstance(bm, pikepdf.Array)
        else ([str(bm)] if bm is not None else [])
    )
    for mode in modes:
        if mode not in BLEND_MODES:
            found.append(f"6.2.10: the graphics state in {where} uses the blend mode {mode}")
    return found


# ---------------------------------------------------------------------------------------------
# Pages: boxes, annotations, content (colour spaces, fonts used, nesting, transparency, .notdef)


def _resources(node: Any) -> Any:
    for _ in range(64):
        if node is None:
            return None
        if "/Resources" in node:
            return node.Resources
        node = node.get("/Parent")
    return None


class _Glyphs:
    """Code → glyph lookups in embedded simple TrueType fonts, to catch text drawn as .notdef."""

    def __init__(self) -> None:
        self._cmaps: dict[Any, dict[int, str] | None] = {}

    def missing(self, font: Any, codes: bytes) -> list[int]:
        if font.get("/Subtype") != "/TrueType" or not font.is_indirect:
            return []
        key = font.objgen
        if key not in self._cmaps:
            self._cmaps[key] = self._load(font)
        cmap = self._cmaps[key]
        if cmap is None:
            return []
        return [
            c
            for c in codes
            if cmap.get(c, ".notdef") == ".notdef" and cmap.get(0xF000 + c, ".notdef") == ".notdef"
        ]

    @staticmethod
    def _load(font: Any) -> dict[int, str] | None:
        descriptor, program = _font_program(font)
        if program != "/FontFile2":
            return None
        try:
            tt = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()), lazy=True)
            merged: dict[int, str] = {}
            for table in tt["cmap"].tables:
                if (table.platformID, table.platEncID) in ((1, 0), (3, 0), (3, 1)):
                    merged.update(table.cmap)
            return merged
        except Exception:  # noqa: BLE001 - an unreadable program is reported as such elsewhere
            return None


def _strings(operands: Any) -> Iterator[bytes]:
    for operand in operands:
        if isinstance(operand, pikepdf.String):
            yield bytes(operand)
        elif isinstance(operand, pikepdf.Array):
            yield from (bytes(item) for item in operand if isinstance(item, pikepdf.String))


def _check_content(
    owner: Any,
    resources: Any,
    where: str,
    intent_space: str | None,
    glyphs: _Glyphs,
    seen: set[Any],
) -> list[str]:
    if owner.is_indirect:
        if owner.objgen in seen:
            return []
        seen.add(owner.objgen)
    found = []
    fonts = (resources.get("/Font") if resources is not None else None) or pikepdf.Dictionary()
    xobjects = (
        resources.get("/XObject") if resources is not None else None
    ) or pikepdf.Dictionary()
    gstates = (
        resources.get("/ExtGState") if resources is not None else None
    ) or pikepdf.Dictionary()
    for name, font in fonts.items():
        found += [
            f"{m} (used in {where} as {name})"
            for m in _check_font(font, where)
            if m.startswith("6.2.11.4")
        ]
    for name, gstate in gstates.items():
        found += _check_gstate(gstate, f"{where} ({name})")
    depth = 0
    current: Any = None
    try:
        instructions = pikepdf.parse_content_stream(owner)
    except pikepdf.PdfError as exc:
        return [f"6.2.2: the content of {where} cannot be parsed: {exc}"]
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            filt = instruction.iimage.obj.get("/Filter") if hasattr(instruction, "iimage") else None
            if filt is not None and "LZW" in str(filt):
                found.append(f"6.1.10: an inline image in {where} uses LZW")
            continue
        op = str(instruction.operator)
        operands = instruction.operands
        if op == "q":
            depth += 1
            if depth > 28:
                found.append(f"6.1.13: {where} nests q more than 28 levels")
        elif op == "Q":
            depth -= 1
        elif op in ("k", "K") and intent_space != "CMYK":
            found.append(
                f"6.2.4.3: {where} paints in DeviceCMYK ({op}) but the output intent is "
                f"{intent_space or 'missing'}"
            )
        elif op in ("rg", "RG") and intent_space != "RGB ":
            found.append(
                f"6.2.4.3: {where} paints in DeviceRGB ({op}) but the output intent is "
                f"{intent_space or 'missing'}"
            )
        elif op in ("cs", "CS") and operands:
            space = str(operands[0])
            if space == "/DeviceCMYK" and intent_space != "CMYK":
                found.append(
                    f"6.2.4.3: {where} selects DeviceCMYK but the output intent is "
                    f"{intent_space or 'missing'}"
                )
        elif op == "Tf" and operands:
            current = fonts.get(str(operands[0]))
            if current is None:
                found.append(
                    f"6.2.2: {where} selects font {operands[0]}, which its resources do not define"
                )
        elif op in TEXT_SHOWING and current is not None:
            codes = b"".join(_strings(operands))
            missing = glyphs.missing(current, codes)
            if missing:
                found.append(
                    f"6.2.11.8: {where} draws codes {sorted(set(missing))[:8]} in "
                    f"{current.get('/BaseFont')} "
                    "that map to .notdef"
                )
        elif op == "Do" and operands:
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                found.append(
                    f"6.2.2: {where} paints XObject {operands[0]}, which its resources do "
                    "not define"
                )
            elif xobject.get("/Subtype") == "/Form":
                found += _check_content(
                    xobject,
                    xobject.get("/Resources", resources),
                    f"a form in {where}",
                    intent_space,
                    glyphs,
                    seen,
                )
            elif (
                xobject.get("/Subtype") == "/Image"
                and xobject.get("/ColorSpace") == "/DeviceCMYK"
                and intent_space != "CMYK"
            ):
                found.append(
                    f"6.2.4.3: an image in {where} is DeviceCMYK but the output intent is "
                    f"{intent_space or 'missing'}"
                )
    return found


def _uses_transparency(resources: Any) -> bool:
    for gstate in ((resources.get("/ExtGState") if resources is not None else None) or {}).values():
        if (
            gstate.get("/SMask", "/None") != "/None"
            or float(gstate.get("/CA", 1)) < 1
            or float(gstate.get("/ca", 1)) < 1
        ):
            return True
        if str(gstate.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            return True
    return any(
        "/SMask" in x
        for x in ((resources.get("/XObject") if resources is not None else None) or {}).values()
    )


def _check_pages(pdf: pikepdf.Pdf, intent_space: str | None) -> list[str]:
    found: list[str] = []
    glyphs = _Glyphs()
    seen: set[Any] = set()
    for number, page in enumerate(pdf.pages, start=1):
        obj = page.obj
        where = f"page {number}"
        for box in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
            value = obj.get(box)
            if value is not None:
                x1, y1, x2, y2 = (float(v) for v in value)
                if not (3 <= abs(x2 - x1) <= 14400 and 3 <= abs(y2 - y1) <= 14400):
                    found.append(f"6.1.13: {box} of {where} is outside 3–14400 units")
        for key, clause in (("/AA", "6.5.2"), ("/PresSteps", "6.10")):
            if key in obj:
                found.append(f"{clause}: {where} has {key}")
        resources = _resources(obj)
        if resources is not None and "/Resources" not in obj:
            found.append(f"6.2.2: {where} inherits its resources instead of naming them")
        found += _check_content(obj, resources, where, intent_space, glyphs, seen)
        if intent_space is None and _uses_transparency(resources):
            group = obj.get("/Group")
            if group is None or "/CS" not in group:
                found.append(
                    f"6.2.10: {where} uses transparency with neither an output intent nor a "
                    "group colour space"
                )
        for i, annot in enumerate(obj.get("/Annots") or [], start=1):
            label = f"annotation {i} ({str(annot.get('/Subtype', '?')).lstrip('/')}) on {where}"
            found += _check_annotation(annot, label)
            ap = annot.get("/AP") or pikepdf.Dictionary()
            for state in ap.values():
                streams = (
                    [state]
                    if isinstance(state, pikepdf.Stream)
                    else [
                        s
                        for s in (state.values() if isinstance(state, pikepdf.Dictionary) else [])
                        if isinstance(s, pikepdf.Stream)
                    ]
                )
                for stream in streams:
                    found += _check_content(
                        stream,
                        stream.get("/Resources"),
                        f"the appearance of {label}",
                        intent_space,
                        glyphs,
                        seen,
                    )
    return found
