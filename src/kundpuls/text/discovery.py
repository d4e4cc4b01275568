r"""Discovering themes the taxonomy misses: NMF over TF-IDF of the comments no theme caught.

The comments are represented by their content stems (stop words dropped) weighted by TF-IDF
(:math:`\mathrm{tf}\cdot(\ln\frac{1+N}{1+\mathrm{df}}+1)`, rows L2-normalised; scikit-learn's
``TfidfTransformer``), and factorised as :math:`X \approx WH` with non-negative matrix factorisation
(Lee & Seung 1999, *Nature* 401, 788–791; scikit-learn's coordinate-descent solver with NNDSVDa
initialisation, Boutsidis & Gallopoulos 2008). Each row of :math:`H` is a candidate theme: its largest
weights give the top terms, and the comments with the largest :math:`W` weight are its examples.

A person reviews each :class:`ThemeProposal` and, if it is a real theme, merges it into the taxonomy with
:func:`accept_proposal`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer

from kundpuls.errors import ConvergenceWarning, InsufficientData, InvalidArgument
from kundpuls.text.corpus import Corpus, LanguageChoice, build_corpus
from kundpuls.text.taxonomy import Taxonomy, merge_theme_terms
from kundpuls.text.themes import assign_themes_to_corpus
from kundpuls.text.tokens import Language


@dataclass(frozen=True)
class ThemeProposal:
    """A candidate theme found by NMF, for a person to accept, rename or reject."""

    key: str
    top_terms: tuple[str, ...]
    stems: tuple[str, ...]
    weights: tuple[float, ...]
    examples: tuple[str, ...]
    n: int
    language: Language

    def label(self) -> str:
        """A provisional label from the top three terms."""
        return ", ".join(self.top_terms[:3])


def discover_themes(
    texts: Sequence[str] | Corpus,
    *,
    taxonomy: Taxonomy | None = None,
    n_themes: int = 8,
    top_terms: int = 10,
    n_examples: int = 3,
    min_df: int = 5,
    max_df: float = 0.5,
    only_unassigned: bool = True,
    max_comments: int = 50_000,
    seed: int = 0,
    language: LanguageChoice = "auto",
    originals: Sequence[str] | None = None,
) -> list[ThemeProposal]:
    """Propose up to ``n_themes`` new themes from the comments that ``taxonomy`` leaves unassigned.

    Parameters
    ----------
    texts
        Comments (or a prepared :class:`Corpus`).
    taxonomy
        The current taxonomy (default taxonomy if None); with ``only_unassigned`` only comments that raised
        no theme are analysed.
    n_themes, top_terms, n_examples
        Number of proposals, terms per proposal and example comments per proposal.
    min_df, max_df
        Keep stems used in at least ``min_df`` comments and in at most the share ``max_df`` of them.
    max_comments
        A seeded random sample of at most this many comments is factorised (NMF cost grows with it).
    seed
        Seed for the sample and the NMF initialisation.
    originals
        The comment texts when ``texts`` is a prepared corpus, so that examples are shown as written
        (otherwise they are rebuilt from the corpus tokens).

    Raises
    ------
    InsufficientData
        If fewer comments or terms remain than proposals asked for.
    """
    if n_themes < 1 or top_terms < 1 or n_examples < 0:
        raise InvalidArgument(
            f"n_themes, top_terms, n_examples: got {n_themes}, {top_terms}, {n_examples}", field="n_themes"
        )
    raw = list(originals) if originals is not None else None if isinstance(texts, Corpus) else list(texts)
    corpus = texts if isinstance(texts, Corpus) else build_corpus(raw or [], language=language)
    if raw is not None and len(raw) != corpus.n_docs:
        raise InvalidArgument(
            f"originals: {len(raw)} texts for a corpus of {corpus.n_docs} comments", field="originals"
        )
    rows = np.arange(corpus.n_docs)
    if only_unassigned:
        rows = np.flatnonzero(assign_themes_to_corpus(corpus, taxonomy).unassigned())
    rng = np.random.default_rng(seed)
    if rows.size > max_comments:
        rows = np.sort(rng.choice(rows, size=max_comments, replace=False))
    counts = corpus.stem_matrix()[rows]
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= min_df) & (df <= max(max_df * rows.size, min_df)))
    counts = counts[:, keep]
    nonempty = np.flatnonzero(np.diff(counts.indptr) > 0)
    if nonempty.size < n_themes or keep.size < n_themes:
        raise InsufficientData(
            f"texts: {nonempty.size} comments and {keep.size} terms remain after filtering; "
            f"n_themes={n_themes} needs at least as many of each"
        )
    counts, rows = counts[nonempty], rows[nonempty]
    tfidf = TfidfTransformer().fit_transform(counts)
    model = NMF(n_components=n_themes, init="nndsvda", random_state=seed, max_iter=400)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SklearnConvergenceWarning)
        w = model.fit_transform(tfidf)
    if any(issubclass(c.category, SklearnConvergenceWarning) for c in caught):
        warnings.warn(
            "discover_themes: NMF reached max_iter=400 before converging", ConvergenceWarning, stacklevel=2
        )
    h = model.components_
    display = corpus.stem_display()
    dominant = w.argmax(axis=1)
    proposals = []
    for k in range(n_themes):
        order = np.argsort(-h[k])[:top_terms]
        order = order[h[k, order] > 0]
        if order.size == 0:
            continue
        stem_ids = keep[order]
        langs = corpus.stem_languages[stem_ids]
        language_of = "en" if (langs == "en").sum() > (langs == "sv").sum() else "sv"
        best = np.argsort(-w[:, k])[:n_examples]
        examples = tuple(_text_of(corpus, raw, int(rows[i])) for i in best if w[i, k] > 0)
        proposals.append(
            ThemeProposal(
                key=f"ny_{k + 1}",
                top_terms=tuple(str(display[s]) for s in stem_ids),
                stems=tuple(str(corpus.stem_vocabulary[s]) for s in stem_ids),
                weights=tuple(float(x) for x in h[k, order]),
                examples=examples,
                n=int((dominant == k).sum()),
                language=language_of,  # type: ignore[arg-type]
            )
        )
    proposals.sort(key=lambda p: -p.n)
    return proposals


def _text_of(corpus: Corpus, raw: list[str] | None, i: int) -> str:
    return raw[i] if raw is not None else " ".join(corpus.tokens_of(i))


def accept_proposal(
    taxonomy: Taxonomy,
    proposal: ThemeProposal,
    *,
    key: str,
    label: str | dict[str, str] | None = None,
    words: Sequence[str] | None = None,
) -> Taxonomy:
    """Merge an accepted proposal into ``taxonomy`` and return the new taxonomy.

    The proposal's top terms (or the ``words`` the reviewer kept) are added as words of theme ``key`` in
    the proposal's language. An existing theme is extended; a new one needs a ``label``. The result is
    validated like an edited taxonomy file.
    """
    return merge_theme_terms(
        taxonomy,
        key,
        language=proposal.language,
        words=proposal.top_terms if words is None else words,
        label=label,
    )
