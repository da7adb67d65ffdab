"""Read a report file (.txt in UTF-8 or GBK/GB18030, or .docx) into one string of paragraphs.

Offsets reported by the extraction refer to this string, so it is built the same way every time:
newlines normalised to `\\n`, a UTF-8 BOM dropped, one docx paragraph (or table row) per line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import ReportError

MAX_REPORT_BYTES = 20_000_000


def read_report(path: str | Path) -> str:
    """Return the text of a .txt or .docx report; raise `ReportError` saying what to do otherwise."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".txt", ".text", ".docx"):
        hint = {
            ".doc": "open it in Word or WPS and save it as .docx",
            ".wps": "open it in WPS and save it as .docx",
            ".pdf": "copy its text into a .txt file (UTF-8), or save the original as .docx",
        }.get(suffix, "give a .txt (UTF-8 or GBK) or .docx file")
        raise ReportError(f"{p}: unsupported report format '{suffix or 'no extension'}'; {hint}")
    try:
        if p.is_dir():
            raise ReportError(f"{p}: is a folder, not a report file")
        size = p.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ReportError(f"{p}: {size:,} bytes is too large for a report (limit {MAX_REPORT_BYTES:,})")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"{p}: no such file") from None
    except PermissionError:
        raise ReportError(f"{p}: permission denied") from None
    except OSError as exc:
        raise ReportError(f"{p}: cannot read: {exc.strerror}") from None
    text = _docx_text(raw, p) if suffix == ".docx" else decode_text(raw, str(p))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReportError(f"{p}: the report has no text")
    return text


def decode_text(raw: bytes, name: str) -> str:
    """Decode a text report: UTF-8 (with or without BOM), else GB18030, the superset of GBK and GB2312."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ReportError(f"{name}: broken UTF-16 text; save it as UTF-8 and try again") from None
    if b"\x00" in raw[:4096]:
        raise ReportError(f"{name}: looks like a binary file, not text; give a .txt or .docx report")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows tools in China save text as GBK; GB18030 decodes GBK and GB2312 files unchanged.
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReportError(
            f"{name}: the text is neither UTF-8 nor GBK/GB18030 (bad byte at {exc.start}); "
            "save it as UTF-8 and try again"
        ) from None


def _docx_text(raw: bytes, path: Path) -> str:
    import io

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise ReportError(
            f"{path}: not a readable .docx file; open it in Word or WPS and save it again as .docx"
        ) from None
    # Walk the body in order so that tables stay where they stand among the paragraphs.
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_paragraph_text(child))
        elif tag == "tbl":
            for row in child.iter(_qn("w:tr")):
                cells = [
                    "".join(_paragraph_text(p) for p in cell.iter(_qn("w:p")))
                    for cell in row.iter(_qn("w:tc"))
                ]
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _paragraph_text(element: object) -> str:
    from docx.text.paragraph import Paragraph

    # Soft line breaks inside a paragraph become spaces: a heading split by <w:br/> is one line.
    return str(Paragraph(element, None).text).replace("\n", " ")  # type: ignore[arg-type]
