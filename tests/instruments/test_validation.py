"""Every rule about a definition's meaning: each problem comes with the path of the node and a message."""

from __future__ import annotations

from typing import Any

import pytest

from kundpuls.instruments import DefinitionErrors, parse_definition

from .builders import matrix, multiple, open_text, paged, rating, single, survey, text, yes_no

Q = "pages[0].blocks[0].questions"


def problems(data: Any) -> list[tuple[str | None, str]]:
    with pytest.raises(DefinitionErrors) as caught:
        parse_definition(data)
    return [(error.field, str(error)) for error in caught.value.errors]


def only_problem(data: Any) -> tuple[str | None, str]:
    found = problems(data)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_minimal_definition_passes() -> None:
    definition = parse_definition(survey(rating("q1")))
    assert definition.key == "test"
    assert [q.key for q in definition.questions()] == ["q1"]


# ----------------------------------------------------------------------------------------------- keys


def test_a_duplicate_question_key_is_located_at_the_second_use() -> None:
    field, message = only_problem(survey(rating("q1"), rating("q1")))
    assert field == f"{Q}[1].key"
    assert f"duplicate key 'q1' (already used at {Q}[0].key)" in message


def test_keys_differing_only_in_case_are_duplicates() -> None:
    field, message = only_problem(survey(rating("Nki1"), rating("nki1")))
    assert field == f"{Q}[1].key"
    assert "duplicate key 'nki1'" in message


def test_a_matrix_row_key_may_not_repeat_a_question_key() -> None:
    field, message = only_problem(survey(rating("bem1"), matrix("bem", ("bem1", "bem2"))))
    assert field == f"{Q}[1].items[0].key"
    assert "duplicate stored key (from 'bem') 'bem1'" in message


def test_a_kano_part_key_may_not_repeat_a_question_key() -> None:
    kano = {
        "type": "kano",
        "key": "chatt",
        "text": text("Chatt"),
        "functional": text("Om den finns?"),
        "dysfunctional": text("Om den saknas?"),
    }
    field, message = only_problem(survey(rating("chatt_functional"), kano))
    assert field == f"{Q}[1].key"
    assert "'chatt_functional'" in message


def test_duplicate_page_and_block_keys_are_refused() -> None:
    data = paged([rating("q1")], [rating("q2")])
    data["pages"][1]["key"] = "p1"
    data["pages"][1]["blocks"][0]["key"] = "b1"
    assert problems(data) == [
        ("pages[1].key", "pages[1].key: duplicate page key 'p1' (already used at pages[0].key)"),
        (
            "pages[1].blocks[0].key",
            "pages[1].blocks[0].key: duplicate block key 'b1' (already used at pages[0].blocks[0].key)",
        ),
    ]


def test_a_contact_field_key_may_not_repeat_an_answer_key() -> None:
    consent = {
        "type": "consent",
        "key": "ok",
        "text": text("Får vi kontakta dig?"),
        "purpose": text("För att följa upp."),
        "contact_fields": [{"key": "q1", "kind": "email", "text": text("E-post")}],
    }
    field, message = only_problem(survey(rating("q1"), consent))
    assert field == f"{Q}[1].contact_fields[0].key"
    assert "duplicate contact field key 'q1'" in message


# ----------------------------------------------------------------------------------------------- questions


def test_a_scale_with_min_not_below_max_is_refused() -> None:
    field, message = only_problem(survey(rating("q1", 5, 5)))
    assert field == f"{Q}[0].scale"
    assert message == f"{Q}[0].scale: min 5 must be below max 5"


def test_a_scale_with_too_many_points_is_refused() -> None:
    field, message = only_problem(survey(rating("q1", 0, 200)))
    assert field == f"{Q}[0].scale"
    assert "201 scale points; at most 101" in message


def test_a_matrix_scale_is_checked_too() -> None:
    field, _ = only_problem(survey(matrix("m", ("r1",), 10, 1)))
    assert field == f"{Q}[0].scale"


def test_duplicate_option_values_are_refused() -> None:
    field, message = only_problem(survey(single("q1", ("a", "b", "a"))))
    assert field == f"{Q}[0].options[2].value"
    assert "duplicate option value 'a'" in message


def test_the_dont_know_option_value_is_reserved() -> None:
    field, message = only_problem(survey(single("q1", ("ja", "dont_know"))))
    assert field == f"{Q}[0].options[1].value"
    assert "reserved" in message and "use dont_know on the question" in message


