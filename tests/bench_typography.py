"""Compare our CJK paragraphs with ReportLab's Paragraph(wordWrap='CJK'): texts in, lines, rule
breaks and times out.

Run: `PYTHONPATH=. python tests/bench_typography.py` (not collected by pytest; tests never time).
Both typesetters set the same 20 paragraphs at the same 101 widths into a PDF; the PDF is read
back with pdfplumber and each line is judged by the same rules: a closing mark at the start, an
opening mark at the end, wider than the measure, flush with both edges (all but final lines).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pdfplumber
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

sys.path.insert(0, str(Path(__file__).parent))

from samples import PARAGRAPHS

from briefing import fonts
from briefing.render.chars import INK_LEFT, NO_END, NO_START, classify
from briefing.render.styles import TextStyle
from briefing.render.typography import CJKParagraph

SIZE, LEADING = 10.5, 16.0
PAGE_W, PAGE_H, MARGIN = 1200.0, 1700.0, 40.0
TOL = 0.05
STYLE = TextStyle("bench", "serif", size_pt=SIZE, leading_pt=LEADING, first_indent_em=2)


def more_paragraphs(n: int, seed: int = 7) -> list[str]:
    """Deterministic extra paragraphs assembled from report-like phrases and figures."""
    rnd = random.Random(seed)
    phrases = [
        "区政府",
        "依法行政",
        "行政复议",
        "执法监督",
        "合法性审查",
        "法律顾问",
        "政务公开",
        "行政诉讼",
        "普法宣传",
        "乡镇（街道）",
        "“放管服”改革",
        "《行政处罚法》",
    ]
    marks = ["，", "。", "、", "；", "：", "——", "……", "。”", "”，", "），"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(12, 30)):
            parts.append(rnd.choice(phrases))
            if rnd.random() < 0.3:
                parts.append(f"{rnd.randint(1, 99999):,}{rnd.choice('件人次项个年')}")
            if rnd.random() < 0.15:
                parts.append(rnd.choice(["PDF", "App", "OCR", "12.5%", "1-11月"]))
            parts.append(rnd.choice(marks))
        text = "".join(parts)
        out.append(text.rstrip("“《（") + "。")
    return out


Region = tuple[int, float, float, float]  # page, top y, bottom y, width


def set_all(
    path: Path,
    texts: list[str],
    widths: list[float],
    draw: Callable[[Canvas, str, float, float], float],
) -> tuple[list[Region], float]:
    canv = Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    regions: list[Region] = []
    page, y = 0, PAGE_H - MARGIN
    t = time.perf_counter()
    for text in texts:
        for w in widths:
            h = draw(canv, text, w, y)
            if y - h < MARGIN:
                # Too low: start a page and draw it again (only the second drawing counts).
                canv.showPage()
                page += 1
                y = PAGE_H - MARGIN
                canv.saveState()
                h = draw(canv, text, w, y)
                canv.restoreState()
            regions.append((page, y, y - h, w))
            y -= h + LEADING
    canv.showPage()
    canv.save()
    return regions, time.perf_counter() - t


def draw_ours(canv: Canvas, text: str, width: float, y: float) -> float:
    p = CJKParagraph(text, STYLE)
    _, h = p.wrap(width, 1e6)
    if y - h >= MARGIN:
        p.drawOn(canv, MARGIN, y - h)
    return h


RL_STYLE = ParagraphStyle(
    "rl",
    fontName=fonts.SERIF,
    fontSize=SIZE,
    leading=LEADING,
    firstLineIndent=2 * SIZE,
    alignment=TA_JUSTIFY,
    wordWrap="CJK",
)


def draw_rl(canv: Canvas, text: str, width: float, y: float) -> float:
    p = Paragraph(escape(text), RL_STYLE)
    _, h = p.wrap(width, 1e6)
    if y - h >= MARGIN:
        p.drawOn(canv, MARGIN, y - h)
    return h


def judge(path: Path, regions: list[Region]) -> dict[str, int]:
    counts = {"lines": 0, "bad_start": 0, "bad_end": 0, "overflow": 0, "nonfinal": 0, "flush": 0}
    with pdfplumber.open(str(path)) as pdf:
        chars_by_page: dict[int, list[dict]] = {}
        for page, top, bottom, w in regions:
            if page not in chars_by_page:
                chars_by_page[page] = [c for c in pdf.pages[page].chars if c["text"].strip()]
            inside = [
                c
                for c in chars_by_page[page]
                if bottom < PAGE_H - (c["top"] + c["bottom"]) / 2 < top
            ]
            rows: dict[int, list[dict]] = {}
            for c in inside:
                rows.setdefault(round(c["bottom"]), []).append(c)
            keys = sorted(rows)
            for k, key in enumerate(keys):
                row = sorted(rows[key], key=lambda c: c["x0"])
                counts["lines"] += 1
                first, last = row[0], row[-1]
                counts["bad_start"] += classify(first["text"]) in NO_START
                counts["bad_end"] += classify(last["text"]) in NO_END
                right = last["x1"]
                edge = MARGIN + w
                if classify(last["text"]) in INK_LEFT and right > edge + TOL:
                    right = last["x0"] + last["size"] / 2  # count a half-width final mark as such
                counts["overflow"] += right > edge + TOL
                if k < len(keys) - 1:
                    counts["nonfinal"] += 1
                    counts["flush"] += abs(right - edge) <= TOL
    return counts


def wrap_times(texts: list[str], widths: list[float]) -> tuple[float, float]:
    """Median time (ms) to make and wrap one paragraph at one width, ours and ReportLab's."""
    ours, theirs = [], []
    for text in texts:
        for w in widths[::10]:
            t = time.perf_counter()
            CJKParagraph(text, STYLE).wrap(w, 1e6)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            Paragraph(escape(text), RL_STYLE).wrap(w, 1e6)
            theirs.append(time.perf_counter() - t)
    return statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3


def main() -> None:
    fonts.register_reportlab()
    texts = list(PARAGRAPHS) + more_paragraphs(10)
    widths = [SIZE * (10 + k * 0.4) for k in range(101)]  # 10 to 50 em
    print(f"{len(texts)} paragraphs x {len(widths)} widths, {sum(map(len, texts))} characters")
    with tempfile.TemporaryDirectory() as d:
        for name, draw in (
            ("briefing CJKParagraph", draw_ours),
            ("ReportLab Paragraph CJK", draw_rl),
        ):
            path = Path(d) / "bench.pdf"
            regions, seconds = set_all(path, texts, widths, draw)
            c = judge(path, regions)
            print(
                f"{name:24s} lines {c['lines']:5d}  closing mark first {c['bad_start']:4d}  "
                f"opening mark last {c['bad_end']:3d}  wider than measure {c['overflow']:4d}  "
                f"flush {c['flush']}/{c['nonfinal']}  set+draw+save {seconds:.2f} s"
            )
    ours, theirs = wrap_times(texts, widths)
    print(f"median make+wrap per paragraph: briefing {ours:.2f} ms, ReportLab {theirs:.2f} ms")


if __name__ == "__main__":
    main()
