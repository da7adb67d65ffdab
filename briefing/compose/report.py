"""Turn a validated Dataset and its verification Findings into the annotated report: PDF bytes and
page count.

The report is for reviewers and for the staff who drafted the original: every figure with the
words it was printed in, its period and section, what its hedge words commit to, and whether it
agrees with the figures it is related to. Chapters: cover, contents, a summary, one chapter per
work area that has figures (summary, numbered indicator table with same-page footnotes, charts),
verification (when relations are declared), shortcomings and plans (when any are), glossary (when
any), and two appendices (data dictionary, provenance). Headings follow GB/T 9704's levels under
二号 chapter titles: 一、 (h1), （一） (h2), 1. (h3). All text is set by the typesetting layer in
the styles of `render.styles`; this module decides what is said and in which order, `reportdoc`
lays it out.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing._reportlab import (
    CondPageBreak,
    Flowable,
    HexColor,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from .. import __version__, engines, fonts
from ..background import prefetch
from ..charts import chart_style, draw_chart
from ..model import Area, Dataset, Indicator, format_number
from ..render.output import CanvasMaker, Composed, PdfMeta, canvas_maker
from ..render.output import render as render_output
from ..render.styles import LABEL_ROLE, run_in
from ._report_text import (
    BODY_LEADING,
    PRESET,
    CJKParagraph,
    PagePreset,
    Span,
    TextStyle,
    preset_for,
    type_area,
)
from .annotate import (
    QUALIFIER_WORD,
    STATUS_COLOR,
    STATUS_ORDER,
    STATUS_SHAPE,
    Annotation,
    FindingLike,
    GlossaryMarker,
    annotate,
    dataset_keywords,
    findings_by_indicator,
    formula_runs,
    relation_label,
    sentence,
    status_label,
)
from .reportdoc import (
    Centered,
    ChapterBreak,
    DocInfo,
    Elastic,
    Footnote,
    Grid,
    GridStyle,
    Heading,
    KeepStart,
    Noted,
    NumberedTable,
    PageLog,
    PageNumbers,
    PageRef,
    TocEntry,
    Xref,
    build_pdf,
    table_of,
)
from .request import Request

TYPE_WIDTH = type_area(1)[2]
CHART_WIDTH = 340.0  # points; charts are drawn at printed size, never scaled
NUMERALS = "一二三四五六七八九十"
GLOSS_MARK = "#1F4E79"
RULE = HexColor("#7F7F7F")
HEAD_BG = HexColor("#E8E8E8")

# Indicator table columns (points): 序号, 指标, 数字, 统计期, 出处. They add up to the type width;
# the label column holds 12 characters a line, the figure column the longest printed figure with
# its change, the period column 2024年1—11月 on one line. Notes go to the footnote.
INDICATOR_COLUMNS = (28.0, TYPE_WIDTH - 312.0, 140.0, 84.0, 60.0)
#: More findings than this on one figure: its footnote counts them and points to the chapter.
MAX_FINDINGS_IN_NOTE = 3


def numbered_table(
    rows: list[list[Any]],
    widths: Sequence[float],
    number: int,
    title: str,
    caption: TextStyle,
    *,
    header: bool = True,
) -> NumberedTable:
    """表`number` with its title in `caption` over the rows (cells set in the table roles).

    Cells are padded 3 pt left and right, 2.5 above and 3.5 below; heavy rules above and at the
    end, thin ones between rows, a shaded header row repeated on every page the table runs to.
    """
    style = GridStyle(between=(0.25, RULE), head_background=HEAD_BG if header else None)
    repeat = 1 if header else 0

    def make(rows: list[list[Any]]) -> Grid:
        return Grid(rows, widths, style, repeat)

    return NumberedTable(table_of(rows, make, repeat), number, title, caption)


def cover_table(rows: Sequence[tuple[str, str]], style: TextStyle) -> Table:
    """A cover's lines of label and value (发布机关, 数据指纹 …): two columns, centred, no rules."""
    data = [[CJKParagraph(k, style), CJKParagraph(v, style)] for k, v in rows]
    table = Table(data, colWidths=[90, 300], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (chapter numbers only go this far)."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


#: The report's names for roles of the one style table (`render.styles`).
STYLE_ALIASES = {
    "section": "h1",
    "subsection": "h2",
    "item_head": "h3",
    "prose": "body",
    "item": "body",
    "finding_head": "h3",
    "finding": "body",
}


def report_styles(preset: PagePreset = PRESET) -> dict[str, TextStyle]:
    """The GB/T 9704 style table, with the report's names for some of its roles."""
    base = dict(preset.styles)
    for alias, role in STYLE_ALIASES.items():
        base[alias] = replace(base[role], name=alias)
    # A formula is set ragged: justifying a line of unbreakable formulas would open its spaces.
    base["finding_calc"] = replace(base["body"], name="finding_calc", align="left")
    return base


class Composer:
    """Compose the report's story; the page numbers it quotes come from the layout (`xref`)."""

    def __init__(
        self,
        ds: Dataset,
        findings: Sequence[FindingLike],
        styles: dict[str, TextStyle],
        numbers: PageNumbers,
        charts: dict[str, list[Flowable]],
    ):
        self.ds = ds
        self.findings = tuple(findings)
        self.styles = styles
        self.numbers = numbers
        self.charts = charts
        self.marker = GlossaryMarker(ds.glossary)
        self.by_indicator = findings_by_indicator(self.findings)
        self.footnote_number = 0
        self.chapter_number = 0
        self.appendix_number = 0
        self.annotations: dict[str, Annotation] = {}
        self.figure_number = 0
        self.table_number = 0
        self.section_number = 0
        self.notes_by_text: dict[tuple[str, ...], Footnote] = {}
        self._checked: frozenset[str] | None = None
        for ind in ds.indicators:
            note = annotate(
                ind, self.by_indicator.get(ind.id, ()), max_findings=MAX_FINDINGS_IN_NOTE
            )
            if note is not None:
                self.annotations[ind.id] = note

    # -- what the report has ---------------------------------------------------------------

    def areas_with_figures(self) -> list[str]:
        return [a.id for a in self.ds.areas if self.ds.indicators_in(a.id)]

    def checked_ids(self) -> frozenset[str]:
        """The indicators some finding involves (asked once per indicator: computed once)."""
        if self._checked is None:
            self._checked = frozenset(i for f in self.findings for i in f.ids)
        return self._checked

    # -- small builders ------------------------------------------------------------------

    def p(self, content: str | Sequence[Span], style: str) -> CJKParagraph:
        return CJKParagraph(content, self.styles[style])

    def page(self, key: str) -> str:
        """The page `key` lands on, for text made inside `xref`."""
        page = self.numbers.page(key)
        return str(page) if page is not None else "00"

    def page_or_none(self, key: str) -> str | None:
        """Like `page`, None when `key` is nowhere in the document."""
        page = self.numbers.page(key)
        return None if page is None else str(page)

    def page_link(self, key: str, style: str) -> Flowable:
        """第N页, linked to `key` (inside `xref`)."""
        return self.p([Span(f"第{self.page(key)}页", link=key)], style)

    def xref(self, build: Callable[[], Flowable]) -> Flowable:
        """A flowable that quotes page numbers: `build` makes it when it is laid out."""
        return Xref(build, self.numbers)

    def marked(
        self, text: str, style: str, *, prefix: Sequence[Span] = (), **span: Any
    ) -> Flowable:
        """A paragraph whose glossary terms are marked (and linked) where they first occur."""
        spans = list(prefix)
        keys: list[str] = []
        for piece in self.marker.split(text):
            if piece.entry is None:
                spans.append(Span(piece.text, **span))
            else:
                key = f"glossuse-{piece.entry}"
                keys.append(key)
                target = f"gloss-{piece.entry}"
                spans.append(
                    Span(piece.text, **{**span, "color": GLOSS_MARK}, link=target, anchor=key)
                )
                spans.append(Span("※", superscript=True, color=GLOSS_MARK, link=target))
        para = self.p(spans, style)
        return Noted(para, keys=keys) if keys else para

    def chapter(
        self, title: str, key: str, *, appendix: bool = False, recto: bool = False
    ) -> list[Flowable]:
        if appendix:
            self.appendix_number += 1
            full = f"附录{chinese_number(self.appendix_number)}　{title}"
        else:
            self.chapter_number += 1
            full = f"第{chinese_number(self.chapter_number)}章　{title}"
        self.section_number = 0
        return [ChapterBreak(recto), Heading(self.p(full, "chapter"), level=0, title=full, key=key)]

    def section(
        self, title: str, key: str, *, in_toc: bool = True, lines: int = 5
    ) -> list[Flowable]:
        """A first-level heading (一、 in 黑体), kept with `lines` body lines of what follows."""
        self.section_number += 1
        full = f"{chinese_number(self.section_number)}、{title}"
        head = Heading(self.p(full, "section"), level=1, title=full, key=key, in_toc=in_toc)
        return [CondPageBreak(BODY_LEADING * lines), head]

    def subsection(self, number: int, title: str) -> list[Flowable]:
        """A second-level heading (（一） in 楷体), kept with three lines of what follows."""
        return [
            CondPageBreak(BODY_LEADING * 3),
            self.p(f"（{chinese_number(number)}）{title}", "subsection"),
        ]

    def table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        title: str,
        *,
        header: bool = True,
    ) -> NumberedTable:
        """A numbered table; it breaks between rows only (the loader's limits keep every row,
        the dictionary's longest note included, well within a page).
        """
        self.table_number += 1
        caption = self.styles["table_caption"]
        return numbered_table(rows, widths, self.table_number, title, caption, header=header)

    @staticmethod
    def headed(head: list[Flowable], blocks: list[Flowable]) -> list[Flowable]:
        """A heading kept on the page of the first block under it (one KeepTogether, not nested:
        ReportLab always finds a nested one too tall).
        """
        if not blocks:
            return head
        first = blocks[0]._content if isinstance(blocks[0], KeepTogether) else [blocks[0]]
        return [*head[:-1], KeepTogether([head[-1], *first]), *blocks[1:]]

    def head_row(self, labels: Sequence[str], style: str = "table_head") -> list[Any]:
        return [self.p(label, style) for label in labels]

    def footnote(self, note: Annotation) -> tuple[Footnote, bool]:
        """The footnote of an annotation, and whether it is new: an identical note already given
        in this chapter is referred to again rather than repeated.
        """
        key = tuple(p.text for p in note.parts)
        known = self.notes_by_text.get(key)
        if known is not None:
            return known, False
        self.footnote_number += 1
        fn = Footnote(self.footnote_number, note.parts)
        self.notes_by_text[key] = fn
        return fn, True

    def figure_spans(self, ind: Indicator, **span: Any) -> list[Span]:
        """A figure as printed, never broken across lines, with its change."""
        out = [Span(ind.printed, keep=True, **span)]
        if ind.change is not None:
            out.append(Span(f"（{ind.change.text}）", keep=True, **span))
        return out

    # -- the story -----------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        out += self.cover()
        out += self.contents()
        contents_end = len(out)
        out += self.summary()
        for area_id in self.areas_with_figures():
            out += self.area_chapter(area_id)
        if self.findings:
            out += self.verification()
        if self.ds.shortcomings or self.ds.plans:
            out += self.shortcomings_and_plans()
        if self.ds.glossary:
            out += self.glossary()
        out += self.dictionary()
        out += self.provenance()
        # The contents list the headings the story has made; their page numbers come later.
        out[contents_end:contents_end] = self.contents_entries(out[contents_end:])
        return out

    # cover -------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        m = self.ds.meta
        items: list[Flowable | float] = []
        top = [m.copy_number, m.classification, m.marking]
        # 份号, 密级 and markings in 3号 黑体 on the first lines (GB/T 9704).
        for line in (t for t in top if t):
            items.append(self.p(line, "cover_mark"))
        items.append(150.0 - 24 * sum(1 for t in top if t))
        # Break a long title after 年度 rather than wherever the line runs out.
        head, sep, tail = m.title.partition("年度")
        title_lines = [head + sep, tail] if sep and tail else [m.title]
        for line in title_lines:
            items.append(self.p(line, "cover_title"))
        items.append(10.0)
        items.append(self.p("（注释版）", "cover_sub"))
        items.append(70.0)
        rows = [
            ("发布机关", "、".join(m.issuers)),
            ("所属地区", f"{m.province}{m.city}{m.district}"),
            ("报告年度", f"{m.year}年"),
            ("报告日期", f"{m.date.year}年{m.date.month}月{m.date.day}日"),
            ("底本", m.source_document),
            ("数据文件", Path(self.ds.path).name),
            ("数据指纹", f"SHA-256 {self.ds.sha256[:16]}…"),
        ]
        items.append(cover_table(rows, self.styles["cover_meta"]))
        items.append(60.0)
        items.append(
            self.p(
                f"本注释版由 briefing {__version__} 依据上列数据文件生成。数字照录报告原文；"
                "注释、核对意见和图表为生成工具所加，不代表发布机关的表述。",
                "cover_foot",
            )
        )
        # Long titles and issuers take the room of the gaps, never more than the page.
        return [Elastic(items)]

    # contents ----------------------------------------------------------------------------

    def contents(self) -> list[Flowable]:
        """The contents' heading; `story` adds an entry for each heading that follows."""
        return [
            ChapterBreak(recto=True),
            Heading(self.p("目　录", "chapter"), level=0, title="目录", key="toc", in_toc=False),
        ]

    def contents_entries(self, story: Sequence[Flowable]) -> list[Flowable]:
        """One contents line per heading of `story`, in order (page numbers are drawn after
        layout).
        """
        out: list[Flowable] = []
        for f in headings_in(story):
            if f.in_toc:
                style = self.styles["toc0" if f.level == 0 else "toc1"]
                out.append(TocEntry(f.level, f.title, f.key, style))
        return out

    # summary -----------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        ds = self.ds
        out = self.chapter("概要", "ch-summary", recto=True)
        hedged = sum(1 for i in ds.indicators if i.qualifier != "exact")
        partial = sum(1 for i in ds.indicators if i.period.kind != "year")
        with_figures = self.areas_with_figures()
        out += self.section("关于本注释版", "sum-about")
        out.append(
            self.p(
                f"本文件以《{ds.meta.source_document}》为底本，把报告所载的"
                f"{len(ds.indicators)}项数字逐项列出，分属{len(with_figures)}个工作领域。"
                "每项数字都照报告原有的写法印出，并注明统计期和所在段落。",
                "prose",
            )
        )
        out.append(
            self.p(
                f"报告中有{hedged}项数字带有“余”“以上”等限定词，{partial}项数字的统计期不是完整年度；"
                + self.checked_sentence(),
                "prose",
            )
        )

        def reading() -> Flowable:
            glossary = (
                f"带“※”的词语在第{self.page('ch-glossary')}页的术语解释中有释义；"
                if ds.glossary
                else ""
            )
            return self.p(
                "阅读方法：各领域数字表中，带方括号序号（如[1]）的数字附有脚注，说明限定词的含义、统计期和核对结果，"
                "在电子版中指向该数字即可看到同样的内容；"
                f"{glossary}目录、脚注序号和页码引用均可点击跳转。",
                "prose",
            )

        out.append(self.xref(reading))
        if ds.headlines:
            head = self.section("重点数字", "sum-headlines")
            rows: list[list[Any]] = [
                self.head_row(["指标", "数字（原文）", "统计期", "出处", "详见"])
            ]
            for ind in ds.headlines:
                rows.append(
                    [
                        self.marked(ind.label, "table"),
                        self.p(self.figure_spans(ind, link=f"ind-{ind.id}"), "table_fig"),
                        self.p([Span(ind.period.text, keep=True)], "table"),
                        self.p(ind.source, "table"),
                        self.xref(functools.partial(self.page_link, f"ind-{ind.id}", "table")),
                    ]
                )
            # 详见 is wide enough for 第999页 on one line: its page is drawn after layout, in the
            # room the widest number takes.
            table = self.table(rows, (TYPE_WIDTH - 310.0, 110.0, 84.0, 58.0, 58.0), "重点数字")
            out += [head[0], KeepStart(head[1:], table), *head[1:], table]
        if ds.areas:
            out += self.section("各领域主要成效", "sum-achievements")
            for n, area in enumerate(ds.areas, 1):

                def achievement(n: int = n, area: Area = area) -> Flowable:
                    key = f"ch-area-{area.id}" if area.id in with_figures else None
                    where = (
                        f"（报告{area.source}，第{self.page(key)}页）"
                        if key
                        else f"（报告{area.source}）"
                    )
                    return self.marked(
                        sentence(area.achievement),
                        "item",
                        prefix=[
                            run_in(
                                f"（{chinese_number(n)}）{area.title}",
                                self.styles["subsection"],
                                link=key,
                            ),
                            Span(where, link=key),
                        ],
                    )

                out.append(self.xref(achievement))
        out += self.section("核对要点", "sum-findings")
        out.append(self.xref(lambda: self.p(self.findings_summary(), "prose")))
        notable = [f for f in self.findings if f.status in ("inconsistent", "cannot_tell")]
        for n, f in enumerate(self._ordered(notable), 1):
            out.append(
                self.p(
                    [
                        run_in(f"{n}．", self.styles["item_head"]),
                        run_in(
                            f"【{status_tag(f.status)}】",
                            self.styles["item_head"],
                            color=STATUS_COLOR.get(f.status),
                        ),
                        *[Span(t, keep=k) for t, k in formula_runs(f.message)],
                        Span("（"),
                        Span(self._places(f), link=f"finding-{f.relation_id}"),
                        Span("）。"),
                    ],
                    "item",
                )
            )
        out += self.section("不足与计划", "sum-plans")
        spans: list[Span] = []
        for what, items in (("不足", ds.shortcomings), ("下一步计划", ds.plans)):
            if items:
                spans.append(Span(f"报告所列{what}有{len(items)}方面："))
                spans.append(Span("；".join(i.title for i in items) + "。"))
            else:
                spans.append(Span(f"数据文件没有登记报告所列的{what}。"))
        if ds.shortcomings or ds.plans:
            out.append(
                self.xref(
                    lambda: self.p(
                        [*spans, Span(f"详见第{self.page('ch-plans')}页。", link="ch-plans")],
                        "prose",
                    )
                )
            )
        else:
            out.append(self.p(spans, "prose"))
        briefing_charts = [c for c in ds.charts if c.briefing and c.id in self.charts]
        if briefing_charts:
            blocks = [
                b
                for chart in briefing_charts
                for b in self.chart_block(chart.id, chart.title, chart.note)
            ]
            out += self.headed(self.section("概览图表", "sum-charts"), blocks)
        return out

    def checked_sentence(self) -> str:
        """What was checked and what was not, in one clause (no relation is not no problem)."""
        if not self.findings:
            return (
                "数据文件没有登记数字之间的关联，因此本注释版没有核对任何数字——这不表示数字没有"
                "问题。"
            )
        unchecked = sum(1 for i in self.ds.indicators if i.id not in self.checked_ids())
        rest = (
            f"其余{unchecked}项数字没有登记关联，未经核对"
            if unchecked
            else "每项数字都至少参与一处核对"
        )
        return f"数据文件登记的{len(self.findings)}处关联已逐一核算，结果是{self.tally()}；{rest}。"

    def findings_summary(self) -> str:
        if not self.findings:
            return (
                "数据文件没有登记数字之间的关联（比率、合计、前后一致等），所以没有做任何核对。"
                "没有核对不等于没有问题：登记关联后重新生成，本节才会给出核对结果。"
            )
        notable = [f for f in self.findings if f.status in ("inconsistent", "cannot_tell")]
        counts = sum(1 for f in self.findings if f.status == "consistent")
        unchecked = sum(1 for i in self.ds.indicators if i.id not in self.checked_ids())
        head = f"共核算{len(self.findings)}处关联，{counts}处{status_label('consistent')}。"
        tail = f"另有{unchecked}项数字没有登记关联，未经核对。" if unchecked else ""
        if notable:
            return (
                head
                + tail
                + f"需要留意的有以下{len(notable)}处，详细算式见第{self.page('ch-verify')}页："
            )
        return (
            head
            + (
                f"已核对的关联中没有{status_label('inconsistent')}或"
                f"{status_label('cannot_tell')}的情况。"
            )
            + tail
        )

    def tally(self) -> str:
        """The findings counted by status, 不一致3处，推算1处，一致10处 (statuses with none left
        out).
        """
        parts = []
        for s in STATUS_ORDER:
            n = sum(1 for f in self.findings if f.status == s)
            if n:
                parts.append(f"{status_label(s)}{n}处")
        return "，".join(parts) or "没有可核对的关联"

    def _ordered(self, findings: Sequence[FindingLike]) -> list[FindingLike]:
        return sorted(
            findings, key=lambda f: STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 9
        )

    def _places(self, f: FindingLike) -> str:
        sources = dict.fromkeys(
            self.ds.indicator(i).source for i in f.ids if self.ds.has_indicator(i)
        )
        return "报告" + "、".join(sources)

    def chart_block(self, chart_id: str, title: str, note: str | None) -> list[Flowable]:
        """A chart with its numbered caption (图N, below the drawing, as Chinese reports place it);
        a chart too tall for a page comes in panels, each captioned with its part.
        """
        self.figure_number += 1
        key = f"fig-{chart_id}"
        panels = self.charts[chart_id]
        out: list[Flowable] = []
        for k, drawing in enumerate(panels, 1):
            part = f"（{k}/{len(panels)}）" if len(panels) > 1 else ""
            parts: list[Flowable] = [Spacer(1, 6)]
            if k == 1:
                parts.append(PageRef(key))
            parts += [
                drawing,
                self.p(
                    [
                        Span(f"图{self.figure_number}", role=LABEL_ROLE, keep=True),
                        Span("\u3000" + title + part),
                    ],
                    "caption",
                ),
            ]
            if note and k == len(panels):
                parts.append(self.p(note, "chart_note"))
            out.append(KeepTogether(parts))
        return out

    # area chapters -----------------------------------------------------------------------

    def area_chapter(self, area_id: str) -> list[Flowable]:
        ds = self.ds
        area = ds.area(area_id)
        indicators = ds.indicators_in(area_id)
        self.notes_by_text = {}
        out = self.chapter(area.title, f"ch-area-{area_id}")
        out += self.section("概述", f"area-{area_id}-summary", in_toc=False)
        out.append(
            self.p(
                f"本章对应报告{area.source}，收录该段所载数字{len(indicators)}项。",
                "prose",
            )
        )
        out.append(self.marked(area.summary, "prose"))
        out.append(self.marked(sentence(f"主要成效：{area.achievement}"), "prose"))
        head = self.section("数字一览", f"area-{area_id}-table", in_toc=False) + self.reading_hint(
            indicators
        )
        table = self.indicator_table(indicators, f"{area.title}数字一览")
        out += [head[0], KeepStart(head[1:], table), *head[1:], table]
        charts = [c for c in ds.charts if c.area == area_id and c.id in self.charts]
        if charts:
            blocks = [
                b for chart in charts for b in self.chart_block(chart.id, chart.title, chart.note)
            ]
            out += self.headed(self.section("图表", f"area-{area_id}-charts", in_toc=False), blocks)
        return out

    def reading_hint(self, indicators: Sequence[Indicator]) -> list[Flowable]:
        hedged = [i for i in indicators if i.qualifier != "exact"]
        partial = [i for i in indicators if i.period.kind != "year"]
        flagged = {
            f.relation_id: f
            for i in indicators
            for f in self.by_indicator.get(i.id, ())
            if f.status in ("inconsistent", "cannot_tell")
        }
        checked = self.checked_ids()
        unchecked = [i for i in indicators if i.id not in checked]
        bits = []
        if hedged:
            words = "、".join(dict.fromkeys(f"“{QUALIFIER_WORD[i.qualifier]}”" for i in hedged))
            bits.append(f"{len(hedged)}项数字带限定词{words}，只给出了下限或大致范围")
        if partial:
            bits.append(f"{len(partial)}项数字的统计期不是完整年度")
        if flagged:
            bits.append(
                f"{len(flagged)}处核对结果为{status_label('inconsistent')}或{status_label('cannot_tell')}"
            )
        if unchecked:
            bits.append(f"{len(unchecked)}项数字没有登记关联，未经核对")
        if not bits:
            text = (
                "本领域的数字均为全年确数，每项都经过核对且未发现问题；表中注明了每项数字的出处。"
            )
        else:
            text = (
                "表中"
                + "；".join(bits)
                + "。限定词、统计期和核对结果都在对应数字的脚注中逐项说明。"
            )
        return [self.p(text, "prose")]

    def indicator_table(self, indicators: Sequence[Indicator], title: str) -> NumberedTable:
        rows: list[list[Any]] = [self.head_row(["序号", "指标", "数字（原文）", "统计期", "出处"])]
        for n, ind in enumerate(indicators, 1):
            label = Noted(self.marked(ind.label, "table"), anchors=[f"ind-{ind.id}"])
            figure = self.figure_spans(ind)
            notes: list[Footnote] = []
            ann = self.annotations.get(ind.id)
            if ann is not None:
                fn, new = self.footnote(ann)
                notes.append(fn)
                figure.append(
                    Span(
                        fn.marker,
                        superscript=True,
                        link=fn.key,
                        anchor=fn.ref_key if new else None,
                        keep=True,
                    )
                )
            rows.append(
                [
                    self.p(str(n), "table"),
                    label,
                    Noted(
                        self.p(figure, "table_fig"),
                        footnotes=notes,
                        note=notes[0].text if notes else None,
                    ),
                    self.p([Span(ind.period.text, keep=True)], "table"),
                    self.p(ind.source, "table"),
                ]
            )
        return self.table(rows, INDICATOR_COLUMNS, title)

    # verification ------------------------------------------------------------------------

    def verification(self) -> list[Flowable]:
        out = self.chapter("数字核对", "ch-verify")
        out += self.section("核对方法", "verify-method")
        out.append(
            self.p(
                "报告中的许多数字彼此相关：比率由分子和分母算出，分项之和应等于合计，"
                "同一件事在不同段落出现时数字应当相同。本章把数据文件中登记的每一处这类关联都核算一遍；"
                "没有登记关联的数字不在核对之列。",
                "prose",
            )
        )
        out.append(
            self.p(
                "印出来的数字经过四舍五入，又常带“余”“以上”之类的限定词，所以核对时把每个数字看作"
                f"它可能代表的一段取值范围，只有在范围内怎么取值都对不上时才判为{status_label('inconsistent')}。",
                "prose",
            )
        )
        rows: list[list[Any]] = [self.head_row(["结论", "含义"])]
        meanings = {
            "inconsistent": "按报告所印数字，无论怎样取整都无法同时成立。",
            "cannot_tell": "报告缺少必要的数字（如上年基数），无法下结论。",
            "derived": "报告未直接给出的数，由其他数字推算得出，供参考。",
            "consistent": "在印刷精度和限定词允许的范围内相互吻合。",
        }
        for s in STATUS_ORDER:
            rows.append(
                [
                    self.p([Span(status_tag(s), color=STATUS_COLOR[s])], "table_fig"),
                    self.p(meanings[s], "table"),
                ]
            )
        out.append(self.table(rows, (80.0, TYPE_WIDTH - 80.0), "核对结论的含义"))
        out += self.section("核对结果", "verify-results")
        unchecked = sum(1 for i in self.ds.indicators if i.id not in self.checked_ids())
        rest = f"另有{unchecked}项数字没有登记关联，未经核对。" if unchecked else ""
        out.append(
            self.p(
                f"共核算{len(self.findings)}处关联：{self.tally()}。{rest}按结论分列如下。", "prose"
            )
        )
        n = 0
        for k, status in enumerate(
            (s for s in STATUS_ORDER if any(f.status == s for f in self.findings)), 1
        ):
            group = [f for f in self.findings if f.status == status]
            head = self.subsection(k, f"{status_tag(status)}（{len(group)}处）")
            for j, f in enumerate(group):
                n += 1
                # The group's heading never stands alone at the foot of a page: it goes with its
                # first finding's heading and first lines (its CondPageBreak gives way to that).
                out += self.finding_block(n, f, head[1:] if j == 0 else [])
        return out

    def finding_block(
        self, n: int, f: FindingLike, lead: Sequence[Flowable] = ()
    ) -> list[Flowable]:
        """One finding: its heading (after `lead`, the group's heading if it opens the group),
        explanation, formula, the figures involved, a note and where it is registered.
        """
        key = f"finding-{f.relation_id}"
        parts: list[Flowable] = [
            self.p(
                [
                    Span(f"{n}．", keep=True),
                    Span(
                        f"【{status_tag(f.status)}】", color=STATUS_COLOR.get(f.status), keep=True
                    ),
                    Span(f"{relation_label(f.kind)}　"),
                    Span(f.relation_id, keep=True),
                ],
                "finding_head",
            ),
            self.p([Span(t, keep=k) for t, k in formula_runs(sentence(f.message))], "finding"),
            self.p(formula_spans("算式：", f.computation or "（无）"), "finding_calc"),
        ]

        def involved() -> Flowable:
            spans: list[Span] = [Span("涉及：")]
            for k, ident in enumerate(dict.fromkeys(f.ids)):
                if not self.ds.has_indicator(ident):
                    continue
                ind = self.ds.indicator(ident)
                if k:
                    spans.append(Span("；"))
                target = f"ind-{ident}"
                spans.append(Span(f"{ind.label}", link=target))
                spans += self.figure_spans(ind, link=target)
                spans.append(Span(f"（{ind.source}，第{self.page(target)}页）", link=target))
            spans.append(Span("。"))
            return self.p(spans, "finding")

        parts.append(self.xref(involved))
        relation = next((r for r in self.ds.relations if r.id == f.relation_id), None)
        if relation is not None and relation.note:
            parts.append(self.p(f"说明：{relation.note}", "finding"))
        location = getattr(f, "location", None)
        if location is not None:
            parts.append(
                self.p(
                    f"登记位置：数据文件{Path(location.file).name}第{location.line}行。",
                    "finding",
                )
            )
        # The heading stays with the explanation's first lines (all of a short one); the rest
        # runs on as a typesetter would set it, rather than holding the finding whole and
        # leaving the foot of the page empty.
        return [KeepStart([*lead, parts[0]], parts[1]), *lead, PageRef(key), *parts]

    # shortcomings, plans, glossary -------------------------------------------------------

    def shortcomings_and_plans(self) -> list[Flowable]:
        out = self.chapter("存在的不足和下一步计划", "ch-plans")
        for title, what, key, items in (
            ("存在的不足", "不足", "plans-shortcomings", self.ds.shortcomings),
            ("下一步计划", "下一步计划", "plans-plans", self.ds.plans),
        ):
            if not items:
                continue
            out += self.section(title, key)
            out.append(self.p(f"报告列出{len(items)}方面的{what}，概括如下。", "prose"))
            for n, item in enumerate(items, 1):
                out.append(self.item(n, item.title, item.source, item.summary))
        return out

    def item(self, n: int, title: str, source: str, summary: str) -> Flowable:
        """A run-in item: （一）title in 楷体, where it is in the report, then its summary."""
        return self.marked(
            sentence(summary),
            "item",
            prefix=[
                run_in(f"（{chinese_number(n)}）{title}。", self.styles["subsection"]),
                Span(f"（报告{source}）"),
            ],
        )

    def glossary(self) -> list[Flowable]:
        out = self.chapter("术语解释", "ch-glossary")
        out.append(
            self.p(
                "以下词语在正文第一次出现时标有“※”并可点击跳转到这里；每条释义后注明首次出现的页码。",
                "prose",
            )
        )
        for index, entry in enumerate(self.ds.glossary):
            head = [
                run_in(
                    f"{index + 1}．{entry.term}", self.styles["item_head"], anchor=f"gloss-{index}"
                )
            ]
            if entry.aliases:
                head.append(Span(f"（又作{'、'.join(entry.aliases)}）"))
            head.append(Span("："))

            def definition(
                use: str = f"glossuse-{index}",
                text: str = entry.definition,
                head: list[Span] = head,
            ) -> Flowable:
                page = self.page_or_none(use)
                where = Span(f"首见第{page}页", link=use) if page else Span("正文未出现")
                return self.p([*head, Span(text.rstrip("。") + "（"), where, Span("）。")], "item")

            out.append(self.xref(definition))
        return out

    # appendices --------------------------------------------------------------------------

    def dictionary(self) -> list[Flowable]:
        out = self.chapter("数据字典", "ch-dictionary", appendix=True)
        out.append(
            self.p(
                "下表列出数据文件中每一项数字的全部字段。编号是数据文件内的标识；“原文”是按字段拼出的印刷形式，"
                "应与报告一字不差；类型（count件数、rate比率、change同比变化）、限定词（exact确数、more_than余、"
                "at_least以上、approx约）和统计期照数据文件的写法列出；出处后的括号内是领域编号；第一栏末行是该项在数据文件中的行号。",
                "prose",
            )
        )
        widths = (138.0, 112.0, 112.0, TYPE_WIDTH - 362.0)
        rows: list[list[Any]] = [
            self.head_row(["编号与名称", "原文与数值", "类型、统计期与出处", "其他"], "small_head")
        ]
        for ind in self.ds.indicators:
            line = f"第{ind.location.line}行" if ind.location else "行号不详"
            other = [("重点", "是" if ind.headline else "否")]
            if ind.change is not None:
                other.append(("同比", ind.change.text))
            if ind.prior is not None:
                other.append(("上年", f"{ind.prior:g}"))
            if ind.note:
                other.append(("备注", ind.note))
            rows.append(
                [
                    [
                        self.p([Span(ind.id, role=LABEL_ROLE)], "small"),
                        self.p(ind.label, "small"),
                        self.p(f"数据文件{line}", "small"),
                    ],
                    self.kv(
                        ("原文", ind.printed_with_change),
                        (
                            "数值",
                            f"{format_number(ind.value, ind.decimals)}（{ind.decimals}位小数）",
                        ),
                        ("单位", ind.unit),
                    ),
                    self.kv(
                        ("类型", f"{ind.kind}，{ind.qualifier}"),
                        ("统计期", ind.period.code),
                        ("出处", f"{ind.source}（{ind.area}）"),
                    ),
                    self.kv(*other),
                ]
            )
        out.append(self.table(rows, widths, "数字的全部字段"))
        return out

    def kv(self, *pairs: tuple[str, str]) -> list[Flowable]:
        return [self.p([Span(f"{k}：", role=LABEL_ROLE), Span(v)], "small") for k, v in pairs]

    def provenance(self) -> list[Flowable]:
        ds = self.ds
        out = self.chapter("数据来源与生成信息", "ch-provenance", appendix=True)
        out.append(
            self.p(
                "同一数据文件、同一版本的生成工具和同一套字体，总是生成逐字节相同的文件；"
                "下列信息足以核实手中的注释版由哪份数据生成。",
                "prose",
            )
        )
        rows = [
            ("数据文件", Path(ds.path).name),
            ("SHA-256", " ".join(ds.sha256[i : i + 16] for i in range(0, len(ds.sha256), 16))),
            ("底本", ds.meta.source_document),
            ("发布机关", "、".join(ds.meta.issuers)),
            ("文件日期", f"{ds.meta.date.year}年{ds.meta.date.month}月{ds.meta.date.day}日"),
            (
                "内容",
                f"数字{len(ds.indicators)}项，关联{len(ds.relations)}处，图表{len(ds.charts)}幅，术语{len(ds.glossary)}条",
            ),
            ("生成工具", f"briefing {__version__}"),
            ("排版引擎", engines.describe()),
        ]
        table: list[list[Any]] = [self.head_row(["项目", "内容"])]
        table += [[self.p(k, "table_fig"), self.p(v, "table")] for k, v in rows]
        out.append(self.table(table, (80.0, TYPE_WIDTH - 80.0), "生成信息"))
        font_rows: list[list[Any]] = [self.head_row(["用途", "字体", "版本", "许可"])]
        for role, name, version, licence in font_inventory():
            font_rows.append([self.p(x, "table") for x in (role, name, version, licence)])
        out.append(
            self.table(font_rows, (60.0, 100.0, 170.0, TYPE_WIDTH - 330.0), "本文件使用的字体")
        )
        return out


