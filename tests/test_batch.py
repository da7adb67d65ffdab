"""Tests for briefing.batch: generated datasets in, PDFs and outcomes out (with a fast stand-in
renderer).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import processes_with_env
from reportlab.pdfgen import canvas

from briefing import batch
from briefing.errors import LayoutOverflowError
from briefing.model import Dataset

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "liujiang-2024.yaml"


def fake_render(dataset: Dataset, document: str, *, pdfa: bool = True) -> tuple[bytes, int]:
    """A quick stand-in for build.render_document: one page per briefing, three per report."""
    district = dataset.meta.district
    if "溢出" in district:
        raise LayoutOverflowError(f"{district}: the briefing does not fit on one page")
    if "崩溃" in district:
        # Die the way an OOM kill or a segfault does: no exception, no cleanup.
        os.kill(os.getpid(), signal.SIGKILL)
    if "缓慢" in district:
        time.sleep(0.4)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    pages = 1 if document == "briefing" else 3
    for page in range(pages):
        pdf.drawString(72, 720, f"{document} {page + 1} {dataset.sha256[:12]}")
        pdf.showPage()
    pdf.save()
    return buf.getvalue(), pages


def other_render(dataset: Dataset, document: str, *, pdfa: bool = True) -> tuple[bytes, int]:
    data, pages = fake_render(dataset, document, pdfa=pdfa)
    return data.replace(b"%%EOF", b"%other\n%%EOF"), pages


def variant(folder: Path, stem: str, district: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8").replace("柳江区", district)
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Collect:
    def __init__(self) -> None:
        self.total = 0
        self.events: list[batch.Outcome] = []

    def planned(self, total: int) -> None:
        self.total = total

    def done(self, outcome: batch.Outcome) -> None:
        self.events.append(outcome)


@pytest.fixture(autouse=True)
def quick_warm_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Record each worker's warm-up instead of loading fonts and matplotlib (a second per
    worker).
    """
    log = tmp_path / "warm-ups.log"

    def record() -> None:
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")

    monkeypatch.setattr(batch, "warm_up", record)  # forked workers inherit the patch
    monkeypatch.setattr(batch, "_worker_ready", False)  # an in-process executor sets it
    monkeypatch.setattr(batch, "_set_up_error", None)
    return log


@pytest.fixture
def datasets(tmp_path: Path) -> list[Path]:
    src = tmp_path / "data"
    src.mkdir()
    return [variant(src, f"d{i}", name) for i, name in enumerate(["柳江区", "柳北区", "鱼峰区"])]


def statuses(result: batch.BatchResult) -> dict[tuple[str, str], str]:
    return {(Path(o.dataset).stem, o.document): o.status for o in result.outcomes}


