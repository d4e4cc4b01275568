"""Resampling plans and batched covariance matrices for the PLS bootstrap and jackknife.

A bootstrap resample is described by its counts ``c_i`` (how often respondent ``i`` was drawn; the
counts of one resample are multinomial with ``n`` trials and equal probabilities). Its covariance
matrix follows from weighted moments of the (full-sample centred) data without building the resampled
rows::

    m1 = c'X / Σc,   M2 = c'Q / Σc  with  Q_i = vec(x_i x_i'),   S = M2 - m1 m1'

so a whole chunk of resamples is one matrix product ``counts @ [X, Q]``. Standardised models use the
resample's own correlation matrix (indicators re-standardised in every resample, as SmartPLS and
seminr do); unscaled models the resample's population covariance matrix.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: Upper bound on the number of count cells (draws × respondents) held at once.
_CELLS_PER_CHUNK = 1 << 22
_MAX_DRAWS_PER_CHUNK = 512
#: Cache the row products ``Q`` when they take at most this many bytes; else recompute by row chunks.
_MAX_PRODUCT_BYTES = 256 * 1024 * 1024
_CONSTANT_SHARE = 1e-10


def draws_per_chunk(n: int) -> int:
    """Resamples generated together; depends on ``n`` only, so a seed gives the same draws for any B."""
    return int(max(1, min(_MAX_DRAWS_PER_CHUNK, _CELLS_PER_CHUNK // max(n, 1))))


def iter_resample_counts(n: int, n_resamples: int, *, seed: int | None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(first draw, counts)`` chunks; ``counts[b, i]`` is how often respondent ``i`` is drawn.

    Chunk ``c`` uses its own generator spawned from ``SeedSequence(seed)``, so the first ``B`` draws are
    the same whatever the total number of resamples.
    """
    chunk = draws_per_chunk(n)
    n_chunks = -(-n_resamples // chunk)
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    for c, child in enumerate(children):
        start = c * chunk
        size = min(chunk, n_resamples - start)
        rng = np.random.default_rng(child)
        picks = rng.integers(0, n, size=(size, n))
        offsets = (np.arange(size) * n)[:, None]
        counts = np.bincount((picks + offsets).ravel(), minlength=size * n).reshape(size, n)
        yield start, counts.astype(float)


def resample_counts(n: int, n_resamples: int, *, seed: int | None) -> np.ndarray:
    """All resample counts as one ``(n_resamples, n)`` array (the draws :func:`bootstrap_model` uses)."""
    return np.concatenate([c for _, c in iter_resample_counts(n, n_resamples, seed=seed)], axis=0)


class MomentData:
    """Centred indicator data prepared for fast weighted covariance matrices."""

    def __init__(self, values: np.ndarray, *, scaled: bool) -> None:
        self.values = values - values.mean(axis=0)
        self.scaled = scaled
        n, p = self.values.shape
        self.n, self.p = n, p
        self.width = p * p
        #: a resampled indicator whose variance falls below this share of its full-sample variance is
        #: constant in that resample (rounding leaves ~1e-20 instead of an exact 0)
        self.variance_floor = _CONSTANT_SHARE * self.values.var(axis=0)
        self._products: np.ndarray | None = None
        if n * self.width * 8 <= _MAX_PRODUCT_BYTES:
            self._products = self._row_products(slice(0, n))

    def _row_products(self, rows: slice) -> np.ndarray:
        x = self.values[rows]
        return (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], self.width)

    def weighted_sums(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``counts @ X`` and ``counts @ Q`` (row-chunked when ``Q`` is not cached)."""
        first = counts @ self.values
        if self._products is not None:
            return first, counts @ self._products
        second = np.zeros((counts.shape[0], self.width))
        step = max(1, _MAX_PRODUCT_BYTES // (8 * self.width) // 4)
        for start in range(0, self.n, step):
            rows = slice(start, min(self.n, start + step))
            second += counts[:, rows] @ self._row_products(rows)
        return first, second

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Column sums of ``X`` and ``Q``."""
        ones = np.ones((1, self.n))
        first, second = self.weighted_sums(ones)
        return first[0], second[0]

    def group_sums(self, groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
        """Sums of ``X`` and ``Q`` within each group (``groups[i]`` in ``0..n_groups-1``)."""
        first = np.zeros((n_groups, self.p))
        np.add.at(first, groups, self.values)
        width = self.width
        second = np.zeros((n_groups, width))
        step = max(1, _MAX_PRODUCT_BYTES // (8 * width) // 4)
        for start in range(0, self.n, step):
            rows = slice(start, min(self.n, start + step))
            products = self._products[rows] if self._products is not None else self._row_products(rows)
            np.add.at(second, groups[rows], products)
        return first, second

    def covariances(self, first: np.ndarray, second: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Covariance (or correlation, when scaled) matrices from weighted sums and total weights."""
        mean = first / weight[:, None]
        moment = second / weight[:, None]
        cov = moment.reshape(-1, self.p, self.p) - mean[:, :, None] * mean[:, None, :]
        variances = np.diagonal(cov, axis1=1, axis2=2)
        constant = (variances <= self.variance_floor).any(axis=1)
        cov[constant] = np.nan
        if self.scaled:
            with np.errstate(divide="ignore", invalid="ignore"):
                inv_sd = 1.0 / np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
            cov = cov * inv_sd[:, :, None] * inv_sd[:, None, :]
            diagonal = np.arange(self.p)
            cov[:, diagonal, diagonal] = np.where(np.isfinite(inv_sd), 1.0, np.nan)
        return cov

    def resample_covariances(self, counts: np.ndarray) -> np.ndarray:
        """Covariance matrices ``(B, p, p)`` of the resamples given by ``counts`` ``(B, n)``."""
        first, second = self.weighted_sums(counts)
        return self.covariances(first, second, counts.sum(axis=1))

    def jackknife_covariances(self, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """Covariance matrices with one group of respondents left out at a time (``(n_groups, p, p)``)."""
        total_first, total_second = self.totals()
        group_first, group_second = self.group_sums(groups, n_groups)
        sizes = np.bincount(groups, minlength=n_groups).astype(float)
        return self.covariances(total_first - group_first, total_second - group_second, self.n - sizes)
