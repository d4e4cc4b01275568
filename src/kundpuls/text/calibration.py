"""Per-theme thresholds of the learned reader, chosen by cross-validation on the tuning part only.

Each theme model of :mod:`kundpuls.text.learned` gives a probability; a theme is raised where it reaches the
theme's threshold. One threshold for every theme does not suit them all: a rare theme with few labelled
comments (Parkering, Kontinuitet) gets low probabilities even where it is right, a broad one (Information)
gets high ones where it is wrong. The thresholds shipped in ``learned.THEME_THRESHOLDS`` were chosen by
:func:`cross_validate` and :func:`choose_thresholds` on the **tuning** part: the comments written after
the lexicon was tuned (ids above ``LEXICON_TUNED_BELOW``) are cut into ``folds`` folds of whole groups
(:func:`comment_groups`: comments written in one sitting, and near-copies, share a fold), each fold is read
by a model fitted on every other tuning comment, and each theme's threshold is the one of ``GRID`` where
the lower of precision and recall is highest on those out-of-fold probabilities. The held-out part is
never read here.

``python benchmarks/comments.py --cross-validate`` prints the figures and the thresholds it would choose.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kundpuls.text.learned import (
    LEXICON_TUNED_BELOW,
    SITTING,
    CommentModel,
    LabelledComment,
    fit_comment_model,
)

GRID: tuple[float, ...] = tuple(round(0.05 + 0.05 * i, 2) for i in range(14))
"""Candidate thresholds, 0.05 to 0.70."""
ROUND_BLOCK = 1000
"""Comments with ids in one block of this many (1001-1999, 2001-2999, …) were written as one round."""
GROUP_BLOCK = SITTING
"""Comments with ids in one block of this many consecutive ids were written together: one fold."""
NEAR_COPY = 0.6
"""Share of the distinct words of two comments of one language they share to be near-copies
(the rule tests/text/data/README.md used to drop near-copies of the fourth round)."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold theme probabilities and polarity of the later tuning comments (``rows``)."""

    keys: tuple[str, ...]
    rows: np.ndarray
    probabilities: np.ndarray
    """``len(rows)`` × ``len(keys)``: the probability of each theme from the model that did not see it."""
    labelled: np.ndarray
    """``len(rows)`` × ``len(keys)`` booleans: the labelled themes."""
    polarity: np.ndarray
    labelled_polarity: np.ndarray


