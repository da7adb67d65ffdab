"""Set paragraphs at many widths into a PDF and audit the PDF: texts and widths in, violations out.

Shared by the typography tests and `tests/bench_typography.py`. The audit reads the PDF back
(pdfplumber character boxes for geometry, pypdfium2, as in conftest, for the text) and knows only
the typographic rules, not the breaker's internals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from conftest import pdf_page_texts
from reportlab.pdfgen.canvas import Canvas

from briefing.render.chars import INK_LEFT, INK_RIGHT, NO_END, NO_START, classify
from briefing.render.linebreak import Line, as_spans, break_prepared, prepare
from briefing.render.styles import TextStyle
from briefing.render.typography import draw_lines

PAGE_W, PAGE_H = 1200.0, 1700.0
MARGIN = 40.0
TOL = 0.05
# A figure with its unit, a Latin word, a dash or an ellipsis: none may be split by a line break.
FIGURE_UNIT = re.compile(r"\d[\d,.\-]*[%年月日件个次人项万亿元名家所]")
LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,/:%\-_?=&#]*")
DOUBLED = re.compile(r"——|……")


@dataclass
class Placed:
    page: int
    text: str
    x: float
    y_top: float
    width: float
    style: TextStyle
    lines: list[Line]


@dataclass
class SweepResult:
    paragraphs: int = 0
    widths: int = 0
    lines: int = 0
    violations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"sweep: {self.paragraphs} paragraphs x {self.widths} widths, "
            f"{self.lines} lines, {len(self.violations)} violations"
        )


def set_pdf(
    path: Path, texts: Sequence[str], widths: Sequence[float], style: TextStyle
) -> list[Placed]:
    """Draw every text at every width, stacked in columns; return where each went."""
    canv = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    placed: list[Placed] = []
    page = 0
    y = PAGE_H - MARGIN
    for text in texts:
        prep = prepare(as_spans(text), style)
        for w in widths:
            lines = break_prepared(prep, w)
            h = len(lines) * style.leading_pt
            if y - h < MARGIN:
                canv.showPage()
                page += 1
                y = PAGE_H - MARGIN
            draw_lines(canv, prep, lines, MARGIN, y, style.leading_pt)
            placed.append(Placed(page, prep.chars, MARGIN, y, w, style, lines))
            y -= h + style.leading_pt
    canv.showPage()
    canv.save()
    return placed


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Matches of `rx` in `text`, as offsets into `text` with whitespace removed."""
    skipped = [0]
    for ch in text:
        skipped.append(skipped[-1] + (1 if ch.isspace() else 0))
    return [(m.start() - skipped[m.start()], m.end() - skipped[m.end()]) for m in rx.finditer(text)]


def _inside(spans: list[tuple[int, int]], cuts: list[int]) -> list[tuple[int, int]]:
    return [(a, b) for a, b in spans if any(a < c < b for c in cuts)]


def audit(path: Path, placed: list[Placed]) -> SweepResult:
    """Check the PDF at `path` against the clreq rules; return counts and violations."""
    res = SweepResult()
    res.lines = sum(len(p.lines) for p in placed)
    res.paragraphs = len({p.text for p in placed})
    res.widths = len({p.width for p in placed})
    v = res.violations
    pages_text = pdf_page_texts(path)
    with pdfplumber.open(str(path)) as pdf:
        by_page: dict[int, list[Placed]] = {}
        for p in placed:
            by_page.setdefault(p.page, []).append(p)
        for pno, items in by_page.items():
            page = pdf.pages[pno]
            chars = [c for c in page.chars if c["text"].strip()]
            expected = "".join(_squash(p.text) for p in items)
            if _squash(pages_text[pno]) != expected:
                v.append(f"page {pno}: extracted text differs from the input")
            # Bucket characters by the top of their em box (all glyphs here share one size).
            rows: dict[int, list[dict]] = {}
            for c in chars:
                rows.setdefault(round(c["top"] * 4), []).append(c)
            for p in items:
                size = p.style.size_pt
                indent = p.style.first_indent_em * size
                got: list[str] = []
                for i in range(len(p.lines)):
                    top = PAGE_H - (p.y_top - i * p.style.leading_pt)
                    row = sorted(rows.get(round(top * 4), []), key=lambda c: c["x0"])
                    if not row:
                        v.append(f"{p.text[:12]}@{p.width}: line {i} not found")
                        continue
                    text = "".join(c["text"] for c in row)
                    got.append(text)
                    first, last = row[0], row[-1]
                    where = f"{p.text[:10]}…@{p.width:.1f} line {i} {text!r}"
                    if classify(first["text"]) in NO_START:
                        v.append(f"{where}: starts with {first['text']}")
                    if classify(last["text"]) in NO_END:
                        v.append(f"{where}: ends with {last['text']}")
                    full = lambda c: c["x1"] - c["x0"] > 0.9 * c["size"]  # noqa: E731
                    left = first["x0"]
                    if classify(first["text"]) in INK_RIGHT and full(first) and left < p.x - TOL:
                        left += first["size"] / 2  # a compressed opening mark at line start
                    right = last["x1"]
                    if classify(last["text"]) in INK_LEFT and full(last):
                        right = last["x0"] + last["size"] / 2  # half-width mark at line end
                    lo = p.x + (indent if i == 0 else 0.0)
                    hi = p.x + p.width
                    if abs(left - lo) > TOL and p.style.align in ("justify", "left"):
                        v.append(f"{where}: left edge {left - lo:+.3f} pt off")
                    if right > hi + TOL:
                        v.append(f"{where}: {right - hi:.3f} pt wider than the measure")
                    if (
                        i < len(p.lines) - 1
                        and p.style.align == "justify"
                        and abs(right - hi) > TOL
                    ):
                        v.append(f"{where}: right edge {right - hi:+.3f} pt off (not flush)")
                # Line boundaries as offsets into the space-free text.
                squashed = _squash(p.text)
                if _squash("".join(got)) != squashed:
                    v.append(f"{p.text[:12]}@{p.width}: pdfplumber text differs")
                    continue
                cuts, acc = [], 0
                for t in got[:-1]:
                    acc += len(_squash(t))
                    cuts.append(acc)
                for rx, what in (
                    (FIGURE_UNIT, "figure+unit"),
                    (LATIN_WORD, "Latin word"),
                    (DOUBLED, "dash/ellipsis"),
                ):
                    spans = _spans(rx, p.text)
                    if rx is LATIN_WORD:  # a word wider than the measure must be cut
                        spans = [(a, b) for a, b in spans if (b - a) * 0.62 * size < p.width]
                    for a, b in _inside(spans, cuts):
                        v.append(f"{p.text[:12]}@{p.width}: {what} {squashed[a:b]!r} split")
    return res
