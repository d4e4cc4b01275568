"""Which changes a page flags: Benjamini–Hochberg across every unit × index of the period shown.

Every surface that shows a change since the previous period — the unit page, the organisation overview,
the PDF, the Excel and CSV tables, the API — takes its flags from :func:`flag_changes` applied to the same
family: all units and indices of the survey in that period (and segment value). A flag then means the
same everywhere, and among all flags of a period at most :data:`~kundpuls.stats.FALSE_DISCOVERY_RATE`
(5 %) are expected to be changes that did not happen (docs/statistics.md, *What a flag means*). The
test behind each change is unchanged (Welch t for indices, z for NPS); only the threshold adapts to how
many changes are looked at.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import TypeVar

import numpy as np

from kundpuls.reports.contracts import Change
from kundpuls.stats import FALSE_DISCOVERY_RATE, bh_adjust

K = TypeVar("K", bound=Hashable)


def flag_changes(
    changes: Mapping[K, Change | None], *, q: float = FALSE_DISCOVERY_RATE
) -> dict[K, Change | None]:
    """The changes with ``q_value`` (Benjamini–Hochberg) and ``significant`` = ``q_value ≤ q``.

    ``changes`` is one family (a period's units × indices); ``None`` (no test possible: a hidden side)
    stays ``None`` and does not count. A change whose p-value is missing is never flagged.
    """
    present = {key: change for key, change in changes.items() if change is not None}
    keys = list(present)
    p = [
        math.nan if (v := present[key].p_value) is None or not math.isfinite(v) else float(v) for key in keys
    ]
    adjusted = bh_adjust(np.asarray(p, dtype=float))
    out: dict[K, Change | None] = dict(changes)
    for key, value in zip(keys, adjusted.tolist(), strict=True):
        change = present[key]
        known = not np.isnan(value)
        out[key] = replace(
            change, q_value=float(value) if known else None, significant=bool(known and value <= q)
        )
    return out
