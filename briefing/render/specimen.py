"""Make the typography specimen: style samples in, a few GB/T 9704 pages showing every style and
hard case out.

The specimen is how a person checks the typesetting layer by eye: each named style with its role
and size, then the cases Chinese line breaking gets wrong elsewhere (punctuation runs, dashes and
ellipses, nested book-title marks, Latin and figures mixed with Han, long numbers, URLs, quotes
inside brackets, narrow columns), footnote markers linked to their notes, a link and a note.
The sentences are written for the specimen; the figures are invented.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

from briefing._reportlab import CondPageBreak, Flowable, Spacer
from briefing.render.pages import BRIEFING, GBT9704, doc_template
from briefing.render.styles import STYLE_NAMES, Span, TextStyle, make_one_page_stylesheet
from briefing.render.typography import CJKParagraph

_ROLE_NAMES = {"sans": "黑体（Sans）", "serif": "宋体（Serif）", "kai": "楷体（Kai）"}

_SAMPLES: dict[str, str] = {
    "title": "区法治政府建设年度报告排版样张",
    "subtitle": "样式、标点与中西文混排示例",
    "h1": "一、推进依法行政的主要举措和成效",
    "h2": "（一）健全重大行政决策程序",
    "h3": "1. 合法性审查实现全覆盖",
    "body": (
        "本年度，区政府把合法性审查作为重大行政决策的必经程序，"
        "凡未经审查或者审查不合格的事项，一律不得提交常务会议讨论。"
        "全年审查规范性文件46件、重大合同113份，提出修改意见287条。"
    ),
    "body_noindent": "不缩进的正文用于表格说明、列表续行等场合，其余排法与正文相同。",
    "note": "注：本样张中的数字均为虚构，仅用于检查排版效果；注释的数字须一眼认得出，如9和0。",
    "caption": "图1　2020—2024年行政复议案件数量（件）",
    "footnote": "[1]　统计口径为区本级及各乡镇（街道），不含垂直管理部门；2024年1—11月共9项。",
    "table": "执法案卷评查：优秀412件，合格865件，不合格36件。",
    "table_head": "指标名称",
    "figure": "1,313件",
    "small": "小字用于图表来源、数据说明和页面标注。",
    "chapter": "第二章　执法规范与执法监督",
    "table_caption": "表3　执法规范与执法监督数字一览",
    "chart_note": "执法案卷评查优秀率连续三年上升。",
    "chart_label": "丁区　150件",
    "table_fig": "300余件（同比增长6.8%）",
    "small_head": "原文与数值",
    "header": "示例区2024年度法治政府建设工作报告（注释版）",
    "folio": "— 7 —",
    "toc0": "第三章　数字核对",
    "toc1": "二、核对结果",
    "cover_mark": "内部资料　注意保存",
    "cover_title": "示例区2024年度",
    "cover_sub": "（注释版）",
    "cover_meta": "发布机关　示例区人民政府",
    "cover_foot": "本注释版依据数据文件生成，数字照录报告原文。",
}
#: The styles shown first, on the GB/T 9704 grid pages; the report's apparatus follows at the end.
_FIRST = (
    "h1",
    "h2",
    "h3",
    "body",
    "body_noindent",
    "note",
    "caption",
    "footnote",
    "table",
    "table_head",
    "figure",
    "small",
)

_HARD_CASES: tuple[tuple[str, str], ...] = (
    (
        "标点连用",
        (
            "群众留言说：“窗口办事比以前快多了。”（见附件2），这是对改革最直接的肯定；"
            "有人追问：“为什么还要跑两次？！”——问题找到了，整改就有了方向……"
        ),
    ),
    (
        "书名号嵌套",
        (
            "各部门集中学习了《〈中华人民共和国行政复议法〉修订说明》和《“八五”普法规划》，"
            "并结合《行政执法三项制度工作指引》逐条对照检查。"
        ),
    ),
    (
        "中西文混排",
        (
            "2024年1-11月，执法文书统一以PDF/A-2b格式归档，由ReportLab 5.1排版生成；"
            "OCR识别准确率为98.73%，比3月份提高2.1个百分点。"
        ),
    ),
    (
        "长数字",
        (
            "全年法治建设专项经费12,345,678.90元，占部门预算的0.87%，比上年增长6.8‰；"
            "其中用于法律顾问购买服务的1,313,000元已全部拨付。"
        ),
    ),
    (
        "括号内引号",
        (
            "各单位要落实“谁执法谁普法”责任（即“谁主管、谁负责”），并将普法清单（含“以案释法”案例）"
            "于11月30日前报送区普法办。"
        ),
    ),
    (
        "网址（不拆分；长于一行时在斜线后断开）",
        (
            "区政府门户网站www.example.gov.cn开设了法治政府建设专栏，申请表格的下载地址为"
            "https://www.example.gov.cn/zwgk/fzzfjs/2024/xzfy/shenqingbiao/index.html，"
            "也可以到政务服务中心一楼窗口领取。"
        ),
    ),
)
#: Roles of the one-page variant (the briefing's), shown on one specimen page at their normal size.
_ONE_PAGE_SAMPLES: tuple[tuple[str, str], ...] = (
    ("title", "示例区2024年度法治政府建设情况报告"),
    ("subtitle", "示例市示例区 · 2024年度 · 示例区人民政府"),
    ("figure", "1240件"),
    ("figure_label", "全年办理行政复议申请"),
    ("h1", "工作成效"),
    ("body", _SAMPLES["body"] + _HARD_CASES[2][1]),
    ("caption", "立案与结果（件）"),
    ("finding", "调解成功率应为96.20%，报告写作96.8%，相差0.60个百分点。"),
    ("footer", "据《示例区2024年度法治政府建设情况报告》整理 · 数据指纹 0123456789ab"),
)

_NARROW = (
    "区司法局会同区市场监管局开展“双随机、一公开”联合检查，抽查企业218家，"
    "发现问题37个（已整改35个），整改率94.6%。"
)


class _Columns(Flowable):
    """Paragraphs set side by side in columns of given widths (for the narrow-column demo)."""

    def __init__(
        self, paragraphs: Sequence[CJKParagraph], widths: Sequence[float], gap: float
    ) -> None:
        super().__init__()
        self._paras = list(paragraphs)
        self._widths = list(widths)
        self._gap = gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        heights = [
            p.wrap(w, availHeight)[1] for p, w in zip(self._paras, self._widths, strict=True)
        ]
        self.height = max(heights, default=0.0)
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        x = 0.0
        for p, w in zip(self._paras, self._widths, strict=True):
            # Hairlines at both edges of each column show that justified lines are flush.
            self.canv.saveState()
            self.canv.setStrokeColorRGB(0.75, 0.75, 0.75)
            self.canv.setLineWidth(0.25)
            self.canv.line(x, 0, x, self.height)
            self.canv.line(x + w, 0, x + w, self.height)
            self.canv.restoreState()
            p.drawOn(self.canv, x, self.height - p.height)
            x += w + self._gap


def _label(text: str, styles: dict[str, TextStyle]) -> CJKParagraph:
    style = replace(styles["small"], color="#666666", space_before_pt=6, keep_with_next=True)
    return CJKParagraph(text, style)


def _describe(style: TextStyle) -> str:
    bold = "粗" if style.bold else ""
    return (
        f"{style.name}：{_ROLE_NAMES[style.role]}{bold}{style.size_pt:g} pt，行距 "
        f"{style.leading_pt:.1f} pt，首行缩进 {style.first_indent_em:g} 字，{style.align}"
    )


def specimen_story() -> list[Flowable]:
    """The flowables of the specimen (separate from building, so tests can set them alone)."""
    styles = dict(GBT9704.styles)
    story: list[Flowable] = [
        CJKParagraph(_SAMPLES["title"], styles["title"]),
        CJKParagraph(_SAMPLES["subtitle"], styles["subtitle"]),
    ]
    # 1. Every named style, labelled with its role and size.
    for name in _FIRST:
        story.append(_label(_describe(styles[name]), styles))
        story.append(CJKParagraph(_SAMPLES[name], styles[name]))
    story.append(_label(_describe(styles["title"]) + "；" + _describe(styles["subtitle"]), styles))

    # 2. Hard cases in body text, each labelled.
    story.append(CondPageBreak(GBT9704.body_leading_pt * 8))
    story.append(CJKParagraph("二、疑难排版示例", styles["h1"]))
    for label, text in _HARD_CASES:
        story.append(_label(label, styles))
        story.append(CJKParagraph(text, styles["body"]))

    # Footnote markers linked to their notes, a named destination, an external link, a note.
    story.append(_label("脚注、链接与批注", styles))
    story.append(
        CJKParagraph(
            [
                Span("全区行政机关负责人出庭应诉率达到100%"),
                Span("1", superscript=True, link="specimen-fn-1"),
                Span("，行政诉讼败诉率下降至3.1%"),
                Span("2", superscript=True, link="specimen-fn-2"),
                Span("。详细数据见区政府门户网站"),
                Span("法治政府建设专栏", color="#1f4e9a", link="https://www.example.gov.cn/fzzf"),
                Span("；本句末尾附有一条屏幕批注", annotation="批注：此数据以区法院年度通报为准。"),
                Span("。"),
            ],
            styles["body"],
        )
    )
    story.append(
        CJKParagraph(
            [
                Span("1", superscript=True, anchor="specimen-fn-1"),
                Span(" 出庭应诉率按开庭审理的案件计算，不含书面审理案件。"),
            ],
            styles["footnote"],
        )
    )
    story.append(
        CJKParagraph(
            [
                Span("2", superscript=True, anchor="specimen-fn-2"),
                Span(" 败诉率 = 败诉案件数 ÷ 审结案件数 × 100%。"),
            ],
            styles["footnote"],
        )
    )

    # 3. Narrow columns, spacing on and off, the compact preset.
    story.append(CondPageBreak(GBT9704.body_leading_pt * 14))
    story.append(CJKParagraph("三、窄栏与间距", styles["h1"]))
    story.append(_label("同一段落在 6、8、11 字宽的窄栏中（两侧细线为栏界）", styles))
    em = styles["body_noindent"].size_pt
    widths = [6 * em, 8 * em, 11 * em]
    story.append(
        _Columns([CJKParagraph(_NARROW, styles["body_noindent"]) for _ in widths], widths, 1.5 * em)
    )
    story.append(Spacer(1, 8))
    mixed = "2024年1-11月共受理申请486件，其中通过App提交的占41%。"
    story.append(_label("中西文间距：开（上）与关（下）", styles))
    story.append(CJKParagraph(mixed, styles["body_noindent"]))
    story.append(CJKParagraph(mixed, replace(styles["body_noindent"], han_latin_space=False)))
    story.append(CondPageBreak(200))
    # The one-page variant of the table, as the briefing sets it at its normal level (each fit
    # level scales it; see compose/briefing.py).
    one_page = make_one_page_stylesheet(BRIEFING.body_size_pt, BRIEFING.body_leading_pt)
    story.append(
        _label("一页纸简报样式（一页纸变体，正常档）：正文 10 pt，随版面收紧按比例缩放", styles)
    )
    for name, text in _ONE_PAGE_SAMPLES:
        story.append(Spacer(1, 4))
        story.append(CJKParagraph(text, one_page[name]))
    story.append(Spacer(1, GBT9704.body_leading_pt))

    # 4. The report's own roles of the one style table: chapter titles, captions, apparatus.
    story.append(CondPageBreak(GBT9704.body_leading_pt * 8))
    story.append(CJKParagraph("四、注释版报告的其他样式", styles["h1"]))
    for name in STYLE_NAMES:
        if name in _FIRST or name in ("title", "subtitle"):
            continue
        story.append(_label(_describe(styles[name]), styles))
        story.append(CJKParagraph(_SAMPLES[name], styles[name]))
    return story


def specimen_pdf() -> bytes:
    """The specimen PDF's bytes (byte-identical for the same code and fonts); the caller writes
    them.
    """
    buf = io.BytesIO()
    doc = doc_template(
        buf,
        GBT9704,
        title="briefing 排版样张",
        author="briefing",
        subject="中文排版样式与疑难排版示例",
    )
    doc.build(specimen_story())
    return buf.getvalue()
