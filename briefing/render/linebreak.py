"""Break spans of Chinese text into justified lines of a given width: spans and a style in, `Line`s
out.

This is the pure part of the typesetting layer: it measures characters with ReportLab's font
metrics but draws nothing, so every rule can be tested without a PDF. The rules are those of
W3C clreq and GB/T 15834 (see `chars`):

* break opportunities: between Han characters, at spaces, around Latin words and figures; never
  before closing marks, never after opening ones, never inside a Latin word, a figure, ——, ……,
  nor between a figure and the unit character after it;
* widths: full-width marks lose their empty half at a line end and in adjacent pairs; an opening
  mark at the start of a line may lose its empty left half; a quarter-em gap separates Han from
  Latin letters and digits (except at line edges);
* choosing breaks: total fit (Knuth–Plass style) over the allowed breaks, so a prohibited break is
  resolved by pushing the unbreakable cluster to the next line or, when that distorts less, by
  compressing the line's punctuation, and a last line with a single character is avoided; a
  first-fit breaker (which also cuts tokens wider than the measure) is the fallback;
* justification: every line but the last is spread to the measure by adding space between
  characters (never inside a Latin word, ——, ……).

Cost is linear in the number of characters: widths come from prefix sums, and each break looks
back only over the few earlier breaks that give a line of acceptable width.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace

from briefing import fonts
from briefing._reportlab import pdfmetrics
from briefing.errors import FontCoverageError
from briefing.i18n import _
from briefing.render.chars import (
    DOUBLED,
    INK_LEFT,
    INK_RIGHT,
    NO_END,
    NO_START,
    CharClass,
    classify,
    is_alnum_latin,
    is_digit,
)
from briefing.render.styles import Span, TextStyle

EPS = 1e-6
#: Total-fit weights: badness of added space (per justification slot, in em, squared), of
#: compressed punctuation (per line, in em, squared), and of a one-character last line.
STRETCH_WEIGHT = 1000.0
SQUEEZE_WEIGHT = 10.0
WIDOW_PENALTY = 10_000.0
#: Lines needing more added space than this (in em) are left to the greedy fallback.
MAX_STRETCH_EM = 4.0
#: Superscripts (footnote markers) are set at this fraction of the size, raised by RISE.
SUPERSCRIPT_SCALE = 0.6
SUPERSCRIPT_RISE = 0.36
#: Characters after which an over-long URL or word is preferably cut.
_CUT_AFTER = frozenset("/.-_?&=#:")
# ASCII whitespace only: U+3000 is a full-width space that keeps its em (图3　标题).
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
_PUNCT = frozenset(
    {
        CharClass.OPEN,
        CharClass.CLOSE,
        CharClass.STOP,
        CharClass.MIDDOT,
        CharClass.PERCENT,
        CharClass.DASH,
        CharClass.ELLIPSIS,
        CharClass.SPACE,
    }
)

# font name -> {char: advance in em}; filled lazily, shared by every paragraph.
_WIDTHS: dict[str, dict[str, float]] = {}
# (font, size, tracking) -> {char: (font advance, layout advance, full width, h-scale)}.
_METRICS: dict[tuple[str, float, float], dict[str, tuple[float, float, bool, float]]] = {}
_MARKS = INK_LEFT | INK_RIGHT


def _metrics(
    face: str, size: float, tracking: float
) -> dict[str, tuple[float, float, bool, float]]:
    key = (face, size, tracking)
    table = _METRICS.get(key)
    if table is None:
        if len(_METRICS) > 512:  # auto-fit tries many sizes; keep the cache bounded
            _METRICS.clear()
        table = _METRICS[key] = {}
    return table


def _measure(face: str, ch: str, size: float, tracking: float) -> tuple[float, float, bool, float]:
    em = advance_em(face, ch)
    h = 1.0
    if classify(ch) == CharClass.DASH and em < 0.98:
        # Noto's U+2014 is 0.89 em: widen it to the full em a GB/T 15834 dash occupies
        # (drawn with horizontal scaling; `typography` bridges the gap inside ——).
        h = 1.0 / em
        em = 1.0
    fa = em * size
    return fa, fa + tracking, em >= 0.9, h


def advance_em(font: str, ch: str) -> float:
    """Return the advance of `ch` in `font` as a fraction of the em, raising if the glyph is
    missing.
    """
    table = _WIDTHS.get(font)
    if table is None:
        table = _WIDTHS[font] = {}
    w = table.get(ch)
    if w is None:
        f = pdfmetrics.getFont(font)
        face = getattr(f, "face", None)
        char_to_glyph = getattr(face, "charToGlyph", None)
        if char_to_glyph is not None and ord(ch) not in char_to_glyph and ch != " ":
            raise FontCoverageError(
                _(
                    "character {char} (U+{code}) is not in font {font}; rephrase the text or add "
                    "the character to the font subset"
                ).format(char=repr(ch), code=f"{ord(ch):04X}", font=font)
            )
        w = table[ch] = pdfmetrics.stringWidth(ch, font, 1000) / 1000.0
    return w


@dataclass(frozen=True, slots=True)
class Prepared:
    """A paragraph's characters with everything that does not depend on the measure."""

    chars: str
    cls: tuple[CharClass, ...]
    font: tuple[str, ...]
    size: tuple[float, ...]  # font size of each glyph (superscripts already scaled)
    font_adv: tuple[float, ...]  # advance the PDF viewer will use (font width x size x hscale)
    adv: tuple[float, ...]  # advance used for layout (font_adv + tracking)
    full: tuple[bool, ...]  # drawn on a full em: compression applies
    hscale: tuple[float, ...]  # horizontal scaling of the glyph (1.0 but for narrow dashes)
    span: tuple[int, ...]  # index of the source span
    sup: tuple[bool, ...]
    lt: tuple[float, ...]  # left trim from adjacent-pair compression
    rt: tuple[float, ...]  # right trim from adjacent-pair compression
    gap: tuple[float, ...]  # Han–Latin gap before each glyph
    comp: tuple[float, ...]  # how much more each mark could be compressed
    etrim: tuple[float, ...]  # trim of a full-width closing mark that ends a line
    strim: tuple[float, ...]  # trim of a full-width opening mark that starts a line
    prefix: tuple[float, ...]  # prefix sums of (advance - trims + gap)
    cprefix: tuple[float, ...]  # prefix sums of comp
    sprefix: tuple[int, ...]  # prefix counts of justification slots (a slot is before glyph i)
    rprefix: tuple[int, ...]  # prefix counts of "real" characters (not punctuation or space)
    ends: tuple[int, ...]  # break opportunities: a line may end before glyph ends[k] ...
    nexts: tuple[int, ...]  # ... and the next line then starts at nexts[k] (skipping a space)
    spans: tuple[Span, ...]
    style: TextStyle

    def __len__(self) -> int:
        return len(self.chars)


