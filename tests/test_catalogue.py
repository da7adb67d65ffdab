"""The indicator catalogue: its shape, `code:` in datasets (validated with hints), and code
suggestions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.catalogue import catalogue, parse_catalogue, suggest_code
from briefing.cli import main
from briefing.errors import DatasetError
from briefing.load import load_dataset, parse_dataset

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")


def test_catalogue_shape():
    cat = catalogue()
    assert len(cat.entries) >= 40
    for entry in cat.entries:
        assert entry.group in cat.groups
        assert entry.unit == entry.units[0]
        assert entry.keywords, entry.code
        assert len(entry.short) <= 6
    # The indicators every annual report of this kind is asked about.
    for code in (
        "review.received",
        "review.correction_rate",
        "litigation.received",
        "litigation.loss_rate",
        "litigation.head_appearance_rate",
        "mediation.cases",
        "mediation.success_rate",
        "normative.filed",
        "enforcement.case_files_reviewed",
        "advisers.count",
        "publicity.events",
        "services.legal_aid_cases",
        "decisions.major_decisions",
        "decisions.legality_reviews",
    ):
        assert code in cat, code
    assert cat["review.correction_rate"].kind == "rate"
    assert cat["decisions.legality_reviews"].units == ("件", "件次", "份")


def test_malformed_catalogue_is_refused():
    text = "groups: {a: 甲}\nindicators:\n  - {code: a.x, name: 甲, kind: rate, unit: 件}\n"
    with pytest.raises(ValueError, match="counted in %"):
        parse_catalogue(text)
    with pytest.raises(ValueError, match="used twice"):
        parse_catalogue(
            "groups: {a: 甲}\nindicators:\n  - {code: a.x, name: 甲, kind: count, unit: 件}\n"
            "  - {code: a.x, name: 乙, kind: count, unit: 件}\n"
        )


def _with_indicator(extra: str) -> bytes:
    return (MINIMAL + extra).encode()


def test_code_is_read():
    ds = parse_dataset(
        _with_indicator(
            "  - {id: cases, code: mediation.cases, label: 调解案件, value: 40, unit: 件, "
            "area: main, source: 一（一）}\n"
        ),
        "m.yaml",
    )
    assert ds.indicator("cases").code == "mediation.cases"
    assert ds.indicator("inspections").code is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            (
                "{id: c, code: mediation.case, label: 调解, value: 4, unit: 件, area: main, "
                "source: 一}"
            ),
            "unknown indicator code 'mediation.case'; did you mean 'mediation.cases'?",
        ),
        (
            (
                "{id: c, code: review.recieved, label: 复议, value: 4, unit: 件, area: main, "
                "source: 一}"
            ),
            "did you mean 'review.received'?",
        ),
        (
            (
                "{id: c, code: mediation.success_rate, label: 调解, value: 4, unit: 件, area: "
                "main, source: 一}"
            ),
            "is a rate; this figure is a count",
        ),
        (
            (
                "{id: c, code: mediation.cases, label: 调解, value: 4, unit: 人, area: main, "
                "source: 一}"
            ),
            "is counted in 件, not '人'",
        ),
    ],
)
def test_bad_code_names_line_field_and_fix(line, message):
    with pytest.raises(DatasetError) as info:
        parse_dataset(_with_indicator(f"  - {line}\n"), "m.yaml")
    (problem,) = info.value.problems
    assert problem.field == "indicators[2].code"
    assert problem.line == 20
    assert problem.column == 19
    assert message in problem.message


def test_code_used_twice_is_refused():
    extra = (
        "  - {id: a, code: mediation.cases, label: 调解, value: 4, unit: 件, area: main, "
        "source: 一}\n"
        "  - {id: b, code: mediation.cases, label: 调解, value: 5, unit: 件, area: main, "
        "source: 一}\n"
    )
    with pytest.raises(DatasetError) as info:
        parse_dataset(_with_indicator(extra), "m.yaml")
    (problem,) = info.value.problems
    assert problem.field == "indicators[3].code"
    assert problem.line == 21
    assert "already given to 'a' (line 20)" in problem.message


def test_previous_must_be_a_relative_yaml_path():
    text = MINIMAL.replace("date: 2025-03-28", "date: 2025-03-28\n  previous: /tmp/x.yaml")
    with pytest.raises(DatasetError, match=r"meta\.previous: '/tmp/x\.yaml' is an absolute path"):
        parse_dataset(text.encode(), "m.yaml")
    text = MINIMAL.replace("date: 2025-03-28", "date: 2025-03-28\n  previous: jia-2023.yaml")
    assert parse_dataset(text.encode(), "m.yaml").meta.previous == "jia-2023.yaml"


def test_liujiang_carries_codes_where_they_apply():
    ds = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    by_code = {i.code: i for i in ds.indicators if i.code}
    assert by_code["review.received"].id == "review_applications"
    assert by_code["mediation.success_rate"].id == "mediation_success_rate"
    assert by_code["decisions.legality_reviews"].unit == "件次"
    assert len(by_code) >= 30


def test_check_reports_codes_covered(capsys):
    assert main(["check", str(ROOT / "data" / "liujiang-2024.yaml")]) == 0
    out = capsys.readouterr().out
    assert f"codes:      33 of {len(catalogue().entries)} catalogue indicators covered" in out
    assert "人民调解: mediation.cases (mediation_cases)" in out


@pytest.mark.parametrize(
    ("label", "unit", "context", "code"),
    [
        ("新收行政复议申请", "件", "", "review.received"),
        ("行政复议综合纠错率", "%", "", "review.correction_rate"),
        ("行政复议综合纠错", "件", "", "review.corrected"),
        ("人民调解成功率", "%", "", "mediation.success_rate"),
        ("调解成功", "件", "", "mediation.successes"),
        ("涉企检查次数同比变化", "%", "", "business.enterprise_inspections_change"),
        ("审核文件并出具法律意见", "件次", "", "decisions.legality_reviews"),
        ("检查行政执法案卷", "卷", "", "enforcement.case_files_reviewed"),
        ("行政机关负责人出庭应诉率", "%", "", "litigation.head_appearance_rate"),
        ("一审行政诉讼案件", "件", "", "litigation.received"),
        ("行政诉讼败诉率", "%", "", "litigation.loss_rate"),
        ("其中废止", "件", "梳理涉企行政规范性文件20件", "normative.repealed"),
        ("办理法律援助案件", "件", "", "services.legal_aid_cases"),
        # The unit rules a code out: 调解案件 are counted in 件, not 人.
        ("调解案件", "人", "", None),
        # Nothing in the catalogue.
        ("栽种树木", "棵", "", None),
        ("", "件", "", None),
    ],
)
def test_suggest_code(label, unit, context, code):
    assert suggest_code(label, unit, context) == code


def test_suggestions_on_liujiang_agree_with_its_codes():
    """Most codes given by hand in the real dataset are what the suggestion finds from the label."""
    ds = load_dataset(ROOT / "data" / "liujiang-2024.yaml")
    coded = [i for i in ds.indicators if i.code]
    agree = sum(suggest_code(i.label, i.unit) == i.code for i in coded)
    wrong = [
        (i.label, suggest_code(i.label, i.unit), i.code)
        for i in coded
        if suggest_code(i.label, i.unit) not in (None, i.code)
    ]
    assert agree >= len(coded) * 0.8, wrong
    assert not wrong


def test_docs_list_every_code():
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    missing = [e.code for e in catalogue().entries if f"`{e.code}`" not in text]
    assert not missing, "docs/catalogue.md is missing codes: " + ", ".join(missing)


def test_extract_drafts_carry_suggested_codes_once_each():
    """The draft writer pre-fills `code:` from suggest_code, giving each code to its best figure."""
    from briefing.extract import draft_yaml, extract_figures

    text = (
        "示例省示例市示例区2024年度法治政府建设工作报告\n一、成效\n（一）复议与调解\n"
        "全年新收行政复议申请120件，综合纠错18件，行政复议纠错率15%。"
        "协助法院诉前调解成功8件。人民调解组织立案调解860件，调解成功842件，调解成功率97.9%。\n"
    )
    ds = parse_dataset(draft_yaml(extract_figures(text)).encode("utf-8"), "draft.yaml")
    codes = {i.code: (i.label, i.value) for i in ds.indicators if i.code}
    assert codes["review.received"][1] == 120
    assert codes["review.correction_rate"][1] == 15
    assert codes["mediation.cases"][1] == 860
    # 调解成功 goes to the figure whose label it names, not the court's 调解成功8件.
    assert codes["mediation.successes"][1] == 842
    assert codes["mediation.success_rate"][1] == 97.9
