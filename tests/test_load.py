"""The loader on the real dataset, on the minimal one, and on one fixture per defect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.errors import DatasetError
from briefing.load import load_dataset, normalize_text, parse_dataset

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def liujiang():
    return load_dataset(DATASET)


def test_real_dataset_loads(liujiang):
    ds = liujiang
    assert ds.meta.district == "柳江区"
    assert ds.meta.year == 2024
    assert len(ds.areas) == 6
    assert len(ds.indicators) >= 60
    assert len(ds.shortcomings) == 5
    assert len(ds.plans) == 5
    assert {"双随机一公开", "枫桥经验", "三项制度", "放管服", "首违不罚", "府院联动"} <= {
        g.term for g in ds.glossary
    }
    assert 6 <= len(ds.headlines) <= 8
    assert len(ds.sha256) == 64


# Figures the report contains, as (printed wording, period code, source section). Each must be in
# the dataset with exactly that wording, period and source: the wording carries the qualifier.
REPORT_FIGURES = [
    ("5次", "2024-to-date", "一（一）"),
    ("12次", "2024-to-date", "一（一）"),
    ("39人", "2024", "一（一）"),
    ("1万票", "2024", "一（一）"),
    ("98.73%", "2024", "一（一）"),
    ("4支", "2024", "一（二）1"),
    ("13个", "2024", "一（二）1"),
    ("1313件", "2024-to-date", "一（二）1"),
    ("91%以上", "2024", "一（二）1"),
    ("2774条", "2024-to-date", "一（二）2"),
    ("同比下降51.21%", "2024", "一（二）2"),
    ("同比下降31.11%", "2024", "一（二）2"),
    ("300余件", "2024", "一（二）2"),
    ("20余次", "2024", "一（二）3"),
    ("100余家次", "2024", "一（二）3"),
    ("79件", "2024-01..2024-11", "一（二）3"),
    ("7件", "2024-01..2024-11", "一（二）3"),
    ("29件", "2024", "一（三）2"),
    ("211卷", "2024", "一（三）2"),
    ("800余份", "2024", "一（三）2"),
    ("300件次", "2024", "一（四）"),
    ("200件次", "2024", "一（四）"),
    ("2万余人次", "2024", "一（五）"),
    ("1109件", "2024", "一（五）"),
    ("1098件", "2024", "一（五）"),
    ("99.9%", "2024", "一（五）"),
    ("177件", "2024-to-date", "一（五）"),
    ("57件", "2024-to-date", "一（五）"),
    ("45.23%", "2024-to-date", "一（五）"),
    ("95件", "2024", "一（六）"),
    ("68件", "2024", "一（六）"),
    ("23件", "2024", "一（六）"),
    ("15人", "2024", "一（六）"),
]


@pytest.mark.parametrize(("printed", "period", "source"), REPORT_FIGURES)
def test_report_figure_in_dataset(liujiang, printed, period, source):
    matches = [
        i
        for i in liujiang.indicators
        if i.printed == printed and i.period.code == period and i.source == source
    ]
    assert matches, f"{printed} ({period}, {source}) is not in the dataset"


def test_change_on_review_applications(liujiang):
    ind = liujiang.indicator("review_applications")
    assert ind.change is not None
    assert (ind.change.direction, ind.change.value) == ("up", 133)
    assert ind.printed_with_change == "177件（同比增长133%）"


def test_qualifiers_and_values(liujiang):
    by_printed = {i.printed: i for i in liujiang.indicators}
    assert by_printed["300余件"].qualifier == "more_than"
    assert by_printed["300余件"].value == 300
    assert by_printed["91%以上"].qualifier == "at_least"
    assert by_printed["2万余人次"].value == 20000
    assert by_printed["99.9%"].decimals == 1
    assert by_printed["98.73%"].decimals == 2


def test_every_indicator_has_source_and_area(liujiang):
    areas = {a.id for a in liujiang.areas}
    for ind in liujiang.indicators:
        assert re.match(r"^[一二三四五六]（[一二三四五六]）\d?$", ind.source), ind.id
        assert ind.area in areas
        assert ind.label
        assert len(ind.label) <= 40


def test_texts_are_recorded_with_locations(liujiang):
    paths = {p for p, _, _ in liujiang.texts}
    assert "meta.title" in paths
    assert "indicators[0].label" in paths
    for _, text, loc in liujiang.texts:
        assert loc.line >= 1
        assert text


def test_minimal_fixture_loads():
    ds = load_dataset(FIXTURES / "minimal.yaml")
    assert len(ds.indicators) == 2
    assert not ds.charts


def test_starter_template_is_valid():
    ds = load_dataset(ROOT / "briefing" / "templates" / "starter.yaml")
    assert ds.meta.district == "某某区"


def test_all_problems_reported_at_once():
    raw = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    raw = (
        raw.replace("value: 12,", "value: 0211,")
        .replace("value: 96.5", "value: 140")
        .replace("date: 2025-03-28", "date: 2025-13-01")
    )
    with pytest.raises(DatasetError) as info:
        parse_dataset(raw.encode(), "x.yaml")
    assert len(info.value.problems) == 3
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("0211", "0211"),  # text stays text: no octal
        ("12:30", "12:30"),  # no base-60
        ("no", "no"),  # no boolean
        ("1e3", "1e3"),
    ],
)
def test_yaml_reinterpretations_stay_text(label, expected):
    raw = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("label: 执法监督检查", f"label: {label}")
    )
    ds = parse_dataset(raw.encode(), "x.yaml")
    assert ds.indicator("inspections").label == expected


@pytest.mark.parametrize("value", ["1e3", ".nan", ".inf", "'12'", "1_000", "12%"])
def test_values_that_are_not_plain_numbers(value):
    raw = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("value: 12,", f"value: {value},")
    )
    with pytest.raises(DatasetError) as info:
        parse_dataset(raw.encode(), "x.yaml")
    assert "indicators[0].value" in str(info.value)


def test_anchors_and_tags_refused():
    raw = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    with pytest.raises(DatasetError, match="alias"):
        parse_dataset(
            raw.replace("city: 示例市", "city: &c 示例市\n  short_name: *c").encode(), "x.yaml"
        )
    with pytest.raises(DatasetError, match="tag"):
        parse_dataset(
            raw.replace("city: 示例市", "city: !!python/object/apply:os.system [ls]").encode(),
            "x.yaml",
        )


def test_bom_and_crlf_accepted():
    raw = (FIXTURES / "minimal.yaml").read_bytes()
    ds = parse_dataset(b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"), "x.yaml")
    assert ds.meta.district == "示例区"


def test_invisible_characters_refused():
    raw = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("执法监督检查", "执法\u200b监督检查")
    )
    with pytest.raises(DatasetError, match=r"U\+200B"):
        parse_dataset(raw.encode(), "x.yaml")


def test_markup_is_plain_text():
    raw = (
        (FIXTURES / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace("label: 执法监督检查", 'label: "<b>执法</b> &amp; <img src=x>"')
    )
    ds = parse_dataset(raw.encode(), "x.yaml")
    assert ds.indicator("inspections").label == "<b>执法</b> &amp; <img src=x>"


def test_label_length_limit():
    raw = (
        (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace("执法监督检查", "长" * 200)
    )
    with pytest.raises(DatasetError, match="200 characters; at most 40"):
        parse_dataset(raw.encode(), "x.yaml")


def test_folded_chinese_lines_join_without_spaces():
    assert normalize_text("第一行，\n第二行 ABC def\n结束") == "第一行，第二行ABC def结束"
    assert normalize_text("Latin words\nkeep a space") == "Latin words keep a space"


def test_chart_mixing_units_refused():
    raw = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8") + (
        "charts:\n  - {id: c, kind: bar, title: 混合, indicators: [inspections, pass_rate]}\n"
    )
    with pytest.raises(DatasetError, match="must not mix units"):
        parse_dataset(raw.encode(), "x.yaml")


def test_relation_to_unknown_indicator():
    raw = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8") + (
        "relations:\n  - {id: r, kind: same, ids: [inspections, inspection]}\n"
    )
    with pytest.raises(
        DatasetError, match="unknown indicator 'inspection'; did you mean 'inspections'"
    ):
        parse_dataset(raw.encode(), "x.yaml")


def test_reference_errors_point_at_the_field():
    raw = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8") + (
        "relations:\n  - {id: r, kind: same, ids: [inspections, inspection]}\n"
    )
    with pytest.raises(DatasetError) as info:
        parse_dataset(raw.encode(), "x.yaml")
    (problem,) = info.value.problems
    last = raw.rstrip("\n").splitlines()[-1]
    assert problem.field == "relations[0].ids[1]"
    assert (problem.line, problem.column) == (
        len(raw.rstrip("\n").splitlines()),
        last.index("inspection]") + 1,
    )
