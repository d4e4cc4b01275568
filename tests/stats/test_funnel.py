"""Funnel-plot limits with and without overdispersion (docs/methods.md §8.1, E8.1)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from kundpuls.errors import InvalidArgument, SmallSampleWarning
from kundpuls.stats.funnel import funnel, funnel_means

N = [40, 120, 300, 75, 500, 25]
X = [30, 84, 234, 42, 360, 22]
# docs/methods.md E8.1 table (4 decimals): z, 95 % lo-hi, 99.8 % lo-hi, OD 95 % lo-hi.
E81 = {
    "z": [0.3085, -0.6970, 2.0130, -3.2766, -0.4173, 1.7051],
    "lo95": [0.5904, 0.6487, 0.6780, 0.6276, 0.6893, 0.5539],
    "hi95": [0.8662, 0.8079, 0.7786, 0.8290, 0.7673, 0.9027],
    "lo998": [0.5110, 0.6028, 0.6489, 0.5696, 0.6668, 0.4534],
    "hi998": [0.9457, 0.8538, 0.8077, 0.8870, 0.7898, 1.0],  # F's 1.0032 is capped at 1
    "od_lo95": [0.5539, 0.6040, 0.6231, 0.5873, 0.6288, 0.5182],
    "od_hi95": [0.8724, 0.8367, 0.8219, 0.8491, 0.8174, 0.8953],
}


def test_it_reproduces_the_pooled_target_phi_and_tau2_of_e8_1() -> None:
    f = funnel(X, N)
    # docs/methods.md E8.1: p0 = 0.728302, φ = 2.0168, τ² = 0.002471 (tolerance: last printed digit).
    assert f.target == pytest.approx(0.728302, abs=1e-6)
    assert f.phi == pytest.approx(2.0168, abs=1e-4)
    assert f.tau2 == pytest.approx(0.002471, abs=1e-6)


def test_it_reproduces_every_z_and_limit_of_e8_1() -> None:
    f = funnel(X, N)
    # docs/methods.md E8.1 prints 4 decimals -> tolerance 1e-4 (rounding of the printed value).
    np.testing.assert_allclose(f.z, E81["z"], atol=1e-4)
    np.testing.assert_allclose(f.lower[0.95], E81["lo95"], atol=1e-4)
    np.testing.assert_allclose(f.upper[0.95], E81["hi95"], atol=1e-4)
    np.testing.assert_allclose(f.lower[0.998], E81["lo998"], atol=1e-4)
    np.testing.assert_allclose(f.upper[0.998], E81["hi998"], atol=1e-4)
    assert f.od_lower is not None and f.od_upper is not None
    np.testing.assert_allclose(f.od_lower[0.95], E81["od_lo95"], atol=1e-4)
    np.testing.assert_allclose(f.od_upper[0.95], E81["od_hi95"], atol=1e-4)


def test_it_flags_d_outside_and_c_only_outside_the_plain_95_limit_as_in_e8_1() -> None:
    f = funnel(X, N)
    assert f.outside(0.998, overdispersed=False).tolist() == [False, False, False, True, False, False]
    assert f.outside(0.95, overdispersed=False).tolist() == [False, False, True, True, False, False]
    assert f.outside(0.95).tolist() == [False, False, False, True, False, False]


def test_limits_at_any_n_agree_with_the_unit_limits() -> None:
    f = funnel(X, N)
    low, high = f.limits_at(N, 0.95, overdispersed=True)
    assert f.od_lower is not None and f.od_upper is not None
    np.testing.assert_allclose(low, f.od_lower[0.95])
    np.testing.assert_allclose(high, f.od_upper[0.95])


def test_exact_limits_bracket_the_binomial_quantiles() -> None:
    f = funnel(X, N, exact=True, overdispersion=False)
    p0 = f.target
    for n, low, high in zip(N, f.lower[0.95], f.upper[0.95], strict=True):
        # Interpolated limits lie within one count of scipy's binomial quantiles (independent route).
        assert sps.binom.ppf(0.025, n, p0) - 1 <= low * n <= sps.binom.ppf(0.025, n, p0) + 1e-9
        assert sps.binom.ppf(0.975, n, p0) - 1 <= high * n <= sps.binom.ppf(0.975, n, p0) + 1e-9


def test_units_under_the_threshold_count_in_the_target_but_are_not_shown() -> None:
    f = funnel([*X, 5], [*N, 6])
    assert f.suppressed.tolist() == [False] * 6 + [True]
    assert np.isnan(f.estimate[-1]) and np.isnan(f.z[-1])
    assert f.target == pytest.approx((sum(X) + 5) / (sum(N) + 6))
    assert "estimate" in f.summary().columns


def test_it_warns_and_skips_overdispersion_with_fewer_than_five_units() -> None:
    with pytest.warns(SmallSampleWarning, match="at least 5"):
        f = funnel(X[:4], N[:4])
    assert f.tau2 == 0.0 and np.isnan(f.phi)


def test_the_funnel_for_means_uses_the_pooled_within_unit_sd() -> None:
    means, sds, ns = [72.0, 65.0, 80.0, 58.0, 70.0], [18.0, 20.0, 15.0, 22.0, 19.0], [30, 120, 15, 60, 80]
    f = funnel_means(means, sds, ns, overdispersion=False)
    sigma = np.sqrt(np.sum((np.array(ns) - 1) * np.array(sds) ** 2) / (sum(ns) - 5))
    target = np.dot(ns, means) / sum(ns)
    assert f.target == pytest.approx(target)
    assert f.sigma == pytest.approx(sigma)
    np.testing.assert_allclose(f.upper[0.95], target + 1.959964 * sigma / np.sqrt(ns), rtol=1e-6)


def test_overdispersed_mean_limits_are_wider() -> None:
    means, sds, ns = [72.0, 55.0, 80.0, 58.0, 70.0, 75.0], [18.0] * 6, [100, 120, 150, 160, 180, 90]
    f = funnel_means(means, sds, ns)
    assert f.tau2 > 0
    assert f.od_upper is not None
    assert (f.od_upper[0.95] > f.upper[0.95]).all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: funnel([1, 2], [10]), "mismatched lengths"),
        (lambda: funnel([11], [10]), "counts: 11 exceeds totals 10"),
        (lambda: funnel([1], [-10]), "totals: negative value -10"),
        (lambda: funnel([1], [10], limits=(1.5,)), "limits:"),
        (lambda: funnel_means([1.0], [1.0, 2.0], [3]), "mismatched lengths"),
    ],
)
def test_it_rejects_bad_input(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message):
        call()
