"""Turn a `Comparison` of several districts' datasets into the city comparison pack: a one-page
comparison briefing and an annotated comparison report, as PDF bytes.

The briefing: districts as rows and the coded indicators most of them report as columns, every
figure in its printed wording (hedge included), a figure not comparable with its column marked △
and explained under the table, a missing one printed 未载明; small-multiple charts of the
indicators most districts report; each district's inconsistent figures. It is one A4 page, fitted
by the briefing's rules (`compose.briefing.LEVELS`): spacing, then chart density, then type size
down to 8 pt, then the findings shortened, then the charts dropped. The table and its notes are
never dropped: a comparison without them would compare what must not be compared.

The report (GB/T 9704 pages, the report's own machinery in `reportdoc`): how to read it, an
overview matrix, one section per indicator with a ranked table, a chart, the districts that did
not report it and notes where units or periods differ, each district's verification findings,
and where the figures come from. A section's chart goes under its table, or above it (or with
its bars closer) when that fills the pages better: `reportdoc.Arranged` chooses where it lands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from briefing._reportlab import (
    Flowable,
    KeepTogether,
    Spacer,
)

from .. import __version__, fonts
from ..charts import Row, chart_style, draw_rows
from ..charts.style import Density
from ..comparison import Cell, Column, Comparison, compare
from ..errors import LayoutOverflowError
from ..fonts import register_reportlab
from ..i18n import _
from ..render import CJKParagraph, Span, TextStyle
from ..render.output import CHINA_TIME, CanvasMaker, Composed, PdfMeta, document_date
from ..render.styles import INK, LABEL_ROLE, MUTED
from .briefing import (
    BOX_INNER_W,
    HAIRLINE,
    RED,
    SEP,
    TIGHTENING,
    TYPE_H,
    TYPE_W,
    Attempt,
    Fit,
    Layout,
    _date_cn,
    _width,
    draw_layout,
    findings_box,
    fit_in_stages,
    page_footer,
)
from .layout import Columns, Framed, Rule, Stack, VSpace
from .reportdoc import (
    Arranged,
    Centered,
    ChapterBreak,
    DocInfo,
    Heading,
    KeepStart,
    PageLog,
    PageNumbers,
    build_pdf,
    link_arranged,
)
from .request import Request

# The comparison page keeps the briefing's sizes at most: only the levels that give ground.
LEVELS = TIGHTENING

MISSING = "未载明"
MARK = "△"  # a figure on another basis than its column: shown, never ranked or charted with it
MAX_SMALL_MULTIPLES = 4
#: The report draws an indicator's chart at these densities, the first preferred: a chart with
#: its bars closer may fit where the other would leave a page mostly empty.
CHART_DENSITIES: tuple[Density, ...] = ("normal", "tight")
HEAD_FILL = "#e4e8ec"
ZEBRA = "#f5f6f7"


def pack_title(comp: Comparison) -> str:
    """示例市2024年度各地法治政府建设主要指标对比 (the cities and years the datasets cover)."""
    cities = list(dict.fromkeys(d.dataset.meta.city for d in comp.districts))
    years = comp.years
    year = f"{years[0]}年度" if len(years) == 1 else f"{years[0]}—{years[-1]}年度"
    where = "、".join(cities) if len(cities) <= 2 else f"{cities[0]}等{len(cities)}市"
    return f"{where}{year}各地法治政府建设主要指标对比"


def pack_day(comp: Comparison) -> dt.date:
    """The pack's date: the latest of its reports' dates (SOURCE_DATE_EPOCH still overrides it)."""
    return max(d.dataset.meta.date for d in comp.districts)


def pack_fingerprint(comp: Comparison) -> str:
    """One hash over the datasets' hashes, in order: the same files give the same fingerprint."""
    joined = "\n".join(d.dataset.sha256 for d in comp.districts)
    return hashlib.sha256(joined.encode()).hexdigest()