def status_tag(status: str) -> str:
    """A status in words with a shape, so it reads the same in grayscale: ✗不符, ?无法判断 …"""
    return f"{STATUS_SHAPE.get(status, '')}{status_label(status)}"


def formula_spans(head: str, computation: str) -> list[Span]:
    """A computation set so that each formula in it never breaks across lines."""
    return [Span(head), *(Span(t, keep=k) for t, k in formula_runs(computation))]


def headings_in(story: Sequence[Flowable]) -> list[Heading]:
    """The headings of a story in order, also those kept together with what follows them."""
    found: list[Heading] = []
    for f in story:
        if isinstance(f, Heading):
            found.append(f)
        elif isinstance(f, KeepTogether):
            found += headings_in(f._content)
    return found


def font_inventory() -> list[tuple[str, str, str, str]]:
    """(role, face, version, licence) of each face the report uses, read from
    fonts/manifest.json.
    """
    roles = [
        ("标题、数字", "sans", False),
        ("加粗标题", "sans", True),
        ("正文", "serif", False),
        ("注释", "kai", False),
    ]
    entries: dict[str, dict[str, Any]] = {}
    try:
        manifest = json.loads((fonts.fonts_dir() / "manifest.json").read_text(encoding="utf-8"))
        entries = {str(e.get("file")): e for e in manifest.get("fonts", [])}
    except (OSError, ValueError):
        pass
    out = []
    for label, role, bold in roles:
        face = fonts.face_for(role, bold)
        entry = entries.get(fonts.FILES.get(face, ""), {})
        source = entry.get("source", {})
        version = (
            (
                f"{source.get('family', '')}（{source.get('package', '')} "
                f"{source.get('package_version', '')}）"
            )
            if source
            else "清单中无记录"
        )
        licence = (
            str(entry.get("licence", "清单中无记录")).removeprefix("LICENSE-").removesuffix(".txt")
        )
        if licence.endswith("-OFL"):
            licence = "SIL Open Font License 1.1（" + licence.removesuffix("-OFL") + "）"
        out.append((label, face, version, licence))
    return out


