"""Normalising, tokenising, stemming and stop words for Swedish and English comments.

A *token* is a maximal run of Unicode letters (general category ``L*``) in the lower-cased, NFC-normalised
text; digits, punctuation and symbols separate tokens. The same definition is used by the vectorised
corpus in :mod:`kundpuls.text.corpus`, so a comment analysed alone and inside a corpus gives the same
tokens.

Stemming uses the Snowball algorithms (Porter 2001, "Snowball: A language for stemming algorithms") for
Swedish and English through the ``snowballstemmer`` package. Stop words come from the ``stop-words``
package, minus words that carry the verdict in service feedback (``inte``, ``bra``, ``långsam`` …, see
``data/stopwords_keep.txt``) plus domain additions (``data/stopwords_domain_*.txt``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any, Literal

import stop_words as stop_words_package

from kundpuls.errors import InvalidArgument

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")

_SNOWBALL_NAMES = {"sv": "swedish", "en": "english"}
_STOP_WORD_NAMES = {"sv": "swedish", "en": "english"}
_WORD_RUN = re.compile(r"[^\W\d_]+")
_SPACE = re.compile(r"\s+")


def check_language(language: str, *, argument: str = "language") -> Language:
    """Return ``language`` if it is ``"sv"`` or ``"en"``, else raise :class:`InvalidArgument`."""
    if language not in LANGUAGES:
        raise InvalidArgument(
            f"{argument}: {language!r} is not a supported language (sv, en)", field=argument, value=language
        )
    return language


def normalise(text: str) -> str:
    """Return ``text`` NFC-normalised, lower-cased, with runs of white space collapsed to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def tokenise(text: str) -> list[str]:
    """Split ``text`` into lower-case letter tokens.

    Examples
    --------
    >>> tokenise("Väntetiden var 45 min – alldeles för lång!")
    ['väntetiden', 'var', 'min', 'alldeles', 'för', 'lång']
    """
    tokens: list[str] = []
    for run in _WORD_RUN.findall(unicodedata.normalize("NFC", text).lower()):
        if run.isalpha():
            tokens.append(run)
        else:  # a run with a non-decimal numeric character such as "²": split it off like the corpus does
            tokens.extend(_split_non_alpha(run).split())
    return tokens


def _split_non_alpha(run: str) -> str:
    return "".join(ch if ch.isalpha() else " " for ch in run)


@cache
def _stemmer(language: Language) -> Any:
    import snowballstemmer  # imported on first use: it loads every language's algorithm (~0.5 s)

    return snowballstemmer.stemmer(_SNOWBALL_NAMES[language])


@cache
def _stem_cached(word: str, language: Language) -> str:
    return str(_stemmer(language).stemWord(word))


def stem(word: str, *, language: Language = "sv") -> str:
    """Return the Snowball stem of one lower-case ``word`` (e.g. ``"väntetiden"`` → ``"väntetid"``)."""
    check_language(language)
    return _stem_cached(word, language)


def stems(tokens: list[str], *, language: Language = "sv") -> list[str]:
    """Return the Snowball stems of ``tokens`` (results are cached per word)."""
    check_language(language)
    return [_stem_cached(token, language) for token in tokens]


def _data_lines(name: str) -> list[str]:
    text = resources.files("kundpuls.text").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stop_words(language: Language = "sv") -> frozenset[str]:
    """Return the stop words used for ``language``.

    The ``stop-words`` package's list, minus the words in ``data/stopwords_keep.txt`` (negations and
    verdict words such as ``inte``, ``bra``, ``sämre``, ``långsam``), plus
    ``data/stopwords_domain_<lang>.txt``.
    """
    check_language(language)
    base = {normalise(w) for w in stop_words_package.get_stop_words(_STOP_WORD_NAMES[language])}
    keep = set(_data_lines("stopwords_keep.txt"))
    domain = set(_data_lines(f"stopwords_domain_{language}.txt"))
    return frozenset((base - keep) | domain)
