"""Draw a matplotlib Figure onto a ReportLab canvas: artists in, PDF path, image and text operators
out.

`RendererReportLab` is a matplotlib `RendererBase` (the same contract as matplotlib's own PDF and
SVG backends) whose target is the page being built, not a file of its own. Paths, markers and
path collections become PDF path operators written into the page's content stream; clipping is
PDF clipping; hatches are hatch lines clipped to the path they fill (plain vector strokes, so a
PDF/A-2b file stays free of pattern resources); images go through ReportLab's image support.

Text never goes through matplotlib's font machinery: labels are set by our typesetting layer
(`briefing.render`) in the page's embedded fonts, and `get_text_width_height_descent` measures
them with the same metrics, so matplotlib lays text out with the widths the page will print. The
text is real text (one `/ActualText` span per label) and extracts exactly.

The figure's display units are PostScript points (the figure's dpi is 72), y upwards, origin at
the bottom-left corner of the chart on the page.
"""

from __future__ import annotations

from . import _mpl  # noqa: F401  first: matplotlib without its import-time docstrings

# isort: split
import functools
import math
from typing import Any

import numpy as np
from matplotlib import _path
from matplotlib.backend_bases import FigureCanvasBase, GraphicsContextBase, RendererBase
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from ..fonts import MPL_FAMILIES, face_for
from ..render.linebreak import Line, Prepared
from ..render.typography import em_box
from .layout import set_line, text_width
from .recording import Recorder, Recording

# PDF path operators in the order matplotlib's path codes index them (MOVETO, LINETO, CURVE3
# — empty: converted to cubics —, CURVE4, CLOSEPOLY), as matplotlib's PDF backend passes them.
_PATH_OPS = [b"m", b"l", b"", b"c", b"h"]
_CAPS = {"butt": 0, "round": 1, "projecting": 2}
_JOINS = {"miter": 0, "round": 1, "bevel": 2}
_ROLE_OF_FAMILY = {family: role for role, family in MPL_FAMILIES.items()}
HATCH_TILE_PT = 72.0
"""matplotlib's hatch patterns are drawn on a 1-inch tile, as its PDF and SVG backends do."""


def _n(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _color(rgb: Any) -> tuple[float, float, float]:
    return float(rgb[0]), float(rgb[1]), float(rgb[2])


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb)


# matplotlib's own path serialiser (C++), as its PDF backend uses it.
_convert_to_string = _path.convert_to_string  # type: ignore[attr-defined]


def path_ops(path: Any, transform: Any) -> str:
    """The PDF path construction operators for `path` under `transform` (3 decimals,
    deterministic).
    """
    data: bytes = _convert_to_string(path, transform, None, False, None, 3, _PATH_OPS, True)
    return data.decode("ascii")


def font_role(prop: Any) -> tuple[str, bool]:
    """(typesetting role, bold) for matplotlib FontProperties naming one of our families."""
    role = "sans"
    for family in prop.get_family():
        if family in _ROLE_OF_FAMILY:
            role = _ROLE_OF_FAMILY[family]
            break
        if family == "serif":
            role = "serif"
            break
    weight = prop.get_weight()
    bold = (
        (weight >= 600)
        if isinstance(weight, int)
        else weight in ("semibold", "demibold", "demi", "bold", "heavy", "extra bold", "black")
    )
    return role, bold


def set_label(
    text: str, role: str, bold: bool, size: float, color: str = "#000000"
) -> tuple[Prepared, Line | None]:
    """A one-line label set by the typesetting layer: the prepared glyphs and their line."""
    return set_line(text, role, bold, size, color)


def label_width(text: str, role: str, bold: bool, size: float) -> float:
    """The printed width of a one-line label, as the renderer will set it."""
    return text_width(text, bold, size, role)


class GraphicsContextReportLab(GraphicsContextBase):
    """matplotlib's graphics context; the renderer reads it and writes PDF state operators."""