def document_info(ds: Dataset) -> DocInfo:
    """The report's title, author, subject, keywords and running title."""
    return DocInfo(
        title=f"{ds.meta.title}（注释版）",
        author="、".join(ds.meta.issuers),
        subject=f"{ds.meta.district}{ds.meta.year}年度法治政府建设工作报告的注释版：数字、出处、注释与核对",
        keywords=dataset_keywords(ds),
        creator=f"briefing {__version__}",
        running_title=f"{ds.meta.title}（注释版）",
    )


def chart_flowables(ds: Dataset, preset: PagePreset = PRESET) -> dict[str, list[Flowable]]:
    """Chart drawings by id, made once per report (every layout pass reuses them).

    A chart taller than half a page is drawn in panels of as many bars as fit half a page, each
    a chart of its own with the same scale rules, so a long chart never overflows a page.
    """
    style = chart_style("normal", label_pt=preset.styles["chart_label"].size_pt)
    limit = preset.text_height_mm * 72 / 25.4 * 0.5
    out: dict[str, list[Flowable]] = {}
    for c in ds.charts:
        drawing = draw_chart(ds, c, width_pt=CHART_WIDTH, style=style)
        if drawing.height <= limit or len(c.indicators) < 2:
            out[c.id] = [Centered(drawing)]
            continue
        per = max(1, int(len(c.indicators) * limit / drawing.height))
        chunks = [c.indicators[k : k + per] for k in range(0, len(c.indicators), per)]
        out[c.id] = [
            Centered(
                draw_chart(ds, replace(c, indicators=chunk), width_pt=CHART_WIDTH, style=style)
            )
            for chunk in chunks
        ]
    return out


