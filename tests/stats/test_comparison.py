"""Differences and changes (docs/methods.md §1.8, §3.1, §8.3, §9.3), cross-checked against scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.comparison import change_in_mean, change_in_nps, change_in_share, compare
from kundpuls.stats.indices import nps, satisfaction_index
from kundpuls.stats.results import IndexResult


def test_the_nps_change_of_e3_4_is_not_significant() -> None:
    c = change_in_nps((90, 60, 50), (130, 70, 50))
    # docs/methods.md E3.4, tolerance 1e-3 (p to 4 decimals).
    assert c.difference == pytest.approx(12.0)
    assert c.se == pytest.approx(7.5963, abs=1e-3)
    assert c.statistic == pytest.approx(1.5797, abs=1e-3)
    assert c.p_value == pytest.approx(0.1142, abs=1e-4)
    assert not c.significant


def test_the_share_change_of_e8_4_uses_the_pooled_z() -> None:
    c = change_in_share(150, 200, 180, 220)
    # docs/methods.md E8.4: z = 1.7008, p = 0.0890, tolerance 1e-4.
    assert c.statistic == pytest.approx(1.7008, abs=1e-4)
    assert c.p_value == pytest.approx(0.0890, abs=1e-4)
    assert c.difference == pytest.approx(100 * (180 / 220 - 150 / 200))


def test_the_pooled_z_squared_equals_scipys_chi_square_without_correction() -> None:
    # Independent route: Pearson chi-square on the 2x2 table equals z² of the pooled test (tolerance 1e-9).
    c = change_in_share(150, 200, 180, 220)
    chi2, p, _dof, _exp = sps.chi2_contingency([[150, 50], [180, 40]], correction=False)
    assert c.statistic**2 == pytest.approx(chi2, rel=1e-9)
    assert c.p_value == pytest.approx(p, rel=1e-9)


def test_the_mean_change_of_e8_4_uses_welch() -> None:
    c = change_in_mean(68.0, 20.0, 150, 72.5, 18.0, 160)
    # docs/methods.md E8.4: SE 2.166, t 2.0775, df 299.42, p 0.0386.
    assert c.se == pytest.approx(2.166, abs=1e-3)
    assert c.statistic == pytest.approx(2.0775, abs=1e-4)
    assert c.df == pytest.approx(299.42, abs=1e-2)
    assert c.p_value == pytest.approx(0.0386, abs=1e-4)
    assert c.significant


def test_welch_from_summaries_matches_scipy_ttest_ind_from_stats() -> None:
    c = change_in_mean(68.0, 20.0, 150, 72.5, 18.0, 160)
    ref = sps.ttest_ind_from_stats(72.5, 18.0, 160, 68.0, 20.0, 150, equal_var=False)
    # scipy is an independent implementation; tolerance 1e-10.
    assert c.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_comparing_samples_matches_scipy_welch() -> None:
    rng = np.random.default_rng(11)
    a, b = rng.normal(70, 15, 40), rng.normal(64, 20, 25)
    c = compare(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert c.difference == pytest.approx(a.mean() - b.mean())
    assert c.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert (c.n_a, c.n_b) == (40, 25)
    ci = ref.confidence_interval(0.95)
    assert (c.ci_low, c.ci_high) == (pytest.approx(ci.low, rel=1e-9), pytest.approx(ci.high, rel=1e-9))


def test_the_staff_customer_welch_test_of_e9_1() -> None:
    staff = (np.array([4, 5, 4, 4, 3, 5, 4, 4, 5, 4]) - 1) / 4 * 100
    customers = (np.array([3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 3, 4]) - 1) / 4 * 100
    c = compare(staff, customers)
    # docs/methods.md E9.1: gap 25.833, Welch t 3.5883, p 0.00185.
    assert c.difference == pytest.approx(25.833, abs=1e-3)
    assert c.statistic == pytest.approx(3.5883, abs=1e-4)
    assert c.p_value == pytest.approx(0.00185, abs=1e-5)


def test_comparing_two_results_uses_the_z_on_their_standard_errors() -> None:
    a = nps(np.repeat([10, 7, 0], [130, 70, 50]), method="wald")
    b = nps(np.repeat([10, 7, 0], [90, 60, 50]), method="wald")
    c = compare(a, b)
    # Same numbers as E3.4 through the IndexResult route.
    assert c.statistic == pytest.approx(1.5797, abs=1e-3)
    assert c.se == pytest.approx(math.hypot(a.se, b.se))


def test_a_suppressed_side_gives_no_comparison() -> None:
    small = satisfaction_index(np.array([[8.0], [9.0], [7.0]]))
    big = satisfaction_index(np.full((20, 1), 8.0) + np.arange(20).reshape(-1, 1) % 3)
    c = compare(small, big)
    assert small.suppressed
    assert c.difference is None and c.p_value is None and not c.significant
    assert "suppressed" in c.method


def test_a_result_without_standard_error_gives_a_difference_but_no_test() -> None:
    a = IndexResult.build(
        estimate=70.0, ci_low=None, ci_high=None, n=10, n_eff=10, method="x", suppressed=False
    )
    b = IndexResult.build(
        estimate=60.0, ci_low=None, ci_high=None, n=10, n_eff=10, method="x", suppressed=False
    )
    c = compare(a, b)
    assert c.difference == pytest.approx(10.0)
    assert c.statistic is None and not c.significant


def test_it_rejects_mixing_a_result_and_a_sample() -> None:
    a = nps(np.repeat([10, 0], [10, 10]))
    with pytest.raises(InvalidArgument, match="b: compare two IndexResults"):
        compare(a, [1.0, 2.0])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: change_in_share(5, 0, 3, 10), InsufficientData, "successes_before: base n = 0"),
        (lambda: change_in_share(11, 10, 3, 10), InvalidArgument, "successes_before: 11"),
        (lambda: change_in_mean(1, 1, 1, 2, 1, 5), InsufficientData, "n_before: 1"),
        (lambda: change_in_mean(1, -1, 5, 2, 1, 5), InvalidArgument, "sd_before: -1"),
        (lambda: change_in_nps((1, 2), (1, 2, 3)), InvalidArgument, "counts_before"),
        (lambda: change_in_nps((0, 0, 0), (1, 2, 3)), InsufficientData, "counts_before: no respondents"),
        (lambda: compare([1.0], [1.0, 2.0]), InsufficientData, "a: 1 non-missing"),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()
