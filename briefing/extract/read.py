r"""Read a report file (.txt in UTF-8 or GBK/GB18030, or .docx) into one string of paragraphs.

Offsets reported by the extraction refer to this string, so it is built the same way every time:
newlines normalised to `\n`, a UTF-8 BOM dropped, one docx paragraph (or table row) per line.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from .. import readfile
from ..errors import ReportError
from ..i18n import N_, _

MAX_REPORT_BYTES = 20_000_000
# A report's document.xml is a few MB at most; 64 MB of XML is far beyond any real report and keeps
# a zip bomb (a small part that inflates to gigabytes) from being inflated at all.
MAX_DOCX_XML_BYTES = 64_000_000


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing devices, FIFOs and anything over `limit` bytes.

    The project's one bounded reader (`briefing.readfile`: counts bytes, never trusts `st_size`,
    cannot hang on a FIFO), with its refusals said as a report's.
    """
    try:
        return readfile.read_bounded(path, limit, what=N_("report"))
    except readfile.InputFileError as exc:
        if exc.reason == "folder":
            message = _("is a folder, not a report file")
        elif exc.reason == "type":
            message = _("is a device, pipe or socket, not a report file")
        elif exc.reason == "size":
            message = _("more than {limit:,} bytes is too large for a report").format(limit=limit)
        else:
            message = exc.detail  # already in the user's language
        raise ReportError(_("{path}: {message}").format(path=path, message=message)) from None


