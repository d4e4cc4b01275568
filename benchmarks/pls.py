"""Benchmark of the PLS-SEM estimator and its batched bootstrap against the Python package ``plspm``.

Usage::

    python benchmarks/pls.py [--quick] [--json]

Measures, in one run, on the ECSI model and ``tests/data/pls/mobi.csv`` (250 respondents, 24 indicators):

* one estimation (``PLSPathModel.fit`` from a DataFrame, all attributes), median of repeated runs, and
  the algorithm alone on the correlation matrix;
* a bootstrap of 1,000 and of 5,000 resamples, each with percentile and BCa intervals (jackknife included);
* the same with ``plspm`` 0.5.7 (standardised via ``default_scale=Scale.NUM``, which reproduces the
  column-standardised estimates; path scheme; same tolerance), run in a subprocess from its own virtual
  environment ``benchmarks/.env-plspm/`` (created here with ``plspm`` and ``pandas<3`` when missing, as
  plspm does not support pandas 3). plspm forks two worker processes that inherit the same numpy random
  state, so each draws the same resamples: B = 1,000 means only 500 distinct draws (effective B = B/2);
* the largest absolute difference between our point estimates and plspm's (paths, total effects,
  weights, loadings, R²);
* one estimation and a bootstrap of 1,000 resamples for 100,000 simulated respondents (the ECSI
  structure, data from :mod:`kundpuls.demo.structural`).

``--quick`` skips plspm's B = 5,000 run and times plspm at B = 100, extrapolating linearly to B = 1,000
(labelled as such). ``--json`` ends stdout with one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from kundpuls.demo.structural import Construct, RatingScale, StructuralModel, simulate_survey  # noqa: E402
from kundpuls.stats.pls import PLSPathModel, model_from_yaml  # noqa: E402
from kundpuls.stats.pls.algorithm import estimates_from_weights, iterate_weights, orientation_signs  # noqa: E402

REFERENCE_DATA = REPO / "tests" / "data" / "pls"  # provenance in its README
PLSPM_ENV = REPO / "benchmarks" / ".env-plspm"

PLSPM_RUNNER = r"""
import json, sys, time
import numpy as np, pandas as pd
import plspm.config as c
from plspm.plspm import Plspm
from plspm.scheme import Scheme
from plspm.mode import Mode
from plspm.scale import Scale

job = json.load(sys.stdin)
data = pd.read_csv(job["data"])
spec = job["model"]
names = list(spec["constructs"])
path = pd.DataFrame(0, index=names, columns=names)
for source, target in spec["paths"]:
    path.loc[target, source] = 1
config = c.Config(path, default_scale=Scale.NUM)  # column-wise standardisation (methods §11, pitfall 1)
for name, block in spec["constructs"].items():
    mode = Mode.A if block.get("mode", "A") == "A" else Mode.B
    config.add_lv(name, mode, *[c.MV(i) for i in block["indicators"]])
scheme = Scheme.PATH
out = {}
start = time.perf_counter()
model = Plspm(data, config, scheme, iterations=300, tolerance=job["tol"])
out["single_s"] = time.perf_counter() - start
rows = []
outer = model.outer_model()
for indicator, row in outer.iterrows():
    rows.append(["weight", indicator, row["weight"]])
    rows.append(["loading", indicator, row["loading"]])
coefficients = model.path_coefficients()
for source, target in spec["paths"]:
    rows.append(["path", source + "->" + target, coefficients.loc[target, source]])
for _, row in model.effects().iterrows():
    rows.append(["total_effect", row["from"] + "->" + row["to"], row["total"]])
for name, row in model.inner_summary().iterrows():
    if row["type"] == "Endogenous":
        rows.append(["r_squared", name, row["r_squared"]])
out["estimates"] = rows
out["boot"] = {}
for b in job["boot"]:
    start = time.perf_counter()
    Plspm(data, config, scheme, iterations=300, tolerance=job["tol"], bootstrap=True, bootstrap_iterations=b,
          processes=2)
    out["boot"][str(b)] = time.perf_counter() - start
