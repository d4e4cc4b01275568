"""Staff–customer gap (docs/methods.md §9.3, E9.1) and SERVQUAL (§6.1, E6.1)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.gaps import RATER, gap, servqual

STAFF = [4, 5, 4, 4, 3, 5, 4, 4, 5, 4]
CUSTOMERS = [3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 3, 4]


def test_it_reproduces_the_staff_customer_gap_of_e9_1() -> None:
    g = gap(STAFF, CUSTOMERS)
    # docs/methods.md E9.1: staff 80.000, customers 54.167, gap 25.833, Welch t 3.5883, p 0.00185.
    assert g.staff.estimate == pytest.approx(80.0, abs=1e-3)
    assert g.customers.estimate == pytest.approx(54.167, abs=1e-3)
    assert g.gap.difference == pytest.approx(25.833, abs=1e-3)
    assert g.gap.statistic == pytest.approx(3.5883, abs=1e-4)
    assert g.gap.p_value == pytest.approx(0.00185, abs=1e-5)
    assert g.gap.significant


def test_it_hides_the_staff_side_under_five_answers() -> None:
    g = gap(STAFF[:4], CUSTOMERS)
    assert g.staff.suppressed and g.gap.difference is None and not g.gap.significant
    assert gap(STAFF[:5], CUSTOMERS).staff.suppressed is False


def test_servqual_reproduces_the_dimension_gaps_and_totals_of_e6_1() -> None:
    perceptions = np.array([[5.6, 5.1, 5.3, 5.8, 5.0]])
    expectations = np.array([[5.9, 6.6, 6.2, 6.4, 5.7]])
    dims = {name: (i,) for i, name in enumerate(RATER)}
    r = servqual(perceptions, expectations, dimensions=dims, points=[10, 32, 22, 19, 17], threshold=0)
    # docs/methods.md E6.1: gaps −0.3/−1.5/−0.9/−0.6/−0.7; unweighted −0.800, weighted −0.941.
    gaps = [r.dimension_gaps[name].estimate for name in RATER]
    np.testing.assert_allclose(gaps, [-0.3, -1.5, -0.9, -0.6, -0.7], atol=1e-9)
    assert r.unweighted.estimate == pytest.approx(-0.800, abs=1e-3)
    assert r.weighted is not None and r.weighted.estimate == pytest.approx(-0.941, abs=1e-3)


@pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning")
def test_servqual_averages_item_gaps_per_respondent_before_respondents() -> None:
    rng = np.random.default_rng(3)
    p = rng.integers(1, 8, size=(20, 22)).astype(float)
    e = rng.integers(1, 8, size=(20, 22)).astype(float)
    p[0, :4] = np.nan  # respondent 0 has no tangibles gap
    r = servqual(p, e)
    per_respondent = np.column_stack(
        [np.nanmean((p - e)[:, list(items)], axis=1) for items in RATER.values()]
    )
    assert r.dimension_gaps["tangibles"].n == 19
    assert r.unweighted.estimate == pytest.approx(np.mean(np.nanmean(per_respondent, axis=1)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gap([6], [1, 2]), "staff: value 6 is outside the scale 1–5"),
        (lambda: servqual(np.ones((2, 22)), np.ones((2, 21))), "mismatched shapes"),
        (lambda: servqual(np.ones((2, 3)), np.ones((2, 3))), "dimensions: 'tangibles' refers to item 3"),
        (lambda: servqual(np.ones((2, 22)), np.ones((2, 22)), points=[1, 2]), "points: shape"),
    ],
)
def test_it_rejects_bad_input(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message):
        call()
