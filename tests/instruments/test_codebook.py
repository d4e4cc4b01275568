"""Codebook access: index weights, the respondent rule, the driver model in the PLS model-file shape."""

from __future__ import annotations

import pytest

from kundpuls.errors import NotFound
from kundpuls.instruments import IndexDefinition, load_template


def test_equal_weights_are_one_over_the_number_of_items() -> None:
    index = IndexDefinition(name="NKI", items=("a", "b", "c"))
    assert index.normalised_weights() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_given_weights_are_normalised_to_sum_one() -> None:
    # docs/methods.md E2.1: raw weights 0.52 / 0.43 / 0.35 -> 0.40000 / 0.33077 / 0.26923 (tolerance 1e-5)
    index = IndexDefinition(name="NKI", items=("a", "b", "c"), weights={"a": 0.52, "b": 0.43, "c": 0.35})
    weights = index.normalised_weights()
    assert weights == pytest.approx({"a": 0.40000, "b": 0.33077, "c": 0.26923}, abs=1e-5)


def test_a_respondent_needs_half_the_items_unless_the_index_says_otherwise() -> None:
    assert IndexDefinition(name="X", items=("a", "b", "c")).required_answers == 2
    assert IndexDefinition(name="X", items=("a", "b", "c", "d")).required_answers == 2
    assert IndexDefinition(name="X", items=("a",)).required_answers == 1
    assert IndexDefinition(name="X", items=("a", "b", "c"), min_answered=3).required_answers == 3


def test_the_driver_model_has_the_pls_model_file_shape() -> None:
    model = load_template("insikt").codebook.driver_model
    assert model is not None
    model_file = model.as_model_file()
    assert set(model_file) == {"constructs", "paths"}
    assert model_file["constructs"]["NKI"] == {
        "indicators": ["nki_helhet", "nki_forvantan", "nki_ideal"],
        "mode": "A",
    }
    assert ["EFFEKTIVITET", "NKI"] in model_file["paths"]
    assert len(model_file["paths"]) == 6


def test_the_main_index_is_reachable_from_the_codebook() -> None:
    codebook = load_template("nki").codebook
    assert codebook.main is codebook.index("NKI")
    assert load_template("nps").codebook.main is None
    with pytest.raises(NotFound, match="no index 'NPS'; indices: NKI, BEMOTANDE"):
        codebook.index("NPS")
