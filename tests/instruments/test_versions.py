"""Version compatibility: a stored key keeps its type, scale and meaning; texts and questions may change."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.instruments import (
    DefinitionErrors,
    check_new_version,
    compare_versions,
    load_template,
    parse_definition,
)
from kundpuls.instruments.loading import definition_to_dict

from .builders import matrix, rating, single, survey, text


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    comparison = compare_versions(parse_definition(old), parse_definition(new))
    return [(change.kind, change.key) for change in comparison.changes]


def test_an_identical_version_has_no_changes() -> None:
    nki = load_template("nki")
    comparison = compare_versions(nki, nki)
    assert comparison.changes == () and comparison.compatible


def test_adding_and_removing_questions_is_allowed() -> None:
    result = kinds(survey(rating("q1"), rating("q2")), survey(rating("q1"), rating("q3")))
    assert result == [("added", "q3"), ("removed", "q2")]


def test_text_edits_are_allowed_and_noted() -> None:
    new = rating("q1")
    new["text"] = text("Hur nöjd är du med oss?")
    new["scale"]["max_label"] = text("Mycket bra")
    comparison = compare_versions(parse_definition(survey(rating("q1"))), parse_definition(survey(new)))
    assert comparison.compatible
    assert [c.kind for c in comparison.changes] == ["text_changed", "text_changed"]


def test_changing_the_scale_of_a_key_is_refused_with_use_a_new_key() -> None:
    comparison = compare_versions(
        parse_definition(survey(rating("q1", 1, 10))), parse_definition(survey(rating("q1", 1, 5)))
    )
    assert not comparison.compatible
    (change,) = comparison.incompatible
    assert change.key == "q1"
    assert "scale changed from 1–10 to 1–5" in change.message and "use a new key" in change.message


def test_turning_a_scale_round_is_refused() -> None:
    turned = rating("q1")
    turned["scale"]["min_label"], turned["scale"]["max_label"] = text("Bra"), text("Dåligt")
    comparison = compare_versions(parse_definition(survey(rating("q1"))), parse_definition(survey(turned)))
    assert [c.message for c in comparison.incompatible] == [
        "scale turned round (end labels swapped); use a new key for the new question"
    ]


def test_changing_the_type_of_a_key_is_refused() -> None:
    comparison = compare_versions(
        parse_definition(survey(rating("q1"))), parse_definition(survey(single("q1")))
    )
    (change,) = comparison.incompatible
    assert "type changed from rating to single_choice" in change.message


def test_moving_a_rating_into_a_matrix_on_the_same_scale_is_allowed() -> None:
    result = kinds(survey(rating("b1"), rating("b2")), survey(matrix("bem", ("b1", "b2"))))
    assert set(result) == {
        ("changed", "b1"),
        ("text_changed", "b1"),
        ("changed", "b2"),
        ("text_changed", "b2"),
    }


def test_adding_and_removing_options_is_allowed_and_noted() -> None:
    comparison = compare_versions(
        parse_definition(survey(single("s", ("a", "b")))), parse_definition(survey(single("s", ("a", "c"))))
    )
    assert comparison.compatible
    assert [c.message for c in comparison.of_kind("changed")] == [
        "options added: c",
        "options removed: b (old answers keep them)",
    ]


def test_an_edited_option_text_is_noted() -> None:
    old = survey(single("s", ("a", "b")))
    new = survey(single("s", ("a", "b")))
    new["pages"][0]["blocks"][0]["questions"][0]["options"][1]["text"] = text("Något helt annat")
    comparison = compare_versions(parse_definition(old), parse_definition(new))
    assert comparison.compatible
    assert [c.message for c in comparison.changes] == [
        "text of option 'b' edited; check that it means the same (else use a new value)"
    ]


def test_adding_dont_know_is_allowed_and_noted() -> None:
    comparison = compare_versions(
        parse_definition(survey(rating("q1"))), parse_definition(survey(rating("q1", dont_know=True)))
    )
    assert comparison.compatible
    assert "answered base may shift" in comparison.of_kind("changed")[0].message


def test_changing_the_currency_of_a_price_is_refused() -> None:
    price = {"type": "price", "key": "p", "text": text("Pris"), "product": text("kortet"), "intent": False}
    comparison = compare_versions(
        parse_definition(survey(price)), parse_definition(survey({**price, "currency": "EUR"}))
    )
    assert {c.key for c in comparison.incompatible} == {
        "p_too_cheap",
        "p_cheap",
        "p_expensive",
        "p_too_expensive",
    }


def test_a_new_survey_key_is_refused() -> None:
    comparison = compare_versions(
        parse_definition(survey(rating("q1"))), parse_definition({**survey(rating("q1")), "key": "annan"})
    )
    assert [c.key for c in comparison.incompatible] == ["key"]


def test_codebook_changes_are_allowed_but_warned() -> None:
    old = survey(
        rating("q1"),
        rating("q2"),
        codebook={"indices": {"NKI": {"items": ["q1", "q2"]}}, "main_index": "NKI"},
    )
    new = survey(
        rating("q1"), rating("q2"), codebook={"indices": {"NKI": {"items": ["q1"]}}, "main_index": "NKI"}
    )
    comparison = compare_versions(parse_definition(old), parse_definition(new))
    assert comparison.compatible
    assert [c.key for c in comparison.of_kind("codebook_changed")] == ["codebook.indices.NKI"]


def test_refused_changes_raise_one_error_listing_every_key() -> None:
    comparison = compare_versions(
        parse_definition(survey(rating("q1"), rating("q2"))),
        parse_definition(survey(single("q1"), rating("q2", 0, 10))),
    )
    with pytest.raises(DefinitionErrors) as caught:
        comparison.raise_if_incompatible()
    assert caught.value.paths() == ["q1", "q2"]


def test_a_dropped_key_cannot_come_back_with_another_meaning() -> None:
    v1 = parse_definition(survey(rating("q1"), rating("q2", 1, 10)))
    v2 = parse_definition(survey(rating("q1")))
    v3 = parse_definition(survey(rating("q1"), rating("q2", 1, 5)))
    assert compare_versions(v2, v3).compatible  # two versions alone cannot see it
    comparison = check_new_version([v1, v2], v3)
    (change,) = comparison.incompatible
    assert change.key == "q2" and "compared with its last use" in change.message


def test_a_dropped_key_may_come_back_unchanged() -> None:
    v1 = parse_definition(survey(rating("q1"), rating("q2")))
    v2 = parse_definition(survey(rating("q1")))
    assert check_new_version([v1, v2], v1).compatible


def test_checking_a_new_version_needs_an_earlier_one() -> None:
    with pytest.raises(InvalidArgument):
        check_new_version([], load_template("nps"))


def test_a_template_edited_only_in_texts_stays_compatible() -> None:
    data = definition_to_dict(load_template("nki"))
    edited = copy.deepcopy(data)
    edited["pages"][2]["blocks"][0]["questions"][0]["text"]["sv"] = (
        "Hur nöjd är du med oss, allt sammantaget?"
    )
    new_question = rating("ny_fraga")
    new_question["text"] = text("Ny fråga", "New question")
    new_question["scale"] = {
        "min": 1,
        "max": 5,
        "min_label": text("Dåligt", "Poor"),
        "max_label": text("Bra", "Good"),
    }
    edited["pages"][0]["blocks"][0]["questions"].append(new_question)
    comparison = compare_versions(parse_definition(data), parse_definition(edited))
    assert comparison.compatible
    assert [(c.kind, c.key) for c in comparison.changes] == [
        ("added", "ny_fraga"),
        ("text_changed", "nki_helhet"),
    ]
