"""Shared test helpers: a PDF (path or bytes) in, its text, characters, fonts or page images out.

Everything here is pure Python (pypdfium2, pdfplumber, pypdf), so the suite runs on a machine with
nothing but Python and the project's dependencies: no poppler, no qpdf. On our files pypdfium2
extracts, page by page, exactly the characters poppler's `pdftotext` does (the order of blocks on a
page may differ, so tests compare text with whitespace removed or look for runs within one line).

Tests import the helpers directly (`from conftest import pdf_text`); pytest puts this folder on
sys.path. Options: `--start-method=spawn|fork|forkserver` (or the environment variable
BRIEFING_TEST_START_METHOD) sets the multiprocessing start method the batch tests use.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

PdfSource = Path | str | bytes

START_METHODS = ("spawn", "fork", "forkserver")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--start-method",
        choices=START_METHODS,
        default=os.environ.get("BRIEFING_TEST_START_METHOD") or None,
        help="multiprocessing start method for the batch tests (default: the platform's)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Messages in English whatever the machine's locale (test_i18n sets its own language).
    os.environ["LANGUAGE"] = "C"
    # The suite's processes share one parsed-face cache of their own, never the user's.
    cache = tempfile.mkdtemp(prefix="briefing-test-cache-")
    os.environ["BRIEFING_CACHE_DIR"] = cache
    config.add_cleanup(lambda: shutil.rmtree(cache, ignore_errors=True))
    method = config.getoption("--start-method")
    if method:
        if method not in multiprocessing.get_all_start_methods():
            raise pytest.UsageError(f"start method {method!r} is not available on this platform")
        # Workers started by the batch runner take the process-wide default.
        multiprocessing.set_start_method(method, force=True)
        os.environ["BRIEFING_TEST_START_METHOD"] = method


def pytest_report_header(config: pytest.Config) -> str:
    return f"multiprocessing start method: {multiprocessing.get_start_method(allow_none=False)}"


@contextmanager
def _pdfium(source: PdfSource) -> Iterator[pdfium.PdfDocument]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        yield pdf
    finally:
        pdf.close()


def pdf_page_texts(source: PdfSource) -> list[str]:
    r"""The text of each page, lines ending in "\n" as pdftotext writes them."""
    texts = []
    with _pdfium(source) as pdf:
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            texts.append(text.replace("\r\n", "\n").replace("\r", "\n"))
    return texts


def pdf_text(source: PdfSource) -> str:
    """The whole document's text, each page followed by a form feed, like `pdftotext file -`."""
    return "".join(
        f"{text}\n\f" if text and not text.endswith("\n") else f"{text}\f"
        for text in pdf_page_texts(source)
    )


def squash(text: str) -> str:
    """`text` without any whitespace: what comparisons of extracted text look at."""
    return "".join(text.split())


def page_chars(source: PdfSource, page: int = 0) -> list[dict[str, Any]]:
    """Pdfplumber's characters (text, fontname, size, x0, top, …) of one page (0-based)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return list(pdf.pages[page].chars)


def page_count(source: PdfSource) -> int:
    with _pdfium(source) as pdf:
        return len(pdf)


@dataclass(frozen=True)
class PdfFont:
    """One font resource of a document, as `pdffonts` lists it."""

    name: str  # base font name, with its subset tag (ABCDEF+Name) if it has one
    subtype: str  # Type0, TrueType, Type1, …
    embedded: bool
    subset: bool
    to_unicode: bool


def _font_file(font: DictionaryObject) -> bool:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pdf_fonts(source: PdfSource) -> list[PdfFont]:
    """Every font resource reachable from the pages (and their form XObjects), each once."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    reader = PdfReader(io.BytesIO(data))
    seen: dict[Any, PdfFont] = {}

    def walk(resources: Any, depth: int = 0) -> None:
        if resources is None or depth > 8:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            for ref in fonts.get_object().values():
                key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
                if key in seen:
                    continue
                font = ref.get_object()
                name = str(font.get("/BaseFont", "")).lstrip("/")
                seen[key] = PdfFont(
                    name=name,
                    subtype=str(font.get("/Subtype", "")).lstrip("/"),
                    embedded=_font_file(font),
                    subset=len(name) > 7 and name[6] == "+" and name[:6].isupper(),
                    to_unicode="/ToUnicode" in font,
                )
        xobjects = resources.get("/XObject")
        if xobjects is not None:
            for ref in xobjects.get_object().values():
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Form":
                    walk(xobject.get("/Resources"), depth + 1)

    for page in reader.pages:
        walk(page.get("/Resources"))
    return list(seen.values())


def render_pages(
    source: PdfSource, out_dir: Path, name: str = "page", *, dpi: float = 40, gray: bool = False
) -> list[Path]:
    """Render every page to `out_dir/name-N.png` (N from 1), like `pdftoppm -png`; the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with _pdfium(source) as pdf:
        for number, page in enumerate(pdf, start=1):
            image = page.render(scale=dpi / 72, grayscale=gray).to_pil()
            path = out_dir / f"{name}-{number}.png"
            image.save(path, format="PNG")
            paths.append(path)
            page.close()
    return paths


def page_pixels(source: PdfSource, page: int = 0, *, dpi: float = 30, gray: bool = True) -> bytes:
    """The raw pixels of one page: two renderings are the same picture when these are equal."""
    with _pdfium(source) as pdf:
        image = pdf[page].render(scale=dpi / 72, grayscale=gray).to_pil()
        return image.tobytes()


def processes_with_env(name: str, value: str, *, settle: float = 5.0) -> list[int]:
    """Pids of live processes whose environment holds `name=value`, after up to `settle` seconds
    for them to exit; Linux's /proc, where a process's descendants all inherit its environment.
    """
    import time

    marker = f"{name}={value}".encode()
    deadline = time.monotonic() + settle
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:  # gone meanwhile, or not ours
                continue
            if state != "Z" and marker in environ.split(b"\0"):
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
