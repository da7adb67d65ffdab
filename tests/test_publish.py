"""Outputs of one dataset change together: builds killed, interrupted, failing or racing in; always
a matching pair out.

A *matching pair* is checked two ways: the manifest's hashes against the files, and, for real
builds, the dataset fingerprint each PDF prints (the briefing's footer, the report's cover).
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing import batch, cli, documents, output
from briefing.errors import OutputError
from briefing.output import FolderLock, publish, read_manifest

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (Path(__file__).parent / "fixtures" / "valid" / "minimal.yaml").read_text(
    encoding="utf-8"
)
NAMES = [f"x-{d}.pdf" for d in documents.names()]


def version(tag: str) -> dict[str, bytes]:
    return {name: f"%PDF-1.7 {tag} {name}\n".encode() * 50 for name in NAMES}


def pdfs(folder: Path, stem: str = "x") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob(f"{stem}-*.pdf"))}


def assert_matching(folder: Path, stem: str = "x") -> str:
    """Both documents are there, from one version, as the manifest says; returns the version."""
    files = pdfs(folder, stem)
    assert sorted(files) == sorted(f"{stem}-{d}.pdf" for d in documents.names()), sorted(files)
    tags = {data.split()[1] for data in files.values()}
    assert len(tags) == 1, f"a mixed set: {tags}"
    record = read_manifest(folder, stem)
    assert record is not None
    import hashlib

    assert {n: e["sha256"] for n, e in record["files"].items()} == {
        n: hashlib.sha256(d).hexdigest() for n, d in files.items()
    }
    assert not list(folder.glob(".*.tmp"))
    assert not list(folder.glob(".*pair-journal*"))
    return tags.pop().decode()


def _publish_script(folder: Path, tag: str, kill_at: int, sig: int = signal.SIGKILL) -> str:
    return textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from briefing import output
        steps = []
        def hook(name):
            steps.append(name)
            print(name, flush=True)
            if len(steps) == {kill_at}:
                os.kill(os.getpid(), {int(sig)})
        output._step_hook = hook
        files = {{n: f"%PDF-1.7 {tag} {{n}}\\n".encode() * 50 for n in {NAMES!r}}}
        output.publish({str(folder)!r}, "x", files, dataset={tag!r}, siblings={NAMES!r})
    """)


