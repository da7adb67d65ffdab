"""Find the figures in a report's text and turn them into an `Extraction`: values, units,
qualifiers, changes, periods and labels.

The scan is deliberately rule-based and explainable: every number in the text is either taken as a
figure or recorded as `Skipped` with the reason (date, year, hotline, document number, ordinal …),
so a reviewer can see that nothing was dropped silently. Rules follow how these reports word
figures: "共立案调解1109件", "2万余人次", "91％以上", "同比分别下降51.21%、31.11%",
"办结率和满意率均为100%".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..i18n import N_
from ..model import Change
from .structure import Outline, cn_number, parse_outline
from .types import Extraction, Figure, Skipped

# Full-width digits and marks are mapped one character to one character, so offsets into the
# normalised text are offsets into the original.
_NORMALISE = str.maketrans(
    "０１２３４５６７８９％．（）：；！？－—–～～［］",
    "0123456789%.():;!?----~[]",
)

# Units are an open grammar, not a closed list: a compound unit (longest first), or any measure
# word (量词) or directly counted noun, optionally followed by 次 (人次, 件次, 户次, 课次 …).
MULTI_UNITS = (
    "个百分点",
    "百分点",
    "个工作日",
    "个自然日",
    "工作日",
    "自然日",
    "个小时",
    "小时",
    "分钟",
    "课时",
    "学时",
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "公顷",
    "公里",
    "千米",
    "千瓦时",
    "千瓦",
    "万元",
    "亿元",
    "周岁",
    "个月",
    "个季度",
    "余年",
)
MEASURE_CHARS = (
    "件次人名位家户条卷个份支票项场起宗所篇期本册台辆处座套间类批张部块元吨亩天分种轮届组队"
    "栋幢棵株头只艘架枚盏副对双片段节课堂门首页周岁床箱袋笔单例趟遍道封幅册轮期米斤"
)
_MEASURE = "".join(dict.fromkeys(MEASURE_CHARS))
UNIT_PATTERN = (
    "|".join(map(re.escape, MULTI_UNITS))
    + "|["
    + _MEASURE.replace("次", "")
    + "]次|["
    + _MEASURE
    + "]|%"
)
# Nouns that reports count without a measure word (全区13镇, 建成6站): taken, with a note to check.
# Anything else after a bare number is listed as "no unit" rather than guessed.
COUNTED_NOUNS = set("镇乡村街站校园网馆院庭区县市局委厅库屏窗亭廊社企店岗园线栏")
# Chinese numerals are counts only before these: 三项 yes, 三调联动 or 四级 no. 部 and 张 are left
# out because 两部门 and 一张网 are names, not counts.
CN_COUNT_UNITS = (
    "个百分点",
    "个工作日",
    "工作日",
    "课时",
    "学时",
    "小时",
    "人次",
    "件次",
    "家次",
    "户次",
    "场次",
    "批次",
    "万元",
    "亿元",
    "轮",
    "种",
    "天",
    "件",
    "次",
    "人",
    "名",
    "位",
    "家",
    "户",
    "条",
    "个",
    "份",
    "支",
    "项",
    "场",
    "起",
    "宗",
    "所",
    "篇",
    "期",
    "批",
    "类",
    "处",
    "座",
    "套",
)
# Fixed phrases built from a numeral and a measure word that name a doctrine or a system.
CN_NAMES = (
    "两个维护",
    "两个确立",
    "四个意识",
    "四个自信",
    "四个全面",
    "三项制度",
    "两个责任",
    "三个务必",
    "四个最严",
    "两个毫不动摇",
    "三个代表",
    "两个结合",
    "两个大局",
    "五个一",
    "三个区分开来",
)
UP = ("增长", "增加", "上升", "提高", "提升", "增幅", "涨幅", "上涨")
DOWN = ("下降", "减少", "降低", "回落", "下滑", "压缩", "缩短", "缩减", "降幅", "减幅")

# A number may follow any punctuation (",483个" after an ASCII comma is a number); only a digit
# right before it makes it part of another number. 1,313 groups thousands.
ARABIC_RE = re.compile(r"(?<!\d)(\d{1,3}(?:,\d{3})+(?![\d])|\d+)(\.\d+)?")
# 由20个工作日压缩至5个工作日, 从45天缩短到12天, 由原来的8%降至3%: the words between the two
# figures.
BEFORE_AFTER_RE = re.compile(
    r"(?:压缩|缩短|缩减|减少|降低|下降|回落|精简|降|减|提高|提升|增加|增长|上升|升|扩大|延长|增)?"
    r"(?:了)?(?:到|至|为)(?:了)?$"
)
BEFORE_MARK_RE = re.compile(r"(?:由|从)(?:原来的|原先的|原来|原先|原|过去的|过去|平均|年均)?$")
CN_RE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
TAIL_RE = re.compile(
    r"(?P<q0>余|多)?(?P<mult>万|亿|千(?![米瓦克]))?(?P<q1>余|多)?(?P<unit>"
    + UNIT_PATTERN
    + r"|大)?"
    r"(?P<q2>以上|左右|之多|上下|以下|以内|之内)?"
)
CN_TAIL_RE = re.compile(
    r"(?P<q1>余|多)?(?P<unit>" + "|".join(map(re.escape, CN_COUNT_UNITS)) + r")?"
    r"(?P<q2>以上|左右|之多|上下|以下|以内|之内)?"
)
_CMP = (
    r"同比|环比|较上年同期|较去年同期|较上年|较去年|比上年同期|比去年同期|比上年|比去年|与上年相"
    r"比|与去年相比|较\d{4}年(?:同期)?"
)
_VERB = "|".join(UP + DOWN)
# What stands right before a number: a comparison and its verb, 分别/均为 lists, and the hedges.
PREFIX_RE = re.compile(
    rf"(?:(?P<cmp>{_CMP})?(?P<each1>分别)?(?P<verb>{_VERB})了?(?P<each2>分别)?"
    r"|(?P<each>分别)(?:为|是|达到|达|有)?"
    r"|(?P<all>均|都)(?:为|是|达到|达)?)?"
    r"(?P<q>大约|约|将近|接近|近|超过|逾|超|多达|不少于|不低于|至少|达到|达|为)?$"
)
QUALIFIER_WORDS = {
    "约": "approx",
    "大约": "approx",
    "近": "nearly",
    "将近": "nearly",
    "接近": "nearly",
    "超过": "over",
    "超": "over",
    "逾": "over",
    "不少于": "at_least",
    "不低于": "at_least",
    "至少": "at_least",
}
PERIOD_RE = re.compile(
    r"(?P<ym>(?P<y1>\d{4})年(?P<m1>\d{1,2})(?:月份?)?[-至到](?P<m2>\d{1,2})月)"
    r"|(?P<mm>(?<![\d年])(?P<m3>\d{1,2})(?:月份?)?[-至到](?P<m4>\d{1,2})月)"
    r"|(?P<until>截[至止](?:(?P<y2>\d{4})年)?(?P<m5>\d{1,2})月(?:\d{1,2}日)?(?:底|末)?)"
    r"|(?P<h1>上半年)|(?P<q3>前三季度)"
    r"|(?P<todate>今年以来|年初以来|截[至止]目前|截[至止]发稿|目前|至今)"
    r"|(?P<year>(?<![较比与同\d])(?P<y3>\d{4})年(?:度)?(?![\d月-]))"
    r"|(?P<full>全年|本年度|年内)"
)
CLAUSE_BREAK = set("，,；;。！？!?：:()\n\t")
HOTLINE_WORDS = ("热线", "电话", "专线", "服务平台", "短信")
EMERGENCY = {"110", "119", "120", "122", "12345", "12348", "12315", "12320", "12366", "12333"}
LEAD_RE = re.compile(
    r"^(?:其中|同时|此外|另外|并且|已经|已|力争|争取|确保|全年|今年以来|截[至止]目前|目前|年内|全区|全县|全市|"
    r"全镇|我区|我县|我市|先后|分别|\d{4}年度?|\d{1,2}[-—至]\d{1,2}月|上半年|[、，,\s])+"
)
TRAIL_RE = re.compile(r"(?:达到|达|为|是|约|近|至|有|共|次数|总数|数量|分别|[、，,\s])+$")
# 共 means "in all" unless it is part of a word: 公共, 中共, 共同, 共享 …
TOTAL_RE = re.compile(r"(?<![公中一总])共(?:有|计)?(?![同享建治性])")
LABEL_MAX = 40


@dataclass
class _Token:
    start: int
    end: int  # end of the digits (before 万/余/unit)
    digits: str
    value: Decimal
    chinese: bool


@dataclass(eq=False)  # compared by identity: the scan removes and finds drafts it holds
class _Draft:
    """A figure while the scan still edits it (list labels, an attached change)."""

    value: Decimal
    unit: str
    kind: str
    qualifier: str
    start: int
    end: int
    label: str
    period: tuple[str, str]
    sentence: tuple[int, int]
    direction: str = ""  # up/down for a change
    change: Change | None = None
    change_printed: str = ""
    notes: list[str] = field(default_factory=list)
    printed_decimals: int | None = None
    prior: Decimal | None = None  # 由X压缩至Y: the X of a before/after pair
    prior_printed: str = ""
    change_start: int = -1  # where the wording of an attached change starts


def normalise(text: str) -> str:
    """The text with full-width digits and marks made ASCII, character for character."""
    return text.translate(_NORMALISE)


def extract_figures(text: str, *, year: int | None = None) -> Extraction:
    """Find sections, figures and skipped numbers in a report's text; pure, no I/O."""
    outline = parse_outline(text)
    return _Scanner(text, outline, year).run()