def pdf_meta(ds: Dataset) -> PdfMeta:
    """The report's PDF metadata (document info and XMP)."""
    info = document_info(ds)
    return PdfMeta(info.title, info.author, info.subject, info.keywords, ds.meta.date)


def build_report(
    dataset: Dataset,
    findings: Sequence[FindingLike],
    make_canvas: CanvasMaker | None = None,
    *,
    binding: str = "duplex",
) -> tuple[bytes, PageLog]:
    """Compose and lay out the annotated report; return PDF bytes and where everything landed.

    `binding` is "duplex" (mirrored margins, chapters that need it open on a right-hand page) or
    "single" (one-sided: same margins on every page, never a blank page).
    """
    fonts.register_reportlab()
    preset = preset_for(binding)
    styles = report_styles(preset)
    info = document_info(dataset)
    charts = chart_flowables(dataset, preset)
    prefetch(f for drawings in charts.values() for f in drawings)

    def make_story(numbers: PageNumbers) -> list[Flowable]:
        return Composer(dataset, findings, styles, numbers, charts).story()

    return build_pdf(
        make_story,
        info,
        styles,
        make_canvas or canvas_maker(pdf_meta(dataset)),
        preset,
        texts=dataset.texts,
        source=dataset.path,
    )


def compose(request: Request) -> Composed:
    """The registry's compose function: the report is laid out when the output step draws it."""
    dataset, findings = request.dataset, request.dataset_findings
    binding = request.options.get("binding", "duplex")

    def draw(make_canvas: CanvasMaker) -> tuple[bytes, int]:
        data, log = build_report(dataset, findings, make_canvas, binding=binding)
        return data, log.page_count

    return Composed(pdf_meta(dataset), draw)


def render_report(
    dataset: Dataset, findings: Sequence[FindingLike], *, pdfa: bool = True, binding: str = "duplex"
) -> tuple[bytes, int]:
    """The annotated report as PDF bytes and its page count, through the one output step."""
    request = Request.one(dataset, findings, PRESET, options={"binding": binding})
    return render_output(compose(request), archival=pdfa)
