"""Reading comments: each comment's themes, its polarity and the polarity of each theme it raises.

:func:`read_comments` gives the themes exactly as :func:`~kundpuls.text.themes.assign_themes` does (the
whole comment against the taxonomy) and adds polarity (:mod:`kundpuls.text.polarity`):

- the comment's polarity: praise, complaint or neutral;
- each raised theme's polarity: the sign of the summed scores of the comment's clauses that raise the theme
  ("Trevlig personal men telefonkön var orimlig": Bemötande praise, Väntetid complaint). When those clauses
  carry no verdict — or the theme is raised only across a clause boundary — and the comment raises that one
  theme, the theme takes the comment's polarity ("Väntetiden. Helt oacceptabelt."); otherwise it is
  neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kundpuls.errors import InvalidArgument
from kundpuls.text.corpus import build_corpus
from kundpuls.text.polarity import POLARITIES, Polarity, comment_score, polarity_of_score, read_clauses
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
    polarity = np.asarray([polarity_of_score(s) for s in scores], dtype=object)
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
    raised = assignment.matrix.toarray()
    single = raised.sum(axis=1) == 1
    sign = np.sign(theme_sum)
    fallback = (sign == 0) & single[:, None]
    sign = np.where(fallback, np.sign(scores)[:, None], sign)
    codes = np.where(sign > 0, 1, np.where(sign < 0, 2, 3)).astype(np.int8)
    theme_polarity = np.where(raised, codes, 0).astype(np.int8)
    return CommentReading(
        assignment=assignment,
        polarity=polarity,
        theme_polarity=theme_polarity,
        scores=scores,
        languages=np.asarray(langs, dtype=object),
    )


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
