"""Turn a validated Dataset and its verification Findings into the annotated report: PDF bytes and page count.

The report is for reviewers and for the staff who drafted the original: every figure with the
words it was printed in, its period and section, what its hedge words commit to, and whether it
agrees with the figures it is related to. Chapters: cover, contents, a summary, one chapter per
work area (summary, indicator table with same-page footnotes, charts), verification, shortcomings
and plans, glossary, and two appendices (data dictionary, provenance). All text is set by the
typesetting layer; this module decides what is said and in which order, `reportdoc` lays it out.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import Spacer, Table, TableStyle
from reportlab.platypus.flowables import CondPageBreak, Flowable, KeepTogether

from .. import __version__, fonts
from ..charts import chart_style, draw_chart
from ..model import Area, Dataset, Indicator
from ..render.output import CanvasMaker, Composed, PdfMeta, canvas_maker
from ..render.output import render as render_output
from ._report_text import (
    BODY_LEADING,
    BODY_SIZE,
    BODY_TRACKING,
    PRESET,
    CJKParagraph,
    Span,
    TextStyle,
    make_stylesheet,
    type_area,
)
from .annotate import (
    QUALIFIER_WORD,
    STATUS_COLOR,
    STATUS_ORDER,
    Annotation,
    FindingLike,
    GlossaryMarker,
    annotate,
    dataset_keywords,
    findings_by_indicator,
    relation_label,
    sentence,
    status_label,
)
from .reportdoc import (
    Centered,
    ChapterBreak,
    DocInfo,
    Footnote,
    Heading,
    Noted,
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
CHART_LABEL_PT = 9.5
NUMERALS = "一二三四五六七八九十"
GLOSS_MARK = "#1F4E79"
RULE = HexColor("#7F7F7F")
HEAD_BG = HexColor("#E8E8E8")

# Indicator table columns (points): 序号, 指标, 数字, 统计期, 出处, 说明. They add up to the type
# width; the figure column is wide enough for the longest printed figure with its change.
INDICATOR_COLUMNS = (28.0, 120.0, 104.0, 66.0, 58.0, TYPE_WIDTH - 376.0)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (chapter numbers only go this far)."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


def report_styles() -> dict[str, TextStyle]:
    """The GB/T 9704 stylesheet plus the report's smaller sizes for tables, notes and apparatus."""
    base = dict(make_stylesheet(BODY_SIZE, BODY_LEADING, BODY_TRACKING))
    body = base["body"]

    def mk(name: str, role: str, size: float, leading: float, **kw: Any) -> TextStyle:
        kw.setdefault("first_indent_em", 0.0)
        return replace(body, name=name, role=role, size_pt=size, leading_pt=leading, **kw)  # type: ignore[arg-type]

    extra = {
        "chapter": mk("chapter", "sans", 22, 36, align="center", space_after_pt=BODY_LEADING * 0.5, bold=True),
        "section": replace(base["h2"], space_before_pt=BODY_LEADING * 0.5, keep_with_next=False),
        "prose": replace(body),
        "item_head": mk("item_head", "sans", 14, 24, align="left", space_before_pt=8),
        "item": mk("item", "serif", 14, 24, first_indent_em=2.0),
        "table": mk("table", "serif", 10.5, 15, align="left"),
        "table_head": mk("table_head", "sans", 10.5, 15, align="center"),
        "table_fig": mk("table_fig", "sans", 10.5, 15, align="left"),
        "small": mk("small", "serif", 9, 13, align="left"),
        "small_head": mk("small_head", "sans", 9, 13, align="center"),
        "footnote": mk("footnote", "kai", 9.5, 13.5),
        "header": mk("header", "kai", 10.5, 14, align="left"),
        "toc0": mk("toc0", "sans", 14, 22, align="left", space_before_pt=6),
        "toc1": mk("toc1", "serif", 12, 19, align="left"),
        "caption": mk("caption", "sans", 10.5, 15, align="center", space_before_pt=6, space_after_pt=4),
        "chart_note": mk("chart_note", "kai", 10.5, 15, align="center", space_after_pt=8),
        "cover_mark": mk("cover_mark", "sans", 16, 24, align="left"),
        "cover_title": mk("cover_title", "sans", 26, 40, align="center", bold=True),
        "cover_sub": mk("cover_sub", "kai", 18, 30, align="center"),
        "cover_meta": mk("cover_meta", "serif", 13, 22, align="left"),
        "cover_foot": mk("cover_foot", "kai", 10.5, 16, align="left"),
        "finding_head": mk("finding_head", "sans", 12, 19, align="left", space_before_pt=10),
        "finding": mk("finding", "serif", 12, 19, align="justify"),
        "finding_calc": mk("finding_calc", "kai", 12, 19, align="left"),
    }
    base.update(extra)
    return base


