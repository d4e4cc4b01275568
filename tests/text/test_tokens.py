"""Normalising, tokenising, stemming and stop words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import InvalidArgument
from kundpuls.text.tokens import normalise, stem, stems, stop_words, tokenise


def test_it_tokenises_letters_only_and_lower_cases() -> None:
    assert tokenise("Väntetiden var 45 min – ALLDELES för lång!") == [
        "väntetiden",
        "var",
        "min",
        "alldeles",
        "för",
        "lång",
    ]
    assert tokenise("e-tjänsten, 1177.se") == ["e", "tjänsten", "se"]


def test_it_normalises_composed_and_decomposed_letters_alike() -> None:
    decomposed = "va\u0308ntetid"  # a + combining diaeresis
    assert normalise(decomposed) == "väntetid"
    assert tokenise(decomposed) == ["väntetid"]
    assert normalise("  Två\n  rader ") == "två rader"


def test_it_stems_with_snowball_in_swedish_and_english() -> None:
    assert stem("väntetiden") == "väntetid"
    assert stems(["otrevliga", "otrevligt"]) == ["otrev", "otrev"]
    assert stems(["waiting", "waited"], language="en") == ["wait", "wait"]


def test_it_keeps_verdict_words_out_of_the_stop_words() -> None:
    sv = stop_words("sv")
    assert {"och", "att", "det"} <= sv
    assert not {"inte", "bra", "sämre", "långsam", "lång"} & sv
    assert "mvh" in sv  # a domain addition
    assert "not" not in stop_words("en")


def test_it_rejects_an_unknown_language() -> None:
    with pytest.raises(InvalidArgument, match="language: 'de'"):
        stem("hund", language="de")  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=60))
def test_normalising_twice_changes_nothing_and_tokens_are_lower_case_letters(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    for token in tokenise(text):
        assert token.isalpha()
        assert token == normalise(token)
