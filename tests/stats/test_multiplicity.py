"""Benjamini–Hochberg: the adjusted p-values against scipy's reference implementation, and its rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from kundpuls.errors import InvalidArgument
from kundpuls.stats import FALSE_DISCOVERY_RATE, bh_adjust, bh_reject


@pytest.mark.parametrize("m", [1, 2, 3, 10, 55, 1000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_adjusted_p_values_are_scipys_to_1e_12(m: int, seed: int) -> None:
    rng = np.random.default_rng([seed, m])
    # a mix of true nulls (uniform) and real effects (near 0), with ties and exact 0 and 1
    p = np.concatenate([rng.random(m - m // 4), rng.random(m // 4) ** 6])
    if m >= 10:
        p[:3] = [0.0, 1.0, p[3]]
    rng.shuffle(p)
    expected = false_discovery_control(p, method="bh")
    np.testing.assert_allclose(bh_adjust(p), expected, rtol=0, atol=1e-12)
    assert np.array_equal(bh_reject(p), expected <= FALSE_DISCOVERY_RATE)


def test_a_missing_p_value_stays_missing_and_is_not_counted() -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03])
    got = bh_adjust(p)
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2, 3]], false_discovery_control([0.01, 0.04, 0.03]), atol=1e-12)
    assert bh_reject(p).tolist() == [True, False, True, True]
    assert bh_adjust([]).size == 0


def test_bh_flags_fewer_than_a_plain_5_percent_per_test_when_nothing_is_real() -> None:
    rng = np.random.default_rng(7)
    p = rng.random((2000, 50))  # 2000 pages of 50 tests, no real change anywhere
    per_test = (p < 0.05).any(axis=1).mean()
    adjusted = np.mean([bh_reject(row).any() for row in p])
    assert per_test > 0.9  # nearly every page shows a false flag
    assert adjusted <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / 2000)  # with no real change, FDR = P(any flag)


@pytest.mark.parametrize("bad", [[-0.1], [1.5], [[0.1, 0.2]]])
def test_bad_p_values_are_named(bad: list[object]) -> None:
    with pytest.raises(InvalidArgument, match="p_values"):
        bh_adjust(bad)


@pytest.mark.parametrize("q", [0, 1, -0.1, 2])
def test_the_rate_must_lie_strictly_between_0_and_1(q: float) -> None:
    with pytest.raises(InvalidArgument, match="q"):
        bh_reject([0.01], q=q)
