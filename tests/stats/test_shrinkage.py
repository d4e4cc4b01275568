"""Empirical-Bayes shrinkage (docs/methods.md §8.2, E8.2 and E8.3)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.shrinkage import shrink, shrink_means, shrink_shares

N = [40, 120, 300, 75, 500, 25]
X = [30, 84, 234, 42, 360, 22]


def test_beta_binomial_shrinkage_reproduces_e8_2() -> None:
    r = shrink_shares(X, N)
    # docs/methods.md E8.2: τ² 0.008023, M 23.665, α 17.2355, β 6.4298; shares to 4 decimals.
    assert r.tau2 == pytest.approx(0.008023, abs=1e-6)
    assert r.prior_size == pytest.approx(23.665, abs=1e-3)
    assert r.alpha == pytest.approx(17.2355, abs=1e-4)
    assert r.beta == pytest.approx(6.4298, abs=1e-4)
    np.testing.assert_allclose(r.estimate, [0.7419, 0.7047, 0.7762, 0.6004, 0.7204, 0.8062], atol=1e-4)


def test_the_between_variance_of_e8_2_is_the_observed_minus_the_within_variance() -> None:
    p = np.array(X) / np.array(N)
    # docs/methods.md E8.2: var(p_i) 0.011057 and within 0.003034.
    assert np.var(p, ddof=1) == pytest.approx(0.011057, abs=1e-6)
    p0 = sum(X) / sum(N)
    assert p0 * (1 - p0) * np.mean(1 / np.array(N)) == pytest.approx(0.003034, abs=1e-6)


def test_normal_normal_shrinkage_reproduces_e8_3() -> None:
    r = shrink_means([72, 65, 80, 58], [6, 2, 8, 3])
    # docs/methods.md E8.3: μ_w 64.1373, Q 10.0201, τ² 32.3544, B and shrunk means to 3-4 decimals.
    assert r.prior_mean == pytest.approx(64.1373, abs=1e-4)
    assert r.q == pytest.approx(10.0201, abs=1e-4)
    assert r.tau2 == pytest.approx(32.3544, abs=1e-4)
    np.testing.assert_allclose(r.shrinkage, [0.5267, 0.1100, 0.6642, 0.2176], atol=1e-4)
    np.testing.assert_allclose(r.estimate, [67.859, 64.905, 69.464, 59.336], atol=1e-3)


def test_shrunk_values_lie_between_the_raw_value_and_the_prior_mean() -> None:
    for r in (shrink(X, N), shrink([72, 65, 80, 58], [6, 2, 8, 3], model="normal")):
        low = np.minimum(r.raw, r.prior_mean) - 1e-12
        high = np.maximum(r.raw, r.prior_mean) + 1e-12
        assert ((r.estimate >= low) & (r.estimate <= high)).all()


def test_homogeneous_means_shrink_fully_to_the_common_mean() -> None:
    r = shrink_means([70.0, 70.5, 69.5], [5.0, 5.0, 5.0])
    assert r.tau2 == 0.0
    np.testing.assert_allclose(r.estimate, r.prior_mean)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: shrink_shares([1], [10]), InsufficientData, "at least 2 units"),
        (lambda: shrink_shares([11, 1], [10, 10]), InvalidArgument, "counts: 11 exceeds totals 10"),
        (lambda: shrink_shares([1, 1], [10, 0]), InvalidArgument, "totals: unit 1 has no respondents"),
        (
            lambda: shrink_means([1.0, 2.0], [1.0, 0.0]),
            InvalidArgument,
            "standard_errors: 0 must be positive",
        ),
        (lambda: shrink([1], [1], model="james_stein"), InvalidArgument, "model: 'james_stein'"),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()


def test_beta_binomial_posterior_intervals_contain_the_shrunk_shares() -> None:
    r = shrink_shares(X, N)
    assert ((r.ci_low <= r.estimate) & (r.estimate <= r.ci_high)).all()
    assert r.n is not None and r.n.tolist() == N
    # Larger units have narrower posterior intervals (E vs F: 500 vs 25 answers).
    width = r.ci_high - r.ci_low
    assert width[4] < width[5]


def test_the_beta_posterior_interval_matches_a_monte_carlo_draw() -> None:
    # Independent route: quantiles of 200,000 draws of Beta(x + α, n − x + β), tolerance 5e-3.
    r = shrink_shares(X, N)
    assert r.alpha is not None and r.beta is not None
    draws = np.random.default_rng(0).beta(X[0] + r.alpha, N[0] - X[0] + r.beta, 200_000)
    assert r.ci_low[0] == pytest.approx(np.quantile(draws, 0.025), abs=5e-3)
    assert r.ci_high[0] == pytest.approx(np.quantile(draws, 0.975), abs=5e-3)


def _error_sd(se: np.ndarray, tau2: float) -> np.ndarray:
    """Independent route: the shrunk means are L·y with L = diag(1 − B) + B·wᵀ/Σw (τ² fixed). With
    y = θ + e, θ = μ + u, u ~ N(0, τ²I), e ~ N(0, diag(se²)), the error θ − L·y is (I − L)·u − L·e (μ
    cancels, as each row of L sums to 1), so its covariance is τ²(I − L)(I − L)ᵀ + L·diag(se²)·Lᵀ."""
    w = 1.0 / se**2
    b = se**2 / (se**2 + tau2)
    lin = np.diag(1.0 - b) + np.outer(b, w / w.sum())
    rest = np.eye(len(se)) - lin
    return np.sqrt(np.diag(tau2 * rest @ rest.T + lin @ np.diag(se**2) @ lin.T))


def test_normal_posterior_intervals_are_the_error_sd_of_the_shrunk_means_e8_3() -> None:
    means, se = np.array([72.0, 65.0, 80.0, 58.0]), np.array([6.0, 2.0, 8.0, 3.0])
    r = shrink_means(means, se, ns=[25, 220, 14, 100])
    np.testing.assert_allclose((r.ci_high - r.ci_low) / 2, 1.959964 * _error_sd(se, r.tau2), atol=1e-5)
    assert r.n is not None and r.n.tolist() == [25, 220, 14, 100]


def test_with_no_spread_between_units_each_gets_the_pooled_means_interval_not_a_point() -> None:
    """τ² = 0 (the units differ less than chance allows): every unit is the pooled mean, with the pooled
    mean's interval (the demo's patient survey showed 70,2 (70,2–70,2))."""
    means, se = np.array([70.0, 70.5, 69.8]), np.array([2.0, 3.0, 2.5])
    r = shrink_means(means, se)
    assert r.tau2 == 0.0
    w = 1.0 / se**2
    pooled, pooled_se = float(np.sum(w * means) / w.sum()), float(np.sqrt(1.0 / w.sum()))
    np.testing.assert_allclose(r.estimate, pooled, atol=1e-12)
    np.testing.assert_allclose(r.ci_low, pooled - 1.959964 * pooled_se, atol=1e-5)
    np.testing.assert_allclose(r.ci_high, pooled + 1.959964 * pooled_se, atol=1e-5)
