"""Telling Swedish from English in a short comment.

A comment is scored by its tokens: each token that is a typical Swedish function word, or that contains
å, ä or ö, is a vote for Swedish; each typical English function word is a vote for English. The language
with more votes wins; ties (including comments with no votes) go to ``default`` (Swedish first). This is a
deliberately simple two-way classifier for service feedback, not a general language identifier.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from kundpuls.text.tokens import Language, check_language, tokenise

SWEDISH_MARKERS: frozenset[str] = frozenset(
    [
        "och",
        "att",
        "det",
        "som",
        "en",
        "ett",
        "är",
        "var",
        "inte",
        "jag",
        "du",
        "vi",
        "ni",
        "de",
        "den",
        "för",
        "med",
        "på",
        "av",
        "till",
        "från",
        "men",
        "har",
        "hade",
        "kan",
        "ska",
        "skulle",
        "mycket",
        "bra",
        "också",
        "när",
        "om",
        "eller",
        "så",
        "här",
        "där",
        "efter",
        "vid",
        "mig",
        "min",
        "mitt",
        "mina",
        "oss",
        "vår",
        "era",
        "deras",
        "sig",
        "blev",
        "blir",
        "fick",
        "får",
        "hur",
        "vad",
        "varför",
        "aldrig",
        "alltid",
        "bara",
        "än",
        "nej",
        "ja",
        "tack",
        "hej",
    ]
)
ENGLISH_MARKERS: frozenset[str] = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "not",
        "you",
        "we",
        "they",
        "it",
        "this",
        "that",
        "with",
        "for",
        "from",
        "but",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "should",
        "very",
        "good",
        "also",
        "when",
        "if",
        "or",
        "so",
        "here",
        "there",
        "after",
        "my",
        "me",
        "our",
        "their",
        "how",
        "what",
        "why",
        "never",
        "always",
        "just",
        "than",
        "no",
        "yes",
        "thanks",
        "thank",
        "hello",
        "of",
        "to",
        "at",
        "be",
        "been",
        "staff",
        "waiting",
    ]
)
_SWEDISH_LETTERS = frozenset("åäö")


def token_votes(token: str) -> tuple[int, int]:
    """Return ``(swedish_votes, english_votes)`` for one lower-case token."""
    sv = int(token in SWEDISH_MARKERS) + int(not _SWEDISH_LETTERS.isdisjoint(token))
    en = int(token in ENGLISH_MARKERS)
    return sv, en


def detect_language(text: str, *, default: Language = "sv") -> Language:
    """Return ``"sv"`` or ``"en"`` for one comment.

    Examples
    --------
    >>> detect_language("Personalen var trevlig men väntetiden var lång")
    'sv'
    >>> detect_language("The staff were friendly but the wait was long")
    'en'
    """
    check_language(default, argument="default")
    sv = en = 0
    for token in tokenise(text):
        a, b = token_votes(token)
        sv += a
        en += b
    if sv == en:
        return default
    return "sv" if sv > en else "en"


def vote_arrays(vocabulary: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the Swedish and English votes of every vocabulary entry as two int arrays (for corpora)."""
    pairs = [token_votes(t) for t in vocabulary]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(pairs, dtype=np.int64)
    return arr[:, 0], arr[:, 1]
