"""Charts drawn by a helper process while the layout goes on (`briefing.background`): the helper
is used, it changes no byte, and nothing is lost when it fails, hangs or is never started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import pdf_text, squash

from briefing import background, charts
from briefing.build import prepare
from briefing.charts.figure import ChartFlowable
from briefing.charts.recording import Recorder, replay
from briefing.compose.report import chart_flowables, render_report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "liujiang-2024.yaml"


@pytest.fixture(scope="module")
def sample():
    return prepare(SAMPLE)


def _fresh_charts() -> None:
    """Forget the charts drawn so far: the next render makes (and draws) every chart anew."""
    charts._FLOWABLES.clear()
    charts.draw_rows.cache_clear()


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.delenv(background.ENV_SWITCH, raising=False)
    monkeypatch.setattr(background, "usable_cores", lambda: 2)


@pytest.fixture(scope="module")
def drawn_here(sample):
    """The report with every chart drawn in this process."""
    _fresh_charts()
    data, _pages = render_report(*sample)
    return data


def test_the_helper_draws_every_chart_and_the_report_is_the_same(sample, drawn_here, two_cores):
    _fresh_charts()
    with background.drawing_in_background() as helper:
        assert helper is not None
        data, _pages = render_report(*sample)
    assert helper.answered == len(sample[0].charts)  # Liujiang's six charts, none split
    assert data == drawn_here


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([sys.executable, "-c", "pass"], id="ends-at-once"),
        pytest.param([sys.executable, "-c", "import sys; sys.stdout.write('x')"], id="garbles"),
        pytest.param([sys.executable, "-m", "briefing.no_such_module"], id="cannot-start"),
    ],
)
def test_a_helper_that_fails_costs_nothing(sample, drawn_here, two_cores, argv):
    _fresh_charts()
    with background.drawing_in_background(argv) as helper:
        data, _pages = render_report(*sample)
    assert helper is not None
    assert helper.answered == 0
    assert data == drawn_here


def test_a_helper_that_hangs_is_waited_for_once(sample, drawn_here, two_cores, monkeypatch):
    monkeypatch.setattr(background, "PATIENCE_SECONDS", 0.5)
    waits: list[float] = []
    take = background.Helper.take

    def timed_take(self, flowable):
        started = time.monotonic()
        try:
            return take(self, flowable)
        finally:
            waits.append(time.monotonic() - started)

    monkeypatch.setattr(background.Helper, "take", timed_take)
    _fresh_charts()
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    with background.drawing_in_background(sleeper) as helper:
        data, _pages = render_report(*sample)
    assert helper is not None
    assert helper.answered == 0
    assert data == drawn_here
    # The first chart waited its patience out; the five after it were drawn without waiting.
    assert len(waits) == 6
    assert [w >= 0.45 for w in waits] == [True] + [False] * 5


def test_no_helper_on_one_core_or_when_switched_off(monkeypatch):
    monkeypatch.setattr(background, "usable_cores", lambda: 1)
    with background.drawing_in_background() as helper:
        assert helper is None
    monkeypatch.setattr(background, "usable_cores", lambda: 2)
    monkeypatch.setenv(background.ENV_SWITCH, "0")
    with background.drawing_in_background() as helper:
        assert helper is None


def test_prefetch_finds_charts_inside_containers_and_sends_only_what_pickles(sample, two_cores):
    _fresh_charts()
    dataset, _findings = sample
    placed = chart_flowables(dataset)  # each chart inside a Centered box
    found = list(background._charts_in(placed.values(), 8))
    assert len(found) == len(dataset.charts) == 6
    assert found == [box.inner for boxes in placed.values() for box in boxes]
    # A third-party kind's drawing function (a closure here) stays in this process.
    local = ChartFlowable(100.0, 60.0, charts.chart_style(), lambda ax: None, name="closure")
    assert local.job() is None
    assert all(f.job() is not None for f in found)


def test_a_recording_replays_the_calls_it_recorded():
    class Canvas:
        def __init__(self):
            self.calls = []

        def __getattr__(self, name):
            return lambda *args, **kwargs: self.calls.append((name, args))

    recorder = Recorder()
    recorder.saveState()
    recorder.addLiteral("0 0 10 10 re f")
    recorder.setFillAlpha(0.5)
    recorder.restoreState()
    canvas = Canvas()
    replay(recorder.recording(), canvas)
    assert canvas.calls == [
        ("saveState", ()),
        ("addLiteral", ("0 0 10 10 re f",)),
        ("setFillAlpha", (0.5,)),
        ("restoreState", ()),
    ]


def _build(out: Path, switch: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, background.ENV_SWITCH: switch}
    return subprocess.run(
        [sys.executable, "-m", "briefing", "build", str(SAMPLE), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.skipif(background.usable_cores() < 2, reason="the helper needs a second core")
def test_the_command_gives_the_same_files_with_and_without_its_helper(tmp_path):
    with_helper, without = _build(tmp_path / "on", "1"), _build(tmp_path / "off", "0")
    assert with_helper.returncode == 0, with_helper.stderr
    assert without.returncode == 0, without.stderr
    assert with_helper.stderr == without.stderr == ""
    names = sorted(p.name for p in (tmp_path / "on").glob("*.pdf"))
    assert names == ["liujiang-2024-briefing.pdf", "liujiang-2024-report.pdf"]
    for name in names:
        assert (tmp_path / "on" / name).read_bytes() == (tmp_path / "off" / name).read_bytes()
    # The charts' labels are real text in the report (drawn into forms after the layout).
    text = squash(pdf_text(tmp_path / "on" / "liujiang-2024-report.pdf"))
    assert "纠正" in text or "撤销" in text


def test_the_helper_ends_when_its_input_does():
    """A parent that dies (even by SIGKILL) closes the helper's input: the helper ends with it."""
    helper = subprocess.Popen(
        [sys.executable, "-m", "briefing.charts.helper"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    out, err = helper.communicate(b"", timeout=60)
    assert helper.returncode == 0, err.decode(errors="replace")
    assert out == b""
