"""Render the report from datasets at the validator's limits: whatever `load` accepts, the report
draws.

Hypothesis picks the kind of text (easy to break, one unbreakable word, figures) and the sizes;
every example must give a PDF, never a LayoutError. A few examples keep the suite fast.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from limits import FILLERS, limit_yaml

from briefing.compose import report
from briefing.compose._report_text import CJKParagraph
from briefing.compose.reportdoc import overflow_message
from briefing.load import LIMITS, load_dataset
from briefing.model import Location
from briefing.verify import verify


def render(tmp: Path, text: str, binding: str = "duplex") -> tuple[bytes, int]:
    path = tmp / "limits.yaml"
    path.write_text(text, encoding="utf-8")
    ds = load_dataset(path)
    data, log = report.build_report(ds, verify(ds), binding=binding)
    return data, log.page_count


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(FILLERS),
    indicators=st.integers(1, 12),
    chart_bars=st.integers(1, 60),
    relations=st.integers(0, 6),
    extras=st.integers(0, 2),
    binding=st.sampled_from(["duplex", "single"]),
)
@example(kind="han", indicators=60, chart_bars=60, relations=8, extras=2, binding="duplex")
@example(kind="latin", indicators=8, chart_bars=55, relations=4, extras=1, binding="single")
def test_the_report_draws_every_dataset_the_loader_accepts(
    tmp_path: Path,
    kind: str,
    indicators: int,
    chart_bars: int,
    relations: int,
    extras: int,
    binding: str,
) -> None:
    text = limit_yaml(
        kind,
        indicators=indicators,
        chart_bars=chart_bars,
        relations_on_one=min(relations, indicators - 1),
        glossary=extras,
        items=extras,
    )
    data, pages = render(tmp_path, text, binding)
    doc = pdfium.PdfDocument(data)
    assert len(doc) == pages > 3
    # The longest note (300 characters) is printed in full in its footnote.
    everything = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    note = text.split("    note: ", 1)[1].split("\n", 1)[0].strip('"')
    assert note.replace(" ", "") in everything.replace(" ", "").replace("\r\n", "").replace(
        "\n", ""
    )


def test_an_overflow_names_the_field_to_shorten() -> None:
    where = Location("district.yaml", 12, 5)
    texts = [
        ("areas[0].title", "很长的标题", where),
        ("meta.title", "标题", Location("district.yaml", 3, 3)),
    ]
    message = overflow_message(
        CJKParagraph("第二章　很长的标题", report.report_styles()["chapter"]),
        texts,
        "district.yaml",
    )
    assert message.startswith("district.yaml:12:5: areas[0].title:")
    assert "shorten" in message
    # Nothing of the dataset in it: the file is still named.
    assert overflow_message(None, texts, "district.yaml").startswith("district.yaml: ")
    assert LIMITS["note"] == 300  # the limit the examples above are drawn at


def test_limits_dataset_is_accepted_as_written(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(limit_yaml("mixed"), encoding="utf-8")
    ds = load_dataset(path)
    assert max(len(i.note or "") for i in ds.indicators) == LIMITS["note"]
    assert max(len(a.title) for a in ds.areas) == LIMITS["title"]
