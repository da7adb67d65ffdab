"""Import matplotlib's figure machinery once per process for the chart stage, without the docstrings
it generates at import.

Every Artist subclass matplotlib defines gets a generated `set()` docstring listing all its
properties (`matplotlib.artist.kwdoc`). Building them is about 0.15 s of a cold process, spent on
text no page prints. While the figure modules are imported here, `kwdoc` returns an empty string;
the generated signatures stay, and `kwdoc` is restored at once for anyone else's use.
"""

from __future__ import annotations

import matplotlib.artist as _artist


def _import_figure() -> None:
    kwdoc = _artist.kwdoc
    _artist.kwdoc = lambda artist: ""
    try:
        import matplotlib.figure  # noqa: F401  brings axes, lines, patches, text, collections
    finally:
        _artist.kwdoc = kwdoc


_import_figure()
