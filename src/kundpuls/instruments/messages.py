"""The messages of answer validation: one English template per error code, translated by gettext.

The Swedish templates are in the code-side catalogue (:mod:`kundpuls.i18n`) under the name ``answer_<code>``.

The web layer picks the language. A full message names the item key and the value
(``nki1 = 11: Svaret måste vara ett heltal från 1 till 10.``); the plain ``hint`` without them is what a
respondent sees next to the question.
"""

from __future__ import annotations

from typing import Any

from kundpuls.i18n import translate
from kundpuls.instruments.presets import currency_label

#: code → the English template (the gettext message id; Swedish in the catalogue, name ``answer_<code>``).
MESSAGES: dict[str, str] = {
    "required": "Please answer this question.",
    "unknown_question": "There is no such question in the survey.",
    "not_integer": "The answer must be a whole number from {min} to {max}.",
    "out_of_range": "The answer must be a whole number from {min} to {max}.",
    "not_a_price": "Enter an amount in {currency}, for example 150 or 149.50.",
    "price_out_of_range": "The amount must be between 0 and {max} {currency}.",
    "unknown_option": "Please choose one of the options.",
    "not_a_list": "The answer must be a list of options.",
    "too_few_choices": "Please choose at least {min} options.",
    "too_many_choices": "Please choose at most {max} options.",
    "not_yes_no": "Please answer yes or no.",
    "not_text": "The answer must be text.",
    "too_long": "The text may be at most {max} characters long (now {length}).",
    "dont_know_not_allowed": "This question has no “don't know” option.",
    "invalid_email": "Enter a valid email address, for example name@example.com.",
    "invalid_phone": "Enter a phone number with 6–20 digits, for example +46 70 123 45 67.",
    "contact_missing": "You said yes to being contacted: fill in at least one contact detail, or answer no.",
    "not_an_answer_set": "The answers must be a mapping from question to answer.",
}


def _format_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def render_hint(code: str, language: str, **params: Any) -> str:
    """The plain message for ``code`` in ``language`` (Swedish unless ``"en"``), without key and value."""
    english = MESSAGES.get(code)
    if english is None:
        return code
    template = translate(f"answer_{code}", english, language)
    if "currency" in params:  # "kr" on a Swedish page, not "SEK"
        params = {**params, "currency": currency_label(str(params["currency"]), language)}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def render_message(code: str, language: str, *, key: str | None, value: object, **params: Any) -> str:
    """The full message: ``KEY = VALUE: hint`` in ``language``."""
    return f"{key} = {_format_value(value)}: {render_hint(code, language, **params)}"
