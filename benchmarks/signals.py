"""Benchmark: how often the signals a person sees are right, scored against the demo generator's truth.

Usage::

    python benchmarks/signals.py [--datasets N] [--quick] [--json] [--seed S] [--years 1|2]
        [--priority-method plsc]

Each dataset is a seeded NKI organisation (:func:`kundpuls.demo.responses.generate_responses`): ten units
under one root, a year of answers (``--years 2``: two), quarters. Most units are alike; a few get a planted
outlier (a shift of NKI by ±0.5 or ±0.8 SD for the whole span) and a few a planted change (one construct,
±0.25, ±0.5 or ±0.8 SD of the latent scale, from the first day of quarter 2, 3 or 4; with two years, of a
quarter of the second year, so that every change has the four quarters before it as its baseline, as on
the page of a survey that has run for a year). Volumes differ, so the answers per
quarter run from about 15 to about 300. The truth of every unit × quarter × index is stated by
:func:`kundpuls.demo.truth.true_values`.

The data go through the product's own results path without a server: the lake sync
(:func:`kundpuls.reports.frame_lake.lake_from_frame`), then :func:`kundpuls.reports.unit_report.unit_report`
(the unit page, PDF, Excel, CSV and API all render it) for every unit and quarter and
:func:`kundpuls.reports.overview.organisation_overview` (the overview and start page) for every quarter.
Scored:

* change flags (every index card of every unit report, the overview's flags must agree). A change is the
  quarter against the up to four quarters before it pooled (``Change.previous_period`` names them), so its
  truth is the quarter's true value minus the answer-weighted mean of the true values of those quarters
  (:func:`true_baseline_change`); a flag is false when that true change is zero (or of the other sign);
  ``fdr`` is the mean over datasets of false / flags (the false discovery rate), ``recall_planted`` the
  share of planted changes flagged in the right direction in the quarter they start, by size and by the
  smaller n of that quarter and the one before. The same tests with a plain p < 0.05 per test (no
  correction for many tests) are scored beside them as the baseline;
* funnel outliers (the NKI funnel of the root's units per quarter): false when the unit is as its alike
  siblings, or flagged on the wrong side;
* goal states: a goal on NKI for every unit and quarter with a target 1–4 points from the true value;
  :func:`kundpuls.stats.goal_status.goal_status` on the report's NKI is an error when it says met and the
  truth is not met or the reverse (uncertain is no error);
* the priority matrix: the report's first *Prioritera* area against the true ones
  (:func:`kundpuls.demo.truth.true_priorities`).

The flags of a loaded demo (``kundpuls demo --truth FILE``) are scored by ``benchmarks/signals_on_demo.py``.

``--json`` ends stdout with one object (``datasets``, ``flags``, ``false_flags``, ``fdr``,
``recall_planted``, ``goal_state_errors``, ``priority_top_correct`` and the details).
"""

from __future__ import annotations

import argparse
import calendar
import functools
import json
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kundpuls.demo.responses import STOCKHOLM, DatedChange, UnitProfile, generate_responses
from kundpuls.demo.truth import TruthTable, true_priorities, true_values, true_window_values
from kundpuls.instruments import SurveyDefinition, load_template
from kundpuls.reports import cache
from kundpuls.reports.contracts import UnitReport
from kundpuls.reports.frame_lake import ROOT_CODE, lake_from_frame
from kundpuls.reports.frame_lookup import FrameLookup
from kundpuls.reports.overview import organisation_overview
from kundpuls.reports.unit_report import survey_lookup, survey_plan, unit_report
from kundpuls.stats.goal_status import GoalState, goal_status

FIRST_YEAR = 2025
SPANS = (1, 2)  # years of answers a dataset holds (--years)
CONSTRUCTS = ("NKI", "BEMOTANDE", "INFORMATION", "TILLGANGLIGHET", "KOMPETENS")
CHANGE_SIZES = (0.25, 0.5, 0.8)
OUTLIER_SIZES = (0.5, 0.8)
N_BANDS = ((0, 50, "n<50"), (50, 100, "50-99"), (100, 200, "100-199"), (200, 10**9, "n>=200"))
UNITS = 10
NULL = 1e-6  # a true change smaller than this (index points) is no change
FRONTIER_LEVELS = (0.05, 0.10, 0.15, 0.20)  # false discovery rates the recall–FDR frontier is shown at


