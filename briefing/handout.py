"""Turn a dataset's rendered documents into one print-ready meeting pack: N numbered copies,
duplex-aware.

The documents are rendered once; the pack is then assembled with pikepdf from form XObjects, so
each source page is stored once however many copies there are. Each output page draws its source
page and, on top, small overlays made with ReportLab: the copy number (份号, six digits) and the
optional marking (e.g. 内部资料 注意保存) on the first page of each copy, and an optional light
diagonal watermark on every printed page.

    duplex      every copy, and every document inside a copy, starts on a front (odd) side;
                blank backs are inserted and carry nothing (no number, no watermark)
    --gray      colour operators and images are rewritten to gray before assembly, with a
                warning when two fill colours collapse to nearly the same gray
    --booklet   each copy is padded to a multiple of 4 and imposed two-up on A3 landscape in
                saddle-stitch order (print duplex, flip on the short edge, fold, staple)

Output is deterministic: no clock, fixed document ID, and stamps drawn in ReportLab's
invariant mode.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, Pdf

from . import __version__
from .errors import BriefingError, OutputError
from .i18n import N_, _, ngettext
from .output import FolderLock, atomic_write, output_path
from .render.pages import GBT9704
from .reporter import current

MM = 72 / 25.4
A3_LANDSCAPE = (420 * MM, 297 * MM)
# A meeting needs tens or hundreds of copies; 40,000 took 355 s and 1.1 GB. 5,000 (a few times
# any meeting; by proportion about 45 s and 200 MB) keeps a typo such as 30000 for 300 from
# tying up the machine. 份号 still has six digits.
MAX_COPIES = 5_000

# GB/T 9704-2012: 份号 six digits flush left on the first line of the type area (the `gbt9704`
# preset's margins), 3号 (16 pt); the marking on the second line in 3号 黑体. Positions are
# measured from the page's top-left corner. The faces and sizes are the style table's overlay
# roles (render.styles: copy_number, marking, watermark) on the GB/T 9704 grid.
STAMPS = GBT9704.styles
NUMBER_SIZE_PT = STAMPS["copy_number"].size_pt
LINE_PITCH_PT = STAMPS["marking"].leading_pt  # the body's: 22 lines in the 225 mm type area
LEFT_MM = GBT9704.binding_mm
TOP_MM = GBT9704.top_mm

# Our own documents already print the dataset's classification and marking on the first lines of
# their type area, top left (the briefing's masthead, the report's cover), and the handout passes
# --marking to them that way. The copy number therefore goes one line above, in the top margin,
# flush with the type area's left edge: GB/T 9704's order (份号, then 密级/marking) without
# touching the masthead. The type area is the document's page preset, named in the registry.
ABOVE_TYPE_AREA_MM = 3.0  # from the number's baseline to the top of the type area

WATERMARK_INK = 0.12  # 12% black: light enough to read the page through it
# The watermark role's size is the most it takes; long texts shrink to 60% of the page diagonal.

# Two fills whose grays differ by less than this (0…1) cannot be told apart on a monochrome
# printer; a typical laser printer resolves roughly 16 gray steps reliably.
GRAY_COLLAPSE = 0.06
# …but only warn when the colours themselves were meant to differ.
COLOUR_DISTINCT = 0.2


def _registered() -> tuple[str, ...]:
    from . import documents

    return documents.names()


@dataclass(frozen=True, slots=True)
class HandoutOptions:
    """How a handout is made: copies, documents, marking, watermark, grey, booklet."""

    copies: int
    # Document names from the registry (default: its first); the first gets the copy number.
    documents: tuple[str, ...] = field(default_factory=lambda: _registered()[:1])
    marking: str | None = None  # stamped under the number (for documents that do not print it)
    watermark: str | None = None
    gray: bool = False
    booklet: bool = False
    title: str = ""
    date: str = ""  # PDF date string from render.output.pdf_date, as the documents carry it
    # Where the copy number's baseline starts, in mm from the page's left and top edges; None puts
    # it where GB/T 9704 does (the first line of a 28 mm / 37 mm type area).
    number_at_mm: tuple[float, float] | None = None
    draft: bool = False  # build a draft dataset; the output step stamps 草稿 on every page
    document_options: tuple[tuple[str, str], ...] = ()  # the registry's document options


@dataclass(slots=True)
class Handout:
    """The assembled pack and what a caller may want to report about it."""

    data: bytes
    pages: int
    pages_per_copy: int
    # 0-based index of each copy's first page (in the A4 sequence, before any imposition)
    copy_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# gray


Colour = tuple[float, ...]


def luminance(rgb: Sequence[float]) -> float:
    """Rec. 601 luma, what most print drivers use to turn RGB into gray."""
    r, g, b = (min(max(float(v), 0.0), 1.0) for v in rgb)
    return 0.299 * r + 0.587 * g + 0.114 * b


def _cmyk_to_rgb(cmyk: Sequence[float]) -> Colour:
    c, m, y, k = (min(max(float(v), 0.0), 1.0) for v in cmyk)
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def _num(value: float) -> Decimal:
    # Few digits, so that the same colour always prints the same operand (deterministic output).
    return Decimal(f"{value:.4f}").normalize()


_FILL_OPS = {"f", "F", "f*", "B", "B*", "b", "b*"}
_STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}


@dataclass(slots=True)
class _GrayState:
    fill_space: str = "DeviceGray"
    stroke_space: str = "DeviceGray"
    fill_rgb: Colour | None = None
    stroke_rgb: Colour | None = None


class _Grayer:
    """Rewrites content streams, forms and images of one PDF to DeviceGray, noting fills by
    colour.
    """

    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self.done: set[tuple[int, int]] = set()
        self.page_fills: set[Colour] = set()
        self.page_strokes: set[Colour] = set()
        self.left_alone: set[str] = set()

    def _space_kind(self, name: pikepdf.Object, resources: pikepdf.Object) -> str:
        """'rgb', 'cmyk', 'gray' or 'other' for a colour space operand of cs/CS."""
        key = str(name)
        direct = {
            "/DeviceRGB": "rgb",
            "/CalRGB": "rgb",
            "/DeviceCMYK": "cmyk",
            "/DeviceGray": "gray",
            "/CalGray": "gray",
        }
        if key in direct:
            return direct[key]
        spaces = resources.get("/ColorSpace") if resources is not None else None
        space = spaces.get(key) if spaces is not None else None
        if space is None:
            return "other"
        if isinstance(space, Name):
            return direct.get(str(space), "other")
        if isinstance(space, Array) and len(space) == 2 and str(space[0]) == "/ICCBased":
            return {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get("/N", 0)), "other")
        if isinstance(space, Array) and len(space) >= 1 and str(space[0]) in direct:
            return direct[str(space[0])]
        return "other"

    def content(
        self, stream_owner: pikepdf.Object | pikepdf.Page, resources: pikepdf.Object
    ) -> bytes:
        out: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        state = _GrayState()
        stack: list[_GrayState] = []

        def gray(values: Sequence[pikepdf.Object], kind: str) -> tuple[Decimal, Colour]:
            nums = [float(v) for v in values]
            rgb: Colour = tuple(nums) if kind == "rgb" else _cmyk_to_rgb(nums)
            return _num(luminance(rgb)), rgb

        for instruction in pikepdf.parse_content_stream(stream_owner):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                self.left_alone.add(_("inline image"))
                out.append(instruction)
                continue
            operands, op = list(instruction.operands), str(instruction.operator)
            if op == "q":
                stack.append(
                    _GrayState(
                        state.fill_space, state.stroke_space, state.fill_rgb, state.stroke_rgb
                    )
                )
            elif op == "Q" and stack:
                state = stack.pop()
            elif op in ("rg", "RG", "k", "K") and len(operands) in (3, 4):
                value, rgb = gray(operands, "rgb" if op in ("rg", "RG") else "cmyk")
                fill = op in ("rg", "k")
                if fill:
                    state.fill_space, state.fill_rgb = "DeviceGray", rgb
                else:
                    state.stroke_space, state.stroke_rgb = "DeviceGray", rgb
                out.append(
                    pikepdf.ContentStreamInstruction([value], Operator("g" if fill else "G"))
                )
                continue
            elif op == "g":
                state.fill_space, state.fill_rgb = "DeviceGray", None
            elif op == "G":
                state.stroke_space, state.stroke_rgb = "DeviceGray", None
            elif op in ("cs", "CS") and operands:
                kind = self._space_kind(operands[0], resources)
                converted = kind in ("rgb", "cmyk")
                if kind == "other":
                    self.left_alone.add(_("colour space {name}").format(name=operands[0]))
                space = f"conv-{kind}" if converted else str(operands[0])
                if op == "cs":
                    state.fill_space, state.fill_rgb = space, None
                else:
                    state.stroke_space, state.stroke_rgb = space, None
                if converted:
                    out.append(pikepdf.ContentStreamInstruction([Name.DeviceGray], Operator(op)))
                    continue
            elif op in ("sc", "scn", "SC", "SCN"):
                space = state.fill_space if op in ("sc", "scn") else state.stroke_space
                if space.startswith("conv-") and all(not isinstance(v, Name) for v in operands):
                    value, rgb = gray(operands, space[5:])
                    if op in ("sc", "scn"):
                        state.fill_rgb = rgb
                    else:
                        state.stroke_rgb = rgb
                    out.append(pikepdf.ContentStreamInstruction([value], Operator(op)))
                    continue
            elif op == "sh":
                self.left_alone.add(_("shading (gradient)"))
            elif op in _FILL_OPS | _STROKE_OPS:
                if op in _FILL_OPS and state.fill_rgb is not None:
                    self.page_fills.add(tuple(round(v, 3) for v in state.fill_rgb))
                if op in _STROKE_OPS and state.stroke_rgb is not None:
                    self.page_strokes.add(tuple(round(v, 3) for v in state.stroke_rgb))
            elif op == "Do" and operands and resources is not None:
                xobjects = resources.get("/XObject")
                target = xobjects.get(str(operands[0])) if xobjects is not None else None
                if target is not None:
                    self.xobject(target)
            out.append(instruction)
        return pikepdf.unparse_content_stream(out)

    def xobject(self, obj: pikepdf.Object) -> None:
        ident = obj.objgen
        if ident in self.done:
            return
        self.done.add(ident)
        subtype = str(obj.get("/Subtype", ""))
        if subtype == "/Form":
            resources = obj.get("/Resources", Dictionary())
            obj.write(self.content(obj, resources))
        elif subtype == "/Image":
            self.image(obj)

    def image(self, obj: pikepdf.Object) -> None:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/ImageMask", False):
            return
        space = obj.get("/ColorSpace")
        kind = self._space_kind(space, Dictionary()) if isinstance(space, Name) else None
        if isinstance(space, Array) and len(space) == 2 and str(space[0]) == "/ICCBased":
            kind = {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get("/N", 0)), "other")
        if kind == "gray":
            return
        try:
            picture = pikepdf.PdfImage(obj).as_pil_image()
        except Exception:  # noqa: BLE001 - an image kind Pillow cannot decode: leave it, say so
            self.left_alone.add(_("image that could not be decoded"))
            return
        data = picture.convert("L").tobytes()
        obj.write(zlib.compress(data, 9), filter=Name.FlateDecode)
        obj.ColorSpace = Name.DeviceGray
        obj.BitsPerComponent = 8
        for key in ("/DecodeParms", "/Decode", "/Intent"):
            if key in obj:
                del obj[key]

    def page(self, page: pikepdf.Page) -> tuple[set[Colour], set[Colour]]:
        """Rewrite one page; return the colours its filled shapes and its lines were drawn in."""
        self.page_fills, self.page_strokes = set(), set()
        resources = page.obj.get("/Resources", Dictionary())
        page.obj.Contents = self.pdf.make_stream(self.content(page, resources))
        for obj in (resources.get("/XObject") or Dictionary()).values():
            self.xobject(obj)
        return self.page_fills, self.page_strokes


def collapsed_fills(fills: Iterable[Colour]) -> list[tuple[Colour, Colour]]:
    """Pairs of clearly different fill colours that print as nearly the same gray."""
    colours = sorted(set(fills))
    pairs = []
    for i, a in enumerate(colours):
        for b in colours[i + 1 :]:
            distance = max(abs(x - y) for x, y in zip(a, b, strict=True))
            if distance >= COLOUR_DISTINCT and abs(luminance(a) - luminance(b)) < GRAY_COLLAPSE:
                pairs.append((a, b))
    return pairs


def _hex(rgb: Colour) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)


def to_grayscale(pdf: Pdf, label: str = "") -> list[str]:
    """Rewrite every page of `pdf` to DeviceGray in place; return warnings for the reader."""
    grayer = _Grayer(pdf)
    where: dict[tuple[str, Colour, Colour], list[int]] = {}
    for number, page in enumerate(pdf.pages, 1):
        fills, strokes = grayer.page(page)
        for kind, colours in ((N_("fills"), fills), (N_("lines"), strokes)):
            for a, b in collapsed_fills(colours):
                where.setdefault((kind, a, b), []).append(number)
    warnings = []
    for (kind, a, b), pages in where.items():
        warnings.append(
            ngettext(
                "{label}page {pages}: {kind} {a} and {b} both print as about {gray} gray; if they "
                "tell things apart, give one a pattern, a label or a clearly lighter shade",
                "{label}pages {pages}: {kind} {a} and {b} both print as about {gray} gray; if "
                "they tell things apart, give one a pattern, a label or a clearly lighter shade",
                len(pages),
            ).format(
                label=label,
                pages=", ".join(map(str, pages)),
                kind=_(kind),
                a=_hex(a),
                b=_hex(b),
                gray=f"{round(100 * (1 - luminance(a)))}%",
            )
        )
    for what in sorted(grayer.left_alone):
        warnings.append(_("{label}left in colour: {what}").format(label=label, what=what))
    return warnings


# ---------------------------------------------------------------------------------------------
# stamps


def _stamp_pdf(pages: Sequence[Callable[[Any], None]], size: tuple[float, float]) -> Pdf:
    """A PDF with one page per drawing function, drawn by ReportLab with the project's fonts."""
    from .render.output import PdfMeta, blank_canvas

    # The output step's canvas: the same determinism flags and fonts as every document.
    buf, pdf = blank_canvas(PdfMeta("", "", "", (), dt.date(2000, 1, 1)), size)
    for draw in pages:
        draw(pdf)
        pdf.showPage()
    pdf.save()
    return pikepdf.open(io.BytesIO(buf.getvalue()))


