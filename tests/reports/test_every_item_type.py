"""Every item type reaches the results: every template with something to report, the patient survey's
positive-share dimensions, yes/no shares, CSAT and CES (issue 16).

The patient dimensions are checked against a direct computation from the generated rows (the weighted share
of positive answers over the answered questions, docs/methods.md §10.2) to 1e-9 and against
``kundpuls.stats.npe_dimension``; shares against the Wilson interval of ``kundpuls.stats`` to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kundpuls.analytics.index_tables import index_table
from kundpuls.analytics.rollup import sufficient_statistics
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.instruments.library import template_keys
from kundpuls.reports import cache
from kundpuls.reports.frame_lake import lake_from_frame
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import survey_frame, survey_plan, unit_report
from kundpuls.stats import npe_dimension
from kundpuls.stats.indices import top_box
from kundpuls.stats.sufficient import proportion_from_counts

#: Templates whose results are a Kano classification or a price range only, shown in those sections of a
#: survey that also has an index (the demo's service-needs survey), not on their own.
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
