"""The message catalogue for answer validation: one Swedish and one English template per error code.

The web layer picks the language. A full message names the item key and the value
(``nki1 = 11: Svaret måste vara ett heltal från 1 till 10.``); the plain ``hint`` without them is what a
respondent sees next to the question.
"""

from __future__ import annotations

from typing import Any

from kundpuls.instruments.presets import currency_label

#: code → (Swedish template, English template); placeholders are filled from the error's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Frågan behöver besvaras.", "Please answer this question."),
    "unknown_question": (
        "Frågan finns inte i enkäten.",
        "There is no such question in the survey.",
    ),
    "not_integer": (
        "Svaret måste vara ett heltal från {min} till {max}.",
        "The answer must be a whole number from {min} to {max}.",
    ),
    "out_of_range": (
        "Svaret måste vara ett heltal från {min} till {max}.",
        "The answer must be a whole number from {min} to {max}.",
    ),
    "not_a_price": (
        "Skriv ett belopp i {currency}, till exempel 150 eller 149,50.",
        "Enter an amount in {currency}, for example 150 or 149.50.",
    ),
    "price_out_of_range": (
        "Beloppet måste ligga mellan 0 och {max} {currency}.",
        "The amount must be between 0 and {max} {currency}.",
    ),
    "unknown_option": (
        "Välj ett av svarsalternativen.",
        "Please choose one of the options.",
    ),
    "not_a_list": (
        "Svaret måste vara en lista med alternativ.",
        "The answer must be a list of options.",
    ),
    "too_few_choices": (
        "Välj minst {min} alternativ.",
        "Please choose at least {min} options.",
    ),
    "too_many_choices": (
        "Välj högst {max} alternativ.",
        "Please choose at most {max} options.",
    ),
    "not_yes_no": ("Svara ja eller nej.", "Please answer yes or no."),
    "not_text": ("Svaret måste vara text.", "The answer must be text."),
    "too_long": (
        "Texten får vara högst {max} tecken lång (nu {length}).",
        "The text may be at most {max} characters long (now {length}).",
    ),
    "dont_know_not_allowed": (
        "Den här frågan har inget svarsalternativ ”vet ej”.",
        "This question has no “don't know” option.",
    ),
    "invalid_email": (
        "Skriv en giltig e-postadress, till exempel namn@exempel.se.",
        "Enter a valid email address, for example name@example.com.",
    ),
    "invalid_phone": (
        "Skriv ett telefonnummer med 6–20 siffror, till exempel 070-123 45 67.",
        "Enter a phone number with 6–20 digits, for example +46 70 123 45 67.",
    ),
    "contact_missing": (
        "Du har svarat ja till att bli kontaktad: fyll i minst en kontaktuppgift, eller svara nej.",
        "You said yes to being contacted: fill in at least one contact detail, or answer no.",
    ),
    "not_an_answer_set": (
        "Svaren måste vara en samling av fråga–svar-par.",
        "The answers must be a mapping from question to answer.",
    ),
}


def _format_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def render_hint(code: str, language: str, **params: Any) -> str:
    """The plain message for ``code`` in ``language`` (Swedish unless ``"en"``), without key and value."""
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    template = templates[1] if language == "en" else templates[0]
    if "currency" in params:  # "kr" on a Swedish page, not "SEK"
        params = {**params, "currency": currency_label(str(params["currency"]), language)}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def render_message(code: str, language: str, *, key: str | None, value: object, **params: Any) -> str:
    """The full message: ``KEY = VALUE: hint`` in ``language``."""
    return f"{key} = {_format_value(value)}: {render_hint(code, language, **params)}"
