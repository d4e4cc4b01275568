"""Sufficient statistics per unit (with its descendants) × period (× segment) × item, anonymised.

This is the analytics layer's main entry point for indices::

    stats = sufficient_statistics("/var/kundpuls/lake", "medborgare", period="quarter", rollup=True)
    table = index_table(stats)          # kundpuls.analytics.index_tables

Nothing under the anonymity threshold leaves this function: cells that are suppressed (primary or
complementary, see :mod:`kundpuls.analytics.suppression`) carry ``suppressed = True`` and no numbers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kundpuls.analytics.engines import Engine, resolve_engine
from kundpuls.analytics.lake.layout import (
    RESPONSES,
    SCHEMA_VERSION,
    item_column,
    segment_column,
    segment_names,
)
from kundpuls.analytics.lake.manifest import (
    LakeLocation,
    Manifest,
    lake_location,
    read_current_manifest,
)
from kundpuls.analytics.manifest_memo import parsed_manifest
from kundpuls.analytics.periods import period_table
from kundpuls.analytics.query_specs import MomentsQuery
from kundpuls.analytics.suppression import suppressed_cells
from kundpuls.analytics.unit_tree import UnitTree
from kundpuls.errors import InvalidArgument, NotFound

DEFAULT_THRESHOLD = 7
#: What an item is reported as: a 0–100 index of a rating, an NPS, or a share of 1/0 answers.
ITEM_KINDS = ("rating", "nps", "share")

#: Statistic columns of the long table, in order; integers are nullable (suppressed cells are empty).
STAT_COLUMNS = (
    "n",
    "sum",
    "sumsq",
    "promoters",
    "detractors",
    "weight_sum",
    "weight_sq_sum",
    "wsum_x",
    "wsum_xx",
    "weight_promoters",
    "weight_detractors",
)
_SQL_PREFIX = {
    "n": "n",
    "sum": "sum",
    "sumsq": "sumsq",
    "promoters": "prom",
    "detractors": "detr",
    "weight_sum": "wsum",
    "weight_sq_sum": "wsqsum",
    "wsum_x": "wx",
    "wsum_xx": "wxx",
    "weight_promoters": "wprom",
    "weight_detractors": "wdetr",
}


@dataclass(frozen=True)
class StatisticArrays:
    """The anonymised statistics as arrays: one row per group (unit × period × [segment]), one column per
    item. Hidden cells hold NaN; ``hidden`` marks them."""

    groups: Mapping[str, Any]  # column -> pandas Categorical or numpy array, one entry per group
    items: tuple[str, ...]
    kinds: tuple[str, ...]  # "rating" | "nps" | "share" per item
    stats: Mapping[str, np.ndarray]  # STAT_COLUMNS name -> float array (groups, items), if queried
    hidden: np.ndarray  # bool (groups, items)

    @property
    def rows(self) -> int:
        return int(self.hidden.shape[0])


@dataclass(frozen=True)
class SufficientStatistics:
    """The anonymised result of a :class:`MomentsQuery`: one row per unit × period × [segment] × item.

    Attributes
    ----------
    arrays : StatisticArrays
        The same numbers as arrays (groups × items), used by :func:`index_table`.
    query : MomentsQuery
    scales : mapping
        ``{item: (min, max)}`` of the items with a known scale.
    kinds : mapping
        ``{item: "rating" | "nps" | "share"}`` (a share: a 0/1 item, reported with a Wilson interval).
    threshold : int
    """

    arrays: StatisticArrays
    query: MomentsQuery
    scales: Mapping[str, tuple[float, float]]
    kinds: Mapping[str, str]
    threshold: int

    @cached_property
    def table(self) -> pd.DataFrame:
        """Long table: ``unit, unit_path, depth, period, period_start, period_end, [segment], item, kind``,
        then ``n, sum, sumsq`` (raw item scale), ``promoters, detractors`` (NPS items),
        ``weight_sum, weight_sq_sum, wsum_x, wsum_xx`` and for NPS items ``weight_promoters,
        weight_detractors`` (weighted queries) and ``suppressed``, sorted by
        unit (tree order), period, segment and item. Suppressed rows have every statistic empty."""
        arrays = self.arrays
        columns = long_group_columns(arrays)
        flat_hide = arrays.hidden.ravel()
        for name in STAT_COLUMNS:
            values = (
                arrays.stats[name].ravel() if name in arrays.stats else np.full(arrays.hidden.size, np.nan)
            )
            mask = flat_hide | np.isnan(values)
            if name in _INTEGER_STATS:
                columns[name] = pd.arrays.IntegerArray(np.where(mask, 0, values).astype(np.int64), mask)
            else:
                columns[name] = pd.arrays.FloatingArray(np.where(mask, 0.0, values), mask)
        columns["suppressed"] = flat_hide
        return pd.DataFrame(columns)


def long_group_columns(arrays: StatisticArrays) -> dict[str, Any]:
    """Group columns repeated once per item, plus ``item`` and ``kind`` (long layout, group-major)."""
    k = len(arrays.items)
    columns: dict[str, Any] = {}
    for name, values in arrays.groups.items():
        if isinstance(values, pd.Categorical):
            columns[name] = pd.Categorical.from_codes(
                np.repeat(values.codes, k), categories=values.categories
            )
        else:
            columns[name] = np.repeat(values, k)
    item_codes = np.tile(np.arange(k), arrays.rows)
    columns["item"] = pd.Categorical.from_codes(item_codes, categories=list(arrays.items))
    kind_codes = np.asarray([ITEM_KINDS.index(kind) for kind in arrays.kinds], dtype=np.int64)
    columns["kind"] = pd.Categorical.from_codes(kind_codes[item_codes], categories=list(ITEM_KINDS))
    return columns


def open_lake(
    lake: str | os.PathLike[str] | LakeLocation, *, filesystem: Any = None
) -> tuple[LakeLocation, Manifest]:
    """Resolve a lake and read its (current-version) manifest (parsed once per content:
    :mod:`kundpuls.analytics.manifest_memo`)."""
    location = lake_location(lake, filesystem=filesystem)
    manifest = parsed_manifest(location)
    if manifest.schema_version != SCHEMA_VERSION:
        return location, read_current_manifest(location)  # refuses the lake, naming its version
    return location, manifest


def lake_unit_tree(manifest: Manifest) -> UnitTree:
    """The unit tree recorded in the lake (latest path of each unit with responses)."""
    return UnitTree.from_paths(manifest.units)


def resolve_query_items(
    manifest: Manifest,
    survey: str,
    *,
    items: Sequence[str] | None = None,
    nps_items: Sequence[str] | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[float, float]], dict[str, str]]:
    """Items to query, which of them are NPS items, their scales and kinds, from the manifest + overrides."""
    meta = manifest.survey_items(survey)
    if not meta and survey not in manifest.survey_keys():
        raise NotFound(f"survey: no responses for survey {survey!r} in the lake")
    if items is not None:
        chosen = tuple(items)
    else:  # every item that has an index: a scale (min, max) or NPS; yes/no and text items have none
        chosen = tuple(
            sorted(
                k
                for k, m in meta.items()
                if ("min" in m and "max" in m)
                or m.get("kind") == "nps"
                or (scales is not None and k in scales)
                or (nps_items is not None and k in nps_items)
            )
        )
        if not chosen:
            raise InvalidArgument(
                f"items: no item of survey {survey!r} has a scale (min, max) or is NPS: {sorted(meta)}",
                field="items",
                value=sorted(meta),
            )
    unknown = [k for k in chosen if k not in meta]
    if unknown:
        raise InvalidArgument(
            f"items: {unknown} are not items of survey {survey!r}", field="items", value=unknown
        )
    if nps_items is None:
        nps = tuple(k for k in chosen if meta.get(k, {}).get("kind") == "nps")
    else:
        nps = tuple(nps_items)
    kinds = {
        k: "nps" if k in nps else ("share" if meta.get(k, {}).get("kind") == "share" else "rating")
        for k in chosen
    }
    found: dict[str, tuple[float, float]] = {}
    for key in chosen:
        if scales is not None and key in scales:
            found[key] = (float(scales[key][0]), float(scales[key][1]))
        elif "min" in meta.get(key, {}) and "max" in meta.get(key, {}):
            found[key] = (float(meta[key]["min"]), float(meta[key]["max"]))
        elif kinds[key] == "nps":
            found[key] = (0.0, 10.0)
    return chosen, nps, found, kinds


def sufficient_statistics(
    lake: str | os.PathLike[str] | LakeLocation,
    survey: str,
    *,
    items: Sequence[str] | None = None,
    nps_items: Sequence[str] | None = None,
    period: str = "month",
    segment: str | None = None,
    rollup: bool = True,
    weighted: bool = False,
    start: str | None = None,
    end: str | None = None,
    units: Iterable[str] | None = None,
    tree: UnitTree | None = None,
    scales: Mapping[str, tuple[float, float]] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    complementary: bool = True,
    engine: Engine | str | None = None,
    filesystem: Any = None,
) -> SufficientStatistics:
    """Count, sums and sums of squares of items per unit × period (× segment), rolled up, anonymised.

    Parameters
    ----------
    lake : str, path or LakeLocation
        The lake folder or URI.
    survey : str
        Survey key.
    items : sequence of str, optional
        Item keys (default: every item of the survey in the manifest).
    nps_items : sequence of str, optional
        Items counted as NPS (promoters 9–10, detractors 0–6); default: items of kind ``"nps"``.
    period : {"month", "quarter", "year", "rolling12", "all"}
    segment : str, optional
        A background variable to split by (``None`` values form their own segment).
    rollup : bool
        Each unit's row covers its whole subtree (True) or only its own responses (False).
    weighted : bool
        Add weighted sums (the ``weight`` column; missing weights count 1).
    start, end : "YYYY-MM", optional
        Closed month range.
    units : iterable of str, optional
        Report only these units (their subtrees are still rolled up into them).
    tree : UnitTree, optional
        Unit tree to roll up through (default: the lake's own, latest path of each unit).
    scales : mapping, optional
        ``{item: (min, max)}`` overriding the manifest.
    threshold : int
        Anonymity threshold: cells with n below it carry no numbers (default 7, docs/methods.md §1.10).
    complementary : bool
        Apply complementary suppression through the unit tree (rolled-up tables).
    engine : Engine, "duckdb" or "spark", optional
        Default DuckDB.

    Returns
    -------
    SufficientStatistics
    """
    if not isinstance(threshold, int) or threshold < 1:
        raise InvalidArgument(
            f"threshold: {threshold!r} must be a positive integer", field="threshold", value=threshold
        )
    location, manifest = open_lake(lake, filesystem=filesystem)
    chosen, nps, found_scales, kinds = resolve_query_items(
        manifest, survey, items=items, nps_items=nps_items, scales=scales
    )
    query = MomentsQuery(
        survey=survey,
        items=chosen,
        nps_items=nps,
        period=period,
        segment=segment,
        rollup=rollup,
        weighted=weighted,
        start=start,
        end=end,
    )
    if segment is not None and segment not in segment_names(
        manifest.surveys.get(survey, {}).get("background", [])
    ):
        raise InvalidArgument(
            f"segment: {segment!r} is not a background variable of survey {survey!r}",
            field="segment",
            value=segment,
        )
    unit_tree = tree if tree is not None else lake_unit_tree(manifest)
    wide = run_grouped_query(location, manifest, query.sql(), query, unit_tree, units=units, engine=engine)
    arrays = _statistic_arrays(
        wide, query, unit_tree, threshold=threshold, complementary=complementary and rollup
    )
    arrays = replace(arrays, kinds=tuple(kinds[key] for key in arrays.items))
    return SufficientStatistics(arrays, query, found_scales, kinds, threshold)


def run_grouped_query(
    location: LakeLocation,
    manifest: Manifest,
    sql: str,
    query: Any,
    tree: UnitTree,
    *,
    units: Iterable[str] | None = None,
    engine: Engine | str | None = None,
    table: str = RESPONSES,
    columns: Mapping[str, str] | None = None,
) -> pa.Table:
    """Run a two-step query over the survey's files with the unit and period maps registered."""
    periods = period_table(manifest.months(query.survey), query.period, start=query.start, end=query.end)
    months = set(periods.column("period_month").to_pylist())
    files = [f.path for f in manifest.table_files(table, survey=query.survey) if f.month in months]
    wanted = None
    if units is not None:
        wanted = list(units)
        for code in wanted:
            tree.path(code)  # raises NotFound for an unknown unit
    unit_map = tree.ancestor_table(rollup=query.rollup, only=wanted)
    if not files:
        return pa.table({})
    needed = dict(columns or {})
    needed.update({item_column(k): "DOUBLE" for k in getattr(query, "items", ())})
    if getattr(query, "segment", None):
        needed[segment_column(query.segment)] = "STRING"
    return resolve_engine(engine).execute(
        sql,
        lake=location,
        files={table: files},
        tables={"unit_map": unit_map, "period_map": periods},
        columns={table: needed},
    )


def _statistic_arrays(
    wide: pa.Table, query: MomentsQuery, tree: UnitTree, *, threshold: int, complementary: bool
) -> StatisticArrays:
    """Wide engine output -> sorted, anonymised arrays (groups × items)."""
    groups = list(query.group_columns)
    items = tuple(query.items)
    kinds = tuple("nps" if key in query.nps_items else "rating" for key in items)
    k = len(items)
    if wide.num_rows == 0:
        empty_groups: dict[str, Any] = {
            "unit": pd.Categorical([]),
            "unit_path": pd.Categorical([]),
            "depth": np.zeros(0, dtype=np.int64),
        }
        empty_groups.update({c: pd.Categorical([]) for c in groups[1:]})
        empty_stats = {name: np.zeros((0, k)) for name in STAT_COLUMNS}
        return StatisticArrays(empty_groups, items, kinds, empty_stats, np.zeros((0, k), dtype=bool))
    index, _, depth = tree.arrays()
    keys = {c: _codes(wide.column(c)) for c in groups}
    unit_idx = np.asarray([index[c] for c in keys["unit"][1]], dtype=np.int64)[keys["unit"][0]]
    # sort rows by unit (tree order), period, segment
    sort_keys = [keys[c][0] for c in reversed(groups[1:])]
    order = np.lexsort([*sort_keys, unit_idx])
    unit_idx = unit_idx[order]
    codes = {c: keys[c][0][order] for c in groups}
    slice_key = np.zeros(len(order), dtype=np.int64)
    for c in groups[1:]:
        slice_key = slice_key * (len(keys[c][1]) + 1) + codes[c]
    slice_id = np.unique(slice_key, return_inverse=True)[1].ravel()
    slices = int(slice_id.max()) + 1
    rows = len(order)
    n = np.stack([wide.column(f"n_{key}").to_numpy()[order] for key in items]).astype(np.int64)
    # one dense (item × slice) by unit matrix, so suppression runs once for every item and slice
    dense_rows = (np.arange(k)[:, None] * slices + slice_id[None, :]).ravel()
    dense_cols = np.tile(unit_idx, k)
    dense = np.zeros((k * slices, len(tree.codes)), dtype=np.int64)
    present = np.zeros(dense.shape, dtype=bool)
    dense[dense_rows, dense_cols] = n.ravel()
    present[dense_rows, dense_cols] = True
    hidden = suppressed_cells(dense, present, tree, threshold=threshold, complementary=complementary)
    hide = hidden[dense_rows, dense_cols].reshape(k, rows).T
    paths = [tree.path(c) for c in tree.codes]
    group_arrays: dict[str, Any] = {
        "unit": pd.Categorical.from_codes(unit_idx, categories=list(tree.codes)),
        "unit_path": pd.Categorical.from_codes(unit_idx, categories=paths),
        "depth": depth[unit_idx],
    }
    for c in groups[1:]:
        distinct = keys[c][1]
        shown = [v for v in distinct if v is not None]
        category_codes = np.where(np.asarray([v is None for v in distinct])[codes[c]], -1, codes[c])
        group_arrays[c] = pd.Categorical.from_codes(category_codes, categories=shown)
    stats: dict[str, np.ndarray] = {}
    for name in STAT_COLUMNS:
        names = [f"{_SQL_PREFIX[name]}_{key}" for key in items]
        if not any(column in wide.column_names for column in names):
            continue  # e.g. weighted sums of an unweighted query
        matrix = np.full((rows, k), np.nan)
        for j, column in enumerate(names):
            if column in wide.column_names:
                matrix[:, j] = wide.column(column).to_numpy(zero_copy_only=False)[order]
        matrix[hide] = np.nan
        stats[name] = matrix
    return StatisticArrays(group_arrays, items, kinds, stats, hide)


_INTEGER_STATS = ("n", "promoters", "detractors")


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """Dictionary-encode a column: (codes in sorted order, sorted distinct values with None last)."""
    distinct = pc.unique(column).drop_null().sort()
    codes = pc.index_in(column, value_set=distinct).fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    values: list[Any] = distinct.to_pylist()
    if column.null_count:
        values.append(None)
    return codes.astype(np.int64), values