def _steps(tmp_path: Path) -> list[str]:
    folder = tmp_path / "count"
    proc = subprocess.run(
        [sys.executable, "-c", _publish_script(folder, "B", 10_000)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.split("\n")[:-1]


def test_a_kill_at_every_step_leaves_a_matching_pair(tmp_path: Path) -> None:
    steps = _steps(tmp_path)
    assert steps[0] == "staged"
    assert steps[1] == "journal"
    assert steps[-1] == "manifest"
    assert [s for s in steps if s.startswith("rename")] == [f"rename {n}" for n in sorted(NAMES)]
    outcomes = set()
    for k in range(1, len(steps) + 1):
        folder = tmp_path / f"kill{k}"
        publish(folder, "x", version("A"), dataset="A", siblings=NAMES)
        proc = subprocess.run(
            [sys.executable, "-c", _publish_script(folder, "B", k)],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
        # Whatever a reader sees before anyone repairs it: a mixed set only with a journal beside
        # it.
        seen = {data.split()[1] for data in pdfs(folder).values()}
        if len(seen) > 1:
            assert list(folder.glob(".x.pair-journal.json")), (
                f"step {steps[k - 1]}: mixed and no journal"
            )
        with FolderLock(folder):  # what the next run does first
            pass
        outcomes.add((steps[k - 1], assert_matching(folder)))
    # Killed before the commit point the old pair stays; after it, the new one is completed.
    assert ("staged", "A") in outcomes
    assert ("journal", "B") in outcomes
    assert {tag for step, tag in outcomes if step.startswith("rename")} == {"B"}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signals_wait_until_the_set_is_replaced(tmp_path: Path, sig: int) -> None:
    folder = tmp_path / "out"
    publish(folder, "x", version("A"), dataset="A", siblings=NAMES)
    first_rename = 3  # staged, journal, rename …
    proc = subprocess.run(
        [sys.executable, "-c", _publish_script(folder, "B", first_rename, sig)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "manifest" in proc.stdout.decode()  # the publication finished before the signal landed
    assert assert_matching(folder) == "B"  # no repair needed


@pytest.mark.parametrize("fail_at", ["staged", "journal", "rename", "manifest"])
def test_injected_failures_between_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: str
) -> None:
    folder = tmp_path / "out"
    publish(folder, "x", version("A"), dataset="A", siblings=NAMES)

    def hook(name: str) -> None:
        if name.startswith(fail_at):
            raise OSError(errno.EIO, "injected")

    monkeypatch.setattr(output, "_step_hook", hook)
    with pytest.raises((OutputError, OSError)):
        publish(folder, "x", version("B"), dataset="B", siblings=NAMES)
    monkeypatch.setattr(output, "_step_hook", None)
    with FolderLock(folder):
        pass
    assert assert_matching(folder) == ("A" if fail_at == "staged" else "B")


def test_a_full_disk_keeps_the_old_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    publish(folder, "x", version("A"), dataset="A", siblings=NAMES)
    real_write, calls = os.write, []

    def full(fd: int, data: bytes | memoryview) -> int:
        calls.append(fd)
        if len(calls) > 1:  # the first document fits, the second does not
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(output.os, "write", full)
    with pytest.raises(OutputError, match="the disk is full"):
        publish(folder, "x", version("B"), dataset="B", siblings=NAMES)
    monkeypatch.undo()
    assert assert_matching(folder) == "A"


def test_a_document_of_another_version_is_not_left_beside_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    publish(folder, "x", version("A"), dataset="A", siblings=NAMES)
    first, second = NAMES
    publish(
        folder, "x", {first: version("A")[first]}, dataset="A", siblings=NAMES
    )  # same data: kept
    assert assert_matching(folder) == "A"
    publish(folder, "x", {first: version("B")[first]}, dataset="B", siblings=NAMES)
    assert pdfs(folder) == {first: version("B")[first]}  # the older second document is gone
    record = read_manifest(folder, "x")
    assert record is not None
    assert record["remove"] == [second]
    assert list(record["files"]) == [first]


def _racer(folder: Path, tag: str, rounds: int) -> str:
    return textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from briefing import output
        for i in range({rounds}):
            files = {{n: f"%PDF-1.7 {tag}{{i}} {{n}}\\n".encode() * 2000 for n in {NAMES!r}}}
            output.publish({str(folder)!r}, "x", files, dataset=f"{tag}{{i}}", siblings={NAMES!r})
    """)


def test_concurrent_runs_never_interleave(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    publish(folder, "x", version("A"), dataset="A", siblings=NAMES)
    racers = [
        subprocess.Popen([sys.executable, "-c", _racer(folder, tag, 25)]) for tag in ("P", "Q")
    ]
    checks = 0
    try:
        while any(r.poll() is None for r in racers):
            with FolderLock(folder, wait=60):
                assert_matching(folder)
                checks += 1
            time.sleep(0.01)
    finally:
        for r in racers:
            r.wait(timeout=120)
    assert all(r.returncode == 0 for r in racers)
    assert re.fullmatch(r"[PQ]24", assert_matching(folder))
    assert checks > 0


def test_a_busy_folder_makes_others_wait_or_refuse(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    path = tmp_path / "d.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from briefing.output import FolderLock
        with FolderLock({str(folder)!r}):
            print("held", flush=True)
            sys.stdin.readline()  # hold the lock until the test says so
    """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    build = [
        sys.executable,
        "-m",
        "briefing.cli",
        "build",
        str(path),
        "-o",
        str(folder),
        "--only",
        "briefing",
    ]
    waiter = None
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        assert holder.stdout.readline() == "held\n"
        assert cli.main([*build[3:], "--wait", "0.2"]) == 1  # refuses: the folder stays busy
        waiter = subprocess.Popen(
            [*build, "--wait", "120"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        time.sleep(1.0)
        assert waiter.poll() is None  # still waiting (or still rendering)
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert waiter.wait(timeout=120) == 0
    finally:
        if holder.poll() is None and holder.stdin is not None:
            holder.stdin.close()
        holder.wait(timeout=30)
        if waiter is not None and waiter.poll() is None:
            waiter.kill()
            waiter.wait()
        for proc in (holder, waiter):
            for pipe in (proc.stdin, proc.stdout) if proc is not None else ():
                if pipe is not None:
                    pipe.close()
    assert (folder / "d-briefing.pdf").exists()


def test_refusal_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with FolderLock(folder):
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from briefing import output
            output.publish({str(folder)!r}, "x", {{"x-briefing.pdf": b"%PDF"}}, dataset="A",
                           wait=0.1)
        """),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1 or "OutputError" in proc.stderr
    assert f"another briefing run (process {os.getpid()}) is writing into {folder}" in proc.stderr


def test_two_files_with_one_stem_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "a.yml"
    a.write_text(MINIMAL, encoding="utf-8")
    b.write_text(MINIMAL.replace("示例区", "另一区"), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["build", str(a), str(b), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"OutputError: {a} and {b} would both write a-*.pdf" in err
    assert f"OutputError: {b} and {a} would both write a-*.pdf" in err
    assert not list(out.glob("*.pdf")) if out.exists() else True
    # The same file named twice is built once, not refused.
    assert cli.main(["build", str(a), str(a), "-o", str(out), "--only", "briefing"]) == 0
    assert capsys.readouterr().out.count("a-briefing.pdf") == 1


# ---------------------------------------------------------------------------------------------
# Real builds, killed at random moments


FINGERPRINT = re.compile(r"数据指纹\s*(?:SHA-256\s*)?([0-9a-f]{12})")


def fingerprints(folder: Path, stem: str) -> dict[str, str]:
    """The dataset hash each document prints (first page: the briefing's footer, the report's
    cover).
    """
    found = {}
    for name in documents.names():
        text = PdfReader(str(folder / f"{stem}-{name}.pdf")).pages[0].extract_text() or ""
        match = FINGERPRINT.search(text.replace("\n", " "))
        assert match, f"no fingerprint on page 1 of the {name}"
        found[name] = match.group(1)
    return found


def test_real_builds_killed_at_random_moments_leave_a_matching_pair(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    out = tmp_path / "out"
    versions = []
    for district in ["示例区", "样板区", "模范区", "标准区", "参照区", "对照区"]:
        versions.append(MINIMAL.replace("示例区", district))
    path.write_text(versions[0], encoding="utf-8")
    assert cli.main(["build", str(path), "-o", str(out)]) == 0
    assert len(set(fingerprints(out, "d").values())) == 1
    command = [sys.executable, "-m", "briefing.cli", "build", str(path), "-o", str(out)]
    # Kill moments are fractions of one whole run timed here, so runs are cut short on a fast
    # machine and a loaded one alike (fixed seconds either outlast the run or never reach it).
    start = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    whole = time.monotonic() - start
    rng = random.Random(16)
    kills = 0
    for text in versions[1:]:
        path.write_text(text, encoding="utf-8")
        proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 0.95) * whole)
        sig = rng.choice([signal.SIGKILL, signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
        proc.send_signal(sig)
        proc.wait(timeout=60)
        kills += proc.returncode in (-signal.SIGKILL, 130, 128 + signal.SIGTERM)
        if sig != signal.SIGKILL:  # an interrupted run tidies up itself
            assert not list(out.glob(".*.tmp"))
        with FolderLock(out):
            pass
        prints = fingerprints(out, "d")
        assert len(set(prints.values())) == 1, (
            f"a mismatched pair after {signal.Signals(sig).name}: {prints}"
        )
        record = read_manifest(out, "d")
        assert record is not None
        assert record["dataset"].startswith(prints[documents.names()[0]])
    assert kills >= 1  # at least one run was really cut short


def test_batch_publishes_a_dataset_only_when_all_its_documents_render(tmp_path: Path) -> None:
    from test_batch import fake_render, variant

    src = tmp_path / "data"
    src.mkdir()
    paths = [variant(src, f"b{i}", name) for i, name in enumerate(["柳北区", "柳南区"])]
    out = tmp_path / "out"
    assert batch.run(paths, out, jobs=1, render=fake_render).ok
    before = pdfs(out, "b1")
    variant(src, "b0", "城中区")
    variant(src, "b1", "鱼峰区")
    result = batch.run(paths, out, jobs=1, render=failing_second_report)
    statuses = {(Path(o.dataset).stem, o.document): o.status for o in result.outcomes}
    assert statuses[("b1", "report")] == "failed"
    assert statuses[("b1", "briefing")] == "failed"
    assert statuses[("b0", "briefing")] == statuses[("b0", "report")] == "built"
    assert pdfs(out, "b1") == before  # the old pair, untouched
    error = next(o.error for o in result.outcomes if o.document == "briefing" and "b1" in o.dataset)
    assert "replaced together" in error
    manifest = json.loads((out / ".b0.pair.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["b0-briefing.pdf", "b0-report.pdf"]


def failing_second_report(
    dataset: object, document: str, *, pdfa: bool = True
) -> tuple[bytes, int]:
    from test_batch import fake_render

    from briefing.errors import LayoutOverflowError

    if document == "report" and "鱼峰区" in str(
        getattr(getattr(dataset, "meta", None), "district", "")
    ):
        raise LayoutOverflowError("the report does not fit (a test failure)")
    return fake_render(dataset, document, pdfa=pdfa)


def test_build_only_one_document_after_an_edit_removes_the_stale_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.yaml"
    out = tmp_path / "out"
    path.write_text(MINIMAL, encoding="utf-8")
    assert cli.main(["build", str(path), "-o", str(out)]) == 0
    first, *others = documents.names()
    path.write_text(MINIMAL.replace("示例区", "改写区"), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["build", str(path), "-o", str(out), "--only", first]) == 0
    printed = capsys.readouterr().out
    for name in others:
        assert not (out / f"e-{name}.pdf").exists()
        assert f"e-{name}.pdf  removed: it was made from another version of the dataset" in printed
    assert (out / f"e-{first}.pdf").exists()
