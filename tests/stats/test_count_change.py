"""Rising comment themes: the conditional test of two Poisson rates (docs/statistics.md)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.count_change import rise_p_values


@pytest.mark.parametrize(
    ("now", "before", "n_now", "n_before"),
    [(12, 3, 100, 100), (19, 3, 70, 68), (1, 0, 10, 40), (0, 5, 50, 50), (30, 30, 200, 100), (7, 2, 9, 60)],
)
def test_it_agrees_with_scipys_exact_binomial_test(now: int, before: int, n_now: int, n_before: int) -> None:
    expected = binomtest(now, now + before, n_now / (n_now + n_before), alternative="greater").pvalue
    got = rise_p_values([now], [before], respondents_now=n_now, respondents_before=n_before)[0]
    assert got == pytest.approx(expected, abs=1e-12)


def test_a_theme_nobody_raised_has_no_p_value() -> None:
    assert np.isnan(rise_p_values([0], [0], respondents_now=10, respondents_before=10)[0])


def test_under_no_change_it_flags_at_most_its_level() -> None:
    """Seeded simulation: the same rate in both periods (with different numbers of respondents) gives
    p ≤ 0.05 in at most 5 % of draws (the exact test is conservative on discrete counts)."""
    rng = np.random.default_rng(3)
    n_now, n_before = 80, 50
    now = rng.binomial(n_now, 0.12, size=20_000)
    before = rng.binomial(n_before, 0.12, size=20_000)
    p = rise_p_values(now, before, respondents_now=n_now, respondents_before=n_before)
    assert np.nanmean(p <= 0.05) <= 0.05


@pytest.mark.parametrize(
    ("now", "before", "n_now", "n_before", "field"),
    [([1, 2], [1], 10, 10, "before"), ([1], [1], 0, 10, "respondents"), ([11], [1], 10, 10, "counts")],
)
def test_bad_input_names_its_field(
    now: list[int], before: list[int], n_now: int, n_before: int, field: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        rise_p_values(now, before, respondents_now=n_now, respondents_before=n_before)
    assert caught.value.field == field