def cell_text(cell: Cell | None) -> str:
    """What a table prints for a cell: the printed figure, △ when off-basis, 未载明 when missing."""
    if cell is None:
        return MISSING
    return cell.printed + ("" if cell.comparable else MARK)


def chart_columns(comp: Comparison) -> tuple[Column, ...]:
    """The indicators most districts report on one basis: the small multiples, most reported
    first.
    """
    need = max(2, math.ceil(len(comp.districts) / 2))
    chosen = [
        c for c in comp.columns if len(c.comparable) >= need and c.entry.kind in ("count", "rate")
    ]
    return tuple(chosen[:MAX_SMALL_MULTIPLES])


def chart_rows(comp: Comparison, column: Column) -> tuple[Row, ...]:
    """One bar per district in the pack's order; a missing figure is a 未载明 row, an off-basis one
    is left out.
    """
    rows = []
    for name, cell in zip(comp.names, column.cells, strict=True):
        if cell is None:
            rows.append(Row(name, name, math.nan, MISSING))
        elif cell.comparable:
            rows.append(Row(name, name, cell.indicator.value, cell.printed))
    return tuple(rows)


def chart_kind(column: Column) -> str:
    return "rate" if column.entry.kind == "rate" else "hbar"


# ---------------------------------------------------------------------------------------------
# The one-page comparison briefing


FindingsExtent = tuple[str, int]  # ("messages", most per district) or ("counts", 0)
EXTENTS: tuple[FindingsExtent, ...] = (("messages", 2), ("messages", 1), ("counts", 0))


@dataclass(slots=True)
class _Ctx:
    comp: Comparison
    fit: Fit
    extent: FindingsExtent

    @property
    def styles(self) -> Mapping[str, TextStyle]:
        return self.fit.styles

    def heading(self, text: str) -> Flowable:
        para = CJKParagraph(text, self.styles["h1"])
        return Stack([para, Rule(0.5, HAIRLINE, height_pt=4.0)])


def _masthead(c: _Ctx) -> Flowable:
    comp = c.comp
    kicker = CJKParagraph("对比简报", c.styles["kicker"])
    title = CJKParagraph(pack_title(comp), c.styles["title"])
    n = comp.places
    sub = SEP.join(
        [
            f"{n}个地区",
            f"编码指标{len(comp.columns)}项",
            "据各地年度报告整理",
            _date_cn(pack_day(comp)),
        ]
    )
    subline = CJKParagraph(sub, c.styles["subtitle"])
    return Stack(
        [
            kicker,
            VSpace(1.0),
            title,
            VSpace(1.0),
            subline,
            VSpace(3.0),
            Rule(1.4, RED, height_pt=3.0),
        ]
    )


def _cell_para(text: str, style: TextStyle, *, muted: bool = False) -> CJKParagraph:
    if text.endswith(MARK):
        return CJKParagraph([Span(text[: -len(MARK)]), Span(MARK, color=RED)], style)
    return CJKParagraph([Span(text, color=MUTED if muted else None)], style)


def table_columns(
    comp: Comparison, styles: Mapping[str, TextStyle]
) -> tuple[tuple[Column, ...], float, list[float]]:
    """The columns that fit the type width in `styles`' table roles, the district column's width
    and each column's width.

    Columns are taken most reported first while they fit; each is as wide as its widest cell or
    head line (heads may take two lines), and the spare width is shared out evenly.
    """
    pad = 4.0
    name_w = max(_width(n, styles["table_name"]) for n in comp.names) + pad * 2
    chosen: list[Column] = []
    widths: list[float] = []
    for column in comp.common():
        texts = [cell_text(cell) for cell in column.cells]
        need = max(_width(t, styles["table"]) for t in texts)
        # Heads stay on one line: a short name is at most six characters.
        head = max(
            _width(column.entry.short, styles["table_head"]),
            _width(f"{column.unit}·{column.period}", styles["table_unit"]),
        )
        w = max(need, head) + pad * 2
        if name_w + sum(widths) + w > TYPE_W:
            break
        chosen.append(column)
        widths.append(w)
    if widths:
        spare = (TYPE_W - name_w - sum(widths)) / (len(widths) + 1)
        widths = [w + spare for w in widths]
        name_w += spare
    return tuple(chosen), name_w, widths


