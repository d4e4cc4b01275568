"""Missing values in PLS indicator data: declared missing codes, mean replacement or listwise deletion.

PLS path modelling needs a complete indicator matrix. Published analyses (Hair et al., *A Primer on
PLS-SEM*; SmartPLS and seminr defaults) replace a missing value by the mean of the indicator's answered
values ("mean replacement"); the alternative is to drop every respondent with a missing indicator
("listwise deletion"). Either way the choice and the counts are reported in a :class:`MissingReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from kundpuls.errors import InvalidArgument

MissingStrategy = Literal["mean", "listwise"]
MISSING_STRATEGIES: tuple[str, ...] = ("mean", "listwise")


@dataclass(frozen=True)
class MissingReport:
    """What happened to missing values before estimation.

    Attributes
    ----------
    strategy : {"mean", "listwise"}
        Mean replacement or listwise deletion.
    codes : tuple of float
        Values declared missing (besides NaN), e.g. ``(-99,)``.
    n_input : int
        Respondents (rows) given.
    n : int
        Respondents used for estimation.
    missing_by_indicator : dict
        Number of missing values per indicator (after recoding the codes to missing).
    rows_dropped : int
        Respondents removed (listwise deletion only).
    values_replaced : int
        Values replaced by their indicator mean (mean replacement only).
    """

    strategy: str
    codes: tuple[float, ...]
    n_input: int
    n: int
    missing_by_indicator: dict[str, int] = field(default_factory=dict)
    rows_dropped: int = 0
    values_replaced: int = 0

    def as_dict(self) -> dict[str, object]:
        """A JSON-friendly mapping."""
        return {
            "strategy": self.strategy,
            "codes": list(self.codes),
            "n_input": self.n_input,
            "n": self.n,
            "missing_by_indicator": dict(self.missing_by_indicator),
            "rows_dropped": self.rows_dropped,
            "values_replaced": self.values_replaced,
        }


def handle_missing(
    values: np.ndarray,
    columns: Sequence[str],
    *,
    codes: Sequence[float] = (),
    strategy: str = "mean",
) -> tuple[np.ndarray, np.ndarray, MissingReport]:
    """Recode missing codes to NaN, then replace by column means or drop incomplete rows.

    Parameters
    ----------
    values : (n, p) float array
        Indicator values; NaN is always missing.
    columns : sequence of str
        Indicator names (for the report and error messages).
    codes : sequence of float
        Extra values to treat as missing (e.g. ``-99``).
    strategy : {"mean", "listwise"}
        Mean replacement: ``x_ij := mean of the answered x_.j``. Listwise: drop rows with any missing.

    Returns
    -------
    values : (m, p) float array
        The complete data.
    kept_rows : (m,) int array
        Positions of the kept rows in the input.
    report : MissingReport
    """
    if strategy not in MISSING_STRATEGIES:
        raise InvalidArgument(
            f"missing_strategy: must be 'mean' or 'listwise', not {strategy!r}",
            field="missing_strategy",
            value=strategy,
        )
    data = np.array(values, dtype=float, copy=True)
    for code in codes:
        data[data == code] = np.nan
    missing = np.isnan(data)
    by_indicator = {name: int(k) for name, k in zip(columns, missing.sum(axis=0), strict=True)}
    n_input = data.shape[0]
    empty = [name for name, k in by_indicator.items() if k == n_input]
    if empty:
        raise InvalidArgument(
            f"data: indicator {empty[0]!r} has no answered values", field=empty[0], value=None
        )
    codes_tuple = tuple(float(c) for c in codes)
    if strategy == "listwise":
        complete = ~missing.any(axis=1)
        kept = np.flatnonzero(complete)
        report = MissingReport(
            "listwise",
            codes_tuple,
            n_input,
            int(kept.size),
            by_indicator,
            rows_dropped=int(n_input - kept.size),
        )
        return data[kept], kept, report
    means = np.nanmean(data, axis=0)
    rows, cols = np.nonzero(missing)
    data[rows, cols] = means[cols]
    report = MissingReport(
        "mean", codes_tuple, n_input, n_input, by_indicator, values_replaced=int(rows.size)
    )
    return data, np.arange(n_input), report