def copy_number(n: int) -> str:
    """A copy number as printed: six digits, zero-padded (GB/T 9704 份号)."""
    return f"{n:06d}"


def type_area_mm(document: str) -> tuple[float, float]:
    """(left edge, top) of the type area of `document`'s first page, in mm from the page's top
    left.
    """
    from . import documents

    preset = documents.get(document).page_preset()
    area = preset.type_area(1)
    return area.x / MM, (preset.page_height_pt - area.top) / MM


def number_position(document: str) -> tuple[float, float]:
    """(left, baseline from top) in mm for the copy number on `document`'s first page."""
    left, top = type_area_mm(document)
    return left, top - ABOVE_TYPE_AREA_MM


def _number_drawer(
    n: int, marking: str | None, size: tuple[float, float], at_mm: tuple[float, float] | None
) -> Callable[[Any], None]:
    from . import fonts

    _width, height = size
    if at_mm is None:
        # Baseline of the GB/T type area's first line: its top plus the ascent of a 3号 face.
        x, first = LEFT_MM * MM, height - TOP_MM * MM - NUMBER_SIZE_PT * 0.88
    else:
        x, first = at_mm[0] * MM, height - at_mm[1] * MM

    number, mark = STAMPS["copy_number"], STAMPS["marking"]

    def draw(c: Any) -> None:  # a canvas from the output step (render.output)
        c.setFillGray(0)
        c.setFont(fonts.face_for(number.role, number.bold), number.size_pt)
        c.drawString(x, first, copy_number(n))
        if marking:
            c.setFont(fonts.face_for(mark.role, mark.bold), mark.size_pt)
            c.drawString(x, first - mark.leading_pt, marking)

    return draw


