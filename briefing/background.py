"""Draw a build's charts in a helper process while this one lays out pages: chart flowables in,
their recordings out.

A cold `briefing build` of the report spends about a quarter of its time on charts, most of it
importing matplotlib and drawing the first figure. None of that depends on the layout: a chart's
size is known without matplotlib, and what it draws is a recording of canvas calls
(`charts.recording`) that the page replays. So the command line starts a helper process
(`python -m briefing.charts.helper`) before it loads anything (this module imports neither
matplotlib nor the chart package), the composers hand it their charts
as soon as they are made (`prefetch`), and when a page reaches a chart it takes the helper's
recording (`take`). On a machine with two cores the charts cost the layout nothing but the
replay.

    with drawing_in_background():   # the command line's `build`
        build_file(...)             # composers: prefetch(flowables); pages: take(flowable)

Nothing depends on the helper. A chart it was not given, could not draw (an error: drawing it
here raises the error as it would have), or has not drawn when the helper dies or stops answering
is drawn in this process, and the bytes are the same either way (tested). No helper is started
on a machine with one core, when `BRIEFING_CHART_HELPER=0`, or outside `drawing_in_background`
(tests, batch workers, other programs). Only built-in kinds are sent: a third-party kind's drawing
function need not pickle.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .charts.recording import Recording

ENV_SWITCH = "BRIEFING_CHART_HELPER"
# How long a page waits for a chart the helper has not answered for before drawing it (and every
# chart after it) here: the helper is normally far ahead; this only bounds a helper that hangs.
PATIENCE_SECONDS = 30.0
# How deep `prefetch` looks into containers of flowables (a chart in a column in a box in a
# keep-together is three deep).
_DEPTH = 8


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def wanted() -> bool:
    """Whether a helper would help: two cores or more, and not switched off."""
    return os.environ.get(ENV_SWITCH, "1") != "0" and usable_cores() > 1


class Helper:
    """A helper process drawing charts, fed and read by two threads of this one."""

    def __init__(self, argv: list[str] | None = None) -> None:
        self._proc = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
            argv or [sys.executable, "-m", "briefing.charts.helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # An error in the helper is not the user's to read: the chart is drawn here instead,
            # and an error it holds is raised here, where it is reported like any other.
            stderr=subprocess.DEVNULL,
        )
        self._jobs: queue.SimpleQueue[tuple[int, Any] | None] = queue.SimpleQueue()
        self._sent: dict[int, tuple[Any, int]] = {}  # id(flowable) -> (flowable, number)
        self._results: dict[int, Recording | None] = {}
        self._done = threading.Condition()
        self._gone = False
        self.answered = 0  # recordings taken from the helper
        self._writer = threading.Thread(target=self._write, name="chart-helper-in", daemon=True)
        self._reader = threading.Thread(target=self._read, name="chart-helper-out", daemon=True)
        self._writer.start()
        self._reader.start()

    def _write(self) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        # One pickler for the whole conversation: a dataset that several charts draw from is
        # sent once (its memo), and the helper's one unpickler resolves the references.
        pickler = pickle.Pickler(stdin, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            while (job := self._jobs.get()) is not None:
                pickler.dump(job)
                stdin.flush()
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self._give_up()
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read(self) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        unpickler = pickle.Unpickler(stdout)  # noqa: S301 - our own child, over its own pipe
        try:
            while True:
                number, recording = unpickler.load()
                with self._done:
                    self._results[number] = recording
                    self._done.notify_all()
        except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError):
            self._give_up()
        finally:
            stdout.close()

    def _give_up(self) -> None:
        with self._done:
            self._gone = True
            self._done.notify_all()

    def submit(self, flowable: Any) -> None:
        """Ask for `flowable`'s recording, unless it was asked for or only this process can draw
        it.
        """
        if self._gone or id(flowable) in self._sent:
            return
        job = flowable.job()
        if job is None:
            return
        number = len(self._sent)
        self._sent[id(flowable)] = (flowable, number)
        self._jobs.put((number, job))

    def take(self, flowable: Any) -> Recording | None:
        """`flowable`'s recording from the helper, or None: not sent, failed, or no answer within
        `PATIENCE_SECONDS`.
        """
        sent = self._sent.get(id(flowable))
        if sent is None or sent[0] is not flowable:
            return None
        number = sent[1]
        with self._done:
            answered = self._done.wait_for(
                lambda: number in self._results or self._gone, PATIENCE_SECONDS
            )
            recording = self._results.pop(number, None)
        if not answered:
            # A helper this late is stuck: stop asking it, so the next chart does not wait too.
            self._give_up()
            with contextlib.suppress(OSError):
                self._proc.kill()
        if recording is not None:
            self.answered += 1
        return recording

    def close(self) -> None:
        """Stop the helper (whatever it is still drawing is not needed) and wait for it to end."""
        self._jobs.put(None)
        self._give_up()
        with contextlib.suppress(OSError):
            self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._writer.join(timeout=5)
        self._reader.join(timeout=5)


_helper: Helper | None = None


@contextlib.contextmanager
def drawing_in_background(argv: list[str] | None = None) -> Iterator[Helper | None]:
    """Start a helper process for charts (when it would help) for the time of the block; `argv`
    is its command (by default `python -m briefing.charts.helper`).
    """
    global _helper
    if _helper is not None or not wanted():
        yield _helper
        return
    try:
        helper = Helper(argv)
    except OSError:  # no process can be started: draw everything here
        yield None
        return
    _helper = helper
    try:
        yield helper
    finally:
        _helper = None
        helper.close()


def _charts_in(items: Iterable[Any], depth: int) -> Iterator[Any]:
    from .charts.figure import ChartFlowable

    for item in items:
        if isinstance(item, ChartFlowable):
            yield item
        elif depth <= 0:
            continue
        elif isinstance(item, (list, tuple)):
            yield from _charts_in(item, depth - 1)
        elif hasattr(item, "wrap"):
            # A container: a Stack's items, a Centered's inner, a KeepTogether's content...
            yield from _charts_in(getattr(item, "__dict__", {}).values(), depth - 1)


def prefetch(flowables: Iterable[Any]) -> None:
    """Hand the charts among `flowables` (and inside them) to the helper, if one runs, in order."""
    if _helper is None:
        return
    for chart in _charts_in(flowables, _DEPTH):
        _helper.submit(chart)


def take(flowable: Any) -> Recording | None:
    """The helper's recording of `flowable`, or None (then it is drawn here)."""
    return None if _helper is None else _helper.take(flowable)


__all__ = ["ENV_SWITCH", "Helper", "drawing_in_background", "prefetch", "take", "wanted"]
