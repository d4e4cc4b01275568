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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

from kundpuls.errors import InvalidArgument
from kundpuls.text.contact_patterns import find_addresses, find_emails, find_phones
from kundpuls.text.identity_numbers import find_identity_numbers
from kundpuls.text.language_detection import detect_language
from kundpuls.text.personal_names import find_names, name_lexicon

RedactionKind = Literal["PERSONNUMMER", "TELEFON", "E-POST", "ADRESS", "NAMN"]
KINDS: tuple[RedactionKind, ...] = ("E-POST", "PERSONNUMMER", "TELEFON", "ADRESS", "NAMN")
"""All kinds, in order of precedence when spans overlap."""
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in KINDS}
_HAS_DIGIT = re.compile(r"\d").search


class Finding(NamedTuple):
    """One redacted span: its kind and ``[start, end)`` offsets in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
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
    return _find(text, language, emails=True, digits=True, names=True)


def _find(text: str, language: str, *, emails: bool, digits: bool, names: bool) -> list[Finding]:
    """Run the detectors that the flags allow (``redact_many`` sets them from its RE2 prefilters)."""
    if language == "auto":
        language = detect_language(text)
    spans: list[Finding] = []
    if emails and ("@" in text or "(at)" in text or "[at]" in text):
        spans.extend(Finding("E-POST", s, e) for s, e in find_emails(text))
    if digits and _HAS_DIGIT(text):
        for s, e, explicit in find_identity_numbers(text):
            spans.append(Finding("PERSONNUMMER", s, e) if explicit else Finding("PERSONNUMMER?", s, e))
        spans.extend(Finding("TELEFON", s, e) for s, e in find_phones(text))
        spans.extend(Finding("ADRESS", s, e) for s, e in find_addresses(text))
    if names:
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


@cache
def _prefilter_patterns() -> tuple[str, str, str]:
    """RE2 patterns that match every comment in which each group of detectors can find anything.

    E-mail: ``@``, ``(at)`` or ``[at]``. Identity numbers, phones and addresses: a decimal digit. Names:
    the prefilter of :class:`~kundpuls.text.personal_names.NameLexicon` (a listed name as a word in any
    case, or a cue followed by a capital letter). Each matches a superset of what its detectors find.
    """
    return r"@|\(at\)|\[at\]", r"\p{Nd}", name_lexicon().prefilter


def redact_many(texts: Iterable[str], *, language: str = "sv") -> list[Redacted]:
    """Redact each comment of ``texts``; the result equals ``[redact(t) for t in texts]``.

    Most comments contain no personal data. RE2 prefilters (Arrow's vectorised regex kernels, see
    :func:`_prefilter_patterns`) mark, for each group of detectors, the comments where it could find
    anything; the Python patterns run only there.
    """
    _check_language(language)
    items = texts if isinstance(texts, list) else list(texts)
    if not items:
        return []
    for i, t in enumerate(items):
        if not isinstance(t, str):
            raise InvalidArgument(
                f"texts[{i}]: expected a string, got {type(t).__name__}", field="texts", value=t
            )
    import numpy as np  # the vectorised path only: the single-comment hook stays light
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(items, type=pa.large_string())
    emails, digits, names = (
        pc.match_substring_regex(array, pattern=p).to_numpy(zero_copy_only=False)
        for p in _prefilter_patterns()
    )
    candidates = np.flatnonzero(emails | digits | names)
    result = [Redacted(text=t, found=()) for t in items]
    for i in candidates.tolist():
        text = items[i]
        found = _find(text, language, emails=bool(emails[i]), digits=bool(digits[i]), names=bool(names[i]))
        if found:
            result[i] = Redacted(text=apply_placeholders(text, found), found=tuple(found))
    return result
