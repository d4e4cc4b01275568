"""Indices for many groups from sufficient statistics (the analytics contract), per docs/methods.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import InvalidArgument
from kundpuls.stats.results import IndexResult
from kundpuls.stats.sufficient import (
    IndexArrays,
    mean_index_from_moments,
    nps_from_counts,
    proportion_from_counts,
)

# docs/methods.md E1.2: respondent indices of the nine respondents that enter NKI.
E12_SCORES = np.array([81.4815, 62.9630, 92.5926, 50.0, 74.0741, 38.8889, 85.1852, 70.3704, 96.2963])
# docs/methods.md E1.4: Insikt answers on 1–6 rescaled to 0–100.
E14_SCORES = (np.array([6, 5, 5, 4, 6, 3, 5, 6, 2, 5, 4, 6]) - 1) / 5 * 100


def moments(scores: np.ndarray) -> tuple[int, float, float]:
    return len(scores), float(scores.sum()), float((scores**2).sum())


def test_it_reproduces_the_nki_t_interval_of_worked_example_e1_2() -> None:
    n, total, total_sq = moments(E12_SCORES)
    r = mean_index_from_moments([n], [total], [total_sq]).result(0)
    # docs/methods.md states 3 decimals; the respondent indices are given to 4 decimals -> tolerance 2e-3.
    assert r.n == 9
    assert r.estimate == pytest.approx(72.428, abs=2e-3)
    assert r.se == pytest.approx(6.396, abs=2e-3)
    assert r.ci_low == pytest.approx(57.679, abs=2e-3)
    assert r.ci_high == pytest.approx(87.177, abs=2e-3)
    assert "t interval" in r.method


def test_it_reproduces_the_insikt_example_e1_4() -> None:
    r = mean_index_from_moments(*[[v] for v in moments(E14_SCORES)]).result(0)
    # docs/methods.md E1.4, tolerance 1e-3.
    assert r.estimate == pytest.approx(75.0, abs=1e-3)
    assert r.se == pytest.approx(7.437, abs=1e-3)
    assert (r.ci_low, r.ci_high) == (pytest.approx(58.632, abs=1e-3), pytest.approx(91.368, abs=1e-3))


def test_it_uses_z_from_thirty_respondents_on() -> None:
    rng = np.random.default_rng(1)
    scores = rng.uniform(0, 100, 30)
    r = mean_index_from_moments(*[[v] for v in moments(scores)]).result(0)
    half = 1.959964 * scores.std(ddof=1) / np.sqrt(30)
    assert r.ci_high - r.estimate == pytest.approx(half, rel=1e-6)


def test_it_reproduces_the_nps_wald_and_adjusted_wald_examples_e3_1_and_e3_2() -> None:
    wald = nps_from_counts(90, 60, 50, method="wald").result(0)
    adjusted = nps_from_counts(90, 60, 50).result(0)
    # docs/methods.md E3.1/E3.2, tolerance 1e-3.
    assert wald.estimate == pytest.approx(20.0, abs=1e-9)
    assert wald.se == pytest.approx(5.7446, abs=1e-3)
    assert (wald.ci_low, wald.ci_high) == (pytest.approx(8.741, abs=1e-3), pytest.approx(31.259, abs=1e-3))
    assert adjusted.estimate == pytest.approx(20.0, abs=1e-9)
    assert adjusted.se == pytest.approx(5.6943, abs=1e-3)
    assert (adjusted.ci_low, adjusted.ci_high) == (
        pytest.approx(8.544, abs=1e-3),
        pytest.approx(30.865, abs=1e-3),
    )


def test_it_reproduces_the_bootstrap_nps_interval_of_e3_3_within_its_tolerance() -> None:
    r = nps_from_counts(90, 60, 50, method="bootstrap", random_state=12345).result(0)
    # docs/methods.md E3.3: CI ≈ [8.5, 31.0], tolerance ±0.7 (RNG-dependent).
    assert r.ci_low == pytest.approx(8.5, abs=0.7)
    assert r.ci_high == pytest.approx(31.0, abs=0.7)


def test_it_reproduces_the_csat_wilson_interval_of_e3_5() -> None:
    r = proportion_from_counts(160, 200).result(0)
    # docs/methods.md E3.5: share 0.800, Wilson [0.7391, 0.8495] (4 decimals) -> percent, abs 1e-2.
    assert r.estimate == pytest.approx(80.0)
    assert r.ci_low == pytest.approx(73.91, abs=1e-2)
    assert r.ci_high == pytest.approx(84.95, abs=1e-2)


def test_it_suppresses_groups_under_the_threshold_but_keeps_their_n() -> None:
    arrays = nps_from_counts([3, 10], [2, 10], [1, 10], threshold=7)
    assert arrays.suppressed.tolist() == [True, False]
    assert arrays.n.tolist() == [6, 30]
    assert np.isnan(arrays.estimate[0]) and np.isnan(arrays.ci_low[0]) and np.isnan(arrays.ci_high[0])
    hidden = arrays.result(0)
    assert hidden.suppressed and hidden.estimate is None and hidden.ci_low is None and hidden.n == 6


def test_it_returns_nan_for_empty_groups_when_suppression_is_off() -> None:
    arrays = proportion_from_counts([0, 3], [0, 4], threshold=0)
    assert not arrays.suppressed.any()
    assert np.isnan(arrays.estimate[0]) and arrays.estimate[1] == pytest.approx(75.0)


def test_sums_of_empty_groups_may_be_null() -> None:
    arrays = mean_index_from_moments([0, 10], [np.nan, 700.0], [np.nan, 49_500.0])
    assert arrays.n.tolist() == [0, 10] and arrays.suppressed.tolist() == [True, False]
    assert arrays.estimate[1] == pytest.approx(70.0)


def test_a_single_respondent_mean_has_no_interval() -> None:
    r = mean_index_from_moments(1, 50.0, 2500.0, threshold=1).result(0)
    assert r.estimate == 50.0 and r.ci_low is None and r.ci_high is None


def test_weights_of_one_reproduce_the_unweighted_moments_result() -> None:
    n, total, total_sq = moments(E12_SCORES)
    plain = mean_index_from_moments(n, total, total_sq)
    weighted = mean_index_from_moments(n, total, total_sq, weight_sum=n, weight_sq_sum=n)
    for field in ("estimate", "ci_low", "ci_high", "n_eff", "se"):
        np.testing.assert_allclose(getattr(weighted, field), getattr(plain, field), rtol=1e-12)
    assert "Kish" in weighted.method


def test_weighted_moments_use_the_kish_effective_n() -> None:
    scores = np.array([60.0, 70.0, 80.0, 90.0, 40.0, 55.0, 65.0, 75.0])
    w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.5, 1.0])
    arrays = mean_index_from_moments(
        len(scores), (w * scores).sum(), (w * scores**2).sum(), weight_sum=w.sum(), weight_sq_sum=(w**2).sum()
    )
    mean_w = np.average(scores, weights=w)
    n_eff = w.sum() ** 2 / (w**2).sum()
    # Second route: numpy's reliability-weighted covariance (aweights) is the same unbiased s_w².
    s2 = np.cov(scores, aweights=w, ddof=1)
    assert arrays.estimate[0] == pytest.approx(mean_w, rel=1e-12)
    assert arrays.n_eff[0] == pytest.approx(n_eff, rel=1e-12)
    assert arrays.se[0] == pytest.approx(np.sqrt(s2 / n_eff), rel=1e-9)


def test_it_broadcasts_scalars_and_clips_intervals_to_the_bounds() -> None:
    arrays = mean_index_from_moments([10, 10], [990.0, 500.0], [98_100.0, 25_000.0])
    assert arrays.estimate.tolist() == pytest.approx([99.0, 50.0])
    assert arrays.ci_high[0] <= 100.0
    assert len(arrays) == 2


def test_to_frame_has_the_contract_columns() -> None:
    frame = nps_from_counts([10, 1], [5, 1], [5, 1]).to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["estimate", "ci_low", "ci_high", "n", "n_eff", "suppressed", "method"]
    assert frame["n"].tolist() == [20, 3]
    assert bool(frame["suppressed"].iloc[1])


def test_result_returns_index_results_and_rejects_out_of_range_groups() -> None:
    arrays = proportion_from_counts([5, 7], [10, 10])
    assert isinstance(arrays, IndexArrays)
    assert isinstance(arrays.result(-1), IndexResult)
    with pytest.raises(InvalidArgument, match="i: 2"):
        arrays.result(2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nps_from_counts([1, 2], [1, 2, 3], [1]), "mismatched lengths"),
        (lambda: nps_from_counts([-1], [1], [1]), "promoters: negative value -1"),
        (lambda: nps_from_counts([1.5], [1], [1]), "promoters: count 1.5"),
        (lambda: nps_from_counts([1], [1], [1], method="exact"), "method: 'exact'"),
        (lambda: proportion_from_counts([11], [10]), "successes: 11 exceeds n 10"),
        (lambda: proportion_from_counts([1], [10], confidence=1.5), "confidence: 1.5"),
        (lambda: mean_index_from_moments([3], [1.0], [1.0], weight_sum=[3.0]), "weight_sq_sum"),
        (lambda: mean_index_from_moments([3], [1.0], [1.0], threshold=-1), "threshold: -1"),
        (lambda: mean_index_from_moments([3], [np.nan], [1.0]), "total: missing"),
        (lambda: mean_index_from_moments([np.nan], [1.0], [1.0]), "n: missing"),
    ],
)
def test_it_rejects_bad_arguments_naming_them(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)


# --- The contract's promise: the same numbers as the raw-data functions, for many groups. ---------------

GROUPS = 10_000


def raw_survey(groups: int, seed: int) -> dict[str, np.ndarray]:
    """Synthetic raw rows: group id, three NKI items (1–10, some missing), an NPS and a CSAT answer."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 25, groups)
    group = np.repeat(np.arange(groups), sizes)
    rows = group.shape[0]
    items = rng.integers(1, 11, size=(rows, 3)).astype(float)
    items[rng.random((rows, 3)) < 0.1] = np.nan
    recommend = rng.integers(0, 11, rows).astype(float)
    recommend[rng.random(rows) < 0.05] = np.nan
    csat = rng.integers(1, 6, rows).astype(float)
    return {
        "group": group,
        "items": items,
        "recommend": recommend,
        "csat": csat,
        "weights": rng.uniform(0.3, 3, rows),
    }


