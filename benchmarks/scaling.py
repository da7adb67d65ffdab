"""Build the report at several sizes in fresh processes: indicator counts in, time per page,
memory, a table and a chart out.

The report's length grows with its indicators; a flat cost per page from the smallest to the
largest size is what linear scaling means. Each size is a dataset written by `scaled.py` (the
sample's indicators copied under new ids), built twice per run, each time in a new process:

* `briefing build --only report`, for what a user waits for: the whole process's wall time, its
  CPU time (user + system) and its peak RSS;
* `scaling.py --phases PATH`, which loads the dataset and renders the report in-process, timing
  (CPU) the render and the part of it spent drawing charts with matplotlib.

What grows with pages is the layout: composing, breaking lines, laying out pages, drawing text and
tables, writing and finishing the PDF. "Per page" is that cost over the page count: the render's
CPU time less its charts, divided by the pages. Fixed costs are kept apart, in their own columns:
process start, imports, font registration and loading the dataset (whole process less render),
and the charts (a cost per chart, paid once per chart whatever the length). The figures are those
of the fastest run of each size (the least disturbed by other processes on the machine).
Called by `bench.py`.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scaled import write_scaled

ROOT = Path(__file__).resolve().parent.parent
SIZES = (60, 250, 1000, 2000)
PLOT = ROOT / "docs" / "images" / "bench-scaling.png"
TARGET_MS_PER_PAGE = 15.0
TARGET_PEAK_MIB = 300.0


@dataclass(frozen=True)
class Point:
    """One report size: its indicators, pages, time and peak memory."""

    indicators: int
    pages: int
    seconds: float  # whole process, wall time, fastest run
    render_seconds: float  # the report's render, CPU time, in-process (see --phases)
    peak_mib: float  # peak RSS of the whole process
    cpu_seconds: float = 0.0  # user + system time of the whole process
    chart_seconds: float = 0.0  # CPU time of the render spent drawing charts
    charts: int = 0

    @property
    def layout_seconds(self) -> float:
        """What grows with pages: the render less its charts."""
        return self.render_seconds - self.chart_seconds

    @property
    def ms_per_page(self) -> float:
        """The cost per page: layout CPU time (the render less its charts) over the pages."""
        return 1000.0 * self.layout_seconds / self.pages

    @property
    def process_ms_per_page(self) -> float:
        """The whole process's CPU time over its pages, fixed costs included."""
        return 1000.0 * self.cpu_seconds / self.pages

    @property
    def fixed_seconds(self) -> float:
        """Process start, imports, fonts and the dataset: the whole process less its render."""
        return max(self.cpu_seconds - self.render_seconds, 0.0)


def phases(path: Path) -> dict[str, float]:
    """Render the report of `path` in this process: pages, render CPU time, chart CPU time."""
    import time

    sys.path.insert(0, str(ROOT))
    from briefing import build, fonts
    from briefing.charts import figure

    spent = {"charts": 0.0, "count": 0}
    draw = figure.ChartFlowable.draw

    def timed(self: figure.ChartFlowable) -> None:
        start = time.process_time()
        try:
            draw(self)
        finally:
            spent["charts"] += time.process_time() - start
            spent["count"] += 1

    figure.ChartFlowable.draw = timed  # type: ignore[method-assign]
    dataset, findings = build.prepare(path)
    fonts.register_reportlab()  # loading the fonts is a start-up cost, paid once per process
    start = time.process_time()
    _, pages = build.render_document(dataset, "report", findings=findings)
    render = time.process_time() - start
    return {"pages": pages, "render": render, "charts": spent["charts"], "count": spent["count"]}


def _run(cmd: list[str], cwd: Path) -> tuple[float, float, int, int, str, str]:
    """Wall time, CPU time (user + system), peak RSS (KiB), exit code, stdout and stderr of
    `cmd`.
    """
    import subprocess
    import time

    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return (
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss,
            os.waitstatus_to_exitcode(status),
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )


def measure(
    work: Path,
    run_process: Callable[..., object],
    briefing_cmd: Callable[..., list[str]],
    sizes: Sequence[int] = SIZES,
    runs: int = 3,
) -> list[Point]:
    """Build the report at each size `runs` times (both ways, see the module doc).

    One Point per size.
    """
    folder = work / "scaling"
    folder.mkdir(exist_ok=True)
    points = []
    for count in sizes:
        path = write_scaled(folder, count)
        best: tuple[float, float, int, float] | None = None  # wall, MiB, pages, CPU
        inside: dict[str, float] | None = None
        for _ in range(runs if count <= 1000 else max(1, runs - 1)):
            cmd = briefing_cmd("build", str(path), "-o", str(folder / "out"), "--only", "report")
            wall, cpu, rss, code, stdout, stderr = _run(cmd, ROOT)
            if code != 0:
                raise RuntimeError(f"report at {count} indicators failed: {stderr.strip()[-300:]}")
            found = re.search(r"(\d+) pages?, \d+ KiB, ([\d.]+) s", stdout)
            if found is None:
                raise RuntimeError(f"report at {count} indicators: no summary line in {stdout!r}")
            if best is None or cpu < best[3]:
                best = (wall, rss / 1024, int(found.group(1)), cpu)
            cmd = [sys.executable, str(Path(__file__).resolve()), "--phases", str(path)]
            _, _, _, code, stdout, stderr = _run(cmd, ROOT)
            if code != 0:
                raise RuntimeError(f"phases at {count} indicators failed: {stderr.strip()[-300:]}")
            measured = json.loads(stdout.strip().splitlines()[-1])
            if inside is None or measured["render"] - measured["charts"] < (
                inside["render"] - inside["charts"]
            ):
                inside = measured
        assert best is not None
        assert inside is not None
        if int(inside["pages"]) != best[2]:
            raise RuntimeError(f"report at {count} indicators: page counts differ")
        point = Point(
            count,
            best[2],
            best[0],
            inside["render"],
            best[1],
            best[3],
            inside["charts"],
            int(inside["count"]),
        )
        print(
            f"report, {count:5} indicators {point.pages:4} pages {point.seconds:7.2f} s "
            f"(CPU {point.cpu_seconds:.2f} s; render {point.render_seconds:.2f} s, of which "
            f"{point.charts} charts {point.chart_seconds:.2f} s) {point.ms_per_page:6.1f} ms/page "
            f"{point.peak_mib:6.0f} MiB",
            flush=True,
        )
        points.append(point)
    return points