def read_report(path: str | Path) -> str:
    """Return the text of a .txt or .docx report; raise `ReportError` saying what to do
    otherwise.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".txt", ".text", ".docx"):
        hint = {
            ".doc": _("open it in Word or WPS and save it as .docx"),
            ".wps": _("open it in WPS and save it as .docx"),
            ".pdf": _("copy its text into a .txt file (UTF-8), or save the original as .docx"),
        }.get(suffix, _("give a .txt (UTF-8 or GBK) or .docx file"))
        raise ReportError(
            _("{path}: unsupported report format '{suffix}'; {hint}").format(
                path=p, suffix=suffix or _("no extension"), hint=hint
            )
        )
    raw = read_bounded(p, MAX_REPORT_BYTES)
    text = docx_text(raw, p) if suffix == ".docx" else decode_text(raw, str(p))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReportError(_("{path}: the report has no text").format(path=p))
    return text


def decode_text(raw: bytes, name: str) -> str:
    """Decode a text report: UTF-8 (with or without BOM), else GB18030, the superset of GBK and
    GB2312.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ReportError(
                _("{path}: broken UTF-16 text; save it as UTF-8 and try again").format(path=name)
            ) from None
    if b"\x00" in raw[:4096]:
        raise ReportError(
            _("{path}: looks like a binary file, not text; give a .txt or .docx report").format(
                path=name
            )
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows tools in China save text as GBK; GB18030 decodes GBK and GB2312 files unchanged.
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportError(
            _(
                "{path}: the text is neither UTF-8 nor GBK/GB18030 (bad byte at {byte}); "
                "save it as UTF-8 and try again"
            ).format(path=name, byte=exc.start)
        ) from None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(raw: bytes, path: Path) -> str:
    """The text of a .docx: one line per paragraph, one per table row (cells joined by a tab).

    document.xml is read straight from the zip: its declared size is checked before it is
    inflated, the inflated bytes are counted again while reading, and the XML is parsed with
    DTDs, entity expansion and network access off. A broken file gives a `ReportError`.
    Headings numbered by Word's list numbering get their numbers back as text (一、 （一） 1.),
    from numbering.xml and styles.xml read the same way.
    """
    import io

    resave = _("open it in Word or WPS and save it again as .docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        xml = _part(archive, "word/document.xml", path)
        if xml is None:
            raise ReportError(
                _("{path}: not a Word document (no word/document.xml); {hint}").format(
                    path=path, hint=resave
                )
            )
        numbering = _part(archive, "word/numbering.xml", path)
        styles = _part(archive, "word/styles.xml", path)
    except ReportError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise ReportError(
            _("{path}: not a readable .docx file; {hint}").format(path=path, hint=resave)
        ) from None
    except (RuntimeError, NotImplementedError) as exc:
        # zipfile raises these for encrypted entries and compression methods it cannot inflate.
        raise ReportError(
            _("{path}: cannot read the document part ({reason}); {hint}").format(
                path=path, reason=exc, hint=resave
            )
        ) from None
    lists = _Numbering(
        _parse(numbering, path) if numbering is not None else None,
        _parse(styles, path) if styles is not None else None,
    )
    root = _parse(xml, path)
    body = root.find(f"{W}body")
    if body is None:
        raise ReportError(
            _("{path}: the document has no body; {hint}").format(path=path, hint=resave)
        )
    lines: list[str] = []
    _block_lines(body, lines, lists)
    return "\n".join(lines)


def _part(archive: zipfile.ZipFile, name: str, path: Path) -> bytes | None:
    """A part's bytes, its size checked before and while inflating; None when it is absent."""
    resave = _("open it in Word or WPS and save it again as .docx")
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise ReportError(
            _("{path}: the document is encrypted; save an unprotected copy as .docx").format(
                path=path
            )
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReportError(
            _(
                "{path}: the document part uses an unsupported compression method ({method}); "
                "{hint}"
            ).format(path=path, method=info.compress_type, hint=resave)
        )
    if info.file_size > MAX_DOCX_XML_BYTES:
        raise ReportError(
            _(
                "{path}: the document part would inflate to {size:,} bytes (limit {limit:,}); "
                "not a real report"
            ).format(path=path, size=info.file_size, limit=MAX_DOCX_XML_BYTES)
        )
    with archive.open(info) as part:
        # The header may lie about the size: count what actually comes out.
        data = part.read(MAX_DOCX_XML_BYTES + 1)
    if len(data) > MAX_DOCX_XML_BYTES:
        raise ReportError(
            _("{path}: the document part inflates beyond {limit:,} bytes").format(
                path=path, limit=MAX_DOCX_XML_BYTES
            )
        )
    return data


def _parse(xml: bytes, path: Path) -> Any:
    from lxml import etree

    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        # Word never writes a DTD; one in a .docx is an entity bomb or an XXE attempt.
        raise ReportError(
            _(
                "{path}: the document declares a DTD or entities, which Word never writes; refused"
            ).format(path=path)
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
    )
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise ReportError(
            _(
                "{path}: the document's XML is broken ({reason}); open it in Word or WPS and "
                "save it again"
            ).format(path=path, reason=exc.msg)
        ) from None


_CN_DIGITS = "〇一二三四五六七八九"


def _cn(n: int) -> str:
    """1..99 in Chinese numerals, as list numbering prints them (十一, 二十)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


class _Numbering:
    """Word's list numbering: which paragraphs are numbered, and the number text each one gets."""

    def __init__(self, numbering: Any, styles: Any) -> None:
        self.levels: dict[
            tuple[str, int], tuple[str, str, int]
        ] = {}  # (numId, ilvl) → fmt, text, start
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        if numbering is not None:
            abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
            for a in numbering.iter(f"{W}abstractNum"):
                lv: dict[int, tuple[str, str, int]] = {}
                for lvl in a.iter(f"{W}lvl"):
                    fmt = lvl.find(f"{W}numFmt")
                    text = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    lv[_int(lvl.get(f"{W}ilvl"))] = (
                        fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                        text.get(f"{W}val", "") if text is not None else "",
                        _int(start.get(f"{W}val")) if start is not None else 1,
                    )
                abstract[a.get(f"{W}abstractNumId", "")] = lv
            for num in numbering.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                if ref is not None:
                    for ilvl, spec in abstract.get(ref.get(f"{W}val", ""), {}).items():
                        self.levels[(num.get(f"{W}numId", ""), ilvl)] = spec
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                pr = style.find(f"{W}pPr/{W}numPr")
                if pr is not None:
                    self.style_num[style.get(f"{W}styleId", "")] = _num_pr(pr)

    def marker(self, paragraph: Any) -> str:
        """The number text of a numbered paragraph (一、 （一） 1.), "" for others and bullets."""
        if not self.levels:
            return ""
        pr = paragraph.find(f"{W}pPr/{W}numPr")
        if pr is not None:
            num_id, ilvl = _num_pr(pr)
        else:
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            found = self.style_num.get(style.get(f"{W}val", "")) if style is not None else None
            if found is None:
                return ""
            num_id, ilvl = found
        spec = self.levels.get((num_id, ilvl))
        if spec is None or num_id == "0" or spec[0] in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        if not 0 <= ilvl < 9:
            return ""
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else spec[2]
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0  # a new item restarts the levels below it

        def number(level: int) -> str:
            fmt, _, start = self.levels.get((num_id, level), ("decimal", "", 1))
            n = counts[level] or start
            if fmt.startswith(("chinese", "ideograph", "japanese", "taiwanese")):
                return _cn(n) if n < 100 else str(n)
            return str(n)

        return re.sub(r"%([1-9])", lambda m: number(int(m.group(1)) - 1), spec[1])


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _num_pr(pr: Any) -> tuple[str, int]:
    num = pr.find(f"{W}numId")
    lvl = pr.find(f"{W}ilvl")
    return (
        num.get(f"{W}val", "") if num is not None else "",
        _int(lvl.get(f"{W}val")) if lvl is not None else 0,
    )


def _block_lines(container: object, lines: list[str], lists: _Numbering) -> None:
    """Walk paragraphs and tables in document order; content controls (w:sdt) are walked into."""
    for child in container:  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{W}p":
            lines.append(lists.marker(child) + _paragraph_text(child))
        elif tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = []
                for cell in row.iter(f"{W}tc"):
                    cells.append("".join(_paragraph_text(p) for p in cell.iter(f"{W}p")))
                lines.append("\t".join(cells))
        elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            _block_lines(child, lines, lists)


def _paragraph_text(paragraph: object) -> str:
    # Runs' text in order; tabs stay tabs, and soft line breaks inside a paragraph become spaces so
    # that a heading split by <w:br/> is one line. Deleted text (w:delText) is not text.
    out: list[str] = []
    # Only a run's children count: w:tab also names tab stops in the paragraph's properties.
    for run in paragraph.iter(f"{W}r"):  # type: ignore[attr-defined]
        for node in run:
            tag = node.tag
            if tag == f"{W}t":
                out.append(node.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag == f"{W}noBreakHyphen":
                out.append("-")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append(" ")
    return "".join(out)
