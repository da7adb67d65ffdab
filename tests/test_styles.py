"""The one style table, source and styles in, problems out: its one-page variant and scaling,
and the rule that the briefing, the report, the comparison pack and the handout take every face
and size from it.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from briefing.compose.briefing import LEVELS, STYLES
from briefing.compose.report import report_styles
from briefing.render.pages import BRIEFING, GBT9704
from briefing.render.styles import (
    LEGIBLE_CHART_PT,
    LEGIBLE_TEXT_PT,
    ONE_PAGE_NAMES,
    OVERLAY_NAMES,
    make_one_page_stylesheet,
    scaled,
    smaller,
)

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
#: The modules that must draw every face and size from the style table, with the roles they may
#: name (the comparison pack's two documents are checked against their own tables below).
TABLE_ONLY: dict[str, tuple[str, ...]] = {
    "briefing/compose/briefing.py": ONE_PAGE_NAMES,
    "briefing/handout.py": OVERLAY_NAMES,
    "briefing/compose/compare.py": (),
    "briefing/compose/report.py": tuple(report_styles()),
}
FACE_NAMES = {"SANS", "SANS_BOLD", "SERIF", "SERIF_BOLD", "KAI"}
#: Keywords that set a size or a face: never given a literal (the table's value is passed on).
FACE_KEYWORDS = {
    "role",
    "bold",
    "fontName",
    "fontSize",
    "initialFontName",
    "initialFontSize",
    "label_pt",
}
#: Keywords that resize a style: not used at all outside the table.
SIZE_KEYWORDS = {"size_pt", "leading_pt"}
#: ReportLab table-style commands that set type (their arguments after the two cells).
FONT_COMMANDS = {"FONT", "FONTNAME", "FACE", "FONTSIZE", "SIZE", "LEADING"}


def _has_literal(node: ast.AST) -> bool:
    """A number or string written in the expression (a role's name in `styles["…"]` aside)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float | str)
    if isinstance(node, ast.Subscript):
        return _has_literal(node.value)
    return any(_has_literal(child) for child in ast.iter_child_nodes(node))


def _numeric_constants(tree: ast.Module) -> set[str]:
    """Module-level names bound to a number (a size written down outside the table)."""
    out = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            if all(
                isinstance(n, ast.Constant | ast.BinOp | ast.UnaryOp | ast.operator | ast.unaryop)
                for n in ast.walk(value)
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                out.update(t.id for t in targets if isinstance(t, ast.Name))
    return out


def _called(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def sizes_outside_the_table(source: str, roles: tuple[str, ...] = ()) -> list[str]:
    """Every place in `source` that sets a font face or size other than from the style table.

    Also every role looked up by a literal name (``styles["h1"]``) that the table lacks, when
    `roles` is given.
    """
    tree = ast.parse(source)
    constants = _numeric_constants(tree)
    problems = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom):
            problems += [
                f"line {line}: the face constant {a.name}"
                for a in node.names
                if a.name in FACE_NAMES
            ]
        elif isinstance(node, ast.Name) and node.id in FACE_NAMES:
            problems.append(f"line {line}: the face constant {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in FACE_NAMES:
            problems.append(f"line {line}: the face constant {node.attr}")
        elif isinstance(node, ast.Call):
            name = _called(node)
            if name == "TextStyle":
                problems.append(f"line {line}: a TextStyle made outside the table")
            for kw in node.keywords:
                if kw.arg in SIZE_KEYWORDS:
                    problems.append(f"line {line}: {kw.arg}= resizes a style")
                elif kw.arg in FACE_KEYWORDS and _has_literal(kw.value):
                    problems.append(f"line {line}: {kw.arg}= given a literal")
            if name == "setFont" and node.args:
                face, size = node.args[0], node.args[1] if len(node.args) > 1 else None
                if isinstance(face, ast.Constant):
                    problems.append(f"line {line}: setFont with a literal face")
                if size is not None and (
                    _has_literal(size)
                    or any(isinstance(n, ast.Name) and n.id in constants for n in ast.walk(size))
                ):
                    problems.append(f"line {line}: setFont with a size of its own")
            if name == "stringWidth" and len(node.args) > 1 and _has_literal(node.args[1]):
                problems.append(f"line {line}: stringWidth in a literal face")
            if name == "chart_style" and len(node.args) > 1 and _has_literal(node.args[1]):
                problems.append(f"line {line}: chart labels at a size of their own")
            # A composer's paragraph in a role of its stylesheet: `self.p(text, "prose")`.
            if (
                roles
                and name == "p"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value not in roles
            ):
                problems.append(f"line {line}: no role {node.args[1].value!r} in the table")
        elif (
            isinstance(node, ast.Tuple)
            and node.elts
            and isinstance(node.elts[0], ast.Constant)
            and node.elts[0].value in FONT_COMMANDS
            and any(_has_literal(arg) for arg in node.elts[3:])
        ):
            problems.append(f"line {line}: a table's {node.elts[0].value} command sets type")
        elif (
            roles
            and isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
            and (
                (isinstance(node.value, ast.Attribute) and node.value.attr == "styles")
                or (isinstance(node.value, ast.Name) and node.value.id in ("STYLES", "STAMPS"))
            )
            and node.slice.value not in roles
        ):
            problems.append(f"line {line}: no role {node.slice.value!r} in the table")
    return problems


@pytest.mark.parametrize("relative", sorted(TABLE_ONLY))
def test_module_takes_every_face_and_size_from_the_table(relative: str) -> None:
    path = PACKAGE.parent / relative
    problems = sizes_outside_the_table(path.read_text(encoding="utf-8"), TABLE_ONLY[relative])
    assert not problems, f"{relative} sets type outside render/styles.py: " + "; ".join(problems)


#: The comparison page's part of compose/compare.py: the one-page variant's roles.
COMPARE_PAGE = {
    "_Ctx",
    "_masthead",
    "_cell_para",
    "table_columns",
    "_table",
    "_notes",
    "_charts",
    "_findings",
    "_footer",
}


def test_the_comparison_page_takes_every_face_and_size_from_the_table() -> None:
    source = (PACKAGE / "compose" / "compare.py").read_text(encoding="utf-8")
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in COMPARE_PAGE:
            segment = ast.get_source_segment(source, node)
            assert segment is not None
            found[node.name] = sizes_outside_the_table(segment, ONE_PAGE_NAMES)
    assert set(found) == COMPARE_PAGE
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_comparison_report_names_only_roles_of_the_report_table() -> None:
    from briefing.compose.report import report_styles

    source = (PACKAGE / "compose" / "compare.py").read_text(encoding="utf-8")
    (composer,) = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == "CompareComposer"
    ]
    segment = ast.get_source_segment(source, composer)
    assert segment is not None
    roles = tuple(report_styles())
    assert {"chart_label", "table", "prose"} <= set(roles)
    assert not sizes_outside_the_table(segment, roles)
    # The check sees the composer's roles: a name the table lacks is caught.
    assert sizes_outside_the_table(segment.replace('"prose"', '"no_such_role"'), roles)


def test_the_reports_run_in_headings_take_their_face_from_the_heading_styles() -> None:
    """（一） opens its item in the h2 style's 楷体, 1. in the h3 style's bold body face; the
    report names the styles, and the check would see a face spelt out again.
    """
    from briefing.render.styles import run_in

    styles = report_styles()
    kai = run_in("（一）", styles["subsection"])
    bold = run_in("1．", styles["item_head"], anchor="x")
    assert (kai.role, kai.bold) == ("kai", False)
    assert (bold.role, bold.bold, bold.anchor) == ("serif", True, "x")
    source = (PACKAGE / "compose" / "report.py").read_text(encoding="utf-8")
    assert 'run_in(f"{n}．", self.styles["item_head"])' in source
    planted = source.replace(
        'run_in(f"{n}．", self.styles["item_head"])', 'Span(f"{n}．", bold=True)'
    )
    assert sizes_outside_the_table(planted, TABLE_ONLY["briefing/compose/report.py"])


def test_the_check_catches_each_way_of_setting_type_by_hand() -> None:
    source = """
from reportlab.pdfbase.pdfmetrics import stringWidth
from briefing.fonts import SANS
NUMBER_PT = 16.0
a = TextStyle("x", "sans", size_pt=9)
b = replace(c.styles["body"], size_pt=12)
d = Span("x", bold=True, role="sans")
canvas.setFont("BriefingSans", 16)
canvas.setFont(face, NUMBER_PT)
w = stringWidth("x", "BriefingSans-Bold", 9)
e = c.styles["no_such_role"]
f = chart_style("tight", label_pt=7.5)
g = chart_style("tight", 7.5)
h = TableStyle([("FONT", (0, 0), (-1, -1), face_for("serif"), 10.5)])
i = self.p("x", "no_such_para")
"""
    problems = sizes_outside_the_table(source, ONE_PAGE_NAMES)
    expected = [
        "line 3: the face constant SANS",  # the import names it
        "line 5: a TextStyle made outside the table",
        "line 5: size_pt= resizes a style",
        "line 6: size_pt= resizes a style",
        "line 7: bold= given a literal",
        "line 7: role= given a literal",
        "line 8: setFont with a literal face",
        "line 8: setFont with a size of its own",
        "line 9: setFont with a size of its own",
        "line 10: stringWidth in a literal face",
        "line 11: no role 'no_such_role' in the table",
        "line 12: label_pt= given a literal",
        "line 13: chart labels at a size of their own",
        "line 14: a table's FONT command sets type",
        "line 15: no role 'no_such_para' in the table",
    ]
    for want in expected:
        assert any(p == want or p.startswith(want) for p in problems), (want, problems)


def test_one_page_table_has_its_roles_on_the_briefing_grid() -> None:
    assert tuple(STYLES) == ONE_PAGE_NAMES
    assert STYLES["body"].size_pt == BRIEFING.body_size_pt
    assert STYLES["body"].leading_pt == pytest.approx(BRIEFING.body_leading_pt)
    # Same faces by level as the report: headings and figures 黑体, reading text the serif.
    report = GBT9704.styles
    assert STYLES["h1"].role == report["h1"].role == "sans"
    assert STYLES["body"].role == report["body"].role
    assert all(s.min_size_pt >= LEGIBLE_CHART_PT for s in STYLES.values())


@pytest.mark.parametrize("fit", LEVELS, ids=lambda f: f.name)
def test_every_level_is_the_table_scaled_and_never_under_the_floor(fit) -> None:
    styles = fit.styles
    assert set(styles) == set(ONE_PAGE_NAMES)
    for name, style in styles.items():
        base = STYLES[name]
        floor = LEGIBLE_CHART_PT if name == "chart_label" else LEGIBLE_TEXT_PT
        assert style.size_pt >= floor - 1e-9, (fit.name, name)
        assert (style.role, style.bold, style.color, style.align) == (
            base.role,
            base.bold,
            base.color,
            base.align,
        )
        if base.scale == "fixed":
            assert style == base
        elif base.scale == "text":
            want = max(base.min_size_pt, base.size_pt * fit.text)
            assert style.size_pt == pytest.approx(want)
        if base.running:
            assert style.leading_pt == pytest.approx(style.size_pt * fit.spacing)


def test_levels_only_give_ground() -> None:
    for looser, tighter in itertools.pairwise(LEVELS):
        for name in ONE_PAGE_NAMES:
            assert tighter.styles[name].size_pt <= looser.styles[name].size_pt + 1e-9, name
            assert tighter.styles[name].leading_pt <= looser.styles[name].leading_pt + 1e-9, name


def test_scaling_a_grid_scales_every_role_in_proportion() -> None:
    small = make_one_page_stylesheet(8.0, 12.4)
    for name in ONE_PAGE_NAMES:
        assert small[name].size_pt == pytest.approx(STYLES[name].size_pt * 0.8)
    half = scaled(STYLES, 0.5, 0.5)
    assert half["body"].size_pt == LEGIBLE_TEXT_PT  # held at the floor
    assert half["chart_label"].size_pt == LEGIBLE_CHART_PT


def test_smaller_steps_down_to_the_floor_and_stops() -> None:
    figure = STYLES["figure"]
    sizes = [s.size_pt for s in smaller(figure)]
    assert sizes[0] == figure.size_pt
    assert sizes[-1] == figure.min_size_pt
    assert all(a > b for a, b in itertools.pairwise(sizes))
    with pytest.raises(ValueError, match="no floor"):
        next(smaller(GBT9704.styles["body"]))


def test_handout_stamps_are_the_tables_gbt9704_overlays() -> None:
    from briefing import handout

    assert handout.NUMBER_SIZE_PT == GBT9704.styles["copy_number"].size_pt == 16.0
    assert pytest.approx(GBT9704.body_leading_pt) == handout.LINE_PITCH_PT
    assert GBT9704.styles["marking"].role == "sans"  # 密级 and markings in 黑体
