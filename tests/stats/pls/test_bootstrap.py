"""The batched bootstrap: reproducibility, equality with a one-draw-at-a-time loop, failures, intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kundpuls.demo.structural import example_nki_model, simulate_survey
from kundpuls.errors import InvalidArgument, KundpulsWarning
from kundpuls.stats.pls import PLSPathModel, resample_counts
from kundpuls.stats.pls.intervals import bca_interval, percentile_interval

NKI = example_nki_model()


@pytest.fixture(scope="module")
def ecsi(load_model, mobi) -> PLSPathModel:
    return PLSPathModel(load_model("mobi_ecsi")).fit(mobi)


def test_the_same_seed_gives_the_same_draws_and_a_longer_run_extends_a_shorter_one(ecsi):
    a = ecsi.bootstrap(300, seed=42)
    b = ecsi.bootstrap(300, seed=42)
    c = ecsi.bootstrap(700, seed=42)
    d = ecsi.bootstrap(300, seed=43)
    np.testing.assert_array_equal(a.draws, b.draws)
    # The same resamples; only the batch sizes differ, and BLAS may sum a batch of another shape in
    # another order (seen: 1e-16 differences on some CPUs), so the extension holds to rounding.
    np.testing.assert_allclose(a.draws, c.draws[:300], rtol=1e-12, atol=1e-14)
    assert not np.allclose(a.draws, d.draws)
    pd.testing.assert_frame_equal(a.summary("bca"), b.summary("bca"))
    assert a.seed == 42 and a.n_resamples == 300 and a.n == 250


def test_resample_counts_are_multinomial_draws_of_n(ecsi):
    counts = resample_counts(250, 50, seed=1)
    assert counts.shape == (50, 250)
    assert (counts.sum(axis=1) == 250).all()
    assert counts.min() >= 0


@pytest.mark.parametrize(
    ("scheme", "scaled", "sign_handling"),
    [("path", True, "construct"), ("centroid", False, "orientation"), ("factorial", True, "orientation")],
)
def test_batched_draws_equal_a_plain_loop_over_the_same_resamples(
    scheme, scaled, sign_handling, load_model, mobi
):
    model = PLSPathModel(load_model("mobi_ecsi"), scheme=scheme, scaled=scaled).fit(mobi)
    n_draws = 25
    batched = model.bootstrap(n_draws, seed=7, sign_handling=sign_handling)
    counts = resample_counts(len(mobi), n_draws, seed=7).astype(int)
    reference = model.outer_weights_.to_numpy()
    blocks = model.compiled_.block
    for b in range(n_draws):
        rows = np.repeat(np.arange(len(mobi)), counts[b])
        refit = PLSPathModel(load_model("mobi_ecsi"), scheme=scheme, scaled=scaled).fit(mobi.iloc[rows])
        values = refit.estimate_vector_.copy()
        if sign_handling == "construct":
            # orient each construct like the full-sample score on the same resampled rows
            data = refit.indicator_data_.to_numpy()
            centred = data - data.mean(axis=0)
            working = centred / data.std(axis=0, ddof=1) if scaled else centred
            full_scores = working @ (reference[:, None] * model.compiled_.membership)
            own = refit.construct_scores_.to_numpy()
            flip = np.where((own * full_scores).sum(axis=0) < 0, -1.0, 1.0)
            values = _apply_signs(model, values, flip, blocks)
        np.testing.assert_allclose(batched.draws[b], values, rtol=0, atol=1e-10)


def _apply_signs(model, values, flip, blocks):
    out = values.copy()
    index = {c: k for k, c in enumerate(model.spec_.constructs)}
    indicators = {i: k for k, i in enumerate(model.spec_.indicators)}
    for row, (stat, source, target) in enumerate(
        zip(model.layout_.statistic, model.layout_.source, model.layout_.target, strict=True)
    ):
        if stat in ("weight", "loading"):
            out[row] *= flip[blocks[indicators[source]]]
        elif stat in ("path", "total_effect", "indirect_effect"):
            out[row] *= flip[index[source]] * flip[index[target]]
    return out


def test_failed_draws_are_counted_kept_as_nan_and_left_out_of_the_intervals():
    frame = simulate_survey(NKI, 60, seed=4).to_frame()
    frame["nki3"] = 7.0
    frame.loc[0, "nki3"] = 8.0  # one odd answer: every resample without row 0 has a constant item
    model = PLSPathModel(NKI.to_model_mapping()).fit(frame)
    with pytest.warns(KundpulsWarning, match="bootstrap draws failed"):
        result = model.bootstrap(200, seed=3)
    counts = resample_counts(60, 200, seed=3)
    expected_failures = int((counts[:, 0] == 0).sum())
    assert result.n_failed == expected_failures > 0
    assert result.failures == {"non_finite": expected_failures}
    assert np.isnan(result.draws[result.failure != ""]).all()
    assert np.isfinite(result.good_draws).all()
    summary = result.summary()
    assert (summary["n"] == 200 - expected_failures).all()
    low, _ = percentile_interval(result.good_draws, 0.95)
    np.testing.assert_allclose(summary["ci_low"], low)


def test_no_warning_when_no_draw_fails(ecsi):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ecsi.bootstrap(100, seed=1)
    assert result.n_failed == 0 and result.failures == {}


def test_intervals_contain_the_estimate_and_bca_differs_from_percentile(ecsi):
    result = ecsi.bootstrap(1000, seed=5)
    percentile = result.summary("percentile")
    bca = result.summary("bca")
    paths = percentile["statistic"] == "path"
    assert (
        (percentile["ci_low"] <= percentile["estimate"]) & (percentile["estimate"] <= percentile["ci_high"])
    )[paths].all()
    assert ((bca["ci_low"] <= bca["estimate"]) & (bca["estimate"] <= bca["ci_high"]))[paths].all()
    assert (bca["ci_low"] != percentile["ci_low"]).any()
    assert (percentile["se"] > 0)[paths].all()
    # Satisfaction -> Loyalty is clearly positive; Expectation -> Value is not (SmartPLS reports t ≈ 0.6)
    row = percentile[
        (percentile["statistic"] == "path")
        & (percentile["from"] == "Satisfaction")
        & (percentile["to"] == "Loyalty")
    ].iloc[0]
    assert row["ci_low"] > 0
    row = percentile[
        (percentile["statistic"] == "path")
        & (percentile["from"] == "Expectation")
        & (percentile["to"] == "Value")
    ].iloc[0]
    assert row["ci_low"] < 0 < row["ci_high"]
    # a single-item construct's weight is fixed at 1: a degenerate interval
    fixed = bca[(bca["statistic"] == "weight") & (bca["from"] == "CUSCO")].iloc[0]
    assert fixed["ci_low"] == pytest.approx(1.0) and fixed["ci_high"] == pytest.approx(1.0)
    assert result.draws_of("path", "Image", "Expectation").shape == (1000,)


def test_bca_equals_scipy_on_the_same_resamples_of_a_skewed_mean():
    from scipy import stats as scipy_stats  # a dependency of kundpuls, not optional

    sample = np.random.default_rng(0).exponential(size=40)
    n_draws = 4000
    # scipy draws its resamples as rng.integers(0, n, (B, n)); reuse exactly those draws
    picks = np.random.default_rng(1).integers(0, 40, size=(n_draws, 40))
    draws = sample[picks].mean(axis=1)[:, None]
    jackknife = ((sample.sum() - sample) / 39)[:, None]
    low, high = bca_interval(draws, np.array([sample.mean()]), jackknife, 0.95)
    ref = scipy_stats.bootstrap(
        (sample,), np.mean, n_resamples=n_draws, method="BCa", random_state=np.random.default_rng(1)
    ).confidence_interval
    assert low[0] == pytest.approx(ref.low, abs=1e-12)
    assert high[0] == pytest.approx(ref.high, abs=1e-12)
    # BCa shifts the interval right of the percentile interval for this right-skewed statistic
    p_low, p_high = percentile_interval(draws, 0.95)
    assert low[0] > p_low[0] and high[0] > p_high[0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_resamples": 1}, "n_resamples"),
        ({"confidence": 1.0}, "confidence"),
        ({"sign_handling": "none"}, "sign_handling"),
    ],
)
def test_it_rejects_bad_bootstrap_options(kwargs, field, ecsi):
    options = {"n_resamples": 10, **kwargs}
    with pytest.raises(InvalidArgument) as caught:
        ecsi.bootstrap(options.pop("n_resamples"), **options)
    assert caught.value.field == field


def test_progress_is_reported_up_to_the_total(ecsi):
    calls = []
    ecsi.bootstrap(50, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (300, 300)  # 50 resamples + 250 jackknife estimates
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_a_large_sample_uses_a_grouped_jackknife():
    frame = simulate_survey(NKI, 2500, seed=9).to_frame()
    result = PLSPathModel(NKI.to_model_mapping()).fit(frame).bootstrap(50, seed=2)
    assert result.jackknife.shape[0] == 1000
    assert np.isfinite(result.bca_low).all()


def test_bca_without_bias_or_acceleration_is_the_percentile_interval():
    draws = np.linspace(-1, 1, 2001)[:, None]  # symmetric around the estimate 0: z0 = 0
    jackknife = np.zeros((50, 1))  # no spread: a = 0
    low, high = bca_interval(draws, np.array([0.0]), jackknife, 0.9)
    p_low, p_high = percentile_interval(draws, 0.9)
    assert low[0] == pytest.approx(p_low[0], abs=1e-12)
    assert high[0] == pytest.approx(p_high[0], abs=1e-12)
