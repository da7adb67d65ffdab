"""Turn a chart label and a width into the lines it is set on, breaking Chinese text where the rules allow.

Chart labels are short (a dataset label is at most 40 characters) and set in one face and size,
so a small greedy breaker is enough; it keeps the rules the whole document keeps (W3C clreq): no
line starts with closing punctuation, none ends with opening punctuation, and runs of digits and
Latin letters (98.73%, 12345) are never split.
"""

from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

NO_START = set("，。、；：？！）》」』】〕〉］｝”’％‰·…—,.;:?!)]}%")
NO_END = set("（《「『【〔〈［｛“‘([{")
_TOKEN_RE = re.compile(r"[A-Za-z0-9.%+\-−/]+|——|……|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin/digit runs, the two-em dashes and ellipses, single characters."""
    return _TOKEN_RE.findall(text)


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaking under the Chinese rules.

    A run of digits or letters wider than the line is broken between characters; where a line
    has no legal break point (only in absurd inputs such as a run of closing marks) it runs past
    the width to the next one.
    """
    toks: list[str] = []
    for tok in tokens(text):
        # A run of digits or letters longer than the line is broken where it must be, rather
        # than left to run out of the chart.
        toks.extend(tok if len(tok) > 1 and stringWidth(tok, font, size) > max_width else [tok])
    lines: list[list[str]] = [[]]
    line_w = 0.0
    for tok in toks:
        w = stringWidth(tok, font, size)
        if not lines[-1] or line_w + w <= max_width + 1e-6:
            lines[-1].append(tok)
            line_w += w
            continue
        # Break before `tok`. A closing mark may not start the new line and an opening mark may
        # not end the old one: carry characters over until both rules hold.
        carry: list[str] = [tok]
        current = lines[-1]
        while len(current) > 1 and (carry[0][0] in NO_START or current[-1][-1] in NO_END):
            carry.insert(0, current.pop())
        if carry[0][0] in NO_START or current[-1][-1] in NO_END:
            # No legal break on this line: it runs past the width until the next legal break.
            current.extend(carry)
            line_w = sum(stringWidth(t, font, size) for t in current)
            continue
        lines.append(carry)
        line_w = sum(stringWidth(t, font, size) for t in carry)
    return ["".join(line) for line in lines if line]
