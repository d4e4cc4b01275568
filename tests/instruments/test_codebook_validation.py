"""Codebook rules: each problem comes with its codebook path and a message; mirrors against customers."""

from __future__ import annotations

from typing import Any

import pytest

from kundpuls.instruments import DefinitionErrors, load_template, parse_definition
from kundpuls.instruments.codebook_validation import mirror_errors

from .builders import open_text, rating, single, survey, text, yes_no


def problems(data: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(DefinitionErrors) as caught:
        parse_definition(data)
    return [(error.field, str(error)) for error in caught.value.errors]


def only_problem(data: Any) -> tuple[str | None, str]:
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


def test_an_index_over_an_unknown_item_is_refused() -> None:
    data = survey(rating("q1"), codebook={"indices": {"NKI": {"items": ["q1", "q9"]}}})
    assert only_problem(data) == (
        "codebook.indices.NKI.items[1]",
        "codebook.indices.NKI.items[1]: unknown item 'q9'",
    )


def test_an_index_over_a_non_numeric_item_is_refused() -> None:
    data = survey(rating("q1"), single("q2"), codebook={"indices": {"NKI": {"items": ["q1", "q2"]}}})
    field, message = only_problem(data)
    assert field == "codebook.indices.NKI.items[1]"
    assert "index 'NKI' is over non-numeric item 'q2' (single_choice)" in message


def test_an_index_over_price_amounts_is_refused() -> None:
    price = {"type": "price", "key": "p", "text": text("Pris"), "product": text("kortet"), "intent": False}
    data = survey(price, codebook={"indices": {"PRIS": {"items": ["p_cheap"]}}})
    field, message = only_problem(data)
    assert field == "codebook.indices.PRIS.items[0]"
    assert "non-numeric item" in message


def test_an_item_listed_twice_in_an_index_is_refused() -> None:
    data = survey(rating("q1"), codebook={"indices": {"NKI": {"items": ["q1", "q1"]}}})
    field, message = only_problem(data)
    assert field == "codebook.indices.NKI.items[1]"
    assert "listed twice" in message


def test_weights_must_cover_exactly_the_items() -> None:
    data = survey(
        rating("q1"),
        rating("q2"),
        codebook={"indices": {"NKI": {"items": ["q1", "q2"], "weights": {"q1": 0.5, "q3": 0.5}}}},
    )
    assert [field for field, _ in problems(data)] == [
        "codebook.indices.NKI.weights.q3",
        "codebook.indices.NKI.weights",
    ]


def test_min_answered_may_not_exceed_the_items() -> None:
    data = survey(rating("q1"), codebook={"indices": {"NKI": {"items": ["q1"], "min_answered": 2}}})
    field, message = only_problem(data)
    assert field == "codebook.indices.NKI.min_answered"
    assert "min_answered 2 is more than the 1 items" in message


def test_the_main_index_must_be_an_index() -> None:
    data = survey(rating("q1"), codebook={"main_index": "NKI"})
    assert only_problem(data) == (
        "codebook.main_index",
        "codebook.main_index: main index 'NKI' is not an index",
    )


def test_positive_answers_belong_only_to_positive_share_indices() -> None:
    data = survey(rating("q1"), codebook={"indices": {"X": {"items": ["q1"], "positive": {"q1": [9, 10]}}}})
    field, message = only_problem(data)
    assert field == "codebook.indices.X.positive"
    assert "only to kind positive_share" in message


def test_a_positive_share_index_needs_positive_answers_for_every_item() -> None:
    data = survey(
        single("q1"),
        single("q2"),
        codebook={
            "indices": {"X": {"kind": "positive_share", "items": ["q1", "q2"], "positive": {"q1": ["a"]}}}
        },
    )
    field, message = only_problem(data)
    assert field == "codebook.indices.X.positive"
    assert "no positive answers given for item 'q2'" in message


def test_positive_answers_must_be_possible_answers() -> None:
    index = {
        "kind": "positive_share",
        "items": ["q1", "q2", "q3"],
        "positive": {"q1": ["x"], "q2": [11], "q3": ["ja"]},
    }
    data = survey(single("q1"), rating("q2"), yes_no("q3"), codebook={"indices": {"X": index}})
    assert [field for field, _ in problems(data)] == [
        "codebook.indices.X.positive.q1[0]",
        "codebook.indices.X.positive.q2[0]",
        "codebook.indices.X.positive.q3[0]",
    ]


def test_nps_needs_a_zero_to_ten_rating() -> None:
    field, message = only_problem(survey(rating("rek", 1, 10), codebook={"nps": "rek"}))
    assert field == "codebook.nps"
    assert "NPS needs a 0–10 rating; 'rek' is on 1–10" in message


def test_nps_must_be_a_rating() -> None:
    field, message = only_problem(survey(single("rek"), codebook={"nps": "rek"}))
    assert field == "codebook.nps"
    assert "'rek' is single_choice" in message


def test_ces_needs_one_to_seven_or_one_to_five() -> None:
    assert parse_definition(survey(rating("e", 1, 7), codebook={"ces": "e"})).codebook.ces == "e"
    assert parse_definition(survey(rating("e", 1, 5), codebook={"ces": "e"})).codebook.ces == "e"
    field, message = only_problem(survey(rating("e", 1, 10), codebook={"ces": "e"}))
    assert field == "codebook.ces"
    assert "CES needs a 1–7 (CES 2.0) or 1–5" in message


def test_csat_must_name_an_existing_rating() -> None:
    assert only_problem(survey(rating("q1"), codebook={"csat": "nojd"}))[0] == "codebook.csat"
    field, message = only_problem(survey(open_text("nojd"), codebook={"csat": "nojd"}))
    assert field == "codebook.csat"
    assert "CSAT needs a rating" in message


def _driver_survey(model: dict[str, Any]) -> dict[str, Any]:
    indices = {"BEM": {"items": ["b1", "b2"]}, "NKI": {"items": ["n1"]}}
    return survey(
        rating("b1"),
        rating("b2"),
        rating("n1"),
        single("s"),
        codebook={"indices": indices, "driver_model": model},
    )


def test_a_driver_model_can_be_built_from_the_indices() -> None:
    model = parse_definition(_driver_survey({"outcome": "NKI", "drivers": ["BEM"]})).codebook.driver_model
    assert model is not None
    assert model.as_model_file() == {
        "constructs": {
            "BEM": {"indicators": ["b1", "b2"], "mode": "A"},
            "NKI": {"indicators": ["n1"], "mode": "A"},
        },
        "paths": [["BEM", "NKI"]],
    }


def test_a_driver_that_is_neither_construct_nor_index_is_refused() -> None:
    field, message = only_problem(_driver_survey({"outcome": "NKI", "drivers": ["BEM", "INF"]}))
    assert field == "codebook.driver_model.drivers[1]"
    assert "'INF' is not a construct of the model (and 'INF' is not an index either)" in message


def test_an_indicator_must_be_a_rating() -> None:
    model = {
        "outcome": "NKI",
        "drivers": ["BEM"],
        "constructs": {"BEM": {"indicators": ["s"]}, "NKI": {"indicators": ["n1"]}},
        "paths": [["BEM", "NKI"]],
    }
    field, message = only_problem(_driver_survey(model))
    assert field == "codebook.driver_model.constructs.BEM.indicators[0]"
    assert "indicator 's' is not a rating (single_choice)" in message


def test_an_indicator_belongs_to_one_construct() -> None:
    model = {
        "outcome": "NKI",
        "drivers": ["BEM"],
        "constructs": {"BEM": {"indicators": ["b1"]}, "NKI": {"indicators": ["b1"]}},
        "paths": [["BEM", "NKI"]],
    }
    field, message = only_problem(_driver_survey(model))
    assert field == "codebook.driver_model.constructs.NKI.indicators[0]"
    assert "already in construct 'BEM'" in message


def test_a_cycle_of_paths_is_refused() -> None:
    model = {"outcome": "NKI", "drivers": ["BEM"], "paths": [["BEM", "NKI"], ["NKI", "BEM"]]}
    field, message = only_problem(_driver_survey(model))
    assert field == "codebook.driver_model.paths"
    assert "cycle" in message


def test_a_driver_without_a_path_to_the_outcome_is_refused() -> None:
    model = {
        "outcome": "NKI",
        "drivers": ["BEM"],
        "constructs": {
            "BEM": {"indicators": ["b1"]},
            "NKI": {"indicators": ["n1"]},
            "X": {"indicators": ["b2"]},
        },
        "paths": [["X", "NKI"], ["X", "BEM"]],
    }
    field, message = only_problem(_driver_survey(model))
    assert field == "codebook.driver_model.drivers[0]"
    assert "driver 'BEM' has no path to 'NKI'" in message


def test_paths_must_join_distinct_known_constructs_once() -> None:
    model = {
        "outcome": "NKI",
        "drivers": ["BEM"],
        "paths": [["BEM", "NKI"], ["BEM", "NKI"], ["NKI", "NKI"], ["BEM", "Y"]],
    }
    messages = [message for _, message in problems(_driver_survey(model))]
    assert any("listed twice" in m for m in messages)
    assert any("path from 'NKI' to itself" in m for m in messages)
    assert any("'Y' is not a construct" in m for m in messages)


def test_a_construct_on_no_path_is_refused() -> None:
    model = {
        "outcome": "NKI",
        "drivers": ["BEM"],
        "constructs": {
            "BEM": {"indicators": ["b1"]},
            "NKI": {"indicators": ["n1"]},
            "X": {"indicators": ["b2"]},
        },
        "paths": [["BEM", "NKI"]],
    }
    assert only_problem(_driver_survey(model))[0] == "codebook.driver_model.constructs.X"


def test_the_outcome_cannot_be_a_driver() -> None:
    found = problems(_driver_survey({"outcome": "NKI", "drivers": ["BEM", "NKI"]}))
    assert (
        "codebook.driver_model.drivers",
        "codebook.driver_model.drivers: the outcome 'NKI' cannot also be a driver",
    ) in found


def test_mirrored_items_must_be_distinct_existing_ratings() -> None:
    mirrors = [
        {"item": "q9", "customer_item": "x"},
        {"item": "s", "customer_item": "x"},
        {"item": "q1", "customer_item": "x"},
        {"item": "q1", "customer_item": "y"},
    ]
    found = problems(survey(rating("q1"), single("s"), codebook={"mirrors": mirrors}))
    assert [field for field, _ in found] == [f"codebook.mirrors[{i}].item" for i in (0, 1, 3)]
    assert "unknown item 'q9'" in found[0][1]
    assert "is not a rating" in found[1][1]
    assert "mirrored twice" in found[2][1]


def test_the_comment_threshold_may_only_be_stricter() -> None:
    data = survey(rating("q1"), codebook={"anonymity_threshold": 7, "comment_anonymity_threshold": 5})
    field, message = only_problem(data)
    assert field == "codebook.comment_anonymity_threshold"
    assert "5 is below the anonymity threshold 7" in message


def test_the_anonymity_threshold_defaults_to_seven() -> None:
    assert parse_definition(survey(rating("q1"))).codebook.anonymity_threshold == 7


def test_the_staff_template_mirrors_the_nki_template_on_the_same_scales() -> None:
    assert mirror_errors(load_template("staff"), load_template("nki")) == []


def test_a_mirror_on_another_scale_is_reported() -> None:
    staff = parse_definition(
        survey(rating("sp1", 1, 5), codebook={"mirrors": [{"item": "sp1", "customer_item": "c1"}]})
    )
    customer = parse_definition({**survey(rating("c1", 1, 10)), "key": "kund"})
    (problem,) = mirror_errors(staff, customer)
    assert problem.field == "codebook.mirrors[0].customer_item"
    assert "'sp1' is on 1–5 but 'c1' is on 1–10" in str(problem)


def test_a_mirror_of_a_missing_customer_item_is_reported() -> None:
    staff = parse_definition(
        survey(rating("sp1"), codebook={"mirrors": [{"item": "sp1", "customer_item": "c9"}]})
    )
    (problem,) = mirror_errors(staff, parse_definition(survey(rating("c1"))))
    assert "'test' has no item 'c9'" in str(problem)