def assert_same(arrays: IndexArrays, raw: list[IndexResult | None], *, rtol: float = 1e-9) -> None:
    for i, expected in enumerate(raw):
        got = arrays.result(i)
        if expected is None:  # no answers at all in this group
            assert got.n == 0 and got.estimate is None
            continue
        assert (got.n, got.suppressed, got.method) == (expected.n, expected.suppressed, expected.method), i
        assert got.n_eff == pytest.approx(expected.n_eff, rel=1e-12)
        for field in ("estimate", "ci_low", "ci_high", "se"):
            a, b = getattr(got, field), getattr(expected, field)
            assert (a is None and b is None) or a == pytest.approx(b, rel=rtol, abs=1e-9), (i, field, a, b)


def split(values: np.ndarray, group: np.ndarray, groups: int) -> list[np.ndarray]:
    return np.split(values, np.searchsorted(group, np.arange(1, groups)))


@pytest.mark.slow
def test_ten_thousand_groups_from_sufficient_statistics_match_the_raw_functions() -> None:
    from kundpuls.errors import InsufficientData
    from kundpuls.stats.indices import nps, respondent_index, satisfaction_index, top_box

    data = raw_survey(GROUPS, seed=20261129)
    group = data["group"]
    # Sufficient statistics the way the analytics layer computes them (one pass, per group).
    score = respondent_index(data["items"])
    has = ~np.isnan(score)
    n = np.bincount(group[has], minlength=GROUPS)
    total = np.bincount(group[has], weights=score[has], minlength=GROUPS)
    total_sq = np.bincount(group[has], weights=score[has] ** 2, minlength=GROUPS)
    rec = data["recommend"]
    answered = ~np.isnan(rec)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=GROUPS)

    nki = mean_index_from_moments(n, total, total_sq)
    promoters, passives, detractors = (
        count(answered & (rec >= 9)),
        count((rec >= 7) & (rec <= 8)),
        count(rec <= 6),
    )
    nps_arrays = nps_from_counts(promoters, passives, detractors)
    csat = proportion_from_counts(count(data["csat"] >= 4), count(~np.isnan(data["csat"])))

    def raw(fn, values):  # type: ignore[no-untyped-def]
        try:
            return fn(values)
        except InsufficientData:
            return None

    by_group_items = split(data["items"], group, GROUPS)
    assert_same(nki, [raw(satisfaction_index, rows) for rows in by_group_items], rtol=1e-9)
    assert_same(nps_arrays, [raw(nps, v) for v in split(rec, group, GROUPS)])
    assert_same(csat, [raw(top_box, v) for v in split(data["csat"], group, GROUPS)])
    assert nki.suppressed.sum() > 0 and (~nki.suppressed).sum() > 0


