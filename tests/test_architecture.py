"""The stage boundaries: dependencies point downstream only, and every module says what it does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
DRAWING = ("reportlab", "matplotlib", "svglib", "pikepdf", "pypdf")
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    pkg = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg[: len(pkg) - node.level + 1])
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{a.name}" for a in node.names)
    return found


def _module(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_module_docstring(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc, f"{_module(path)} has no module docstring"


PURE = ("briefing.model", "briefing.load", "briefing.derive", "briefing.verify", "briefing.errors")


@pytest.mark.parametrize("path", [p for p in MODULES if _module(p) in PURE], ids=_module)
def test_data_stages_do_not_draw(path):
    bad = [i for i in _imports(path) if i.split(".")[0] in DRAWING]
    assert not bad, f"{_module(path)} imports drawing libraries: {bad}"


@pytest.mark.parametrize("path", [p for p in MODULES if _module(p) != "briefing.cli"], ids=_module)
def test_only_cli_is_the_top(path):
    assert not any(i == "briefing.cli" or i.startswith("briefing.cli.") for i in _imports(path))


@pytest.mark.parametrize("path", [p for p in MODULES if _module(p).startswith(("briefing.render", "briefing.charts"))], ids=_module)
def test_render_and_charts_do_not_compose(path):
    bad = [i for i in _imports(path) if i.startswith(("briefing.compose", "briefing.batch", "briefing.build"))]
    assert not bad, f"{_module(path)} reaches upstream: {bad}"


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_only_cli_prints(path):
    if _module(path) in ("briefing.cli", "briefing.batch", "briefing.handout", "briefing.extract") or "extract" in _module(path):
        return  # command handlers
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"]
    assert not calls, f"{_module(path)} prints; return values and let the CLI print"
