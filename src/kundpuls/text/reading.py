"""Reading comments: each comment's themes, its polarity and the polarity of each theme it raises.

:func:`read_comments` weighs what the taxonomy (:mod:`kundpuls.text.themes`) and the polarity lexicon
(:mod:`kundpuls.text.polarity`) say with the learned model of :mod:`kundpuls.text.learned` (fitted once per
process by :func:`comment_model` on the labelled tuning part):

- the comment's themes: the model's, for the themes it knows; a theme it does not know (one a person added)
  is raised by the taxonomy alone, and a match only a person's edit of the taxonomy makes is always kept;
- the comment's polarity: praise, complaint or neutral, by the model;
- each raised theme's polarity: the sign of the summed lexicon scores of the comment's clauses that raise
  the theme ("Trevlig personal men telefonkön var orimlig": Bemötande praise, Väntetid complaint); when those
  clauses carry no verdict, or the theme is not raised in any one clause, the comment's polarity.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kundpuls.errors import InvalidArgument
from kundpuls.text import meaning, model_cache
from kundpuls.text.corpus import build_corpus
from kundpuls.text.learned import CommentModel, fit_comment_model, labelled_comments
from kundpuls.text.polarity import POLARITIES, Polarity, comment_score, read_clauses
from kundpuls.text.taxonomy import Taxonomy, default_taxonomy
from kundpuls.text.themes import ThemeAssignment, assign_themes_to_corpus
from kundpuls.text.tokens import LANGUAGES, check_language

_CODES = {"praise": 1, "complaint": 2, "neutral": 3}


@dataclass(frozen=True, eq=False)
class CommentReading:
    """Themes and polarity of a list of comments.

    ``assignment`` holds the themes (as :func:`assign_themes`); ``polarity[i]`` is the polarity of comment
    ``i``; ``theme_polarity[i, j]`` is 1 (praise), 2 (complaint) or 3 (neutral) where comment ``i``
    raised theme ``j``, else 0; ``scores[i]`` is the comment's polarity score; ``languages[i]`` its
    language.
    """

    assignment: ThemeAssignment
    polarity: np.ndarray
    theme_polarity: np.ndarray
    scores: np.ndarray
    languages: np.ndarray

    @property
    def n_docs(self) -> int:
        """Number of comments."""
        return self.assignment.n_docs

    def themes_of(self, i: int) -> dict[str, Polarity]:
        """The themes comment ``i`` raised, each with its polarity."""
        return {
            self.assignment.keys[j]: POLARITIES[[1, 2, 3].index(int(code))]
            for j, code in enumerate(self.theme_polarity[i])
            if code
        }

    def theme_counts(self) -> dict[str, dict[str, int]]:
        """Per theme key: how many comments raised it as ``praise``, ``complaint``, ``neutral``."""
        out: dict[str, dict[str, int]] = {}
        for j, key in enumerate(self.assignment.keys):
            column = self.theme_polarity[:, j]
            out[key] = {p: int((column == _CODES[p]).sum()) for p in POLARITIES}
        return out

    def polarity_counts(self) -> dict[str, int]:
        """How many comments are praise, complaint and neutral."""
        return {p: int((self.polarity == p).sum()) for p in POLARITIES}


@dataclass(frozen=True, eq=False)
class _LexiconReading:
    """What the taxonomy and the lexicon alone say about each comment."""

    assignment: ThemeAssignment
    scores: np.ndarray
    theme_sum: np.ndarray
    theme_seen: np.ndarray
    languages: np.ndarray


def read_comments(
    texts: Sequence[str],
    taxonomy: Taxonomy | None = None,
    *,
    language: str = "auto",
    languages: Sequence[str] | None = None,
) -> CommentReading:
    """Themes and polarity of each comment of ``texts`` (see the module docstring).

    Parameters
    ----------
    language
        ``"sv"``, ``"en"`` or ``"auto"`` (detected per comment) when ``languages`` is not given.
    languages
        The language of each comment (``"sv"``/``"en"``), e.g. the language the survey was answered in.
    """
    taxonomy = taxonomy or default_taxonomy()
    items = [str(t) for t in texts]
    lexical = _read_lexicon(items, taxonomy, language=language, languages=languages)
    raised, polarity = _learned_themes(items, lexical, taxonomy)
    assignment = ThemeAssignment(
        matrix=sparse.csr_matrix(raised, dtype=bool),
        keys=lexical.assignment.keys,
        labels=lexical.assignment.labels,
    )
    # a theme's polarity: its own clauses' verdict; without one, the comment's polarity
    sign = np.sign(lexical.theme_sum)
    comment_sign = np.where(polarity == "praise", 1, np.where(polarity == "complaint", -1, 0))
    sign = np.where(sign == 0, comment_sign[:, None], sign)
    codes = np.where(sign > 0, 1, np.where(sign < 0, 2, 3)).astype(np.int8)
    theme_polarity = np.where(raised, codes, 0).astype(np.int8)
    return CommentReading(
        assignment=assignment,
        polarity=polarity,
        theme_polarity=theme_polarity,
        scores=lexical.scores,
        languages=lexical.languages,
    )


def _learned_themes(
    items: list[str], lexical: _LexiconReading, taxonomy: Taxonomy
) -> tuple[np.ndarray, np.ndarray]:
    """Themes (comments × the taxonomy's themes) and polarity by the learned model.

    The model was fitted with the shipped taxonomy; its taxonomy features are computed with the taxonomy in
    force (a theme that taxonomy lacks gives an empty column). A theme the model does not know is raised by
    the taxonomy alone, and a match that only the staff's edits to a known theme make (the shipped taxonomy
    does not raise it there) is kept whatever the model says: an edit a person made is never overruled.
    """
    model = comment_model()
    in_force = lexical.assignment.matrix.tocsc()
    keys = taxonomy.keys
    columns = [
        in_force[:, keys.index(k)] if k in keys else sparse.csc_matrix((len(items), 1), dtype=bool)
        for k in model.theme_keys
    ]
    lexicon = sparse.hstack(columns, format="csr") if columns else sparse.csr_matrix((len(items), 0))
    learned, polarity = model.predict(items, lexical.languages, lexicon, lexical.scores)
    raised = np.asarray(in_force.toarray(), dtype=bool)
    edited = None
    if taxonomy.fingerprint != default_taxonomy().fingerprint:
        shipped = _assign_by_language(items, lexical.languages, default_taxonomy()).matrix.toarray()
        edited = raised.copy()
        for j, key in enumerate(keys):
            if key in default_taxonomy().keys:
                edited[:, j] &= ~shipped[:, default_taxonomy().keys.index(key)]
    for j, key in enumerate(keys):
        if key in model.learned_keys:
            raised[:, j] = learned[:, model.theme_keys.index(key)]
            if edited is not None:
                raised[:, j] |= edited[:, j]
    return raised, polarity


_MODEL: list[CommentModel] = []
_FITTING = threading.Lock()


def comment_model() -> CommentModel:
    """The learned model (:mod:`kundpuls.text.learned`), fitted once per process with the shipped taxonomy.

    The fit takes seconds, so a web server starts it in a thread when a worker starts
    (:mod:`kundpuls.web.server`); a page that needs the model before it is ready waits for that one fit
    instead of starting another. Where a folder is set (:mod:`kundpuls.text.model_cache`), the fitted model
    is read from there, and written there after a fit, so that only the installation's first process fits.
    """
    with _FITTING:
        if not _MODEL:
            model = model_cache.load_or_fit(_fit_shipped, meaning.available())
            _MODEL.append(model if isinstance(model, CommentModel) else _fit_shipped())
    return _MODEL[0]


def _fit_shipped() -> CommentModel:
    """The model fitted on the shipped tuning part with the shipped taxonomy."""
    taxonomy = default_taxonomy()
    records = labelled_comments()
    lexical = _read_lexicon([r.text for r in records], taxonomy, languages=[r.language for r in records])
    return fit_comment_model(records, taxonomy.keys, lexical.assignment.matrix, lexical.scores)


def _read_lexicon(
    items: list[str],
    taxonomy: Taxonomy,
    *,
    language: str = "auto",
    languages: Sequence[str] | None = None,
) -> _LexiconReading:
    """The taxonomy's themes, the lexicon's scores and each theme's clause scores of ``items``."""
    n = len(items)
    if languages is not None:
        if len(languages) != n:
            raise InvalidArgument(
                f"languages: length {len(languages)} does not match {n} comments",
                field="languages",
                value=len(languages),
            )
        langs = np.asarray(
            [check_language(str(lang), argument="languages") for lang in languages], dtype=object
        )
        assignment = _assign_by_language(items, langs, taxonomy)
    else:
        if language != "auto":
            check_language(language)
        corpus = build_corpus(items, language=language)  # type: ignore[arg-type]
        langs = corpus.languages
        assignment = assign_themes_to_corpus(corpus, taxonomy)
    n_themes = len(taxonomy.themes)

    # clauses: their scores, and the themes each raises (one corpus of clauses per language)
    owners: list[int] = []
    clause_texts: list[str] = []
    clause_langs: list[str] = []
    clause_scores: list[float] = []
    scores = np.zeros(n, dtype=float)
    for i, (text, lang) in enumerate(zip(items, langs, strict=True)):
        clauses = read_clauses(text, language=lang)
        scores[i] = comment_score(clauses)
        for clause in clauses:
            owners.append(i)
            clause_texts.append(clause.text)
            clause_langs.append(lang)
            clause_scores.append(clause.score)
    theme_sum = np.zeros((n, n_themes), dtype=float)
    theme_seen = np.zeros((n, n_themes), dtype=bool)
    if clause_texts:
        clause_langs_arr = np.asarray(clause_langs, dtype=object)
        owner_arr = np.asarray(owners, dtype=np.int64)
        score_arr = np.asarray(clause_scores, dtype=float)
        for lang in LANGUAGES:
            rows = np.flatnonzero(clause_langs_arr == lang)
            if rows.size == 0:
                continue
            clause_corpus = build_corpus([clause_texts[r] for r in rows.tolist()], language=lang)
            matrix = assign_themes_to_corpus(clause_corpus, taxonomy).matrix.tocoo()
            np.add.at(theme_sum, (owner_arr[rows[matrix.row]], matrix.col), score_arr[rows[matrix.row]])
            theme_seen[owner_arr[rows[matrix.row]], matrix.col] = True
    return _LexiconReading(assignment, scores, theme_sum, theme_seen, np.asarray(langs, dtype=object))


def _assign_by_language(items: list[str], langs: np.ndarray, taxonomy: Taxonomy) -> ThemeAssignment:
    """Themes of comments whose languages are given: one corpus per language, rows put back in order."""
    n = len(items)
    rows_all: list[np.ndarray] = []
    cols_all: list[np.ndarray] = []
    keys, labels = taxonomy.keys, tuple(t.label_in("sv") for t in taxonomy.themes)
    for lang in LANGUAGES:
        rows = np.flatnonzero(langs == lang)
        if rows.size == 0:
            continue
        part = assign_themes_to_corpus(
            build_corpus([items[r] for r in rows.tolist()], language=lang), taxonomy
        )
        coo = part.matrix.tocoo()
        rows_all.append(rows[coo.row])
        cols_all.append(coo.col.astype(np.int64))
        keys, labels = part.keys, part.labels
    r = np.concatenate(rows_all) if rows_all else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols_all) if cols_all else np.zeros(0, dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(r.size, dtype=bool), (r, c)), shape=(n, len(taxonomy.themes)), dtype=bool
    )
    return ThemeAssignment(matrix=matrix, keys=keys, labels=labels)


__all__ = ["CommentReading", "read_comments"]