def band(n: int) -> str:
    return next(label for low, high, label in N_BANDS if low <= n < high)


def change_quarters(years: int) -> dict[str, date]:
    """The quarters a planted change may start in: those of the last year that follow a quarter of answers.

    One year: quarters 2–4 (a change in quarter 2 has a baseline of one quarter). Two years: the four
    quarters of the second year, each with a baseline of the four quarters before it, as a page of a survey
    that has run for a year has.
    """
    if years not in SPANS:
        raise ValueError(f"years: {years!r} is not one of {SPANS}")
    last = FIRST_YEAR + years - 1
    return {f"{last}-Q{q}": date(last, 3 * q - 2, 1) for q in range(1, 5) if (years, q) != (1, 1)}


def plan_dataset(seed: int, years: int = 1) -> tuple[list[UnitProfile], dict[str, Any]]:
    """Ten units: volumes 5–100 a month, two planted outliers, four planted changes (seeded)."""
    quarter_starts = change_quarters(years)
    rng = np.random.default_rng([seed, 2207])
    codes = [f"U{k:02d}" for k in range(UNITS)]
    volumes = np.exp(rng.uniform(np.log(5), np.log(100), UNITS))
    chosen = rng.permutation(UNITS)
    outliers = {codes[i]: float(rng.choice(OUTLIER_SIZES) * rng.choice((-1, 1))) for i in chosen[:2]}
    changes: dict[str, tuple[str, str, float]] = {}
    for i in chosen[2:6]:
        construct = str(rng.choice(CONSTRUCTS))
        quarter = str(rng.choice(list(quarter_starts)))
        changes[codes[i]] = (construct, quarter, float(rng.choice(CHANGE_SIZES) * rng.choice((-1, 1))))
    units = [
        UnitProfile(
            code=code,
            volume=float(volume),
            shifts={"NKI": outliers[code]} if code in outliers else {},
            changes=(
                (
                    DatedChange(
                        construct=changes[code][0],
                        start=quarter_starts[changes[code][1]],
                        delta=changes[code][2],
                    ),
                )
                if code in changes
                else ()
            ),
        )
        for code, volume in zip(codes, volumes, strict=True)
    ]
    return units, {"outliers": outliers, "changes": changes}


def score_dataset(
    definition: SurveyDefinition, seed: int, workdir: Path, *, years: int = 1
) -> dict[str, Any]:
    units, planted = plan_dataset(seed, years)
    start = datetime(FIRST_YEAR, 1, 1, tzinfo=STOCKHOLM)
    end = datetime(FIRST_YEAR + years, 1, 1, tzinfo=STOCKHOLM)
    generated = generate_responses(definition, units, start=start, end=end, seed=seed, comments=None)
    lake = workdir / f"lake-{seed}"
    _, names = lake_from_frame(generated.frame(), definition, lake)
    parents = {u.code: ROOT_CODE for u in units}
    truth = true_values(definition, generated.truth, period_kind="quarter", parents=parents)
    rng = np.random.default_rng([seed, 99])
    out: dict[str, Any] = defaultdict(int)
    out["recall"] = []
    out["funnel"] = []
    out["pages"] = []  # (period, unit, main index?, flagged, flagged at p < 0.05, wrong) per change test
    out["q_values"] = []  # (period, q-value, wrong, difference) per change test: flags at other FDR levels
    periods = [p.label for p in truth.periods]
    reports: dict[tuple[str, str], UnitReport] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for period in periods:
            for code in [ROOT_CODE, *(u.code for u in units)]:
                try:
                    reports[(code, period)] = unit_report(
                        lake, definition, code, threshold_setting=7, names=names, period=period,
                        include_comments=False,
                    )  # fmt: skip
                except Exception:  # a unit without answers in the period
                    continue
            overview = organisation_overview(
                lake, definition, [ROOT_CODE, *(u.code for u in units)], threshold_setting=7, period=period
            )
            for row in overview.rows:
                report = reports.get((row.unit_code, period))
                card = None if report is None else report.headlines[0].change
                if (row.change is None) != (card is None) or (
                    row.change is not None and card is not None and row.change.significant != card.significant
                ):
                    out["surface_disagreements"] += 1
    found = survey_lookup(lake, survey_plan(lake, definition, threshold_setting=7), period_kind="quarter")
    for (code, period), report in reports.items():
        _score_changes(out, report, code, period, truth, planted, found)
        _score_goal(out, report, code, period, truth, rng)
    for period in periods[1:] if len(periods) > 1 else periods:
        _score_funnel(out, reports, period, truth, units, planted)
    for code in [u.code for u in units]:
        report = reports.get((code, periods[-1]))
        if report is not None:
            _score_priority(out, report, definition, generated.truth, parents)
    cache.clear()
    return out


