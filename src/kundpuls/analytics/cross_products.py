"""Cross-product matrices per group for driver models (regression, PLS on covariances).

For the respondents who answered every item of the model (listwise complete), each group gets ``n``, the
sums ``Σx_i`` and the sums of products ``Σx_i·x_j``; means, covariances and correlations follow:
``mean_i = Σx_i/n``, ``cov_ij = (Σx_i·x_j − Σx_i·Σx_j/n)/(n − 1)``. Groups roll up through the unit tree
like every other query, and groups under the anonymity threshold carry no numbers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kundpuls.analytics.engines import Engine
from kundpuls.analytics.lake.manifest import LakeLocation
from kundpuls.analytics.query_specs import CrossProductQuery
from kundpuls.analytics.rollup import DEFAULT_THRESHOLD, lake_unit_tree, open_lake, run_grouped_query
from kundpuls.analytics.suppression import suppressed_cells
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument, NotFound


@dataclass(frozen=True)
class CrossProducts:
    """Per-group moment matrices. Row ``g`` of ``groups`` matches ``sums[g]`` and ``products[g]``.

    Attributes
    ----------
    groups : pandas.DataFrame
        ``unit, unit_path, depth, period, period_start, period_end, [segment], n, suppressed``.
    items : tuple of str
    sums : ndarray (groups, items)
        ``Σx_i``; NaN where suppressed.
    products : ndarray (groups, items, items)
        ``Σx_i·x_j`` (symmetric); NaN where suppressed.
    """

    groups: pd.DataFrame
    items: tuple[str, ...]
    sums: np.ndarray
    products: np.ndarray

    def means(self) -> np.ndarray:
        """``Σx_i/n`` per group (groups × items)."""
        n = self.groups["n"].to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.sums / n[:, None]

    def covariance(self, group: int, *, ddof: int = 1) -> np.ndarray:
        """Covariance matrix of group ``group``: ``(Σxxᵀ − ΣxΣxᵀ/n)/(n − ddof)``."""
        n = self._n(group)
        s = self.sums[group]
        return (self.products[group] - np.outer(s, s) / n) / (n - ddof)

    def correlation(self, group: int) -> np.ndarray:
        """Correlation matrix of group ``group``."""
        cov = self.covariance(group)
        sd = np.sqrt(np.diag(cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            return cov / np.outer(sd, sd)

    def _n(self, group: int) -> float:
        if not 0 <= group < len(self.groups):
            raise InvalidArgument(
                f"group: {group} is out of range for {len(self.groups)} groups", field="group", value=group
            )
        if bool(self.groups["suppressed"].iloc[group]):
            raise InvalidArgument(
                f"group: {group} is suppressed (n below the threshold)", field="group", value=group
            )
        return float(self.groups["n"].iloc[group])


def cross_products(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    items: Sequence[str],
    *,
    period: str = "all",
    segment: str | None = None,
    rollup: bool = True,
    start: str | None = None,
    end: str | None = None,
    units: Iterable[str] | None = None,
    tree: UnitTree | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    complementary: bool = True,
    engine: Engine | str | None = None,
    filesystem: Any = None,
) -> CrossProducts:
    """Listwise-complete ``n``, ``Σx`` and ``Σxxᵀ`` of ``items`` per unit × period (× segment)."""
    location, manifest = open_lake(lake, filesystem=filesystem)
    known = manifest.survey_items(survey)
    if not known:
        raise NotFound(f"survey: no responses for survey {survey!r} in the lake")
    unknown = [k for k in items if k not in known]
    if unknown:
        raise InvalidArgument(
            f"items: {unknown} are not items of survey {survey!r}", field="items", value=unknown
        )
    query = CrossProductQuery(
        survey, tuple(items), period=period, segment=segment, rollup=rollup, start=start, end=end
    )
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    wide = run_grouped_query(location, manifest, query.sql(), query, unit_tree, units=units, engine=engine)
    k = len(items)
    group_columns = list(query.group_columns)
    if wide.num_rows == 0:
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in group_columns})
        empty["n"] = pd.Series([], dtype="Int64")
        empty["suppressed"] = pd.Series([], dtype=bool)
        return CrossProducts(empty, tuple(items), np.zeros((0, k)), np.zeros((0, k, k)))
    frame = wide.to_pandas()
    index, _, depth = unit_tree.arrays()
    frame["_order"] = frame["unit"].map(index)
    frame = frame.sort_values(["_order", *group_columns[1:]], kind="stable", ignore_index=True)
    unit_idx = frame["_order"].to_numpy(dtype=np.int64)
    slice_id = frame.groupby(group_columns[1:], sort=True, dropna=False).ngroup().to_numpy()
    n = frame["n"].to_numpy(dtype=np.int64)
    dense = np.zeros((int(slice_id.max()) + 1, len(unit_tree.codes)), dtype=np.int64)
    present = np.zeros_like(dense, dtype=bool)
    dense[slice_id, unit_idx] = n
    present[slice_id, unit_idx] = True
    hide = suppressed_cells(
        dense, present, unit_tree, threshold=threshold, complementary=complementary and rollup
    )[slice_id, unit_idx]
    sums = np.stack([frame[f"s_{i}"].to_numpy(dtype=np.float64) for i in range(k)], axis=1)
    products = np.zeros((len(frame), k, k))
    for i in range(k):
        for j in range(i, k):
            products[:, i, j] = products[:, j, i] = frame[f"p_{i}_{j}"].to_numpy(dtype=np.float64)
    sums[hide] = np.nan
    products[hide] = np.nan
    groups = frame[group_columns].copy()
    groups.insert(1, "unit_path", [unit_tree.path(c) for c in groups["unit"]])
    groups.insert(2, "depth", depth[unit_idx])
    groups["n"] = pd.arrays.IntegerArray(np.where(hide, 0, n), hide)
    groups["suppressed"] = hide
    return CrossProducts(groups, tuple(items), sums, products)
