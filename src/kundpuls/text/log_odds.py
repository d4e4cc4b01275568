r"""What separates the dissatisfied: weighted log-odds with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words: Lexical Feature Selection and Evaluation for
Identifying the Content of Political Conflict", *Political Analysis* 16(4), 372–403 (the multinomial
model with an informative Dirichlet prior). For a term :math:`w` with counts :math:`y^a_w, y^b_w` in two
groups of sizes :math:`n^a, n^b` (total term counts) and a Dirichlet prior :math:`\alpha_w = \alpha_0 \pi_w`
(:math:`\pi` the background distribution of terms, :math:`\alpha_0` the prior's strength),

.. math::

    \hat\delta_w^{(a-b)} = \log\frac{y^a_w + \alpha_w}{n^a + \alpha_0 - y^a_w - \alpha_w}
                         - \log\frac{y^b_w + \alpha_w}{n^b + \alpha_0 - y^b_w - \alpha_w},
    \qquad
    \sigma^2\big(\hat\delta_w^{(a-b)}\big) \approx \frac{1}{y^a_w + \alpha_w} + \frac{1}{y^b_w + \alpha_w},

and the z-score :math:`z_w = \hat\delta_w / \sigma(\hat\delta_w)`. A positive z means the term is typical
of group ``a`` (here: the low scorers).

Kundpuls' choices (the paper leaves :math:`\alpha_0` to the analyst): the background :math:`\pi` is the term
distribution of *all* comments analysed (every group, every score), and :math:`\alpha_0 = n^a + n^b`, a prior
as strong as the comparison itself, so that rare terms in a small unit are shrunk towards the whole
organisation's usage while common terms keep their own evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from kundpuls.errors import InvalidArgument
from kundpuls.text.corpus import Corpus, LanguageChoice, build_corpus
from kundpuls.text.taxonomy import Taxonomy
from kundpuls.text.themes import DEFAULT_MIN_N, assign_themes_to_corpus, group_codes

METHOD = "weighted_log_odds_informative_dirichlet"


@dataclass(frozen=True, eq=False)
class LogOdds:
    """Per-term weighted log-odds ratio ``delta`` (a vs b), its approximate ``variance`` and ``z``."""

    delta: np.ndarray
    variance: np.ndarray
    z: np.ndarray


def _prior(prior_counts: np.ndarray, alpha0: np.ndarray | float) -> np.ndarray:
    smoothed = (
        prior_counts.astype(float) + 0.01
    )  # a term unseen in the background still gets a positive alpha
    total = smoothed.sum(axis=-1, keepdims=True)
    return (
        np.asarray(alpha0, dtype=float)[..., None] * smoothed / total
        if np.ndim(alpha0)
        else (float(alpha0) * smoothed / total)
    )


def weighted_log_odds(
    counts_a: Sequence[float] | np.ndarray,
    counts_b: Sequence[float] | np.ndarray,
    *,
    prior_counts: Sequence[float] | np.ndarray | None = None,
    prior_strength: float | None = None,
) -> LogOdds:
    r"""Weighted log-odds of each term between groups ``a`` and ``b`` (Monroe, Colaresi & Quinn 2008).

    Parameters
    ----------
    counts_a, counts_b
        Term counts :math:`y^a_w, y^b_w` (same length; non-negative).
    prior_counts
        Background term counts defining :math:`\pi_w` (default: ``counts_a + counts_b``). A small pseudo
        count (0.01) is added so that no :math:`\alpha_w` is zero.
    prior_strength
        :math:`\alpha_0` (default :math:`n^a + n^b`).

    Returns
    -------
    LogOdds
        ``delta`` (:math:`\hat\delta_w`), ``variance`` (:math:`1/(y^a_w+\alpha_w) + 1/(y^b_w+\alpha_w)`) and
        ``z`` (:math:`\hat\delta_w/\sigma`).
    """
    ya = np.asarray(counts_a, dtype=float)
    yb = np.asarray(counts_b, dtype=float)
    if ya.shape != yb.shape or ya.ndim != 1:
        raise InvalidArgument(
            f"counts_b: shape {yb.shape} does not match counts_a {ya.shape} (both 1-D)", field="counts_b"
        )
    if (ya < 0).any() or (yb < 0).any() or not (np.isfinite(ya).all() and np.isfinite(yb).all()):
        raise InvalidArgument("counts_a, counts_b: counts must be finite and non-negative", field="counts_a")
    background = ya + yb if prior_counts is None else np.asarray(prior_counts, dtype=float)
    if background.shape != ya.shape or (background < 0).any():
        raise InvalidArgument(
            f"prior_counts: must be non-negative with shape {ya.shape}",
            field="prior_counts",
            value=background.shape,
        )
    na, nb = ya.sum(), yb.sum()
    alpha0 = na + nb if prior_strength is None else float(prior_strength)
    if not alpha0 > 0:
        raise InvalidArgument(
            f"prior_strength: {alpha0} must be positive", field="prior_strength", value=alpha0
        )
    return _log_odds(ya, yb, _prior(background, alpha0), alpha0)


def _log_odds(ya: np.ndarray, yb: np.ndarray, alpha: np.ndarray, alpha0: np.ndarray | float) -> LogOdds:
    na = ya.sum(axis=-1, keepdims=True)
    nb = yb.sum(axis=-1, keepdims=True)
    a0 = np.asarray(alpha0, dtype=float)
    a0 = a0[..., None] if a0.ndim else a0
    delta = (
        np.log(ya + alpha) - np.log(na + a0 - ya - alpha) - np.log(yb + alpha) + np.log(nb + a0 - yb - alpha)
    )
    variance = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)
    return LogOdds(delta=delta, variance=variance, z=delta / np.sqrt(variance))


@dataclass(frozen=True)
class ScoreSplit:
    """Which comments count as low and high scorers, and the thresholds used."""

    low: np.ndarray
    high: np.ndarray
    low_max: float
    high_min: float


def split_scores(
    scores: Sequence[float] | np.ndarray, *, low_max: float | None = None, high_min: float | None = None
) -> ScoreSplit:
    """Mark low scorers (``score <= low_max``) and high scorers (``score >= high_min``).

    Without thresholds the lower and upper terciles of the non-missing scores are used. Missing scores
    belong to neither side.
    """
    x = np.asarray(scores, dtype=float)
    valid = ~np.isnan(x)
    if not valid.any():
        raise InvalidArgument("scores: no non-missing score", field="scores")
    lo = float(np.quantile(x[valid], 1 / 3)) if low_max is None else float(low_max)
    hi = float(np.quantile(x[valid], 2 / 3)) if high_min is None else float(high_min)
    if hi < lo:
        raise InvalidArgument(f"high_min: {hi} must not be below low_max {lo}", field="high_min", value=hi)
    low = valid & (x <= lo)
    high = valid & (x >= hi) & ~low
    return ScoreSplit(low=low, high=high, low_max=lo, high_min=hi)


def _contrast_table(
    matrix: sparse.csr_matrix,
    split: ScoreSplit,
    codes: np.ndarray,
    names: list[object],
    *,
    labels: np.ndarray,
    keys: np.ndarray,
    top: int | None,
    min_count: int,
    min_n: int,
    what: str,
) -> pd.DataFrame:
    n_docs = matrix.shape[0]
    n_groups = len(names)
    rows = np.arange(n_docs)
    low_ind = sparse.csr_matrix((split.low.astype(float), (codes, rows)), shape=(n_groups, n_docs))
    high_ind = sparse.csr_matrix((split.high.astype(float), (codes, rows)), shape=(n_groups, n_docs))
    background = np.asarray(matrix.sum(axis=0)).ravel().astype(float)
    keep = np.flatnonzero(background >= min_count)
    m = matrix[:, keep].astype(float)
    ya = np.asarray((low_ind @ m).todense())
    yb = np.asarray((high_ind @ m).todense())
    n_low = np.asarray(low_ind.sum(axis=1)).ravel().astype(int)
    n_high = np.asarray(high_ind.sum(axis=1)).ravel().astype(int)
    alpha0 = ya.sum(axis=1) + yb.sum(axis=1)
    alpha = _prior(np.broadcast_to(background[keep], ya.shape), np.maximum(alpha0, 1e-9))
    result = _log_odds(ya, yb, alpha, np.maximum(alpha0, 1e-9))
    records: list[dict[str, object]] = []
    for g, name in enumerate(names):
        suppressed = n_low[g] < min_n or n_high[g] < min_n
        base = {"group": name, "n_low": int(n_low[g]), "n_high": int(n_high[g]), "method": METHOD}
        if suppressed or keep.size == 0:
            records.append(
                {
                    **base,
                    what: None,
                    "label": None,
                    "side": None,
                    "delta": np.nan,
                    "z": np.nan,
                    "count_low": 0,
                    "count_high": 0,
                    "suppressed": bool(suppressed),
                }
            )
            continue
        z = result.z[g]
        if top is None:  # every key, most typical of the low scorers first
            for k in np.argsort(-z, kind="stable"):
                if ya[g, k] + yb[g, k] == 0:  # not raised by either side: no evidence, left out
                    continue
                side = "low" if z[k] > 0 else "high" if z[k] < 0 else "none"
                records.append(
                    {
                        **base,
                        what: keys[keep[k]],
                        "label": labels[keep[k]],
                        "side": side,
                        "delta": float(result.delta[g, k]),
                        "z": float(z[k]),
                        "count_low": int(ya[g, k]),
                        "count_high": int(yb[g, k]),
                        "suppressed": False,
                    }
                )
            continue
        for side, order in (("low", np.argsort(-z, kind="stable")), ("high", np.argsort(z, kind="stable"))):
            chosen = [
                k
                for k in order[: top * 3]
                if (z[k] > 0 if side == "low" else z[k] < 0) and (ya[g, k] if side == "low" else yb[g, k]) > 0
            ][:top]
            for k in chosen:
                records.append(
                    {
                        **base,
                        what: keys[keep[k]],
                        "label": labels[keep[k]],
                        "side": side,
                        "delta": float(result.delta[g, k]),
                        "z": float(z[k]),
                        "count_low": int(ya[g, k]),
                        "count_high": int(yb[g, k]),
                        "suppressed": False,
                    }
                )
    columns = [
        "group",
        what,
        "label",
        "side",
        "delta",
        "z",
        "count_low",
        "count_high",
        "n_low",
        "n_high",
        "method",
        "suppressed",
    ]
    return pd.DataFrame.from_records(records, columns=columns)


def distinguishing_terms(
    texts: Sequence[str] | Corpus,
    scores: Sequence[float] | np.ndarray,
    *,
    groups: Sequence[object] | np.ndarray | None = None,
    low_max: float | None = None,
    high_min: float | None = None,
    top: int = 10,
    min_count: int = 5,
    min_n: int = DEFAULT_MIN_N,
    language: LanguageChoice = "auto",
) -> pd.DataFrame:
    """Terms that distinguish low scorers from high scorers, per group (weighted log-odds z-scores).

    Terms are Snowball stems without stop words, shown as their most frequent word (``label``). For each
    group the ``top`` terms most typical of low scorers (``side="low"``, z > 0) and of high scorers
    (``side="high"``, z < 0) are returned with ``delta`` and ``z`` (see the module docstring for the formula
    and the prior). Terms used fewer than ``min_count`` times in all comments are left out. A group with
    fewer than ``min_n`` low or high comments is ``suppressed`` (one row without terms).
    """
    corpus = texts if isinstance(texts, Corpus) else build_corpus(texts, language=language)
    _check_top(top)
    split = split_scores(_scores(scores, corpus.n_docs), low_max=low_max, high_min=high_min)
    codes, names = group_codes(groups, corpus.n_docs)
    return _contrast_table(
        corpus.stem_matrix(),
        split,
        codes,
        names,
        labels=corpus.stem_display(),
        keys=np.asarray(
            [f"{lang}:{s}" for lang, s in zip(corpus.stem_languages, corpus.stem_vocabulary, strict=True)],
            dtype=object,
        ),
        top=top,
        min_count=min_count,
        min_n=min_n,
        what="term",
    )


def distinguishing_themes(
    texts: Sequence[str] | Corpus,
    scores: Sequence[float] | np.ndarray,
    *,
    taxonomy: Taxonomy | None = None,
    groups: Sequence[object] | np.ndarray | None = None,
    low_max: float | None = None,
    high_min: float | None = None,
    top: int | None = None,
    min_n: int = DEFAULT_MIN_N,
    language: LanguageChoice = "auto",
) -> pd.DataFrame:
    """Themes that distinguish low scorers from high scorers, per group (as :func:`distinguishing_terms`,
    with theme occurrences per comment as the counts). With ``top=None`` (default) every theme raised by the
    group's low or high scorers is listed, most typical of the low scorers first; ``side`` is ``"low"``,
    ``"high"`` or ``"none"`` (z = 0)."""
    corpus = texts if isinstance(texts, Corpus) else build_corpus(texts, language=language)
    _check_top(top)
    assignment = assign_themes_to_corpus(corpus, taxonomy)
    split = split_scores(_scores(scores, corpus.n_docs), low_max=low_max, high_min=high_min)
    codes, names = group_codes(groups, corpus.n_docs)
    return _contrast_table(
        assignment.matrix.astype(np.int32).tocsr(),
        split,
        codes,
        names,
        labels=np.asarray(assignment.labels, dtype=object),
        keys=np.asarray(assignment.keys, dtype=object),
        top=top,
        min_count=1,
        min_n=min_n,
        what="theme",
    )


def _scores(scores: Sequence[float] | np.ndarray, n: int) -> np.ndarray:
    x = np.asarray(scores, dtype=float)
    if x.shape != (n,):
        raise InvalidArgument(
            f"scores: length {x.shape[0] if x.ndim else 0} does not match {n} comments", field="scores"
        )
    return x


def _check_top(top: int | None) -> None:
    if top is not None and top < 1:
        raise InvalidArgument(f"top: {top} must be at least 1", field="top", value=top)
