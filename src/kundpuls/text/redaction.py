"""Redacting personal data from a comment before it is stored.

:func:`redact` finds Swedish personal identity and coordination numbers (Luhn-checked), phone numbers,
e-mail addresses, street addresses with a number, and personal names, and replaces each with a typed
placeholder: ``[PERSONNUMMER]``, ``[TELEFON]``, ``[E-POST]``, ``[ADRESS]``, ``[NAMN]``. Dates, times,
prices, case numbers, opening hours and counts stay, so the comment keeps its meaning.

When spans of different kinds overlap, the more specific kind wins, in the order e-mail, identity
number, phone, address, name; overlapping spans of one kind are merged. Offsets in
:attr:`Redacted.found` refer to the original text.

The accuracy on the labelled set in ``tests/text/data/redaction_cases.jsonl`` is measured by
``tests/text/test_redaction_accuracy.py`` and reported in ``docs/comments.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from kundpuls.errors import InvalidArgument
from kundpuls.text.contact_patterns import find_addresses, find_emails, find_phones
from kundpuls.text.identity_numbers import find_identity_numbers
from kundpuls.text.language_detection import detect_language
from kundpuls.text.personal_names import find_names

RedactionKind = Literal["PERSONNUMMER", "TELEFON", "E-POST", "ADRESS", "NAMN"]
KINDS: tuple[RedactionKind, ...] = ("E-POST", "PERSONNUMMER", "TELEFON", "ADRESS", "NAMN")
"""All kinds, in order of precedence when spans overlap."""
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in KINDS}
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}


class Finding(NamedTuple):
    """One redacted span: its kind and ``[start, end)`` offsets in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """A redacted comment: ``text`` with placeholders, and what was found where in the original."""

    text: str
    found: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        """True if anything was redacted."""
        return bool(self.found)

    def kinds(self) -> list[str]:
        """The kinds found, in text order (repeats kept)."""
        return [f.kind for f in self.found]


def _check_language(language: str) -> None:
    if language not in ("sv", "en", "auto"):
        raise InvalidArgument(
            f"language: {language!r} is not one of 'sv', 'en', 'auto'", field="language", value=language
        )


def find_personal_data(text: str, *, language: str = "sv") -> list[Finding]:
    """Return the personal-data spans of ``text``, non-overlapping and sorted by start.

    Parameters
    ----------
    text
        One comment.
    language
        ``"sv"``, ``"en"`` or ``"auto"``. All patterns apply in every language; the language decides only
        whether a listed first name written in lower case counts as a name (Swedish: yes, unless the name
        is also a word; English: no, since many English names are words).
    """
    _check_language(language)
    if not isinstance(text, str):
        raise InvalidArgument(f"text: expected a string, got {type(text).__name__}", field="text", value=text)
    if language == "auto":
        language = detect_language(text)
    spans: list[Finding] = []
    if "@" in text or "(at)" in text or "[at]" in text:
        spans.extend(Finding("E-POST", s, e) for s, e in find_emails(text))
    if any(ch.isdigit() for ch in text):
        for s, e, explicit in find_identity_numbers(text):
            spans.append(Finding("PERSONNUMMER", s, e) if explicit else Finding("PERSONNUMMER?", s, e))
        spans.extend(Finding("TELEFON", s, e) for s, e in find_phones(text))
        spans.extend(Finding("ADRESS", s, e) for s, e in find_addresses(text))
    spans.extend(Finding("NAMN", s, e) for s, e in find_names(text, lowercase_names=language == "sv"))
    return _resolve(spans)


def _resolve(spans: Iterable[Finding]) -> list[Finding]:
    """Merge same-kind overlaps, then keep the higher-precedence kind where kinds overlap.

    A bare 10-digit number starting with 0 is an identity number only if no phone rule claims it
    (kind ``"PERSONNUMMER?"``).
    """
    ordered = sorted(spans, key=lambda f: (f.start, -f.end))
    phones = [f for f in ordered if f.kind == "TELEFON"]
    resolved: list[Finding] = []
    for f in ordered:
        if f.kind == "PERSONNUMMER?":
            if any(p.start <= f.start and f.end <= p.end for p in phones):
                continue
            f = Finding("PERSONNUMMER", f.start, f.end)
        resolved.append(f)
    # merge same-kind overlaps
    merged: dict[str, list[Finding]] = {}
    for f in resolved:
        runs = merged.setdefault(f.kind, [])
        if runs and f.start < runs[-1].end:
            last = runs[-1]
            runs[-1] = Finding(f.kind, last.start, max(last.end, f.end))
        else:
            runs.append(f)
    chosen: list[Finding] = []
    for kind in KINDS:
        for f in merged.get(kind, []):
            if all(f.end <= c.start or c.end <= f.start for c in chosen):
                chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def apply_placeholders(text: str, found: Sequence[Finding]) -> str:
    """Return ``text`` with each span in ``found`` (non-overlapping) replaced by its placeholder."""
    parts: list[str] = []
    cursor = 0
    for f in sorted(found, key=lambda f: f.start):
        parts.append(text[cursor : f.start])
        parts.append(PLACEHOLDERS[f.kind])
        cursor = f.end
    parts.append(text[cursor:])
    return "".join(parts)


def redact(text: str, *, language: str = "sv") -> Redacted:
    """Replace personal data in ``text`` with typed placeholders.

    Examples
    --------
    >>> r = redact("Jag heter Anna Svensson, ring 070-123 45 67 om ärende 2024-1234.")
    >>> r.text
    'Jag heter [NAMN], ring [TELEFON] om ärende 2024-1234.'
    >>> [tuple(f) for f in r.found]
    [('NAMN', 10, 23), ('TELEFON', 30, 43)]
    """
    found = find_personal_data(text, language=language)
    return Redacted(text=apply_placeholders(text, found) if found else text, found=tuple(found))


def redact_many(texts: Iterable[str], *, language: str = "sv") -> list[Redacted]:
    """Redact each comment of ``texts`` (see :func:`redact`)."""
    _check_language(language)
    return [redact(t, language=language) for t in texts]
