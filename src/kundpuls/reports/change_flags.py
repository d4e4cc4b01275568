"""What a change is compared with, and which changes a page flags (docs/statistics.md, *What a flag means*).

**The baseline.** A change is the period shown against the up to :data:`BASELINE_PERIODS` (four) periods
before it taken together (:func:`baseline_periods`, :func:`pooled_row`): the answers of those periods are
pooled into one group (their sums of answers and of squares, or their NPS counts), and the test is the
same Welch t (indices) or z (NPS) as between two single periods. The longer baseline has more answers, so
the same change is told from chance more often (docs/methods.md §1.8); the pages say "compared with
2025-Q1–2025-Q3". The pooled periods are consecutive and each of them is shown for the unit: the baseline
stops at the first hidden period going back, so no hidden group can be recovered from a baseline and the
periods it is made of.

**The flags.** Every surface that shows a change — the unit page, the organisation overview,
the PDF, the Excel and CSV tables, the API — takes its flags from :func:`flag_changes` applied to the same
family: all units and indices of the survey in that period (and segment value). A flag then means the
same everywhere, and among all flags of a period at most :data:`~kundpuls.stats.FALSE_DISCOVERY_RATE`
(5 %) are expected to be changes that did not happen (docs/statistics.md, *What a flag means*). The
threshold adapts to how many changes are looked at.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from kundpuls.errors import InvalidArgument
from kundpuls.reports.contracts import Change
from kundpuls.stats import FALSE_DISCOVERY_RATE, bh_adjust
from kundpuls.stats.multiplicity import power_weights

K = TypeVar("K", bound=Hashable)
Row = Mapping[str, Any]

#: How many periods before the one shown a change is compared with (fewer when there are fewer).
BASELINE_PERIODS = 4


def baseline_periods(rows: Sequence[Row | None], *, limit: int = BASELINE_PERIODS) -> int:
    """How many of the periods before the one shown (``rows``, oldest first, the last just before it) to pool.

    The last ``limit`` at most, consecutive back from the period shown, stopping at the first one that is
    missing or hidden (``suppressed``): 0 when the period just before is hidden or absent.
    """
    if limit < 1:
        raise InvalidArgument(f"limit: must be at least 1, not {limit!r}", field="limit", value=limit)
    count = 0
    for row in reversed(rows[-limit:]):
        if row is None or bool(row["suppressed"]):
            break
        count += 1
    return count


def pooled_row(rows: Sequence[Row]) -> dict[str, Any]:
    """One shown frame row holding the answers of ``rows`` (shown rows of one unit and index) together.

    Means: ``n = Σn_k``, mean ``Σn_k·x̄_k/n``, sd from ``Σ((n_k − 1)s_k² + n_k·x̄_k²)`` (the pooled sums of
    answers and squares; exactly the mean and sd of all the answers together). NPS: summed counts.
    """
    if not rows:
        raise InvalidArgument("rows: at least one row is needed to pool", field="rows", value=0)
    if len(rows) == 1:
        return dict(rows[0])
    n = np.array([float(r["n"]) for r in rows])
    total_n = float(n.sum())
    out: dict[str, Any] = {**rows[-1], "n": total_n}
    if rows[-1]["kind"] == "nps":
        for field in ("promoters", "detractors"):
            out[field] = float(sum(float(r[field]) for r in rows))
        return out
    means = np.array([float(r["estimate"]) for r in rows])
    sds = np.nan_to_num(np.array([float(r["sd"]) for r in rows]))  # a single answer has no sd
    mean = float(n @ means / total_n)
    squares = float(((n - 1) * sds**2 + n * means**2).sum())
    out["estimate"] = mean
    out["sd"] = math.sqrt(max(squares - total_n * mean**2, 0.0) / (total_n - 1)) if total_n > 1 else math.nan
    return out


def baseline_label(periods: Sequence[str]) -> str:
    """``2025-Q3`` for one period, ``2025-Q1–2025-Q3`` for several (oldest–newest)."""
    return periods[0] if len(periods) == 1 else f"{periods[0]}–{periods[-1]}"


def flag_changes(
    changes: Mapping[K, Change | None],
    *,
    q: float = FALSE_DISCOVERY_RATE,
    n_eff: Mapping[K, float] | None = None,
) -> dict[K, Change | None]:
    """The changes with ``q_value`` (Benjamini–Hochberg) and ``significant`` = ``q_value ≤ q``.

    ``changes`` is one family (a period's units × indices); ``None`` (no test possible: a hidden side)
    stays ``None`` and does not count. A change whose p-value is missing is never flagged. With ``n_eff``
    (per change ``1/(1/n_before + 1/n_after)``) the procedure is weighted by
    :func:`~kundpuls.stats.multiplicity.power_weights`: the 5 % goes where a change of
    :data:`~kundpuls.stats.multiplicity.DESIGN_EFFECT` SD can be seen.
    """
    present = {key: change for key, change in changes.items() if change is not None}
    keys = list(present)
    p = np.asarray(
        [
            math.nan if (v := present[key].p_value) is None or not math.isfinite(v) else float(v)
            for key in keys
        ],
        dtype=float,
    )
    weights = None
    if n_eff is not None and keys:
        tested = ~np.isnan(p)
        weights = np.zeros(len(keys))
        if tested.any():
            weights[tested] = power_weights(
                [float(n_eff.get(key, 0.0)) for key, t in zip(keys, tested, strict=True) if t]
            )
    adjusted = bh_adjust(p, weights=weights)
    out: dict[K, Change | None] = dict(changes)
    for key, value in zip(keys, adjusted.tolist(), strict=True):
        change = present[key]
        known = not np.isnan(value)
        out[key] = replace(
            change, q_value=float(value) if known else None, significant=bool(known and value <= q)
        )
    return out


def effective_n(before: Row | None, after: Row | None) -> float:
    """``1/(1/n_before + 1/n_after)``: the answers a change test stands on (0 when a side is missing)."""
    if before is None or after is None:
        return 0.0
    a, b = float(before["n"] or 0), float(after["n"] or 0)
    return 1.0 / (1.0 / a + 1.0 / b) if a > 0 and b > 0 else 0.0
