"""Time the pipeline as users run it (whole processes) and write the figures to docs/benchmarks.md.

Measures, with medians over several runs:
  - cold `briefing build` of the briefing and of the report (a fresh process each time);
  - `briefing batch` over 50 generated variants of data/liujiang-2024.yaml with 1 and 2 workers,
    per document, and each worker's peak memory;
  - a rebuild where nothing changed, against the cold batch it follows;
  - the PDF sizes;
  - the report at 60, 250, 1,000 and 2,000 indicators (`scaling.py`): time per page and peak
    memory against pages, as a table and a chart drawn with the project's own `bar` kind
    (docs/images/bench-scaling.png).
  - per chart, the time to build and draw each of the briefing's charts in-process (`bench_charts`).
Run by `make bench`; tests never assert times.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "liujiang-2024.yaml"
REPORT = ROOT / "docs" / "benchmarks.md"

# Districts and counties of Guangxi: names a real city office would batch, all in the fonts' subset.
NAMES = """兴宁区 青秀区 江南区 良庆区 邕宁区 武鸣区 隆安县 马山县 上林县 宾阳县
秀峰区 叠彩区 象山区 七星区 雁山区 临桂区 阳朔县 灵川县 全州县 兴安县
永福县 灌阳县 资源县 平乐县 城中区 鱼峰区 柳南区 柳北区 柳城县 鹿寨县
融安县 万秀区 长洲区 龙圩区 苍梧县 藤县 蒙山县 岑溪市 海城区 银海区
铁山港区 合浦县 港口区 防城区 上思县 东兴市 钦南区 钦北区 灵山县 浦北县
港北区 港南区 覃塘区 平南县 桂平市""".split()  # noqa: SIM905

TARGETS = {
    "cold briefing": "≤ 1.0 s",
    "cold report": "< 0.8 s",
    "report per page, 60–2,000 indicators": "≤ 15 ms per page (layout)",
    "report peak memory, 2,000 indicators": "≤ 300 MiB",
    "briefing in a batch, 2 workers": "≤ 130 ms per document",
    "chart, briefing's charts": "≤ 10 ms on average",
    "no-change rebuild": "< 20% of a cold build",
    "worker memory": "< 150 MiB",
}


@dataclass
class Run:
    """One finished process: wall time, peak RSS, exit code and output."""

    seconds: float
    maxrss_kib: int
    returncode: int
    stdout: str = ""
    stderr: str = ""
    cpu: float = 0.0  # user + system seconds of the process


def run_process(cmd: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd`, returning wall time and its peak RSS (from wait4, so only this child counts)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            usage.ru_utime + usage.ru_stime,
        )


def briefing_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "briefing.cli", *args]


def variants(folder: Path, count: int) -> list[Path]:
    """`count` datasets like the sample: another district, and figures nudged by a few per cent."""
    sys.path.insert(0, str(ROOT))
    from briefing.errors import BriefingError
    from briefing.load import parse_dataset

    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        name = NAMES[i % len(NAMES)]
        changed = text.replace("柳江区", name)

        def nudge(match: re.Match[str], i: int = i) -> str:
            value = int(match.group(2))
            if value < 20:
                return match.group(0)
            factor = 1 + ((i * 7 + value) % 11 - 5) / 100
            return f"{match.group(1)}{max(round(value * factor), 1)}"

        nudged = re.sub(r"(value: )(\d+)(?=[,}\n])", nudge, changed)
        try:
            parse_dataset(nudged.encode(), "variant")
        except BriefingError:
            nudged = changed  # keep the figures when nudging broke a rule
        path = folder / f"district-{i:02d}.yaml"
        path.write_text(nudged, encoding="utf-8")
        paths.append(path)
    return paths


@dataclass
class Figures:
    """The measured rows, notes and extra sections that become docs/benchmarks.md."""

    rows: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # what, figure, target, detail
    notes: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # Markdown lines after the table

    def add(self, what: str, figure: str, detail: str = "") -> None:
        self.rows.append((what, figure, TARGETS.get(what, ""), detail))
        print(f"{what:36} {figure:>16}   {TARGETS.get(what, ''):24} {detail}", flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def warm_up(work: Path) -> None:
    """Make the cold runs what the notes say they are.

    The package's bytecode compiled (also when PYTHONDONTWRITEBYTECODE is set) and the per-user
    cache of parsed faces filled.
    """
    compileall.compile_dir(ROOT / "briefing", quiet=1)
    run_process(
        briefing_cmd("build", str(SAMPLE), "-o", str(work / "warm-up"), "--only", "briefing")
    )


def bench_cold(figures: Figures, work: Path, runs: int) -> dict[str, int]:
    sizes: dict[str, int] = {}
    warm_up(work)
    one_process = {**os.environ, "BRIEFING_CHART_HELPER": "0"}
    for document, what, env in (
        ("briefing", "cold briefing", None),
        ("report", "cold report", None),
        ("report", "cold report, one process", one_process),
    ):
        times, rss, cpu = [], [], []
        for _ in range(runs):
            out = work / f"cold-{document}"
            shutil.rmtree(out, ignore_errors=True)
            result = run_process(
                briefing_cmd("build", str(SAMPLE), "-o", str(out), "--only", document), env
            )
            if result.returncode != 0:
                figures.add(what, "failed", result.stderr.strip().splitlines()[-1][:120])
                break
            times.append(result.seconds)
            rss.append(result.maxrss_kib)
            cpu.append(result.cpu)
        else:
            pdf = next((work / f"cold-{document}").glob("*.pdf"))
            sizes[document] = pdf.stat().st_size
            figures.add(
                what,
                f"{median(times):.2f} s",
                (
                    f"median of {runs}; min {min(times):.2f} s; CPU (user + system) median "
                    f"{median(cpu):.2f} s; peak RSS {median(rss) / 1024:.0f} MiB"
                ),
            )
    return sizes


BATCH_CHILD = """
import json, sys
from briefing import batch
paths, out, jobs, documents, force = json.loads(sys.argv[1])
r = batch.run(paths, out, jobs=jobs, documents=documents, force=force)
print(json.dumps({"seconds": r.seconds, "built": r.count("built"), "fresh": r.count("up to date"),
                  "failed": [o.error for o in r.outcomes if o.error][:3],
                  "peaks": sorted(r.worker_peak_kib.values()),
                  "render": [o.seconds for o in r.outcomes if o.status == "built"]}))