@dataclass(frozen=True, slots=True)
class Line:
    """One set line: glyphs prep[start:end] drawn with their origins at `xs` (pt from the left)."""

    start: int
    end: int
    text: str
    xs: tuple[float, ...]
    left_pt: float  # where the set material starts (indent or alignment offset)
    width_pt: float  # from left_pt to the end of the last glyph's (trimmed) advance
    is_last: bool
    justified: bool
    squeezed_pt: float  # how much punctuation was compressed to fit this line

    @property
    def right_pt(self) -> float:
        return self.left_pt + self.width_pt


def _normalise(spans: Sequence[Span]) -> tuple[list[str], list[int]]:
    """Collapse whitespace runs to one space, drop invisible controls, trim the paragraph.

    Returns the characters and the index of the span each comes from.
    """
    chars: list[str] = []
    owner: list[int] = []
    prev_space = True  # drop leading space
    for si, sp in enumerate(spans):
        text = _SPACE_RUN.sub(" ", sp.text)
        if " " not in text and text.isprintable():
            # The usual case: no space to collapse and no control character (printable text
            # has no Cc or Cf) - take the span whole.
            if text:
                chars.extend(text)
                owner.extend([si] * len(text))
                prev_space = False
            continue
        for ch in text:
            if ch == " ":
                if prev_space:
                    continue
                prev_space = True
            else:
                if unicodedata.category(ch) in ("Cc", "Cf"):
                    continue
                prev_space = False
            chars.append(ch)
            owner.append(si)
    while chars and chars[-1] == " ":
        chars.pop()
        owner.pop()
    return chars, owner


# Per character, once per process: its class, whether it is a narrow letter or digit (the
# Latin side of a Han-Latin gap) and whether it is an ASCII digit.
_CHAR_INFO: dict[str, tuple[CharClass, bool, bool]] = {}


