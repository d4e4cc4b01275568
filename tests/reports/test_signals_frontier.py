"""benchmarks/signals.py: the recall–FDR frontier re-flags the product's q-values at other levels."""

from __future__ import annotations

import pytest
from tests.benchmark_scripts import load_benchmark

SIGNALS = load_benchmark("signals")


def dataset(tests: list[tuple[str, float | None, bool]], recall: list[tuple[str, float, bool]]) -> dict:
    """One dataset's results as score_dataset leaves them: flags are q ≤ 0.05 as the product sets them."""
    return {
        "pages": [
            (period, "U00", True, q is not None and q <= 0.05, False, wrong) for period, q, wrong in tests
        ],
        "q_values": [(period, q, wrong, 1.0) for period, q, wrong in tests],
        "recall": [
            {
                "size": 0.5,
                "n": 80,
                "period": period,
                "q_value": q,
                "p_value": q / 10,
                "right_sign": sign,
                "flagged": q <= 0.05 and sign,
                "baseline_flagged": q / 10 < 0.05 and sign,
            }
            for period, q, sign in recall
        ],
    }


def test_the_frontier_counts_flags_false_flags_and_recall_per_level() -> None:
    results = [
        dataset(
            [
                ("Q2", 0.01, False),
                ("Q2", 0.08, True),
                ("Q2", 0.12, False),
                ("Q3", None, False),
                ("Q3", 0.3, True),
            ],
            [("Q2", 0.01, True), ("Q2", 0.12, True)],
        ),
        dataset([("Q2", 0.04, True), ("Q2", 0.18, False)], [("Q2", 0.18, True), ("Q2", 0.09, False)]),
    ]
    at = {level: SIGNALS.frontier(results, level) for level in (0.05, 0.10, 0.15, 0.20)}
    # periods: (1st, Q2), (1st, Q3), (2nd, Q2)
    assert at[0.05]["fdr"] == pytest.approx((0 + 0 + 1) / 3)
    assert at[0.10]["fdr"] == pytest.approx((1 / 2 + 0 + 1) / 3)
    assert at[0.15]["fdr"] == pytest.approx((1 / 3 + 0 + 1) / 3)
    assert at[0.20]["fdr"] == pytest.approx((1 / 3 + 0 + 1 / 2) / 3)
    assert [at[level]["recall_0.5_n>=50"] for level in (0.05, 0.10, 0.15, 0.20)] == [0.25, 0.25, 0.5, 0.75]


def test_at_the_products_level_the_frontier_is_the_benchmarks_fdr() -> None:
    results = [
        dataset([("Q2", 0.01, False), ("Q2", 0.03, True), ("Q3", 0.2, True)], [("Q2", 0.01, True)]),
        dataset([("Q4", 0.5, False)], [("Q4", 0.5, True)]),
    ]
    for r in results:
        r.update({"funnel": []})
    summary = SIGNALS.summarise(results, 0.0)
    assert summary["recall_fdr_frontier"][0]["fdr"] == pytest.approx(summary["fdr"])
    assert (
        summary["recall_fdr_frontier"][0]["recall_0.5_n>=50"]
        == summary["recall_planted"]["0.5"]["recall_n>=50"]
    )
    assert summary["missed_0.5_n>=50"] == {"missed": 1, "in_a_period_without_any_flag": 1, "p_values": [0.05]}
