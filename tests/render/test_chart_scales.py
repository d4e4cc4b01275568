"""Index charts draw the whole scale of their index: NPS −100…100, every other index 0…100."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from kundpuls.render.charts import comparison_chart, trend_chart, value_domain
from kundpuls.reports.contracts import ComparisonRow, TrendPoint
from kundpuls.reports.unit_report import unit_report
from kundpuls.stats.results import IndexResult


def _ticks(svg: str) -> list[float]:
    """The numbers on the chart's axes (the SVG's text elements that are plain numbers)."""
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return [float(t.replace("−", "-").replace(",", ".")) for t in texts if re.fullmatch(r"[−-]?\d+", t)]


@pytest.fixture(scope="module")
def report(small_lake: Any) -> Any:
    return unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)


def test_value_domain_per_index_kind() -> None:
    assert value_domain("nps") == (-100.0, 100.0)
    assert value_domain("index") == (0.0, 100.0)


def test_the_comparison_axis_of_a_0_100_index_runs_from_0_to_100(report: Any) -> None:
    chart = comparison_chart(report)
    assert chart is not None
    ticks = _ticks(chart.svg)
    assert min(ticks) == 0 and max(ticks) == 100


def test_the_comparison_axis_of_an_nps_runs_from_minus_100_to_100(report: Any) -> None:
    nps = IndexResult(-10.0, -56.0, 41.0, 30, 30.0, "z", False, kind="nps", key="NPS", label="NPS")
    rows = (
        ComparisonRow("unit", "A", "Enhet A", nps),
        ComparisonRow("parent", "ALL", "Alla", replace(nps, estimate=12.0, ci_low=2.0, ci_high=22.0)),
    )
    chart = comparison_chart(replace(report, main_index="NPS", comparison=rows))
    assert chart is not None
    ticks = _ticks(chart.svg)
    assert min(ticks) == -100 and max(ticks) == 100


def test_an_nps_trend_may_go_below_zero(report: Any) -> None:
    points = tuple(
        TrendPoint(
            p, IndexResult(v, v - 15, v + 15, 40, 40.0, "z", False, kind="nps", key="NPS", label="NPS")
        )
        for p, v in (("2025-Q1", -30.0), ("2025-Q2", -20.0))
    )
    chart = trend_chart(replace(report, trend=points))
    assert chart is not None
    assert min(_ticks(chart.svg)) <= -45  # the band's low end (−45) is drawn, not cut at 0
