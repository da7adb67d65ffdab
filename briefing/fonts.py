"""Turn the TrueType files in `fonts/` into registered ReportLab faces (and the family names
charts give matplotlib), and texts into coverage errors.

This is the only runtime code that knows where the fonts are and what they are called; every
other module asks for a face by role (`face_for("serif", bold=True)`, `mpl_family("sans")`).
The files are built by `briefing.fontbuild` (`make fonts`) and committed, so output never depends
on the fonts a machine happens to have.

Three roles, as in Chinese official documents (GB/T 9704-2012):
    sans   黑体  headings, figures, charts     BriefingSans / BriefingSans-Bold
    serif  宋体  reading text, notes           BriefingSerif / BriefingSerif-Bold
    kai    楷体  second-level headings         BriefingKai (no bold: bold asks get the regular)
GB/T 9704 sets body text in 仿宋; no 仿宋 with full coverage can be shipped (fonts/README.md),
so reading text is 宋体. BriefingKai draws digits, Latin letters and the signs between numbers
with Noto Serif's printed glyphs (fontbuild.PRINTED_IN_KAI), so figures set in 楷体 read as
printed; nothing needs to switch faces for them. Every face covers GB 2312, the 通用规范汉字表
and the names of China's county-level divisions.

A character absent from a face is drawn by ReportLab as an invisible glyph (or the .notdef box)
without a word, so texts are checked before anything is drawn: `check_text_coverage` collects
every missing character with its location and raises one `FontCoverageError`.

ReportLab's reading of a face (cmap, widths, glyph offsets) is kept in a per-user cache
(`cache_dir()`), keyed by the file's SHA-256 and ReportLab's version; a record that does not
check out is parsed again, so the cache changes how long a cold start takes, never a page.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import io
import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.errors import BriefingError, FontCoverageError
from briefing.i18n import N_, _, ngettext
from briefing.readfile import InputFileError, read_bounded

if TYPE_CHECKING:
    from briefing._reportlab import TTFont
    from briefing.model import Location

# ReportLab font names.
SANS = "BriefingSans"
SANS_BOLD = "BriefingSans-Bold"
SERIF = "BriefingSerif"
SERIF_BOLD = "BriefingSerif-Bold"
KAI = "BriefingKai"

ROLES: dict[str, tuple[str, str]] = {
    "sans": (SANS, SANS_BOLD),
    "serif": (SERIF, SERIF_BOLD),
    "kai": (KAI, KAI),
}

# matplotlib family names (the names inside the files). matplotlib never opens the files: the
# chart backend (charts/backend.py) maps these names back to the ReportLab faces above.
MPL_FAMILIES: dict[str, str] = {
    "sans": "Briefing Sans",
    "serif": "Briefing Serif",
    "kai": "Briefing Kai",
}

# ReportLab name → file in the fonts folder.
FILES: dict[str, str] = {
    SANS: "BriefingSans-Regular.ttf",
    SANS_BOLD: "BriefingSans-Bold.ttf",
    SERIF: "BriefingSerif-Regular.ttf",
    SERIF_BOLD: "BriefingSerif-Bold.ttf",
    KAI: "BriefingKai-Regular.ttf",
}

FONTS_DIR_ENV = "BRIEFING_FONTS_DIR"
MANIFEST = "manifest.json"

# Characters never drawn as glyphs: line breaks, tabs and other controls (category Cc), and the
# Unicode line/paragraph separators. Everything else, including invisible format characters such
# as U+200B, must be in the face: ReportLab would emit a .notdef glyph for it.
_NEVER_DRAWN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def fonts_dir() -> Path:
    """The folder holding the TrueType files.

    In order: `$BRIEFING_FONTS_DIR` (a user's folder of Briefing*.ttf files); the package data
    `briefing/fontfiles/` an installed wheel carries; the checkout's `fonts/` beside `briefing/` (an
    editable install or a run from the source tree).
    """
    override = os.environ.get(FONTS_DIR_ENV)
    if override:
        return Path(override)
    return _packaged_fonts_dir()


@functools.cache
def _packaged_fonts_dir() -> Path:
    packaged = importlib.resources.files("briefing") / "fontfiles"
    # A regular install gives a real folder; a zipped import would not, and ReportLab needs
    # files, so that case falls through to the checkout (and its clear error).
    if isinstance(packaged, Path) and (packaged / MANIFEST).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "fonts"


def face_for(role: str, bold: bool = False) -> str:
    """The ReportLab font name for `role` ('sans', 'serif' or 'kai')."""
    try:
        regular, heavy = ROLES[role]
    except KeyError:
        raise ValueError(
            f"unknown font role {role!r}; expected one of {', '.join(ROLES)}"
        ) from None
    return heavy if bold else regular


def mpl_family(role: str) -> str:
    """The matplotlib family name for `role` ('sans', 'serif' or 'kai')."""
    try:
        return MPL_FAMILIES[role]
    except KeyError:
        raise ValueError(
            f"unknown font role {role!r}; expected one of {', '.join(ROLES)}"
        ) from None


def font_path(name: str) -> Path:
    """The file of the face ReportLab calls `name` (its PostScript name, e.g.
    'BriefingSans-Regular', works too).
    """
    file_name = FILES.get(name)
    if file_name is None:
        by_stem = {Path(f).stem: f for f in FILES.values()}
        file_name = by_stem.get(name)
    if file_name is None:
        raise ValueError(f"unknown font {name!r}; expected one of {', '.join(FILES)}")
    return fonts_dir() / file_name


def all_font_files() -> list[Path]:
    """Every face file, in the order of `FILES` (sans, serif, kai)."""
    return [fonts_dir() / f for f in FILES.values()]


def _require(path: Path) -> Path:
    if not path.is_file():
        raise BriefingError(
            _(
                "font file {path} not found; run `make fonts` or set {variable} to the folder "
                "holding the Briefing*.ttf files"
            ).format(path=path, variable=FONTS_DIR_ENV)
        )
    return path


# ----------------------------------------------------------------------------- ReportLab


# Far above our subsets (3-5 MB) and any full CJK face; what a font read may cost at most.
MAX_FONT_BYTES = 64_000_000


@functools.cache
def _manifest_hashes(folder: Path) -> dict[str, str]:
    """File name → SHA-256 from the folder's manifest.json; {} for a user's folder without one."""
    try:
        raw = read_bounded(folder / MANIFEST, MAX_FONT_BYTES, what=N_("font manifest"))
    except InputFileError as exc:
        if exc.reason == "missing":
            return {}
        raise
    try:
        entries = json.loads(raw.decode("utf-8")).get("fonts", [])
        return {str(e["file"]): str(e["sha256"]) for e in entries if "file" in e and "sha256" in e}
    except (ValueError, AttributeError, TypeError) as exc:
        raise BriefingError(
            _(
                "{path} is not a valid font manifest ({reason}); reinstall the package or run "
                "`make fonts`"
            ).format(path=folder / MANIFEST, reason=exc)
        ) from None


def font_bytes(path: Path) -> bytes:
    """The font file's bytes, read with a size limit and checked against the folder's manifest.

    A truncated, damaged or swapped face is refused here with what to do, rather than failing
    deep inside ReportLab (a traceback) or, worse, being embedded without a word.
    """
    return _checked_font(path)[0]


@functools.cache
def _checked_font(path: Path) -> tuple[bytes, str]:
    """`font_bytes(path)` and the file's SHA-256 (hex)."""
    data = read_bounded(_require(path), MAX_FONT_BYTES, what=N_("font file"))
    digest = hashlib.sha256(data).hexdigest()
    expected = _manifest_hashes(path.parent).get(path.name)
    if expected is not None and digest != expected:
        raise BriefingError(
            _(
                "font file {path} does not match {manifest} (its SHA-256 differs: truncated, "
                "damaged or replaced); reinstall the package or run `make fonts`"
            ).format(path=path, manifest=path.parent / MANIFEST)
        )
    return data, digest