class RendererReportLab(RendererBase):
    """Draws a figure onto `canv`, a recorder of canvas calls whose user space has its origin at
    the chart's bottom-left corner (`charts.recording`).
    """

    def __init__(self, canv: Recorder, width: float, height: float) -> None:
        super().__init__()
        self.canv = canv
        self.width = width
        self.height = height

    # -- the contract ---------------------------------------------------------------------------
    def flipy(self) -> bool:
        return False

    def get_canvas_width_height(self) -> tuple[float, float]:
        return self.width, self.height

    def points_to_pixels(self, points: Any) -> Any:
        return points

    def new_gc(self) -> GraphicsContextReportLab:
        return GraphicsContextReportLab()

    def option_image_nocomposite(self) -> bool:
        return True

    def option_scale_image(self) -> bool:
        return True

    def get_text_width_height_descent(
        self, s: str, prop: Any, ismath: Any
    ) -> tuple[float, float, float]:
        role, bold = font_role(prop)
        size = float(prop.get_size_in_points())
        asc, desc = em_box(_face(role, bold))
        width = label_width(s, role, bold, size) if s.strip() else 0.0
        return width, (asc - desc) * size, -desc * size

    def _get_font_height_metrics(self, prop: Any) -> tuple[float, float, float]:
        # matplotlib's text layout asks the backend for a font's ascent, descent and line gap
        # (the PDF backend answers for its AFM fonts); without an answer it opens the font file
        # with FreeType. Ours is the em box the typesetting layer and the PDF's font descriptor use.
        role, bold = font_role(prop)
        size = float(prop.get_size_in_points())
        asc, desc = em_box(_face(role, bold))
        return asc * size, -desc * size, 0.0

    # -- state ----------------------------------------------------------------------------------
    def _begin(self, gc: GraphicsContextBase, fill_alpha: float | None = None) -> list[str]:
        """Save the state, set clipping, stroke style and transparency; return operators to add."""
        canv = self.canv
        canv.saveState()
        ops: list[str] = []
        rect = gc.get_clip_rectangle()
        if rect is not None:
            x0, y0, w, h = rect.bounds
            ops.append(f"{_n(x0)} {_n(y0)} {_n(w)} {_n(h)} re W n")
        clip_path = gc.get_clip_path()
        if clip_path[0] is not None:
            path, affine = clip_path
            ops.append(path_ops(path, affine) + " W n")
        stroke_alpha = gc.get_alpha() if gc.get_forced_alpha() else float(gc.get_rgb()[3])
        if fill_alpha is not None and gc.get_forced_alpha():
            fill_alpha = gc.get_alpha()
        if ops:
            canv.addLiteral("\n".join(ops))
            ops = []
        # Transparency needs an ExtGState; ReportLab registers it with the page's resources. An
        # invisible outline is simply not stroked: its zero alpha must not reach the hatching.
        if stroke_alpha < 1.0 and self._strokes(gc):
            canv.setStrokeAlpha(stroke_alpha)
        if fill_alpha is not None and fill_alpha < 1.0:
            canv.setFillAlpha(fill_alpha)
        return ops

    def _end(self) -> None:
        self.canv.restoreState()

    @staticmethod
    def _stroke_ops(gc: GraphicsContextBase) -> list[str]:
        r, g, b = _color(gc.get_rgb())
        ops = [
            f"{_n(r)} {_n(g)} {_n(b)} RG",
            f"{_n(gc.get_linewidth())} w",
            f"{_CAPS.get(gc.get_capstyle(), 0)} J",
            f"{_JOINS.get(gc.get_joinstyle(), 0)} j",
        ]
        offset, dashes = gc.get_dashes()
        pattern: Any = dashes
        if pattern is not None and len(pattern):
            ops.append(f"[{' '.join(_n(float(d)) for d in pattern)}] {_n(float(offset or 0))} d")
        return ops

    @staticmethod
    def _strokes(gc: GraphicsContextBase) -> bool:
        rgb = gc.get_rgb()
        return gc.get_linewidth() > 0 and (len(rgb) < 4 or rgb[3] > 0) and gc.get_alpha() > 0

    # -- paths ----------------------------------------------------------------------------------
    def draw_path(
        self, gc: GraphicsContextBase, path: Path, transform: Any, rgbFace: Any = None
    ) -> None:
        self._draw(gc, path_ops(path, transform), rgbFace, path, transform)

    def _draw(
        self,
        gc: GraphicsContextBase,
        ops_path: str,
        rgbFace: Any,
        path: Path,
        transform: Any,
        offset: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """Paint `ops_path` (the path under `transform`, moved by `offset`) with gc's state."""
        fill = rgbFace is not None and (len(rgbFace) < 4 or rgbFace[3] > 0)
        stroke = self._strokes(gc)
        hatch = gc.get_hatch()
        if not (fill or stroke or hatch) or not ops_path:
            return
        ops = self._begin(gc, float(rgbFace[3]) if fill and len(rgbFace) > 3 else None)
        if offset != (0.0, 0.0):
            ops.append(f"1 0 0 1 {_n(offset[0])} {_n(offset[1])} cm")
        if fill:
            r, g, b = _color(rgbFace)
            ops.append(f"{_n(r)} {_n(g)} {_n(b)} rg")
        if stroke:
            ops.extend(self._stroke_ops(gc))
        if fill or stroke:
            ops.append(ops_path)
            ops.append("B" if fill and stroke else ("f" if fill else "S"))
        if hatch:
            ops.extend(self._hatch_ops(gc, ops_path, path, transform))
        self.canv.addLiteral("\n".join(ops))
        self._end()

    def _hatch_ops(
        self, gc: GraphicsContextBase, ops_path: str, path: Path, transform: Any
    ) -> list[str]:
        """Hatch lines tiled over the path's extent and clipped to the path: plain strokes, no
        pattern.
        """
        extents = path.get_extents(transform)
        if (
            not (math.isfinite(extents.width) and math.isfinite(extents.height))
            or extents.width <= 0
            or extents.height <= 0
        ):
            return []
        # matplotlib's annotations say a Path, but it is None for a gc without a hatch.
        hatch_path: Path | None = gc.get_hatch_path()
        if hatch_path is None:
            return []
        r, g, b = _color(gc.get_hatch_color())
        lw = gc.get_hatch_linewidth()
        out = [
            "q",
            ops_path,
            "W n",
            f"{_n(r)} {_n(g)} {_n(b)} RG",
            f"{_n(r)} {_n(g)} {_n(b)} rg",
            f"{_n(lw)} w",
            "0 J",
            "[] 0 d",
        ]
        tile = HATCH_TILE_PT
        # Tiles sit on a grid fixed to the figure, so neighbouring bars' hatching lines up.
        for ix in range(math.floor(extents.x0 / tile), math.ceil(extents.x1 / tile)):
            for iy in range(math.floor(extents.y0 / tile), math.ceil(extents.y1 / tile)):
                t = Affine2D().scale(tile).translate(ix * tile, iy * tile)
                out.append(path_ops(hatch_path, t))
                out.append("B")
        out.append("Q")
        return out

    def draw_markers(
        self,
        gc: GraphicsContextBase,
        marker_path: Path,
        marker_trans: Any,
        path: Path,
        trans: Any,
        rgbFace: Any = None,
    ) -> None:
        ops_marker = path_ops(marker_path, marker_trans)
        for vertices, code in path.iter_segments(trans, simplify=False):
            if len(vertices) and code != Path.CLOSEPOLY:
                x, y = vertices[-2:]
                if math.isfinite(x) and math.isfinite(y):
                    self._draw(
                        gc, ops_marker, rgbFace, marker_path, marker_trans, (float(x), float(y))
                    )

    def draw_path_collection(
        self,
        gc: GraphicsContextBase,
        master_transform: Any,
        paths: Any,
        all_transforms: Any,
        offsets: Any,
        offset_trans: Any,
        facecolors: Any,
        edgecolors: Any,
        linewidths: Any,
        linestyles: Any,
        antialiaseds: Any,
        urls: Any,
        offset_position: Any,
        *,
        hatchcolors: Any = None,
    ) -> None:
        # Each distinct path is converted once and placed at its offsets with a translation.
        base: Any = super()
        raw = [
            (path, transform, path_ops(path, transform))
            for path, transform in base._iter_collection_raw_paths(
                master_transform, paths, all_transforms
            )
        ]
        for xo, yo, (path, transform, ops_path), gc0, rgb_face in base._iter_collection(
            gc,
            raw,
            offsets,
            offset_trans,
            facecolors,
            edgecolors,
            linewidths,
            linestyles,
            antialiaseds,
            urls,
            offset_position,
            hatchcolors=hatchcolors if hatchcolors is not None else [],
        ):
            self._draw(gc0, ops_path, rgb_face, path, transform, (float(xo), float(yo)))

    # -- images ---------------------------------------------------------------------------------
    def draw_image(
        self, gc: GraphicsContextBase, x: float, y: float, im: Any, transform: Any = None
    ) -> None:
        from PIL import Image

        h, w = im.shape[:2]
        if w == 0 or h == 0:
            return
        rgba = np.asarray(im, dtype=np.uint8)
        alpha = rgba[:, :, 3]
        if transform is None:
            gc.set_alpha(1.0)
        ops = self._begin(gc)
        canv = self.canv
        if ops:
            canv.addLiteral("\n".join(ops))
        image = Image.fromarray(np.ascontiguousarray(rgba[:, :, :3]), "RGB")
        if (alpha < 255).any():
            # PDF/A-2 allows a soft mask; ReportLab writes one from the image's alpha channel.
            image = Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
        if transform is None:
            canv.image(image, x, y, w, h)
        else:
            a, b, c, d, e, f = transform.frozen().to_values()
            canv.addLiteral(
                f"1 0 0 1 {_n(x)} {_n(y)} cm {_n(a)} {_n(b)} {_n(c)} {_n(d)} {_n(e)} {_n(f)} cm"
            )
            canv.image(image, 0, 0, 1, 1)
        self._end()

    # -- text -----------------------------------------------------------------------------------
    def draw_text(
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        role, bold = font_role(prop)
        size = float(prop.get_size_in_points())
        color = _hex(_color(gc.get_rgb()))
        _prep, line = set_label(s, role, bold, size, color)
        if line is None:
            return
        asc, _ = em_box(_face(role, bold))
        canv = self.canv
        alpha = gc.get_alpha() if gc.get_forced_alpha() else float(gc.get_rgb()[3])
        canv.saveState()
        rect = gc.get_clip_rectangle()
        ops = []
        if rect is not None:
            x0, y0, w, h = rect.bounds
            ops.append(f"{_n(x0)} {_n(y0)} {_n(w)} {_n(h)} re W n")
        if angle:
            rad = math.radians(angle)
            c, s_ = math.cos(rad), math.sin(rad)
            ops.append(f"{_n(c)} {_n(s_)} {_n(-s_)} {_n(c)} {_n(x)} {_n(y)} cm")
            x, y = 0.0, 0.0
        if ops:
            canv.addLiteral("\n".join(ops))
        if alpha < 1.0:
            canv.setFillAlpha(alpha)
        # The label is set on the page (`recording.replay`) from the top of its em box; x, y is
        # the start of the baseline.
        canv.label(s, role, bold, size, color, x, y + asc * size)
        canv.restoreState()


_face = functools.cache(face_for)


class FigureCanvasReportLab(FigureCanvasBase):
    """The canvas a figure belongs to: `record` renders the figure into a recording of canvas
    calls, which `recording.replay` draws onto a page.
    """

    # matplotlib declares it on the base class as an attribute; we register no file types.
    filetypes: dict[str, str] = {}  # noqa: RUF012

    def record(self) -> Recording:
        """The figure rendered: the canvas calls that draw it (`charts.recording`)."""
        from ..fonts import register_reportlab

        register_reportlab()  # the faces the labels are measured in (idempotent)
        fig = self.figure
        width, height = fig.get_size_inches() * 72.0
        recorder = Recorder()
        fig.draw(RendererReportLab(recorder, float(width), float(height)))
        return recorder.recording()


__all__ = [
    "FigureCanvasReportLab",
    "RendererReportLab",
    "font_role",
    "label_width",
    "path_ops",
    "set_label",
]
