"""Tests for `briefing.extract`: hand-made report texts with known figures in, recall/precision and
drafts checked out.

The reports below are written for these tests in the style of the annual rule-of-law reports; none
of their sentences comes from a real report. The seed report, where present, is measured against its
hand-made dataset (data/liujiang-2024.yaml), which is the ground truth for it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import yaml
from extract_reports import BEIXI, HEFENG, LANXI, QINGHE, SHIWAN, YUNTANG, Case
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.errors import ReportError
from briefing.extract import draft_json, draft_yaml, extract_figures, read_report
from briefing.extract.relations import suggest_relations
from briefing.extract.structure import cn_number
from briefing.extract.types import Extraction, Figure
from briefing.load import load_dataset, parse_dataset

ROOT = Path(__file__).resolve().parents[1]

# A report with full-width headings, every kind of figure and many numbers that are not figures.
REPORT_A = """某某区2024年度法治政府建设情况报告

2024年，某某区坚持依法行政，印发《某某区法治政府建设实施方案》（某政发〔2024〕5号），各项工作取得新进展。

一、2024年度法治政府建设主要工作及成效

（一）加强组织领导，压实工作责任

今年以来，区政府常务会议专题学法6次，举办领导干部法治讲座3场。全年组织旁听庭审活动2次，参加人员达420人次。区长连续四年作为第一责任人述法，9月30日前完成年度考评。

（二）深化简政放权，优化营商环境

1. 审批服务提速增效。全区共办理政务服务事项5.6万余件，网上办理率达96.5%以上，\
承诺时限平均压缩至3个工作日。推行“1+3”帮办模式，开通12345企业服务专线。
2.监管执法更加精准。目前已公布行政检查事项清单1520条。入企检查、罚没金额同比分别下降23.5%、12.08%；对轻微违法行为不予处罚约150余件。

（三）严格规范执法

1、队伍建设。开展执法人员培训班五期，培训近900人，考试合格率为98%。建成区、镇、村、组四级网格。
2、执法监督。2024年1-10月，办理行政复议案件86件，同比增长21.3%，纠错率提高2.5个百分点。聘请行政执法监督员十二名，咨询电话0771-5551234。

（四）化解矛盾纠纷

上半年，各级调解组织受理纠纷超过2000件，调解成功1985件。信访事项办结率和群众满意率均为99%。落实“三项制度”，编印《2023年度典型案例汇编》。

二、工作中的不足

一是执法人员专业素质有待提高。二是基层法治力量薄弱，截至10月底仍有3个村未配备法律顾问。

三、2025年度工作计划