class Composer:
    """Compose the report's story; the page numbers it quotes come from the layout (`xref`)."""

    def __init__(
        self,
        ds: Dataset,
        findings: Sequence[FindingLike],
        styles: dict[str, TextStyle],
        numbers: PageNumbers,
        charts: dict[str, Flowable],
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
        self.section_number = 0
        for ind in ds.indicators:
            note = annotate(ind, self.by_indicator.get(ind.id, ()))
            if note is not None:
                self.annotations[ind.id] = note

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

    def marked(self, text: str, style: str, *, prefix: Sequence[Span] = (), **span: Any) -> Flowable:
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
                spans.append(Span(piece.text, **{**span, "color": GLOSS_MARK}, link=target, anchor=key))
                spans.append(Span("※", superscript=True, color=GLOSS_MARK, link=target))
        para = self.p(spans, style)
        return Noted(para, keys=keys) if keys else para

    def chapter(self, title: str, key: str, *, appendix: bool = False) -> list[Flowable]:
        if appendix:
            self.appendix_number += 1
            full = f"附录{chinese_number(self.appendix_number)}　{title}"
        else:
            self.chapter_number += 1
            full = f"{chinese_number(self.chapter_number)}、{title}"
        self.section_number = 0
        return [ChapterBreak(), Heading(self.p(full, "chapter"), level=0, title=full, key=key)]

    def section(self, title: str, key: str) -> list[Flowable]:
        self.section_number += 1
        full = f"（{chinese_number(self.section_number)}）{title}"
        head = Heading(self.p(full, "section"), level=1, title=full, key=key)
        return [CondPageBreak(BODY_LEADING * 5), head]

    def table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        *,
        header: bool = True,
        zebra: bool = False,
    ) -> Flowable:
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), fonts.face_for("serif"), 10.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LINEABOVE", (0, 0), (-1, 0), 1.0, HexColor("#000000")),
            ("LINEBELOW", (0, -1), (-1, -1), 1.0, HexColor("#000000")),
            ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
        ]
        if header:
            commands += [
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, HexColor("#000000")),
            ]

        def make(rows: list[list[Any]]) -> Table:
            t = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
            t.setStyle(TableStyle(commands))
            return t

        return table_of(rows, make, 1 if header else 0)

    def head_row(self, labels: Sequence[str], style: str = "table_head") -> list[Any]:
        return [self.p(label, style) for label in labels]

    def footnote(self, note: Annotation) -> Footnote:
        self.footnote_number += 1
        return Footnote(self.footnote_number, note.parts)

    # -- the story -----------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        out += self.cover()
        out += self.contents()
        contents_end = len(out)
        out += self.summary()
        for area in self.ds.areas:
            out += self.area_chapter(area.id)
        out += self.verification()
        out += self.shortcomings_and_plans()
        out += self.glossary()
        out += self.dictionary()
        out += self.provenance()
        # The contents list the headings the story has made; their page numbers come later.
        out[contents_end:contents_end] = self.contents_entries(out[contents_end:])
        return out

    # cover -------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        m = self.ds.meta
        out: list[Flowable] = []
        top = [m.copy_number, m.classification, m.marking]
        for line in (t for t in top if t):
            out.append(self.p(line, "cover_mark"))
        # 份号, 密级 and markings in 3号 黑体 on the first lines (GB/T 9704).
        out.append(Spacer(1, 150 - 24 * sum(1 for t in top if t)))
        # Break a long title after 年度 rather than wherever the line runs out.
        head, sep, tail = m.title.partition("年度")
        title_lines = [head + sep, tail] if sep and tail else [m.title]
        for line in title_lines:
            out.append(self.p(line, "cover_title"))
        out.append(Spacer(1, 10))
        out.append(self.p("（注释版）", "cover_sub"))
        out.append(Spacer(1, 70))
        rows = [
            ("发布机关", "、".join(m.issuers)),
            ("所属地区", f"{m.province}{m.city}{m.district}"),
            ("报告年度", f"{m.year}年"),
            ("报告日期", f"{m.date.year}年{m.date.month}月{m.date.day}日"),
            ("底本", m.source_document),
            ("数据文件", os.path.basename(self.ds.path)),
            ("数据指纹", f"SHA-256 {self.ds.sha256[:16]}…"),
        ]
        data = [[self.p(k, "cover_meta"), self.p(v, "cover_meta")] for k, v in rows]
        t = Table(data, colWidths=[90, 300], hAlign="CENTER")
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), fonts.face_for("serif"), 13),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        out.append(t)
        out.append(Spacer(1, 60))
        out.append(
            self.p(
                f"本注释版由 briefing {__version__} 依据上列数据文件生成。数字照录报告原文；"
                "注释、核对意见和图表为生成工具所加，不代表发布机关的表述。",
                "cover_foot",
            )
        )
        return out

    # contents ----------------------------------------------------------------------------

    def contents(self) -> list[Flowable]:
        """The contents' heading; `story` adds an entry for each heading that follows."""
        return [
            ChapterBreak(),
            Heading(self.p("目　录", "chapter"), level=0, title="目录", key="toc", in_toc=False),
        ]

    def contents_entries(self, story: Sequence[Flowable]) -> list[Flowable]:
        """One contents line per heading of `story`, in order (page numbers are drawn after layout)."""
        out: list[Flowable] = []
        for f in headings_in(story):
            if f.in_toc:
                style = self.styles["toc0" if f.level == 0 else "toc1"]
                out.append(TocEntry(f.level, f.title, f.key, style))
        return out

    # summary -----------------------------------------------------------------------------

    def summary(self) -> list[Flowable]:
        ds = self.ds
        out = self.chapter("概要", "ch-summary")
        counts = {s: sum(1 for f in self.findings if f.status == s) for s in STATUS_ORDER}
        hedged = sum(1 for i in ds.indicators if i.qualifier != "exact")
        partial = sum(1 for i in ds.indicators if i.period.kind != "year")
        out += self.section("关于本注释版", "sum-about")
        out.append(
            self.p(
                f"本文件以《{ds.meta.source_document}》为底本，把报告第一部分所载的"
                f"{len(ds.indicators)}项数字逐项列出，分属{len(ds.areas)}个工作领域。"
                "每项数字都照报告原有的写法印出，并注明统计期和所在段落。",
                "prose",
            )
        )
        out.append(
            self.p(
                f"报告中有{hedged}项数字带有“余”“以上”等限定词，{partial}项数字的统计期不是完整年度；"
                f"数字之间的{len(self.findings)}处关联已逐一核算，结果是{self.tally()}。",
                "prose",
            )
        )
        def reading() -> Flowable:
            glossary = (
                f"带“※”的词语在第{self.page('ch-glossary')}页的术语解释中有释义；" if ds.glossary else ""
            )
            return self.p(
                "阅读方法：各领域数字表中，右上角带序号的数字附有脚注，说明限定词的含义、统计期和核对结果，"
                "在电子版中点击页边的注释图标可看到同样的内容；"
                f"{glossary}目录、脚注序号和页码引用均可点击跳转。",
                "prose",
            )

        out.append(self.xref(reading))
        out += self.section("重点数字", "sum-headlines")
        rows: list[list[Any]] = [self.head_row(["指标", "数字（原文）", "统计期", "出处", "详见"])]
        for ind in ds.headlines:
            rows.append(
                [
                    self.marked(ind.label, "table"),
                    self.p([Span(ind.printed_with_change, link=f"ind-{ind.id}")], "table_fig"),
                    self.p(ind.period.text, "table"),
                    self.p(ind.source, "table"),
                    self.xref(functools.partial(self.page_link, f"ind-{ind.id}", "table")),
                ]
            )
        # 详见 is wide enough for 第999页 on one line: its page is drawn after layout, in the
        # room the widest number takes.
        out.append(self.table(rows, (136.0, 118.0, 74.0, 58.0, TYPE_WIDTH - 386.0)))
        out += self.section("各领域主要成效", "sum-achievements")
        for n, area in enumerate(ds.areas, 1):
            key = f"ch-area-{area.id}"

            def achievement(n: int = n, area: Area = area, key: str = key) -> Flowable:
                return self.marked(
                    sentence(area.achievement),
                    "item",
                    prefix=[
                        Span(f"{n}．{area.title}", role="sans", link=key),
                        Span(f"（{area.source}，第{self.page(key)}页）：", link=key),
                    ],
                )

            out.append(self.xref(achievement))
        out += self.section("核对要点", "sum-findings")
        notable = [f for f in self.findings if f.status in ("inconsistent", "cannot_tell")]
        out.append(
            self.xref(
                lambda: self.p(
                    f"共核算{len(self.findings)}处关联，{counts['consistent']}处{status_label('consistent')}。"
                    + (f"需要留意的有以下{len(notable)}处，详细算式见第{self.page('ch-verify')}页：" if notable else "没有发现需要留意的问题。"),
                    "prose",
                )
            )
        )
        for n, f in enumerate(self._ordered(notable), 1):
            out.append(
                self.p(
                    [
                        Span(f"{n}．", role="sans"),
                        Span(f"【{status_label(f.status)}】", role="sans", color=STATUS_COLOR.get(f.status)),
                        Span(f"{f.message}（"),
                        Span(self._places(f), link=f"finding-{f.relation_id}"),
                        Span("）。"),
                    ],
                    "item",
                )
            )
        out += self.section("不足与计划", "sum-plans")
        spans: list[Span] = []
        for part, what, items in (("二", "不足", ds.shortcomings), ("三", "下一步计划", ds.plans)):
            if items:
                spans.append(Span(f"报告第{part}部分的{what}有{len(items)}方面："))
                spans.append(Span("；".join(i.title for i in items) + "。"))
            else:
                spans.append(Span(f"数据文件没有登记报告第{part}部分的{what}。"))
        out.append(
            self.xref(lambda: self.p([*spans, Span(f"详见第{self.page('ch-plans')}页。", link="ch-plans")], "prose"))
        )
        briefing_charts = [c for c in ds.charts if c.briefing and c.id in self.charts]
        if briefing_charts:
            out += self.section("概览图表", "sum-charts")
            for chart in briefing_charts:
                out += self.chart_block(chart.id, chart.title, chart.note)
        return out

    def tally(self) -> str:
        """The findings counted by status, 不一致3处，推算1处，一致10处 (statuses with none left out)."""
        parts = []
        for s in STATUS_ORDER:
            n = sum(1 for f in self.findings if f.status == s)
            if n:
                parts.append(f"{status_label(s)}{n}处")
        return "，".join(parts) or "没有可核对的关联"

    def _ordered(self, findings: Sequence[FindingLike]) -> list[FindingLike]:
        return sorted(findings, key=lambda f: STATUS_ORDER.index(f.status) if f.status in STATUS_ORDER else 9)

    def _places(self, f: FindingLike) -> str:
        sources = dict.fromkeys(self.ds.indicator(i).source for i in f.ids if self.ds.has_indicator(i))
        return "报告" + "、".join(sources)

    def chart_block(self, chart_id: str, title: str, note: str | None) -> list[Flowable]:
        """A chart with its numbered caption (图N, below the drawing, as Chinese reports place it)."""
        self.figure_number += 1
        key = f"fig-{chart_id}"
        parts: list[Flowable] = [
            Spacer(1, 6),
            PageRef(key),
            self.charts[chart_id],
            self.p([Span(f"图{self.figure_number}", role="sans"), Span("\u3000" + title)], "caption"),
        ]
        if note:
            parts.append(self.p(note, "chart_note"))
        return [KeepTogether(parts)]

    # area chapters -----------------------------------------------------------------------

    def area_chapter(self, area_id: str) -> list[Flowable]:
        ds = self.ds
        area = ds.area(area_id)
        indicators = ds.indicators_in(area_id)
        out = self.chapter(area.title, f"ch-area-{area_id}")
        out += self.section("概述", f"area-{area_id}-summary")
        out.append(
            self.p(
                f"本章对应报告第一部分{area.source}，收录该段所载数字{len(indicators)}项。",
                "prose",
            )
        )
        out.append(self.marked(area.summary, "prose"))
        out.append(self.marked(sentence(f"主要成效：{area.achievement}"), "prose"))
        out += self.section("数字一览", f"area-{area_id}-table")
        out += self.reading_hint(indicators)
        out.append(self.indicator_table(indicators))
        charts = [c for c in ds.charts if c.area == area_id and c.id in self.charts]
        if charts:
            out += self.section("图表", f"area-{area_id}-charts")
            for chart in charts:
                out += self.chart_block(chart.id, chart.title, chart.note)
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
        bits = []
        if hedged:
            words = "、".join(dict.fromkeys(f"“{QUALIFIER_WORD[i.qualifier]}”" for i in hedged))
            bits.append(f"{len(hedged)}项数字带限定词{words}，只给出了下限或大致范围")
        if partial:
            bits.append(f"{len(partial)}项数字的统计期不是完整年度")
        if flagged:
            bits.append(f"{len(flagged)}处核对结果为{status_label('inconsistent')}或{status_label('cannot_tell')}")
        if not bits:
            text = "本领域的数字均为全年确数，核对未发现问题；表中注明了每项数字的出处。"
        else:
            text = "表中" + "；".join(bits) + "。这些情况都在对应数字的脚注中逐项说明。"
        return [self.p(text, "prose")]

    def indicator_table(self, indicators: Sequence[Indicator]) -> Table:
        rows: list[list[Any]] = [self.head_row(["序号", "指标", "数字（原文）", "统计期", "出处", "说明"])]
        for n, ind in enumerate(indicators, 1):
            label = Noted(self.marked(ind.label, "table"), anchors=[f"ind-{ind.id}"])
            figure: list[Span] = [Span(ind.printed_with_change)]
            notes: list[Footnote] = []
            ann = self.annotations.get(ind.id)
            if ann is not None:
                fn = self.footnote(ann)
                notes.append(fn)
                figure = [
                    Span(ind.printed_with_change),
                    Span(str(fn.number), superscript=True, link=fn.key, anchor=fn.ref_key),
                ]
            rows.append(
                [
                    self.p(str(n), "table"),
                    label,
                    Noted(self.p(figure, "table_fig"), footnotes=notes, note=notes[0].text if notes else None),
                    self.p(ind.period.text, "table"),
                    self.p(ind.source, "table"),
                    self.p(ind.note or "", "table"),
                ]
            )
        return self.table(rows, INDICATOR_COLUMNS)

    # verification ------------------------------------------------------------------------

    def verification(self) -> list[Flowable]:
        out = self.chapter("数字核对", "ch-verify")
        out += self.section("核对方法", "verify-method")
        out.append(
            self.p(
                "报告中的许多数字彼此相关：比率由分子和分母算出，分项之和应等于合计，"
                "同一件事在不同段落出现时数字应当相同。本章把数据文件中登记的每一处这类关联都核算一遍。",
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
                    self.p([Span(status_label(s), color=STATUS_COLOR[s])], "table_fig"),
                    self.p(meanings[s], "table"),
                ]
            )
        out.append(self.table(rows, (80.0, TYPE_WIDTH - 80.0)))
        out += self.section("核对结果", "verify-results")
        out.append(self.p(f"共核算{len(self.findings)}处关联：{self.tally()}。按结论排列如下。", "prose"))
        for n, f in enumerate(self._ordered(self.findings), 1):
            out.append(self.finding_block(n, f))
        return out

    def finding_block(self, n: int, f: FindingLike) -> Flowable:
        key = f"finding-{f.relation_id}"
        parts: list[Flowable] = [
            PageRef(key),
            self.p(
                [
                    Span(f"{n}．", role="sans"),
                    Span(f"【{status_label(f.status)}】", role="sans", color=STATUS_COLOR.get(f.status)),
                    Span(f"{relation_label(f.kind)}　{f.relation_id}", role="sans"),
                ],
                "finding_head",
            ),
            self.p(sentence(f.message), "finding"),
            self.p(f"算式：{f.computation or '（无）'}", "finding_calc"),
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
                spans.append(
                    Span(f"{ind.label} {ind.printed_with_change}（{ind.source}，第{self.page(target)}页）", link=target)
                )
            spans.append(Span("。"))
            return self.p(spans, "finding")

        parts.append(self.xref(involved))
        relation = next((r for r in self.ds.relations if r.id == f.relation_id), None)
        if relation is not None and relation.note:
            parts.append(self.p(f"说明：{relation.note}", "finding"))
        location = getattr(f, "location", None)
        if location is not None:
            parts.append(self.p(f"登记位置：数据文件{os.path.basename(location.file)}第{location.line}行。", "finding"))
        return KeepTogether(parts)

    # shortcomings, plans, glossary -------------------------------------------------------

    def shortcomings_and_plans(self) -> list[Flowable]:
        out = self.chapter("存在的不足和下一步计划", "ch-plans")
        out += self.section("存在的不足", "plans-shortcomings")
        out.append(self.p(self.items_intro("二", "不足", len(self.ds.shortcomings)), "prose"))
        for n, item in enumerate(self.ds.shortcomings, 1):
            out.append(self.item(n, item.title, item.source, item.summary))
        out += self.section("下一步计划", "plans-plans")
        out.append(self.p(self.items_intro("三", "下一步打算", len(self.ds.plans)), "prose"))
        for n, item in enumerate(self.ds.plans, 1):
            out.append(self.item(n, item.title, item.source, item.summary))
        return out

    def item(self, n: int, title: str, source: str, summary: str) -> Flowable:
        head = self.p([Span(f"{n}．{title}", role="sans"), Span(f"（报告{source}）")], "item_head")
        return KeepTogether([head, self.marked(summary, "item")])

    @staticmethod
    def items_intro(part: str, what: str, count: int) -> str:
        if not count:
            return f"数据文件没有登记报告第{part}部分的{what}。"
        return f"报告第{part}部分列出{count}方面的{what}，概括如下。"

    def glossary(self) -> list[Flowable]:
        out = self.chapter("术语解释", "ch-glossary")
        intro = (
            "以下词语在正文第一次出现时标有“※”并可点击跳转到这里；每条释义后注明首次出现的页码。"
            if self.ds.glossary
            else "数据文件没有登记需要解释的术语。"
        )
        out.append(self.p(intro, "prose"))
        for index, entry in enumerate(self.ds.glossary):
            head = [Span(entry.term, role="sans", anchor=f"gloss-{index}")]
            if entry.aliases:
                head.append(Span(f"（又作{'、'.join(entry.aliases)}）"))
            def definition(use: str = f"glossuse-{index}", text: str = entry.definition) -> Flowable:
                page = self.page_or_none(use)
                where = Span(f"首见第{page}页", link=use) if page else Span("正文未出现")
                return self.p([Span(text + "（"), where, Span("）")], "item")

            out.append(KeepTogether([self.p(head, "item_head"), self.xref(definition)]))
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
        rows: list[list[Any]] = [self.head_row(["编号与名称", "原文与数值", "类型、统计期与出处", "其他"], "small_head")]
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
                        self.p([Span(ind.id, role="sans")], "small"),
                        self.p(ind.label, "small"),
                        self.p(f"数据文件{line}", "small"),
                    ],
                    self.kv(
                        ("原文", ind.printed_with_change),
                        ("数值", f"{ind.value:.{ind.decimals}f}（{ind.decimals}位小数）"),
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
        out.append(self.table(rows, widths))
        return out

    def kv(self, *pairs: tuple[str, str]) -> list[Flowable]:
        return [self.p([Span(f"{k}：", role="sans"), Span(v)], "small") for k, v in pairs]

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
            ("数据文件", os.path.basename(ds.path)),
            ("SHA-256", " ".join(ds.sha256[i : i + 16] for i in range(0, len(ds.sha256), 16))),
            ("底本", ds.meta.source_document),
            ("发布机关", "、".join(ds.meta.issuers)),
            ("文件日期", f"{ds.meta.date.year}年{ds.meta.date.month}月{ds.meta.date.day}日"),
            ("内容", f"数字{len(ds.indicators)}项，关联{len(ds.relations)}处，图表{len(ds.charts)}幅，术语{len(ds.glossary)}条"),
            ("生成工具", f"briefing {__version__}"),
        ]
        table: list[list[Any]] = [self.head_row(["项目", "内容"])]
        table += [[self.p(k, "table_fig"), self.p(v, "table")] for k, v in rows]
        out.append(self.table(table, (80.0, TYPE_WIDTH - 80.0)))
        out.append(Spacer(1, 12))
        out.append(self.p("本文件使用的字体：", "prose"))
        font_rows: list[list[Any]] = [self.head_row(["用途", "字体", "版本", "许可"])]
        for role, name, version, licence in font_inventory():
            font_rows.append([self.p(x, "table") for x in (role, name, version, licence)])
        out.append(self.table(font_rows, (60.0, 100.0, 170.0, TYPE_WIDTH - 330.0)))
        return out


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
    """(role, face, version, licence) of each face the report uses, read from fonts/manifest.json."""
    roles = [("标题、数字", "sans", False), ("加粗标题", "sans", True), ("正文", "serif", False), ("注释", "kai", False)]
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
            f"{source.get('family', '')}（{source.get('package', '')} {source.get('package_version', '')}）"
            if source
            else "清单中无记录"
        )
        licence = str(entry.get("licence", "清单中无记录")).removeprefix("LICENSE-").removesuffix(".txt")
        if licence.endswith("-OFL"):
            licence = "SIL Open Font License 1.1（" + licence.removesuffix("-OFL") + "）"
        out.append((label, face, version, licence))
    return out