def _score_changes(
    out: dict[str, Any],
    report: UnitReport,
    code: str,
    period: str,
    truth: TruthTable,
    planted: dict[str, Any],
    found: FrameLookup,
) -> None:
    for headline in report.headlines:
        change = headline.change
        if change is None or change.difference is None:
            continue
        key = headline.value.key
        true = true_baseline_change(
            lambda p, k=key: truth.value(code, p, k),
            lambda p, k=key: found.row(code, k, p),
            period,
            change.previous_period,
            found.periods,
        )
        if true is None:
            continue
        out["tests"] += 1
        is_null = abs(true) < NULL
        out["true_nulls"] += int(is_null)
        wrong = is_null or np.sign(change.difference) != np.sign(true)
        baseline = (change.p_value or 1.0) < 0.05
        out["pages"].append(
            (period, code, key == report.main_index, change.significant, baseline, bool(wrong))
        )
        out["q_values"].append((period, change.q_value, bool(wrong), float(change.difference)))
        for prefix, flagged in (("", change.significant), ("baseline_", baseline)):
            if flagged:
                out[f"{prefix}flags"] += 1
                out[f"{prefix}false_flags"] += int(wrong)
        plan = planted["changes"].get(code)
        if plan is not None and plan[0] == key and plan[1] == period:
            before = found.periods[found.periods.index(period) - 1]  # the quarter just before
            sides = [found.row(code, key, p) for p in (before, period)]
            n = min(int(row["n"]) if row is not None else 0 for row in sides)  # the smaller quarter
            out["recall"].append(
                {
                    "size": abs(plan[2]),
                    "n": int(n),
                    "flagged": bool(change.significant and np.sign(change.difference) == np.sign(plan[2])),
                    "period": period,
                    "p_value": change.p_value,
                    "q_value": change.q_value,
                    "right_sign": bool(np.sign(change.difference) == np.sign(plan[2])),
                    "baseline_flagged": bool(
                        (change.p_value or 1.0) < 0.05 and np.sign(change.difference) == np.sign(plan[2])
                    ),
                }
            )


def true_baseline_change(
    true_value: Any, row: Any, period: str, baseline: str, periods: tuple[str, ...]
) -> float | None:
    """The true change a flag speaks of: the period's true value minus its baseline's.

    ``baseline`` is ``Change.previous_period`` (``2025-Q3`` or ``2025-Q1–2025-Q3``); the baseline's true
    value is the mean of its periods' true values weighted by their answers (``row(p)["n"]``), which is
    what the pooled estimate estimates.
    """
    first, _, last = baseline.partition("–")
    chosen = [p for p in periods if first <= p <= (last or first)]
    after = true_value(period)
    values = [true_value(p) for p in chosen]
    weights = [
        float(r["n"]) if (r := row(p)) is not None and not bool(r["suppressed"]) else 0.0 for p in chosen
    ]
    if after is None or not chosen or any(v is None for v in values) or sum(weights) <= 0:
        return None
    return float(after - np.dot(weights, values) / sum(weights))


def _score_goal(
    out: dict[str, Any],
    report: UnitReport,
    code: str,
    period: str,
    truth: TruthTable,
    rng: np.random.Generator,
) -> None:
    value = report.headlines[0].value
    true = truth.value(code, period, report.main_index or "")
    if value.suppressed or true is None:
        return
    target = true + float(rng.choice((-4, -2, -1, 1, 2, 4)))
    state = goal_status(value, target).state
    truly_met = true > target
    out["goals"] += 1
    if state == GoalState.UNCERTAIN:
        out["goals_uncertain"] += 1
    elif (state == GoalState.MET) != truly_met:
        out["goal_state_errors"] += 1