class _Scanner:
    def __init__(self, text: str, outline: Outline, year: int | None) -> None:
        self.text = text
        self.norm = normalise(text)
        self.outline = outline
        self.year = year or _report_year(outline.title, self.norm)
        self.periods = [(m.start(), m) for m in PERIOD_RE.finditer(self.norm)]
        self._period_i = 0  # figures come in text order: the period search only moves forward
        self._pending_prior: tuple[_Token, int] | None = None
        self._counted_items: tuple[int, int, int] | None = None
        self._enclosure: dict[int, str] = {}
        self._tables = _table_units(self.text)
        self._table_i = 0
        self.figures: list[_Draft] = []
        self.skipped: list[Skipped] = []
        # The open 分别/均为 list: figures printed one after another for one subject.
        self.group: list[_Draft] = []
        self.group_kind = ""
        self.group_subject = ""

    # -----------------------------------------------------------------------------------------

    def run(self) -> Extraction:
        for token in self._tokens():
            self._take(token)
        self._close_group()
        figures = tuple(self._freeze(d) for d in self.figures)
        return Extraction(
            title=self.outline.title,
            year=self.year,
            sections=self.outline.sections,
            figures=figures,
            skipped=tuple(self.skipped),
            text=self.text,
        )

    def _tokens(self) -> list[_Token]:
        tokens: list[_Token] = []
        # One linear pass decides which positions lie inside quotes or 《》 (per line), so that a
        # report written as one long line costs no more than one with many lines.
        for m in ARABIC_RE.finditer(self.norm):
            digits = m.group(0)
            tokens.append(
                _Token(m.start(), m.end(), digits, Decimal(digits.replace(",", "")), False)
            )
        for m in CN_RE.finditer(self.norm):
            value = cn_number(m.group(0))
            if value is None or not re.search("[一二两三四五六七八九十]", m.group(0)):
                continue
            tokens.append(_Token(m.start(), m.end(), m.group(0), Decimal(value), True))
        tokens.sort(key=lambda t: t.start)
        self._enclosure = _enclosure_states(self.norm, [t.start for t in tokens])
        kept = []
        for t in tokens:
            if not self.outline.in_marker(t.start):
                kept.append(t)
            elif not t.chinese:
                self._skip(t, N_("heading or item number"))
        return kept

    # -----------------------------------------------------------------------------------------

    def _skip(self, token: _Token, reason: str, end: int | None = None) -> None:
        s, e = self.outline.sentence_at(token.start)
        section = self.outline.section_at(token.start)
        self.skipped.append(
            Skipped(
                text=self.text[token.start : end if end is not None else token.end],
                offset=token.start,
                reason=reason,
                section=section.path if section else "",
                sentence=self.text[s:e].strip(),
            )
        )

    def _enclosed(self, pos: int) -> str:
        """'quote' or 'title' when `pos` lies inside “…” or 《…》 on its line."""
        return self._enclosure.get(pos, "")

    def _take(self, t: _Token) -> None:
        n = self.norm
        prev = n[t.start - 1] if t.start else ""
        tail = n[t.end : t.end + 16]
        if t.chinese:
            self._take_chinese(t, prev, tail)
            return None
        enclosed = self._enclosed(t.start)
        if enclosed == "title":
            return self._skip(t, N_("inside a document title 《》"))
        if prev == "." and t.start >= 2 and n[t.start - 2].isdigit():
            return self._skip(t, N_("part of a dotted number (a version or clause number)"))
        if re.match(r"[A-Z]{0,2}[级星]", tail):
            return self._skip(
                t,
                N_("grade or rank (…级), a name"),
                t.end + tail.index(tail.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[0]) + 1,
            )
        if (
            (prev.isascii() and prev.isalpha())
            or prev == "+"
            or (tail[:1].isascii() and tail[:1].isalpha())
            or tail[:1] == "+"
        ):
            return self._skip(t, N_("name or model (letters or + beside it)"))
        counted = self._counted_items is not None and self._counted_items[2] == t.start
        if enclosed == "quote" and not counted:  # “四个100%” is a figure even in quotes
            return self._skip(t, N_("inside quotes: a name"))
        if prev == "第" or n[max(0, t.start - 2) : t.start] == "第 ":
            return self._skip(t, N_("ordinal (第…)"))
        if (_one_of(prev, "〔[【") and _one_of(tail[:1], "〕]】")) or tail[:1] == "号":
            return self._skip(t, N_("document number"))
        streak = n[max(0, t.start - 2) : t.start] == "连续"
        if streak and re.match(r"(?:个)?(?:年|月)", tail):
            unit = "年" if tail[0] == "年" else "个月"
            return self._figure(
                t,
                unit,
                t.end + len(unit),
                t.start - 2,
                notes=[f"a streak: {unit} in a row (连续…)"],
            )
        if tail[:1] == "年" or (len(t.digits) == 4 and re.match(r"-\d{4}年", tail)):
            if len(t.digits) == 4 and 1900 <= t.value <= 2100:
                return self._skip(t, N_("year"), t.end + 1)
            return self._skip(t, N_("a span of years (…年)"), t.end + 1)
        if re.match(r"(?:[-至到~]\d{1,2})?(?:月|日)", tail) or (prev == "-" and tail[:1] == "月"):
            return self._skip(t, N_("date"))
        if re.match(r"[:时点]\d|时|点\d", tail):
            return self._skip(t, N_("time of day"))
        if tail[:1] == "-" and tail[1:2].isdigit() and len(t.digits) >= 3:
            return self._skip(t, N_("phone number"))
        if prev == "-" and t.start >= 2 and n[t.start - 2].isdigit():
            if re.match(r"\d{5,}", t.digits):
                return self._skip(t, N_("phone number"))
            return self._skip(t, N_("upper end of a range"))
        if _one_of(tail[:1], "-~至") and tail[1:2].isdigit():
            return self._skip(t, N_("lower end of a range"))
        m = TAIL_RE.match(tail)
        assert m is not None  # every group is optional
        unit = m.group("unit") or ""
        if tail[:1] == "倍":
            return self._skip(
                t, N_("a multiple (…倍): write it as a change in % by hand"), t.end + 1
            )
        if unit == "余年":
            return self._skip(t, N_("a span of years (…年)"), t.end + m.end())
        notes: list[str] = []
        if unit == "大" and not _is_han(tail[m.end("unit") : m.end("unit") + 1]):
            unit = ""
        if not unit and not m.group("q2"):
            after = tail[m.end() : m.end() + 1]
            if (
                t.digits in EMERGENCY
                or len(t.digits) >= 5
                or any(w in tail[:10] for w in HOTLINE_WORDS)
            ):
                return self._skip(t, N_("hotline or phone number"))
            if after in COUNTED_NOUNS and not m.group("mult"):
                # Units are open: a noun counted directly (13镇, 6站) is taken, with a note.
                unit = after
                notes.append(f"unit {after} is not a usual measure word: check it")
                return self._figure(t, unit, t.end + m.end() + 1, notes=notes, match=m)
            cell = self._table_cell(t, tail)
            if cell is not None:
                unit, label = cell
                return self._figure(
                    t,
                    unit,
                    t.end,
                    notes=[f"a table cell; unit {unit} from the table's 单位 line"],
                    label=label,
                )
            self._skip(t, N_("no unit or measure word after it"))
            # It may be the X of 由20压缩至5个工作日: the figure after it takes it back.
            self._pending_prior = (t, len(self.skipped) - 1)
            return None
        if unit == "个月" or re.match(r"个多月|多个月", tail):
            return self._skip(t, N_("a span of months"), t.end + m.end())
        if _one_of(prev, "×*xX") or tail[:1] in ("×", "*"):
            return self._skip(t, N_("a name (7×24小时 and the like)"), t.end + m.end())
        if unit in ("分钟", "小时", "公里") and "圈" in n[t.end + m.end() : t.end + m.end() + 10]:
            return self._skip(t, N_("a name (15分钟…服务圈)"), t.end + m.end())
        if prev == "前" and unit in ("名", "位"):
            return self._skip(t, N_("a rank (前…名)"), t.end + m.end())
        self._figure(t, unit, t.end + m.end(), notes=notes, match=m)
        return None

    def _take_chinese(self, t: _Token, prev: str, tail: str) -> None:
        n = self.norm
        if (
            n[max(0, t.start - 2) : t.start] == "连续"
            and t.value >= 2
            and re.match(r"(?:个)?(?:年|月)", tail)
        ):
            unit = "年" if tail[0] == "年" else "个月"
            return self._figure(
                t,
                unit,
                t.end + len(unit),
                t.start - 2,
                notes=[f"a streak: {unit} in a row (连续…)", "written in Chinese numerals"],
            )
        if tail[:1] == "成" and 2 <= t.value <= 9 and len(t.digits) == 1 and prev != "第":
            # 近九成, 八成以上: tenths, a share in words.
            tenths = _Token(t.start, t.end, t.digits, t.value * 10, True)
            m_tail = re.match(r"成(以上|左右)?", tail)
            assert m_tail is not None
            q = m_tail.group(1) or ""
            return self._figure(
                tenths,
                "%",
                t.end + m_tail.end(),
                notes=[
                    f"printed as {word}成 (tenths): {word}成 = {tenths.value}%"
                    for word in [t.digits]
                ],
                match=re.match(r"(?P<q2>以上|左右)?", q),
            )
        if tail[:1] == "个" and tail[1:2].isdigit() and t.value >= 2:
            # 四个100%: one figure that applies to four items; the number after 个 carries it.
            self._counted_items = (t.start, int(t.value), t.end + 1)
            return None
        m = CN_TAIL_RE.match(tail)
        assert m is not None
        unit = m.group("unit") or ""
        word = t.digits
        if not unit:
            # Only numerals that look like a count are worth a line in the report.
            if t.value >= 2 and _one_of(tail[:1], "级年大") and prev != "第":
                reason = {
                    "级": N_("grade or rank (…级), a name"),
                    "年": N_("a span of years (…年)"),
                    "大": N_("a name (…大)"),
                }[tail[0]]
                self._skip(t, reason, t.end + 1)
            return None
        # 一 alone is almost never a reported count (一次性, 一件事, 一站式 are names), and 二
        # before a measure word is an ordinal (二次, 二级); counts say 两.
        if word in ("一", "二"):
            return None
        if prev == "第":
            return self._skip(t, N_("ordinal (第…)"), t.end + m.end())
        if any(self.norm.startswith(name, t.start) for name in CN_NAMES):
            return self._skip(t, N_("a fixed phrase naming a doctrine or system"), t.end + m.end())
        enclosed = self._enclosed(t.start)
        if enclosed:
            return self._skip(
                t,
                N_("inside quotes: a name")
                if enclosed == "quote"
                else N_("inside a document title 《》"),
                t.end + m.end(),
            )
        self._figure(t, unit, t.end + m.end(), match=m)
        return None

    # -----------------------------------------------------------------------------------------

    def _figure(
        self,
        t: _Token,
        unit: str,
        end: int,
        start: int | None = None,
        *,
        notes: list[str] | None = None,
        match: re.Match[str] | None = None,
        label: str | None = None,
    ) -> None:
        """Record the figure printed from `start` (default: its digits) to `end` with `unit`."""
        n = self.norm
        value = t.value
        groups = match.groupdict() if match is not None else {}
        mult = groups.get("mult")
        notes = list(notes or [])
        decimals = len(t.digits.split(".")[1]) if "." in t.digits else 0
        printed_decimals: int | None = decimals
        if mult and unit == "元":
            unit = mult + "元"
        elif mult:
            value = value * {"万": 10_000, "亿": 100_000_000, "千": 1_000}[mult]
            printed_decimals = None
        if unit == "大":
            # 7大领域, 3大平台: the unit is 大 and the noun it counts, as the text prints it.
            noun = re.match(r"[\u4e00-\u9fff]{1,2}", n[end : end + 2])
            if noun is not None:
                unit = "大" + noun.group(0)
                end += noun.end()
            notes.append(
                f"printed as {self.text[t.start : end]}: the unit {unit} keeps the noun; check it"
            )
        if unit == "百分点":
            unit = "个百分点"
        suffix = groups.get("q0") or groups.get("q1") or groups.get("q2") or ""
        window_start = max(t.start - 24, n.rfind("\n", max(0, t.start - 24), t.start) + 1, 0)
        pm = PREFIX_RE.search(n, window_start, t.start)
        assert pm is not None
        q_word = pm.group("q") or ""
        if q_word == "近" and pm.start("q") > 0 and n[pm.start("q") - 1] in "最附临":
            q_word = ""
        qualifier = "exact"
        if suffix in ("余", "多", "之多"):
            qualifier = "more_than"
        elif suffix == "以上":
            qualifier = "at_least"
        elif suffix in ("左右", "上下"):
            qualifier = "approx"
        elif q_word in QUALIFIER_WORDS:
            qualifier = QUALIFIER_WORDS[q_word]
        if suffix in ("以下", "以内", "之内"):
            notes.append(
                f"an upper bound ({suffix}): the schema has no 'at most'; recorded as exact"
            )
        if suffix in ("余", "多") and q_word in QUALIFIER_WORDS:
            notes.append(f"printed with both {q_word} and {suffix}; recorded as {qualifier}")
        printed_start = pm.start("q") if q_word in QUALIFIER_WORDS else t.start
        if start is not None:
            printed_start = start
        counted = self._counted_items
        if counted is not None and counted[2] == t.start:
            printed_start = counted[0]
            prefix_start_override = counted[0]
            notes.append(
                f"one printed figure that applies to {counted[1]} items "
                f"({self.text[counted[0] : t.start]}…)"
            )
        else:
            prefix_start_override = None
        self._counted_items = None
        prefix_start = pm.start() if pm.group(0) else t.start
        if prefix_start_override is not None:
            prefix_start = prefix_start_override
        if start is not None:
            prefix_start = min(prefix_start, start)
        sentence = self.outline.sentence_at(t.start)
        clause_start = _clause_start(n, prefix_start, sentence[0])

        verb = pm.group("verb") or ""
        each = bool(pm.group("each") or pm.group("each1") or pm.group("each2"))
        prev = self.figures[-1] if self.figures else None
        same_clause = prev is not None and prev.end > clause_start and prev.sentence == sentence
        continues = (
            self.group
            and prev is self.group[-1]
            and not verb
            and not each
            and not pm.group("all")
            and re.fullmatch(r"\s*(?:[、,，]|和|及|与)\s*", self.text[prev.end : prefix_start])
            is not None
        )
        kind = "rate" if unit == "%" else "count"
        direction = self.group[0].direction if continues and self.group_kind == "change" else ""
        if verb or (continues and self.group_kind == "change"):
            direction = "up" if verb in UP else "down" if verb in DOWN else direction
            if unit in ("%", "个百分点"):
                kind = "change"
                if verb and not pm.group("cmp") and "同比" not in n[clause_start:prefix_start]:
                    notes.append("a change with no 同比/较上年 beside it: compared with what?")
            elif verb:
                notes.append(f"printed after {verb}: an increase or decrease, not a total")
        elif unit == "个百分点":
            kind = "change"
            direction = "down" if any(w in n[clause_start : t.start] for w in DOWN) else "up"
            notes.append("percentage points with no 提高/下降 beside them: check the direction")
        if kind == "rate" and value > 100:
            notes.append("over 100%: not a share of a whole; record it another way or drop it")

        label_from = (
            max(clause_start, prev.end) if same_clause and prev is not None else clause_start
        )
        after_end = _label_end(n, end)
        label = (
            label
            if label is not None
            else _label(self.text[label_from:prefix_start], self.text[end:after_end])
        )
        if not label and (verb or pm.group("cmp")):
            # "比上年增加200件": name it after what the clause before measured, and how it moved.
            moved = _clean(self.text[prefix_start : pm.end("verb") if verb else pm.end("cmp")])
            previous = prev.label if prev is not None and prev.sentence == sentence else ""
            label = _fit(previous + moved)
        subject = _clean(self.text[clause_start:prefix_start])
        if "累计" in self.text[clause_start:prefix_start]:
            notes.append("cumulative (累计): check the period")
        if t.chinese:
            notes.append("written in Chinese numerals")

        draft = _Draft(
            value=value,
            unit=unit,
            kind=kind,
            qualifier=qualifier,
            start=printed_start,
            end=end,
            label=label,
            period=self._period(t.start, sentence),
            sentence=sentence,
            direction=direction,
            notes=notes,
            printed_decimals=printed_decimals,
        )

        if self._before_after(draft, t, clause_start, prev):
            return

        # A change right after a count or rate of the same sentence belongs to that figure:
        # "新收申请177件，同比增长133%" is one indicator with its change.
        if (
            kind == "change"
            and not each
            and not continues
            and prev is not None
            and prev.sentence == sentence
            and prev.kind in ("count", "rate")
            and prev.change is None
            and re.fullmatch(r"[\s,，(（]*", self.text[prev.end : prefix_start]) is not None
        ):
            self._close_group()
            prev.change = Change(
                direction="up" if direction == "up" else "down",
                value=float(value),
                decimals=decimals,
                unit="个百分点" if unit == "个百分点" else "%",
            )
            prev.change_printed = self.text[prefix_start:end]
            prev.change_start = prefix_start
            return

        if continues:
            self.group.append(draft)
        else:
            self._close_group()
            if each:
                self.group, self.group_kind, self.group_subject = (
                    [draft],
                    "change" if kind == "change" else "each",
                    subject,
                )
            elif pm.group("all"):
                self.group, self.group_kind, self.group_subject = [draft], "all", subject
        self.figures.append(draft)

    def _table_cell(self, t: _Token, tail: str) -> tuple[str, str] | None:
        """(unit, label) when the number is a whole cell of a table whose 单位 line names the
        unit.
        """
        while self._table_i < len(self._tables) and self._tables[self._table_i].end <= t.start:
            self._table_i += 1
        if self._table_i >= len(self._tables):
            return None
        table = self._tables[self._table_i]
        if not table.start <= t.start < table.end:
            return None
        before = self.norm[t.start - 1] if t.start else "\n"
        after = tail[:1] or "\n"
        if before not in "\t\n" or after not in "\t\n":
            return None  # a number inside a cell's words, not the cell
        line_start = self.norm.rfind("\n", table.start, t.start) + 1
        cells = self.text[line_start : t.start].split("\t")
        column = len(cells) - 1
        row = cells[0].strip() if column > 0 and not re.search(r"\d", cells[0]) else ""
        header = table.header[column] if column < len(table.header) else ""
        return table.unit, _fit(row + header)

    def _before_after(
        self, draft: _Draft, t: _Token, clause_start: int, prev: _Draft | None
    ) -> bool:
        """Record 由X压缩至Y as one figure Y whose prior is X; True when `draft` was recorded so."""
        n = self.norm
        pending, self._pending_prior = self._pending_prior, None
        candidates: list[tuple[int, int, Decimal, str]] = []  # (start, end, value, unit)
        if prev is not None and prev.sentence == draft.sentence and prev.kind in ("count", "rate"):
            candidates.append((prev.start, prev.end, prev.value, prev.unit))
        if (
            pending is not None
            and pending[0].end <= t.start
            and pending[0].start >= draft.sentence[0]
        ):
            candidates.append((pending[0].start, pending[0].end, pending[0].value, ""))
        for x_start, x_end, x_value, x_unit in sorted(candidates, key=lambda c: -c[1]):
            if x_unit and x_unit != draft.unit:
                continue
            mark = BEFORE_MARK_RE.search(n, max(clause_start, x_start - 6), x_start)
            between = re.sub(r"(?:约|近|超过|达到|达)$", "", n[x_end : t.start])
            if mark is None or BEFORE_AFTER_RE.fullmatch(between) is None:
                continue
            if x_unit:
                assert prev is not None
                assert self.figures[-1] is prev
                self.figures.pop()
                if prev in self.group:
                    self.group.remove(prev)
            else:
                assert pending is not None
                del self.skipped[pending[1]]
            draft.prior = x_value
            draft.prior_printed = self.text[x_start:x_end]
            draft.start = mark.start()
            label = _label(self.text[clause_start : mark.start()], "")
            draft.label = label
            draft.notes.append(
                f"before and after: {self.text[x_start:x_end]} → "
                f"{self.text[t.start : draft.end]} (recorded as prior and value)"
            )
            if draft.kind == "change":
                draft.kind = "rate" if draft.unit == "%" else "count"
            self._close_group()
            self.figures.append(draft)
            return True
        return False

    def _close_group(self) -> None:
        group, kind, subject = self.group, self.group_kind, self.group_subject
        self.group, self.group_kind, self.group_subject = [], "", ""
        if not group:
            return
        items = [i for i in (_clean(x) for x in re.split(r"[、和及与]", subject)) if i]
        if kind == "all":
            # "办结率和满意率均为100%": one printed number, one figure per subject.
            if len(items) < 2 or len(group) != 1 or any(len(i) > 20 for i in items):
                return
            first = group[0]
            first.label = _fit(items[0])
            first.notes.append(f"one printed number for {len(items)} figures (均…)")
            at = next(k for k in range(len(self.figures) - 1, -1, -1) if self.figures[k] is first)
            for k, item in enumerate(items[1:], start=1):
                twin = _Draft(**{**first.__dict__, "label": _fit(item), "notes": list(first.notes)})
                self.figures.insert(at + k, twin)
            return
        if len(items) == len(group):
            for draft, item in zip(group, items, strict=True):
                draft.label = _fit(item)
        elif subject:
            for draft in group:
                draft.label = _fit(subject)
                draft.notes.append("one of several figures printed for one subject (分别…)")

    def _period(self, pos: int, sentence: tuple[int, int]) -> tuple[str, str]:
        """(period code, the words it came from) from the last period words before `pos` in its
        sentence.
        """
        i = self._period_i
        while i < len(self.periods) and self.periods[i][0] < pos:
            i += 1
        self._period_i = i
        found = self.periods[i - 1][1] if i and self.periods[i - 1][0] >= sentence[0] else None
        y = self.year
        if found is None:
            return str(y), ""
        words = self.text[found.start() : found.end()]
        g = found.groupdict()
        if g["ym"] or g["mm"]:
            year = int(g["y1"]) if g["y1"] else y
            a, b = int(g["m1"] or g["m3"]), int(g["m2"] or g["m4"])
            return _months(year, a, b), words
        if g["until"]:
            year = int(g["y2"]) if g["y2"] else y
            return _months(year, 1, int(g["m5"])), words
        if g["h1"]:
            return _months(y, 1, 6), words
        if g["q3"]:
            return _months(y, 1, 9), words
        if g["todate"]:
            return f"{y}-to-date", words
        if g["year"]:
            year = int(g["y3"])
            return str(year if 1949 <= year <= 2100 else y), words
        return str(y), words

    def _freeze(self, d: _Draft) -> Figure:
        decimals = d.printed_decimals
        if decimals is None:
            exponent = d.value.normalize().as_tuple().exponent
            decimals = max(0, -int(exponent))
        value = float(d.value)
        if d.kind == "change" and d.direction == "down":
            value = -value
        section = self.outline.section_at(d.start)
        s, e = d.sentence
        return Figure(
            value=value,
            decimals=decimals,
            unit=d.unit,
            kind=d.kind,  # type: ignore[arg-type]
            qualifier=d.qualifier,  # type: ignore[arg-type]
            printed=self.text[d.start : d.end],
            offset=d.start,
            label=d.label or "待补充",
            section=section.path if section else "",
            period=d.period[0],
            period_words=d.period[1],
            sentence=self.text[s:e].strip(),
            sentence_offset=s,
            change=d.change,
            change_printed=d.change_printed,
            change_offset=d.change_start,
            prior=float(d.prior) if d.prior is not None else None,
            prior_printed=d.prior_printed,
            notes=tuple(dict.fromkeys(d.notes)),
        )


