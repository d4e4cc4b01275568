"""Validating answer sets: types, ranges, options, hidden questions, required, "vet ej", contact data."""

from __future__ import annotations

from typing import Any

import pytest

from kundpuls.errors import ValidationError
from kundpuls.instruments import (
    AnswerErrors,
    SurveyDefinition,
    ValidatedAnswers,
    load_template,
    parse_definition,
    validate_answers,
    validate_page_answers,
)

from .builders import matrix, multiple, open_text, paged, rating, single, survey, text, yes_no


def errors_of(definition: SurveyDefinition, answers: Any) -> list[tuple[str | None, str, object]]:
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(definition, answers)
    assert isinstance(caught.value, ValidationError)
    return [(error.field, error.code, error.value) for error in caught.value.errors]


RATINGS = parse_definition(survey(rating("q1"), rating("vk", dont_know=True), rating("nps", 0, 10)))


@pytest.mark.parametrize(("raw", "stored"), [(7, 7), ("7", 7), (" 10 ", 10), (1.0, 1)])
def test_a_rating_accepts_integers_digit_strings_and_whole_floats(raw: object, stored: int) -> None:
    assert validate_answers(RATINGS, {"q1": raw}).answers == {"q1": stored}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (7.5, "not_integer"),
        ("sju", "not_integer"),
        (True, "not_integer"),
        (11, "out_of_range"),
        (0, "out_of_range"),
        ("-1", "out_of_range"),
    ],
)
def test_a_rating_outside_the_scale_or_not_whole_is_refused(raw: object, code: str) -> None:
    assert errors_of(RATINGS, {"q1": raw}) == [("q1", code, raw)]


def test_zero_is_a_valid_answer_on_a_zero_based_scale() -> None:
    assert validate_answers(RATINGS, {"nps": 0}).answers == {"nps": 0}


@pytest.mark.parametrize("raw", ["dont_know", None])
def test_dont_know_is_stored_as_missing_never_as_a_scale_value(raw: object) -> None:
    assert validate_answers(RATINGS, {"vk": raw}).answers == {"vk": None}


def test_dont_know_on_a_question_without_it_is_refused() -> None:
    assert errors_of(RATINGS, {"q1": "dont_know"}) == [("q1", "dont_know_not_allowed", "dont_know")]


def test_none_on_a_question_without_dont_know_counts_as_unanswered() -> None:
    assert validate_answers(RATINGS, {"q1": None}).answers == {}


def test_an_unknown_key_is_reported_with_its_value() -> None:
    assert errors_of(RATINGS, {"q9": 3}) == [("q9", "unknown_question", 3)]


def test_a_non_mapping_is_refused() -> None:
    assert errors_of(RATINGS, [1, 2]) == [("", "not_an_answer_set", "list")]


def test_a_required_question_must_be_answered_and_dont_know_counts_as_an_answer() -> None:
    definition = parse_definition(
        survey(rating("q1", required=True), rating("q2", required=True, dont_know=True))
    )
    assert errors_of(definition, {"q2": ""}) == [("q1", "required", None), ("q2", "required", "")]
    assert validate_answers(definition, {"q1": 5, "q2": "dont_know"}).answers == {"q1": 5, "q2": None}


def test_a_hidden_required_question_is_not_required_and_its_answer_is_dropped() -> None:
    definition = parse_definition(
        paged([yes_no("besokt", required=True)], [rating("betyg", required=True, show_if="besokt")])
    )
    assert validate_answers(definition, {"besokt": "nej", "betyg": 3}).answers == {"besokt": False}
    assert errors_of(definition, {"besokt": "ja"}) == [("betyg", "required", None)]


def test_a_hidden_answer_is_dropped_even_when_invalid() -> None:
    definition = parse_definition(paged([rating("q1")], [open_text("varfor", show_if="q1 <= 4")]))
    assert validate_answers(definition, {"q1": 9, "varfor": 12345}).answers == {"q1": 9}


