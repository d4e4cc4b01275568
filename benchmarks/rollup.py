"""Benchmark: the full roll-up index table against a bare DuckDB GROUP BY (floor) and plain pandas.

    python benchmarks/rollup.py [--rows N] [--quick] [--json] [--lake DIR]

Writes N synthetic responses (default 10,000,000; ``--quick`` 1,000,000) to a temporary lake with
``kundpuls.demo.lake`` (12 rating items on 1–10 + NPS, 1,000 units in a 4-level tree, 36 months), then, each
in its own child process so that peak memory is measured per phase:

* **kundpuls**: ``sufficient_statistics(rollup=True, period="month")`` + ``index_table`` — every unit
  including ancestors × month × 13 items, with intervals, primary and complementary suppression;
* **floor**: a bare DuckDB ``GROUP BY unit_code, period_month`` over the same Parquet files computing only
  count, sum and sum of squares of the same 13 items — run alternately with kundpuls in the same child, so
  that both meet the same machine load;
* **pandas**: a straightforward pandas implementation of the same table (group the raw rows once per tree
  level, then the interval formulas), also used to cross-check the estimates.

Times are the best of ``--repeat`` runs (pandas: ``--pandas-repeat``, default one). Targets: kundpuls ≤
1.5 × floor, ≥ 10 × faster than pandas, peak RSS < 4 GB at 10M rows. ``--json`` ends stdout with one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

SURVEY = "demo"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _in_child(function: Any, *args: Any) -> Any:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def phase_generate(lake: str, rows: int, seed: int) -> dict[str, Any]:
    from kundpuls.demo.lake import generate_lake

    start = time.perf_counter()
    report = generate_lake(lake, rows=rows, seed=seed)
    return {"seconds": time.perf_counter() - start, "files": report.files, "peak_rss_mb": _peak_rss_mb()}


def phase_kundpuls_and_floor(lake: str, repeat: int, sample_path: str) -> dict[str, Any]:
    """Alternate floor and kundpuls runs, so both see the same machine load; keep the best of each."""
    from kundpuls.analytics.index_tables import index_table
    from kundpuls.analytics.rollup import sufficient_statistics

    floor_run = _floor_runner(lake)
    floor_run()  # warm the file cache and DuckDB for both
    best = floor_best = float("inf")
    ratios = []
    table = None
    for _ in range(repeat):
        start = time.perf_counter()
        floor_rows = floor_run()
        floor_seconds = time.perf_counter() - start
        start = time.perf_counter()
        stats = sufficient_statistics(lake, SURVEY, period="month", rollup=True)
        table = index_table(stats)
        seconds = time.perf_counter() - start
        best, floor_best = min(best, seconds), min(floor_best, floor_seconds)
        ratios.append(seconds / floor_seconds)
    assert table is not None
    shown = table[~table["suppressed"]]
    shown[["unit", "period", "item", "estimate", "ci_low", "ci_high", "n"]].astype(
        {"unit": str, "period": str, "item": str}
    ).to_parquet(sample_path)
    return {
        "seconds": best,
        "floor_seconds": floor_best,
        "floor_rows": floor_rows,
        "median_pair_ratio": sorted(ratios)[len(ratios) // 2],
        "rows": len(table),
        "suppressed": int(table["suppressed"].sum()),
        "units": int(table["unit"].nunique()),
        "responses": _responses(lake),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _responses(lake: str) -> int:
    from kundpuls.analytics.rollup import open_lake

    _, manifest = open_lake(lake)
    return sum(f.rows for f in manifest.table_files("responses", survey=SURVEY))


def _items(lake: str) -> list[str]:
    from kundpuls.analytics.rollup import open_lake

    _, manifest = open_lake(lake)
    return sorted(manifest.survey_items(SURVEY))


def _files(lake: str) -> list[str]:
    from kundpuls.analytics.rollup import open_lake

    location, manifest = open_lake(lake)
    return [location.path(f.path) for f in manifest.table_files("responses", survey=SURVEY)]


def _floor_runner(lake: str) -> Any:
    """A bare DuckDB GROUP BY unit, month computing count, sum and sum of squares of every item."""
    import duckdb

    files = _files(lake)
    aggregates = ", ".join(f"COUNT(item_{k}), SUM(item_{k}), SUM(item_{k} * item_{k})" for k in _items(lake))
    sql = (
        f"SELECT unit_code, period_month, {aggregates} FROM read_parquet($files) "
        "GROUP BY unit_code, period_month"
    )

    def run() -> int:
        con = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        try:
            return int(con.sql(sql, params={"files": files}).to_arrow_table().num_rows)
        finally:
            con.close()

    return run


def phase_pandas(lake: str, sample_path: str, repeat: int = 1) -> dict[str, Any]:
    """The best of ``repeat`` runs of :func:`pandas_rollup`, checked against the kundpuls table."""
    import numpy as np
    import pandas as pd

    best = float("inf")
    table = None
    for _ in range(repeat):
        start = time.perf_counter()
        table = pandas_rollup(lake)
        best = min(best, time.perf_counter() - start)
    assert table is not None
    ours = pd.read_parquet(sample_path)
    merged = ours.merge(table, on=["unit", "period", "item"], suffixes=("", "_pandas"))
    differences = [
        float(np.nanmax(np.abs(merged[c] - merged[f"{c}_pandas"]))) for c in ("estimate", "ci_low", "ci_high")
    ]
    return {
        "seconds": best,
        "rows": len(table),
        "compared_rows": len(merged),
        "missing_in_pandas": len(ours) - len(merged),
        "max_abs_difference": max(differences),
        "peak_rss_mb": _peak_rss_mb(),
    }


def pandas_rollup(lake: str) -> Any:
    """The same roll-up table written plainly in pandas: group the raw rows once per tree level."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq
    from scipy import stats as sps

    from kundpuls.analytics.rollup import open_lake

    _, manifest = open_lake(lake)
    meta = manifest.survey_items(SURVEY)
    items = sorted(meta)
    frame = pq.read_table(
        _files(lake), columns=["unit_code", "period_month", *[f"item_{k}" for k in items]]
    ).to_pandas()
    paths = {code: path.strip("/").split("/") for code, path in manifest.units.items()}
    depth = max(len(p) for p in paths.values())
    for key in items:
        frame[f"sq_{key}"] = frame[f"item_{key}"] ** 2
        if meta[key].get("kind") == "nps":
            x = frame[f"item_{key}"]
            frame[f"prom_{key}"] = (x >= 9).astype(float).where(x.notna())
            frame[f"detr_{key}"] = (x <= 6).astype(float).where(x.notna())
    levels = []
    for level in range(depth):
        ancestor = {code: p[level] for code, p in paths.items() if len(p) > level}
        frame["ancestor"] = frame["unit_code"].map(ancestor)
        grouped = frame.dropna(subset=["ancestor"]).groupby(["ancestor", "period_month"])
        for key in items:
            part = pd.DataFrame(
                {
                    "n": grouped[f"item_{key}"].count(),
                    "sum": grouped[f"item_{key}"].sum(),
                    "sumsq": grouped[f"sq_{key}"].sum(),
                }
            )
            if meta[key].get("kind") == "nps":
                part["prom"] = grouped[f"prom_{key}"].sum()
                part["detr"] = grouped[f"detr_{key}"].sum()
            part["item"] = key
            levels.append(part.reset_index())
    table = pd.concat(levels, ignore_index=True).rename(
        columns={"ancestor": "unit", "period_month": "period"}
    )
    table["estimate"] = np.nan
    table["ci_low"] = np.nan
    table["ci_high"] = np.nan
    z = sps.norm.ppf(0.975)
    for key in items:
        rows = (table["item"] == key) & (table["n"] >= 7)
        part = table[rows]
        n = part["n"].to_numpy(dtype=float)
        if meta[key].get("kind") == "nps":
            p = (part["prom"].to_numpy() + 0.75) / (n + 3)
            d = (part["detr"].to_numpy() + 0.75) / (n + 3)
            estimate = 100 * (part["prom"].to_numpy() - part["detr"].to_numpy()) / n
            se = 100 * np.sqrt((p + d - (p - d) ** 2) / (n + 3))
            centre = 100 * (p - d)
            low, high = np.clip(centre - z * se, -100, 100), np.clip(centre + z * se, -100, 100)
        else:
            lo, hi = float(meta[key]["min"]), float(meta[key]["max"])
            mean = part["sum"].to_numpy() / n
            var = (part["sumsq"].to_numpy() - n * mean**2) / (n - 1)
            estimate = 100 * (mean - lo) / (hi - lo)
            se = 100 / (hi - lo) * np.sqrt(np.maximum(var, 0) / n)
            crit = np.where(n < 30, sps.t.ppf(0.975, np.maximum(n - 1, 1)), z)
            low, high = np.clip(estimate - crit * se, 0, 100), np.clip(estimate + crit * se, 0, 100)
        table.loc[rows, "estimate"] = estimate
        table.loc[rows, "ci_low"] = low
        table.loc[rows, "ci_high"] = high
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=None, help="responses (default 10,000,000)")
    parser.add_argument("--quick", action="store_true", help="1,000,000 responses")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs of kundpuls and the floor (best counts)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--lake", default=None, help="use (or keep) the lake in this folder instead of a temporary one"
    )
    parser.add_argument("--pandas-repeat", type=int, default=1, help="timed runs of the pandas baseline")
    parser.add_argument("--skip-pandas", action="store_true", help="do not run the pandas baseline")
    args = parser.parse_args(argv)
    rows = args.rows or (1_000_000 if args.quick else 10_000_000)
    workdir = tempfile.mkdtemp(prefix="kundpuls-rollup-")
    lake = args.lake or os.path.join(workdir, "lake")
    sample = os.path.join(workdir, "ours.parquet")

    def say(message: str) -> None:
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    try:
        if args.lake and os.path.exists(os.path.join(lake, "_kundpuls_lake.json")):
            generated: dict[str, Any] = {"seconds": 0.0, "reused": True, "peak_rss_mb": 0.0}
            say(f"using the existing lake at {lake}")
        else:
            say(f"generating {rows:,} responses …")
            generated = _in_child(phase_generate, lake, rows, args.seed)
            say(f"  {generated['seconds']:.1f} s, peak RSS {generated['peak_rss_mb']:.0f} MB")
        say("kundpuls roll-up index table, alternating with the floor (bare DuckDB GROUP BY unit, month) …")
        ours = _in_child(phase_kundpuls_and_floor, lake, args.repeat, sample)
        floor = {"seconds": ours["floor_seconds"]}
        say(f"  floor {floor['seconds']:.2f} s")
        say(
            f"  kundpuls {ours['seconds']:.2f} s, {ours['rows']:,} rows, "
            f"peak RSS {ours['peak_rss_mb']:.0f} MB"
        )
        pandas_result: dict[str, Any] | None = None
        if not args.skip_pandas:
            say("pandas baseline …")
            pandas_result = _in_child(phase_pandas, lake, sample, args.pandas_repeat)
            difference = pandas_result["max_abs_difference"]
            say(f"  {pandas_result['seconds']:.1f} s, max |difference| {difference:.2e}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        "rows": ours["responses"],
        "seconds": round(ours["seconds"], 3),
        "floor_seconds": round(floor["seconds"], 3),
        "pandas_seconds": None if pandas_result is None else round(pandas_result["seconds"], 3),
        "ratio_to_floor": round(ours["seconds"] / floor["seconds"], 3),
        "median_pair_ratio_to_floor": round(ours["median_pair_ratio"], 3),
        "speedup_vs_pandas": None
        if pandas_result is None
        else round(pandas_result["seconds"] / ours["seconds"], 1),
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "table_rows": ours["rows"],
        "suppressed_rows": ours["suppressed"],
        "generate_seconds": round(generated["seconds"], 1),
        "generate_peak_rss_mb": round(generated["peak_rss_mb"], 1),
        "pandas_max_abs_difference": None if pandas_result is None else pandas_result["max_abs_difference"],
        "pandas_peak_rss_mb": None if pandas_result is None else round(pandas_result["peak_rss_mb"], 1),
    }
    say(
        f"ratio to floor {result['ratio_to_floor']} (target ≤ 1.5), speed-up vs pandas "
        f"{result['speedup_vs_pandas']} (target ≥ 10), peak RSS {result['peak_rss_mb']} MB (target < 4096)"
    )
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
