"""Properties every index must have, checked with hypothesis on random data."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kundpuls.stats.funnel import funnel
from kundpuls.stats.indices import nps, satisfaction_index, top_box
from kundpuls.stats.kano import kano
from kundpuls.stats.patient_survey import respondent_dimension_scores
from kundpuls.stats.results import IndexResult
from kundpuls.stats.shrinkage import shrink_shares

SETTINGS = settings(max_examples=60, deadline=None)

ratings = st.integers(2, 60).flatmap(
    lambda n: arrays(
        np.float64, (n, 3), elements=st.sampled_from([1.0, 2.0, 5.0, 7.0, 8.0, 9.0, 10.0, np.nan])
    )
)
nps_answers = st.lists(st.integers(0, 10), min_size=1, max_size=80).map(lambda v: np.array(v, dtype=float))
csat_answers = st.lists(st.integers(1, 5), min_size=1, max_size=80).map(lambda v: np.array(v, dtype=float))
positive_weights = st.floats(0.2, 5.0, allow_nan=False)


def contains(r: IndexResult) -> bool:
    if r.estimate is None or r.ci_low is None or r.ci_high is None:
        return True
    return r.ci_low - 1e-9 <= r.estimate <= r.ci_high + 1e-9


def same_point(a: IndexResult, b: IndexResult) -> bool:
    if a.estimate is None or b.estimate is None:
        return a.estimate is b.estimate
    return bool(np.isclose(a.estimate, b.estimate, rtol=1e-10, atol=1e-10))


def answered_rows(rows: np.ndarray) -> bool:
    return bool(((~np.isnan(rows)).sum(axis=1) >= 2).any())


@SETTINGS
@given(ratings)
def test_the_index_interval_contains_the_estimate_and_stays_in_0_100(rows: np.ndarray) -> None:
    assume(answered_rows(rows))
    r = satisfaction_index(rows, threshold=0)
    assert contains(r)
    assert 0 <= r.estimate <= 100  # type: ignore[operator]
    if r.ci_low is not None and r.ci_high is not None:
        assert 0 <= r.ci_low <= r.ci_high <= 100


@SETTINGS
@given(nps_answers, st.sampled_from(["wald", "adjusted_wald", "bootstrap"]))
def test_nps_lies_in_minus_100_to_100_with_an_interval_around_it(scores: np.ndarray, method: str) -> None:
    r = nps(scores, method=method, threshold=0, n_boot=300, random_state=0)
    assert r.estimate is not None and -100 <= r.estimate <= 100
    assert r.ci_low is not None and r.ci_high is not None
    assert -100 <= r.ci_low <= r.ci_high <= 100
    if method != "bootstrap":  # a percentile interval may exclude the estimate in degenerate resamples
        assert contains(r)


@SETTINGS
@given(csat_answers, st.integers(1, 3))
def test_top_box_shares_lie_in_0_1_inside_their_wilson_interval(scores: np.ndarray, boxes: int) -> None:
    r = top_box(scores, boxes=boxes, threshold=0)
    assert r.estimate is not None and 0 <= r.estimate / 100 <= 1
    assert contains(r)


@SETTINGS
@given(ratings, st.randoms(use_true_random=False))
def test_row_order_does_not_change_any_number(rows: np.ndarray, rnd) -> None:  # type: ignore[no-untyped-def]
    assume(answered_rows(rows))
    order = list(range(rows.shape[0]))
    rnd.shuffle(order)
    a, b = satisfaction_index(rows, threshold=0), satisfaction_index(rows[order], threshold=0)
    assert same_point(a, b)
    assert a.ci_low == b.ci_low or np.isclose(a.ci_low, b.ci_low)  # type: ignore[arg-type]
    scores = np.nan_to_num(rows[:, 0], nan=5.0)
    assert same_point(nps(scores, threshold=0), nps(scores[order], threshold=0))
    assert same_point(
        top_box(scores, scale=(1, 10), threshold=0), top_box(scores[order], scale=(1, 10), threshold=0)
    )


@SETTINGS
@given(ratings, st.integers(2, 4))
def test_duplicating_the_whole_sample_keeps_the_point_estimates(rows: np.ndarray, copies: int) -> None:
    assume(answered_rows(rows))
    many = np.tile(rows, (copies, 1))
    assert same_point(satisfaction_index(rows, threshold=0), satisfaction_index(many, threshold=0))
    scores = np.nan_to_num(rows[:, 0], nan=5.0)
    assert same_point(nps(scores, threshold=0), nps(np.tile(scores, copies), threshold=0))
    assert same_point(
        top_box(scores, scale=(1, 10), threshold=0),
        top_box(np.tile(scores, copies), scale=(1, 10), threshold=0),
    )


@SETTINGS
@given(ratings)
def test_weights_of_one_reproduce_the_unweighted_results(rows: np.ndarray) -> None:
    assume(answered_rows(rows))
    ones = np.ones(rows.shape[0])
    scores = np.nan_to_num(rows[:, 0], nan=5.0)
    pairs = [
        (satisfaction_index(rows, threshold=0), satisfaction_index(rows, threshold=0, sample_weights=ones)),
        (nps(scores, threshold=0), nps(scores, threshold=0, sample_weights=ones)),
        (
            nps(scores, method="wald", threshold=0),
            nps(scores, method="wald", threshold=0, sample_weights=ones),
        ),
        (
            top_box(scores, scale=(1, 10), threshold=0),
            top_box(scores, scale=(1, 10), threshold=0, sample_weights=ones),
        ),
    ]
    for plain, weighted in pairs:
        for field in ("estimate", "ci_low", "ci_high", "se", "n_eff"):
            x, y = getattr(plain, field), getattr(weighted, field)
            assert (x is None and y is None) or np.isclose(x, y, rtol=1e-9, atol=1e-9), field
        assert plain.n == weighted.n


@SETTINGS
@given(ratings, st.lists(positive_weights, min_size=60, max_size=60))
def test_weighted_intervals_contain_their_estimates(rows: np.ndarray, weights: list[float]) -> None:
    assume(answered_rows(rows))
    w = np.array(weights[: rows.shape[0]])
    for variance in ("kish", "linearisation"):
        assert contains(satisfaction_index(rows, threshold=0, sample_weights=w, variance=variance))
    scores = np.nan_to_num(rows[:, 1], nan=7.0)
    assert contains(nps(scores, threshold=0, sample_weights=w))
    assert contains(top_box(scores, scale=(1, 10), threshold=0, sample_weights=w))


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=60),
)
def test_kano_coefficients_are_shares(pairs: list[tuple[int, int]]) -> None:
    f = kano([p[0] for p in pairs], [p[1] for p in pairs], threshold=0)[0]
    assert sum(f.counts.values()) == len(pairs)
    if f.better is not None and f.worse is not None:
        assert 0 <= f.better <= 1 and -1 <= f.worse <= 0


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 50)), min_size=2, max_size=12))
def test_funnel_and_shrunk_shares_lie_in_0_1(units: list[tuple[int, int]]) -> None:
    x = np.array([min(a, b) for a, b in units])
    n = np.array([b for _a, b in units])
    assume(0 < x.sum() < n.sum())
    f = funnel(x, n, threshold=0, overdispersion=len(units) >= 5)
    for level in f.levels:
        assert ((f.lower[level] >= 0) & (f.upper[level] <= 1) & (f.lower[level] <= f.upper[level])).all()
    assert ((f.estimate >= 0) & (f.estimate <= 1)).all()
    s = shrink_shares(x, n)
    assert ((s.estimate >= 0) & (s.estimate <= 1)).all()


@SETTINGS
@given(arrays(np.float64, (12, 3), elements=st.sampled_from([0.0, 1.0, np.nan])))
def test_npe_respondent_scores_are_shares(positive: np.ndarray) -> None:
    scores = respondent_dimension_scores(positive, weights=[0.34, 0.23, 0.43])
    kept = scores[~np.isnan(scores)]
    assert ((kept >= 0) & (kept <= 1)).all()