def test_hidden_pages_and_blocks_drop_their_answers() -> None:
    data = paged([yes_no("ja")], [rating("q2")], [rating("q3")])
    data["pages"][1]["show_if"] = "ja"
    data["pages"][2]["blocks"][0]["show_if"] = "ja == false"
    definition = parse_definition(data)
    assert validate_answers(definition, {"ja": True, "q2": 4, "q3": 5}).answers == {"ja": True, "q2": 4}
    assert validate_answers(definition, {"ja": False, "q2": 4, "q3": 5}).answers == {"ja": False, "q3": 5}


def test_a_condition_on_a_dont_know_answer_is_false() -> None:
    definition = parse_definition(
        paged([rating("q1", dont_know=True)], [open_text("varfor", show_if="q1 <= 4")])
    )
    assert validate_answers(definition, {"q1": "dont_know", "varfor": "x"}).answers == {"q1": None}


CHOICES = parse_definition(
    survey(single("s", ("1", "2", "a")), multiple("m", max_choices=2), multiple("m3", min_choices=2))
)


def test_a_single_choice_must_be_an_option() -> None:
    assert validate_answers(CHOICES, {"s": "a"}).answers == {"s": "a"}
    assert validate_answers(CHOICES, {"s": 2}).answers == {"s": "2"}
    assert errors_of(CHOICES, {"s": "b"}) == [("s", "unknown_option", "b")]


def test_multiple_choices_are_stored_once_each_in_option_order() -> None:
    assert validate_answers(CHOICES, {"m": ["c", "a", "c"]}).answers == {"m": ["a", "c"]}
    assert validate_answers(CHOICES, {"m": "b"}).answers == {"m": ["b"]}
    assert validate_answers(CHOICES, {"m": []}).answers == {}


def test_multiple_choice_counts_and_options_are_checked() -> None:
    assert errors_of(CHOICES, {"m": ["a", "b", "c"]}) == [("m", "too_many_choices", ["a", "b", "c"])]
    assert errors_of(CHOICES, {"m3": ["a"]}) == [("m3", "too_few_choices", ["a"])]
    assert errors_of(CHOICES, {"m": ["a", "z"]}) == [("m", "unknown_option", ["a", "z"])]
    assert errors_of(CHOICES, {"m": 5}) == [("m", "not_a_list", 5)]


@pytest.mark.parametrize(
    ("raw", "stored"), [(True, True), ("ja", True), ("Nej", False), ("yes", True), ("0", False)]
)
def test_yes_no_accepts_booleans_and_words(raw: object, stored: bool) -> None:
    definition = parse_definition(survey(yes_no("ok")))
    assert validate_answers(definition, {"ok": raw}).answers == {"ok": stored}


def test_yes_no_refuses_other_words() -> None:
    assert errors_of(parse_definition(survey(yes_no("ok"))), {"ok": "kanske"}) == [
        ("ok", "not_yes_no", "kanske")
    ]


def test_open_text_is_trimmed_and_length_limited() -> None:
    definition = parse_definition(survey(open_text("k", max_length=10)))
    assert validate_answers(definition, {"k": "  hej\r\ndå\x00 "}).answers == {"k": "hej\ndå"}
    assert validate_answers(definition, {"k": "   "}).answers == {}
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(definition, {"k": "x" * 11})
    (error,) = caught.value.errors
    assert (error.field, error.code, error.params) == ("k", "too_long", {"max": 10, "length": 11})
    assert error.hint("sv") == "Texten får vara högst 10 tecken lång (nu 11)."
    assert error.hint("en") == "The text may be at most 10 characters long (now 11)."


def test_open_text_must_be_text() -> None:
    assert errors_of(parse_definition(survey(open_text("k"))), {"k": 5}) == [("k", "not_text", 5)]


def test_every_row_of_a_matrix_is_validated_and_required_rows_are_all_required() -> None:
    definition = parse_definition(survey(matrix("m", ("r1", "r2", "r3"), 1, 5, required=True)))
    assert errors_of(definition, {"r1": 6, "r2": 3}) == [("r1", "out_of_range", 6), ("r3", "required", None)]