def _info(ch: str) -> tuple[CharClass, bool, bool]:
    found = _CHAR_INFO.get(ch)
    if found is None:
        found = _CHAR_INFO[ch] = (classify(ch), is_alnum_latin(ch), is_digit(ch))
    return found


def _break_allowed(
    prev: int, cur: int, cls: Sequence[CharClass], chars: str, sup: Sequence[bool]
) -> bool:
    a, b = cls[prev], cls[cur]
    if b in NO_START or a in NO_END:
        return False
    if a == CharClass.LATIN and b == CharClass.LATIN:
        return False
    if sup[cur]:  # a footnote marker stays with the word it marks
        return False
    # 1313件, 2024年: a figure keeps its unit.
    if is_digit(chars[prev]) and b in (CharClass.IDEO, CharClass.FULL):
        return False
    # 1—11月: a range of figures stays on one line.
    return not (a == CharClass.DASH and is_digit(chars[cur]) and prev and is_digit(chars[prev - 1]))


def prepare(spans: Sequence[Span], style: TextStyle) -> Prepared:
    """Measure and classify the characters of `spans` set in `style` (independent of the
    measure).
    """
    fonts.register_reportlab()
    char_list, span_ix = _normalise(spans)
    n = len(char_list)
    chars = "".join(char_list)
    infos = [_CHAR_INFO.get(ch) or _info(ch) for ch in char_list]
    cls = [f[0] for f in infos]
    alnum = [f[1] for f in infos]
    digit = [f[2] for f in infos]
    font: list[str] = [""] * n
    size: list[float] = [0.0] * n
    font_adv: list[float] = [0.0] * n
    adv: list[float] = [0.0] * n
    full: list[bool] = [False] * n
    hscale: list[float] = [1.0] * n
    sup: list[bool] = [False] * n
    i = 0
    while i < n:
        # One span at a time: its face, size and metrics table are looked up once.
        si = span_ix[i]
        j = i
        while j < n and span_ix[j] == si:
            j += 1
        sp = spans[si]
        face = fonts.face_for(sp.role or style.role, bold=sp.bold or style.bold)
        sz = sp.size_pt if sp.size_pt is not None else style.size_pt
        is_sup = sp.superscript
        if is_sup:
            sz *= SUPERSCRIPT_SCALE
        track = 0.0 if is_sup else style.tracking_pt
        table = _metrics(face, sz, track)
        get = table.get
        for k in range(i, j):
            m = get(char_list[k])
            if m is None:
                m = table[char_list[k]] = _measure(face, char_list[k], sz, track)
            font_adv[k], adv[k], full[k], hscale[k] = m
        font[i:j] = [face] * (j - i)
        size[i:j] = [sz] * (j - i)
        if is_sup:
            sup[i:j] = [True] * (j - i)
        i = j

    lt = [0.0] * n
    rt = [0.0] * n
    gap = [0.0] * n
    autospace = style.han_latin_space
    ideo = CharClass.IDEO
    for i in range(1, n):
        a, b = cls[i - 1], cls[i]
        if a in _MARKS and b in _MARKS and full[i - 1] and full[i]:
            # Two adjacent marks take 1.5 em: remove an empty half that faces the other mark.
            if a in INK_LEFT:
                rt[i - 1] = 0.5 * size[i - 1]
            elif b in INK_RIGHT:
                lt[i] = 0.5 * size[i]
        elif (
            autospace
            and ((a == ideo and alnum[i]) or (b == ideo and alnum[i - 1]))
            and not sup[i - 1]
            and not sup[i]
        ):
            gap[i] = 0.25 * max(size[i - 1], size[i])

    comp = [0.0] * n
    etrim = [0.0] * n  # set half width when it ends a line
    strim = [0.0] * n  # set half width when it starts a (non-indented) line
    for i in range(n):
        if full[i]:
            if cls[i] in INK_LEFT and rt[i] == 0.0:
                comp[i] = etrim[i] = 0.5 * size[i]
            elif cls[i] in INK_RIGHT and lt[i] == 0.0:
                comp[i] = 0.5 * size[i]
                if style.compress_line_start_open:
                    strim[i] = comp[i]

    prefix = [0.0] * (n + 1)
    cprefix = [0.0] * (n + 1)
    sprefix = [0] * (n + 1)
    rprefix = [0] * (n + 1)
    acc = cacc = 0.0
    slots = reals = 0
    for i in range(n):
        acc += adv[i] - lt[i] - rt[i] + gap[i]
        cacc += comp[i]
        prefix[i + 1] = acc
        cprefix[i + 1] = cacc
        # Justification space may go before glyph i unless it would open up a Latin word,
        # a —— or ……, or separate a footnote marker from its word.
        if i and not (
            (cls[i - 1] == CharClass.LATIN and cls[i] == CharClass.LATIN)
            or (cls[i - 1] == cls[i] and cls[i] in DOUBLED)
            or sup[i]
        ):
            slots += 1
        sprefix[i + 1] = slots
        reals += cls[i] not in _PUNCT
        rprefix[i + 1] = reals

    ends: list[int] = []
    nexts: list[int] = []
    kept = [sp.keep for sp in spans]
    space, latin, full_cls, dash = CharClass.SPACE, CharClass.LATIN, CharClass.FULL, CharClass.DASH
    for i in range(1, n):
        if kept[span_ix[i]] and span_ix[i - 1] == span_ix[i]:
            continue  # inside a span that must not break
        a, b = cls[i - 1], cls[i]
        if b == space:
            # A break at a space swallows it, unless a closing mark follows or an opening precedes.
            if i + 1 < n and cls[i + 1] not in NO_START and a not in NO_END:
                ends.append(i)
                nexts.append(i + 1)
            continue
        # What _break_allowed decides, inlined: this loop runs once per character.
        if a == space or b in NO_START or a in NO_END or (a == latin and b == latin) or sup[i]:
            continue
        if digit[i - 1] and b in (ideo, full_cls):
            continue  # 1313件, 2024年: a figure keeps its unit
        if a == dash and digit[i] and i > 1 and digit[i - 2]:
            continue  # 1—11月: a range of figures stays on one line
        ends.append(i)
        nexts.append(i)
    ends.append(n)
    nexts.append(n)

    return Prepared(
        chars=chars,
        cls=tuple(cls),
        font=tuple(font),
        size=tuple(size),
        font_adv=tuple(font_adv),
        adv=tuple(adv),
        full=tuple(full),
        hscale=tuple(hscale),
        span=tuple(span_ix),
        sup=tuple(sup),
        lt=tuple(lt),
        rt=tuple(rt),
        gap=tuple(gap),
        comp=tuple(comp),
        etrim=tuple(etrim),
        strim=tuple(strim),
        prefix=tuple(prefix),
        cprefix=tuple(cprefix),
        sprefix=tuple(sprefix),
        rprefix=tuple(rprefix),
        ends=tuple(ends),
        nexts=tuple(nexts),
        spans=tuple(spans),
        style=style,
    )