def _score_funnel(
    out: dict[str, Any],
    reports: dict[tuple[str, str], UnitReport],
    period: str,
    truth: TruthTable,
    units: list[UnitProfile],
    planted: dict[str, Any],
) -> None:
    funnel = next((r.funnel for (c, p), r in reports.items() if p == period and r.funnel is not None), None)
    if funnel is None:
        return
    alike = [u.code for u in units if not u.shifts and not u.changes]
    index = funnel.index_key
    base = truth.value(alike[0], period, index) if alike else None
    for point in funnel.points:
        if point.suppressed or point.estimate is None:
            continue
        true = truth.value(point.unit_code, period, index)
        deviation = 0.0 if (true is None or base is None) else true - base
        different = abs(deviation) > NULL
        out["funnel_units"] += 1
        out["funnel_truly_different"] += int(different)
        for prefix, flagged in (("", point.outlier), ("baseline_", point.outside_95)):
            if not flagged:
                continue
            out[f"{prefix}outliers"] += 1
            wrong = not different or np.sign(point.estimate - funnel.target) != np.sign(deviation)
            out[f"{prefix}false_outliers"] += int(wrong)
        if different and point.unit_code in planted["outliers"]:
            out["funnel"].append(
                {
                    "size": abs(planted["outliers"][point.unit_code]),
                    "n": int(point.n or 0),
                    "flagged": point.outlier,
                }
            )


def _score_priority(
    out: dict[str, Any],
    report: UnitReport,
    definition: SurveyDefinition,
    generation_truth: Any,
    parents: dict[str, str],
) -> None:
    drivers = report.drivers
    if drivers is None:
        return
    first = date.fromisoformat(drivers.window_start + "-01")
    last_month = date.fromisoformat(drivers.window_end + "-01")
    last = last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])
    scores = true_window_values(
        definition, generation_truth, drivers.scope_code, first, last, parents=parents
    )
    truly = true_priorities(generation_truth, scores)
    shown = [row.key for row in drivers.improve_first()]
    out["priority_reports"] += 1
    correct = (shown[0] in truly) if shown else not truly
    out["priority_top_correct"] += int(correct)
    out["priority_shown"] += len(shown)
    out["priority_wrong"] += sum(1 for key in shown if key not in truly)


def frontier(results: list[dict[str, Any]], level: float) -> dict[str, Any]:
    """What flagging at another false discovery rate would give: weighted BH at ``level`` flags q ≤ level.

    The same tests and q-values as the product's flags (their ``q_value``), so only the level differs:
    ``fdr`` per period as :func:`summarise` computes it, and the recall of planted 0.5 SD changes with
    n ≥ 50. Shows what a recall costs in false flags on these data.
    """
    shares = []
    for r in results:
        periods: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for period, q, wrong, _ in r["q_values"]:
            entry = periods[period]
            if q is not None and q <= level:
                entry[0] += 1
                entry[1] += int(wrong)
        shares += [false / flags if flags else 0.0 for flags, false in periods.values()]
    hits = [
        bool(x["q_value"] is not None and x["q_value"] <= level and x["right_sign"])
        for r in results
        for x in r["recall"]
        if x["size"] == 0.5 and x["n"] >= 50
    ]
    return {
        "level": level,
        "fdr": float(np.mean(shares)) if shares else 0.0,
        "recall_0.5_n>=50": float(np.mean(hits)) if hits else None,
    }


