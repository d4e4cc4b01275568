"""Every item type reaches the results: every template with something to report, the patient survey's
positive-share dimensions, yes/no shares, CSAT and CES (issue 16).

The patient dimensions are checked against a direct computation from the generated rows (the weighted share
of positive answers over the answered questions, docs/methods.md §10.2) to 1e-9 and against
``kundpuls.stats.npe_dimension``; shares against the Wilson interval of ``kundpuls.stats`` to 1e-9.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.system_tools import require_tool

from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.instruments.library import template_keys
from kundpuls.render.spreadsheets import tables_csv
from kundpuls.render.summary import unit_summary
from kundpuls.render.tables import overview_table, report_tables
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import survey_frame, survey_plan, unit_report
from kundpuls.stats import npe_dimension
from kundpuls.stats.indices import top_box
from kundpuls.stats.sufficient import proportion_from_counts

#: Templates whose results are a Kano classification or a price range only: no index, their own sections
#: on the unit page, PDF and tables, and a brief headline per unit on the overview.
WITHOUT_INDEX = {"kano", "price"}
START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TemplateLake:
    path: Path
    definition: SurveyDefinition
    frame: pd.DataFrame
    names: dict[str, str]


def _lake(tmp_path_factory: pytest.TempPathFactory, key: str, seed: int = 5) -> TemplateLake:
    definition = load_template(key)
    units = [UnitProfile(code="A", volume=40), UnitProfile(code="B", volume=40)]
    frame = generate_responses(definition, units, start=START, end=END, seed=seed).frame()
    path = tmp_path_factory.mktemp(f"template-{key}") / "lake"
    _, names = lake_from_frame(frame, definition, path)
    cache.clear()
    return TemplateLake(path, definition, frame, names)


@pytest.fixture(scope="module")
def patient(tmp_path_factory: pytest.TempPathFactory) -> TemplateLake:
    return _lake(tmp_path_factory, "patient", seed=21)


@pytest.mark.parametrize("key", sorted(set(template_keys()) - WITHOUT_INDEX))
def test_every_template_has_results_on_the_unit_report_and_the_overview(
    tmp_path_factory: pytest.TempPathFactory, key: str
) -> None:
    lake = _lake(tmp_path_factory, key)
    report = unit_report(lake.path, lake.definition, "A", threshold_setting=7, names=lake.names)
    assert report.headlines, key
    for headline in report.headlines:
        assert not headline.value.suppressed, (key, headline.value.key)
        assert headline.value.estimate is not None and headline.value.n is not None
        assert headline.value.ci_low <= headline.value.estimate <= headline.value.ci_high
    overview = organisation_overview(lake.path, lake.definition, ["A", "B"], threshold_setting=7)
    assert {k for k, _ in overview.indices} == {h.value.key for h in report.headlines}
    for index, _ in overview.indices:
        chosen = organisation_overview(
            lake.path, lake.definition, ["A", "B"], threshold_setting=7, index=index
        )
        assert all(row.value.estimate is not None for row in chosen.rows), (key, index)


def test_every_template_is_a_template_with_an_index_or_one_of_kano_or_price_modules_only() -> None:
    assert set(template_keys()) > WITHOUT_INDEX


@pytest.mark.parametrize("key", sorted(WITHOUT_INDEX))
def test_a_survey_of_kano_or_price_modules_only_has_results_on_every_surface(
    tmp_path_factory: pytest.TempPathFactory, key: str
) -> None:
    lake = _lake(tmp_path_factory, key)
    report = unit_report(lake.path, lake.definition, "A", threshold_setting=7, names=lake.names)
    assert report.headlines == () and report.period == "2025-Q2"
    answered = _quarter_rows(lake.frame, "A", "2025-Q2")
    if key == "kano":
        assert report.kano is not None and not report.kano.suppressed
        assert report.kano.respondents == len(answered)
        assert all(not f.suppressed and f.category for f in report.kano.features)
        assert report.prices == ()
    else:
        assert report.kano is None and len(report.prices) == 1
        price = report.prices[0]
        assert not price.suppressed and price.pmc is not None and price.pme is not None
        assert price.n + price.n_invalid == len(answered)
    # the overview: each unit's results in brief, with n
    overview = organisation_overview(lake.path, lake.definition, ["ALL", "A", "B"], threshold_setting=7)
    assert overview.index_kind == "needs" and overview.periods == report.periods
    rows = {row.unit_code: row for row in overview.rows}
    assert all(row.measured and row.needs is not None and not row.needs.suppressed for row in rows.values())
    headline = rows["A"].needs
    assert headline is not None
    if key == "kano":
        assert headline.kano_respondents == report.kano.respondents
        assert sum(count for _, count in headline.kano_categories) == len(report.kano.features)
    else:
        (brief,) = headline.prices
        assert (brief.low, brief.optimal, brief.high, brief.n) == (price.pmc, price.opp, price.pme, price.n)
    # tables (Excel and CSV) and the opening sentence carry the same numbers; the PDF compiles with them
    tables = {table.key: table for table in report_tables(report)}
    assert "headlines" not in tables and (
        "kano" in tables if key == "kano" else "price-points-arskort" in tables
    )
    sentence = unit_summary(report)
    overview_csv = tables_csv([overview_table(overview)])
    if key == "kano":
        assert f"{report.kano.respondents} svarande" in sentence
        assert f";{report.kano.respondents}" in overview_csv
    else:
        assert f"{price.pmc:.0f}–{price.pme:.0f} SEK" in sentence and f"n = {price.n})" in sentence
        assert f"A;A;{price.pmc:.0f};{price.opp:.0f};{price.pme:.0f};{price.n}" in overview_csv
    pdf = unit_report_pdf(report)
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert (
        "Kanomodellen" in text
        if key == "kano"
        else "Högsta acceptabla pris" in text and f"{price.pme:.0f}" in text
    )


def test_a_kano_survey_unit_under_the_threshold_shows_nothing_anywhere(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    lake = _lake(tmp_path_factory, "kano")
    report = unit_report(lake.path, lake.definition, "A", threshold_setting=500, names=lake.names)
    assert report.kano is not None and report.kano.suppressed and report.kano.respondents is None
    assert "färre än 500 svar" in unit_summary(report).casefold()
    overview = organisation_overview(lake.path, lake.definition, ["A", "B"], threshold_setting=500)
    assert all(row.needs is not None and row.needs.suppressed for row in overview.rows)
    assert all(row.needs.kano_respondents is None for row in overview.rows if row.needs)


def _direct_dimension(frame: pd.DataFrame, definition: SurveyDefinition, index: str) -> np.ndarray:
    """Respondent scores computed here from the rows: Σ w·positive over answered items / Σ w answered."""
    spec = definition.codebook.indices[index]
    weights = spec.normalised_weights()
    numerator = np.zeros(len(frame))
    denominator = np.zeros(len(frame))
    for item in spec.items:
        values = frame[item] if item in frame.columns else pd.Series([None] * len(frame))
        answered = values.notna().to_numpy()
        positive = np.array(
            [
                str(int(v) if isinstance(v, float) and v.is_integer() else v)
                in {str(p) for p in spec.positive[item]}
                for v in values
            ]
        )
        numerator += weights[item] * (answered & positive)
        denominator += weights[item] * answered
    with np.errstate(invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _quarter_rows(frame: pd.DataFrame, unit: str, quarter: str) -> pd.DataFrame:
    when = pd.to_datetime(frame["submitted_at"], utc=True).dt.tz_convert("Europe/Stockholm")
    labels = when.dt.year.astype(str) + "-Q" + when.dt.quarter.astype(str)
    return frame[(frame["unit"] == unit) & (labels == quarter)]


def test_patient_dimensions_equal_a_direct_computation_and_the_documented_method(
    patient: TemplateLake,
) -> None:
    plan = survey_plan(patient.path, patient.definition, threshold_setting=7)
    frame = survey_frame(patient.path, plan, period_kind="quarter")
    assert set(plan.indices) == set(patient.definition.codebook.indices)
    checked = 0
    for index in plan.indices:
        spec = patient.definition.codebook.indices[index]
        for unit, quarter in (("A", "2025-Q1"), ("B", "2025-Q2")):
            rows = _quarter_rows(patient.frame, unit, quarter)
            scores = _direct_dimension(rows, patient.definition, index)
            scores = scores[~np.isnan(scores)]
            found = frame[(frame["unit"] == unit) & (frame["period"] == quarter) & (frame["index"] == index)]
            assert len(found) == 1 and not found["suppressed"].iloc[0]
            assert found["kind"].iloc[0] == "share"
            assert found["n"].iloc[0] == len(scores)
            assert found["estimate"].iloc[0] == pytest.approx(100 * scores.mean(), abs=1e-9)
            indicators = np.array(
                [
                    [
                        np.nan
                        if pd.isna(v)
                        else float(
                            str(int(v) if isinstance(v, float) and v.is_integer() else v)
                            in {str(p) for p in spec.positive[item]}
                        )
                        for v in rows[item]
                    ]
                    for item in spec.items
                ]
            ).T
            documented = npe_dimension(indicators, weights=[spec.normalised_weights()[i] for i in spec.items])
            assert found["estimate"].iloc[0] == pytest.approx(documented.estimate, abs=1e-9)
            assert found["ci_low"].iloc[0] == pytest.approx(documented.ci_low, abs=1e-9)
            assert found["ci_high"].iloc[0] == pytest.approx(documented.ci_high, abs=1e-9)
            checked += 1
    assert checked == 2 * len(plan.indices)


def test_a_yes_no_item_is_a_share_with_the_wilson_interval(patient: TemplateLake) -> None:
    stats = sufficient_statistics(patient.path, "patient", items=["for_nagon_annan"], period="all")
    table = index_table(stats)
    row = table[(table["unit"] == "A")].iloc[0]
    answers = patient.frame.loc[patient.frame["unit"] == "A", "for_nagon_annan"].dropna()
    expected = proportion_from_counts([int(answers.sum())], [len(answers)])
    assert row["kind"] == "share"
    assert row["n"] == len(answers)
    assert row["estimate"] == pytest.approx(float(expected.estimate[0]), abs=1e-9)
    assert row["ci_low"] == pytest.approx(float(expected.ci_low[0]), abs=1e-9)
    assert row["ci_high"] == pytest.approx(float(expected.ci_high[0]), abs=1e-9)


def test_csat_is_the_top_two_box_share_with_the_wilson_interval(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    lake = _lake(tmp_path_factory, "csat")
    item = lake.definition.codebook.csat
    plan = survey_plan(lake.path, lake.definition, threshold_setting=7)
    frame = survey_frame(lake.path, plan, period_kind="quarter")
    found = frame[(frame["unit"] == "A") & (frame["period"] == "2025-Q1") & (frame["index"] == "CSAT")]
    answers = _quarter_rows(lake.frame, "A", "2025-Q1")[item].dropna().to_numpy(dtype=float)
    expected = top_box(answers, scale=(1, 5), boxes=2)
    assert found["estimate"].iloc[0] == pytest.approx(expected.estimate, abs=1e-9)
    assert found["ci_low"].iloc[0] == pytest.approx(expected.ci_low, abs=1e-9)
    assert found["ci_high"].iloc[0] == pytest.approx(expected.ci_high, abs=1e-9)