class _Breaker:
    """Line widths and choices for one Prepared paragraph at one measure."""

    def __init__(self, p: Prepared, width_pt: float, indent_first: bool) -> None:
        self.p = p
        self.width = width_pt
        style = p.style
        self.indent = style.first_indent_em * style.size_pt if indent_first else 0.0

    def measure(self, first: bool) -> float:
        return self.width - (self.indent if first else 0.0)

    def start_trim(self, s: int, first: bool) -> float:
        return 0.0 if first and self.indent > 0 else self.p.strim[s]

    def end_trim(self, e: int) -> float:
        return self.p.etrim[e - 1]

    def natural(self, s: int, e: int, first: bool) -> float:
        p = self.p
        st = 0.0 if first and self.indent > 0 else p.strim[s]
        return p.prefix[e] - p.prefix[s] - p.gap[s] - p.etrim[e - 1] - st

    def capacity(self, s: int, e: int, first: bool) -> float:
        """How much the line's punctuation could still be compressed.

        Not the last glyph when it is already set half width (etrim equals its comp), nor the
        first, which is compressed only by the line-start rule (never into an indent).
        """
        p = self.p
        return max(p.cprefix[e] - p.cprefix[s] - p.comp[s] - p.etrim[e - 1], 0.0)

    def real_chars(self, s: int, e: int) -> int:
        return self.p.rprefix[e] - self.p.rprefix[s]

    def slots(self, s: int, e: int) -> int:
        """Justification opportunities inside the line [s, e)."""
        return self.p.sprefix[e] - self.p.sprefix[s + 1]

    def forced(self, s: int, lo: int, limit: int, first: bool) -> int:
        """Cut an unbreakable run [lo, limit) wider than the measure; return the line's end.

        The line [s, end) is filled as far as it fits, preferring a cut after a URL separator in
        the second half, and never leaving a closing mark to start the next line. Returns `lo` if
        not even one more glyph fits.
        """
        p = self.p
        meas = self.measure(first)
        k = lo
        while k < limit and self.natural(s, k + 1, first) <= meas + EPS:
            k += 1
        while k > lo + 1 and (p.cls[k] in NO_START or p.cls[k - 1] in NO_END):
            k -= 1
        # A slash is the most readable place to cut a URL or path, then other separators.
        for seps in ("/", _CUT_AFTER):
            for j in range(k, lo + max(1, (k - lo) // 2), -1):
                if p.chars[j - 1] in seps and p.cls[j] not in NO_START:
                    return j
        return k

    def optimal(self, start: int) -> list[tuple[int, int, float]] | None:
        """Choose the breaks that minimise the paragraph's total badness (Knuth–Plass style).

        A line's badness grows with the square of the space added per justification slot, and
        more gently with the punctuation compression it needs; a last line with a single character
        is heavily penalised. Only lines that need at most MAX_STRETCH_EM of added space are
        considered, so each break looks back over a handful of candidates (two moving pointers)
        and the cost stays linear. Returns None when no such set of lines exists (a token wider
        than the measure, or very narrow measures): the greedy breaker handles those.
        """
        p = self.p
        n = len(p)
        ends, nexts = p.ends, p.nexts
        em = p.style.size_pt
        max_stretch = MAX_STRETCH_EM * em
        k0 = bisect_right(ends, start)
        # Node 0 is the paragraph start; node t >= 1 is the break ends[k0 + t - 1].
        count = len(ends) - k0 + 1
        starts = [start] + [nexts[k] for k in range(k0, len(ends))]
        inf = float("inf")
        cost = [inf] * count
        back = [-1] * count
        squeeze = [0.0] * count
        cost[0] = 0.0
        prefix, cprefix, gap, comp = p.prefix, p.cprefix, p.gap, p.comp
        etrim, strim, sprefix = p.etrim, p.strim, p.sprefix
        indented = self.indent > 0
        lo = 0
        for t in range(1, count):
            e = ends[k0 + t - 1]
            last = e == n
            pe, ce, et = prefix[e], cprefix[e], etrim[e - 1]
            # Lines from nodes before `lo` are too long even with all punctuation compressed.
            while lo < t and starts[lo] < e:
                s = starts[lo]
                st = 0.0 if lo == 0 and indented else strim[s]
                nat = pe - prefix[s] - gap[s] - et - st
                cap = max(ce - cprefix[s] - comp[s] - et, 0.0)
                if nat - cap <= self.measure(lo == 0) + EPS:
                    break
                lo += 1
            best, best_m, best_sq = inf, -1, 0.0
            for m in range(lo, t):
                if cost[m] == inf:
                    continue
                s = starts[m]
                if s >= e:
                    break
                first = m == 0
                meas = self.measure(first)
                st = 0.0 if first and indented else strim[s]
                nat = pe - prefix[s] - gap[s] - et - st
                if nat > meas + EPS:
                    sq = nat - meas
                    bad = SQUEEZE_WEIGHT * (sq / em) ** 2
                else:
                    sq = 0.0
                    stretch = meas - nat
                    if last:
                        bad = 0.0
                    elif stretch > max_stretch:
                        break  # later candidates are shorter still
                    else:
                        gaps = sprefix[e] - sprefix[s + 1]
                        per_gap = stretch / gaps if gaps else stretch
                        bad = STRETCH_WEIGHT * (per_gap / em) ** 2 + (0.0 if gaps else 100.0)
                if last and m > 0 and self.real_chars(s, e) < 2:
                    bad += WIDOW_PENALTY
                total = cost[m] + 1.0 + bad
                if total < best:
                    best, best_m, best_sq = total, m, sq
            if best_m >= 0:
                cost[t], back[t], squeeze[t] = best, best_m, best_sq
        if cost[count - 1] == inf:
            return None
        out: list[tuple[int, int, float]] = []
        t = count - 1
        while t > 0:
            m = back[t]
            out.append((starts[m], ends[k0 + t - 1], squeeze[t]))
            t = m
        out.reverse()
        return out

    def run(self, start: int) -> list[tuple[int, int, float]]:
        """Choose the lines from glyph `start` on; return (start, end, squeeze) for each."""
        n = len(self.p)
        if self.natural(start, n, True) <= self.measure(True) + EPS:
            # It fits one line (most table cells): the one line total fit would choose, since
            # every line costs at least 1 and this one adds no badness.
            return [(start, n, 0.0)]
        best = self.optimal(start)
        if best is not None:
            return best
        return self.greedy(start)

    def greedy(self, start: int) -> list[tuple[int, int, float]]:
        """First-fit lines from glyph `start` on, cutting tokens wider than the measure."""
        p = self.p
        n = len(p)
        ends, nexts = p.ends, p.nexts
        out: list[tuple[int, int, float]] = []
        s = start
        while s < n:
            first = not out
            meas = self.measure(first)
            k = bisect_right(ends, s)
            best = -1
            while k < len(ends) and self.natural(s, ends[k], first) <= meas + EPS:
                best = k
                k += 1
            if best < 0:
                # Even the first cluster is wider than the line: cut it at the measure.
                e = max(self.forced(s, s, ends[k], first), s + 1)
                out.append((s, e, 0.0))
                s = e
                continue
            e, nxt, squeeze = ends[best], nexts[best], 0.0
            if k < len(ends) and e < n:
                e2 = ends[k]
                if self.natural(nxt, e2, False) > self.measure(False) + EPS:
                    # The next cluster fits no line: start cutting it here rather than gape.
                    cut = self.forced(s, nxt, e2, first)
                    if cut > nxt:
                        out.append((s, cut, 0.0))
                        s = cut
                        continue
                over = self.natural(s, e2, first) - meas
                slack = meas - self.natural(s, e, first)
                if over <= self.capacity(s, e2, first) + EPS and over < slack:
                    e, nxt, squeeze = e2, nexts[k], max(over, 0.0)
            out.append((s, e, squeeze))
            s = nxt
        self.fix_last_line(out)
        return out

    def fix_last_line(self, out: list[tuple[int, int, float]]) -> None:
        """Avoid a last line holding a single character (with or without its punctuation)."""
        p = self.p
        n = len(p)
        if len(out) < 2:
            return
        s_l, e_l, _ = out[-1]
        if self.real_chars(s_l, e_l) >= 2:
            return
        s_p, e_p, _ = out[-2]
        first_p = len(out) == 2
        # Pull the remainder up by compressing the penultimate line's punctuation ...
        over = self.natural(s_p, n, first_p) - self.measure(first_p)
        if 0 < over <= self.capacity(s_p, n, first_p) + EPS:
            out[-2:] = [(s_p, n, over)]
            return
        # ... or push the penultimate line's last cluster down.
        ends, nexts = self.p.ends, self.p.nexts
        k = bisect_right(ends, e_p) - 1
        while k >= 0 and ends[k] > s_p:
            if ends[k] < e_p:
                s_new = nexts[k]
                if (
                    self.real_chars(s_new, n) >= 2
                    and self.real_chars(s_p, ends[k]) >= 2
                    and self.natural(s_new, n, False) <= self.measure(False) + EPS
                ):
                    out[-2:] = [(s_p, ends[k], 0.0), (s_new, n, 0.0)]
                return  # only the nearest cluster: pushing more would gape the line above
            k -= 1

    def place(self, s: int, e: int, squeeze: float, first: bool, last: bool) -> Line:
        p = self.p
        style = p.style
        meas = self.measure(first)
        st = self.start_trim(s, first)
        et = self.end_trim(e)
        ratio = 0.0
        if squeeze > 0:
            cap = self.capacity(s, e, first)
            ratio = min(squeeze / cap, 1.0) if cap > 0 else 0.0
        natural = self.natural(s, e, first) - squeeze
        justify = style.align == "justify" and not last and e - s > 1
        extra: dict[int, float] = {}
        if justify and meas - natural > EPS:
            sp = p.sprefix
            slots = [i for i in range(s + 1, e) if sp[i + 1] > sp[i]]
            if not slots:  # a line that is one Latin word: letter-space it
                slots = [
                    i
                    for i in range(s + 1, e)
                    if not (p.cls[i - 1] == p.cls[i] and p.cls[i] in DOUBLED)
                ]
            if slots:
                each = (meas - natural) / len(slots)
                extra = dict.fromkeys(slots, each)
        xs: list[float] = []
        x = 0.0
        for i in range(s, e):
            if i > s:
                x += p.gap[i] + extra.get(i, 0.0)
            lt = p.lt[i]
            rt = p.rt[i]
            if i == s:
                lt += st
            if i == e - 1:
                rt += et
            if ratio and p.comp[i] and i != s and not (i == e - 1 and et):
                if p.cls[i] in INK_LEFT:
                    rt += p.comp[i] * ratio
                else:
                    lt += p.comp[i] * ratio
            xs.append(x - lt)
            x += p.adv[i] - lt - rt
        width = x
        if justify:
            offset = 0.0
        elif style.align == "center":
            offset = (meas - width) / 2
        elif style.align == "right":
            offset = meas - width
        else:
            offset = 0.0
        left = (self.indent if first else 0.0) + offset
        return Line(
            start=s,
            end=e,
            text=p.chars[s:e],
            xs=tuple(left + v for v in xs),
            left_pt=left,
            width_pt=width,
            is_last=last,
            justified=justify,
            squeezed_pt=squeeze,
        )


def break_prepared(
    p: Prepared,
    width_pt: float,
    *,
    start: int = 0,
    indent_first: bool = True,
    total_fit: bool = True,
) -> list[Line]:
    """Set glyphs `start:` of a prepared paragraph at `width_pt`.

    A paragraph continued on a new page starts at its first undrawn glyph with `indent_first=False`.
    `total_fit=False` uses only the first-fit breaker (the fallback; for tests and comparison).
    """
    if len(p) <= start:
        return []
    b = _Breaker(p, width_pt, indent_first)
    ranges = b.run(start) if total_fit else b.greedy(start)
    last = len(ranges) - 1
    return [b.place(s, e, sq, i == 0, i == last) for i, (s, e, sq) in enumerate(ranges)]


def balance_lines(
    p: Prepared,
    width_pt: float,
    lines: list[Line],
    *,
    start: int = 0,
    indent_first: bool = True,
) -> list[Line]:
    """Centred text of several lines whose style asks for balance (titles, captions), set at the
    narrowest measure that keeps its number of lines, then centred again in the full measure.

    A title or caption then breaks into lines of like length, as a typesetter breaks a heading,
    instead of a full line over a stub of two characters. The breaks still come from the same
    breaker, so every line-breaking rule holds. Lines that do not change keep their place: a line
    centred in the narrower measure and moved by half the difference is centred in the full one.
    """
    n = len(lines)
    if n < 2 or p.style.align != "center" or not p.style.balance:
        return lines
    lo = min_width(p, start)
    hi = width_pt
    best = lines
    # About 0.1 pt is finer than any glyph: a dozen halvings from a page's measure.
    while hi - lo > 0.1:
        mid = (lo + hi) / 2
        trial = break_prepared(p, mid, start=start, indent_first=indent_first)
        if len(trial) <= n:
            hi, best = mid, trial
        else:
            lo = mid
    if best is lines:
        return lines
    shift = (width_pt - hi) / 2
    return [
        replace(line, xs=tuple(x + shift for x in line.xs), left_pt=line.left_pt + shift)
        for line in best
    ]


def min_width(p: Prepared, start: int = 0) -> float:
    """The widest unbreakable cluster from glyph `start` on: the narrowest useful measure."""
    b = _Breaker(p, 0.0, False)
    widest = 0.0
    s = start
    for k in range(bisect_right(p.ends, start), len(p.ends)):
        e = p.ends[k]
        if e > s:
            widest = max(widest, b.natural(s, e, False))
        s = p.nexts[k]
    return widest


def as_spans(content: str | Span | Sequence[Span]) -> tuple[Span, ...]:
    """Accept a plain string (one span), one Span or a sequence of Spans."""
    if isinstance(content, str):
        return (Span(content),)
    if isinstance(content, Span):
        return (content,)
    return tuple(content)


def break_lines(
    content: str | Span | Sequence[Span],
    width_pt: float,
    style: TextStyle,
    *,
    total_fit: bool = True,
) -> list[Line]:
    """Break `content` set in `style` into lines no wider than `width_pt` (a pure function)."""
    return break_prepared(prepare(as_spans(content), style), width_pt, total_fit=total_fit)