（一）持续推进法治宣传。落实“八五”普法规划，办好第2期法治讲堂，培训1000人次以上。
"""

# (value, unit, kind, qualifier, section, period, type) of every figure in REPORT_A.
EXPECTED_A = [
    (6, "次", "count", "exact", "一（一）", "2024-to-date", "count"),
    (3, "场", "count", "exact", "一（一）", "2024-to-date", "count"),
    (2, "次", "count", "exact", "一（一）", "2024", "count"),
    (420, "人次", "count", "exact", "一（一）", "2024", "count"),
    (4, "年", "count", "exact", "一（一）", "2024", "streak"),
    (56000, "件", "count", "more_than", "一（二）1", "2024", "multiplier"),
    (96.5, "%", "rate", "at_least", "一（二）1", "2024", "rate"),
    (3, "个工作日", "count", "exact", "一（二）1", "2024", "count"),
    (1520, "条", "count", "exact", "一（二）2", "2024-to-date", "count"),
    (-23.5, "%", "change", "exact", "一（二）2", "2024", "change"),
    (-12.08, "%", "change", "exact", "一（二）2", "2024", "change"),
    (150, "件", "count", "more_than", "一（二）2", "2024", "multiplier"),
    (5, "期", "count", "exact", "一（三）1", "2024", "chinese"),
    (900, "人", "count", "nearly", "一（三）1", "2024", "count"),
    (98, "%", "rate", "exact", "一（三）1", "2024", "rate"),
    (86, "件", "count", "exact", "一（三）2", "2024-01..2024-10", "count"),  # carries +21.3%
    (2.5, "个百分点", "change", "exact", "一（三）2", "2024-01..2024-10", "change"),
    (12, "名", "count", "exact", "一（三）2", "2024", "chinese"),
    (2000, "件", "count", "over", "一（四）", "2024-01..2024-06", "count"),
    (1985, "件", "count", "exact", "一（四）", "2024-01..2024-06", "count"),
    (99, "%", "rate", "exact", "一（四）", "2024", "rate"),
    (99, "%", "rate", "exact", "一（四）", "2024", "rate"),
    (3, "个", "count", "exact", "二（二是）", "2024-01..2024-10", "count"),
    (1000, "人次", "count", "at_least", "三（一）", "2024", "count"),
]

# Numbers in REPORT_A that must not become figures, with the reason they must be skipped for.
NOT_FIGURES_A = [
    ("〔2024〕", "2024", "document number"),
    ("5号", "5", "document number"),
    ("9月", "9", "date"),
    ("30日", "30", "date"),
    ("“1+3”", "1", "name"),
    ("“1+3”", "3", "name"),
    ("12345企业", "12345", "hotline"),
    ("0771-", "0771", "phone"),
    ("-5551234", "5551234", "phone"),
    ("1-10月", "1", "date"),
    ("第2期", "2", "ordinal"),
    ("《2023年度", "2023", "title"),
    ("四级", "四", "grade"),
    ("三项制度", "三", "phrase"),
]

# ASCII punctuation in headings, a fourth level and a table of figures.
REPORT_B = """某某县2023年法治政府建设工作报告
一、主要成效
(一)依法决策
1.合法性审查。审查重大行政决策事项15件，审核政府合同48份，涉及金额3.2亿元。
(1)规范性文件。备案审查规范性文件两件，清理文件120余件。
(二)执法监督
1、案卷评查。评查案卷300卷，发现问题近40个。
二、存在的问题
一是学法不够系统。二是培训覆盖面窄，仅覆盖27%的执法人员。三是执法装备不足。
"""

EXPECTED_B = [
    (15, "件", "count", "exact", "一（一）1", "2023", "count"),
    (48, "份", "count", "exact", "一（一）1", "2023", "count"),
    (3.2, "亿元", "count", "exact", "一（一）1", "2023", "count"),
    (2, "件", "count", "exact", "一（一）1（1）", "2023", "chinese"),
    (120, "件", "count", "more_than", "一（一）1（1）", "2023", "multiplier"),
    (300, "卷", "count", "exact", "一（二）1", "2023", "count"),
    (40, "个", "count", "nearly", "一（二）1", "2023", "count"),
    (27, "%", "rate", "exact", "二（二是）", "2023", "rate"),
]


def _key(f: Figure) -> tuple[float, str, str, str, str]:
    return (round(f.value, 6), f.unit, f.kind, f.qualifier, f.section)


def _measure(
    ex: Extraction, expected: list[tuple]
) -> tuple[dict[str, tuple[int, int]], list[Figure]]:
    """Per figure type (found, expected), and the extracted figures no expectation accounts for."""
    pool = list(ex.figures)
    per_type: dict[str, list[int]] = {}
    for value, unit, kind, qualifier, section, _period, ftype in expected:
        found = next(
            (f for f in pool if _key(f) == (round(value, 6), unit, kind, qualifier, section)), None
        )
        counts = per_type.setdefault(ftype, [0, 0])
        counts[1] += 1
        if found is not None:
            counts[0] += 1
            pool.remove(found)
    return {k: (v[0], v[1]) for k, v in per_type.items()}, pool


# ---------------------------------------------------------------------------------------------
# Figures, by type


@pytest.mark.parametrize(
    ("report", "expected"), [(REPORT_A, EXPECTED_A), (REPORT_B, EXPECTED_B)], ids=["A", "B"]
)
def test_recall_and_precision_per_figure_type(report: str, expected: list[tuple]) -> None:
    ex = extract_figures(report)
    per_type, extra = _measure(ex, expected)
    for ftype, (found, total) in sorted(per_type.items()):
        print(f"  {ftype:<10} recall {found}/{total}")
    print(f"  non-figures taken: {len(extra)} of {len(ex.figures)}")
    missing = {t: c for t, c in per_type.items() if c[0] != c[1]}
    assert not missing, (
        f"figures missed: {missing}; extracted "
        f"{[(f.printed, f.section, f.kind, f.qualifier) for f in ex.figures]}"
    )
    assert not extra, (
        f"taken but not figures: {[(f.printed, f.section, f.kind, f.qualifier) for f in extra]}"
    )


def test_periods() -> None:
    ex = extract_figures(REPORT_A)
    pool = list(ex.figures)
    for value, unit, kind, qualifier, section, period, _ in EXPECTED_A:
        f = next(f for f in pool if _key(f) == (round(value, 6), unit, kind, qualifier, section))
        pool.remove(f)
        assert f.period == period, (f.printed, f.period, period)
    assert {f.period_words for f in ex.figures} >= {
        "今年以来",
        "全年",
        "目前",
        "2024年1-10月",
        "上半年",
        "截至10月底",
    }


def test_change_attached_to_the_count_it_follows() -> None:
    ex = extract_figures(REPORT_A)
    cases = next(f for f in ex.figures if f.printed == "86件")
    assert cases.change is not None
    assert (cases.change.direction, cases.change.value, cases.change.unit) == ("up", 21.3, "%")
    assert cases.change_printed == "同比增长21.3%"
    falls = [f for f in ex.figures if f.kind == "change" and f.unit == "%"]
    assert [(f.value, f.label) for f in falls] == [(-23.5, "入企检查"), (-12.08, "罚没金额")]


def test_printed_wording_and_offsets_point_into_the_text() -> None:
    ex = extract_figures(REPORT_A)
    for f in ex.figures:
        assert REPORT_A[f.offset : f.offset + len(f.printed)] == f.printed
        assert f.printed in f.sentence
    printed = [f.printed for f in ex.figures]
    assert "5.6万余件" in printed
    assert "约150余件" in printed
    assert "近900人" in printed
    assert "96.5%以上" in printed
    assert "超过2000件" in printed
    assert "十二名" in printed


def test_labels_are_the_measured_noun_phrase() -> None:
    ex = extract_figures(REPORT_A)
    labels = {f.printed: f.label for f in ex.figures}
    assert labels["6次"] == "区政府常务会议专题学法"
    assert labels["1520条"] == "公布行政检查事项清单"
    assert labels["1985件"] == "调解成功"
    assert labels["98%"] == "考试合格率"
    shared = [f.label for f in ex.figures if f.printed == "99%"]
    assert shared == ["信访事项办结率", "群众满意率"]
    assert all(len(f.label) <= 40 for f in ex.figures)


@pytest.mark.parametrize(
    ("sentence", "labels"),
    [
        ("全区共有村（社区）150个，均已配备法律顾问。", ["村（社区）"]),
        ("各镇共受理调解申请64件。", ["受理调解申请"]),
        ("受理案件1200件，比上年增加200件。", ["受理案件", "受理案件比上年增加"]),
        ("较上年同期增长15.2%。", ["较上年同期增长"]),
        ("审查规范性文件12件、合同30份。", ["审查规范性文件", "合同"]),
    ],
)
def test_label_drafting(sentence: str, labels: list[str]) -> None:
    assert [f.label for f in extract_figures(sentence).figures] == labels


def test_qualifier_both_approx_and_more_is_more_than() -> None:
    (f,) = extract_figures("（一）执法\n全年办结案件约300余件。\n").figures
    assert (f.value, f.qualifier) == (300, "more_than")
    assert any("约" in n for n in f.notes)


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "qualifier"),
    [
        ("走访群众2万余人次。", 20000, "人次", "more_than"),
        ("线上投票达1万票。", 10000, "票", "exact"),
        ("投入资金1.5亿元。", 1.5, "亿元", "exact"),
        ("节约经费300余万元。", 300, "万元", "more_than"),
        ("服务企业3.5万家。", 35000, "家", "exact"),
        ("覆盖20多个村。", 20, "个", "more_than"),
        ("受理1,313件。", 1313, "件", "exact"),
        ("提速率达９１％以上。", 91, "%", "at_least"),
        ("覆盖约85%的企业。", 85, "%", "approx"),
        ("共8大领域开展监督。", 8, "大领域", "exact"),
        ("建成两个示范点。", 2, "个", "exact"),
        ("培训二十余人。", 20, "人", "more_than"),
        ("审结案件逾500件。", 500, "件", "over"),
        ("罚没金额同比增幅12.5%。", 12.5, "%", "exact"),
        ("每人培训至少30课时。", 30, "课时", "at_least"),
    ],
)
def test_single_figures(sentence: str, value: float, unit: str, qualifier: str) -> None:
    figures = extract_figures(sentence).figures
    assert [(f.value, f.unit, f.qualifier) for f in figures] == [(value, unit, qualifier)]


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("依据某政办发〔2023〕12号文件执行。", "document number"),
        ("于2024年9月30日前完成。", "date"),
        ("拨打12345热线反映问题。", "hotline"),
        ("开展第3期培训。", "ordinal"),
        ("推行“2+N”工作法。", "name"),
        ("推广5G执法终端。", "name"),
        ("学习《2024年普法要点》。", "title"),
        ("创建3A级景区。", "grade"),
        ("实现近3年零事故。", "years"),
        ("评分95.5，排名靠前。", "no unit"),
        ("申请量增长了1.5倍。", "multiple"),
        ("考核位列全市前3名。", "rank"),
        ("建成15分钟法律服务圈。", "name"),
        ("提供7×24小时服务。", "name"),
        ("历时3个多月完成。", "months"),
        ("版本号为2.1.3。", "dotted number"),
    ],
)
def test_non_figures_are_skipped_with_a_reason(sentence: str, reason: str) -> None:
    ex = extract_figures(sentence)
    assert ex.figures == ()
    assert ex.skipped, "a number must never be dropped silently"
    assert any(reason in s.reason for s in ex.skipped), [s.reason for s in ex.skipped]


def test_non_figures_of_report_a_are_reported() -> None:
    ex = extract_figures(REPORT_A)
    by_offset = {s.offset: s for s in ex.skipped}
    for context, token, reason in NOT_FIGURES_A:
        at = REPORT_A.index(context) + context.index(token)
        assert at in by_offset, f"{token} in {context} was not reported"
        assert reason in by_offset[at].reason, (context, by_offset[at].reason)
    # Chinese numerals that are not counts stay out of the figures.
    assert not any(f.printed.startswith(("一", "四", "八", "三")) for f in ex.figures)


def test_chinese_numerals() -> None:
    assert [
        cn_number(s)
        for s in ("十二", "二十", "两百", "一百零五", "三万", "八五", "十四五", "二〇二四")
    ] == [
        12,
        20,
        200,
        105,
        30000,
        None,
        None,
        None,
    ]
    ex = extract_figures(
        "进一步提高效率，推行一次性告知，落实“两个维护”，建设三调联动机制，新建三个调解室。"
    )
    assert [(f.value, f.unit) for f in ex.figures] == [(3, "个")]


# ---------------------------------------------------------------------------------------------
# Structure


def test_section_paths_with_full_width_and_ascii_markers() -> None:
    paths = [s.path for s in extract_figures(REPORT_A).sections]
    assert paths[:6] == ["一", "一（一）", "一（二）", "一（二）1", "一（二）2", "一（三）"]
    assert "二（一是）" in paths
    assert "二（二是）" in paths
    assert "三（一）" in paths
    b = extract_figures(REPORT_B)
    assert [s.path for s in b.sections] == [
        "一",
        "一（一）",
        "一（一）1",
        "一（一）1（1）",
        "一（二）",
        "一（二）1",
        "二",
        "二（一是）",
        "二（二是）",
        "二（三是）",
    ]
    assert [s.ident for s in b.sections][3] == "s1_1_1_1"
    assert b.sections[2].title == "合法性审查"
    assert b.title == "某某县2023年法治政府建设工作报告"
    assert b.year == 2023


def test_last_sentence_without_full_stop() -> None:
    (f,) = extract_figures("（一）调解\n全年受理纠纷58件，全部调解成功").figures
    assert f.sentence == "全年受理纠纷58件，全部调解成功"


def test_enumerations_inside_a_section_and_meta_guesses() -> None:
    text = (
        "关于某某县2024年法治政府建设情况的报告\n一、主要成效\n（一）严格执法。一是加强培训，举"
        "办培训班6期；二是强化监督，开展检查40次。\n"
    )
    ex = extract_figures(text)
    assert ex.title.startswith("关于某某县")
    assert [(s.path, s.title) for s in ex.sections][2:] == [
        ("一（一）（一是）", "加强培训，举办培训班6期"),
        ("一（一）（二是）", "强化监督，开展检查40次"),
    ]
    assert [(f.section, f.label) for f in ex.figures] == [
        ("一（一）（一是）", "举办培训班"),
        ("一（一）（二是）", "开展检查"),
    ]
    ds = parse_dataset(draft_yaml(ex).encode("utf-8"), "draft.yaml")
    assert (ds.meta.district, ds.meta.year) == ("某某县", 2024)
    assert {i.area for i in ds.indicators} == {"area_1"}
    full = draft_yaml(
        extract_figures(
            "广西壮族自治区柳州市某某区2024年度法治政府建设工作报告\n一、成效\n（一）学法\n学法3次。\n"
        )
    )
    meta = parse_dataset(full.encode("utf-8"), "draft.yaml").meta
    assert (meta.province, meta.city, meta.district) == ("广西壮族自治区", "柳州市", "某某区")


def test_enumeration_needs_a_sentence_start() -> None:
    paths = [s.path for s in extract_figures("一、成效\n全区统一是关键，步调一致。\n").sections]
    assert paths == ["一"]


# ---------------------------------------------------------------------------------------------
# Reading files


def test_read_gbk_and_bom(tmp_path: Path) -> None:
    gbk = tmp_path / "report-gbk.txt"
    gbk.write_bytes(REPORT_A.encode("gbk"))
    bom = tmp_path / "report-bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + REPORT_A.replace("\n", "\r\n").encode("utf-8"))
    gb18030 = tmp_path / "report-gb18030.txt"
    gb18030.write_bytes(REPORT_B.encode("gb18030"))
    assert read_report(gbk) == REPORT_A
    assert read_report(bom) == REPORT_A
    assert read_report(gb18030) == REPORT_B


def test_read_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in REPORT_A.split("\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "事项"
    table.cell(0, 1).text = "件数"
    table.cell(1, 0).text = "受理复议"
    table.cell(1, 1).text = "共42件"
    document.add_paragraph("（完）")
    path = tmp_path / "report.docx"
    document.save(str(path))
    text = read_report(path)
    assert text.startswith(REPORT_A)
    assert "受理复议\t共42件\n（完）" in text
    ex = extract_figures(text)
    assert _measure(ex, EXPECTED_A)[1] == [next(f for f in ex.figures if f.printed == "42件")]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.7", "save the original as .docx"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "save it as .docx"),
        ("report.docx", b"not a zip", "not a readable .docx"),
        ("report.txt", b"\x00\x01\x02binary", "binary"),
        ("report.txt", b"ok \xff\xfe\xfd\x81\x20\xff" * 10, "neither UTF-8 nor GBK"),
        ("report.txt", b"   \n\n", "no text"),
    ],
)
def test_unreadable_reports_raise_report_error(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError, match=message) as info:
        read_report(path)
    assert str(path) in str(info.value)


def test_missing_report(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no such file"):
        read_report(tmp_path / "gone.txt")


# ---------------------------------------------------------------------------------------------
# The draft


def test_draft_loads_as_it_stands_and_marks_guesses(tmp_path: Path) -> None:
    ex = extract_figures(REPORT_A)
    text = draft_yaml(ex, source_name="a.txt")
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    ds = load_dataset(path)
    assert len(ds.indicators) == len(EXPECTED_A)
    assert [a.source for a in ds.areas] == ["一（一）", "一（二）", "一（三）", "一（四）"]
    assert ds.meta.district == "某某区"
    assert ds.meta.year == 2024
    assert [s.source for s in ds.shortcomings] == ["二（一是）", "二（二是）"]
    assert [p.source for p in ds.plans] == ["三（一）"]
    cases = next(i for i in ds.indicators if i.value == 86)
    assert cases.change is not None
    assert cases.change.value == 21.3
    assert cases.id == "s1_3_2_f01"
    assert cases.area == "area_3"
    outside = next(i for i in ds.indicators if i.source == "二（二是）")
    assert outside.period.code == "2024-01..2024-10"
    for line in text.splitlines():
        if line.strip().startswith(("label:", "period:", "area:")):
            assert "# REVIEW" in line, line
    assert "# REVIEW: area guessed from section 一（三）" in text
    assert "outside the achievements part's areas" in text  # the figure in part 二


def test_draft_after_review_markers_are_removed_still_loads() -> None:
    text = draft_yaml(extract_figures(REPORT_B))
    cleaned = "\n".join(
        line.split("  # REVIEW")[0]
        for line in text.splitlines()
        if not line.lstrip().startswith("#")
    )
    ds = parse_dataset(cleaned.encode("utf-8"), "cleaned.yaml")
    assert len(ds.indicators) == len(EXPECTED_B)


def test_relations_are_suggested_as_comments() -> None:
    text = draft_yaml(
        extract_figures(
            "（一）复议\n全年受理复议案件40件，其中，维持30件，撤销10件。\n受理调解100件，调解成功90件，成功率90%。\n"
        )
    )
    assert "# relations:" in text
    assert "kind: total, total: s1_f01, parts: [s1_f02, s1_f03]" in text
    assert "kind: rate, part: s1_f05, whole: s1_f04, rate: s1_f06" in text
    parse_dataset(text.encode("utf-8"), "draft.yaml")


def test_share_over_100_is_left_out_of_the_draft() -> None:
    text = draft_yaml(extract_figures("（一）执行\n完成年度目标的120%，办结案件12件。\n"))
    ds = parse_dataset(text.encode("utf-8"), "draft.yaml")
    assert [i.value for i in ds.indicators] == [12]
    assert "a share must lie within 0–100%" in text


def test_json_has_every_field() -> None:
    data = json.loads(draft_json(extract_figures(REPORT_A)))
    assert set(data) == {
        "title",
        "year",
        "sections",
        "figures",
        "skipped",
        "parts",
        "structure_notes",
        "relations",
    }
    assert [p["role"] for p in data["parts"]] == ["achievements", "shortcomings", "plans"]
    first = data["figures"][0]
    for key in (
        "value",
        "unit",
        "kind",
        "qualifier",
        "printed",
        "offset",
        "label",
        "section",
        "period",
        "sentence",
    ):
        assert key in first


# ---------------------------------------------------------------------------------------------
# The command


def test_command_writes_draft_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "a.txt"
    report.write_text(REPORT_A, encoding="utf-8")
    out = tmp_path / "drafts" / "a.yaml"
    assert main(["extract", str(report), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "24 figures" in printed
    assert "一（二）2" in printed
    assert "document number" in printed
    assert "hotline" in printed
    assert "it loads as it stands" in printed
    load_dataset(out)
    assert main(["extract", str(report), "-o", str(tmp_path / "a.json"), "--json"]) == 0
    assert len(json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["figures"]) == 24


def test_command_on_a_report_without_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "odd\nname.txt"
    report.write_text(
        "某某区2024年法治工作总结\n\n一、成效\n（一）学法\n坚持学法用法。\n", encoding="utf-8"
    )
    out = tmp_path / "draft.yaml"
    assert main(["extract", str(report), "-o", str(out)]) == 0
    assert "0 figures" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["indicators"] == []
    assert "no figures were found" in text


def test_command_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "a.txt"
    report.write_text(REPORT_A, encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.pdf"), "-o", str(tmp_path / "x.yaml")]) == 1
    assert "ReportError:" in capsys.readouterr().err
    assert main(["extract", str(report), "-o", str(report)]) == 1
    assert "is the report itself" in capsys.readouterr().err
    assert report.read_text(encoding="utf-8") == REPORT_A


# ---------------------------------------------------------------------------------------------
# Properties


_ALPHABET = st.sampled_from(
    list(
        "0123456789０１２件次人个%％余多约近万亿千以上年月日号第“”《》、，。；（）()一二三两"
        "十是同比下降增长共由从压缩至到连续成大\t\n 区镇村.-+"
    )
)


@settings(max_examples=150, deadline=None)
@given(st.text(_ALPHABET, max_size=120))
def test_any_text_gives_consistent_figures_and_a_loadable_draft(text: str) -> None:
    ex = extract_figures(text)
    for f in ex.figures:
        assert text[f.offset : f.offset + len(f.printed)] == f.printed
        assert f.kind != "count" or f.value >= 0
    for s in ex.skipped:
        assert text[s.offset : s.offset + len(s.text)] == s.text
    draft = draft_yaml(ex)
    yaml.safe_load(draft)
    if any(f.kind != "rate" or f.value <= 100 for f in ex.figures):
        parse_dataset(draft.encode("utf-8"), "draft.yaml")


# ---------------------------------------------------------------------------------------------
# The seed report against its hand-made dataset


def _seed() -> Path | None:
    names = [os.environ.get("BRIEFING_SEED_REPORT", "")]
    for folder in (ROOT.parent / "shared" / "seeds", ROOT.parents[1] / "shared" / "seeds"):
        names += [str(p) for p in sorted(folder.glob("000_*.txt"))] if folder.is_dir() else []
    return next((Path(n) for n in names if n and Path(n).is_file()), None)


def test_seed_report_recall_and_precision(tmp_path: Path) -> None:
    seed = _seed()
    if seed is None:
        pytest.skip("the seed report is not beside the project (set BRIEFING_SEED_REPORT)")
    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    ex = extract_figures(read_report(seed))
    draft = tmp_path / "draft.yaml"
    draft.write_text(draft_yaml(ex, source_name=seed.name), encoding="utf-8")
    drafted = load_dataset(draft)  # the raw draft loads
    pool = list(drafted.indicators)
    found = label_same = period_same = 0
    missed = []
    for ind in dataset.indicators:
        match = next(
            (
                d
                for d in pool
                if (d.value, d.unit, d.source, d.qualifier, d.kind)
                == (ind.value, ind.unit, ind.source, ind.qualifier, ind.kind)
            ),
            None,
        )
        if match is None:
            missed.append(f"{ind.id} {ind.printed} {ind.source}")
            continue
        pool.remove(match)
        found += 1
        assert match.change == ind.change, ind.id
        label_same += match.label == ind.label
        period_same += match.period == ind.period
    total = len(dataset.indicators)
    recall = found / total
    non_figures = len(pool) / len(drafted.indicators)
    print(
        f"\nseed {seed.name}: recall {found}/{total} = {recall:.1%}; "
        f"draft entries that are not dataset figures {len(pool)}/{len(drafted.indicators)} "
        f"= {non_figures:.1%}; "
        f"labels identical {label_same}/{found}; periods identical {period_same}/{found}"
    )
    assert total == 60
    # Every figure of the hand-made dataset, and nothing else: the seed is the project's baseline.
    assert recall == 1, f"missed: {missed}"
    assert non_figures == 0, f"not figures: {[(d.id, d.value, d.unit, d.source) for d in pool]}"
    reasons = Counter(s.reason for s in ex.skipped)
    assert reasons["year"] >= 5
    assert any("hotline" in r for r in reasons)


def test_extract_refuses_to_overwrite_a_draft(tmp_path, capsys):
    from briefing.cli import main

    report = tmp_path / "r.txt"
    report.write_text(
        "某某区2024年度法治政府建设工作报告\n\n一、主要举措\n\n（一）执法监督\n\n全年开展执法检查12次。\n",
        encoding="utf-8",
    )
    draft = tmp_path / "d.yaml"
    draft.write_text("reviewed: true\n", encoding="utf-8")
    assert main(["extract", str(report), "-o", str(draft)]) == 1
    assert "--force" in capsys.readouterr().err
    assert draft.read_text(encoding="utf-8") == "reviewed: true\n"
    assert main(["extract", str(report), "-o", str(draft), "--force"]) == 0
    assert "12" in draft.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Report texts in several styles, with every figure and relation written down in
# tests/extract_reports.py.


def _cases() -> list[Case]:
    return [YUNTANG, SHIWAN, BEIXI, QINGHE]


def _figure_at(ex: Extraction, wording: str) -> int:
    """The index of the figure printed at `wording` (`X#2`: its second occurrence in the text)."""
    word, _, nth = wording.partition("#")
    at = -1
    for _ in range(int(nth or 1)):
        at = ex.text.index(word, at + 1)
    end = at + len(word)
    # The figure whose printed span overlaps the wording: "败诉4件" names the figure 4件.
    spans = [
        k for k, f in enumerate(ex.figures) if f.offset < end and at < f.offset + len(f.printed)
    ]
    assert spans, f"no figure printed at {wording}"
    return spans[0]


def _measure_case(ex: Extraction, expected: list[tuple]) -> tuple[int, list[tuple], list[Figure]]:
    pool = list(ex.figures)
    found, missed = 0, []
    for value, unit, kind, qualifier, section in expected:
        hit = next(
            (f for f in pool if _key(f) == (round(value, 6), unit, kind, qualifier, section)), None
        )
        if hit is None:
            missed.append((value, unit, kind, qualifier, section))
            continue
        pool.remove(hit)
        found += 1
    return found, missed, pool


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.name)
def test_case_figures(case: Case) -> None:
    ex = extract_figures(case.text)
    found, missed, extra = _measure_case(ex, case.figures)
    print(
        f"\n{case.name}: recall {found}/{len(case.figures)}; entries that are not figures "
        f"{len(extra)}/{len(ex.figures)}"
    )
    assert not missed, (
        f"missed {missed}; got "
        f"{[(f.printed, f.value, f.unit, f.kind, f.qualifier, f.section) for f in ex.figures]}"
    )
    assert not extra, f"not figures: {[(f.printed, f.section, f.unit) for f in extra]}"


def test_held_out_reports() -> None:
    """Reports written after the rules, in other styles: measured, not tuned to
    (docs/extract.md).
    """
    found = expected = extra = taken = 0
    for case in (LANXI, HEFENG):
        ex = extract_figures(case.text)
        hits, missed, others = _measure_case(ex, case.figures)
        print(
            f"\n{case.name}: recall {hits}/{len(case.figures)}; not figures "
            f"{len(others)}/{len(ex.figures)}; missed {missed}"
        )
        found, expected = found + hits, expected + len(case.figures)
        extra, taken = extra + len(others), taken + len(ex.figures)
    assert found / expected >= 0.95
    assert extra / taken <= 0.05


@pytest.mark.parametrize(
    "case", [c for c in [*_cases(), LANXI, HEFENG] if c.relations], ids=lambda c: c.name
)
def test_case_relations_are_suggested(case: Case) -> None:
    ex = extract_figures(case.text)
    suggested = {
        (s.kind, tuple(sorted((role, v if isinstance(v, tuple) else (v,)) for role, v in s.roles)))
        for s in suggest_relations(ex)
    }
    for kind, roles in case.relations:
        key = tuple(
            sorted(
                (role, tuple(_figure_at(ex, w) for w in (v if isinstance(v, list) else [v])))
                for role, v in roles.items()
            )
        )
        assert (kind, key) in suggested, f"{kind} {roles} not suggested"


@pytest.mark.parametrize("case", [*_cases(), LANXI, HEFENG], ids=lambda c: c.name)
def test_case_structure_and_draft(case: Case) -> None:
    ex = extract_figures(case.text)
    text = draft_yaml(ex)
    ds = parse_dataset(text.encode("utf-8"), "draft.yaml")
    assert [a.source for a in ds.areas] == case.areas
    assert [s.source for s in ds.shortcomings] == case.shortcomings
    assert [p.source for p in ds.plans] == case.plans
    assert ("structure was not fully recognised" in text) == case.unrecognised
    # Every guess in the draft carries the review marker documented in docs/extract.md.
    for line in text.splitlines():
        if line.strip().startswith(("label:", "period:", "area:")):
            assert "# REVIEW" in line


def _uncovered_digits(ex: Extraction) -> list[tuple[int, str]]:
    """Offsets of ASCII or full-width digits that no figure, change or skipped entry accounts
    for.
    """
    covered = bytearray(len(ex.text))
    spans = [(f.offset, len(f.printed)) for f in ex.figures]
    spans += [(f.change_offset, len(f.change_printed)) for f in ex.figures if f.change_offset >= 0]
    spans += [(s.offset, len(s.text)) for s in ex.skipped]
    for start, length in spans:
        covered[start : start + length] = b"\x01" * length
    return [
        (i, ex.text[max(0, i - 8) : i + 8])
        for i, ch in enumerate(ex.text)
        if ("0" <= ch <= "9" or "０" <= ch <= "９") and not covered[i]
    ]


@pytest.mark.parametrize(
    "text",
    [REPORT_A, REPORT_B] + [c.text for c in [*_cases(), LANXI, HEFENG]],
    ids=["A", "B"] + [c.name for c in [*_cases(), LANXI, HEFENG]],
)
def test_no_digit_is_dropped_silently(text: str) -> None:
    assert _uncovered_digits(extract_figures(text)) == []


def test_no_digit_is_dropped_silently_in_the_seed() -> None:
    seed = _seed()
    if seed is None:
        pytest.skip("the seed report is not beside the project (set BRIEFING_SEED_REPORT)")
    assert _uncovered_digits(extract_figures(read_report(seed))) == []


_DIGITS = st.sampled_from([*list("0123456789０１２３"), "1,313", "12.5", "2024", "1-11"])
_GLUE = st.sampled_from(
    list(
        "件次人个%％余多约近万以上年月日号第“”《》、，。；：（）()一二三四是由从压缩至到降提"
        "高合计其中占比连续课时\n\t ,.:;-+个"
    )
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_DIGITS, _GLUE), max_size=60))
def test_no_digit_is_dropped_silently_in_any_text(pieces: list[str]) -> None:
    assert _uncovered_digits(extract_figures("".join(pieces))) == []


@pytest.mark.parametrize(
    ("sentence", "printed", "value", "unit", "qualifier", "notes"),
    [
        ("新增经营主体138个,483个村民小组", "483个", 483, "个", "exact", ""),
        ("办理援助案件，2474项。", "2474项", 2474, "项", "exact", ""),
        ("完成培训40课时。", "40课时", 40, "课时", "exact", ""),
        ("审批用时缩短至3个工作日以内。", "3个工作日以内", 3, "个工作日", "exact", "upper bound"),
        ("连续8年保持零事故。", "连续8年", 8, "年", "exact", "streak"),
        ("连续四年获评先进。", "连续四年", 4, "年", "exact", "streak"),
        ("案卷评查实现“四个100%”。", "四个100%", 100, "%", "exact", "applies to 4 items"),
        ("全区13镇全部建站。", "13镇", 13, "镇", "exact", "not a usual measure word"),
        ("近九成企业表示满意。", "近九成", 90, "%", "nearly", "tenths"),
        ("提高两个百分点。", "两个百分点", 2, "个百分点", "exact", ""),
        ("接待来访群众5000余人次。", "5000余人次", 5000, "人次", "more_than", ""),
        ("发放宣传资料3.2万份。", "3.2万份", 32000, "份", "exact", ""),
        ("3千余人参加培训。", "3千余人", 3000, "人", "more_than", ""),
        ("覆盖20多万人。", "20多万人", 200000, "人", "more_than", ""),
        ("满意率95%上下。", "95%上下", 95, "%", "approx", ""),
        ("修建绿道5千米。", "5千米", 5, "千米", "exact", ""),
    ],
)
def test_open_units_and_counted_phrases(
    sentence: str, printed: str, value: float, unit: str, qualifier: str, notes: str
) -> None:
    (f,) = [f for f in extract_figures(sentence).figures if f.printed == printed]
    assert (f.printed, f.value, f.unit, f.qualifier) == (printed, value, unit, qualifier)
    assert notes in " ".join(f.notes)


@pytest.mark.parametrize(
    ("sentence", "printed", "value", "prior", "unit"),
    [
        ("审批时限由20个工作日压缩至5个工作日。", "由20个工作日压缩至5个工作日", 5, 20, "个工作日"),
        ("办理时间从45天缩短到12天。", "从45天缩短到12天", 12, 45, "天"),
        ("审批时限由20压缩至5个工作日。", "由20压缩至5个工作日", 5, 20, "个工作日"),
        ("纠错率由12.5%降至8.3%。", "由12.5%降至8.3%", 8.3, 12.5, "%"),
        ("平均用时由原来的6小时减少到2小时。", "由原来的6小时减少到2小时", 2, 6, "小时"),
    ],
)
def test_before_after_pairs_are_one_figure(
    sentence: str, printed: str, value: float, prior: float, unit: str
) -> None:
    (f,) = extract_figures(sentence).figures
    assert (f.printed, f.value, f.prior, f.unit) == (printed, value, prior, unit)
    ds = parse_dataset(draft_yaml(extract_figures(sentence)).encode("utf-8"), "draft.yaml")
    assert ds.indicators[0].prior == prior


def test_an_implausible_before_value_is_left_out_of_the_draft() -> None:
    text = draft_yaml(
        extract_figures("（一）审批\n时限由1000000000000000天压缩至5天，受理12件。\n")
    )
    ds = parse_dataset(text.encode("utf-8"), "draft.yaml")
    assert [i.value for i in ds.indicators] == [12]
    assert "implausibly large" in text


def test_a_before_after_pair_with_its_change_is_checked() -> None:
    text = "（一）审批\n审批时限由20个工作日压缩至5个工作日，压缩75%。\n"
    ex = extract_figures(text)
    (f,) = ex.figures
    assert f.change is not None
    assert (f.change.direction, f.change.value) == ("down", 75)
    assert [s.kind for s in suggest_relations(ex)] == ["change"]


def test_rate_suggestion_says_when_the_counts_disagree() -> None:
    ex = extract_figures(QINGHE.text)
    (rate,) = [s for s in suggest_relations(ex) if s.kind == "rate"]
    assert "does not agree with 95.87%" in rate.reason
    assert "95.74" in rate.reason
    ok = extract_figures(YUNTANG.text)
    assert all("does not agree" not in s.reason for s in suggest_relations(ok))


def test_seed_relations_declared_by_hand_are_suggested() -> None:
    seed = _seed()
    if seed is None:
        pytest.skip("the seed report is not beside the project (set BRIEFING_SEED_REPORT)")
    dataset = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    ex = extract_figures(read_report(seed))
    pool = list(range(len(ex.figures)))
    index: dict[str, int] = {}
    for ind in dataset.indicators:
        for k in pool:
            f = ex.figures[k]
            if (f.value, f.unit, f.section, f.qualifier, f.kind) == (
                ind.value,
                ind.unit,
                ind.source,
                ind.qualifier,
                ind.kind,
            ):
                index[ind.id] = k
                pool.remove(k)
                break
    suggested = {
        (s.kind, tuple(sorted((role, v if isinstance(v, tuple) else (v,)) for role, v in s.roles)))
        for s in suggest_relations(ex)
    }
    found = []
    for rel in dataset.relations:
        roles = []
        for role in ("part", "whole", "rate", "total", "current", "prior"):
            if getattr(rel, role):
                roles.append((role, (index[getattr(rel, role)],)))
        for role in ("parts", "ids"):
            if getattr(rel, role):
                roles.append((role, tuple(index[x] for x in getattr(rel, role))))
        if (rel.kind, tuple(sorted(roles))) in suggested:
            found.append(rel.id)
    print(
        f"\nseed: {len(found)}/{len(dataset.relations)} declared relations suggested; "
        f"{len(suggested)} suggestions"
    )
    assert len(found) >= 13, sorted({r.id for r in dataset.relations} - set(found))


def test_the_command_lists_parts_and_structure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "beixi.txt"
    report.write_text(BEIXI.text, encoding="utf-8")
    assert main(["extract", str(report), "-o", str(tmp_path / "d.yaml")]) == 0
    out = capsys.readouterr().out
    assert "parts: 一 other, 二 other" in out
    assert "no part headed as achievements" in out
    report.write_text(YUNTANG.text, encoding="utf-8")
    assert main(["extract", str(report), "-o", str(tmp_path / "e.yaml")]) == 0
    out = capsys.readouterr().out
    assert "parts: 一 duties, 二 achievements, 三 shortcomings, 四 plans" in out
    assert "relations suggested for review" in out
    report.write_text(QINGHE.text, encoding="utf-8")
    assert main(["extract", str(report), "-o", str(tmp_path / "q.json"), "--json"]) == 0
    assert "to check: " in capsys.readouterr().out
    assert "does not agree with 95.87%" in (tmp_path / "q.json").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Hostile files: each is a clear ReportError, never a traceback, a hang or a huge allocation


def _zip(entries: dict[str, bytes], method: int = 8) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


_DOC = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>'
    b"<w:r><w:t>\xe5\x8f\x97\xe7\x90\x8612\xe4\xbb\xb6</w:t></w:r><w:r><w:br/><w:t>x</w:t></w:r></w:p>"
    b"</w:body></w:document>"
)


def _patched(data: bytes, offset_local: int, offset_central: int, value: bytes) -> bytes:
    """Overwrite a field of the (single) entry's local and central headers."""
    out = bytearray(data)
    local = out.index(b"PK\x03\x04")
    central = out.index(b"PK\x01\x02")
    out[local + offset_local : local + offset_local + len(value)] = value
    out[central + offset_central : central + offset_central + len(value)] = value
    return bytes(out)