json.dump(out, sys.stdout)
"""


def ensure_plspm_env() -> Path:
    """The plspm virtual environment's interpreter, created and filled on first use."""
    python = PLSPM_ENV / "bin" / "python"
    probe = [str(python), "-c", "import plspm, pandas"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print("creating benchmarks/.env-plspm (plspm, pandas<3) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(PLSPM_ENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "plspm", "pandas<3"], check=True)
    return python


def run_plspm(model_mapping: dict, boot: list[int], tol: float) -> dict:
    python = ensure_plspm_env()
    job = {"data": str(REFERENCE_DATA / "mobi.csv"), "model": model_mapping, "boot": boot, "tol": tol}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(PLSPM_RUNNER)
        script = handle.name
    try:
        done = subprocess.run(
            [str(python), script],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    finally:
        os.unlink(script)
    return json.loads(done.stdout)


def timed(function, repeat: int) -> float:
    """Best wall time of ``repeat`` runs, seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def max_difference(model: PLSPathModel, plspm_rows: list) -> float:
    ours = {}
    for row in model.summary().itertuples(index=False):
        statistic, source, target, value = row
        if statistic in ("weight", "loading"):
            ours[(statistic, source)] = value
        elif statistic == "r_squared":
            ours[(statistic, target)] = value
        else:
            ours[(statistic, f"{source}->{target}")] = value
    diffs = [
        abs(ours[(statistic, key)] - value)
        for statistic, key, value in plspm_rows
        if (statistic, key) in ours
    ]
    if len(diffs) != len(plspm_rows):
        raise RuntimeError("plspm returned statistics the benchmark could not match")
    return max(diffs)


def simulated_ecsi(model: PLSPathModel, n: int) -> pd.DataFrame:
    """``n`` respondents from an ECSI-shaped reflective model with the mobi estimates as true values."""
    constructs = tuple(
        Construct(
            b.name,
            b.indicators,
            tuple(float(np.clip(model.outer_loadings_[i], 0.4, 0.95)) for i in b.indicators),
        )
        for b in model.spec_.blocks
    )
    paths = {(s, t): float(model.path_coefficients_.loc[s, t]) for s, t in model.spec_.paths}
    truth = StructuralModel(constructs=constructs, paths=paths)
    return simulate_survey(truth, n, seed=2026, scale=RatingScale(1, 10)).to_frame()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip plspm B=5000; plspm B=100 extrapolated")
    parser.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    spec = model_from_yaml((REFERENCE_DATA / "models" / "mobi_ecsi.yaml").read_text(encoding="utf-8"))
    mobi = pd.read_csv(REFERENCE_DATA / "mobi.csv")
    fitted = PLSPathModel(spec).fit(mobi)
    fitted.bootstrap(100, seed=0)  # warm-up (imports, caches)

    single_runs = []
    for _ in range(30):
        start = time.perf_counter()
        PLSPathModel(spec).fit(mobi)
        single_runs.append(time.perf_counter() - start)
    single_ms = 1000 * statistics.median(single_runs)
    core_runs = []
    cov = fitted.covariance_[None]
    for _ in range(30):
        start = time.perf_counter()
        solution = iterate_weights(cov, fitted.compiled_)
        signs = orientation_signs(cov, solution.weights, fitted.compiled_)
        estimates_from_weights(cov, solution.weights * signs[:, fitted.compiled_.block], fitted.compiled_)
        core_runs.append(time.perf_counter() - start)
    core_ms = 1000 * statistics.median(core_runs)
    boot1000 = timed(lambda: fitted.bootstrap(1000, seed=1), 3)
    boot5000 = timed(lambda: fitted.bootstrap(5000, seed=1), 2 if not args.quick else 1)
    print(
        f"kundpuls   one estimation (mobi, ECSI)          {single_ms:9.2f} ms   (algorithm {core_ms:.2f} ms)"
    )
    print(f"kundpuls   bootstrap B=1000, percentile + BCa   {boot1000:9.3f} s")
    print(f"kundpuls   bootstrap B=5000, percentile + BCa   {boot5000:9.3f} s   (target <= 1.2 s)")

    big = simulated_ecsi(fitted, 100_000)
    start = time.perf_counter()
    big_model = PLSPathModel(spec).fit(big)
    big_single = time.perf_counter() - start
    start = time.perf_counter()
    big_model.bootstrap(1000, seed=1)
    big_boot = time.perf_counter() - start
    print(f"kundpuls   n=100,000: one estimation            {1000 * big_single:9.2f} ms")
    print(f"kundpuls   n=100,000: bootstrap B=1000          {big_boot:9.3f} s   (grouped jackknife for BCa)")

    plspm_b = [100] if args.quick else [1000, 5000]
    print(
        f"plspm      running B = {', '.join(map(str, plspm_b))} (2 processes; minutes) ...", file=sys.stderr
    )
    plspm = run_plspm(spec.to_mapping(), plspm_b, fitted.tol)
    if args.quick:
        plspm_1000 = plspm["boot"]["100"] * 10
        label = "extrapolated x10 from B=100"
        plspm_5000 = None
    else:
        plspm_1000 = plspm["boot"]["1000"]
        plspm_5000 = plspm["boot"]["5000"]
        label = "measured"
    difference = max_difference(fitted, plspm["estimates"])
    speedup = plspm_1000 / boot1000
    print(
        f"plspm      one estimation                       {1000 * plspm['single_s']:9.2f} ms"
        f"   ratio {plspm['single_s'] * 1000 / single_ms:7.1f}x"
    )
    print(
        f"plspm      bootstrap B=1000 ({label})  {plspm_1000:9.3f} s   ratio {speedup:7.1f}x"
        "   (effective B=500: both workers repeat the same draws)"
    )
    if plspm_5000 is not None:
        print(
            f"plspm      bootstrap B=5000                     {plspm_5000:9.3f} s   ratio "
            f"{plspm_5000 / boot5000:7.1f}x   (effective B=2500)"
        )
    print(
        f"max |ours - plspm| (paths, total effects, weights, loadings, R²): {difference:.2e} (target < 1e-6)"
    )

    if args.json:
        result = {
            "single_ms": round(single_ms, 3),
            "single_core_ms": round(core_ms, 3),
            "boot1000_s": round(boot1000, 4),
            "boot5000_s": round(boot5000, 4),
            "plspm_boot1000_s": round(plspm_1000, 3),
            "speedup_vs_plspm": round(speedup, 1),
            "max_abs_diff_vs_plspm": difference,
            "n100k_boot1000_s": round(big_boot, 3),
            "n100k_single_ms": round(1000 * big_single, 2),
            "plspm_single_ms": round(1000 * plspm["single_s"], 2),
            "plspm_boot5000_s": None if plspm_5000 is None else round(plspm_5000, 3),
            "plspm_boot1000_measured": not args.quick,
            "plspm_effective_b_per_b": 0.5,
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
