"""Kano model: features as attractive, one-dimensional, must-be, indifferent, reverse (docs/methods.md §4).

Each feature has a functional question (feature present) and a dysfunctional one (feature absent), both
answered Like / Expect / Neutral / Live with / Dislike. The pair maps to a category through the Kano
evaluation table; the feature's category is the most frequent one (ties M > O > A > I).

References
----------
Berger, C. et al. (1993). Kano's methods for understanding customer-defined quality. *Center for Quality of
Management Journal* 2(4), 3–36 (evaluation table, Timko's Better/Worse coefficients, DuMouchel's continuous
scores).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InvalidArgument, SmallSampleWarning
from kundpuls.stats.validation import check_threshold

if TYPE_CHECKING:
    import pandas as pd

#: Answer options in table order; codes 1–5 map to these.
ANSWERS = ("like", "expect", "neutral", "live_with", "dislike")
CATEGORIES = ("A", "O", "M", "I", "R", "Q")
#: Tie-break order for the most frequent category (Berger et al. 1993): M > O > A > I (then R, Q).
TIE_ORDER = ("M", "O", "A", "I", "R", "Q")

# Rows: functional answer; columns: dysfunctional answer (both in ANSWERS order).
EVALUATION_TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)
FUNCTIONAL_SCORES = (4.0, 2.0, 0.0, -1.0, -2.0)
DYSFUNCTIONAL_SCORES = (-2.0, -1.0, 0.0, 2.0, 4.0)

_ALIASES = {
    "like": 0, "i like it": 0, "gillar": 0, "jag gillar det": 0, "must be": 1,
    "expect": 1, "must-be": 1, "i expect it": 1, "förväntar": 1, "förväntar mig": 1, "självklart": 1,
    "neutral": 2, "i am neutral": 2, "spelar ingen roll": 2, "indifferent": 2,
    "live with": 3, "live_with": 3, "live-with": 3, "tolerate": 3, "i can live with it": 3,
    "kan leva med": 3, "acceptera": 3,
    "dislike": 4, "i dislike it": 4, "ogillar": 4, "jag ogillar det": 4,
}  # fmt: skip


def _codes(answers: ArrayLike, *, name: str) -> np.ndarray:
    """Map answers (codes 1–5 or labels) to 0–4; missing becomes −1."""
    raw = np.asarray(answers, dtype=object)
    if raw.ndim == 1:
        raw = raw.reshape(-1, 1)
    if raw.ndim != 2:
        raise InvalidArgument(f"{name}: expected (respondents, features), got shape {raw.shape}", field=name)
    out = np.full(raw.shape, -1, dtype=np.int64)
    for index, value in np.ndenumerate(raw):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if isinstance(value, str):
            code = _ALIASES.get(value.strip().lower())
            if code is None:
                raise InvalidArgument(f"{name}: unknown answer {value!r}", field=name, value=value)
            out[index] = code
            continue
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(f"{name}: unknown answer {value!r}", field=name, value=value) from exc
        if number not in (1.0, 2.0, 3.0, 4.0, 5.0):
            raise InvalidArgument(
                f"{name}: answer code {value!r} is not 1–5 (like … dislike)", field=name, value=value
            )
        out[index] = int(number) - 1
    return out


@dataclass(frozen=True)
class KanoFeature:
    """Kano result of one feature.

    Attributes
    ----------
    name : str
    n : int
        Respondents with both answers.
    counts : dict
        Count per category A, O, M, I, R, Q.
    category : str or None
        Most frequent category (ties M > O > A > I); None when suppressed.
    strength : float or None
        Gap between the two largest category shares (category strength) [U].
    better : float or None
        ``(A + O)/(A + O + M + I)`` in [0, 1].
    worse : float or None
        ``−(O + M)/(A + O + M + I)`` in [−1, 0].
    functional_mean, dysfunctional_mean : float or None
        DuMouchel continuous scores averaged over the pairs that are not Q or R.
    n_continuous : int
        Pairs used for the continuous means.
    suppressed : bool
    """

    name: str
    n: int
    counts: dict[str, int] = field(default_factory=dict)
    category: str | None = None
    strength: float | None = None
    better: float | None = None
    worse: float | None = None
    functional_mean: float | None = None
    dysfunctional_mean: float | None = None
    n_continuous: int = 0
    suppressed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict."""
        return {
            "name": self.name,
            "n": self.n,
            "counts": dict(self.counts),
            "category": self.category,
            "strength": self.strength,
            "better": self.better,
            "worse": self.worse,
            "functional_mean": self.functional_mean,
            "dysfunctional_mean": self.dysfunctional_mean,
            "n_continuous": self.n_continuous,
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class KanoResult:
    """Kano results of all features, in input order."""

    features: tuple[KanoFeature, ...]

    def __getitem__(self, key: int | str) -> KanoFeature:
        if isinstance(key, str):
            for feature in self.features:
                if feature.name == key:
                    return feature
            raise KeyError(key)
        return self.features[key]

    def __len__(self) -> int:
        return len(self.features)

    def summary(self) -> pd.DataFrame:
        """One row per feature: n, counts A–Q, category, strength, better, worse, continuous means."""
        import pandas as pd

        rows = []
        for f in self.features:
            row = {"feature": f.name, "n": f.n, **{c: f.counts.get(c, 0) for c in CATEGORIES}}
            row.update(
                category=f.category,
                strength=f.strength,
                better=f.better,
                worse=f.worse,
                functional_mean=f.functional_mean,
                dysfunctional_mean=f.dysfunctional_mean,
                suppressed=f.suppressed,
            )
            rows.append(row)
        return pd.DataFrame(rows)


def kano(
    functional: ArrayLike,
    dysfunctional: ArrayLike,
    *,
    features: Sequence[str] | None = None,
    threshold: int = 7,
) -> KanoResult:
    """Classify features with the Kano evaluation table and compute Better/Worse and continuous scores.

    Parameters
    ----------
    functional, dysfunctional : array_like, shape (respondents, features)
        Answers as codes 1–5 (1 like, 2 expect, 3 neutral, 4 live with, 5 dislike) or labels (English or
        Swedish); None/NaN = missing. A respondent lacking either answer of a pair is dropped for that
        feature.
    features : sequence of str, optional
        Feature names (default "feature_1", …; DataFrame columns when given a DataFrame).
    threshold : int, default 7
        Features with fewer complete pairs are suppressed (counts kept, numbers None).

    Returns
    -------
    KanoResult

    Warns
    -----
    SmallSampleWarning
        A feature is shown with fewer than 30 pairs (a "low base", docs/methods.md conventions).

    Notes
    -----
    Better ``= (A + O)/(A + O + M + I)``; Worse ``= −(O + M)/(A + O + M + I)`` (Timko). Continuous scores
    (DuMouchel): functional Like 4, Expect 2, Neutral 0, Live with −1, Dislike −2; dysfunctional Like −2,
    Expect −1, Neutral 0, Live with 2, Dislike 4; Q and R pairs excluded [U].

    References
    ----------
    Berger et al. (1993), CQM Journal 2(4); docs/methods.md §4, E4.1.

    Examples
    --------
    >>> pairs = [(1, 3)] * 4 + [(1, 4)] * 3 + [(1, 5)] * 5 + [(2, 5)] * 2 + [(3, 5)] * 2 + [(3, 3)] * 2
    >>> pairs += [(2, 3), (5, 1)]
    >>> f = kano([p[0] for p in pairs], [p[1] for p in pairs], threshold=0)[0]
    >>> f.category, round(f.better, 4), round(f.worse, 4)
    ('A', 0.6316, -0.4737)
    """
    threshold = check_threshold(threshold)
    names = list(features) if features is not None else None
    if names is None and hasattr(functional, "columns"):
        names = [str(c) for c in functional.columns]
    fun = _codes(functional, name="functional")
    dys = _codes(dysfunctional, name="dysfunctional")
    if fun.shape != dys.shape:
        raise InvalidArgument(
            f"mismatched shapes: functional {fun.shape}, dysfunctional {dys.shape}", field="dysfunctional"
        )
    if names is None:
        names = [f"feature_{j + 1}" for j in range(fun.shape[1])]
    if len(names) != fun.shape[1]:
        raise InvalidArgument(
            f"features: {len(names)} names for {fun.shape[1]} features", field="features", value=len(names)
        )
    table = np.array(EVALUATION_TABLE)
    f_scores = np.array(FUNCTIONAL_SCORES)
    d_scores = np.array(DYSFUNCTIONAL_SCORES)
    results = []
    for j, name in enumerate(names):
        both = (fun[:, j] >= 0) & (dys[:, j] >= 0)
        fj, dj = fun[both, j], dys[both, j]
        cats = table[fj, dj]
        counts = {c: int(np.sum(cats == c)) for c in CATEGORIES}
        n = int(both.sum())
        if n < threshold or n == 0:
            results.append(KanoFeature(name=name, n=n, counts=counts, suppressed=n < threshold))
            continue
        if n < 30:
            warnings.warn(
                f"kano: feature {name!r} has n = {n} < 30 (low base)", SmallSampleWarning, stacklevel=2
            )
        top = max(TIE_ORDER, key=lambda c: (counts[c], -TIE_ORDER.index(c)))
        ordered = sorted(counts.values(), reverse=True)
        strength = (ordered[0] - ordered[1]) / n
        base = counts["A"] + counts["O"] + counts["M"] + counts["I"]
        better = (counts["A"] + counts["O"]) / base if base else None
        worse = -(counts["O"] + counts["M"]) / base if base else None
        valid = (cats != "Q") & (cats != "R")
        n_cont = int(valid.sum())
        results.append(
            KanoFeature(
                name=name,
                n=n,
                counts=counts,
                category=top,
                strength=float(strength),
                better=better,
                worse=worse,
                functional_mean=float(f_scores[fj[valid]].mean()) if n_cont else None,
                dysfunctional_mean=float(d_scores[dj[valid]].mean()) if n_cont else None,
                n_continuous=n_cont,
            )
        )
    return KanoResult(features=tuple(results))