@functools.cache
def _reportlab_font(name: str, path: Path) -> TTFont:
    # One parse per file and process: registration and the coverage check share it.
    from briefing._reportlab import TTFont

    raw, digest = _checked_font(path)
    key = _cache_key(digest)
    cached = _load_cached_font(name, path, raw, key)
    if cached is not None:
        return cached
    data = io.BytesIO(raw)
    data.name = str(path)  # what ReportLab calls the file
    try:
        font = TTFont(name, data)
    except Exception as exc:  # noqa: BLE001 - ReportLab raises TTFError, struct.error, IndexError… on bad data
        raise BriefingError(
            _(
                "font file {path} cannot be read as TrueType ({reason}); it may be truncated or "
                "damaged: reinstall the package or run `make fonts`"
            ).format(path=path, reason=exc)
        ) from None
    _store_cached_font(font, path, key)
    return font


# ----------------------------------------------------------------------------- parse cache
#
# ReportLab reads a face's cmap, widths and glyph offsets in pure Python: about 40 ms for each
# of our 9,000-glyph subsets, where a cached record loads in about 6. What it reads (plain ints,
# lists, strings and dicts) is kept per user, keyed by the font file's SHA-256, ReportLab's
# version and Python's marshal format, with a SHA-256 of the record itself: a stale, foreign,
# truncated or damaged record is never used, only replaced (a cache can cost a parse, never change
# a page). The file's own bytes are not cached: they are read and checked against the manifest
# either way, and ReportLab subsets from them.