def _table(c: _Ctx) -> Flowable:
    comp = c.comp
    cols, name_w, widths = table_columns(comp, c.styles)
    head_style = c.styles["table_head"]
    unit_style = c.styles["table_unit"]
    cell_style = c.styles["table"]
    name_style = c.styles["table_name"]
    pad = (1.5, 2.0, 1.5, 2.0)
    head_cells: list[Flowable] = [Framed(CJKParagraph("地区", head_style), pad)]
    for column in cols:
        head_cells.append(
            Framed(
                Stack(
                    [
                        CJKParagraph(column.entry.short, head_style),
                        CJKParagraph(f"{column.unit}·{column.period}", unit_style),
                    ]
                ),
                pad,
            )
        )
    all_widths = [name_w, *widths]
    rows: list[Flowable] = [
        Framed(Columns(head_cells, all_widths), (0, 0, 0, 0), fill=HEAD_FILL),
        Rule(0.6, INK, height_pt=0.6),
    ]
    for r, name in enumerate(comp.names):
        cells: list[Flowable] = [Framed(CJKParagraph(name, name_style), pad)]
        for column in cols:
            cell = column.cells[r]
            cells.append(Framed(_cell_para(cell_text(cell), cell_style, muted=cell is None), pad))
        fill = ZEBRA if r % 2 else None
        rows.append(Framed(Columns(cells, all_widths), (0, 0, 0, 0), fill=fill))
    rows.append(Rule(0.6, INK, height_pt=0.6))
    return Stack([Rule(0.6, INK, height_pt=0.6), *rows])


def _notes(c: _Ctx) -> Flowable:
    comp = c.comp
    style = c.styles["note"]
    cols, _, _ = table_columns(comp, c.styles)
    lines: list[str] = []
    for column in cols:
        for note in column.notes():
            if note:
                lines.append(f"{column.entry.short}：{note}")
    legend = f"表中数字照录各地报告原文（含“余”“以上”“约”等限定词）；{MISSING}表示该地报告未载此项"
    if any(not column.all_comparable for column in cols):
        legend += f"；{MARK}表示与同列多数地区单位或统计期不同，不可直接比较"
    rest = len(comp.common()) - len(cols)
    if rest > 0:
        legend += f"；另有{rest}项两地以上报告的指标限于篇幅未列入，见对比报告"
    paras: list[Flowable] = [CJKParagraph(legend + "。", style)]
    paras += [CJKParagraph(line + "。", style) for line in lines]
    return Stack(paras, gap_pt=0.5)


CHART_GAP = 12.0


def _charts(c: _Ctx) -> Flowable | None:
    comp = c.comp
    columns = chart_columns(comp)
    if not columns:
        return None
    k = len(columns)
    width = (TYPE_W - CHART_GAP * (k - 1)) / k
    style = chart_style(c.fit.chart_density, c.styles["chart_label"].size_pt)
    boxes: list[Flowable] = []
    for column in columns:
        title = CJKParagraph(
            f"{column.entry.short}（{column.unit}，{column.period}）",
            c.styles["caption"],
        )
        parts: list[Flowable] = [
            title,
            VSpace(2.0),
            draw_rows(chart_kind(column), chart_rows(comp, column), round(width, 2), style),
        ]
        left_out = [cell.district for cell in column.others]
        if left_out:
            parts += [
                VSpace(1.5),
                CJKParagraph(
                    f"{'、'.join(left_out)}口径不同，未绘入",
                    c.styles["chart_note"],
                ),
            ]
        boxes.append(Stack(parts))
    return Stack(
        [c.heading("主要指标对比图"), VSpace(2.0), Columns(boxes, [width] * k, gap_pt=CHART_GAP)]
    )


