"""Kano and price charts, tables, exports and PDF: shown with their data, hidden with no number at all."""

from __future__ import annotations

import io
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook

from kundpuls.instruments import kano_pairs
from kundpuls.render.charts import report_charts, with_phone_svg
from kundpuls.render.labels import number
from kundpuls.render.spreadsheets import sheet_name, tables_csv, tables_xlsx
from kundpuls.render.tables import report_tables
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports.unit_report import unit_report
from kundpuls.stats.kano import kano
from system_tools import require_tool

SMALL = "SMALL"  # tests/reports/conftest.py: fewer responses than the threshold in every quarter
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode("utf-8").split())


def _small_quarter(needs_lake: Any) -> tuple[str, pd.DataFrame]:
    frame = needs_lake.frame
    local = pd.to_datetime(frame["submitted_at"], utc=True).dt.tz_convert(ZoneInfo("Europe/Stockholm"))
    quarter = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    for period in sorted(quarter.unique()):
        rows = frame[(frame["unit"] == SMALL) & (quarter == period)]
        if 3 <= len(rows) < 7:
            return period, rows
    raise AssertionError("the fixture must leave SMALL with 3–6 respondents in some quarter")


@pytest.fixture(scope="module")
def reports(needs_lake: Any) -> dict[str, Any]:
    period, _ = _small_quarter(needs_lake)
    lake, definition = needs_lake.path, needs_lake.definition
    return {
        "A": unit_report(lake, definition, "A", period="2025-Q3", threshold_setting=7),
        SMALL: unit_report(lake, definition, SMALL, period=period, threshold_setting=7),
    }


def test_the_kano_and_price_charts_carry_a_title_a_description_and_their_data(reports) -> None:
    report = reports["A"]
    charts = {c.key: c for c in report_charts(report)}
    kano_chart, price_chart = charts["kano"], charts["price-snabbspar"]
    assert list(charts).index("kano") < list(charts).index("price-snabbspar")
    assert report.kano is not None
    for feature in report.kano.features:
        assert feature.label in kano_chart.svg and feature.label in kano_chart.description
    assert [row[0] for row in kano_chart.table.rows] == [f.label for f in report.kano.features]
    (section,) = report.prices
    for value in (section.pmc, section.pme, section.opp, section.idp):
        assert number(value, "sv", digits=0) in price_chart.description
    assert len(price_chart.table.rows) == len(section.curves)
    for chart in (kano_chart, price_chart):
        assert chart.svg.startswith("<svg") and "<title>" in chart.svg and 'role="img"' in chart.svg


def test_every_chart_is_titled_once_by_its_heading_not_again_inside_the_drawing(reports) -> None:
    from html import escape

    charts = report_charts(reports["A"])
    assert {"kano", "price-snabbspar"} <= {c.key for c in charts}
    for chart in charts:
        assert f">{escape(chart.title)}</text>" not in chart.svg, chart.key
        assert f">{escape(chart.title)}</text>" not in with_phone_svg(chart).phone_svg, chart.key


def test_kano_categories_and_price_points_are_named_in_words_not_letters_or_acronyms(reports) -> None:
    report = reports["A"]
    charts = {c.key: c for c in report_charts(report)}
    columns = charts["kano"].table.columns
    named = ("Attraktiv", "Endimensionell", "Självklar", "Likgiltig", "Omvänd", "Tveksam")
    assert columns[2:8] == tuple(f"{name} (%)" for name in named)
    english = {c.key: c for c in report_charts(report, language="en")}["kano"].table.columns
    assert english[2:8] == tuple(
        f"{name} (%)"
        for name in ("Attractive", "One-dimensional", "Must-be", "Indifferent", "Reverse", "Questionable")
    )
    assert all(row[1] is None or row[1].startswith(named) for row in charts["kano"].table.rows)
    price = charts["price-snabbspar"]
    assert "lägsta acceptabla" in price.svg and "högsta acceptabla" in price.svg and "optimalt" in price.svg
    for acronym in ("PMC", "PME", "OPP", "IDP"):
        assert acronym not in price.svg and acronym not in price.description
    assert "M:" not in charts["kano"].description and ": självklar" in charts["kano"].description