"""


def batch_process(
    paths: list[Path], out: Path, jobs: int, documents: tuple[str, ...], force: bool
) -> tuple[Run, dict]:
    arg = json.dumps([[str(p) for p in paths], str(out), jobs, list(documents), force])
    result = run_process(
        [sys.executable, "-c", BATCH_CHILD, arg], env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        return result, json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return result, {"failed": [result.stderr.strip()[-300:]]}


def bench_batch(figures: Figures, work: Path, count: int, runs: int) -> None:
    (work / "data").mkdir(exist_ok=True)
    paths = variants(work / "data", count)
    peaks: list[int] = []
    working: list[str] = []
    for documents in (("briefing",), ("report",)):
        label = documents[0]
        for jobs in (1, 2):
            if label == "report" and jobs == 1:
                continue  # the report batch is long; two workers are what users run
            per_doc, detail = [], ""
            for _ in range(runs if label == "briefing" else 1):
                result, info = batch_process(paths, work / "batch", jobs, documents, True)
                if info.get("failed") or result.returncode != 0:
                    detail = "; ".join(dict.fromkeys(info.get("failed") or [result.stderr[-200:]]))[
                        :200
                    ]
                    break
                per_doc.append(result.seconds / count)
                peaks.extend(info["peaks"])
                detail = (
                    f"whole process, {count} datasets; in-worker render median "
                    f"{median(info['render']) * 1000:.0f} ms"
                )
            what = f"{label} in a batch, {jobs} worker{'s' if jobs > 1 else ''}"
            figures.add(what, f"{median(per_doc) * 1000:.0f} ms" if per_doc else "failed", detail)
            if per_doc and label not in working:
                working.append(label)
    if peaks:
        figures.add(
            "worker memory",
            f"{max(peaks) / 1024:.0f} MiB",
            (
                "peak RSS per worker (max over workers and runs; median "
                f"{median(peaks) / 1024:.0f} MiB)"
            ),
        )

    # Every document that builds, cold, then the same batch again with nothing changed.
    if not working:
        figures.add("no-change rebuild", "failed", "no document builds")
        return
    docs = tuple(working)
    shutil.rmtree(work / "batch", ignore_errors=True)
    cold, info = batch_process(paths, work / "batch", 2, docs, False)
    if info.get("failed") or cold.returncode != 0:
        figures.add(
            "no-change rebuild", "failed", "; ".join(dict.fromkeys(info.get("failed") or []))[:200]
        )
        return
    again = []
    for _ in range(runs):
        result, info = batch_process(paths, work / "batch", 2, docs, False)
        assert info.get("fresh") == len(docs) * count, info
        again.append(result.seconds)
    share = median(again) / cold.seconds
    figures.add(
        "no-change rebuild",
        f"{median(again):.2f} s",
        f"{share:.1%} of the cold build of {count} datasets × {' + '.join(docs)} "
        f"({cold.seconds:.1f} s, 2 workers)",
    )
    make_noop = run_process(["make", "-q", "all"])
    figures.notes.append(
        f"`make -q all` (is anything out of date?) takes {make_noop.seconds * 1000:.0f} ms; "
        f"exit {make_noop.returncode}."
    )


def bench_handout(figures: Figures, work: Path, runs: int) -> None:
    times, size = [], 0
    target = work / "handout.pdf"
    for _ in range(runs):
        result = run_process(
            briefing_cmd(
                "handout",
                str(SAMPLE),
                "--copies",
                "30",
                "--what",
                "briefing",
                "--watermark",
                "征求意见稿",
                "-o",
                str(target),
            )
        )
        if result.returncode != 0:
            figures.add(
                "handout, 30 copies", "failed", result.stderr.strip().splitlines()[-1][:120]
            )
            return
        times.append(result.seconds)
        size = target.stat().st_size
    figures.add(
        "handout, 30 copies",
        f"{median(times):.2f} s",
        f"briefing with watermark, whole process, median of {runs}; {size / 1024:.0f} KiB",
    )


CHARTS_CHILD = """
import io, json, statistics, sys, time
from reportlab.pdfgen.canvas import Canvas
from briefing.charts import chart_style, draw_chart, warm_up
from briefing.compose.briefing import briefing_charts
from briefing.load import load_dataset
rounds = int(sys.argv[2])
ds = load_dataset(sys.argv[1])
warm_up()
canv = Canvas(io.BytesIO(), invariant=1)
times = {c.id: [] for c in briefing_charts(ds)}
cpu = {c.id: [] for c in briefing_charts(ds)}
for k in range(rounds + 1):
    for c in briefing_charts(ds):
        # A new width each round: the measuring cache never answers, as for a new district.
        t, u = time.perf_counter(), time.process_time()
        draw_chart(ds, c, width_pt=150.0 + k * 0.01, style=chart_style("normal")).drawOn(canv, 0, 0)
        if k:
            times[c.id].append(time.perf_counter() - t)
            cpu[c.id].append(time.process_time() - u)
