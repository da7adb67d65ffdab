"""Text in, its printed width in ems out: what the validator measures labels by, without ReportLab.

Widths of printable ASCII are the largest advance (in 1/1000 em) any of our five faces gives the
character, read from their hmtx tables with fontTools when the subsets were built; they change
only with the fonts (tests/test_hostile.py checks them against the files). Wide characters
(East Asian Width W or F: Han, kana, full-width punctuation) are one em, as every face draws them;
anything else is taken as 0.7 em. Between a Han and a Latin character the typesetting layer puts
a quarter em, so that gap is counted too.
"""

from __future__ import annotations

import unicodedata

# U+0020..U+007E, in 1/1000 em.
ASCII_WIDTHS = (
    350,
    370,
    574,
    615,
    590,
    966,
    803,
    325,
    400,
    400,
    507,
    603,
    335,
    370,
    335,
    400,
    593,
    590,
    594,
    593,
    593,
    594,
    594,
    590,
    594,
    596,
    335,
    335,
    603,
    603,
    603,
    514,
    1007,
    746,
    708,
    702,
    789,
    666,
    648,
    757,
    864,
    426,
    568,
    767,
    642,
    1001,
    815,
    785,
    673,
    785,
    751,
    624,
    695,
    818,
    734,
    1091,
    726,
    701,
    627,
    378,
    400,
    378,
    603,
    593,
    626,
    591,
    672,
    565,
    658,
    581,
    402,
    597,
    687,
    349,
    335,
    651,
    355,
    1008,
    685,
    626,
    671,
    644,
    500,
    499,
    421,
    678,
    578,
    874,
    599,
    582,
    517,
    380,
    338,
    380,
    603,
)
OTHER_NARROW = 0.7
HAN_LATIN_GAP = 0.25


def char_width(ch: str) -> float:
    """The advance of one character in ems."""
    code = ord(ch)
    if 0x20 <= code <= 0x7E:
        return ASCII_WIDTHS[code - 0x20] / 1000
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return OTHER_NARROW


def text_width(text: str) -> float:
    """The printed width of  in ems, with the Han–Latin gaps the typesetting layer adds."""
    total = 0.0
    previous_wide: bool | None = None
    for ch in text:
        width = char_width(ch)
        wide = width == 1.0 and not ch.isascii()
        if previous_wide is not None and wide != previous_wide and not ch.isspace():
            total += HAN_LATIN_GAP
        total += width
        previous_wide = None if ch.isspace() else wide
    return total
