"""A vectorised, tokenised corpus of comments: the shared input of themes, terms and discovery.

Tokenising a million comments one by one in Python is slow; :func:`build_corpus` instead lets Arrow
lower-case and split all comments at once (the token definition is the one of
:func:`kundpuls.text.tokens.tokenise`: maximal runs of Unicode letters), dictionary-encodes the tokens,
and stems each *distinct* token once per language. The result holds integer arrays only:

- ``token_ids[k]``: the surface token at flat position ``k`` (an index into ``vocabulary``);
- ``stem_ids[k]``: its ``(language, stem)`` pair (an index into ``stem_vocabulary``);
- ``offsets``: comment ``i`` owns positions ``offsets[i]:offsets[i + 1]``;
- ``languages``: the language of each comment (``"sv"``/``"en"``), detected or given;
- ``vocabulary_is_stop[l, v]``: whether token ``v`` is a stop word in language ``l`` (0 sv, 1 en).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

from kundpuls.errors import InvalidArgument
from kundpuls.text.language_detection import vote_arrays
from kundpuls.text.tokens import LANGUAGES, Language, check_language, stem, stop_words

LanguageChoice = Literal["sv", "en", "auto"]


@dataclass(frozen=True, eq=False)
class Corpus:
    """Tokenised comments as integer arrays (see the module docstring)."""

    vocabulary: np.ndarray
    token_ids: np.ndarray
    offsets: np.ndarray
    languages: np.ndarray
    stem_vocabulary: np.ndarray
    stem_languages: np.ndarray
    stem_ids: np.ndarray
    vocabulary_is_stop: np.ndarray

    def position_is_stop(self) -> np.ndarray:
        """Return, per flat token position, whether the token is a stop word of its comment's language."""
        is_en = (self.languages == "en")[self.doc_index()]
        return np.where(
            is_en, self.vocabulary_is_stop[1][self.token_ids], self.vocabulary_is_stop[0][self.token_ids]
        )

    @property
    def n_docs(self) -> int:
        """Number of comments."""
        return int(self.offsets.shape[0] - 1)

    @property
    def n_stems(self) -> int:
        """Number of distinct ``(language, stem)`` pairs."""
        return int(self.stem_vocabulary.shape[0])

    def doc_index(self) -> np.ndarray:
        """Return, for each flat token position, the index of the comment it belongs to."""
        return np.repeat(np.arange(self.n_docs, dtype=np.int64), np.diff(self.offsets))

    def tokens_of(self, i: int) -> list[str]:
        """Return the surface tokens of comment ``i``."""
        return [str(t) for t in self.vocabulary[self.token_ids[self.offsets[i] : self.offsets[i + 1]]]]

    def stem_matrix(self, *, drop_stop_words: bool = True, binary: bool = False) -> sparse.csr_matrix:
        """Return the comments × stems count matrix (CSR, int32), stop words dropped by default.

        With ``binary=True`` each entry is 1 if the comment uses the stem at all.
        """
        doc = self.doc_index()
        cols = self.stem_ids
        if drop_stop_words:
            keep = ~self.position_is_stop()
            doc, cols = doc[keep], cols[keep]
        data = np.ones(doc.shape[0], dtype=np.int32)
        matrix = sparse.csr_matrix((data, (doc, cols)), shape=(self.n_docs, self.n_stems), dtype=np.int32)
        matrix.sum_duplicates()
        if binary:
            matrix.data[:] = 1
        return matrix

    def stem_display(self) -> np.ndarray:
        """Return, for each stem, its most frequent surface token (a readable label for output)."""
        n_pairs = self.token_ids.shape[0]
        if n_pairs == 0:
            return self.stem_vocabulary.copy()
        key = self.stem_ids.astype(np.int64) * len(self.vocabulary) + self.token_ids
        key = np.concatenate([key, key[~self.position_is_stop()]])  # content uses count twice
        uniq, counts = np.unique(key, return_counts=True)
        stem_of = uniq // len(self.vocabulary)
        token_of = uniq % len(self.vocabulary)
        order = np.lexsort((-counts, stem_of))
        first = np.ones(order.shape[0], dtype=bool)
        first[1:] = stem_of[order][1:] != stem_of[order][:-1]
        display = self.stem_vocabulary.copy()
        display[stem_of[order][first]] = self.vocabulary[token_of[order][first]]
        return display


