"""A change is the period against the up to four periods before it, pooled: the pooling and its limits."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ttest_ind

from kundpuls.errors import InvalidArgument
from kundpuls.reports.change_flags import baseline_label, baseline_periods, pooled_row
from kundpuls.reports.unit_report import change_between


def _row(values: np.ndarray) -> dict[str, object]:
    return {
        "kind": "mean",
        "suppressed": False,
        "n": len(values),
        "estimate": float(values.mean()),
        "sd": float(values.std(ddof=1)),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_pooled_baseline_test_is_welchs_on_all_the_answers_together_to_1e_10(seed: int) -> None:
    rng = np.random.default_rng(seed)
    quarters = [rng.normal(70 + k, 15, size) for k, size in enumerate(rng.integers(8, 120, 4))]
    after = rng.normal(76, 14, int(rng.integers(8, 120)))
    pooled = pooled_row([_row(q) for q in quarters])
    everything = np.concatenate(quarters)
    assert pooled["n"] == everything.size
    assert pooled["estimate"] == pytest.approx(everything.mean(), abs=1e-10)
    assert pooled["sd"] == pytest.approx(everything.std(ddof=1), abs=1e-10)
    change = change_between(pooled, _row(after), "NKI", "2025-Q1–2025-Q4")
    reference = ttest_ind(after, everything, equal_var=False)  # scipy's Welch test on the raw answers
    assert change is not None and change.p_value == pytest.approx(float(reference.pvalue), abs=1e-10)
    assert change.difference == pytest.approx(after.mean() - everything.mean(), abs=1e-10)
    assert change.previous_period == "2025-Q1–2025-Q4"


def test_nps_counts_are_summed() -> None:
    rows = [
        {"kind": "nps", "suppressed": False, "n": 40, "promoters": 20, "detractors": 5},
        {"kind": "nps", "suppressed": False, "n": 60, "promoters": 25, "detractors": 15},
    ]
    pooled = pooled_row(rows)
    assert (pooled["n"], pooled["promoters"], pooled["detractors"]) == (100, 45, 20)


def test_the_baseline_stops_at_the_first_hidden_or_missing_period_going_back() -> None:
    shown = {"suppressed": False}
    hidden = {"suppressed": True}
    assert baseline_periods([shown, shown, shown, shown, shown]) == 4  # at most four
    assert baseline_periods([shown, hidden, shown, shown]) == 2  # a hidden group is never pooled
    assert baseline_periods([shown, None, shown]) == 1
    assert baseline_periods([shown, hidden]) == 0
    assert baseline_periods([]) == 0
    assert baseline_periods([shown, shown], limit=1) == 1
    with pytest.raises(InvalidArgument, match="limit"):
        baseline_periods([shown], limit=0)
    with pytest.raises(InvalidArgument, match="rows"):
        pooled_row([])


def test_the_label_names_the_pooled_periods() -> None:
    assert baseline_label(["2025-Q3"]) == "2025-Q3"
    assert baseline_label(["2025-Q1", "2025-Q2", "2025-Q3"]) == "2025-Q1–2025-Q3"