CACHE_DIR_ENV = "BRIEFING_CACHE_DIR"
_CACHE_FORMAT = 1
_CACHE_MAGIC = b"briefing parsed face\n"
# Name-table strings are bytes that also carry their decoded text.
_NAME_FIELDS = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
# Rebuilt on load: the file's bytes, the scale function (a closure), a TTFont's per-document
# state and its encoding object.
_FACE_SKIP = frozenset({"_ttf_data", "_pdfScale"})
_FONT_SKIP = frozenset({"face", "state", "encoding"})


def cache_dir() -> Path | None:
    """The per-user folder for derived data (parsed faces); None when caching is off.

    `$BRIEFING_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/briefing`, else
    `~/.cache/briefing`.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    if override is not None:
        return Path(override) if override else None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory: run without a cache
            return None
    return Path(base) / "briefing"


def _cache_key(digest: str) -> str:
    import marshal
    import sys

    from briefing._reportlab import Version

    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    parts = (digest, Version, python, marshal.version, _CACHE_FORMAT)
    return "-".join(str(p) for p in parts)


def _cache_file(path: Path, key: str) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / "fonts" / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:32]}.face"


def _same(a: object, b: object) -> bool:
    """Equal values of exactly the same types all the way down (marshal keeps no subclasses)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        assert isinstance(b, list | tuple)
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _font_record(font: TTFont) -> dict[str, object] | None:
    from briefing._reportlab import TTFNameBytes

    face = {k: v for k, v in vars(font.face).items() if k not in _FACE_SKIP}
    for field in _NAME_FIELDS:
        value = face.get(field)
        if not isinstance(value, TTFNameBytes):
            return None  # a ReportLab this code does not know: parse each time
        face[field] = (bytes(value), value.ustr)
    rest = {k: v for k, v in vars(font).items() if k not in _FONT_SKIP}
    return {"face": face, "font": rest}


def _rebuild(name: str, path: Path, raw: bytes, record: dict[str, Any]) -> TTFont:
    from weakref import WeakKeyDictionary

    from briefing._reportlab import TTEncoding, TTFNameBytes, TTFont, TTFontFace

    face_fields = dict(record["face"])
    for field in _NAME_FIELDS:
        data, text = face_fields[field]
        value = bytes.__new__(TTFNameBytes, data)
        value.ustr = text
        face_fields[field] = value
    face = TTFontFace.__new__(TTFontFace)
    vars(face).update(face_fields)
    face._ttf_data = raw
    face.filename = str(path)
    units = face.unitsPerEm
    # The same scale ReportLab's parser sets (identity at 1000 units per em).
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    font = TTFont.__new__(TTFont)
    vars(font).update(record["font"])
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    return font


def _load_cached_font(name: str, path: Path, raw: bytes, key: str) -> TTFont | None:
    import marshal

    file = _cache_file(path, key)
    if file is None:
        return None
    try:
        blob = file.read_bytes()
    except OSError:
        return None
    head = _CACHE_MAGIC + key.encode() + b"\n"
    digest = blob[len(head) : len(head) + 32]
    payload = blob[len(head) + 32 :]
    if not blob.startswith(head) or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        # The record is the one written (its SHA-256 matched): marshal reads plain values only,
        # and whoever could forge one could edit the user's files directly.
        record = marshal.loads(payload)  # noqa: S302
        return _rebuild(name, path, raw, record)
    except Exception:  # noqa: BLE001 - a record this code did not write: parse instead
        return None


def _store_cached_font(font: TTFont, path: Path, key: str) -> None:
    import marshal

    from .output import atomic_write

    file = _cache_file(path, key)
    record = _font_record(font)
    if file is None or record is None:
        return
    try:
        payload = marshal.dumps(record)
        if not _same(marshal.loads(payload), record):  # noqa: S302 - what was just written
            return  # something marshal would not give back as it was: do not cache it
    except ValueError:
        return
    blob = _CACHE_MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    with contextlib.suppress(BriefingError, OSError):
        # Readers see the old record or the whole new one; a read-only or full disk costs the
        # next run a parse, nothing more.
        atomic_write(file, blob)


