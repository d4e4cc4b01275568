"""The answer messages: every answer error code has a Swedish and an English text
(tests/test_code_catalogue.py checks the catalogue itself)."""

from __future__ import annotations

import pytest

from kundpuls.instruments.messages import MESSAGES, render_hint, render_message


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_distinct_swedish_and_english_texts(code: str) -> None:
    swedish, english = render_hint(code, "sv"), render_hint(code, "en")
    assert swedish.strip() and english.strip() and swedish != english


def test_a_message_names_the_key_and_the_value() -> None:
    assert render_message("out_of_range", "sv", key="nki1", value=11, min=1, max=10) == (
        "nki1 = 11: Svaret måste vara ett heltal från 1 till 10."
    )
    assert render_message("out_of_range", "en", key="nki1", value=11, min=1, max=10) == (
        "nki1 = 11: The answer must be a whole number from 1 to 10."
    )


def test_an_unknown_language_falls_back_to_swedish() -> None:
    assert render_hint("required", "de") == "Frågan behöver besvaras."


def test_long_values_are_shortened_in_messages() -> None:
    message = render_message("too_long", "sv", key="k", value="x" * 500, max=10, length=500)
    assert len(message) < 150 and "..." in message


def test_every_error_code_the_validator_raises_has_a_message() -> None:
    import inspect
    import re

    from kundpuls.instruments import answer_values, answers

    source = inspect.getsource(answer_values) + inspect.getsource(answers)
    raised = set(re.findall(r'(?:AnswerValueError|AnswerError)\(\s*"([a-z_]+)"', source))
    assert raised, "no error codes found: the pattern no longer matches the code"
    assert raised <= set(MESSAGES), raised - set(MESSAGES)
