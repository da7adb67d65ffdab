"""Turn the Debian CJK fonts into the five TrueType subsets, manifest and licences in `fonts/`.

Build time only: the subsetting happens here, and rendering reads the files this writes
(`briefing.fonts`; the typesetting layer opens them with fontTools only to measure glyph bounds).
`make fonts` runs `build_all`; `check_manifest` tells whether the committed files are the ones
the manifest describes.

Why each step:
- Subset to GB 2312, the 通用规范汉字表 (2013, 8,105 characters: the list the state drew up to
  include place-name characters), the place-name characters outside both, and the marks we draw:
  the full faces are 65,535 glyphs, 16–27 MB; the subsets 9,300 glyphs, under 5 MB each.
- Give the 楷体 printed Latin letters, digits and signs from Noto Serif CJK SC: LXGW WenKai's
  are handwritten (its 9 reads as q), and figures must read as printed wherever 楷体 is used.
- Drop the OpenType layout tables: neither ReportLab nor matplotlib reads them, and their closure
  nearly doubles the glyph count.
- Convert CFF outlines to quadratic TrueType `glyf`: ReportLab's TTFont refuses CFF.
- Rename the families: matplotlib's findfont silently prefers an installed font of the same
  family name, and the SIL OFL forbids Reserved Font Names ('Source', 'LXGW', '霞鹜') on
  Modified Versions.
- Keep the source's `head` timestamps (`recalcTimestamp=False`): rebuilds are byte-identical.
"""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import importlib.resources
import json
import logging
import re
import subprocess
import time
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools import subset as ft_subset
from fontTools import version as fonttools_version
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

from briefing.errors import BriefingError
from briefing.i18n import _

log = logging.getLogger(__name__)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
LXGW_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")

# Debian's unicode-data: the Unicode Character Database, Unihan included (kTGH: the 通用规范汉字表).
UNIHAN_OTHER_MAPPINGS = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
UNICODE_COPYRIGHT = Path("/usr/share/doc/unicode-data/copyright")
UNICODE_PACKAGE = "unicode-data"

# The 通用规范汉字表 as derived from Unihan by `derive_tongyong_list`, committed as package data
# so that builds and tests need no Unicode data installed.
TONGYONG_LIST = "tongyong-guifan-2013.txt"
TONGYONG_SIZE = 8105

MANIFEST = "manifest.json"
LICENCE_NOTO = "LICENSE-NotoCJK-OFL.txt"
LICENCE_LXGW = "LICENSE-LXGWWenKai-OFL.txt"

# Outline tolerance for cubic → quadratic conversion, in font units (1000 per em): 1 unit is
# 0.016 pt at 16 pt, far below anything print can show; fontTools' otf2ttf uses the same.
MAX_ERR = 1.0

# Tables nobody downstream reads. Layout: ReportLab and matplotlib do no shaping. VORG: CFF-only.
DROP_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "VORG", "DSIG")

# Name IDs that carry the family name; all are removed on every platform and language, then
# 1, 2, 3, 4, 6, 16, 17 are written anew (Windows, English). 18: Mac compatible full name,
# 21/22: WWS family/subfamily, 25: variations PostScript name prefix.
FAMILY_NAME_IDS = (1, 2, 3, 4, 6, 16, 17, 18, 21, 22, 25)

# Marks we draw that GB 2312 lacks or that Python's gb2312 codec maps elsewhere (A1A4 decodes to
# U+30FB, A1AA to U+2015): without U+2212 matplotlib draws a box for every negative number,
# without U+2022 ReportLab draws a crossed box for bullets. U+00A0 is what `&nbsp;` becomes in a
# ReportLab Paragraph.
EXTRA_MARKS = (
    0x00A0, 0x00B1, 0x00B7, 0x00D7, 0x00F7,
    0x2014, 0x2015, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2030,
    0x2103, 0x2116, 0x2191, 0x2192, 0x2193, 0x2212, 0x2248, 0x2264, 0x2265,
    0x25B2, 0x25BC, 0x2E3A, 0x3007,
)  # fmt: skip


# Characters of place names in neither GB 2312 nor the 通用规范汉字表: 礐 (礐石, 汕头) and 氹
# (氹仔, 澳门). `tests/test_fonts.py` checks every county-level name against the fonts, so a name
# that needs another character fails there and the character goes here.
PLACE_NAME_EXTRAS = "礐氹"

