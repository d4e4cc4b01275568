"""Per-theme thresholds of the learned reader, chosen by cross-validation on the tuning part only.

Each theme model of :mod:`kundpuls.text.learned` gives a probability; a theme is raised where it reaches the
theme's threshold. One threshold for every theme does not suit them all: a rare theme with few labelled
comments (Parkering, Kontinuitet) gets low probabilities even where it is right, a broad one (Information)
gets high ones where it is wrong. The thresholds shipped in ``learned.THEME_THRESHOLDS`` were chosen by
:func:`cross_validate` and :func:`choose_thresholds` on the **tuning** part: the comments written after
the lexicon was tuned (ids above ``LEXICON_TUNED_BELOW``) are cut into ``folds`` folds, each fold is read
by a model fitted on every other tuning comment, and each theme's threshold is the one of ``GRID`` that
gives the best F1 on those out-of-fold probabilities. The held-out part is never read here.

``python benchmarks/comments.py --cross-validate`` prints the figures and the thresholds it would choose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kundpuls.text.learned import LEXICON_TUNED_BELOW, LabelledComment, fit_comment_model

GRID: tuple[float, ...] = tuple(round(0.1 + 0.05 * i, 2) for i in range(13))
"""Candidate thresholds, 0.10 to 0.70."""


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


def cross_validate(
    records: Sequence[LabelledComment],
    keys: Sequence[str],
    lexicon_themes: Any,
    lexicon_scores: np.ndarray,
    languages: Sequence[str],
    *,
    folds: int = 5,
    seed: int = 0,
) -> CrossValidation:
    """Out-of-fold probabilities of every theme for the tuning comments with ids above 1000."""
    matrix = lexicon_themes.tocsr()
    scores = np.asarray(lexicon_scores, dtype=float)
    langs = np.asarray(languages, dtype=object)
    ids = np.asarray([r.id for r in records])
    rows = np.flatnonzero(ids > LEXICON_TUNED_BELOW)
    fold = np.full(len(records), -1)
    fold[rows] = np.random.default_rng(seed).permutation(len(rows)) % folds
    probabilities = np.zeros((len(records), len(keys)))
    polarity = np.empty(len(records), dtype=object)
    for f in range(folds):
        train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        model = fit_comment_model([records[i] for i in train.tolist()], keys, matrix[train], scores[train])
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
    """Each theme's threshold of ``grid`` with the best out-of-fold F1 (ties: the threshold nearest 0.5)."""
    chosen = {}
    for j, key in enumerate(cv.keys):
        scored = [(f1_at(cv.probabilities[:, j], cv.labelled[:, j], t)[2], -abs(t - 0.5), t) for t in grid]
        chosen[key] = max(scored)[2]
    return chosen


__all__ = ["GRID", "CrossValidation", "choose_thresholds", "cross_validate", "f1_at"]
