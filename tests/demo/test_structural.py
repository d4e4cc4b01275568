"""The seeded structural-model data generator."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.demo.structural import (
    Construct,
    RatingScale,
    StructuralModel,
    example_nki_model,
    simulate_survey,
)
from kundpuls.errors import InvalidArgument


def test_the_same_seed_gives_the_same_answers():
    model = example_nki_model()
    a = simulate_survey(model, 200, seed=5, missing_rate=0.1)
    b = simulate_survey(model, 200, seed=5, missing_rate=0.1)
    c = simulate_survey(model, 200, seed=6, missing_rate=0.1)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(np.nan_to_num(a.values), np.nan_to_num(c.values))


def test_ratings_are_integers_on_the_scale_and_skewed_high():
    survey = simulate_survey(example_nki_model(), 5000, seed=1)
    values = survey.values
    assert values.min() >= 1 and values.max() <= 10
    np.testing.assert_array_equal(values, np.rint(values))
    assert 7.0 < values.mean() < 8.0
    five_point = simulate_survey(example_nki_model(), 2000, seed=1, scale=RatingScale(1, 5))
    assert set(np.unique(five_point.values)) <= {1, 2, 3, 4, 5}


@pytest.mark.parametrize("measurement", ["reflective", "composite"])
def test_continuous_data_have_the_model_implied_correlations(measurement):
    model = example_nki_model(measurement)
    survey = simulate_survey(model, 100_000, seed=2, scale=None)
    sample = np.corrcoef(survey.values, rowvar=False)
    # sampling error of a correlation at n = 100,000 is about 0.003
    np.testing.assert_allclose(sample, model.indicator_covariance(), atol=0.015)
    scores = np.corrcoef(survey.construct_scores, rowvar=False)
    np.testing.assert_allclose(scores, model.construct_correlations(), atol=0.015)


def test_composite_scores_are_the_weighted_sums_of_their_indicators():
    model = example_nki_model("composite")
    survey = simulate_survey(model, 1000, seed=3, scale=None)
    weights = model.composite_weights()
    np.testing.assert_allclose(survey.construct_scores[:, 0], survey.values[:, :3] @ weights[0], atol=1e-12)


def test_the_implied_construct_correlations_follow_the_paths():
    model = example_nki_model()
    rho = model.construct_correlations()
    # corr(area, NKI) = Σ_k β_k corr(area, area_k) with area correlations 0.4
    assert rho[0, 3] == pytest.approx(0.35 + 0.4 * 0.25 + 0.4 * 0.20)
    np.testing.assert_allclose(model.total_effects()[:3, 3], [0.35, 0.25, 0.20])


def test_blank_cells_are_missing_completely_at_random_with_the_given_code():
    survey = simulate_survey(example_nki_model(), 4000, seed=4, missing_rate=0.05, missing_code=-99)
    share = (survey.values == -99).mean()
    assert 0.04 < share < 0.06
    frame = survey.to_frame()
    assert list(frame.columns) == list(example_nki_model().indicators)


def test_the_model_maps_to_a_pls_model_file():
    mapping = example_nki_model().to_model_mapping(mode="B")
    assert mapping["constructs"]["NKI"] == {"indicators": ["nki1", "nki2", "nki3"], "mode": "B"}
    assert ["Bemotande", "NKI"] in mapping["paths"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"paths": {("A", "B"): 1.2}}, "paths"),
        ({"paths": {("A", "B"): 0.5, ("B", "A"): 0.5}}, "paths"),
        ({"paths": {("A", "X"): 0.5}}, "paths"),
        ({"paths": {("A", "B"): 0.5}, "exogenous_correlations": {("A", "B"): 0.3}}, "exogenous_correlations"),
        ({"paths": {("A", "B"): 0.5}, "measurement": "formative"}, "measurement"),
    ],
)
def test_it_rejects_impossible_models(kwargs, field):
    constructs = (Construct("A", ("a1", "a2"), (0.8, 0.7)), Construct("B", ("b1",), (0.9,)))
    with pytest.raises(InvalidArgument) as caught:
        StructuralModel(constructs=constructs, **kwargs)
    assert caught.value.field == field


def test_it_rejects_loadings_outside_the_unit_interval_and_bad_arguments():
    with pytest.raises(InvalidArgument, match="loadings"):
        StructuralModel(
            constructs=(Construct("A", ("a1",), (1.3,)), Construct("B", ("b1",), (0.5,))),
            paths={("A", "B"): 0.3},
        )
    with pytest.raises(InvalidArgument, match="n:"):
        simulate_survey(example_nki_model(), 0)
    with pytest.raises(InvalidArgument, match="missing_rate"):
        simulate_survey(example_nki_model(), 10, missing_rate=1.0)
