"""The index layer: 0-100 indices, effektmått and the priority matrix (docs/methods.md §1.5-1.6, §2.2-2.3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from kundpuls.demo.structural import example_nki_model, simulate_survey
from kundpuls.errors import InvalidArgument
from kundpuls.stats.pls import (
    PLSPathModel,
    construct_index,
    driver_analysis,
    effect_per_points,
    normalised_weights,
    priority_matrix,
    resample_counts,
    respondent_indices,
)

COLUMNS = ["bem1", "bem2", "bem3", "inf1", "inf2", "inf3", "nki1", "nki2", "nki3"]
E23_MODEL = {
    "constructs": {
        "BEM": {"indicators": COLUMNS[:3]},
        "INF": {"indicators": COLUMNS[3:6]},
        "NKI": {"indicators": COLUMNS[6:]},
    },
    "paths": [["BEM", "NKI"], ["INF", "NKI"]],
}


@pytest.fixture(scope="module")
def appendix_a(reference_data: Path) -> pd.DataFrame:
    """The 60 respondents of the worked driver example (docs/methods.md Appendix A)."""
    frame = pd.read_csv(reference_data / "e23_worked_example.csv")
    assert list(frame.columns) == COLUMNS and len(frame) == 60
    return frame


def test_it_reproduces_the_worked_driver_model_e2_3(appendix_a):
    # E2.3 was computed with plspm 0.5.7's default scaled=True, which divides every column by one pooled
    # SD (docs/methods.md §11 pitfall 1): the same model as unscaled PLS up to one constant. Its "normalised
    # unstandardised weights" then divide those weights by each item's SD (§2.2's conversion rule).
    model = PLSPathModel(E23_MODEL, scaled=False, tol=1e-6).fit(appendix_a)
    # stated tolerance: ±0.005 on weights/paths, ±0.1 on indices
    assert model.path_coefficients_.loc["BEM", "NKI"] == pytest.approx(0.3633, abs=0.005)
    assert model.path_coefficients_.loc["INF", "NKI"] == pytest.approx(0.3921, abs=0.005)
    assert model.r_squared_["NKI"] == pytest.approx(0.4293, abs=0.005)
    published = np.array([0.3863, 0.5327, 0.3816, 0.3641, 0.3364, 0.3525, 0.3876, 0.3936, 0.3957])
    ratio = published / model.outer_weights_.to_numpy()
    np.testing.assert_allclose(ratio, ratio.mean(), rtol=0.005)  # one pooled scale for all nine weights
    weights = normalised_weights(E23_MODEL, model.outer_weights_, indicator_sd=model.indicator_sd_)
    np.testing.assert_allclose(weights["BEM"], [0.3051, 0.4014, 0.2935], atol=0.005)
    np.testing.assert_allclose(weights["INF"], [0.3732, 0.3141, 0.3127], atol=0.005)
    np.testing.assert_allclose(weights["NKI"], [0.3477, 0.3750, 0.2773], atol=0.005)
    means = appendix_a.mean()
    index = {c: construct_index(means, weights[c], (1, 10)) for c in weights}
    assert index["BEM"] == pytest.approx(60.544, abs=0.1)
    assert index["INF"] == pytest.approx(62.714, abs=0.1)
    assert index["NKI"] == pytest.approx(68.082, abs=0.1)
    equal = pd.Series([1 / 3] * 3, index=COLUMNS[6:])
    assert construct_index(means, equal, (1, 10)) == pytest.approx(67.901, abs=0.1)
    spread = respondent_indices(appendix_a, weights, (1, 10)).std(ddof=1)
    effects = {
        c: effect_per_points(model.path_coefficients_.loc[c, "NKI"], spread["NKI"], spread[c])
        for c in ("BEM", "INF")
    }
    assert effects["BEM"] == pytest.approx(1.966, abs=0.005 * 5 * spread["NKI"] / spread["BEM"])
    assert effects["INF"] == pytest.approx(1.724, abs=0.005 * 5 * spread["NKI"] / spread["INF"])


def test_driver_analysis_on_a_consistent_unscaled_model_uses_the_raw_weights_directly(appendix_a):
    model = PLSPathModel(E23_MODEL, scaled=False).fit(appendix_a)
    result = driver_analysis(model, appendix_a, target="NKI", scales=(1, 10))
    weights = normalised_weights(E23_MODEL, model.outer_weights_)
    table = result.table.set_index("construct")
    assert list(table.index) == ["BEM", "INF"]
    assert table.loc["BEM", "score"] == pytest.approx(
        construct_index(appendix_a.mean(), weights["BEM"], (1, 10))
    )
    assert table.loc["BEM", "effect_standardised"] == pytest.approx(model.total_effects_.loc["BEM", "NKI"])
    # with raw weights the index is a linear function of the construct score, so the effect per +5
    # points is 5 × the unstandardised regression slope of the NKI index on the area indices
    per_respondent = respondent_indices(appendix_a, weights, (1, 10))
    design = np.column_stack([np.ones(60), per_respondent[["BEM", "INF"]]])
    slope, *_ = np.linalg.lstsq(design, per_respondent["NKI"], rcond=None)
    assert table.loc["BEM", "effect"] == pytest.approx(5 * slope[1], abs=1e-9)
    assert table.loc["INF", "effect"] == pytest.approx(5 * slope[2], abs=1e-9)


def test_the_index_formula_handles_one_and_mixed_scales():
    # E2.1: raw weights 0.52/0.43/0.35 normalise to 0.40000/0.33077/0.26923, index 74.504
    weights = normalised_weights(
        {
            "constructs": {"X": {"indicators": ["a", "b", "c"]}, "Y": {"indicators": ["y"]}},
            "paths": [["X", "Y"]],
        },
        {"a": 0.52, "b": 0.43, "c": 0.35, "y": 1.0},
    )
    np.testing.assert_allclose(weights["X"], [0.40000, 0.33077, 0.26923], atol=1e-5)
    assert construct_index({"a": 8.2, "b": 7.6, "c": 7.1}, weights["X"], (1, 10)) == pytest.approx(
        74.504, abs=1e-3
    )
    # E2.2: 7.9 on 1-10, 3.8 on 1-5, 6.5 on 0-10 with weights 0.3/0.3/0.4 -> 69.747
    mixed = pd.Series([0.3, 0.3, 0.4], index=["p", "q", "r"])
    scales = {"p": (1, 10), "q": (1, 5), "r": (0, 10)}
    assert construct_index({"p": 7.9, "q": 3.8, "r": 6.5}, mixed, scales) == pytest.approx(69.747, abs=1e-3)


def test_respondent_indices_renormalise_the_weights_over_answered_items():
    weights = {"X": pd.Series([0.5, 0.3, 0.2], index=["a", "b", "c"])}
    data = pd.DataFrame({"a": [10, np.nan, -99], "b": [1, 10, np.nan], "c": [1, 1, np.nan]})
    result = respondent_indices(data, weights, (1, 10), missing_codes=(-99,))
    assert result.loc[0, "X"] == pytest.approx(50.0)
    assert result.loc[1, "X"] == pytest.approx(100 * 0.3 / 0.5)
    assert np.isnan(result.loc[2, "X"])


def test_the_priority_matrix_places_the_e1_5_areas():
    # docs/methods.md E1.5: effects from OLS on indices, cut lines at the means (1.926 / 66.750)
    matrix = priority_matrix(
        {"Bemötande": 1.826, "Info": 2.680, "Tillgänglighet": 1.273},
        {"Bemötande": 75.667, "Info": 64.000, "Tillgänglighet": 60.583},
    )
    labels = dict(zip(matrix.table["construct"], matrix.table["label"], strict=True))
    assert labels == {
        "Info": "Prioritera",
        "Bemötande": "Lägre prioritet",
        "Tillgänglighet": "Förbättra om möjligt",
    }
    assert matrix.effect_cut == pytest.approx(1.926, abs=1e-3)
    assert matrix.score_cut == pytest.approx(66.750, abs=1e-3)


def test_a_point_on_a_cut_line_goes_to_the_high_side():
    matrix = priority_matrix({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 60.0, "b": 70.0, "c": 80.0})
    assert dict(zip(matrix.table["construct"], matrix.table["quadrant"], strict=True))["b"] == "maintain"


def test_negative_weights_cannot_be_rescaled_to_an_index():
    spec = {
        "constructs": {"X": {"indicators": ["a", "b"]}, "Y": {"indicators": ["y"]}},
        "paths": [["X", "Y"]],
    }
    with pytest.raises(InvalidArgument, match=r"'b'.*positive weights") as caught:
        normalised_weights(spec, {"a": 0.7, "b": -0.1, "y": 1.0})
    assert caught.value.field == "b"


def test_driver_analysis_finds_the_strongest_true_driver():
    truth = example_nki_model()
    frame = simulate_survey(truth, 3000, seed=8).to_frame()
    model = PLSPathModel(truth.to_model_mapping()).fit(frame)
    table = driver_analysis(model, frame, target="NKI", scales=(1, 10)).table.set_index("construct")
    assert table["effect"].idxmax() == "Bemotande"  # true paths 0.35 / 0.25 / 0.20
    assert set(table["quadrant"]) <= {"priority", "maintain", "improve_if_possible", "lower_priority"}
    with pytest.raises(InvalidArgument):
        driver_analysis(model, frame, target="Nope", scales=(1, 10))
    with pytest.raises(InvalidArgument):
        driver_analysis(model, frame, target="Bemotande", scales=(1, 10))


@pytest.mark.parametrize("mixed", [False, True], ids=["one scale", "mixed scales"])
def test_bootstrap_intervals_of_indices_and_effects_follow_the_draws(mixed: bool):
    truth = example_nki_model()
    frame = simulate_survey(truth, 400, seed=12).to_frame()
    model = PLSPathModel(truth.to_model_mapping()).fit(frame)
    boot = model.bootstrap(300, seed=4)
    # Mixed: the same answers declared on other ranges (0–10 for one item of each block, 1–12 for another),
    # so an index's spread differs between weighting raw answers and weighting 0–100 item scores.
    scales: Any = {
        i: ((0, 10) if i.endswith("1") else (1, 12) if i.endswith("2") else (1, 10)) for i in frame.columns
    }
    scales = scales if mixed else (1, 10)
    result = driver_analysis(model, frame, target="NKI", scales=scales, bootstrap=boot)
    table = result.table.set_index("construct")
    assert result.draws is not None
    for driver in ("Bemotande", "Information", "Tillganglighet"):
        row = table.loc[driver]
        assert row["score_ci_low"] < row["score"] < row["score_ci_high"]
        assert row["effect_ci_low"] < row["effect"] < row["effect_ci_high"]
        assert 0 <= row["quadrant_share"] <= 1 and row["n_draws"] == 300
    # draw 0 recomputed by hand: resample 0's rows, its bootstrap weights, the index formula
    counts = resample_counts(400, 300, seed=4)[0]
    rows = frame.iloc[np.repeat(np.arange(400), counts)]
    weights = {i: boot.draws_of("weight", i, "Bemotande")[0] for i in ("bem1", "bem2", "bem3")}
    raw = pd.Series({i: w / rows[i].std() for i, w in weights.items()})
    index = construct_index(rows.mean(), raw / raw.sum(), scales)
    assert result.draws.index_draws["Bemotande"][0] == pytest.approx(index, abs=1e-9)
    # and the effect of draw 0 from the respondent indices of that resample
    normalised = {}
    for construct in ("Bemotande", "NKI"):
        items = [i for i in frame.columns if i.startswith(construct[:3].lower())]
        w = pd.Series({i: boot.draws_of("weight", i, construct)[0] / rows[i].std() for i in items})
        normalised[construct] = w / w.sum()
    spread = respondent_indices(rows, normalised, scales).std()
    beta = boot.draws_of("total_effect", "Bemotande", "NKI")[0]
    expected = effect_per_points(beta, spread["NKI"], spread["Bemotande"])
    assert result.draws.effect_draws["Bemotande"][0] == pytest.approx(expected, abs=1e-9)
