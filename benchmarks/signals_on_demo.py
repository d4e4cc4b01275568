"""The change flags of a loaded demo scored against the demo's own truth (a companion of signals.py).

    KUNDPULS_DATA_DIR=DIR kundpuls demo --no-serve --truth truth.json
    python benchmarks/signals_on_demo.py --lake DIR/lake --truth truth.json [--period-kind year] [--json]

For every period of the demo's NKI survey and every unit and index with a number, the product's change
against its baseline (the up to four periods before, pooled; ``reports.unit_report.period_changes``) is
compared with the true change the generator planted (``kundpuls demo --truth``): how many tests, how many
flags and how many of them false, beside the plain per-test p < 0.05 (``baseline_``). docs/statistics.md
reports the numbers.
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from signals import NULL, true_baseline_change  # this folder is on the path when a script here runs

from kundpuls.instruments import load_template


def score_demo(lake: Path, truth_file: Path, period_kind: str) -> dict[str, Any]:
    """The flags of a loaded demo's NKI survey against ``kundpuls demo --truth FILE`` (every period)."""
    from kundpuls.reports.unit_report import period_changes, survey_lookup, survey_plan

    document = json.loads(truth_file.read_text(encoding="utf-8"))
    periods = document["surveys"]["nki"]["periods"]
    if period_kind not in periods:
        raise SystemExit(f"--truth: {truth_file} has no {period_kind} truth (kinds: {', '.join(periods)})")
    value = {(r["unit"], r["period"], r["index"]): r["value"] for r in periods[period_kind]["values"]}
    definition = load_template("nki")
    plan = survey_plan(lake, definition, threshold_setting=7)
    found = survey_lookup(lake, plan, period_kind=period_kind)
    out: dict[str, Any] = defaultdict(int)
    flagged: list[dict[str, Any]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for period in found.periods[1:]:
            for (unit, key), c in period_changes(lake, plan, period, period_kind=period_kind).items():
                if c is None or c.difference is None:
                    continue
                true = true_baseline_change(
                    lambda p, u=unit, k=key: value.get((u, p, k)),
                    lambda p, u=unit, k=key: found.row(u, k, p),
                    period,
                    c.previous_period,
                    found.periods,
                )
                if true is None:
                    continue
                wrong = abs(true) < NULL or np.sign(c.difference) != np.sign(true)
                for prefix, flag in (("", c.significant), ("baseline_", (c.p_value or 1.0) < 0.05)):
                    for scope in ("", "nki_") if key == "NKI" else ("",):
                        out[f"{scope}tests"] += prefix == ""
                        out[f"{scope}{prefix}flags"] += int(flag)
                        out[f"{scope}{prefix}false_flags"] += int(flag and wrong)
                if c.significant:
                    flagged.append({"unit": unit, "period": period, "index": key, "difference": c.difference,
                                    "true_change": true})  # fmt: skip
    return {"period_kind": period_kind, **out, "flagged": flagged}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lake", type=Path, required=True, help="the demo's lake (DATA_DIR/lake)")
    parser.add_argument("--truth", type=Path, required=True, help="written by kundpuls demo --truth FILE")
    parser.add_argument("--period-kind", choices=("month", "quarter", "year"), default="quarter")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = score_demo(args.lake, args.truth, args.period_kind)
    print(json.dumps(result) if args.json else json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