# ---------------------------------------------------------------------------------------------
# Helpers


def _one_of(ch: str, chars: str) -> bool:
    """`ch in chars` for one character; an empty string (start or end of text) is in nothing."""
    return len(ch) == 1 and ch in chars


def _is_han(ch: str) -> bool:
    return bool(ch) and "\u4e00" <= ch <= "\u9fff"


def _months(year: int, a: int, b: int) -> str:
    if not 1 <= a <= b <= 12:
        return str(year)
    if a == 1 and b == 12:
        return str(year)
    return f"{year}-{a:02d}..{year}-{b:02d}"


def _report_year(title: str, norm: str) -> int:
    m = re.search(r"(\d{4})年", normalise(title))
    if m and 1949 <= int(m.group(1)) <= 2100:
        return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"(?<!\d)(\d{4})年", norm) if 1949 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else 2000


def _enclosure_states(norm: str, positions: list[int]) -> dict[int, str]:
    """For each position (sorted): 'title' inside 《》, 'quote' inside quotes, on its own line; one
    pass.
    """
    out: dict[int, str] = {}
    titles = quotes = straight = corner = 0
    k = 0
    for i, ch in enumerate(norm):
        while k < len(positions) and positions[k] == i:
            if titles > 0:
                out[i] = "title"
            elif quotes > 0 or straight % 2 or corner > 0:
                out[i] = "quote"
            k += 1
        if k >= len(positions):
            break
        if ch == "\n":
            titles = quotes = straight = corner = 0
        elif ch == "《":
            titles += 1
        elif ch == "》":
            titles -= 1
        elif ch == "“":
            quotes += 1
        elif ch == "”":
            quotes -= 1
        elif ch == '"':
            straight += 1
        elif ch == "「":
            corner += 1
        elif ch == "」":
            corner -= 1
    return out