def test_a_kano_pair_takes_the_five_answers() -> None:
    kano = {
        "type": "kano",
        "key": "chatt",
        "text": text("Chatt"),
        "functional": text("Finns?"),
        "dysfunctional": text("Saknas?"),
    }
    definition = parse_definition(survey(kano))
    answers = {"chatt_functional": "like", "chatt_dysfunctional": "live_with"}
    assert validate_answers(definition, answers).answers == answers
    assert errors_of(definition, {"chatt_functional": "love"}) == [
        ("chatt_functional", "unknown_option", "love")
    ]


PRICE = parse_definition(
    survey(
        {"type": "price", "key": "kort", "text": text("Pris"), "product": text("kortet"), "dont_know": True}
    )
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [(1200, 1200), ("1 200 kr", 1200), ("149,50", 149.5), ("99.5", 99.5), ("300 SEK", 300), (0, 0)],
)
def test_a_price_accepts_amounts_as_people_write_them(raw: object, stored: float) -> None:
    assert validate_answers(PRICE, {"kort_cheap": raw}).answers == {"kort_cheap": stored}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (-5, "price_out_of_range"),
        ("gratis", "not_a_price"),
        (float("nan"), "not_a_price"),
        (2e9, "price_out_of_range"),
        (False, "not_a_price"),
    ],
)
def test_a_price_that_is_not_an_amount_is_refused(raw: object, code: str) -> None:
    assert [(f, c) for f, c, _ in errors_of(PRICE, {"kort_cheap": raw})] == [("kort_cheap", code)]


def test_price_likelihoods_are_on_one_to_five() -> None:
    assert validate_answers(PRICE, {"kort_intent_cheap": "5"}).answers == {"kort_intent_cheap": 5}
    assert errors_of(PRICE, {"kort_intent_cheap": 6}) == [("kort_intent_cheap", "out_of_range", 6)]


CONSENT = parse_definition(
    survey(
        rating("q1"),
        {
            "type": "consent",
            "key": "kontakt_ok",
            "text": text("Får vi kontakta dig?"),
            "purpose": text("För att följa upp ditt svar."),
            "contact_fields": [
                {"key": "epost", "kind": "email", "text": text("E-post"), "required": True},
                {"key": "telefon", "kind": "phone", "text": text("Telefon")},
            ],
        },
    )
)


def test_contact_data_is_returned_apart_from_the_answers() -> None:
    result = validate_answers(
        CONSENT, {"q1": 3, "kontakt_ok": "ja", "epost": " anna@exempel.se ", "telefon": "070-123 45 67"}
    )
    assert result.answers == {"q1": 3, "kontakt_ok": True}
    assert result.contact == {"epost": "anna@exempel.se", "telefon": "070-123 45 67"}
    assert result.consented


def test_contact_data_without_consent_is_dropped() -> None:
    result = validate_answers(CONSENT, {"q1": 3, "kontakt_ok": False, "epost": "anna@exempel.se"})
    assert result.contact == {} and not result.consented
    assert validate_answers(CONSENT, {"epost": "anna@exempel.se"}).contact == {}


def test_contact_fields_are_checked_after_a_yes() -> None:
    assert errors_of(CONSENT, {"kontakt_ok": True, "telefon": "12"}) == [
        ("epost", "required", None),
        ("telefon", "invalid_phone", "12"),
    ]
    assert errors_of(CONSENT, {"kontakt_ok": True, "epost": "anna(at)exempel"}) == [
        ("epost", "invalid_email", "anna(at)exempel")
    ]


OPTIONAL_CONTACT = parse_definition(
    survey(
        rating("q1"),
        {
            "type": "consent",
            "key": "kontakt_ok",
            "text": text("Får vi kontakta dig?"),
            "purpose": text("För att följa upp ditt svar."),
            "contact_fields": [
                {"key": "namn", "kind": "name", "text": text("Namn")},
                {"key": "telefon", "kind": "phone", "text": text("Telefon")},
            ],
        },
    )
)


