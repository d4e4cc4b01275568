"""Benjamini–Hochberg: the adjusted p-values against scipy's reference implementation, and its rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import false_discovery_control, norm

from kundpuls.errors import InvalidArgument
from kundpuls.stats import FALSE_DISCOVERY_RATE, bh_adjust, bh_reject
from kundpuls.stats.multiplicity import power_weights


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


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_weighted_bh_is_scipys_bh_on_p_over_w_to_1e_12(seed: int) -> None:
    rng = np.random.default_rng([seed, 31])
    p = np.concatenate([rng.random(40), rng.random(10) ** 6])
    w = rng.gamma(2.0, 1.0, p.size)
    w[:3] = 0.0  # a test with weight 0 is never flagged
    w_mean1 = w / w.mean()
    with np.errstate(divide="ignore"):
        reference = false_discovery_control(np.where(w_mean1 > 0, np.minimum(p / w_mean1, 1.0), 1.0))
    np.testing.assert_allclose(bh_adjust(p, weights=w), reference, rtol=0, atol=1e-12)
    assert not bh_reject(p, weights=w)[:3].any()
    np.testing.assert_allclose(bh_adjust(p, weights=np.ones(p.size)), bh_adjust(p), atol=1e-15)


def test_power_weights_average_one_and_meet_roeder_wassermans_optimality_condition() -> None:
    n = np.array([8.0, 20, 45, 80, 150, 400, 3000])
    w = power_weights(n, effect=0.3, level=0.05)
    assert w.mean() == pytest.approx(1.0, abs=1e-12)
    # at the optimum the marginal gain in power per unit of weight is equal for every test with weight > 0:
    # d/dw Φ̄(z(αw/m) − ξ) = φ(z − ξ)/φ(z)·α/m with z = Φ̄⁻¹(αw/m), i.e. exp(zξ − ξ²/2) is constant
    xi = 0.3 * np.sqrt(n)
    z = norm.isf(0.05 * w / n.size)
    gain = np.exp(z * xi - xi**2 / 2)
    live = w > 1e-6
    np.testing.assert_allclose(gain[live], gain[live][0], rtol=1e-6)
    assert power_weights([60.0] * 5).tolist() == [1.0] * 5
    assert power_weights([0.0, 100.0, 100.0])[0] == 0.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_eff": [-1.0, 2.0]}, "n_eff"),
        ({"n_eff": [1.0], "effect": 0}, "effect"),
        ({"n_eff": [1.0], "level": 1}, "level"),
    ],
)
def test_power_weights_name_a_bad_argument(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidArgument, match=field):
        power_weights(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="weights"):
        bh_adjust([0.1, 0.2], weights=[1.0])