def test_builds_all_then_skips_all_then_force_rebuilds(
    datasets: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    progress = Collect()
    first = batch.run(datasets, out, jobs=2, render=fake_render, progress=progress)
    assert first.ok
    assert first.count("built") == 6
    assert progress.total == 6
    assert len(progress.events) == 6
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(
        f"d{i}-{d}.pdf" for i in range(3) for d in ("briefing", "report")
    )
    assert len(list((out / batch.CACHE_DIR).glob("*.json"))) == 6
    mtimes = {p: p.stat().st_mtime_ns for p in out.glob("*.pdf")}

    second = batch.run(datasets, out, jobs=2, render=fake_render)
    assert set(statuses(second).values()) == {"up to date"}
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == mtimes
    assert [o.pages for o in second.outcomes if o.document == "report"] == [3, 3, 3]

    forced = batch.run(datasets, out, jobs=1, force=True, render=fake_render)
    assert forced.count("built") == 6


def test_set_up_runs_once_per_worker(
    datasets: list[Path], tmp_path: Path, quick_warm_up: Path
) -> None:
    more = [variant(datasets[0].parent, f"m{i}", f"新{i}区") for i in range(5)]
    result = batch.run([*datasets, *more], tmp_path / "out", jobs=2, render=fake_render)
    assert result.count("built") == 16
    assert len(result.worker_peak_kib) == 2
    if (
        multiprocessing.get_start_method() == "fork"
    ):  # the patched warm-up reaches forked workers only
        pids = quick_warm_up.read_text().split()
        assert len(pids) == len(set(pids)) == 2
        assert set(map(int, pids)) == set(result.worker_peak_kib)
    assert all(kib > 10_000 for kib in result.worker_peak_kib.values())


def test_incremental_by_content_not_mtime(datasets: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch.run(datasets, out, jobs=1, render=fake_render)
    # Touching a file changes nothing; editing one rebuilds only its outputs.
    os.utime(datasets[0], (time.time() + 100, time.time() + 100))
    variant(datasets[1].parent, "d1", "城中区")
    result = batch.run(datasets, out, jobs=1, render=fake_render)
    assert result.count("built") == 2
    assert {k for k, v in statuses(result).items() if v == "built"} == {
        ("d1", "briefing"),
        ("d1", "report"),
    }
    # A damaged output is noticed by its hash and rebuilt.
    (out / "d2-report.pdf").write_bytes(b"%PDF-1.4 truncated")
    result = batch.run(datasets, out, jobs=1, render=fake_render)
    assert {k for k, v in statuses(result).items() if v == "built"} == {("d2", "report")}
    # So is a deleted one, and one built by another renderer (the environment is in the key).
    (out / "d0-briefing.pdf").unlink()
    result = batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",))
    assert {k for k, v in statuses(result).items() if v == "built"} == {("d0", "briefing")}
    result = batch.run(datasets, out, jobs=1, render=other_render, documents=("briefing",))
    assert result.count("built") == 3
    # pdfa is an option in the key too.
    result = batch.run(
        datasets, out, jobs=1, render=other_render, documents=("briefing",), pdfa=False
    )
    assert result.count("built") == 3


def test_invalid_and_failing_datasets_are_isolated(datasets: list[Path], tmp_path: Path) -> None:
    src = datasets[0].parent
    broken = src / "broken.yaml"
    broken.write_text("meta: [unclosed\n", encoding="utf-8")
    empty = src / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    overflow = variant(src, "overflow", "溢出区")
    missing = src / "missing.yaml"
    progress = Collect()
    result = batch.run(
        [*datasets, broken, empty, overflow, missing],
        tmp_path / "out",
        jobs=2,
        render=fake_render,
        progress=progress,
        documents=("briefing",),
    )
    assert not result.ok
    got = statuses(result)
    assert got == {
        ("d0", "briefing"): "built",
        ("d1", "briefing"): "built",
        ("d2", "briefing"): "built",
        ("broken", "briefing"): "invalid",
        ("empty", "briefing"): "invalid",
        ("missing", "briefing"): "invalid",
        ("overflow", "briefing"): "failed",
    }
    # Every invalid file is reported before anything is rendered.
    first_built = next(i for i, o in enumerate(progress.events) if o.status == "built")
    assert {Path(o.dataset).stem for o in progress.events[:first_built]} == {
        "broken",
        "empty",
        "missing",
    }
    errors = {Path(o.dataset).stem: o.error for o in result.outcomes if o.error}
    assert errors["broken"].startswith("DatasetError:")
    assert "broken.yaml:2:1: YAML syntax error" in errors["broken"]
    assert errors["missing"] == f"DatasetError: 1 problem found\n  {missing}: no such file"
    assert errors["overflow"].startswith("LayoutOverflowError:")
    table = batch.summary_table(result)
    assert "FAILED" in table
    assert "INVALID" in table
    assert "3 built, 0 up to date, 4 failed or invalid" in table


def test_cli_exit_codes_and_summary(
    datasets: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefing import build

    monkeypatch.setattr(
        build, "render_document", fake_render
    )  # the workers are forked: they see it
    args = argparse.Namespace(
        files=[str(p) for p in datasets],
        outdir=str(tmp_path / "out"),
        jobs=2,
        force=False,
        only="briefing",
        no_pdfa=False,
    )
    assert batch.run_batch(args) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split() == ["dataset", "outputs", "pages", "time", "status"]
    assert any(line.startswith(str(datasets[0])) and line.endswith("built") for line in lines)
    assert captured.err.count("built:") == 3  # plain progress lines, stderr is not a terminal
    assert batch.run_batch(args) == 0
    assert "0 built, 3 up to date" in capsys.readouterr().out
    args.files.append(str(tmp_path / "nope.yaml"))
    assert batch.run_batch(args) == 1
    args.jobs = 0
    assert batch.run_batch(args) == 2


def test_worker_killed_mid_render_fails_alone(datasets: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    crash = variant(datasets[0].parent, "crash", "柳南区")
    batch.run([*datasets, crash], out, jobs=2, render=fake_render)
    before = (out / "crash-briefing.pdf").read_bytes()
    variant(datasets[0].parent, "crash", "崩溃区")
    for p in datasets:  # make the others stale too, so they share the pool with the crash
        p.write_text(p.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = batch.run([*datasets, crash], out, jobs=2, render=fake_render)
    got = statuses(result)
    assert got[("crash", "briefing")] == "failed"
    assert got[("crash", "report")] == "failed"
    assert all(v == "built" for k, v in got.items() if k[0] != "crash")
    assert "WorkerDied" in next(o.error for o in result.outcomes if o.status == "failed")
    assert (out / "crash-briefing.pdf").read_bytes() == before
    assert not list(out.glob(".*.tmp"))


def test_write_failure_keeps_previous_file(
    datasets: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    batch.run(datasets[:1], out, jobs=1, render=fake_render, documents=("briefing",))
    target = out / "d0-briefing.pdf"
    before = target.read_bytes()
    variant(datasets[0].parent, "d0", "柳南区")

    real_write = os.write

    def full_disk(fd: int, data: bytes | memoryview) -> int:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # the pool's pipes to spawned workers
            return real_write(fd, data)
        real_write(fd, bytes(data)[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)  # the parent writes; workers only render
    result = batch.run(datasets[:1], out, jobs=1, render=fake_render, documents=("briefing",))
    monkeypatch.undo()
    assert result.outcomes[0].status == "failed"
    assert "the disk is full" in result.outcomes[0].error
    assert target.read_bytes() == before
    assert not list(out.glob(".*.tmp"))


def _script(body: str) -> str:
    return textwrap.dedent(f"""
        import multiprocessing, os, signal, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(Path(__file__).parent)!r}]
        if os.environ.get("BRIEFING_TEST_START_METHOD"):
            multiprocessing.set_start_method(os.environ["BRIEFING_TEST_START_METHOD"], force=True)
        from briefing import batch
        from briefing import output as write
        from test_batch import fake_render
    """) + textwrap.dedent(body)


def test_process_killed_mid_write_leaves_old_file_and_next_run_cleans_up(
    datasets: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    batch.run(datasets[:1], out, jobs=1, render=fake_render, documents=("briefing",))
    target = out / "d0-briefing.pdf"
    before = target.read_bytes()
    variant(datasets[0].parent, "d0", "柳南区")
    script = _script(f"""
        real = os.replace
        def die(src, dst):  # the output's temporary file is complete; die before its rename
            if str(dst).endswith(".pdf"):
                os.kill(os.getpid(), signal.SIGKILL)
            return real(src, dst)
        os.replace = die
        batch.run([{str(datasets[0])!r}], {str(out)!r}, jobs=1, render=fake_render,
                  documents=("briefing",))
    """)
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=60, check=False
    )  # kills on timeout
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert target.read_bytes() == before
    assert len(list(out.glob(".d0-briefing.pdf.*.tmp"))) == 1  # what SIGKILL leaves …
    result = batch.run(datasets[:1], out, jobs=1, render=fake_render, documents=("briefing",))
    assert result.ok
    assert result.count("built") == 1
    assert not list(out.glob(".*.tmp"))  # … the next run removes
    assert target.read_bytes() != before


def test_sigterm_stops_workers_and_leaves_no_partial_file(tmp_path: Path) -> None:
    src = tmp_path / "data"
    src.mkdir()
    paths = [variant(src, f"s{i}", f"缓慢{i}区") for i in range(6)]
    out = tmp_path / "out"
    script = _script(f"""
        import argparse
        args = argparse.Namespace(files={[str(p) for p in paths]!r}, outdir={str(out)!r}, jobs=2,
                                  force=False, only=None, no_pdfa=False)
        from briefing import build
        build.render_document = fake_render
        sys.exit(batch.run_batch(args))
    """)
    marker = {**os.environ, "BRIEFING_TEST_RUN": str(out)}  # inherited by every worker
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=marker
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # the first finished output
        assert b"built" in first, first + proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # never leave a hung batch behind
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM, err.decode()
    assert b"Interrupted" in err
    assert not list(out.glob(".*.tmp"))
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    assert len(list(out.glob("*.pdf"))) < 12
    # No worker outlives the parent.
    assert processes_with_env("BRIEFING_TEST_RUN", str(out)) == []


def test_output_names_are_safe_and_symlinks_refused(tmp_path: Path) -> None:
    src = tmp_path / "data"
    (src / "sub").mkdir(parents=True)
    a = variant(src, "same", "柳江区")
    b = variant(src / "sub", "same", "柳北区")
    dotty = variant(src, "..evil", "鱼峰区")
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"precious")
    (out / "evil-briefing.pdf").symlink_to(outside)
    result = batch.run([a, b, dotty], out, jobs=1, render=fake_render, documents=("briefing",))
    by_name = {o.dataset: o for o in result.outcomes}
    assert by_name[str(a)].status == "built"
    assert by_name[str(b)].status == "invalid"
    assert "would overwrite those of" in by_name[str(b)].error
    assert by_name[str(dotty)].status == "invalid"
    assert "symlink" in by_name[str(dotty)].error
    assert outside.read_bytes() == b"precious"
    assert all(p.parent == out for p in out.glob("**/*.pdf"))

    # A cache folder planted as a symlink is refused outright.
    out2 = tmp_path / "out2"
    out2.mkdir()
    (out2 / batch.CACHE_DIR).symlink_to(tmp_path)
    with pytest.raises(batch.OutputError):
        batch.run([a], out2, jobs=1, render=fake_render)


def test_any_executor_can_run_the_workers(datasets: list[Path], tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        result = batch.run(datasets, tmp_path / "out", executor=pool, render=fake_render)
    assert result.ok
    assert result.count("built") == 6


def test_code_and_font_changes_invalidate_the_cache(
    datasets: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing import fonts

    out = tmp_path / "out"
    batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",))
    real = batch.package_fingerprint()
    monkeypatch.setattr(
        batch, "package_fingerprint", lambda: real[::-1]
    )  # as if a source file changed
    assert (
        batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",)).count("built")
        == 3
    )
    monkeypatch.undo()
    quick = tmp_path / "fonts"
    shutil.copytree(fonts.fonts_dir(), quick)
    monkeypatch.setenv(fonts.FONTS_DIR_ENV, str(quick))
    before = batch.fonts_fingerprint()
    # Back to the real package hash: rebuilt again. Fonts moved but identical: nothing to do.
    assert (
        batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",)).count("built")
        == 3
    )
    assert (
        batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",)).count("built")
        == 0
    )
    kai = quick / fonts.FILES[fonts.KAI]
    kai.write_bytes(kai.read_bytes() + b"\0")
    # A rebuilt face comes with its manifest (one that does not match is refused as damaged).
    manifest = json.loads((quick / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["fonts"]:
        if entry["file"] == kai.name:
            entry["sha256"] = hashlib.sha256(kai.read_bytes()).hexdigest()
    (quick / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert batch.fonts_fingerprint() != before
    assert (
        batch.run(datasets, out, jobs=1, render=fake_render, documents=("briefing",)).count("built")
        == 3
    )


REAL_WARM_UP = batch.warm_up


def test_real_briefing_through_the_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "warm_up", REAL_WARM_UP)
    out = tmp_path / "out"
    result = batch.run([SAMPLE], out, jobs=1, documents=("briefing",))
    assert result.ok, batch.summary_table(result)
    assert result.count("built") == 1, batch.summary_table(result)
    pdf = out / "liujiang-2024-briefing.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert result.outcomes[0].pages == 1
    again = batch.run([SAMPLE], out, jobs=1, documents=("briefing",))
    assert again.count("up to date") == 1


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_every_start_method_builds_every_dataset(
    method: str, datasets: list[Path], tmp_path: Path
) -> None:
    # forkserver (3.14's default on Linux) makes the fork server, not us, each worker's parent:
    # the worker's parent watch must not take that for a dead parent.
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available here")
    before = multiprocessing.get_start_method()
    multiprocessing.set_start_method(method, force=True)
    try:
        result = batch.run(
            datasets[:2], tmp_path / "out", jobs=2, render=fake_render, documents=("briefing",)
        )
    finally:
        multiprocessing.set_start_method(before, force=True)
    assert [o.status for o in result.outcomes] == ["built", "built"], [
        o.error for o in result.outcomes
    ]


def test_scheduler_without_the_dask_extra_says_how_to_install_it(
    datasets: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from briefing import cli

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: import fails
    code = cli.main(
        [
            "batch",
            str(datasets[0]),
            "-o",
            str(tmp_path / "out"),
            "--scheduler",
            "tcp://127.0.0.1:8786",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        "ClusterError: --scheduler needs the optional package distributed: pip install "
        "'fazhi-briefing[dask]'"
    )
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_cache_key_covers_engine_versions_and_font_manifest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from briefing import engines, fonts

    env = batch.Environment.current()
    assert "ReportLab" in env.engines
    assert "pikepdf" in env.engines
    assert "matplotlib" in env.engines
    key = batch.cache_key("0" * 64, "briefing", True, env)
    newer = {**engines.engine_versions(), "ReportLab": "99.0"}
    monkeypatch.setattr(engines, "engine_versions", lambda: newer)
    assert batch.cache_key("0" * 64, "briefing", True, batch.Environment.current()) != key
    # The manifest is hashed with the fonts: a changed manifest changes the key.
    copy = tmp_path / "fonts"
    shutil.copytree(fonts.fonts_dir(), copy)
    monkeypatch.setattr(fonts, "fonts_dir", lambda: copy)
    before = batch.fonts_fingerprint()
    (copy / "manifest.json").write_text((copy / "manifest.json").read_text() + "\n")
    assert batch.fonts_fingerprint() != before