def _findings(c: _Ctx) -> Flowable | None:
    comp = c.comp
    flagged = [d for d in comp.districts if d.inconsistent]
    title = CJKParagraph("数据核验：各地报告中前后不一致的数字", c.styles["box_title"])
    line = c.styles["finding"]
    size = line.size_pt
    parts: list[Flowable] = [title]
    if not flagged:
        parts.append(CJKParagraph("各地数据文件登记的关联均未发现不一致。", line))
    else:
        mode, most = c.extent
        if mode == "counts":
            text = "；".join(f"{d.name}（{len(d.inconsistent)}处）" for d in flagged)
            parts.append(CJKParagraph(f"{text}。详见对比报告。", line))
        else:
            name_w = max(_width(d.name, c.styles["finding_tag"]) for d in flagged) + size
            for d in flagged:
                shown = [f.message for f in d.inconsistent[:most]]
                rest = len(d.inconsistent) - len(shown)
                text = "；".join(shown) + (f"；另有{rest}处，见对比报告" if rest else "")
                parts.append(
                    Columns(
                        [
                            CJKParagraph(d.name, c.styles["finding_tag"]),
                            CJKParagraph(text + "。", line),
                        ],
                        [name_w, BOX_INNER_W - name_w],
                    )
                )
    clean = [d.name for d in comp.districts if not d.inconsistent]
    if flagged and clean:
        parts.append(
            CJKParagraph(
                f"{'、'.join(clean)}未发现不一致。",
                c.styles["finding_more"],
            )
        )
    return findings_box(parts)


def _footer(c: _Ctx) -> Flowable:
    comp = c.comp
    text = SEP.join(
        [
            f"据{len(comp.districts)}份年度报告数据文件整理",
            f"生成于{_date_cn(generation_day(comp))}",
            f"数据指纹 {pack_fingerprint(comp)[:12]}",
        ]
    )
    return page_footer(text, c.styles)


def generation_day(comp: Comparison) -> dt.date:
    """The day printed as 'generated': the document date (the output step's) as a day in China
    Standard Time.
    """
    return document_date(pack_day(comp)).astimezone(CHINA_TIME).date()


BLOCKS: tuple[tuple[str, Callable[[_Ctx], Flowable | None]], ...] = (
    ("masthead", _masthead),
    ("table", _table),
    ("notes", _notes),
    ("charts", _charts),
    ("findings", _findings),
)
DROP_ORDER = ("charts",)


def _measure(comp: Comparison, attempt: Attempt[FindingsExtent]) -> Layout[FindingsExtent]:
    c = _Ctx(comp, attempt.fit, attempt.extent)
    blocks = []
    for name, build in BLOCKS:
        if name in attempt.dropped:
            continue
        box = build(c)
        if box is not None:
            blocks.append((name, box, box.wrap(TYPE_W, TYPE_H)[1]))
    foot = _footer(c)
    return Layout(
        attempt, tuple(blocks), foot, foot.wrap(TYPE_W, TYPE_H)[1], attempt.fit.block_gap_pt
    )


def fit_compare(comp: Comparison) -> Layout[FindingsExtent]:
    """The most generous layout that fits one page, by the briefing's rules; LayoutOverflowError if
    none does.

    Within each stage (nothing dropped, then the charts dropped) the findings are shortened step by
    step, and for each the loosest level of `LEVELS` that fits is taken (`fit_in_stages`).
    """
    register_reportlab()
    layout = fit_in_stages(partial(_measure, comp), LEVELS, EXTENTS, DROP_ORDER)
    if layout.fits:
        return layout
    over = (layout.used - TYPE_H) / 2.834645669
    raise LayoutOverflowError(
        _(
            "the comparison briefing of {count} districts does not fit one A4 page: {over:.0f} mm "
            "too long at 8 pt with the charts dropped; compare fewer districts at a time"
        ).format(count=len(comp.districts), over=over)
    )