def summarise(results: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    def total(key: str) -> int:
        return int(sum(r.get(key, 0) for r in results))

    def fdp(r: dict[str, Any], prefix: str, what: str) -> float:
        flags = r.get(f"{prefix}{what}", 0)
        return r.get(f"{prefix}false_{what}", 0) / flags if flags else 0.0

    def page_fdr(column: int, page: Any) -> float:
        """Mean over pages of false / flags shown (0 on a page without flags): the FDR of that surface."""
        shares = []
        for r in results:
            pages: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
            for row in r["pages"]:
                key = page(row)
                if key is None:
                    continue
                entry = pages[key]  # a page without flags counts too, with no false ones
                if row[column]:
                    entry[0] += 1
                    entry[1] += int(row[5])
            shares += [false / flags if flags else 0.0 for flags, false in pages.values()]
        return float(np.mean(shares)) if shares else 0.0

    surfaces = {
        "period": lambda row: row[0],  # every unit × index of a period: the family BH is run on
        "unit_page": lambda row: (row[0], row[1]),  # a unit's report: its index cards
        "overview": lambda row: row[0] if row[2] else None,  # the overview: every unit's main index
    }

    recall = [x for r in results for x in r["recall"]]
    recall_planted: dict[str, Any] = {}
    for size in CHANGE_SIZES:
        rows = [x for x in recall if x["size"] == size]
        entry: dict[str, Any] = {}
        for key, flag in (("recall", "flagged"), ("baseline_recall", "baseline_flagged")):
            big = [x[flag] for x in rows if x["n"] >= 50]
            entry[f"{key}_n>=50"] = float(np.mean(big)) if big else None
        entry["planted_n>=50"] = sum(1 for x in rows if x["n"] >= 50)
        entry["by_n"] = {
            label: {
                "planted": len(hits := [x["flagged"] for x in rows if band(x["n"]) == label]),
                "recall": float(np.mean(hits)) if hits else None,
                "baseline_recall": float(
                    np.mean([x["baseline_flagged"] for x in rows if band(x["n"]) == label])
                )
                if hits
                else None,
            }
            for _, _, label in N_BANDS
        }
        recall_planted[f"{size:g}"] = entry
    funnel = [x for r in results for x in r["funnel"]]
    goals = total("goals")
    misses = [
        (x, sum(1 for row in r["pages"] if row[0] == x["period"] and row[3]))
        for r in results
        for x in r["recall"]
        if x["size"] == 0.5 and x["n"] >= 50 and not x["flagged"]
    ]
    decided = goals - total("goals_uncertain")
    return {
        "datasets": len(results),
        "tests": total("tests"),
        "true_nulls": total("true_nulls"),
        "flags": total("flags"),
        "false_flags": total("false_flags"),
        "fdr": page_fdr(3, surfaces["period"]),
        "fdr_by_surface": {name: page_fdr(3, page) for name, page in surfaces.items()},
        "fdr_per_dataset": float(np.mean([fdp(r, "", "flags") for r in results])),
        "false_flag_share": total("false_flags") / total("flags") if total("flags") else 0.0,
        "baseline_flags": total("baseline_flags"),
        "baseline_false_flags": total("baseline_false_flags"),
        "baseline_fdr": page_fdr(4, surfaces["period"]),
        "baseline_fdr_by_surface": {name: page_fdr(4, page) for name, page in surfaces.items()},
        "recall_planted": recall_planted,
        "recall_fdr_frontier": [frontier(results, level) for level in FRONTIER_LEVELS],
        "missed_0.5_n>=50": {
            "missed": len(misses),
            "in_a_period_without_any_flag": sum(1 for _, flags in misses if flags == 0),
            "p_values": sorted(round(float(x["p_value"]), 4) for x, _ in misses if x["p_value"] is not None),
        },
        "surface_disagreements": total("surface_disagreements"),
        "outliers": total("outliers"),
        "false_outliers": total("false_outliers"),
        "outlier_fdr": float(np.mean([fdp(r, "", "outliers") for r in results])),
        "baseline_outliers": total("baseline_outliers"),
        "baseline_false_outliers": total("baseline_false_outliers"),
        "baseline_outlier_fdr": float(np.mean([fdp(r, "baseline_", "outliers") for r in results])),
        "outlier_recall_planted": {
            f"{size:g}": float(np.mean(hits))
            if (hits := [x["flagged"] for x in funnel if x["size"] == size])
            else None
            for size in OUTLIER_SIZES
        },
        "goals": goals,
        "goals_uncertain": total("goals_uncertain"),
        "goal_state_errors": total("goal_state_errors"),
        "goal_state_error_rate": total("goal_state_errors") / decided if decided else 0.0,
        "priority_reports": total("priority_reports"),
        "priority_top_correct": total("priority_top_correct") / total("priority_reports")
        if total("priority_reports")
        else None,
        "priority_wrong_share": total("priority_wrong") / total("priority_shown")
        if total("priority_shown")
        else None,
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=None, help="datasets (default 20, --quick 3)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first dataset")
    parser.add_argument(
        "--years",
        type=int,
        choices=SPANS,
        default=1,
        help="years of answers per dataset: 1 (changes in quarters 2-4) or 2 (changes in the second year)",
    )
    parser.add_argument(
        "--priority-method",
        choices=("pls", "plsc"),
        default="pls",
        help="the driver paths of the priority matrix: PLS as the product (default) or consistent PLS",
    )
    args = parser.parse_args()
    if args.priority_method == "plsc":  # measure the alternative without changing the product
        from kundpuls.reports import driver_window
        from kundpuls.stats.pls.moments import drivers_from_moments

        driver_window.drivers_from_moments = functools.partial(  # type: ignore[assignment]
            drivers_from_moments, consistent=True
        )
    count = args.datasets if args.datasets is not None else (3 if args.quick else 20)
    if not 1 <= count <= 1000:
        parser.error(f"--datasets: {count} must lie between 1 and 1000")
    definition = load_template("nki")
    started = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for k in range(count):
            results.append(score_dataset(definition, args.seed + k, Path(workdir), years=args.years))
            if not args.json:
                last = results[-1]
                print(f"dataset {k + 1}/{count}: {last['flags']} flags, {last['false_flags']} false")
    summary = {"years": args.years, **summarise(results, time.perf_counter() - started)}
    if args.json:
        print(json.dumps(summary))
        return
    s = summary
    print(f"\n{s['datasets']} datasets, {s['tests']} change tests ({s['true_nulls']} with no true change)")
    print(
        f"change flags: {summary['flags']} ({summary['false_flags']} false), FDR {summary['fdr']:.3f}; "
        f"baseline p < 0.05 per test: {summary['baseline_flags']} ({summary['baseline_false_flags']} false), "
        f"FDR {summary['baseline_fdr']:.3f}"
    )
    by_surface = ", ".join(f"{k} {v:.3f}" for k, v in summary["fdr_by_surface"].items())
    print(f"  FDR per page: {by_surface}; pooled share of false flags {summary['false_flag_share']:.3f}")
    for size, entry in summary["recall_planted"].items():
        print(
            f"  planted change {size} SD, n >= 50: recall {entry['recall_n>=50']} "
            f"(baseline {entry['baseline_recall_n>=50']}, {entry['planted_n>=50']} planted); by n: "
            + ", ".join(f"{b}: {v['recall']} of {v['planted']}" for b, v in entry["by_n"].items())
        )
    print(
        f"funnel outliers: {s['outliers']} ({s['false_outliers']} false), FDR {s['outlier_fdr']:.3f}; "
        f"baseline outside 95 %: {s['baseline_outliers']} ({s['baseline_false_outliers']} false), "
        f"FDR {s['baseline_outlier_fdr']:.3f}; recall {s['outlier_recall_planted']}"
    )
    print(
        f"goal states: {summary['goals']} goals, {summary['goals_uncertain']} uncertain, "
        f"{summary['goal_state_errors']} wrong ({summary['goal_state_error_rate']:.3f} of the decided)"
    )
    print(
        f"priority matrix: first 'Prioritera' right in {summary['priority_top_correct']} of "
        f"{summary['priority_reports']} reports; shown but not truly: {summary['priority_wrong_share']}"
    )
    print(
        "recall-FDR frontier (weighted BH at other levels): "
        + ", ".join(
            f"q {f['level']:.2f}: FDR {f['fdr']:.3f}, recall 0.5 SD {f['recall_0.5_n>=50']}"
            for f in summary["recall_fdr_frontier"]
        )
    )
    missed = summary["missed_0.5_n>=50"]
    print(
        f"missed 0.5 SD changes (n >= 50): {missed['missed']}, {missed['in_a_period_without_any_flag']} in a "
        f"period with no flag at all; their p-values {missed['p_values']}"
    )
    print(f"surface disagreements (overview vs unit report): {summary['surface_disagreements']}")
    print(f"{summary['seconds']} s")


if __name__ == "__main__":
    main()