def test_weighted_groups_from_sufficient_statistics_match_the_raw_kish_results() -> None:
    from kundpuls.stats.indices import respondent_index, satisfaction_index

    groups = 1_000
    data = raw_survey(groups, seed=7)
    group = data["group"]
    score = respondent_index(data["items"])
    w = data["weights"]
    has = ~np.isnan(score)
    g, s, ww = group[has], score[has], w[has]
    arrays = mean_index_from_moments(
        np.bincount(g, minlength=groups),
        np.bincount(g, weights=ww * s, minlength=groups),
        np.bincount(g, weights=ww * s**2, minlength=groups),
        weight_sum=np.bincount(g, weights=ww, minlength=groups),
        weight_sq_sum=np.bincount(g, weights=ww**2, minlength=groups),
    )
    expected = []
    for rows, weights in zip(split(data["items"], group, groups), split(w, group, groups), strict=True):
        ok = (~np.isnan(rows)).sum(axis=1) >= 2
        expected.append(satisfaction_index(rows, sample_weights=weights) if ok.any() else None)
    assert_same(arrays, expected, rtol=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 10), min_size=1, max_size=40), min_size=1, max_size=6),
)
def test_any_groups_give_the_same_numbers_from_counts_and_from_raw_scores(groups: list[list[int]]) -> None:
    from kundpuls.stats.indices import nps, satisfaction_index, top_box

    scores = [np.array(g, dtype=float) for g in groups]
    promoters = [int((s >= 9).sum()) for s in scores]
    passives = [int(((s >= 7) & (s <= 8)).sum()) for s in scores]
    detractors = [int((s <= 6).sum()) for s in scores]
    for method in ("wald", "adjusted_wald"):
        arrays = nps_from_counts(promoters, passives, detractors, method=method, threshold=3)
        assert_same(arrays, [nps(s, method=method, threshold=3) for s in scores])
    tops = proportion_from_counts(
        [int((s >= 9).sum()) for s in scores], [len(s) for s in scores], threshold=3
    )
    assert_same(tops, [top_box(s, scale=(0, 10), threshold=3) for s in scores])
    index = [s * 10 for s in scores]  # 0–10 answers as a 0–100 index
    means = mean_index_from_moments(
        [len(s) for s in index], [s.sum() for s in index], [(s**2).sum() for s in index], threshold=3
    )
    assert_same(means, [satisfaction_index(s, scale=(0, 10), threshold=3) for s in scores], rtol=1e-8)


