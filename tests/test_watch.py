"""`briefing watch`: a dataset saved valid, then invalid, then valid again in, a rebuild, an error
(with the PDF left as it was) and a rebuild out, then a clean exit on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import pdf_text

from briefing.watch import fingerprint, watch

MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"


class Lines:
    """The lines a process writes to one stream, read on a thread so the test can wait for one."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        with stream:  # closed at the end of the output, so no pipe is left for the collector
            for raw in stream:
                with self._cond:
                    self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                    self._cond.notify_all()

    def wait_for(self, text: str, start: int = 0, timeout: float = 90.0) -> int:
        """The index of the first line from `start` on that holds `text`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i in range(start, len(self.lines)):
                    if text in self.lines[i]:
                        return i
                left = deadline - time.monotonic()
                assert left > 0, f"no line with {text!r} in {self.lines}"
                self._cond.wait(left)


def _save(path: Path, text: str) -> None:
    # As editors do: a new file renamed over the old one.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def test_watch_rebuilds_on_save_reports_errors_and_keeps_the_last_good_pdf(tmp_path):
    dataset = tmp_path / "town.yaml"
    original = MINIMAL.read_text(encoding="utf-8")
    assert "执法监督检查" in original
    _save(dataset, original)
    pdf = tmp_path / "out" / "town-briefing.pdf"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "briefing",
            "watch",
            str(dataset),
            "-o",
            str(tmp_path / "out"),
            "--only",
            "briefing",
            "--no-pdfa",
            "--interval",
            "0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": ""},
    )
    out = Lines(proc.stdout)
    try:
        at = out.wait_for("watching 1 file")
        first = pdf.read_bytes()
        assert "执法监督检查" in pdf_text(first)

        _save(dataset, original.replace("执法监督检查", "执法巡查督办"))
        at = out.wait_for("town.yaml changed: rebuilding", at)
        at = out.wait_for("done in", at)
        second = pdf.read_bytes()
        assert "执法巡查督办" in pdf_text(second)

        _save(dataset, original.replace("执法监督检查", "执法巡查督办") + "\nbogus_key: 1\n")
        at = out.wait_for("town.yaml changed: rebuilding", at + 1)
        error = out.wait_for("DatasetError:", at)
        at = out.wait_for("build failed; the last good PDFs are kept", error)
        assert "bogus_key" in "\n".join(out.lines[error:at])
        assert pdf.read_bytes() == second  # the failed build left the good PDF alone
        assert proc.poll() is None  # and the watch goes on

        mtime = pdf.stat().st_mtime_ns
        os.utime(dataset)  # touched without a change of content: nothing to do
        time.sleep(0.6)
        assert pdf.stat().st_mtime_ns == mtime

        _save(dataset, original)
        at = out.wait_for("town.yaml changed: rebuilding", at + 1)
        at = out.wait_for("done in", at)
        assert "执法监督检查" in pdf_text(pdf.read_bytes())
        assert not list(pdf.parent.glob("*.tmp*"))
        assert not list(pdf.parent.glob(".*tmp*"))
    finally:
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=60)
    out.wait_for("stopped watching")
    assert status == 0
    assert not any("Traceback" in line for line in out.lines)


def test_fingerprint_sees_content_not_just_time(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    before = fingerprint(path)
    stat = path.stat()
    path.write_text("a: 2\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime, new content
    after = fingerprint(path)
    assert before is not None
    assert after is not None
    assert before[:2] == after[:2]
    assert before[2] != after[2]
    assert fingerprint(tmp_path / "gone.yaml") is None


def test_a_change_to_last_years_file_rebuilds_this_years(tmp_path, capsys):
    earlier = tmp_path / "town-2023.yaml"
    later = tmp_path / "town-2024.yaml"
    earlier.write_text("meta:\n  year: 2023\n", encoding="utf-8")
    later.write_text("meta:\n  year: 2024\n  previous: town-2023.yaml\n", encoding="utf-8")
    calls: list[list[str]] = []

    def rebuild(files):
        calls.append(list(files))
        if len(calls) == 1:  # after the first build: last year's file is saved with new content
            earlier.write_text("meta:\n  year: 2023\n  city: 甲市\n", encoding="utf-8")
        return 0

    assert watch([str(later)], rebuild, interval=0.05, polls=6) == 0
    assert calls == [[str(later)], [str(later)]]
    err = capsys.readouterr().err
    assert f"{earlier} changed: rebuilding {later}" in err
