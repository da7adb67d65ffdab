"""Hostile and careless input, run through the real command line: files in, exit status, messages
and peak memory out.

Each case runs `python -m briefing …` in a child process with a time limit of its own and is
measured with wait4(): it must end (no hang), exit 0 or 1 (never a traceback) and stay under
500 MB of peak resident memory, including its worker processes. The families follow
docs/hostile-input.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing.readfile import InputFileError, read_bounded

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"
MINIMAL = ROOT / "tests" / "fixtures" / "valid" / "minimal.yaml"
PEAK_LIMIT_KIB = 500 * 1024
PEAKS: dict[str, int] = {}  # case → peak KiB, for the summary line


@dataclass
class Run:
    status: int
    out: str
    err: str
    peak_kib: int
    seconds: float


def run_cli(
    *args: str | Path,
    timeout: float = 60,
    cwd: Path | None = None,
    case: str = "",
    env: dict[str, str] | None = None,
    allow: tuple[int, ...] = (0, 1),
) -> Run:
    """Run the command line in a child of its own session; kill it (and fail) past `timeout` s.

    The peak is wait4()'s ru_maxrss for this child, which includes its reaped workers: the same
    figure getrusage(RUSAGE_CHILDREN) gives, but for this one case rather than all so far.
    """
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefing", *map(str, args)],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                pytest.fail(f"{case or args}: still running after {timeout} s")
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss,
            time.monotonic() - start,
        )
    PEAKS[case or " ".join(map(str, args))] = run.peak_kib
    assert "Traceback" not in run.err, run.err
    assert run.status in allow, (run.status, run.err)
    assert run.peak_kib < PEAK_LIMIT_KIB, f"peak {run.peak_kib // 1024} MB"
    return run


# ---------------------------------------------------------------------------------------------
# bounded reads


def test_the_reader_counts_bytes_rather_than_trusting_st_size() -> None:
    status = Path("/proc/self/status")
    if not status.is_file() or status.stat().st_size:
        pytest.skip("needs a /proc file whose st_size is 0")
    with pytest.raises(InputFileError) as info:
        read_bounded(status, 10)
    assert info.value.reason == "size"
    assert "larger than 10 bytes" in str(info.value)
    assert len(read_bounded(status, 1_000_000)) > 10


def test_the_reader_refuses_devices_fifos_and_folders_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    signal.alarm(10)  # a FIFO without a writer would block an ordinary open() for ever
    try:
        for path, kind in ((fifo, "named pipe"), (zero, "device"), (tmp_path, "folder")):
            with pytest.raises(InputFileError) as info:
                read_bounded(path, 1000)
            assert kind in str(info.value)
    finally:
        signal.alarm(0)
    dangling = tmp_path / "gone.yaml"
    dangling.symlink_to(tmp_path / "nowhere.yaml")
    with pytest.raises(InputFileError, match="symlink to a missing file"):
        read_bounded(dangling, 1000)


@pytest.fixture
def specials(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:  # 100 MB: sparse, costs no disk
        f.truncate(100 * 1024 * 1024)
    return {"fifo": fifo, "zero": zero, "big": big}


@pytest.mark.parametrize("command", ["check", "batch", "build", "handout"])
@pytest.mark.parametrize("kind", ["fifo", "zero", "big"])
def test_special_and_huge_files_are_refused_quickly_and_in_little_memory(
    command: str, kind: str, specials: dict[str, Path], tmp_path: Path
) -> None:
    path = specials[kind]
    args: list[str | Path] = [command, path]
    if command in ("batch", "build"):
        args += ["-o", tmp_path / "out"]
    if command == "handout":
        args += ["--copies", "2", "-o", tmp_path / "out.pdf"]
    run = run_cli(*args, timeout=60, case=f"{command} {kind}")
    assert run.status == 1
    wanted = {"fifo": "named pipe", "zero": "device", "big": "the limit is 2,000,000"}[kind]
    assert wanted in run.err + run.out, run.err
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_summary_of_peaks() -> None:
    # Printed with -s; kept as a test so that the numbers land in CI's log.
    if PEAKS:
        worst = max(PEAKS.items(), key=lambda kv: kv[1])
        print(f"\nhostile cases run: {len(PEAKS)}, highest peak {worst[1] // 1024} MB ({worst[0]})")


# ---------------------------------------------------------------------------------------------
# fonts


@pytest.fixture
def font_copy(tmp_path: Path) -> Path:
    import shutil

    from briefing import fonts

    folder = tmp_path / "fonts"
    shutil.copytree(fonts.fonts_dir(), folder)
    return folder


@pytest.mark.parametrize("command", ["build", "batch"])
@pytest.mark.parametrize("damage", ["truncated", "swapped", "truncated-no-manifest", "empty"])
def test_a_damaged_or_swapped_font_is_refused_clearly(
    damage: str, command: str, font_copy: Path, tmp_path: Path
) -> None:
    serif = font_copy / "BriefingSerif-Regular.ttf"
    if damage.startswith("truncated"):
        serif.write_bytes(serif.read_bytes()[:5000])
    elif damage == "swapped":
        serif.write_bytes((font_copy / "BriefingSans-Regular.ttf").read_bytes())
    else:
        serif.write_bytes(b"")
    if damage.endswith("no-manifest"):
        (font_copy / "manifest.json").unlink()  # a user's own folder: no hashes to check against
    env = {**os.environ, "BRIEFING_FONTS_DIR": str(font_copy)}
    run = run_cli(
        command, MINIMAL, "-o", tmp_path / "out", env=env, case=f"{command}: font {damage}"
    )
    assert run.status == 1
    wanted = "cannot be read as TrueType" if damage.endswith("no-manifest") else "does not match"
    said = run.err + run.out  # batch tells its errors under its table
    assert "BriefingSerif-Regular.ttf" in said, said
    assert wanted in said, said
    assert "WorkerDied" not in said
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


# ---------------------------------------------------------------------------------------------
# large figures


def _minimal_with_value(value: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    return text.replace("value: 520", f"value: {value}", 1)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("12345678901.12345", "12345678901.12345件"),
        ("999999999999.999", "999999999999.999件"),
        ("12345678901.1234", "12345678901.1234件"),
        ("123456789012345", None),  # over the plausibility limit of 10^12
        ("123456789000", "12345678.9万件"),
        ("0.000001", "0.000001件"),
    ],
)
def test_large_figures_print_exactly_as_written(written: str, printed: str | None) -> None:
    from briefing.errors import DatasetError
    from briefing.load import parse_dataset

    raw = _minimal_with_value(written).encode()
    if printed is None:
        with pytest.raises(DatasetError):
            parse_dataset(raw, "big.yaml")
        return
    dataset = parse_dataset(raw, "big.yaml")
    assert dataset.indicators[0].printed == printed


@pytest.mark.parametrize(
    "written", ["12345678901.123456", "999999999999.999999", "0.1234567890123456"]
)
def test_precision_that_cannot_be_printed_exactly_is_refused(written: str) -> None:
    from briefing.errors import DatasetError
    from briefing.load import parse_dataset

    with pytest.raises(DatasetError) as info:
        parse_dataset(_minimal_with_value(written).encode(), "big.yaml")
    (problem,) = info.value.problems
    assert (problem.line and "exactly" in problem.message) or "decimals" in problem.message, str(
        problem
    )


# ---------------------------------------------------------------------------------------------
# smaller defects


def test_init_refuses_a_dangling_symlink_and_never_leaves_a_partial_file(tmp_path: Path) -> None:
    link = tmp_path / "new.yaml"
    link.symlink_to(tmp_path / "elsewhere.yaml")
    run = run_cli("init", link, case="init through a dangling symlink")
    assert run.status == 1
    assert "symlink" in run.err
    assert not (tmp_path / "elsewhere.yaml").exists()
    full = Path("/dev/full")
    if full.exists():  # writes to /dev/full fail with ENOSPC; the file's folder is the test's
        from briefing.cli import main

        target = tmp_path / "starter.yaml"
        real_write = os.write

        def disk_full(fd: int, data: bytes | memoryview) -> int:
            raise OSError(28, "No space left on device")

        os.write = disk_full  # type: ignore[assignment]
        try:
            assert main(["init", str(target)]) == 1
        finally:
            os.write = real_write  # type: ignore[assignment]
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_terminal_escapes_in_file_names_are_spelled_out(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b[2J\x07.yaml"
    run = run_cli("check", name, case="escape sequences in a file name")
    assert run.status == 1
    assert "\x1b" not in run.err
    assert "\x07" not in run.err
    assert "\\u001b[2J\\u0007" in run.err


def test_handout_copies_have_a_sane_limit(tmp_path: Path) -> None:
    from briefing.handout import MAX_COPIES

    run = run_cli(
        "handout",
        MINIMAL,
        "--copies",
        str(MAX_COPIES + 1),
        "-o",
        tmp_path / "h.pdf",
        case="handout over the copy limit",
        allow=(2,),
    )  # a usage error
    assert f"between 1 and {MAX_COPIES}" in run.err
    assert not (tmp_path / "h.pdf").exists()


def test_output_paths_over_the_name_limit_are_clear(tmp_path: Path) -> None:
    long_folder = tmp_path / ("长" * 100)  # 300 bytes: over the 255-byte limit of one name
    run = run_cli("build", MINIMAL, "-o", long_folder, case="output folder name over 255 bytes")
    assert run.status == 1, run.err
    assert "longer than 255 bytes" in run.err or "too long" in run.err, run.err
    run = run_cli(
        "handout",
        MINIMAL,
        "--copies",
        "2",
        "-o",
        tmp_path / ("份" * 100 + ".pdf"),
        case="handout name over 255 bytes",
    )
    assert run.status == 1, run.err
    assert "longer than 255 bytes" in run.err or "too long" in run.err, run.err


# ---------------------------------------------------------------------------------------------
# label width


def test_label_limit_is_printed_width_not_characters() -> None:
    from briefing.errors import DatasetError
    from briefing.load import parse_dataset

    text = MINIMAL.read_text(encoding="utf-8")
    mixed = "行政复议 Administrative Reconsideration Cases"  # 43 characters, about 27 ems
    assert len(mixed) > 40
    dataset = parse_dataset(
        text.replace("label: 受理纠纷", f"label: {mixed}", 1).encode(), "mixed.yaml"
    )
    assert dataset.indicators[0].label == mixed
    with pytest.raises(DatasetError, match="at most 40 fit a label"):
        parse_dataset(
            text.replace("label: 受理纠纷", "label: " + "受" * 41, 1).encode(), "wide.yaml"
        )
    with pytest.raises(DatasetError, match="at most 40 fit a label"):
        parse_dataset(
            text.replace("label: 受理纠纷", "label: " + "W" * 40, 1).encode(), "latin.yaml"
        )


def test_the_width_table_matches_the_fonts() -> None:
    from fontTools.ttLib import TTFont

    from briefing import fonts
    from briefing.textwidth import ASCII_WIDTHS

    widest = [0] * 95
    for path in fonts.all_font_files():
        font = TTFont(path, lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        for i in range(95):
            widest[i] = max(widest[i], round(hmtx[cmap[0x20 + i]][0] * scale))
        font.close()
    assert list(ASCII_WIDTHS) == widest


def test_a_closed_pipe_gives_the_runs_real_status() -> None:
    # `briefing check … | head -1` used to exit 0 or 1 at random.
    for dataset, status in (
        (DATASET, 0),
        (ROOT / "tests" / "fixtures" / "invalid" / "empty.yaml", 1),
    ):
        for _ in range(3):
            proc = subprocess.Popen(
                [sys.executable, "-m", "briefing", "check", str(dataset)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert proc.stdout is not None
            proc.stdout.close()  # the reader is gone before anything is written
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == status, err
            assert b"Traceback" not in err
            assert b"BrokenPipe" not in err
