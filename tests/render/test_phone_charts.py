"""The charts of a results page read on a phone (issue 18): each is drawn a second time for a narrow screen,
no wider than a 375 px screen leaves, its text at 13 px, and no axis label turned on end."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from kundpuls.render.charts import report_charts, with_phone_svg
from kundpuls.render.vega_svg import PHONE_FONT_SIZE
from kundpuls.reports.unit_report import unit_report

#: What a 375 px screen leaves for a chart: the page's margins of 1rem on each side.
PHONE_CONTENT_WIDTH = 375 - 2 * 16


@pytest.fixture(scope="module")
def charts(small_lake: Any) -> list[Any]:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    return [with_phone_svg(chart) for chart in report_charts(report)]


def _width(svg: str) -> float:
    match = re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg)
    assert match, svg[:200]
    return float(match.group(1))


def _font_sizes(svg: str) -> list[float]:
    return [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)] + [
        float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)
    ]


def _label_angles(svg: str) -> list[str]:
    """The rotations of the text elements that are not axis titles (tick labels, legends, marks)."""
    return re.findall(r'<text[^>]*transform="[^"]*rotate\(([-\d.]+)\)[^"]*"[^>]*>[^<]*\d', svg)


def test_every_chart_has_a_phone_drawing_that_fits_a_375_px_screen(charts: list[Any]) -> None:
    assert {"trend", "comparison"} <= {c.key for c in charts}
    for chart in charts:
        assert chart.phone_svg, chart.key
        assert _width(chart.phone_svg) <= PHONE_CONTENT_WIDTH, (chart.key, _width(chart.phone_svg))
        assert _width(chart.svg) > PHONE_CONTENT_WIDTH, chart.key  # the wide one would be scaled down


def test_the_phone_drawing_writes_its_text_at_13_px_or_more(charts: list[Any]) -> None:
    for chart in charts:
        sizes = _font_sizes(chart.phone_svg)
        assert sizes, chart.key
        assert min(sizes) >= PHONE_FONT_SIZE - 1, (chart.key, sorted(set(sizes)))


def test_no_period_label_is_turned_on_end(charts: list[Any]) -> None:
    trend = next(c for c in charts if c.key == "trend")
    for svg in (trend.svg, trend.phone_svg):
        periods = re.findall(r"<text[^>]*>(\d{4}-Q\d)</text>", svg)
        assert periods, "the periods are written on the axis"
        assert not _label_angles(svg), _label_angles(svg)


def test_the_phone_drawing_says_the_same_as_the_wide_one(charts: list[Any]) -> None:
    for chart in charts:
        for svg in (chart.svg, chart.phone_svg):
            assert f"<title>{chart.title}</title>" in svg.replace("&amp;", "&"), chart.key


def test_the_staff_customer_chart_has_one_legend_of_two_entries(small_lake: Any) -> None:
    from dataclasses import replace

    from kundpuls.render.charts import gap_chart
    from kundpuls.reports.contracts import GapRow
    from kundpuls.stats.results import IndexResult

    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    gaps = tuple(
        GapRow(
            f"g{i}",
            f"Fråga {i}",
            IndexResult(80.0 - i, 75.0 - i, 85.0 - i, 20, 20.0, "", False, key="s", label="s"),
            IndexResult(70.0 + i, 65.0 + i, 75.0 + i, 40, 40.0, "", False, key="c", label="c"),
            10.0 - 2 * i,
        )
        for i in range(3)
    )
    chart = gap_chart(replace(report, gaps=gaps))
    assert chart is not None
    for svg in (chart.svg, with_phone_svg(chart).phone_svg):
        legend = re.findall(r"<text[^>]*>(Personalen tror|Kunderna svarar)</text>", svg)
        assert sorted(legend) == ["Kunderna svarar", "Personalen tror"], legend


def test_a_long_row_name_is_broken_into_lines_on_a_phone_not_cut(small_lake: Any) -> None:
    """The staff–customer chart names its rows with whole questions: on a phone each is written in full,
    line by line (each line within the label width); the wide drawing (page and PDF) in two longer lines."""
    from dataclasses import replace

    from kundpuls.render.charts import gap_chart
    from kundpuls.reports.contracts import GapRow
    from kundpuls.stats.results import IndexResult

    questions = ("Hur lätt det var att komma i kontakt med rätt person", "Öppettider och telefontider")
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    gaps = tuple(
        GapRow(
            f"g{i}",
            question,
            IndexResult(80.0, 75.0, 85.0, 20, 20.0, "", False, key="s", label="s"),
            IndexResult(70.0, 65.0, 75.0, 40, 40.0, "", False, key="c", label="c"),
            10.0,
        )
        for i, question in enumerate(questions)
    )
    chart = gap_chart(replace(report, gaps=gaps))
    assert chart is not None
    phone = with_phone_svg(chart).phone_svg
    assert "…" not in phone, re.findall(r".{120}….{20}", phone)
    lines = [html.unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", phone)]
    long_one = [line for line in lines if line and line in questions[0]]
    assert " ".join(long_one) == questions[0], lines
    assert len(long_one) >= 2 and all(len(line) <= 24 for line in long_one), long_one
    assert questions[1] in " ".join(lines)
    assert _width(phone) <= PHONE_CONTENT_WIDTH
    wide = chart.svg
    wide_lines = [html.unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", wide)]
    assert "…" not in wide and " ".join(line for line in wide_lines if line in questions[0]) == questions[0]


def test_a_name_longer_than_three_lines_ends_its_third_in_an_ellipsis(small_lake: Any) -> None:
    """A row never holds more lines than its height: the rest of a very long name is in the chart's table."""
    from dataclasses import replace

    from kundpuls.render.charts import gap_chart
    from kundpuls.render.vega_svg import PHONE_ROWS
    from kundpuls.reports.contracts import GapRow
    from kundpuls.stats.results import IndexResult

    question = (
        "Tänk dig en verksamhet som är perfekt i alla avseenden: hur nära ett sådant ideal tycker du att "
        "vår verksamhet kommer?"
    )
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    row = GapRow(
        "g0",
        question,
        IndexResult(80.0, 75.0, 85.0, 20, 20.0, "", False, key="s", label="s"),
        IndexResult(70.0, 65.0, 75.0, 40, 40.0, "", False, key="c", label="c"),
        10.0,
    )
    chart = gap_chart(replace(report, gaps=(row,)))
    assert chart is not None
    phone = with_phone_svg(chart).phone_svg
    lines = [html.unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", phone)]
    named = [line for line in lines if line.rstrip("…") and line.rstrip("…") in question]
    assert len(named) == PHONE_ROWS.lines and named[-1].endswith("…"), lines
    assert question.startswith(" ".join(named).rstrip("…"))
