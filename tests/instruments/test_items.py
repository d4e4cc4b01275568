"""Stored items: the flat list of answer columns with their kinds, for the response lake."""

from __future__ import annotations

from kundpuls.instruments import (
    background_items,
    contact_fields,
    load_template,
    parse_definition,
    stored_items,
)

from .builders import matrix, multiple, open_text, rating, single, survey, text, yes_no


def test_every_question_type_gives_its_stored_items_in_order() -> None:
    definition = parse_definition(
        survey(
            rating("r", 0, 10, dont_know=True),
            matrix("m", ("m1", "m2"), 1, 5),
            single("s"),
            multiple("mc"),
            yes_no("yn"),
            open_text("t"),
            {
                "type": "kano",
                "key": "k",
                "text": text("Funktion"),
                "functional": text("F"),
                "dysfunctional": text("D"),
            },
            {"type": "price", "key": "p", "text": text("Pris"), "product": text("kortet"), "intent": False},
        )
    )
    items = stored_items(definition)
    assert [(i.key, i.kind, i.question_key) for i in items] == [
        ("r", "numeric", "r"),
        ("m1", "numeric", "m"),
        ("m2", "numeric", "m"),
        ("s", "choice", "s"),
        ("mc", "choices", "mc"),
        ("yn", "boolean", "yn"),
        ("t", "text", "t"),
        ("k_functional", "choice", "k"),
        ("k_dysfunctional", "choice", "k"),
        ("p_too_cheap", "numeric", "p"),
        ("p_cheap", "numeric", "p"),
        ("p_expensive", "numeric", "p"),
        ("p_too_expensive", "numeric", "p"),
    ]
    assert (items[0].scale_min, items[0].scale_max, items[0].allows_dont_know) == (0, 10, True)
    assert items[7].options == ("like", "expect", "neutral", "live_with", "dislike")
    assert (items[9].integer, items[9].unit, items[9].part) == (False, "SEK", "too_cheap")
    assert all(item.page_key == "p1" and item.block_key == "b1" for item in items)


def test_contact_fields_are_not_stored_items() -> None:
    definition = load_template("nki")
    keys = {item.key for item in stored_items(definition)}
    contacts = [field.key for field in contact_fields(definition)]
    assert contacts == ["kontakt_namn", "kontakt_telefon", "kontakt_epost"]
    assert keys.isdisjoint(contacts)
    assert "kontakt_ok" in keys


def test_background_items_name_their_segment_variable() -> None:
    variables = {item.key: item.background_variable for item in background_items(load_template("nki"))}
    assert variables == {
        "tjanst": "service",
        "kanal": "contact_channel",
        "alder": "age_band",
        "kon": "gender",
    }