# Registration is once per process: ReportLab ignores a second font under a registered name.
_reportlab_registered = False


def register_reportlab() -> None:
    """Register the five faces and three families with ReportLab; make them its defaults.

    Idempotent. ReportLab falls back to Helvetica (referenced, never embedded) wherever a font is
    not given, and several of its defaults were copied from `rl_config` at import time, so each is
    set here: the canvas's initial font, graphics `STATE_DEFAULTS`, `ParagraphStyle`, `ListStyle`,
    table cells and `getSampleStyleSheet`.
    """
    global _reportlab_registered
    if _reportlab_registered:
        return

    from briefing._reportlab import pdfmetrics, set_default_fonts

    for name in FILES:
        pdfmetrics.registerFont(_reportlab_font(name, font_path(name)))
    for regular, bold in ROLES.values():
        # No italics in Chinese typesetting: <i> keeps the upright face.
        pdfmetrics.registerFontFamily(
            regular, normal=regular, bold=bold, italic=regular, boldItalic=bold
        )

    set_default_fonts(SANS, SANS_BOLD)
    _reportlab_registered = True


# ----------------------------------------------------------------------------- coverage


def cmap_of(font_name: str) -> frozenset[int]:
    """The code points face `font_name` has a glyph for."""
    glyphs = _glyphs(font_name, font_path(font_name))
    return frozenset(c for c, g in glyphs.items() if _covers(c, g))


@functools.cache
def _glyphs(font_name: str, path: Path) -> dict[int, int]:
    """Code point → glyph of face `font_name`, as ReportLab read it (once per process)."""
    glyphs: dict[int, int] = _reportlab_font(font_name, path).face.charToGlyph
    return glyphs


def _covers(code: int, glyph: int | None) -> bool:
    # ReportLab's table also holds the 0xFFFF terminator of cmap format 4 and aliases for
    # U+00A0/U+0020; glyph 0 is .notdef, which is no coverage.
    return bool(glyph) and code != 0xFFFF


def _never_drawn(char: str) -> bool:
    return unicodedata.category(char) in _NEVER_DRAWN_CATEGORIES


def missing_chars(font_name: str, text: str) -> list[str]:
    """The distinct characters of `text` that face `font_name` lacks, in order of appearance."""
    glyphs = _glyphs(font_name, font_path(font_name))
    missing: dict[str, None] = {}
    for char in text:
        code = ord(char)
        if not _covers(code, glyphs.get(code)) and not _never_drawn(char):
            missing.setdefault(char)
    return list(missing)


def check_text_coverage(items: Iterable[tuple[str, str, str]]) -> None:
    """Raise one FontCoverageError listing every character some face cannot draw.

    Each item is `(text, font_name, where)`, `where` saying where the text comes from (e.g.
    'data/x.yaml:12:9 indicators[3].label'). A character missing from several faces at one place
    gives one line naming them all.
    """
    found: dict[tuple[str, str], list[str]] = {}
    for text, font_name, where in items:
        for char in missing_chars(font_name, text):
            fonts = found.setdefault((where, char), [])
            if font_name not in fonts:
                fonts.append(font_name)
    if not found:
        return
    lines = []
    for (where, char), fonts in found.items():
        prefix = f"{where}: " if where else ""
        lines.append(
            prefix
            + ngettext(
                "{char} (U+{code}) is not in font {fonts}; replace it or use a common character",
                "{char} (U+{code}) is not in fonts {fonts}; replace it or use a common character",
                len(fonts),
            ).format(char=repr(char), code=f"{ord(char):04X}", fonts=", ".join(fonts))
        )
    n = len(lines)
    head = ngettext(
        "{n} character cannot be drawn with the embedded fonts",
        "{n} characters cannot be drawn with the embedded fonts",
        n,
    ).format(n=n)
    raise FontCoverageError(head + "\n" + "\n".join(f"  {line}" for line in lines))


def check_dataset_texts(
    texts: Iterable[tuple[str, str, Location]],
    font_names: Iterable[str] = (SERIF, SANS, KAI),
) -> None:
    """Check every dataset text against every face in `font_names`.

    `texts` is `Dataset.texts`: (field path, text, location). Any text may end up in any role
    (a label in a chart, a heading, a note), so a character must be in all of them.
    """
    faces = tuple(font_names)
    check_text_coverage(
        (text, face, f"{location} {field}") for field, text, location in texts for face in faces
    )
