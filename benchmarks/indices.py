"""Benchmark: 12 indices for many groups from sufficient statistics vs per-group pandas on raw rows.

Usage::

    python benchmarks/indices.py [--quick] [--json] [--groups N] [--seed S]

Synthetic raw rows (seeded) for N groups (default 10,000; ``--quick`` 1,000) with 3 NKI items, 12 area items
(six areas of two items), an NPS question, a CSAT (1–5) and a CES 2.0 (1–7) question. Twelve indices per
group:

1. NKI (0–100)                    mean_index_from_moments
2–7. six area indices (0–100)     mean_index_from_moments
8. NPS                            nps_from_counts
9. CSAT top-2 box (%)             proportion_from_counts
10. CSAT mean (1–5)               mean_index_from_moments(bounds=(1, 5))
11. CES mean (1–7)                mean_index_from_moments(bounds=(1, 7))
12. CES agree share 5–7 (%)       proportion_from_counts

Measured in the same run:

* ``seconds``: sufficient statistics → 12 index arrays (what a dashboard does after the analytics query);
* ``aggregate_seconds``: raw rows → sufficient statistics with ``numpy.bincount`` (the part the analytics
  layer does in DuckDB/Spark), reported separately;
* ``pandas_seconds``: the straightforward baseline, ``DataFrame.groupby("group").apply(...)`` calling the
  raw-data functions (``satisfaction_index``, ``nps``, ``top_box``, ``scale_mean``) per group.

Both routes must give the same numbers; the largest absolute difference is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

try:
    import kundpuls.stats  # noqa: F401
except ImportError:  # running from a checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kundpuls.errors import InsufficientData
from kundpuls.stats import (
    mean_index_from_moments,
    nps,
    nps_from_counts,
    proportion_from_counts,
    respondent_index,
    satisfaction_index,
    scale_mean,
    top_box,
)

AREAS = 6
INDEX_NAMES = [
    "nki",
    *[f"area_{k + 1}" for k in range(AREAS)],
    "nps",
    "csat_top2",
    "csat_mean",
    "ces_mean",
    "ces_agree",
]


def synthetic_rows(groups: int, seed: int) -> pd.DataFrame:
    """Seeded raw answers: 3–40 respondents per group, about 8 % missing item answers."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 41, groups)
    group = np.repeat(np.arange(groups), sizes)
    rows = group.shape[0]
    level = rng.normal(0, 1.2, groups)[group]
    columns: dict[str, np.ndarray] = {"group": group}

    def rating(lo: int, hi: int, shift: float = 0.0) -> np.ndarray:
        centre = (lo + hi) / 2 + 0.6 + shift
        return np.clip(np.rint(centre + level + rng.normal(0, 1.6, rows)), lo, hi)

    for q in range(3):
        columns[f"nki{q + 1}"] = rating(1, 10)
    for k in range(AREAS):
        for q in range(2):
            columns[f"a{k + 1}_{q + 1}"] = rating(1, 10, shift=0.3 * k - 0.8)
    for name in [c for c in columns if c != "group"]:
        values = columns[name]
        values[rng.random(rows) < 0.08] = np.nan
    columns["recommend"] = rating(0, 10)
    columns["csat"] = rating(1, 5)
    columns["ces"] = rating(1, 7)
    return pd.DataFrame(columns)


def aggregate(frame: pd.DataFrame, groups: int) -> dict[str, np.ndarray]:
    """Raw rows → per-group sufficient statistics (counts, sums, sums of squares) with numpy.bincount."""
    group = frame["group"].to_numpy()
    stats: dict[str, np.ndarray] = {}

    def moments(name: str, values: np.ndarray) -> None:
        ok = ~np.isnan(values)
        g, v = group[ok], values[ok]
        stats[f"{name}_n"] = np.bincount(g, minlength=groups)
        stats[f"{name}_sum"] = np.bincount(g, weights=v, minlength=groups)
        stats[f"{name}_sumsq"] = np.bincount(g, weights=v * v, minlength=groups)

    moments("nki", respondent_index(frame[["nki1", "nki2", "nki3"]].to_numpy()))
    for k in range(AREAS):
        moments(f"area_{k + 1}", respondent_index(frame[[f"a{k + 1}_1", f"a{k + 1}_2"]].to_numpy()))
    rec = frame["recommend"].to_numpy()
    stats["promoters"] = np.bincount(group[rec >= 9], minlength=groups)
    stats["passives"] = np.bincount(group[(rec >= 7) & (rec <= 8)], minlength=groups)
    stats["detractors"] = np.bincount(group[rec <= 6], minlength=groups)
    csat = frame["csat"].to_numpy()
    moments("csat", csat)
    stats["csat_top2"] = np.bincount(group[csat >= 4], minlength=groups)
    ces = frame["ces"].to_numpy()
    moments("ces", ces)
    stats["ces_agree"] = np.bincount(group[ces >= 5], minlength=groups)
    return stats


