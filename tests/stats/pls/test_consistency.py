"""Estimates converge to the true paths of a known structural model as n grows (kundpuls.demo.structural)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.demo.structural import RatingScale, example_nki_model, simulate_survey
from kundpuls.stats.pls import PLSPathModel, model_from_mapping
from kundpuls.stats.pls.algorithm import estimates_from_weights, iterate_weights
from kundpuls.stats.pls.structure import CompiledModel

DRIVERS = ("Bemotande", "Information", "Tillganglighet")


def _path_errors(truth, frame, mode):
    model = PLSPathModel(truth.to_model_mapping(mode=mode)).fit(frame)
    estimated = np.array([model.path_coefficients_.loc[d, "NKI"] for d in DRIVERS])
    return np.abs(estimated - np.array([truth.paths[(d, "NKI")] for d in DRIVERS]))


@pytest.mark.parametrize(("mode", "tolerance"), [("B", 1e-9), ("A", 1e-4)])
def test_on_the_population_matrix_of_a_composite_model_mode_b_is_exact(mode, tolerance):
    # Mode B is consistent for the composite model (Dijkstra 2017, "A perfect match between a model and a
    # mode"); mode A is close here because the blocks are nearly tau-equivalent, but not exact.
    truth = example_nki_model("composite")
    compiled = CompiledModel.from_spec(model_from_mapping(truth.to_model_mapping(mode=mode)))
    sigma = truth.indicator_covariance()[None]
    solution = iterate_weights(sigma, compiled, tol=1e-12)
    estimates = estimates_from_weights(sigma, solution.weights, compiled)
    np.testing.assert_allclose(estimates.paths[0], truth.path_matrix(), atol=tolerance)
    np.testing.assert_allclose(estimates.total_effects[0], truth.total_effects(), atol=tolerance)


def test_estimates_converge_to_the_true_paths_as_n_grows():
    truth = example_nki_model("composite")
    small = np.mean(
        [
            _path_errors(truth, simulate_survey(truth, 400, seed=s, scale=None).to_frame(), "B")
            for s in range(5)
        ]
    )
    large = np.mean(
        [
            _path_errors(truth, simulate_survey(truth, 40_000, seed=s, scale=None).to_frame(), "B")
            for s in range(5)
        ]
    )
    # sampling error shrinks like 1/sqrt(n): a 100-fold n gives about a tenth of the error
    assert large < small / 4
    assert large < 0.01


def test_on_ratings_from_a_reflective_model_the_drivers_keep_their_order_and_size():
    truth = example_nki_model("reflective")
    frame = simulate_survey(truth, 20_000, seed=1, scale=RatingScale(1, 10)).to_frame()
    errors = _path_errors(truth, frame, "A")
    # PLS is only consistent at large for common factors and the 1-10 rounding adds error: within 0.06
    assert errors.max() < 0.06
    model = PLSPathModel(truth.to_model_mapping()).fit(frame)
    order = model.path_coefficients_.loc[list(DRIVERS), "NKI"].sort_values(ascending=False).index.tolist()
    assert order == list(DRIVERS)