# What the 楷体 takes from Noto Serif CJK SC instead of LXGW WenKai: whatever carries a digit or
# a Latin letter, or sits between numbers as ASCII does: printable ASCII but the space, the
# full-width digits, letters and % + - . < = >, ①–⑳, ‰, ℃ and the minus sign (as wide as the
# plus taken with it). WenKai keeps its space, so spacing does not change, and its
# proportional × ÷ ± (Noto's are a full em) and ≈ ≤ ≥ №, which have no handwritten look.
PRINTED_IN_KAI = (
    *range(0x21, 0x7F),
    0xFF05, 0xFF0B, 0xFF0D, 0xFF0E, *range(0xFF10, 0xFF1A), *range(0xFF1C, 0xFF1F),
    *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
    *range(0x2460, 0x2474), 0x2030, 0x2103, 0x2212,
)  # fmt: skip


def gb2312_chars() -> list[int]:
    """Every code point Python's gb2312 codec decodes from the two-byte codes A1A1–F7FE."""
    found: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                text = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            found.update(ord(c) for c in text)
    return sorted(found)


def read_unihan_tongyong(path: Path = UNIHAN_OTHER_MAPPINGS) -> dict[int, int]:
    """Code point → number in the 通用规范汉字表, from the kTGH field of a Unihan file (.txt or
    .bz2).
    """
    opener = bz2.open if path.suffix == ".bz2" else open
    found: dict[int, int] = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[1] != "kTGH":
                continue
            for entry in parts[2].split():  # "2013:6602"; a character may one day carry several
                year, number = entry.split(":")
                if year == "2013":
                    found[int(parts[0].removeprefix("U+"), 16)] = int(number)
    return found


def _unihan_header(path: Path) -> list[str]:
    opener = bz2.open if path.suffix == ".bz2" else open
    keep = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith(("# Date:", "# Unicode version:", "# ©", "# Unicode and the")):
                keep.append(line[2:].rstrip("\n"))
    return keep