def indices_from_sufficient(stats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The twelve index arrays (estimates) from sufficient statistics."""
    out = {}
    for name in ["nki", *[f"area_{k + 1}" for k in range(AREAS)]]:
        out[name] = mean_index_from_moments(stats[f"{name}_n"], stats[f"{name}_sum"], stats[f"{name}_sumsq"])
    out["nps"] = nps_from_counts(stats["promoters"], stats["passives"], stats["detractors"])
    out["csat_top2"] = proportion_from_counts(stats["csat_top2"], stats["csat_n"])
    out["csat_mean"] = mean_index_from_moments(
        stats["csat_n"], stats["csat_sum"], stats["csat_sumsq"], bounds=(1.0, 5.0)
    )
    out["ces_mean"] = mean_index_from_moments(
        stats["ces_n"], stats["ces_sum"], stats["ces_sumsq"], bounds=(1.0, 7.0)
    )
    out["ces_agree"] = proportion_from_counts(stats["ces_agree"], stats["ces_n"])
    return {name: arrays.estimate for name, arrays in out.items()}


def _estimate(fn, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    try:
        value = fn(*args, **kwargs).estimate
    except InsufficientData:
        return float("nan")
    return float("nan") if value is None else float(value)


def indices_for_one_group(df: pd.DataFrame) -> pd.Series:
    """The baseline: the raw-data functions on one group's rows."""
    values = {"nki": _estimate(satisfaction_index, df[["nki1", "nki2", "nki3"]].to_numpy())}
    for k in range(AREAS):
        values[f"area_{k + 1}"] = _estimate(satisfaction_index, df[[f"a{k + 1}_1", f"a{k + 1}_2"]].to_numpy())
    values["nps"] = _estimate(nps, df["recommend"].to_numpy())
    values["csat_top2"] = _estimate(top_box, df["csat"].to_numpy())
    values["csat_mean"] = _estimate(scale_mean, df["csat"].to_numpy(), scale=(1, 5))
    values["ces_mean"] = _estimate(scale_mean, df["ces"].to_numpy(), scale=(1, 7))
    values["ces_agree"] = _estimate(top_box, df["ces"].to_numpy(), scale=(1, 7), boxes=3)
    return pd.Series(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1,000 groups instead of 10,000")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    parser.add_argument("--groups", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    groups = args.groups or (1_000 if args.quick else 10_000)
    warnings.simplefilter("ignore")  # small-sample warnings of the baseline's per-group calls

    frame = synthetic_rows(groups, args.seed)

    start = time.perf_counter()
    stats = aggregate(frame, groups)
    aggregate_seconds = time.perf_counter() - start

    repeats = 5
    start = time.perf_counter()
    for _ in range(repeats):
        fast = indices_from_sufficient(stats)
    seconds = (time.perf_counter() - start) / repeats

    start = time.perf_counter()
    slow = frame.groupby("group")[frame.columns.drop("group")].apply(indices_for_one_group)
    pandas_seconds = time.perf_counter() - start

    difference = 0.0
    for name in INDEX_NAMES:
        a, b = fast[name], slow[name].to_numpy()
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            raise SystemExit(f"{name}: suppression differs between the two routes")
        both = ~np.isnan(a)
        difference = max(difference, float(np.max(np.abs(a[both] - b[both]), initial=0.0)))

    result = {
        "groups": groups,
        "indices": len(INDEX_NAMES),
        "rows": len(frame),
        "seconds": round(seconds, 6),
        "aggregate_seconds": round(aggregate_seconds, 6),
        "pandas_seconds": round(pandas_seconds, 4),
        "speedup_vs_pandas": round(pandas_seconds / seconds, 1),
        "speedup_incl_aggregation": round(pandas_seconds / (seconds + aggregate_seconds), 1),
        "max_abs_difference": difference,
    }
    print(f"{groups:,} groups x {len(INDEX_NAMES)} indices ({len(frame):,} raw rows)")
    print(f"  from sufficient statistics : {seconds:10.4f} s")
    print(f"  aggregation (numpy)        : {aggregate_seconds:10.4f} s")
    print(f"  pandas groupby().apply     : {pandas_seconds:10.4f} s")
    print(
        f"  speed-up                   : {result['speedup_vs_pandas']:10.1f} x "
        f"({result['speedup_incl_aggregation']} x including aggregation)"
    )
    print(f"  largest difference         : {difference:.2e}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
