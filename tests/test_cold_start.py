"""Check what a cold process imports and what the quick matplotlib import leaves behind: commands
in, modules loaded and artist behaviour out.
"""

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
        check=False,
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
    assert line.get_linewidth() == 2.5
    assert line.get_label() == "x"
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


# ---------------------------------------------------------------------------------------------
# Pooled figures: nothing of an earlier chart stays, and matplotlib's settings are given back


def _draw_briefing_charts(rounds: int) -> None:
    import io

    from reportlab.pdfgen.canvas import Canvas

    from briefing.charts import chart_style, draw_chart
    from briefing.compose.briefing import briefing_charts
    from briefing.load import load_dataset

    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    canvas = Canvas(io.BytesIO(), invariant=1)
    for k in range(rounds):
        for chart in briefing_charts(dataset):
            # A new width each round, so the flowable caches never answer.
            flowable = draw_chart(dataset, chart, width_pt=151.0 + k * 0.01, style=chart_style())
            flowable.drawOn(canvas, 0, 0)


def _pooled_axes() -> list:
    from briefing.charts import figure

    return [ax for pool in figure._POOL.values() for fig, _ in pool for ax in fig.axes]


def test_pooled_figures_keep_nothing_of_earlier_charts() -> None:
    _draw_briefing_charts(2)
    before = [len(ax.transData._parents) + len(ax.transAxes._parents) for ax in _pooled_axes()]
    _draw_briefing_charts(6)
    axes = _pooled_axes()
    assert axes
    for ax in axes:
        assert not ax.containers
        assert not ax.patches
        assert not ax.texts
        assert not ax.lines
    after = [len(ax.transData._parents) + len(ax.transAxes._parents) for ax in axes]
    assert after == before  # transforms of removed bars would make every change of limits slower


def test_drawing_a_chart_gives_matplotlib_settings_back() -> None:
    import matplotlib

    from briefing.charts import figure
    from briefing.charts.style import chart_style

    _draw_briefing_charts(1)
    before = dict(matplotlib.rcParams)
    _draw_briefing_charts(1)
    assert dict(matplotlib.rcParams) == before
    theme = dict(figure._validated_theme(chart_style()))
    assert theme
    assert any(before[key] != value for key, value in theme.items())
    with figure._themed(chart_style()):
        assert all(matplotlib.rcParams[key] == value for key, value in theme.items())
    assert dict(matplotlib.rcParams) == before


def test_deferred_modules_load_on_first_use() -> None:
    code = (
        "import sys, importlib.util\n"
        "import briefing.charts.backend\n"
        "from briefing.charts._mpl import DEFERRED\n"
        "lazy = [n for n in DEFERRED if isinstance(sys.modules[n], importlib.util._LazyModule)]\n"
        "assert lazy == list(DEFERRED), lazy\n"
        "from matplotlib import dviread\n"
        "assert dviread.Dvi.__name__ == 'Dvi'\n"
        "from matplotlib.textpath import TextToPath\n"
        "assert TextToPath().FONT_SCALE > 0\n"
    )
    assert "fontTools.agl" not in _modules_after("import briefing.charts.backend")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_finisher_reads_content_streams_only_when_a_font_is_not_embedded() -> None:
    import io

    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    from briefing import fonts
    from briefing.render import pdfa

    fonts.register_reportlab()

    def pdf(*faces: str) -> pikepdf.Pdf:
        buf = io.BytesIO()
        canvas = Canvas(buf, invariant=1, initialFontName=fonts.SANS)
        for i, face in enumerate(faces):
            canvas.setFont(face, 10)
            canvas.drawString(72, 700 - 20 * i, "法治政府 2024")
        canvas.showPage()
        canvas.save()
        return pikepdf.open(io.BytesIO(buf.getvalue()))

    assert pdfa._all_embedded(pdf(fonts.SANS, fonts.KAI))
    assert not pdfa._all_embedded(pdf(fonts.SANS, "Helvetica"))


def test_a_build_of_built_in_chart_kinds_reads_no_package_metadata() -> None:
    loaded = _modules_after(
        "from briefing.load import load_dataset\nload_dataset('data/liujiang-2024.yaml')\n"
    )
    assert "importlib.metadata" not in loaded