print(json.dumps({cid: [statistics.median(v), statistics.median(cpu[cid])]
                  for cid, v in times.items()}))
"""


def bench_charts(figures: Figures, rounds: int = 30) -> None:
    """Per chart: measure and draw each of the briefing's charts (matplotlib warm), median of
    `rounds`.
    """
    result = run_process(
        [sys.executable, "-c", CHARTS_CHILD, str(SAMPLE), str(rounds)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        per_chart = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        figures.add("chart, briefing's charts", "failed", result.stderr.strip()[-200:])
        return
    mean = sum(wall for wall, _ in per_chart.values()) / len(per_chart)
    mean_cpu = sum(cpu for _, cpu in per_chart.values()) / len(per_chart)
    detail = ", ".join(f"{cid} {wall * 1000:.1f} ms" for cid, (wall, _) in per_chart.items())
    figures.add(
        "chart, briefing's charts",
        f"{mean * 1000:.1f} ms",
        f"mean of per-chart medians ({rounds} rounds, in-process, matplotlib warm): {detail}; "
        f"CPU time {mean_cpu * 1000:.1f} ms",
    )


def write_report(figures: Figures, sizes: dict[str, int], args: argparse.Namespace) -> None:
    lines = [
        "# Benchmarks",
        "",
        (
            "Written by `make bench` (`benchmarks/bench.py`); figures are medians of "
            "whole-process runs."
        ),
        (
            f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
            f"{platform.python_version()}, "
            f"{platform.system()}; {time.strftime('%Y-%m-%d')}; load average before the run "
            f"{args.load_before:.1f} (other processes share the cores; figures vary with them)."
        ),
        "",
        "| measure | figure | target | how |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {what} | {figure} | {target} | {detail} |"
        for what, figure, target, detail in figures.rows
    ]
    if sizes:
        lines += [
            "",
            "PDF sizes (data/liujiang-2024.yaml): "
            + ", ".join(f"{doc} {size / 1024:.0f} KiB" for doc, size in sizes.items())
            + ".",
        ]
    if figures.sections:
        lines += ["", *figures.sections]
    lines += ["", "Notes:", ""]
    lines += [f"- {note}" for note in figures.notes]
    lines += [
        "- Cold means a new Python process; the OS file cache, `__pycache__` and the per-user",
        "  cache of parsed faces (`~/.cache/briefing`) are warm, as on a user's machine after the",
        "  first run.",
        "- A cold `build` draws its charts in a helper process on the second core while it lays",
        "  out the pages (`briefing/background.py`); its CPU figures (user + system) include the",
        "  helper's, which is why they exceed the wall time, and their peak RSS is the larger of",
        "  the two processes'. `BRIEFING_CHART_HELPER=0` gives the one-process build.",
        "- Batch figures are whole-process wall time divided by the number of documents, so pool",
        "  start-up and per-worker set-up (fonts, matplotlib) are included.",
        "- Worker memory is each worker's own peak RSS (`getrusage(RUSAGE_SELF)` in the worker,",
        "  shared pages included).",
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")


def bench_scaling(figures: Figures, work: Path, runs: int) -> None:
    """The report at growing sizes: is the cost per page flat, and memory in bounds?"""
    import scaling

    try:
        points = scaling.measure(work, run_process, briefing_cmd, runs=runs)
    except RuntimeError as exc:
        figures.add("report per page, 60–2,000 indicators", "failed", str(exc)[:200])
        return
    worst = max(points, key=lambda p: p.ms_per_page)
    flat = max(p.ms_per_page for p in points) / min(p.ms_per_page for p in points)
    figures.add(
        "report per page, 60–2,000 indicators",
        f"{worst.ms_per_page:.1f} ms",
        f"layout CPU time per page at the worst size ({worst.indicators:,} indicators, "
        f"{worst.pages} pages; charts and start-up apart, see below); largest/smallest "
        f"per-page cost {flat:.2f}; fastest of {runs}",
    )
    largest = points[-1]
    figures.add(
        "report peak memory, 2,000 indicators",
        f"{largest.peak_mib:.0f} MiB",
        f"{largest.pages} pages; peak RSS of the build process",
    )
    image = scaling.plot(points)
    figures.sections += [
        "## The report at growing sizes",
        "",
        (
            "`briefing build --only report` on the sample dataset with its indicators copied up "
            "to each size (`benchmarks/scaled.py`). Each run builds each size twice, in new "
            "processes: once with the command, for the whole process's wall time, CPU time "
            "(user + system) and peak RSS; once rendering in-process (`scaling.py --phases`), "
            "for the CPU time of the render and of the charts drawn in it. Figures are those of "
            "the fastest run."
        ),
        "",
        (
            "- **Layout per page** is what grows with the pages: the render (composing, breaking "
            "lines, laying out the pages, drawing text and tables, writing the PDF and making it "
            "PDF/A) less its charts, in CPU time, divided by the pages."
        ),
        (
            "- **Charts** cost per chart, not per page (matplotlib's import comes with the "
            "first). **Fixed** is the rest of the process: start, imports, fonts, loading and "
            "checking the dataset (whole-process CPU less the render), and, since `build` draws "
            "its charts in a helper process beside the layout, that helper's start and "
            "matplotlib's import there."
        ),
        "- The whole process's CPU per page includes all of these: it falls as the report grows.",
        "",
        *scaling.table(points),
        "",
        (
            "![Time per page and peak memory against "
            f"pages]({image.relative_to(REPORT.parent).as_posix()})"
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per cold measurement (median)")
    parser.add_argument(
        "--batch-runs", type=int, default=3, help="runs per batch measurement (median)"
    )
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument(
        "--scaling-runs", type=int, default=3, help="runs per report size (minimum)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    args.load_before = os.getloadavg()[0]
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
        work = Path(tmp)
        sizes = bench_cold(figures, work, args.runs)
        bench_charts(figures)
        bench_handout(figures, work, args.batch_runs)
        bench_batch(figures, work, args.datasets, args.batch_runs)
        bench_scaling(figures, work, args.scaling_runs)
    if not args.no_write:
        write_report(figures, sizes, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
