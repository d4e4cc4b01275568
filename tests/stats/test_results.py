"""The shared result records."""

from __future__ import annotations

import json
import math

import pytest

from kundpuls.stats.results import Comparison, IndexResult


def test_build_turns_nan_into_none_and_blanks_suppressed_numbers() -> None:
    r = IndexResult.build(
        estimate=50.0, ci_low=math.nan, ci_high=60.0, n=3, n_eff=3.0, method="m", suppressed=False, se=2.0
    )
    assert r.ci_low is None and r.estimate == 50.0
    hidden = IndexResult.build(
        estimate=50.0, ci_low=40.0, ci_high=60.0, n=3, n_eff=3.0, method="m", suppressed=True, se=2.0
    )
    assert (hidden.estimate, hidden.ci_low, hidden.ci_high, hidden.se) == (None, None, None, None)
    assert hidden.n == 3 and hidden.suppressed


def test_to_dict_is_json_serialisable_with_the_fixed_field_names() -> None:
    r = IndexResult.build(
        estimate=50.0, ci_low=40.0, ci_high=60.0, n=12, n_eff=11.5, method="m", suppressed=False
    )
    data = json.loads(json.dumps(r.to_dict()))
    assert {"estimate", "ci_low", "ci_high", "n", "n_eff", "method", "suppressed"} <= set(data)
    c = Comparison(
        difference=1.0,
        ci_low=0.0,
        ci_high=2.0,
        se=0.5,
        statistic=2.0,
        df=None,
        p_value=0.04,
        significant=True,
        method="z",
        n_a=10,
        n_b=12,
    )
    assert json.loads(json.dumps(c.to_dict()))["significant"] is True


def test_results_are_frozen() -> None:
    r = IndexResult.build(estimate=1.0, ci_low=0.0, ci_high=2.0, n=9, n_eff=9, method="m", suppressed=False)
    with pytest.raises(AttributeError):
        r.estimate = 2.0  # type: ignore[misc]