@dataclass(frozen=True)
class _Table:
    start: int  # the rows after a 单位 line, up to the first line without a tab
    end: int
    unit: str
    header: tuple[str, ...]  # the first row's cells, when they hold no digits


UNIT_LINE_RE = re.compile(r"单位[:：]\s*(?P<unit>[^\s）)，,。;；]{1,4})")


def _table_units(text: str) -> list[_Table]:
    """Tables flattened to tab-separated lines under a 单位：件 line: the unit their bare cells
    carry.
    """
    out: list[_Table] = []
    for m in UNIT_LINE_RE.finditer(text):
        unit = m.group("unit")
        if re.fullmatch(UNIT_PATTERN, unit) is None and unit not in COUNTED_NOUNS:
            continue
        line_end = text.find("\n", m.end())
        if line_end < 0:
            continue
        start = pos = line_end + 1
        header: tuple[str, ...] = ()
        while pos < len(text):
            nxt = text.find("\n", pos)
            nxt = len(text) if nxt < 0 else nxt
            line = text[pos:nxt]
            if "\t" not in line:
                break
            if not header and not re.search(r"\d", line):
                header = tuple(c.strip() for c in line.split("\t"))
            pos = nxt + 1
        if pos > start:
            out.append(_Table(start, pos, unit, header))
    return out


