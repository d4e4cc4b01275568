"""The priority matrix and the "improve first" list stand on one stated window and agree with each other."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.render.advice import improvement_sentences
from kundpuls.render.charts import priority_chart, priority_rows
from kundpuls.reports.contracts import DriverReport, DriverRow
from kundpuls.reports.driver_window import driver_window
from kundpuls.reports.unit_report import unit_report

SmallLake = Any


def _months(frame: pd.DataFrame) -> pd.Series:
    return frame["submitted_at"].dt.tz_convert("Europe/Stockholm").dt.strftime("%Y-%m")


def test_the_window_is_the_twelve_months_up_to_the_end_of_the_period(small_lake: SmallLake) -> None:
    survey = small_lake.definition.key
    assert driver_window(small_lake.path, survey, "2025-Q3", "quarter") == ("2024-10", "2025-09")
    assert driver_window(small_lake.path, survey, "2025-05", "month") == ("2024-06", "2025-05")
    assert driver_window(small_lake.path, survey, "2025", "year") == ("2025-01", "2025-12")
    with pytest.raises(InvalidArgument, match="period: '2031-Q1'"):
        driver_window(small_lake.path, survey, "2031-Q1", "quarter")


@pytest.mark.parametrize(
    ("unit", "period", "kind"), [("ALL", "2025-Q3", "quarter"), ("B", "2025-11", "month")]
)
def test_the_matrix_plots_the_window_index_of_each_area(
    small_lake: SmallLake, unit: str, period: str, kind: str
) -> None:
    report = unit_report(
        small_lake.path, small_lake.definition, unit, period=period, period_kind=kind, threshold_setting=7
    )
    drivers = report.drivers
    assert drivers is not None
    start, end = driver_window(small_lake.path, small_lake.definition.key, period, kind)
    assert (drivers.window_start, drivers.window_end) == (start, end)
    frame = small_lake.frame
    months = _months(frame)
    rows = frame[(months >= start) & (months <= end)]
    if drivers.scope_code != "ALL":
        rows = rows[rows["unit"] == drivers.scope_code]
    model = small_lake.definition.codebook.driver_model
    items = list(dict.fromkeys(i for c in model.constructs.values() for i in c.indicators))
    rows = rows.dropna(subset=items)  # the driver model's listwise-complete respondents
    assert len(rows) == drivers.n
    plotted = {p["area"]: p["score"] for p in priority_rows(report)}
    table = priority_chart(report)
    assert table is not None and drivers.window in table.title and drivers.window in table.table.caption
    shown = {r[0]: r[1] for r in table.table.rows}
    for row in drivers.rows:
        area_items = list(small_lake.definition.codebook.indices[row.key].items)
        expected = float((100 * (rows[area_items] - 1) / 9).mean(axis=1).mean())  # equal weights, 1–10
        assert row.score == pytest.approx(expected, abs=1e-9)
        assert plotted[row.label] == pytest.approx(row.score, abs=1e-9)
        assert shown[row.label] == pytest.approx(round(row.score, 1), abs=1e-9)
    # the cut line is the mean of the plotted scores
    assert drivers.score_cut == pytest.approx(sum(plotted.values()) / len(plotted), abs=1e-9)


@pytest.fixture(scope="module")
def report_all(small_lake: SmallLake) -> Any:
    return unit_report(small_lake.path, small_lake.definition, "ALL", period="2025-Q3", threshold_setting=7)


def _report(rows: tuple[DriverRow, ...]) -> DriverReport:
    return DriverReport("NKI", rows, 70.0, 1.0, 200, 0.5, "ALL", "Alla", "m", "2025-01", "2025-12")


def test_improve_first_holds_only_prioritised_areas_largest_effect_first(report_all: Any) -> None:
    rows = (
        DriverRow("A", "Bemötande", 80.0, 1.5, "Bevara"),
        DriverRow("B", "Information", 60.0, 1.2, "Prioritera"),
        DriverRow("C", "Tillgänglighet", 55.0, 1.9, "Prioritera"),
        DriverRow("D", "Kompetens", 82.0, 0.4, "Lägre prioritet"),
        DriverRow("E", "Miljö", 50.0, 0.5, "Förbättra om möjligt"),
    )
    found = _report(rows).improve_first()
    assert [r.key for r in found] == ["C", "B"]
    sentences = improvement_sentences(replace(report_all, drivers=_report(rows)))
    assert [s.split(":")[0] for s in sentences] == ["Tillgänglighet", "Information"]
    assert all("2025-01–2025-12" in s for s in sentences)
    assert not any(word in " ".join(sentences) for word in ("bevara", "lägre prioritet", "Bemötande"))


def test_a_report_with_nothing_to_prioritise_says_so_in_swedish(report_all: Any) -> None:
    rows = (
        DriverRow("A", "Bemötande", 80.0, 1.5, "Bevara"),
        DriverRow("D", "Kompetens", 82.0, 0.4, "Lägre prioritet"),
        DriverRow("E", "Miljö", 50.0, 0.5, "Förbättra om möjligt"),
    )
    report = replace(report_all, drivers=_report(rows))
    assert report.drivers is not None and report.drivers.improve_first() == ()
    sentences = improvement_sentences(report)
    assert sentences == [
        "Inget område behöver förbättras först för 2025-01–2025-12: inget område har både stor effekt på NKI "
        "och lågt betyg. Håll nivån på de områden som betyder mest."
    ]
    assert "No area needs improving first" in improvement_sentences(report, "en")[0]


def test_advice_from_a_unit_above_names_that_unit_in_every_sentence(report_all: Any) -> None:
    """Before, a small unit's PDF read "Tillgänglighet: index 65,9 av 100" with its parent's matrix, as if
    the index were the unit's own."""
    from kundpuls.render.advice import advice_intro
    from kundpuls.render.summary import unit_summary

    rows = (
        DriverRow("A", "Bemötande", 80.0, 1.5, "Bevara"),
        DriverRow("C", "Tillgänglighet", 55.0, 1.9, "Prioritera"),
    )
    own = replace(report_all, drivers=_report(rows))
    assert own.unit_code == "ALL"
    assert advice_intro(own).startswith("Enligt prioriteringsmatrisen för Alla, 2025-01–2025-12")
    assert "drivkrafterna för" not in unit_summary(own) and "förbättra Tillgänglighet först" in unit_summary(
        own
    )

    small = replace(own, unit_code="SMALL", unit_name="Lilla enheten")
    intro = advice_intro(small)
    assert intro.startswith(
        "Lilla enheten har ingen egen drivkraftsanalys för de här månaderna (den kräver minst 50"
    )
    assert "prioriteringsmatrisen gäller Alla, 2025-01–2025-12 (n = 200)" in intro
    assert improvement_sentences(small) == [
        "Tillgänglighet: index 55,0 av 100 för Alla (2025-01–2025-12); höjs det 5 enheter väntas NKI öka "
        "1,9 enheter."
    ]
    assert unit_summary(small).endswith("; förbättra Tillgänglighet först (drivkrafterna för Alla).")
    assert "has no driver analysis of its own" in advice_intro(small, "en")


def test_a_unit_where_no_one_answered_in_the_window_gets_no_advice(small_lake: SmallLake) -> None:
    from kundpuls.reports.driver_window import drivers_in_window
    from kundpuls.reports.index_frames import plan_for_lake

    frame = small_lake.frame
    months = _months(frame)
    answered = set(months[frame["unit"] == "SMALL"])
    quiet = sorted(m for m in set(months) if m not in answered)
    assert quiet and answered, "the fixture's small unit answers in some months only"
    plan = plan_for_lake(small_lake.path, small_lake.definition, threshold_setting=7)
    path = "/ALL/SMALL/"  # every unit of the fixture hangs under one root (frame_lake's default tree)

    def drivers(month: str) -> DriverReport | None:
        return drivers_in_window(
            small_lake.path, small_lake.definition, plan, path, (month, month), small_lake.names, "sv"
        )

    assert drivers(quiet[0]) is None
    borrowed = [d for d in (drivers(m) for m in sorted(answered)) if d is not None]
    assert borrowed and all(d.scope_code == "ALL" for d in borrowed)
