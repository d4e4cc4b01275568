"""Assigning themes to comments and the theme × score table.

Each comment gets every theme of the taxonomy with at least one match among its tokens (see
:mod:`kundpuls.text.taxonomy` for words, phrases and parts). Matching runs on a :class:`Corpus`, so a
million comments are matched with array operations: a stem → theme table for words, rolling n-gram keys
for phrases, and a vocabulary scan for compound parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy import stats as sps

from kundpuls.errors import InvalidArgument
from kundpuls.text.compounds import CompoundSplitter
from kundpuls.text.corpus import Corpus, LanguageChoice, build_corpus
from kundpuls.text.taxonomy import Taxonomy, ThemeTerms, default_taxonomy
from kundpuls.text.tokens import LANGUAGES, stems, stop_words, tokenise

DEFAULT_MIN_N = 7
"""Cells of the theme × score table with fewer comments than this show no mean (anonymity threshold)."""


@dataclass(frozen=True, eq=False)
class ThemeAssignment:
    """Which comments raised which themes: ``matrix[i, j]`` is True if comment ``i`` raised theme ``j``."""

    matrix: sparse.csr_matrix
    keys: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def n_docs(self) -> int:
        """Number of comments."""
        return int(self.matrix.shape[0])

    def themes_of(self, i: int) -> list[str]:
        """Return the theme keys of comment ``i``."""
        row = self.matrix.indices[self.matrix.indptr[i] : self.matrix.indptr[i + 1]]
        return [self.keys[j] for j in sorted(row)]

    def to_lists(self) -> list[list[str]]:
        """Return the theme keys of every comment."""
        return [self.themes_of(i) for i in range(self.n_docs)]

    def counts(self) -> np.ndarray:
        """Number of comments that raised each theme."""
        return np.asarray(self.matrix.sum(axis=0)).ravel().astype(np.int64)

    def unassigned(self) -> np.ndarray:
        """Boolean mask of comments that raised no theme."""
        return np.diff(self.matrix.indptr) == 0

    def summary(self) -> pd.DataFrame:
        """One row per theme: ``theme``, ``label``, ``n`` (comments raising it), ``share`` of all comments."""
        n = self.counts()
        total = max(self.n_docs, 1)
        return pd.DataFrame({"theme": self.keys, "label": self.labels, "n": n, "share": n / total})


def group_codes(groups: Sequence[object] | np.ndarray | None, n: int) -> tuple[np.ndarray, list[object]]:
    """Return integer codes and sorted names of ``groups`` (one group ``"(alla)"`` if None).

    A missing group value (None, NaN) is a group of its own, named None.
    """
    if groups is None:
        return np.zeros(n, dtype=np.int64), ["(alla)"]
    values = np.asarray(groups, dtype=object)
    if values.shape[0] != n:
        raise InvalidArgument(
            f"groups: length {values.shape[0]} does not match {n} comments",
            field="groups",
            value=values.shape[0],
        )
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True, use_na_sentinel=False)
    names = [None if (isinstance(u, float) and np.isnan(u)) or u is None else u for u in uniques]
    return np.asarray(codes, dtype=np.int64), names


def _ngram_keys(ids: np.ndarray, doc: np.ndarray, length: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (key, start position) of every within-comment n-gram of ``length`` whose ids are all non-zero.

    ``ids`` are phrase-stem ids (0 for a stem in no phrase), so only a few positions can start a phrase.
    """
    n = ids.shape[0]
    starts = np.flatnonzero(ids[: max(n - length + 1, 0)] != 0)
    key = ids[starts].astype(np.int64)
    for k in range(1, length):
        nxt = starts + k
        ok = (ids[nxt] != 0) & (doc[nxt] == doc[starts])
        starts, key, nxt = starts[ok], key[ok], nxt[ok]
        key = key * base + ids[nxt]
    return key, starts


SHORT_STEM = 4
"""A taxonomy word whose Snowball stem has at most this many letters also needs its first ``len(stem) + 1``
letters in the token: Snowball over-stems short words ("billig" → "bil", the stem of "bil", car)."""


