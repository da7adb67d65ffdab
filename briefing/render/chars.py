"""Classify a character of Simplified Chinese running text into the class the line breaker needs.

The classes follow W3C "Requirements for Chinese Text Layout" (clreq) and GB/T 15834: what may
start or end a line, which full-width marks carry an empty half that can be compressed, and where
the Han–Latin quarter-em gap goes. Nothing here knows about fonts; widths come from `linebreak`.
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache


class CharClass(IntEnum):
    """What a character does at a line edge and beside its neighbours."""

    SPACE = 0  # an ASCII space: a break opportunity, dropped at line edges
    IDEO = 1  # Han ideographs (and kana): Han–Latin spacing applies
    FULL = 2  # other full-width symbols (①, ℃, full-width digits): break freely, no spacing
    LATIN = 3  # narrow letters, digits and ASCII punctuation: glued into unbreakable words
    OPEN = 4  # opening brackets and quotes: ink in the right half, never end a line
    CLOSE = 5  # closing brackets and quotes: ink in the left half, never start a line
    STOP = 6  # 、，。．；：？！ — ink in the left half (GB style), never start a line
    MIDDOT = 7  # interpunct ·, never starts a line
    PERCENT = 8  # ％ ‰, never start a line
    DASH = 9  # — (a 破折号 is two of them), never split, never starts a line (strict)
    ELLIPSIS = 10  # … (a 省略号 is two of them), never split, never starts a line (strict)


OPENING = "“‘（《「『【〔〈［｛〖〘"
CLOSING = "”’）》」』】〕〉］｝〗〙"
STOPS = "、，。．；：？！"
MIDDOTS = "·・‧"
PERCENTS = "％‰"
DASHES = "—―"
ELLIPSES = "…⋯"

#: Classes that may not begin a line (clreq, strict level: dashes and ellipses included).
NO_START = frozenset(
    {
        CharClass.CLOSE,
        CharClass.STOP,
        CharClass.MIDDOT,
        CharClass.PERCENT,
        CharClass.DASH,
        CharClass.ELLIPSIS,
    }
)
#: Classes that may not end a line.
NO_END = frozenset({CharClass.OPEN})
#: Full-width marks whose empty half (right for these) may be removed.
INK_LEFT = frozenset({CharClass.CLOSE, CharClass.STOP})
#: Full-width marks whose empty left half may be removed.
INK_RIGHT = frozenset({CharClass.OPEN})
#: Full-width marks that are glyph-doubled and drawn as one unbroken unit.
DOUBLED = frozenset({CharClass.DASH, CharClass.ELLIPSIS})

_TABLE: dict[str, CharClass] = {}
for _chars, _cls in (
    (OPENING, CharClass.OPEN),
    (CLOSING, CharClass.CLOSE),
    (STOPS, CharClass.STOP),
    (MIDDOTS, CharClass.MIDDOT),
    (PERCENTS, CharClass.PERCENT),
    (DASHES, CharClass.DASH),
    (ELLIPSES, CharClass.ELLIPSIS),
):
    for _c in _chars:
        _TABLE[_c] = _cls


def _is_ideograph(cp: int) -> bool:
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x3040 <= cp <= 0x30FF  # kana
        or 0x3005 <= cp <= 0x3007  # 々 〆 〇
        or 0x20000 <= cp <= 0x3FFFF
    )


@lru_cache(maxsize=4096)
def classify(ch: str) -> CharClass:
    """Return the line-breaking class of one character."""
    cls = _TABLE.get(ch)
    if cls is not None:
        return cls
    if ch == " ":
        return CharClass.SPACE
    cp = ord(ch)
    if _is_ideograph(cp):
        return CharClass.IDEO
    # Everything from the CJK symbol blocks up is full width (①, ℃ is below but drawn wide).
    if cp >= 0x2E80 or 0x2460 <= cp <= 0x24FF or ch in "℃℉№":
        return CharClass.FULL
    return CharClass.LATIN


def is_alnum_latin(ch: str) -> bool:
    """True for a narrow letter or digit: the side of a Han–Latin gap that is not Han."""
    return ch.isalnum() and ord(ch) < 0x2E80


def is_digit(ch: str) -> bool:
    """True for an ASCII digit, the start of a figure whose unit must stay with it."""
    return "0" <= ch <= "9"
