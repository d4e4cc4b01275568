"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

A personnummer is ``YYMMDD-NNNC`` (10 digits; ``+`` instead of ``-`` for people aged 100 or more) or
``YYYYMMDDNNNC`` (12 digits). A samordningsnummer is the same with 60 added to the day (``61``–``91``).
The last digit ``C`` is the Luhn check digit of the ten digits ``YYMMDDNNN`` (Skatteverket, SKV 704
"Personnummer"; Luhn 1960, US patent 2,950,048): weights 2, 1, 2, 1, … from the left, digits of the
products summed, ``C = (10 − sum mod 10) mod 10``.

A number of that shape whose check digit is wrong is still taken for one when it stands where a
personnummer would: its date part is a possible date and it is written like one (a separator before the
last four digits, or the century in front) or follows a word such as "personnummer". A mistyped
personnummer ("19650312-1234") identifies a person as well as a correct one does. It is kept when a word
naming another kind of number stands just before it ("fakturanummer", "order", "OCR" …), and bare ten
digits without such support stay (order, invoice and reference numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Digits with an optional separator (-, + or an en dash) before the last four; the lookarounds stop it
# inside longer numbers, dates (2024-03-15 has separators in the wrong places) or case numbers
# (2024-1234 has too few digits).
IDENTITY_NUMBER = re.compile(
    r"(?<![\w+\-/.,])(?P<century>18|19|20)?(?P<date>\d{6})(?P<sep>[-+–]|\s?[-+–]?\s?)(?P<serial>\d{3})"
    r"(?P<check>\d)(?![\w/]|[.,-]\d)"
)
CONTEXT_WORDS = re.compile(
    r"(?i)(?:person\s?nr|personnummer|personnumret|pers\.?\s?nr|pnr|p-nr|samordningsnummer|"
    r"födelsenummer|identity number|personal number|ssn)(?:\W{1,3}(?:är|is|nr|nummer))?\W{0,3}$"
)

# Words that name another kind of number: a date-shaped number with a wrong check digit after one of these
# is that number, not a mistyped personnummer.
OTHER_NUMBER_WORDS = re.compile(
    r"(?i)(?:faktura|order|referens|ocr|ärende|ärendenummer|dnr|diarienummer|beställning|kundnummer|"
    r"kundnr|avtal|konto|kontonummer|organisationsnummer|orgnr|org\.?\s?nr|invoice|reference|ref|case|"
    r"account|booking|bokning|lånekort|kortnummer|serienummer)\w*(?:\W{1,3}(?:nr|nummer|no|number))?"
    r"\W{0,3}$"
)


def luhn_check_digit(digits: str) -> int:
    """Return the Luhn check digit of ``digits`` (weights 2, 1, 2, … from the left, as Skatteverket uses).

    Examples
    --------
    >>> luhn_check_digit("811218987")
    6
    """
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def _date_shaped(match: re.Match[str]) -> bool:
    """True if the date part is a possible month (01–12) and day (01–31, or 61–91)."""
    date = match.group("date")
    month, day = int(date[2:4]), int(date[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def _valid(match: re.Match[str]) -> bool:
    if not _date_shaped(match):
        return False
    return luhn_check_digit(match.group("date") + match.group("serial")) == int(match.group("check"))


def _stands_as_identity_number(text: str, match: re.Match[str]) -> bool:
    """A date-shaped number with a wrong check digit that stands where a personnummer would.

    Written like one (``YYMMDD-NNNN``, ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``) or after a word such as
    "personnummer", and not after a word naming another kind of number ("fakturanummer 670712-0012").
    """
    before = text[max(0, match.start() - 40) : match.start()]
    if OTHER_NUMBER_WORDS.search(before):
        return False
    if match.group("sep").strip() or match.group("century") is not None:
        return True
    return CONTEXT_WORDS.search(before) is not None


def find_identity_numbers(text: str) -> Iterator[tuple[int, int, bool]]:
    """Yield ``(start, end, explicit)`` for each identity number in ``text``.

    A valid one (date and check digit) anywhere; one with a wrong check digit only where a personnummer
    would stand (see :func:`_stands_as_identity_number`), and then always ``explicit``.

    ``explicit`` is True when the number is written with a separator, has a century, or follows a word
    such as "personnummer"; a bare 10-digit number starting with 0 without that support may also be a
    phone number, and the redactor lets the phone rule claim it.
    """
    for match in IDENTITY_NUMBER.finditer(text):
        if not _valid(match):
            if _date_shaped(match) and _stands_as_identity_number(text, match):
                yield match.start(), match.end(), True
            continue
        sep = match.group("sep").strip()
        explicit = bool(sep) or match.group("century") is not None or not match.group("date").startswith("0")
        if not explicit:
            explicit = CONTEXT_WORDS.search(text, max(0, match.start() - 40), match.start()) is not None
        yield match.start(), match.end(), explicit
