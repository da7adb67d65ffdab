"""A chart kind from another package: registered under the `briefing.charts` entry point group,
accepted by the loader, drawn by the renderer.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
from chartpdf import read_chart

from briefing import model
from briefing.charts import available_kinds, chart_style, draw_chart, registry
from briefing.load import load_dataset

PLUGIN = textwrap.dedent('''
    """A lollipop chart kind: one dot on a stem per figure."""
    from briefing.charts import chart_rows
    from briefing.charts.kinds import style_of


    def lollipop(ax, chart, dataset):
        rows = [r for r in chart_rows(dataset, chart) if r.stated]
        st = style_of(ax)
        top = max(r.value for r in rows)
        ax.set_position((0.35, 0.15, 0.45, 0.8))
        ax.set_xlim(0, top * 1.05)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xticks([0, top], ["0", f"{top:g}"])
        ax.set_yticks(range(len(rows)), [r.label for r in rows])
        for y, r in enumerate(rows):
            ax.plot([0, r.value], [y, y], color=st.palette.rule, linewidth=1)
            ax.plot([r.value], [y], marker="o", color=st.palette.bar)
            ax.annotate(
                r.text, (r.value, y), xytext=(4, 0), textcoords="offset points", va="center"
            )


    lollipop.aspect = 0.5
''')

DATASET = textwrap.dedent("""
    schema: 1
    meta: {district: 插件区, city: 样例市, province: 样例省, year: 2024,
           title: 插件区2024年度法治政府建设工作报告,
           issuers: [插件区人民政府], date: 2025-03-28}
    areas:
      - {id: main, source: 一（一）, title: 公共法律服务, summary: 服务网络覆盖城乡。,
         achievement: 法律援助稳步增长。}
    indicators:
      - {id: aid, label: 办理法律援助案件, value: 412, unit: 件, area: main, source: 一（一）,
         headline: true}
      - {id: advice, label: 解答法律咨询, value: 1260, unit: 件, area: main, source: 一（一）}
    charts:
      - {id: services, kind: lollipop, title: 公共法律服务（件）, indicators: [aid, advice]}
""")


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    (tmp_path / "lollipop_charts.py").write_text(PLUGIN, encoding="utf-8")
    info = tmp_path / "lollipop_charts-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: lollipop-charts\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[briefing.charts]\nlollipop = lollipop_charts:lollipop\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    model.plugin_chart_kinds.cache_clear()
    registry._plugin.cache_clear()
    yield tmp_path
    model.plugin_chart_kinds.cache_clear()
    registry._plugin.cache_clear()
    sys.modules.pop("lollipop_charts", None)


def test_a_registered_kind_is_loaded_and_drawn(plugin):
    assert "lollipop" in available_kinds()
    path = plugin / "plugin.yaml"
    path.write_text(DATASET, encoding="utf-8")
    ds = load_dataset(path)
    chart = ds.charts[0]
    flow = draw_chart(ds, chart, width_pt=300.0, style=chart_style())
    assert flow.height == pytest.approx(150.0)  # width × the kind's aspect
    r = read_chart(flow)
    words = r.text.replace(" ", "")
    assert "412件" in words
    assert "1260件" in words
    assert "办理法律援助案件" in words
    assert all("Briefing" in ch["fontname"] for ch in r.chars)


def test_an_unknown_kind_is_refused_by_the_loader(tmp_path):
    from briefing.errors import DatasetError

    model.plugin_chart_kinds.cache_clear()
    path = tmp_path / "unknown.yaml"
    path.write_text(DATASET, encoding="utf-8")
    with pytest.raises(DatasetError, match="lollipop"):
        load_dataset(path)