def test_weighted_nps_and_shares_from_weighted_counts_match_the_raw_kish_results() -> None:
    from kundpuls.stats.indices import nps, top_box

    groups = 1_000
    data = raw_survey(groups, seed=11)
    group, w, rec, csat = data["group"], data["weights"], data["recommend"], data["csat"]
    answered = ~np.isnan(rec)

    def wsum(mask: np.ndarray, weights: np.ndarray = w) -> np.ndarray:
        return np.bincount(group[mask], weights=weights[mask], minlength=groups)

    nps_arrays = nps_from_counts(
        wsum(answered & (rec >= 9)),
        wsum((rec >= 7) & (rec <= 8)),
        wsum(rec <= 6),
        respondents=np.bincount(group[answered], minlength=groups),
        weight_sq_sum=wsum(answered, w**2),
    )
    top = proportion_from_counts(
        wsum(csat >= 4),
        np.bincount(group, minlength=groups),
        weight_sum=wsum(np.ones_like(w, dtype=bool)),
        weight_sq_sum=wsum(np.ones_like(w, dtype=bool), w**2),
    )
    raw_nps, raw_top = [], []
    for values, c, weights in zip(
        split(rec, group, groups), split(csat, group, groups), split(w, group, groups), strict=True
    ):
        raw_nps.append(nps(values, sample_weights=weights) if (~np.isnan(values)).any() else None)
        raw_top.append(top_box(c, sample_weights=weights) if len(c) else None)
    assert_same(nps_arrays, raw_nps, rtol=1e-9)
    assert_same(top, raw_top, rtol=1e-9)


def test_weighted_counts_need_their_companion_arguments() -> None:
    with pytest.raises(InvalidArgument, match="weight_sq_sum: weighted counts need both"):
        nps_from_counts([1.5], [2.0], [0.5], respondents=[3])
    with pytest.raises(InvalidArgument, match="weight_sum: give both"):
        proportion_from_counts([1.5], [3], weight_sq_sum=[3.0])
    with pytest.raises(InvalidArgument, match="successes: 5 exceeds weight_sum 4"):
        proportion_from_counts([5.0], [3], weight_sum=[4.0], weight_sq_sum=[6.0])