def table(points: Sequence[Point]) -> list[str]:
    """The Markdown table of the points."""
    lines = [
        (
            "| indicators | pages | layout per page | layout (CPU) | charts (CPU) | fixed (CPU) "
            "| whole process (wall) | whole process (CPU) | its CPU per page | peak memory |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        lines.append(
            f"| {p.indicators:,} | {p.pages} | **{p.ms_per_page:.1f} ms** "
            f"| {p.layout_seconds:.2f} s | {p.chart_seconds:.2f} s ({p.charts}) "
            f"| {p.fixed_seconds:.2f} s | {p.seconds:.2f} s | {p.cpu_seconds:.2f} s "
            f"| {p.process_ms_per_page:.1f} ms | {p.peak_mib:.0f} MiB |"
        )
    return lines


def plot(points: Sequence[Point], path: Path = PLOT) -> Path:
    """Layout time per page and peak memory against the report's size, drawn as the project's own
    `bar` charts (our matplotlib backend, our fonts) on one PDF page, written out as a PNG.
    """
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfgen.canvas import Canvas

    sys.path.insert(0, str(ROOT))
    from briefing.charts import chart_style, draw_rows
    from briefing.charts.data import Row
    from briefing.render import CJKParagraph, Span, TextStyle

    width, margin, gap = 560.0, 16.0, 24.0
    chart_w = (width - 2 * margin - gap) / 2
    style = chart_style("normal")
    head = TextStyle("bench_head", "sans", True, 10.5, 14.0, 0, "left", False)
    note = TextStyle("bench_note", "serif", False, 8.5, 11.0, 0, "left", False)

    def rows(value: Callable[[Point], float], text: Callable[[Point], str]) -> tuple[Row, ...]:
        return tuple(Row(f"n{p.indicators}", f"{p.pages}页", value(p), text(p)) for p in points)

    panels = [
        (
            f"每页排版耗时（毫秒，目标≤{TARGET_MS_PER_PAGE:g}）",
            rows(lambda p: round(p.ms_per_page, 1), lambda p: f"{p.ms_per_page:.1f}"),
        ),
        (
            f"进程内存峰值（MiB，目标≤{TARGET_PEAK_MIB:g}）",
            rows(lambda p: round(p.peak_mib), lambda p: f"{p.peak_mib:.0f}"),
        ),
    ]
    charts = [(title, draw_rows("bar", data, chart_w, style)) for title, data in panels]
    titles = [CJKParagraph([Span(title)], head) for title, _ in charts]
    title_h = max(t.wrap(chart_w, 100)[1] for t in titles)
    sizes = "、".join(f"{p.indicators:,}项指标{p.pages}页" for p in points)
    caption = CJKParagraph(
        [
            Span(
                f"报告的页数随指标增加（{sizes}）；每页耗时为排版的CPU时间除以页数，"
                "不含图表和进程启动。"
            )
        ],
        note,
    )
    _, caption_h = caption.wrap(width - 2 * margin, 100)
    chart_h = max(chart.height for _, chart in charts)
    height = 2 * margin + title_h + 6 + chart_h + 10 + caption_h
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=(width, height), invariant=1)
    top = height - margin
    for i, ((_, chart), title) in enumerate(zip(charts, titles, strict=True)):
        x = margin + i * (chart_w + gap)
        title.drawOn(canv, x, top - title_h)
        chart.drawOn(canv, x, top - title_h - 6 - chart.height)
    caption.drawOn(canv, margin, margin)
    canv.showPage()
    canv.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    image = page.render(scale=2.0).to_pil().convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)
    return path


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--phases":
        print(json.dumps(phases(Path(sys.argv[2]))))
        sys.exit(0)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import briefing_cmd, run_process

    with tempfile.TemporaryDirectory(prefix="briefing-scaling-") as tmp:
        pts = measure(Path(tmp), run_process, briefing_cmd, runs=int(os.environ.get("RUNS", "2")))
    print("\n".join(table(pts)))
    print(plot(pts))
