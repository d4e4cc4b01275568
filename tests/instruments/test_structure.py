"""Structural problems (found by the JSON Schema) come back located and in plain words, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from kundpuls.errors import DefinitionError
from kundpuls.instruments import DefinitionErrors, parse_definition

from .builders import rating, scale, survey, text

Q0 = "pages[0].blocks[0].questions[0]"


def problems(data: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(DefinitionErrors) as caught:
        parse_definition(data)
    assert isinstance(caught.value, DefinitionError)
    return [(error.field, str(error)) for error in caught.value.errors]


def test_missing_swedish_text_names_the_text_node() -> None:
    data = survey(rating("q1"))
    data["title"] = {"en": "Test"}
    assert problems(data) == [("title.sv", "title.sv: Swedish text (sv) is missing")]


def test_missing_swedish_text_deep_in_a_question_is_located() -> None:
    question = rating("q1")
    question["scale"]["max_label"] = {"en": "Good"}
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.scale.max_label.sv"
    assert "Swedish text (sv) is missing" in message


def test_an_unknown_field_is_named_with_a_suggestion() -> None:
    question = rating("q1")
    question["requierd"] = True
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.requierd"
    assert "unknown field 'requierd' (did you mean 'required'?)" in message


def test_a_field_of_another_question_type_is_named_as_such() -> None:
    question = rating("q1")
    question["options"] = [{"value": "a", "text": text("A")}, {"value": "b", "text": text("B")}]
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.options"
    assert "field 'options' does not belong to a rating question" in message


def test_a_badly_formed_index_name_is_refused() -> None:
    data = survey(rating("q1"), codebook={"indices": {"nöjd index": {"items": ["q1"]}}})
    ((field, message),) = problems(data)
    assert field == "codebook.indices"
    assert "name 'nöjd index' is not valid" in message


def test_a_missing_required_field_is_named() -> None:
    question = rating("q1")
    del question["scale"]
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.scale"
    assert "required field 'scale' is missing" in message


def test_a_wrong_type_says_what_was_expected_and_what_was_found() -> None:
    question = rating("q1")
    question["scale"]["min"] = "1"
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.scale.min"
    assert "must be an integer, not a string '1'" in message


def test_an_unknown_question_type_is_reported_once() -> None:
    question = {"type": "slider", "key": "q1", "text": text("Hur?"), "scale": scale()}
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.type"
    assert "'slider' is not allowed; use one of: rating, single_choice" in message


def test_a_bad_key_explains_the_key_rule() -> None:
    ((field, message),) = problems(survey(rating("1fråga")))
    assert field == f"{Q0}.key"
    assert "a key is a letter, then letters, digits or _" in message


def test_an_empty_list_of_pages_is_refused() -> None:
    data = survey(rating("q1"))
    data["pages"] = []
    assert problems(data) == [("pages", "pages: needs at least 1 entry")]


def test_an_empty_text_is_refused() -> None:
    question = rating("q1")
    question["text"] = {"sv": ""}
    assert problems(survey(question)) == [
        (f"{Q0}.text.sv", f"{Q0}.text.sv: '' is not valid: Swedish text (required, not blank)")
    ]


def test_swedish_must_be_among_the_languages() -> None:
    ((field, message),) = problems(survey(rating("q1"), languages=["en"]))
    assert field == "languages"
    assert "must include 'sv'" in message


def test_dont_know_must_be_true_or_a_text() -> None:
    ((field, message),) = problems(survey(rating("q1", dont_know="vet ej")))
    assert field == f"{Q0}.dont_know"
    assert "true (default text" in message


def test_a_definition_that_is_not_a_mapping_is_refused() -> None:
    assert problems(["pages"]) == [("", "a survey definition must be an object, not a list")]


def test_all_structural_problems_are_reported_together() -> None:
    bad_type = rating("q2")
    bad_type["required"] = "ja"
    data = survey(rating("q1", extra_field=1), bad_type)
    data["title"] = {}
    found = problems(data)
    assert [field for field, _ in found] == [
        f"{Q0}.extra_field",
        "pages[0].blocks[0].questions[1].required",
        "title.sv",
    ]
    with pytest.raises(DefinitionErrors) as caught:
        parse_definition(data)
    assert str(caught.value).startswith("survey definition has 3 problems:\n- pages[0]")


def test_problems_come_in_document_order_with_numeric_indices() -> None:
    data = survey(*[rating(f"q{i}") for i in range(12)])
    data["pages"][0]["blocks"][0]["questions"][2]["text"] = {}
    data["pages"][0]["blocks"][0]["questions"][10]["text"] = {}
    fields = [field for field, _ in problems(data)]
    assert fields == [
        "pages[0].blocks[0].questions[2].text.sv",
        "pages[0].blocks[0].questions[10].text.sv",
    ]


def test_a_blank_text_is_refused() -> None:
    question = rating("q1")
    question["text"] = {"sv": "   "}
    ((field, message),) = problems(survey(question))
    assert field == f"{Q0}.text.sv"
    assert "'   ' is not valid: Swedish text (required, not blank)" in message