def _prefix_filter(
    corpus: Corpus, positions: np.ndarray, word_rules: dict[tuple[str, str], list[tuple[int, str]]]
) -> np.ndarray:
    """Drop positions whose stem has only prefix-restricted rules and whose token has none of the prefixes.

    (A stem with rules for several themes is kept if any rule accepts the token; themes sharing one stem
    are rare enough that this coarse rule is used.)
    """
    restricted: dict[int, tuple[str, ...]] = {}
    for k, (lang, s) in enumerate(zip(corpus.stem_languages, corpus.stem_vocabulary, strict=True)):
        rules = word_rules.get((str(lang), str(s)))
        if rules and all(prefix for _, prefix in rules):
            restricted[k] = tuple(prefix for _, prefix in rules)
    if not restricted or positions.size == 0:
        return positions
    stem_of = corpus.stem_ids[positions]
    check = np.isin(stem_of, np.fromiter(restricted, dtype=np.int64))
    if not check.any():
        return positions
    width = np.int64(len(corpus.vocabulary))
    keys = stem_of[check].astype(np.int64) * width + corpus.token_ids[positions[check]]
    pairs, inverse = np.unique(keys, return_inverse=True)
    allowed = np.asarray(
        [
            str(corpus.vocabulary[key % width]).startswith(restricted[int(key // width)])
            for key in pairs.tolist()
        ],
        dtype=bool,
    )
    keep = np.ones(positions.size, dtype=bool)
    keep[np.flatnonzero(check)] = allowed[inverse.ravel()]
    return positions[keep]


def _word_matches(
    corpus: Corpus,
    word_rules: dict[tuple[str, str], list[tuple[int, str]]],
    listed_words: set[tuple[str, str]],
    n_themes: int,
    covered: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(comment, theme) pairs raised by a token whose stem is a taxonomy word's stem (outside phrases)."""
    empty = np.zeros(0, dtype=np.int64)
    doc = corpus.doc_index()
    pair_rows, pair_cols = [], []
    for k, (lang, s) in enumerate(zip(corpus.stem_languages, corpus.stem_vocabulary, strict=True)):
        for j, _ in word_rules.get((str(lang), str(s)), ()):
            pair_rows.append(k)
            pair_cols.append(j)
    if not pair_rows:
        return empty, empty
    stem_theme = sparse.csr_matrix(
        (np.ones(len(pair_rows), dtype=np.int32), (pair_rows, pair_cols)), shape=(corpus.n_stems, n_themes)
    )
    hit = np.zeros(corpus.n_stems, dtype=bool)
    hit[pair_rows] = True
    # a stop word counts only if the taxonomy lists that very word ("för" is not "föraren")
    listed = np.zeros((len(LANGUAGES), len(corpus.vocabulary)), dtype=bool)
    vocab_index = {str(v): i for i, v in enumerate(corpus.vocabulary)}
    for lang, word in listed_words:
        if word in vocab_index:
            listed[0 if lang == "sv" else 1, vocab_index[word]] = True
    is_en = (corpus.languages == "en")[doc]
    listed_here = np.where(is_en, listed[1][corpus.token_ids], listed[0][corpus.token_ids])
    positions = np.flatnonzero(hit[corpus.stem_ids] & (listed_here | ~corpus.position_is_stop()) & ~covered)
    positions = _prefix_filter(corpus, positions, word_rules)
    if not positions.size:
        return empty, empty
    doc_stem = sparse.csr_matrix(
        (np.ones(positions.size, dtype=np.int32), (doc[positions], corpus.stem_ids[positions])),
        shape=(corpus.n_docs, corpus.n_stems),
    )
    coo = (doc_stem @ stem_theme).tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64)


def _compound_matches(
    corpus: Corpus,
    taxonomy: Taxonomy,
    word_rules: dict[tuple[str, str], list[tuple[int, str]]],
    listed_words: set[tuple[str, str]],
    covered: np.ndarray,
    listed_stems: set[tuple[str, str]],
) -> tuple[np.ndarray, np.ndarray]:
    """(comment, theme) pairs raised by a part of a Swedish compound token (see :mod:`.compounds`).

    Each distinct token of the Swedish comments is split once; a part raises a theme when its stem is a
    taxonomy word's stem (with the short-stem prefix rule) and the part is no stop word unless listed. A
    token that is itself a taxonomy word ("handikapptoalett") is matched whole and not by its parts.
    """
    splitter = theme_splitter(taxonomy)
    stop = stop_words("sv")
    doc = corpus.doc_index()
    sv_positions = np.flatnonzero((corpus.languages != "en")[doc] & ~covered)
    if sv_positions.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    token_rows: list[int] = []
    token_cols: list[int] = []
    for v in np.unique(corpus.token_ids[sv_positions]).tolist():
        token = str(corpus.vocabulary[v])
        parts = splitter.split(token)
        if len(parts) < 2 or ("sv", stems([token], language="sv")[0]) in listed_stems:
            continue
        for part in parts:
            if part in stop and ("sv", part) not in listed_words:
                continue
            part_stem = stems([part], language="sv")[0]
            for j, prefix in word_rules.get(("sv", part_stem), ()):
                if part.startswith(prefix):
                    token_rows.append(v)
                    token_cols.append(j)
    if not token_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    token_theme = sparse.csr_matrix(
        (np.ones(len(token_rows), dtype=np.int32), (token_rows, token_cols)),
        shape=(len(corpus.vocabulary), len(taxonomy.themes)),
    )
    doc_token = sparse.csr_matrix(
        (np.ones(sv_positions.size, dtype=np.int32), (doc[sv_positions], corpus.token_ids[sv_positions])),
        shape=(corpus.n_docs, len(corpus.vocabulary)),
    )
    coo = (doc_token @ token_theme).tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64)


_SPLITTERS: dict[str, CompoundSplitter] = {}


def theme_splitter(taxonomy: Taxonomy) -> CompoundSplitter:
    """The compound splitter for ``taxonomy``: the shipped lexicon plus its Swedish words (cached)."""
    splitter = _SPLITTERS.get(taxonomy.fingerprint)
    if splitter is None:
        words = {
            token
            for theme in taxonomy.themes
            for token in (
                tok
                for term in (
                    *theme.terms.get("sv", ThemeTerms()).words,
                    *theme.terms.get("sv", ThemeTerms()).parts,
                )
                for tok in tokenise(term)
            )
        }
        if len(_SPLITTERS) > 32:
            _SPLITTERS.clear()
        splitter = _SPLITTERS[taxonomy.fingerprint] = CompoundSplitter(words)
    return splitter


def assign_themes_to_corpus(corpus: Corpus, taxonomy: Taxonomy | None = None) -> ThemeAssignment:
    """Match a :class:`Corpus` against ``taxonomy`` (the default taxonomy if None)."""
    taxonomy = taxonomy or default_taxonomy()
    n_themes = len(taxonomy.themes)
    stem_index = {
        (str(lang), str(s)): i
        for i, (lang, s) in enumerate(zip(corpus.stem_languages, corpus.stem_vocabulary, strict=True))
    }
    doc = corpus.doc_index()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []

    # words: (language, surface token) -> themes, via the stem; short stems also need the word's prefix.
    # Weak words count only in a comment where no other term (word, phrase, part) raised any theme.
    word_rules: dict[tuple[str, str], list[tuple[int, str]]] = {}
    weak_rules: dict[tuple[str, str], list[tuple[int, str]]] = {}
    listed_words: set[tuple[str, str]] = set()
    phrase_specs: list[tuple[int, tuple[int, ...]]] = []
    part_patterns: dict[tuple[str, int], list[str]] = {}
    for j, theme in enumerate(taxonomy.themes):
        for lang, terms in theme.terms.items():
            for rules, listed_terms in ((word_rules, terms.words), (weak_rules, terms.weak)):
                for word in listed_terms:
                    for token in tokenise(word):
                        listed_words.add((lang, token))
                        s = stems([token], language=lang)[0]  # type: ignore[arg-type]
                        prefix = token[: len(s) + 1] if len(s) <= SHORT_STEM else ""
                        rules.setdefault((lang, s), []).append((j, prefix))
            for phrase in terms.phrases:
                ids = tuple(stem_index.get((lang, s), -1) for s in stems(tokenise(phrase), language=lang))  # type: ignore[arg-type]
                if ids and min(ids) >= 0:
                    phrase_specs.append((j, ids))
            if terms.parts:
                part_patterns.setdefault((lang, j), []).extend(terms.parts)
    # phrases first: map phrase stems to small ids, then compare rolling n-gram keys. The words of a
    # matched phrase count for the phrase only ("waiting room" is premises, not waiting time).
    covered = np.zeros(corpus.token_ids.shape[0], dtype=bool)
    if phrase_specs:
        phrase_stems = sorted({s for _, ids in phrase_specs for s in ids})
        local = np.zeros(corpus.n_stems, dtype=np.int64)
        local[phrase_stems] = np.arange(1, len(phrase_stems) + 1)
        base = len(phrase_stems) + 1
        mapped = local[corpus.stem_ids]
        for length in sorted({len(ids) for _, ids in phrase_specs}):
            wanted: dict[int, list[int]] = {}
            for j, ids in phrase_specs:
                if len(ids) == length:
                    key = 0
                    for stem_id in ids:
                        key = key * base + int(local[stem_id])
                    wanted.setdefault(key, []).append(j)
            keys, positions = _ngram_keys(mapped, doc, length, base)
            wanted_keys = np.asarray(sorted(wanted), dtype=np.int64)
            slot = np.minimum(np.searchsorted(wanted_keys, keys), wanted_keys.size - 1)
            hit = wanted_keys[slot] == keys
            for k in range(length):
                covered[positions[hit] + k] = True
            hit_docs, hit_slots = doc[positions[hit]], slot[hit]
            order = np.argsort(hit_slots, kind="stable")
            hit_docs, hit_slots = hit_docs[order], hit_slots[order]
            bounds = np.searchsorted(hit_slots, np.arange(wanted_keys.size + 1))
            for w, key in enumerate(wanted_keys.tolist()):
                docs = hit_docs[bounds[w] : bounds[w + 1]]
                for j in wanted[key]:
                    rows.append(docs)
                    cols.append(np.full(docs.size, j, dtype=np.int64))

    weak_rows: list[np.ndarray] = []
    weak_cols: list[np.ndarray] = []
    listed_stems = set(word_rules) | set(weak_rules)  # a listed word is matched whole, not by its parts
    for rules, out_rows, out_cols in ((word_rules, rows, cols), (weak_rules, weak_rows, weak_cols)):
        if not rules:
            continue
        r, c = _word_matches(corpus, rules, listed_words, n_themes, covered)
        # compounds: a Swedish token whose parts are taxonomy words ("telefonkön" → telefon + kö)
        cr, cc = _compound_matches(corpus, taxonomy, rules, listed_words, covered, listed_stems)
        out_rows.extend((r, cr))
        out_cols.extend((c, cc))

    # parts: substring scan of the vocabulary, per language of the comment
    if part_patterns:
        token_lang_en = corpus.languages[doc] == "en"
        joined = "\n".join(str(v) for v in corpus.vocabulary)
        starts = np.zeros(len(corpus.vocabulary) + 1, dtype=np.int64)
        np.cumsum([len(str(v)) + 1 for v in corpus.vocabulary], out=starts[1:])
        for (lang, j), parts in part_patterns.items():
            pattern = re.compile("|".join(re.escape(p) for p in sorted(set(parts), key=len, reverse=True)))
            vocab_hit = np.zeros(len(corpus.vocabulary), dtype=bool)
            for m in pattern.finditer(joined):
                vocab_hit[np.searchsorted(starts, m.start(), side="right") - 1] = True
            lang_mask = token_lang_en if lang == "en" else ~token_lang_en
            positions = np.flatnonzero(vocab_hit[corpus.token_ids] & lang_mask)
            if positions.size:
                docs = np.unique(doc[positions])
                rows.append(docs)
                cols.append(np.full(docs.size, j, dtype=np.int64))

    if rows:
        r = np.concatenate(rows)
        c = np.concatenate(cols)
    else:
        r = c = np.zeros(0, dtype=np.int64)
    if weak_rows:
        wr, wc = np.concatenate(weak_rows), np.concatenate(weak_cols)
        has_strong = np.zeros(corpus.n_docs, dtype=bool)
        has_strong[r] = True
        keep = ~has_strong[wr]
        r, c = np.concatenate([r, wr[keep]]), np.concatenate([c, wc[keep]])
    matrix = sparse.csr_matrix(
        (np.ones(r.size, dtype=bool), (r, c)), shape=(corpus.n_docs, n_themes), dtype=bool
    )
    matrix.sum_duplicates()
    matrix.data[:] = True
    return ThemeAssignment(
        matrix=matrix,
        keys=taxonomy.keys,
        labels=tuple(t.label_in("sv") for t in taxonomy.themes),
    )


def assign_themes(
    texts: Sequence[str], taxonomy: Taxonomy | None = None, *, language: LanguageChoice = "auto"
) -> ThemeAssignment:
    """Give each comment zero or more themes from ``taxonomy`` (the default taxonomy if None).

    Examples
    --------
    >>> a = assign_themes(["Otrevlig personal och lång väntetid", "Bra!"])
    >>> a.to_lists()
    [['bemotande', 'vantetid'], []]
    """
    return assign_themes_to_corpus(build_corpus(texts, language=language), taxonomy)


def theme_score_table(
    assignment: ThemeAssignment,
    scores: Sequence[float] | np.ndarray,
    *,
    groups: Sequence[object] | np.ndarray | None = None,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    r"""Share of comments raising each theme and the mean score of those who raised it.

    For each (group, theme): ``n`` comments raised the theme, ``share = n / n_comments`` of the group's
    comments, and ``estimate`` is the mean score of those ``n`` respondents with a Student-t interval

    .. math:: \bar x \pm t_{1-\alpha/2,\,n-1}\, s/\sqrt{n}.

    ``mean_others`` is the mean score of the group's comments that did not raise the theme. Cells with
    ``n < min_n`` (default 7, the anonymity threshold) are ``suppressed``: no mean or interval is shown.
    Missing scores (NaN) are left out of the means but count in ``share``.
    """
    score_arr = np.asarray(scores, dtype=float)
    if score_arr.shape[0] != assignment.n_docs:
        raise InvalidArgument(
            f"scores: length {score_arr.shape[0]} does not match {assignment.n_docs} comments",
            field="scores",
            value=score_arr.shape[0],
        )
    if not 0 < confidence < 1:
        raise InvalidArgument(
            f"confidence: {confidence} must lie in (0, 1)", field="confidence", value=confidence
        )
    group_arr, group_names = group_codes(groups, assignment.n_docs)
    n_groups = len(group_names)
    m = assignment.matrix.tocsc().astype(np.float64)
    valid = ~np.isnan(score_arr)
    x = np.where(valid, score_arr, 0.0)
    g_onehot = sparse.csr_matrix(
        (np.ones(assignment.n_docs), (group_arr, np.arange(assignment.n_docs))),
        shape=(n_groups, assignment.n_docs),
    )
    n_comments = np.asarray(g_onehot.sum(axis=1)).ravel()
    n_theme = np.asarray((g_onehot @ m).todense())
    nv = np.asarray((g_onehot.multiply(valid) @ m).todense())
    sx = np.asarray((g_onehot.multiply(x) @ m).todense())
    sxx = np.asarray((g_onehot.multiply(x * x) @ m).todense())
    nv_all = np.asarray(g_onehot @ valid.astype(float)).ravel()
    sx_all = np.asarray(g_onehot @ x).ravel()
    records = []
    for gi, name in enumerate(group_names):
        for j, key in enumerate(assignment.keys):
            n = int(n_theme[gi, j])
            k = int(nv[gi, j])
            mean = sx[gi, j] / k if k else np.nan
            var = (sxx[gi, j] - k * mean * mean) / (k - 1) if k > 1 else np.nan
            half = sps.t.ppf(0.5 + confidence / 2, k - 1) * np.sqrt(max(var, 0.0) / k) if k > 1 else np.nan
            others_n = nv_all[gi] - k
            others = (sx_all[gi] - sx[gi, j]) / others_n if others_n > 0 else np.nan
            suppressed = k < min_n
            records.append(
                {
                    "group": name,
                    "theme": key,
                    "label": assignment.labels[j],
                    "n": n,
                    "n_comments": int(n_comments[gi]),
                    "share": n / n_comments[gi] if n_comments[gi] else np.nan,
                    "estimate": np.nan if suppressed else mean,
                    "ci_low": np.nan if suppressed else mean - half,
                    "ci_high": np.nan if suppressed else mean + half,
                    "mean_others": np.nan if suppressed else others,
                    "method": "t",
                    "suppressed": suppressed,
                }
            )
    return pd.DataFrame.from_records(records)


__all__ = [
    "DEFAULT_MIN_N",
    "LANGUAGES",
    "ThemeAssignment",
    "assign_themes",
    "assign_themes_to_corpus",
    "theme_score_table",
]
