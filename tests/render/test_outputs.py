"""Charts contain their data; a hidden group's numbers appear in no output (SVG, HTML, PDF, XLSX, CSV)."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from kundpuls.render.advice import improvement_sentences
from kundpuls.render.charts import report_charts
from kundpuls.render.labels import number
from kundpuls.render.spreadsheets import tables_csv, tables_xlsx
from kundpuls.render.tables import funnel_table, report_tables
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports.unit_report import unit_report
from system_tools import require_tool

SMALL = "SMALL"  # tests/reports/conftest.py: fewer responses than the threshold in every quarter
PERIOD = "2025-Q3"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def _hidden_case(small_lake: Any) -> tuple[str, list[str]]:
    """A quarter in which SMALL has 1–6 complete NKI answers, and its true NKI as it would be printed."""
    frame = small_lake.frame
    local = frame["submitted_at"].dt.tz_convert("Europe/Stockholm")
    quarter = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    items = list(small_lake.definition.codebook.indices["NKI"].items)
    for period in sorted(quarter.unique()):
        rows = frame[(frame["unit"] == SMALL) & (quarter == period)][items].dropna()
        if 0 < len(rows) < 7:
            value = float((100 * (rows - 1) / 9).mean(axis=1).mean())
            return period, [number(value, "sv"), number(value, "en")]
    raise AssertionError("the fixture must leave SMALL with a few answers under the threshold")


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+[.,]\d", text))


@pytest.fixture(scope="module")
def reports(small_lake: Any) -> dict[str, Any]:
    period, _ = _hidden_case(small_lake)
    return {
        "A": unit_report(
            small_lake.path,
            small_lake.definition,
            "A",
            names=small_lake.names,
            period=PERIOD,
            threshold_setting=7,
        ),
        SMALL: unit_report(
            small_lake.path,
            small_lake.definition,
            SMALL,
            names=small_lake.names,
            period=period,
            threshold_setting=7,
        ),
        "A-hidden-period": unit_report(
            small_lake.path,
            small_lake.definition,
            "A",
            names=small_lake.names,
            period=period,
            threshold_setting=7,
        ),
    }


def test_every_chart_has_a_title_a_description_and_its_data(reports: dict[str, Any]) -> None:
    charts = report_charts(reports["A"])
    assert [c.key for c in charts] == ["trend", "comparison", "funnel", "drivers", "themes"]
    for chart in charts:
        assert chart.svg.startswith("<svg") and 'role="img"' in chart.svg
        assert f"<title>{chart.title}</title>" in chart.svg.replace("&amp;", "&")
        assert "<desc>" in chart.svg and chart.description
        assert chart.table.rows
    trend = charts[0]
    for point in reports["A"].trend:
        assert point.period in trend.svg  # every period is on the axis
        assert any(
            row[0] == point.period and row[1] == round(point.value.estimate, 1) for row in trend.table.rows
        )
    priority = charts[3]
    for row in reports["A"].drivers.rows:
        assert row.label in priority.svg


def test_a_hidden_group_shows_no_number_in_svg_html_tables_xlsx_csv_or_pdf(
    small_lake: Any, reports: dict[str, Any]
) -> None:
    _, hidden = _hidden_case(small_lake)
    report = reports[SMALL]
    tables = report_tables(report)
    head = tables[0]
    assert all(cell is None for row in head.rows for cell in row[1:5])  # value, interval, n: hidden
    csv_text = tables_csv(tables, note="x")
    book = load_workbook(io.BytesIO(tables_xlsx(tables)))
    xlsx_cells = " ".join(
        str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None
    )
    charts = report_charts(report) + report_charts(reports["A-hidden-period"])  # SMALL is A's sibling
    svg = " ".join(c.svg for c in charts)
    pdf = unit_report_pdf(report)
    pdf_text = _pdf_text(pdf)
    for output in (csv_text, xlsx_cells, svg, pdf_text):
        for value in hidden:
            assert value not in output
    assert "–" in csv_text and "–" in xlsx_cells
    # the unit's own headline row in the CSV carries no numbers at all
    own = csv_text.splitlines()[2]
    assert not _numbers(own)


def test_the_pdf_has_headline_trend_priority_areas_and_method_notes(reports: dict[str, Any]) -> None:
    report = reports["A"]
    pdf = unit_report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    assert report.unit_name in flat
    assert number(report.headline.value.estimate, "sv") in flat
    for sentence in improvement_sentences(report)[:3]:
        assert sentence.split(":")[0] in flat
    assert "Viktigast att förbättra" in flat and "Om metoden" in flat
    assert "färre än 7" in flat
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "unit-report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            require_tool("pdftoppm"),
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            str(ARTIFACTS / "unit-report.pdf"),
            str(ARTIFACTS / "unit-report"),
        ],
        check=True,
    )
    assert any(ARTIFACTS.glob("unit-report*.png"))


def test_english_output_uses_english_words(reports: dict[str, Any]) -> None:
    tables = report_tables(reports["A"], "en")
    assert tables[0].columns[:2] == ("Index", "Value")
    text = _pdf_text(unit_report_pdf(reports["A"], language="en"))
    assert "Most important to improve" in " ".join(text.split())


def test_csv_and_xlsx_hold_the_same_cells(reports: dict[str, Any]) -> None:
    tables = report_tables(reports["A"])
    frame = pd.read_csv(io.StringIO(tables_csv(tables[:1])), skiprows=1, sep=";", decimal=",")
    book = load_workbook(io.BytesIO(tables_xlsx(tables[:1])))
    sheet = book.worksheets[0]
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(frame) == len(xlsx_rows) == len(tables[0].rows)
    assert [r[1] for r in xlsx_rows] == [r[1] for r in tables[0].rows]
    assert [float(v) for v in frame.iloc[:, 1] if v != "–"] == [
        r[1] for r in tables[0].rows if r[1] is not None
    ]


def test_a_swedish_csv_is_written_as_a_swedish_spreadsheet_reads_it_and_an_english_one_as_english(
    reports: dict[str, Any],
) -> None:
    """Before, the Swedish file held 76.5 in comma-separated fields beside the p-value "0,739": a Swedish
    Excel read neither the columns nor the numbers."""
    table = report_tables(reports["A"])[0]
    swedish = list(csv.reader(io.StringIO(tables_csv([table])), delimiter=";"))
    english = list(csv.reader(io.StringIO(tables_csv([table], language="en"))))
    assert len(swedish[2]) == len(english[2]) == len(table.columns)
    value = next(row[1] for row in table.rows if isinstance(row[1], float))
    assert repr(value).replace(".", ",") in [row[1] for row in swedish[2:] if len(row) > 1]
    assert repr(value) in [row[1] for row in english[2:] if len(row) > 1]
    assert not any(
        "." in cell and cell.replace(".", "").replace("-", "").isdigit() for row in swedish for cell in row
    )


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def test_the_files_list_siblings_only_where_the_page_draws_the_funnel(reports: dict[str, Any]) -> None:
    """Fewer than four comparable units with a value: no funnel on the page (it would say nothing) and no
    siblings' results in the Excel and CSV tables either (before, a manager of one unit found her
    siblings' numbers in the file of a page that drew none)."""
    import dataclasses

    from kundpuls.reports.funnel import MIN_COMPARED

    report = reports["A"]
    assert report.funnel is not None
    shown = [p for p in report.funnel.points if not p.suppressed]
    assert len(shown) >= MIN_COMPARED and funnel_table(report) is not None
    few = dataclasses.replace(
        report, funnel=dataclasses.replace(report.funnel, points=tuple(shown[: MIN_COMPARED - 1]))
    )
    assert funnel_table(few) is None
    assert "funnel" not in [c.key for c in report_charts(few)]
    assert all(t.key != "funnel" for t in report_tables(few))
