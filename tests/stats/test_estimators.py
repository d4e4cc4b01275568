"""The shared estimators: weighted mean with interval and weighted category counts."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.estimators import check_variance, kish_effective_n, mean_result, weighted_counts


def test_kish_effective_n_of_equal_weights_is_n_and_shrinks_with_unequal_weights() -> None:
    assert kish_effective_n(np.ones(12)) == pytest.approx(12.0)
    assert kish_effective_n(np.array([1.0, 1.0, 4.0])) == pytest.approx(36 / 18)


def test_weighted_counts_are_scaled_to_the_effective_n() -> None:
    values = np.array([1.0, 2.0, 3.0, 4.0])
    w = np.array([1.0, 1.0, 2.0, 4.0])
    (high,), n_eff = weighted_counts([values >= 3], values, w)
    assert n_eff == pytest.approx(64 / 22)
    assert high / n_eff == pytest.approx(6 / 8)


def test_the_weighted_mean_rejects_weights_summing_to_zero() -> None:
    with pytest.raises(InvalidArgument, match="sample_weights"):
        mean_result(
            np.array([1.0, 2.0]),
            confidence=0.95,
            threshold=0,
            sample_weights=np.zeros(2),
            variance="kish",
            bounds=None,
        )


def test_it_names_an_unknown_variance_method() -> None:
    with pytest.raises(InvalidArgument, match="variance: 'bootstrap'"):
        check_variance("bootstrap")
