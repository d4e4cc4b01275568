"""Resampling plans and batched covariance matrices for the PLS bootstrap and jackknife.

A bootstrap resample is described by its counts ``c_i`` (how often respondent ``i`` was drawn; the
counts of one resample are multinomial with ``n`` trials and equal probabilities). Its covariance
matrix follows from weighted moments of the (full-sample centred) data without building the resampled
rows::

    m1 = c'X / Σc,   M2 = c'Q / Σc  with  Q_i = vec(x_i x_i'),   S = M2 - m1 m1'

so a whole block of resamples is one matrix product ``counts @ [X, Q]`` (for large ``n`` accumulated over
row chunks, with only the upper triangle of ``x_i x_i'``). Standardised models use the
resample's own correlation matrix (indicators re-standardised in every resample, as SmartPLS and
seminr do); unscaled models the resample's population covariance matrix.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: Draws generated together: draws × respondents at most this many cells (and at most 512 draws).
_CELLS_PER_CHUNK = 1 << 22
_MAX_DRAWS_PER_CHUNK = 512
#: Draws whose covariance matrices are formed together (compact integer counts of at most this size).
_BLOCK_BYTES = 256 * 1024 * 1024
_MAX_DRAWS_PER_BLOCK = 2048
#: Cache the row products ``Q`` up to this size; beyond it they are recomputed per row chunk.
_PRODUCT_CACHE_BYTES = 128 * 1024 * 1024
_ROW_CHUNK_BYTES = 64 * 1024 * 1024
_CONSTANT_SHARE = 1e-10


def draws_per_chunk(n: int) -> int:
    """Resamples generated together; depends on ``n`` only, so a seed gives the same draws for any B."""
    return int(max(1, min(_MAX_DRAWS_PER_CHUNK, _CELLS_PER_CHUNK // max(n, 1))))


def iter_resample_counts(n: int, n_resamples: int, *, seed: int | None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(first draw, counts)`` chunks; ``counts[b, i]`` is how often respondent ``i`` is drawn.

    Each draw picks ``n`` respondents uniformly with replacement, so its counts are multinomial. Chunk
    ``c`` uses its own generator spawned from ``SeedSequence(seed)``, so the first ``B`` draws are the
    same whatever the total number of resamples. Counts come in the smallest unsigned integer type.
    """
    chunk = draws_per_chunk(n)
    n_chunks = -(-n_resamples // chunk)
    children = np.random.SeedSequence(seed).spawn(n_chunks)
    # a chunk holds at most max(n, 2**22) cells, so 32-bit flat indices suffice below n = 2**31
    index_type = np.int32 if n < 2**31 else np.int64
    for c, child in enumerate(children):
        start = c * chunk
        size = min(chunk, n_resamples - start)
        rng = np.random.default_rng(child)
        picks = rng.integers(0, n, size=(size, n), dtype=index_type)
        offsets: np.ndarray = np.arange(size, dtype=index_type) * n
        flat = picks + offsets[:, None]
        counts = np.bincount(flat.ravel(), minlength=size * n).reshape(size, n)
        yield start, counts.astype(np.min_scalar_type(int(counts.max())))


def iter_resample_blocks(n: int, n_resamples: int, *, seed: int | None) -> Iterator[tuple[int, np.ndarray]]:
    """The chunks of :func:`iter_resample_counts` joined into blocks of up to ~256 MB of counts."""
    per_block = max(draws_per_chunk(n), min(_MAX_DRAWS_PER_BLOCK, _BLOCK_BYTES // max(n, 1)))
    pending: list[np.ndarray] = []
    first = 0
    for start, counts in iter_resample_counts(n, n_resamples, seed=seed):
        if not pending:
            first = start
        pending.append(counts)
        if sum(c.shape[0] for c in pending) >= per_block:
            yield first, np.concatenate(pending, axis=0)
            pending = []
    if pending:
        yield first, np.concatenate(pending, axis=0)


def resample_counts(n: int, n_resamples: int, *, seed: int | None) -> np.ndarray:
    """All resample counts as one ``(n_resamples, n)`` int64 array (the draws of the bootstrap)."""
    chunks = [c for _, c in iter_resample_counts(n, n_resamples, seed=seed)]
    return np.concatenate(chunks, axis=0).astype(np.int64)


class MomentData:
    """Centred indicator data prepared for fast weighted covariance matrices.

    For small data the row products ``Q`` (all ``p²`` of them) are cached; for large data only the upper
    triangle is used and it is recomputed in row chunks, so memory stays bounded.
    """

    def __init__(self, values: np.ndarray, *, scaled: bool) -> None:
        self.values = values - values.mean(axis=0)
        self.scaled = scaled
        n, p = self.values.shape
        self.n, self.p = n, p
        self.half = n * p * p * 8 > _PRODUCT_CACHE_BYTES
        if self.half:
            self.rows, self.cols = np.triu_indices(p)
        else:
            grid = np.indices((p, p)).reshape(2, -1)
            self.rows, self.cols = grid[0], grid[1]
        self.width = int(self.rows.size)
        #: a resampled indicator whose variance falls below this share of its full-sample variance is
        #: constant in that resample (rounding leaves ~1e-20 instead of an exact 0)
        self.variance_floor = _CONSTANT_SHARE * self.values.var(axis=0)
        self._products = None if self.half else self._row_products(slice(0, n))

    def _row_products(self, rows: slice) -> np.ndarray:
        x = self.values[rows]
        if not self.half:
            return (x[:, :, None] * x[:, None, :]).reshape(x.shape[0], self.width)
        return np.concatenate([x[:, k : k + 1] * x[:, k:] for k in range(self.p)], axis=1)

    def _row_slices(self, n_draws: int) -> Iterator[slice]:
        step = max(1, _ROW_CHUNK_BYTES // (8 * max(n_draws, self.width)))
        for start in range(0, self.n, step):
            yield slice(start, min(self.n, start + step))

    def weighted_sums(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``counts @ X`` and ``counts @ Q`` for integer or float counts ``(B, n)``."""
        if self._products is not None:
            weights = counts.astype(float)
            return weights @ self.values, weights @ self._products
        first = np.zeros((counts.shape[0], self.p))
        second = np.zeros((counts.shape[0], self.width))
        for rows in self._row_slices(counts.shape[0]):
            weights = counts[:, rows].astype(float)
            first += weights @ self.values[rows]
            second += weights @ self._row_products(rows)
        return first, second

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Column sums of ``X`` and ``Q`` (``Q``'s from ``X'X``)."""
        return self.values.sum(axis=0), (self.values.T @ self.values)[self.rows, self.cols]

    def group_sums(self, groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
        """Sums of ``X`` and ``Q`` within each group (``groups[i]`` in ``0..n_groups-1``)."""
        if n_groups == self.n and np.array_equal(groups, np.arange(self.n)) and self._products is not None:
            return self.values.copy(), self._products.copy()
        first = np.stack(
            [np.bincount(groups, weights=self.values[:, k], minlength=n_groups) for k in range(self.p)],
            axis=1,
        )
        second = np.zeros((n_groups, self.width))
        for rows in self._row_slices(1):
            products = self._products[rows] if self._products is not None else self._row_products(rows)
            for k in range(self.width):
                second[:, k] += np.bincount(groups[rows], weights=products[:, k], minlength=n_groups)
        return first, second

    def covariances(self, first: np.ndarray, second: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Covariance (or correlation, when scaled) matrices from weighted sums and total weights."""
        mean = first / weight[:, None]
        moment = second / weight[:, None]
        if self.half:
            full = np.empty((first.shape[0], self.p, self.p))
            full[:, self.rows, self.cols] = moment
            full[:, self.cols, self.rows] = moment
        else:
            full = moment.reshape(-1, self.p, self.p)
        cov = full
        cov -= mean[:, :, None] * mean[:, None, :]
        variances = np.diagonal(cov, axis1=1, axis2=2)
        constant = (variances <= self.variance_floor).any(axis=1)
        if constant.any():
            cov[constant] = np.nan
        if self.scaled:
            with np.errstate(divide="ignore", invalid="ignore"):
                inv_sd = 1.0 / np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
            cov *= inv_sd[:, :, None]
            cov *= inv_sd[:, None, :]
            diagonal = np.arange(self.p)
            cov[:, diagonal, diagonal] = np.where(np.isfinite(inv_sd), 1.0, np.nan)
        return cov

    def resample_covariances(self, counts: np.ndarray) -> np.ndarray:
        """Covariance matrices ``(B, p, p)`` of the resamples given by ``counts`` ``(B, n)``."""
        first, second = self.weighted_sums(counts)
        return self.covariances(first, second, counts.sum(axis=1, dtype=float))

    def jackknife_covariances(self, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """Covariance matrices with one group of respondents left out at a time (``(n_groups, p, p)``)."""
        total_first, total_second = self.totals()
        group_first, group_second = self.group_sums(groups, n_groups)
        sizes = np.bincount(groups, minlength=n_groups).astype(float)
        return self.covariances(total_first - group_first, total_second - group_second, self.n - sizes)
