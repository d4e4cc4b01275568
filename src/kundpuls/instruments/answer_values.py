"""Normalising one raw answer value (as a form or an API client sends it) to its stored form.

Each function returns the normalised value, or :data:`UNANSWERED` for an empty answer, or raises
:class:`AnswerValueError` with an error code and its parameters (turned into an
:class:`~kundpuls.instruments.exceptions.AnswerError` by the caller).
"""

from __future__ import annotations

import math
import re
from typing import Any

from kundpuls.instruments.items import StoredItem
from kundpuls.instruments.model import ContactField
from kundpuls.instruments.presets import CONTACT_TEXT_LENGTH, MAX_PRICE


class _Unanswered:
    """The marker of an empty answer (nothing chosen, blank text)."""

    def __repr__(self) -> str:
        return "UNANSWERED"


UNANSWERED: Any = _Unanswered()


class AnswerValueError(Exception):
    """A raw value that cannot be normalised: ``code`` and message ``params``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_INTEGER = re.compile(r"^[+-]?\d{1,12}$")
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,4})?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE = {"yes", "ja", "true", "1"}
_FALSE = {"no", "nej", "false", "0"}


def is_blank(value: object) -> bool:
    """An empty answer: missing, an empty or blank string, an empty list."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0
    return value is UNANSWERED


def rating(value: object, item: StoredItem) -> int:
    """An integer on the item's scale; digit strings and integral floats are accepted."""
    low, high = int(item.scale_min or 0), int(item.scale_max or 0)
    number: int
    if isinstance(value, bool):
        raise AnswerValueError("not_integer", min=low, max=high)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.match(value.strip()):
        number = int(value.strip())
    else:
        raise AnswerValueError("not_integer", min=low, max=high)
    if not low <= number <= high:
        raise AnswerValueError("out_of_range", min=low, max=high)
    return number


def price(value: object, *, currency: str) -> int | float:
    """A non-negative amount; strings may use a decimal comma, spaces between thousands and "kr"."""
    number: int | float
    if isinstance(value, bool):
        raise AnswerValueError("not_a_price", currency=currency)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise AnswerValueError("not_a_price", currency=currency)
        number = value
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        for suffix in (currency, currency.lower(), "kr", ":-"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
        if not _AMOUNT.match(text):
            raise AnswerValueError("not_a_price", currency=currency)
        number = float(text) if "." in text else int(text)
    else:
        raise AnswerValueError("not_a_price", currency=currency)
    if not 0 <= number <= MAX_PRICE:
        raise AnswerValueError("price_out_of_range", max=MAX_PRICE, currency=currency)
    return number


def choice(value: object, item: StoredItem) -> str:
    """One of the item's option values (an integer is read as its digits)."""
    options = item.options or ()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip() in options:
        return value.strip()
    raise AnswerValueError("unknown_option", options=", ".join(options))


def choices(value: object, item: StoredItem, *, min_choices: int, max_choices: int | None) -> list[str]:
    """A list of option values, without duplicates, in the order of the options."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise AnswerValueError("not_a_list")
    chosen = {choice(element, item) for element in value}
    ordered = [option for option in (item.options or ()) if option in chosen]
    if len(ordered) < min_choices:
        raise AnswerValueError("too_few_choices", min=min_choices)
    if max_choices is not None and len(ordered) > max_choices:
        raise AnswerValueError("too_many_choices", max=max_choices)
    return ordered


def yes_no(value: object) -> bool:
    """``True``/``False``; also "ja"/"nej", "yes"/"no", "true"/"false", "1"/"0"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise AnswerValueError("not_yes_no")


def text(value: object, *, max_length: int) -> str:
    """A stripped text with Unix line ends and no control characters, at most ``max_length`` long."""
    if not isinstance(value, str):
        raise AnswerValueError("not_text", max=max_length)
    cleaned = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not cleaned:
        return UNANSWERED
    if len(cleaned) > max_length:
        raise AnswerValueError("too_long", max=max_length, length=len(cleaned))
    return cleaned


def contact(value: object, field: ContactField) -> str:
    """A contact value: an email address, a phone number, a name or a short text."""
    cleaned = text(value, max_length=CONTACT_TEXT_LENGTH)
    if cleaned is UNANSWERED:
        return cleaned
    if field.kind == "email" and not (_EMAIL.match(cleaned) and len(cleaned) <= 254):
        raise AnswerValueError("invalid_email")
    if field.kind == "phone":
        digits = sum(char.isdigit() for char in cleaned)
        if not _PHONE.match(cleaned) or not 6 <= digits <= 20:
            raise AnswerValueError("invalid_phone")
    return cleaned
