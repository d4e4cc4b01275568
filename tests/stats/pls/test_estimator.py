"""Behaviour of ``PLSPathModel``: options, missing values, warnings, errors and invariants."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.demo.structural import example_nki_model, simulate_survey
from kundpuls.errors import (
    ConvergenceError,
    ConvergenceWarning,
    InsufficientData,
    InvalidArgument,
    SmallSampleWarning,
)
from kundpuls.stats.pls import PLSPathModel

NKI = example_nki_model()
NKI_SPEC = NKI.to_model_mapping()


@pytest.fixture(scope="module")
def nki_frame() -> pd.DataFrame:
    return simulate_survey(NKI, 300, seed=11).to_frame()


def test_it_returns_itself_and_learned_attributes_end_in_underscore(nki_frame):
    model = PLSPathModel(NKI_SPEC)
    assert model.fit(nki_frame) is model
    assert model.n_ == 300 and model.converged_ and model.n_iter_ > 1
    assert set(model.summary()["statistic"]) == {"path", "total_effect", "weight", "loading", "r_squared"}
    assert list(model.summary().columns) == ["statistic", "from", "to", "value"]


def test_construct_scores_have_unit_variance_and_reproduce_the_paths(nki_frame):
    model = PLSPathModel(NKI_SPEC).fit(nki_frame)
    scores = model.construct_scores_
    np.testing.assert_allclose(scores.std(ddof=1), 1.0, atol=1e-12)
    # the paths are the OLS regression of the NKI score on the area scores
    design = scores[["Bemotande", "Information", "Tillganglighet"]].to_numpy()
    beta, *_ = np.linalg.lstsq(design - design.mean(0), scores["NKI"] - scores["NKI"].mean(), rcond=None)
    np.testing.assert_allclose(
        beta, model.path_coefficients_.loc[["Bemotande", "Information", "Tillganglighet"], "NKI"], atol=1e-12
    )
    # loadings are correlations of indicators with their construct
    corr = np.corrcoef(nki_frame["bem2"], scores["Bemotande"])[0, 1]
    assert model.outer_loadings_["bem2"] == pytest.approx(corr, abs=1e-12)


def test_total_effects_add_direct_and_indirect_effects(load_model, mobi):
    model = PLSPathModel(load_model("mobi_ecsi")).fit(mobi)
    p = model.path_coefficients_
    via_satisfaction = p.loc["Image", "Satisfaction"] * (
        p.loc["Satisfaction", "Loyalty"]
        + p.loc["Satisfaction", "Complaints"] * p.loc["Complaints", "Loyalty"]
    )
    via_expectation = p.loc["Image", "Expectation"] * model.total_effects_.loc["Expectation", "Loyalty"]
    expected = p.loc["Image", "Loyalty"] + via_satisfaction + via_expectation
    assert model.total_effects_.loc["Image", "Loyalty"] == pytest.approx(expected, abs=1e-12)
    assert model.indirect_effects_.loc["Image", "Loyalty"] == pytest.approx(
        expected - p.loc["Image", "Loyalty"]
    )


def test_a_single_item_construct_has_weight_and_loading_one(load_model, mobi):
    model = PLSPathModel(load_model("mobi_ecsi")).fit(mobi)
    assert model.outer_weights_["CUSCO"] == pytest.approx(1.0, abs=1e-12)
    assert model.outer_loadings_["CUSCO"] == pytest.approx(1.0, abs=1e-12)


def test_it_keeps_the_orientation_of_the_indicators_when_all_are_reversed(nki_frame):
    reversed_frame = nki_frame.copy()
    for column in ("bem1", "bem2", "bem3"):
        reversed_frame[column] = 11 - reversed_frame[column]
    model = PLSPathModel(NKI_SPEC).fit(reversed_frame)
    original = PLSPathModel(NKI_SPEC).fit(nki_frame)
    assert (model.outer_loadings_[["bem1", "bem2", "bem3"]] > 0).all()
    # the reversed block is a reversed construct: its path flips sign, nothing else changes
    assert model.path_coefficients_.loc["Bemotande", "NKI"] == pytest.approx(
        -original.path_coefficients_.loc["Bemotande", "NKI"], abs=1e-9
    )
    assert model.r_squared_["NKI"] == pytest.approx(original.r_squared_["NKI"], abs=1e-9)


def test_mean_replacement_and_listwise_deletion_are_reported():
    survey = simulate_survey(NKI, 400, seed=5, missing_rate=0.03, missing_code=-99).to_frame()
    mean = PLSPathModel(NKI_SPEC, missing_codes=(-99,)).fit(survey)
    listwise = PLSPathModel(NKI_SPEC, missing_codes=(-99,), missing_strategy="listwise").fit(survey)
    n_blank = int((survey == -99).to_numpy().sum())
    complete_rows = int((~(survey == -99).any(axis=1)).sum())
    assert mean.missing_report_.strategy == "mean" and mean.n_ == 400
    assert mean.missing_report_.values_replaced == n_blank
    assert sum(mean.missing_report_.missing_by_indicator.values()) == n_blank
    assert listwise.missing_report_.strategy == "listwise" and listwise.n_ == complete_rows
    assert listwise.missing_report_.rows_dropped == 400 - complete_rows
    assert listwise.construct_scores_.index.equals(survey.index[~(survey == -99).any(axis=1)])
    # NaN is always missing: the same data with NaN in place of -99 gives the same estimates
    as_nan = PLSPathModel(NKI_SPEC).fit(survey.replace(-99, np.nan))
    pd.testing.assert_frame_equal(as_nan.summary(), mean.summary())


def test_mean_replacement_uses_the_mean_of_the_answered_values():
    frame = simulate_survey(NKI, 200, seed=3).to_frame()
    frame.loc[[0, 1], "bem1"] = np.nan
    filled = frame.copy()
    filled.loc[[0, 1], "bem1"] = frame["bem1"].mean()
    a = PLSPathModel(NKI_SPEC).fit(frame).summary()
    b = PLSPathModel(NKI_SPEC).fit(filled).summary()
    np.testing.assert_allclose(a["value"], b["value"], atol=1e-12)


def test_it_warns_at_the_iteration_cap(nki_frame):
    with pytest.warns(ConvergenceWarning, match="max_iter = 2"):
        model = PLSPathModel(NKI_SPEC, max_iter=2).fit(nki_frame)
    assert not model.converged_ and model.n_iter_ == 2


def test_it_warns_for_a_small_sample():
    frame = simulate_survey(NKI, 40, seed=1).to_frame()
    with pytest.warns(SmallSampleWarning, match="n = 40"):
        PLSPathModel(NKI_SPEC).fit(frame)


def test_a_mode_b_block_with_collinear_indicators_fails_outright(nki_frame):
    frame = nki_frame.assign(bem3=nki_frame["bem1"] * 2 + nki_frame["bem2"])
    spec = {
        **NKI_SPEC,
        "constructs": {
            **NKI_SPEC["constructs"],
            "Bemotande": {"indicators": ["bem1", "bem2", "bem3"], "mode": "B"},
        },
    }
    with pytest.raises(ConvergenceError, match="singular"):
        PLSPathModel(spec).fit(frame)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scheme": "bogus"}, "scheme"),
        ({"tol": 0}, "tol"),
        ({"max_iter": 0}, "max_iter"),
        ({"missing_strategy": "pairwise"}, "missing_strategy"),
    ],
)
def test_it_rejects_bad_options_naming_the_argument(kwargs, field, nki_frame):
    with pytest.raises(InvalidArgument) as caught:
        PLSPathModel(NKI_SPEC, **kwargs).fit(nki_frame)
    assert caught.value.field == field


def test_it_names_a_missing_or_non_numeric_column(nki_frame):
    with pytest.raises(InvalidArgument, match=r"'nki2'.*NKI\.indicators\[1\]"):
        PLSPathModel(NKI_SPEC).fit(nki_frame.drop(columns="nki2"))
    with pytest.raises(InvalidArgument, match="non-numeric value 'bra'"):
        PLSPathModel(NKI_SPEC).fit(nki_frame.astype({"inf1": object}).assign(inf1=["bra"] * len(nki_frame)))
    with pytest.raises(InvalidArgument, match="no variance"):
        PLSPathModel(NKI_SPEC).fit(nki_frame.assign(nki3=5))
    with pytest.raises(InsufficientData):
        PLSPathModel(NKI_SPEC).fit(nki_frame.head(2))


def test_quality_table_lists_every_construct(load_model, mobi):
    table = PLSPathModel(load_model("mobi_ecsi")).fit(mobi).quality_table()
    assert list(table.index) == [
        "Image",
        "Expectation",
        "Quality",
        "Value",
        "Satisfaction",
        "Complaints",
        "Loyalty",
    ]
    assert {"cronbach_alpha", "rho_a", "rho_c", "ave", "r_squared", "r_squared_adjusted"} <= set(
        table.columns
    )
    assert np.isnan(table.loc["Image", "r_squared"])
    assert (table["r_squared_adjusted"].dropna() < table["r_squared"].dropna()).all()


@settings(max_examples=40, deadline=None)
@given(
    permutation_seed=st.integers(0, 2**31),
    scales=st.lists(st.floats(0.1, 20), min_size=12, max_size=12),
    shifts=st.lists(st.floats(-50, 50), min_size=12, max_size=12),
    scheme=st.sampled_from(["path", "centroid", "factorial"]),
)
def test_standardised_estimates_ignore_row_order_and_linear_rescaling(
    permutation_seed, scales, shifts, scheme
):
    frame = simulate_survey(NKI, 120, seed=2).to_frame()
    base = PLSPathModel(NKI_SPEC, scheme=scheme).fit(frame).summary()
    order = np.random.default_rng(permutation_seed).permutation(len(frame))
    changed = frame.iloc[order] * np.array(scales) + np.array(shifts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        other = PLSPathModel(NKI_SPEC, scheme=scheme).fit(changed).summary()
    np.testing.assert_allclose(other["value"], base["value"], atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(60, 300))
def test_r_squared_lies_in_the_unit_interval_and_loadings_are_correlations(seed, n):
    model = PLSPathModel(NKI_SPEC).fit(simulate_survey(NKI, n, seed=seed).to_frame())
    assert ((model.r_squared_ >= 0) & (model.r_squared_ <= 1)).all()
    assert (model.r_squared_adjusted_ <= model.r_squared_).all()
    assert (model.outer_loadings_.abs() <= 1 + 1e-12).all()
    assert (model.reliability_["ave"] <= 1 + 1e-12).all()