CLAUSE_REACH = 120  # how far back a clause is looked for: a label never needs more


def _clause_start(norm: str, pos: int, floor: int) -> int:
    floor = max(floor, pos - CLAUSE_REACH)
    i = pos - 1
    while i >= floor:
        if norm[i] == ")":
            # A short aside such as 村（社区） belongs to the noun, it does not end the clause.
            opening = norm.rfind("(", max(floor, i - 10), i)
            if opening >= 0 and not any(c in CLAUSE_BREAK - {"(", ")"} for c in norm[opening:i]):
                i = opening - 1
                continue
        if norm[i] in CLAUSE_BREAK:
            break
        i -= 1
    return i + 1


def _label_end(norm: str, pos: int) -> int:
    """Where the words after a figure stop: punctuation, the next number, or 16 characters."""
    i = pos
    limit = min(len(norm), pos + 16)
    while i < limit and norm[i] not in CLAUSE_BREAK and norm[i] != "、" and not norm[i].isdigit():
        i += 1
    return i


def _clean(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = text.replace("累计", "").replace("合计", "").replace("总计", "")
    for _ in range(3):
        text = LEAD_RE.sub("", text)
        text = TRAIL_RE.sub("", text)
    return text


def _label(before: str, after: str) -> str:
    """The noun phrase a number measures: the words before it, plus the words right after it."""
    before = _clean(before)
    # "各级人民调解组织共立案调解1109件": what is counted follows 共.
    rest = TOTAL_RE.split(before)[-1]
    if len(rest) >= 2:
        before = rest
    after = re.sub(r"\s+", "", after).rstrip("的")
    after = TRAIL_RE.sub("", after)
    if len(before) + len(after) > LABEL_MAX:
        keep_after = after[:16]
        before = before[-(LABEL_MAX - len(keep_after)) :]
        after = keep_after
    return _fit(before + after)


def _fit(label: str) -> str:
    label = label.strip("，,、；;：: ")
    if len(label) > LABEL_MAX:
        label = label[-LABEL_MAX:]
    return label