def test_max_choices_below_min_choices_is_refused() -> None:
    field, message = only_problem(survey(multiple("q1", min_choices=3, max_choices=2)))
    assert field == f"{Q}[0].max_choices"
    assert "max_choices 2 is below min_choices 3" in message


def test_more_choices_than_options_is_refused() -> None:
    found = problems(survey(multiple("q1", min_choices=4, max_choices=5)))
    assert [field for field, _ in found] == [f"{Q}[0].min_choices", f"{Q}[0].max_choices"]
    assert "min_choices 4 is more than the 3 options" in found[0][1]


def test_a_survey_has_at_most_one_consent_question() -> None:
    consent = {"type": "consent", "key": "ok1", "text": text("Kontakt?"), "purpose": text("Uppföljning.")}
    field, message = only_problem(survey(consent, {**consent, "key": "ok2"}))
    assert field == f"{Q}[1]"
    assert "at most one consent question" in message


def test_a_background_question_gives_preset_or_options_not_both() -> None:
    question = single("alder", ("ung", "gammal"))
    question.update(type="background", variable="age_band", preset="age_band")
    field, message = only_problem(survey(question))
    assert field == f"{Q}[0].options"
    assert "either preset ('age_band') or options" in message


def test_a_background_question_needs_options_or_a_preset() -> None:
    question = {"type": "background", "key": "kon", "variable": "gender", "text": text("Kön?")}
    field, message = only_problem(survey(question))
    assert field == f"{Q}[0].options"
    assert "needs options or a preset" in message


def test_a_price_text_for_an_unasked_part_is_refused() -> None:
    question = {
        "type": "price",
        "key": "pris",
        "text": text("Pris"),
        "product": text("kortet"),
        "intent": False,
        "texts": {"intent_cheap": text("Köper du?")},
    }
    field, message = only_problem(survey(question))
    assert field == f"{Q}[0].texts.intent_cheap"
    assert "not asked" in message


# ----------------------------------------------------------------------------------------------- languages


def test_every_text_needs_english_when_english_is_offered() -> None:
    question = rating("q1")
    question["text"] = text("Hur?", "How?")
    data = survey(question, languages=["sv", "en"])
    data["title"] = text("Test", "Test")
    found = problems(data)
    assert [field for field, _ in found] == [f"{Q}[0].scale.min_label.en", f"{Q}[0].scale.max_label.en"]
    assert "English text (en) is missing" in found[0][1]


def test_english_may_be_missing_when_only_swedish_is_offered() -> None:
    definition = parse_definition(survey(rating("q1")))
    assert definition.title.in_language("en") == "Test"


# ----------------------------------------------------------------------------------------------- conditions


def test_a_condition_on_an_unknown_question_is_located_at_show_if() -> None:
    field, message = only_problem(survey(rating("q1"), rating("q2", show_if="q9 > 3")))
    assert field == f"{Q}[1].show_if"
    assert "unknown question key 'q9'" in message and "column 1" in message


def test_a_condition_on_a_later_question_is_refused() -> None:
    field, message = only_problem(survey(rating("q1", show_if="q2 > 3"), rating("q2")))
    assert field == f"{Q}[0].show_if"
    assert "question 'q2' comes later" in message


def test_a_condition_on_its_own_question_is_refused() -> None:
    field, message = only_problem(survey(rating("q1", show_if="q1 > 3")))
    assert field == f"{Q}[0].show_if"
    assert "comes later" in message


def test_a_condition_with_a_syntax_error_is_located() -> None:
    field, message = only_problem(survey(rating("q1"), rating("q2", show_if="q1 => 3")))
    assert field == f"{Q}[1].show_if"
    assert "'=' (use == to compare) at column 4" in message


def test_a_condition_comparing_different_types_is_refused() -> None:
    field, message = only_problem(survey(rating("q1"), rating("q2", show_if="q1 == 'bra'")))
    assert field == f"{Q}[1].show_if"
    assert "cannot compare a number with a string" in message


def test_a_condition_using_a_missing_option_is_refused() -> None:
    field, message = only_problem(survey(single("q1"), rating("q2", show_if="q1 == 'd'")))
    assert field == f"{Q}[1].show_if"
    assert "'d' is not an option of 'q1' (options: a, b, c)" in message