def _as_arrow(texts: Sequence[str] | pa.Array | pa.ChunkedArray) -> pa.Array:
    """Return the texts as an NFC-normalised Arrow large-string array (missing values as "")."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if isinstance(texts, pa.Array):
        if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
            raise InvalidArgument(f"texts: expected strings, got Arrow type {texts.type}", field="texts")
        return pc.utf8_normalize(pc.fill_null(texts.cast(pa.large_string()), ""), form="NFC")
    items = texts if isinstance(texts, list) else list(texts)
    # normalise in Python only the few strings that need it (Arrow's kernel would rewrite every string)
    fixed = None
    for i, t in enumerate(items):
        if isinstance(t, str) and not t.isascii() and not unicodedata.is_normalized("NFC", t):
            if fixed is None:
                fixed = list(items)
            fixed[i] = unicodedata.normalize("NFC", t)
    return pc.fill_null(pa.array(fixed if fixed is not None else items, type=pa.large_string()), "")


def build_corpus(
    texts: Sequence[str] | pa.Array | pa.ChunkedArray,
    *,
    language: LanguageChoice = "auto",
    default_language: Language = "sv",
) -> Corpus:
    """Tokenise, language-tag and stem ``texts`` in one vectorised pass.

    Parameters
    ----------
    texts
        The comments (a sequence of ``str`` or an Arrow string array; missing values count as empty).
    language
        ``"sv"`` or ``"en"`` to treat every comment as that language, or ``"auto"`` to detect it per
        comment with the votes of :mod:`kundpuls.text.language`.
    default_language
        The language of comments without any language votes (``language="auto"`` only).
    """
    if language != "auto":
        check_language(language)
    check_language(default_language, argument="default_language")
    arr = _as_arrow(texts)
    n_docs = len(arr)
    lowered = pc.utf8_lower(arr)
    split = pc.split_pattern_regex(lowered, pattern=r"[^\p{L}]+")
    lengths = pc.list_value_length(split).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(split)
    non_empty = pc.not_equal(pc.utf8_length(flat), 0).to_numpy(zero_copy_only=False)
    doc_of_token = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)[non_empty]
    flat = flat.filter(pa.array(non_empty))
    encoded = pc.dictionary_encode(flat)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    token_ids = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    vocabulary = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    counts = np.bincount(doc_of_token, minlength=n_docs)
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])

    if language == "auto":
        sv_votes, en_votes = vote_arrays(vocabulary.tolist())
        sv = (
            np.bincount(doc_of_token, weights=sv_votes[token_ids], minlength=n_docs)
            if len(token_ids)
            else (np.zeros(n_docs))
        )
        en = (
            np.bincount(doc_of_token, weights=en_votes[token_ids], minlength=n_docs)
            if len(token_ids)
            else (np.zeros(n_docs))
        )
        is_en = np.where(sv == en, default_language == "en", en > sv)
    else:
        is_en = np.full(n_docs, language == "en")
    languages = np.where(is_en, "en", "sv").astype(object)

    # stem each distinct (language, token) pair once
    token_is_en = is_en[doc_of_token]
    stem_keys: list[tuple[str, str]] = []
    key_index: dict[tuple[str, str], int] = {}
    lookup = {}
    for code, lang in enumerate(LANGUAGES):
        used = np.zeros(len(vocabulary), dtype=bool)
        used[token_ids[token_is_en == (lang == "en")]] = True
        table = np.full(len(vocabulary), -1, dtype=np.int64)
        for v in np.flatnonzero(used):
            key = (lang, stem(str(vocabulary[v]), language=lang))
            idx = key_index.get(key)
            if idx is None:
                idx = key_index[key] = len(stem_keys)
                stem_keys.append(key)
            table[v] = idx
        lookup[code] = table
    stem_ids = np.where(token_is_en, lookup[1][token_ids], lookup[0][token_ids]).astype(np.int32)
    stem_vocabulary = np.asarray([s for _, s in stem_keys], dtype=object)
    stem_languages = np.asarray([lang for lang, _ in stem_keys], dtype=object)
    vocabulary_is_stop = np.asarray(
        [[str(v) in stop_words(lang) for v in vocabulary] for lang in LANGUAGES], dtype=bool
    ).reshape(len(LANGUAGES), len(vocabulary))
    return Corpus(
        vocabulary=vocabulary,
        token_ids=token_ids,
        offsets=offsets,
        languages=languages,
        stem_vocabulary=stem_vocabulary,
        stem_languages=stem_languages,
        stem_ids=stem_ids,
        vocabulary_is_stop=vocabulary_is_stop,
    )
