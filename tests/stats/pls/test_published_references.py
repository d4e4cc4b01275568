"""The estimator against published PLS-SEM estimates (tests/data/pls, see its README for provenance)."""

from __future__ import annotations

import pandas as pd
import pytest

from kundpuls.stats.pls import PLSPathModel

ALL = ("path", "total_effect", "indirect_effect", "weight", "loading", "r_squared")


@pytest.mark.parametrize("scheme", ["path", "centroid", "factorial"])
def test_it_reproduces_smartpls_on_the_ecsi_mobi_model(scheme, reference_data, load_model, mobi, compare):
    reference = pd.read_csv(reference_data / "mobi_ecsi_reference.csv")
    reference = reference[reference["scheme"] == scheme]
    model = PLSPathModel(load_model("mobi_ecsi"), scheme=scheme).fit(mobi)
    merged = compare(model.summary(ALL), reference)
    assert merged["ours"].notna().all(), merged[merged["ours"].isna()]
    # SmartPLS 2.0 output (paths, total effects, weights, loadings): brief tolerance 1e-6
    exact = merged[merged["statistic"] != "r_squared"]
    assert set(exact["statistic"]) == {"path", "total_effect", "weight", "loading"}
    assert exact["abs_diff"].max() < 1e-6, exact.nlargest(3, "abs_diff")
    # R² from seminr (path scheme only): tolerance 1e-4
    r2 = merged[merged["statistic"] == "r_squared"]
    assert (scheme == "path") == (len(r2) == 6)
    assert (r2["abs_diff"] < 1e-4).all()


def test_it_gives_the_worked_numbers_of_methods_section_11(load_model, mobi):
    model = PLSPathModel(load_model("mobi_ecsi")).fit(mobi)
    # docs/methods.md §11 quotes these to 4 decimals
    assert model.path_coefficients_.loc["Image", "Expectation"] == pytest.approx(0.5049, abs=5e-5)
    assert model.path_coefficients_.loc["Quality", "Satisfaction"] == pytest.approx(0.5120, abs=5e-5)
    assert model.path_coefficients_.loc["Satisfaction", "Loyalty"] == pytest.approx(0.4855, abs=5e-5)
    assert model.r_squared_["Satisfaction"] == pytest.approx(0.6811, abs=5e-5)
    assert model.outer_weights_["CUSL3"] == pytest.approx(0.6543, abs=5e-5)
    assert model.outer_loadings_["CUSL2"] == pytest.approx(0.2020, abs=5e-5)


@pytest.mark.parametrize("variant", ["simple", "extended"])
def test_it_reproduces_seminr_on_corporate_reputation_with_minus_99_codes(
    variant, reference_data, load_model, corp_rep, compare
):
    reference = pd.read_csv(reference_data / "reference_corp_rep.csv")
    reference = reference[reference["model"] == variant]
    model = PLSPathModel(load_model(f"corp_rep_{variant}"), missing_codes=(-99,)).fit(corp_rep)
    merged = compare(model.summary(ALL), reference)
    assert merged["ours"].notna().all()
    # seminr 2.3.1 (mean replacement of -99): the README's prototype agrees to 1e-14; values carry 8 decimals
    assert merged["abs_diff"].max() < 1e-6, merged.nlargest(3, "abs_diff")
    assert model.missing_report_.values_replaced == 11  # cusl_1: 3, cusl_2: 4, cusl_3: 3, cusa: 1


def test_it_needs_the_declared_missing_code_to_match_corporate_reputation(
    reference_data, load_model, corp_rep, compare
):
    reference = pd.read_csv(reference_data / "reference_corp_rep.csv")
    reference = reference[(reference["model"] == "simple") & (reference["statistic"] == "path")]
    undeclared = PLSPathModel(load_model("corp_rep_simple")).fit(corp_rep)
    assert compare(undeclared.summary(), reference)["abs_diff"].max() > 1e-3  # docs/methods.md §11 pitfall 6


@pytest.mark.parametrize(
    ("variant", "scheme", "model_file", "scaled", "tolerance"),
    [
        # R plspm scaled = FALSE, its own stop rule 1e-6 on squared change: README tolerance 1e-6
        ("modeA_unscaled", "centroid", "satisfaction_modeA", False, 1e-6),
        ("modeA_unscaled", "path", "satisfaction_modeA", False, 1e-6),
        ("modeA_unscaled", "factorial", "satisfaction_modeA", False, 1e-6),
        # seminr (standardised, path weighting)
        ("modeA_standardised", "path", "satisfaction_modeA", True, 1e-6),
        # ADANCO 2.2.1 (mode B, standardised, centroid): cSEM agrees to 8 significant digits
        ("modeB_standardised", "centroid", "satisfaction_modeB", True, 1e-6),
    ],
)
def test_it_reproduces_the_bank_satisfaction_references(
    variant, scheme, model_file, scaled, tolerance, reference_data, load_model, satisfaction, compare
):
    reference = pd.read_csv(reference_data / "reference_satisfaction.csv")
    reference = reference[(reference["variant"] == variant) & (reference["scheme"] == scheme)]
    model = PLSPathModel(load_model(model_file), scheme=scheme, scaled=scaled).fit(satisfaction)
    estimates = reference[reference["statistic"] != "gof"]
    merged = compare(model.summary(ALL), estimates)
    assert merged["ours"].notna().all()
    assert merged["abs_diff"].max() < tolerance, merged.nlargest(3, "abs_diff")
    for gof in reference.loc[reference["statistic"] == "gof", "value"]:
        assert model.gof_ == pytest.approx(gof, abs=1e-6)  # R plspm GoF 0.6097