def _unicode_permission_notice(copyright_file: Path) -> list[str]:
    """The Unicode licence's permission notice, as Debian's unicode-data states it."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Permission is hereby"))
    end = next(i for i, line in enumerate(lines) if "authorization of the copyright holder" in line)
    return [line.strip() for line in lines[start : end + 1]]


def derive_tongyong_list(
    dest: Path,
    unihan: Path = UNIHAN_OTHER_MAPPINGS,
    copyright_file: Path = UNICODE_COPYRIGHT,
) -> Path:
    """Write the 通用规范汉字表 from Unihan's kTGH field to `dest`, with its provenance and licence.

    The committed `briefing/charsets/tongyong-guifan-2013.txt` is this function's output from
    Debian's unicode-data; a test derives it again where that package is installed.
    """
    table = read_unihan_tongyong(unihan)
    numbers = sorted(table.values())
    if numbers != list(range(1, TONGYONG_SIZE + 1)):
        raise BriefingError(
            _("{path}: kTGH gives {count} characters, not the numbers 1–{size}").format(
                path=unihan, count=len(table), size=TONGYONG_SIZE
            )
        )
    header = [
        "通用规范汉字表 (2013): the 8,105 characters of the Table of General Standard Chinese",
        "Characters, in its order, one a line: number, character, code point (tab-separated).",
        "",
        "Derived by briefing.fontbuild.derive_tongyong_list from the kTGH field of Unihan",
        f"({unihan.name}, Debian package {UNICODE_PACKAGE} {package_version(UNICODE_PACKAGE)}).",
        "Modified: only the kTGH field is kept, rewritten in this layout. The source file says:",
        *(f"  {line}" for line in _unihan_header(unihan)),
        "",
        "Unicode data files are distributed under the Unicode licence, whose permission notice is:",
        "",
        *_unicode_permission_notice(copyright_file),
    ]
    by_number = sorted(table.items(), key=lambda item: item[1])
    body = [f"{n:04d}\t{chr(c)}\tU+{c:04X}" for c, n in by_number]
    text = "".join(f"# {h}".rstrip() + "\n" for h in header) + "".join(f"{b}\n" for b in body)
    _write_atomic(dest, text.encode("utf-8"))
    return dest


def tongyong_chars() -> list[int]:
    """The 通用规范汉字表's 8,105 code points, in the list's order (from the committed list)."""
    text = (importlib.resources.files("briefing") / "charsets" / TONGYONG_LIST).read_text(
        encoding="utf-8"
    )
    chars: list[int] = []
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        number, char, code = line.split("\t")
        if int(number) != len(chars) + 1 or code != f"U+{ord(char):04X}":
            raise BriefingError(
                _("{path}: line {line} is out of order or inconsistent").format(
                    path=TONGYONG_LIST, line=repr(line)
                )
            )
        chars.append(ord(char))
    if len(chars) != TONGYONG_SIZE:
        raise BriefingError(
            _("{path}: {count} characters, not {size}").format(
                path=TONGYONG_LIST, count=len(chars), size=TONGYONG_SIZE
            )
        )
    return chars


def default_charset() -> list[int]:
    """The characters every face is subset to (before intersecting with what a source has)."""
    chars = set(gb2312_chars())
    chars.update(tongyong_chars())
    chars.update(ord(c) for c in PLACE_NAME_EXTRAS)
    chars.update(range(0x20, 0x7F))  # printable ASCII
    chars.update(range(0x3000, 0x3040))  # CJK symbols and punctuation
    chars.update(range(0xFF00, 0xFFF0))  # half- and full-width forms
    chars.update(range(0x2460, 0x2474))  # ① … ⑳
    chars.update(EXTRA_MARKS)
    # U+FF00, U+FFBF … are unassigned: asking for them only clutters the "missing" lists.
    return sorted(c for c in chars if unicodedata.category(chr(c)) != "Cn")


@dataclass(frozen=True, slots=True)
class Donor:
    """A face some glyphs of an output face are taken from (by code point)."""

    source: Path
    index: int
    source_family: str
    source_style: str
    package: str
    chars: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FaceSpec:
    """One output face: where it comes from and what it is called."""

    output: str  # file name in fonts/
    source: Path
    index: int  # expected face index in a .ttc (0 for a plain .ttf); verified by name
    source_family: str  # name ID 1 the face at `index` must have
    source_style: str  # name ID 2 the face at `index` must have
    package: str  # Debian package that ships `source`
    family: str  # new family name
    style: str  # "Regular" or "Bold"
    licence: str  # licence file in fonts/ that covers it
    donor: Donor | None = None  # glyphs taken from another face


SERIF_FOR_KAI = Donor(NOTO_DIR / "NotoSerifCJK-Regular.ttc", 2, "Noto Serif CJK SC", "Regular",
                      "fonts-noto-cjk", PRINTED_IN_KAI)  # fmt: skip

FACES: tuple[FaceSpec, ...] = (
    # Longest builds first so two workers finish together (Serif ≈ 15 s, Sans ≈ 8 s, Kai ≈ 4 s).
    FaceSpec("BriefingSerif-Regular.ttf", NOTO_DIR / "NotoSerifCJK-Regular.ttc", 2,
             "Noto Serif CJK SC", "Regular", "fonts-noto-cjk", "Briefing Serif", "Regular",
             LICENCE_NOTO),
    FaceSpec("BriefingSerif-Bold.ttf", NOTO_DIR / "NotoSerifCJK-Bold.ttc", 2,
             "Noto Serif CJK SC", "Bold", "fonts-noto-cjk", "Briefing Serif", "Bold",
             LICENCE_NOTO),
    FaceSpec("BriefingSans-Regular.ttf", NOTO_DIR / "NotoSansCJK-Regular.ttc", 2,
             "Noto Sans CJK SC", "Regular", "fonts-noto-cjk", "Briefing Sans", "Regular",
             LICENCE_NOTO),
    FaceSpec("BriefingSans-Bold.ttf", NOTO_DIR / "NotoSansCJK-Bold.ttc", 2,
             "Noto Sans CJK SC", "Bold", "fonts-noto-cjk", "Briefing Sans", "Bold",
             LICENCE_NOTO),
    FaceSpec("BriefingKai-Regular.ttf", LXGW_DIR / "LXGWWenKai-Regular.ttf", 0,
             "LXGW WenKai", "Regular", "fonts-lxgw-wenkai", "Briefing Kai", "Regular",
             LICENCE_LXGW, SERIF_FOR_KAI),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BuiltFace:
    """What `build_face` wrote: the file, its glyph count and which requested chars it lacks."""

    path: Path
    glyphs: int
    chars: int  # code points in the output cmap
    missing: tuple[int, ...]  # requested code points the source does not have
    donated: int = 0  # glyphs taken from the donor face


# ----------------------------------------------------------------------------- source faces


def _name(font: TTFont, name_id: int) -> str:
    return font["name"].getDebugName(name_id) or ""


def resolve_face_index(source: Path, family: str, style: str, hint: int = 0) -> int:
    """The index of the face named `family`/`style` in `source`, checked against the name table.

    `hint` is tried first; a collection whose faces moved is searched rather than trusted.
    """
    if not source.is_file():
        raise BriefingError(
            _("{path}: font source not found; install the Debian package that ships it").format(
                path=source
            )
        )
    with source.open("rb") as fh:
        is_collection = fh.read(4) == b"ttcf"
    if not is_collection:
        with TTFont(source, lazy=True) as font:
            found = (_name(font, 1), _name(font, 2))
        if found != (family, style):
            raise BriefingError(
                _("{path}: expected {wanted}, found {found}").format(
                    path=source,
                    wanted=f"{family!r} {style!r}",
                    found=f"{found[0]!r} {found[1]!r}",
                )
            )
        return 0
    with TTCollection(source, lazy=True) as collection:
        faces = collection.fonts
        order = (
            [hint, *(i for i in range(len(faces)) if i != hint)]
            if hint < len(faces)
            else range(len(faces))
        )
        for i in order:
            if (_name(faces[i], 1), _name(faces[i], 2)) == (family, style):
                return i
    raise BriefingError(
        _("{path}: no face named {face}").format(path=source, face=f"{family!r} {style!r}")
    )


# ----------------------------------------------------------------------------- conversion


def _cff_to_glyf(font: TTFont) -> None:
    """Replace CFF outlines with quadratic TrueType ones (the approach of fontTools' otf2ttf)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # CFF outer contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = max(
        (len(getattr(g, "components", ())) for g in glyf.glyphs.values()), default=0
    )
    font["maxp"] = maxp
    maxp.compile(font)
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _take_glyphs(font: TTFont, donor: TTFont, chars: Iterable[int]) -> int:
    """Replace the glyphs of `chars` in `font` with `donor`'s, advance widths included.

    Both faces are 1000 units per em on the same baseline, so outlines are copied as they are.
    Returns how many glyphs were replaced (characters either face lacks are left alone).
    """
    if font["head"].unitsPerEm != donor["head"].unitsPerEm:
        raise BriefingError(_("donor face has another em size"))
    cmap = font.getBestCmap()
    donor_cmap = donor.getBestCmap()
    donor_glyphs = donor.getGlyphSet()
    donor_hmtx = donor["hmtx"]
    cff = "CFF " in donor
    glyf = font["glyf"]
    hmtx = font["hmtx"]
    taken = 0
    for code in chars:
        name, donor_name = cmap.get(code), donor_cmap.get(code)
        if name is None or donor_name is None:
            continue
        pen = TTGlyphPen(donor_glyphs)
        donor_glyphs[donor_name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=cff))
        glyph = pen.glyph()
        glyph.recalcBounds(glyf)
        glyf[name] = glyph
        hmtx[name] = (donor_hmtx[donor_name][0], getattr(glyph, "xMin", 0))
        taken += 1
    return taken