def _watermark_drawer(text: str, size: tuple[float, float]) -> Callable[[Any], None]:
    from . import fonts

    width, height = size

    def draw(c: Any) -> None:  # a canvas from the output step (render.output)
        from briefing._reportlab import stringWidth

        # Black at 12% opacity darkens whatever lies below by 12%, exactly like multiplying by a
        # 12% gray: white paper shows a light tint and black text stays fully black and legible.
        c.setFillGray(0)
        c.setFillAlpha(WATERMARK_INK)
        style = STAMPS["watermark"]
        font = fonts.face_for(style.role, style.bold)
        diagonal = (width**2 + height**2) ** 0.5
        size_pt = min(style.size_pt, 0.6 * diagonal / max(stringWidth(text, font, 1), 1))
        c.setFont(font, size_pt)
        c.translate(width / 2, height / 2)
        c.rotate(54.7 if height > width else 35.3)  # along the page's diagonal (A-series)
        c.drawCentredString(0, -size_pt * 0.35, text)

    return draw


# ---------------------------------------------------------------------------------------------
# assembly


@dataclass(frozen=True, slots=True)
class _Slot:
    """One side of paper in reading order: a source page with its stamps, or a blank back."""

    size: tuple[float, float]
    layers: tuple[pikepdf.Object, ...] = ()