def comment_groups(records: Sequence[LabelledComment]) -> np.ndarray:
    """A group number per comment: comments that must fall in one fold of the cross-validation.

    Comments written together (the same block of ``GROUP_BLOCK`` consecutive ids, one sitting) often vary one
    phrasing, and a near-copy (the same language, ``NEAR_COPY`` or more of the distinct words of both shared)
    reads like the comment itself: a model that saw one of them would flatter the other's
    figures. Groups are the connected components of both links.
    """
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[root(i)] = root(j)

    first_of_block: dict[int, int] = {}
    for i, r in enumerate(records):
        join(i, first_of_block.setdefault(r.id // GROUP_BLOCK, i))
    words = [set(_WORD.findall(r.text.lower())) for r in records]
    for i in range(len(records)):
        for j in range(i + 1, len(records)):
            if records[i].language != records[j].language or not words[i] or not words[j]:
                continue
            shared = len(words[i] & words[j]) / len(words[i] | words[j])
            if shared >= NEAR_COPY:
                join(i, j)
    roots = [root(i) for i in range(len(records))]
    return np.unique(roots, return_inverse=True)[1]


def grouped_folds(
    records: Sequence[LabelledComment], groups: np.ndarray, rows: np.ndarray, *, folds: int, seed: int
) -> np.ndarray:
    """A fold number (0 … ``folds`` − 1) for each of ``rows``, whole groups at a time.

    A group's fold is fixed by a seeded hash of the smallest id in it, so that comments written later (new
    groups) leave the folds of the earlier ones as they were: figures before and after adding comments
    compare the same comments read by models of the same folds. Comments outside ``rows`` get −1 (they are
    always trained on).
    """
    fold = np.full(len(groups), -1)
    ids = np.asarray([r.id for r in records])
    for g in np.unique(groups[rows]).tolist():
        members = rows[groups[rows] == g]
        digest = hashlib.sha256(f"{seed}:{int(ids[groups == g].min())}".encode()).hexdigest()
        fold[members] = int(digest[:8], 16) % folds
    return fold


def cross_validate(
    records: Sequence[LabelledComment],
    keys: Sequence[str],
    lexicon_themes: Any,
    lexicon_scores: np.ndarray,
    languages: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
    fit: Callable[..., CommentModel] = fit_comment_model,
    by_round: bool = False,
) -> CrossValidation:
    """Out-of-fold probabilities of every theme for the tuning comments with ids above 1000.

    The folds are grouped (:func:`comment_groups`); ``fit`` fits a model on the other folds. With
    ``by_round`` each round of writing (ids in one block of ``ROUND_BLOCK``) is one fold instead, read by a
    model fitted on every other round: the writers, sittings and habits of a round are then all unseen, as
    they are in a held-out round, which random folds of whole sittings do not fully give.
    """
    matrix = lexicon_themes.tocsr()
    scores = np.asarray(lexicon_scores, dtype=float)
    langs = np.asarray(languages, dtype=object)
    ids = np.asarray([r.id for r in records])
    rows = np.flatnonzero(ids > LEXICON_TUNED_BELOW)
    if by_round:
        fold = np.full(len(records), -1)
        fold[rows] = np.unique(ids[rows] // ROUND_BLOCK, return_inverse=True)[1]
        folds = int(fold.max()) + 1
    else:
        fold = grouped_folds(records, comment_groups(records), rows, folds=folds, seed=seed)
    probabilities = np.zeros((len(records), len(keys)))
    polarity = np.empty(len(records), dtype=object)
    for f in range(folds):
        train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        model = fit([records[i] for i in train.tolist()], keys, matrix[train], scores[train])
        x = model.features([records[i].text for i in test.tolist()], langs[test], matrix[test], scores[test])
        for j, key in enumerate(keys):
            if key in model.theme_models:
                probabilities[test, j] = model.theme_models[key].predict_proba(x)[:, 1]
        polarity[test] = model.polarity_model.predict(x)
    labelled = np.asarray([[k in records[i].themes for k in keys] for i in rows.tolist()], dtype=np.bool_)
    return CrossValidation(
        keys=tuple(keys),
        rows=rows,
        probabilities=probabilities[rows],
        labelled=labelled,
        polarity=polarity[rows],
        labelled_polarity=np.asarray([records[i].polarity for i in rows.tolist()], dtype=object),
    )


def f1_at(probabilities: np.ndarray, labelled: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of raising a theme where ``probabilities`` reach ``threshold``."""
    raised = probabilities >= threshold
    tp = float(np.sum(raised & labelled))
    precision = tp / raised.sum() if raised.any() else 0.0
    recall = tp / labelled.sum() if labelled.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def choose_thresholds(cv: CrossValidation, grid: Sequence[float] = GRID) -> dict[str, float]:
    """Each theme's threshold of ``grid`` where the lower of out-of-fold precision and recall is highest.

    The target holds both at once (precision and recall ≥ 0.85), so the threshold balances them instead of
    maximising F1, which may buy recall with precision below the target; ties go to the higher F1, then to
    the threshold nearest 0.5.
    """
    chosen = {}
    for j, key in enumerate(cv.keys):
        scored = []
        for t in grid:
            precision, recall, f1 = f1_at(cv.probabilities[:, j], cv.labelled[:, j], t)
            scored.append((round(min(precision, recall), 3), round(f1, 3), -abs(t - 0.5), t))
        chosen[key] = max(scored)[3]
    return chosen


__all__ = [
    "GRID",
    "ROUND_BLOCK",
    "CrossValidation",
    "choose_thresholds",
    "comment_groups",
    "cross_validate",
    "f1_at",
    "grouped_folds",
]
