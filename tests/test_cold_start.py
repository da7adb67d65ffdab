"""Check what a cold process imports and what the quick matplotlib import leaves behind: commands in, modules loaded and artist behaviour out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_quick_import_keeps_artists_working_and_restores_matplotlib() -> None:
    import inspect

    import matplotlib.artist
    from matplotlib.lines import Line2D

    import briefing.charts._mpl  # noqa: F401

    line = Line2D([0, 1], [0, 1])
    line.set(lw=2.5, color="#1f4e79", label="x")  # aliases and properties as usual
    assert line.get_linewidth() == 2.5 and line.get_label() == "x"
    # What was swapped during the import is matplotlib's own again.
    assert matplotlib.artist.kwdoc(Line2D)
    update = matplotlib.artist.Artist.__dict__["_update_set_signature_and_docstring"]
    assert update.__func__.__module__ == "matplotlib.artist"

    class Marked(Line2D):  # a kind's own artist, defined later: matplotlib's generated set()
        def set_marked(self, value: bool) -> None:
            self.marked = value

    assert "marked" in inspect.signature(Marked.set).parameters
    artist = Marked([0], [0])
    artist.set(marked=True, linewidth=1)
    assert artist.marked is True


def test_check_imports_neither_matplotlib_nor_numpy_nor_pikepdf() -> None:
    loaded = _modules_after(
        "from briefing.cli import main\n"
        "assert main(['check', 'tests/fixtures/minimal.yaml']) == 0\n"
    )
    assert not {m for m in loaded if m.split(".")[0] in ("matplotlib", "numpy", "pikepdf")}