def _page_size(page: pikepdf.Page) -> tuple[float, float]:
    box = [float(v) for v in page.mediabox]
    return (box[2] - box[0], box[3] - box[1])


def _draw_page(
    out: Pdf, size: tuple[float, float], placements: Sequence[tuple[pikepdf.Object, str]]
) -> None:
    """Append a page of `size` that draws each form XObject with its `cm` matrix (as text)."""
    names = Dictionary()
    content = []
    for i, (form, matrix) in enumerate(placements):
        name = f"/L{i}"
        names[name] = form
        content.append(f"q {matrix} cm {name} Do Q")
    page = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, _num(size[0]), _num(size[1])]),
        Resources=Dictionary(XObject=names),
        Contents=out.make_stream("\n".join(content).encode() + b"\n"),
    )
    out.pages.append(pikepdf.Page(page))


def _fit(form_size: tuple[float, float], box: tuple[float, float, float, float]) -> str:
    """The `cm` operands placing a page of `form_size` centred and scaled to fit `box` (x, y, w,
    h).
    """
    x, y, w, h = box
    scale = min(w / form_size[0], h / form_size[1])
    dx = x + (w - form_size[0] * scale) / 2
    dy = y + (h - form_size[1] * scale) / 2
    return " ".join(str(_num(v)) for v in (scale, 0, 0, scale, dx, dy))


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """Sheet sides for a saddle-stitched booklet of `pages` (padded to ×4), as (left, right) 0-based
    indexes.

    Side 2s (front of sheet s) holds pages P-1-2s | 2s, side 2s+1 (its back) 2s+1 | P-2-2s; the
    sheets stacked, folded and stapled read 1, 2, …, P. Indexes past `pages` are blanks (None).
    """
    padded = -(-pages // 4) * 4
    sides: list[tuple[int | None, int | None]] = []
    for sheet in range(padded // 4):
        for left, right in (
            (padded - 1 - 2 * sheet, 2 * sheet),
            (2 * sheet + 1, padded - 2 - 2 * sheet),
        ):
            sides.append((left if left < pages else None, right if right < pages else None))
    return sides


def assemble(sources: Sequence[bytes], options: HandoutOptions) -> Handout:
    """Numbered copies of the rendered documents in `sources` (in order), as one print-ready PDF."""
    if not 1 <= options.copies <= MAX_COPIES:
        raise BriefingError(
            _("--copies must be between 1 and {most}; got {copies}").format(
                most=MAX_COPIES, copies=options.copies
            )
        )
    if not sources:
        raise BriefingError(_("nothing to print: no documents"))
    warnings: list[str] = []
    out = pikepdf.new()
    docs = []
    for index, data in enumerate(sources):
        src = pikepdf.open(io.BytesIO(data))
        if options.gray:
            label = f"{options.documents[index]} " if index < len(options.documents) else ""
            warnings.extend(to_grayscale(src, label))
        forms = []
        for page in src.pages:
            forms.append((_page_size(page), out.copy_foreign(page.as_form_xobject())))
        if not forms:
            raise BriefingError(_("document {number} has no pages").format(number=index + 1))
        docs.append(forms)

    from . import fonts

    fonts.register_reportlab()
    fonts.check_text_coverage(
        [
            (text, fonts.face_for(STAMPS[role].role, STAMPS[role].bold), flag)
            for text, role, flag in (
                (options.watermark, "watermark", "--watermark"),
                (options.marking, "marking", "--marking"),
            )
            if text
        ]
    )
    first_size = docs[0][0][0]
    wm_form = None
    if options.watermark:
        wm = _stamp_pdf([_watermark_drawer(options.watermark, first_size)], first_size)
        wm_form = out.copy_foreign(wm.pages[0].as_form_xobject())
    numbers = _stamp_pdf(
        [
            _number_drawer(n, options.marking, first_size, options.number_at_mm)
            for n in range(1, options.copies + 1)
        ],
        first_size,
    )
    number_forms = [out.copy_foreign(p.as_form_xobject()) for p in numbers.pages]

    # The sides of one copy in reading order; documents start on fronts (odd sides).
    slots_per_copy: list[list[_Slot]] = []
    for copy in range(options.copies):
        slots: list[_Slot] = []
        for forms in docs:
            for size, form in forms:
                layers = [form]
                if wm_form is not None:
                    layers.append(wm_form)
                if not slots:
                    layers.append(number_forms[copy])
                slots.append(_Slot(size, tuple(layers)))
            if len(slots) % 2:
                slots.append(_Slot(slots[-1].size))
        slots_per_copy.append(slots)

    copy_starts, position = [], 0
    for slots in slots_per_copy:
        copy_starts.append(position)
        position += len(slots)

    if options.booklet:
        sheet = A3_LANDSCAPE
        half = sheet[0] / 2
        for slots in slots_per_copy:
            for left, right in booklet_order(len(slots)):
                placements: list[tuple[pikepdf.Object, str]] = []
                for side, x in ((left, 0.0), (right, half)):
                    if side is None:
                        continue
                    slot = slots[side]
                    matrix = _fit(slot.size, (x, 0.0, half, sheet[1]))
                    placements.extend((layer, matrix) for layer in slot.layers)
                _draw_page(out, sheet, placements)
    else:
        for slots in slots_per_copy:
            for slot in slots:
                _draw_page(out, slot.size, [(layer, "1 0 0 1 0 0") for layer in slot.layers])

    # Ask print dialogs for the right duplex mode: long-edge flip for A4 packs, short-edge for
    # A3 booklets (the fold runs across the sheet's short side).
    out.Root.ViewerPreferences = Dictionary(
        Duplex=Name.DuplexFlipShortEdge if options.booklet else Name.DuplexFlipLongEdge,
        PrintScaling=Name("/None"),
    )
    info = Dictionary(Producer=pikepdf.String(f"briefing {__version__}"))
    if options.title:
        info.Title = pikepdf.String(options.title)
    if options.date:
        info.CreationDate = pikepdf.String(options.date)
        info.ModDate = pikepdf.String(options.date)
    out.trailer.Info = out.make_indirect(info)
    buf = io.BytesIO()
    out.remove_unreferenced_resources()
    out.save(
        buf,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    pages_per_copy = len(slots_per_copy[0])
    return Handout(buf.getvalue(), len(out.pages), pages_per_copy, copy_starts, warnings)


# ---------------------------------------------------------------------------------------------
# dataset → handout, and the CLI


def make_handout(path: str | Path, options: HandoutOptions) -> Handout:
    """Load and check the dataset, render each requested document once, and assemble the pack.

    `options.marking` reaches the documents as the dataset's marking, so each prints it where its
    layout puts markings (the briefing's masthead, the report's cover); only the copy number is
    stamped on top.
    """
    from . import build, fonts
    from .drafts import refuse_draft
    from .fonts import check_dataset_texts, check_text_coverage
    from .render.output import pdf_date
    from .series import load_with_history

    dataset = load_with_history(path)
    if not options.draft:
        refuse_draft(dataset)
    if options.marking:
        dataset = dataclasses.replace(
            dataset, meta=dataclasses.replace(dataset.meta, marking=options.marking)
        )
    check_dataset_texts(dataset.texts)
    if options.marking:
        # The documents may set it in any of their faces, like any dataset text.
        check_text_coverage(
            [
                (options.marking, face, "--marking")
                for face in sorted({face for pair in fonts.ROLES.values() for face in pair})
            ]
        )
    extra: dict[str, Any] = {}
    if options.draft:
        extra["draft"] = True
    if options.document_options:
        extra["options"] = dict(options.document_options)
    sources = [
        build.render_document(dataset, doc, pdfa=False, **extra)[0] for doc in options.documents
    ]
    meta = dataset.meta
    return assemble(
        sources,
        dataclasses.replace(
            options,
            marking=None,
            title=options.title or f"{meta.title}（会议材料，{options.copies}份）",
            date=pdf_date(meta.date),  # the documents' own date: one function for both
            number_at_mm=options.number_at_mm or number_position(options.documents[0]),
        ),
    )


def run_handout(args: argparse.Namespace) -> int:
    """`briefing handout`: write the pack atomically, print where and how many sheets."""
    from . import documents as registry

    report = current()
    documents = registry.names() if args.what in ("all", "both") else (args.what,)
    if not 1 <= args.copies <= MAX_COPIES:
        report.error(
            "UsageError: " + _("--copies must be between 1 and {most}").format(most=MAX_COPIES)
        )
        return 2
    options = HandoutOptions(
        args.copies,
        documents,
        args.marking or None,
        args.watermark or None,
        args.gray,
        args.booklet,
        draft=bool(getattr(args, "draft", False)),
        document_options=tuple(sorted(registry.chosen_options(vars(args)).items())),
    )
    try:
        target = (
            Path(args.output)
            if args.output
            else output_path(Path("out"), Path(args.file).name, "handout")
        )
        if target.suffix.lower() != ".pdf":
            raise OutputError(_("{path}: the handout is a PDF; name it *.pdf").format(path=target))
        with report.timed(_("make {copies} copies").format(copies=args.copies)):
            handout = make_handout(args.file, options)
        with report.timed(_("write")), FolderLock(target.parent):
            # not while a build is replacing documents there
            atomic_write(target, handout.data)
    except BriefingError as exc:
        return report.fail(exc)
    for warning in handout.warnings:
        report.warn(warning)
    kib = len(handout.data) / 1024
    if args.booklet:
        per_copy = -(-handout.pages_per_copy // 4) * 4
        report.result(
            _(
                "{path}  {copies} copies × {per_copy}-page booklet = {sides} A3 sides "
                "({sheets} sheets: duplex, flip on the short edge, fold, staple), {kib:.0f} KiB"
            ).format(
                path=target,
                copies=args.copies,
                per_copy=per_copy,
                sides=handout.pages,
                sheets=handout.pages // 2,
                kib=kib,
            )
        )
    else:
        report.result(
            _(
                "{path}  {copies} copies × {per_copy} pages = {pages} pages "
                "({sheets} A4 sheets, duplex), {kib:.0f} KiB"
            ).format(
                path=target,
                copies=args.copies,
                per_copy=handout.pages_per_copy,
                pages=handout.pages,
                sheets=handout.pages // 2,
                kib=kib,
            )
        )
    return 0