def compare_meta(comp: Comparison, what: str) -> dict[str, Any]:
    title = pack_title(comp)
    cities = list(dict.fromkeys(d.dataset.meta.city for d in comp.districts))
    return {
        "title": f"{title}（{what}）",
        "author": "、".join(cities) + "各地数据汇总",
        "subject": (
            f"{comp.places}个地区{'、'.join(str(y) for y in comp.years)}年度法治政府建设报告主要"
            "指标对比"
        ),
        "keywords": ("法治政府建设", "年度报告", "对比", *cities, *(f"{y}年" for y in comp.years)),
        "day": pack_day(comp),
    }


# ---------------------------------------------------------------------------------------------
# The annotated comparison report


class CompareComposer:
    """Compose one layout pass of the comparison report: GB/T 9704 pages, the report's machinery
    (`reportdoc`), its levels (第N章, 一、 in 黑体) and its numbered tables.
    """

    def __init__(self, comp: Comparison, styles: dict[str, TextStyle]):
        self.comp = comp
        self.styles = styles
        self.chapter_number = 0
        self.section_number = 0
        self.table_number = 0
        self.figure_number = 0
        self.width = _type_width()

    def p(self, content: str | Sequence[Span], style: str) -> CJKParagraph:
        return CJKParagraph(content, self.styles[style])

    def chapter(self, title: str, key: str) -> list[Flowable]:
        from .report import chinese_number

        self.chapter_number += 1
        self.section_number = 0
        full = f"第{chinese_number(self.chapter_number)}章　{title}"
        return [ChapterBreak(), Heading(self.p(full, "chapter"), level=0, title=full, key=key)]

    def section(self, title: str, key: str) -> Heading:
        """一、… in 黑体; whoever places it keeps it with the start of what it heads."""
        from .report import chinese_number

        self.section_number += 1
        full = f"{chinese_number(self.section_number)}、{title}"
        return Heading(self.p(full, "section"), level=1, title=full, key=key)

    def table(self, rows: list[list[Any]], widths: Sequence[float], title: str) -> Flowable:
        """A numbered table as the report sets it (表N above, 续表N where it runs on)."""
        from .report import numbered_table

        self.table_number += 1
        caption = self.styles["table_caption"]
        return numbered_table(rows, widths, self.table_number, title, caption)

    def head(self, labels: Sequence[str]) -> list[Any]:
        return [self.p(label, "table_head") for label in labels]

    def cell(self, cell: Cell | None) -> CJKParagraph:
        if cell is None:
            return self.p([Span(MISSING, color=MUTED)], "table_fig")
        if not cell.comparable:
            return self.p([Span(cell.printed), Span(MARK, color=RED)], "table_fig")
        return self.p(cell.printed, "table_fig")

    # -- the story -------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        out = self.cover()
        out += self.reading()
        out += self.overview()
        out += self.per_indicator()
        out += self.verification()
        out += self.sources()
        return out

    def cover(self) -> list[Flowable]:
        from .report import cover_table

        comp = self.comp
        out: list[Flowable] = [Spacer(1, 150)]
        # Break the title after 年度, as the report's cover does, rather than wherever it runs out.
        head, sep, tail = pack_title(comp).partition("年度")
        for line in [head + sep, tail] if sep and tail else [pack_title(comp)]:
            out.append(self.p(line, "cover_title"))
        out.append(Spacer(1, 10))
        out.append(self.p("（对比注释版）", "cover_sub"))
        out.append(Spacer(1, 50))
        rows = [
            ("对比地区", "、".join(comp.names)),
            ("报告年度", "、".join(f"{y}年" for y in comp.years)),
            ("编码指标", f"{len(comp.columns)}项，其中两地以上报告的{len(comp.common())}项"),
            ("报告日期", f"各地报告最晚的日期为{_date_cn(pack_day(comp))}"),
            ("数据指纹", f"SHA-256 {pack_fingerprint(comp)[:16]}…"),
        ]
        out.append(cover_table(rows, self.styles["cover_meta"]))
        out.append(Spacer(1, 40))
        out.append(
            self.p(
                f"本对比注释版由 briefing {__version__} 依据各地数据文件生成。数字照录各地报"
                "告原文；"
                "排名、注释和图表为生成工具所加，不代表各地发布机关的表述。",
                "cover_foot",
            )
        )
        return out

    def reading(self) -> list[Flowable]:
        out = self.chapter("阅读说明", "cmp-reading")
        texts = [
            (
                "本文件把各地年度报告中属于同一指标的数字放在一起比较。指标以统一的编码识别，"
                "不按各地报告的措辞匹配；没有编码的数字不参与比较。"
            ),
            (
                "每个数字照录原文，连同“余”“以上”“约”等限定词。带“余”“以上”的数字只给出了下限，"
                "排名时按所写数字计，实际位次可能更靠前；带“约”的数字是近似值。"
            ),
            (
                f"同一指标下，只有单位和统计期都相同的数字才排名、才画进同一幅图。以“件次”计的数字不与以“件”计的比较，"
                f"1—11月的数字不与全年数字比较，截至报告时的数字也不与全年数字比较；这样的数字在表中标{MARK}，"
                "单列在排名表之后，并说明原因。"
            ),
            (
                f"某地报告没有载明某项指标时，表中写“{MISSING}”，并在该指标一节列出这些地区；"
                "没有载明不等于没有开展这项工作。"
            ),
        ]
        out += [self.p(t, "prose") for t in texts]
        return out

    def overview(self) -> list[Flowable]:
        comp = self.comp
        out = self.chapter("总览", "cmp-overview")
        common = comp.common()
        out.append(
            self.p(
                f"{comp.places}个地区共报告编码指标{len(comp.columns)}项，其中{len(common)}项"
                f"有两个以上地区报告，列表如下（每表四项）。",
                "prose",
            )
        )
        per = 4
        name_w = 70.0
        for start in range(0, len(common), per):
            chunk = common[start : start + per]
            width = (self.width - name_w) / len(chunk)
            rows: list[list[Any]] = [
                [
                    self.p("地区", "table_head"),
                    *[
                        # The basis in brackets stays on one line: a head breaks between the
                        # name and its basis, or inside the name, never inside the brackets.
                        self.p(
                            [Span(c.entry.name), Span(f"（{c.unit}，{c.period}）", keep=True)],
                            "table_head",
                        )
                        for c in chunk
                    ],
                ]
            ]
            for r, name in enumerate(comp.names):
                rows.append([self.p(name, "table_fig"), *[self.cell(c.cells[r]) for c in chunk]])
            last = start + len(chunk)
            which = f"第{last}项" if len(chunk) == 1 else f"第{start + 1}—{last}项"
            title = f"各地主要指标总览（{which}）"
            out.append(self.table(rows, [name_w] + [width] * len(chunk), title))
        single = [c for c in comp.columns if len(c.reported) < 2]
        if single:
            listed = "；".join(
                f"{c.entry.name}（{c.reported[0].district}，{c.reported[0].printed}）"
                for c in single
            )
            out.append(self.p(f"只有一个地区报告、无从比较的指标：{listed}。", "prose"))
        return out

    def per_indicator(self) -> list[Flowable]:
        comp = self.comp
        out = self.chapter("逐项比较", "cmp-items")
        common = sorted(comp.common(), key=comp.columns.index)
        out.append(
            self.p(
                f"以下{len(common)}节各比较一项指标：列出排名表，画图，并说明没有报告的地区"
                "和口径不同的数字。图一般紧随表后；放不下时移到表前或说明之后，以免留下大片空白。",
                "prose",
            )
        )
        for column in common:
            out += self.indicator_section(column)
        return out

    def indicator_section(self, column: Column) -> list[Flowable]:
        comp = self.comp
        lead: list[Flowable] = [
            self.section(column.entry.name, f"cmp-{column.code}"),
            self.p(
                [
                    Span("比较口径：", role=LABEL_ROLE),
                    Span(f"{column.basis_text}；指标编码 {column.code}。"),
                ],
                "prose",
            ),
        ]
        widths = (34.0, 62.0, 84.0, 84.0, 52.0, self.width - 316.0)
        rows: list[list[Any]] = [
            self.head(["名次", "地区", "数字（原文）", "统计期", "出处", "说明"])
        ]
        # The ranked figures, then those on another basis: shown, never ranked.
        entries = [
            (str(rank), cell, f"限定词：{cell.hedge}，按所写数字排名" if cell.hedge else "")
            for rank, cell in column.ranked()
        ]
        entries += [
            ("—", cell, f"口径不同：{cell.why_not.removeprefix('为')}，不排名")
            for cell in column.others
        ]
        for rank_text, cell, note in entries:
            ind = cell.indicator
            texts = (rank_text, cell.district, ind.period.text, ind.source, note)
            cells = [self.p(t, "table") for t in texts]
            rows.append([*cells[:2], self.cell(cell), *cells[2:]])
        table = self.table(rows, widths, f"{column.entry.name}排名")
        missing = column.missing(comp.names)
        lines = []
        if missing:
            lines.append(f"未报告此项的地区（{len(missing)}个）：{'、'.join(missing)}。")
        else:
            lines.append("各地均报告了此项。")
        lines += [n + "。" for n in column.notes()]
        if len(column.comparable) < 2:
            notes = [self.p(line, "prose") for line in lines]
            return [KeepStart(lead, table), *lead, table, *notes]
        return [Arranged(lead, self.table_and_chart(column, table, lines))]

    def table_and_chart(
        self, column: Column, table: Flowable, lines: Sequence[str]
    ) -> list[list[Flowable]]:
        """The orders an indicator's table, chart and notes may take (`Arranged` picks one where
        they land), the preferred first: the chart under the table, keeping the first note line
        (no page holds that line alone); the notes under the table and the chart after them
        (a chart page that ends sooner may leave room for the next section's start); the chart
        above the table, the notes after it; then all three again with the chart's bars set
        closer (the `tight` density, labels unchanged). The chart keeps its caption (图N) in
        every order.
        """
        from .report import CHART_WIDTH

        self.figure_number += 1
        label_pt = self.styles["chart_label"].size_pt
        # In rank order, as the table ranks them; missing figures last.
        bars = tuple(
            sorted(chart_rows(self.comp, column), key=lambda r: -r.value if r.stated else math.inf)
        )
        title = f"{column.entry.name}（{column.unit}，{column.period}）"
        caption = [
            Span(f"图{self.figure_number}", role=LABEL_ROLE, keep=True),
            Span("\u3000" + title),
        ]

        def notes() -> list[Flowable]:
            return [self.p(line, "prose") for line in lines]

        orders: list[list[Flowable]] = []
        for density in CHART_DENSITIES:
            style = chart_style(density, label_pt=label_pt)
            drawing = draw_rows(chart_kind(column), bars, CHART_WIDTH, style)
            under = notes()
            chart_under = [Spacer(1, 6), Centered(drawing), self.p(caption, "caption")]
            chart_above = [*chart_under, Spacer(1, 6)]
            orders.append([table, KeepTogether([*chart_under, under.pop(0)]), *under])
            orders.append([table, *notes(), KeepTogether(chart_under)])
            orders.append([KeepTogether(chart_above), table, *notes()])
        return orders

    def verification(self) -> list[Flowable]:
        comp = self.comp
        out = self.chapter("各地数据核验", "cmp-verify")
        out.append(
            self.p(
                "每个地区的数据文件都按其登记的关联（比率、合计、分项、同一数字、同比）单独核算过，"
                "判断标准与单个地区的注释版相同。下面列出每个地区前后不一致的数字。",
                "prose",
            )
        )
        for d in comp.districts:
            bad = d.inconsistent
            head = f"{d.name}：核算{len(d.findings)}处，不一致{len(bad)}处"
            out.append(self.p(head, "finding_head"))
            if not bad:
                out.append(self.p("未发现不一致。", "finding"))
            for n, f in enumerate(bad, 1):
                text = (
                    f"{n}．{f.message}" + (f"（{f.computation}）" if f.computation else "") + "。"
                )
                out.append(self.p(text, "finding"))
        return out

    def sources(self) -> list[Flowable]:
        comp = self.comp
        out = self.chapter("数据来源", "cmp-sources")
        out.append(
            self.p(
                "下表列出参与比较的数据文件；同样的文件和同一版本的生成工具总是生成同样的对比文件。",
                "prose",
            )
        )
        widths = (60.0, 150.0, 70.0, 60.0, self.width - 340.0)
        rows: list[list[Any]] = [
            self.head(["地区", "报告", "数据文件", "编码指标", "SHA-256（前16位）"])
        ]
        for d in comp.districts:
            coded = sum(1 for i in d.dataset.indicators if i.code)
            rows.append(
                [
                    self.p(d.name, "table"),
                    self.p(d.dataset.meta.title, "table"),
                    self.p(Path(d.dataset.path).name, "table"),
                    self.p(f"{coded}/{len(d.dataset.indicators)}", "table"),
                    self.p(d.dataset.sha256[:16], "table"),
                ]
            )
        out.append(self.table(rows, widths, "参与比较的数据文件"))
        return out


