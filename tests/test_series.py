"""Year series: meta.previous links, 同比 checked against last year's dataset, and trend charts in
both documents.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pytest
from factories import dataset, ind

from briefing.build import prepare, render_document
from briefing.cli import main
from briefing.errors import DatasetError
from briefing.load import load_dataset
from briefing.model import Change, Period
from briefing.series import linked_files, load_series, load_with_history
from briefing.verify import verify

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "compare"
JIA_2023 = FIXTURES / "jia-2023.yaml"
JIA_2024 = FIXTURES / "jia-2024.yaml"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def jia():
    return prepare(JIA_2024)


def test_series_follows_previous(jia):
    dataset, _ = jia
    assert [d.meta.year for d in dataset.earlier] == [2023]
    assert dataset.previous_year is not None
    assert dataset.previous_year.meta.title.startswith("示例市甲区2023")
    series = load_series(JIA_2024)
    assert series.trend_codes()[:2] == ("review.received", "litigation.received")
    assert [(y, i.value) for y, i in series.trend("services.legal_aid_cases")] == [
        (2023, 337.0),
        (2024, 310.0),
    ]
    # 纠错率 has no 2023 figure: no trend.
    assert series.trend("review.correction_rate") == ((2024, dataset.indicator("correction_rate")),)


def test_year_on_year_changes_checked_against_last_year(jia):
    _, findings = jia
    by_id = {f.relation_id: f for f in findings}
    assert by_id["reviews.change"].status == "consistent"
    assert "由上年80件到120件，与同比增长50%相符" in by_id["reviews.change"].message
    assert by_id["legal_aid.change"].status == "consistent"
    suits = by_id["suits.change"]
    assert suits.status == "inconsistent"
    assert suits.message == "按上年50件计算，行政诉讼收案同比应增长28%，报告写作同比增长25%"
    assert "(64 ÷ 50 − 1) × 100 = 28%" in suits.computation
    assert "上年数字50件取自示例市甲区2023年度法治政府建设情况报告" in suits.computation
    # Without last year's dataset the same stated change only implies a base, which fits.
    alone = {f.relation_id: f for f in verify(load_dataset(JIA_2024))}
    assert alone["suits.change"].status == "derived"


def _variant(tmp_path: Path, old: str, new: str, name: str = "prev.yaml") -> Path:
    (tmp_path / name).write_text(
        JIA_2023.read_text(encoding="utf-8").replace(old, new), encoding="utf-8"
    )
    text = JIA_2024.read_text(encoding="utf-8").replace(
        "previous: jia-2023.yaml", f"previous: {name}"
    )
    path = tmp_path / "cur.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _pair(prior_unit: str, prior_period: Period, prior_year: int = 2023, qualifier: str = "exact"):
    current = replace(
        ind("cur", 300, unit="件", change=Change("up", 50, 0)), code="decisions.legality_reviews"
    )
    before = replace(
        ind("old", 200, unit=prior_unit, period=prior_period, qualifier=qualifier),
        code="decisions.legality_reviews",
    )
    last = dataset([before])
    last = replace(
        last, meta=replace(last.meta, year=prior_year, title=f"测试区{prior_year}年度报告")
    )
    return dataset([current]), last


@pytest.mark.parametrize(
    ("unit", "period", "year", "qualifier", "status", "words"),
    [
        (
            "件",
            Period("year", 2023),
            2023,
            "exact",
            "consistent",
            "由上年200件到300件，与同比增长50%相符",
        ),
        (
            "件次",
            Period("year", 2023),
            2023,
            "exact",
            "cannot_tell",
            "以件次计，本年以件计，口径不同，不能核对同比",
        ),
        (
            "件",
            Period("months", 2023, 1, 11),
            2023,
            "exact",
            "cannot_tell",
            "统计期不同，不能核对同比",
        ),
        ("件", Period("year", 2022), 2022, "exact", "cannot_tell", "是2022年的，不是上一年"),
        ("件", Period("year", 2023), 2023, "at_least", "cannot_tell", "只给出下限"),
        ("件", Period("year", 2023), 2023, "more_than", "consistent", "由上年200余件到300件"),
    ],
)
def test_last_year_on_another_basis_is_not_used(unit, period, year, qualifier, status, words):
    current, last = _pair(unit, period, year, qualifier)
    (finding,) = verify(current, last)
    assert finding.status == status, finding.message
    assert words in finding.message, finding.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("district: 甲区", "district: 乙区", "is about 示例省示例市乙区, not 示例省示例市甲区"),
        ("year: 2023", "year: 2024", "reports on 2024, not a year before 2024"),
    ],
)
def test_bad_previous_names_the_field(tmp_path, old, new, message):
    path = _variant(tmp_path, old, new)
    with pytest.raises(DatasetError) as info:
        load_with_history(path)
    (problem,) = info.value.problems
    assert problem.field == "meta.previous"
    assert problem.line == 14
    assert problem.column == 13
    assert message in problem.message


def test_missing_previous_file(tmp_path):
    path = tmp_path / "cur.yaml"
    path.write_text(
        JIA_2024.read_text(encoding="utf-8").replace("jia-2023.yaml", "gone.yaml"), encoding="utf-8"
    )
    assert main(["check", str(path)]) == 1
    with pytest.raises(DatasetError, match=r"no such file 'gone\.yaml' beside cur\.yaml"):
        load_with_history(path)


def test_linked_files_for_cache_keys():
    assert linked_files(JIA_2024, JIA_2024.read_bytes()) == [FIXTURES / "jia-2023.yaml"]
    assert linked_files(JIA_2023, JIA_2023.read_bytes()) == []


def test_trend_chart_needs_a_coded_indicator(tmp_path):
    text = JIA_2024.read_text(encoding="utf-8").replace(
        "charts:\n", "charts:\n  - {id: t, kind: trend, title: 走势, indicators: [filed_gov]}\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        DatasetError,
        match=r"charts\[0\]\.indicators: a trend chart shows one indicator over the years",
    ):
        load_dataset(path)


@pytest.fixture(scope="module")
def documents(jia):
    dataset, findings = jia
    out = {}
    for name in ("briefing", "report"):
        data, _ = render_document(dataset, name, pdfa=False, findings=findings)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            out[name] = [_squash(p.extract_text()) for p in pdf.pages]
            if name == "briefing":
                out["words"] = pdf.pages[0].extract_words()
    return out


def test_briefing_shows_trends_and_the_checked_change(documents):
    (page,) = documents["briefing"]
    assert "行政复议收案历年（件）" in page
    assert "行政诉讼收案历年（件）" in page
    # Under the title, a point per year, left to right, each labelled with its figure (the chart
    # may be drawn taller than its natural height when the page has room).
    words = documents["words"]
    title = next(w for w in words if w["text"].startswith("行政复议收案历年"))

    def under(text: str) -> dict:
        return next(
            w
            for w in words
            if _squash(w["text"]) == text
            and title["x0"] - 2 <= w["x0"] < title["x0"] + 150
            and title["top"] < w["top"] < title["top"] + 200
        )

    assert under("2023年")["x0"] < under("2024年")["x0"]
    assert under("80件")["x0"] < under("120件")["x0"]
    # The larger figure sits higher.
    assert under("120件")["top"] < under("80件")["top"]
    assert "按上年50件计算，行政诉讼收案同比应增长28%，报告写作同比增长25%" in page


def test_report_shows_trends_and_the_checked_change(documents):
    text = "".join(documents["report"])
    assert text.count("行政复议收案历年（件）") >= 2  # the summary's charts and the area chapter's
    assert "按上年50件计算，行政诉讼收案同比应增长28%" in text
    assert "上年数字80件取自示例市甲区2023年度法治政府建设情况报告" in text
    assert "行政复议收案由上年80件到120件，与同比增长50%相符" in text


def test_files_given_together_form_a_series(tmp_path, capsys):
    """Without meta.previous, the same district's earlier year given in the same run is its
    series.
    """
    current = tmp_path / "jia-2024.yaml"
    current.write_text(
        JIA_2024.read_text(encoding="utf-8").replace("  previous: jia-2023.yaml\n", ""),
        encoding="utf-8",
    )
    earlier = tmp_path / "old.yaml"
    earlier.write_text(JIA_2023.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", str(current)]) == 0
    assert "suits.change [推算]" in capsys.readouterr().out
    assert main(["check", str(current), str(earlier)]) == 0
    assert "suits.change [不一致] 按上年50件计算" in capsys.readouterr().out
    assert (
        main(
            [
                "build",
                str(current),
                str(earlier),
                "-o",
                str(tmp_path / "out"),
                "--no-pdfa",
                "--only",
                "briefing",
            ]
        )
        == 0
    )
    with pdfplumber.open(str(tmp_path / "out" / "jia-2024-briefing.pdf")) as pdf:
        assert "行政复议收案历年（件）" in _squash(pdf.pages[0].extract_text())


def test_one_district_in_two_years_is_named_by_year():
    from briefing.comparison import compare

    pairs = [prepare(p) for p in (JIA_2023, JIA_2024, FIXTURES / "yi-2024.yaml")]
    comp = compare([d for d, _ in pairs], [f for _, f in pairs])
    assert comp.names == ("甲区（2023年）", "甲区（2024年）", "乙区")
    review = comp.column("review.received")
    assert [(c.district, c.why_not) for c in review.others] == [("甲区（2023年）", "为2023年数字")]