def _set_post_format3(font: TTFont) -> None:
    # Glyph names are of no use to ReportLab or matplotlib; format 3 stores none.
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}


def _rename(font: TTFont, family: str, style: str) -> None:
    """Give the face its own names; no record of the original family name survives."""
    name = font["name"]
    name.names = [n for n in name.names if n.nameID not in FAMILY_NAME_IDS]
    ps_name = f"{family.replace(' ', '')}-{style}"
    version = _name(font, 5).removeprefix("Version ").split(";")[0]
    for name_id, value in (
        (1, family),
        (2, style),
        (3, f"{version};{ps_name}"),
        (4, f"{family} {style}"),
        (6, ps_name),
        (16, family),
        (17, style),
    ):
        name.setName(value, name_id, 3, 1, 0x409)
    name.names.sort(key=lambda n: (n.platformID, n.platEncID, n.langID, n.nameID))


def build_face(
    source: Path,
    index: int,
    dest: Path,
    chars: Iterable[int],
    family: str,
    style: str,
    donor: Donor | None = None,
) -> BuiltFace:
    """Subset face `index` of `source` to `chars`, as TrueType named `family` `style`, into `dest`.

    With a `donor`, the glyphs of `donor.chars` are then taken from that face. The same inputs
    give the same bytes; `dest` is replaced atomically.
    """
    wanted = sorted(set(chars))
    # The source faces stay open (fontTools reads them lazily) until the subset is saved.
    with contextlib.ExitStack() as files:
        font = files.enter_context(TTFont(source, fontNumber=index, recalcTimestamp=False))
        present = set(font.getBestCmap())
        missing = tuple(c for c in wanted if c not in present)
        # Unicode variation sequences would pull variant glyphs in; nothing we use reads them.
        font["cmap"].tables = [t for t in font["cmap"].tables if t.format != 14]

        options = ft_subset.Options()
        options.layout_features = []
        options.layout_closure = False
        options.drop_tables = sorted({*options.drop_tables, *DROP_TABLES})
        # Print and vector output; CFF hints do not survive conversion anyway.
        options.hinting = False
        options.notdef_outline = True  # a missed check shows a box, not an invisible gap
        options.glyph_names = False
        options.name_IDs = ["*"]
        options.name_languages = [0x409]
        options.name_legacy = False  # drops Mac-platform names (and the Chinese family names)
        options.recalc_timestamp = False
        options.prune_unicode_ranges = True
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=[c for c in wanted if c in present])
        subsetter.subset(font)

        if "CFF " in font:
            _cff_to_glyf(font)
        donated = 0
        if donor is not None:
            donor_index = resolve_face_index(
                donor.source, donor.source_family, donor.source_style, donor.index
            )
            # Open until the subset is saved: fontTools reads the donor's glyphs lazily.
            donor_font = files.enter_context(TTFont(donor.source, fontNumber=donor_index))
            donated = _take_glyphs(font, donor_font, donor.chars)
        _set_post_format3(font)
        _rename(font, family, style)

        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        font.save(tmp)
    tmp.replace(dest)

    with TTFont(dest, lazy=True) as out:
        return BuiltFace(
            path=dest,
            glyphs=out["maxp"].numGlyphs,
            chars=len(out.getBestCmap()),
            missing=missing,
            donated=donated,
        )


