"""Indices from raw answers, checked on the worked examples of docs/methods.md §1 and §3."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from kundpuls.errors import InsufficientData, InvalidArgument, SmallSampleWarning
from kundpuls.stats.indices import (
    bottom_box,
    effort_score,
    nps,
    respondent_index,
    satisfaction_index,
    scale_mean,
    top_box,
)

NAN = np.nan
# docs/methods.md E1.2: ten respondents (Q1, Q2, Q3), NaN = missing.
E12_ROWS = np.array(
    [
        [9, 8, 8],
        [7, 7, 6],
        [10, 9, 9],
        [6, NAN, 5],
        [8, 8, 7],
        [5, 4, NAN],
        [9, 9, 8],
        [NAN, NAN, 7],
        [8, 7, 7],
        [10, 10, 9],
    ]
)
E14_ANSWERS = [6, 5, 5, 4, 6, 3, 5, 6, 2, 5, 4, 6]


def nps_scores(promoters: int, passives: int, detractors: int) -> np.ndarray:
    return np.repeat([10, 7, 0], [promoters, passives, detractors]).astype(float)


class TestSatisfactionIndex:
    def test_it_computes_respondent_indices_dropping_those_with_one_answer_as_in_e1_2(self) -> None:
        scores = respondent_index(E12_ROWS)
        # docs/methods.md E1.2 lists the respondent indices to 4 decimals -> tolerance 1e-4.
        expected = [81.4815, 62.9630, 92.5926, 50.0, 74.0741, 38.8889, 85.1852, NAN, 70.3704, 96.2963]
        np.testing.assert_allclose(scores, expected, atol=1e-4)

    def test_it_reproduces_nki_with_its_t_interval_as_in_e1_2(self) -> None:
        r = satisfaction_index(E12_ROWS)
        # docs/methods.md E1.2, tolerance 1e-3.
        assert r.n == 9 and r.n_eff == 9
        assert r.estimate == pytest.approx(72.428, abs=1e-3)
        assert r.se == pytest.approx(6.396, abs=1e-3)
        assert (r.ci_low, r.ci_high) == (pytest.approx(57.679, abs=1e-3), pytest.approx(87.177, abs=1e-3))
        assert not r.suppressed

    def test_the_z_interval_of_e1_2_follows_from_the_same_standard_error(self) -> None:
        r = satisfaction_index(E12_ROWS)
        # docs/methods.md E1.2 z-CI [59.892, 84.964], tolerance 1e-3.
        assert r.estimate - 1.959964 * r.se == pytest.approx(59.892, abs=1e-3)
        assert r.estimate + 1.959964 * r.se == pytest.approx(84.964, abs=1e-3)

    def test_fixed_weights_on_complete_cases_give_e1_3(self) -> None:
        r = satisfaction_index(E12_ROWS, weights=[0.40, 0.30, 0.30], min_answered=3, threshold=7)
        # docs/methods.md E1.3, tolerance 1e-3.
        assert r.n == 7
        assert r.estimate == pytest.approx(80.952, abs=1e-3)

    def test_item_means_commute_with_the_weighted_index_as_in_e1_3(self) -> None:
        complete = E12_ROWS[~np.isnan(E12_ROWS).any(axis=1)]
        item_means = complete.mean(axis=0)
        # docs/methods.md E1.3 item means 8.7143, 8.2857, 7.7143 (4 decimals).
        np.testing.assert_allclose(item_means, [8.7143, 8.2857, 7.7143], atol=1e-4)
        r = satisfaction_index(complete, weights=[4, 3, 3])  # weights are normalised
        assert r.estimate == pytest.approx(
            float(np.dot([0.4, 0.3, 0.3], (item_means - 1) / 9 * 100)), abs=1e-9
        )

    def test_it_reproduces_the_insikt_one_to_six_example_e1_4(self) -> None:
        r = satisfaction_index(np.array(E14_ANSWERS, dtype=float), scale=(1, 6))
        # docs/methods.md E1.4, tolerance 1e-3.
        assert r.estimate == pytest.approx(75.0, abs=1e-3)
        assert r.se == pytest.approx(7.437, abs=1e-3)
        assert (r.ci_low, r.ci_high) == (pytest.approx(58.632, abs=1e-3), pytest.approx(91.368, abs=1e-3))

    def test_it_accepts_a_dataframe_with_missing_values(self) -> None:
        frame = pd.DataFrame(E12_ROWS, columns=["q1", "q2", "q3"])
        assert satisfaction_index(frame).estimate == pytest.approx(satisfaction_index(E12_ROWS).estimate)

    def test_it_suppresses_groups_under_the_threshold(self) -> None:
        r = satisfaction_index(E12_ROWS[:6])
        assert r.suppressed and r.n == 6
        assert r.estimate is None and r.ci_low is None and r.ci_high is None and r.se is None
        assert r.to_dict()["estimate"] is None

    def test_it_switches_from_t_to_z_at_thirty_respondents(self) -> None:
        rng = np.random.default_rng(7)
        rows = rng.integers(1, 11, size=(30, 3)).astype(float)
        r = satisfaction_index(rows)
        scores = respondent_index(rows)
        half = 1.959964 * scores.std(ddof=1) / math.sqrt(30)
        assert r.ci_high - r.estimate == pytest.approx(half, rel=1e-6)
        r29 = satisfaction_index(rows[:29])
        half29 = sps.t.ppf(0.975, 28) * scores[:29].std(ddof=1) / math.sqrt(29)
        assert r29.ci_high - r29.estimate == pytest.approx(half29, rel=1e-6)

    def test_weights_of_one_reproduce_the_unweighted_result(self) -> None:
        plain = satisfaction_index(E12_ROWS)
        weighted = satisfaction_index(E12_ROWS, sample_weights=np.ones(10))
        for field in ("estimate", "ci_low", "ci_high", "n_eff", "se"):
            assert getattr(weighted, field) == pytest.approx(getattr(plain, field), rel=1e-12)
        assert "Kish" in weighted.method

    def test_linearisation_matches_the_formula_of_7_4(self) -> None:
        w = np.array([1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.5, 1.0, 2.0, 1.0])
        r = satisfaction_index(E12_ROWS, sample_weights=w, variance="linearisation")
        y = respondent_index(E12_ROWS)
        keep = ~np.isnan(y)
        y, w = y[keep], w[keep]
        mean = np.sum(w * y) / w.sum()
        n = len(y)
        se = math.sqrt(n / (n - 1) * np.sum(w**2 * (y - mean) ** 2) / w.sum() ** 2)
        assert r.estimate == pytest.approx(mean, rel=1e-12)
        assert r.se == pytest.approx(se, rel=1e-12)
        assert r.n_eff == pytest.approx(w.sum() ** 2 / (w**2).sum())
        assert "linearisation" in r.method

    def test_a_weight_of_zero_drops_the_respondent_from_the_estimate(self) -> None:
        w = np.ones(10)
        w[0] = 0.0
        r = satisfaction_index(E12_ROWS, sample_weights=w, threshold=0)
        scores = respondent_index(E12_ROWS)
        assert r.estimate == pytest.approx(np.nanmean(scores[1:]), rel=1e-12)

    @pytest.mark.parametrize(
        ("kwargs", "error", "message"),
        [
            ({"items": [[1, 11, 5]]}, InvalidArgument, "items: value 11 is outside the scale 1–10"),
            ({"items": [[1, 2, 3]], "weights": [1, 1]}, InvalidArgument, "weights: 2 weights for 3 items"),
            ({"items": [[1, 2, 3]], "weights": [-1, 1, 1]}, InvalidArgument, "weights:"),
            ({"items": [[1, 2, 3]], "min_answered": 4}, InvalidArgument, "min_answered: 4"),
            ({"items": [[1, 2, 3]], "sample_weights": [1, 2]}, InvalidArgument, "sample_weights: length 2"),
            ({"items": [[1, 2, 3]], "sample_weights": [-1]}, InvalidArgument, "sample_weights: negative"),
            ({"items": [[NAN, NAN, NAN]]}, InsufficientData, "items: no non-missing values"),
            ({"items": [[1, NAN, NAN]]}, InsufficientData, "items"),
            ({"items": [["a", 2, 3]]}, InvalidArgument, "items: expected numbers"),
            ({"items": [[1, 2, 3]], "variance": "jackknife"}, InvalidArgument, "variance: 'jackknife'"),
            ({"items": [[1, 2, 3]], "scale": (10, 1)}, InvalidArgument, "scale: min 10"),
        ],
    )
    def test_it_rejects_bad_input_naming_the_argument(self, kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
        items = kwargs.pop("items")
        with pytest.raises(error, match=message) as info:
            satisfaction_index(items, **kwargs)
        assert isinstance(info.value, ValueError)


class TestNps:
    def test_it_reproduces_the_wald_example_e3_1(self) -> None:
        r = nps(nps_scores(90, 60, 50), method="wald")
        # docs/methods.md E3.1, tolerance 1e-3.
        assert r.estimate == pytest.approx(20.0)
        assert r.se == pytest.approx(5.7446, abs=1e-3)
        assert (r.ci_low, r.ci_high) == (pytest.approx(8.741, abs=1e-3), pytest.approx(31.259, abs=1e-3))

    def test_it_reproduces_the_adjusted_wald_example_e3_2(self) -> None:
        r = nps(nps_scores(90, 60, 50))
        # docs/methods.md E3.2, tolerance 1e-3.
        assert r.se == pytest.approx(5.6943, abs=1e-3)
        assert (r.ci_low, r.ci_high) == (pytest.approx(8.544, abs=1e-3), pytest.approx(30.865, abs=1e-3))
        assert (r.ci_low + r.ci_high) / 2 == pytest.approx(19.704, abs=1e-3)

    def test_it_reproduces_the_bootstrap_example_e3_3_within_its_tolerance(self) -> None:
        r = nps(nps_scores(90, 60, 50), method="bootstrap", random_state=12345)
        # docs/methods.md E3.3: ≈ [8.5, 31.0], tolerance ±0.7.
        assert r.ci_low == pytest.approx(8.5, abs=0.7)
        assert r.ci_high == pytest.approx(31.0, abs=0.7)

    def test_the_bootstrap_is_reproducible_with_a_seed(self) -> None:
        scores = nps_scores(20, 10, 8)
        a = nps(scores, method="bootstrap", random_state=3, n_boot=2000)
        b = nps(scores, method="bootstrap", random_state=3, n_boot=2000)
        assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)

    def test_the_per_respondent_variance_matches_the_published_check(self) -> None:
        # docs/methods.md §3.1: shares 1/2, 1/3, 1/6 -> NPS 1/3, variance p + d − NPS² = 5/9.
        n = 600
        r = nps(nps_scores(300, 200, 100), method="wald")
        assert r.estimate == pytest.approx(100 / 3)
        assert (r.se / 100) ** 2 * n == pytest.approx(5 / 9, rel=1e-12)

    def test_it_classifies_nine_and_ten_as_promoters_and_up_to_six_as_detractors(self) -> None:
        scores = np.array([0, 6, 7, 8, 9, 10, 10, 6, 3, 9])
        r = nps(scores, method="wald", threshold=0)
        assert r.estimate == pytest.approx(100 * (4 - 4) / 10)
        assert nps(np.array([9] * 7 + [6] * 3), method="wald").estimate == pytest.approx(40.0)

    def test_it_excludes_missing_answers_from_n(self) -> None:
        r = nps(np.r_[nps_scores(10, 5, 5), [NAN, NAN]], method="wald")
        assert r.n == 20 and r.estimate == pytest.approx(25.0)

    def test_it_warns_when_shown_with_fewer_than_thirty(self) -> None:
        with pytest.warns(SmallSampleWarning, match="n = 10"):
            nps(nps_scores(5, 3, 2))

    def test_weights_of_one_reproduce_the_unweighted_result(self) -> None:
        scores = nps_scores(40, 30, 20)
        for method in ("wald", "adjusted_wald"):
            plain = nps(scores, method=method)
            weighted = nps(scores, method=method, sample_weights=np.ones(90))
            assert (weighted.estimate, weighted.ci_low, weighted.ci_high) == pytest.approx(
                (plain.estimate, plain.ci_low, plain.ci_high), rel=1e-12
            )

    def test_weighted_nps_uses_weighted_shares_and_the_kish_n(self) -> None:
        scores = nps_scores(40, 30, 20)
        w = np.where(scores == 10, 2.0, 1.0)
        r = nps(scores, method="wald", sample_weights=w)
        p, d = 80 / 130, 20 / 130
        n_eff = w.sum() ** 2 / (w**2).sum()
        assert r.estimate == pytest.approx(100 * (p - d))
        assert r.se == pytest.approx(100 * math.sqrt((p + d - (p - d) ** 2) / n_eff))
        lin = nps(scores, sample_weights=w, variance="linearisation")
        y = np.where(scores == 10, 1.0, np.where(scores == 0, -1.0, 0.0))
        mean = np.sum(w * y) / w.sum()
        se = math.sqrt(90 / 89 * np.sum(w**2 * (y - mean) ** 2) / w.sum() ** 2)
        assert lin.se == pytest.approx(100 * se, rel=1e-12)

    @pytest.mark.parametrize(
        ("scores", "kwargs", "message"),
        [
            ([11, 5], {}, "scores: value 11 is outside the scale 0–10"),
            ([8.5, 5], {}, "scores: 8.5 is not a whole number"),
            ([5, 5], {"method": "exact"}, "method: 'exact'"),
            ([5, 5], {"confidence": 95}, "confidence: 95"),
        ],
    )
    def test_it_rejects_bad_input(self, scores, kwargs, message) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(InvalidArgument, match=message):
            nps(scores, **kwargs)

    def test_it_raises_when_everything_is_missing(self) -> None:
        with pytest.raises(InsufficientData, match="scores"):
            nps([NAN, NAN])


class TestTopBoxAndEffort:
    CSAT = np.repeat([1, 2, 3, 4, 5], [5, 10, 25, 80, 80]).astype(float)
    CES = np.repeat([1, 2, 3, 4, 5, 6, 7], [2, 5, 3, 10, 20, 35, 25]).astype(float)

    def test_it_reproduces_csat_with_wilson_interval_as_in_e3_5(self) -> None:
        r = top_box(self.CSAT)
        # docs/methods.md E3.5: 0.800, Wilson [0.7391, 0.8495] (4 decimals of a share -> 1e-2 percent points).
        assert r.estimate == pytest.approx(80.0)
        assert r.ci_low == pytest.approx(73.91, abs=1e-2)
        assert r.ci_high == pytest.approx(84.95, abs=1e-2)
        # docs/methods.md E3.5 mean 4.10.
        assert scale_mean(self.CSAT).estimate == pytest.approx(4.10, abs=1e-9)

    def test_the_wilson_interval_matches_scipy(self) -> None:
        # Cross-check with scipy's independent implementation, tolerance 1e-9.
        ci = sps.binomtest(160, 200).proportion_ci(confidence_level=0.95, method="wilson")
        r = top_box(self.CSAT)
        assert r.ci_low == pytest.approx(100 * ci.low, abs=1e-9)
        assert r.ci_high == pytest.approx(100 * ci.high, abs=1e-9)

    def test_it_reproduces_the_effort_score_example_e3_6(self) -> None:
        ces = effort_score(self.CES)
        # docs/methods.md E3.6: mean 5.46, agree 0.80, disagree 0.10, tolerance 1e-3.
        assert ces.mean.estimate == pytest.approx(5.46, abs=1e-3)
        assert ces.agree.estimate == pytest.approx(80.0, abs=1e-3)
        assert ces.disagree.estimate == pytest.approx(10.0, abs=1e-3)
        assert set(ces.to_dict()) == {"mean", "agree", "disagree"}

    def test_bottom_box_mirrors_top_box(self) -> None:
        assert bottom_box(self.CSAT, boxes=2).estimate == pytest.approx(100 * 15 / 200)
        assert top_box(6 - self.CSAT, boxes=2).estimate == bottom_box(self.CSAT, boxes=2).estimate

    def test_the_scale_mean_interval_stays_on_the_scale(self) -> None:
        r = scale_mean(np.array([5.0] * 9 + [4.0]))
        assert r.ci_high <= 5.0

    def test_it_rejects_too_many_boxes_and_values_off_the_scale(self) -> None:
        with pytest.raises(InvalidArgument, match="boxes: 5"):
            top_box(self.CSAT, boxes=5)
        with pytest.raises(InvalidArgument, match="scores: value 6"):
            top_box([1, 6])


class TestInputsAndCrossChecks:
    def test_it_accepts_pandas_nullable_integers_with_missing_values(self) -> None:
        frame = pd.DataFrame(
            {"q1": [9, 7, 10, 6, 8, 5, 9, None], "q2": [8, 7, 9, None, 8, 4, 9, None]}, dtype="Int64"
        )
        r = satisfaction_index(frame)
        expected = satisfaction_index(frame.astype("float64").to_numpy())
        assert r.n == expected.n == 7 and r.estimate == pytest.approx(expected.estimate)
        assert nps(pd.Series([9, 10, None, 3, 7, 8, 9, 9], dtype="Int64")).n == 7

    def test_the_mean_interval_matches_scipy_t_and_norm_intervals(self) -> None:
        # Independent route: scipy.stats.t.interval / norm.interval with the standard error of the mean.
        rng = np.random.default_rng(4)
        for n in (8, 29, 30, 200):
            scores = rng.uniform(20, 90, n)
            r = satisfaction_index(scores * 0.09 + 1)  # 1–10 ratings whose index equals `scores`
            if n < 30:
                low, high = sps.t.interval(0.95, n - 1, loc=scores.mean(), scale=sps.sem(scores))
            else:
                low, high = sps.norm.interval(0.95, loc=scores.mean(), scale=sps.sem(scores))
            assert (r.ci_low, r.ci_high) == (pytest.approx(low, rel=1e-9), pytest.approx(high, rel=1e-9))

    def test_the_wald_nps_standard_error_is_that_of_the_mean_of_plus_minus_one(self) -> None:
        # Independent route: NPS = 100·mean(y), y ∈ {+1, 0, −1}; Wald SE = 100·sd(y, ddof=0)/√n.
        rng = np.random.default_rng(8)
        scores = rng.integers(0, 11, 150).astype(float)
        y = np.where(scores >= 9, 1.0, np.where(scores <= 6, -1.0, 0.0))
        r = nps(scores, method="wald")
        assert r.estimate == pytest.approx(100 * y.mean(), rel=1e-12)
        assert r.se == pytest.approx(100 * y.std(ddof=0) / math.sqrt(150), rel=1e-12)