def document_info(ds: Dataset) -> DocInfo:
    return DocInfo(
        title=f"{ds.meta.title}（注释版）",
        author="、".join(ds.meta.issuers),
        subject=f"{ds.meta.district}{ds.meta.year}年度法治政府建设工作报告的注释版：数字、出处、注释与核对",
        keywords=dataset_keywords(ds),
        creator=f"briefing {__version__}",
        running_title=f"{ds.meta.title}（注释版）",
    )


def chart_flowables(ds: Dataset) -> dict[str, Flowable]:
    """Chart drawings by id, made once per report (every layout pass reuses them)."""
    style = chart_style("normal", label_pt=CHART_LABEL_PT)
    return {c.id: Centered(draw_chart(ds, c, width_pt=CHART_WIDTH, style=style)) for c in ds.charts}


def pdf_meta(ds: Dataset) -> PdfMeta:
    info = document_info(ds)
    return PdfMeta(info.title, info.author, info.subject, info.keywords, ds.meta.date)


def build_report(
    dataset: Dataset, findings: Sequence[FindingLike], make_canvas: CanvasMaker | None = None
) -> tuple[bytes, PageLog]:
    """Compose and lay out the annotated report; return PDF bytes and where everything landed."""
    fonts.register_reportlab()
    styles = report_styles()
    info = document_info(dataset)
    charts = chart_flowables(dataset)

    def make_story(numbers: PageNumbers) -> list[Flowable]:
        return Composer(dataset, findings, styles, numbers, charts).story()

    return build_pdf(make_story, info, styles, make_canvas or canvas_maker(pdf_meta(dataset)))


def compose(request: Request) -> Composed:
    """The registry's compose function: the report is laid out when the output step draws it."""
    dataset, findings = request.dataset, request.dataset_findings

    def draw(make_canvas: CanvasMaker) -> tuple[bytes, int]:
        data, log = build_report(dataset, findings, make_canvas)
        return data, log.page_count

    return Composed(pdf_meta(dataset), draw)


def render_report(dataset: Dataset, findings: Sequence[FindingLike], *, pdfa: bool = True) -> tuple[bytes, int]:
    """The annotated report as PDF bytes and its page count, through the one output step."""
    return render_output(compose(Request.one(dataset, findings, PRESET)), archival=pdfa)
