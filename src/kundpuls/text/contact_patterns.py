"""Patterns for e-mail addresses, phone numbers and street addresses in free text.

Each finder yields ``(start, end)`` offsets. They are tuned to keep what carries meaning in service
feedback: dates (``2024-03-15``), times (``08.00–16.30``), prices (``1 250 kr``), case numbers
(``ärende 2024-1234``) and counts are not phone numbers or addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}(?:@|\s?[\(\[]at[\)\]]\s?)[\w-]{1,63}(?:\.[\w-]{1,63})*\.[A-Za-z]{2,24}(?![\w@])"
)

# A Swedish phone number: +46/0046 or a trunk 0, then digit groups separated by spaces, dashes, slashes
# or dots (070.123.45.67; times such as 08.00 have too few digits to pass the length check), an optional
# "(0)", and an area code that may stand in parentheses: "(08) 123 45 67".
PHONE = re.compile(
    r"(?<![\w+\-/.,:])(?<!\d )"
    r"(?P<number>(?:(?:\+|00)\s?\d{1,3}[\s-]?(?:\(0\)[\s-]?)?|\(0\d{1,3}\)\s?|0)"
    r"\d{1,9}(?:(?:\s?[-/]\s?|\s|\.(?=\d\d))\d{1,8}){0,5})"
    r"(?![\w]|[.,:]\d)"
)
_NOT_PHONE_AFTER = re.compile(
    r"\s?(?:kr|kronor|sek|:-|min|minuter|timmar|tim|h|dagar|veckor|år|st|km|m|%|procent|personer|gånger)\b",
    re.IGNORECASE,
)


def find_emails(text: str) -> Iterator[tuple[int, int]]:
    """Yield the offsets of e-mail addresses (also ``namn (at) exempel.se``)."""
    if "@" not in text and "at" not in text:
        return
    for match in EMAIL.finditer(text):
        yield match.start(), match.end()


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def find_phones(text: str) -> Iterator[tuple[int, int]]:
    """Yield the offsets of phone numbers: 8–10 digits nationally (leading 0 included), or +46/0046 and
    7–9 digits, or another country code and 6–12 digits."""
    pos = 0
    while True:
        match = PHONE.search(text, pos)
        if match is None:
            return
        start, end = match.span("number")
        pos = end
        number = match.group("number")
        # trim trailing groups while the number is too long (a following count or price)
        while True:
            international = number.startswith("+") or number.startswith("00")
            n = _digits(number)
            limit = 13 if international else 10
            if n <= limit:
                break
            cut = max(number.rfind(" "), number.rfind("-"), number.rfind("/"))
            if cut <= 0:
                break
            number = number[:cut].rstrip(" -/")
            end = start + len(number)
        pos = end
        if not _plausible(number):
            continue
        if _NOT_PHONE_AFTER.match(text, end):
            continue
        yield start, end


def _plausible(number: str) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.startswith("+") or number.startswith("00"):
        body = digits[2:] if number.startswith("00") else digits
        if body.startswith("46"):
            national = body[2:].lstrip("0")
            return 7 <= len(national) <= 9
        return 8 <= len(body) <= 14
    if number.startswith("("):
        return 8 <= len(digits) <= 10
    if not digits.startswith("0") or digits.startswith("00"):
        return False
    return 8 <= len(digits) <= 10


_STREET_SUFFIX = (
    r"(?:gatan|gata|vägen|väg|gränd|gränden|torget|torg|stigen|stig|allén|allé|backen|backe|leden|"
    r"platsen|plan|stråket|kajen|promenaden|esplanaden|slingan|ringen|svängen|kroken|liden|höjden|"
    r"hagen|vägen)"
)
STREET_ADDRESS = re.compile(
    r"(?<![\w-])(?:(?:[A-ZÅÄÖ][a-zåäöé]+|Sankt|S:t|Norra|Södra|Östra|Västra|Stora|Lilla|Gamla|Nya)\s)?"
    r"(?:[A-ZÅÄÖa-zåäö][a-zåäöé]{1,30}" + _STREET_SUFFIX + r"|[A-ZÅÄÖ][a-zåäöé]+s?\s" + _STREET_SUFFIX + r")"
    r"\s(?P<number>\d{1,4}(?:\s?[A-Ka-k](?![\wåäö]))?(?:-\d{1,4})?)"
    r"(?P<rest>(?:,?\s(?:lgh|lägenhet|lght)\.?\s?\d{1,5})?(?:,?\s\d\s?tr(?:appor)?\.?)?"
    r"(?:,?\s\d{3}\s?\d{2}\s[A-ZÅÄÖ][a-zåäöé]+(?:\s[A-ZÅÄÖ][a-zåäöé]+)?)?)"
    r"(?![\wåäö])"
)
ENGLISH_ADDRESS = re.compile(
    r"(?<![\w-])\d{1,4}[A-Za-z]?\s(?:[A-Z][a-z]+\s){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Close|Court|Place|Square|Gardens|Terrace)\.?(?!\w)"
)
# cheap tests that a comment can hold an address at all: a street word then a number, or a number then a
# capitalised word (English order)
# (IGNORECASE alternations are slow in Python's re: the hint runs on the lower-cased text instead)
_LETTER_SPACE_DIGIT = re.compile(r"[^\W\d_]\s\d")
_STREET_HINT = re.compile(_STREET_SUFFIX + r"\s\d")
_ENGLISH_HINT = re.compile(r"\d[A-Za-z]?\s[A-Z]")
_NOT_ADDRESS_AFTER = re.compile(
    r"\s?(?:kr|kronor|sek|min|minuter|minuters|timmar|timme|tim|h|dagar|dag|veckor|månader|år|st|km|m|"
    r"meter|%|procent|personer|gånger|bilar|platser)\b",
    re.IGNORECASE,
)


def find_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Yield the offsets of street addresses with a number ("Storgatan 12 B, 123 45 Ort", "12 High Street").

    The street name must end in a Swedish street word (gatan, vägen, gränd, torget …) and be followed by a
    house number that is not a quantity ("vägen 10 minuter" is not an address).
    """
    if _LETTER_SPACE_DIGIT.search(text) is None and _ENGLISH_HINT.search(text) is None:
        return
    if _STREET_HINT.search(text.lower()) is None and _ENGLISH_HINT.search(text) is None:
        return
    for match in STREET_ADDRESS.finditer(text):
        if not match.group("rest") and _NOT_ADDRESS_AFTER.match(text, match.end("number")):
            continue
        yield match.start(), match.end()
    for match in ENGLISH_ADDRESS.finditer(text):
        yield match.start(), match.end()
