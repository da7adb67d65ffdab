"""The stage boundaries: dependencies point downstream only, and every module says what it does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
DRAWING = ("reportlab", "matplotlib", "svglib", "pikepdf", "pypdf")
# The typed ReportLab wrapper: every other module imports ReportLab through it.
RL = "briefing._reportlab"
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


PURE = (
    "briefing.model",
    "briefing.load",
    "briefing.derive",
    "briefing.verify",
    "briefing.errors",
    "briefing.drafts",
    "briefing.catalogue",
    "briefing.comparison",
    "briefing.series",
)


@pytest.mark.parametrize("path", [p for p in MODULES if _module(p) in PURE], ids=_module)
def test_data_stages_do_not_draw(path):
    bad = [
        i
        for i in _imports(path)
        if i.split(".")[0] in DRAWING
        or i.startswith((RL, "briefing.render", "briefing.charts", "briefing.compose"))
    ]
    assert not bad, f"{_module(path)} imports drawing libraries: {bad}"


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if _module(p) not in ("briefing.cli", "briefing.__main__")],
    ids=_module,
)
def test_only_cli_is_the_top(path):  # `python -m briefing` (__main__) only calls the CLI
    assert not any(i == "briefing.cli" or i.startswith("briefing.cli.") for i in _imports(path))


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if _module(p).startswith(("briefing.render", "briefing.charts"))],
    ids=_module,
)
def test_render_and_charts_do_not_compose(path):
    bad = [
        i
        for i in _imports(path)
        if i.startswith(("briefing.compose", "briefing.batch", "briefing.build"))
    ]
    assert not bad, f"{_module(path)} reaches upstream: {bad}"


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_only_cli_prints(path):
    """Every command writes through `briefing.reporter` (so --quiet and --verbose hold everywhere):
    no other module calls print() or writes to sys.stdout / sys.stderr itself.
    """
    if _module(path) in ("briefing.cli", "briefing.reporter"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    prints = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "print"
    ]
    streams = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and n.attr in ("stdout", "stderr")
        and getattr(n.value, "id", None) == "sys"
    ]
    assert not prints, f"{_module(path)} prints (lines {prints}); report through briefing.reporter"
    assert not streams, (
        f"{_module(path)} uses sys.stdout/stderr (lines {streams}); use the reporter"
    )


# ---------------------------------------------------------------------------------------------
# Layers the registry and the output step keep apart

SCHEMA = ("briefing.model", "briefing.load", "briefing.verify", "briefing.derive")


@pytest.mark.parametrize(
    "path", [p for p in MODULES if _module(p).startswith("briefing.render")], ids=_module
)
def test_render_does_not_know_the_dataset_schema(path):
    bad = [i for i in _imports(path) if i.startswith(SCHEMA)]
    assert not bad, f"{_module(path)} reaches into the dataset schema: {bad}; pass plain values"


@pytest.mark.parametrize(
    "path", [p for p in MODULES if _module(p).startswith("briefing.compose")], ids=_module
)
def test_compose_is_handed_findings_and_does_not_verify(path):
    bad = [
        i
        for i in _imports(path)
        if i.startswith(("briefing.verify", "briefing.derive", "briefing.load"))
    ]
    assert not bad, (
        f"{_module(path)} runs a data stage itself: {bad}; the registry passes findings in"
    )


WRITER = "briefing.output"


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_files_are_written_by_the_output_module(path):
    """Outputs reach the disk through briefing.output (atomic, locked); render only makes bytes."""
    if _module(path) in (WRITER, "briefing.fontbuild", "briefing.cli"):
        return  # the writer itself; the font build step writes its own build artefacts
    tree = ast.parse(path.read_text(encoding="utf-8"))
    writes = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("replace", "rename", "mkstemp", "write_bytes", "write_text")
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id in ("os", "tempfile")
    ]
    assert not writes, f"{_module(path)} writes files itself; use {WRITER}"
    # Nor through a Path or open(): only the writer, the font build and `briefing init` write.
    written = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and (
            (isinstance(n.func, ast.Attribute) and n.func.attr in ("write_bytes", "write_text"))
            or (
                getattr(n.func, "id", getattr(n.func, "attr", None)) == "open"
                and any(
                    isinstance(a, ast.Constant)
                    and isinstance(a.value, str)
                    and set(a.value) & set("wax+")
                    for a in [*n.args[1:], *(k.value for k in n.keywords if k.arg == "mode")]
                )
            )
        )
    ]
    assert not written, f"{_module(path)} writes files at line {written[0].lineno}; use {WRITER}"
    if _module(path).startswith("briefing.render"):
        assert WRITER not in _imports(path), f"{_module(path)} writes files; render returns bytes"


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_modules_are_imported_by_name_only_in_the_registry(path):
    if _module(path) == "briefing.documents":
        return  # compose functions are named there as "module:function"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dynamic = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and (
            (isinstance(n.func, ast.Attribute) and n.func.attr == "import_module")
            or getattr(n.func, "id", None) == "__import__"
        )
    ]
    # warm_up imports the registry's compose modules ahead of work; the ReportLab wrapper imports
    # each ReportLab module when one of its names is first used.
    allowed = {"briefing.batch", RL}
    assert not dynamic or _module(path) in allowed, f"{_module(path)} imports a module by name"


def _string_sets(tree: ast.AST) -> list[set[str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            found.append(
                {
                    e.value
                    for e in node.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                }
            )
        elif isinstance(node, ast.Dict):
            found.append(
                {
                    k.value
                    for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
            )
    return found


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_document_names_are_listed_only_in_the_registry(path):
    from briefing.documents import REGISTRY

    if _module(path) == "briefing.documents":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set(REGISTRY)
    for strings in _string_sets(tree):
        assert len(strings & names) < 2, (
            f"{_module(path)} spells out document names {sorted(strings & names)}"
        )


def test_the_makefile_takes_document_names_from_the_registry():
    makefile = (PACKAGE.parent / "Makefile").read_text(encoding="utf-8")
    assert "briefing.documents" in makefile
    for name in ("briefing", "report"):
        assert f"-{name}.pdf" not in makefile
        assert f"--only {name}" not in makefile


@pytest.mark.parametrize("path", [p for p in MODULES if _module(p) != RL], ids=_module)
def test_only_the_typed_wrapper_imports_reportlab(path):
    """ReportLab's missing types are declared in one place; every other module is checked
    strictly against them (mypy --strict), so none imports ReportLab itself, even lazily.
    """
    bad = sorted(i for i in _imports(path) if i == "reportlab" or i.startswith("reportlab."))
    assert not bad, f"{_module(path)} imports ReportLab directly: {bad}; use {RL}"


@pytest.mark.parametrize("path", MODULES, ids=_module)
def test_canvases_and_page_sizes_come_from_render(path):
    """One output step makes every canvas; page geometry lives in render/pages.py presets."""
    module = _module(path)
    if module.startswith(("briefing.render", "briefing.charts")) or module == RL:
        return
    imports = _imports(path)
    own_size = f"{module} has its own page size; name a preset in render/pages.py"
    assert f"{RL}.A4" not in imports, own_size
    assert not any(i in (f"{RL}.Canvas", f"{RL}.CanvasBase") for i in imports), (
        f"{module} makes its own canvas; use render.output.canvas_maker"
    )
    source = path.read_text(encoding="utf-8")
    assert "invariant=" not in source, f"{module} sets determinism flags; the output step owns them"


def test_every_registered_document_names_a_preset_and_a_compose_function():
    from briefing.documents import REGISTRY
    from briefing.render.pages import PRESETS

    assert REGISTRY, "no documents registered"
    for doc in REGISTRY.values():
        assert doc.preset in PRESETS, f"{doc.name}: no preset {doc.preset!r} in render/pages.py"
        assert doc.inputs in ("one", "many")
        fn = doc.compose_function()
        assert callable(fn)
        module = __import__(doc.compose.partition(":")[0], fromlist=["_"])
        if hasattr(module, "PRESET"):  # a compose module's own geometry is the registry's preset
            assert module.PRESET is PRESETS[doc.preset], doc.name


def test_one_word_list_for_verification_statuses():
    from briefing.compose import annotate
    from briefing.model import STATUS_WORDS
    from briefing.verify import STATUS_TEXT

    assert STATUS_TEXT is STATUS_WORDS
    assert annotate.STATUS_LABEL is STATUS_WORDS
    for path in MODULES:
        if _module(path) == "briefing.model":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for strings in _string_sets(tree):
            assert not strings & set(STATUS_WORDS.values()) - {"推算"} or len(strings) < 2, (
                f"{_module(path)} has its own status words"
            )


TESTS = PACKAGE.parent / "tests"


@pytest.mark.parametrize("path", sorted(TESTS.glob("*.py")), ids=lambda p: p.name)
def test_tests_do_not_skip_for_missing_project_modules(path):
    """Every module of the project is there: a test that skips when one is missing hides
    breakage.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in (
            "importorskip",
            "find_spec",
        ):
            arg = node.args[0] if node.args else None
            text = ast.unparse(arg) if arg is not None else ""
            assert "briefing" not in text, f"{path.name} skips when {text} is missing"
