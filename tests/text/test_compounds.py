"""Splitting Swedish compounds into known parts, and matching themes through them."""

from __future__ import annotations

import pytest

from kundpuls.text.compounds import CompoundSplitter, split_compound
from kundpuls.text.taxonomy import parse_taxonomy
from kundpuls.text.themes import assign_themes


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("telefonkön", ("telefon", "kö")),  # the example: an inflected head
        ("parkeringsavgiften", ("parkering", "avgift")),  # a linking s
        ("jättebra", ("jätte", "bra")),
        ("handläggningstiden", ("handläggning", "tid")),
        ("busshållplatsen", ("buss", "hållplats")),
        ("akutmottagningen", ("akut", "mottagning")),
    ],
)
def test_a_compound_splits_into_its_known_parts(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize("word", ["personalen", "kommunen", "bra", "kö", "sjukhuset", "xyzabcdef"])
def test_a_word_that_is_no_known_compound_stays_whole(word: str) -> None:
    assert split_compound(word) == (word,)


def test_words_added_to_the_lexicon_take_part_in_splitting() -> None:
    splitter = CompoundSplitter(["kaffe", "maskin"])
    assert splitter.split("kaffemaskinen") == ("kaffe", "maskin")
    assert split_compound("kaffemaskinen") != ("kaffe", "maskin") or "maskin" in splitter.lexicon


def test_a_theme_word_is_found_inside_a_compound() -> None:
    taxonomy = parse_taxonomy({"themes": {"ko": {"label": "Kö", "sv": {"words": ["kö", "kön"]}}}})
    assert assign_themes(["Telefonkön var lång", "Kön var lång", "Köket var fint"], taxonomy).to_lists() == [
        ["ko"],
        ["ko"],
        [],
    ]