def _type_width() -> float:
    from ._report_text import type_area

    return type_area(1)[2]


def build_compare_report(comp: Comparison, make_canvas: CanvasMaker) -> tuple[bytes, PageLog]:
    """Compose and lay out the comparison report; PDF bytes and where everything landed."""
    from .report import report_styles

    fonts.register_reportlab()
    styles = report_styles()
    meta = compare_meta(comp, "对比注释版")
    info = DocInfo(
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        keywords=tuple(meta["keywords"]),
        creator=f"briefing {__version__}",
        running_title=meta["title"],
    )

    def make_story(pages: PageNumbers) -> list[Flowable]:
        story = CompareComposer(comp, styles).story()
        link_arranged(story)
        return story

    return build_pdf(make_story, info, styles, make_canvas)


def _comparison(request: Request) -> Comparison:
    return compare(request.datasets, [tuple(f) for f in request.findings])


def _pdf_meta(comp: Comparison, what: str) -> PdfMeta:
    m = compare_meta(comp, what)
    return PdfMeta(
        title=m["title"],
        author=m["author"],
        subject=m["subject"],
        keywords=m["keywords"],
        day=m["day"],
    )


def compose_briefing(request: Request) -> Composed:
    """The registry's compose function of the one-page comparison briefing: fitted now, drawn on
    demand.
    """
    comp = _comparison(request)
    layout = fit_compare(comp)
    return Composed(
        _pdf_meta(comp, "对比简报"), lambda make_canvas: (draw_layout(layout, make_canvas), 1)
    )


def compose_report(request: Request) -> Composed:
    """The registry's compose function of the annotated comparison report."""
    comp = _comparison(request)

    def draw(make_canvas: CanvasMaker) -> tuple[bytes, int]:
        data, log = build_compare_report(comp, make_canvas)
        return data, log.page_count

    return Composed(_pdf_meta(comp, "对比注释版"), draw)


__all__ = [
    "MARK",
    "MISSING",
    "CompareComposer",
    "build_compare_report",
    "cell_text",
    "chart_columns",
    "compose_briefing",
    "compose_report",
    "fit_compare",
    "pack_title",
]