def test_exports_hold_the_kano_table_and_the_price_points_and_curves(reports) -> None:
    report = reports["A"]
    tables = {t.key: t for t in report_tables(report)}
    assert {"kano", "price-points-snabbspar", "price-snabbspar"} <= set(tables)
    points = {row[0]: row[1] for row in tables["price-points-snabbspar"].rows}
    (section,) = report.prices
    assert points["Optimalt pris"] == round(section.opp)
    book = load_workbook(io.BytesIO(tables_xlsx(list(tables.values()))))
    names = {key: sheet_name(table) for key, table in tables.items()}
    assert len(set(names.values())) == len(names)  # every sheet has its own Swedish name
    assert {names[k] for k in ("kano", "price-points-snabbspar", "price-snabbspar")} <= set(book.sheetnames)
    assert not {"kano", "price-points-snabbspar", "price-snabbspar"} & set(book.sheetnames)
    assert book[names["kano"]].max_row == 2 + len(report.kano.features)
    assert "Prispunkter" in tables_csv(list(tables.values()))


def test_the_pdf_contains_the_kano_and_price_sections(reports) -> None:
    report = reports["A"]
    pdf = unit_report_pdf(report)
    text = _pdf_text(pdf)
    assert "Funktioner enligt Kanomodellen" in text and "Priskänslighet (Van Westendorp)" in text
    assert "Optimalt pris" in text and "Självklar" in text
    (section,) = report.prices
    assert number(section.pme, "sv", digits=0) in text
    english = _pdf_text(unit_report_pdf(report, language="en"))
    assert "Features by the Kano model" in english and "Optimal price" in english
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "unit-report-needs.pdf").write_bytes(pdf)


def test_a_hidden_group_shows_no_kano_or_price_number_anywhere(needs_lake, reports) -> None:
    _, rows = _small_quarter(needs_lake)
    pairs = kano_pairs(needs_lake.definition)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        truth = kano(
            rows[[f for _, f, _ in pairs]].to_numpy(dtype=object),
            rows[[d for _, _, d in pairs]].to_numpy(dtype=object),
            threshold=1,
        )
    hidden = set()
    for feature in truth.features:
        for language in ("sv", "en"):
            if feature.better is not None:
                hidden.add(number(round(feature.better, 2), language, digits=2))
            hidden.update(
                number(round(100 * c / feature.n, 1), language)
                for c in feature.counts.values()
                if 0 < c < feature.n
            )
    assert hidden
    report = reports[SMALL]
    assert report.kano is not None and report.kano.suppressed and report.prices[0].suppressed
    tables = report_tables(report)
    kano_rows = next(t for t in tables if t.key == "kano").rows
    assert all(cell is None for row in kano_rows for cell in row[1:])
    charts = report_charts(report)
    assert not any(c.key == "kano" or c.key.startswith("price") for c in charts)
    book = load_workbook(io.BytesIO(tables_xlsx(tables)))
    xlsx = " ".join(
        str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None
    )
    svg_text = " ".join(re.findall(r">([^<]+)<", " ".join(c.svg for c in charts)))  # text, not coordinates
    outputs = (tables_csv(tables), xlsx, svg_text, _pdf_text(unit_report_pdf(report)))
    for output in outputs:
        for value in hidden:
            assert value not in output
    pdf_text = outputs[-1]
    assert "Kanoresultaten visas inte" in pdf_text and "Priskänsligheten för" in pdf_text


def test_close_price_points_name_themselves_on_facing_away_sides_or_not_at_all() -> None:
    from kundpuls.render.needs_charts import _name_sides

    curves = [{"price": 100.0}, {"price": 8_000.0}]
    prices = [870.0, 1_280.0, 1_490.0, 2_380.0]  # the demo's e-services prices
    # wide, optimal and indifference stand 11 px apart: the second name turns to the right of its line
    assert _name_sides(prices, curves, 520) == ["left", "left", "right", "left"]
    # on a phone the four lines share 30 px: three names fit, indifference (in the description) does not
    assert _name_sides(prices, curves, 200) == ["left", "right", "none", "right"]
    assert _name_sides(prices, curves, 2_000) == ["left"] * 4  # far apart: every name on the left
    assert _name_sides([1_000.0, 1_000.0], [], 520) == ["left", "right"]  # the same price twice
