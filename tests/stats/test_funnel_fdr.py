"""Funnel outliers with the false discovery rate kept: p-values on the scale of the drawn limits."""

from __future__ import annotations

import warnings

import numpy as np

from kundpuls.stats import bh_reject, funnel, funnel_means


def test_the_p_values_agree_with_the_drawn_limits_for_means_and_shares() -> None:
    rng = np.random.default_rng(3)
    k = 30
    ns = rng.integers(20, 400, size=k)
    means = 70 + rng.normal(0, 3, size=k) + rng.normal(0, 18, size=k) / np.sqrt(ns)
    result = funnel_means(means, np.full(k, 18.0), ns)
    p = result.p_values()
    for level in (0.95, 0.998):
        assert np.array_equal(p < 1 - level, result.outside(level))
    counts = rng.binomial(ns, 0.7 + rng.normal(0, 0.05, size=k).clip(-0.2, 0.2))
    shares = funnel(counts, ns)
    for level in (0.95, 0.998):
        assert np.array_equal(shares.p_values() < 1 - level, shares.outside(level))
    plain = funnel(counts, ns, overdispersion=False)
    assert np.array_equal(plain.p_values() < 0.05, plain.outside(0.95))


def test_outliers_are_benjamini_hochberg_on_the_p_values_and_never_more_than_outside_95() -> None:
    rng = np.random.default_rng(5)
    ns = rng.integers(30, 300, size=12)
    means = 70 + rng.normal(0, 18, size=12) / np.sqrt(ns)
    means[0] += 15  # one real outlier
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = funnel_means(means, np.full(12, 18.0), ns)
    flagged = result.outliers()
    assert np.array_equal(flagged, bh_reject(result.p_values()))
    assert flagged[0] and not (flagged & ~result.outside(0.95)).any()


def test_alike_units_are_seldom_called_outliers() -> None:
    rng = np.random.default_rng(11)
    pages = 400
    shown = 0
    for _ in range(pages):
        ns = rng.integers(20, 200, size=10)
        means = 70 + rng.normal(0, 18, size=10) / np.sqrt(ns)
        sds = np.full(10, 18.0)
        result = funnel_means(means, sds, ns)
        shown += int(result.outliers().any())
    assert shown / pages <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / pages)
