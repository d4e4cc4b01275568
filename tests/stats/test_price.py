"""Van Westendorp price points and the NMS extension (docs/methods.md §5, E5.1)."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InsufficientData, InvalidArgument
from kundpuls.stats.price import price_sensitivity

E51 = [
    (5, 10, 20, 30, 5, 2),
    (8, 12, 18, 25, 4, 1),
    (10, 15, 25, 35, 5, 3),
    (6, 9, 12, 14, 4, 2),
    (9, 14, 22, 30, 3, 1),
    (12, 18, 28, 40, 5, 2),
    (7, 12, 20, 28, 4, 2),
    (15, 20, 30, 45, 5, 3),
    (8, 11, 15, 18, 4, 1),
    (11, 16, 26, 36, 3, 2),
    (14, 18, 24, 32, 4, 2),
    (4, 8, 13, 16, 5, 1),
    (10, 9, 20, 30, 3, 1),  # invalid: cheap < too cheap
]


def columns() -> list[np.ndarray]:
    return [np.array(c, dtype=float) for c in zip(*E51, strict=True)]


def e51(**kwargs):  # type: ignore[no-untyped-def]
    tc, ch, ex, te, i_ch, i_ex = columns()
    return price_sensitivity(tc, ch, ex, te, intent_cheap=i_ch, intent_expensive=i_ex, **kwargs)


def test_it_drops_the_inconsistent_respondent_as_in_e5_1() -> None:
    r = e51()
    assert (r.n, r.n_invalid) == (12, 1)


def test_it_reproduces_the_count_based_price_points_of_e5_1() -> None:
    r = e51()
    # docs/methods.md E5.1 (exact, count-based): PMC 11, OPP 14, IDP 16, PME 25.
    assert (r.pmc, r.opp, r.idp, r.pme) == (11.0, 14.0, 16.0, 25.0)


def test_float_shares_would_lose_the_tie_at_14_that_counts_keep() -> None:
    r = e51()
    at14 = r.grid == 14
    too_expensive, too_cheap = r.counts["too_expensive"][at14][0], r.counts["too_cheap"][at14][0]
    # docs/methods.md §5.2: at 14 too expensive 1/12 equals too cheap 1 − F_tc(14) = 1 − 11/12 ...
    assert too_expensive == too_cheap == 1
    # ... but the share comparison of the R package misses it in floating point, which moves OPP to 15.
    assert not too_expensive / 12 >= 1 - 11 / 12
    assert r.opp == 14.0


def test_it_reproduces_the_curve_values_at_16_of_e5_1() -> None:
    row = e51().curves().set_index("price").loc[16.0]
    # docs/methods.md E5.1 check values at P = 16 (4 decimals).
    expected = {
        "too_cheap": 0.0,
        "cheap": 0.25,
        "expensive": 0.25,
        "too_expensive": 0.1667,
        "not_cheap": 0.75,
        "not_expensive": 0.75,
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value, abs=1e-4), name


def test_it_reproduces_the_nms_optima_of_e5_1() -> None:
    r = e51()
    # docs/methods.md E5.1: trial max 0.2468 at 18; revenue max 4.4425 at 18.
    assert r.trial_price == 18.0 and r.trial_max == pytest.approx(0.2468, abs=1e-4)
    assert r.revenue_price == 18.0 and r.revenue_max == pytest.approx(4.4425, abs=1e-4)


def test_without_too_cheap_it_reports_only_idp_and_pme() -> None:
    _tc, ch, ex, te, _a, _b = columns()
    r = price_sensitivity(None, ch, ex, te)
    assert r.pmc is None and r.opp is None
    assert r.idp is not None and r.pme is not None
    assert r.n == 13  # the cheap < too-cheap check no longer applies


def test_it_suppresses_the_points_under_the_threshold() -> None:
    tc, ch, ex, te, _a, _b = columns()
    r = price_sensitivity(tc[:5], ch[:5], ex[:5], te[:5])
    assert r.suppressed and r.n == 5 and r.pmc is None and r.pme is None


def test_price_points_do_not_depend_on_respondent_order() -> None:
    tc, ch, ex, te, i_ch, i_ex = columns()
    order = np.random.default_rng(2).permutation(len(tc))
    a = price_sensitivity(tc, ch, ex, te, intent_cheap=i_ch, intent_expensive=i_ex)
    b = price_sensitivity(
        tc[order], ch[order], ex[order], te[order], intent_cheap=i_ch[order], intent_expensive=i_ex[order]
    )
    assert (a.pmc, a.opp, a.idp, a.pme, a.trial_price, a.revenue_max) == (
        b.pmc,
        b.opp,
        b.idp,
        b.pme,
        b.trial_price,
        pytest.approx(b.revenue_max),
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: price_sensitivity([1, 2], [2], [3], [4]), InvalidArgument, "mismatched lengths"),
        (lambda: price_sensitivity([1], [2], [3], [-4]), InvalidArgument, "too_expensive: negative price"),
        (lambda: price_sensitivity([3], [2], [1], [4]), InsufficientData, "no respondent gives consistent"),
        (
            lambda: price_sensitivity([1], [2], [3], [4], intent_cheap=[6], intent_expensive=[1]),
            InvalidArgument,
            "intent_cheap: answer 6 has no calibration",
        ),
        (
            lambda: price_sensitivity([1], [2], [3], [4], intent_cheap=[5]),
            InvalidArgument,
            "intent_expensive",
        ),
    ],
)
def test_it_rejects_bad_input(call, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        call()
