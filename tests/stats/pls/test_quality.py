"""Reliability and validity measures, checked on population matrices with known answers and on data."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.stats.pls import PLSPathModel, model_from_mapping
from kundpuls.stats.pls.algorithm import estimates_from_weights, iterate_weights
from kundpuls.stats.pls.quality import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    goodness_of_fit,
    htmt,
    rho_a,
)
from kundpuls.stats.pls.structure import CompiledModel

TWO_FACTORS = model_from_mapping(
    {
        "constructs": {
            "F": {"indicators": ["f1", "f2", "f3", "f4"]},
            "G": {"indicators": ["g1", "g2", "g3"]},
        },
        "paths": [["F", "G"]],
    }
)


def _two_factor_correlation(lam_f, lam_g, phi):
    lam = np.concatenate([lam_f, lam_g])
    sigma = np.outer(lam, lam)
    k = len(lam_f)
    sigma[:k, k:] *= phi
    sigma[k:, :k] *= phi
    np.fill_diagonal(sigma, 1.0)
    return sigma


def _fit_population(sigma):
    compiled = CompiledModel.from_spec(TWO_FACTORS)
    solution = iterate_weights(sigma[None], compiled, tol=1e-12)
    estimates = estimates_from_weights(sigma[None], solution.weights, compiled)
    return compiled, estimates.weights[0], estimates.loadings[0]


def test_for_tau_equivalent_items_alpha_equals_the_true_reliability():
    lam, phi = 0.7, 0.5
    sigma = _two_factor_correlation([lam] * 4, [lam] * 3, phi)
    compiled, weights, _ = _fit_population(sigma)
    alpha = cronbach_alpha(sigma, compiled)
    # reliability of a sum of k tau-equivalent items (Spearman-Brown): k r̄ / (1 + (k - 1) r̄), r̄ = λ²
    for j, k in enumerate((4, 3)):
        rbar = lam**2
        assert alpha[j] == pytest.approx(k * rbar / (1 + (k - 1) * rbar), abs=1e-12)
    # ρ_A is consistent for the reliability of the (equally weighted) composite: equals α here
    np.testing.assert_allclose(rho_a(sigma, weights, compiled), alpha, atol=1e-10)


def test_htmt_recovers_the_factor_correlation_of_tau_equivalent_blocks():
    sigma = _two_factor_correlation([0.8] * 4, [0.6] * 3, 0.45)
    compiled = CompiledModel.from_spec(TWO_FACTORS)
    ratio = htmt(sigma, compiled)
    # HTMT = φ exactly when loadings are equal within each block (Henseler et al. 2015, eq. 6)
    assert ratio[0, 1] == pytest.approx(0.45, abs=1e-12)
    assert ratio[1, 0] == pytest.approx(0.45, abs=1e-12)
    assert np.isnan(ratio[0, 0])


def test_composite_reliability_and_ave_follow_their_formulas_from_loadings():
    compiled = CompiledModel.from_spec(TWO_FACTORS)
    loadings = np.array([0.9, 0.8, 0.7, 0.6, 0.85, 0.75, 0.65])
    rho_c = composite_reliability(loadings, compiled)
    ave = average_variance_extracted(loadings, compiled)
    assert rho_c[0] == pytest.approx(3.0**2 / (3.0**2 + (0.19 + 0.36 + 0.51 + 0.64)), abs=1e-12)
    assert ave[1] == pytest.approx((0.85**2 + 0.75**2 + 0.65**2) / 3, abs=1e-12)


def test_alpha_matches_the_variance_of_the_sum_on_data(mobi, load_model):
    model = PLSPathModel(load_model("mobi_ecsi")).fit(mobi)
    items = ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"]
    z = (mobi[items] - mobi[items].mean()) / mobi[items].std(ddof=1)
    k = len(items)
    expected = k / (k - 1) * (1 - z.var(ddof=1).sum() / z.sum(axis=1).var(ddof=1))
    assert model.reliability_.loc["Quality", "cronbach_alpha"] == pytest.approx(expected, abs=1e-12)
    assert model.reliability_.loc["Complaints", "cronbach_alpha"] == 1.0
    assert np.isnan(model.htmt_.loc["Complaints", "Loyalty"])  # single item: no monotrait correlations


def test_gof_is_the_geometric_mean_of_communality_and_r_squared(mobi, load_model):
    model = PLSPathModel(load_model("mobi_ecsi")).fit(mobi)
    multi = [i for b in model.spec_.blocks if len(b.indicators) > 1 for i in b.indicators]
    expected = np.sqrt((model.outer_loadings_[multi] ** 2).mean() * model.r_squared_.mean())
    assert model.gof_ == pytest.approx(expected, abs=1e-12)
    compiled = model.compiled_
    r2 = model.estimates_.r_squared[0]
    assert goodness_of_fit(model.outer_loadings_.to_numpy(), r2, compiled) == pytest.approx(expected)