@pytest.mark.parametrize("empty", [{}, {"namn": "", "telefon": "  "}])
def test_a_yes_without_any_contact_detail_is_refused_on_the_first_contact_field(
    empty: dict[str, str],
) -> None:
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(OPTIONAL_CONTACT, {"q1": 3, "kontakt_ok": "ja", **empty})
    (error,) = caught.value.errors
    assert (error.field, error.code) == ("namn", "contact_missing")
    assert "minst en kontaktuppgift" in error.hint("sv") and "at least one contact detail" in error.hint("en")
    assert validate_answers(OPTIONAL_CONTACT, {"kontakt_ok": "ja", "telefon": "070-123 45 67"}).consented
    assert validate_answers(OPTIONAL_CONTACT, {"kontakt_ok": "nej"}).contact == {}


def test_every_problem_is_reported_at_once_with_messages_in_both_languages() -> None:
    definition = parse_definition(
        survey(rating("q1", required=True), single("s"), open_text("k", max_length=3))
    )
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(definition, {"s": "x", "k": "lång text", "okand": 1})
    assert caught.value.codes() == {
        "okand": ["unknown_question"],
        "q1": ["required"],
        "s": ["unknown_option"],
        "k": ["too_long"],
    }
    assert caught.value.messages("sv")["s"] == ["s = 'x': Välj ett av svarsalternativen."]
    assert caught.value.messages("en")["s"] == ["s = 'x': Please choose one of the options."]
    assert str(caught.value).startswith("4 fel i svaren:\n- okand = 1: Frågan finns inte i enkäten.")


def test_one_page_is_validated_with_the_answers_of_the_pages_before() -> None:
    definition = parse_definition(
        paged([rating("q1")], [open_text("varfor", show_if="q1 <= 4", required=True), rating("q3")])
    )
    assert validate_page_answers(definition, "p2", {"q3": 5}, previous={"q1": 9}).answers == {"q3": 5}
    with pytest.raises(AnswerErrors) as caught:
        validate_page_answers(definition, "p2", {"q3": 5, "q1": 2}, previous={"q1": 2})
    assert caught.value.codes() == {"q1": ["unknown_question"], "varfor": ["required"]}


def test_a_hidden_page_validates_to_nothing() -> None:
    data = paged([yes_no("ja")], [rating("q2", required=True)])
    data["pages"][1]["show_if"] = "ja"
    definition = parse_definition(data)
    assert validate_page_answers(definition, "p2", {"q2": 3}, previous={"ja": False}) == ValidatedAnswers()


def test_a_full_nki_response_round_trips() -> None:
    definition = load_template("nki")
    raw = {
        "tjanst": "bygg",
        "kanal": "phone",
        "bem_vanlighet": "9",
        "bem_respekt": 10,
        "bem_forstaelse": "dont_know",
        "inf_begriplig": 6,
        "nki_helhet": 8,
        "nki_forvantan": "7",
        "nki_ideal": 6,
        "kommentar": "  Bra bemötande, men lång väntetid.  ",
        "alder": "65_79",
        "kon": "dont_know",
        "kontakt_ok": "ja",
        "kontakt_telefon": "070-123 45 67",
    }
    result = validate_answers(definition, raw)
    assert result.answers["bem_forstaelse"] is None
    assert result.answers["kommentar"] == "Bra bemötande, men lång väntetid."
    assert result.contact == {"kontakt_telefon": "070-123 45 67"}
    assert "kontakt_telefon" not in result.answers
    assert validate_answers(definition, result.as_input()) == result


def test_an_earlier_answer_of_the_same_page_does_not_leak_into_its_result() -> None:
    definition = parse_definition(
        paged([rating("q1"), rating("q2")], [open_text("varfor", show_if="q1 <= 4")])
    )
    # the respondent first answered 2 (so "varfor" was asked), went back and cleared the rating
    result = validate_page_answers(definition, "p1", {"q1": ""}, previous={"q1": 2, "varfor": "x"})
    assert result == ValidatedAnswers()


def test_a_price_hint_names_the_currency_as_a_swedish_reader_writes_it() -> None:
    price = {"type": "price", "key": "pris", "text": text("Pris"), "product": text("årskortet")}
    definition = parse_definition(survey(price))
    with pytest.raises(AnswerErrors) as caught:
        validate_answers(definition, {"pris_too_cheap": "gratis"})
    error = caught.value.errors[0]
    assert "Skriv ett belopp i kr," in error.hint("sv")
    assert "Enter an amount in SEK," in error.hint("en")