def _bomb() -> bytes:
    import io
    import zipfile

    from briefing.extract.read import MAX_DOCX_XML_BYTES

    buf = io.BytesIO()
    block = b" " * (1 << 20)
    with (
        zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z,
        z.open("word/document.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(MAX_DOCX_XML_BYTES // len(block) + 2):
            part.write(block)
    return buf.getvalue()


def test_docx_text_in_order_without_tab_stops(tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(_zip({"word/document.xml": _DOC}))
    assert read_report(path) == "受理12件 x"


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "malformed",
            lambda: _zip({"word/document.xml": b"<w:document><w:body><w:p>"}),
            "XML is broken",
        ),
        (
            "entity bomb",
            lambda: _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?>'
                    b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c '
                    b'"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                    b"<d>&c;&c;&c;&c;</d>"
                }
            ),
            "DTD or entities",
        ),
        (
            "external entity",
            lambda: _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
                }
            ),
            "DTD or entities",
        ),
        ("zip bomb", _bomb, "inflate"),
        (
            "encrypted",
            lambda: _patched(_zip({"word/document.xml": _DOC}), 6, 8, b"\x01\x00"),
            "encrypted",
        ),
        (
            "unsupported method",
            lambda: _patched(_zip({"word/document.xml": _DOC}, 0), 8, 10, b"\x63\x00"),
            "compression method",
        ),
        ("no document part", lambda: _zip({"word/other.xml": _DOC}), "no word/document.xml"),
        ("truncated", lambda: _zip({"word/document.xml": _DOC})[:60], "not a readable .docx"),
        ("no body", lambda: _zip({"word/document.xml": b"<d/>"}), "no body"),
    ],
)
def test_broken_docx_gives_a_report_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, make, message: str
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(make())
    with pytest.raises(ReportError, match=message):
        read_report(path)
    assert main(["extract", str(path), "-o", str(tmp_path / "d.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ReportError:")
    assert "Traceback" not in err


def test_devices_fifos_and_oversized_files_are_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(ReportError, match="device, pipe or socket"):
        read_report(link)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReportError, match="device, pipe or socket"):
        read_report(fifo)  # must not hang waiting for a writer
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(21_000_000)
    with pytest.raises(ReportError, match="too large"):
        read_report(big)
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    with pytest.raises(ReportError, match="folder"):
        read_report(folder)


def test_word_list_numbering_becomes_heading_markers(tmp_path: Path) -> None:
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def para(text: str, num: str = "", style: str = "") -> bytes:
        pr = b""
        if num:
            level, num_id = num.split("/")
            pr = (
                f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId '
                f'w:val="{num_id}"/></w:numPr></w:pPr>'
            ).encode()
        elif style:
            pr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>'.encode()
        return pr.join([b"<w:p>", f"<w:r><w:t>{text}</w:t></w:r></w:p>".encode()])

    body = b"".join(
        [
            para("某某区2024年法治政府建设年度报告"),
            para("主要举措和成效", style="H1"),
            para("依法决策", "1/5"),
            para("审查合同12份。"),
            para("严格执法", "1/5"),
            para("开展检查30次。"),
            para("存在的不足", style="H1"),
            para("队伍力量不足。", "2/5"),
            para("下一步计划", style="H1"),
            para("一个要点", "0/7"),
        ]
    )
    document = b"<w:document " + ns + b"><w:body>" + body + b"</w:body></w:document>"
    numbering = (
        b"<w:numbering " + ns + b">"
        b'<w:abstractNum w:abstractNumId="3">'
        b'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt '
        b'w:val="chineseCounting"/><w:lvlText w:val="%1\xe3\x80\x81"/></w:lvl>'
        b'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt '
        b'w:val="chineseCounting"/><w:lvlText w:val="\xef\xbc\x88%2\xef\xbc\x89"/></w:lvl>'
        b'<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText '
        b'w:val="%3."/></w:lvl>'
        b"</w:abstractNum>"
        b'<w:abstractNum w:abstractNumId="4"><w:lvl w:ilvl="0"><w:numFmt '
        b'w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>'
        b'<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>'
        b'<w:num w:numId="7"><w:abstractNumId w:val="4"/></w:num>'
        b"</w:numbering>"
    )
    styles = (
        b"<w:styles "
        + ns
        + (
            b'><w:style w:styleId="H1"><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId '
            b'w:val="5"/></w:numPr></w:pPr></w:style></w:styles>'
        )
    )
    path = tmp_path / "numbered.docx"
    path.write_bytes(
        _zip(
            {
                "word/document.xml": document,
                "word/numbering.xml": numbering,
                "word/styles.xml": styles,
            }
        )
    )
    text = read_report(path)
    assert text.split("\n") == [
        "某某区2024年法治政府建设年度报告",
        "一、主要举措和成效",
        "（一）依法决策",
        "审查合同12份。",
        "（二）严格执法",
        "开展检查30次。",
        "二、存在的不足",
        "1.队伍力量不足。",
        "三、下一步计划",
        "一个要点",
    ]
    ex = extract_figures(text)
    assert [(f.printed, f.section) for f in ex.figures] == [
        ("12份", "一（一）"),
        ("30次", "一（二）"),
    ]