# ----------------------------------------------------------------------------- provenance


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_version(package: str) -> str:
    """The installed Debian version of `package`, or 'unknown' where dpkg is not available."""
    try:
        # dpkg-query is looked up on PATH like dpkg itself; `package` is one of our own names.
        done = subprocess.run(  # noqa: S603
            ["dpkg-query", "-W", "-f=${Version}", package],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def _debian_ofl_text(package: str) -> str:
    """The SIL OFL 1.1 body from /usr/share/doc/<package>/copyright, as plain text."""
    copyright_file = Path("/usr/share/doc") / package / "copyright"
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    body: list[str] = []
    inside = False
    # The licence text is the indented continuation of a stand-alone `License: SIL-1.1` (or
    # OFL-1.1) paragraph; the same field in a `Files:` paragraph has no text under it.
    for line in lines:
        if re.fullmatch(r"License: (SIL-1\.1|OFL-1\.1)", line):
            inside = True
            continue
        if inside:
            if not line.startswith(" "):
                if body:
                    break
                inside = False
                continue
            text = line[1:]
            body.append("" if text == "." else text)
    while body and not body[-1].strip():
        body.pop()
    if not any("SIL OPEN FONT LICENSE Version 1.1" in b for b in body):
        raise BriefingError(_("{path}: no SIL OFL 1.1 text found").format(path=copyright_file))
    return "\n".join(body).strip("\n") + "\n"


# Copyright lines and Reserved Font Names as the upstream projects state them (noto-cjk's
# Sans/LICENSE and Serif/LICENSE; LxgwWenKai's OFL.txt and the Debian copyright file).
_LICENCE_HEADERS = {
    LICENCE_NOTO: (
        "Briefing Sans (BriefingSans-Regular.ttf, BriefingSans-Bold.ttf) and Briefing Serif\n"
        "(BriefingSerif-Regular.ttf, BriefingSerif-Bold.ttf) are Modified Versions of Noto "
        "Sans CJK SC\n"
        "and Noto Serif CJK SC: subset, converted to TrueType outlines and renamed. They are\n"
        "distributed under the SIL Open Font License 1.1 below, as the originals are.\n"
        "\n"
        "Noto Sans CJK:\n"
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Noto Serif CJK:\n"
        "Copyright 2017-2022 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "\n"
        "Noto is a trademark of Google Inc.\n"
    ),
    LICENCE_LXGW: (
        "Briefing Kai (BriefingKai-Regular.ttf) is a Modified Version of LXGW WenKai Regular:\n"
        "subset and renamed, with its Latin letters, digits and signs (the characters listed as\n"
        "glyphs_from in manifest.json) replaced by those of Noto Serif CJK SC Regular, "
        "converted to\n"
        "TrueType outlines. Both are under the SIL Open Font License 1.1, and so is Briefing Kai;\n"
        "the licence text is below.\n"
        "\n"
        "LXGW WenKai:\n"
        "Copyright 2021-2023 LXGW (https://github.com/lxgw/LxgwWenKai), with Reserved Font Names\n"
        '"霞鹜" and "LXGW".\n'
        "Copyright 2020 The Klee Project Authors (https://github.com/fontworks-fonts/Klee)\n"
        "Klee is a trademark of Fontworks Inc.\n"
        "\n"
        "Noto Serif CJK (the glyphs named above):\n"
        "Copyright 2017-2022 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Noto is a trademark of Google Inc.\n"
    ),
}

_LICENCE_PACKAGES = {LICENCE_NOTO: "fonts-noto-cjk", LICENCE_LXGW: "fonts-lxgw-wenkai"}


def write_licences(dest: Path) -> list[Path]:
    """Write the OFL texts with the copyright lines of the fonts they cover."""
    written = []
    for file_name, header in _LICENCE_HEADERS.items():
        package = _LICENCE_PACKAGES[file_name]
        notices = _source_notices(package)
        text = header
        if notices:
            text += "\nCopyright notices embedded in the source fonts (name ID 0):\n"
            text += "".join(f"  {n}\n" for n in notices)
        text += "\n" + _debian_ofl_text(package)
        path = dest / file_name
        _write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written


def _source_notices(package: str) -> list[str]:
    notices: list[str] = []
    for spec in FACES:
        if spec.package != package or not spec.source.is_file():
            continue
        index = resolve_face_index(spec.source, spec.source_family, spec.source_style, spec.index)
        with TTFont(spec.source, fontNumber=index, lazy=True) as font:
            notice = _name(font, 0)
        for line in notice.splitlines():
            if line.strip() and line.strip() not in notices:
                notices.append(line.strip())
    return notices


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# ----------------------------------------------------------------------------- the whole set


def _build_one(spec: FaceSpec, dest: Path, chars: Sequence[int]) -> dict[str, Any]:
    started = time.perf_counter()
    index = resolve_face_index(spec.source, spec.source_family, spec.source_style, spec.index)
    built = build_face(
        spec.source, index, dest / spec.output, chars, spec.family, spec.style, spec.donor
    )
    entry: dict[str, Any] = {
        "file": spec.output,
        "family": spec.family,
        "style": spec.style,
        "postscript_name": f"{spec.family.replace(' ', '')}-{spec.style}",
        "bytes": built.path.stat().st_size,
        "sha256": sha256_file(built.path),
        "glyphs": built.glyphs,
        "chars": built.chars,
        "missing_from_source": [f"U+{c:04X}" for c in built.missing],
        "licence": spec.licence,
        "source": {
            # The name only: the folder is the package's (see FACES), not something to record.
            "file": spec.source.name,
            "face_index": index,
            "family": spec.source_family,
            "style": spec.source_style,
            "package": spec.package,
            "package_version": package_version(spec.package),
            "sha256": sha256_file(spec.source),
        },
        "_seconds": time.perf_counter() - started,
    }
    if spec.donor is not None:
        donor = spec.donor
        entry["glyphs_from"] = {
            "file": donor.source.name,
            "face_index": resolve_face_index(
                donor.source, donor.source_family, donor.source_style, donor.index
            ),
            "family": donor.source_family,
            "style": donor.source_style,
            "package": donor.package,
            "package_version": package_version(donor.package),
            "sha256": sha256_file(donor.source),
            "chars": "".join(chr(c) for c in donor.chars),
            "glyphs": built.donated,
        }
    return entry


def build_all(dest: Path, jobs: int = 2) -> list[Path]:
    """Build the five faces, the licences and `manifest.json` into `dest`; return the paths written.

    Faces build in `jobs` processes. The manifest holds no times, so rebuilding from the same
    sources changes no byte.
    """
    dest.mkdir(parents=True, exist_ok=True)
    chars = default_charset()
    for spec in FACES:
        resolve_face_index(spec.source, spec.source_family, spec.source_style, spec.index)
        if spec.donor is not None:
            d = spec.donor
            resolve_face_index(d.source, d.source_family, d.source_style, d.index)
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            entries = list(pool.map(_build_one, FACES, [dest] * len(FACES), [chars] * len(FACES)))
    else:
        entries = [_build_one(spec, dest, chars) for spec in FACES]
    for e in entries:
        log.info(
            _("built {file} in {seconds:.1f} s: {size} bytes, {glyphs} glyphs").format(
                file=e["file"], seconds=e.pop("_seconds"), size=e["bytes"], glyphs=e["glyphs"]
            )
        )

    licences = write_licences(dest)
    manifest = {
        "about": "Font subsets built by briefing.fontbuild (make fonts); see README.md.",
        "builder": {"fonttools": fonttools_version},
        "charset": {
            "description": "GB 2312 (Python gb2312 codec, A1A1-F7FE), the 8,105 characters of "
            "the 通用规范汉字表 (2013; briefing/charsets/tongyong-guifan-2013.txt, from Unihan "
            "kTGH), the place-name characters in PLACE_NAME_EXTRAS, printable ASCII, "
            "U+3000-303F, U+FF00-FFEF, U+2460-2473 and the marks in EXTRA_MARKS; "
            "assigned code points only",
            "tongyong_guifan_sha256": sha256_file(
                Path(str(importlib.resources.files("briefing") / "charsets" / TONGYONG_LIST))
            ),
            "unicodedata": unicodedata.unidata_version,
            "size": len(chars),
            "sha256": hashlib.sha256("".join(chr(c) for c in chars).encode("utf-8")).hexdigest(),
        },
        "fonts": sorted(entries, key=lambda e: e["file"]),
        "licences": {p.name: sha256_file(p) for p in licences},
    }
    manifest_path = dest / MANIFEST
    _write_atomic(
        manifest_path,
        (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"),
    )
    return [dest / spec.output for spec in FACES] + licences + [manifest_path]


def check_manifest(dest: Path) -> list[str]:
    """Problems with `dest` against its manifest: missing or changed files; [] if all is well."""
    manifest_path = dest / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [_("{path}: missing; run `make fonts`").format(path=manifest_path)]
    except (OSError, ValueError) as exc:
        return [
            _("{path}: unreadable ({reason}); run `make fonts`").format(
                path=manifest_path, reason=exc
            )
        ]
    problems: list[str] = []
    listed: set[str] = set()
    expected = {
        **{e["file"]: e["sha256"] for e in manifest.get("fonts", [])},
        **manifest.get("licences", {}),
    }
    for file_name, sha in expected.items():
        listed.add(file_name)
        path = dest / file_name
        if not path.is_file():
            problems.append(
                _("{path}: missing (listed in {manifest})").format(path=path, manifest=MANIFEST)
            )
        elif sha256_file(path) != sha:
            problems.append(
                _("{path}: sha256 differs from {manifest}; rebuild with `make fonts`").format(
                    path=path, manifest=MANIFEST
                )
            )
    for spec in FACES:
        if spec.output not in listed:
            problems.append(
                _("{path}: not listed in {manifest}").format(
                    path=dest / spec.output, manifest=MANIFEST
                )
            )
    for path in sorted(dest.glob("*.ttf")):
        if path.name not in listed:
            problems.append(
                _("{path}: not listed in {manifest}").format(path=path, manifest=MANIFEST)
            )
    return problems
