"""Batched, seeded bootstrap of a fitted PLS path model, with percentile and BCa intervals.

Each resample is a vector of multinomial counts over the respondents; its indicator covariance matrix is
formed from weighted moments (:mod:`kundpuls.stats.pls.resampling`) and the PLS iteration runs on the
whole batch of matrices at once (:mod:`kundpuls.stats.pls.algorithm`), each matrix stopping at its own
convergence, so the numbers equal a one-resample-at-a-time loop over the same draws.

Signs: a construct's weights are identified only up to sign, and a resample may flip a weakly measured
block. With ``sign_handling="construct"`` (default) every construct of a draw is oriented so that its score
correlates non-negatively with the full-sample score on the same resample (``w_b' S_b w_full >= 0``);
with ``"orientation"`` the draw gets the point estimate's rule (loadings of a construct sum to >= 0).

Failed draws (a singular mode B block or regression, a zero-variance indicator in the resample, or the
iteration cap reached) are counted by reason, kept as NaN rows in ``draws`` and left out of the
summaries; a :class:`~kundpuls.errors.KundpulsWarning` says how many.

The BCa acceleration uses the jackknife: leave one respondent out for ``n <= 2000``, otherwise 1,000
random groups of respondents left out in turn (delete-a-group jackknife).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kundpuls.errors import InvalidArgument, KundpulsWarning
from kundpuls.stats.pls.algorithm import (
    estimates_from_weights,
    iterate_weights,
    orientation_signs,
    reference_signs,
)
from kundpuls.stats.pls.intervals import bca_interval, percentile_interval
from kundpuls.stats.pls.long_format import STATISTICS, Layout
from kundpuls.stats.pls.resampling import MomentData, iter_resample_blocks
from kundpuls.stats.pls.structure import CompiledModel

if TYPE_CHECKING:
    from kundpuls.stats.pls.estimator import PLSPathModel

SIGN_HANDLING: tuple[str, ...] = ("construct", "orientation")
#: Leave-one-out jackknife up to this many respondents, else a delete-a-group jackknife.
JACKKNIFE_MAX_N = 2000
JACKKNIFE_GROUPS = 1000
#: Covariance matrices run through the PLS iteration together.
_DRAWS_PER_BATCH = 512


@dataclass(frozen=True)
class BootstrapResult:
    """Bootstrap draws of every statistic of a PLS model and their summaries.

    Attributes
    ----------
    statistic, source, target : tuple of str
        Long-format row labels (see :mod:`kundpuls.stats.pls.long_format`); columns of ``draws``.
    estimate : (s,) array
        Full-sample estimates.
    draws : (B, s) array
        One row per resample; NaN rows for failed draws.
    failure : (B,) array of str
        ``""`` for a good draw, else ``"singular"``, ``"non_finite"`` or ``"not_converged"``.
    jackknife : (G, s) array
        Jackknife estimates used for the BCa acceleration.
    se, percentile_low, percentile_high, bca_low, bca_high : (s,) arrays
        Standard deviation of the good draws and the interval ends.
    """

    statistic: tuple[str, ...]
    source: tuple[str, ...]
    target: tuple[str, ...]
    estimate: np.ndarray
    draws: np.ndarray
    failure: np.ndarray
    jackknife: np.ndarray
    se: np.ndarray
    percentile_low: np.ndarray
    percentile_high: np.ndarray
    bca_low: np.ndarray
    bca_high: np.ndarray
    n_resamples: int
    seed: int
    confidence: float
    sign_handling: str
    n: int

    @property
    def n_failed(self) -> int:
        """Number of failed draws."""
        return int((self.failure != "").sum())

    @property
    def failures(self) -> dict[str, int]:
        """Failed draws by reason."""
        reasons, counts = np.unique(self.failure[self.failure != ""].astype(str), return_counts=True)
        return {str(r): int(c) for r, c in zip(reasons, counts, strict=True)}

    @property
    def good_draws(self) -> np.ndarray:
        """The draws of the successful resamples, ``(B - n_failed, s)``."""
        return self.draws[self.failure == ""]

    def draws_of(self, statistic: str, source: str, target: str) -> np.ndarray:
        """All draws (NaN for failed ones) of one statistic, e.g. ``("path", "Quality", "Satisfaction")``."""
        for k, label in enumerate(zip(self.statistic, self.source, self.target, strict=True)):
            if label == (statistic, source, target):
                return self.draws[:, k]
        raise InvalidArgument(
            f"statistic: no row {statistic}/{source}/{target}",
            field="statistic",
            value=(statistic, source, target),
        )

    def summary(self, method: str = "percentile", statistics: Sequence[str] = STATISTICS) -> pd.DataFrame:
        """Long-format table: ``statistic, from, to, estimate, se, ci_low, ci_high, method, n``.

        ``method`` picks the interval (``"percentile"`` or ``"bca"``); ``n`` is the number of good draws.
        """
        if method not in ("percentile", "bca"):
            raise InvalidArgument(
                f"method: must be 'percentile' or 'bca', not {method!r}", field="method", value=method
            )
        low, high = (
            (self.percentile_low, self.percentile_high)
            if method == "percentile"
            else (self.bca_low, self.bca_high)
        )
        frame = pd.DataFrame(
            {
                "statistic": self.statistic,
                "from": self.source,
                "to": self.target,
                "estimate": self.estimate,
                "se": self.se,
                "ci_low": low,
                "ci_high": high,
                "method": method,
                "n": self.n_resamples - self.n_failed,
            }
        )
        return frame[frame["statistic"].isin(list(statistics))].reset_index(drop=True)


def bootstrap_model(
    model: PLSPathModel,
    n_resamples: int = 5000,
    *,
    seed: int | None = None,
    confidence: float = 0.95,
    sign_handling: str = "construct",
    progress: Callable[[int, int], None] | None = None,
) -> BootstrapResult:
    """Bootstrap a fitted :class:`PLSPathModel` ``n_resamples`` times.

    The resamples are drawn from the estimation data after missing-value handling (mean-replaced values
    are resampled as they are). ``progress(done, total)`` is called after each batch; ``total`` counts the
    resamples and the jackknife estimates. Equal ``seed`` gives equal draws, and the first ``B`` draws of
    a larger run equal a run with ``B`` resamples (:func:`~kundpuls.stats.pls.resampling.resample_counts`).
    """
    if not hasattr(model, "estimates_"):
        raise InvalidArgument("model: fit the model before bootstrapping", field="model", value=None)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)) or n_resamples < 2:
        raise InvalidArgument(
            f"n_resamples: must be an integer >= 2, not {n_resamples!r}",
            field="n_resamples",
            value=n_resamples,
        )
    if not 0 < confidence < 1:
        raise InvalidArgument(
            f"confidence: must lie strictly between 0 and 1, not {confidence!r}",
            field="confidence",
            value=confidence,
        )
    if sign_handling not in SIGN_HANDLING:
        raise InvalidArgument(
            f"sign_handling: must be 'construct' or 'orientation', not {sign_handling!r}",
            field="sign_handling",
            value=sign_handling,
        )
    if seed is None:
        seed = int(np.random.default_rng().integers(0, 2**63 - 1))
    n_resamples = int(n_resamples)
    compiled, layout = model.compiled_, model.layout_
    data = MomentData(model.indicator_data_.to_numpy(dtype=float), scaled=model.scaled)
    reference = model.estimates_.weights[0]

    def estimate(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return _estimate_batch(cov, compiled, layout, model, reference, sign_handling)

    n_jack, groups = _jackknife_plan(data.n, seed)
    total = n_resamples + n_jack
    draws = np.empty((n_resamples, len(layout)))
    failure = np.empty(n_resamples, dtype=object)
    for start, counts in iter_resample_blocks(data.n, n_resamples, seed=seed):
        covariances = data.resample_covariances(counts)
        for offset in range(0, counts.shape[0], _DRAWS_PER_BATCH):
            first = start + offset
            stop = min(first + _DRAWS_PER_BATCH, start + counts.shape[0])
            draws[first:stop], failure[first:stop] = estimate(covariances[offset : offset + stop - first])
            if progress is not None:
                progress(stop, total)
    jackknife, jack_failure = estimate(data.jackknife_covariances(groups, n_jack))
    jackknife = jackknife[jack_failure == ""]
    if progress is not None:
        progress(total, total)

    good = draws[failure == ""]
    point = model.estimate_vector_
    if good.shape[0] >= 2:
        se = good.std(axis=0, ddof=1)
        p_low, p_high = percentile_interval(good, confidence)
        b_low, b_high = bca_interval(good, point, jackknife, confidence)
    else:
        se = p_low = p_high = b_low = b_high = np.full(point.shape, np.nan)
    result = BootstrapResult(
        statistic=layout.statistic,
        source=layout.source,
        target=layout.target,
        estimate=point,
        draws=draws,
        failure=failure,
        jackknife=jackknife,
        se=se,
        percentile_low=p_low,
        percentile_high=p_high,
        bca_low=b_low,
        bca_high=b_high,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        sign_handling=sign_handling,
        n=data.n,
    )
    if result.n_failed:
        reasons = ", ".join(f"{k}: {v}" for k, v in result.failures.items())
        warnings.warn(
            f"{result.n_failed} of {n_resamples} bootstrap draws failed ({reasons}); they are "
            "reported and left out of the intervals",
            KundpulsWarning,
            stacklevel=3,
        )
    return result


def _jackknife_plan(n: int, seed: int) -> tuple[int, np.ndarray]:
    if n <= JACKKNIFE_MAX_N:
        return n, np.arange(n)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**32 - 1,)))
    return JACKKNIFE_GROUPS, rng.permutation(n) % JACKKNIFE_GROUPS


def _estimate_batch(
    cov: np.ndarray,
    compiled: CompiledModel,
    layout: Layout,
    model: PLSPathModel,
    reference: np.ndarray,
    sign_handling: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Estimates ``(B, s)`` and failure reasons ``(B,)`` for a batch of covariance matrices."""
    solution = iterate_weights(cov, compiled, scheme=model.scheme, tol=model.tol, max_iter=model.max_iter)
    failure = solution.failure.copy()
    usable = failure == ""
    safe_cov = np.where(usable[:, None, None], cov, np.eye(cov.shape[1]))
    if sign_handling == "construct":
        signs = reference_signs(safe_cov, solution.weights, reference, compiled)
    else:
        signs = orientation_signs(safe_cov, solution.weights, compiled)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimates = estimates_from_weights(safe_cov, solution.weights * signs[:, compiled.block], compiled)
        values = layout.flatten(estimates)
    broken = usable & ~np.isfinite(values).all(axis=1)
    failure[broken] = "non_finite"
    values[failure != ""] = np.nan
    return values, failure