def test_conditions_on_pages_and_blocks_are_checked() -> None:
    data = paged([yes_no("ja")], [rating("q2")])
    data["pages"][1]["show_if"] = "ja == 1"
    data["pages"][1]["blocks"][0]["show_if"] = "q2 > 1"
    found = problems(data)
    assert [field for field, _ in found] == ["pages[1].show_if", "pages[1].blocks[0].show_if"]


def test_conditions_may_use_matrix_rows_and_earlier_pages() -> None:
    data = paged(
        [matrix("m", ("r1", "r2")), multiple("kanaler")],
        [open_text("varfor", show_if="r1 <= 3 or 'a' in kanaler")],
    )
    assert parse_definition(data).pages[1].blocks[0].questions[0].show_if is not None


def test_all_problems_of_all_kinds_are_reported_in_one_error() -> None:
    data = survey(
        rating("q1", 3, 1),
        rating("q1"),
        rating("q3", show_if="q7 == 1"),
        codebook={"main_index": "NKI", "nps": "q1"},
    )
    with pytest.raises(DefinitionErrors) as caught:
        parse_definition(data)
    assert len(caught.value.errors) == 5
    assert caught.value.paths() == [
        f"{Q}[1].key",
        f"{Q}[0].scale",
        f"{Q}[2].show_if",
        "codebook.main_index",
        "codebook.nps",
    ]
    assert str(caught.value).startswith("survey definition has 5 problems:")


def test_two_options_with_the_same_text_are_refused() -> None:
    question = single("q1", ("a", "b"))
    question["options"][1]["text"] = text(" a ")
    field, message = only_problem(survey(question))
    assert field == f"{Q}[0].options[1].text"
    assert "respondents cannot tell them apart" in message


def test_a_condition_on_a_matrix_key_names_its_rows() -> None:
    field, message = only_problem(survey(matrix("bem", ("bem1", "bem2")), rating("q2", show_if="bem <= 4")))
    assert field == f"{Q}[1].show_if"
    assert "'bem' names a group of items; refer to one of them: bem1, bem2" in message


def test_a_condition_on_an_answer_of_the_same_page_is_refused_naming_the_question_and_the_item() -> None:
    field, message = only_problem(survey(rating("q1"), open_text("varfor", show_if="q1 <= 4")))
    assert field == f"{Q}[1].show_if"
    assert "question 'varfor' depends on 'q1' on the same page" in message
    assert "move question 'varfor' to a later page" in message


def test_a_block_condition_on_a_matrix_row_of_the_same_page_names_the_matrix() -> None:
    data = survey(matrix("bem", ("bem1", "bem2")))
    data["pages"][0]["blocks"].append({"key": "b2", "show_if": "bem2 <= 2", "questions": [rating("q2")]})
    field, message = only_problem(data)
    assert field == "pages[0].blocks[1].show_if"
    assert "block 'b2' depends on 'bem2' (asked by question 'bem') on the same page" in message


def test_a_version_stored_before_these_rules_still_reads() -> None:
    """An upgrade never makes a stored survey unreadable: a version saved with a same-page condition (as the
    NPS template was) loads as stored; only new definitions are held to the rule."""
    data = survey(rating("q1"), open_text("varfor", show_if="q1 <= 4"))
    with pytest.raises(DefinitionErrors):
        parse_definition(data)
    stored = parse_definition(data, stored=True)
    assert [q.key for q in stored.questions()] == ["q1", "varfor"]


def test_a_condition_on_an_earlier_page_is_accepted() -> None:
    parse_definition(paged([rating("q1")], [open_text("varfor", show_if="q1 <= 4")]))


def test_a_placeholder_that_nothing_fills_is_refused_naming_the_text_and_the_placeholder() -> None:
    field, message = only_problem(survey(rating("q1") | {"text": text("Hur nöjd är du med {tjanst}?")}))
    assert field == f"{Q}[0].text.sv"
    assert "'Hur nöjd är du med {tjanst}?' has the placeholder '{tjanst}'" in message


def test_a_price_question_fills_its_product_and_refuses_other_placeholders() -> None:
    price = {"type": "price", "key": "pris", "text": text("Pris"), "product": text("årskortet")}
    parse_definition(survey(price))  # the default texts hold {product}: filled, so valid
    price["texts"] = {"too_cheap": text("Vid vilket pris blir {produkt} för billig?")}
    field, message = only_problem(survey(price))
    assert field == f"{Q}[0].texts.too_cheap.sv"
    assert "{produkt}" in message
