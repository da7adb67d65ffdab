"""Build the report at several sizes in fresh processes: indicator counts in, time, memory and a
plot (SVG) out.

The report's length grows with its indicators; a flat cost per page from the smallest to the
largest size is what linear scaling means. Each size is a dataset written by `scaled.py` (the
sample's indicators copied under new ids), built with `briefing build --only report` in a new
process; the figures are those of the fastest run (the least disturbed by other processes on
the machine): the whole process's wall time and CPU time (user + system, which other processes
on a shared machine disturb far less than wall time), the time the build itself reports
(composing, laying out and finishing the PDF: what grows with the pages; the process start,
imports and dataset checks do not), and the peak RSS of that process. Called by `bench.py`.
"""

from __future__ import annotations

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
PLOT = ROOT / "docs" / "images" / "bench-scaling.svg"
TARGET_MS_PER_PAGE = 15.0
TARGET_PEAK_MIB = 300.0


@dataclass(frozen=True)
class Point:
    """One report size: its indicators, pages, time and peak memory."""

    indicators: int
    pages: int
    seconds: float  # whole process, fastest run
    render_seconds: float  # the document's own build, as `briefing build` reports it
    peak_mib: float  # peak RSS of that process
    cpu_seconds: float = 0.0  # user + system time of that process

    @property
    def ms_per_page(self) -> float:
        """The cost per page: CPU time of the whole process (start-up included) over its pages."""
        return 1000.0 * self.cpu_seconds / self.pages

    @property
    def build_ms_per_page(self) -> float:
        return 1000.0 * self.render_seconds / self.pages

    @property
    def process_ms_per_page(self) -> float:
        return 1000.0 * self.seconds / self.pages


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
    """Build the report at each size `runs` times in fresh processes; one Point per size."""
    folder = work / "scaling"
    folder.mkdir(exist_ok=True)
    points = []
    for count in sizes:
        path = write_scaled(folder, count)
        best: tuple[float, float, int, float, float] | None = None
        for _ in range(runs if count <= 1000 else max(1, runs - 1)):
            cmd = briefing_cmd("build", str(path), "-o", str(folder / "out"), "--only", "report")
            wall, cpu, rss, code, stdout, stderr = _run(cmd, ROOT)
            if code != 0:
                raise RuntimeError(f"report at {count} indicators failed: {stderr.strip()[-300:]}")
            found = re.search(r"(\d+) pages?, \d+ KiB, ([\d.]+) s", stdout)
            if found is None:
                raise RuntimeError(f"report at {count} indicators: no summary line in {stdout!r}")
            pages, render = int(found.group(1)), float(found.group(2))
            if best is None or cpu < best[4]:
                best = (wall, rss / 1024, pages, render, cpu)
        assert best is not None
        point = Point(count, best[2], best[0], best[3], best[1], best[4])
        print(
            f"report, {count:5} indicators {point.pages:4} pages {point.seconds:7.2f} s "
            f"(build {point.render_seconds:.2f} s, CPU {point.cpu_seconds:.2f} s) "
            f"{point.ms_per_page:6.1f} CPU ms/page {point.peak_mib:6.0f} MiB",
            flush=True,
        )
        points.append(point)
    return points


def table(points: Sequence[Point]) -> list[str]:
    """The Markdown table of the points."""
    lines = [
        (
            "| indicators | pages | whole process | its CPU time | CPU per page | build (wall) "
            "| build per page | peak memory |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in points:
        lines.append(
            f"| {p.indicators:,} | {p.pages} | {p.seconds:.2f} s | {p.cpu_seconds:.2f} s "
            f"| {p.ms_per_page:.1f} ms | {p.render_seconds:.2f} s | {p.build_ms_per_page:.1f} ms "
            f"| {p.peak_mib:.0f} MiB |"
        )
    return lines


def plot(points: Sequence[Point], path: Path = PLOT) -> Path:
    """Time per page and peak memory against pages, as a deterministic SVG."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.hashsalt"] = "briefing-bench"
    matplotlib.rcParams["svg.fonttype"] = "path"
    pages = [p.pages for p in points]
    fig = Figure(figsize=(8.0, 3.2))
    left, right = fig.subplots(1, 2)
    left.plot(
        pages,
        [p.ms_per_page for p in points],
        marker="o",
        color="#1F4E79",
        label="CPU, whole process",
    )
    left.plot(
        pages,
        [p.build_ms_per_page for p in points],
        marker=".",
        color="#808080",
        linestyle="--",
        label="build, wall",
    )
    left.plot(
        pages,
        [p.process_ms_per_page for p in points],
        marker=".",
        color="#808080",
        linestyle=":",
        label="whole process, wall",
    )
    left.axhline(
        TARGET_MS_PER_PAGE,
        color="#A00000",
        linestyle="--",
        linewidth=1,
        label=f"target {TARGET_MS_PER_PAGE:g} ms",
    )
    left.set_ylim(0, max(TARGET_MS_PER_PAGE, *(p.process_ms_per_page for p in points)) * 1.3)
    left.set_xlabel("pages of the report")
    left.set_ylabel("ms per page")
    left.set_title("Time per page")
    for p in points:
        left.annotate(
            f"{p.cpu_seconds:.1f} s",
            (p.pages, p.ms_per_page),
            textcoords="offset points",
            xytext=(0, -12),
            ha="center",
            fontsize=8,
        )
    left.legend(loc="upper right", fontsize=8, frameon=False)
    right.plot(pages, [p.peak_mib for p in points], marker="s", color="#1F4E79", label="peak RSS")
    right.axhline(
        TARGET_PEAK_MIB,
        color="#A00000",
        linestyle="--",
        linewidth=1,
        label=f"target {TARGET_PEAK_MIB:g} MiB",
    )
    right.set_ylim(0, max(TARGET_PEAK_MIB, *(p.peak_mib for p in points)) * 1.15)
    right.set_xlabel("pages of the report")
    right.set_ylabel("MiB")
    right.set_title("Peak memory of the process")
    right.legend(loc="lower right", fontsize=8, frameon=False)
    for ax in (left, right):
        ax.set_xlim(0, max(pages) * 1.05)
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(
        path,
        format=path.suffix.lstrip("."),
        metadata={"Date": None} if path.suffix == ".svg" else None,
    )
    return path


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import briefing_cmd, run_process

    with tempfile.TemporaryDirectory(prefix="briefing-scaling-") as tmp:
        pts = measure(Path(tmp), run_process, briefing_cmd, runs=int(os.environ.get("RUNS", "2")))
    print("\n".join(table(pts)))
    print(plot(pts))
