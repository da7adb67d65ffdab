"""The installed versions of what turns a dataset into PDF bytes → a name-to-version mapping.

Python, ReportLab (layout and PDF writing), pikepdf (the PDF/A finish), matplotlib (charts) and
fontTools (font subsets) each change output bytes between releases, so their versions belong in
everything that claims two outputs are alike: the batch cache key, the report's provenance page
and the Makefile's prerequisites (`as_text()`, one per line).
"""

from __future__ import annotations

import platform
from functools import cache
from importlib import metadata

# Distribution name and how the provenance page spells it.
ENGINES = (
    ("reportlab", "ReportLab"),
    ("pikepdf", "pikepdf"),
    ("matplotlib", "matplotlib"),
    ("fonttools", "fontTools"),
)


@cache
def engine_versions() -> dict[str, str]:
    """{"Python": "3.11.7", "ReportLab": "4.2.5", …}; "not installed" for a missing engine."""
    versions = {"Python": platform.python_version()}
    for distribution, label in ENGINES:
        try:
            versions[label] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[label] = "not installed"
    return versions


def describe() -> str:
    """One line for people: "ReportLab 4.2.5 · pikepdf 10.3.0 · … · Python 3.11.7"."""
    versions = engine_versions()
    names = [label for _, label in ENGINES] + ["Python"]
    return " · ".join(f"{name} {versions[name]}" for name in names)


def as_text() -> str:
    """One "name version" line per engine, Python first: what the Makefile's record holds."""
    return "".join(f"{name} {version}\n" for name, version in engine_versions().items())
